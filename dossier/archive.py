"""The per-year archive: archive/<year>/ with the final PDFs, manifest.json and daftar-arsip.pdf.

The build already renders every dossier, recap and release PDF as PDF/A-3b, each
dossier carrying its source data (`sumber-data.json`). Archiving therefore copies
the year's final PDFs byte for byte from build/<year>/, after checking each one
against the build manifest, and adds a manifest and a printable index. The year is
assembled in a hidden sibling folder and renamed into place, so an interruption
never leaves a half-written or half-replaced year.

An archive proves itself rather than trusting its own manifest: the index
(daftar-arsip.pdf) embeds manifest.json byte for byte and prints its SHA-256, the
archive's fingerprint (sidik jari), which staff record outside the archive; each
dossier's embedded source data must name its unit and year and score as it says;
and links are refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from dossier import __version__
from dossier.digests import file_sha256, source_hash
from dossier.errors import ArchiveError
from dossier.output import UMASK, Output, read_manifest, write_atomic, write_manifest
from dossier.reproducible import build_timestamp
from dossier.workspace import Workspace

ARCHIVED_KINDS = ("dossier-pdf", "packet-pdf", "recap-pdf", "release-pdf", "letter-pdf")
INDEX = "daftar-arsip.pdf"
INDEX_KIND = "index-pdf"
MANIFEST = "manifest.json"
TEMPLATE = "daftar-arsip.html"
SOURCE_DATA = "sumber-data.json"
SIGNATURE_FIELD = "TandaTanganArsip"
PADES_HINT = "install it with pip install 'dossier[pades]'"


@dataclass
class ArchiveResult:
    """What `archive_year` wrote: the files listed in the manifest and where an older archive went."""

    year: int
    path: Path
    files: list[Output]
    source_hash: str
    fingerprint: str = ""
    replaced: Path | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with an archived year: the file and what is wrong with it."""

    where: str
    kind: str  # "missing", "changed", "extra", "link", "manifest", "index", "source" or "fingerprint"
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.detail}"


def archived_years(ws: Workspace) -> list[int]:
    """The years that have an archive folder, oldest first."""
    root = ws.archive_dir(0).parent
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit())


def archived_year(ws: Workspace, year: int | None) -> int:
    """The year asked for, or the newest one under archive/ (inputs may be long gone)."""
    years = archived_years(ws)
    if year is None and years:
        return years[-1]
    if year is None or year not in years:
        found = ", ".join(map(str, years)) or "none"
        wanted = _rel(ws, ws.archive_dir(year) if year else ws.archive_dir(0).parent)
        raise ArchiveError(f"{wanted}: no archived year there (archived years: {found}). Run 'dossier archive' first.")
    return year


# --- archiving ----------------------------------------------------------------------------


