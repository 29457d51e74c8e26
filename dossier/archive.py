"""The per-year archive: archive/<year>/ with the final PDFs, manifest.json and daftar-arsip.pdf.

Which kinds are archived, which a year needs, what the index calls them, which claim PDF/A
and which carry their source data (`sumber-data.json`) is declared by each kind
(documents/kinds.py); this module names no kind. The build already renders them as
PDF/A-3b, so archiving copies the year's final files byte for byte from build/<year>/,
after checking each one against the build manifest, and adds a manifest and a printable
index. The year is
assembled in a hidden sibling folder and renamed into place, so an interruption
never leaves a half-written or half-replaced year.

An archive proves itself rather than trusting its own manifest: the index
(daftar-arsip.pdf) embeds manifest.json byte for byte and prints its SHA-256, the
archive's fingerprint (sidik jari), which staff record outside the archive; each
dossier's embedded source data must name its unit and year and score as it says;
and links are refused. dossier.archive_verify checks all of this.
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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from dossier import __version__
from dossier.digests import source_hash
from dossier.documents.kinds import DocumentKind
from dossier.documents.registry import archived_kinds
from dossier.errors import ArchiveError, os_reason
from dossier.i18n import _, ngettext
from dossier.incremental import Dependencies, outdated, read_cache
from dossier.locking import holding_year_lock
from dossier.output import UMASK, Output, read_manifest, write_atomic, write_manifest
from dossier.render.templates import environment, render, static_dirs
from dossier.reproducible import build_timestamp
from dossier.workspace import Workspace

INDEX = "daftar-arsip.pdf"
MANIFEST = "manifest.json"
TEMPLATE = "daftar-arsip.html"
SOURCE_DATA = "sumber-data.json"
SIGNATURE_FIELD = "TandaTanganArsip"
PADES_INSTALL = "pip install 'dossier[pades]'"


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
        found = ", ".join(map(str, years)) or _("none")
        wanted = shown_path(ws, ws.archive_dir(year) if year else ws.archive_dir(0).parent)
        raise ArchiveError(_("{folder}: no archived year there (archived years: {years}). Run 'dossier archive' first.")
                           .format(folder=wanted, years=found))
    return year


# --- archiving ----------------------------------------------------------------------------


@holding_year_lock("archive", create=False)  # one command at a time per year (dossier/locking.py)
def archive_year(ws: Workspace, year: int, *, force: bool = False) -> ArchiveResult:
    """Copy the year's final PDFs from build/<year>/ into archive/<year>/ with a manifest and an index."""
    target = ws.archive_dir(year)
    if target.exists() and not force:
        raise ArchiveError(_exists_message(ws, target))
    build_dir = ws.build_dir(year)
    build = _read_build_manifest(ws, build_dir, year)
    kinds = archived_kinds()
    entries = _final_pdfs(ws, build_dir, build, year, kinds)
    inputs_hash = _source_hash_for(ws, year, build)  # taken before the inputs are read again just below
    _check_against_inputs(ws, year, build_dir, build, entries, kinds)
    _check_converted(ws, build_dir, year)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(
            _("{folder}: cannot write there ({reason}); nothing was changed. "
              "Make the folder writable (or free disk space), then archive again.")
            .format(folder=shown_path(ws, target.parent), reason=os_reason(exc))
        ) from None
    try:
        files, mismatched = [], []
        for entry in entries:
            size, digest = _copy_hashing(build_dir / entry.path, tmp / entry.path)
            if (size, digest) != (entry.bytes, entry.sha256):
                mismatched.append(f"  {shown_path(ws, build_dir / entry.path)}: {_difference(entry, size, digest)}")
            files.append(Output(entry.path, entry.kind, entry.unit, size, digest, pages=entry.pages))
        if mismatched:
            message = ngettext("{folder}: {count} file does not match {manifest}; "
                               "rebuild first ('dossier build --year {year}'), then archive.",
                               "{folder}: {count} files do not match {manifest}; "
                               "rebuild first ('dossier build --year {year}'), then archive.", len(mismatched))
            raise ArchiveError(
                message.format(folder=shown_path(ws, build_dir), count=len(mismatched), manifest=MANIFEST, year=year)
                + "\n" + "\n".join(mismatched)
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
        proposed = _proposed(build_dir, entries, kinds)
        write_atomic(tmp / INDEX, _sign(ws, render_index(ws, year, header, files, manifest, kinds, proposed)))
        _check_inputs_held_still(ws, year, inputs_hash)
        # mkdtemp makes the folder its owner's alone; an archive gets the usual permissions.
        os.chmod(tmp, 0o777 & ~UMASK)
        replaced = _swap_in(ws, tmp, target, force)
    except OSError as exc:
        raise ArchiveError(
            _("{folder}: could not write the archive ({reason}); nothing was changed. "
              "Check free disk space and permissions, then archive again.")
            .format(folder=shown_path(ws, target), reason=os_reason(exc))
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone after a rename; removed after any failure
    warnings = [w for f in files for w in _pdfa_warnings(ws, target / f.path, kinds[f.kind])]
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
                    _("{folder}: the new archive could not be moved in, nor the previous one back "
                      "({reason}); the previous one is intact as {previous}.")
                    .format(folder=shown_path(ws, target), reason=os_reason(exc), previous=shown_path(ws, replaced))
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
    return _("{folder} already exists (archived on {when}); use --force to replace it; "
             "the current one is kept as {kept}.").format(
        folder=shown_path(ws, target), when=f"{_archived_on(target):%Y-%m-%d %H:%M}", kept=shown_path(ws, _replaced_name(target))
    )


def _read_build_manifest(ws: Workspace, build_dir: Path, year: int) -> dict:
    path = build_dir / MANIFEST
    build = read_manifest(path)
    if build is None:
        raise ArchiveError(
            _("{file}: missing or unreadable, so the built files cannot be checked; "
              "run 'dossier build --year {year}' first.").format(file=shown_path(ws, path), year=year)
        )
    if build.get("year") != year or not build.get("edition"):
        raise ArchiveError(
            _("{file}: expected year {year} and an LKE edition, found year {found_year} "
              "and edition {found_edition}; run 'dossier build --year {year}' again.")
            .format(file=shown_path(ws, path), year=year, found_year=repr(build.get("year")),
                    found_edition=repr(build.get("edition")))
        )
    return build


def _final_pdfs(ws: Workspace, build_dir: Path, build: dict, year: int,
                kinds: dict[str, DocumentKind]) -> list[Output]:
    """The manifest's files of the archived kinds, refusing an incomplete year or a path outside the build folder."""
    entries, problems = [], []
    for item in build["files"]:
        if not isinstance(item, dict) or item.get("kind") not in kinds:
            continue
        path = str(item.get("path", ""))
        if not stays_inside(path):
            problems.append("  " + _("{path}: not a path inside {folder}").format(path=repr(path),
                                                                                 folder=shown_path(ws, build_dir)))
            continue
        entries.append(
            Output(path, item["kind"], item.get("unit") or "", item.get("bytes", -1), item.get("sha256", ""),
                   pages=item.get("pages"))
        )
    listed = {(e.kind, e.unit) for e in entries}
    required = [k for k in kinds.values() if k.required]
    for kind in required:
        if not kind.per_unit and (kind.kind, "") not in listed:
            problems.append("  " + _("no {kind} listed").format(kind=kind.kind))
    for unit in sorted({e.unit for e in entries if e.unit}):
        problems += ["  " + _("unit {unit}: no {kind} listed").format(unit=unit, kind=k.kind)
                     for k in required if k.per_unit and (k.kind, unit) not in listed]
    if problems:
        raise ArchiveError(
            _("{file}: the build is not complete enough to archive; "
              "run 'dossier build --year {year}' (PDF included) first.")
            .format(file=shown_path(ws, build_dir / MANIFEST), year=year) + "\n" + "\n".join(problems)
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
            _("{folder}: the inputs changed since build/{year} was built (source hash {then}... "
              "then, {now}... now); run 'dossier build --year {year}' first so the archive matches its inputs.")
            .format(folder=shown_path(ws, inputs), year=year, then=built_from[:12], now=current[:12])
        )
    return current


def _check_against_inputs(ws: Workspace, year: int, build_dir: Path, build: dict, entries: list[Output],
                          kinds: dict[str, DocumentKind]) -> None:
    """Read and score the inputs as they are now; every dossier's embedded source data must be what comes out.

    Nothing a build kept (its read cache, its manifest) is trusted here: the register's every row
    must be a unit with an archived dossier, and each dossier must say what its unit's workbook
    says today, as `archive verify` checks it against its own answers later. Every other file
    must have been made under the key the inputs give today (incremental.outdated): one made before
    a change, when only one unit or one format was built since, would contradict the dossiers. Those
    keys are the build's record (its cache), compared with keys made afresh from the inputs.
    """
    from dossier.documents.dossier import source_data
    from dossier.readers.register import UNUSABLE_ROW
    from dossier.scoring import score_unit

    if not ws.inputs(year).is_dir():  # inputs long gone: the build's source hash is all there is
        return
    edition = ws.edition(year)
    award_year = ws.load(year)
    problems = ["  " + _("{problem} (this register row is no unit, so the year would go without it)")
                .format(problem=p) for p in award_year.errors if p.kind == UNUSABLE_ROW]
    if build.get("edition") != edition.name:
        problems.append("  " + _("the build used LKE edition {built}, dossier.toml now names {now}")
                        .format(built=build.get("edition"), now=edition.name))
    # The unit's documents that embed its source data (the dossier PDF), as their kinds declare.
    dossiers = {e.unit: e for e in entries if e.unit and kinds[e.kind].source_data}
    codes = {u.code for u in award_year.units}
    problems += ["  " + _("unit {unit}: its dossier is built, but the register no longer has the unit").format(unit=code)
                 for code in sorted(set(dossiers) - codes)]
    scores = {u.code: score_unit(u, award_year.lke.get(u.code), edition) for u in award_year.units}
    depends = Dependencies(ws, award_year, edition, list(scores.values()))
    problems += ["  " + _("{file}: made before the inputs, the settings or the templates changed, and not made "
                          "again since (a build of one unit or one format?)").format(file=shown_path(ws, build_dir / path))
                 for path in outdated([e.to_json() for e in entries], read_cache(build_dir)["files"], depends, kinds)]
    for unit in award_year.units:
        entry, lke = dossiers.get(unit.code), award_year.lke.get(unit.code)
        if entry is None:
            if any(k.source_data and k.per_unit for k in kinds.values()):
                problems.append("  " + _("unit {unit}: in the register, but no dossier of it is built").format(unit=unit.code))
            continue
        if lke is None:
            problems.append("  " + _("unit {unit}: its LKE workbook cannot be read now").format(unit=unit.code))
            continue
        expected = source_data(scores[unit.code], year)
        if _embedded(build_dir / entry.path, SOURCE_DATA) != expected:
            problems.append("  " + _("{file}: its {name} is not what the register and the unit's workbook give "
                                     "today (read and scored again)")
                            .format(file=shown_path(ws, build_dir / entry.path), name=SOURCE_DATA))
    if problems:
        raise ArchiveError(
            _("inputs/{year}: the built documents do not follow from the inputs as they are now; nothing was "
              "archived. Correct the inputs if needed, run 'dossier build --year {year}', then archive.")
            .format(year=year) + "\n" + "\n".join(problems)
        )


def _proposed(build_dir: Path, entries: list[Output], kinds: dict[str, DocumentKind]) -> dict[str, bool]:
    """Whether the year proposes each unit, as its file carrying source data records the decision.

    _check_against_inputs has just found that data to be what the inputs decide today (when they
    are still there); a unit whose decision cannot be read is left out (unknown).
    """
    found = {}
    for entry in entries:
        if not (entry.unit and kinds[entry.kind].source_data):
            continue
        try:
            decision = json.loads(_embedded(build_dir / entry.path, SOURCE_DATA) or b"{}").get("decision")
        except ValueError:
            continue
        if isinstance(decision, dict) and isinstance(decision.get("proposed"), bool):
            found[entry.unit] = decision["proposed"]
    return found


def _embedded(path: Path, name: str) -> bytes | None:
    """A PDF's embedded file `name`, or None when it has none or cannot be read."""
    from pypdf import PdfReader

    try:
        found = PdfReader(path).attachments.get(name)
    except Exception:  # pypdf raises many kinds on a damaged file; then nothing is embedded that we can use
        return None
    return found[0] if found else None


def _check_converted(ws: Workspace, build_dir: Path, year: int) -> None:
    """Every office file converted to PDF in build/<year>/.bukti-pdf must carry this user's seal of its source."""
    from dossier.readers.office import OFFICE_CACHE, converted_is_sealed

    folder = build_dir / OFFICE_CACHE
    forged = [p for p in sorted(folder.glob("*.pdf")) if not converted_is_sealed(p)] if folder.is_dir() else []
    if forged:
        raise ArchiveError(
            _("{folder}: {files} not made by this build from its source; a packet may embed it. "
              "Run 'dossier build --force --year {year}', then archive.")
            .format(folder=shown_path(ws, folder), files=", ".join(p.name for p in forged), year=year)
        )


def _check_inputs_held_still(ws: Workspace, year: int, before: str) -> None:
    """Refuse when the inputs changed while they were read again and the files copied."""
    inputs = ws.inputs(year)
    if inputs.is_dir() and source_hash(inputs) != before:
        raise ArchiveError(
            _("{folder}: the inputs changed while the archive was being made; nothing was archived. "
              "Run 'dossier build --year {year}' once the files are saved, then archive.")
            .format(folder=shown_path(ws, inputs), year=year)
        )


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
        return _("listed in the manifest but missing")
    return (_("expected {bytes} bytes with SHA-256 {sha256}, found {found_bytes} bytes with SHA-256 {found_sha256}")
            .format(bytes=entry.bytes, sha256=entry.sha256, found_bytes=size, found_sha256=digest))


# --- the printable index --------------------------------------------------------------------


def render_index(ws: Workspace, year: int, header: dict, files: list[Output], manifest: bytes,
                 kinds: dict[str, DocumentKind] | None = None, proposed: dict[str, bool] | None = None) -> bytes:
    """Render daftar-arsip.pdf (PDF/A-3b): every archived file with its hash, the fingerprint, the manifest inside.

    Each file is named as its kind calls it (DocumentKind.index_label): a unit's file by whether
    the year proposes the unit (`proposed`, by unit code; a unit left out is taken as proposed).
    """
    kinds = kinds or archived_kinds()
    proposed = proposed or {}

    def label(f: Output) -> str:
        kind = kinds.get(f.kind)
        return kind.index_label(proposed.get(f.unit) if f.unit else None) if kind else f.kind
    from dossier.render.pdf import html_to_pdf  # WeasyPrint takes a second to load: only when an index is made

    fingerprint = hashlib.sha256(manifest).hexdigest()
    context = {
        "year": year,
        **header,
        "fingerprint": fingerprint,
        "files": [{**f.to_json(), "label": label(f)} for f in sorted(files, key=lambda f: f.path)],
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
    try:  # pyHanko is optional (dossier[pades]): only when a certificate is set
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
    except ImportError:
        raise ArchiveError(_("{file}: [arsip] names a certificate to sign the archive, but pyHanko is "
                             "not installed; install it with {command}, or empty the setting.")
                           .format(file=settings.source, command=PADES_INSTALL)) from None
    passphrase = os.environ.get("DOSSIER_KUNCI_SANDI")
    with quiet_log("pyhanko"):
        try:
            signer = signers.SimpleSigner.load(str(settings.signing_key), str(settings.signing_certificate),
                                               key_passphrase=passphrase.encode() if passphrase else None)
        except Exception:  # pyHanko raises several kinds for a bad key, certificate or passphrase
            signer = None
    if signer is None:
        raise ArchiveError(
            _("{file}: [arsip] the key {key} and certificate {certificate} "
              "could not be loaded; both must be PEM files that belong together (a key with a passphrase reads it "
              "from DOSSIER_KUNCI_SANDI).")
            .format(file=settings.source, key=settings.signing_key, certificate=settings.signing_certificate)
        )
    metadata = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason="Arsip dokumen Zona Integritas")
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(index)), metadata, signer=signer).getvalue()


