"""Our own LKE workbook scores itself: its formulas, once LibreOffice calculates them, equal `dossier score`.

The workbooks are written by `lke-template`, filled in through openpyxl as a unit
would (answers typed into the Jawaban column found by its header), calculated by
LibreOffice (`soffice --headless --convert-to xlsx`) and read back data_only.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dossier.layout import LKE, LKE_HEADER_ROW, LKE_INPUTS, LKE_SHEET, LKE_TOTAL_LABEL
from dossier.model import Answer, Lke, Unit
from dossier.readers import read_lke
from dossier.rules import Edition, load_edition
from dossier.scoring import score_question, score_unit
from dossier.workbooks import write_lke_template

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: cannot calculate the formulas")
UNIT = Unit("U1", "Unit Satu", "UPT", "", "", "", "WBK", "", "", "")
TOLERANCE = 0.01


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_edition()


@pytest.fixture(scope="module")
def blank(edition, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "blank.xlsx"
    write_lke_template(path, edition, unit_code=UNIT.code, unit_name=UNIT.name, year=2024, ministry="Kementerian")
    return path


# --- Answer sets -------------------------------------------------------------------------


def random_answers(edition: Edition, seed: int, missing: float) -> dict[str, object]:
    """Cell values by row code (`PPA1A`, `PRE3A.4`): random options, counts and indices, some left blank."""
    rng = random.Random(seed)
    values: dict[str, object] = {}
    for code, indicator in edition.indicators.items():
        if indicator.kind == "count":
            inputs = [int(o.key) for o in indicator.options]
            counts = {n: rng.choice((0, 0, 1, 2, 5, 13)) for n in inputs}
            rule = indicator.count
            if rule.numerator_within_denominator:  # the reader refuses more reported than obliged
                (top,) = rule.numerator
                counts[top] = rng.randint(0, sum(counts[n] for n in rule.denominator))
            for n in inputs:
                if rng.random() >= missing:
                    values[f"{code}.{n}"] = counts[n]
        elif rng.random() < missing:
            continue
        elif indicator.kind == "index":
            values[code] = round(rng.uniform(edition.index_min, edition.index_max), 2)
        else:
            key = rng.choice(indicator.option_keys)
            values[code] = rng.choice((key, key.lower(), f" {key} "))  # the reader trims and ignores case
    return values


def zero_denominators(edition: Edition) -> dict[str, object]:
    """Every count question with a zero denominator, once with a zero numerator and once without."""
    values: dict[str, object] = {}
    for i, (code, indicator) in enumerate(i for i in edition.indicators.items() if i[1].kind == "count"):
        rule = indicator.count
        numerator = (i % 2 == 1 or rule.zero_denominator_numerator != rule.zero_denominator)
        numerator = numerator and not rule.numerator_within_denominator  # else the reader refuses it
        for option in indicator.options:
            n = int(option.key)
            values[f"{code}.{n}"] = 3 if numerator and n not in rule.denominator else 0
    values["HBA"], values["HPA"] = 3.6, 3.2
    return values


ANSWER_SETS = {
    "random-a": lambda ed: random_answers(ed, 1, missing=0.0),
    "random-b": lambda ed: random_answers(ed, 2, missing=0.15),
    "random-c": lambda ed: random_answers(ed, 3, missing=0.5),
    "zero-denominators": zero_denominators,
    "empty": lambda ed: {},
}


def fill(blank: Path, target: Path, values: dict[str, object]) -> None:
    """Type the values into the Jawaban cells of their Kode rows, as a unit filling the workbook would."""
    wb = load_workbook(blank)
    ws = wb[LKE_SHEET]
    header = [c.value for c in ws[LKE_HEADER_ROW]]
    kode, jawaban = header.index("Kode") + 1, header.index("Jawaban") + 1
    for row in range(LKE_HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(row, kode).value
        if code in values:
            ws.cell(row, jawaban).value = values[code]
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def calculate(files: list[Path], out: Path, profile: Path) -> list[Path]:
    """Let LibreOffice open, calculate and save each workbook (one run, its own profile: helpers run in parallel)."""
    out.mkdir()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )
    return [out / f.name for f in files]


@pytest.fixture(scope="module")
def calculated(edition, blank, tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """Answer set name -> (its cell values, the filled workbook as LibreOffice calculated and saved it)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot calculate the formulas")
    root = tmp_path_factory.mktemp("formulas")
    values = {name: make(edition) for name, make in ANSWER_SETS.items()}
    filled = []
    for name, cells in values.items():
        filled.append(root / "lke" / f"{name}.xlsx")
        fill(blank, filled[-1], cells)
    done = calculate(filled, root / "calculated", root / "profile")
    return {name: (values[name], path) for name, path in zip(values, done)}


def read(path: Path, edition: Edition):
    result = read_lke(path, f"lke/{path.name}", edition, path.parent / "bukti")
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors == [], [p.message for p in errors]
    return result


