"""Map the dossier HTML subset onto a Word document.

The DOCX of a document is the same Jinja HTML as its PDF (see the rendering
contract), walked with lxml and written with python-docx, so the two formats
cannot say different things. Styles come from a reference document
(`templates/docx/reference.docx`, overridable per workspace) that a
secretariat may restyle in Word: fonts, heading colours, a letterhead in the
header. `build_reference()` regenerates the default one from code.

Everything in the HTML is text: nothing is fetched (only `data:` images are
embedded) and characters XML 1.0 forbids are dropped. The bytes are
deterministic: core properties come from `created` and the zip members carry
fixed dates in a fixed order.
"""

from __future__ import annotations

import base64
import io
import os
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from dossier.errors import RenderError, TemplateError
from dossier.i18n import _

REFERENCE_NAME = "docx/reference.docx"
R_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# Colours and sizes follow templates/static/document.css so the DOCX looks like the PDF.
FONT = "Arial"  # on every Word; LibreOffice maps it metrically to Liberation Sans
INK = "1A1A1A"
HEADING_INK = "14325C"
MUTED_INK = "6B6B6B"
FAIL_INK = "A11B1B"
FAIL_FILL = "FBE9E9"
OK_INK = "1D6B2F"
OK_FILL = "E3F1E6"
HEADER_FILL = "E6ECF3"
GROUP_FILL = "F2F5F9"
TOTAL_FILL = "DFE7F1"
RULE = "8A8A8A"
GRID = "9AA5B1"
CELL_PAD_TWIPS = 91  # 1.6 mm, as the PDF's cell padding

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 24, 20, 20, 18

TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
TOC_PLACEHOLDER = (
    "Daftar isi diperbarui otomatis saat dokumen dibuka. Jika belum tampil, klik kanan "
    "di sini lalu pilih Perbarui Bidang (Update Field)."
)

EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
TWIPS_PER_MM = 1440 / 25.4

# Characters XML 1.0 forbids; pasted spreadsheet text carries them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; a no-break space is content
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(mm|cm|in|pt|px|%)?\s*$")

_SKIPPED = {"head", "style", "script", "template", "title", "meta", "link", "noscript"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_HEADING_STYLES = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3"}


# --------------------------------------------------------------------------- public API


def html_to_docx(
    html: str,
    *,
    title: str = "",
    author: str = "",
    created: datetime | None = None,
    reference: Path | None = None,
    pdf: bytes | None = None,
) -> bytes:
    """Convert one document's HTML (the rendering contract's subset) to DOCX bytes.

    `pdf`, the same HTML laid out as PDF, gives the table of contents its page numbers
    (written as the TOC field's result, so Word opens the file without asking to update
    fields) and the file its preview thumbnail (the PDF's first page).
    """
    stamp = _stamp(created)
    document = _open_reference(reference)
    writer = _Writer(document)
    writer.pages = anchor_pages(pdf) if pdf else {}
    writer.write(_parse(html))
    _set_core_properties(document, title=title, author=author, stamp=stamp)
    if writer.toc_paragraph is not None and not writer.toc_complete:
        _set_update_fields(document)  # page numbers unknown: let Word fill them in
    _set_thumbnail(document, thumbnail(pdf) if pdf else None)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalized_zip(buffer.getvalue(), stamp)


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """The page (from 1) of every named destination of a PDF: WeasyPrint names one per HTML id."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        return {str(name): page + 1 for name, dest in reader.named_destinations.items()
                if (page := reader.get_destination_page_number(dest)) is not None}
    except Exception:  # a PDF pypdf cannot read: the TOC is left for Word to fill
        return {}


THUMBNAIL_PIXELS = 256  # the longer side of the preview image


def thumbnail(pdf: bytes) -> bytes | None:
    """A small JPEG of the PDF's first page (pdftoppm, from poppler-utils); None when it cannot be made."""
    import shutil
    import subprocess
    import tempfile

    tool = shutil.which("pdftoppm")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                [tool, "-jpeg", "-f", "1", "-l", "1", "-singlefile", "-scale-to", str(THUMBNAIL_PIXELS),
                 str(source), str(Path(folder) / "thumbnail")],
                check=True, capture_output=True, timeout=60,
            )
            return (Path(folder) / "thumbnail.jpg").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None


def _set_thumbnail(document, jpeg: bytes | None) -> None:
    """Make docProps/thumbnail.jpeg (the preview a file manager shows) this document's first page.

    The reference document may carry its own (python-docx's default does: an empty page);
    it is replaced, or dropped when no preview could be made, so a preview never shows another file.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            package.rels.pop(rel_id)
    if jpeg:
        part = Part(PackURI("/docProps/thumbnail.jpeg"), "image/jpeg", jpeg, package)
        package.relate_to(part, RELATIONSHIP_TYPE.THUMBNAIL)


def reference_path(workspace_templates: Path | None = None) -> Path | None:
    """Find the reference DOCX: the workspace's `templates/docx/reference.docx`, else the default."""
    from dossier.render.templates import search_path

    for place in search_path(workspace_templates):
        candidate = Path(place) / REFERENCE_NAME
        if candidate.is_file():
            real = Path(os.path.realpath(candidate))
            if not real.is_relative_to(os.path.realpath(place)):  # a link to a file elsewhere on the disk
                raise TemplateError(
                    _("{file}: leads to {real}, outside the templates folder {folder}; "
                      "a template may only use files inside its folder. Copy the file there instead of linking it.")
                    .format(file=candidate, real=real, folder=place)
                )
            return real
    return None


def build_reference() -> bytes:
    """Build the default styles-only reference document (A4, Arial, dossier styles)."""
    document = Document()
    _strip_theme_fonts(document)
    _define_styles(document, only_missing=False)
    _set_page(document)
    _set_core_properties(document, title="Dossier", author="dossier", stamp=EPOCH)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalized_zip(buffer.getvalue(), EPOCH)


# --------------------------------------------------------------------------- reference


def _open_reference(reference: Path | None):
    """Open the reference document with its body emptied; keep styles, page and headers."""
    source = reference if reference is not None else reference_path(None)
    if source is None:
        document = Document(io.BytesIO(build_reference()))
    else:
        try:
            document = Document(str(source))
        except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
            raise RenderError(
                _("{file}: not a usable Word reference document ({error}); save it from Word as .docx "
                  "or delete it to use the default styles.").format(file=source, error=exc)
            ) from None
        _strip_external(document)
        _define_styles(document, only_missing=True)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _strip_external(document) -> None:
    """Drop every relationship of the reference that points outside its package, and what uses it.

    Only the reference's styles and header content are used; an attached template on a server,
    a header picture linked by address or path, a linked OLE object would otherwise travel into
    every DOCX built, and a word processor would fetch them when the document is opened.
    """
    for part in document.part.package.iter_parts():
        gone = {rel_id for rel_id, rel in list(part.rels.items()) if rel.is_external}
        for rel_id in gone:
            part.rels.pop(rel_id)
        element = getattr(part, "_element", None)
        if not gone or element is None:
            continue
        for node in list(element.iter()):
            for attribute, value in list(node.attrib.items()):
                if value not in gone or not attribute.startswith(f"{{{R_NAMESPACE}}}"):
                    continue
                if attribute == f"{{{R_NAMESPACE}}}link":  # a linked picture: its embedded copy, if any, stays
                    del node.attrib[attribute]
                elif node.tag == qn("w:hyperlink"):  # a link's text stays, as plain text
                    parent = node.getparent()
                    for child in list(node):
                        node.addprevious(child)
                    parent.remove(node)
                elif node.getparent() is not None:
                    node.getparent().remove(node)
                break


