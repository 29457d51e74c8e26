"""The recap workbook and PDF: one row per unit, unrounded numbers, shading from the rules."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from dossier.config import Settings
from dossier.documents import letter, recap, recap_xlsx
from dossier.model import Answer, Award, AwardYear, Lke, Unit
from dossier.render.charts import BarChart
from dossier.rules import load_edition
from dossier.scoring import score_unit
from tests.reading import pdf_text

EDITION = load_edition("2021")
CREATED = datetime(2024, 12, 12, 9, 0, 0)


def answers(code: str, target: float, index: float, weak_area: str = "") -> Lke:
    """An LKE whose every answer scores close to the fraction `target` (1.0 = best).

    Questions of `weak_area` get their worst option, so that area's parts fall below minimum.
    """
    found = {}
    for key, indicator in EDITION.indicators.items():
        if indicator.kind == "index":
            found[key] = Answer(key, index=index)
        elif indicator.kind == "count":
            done = round(10 * target)
            counts = {1: 10, 2: done, 3: done, 4: 0}
            if key == "PRC3A":
                counts = {1: 10, 2: 10 - done, 3: 0}
            if key in ("PRE3A", "PRE3B"):
                counts = {1: 1, 2: 5, 3: 4, 4: done}
            found[key] = Answer(key, counts=counts)
        else:
            options = sorted(indicator.options, key=lambda o: abs((o.score or 0.0) - target))
            pick = min(indicator.options, key=lambda o: o.score or 0.0) if indicator.area == weak_area else options[0]
            found[key] = Answer(key, choice=pick.key)
    return Lke(code, f"lke/{code}.xlsx", found)


def unit(code, name, kind, proposed="WBK", current="", result="", category=""):
    return Unit(code, name, kind, "Kota", "Provinsi", "Kepala", proposed, current, result, category)


def award_year(units) -> AwardYear:
    award = Award(2024, "Kementerian Contoh Maritim", "KCM", "Kementerian PANRB", date(2024, 12, 12),
                  "Hotel Contoh, Jakarta", "Menteri PANRB", "Sekretaris Jenderal KCM", "Jakarta")
    return AwardYear(2024, "2021", Path("/nonexistent/inputs/2024"), award, units, [], {})


@pytest.fixture
def year_and_scores():
    units = [
        unit("UPT01", "UPT Contoh Satu", "Unit Pelaksana Teknis (UPT)", "WBBM", "WBK", "WBBM"),
        unit("UPT02", "UPT Contoh Dua", "Unit Pelaksana Teknis (UPT)", result="WBK"),
        unit("BD01", 'Balai <b>"Maju" & Co</b>', "Balai Diklat", result="Tidak"),
    ]
    lkes = [answers("UPT01", 1.0, 4.0), answers("UPT02", 0.8, 3.7), answers("BD01", 0.8, 3.7, "Penguatan Pengawasan")]
    scores = [score_unit(u, lke, EDITION) for u, lke in zip(units, lkes)]
    return award_year(units), scores


def test_scores_cover_every_outcome(year_and_scores):
    _, scores = year_and_scores
    assert scores[0].eligible == ["WBK", "WBBM"]
    assert "WBK" in scores[1].eligible
    assert scores[2].eligible == []


def test_workbook_has_one_row_per_unit_with_unrounded_scores(year_and_scores):
    year, scores = year_and_scores
    wb = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))
    assert wb.sheetnames == [recap_xlsx.SHEET, recap_xlsx.AVERAGES_SHEET, recap_xlsx.SHORTFALL_SHEET]
    ws = wb[recap_xlsx.SHEET]
    header_row = ws.freeze_panes and int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[header_row]]
    assert headers[:5] == ["Kode", "Nama Unit", "Jenis Unit", "Predikat Dituju", "Predikat Saat Ini"]
    assert headers[-4:] == ["Memenuhi Syarat", "Jumlah Kekurangan", "Indikator Tanpa Bukti Dukung", "Hasil Penetapan"]
    area_parts = [h for h in headers if " – " in h]
    assert len(area_parts) == 12
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=header_row + 1) if row[0].value]
    assert [r[0] for r in rows] == ["UPT01", "UPT02", "BD01"]
    for row, score in zip(rows, scores):
        data = _exact(score.to_json())
        record = dict(zip(headers, row))
        assert record["Nama Unit"] == data["name"]  # hostile text kept as it is
        assert record["Nilai Total"] == data["total"]
        assert record["Pemenuhan"] == data["pemenuhan"]
        assert record["Reform"] == data["reform"]
        assert record["Komponen Pengungkit"] == data["pengungkit"]
        assert record["Komponen Hasil"] == data["hasil"]
        assert record["Nilai IPAK"] == data["ipak"]
        assert record["Capaian Kinerja"] == data["capaian_kinerja"]
        assert record["Nilai IPKP"] == data["ipkp"]
        for area in data["areas"]:
            assert record[f"Pemenuhan – {area['area']}"] == area["pemenuhan"]
            assert record[f"Reform – {area['area']}"] == area["reform"]
        assert record["Jumlah Kekurangan"] == len(data["shortfalls"])
        assert record["Memenuhi Syarat"] == (", ".join(data["eligible"]) or recap.NOT_ELIGIBLE)
    assert rows[1][headers.index("Nilai Total")] != round(rows[1][headers.index("Nilai Total")], 2)  # unrounded
    assert [r[-1] for r in rows] == ["WBBM", "WBK", "Tidak"]


def _exact(value):
    """The JSON numbers as the workbook stores them: openpyxl writes 16 significant digits."""
    if isinstance(value, float):
        return float(f"{value:.16g}")
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def test_workbook_is_usable_frozen_filtered_formatted_and_shaded(year_and_scores):
    year, scores = year_and_scores
    wb = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))
    ws = wb[recap_xlsx.SHEET]
    header_row = int(ws.freeze_panes[1:]) - 1
    assert ws.freeze_panes == f"C{header_row + 1}"
    assert ws.auto_filter.ref.startswith(f"A{header_row}:") and ws.auto_filter.ref.endswith(str(header_row + 3))
    headers = [c.value for c in ws[header_row]]
    pengawasan = headers.index("Pemenuhan – Penguatan Pengawasan") + 1
    total = headers.index("Nilai Total") + 1
    weak, strong = ws.cell(header_row + 3, pengawasan), ws.cell(header_row + 1, pengawasan)
    assert weak.number_format == "0.00" and ws.cell(header_row + 1, total).number_format == "0.00"
    # Six areas (PermenPAN-RB 90/2021 Tabel 6): a half has no minimum of its own, so it is not shaded;
    # the unit's failed area shows in its shaded count of shortfalls.
    assert weak.value < 0.6 * 7.5 and weak.fill.fill_type is None
    assert ws.cell(header_row + 3, headers.index("Jumlah Kekurangan") + 1).fill.fgColor.rgb.endswith("F8CBAD")
    assert strong.fill.fill_type is None
    assert ws.cell(header_row + 1, total).fill.fill_type is None
    assert ws.column_dimensions["B"].width >= 30


def test_first_sheet_names_edition_and_thresholds_from_rules(year_and_scores):
    year, scores = year_and_scores
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.SHEET]
    above = " ".join(str(ws.cell(r, 1).value or "") for r in range(1, int(ws.freeze_panes[1:]) - 1))
    assert EDITION.title in above
    assert "Syarat WBK: Nilai Total ≥ 75,00" in above and "Syarat WBBM: Nilai Total ≥ 85,00" in above
    assert "≥ 60% dari bobotnya" in above and "sudah berpredikat WBK" in above


def test_averages_sheet_gives_mean_min_max_per_area_part(year_and_scores):
    year, scores = year_and_scores
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.AVERAGES_SHEET]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len([name for name in rows if " – " in name]) == 12
    totals = [s.total for s in scores]
    name, weight, mean, low, high, minimum, below = rows["Nilai Total"]
    assert (weight, minimum) == (100.0, 75.0)
    assert mean == pytest.approx(sum(totals) / 3) and (low, high) == (min(totals), max(totals))
    assert rows["Pemenuhan – Penguatan Pengawasan"][5:] == (None, None)  # six areas: no minimum per half
    assert ws.cell(2, 3).number_format == "0.00"


def test_workbook_bytes_are_deterministic(year_and_scores):
    year, scores = year_and_scores
    first = recap_xlsx.xlsx(year, scores, created=CREATED)
    assert first == recap_xlsx.xlsx(year, scores, created=CREATED)
    assert load_workbook(io.BytesIO(first)).properties.created == CREATED


def test_summary_counts_units_and_eligibility(year_and_scores):
    year, scores = year_and_scores
    ctx = recap.context(year, scores, Settings())
    assert ctx["summary"] == "3 unit dinilai, 2 diusulkan (1 WBK, 1 WBBM)"
    assert ctx["announced"] == "Hasil penetapan: 1 WBBM, 1 WBK, 1 tidak mendapat predikat."
    assert [c["uri"] for c in ctx["charts"]] == [c["picture"].src for c in ctx["charts"]]
    assert [c["picture"].png()[:8] for c in ctx["charts"]] == [b"\x89PNG\r\n\x1a\n"]


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_pdf_is_landscape_with_summary_table_and_literal_hostile_text(year_and_scores, tmp_path):
    from pypdf import PdfReader

    from dossier.render.templates import environment, static_dirs

    year, scores = year_and_scores
    ctx = recap.context(year, scores, Settings())
    data = recap.pdf(environment(None), ctx, allowed_roots=static_dirs(None), created=CREATED)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    path = tmp_path / "rekapitulasi.pdf"
    path.write_bytes(data)
    text = pdf_text(path, "-layout")
    assert "3 unit dinilai, 2 diusulkan (1 WBK, 1 WBBM)" in " ".join(text.split())
    assert 'Balai <b>"Maju" & Co</b>' in text
    assert "UPT02" in text and "Penguatan Pengawasan" in text
    assert data == recap.pdf(environment(None), ctx, allowed_roots=static_dirs(None), created=CREATED)


def large_year(count: int = 2 * recap.CHART_ROWS + 5, weak: str = ""):
    """A year of `count` units, every one answering alike except `weak` (the worst answers)."""
    lke = answers("X", 0.8, 3.7)
    units = [unit(f"U{i:03}", f"Unit Contoh {i}", "Balai Diklat") for i in range(1, count + 1)]
    scores = [score_unit(u, Lke(u.code, f"lke/{u.code}.xlsx", lke.answers if u.code != weak else
                                answers(u.code, 0.2, 1.0).answers), EDITION) for u in units]
    return award_year(units), scores


@pytest.fixture(scope="module")
def large_recap():
    """A large year, its recap context and its recap PDF, rendered once for the tests that read it."""
    from dossier.render.templates import environment, static_dirs

    year, scores = large_year()
    ctx = recap.context(year, scores, Settings())
    return year, ctx, recap.pdf(environment(None), ctx, allowed_roots=static_dirs(None), created=CREATED)


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_a_large_year_gets_one_chart_per_page_with_every_unit(large_recap, tmp_path):
    """Regression: one chart of every unit grew taller than the page and was cut off after ~25 units."""
    from PIL import Image
    from pypdf import PdfReader

    year, ctx, data = large_recap
    units = year.units
    charts = ctx["charts"]
    assert [(c["first"], c["last"]) for c in charts] == [
        (1, recap.CHART_ROWS), (recap.CHART_ROWS + 1, 2 * recap.CHART_ROWS), (2 * recap.CHART_ROWS + 1, len(units))
    ]
    for chart in charts:
        image = Image.open(io.BytesIO(chart["picture"].png()))
        assert image.height * 230 / image.width < 150  # mm, shown 230 mm wide; the page leaves 176 mm

    path = tmp_path / "rekapitulasi.pdf"
    path.write_bytes(data)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listed.splitlines()[2:]]
    pages = [int(row[0]) for row in images if row[2] == "image"]
    assert len(pages) == len(charts) + len(ctx["area_charts"])  # none split or dropped
    assert len(set(pages[:len(charts)])) == len(charts)  # each chart of the totals on a page of its own
    assert pages[-1] == len(PdfReader(io.BytesIO(data)).pages)
    text = pdf_text(path)
    assert f"Unit ke-{2 * recap.CHART_ROWS + 1} sampai ke-{len(units)} dari {len(units)} (lanjutan)" in text


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_pdf_in_parts_reads_as_one_document(large_recap, tmp_path):
    """Joined from parts: numbered "Halaman X dari Y" throughout, PDF/A metadata, bookmarks, one column layout."""
    from pypdf import PdfReader

    year, ctx, data = large_recap
    assert len(ctx["widths"]) == 4 + len(ctx["columns"]) + 4
    assert sum(ctx["widths"]) == pytest.approx(recap.TABLE_MM, abs=0.5) and min(ctx["widths"]) > 4
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    # title and 12 rows, 3 blocks of up to 15 rows, 3 charts of the totals; six areas by two full blocks of
    # units, a page each, and the six short charts of the last five units, three a page
    assert pages == 1 + 3 + 3 + 6 * 2 + 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert text.count("Halaman") == 1 and f"Halaman {number} dari {pages}" in text
        assert "Rekapitulasi Penilaian Zona Integritas Tahun 2024" in text  # the running header
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root and b"pdfaid:part" in root["/Metadata"].get_data()
    assert reader.metadata.title == "Rekapitulasi Penilaian Zona Integritas Tahun 2024"
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Rekapitulasi Penilaian Zona Integritas Tahun 2024", "Nilai Total Setiap Unit dan Predikat yang Dipenuhi",
        "Capaian Setiap Area terhadap Batas Minimal"]
    path = tmp_path / "rekapitulasi.pdf"
    path.write_bytes(data)
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    text = pdf_text(path)
    assert all(u.name in text for u in year.units)


@pytest.mark.render
def test_a_rebuild_renders_again_only_the_parts_that_changed(tmp_path, monkeypatch):
    """One unit's lower scores: its block, the title (the summary counts change) and its chart; the same bytes."""
    from dossier.render import pdf as pdf_module
    from dossier.render.templates import environment, static_dirs

    rendered = []
    real = pdf_module.html_to_pdf
    monkeypatch.setattr(pdf_module, "html_to_pdf", lambda html, **kw: rendered.append(html) or real(html, **kw))
    env, roots, parts = environment(None), static_dirs(None), tmp_path / "parts"
    year, scores = large_year()
    recap.pdf(env, recap.context(year, scores, Settings()), allowed_roots=roots, created=CREATED, parts_dir=parts)
    assert len(rendered) == 7 + 3 + 1  # every part (the area charts by block of units) and the footers
    assert len(list(parts.glob("*.pdf"))) == 11

    rendered.clear()
    drawn = []
    draw = BarChart.png
    monkeypatch.setattr(BarChart, "png", lambda chart: drawn.append(chart) or draw(chart))
    year, scores = large_year(weak="U030")  # in the second block (rows 28-42) and the second chart (26-50)
    ctx = recap.context(year, scores, Settings())
    again = recap.pdf(env, ctx, allowed_roots=roots, created=CREATED, parts_dir=parts)
    assert len(rendered) == 4  # the title with the summary, the block of U030, its charts (same pages: same footers)
    assert any("U030" in html and "<h1" not in html and "<img" not in html for html in rendered)
    # Only the charts that show U030 are drawn, each once: the others' parts are kept, named by what they show.
    charts = [c["picture"] for c in ctx["charts"] + ctx["area_charts"]]
    assert drawn and len(drawn) == len(set(drawn)) == sum("U030" in dict(c.rows) for c in charts) < len(charts)
    assert len(list(parts.glob("*.pdf"))) == 11  # the parts no longer used are gone
    assert again == recap.pdf(env, ctx, allowed_roots=roots, created=CREATED)  # the same bytes as rendered afresh


