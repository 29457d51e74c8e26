"""Office evidence files (DOCX, XLSX, ...) turned into PDF by LibreOffice headless, cached by content hash."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from dossier.errors import Message, msg
from dossier.model import AwardYear
from dossier.sealing import seal, sealed

OFFICE_SUFFIXES = (".docx", ".doc", ".xlsx", ".xls", ".pptx", ".ppt", ".odt", ".ods", ".odp", ".rtf")
CONVERT_SECONDS = 90  # one conversion; a file LibreOffice chokes on must not hold up the build
OFFICE_CACHE = ".bukti-pdf"  # in build/<year>/: converted evidence, one PDF per source content hash


class ConversionFailed(Exception):
    """Raised when an office file cannot be turned into PDF.

    `reason` is for the packet's divider page, a document: always in Bahasa Indonesia.
    `detail` is for the user's warning: worded in the language of whoever reads the warning
    (the command line, `validate --json`, the web workspace), not of the process that converted.
    """

    def __init__(self, reason: str, detail: Message):
        super().__init__(str(detail))
        self.reason, self.detail = reason, detail


def office_cache_dir(year: AwardYear) -> Path:
    """build/<year>/.bukti-pdf for the workspace of `year` (inputs/<year> sits beside build/<year>)."""
    return year.inputs.parent.parent / "build" / str(year.year) / OFFICE_CACHE


def office_to_pdf(source: Path, cache: Path | None = None, *, seconds: float | None = None) -> bytes:
    """Convert an office file to PDF with LibreOffice headless, kept in `cache` by the file's SHA-256.

    LibreOffice runs with a private profile in a temporary folder (always removed), in its
    own process group, killed whole when it takes longer than `seconds`.
    """
    import shutil
    import signal
    import subprocess
    import tempfile

    seconds = seconds or CONVERT_SECONDS
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    kept = cache / f"{digest}.pdf" if cache is not None else None
    if kept is not None and kept.is_file():
        # Used only when sealed by this user's key for exactly this source: a PDF put into
        # .bukti-pdf/ by anyone else is converted again, never embedded as the unit's evidence.
        cached = _sealed_pdf(kept)
        if cached is not None:
            return cached
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConversionFailed("LibreOffice tidak terpasang untuk mengubahnya ke PDF",
                               msg("LibreOffice (soffice) is not installed; scripts/setup installs it"))
    with tempfile.TemporaryDirectory(prefix="dossier-office-") as tmp:
        folder = Path(tmp)
        # A plain name: LibreOffice names its output after the input, and the entry may hold any characters.
        given = folder / "in" / f"bukti{source.suffix.lower()}"
        given.parent.mkdir()
        given.write_bytes(contained(data, source.suffix.lower()))
        _write_profile(folder / "profile")
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                   "--convert-to", "pdf", "--outdir", str(folder / "out"), str(given)]
        env = {**os.environ, "HOME": str(folder)}
        process = subprocess.Popen(_offline() + command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, cwd=folder, start_new_session=True)
        RUNNING.add(process.pid)
        try:
            output, _unused = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process, signal.SIGKILL)
            raise ConversionFailed(f"konversi ke PDF melebihi batas waktu {seconds:g} detik",
                                   msg("LibreOffice took longer than {seconds} s", seconds=f"{seconds:g}")) from None
        finally:
            _kill_group(process, signal.SIGKILL)  # a helper left behind would keep the profile busy
            RUNNING.discard(process.pid)
        made = folder / "out" / "bukti.pdf"
        if process.returncode != 0 or not made.is_file() or not made.read_bytes().startswith(b"%PDF-"):
            said = " ".join((output or b"").decode("utf-8", "replace").split())[-200:]
            raise ConversionFailed("LibreOffice tidak dapat mengubahnya ke PDF (berkas rusak atau tidak didukung)",
                                   msg("LibreOffice exited with {code}: {output}", code=process.returncode, output=said)
                                   if said else msg("LibreOffice exited with {code}", code=process.returncode))
        pdf = made.read_bytes()
    if kept is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_name(f".{kept.name}.{os.getpid()}")
            partial.write_bytes(pdf)
            os.replace(partial, kept)  # whole or not at all, even with two workers converting at once
            partial.write_text(seal(_sealed_text(digest, pdf)), "ascii")
            os.replace(partial, kept.with_suffix(".mac"))
        except OSError:
            pass  # a cache we cannot write only makes the next build convert again
    return pdf


def converted_is_sealed(kept: Path) -> bool:
    """Whether a PDF in .bukti-pdf/ carries the seal this user's conversion of its source gave it."""
    return _sealed_pdf(kept) is not None


def _sealed_pdf(kept: Path) -> bytes | None:
    """The PDF kept for a source (named by its SHA-256), when it carries our seal; else None."""
    try:
        pdf, mac = kept.read_bytes(), kept.with_suffix(".mac").read_text("ascii").strip()
    except (OSError, ValueError):
        return None
    return pdf if pdf.startswith(b"%PDF-") and sealed(_sealed_text(kept.stem, pdf), mac) else None


# --- what LibreOffice may read: the document alone ------------------------------------------------

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .doc, .xls, .ppt
RTF = b"{\\rtf"
# RTF fields and objects that load something from elsewhere when the document is opened.
RTF_LINKS = re.compile(rb"INCLUDEPICTURE|INCLUDETEXT|\\objautlink|\\objlink|\\field[^{]*\{[^}]*LINK\b", re.IGNORECASE)
ODF_LINK = "{http://www.w3.org/1999/xlink}href"
ODF_HYPERLINKS = ("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a", "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}a")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\)")  # a scheme (http:, file:, smb:), a root, a share
# In an OOXML relationship a leading '/' is the package's own root ('/xl/workbook.xml'), not the disk's.
EXTERNAL_TARGET = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|\\|//)")