def _strip_theme_fonts(document) -> None:
    """Drop the template's theme fonts so every style inherits the document font."""
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        fonts.getparent().remove(fonts)
    for color in document.styles.element.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


@dataclass(frozen=True)
class _StyleSpec:
    """One paragraph style of the reference document (sizes in pt)."""

    name: str
    base: str | None = "Normal"
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    color: str | None = None
    before: float | None = None
    after: float | None = None
    align: str | None = None
    keep_next: bool = False
    rule: tuple[str, str, int] | None = None  # side, colour, width in eighths of a point
    indent_half: bool = False
    line: float | None = None


# Word's built-in styles the mapper uses, then one style per HTML class the
# templates use (a paragraph whose class names a style in the reference gets it:
# a secretariat restyles `cover-title` in Word like any other style).
_STYLES = (
    _StyleSpec("Normal", base=None, size=10, color=INK, before=0, after=7, line=1.2),
    _StyleSpec("Title", size=24, bold=True, color=HEADING_INK, before=0, after=11, align="center"),
    _StyleSpec("Subtitle", size=13, color=HEADING_INK, before=0, after=11, align="center", italic=False),
    _StyleSpec("Heading 1", size=15, bold=True, color=HEADING_INK, before=0, after=14, keep_next=True,
               rule=("bottom", HEADING_INK, 10)),
    _StyleSpec("Heading 2", size=12, bold=True, color=HEADING_INK, before=18, after=7, keep_next=True),
    _StyleSpec("Heading 3", size=10.5, bold=True, color=HEADING_INK, before=13, after=6, keep_next=True),
    _StyleSpec("TOC Heading", base="Heading 1", before=0, after=17, rule=None),
    _StyleSpec("Header", size=8, color="555555", before=0, after=0, line=1.0, rule=("bottom", RULE, 4)),
    _StyleSpec("Footer", size=8, color="555555", before=0, after=0, line=1.0, align="right"),
    _StyleSpec("List Bullet", after=3),
    _StyleSpec("List Number", after=3),
    _StyleSpec("Table Text", size=9, before=2, after=2, line=1.1),
    _StyleSpec("Table Heading", base="Table Text", bold=True, color=HEADING_INK),
    _StyleSpec("Caption", size=9, bold=True, color=INK, before=6, after=3, italic=False),
    _StyleSpec("Signature", after=0),
    _StyleSpec("toc 1", size=10, before=0, after=7),
    _StyleSpec("toc 2", size=9.5, before=0, after=4),
    _StyleSpec("note", size=8, color=MUTED_INK),
    _StyleSpec("muted", color=MUTED_INK),
    _StyleSpec("toc-title", base="TOC Heading", size=15),
    _StyleSpec("cover-logo", align="center", after=28),
    _StyleSpec("cover-ministry", size=13, bold=True, caps=True, color=HEADING_INK, align="center",
               before=23, after=99),
    _StyleSpec("cover-title", size=24, bold=True, color=HEADING_INK, align="center", after=11, line=1.1),
    _StyleSpec("cover-target", size=13, align="center", after=85),
    _StyleSpec("cover-unit", size=18, bold=True, align="center", after=9, line=1.1),
    _StyleSpec("cover-place", size=11, color="444444", align="center", after=99),
    _StyleSpec("cover-year", size=16, bold=True, color=HEADING_INK, align="center", after=17),
    _StyleSpec("cover-edition", size=8, color=MUTED_INK, align="center"),
    _StyleSpec("signing-place", before=28, after=11, indent_half=True),
    _StyleSpec("signature-space", after=68),
    _StyleSpec("signature-name", bold=True, after=0),
    _StyleSpec("cover-draft", size=14, bold=True, color=FAIL_INK, align="center", after=28),
    _StyleSpec("meterai", size=7, color=MUTED_INK, after=0),
    _StyleSpec("letterhead-name", size=14, bold=True, color=HEADING_INK, align="center", after=2),
    _StyleSpec("letterhead-line", size=9.5, align="center", after=0),
    _StyleSpec("letter-date", align="right", after=6),
    _StyleSpec("letter-draft", bold=True, color=FAIL_INK),
)