@pytest.mark.render
def test_a_font_replaced_under_the_same_name_renders_the_kept_parts_again(tmp_path, year_and_scores, monkeypatch):
    """A part is kept by the bytes of the files its markup loads, not by their paths: the workspace's own
    font replaced by another under the same name is never shown by a part kept from before."""
    from dossier.render import pdf as pdf_module
    from dossier.render.templates import environment, static_dirs

    templates = tmp_path / "templates"
    fonts = templates / "static" / "fonts"
    fonts.mkdir(parents=True)
    bundled = static_dirs(None)[-1] / "fonts"
    shutil.copy(bundled / "LiberationSans-Regular.ttf", fonts / "LiberationSans-Regular.ttf")
    env, roots, parts = environment(templates), static_dirs(templates), tmp_path / "parts"
    year, scores = year_and_scores
    ctx = recap.context(year, scores, Settings())
    first = recap.pdf(env, ctx, allowed_roots=roots, created=CREATED, parts_dir=parts)

    rendered = []
    real = pdf_module.html_to_pdf
    monkeypatch.setattr(pdf_module, "html_to_pdf", lambda html, **kw: rendered.append(html) or real(html, **kw))
    assert recap.pdf(env, ctx, allowed_roots=roots, created=CREATED, parts_dir=parts) == first and not rendered
    shutil.copy(bundled / "LiberationSans-Bold.ttf", fonts / "LiberationSans-Regular.ttf")
    again = recap.pdf(env, ctx, allowed_roots=roots, created=CREATED, parts_dir=parts)
    assert rendered and all(fonts.as_uri() in html for html in rendered)  # the parts that load it, again
    assert again == recap.pdf(env, ctx, allowed_roots=roots, created=CREATED)  # as rendered afresh


