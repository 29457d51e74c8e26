"""Evidence (bukti dukung) named in an LKE: web links, or files under `inputs/<year>/bukti/`.

A path may never leave the bukti folder: `..`, absolute paths and symlinks
pointing outside are refused, so a workbook cannot make the dossier embed
`/etc/passwd` or another unit's private files.

`report_without_evidence` warns about the indicators that cite no evidence at all.

`collect_evidence` then checks the files themselves for the nomination packet:
which are PDFs or images that can be embedded, which office files LibreOffice
turns into PDF, and why the others cannot be embedded. A bad evidence file is a
warning, never a failure. Files are only read from
inside the year's `bukti/` folder, checked again there (defence in depth).
"""

from __future__ import annotations

import io
import logging
import os
import re
import stat
import unicodedata
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from dossier.errors import Message, Place, Problem, msg, os_reason
from dossier.model import AwardYear, Evidence, Lke
from dossier.readers.office import OFFICE_SUFFIXES, ConversionFailed, office_to_pdf

if TYPE_CHECKING:  # readers come before scoring: only the type is needed
    from dossier.rules import Edition
    from dossier.scoring import UnitScore

_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SEPARATORS = re.compile(r"[;\n\r]+")


def split_entries(cell: object) -> list[str]:
    """Split a Bukti Dukung cell into its entries: one per line or separated by ';'."""
    if cell is None:
        return []
    return [part.strip() for part in _SEPARATORS.split(str(cell)) if part.strip()]


def resolve_evidence(entry: str, bukti: Path) -> Evidence:
    """Turn one entry into Evidence: a URL, or a file resolved inside `bukti` (problem set if refused)."""
    entry = entry.strip()
    if _URL.match(entry):
        return Evidence(entry, url=True)
    scheme = _SCHEME.match(entry)
    if scheme and scheme.group(1).lower() in ("http", "https"):  # a web address _URL refused: a space in it
        return Evidence(entry, problem=_refused(
            "evidence.url_space", msg("is a web address with a space in it"),
            msg("write each space in a web address as %20, or put each address on a line of its own")))
    if scheme and len(scheme.group(1)) > 1:  # one letter is a Windows drive, handled as absolute below
        return Evidence(entry, problem=_refused(
            "evidence.link_scheme", msg("uses a '{scheme}:' link, which is not accepted", scheme=scheme.group(1)),
            msg("give a web address (http:// or https://) or a file under bukti/")))
    text = entry.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return Evidence(entry, problem=_refused("evidence.absolute_path", msg("is an absolute path"),
                                                msg("write the path relative to the bukti/ folder, e.g. UNIT01/sk-tim.pdf")))
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if ".." in parts:
        return Evidence(entry, problem=_refused("evidence.outside", msg("goes outside the bukti/ folder ('..' is not allowed)"),
                                                msg("write a path inside bukti/")))
    if not parts:
        return Evidence(entry, problem=_refused("evidence.no_file_name", msg("is not a file name"),
                                                msg("write a path inside bukti/, e.g. UNIT01/sk-tim.pdf")))
    candidate = bukti.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        root = bukti.resolve()
    except (OSError, RuntimeError) as exc:  # symlink loops
        return Evidence(entry, path=candidate,
                        problem=_refused("evidence.unresolved", msg("cannot be resolved ({error})", error=exc)))
    if not resolved.is_relative_to(root):
        return Evidence(entry, path=candidate,
                        problem=_refused("evidence.link_outside", msg("is a link pointing outside the bukti/ folder"),
                                         msg("copy the file into bukti/ instead")))
    if resolved.is_dir():
        return Evidence(entry, path=resolved, problem=_refused("evidence.folder", msg("is a folder"),
                                                               msg("name a file inside it")))
    if resolved.exists() and not resolved.is_file():
        return Evidence(entry, path=resolved, problem=_refused("evidence.not_a_file",
                                                               msg("is not a regular file (a pipe or a device)"),
                                                               msg("save the document itself in bukti/")))
    if not resolved.exists() and (twin := _composed_twin(resolved)) is not None:
        resolved = twin  # the same name, its accents stored apart (as macOS writes them): the file meant
    return Evidence(entry, path=resolved, present=resolved.is_file())


def _refused(code: str, what: Message, fix: Message | None = None) -> Problem:
    """Why an entry is refused, kept on its Evidence: a problem with no place yet (the reader gives it the cell)."""
    return Problem(Place(), what, fix=fix, code=code, kind="evidence")


