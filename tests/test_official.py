"""LKE workbooks in the official KemenPAN-RB layout: a real copy from a public repository, filled
as a unit would fill it, scored against the regulation computed here from the reference CSV."""

from __future__ import annotations

import copy
import csv
import json
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import openpyxl
import pytest
from click.testing import CliRunner

from dossier.cli import cli
from dossier.model import Answer, Lke
from dossier.official_template import write_official_template
from dossier.readers import read_award_year, read_lke
from dossier.scoring import score_unit
from dossier.workbooks import write_lke_template

from .workbook_factory import YEAR, edition, write_year

pytestmark = pytest.mark.slow  # each test reads the real official form (48,000 styled cells) in full

DATA = Path(__file__).parent / "data" / "official"
REAL = DATA / "gratifikasi-app-Export_Template_LKE.xlsx"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "lke-zi-2021.csv"  # the shared/ beside the repository
CSV = REFERENCE if REFERENCE.is_file() else Path(__file__).parent.parent / "dossier/rules/editions/lke-2021.csv"
OPTION_KINDS = {"ya/tidak", "a/b/c", "a/b/c/d", "a/b/c/d/e", "nilai (0-4)"}
T = TypeVar("T")


def key(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


# -- The official form as a unit fills it ----------------------------------------------------


def form_rows(ws, choices_col: int = 10):
    """The form's indicator rows in order, each with its Jumlah rows: (row, [input rows], [total rows]).

    An indicator row has an option kind in Pilihan Jawaban, or '%' at the indicator level (F/G);
    the Jumlah rows below a '%' row are its inputs, except a marked total row with its parts below.
    """
    found = []
    rows = list(ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=choices_col))
    for i, row in enumerate(rows):
        kind = key(row[choices_col - 1].value)
        level = next((c for c in range(2, 8) if row[c - 1].value not in (None, "")), 99)
        # Any Pilihan Jawaban but Jumlah at the indicator level: a copy may have "Ya" for "Ya/Tidak".
        if kind in OPTION_KINDS or (kind not in ("", "jumlah") and 6 <= level <= 7):
            inputs, totals = [], []
            j = i + 1
            while j < len(rows) and key(rows[j][choices_col - 1].value) == "jumlah":
                marked = rows[j][5].value not in (None, "")
                has_parts = j + 1 < len(rows) and key(rows[j + 1][choices_col - 1].value) == "jumlah" and rows[j + 1][5].value in (None, "")
                (totals if marked and has_parts else inputs).append(rows[j][0].row)
                j += 1
            found.append((row[0].row, inputs, totals))
    return found


def random_answers(seed: int) -> dict[str, Answer]:
    """Valid answers for every indicator; counts with reported <= obliged."""
    rng = random.Random(seed)
    answers = {}
    for code, indicator in edition().indicators.items():
        if indicator.kind == "index":
            answers[code] = Answer(code, index=round(rng.uniform(2.5, 4.0), 2))
        elif indicator.kind == "count":
            counts = {int(o.key): rng.randint(0, 9) for o in indicator.options}
            if code in ("PRE3A", "PRE3B"):
                counts[4] = rng.randint(0, counts[1] + counts[2] + counts[3])
            answers[code] = Answer(code, counts=counts)
        else:
            answers[code] = Answer(code, choice=rng.choice(indicator.option_keys))
    return answers


def fill_form(source: Path, target: Path, answers: dict[str, Answer], *, answer_col: int = 11, choices_col: int = 10,
              typed_totals: bool = True) -> openpyxl.Workbook:
    """Fill the form through openpyxl, indicator by indicator in the regulation's order."""
    book = openpyxl.load_workbook(source)
    fill(book, answers, answer_col=answer_col, choices_col=choices_col, typed_totals=typed_totals)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return book


