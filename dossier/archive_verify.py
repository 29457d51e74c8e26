"""Verifying an archived year: its files, manifest, index, fingerprint, signature and source data.

Which files carry source data to score again is declared by their kinds (documents/kinds.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from pypdf import PdfReader

from dossier.archive import INDEX, MANIFEST, PADES_INSTALL, SOURCE_DATA, quiet_log, shown_path, stays_inside
from dossier.digests import file_sha256
from dossier.documents.registry import archived_kinds
from dossier.errors import ArchiveError, ConfigError
from dossier.i18n import _, ngettext, pgettext
from dossier.model import Answer, Evidence, Innovation, Lke, Unit
from dossier.rules import load_edition
from dossier.scoring import score_unit
from dossier.workspace import Workspace


@dataclass(frozen=True)
class Finding:
    """One thing wrong with an archived year: the file and what is wrong with it."""

    where: str
    kind: str  # a code: "missing", "changed", "extra", "link", "manifest", "index", "source", "fingerprint", "signature"
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {kind_label(self.kind)}: {self.detail}"


def kind_label(kind: str) -> str:
    """A finding's kind as the user reads it, in the language spoken now (the kind itself stays a code)."""
    labels = {
        "missing": pgettext("archive finding", "missing"),
        "changed": pgettext("archive finding", "changed"),
        "extra": pgettext("archive finding", "extra"),
        "link": pgettext("archive finding", "link"),
        "manifest": pgettext("archive finding", "manifest"),
        "index": pgettext("archive finding", "index"),
        "source": pgettext("archive finding", "source"),
        "fingerprint": pgettext("archive finding", "fingerprint"),
        "signature": pgettext("archive finding", "signature"),
    }
    return labels.get(kind, kind)


def verify_year(ws: Workspace, year: int, fingerprint: str | None = None) -> list[Finding]:
    """Check archive/<year>/ against its manifest, the manifest against the index and the fingerprint,
    and each dossier against its own source data; report everything that does not agree."""
    folder = ws.archive_dir(year)
    if not folder.is_dir():
        raise ArchiveError(_("{folder}: no archive for {year}; run 'dossier archive --year {year}' first.")
                           .format(folder=shown_path(ws, folder), year=year))
    if folder.is_symlink():
        return [Finding(shown_path(ws, folder), "link", _("a link to {target}; an archive is a real folder")
                        .format(target=os.path.realpath(folder)))]
    manifest_path = folder / MANIFEST
    where = shown_path(ws, manifest_path)
    present, findings = _walk(ws, folder)
    present -= {MANIFEST, INDEX}
    try:
        manifest_bytes = _read_plain(manifest_path)
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except FileNotFoundError:
        return findings + [Finding(where, "manifest", _("missing, so no file can be checked"))]
    except (OSError, UnicodeDecodeError) as exc:
        return findings + [Finding(where, "manifest", _("unreadable ({reason})").format(reason=exc))]
    except json.JSONDecodeError as exc:
        detail = (_("does not parse as JSON: {reason} at line {line}, column {column}")
                  .format(reason=exc.msg, line=exc.lineno, column=exc.colno))
        return findings + [Finding(where, "manifest", detail)]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return findings + [Finding(where, "manifest", _("has no 'files' list"))]

    actual = hashlib.sha256(manifest_bytes).hexdigest()
    if fingerprint is not None and fingerprint.strip().lower() != actual:
        findings.append(Finding(where, "fingerprint", _("its SHA-256 is {actual}, not the recorded {recorded}")
                                .format(actual=actual, recorded=fingerprint.strip())))
    findings += _check_index(ws, folder, manifest_bytes)
    findings += _check_signature(ws, folder)
    if manifest.get("year") != year:
        findings.append(Finding(where, "manifest", _("names year {named}, but the folder is {year}")
                                .format(named=repr(manifest.get("year")), year=year)))

    listed, kinds = set(), archived_kinds()
    for n, entry in enumerate(manifest["files"], start=1):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not stays_inside(path) or not isinstance(entry.get("sha256"), str):
            findings.append(Finding(where, "manifest", _("entry {number} needs a 'path' inside the folder and a 'sha256'")
                                    .format(number=n)))
            continue
        listed.add(path)
        file = folder / path
        if _has_link(folder, path):
            continue  # reported by the walk
        if not file.is_file():
            findings.append(Finding(shown_path(ws, file), "missing", _("listed in the manifest but not in the folder")))
            continue
        size, digest = file.stat().st_size, file_sha256(file)
        if digest != entry["sha256"] or size != entry.get("bytes", size):
            detail = (_("expected {bytes} bytes with SHA-256 {sha256}, found {found_bytes} bytes with SHA-256 {found_sha256}")
                      .format(bytes=entry.get("bytes"), sha256=entry["sha256"], found_bytes=size, found_sha256=digest))
            findings.append(Finding(shown_path(ws, file), "changed", detail))
        elif (kind := kinds.get(str(entry.get("kind")))) is not None and kind.source_data:
            findings += _check_source_data(ws, file, entry, manifest)
    for extra in sorted(present - listed):
        findings.append(Finding(shown_path(ws, folder / extra), "extra", _("in the folder but not in the manifest")))
    return findings


