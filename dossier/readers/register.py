"""Read the award year's register, `nominasi.xlsx`: the award, the units, quotes and innovations.

Sheet and column names match without regard to case or surrounding spaces;
extra sheets and columns are ignored; columns may come in any order and the
header row may sit anywhere in the first 20 rows. `Kutipan` and `Inovasi` are
optional (a warning when absent): they only feed the press release and the
dossiers, and a year can be validated and scored without them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from dossier.errors import Message, Place, Problem, msg, nmsg
from dossier.layout import AWARD_DATES, AWARD_LABELS, AWARD_SHEET, INNOVATION, QUOTE, REGISTER, UNIT, UNIT_RECOMMENDED
from dossier.layout import Table as Layout
from dossier.model import Award, Innovation, Quote, Unit
from dossier.readers.answer_values import whole_number
from dossier.readers.safety import (
    READ_ERRORS,
    UNCACHED,
    UnreadableWorkbook,
    checked_rows,
    damaged_problem,
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

AWARD_FIELDS = {label.text: label.key for label in AWARD_LABELS}  # label -> Award field
OPTIONAL_LABELS = {label.text for label in AWARD_LABELS if not label.required}
AWARD_REQUIRED = [label.text for label in AWARD_LABELS if label.required]
PROPOSAL_DATE = next(label.text for label in AWARD_LABELS if label.key == "proposal_date")
PROPOSED = UNIT.column("proposed").choices
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# Problem.kind of an error that makes a register row unusable (no code, a bad or repeated code):
# even 'dossier lke-template' cannot go on, as it cannot tell which unit the row is.
UNUSABLE_ROW = "unusable-row"
NATIONAL_COUNTS = ("national_evaluated", "national_awarded")  # numbers of units the release states, nationwide
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")  # 3.124, as Indonesian writes thousands
MAX_UNITS = 100_000  # more units than any year evaluates: a number pasted in the wrong cell
FIRST_AWARDS = 2013  # the first WBK predicates were awarded for 2013


@dataclass
class Register:
    """What the register holds, and every problem found in it."""

    award: Award
    units: list[Unit] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    units_read: bool = False  # the Unit sheet was found and laid out right, so `units` is the full list
    tpi_cells: dict[str, Place] = field(default_factory=dict)  # unit code -> where its `Berkas LKE TPI` is written
    unit_cells: dict[str, Place] = field(default_factory=dict)  # unit code -> where its row's code is written


@dataclass
class Table:
    """A table sheet as found: where its header is, which column holds each layout column (by key), its data rows."""

    layout: Layout
    title: str
    header_row: int
    columns: dict[str, int]  # key -> column number, for the columns present
    rows: list[tuple[int, tuple]]

    def get(self, row: tuple, key: str):
        column = self.columns.get(key)
        return value_at(row, column) if column else None

    def where(self, rel: str, number: int, key: str) -> Place:
        return Place(rel, self.title, ref(number, self.columns.get(key, 1)))


def empty_award(year: int) -> Award:
    return Award(year, "", "", "", None, "", "", "", "")


def read_register(path: Path, year: int, rel: str = REGISTER) -> Register:
    """Read `nominasi.xlsx`; a file that cannot be read becomes one problem and an empty register."""
    register = Register(empty_award(year))
    try:
        with workbook(path, rel) as book:
            reader = _RegisterReader(path, rel, year, book, register)
            reader.read()
    except UnreadableWorkbook as exc:
        register.problems.append(exc.problem)
    except READ_ERRORS as exc:
        register.problems.append(damaged_problem(rel, exc))
    return register


class _RegisterReader:
    def __init__(self, path: Path, rel: str, year: int, book, register: Register):
        self.path, self.rel, self.year, self.book, self.register = path, rel, year, book, register
        self.problems = register.problems
        self.empty_formulas: dict[str, set[tuple[int, int]]] = {}  # sheet -> cells that read back empty

    def error(self, where: Place, code: str, what: Message, fix: Message | None = None, *,
              kind: str = "", unit: str = "") -> None:
        self.problems.append(Problem(where, what, kind=kind, fix=fix, code=code, unit=unit))

    def warning(self, where: Place, code: str, what: Message, fix: Message | None = None, *, unit: str = "") -> None:
        self.problems.append(Problem(where, what, "warning", fix=fix, code=code, unit=unit))

    def read(self) -> None:
        self.register.award = self.award()
        units = self.units()
        innovations = self.innovations(units)
        self.register.units = [replace(u, innovations=tuple(innovations.get(u.code, ()))) for u in units]
        self.register.quotes = self.quotes()

    # -- Penghargaan ---------------------------------------------------------------

    def award(self) -> Award:
        ws = self.require_sheet(AWARD_SHEET, msg("labels in column A and values in column B: {labels}", labels=", ".join(AWARD_FIELDS)))
        if ws is None:
            return empty_award(self.year)
        title = ws.title
        found: dict[str, tuple[int, object]] = {}
        for number, row in enumerate(checked_rows(ws, Place(self.rel, title)), start=1):
            label = name_key(value_at(row, 1)).rstrip(":").strip()
            for name in AWARD_FIELDS:
                if label == name.casefold() and name not in found:
                    found[name] = (number, value_at(row, 2))
                elif label == name.casefold():  # which of the two is meant cannot be told: neither is taken silently
                    self.error(Place(self.rel, title, ref(number, 1)), "register.award.label_repeated",
                               msg("the label {label} is in rows {first} and {row}", label=name,
                                   first=found[name][0], row=number),
                               msg("keep one row for {label}, with its value in column B", label=name))
        missing = [n for n in AWARD_REQUIRED if n not in found]
        if missing:
            self.error(
                Place(self.rel, title), "register.award.labels_missing",
                msg("label(s) {missing} not found in column A", missing=", ".join(missing)),
                msg("expected the labels {labels}, each with its value in column B", labels=", ".join(AWARD_FIELDS)),
            )
        values: dict[str, object] = {}
        empty = []
        for name, (number, value) in found.items():
            where = Place(self.rel, title, ref(number, 2))
            if is_error_value(value):
                self.error(where, "register.formula_error", msg("{name} is the formula error {value}", name=name, value=value),
                           msg("write the value itself"))
                continue
            if value is None or text(value) == "":
                self.note_empty(title, number, 2)
                empty.append(name)
                continue
            field_name = AWARD_FIELDS[name]
            if field_name == "year":
                values[field_name] = self.award_year(where, value, name)
            elif field_name in AWARD_DATES:
                try:
                    day = parse_date(value)
                    if abs(day.year - self.year) > 1:  # a serial number or typo far off the award year
                        self.error(
                            where, "register.award.date_far",
                            msg("{name} {date} is not near award year {year}", name=name, date=day.isoformat(), year=self.year),
                            msg("write the date, e.g. {year}-12-12 or 12 Desember {year}", year=self.year),
                        )
                    else:
                        values[field_name] = day
                except ValueError:
                    self.error(
                        where, "register.award.not_a_date",
                        msg("{name} '{written}' is not a date", name=name, written=text(value)),
                        msg("write an Excel date, or text such as 2024-12-12 or 12 Desember 2024"),
                    )
            elif field_name in NATIONAL_COUNTS:
                values[field_name] = self.count(where, value, name)
            else:
                values[field_name] = text(value)
        evaluated, awarded = (str(values.get(key, "")) for key in NATIONAL_COUNTS)
        if evaluated and awarded and int(awarded) > int(evaluated):
            labels = {key: name for name, key in AWARD_FIELDS.items()}
            self.error(Place(self.rel, title, ref(found[labels[NATIONAL_COUNTS[1]]][0], 2)),
                       "register.award.awarded_over_evaluated",
                       msg("{awarded_label} {awarded} is more than {evaluated_label} {evaluated}",
                           awarded_label=labels[NATIONAL_COUNTS[1]], awarded=awarded,
                           evaluated_label=labels[NATIONAL_COUNTS[0]], evaluated=evaluated),
                       msg("the units awarded nationwide are among those evaluated: check both numbers"))
        formulas = self.check_formulas(title)
        empty = [n for n in empty if AWARD_FIELDS[n] != "year" and (found[n][0], 2) not in formulas]
        if PROPOSAL_DATE in empty or PROPOSAL_DATE not in found:
            # Said apart, because it is not left blank: a dotted line is printed to date by hand.
            self.warning(
                Place(self.rel, title, ref(found[PROPOSAL_DATE][0], 2) if PROPOSAL_DATE in found else ""),
                "register.award.no_proposal_date",
                msg("no {label} (the date of the proposal)", label=PROPOSAL_DATE),
                msg("each dossier's statement and the cover letter "
                    "are printed with a dotted line for the date, to be written by hand"),
            )
        empty = [n for n in empty if n not in OPTIONAL_LABELS]
        if empty:
            self.warning(
                Place(self.rel, title), "register.award.empty",
                msg("no value yet for {labels}", labels=", ".join(empty)),
                nmsg("the documents will leave it blank", "the documents will leave them blank", len(empty)),
            )
        fields: dict[str, Any] = dict.fromkeys(AWARD_FIELDS.values(), "") | {"year": self.year} | dict.fromkeys(AWARD_DATES)
        award = Award(**(fields | values))
        self.check_dates(award, {AWARD_FIELDS[n]: Place(self.rel, title, ref(r, 2)) for n, (r, _v) in found.items()})
        return award

    def check_dates(self, award: Award, where: dict[str, Place]) -> None:
        """Warn about a date of the year outside the award year, or out of order (evaluation, proposal, ceremony)."""
        labels = {label.key: label.text for label in AWARD_LABELS}
        dated = [(key, getattr(award, key)) for key in ("evaluation_date", "proposal_date", "ceremony_date")
                 if getattr(award, key)]
        for key, day in dated:
            if day.year != self.year:
                self.warning(where.get(key, Place(self.rel)), "register.award.date_other_year",
                             msg("{name} {date} is not in award year {year}", name=labels[key], date=day.isoformat(),
                                 year=self.year),
                             msg("each document is dated with it: write a date of {year}", year=self.year))
        for (first, early), (then, late) in zip(dated, dated[1:]):
            if late < early:
                self.warning(where.get(then, Place(self.rel)), "register.award.dates_out_of_order",
                             msg("{later} {late} comes before {earlier} {early}", later=labels[then],
                                 late=late.isoformat(), earlier=labels[first], early=early.isoformat()),
                             msg("the evaluation comes first, then the proposal, then the ceremony: check both dates"))

    def count(self, where: Place, value, label: str) -> str:
        """A number of units the release states: a whole number of 0 or more ('3124', typed as text the
        Indonesian way too: '3.124'), as digits; else an error and ''."""
        written = text(value)
        number = whole_number(value)
        if number is None and isinstance(value, str) and THOUSANDS.fullmatch(written):
            number = int(written.replace(".", ""))
        if number is None or number > MAX_UNITS:
            self.error(where, "register.award.not_a_count", msg("{label} '{written}' is not a number of units",
                                                                label=label, written=written),
                       msg("write a whole number, such as 128, or leave it empty"))
            return ""
        return str(number)

    def award_year(self, where: Place, value, label: str) -> int:
        written = text(value)
        if not written.isdigit():
            self.error(where, "register.award.not_a_year", msg("{label} '{written}' is not a year", label=label, written=written),
                       msg("write the award year, {year}", year=self.year))
            return self.year
        if int(written) != self.year:
            self.error(
                where, "register.award.other_year",
                msg("{label} is {written} but this register is in the folder of award year {year}",
                    label=label, written=written, year=self.year),
                msg("make them agree (write {year}, or move the file to inputs/{written}/)", written=written, year=self.year),
            )
        return self.year

    # -- Unit ------------------------------------------------------------------------

    def units(self) -> list[Unit]:
        table = self.table(UNIT, required=True)
        if table is None:
            return []
        self.register.units_read = True
        units: list[Unit] = []
        seen: dict[str, int] = {}
        header = UNIT.header
        for number, row in table.rows:
            where = table.where(self.rel, number, "code")
            code = self.cell_text(table, row, number, "code")
            if not code:
                self.error(where, "register.unit.no_code", msg("this unit row has no {column}", column=header("code")),
                           msg("write the unit's code (e.g. UPT01) or clear the row"), kind=UNUSABLE_ROW)
                continue
            if not UNIT_CODE.match(code):
                odd = _odd_characters(code)
                self.error(
                    where, "register.unit.bad_code",
                    msg("unit code '{code}' is not valid: it holds {characters}", code=code, characters=odd) if odd else
                    msg("unit code '{code}' is not valid", code=code),
                    msg("use up to 32 letters, digits, '-' or '_', without spaces (e.g. UPT01)"),
                    kind=UNUSABLE_ROW,
                )
                continue
            raw = table.get(row, "code")
            if isinstance(raw, str) and raw != code:  # a trailing space typed or pasted: harmless, but said
                self.warning(where, "register.unit.code_spaces",
                             msg("unit code '{written}' has spaces around it", written=raw),
                             msg("read as '{code}' (trimmed)", code=code), unit=code)
            if code.upper() in seen:
                self.error(where, "register.unit.repeated",
                           msg("unit code {code} appears twice (first in row {row})", code=code, row=seen[code.upper()]),
                           msg("each unit needs its own code"), kind=UNUSABLE_ROW, unit=code)
                continue
            seen[code.upper()] = number
            values: dict[str, Any] = {c.key: self.cell_text(table, row, number, c.key) for c in UNIT.columns if c.key != "code"}
            if not values["name"]:
                self.error(table.where(self.rel, number, "name"), "register.unit.no_name",
                           msg("unit {code} has no {column}", code=code, column=header("name")),
                           msg("write the unit's full name"), unit=code)
            values["proposed"] = self.choice(table, number, "proposed", values, code, msg("WBK or WBBM"))
            values["current"] = self.choice(table, number, "current", values, code,
                                            msg("empty, or the predicate the unit already holds (WBK or WBBM)"))
            values["result"] = self.choice(
                table, number, "result", values, code, msg("empty until the announcement, then WBK, WBBM or Tidak")
            )
            values["wbk_year"] = self.wbk_year(table, row, number, code, values)
            blank = [header(key) for key in UNIT_RECOMMENDED if not values[key]]
            if blank:
                self.warning(where, "register.unit.empty", msg("unit {code} has no {columns} yet", code=code, columns=", ".join(blank)),
                             nmsg("the documents will leave it blank", "the documents will leave them blank", len(blank)),
                             unit=code)
            if values["lke_tpi_file"]:
                self.register.tpi_cells[code] = table.where(self.rel, number, "lke_tpi_file")
            self.register.unit_cells[code] = where
            units.append(Unit(code=code, **values, where=str(where)))
        self.check_formulas(table.title)
        return units

    def wbk_year(self, table: Table, row, number: int, code: str, values: dict) -> str:
        """Tahun WBK, which the release states of a WBBM winner: empty, or a year before the award year."""
        written = values["wbk_year"]
        if not written:
            return ""
        year = whole_number(table.get(row, "wbk_year"))
        where = table.where(self.rel, number, "wbk_year")
        if year is None or not FIRST_AWARDS <= year < self.year:
            self.error(where, "register.unit.wbk_year",
                       msg("{column} of unit {code} is '{written}'", column=UNIT.header("wbk_year"), code=code,
                           written=written),
                       msg("write the year the unit was awarded WBK, before {year} (e.g. {example}), or leave it empty",
                           year=self.year, example=self.year - 2), unit=code)
            return ""
        if not values["current"]:
            self.warning(where, "register.unit.wbk_year_without_predicate",
                         msg("unit {code} has a {column} ({written}) but no {current}", code=code,
                             column=UNIT.header("wbk_year"), written=written, current=UNIT.header("current")),
                         msg("write the predicate it holds (WBK or WBBM) in {current}, or clear the year",
                             current=UNIT.header("current")), unit=code)
        return str(year)

    def choice(self, table: Table, number: int, key: str, values: dict, code: str, expected: Message) -> str:
        written = values[key]
        match = next((a for a in UNIT.column(key).choices if a.casefold() == written.casefold()), None)
        if match is None:
            shown = f"'{written}'" if written else msg("empty")
            self.error(table.where(self.rel, number, key), "register.unit.not_a_choice",
                       msg("{column} of unit {code} is {shown}", column=UNIT.header(key), code=code, shown=shown),
                       msg("expected {expected}", expected=expected), unit=code)
            return written
        return match

    # -- Inovasi, Kutipan --------------------------------------------------------------

    def innovations(self, units: list[Unit]) -> dict[str, list[Innovation]]:
        table = self.table(INNOVATION, required=False, purpose=msg("the dossiers will list no innovations"))
        if table is None:
            return {}
        codes = {u.code.upper(): u.code for u in units}
        found: dict[str, list[Innovation]] = {}
        header = INNOVATION.header
        for number, row in table.rows:
            values = {c.key: self.cell_text(table, row, number, c.key) for c in INNOVATION.columns}
            code = codes.get(values["unit_code"].upper())
            if code is None:
                written = values["unit_code"]
                known = ", ".join(u.code for u in units) or msg("none yet")
                what = (msg("innovation for unit '{written}', which is not in sheet {sheet}", written=written, sheet=UNIT.sheet)
                        if written else msg("innovation row has no {column}", column=header("unit_code")))
                self.error(table.where(self.rel, number, "unit_code"), "register.innovation.unknown_unit", what,
                           msg("expected one of the unit codes ({known})", known=known))
                continue
            if not values["name"]:
                self.error(table.where(self.rel, number, "name"), "register.innovation.no_name",
                           msg("innovation of unit {code} has no {column}", code=code, column=header("name")),
                           msg("write its name"), unit=code)
                continue
            found.setdefault(code, []).append(Innovation(**(values | {"unit_code": code})))
        self.check_formulas(table.title)
        return found

    def quotes(self) -> list[Quote]:
        table = self.table(QUOTE, required=False, purpose=msg("the press release will have no quotes"))
        if table is None:
            return []
        quotes = []
        header = QUOTE.header
        for number, row in table.rows:
            values = {c.key: self.cell_text(table, row, number, c.key) for c in QUOTE.columns}
            if not values["text"]:
                self.error(table.where(self.rel, number, "text"), "register.quote.no_text",
                           msg("this quote row has no {column}", column=header("text")),
                           msg("write the words quoted or clear the row"))
                continue
            if not values["name"]:
                self.error(table.where(self.rel, number, "name"), "register.quote.no_name",
                           msg("this quote has no {column}", column=header("name")), msg("write who said it"))
                continue
            phases = QUOTE.column("phase").choices
            phase = next((p for p in phases if p.casefold() == values["phase"].casefold()), None)
            if phase is None:
                self.error(table.where(self.rel, number, "phase"), "register.quote.bad_phase",
                           msg("{column} '{written}' is not a phase", column=header("phase"), written=values["phase"]),
                           msg("expected sebelum (before the results), sesudah (after) or empty (both)"))
                continue
            quotes.append(Quote(**(values | {"phase": phase})))
        self.check_formulas(table.title)
        return quotes

    # -- Tables and cells -------------------------------------------------------------------

    def require_sheet(self, name: str, expected: Message):
        ws = sheet(self.book, name)
        if ws is None:
            self.error(
                Place(self.rel), "register.sheet.missing", msg("no sheet {sheet}", sheet=name),
                msg("it needs one with {expected} (sheets found: {found})", expected=expected, found=", ".join(self.book.sheetnames)),
            )
        return ws

    def table(self, layout: Layout, *, required: bool, purpose: Message | None = None) -> Table | None:
        """Find a table sheet and its header row by the layout's headers; report what is missing."""
        name, columns = layout.sheet, layout.headers
        ws = sheet(self.book, name)
        # A required table not read leaves every row of it unread: as unusable as a row with a bad code.
        kind = UNUSABLE_ROW if required else ""
        if ws is None:
            what = msg("no sheet {sheet} (with columns {columns})", sheet=name, columns=", ".join(columns))
            if required:
                self.error(Place(self.rel), "register.sheet.missing", what,
                           msg("add it (sheets found: {found})", found=", ".join(self.book.sheetnames)), kind=kind)
            else:
                self.warning(Place(self.rel), "register.sheet.missing", what, purpose)
            return None
        rows = list(checked_rows(ws, Place(self.rel, ws.title)))
        wanted = {c.header.casefold(): c.key for c in layout.columns}
        best: dict[str, int] = {}
        best_row = 0
        for number, row in enumerate(rows[:HEADER_ROWS], start=1):
            matched: dict[str, int] = {}
            for column, value in enumerate(row, start=1):
                key = wanted.get(name_key(value))
                if key and key not in matched:
                    matched[key] = column
            if len(matched) > len(best):
                best_row, best = number, matched
        if not best:
            self.error(
                Place(self.rel, ws.title), "register.header.missing",
                msg("no header row found in rows 1-{last}", last=HEADER_ROWS),
                msg("expected a row with the columns {columns}", columns=", ".join(columns)),
                kind=kind,
            )
            return None
        missing = [c.header for c in layout.columns if c.required and c.key not in best]
        if missing:
            self.error(
                Place(self.rel, ws.title, ref(best_row, 1)), "register.header.column_missing",
                msg("header row {row} lacks column(s) {missing}", row=best_row, missing=", ".join(missing)),
                msg("expected the columns {columns} (in any order)", columns=", ".join(columns)),
                kind=kind,
            )
            return None
        data = [
            (number, row)
            for number, row in enumerate(rows[best_row:], start=best_row + 1)
            if any(text(value_at(row, c)) for c in best.values())
        ]
        return Table(layout, ws.title, best_row, best, data)

    def cell_text(self, table: Table, row: tuple, number: int, key: str) -> str:
        """The text of a cell by column key; "" for an optional column the workbook lacks."""
        if key not in table.columns:
            return ""
        value = table.get(row, key)
        if is_error_value(value):
            self.error(table.where(self.rel, number, key), "register.formula_error",
                       msg("{name} is the formula error {value}", name=table.layout.header(key), value=value),
                       msg("write the value itself"))
            return ""
        if value is None:
            self.note_empty(table.title, number, table.columns[key])
        if isinstance(value, datetime):
            value = value.date()
        return text(value)

    def note_empty(self, title: str, row: int, column: int) -> None:
        self.empty_formulas.setdefault(title, set()).add((row, column))

    def check_formulas(self, title: str) -> set[tuple[int, int]]:
        """Report the empty cells of a sheet that hold a formula never calculated; return them."""
        found = uncached_formulas(self.path, self.rel, title, self.empty_formulas.pop(title, set()))
        for (row, column), formula in sorted(found.items()):
            self.error(Place(self.rel, title, ref(row, column)), UNCACHED, *uncached_message(formula))
        return set(found)


