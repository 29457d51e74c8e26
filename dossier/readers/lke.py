"""Read one unit's filled LKE workbook (Lembar Kerja Evaluasi) into answers.

The sheet `LKE` holds a label cell `Kode Unit` with the unit's code to its right,
above a table whose header row (within the first 20 rows) has `Kode`, `Jawaban`
and optionally `Catatan` and `Bukti Dukung`. Rows without a Kode are headings.
A count indicator has one row per input, coded `<code>.<n>`; its notes and
evidence may sit on any of those rows and are gathered together.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from dossier.errors import Message, Place, Problem, msg
from dossier.layout import LKE, LKE_SHEET, LKE_UNIT_LABEL, REGISTER, UNIT
from dossier.model import Answer, Evidence, Lke
from dossier.readers.answer_values import AnswerValues
from dossier.readers.evidence import absent_message, resolve_evidence, split_entries
from dossier.readers.safety import (
    READ_ERRORS,
    UNCACHED,
    UnreadableWorkbook,
    checked_rows,
    damaged_problem,
    is_error_value,
    merged_across,
    name_key,
    ref,
    sheet,
    text,
    uncached_formulas,
    uncached_message,
    value_at,
    workbook,
)
from dossier.rules import Edition, Indicator

SHEET = LKE_SHEET
HEADER_ROWS = 20
UNIT_LABEL = LKE_UNIT_LABEL.casefold()
READ = ("code", "answer", "note", "evidence", "tpi_answer", "tpi_note")  # the LKE columns read; the others are for the people filling it in
REQUIRED = tuple(LKE.header(k) for k in READ if LKE.column(k).required)  # Kode, Jawaban
OPTIONAL = tuple(LKE.header(k) for k in READ if not LKE.column(k).required)  # Catatan, Bukti Dukung
ROW_CODE = re.compile(r"^([A-Z0-9]+)(?:\.(\d+))?$")


@dataclass
class LkeRead:
    """One LKE workbook as read: its answers (None when unusable), the unit code it names, its problems."""

    source: str
    lke: Lke | None = None
    code_where: Place | None = None  # where the workbook names its unit (a cell in ours, the file in the official form)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class LkeRow:
    """One coded row of the table."""

    number: int
    input: int | None
    value: object
    note: str
    evidence: tuple[Evidence, ...]
    tpi_value: object = None
    tpi_note: str = ""


def read_own_lke(path: Path, rel: str, edition: Edition, bukti: Path) -> LkeRead:
    """Read one LKE workbook in dossier's own layout; every problem is collected, an unreadable file is one problem."""
    return read_with(LkeReader, path, rel, edition, bukti)


def read_with(reader: type[LkeReader], path: Path, rel: str, edition: Edition, bukti: Path) -> LkeRead:
    """Open a workbook safely and read it with `reader`; a workbook that cannot be opened is one problem."""
    result = LkeRead(rel)
    try:
        with workbook(path, rel) as book:
            reader(path, rel, edition, bukti, book, result).read()
    except UnreadableWorkbook as exc:
        result.problems.append(exc.problem)
        result.lke = None
    except READ_ERRORS as exc:
        result.problems.append(damaged_problem(rel, exc))
        result.lke = None
    return result


