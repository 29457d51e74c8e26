"""The official LKE form as units really fill it: each quirk built into copies of the real workbooks
(tests/data/official) and of the blank `lke-template --format resmi`, in several places, and read by
its rule: scored as the regulation says, with a message naming the quirk at its cells."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dossier.model import Answer
from dossier.official_template import write_official_template
from dossier.readers import read_award_year
from dossier.readers.evidence import collect_evidence
from dossier.readers.official import FORM
from dossier.scoring import score_unit

from .test_official import (
    FILLED,
    NOT_IN_REVISED,
    REAL,
    REVISED,
    answers_in,
    fill_form,
    filled_copy,
    form_rows,
    random_answers,
    read,
    regulation_total,
    score,
    score_of,
)
from .workbook_factory import YEAR, edition, write_year

pytestmark = pytest.mark.slow  # each test reads the real official form (48,000 styled cells) in full

REL = "lke/UPT01 LKE ZI.xlsx"


def rows_saying(ws, start: str, column: int = 7) -> list[int]:
    """The rows whose text in `column` starts with `start` (case and dashes aside)."""
    found = []
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row, column).value
        if isinstance(value, str) and value.strip().lstrip("- ").casefold().startswith(start.casefold()):
            found.append(row)
    return found


def filled_real(tmp_path: Path, change: Callable[[openpyxl.Workbook], Any] | None = None,
                seed: int = 21) -> tuple[Path, Any, dict[str, Answer]]:
    """The real form filled with the seed's answers and changed by `change`, saved; what `change` returned."""
    answers = random_answers(seed)
    path = tmp_path / "UPT01 LKE ZI.xlsx"
    return path, filled_copy(REAL, path, answers, change), answers


def errors(result) -> list[str]:
    return [str(p) for p in result.problems if p.severity == "error"]


# -- A count row is known by what it says, wherever its dash sits ----------------------------------


@pytest.mark.parametrize("variant", ["dash-in-text", "no-dash", "sudah-unmarked", "everything-in-text"])
def test_a_total_row_is_known_by_its_text_wherever_its_dash_sits(tmp_path, variant):
    def move_the_dashes(book):
        ws = book["Jawaban"]
        totals = rows_saying(ws, "Jumlah yang harus melaporkan")
        reported = rows_saying(ws, "Jumlah yang sudah melaporkan")
        assert len(totals) == len(reported) == 2
        moved = {"dash-in-text": totals, "no-dash": totals, "sudah-unmarked": reported,
                 "everything-in-text": totals + reported}[variant]
        for row in moved:
            ws.cell(row, 6).value = None
            text = ws.cell(row, 7).value.lstrip("- ")
            ws.cell(row, 7).value = text if variant == "no-dash" else f"- {text}"

    path, _, answers = filled_real(tmp_path, move_the_dashes)
    result = read(path, REL)
    assert result.problems == []
    assert result.lke.answers["PRE3A"].counts == answers["PRE3A"].counts
    assert result.lke.answers["PRE3B"].counts == answers["PRE3B"].counts
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


def test_the_total_is_checked_against_its_parts_only_never_with_the_reported_row(tmp_path):
    answers = random_answers(22)
    parts = answers["PRE3A"].counts[1] + answers["PRE3A"].counts[2] + answers["PRE3A"].counts[3]

    def unmark_and_mistype(book):
        ws = book["Jawaban"]
        reported = rows_saying(ws, "Jumlah yang sudah melaporkan")
        for row in reported:  # no marker: the row still closes the parts above it
            ws.cell(row, 6).value = None
        total = rows_saying(ws, "Jumlah yang harus melaporkan")[0]
        ws.cell(total, 11).value = parts + 1
        return total

    path, total, _ = filled_real(tmp_path, unmark_and_mistype, seed=22)
    [problem] = read(path, REL).problems
    assert problem.where.endswith(f"Jawaban!K{total}") and problem.kind == FORM
    assert f"is {parts + 1} but its parts K{total + 1}:K{total + 3} add up to {parts};" in problem.message


def test_the_revised_real_form_with_its_dashes_typed_into_the_text_scores_the_same(tmp_path):
    book = openpyxl.load_workbook(REVISED)
    ws = book["LKE ZI"]
    for row in rows_saying(ws, "Jumlah yang harus melaporkan") + rows_saying(ws, "Jumlah yang sudah melaporkan"):
        ws.cell(row, 6).value = None
        ws.cell(row, 7).value = "- " + ws.cell(row, 7).value
    copy = tmp_path / "PKM01 LKE ZI.xlsx"
    book.save(copy)
    result = read(copy, "lke/PKM01 LKE ZI.xlsx")
    assert [p for p in result.problems if p.severity == "error"] == []
    expected, _ = answers_in(REVISED, [c for c in edition().indicators if c not in NOT_IN_REVISED])
    assert score_of(result.lke).total == pytest.approx(regulation_total(expected), abs=1e-4)


