"""The register and LKE workbooks staff open in Excel, written and read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from dossier.model import Answer, Award, Evidence, Innovation, Quote, Unit
from dossier.reproducible import normalize_package, package_time
from dossier.rules import load_edition
from dossier.workbooks import (
    LKE_COLUMNS,
    LKE_HEADER_ROW,
    write_lke_template,
    write_register,
)

HOSTILE = 'Sentra <b>"Maju" & Co</b> {{ 7*7 }}'


@pytest.fixture(scope="module")
def edition():
    return load_edition()


@pytest.fixture(scope="module")
def blank_lke(edition, tmp_path_factory):
    """A blank LKE template, written once and opened by several tests."""
    path = tmp_path_factory.mktemp("lke") / "lke.xlsx"
    write_lke_template(path, edition, unit_code="U1", unit_name="Unit", year=2024, ministry="K")
    return load_workbook(path)["LKE"]


def validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def validation_for(ws, cell: str):
    """The data validation covering `cell`, or None."""
    return next((dv for dv in validations(ws) if cell in dv.sqref), None)


def header(ws, row: int = 1) -> list[str]:
    return [c.value for c in ws[row] if c.value is not None]


# --- Register -------------------------------------------------------------------------


def test_empty_register_has_the_four_sheets_with_their_headers(tmp_path):
    path = tmp_path / "nominasi.xlsx"
    write_register(path, 2025)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Penghargaan", "Unit", "Kutipan", "Inovasi"]
    labels = [wb["Penghargaan"].cell(r, 1).value for r in range(1, 18)]
    assert labels == [
        "Tahun", "Instansi", "Singkatan Instansi", "Pemberi Penghargaan", "Tanggal Penyerahan",
        "Tempat Penyerahan", "Dibuka Oleh", "Dihadiri Oleh", "Kota Rilis", "Nama Acara", "Rilis Sebut Semua Unit",
        "Unit Dievaluasi Nasional", "Unit Berpredikat Nasional", "Tanggal Evaluasi", "Tanggal Usulan", "Opini BPK", "Nilai SAKIP",
    ]
    assert "d mmmm yyyy" in wb["Penghargaan"]["B15"].number_format
    assert wb["Penghargaan"]["B1"].value == 2025
    assert wb["Penghargaan"]["B2"].value is None
    assert "d mmmm yyyy" in wb["Penghargaan"]["B5"].number_format
    assert header(wb["Unit"]) == [
        "Kode", "Nama Unit", "Jenis Unit", "Kota", "Provinsi", "Kepala Unit", "Predikat Diusulkan",
        "Predikat Saat Ini", "Hasil Penetapan", "Kategori Penghargaan", "Berkas LKE", "Berkas LKE TPI", "Penerima", "NIP Kepala Unit",
        "Tahun WBK",
    ]
    assert header(wb["Kutipan"]) == ["Nama", "Jabatan", "Kutipan", "Tahap"]
    assert header(wb["Inovasi"]) == ["Kode Unit", "Nama Inovasi", "Tahun", "Uraian"]
    assert wb["Unit"].max_row == 1  # nothing but the header


def test_empty_register_is_laid_out_for_the_user(tmp_path):
    path = tmp_path / "nominasi.xlsx"
    write_register(path, 2025)
    wb = load_workbook(path)
    unit = wb["Unit"]
    assert unit.freeze_panes == "A2"
    assert unit["A1"].font.bold
    assert unit.column_dimensions["B"].width > 30
    assert validation_for(unit, "G2").formula1 == '"WBK,WBBM"'
    assert validation_for(unit, "H2").formula1 == '"WBK,WBBM"'
    assert validation_for(unit, "H2").allow_blank
    assert validation_for(unit, "I2").formula1 == '"WBK,WBBM,Tidak"'
    assert validation_for(unit, "I300").allow_blank
    assert "WBK" in unit["H1"].comment.text  # a hint on the header
    assert validation_for(wb["Inovasi"], "A2").formula1.startswith("Unit!")
    for name in ("Kutipan", "Inovasi"):
        assert wb[name].freeze_panes == "A2"


def test_filled_register_holds_the_given_rows(tmp_path):
    path = tmp_path / "nominasi.xlsx"
    award = Award(2024, "Kementerian Contoh", "KC", "Kementerian PANRB", date(2024, 12, 12), "Jakarta",
                  "Menteri PANRB", "Sekjen", "Jakarta")
    units = [
        Unit("U1", HOSTILE, "Balai Diklat", "Kota", "Prov", "Kepala", "WBBM", "WBK", "", "Kategori",
             (Innovation("U1", "Inovasi Satu", "2023", "Uraian satu"),)),
        Unit("U2", "Unit Dua", "UPT", "Kota", "Prov", "Kepala", "WBK", "", "Tidak", ""),
    ]
    write_register(path, 2024, award, units, [Quote("Nama", "Jabatan", "Kata-kata")])
    wb = load_workbook(path)
    sheet = wb["Penghargaan"]
    assert sheet["B2"].value == "Kementerian Contoh"
    assert sheet["B5"].value == datetime(2024, 12, 12)
    rows = list(wb["Unit"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("U1", HOSTILE, "Balai Diklat", "Kota", "Prov", "Kepala", "WBBM", "WBK", None, "Kategori", None, None, None, None, None)
    assert rows[1][6:9] == ("WBK", None, "Tidak")
    assert list(wb["Kutipan"].iter_rows(min_row=2, values_only=True)) == [("Nama", "Jabatan", "Kata-kata", None)]
    assert list(wb["Inovasi"].iter_rows(min_row=2, values_only=True)) == [("U1", "Inovasi Satu", 2023, "Uraian satu")]


# --- LKE template ----------------------------------------------------------------------


def lke_rows(ws) -> dict[str, tuple]:
    """Kode -> the row's values, for every coded row under the header."""
    names = [c.value for c in ws[LKE_HEADER_ROW]]
    kode = names.index("Kode")
    return {
        row[kode]: row
        for row in ws.iter_rows(min_row=LKE_HEADER_ROW + 1, values_only=True)
        if row[kode] is not None
    }


