"""A problem is a record, worded in the reader's language only when shown (issue 20).

Real inputs with problems of every kind (a bad answer, a missing answer, a register error, an
evidence file not found, an official LKE ZI form with a formula error and a count indicator
short of a Jumlah row): `dossier validate --json` gives each as a record with its file, sheet
and cell; a value holding "; ", "," and " - " stays in the message, never moves into the fix,
in the JSON and in the feedback PDF; the LKE read cache keeps no language.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from dossier import i18n
from dossier.errors import Message, Numeral, Place, Problem, msg
from dossier.readers import read_award_year
from dossier.readers.cache import FILENAME, LkeCache

from .conftest import needs
from .reading import pdf_text
from .workbook_factory import YEAR, edition, lke_book, register_book, row_of, write_year

OFFICIAL = Path(__file__).parent / "data" / "official" / "kspstk2024_lke_zi_from_html.xlsx"
OWN = "lke/LKE BP01.xlsx"
FORM = "lke/PKM01 LKE ZI.xlsx"
# What units write into cells, with the separators a split on "; " or "," would cut at.
ANSWER = "Ya; Tidak, Mungkin - A"
COUNT = "12; 13, 14 - 15"
PREDICATE = "WBK; WBBM - A, B"
KEYS = ["file", "sheet", "cell", "row", "unit", "indicator", "severity", "kind", "code", "message", "fix"]


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    """A workspace whose year has one problem of each kind; returns the workspace folder."""
    root = tmp_path_factory.mktemp("problems")
    inputs = write_year(root, units=("BP01", "BP02", "PKM01"))
    book = register_book(("BP01", "BP02", "PKM01"))
    book["Unit"]["G3"] = PREDICATE  # BP02's Predikat Diusulkan
    book.save(inputs / "nominasi.xlsx")

    book = lke_book("BP01")
    ws = book["LKE"]
    ws.cell(row_of(ws, "PPA1A"), 4, ANSWER)
    ws.cell(row_of(ws, "PPA2C"), 4).value = None  # a missing answer
    ws.cell(row_of(ws, "PRA1A.2"), 4, COUNT)
    ws.cell(row_of(ws, "PPA2A"), 6, "BP/tidak-ada.pdf")  # evidence bukti/ lacks
    ws.cell(row_of(ws, "PPA3A"), 6, "ftp://server/sk.pdf")  # evidence refused as it is read
    ws.cell(row_of(ws, "HBA"), 4, "tinggi, - x")  # an index that is no number
    book.save(inputs / OWN)

    (inputs / "lke" / "LKE PKM01.xlsx").unlink()
    form = openpyxl.load_workbook(OFFICIAL)
    ws = form["LKE ZI"]
    ws["K89"] = "#DIV/0!"  # PPE4B's answer
    assert ws["G176"].value == "- Lainnya"
    assert ws["J86"].value == "A/B/C"
    ws["J86"] = "A/B/C/Z"  # a Pilihan Jawaban the official form does not know: a warning about the form's own text
    ws.delete_rows(176)  # PRE3A keeps three of its four Jumlah rows
    form.save(inputs / FORM)
    return root


def dossier(*args: str, cwd: Path, lang: str) -> subprocess.CompletedProcess:
    """Run the command as a user would, in `lang`."""
    environment = {k: v for k, v in os.environ.items() if k != "DOSSIER_LANG"}
    environment.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", DOSSIER_LANG=lang)
    return subprocess.run([sys.executable, "-m", "dossier", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def records(root: Path, lang: str) -> list[dict]:
    result = dossier("validate", "--json", cwd=root, lang=lang)
    assert result.returncode == 1, result.stderr  # errors: validate fails as it always has
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert data["year"] == YEAR
    for record in data["problems"]:
        assert list(record) == KEYS
    return data["problems"]


def one(found: list[dict], **wanted) -> dict:
    matching = [r for r in found if all(r[k] == v for k, v in wanted.items())]
    assert len(matching) == 1, (wanted, [r for r in found if r["code"] == wanted.get("code")])
    return matching[0]


@pytest.mark.slow
def test_validate_json_gives_each_problem_with_its_file_sheet_and_cell(year):
    found = records(year, "en")
    ws = openpyxl.load_workbook(year / f"inputs/{YEAR}/{OWN}")["LKE"]
    answer = one(found, code="lke.answer.not_option")
    assert answer == {
        "file": OWN, "sheet": "LKE", "cell": f"D{row_of(ws, 'PPA1A')}", "row": row_of(ws, "PPA1A"), "unit": "BP01",
        "indicator": "PPA1A", "severity": "error", "kind": None, "code": "lke.answer.not_option",
        "message": f"answer '{ANSWER}' for PPA1A is not an option", "fix": "expected one of Ya, Tidak"}
    missing = one(found, code="lke.answer.missing", file=OWN)
    assert (missing["file"], missing["sheet"], missing["cell"], missing["severity"]) == (OWN, "LKE", None, "warning")
    assert missing["message"] == "1 answer(s) missing, scored 0: PPA2C" and missing["fix"] is None
    count = one(found, code="lke.count.not_whole")
    assert (count["cell"], count["indicator"]) == (f"D{row_of(ws, 'PRA1A.2')}", "PRA1A")
    assert count["message"] == f"count '{COUNT}' for PRA1A.2 is not a non-negative whole number"
    assert count["fix"] == "write a whole number, 0 or more"
    evidence = one(found, code="lke.evidence.not_found")
    assert (evidence["file"], evidence["sheet"], evidence["cell"]) == (OWN, "LKE", f"F{row_of(ws, 'PPA2A')}")
    assert (evidence["indicator"], evidence["unit"]) == ("PPA2A", "BP01")
    refused = one(found, code="evidence.link_scheme")
    assert (refused["cell"], refused["indicator"]) == (f"F{row_of(ws, 'PPA3A')}", "PPA3A")
    assert refused["message"] == "evidence 'ftp://server/sk.pdf' uses a 'ftp:' link, which is not accepted"
    assert refused["fix"] == "give a web address (http:// or https://) or a file under bukti/"
    index = one(found, code="lke.index.not_a_number")
    assert (index["message"], index["fix"]) == ("index 'tinggi, - x' for HBA is not a number",
                                                "write the survey index from 1.00 to 4.00, e.g. 3,72")
    register = one(found, code="register.unit.not_a_choice")
    assert {k: register[k] for k in ("file", "sheet", "cell", "row", "unit")} == {
        "file": "nominasi.xlsx", "sheet": "Unit", "cell": "G3", "row": 3, "unit": "BP02"}
    assert register["message"] == f"Predikat Diusulkan of unit BP02 is '{PREDICATE}'"
    assert register["fix"] == "expected WBK or WBBM"
    formula = one(found, code="official.answer.formula_error")
    assert {k: formula[k] for k in ("file", "sheet", "cell", "unit")} == {
        "file": FORM, "sheet": "LKE ZI", "cell": "K89", "unit": "PKM01"}
    assert (formula["message"], formula["fix"]) == ("the answer on row 89 is the formula error #DIV/0!",
                                                    "fix the formula or type the answer")
    # Which problems are the secretariat's (the form's own text), which only evidence, which the others.
    kinds = {r["code"]: r["kind"] for r in found}
    assert kinds["official.choices.unknown_kind"] == "form"
    assert one(found, code="official.choices.unknown_kind")["cell"] == "J86"
    assert (kinds["lke.evidence.not_found"], kinds["evidence.link_scheme"], kinds["lke.evidence.none"]) == ("evidence",) * 3
    assert {kinds[c] for c in ("lke.answer.not_option", "lke.count.not_whole", "register.unit.not_a_choice",
                               "official.answer.formula_error", "lke.answer.missing")} == {None}
    rows = one(found, code="official.count.rows")
    assert (rows["file"], rows["sheet"], rows["indicator"], rows["cell"]) == (FORM, "LKE ZI", "PRE3A", "K173")
    # The inputs are listed with "; " between them: all of it is what is wrong, none of it the fix.
    assert "(Jumlah yang harus melaporkan - Kepala Satuan Kerja; Jumlah yang harus melaporkan - Pejabat" in rows["message"]
    assert rows["message"].endswith("Jumlah yang sudah melaporkan), but has 3 (rows 174, 175, 176)")
    assert rows["fix"] == "give it one Jumlah row per input, in that order, each with its own number"


@pytest.mark.slow
def test_validate_json_words_the_same_records_in_indonesian(year):
    english, indonesian = records(year, "en"), records(year, "id")
    place = ("file", "sheet", "cell", "row", "unit", "indicator", "severity", "code")
    assert [{k: r[k] for k in place} for r in indonesian] == [{k: r[k] for k in place} for r in english]
    answer = one(indonesian, code="lke.answer.not_option")
    assert answer["message"] == f"jawaban '{ANSWER}' untuk PPA1A bukan pilihan yang tersedia"
    assert answer["fix"] == "seharusnya salah satu dari Ya, Tidak"
    register = one(indonesian, code="register.unit.not_a_choice")
    assert register["message"] == f"kolom Predikat Diusulkan unit BP02 berisi '{PREDICATE}'"
    assert register["fix"] == "seharusnya WBK atau WBBM"
    index = one(indonesian, code="lke.index.not_a_number")
    assert index["fix"] == "tulis indeks survei dari 1,00 sampai 4,00, misalnya 3,72"  # numbers written as the reader writes them
    rows = one(indonesian, code="official.count.rows")
    assert "(Jumlah yang harus melaporkan - Kepala Satuan Kerja; Jumlah yang harus" in rows["message"]
    assert rows["fix"].startswith("buat satu baris Jumlah untuk setiap isian")


@pytest.mark.slow
def test_validate_without_json_prints_the_lines_it_always_has(year):
    result = dossier("validate", cwd=year, lang="en")
    ws = openpyxl.load_workbook(year / f"inputs/{YEAR}/{OWN}")["LKE"]
    assert (f"error: {OWN}, LKE!D{row_of(ws, 'PPA1A')}: answer '{ANSWER}' for PPA1A is not an option; "
            "expected one of Ya, Tidak") in result.stdout.splitlines()
    assert f"error: nominasi.xlsx, Unit!G3: Predikat Diusulkan of unit BP02 is '{PREDICATE}'; expected WBK or WBBM" \
        in result.stdout.splitlines()


def test_a_message_and_its_fix_stay_apart_whatever_a_parameter_holds():
    for value in ("A; B", "A, B - C", "; ", "x;y; z, w - v;", "- ; -"):
        problem = Problem(Place("lke/a.xlsx", "LKE", "D9"), msg("answer '{written}' for {code} is not an option",
                                                                written=value, code="PPA1A"),
                          fix=msg("expected one of {options}", options="Ya; Tidak, Mungkin - A"), code="lke.answer.not_option")
        record = problem.record()
        assert record["message"] == f"answer '{value}' for PPA1A is not an option"
        assert record["fix"] == "expected one of Ya; Tidak, Mungkin - A"
        with i18n.speaking("id"):
            assert problem.record()["message"] == f"jawaban '{value}' untuk PPA1A bukan pilihan yang tersedia"
            assert problem.record()["fix"] == "seharusnya salah satu dari Ya; Tidak, Mungkin - A"
        kept = Problem.from_data(json.loads(json.dumps(problem.to_data())))
        assert kept.record() == record and kept.code == problem.code


def test_a_problem_is_worded_when_shown_not_when_made(speak):
    speak("en")
    problem = Problem(Place("lke/a.xlsx", "LKE", "D154"),
                      msg("index '{written}' for {code} is not a number", written="tinggi", code="HBA"),
                      fix=msg("write the survey index from {low} to {high}, e.g. 3,72", low=Numeral(1, 2), high=Numeral(4, 2)))
    assert str(problem) == ("lke/a.xlsx, LKE!D154: index 'tinggi' for HBA is not a number; "
                            "write the survey index from 1.00 to 4.00, e.g. 3,72")
    speak("id")
    assert str(problem) == ("lke/a.xlsx, LKE!D154: indeks 'tinggi' untuk HBA bukan angka; "
                            "tulis indeks survei dari 1,00 sampai 4,00, misalnya 3,72")
    assert problem.worded("en").message.startswith("index 'tinggi' for HBA")  # fixed in English, shown in any language


def test_places_read_as_the_command_line_has_always_shown_them():
    assert str(Place("lke/UPT01.xlsx", "LKE", "E57")) == "lke/UPT01.xlsx, LKE!E57"
    assert Place("lke/UPT01.xlsx", "LKE", "E57").row == 57
    assert str(Place("nominasi.xlsx", "Unit")) == "nominasi.xlsx, Unit"
    assert str(Place("lke/a, b.xlsx", "LKE", "B3:D3")) == "lke/a, b.xlsx, LKE!B3:D3"
    assert str(Place("dossier.toml", spot="[penandatangan] ketua_tpi")) == "dossier.toml, [penandatangan] ketua_tpi"
    assert str(Place("bukti/BP/sk.pdf", detail="PPA1A")) == "bukti/BP/sk.pdf (PPA1A)"
    # A problem still made the old way, from text: its place is read back, its words shown as given.
    old = Problem("lke/UPT01.xlsx, LKE!E57", "answer 'F' for PPB1A is not an option; expected one of A, B, C")
    assert (old.file, old.place.sheet, old.place.cell, old.fix) == ("lke/UPT01.xlsx", "LKE", "E57", None)
    assert str(old) == "lke/UPT01.xlsx, LKE!E57: answer 'F' for PPB1A is not an option; expected one of A, B, C"
    assert Problem("dossier.toml, [penandatangan] nip_ketua_tpi", "x").place.spot == "[penandatangan] nip_ketua_tpi"


@pytest.mark.slow
def test_the_cache_keeps_no_language(year, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(year / "inputs", root / "inputs")
    inputs = root / "inputs" / str(YEAR)
    cache_file = root / "build" / str(YEAR) / FILENAME

    def read(language: str, cache: LkeCache | None) -> list[Problem]:
        with i18n.speaking(language):
            problems = read_award_year(inputs, YEAR, edition(), cache=cache).problems
            if cache:
                cache.save()
            return [p.worded(language) for p in problems]

    with i18n.speaking("en"):
        english = read("en", LkeCache(cache_file, edition().name, inputs / "bukti"))
    stored = cache_file.read_text(encoding="utf-8")
    assert "answer '{written}' for {code} is not an option" in stored  # the message id and its parameters
    assert f"answer '{ANSWER}' for PPA1A" not in stored and "bukan pilihan" not in stored  # no words of either language
    with i18n.speaking("id"):
        cache = LkeCache(cache_file, edition().name, inputs / "bukti")
        assert set(cache.entries) == {OWN, FORM, "lke/LKE BP02.xlsx"}  # the English build's entries serve Indonesian
        cached = read("id", cache)
    assert set(cache.used) == set(cache.entries)
    assert cached == read("id", None)  # as a fresh read in Indonesian
    assert cached != english
    answer = next(p for p in cached if ANSWER in p.message)
    assert answer.message == f"jawaban '{ANSWER}' untuk PPA1A bukan pilihan yang tersedia; seharusnya salah satu dari Ya, Tidak"
    assert cache_file.read_text(encoding="utf-8") == stored  # read in Indonesian, the cache is the same file
    # The records read back are the records read: the feedback's key does not change because the cache served them.
    fresh = read_award_year(inputs, YEAR, edition())
    again = read_award_year(inputs, YEAR, edition(), cache=LkeCache(cache_file, edition().name, inputs / "bukti"))
    assert [repr(p) for p in again.problems] == [repr(p) for p in fresh.problems]
    assert repr(again.lke["BP01"].answers["PPA3A"]) == repr(fresh.lke["BP01"].answers["PPA3A"])  # its refused evidence
    assert again.lke["BP01"].answers["PPA3A"].evidence[0].problem.code == "evidence.link_scheme"


@pytest.mark.render
@needs("pdftotext")
def test_the_feedback_pdf_keeps_each_message_and_its_fix_in_their_columns(year, tmp_path, speak):
    from dossier.config import Settings
    from dossier.documents import feedback
    from dossier.render.templates import environment, static_dirs
    from dossier.scoring import score_unit

    speak("en")  # the command line speaks English; the feedback is Indonesian all the same
    award_year = read_award_year(year / "inputs" / str(YEAR), YEAR, edition())
    expected = {
        "BP01": [(f"Jawaban '{ANSWER}' untuk PPA1A bukan pilihan yang tersedia", "Seharusnya salah satu dari Ya, Tidak"),
                 (f"Jumlah '{COUNT}' untuk PRA1A.2 bukan bilangan bulat 0 atau lebih", None)],
        "PKM01": [("PRE3A (Penyampaian Laporan Harta Kekayaan Pejabat Negara (LHKPN)) memerlukan 4 baris Jumlah, satu "
                   "untuk setiap isian (Jumlah yang harus melaporkan - Kepala Satuan Kerja; Jumlah yang harus melaporkan "
                   "- Pejabat yang diwajibkan menyampaikan LHKPN; Jumlah yang harus melaporkan - Lainnya; Jumlah yang "
                   "sudah melaporkan), tetapi ada 3 (baris 174, 175, 176)",
                   "Buat satu baris Jumlah untuk setiap isian, sesuai urutannya, masing-masing dengan angkanya sendiri")],
    }
    for code, wanted in expected.items():
        unit = next(u for u in award_year.units if u.code == code)
        ctx = feedback.context(award_year, score_unit(unit, award_year.lke[code], edition()), Settings())
        assert i18n.language() == "en"
        rows = {p["what"]: p["fix"] for p in ctx["problems"]}
        for what, fix in wanted:
            assert what in rows, sorted(rows)
            assert fix is None or rows[what] == fix
        data = feedback.pdf(environment(None), ctx, allowed_roots=static_dirs(None))
        columns = _columns(data, "Yang salah", "Cara memperbaiki")
        for what, _fix in wanted:  # compared without spaces: a line may break after the hyphen of "masing-masing"
            assert _bare(what) in _bare(columns["Yang salah"])
            assert _bare(rows[what]) in _bare(columns["Cara memperbaiki"])
            assert _bare(ANSWER) not in _bare(columns["Cara memperbaiki"])
            assert _bare("Kepala Satuan Kerja") not in _bare(columns["Cara memperbaiki"])


def _bare(text: str) -> str:
    return "".join(text.split())


def _columns(data: bytes, *headers: str) -> dict[str, str]:
    """The words of the PDF under each header, in reading order: one text per column of the problems table."""
    import html
    import re

    out = pdf_text(data, "-bbox")
    words = []
    for page, body in enumerate(out.split("<page ")[1:]):
        for x0, y0, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', body):
            words.append((page, float(y0), float(x0), html.unescape(text)))
    words.sort()
    starts = []
    for header in headers:
        first, second = header.split(" ", 1)
        x = next(w[2] for i, w in enumerate(words) if w[3] == first and words[i + 1][3] == second.split()[0])
        starts.append((x, header))
    starts.sort()
    columns = {}
    for i, (x, header) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else float("inf")
        columns[header] = " ".join(w[3] for w in words if x - 1 <= w[2] < end - 1)
    return columns


def test_a_message_is_data_until_shown():
    message = msg("{names} and {last}", names="Kode", last="Jawaban")
    assert isinstance(message, Message) and message.msgid == "{names} and {last}"
    with i18n.speaking("id"):
        assert str(message) == "Kode dan Jawaban"
    with i18n.speaking("en"):
        assert str(message) == "Kode and Jawaban"
    assert Message.from_data(json.loads(json.dumps(message.to_data()))) == message


def test_the_dossier_says_why_evidence_was_refused_in_indonesian_whatever_the_command_line_speaks(year, speak):
    from dossier.documents.lke_table import _evidence

    speak("en")
    award_year = read_award_year(year / "inputs" / str(YEAR), YEAR, edition())
    shown = _evidence(award_year.lke["BP01"].answers["PPA3A"].evidence)
    assert shown[0]["problem"] == ("memakai tautan 'ftp:' yang tidak diterima; tulis alamat web (http:// atau https://) "
                                   "atau berkas di dalam bukti/")
    assert i18n.language() == "en"
