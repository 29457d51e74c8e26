"""The per-year archive: archive/<year>/ with the final PDFs, manifest.json and daftar-arsip.pdf.

The build already renders every dossier, recap and release PDF as PDF/A-3b, each
dossier carrying its source data (`sumber-data.json`). Archiving therefore copies
the year's final PDFs byte for byte from build/<year>/, after checking each one
against the build manifest, and adds a manifest and a printable index. The year is
assembled in a hidden sibling folder and renamed into place, so an interruption
never leaves a half-written or half-replaced year.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from dossier import __version__
from dossier.errors import ArchiveError
from dossier.digests import file_sha256, sha256, source_hash
from dossier.output import Output, read_manifest, write_atomic, write_manifest
from dossier.reproducible import build_timestamp, pdf_pages
from dossier.workspace import Workspace

ARCHIVED_KINDS = ("dossier-pdf", "packet-pdf", "recap-pdf", "release-pdf")
INDEX = "daftar-arsip.pdf"
INDEX_KIND = "index-pdf"
MANIFEST = "manifest.json"
TEMPLATE = "daftar-arsip.html"
SOURCE_DATA = "sumber-data.json"


@dataclass
class ArchiveResult:
    """What `archive_year` wrote: the files listed in the manifest and where an older archive went."""

    year: int
    path: Path
    files: list[Output]
    source_hash: str
    replaced: Path | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with an archived year: the file and what is wrong with it."""

    where: str
    kind: str  # "missing", "changed", "extra" or "manifest"
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

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=target.parent))
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

        index = render_index(ws, year, header, files)
        write_atomic(tmp / INDEX, index)
        files.append(Output(INDEX, INDEX_KIND, "", len(index), sha256(index), pages=pdf_pages(index)))
        write_manifest(tmp / MANIFEST, year, files, header)
        replaced = _swap_in(ws, tmp, target, force)
    except OSError as exc:
        raise ArchiveError(
            f"{_rel(ws, target)}: could not write the archive ({exc.strerror or exc}); nothing was changed. "
            f"Check free disk space and permissions, then archive again."
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone after a rename; removed after any failure
    warnings = [w for f in files if f.kind in ARCHIVED_KINDS for w in _pdfa_warnings(ws, target / f.path, f.kind)]
    return ArchiveResult(year, target, sorted(files, key=lambda f: f.path), inputs_hash, replaced, warnings)


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


def render_index(ws: Workspace, year: int, header: dict, files: list[Output]) -> bytes:
    """Render daftar-arsip.pdf (PDF/A-3b): every archived file with its kind, unit, size and SHA-256."""
    from dossier.render.pdf import html_to_pdf
    from dossier.render.templates import environment, render, static_dirs

    context = {
        "year": year,
        **header,
        "files": [f.to_json() for f in sorted(files, key=lambda f: f.path)],
        "total_bytes": sum(f.bytes for f in files),
    }
    html = render(environment(ws.templates), TEMPLATE, context)
    created = build_timestamp(year)
    roots = static_dirs(ws.templates)
    return html_to_pdf(html, base_url=roots[-1], allowed_roots=roots, created=created, pdf_variant="pdf/a-3b",
                       title=f"Daftar Arsip Dokumen Zona Integritas Tahun {year}")


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


def verify_year(ws: Workspace, year: int) -> list[Finding]:
    """Recompute every hash of archive/<year>/ and report each missing, changed or extra file."""
    folder = ws.archive_dir(year)
    if not folder.is_dir():
        raise ArchiveError(f"{_rel(ws, folder)}: no archive for {year}; run 'dossier archive --year {year}' first.")
    manifest_path = folder / MANIFEST
    where = _rel(ws, manifest_path)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Finding(where, "manifest", "missing, so no file can be checked")]
    except (OSError, UnicodeDecodeError) as exc:
        return [Finding(where, "manifest", f"unreadable ({exc})")]
    except json.JSONDecodeError as exc:
        detail = f"does not parse as JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return [Finding(where, "manifest", detail)]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return [Finding(where, "manifest", "has no 'files' list")]

    findings, listed = [], set()
    for n, entry in enumerate(manifest["files"], start=1):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not _inside(path) or not isinstance(entry.get("sha256"), str):
            findings.append(Finding(where, "manifest", f"entry {n} needs a 'path' inside the folder and a 'sha256'"))
            continue
        listed.add(path)
        file = folder / path
        if not file.is_file():
            findings.append(Finding(_rel(ws, file), "missing", "listed in the manifest but not in the folder"))
            continue
        size, digest = file.stat().st_size, file_sha256(file)
        if digest != entry["sha256"] or size != entry.get("bytes", size):
            expected = f"expected {entry.get('bytes')} bytes with SHA-256 {entry['sha256']}"
            findings.append(Finding(_rel(ws, file), "changed", f"{expected}, found {size} bytes with SHA-256 {digest}"))
    for extra in sorted(present - listed):
        findings.append(Finding(_rel(ws, folder / extra), "extra", "in the folder but not in the manifest"))
    return findings


def format_findings(findings: list[Finding]) -> str:
    """The findings as lines for the terminal, with a count at the end."""
    if not findings:
        return "No findings: every file matches the manifest."
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
