"""Feedback to a unit (umpan balik) and the TPI's evaluation report (LHE), on the sample year."""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from dossier.config import Settings
from dossier.documents import dossier, feedback, lhe
from dossier.readers import read_award_year
from dossier.render.templates import environment, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit

from . import reading
from .conftest import REPO, SAMPLE_YEAR

CREATED = datetime(2024, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def year():
    edition = load_edition("2021")
    return read_award_year(REPO / "inputs" / str(SAMPLE_YEAR), SAMPLE_YEAR, edition), edition


def scored(year, code):
    award_year, edition = year
    unit = next(u for u in award_year.units if u.code == code)
    return award_year, score_unit(unit, award_year.lke[code], edition)


def pdf_text(data: bytes) -> str:
    return " ".join(reading.pdf_text(data).split())


def test_feedback_workbook_has_every_section_for_an_ineligible_unit_with_tpi_corrections(year):
    award_year, score = scored(year, "BD02")
    ctx = feedback.context(award_year, score, Settings())
    book = load_workbook(io.BytesIO(feedback.xlsx(ctx, created=CREATED)))
    assert book.sheetnames == [s for s, _, _ in feedback.SECTIONS]
    summary = " ".join(str(c.value) for c in book["Ringkasan"]["A"] if c.value)
    assert "Kepada: Kepala Balai Diklat Kelautan Sorong (BD02)" in summary
    assert "Belum memenuhi syarat WBK" in summary and "dikoreksi TPI" not in summary  # the TPI changed nothing
    assert "Keputusan: unit kerja ini tidak diusulkan tahun ini: belum memenuhi syarat WBK." in summary
    corrections = {r[0].value: r for r in book["Koreksi TPI"].iter_rows(min_row=4)}
    assert set(corrections) == {"PPA3A"}  # a note only: the TPI kept the unit's answer
    assert corrections["PPA3A"][4].value.startswith("Laporan monitoring triwulan III dan IV belum ada")
    assert corrections["PPA3A"][3].value == "(tidak diubah)"
    shortfalls = [r[0].value for r in book["Kekurangan"].iter_rows(min_row=4)]
    assert "Nilai Total" in shortfalls and "Perhatian (tetap memenuhi syarat): Manajemen Perubahan – Reform" in shortfalls
    steps = [r[0].value for r in book["Langkah"].iter_rows(min_row=4)]
    way = dossier.way(score)
    assert steps == [s["code"] for s in way["steps"]] and steps
    without = {r[0].value for r in book["Tanpa Bukti"].iter_rows(min_row=4)}
    assert without == {c for c, q in score.questions.items() if not (q.answer and q.answer.evidence)}
    # Numbers are stored as numbers, shown with two decimals; the gap is the difference of the values, rounded.
    for row in book["Kekurangan"].iter_rows(min_row=4):
        required, reached, gap = (c.value for c in row[1:4])
        assert all(isinstance(v, (int, float)) for v in (required, reached, gap)), row[0].value
        assert row[3].number_format.startswith("0.00") and abs(required - reached - gap) <= 0.0051
    assert all(isinstance(r[4].value, (int, float)) for r in book["Langkah"].iter_rows(min_row=4))
    # Every sheet prints on A4, one page wide, its header row on every page.
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0


@pytest.mark.parametrize("code, proposed, current", [("BD02", None, None), ("UPT01", "WBBM", "WBK"),
                                                     ("UPT01", "WBBM", "")])
def test_the_steps_are_titled_by_the_predicate_they_lead_to(year, code, proposed, current):
    """Regression: under 'Langkah menuju predikat yang diusulkan' a unit proposed for WBK (it aimed at WBBM and met
    only WBK) was shown the steps to WBBM. Each format titles them by the predicate they lead to."""
    import dataclasses

    award_year, score = scored(year, code)
    if proposed:
        unit = dataclasses.replace(score.unit, proposed=proposed, current=current)
        score = score_unit(unit, award_year.lke[code], year[1])
    ctx = feedback.context(award_year, score, Settings())
    assert ctx["way"], "a unit short of its aim is shown a way"
    title = f"Langkah menuju {ctx['way']['predicate']}"
    book = load_workbook(io.BytesIO(feedback.xlsx(ctx, created=CREATED)))
    assert str(book["Langkah"]["A1"].value).startswith(title + " – ")
    assert re.search(rf"\d\. {title}</h2>", feedback.html(environment(None), ctx))
    assert "predikat yang diusulkan" not in str(book["Langkah"]["A1"].value)


def test_feedback_lists_workbook_problems_by_cell_in_indonesian(year, tmp_path):
    from dossier.errors import Place, Problem, msg

    award_year, score = scored(year, "UPT01")
    source = award_year.lke["UPT01"].source
    # The readers' problems as records; the feedback words them in Indonesian whatever the command line speaks.
    award_year = type(award_year)(**{**award_year.__dict__, "problems": [
        Problem(Place(source, "LKE", "E20"), msg("answer '{written}' for {code} is not an option", written="Z", code="PPA2B"),
                fix=msg("expected one of {options}", options="A, B, C, D")),
        Problem(Place(source, "LKE", "G31"), msg("evidence file '{entry}' not found in bukti/", entry="UPT01/sk.pdf"),
                kind="evidence"),
        Problem(Place(source, "LKE"), msg("{count} answer(s) missing, scored 0: {codes}", count=2, codes="PPA1B, PPA2B"),
                "warning"),
        Problem(Place("lke/other.xlsx", "LKE", "E9"), msg("the file is empty (0 bytes)")),
    ]})
    ctx = feedback.context(award_year, score, Settings())
    assert [p["cell"] for p in ctx["problems"]] == ["LKE!E20", "LKE!G31", "LKE"]
    assert ctx["problems"][0]["what"] == "Jawaban 'Z' untuk PPA2B bukan pilihan yang tersedia"
    assert ctx["problems"][0]["fix"] == "Seharusnya salah satu dari A, B, C, D"  # the fix, from its own field
    assert "tidak ditemukan" in ctx["problems"][1]["what"]
    assert ctx["problems"][1]["fix"] == "Periksa dan perbaiki isian sel ini."  # no fix said: the general one
    assert ctx["problems"][2]["severity"] == "peringatan"
    book = load_workbook(io.BytesIO(feedback.xlsx(ctx, created=CREATED)))
    cells = [r[0].value for r in book["Masalah LKE"].iter_rows(min_row=4)]
    assert cells == ["LKE!E20", "LKE!G31", "LKE"]


def test_feedback_writes_user_text_as_text_never_a_formula(year):
    from dataclasses import replace

    award_year, score = scored(year, "UPT01")
    hostile = "=HYPERLINK(\"http://x\",\"klik\")"
    answers = dict(award_year.lke["UPT01"].answers)
    answers["PPA2C"] = replace(answers["PPA2C"], tpi_note=hostile)
    lke = replace(award_year.lke["UPT01"], answers=answers)
    score = score_unit(score.unit, lke, score.edition)
    data = feedback.xlsx(feedback.context(award_year, score, Settings()), created=CREATED)
    book = load_workbook(io.BytesIO(data))
    notes = [r[4] for r in book["Koreksi TPI"].iter_rows(min_row=4)]
    cell = next(c for c in notes if c.value == hostile)
    assert cell.data_type == "s"


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_feedback_pdf_has_every_section(year, tmp_path):
    award_year, score = scored(year, "BD02")
    ctx = feedback.context(award_year, score, Settings())
    data = feedback.pdf(environment(None), ctx, allowed_roots=static_dirs(None), created=CREATED)
    text = pdf_text(data)
    for _, title, columns in feedback.titled(ctx):
        if columns:
            assert title in text, title
    assert "Laporan monitoring triwulan III dan IV belum ada" in text
    assert "Kepada: Kepala Balai Diklat Kelautan Sorong (BD02)" in text
    assert "HBB" in text and "tidak dapat dicapai lewat jawaban LKE" in text


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_lhe_shows_per_area_both_scores_notes_and_recommendations_in_pdf_and_docx(year, tmp_path):
    from docx import Document

    award_year, score = scored(year, "BD01")
    ctx = lhe.context(award_year, score, Settings())
    assert len(ctx["rows"]) == 8  # six Pengungkit areas, two Hasil parts
    from decimal import Decimal

    # Each value rounded once: the parts may differ from the printed total by a cent each at most.
    assert abs(sum((r["tpi"] for r in ctx["rows"]), Decimal(0)) - ctx["total"]["tpi"]) <= Decimal("0.04")
    assert abs(sum((r["own"] for r in ctx["rows"]), Decimal(0)) - ctx["total"]["own"]) <= Decimal("0.04")
    # Where nothing changed, nothing differs: equal values print alike.
    assert all(r["difference"] == 0 for r in ctx["rows"] if r["own"] == r["tpi"])
    first = ctx["sections"][0]
    assert first["name"] == "Manajemen Perubahan" and {n["code"] for n in first["notes"]} == {"PPA2B"}
    assert first["tpi"] < first["own"]
    env = environment(None)
    text = pdf_text(lhe.pdf(env, ctx, allowed_roots=static_dirs(None), created=CREATED))
    assert "Laporan Hasil Evaluasi Tim Penilai Internal" in text and "Rekomendasi" in text
    assert "Bukti rencana kerja hanya memuat sebagian kegiatan." in text
    document = Document(io.BytesIO(lhe.docx(env, ctx, created=CREATED)))
    words = " ".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Manajemen Perubahan" in words and "Bukti rencana kerja hanya memuat sebagian kegiatan." in words


def test_dossier_marks_the_tpis_corrections_and_shows_both_scores(year):
    award_year, score = scored(year, "UPT01")
    ctx = dossier.context(award_year, score, Settings())
    markup = dossier.html(environment(None), ctx)
    assert "Dikoreksi TPI; jawaban unit: A" in markup
    assert "Rencana kerja belum memuat target waktu setiap kegiatan; nilai diturunkan." in markup
    assert "Penilaian mandiri" in markup
    total = ctx["summary"][-1]
    assert total["own"] > total["printed"]
    from decimal import Decimal

    items = [r for r in ctx["summary"] if r["kind"] == "item" and r["level"] == 1][:12]
    pengungkit = next(r for r in ctx["summary"] if r["kind"] == "subtotal")
    assert abs(sum((r["printed"] for r in items), Decimal(0)) - pengungkit["printed"]) <= Decimal("0.06")
    assert abs(sum((r["own"] for r in items), Decimal(0)) - pengungkit["own"]) <= Decimal("0.06")
    assert ctx["rounding_note"].startswith("Angka dibulatkan")


def test_dossier_shows_the_way_for_an_ineligible_unit(year):
    award_year, score = scored(year, "BD02")
    ctx = dossier.context(award_year, score, Settings())
    assert ctx["way"]["predicate"] == "WBK" and ctx["way"]["steps"]
    markup = dossier.html(environment(None), ctx)
    assert "Langkah menuju WBK" in markup
    eligible = dossier.context(*scored(year, "UPT01"), Settings())
    assert eligible["way"] is None


# --- through the command line ---------------------------------------------------------------------


@pytest.mark.render
def test_umpan_balik_writes_every_units_feedback_even_one_with_lke_errors(sample):
    import json

    import openpyxl
    from click.testing import CliRunner

    from dossier.cli import cli
    from dossier.layout import LKE

    lke = sample / f"inputs/{SAMPLE_YEAR}/lke/lke bd02.xlsx"
    book = openpyxl.load_workbook(lke)
    ws = book["LKE"]
    code_col, answer_col = LKE.number("code"), LKE.number("answer")
    row = next(r for r in range(LKE.header_row + 1, ws.max_row + 1) if ws.cell(r, code_col).value == "PPA2B")
    ws.cell(row, answer_col, "Z")
    book.save(lke)

    result = CliRunner().invoke(cli, ["-C", str(sample), "umpan-balik"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = sample / f"build/{SAMPLE_YEAR}/umpan-balik"
    codes = {"UPT01", "UPT02", "UPT03", "UPT04", "BD01", "BD02"}
    assert {p.name for p in out.iterdir()} == {f"{c}.{ext}" for c in codes for ext in ("xlsx", "pdf")}
    manifest = json.loads((sample / f"build/{SAMPLE_YEAR}/manifest.json").read_text())
    kinds = {(f["kind"], f["unit"]) for f in manifest["files"]}
    assert kinds == {(k, c) for c in codes for k in ("feedback-xlsx", "feedback-pdf")}
    problems = openpyxl.load_workbook(out / "BD02.xlsx")["Masalah LKE"]
    rows = [(r[0].value, r[2].value, r[3].value) for r in problems.iter_rows(min_row=4)]
    letter = LKE.letter("answer")
    # Worded by the reader (in Indonesian, whatever the command line speaks): what before "; ", the fix after.
    what, fix = next((w, f) for cell, w, f in rows if cell == f"LKE!{letter}{row}")
    assert "'Z'" in what and "PPA2B" in what and "A, B, C" in fix
    # again: nothing changed, nothing rebuilt
    again = CliRunner().invoke(cli, ["-C", str(sample), "umpan-balik"], catch_exceptions=False)
    assert "built 0, reused 12" in again.output


def test_recap_shows_the_self_assessment_under_each_total_starred_when_the_tpi_changed_answers(year):
    from dossier.documents import recap

    award_year, edition = year
    scores = [score_unit(u, award_year.lke.get(u.code), edition) for u in award_year.units]
    ctx = recap.context(award_year, scores, Settings())
    owns = {r["code"]: next(c["own"] for c in r["cells"] if c["own"]) for r in ctx["rows"]}
    assert owns["UPT01"] == "(88,66)*" and owns["UPT02"] == "(84,27)"
    assert all(r["cells"][-1]["text"] for r in ctx["rows"])
