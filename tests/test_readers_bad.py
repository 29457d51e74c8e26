"""Bad inputs: each one is reported with its exact message and place, and nothing crashes."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from dossier.errors import Problem
from dossier.readers import read_award_year, safety

from .workbook_factory import YEAR, edition, full_answers, lke_book, register_book, row_of, write_year

LKE = "lke/LKE BP01.xlsx"


def errors(inputs: Path) -> list[Problem]:
    return read_award_year(inputs, YEAR, edition()).errors


def lke_with(tmp_path: Path, **changes) -> Path:
    """A valid year whose BP01 LKE has the given Jawaban values (row code -> value)."""
    inputs = write_year(tmp_path, units=("BP01",))
    lke_book("BP01", full_answers() | {k.replace("_", "."): v for k, v in changes.items()}).save(inputs / f"{LKE}")
    return inputs


def edit_lke(inputs: Path, edit) -> None:
    book = lke_book("BP01")
    edit(book["LKE"])
    book.save(inputs / LKE)


def edit_register(inputs: Path, edit) -> None:
    book = register_book(("BP01",))
    edit(book)
    book.save(inputs / "nominasi.xlsx")


# --- Answers -------------------------------------------------------------------------------


def test_answer_not_among_the_options(tmp_path):
    assert errors(lke_with(tmp_path, PPA1B="F", PPA1A="Mungkin")) == [
        Problem(f"{LKE}, LKE!D10", "answer 'Mungkin' for PPA1A is not an option; expected one of Ya, Tidak"),
        Problem(f"{LKE}, LKE!D11", "answer 'F' for PPA1B is not an option; expected one of A, B, C"),
    ]


@pytest.mark.parametrize("value", ["-1", "1.5", "abc", -2, 2.5, True])
def test_count_not_a_whole_number(tmp_path, value):
    written = {True: "True", -2: "-2", 2.5: "2.5"}.get(value, value)
    assert errors(lke_with(tmp_path, PRA1A_2=value)) == [
        Problem(f"{LKE}, LKE!D105", f"count '{written}' for PRA1A.2 is not a non-negative whole number; write a whole number, 0 or more")
    ]


def test_count_with_a_thousands_separator(tmp_path):
    assert errors(lke_with(tmp_path, PRE2A_1="1.200")) == [
        Problem(f"{LKE}, LKE!D134", "count '1.200' for PRE2A.1 is not a non-negative whole number; write it without a thousands separator (1200)")
    ]


@pytest.mark.parametrize("value, message", [
    ("4,5", "index '4,5' for HBA is outside 1.00-4.00; write the survey index on that scale, e.g. 3,72"),
    (0.5, "index '0.5' for HBA is outside 1.00-4.00; write the survey index on that scale, e.g. 3,72"),
    ("tinggi", "index 'tinggi' for HBA is not a number; write the survey index from 1.00 to 4.00, e.g. 3,72"),
])
def test_index_outside_the_scale(tmp_path, value, message):
    assert errors(lke_with(tmp_path, HBA=value)) == [Problem(f"{LKE}, LKE!D154", message)]


def test_more_reported_than_obliged(tmp_path):
    inputs = lke_with(tmp_path, PRE3A_1=1, PRE3A_2=5, PRE3A_3=2, PRE3A_4=9)
    assert errors(inputs) == [
        Problem(
            f"{LKE}, LKE!D141",
            "more reported than obliged for PRE3A (Penyampaian Laporan Harta Kekayaan Pejabat Negara (LHKPN)): "
            "PRE3A.4 = 9 but PRE3A.1 + PRE3A.2 + PRE3A.3 = 1 + 5 + 2 = 8; PRE3A.4 must be at most 8",
        )
    ]


def test_formula_error_value(tmp_path):
    # openpyxl writes an error literal as a cached error value, as Excel stores #DIV/0!
    assert errors(lke_with(tmp_path, PPA2B="#DIV/0!")) == [
        Problem(f"{LKE}, LKE!D13", "the answer for PPA2B is the formula error #DIV/0!; fix the formula or type the answer")
    ]


def test_formula_without_a_stored_value(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    edit_lke(inputs, lambda ws: ws.cell(row_of(ws, "PPA1B"), 4, '=IF(1=1,"A","B")'))
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == [
        Problem(
            f"{LKE}, LKE!D11",
            "the formula =IF(1=1,\"A\",\"B\") has no stored value (the workbook was never calculated); "
            "open and save it in Excel/LibreOffice so the value is stored",
        )
    ]
    assert year.warnings == []  # not also reported as a missing answer


def test_a_bukti_dukung_formula_without_a_stored_value_is_said_not_taken_for_empty(tmp_path):
    """Regression: =HYPERLINK(...) in Bukti Dukung, written by a program and never calculated, read as no
    evidence at all, unsaid. It is a warning (evidence does not touch the scores) at its cell."""
    inputs = write_year(tmp_path, units=("BP01",))
    edit_lke(inputs, lambda ws: ws.cell(row_of(ws, "PPA1B"), 6, '=HYPERLINK("https://zi.example.go.id/sk.pdf","SK")'))
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == []
    said = [p for p in year.warnings if p.code == "cell.formula_not_calculated"]
    assert [(p.where, p.indicator) for p in said] == [(f"{LKE}, LKE!F11", "PPA1B")]
    assert "open and save it in Excel/LibreOffice" in str(said[0])


# --- Codes in the LKE ------------------------------------------------------------------------


def test_unknown_indicator_and_input_codes(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))

    def edit(ws):
        ws.cell(row_of(ws, "PPA1B"), 2, "PPA1Z")
        ws.cell(row_of(ws, "PRE3A.4"), 2, "PRE3A.7")
        ws.cell(row_of(ws, "PPA2A"), 2, "PPA2A.1")

    edit_lke(inputs, edit)
    assert errors(inputs) == [
        Problem(f"{LKE}, LKE!B11", "unknown indicator code 'PPA1Z' (not in LKE edition 2021); did you mean PPA1B?"),
        Problem(f"{LKE}, LKE!B12", "PPA2A is not a count indicator; code its row PPA2A, without '.1'"),
        Problem(f"{LKE}, LKE!B141", "PRE3A.7: PRE3A has no input 7; its inputs are PRE3A.1, PRE3A.2, PRE3A.3, PRE3A.4"),
    ]


def test_duplicate_indicator_row(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    edit_lke(inputs, lambda ws: ws.cell(row_of(ws, "PPA1B"), 2, "ppa1a"))
    assert errors(inputs) == [
        Problem(f"{LKE}, LKE!B11", "PPA1A appears twice (first in row 10); keep one row per indicator")
    ]


def test_lke_without_jawaban_column(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    edit_lke(inputs, lambda ws: ws.cell(8, 4, "Nilai"))
    assert errors(inputs) == [
        Problem(
            f"{LKE}, LKE!A8",
            "header row 8 has no column Jawaban (found: No, Kode, Pertanyaan, Nilai, Catatan, Bukti Dukung); "
            "the table needs the columns Kode and Jawaban, and optionally Catatan, Bukti Dukung, Jawaban TPI and Catatan TPI",
        ),
        Problem("nominasi.xlsx, Unit!A2", "unit BP01 has no LKE workbook in lke/ (or its workbook could not be read); "
                "put its filled LKE there, its file name starting with the unit's code "
                "('dossier lke-template' writes a blank one)"),
    ]


def test_lke_without_sheet_or_kode_unit(tmp_path):
    inputs = write_year(tmp_path)
    book = lke_book("BP01")
    book["LKE"].title = "Sheet1"
    book.save(inputs / LKE)
    edit = lke_book("BP02")
    edit["LKE"]["B3"] = "Unit"
    edit.save(inputs / "lke/LKE BP02.xlsx")
    assert errors(inputs)[:2] == [
        Problem(LKE, "no sheet LKE; the LKE table must be on a sheet named LKE (sheets found: Sheet1)"),
        Problem("lke/LKE BP02.xlsx, LKE", "no 'Kode Unit' label above the table (rows 1-7); write Kode Unit in a cell "
                "and the unit's code, as in nominasi.xlsx, in the cell to its right"),
    ]


@pytest.mark.parametrize("layout", ["cleared, a label beside it", "cleared, nothing beside it", "label merged"])
def test_kode_unit_is_read_from_the_cell_right_of_its_label_only(tmp_path, layout):
    """Regression: with Kode Unit's cell cleared, the reader took the next filled cell on the row, the label
    'Nilai Total' in E3, and said "Kode Unit is 'Nilai Total'" at E3."""
    inputs = write_year(tmp_path, units=("BP01",))
    book = lke_book("BP01")
    sheet = book["LKE"]
    sheet["E3"] = "Nilai Total"
    if layout == "label merged":  # the label over B3:C3, the code to the right of both
        sheet["D3"], sheet["C3"] = "BP01", None
        sheet.merge_cells("B3:C3")
    else:
        sheet["C3"] = None
        if layout == "cleared, nothing beside it":
            sheet["E3"] = None
    book.save(inputs / LKE)
    found = [p for p in errors(inputs) if p.file == LKE]
    if layout == "label merged":
        assert found == []
    else:
        assert found == [Problem(f"{LKE}, LKE!C3", "Kode Unit is empty; write the unit's code, as in nominasi.xlsx, "
                                 "sheet Unit")]


# --- LKE against the register ----------------------------------------------------------------


def test_lke_for_unknown_unit_twice_and_missing(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    lke_book("BP09").save(inputs / "lke/LKE BP09.xlsx")
    lke_book("BP01").save(inputs / "lke/salinan.xlsx")
    (inputs / "lke/LKE BP02.xlsx").unlink()
    assert errors(inputs) == [
        Problem("lke/salinan.xlsx, LKE!C3", "unit BP01 already has an LKE workbook, lke/LKE BP01.xlsx; "
                "keep one workbook per unit and remove the other"),
        Problem("lke/LKE BP09.xlsx, LKE!C3", "Kode Unit 'BP09' is not a unit of nominasi.xlsx (sheet Unit), so this "
                "LKE is not used; expected one of BP01, BP02, or add the unit to the register"),
        Problem("nominasi.xlsx, Unit!A3", "unit BP02 has no LKE workbook in lke/ (or its workbook could not be read); "
                "put its filled LKE there, its file name starting with the unit's code "
                "('dossier lke-template' writes a blank one)"),
    ]


# --- Evidence ----------------------------------------------------------------------------------


def test_evidence_absent_and_outside_bukti(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    (tmp_path / "rahasia.txt").write_text("x")
    (inputs / "bukti/BP/tautan.pdf").symlink_to(tmp_path / "rahasia.txt")
    book = lke_book("BP01", evidence={
        "PPA1A": "BP/tidak-ada.pdf\nbukti/BP/sk-tim.pdf; BP/SK-TIM.PDF",
        "PPA2A": "../rahasia.txt; /etc/passwd; BP/tautan.pdf; file:///etc/passwd",
    })
    book.save(inputs / LKE)
    assert errors(inputs) == [
        Problem(f"{LKE}, LKE!F10", "evidence file 'BP/tidak-ada.pdf' not found in bukti/"),
        Problem(f"{LKE}, LKE!F10", "evidence file 'bukti/BP/sk-tim.pdf' not found in bukti/; paths are relative to the "
                "bukti/ folder, so leave out the leading 'bukti/'"),
        Problem(f"{LKE}, LKE!F10", "evidence file 'BP/SK-TIM.PDF' not found in bukti/; did you mean 'BP/sk-tim.pdf'? "
                "(names must match exactly)"),
        Problem(f"{LKE}, LKE!F12", "evidence '../rahasia.txt' goes outside the bukti/ folder ('..' is not allowed); "
                "write a path inside bukti/"),
        Problem(f"{LKE}, LKE!F12", "evidence '/etc/passwd' is an absolute path; write the path relative to the bukti/ "
                "folder, e.g. UNIT01/sk-tim.pdf"),
        Problem(f"{LKE}, LKE!F12", "evidence 'BP/tautan.pdf' is a link pointing outside the bukti/ folder; copy the "
                "file into bukti/ instead"),
        Problem(f"{LKE}, LKE!F12", "evidence 'file:///etc/passwd' uses a 'file:' link, which is not accepted; give a "
                "web address (http:// or https://) or a file under bukti/"),
    ]


@pytest.mark.parametrize("entry, said", [
    ("https://zi.example.go.id/bukti dukung/sk.pdf", "is a web address with a space in it; write each space in a web "
                                                     "address as %20, or put each address on a line of its own"),
    ("http://zi.example.go.id/a b.pdf", "is a web address with a space in it"),
    ("BP/pipa.pdf", "is not a regular file (a pipe or a device); save the document itself in bukti/"),
])
def test_evidence_that_cannot_be_used_says_why_in_words_a_user_acts_on(tmp_path, entry, said):
    """Regression: a web address with a space was said to use "a 'http:' link, which is not accepted; give a web
    address (http:// or https://)"; a pipe named pipa.pdf was "not found" though it is there."""
    inputs = write_year(tmp_path, units=("BP01",))
    os.mkfifo(inputs / "bukti" / "BP" / "pipa.pdf")
    lke_book("BP01", evidence={"PPA1A": entry}).save(inputs / LKE)
    found = [str(p) for p in errors(inputs) if p.file == LKE]
    assert len(found) == 1 and f"evidence '{entry}' {said}" in found[0]


# --- The register --------------------------------------------------------------------------------


def test_register_unit_problems(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))

    def edit(book):
        ws = book["Unit"]
        ws["G2"] = "WBX"
        ws["H2"] = "WBBBM"
        ws["I2"] = "ya"
        ws.append(["bp01", "Balai Lagi", "Balai", "Kota", "Prov", "Kepala", "WBK"])
        ws.append(["BP 03", "Balai Tiga", "Balai", "Kota", "Prov", "Kepala", "WBK"])
        ws.append([None, "Balai Tanpa Kode"])

    edit_register(inputs, edit)
    assert errors(inputs) == [
        Problem("nominasi.xlsx, Unit!G2", "Predikat Diusulkan of unit BP01 is 'WBX'; expected WBK or WBBM"),
        Problem("nominasi.xlsx, Unit!H2", "Predikat Saat Ini of unit BP01 is 'WBBBM'; expected empty, or the predicate the unit already holds (WBK or WBBM)"),
        Problem("nominasi.xlsx, Unit!I2", "Hasil Penetapan of unit BP01 is 'ya'; expected empty until the announcement, then WBK, WBBM or Tidak"),
        Problem("nominasi.xlsx, Unit!A3", "unit code bp01 appears twice (first in row 2); each unit needs its own code"),
        Problem("nominasi.xlsx, Unit!A4", "unit code 'BP 03' is not valid; use up to 32 letters, digits, '-' or '_', without spaces (e.g. UPT01)"),
        Problem("nominasi.xlsx, Unit!A5", "this unit row has no Kode; write the unit's code (e.g. UPT01) or clear the row"),
    ]