# -- A '%' row one column to the left, and a row read as a title with an answer --------------------


@pytest.mark.parametrize("question", ["Persentase penyampaian LHKPN", "Persentase penyampaian Non LHKPN",
                                      "Persentase penanganan pengaduan"])
def test_a_percent_row_one_column_left_is_read_as_its_indicator_with_a_warning(tmp_path, question):
    def shift_left(book):
        ws = book["Jawaban"]
        [row] = rows_saying(ws, question)
        ws.cell(row, 5).value, ws.cell(row, 6).value, ws.cell(row, 7).value = "-", ws.cell(row, 7).value, None
        return row

    path, row, answers = filled_real(tmp_path, shift_left, seed=23)
    result = read(path, REL)
    [problem] = result.problems
    assert problem.severity == "warning" and problem.where.endswith(f"Jawaban!F{row}")
    assert f"on row {row} is in column F, not in column G" in problem.message
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


@pytest.mark.parametrize("row_text", ["Unit kerja telah membentuk tim", "Terdapat dokumen rencana kerja"])
def test_a_row_with_pilihan_jawaban_and_an_answer_is_never_read_as_a_title_unsaid(tmp_path, row_text):
    def title_like(book):
        ws = book["Jawaban"]
        [row] = rows_saying(ws, row_text)
        # Its text one column left, and a Pilihan Jawaban the form does not know: nothing says it asks.
        ws.cell(row, 5).value, ws.cell(row, 6).value, ws.cell(row, 7).value = "a.", ws.cell(row, 7).value, None
        ws.cell(row, 10).value = "Ya"
        return row

    path, row, answers = filled_real(tmp_path, title_like, seed=24)
    code = next(c for c, i in edition().indicators.items() if i.question.startswith(row_text))
    result = read(path, REL)
    [error] = errors(result)
    assert error.startswith(f"{REL}, Jawaban!K{row}: row {row} has Pilihan Jawaban 'Ya' and the answer")
    assert f"it is probably {code} (" in error and "move its text to column G" in error


# -- Evidence in the form's own columns ----------------------------------------------------------


def test_the_bukti_dukung_of_the_resmi_form_is_evidence_embedded_as_in_our_layout(tmp_path):
    inputs = write_year(tmp_path, units=("UPT01",))
    blank = tmp_path / "blank.xlsx"
    write_official_template(blank, edition(), unit_code="UPT01", unit_name="Unit", year=YEAR, ministry="K")
    (inputs / "lke").mkdir(exist_ok=True)
    for old in (inputs / "lke").iterdir():
        old.unlink()
    target = inputs / "lke" / "UPT01 LKE ZI.xlsx"
    book = fill_form(blank, target, random_answers(25))
    ws = book["LKE ZI"]
    header = next(r for r in range(1, 10) if ws.cell(r, 15).value == "Bukti Dukung")
    (inputs / "bukti" / "UPT01").mkdir(parents=True, exist_ok=True)
    (inputs / "bukti" / "UPT01" / "sk-tim-zi.pdf").write_bytes(one_page_pdf())
    first, second, third = (row for row, _inputs, _totals in form_rows(ws)[:3])
    assert header < first
    ws.cell(first, 15).value = "UPT01/sk-tim-zi.pdf; https://example.go.id/sk.pdf"
    ws.cell(second, 15).value = "UPT01/tidak-ada.pdf"
    ws.cell(third, 15).value = "SK Kepala Balai Nomor 12/2024"  # described in words: a note
    book.save(target)
    year = read_award_year(inputs, YEAR, edition())
    answers = year.lke["UPT01"].answers
    codes = list(edition().indicators)
    a, b, c = (answers[codes[i]] for i in range(3))
    assert [(e.entry, e.present, e.url) for e in a.evidence] == [("UPT01/sk-tim-zi.pdf", True, False),
                                                                ("https://example.go.id/sk.pdf", False, True)]
    assert a.evidence[0].path == (inputs / "bukti" / "UPT01" / "sk-tim-zi.pdf").resolve()
    assert "sk-tim-zi" not in a.note
    missing = [p for p in year.problems if "tidak-ada.pdf" in p.message]
    assert [(p.where, p.severity, p.kind) for p in missing] == [(f"lke/UPT01 LKE ZI.xlsx, LKE ZI!O{second}", "error", "evidence")]
    assert c.evidence == () and c.note == "SK Kepala Balai Nomor 12/2024"
    without = [p for p in year.problems if "have no evidence" in p.message]
    assert f": {len(codes) - 2} of {len(codes)} indicator(s)" in without[0].message
    # In the packet, as our own layout's: the file embedded, the link listed, the missing file said.
    packet_problems = []
    areas = collect_evidence(score_unit(year.units[0], year.lke["UPT01"], edition()), year, packet_problems)
    documents = {d.entry: d for area in areas for _code, _question, docs in area.indicators for d in docs}
    assert documents["UPT01/sk-tim-zi.pdf"].kind == "pdf" and documents["UPT01/sk-tim-zi.pdf"].pages == 1
    assert documents["https://example.go.id/sk.pdf"].kind == "url"
    assert documents["UPT01/tidak-ada.pdf"].kind == "missing"


