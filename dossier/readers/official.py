"""Read an LKE workbook in the official KemenPAN-RB layout (Lampiran III, PermenPAN-RB 90/2021).

Its main sheet, "LKE ZI", numbers its rows down column A and holds the hierarchy in
columns B-G: a marker and a name one column to its right (component in B/C, part in
C/D, area in D/E, sub-area in E/F, indicator letter in F and question in G; the
Hasil indicators sit at the area level, D/E). Below a header row come `Bobot`,
`Penjelasan`, `Pilihan Jawaban` (Ya/Tidak, A/B/C, ..., `%` for a computed
percentage, `Jumlah` for a count input, `Nilai (0-4)` for a survey index),
`Jawaban`, the workbook's own `Nilai` and `%`, then notes, evidence and links.

Real copies differ (rows inserted or deleted, typos, extra columns, their own
formulas), so columns are found by their headers and each indicator by its area,
sub-area and question text, never by a row number. A row with its question in G is
an indicator whatever its Pilihan Jawaban says; a title in F without a question is
a sub-area's. The workbook's own `Nilai` is not read: dossier scores the answers by
the regulation (README, "The official LKE workbook", lists where the workbook's
formulas differ). A count's `%` is only checked against its Jumlah rows.

Each quirk is read by a rule, not by the example it was seen in: a count row is known by
what it says ("Jumlah yang harus melaporkan") wherever its dash sits; a `%` row with its
Jumlah rows below is an indicator whatever column its text is in; a row with a Pilihan
Jawaban and an answer is never taken for a title unsaid; columns without a header right of
the notes are evidence (said); visible sheets come before hidden ones; an answer cell merged
over several indicators is reported at its cells. Findings about the form's own text are
`kind=FORM`: for the secretariat, left out of the unit's feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from dossier.errors import Message, Numeral, Place, Problem, msg
from dossier.model import Lke
from dossier.readers.answer_values import whole_number
from dossier.readers.evidence import absent_message, resolve_evidence, split_entries
from dossier.readers.lke import LkeReader, LkeRow, read_with
from dossier.readers.official_form import HEADER_ROWS, SHEET, is_visible, official_sheets, unit_code_of
from dossier.readers.official_match import alike, words
from dossier.readers.safety import (
    UNCACHED,
    checked_rows,
    is_error_value,
    merged_down,
    name_key,
    ref,
    text,
    uncached_formulas,
    uncached_message,
    value_at,
)
from dossier.rules import Edition, Indicator
from dossier.scoring import count_fraction

# Hierarchy columns B-G; a row's level is its first filled column among them.
FIRST, LAST = 2, 7
COMPONENT, PART, AREA, SUB_AREA, INDICATOR = 2, 3, 4, 5, 6
KINDS = {"ya/tidak": "ya_tidak", "a/b/c": "abc", "a/b/c/d": "abcd", "a/b/c/d/e": "abcde", "nilai (0-4)": "index"}
SHOWN = {"ya_tidak": "Ya/Tidak", "abc": "A/B/C", "abcd": "A/B/C/D", "abcde": "A/B/C/D/E", "index": "Nilai (0-4)"}
PERCENT, COUNT = "%", "jumlah"
# Below this likeness (difflib ratio of normalised text) a question is not taken as an indicator's.
MATCH = 0.6
REPEAT = 0.95  # a row this close to an indicator already found repeats it
PERCENT_TEXT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(%?)$")
# A typed percentage this close to the counts' ratio agrees with it (the form shows two decimals).
PERCENT_SLACK = 0.0051
# Problem.kind of a finding about the official form's own text (its spellings, its typed totals):
# for the secretariat, not a mistake the unit is asked to fix in its feedback.
FORM = "form"
# A count row that heads the rows below it or closes them, by what it says wherever its dash sits:
# "Jumlah yang harus melaporkan" (a total over its parts), "Jumlah yang sudah melaporkan".
HEADLINE = re.compile(r"^jumlah yang (harus|sudah|wajib|telah)\b")
# An evidence entry with one of these endings names a file under bukti/; other words describe a document.
FILE_SUFFIX = re.compile(r"\.(pdf|jpe?g|png|gif|bmp|tiff?|webp|docx?|xlsx?|xlsm|pptx?|odt|ods|odp|rtf|txt|csv|zip|rar)$",
                         re.IGNORECASE)


@dataclass
class _Line:
    """One row of the official sheet, as the hierarchy sees it."""

    number: int
    level: int
    marker: str
    name: str
    kind: str
    value: object
    note: str
    links: tuple[tuple[int, str], ...]  # (column, entries as written) of the evidence columns
    asks: bool  # the row's text is in G, the question column
    choices: str  # Pilihan Jawaban as written
    column: int = LAST  # where the row's text is


def read_official(path: Path, rel: str, edition: Edition, bukti: Path):
    """Read one official-layout workbook into the same `LkeRead` the usual reader gives."""
    return read_with(_OfficialReader, path, rel, edition, bukti)


class _OfficialReader(LkeReader):
    """The usual reader's answer checks, fed from the official sheet's hierarchy."""

    def read(self) -> None:
        sheets = official_sheets(self.book)
        ws = self.book[sheets[0]]
        self.title = ws.title
        if len(sheets) > 1:
            self.two_sheets(sheets)
        elif not is_visible(ws):
            self.hidden_sheet(ws.title)
        rows = list(checked_rows(ws, self.in_sheet()))
        columns = self.header(rows)
        if columns is None:
            return
        lines = self.lines(rows, columns)
        found = self.match(lines)
        answer_col = columns["answer"]
        self.report_unlabelled(columns, found)
        self.check_merged(ws, found, answer_col)
        empty = {(r.number, answer_col) for rs in found.values() for r in rs if r.value is None}
        formulas = uncached_formulas(self.path, self.rel, self.title, empty)
        rows_of = {r.number: code for code, rs in found.items() for r in rs}
        for (row, column), formula in sorted(formulas.items()):
            self.error(self.at(row, column), UNCACHED, *uncached_message(formula), indicator=rows_of.get(row, ""))
        answers = self.answers(found, {"answer": answer_col})
        self.report_missing(answers, found)
        self.result.code_where = Place(self.rel)
        self.result.lke = Lke(unit_code_of(self.rel), self.rel, answers)

    # -- The header row: Pilihan Jawaban, Jawaban, notes and links ---------------------------

    def header(self, rows) -> dict[str, Any] | None:
        for number, row in enumerate(rows[:HEADER_ROWS], start=1):
            keys = [name_key(v) for v in row]
            if "pilihan jawaban" not in keys:
                continue
            choices = keys.index("pilihan jawaban") + 1
            # The unit's answer: the first "Jawaban ..." right of Pilihan Jawaban (not the evaluators' "Jawaban TPI").
            answer = next(
                (c for c in range(choices + 1, len(keys) + 1) if keys[c - 1].startswith("jawaban") and "tpi" not in keys[c - 1]),
                None,
            )
            if answer is None:
                self.error(self.at(number, choices), "official.header.no_answer_column",
                           msg("the header row has Pilihan Jawaban but no column Jawaban to its right"),
                           msg("the unit's answers go in a column headed Jawaban"))
                return None
            # Notes and evidence: the columns after the answer, up to the evaluators' own (Jawaban TPI ...).
            notes: list[int] = []
            links: list[int] = []
            unlabelled: list[int] = []
            for c in range(answer + 1, len(keys) + 1):
                key = keys[c - 1]
                if key.startswith("jawaban"):
                    break
                if "bukti" in key or "tautan" in key or "link" in key:
                    links.append(c)
                elif "catatan" in key or "keterangan" in key or "penjelasan" in key:
                    notes.append(c)
                elif not key and notes and c - 1 in (notes[-1], *unlabelled[-1:]):
                    # Columns without a header right of the notes: where real copies name their documents.
                    unlabelled.append(c)
            return {"choices": choices, "answer": answer, "notes": notes, "links": links + unlabelled,
                    "unlabelled": unlabelled, "header": number}
        self.error(
            self.in_sheet(), "official.header.missing",
            msg("no header row with Pilihan Jawaban and Jawaban in rows 1-{rows}", rows=HEADER_ROWS),
            msg("the official LKE ZI sheet "
                "has its column headers (Bobot, Penjelasan, Pilihan Jawaban, Jawaban) above the indicators"),
        )
        return None

    def lines(self, rows, columns: dict) -> list[_Line]:
        lines = []
        self.links_of: dict[int, tuple] = {}
        for number, row in enumerate(rows, start=1):
            if number <= columns["header"]:
                continue
            filled = [c for c in range(FIRST, LAST + 1) if text(value_at(row, c))]
            if not filled:
                continue
            level = filled[0]
            name = text(value_at(row, filled[-1]))
            marker = text(value_at(row, level)) if len(filled) > 1 else ""
            value = value_at(row, columns["answer"])
            if isinstance(value, str) and not value.strip():
                value = None
            note = "\n".join(text(value_at(row, c)) for c in columns["notes"] if text(value_at(row, c)))
            links = tuple((c, text(value_at(row, c))) for c in columns["links"] if text(value_at(row, c)))
            kind = name_key(value_at(row, columns["choices"]))
            choices = text(value_at(row, columns["choices"]))
            lines.append(_Line(number, level, marker, name, kind, value, note, links, filled[-1] == LAST, choices, filled[-1]))
            self.links_of[number] = links
        self.answer_col, self.choices_col = columns["answer"], columns["choices"]
        return lines

    # -- Matching rows to indicators ------------------------------------------------------

    def match(self, lines: list[_Line]) -> dict:
        """Walk the hierarchy, then match indicator rows: close question texts first, then rows reworded."""
        items = self.items(lines)
        chosen: dict[int, Indicator | None] = {}  # None: a row repeating an indicator already taken
        taken: dict[str, int] = {}
        # First the rows whose question is close to an indicator's, so that a reworded or extra
        # row cannot take an indicator that its own row, further down, names plainly.
        for strict in (True, False):
            for i, (line, context, heading, _block) in enumerate(items):
                if i in chosen:
                    continue
                indicator = self.best(line, context, heading, taken, strict=strict)
                if indicator is None:
                    continue
                if indicator.code in taken:
                    self.error(
                        self.at(line.number, LAST), "official.indicator.repeated",
                        msg("row {row} repeats indicator {code} ({question}), already on row {first}",
                            row=line.number, code=indicator.code, question=indicator.question,
                            first=items[taken[indicator.code]][0].number),
                        msg("keep one row per indicator"),
                        indicator=indicator.code,
                    )
                    chosen[i] = None
                    continue
                chosen[i] = indicator
                taken[indicator.code] = i
        found: dict[str, list] = {}
        for i, (line, context, heading, block) in enumerate(items):
            indicator = chosen.get(i)
            if i not in chosen:
                self.best(line, context, heading, taken, strict=False, report=True)
            if indicator is None:
                continue
            if not line.asks and indicator.component != "Hasil":  # Hasil indicators sit at the area level
                self.warning(
                    self.at(line.number, line.column), "official.question.column",
                    msg("the question of {code} on row {row} is in column {column}, not in column {question_column} "
                        "where the form has its questions", code=indicator.code, row=line.number,
                        column=get_column_letter(line.column), question_column=get_column_letter(LAST)),
                    msg("read as {code} ({question})", code=indicator.code, question=indicator.question),
                    indicator=indicator.code)
            if indicator.kind == "count":
                found[indicator.code] = []
                self.count_inputs(indicator, block, found)
                self.check_percent(line, indicator, found[indicator.code])
            else:
                self.check_kind(line, indicator)
                found[indicator.code] = [self.row(line, None, indicator.code)]
        self.report_swallowed(taken)
        return found

    def items(self, lines: list[_Line]) -> list[tuple[_Line, dict, str, list[_Line]]]:
        """The indicator rows, each with its context (the headings above it) and its Jumlah rows."""
        items = []
        self.swallowed: list[tuple[_Line, dict, str]] = []
        context = {COMPONENT: "", PART: "", AREA: "", SUB_AREA: ""}
        heading = ""
        block: list[_Line] | None = None  # the Jumlah rows of the '%' row just read
        for i, line in enumerate(lines):
            if line.kind == COUNT:
                if block is None:
                    self.unmatched(line, msg("a count input (Jumlah) with no percentage (%) row above it"))
                else:
                    block.append(line)
                continue
            # An indicator has an option kind, or its question in G below a marker in F (whatever its
            # Pilihan Jawaban says: a copy may have typed "Ya" for "Ya/Tidak"), or is a '%' row with
            # its Jumlah rows below it wherever its text sits (a sub-area's '%' has a title below).
            below = lines[i + 1].kind if i + 1 < len(lines) else ""
            is_indicator = (line.kind in KINDS or (line.level >= INDICATOR and line.asks)
                            or (line.kind == PERCENT and below == COUNT))
            if not is_indicator:
                if line.kind and line.value is not None:
                    self.swallowed.append((line, dict(context), heading))
                # A title in F without a question in G is a sub-area's, one column right of its place.
                level = min(line.level, SUB_AREA)
                if level in context:
                    context[level] = line.name
                    for deeper in range(level + 1, SUB_AREA + 1):
                        context[deeper] = ""
                heading = line.name
                block = None
                continue
            block = [] if line.kind == PERCENT else None
            items.append((line, dict(context), heading, block if block is not None else []))
        return items

    def report_swallowed(self, taken: dict) -> None:
        """A row read as a title but with a Pilihan Jawaban and an answer: never dropped unsaid."""
        for line, context, heading in self.swallowed:
            candidates = self.candidates(line, context, heading, near=False)
            free = [c for c in candidates if c[3].code not in taken] or candidates
            probable = max(free, key=lambda c: c[0])[3] if free else None
            what = msg("row {row} has Pilihan Jawaban '{choices}' and the answer '{answer}', but its text is in column "
                       "{column}, where titles go, so it is read as a title and its answer is not scored",
                       row=line.number, choices=line.choices, answer=text(line.value),
                       column=get_column_letter(line.column))
            if probable is None:  # under a heading no indicator of the edition has: no guess, but still what is right
                fix = msg("if it asks a question of the official LKE, move its text to column {question_column} under "
                          "the right heading; if it is a title, clear its Pilihan Jawaban and answer",
                          question_column=get_column_letter(LAST))
            else:
                fix = msg("it is probably {code} ({question}): move its text to column {question_column}",
                          code=probable.code, question=probable.question, question_column=get_column_letter(LAST))
            where = self.at(line.number, self.answer_col)
            if line.kind == PERCENT:  # a title's own '%' (the sub-area's share) is no answer: said, not refused
                self.warning(where, "official.row.title_percent", what, fix)
            else:
                self.error(where, "official.row.read_as_title", what, fix)

    def best(self, line: _Line, context: dict, heading: str, taken: dict, *, strict: bool, report: bool = False) -> Indicator | None:
        """The indicator a row asks, by part, area, sub-area and question text; None if none fits.

        `strict` takes only a close question text (and may return an indicator already taken:
        a repeated row); otherwise a reworded question fits when its place and kind agree.
        """
        candidates = self.candidates(line, context, heading, near=True)
        if not any(c[1] >= MATCH and c[3].code not in taken for c in candidates):
            candidates = self.candidates(line, context, heading, near=False)  # a heading mistyped or missing
        free = [c for c in candidates if c[3].code not in taken]
        if strict:
            if free and (best := max(free, key=lambda c: c[0]))[1] >= MATCH:
                return best[3]
            # The same question again, nearly word for word: a repeated row.
            repeat = [c for c in candidates if c[3].code in taken and c[1] >= REPEAT]
            return max(repeat, key=lambda c: c[0])[3] if repeat else None
        if not free:
            if report:
                self.unmatched(line, msg("'{name}'", name=line.name))
            return None
        score, asked, fits, indicator = max(free, key=lambda c: c[0])
        if asked >= MATCH or (asked >= 0.3 and fits):
            return indicator
        if report:
            self.unmatched(line, msg("'{name}'; the closest is {code} ({question}), {likeness} alike",
                                     name=line.name, code=indicator.code, question=indicator.question,
                                     likeness=f"{asked:.0%}"))
        return None

    def candidates(self, line: _Line, context: dict, heading: str, *, near: bool) -> list[tuple]:
        """(score, question likeness, place and kind agree, indicator) for the indicators a row may ask.

        `near` compares the question only with the indicators of the row's own part and area.
        """
        question = words(line.name)
        candidates = []
        for indicator in self.edition.indicators.values():
            if alike(words(indicator.component), words(context[COMPONENT]).split(" ")[0]) < 0.8 and context[COMPONENT]:
                continue
            part = alike(words(indicator.part), words(context[PART]))
            area = alike(words(indicator.area), words(context[AREA]))
            if near and (part < 0.8 or (indicator.sub_area and area < 0.6)):
                continue
            sub = alike(words(indicator.sub_area), words(context[SUB_AREA])) if indicator.sub_area else 0.0
            asked = max(alike(words(indicator.question), question), alike(words(indicator.question), words(heading)) if line.kind == PERCENT else 0.0)
            if indicator.component == "Hasil":  # no sub-areas; the area is named on the indicator's own row
                area = max(area, alike(words(indicator.area), question))
            same_kind = KINDS.get(line.kind, "count" if line.kind == PERCENT else "") == indicator.kind
            place = sub >= 0.8 if indicator.sub_area else part >= 0.8
            candidates.append((asked + 0.5 * area + 0.3 * sub + 0.2 * part + 0.3 * same_kind, asked, same_kind and place, indicator))
        return candidates

    def unmatched(self, line: _Line, what) -> None:
        said = msg("row {row} is not an indicator of LKE edition {edition}: {what}",
                   row=line.number, edition=self.edition.name, what=what)
        if line.value is None:
            self.warning(self.at(line.number, LAST), "official.row.not_an_indicator", said,
                         msg("check the question text against the official LKE, or remove the row "
                             "(it has no answer, so nothing is lost)"))
        else:
            self.error(self.at(line.number, LAST), "official.row.not_an_indicator", said,
                       msg("check the question text against the official LKE, or remove the row; "
                           "its answer '{answer}' is not scored", answer=text(line.value)))

    def check_kind(self, line: _Line, indicator: Indicator) -> None:
        kind = KINDS.get(line.kind)
        shown = SHOWN.get(indicator.kind, indicator.kind)
        if line.kind and not kind and line.kind != PERCENT:
            # The workbook's own formula gives no score for such a row ("-"), and AVERAGE skips it.
            self.form_warning(
                self.at(line.number, self.choices_col), "official.choices.unknown_kind",
                msg("Pilihan Jawaban '{choices}' for {code} is not an answer kind of the official form ({kinds})",
                    choices=line.choices, code=indicator.code, kinds=", ".join([*SHOWN.values(), "%", "Jumlah"])),
                msg("the answer is checked against the regulation's '{shown}'", shown=shown),
                indicator=indicator.code,
            )
        elif kind and kind != indicator.kind:
            self.form_warning(
                self.at(line.number, self.choices_col), "official.choices.differ",
                msg("Pilihan Jawaban '{choices}' for {code} differs from the regulation's '{shown}'",
                    choices=line.choices, code=indicator.code, shown=shown),
                msg("the answer is checked against the regulation's options"),
                indicator=indicator.code,
            )

    def row(self, line: _Line, n: int | None, indicator: str = ""):
        value = line.value
        if is_error_value(value):
            self.error(self.at(line.number, self.answer_col), "official.answer.formula_error",
                       msg("the answer on row {row} is the formula error {value}", row=line.number, value=value),
                       msg("fix the formula or type the answer"))
            value = None
        evidence, described = [], []
        for column, cell in line.links:
            for entry in split_entries(cell):
                item = resolve_evidence(entry, self.bukti)
                if not (item.url or item.present or FILE_SUFFIX.search(entry)):
                    described.append(entry)  # a document described in words, not filed under bukti/: a note
                    continue
                # A web address or a file under bukti/: checked and embedded as in our own layout.
                if item.problem:
                    # The reader's words around the reason resolve_evidence gives (a Problem without a place).
                    self.error(self.at(line.number, column), item.problem.code,
                               msg("evidence '{entry}' {problem}", entry=entry, problem=item.problem.what),
                               item.problem.fix, indicator=indicator, kind="evidence")
                elif not item.url and not item.present:
                    self.error(self.at(line.number, column), "lke.evidence.not_found", *absent_message(item, self.bukti),
                               indicator=indicator, kind="evidence")
                evidence.append(item)
        note = "\n".join(filter(None, [line.note, *described]))
        return LkeRow(line.number, n, value, note, tuple(evidence))

    def form_warning(self, where: Place, code: str, what: Message, fix: Message | None = None, *,
                     indicator: str = "") -> None:
        """A warning about the official form's own text: for the secretariat, not the unit's to fix."""
        self.problems.append(Problem(where, what, "warning", kind=FORM, fix=fix, code=code, indicator=indicator))

    def two_sheets(self, sheets: list[str]) -> None:
        state = {True: msg("visible"), False: msg("hidden")}
        shown = [msg("'{name}' ({state})", name=n, state=state[is_visible(self.book[n])]) for n in sheets]
        self.warning(Place(self.rel), "official.sheet.several",
                     msg("sheets {sheets} all look like the official LKE ZI sheet; read '{read}' ({state}), "
                         "the others are not read", sheets=_listed(shown), read=sheets[0],
                         state=state[is_visible(self.book[sheets[0]])]),
                     msg("delete or rename the sheets that do not hold the unit's answers"))

    def hidden_sheet(self, name: str) -> None:
        """The only sheet like the official one is hidden: read, but the unit may not have meant it."""
        self.warning(Place(self.rel, name), "official.sheet.hidden",
                     msg("the sheet '{name}' read as the official LKE ZI sheet is hidden: the unit may have hidden "
                         "its real answers by mistake, or filled a hidden draft", name=name),
                     msg("unhide it in Excel (right-click a sheet tab, Unhide) and check that it holds the unit's "
                         "answers; if they are on another sheet, name that sheet '{official}' and delete this one",
                         official=SHEET))

    def report_unlabelled(self, columns: dict, found: dict) -> None:
        """Say that the entries of columns without a header, right of the notes, were taken as evidence."""
        rows = {r.number for rs in found.values() for r in rs}
        for column in columns["unlabelled"]:
            used = sorted(number for number in rows if any(c == column for c, _entry in self.links_of.get(number, ())))
            if used:
                self.warning(
                    self.at(columns["header"], column), "official.evidence.unlabelled_column",
                    msg("column {column} has no header; what {count} indicator row(s) write there (rows {first}-{last}) was "
                        "taken as evidence (Bukti Dukung): web addresses and files under bukti/ as evidence, documents "
                        "described in words as notes", column=get_column_letter(column), count=len(used),
                        first=used[0], last=used[-1]),
                    msg("head the column Bukti Dukung if that is right"))

    def check_merged(self, ws, found: dict, answer_col: int) -> None:
        """An answer cell merged over several indicator rows gives its answer to the first only: reported at its cells."""
        rows_of = {r.number: code for code, rs in found.items() for r in rs}
        for first, last in merged_down(ws, answer_col):
            inside = [number for number in range(first, last + 1) if number in rows_of]
            if len(inside) < 2:
                continue
            codes = list(dict.fromkeys(rows_of[n] for n in inside))
            span = f"{ref(first, answer_col)}:{ref(last, answer_col)}"
            self.error(Place(self.rel, self.title, span), "official.answer.merged",
                       msg("the answer cell {span} is merged over the rows of {codes}, so its answer is read for row {row} only",
                           span=span, codes=", ".join(codes), row=first),
                       msg("unmerge it and type each answer on its own row"), indicator=codes[-1])
            self.flagged.update(codes)

    def count_inputs(self, indicator: Indicator, block: list[_Line], found: dict) -> None:
        """Map a count indicator's Jumlah rows onto its inputs; a marked row with sub-rows is a total of them."""
        inputs = [int(o.key) for o in indicator.options]
        leaves, totals = [], []
        headlines = _headlines(block)
        i = 0
        while i < len(block):
            line = block[i]
            parts = []
            j = i + 1
            if line.number in headlines:  # "- Jumlah yang harus melaporkan" with its parts below
                while j < len(block) and block[j].number not in headlines:
                    parts.append(block[j])
                    j += 1
            if parts:
                totals.append((line, parts))
                leaves.extend(parts)
                i = j
            else:
                leaves.append(line)
                i += 1
        if len(leaves) != len(inputs):
            rows = ", ".join(str(line.number) for line in leaves) or msg("none")
            self.error(
                self.at(block[0].number if block else 1, self.answer_col), "official.count.rows",
                msg("{code} ({question}) needs {needed} Jumlah rows, one per input ({inputs}), but has {count} (rows {rows})",
                    code=indicator.code, question=indicator.question, needed=len(inputs),
                    inputs="; ".join(o.text for o in indicator.options), count=len(leaves), rows=rows),
                msg("give it one Jumlah row per input, in that order, each with its own number"),
                indicator=indicator.code,
            )
            return
        for total, parts in totals:
            self.check_total(indicator, total, parts)
        for n, line in zip(inputs, leaves):
            found[indicator.code].append(self.row(line, n, indicator.code))

    def check_total(self, indicator: Indicator, total: _Line, parts: list[_Line]) -> None:
        """Warn where a hand-typed total disagrees with its parts; the parts are scored.

        A total typed over empty parts stands in for them (on the first part, the others 0):
        the score only uses their sum.
        """
        if total.value is None:
            return
        typed = whole_number(total.value)
        span = f"{ref(parts[0].number, self.answer_col)}:{ref(parts[-1].number, self.answer_col)}"
        if typed is not None and all(p.value is None for p in parts):
            # Only the total typed, as many units do: it is the sum of the parts, scored as the first.
            self.warning(
                self.at(total.number, self.answer_col), "official.count.only_total",
                msg("only the total '{name}' for {code} is filled ({typed}), its parts {span} are empty",
                    name=total.name, code=indicator.code, typed=typed, span=span),
                msg("scored as {typed} + 0 + ... (fill the parts to be exact)", typed=typed),
                indicator=indicator.code,
            )
            parts[0].value = typed
            for part in parts[1:]:
                part.value = 0
            return
        read = [whole_number(p.value) for p in parts]
        values = [v for v in read if v is not None]
        if typed is None or len(values) < len(read):
            return
        if typed != sum(values):
            self.form_warning(
                self.at(total.number, self.answer_col), "official.count.total_differs",
                msg("the total '{name}' for {code} is {typed} but its parts {span} add up to {sum}",
                    name=total.name, code=indicator.code, typed=typed, span=span, sum=sum(values)),
                msg("scored with the parts ({terms})", terms=" + ".join(str(v) for v in values)),
                indicator=indicator.code,
            )

    def check_percent(self, line: _Line, indicator: Indicator, rows: list) -> None:
        """Compare the percentage on a count indicator's '%' row with the ratio of its Jumlah rows.

        The score comes from the counts; the percentage (a number, or text such as '92.35%' in
        copies exported from Google Sheets) is only checked, so that a unit sees where they disagree.
        """
        typed = _percent(line.value)
        if typed is None:
            return
        shown = _percent_shown(typed)
        counts = [whole_number(r.value) for r in rows]
        span = f"{ref(rows[0].number, self.answer_col)}:{ref(rows[-1].number, self.answer_col)}" if rows else msg("its Jumlah rows")
        if rows and all(r.value is None for r in rows):
            self.warning(
                self.at(line.number, self.answer_col), "official.count.only_percentage",
                msg("only the percentage {shown} is filled for {code}", shown=shown, code=indicator.code),
                msg("dossier scores it from its counts ({span}), which are empty: fill them", span=span),
                indicator=indicator.code,
            )
            return
        if not rows or any(c is None for c in counts):
            return  # a count that is no whole number is reported as such
        assert indicator.count is not None, "a '%' row belongs to a count indicator"
        ratio = count_fraction(indicator.count, {r.input: c for r, c in zip(rows, counts) if c is not None})
        if abs(ratio - typed) > PERCENT_SLACK:
            self.warning(
                self.at(line.number, self.answer_col), "official.count.percentage_differs",
                msg("the percentage {shown} for {code} is not the ratio of its counts ({span}), {ratio} by the regulation",
                    shown=shown, code=indicator.code, span=span, ratio=_percent_shown(ratio)),
                msg("scored {ratio}", ratio=_percent_shown(ratio)),
                indicator=indicator.code,
            )


def _headlines(block: list[_Line]) -> set[int]:
    """The rows of a count's block that are no part of a total, by what they say wherever their dash sits.

    Only a block that says none of it ("Jumlah yang harus/sudah melaporkan") falls back to the
    form's marker column: a dash in F heads the unmarked rows below it.
    """
    said = {line.number for line in block if HEADLINE.match(words(line.name))}
    return said or {line.number for line in block if line.marker}


def _percent_shown(fraction: float) -> Message:
    """A fraction as a percentage with two decimals, as the language shown writes it: '92,31%' in Indonesian."""
    return msg("{percent}%", percent=Numeral(fraction * 100, 2))


def _listed(items: list[Message]) -> Message | str:
    """Messages listed with commas, each worded when shown."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return msg("{first}, {rest}", first=items[0], rest=_listed(items[1:]))


def _percent(value) -> float | None:
    """A percentage as a fraction: 0.9235, 1, '92.35%', '92,35 %', '100.00%'; None if it is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number, sign = float(value), ""
    else:
        match = PERCENT_TEXT.match(str(value).strip())
        if not match:
            return None
        number, sign = float(match.group(1).replace(",", ".")), match.group(2)
    if sign or number > 1:
        number /= 100
    return number if 0 <= number <= 1 else None
