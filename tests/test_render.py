"""The Jinja environment, the confined HTML -> PDF renderer and the charts."""

import io
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PIL import Image
from pypdf import PdfReader

from dossier.errors import RenderError, TemplateError
from dossier.render.charts import WARN, BarChart, area_share_chart, data_uri, with_pictures
from dossier.render.pdf import html_to_pdf
from dossier.render.templates import default_templates_dir, environment, export_defaults, render, static_dirs

CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


@pytest.fixture
def workspace_templates(tmp_path):
    folder = tmp_path / "templates"
    (folder / "static").mkdir(parents=True)
    return folder


def test_workspace_template_wins_and_missing_files_fall_back(workspace_templates):
    (workspace_templates / "dossier.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Versi unit: {{ unit.name }}</p>{% endblock %}', encoding="utf-8"
    )
    (workspace_templates / "static" / "dossier.css").write_text("/* gaya sendiri */", encoding="utf-8")
    env = environment(workspace_templates)
    html = render(env, "dossier.html", {"title": "T", "unit": {"name": "Balai A"}})
    assert "<p>Versi unit: Balai A</p>" in html
    assert "Halaman <span class=\"page\"></span>" in html  # base.html: the default, not overridden
    assert "font-family" in html  # static/document.css, the default
    assert render(env, "static/dossier.css", {}) == "/* gaya sendiri */"
    assert static_dirs(workspace_templates) == [workspace_templates / "static", default_templates_dir() / "static"]


