"""Evidence (bukti dukung) named in an LKE: web links, or files under `inputs/<year>/bukti/`.

A path may never leave the bukti folder: `..`, absolute paths and symlinks
pointing outside are refused, so a workbook cannot make the dossier embed
`/etc/passwd` or another unit's private files.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from dossier.model import Evidence

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
    if scheme and len(scheme.group(1)) > 1:  # one letter is a Windows drive, handled as absolute below
        return Evidence(
            entry, problem=f"uses a '{scheme.group(1)}:' link, which is not accepted; give a web address (http:// or https://) or a file under bukti/"
        )
    text = entry.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return Evidence(entry, problem="is an absolute path; write the path relative to the bukti/ folder, e.g. UNIT01/sk-tim.pdf")
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if ".." in parts:
        return Evidence(entry, problem="goes outside the bukti/ folder ('..' is not allowed); write a path inside bukti/")
    if not parts:
        return Evidence(entry, problem="is not a file name; write a path inside bukti/, e.g. UNIT01/sk-tim.pdf")
    candidate = bukti.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        root = bukti.resolve()
    except (OSError, RuntimeError) as exc:  # symlink loops
        return Evidence(entry, path=candidate, problem=f"cannot be resolved ({exc})")
    if not resolved.is_relative_to(root):
        return Evidence(entry, path=candidate, problem="is a link pointing outside the bukti/ folder; copy the file into bukti/ instead")
    if resolved.is_dir():
        return Evidence(entry, path=resolved, problem="is a folder; name a file inside it")
    return Evidence(entry, path=resolved, present=resolved.is_file())


def absent_message(evidence: Evidence, bukti: Path) -> str:
    """Say that an evidence file is missing, and hint at the likely slip."""
    message = f"evidence file '{evidence.entry}' not found in bukti/"
    first = evidence.entry.replace("\\", "/").split("/")[0].lower()
    if first == "bukti":
        message += "; paths are relative to the bukti/ folder, so leave out the leading 'bukti/'"
    elif evidence.path is not None:
        similar = _case_twin(evidence.path)
        if similar:
            message += f"; did you mean '{similar.relative_to(bukti.resolve()).as_posix()}'? (names must match exactly)"
    return message


def _case_twin(path: Path) -> Path | None:
    """A file in the same folder whose name differs only in case (Windows users never notice)."""
    folder = path.parent
    if not folder.is_dir():
        return None
    wanted = path.name.casefold()
    return next((p for p in sorted(folder.iterdir()) if p.name.casefold() == wanted and p.is_file()), None)