def test_every_sheet_prints_on_a4_one_page_wide_with_numbers_stored_as_numbers(year_and_scores):
    """Issue 23 §5: A4, one page wide per sheet (landscape when wide), numbers as numbers, titles intact."""
    year, scores = year_and_scores
    wb = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))
    orientations = {}
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
        assert setup.scale is None, ws.title  # no fixed scale: the width decides it
        widths = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
        orientations[ws.title] = setup.orientation
        assert setup.orientation == ("landscape" if widths > recap_xlsx.PORTRAIT_WIDTH else "portrait"), ws.title
        assert ws.print_title_rows, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.oddHeader.left.text.startswith(f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year}")
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):  # no number written as text ("75,00", "75.00", "75")
                    assert not re.fullmatch(r"-?\d+(?:[.,]\d+)?", cell.value.strip()), (ws.title, cell.coordinate)
    assert orientations[recap_xlsx.SHEET] == "landscape"  # the recap's many score columns
    main = wb[recap_xlsx.SHEET]
    numbers = [c for row in main.iter_rows() for c in row if isinstance(c.value, (int, float))
               and not isinstance(c.value, bool)]
    assert numbers and all(c.data_type == "n" for c in numbers)
    assert any(c.number_format == recap_xlsx.NUMBER_FORMAT for c in numbers)
    title = f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year} — {year.award.ministry}".rstrip(" —")
    assert main["A1"].value == title and not main.merged_cells.ranges  # whole, in one cell, overflowing freely


