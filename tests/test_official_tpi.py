"""The TPI's review as it really arrives: a copy of the unit's official form, a TPI answer in two places,
impossible TPI counts, and units whose code starts with TPI (fish auction sites)."""

from __future__ import annotations

import openpyxl
import pytest

from dossier.model import Answer
from dossier.readers import read_award_year

from .test_official import form_rows
from .test_tpi import EDITION, official_pair
from .workbook_factory import YEAR, row_of, write_year

pytestmark = pytest.mark.slow  # each test reads the real official form (48,000 styled cells) in full

NOTES = 14  # the resmi form's Catatan column (N)


def put_notes(path, notes: dict[int, str]) -> None:
    book = openpyxl.load_workbook(path)
    ws = book["LKE ZI"]
    rows = [row for row, _inputs, _totals in form_rows(ws)]
    for i, note in notes.items():
        ws.cell(rows[i], NOTES).value = note
    book.save(path)


@pytest.mark.parametrize("seed", [31, 32])
def test_the_tpis_copy_of_an_official_form_gives_only_what_the_tpi_changed_or_wrote(tmp_path, seed):
    inputs, own, code, lowest = official_pair(tmp_path, seed, "BP01 LKE ZI TPI.xlsx")
    unit_notes = {i: f"Catatan unit nomor {i}" for i in range(8)}
    put_notes(inputs / "lke" / "BP01 LKE ZI.xlsx", unit_notes)
    tpi_notes = dict(unit_notes) | {
        2: "Dokumen belum ditandatangani",  # changed
        3: "Catatan unit nomor 3; SK belum dilampirkan",  # the unit's words, then the TPI's
        9: "Perlu bukti foto kegiatan",  # written anew
    }
    put_notes(inputs / "lke" / "BP01 LKE ZI TPI.xlsx", tpi_notes)
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == []
    codes = list(EDITION.indicators)
    answers = year.lke["BP01"].answers
    tpi = {c: a.tpi_note for c, a in answers.items() if a.tpi_note}
    assert tpi == {codes[2]: "Dokumen belum ditandatangani", codes[3]: "SK belum dilampirkan",
                   codes[9]: "Perlu bukti foto kegiatan"}
    # Only the one answer the TPI lowered is its answer; the others it copied are the unit's.
    assert {c for c, a in answers.items() if a.reviewed} == {code}
    assert answers[codes[0]].note == "Catatan unit nomor 0"


def own_layout_with_tpi(path, tpi: dict[str, object]) -> None:
    """Add the TPI's two columns to an own-layout workbook and fill `tpi` (row code -> TPI answer)."""
    book = openpyxl.load_workbook(path)
    ws = book["LKE"]
    ws.cell(8, 7, "Jawaban TPI")
    ws.cell(8, 8, "Catatan TPI")
    for code, value in tpi.items():
        ws.cell(row_of(ws, code), 7, value)
    book.save(path)


