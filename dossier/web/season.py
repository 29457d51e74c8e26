"""The season as the pages show it: one row per unit, one unit's whole state, a problem as a record.

The year is read through the workspace, exactly as the CLI reads it (readers, their guards,
scoring); what was read is kept in memory until a file the read depends on changes, and
workbooks unchanged since the last read are taken from the server's own read cache
(.dossier/), apart from the build's, so a job running beside the server never races it.
"""

from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dossier.digests import digest, sha256
from dossier.documents import registry
from dossier.documents.claims import decision, proposal
from dossier.errors import Problem
from dossier.i18n import language
from dossier.incremental import CACHE, Dependencies, outdated, read_cache
from dossier.layout import REGISTER
from dossier.model import AwardYear
from dossier.output import read_manifest
from dossier.readers import starts_with_code
from dossier.readers.cache import LkeCache
from dossier.readers.register import Register, read_register
from dossier.scoring import UnitScore, score_unit
from dossier.web.store import FOLDER
from dossier.workspace import Workspace

VERSIONS = ".versi"  # previous versions of an uploaded file, beside it; hidden, so the readers skip it


def problem_record(problem: Problem) -> dict:
    """A problem as the pages show it: its record (file, sheet, cell, what, fix) and its place as one text."""
    return {**{k: v or "" for k, v in problem.record().items()}, "where": problem.where}


@dataclass
class Season:
    """One award year as read: the model, each unit's score, the built documents."""

    ws: Workspace
    year: int
    award_year: AwardYear
    scores: dict[str, UnitScore]
    manifest: dict = field(default_factory=dict)
    _current: dict = field(default_factory=dict, repr=False)  # unit code (None: the year) -> current, per manifest
    _recorded: dict | None = field(default=None, repr=False)  # the build's cache: each output's key, by path
    _built: tuple = field(default=(), repr=False)  # the build cache file as _current was worked out against

    def unit(self, code: str):
        return next((u for u in self.award_year.units if u.code == code), None)

    def problems_of(self, code: str) -> list[Problem]:
        """The problems of a unit's own files (its LKE, the TPI's review of it) and of its register row."""
        unit = self.unit(code)
        files = {f"lke/{p.name}" for p in self.lke_files(code)}
        lke = self.award_year.lke.get(code)
        if lke:
            files.add(lke.source)
        return [p for p in self.award_year.problems
                if p.file in files or (unit is not None and unit.where and p.where == unit.where)]

    def lke_files(self, code: str) -> list[Path]:
        """The files in lke/ that belong to the unit: its own workbook and the TPI's, by name."""
        folder = self.ws.inputs(self.year) / "lke"
        unit = self.unit(code)
        named = {n.casefold() for n in (unit.lke_file, unit.lke_tpi_file) if n} if unit else set()
        lke = self.award_year.lke.get(code)
        if lke:
            named.add(Path(lke.source).name.casefold())
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                      and (p.name.casefold() in named or starts_with_code(p.name, code)))

    def documents(self, code: str | None) -> list[dict]:
        """The built documents of a unit (or, with None, the year's own), as the manifest lists them."""
        files = self.manifest.get("files", []) if self.manifest else []
        return [f for f in files if (f.get("unit") or None) == code]

    def row(self, code: str) -> dict:
        """The board's row of one unit (also what /api/status gives, in its JSON keys)."""
        unit = self.unit(code)
        score = self.scores.get(code)
        problems = self.problems_of(code)
        lke = self.award_year.lke.get(code)
        reviewed = bool(lke and any(a.where_tpi for a in lke.answers.values()))
        return {
            "code": code,
            "name": unit.name,
            "proposed": unit.proposed,
            "lke_received": lke.source if lke else None,
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity != "error" for p in problems),
            "reviewed": reviewed,
            "total": round(score.total, 2) if score and lke else None,
            "eligible": list(score.eligible) if score and lke else [],
            "proposal": (proposal(score) if score and lke else None),
            "decision": decision(score).to_json() if score and lke else None,  # the year's one decision (issue 23)
            "without_evidence": len(score.without_evidence) if score and lke else None,
            "documents": [d["path"] for d in self.documents(code)],
            "documents_current": self.current(code),
        }

    def current(self, code: str | None) -> bool | None:
        """Whether the unit's (None: the year's) built documents are still those of the inputs as they are now.

        True only when every document the manifest lists for it is there and was built (says the
        build's cache, .dossier-cache.json) under the key `dossier build` would give it now: the
        key that decides what a build keeps (dossier/incremental.py: the unit's register row,
        answers, TPI review, problems and, for the kinds that use it, the content of its evidence;
        the settings, the edition, the templates). A workbook changed after the build changes the
        key, whatever the files' times say. None: nothing built yet.
        """
        entries = self.documents(code)
        if not entries:
            return None
        if code not in self._current:
            self._current[code] = self._keys_match(code, entries)
        return self._current[code]

    def _keys_match(self, code: str | None, entries: list[dict]) -> bool:
        build = self.ws.build_dir(self.year)
        if self.manifest.get("edition") not in (None, self.award_year.edition):
            return False
        if self._recorded is None:
            self._recorded = read_cache(build)["files"]  # the key each output was built under, beside the manifest
        for entry in entries:
            try:
                if (build / entry["path"]).stat().st_size != entry.get("bytes"):
                    return False
            except OSError:
                return False
        return not outdated(entries, self._recorded, self.dependencies, {k.kind: k for k in registry.KINDS})

    @cached_property
    def dependencies(self) -> Dependencies:
        """The build's keys over this season as read (the templates and settings hashed once per read)."""
        return Dependencies(self.ws, self.award_year, self.ws.edition(self.year), list(self.scores.values()))