def score_of(path: Path, edition: Edition):
    """What `dossier score` gives for the workbook: read its answers, score them by the rules."""
    return score_unit(UNIT, read(path, edition).lke, edition)


def sheet_values(path: Path):
    return load_workbook(path, data_only=True)[LKE_SHEET]


def total_cell(ws):
    """The value in the cell right of the one labelled exactly 'Nilai Total'."""
    labels = [c for row in ws.iter_rows() for c in row if c.value == LKE_TOTAL_LABEL]
    assert len(labels) == 1
    return ws.cell(labels[0].row, labels[0].column + 1).value


def group_paths(edition: Edition) -> list[tuple[str, ...]]:
    """The score tree's nodes in the order their heading rows appear in the LKE."""
    paths, shown = [], ()
    for indicator in edition.indicators.values():
        for depth in range(len(indicator.group)):
            if indicator.group[: depth + 1] != shown[: depth + 1]:
                paths.append(indicator.group[: depth + 1])
        shown = indicator.group
    return paths


def node_cells(ws, edition: Edition) -> dict[tuple[str, ...], object]:
    """Each node of the score tree -> the Nilai value on its heading row (text in column A, no Kode)."""
    header = [c.value for c in ws[LKE_HEADER_ROW]]
    kode, nilai = header.index("Kode"), header.index("Nilai")
    headings = [
        row for row in ws.iter_rows(min_row=LKE_HEADER_ROW + 1, values_only=True)
        if isinstance(row[0], str) and row[kode] is None
    ]
    paths = group_paths(edition)
    assert len(headings) == len(paths)
    for row, path in zip(headings, paths):
        assert row[0].casefold().startswith(path[-1].casefold()), (row[0], path)
    return {path: row[nilai] for row, path in zip(headings, paths)}


# --- The acceptance test ---------------------------------------------------------------------


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_nilai_total_equals_dossier_score_once_calculated(calculated, edition, name):
    values, path = calculated[name]
    ws = sheet_values(path)
    expected = score_of(path, edition)
    assert total_cell(ws) == pytest.approx(expected.total, abs=TOLERANCE)
    # the same answers given to the scorer directly: the workbook's cells were read back as typed
    answers = {code: Answer(code) for code in edition.indicators}
    for code, value in values.items():
        base, _, n = code.partition(".")
        indicator = edition.indicators[base]
        if indicator.kind == "count":
            answers[base] = Answer(base, counts={**(answers[base].counts or {}), int(n): value})
        elif indicator.kind == "index":
            answers[base] = Answer(base, index=value)
        else:
            answers[base] = Answer(base, choice=next(k for k in indicator.option_keys if k.casefold() == value.strip().casefold()))
    direct = score_unit(UNIT, Lke(UNIT.code, "", answers), edition)
    assert direct.total == pytest.approx(expected.total, abs=1e-9)


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("name", ["random-b", "zero-denominators"])
def test_every_part_area_and_sub_area_cell_equals_its_score(calculated, edition, name):
    _, path = calculated[name]
    expected = score_of(path, edition)
    cells = node_cells(sheet_values(path), edition)
    for path_, value in cells.items():
        assert value == pytest.approx(expected.nodes[path_], abs=TOLERANCE), path_
    for key in ("pengungkit", "pemenuhan", "reform", "hasil", "ipak", "ipkp"):
        assert cells[edition.nodes[key]] == pytest.approx(expected[key], abs=TOLERANCE), key


@pytest.mark.render
@needs_soffice
@pytest.mark.parametrize("name", ["random-b", "zero-denominators", "empty"])
def test_every_question_cell_scores_as_the_rules(calculated, edition, name):
    """Each question's Nilai is its fraction 0..1: blanks, zero denominators and clamping as dossier.scoring does."""
    _, path = calculated[name]
    lke = read(path, edition).lke
    ws = sheet_values(path)
    header = [c.value for c in ws[LKE_HEADER_ROW]]
    kode, nilai, no = header.index("Kode"), header.index("Nilai"), header.index("No")
    rows = list(ws.iter_rows(min_row=LKE_HEADER_ROW + 1, values_only=True))
    codes = list(edition.indicators)
    numbered = [row for row in rows if isinstance(row[no], int)]
    assert len(numbered) == len(codes)
    for row, code in zip(numbered, codes):
        indicator = edition.indicators[code]
        if indicator.kind != "count":
            assert row[kode] == code
        fraction = score_question(indicator, lke.answers.get(code), edition).fraction
        assert row[nilai] == pytest.approx(fraction, abs=0.001), code


