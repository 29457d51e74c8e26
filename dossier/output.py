"""Writing outputs safely: atomic files, hashes, the build manifest."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from dossier.errors import RenderError, os_reason
from dossier.i18n import _


@dataclass(frozen=True)
class Output:
    """One file a build produced: where it goes (relative to the build folder), its kind and unit."""

    path: str
    kind: str
    unit: str
    bytes: int
    sha256: str
    key: str = ""
    pages: int | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        data["unit"] = self.unit or None  # year-level documents belong to no unit
        if not self.key:
            del data["key"]
        if self.pages is None:
            del data["pages"]
        return data


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is read once, at import)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees either the old file or the new one, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed
    over the target. On any failure (a full disk, say) the temporary file is removed and
    the previous file stays as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:  # a read-only or full folder: say so, not a traceback
        raise RenderError(_("{folder}: cannot write there ({reason}). "
                            "Make the folder writable (or free disk space), then run again.")
                          .format(folder=path.parent, reason=os_reason(exc))) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file readable by its owner alone; documents get the usual
        # permissions (as open() would give them), so colleagues can read a shared build folder.
        os.chmod(tmp, 0o666 & ~UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RenderError(_("{path}: could not write the file ({reason}). "
                            "Check free disk space and permissions, then build again.")
                          .format(path=path, reason=os_reason(exc))) from None


def write_manifest(path: Path, year: int, entries: list[Output], extra: dict | None = None) -> None:
    """Write manifest.json atomically, entries sorted by path."""
    data = {"year": year, **(extra or {}), "files": [e.to_json() for e in sorted(entries, key=lambda e: e.path)]}
    write_if_changed(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> None:
    """Write atomically, unless the file already holds exactly these bytes (then leave it untouched)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def read_manifest(path: Path) -> dict | None:
    """The previous manifest, or None when it is absent or unreadable (then everything is rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), list) else None
