"""Write the workbooks staff open in Excel: the register (`nominasi.xlsx`) and the LKE template.

The layout (sheets, labels, columns) is in `dossier.layout`, the input
contract the readers in `dossier.readers` read back. Text shown in the workbooks is Bahasa
Indonesia. Saved files are byte-identical for the same inputs: the package's
timestamps come from the award year (or SOURCE_DATE_EPOCH), never the clock.

Every value that comes from the inputs is written with `put`, which stores text
as text: a unit named `=HYPERLINK(...)` stays a name, never a live formula. The
only formulas in our workbooks are the LKE's own score formulas, built here from
the edition's rules.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
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
from dossier.model import Answer, Award, Quote, Unit
from dossier.render.format import number
from dossier.reproducible import normalize_package, package_time
from dossier.rules import Edition, Indicator

LKE_COLUMNS = LKE.headers  # the LKE table's headers, in column order (tests and benchmarks edit by them)
ANSWER = LKE.number("answer")
TPI_ANSWER = LKE.number("tpi_answer")
SCORE = LKE.number("score")
CENTERED = ("position", "code", "answer", "score", "tpi_answer")
INPUTS = ("answer", "tpi_answer")  # the cells a choice, count or index goes in, with the same drop-downs
TOTAL_ROW = 3  # the Nilai Total label and its formula, beside the title block
SCORE_FORMAT = "0.00"


BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TPI_FILL = PatternFill("solid", fgColor="E2EFDA")  # the TPI's columns: light green, apart from the unit's yellow
GROUP_STYLES = [  # component, part, area, sub-area
    (Font(bold=True, color="FFFFFF", size=12), PatternFill("solid", fgColor="2E75B6")),
    (Font(bold=True, size=11), PatternFill("solid", fgColor="9DC3E6")),
    (Font(bold=True), PatternFill("solid", fgColor="DEEBF7")),
    (Font(bold=True, italic=True), PatternFill("solid", fgColor="F2F2F2")),
]
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
DATE_FORMAT = "[$-421]d mmmm yyyy;@"  # 421 = Indonesian: "12 Desember 2024"
HINT_AUTHOR = "dossier"
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
        ws.cell(row, 1, label.text).font = BOLD
        ws.cell(row, 1).alignment = WRAP_TOP
        value = put(ws, row, 2, written or None)
        value.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        value.fill = INPUT_FILL
        value.border = GRID
        hint_cell = ws.cell(row, 3, label.hint)
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
        cell = ws.cell(1, col, column.header)
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
        cell = ws.cell(LKE_HEADER_ROW, col, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = GRID
        ws.column_dimensions[get_column_letter(col)].width = column.width
    answers = answers or {}
    validations = _LkeValidations(ws, edition)
    scores = _ScoreCells()
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
    _score_formulas(ws, edition, scores)
    last_col = get_column_letter(len(LKE.columns))
    ws.freeze_panes = f"{LKE.letter('question')}{LKE_HEADER_ROW + 1}"  # No and Kode stay in view
    ws.print_area = f"A1:{last_col}{row - 1}"
    print_setup(ws, title_rows=LKE_HEADER_ROW, footer=f"LKE {unit_code} - {year}")
    ws.print_options.horizontalCentered = True
    _protect(ws)
    _guide_sheet(wb.create_sheet(GUIDE_SHEET), edition)
    save_workbook(wb, path, year)


def _lke_title(ws: Worksheet, edition: Edition, code: str, name: str, year: int, ministry: str) -> None:
    ws.cell(1, 1, "LEMBAR KERJA EVALUASI (LKE) ZONA INTEGRITAS").font = Font(bold=True, size=14)
    put(ws, 2, 1, edition.title or f"Edisi {edition.name}").font = Font(italic=True)
    # Labels sit in the Kode column: wide enough for them, and the value gets the wide Pertanyaan column.
    column = LKE.number("code")
    for row, (label, value) in enumerate(zip(LKE_TITLE_LABELS, (code, name, year, ministry)), start=3):
        ws.cell(row, column, label).font = BOLD
        cell = put(ws, row, column + 1, value)
        cell.alignment = Alignment(horizontal="left")
        cell.font = BOLD if label == LKE_UNIT_LABEL else Font()
    # The total sits above the Nilai column, its label to the left; its formula is written with the others.
    label = ws.cell(TOTAL_ROW, SCORE - 1, LKE_TOTAL_LABEL)
    label.font = BOLD
    label.alignment = Alignment(horizontal="right")
    header = LKE.header
    ws.cell(
        7, 1,
        f"Isi kolom {header('answer')} (sel kuning), {header('note')} dan {header('evidence')}. "
        f"Kolom {header('score')} dihitung otomatis. Kolom {header('tpi_answer')} dan {header('tpi_note')} (sel hijau) diisi TPI. "
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
        _cells(ws, row, position=position, question=indicator.question, options=_count_explanation(indicator))
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
            inputs[n] = _counted(row)
            row += 1
        filled = [f"{get_column_letter(c)}{r}" for c in (ANSWER, TPI_ANSWER) for r in range(heading + 1, row)]
        _score_cell(ws, heading, count_formula(indicator, inputs, filled))
        return row
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
    _score_cell(ws, row, question_formula(indicator, _counted(row), edition))
    return row + 1


def _counted(row: int) -> str:
    """The answer that counts in a row, as a formula: the TPI's where it gave one, else the unit's."""
    answer, tpi = f"{get_column_letter(ANSWER)}{row}", f"{get_column_letter(TPI_ANSWER)}{row}"
    return f'IF({tpi}="",{answer},{tpi})'



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


# --- The LKE's own score formulas ------------------------------------------------------
# They repeat dossier.scoring's rules in Excel, for the unit's eyes only: dossier
# scores from the answers. Each question scores 0..1 (a blank or invalid answer 0);
# a group of questions scores the mean of all its questions (blanks count) x its
# weight; every higher node sums its children.


@dataclass
class _ScoreCells:
    """Where the scores are: each group's heading row, and the first row of each group's questions."""

    groups: dict[tuple[str, ...], int] = field(default_factory=dict)
    questions: dict[tuple[str, ...], list[int]] = field(default_factory=dict)


def question_formula(indicator: Indicator, cell: str, edition: Edition) -> str:
    """The formula of a choice or index question's score 0..1, from the answer in `cell`."""
    if indicator.kind == "index":
        low, high = _num(edition.index_min), _num(edition.index_max)
        inside = f"AND({cell}>={low},{cell}<={high})"
        return f"=IF(ISNUMBER({cell}),IF({inside},MIN(1,MAX(0,{cell}/{high})),0),0)"
    formula = "0"  # no answer, or one that is not an option
    for option in reversed(indicator.options):
        if option.score:
            key = option.key.replace('"', '""')
            formula = f'IF(TRIM({cell})="{key}",{_num(option.score)},{formula})'  # "=" ignores case, as the reader
    return f"={formula}"