@contextmanager
def quiet_log(logger: str):
    """Keep a library's log (pyHanko prints tracebacks for an untrusted certificate) off the terminal."""
    log = logging.getLogger(logger)
    level, log.level = log.level, logging.CRITICAL + 1
    try:
        yield
    finally:
        log.setLevel(level)


def _pdfa_warnings(ws: Workspace, path: Path, kind: DocumentKind) -> list[str]:
    """Say when an archived file that claims PDF/A does not, or one that carries its source data lacks it."""
    if not kind.pdfa:  # the packet: a merge with arbitrary evidence PDFs, kept as built (see the README)
        return []
    try:
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert isinstance(root, DictionaryObject), "its /Root is not a dictionary"
        metadata = root.get("/Metadata")
        xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
        attachments = set(reader.attachments)
    except Exception as exc:  # pypdf raises many kinds on a damaged file; the copy is still exact
        return [_("{file}: could not be read as a PDF ({reason})").format(file=shown_path(ws, path), reason=exc)]
    warnings = []
    if not re.search(r"pdfaid:part(?:=\"|>)\s*[1-4]", xmp):
        warnings.append(_("{file}: not marked as PDF/A (no pdfaid:part in its XMP metadata)").format(file=shown_path(ws, path)))
    if kind.source_data and SOURCE_DATA not in attachments:
        warnings.append(_("{file}: carries no embedded {name}").format(file=shown_path(ws, path), name=SOURCE_DATA))
    return warnings


# --- small helpers --------------------------------------------------------------------------


def stays_inside(path: str) -> bool:
    """Whether a manifest path stays inside its folder (relative, no '..')."""
    pure = PurePosixPath(path)
    return bool(pure.parts) and "\\" not in path and not pure.is_absolute() and ".." not in pure.parts


def shown_path(ws: Workspace, path: Path) -> str:
    """A path as the user sees it: relative to the workspace when inside it."""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)