def fill(book: openpyxl.Workbook, answers: dict[str, Answer], *, answer_col: int = 11, choices_col: int = 10,
         typed_totals: bool = True) -> None:
    """What fill_form does to the workbook it loaded, before it saves it."""
    ws = book[[n for n in book.sheetnames if n in ("Jawaban", "LKE ZI")][0]]
    rows = form_rows(ws, choices_col)
    indicators = list(edition().indicators.values())
    assert len(rows) == len(indicators)
    for (row, inputs, totals), indicator in zip(rows, indicators):
        answer = answers[indicator.code]
        if indicator.kind == "count":
            assert len(inputs) == len(indicator.options), indicator.code
            for r, option in zip(inputs, indicator.options):
                ws.cell(r, answer_col, answer.counts[int(option.key)])
            for r in totals if typed_totals else ():
                ws.cell(r, answer_col, answer.counts[1] + answer.counts[2] + answer.counts[3])
        else:
            ws.cell(row, answer_col, answer.index if indicator.kind == "index" else answer.choice)


# -- A workbook loaded, worked on and saved once ---------------------------------------------------


def on_a_copy(source: Path, work: Callable[[openpyxl.Workbook], T], *, save_as: Path | None = None) -> T:
    """Load `source` with openpyxl, let `work` read or change it, save it as `save_as`; what `work` returned."""
    book = openpyxl.load_workbook(source)
    result = work(book)
    if save_as is not None:
        save_as.parent.mkdir(parents=True, exist_ok=True)
        book.save(save_as)
    return result


def filled_copy(source: Path, target: Path, answers: dict[str, Answer],
                change: Callable[[openpyxl.Workbook], T] | None = None) -> T | None:
    """fill_form, and `change` on the filled workbook before it is saved once; what `change` returned."""

    def work(book: openpyxl.Workbook) -> T | None:
        fill(book, answers)
        return None if change is None else change(book)

    return on_a_copy(source, work, save_as=target)


# -- The regulation, computed independently from the reference CSV ------------------------------

RATIOS = {  # count indicator: (numerator, denominator, score at 0/0, score at n/0 with n != 0)
    "PRA1A": ({2: 1}, {1: 1}, 0.0, 0.0), "PRA1B": ({2: 1}, {1: 1}, 0.0, 0.0),
    "PRC3A": ({1: 1, 2: -1}, {1: 1}, 1.0, 0.0), "PRD1A": ({2: 1}, {1: 1}, 0.0, 0.0),
    "PRE2A": ({3: 1}, {1: 1}, 1.0, 1.0), "PRE3A": ({4: 1}, {1: 1, 2: 1, 3: 1}, 1.0, 1.0),
    "PRE3B": ({4: 1}, {1: 1, 2: 1, 3: 1}, 1.0, 1.0), "PRF1B": ({2: 1}, {1: 1}, 0.0, 0.0),
}


def regulation_total(answers: dict[str, Answer]) -> float:
    """Nilai = sum over sub-areas (Hasil: areas) of the mean of its questions' values times its weight."""
    return sum(regulation_parts(answers).values())


def regulation_parts(answers: dict[str, Answer]) -> dict[str, float]:
    """The regulation's score per part (Pemenuhan, Reform, the two Hasil parts); a missing answer scores 0."""
    weights, groups, scores = {}, {}, {}
    with CSV.open(encoding="utf-8") as f:
        for line in csv.DictReader(f):
            group = (line["part"], line["area"], line["sub_area"])
            weights[group] = float(line["sub_area_weight"] or line["area_weight"])
            groups.setdefault(group, set()).add(line["code"])
            if line["option_score"]:
                scores[(line["code"], line["option"])] = float(line["option_score"])
    parts = {}
    for group, codes in groups.items():
        values = []
        for code in codes:
            a = answers.get(code)
            if a is None:
                values.append(0.0)
            elif a.index is not None:
                values.append(a.index / 4)
            elif a.counts is not None:
                top, bottom, zero, zero_n = RATIOS[code]
                n = sum(f * a.counts[i] for i, f in top.items())
                d = sum(f * a.counts[i] for i, f in bottom.items())
                values.append(min(1.0, max(0.0, n / d)) if d else (zero if n == 0 else zero_n))
            else:
                values.append(scores[(code, a.choice)])
        parts[group[0]] = parts.get(group[0], 0.0) + sum(values) / len(values) * weights[group]
    return parts


def score(lke: Lke) -> float:
    from dossier.model import Unit

    u = Unit("UPT01", "Unit", "Balai", "Kota", "Prov", "Kepala", "WBK", "", "", "")
    return score_unit(u, lke, edition()).total


