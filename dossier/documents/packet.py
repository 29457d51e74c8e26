"""The nomination packet of one unit: its dossier followed by every evidence file, in LKE order.

The packet (`build/<year>/paket/<code>.pdf`) is what a secretariat sends as one
file. Evidence is grouped by area (LKE order: `edition.indicators`, then each
answer's `Bukti Dukung` entries in order). Each area opens with a divider page
listing its documents and where they are in the packet; PDFs are appended,
JPG/PNG images become one A4 page each, office files (DOCX, XLSX, PPTX, ODT...)
are appended as the PDF LibreOffice makes of them, and everything else (URLs,
missing, refused, damaged or password-protected files, a failed conversion) is
only listed there. A last divider lists the indicators that name no evidence.
Every page is numbered within the packet ("hlm. X dari Y"), and the dividers'
page references are those numbers.

Which evidence can be embedded is decided by `dossier.readers.evidence.collect_evidence`
(a bad file is a warning, listed as not embedded); this module only assembles.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from pypdf import PdfReader, PdfWriter

from dossier.documents.claims import DRAFT, status
from dossier.documents.dossier import PDF_KIND as DOSSIER_PDF
from dossier.documents.dossier import TEMPLATE as DOSSIER_TEMPLATE
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.errors import Problem, RenderError
from dossier.i18n import N_, _
from dossier.model import AwardYear
from dossier.readers.evidence import (
    IMAGE,
    MISSING,
    NO_EVIDENCE_TITLE,
    OTHER,
    PDF,
    REPEAT,
    URL,
    Area,
    Document,
    collect_evidence,
)
from dossier.readers.office import office_cache_dir
from dossier.render.kept import KeptRenderings
from dossier.render.pdf import LaidOut, html_to_pdf, lay_out
from dossier.render.templates import render
from dossier.reproducible import fix_identifier, pdf_date
from dossier.scoring import UnitScore

DIVIDER_TEMPLATE = "packet-divider.html"
IMAGE_TEMPLATE = "packet-image.html"
TITLE = "Paket Usulan Zona Integritas"
DOSSIER_BOOKMARK = "Dokumen Usulan"
# A unit the year does not propose: its dossier is an evaluation (dossier.DRAFT_TITLE), and so is its packet.
DRAFT_TITLE = "Paket Evaluasi Zona Integritas"
DRAFT_DOSSIER_BOOKMARK = "Dokumen Evaluasi"
WITHOUT_TITLE = "Indikator Tanpa Bukti Dukung"
# The box an image is fitted into (mm): A4 inside the margins of document.css (172 x 253,
# landscape 259 x 166), less room for the caption (at most 11 mm + 3 mm, see packet-image.html).
IMAGE_BOX = {"portrait": (172.0, 236.0), "landscape": (259.0, 149.0)}
DIVIDER_CACHE = ".paket-pembatas"  # in build/<year>/: rendered divider pages, per unit, by their content


@dataclass(frozen=True)
class Packet:
    """A built packet and its page accounting (pages = dossier + dividers + evidence)."""

    data: bytes
    problems: list[Problem]
    dossier_pages: int
    divider_pages: int
    evidence_pages: int
    areas: tuple[Area, ...]

    @property
    def pages(self) -> int:
        return self.dossier_pages + self.divider_pages + self.evidence_pages


def make_packet(
    dossier_pdf: bytes,
    score: UnitScore,
    year: AwardYear,
    env: jinja2.Environment,
    *,
    allowed_roots: list[Path],
    created: datetime,
    office_cache: Path | None = None,
    divider_cache: Path | None = None,
) -> Packet:
    """Build one unit's packet and account for its pages.

    Office evidence is converted to PDF and kept in `office_cache` (default: build/<year>/.bukti-pdf);
    the divider pages are kept by their content in `divider_cache` (default:
    build/<year>/.paket-pembatas/<code>), so a rebuild where only answers changed renders none.
    """
    problems: list[Problem] = []
    dossier = PdfReader(io.BytesIO(dossier_pdf))
    cache = office_cache if office_cache is not None else office_cache_dir(year)
    areas = collect_evidence(score, year, problems, office_cache=cache)
    bare = _without_evidence(score)
    if bare.indicators:
        areas = [a for a in areas if a.group] + [bare]
    roots = [*allowed_roots, year.bukti]
    common = _common_context(score, year)
    images = [d for a in areas for d in a.documents if d.kind == IMAGE]
    image_pdf = _render_images(env, common, images, year, roots, created) if images else b""
    dividers_kept = DividerCache(divider_cache if divider_cache is not None else
                                 office_cache_dir(year).parent / DIVIDER_CACHE / score.unit.code)
    divider_pdf = _lay_out(env, common, areas, len(dossier.pages), year, roots, created, dividers_kept)
    dividers_kept.prune()

    digest = hashlib.sha256()
    for part in (dossier_pdf, divider_pdf, image_pdf):
        digest.update(hashlib.sha256(part).digest())
    writer = PdfWriter()
    draft = status(score) == DRAFT
    writer.append(dossier, outline_item=DRAFT_DOSSIER_BOOKMARK if draft else DOSSIER_BOOKMARK, import_outline=True)
    dividers = PdfReader(io.BytesIO(divider_pdf))
    image_pages = PdfReader(io.BytesIO(image_pdf)) if images else None
    image_index = {id(d): i for i, d in enumerate(images)}
    divider_start = 0
    sent_pages: set[int] = set()  # 0-based: the pages the units sent, numbered in a strip added below
    for area in areas:
        writer.append(dividers, pages=(divider_start, divider_start + area.divider_pages), import_outline=False)
        divider_start += area.divider_pages
        for document in area.documents:
            if document.kind == PDF:
                assert document.data is not None, "a PDF keeps its checked bytes until appended (else: unreadable)"
                digest.update(document.data)
                start = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(document.data)), import_outline=False, excluded_fields=["/AA"])
                sent_pages.update(range(start, len(writer.pages)))
                document.data = None  # appended: let the bytes go
            elif document.kind == IMAGE:
                assert image_pages is not None, "an image document is one of `images`, so they are rendered"
                index = image_index[id(document)]
                writer.append(image_pages, pages=(index, index + 1), import_outline=False)
    # Bookmarks last: an outline item can only point at a page that is already there. They run
    # in page order: a document placed here gets one; one not embedded, or embedded earlier
    # (a repeat), is found on its area's divider, which has the bookmark.
    for area in areas:
        area_item = writer.add_outline_item(title=area.title, page_number=area.first_page - 1)
        for code, _question, documents in area.indicators:
            placed = [d for d in documents if d.embedded and d.kind != REPEAT]
            if not placed:
                continue
            indicator_item = writer.add_outline_item(title=code, page_number=placed[0].first_page - 1,
                                                     parent=area_item, is_open=False)
            for document in placed:
                writer.add_outline_item(title=_bookmark(document), page_number=document.first_page - 1,
                                        parent=indicator_item)

    divider_pages = sum(a.divider_pages for a in areas)
    evidence_pages = sum(d.pages for a in areas for d in a.documents if d.embedded)
    expected = len(dossier.pages) + divider_pages + evidence_pages
    if len(writer.pages) != expected:
        raise RenderError(
            _("packet of {unit}: assembled {pages} pages, expected {expected} "
              "(dossier {dossier}, dividers {dividers}, evidence {evidence}).")
            .format(unit=score.unit.code, pages=len(writer.pages), expected=expected, dossier=len(dossier.pages),
                    dividers=divider_pages, evidence=evidence_pages)
        )
    number_pages(writer, sent_pages)
    writer.page_mode = "/UseOutlines"
    stamp = pdf_date(created)
    writer.add_metadata(
        {
            "/Title": common["title"],
            "/Author": year.award.ministry,
            "/Creator": "dossier",
            "/Producer": "dossier",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    fix_identifier(writer, digest.digest())  # from the content, so two builds give the same bytes
    out = io.BytesIO()
    writer.write(out)
    return Packet(out.getvalue(), problems, len(dossier.pages), divider_pages, evidence_pages, tuple(areas))


# The packet's own page number, "hlm. X dari Y", stamped on every page: in the bottom margin of the
# pages dossier makes (the dossier, the dividers, the image pages: A4 with a 20 mm bottom margin,
# its footer text at about 14-17 mm), and in a strip added below each page a unit sent, which may
# be printed to its edges. The numbers the dividers give are these.
STAMP_PT = 8.0
STAMP_FROM_BOTTOM_MM = 7.0
STAMP_FROM_RIGHT_MM = 18.0
STRIP_MM = 9.0
MM_PT = 72 / 25.4


def page_label(number: int, total: int) -> str:
    """The packet's page number; "paket" tells it from the dossier's own "Halaman X dari Y" on the same page."""
    return f"Paket · hlm. {number} dari {total}"


def number_pages(writer: PdfWriter, added_strip: Container[int] = frozenset()) -> None:
    """Stamp "hlm. X dari Y" on every page; the pages in `added_strip` (0-based) get a strip below first."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, RectangleObject

    from dossier.render.charts import text_mm

    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        if index in added_strip:
            if page.rotation:
                page.transfer_rotation_to_content()  # so that "below" is below as the page is seen
            box = page.cropbox
            left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
            bottom -= STRIP_MM * MM_PT
            page.mediabox = RectangleObject((left, bottom, right, top))
            page.cropbox = RectangleObject((left, bottom, right, top))
            for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
                if name in page:
                    del page[NameObject(name)]
            y = bottom + (STRIP_MM * MM_PT - STAMP_PT * 0.7) / 2
        else:
            box = page.cropbox
            right, bottom = float(box.right), float(box.bottom)
            y = bottom + STAMP_FROM_BOTTOM_MM * MM_PT
        text = page_label(index + 1, total)
        x = right - STAMP_FROM_RIGHT_MM * MM_PT - text_mm(text, STAMP_PT) * MM_PT
        stamp = PageObject.create_blank_page(width=float(page.mediabox.width), height=float(page.mediabox.height))
        # pypdf clips a merged page to its own box: give the stamp the page's box, strip included.
        stamp.mediabox = RectangleObject(page.mediabox)
        stamp.cropbox = RectangleObject(page.mediabox)
        stamp[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/FHlm"): font})})
        content = DecodedStreamObject()
        content.set_data(f"q 0.33 g BT /FHlm {STAMP_PT:g} Tf {x:.2f} {y:.2f} Td ({text}) Tj ET Q".encode("cp1252"))
        stamp[NameObject("/Contents")] = writer._add_object(content)
        page.merge_page(stamp)


def _without_evidence(score: UnitScore) -> Area:
    """The indicators that name no evidence at all, for a last divider that says so."""
    area = Area(("", "", WITHOUT_TITLE))
    for code in score.without_evidence:
        area.indicators.append((code, score.edition.indicators[code].question, []))
    return area


def _common_context(score: UnitScore, year: AwardYear) -> dict:
    unit = score.unit
    title = DRAFT_TITLE if status(score) == DRAFT else TITLE
    return {
        "title": f"{title} – {unit.name}",
        "document_title": title,
        "ministry": year.award.ministry,
        "year": year.year,
        "unit": {"code": unit.code, "name": unit.name},
    }


def _render_images(env, common: dict, images: list[Document], year: AwardYear, roots, created) -> bytes:
    """Render every image of the unit as one page each, fitted to A4 (portrait or landscape)."""
    pages = []
    for document in images:
        assert document.source is not None, "an image found in bukti/ names its source"
        width, height = document.size
        orientation = "landscape" if width > height else "portrait"
        box_w, box_h = IMAGE_BOX[orientation]
        scale = min(box_w / width, box_h / height)
        pages.append(
            {
                "indicator": document.indicator,
                "name": document.entry,
                # A data: URI, not a file URL: WeasyPrint names an image after its URL, and
                # the folder must not change the bytes of the packet.
                "src": _data_uri(document.source),
                "orientation": orientation,
                "width_mm": f"{width * scale:.2f}",
                "height_mm": f"{height * scale:.2f}",
            }
        )
    html = render(env, IMAGE_TEMPLATE, {**common, "images": pages})
    data = html_to_pdf(html, base_url=year.bukti, allowed_roots=roots, title=common["title"],
                       author=common["ministry"], created=created)
    count = len(PdfReader(io.BytesIO(data)).pages)
    if count != len(images):
        raise RenderError(_("{template}: {images} images gave {pages} pages; each image must fit on exactly one page "
                            "(check the template's image size and page breaks).")
                          .format(template=IMAGE_TEMPLATE, images=len(images), pages=count))
    return data


def _data_uri(path: Path) -> str:
    """An image checked by _check_image (PNG or JPEG) as a data: URI."""
    import base64

    data = path.read_bytes()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def _lay_out(env, common: dict, areas: list[Area], dossier_pages: int, year: AwardYear, roots, created,
             kept: DividerCache) -> bytes:
    """Number every page of the packet and render the divider pages that list them.

    The dividers show page numbers that depend on how many pages the dividers
    themselves take, so lay out and repeat until the count is stable; only the final
    layout is written as PDF. Each rendering is looked up in `kept` first: the same
    markup gives the same pages (and the same markup as the last pass, its layout).
    """
    laid: tuple[str, LaidOut] | None = None
    for _attempt in range(4):
        page = dossier_pages + 1
        for area in areas:
            area.first_page = page
            page += area.divider_pages
            for document in area.documents:
                if document.embedded:
                    document.first_page = page
                    page += document.pages
        html = render(env, DIVIDER_TEMPLATE, {**common, "dividers": [_divider(a, i) for i, a in enumerate(areas)]})
        key = kept.key(env, html, title=common["title"], author=common["ministry"], created=created)
        guessed = [a.divider_pages for a in areas]
        data = kept.find(key)
        if data is not None:
            counts = _pages_per_divider(*_heading_pages(data), len(areas))
            if counts == guessed:
                return data
        else:
            if laid is None or laid[0] != key:  # else no page number moved since the last pass: its layout holds
                laid = key, lay_out(html, base_url=year.bukti, allowed_roots=roots)
            counts = _pages_per_divider(laid[1].heading_pages(), laid[1].pages, len(areas))
            if counts == guessed:
                return kept.keep(key, laid[1].pdf(title=common["title"], author=common["ministry"], created=created))
        for area, count in zip(areas, counts):
            area.divider_pages = count
    raise RenderError(_("{template}: the divider pages did not settle on a page count.").format(template=DIVIDER_TEMPLATE))


class DividerCache(KeptRenderings):
    """A unit's rendered divider pages, kept in a folder by the digest of everything that makes their bytes.

    The key is the markup as rendered (the divider template and document.css, which it
    inlines, with every page number and status it shows), the sources of the templates it
    is made from, the bytes of every file the markup loads (the fonts) in place of their
    paths, the metadata, dossier's code and WeasyPrint's version (KeptRenderings.markup_key);
    each rendering is kept sealed (render/kept.py). `folder` None keeps nothing.
    """

    def key(self, env, html: str, *, title: str, author: str, created: datetime) -> str:
        sources = [env.loader.get_source(env, name)[0] for name in (DIVIDER_TEMPLATE, "base.html")]
        return self.markup_key(html, *sources, title, author, str(created))


def _heading_pages(data: bytes) -> tuple[list[int], int]:
    """The page of each top-level bookmark of a rendered PDF, as LaidOut.heading_pages gives them, and its page count."""
    reader = PdfReader(io.BytesIO(data))
    starts = []
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            assert page is not None, "WeasyPrint's bookmarks point at its own pages"
            starts.append(page)
    return starts, len(reader.pages)


def _pages_per_divider(starts: list[int], pages: int, dividers: int) -> list[int]:
    """How many pages each divider took, from the page of each top-level bookmark (one per divider heading)."""
    if len(starts) != dividers:
        raise RenderError(_("{template}: expected one <h1> per divider ({dividers}), found {found} bookmarks; "
                            "keep exactly one <h1> in each divider section.")
                          .format(template=DIVIDER_TEMPLATE, dividers=dividers, found=len(starts)))
    ends = starts[1:] + [pages]
    return [end - start for start, end in zip(starts, ends)]


def _divider(area: Area, index: int) -> dict:
    """What one divider page shows: the area and each of its documents with its status."""
    rows = []
    for code, question, documents in area.indicators:
        if not documents:
            rows.append({"first": True, "indicator": code, "question": question, "entry": "—", "href": "",
                         "embedded": False, "status": "tidak ada bukti dukung", "state": "fail"})
        for number, document in enumerate(documents):
            rows.append(
                {
                    "first": number == 0,  # the question is shown once per indicator
                    "indicator": code,
                    "question": question,
                    "entry": document.entry,
                    "href": document.entry if document.kind == URL and _is_web(document.entry) else "",
                    "embedded": document.target.embedded,
                    "status": _status(document),
                    "state": _state(document),
                }
            )
    component, part, name = area.group if area.group else ("", "", NO_EVIDENCE_TITLE)
    return {
        "id": f"area-{index + 1}",
        "without": name == WITHOUT_TITLE,
        "title": name,
        "component": component,
        "part": part,
        "rows": rows,
        "embedded": sum(1 for d in area.documents if d.embedded and d.kind != REPEAT),
        "repeated": sum(1 for d in area.documents if d.kind == REPEAT),
        "listed": len(rows),
    }


def _state(document: Document) -> str:
    """The divider cell's class: ok (in the packet), muted (a link or other format, as expected), fail."""
    if document.target.embedded:
        return "ok"
    return "muted" if document.kind in (URL, OTHER) else "fail"


def _status(document: Document) -> str:
    """The divider's wording for one document (Bahasa Indonesia)."""
    target = document.target
    if target.embedded:
        pages = f"hlm. {target.first_page}" if target.pages == 1 else \
            f"hlm. {target.first_page}–{target.first_page + target.pages - 1}"
        if document.kind == REPEAT:
            return f"sudah disematkan pada {target.indicator}, {pages}"
        owner = f"; berkas dari folder unit {target.other_unit}" if target.other_unit else ""
        if target.converted_from:
            return f"disematkan (diubah dari {target.converted_from} ke PDF), {pages}{owner}"
        return f"disematkan{' (gambar)' if target.kind == IMAGE else ''}, {pages}{owner}"
    return document.note


def _bookmark(document: Document) -> str:
    name = document.entry.rsplit("/", 1)[-1] if document.kind != URL else document.entry
    if document.target.embedded:
        return name
    return f"{name} (tidak ditemukan)" if document.kind == MISSING else f"{name} (tidak disematkan)"


def _is_web(entry: str) -> bool:
    return entry.lower().startswith(("http://", "https://"))


def render_pdf(job: Job) -> Made:
    packet = make_packet(job.made[DOSSIER_PDF.kind].data, job.score, job.award_year, job.env,
                         allowed_roots=job.allowed_roots, created=job.created)
    return Made(packet.data, packet.pages, list(packet.problems))


KIND = DocumentKind("packet-pdf", "paket/{unit}.pdf", "pdf", (DOSSIER_TEMPLATE, DIVIDER_TEMPLATE, IMAGE_TEMPLATE),
                    per_unit=True, render=render_pdf, needs=(DOSSIER_PDF.kind,), evidence=True,
                    name=N_("Packet with the evidence"),
                    description=N_("each unit's packet (its dossier with its evidence)"),
                    archived=True, required=True, label="Paket usulan beserta bukti dukung",
                    draft_label="Paket evaluasi beserta bukti dukung", pdfa=False)