def test_register_missing_sheet_and_columns(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))

    def edit(book):
        del book["Penghargaan"]
        book["Unit"]["B1"] = "Nama"
        book["Unit"]["F1"] = None

    edit_register(inputs, edit)
    assert errors(inputs) == [
        Problem("nominasi.xlsx", "no sheet Penghargaan; it needs one with labels in column A and values in column B: "
                "Tahun, Instansi, Singkatan Instansi, Pemberi Penghargaan, Tanggal Penyerahan, Tempat Penyerahan, "
                "Dibuka Oleh, Dihadiri Oleh, Kota Rilis, Nama Acara, Rilis Sebut Semua Unit, Unit Dievaluasi Nasional, Unit Berpredikat Nasional, Tanggal Evaluasi, Tanggal Usulan, Opini BPK, "
                "Nilai SAKIP (sheets found: Unit, Kutipan, Inovasi)"),
        Problem("nominasi.xlsx, Unit!A1", "header row 1 lacks column(s) Nama Unit, Kepala Unit; expected the columns "
                "Kode, Nama Unit, Jenis Unit, Kota, Provinsi, Kepala Unit, Predikat Diusulkan, Predikat Saat Ini, "
                "Hasil Penetapan, Kategori Penghargaan, Berkas LKE, Berkas LKE TPI, Penerima, NIP Kepala Unit, Tahun WBK (in any order)"),
        Problem("nominasi.xlsx, Inovasi!A2", "innovation for unit 'BP01', which is not in sheet Unit; expected one of "
                "the unit codes (none yet)"),
    ]


