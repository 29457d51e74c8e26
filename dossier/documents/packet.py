"""The nomination packet of one unit: its dossier followed by every evidence file, in LKE order.

The packet (`build/<year>/paket/<code>.pdf`) is what a secretariat sends as one
file. Evidence is grouped by area (LKE order: `edition.indicators`, then each
answer's `Bukti Dukung` entries in order). Each area opens with a divider page
listing its documents and where they are in the packet; PDFs are appended,
JPG/PNG images become one A4 page each, and everything else (DOCX, XLSX, URLs,
missing, refused, damaged or password-protected files) is only listed there.

A bad evidence file is a warning, never a failure: it is reported as a Problem
and listed as not embedded. Files are only read from inside the year's `bukti/`
folder, checked again here after the reader's own check (defence in depth).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import stat
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
from PIL import Image
from pypdf import PdfReader, PdfWriter

from dossier.documents.dossier import PDF_KIND as DOSSIER_PDF
from dossier.documents.dossier import TEMPLATE as DOSSIER_TEMPLATE
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.errors import Problem, RenderError
from dossier.model import AwardYear, Evidence
from dossier.render.templates import render
from dossier.reproducible import fix_identifier, pdf_date
from dossier.scoring import UnitScore

DIVIDER_TEMPLATE = "packet-divider.html"
IMAGE_TEMPLATE = "packet-image.html"
TITLE = "Paket Usulan Zona Integritas"
DOSSIER_BOOKMARK = "Dokumen Usulan"
NO_EVIDENCE_TITLE = "Bukti Dukung"
# An evidence file larger than this is listed, not embedded: one scan must not exhaust a worker's memory.
MAX_EVIDENCE_BYTES = 256 * 1024 * 1024
# The box an image is fitted into (mm): A4 inside the margins of document.css (172 x 253,
# landscape 259 x 166), less room for the caption (at most 11 mm + 3 mm, see packet-image.html).
IMAGE_BOX = {"portrait": (172.0, 236.0), "landscape": (259.0, 149.0)}

# What became of each evidence entry. The first two are embedded in the packet.
PDF, IMAGE = "pdf", "image"
REPEAT, URL, OTHER, MISSING, REFUSED, UNREADABLE = "repeat", "url", "other", "missing", "refused", "unreadable"
EMBEDDED = (PDF, IMAGE)
OUTSIDE = "ditolak: berada di luar folder bukti"
NOT_FOUND = "tidak ditemukan di folder bukti"


@dataclass(eq=False)
class Document:
    """One evidence entry of one indicator, and what the packet does with it."""

    indicator: str
    entry: str
    kind: str
    note: str = ""  # the reason shown on the divider (Bahasa Indonesia) when not embedded
    source: Path | None = None  # the real path inside bukti/, once checked
    data: bytes | None = None  # a PDF's checked bytes, until appended
    size: tuple[int, int] = (0, 0)  # an image's pixels, as displayed (EXIF rotation applied)
    pages: int = 0
    first_page: int = 0  # 1-based page in the packet; 0 until placed
    same_as: Document | None = None  # for REPEAT: the earlier entry that embeds the same file

    @property
    def embedded(self) -> bool:
        return self.kind in EMBEDDED

    @property
    def target(self) -> Document:
        return self.same_as if self.same_as is not None else self


@dataclass
class Area:
    """One area of the LKE (component / part / area) and its indicators' evidence."""

    group: tuple[str, ...]
    indicators: list[tuple[str, str, list[Document]]] = field(default_factory=list)  # (code, question, documents)
    divider_pages: int = 1
    first_page: int = 0

    @property
    def title(self) -> str:
        if not self.group:
            return NO_EVIDENCE_TITLE
        return f"{self.group[1]} – {self.group[2]}"

    @property
    def documents(self) -> list[Document]:
        return [d for _, _, docs in self.indicators for d in docs]


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
) -> Packet:
    """Build one unit's packet and account for its pages."""
    problems: list[Problem] = []
    dossier = PdfReader(io.BytesIO(dossier_pdf))
    areas = collect_evidence(score, year, problems)
    roots = [*allowed_roots, year.bukti]
    common = _common_context(score, year)
    images = [d for a in areas for d in a.documents if d.kind == IMAGE]
    image_pdf = _render_images(env, common, images, year, roots, created) if images else b""
    divider_pdf = _lay_out(env, common, areas, len(dossier.pages), year, roots, created)

    digest = hashlib.sha256()
    for part in (dossier_pdf, divider_pdf, image_pdf):
        digest.update(hashlib.sha256(part).digest())
    writer = PdfWriter()
    writer.append(dossier, outline_item=DOSSIER_BOOKMARK, import_outline=True)
    dividers = PdfReader(io.BytesIO(divider_pdf))
    image_pages = PdfReader(io.BytesIO(image_pdf)) if images else None
    image_index = {id(d): i for i, d in enumerate(images)}
    divider_start = 0
    for area in areas:
        writer.append(dividers, pages=(divider_start, divider_start + area.divider_pages), import_outline=False)
        divider_start += area.divider_pages
        for document in area.documents:
            if document.kind == PDF:
                digest.update(document.data or b"")
                writer.append(PdfReader(io.BytesIO(document.data)), import_outline=False, excluded_fields=["/AA"])
                document.data = None  # appended: let the bytes go
            elif document.kind == IMAGE:
                index = image_index[id(document)]
                writer.append(image_pages, pages=(index, index + 1), import_outline=False)
    # Bookmarks last: an outline item can only point at a page that is already there.
    for area in areas:
        area_item = writer.add_outline_item(title=area.title, page_number=area.first_page - 1)
        for code, _, documents in area.indicators:
            first = next((d.target.first_page for d in documents if d.target.embedded), area.first_page)
            indicator_item = writer.add_outline_item(title=code, page_number=first - 1, parent=area_item, is_open=False)
            for document in documents:
                page = document.target.first_page if document.target.embedded else area.first_page
                writer.add_outline_item(title=_bookmark(document), page_number=page - 1, parent=indicator_item)

    divider_pages = sum(a.divider_pages for a in areas)
    evidence_pages = sum(d.pages for a in areas for d in a.documents if d.embedded)
    expected = len(dossier.pages) + divider_pages + evidence_pages
    if len(writer.pages) != expected:
        raise RenderError(
            f"packet of {score.unit.code}: assembled {len(writer.pages)} pages, expected {expected} "
            f"(dossier {len(dossier.pages)}, dividers {divider_pages}, evidence {evidence_pages})."
        )
    writer.page_mode = "/UseOutlines"
    stamp = pdf_date(created)
    writer.add_metadata(
        {
            "/Title": f"{TITLE} – {score.unit.name}",
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


def collect_evidence(score: UnitScore, year: AwardYear, problems: list[Problem]) -> list[Area]:
    """Check every evidence entry of the unit, in LKE order, grouped by area.

    PDFs are read and checked here (their bytes kept until appended); images are
    checked with Pillow. Every entry that cannot be embedded says why.
    """
    areas: dict[tuple[str, ...], Area] = {}
    seen: dict[Path, Document] = {}
    for code, indicator in score.edition.indicators.items():
        question = score.questions.get(code)
        answer = question.answer if question else None
        if answer is None or not answer.evidence:
            continue
        documents = []
        for evidence in answer.evidence:
            document = _check(evidence, code, year, score.unit.code, problems)
            if document.embedded and document.source is not None:
                if document.source in seen:
                    first = seen[document.source]
                    document = Document(code, evidence.entry, REPEAT, source=document.source, same_as=first)
                else:
                    seen[document.source] = document
            documents.append(document)
        group = indicator.group[:3]
        areas.setdefault(group, Area(group)).indicators.append((code, indicator.question, documents))
    return list(areas.values()) or [Area(())]


def _check(evidence: Evidence, code: str, year: AwardYear, unit: str, problems: list[Problem]) -> Document:
    """Decide what one evidence entry becomes; open it only if it is a regular file inside bukti/."""
    entry = evidence.entry
    where = f"bukti/{entry} ({code})"
    if evidence.url:
        return Document(code, entry, URL, "tautan, tidak disematkan")
    bukti = Path(os.path.realpath(year.bukti))
    wanted = evidence.path if evidence.path is not None else Path(entry)
    candidate = wanted if wanted.is_absolute() else year.bukti / wanted
    # realpath follows every link without opening the file, so a link out of bukti/ is caught here.
    real = Path(os.path.realpath(candidate))
    inside = real != bukti and real.is_relative_to(bukti) and not Path(entry).is_absolute()
    if evidence.problem:
        # The reader refused the entry and has reported it already: never open it here.
        return Document(code, entry, *_refusal(evidence, real, inside))
    if not inside:
        problems.append(Problem(where, f"refused to put this file in the packet of {unit}: the path leads outside "
                                       f"the bukti folder ({year.bukti}). Only files inside that folder are embedded.",
                                "warning"))
        return Document(code, entry, REFUSED, OUTSIDE)
    try:
        info = real.stat()
    except OSError:
        if evidence.present:  # the reader saw it, so it vanished since; otherwise the reader has reported it
            problems.append(Problem(where, f"the evidence file disappeared while the packet of {unit} was built; "
                                           "it is listed as not found.", "warning"))
        return Document(code, entry, MISSING, NOT_FOUND)
    if not stat.S_ISREG(info.st_mode):
        problems.append(Problem(where, f"not a regular file, so it is not embedded in the packet of {unit}; "
                                       "name a file, not a folder or device.", "warning"))
        return Document(code, entry, REFUSED, "ditolak: bukan berkas")
    if info.st_size == 0:
        problems.append(Problem(where, f"the file is empty (0 bytes), so it is not embedded in the packet of {unit}; "
                                       "replace it with the real document.", "warning"))
        return Document(code, entry, UNREADABLE, "tidak disematkan: berkas kosong (0 bita)", real)
    if info.st_size > MAX_EVIDENCE_BYTES:
        problems.append(Problem(where, f"the file is {info.st_size // (1024 * 1024)} MB, more than the "
                                       f"{MAX_EVIDENCE_BYTES // (1024 * 1024)} MB a packet embeds; it is listed as "
                                       f"not embedded in the packet of {unit}. Reduce it (e.g. scan at 150 dpi).",
                                "warning"))
        return Document(code, entry, OTHER, "tidak disematkan: berkas terlalu besar", real)
    try:
        with real.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        problems.append(Problem(where, f"cannot open this file ({exc.strerror}), so it is not embedded in the "
                                       f"packet of {unit}. Check its permissions.", "warning"))
        return Document(code, entry, UNREADABLE, "tidak disematkan: berkas tidak dapat dibuka", real)
    kind = _sniff(head)
    if kind == PDF:
        return _check_pdf(Document(code, entry, PDF, source=real), where, unit, problems)
    if kind == IMAGE:
        return _check_image(Document(code, entry, IMAGE, source=real), where, unit, problems)
    label = real.suffix.lstrip(".").upper() or "tanpa ekstensi"
    if real.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg"):
        problems.append(Problem(where, f"the file is named {real.suffix} but its content is not a "
                                       f"{real.suffix.lstrip('.').upper()}; it is not embedded in the packet of "
                                       f"{unit}. Open it and save it again in that format.", "warning"))
        return Document(code, entry, UNREADABLE, f"tidak disematkan: isi berkas bukan {label}", real)
    return Document(code, entry, OTHER, f"tidak disematkan (berkas {label})", real)


def _refusal(evidence: Evidence, real: Path, inside: bool) -> tuple[str, str]:
    """The kind and divider wording of an entry the reader refused (its message says why, in English)."""
    if not inside:
        return REFUSED, OUTSIDE
    if evidence.path is None:  # a link of another kind (ftp:, file:) or no file name at all
        return REFUSED, "ditolak: penulisan alamat tidak diterima"
    if real.is_dir():
        return REFUSED, "ditolak: berupa folder, bukan berkas"
    if not real.exists():
        return MISSING, NOT_FOUND
    return REFUSED, "ditolak pada pemeriksaan bukti dukung"


def _sniff(head: bytes) -> str:
    """Tell a PDF or a JPG/PNG image by its first bytes, whatever its name says."""
    if b"%PDF-" in head:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff"):
        return IMAGE
    return OTHER


def _check_pdf(document: Document, where: str, unit: str, problems: list[Problem]) -> Document:
    """Read an evidence PDF fully (every object and content stream) and keep a clean copy of it."""
    reason = ""
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(document.source.read_bytes()), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                document.kind, document.note = UNREADABLE, "tidak disematkan: PDF dikunci kata sandi"
                problems.append(Problem(where, f"this PDF is protected by a password, so it is not embedded in the "
                                               f"packet of {unit} (it is listed on the divider page). Put a copy "
                                               "without a password in the bukti folder.", "warning"))
                return document
            for page in reader.pages:
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
            copy = PdfWriter()
            copy.append(reader, import_outline=False, excluded_fields=["/AA"])
            out = io.BytesIO()
            copy.write(out)
            document.data = out.getvalue()
            document.pages = len(PdfReader(io.BytesIO(document.data)).pages)
        except Exception as exc:  # pypdf raises many kinds on a damaged file; any of them means "unreadable"
            reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if reason or document.pages == 0:
        document.kind, document.note, document.data, document.pages = (
            UNREADABLE, "tidak disematkan: PDF rusak atau tidak terbaca", None, 0)
        problems.append(Problem(where, f"this PDF cannot be read ({reason or 'it has no pages'}), so it is not "
                                       f"embedded in the packet of {unit}. Open it and save it again as PDF.",
                                "warning"))
    return document


def _check_image(document: Document, where: str, unit: str, problems: list[Problem]) -> Document:
    """Check that a JPG/PNG decodes and is not absurdly large; note its displayed size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(document.source) as image:
                image.verify()
            with Image.open(document.source) as image:
                image.load()
                width, height = image.size
                if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientation: shown rotated by 90 degrees
                    width, height = height, width
    except Exception as exc:  # Pillow raises many kinds on a damaged or oversized image
        document.kind, document.note = UNREADABLE, "tidak disematkan: gambar rusak atau tidak terbaca"
        problems.append(Problem(where, f"this image cannot be read ({type(exc).__name__}: {exc}), so it is not "
                                       f"embedded in the packet of {unit}. Save it again as JPG or PNG.", "warning"))
        return document
    document.size, document.pages = (width, height), 1
    return document


@contextmanager
def _quiet_pypdf():
    """Keep pypdf's repair notes about evidence files out of the build output."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _common_context(score: UnitScore, year: AwardYear) -> dict:
    unit = score.unit
    return {
        "title": f"{TITLE} – {unit.name}",
        "document_title": TITLE,
        "ministry": year.award.ministry,
        "year": year.year,
        "unit": {"code": unit.code, "name": unit.name},
    }


def _render_images(env, common: dict, images: list[Document], year: AwardYear, roots, created) -> bytes:
    """Render every image of the unit as one page each, fitted to A4 (portrait or landscape)."""
    from dossier.render.pdf import html_to_pdf

    pages = []
    for document in images:
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
        raise RenderError(f"{IMAGE_TEMPLATE}: {len(images)} images gave {count} pages; each image must fit on "
                          "exactly one page (check the template's image size and page breaks).")
    return data


def _data_uri(path: Path) -> str:
    """An image checked by _check_image (PNG or JPEG) as a data: URI."""
    import base64

    data = path.read_bytes()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def _lay_out(env, common: dict, areas: list[Area], dossier_pages: int, year: AwardYear, roots, created) -> bytes:
    """Number every page of the packet and render the divider pages that list them.

    The dividers show page numbers that depend on how many pages the dividers
    themselves take, so lay out, render, and repeat until the count is stable.
    """
    from dossier.render.pdf import html_to_pdf

    for _ in range(4):
        page = dossier_pages + 1
        for area in areas:
            area.first_page = page
            page += area.divider_pages
            for document in area.documents:
                if document.embedded:
                    document.first_page = page
                    page += document.pages
        html = render(env, DIVIDER_TEMPLATE, {**common, "dividers": [_divider(a, i) for i, a in enumerate(areas)]})
        data = html_to_pdf(html, base_url=year.bukti, allowed_roots=roots, title=common["title"],
                           author=common["ministry"], created=created)
        counts = _pages_per_divider(data, len(areas))
        if counts == [a.divider_pages for a in areas]:
            return data
        for area, count in zip(areas, counts):
            area.divider_pages = count
    raise RenderError(f"{DIVIDER_TEMPLATE}: the divider pages did not settle on a page count.")


def _pages_per_divider(data: bytes, dividers: int) -> list[int]:
    """How many pages each divider took, from the PDF's bookmarks (one top-level per divider heading)."""
    reader = PdfReader(io.BytesIO(data))
    starts = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    if len(starts) != dividers:
        raise RenderError(f"{DIVIDER_TEMPLATE}: expected one <h1> per divider ({dividers}), found {len(starts)} "
                          "bookmarks; keep exactly one <h1> in each divider section.")
    ends = starts[1:] + [len(reader.pages)]
    return [end - start for start, end in zip(starts, ends)]


def _divider(area: Area, index: int) -> dict:
    """What one divider page shows: the area and each of its documents with its status."""
    rows = []
    for code, question, documents in area.indicators:
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
        "title": name,
        "component": component,
        "part": part,
        "rows": rows,
        "embedded": sum(1 for d in area.documents if d.embedded),
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
        return f"disematkan{' (gambar)' if target.kind == IMAGE else ''}, {pages}"
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
                    per_unit=True, render=render_pdf, needs=(DOSSIER_PDF.kind,), evidence=True)