def _odd_characters(code: str) -> str:
    """The characters a unit code may not hold, named so an invisible one can be found: 'U+200B ZERO WIDTH SPACE'."""
    odd = dict.fromkeys(c for c in code if not (c.isascii() and (c.isalnum() or c in "-_ ")))  # a space shows itself
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" + (f" '{c}'" if c.isprintable() and not c.isspace() else "")
                     for c in odd)


# --- Dates -------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LONG_DATE = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 20/05/2025: day first, as Indonesian writes it
_WEEKDAY = re.compile(r"^([^\W\d_]+'?[^\W\d_]*),?\s+(?=\d)")  # 'Selasa, ' before '20 Mei 2025'


def parse_date(value) -> date:
    """Read a date: an Excel date, an Excel serial number, '2024-12-12', '12/12/2024' (day first) or
    '12 Desember 2024', that last two after a weekday too ('Kamis, 12 Desember 2024')."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
            raise ValueError(value)
        return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()
    written = " ".join(str(value).split())
    weekday = _WEEKDAY.match(written)
    if weekday and weekday.group(1).casefold() in _weekday_names():
        day = parse_date(written[weekday.end():])
        if weekday.group(1).casefold() not in _weekday_names(day.weekday()):  # 'Rabu' for a Tuesday: which is meant?
            raise ValueError(written)
        return day
    iso = _ISO_DATE.match(written)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    day_first = _DAY_FIRST.match(written)
    if day_first:
        return date(int(day_first.group(3)), int(day_first.group(2)), int(day_first.group(1)))
    long = _LONG_DATE.match(written)
    if long:
        month = _month_numbers().get(long.group(2).casefold())
        if month:
            return date(int(long.group(3)), month, int(long.group(1)))
    raise ValueError(written)


@cache
def _weekday_names(weekday: int | None = None) -> set[str]:
    """The names of a weekday (0 Monday; None: every one), Indonesian and English, full and abbreviated, lower case."""
    from babel.dates import get_day_names

    return {name.casefold().rstrip(".") for locale in ("id", "en") for width in ("wide", "abbreviated")
            for number, name in get_day_names(width, locale=locale).items() if weekday in (None, number)} | (
        {"jum'at"} if weekday in (None, 4) else set())


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