def archive_year(ws: Workspace, year: int, *, force: bool = False) -> ArchiveResult:
    """Copy the year's final PDFs from build/<year>/ into archive/<year>/ with a manifest and an index."""
    target = ws.archive_dir(year)
    if target.exists() and not force:
        raise ArchiveError(_exists_message(ws, target))
    build_dir = ws.build_dir(year)
    build = _read_build_manifest(ws, build_dir, year)
    entries = _final_pdfs(ws, build_dir, build, year)
    inputs_hash = _source_hash_for(ws, year, build)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(
            f"{_rel(ws, target.parent)}: cannot write there ({exc.strerror or exc}); nothing was changed. "
            f"Make the folder writable (or free disk space), then archive again."
        ) from None
    try:
        files, mismatched = [], []
        for entry in entries:
            size, digest = _copy_hashing(build_dir / entry.path, tmp / entry.path)
            if (size, digest) != (entry.bytes, entry.sha256):
                mismatched.append(f"  {_rel(ws, build_dir / entry.path)}: {_difference(entry, size, digest)}")
            files.append(Output(entry.path, entry.kind, entry.unit, size, digest, pages=entry.pages))
        if mismatched:
            raise ArchiveError(
                f"{_rel(ws, build_dir)}: {len(mismatched)} file(s) do not match {MANIFEST}; "
                f"rebuild first ('dossier build --year {year}'), then archive.\n" + "\n".join(mismatched)
            )
        header = {
            "edition": build["edition"],
            "tool": __version__,
            "build_tool": build.get("tool"),
            "source_hash": inputs_hash,
        }
        # The manifest lists the documents; the index embeds the manifest and prints its hash,
        # so the index itself cannot be listed in it.
        write_manifest(tmp / MANIFEST, year, files, header)
        manifest = (tmp / MANIFEST).read_bytes()
        fingerprint = hashlib.sha256(manifest).hexdigest()
        write_atomic(tmp / INDEX, _sign(ws, render_index(ws, year, header, files, manifest)))
        # mkdtemp makes the folder its owner's alone; an archive gets the usual permissions.
        os.chmod(tmp, 0o777 & ~UMASK)
        replaced = _swap_in(ws, tmp, target, force)
    except OSError as exc:
        raise ArchiveError(
            f"{_rel(ws, target)}: could not write the archive ({exc.strerror or exc}); nothing was changed. "
            f"Check free disk space and permissions, then archive again."
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone after a rename; removed after any failure
    warnings = [w for f in files if f.kind in ARCHIVED_KINDS for w in _pdfa_warnings(ws, target / f.path, f.kind)]
    return ArchiveResult(year, target, sorted(files, key=lambda f: f.path), inputs_hash, fingerprint, replaced,
                         warnings)


def _remove_leftovers(target: Path) -> None:
    """Remove the hidden working folders (`.2024.tmp-*`) of an archive that was killed mid-way."""
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(ws: Workspace, tmp: Path, target: Path, force: bool) -> Path | None:
    """Rename the finished year into place, keeping an existing one under a dated name."""
    replaced = None
    if target.exists():
        if not force:  # appeared while this archive was being written
            raise ArchiveError(_exists_message(ws, target))
        replaced = _replaced_name(target)
        _rename(target, replaced)
    try:
        _rename(tmp, target)
    except BaseException:
        if replaced is not None:
            try:
                _rename(replaced, target)  # put the previous year back where it was
            except OSError as exc:
                raise ArchiveError(
                    f"{_rel(ws, target)}: the new archive could not be moved in, nor the previous one back "
                    f"({exc.strerror or exc}); the previous one is intact as {_rel(ws, replaced)}."
                ) from None
        raise
    return replaced


def _rename(source: Path, destination: Path) -> None:
    """Move a whole folder in one step (a separate function so tests can interrupt it)."""
    os.rename(source, destination)


def _archived_on(target: Path) -> datetime:
    """When a year was archived: the time its manifest was written (or the folder's, if it has none)."""
    stamp_of = target / MANIFEST if (target / MANIFEST).exists() else target
    return datetime.fromtimestamp(stamp_of.stat().st_mtime)


def _replaced_name(target: Path) -> Path:
    """A free sibling name such as archive/2024.replaced-20250304-101200 for an older archive."""
    base = f"{target.name}.replaced-{_archived_on(target):%Y%m%d-%H%M%S}"
    candidate, n = target.with_name(base), 2
    while candidate.exists():
        candidate, n = target.with_name(f"{base}-{n}"), n + 1
    return candidate


def _exists_message(ws: Workspace, target: Path) -> str:
    rel = _rel(ws, target)
    return (
        f"{rel} already exists (archived on {_archived_on(target):%Y-%m-%d %H:%M}); use --force to replace it; "
        f"the current one is kept as {_rel(ws, _replaced_name(target))}."
    )


def _read_build_manifest(ws: Workspace, build_dir: Path, year: int) -> dict:
    path = build_dir / MANIFEST
    build = read_manifest(path)
    if build is None:
        raise ArchiveError(
            f"{_rel(ws, path)}: missing or unreadable, so the built files cannot be checked; "
            f"run 'dossier build --year {year}' first."
        )
    if build.get("year") != year or not build.get("edition"):
        raise ArchiveError(
            f"{_rel(ws, path)}: expected year {year} and an LKE edition, found year {build.get('year')!r} "
            f"and edition {build.get('edition')!r}; run 'dossier build --year {year}' again."
        )
    return build


def _final_pdfs(ws: Workspace, build_dir: Path, build: dict, year: int) -> list[Output]:
    """The manifest's final PDFs, refusing an incomplete year or a path outside the build folder."""
    entries, problems = [], []
    for item in build["files"]:
        if not isinstance(item, dict) or item.get("kind") not in ARCHIVED_KINDS:
            continue
        path = str(item.get("path", ""))
        if not _inside(path):
            problems.append(f"  {path!r}: not a path inside {_rel(ws, build_dir)}")
            continue
        entries.append(
            Output(path, item["kind"], item.get("unit") or "", item.get("bytes", -1), item.get("sha256", ""),
                   pages=item.get("pages"))
        )
    kinds = {(e.kind, e.unit) for e in entries}
    for kind in ("recap-pdf", "release-pdf"):
        if (kind, "") not in kinds:
            problems.append(f"  no {kind} listed")
    for unit in sorted({e.unit for e in entries if e.unit}):
        problems += [f"  unit {unit}: no {k} listed" for k in ("dossier-pdf", "packet-pdf") if (k, unit) not in kinds]
    if problems:
        raise ArchiveError(
            f"{_rel(ws, build_dir / MANIFEST)}: the build is not complete enough to archive; "
            f"run 'dossier build --year {year}' (PDF included) first.\n" + "\n".join(problems)
        )
    return sorted(entries, key=lambda e: e.path)


def _source_hash_for(ws: Workspace, year: int, build: dict) -> str:
    """The hash of the inputs the build was made from; refuse when the inputs changed since."""
    built_from = build.get("source_hash")
    inputs = ws.inputs(year)
    if built_from and not inputs.is_dir():
        return built_from
    current = source_hash(inputs)
    if built_from and built_from != current:
        raise ArchiveError(
            f"{_rel(ws, inputs)}: the inputs changed since build/{year} was built (source hash {built_from[:12]}... "
            f"then, {current[:12]}... now); run 'dossier build --year {year}' first so the archive matches its inputs."
        )
    return current


def _copy_hashing(source: Path, destination: Path) -> tuple[int, str]:
    """Copy a file, returning the size and SHA-256 of exactly the bytes written."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        reader = source.open("rb")
    except FileNotFoundError:
        return -1, "missing"
    with reader, destination.open("wb") as writer:
        for block in iter(lambda: reader.read(1 << 20), b""):
            digest.update(block)
            writer.write(block)
            size += len(block)
        writer.flush()
        os.fsync(writer.fileno())
    return size, digest.hexdigest()


def _difference(entry: Output, size: int, digest: str) -> str:
    if size < 0:
        return "listed in the manifest but missing"
    return f"expected {entry.bytes} bytes with SHA-256 {entry.sha256}, found {size} bytes with SHA-256 {digest}"


# --- the printable index --------------------------------------------------------------------


def render_index(ws: Workspace, year: int, header: dict, files: list[Output], manifest: bytes) -> bytes:
    """Render daftar-arsip.pdf (PDF/A-3b): every archived file with its hash, the fingerprint, the manifest inside."""
    from dossier.render.pdf import html_to_pdf
    from dossier.render.templates import environment, render, static_dirs

    fingerprint = hashlib.sha256(manifest).hexdigest()
    context = {
        "year": year,
        **header,
        "fingerprint": fingerprint,
        "files": [f.to_json() for f in sorted(files, key=lambda f: f.path)],
        "total_bytes": sum(f.bytes for f in files),
    }
    html = render(environment(ws.templates), TEMPLATE, context)
    created = build_timestamp(year)
    roots = static_dirs(ws.templates)
    return html_to_pdf(html, base_url=roots[-1], allowed_roots=roots, created=created, pdf_variant="pdf/a-3b",
                       title=f"Daftar Arsip Dokumen Zona Integritas Tahun {year}",
                       attachments=((MANIFEST, manifest, f"Manifest arsip; sidik jari SHA-256 {fingerprint}"),))


def _sign(ws: Workspace, index: bytes) -> bytes:
    """Sign the index as PAdES with the certificate and key of dossier.toml's [arsip]; unsigned when none is set."""
    settings = ws.settings
    if settings.signing_certificate is None:
        return index
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
    except ImportError:
        raise ArchiveError(f"{settings.source}: [arsip] names a certificate to sign the archive, but pyHanko is "
                           f"not installed; {PADES_HINT}, or empty the setting.") from None
    passphrase = os.environ.get("DOSSIER_KUNCI_SANDI")
    with _quiet("pyhanko"):
        try:
            signer = signers.SimpleSigner.load(str(settings.signing_key), str(settings.signing_certificate),
                                               key_passphrase=passphrase.encode() if passphrase else None)
        except Exception:  # pyHanko raises several kinds for a bad key, certificate or passphrase
            signer = None
    if signer is None:
        raise ArchiveError(
            f"{settings.source}: [arsip] the key {settings.signing_key} and certificate {settings.signing_certificate} "
            "could not be loaded; both must be PEM files that belong together (a key with a passphrase reads it "
            "from DOSSIER_KUNCI_SANDI)."
        )
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason="Arsip dokumen Zona Integritas")
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(index)), metadata, signer=signer).getvalue()


