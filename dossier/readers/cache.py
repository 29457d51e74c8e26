"""Remember what each LKE workbook read as, so a rebuild reads only the workbooks that changed.

The cache is a JSON file in the build folder. An entry is used only when the workbook's
size and modification time, the LKE edition and the state of the bukti/ folder (which
the evidence checks depend on) are all as they were; anything else reads the workbook again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from dossier.errors import Problem
from dossier.model import Answer, Evidence, Lke
from dossier.readers.lke import LkeRead

FORMAT = "dossier-lke-cache/3"
FILENAME = ".lke-cache.json"  # in build/<year>/


class LkeCache:
    """Read results by workbook, valid for one edition and one state of bukti/."""

    def __init__(self, path: Path, edition: str, bukti: Path) -> None:
        self.path = path
        from dossier import __version__

        self.scope = f"{__version__}:{edition}:{_folder_state(bukti)}"
        self.entries: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and data.get("scope") == self.scope:
                self.entries = dict(data["entries"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # no cache, or one we cannot trust: read everything

    def get(self, rel: str, path: Path) -> LkeRead | None:
        entry = self.entries.get(rel)
        if not isinstance(entry, dict) or entry.get("stamp") != _stamp(path):
            return None
        try:
            read = _from_json(entry["read"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        self.used[rel] = entry
        return read

    def put(self, rel: str, path: Path, read: LkeRead) -> None:
        self.used[rel] = {"stamp": _stamp(path), "read": asdict(read)}

    def save(self) -> None:
        """Keep the entries of this read only (workbooks removed since are dropped)."""
        from dossier.output import write_if_changed

        data = {"format": FORMAT, "scope": self.scope, "entries": self.used}
        write_if_changed(self.path, json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _folder_state(folder: Path) -> str:
    """A digest of every name, size, time and link under a folder."""
    import hashlib

    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files) + dirs:
            entry = Path(root, name)
            stat = entry.lstat()
            target = os.readlink(entry) if entry.is_symlink() else ""
            digest.update(f"{entry.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{target}\n".encode())
    return digest.hexdigest()


def _from_json(data: dict) -> LkeRead:
    lke = data["lke"]
    return LkeRead(
        source=data["source"],
        code_where=data["code_where"],
        problems=[Problem(**p) for p in data["problems"]],
        lke=None if lke is None else Lke(
            unit_code=lke["unit_code"],
            source=lke["source"],
            answers={code: _answer(a) for code, a in lke["answers"].items()},
        ),
    )


def _answer(a: dict) -> Answer:
    return Answer(
        code=a["code"],
        choice=a["choice"],
        counts=None if a["counts"] is None else {int(k): int(v) for k, v in a["counts"].items()},
        index=a["index"],
        note=a["note"],
        evidence=tuple(
            Evidence(e["entry"], e["url"], None if e["path"] is None else Path(e["path"]), e["present"], e["problem"])
            for e in a["evidence"]
        ),
        where=a["where"],
        tpi_choice=a["tpi_choice"],
        tpi_counts=None if a["tpi_counts"] is None else {int(k): int(v) for k, v in a["tpi_counts"].items()},
        tpi_index=a["tpi_index"],
        tpi_note=a["tpi_note"],
        where_tpi=a["where_tpi"],
    )