@pytest.mark.render
@needs_soffice
def test_the_calculated_workbook_still_reads_as_its_answers(calculated, edition):
    """The reader ignores the formula cells; a workbook saved by LibreOffice gives the answers typed."""
    values, path = calculated["random-b"]
    lke = read(path, edition).lke
    for code, value in values.items():
        base, _, n = code.partition(".")
        answer = lke.answers[base]
        if n:
            assert answer.counts[int(n)] == value
        elif isinstance(value, float):
            assert answer.index == pytest.approx(value)
        else:
            assert answer.choice.casefold() == value.strip().casefold()


def test_a_filled_workbook_never_calculated_reads_without_formula_problems(blank, edition, tmp_path):
    """Our own formula cells hold no stored value until a spreadsheet calculates them: that is no problem."""
    path = tmp_path / "lke" / "filled.xlsx"
    fill(blank, path, random_answers(edition, 4, missing=0.1))
    result = read(path, edition)
    assert not [p for p in result.problems if "formula" in p.message]
    assert result.lke.unit_code == UNIT.code


def test_the_formulas_come_from_the_edition(blank, edition):
    """Spot checks of the generated formulas: options, count rules, the mean over every question."""
    ws = load_workbook(blank)[LKE_SHEET]
    header = [c.value for c in ws[LKE_HEADER_ROW]]
    kode, nilai = header.index("Kode") + 1, header.index("Nilai") + 1
    row_of = {ws.cell(r, kode).value: r for r in range(LKE_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, kode).value}
    answer, tpi = LKE.letter("answer"), LKE.letter("tpi_answer")

    def counted(code):  # the TPI's answer where it gave one, the unit's otherwise
        return f'IF({tpi}{row_of[code]}="",{answer}{row_of[code]},{tpi}{row_of[code]})'

    formula = ws.cell(row_of["PPA3A"], nilai).value
    assert formula == (
        f'=IF(TRIM({counted("PPA3A")})="A",1,IF(TRIM({counted("PPA3A")})="B",0.67,'
        f'IF(TRIM({counted("PPA3A")})="C",0.33,0)))'
    )
    # a count question's formula sits on its heading row, just above its inputs
    count = ws.cell(row_of["PRC3A.1"] - 1, nilai).value
    first, second = (counted(f"PRC3A.{n}") for n in (1, 2))
    assert f"IF({first}=0,IF(({first}-{second})=0,1,0)" in count
    # a sub-area divides by the number of its questions, so a blank one counts as 0 (no AVERAGE)
    sub_area = ws.cell(row_of["PPA1A"] - 1, nilai).value
    assert sub_area.startswith("=SUM(") and sub_area.endswith(")/2*0.5")
    assert "AVERAGE" not in "".join(str(c.value) for row in ws.iter_rows() for c in row)


# --- Protection --------------------------------------------------------------------------


def test_only_the_input_cells_are_unlocked_and_the_sheet_has_no_password(blank):
    ws = load_workbook(blank)[LKE_SHEET]
    assert ws.protection.sheet
    assert not ws.protection.password
    inputs = {LKE.number(key) for key in LKE_INPUTS}
    kode = LKE.number("code")
    unlocked = set()
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(LKE.columns)):
        for cell in row:
            if not cell.protection.locked:
                unlocked.add((cell.row, cell.column))
    coded = [r for r in range(LKE_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, kode).value]
    assert unlocked == {(r, c) for r in coded for c in inputs}
    # the drop-down lists and checks still cover the (unlocked) answer cells
    answer = LKE.letter("answer")
    for r in coded:
        assert any(f"{answer}{r}" in dv.sqref for dv in ws.data_validations.dataValidation), r


@pytest.mark.render
@needs_soffice
def test_the_sample_year_calculated_by_libreoffice_shows_what_dossier_score_gives(tmp_path):
    """Through the command line: every sample LKE, saved by LibreOffice, shows `dossier score`'s total."""
    import json

    from click.testing import CliRunner

    from dossier.cli import cli
    from dossier.sample import write_sample_year

    folder = write_sample_year(tmp_path / "ws")
    lke_files = sorted((folder / "lke").glob("*.xlsx"))
    for original, done in zip(lke_files, calculate(lke_files, tmp_path / "calculated", tmp_path / "profile")):
        shutil.move(done, original)  # as a unit that opened, filled and saved it in LibreOffice
    result = CliRunner().invoke(cli, ["-C", str(tmp_path / "ws"), "score", "--json", "--year", str(folder.name)])
    assert result.exit_code == 0, result.output
    totals = {unit["code"]: unit["total"] for unit in json.loads(result.output)["units"]}
    shown = {}
    for path in lke_files:
        ws = sheet_values(path)
        label = LKE.number("code")  # the title labels sit in the Kode column, their values to the right
        code = next(ws.cell(r, label + 1).value for r in range(1, LKE_HEADER_ROW) if ws.cell(r, label).value == "Kode Unit")
        shown[code] = total_cell(ws)
    assert set(shown) == set(totals)
    for code, total in totals.items():
        assert shown[code] == pytest.approx(total, abs=TOLERANCE), code