def test_shortfall_sheet_lists_every_shortfall_of_every_unit(year_and_scores):
    year, scores = year_and_scores
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.SHORTFALL_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in ws[1]] == ["Kode", "Nama Unit", "Predikat Dituju", "Syarat (Area)", "Batas Minimal",
                                        "Capaian", "Kekurangan"]
    expected = [(s.unit.code, f.label, f.required, f.reached) for s in scores for f in s.proposed_shortfalls]
    assert [(r[0], r[3], r[4], r[5]) for r in rows if r[3] != "Tidak ada kekurangan"] == expected
    assert any("Penguatan Pengawasan" in r[3] and r[6] == pytest.approx(r[4] - r[5]) for r in rows if r[0] == "BD01")
    assert [r[0] for r in rows if r[3] == "Tidak ada kekurangan"] == ["UPT01", "UPT02"]


@pytest.mark.render
def test_recap_counts_indicators_without_evidence(year_and_scores):
    year, scores = year_and_scores
    ctx = recap.context(year, scores, Settings())
    assert [r["without_evidence"] for r in ctx["rows"]] == [len(EDITION.indicators)] * 3  # these LKEs cite none
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.SHEET]
    header_row = int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[header_row]]
    column = headers.index("Indikator Tanpa Bukti Dukung") + 1
    assert [ws.cell(header_row + i, column).value for i in (1, 2, 3)] == [len(EDITION.indicators)] * 3