def test_lke_template_has_title_block_and_header(tmp_path, edition):
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, edition, unit_code="UPT09", unit_name=HOSTILE, year=2024, ministry="Kementerian Contoh")
    wb = load_workbook(path)
    ws = wb["LKE"]
    label = next(c for row in ws.iter_rows(max_row=LKE_HEADER_ROW - 1) for c in row if c.value == "Kode Unit")
    assert ws.cell(label.row, label.column + 1).value == "UPT09"
    above = {ws.cell(r, label.column).value: ws.cell(r, label.column + 1).value for r in range(1, LKE_HEADER_ROW)}
    assert above["Nama Unit"] == HOSTILE
    assert above["Tahun"] == 2024
    assert above["Instansi"] == "Kementerian Contoh"
    assert LKE_HEADER_ROW <= 20
    assert [c.value for c in ws[LKE_HEADER_ROW]] == list(LKE_COLUMNS)
    assert "Petunjuk" in wb.sheetnames


def test_lke_template_lists_every_indicator_with_count_inputs_and_group_rows(blank_lke, edition):
    ws = blank_lke
    rows = lke_rows(ws)
    expected = set()
    for code, indicator in edition.indicators.items():
        if indicator.kind == "count":
            expected |= {f"{code}.{o.key}" for o in indicator.options}
        else:
            expected.add(code)
    assert set(rows) == expected
    assert len(edition.indicators) == 113
    assert not any(code in rows for code, i in edition.indicators.items() if i.kind == "count")
    assert rows["PRE3A.4"][2] == "(4) Jumlah yang sudah melaporkan"
    assert rows["PPA1B"][3].splitlines()[0].startswith("A. Jika dengan prosedur")
    assert len(rows["PPA1B"][3].splitlines()) == 3
    assert rows["PPA1A"][3].splitlines()[-1] == "Tidak"
    # group rows: text in column A, nothing in Kode
    groups = [r for r in ws.iter_rows(min_row=LKE_HEADER_ROW + 1, values_only=True) if r[1] is None and r[0] and isinstance(r[0], str)]
    assert groups[0][0].startswith("PENGUNGKIT")
    assert any(g[0].startswith("Manajemen Perubahan (bobot 4,00)") for g in groups)
    assert any(g[0].startswith("HASIL") for g in groups)