class Remembered:
    """The read cache the server gives the readers: workbooks read before, kept in memory as read.

    In front of the on-disk LkeCache (made only when a workbook is not in memory: opening it
    hashes every evidence file), a workbook whose name, size and time are unchanged, under an
    unchanged bukti/ folder (names, sizes, times) and in the same edition and language, is given
    back as the very LkeRead read before: after one upload, only that workbook is read.
    """

    def __init__(self, ws: Workspace, year: int, memory: dict, bukti_state: str) -> None:
        self.ws, self.year = ws, year
        self.memory = memory
        self.scope = (ws.settings.edition_for(year), language(), bukti_state)
        self.disk: LkeCache | None = None
        self.seen: set[str] = set()  # the workbooks asked for in this read

    def _disk(self) -> LkeCache:
        if self.disk is None:
            self.disk = LkeCache(self.ws.root / FOLDER / f"lke-cache-{self.year}.json",
                                 self.ws.edition(self.year).name, self.ws.inputs(self.year) / "bukti")
        return self.disk

    def _key(self, rel: str, path: Path) -> tuple | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return self.scope, rel, stat.st_size, stat.st_mtime_ns

    def get(self, rel: str, path: Path):
        self.seen.add(rel)
        key = self._key(rel, path)
        if key in self.memory:
            return self.memory[key]
        read = self._disk().get(rel, path)
        if read is not None and key:
            self.memory[key] = read
        return read

    def put(self, rel: str, path: Path, read, *, disk: bool = True) -> None:
        self.seen.add(rel)
        if disk:
            self._disk().put(rel, path, read)
        key = self._key(rel, path)
        if key:
            self.memory[key] = read

    def register(self, path: Path, year: int) -> Register:
        """The register as read from these very bytes before; read again only when its content changed."""
        data = path.read_bytes()
        key = ("register", self.scope[:2], sha256(data))
        if key not in self.memory:
            for old in [k for k in self.memory if k[0] == "register"]:
                del self.memory[old]
            self.memory[key] = read_register(path, year, REGISTER)
        # The year's read builds on the register's lists: each read gets its own copy.
        return copy.deepcopy(self.memory[key])

    def save(self) -> None:
        if self.disk is not None:
            self.disk.save()

    def forget_others(self) -> None:
        """Drop from memory the workbooks gone or replaced, and reads under an older scope."""
        for key in [k for k in self.memory if k[0] != "register" and (k[0] != self.scope or k[1] not in self.seen)]:
            del self.memory[key]


class Seasons:
    """Read award years on demand, each kept until a file it was read from changes."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.lock = threading.Lock()
        self.kept: dict[int, tuple[tuple, Season]] = {}
        self.reads: dict[int, dict] = {}  # per year: workbooks as read, by (scope, name, size, time)

    def remember(self, year: int, path: Path, read) -> None:
        """Keep a workbook just read (an upload, checked before it was kept) so it is not read again."""
        with self.lock:
            rel = path.relative_to(self.ws.inputs(year)).as_posix()
            cache = Remembered(self.ws, year, self.reads.setdefault(year, {}), _bukti_state(_state(self.ws, year)))
            cache.put(rel, path, read, disk=False)

    def get(self, year: int) -> Season:
        with self.lock:
            state = _state(self.ws, year)
            kept = self.kept.get(year)
            if kept and kept[0] == state:
                season = kept[1]
                manifest = read_manifest(self.ws.build_dir(year) / "manifest.json") or {}
                built = _build_state(self.ws.build_dir(year))
                if manifest != season.manifest or built != season._built:
                    season.manifest, season._built, season._current, season._recorded = manifest, built, {}, None
                return season
            edition = self.ws.edition(year)
            cache = Remembered(self.ws, year, self.reads.setdefault(year, {}), _bukti_state(state))
            award_year = self.ws.load(year, cache=cache)
            cache.save()
            cache.forget_others()
            before = kept[1] if kept else None
            scores = {u.code: _score(before, u, award_year.lke.get(u.code), edition) for u in award_year.units}
            manifest = read_manifest(self.ws.build_dir(year) / "manifest.json") or {}
            season = Season(self.ws, year, award_year, scores, manifest, _built=_build_state(self.ws.build_dir(year)))
            self.kept[year] = (state, season)
            return season


def _build_state(build: Path) -> tuple:
    """Whether the build's cache (the keys the outputs were built under) was written again since."""
    try:
        stat = (build / CACHE).stat()
    except OSError:
        return ()
    return stat.st_size, stat.st_mtime_ns


def _bukti_state(state: tuple) -> str:
    """A digest of the bukti/ part of a year's state: what the evidence checks of a read depend on."""
    return digest([entry for entry in state if f"{os.sep}bukti{os.sep}" in entry[0] or entry[0].endswith(f"{os.sep}bukti")])


def _score(before: Season | None, unit, lke, edition) -> UnitScore:
    """The unit's score: the one computed before when its register row and its answers are the same."""
    if before is not None and before.award_year.edition == edition.name:
        old = before.scores.get(unit.code)
        if old is not None and old.unit == unit and before.award_year.lke.get(unit.code) == lke:
            return old
    return score_unit(unit, lke, edition)


def _state(ws: Workspace, year: int) -> tuple:
    """What a read of the year depends on: every input file's name, size and time, and the settings."""
    inputs = ws.inputs(year)
    files = [ws.root / "dossier.toml"]
    if inputs.is_dir():
        files += [p for p in inputs.rglob("*") if VERSIONS not in p.parts]
    out = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(out))