def test_register_award_problems(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))

    def edit(book):
        ws = book["Penghargaan"]
        ws["B1"] = 2023
        ws["B5"] = "31 Februari 2024"
        ws.delete_rows(9)  # Kota Rilis
        book["Inovasi"].append(["BP07", "Aplikasi", 2024, "x"])

    edit_register(inputs, edit)
    assert errors(inputs) == [
        Problem("nominasi.xlsx, Penghargaan", "label(s) Kota Rilis not found in column A; expected the labels Tahun, "
                "Instansi, Singkatan Instansi, Pemberi Penghargaan, Tanggal Penyerahan, Tempat Penyerahan, Dibuka Oleh, "
                "Dihadiri Oleh, Kota Rilis, Nama Acara, Rilis Sebut Semua Unit, Unit Dievaluasi Nasional, Unit Berpredikat Nasional, Tanggal Evaluasi, Tanggal Usulan, Opini BPK, Nilai SAKIP, "
                "each with its value in column B"),
        Problem("nominasi.xlsx, Penghargaan!B1", "Tahun is 2023 but this register is in the folder of award year 2024; "
                "make them agree (write 2024, or move the file to inputs/2023/)"),
        Problem("nominasi.xlsx, Penghargaan!B5", "Tanggal Penyerahan '31 Februari 2024' is not a date; write an Excel "
                "date, or text such as 2024-12-12 or 12 Desember 2024"),
        Problem("nominasi.xlsx, Inovasi!A3", "innovation for unit 'BP07', which is not in sheet Unit; expected one of "
                "the unit codes (BP01)"),
    ]