def test_lke_template_validates_each_answer_kind(blank_lke, edition):
    ws = blank_lke
    row_of = {ws.cell(r, 2).value: r for r in range(LKE_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 2).value}
    expected = {"PPA1A": '"Ya,Tidak"', "PPA1B": '"A,B,C"', "PPA3A": '"A,B,C,D"', "PPB1B": '"A,B,C,D,E"'}
    for code, formula in expected.items():
        dv = validation_for(ws, f"E{row_of[code]}")
        assert (dv.type, dv.formula1) == ("list", formula), code
    count = validation_for(ws, f"E{row_of['PRE3A.4']}")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    index = validation_for(ws, f"E{row_of['HPA']}")
    assert (index.type, index.operator, float(index.formula1), float(index.formula2)) == ("decimal", "between", 1.0, 4.0)
    for code in ("HBA", "PRA1A.1", "PPF5C"):
        assert validation_for(ws, f"E{row_of[code]}").showErrorMessage
    # every coded row's Jawaban cell is validated; no heading row is
    for code, row in row_of.items():
        assert validation_for(ws, f"E{row}") is not None, code
    heading = next(r for r in range(LKE_HEADER_ROW + 1, ws.max_row) if ws.cell(r, 2).value is None)
    assert validation_for(ws, f"E{heading}") is None


def test_lke_template_freezes_header_and_prints_on_a4(blank_lke, edition):
    ws = blank_lke
    assert ws.freeze_panes == f"C{LKE_HEADER_ROW + 1}"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${LKE_HEADER_ROW}:${LKE_HEADER_ROW}"
    assert ws.column_dimensions["C"].width >= 40
    question = next(r for r in range(LKE_HEADER_ROW + 1, ws.max_row) if ws.cell(r, 2).value == "PPA1A")
    assert ws.cell(question, 3).alignment.wrap_text
    assert ws.row_dimensions[question].height > 15  # tall enough for its wrapped options


def test_filled_lke_template_reads_back_its_answers(tmp_path, edition):
    path = tmp_path / "lke.xlsx"
    answers = {
        "PPA1A": Answer("PPA1A", choice="Ya", note="SK Nomor 1", evidence=(Evidence("U1/sk.pdf"), Evidence("https://x.example/a"))),
        "PPB1B": Answer("PPB1B", choice="D", note=HOSTILE),
        "PRE3A": Answer("PRE3A", counts={1: 1, 2: 4, 3: 2, 4: 6}, note="Satu belum", evidence=(Evidence("U1/lhkpn.png"),)),
        "HPA": Answer("HPA", index=3.1),
    }
    write_lke_template(path, edition, unit_code="U1", unit_name="Unit", year=2024, ministry="K", answers=answers)
    ws = load_workbook(path)["LKE"]
    names = [c.value for c in ws[LKE_HEADER_ROW]]
    rows = {code: dict(zip(names, row)) for code, row in lke_rows(ws).items()}

    def cells(code, *headers):
        return tuple(rows[code][h] for h in headers)

    inputs = ("Jawaban", "Catatan", "Bukti Dukung")
    assert cells("PPA1A", *inputs) == ("Ya", "SK Nomor 1", "U1/sk.pdf\nhttps://x.example/a")
    assert cells("PPB1B", "Jawaban", "Catatan") == ("D", HOSTILE)
    assert [rows[f"PRE3A.{n}"]["Jawaban"] for n in (1, 2, 3, 4)] == [1, 4, 2, 6]
    assert cells("PRE3A.1", "Catatan", "Bukti Dukung") == ("Satu belum", "U1/lhkpn.png")
    assert cells("PRE3A.2", "Catatan", "Bukti Dukung") == (None, None)
    assert rows["HPA"]["Jawaban"] == 3.1
    assert cells("PPA1B", *inputs) == (None, None, None)