def contained(data: bytes, suffix: str) -> bytes:
    """The office file as LibreOffice may see it: nothing in it points outside it (ConversionFailed if it cannot be so).

    Zip packages (DOCX, XLSX, PPTX, ODT...) lose every relationship and link to something outside
    the package: a picture, a stylesheet or a template linked by address or by path is not
    fetched, so neither the network nor another file on the disk reaches the packet. A file that
    is not what its name says (HTML or text saved as .doc, which LibreOffice would open as a web
    page with its pictures and stylesheets) is refused; an RTF that links to anything is refused.
    The binary formats are converted as they are, with links blocked by the profile (PROFILE) and,
    where the system allows it, no network at all (_offline).
    """
    if data.startswith(ZIP):
        return _contained_package(data)
    if data.startswith(OLE2):
        return data
    if data.lstrip().startswith(RTF):
        if RTF_LINKS.search(data):
            raise ConversionFailed("tidak dikonversi: berkas RTF ini memuat tautan ke berkas atau alamat lain",
                                   msg("the RTF file links to other files or addresses; it is not converted"))
        return data
    raise ConversionFailed(
        f"tidak dikonversi: isi berkas bukan dokumen perkantoran (misalnya halaman web yang diberi nama {suffix})",
        msg("the file is named {suffix} but holds no office document (a web page or text saved under that name); "
            "it is not converted. Open it in an office program and save it as DOCX or PDF.", suffix=suffix))


def _contained_package(data: bytes) -> bytes:
    """The zip package again, without any relationship or link that leaves it (bounded in size as it unpacks)."""
    from lxml import etree

    from dossier.readers.evidence_safety import MAX_INFLATED

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    out = io.BytesIO()
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as clean:
            for item in package.infolist():
                unpacked += item.file_size
                if unpacked > MAX_INFLATED:
                    raise ConversionFailed("tidak dikonversi: isi berkas terlalu besar setelah dibuka",
                                           msg("the file unpacks to more than {mb} MB; it is not converted",
                                               mb=MAX_INFLATED // 2**20))
                part = package.read(item)
                if len(part) > item.file_size:  # a size that lied
                    raise zipfile.BadZipFile("size")
                name = item.filename
                if name.endswith(".rels"):
                    part = _without_external_relationships(part, name, parser)
                elif name.endswith(".xml") and b"xlink:href" in part:
                    part = _without_external_links(part, parser)
                clean.writestr(item, part)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError, ValueError, OSError, EOFError,
            NotImplementedError, zlib.error):
        raise ConversionFailed("LibreOffice tidak dapat mengubahnya ke PDF (berkas rusak atau tidak didukung)",
                               msg("the file is not a readable office package")) from None
    return out.getvalue()


def _without_external_relationships(part: bytes, name: str, parser) -> bytes:
    """An OOXML .rels part without the relationships whose target lies outside the package."""
    from lxml import etree

    root = etree.fromstring(part, parser)
    # A part's relationships sit in <folder>/_rels/<part>.rels; targets are relative to <folder>.
    folder = posixpath.dirname(posixpath.dirname(name))
    for relationship in list(root):
        target = relationship.get("Target") or ""
        inside = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        outside = relationship.get("TargetMode", "").casefold() == "external" or EXTERNAL_TARGET.match(target) or \
            posixpath.normpath(inside or ".").startswith("..")
        if outside:
            root.remove(relationship)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_external_links(part: bytes, parser) -> bytes:
    """An ODF content or styles part whose pictures, objects and sections link only inside the package."""
    from lxml import etree

    root = etree.fromstring(part, parser)
    for element in root.iter():
        href = element.get(ODF_LINK)
        if href is None or element.tag in ODF_HYPERLINKS:  # a hyperlink is followed by a reader's click, not on opening
            continue
        if EXTERNAL.match(href) or href.startswith(("../", "..\\")):
            del element.attrib[ODF_LINK]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@functools.cache
def _offline() -> list[str]:
    """The command prefix that runs LibreOffice without a network (a namespace of its own), when the system allows it."""
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    for prefix in ([unshare, "--net"], [unshare, "--net", "--map-root-user"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            pass
    return []


# LibreOffice's own settings for a document nobody should trust: no link to anything outside the
# document is followed (BlockUntrustedRefererLinks: pictures, stylesheets, templates linked by URL or path),
# links are never updated, and no macro runs.
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


def _write_profile(profile: Path) -> None:
    """A fresh LibreOffice profile holding only PROFILE's settings."""
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")


def _sealed_text(source_digest: str, pdf: bytes) -> bytes:
    """What a converted PDF's seal covers: the source it was made from, and the PDF itself."""
    return f"office-pdf\0{source_digest}\0".encode() + hashlib.sha256(pdf).digest()


RUNNING: set[int] = set()  # process groups of the LibreOffice conversions running in this process


def stop_conversions() -> None:
    """Kill every LibreOffice conversion this process started (its own session each), for a worker told to stop."""
    import contextlib
    import signal

    for pid in list(RUNNING):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _kill_group(process, sig) -> None:
    import contextlib

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(Exception):
        process.wait(timeout=5)
