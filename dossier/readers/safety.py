"""Open spreadsheets from units without trusting them.

An XLSX file is a zip of XML parts. Before openpyxl sees one, the zip is
checked: not a zip at all (legacy .xls, an encrypted workbook, anything
else), too many members, or members that inflate absurdly (a zip bomb) are
refused with a message saying what to do. XML is parsed through defusedxml,
which openpyxl uses when it is installed; `check_xml_safety` makes sure.
"""

from __future__ import annotations

import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import ParseError

from openpyxl.utils.cell import range_boundaries

from dossier.errors import DossierError, Message, Place, Problem, WorkbookError, msg, os_reason
from dossier.i18n import _

# Tunable limits. A filled LKE is ~100 KB packed, ~1 MB unpacked, ~15 members.
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, per member
RATIO_MIN_SIZE = 1024 * 1024  # members smaller than this unpack to too little to matter
MAX_MEMBERS = 10_000
MAX_ROWS = 100_000  # a sheet declaring more rows than this is refused without being read
MAX_COLUMNS = 64  # columns read per row; tables here are a dozen wide

# openpyxl warns (UserWarning) about parts it drops while reading: extensions, defined names,
# headers. We only read values, so these say nothing to a user; they never reach the console.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")

# Strict Open XML (ISO 29500 Strict) names its parts in these namespaces; openpyxl reads no sheet of it.
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/"

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Compound File: legacy .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK"

# What openpyxl raises on a damaged package; anything of these while reading means "corrupt".
READ_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    OSError,
    ParseError,
)
try:  # defusedxml refuses entities and DTDs with its own exceptions
    from defusedxml import DefusedXmlException

    READ_ERRORS += (DefusedXmlException,)
except ImportError:  # pragma: no cover - check_xml_safety reports it
    pass
try:
    from openpyxl.utils.exceptions import InvalidFileException

    READ_ERRORS += (InvalidFileException,)
except ImportError:  # pragma: no cover
    pass


class UnreadableWorkbook(WorkbookError):
    """Raised when a workbook is refused or cannot be read; carries the `problem` the reader reports."""

    def __init__(self, where: Place | str, code: str, what: Message, fix: Message | None = None):
        self.problem = Problem(where if isinstance(where, Place) else Place(where), what, code=code, fix=fix)
        super().__init__(str(self.problem))


def check_xml_safety() -> None:
    """Refuse to run unless openpyxl parses XML through defusedxml."""
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise DossierError(_(
            "openpyxl is not using defusedxml, so a hostile workbook could make XML expand without limit. "
            "Install defusedxml (pip install defusedxml) and make sure the environment variable "
            "OPENPYXL_DEFUSEDXML is unset or 'True'."
        ))


