"""Telling an official-layout LKE workbook ("LKE ZI" sheet) from ours, and the unit code its file name gives."""

from __future__ import annotations

import re
from pathlib import Path

from dossier.readers.safety import MAX_COLUMNS, READ_ERRORS, UnreadableWorkbook, name_key, workbook

SHEET = "LKE ZI"
HEADER_ROWS = 20
UNIT_PREFIX = re.compile(r"^(.+?)[ \-_.]")


def is_official(path: Path, rel: str) -> bool:
    """True for a workbook in the official layout: no sheet "LKE", and a sheet "LKE ZI" or one headed by Pilihan Jawaban."""
    try:
        with workbook(path, rel) as book:
            return official_sheet(book) is not None
    except (UnreadableWorkbook, *READ_ERRORS):  # type: ignore[misc]  # mypy cannot read a starred tuple of exception types
        return False  # the usual reader reports why it cannot be read


def official_sheet(book) -> str | None:
    """The official main sheet: "LKE ZI" (or close), else a sheet headed by Pilihan Jawaban; None if ours."""
    found = official_sheets(book)
    return found[0] if found else None


def official_sheets(book) -> list[str]:
    """Every sheet that may be the official main sheet, the visible ones first; [] for our own layout.

    A unit often keeps a hidden draft ("LKE ZI") beside the copy it filled ("LKE ZI (2)"):
    what the unit sees is what it means to send.
    """
    keys = {_squash(n): n for n in book.sheetnames}
    if "lke" in keys:
        return []
    named = [name for key, name in keys.items()
             if key in (_squash(SHEET), "lkezonaintegritas") or (key.startswith(_squash(SHEET)) and len(key) <= 12)]
    if not named:
        # Copies exported by evaluation applications rename the sheet ("Jawaban"); its header row tells.
        named = [name for name in book.sheetnames if _headed(book[name])]
    return sorted(named, key=lambda name: not is_visible(book[name]))


def is_visible(ws) -> bool:
    return getattr(ws, "sheet_state", "visible") == "visible"


def _headed(ws) -> bool:
    rows = ws.iter_rows(max_row=HEADER_ROWS, max_col=MAX_COLUMNS, values_only=True)
    return any("pilihan jawaban" in (name_key(v) for v in row) for row in rows)


def _squash(value) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value).casefold())


def unit_code_of(rel: str) -> str:
    """The unit code a file name starts with: 'UPT01 LKE ZI.xlsx' -> 'UPT01'."""
    name = Path(rel).name
    match = UNIT_PREFIX.match(name)
    return match.group(1) if match else Path(name).stem
