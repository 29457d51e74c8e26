"""Write the workbooks staff open in Excel: the register (`nominasi.xlsx`) and the LKE template.

The layout (sheets, labels, columns) is in `dossier.layout`, the input
contract the readers in `dossier.readers` read back. Text shown in the workbooks is Bahasa
Indonesia. Saved files are byte-identical for the same inputs: the package's
timestamps come from the award year (or SOURCE_DATE_EPOCH), never the clock.

Every value that comes from the inputs is written with `put`, which stores text
as text: a unit named `=HYPERLINK(...)` stays a name, never a live formula. The
only formulas in our workbooks are the LKE's own score formulas, built from the
edition's rules in `dossier.lke_formulas`; the shared styles, print setup and saving
are in `dossier.workbook_style`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dossier.cells import put
from dossier.layout import (
    AWARD_DATES,
    AWARD_LABELS,
    AWARD_SHEET,
    AWARD_WIDTHS,
    GUIDE,
    GUIDE_SHEET,
    INNOVATION,
    LKE,
    LKE_HEADER_ROW,
    LKE_INPUTS,
    LKE_TITLE_LABELS,
    LKE_TOTAL_LABEL,
    LKE_UNIT_LABEL,
    QUOTE,
    REGISTER,
    TABLE_ROWS,
    UNIT,
    Table,
)
from dossier.lke_formulas import (
    ANSWER,
    SCORE,
    TOTAL_ROW,
    TPI_ANSWER,
    ScoreCells,
    count_explanation,
    count_formula,
    counted,
    question_formula,
    score_cell,
    score_formulas,
)
from dossier.model import Answer, Award, Quote, Unit
from dossier.render.format import number
from dossier.rules import Edition, Indicator
from dossier.workbook_style import (
    BOLD,
    CENTER_TOP,
    GRID,
    HEADER_FILL,
    HEADER_FONT,
    INPUT_FILL,
    THIN,
    WRAP_TOP,
    fit_row_height,
    print_setup,
    save_workbook,
)

LKE_COLUMNS = LKE.headers  # the LKE table's headers, in column order (tests and benchmarks edit by them)
CENTERED = ("position", "code", "answer", "score", "tpi_answer")
INPUTS = ("answer", "tpi_answer")  # the cells a choice, count or index goes in, with the same drop-downs
TPI_FILL = PatternFill("solid", fgColor="E2EFDA")  # the TPI's columns: light green, apart from the unit's yellow
GROUP_STYLES = [  # component, part, area, sub-area
    (Font(bold=True, color="FFFFFF", size=12), PatternFill("solid", fgColor="2E75B6")),
    (Font(bold=True, size=11), PatternFill("solid", fgColor="9DC3E6")),
    (Font(bold=True), PatternFill("solid", fgColor="DEEBF7")),
    (Font(bold=True, italic=True), PatternFill("solid", fgColor="F2F2F2")),
]
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "[$-421]d mmmm yyyy;@"  # 421 = Indonesian: "12 Desember 2024"
HINT_AUTHOR = "dossier"


def write_register(
    path: Path,
    year: int,
    award: Award | None = None,
    units: Sequence[Unit] = (),
    quotes: Sequence[Quote] = (),
) -> None:
    """Write the award year's register `nominasi.xlsx`: empty and laid out for the user, or filled."""
    wb = Workbook()
    _award_sheet(wb.active, year, award)
    _unit_sheet(wb.create_sheet(UNIT.sheet), units)
    _table_sheet(wb.create_sheet(QUOTE.sheet), QUOTE, [_row(QUOTE, q) for q in quotes])
    innovations = [
        _row(INNOVATION, i, unit_code=i.unit_code or u.code, year=int(i.year) if str(i.year).isdigit() else i.year)
        for u in units
        for i in u.innovations
    ]
    inovasi = wb.create_sheet(INNOVATION.sheet)
    _table_sheet(inovasi, INNOVATION, innovations)
    code, unit_code = UNIT.letter("code"), INNOVATION.letter("unit_code")
    _list_validation(
        inovasi,
        f"{UNIT.sheet}!${code}$2:${code}${TABLE_ROWS}",
        f"{unit_code}2:{unit_code}{TABLE_ROWS}",
        INNOVATION.column("unit_code").prompt,
    )
    for ws in wb.worksheets:
        print_setup(ws, title_rows=None if ws.title == AWARD_SHEET else 1, footer=f"{REGISTER} {year}, lembar {ws.title}")
    save_workbook(wb, path, year)