def test_undefined_name_names_template_line_and_name(workspace_templates):
    (workspace_templates / "surat.html").write_text("<p>satu</p>\n<p>dua</p>\n<p>{{ kepala_unit }}</p>\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render(environment(workspace_templates), "surat.html", {})
    message = caught.value.format_message()
    assert "surat.html" in message and "line 3" in message and "kepala_unit" in message


def test_undefined_name_in_an_included_template_names_that_template(workspace_templates):
    (workspace_templates / "outer.html").write_text('<p>a</p>\n{% include "inner.html" %}\n', encoding="utf-8")
    (workspace_templates / "inner.html").write_text("<p>b</p>\n<p>c</p>\n<p>{{ unit.nama }}</p>\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render(environment(workspace_templates), "outer.html", {"unit": {"name": "X"}})
    message = caught.value.format_message()
    assert "inner.html" in message and "line 3" in message and "nama" in message


def test_syntax_error_names_template_and_line(workspace_templates):
    (workspace_templates / "rusak.html").write_text("<p>a</p>\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"rusak\.html, line 2"):
        render(environment(workspace_templates), "rusak.html", {})


def test_missing_template_lists_every_place_looked(workspace_templates):
    with pytest.raises(TemplateError) as caught:
        render(environment(workspace_templates), "tidak-ada.html", {})
    message = caught.value.format_message()
    assert str(workspace_templates / "tidak-ada.html") in message
    assert str(default_templates_dir() / "tidak-ada.html") in message


def test_values_are_escaped_and_never_evaluated(workspace_templates):
    (workspace_templates / "x.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    html = render(environment(workspace_templates), "x.html", {"name": 'Sentra <b>"Maju" & Co</b> {{ 7*7 }}'})
    assert html == "<p>Sentra &lt;b&gt;&#34;Maju&#34; &amp; Co&lt;/b&gt; {{ 7*7 }}</p>"


def test_sandbox_refuses_unsafe_attributes(workspace_templates):
    (workspace_templates / "x.html").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(TemplateError, match="x.html"):
        render(environment(workspace_templates), "x.html", {})


def test_formatting_filters_are_indonesian(workspace_templates):
    (workspace_templates / "x.html").write_text("{{ 78.125 | number }} {{ 0.6 | percent }} {{ d | long_date }}", encoding="utf-8")
    from datetime import date

    assert render(environment(workspace_templates), "x.html", {"d": date(2024, 12, 12)}) == "78,13 60% 12 Desember 2024"


def test_export_defaults_copies_templates_and_keeps_edits(tmp_path):
    written = export_defaults(tmp_path / "t")
    assert (tmp_path / "t" / "dossier.html").is_file() and (tmp_path / "t" / "static" / "fonts").is_dir()
    (tmp_path / "t" / "dossier.html").write_text("diubah", encoding="utf-8")
    again = export_defaults(tmp_path / "t")
    assert len(again) == 0 and len(written) > 5
    assert (tmp_path / "t" / "dossier.html").read_text(encoding="utf-8") == "diubah"


# --- PDF ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1/x.png">',
        '<link rel="stylesheet" href="https://127.0.0.1/x.css">',
        '<img src="../../../../../../etc/hostname">',
        '<style>@font-face { font-family: X; src: url(file:///etc/passwd); } p { font-family: X; }</style><p>a</p>',
    ],
)
def test_pdf_refuses_urls_outside_allowed_folders(tmp_path, markup):
    with pytest.raises(RenderError) as caught:
        html_to_pdf(page(markup), base_url=tmp_path, allowed_roots=[tmp_path], created=CREATED)
    message = caught.value.format_message()
    assert "refused" in message and ("/etc/" in message or "127.0.0.1" in message)


def test_pdf_refuses_a_link_leaving_an_allowed_folder(tmp_path):
    allowed = tmp_path / "bukti"
    allowed.mkdir()
    (tmp_path / "rahasia.png").write_bytes(area_share_chart([("A", 0.5)]))
    os.symlink(tmp_path / "rahasia.png", allowed / "foto.png")
    with pytest.raises(RenderError, match="outside the folders"):
        html_to_pdf(page('<img src="foto.png">'), base_url=allowed, allowed_roots=[allowed], created=CREATED)


def test_pdf_reads_data_uris_and_files_inside_allowed_folders(tmp_path):
    png = area_share_chart([("Pemenuhan – Manajemen Perubahan", 0.8)])
    (tmp_path / "grafik.png").write_bytes(png)
    pdf = html_to_pdf(
        page(f'<p>Grafik</p><img src="{data_uri(png)}" style="width: 80mm"><img src="grafik.png" style="width: 80mm">'),
        base_url=tmp_path,
        allowed_roots=[tmp_path],
        created=CREATED,
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 2


def test_pdf_is_deterministic_and_dated_from_created(tmp_path):
    html = page("<h1>Judul</h1><p>Isi dokumen.</p>")
    first = html_to_pdf(html, base_url=tmp_path, allowed_roots=[], title="Uji", author="Kementerian", created=CREATED)
    second = html_to_pdf(html, base_url=tmp_path, allowed_roots=[], title="Uji", author="Kementerian", created=CREATED)
    assert first == second
    meta = PdfReader(io.BytesIO(first)).metadata
    assert meta["/CreationDate"].startswith("D:20240101") and meta["/ModDate"].startswith("D:20240101")
    assert meta["/Title"] == "Uji" and meta["/Author"] == "Kementerian"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_bundled_font_is_embedded(tmp_path):
    import subprocess

    env = environment(None)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "x.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Teks <strong>tebal</strong> <em>miring</em></p>{% endblock %}',
        encoding="utf-8",
    )
    env = environment(tmp_path / "t")
    pdf = html_to_pdf(render(env, "x.html", {}), base_url=default_templates_dir(), allowed_roots=static_dirs(tmp_path / "t"), created=CREATED)
    (tmp_path / "x.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "x.pdf")], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert len(rows) == 3 and all("Dossier-Sans" in r for r in rows)
    assert all(r.split()[-5] == "yes" for r in rows)  # the emb column


# --- charts ---------------------------------------------------------------------------


def test_chart_is_a_deterministic_png_of_the_expected_size():
    parts = [("Pemenuhan – Manajemen Perubahan", 0.9), ("Reform – Penguatan Pengawasan", 0.55)]
    png = area_share_chart(parts)
    assert png == area_share_chart(parts)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == round(170 / 25.4 * 200)  # 170 mm at 200 dpi
    assert data_uri(png).startswith("data:image/png;base64,iVBOR")


def test_a_charts_name_holds_everything_it_shows_and_only_its_src_is_drawn():
    """A chart is named in markup before it is drawn (a recap part kept needs no drawing): the same chart the
    same name, any change to what it shows another; only an <img src> holding it becomes the picture."""
    chart = BarChart.of([("UPT01", 80.0), ("UPT02", 60.5)], [("Batas minimal WBK (75)", 75.0)], maximum=100.0,
                        ticks=[(0, "0"), (100, "100")], value_label=lambda v: f"{v:.2f}", warn_label="Belum",
                        marks=["memenuhi WBK", ""], failed=[False, True])
    again = BarChart.of([("UPT01", 80.0), ("UPT02", 60.5)], [("Batas minimal WBK (75)", 75.0)], maximum=100.0,
                        ticks=[(0, "0"), (100, "100")], value_label=lambda v: f"{v:.2f}", warn_label="Belum",
                        marks=["memenuhi WBK", ""], failed=[False, True])
    assert chart.src == again.src and chart.src.startswith("chart:")
    changed = [replace(chart, rows=(("UPT01", 80.0), ("UPT02", 60.51))), replace(chart, rows=(("UPT01", 80.0), ("UPT03", 60.5))),
               replace(chart, lines=(("Batas minimal WBK (75)", 75.5),)), replace(chart, maximum=1.0),
               replace(chart, ticks=((0, "0"), (100, "100 %"))), replace(chart, values=("80,00", "60,50")),
               replace(chart, warn_label="Di bawah"), replace(chart, width_mm=200), replace(chart, label_mm=(15, 41)),
               replace(chart, row_mm=4.6), replace(chart, marks=("memenuhi WBBM", "")), replace(chart, failed=None)]
    assert len({c.src for c in [chart, *changed]}) == 1 + len(changed)
    assert all(c.png() != chart.png() for c in changed[:3])

    html = (f'<p>{chart.src}</p><p title="{chart.src}">x</p><img src="{chart.src}"><img src="{again.src}">'
            f'<img src="{changed[0].src}">')
    shown = with_pictures(html, [chart])
    picture = data_uri(chart.png())
    assert shown == (f'<p>{chart.src}</p><p title="{chart.src}">x</p><img src="{picture}"><img src="{picture}">'
                     f'<img src="{changed[0].src}">')  # a chart not given stays named: WeasyPrint refuses it


def test_chart_draws_bars_under_the_lowest_line_in_the_warning_colour():
    def has_warning(parts):
        image = Image.open(io.BytesIO(area_share_chart(parts))).convert("RGB")
        # Ignore the legend swatch: look below it, in the bars.
        bars = image.crop((0, image.height // 4, image.width, image.height))
        return any(colour == WARN for _, colour in bars.getcolors(1 << 20))

    assert has_warning([("A", 0.59), ("B", 0.9)])
    assert not has_warning([("A", 0.60), ("B", 0.9)])