def _walk(ws: Workspace, folder: Path) -> tuple[set[str], list[Finding]]:
    """The regular files under `folder` (relative paths), and a finding for every link met on the way."""
    files, findings = set(), []
    for here, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(here) / name
            if path.is_symlink():
                findings.append(Finding(shown_path(ws, path), "link", _("a link to {target}; an archive holds only real files")
                                        .format(target=os.path.realpath(path))))
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
    try:
        found = PdfReader(io.BytesIO(_read_plain(path))).attachments.get(name)
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise ValueError(_("could not be read as a PDF ({reason})").format(reason=exc)) from None
    return found[0] if found else None


def _check_index(ws: Workspace, folder: Path, manifest: bytes) -> list[Finding]:
    """The index must exist and carry manifest.json byte for byte."""
    index = folder / INDEX
    where = shown_path(ws, index)
    if index.is_symlink():
        return []  # reported by the walk
    if not index.is_file():
        return [Finding(where, "missing", _("the index, which carries the manifest, is not in the folder"))]
    try:
        embedded = _attachment(index, MANIFEST)
    except ValueError as exc:
        return [Finding(where, "index", str(exc))]
    if embedded is None:
        return [Finding(where, "index", _("carries no embedded {manifest}, so the manifest cannot be checked")
                        .format(manifest=MANIFEST))]
    if embedded != manifest:
        return [Finding(where, "index", _("its embedded {manifest} (SHA-256 {sha256}) does not agree with {manifest}: "
                                          "{difference}").format(manifest=MANIFEST,
                                                                 sha256=hashlib.sha256(embedded).hexdigest(),
                                                                 difference=_first_difference(embedded, manifest)))]
    return []


def _check_signature(ws: Workspace, folder: Path) -> list[Finding]:
    """A signed index must still be exactly as signed, by a certificate of the CA in dossier.toml (when set)."""
    index = folder / INDEX
    if index.is_symlink() or not index.is_file():
        return []  # reported already
    where = shown_path(ws, index)
    data = _read_plain(index)
    settings = ws.settings
    if b"/ByteRange" not in data and settings.signing_certificate is None:
        return []  # neither signed nor meant to be
    try:  # pyHanko is optional (dossier[pades]): only for a signed index
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return [Finding(where, "signature", _("the index is signed, but pyHanko is not installed to check it; "
                                              "install it with {command}").format(command=PADES_INSTALL))]
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # a damaged file: pyHanko raises several kinds
        return [Finding(where, "signature", _("the signatures cannot be read ({reason})").format(reason=exc))]
    if not signatures:
        return [Finding(where, "signature", _("not signed, though {file} names a certificate to sign with")
                        .format(file=settings.source))]
    roots = [load_cert_from_pemder(str(settings.signing_ca))] if settings.signing_ca else []
    findings = []
    for signature in signatures:
        with quiet_log("pyhanko"), quiet_log("pyhanko_certvalidator"):
            try:
                status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
            except Exception as exc:  # a malformed signature
                findings.append(Finding(where, "signature", _("{field}: cannot be checked ({reason})")
                                        .format(field=signature.field_name, reason=exc)))
                continue
        signer = status.signing_cert.subject.human_friendly if status.signing_cert else _("unknown")
        if not (status.intact and status.valid):
            detail = _("{field} (signed by {signer}) no longer matches the file: it was changed after signing")
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            detail = _("{field} (signed by {signer}) does not cover the whole file: something was added after signing")
        elif roots and not status.trusted:
            detail = _("{field} is signed by {signer}, whose certificate is not issued by the CA {ca}")
        else:
            continue
        findings.append(Finding(where, "signature", detail.format(field=signature.field_name, signer=signer,
                                                                  ca=settings.signing_ca)))
    return findings