def one_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_unlabelled_columns_right_of_the_notes_are_evidence_with_a_warning():
    result = read(FILLED, "lke/PKM01 LKE ZI.xlsx")
    warned = [p for p in result.problems if "has no header" in p.message]
    assert [p.where.split("!")[1] for p in warned] == ["P2", "Q2"]
    answer = result.lke.answers["PPA1A"]
    assert [e.url for e in answer.evidence] == [True] and answer.evidence[0].entry.startswith("https://drive.google.com/")
    assert "SK Kepala OPD Ttg Tim Kerja" in answer.note  # a document named in words stays a note
    linked = [c for c, a in result.lke.answers.items() if a.evidence]
    assert len(linked) > 60


@pytest.mark.parametrize("columns", [("Catatan", None), ("Catatan", None, None), ("Keterangan", None)])
def test_unlabelled_evidence_columns_in_another_copy(tmp_path, columns):
    def other_columns(book):
        ws = book["Jawaban"]
        ws.delete_cols(12, 3)  # the copy's own notes and evidence columns L-N, and the TPI's after them
        ws.delete_cols(12, 20)
        for i, header in enumerate(columns):
            ws.cell(1, 12 + i).value = header
        ws.cell(6, 12).value = "Tim dibentuk"
        ws.cell(6, 11 + len(columns)).value = "https://drive.example.id/sk"

    path, _, answers = filled_real(tmp_path, other_columns, seed=26)
    result = read(path, REL)
    [warning] = result.problems
    assert warning.where.endswith(f"Jawaban!{openpyxl.utils.get_column_letter(11 + len(columns))}1")
    answer = result.lke.answers["PPA1A"]
    assert answer.note == "Tim dibentuk" and [e.entry for e in answer.evidence] == ["https://drive.example.id/sk"]


# -- Hidden sheets, merged answer cells -----------------------------------------------------------


@pytest.mark.parametrize("hidden, visible", [("LKE ZI", "LKE ZI (2)"), ("LKE ZI (2)", "LKE ZI"), ("LKE ZI", "LKE ZI revisi")])
def test_a_hidden_draft_sheet_is_not_read_where_a_visible_one_is_filled(tmp_path, hidden, visible):
    book = openpyxl.load_workbook(REVISED)
    filled = book["LKE ZI"]
    draft = book.copy_worksheet(filled)
    for row in range(3, draft.max_row + 1):
        draft.cell(row, 11).value = None
    draft.title, filled.title = "tmp", visible
    draft.title = hidden
    draft.sheet_state = "hidden"
    copy = tmp_path / "PKM01 LKE ZI.xlsx"
    book.save(copy)
    result = read(copy, "lke/PKM01 LKE ZI.xlsx")
    two = [p for p in result.problems if "all look like the official LKE ZI sheet" in p.message]
    assert len(two) == 1 and f"read '{visible}' (visible)" in two[0].message and f"'{hidden}' (hidden)" in two[0].message
    expected, _ = answers_in(REVISED, [c for c in edition().indicators if c not in NOT_IN_REVISED])
    assert score_of(result.lke).total == pytest.approx(regulation_total(expected), abs=1e-4)


