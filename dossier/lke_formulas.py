"""The LKE's live score formulas (each question's Nilai, each group's, the Nilai Total), and a count formula in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dossier.layout import LKE
from dossier.rules import Edition, Indicator
from dossier.workbook_style import BOLD, CENTER_TOP

ANSWER = LKE.number("answer")
TPI_ANSWER = LKE.number("tpi_answer")
SCORE = LKE.number("score")
TOTAL_ROW = 3  # the Nilai Total label and its formula, beside the title block
SCORE_FORMAT = "0.00"


# They repeat dossier.scoring's rules in Excel, for the unit's eyes only: dossier
# scores from the answers. Each question scores 0..1 (a blank or invalid answer 0);
# a group of questions scores the mean of all its questions (blanks count) x its
# weight; every higher node sums its children.


@dataclass
class ScoreCells:
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


def score_formulas(ws: Worksheet, edition: Edition, scores: ScoreCells) -> None:
    """Each group's score at its heading row, and the total beside the title."""
    column = get_column_letter(SCORE)
    for path, row in scores.groups.items():
        parts = [f"{column}{r}" for r in scores.questions.get(path, ())]
        own = f"SUM({','.join(parts)})/{len(parts)}*{_num(edition.weights[path])}" if parts else ""
        children = [f"{column}{scores.groups[p]}" for p in scores.groups if len(p) == len(path) + 1 and p[:-1] == path]
        below = f"SUM({','.join(children)})" if children else ""
        score_cell(ws, row, "=" + ("+".join(t for t in (own, below) if t) or "0"))
    components = [f"{column}{row}" for path, row in scores.groups.items() if len(path) == 1]
    score_cell(ws, TOTAL_ROW, f"=SUM({','.join(components)})" if components else "=0").font = BOLD


def score_cell(ws: Worksheet, row: int, formula: str) -> Cell:
    cell = ws.cell(row, SCORE)
    cell.value = formula  # ours, built from the edition: the one place a formula is written
    cell.number_format = SCORE_FORMAT
    cell.alignment = CENTER_TOP
    return cell


def _num(value: float) -> str:
    """A number as a formula literal: 0.5, 1, 0.67."""
    return repr(float(value)).removesuffix(".0")


def counted(row: int) -> str:
    """The answer that counts in a row, as a formula: the TPI's where it gave one, else the unit's."""
    answer, tpi = f"{get_column_letter(ANSWER)}{row}", f"{get_column_letter(TPI_ANSWER)}{row}"
    return f'IF({tpi}="",{answer},{tpi})'


def count_explanation(indicator: Indicator) -> str:
    """Spell out a count formula from the rules, e.g. 'Nilai = (4) / ((1) + (2) + (3))'."""
    rule = indicator.count

    def side(terms: dict[int, float]) -> str:
        parts: list[str] = []
        for n, factor in terms.items():
            sign = "-" if factor < 0 else "+"
            parts.append(f"{sign} ({n})" if parts or factor < 0 else f"({n})")
        text = " ".join(parts)
        return f"({text})" if len(terms) > 1 else text

    formula = f"Nilai = {side(rule.numerator)} / {side(rule.denominator)}" if rule else ""
    return f"Isi jumlah pada baris di bawah. {formula}, paling tinggi 1.".strip()