def read(path: Path, rel: str):
    return read_lke(path, rel, edition(), path.parent)


# -- The real form ------------------------------------------------------------------------------


def test_the_real_official_form_is_recognised_and_every_indicator_found():
    result = read(REAL, "lke/UPT01 LKE ZI.xlsx")
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.lke.unit_code == "UPT01"
    assert set(result.lke.answers) == set(edition().indicators)
    assert all(a.missing for a in result.lke.answers.values())
    # The row each indicator was found on is the one the form's own order gives.
    rows = on_a_copy(REAL, lambda book: form_rows(book["Jawaban"]))
    for (row, inputs, _), code in zip(rows, edition().indicators):
        where = result.lke.answers[code].where
        assert where.endswith(f"Jawaban!K{inputs[0] if inputs else row}"), (code, where)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_filled_real_form_scores_as_the_regulation_and_as_our_template(tmp_path, seed):
    answers = random_answers(seed)
    filled = tmp_path / "lke" / "UPT01 LKE ZI.xlsx"
    filled_copy(REAL, filled, answers)
    result = read(filled, "lke/UPT01 LKE ZI.xlsx")
    assert list(result.problems) == []
    read_back = {c: (a.choice, a.counts, a.index) for c, a in result.lke.answers.items()}
    assert read_back == {c: (a.choice, a.counts, a.index) for c, a in answers.items()}
    official = score(result.lke)
    assert official == pytest.approx(regulation_total(answers), abs=1e-4)
    own = tmp_path / "own" / "LKE UPT01.xlsx"
    write_lke_template(own, edition(), unit_code="UPT01", unit_name="Unit", year=YEAR, ministry="K", answers=answers)
    assert score(read(own, "lke/LKE UPT01.xlsx").lke) == pytest.approx(official, abs=1e-4)


def test_a_wrong_answer_is_reported_at_the_official_cell(tmp_path):
    answers = random_answers(4)
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def wrong_answer(book):
        book["Jawaban"]["K23"] = "F"  # PPB1A, A/B/C/D

    filled_copy(REAL, filled, answers, wrong_answer)
    messages = [str(p) for p in read(filled, "lke/UPT01 LKE ZI.xlsx").problems]
    assert messages == ["lke/UPT01 LKE ZI.xlsx, Jawaban!K23: answer 'F' for PPB1A is not an option; expected one of A, B, C, D"]


def test_inserted_rows_typos_extra_columns_and_a_deleted_row(tmp_path):
    answers = random_answers(5)
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def edit(book):
        ws = book["Jawaban"]
        assert ws["G24"].value.startswith("Prosedur operasional tetap (SOP) telah diterapkan")
        ws["G24"] = "Prosedur operasonal tetap (SOP) telah diterapakan"  # typos
        ws.delete_rows(68)  # PPD2D, "Indikator kinerja telah memenuhi kriteria SMART"
        ws.insert_rows(40, 2)  # two empty rows inside Penataan Sistem Manajemen SDM
        ws.insert_cols(9)  # an extra column before Penjelasan: Pilihan Jawaban moves to K, Jawaban to L
        ws["I1"] = "Keterangan Tambahan"

    filled_copy(REAL, filled, answers, edit)
    result = read(filled, "lke/UPT01 LKE ZI.xlsx")
    assert [p.message for p in result.problems if p.severity == "error"] == []
    assert [p.message for p in result.problems if "no row" in p.message] == [
        "1 of 113 indicator(s) have no row in the table, scored 0: PPD2D; start from the blank LKE that 'dossier lke-template' writes"
    ]
    got = {c: (a.choice, a.counts, a.index) for c, a in result.lke.answers.items()}
    assert got == {c: (a.choice, a.counts, a.index) for c, a in answers.items() if c != "PPD2D"}
    assert result.lke.answers["PPB1B"].where == "lke/UPT01 LKE ZI.xlsx, Jawaban!L24"