@pytest.mark.parametrize("rows", [(6, 7), (7, 9), (9, 10)])
def test_an_answer_cell_merged_over_two_indicators_is_reported_at_its_cells(tmp_path, rows):
    first, last = rows
    path, _, answers = filled_real(tmp_path, lambda book: book["Jawaban"].merge_cells(f"K{first}:K{last}"), seed=27)
    result = read(path, REL)
    [error] = errors(result)
    assert error.startswith(f"{REL}, Jawaban!K{first}:K{last}: the answer cell K{first}:K{last} is merged over the rows of")
    assert not any("answer(s) missing" in p.message for p in result.problems)


# -- Long lists --------------------------------------------------------------------------------------


def test_every_indicator_without_evidence_is_said_in_words_not_113_codes(tmp_path):
    inputs = write_year(tmp_path, units=("UPT01",))
    for old in (inputs / "lke").iterdir():
        old.unlink()
    filled_copy(REAL, inputs / "lke" / "UPT01 LKE ZI.xlsx", random_answers(28))
    year = read_award_year(inputs, YEAR, edition())
    [bare] = [p for p in year.problems if "evidence" in p.message]
    assert "all 113 indicators" in bare.message and "PPA1A" not in bare.message
    assert score_unit(year.units[0], year.lke["UPT01"], edition()).total > 0


# -- The form's own quirks are the secretariat's, not the unit's ------------------------------------


def test_warnings_about_the_forms_own_text_are_left_out_of_the_units_feedback(tmp_path):
    from dossier import i18n
    from dossier.config import Settings
    from dossier.documents import feedback

    inputs = write_year(tmp_path, units=("PKM01",))
    for old in (inputs / "lke").iterdir():
        old.unlink()
    (inputs / "lke" / "PKM01 LKE ZI.xlsx").write_bytes(FILLED.read_bytes())
    with i18n.speaking("id"):
        year = read_award_year(inputs, YEAR, edition())
        own = [p for p in year.problems if p.where.startswith("lke/PKM01")]
        # "Ya" as Pilihan Jawaban (J8) and the LHKASN total the form itself holds (K185): the form's text.
        assert {p.where.split("!")[-1] for p in own if p.kind == FORM} == {"J8", "K185"}
        score = score_unit(year.units[0], year.lke["PKM01"], edition())
        ctx = feedback.context(year, score, Settings())
    cells = [p["cell"] for p in ctx["problems"]]
    assert "LKE ZI!J8" not in cells and "LKE ZI!K185" not in cells
    assert {"LKE ZI!K184", "LKE ZI!P2", "LKE ZI!Q2"} <= set(cells)


# -- What it must show: a real filled form with every quirk at once ---------------------------------


def test_a_real_filled_form_with_every_quirk_scores_as_the_regulation_with_a_warning_for_each(tmp_path):
    book = openpyxl.load_workbook(FILLED)
    ws = book["LKE ZI"]
    totals = rows_saying(ws, "Jumlah yang harus melaporkan") + rows_saying(ws, "Jumlah yang sudah melaporkan")
    assert len(totals) == 4
    for row in totals:  # the dash typed into the text
        ws.cell(row, 6).value, ws.cell(row, 7).value = None, "- " + ws.cell(row, 7).value
    [shifted] = rows_saying(ws, "Persentase penyampaian LHKASN")  # the '%' row one column left
    ws.cell(shifted, 5).value, ws.cell(shifted, 6).value, ws.cell(shifted, 7).value = "-", ws.cell(shifted, 7).value, None
    draft = book.copy_worksheet(ws)  # a hidden draft with no answers, under the form's own name
    for row in range(3, draft.max_row + 1):
        draft.cell(row, 11).value = None
    ws.title, draft.title = "LKE ZI (2)", "LKE ZI"
    draft.sheet_state = "hidden"
    copy = tmp_path / "PKM01 LKE ZI.xlsx"
    book.save(copy)
    result = read(copy, "lke/PKM01 LKE ZI.xlsx")
    assert errors(result) == []
    said = {p.where.split("!")[-1] if "!" in p.where else p.where: p.message for p in result.problems}
    assert "all look like the official LKE ZI sheet" in said["lke/PKM01 LKE ZI.xlsx"]
    assert f"on row {shifted} is in column F" in said[f"F{shifted}"]
    assert "has no header" in said["P2"] and "has no header" in said["Q2"]
    assert "Pilihan Jawaban 'Ya' for PPA1A" in said["J8"]
    expected, _ = answers_in(FILLED, list(edition().indicators))
    ours = score_of(result.lke)
    assert ours.total == pytest.approx(regulation_total(expected), abs=1e-4)
    assert result.lke.answers["PRE3B"].counts == expected["PRE3B"].counts


