"""The DOCX side of the rendering contract: contract HTML in, a Word file a reader and LibreOffice accept."""

import base64
import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import RGBColor
from lxml import etree
from PIL import Image, ImageDraw

from dossier.errors import RenderError
from dossier.render.docx import REFERENCE_NAME, build_reference, html_to_docx
from dossier.render.templates import default_templates_dir
from tests.reading import pdf_text

HOSTILE = 'Sentra <b>"Maju" & Co</b>'
HOSTILE_HTML = "Sentra &lt;b&gt;&#34;Maju&#34; &amp; Co&lt;/b&gt;"  # as Jinja's autoescape writes it
CREATED = datetime(2024, 12, 12, 9, 30, tzinfo=UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def chart_uri(width: int = 800, height: int = 300) -> str:
    """A PNG data: URI like the charts the dossier embeds."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 60, 300, 280], fill="#14325c")
    draw.rectangle([420, 150, 780, 280], fill="#a11b1b")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def mini_dossier(rows: int = 40) -> str:
    """A small dossier that uses every part of the contract's HTML subset."""
    body = "\n".join(
        f'<tr><td>PPA{i}</td><td>Indikator {i} milik {HOSTILE_HTML}</td>'
        f'<td class="num">{i},50</td><td class="{"fail" if i % 3 == 0 else "ok"}">'
        f'{"Kurang" if i % 3 == 0 else "Memenuhi"}</td></tr>'
        for i in range(1, rows + 1)
    )
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Dossier</title><style>p {{ color: red }}</style></head>
<body>
<div class="running-header">Kementerian Contoh · {HOSTILE_HTML} · 2024</div>
<div class="running-footer">Halaman <span class="page"></span> dari <span class="pages"></span></div>
<section class="cover">
  <p class="cover-logo"><img src="{chart_uri(200, 200)}" style="width: 30mm" alt=""></p>
  <p class="cover-ministry">Kementerian Contoh</p>
  <p class="cover-title">Dokumen Usulan Zona Integritas</p>
  <p class="cover-unit">{HOSTILE_HTML}</p>
  <p class="cover-year">Tahun 2024</p>
</section>
<section class="page-break contents">
  <p class="toc-title">Daftar Isi</p>
  <nav class="toc"><ol>
    <li><a href="#profil">1. Profil Unit Kerja</a></li>
    <li class="level-2"><a href="#inovasi">Inovasi</a></li>
    <li><a href="#ringkasan">2. Ringkasan Penilaian</a></li>
    <li><a href="#pernyataan">3. Surat Pernyataan</a></li>
  </ol></nav>
</section>
<section class="page-break profile">
  <h1 id="profil">1. Profil Unit Kerja</h1>
  <p>Unit <strong>{HOSTILE_HTML}</strong> berada di <em>Bekasi</em>,<br>Jawa Barat. {{{{ 7*7 }}}}</p>
  <h2 id="inovasi">Inovasi <span class="heading-score">(2 inovasi)</span></h2>
  <ul><li>Layanan daring</li><li>Antrian <b>cerdas</b></li></ul>
  <ol><li>Pertama</li><li>Kedua</li></ol>
  <ol><li>Daftar baru</li></ol>
  <p class="note">Catatan kecil. <img src="file:///etc/passwd" alt=""><img src="https://example.invalid/x.png"></p>
  <custom-element>Teks elemen tak dikenal</custom-element>
</section>
<section class="page-break summary">
  <h1 id="ringkasan">2. Ringkasan Penilaian</h1>
  <p class="eligibility"><span class="badge ok">Memenuhi syarat WBK</span><br>
  <span class="badge fail">Belum memenuhi syarat WBBM</span></p>
  <p><img src="{chart_uri()}" style="width: 400mm" alt="Grafik"></p>
  <h3>Tabel nilai</h3>
  <table class="scores" style="width: 100%">
    <thead><tr><th style="width: 12%">Kode</th><th>Indikator</th><th class="num">Nilai</th><th>Status</th></tr></thead>
    <tbody>
      <tr class="sub-area"><td colspan="4"><strong>Penyusunan Tim Kerja</strong></td></tr>
      {body}
      <tr class="total"><td colspan="2">Nilai Total</td><td class="num">80,92</td><td class="fail">kurang 1,88</td></tr>
    </tbody>
  </table>
</section>
<section class="page-break statement">
  <h1 id="pernyataan">3. Surat Pernyataan</h1>
  <p>Demikian pernyataan ini dibuat untuk dipergunakan sebagaimana mestinya.</p>
  <p class="signing-place">Jakarta, 12 Desember 2024</p>
  <section class="signatures">
    <div class="signature"><p>Kepala {HOSTILE_HTML},</p><p class="signature-space"></p>
      <p class="signature-name">Dr. Rina Wulandari</p></div>
    <div class="signature"><p>Ketua Tim Penilai Internal,</p><p class="signature-space"></p>
      <p class="signature-name">Ir. Bambang Sutrisno</p><p>NIP. 196805121994031002</p></div>
  </section>
</section>
</body></html>"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The mini dossier as DOCX bytes, written to a file and opened with python-docx."""
    tmp = tmp_path_factory.mktemp("docx")
    data = html_to_docx(mini_dossier(), title=f"Dossier {HOSTILE}", author="Kementerian Contoh", created=CREATED)
    path = tmp / "ST01.docx"
    path.write_bytes(data)
    return {"data": data, "path": path, "doc": Document(str(path)), "tmp": tmp}


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def paragraphs_with(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_headings_map_to_word_heading_styles(converted):
    doc = converted["doc"]
    assert paragraphs_with(doc, "Heading 1") == ["1. Profil Unit Kerja", "2. Ringkasan Penilaian", "3. Surat Pernyataan"]
    assert paragraphs_with(doc, "Heading 2") == ["Inovasi (2 inovasi)"]
    assert paragraphs_with(doc, "Heading 3") == ["Tabel nilai"]
    # The contents list's title and the cover's lines do not become headings of the TOC.
    assert paragraphs_with(doc, "toc-title") == ["Daftar Isi"]
    assert paragraphs_with(doc, "cover-title") == ["Dokumen Usulan Zona Integritas"]


def test_page_break_classes_start_sections_on_a_new_page(converted):
    doc = converted["doc"]
    breaks = [p.text for p in doc.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["Daftar Isi", "1. Profil Unit Kerja", "2. Ringkasan Penilaian", "3. Surat Pernyataan"]


def test_page_is_a4_with_an_arial_body(converted):
    doc = converted["doc"]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 17.5 <= section.left_margin.mm <= 25 and 17.5 <= section.right_margin.mm <= 25
    fonts = etree.fromstring(part_xml(converted["data"], "word/styles.xml").encode()).find(f".//{W}rPrDefault//{W}rFonts")
    assert fonts.get(f"{W}ascii") == "Arial" and fonts.get(f"{W}hAnsi") == "Arial"
    assert 10 <= doc.styles["Normal"].font.size.pt <= 11


def test_paragraph_runs_keep_bold_italic_and_line_breaks(converted):
    paragraph = next(p for p in converted["doc"].paragraphs if p.text.startswith("Unit "))
    assert paragraph.text == f"Unit {HOSTILE} berada di Bekasi,\nJawa Barat. {{{{ 7*7 }}}}"
    assert [r.text for r in paragraph.runs if r.bold] == [HOSTILE]
    assert [r.text for r in paragraph.runs if r.italic] == ["Bekasi"]


def test_lists_use_list_styles_and_each_ordered_list_counts_from_one(converted):
    doc = converted["doc"]
    assert paragraphs_with(doc, "List Bullet") == ["Layanan daring", "Antrian cerdas"]
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["Pertama", "Kedua", "Daftar baru"]
    num_ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    numbering = doc.part.numbering_part.element
    restart = numbering.num_having_numId(num_ids[2]).findall(f"{W}lvlOverride/{W}startOverride")
    assert [s.get(f"{W}val") for s in restart] == ["1"]


def test_table_has_repeated_header_row_colspan_and_marked_cells(converted):
    doc = converted["doc"]
    scores = doc.tables[0]
    assert len(doc.tables) == 2  # the scores and the signatures
    rows = scores._tbl.tr_lst
    assert len(rows) == 1 + 1 + 40 + 1
    assert [c.text for c in scores.rows[0].cells] == ["Kode", "Indikator", "Nilai", "Status"]
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(r.trPr is None or r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert rows[1].tc_lst[0].tcPr.grid_span == 4
    assert rows[-1].tc_lst[0].tcPr.grid_span == 2
    cells = scores.rows[4].cells
    assert [c.text for c in cells] == ["PPA3", f"Indikator 3 milik {HOSTILE}", "3,50", "Kurang"]
    assert cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    fail = cells[3]
    assert fail._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FBE9E9"
    assert fail.paragraphs[0].runs[0].font.color.rgb == RGBColor.from_string("A11B1B")
    ok = scores.rows[2].cells[3]
    assert ok.text == "Memenuhi" and ok.paragraphs[0].runs[0].font.color.rgb == RGBColor.from_string("1D6B2F")


def test_table_is_fixed_layout_and_fits_the_text_width(converted):
    doc = converted["doc"]
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    table = doc.tables[0]._tbl
    assert table.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    widths = [int(c.get(qn("w:w"))) for c in table.tblGrid.gridCol_lst]
    assert abs(sum(widths) * 635 - text_width) < 635 * 10  # twips -> EMU, within rounding
    code, indicator, value, status = widths
    assert indicator > status > 0 and indicator > value
    assert abs(code / sum(widths) - 0.12) < 0.01  # the th's width: 12%


def test_running_header_footer_with_page_fields_and_a_bare_cover(converted):
    doc, data = converted["doc"], converted["data"]
    section = doc.sections[0]
    assert section.header.paragraphs[-1].text == f"Kementerian Contoh · {HOSTILE} · 2024"
    footer_xml = etree.tostring(section.footer._element, encoding="unicode")
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    assert section.footer.paragraphs[0].text.startswith("Halaman ")
    assert section.different_first_page_header_footer
    assert all(not p.text for p in section.first_page_header.paragraphs)
    assert all(not p.text for p in section.first_page_footer.paragraphs)
    assert "w:titlePg" in part_xml(data, "word/document.xml")


def test_toc_is_a_word_field_refreshed_on_opening(converted):
    data, doc = converted["data"], converted["doc"]
    document_xml = part_xml(data, "word/document.xml")
    assert 'TOC \\o "1-2" \\h \\z \\u' in document_xml
    settings = etree.fromstring(part_xml(data, "word/settings.xml").encode())
    update = settings.find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    # Its stored result is the HTML's own list, each line linked to its heading's bookmark.
    assert paragraphs_with(doc, "toc 1") == ["1. Profil Unit Kerja", "2. Ringkasan Penilaian", "3. Surat Pernyataan"]
    assert paragraphs_with(doc, "toc 2") == ["Inovasi"]
    anchors = [h.get(qn("w:anchor")) for h in doc.element.body.iter(qn("w:hyperlink"))]
    names = {b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert len(anchors) == 4 and set(anchors) <= names


def test_images_embed_data_uris_capped_to_text_width_and_never_fetch_others(converted):
    doc, data = converted["doc"], converted["data"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) == 2  # logo and chart; file:// and https:// sources are dropped
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    assert abs(shapes[0].width.mm - 30) < 0.5
    assert shapes[1].width <= text_width and shapes[1].width > text_width * 0.95
    assert abs(shapes[1].height / shapes[1].width - 300 / 800) < 0.01
    assert "etc/passwd" not in part_xml(data, "word/document.xml")


def test_signature_blocks_become_a_borderless_two_column_table(converted):
    table = converted["doc"].tables[1]
    assert len(table.columns) == 2 and len(table.rows) == 1
    left, right = table.rows[0].cells
    assert left.paragraphs[0].text == f"Kepala {HOSTILE},"
    assert [p.text for p in right.paragraphs if p.text] == [
        "Ketua Tim Penilai Internal,", "Ir. Bambang Sutrisno", "NIP. 196805121994031002"]
    assert any(p.style.name == "signature-space" and not p.text for p in left.paragraphs)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_hostile_text_stays_literal_everywhere(converted):
    doc = converted["doc"]
    text = body_text(doc)
    assert f"Unit {HOSTILE} berada" in text
    assert HOSTILE in [p.text for p in doc.paragraphs if p.style.name == "cover-unit"][0]
    assert "{{ 7*7 }}" in text and "49" not in text
    assert doc.core_properties.title == f"Dossier {HOSTILE}"
    assert "Teks elemen tak dikenal" in text
    assert "color: red" not in text  # style and title of <head> are not content


def test_control_characters_are_dropped_and_the_package_stays_valid_xml():
    nasty = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    html = f"<h1>Judul{nasty}</h1><p>a\x00b\x0bc\x1fd &#1; e</p><table><tr><td>x\x0cy</td></tr></table>"
    data = html_to_docx(html, title=f"T\x01itle{nasty}", author="A\x02")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # raises on any forbidden character
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs][:2] == ["Judul", "abcd  e"]
    assert doc.tables[0].rows[0].cells[0].text == "xy"
    assert doc.core_properties.title == "Title"


def test_the_same_input_gives_identical_bytes_with_dates_from_created(converted):
    again = html_to_docx(mini_dossier(), title=f"Dossier {HOSTILE}", author="Kementerian Contoh", created=CREATED)
    assert again == converted["data"]
    props = converted["doc"].core_properties
    assert props.created == props.modified == props.last_printed == CREATED
    assert props.revision == 1 and props.last_modified_by == "Kementerian Contoh"
    with zipfile.ZipFile(io.BytesIO(converted["data"])) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2024, 12, 12, 9, 30, 0)}


def test_without_created_the_file_is_still_deterministic(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = html_to_docx("<p>Halo</p>")
    assert first == html_to_docx("<p>Halo</p>")
    assert Document(io.BytesIO(first)).core_properties.created == datetime(1980, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733961600")  # 2024-12-12 00:00 UTC
    assert Document(io.BytesIO(html_to_docx("<p>Halo</p>"))).core_properties.created == datetime(2024, 12, 12, tzinfo=UTC)


def test_empty_html_gives_an_openable_document():
    doc = Document(io.BytesIO(html_to_docx("")))
    assert [p.text for p in doc.paragraphs] == [""]


def test_the_shipped_reference_is_what_build_reference_makes():
    shipped = default_templates_dir() / REFERENCE_NAME
    assert shipped.is_file()
    assert shipped.read_bytes() == build_reference(), "regenerate it: see dossier/render/docx.py build_reference()"
    doc = Document(str(shipped))
    assert not doc.element.body.findall(qn("w:p")) or not body_text(doc).strip()


def test_a_restyled_reference_gives_its_styles_and_letterhead(tmp_path):
    reference = Document(io.BytesIO(build_reference()))
    reference.styles["Heading 1"].font.color.rgb = RGBColor.from_string("7B1FA2")
    reference.sections[0].header.paragraphs[0].text = "KOP SURAT KEMENTERIAN CONTOH"
    reference.add_paragraph("contoh isi yang harus hilang")
    path = tmp_path / "reference.docx"
    reference.save(str(path))
    doc = Document(io.BytesIO(html_to_docx(mini_dossier(3), reference=path)))
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor.from_string("7B1FA2")
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header == ["KOP SURAT KEMENTERIAN CONTOH", f"Kementerian Contoh · {HOSTILE} · 2024"]
    assert "contoh isi yang harus hilang" not in body_text(doc)


def test_a_reference_without_the_dossier_styles_gets_them_added(tmp_path):
    bare = tmp_path / "bare.docx"
    Document().save(str(bare))  # python-docx's own template: no class styles, no Table Text
    doc = Document(io.BytesIO(html_to_docx(mini_dossier(3), reference=bare)))
    assert paragraphs_with(doc, "cover-title") == ["Dokumen Usulan Zona Integritas"]
    assert doc.tables[0].rows[1].cells[0].paragraphs[0].style.name == "Table Text"


def test_a_broken_reference_is_a_render_error_naming_the_file(tmp_path):
    broken = tmp_path / "reference.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(RenderError, match="reference.docx"):
        html_to_docx("<p>x</p>", reference=broken)


@pytest.mark.render
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_libreoffice_converts_it_to_a_pdf_with_the_text(converted):
    tmp = converted["tmp"]
    out = tmp / "pdf"
    profile = (tmp / "lo-profile").as_uri()
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(converted["path"])],
        capture_output=True, text=True, timeout=180,
    )
    pdf = out / "ST01.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    text = pdf_text(pdf, "-layout")
    pages = text.split("\f")
    assert HOSTILE in pages[0] and "Halaman" not in pages[0]  # the cover has no header or footer
    total = len([p for p in pages if p.strip()])
    assert f"Halaman 2 dari {total}" in pages[1]
    assert f"Kementerian Contoh · {HOSTILE} · 2024" in pages[1]
    # LibreOffice does not refresh a TOC field when converting headless: it prints the stored
    # result, which is the HTML's list of sections (Word refreshes it with page numbers on opening).
    for entry in ("1. Profil Unit Kerja", "Inovasi", "2. Ringkasan Penilaian", "3. Surat Pernyataan"):
        assert entry in pages[1]
    assert "Indikator 40 milik" in text and "Ir. Bambang Sutrisno" in text
