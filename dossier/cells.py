"""Writing values from the inputs into spreadsheet cells, for every workbook dossier writes."""

from __future__ import annotations

from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet


def put(ws: Worksheet, row: int, column: int, value) -> Cell:
    """Write one value from the inputs into a cell; text is always stored as text, never as a formula.

    openpyxl stores a string starting with '=' as a formula. OWASP's guidance on
    formula injection names values starting with =, +, -, @, tab and CR: as
    typed text cells none of them is evaluated by Excel or LibreOffice, and the
    text reads back exactly as given (no quote is prepended to it).
    """
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