def _row(table: Table, item, **values) -> tuple:
    """A table row from a model object: each column's `key` names its field, unless given in `values`."""
    return tuple(values[c.key] if c.key in values else getattr(item, c.key) for c in table.columns)


def _award_sheet(ws: Worksheet, year: int, award: Award | None) -> None:
    ws.title = AWARD_SHEET
    for letter, width in zip("ABC", AWARD_WIDTHS):
        ws.column_dimensions[letter].width = width
    for row, label in enumerate(AWARD_LABELS, start=1):
        written = getattr(award, label.key) if award else (year if label.key == "year" else None)
        if label.key in AWARD_DATES:
            written = _excel_date(written)
        put(ws, row, 1, label.text).font = BOLD
        ws.cell(row, 1).alignment = WRAP_TOP
        value = put(ws, row, 2, written or None)
        value.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        value.fill = INPUT_FILL
        value.border = GRID
        hint_cell = put(ws, row, 3, label.hint)
        hint_cell.font = Font(italic=True, color="7F7F7F")
        hint_cell.alignment = WRAP_TOP
        if label.key in AWARD_DATES:
            value.number_format = DATE_FORMAT
        fit_row_height(ws, row)


def _unit_sheet(ws: Worksheet, units: Sequence[Unit]) -> None:
    _table_sheet(ws, UNIT, [_row(UNIT, u) for u in units])
    for column in UNIT.columns:
        if column.choices:
            letter = UNIT.letter(column.key)
            listed = ",".join(c for c in column.choices if c)
            _list_validation(
                ws, f'"{listed}"', f"{letter}2:{letter}{TABLE_ROWS}", column.prompt, blank="" in column.choices
            )


def _table_sheet(ws: Worksheet, table: Table, rows: Iterable[Sequence]) -> None:
    """Lay out a table sheet: bold frozen header with hints, sized columns, wrapped rows."""
    for col, column in enumerate(table.columns, start=1):
        cell = put(ws, 1, col, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER_TOP
        if column.hint:
            cell.comment = _hint(column.hint)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    fit_row_height(ws, 1)  # "Predikat Diusulkan" wraps in its narrow column
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value if value != "" else None).alignment = WRAP_TOP
        fit_row_height(ws, r)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}1"


