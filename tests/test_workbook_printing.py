"""The register and the LKE print: A4 landscape, one page wide, header rows repeated, numbered pages.

The page setup is checked as written, and the workbooks are printed to PDF by
LibreOffice (`soffice --headless --convert-to pdf`) to see the pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier.layout import LKE_HEADER_ROW, LKE_SHEET, REGISTER
from dossier.rules import load_edition
from dossier.sample import sample_award, sample_quotes, sample_units
from dossier.workbook_style import PAGE_NUMBERS
from dossier.workbooks import write_lke_template, write_register

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: cannot print to PDF")


def many_units(count: int = 80):
    """The sample's units, repeated under new codes: enough rows for several pages."""
    units = sample_units()
    return [replace(units[i % len(units)], code=f"U{i:03d}", innovations=()) for i in range(count)]


def to_pdf(path: Path, tmp_path: Path) -> PdfReader:
    out = tmp_path / "pdf"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )
    return PdfReader(out / f"{path.stem}.pdf")


def assert_prints_well(ws, title_row: int | None) -> None:
    setup = ws.page_setup
    assert setup.orientation == "landscape", ws.title
    assert int(setup.paperSize) == 9, ws.title  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0, ws.title
    assert ws.oddFooter.right.text == PAGE_NUMBERS and "&P" in PAGE_NUMBERS and "&N" in PAGE_NUMBERS
    if title_row:
        assert ws.print_title_rows == f"${title_row}:${title_row}", ws.title


def test_every_register_sheet_prints_landscape_one_page_wide_with_its_header_repeated(tmp_path):
    path = tmp_path / REGISTER
    write_register(path, 2024, sample_award(2024), sample_units(), sample_quotes())
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert_prints_well(ws, None if ws is wb.worksheets[0] else 1)
        assert ws.title in ws.oddFooter.left.text


@pytest.mark.render
def test_the_lke_prints_landscape_one_page_wide_with_its_header_repeated(tmp_path):
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, load_edition(), unit_code="U1", unit_name="Unit", year=2024, ministry="K")
    ws = load_workbook(path)[LKE_SHEET]
    assert_prints_well(ws, LKE_HEADER_ROW)
    assert ws.oddFooter.left.text == "LKE U1 - 2024"


@pytest.mark.render
@needs_soffice
def test_the_register_prints_as_numbered_landscape_pages_with_every_column(tmp_path):
    """It used to print as 12 portrait pages, one column each."""
    path = tmp_path / REGISTER
    write_register(path, 2024, sample_award(2024), many_units(), sample_quotes())
    pdf = to_pdf(path, tmp_path)
    pages = [page.extract_text() for page in pdf.pages]
    assert all(page.mediabox.width > page.mediabox.height for page in pdf.pages)
    assert len(pages) < 10
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
    unit_pages = [text for text in pages if "lembar Unit" in text]
    assert len(unit_pages) >= 2  # 80 units run over more than one page ...
    for text in unit_pages:  # ... and every page shows the header and the last column
        assert "Nama Unit" in text and "Kategori" in text
        assert re.search(r"U0\d\d", text)


@pytest.mark.render
@needs_soffice
def test_the_lke_prints_with_its_header_on_every_page(tmp_path):
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, load_edition(), unit_code="UPT&1", unit_name="Unit", year=2024, ministry="K")
    pdf = to_pdf(path, tmp_path)
    pages = [page.extract_text() for page in pdf.pages]
    assert all(page.mediabox.width > page.mediabox.height for page in pdf.pages)
    lke_pages = [text for text in pages if "LKE UPT&1 - 2024" in text]  # '&' printed, not taken as a footer code
    assert len(lke_pages) > 5
    for text in lke_pages:
        assert "Pertanyaan" in text and "Jawaban" in text and "Bukti Dukung" in text and "Nilai" in text
        assert re.search(rf"Halaman \d+ dari {len(pages)}", text)
