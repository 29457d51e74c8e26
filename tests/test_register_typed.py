"""The register and the lke/ folder as a secretariat really types them: spaces around a code, a register
saved as CSV or as a sync conflict copy, a workbook named by its unit's name, accents composed two ways."""

from __future__ import annotations

import os
import unicodedata
from datetime import date

import openpyxl
import pytest

from dossier.errors import WorkspaceError
from dossier.readers import read_award_year

from .test_official import REAL, fill_form, random_answers
from .workbook_factory import YEAR, edition, write_year


def set_unit_cells(inputs, values: dict[tuple[int, int], object]) -> None:
    book = openpyxl.load_workbook(inputs / "nominasi.xlsx")
    for (row, column), value in values.items():
        book["Unit"].cell(row, column, value)
    book.save(inputs / "nominasi.xlsx")


@pytest.mark.parametrize("written", ["BP01 ", " BP01", "BP01  ", "BP01\u00a0"])
def test_a_code_with_spaces_around_it_is_trimmed_and_said(tmp_path, written):
    inputs = write_year(tmp_path)
    set_unit_cells(inputs, {(2, 1): written})
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == []
    [said] = [p for p in year.problems if "spaces around it" in p.message]
    assert said.where == "nominasi.xlsx, Unit!A2" and said.severity == "warning"
    assert "read as 'BP01' (trimmed)" in said.message
    assert "BP01" in year.lke


@pytest.mark.parametrize("found", ["nominasi.csv", "nominasi (1).xlsx", "Nominasi - revisi.xlsx"])
def test_a_missing_register_says_what_was_found_in_its_place(tmp_path, found):
    inputs = write_year(tmp_path)
    (inputs / "nominasi.xlsx").rename(inputs / found)
    with pytest.raises(WorkspaceError) as caught:
        read_award_year(inputs, YEAR, edition())
    assert found in str(caught.value) and "nominasi.xlsx" in str(caught.value)


@pytest.mark.parametrize("copy", ["nominasi (1).xlsx", "nominasi.csv", "nominasi (Konflik Salinan).xlsx"])
def test_a_copy_newer_than_the_register_is_said_and_an_older_one_is_not(tmp_path, copy):
    inputs = write_year(tmp_path)
    (inputs / copy).write_bytes((inputs / "nominasi.xlsx").read_bytes())
    register = (inputs / "nominasi.xlsx").stat().st_mtime
    os.utime(inputs / copy, (register + 60, register + 60))
    warned = [p for p in read_award_year(inputs, YEAR, edition()).problems if p.where == copy]
    assert len(warned) == 1 and "newer than nominasi.xlsx" in warned[0].message
    os.utime(inputs / copy, (register - 60, register - 60))
    assert not [p for p in read_award_year(inputs, YEAR, edition()).problems if p.where == copy]


@pytest.mark.slow
@pytest.mark.parametrize("file_name", ["LKE ZI Phala Martha revisi.xlsx", "phala martha.xlsx", "Form LKE - PHALA-MARTHA final.xlsx"])
def test_a_workbook_named_by_its_units_name_is_suggested_for_that_unit(tmp_path, file_name):
    inputs = write_year(tmp_path)
    set_unit_cells(inputs, {(2, 2): "Balai Rehabilitasi Sosial Phala Martha", (3, 2): "Balai Rehabilitasi Sosial Budi Luhur"})
    (inputs / "lke" / "LKE BP01.xlsx").unlink()
    fill_form(REAL, inputs / "lke" / file_name, random_answers(41))  # the official form: no Kode Unit, only its name tells
    messages = [str(p) for p in read_award_year(inputs, YEAR, edition()).errors]
    assert any(m.startswith(f"lke/{file_name}") and "it is probably unit BP01" in m for m in messages), messages
    assert any(m.startswith("nominasi.xlsx, Unit!A2") and f"the workbook of '{file_name}' is probably this unit's" in m
               for m in messages), messages