@contextmanager
def _quiet(logger: str):
    """Keep a library's log (pyHanko prints tracebacks for an untrusted certificate) off the terminal."""
    log = logging.getLogger(logger)
    level, log.level = log.level, logging.CRITICAL + 1
    try:
        yield
    finally:
        log.setLevel(level)


def _pdfa_warnings(ws: Workspace, path: Path, kind: str) -> list[str]:
    """Say when an archived PDF (other than a packet) does not claim PDF/A, or a dossier lacks its data."""
    if kind == "packet-pdf":  # a merge with arbitrary evidence PDFs: kept as built, see the README
        return []
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        metadata = reader.trailer["/Root"].get("/Metadata")
        xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
        attachments = set(reader.attachments)
    except Exception as exc:  # pypdf raises many kinds on a damaged file; the copy is still exact
        return [f"{_rel(ws, path)}: could not be read as a PDF ({exc})"]
    warnings = []
    if not re.search(r"pdfaid:part(?:=\"|>)\s*[1-4]", xmp):
        warnings.append(f"{_rel(ws, path)}: not marked as PDF/A (no pdfaid:part in its XMP metadata)")
    if kind == "dossier-pdf" and SOURCE_DATA not in attachments:
        warnings.append(f"{_rel(ws, path)}: carries no embedded {SOURCE_DATA}")
    return warnings