def test_a_tpi_answer_in_both_the_units_workbook_and_the_tpis_says_which_counts(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    own = inputs / "lke" / "LKE BP01.xlsx"
    own_layout_with_tpi(own, {"PPA1B": "B", "PPA2B": "B"})
    book = openpyxl.load_workbook(own)
    book.save(inputs / "lke" / "LKE BP01 TPI.xlsx")
    review = openpyxl.load_workbook(inputs / "lke" / "LKE BP01 TPI.xlsx")
    ws = review["LKE"]
    ws.cell(row_of(ws, "PPA1B"), 4, "C")  # the TPI's workbook: C where the unit's Jawaban TPI says B
    ws.cell(row_of(ws, "PPA2B"), 4, "B")  # ... and the same B as there: nothing to say
    review.save(inputs / "lke" / "LKE BP01 TPI.xlsx")
    year = read_award_year(inputs, YEAR, EDITION)
    said = [p for p in year.problems if "the TPI's workbook counts" in p.message]
    assert len(said) == 1 and said[0].where.startswith("lke/LKE BP01.xlsx, LKE!G") and "PPA1B" in said[0].message
    assert "'B' here" in said[0].message and "but 'C'" in said[0].message
    assert year.lke["BP01"].answers["PPA1B"].tpi_choice == "C"
    assert year.lke["BP01"].answers["PPA2B"].tpi_choice == "B"


@pytest.mark.parametrize("code, values", [("PRE3A", {"PRE3A.4.": 99}), ("PRE3B", {"PRE3B.4.": 50}),
                                          ("PRE3A", {"PRE3A.1.": 0, "PRE3A.2.": 0, "PRE3A.3.": 0})])
def test_impossible_tpi_counts_are_errors_as_the_units_are(tmp_path, code, values):
    inputs = write_year(tmp_path, units=("BP01",))
    own_layout_with_tpi(inputs / "lke" / "LKE BP01.xlsx", {k.rstrip("."): v for k, v in values.items()})
    year = read_award_year(inputs, YEAR, EDITION)
    [error] = year.errors
    assert error.where.startswith("lke/LKE BP01.xlsx, LKE!G") and f"more reported than obliged for {code}" in error.message


@pytest.mark.parametrize("name", ["TPI01 LKE.xlsx", "TPI01-final.xlsx", "tpi01_LKE ZI.xlsx", "LKE TPI01.xlsx",
                                  "LKE ZI - TPI01 revisi.xlsx"])
def test_a_unit_whose_code_starts_with_tpi_sends_its_own_workbook(tmp_path, name):
    inputs = write_year(tmp_path, units=("TPI01", "BP01"))
    if name != "LKE TPI01.xlsx":
        (inputs / "lke" / "LKE TPI01.xlsx").rename(inputs / "lke" / name)
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == []
    assert year.lke["TPI01"].source == f"lke/{name}"
    assert not any(a.reviewed for a in year.lke["TPI01"].answers.values())


def test_a_tpi_review_of_a_unit_coded_tpi_is_still_a_review(tmp_path):
    inputs = write_year(tmp_path, units=("TPI01",))
    (inputs / "lke" / "LKE TPI01.xlsx").rename(inputs / "lke" / "TPI01 LKE.xlsx")
    review = openpyxl.load_workbook(inputs / "lke" / "TPI01 LKE.xlsx")
    ws = review["LKE"]
    ws.cell(row_of(ws, "PPA1B"), 4, "C")
    review.save(inputs / "lke" / "TPI01 LKE TPI.xlsx")
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == []
    assert year.lke["TPI01"].source == "lke/TPI01 LKE.xlsx"
    assert {c for c, a in year.lke["TPI01"].answers.items() if a.reviewed} == {"PPA1B"}
    assert isinstance(year.lke["TPI01"].answers["PPA1B"], Answer)


@pytest.mark.parametrize("code", ["PRE3A", "PRE3B"])
def test_impossible_counts_in_the_tpis_official_workbook_are_errors_too(tmp_path, code):
    from .test_official import fill_form

    inputs, own, _code, _lowest = official_pair(tmp_path, 33, "BP01 LKE ZI TPI.xlsx")
    blank = tmp_path / "out" / "BP01 LKE ZI.xlsx"
    fill_form(blank, inputs / "lke" / "BP01 LKE ZI TPI.xlsx", {**own, code: Answer(code, counts={1: 1, 2: 1, 3: 1, 4: 9})})
    year = read_award_year(inputs, YEAR, EDITION)
    [error] = year.errors
    assert error.where.startswith("lke/BP01 LKE ZI TPI.xlsx, LKE ZI!K") and f"more reported than obliged for {code}" in error.message


def test_a_file_named_in_berkas_lke_is_the_units_own_even_with_tpi_in_its_name(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    (inputs / "lke" / "LKE BP01.xlsx").rename(inputs / "lke" / "Form TPI Balai.xlsx")
    book = openpyxl.load_workbook(inputs / "nominasi.xlsx")
    book["Unit"].cell(1, 11, "Berkas LKE")
    book["Unit"].cell(2, 11, "Form TPI Balai.xlsx")
    book.save(inputs / "nominasi.xlsx")
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == [] and year.lke["BP01"].source == "lke/Form TPI Balai.xlsx"


def read_with_review(tmp_path, own_tpi: dict, review: dict):
    """A year whose unit's own workbook holds `own_tpi` as Jawaban TPI, and a TPI workbook answering `review`."""
    inputs = write_year(tmp_path, units=("BP01",))
    own = inputs / "lke" / "LKE BP01.xlsx"
    own_layout_with_tpi(own, own_tpi)
    book = openpyxl.load_workbook(own)
    ws = book["LKE"]
    for row_code, value in review.items():
        ws.cell(row_of(ws, row_code), 4, value)  # the TPI's workbook: its answer in the Jawaban column
    book.save(inputs / "lke" / "LKE BP01 TPI.xlsx")
    return read_award_year(inputs, YEAR, EDITION)


@pytest.mark.parametrize("code, own_tpi, review, said", [
    ("HBA", {"HBA": 1}, {"HBA": 3}, ("'1.0' here", "but '3.0'")),
    ("HPA", {"HPA": 4}, {"HPA": 1.5}, ("'4.0' here", "but '1.5'")),
    ("PRA1A", {"PRA1A.1": 0}, {"PRA1A.1": 1}, ("'1: 0' here", "but '1: 1'")),  # a count of 0 too
    ("PRA1A", {"PRA1A.2": 1}, {"PRA1A.2": 0}, ("'2: 1' here", "but '2: 0'")),
])
def test_a_tpi_index_or_count_in_both_workbooks_is_compared_in_the_field_of_its_kind_zero_included(tmp_path, code, own_tpi, review, said):
    year = read_with_review(tmp_path, own_tpi, review)
    [warning] = [p for p in year.problems if p.code == "match.tpi.answered_in_both"]
    assert warning.indicator == code and warning.where.startswith("lke/LKE BP01.xlsx, LKE!G")
    assert all(s in warning.message for s in said), warning.message


@pytest.mark.parametrize("own_tpi, review", [({"HBA": 2}, {"HBA": 2}), ({"PRA1A.1": 0}, {"PRA1A.1": 0}),
                                             ({"PRA1A.2": 0}, {}), ({"HBA": 2}, {})])
def test_the_same_tpi_answer_of_zero_in_both_workbooks_says_nothing(tmp_path, own_tpi, review):
    year = read_with_review(tmp_path, own_tpi, review)
    assert year.errors == []
    assert not [p for p in year.problems if p.code == "match.tpi.answered_in_both"]