@pytest.mark.parametrize("form", ["resmi", "REAL"])
def test_a_form_with_no_answer_at_all_says_so_in_words_not_113_codes(tmp_path, form):
    blank = tmp_path / "UPT01 LKE ZI.xlsx"
    if form == "resmi":
        write_official_template(blank, edition(), unit_code="UPT01", unit_name="Unit", year=YEAR, ministry="K")
    else:
        blank.write_bytes(REAL.read_bytes())
    result = read(blank, REL)
    [said] = [p for p in result.problems if "answered" in p.message or "missing" in p.message]
    assert said.message == "none of the 113 indicators is answered yet, all scored 0"


def test_a_titles_own_percentage_is_said_as_a_warning_not_an_error(tmp_path):
    def answer_the_title(book):
        ws = book["Jawaban"]
        [row] = [r for r in rows_saying(ws, "Penyampaian Laporan Harta Kekayaan", column=6) if ws.cell(r, 10).value == "%"]
        ws.cell(row, 11).value = "92%"
        return row

    path, row, answers = filled_real(tmp_path, answer_the_title, seed=29)
    result = read(path, REL)
    assert errors(result) == []
    [said] = result.problems
    assert said.where.endswith(f"Jawaban!K{row}") and f"row {row} has Pilihan Jawaban '%' and the answer '92%'" in said.message
    assert score(result.lke) == pytest.approx(regulation_total(answers), abs=1e-4)


@pytest.mark.parametrize("row_text, heading_row, heading", [
    ("Unit kerja telah membentuk tim", 2, "KOMPONEN LAIN"),
    ("Terdapat dokumen rencana kerja", 2, "TAMBAHAN"),
])
def test_a_row_read_as_a_title_with_no_likely_indicator_still_says_what_would_be_right(tmp_path, row_text, heading_row, heading):
    def title_like_under_another_heading(book):
        ws = book["Jawaban"]
        [row] = rows_saying(ws, row_text)
        ws.cell(heading_row, 3).value = heading  # a component no indicator of the edition belongs to: no candidate at all
        ws.cell(row, 5).value, ws.cell(row, 6).value, ws.cell(row, 7).value = "a.", ws.cell(row, 7).value, None
        ws.cell(row, 10).value = "Ya"
        return row

    path, row, _answers = filled_real(tmp_path, title_like_under_another_heading, seed=24)
    result = read(path, REL)
    [problem] = [p for p in result.problems if p.code == "official.row.read_as_title"]
    assert problem.where.endswith(f"Jawaban!K{row}") and problem.severity == "error"
    assert problem.fix is not None and "it is probably" not in str(problem)
    assert "move its text to column G" in str(problem) and "clear its Pilihan Jawaban and answer" in str(problem)


@pytest.mark.parametrize("source, sheet, state", [("revised", "LKE ZI", "hidden"), ("revised", "LKE ZI", "veryHidden"),
                                                  ("real", "Jawaban", "hidden")])
def test_the_only_official_sheet_hidden_is_read_with_a_warning(tmp_path, source, sheet, state):
    def hide(book):
        book[sheet].sheet_state = state

    if source == "revised":
        book = openpyxl.load_workbook(REVISED)
        book.create_sheet("Petunjuk")  # Excel keeps one sheet visible: the unit's notes
        path = tmp_path / "PKM01 LKE ZI.xlsx"
        rel = "lke/PKM01 LKE ZI.xlsx"
        hide(book)
        book.save(path)
    else:
        path, _, _answers = filled_real(tmp_path, hide, seed=29)
        rel = REL
    result = read(path, rel)
    [hidden] = [p for p in result.problems if p.code == "official.sheet.hidden"]
    assert hidden.severity == "warning" and hidden.where == f"{rel}, {sheet}"
    assert f"the sheet '{sheet}' read as the official LKE ZI sheet is hidden" in hidden.message
    assert "name that sheet 'LKE ZI'" in str(hidden)
    assert result.lke is not None and any(not a.missing for a in result.lke.answers.values())  # still read


@pytest.mark.parametrize("source", ["revised", "real"])
def test_the_only_official_sheet_visible_says_nothing_of_hidden_sheets(tmp_path, source):
    if source == "revised":
        path = tmp_path / "PKM01 LKE ZI.xlsx"
        path.write_bytes(REVISED.read_bytes())
        rel = "lke/PKM01 LKE ZI.xlsx"
    else:
        path, _, _answers = filled_real(tmp_path, seed=29)
        rel = REL
    result = read(path, rel)
    assert not [p for p in result.problems if p.code in ("official.sheet.hidden", "official.sheet.several")]