# --- verification ---------------------------------------------------------------------------


def verify_year(ws: Workspace, year: int, fingerprint: str | None = None) -> list[Finding]:
    """Check archive/<year>/ against its manifest, the manifest against the index and the fingerprint,
    and each dossier against its own source data; report everything that does not agree."""
    folder = ws.archive_dir(year)
    if not folder.is_dir():
        raise ArchiveError(f"{_rel(ws, folder)}: no archive for {year}; run 'dossier archive --year {year}' first.")
    if folder.is_symlink():
        return [Finding(_rel(ws, folder), "link", f"a link to {os.path.realpath(folder)}; an archive is a real folder")]
    manifest_path = folder / MANIFEST
    where = _rel(ws, manifest_path)
    present, findings = _walk(ws, folder)
    present -= {MANIFEST, INDEX}
    try:
        manifest_bytes = _read_plain(manifest_path)
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except FileNotFoundError:
        return findings + [Finding(where, "manifest", "missing, so no file can be checked")]
    except (OSError, UnicodeDecodeError) as exc:
        return findings + [Finding(where, "manifest", f"unreadable ({exc})")]
    except json.JSONDecodeError as exc:
        detail = f"does not parse as JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return findings + [Finding(where, "manifest", detail)]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return findings + [Finding(where, "manifest", "has no 'files' list")]

    actual = hashlib.sha256(manifest_bytes).hexdigest()
    if fingerprint is not None and fingerprint.strip().lower() != actual:
        findings.append(Finding(where, "fingerprint", f"its SHA-256 is {actual}, not the recorded {fingerprint.strip()}"))
    findings += _check_index(ws, folder, manifest_bytes)
    findings += _check_signature(ws, folder)
    if manifest.get("year") != year:
        findings.append(Finding(where, "manifest", f"names year {manifest.get('year')!r}, but the folder is {year}"))

    listed = set()
    for n, entry in enumerate(manifest["files"], start=1):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not _inside(path) or not isinstance(entry.get("sha256"), str):
            findings.append(Finding(where, "manifest", f"entry {n} needs a 'path' inside the folder and a 'sha256'"))
            continue
        listed.add(path)
        file = folder / path
        if _has_link(folder, path):
            continue  # reported by the walk
        if not file.is_file():
            findings.append(Finding(_rel(ws, file), "missing", "listed in the manifest but not in the folder"))
            continue
        size, digest = file.stat().st_size, file_sha256(file)
        if digest != entry["sha256"] or size != entry.get("bytes", size):
            expected = f"expected {entry.get('bytes')} bytes with SHA-256 {entry['sha256']}"
            findings.append(Finding(_rel(ws, file), "changed", f"{expected}, found {size} bytes with SHA-256 {digest}"))
        elif entry.get("kind") == "dossier-pdf":
            findings += _check_source_data(ws, file, entry, manifest)
    for extra in sorted(present - listed):
        findings.append(Finding(_rel(ws, folder / extra), "extra", "in the folder but not in the manifest"))
    return findings