def test_register_formula_without_stored_value(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    edit_register(inputs, lambda book: book["Penghargaan"].__setitem__("B6", '=CONCAT("Ja","karta")'))
    year = read_award_year(inputs, YEAR, edition())
    assert year.problems == [
        Problem("nominasi.xlsx, Penghargaan!B6", "the formula =CONCAT(\"Ja\",\"karta\") has no stored value (the workbook "
                "was never calculated); open and save it in Excel/LibreOffice so the value is stored"),
    ]


# --- Unreadable files -----------------------------------------------------------------------------


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty (0 bytes); save the workbook again from Excel or LibreOffice"),
    (b"Kode;Jawaban\nPPA1A;Ya\n", "not an Excel workbook: an .xlsx file is a zip package and this one is not; save it as .xlsx"),
    (safety.OLE_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\0" * 504,
     "this is a legacy Excel 97-2003 (.xls) file; open it in Excel or LibreOffice and save it as .xlsx"),
    (safety.OLE_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"),
     "the workbook is password-protected (encrypted); remove the password (Excel: File > Info > Protect Workbook > "
     "Encrypt with Password) and save it again as .xlsx"),
    ("bomb", "refused: part xl/worksheets/sheet1.xml inflates 1028:1, more than the 100:1 allowed (a zip bomb or a damaged file)"),
    (b"PK\x03\x04" + b"\0" * 64, "not an Excel workbook: an .xlsx file is a zip package and this one is not; save it as .xlsx"),
], ids=["empty", "csv", "xls", "encrypted", "zip-bomb", "broken-zip"])
def test_unreadable_workbooks_are_one_problem_each(tmp_path, content, message):
    inputs = write_year(tmp_path)
    (inputs / "lke/rusak.xlsx").write_bytes(_bomb() if content == "bomb" else content)
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == [Problem("lke/rusak.xlsx", message)]
    assert list(year.lke) == ["BP01", "BP02"]  # the rest is read