_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
_VAL = qn("w:val")
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _define_styles(document, *, only_missing: bool) -> None:
    """Create the dossier's styles; with `only_missing`, leave a restyled reference alone."""
    styles = document.styles
    names = {style.name for style in styles}
    created: set[str] = set()
    _set_doc_defaults(document, only_missing=only_missing)
    text_width = _text_width_mm(document.sections[0])
    for spec in _STYLES:
        if spec.name in names:
            if only_missing:
                continue
            style = styles[spec.name]
        else:
            style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            created.add(spec.name)
            style.quick_style = True
            if spec.name.startswith("toc "):
                style.element.set(qn("w:styleId"), spec.name.replace(" ", "").upper())
        if spec.base and spec.base in names | created:
            style.base_style = styles[spec.base]
        font, para = style.font, style.paragraph_format
        if spec.name == "Normal":
            font.name = FONT
        if spec.size is not None:
            font.size = Pt(spec.size)
        if spec.bold is not None:
            font.bold = spec.bold
        if spec.italic is not None:
            font.italic = spec.italic
        if spec.caps:
            font.all_caps = True
        if spec.color is not None:
            font.color.rgb = RGBColor.from_string(spec.color)
        if spec.before is not None:
            para.space_before = Pt(spec.before)
        if spec.after is not None:
            para.space_after = Pt(spec.after)
        if spec.align is not None:
            para.alignment = _ALIGN[spec.align]
        if spec.keep_next:
            para.keep_with_next = True
        if spec.line is not None:
            para.line_spacing = spec.line
        if spec.indent_half:
            para.left_indent = Mm(text_width / 2)
        if spec.name.startswith("toc "):
            para.tab_stops.add_tab_stop(Mm(text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if spec.name == "toc 2":
                para.left_indent = Mm(7)
        ppr = style.element.get_or_add_pPr()
        old_rule = ppr.find(qn("w:pBdr"))
        if old_rule is not None:
            ppr.remove(old_rule)
        if spec.rule is not None:
            _paragraph_rule(ppr, *spec.rule)
    if not only_missing and "Table Grid" in names:
        for border in styles["Table Grid"].element.iter(*(qn(f"w:{side}") for side in _SIDES)):
            if border.getparent().tag == qn("w:tblBorders"):
                border.set(qn("w:color"), GRID)


def _set_doc_defaults(document, *, only_missing: bool) -> None:
    """Set Arial, Indonesian proofing and the body size as the document defaults."""
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        root.insert(0, defaults)
    elif only_missing:
        return
    for child in list(defaults):
        defaults.remove(child)
    rpr_default = OxmlElement("w:rPrDefault")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rFonts", {qn(f"w:{a}"): FONT for a in ("ascii", "hAnsi", "eastAsia", "cs")}))
    rpr.append(OxmlElement("w:sz", {qn("w:val"): "20"}))
    rpr.append(OxmlElement("w:szCs", {qn("w:val"): "20"}))
    rpr.append(OxmlElement("w:lang", {qn("w:val"): "id-ID", qn("w:eastAsia"): "en-US", qn("w:bidi"): "ar-SA"}))
    rpr_default.append(rpr)
    ppr_default = OxmlElement("w:pPrDefault")
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:spacing", {qn("w:after"): "120", qn("w:line"): "264", qn("w:lineRule"): "auto"}))
    ppr_default.append(ppr)
    defaults.append(rpr_default)
    defaults.append(ppr_default)


def _set_page(document) -> None:
    """A4 portrait with the dossier margins."""
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.header_distance, section.footer_distance = Mm(12), Mm(10)


def _text_width_mm(section) -> float:
    width = section.page_width or Mm(PAGE_WIDTH_MM)
    left = section.left_margin if section.left_margin is not None else Mm(MARGIN_LEFT_MM)
    right = section.right_margin if section.right_margin is not None else Mm(MARGIN_RIGHT_MM)
    return Emu(width - left - right).mm


def _paragraph_rule(ppr, side: str, color: str = RULE, width: int = 4) -> None:
    """Put a rule on one side of a paragraph (width in eighths of a point)."""
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr comes after keepNext..numPr and before shd/tabs/spacing in CT_PPr
        anchor = next((ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
                       if ppr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    borders.append(OxmlElement(f"w:{side}", {
        qn("w:val"): "single", qn("w:sz"): str(width), qn("w:space"): "4", qn("w:color"): color,
    }))


# --------------------------------------------------------------------------- HTML walk


def _clean(text: str) -> str:
    return _FORBIDDEN.sub("", text)


def _parse(html: str):
    """Parse the HTML into an lxml tree (the <body>), dropping forbidden characters first."""
    cleaned = _clean(html or "")
    if not cleaned.strip():
        return lxml.html.fromstring("<body></body>")
    # huge_tree: a logo's data: URI may pass libxml2's default 10 MB attribute limit.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    root = lxml.html.document_fromstring(cleaned.encode("utf-8"), parser=parser)
    body = root.find("body")
    return body if body is not None else root


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _style_value(el, prop: str) -> str | None:
    for declaration in (el.get("style") or "").split(";"):
        name, _colon, value = declaration.partition(":")
        if name.strip().lower() == prop:
            return value.strip().lower()
    return None


def _length_mm(value: str | None, whole_mm: float) -> float | None:
    """A CSS length in mm (mm, cm, in, pt, px, %); None when absent or unreadable."""
    if not value:
        return None
    match = _LENGTH.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    if unit == "%":
        return whole_mm * number / 100
    return number * {"mm": 1, "cm": 10, "in": 25.4, "pt": 25.4 / 72, "px": 25.4 / 96}[unit]  # _LENGTH allows no other


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _is_block(el) -> bool:
    return _tag(el) in _BLOCKS or "signature" in _classes(el)


def _hidden(el) -> bool:
    return _tag(el) in _SKIPPED or (_style_value(el, "display") or "") == "none"


@dataclass(frozen=True)
class _Look:
    """Character formatting of a run; None inherits from the paragraph style."""

    bold: bool | None = None
    italic: bool | None = None
    underline: bool = False
    color: str | None = None
    size: float | None = None  # pt
    fill: str | None = None
    vert: str | None = None  # "superscript" / "subscript"


def _look_for(el, look: _Look) -> _Look:
    """The look of `el`'s text inside a parent of `look` (tags and the contract's classes)."""
    tag, classes = _tag(el), _classes(el)
    if tag in ("b", "strong"):
        look = replace(look, bold=True)
    if tag in ("i", "em", "cite", "var"):
        look = replace(look, italic=True)
    if tag in ("u", "ins"):
        look = replace(look, underline=True)
    if tag in ("sup", "sub"):
        look = replace(look, vert="superscript" if tag == "sup" else "subscript")
    if "fail" in classes:
        look = replace(look, color=FAIL_INK)
    elif "ok" in classes:
        look = replace(look, color=OK_INK)
    elif "muted" in classes:
        look = replace(look, color=MUTED_INK)
    if "badge" in classes:
        look = replace(look, bold=True, fill=FAIL_FILL if "fail" in classes else OK_FILL if "ok" in classes else None)
    if tag in ("span", "small", "a", "em", "strong", "b", "i"):
        if "note" in classes:
            look = replace(look, size=8, color=MUTED_INK)
        if "heading-score" in classes:
            look = replace(look, bold=False, size=9, color="555555")
    if (_style_value(el, "font-weight") or "") in ("bold", "700", "800", "900"):
        look = replace(look, bold=True)
    return look


_PLAIN = _Look()
_SPACE_ATTR = qn("xml:space")


@dataclass
class _Piece:
    kind: str  # "text", "break", "image", "field"
    look: _Look
    text: str = ""
    el: object = None


def _inline_pieces(el, look: _Look, pieces: list[_Piece], *, include_self_text: bool = True) -> None:
    """Collect the inline content of `el` (its text, children, not its tail)."""
    if include_self_text and el.text:
        pieces.append(_Piece("text", look, el.text))
    for child in el:
        _inline_child(child, look, pieces)
        if child.tail:
            pieces.append(_Piece("text", look, child.tail))


def _inline_child(child, look: _Look, pieces: list[_Piece]) -> None:
    tag = _tag(child)
    if tag is None or _hidden(child):
        return
    classes = _classes(child)
    if tag == "br":
        pieces.append(_Piece("break", look))
    elif tag == "img":
        pieces.append(_Piece("image", look, el=child))
    elif "page" in classes and tag == "span":
        pieces.append(_Piece("field", _look_for(child, look), text="PAGE"))
    elif "pages" in classes and tag == "span":
        pieces.append(_Piece("field", _look_for(child, look), text="NUMPAGES"))
    else:
        if _is_block(child) and pieces and pieces[-1].kind != "break":
            pieces.append(_Piece("break", look))  # a block flattened into a line keeps its own line
        _inline_pieces(child, _look_for(child, look), pieces)


def _collapse(pieces: list[_Piece]) -> list[_Piece]:
    """Collapse HTML whitespace across pieces and trim it at line starts and ends."""
    out: list[_Piece] = []
    at_line_start = True
    for piece in pieces:
        if piece.kind == "text":
            text = _SPACE.sub(" ", piece.text)
            if at_line_start:
                text = text.lstrip(" ")
            if not text:
                continue
            at_line_start = text.endswith(" ")
            out.append(_Piece("text", piece.look, text))
        else:
            if piece.kind == "break":
                _trim_end(out)
            at_line_start = piece.kind == "break"
            out.append(piece)
    _trim_end(out)
    while out and out[-1].kind == "break":
        out.pop()
    while out and out[0].kind == "break":
        out.pop(0)
    return out


def _trim_end(out: list[_Piece]) -> None:
    while out and out[-1].kind == "text":
        out[-1].text = out[-1].text.rstrip(" ")
        if out[-1].text:
            return
        out.pop()


# --------------------------------------------------------------------------- writer


@dataclass(frozen=True)
class _Context:
    """Where the walk is: what style and alignment new paragraphs get."""

    style: str | None = None
    align: str | None = None
    look: _Look = _Look()
    cover: bool = False
    width_mm: float = 160.0


def _keep_together(elements: list) -> None:
    """Keep body paragraphs and table rows with the next, up to the last paragraph (Word's keep_with_next)."""
    paragraphs = [p for el in elements for p in ([el] if el.tag == qn("w:p") else el.iter(qn("w:p")))]
    for row in (r for el in elements if el.tag == qn("w:tbl") for r in el.iter(qn("w:tr"))):
        props = row.find(qn("w:trPr"))
        if props is None:
            props = OxmlElement("w:trPr")
            row.insert(0, props)
        if props.find(qn("w:cantSplit")) is None:
            props.append(OxmlElement("w:cantSplit"))
    for p in paragraphs[:-1]:
        p.get_or_add_pPr().keepNext_val = True  # exactly what ParagraphFormat.keep_with_next = True writes


class _Flow:
    """A place paragraphs go: the body, a table cell, a header or footer.

    Paragraphs are built as XML directly: python-docx's generic child insertion
    searches the schema order on every call and dominates the time of a
    120-row table.
    """

    def __init__(self, element, parent, *, body: bool, writer: _Writer):
        self.element = element  # w:body, w:tc, w:hdr or w:ftr
        self.parent = parent  # the python-docx object owning the story part
        self.body = body
        self.writer = writer
        self.end = element.find(qn("w:sectPr")) if body else None

    def paragraph(self, style: str | None, align: str | None = None) -> Paragraph:
        p = OxmlElement("w:p")
        style_id = self.writer.style_ids.get(style) if style else None
        if style_id or align:
            ppr = OxmlElement("w:pPr")
            if style_id:
                ppr.append(OxmlElement("w:pStyle", {_VAL: style_id}))
            if align:
                ppr.append(OxmlElement("w:jc", {_VAL: _JC[align]}))
            p.append(ppr)
        if self.end is not None:
            self.end.addprevious(p)
        else:
            self.element.append(p)
        para = Paragraph(p, self.parent)
        if self.body:
            self.writer.body_block(para)
        return para

    def paragraphs(self) -> list:
        return self.element.findall(qn("w:p"))


class _Writer:
    """Walk the HTML tree and write Word content."""

    def __init__(self, document) -> None:
        self.document = document
        self.section = document.sections[-1]
        self.text_width = _text_width_mm(self.section)
        self.style_ids: dict[str, str] = {}
        for style in document.styles:
            if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.TABLE):
                self.style_ids.setdefault(style.name, style.style_id)
        self.break_pending = False
        self.started = False
        self.last_was_table = False
        self.headings: list[tuple[int, str, str]] = []  # level, text, bookmark
        self.anchors: dict[str, str] = {}  # heading id -> bookmark
        self.toc_links: list[tuple[int, str, str]] = []  # level, text, heading id
        self.toc_paragraph: Paragraph | None = None
        self.pages: dict[str, int] = {}  # heading id -> page, from the PDF of the same HTML
        self.toc_complete = False  # every TOC entry carries its page number
        self.body = _Flow(document.element.body, document, body=True, writer=self)

    # ---------------------------------------------------------------- top level

    def write(self, root) -> None:
        header = footer = None
        for el in root.iter():
            classes = _classes(el) if isinstance(el.tag, str) else set()
            if header is None and "running-header" in classes:
                header = el
            if footer is None and "running-footer" in classes:
                footer = el
        self.children(root, self.body, _Context(width_mm=self.text_width))
        if not self.started:
            self.body.paragraph(None)
        self.fill_toc()
        cover = any("cover" in _classes(el) for el in root.iter("section"))
        self.running(header, footer, cover=cover)

    def running(self, header, footer, *, cover: bool) -> None:
        """Put the running header and footer on every page, the cover page left blank."""
        section = self.section
        if cover:
            section.different_first_page_header_footer = True
            for part in (section.first_page_header, section.first_page_footer):
                part.is_linked_to_previous = False
                for para in part.paragraphs:  # an empty, unstyled line: no rule on the cover
                    if para._p.pPr is not None:
                        para._p.remove(para._p.pPr)
        context = _Context(width_mm=self.text_width)
        for element, part, style in ((header, section.header, "Header"), (footer, section.footer, "Footer")):
            if element is None:
                continue
            part.is_linked_to_previous = False
            existing = part.paragraphs
            if len(existing) == 1 and not existing[0].text and not existing[0]._p.xpath(".//w:drawing"):
                existing[0]._p.getparent().remove(existing[0]._p)  # keep a letterhead, drop an empty line
            self.children(element, _Flow(part._element, part, body=False, writer=self), replace(context, style=style))

    def body_block(self, para: Paragraph) -> None:
        """Apply a pending page break to the first body paragraph after it."""
        if self.break_pending and self.started:
            para.paragraph_format.page_break_before = True
        self.break_pending = False
        self.started = True
        self.last_was_table = False

    # ---------------------------------------------------------------- blocks

    def children(self, el, flow: _Flow, ctx: _Context) -> None:
        """Write the children of a block: blocks as they come, loose inline content as paragraphs."""
        pending: list[_Piece] = []
        if el.text:
            pending.append(_Piece("text", ctx.look, el.text))
        kids = [child for child in el if _tag(child) is not None]
        for position, child in enumerate(kids):
            if _hidden(child) or {"running-header", "running-footer"} & _classes(child):
                pass
            elif "signature" in _classes(child):
                if not _follows_signature(kids, position):
                    self.flush(pending, flow, ctx)
                    pending = []
                    group = [child]
                    for later in range(position + 1, len(kids)):
                        if not _follows_signature(kids, later):
                            break
                        group.append(kids[later])
                    self.signatures(group, flow, ctx)
            elif _is_block(child):
                self.flush(pending, flow, ctx)
                pending = []
                self.block(child, flow, ctx)
            else:
                _inline_child(child, ctx.look, pending)
            if child.tail:
                pending.append(_Piece("text", ctx.look, child.tail))
        self.flush(pending, flow, ctx)

    def flush(self, pieces: list[_Piece], flow: _Flow, ctx: _Context, style: str | None = None) -> None:
        pieces = _collapse(pieces)
        if not pieces:
            return
        align = ctx.align
        if align is None and all(p.kind in ("image", "break") for p in pieces):
            align = "center"  # a chart or logo on its own line
        para = flow.paragraph(style or ctx.style, align)
        self.runs(para, pieces, ctx)

    def block(self, el, flow: _Flow, ctx: _Context) -> None:
        tag, classes = _tag(el), _classes(el)
        if "page-break" in classes and flow.body:
            self.break_pending = True
        ctx = self.context_for(el, ctx)
        if tag == "nav" and "toc" in classes:
            self.toc(el, flow, ctx)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(el, flow, ctx)
        elif tag in ("ul", "ol"):
            self.listing(el, flow, ctx, ordered=tag == "ol")
        elif tag == "table":
            if flow.body:
                self.table(el, flow, ctx)
            else:  # a table inside a cell or header: keep its text, one line per row
                for row in el.iter("tr"):
                    pieces: list[_Piece] = []
                    for cell in row:
                        if pieces:
                            pieces.append(_Piece("text", ctx.look, " \u2013 "))
                        _inline_pieces(cell, _look_for(cell, ctx.look), pieces)
                    self.flush(pieces, flow, ctx)
        elif tag == "hr":
            para = flow.paragraph(ctx.style)
            _paragraph_rule(para._p.get_or_add_pPr(), "bottom")
        elif tag in ("p", "dt", "dd", "figcaption", "caption", "summary", "pre"):
            pieces = []
            _inline_pieces(el, ctx.look, pieces)
            if not _collapse(pieces) and self.class_style(el):
                flow.paragraph(ctx.style)  # an empty styled paragraph is space: room to sign
            else:
                self.flush(pieces, flow, ctx, style="Caption" if tag in ("caption", "figcaption") else None)
        elif "signature-block" in classes and flow.body:
            # The closing, place and date, position, room to sign, name and NIP stay on one page.
            before = len(flow.element)
            self.children(el, flow, ctx)
            _keep_together([child for child in list(flow.element)[before - (flow.end is not None):]
                            if child is not flow.end])
        else:
            self.children(el, flow, ctx)
        if tag == "section" and "cover" in classes and flow.body:
            self.break_pending = True  # the cover fills its own page

    def context_for(self, el, ctx: _Context) -> _Context:
        classes = _classes(el)
        if "cover" in classes:
            ctx = replace(ctx, cover=True, align="center")
        class_style = self.class_style(el)
        if class_style:
            ctx = replace(ctx, style=class_style, align=None)  # the style carries the alignment
        align = _style_value(el, "text-align")
        if align in _ALIGN:
            ctx = replace(ctx, align=align)
        elif classes & {"center", "text-center"}:
            ctx = replace(ctx, align="center")
        elif classes & {"right", "text-right", "num"}:
            ctx = replace(ctx, align="right")
        return replace(ctx, look=_look_for(el, ctx.look))

    def class_style(self, el) -> str | None:
        """The reference's paragraph style named like one of the element's classes, if any."""
        for name in (el.get("class") or "").split():
            if name in self.style_ids:
                return name
        return None

    def heading(self, el, flow: _Flow, ctx: _Context) -> None:
        level = min(int(el.tag[1]), 3)  # h1 ... h6
        following = el.getnext()
        toc_title = following is not None and _tag(following) == "nav" and "toc" in _classes(following)
        if ctx.cover:
            style = "Title" if level == 1 else "Subtitle"
        elif toc_title:
            style = "TOC Heading"  # the contents list's own title does not list itself
        else:
            style = _HEADING_STYLES[f"h{level}"]
        pieces: list[_Piece] = []
        _inline_pieces(el, ctx.look, pieces)
        pieces = _collapse(pieces)
        if pieces:
            para = flow.paragraph(style, ctx.align if ctx.cover else None)
            # A top-level headline never breaks at a hyphen ("KemenPAN-/RB"): Word's non-breaking
            # hyphen, since the bundled Liberation Sans has no U+2011 glyph.
            self.runs(para, pieces, ctx, hyphens_break=_tag(el) != "h1")
            if flow.body and not ctx.cover and not toc_title and (level <= 2 or el.get("id")):
                name = self.bookmark(para, level, "".join(p.text for p in pieces if p.kind == "text"))
                if el.get("id"):
                    self.anchors.setdefault(el.get("id"), name)

    def bookmark(self, para: Paragraph, level: int, text: str) -> str:
        """Mark a heading for the TOC's page references, the way Word names them (_Toc...)."""
        number = len(self.headings) + 1
        name = f"_Toc{number:08d}"
        start = OxmlElement("w:bookmarkStart", {qn("w:id"): str(number), qn("w:name"): name})
        ppr = para._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            para._p.insert(0, start)
        para._p.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(number)}))
        self.headings.append((level, text, name))
        return name

    def fill_toc(self) -> None:
        """Write the TOC field's result: one linked line per entry of the HTML's list, with its page.

        The pages are those of the PDF made from the same HTML (`self.pages`), written
        as the field's computed result: Word shows them without asking to update fields,
        and updates them when asked. Without them the field is marked dirty and Word
        regenerates it on opening (updateFields).
        """
        placeholder = self.toc_paragraph
        if placeholder is None:
            return
        look = _Look()
        # The HTML's own list (what the PDF shows) when it links to headings, else the headings.
        entries = [(level, text, self.anchors.get(target), self.pages.get(target)) for level, text, target in self.toc_links]
        if not entries:
            entries = [(*entry, None) for entry in self.headings if entry[0] <= 2]
        if not entries:
            self.field(placeholder, TOC_INSTRUCTION, TOC_PLACEHOLDER, _Look(color=MUTED_INK), dirty=True)
            return
        self.toc_complete = all(name and page for _level, _text, name, page in entries)
        previous = None
        for index, (level, text, name, page) in enumerate(entries):
            if previous is None:
                para = placeholder
            else:
                para = Paragraph(OxmlElement("w:p"), placeholder._parent)
                previous._p.addnext(para._p)
            para._p.get_or_add_pPr().style = self.style_ids.get(f"toc {level}")
            if index == 0:
                self.field_start(para, TOC_INSTRUCTION, look, dirty=not self.toc_complete)
            target = para._p
            if name:
                target = OxmlElement("w:hyperlink", {qn("w:anchor"): name, qn("w:history"): "1"})
                para._p.append(target)
            target.append(_run(look, text=text))
            if name and page and self.toc_complete:
                # As Word writes it: a tab to the dotted right stop, then PAGEREF with its result.
                target.append(_run(look, child=OxmlElement("w:tab")))
                for child in _field_runs(f" PAGEREF {name} \\h ", str(page), look):
                    target.append(child)
            previous = para
        assert previous is not None, "entries is not empty"
        previous._p.append(_run(look, child=OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"})))

    def toc(self, el, flow: _Flow, ctx: _Context) -> None:
        """Replace the HTML contents list by a Word TOC field; keep its own title and its entries."""
        for heading in el.iter("h1", "h2", "h3", "h4"):
            pieces: list[_Piece] = []
            _inline_pieces(heading, ctx.look, pieces)
            pieces = _collapse(pieces)
            if pieces:
                self.runs(flow.paragraph("TOC Heading"), pieces, ctx)
        if self.toc_paragraph is None:
            self.toc_paragraph = flow.paragraph("toc 1")
            for link in el.iter("a"):
                target = (link.get("href") or "").strip()
                pieces = []
                _inline_pieces(link, _PLAIN, pieces)
                text = "".join(p.text for p in _collapse(pieces) if p.kind == "text")
                item = next((a for a in link.iterancestors("li")), None)
                nested = item is not None and (
                    "level-2" in _classes(item) or any(a.tag == "li" for a in item.iterancestors("li"))
                )
                if text:
                    self.toc_links.append((2 if nested else 1, text, target[1:] if target.startswith("#") else ""))

    def listing(self, el, flow: _Flow, ctx: _Context, *, ordered: bool) -> None:
        style = "List Number" if ordered else "List Bullet"
        styled = style in self.style_ids
        num_id = self.restart_numbering() if ordered and styled else None
        number = 0
        for item in el:
            if _tag(item) != "li" or _hidden(item):
                continue
            number += 1
            pieces: list[_Piece] = []
            if not styled:  # a restyled reference without list styles: write the marker
                pieces.append(_Piece("text", ctx.look, f"{number}. " if ordered else "\u2022 "))
            _inline_pieces(item, _look_for(item, ctx.look), pieces)
            pieces = _collapse(pieces)
            if not pieces:
                continue
            para = flow.paragraph(style if styled else ctx.style)
            if num_id is not None:
                num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            self.runs(para, pieces, ctx)

    def restart_numbering(self) -> int | None:
        """Give an ordered list its own w:num so it counts from 1."""
        style = self.document.styles["List Number"]
        num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        try:
            abstract = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        except KeyError:
            return None
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    # ---------------------------------------------------------------- tables

    def table(self, el, flow: _Flow, ctx: _Context) -> None:
        """Write an HTML table as a Word table: fixed layout, header rows repeated."""
        caption = el.find("caption")
        if caption is not None:
            self.block(caption, flow, ctx)
        rows = []  # (tr, is_header)
        for child in el:
            tag = _tag(child)
            if tag == "tr":
                rows.append((child, False))
            elif tag in ("thead", "tbody", "tfoot"):
                rows.extend((tr, tag == "thead") for tr in child if _tag(tr) == "tr")
        if not rows:
            return
        if not any(header for _tr, header in rows):  # no thead: leading all-th rows are the header
            leading = 0
            for tr, _header in rows:
                cells = [c for c in tr if _tag(c) in ("td", "th")]
                if cells and all(_tag(c) == "th" for c in cells):
                    leading += 1
                else:
                    break
            rows = [(tr, i < leading) for i, (tr, _) in enumerate(rows)]
        grid = [[(c, _span(c)) for c in tr if _tag(c) in ("td", "th")] for tr, _header in rows]
        columns = max((sum(span for _cell, span in cells) for cells in grid), default=0)
        if columns == 0:
            return
        total = _length_mm(_style_value(el, "width"), self.text_width) or self.text_width
        total = min(total, self.text_width)
        widths = _column_widths(grid, columns, total)
        self.before_table(flow)
        table = self.document.add_table(rows=0, cols=columns)
        # A letterhead, a letter's details or a signature block: a layout table, without borders.
        plain = bool(_classes(el) & {"plain", "signatures"})
        self.table_frame(table, widths, style=None if plain else "Table Grid")
        if plain:
            _no_borders(table)
        for (tr, header), cells in zip(rows, grid):
            tr_el = _new_row(table, header=header)
            column = 0
            row_classes = _classes(tr)
            if "signature-space" in row_classes:  # room to sign (and for a meterai)
                tr_pr = tr_el.get_or_add_trPr()
                tr_pr.append(OxmlElement("w:trHeight", {qn("w:val"): str(round(24 * TWIPS_PER_MM)), qn("w:hRule"): "atLeast"}))
            level = next((int(c[6:]) for c in row_classes if c.startswith("level-") and c[6:].isdigit()), 0)
            row_fill = TOTAL_FILL if "total" in row_classes else (
                GROUP_FILL if row_classes & {"group", "subtotal", "sub-area"} else None)
            row_ctx = replace(ctx, look=replace(ctx.look, bold=True)) if "total" in row_classes else ctx
            for cell_el, span in cells:
                width = sum(widths[column:column + span])
                column += span
                tc = self.cell(tr_el, table, cell_el, span, width, header=header, fill=row_fill, ctx=row_ctx)
                if level and column == span:  # a nested row (level-1, level-2) is indented in its first cell, as in the PDF
                    for p in tc.iterchildren(qn("w:p")):
                        Paragraph(p, table).paragraph_format.left_indent = Mm(6 * level)
                if header or row_classes & {"sub-area", "group"}:
                    # A header or a sub-area title never ends a page alone: keep it with the next row.
                    for p in tc.iterchildren(qn("w:p")):
                        Paragraph(p, table).paragraph_format.keep_with_next = True
            for missing in range(column, columns):  # short rows: pad so the grid stays whole
                tc, _tc_pr = _new_cell(tr_el, widths[missing], 1)
                tc.append(OxmlElement("w:p"))
        self.last_was_table = True

    def before_table(self, flow: _Flow) -> None:
        """Start a body table: a pending page break or a table just before needs a spacer line."""
        if (self.break_pending and self.started) or self.last_was_table:
            # Word has no "page break before" for a table, and glues adjacent tables together.
            spacer = flow.paragraph(None)
            spacer.paragraph_format.space_after = Pt(0)
        self.break_pending, self.started, self.last_was_table = False, True, False

    def table_frame(self, table, widths: list[float], *, style: str | None) -> None:
        tbl = table._tbl
        tbl_pr = tbl.tblPr
        if style and style in self.style_ids:
            tbl_pr.style = self.style_ids[style]
        table.autofit = False  # fixed layout: widths stay what we computed
        tbl_w = tbl_pr.find(qn("w:tblW"))
        if tbl_w is None:
            tbl_w = OxmlElement("w:tblW")
            tbl_pr.append(tbl_w)
        tbl_w.set(qn("w:w"), str(round(sum(widths) * TWIPS_PER_MM)))
        tbl_w.set(qn("w:type"), "dxa")
        for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths):
            grid_col.set(qn("w:w"), str(round(width * TWIPS_PER_MM)))
        # Borders line up with the text margin; cells are padded like the PDF's.
        indent = OxmlElement("w:tblInd", {qn("w:w"): str(CELL_PAD_TWIPS), qn("w:type"): "dxa"})
        margins = OxmlElement("w:tblCellMar")
        for side, width in (("top", 28), ("left", CELL_PAD_TWIPS), ("bottom", 28), ("right", CELL_PAD_TWIPS)):
            margins.append(OxmlElement(f"w:{side}", {qn("w:w"): str(width), qn("w:type"): "dxa"}))
        layout = tbl_pr.find(qn("w:tblLayout"))
        layout.addprevious(indent)
        layout.addnext(margins)

    def cell(self, tr_el, table, cell_el, span: int, width_mm: float, *, header: bool,
             fill: str | None, ctx: _Context):
        tc, tc_pr = _new_cell(tr_el, width_mm, span)
        classes = _classes(cell_el)
        if header or _tag(cell_el) == "th":
            fill = HEADER_FILL
        if "fail" in classes:
            fill = FAIL_FILL
        if fill:
            tc_pr.append(OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill}))
        # A cell whose class names a style of the reference (signature-name) takes it.
        style = "Table Heading" if _tag(cell_el) == "th" else (self.class_style(cell_el) or "Table Text")
        align = "right" if "num" in classes else None
        if "center" in classes:
            align = "center"
        cell_ctx = replace(
            self.context_for(cell_el, replace(ctx, align=align)),
            style=style, width_mm=max(width_mm - 4, 5),
        )
        if "note" in classes:
            cell_ctx = replace(cell_ctx, look=replace(cell_ctx.look, color=MUTED_INK, size=8))
        if "fail" in classes:
            cell_ctx = replace(cell_ctx, look=replace(cell_ctx.look, bold=True))
        flow = _Flow(tc, table, body=False, writer=self)
        self.children(cell_el, flow, cell_ctx)
        if tc.find(qn("w:p")) is None:
            flow.paragraph(style)
        return tc

    def signatures(self, blocks: list, flow: _Flow, ctx: _Context) -> None:
        """Lay signature blocks side by side in a borderless two-column table."""
        if not flow.body:
            for block in blocks:
                self.children(block, flow, ctx)
            return
        self.before_table(flow)
        half = self.text_width / 2
        table = self.document.add_table(rows=0, cols=2)
        self.table_frame(table, [half, half], style=None)
        _no_borders(table)
        # A single signatory signs on the right, as Indonesian letters do.
        slots = [None, blocks[0]] if len(blocks) == 1 else list(blocks)
        for start in range(0, len(slots), 2):
            tr_el = _new_row(table, header=False)
            for block in (slots[start:start + 2] + [None])[:2]:
                tc, _tc_pr = _new_cell(tr_el, half, 1)
                if block is not None:
                    sign_ctx = replace(ctx, style="Signature", width_mm=half - 4)
                    self.signature(block, _Flow(tc, table, body=False, writer=self), sign_ctx)
                if tc.find(qn("w:p")) is None:
                    tc.append(OxmlElement("w:p"))
        self.last_was_table = True

    def signature(self, block, flow: _Flow, ctx: _Context) -> None:
        """Write one signature box, leaving room to sign above the signatory's name."""
        first = len(flow.paragraphs())
        self.children(block, flow, self.context_for(block, ctx))
        paragraphs = flow.paragraphs()[first:]
        if any(not "".join(p.itertext()).strip() for p in paragraphs):
            return  # the template left its own room (an empty styled paragraph)
        if len(paragraphs) >= 2:
            # Room to sign goes above the name: before the last two lines (name, NIP) or the last one.
            name_index = len(paragraphs) - 2 if len(paragraphs) >= 3 else len(paragraphs) - 1
            Paragraph(paragraphs[name_index], flow.parent).paragraph_format.space_before = Pt(54)

    # ---------------------------------------------------------------- runs

    def runs(self, para: Paragraph, pieces: list[_Piece], ctx: _Context, *, hyphens_break: bool = True) -> None:
        p = para._p
        for piece in pieces:
            if piece.kind == "text" and not hyphens_break and "-" in piece.text:
                p.append(_unbroken_run(piece.look, piece.text))
            elif piece.kind == "text":
                p.append(_run(piece.look, text=piece.text))
            elif piece.kind == "break":
                p.append(_run(piece.look, child=OxmlElement("w:br")))
            elif piece.kind == "field":
                self.field(para, f" {piece.text} ", "1", piece.look)
            elif piece.kind == "image":
                self.picture(para, piece.el, ctx)

    def field(self, para: Paragraph, instruction: str, shown: str, look: _Look, *, dirty: bool = False) -> None:
        """Add a complex field (PAGE, NUMPAGES, TOC) with `shown` as its result until updated."""
        self.field_start(para, instruction, look, dirty=dirty)
        if shown:
            para._p.append(_run(look, text=shown))
        para._p.append(_run(look, child=OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"})))

    def field_start(self, para: Paragraph, instruction: str, look: _Look, *, dirty: bool = False) -> None:
        """Open a complex field: begin, instruction, separate (its result and end follow)."""
        begin = {qn("w:fldCharType"): "begin"}
        if dirty:
            begin[qn("w:dirty")] = "true"
        instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
        instr.text = instruction
        for child in (OxmlElement("w:fldChar", begin), instr,
                      OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"})):
            para._p.append(_run(look, child=child))

    def picture(self, para: Paragraph, el, ctx: _Context) -> None:
        """Embed a data: URI PNG/JPEG; anything else (a URL, a file) is never fetched."""
        data = _image_bytes(el.get("src") or "")
        if data is None:
            alt = _clean(el.get("alt") or "").strip()
            if alt:
                para._p.append(_run(_Look(italic=True, color=MUTED_INK), text=f"[{alt}]"))
            return
        image, width_px, height_px = data
        width = _length_mm(_style_value(el, "width"), ctx.width_mm)
        if width is None and el.get("width", "").strip().isdigit():
            width = int(el.get("width")) * 25.4 / 96
        if width is None:
            width = width_px * 25.4 / 96
        width = max(min(width, ctx.width_mm), 1.0)
        height = width * height_px / max(width_px, 1)
        para.add_run().add_picture(io.BytesIO(image), width=Mm(width), height=Mm(height))


def _field_runs(instruction: str, shown: str, look: _Look) -> list:
    """The runs of a complex field with its result: begin, instruction, separate, result, end."""
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = instruction
    return [
        _run(look, child=OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"})),
        _run(look, child=instr),
        _run(look, child=OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"})),
        _run(look, text=shown),
        _run(look, child=OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"})),
    ]


def _run(look: _Look, *, text: str | None = None, child=None):
    """Build a w:r with the look's properties (in schema order) and text or one child."""
    r = OxmlElement("w:r")
    if look != _PLAIN:
        rpr = OxmlElement("w:rPr")
        if look.bold is not None:
            rpr.append(OxmlElement("w:b", {} if look.bold else {_VAL: "0"}))
        if look.italic is not None:
            rpr.append(OxmlElement("w:i", {} if look.italic else {_VAL: "0"}))
        if look.color:
            rpr.append(OxmlElement("w:color", {_VAL: look.color}))
        if look.size:
            rpr.append(OxmlElement("w:sz", {_VAL: str(round(look.size * 2))}))
        if look.underline:
            rpr.append(OxmlElement("w:u", {_VAL: "single"}))
        if look.fill:
            rpr.append(OxmlElement("w:shd", {_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): look.fill}))
        if look.vert:
            rpr.append(OxmlElement("w:vertAlign", {_VAL: look.vert}))
        r.append(rpr)
    if text is not None:
        t = OxmlElement("w:t", {_SPACE_ATTR: "preserve"})
        t.text = _clean(text)
        r.append(t)
    if child is not None:
        r.append(child)
    return r


def _unbroken_run(look: _Look, text: str):
    """A w:r of the text with each '-' as a w:noBreakHyphen, so Word never breaks the line there."""
    r = _run(look)
    for position, part in enumerate(text.split("-")):
        if position:
            r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            t = OxmlElement("w:t", {_SPACE_ATTR: "preserve"})
            t.text = _clean(part)
            r.append(t)
    return r


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{side}", {qn("w:val"): "nil"}))
    table._tbl.tblPr.find(qn("w:tblLayout")).addprevious(borders)


def _new_row(table, *, header: bool):
    """Append a w:tr that does not split across pages; header rows repeat on each page."""
    tr = OxmlElement("w:tr")
    tr_pr = OxmlElement("w:trPr")
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    tr.append(tr_pr)
    table._tbl.append(tr)
    return tr


def _new_cell(tr, width_mm: float, span: int):
    """Append a w:tc of a fixed width spanning `span` grid columns; return it and its tcPr."""
    tc = OxmlElement("w:tc")
    tc_pr = OxmlElement("w:tcPr")
    tc_pr.append(OxmlElement("w:tcW", {qn("w:w"): str(round(width_mm * TWIPS_PER_MM)), qn("w:type"): "dxa"}))
    if span > 1:
        tc_pr.append(OxmlElement("w:gridSpan", {_VAL: str(span)}))
    tc.append(tc_pr)
    tr.append(tc)
    return tc, tc_pr


def _follows_signature(kids: list, position: int) -> bool:
    """True when kids[position] is a signature block right after another one (blank text between)."""
    return (
        position > 0
        and "signature" in _classes(kids[position])
        and "signature" in _classes(kids[position - 1])
        and not (kids[position - 1].tail or "").strip()
    )


def _span(cell) -> int:
    value = (cell.get("colspan") or "1").strip()
    return max(1, min(int(value), 63)) if value.isdigit() else 1


def _column_widths(grid, columns: int, total: float) -> list[float]:
    """Share `total` mm among columns by their content, like a browser's auto layout."""
    char_mm, padding = 1.75, 4.0
    shortest = [0.0] * columns  # longest word: a column never goes narrower
    longest = [0.0] * columns  # whole text on one line: what it would like
    fixed: dict[int, float] = {}
    for cells in grid:
        column = 0
        for cell, span in cells:
            text = _SPACE.sub(" ", cell.text_content()).strip()
            if span == 1:
                explicit = _length_mm(_style_value(cell, "width"), total)
                if explicit:
                    fixed.setdefault(column, explicit)
                word = max((len(w) for w in text.split(" ")), default=0)
                shortest[column] = max(shortest[column], min(word, 18) * char_mm + padding)
                longest[column] = max(longest[column], min(len(text), 90) * char_mm + padding)
            column += span
    shortest = [max(s, 8.0) for s in shortest]
    longest = [max(a, b) for a, b in zip(longest, shortest)]
    free = [c for c in range(columns) if c not in fixed]
    room = total - sum(fixed.values())
    if not free or room <= 0:
        given = [fixed.get(c, 8.0) for c in range(columns)]
        return [w * total / sum(given) for w in given]
    least = sum(shortest[c] for c in free)
    most = sum(longest[c] for c in free)
    widths = dict(fixed)
    if most <= room:  # everything fits on one line: widen in proportion to content
        for c in free:
            widths[c] = longest[c] * room / most
    elif least >= room:  # even the longest words do not fit: shrink in proportion
        for c in free:
            widths[c] = shortest[c] * room / least
    else:  # give each column its longest word, share the rest by how much more it wants
        extra = room - least
        wanted = most - least
        for c in free:
            widths[c] = shortest[c] + extra * (longest[c] - shortest[c]) / wanted
    return [widths[c] for c in range(columns)]


def _image_bytes(src: str) -> tuple[bytes, int, int] | None:
    """Decode a data: URI image to PNG or JPEG bytes with its pixel size; None for anything else."""
    if not src.startswith("data:"):
        return None
    header, _comma, payload = src.partition(",")
    if ";base64" not in header:
        return None
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    except (ValueError, TypeError):
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            size = image.size
            if image.format in ("PNG", "JPEG"):
                return raw, size[0], size[1]
            converted = io.BytesIO()
            image.convert("RGBA").save(converted, format="PNG")
            return converted.getvalue(), size[0], size[1]
    except Exception:  # noqa: BLE001 - a broken picture is left out, never fatal
        return None


# --------------------------------------------------------------------------- package


def _stamp(created: datetime | None) -> datetime:
    """The one timestamp of the file: `created`, else SOURCE_DATE_EPOCH, else 1980-01-01."""
    if created is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        created = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else EPOCH
    if created.tzinfo is not None:
        created = created.astimezone(UTC)
    created = created.replace(tzinfo=None, microsecond=0)
    return max(created, EPOCH.replace(tzinfo=None))


# python-docx refuses core properties (title, author...) longer than this; Word shows no more.
CORE_PROPERTY_LIMIT = 255


def _core_text(text: str) -> str:
    """A core property's text, cut at a word to fit CORE_PROPERTY_LIMIT with an ellipsis."""
    text = " ".join(_clean(text).split())
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    if " " in cut[CORE_PROPERTY_LIMIT // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def _set_core_properties(document, *, title: str, author: str, stamp: datetime) -> None:
    props = document.core_properties
    props.title = _core_text(title)
    props.author = _core_text(author)
    props.last_modified_by = _core_text(author)
    props.created = props.modified = props.last_printed = stamp.replace(tzinfo=None)
    props.revision = 1
    props.language = "id-ID"
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(props, name, "")


# Children of w:settings that must come after w:updateFields (CT_Settings sequence).
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


def _set_update_fields(document) -> None:
    """Ask Word and LibreOffice to refresh fields (the TOC) when the file is opened."""
    settings = document.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        existing = OxmlElement("w:updateFields")
        later = {qn(tag) for tag in _AFTER_UPDATE_FIELDS if not tag.startswith("sl:")}
        anchor = next((child for child in settings if child.tag in later), None)
        if anchor is not None:
            anchor.addprevious(existing)
        else:
            settings.append(existing)
    existing.set(qn("w:val"), "true")


def _normalized_zip(raw: bytes, stamp: datetime) -> bytes:
    """Rewrite the package with fixed dates and a fixed member order."""
    date_time = stamp.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