def _walk(ws: Workspace, folder: Path) -> tuple[set[str], list[Finding]]:
    """The regular files under `folder` (relative paths), and a finding for every link met on the way."""
    files, findings = set(), []
    for here, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(here) / name
            if path.is_symlink():
                findings.append(Finding(_rel(ws, path), "link",
                                        f"a link to {os.path.realpath(path)}; an archive holds only real files"))
            elif name in names:
                files.add(path.relative_to(folder).as_posix())
        dirs[:] = [d for d in dirs if not (Path(here) / d).is_symlink()]
    return files, findings


def _has_link(folder: Path, path: str) -> bool:
    """Whether any part of `path` under `folder` is a link."""
    current = folder
    for part in PurePosixPath(path).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _read_plain(path: Path) -> bytes:
    """Read a file, refusing a link (O_NOFOLLOW) so a file cannot be swapped for one pointing elsewhere."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _attachment(path: Path, name: str) -> bytes | None:
    """The embedded file `name` of a PDF, or None when it has none; raises ValueError when unreadable."""
    from pypdf import PdfReader

    try:
        found = PdfReader(io.BytesIO(_read_plain(path))).attachments.get(name)
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ValueError(f"could not be read as a PDF ({exc})") from None
    return found[0] if found else None


def _check_index(ws: Workspace, folder: Path, manifest: bytes) -> list[Finding]:
    """The index must exist and carry manifest.json byte for byte."""
    index = folder / INDEX
    where = _rel(ws, index)
    if index.is_symlink():
        return []  # reported by the walk
    if not index.is_file():
        return [Finding(where, "missing", "the index, which carries the manifest, is not in the folder")]
    try:
        embedded = _attachment(index, MANIFEST)
    except ValueError as exc:
        return [Finding(where, "index", str(exc))]
    if embedded is None:
        return [Finding(where, "index", f"carries no embedded {MANIFEST}, so the manifest cannot be checked")]
    if embedded != manifest:
        return [Finding(where, "index", f"its embedded {MANIFEST} (SHA-256 {hashlib.sha256(embedded).hexdigest()}) "
                                        f"does not agree with {MANIFEST}: {_first_difference(embedded, manifest)}")]
    return []


def _check_signature(ws: Workspace, folder: Path) -> list[Finding]:
    """A signed index must still be exactly as signed, by a certificate of the CA in dossier.toml (when set)."""
    index = folder / INDEX
    if index.is_symlink() or not index.is_file():
        return []  # reported already
    where = _rel(ws, index)
    data = _read_plain(index)
    settings = ws.settings
    if b"/ByteRange" not in data and settings.signing_certificate is None:
        return []  # neither signed nor meant to be
    try:
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return [Finding(where, "signature", f"the index is signed, but pyHanko is not installed to check it; {PADES_HINT}")]
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # a damaged file: pyHanko raises several kinds
        return [Finding(where, "signature", f"the signatures cannot be read ({exc})")]
    if not signatures:
        return [Finding(where, "signature", f"not signed, though {settings.source} names a certificate to sign with")]
    roots = [load_cert_from_pemder(str(settings.signing_ca))] if settings.signing_ca else []
    findings = []
    for signature in signatures:
        with _quiet("pyhanko"), _quiet("pyhanko_certvalidator"):
            try:
                status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
            except Exception as exc:  # a malformed signature
                findings.append(Finding(where, "signature", f"{signature.field_name}: cannot be checked ({exc})"))
                continue
        signer = status.signing_cert.subject.human_friendly if status.signing_cert else "unknown"
        if not (status.intact and status.valid):
            findings.append(Finding(where, "signature", f"{signature.field_name} (signed by {signer}) no longer "
                                                        "matches the file: it was changed after signing"))
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            findings.append(Finding(where, "signature", f"{signature.field_name} (signed by {signer}) does not cover "
                                                        "the whole file: something was added after signing"))
        elif roots and not status.trusted:
            findings.append(Finding(where, "signature", f"{signature.field_name} is signed by {signer}, whose "
                                                        f"certificate is not issued by the CA {settings.signing_ca}"))
    return findings


def _first_difference(embedded: bytes, manifest: bytes) -> str:
    """Say briefly where the embedded manifest and the one in the folder part ways."""
    try:
        old, new = json.loads(embedded), json.loads(manifest)
    except ValueError:
        return "the embedded one does not parse"
    for key in sorted((set(old) | set(new)) - {"files"}):
        if old.get(key) != new.get(key):
            return f"{key} was {old.get(key)!r}, now {new.get(key)!r}"
    before = {f.get("path"): f for f in old.get("files", []) if isinstance(f, dict)}
    after = {f.get("path"): f for f in new.get("files", []) if isinstance(f, dict)}
    for path in sorted(set(before) | set(after), key=str):
        if path not in after:
            return f"{path} was listed, now it is not"
        if path not in before:
            return f"{path} was not listed, now it is"
        if before[path] != after[path]:
            return f"the entry of {path} differs"
    return "the bytes differ"


def _check_source_data(ws: Workspace, file: Path, entry: dict, manifest: dict) -> list[Finding]:
    """A dossier's embedded source data must name its unit, year and edition, and score as it claims."""
    where = _rel(ws, file)
    try:
        raw = _attachment(file, SOURCE_DATA)
    except ValueError as exc:
        return [Finding(where, "source", str(exc))]
    if raw is None:
        return [Finding(where, "source", f"carries no embedded {SOURCE_DATA}, so it cannot be checked")]
    try:
        data = json.loads(raw.decode("utf-8"))
        unit = data["unit"]["code"]
    except (ValueError, KeyError, TypeError):
        return [Finding(where, "source", f"its {SOURCE_DATA} is not the source data of a dossier")]
    problems = []
    if unit != entry.get("unit"):
        problems.append(f"its {SOURCE_DATA} is unit {unit!r}, but the manifest files it as {entry.get('unit')!r}")
    if "year" in data and data["year"] != manifest.get("year"):
        problems.append(f"its {SOURCE_DATA} is of year {data['year']!r}, but the archive is {manifest.get('year')!r}")
    if data.get("edition") != manifest.get("edition"):
        problems.append(f"its {SOURCE_DATA} was scored with LKE edition {data.get('edition')!r}, "
                        f"but the manifest names {manifest.get('edition')!r}")
    else:
        problems += _rescore(ws, data)
    return [Finding(where, "source", p) for p in problems]