def test_damaged_zip_that_is_not_a_workbook(tmp_path):
    inputs = write_year(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    (inputs / "lke/zip.xlsx").write_bytes(buffer.getvalue())
    [problem] = read_award_year(inputs, YEAR, edition()).errors
    assert problem.where == "lke/zip.xlsx"
    assert problem.message.startswith("cannot be read, the workbook is damaged (")
    assert problem.message.endswith("); save it again as .xlsx")


def test_unreadable_register_is_one_problem_and_lkes_are_still_read(tmp_path):
    inputs = write_year(tmp_path)
    (inputs / "nominasi.xlsx").write_bytes(b"")
    year = read_award_year(inputs, YEAR, edition())
    assert year.errors == [Problem("nominasi.xlsx", "the file is empty (0 bytes); save the workbook again from Excel or LibreOffice")]
    assert year.units == [] and year.lke == {}


def test_sheet_declaring_absurd_dimensions_is_refused(tmp_path):
    inputs = write_year(tmp_path)
    path = inputs / "lke/LKE BP02.xlsx"
    data = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F1048576"', content)
            target.writestr(info, content)
    path.write_bytes(data.getvalue())
    assert errors(inputs)[0] == Problem(
        "lke/LKE BP02.xlsx, LKE", "refused: the sheet declares 1048576 rows, more than the 100000 allowed"
    )