class LkeReader(AnswerValues):
    def __init__(self, path: Path, rel: str, edition: Edition, bukti: Path, book, result: LkeRead):
        self.path, self.rel, self.edition, self.bukti, self.book, self.result = path, rel, edition, bukti, book, result
        self.problems = result.problems
        self.title = SHEET
        self.flagged: set[str] = set()  # indicators already reported with an error: not "missing" too

    def at(self, row: int, column: int) -> Place:
        return Place(self.rel, self.title, ref(row, column))

    def in_sheet(self) -> Place:
        return Place(self.rel, self.title)

    def error(self, where: Place, code: str, what: Message, fix: Message | None = None, *,
              indicator: str = "", flag: bool = True, kind: str = "") -> None:
        """Report an error; one about an `indicator` flags it (not "missing" too) unless `flag` is False."""
        self.problems.append(Problem(where, what, kind=kind, fix=fix, code=code, indicator=indicator))
        if indicator and flag and kind != "evidence":
            self.flagged.add(indicator)

    def warning(self, where: Place, code: str, what: Message, fix: Message | None = None, *, indicator: str = "") -> None:
        self.problems.append(Problem(where, what, "warning", fix=fix, code=code, indicator=indicator))

    def read(self) -> None:
        ws = sheet(self.book, SHEET)
        if ws is None:
            self.error(Place(self.rel), "lke.sheet.missing", msg("no sheet {sheet}", sheet=SHEET),
                       msg("the LKE table must be on a sheet named {sheet} (sheets found: {found})",
                           sheet=SHEET, found=", ".join(self.book.sheetnames)))
            return
        self.title = ws.title
        rows = checked_rows(ws, self.in_sheet())
        unit_cell, header = self.find_top(rows)
        if header is None:
            return
        header_row, columns = header
        found = self.read_table(rows, header_row, columns)
        empty = {(r.number, columns["answer"]) for rs in found.values() for r in rs if r.value is None}
        if unit_cell and unit_cell[2] is None:
            empty.add(unit_cell[:2])
        # A Bukti Dukung cell that reads empty may be a formula never calculated (=HYPERLINK(...) written by a
        # program): said, as a warning, since the evidence does not touch the scores.
        cited = {(r.number, columns["evidence"]) for rs in found.values() for r in rs
                 if not r.evidence} if "evidence" in columns else set()
        formulas = uncached_formulas(self.path, self.rel, self.title, empty | cited)
        rows_of = {r.number: code for code, rs in found.items() for r in rs}
        for (row, column), formula in sorted(formulas.items()):
            said = self.warning if (row, column) in cited - empty else self.error
            said(self.at(row, column), UNCACHED, *uncached_message(formula), indicator=rows_of.get(row, ""))
        unit_code = self.unit_code(unit_cell, header_row, formulas)
        answers = self.answers(found, columns)
        self.report_missing(answers, found)
        if unit_code:
            self.result.lke = Lke(unit_code, self.rel, answers)

    # -- The top of the sheet: Kode Unit and the header row ----------------------------------

    def find_top(self, rows) -> tuple[tuple[int, int, object] | None, tuple[int, dict[str, int]] | None]:
        """Read rows until the header; return the Kode Unit value cell (row, column, value) and the header."""
        unit_cell = None
        near_miss: tuple[int, list[str], list[str]] | None = None
        for number, row in enumerate(rows, start=1):
            keys = [name_key(v) for v in row]
            if unit_cell is None and UNIT_LABEL in keys:
                column = keys.index(UNIT_LABEL) + 1
                # The cell to the right of the label, or of the cells the label is merged over; never the next
                # filled one further on (with the code cleared, that was the label 'Nilai Total' beside it).
                value_column = max([last for first, last in merged_across(self.book[self.title], number)
                                    if first <= column <= last] + [column]) + 1
                unit_cell = (number, value_column, value_at(row, value_column))
            if all(h.casefold() in keys for h in REQUIRED):
                columns = {k: keys.index(LKE.header(k).casefold()) + 1 for k in READ if LKE.header(k).casefold() in keys}
                if self.merged_header(number, columns):
                    return unit_cell, None
                return unit_cell, (number, columns)
            if LKE.header("code").casefold() in keys and near_miss is None:
                absent = [h for h in REQUIRED if h.casefold() not in keys]
                near_miss = (number, [text(v) for v in row if text(v)], absent)
            if number >= HEADER_ROWS:
                break
        needs, optional = and_list(REQUIRED), and_list(OPTIONAL)
        if near_miss:
            self.error(
                self.at(near_miss[0], 1), "lke.header.column_missing",
                msg("header row {row} has no column {absent} (found: {found})",
                    row=near_miss[0], absent=and_list(near_miss[2]), found=", ".join(near_miss[1])),
                msg("the table needs the columns {needs}, and optionally {optional}", needs=needs, optional=optional),
            )
        else:
            self.error(
                self.in_sheet(), "lke.header.missing",
                msg("no header row with the columns {needs} in rows 1-{last}", needs=needs, last=HEADER_ROWS),
                msg("the table needs a header row with {columns} and optionally {optional}",
                    columns=", ".join(REQUIRED), optional=optional),
            )
        return unit_cell, None

    def merged_header(self, number: int, columns: dict[str, int]) -> bool:
        """Report a header cell merged across columns: which column holds the codes or answers is unclear."""
        for first, last in merged_across(self.book[self.title], number):
            keys = [k for k, c in columns.items() if first <= c <= last and LKE.column(k).required]
            names = [LKE.header(k) for k in keys]
            if names:
                span = f"{ref(number, first)}:{ref(number, last)}"
                said = {"names": and_list(names), "span": span}
                what = (msg("the header cell {names} is merged across columns {span}, so it is not clear which column "
                            "holds the codes", **said)
                        if keys[0] == "code" else
                        msg("the header cell {names} is merged across columns {span}, so it is not clear which column "
                            "holds the answers", **said))
                self.error(Place(self.rel, self.title, span), "lke.header.merged", what,
                           msg("unmerge the header cells so that each header sits directly above its own column"))
                return True
        return False

    def unit_code(self, unit_cell: tuple[int, int, object] | None, header_row: int, formulas: dict) -> str:
        if unit_cell is None:
            self.error(
                self.in_sheet(), "lke.unit_code.no_label",
                msg("no '{label}' label above the table (rows 1-{last})", label=LKE_UNIT_LABEL, last=header_row - 1),
                msg("write {label} in a cell and the unit's code, as in {register}, in the cell to its right",
                    label=LKE_UNIT_LABEL, register=REGISTER),
            )
            return ""
        row, column, value = unit_cell
        self.result.code_where = self.at(row, column)
        if is_error_value(value):
            self.error(self.at(row, column), "lke.unit_code.formula_error",
                       msg("{label} is the formula error {value}", label=LKE_UNIT_LABEL, value=value),
                       msg("type the unit's code"))
            return ""
        code = text(value)
        if not code and (row, column) not in formulas:  # an uncached formula is reported as such
            self.error(self.at(row, column), "lke.unit_code.empty", msg("{label} is empty", label=LKE_UNIT_LABEL),
                       msg("write the unit's code, as in {register}, sheet {sheet}", register=REGISTER, sheet=UNIT.sheet))
        return code

    # -- The table ------------------------------------------------------------------------

    def read_table(self, rows, header_row: int, columns: dict[str, int]) -> dict[str, list[LkeRow]]:
        """Read the coded rows: indicator code -> its rows (one, or one per count input)."""
        found: dict[str, list[LkeRow]] = {}
        first_row: dict[str, int] = {}
        kode_col, answer_col = columns["code"], columns["answer"]
        for number, row in enumerate(rows, start=header_row + 1):
            raw_code = value_at(row, kode_col)
            value = value_at(row, answer_col)
            if isinstance(value, str) and not value.strip():
                value = None
            code = text(raw_code).upper().replace(" ", "")
            if not code:
                if value is not None:
                    self.warning(self.at(number, answer_col), "lke.answer.without_code",
                                 msg("answer '{value}' is in a row without Kode and is ignored", value=text(value)),
                                 msg("put it on the indicator's row"))
                continue
            parsed = self.indicator_of(code, number, kode_col, value)
            if parsed is None:
                continue
            indicator, n = parsed
            if code in first_row:
                self.error(self.at(number, kode_col), "lke.code.repeated",
                           msg("{code} appears twice (first in row {row})", code=code, row=first_row[code]),
                           msg("keep one row per count input") if n is not None else msg("keep one row per indicator"),
                           indicator=indicator.code)
                continue
            first_row[code] = number
            if is_error_value(value):
                self.error(self.at(number, answer_col), "lke.answer.formula_error",
                           msg("the answer for {code} is the formula error {value}", code=code, value=value),
                           msg("fix the formula or type the answer"), indicator=indicator.code)
                value = None
            note = text(value_at(row, columns["note"])) if "note" in columns else ""
            evidence = (self.evidence(value_at(row, columns["evidence"]), number, columns["evidence"], indicator.code)
                        if "evidence" in columns else ())
            tpi_value = value_at(row, columns["tpi_answer"]) if "tpi_answer" in columns else None
            if isinstance(tpi_value, str) and not tpi_value.strip():
                tpi_value = None
            if is_error_value(tpi_value):
                self.error(self.at(number, columns["tpi_answer"]), "lke.tpi_answer.formula_error",
                           msg("the TPI answer for {code} is the formula error {value}", code=code, value=tpi_value),
                           msg("fix the formula or type the answer"), indicator=indicator.code, flag=False)
                tpi_value = None
            tpi_note = text(value_at(row, columns["tpi_note"])) if "tpi_note" in columns else ""
            found.setdefault(indicator.code, []).append(LkeRow(number, n, value, note, evidence, tpi_value, tpi_note))
        return found

    def indicator_of(self, code: str, number: int, column: int, value) -> tuple[Indicator, int | None] | None:
        """The indicator a row's Kode names, and its input number; report codes that name nothing."""
        where = self.at(number, column)
        match = ROW_CODE.match(code)
        indicator = self.edition.indicators.get(match.group(1)) if match else None
        if indicator is None:
            close = difflib.get_close_matches(code.split(".")[0], list(self.edition.indicators), n=1)
            self.error(where, "lke.code.unknown",
                       msg("unknown indicator code '{code}' (not in LKE edition {edition})", code=code, edition=self.edition.name),
                       msg("did you mean {near}?", near=close[0]) if close else None)
            return None
        assert match is not None, "an indicator is only found through a matching code"
        n = int(match.group(2)) if match.group(2) is not None else None
        inputs = [int(o.key) for o in indicator.options] if indicator.kind == "count" else []
        if indicator.kind == "count":
            if n is None:
                if value is None:
                    return None  # the heading row of a count indicator
                self.error(where, "lke.code.count_without_input",
                           msg("{code} is a count indicator: write each number on its own row, coded {rows}",
                               code=code, rows=", ".join(f"{code}.{i}" for i in inputs)), indicator=code)
                return None
            if n not in inputs:
                self.error(where, "lke.code.no_such_input",
                           msg("{code}: {indicator} has no input {n}", code=code, indicator=indicator.code, n=n),
                           msg("its inputs are {inputs}", inputs=", ".join(f"{indicator.code}.{i}" for i in inputs)),
                           indicator=indicator.code)
                return None
        elif n is not None:
            self.error(where, "lke.code.not_a_count", msg("{code} is not a count indicator", code=indicator.code),
                       msg("code its row {code}, without '.{n}'", code=indicator.code, n=n), indicator=indicator.code)
            return None
        return indicator, n

    def evidence(self, cell, number: int, column: int, indicator: str = "") -> tuple[Evidence, ...]:
        items = []
        for entry in split_entries(cell):
            item = resolve_evidence(entry, self.bukti)
            if item.problem:
                # The reader's words around the reason resolve_evidence gives (a Problem without a place).
                self.error(self.at(number, column), item.problem.code,
                           msg("evidence '{entry}' {problem}", entry=entry, problem=item.problem.what),
                           item.problem.fix, indicator=indicator, kind="evidence")
            elif not item.url and not item.present:
                self.error(self.at(number, column), "lke.evidence.not_found", *absent_message(item, self.bukti),
                           indicator=indicator, kind="evidence")
            items.append(item)
        return tuple(items)

    # -- Answers ------------------------------------------------------------------------------

    def answers(self, found: dict[str, list[LkeRow]], columns: dict[str, int]) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        answer_col = columns["answer"]
        for code, indicator in self.edition.indicators.items():
            rows = found.get(code)
            if not rows:
                continue
            rows = sorted(rows, key=lambda r: r.input or 0)
            first = rows[0]
            place = self.at(first.number, answer_col)
            where = str(place)
            note = "\n".join(r.note for r in rows if r.note)
            evidence = tuple(e for r in rows for e in r.evidence)
            answer = Answer(code, note=note, evidence=evidence, where=where)
            if indicator.kind == "count":
                counts: dict[int, int] = {}
                for r in rows:
                    assert r.input is not None, "a count indicator's rows each name their input (indicator_of)"
                    if r.value is not None:
                        count = self.count(r.value, f"{code}.{r.input}", self.at(r.number, answer_col), code)
                        if count is not None:
                            counts[r.input] = count
                if counts:
                    answer = Answer(code, counts=counts, note=note, evidence=evidence, where=where)
                    self.check_within(indicator, counts, rows, answer_col)
            elif first.value is None:
                pass
            elif indicator.kind == "index":
                answer = Answer(code, index=self.index(first.value, code, place), note=note, evidence=evidence, where=where)
            else:
                answer = Answer(code, choice=self.choice(first.value, indicator, place), note=note, evidence=evidence, where=where)
            if "tpi_answer" in columns or "tpi_note" in columns:
                answer = self.review(answer, indicator, rows, columns)
            answers[code] = answer
        return answers

    def review(self, answer: Answer, indicator: Indicator, rows: list[LkeRow], columns: dict[str, int]) -> Answer:
        """Add the TPI's answer and note, checked as the unit's are; a bad TPI answer is an error, not a missing answer."""
        code = indicator.code
        flagged = code in self.flagged
        column = columns.get("tpi_answer", columns["answer"])
        tpi_note = "\n".join(r.tpi_note for r in rows if r.tpi_note)
        given = [r for r in rows if r.tpi_value is not None]
        values: dict = {}
        if given:
            where = self.at(given[0].number, column)
            values["where_tpi"] = str(where)
            if indicator.kind == "count":
                counts = {}
                for r in given:
                    assert r.input is not None, "a count indicator's rows each name their input (indicator_of)"
                    count = self.count(r.tpi_value, f"{code}.{r.input} (TPI)", self.at(r.number, column), code)
                    if count is not None:
                        counts[r.input] = count
                values["tpi_counts"] = counts or None
                if counts:  # the counts the TPI's answer makes are held to the same rule as the unit's
                    self.check_within(indicator, {**(answer.counts or {}), **counts}, rows, column)
            elif indicator.kind == "index":
                values["tpi_index"] = self.index(given[0].tpi_value, f"{code} (TPI)", where)
            else:
                values["tpi_choice"] = self.choice(given[0].tpi_value, indicator, where, tpi=True)
        if not flagged:  # the unit's own answer is not thereby in doubt
            self.flagged.discard(code)
        return replace(answer, tpi_note=tpi_note, **values) if values or tpi_note else answer

    def check_within(self, indicator: Indicator, counts: dict[int, int], rows: list[LkeRow], answer_col: int) -> None:
        """For rules that say so, the numerator (those who reported) may not exceed the denominator (those obliged)."""
        rule = indicator.count
        if rule is None or not rule.numerator_within_denominator:
            return
        if not all(n in counts for n in rule.numerator):
            return
        numerator = sum(f * counts.get(n, 0) for n, f in rule.numerator.items())
        denominator = sum(f * counts.get(n, 0) for n, f in rule.denominator.items())
        if numerator <= denominator:
            return
        code = indicator.code
        top = " + ".join(f"{code}.{n}" for n in rule.numerator)
        bottom = " + ".join(f"{code}.{n}" for n in rule.denominator)
        values = " + ".join(str(counts.get(n, 0)) for n in rule.denominator)
        shown = f"{bottom} = {values} = {_plain(denominator)}" if len(rule.denominator) > 1 else f"{bottom} = {_plain(denominator)}"
        last = max(rule.numerator)
        row = next((r.number for r in rows if r.input == last), rows[0].number)
        self.error(
            self.at(row, answer_col), "lke.count.more_than_obliged",
            msg("more reported than obliged for {code} ({question}): {top} = {numerator} but {shown}",
                code=code, question=indicator.question, top=top, shown=shown, numerator=_plain(numerator)),
            msg("{top} must be at most {denominator}", top=top, denominator=_plain(denominator)),
            indicator=code,
        )

    def report_missing(self, answers: dict[str, Answer], found: dict[str, list[LkeRow]]) -> None:
        """One warning listing every unanswered indicator (and count input), one for rows not in the sheet."""
        missing, absent = [], []
        for code, indicator in self.edition.indicators.items():
            if code in self.flagged:
                continue
            if code not in found:
                absent.append(code)
                continue
            answer = answers[code]
            if indicator.kind == "count" and not answer.missing:
                given = answer.counts or {}
                missing += [f"{code}.{o.key}" for o in indicator.options if int(o.key) not in given]
            elif answer.missing:
                missing.append(code)
        total = len(self.edition.indicators)
        if missing and not any(not answers[c].missing for c in answers) and len(found) == total:
            # Nothing answered at all: "all 113" says it; a list of every code does not.
            self.warning(self.in_sheet(), "lke.answer.missing",
                         msg("none of the {total} indicators is answered yet, all scored 0", total=total))
        elif missing:
            self.warning(self.in_sheet(), "lke.answer.missing",
                         msg("{count} answer(s) missing, scored 0: {codes}", count=len(missing), codes=", ".join(missing)))
        if absent and len(absent) == total:
            self.warning(self.in_sheet(), "lke.indicator.no_row",
                         msg("none of the {total} indicators has a row in the table, all scored 0", total=total),
                         msg("start from the blank LKE that 'dossier lke-template' writes"))
        elif absent:
            self.warning(
                self.in_sheet(), "lke.indicator.no_row",
                msg("{count} of {total} indicator(s) have no row in the table, scored 0: {codes}",
                    count=len(absent), total=total, codes=", ".join(absent)),
                msg("start from the blank LKE that 'dossier lke-template' writes"),
            )


def and_list(names) -> Message | str:
    """'Kode', 'Kode and Jawaban', 'Catatan, Bukti Dukung and Catatan TPI', with 'and' in the language shown."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return msg("{names} and {last}", names=", ".join(names[:-1]), last=names[-1])


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
