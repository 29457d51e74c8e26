"""Read the award year's register, `nominasi.xlsx`: the award, the units, quotes and innovations.

Sheet and column names match without regard to case or surrounding spaces;
extra sheets and columns are ignored; columns may come in any order and the
header row may sit anywhere in the first 20 rows. `Kutipan` and `Inovasi` are
optional (a warning when absent): they only feed the press release and the
dossiers, and a year can be validated and scored without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from dossier.errors import Problem
from dossier.model import Award, Innovation, Quote, Unit
from dossier.readers.safety import (
    READ_ERRORS,
    UnreadableWorkbook,
    checked_rows,
    damaged_reason,
    is_error_value,
    name_key,
    ref,
    sheet,
    text,
    uncached_formulas,
    uncached_message,
    value_at,
    workbook,
)

HEADER_ROWS = 20  # a table's header row is looked for in this many rows

AWARD_LABELS = {
    "Tahun": "year",
    "Instansi": "ministry",
    "Singkatan Instansi": "ministry_short",
    "Pemberi Penghargaan": "awarding_body",
    "Tanggal Penyerahan": "ceremony_date",
    "Tempat Penyerahan": "ceremony_place",
    "Dibuka Oleh": "opened_by",
    "Dihadiri Oleh": "attended_by",
    "Kota Rilis": "release_city",
}
UNIT_COLUMNS = (
    "Kode", "Nama Unit", "Jenis Unit", "Kota", "Provinsi", "Kepala Unit",
    "Predikat Diusulkan", "Predikat Saat Ini", "Hasil Penetapan", "Kategori Penghargaan",
)
UNIT_RECOMMENDED = ("Jenis Unit", "Kota", "Provinsi", "Kepala Unit")
QUOTE_COLUMNS = ("Nama", "Jabatan", "Kutipan")
INNOVATION_COLUMNS = ("Kode Unit", "Nama Inovasi", "Tahun", "Uraian")

PROPOSED = ("WBK", "WBBM")
CURRENT = ("", "WBK")
RESULTS = ("", "WBK", "WBBM", "Tidak")
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


@dataclass
class Register:
    """What the register holds, and every problem found in it."""

    award: Award
    units: list[Unit] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    units_read: bool = False  # the Unit sheet was found and laid out right, so `units` is the full list


@dataclass
class Table:
    """A table sheet: where its header is, which column holds each expected name, its data rows."""

    title: str
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, tuple]]

    def get(self, row: tuple, name: str):
        column = self.columns.get(name)
        return value_at(row, column) if column else None

    def where(self, rel: str, number: int, name: str) -> str:
        return f"{rel}, {self.title}!{ref(number, self.columns.get(name, 1))}"


def empty_award(year: int) -> Award:
    return Award(year, "", "", "", None, "", "", "", "")


def read_register(path: Path, year: int, rel: str = "nominasi.xlsx") -> Register:
    """Read `nominasi.xlsx`; a file that cannot be read becomes one problem and an empty register."""
    register = Register(empty_award(year))
    try:
        with workbook(path, rel) as book:
            reader = _RegisterReader(path, rel, year, book, register)
            reader.read()
    except UnreadableWorkbook as exc:
        register.problems.append(Problem(exc.where, exc.reason))
    except READ_ERRORS as exc:
        register.problems.append(Problem(rel, damaged_reason(exc)))
    return register


class _RegisterReader:
    def __init__(self, path: Path, rel: str, year: int, book, register: Register):
        self.path, self.rel, self.year, self.book, self.register = path, rel, year, book, register
        self.problems = register.problems
        self.empty_formulas: dict[str, set[tuple[int, int]]] = {}  # sheet -> cells that read back empty

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def warning(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message, "warning"))

    def read(self) -> None:
        self.register.award = self.award()
        units = self.units()
        innovations = self.innovations(units)
        self.register.units = [replace(u, innovations=tuple(innovations.get(u.code, ()))) for u in units]
        self.register.quotes = self.quotes()

    # -- Penghargaan ---------------------------------------------------------------

    def award(self) -> Award:
        ws = self.require_sheet("Penghargaan", "labels in column A and values in column B: " + ", ".join(AWARD_LABELS))
        if ws is None:
            return empty_award(self.year)
        title = ws.title
        found: dict[str, tuple[int, object]] = {}
        for number, row in enumerate(checked_rows(ws, f"{self.rel}, {title}"), start=1):
            label = name_key(value_at(row, 1)).rstrip(":").strip()
            for name in AWARD_LABELS:
                if label == name.casefold() and name not in found:
                    found[name] = (number, value_at(row, 2))
        missing = [n for n in AWARD_LABELS if n not in found]
        if missing:
            self.error(
                f"{self.rel}, {title}",
                f"label(s) {', '.join(missing)} not found in column A; expected the labels "
                f"{', '.join(AWARD_LABELS)}, each with its value in column B",
            )
        values: dict[str, object] = {}
        empty = []
        for name, (number, value) in found.items():
            where = f"{self.rel}, {title}!{ref(number, 2)}"
            if is_error_value(value):
                self.error(where, f"{name} is the formula error {value}; write the value itself")
                continue
            if value is None or text(value) == "":
                self.note_empty(title, number, 2)
                empty.append(name)
                continue
            field_name = AWARD_LABELS[name]
            if name == "Tahun":
                values[field_name] = self.award_year(where, value)
            elif name == "Tanggal Penyerahan":
                try:
                    ceremony = parse_date(value)
                    if abs(ceremony.year - self.year) > 1:  # a serial number or typo far off the award year
                        self.error(
                            where,
                            f"Tanggal Penyerahan {ceremony.isoformat()} is not near award year {self.year}; "
                            f"write the ceremony date, e.g. {self.year}-12-12 or 12 Desember {self.year}",
                        )
                    else:
                        values[field_name] = ceremony
                except ValueError:
                    self.error(
                        where,
                        f"Tanggal Penyerahan '{text(value)}' is not a date; write an Excel date, "
                        f"or text such as 2024-12-12 or 12 Desember 2024",
                    )
            else:
                values[field_name] = text(value)
        formulas = self.check_formulas(title)
        empty = [n for n in empty if n != "Tahun" and (found[n][0], 2) not in formulas]
        if empty:
            self.warning(
                f"{self.rel}, {title}",
                f"no value yet for {', '.join(empty)}; the documents will leave {'it' if len(empty) == 1 else 'them'} blank",
            )
        fields = {f: "" for f in AWARD_LABELS.values()} | {"year": self.year, "ceremony_date": None}
        return Award(**(fields | values))

    def award_year(self, where: str, value) -> int:
        written = text(value)
        if not written.isdigit():
            self.error(where, f"Tahun '{written}' is not a year; write the award year, {self.year}")
            return self.year
        if int(written) != self.year:
            self.error(
                where,
                f"Tahun is {written} but this register is in the folder of award year {self.year}; "
                f"make them agree (write {self.year}, or move the file to inputs/{written}/)",
            )
        return self.year

    # -- Unit ------------------------------------------------------------------------

    def units(self) -> list[Unit]:
        table = self.table("Unit", UNIT_COLUMNS, required=True)
        if table is None:
            return []
        self.register.units_read = True
        units: list[Unit] = []
        seen: dict[str, int] = {}
        for number, row in table.rows:
            where = table.where(self.rel, number, "Kode")
            code = self.cell_text(table, row, number, "Kode")
            if not code:
                self.error(where, "this unit row has no Kode; write the unit's code (e.g. UPT01) or clear the row")
                continue
            if not UNIT_CODE.match(code):
                self.error(
                    where,
                    f"unit code '{code}' is not valid; use up to 32 letters, digits, '-' or '_', "
                    f"without spaces (e.g. UPT01)",
                )
                continue
            if code.upper() in seen:
                self.error(where, f"unit code {code} appears twice (first in row {seen[code.upper()]}); each unit needs its own code")
                continue
            seen[code.upper()] = number
            values = {name: self.cell_text(table, row, number, name) for name in UNIT_COLUMNS if name != "Kode"}
            if not values["Nama Unit"]:
                self.error(table.where(self.rel, number, "Nama Unit"), f"unit {code} has no Nama Unit; write the unit's full name")
            proposed = self.choice(table, number, "Predikat Diusulkan", values, PROPOSED, code, "WBK or WBBM")
            current = self.choice(table, number, "Predikat Saat Ini", values, CURRENT, code, "empty, or WBK when the unit already holds WBK")
            result = self.choice(
                table, number, "Hasil Penetapan", values, RESULTS, code,
                "empty until the announcement, then WBK, WBBM or Tidak",
            )
            blank = [n for n in UNIT_RECOMMENDED if not values[n]]
            if blank:
                self.warning(where, f"unit {code} has no {', '.join(blank)} yet; the documents will leave {'it' if len(blank) == 1 else 'them'} blank")
            units.append(
                Unit(
                    code=code,
                    name=values["Nama Unit"],
                    kind=values["Jenis Unit"],
                    city=values["Kota"],
                    province=values["Provinsi"],
                    head=values["Kepala Unit"],
                    proposed=proposed,
                    current=current,
                    result=result,
                    category=values["Kategori Penghargaan"],
                    where=where,
                )
            )
        self.check_formulas(table.title)
        return units

    def choice(self, table: Table, number: int, name: str, values: dict, allowed: tuple[str, ...], code: str, expected: str) -> str:
        written = values[name]
        match = next((a for a in allowed if a.casefold() == written.casefold()), None)
        if match is None:
            shown = f"'{written}'" if written else "empty"
            self.error(table.where(self.rel, number, name), f"{name} of unit {code} is {shown}; expected {expected}")
            return written
        return match

    # -- Inovasi, Kutipan --------------------------------------------------------------

    def innovations(self, units: list[Unit]) -> dict[str, list[Innovation]]:
        table = self.table("Inovasi", INNOVATION_COLUMNS, required=False, purpose="the dossiers will list no innovations")
        if table is None:
            return {}
        codes = {u.code.upper(): u.code for u in units}
        found: dict[str, list[Innovation]] = {}
        for number, row in table.rows:
            values = {name: self.cell_text(table, row, number, name) for name in INNOVATION_COLUMNS}
            code = codes.get(values["Kode Unit"].upper())
            if code is None:
                written = values["Kode Unit"]
                known = ", ".join(u.code for u in units) or "none yet"
                self.error(
                    table.where(self.rel, number, "Kode Unit"),
                    (f"innovation for unit '{written}', which is not in sheet Unit" if written else "innovation row has no Kode Unit")
                    + f"; expected one of the unit codes ({known})",
                )
                continue
            if not values["Nama Inovasi"]:
                self.error(table.where(self.rel, number, "Nama Inovasi"), f"innovation of unit {code} has no Nama Inovasi; write its name")
                continue
            found.setdefault(code, []).append(Innovation(code, values["Nama Inovasi"], values["Tahun"], values["Uraian"]))
        self.check_formulas(table.title)
        return found

    def quotes(self) -> list[Quote]:
        table = self.table("Kutipan", QUOTE_COLUMNS, required=False, purpose="the press release will have no quotes")
        if table is None:
            return []
        quotes = []
        for number, row in table.rows:
            values = {name: self.cell_text(table, row, number, name) for name in QUOTE_COLUMNS}
            if not values["Kutipan"]:
                self.error(table.where(self.rel, number, "Kutipan"), "this quote row has no Kutipan; write the words quoted or clear the row")
                continue
            if not values["Nama"]:
                self.error(table.where(self.rel, number, "Nama"), "this quote has no Nama; write who said it")
                continue
            quotes.append(Quote(values["Nama"], values["Jabatan"], values["Kutipan"]))
        self.check_formulas(table.title)
        return quotes

    # -- Tables and cells -------------------------------------------------------------------

    def require_sheet(self, name: str, expected: str):
        ws = sheet(self.book, name)
        if ws is None:
            self.error(
                self.rel,
                f"no sheet {name}; it needs one with {expected} (sheets found: {', '.join(self.book.sheetnames)})",
            )
        return ws

    def table(self, name: str, columns: tuple[str, ...], *, required: bool, purpose: str = "") -> Table | None:
        """Find a table sheet and its header row; report what is missing."""
        ws = sheet(self.book, name)
        if ws is None:
            where = self.rel
            message = f"no sheet {name} (with columns {', '.join(columns)})"
            if required:
                self.error(where, f"{message}; add it (sheets found: {', '.join(self.book.sheetnames)})")
            else:
                self.warning(where, f"{message}; {purpose}")
            return None
        rows = list(checked_rows(ws, f"{self.rel}, {ws.title}"))
        wanted = {c.casefold(): c for c in columns}
        best_row, best = 0, {}
        for number, row in enumerate(rows[:HEADER_ROWS], start=1):
            matched: dict[str, int] = {}
            for column, value in enumerate(row, start=1):
                name_ = wanted.get(name_key(value))
                if name_ and name_ not in matched:
                    matched[name_] = column
            if len(matched) > len(best):
                best_row, best = number, matched
        if not best:
            self.error(
                f"{self.rel}, {ws.title}",
                f"no header row found in rows 1-{HEADER_ROWS}; expected a row with the columns {', '.join(columns)}",
            )
            return None
        missing = [c for c in columns if c not in best]
        if missing:
            self.error(
                f"{self.rel}, {ws.title}!{ref(best_row, 1)}",
                f"header row {best_row} lacks column(s) {', '.join(missing)}; expected the columns {', '.join(columns)} (in any order)",
            )
            return None
        data = [
            (number, row)
            for number, row in enumerate(rows[best_row:], start=best_row + 1)
            if any(text(value_at(row, c)) for c in best.values())
        ]
        return Table(ws.title, best_row, best, data)

    def cell_text(self, table: Table, row: tuple, number: int, name: str) -> str:
        value = table.get(row, name)
        if is_error_value(value):
            self.error(table.where(self.rel, number, name), f"{name} is the formula error {value}; write the value itself")
            return ""
        if value is None:
            self.note_empty(table.title, number, table.columns[name])
        if isinstance(value, datetime):
            value = value.date()
        return text(value)

    def note_empty(self, title: str, row: int, column: int) -> None:
        self.empty_formulas.setdefault(title, set()).add((row, column))

    def check_formulas(self, title: str) -> set[tuple[int, int]]:
        """Report the empty cells of a sheet that hold a formula never calculated; return them."""
        found = uncached_formulas(self.path, self.rel, title, self.empty_formulas.pop(title, set()))
        for (row, column), formula in sorted(found.items()):
            self.error(f"{self.rel}, {title}!{ref(row, column)}", uncached_message(formula))
        return set(found)


# --- Dates -------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})$")


def parse_date(value) -> date:
    """Read a date: an Excel date, an Excel serial number, '2024-12-12' or '12 Desember 2024'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
            raise ValueError(value)
        return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()
    written = " ".join(str(value).split())
    iso = _ISO_DATE.match(written)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    long = _LONG_DATE.match(written)
    if long:
        month = _month_numbers().get(long.group(2).casefold())
        if month:
            return date(int(long.group(3)), month, int(long.group(1)))
    raise ValueError(written)


@cache
def _month_numbers() -> dict[str, int]:
    """Month names (Indonesian first, English too), full and abbreviated, lower case -> number."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names.setdefault(name.casefold().rstrip("."), number)
    names.setdefault("agust", 8)  # a common Indonesian abbreviation Babel does not use
    return names