@pytest.mark.slow
def test_a_name_two_units_left_share_is_no_suggestion(tmp_path):
    inputs = write_year(tmp_path)
    set_unit_cells(inputs, {(2, 2): "Balai Rehabilitasi Sosial Phala Martha", (3, 2): "Balai Rehabilitasi Sosial Budi Luhur"})
    (inputs / "lke" / "LKE BP01.xlsx").unlink()
    (inputs / "lke" / "LKE BP02.xlsx").unlink()  # both units without a workbook: the name fits both equally
    fill_form(REAL, inputs / "lke" / "rehabilitasi sosial.xlsx", random_answers(42))
    messages = [str(p) for p in read_award_year(inputs, YEAR, edition()).errors]
    assert not any("probably unit" in m for m in messages)


@pytest.mark.parametrize("cell_form, file_form", [("NFC", "NFD"), ("NFD", "NFC")])
def test_berkas_lke_in_one_unicode_form_finds_the_file_in_the_other(tmp_path, cell_form, file_form):
    inputs = write_year(tmp_path)
    name = "LKE Balai Pérbenihan Ikan.xlsx"
    (inputs / "lke" / "LKE BP01.xlsx").rename(inputs / "lke" / unicodedata.normalize(file_form, name))
    set_unit_cells(inputs, {(1, 11): "Berkas LKE", (2, 11): unicodedata.normalize(cell_form, name)})
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == []
    assert "BP01" in year.lke


@pytest.mark.parametrize("cell_form, file_form", [("NFC", "NFD"), ("NFD", "NFC")])
def test_an_evidence_file_in_the_other_unicode_form_is_the_file_named(tmp_path, cell_form, file_form):
    """A name typed in Excel ('é') and a file copied from a Mac ('e' and an accent) are the same name: it was
    "not found; did you mean 'BP/foto kegiatan Désa.pdf'?", the same text to the eye. It is the file."""
    inputs = write_year(tmp_path)
    on_disk = unicodedata.normalize(file_form, "BP/foto kegiatan Désa.pdf")
    (inputs / "bukti" / on_disk).write_bytes(b"%PDF-1.4 test")
    book = openpyxl.load_workbook(inputs / "lke" / "LKE BP01.xlsx")
    ws = book["LKE"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "PPA1A")
    ws.cell(row, 6, unicodedata.normalize(cell_form, "BP/foto kegiatan Désa.pdf"))
    book.save(inputs / "lke" / "LKE BP01.xlsx")
    year = read_award_year(inputs, YEAR, edition())
    assert [p for p in year.problems if "kegiatan" in p.message] == []
    [evidence] = [e for e in year.lke["BP01"].answers["PPA1A"].evidence if "kegiatan" in e.entry]
    assert evidence.present and evidence.path.name == on_disk.split("/")[1]


@pytest.mark.parametrize("written, read", [
    ("20/05/2025", date(2025, 5, 20)), ("20-05-2025", date(2025, 5, 20)), ("20.05.2025", date(2025, 5, 20)),
    ("5/12/2025", date(2025, 12, 5)),  # day first, as Indonesian writes it
    ("Selasa, 20 Mei 2025", date(2025, 5, 20)), ("Jum'at, 12/12/2025", date(2025, 12, 12)),
    ("Friday 12 December 2025", date(2025, 12, 12)),
    ("Rabu, 20 Mei 2025", None),  # 20 Mei 2025 is a Tuesday: which of the two is meant cannot be told
    ("31/02/2025", None), ("20/05/25", None), ("Bulan, 20 Mei 2025", None),
])
def test_a_date_typed_as_text_the_indonesian_way_is_read(written, read):
    """Regression: '20/05/2025' and 'Selasa, 20 Mei 2025', as a secretariat types them where Excel keeps text,
    were errors ("is not a date"). A weekday that is not the date's own is still one."""
    from dossier.readers.register import parse_date

    if read is None:
        with pytest.raises(ValueError):
            parse_date(written)
    else:
        assert parse_date(written) == read