def _first_difference(embedded: bytes, manifest: bytes) -> str:
    """Say briefly where the embedded manifest and the one in the folder part ways."""
    try:
        old, new = json.loads(embedded), json.loads(manifest)
    except ValueError:
        return _("the embedded one does not parse")
    for key in sorted((set(old) | set(new)) - {"files"}):
        if old.get(key) != new.get(key):
            return _("{key} was {before}, now {after}").format(key=key, before=repr(old.get(key)),
                                                               after=repr(new.get(key)))
    before = {f.get("path"): f for f in old.get("files", []) if isinstance(f, dict)}
    after = {f.get("path"): f for f in new.get("files", []) if isinstance(f, dict)}
    for path in sorted(set(before) | set(after), key=str):
        if path not in after:
            return _("{path} was listed, now it is not").format(path=path)
        if path not in before:
            return _("{path} was not listed, now it is").format(path=path)
        if before[path] != after[path]:
            return _("the entry of {path} differs").format(path=path)
    return _("the bytes differ")


def _check_source_data(ws: Workspace, file: Path, entry: dict, manifest: dict) -> list[Finding]:
    """A dossier's embedded source data must name its unit, year and edition, and score as it claims."""
    where = shown_path(ws, file)
    try:
        raw = _attachment(file, SOURCE_DATA)
    except ValueError as exc:
        return [Finding(where, "source", str(exc))]
    if raw is None:
        return [Finding(where, "source", _("carries no embedded {name}, so it cannot be checked").format(name=SOURCE_DATA))]
    try:
        data = json.loads(raw.decode("utf-8"))
        unit = data["unit"]["code"]
    except (ValueError, KeyError, TypeError):
        return [Finding(where, "source", _("its {name} is not the source data of a dossier").format(name=SOURCE_DATA))]
    problems = []
    if unit != entry.get("unit"):
        problems.append(_("its {name} is unit {unit}, but the manifest files it as {listed}")
                        .format(name=SOURCE_DATA, unit=repr(unit), listed=repr(entry.get("unit"))))
    if "year" in data and data["year"] != manifest.get("year"):
        problems.append(_("its {name} is of year {year}, but the archive is {archived}")
                        .format(name=SOURCE_DATA, year=repr(data["year"]), archived=repr(manifest.get("year"))))
    if data.get("edition") != manifest.get("edition"):
        problems.append(_("its {name} was scored with LKE edition {edition}, but the manifest names {listed}")
                        .format(name=SOURCE_DATA, edition=repr(data.get("edition")),
                                listed=repr(manifest.get("edition"))))
    else:
        problems += _rescore(ws, data)
    return [Finding(where, "source", p) for p in problems]


def _rescore(ws: Workspace, data: dict) -> list[str]:
    """Score the embedded answers again by the named edition; the embedded scores must be what comes out."""
    try:
        edition = load_edition(str(data["edition"]), (ws.root / "rules",))
    except ConfigError as exc:
        return [_("its scores cannot be checked: {reason}").format(reason=exc.format_message())]
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
        return [_("its {name} cannot be scored again ({reason})")
                .format(name=SOURCE_DATA, reason=f"{type(exc).__name__}: {exc}")]
    recomputed = json.loads(json.dumps(recomputed))  # as the embedded copy went through JSON
    claimed = data.get("scores")
    if recomputed == claimed:
        return []
    if not isinstance(claimed, dict):
        return [_("its {name} holds no scores").format(name=SOURCE_DATA)]
    keys = [k for k in recomputed if recomputed.get(k) != claimed.get(k)] or [_("(the set of keys)")]
    return [_("its scores do not follow from its own answers ({keys}: the answers give {computed}, it says {claimed})")
            .format(keys=", ".join(keys[:5]),
                    computed=", ".join(repr(recomputed.get(k)) for k in keys[:3]),
                    claimed=", ".join(repr(claimed.get(k)) for k in keys[:3]))]


def format_findings(findings: list[Finding]) -> str:
    """The findings as lines for the terminal, with a count at the end."""
    if not findings:
        return _("No findings: every file matches the manifest, the index and its own source data.")
    lines = [str(f) for f in findings]
    count = ngettext("{count} finding.", "{count} findings.", len(findings)).format(count=len(findings))
    return "\n".join(lines + [count])
