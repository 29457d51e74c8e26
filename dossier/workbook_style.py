"""The look, print setup and byte-stable saving shared by every workbook dossier writes."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from dossier.reproducible import normalize_package, package_time

BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
PAGE_NUMBERS = "Halaman &P dari &N"  # footer codes: this page, page count


def print_setup(ws: Worksheet, *, title_rows: int | None = None, footer: str = "") -> None:
    """Print a sheet on A4 landscape, one page wide, header rows repeated, footer with page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = f"{title_rows}:{title_rows}"
    # '&' starts a code in a header or footer; a literal one (from a unit code) is doubled.
    ws.oddFooter.left.text = footer.replace("&", "&&") if footer else None
    ws.oddFooter.right.text = PAGE_NUMBERS


def fit_row_height(ws: Worksheet, row: int, line_height: float = 15.0) -> None:
    """Set a row tall enough for its wrapped text; Excel and LibreOffice do not grow rows written by openpyxl."""
    lines = 1
    for cell in ws[row]:
        if cell.value is None or not isinstance(cell.value, str):
            continue
        width = ws.column_dimensions[cell.column_letter].width or 10
        per_line = max(1, int(width * 1.15))  # characters of an average proportional font per width unit
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = lines * line_height + 2


# --- Deterministic saving ------------------------------------------------------------


def save_workbook(wb: Workbook, path: Path, year: int) -> None:
    """Save a workbook so that the same content always gives the same bytes."""
    when = package_time(year)
    wb.properties.creator = "dossier"
    wb.properties.lastModifiedBy = "dossier"
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps "modified" with the clock; normalize_package fixes it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalize_package(buffer.getvalue(), when))