def report_without_evidence(lke: Lke, edition: Edition, problems: list[Problem]) -> list[str]:
    """Warn once per unit about the indicators whose Bukti Dukung is empty; return their codes.

    Every indicator needs evidence for the evaluators; it is a warning (an error with
    `validate --strict`) because the score does not depend on it.
    """
    bare = [code for code in edition.indicators if not (lke.answers.get(code) and lke.answers[code].evidence)]
    if bare:
        where = next((lke.answers[c].where for c in bare if c in lke.answers and lke.answers[c].where), "")
        # The answer's cell, as its reader wrote it after the workbook's own name.
        place = Place.in_file(lke.source, where.removeprefix(f"{lke.source}, ")) if where else Place(lke.source)
        fix = msg("name a file under bukti/ or a web address for each")
        if len(bare) == len(edition.indicators):  # a list of every code says less than "all"
            problems.append(Problem(
                place, msg("unit {unit}: all {total} indicators have no evidence (Bukti Dukung is empty)",
                           unit=lke.unit_code, total=len(bare)),
                "warning", kind="evidence", fix=fix, code="lke.evidence.none", unit=lke.unit_code))
            return bare
        problems.append(Problem(
            place,
            # English keeps "indicator(s)" (one text for any count); Indonesian needs no plural.
            msg("unit {unit}: {count} of {total} indicator(s) have no evidence (Bukti Dukung is empty): {codes}",
                unit=lke.unit_code, count=len(bare), total=len(edition.indicators), codes=", ".join(bare)),
            "warning", kind="evidence", fix=fix,
            code="lke.evidence.none", unit=lke.unit_code))
    return bare


def absent_message(evidence: Evidence, bukti: Path) -> tuple[Message, Message | None]:
    """Say that an evidence file is missing, and hint at the likely slip (what, fix)."""
    what = msg("evidence file '{entry}' not found in bukti/", entry=evidence.entry)
    first = evidence.entry.replace("\\", "/").split("/")[0].lower()
    if first == "bukti":
        return what, msg("paths are relative to the bukti/ folder, so leave out the leading 'bukti/'")
    similar = _case_twin(evidence.path) if evidence.path is not None else None
    if similar:
        return what, msg("did you mean '{similar}'? (names must match exactly)",
                         similar=similar.relative_to(bukti.resolve()).as_posix())
    return what, None


def _composed_twin(path: Path) -> Path | None:
    """The file in the same folder whose name is `path`'s once accents are composed alike (NFC): a name typed
    in Excel ('é') and a file copied from a Mac ('e' and an accent) look the same and are the same name."""
    folder, wanted = path.parent, unicodedata.normalize("NFC", path.name)
    try:
        return next((p for p in sorted(folder.iterdir()) if unicodedata.normalize("NFC", p.name) == wanted
                     and p.is_file()), None)
    except OSError:
        return None


def _case_twin(path: Path) -> Path | None:
    """A file in the same folder whose name differs only in case (Windows users never notice), its accents
    composed alike (a name differing only in how they are stored is the file itself: _composed_twin)."""
    folder = path.parent
    if not folder.is_dir():
        return None

    def key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    wanted = key(path.name)
    return next((p for p in sorted(folder.iterdir()) if key(p.name) == wanted and p.is_file()), None)


# --- Checking the files, for the nomination packet -------------------------------------

NO_EVIDENCE_TITLE = "Bukti Dukung"
# An evidence file larger than this is listed, not embedded: one scan must not exhaust a worker's memory.
MAX_EVIDENCE_BYTES = 256 * 1024 * 1024
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
    converted_from: str = ""  # "DOCX" when an office file was converted to the PDF embedded
    other_unit: str = ""  # the code of another unit whose bukti/ folder holds the file, when one does

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
        return f"{self.group[1]} – {self.group[2]}" if self.group[1] else self.group[2]

    @property
    def documents(self) -> list[Document]:
        return [d for _code, _question, docs in self.indicators for d in docs]