def _rescore(ws: Workspace, data: dict) -> list[str]:
    """Score the embedded answers again by the named edition; the embedded scores must be what comes out."""
    from dossier.errors import ConfigError
    from dossier.model import Answer, Evidence, Innovation, Lke, Unit
    from dossier.rules import load_edition
    from dossier.scoring import score_unit

    try:
        edition = load_edition(str(data["edition"]), (ws.root / "rules",))
    except ConfigError as exc:
        return [f"its scores cannot be checked: {exc.format_message()}"]
    try:
        register = dict(data["unit"])
        innovations = tuple(Innovation(**i) for i in register.pop("innovations", []))
        unit = Unit(**register, innovations=innovations)
        answers = {}
        for code, a in data["answers"].items():
            if a is None:
                continue
            counts = {int(k): v for k, v in a["counts"].items()} if a.get("counts") else None
            answers[code] = Answer(code, a.get("choice"), counts, a.get("index"), a.get("note") or "",
                                   tuple(Evidence(e) for e in a.get("evidence") or ()))
            if a.get("tpi"):
                tpi = a["tpi"]
                tpi_counts = {int(k): v for k, v in tpi["counts"].items()} if tpi.get("counts") else None
                answers[code] = replace(answers[code], tpi_choice=tpi.get("choice"), tpi_counts=tpi_counts,
                                        tpi_index=tpi.get("index"), tpi_note=tpi.get("note") or "")
        recomputed = score_unit(unit, Lke(unit.code, SOURCE_DATA, answers), edition).to_json()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"its {SOURCE_DATA} cannot be scored again ({type(exc).__name__}: {exc})"]
    recomputed = json.loads(json.dumps(recomputed))  # as the embedded copy went through JSON
    claimed = data.get("scores")
    if recomputed == claimed:
        return []
    if not isinstance(claimed, dict):
        return [f"its {SOURCE_DATA} holds no scores"]
    keys = [k for k in recomputed if recomputed.get(k) != claimed.get(k)] or ["(the set of keys)"]
    return [f"its scores do not follow from its own answers ({', '.join(keys[:5])}: the answers give "
            f"{', '.join(repr(recomputed.get(k)) for k in keys[:3])}, it says "
            f"{', '.join(repr(claimed.get(k)) for k in keys[:3])})"]


def format_findings(findings: list[Finding]) -> str:
    """The findings as lines for the terminal, with a count at the end."""
    if not findings:
        return "No findings: every file matches the manifest, the index and its own source data."
    lines = [str(f) for f in findings]
    return "\n".join(lines + [f"{len(findings)} finding(s)."])


# --- small helpers --------------------------------------------------------------------------


def _inside(path: str) -> bool:
    """Whether a manifest path stays inside its folder (relative, no '..')."""
    pure = PurePosixPath(path)
    return bool(pure.parts) and "\\" not in path and not pure.is_absolute() and ".." not in pure.parts


def _rel(ws: Workspace, path: Path) -> str:
    """A path as the user sees it: relative to the workspace when inside it."""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)