@pytest.mark.render
def test_chart_marks_each_bar_with_its_predicate_and_shows_every_area(year_and_scores):
    year, scores = year_and_scores
    assert [recap.eligible_mark(s) for s in scores] == ["memenuhi WBBM", "memenuhi WBK", "belum memenuhi syarat"]
    ctx = recap.context(year, scores, Settings())
    assert [c["title"] for c in ctx["area_charts"]] == [f"{i}. {a}" for i, a in enumerate(recap.areas(EDITION), 1)]
    assert ctx["area_minimums"] == "WBK 60% dan WBBM 75%"


@pytest.mark.render
def test_recap_shows_the_institution_prerequisites_from_the_register(year_and_scores, tmp_path):
    from dataclasses import replace

    from dossier.render.templates import environment, static_dirs

    year, scores = year_and_scores
    year.award = replace(year.award, bpk_opinion="Wajar Tanpa Pengecualian (WTP)", sakip="=BB (78,12)")
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.SHEET]
    above = [ws.cell(r, 1) for r in range(1, int(ws.freeze_panes[1:]) - 1)]
    assert "Opini BPK atas laporan keuangan: Wajar Tanpa Pengecualian (WTP)" in [c.value for c in above]
    assert "Nilai SAKIP: =BB (78,12)" in [c.value for c in above]
    assert all(c.data_type == "s" for c in above if c.value)
    path = tmp_path / "rekapitulasi.pdf"
    path.write_bytes(recap.pdf(environment(None), recap.context(year, scores, Settings()),
                               allowed_roots=static_dirs(None), created=CREATED))
    text = " ".join(pdf_text(path).split())
    assert "Opini BPK atas laporan keuangan: Wajar Tanpa Pengecualian (WTP)" in text
    assert "Nilai SAKIP: =BB (78,12)" in text

    year.award = replace(year.award, bpk_opinion=" ", sakip="")
    ws = load_workbook(io.BytesIO(recap_xlsx.xlsx(year, scores, created=CREATED)))[recap_xlsx.SHEET]
    above = [ws.cell(r, 1).value for r in range(1, int(ws.freeze_panes[1:]) - 1)]
    assert "Opini BPK atas laporan keuangan: belum diisi" in above and "Nilai SAKIP: belum diisi" in above
    ctx = recap.context(year, scores, Settings())
    assert [p["value"] for p in ctx["prerequisites"]] == [letter.BLANK, letter.BLANK]