def test_a_row_that_is_no_indicator_is_a_problem_naming_its_row(tmp_path):
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def add_a_row(book):
        ws = book["Jawaban"]
        ws.insert_rows(22)
        ws["F22"], ws["G22"], ws["J22"], ws["K22"] = "e.", "Kantin kejujuran tersedia di lobi kantor", "Ya/Tidak", "Ya"

    filled_copy(REAL, filled, random_answers(6), add_a_row)
    errors = [str(p) for p in read(filled, "lke/UPT01 LKE ZI.xlsx").problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("lke/UPT01 LKE ZI.xlsx, Jawaban!G22: row 22 is not an indicator of LKE edition 2021: "
                                "'Kantin kejujuran tersedia di lobi kantor'")
    assert errors[0].endswith("its answer 'Ya' is not scored")


def test_a_typed_lhkasn_total_that_disagrees_with_its_parts_is_a_warning_and_the_parts_are_scored(tmp_path):
    answers = random_answers(7)
    answers["PRE3B"] = Answer("PRE3B", counts={1: 2, 2: 5, 3: 10, 4: 15})
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def type_the_total(book):
        book["Jawaban"]["K182"] = 20  # Jumlah yang harus melaporkan; its parts K183:K185 add up to 17

    filled_copy(REAL, filled, answers, type_the_total)
    result = read(filled, "lke/UPT01 LKE ZI.xlsx")
    assert [str(p) for p in result.problems] == [
        "lke/UPT01 LKE ZI.xlsx, Jawaban!K182: the total 'Jumlah yang harus melaporkan (tidak wajib LHKPN)' for PRE3B is 20 but its "
        "parts K183:K185 add up to 17; scored with the parts (2 + 5 + 10)"
    ]
    assert [p.severity for p in result.problems] == ["warning"]
    assert result.lke.answers["PRE3B"].counts == {1: 2, 2: 5, 3: 10, 4: 15}
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


# -- Our blank official-layout workbook ------------------------------------------------------------


def test_the_blank_resmi_workbook_filled_scores_as_our_own_template(tmp_path):
    answers = random_answers(8)
    blank = tmp_path / "blank" / "UPT01 LKE ZI.xlsx"
    write_official_template(blank, edition(), unit_code="UPT01", unit_name="Unit", year=YEAR, ministry="K")
    filled = tmp_path / "lke" / "UPT01 LKE ZI.xlsx"
    fill_form(blank, filled, answers)
    result = read(filled, "lke/UPT01 LKE ZI.xlsx")
    assert result.problems == []
    own = tmp_path / "own" / "LKE UPT01.xlsx"
    write_lke_template(own, edition(), unit_code="UPT01", unit_name="Unit", year=YEAR, ministry="K", answers=answers)
    assert score(result.lke) == pytest.approx(score(read(own, "lke/LKE UPT01.xlsx").lke), abs=1e-4)
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


def test_lke_template_resmi_writes_official_workbooks_that_the_year_reads(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    out = tmp_path / "out"
    (inputs / "lke" / "LKE BP01.xlsx").unlink()  # lke-template writes for the units that have no LKE yet
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "lke-template", "--format", "resmi", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = out / "BP01 LKE ZI.xlsx"
    assert "LKE ZI" in openpyxl.load_workbook(written).sheetnames
    answers = random_answers(9)
    fill_form(written, inputs / "lke" / "BP01 LKE ZI.xlsx", answers)
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == []
    assert score_unit(year.units[0], year.lke["BP01"], edition()).total == pytest.approx(regulation_total(answers), abs=1e-4)


def test_our_own_workbooks_are_not_taken_for_official_ones(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    assert read_award_year(inputs, YEAR, edition()).problems == []


def test_a_typed_lhkpn_total_over_empty_parts_is_scored_as_their_sum(tmp_path):
    answers = random_answers(10)
    answers["PRE3A"] = Answer("PRE3A", counts={1: 12, 2: 0, 3: 0, 4: 11})
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def only_the_total(book):
        ws = book["Jawaban"]
        for row in (176, 177, 178):
            ws.cell(row, 11).value = None
        ws["K175"] = 12

    filled_copy(REAL, filled, answers, only_the_total)
    result = read(filled, "lke/UPT01 LKE ZI.xlsx")
    assert [(p.severity, p.where) for p in result.problems] == [("warning", "lke/UPT01 LKE ZI.xlsx, Jawaban!K175")]
    assert result.lke.answers["PRE3A"].counts == {1: 12, 2: 0, 3: 0, 4: 11}
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


def test_notes_and_links_of_the_official_form_are_read(tmp_path):
    filled = tmp_path / "UPT01 LKE ZI.xlsx"

    def notes_and_a_link(book):
        ws = book["Jawaban"]
        ws["L6"], ws["M6"], ws["N6"] = "Tim dibentuk Januari", "SK Kepala Balai No. 1/2024", "https://example.go.id/sk-tim.pdf"

    filled_copy(REAL, filled, random_answers(11), notes_and_a_link)
    answer = read(filled, "lke/UPT01 LKE ZI.xlsx").lke.answers["PPA1A"]
    assert answer.note == "Tim dibentuk Januari\nSK Kepala Balai No. 1/2024"
    assert [(e.entry, e.url) for e in answer.evidence] == [("https://example.go.id/sk-tim.pdf", True)]


# -- Real filled workbooks -------------------------------------------------------------------------

FILLED = DATA / "axxpxmd_zona_integritas_form_kuesioner.xlsx"
REVISED = DATA / "kspstk2024_lke_zi_from_html.xlsx"
# The 2021 questions the KSPSTK copy (revised LKE 2023/24) has no row for.
NOT_IN_REVISED = ("PPB1A", "PPD1C", "PPF2B", "PPF2E")


def answers_in(path: Path, codes: list[str]) -> tuple[dict[str, Answer], dict[str, int]]:
    """The answers as openpyxl reads them (cached values), row by row in the regulation's order; and each code's first row."""
    return copy.deepcopy(_answers_in(path, tuple(codes)))  # the data files never change: read once per process


@cache
def _answers_in(path: Path, codes: tuple[str, ...]) -> tuple[dict[str, Answer], dict[str, int]]:
    ws = openpyxl.load_workbook(path, data_only=True)["LKE ZI"]
    rows = form_rows(ws)
    assert len(rows) == len(codes)
    answers, where = {}, {}
    for (row, inputs, _), code in zip(rows, codes):
        indicator = edition().indicators[code]
        value = ws.cell(row, 11).value
        if indicator.kind == "count":
            answers[code] = Answer(code, counts={int(o.key): int(ws.cell(r, 11).value) for r, o in zip(inputs, indicator.options)})
        elif indicator.kind == "index":
            answers[code] = Answer(code, index=float(value))
        else:
            typed = str(value).strip()
            answers[code] = Answer(code, choice=typed.capitalize() if indicator.kind == "ya_tidak" else typed.upper())
        where[code] = inputs[0] if inputs else row
    return answers, where


def score_of(lke: Lke):
    from dossier.model import Unit

    return score_unit(Unit("PKM01", "Unit", "Puskesmas", "Kota", "Prov", "Kepala", "WBK", "", "", ""), lke, edition())


def test_a_real_filled_official_workbook_is_read_whole():
    result = read(FILLED, "lke/PKM01 LKE ZI.xlsx")
    assert result.lke.unit_code == "PKM01"
    # Only what the file really has: "Ya" typed as Pilihan Jawaban of PPA1A, a LHKASN total
    # (and the percentage computed from it) that disagrees with its three parts, and the documents
    # named in two columns without a header right of the notes (P: in words, Q: Google-Drive links).
    assert [(p.severity, p.where.split("!")[1]) for p in result.problems] == [
        ("warning", "J8"), ("warning", "K185"), ("warning", "K184"), ("warning", "P2"), ("warning", "Q2"),
    ]
    assert "Pilihan Jawaban 'Ya' for PPA1A is not an answer kind" in result.problems[0].message
    assert "is 12 but its parts K186:K188 add up to 13" in result.problems[1].message
    assert "the percentage 100.00% for PRE3B is not the ratio of its counts" in result.problems[2].message
    expected, rows = answers_in(FILLED, list(edition().indicators))
    got = {c: (a.choice, a.counts, a.index) for c, a in result.lke.answers.items()}
    assert got == {c: (a.choice, a.counts, a.index) for c, a in expected.items()}
    assert {c: a.where for c, a in result.lke.answers.items()} == {c: f"lke/PKM01 LKE ZI.xlsx, LKE ZI!K{r}" for c, r in rows.items()}
    # The counts and survey indices as the unit entered them.
    assert got["PRA1A"][1] == {1: 7, 2: 7} and got["PRA1B"][1] == {1: 7, 2: 1}
    assert got["PRD1A"][1] == {1: 5, 2: 3} and got["PRE2A"][1] == {1: 6, 2: 1, 3: 1}
    assert got["PRE3A"][1] == {1: 1, 2: 1, 3: 13, 4: 13} and got["PRE3B"][1] == {1: 0, 2: 1, 3: 12, 4: 12}
    assert got["HBA"][2] == got["HPA"][2] == 4.0
    assert result.lke.answers["PPA1B"].note.startswith(text_of(FILLED, "O9"))


def text_of(path: Path, cell: str) -> str:
    return str(openpyxl.load_workbook(path)["LKE ZI"][cell].value).strip()


def test_a_real_filled_official_workbook_scores_as_the_regulation_not_as_its_own_formulas():
    result = read(FILLED, "lke/PKM01 LKE ZI.xlsx")
    ours = score_of(result.lke)
    answers, _ = answers_in(FILLED, list(edition().indicators))
    parts = regulation_parts(answers)
    assert ours.total == pytest.approx(sum(parts.values()), abs=1e-4)
    assert ours["pemenuhan"] == pytest.approx(parts["Pemenuhan"], abs=1e-4)
    assert ours["reform"] == pytest.approx(parts["Reform"], abs=1e-4)
    # The workbook's own saved scores.
    saved = openpyxl.load_workbook(FILLED, data_only=True)["LKE ZI"]
    formulas = openpyxl.load_workbook(FILLED)["LKE ZI"]
    assert [round(saved[c].value, 3) for c in ("L5", "L125", "L198", "L206", "L208")] == [30, 25.576, 55.576, 40, 95.576]
    assert ours["pemenuhan"] == pytest.approx(saved["L5"].value, abs=1e-9)
    assert ours["hasil"] == pytest.approx(saved["L206"].value, abs=1e-9)
    # Reform differs in one sub-area only, Penyampaian Laporan Harta Kekayaan (weight 2): the
    # workbook averages L176:L179 (the LHKPN block twice) and leaves LHKASN (L183) out, where the
    # regulation takes the mean of LHKPN 13/15 and LHKASN 12/13 (the parts; the typed total says 12).
    assert formulas["L175"].value == "=AVERAGE(L176:L179)*H175"
    assert saved["L175"].value == pytest.approx(2 * 13 / 15, abs=1e-9)
    lhk = (13 / 15 + 12 / 13) / 2 * 2
    assert ours["reform"] - saved["L125"].value == pytest.approx(lhk - saved["L175"].value, abs=1e-9)
    assert ours.total - saved["L208"].value == pytest.approx(lhk - saved["L175"].value, abs=1e-9)
    # PPA1A counts in the regulation; the workbook's Nilai for it is "-" (Pilihan Jawaban "Ya"),
    # which AVERAGE skips: the sub-area is the same here only because PPA1B is also at its maximum.
    assert saved["L8"].value == "-" and saved["L7"].value == pytest.approx(0.5)
    assert ours.questions["PPA1A"].fraction == 1.0


def test_a_revised_2024_lke_converted_from_html_is_read_and_what_it_lacks_is_reported():
    result = read(REVISED, "lke/PKM01 LKE ZI.xlsx")
    assert [p for p in result.problems if p.severity == "error"] == []
    assert [(p.where.split(", ")[-1], p.message.split(";")[0]) for p in result.problems] == [
        ("LKE ZI!K173", "the total 'Jumlah yang harus melaporkan' for PRE3A is 10 but its parts K174:K176 add up to 11"),
        ("LKE ZI!K172", "the percentage 100.00% for PRE3A is not the ratio of its counts (K174:K177), 90.91% by the regulation"),
        ("LKE ZI", "4 of 113 indicator(s) have no row in the table, scored 0: PPB1A, PPD1C, PPF2B, PPF2E"),
    ]
    codes = [c for c in edition().indicators if c not in NOT_IN_REVISED]
    expected, rows = answers_in(REVISED, codes)
    got = {c: (a.choice, a.counts, a.index) for c, a in result.lke.answers.items() if not a.missing}
    assert got == {c: (a.choice, a.counts, a.index) for c, a in expected.items()}
    assert {c: a.where.split("!")[1] for c, a in result.lke.answers.items() if not a.missing} == {c: f"K{r}" for c, r in rows.items()}
    # "c", "YA", "ya" as typed; percentages as text ("92.35%", "11.11%", "100.00%") agree with their counts.
    assert got["PPB3A"][0] == "C" and got["PPC2C"][0] == "Ya" and got["PPE3B"][0] == "Ya"
    assert got["PRE2A"][1] == {1: 170, 2: 13, 3: 157} and got["PRD1A"][1] == {1: 9, 2: 1}
    assert score_of(result.lke).total == pytest.approx(regulation_total(expected), abs=1e-4)


def test_a_typo_answer_in_the_revised_lke_is_an_error_at_its_cell(tmp_path):
    # The research notes report a typo answer "J" in this file; the HTML has none ("J" is the
    # export's column letter), so it is typed here into a copy, where a unit would make it.
    book = openpyxl.load_workbook(REVISED)
    assert book["LKE ZI"]["G89"].value.startswith("Telah dilakukan evaluasi atas penerapan Whistle")
    book["LKE ZI"]["K89"] = "J"
    copy = tmp_path / "PKM01 LKE ZI.xlsx"
    book.save(copy)
    errors = [str(p) for p in read(copy, "lke/PKM01 LKE ZI.xlsx").problems if p.severity == "error"]
    assert errors == ["lke/PKM01 LKE ZI.xlsx, LKE ZI!K89: answer 'J' for PPE4B is not an option; expected one of A, B, C"]


def test_a_percentage_typed_without_its_counts_is_reported(tmp_path):
    book = openpyxl.load_workbook(REVISED)
    for cell in ("K167", "K168", "K169"):
        book["LKE ZI"][cell] = None
    copy = tmp_path / "PKM01 LKE ZI.xlsx"
    book.save(copy)
    problems = [p for p in read(copy, "lke/PKM01 LKE ZI.xlsx").problems if "PRE2A" in p.message]
    assert problems[0].where.endswith("LKE ZI!K166")
    assert problems[0].message.startswith("only the percentage 92.35% is filled for PRE2A")
    assert problems[1].message == "1 answer(s) missing, scored 0: PRE2A"


def test_a_real_filled_workbook_through_validate_and_score(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws), "--year", "2025"]).exit_code == 0
    nominasi = ws / "inputs/2025/nominasi.xlsx"
    book = openpyxl.load_workbook(nominasi)
    for row, value in enumerate(["Kementerian Kesehatan", "Kemenkes", "Kementerian PANRB", "2025-12-12", "Jakarta"], start=2):
        book["Penghargaan"].cell(row, 2, value)
    book["Unit"].append(["PKM01", "Puskesmas Contoh", "Puskesmas", "Tangerang Selatan", "Banten", "dr. Kepala", "WBK"])
    book.save(nominasi)
    (ws / "inputs/2025/lke/PKM01 LKE ZI.xlsx").write_bytes(FILLED.read_bytes())
    validate = runner.invoke(cli, ["-C", str(ws), "validate"])
    assert validate.exit_code == 0, validate.output
    assert "0 error(s)" in validate.output and "LKE ZI!K185" in validate.output
    scored = runner.invoke(cli, ["-C", str(ws), "score", "--json"])
    assert scored.exit_code == 0, scored.output
    unit = json.loads(scored.output)["units"][0]
    assert unit["code"] == "PKM01" and unit["missing"] == []
    answers, _ = answers_in(FILLED, list(edition().indicators))
    assert unit["total"] == pytest.approx(regulation_total(answers), abs=1e-4)
    assert unit["total"] == pytest.approx(95.5762 + 12 / 13 - 13 / 15, abs=1e-4)