def guard_package(path: Path, rel: str) -> None:
    """Refuse a file that is not a sane XLSX zip; the message says what it looks like instead."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnreadableWorkbook(rel, "workbook.unreadable",
                                 msg("cannot be read: {reason}", reason=os_reason(exc))) from None
    if size == 0:
        raise UnreadableWorkbook(rel, "workbook.empty", msg("the file is empty (0 bytes)"),
                                 msg("save the workbook again from Excel or LibreOffice"))
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            raise UnreadableWorkbook(
                rel, "workbook.encrypted",
                msg("the workbook is password-protected (encrypted)"),
                msg("remove the password "
                    "(Excel: File > Info > Protect Workbook > Encrypt with Password) and save it again as .xlsx"),
            )
        raise UnreadableWorkbook(rel, "workbook.legacy_xls", msg("this is a legacy Excel 97-2003 (.xls) file"),
                                 msg("open it in Excel or LibreOffice and save it as .xlsx"))
    if not head.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            rel, "workbook.not_xlsx", msg("not an Excel workbook: an .xlsx file is a zip package and this one is not"),
            msg("save it as .xlsx"),
        )
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableWorkbook(rel, "workbook.damaged_zip", msg("the zip package is damaged ({error})", error=exc),
                                 msg("save the workbook again as .xlsx")) from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableWorkbook(
            rel, "workbook.too_many_parts",
            msg("refused: the package has {count} parts, more than the {limit} allowed", count=len(members), limit=MAX_MEMBERS),
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableWorkbook(
            rel, "workbook.too_large",
            msg("refused: the package unpacks to {size} MB, more than the {limit} MB allowed",
                size=total // (1024 * 1024), limit=MAX_UNCOMPRESSED // (1024 * 1024)),
        )
    for member in members:
        if member.file_size >= RATIO_MIN_SIZE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise UnreadableWorkbook(
                rel, "workbook.zip_bomb",
                msg("refused: part {part} inflates {ratio}:1, more than the {limit}:1 allowed "
                    "(a zip bomb or a damaged file)", part=member.filename, ratio=ratio, limit=MAX_RATIO),
            )
    if _is_strict(path):
        raise UnreadableWorkbook(
            rel, "workbook.strict_xml",
            msg("the workbook is saved as 'Strict Open XML Spreadsheet', which cannot be read"),
            msg("open it in Excel "
                "and save it again as 'Excel Workbook (*.xlsx)' (LibreOffice: 'Excel 2007-365 (.xlsx)')"),
        )


def _is_strict(path: Path) -> bool:
    """A Strict Open XML package: its relationships name the purl.oclc.org namespaces."""
    try:
        with zipfile.ZipFile(path) as package:
            return STRICT_NAMESPACE in package.read("_rels/.rels")[:64 * 1024]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return False


def _is_encrypted(path: Path) -> bool:
    """An encrypted OOXML file is an OLE container with an 'EncryptedPackage' stream."""
    try:
        data = path.read_bytes()[: 4 * 1024 * 1024]
    except OSError:
        return False
    return "EncryptedPackage".encode("utf-16-le") in data


def open_workbook(path: Path, rel: str, *, data_only: bool = True):
    """Guard the package, then open it read-only; the caller closes it (see `workbook`)."""
    from openpyxl import load_workbook

    guard_package(path, rel)
    try:
        return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except READ_ERRORS as exc:
        raise UnreadableWorkbook(rel, *damaged(exc)) from None


def damaged(exc: BaseException) -> tuple[str, Message, Message]:
    """Say why a workbook could not be read (code, what, fix); XML that declares entities is refused as such."""
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__module__.startswith("defusedxml"):
            return ("workbook.xml_entities",
                    msg("refused: its XML declares entities or a DTD, which spreadsheet programs never write "
                        "(an XML entity bomb or a damaged file)"),
                    msg("save it again as .xlsx from Excel or LibreOffice"))
        cause = cause.__cause__ or cause.__context__
    return ("workbook.damaged", msg("cannot be read, the workbook is damaged ({error})", error=_describe(exc)),
            msg("save it again as .xlsx"))


def damaged_problem(rel: str, exc: BaseException) -> Problem:
    """The problem of a workbook that broke while it was read."""
    code, what, fix = damaged(exc)
    return Problem(Place(rel), what, code=code, fix=fix)


@contextmanager
def workbook(path: Path, rel: str, *, data_only: bool = True) -> Iterator:
    """Open a workbook as `open_workbook` does and close its file handle afterwards."""
    book = open_workbook(path, rel, data_only=data_only)
    try:
        yield book
    finally:
        book.close()


def sheet(book, name: str):
    """The sheet whose name matches `name` ignoring case and surrounding spaces, or None."""
    wanted = name.strip().casefold()
    for title in book.sheetnames:
        if title.strip().casefold() == wanted:
            return book[title]
    return None


def checked_rows(ws, where: Place) -> Iterator[tuple]:
    """Yield a read-only sheet's rows as value tuples, refusing absurd sizes without reading them.

    The declared dimension is checked first; it is then dropped because writers
    get it wrong both ways (too small cuts rows off, too large pads with empty rows).
    """
    declared = ws.max_row or 0
    if declared > MAX_ROWS:
        raise UnreadableWorkbook(
            where, "workbook.too_many_rows",
            msg("refused: the sheet declares {count} rows, more than the {limit} allowed", count=declared, limit=MAX_ROWS),
        )
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        if number > MAX_ROWS:
            raise UnreadableWorkbook(where, "workbook.too_many_rows",
                                     msg("refused: the sheet has more than {limit} rows", limit=MAX_ROWS))
        yield row


def merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """Every merged range of a read-only sheet as (first column, first row, last column, last row).

    Read-only sheets do not expose merged cells, so the sheet's <mergeCell> list is read
    from the package (already guarded by `guard_package`).
    """
    try:
        data = ws.parent._archive.read(ws._worksheet_path)
    except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
        return []
    return [range_boundaries(match.group(1).decode())
            for match in re.finditer(rb'<mergeCell\b[^>]*\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', data)]


def merged_across(ws, row: int) -> list[tuple[int, int]]:
    """The (first, last) columns of cells merged across columns in `row`."""
    return [(first_col, last_col) for first_col, first_row, last_col, last_row in merged_ranges(ws)
            if first_row <= row <= last_row and last_col > first_col]


def merged_down(ws, column: int) -> list[tuple[int, int]]:
    """The (first, last) rows of cells merged down over `column`."""
    return [(first_row, last_row) for first_col, first_row, last_col, last_row in merged_ranges(ws)
            if first_col <= column <= last_col and last_row > first_row]


def _describe(exc: BaseException) -> str:
    # openpyxl's messages run over several lines and name the absolute path; the first line is enough.
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- Cells ---------------------------------------------------------------------------

ERROR_VALUES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))


def ref(row: int, column: int) -> str:
    """'E57' for row 57, column 5."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def value_at(row: tuple, column: int):
    """The value in a 1-based column of a row tuple; rows from read-only sheets vary in length."""
    return row[column - 1] if 0 < column <= len(row) else None


def name_key(value) -> str:
    """A header or label as compared: case-folded, inner whitespace collapsed ('Bukti\\nDukung' = 'bukti dukung')."""
    return " ".join(str(value).split()).casefold() if value is not None else ""


def text(value) -> str:
    """A cell's value as text: 101 (or 101.0) -> '101', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_error_value(value) -> bool:
    """True for a cached formula error such as #DIV/0!."""
    return isinstance(value, str) and value.strip() in ERROR_VALUES


def uncached_formulas(path: Path, rel: str, title: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Of `cells` (row, column) that read back empty, those that hold a formula with no stored value.

    Reading with data_only gives None both for an empty cell and for a formula no
    spreadsheet program ever calculated; only a second pass without data_only tells.
    It reads rows only up to the last cell asked about.
    """
    if not cells:
        return {}
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    found: dict[tuple[int, int], str] = {}
    with workbook(path, rel, data_only=False) as book:
        ws = book[title]
        ws.reset_dimensions()
        rows = ws.iter_rows(max_row=max(by_row), max_col=MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            for c in by_row.get(number, ()):
                value = value_at(row, c)
                formula = getattr(value, "text", value)  # ArrayFormula keeps its text apart
                if isinstance(formula, str) and formula.startswith("="):
                    found[(number, c)] = formula
    return found


UNCACHED = "cell.formula_not_calculated"  # the code of the problem `uncached_message` words


def uncached_message(formula: str) -> tuple[Message, Message]:
    """What is wrong with a formula never calculated, and what to do (what, fix)."""
    return (msg("the formula {formula} has no stored value (the workbook was never calculated)", formula=formula),
            msg("open and save it in Excel/LibreOffice so the value is stored"))