def _list_validation(ws: Worksheet, formula: str, cells: str, prompt: str, blank: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=blank, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = "Isian tidak sesuai"
    dv.error = prompt
    dv.prompt = prompt
    ws.add_data_validation(dv)
    dv.add(cells)
    return dv


def _hint(text: str) -> Comment:
    comment = Comment(text, HINT_AUTHOR)
    comment.width, comment.height = 260, 90
    return comment


def _excel_date(value):
    return datetime(value.year, value.month, value.day) if value else None


# --- The LKE workbook -------------------------------------------------------------


def write_lke_template(
    path: Path,
    edition: Edition,
    *,
    unit_code: str,
    unit_name: str,
    year: int,
    ministry: str,
    answers: dict[str, Answer] | None = None,
) -> None:
    """Write a unit's LKE workbook: every indicator of the edition, grouped, with validation; filled if `answers`.

    The Nilai column and the Nilai Total cell score the workbook as the unit fills
    it in (formulas from the edition's rules); only the input cells are unlocked.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = LKE.sheet
    _lke_title(ws, edition, unit_code, unit_name, year, ministry)
    for col, column in enumerate(LKE.columns, start=1):
        cell = put(ws, LKE_HEADER_ROW, col, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = GRID
        ws.column_dimensions[get_column_letter(col)].width = column.width
    answers = answers or {}
    validations = _LkeValidations(ws, edition)
    scores = ScoreCells()
    row = LKE_HEADER_ROW + 1
    shown: tuple[str, ...] = ()
    for number_, indicator in enumerate(edition.indicators.values(), start=1):
        for depth in range(len(indicator.group)):
            if indicator.group[: depth + 1] != shown[: depth + 1]:
                _group_row(ws, row, depth, indicator.group[: depth + 1], edition)
                scores.groups.setdefault(indicator.group[: depth + 1], row)
                row += 1
        shown = indicator.group
        scores.questions.setdefault(indicator.group, []).append(row)
        row = _indicator_rows(ws, row, number_, indicator, answers.get(indicator.code), validations, edition)
    score_formulas(ws, edition, scores)
    last_col = get_column_letter(len(LKE.columns))
    ws.freeze_panes = f"{LKE.letter('question')}{LKE_HEADER_ROW + 1}"  # No and Kode stay in view
    ws.print_area = f"A1:{last_col}{row - 1}"
    print_setup(ws, title_rows=LKE_HEADER_ROW, footer=f"LKE {unit_code} - {year}")
    ws.print_options.horizontalCentered = True
    _protect(ws)
    _guide_sheet(wb.create_sheet(GUIDE_SHEET), edition)
    save_workbook(wb, path, year)


def _lke_title(ws: Worksheet, edition: Edition, code: str, name: str, year: int, ministry: str) -> None:
    put(ws, 1, 1, "LEMBAR KERJA EVALUASI (LKE) ZONA INTEGRITAS").font = Font(bold=True, size=14)
    put(ws, 2, 1, edition.title or f"Edisi {edition.name}").font = Font(italic=True)
    # Labels sit in the Kode column: wide enough for them, and the value gets the wide Pertanyaan column.
    column = LKE.number("code")
    for row, (label, value) in enumerate(zip(LKE_TITLE_LABELS, (code, name, year, ministry)), start=3):
        put(ws, row, column, label).font = BOLD
        cell = put(ws, row, column + 1, value)
        cell.alignment = Alignment(horizontal="left")
        cell.font = BOLD if label == LKE_UNIT_LABEL else Font()
    # The total sits above the Nilai column, its label to the left; its formula is written with the others.
    label = put(ws, TOTAL_ROW, SCORE - 1, LKE_TOTAL_LABEL)
    label.font = BOLD
    label.alignment = Alignment(horizontal="right")
    header = LKE.header
    put(
        ws, 7, 1,
        f"Isi kolom {header('answer')} (sel kuning), {header('note')} dan {header('evidence')}. "
        f"Kolom {header('score')} dihitung otomatis, dari {header('tpi_answer')} bila terisi, selain itu dari "
        f"{header('answer')}. Kolom {header('tpi_answer')} dan {header('tpi_note')} (sel hijau) diisi TPI. "
        f"Petunjuk lengkap: lembar {GUIDE_SHEET}.",
    ).font = Font(italic=True, color="7F7F7F")


def _group_row(ws: Worksheet, row: int, depth: int, path: tuple[str, ...], edition: Edition) -> None:
    """A heading row for a component, part, area or sub-area; its Kode cell stays empty, its Nilai is a formula."""
    font, fill = GROUP_STYLES[min(depth, len(GROUP_STYLES) - 1)]
    weight = edition.weights.get(path)
    title = path[-1].upper() if depth == 0 else path[-1]
    text = f"{title} (bobot {number(weight)})" if weight else title
    # Text in column A spills across the empty filled cells to its right, like a merged row,
    # without merged cells that readers and sorting trip over.
    put(ws, row, 1, text).font = font
    last = len(LKE.columns)
    for col in range(1, last + 1):
        cell = ws.cell(row, col)
        cell.fill = fill
        cell.border = Border(top=THIN, bottom=THIN, left=THIN if col == 1 else None, right=THIN if col == last else None)
    ws.cell(row, SCORE).font = font


def _indicator_rows(
    ws: Worksheet,
    row: int,
    position: int,
    indicator: Indicator,
    answer: Answer | None,
    validations: _LkeValidations,
    edition: Edition,
) -> int:
    """Write one indicator (a count indicator: a heading row and one row per input); return the next row.

    The indicator's first row gets its score formula in the Nilai column.
    """
    note = answer.note if answer else ""
    evidence = "\n".join(e.entry for e in answer.evidence) if answer else ""
    tpi_note = answer.tpi_note if answer else ""
    if indicator.kind == "count":
        _cells(ws, row, position=position, question=indicator.question, options=count_explanation(indicator))
        heading = row
        row += 1
        counts = (answer.counts if answer else None) or {}
        tpi_counts = (answer.tpi_counts if answer else None) or {}
        inputs = {}
        for i, option in enumerate(indicator.options):
            n = int(option.key)
            first = i == 0  # notes and evidence of a count indicator go on its first input row
            _cells(
                ws, row, code=f"{indicator.code}.{n}", question=f"({n}) {option.text}",
                options="Bilangan bulat 0 atau lebih", answer=counts.get(n), tpi_answer=tpi_counts.get(n),
                note=note if first else "", evidence=evidence if first else "", tpi_note=tpi_note if first else "",
            )
            for column in (ANSWER, TPI_ANSWER):
                validations.add(indicator, ws.cell(row, column))
            inputs[n] = counted(row)
            row += 1
        filled = [f"{get_column_letter(c)}{r}" for c in (ANSWER, TPI_ANSWER) for r in range(heading + 1, row)]
        score_cell(ws, heading, count_formula(indicator, inputs, filled))
        return row
    value: float | str | None
    tpi_value: float | str | None
    if indicator.kind == "index":
        options = indicator.options[0].text if indicator.options else ""
        value = answer.index if answer else None
        tpi_value = answer.tpi_index if answer else None
        options = options or f"Indeks {number(edition.index_min)}-{number(edition.index_max)}"
    else:
        options = "\n".join(_option_line(o.key, o.text) for o in indicator.options)
        value = answer.choice if answer else None
        tpi_value = answer.tpi_choice if answer else None
    _cells(
        ws, row, position=position, code=indicator.code, question=indicator.question, options=options,
        answer=value, note=note, evidence=evidence, tpi_answer=tpi_value, tpi_note=tpi_note,
    )
    for column in (ANSWER, TPI_ANSWER):
        validations.add(indicator, ws.cell(row, column))
    score_cell(ws, row, question_formula(indicator, counted(row), edition))
    return row + 1


def _cells(ws: Worksheet, row: int, **values) -> None:
    """Write one LKE row, a value per column key; a coded row's input cells are unlocked, its Jawaban yellow."""
    input_row = "code" in values
    for col, column in enumerate(LKE.columns, start=1):
        item = values.get(column.key)
        cell = put(ws, row, col, None if item == "" else item)
        cell.border = GRID
        cell.alignment = CENTER_TOP if column.key in CENTERED else WRAP_TOP
        if input_row and column.key in LKE_INPUTS:
            cell.protection = UNLOCKED
        if column.key == "answer" and input_row:
            cell.fill = INPUT_FILL
        if column.key.startswith("tpi_") and input_row:
            cell.fill = TPI_FILL
        if column.key in INPUTS and isinstance(item, float):
            cell.number_format = "0.00"
    fit_row_height(ws, row)


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: the unit fills the unlocked cells and may still resize rows and columns."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


def _option_line(key: str, text: str) -> str:
    if text.strip().lower() == key.lower():
        return key
    return f"{key}. {text}" if len(key) == 1 else f"{key}: {text}"


class _LkeValidations:
    """One data validation per answer kind (and per option list), added to the Jawaban cells."""

    def __init__(self, ws: Worksheet, edition: Edition):
        self.ws = ws
        self.edition = edition
        self.by_key: dict[tuple, DataValidation] = {}

    def add(self, indicator: Indicator, cell) -> None:
        key: tuple[str, ...]
        if indicator.kind == "count":
            key = ("count",)
        elif indicator.kind == "index":
            key = ("index",)
        else:
            key = ("list", *indicator.option_keys)
        dv = self.by_key.get(key) or self._make(key)
        dv.add(cell)

    def _make(self, key: tuple) -> DataValidation:
        if key[0] == "count":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = dv.prompt = "Isi bilangan bulat 0 atau lebih."
        elif key[0] == "index":
            low, high = self.edition.index_min, self.edition.index_max
            dv = DataValidation(type="decimal", operator="between", formula1=f"{low:.2f}", formula2=f"{high:.2f}", allow_blank=True)
            dv.error = dv.prompt = f"Isi nilai indeks survei {number(low)} sampai {number(high)}."
        else:
            keys = ",".join(key[1:])
            dv = DataValidation(type="list", formula1=f'"{keys}"', allow_blank=True)
            dv.error = dv.prompt = f"Pilih salah satu: {', '.join(key[1:])}."
        dv.errorTitle = "Jawaban tidak sesuai"
        dv.showErrorMessage = True
        dv.showInputMessage = True
        self.ws.add_data_validation(dv)
        self.by_key[key] = dv
        return dv


def _guide_sheet(ws: Worksheet, edition: Edition) -> None:
    for row, (first, second) in enumerate(GUIDE, start=1):
        put(ws, row, 1, first or f"     - {second}").alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    put(ws, len(GUIDE) + 2, 1, f"Edisi LKE: {edition.title or edition.name}").font = Font(italic=True)
    ws.column_dimensions["A"].width = 100
    ws.sheet_view.showGridLines = False
    print_setup(ws, footer=f"{GUIDE_SHEET} LKE")