def collect_evidence(score: UnitScore, year: AwardYear, problems: list[Problem], *,
                     office_cache: Path | None = None) -> list[Area]:
    """Check every evidence entry of the unit, in LKE order, grouped by area.

    PDFs are read and checked here (their bytes kept until appended); images are
    checked with Pillow; office files (DOCX, XLSX, PPTX, ODT...) are converted to PDF
    with LibreOffice, the result kept in `office_cache` by content. Every entry that
    cannot be embedded says why.
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
            document = _check(evidence, code, year, score.unit.code, problems, office_cache)
            if document.embedded and (source := document.source) is not None:
                if source in seen:
                    first = seen[source]
                    document = Document(code, evidence.entry, REPEAT, source=source, same_as=first)
                else:
                    seen[source] = document
            documents.append(document)
        group = indicator.group[:3]
        areas.setdefault(group, Area(group)).indicators.append((code, indicator.question, documents))
    return list(areas.values()) or [Area(())]


def _check(evidence: Evidence, code: str, year: AwardYear, unit: str, problems: list[Problem],
           office_cache: Path | None = None) -> Document:
    """Decide what one evidence entry becomes; open it only if it is a regular file inside bukti/."""
    entry = evidence.entry
    where = Place(f"bukti/{entry}", detail=code)
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
        problems.append(_warning(where, code, unit, "evidence.packet.outside",
                                 msg("refused to put this file in the packet of {unit}: the path leads outside "
                                     "the bukti folder ({folder}). Only files inside that folder are embedded.",
                                     unit=unit, folder=year.bukti)))
        return Document(code, entry, REFUSED, OUTSIDE)
    other = _other_units_folder(real.relative_to(bukti), year, unit)
    if other:
        # Not refused (units may share a decree), but never silent: the packet of one unit would show another's work.
        problems.append(_warning(where, code, unit, "evidence.packet.other_unit",
                                 msg("this file is in the folder of unit {other}, not of {unit}; it is embedded in "
                                     "the packet of {unit} and its divider says whose it is",
                                     other=other, unit=unit),
                                 msg("cite the unit's own copy if it has one")))
    document = _check_file(evidence, code, real, where, unit, problems, office_cache)
    document.other_unit = other
    return document


def _other_units_folder(rel: Path, year: AwardYear, unit: str) -> str:
    """The code of another unit whose folder under bukti/ holds `rel` (matched as the units' codes are), or ""."""
    top = rel.parts[0] if len(rel.parts) > 1 else ""
    codes = {u.code.upper(): u.code for u in year.units}
    other = codes.get(top.upper(), "")
    return other if other and other.upper() != unit.upper() else ""


def _check_file(evidence: Evidence, code: str, real: Path, where: Place, unit: str, problems: list[Problem],
                office_cache: Path | None) -> Document:
    """Decide what a file inside bukti/ becomes: embedded, or listed with the reason."""
    entry = evidence.entry
    try:
        info = real.stat()
    except OSError:
        if evidence.present:  # the reader saw it, so it vanished since; otherwise the reader has reported it
            problems.append(_warning(where, code, unit, "evidence.packet.disappeared",
                                     msg("the evidence file disappeared while the packet of {unit} was built", unit=unit),
                                     msg("it is listed as not found.")))
        return Document(code, entry, MISSING, NOT_FOUND)
    if not stat.S_ISREG(info.st_mode):
        problems.append(_warning(where, code, unit, "evidence.packet.not_a_file",
                                 msg("not a regular file, so it is not embedded in the packet of {unit}", unit=unit),
                                 msg("name a file, not a folder or device.")))
        return Document(code, entry, REFUSED, "ditolak: bukan berkas")
    if info.st_size == 0:
        problems.append(_warning(where, code, unit, "evidence.packet.empty",
                                 msg("the file is empty (0 bytes), so it is not embedded in the packet of {unit}", unit=unit),
                                 msg("replace it with the real document.")))
        return Document(code, entry, UNREADABLE, "tidak disematkan: berkas kosong (0 bita)", real)
    if info.st_size > MAX_EVIDENCE_BYTES:
        problems.append(_warning(where, code, unit, "evidence.packet.too_large",
                                 msg("the file is {size} MB, more than the {limit} MB a packet embeds",
                                     size=info.st_size // (1024 * 1024), limit=MAX_EVIDENCE_BYTES // (1024 * 1024)),
                                 msg("it is listed as not embedded in the packet of {unit}. Reduce it (e.g. scan at 150 dpi).",
                                     unit=unit)))
        return Document(code, entry, OTHER, "tidak disematkan: berkas terlalu besar", real)
    try:
        with real.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        problems.append(_warning(where, code, unit, "evidence.packet.cannot_open",
                                 msg("cannot open this file ({error}), so it is not embedded in the "
                                     "packet of {unit}. Check its permissions.", error=os_reason(exc), unit=unit)))
        return Document(code, entry, UNREADABLE, "tidak disematkan: berkas tidak dapat dibuka", real)
    kind = _sniff(head)
    if kind == PDF:
        return _check_pdf(Document(code, entry, PDF, source=real), where, unit, problems)
    if kind == IMAGE:
        return _check_image(Document(code, entry, IMAGE, source=real), where, unit, problems)
    label = real.suffix.lstrip(".").upper() or "tanpa ekstensi"
    if real.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg"):
        problems.append(_warning(where, code, unit, "evidence.packet.wrong_content",
                                 msg("the file is named {suffix} but its content is not a {kind}",
                                     suffix=real.suffix, kind=real.suffix.lstrip(".").upper()),
                                 msg("it is not embedded in the packet of {unit}. Open it and save it again in that format.",
                                     unit=unit)))
        return Document(code, entry, UNREADABLE, f"tidak disematkan: isi berkas bukan {label}", real)
    if real.suffix.lower() in OFFICE_SUFFIXES:
        return _convert(Document(code, entry, OTHER, source=real), label, where, unit, problems, office_cache)
    return Document(code, entry, OTHER, f"tidak disematkan (berkas {label})", real)


def _warning(where: Place, indicator: str, unit: str, code: str, what: Message, fix: Message | None = None) -> Problem:
    """A problem of an evidence file met while the packet is made: a warning, never a failure."""
    return Problem(where, what, "warning", fix=fix, code=code, unit=unit, indicator=indicator)


def _refusal(evidence: Evidence, real: Path, inside: bool) -> tuple[str, str]:
    """The kind and divider wording of an entry the reader refused (its own message says why)."""
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
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return IMAGE
    return OTHER


def _check_pdf(document: Document, where: Place, unit: str, problems: list[Problem], data: bytes | None = None) -> Document:
    """Read an evidence PDF fully (every object and content stream) and keep a clean copy of it."""
    from pypdf import PdfReader, PdfWriter  # heavy, and the LKE reader needs none of it

    from dossier.readers.evidence_safety import PdfTooLarge, sanitize

    reason: str | Message = ""
    with _quiet_pypdf():
        try:
            if data is None:
                assert document.source is not None, "a file's document names its source"
                data = document.source.read_bytes()
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                document.kind, document.note = UNREADABLE, "tidak disematkan: PDF dikunci kata sandi"
                problems.append(_warning(where, document.indicator, unit, "evidence.packet.pdf_password",
                                         msg("this PDF is protected by a password, so it is not embedded in the "
                                             "packet of {unit} (it is listed on the divider page). Put a copy "
                                             "without a password in the bukti folder.", unit=unit)))
                return document
            sanitize(reader)  # refuses a PDF bomb; strips scripts, actions and embedded files
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
        except PdfTooLarge as exc:  # our own refusal says why, worded when shown
            reason = exc.reason
        except Exception as exc:  # pypdf raises many kinds on a damaged file; any of them means "unreadable"
            reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if reason or document.pages == 0:
        document.kind, document.note, document.data, document.pages = (
            UNREADABLE, "tidak disematkan: PDF rusak atau tidak terbaca", None, 0)
        problems.append(_warning(where, document.indicator, unit, "evidence.packet.pdf_unreadable",
                                 msg("this PDF cannot be read ({reason}), so it is not embedded in the packet "
                                     "of {unit}. Open it and save it again as PDF.",
                                     reason=reason or msg("it has no pages"), unit=unit)))
    return document


def _check_image(document: Document, where: Place, unit: str, problems: list[Problem]) -> Document:
    """Check that a JPG/PNG decodes and is not absurdly large; note its displayed size."""
    from PIL import Image

    from dossier.readers.evidence_safety import strict_images

    assert document.source is not None, "a file's document names its source"
    try:
        with warnings.catch_warnings(), strict_images():
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
        problems.append(_warning(where, document.indicator, unit, "evidence.packet.image_unreadable",
                                 msg("this image cannot be read ({error}), so it is not embedded in the packet "
                                     "of {unit}. Save it again as JPG or PNG.", error=f"{type(exc).__name__}: {exc}", unit=unit)))
        return document
    document.size, document.pages = (width, height), 1
    return document


# --- Office files, converted to PDF with LibreOffice ---------------------------------------

def _convert(document: Document, label: str, where: Place, unit: str, problems: list[Problem],
             cache: Path | None) -> Document:
    """Embed an office file as the PDF LibreOffice makes of it; say why when it cannot."""
    assert document.source is not None, "a file's document names its source"
    try:
        data = office_to_pdf(document.source, cache)
    except ConversionFailed as exc:
        document.note = f"tidak disematkan: {exc.reason}"
        problems.append(_warning(where, document.indicator, unit, "evidence.packet.not_converted",
                                 msg("this {kind} file could not be converted to PDF ({detail}), so it is "
                                     "not embedded in the packet of {unit}", kind=label, detail=exc.detail, unit=unit),
                                 msg("save it as PDF in the bukti folder and name that file instead.")))
        return document
    document.kind, document.converted_from = PDF, label
    checked = _check_pdf(document, where, unit, problems, data)
    if not checked.embedded:
        checked.converted_from = ""
    return checked



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
