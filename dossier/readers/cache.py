"""Remember what each LKE workbook read as, so a rebuild reads only the workbooks that changed.

The cache is a JSON file in the build folder, and it is never trusted over its source.
An entry is keyed by the SHA-256 of the workbook's content, and it is used only when that
hash, the LKE edition and the content of the bukti/ folder (which the evidence checks
depend on) are all as they were, and when the entry's own check digest still matches what it holds (a damaged
or edited entry is a miss). Evidence paths are stored relative to the
bukti/ folder, so a moved or copied workspace reads its cache as before; an entry whose
paths do not fit is a miss. Anything else reads the workbook again.

The problems are kept as records (message ids and parameters), not as words, so one cache
serves every language: they are worded when shown.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, replace
from pathlib import Path, PurePosixPath

from dossier.digests import file_sha256
from dossier.errors import Place, Problem
from dossier.model import Answer, Evidence, Lke
from dossier.readers.lke import LkeRead

FORMAT = "dossier-lke-cache/5"  # 5: problems kept as records, and the official form read by its new rules (issue 22)
FILENAME = ".lke-cache.json"  # in build/<year>/


class LkeCache:
    """Read results by workbook content, valid for one edition and one content of bukti/, in any language."""

    def __init__(self, path: Path, edition: str, bukti: Path) -> None:
        self.path = path
        from dossier import __version__

        # A resolved evidence path lies under the real bukti folder; a refused one under bukti as named.
        self.bases = {"real": Path(os.path.realpath(bukti)), "bukti": bukti}
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
        if not isinstance(entry, dict):
            return None
        try:
            source = file_sha256(path)
            if entry.get("source") != source or entry.get("check") != _check(self.scope, rel, source, entry["read"]):
                return None
            read = _from_json(entry["read"], self.bases)
        except (OSError, KeyError, TypeError, ValueError, AttributeError):
            return None
        self.used[rel] = entry
        return read

    def put(self, rel: str, path: Path, read: LkeRead) -> None:
        try:
            source = file_sha256(path)
            data = _to_json(read, self.bases)
        except (OSError, ValueError):  # gone since it was read, or a path that does not fit: not kept
            return
        self.used[rel] = {"source": source, "read": data, "check": _check(self.scope, rel, source, data)}

    def save(self) -> None:
        """Keep the entries of this read only (workbooks removed since are dropped)."""
        from dossier.output import write_if_changed

        data = {"format": FORMAT, "scope": self.scope, "entries": self.used}
        write_if_changed(self.path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _check(scope: str, rel: str, source: str, read) -> str:
    """The digest an entry must carry: of what it was read from and of everything it says."""
    text = json.dumps([scope, rel, source, read], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _folder_state(folder: Path) -> str:
    """A digest of every name, content and link under a folder (content, not size and time)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files) + dirs:
            entry = Path(root, name)
            target = os.readlink(entry) if entry.is_symlink() else ""
            try:
                content = file_sha256(entry) if entry.is_file() else "dir" if entry.is_dir() else "other"
            except OSError:
                content = "unreadable"
            digest.update(f"{entry.relative_to(folder)}\0{content}\0{target}\n".encode())
    return digest.hexdigest()


def _to_json(read: LkeRead, bases: dict[str, Path]) -> dict:
    data = asdict(replace(read, problems=[], code_where=None))
    data["problems"] = [p.to_data() for p in read.problems]
    data["code_where"] = read.code_where.to_data() if read.code_where else None
    answers = read.lke.answers if read.lke else {}
    for code, answer in (data["lke"] or {}).get("answers", {}).items():
        for evidence, kept in zip(answer["evidence"], answers[code].evidence):
            evidence["path"] = None if evidence["path"] is None else _relative(Path(evidence["path"]), bases)
            evidence["problem"] = kept.problem.to_data() if kept.problem else None
    # As it reads back (counts' keys become text): the check digest is of exactly that.
    return json.loads(json.dumps(data, ensure_ascii=False))


def _relative(path: Path, bases: dict[str, Path]) -> list[str]:
    """[base, path relative to it]; a path under neither base is refused (ValueError)."""
    for name, base in bases.items():
        if path.is_relative_to(base):
            return [name, path.relative_to(base).as_posix()]
    raise ValueError(f"{path} is outside the bukti folder")


def _absolute(stored, bases: dict[str, Path]) -> Path:
    """The path a stored [base, relative] pair names here; anything else is a miss (ValueError)."""
    base, rel = stored
    parts = PurePosixPath(rel).parts
    if base not in bases or not isinstance(rel, str) or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise ValueError(f"cached path {stored!r} does not fit this workspace")
    return bases[base].joinpath(*parts)


def _from_json(data: dict, bases: dict[str, Path]) -> LkeRead:
    lke = data["lke"]
    return LkeRead(
        source=data["source"],
        code_where=None if data["code_where"] is None else Place.from_data(data["code_where"]),
        problems=[Problem.from_data(p) for p in data["problems"]],
        lke=None if lke is None else Lke(
            unit_code=lke["unit_code"],
            source=lke["source"],
            answers={code: _answer(a, bases) for code, a in lke["answers"].items()},
        ),
    )


def _answer(a: dict, bases: dict[str, Path]) -> Answer:
    return Answer(
        code=a["code"],
        choice=a["choice"],
        counts=None if a["counts"] is None else {int(k): int(v) for k, v in a["counts"].items()},
        index=a["index"],
        note=a["note"],
        evidence=tuple(
            Evidence(e["entry"], e["url"], None if e["path"] is None else _absolute(e["path"], bases),
                     e["present"], "" if e["problem"] is None else Problem.from_data(e["problem"]))
            for e in a["evidence"]
        ),
        where=a["where"],
        tpi_choice=a["tpi_choice"],
        tpi_counts=None if a["tpi_counts"] is None else {int(k): int(v) for k, v in a["tpi_counts"].items()},
        tpi_index=a["tpi_index"],
        tpi_note=a["tpi_note"],
        where_tpi=a["where_tpi"],
    )