def test_filled_lke_template_scores_as_its_answers(tmp_path, edition):
    """A template filled and read back by the LKE reader scores as the answers written."""
    from dossier.model import Lke
    from dossier.readers import read_lke
    from dossier.scoring import score_unit

    answers = {  # a spread of options, so that every kind and score is exercised
        code: Answer(code, choice=i.option_keys[sum(map(ord, code)) % len(i.option_keys)])
        for code, i in edition.indicators.items()
        if i.kind not in ("count", "index")
    }
    answers["PRA1A"] = Answer("PRA1A", counts={1: 4, 2: 3})
    answers["PRC3A"] = Answer("PRC3A", counts={1: 0, 2: 0, 3: 0})
    answers["HBA"] = Answer("HBA", index=3.6)
    path = tmp_path / "lke" / "x.xlsx"
    write_lke_template(path, edition, unit_code="U1", unit_name="Unit", year=2024, ministry="K", answers=answers)
    unit = Unit("U1", "Unit", "UPT", "", "", "", "WBK", "", "", "")
    read = read_lke(path, "lke/x.xlsx", edition, tmp_path / "bukti").lke
    assert read.unit_code == "U1"
    expected = score_unit(unit, Lke("U1", "", answers), edition)
    got = score_unit(unit, read, edition)
    assert got.nodes == pytest.approx(expected.nodes)
    assert set(got.missing) == set(expected.missing)


def test_workbooks_are_byte_identical_for_the_same_input(tmp_path, edition):
    for name in ("a", "b"):
        write_register(tmp_path / name / "nominasi.xlsx", 2024)
        write_lke_template(tmp_path / name / "lke.xlsx", edition, unit_code="U1", unit_name="Unit", year=2024, ministry="K")
    for file in ("nominasi.xlsx", "lke.xlsx"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_package_time_follows_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert package_time(2024) == datetime(2024, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733961600")  # 2024-12-12 00:00 UTC
    assert package_time(2024) == datetime(2024, 12, 12)


def test_normalize_package_fixes_member_times_and_core_dates(tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("docProps/core.xml", '<cp:coreProperties><dcterms:modified xsi:type="dcterms:W3CDTF">2031-05-06T07:08:09Z</dcterms:modified></cp:coreProperties>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    out = zipfile.ZipFile(io.BytesIO(normalize_package(buffer.getvalue(), datetime(2024, 1, 1))))
    assert {i.date_time for i in out.infolist()} == {(2024, 1, 1, 0, 0, 0)}
    assert b">2024-01-01T00:00:00Z<" in out.read("docProps/core.xml")
    assert out.read("xl/workbook.xml") == b"<workbook/>"


def test_the_lke_s_own_instructions_say_its_nilai_uses_the_tpi_answer_where_there_is_one(tmp_path, edition):
    """Issue 23 §5: the guide and the note above the table say what the formulas do, and the formulas do it."""
    import re

    from openpyxl.utils import get_column_letter

    from dossier.lke_formulas import ANSWER, SCORE, TPI_ANSWER

    path = tmp_path / "lke.xlsx"
    write_lke_template(path, edition, unit_code="U1", unit_name="Unit", year=2024, ministry="K")
    book = load_workbook(path)
    guide = " ".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    assert "tiap pertanyaan dinilai dari Jawaban TPI bila kolom itu terisi, selain itu dari Jawaban unit" in guide
    assert "Kolom Nilai memakai Jawaban TPI pada baris yang diisi TPI, dan jawaban unit pada baris lainnya" in guide
    assert "jawaban unit sendiri" not in guide  # what it said before, and the formulas never did
    lke = book["LKE"]
    assert "Nilai dihitung otomatis, dari Jawaban TPI bila terisi, selain itu dari Jawaban" in lke.cell(7, 1).value
    answer, tpi = get_column_letter(ANSWER), get_column_letter(TPI_ANSWER)
    checked = 0
    for row in range(LKE_HEADER_ROW + 1, lke.max_row + 1):
        formula = re.sub(r"COUNT\([^)]*\)", "", str(lke.cell(row, SCORE).value or ""))  # whether any is filled
        for n in re.findall(rf"\b{answer}(\d+)\b", formula):  # every answer a Nilai reads, it reads through the TPI's
            assert f'IF({tpi}{n}="",{answer}{n},{tpi}{n})' in formula, (row, formula)
            checked += 1
    assert checked >= len(edition.indicators)