def count_formula(indicator: Indicator, inputs: dict[int, str], filled: list[str] | None = None) -> str:
    """The formula of a count question's score 0..1 from its input cells (input number -> cell).

    `filled` are the cells whose count tells whether any input was given (default: `inputs`).

    No input filled in scores 0 (a missing answer); an empty input counts 0; a zero
    denominator scores the edition's convention; the fraction is clamped to 0..1.
    """
    rule = indicator.count
    if rule is None:
        return "=0"

    def side(terms: dict[int, float]) -> str:
        parts = [
            inputs[n] if factor == 1 else f"-{inputs[n]}" if factor == -1 else f"{_num(factor)}*{inputs[n]}"
            for n, factor in terms.items()
        ]
        joined = "+".join(parts).replace("+-", "-")
        return joined if len(parts) == 1 and not joined.startswith("-") else f"({joined})"

    top, bottom = side(rule.numerator), side(rule.denominator)
    zero = _num(rule.zero_denominator)
    if rule.zero_denominator_numerator != rule.zero_denominator:
        zero = f"IF({top}=0,{zero},{_num(rule.zero_denominator_numerator)})"
    return (
        f"=IF(COUNT({','.join(filled or inputs.values())})=0,0,"
        f"IF({bottom}=0,{zero},MIN(1,MAX(0,{top}/{bottom}))))"
    )


def _score_formulas(ws: Worksheet, edition: Edition, scores: _ScoreCells) -> None:
    """Each group's score at its heading row, and the total beside the title."""
    column = get_column_letter(SCORE)
    for path, row in scores.groups.items():
        parts = [f"{column}{r}" for r in scores.questions.get(path, ())]
        own = f"SUM({','.join(parts)})/{len(parts)}*{_num(edition.weights[path])}" if parts else ""
        children = [f"{column}{scores.groups[p]}" for p in scores.groups if len(p) == len(path) + 1 and p[:-1] == path]
        below = f"SUM({','.join(children)})" if children else ""
        _score_cell(ws, row, "=" + ("+".join(t for t in (own, below) if t) or "0"))
    components = [f"{column}{row}" for path, row in scores.groups.items() if len(path) == 1]
    _score_cell(ws, TOTAL_ROW, f"=SUM({','.join(components)})" if components else "=0").font = BOLD


def _score_cell(ws: Worksheet, row: int, formula: str) -> Cell:
    cell = ws.cell(row, SCORE)
    cell.value = formula  # ours, built from the edition: the one place a formula is written
    cell.number_format = SCORE_FORMAT
    cell.alignment = CENTER_TOP
    return cell


def _num(value: float) -> str:
    """A number as a formula literal: 0.5, 1, 0.67."""
    return repr(float(value)).removesuffix(".0")


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: the unit fills the unlocked cells and may still resize rows and columns."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


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


def _option_line(key: str, text: str) -> str:
    if text.strip().lower() == key.lower():
        return key
    return f"{key}. {text}" if len(key) == 1 else f"{key}: {text}"


def _count_explanation(indicator: Indicator) -> str:
    """Spell out a count formula from the rules, e.g. 'Nilai = (4) / ((1) + (2) + (3))'."""
    rule = indicator.count

    def side(terms: dict[int, float]) -> str:
        parts = []
        for n, factor in terms.items():
            sign = "-" if factor < 0 else "+"
            parts.append(f"{sign} ({n})" if parts or factor < 0 else f"({n})")
        text = " ".join(parts)
        return f"({text})" if len(terms) > 1 else text

    formula = f"Nilai = {side(rule.numerator)} / {side(rule.denominator)}" if rule else ""
    return f"Isi jumlah pada baris di bawah. {formula}, paling tinggi 1.".strip()


class _LkeValidations:
    """One data validation per answer kind (and per option list), added to the Jawaban cells."""

    def __init__(self, ws: Worksheet, edition: Edition):
        self.ws = ws
        self.edition = edition
        self.by_key: dict[tuple, DataValidation] = {}

    def add(self, indicator: Indicator, cell) -> None:
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
        ws.cell(row, 1, first or f"     - {second}").alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    put(ws, len(GUIDE) + 2, 1, f"Edisi LKE: {edition.title or edition.name}").font = Font(italic=True)
    ws.column_dimensions["A"].width = 100
    ws.sheet_view.showGridLines = False
    print_setup(ws, footer=f"{GUIDE_SHEET} LKE")


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
