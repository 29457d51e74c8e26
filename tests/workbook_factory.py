"""Small real workbooks for reader tests: a valid register and LKE that a test changes in one place.

`write_year` lays out `inputs/<year>` with `nominasi.xlsx`, one LKE per unit and
the evidence files the LKEs name. Tests open a book with `register_book` /
`lke_book`, change one thing, and save it with `save`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from dossier.rules import Edition, load_edition

YEAR = 2024
UNITS = ("BP01", "BP02")
LKE_HEADER = ("No", "Kode", "Pertanyaan", "Jawaban", "Catatan", "Bukti Dukung")
LKE_HEADER_ROW = 8
EVIDENCE = {"PPA1A": "BP/sk-tim.pdf\nhttps://example.go.id/zi", "PPA2A": "BP/rencana.pdf; BP/foto.png"}


def edition() -> Edition:
    return load_edition("2021")


def unit_row(code: str) -> list:
    return [code, f"Balai {code}", "Balai Besar", "Bandung", "Jawa Barat", f"Kepala {code}", "WBK", "", "", "Wilayah Bebas dari Korupsi"]


def register_book(units=UNITS) -> Workbook:
    """A valid register: every sheet, every label and column, the given units."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Penghargaan"
    for label, value in [
        ("Tahun", YEAR),
        ("Instansi", "Kementerian Sumber Daya Maritim"),
        ("Singkatan Instansi", "KSDM"),
        ("Pemberi Penghargaan", "Kementerian PANRB"),
        ("Tanggal Penyerahan", datetime(2024, 12, 12)),
        ("Tempat Penyerahan", "Jakarta"),
        ("Dibuka Oleh", "Menteri"),
        ("Dihadiri Oleh", "Sekretaris Jenderal"),
        ("Kota Rilis", "Jakarta"),
        ("Tanggal Usulan", datetime(2024, 11, 20)),
    ]:
        ws.append([label, value])
    ws = wb.create_sheet("Unit")
    ws.append(["Kode", "Nama Unit", "Jenis Unit", "Kota", "Provinsi", "Kepala Unit",
               "Predikat Diusulkan", "Predikat Saat Ini", "Hasil Penetapan", "Kategori Penghargaan"])
    for code in units:
        ws.append(unit_row(code))
    ws = wb.create_sheet("Kutipan")
    ws.append(["Nama", "Jabatan", "Kutipan"])
    ws.append(["Dr. Ani", "Sekretaris Jenderal", "Integritas adalah kebiasaan."])
    ws = wb.create_sheet("Inovasi")
    ws.append(["Kode Unit", "Nama Inovasi", "Tahun", "Uraian"])
    ws.append([units[0], "Layanan Cepat", 2023, "Antrean daring."])
    return wb


def full_answers(ed: Edition | None = None) -> dict[str, object]:
    """A valid value for every row code of the edition: first option, counts, index 3.5."""
    ed = ed or edition()
    values: dict[str, object] = {}
    for code, indicator in ed.indicators.items():
        if indicator.kind == "count":
            for option in indicator.options:
                values[f"{code}.{option.key}"] = int(option.key) + 1  # 2, 3, 4, 5: reported <= obliged
        elif indicator.kind == "index":
            values[code] = 3.5
        else:
            values[code] = indicator.options[0].key
    return values


def best_answers() -> dict[str, object]:
    """tests/test_scoring.py's best answers (eligible for WBK and WBBM) as the LKE's cells hold them, by row code."""
    from tests.test_scoring import best_answers as scored

    values: dict[str, object] = {}
    for code, answer in scored().answers.items():
        if answer.counts:
            values.update({f"{code}.{key}": value for key, value in answer.counts.items()})
        else:
            values[code] = answer.index if answer.index is not None else answer.choice
    return values


def lke_book(code: str, answers: dict[str, object] | None = None, ed: Edition | None = None,
             header_row: int = LKE_HEADER_ROW, header=LKE_HEADER, evidence: dict[str, str] | None = None) -> Workbook:
    """An LKE workbook laid out like the template: title block, Kode Unit, header, heading rows."""
    ed = ed or edition()
    answers = full_answers(ed) if answers is None else answers
    # By default every indicator cites evidence (a web address where EVIDENCE names no file), so a
    # valid year reads without the warning for indicators that cite none.
    evidence = {code: f"https://example.go.id/bukti/{code}" for code in ed.indicators} | EVIDENCE if evidence is None else evidence
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE"
    ws["A1"] = "LEMBAR KERJA EVALUASI"
    ws.cell(header_row - 5, 2, "Kode Unit")
    ws.cell(header_row - 5, 3, code)
    for column, name in enumerate(header, start=1):
        ws.cell(header_row, column, name)
    columns = {" ".join(name.split()).title(): i for i, name in enumerate(header, start=1)}
    row = header_row + 1
    area = None
    for number, (icode, indicator) in enumerate(ed.indicators.items(), start=1):
        if indicator.area != area:  # a heading row: no Kode
            area = indicator.area
            ws.cell(row, 1, area)
            row += 1
        codes = [f"{icode}.{o.key}" for o in indicator.options] if indicator.kind == "count" else [icode]
        if indicator.kind == "count":
            ws.cell(row, columns["No"], number)
            ws.cell(row, columns["Pertanyaan"], indicator.question)
            row += 1
        for rcode in codes:
            ws.cell(row, columns["Kode"], rcode)
            ws.cell(row, columns["Jawaban"], answers.get(rcode))
            if rcode.split(".")[0] in evidence and rcode in (icode, f"{icode}.1"):
                ws.cell(row, columns["Bukti Dukung"], evidence[rcode.split(".")[0]])
                ws.cell(row, columns["Catatan"], f"catatan {icode}")
            row += 1
    return wb


def write_year(root: Path, units=UNITS, answers: dict[str, object] | None = None) -> Path:
    """Write a whole valid award year under root/inputs/<YEAR>; return that folder."""
    inputs = root / "inputs" / str(YEAR)
    (inputs / "lke").mkdir(parents=True)
    for name in ("sk-tim.pdf", "rencana.pdf", "foto.png"):
        path = inputs / "bukti" / "BP" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 test")
    register_book(units).save(inputs / "nominasi.xlsx")
    for code in units:
        lke_book(code, answers).save(inputs / "lke" / f"LKE {code}.xlsx")
    return inputs


def row_of(ws, code: str, column: int = 2) -> int:
    """The row whose Kode cell holds `code`."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == code)
