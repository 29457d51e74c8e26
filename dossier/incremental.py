"""Incremental state: what the last build left, and the keys that say whether an output is still good.

Each output has a key that changes exactly when something it depends on changes (the
tool's code, the edition, the settings, the unit's answers, the templates it renders...). An
output whose key matches and whose file is exactly the one the last build wrote is kept.
A fingerprint of every file a build reads lets a build with nothing changed return at once.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cached_property
from pathlib import Path
from typing import Any

from dossier.config import schema
from dossier.digests import code_digest, digest, file_sha256, files_digest, input_listing
from dossier.documents.kinds import DocumentKind
from dossier.errors import DossierError
from dossier.model import AwardYear, Unit
from dossier.output import Output, read_manifest, write_if_changed
from dossier.reproducible import build_timestamp
from dossier.scoring import UnitScore
from dossier.workspace import Workspace

CACHE = ".dossier-cache.json"
RECAP_PARTS = ".recap-parts"  # where year-level documents keep rendered parts by content (see documents/recap_parts.py)


def unit_problems(award_year: AwardYear, code: str) -> list:
    """The problems found in the unit's own LKE workbook."""
    lke = award_year.lke.get(code)
    return [p for p in award_year.problems if lke and p.file == lke.source]


class Dependencies:
    """Keys that change exactly when something an output depends on changes."""

    def __init__(self, ws: Workspace, award_year: AwardYear, edition, scores: list[UnitScore]) -> None:
        self.award_year = award_year
        self.scores = scores
        common = {
            "tool": code_digest(),
            "edition": files_digest((p.name, p) for p in sorted(edition.source.parent.glob(edition.source.stem + ".*"))),
            # Paths are left out of every key, so a moved or copied workspace keeps its outputs; so are the
            # warnings about settings set aside, which are in the language spoken and name paths too, and
            # the settings no document shows (the archive's signature: set up before archiving, not a change).
            "settings": repr(dataclasses.replace(ws.settings, logo=None, source=None, warnings=(), **_unshown())),
            "logo": files_digest([("logo", ws.settings.logo)] if ws.settings.logo else []),
            "award": repr(award_year.award),
            "created": str(build_timestamp(award_year.year)),  # SOURCE_DATE_EPOCH dates every output
        }
        self.common = digest(common)
        self.templates = TemplateDigests(ws.templates)
        self._units: dict[str, str] = {}

    def key(self, kind: DocumentKind, score: UnitScore | None) -> str:
        """The key of one output: of a unit's document (with its score), or of a year-level one."""
        if kind.per_unit:
            assert score is not None, "a unit's document is keyed with its score"
            return self.unit_key(kind, score)
        return self.year_key(kind)

    def unit_key(self, kind: DocumentKind, score: UnitScore) -> str:
        code = score.unit.code
        return digest(
            {
                "common": self.common,
                "kind": kind.kind,
                "unit": self._unit(score.unit),
                "problems": [repr(p) for p in unit_problems(self.award_year, code)] if kind.problems else [],
                "evidence": self._evidence(code) if kind.evidence else "",
                "templates": self.templates.for_kind(kind),
            }
        )

    def _unit(self, unit: Unit) -> str:
        """The digest of the unit's row (as nominated: not its results) and answers, made once for all its kinds."""
        if unit.code not in self._units:
            lke = self.award_year.lke.get(unit.code)
            self._units[unit.code] = digest({
                "unit": _shown(unit.as_nominated()),
                "answers": [
                    (a.code, a.choice, sorted((a.counts or {}).items()), a.index, a.note,
                     [(e.entry, e.url, e.present, e.problem) for e in a.evidence],
                     (a.tpi_choice, sorted((a.tpi_counts or {}).items()), a.tpi_index, a.tpi_note))
                    for a in sorted(lke.answers.values() if lke else (), key=lambda a: a.code)
                ],
            })
        return self._units[unit.code]

    def _evidence(self, code: str) -> str:
        """The digest of the contents of the unit's evidence files that are there."""
        lke = self.award_year.lke.get(code)
        found = {e.entry: e.path for a in (lke.answers.values() if lke else ()) for e in a.evidence if e.path and e.present}
        return files_digest(sorted(found.items()))

    @cached_property
    def scores_json(self) -> str:
        """Every unit's scores, serialised once for all the year-level documents."""
        return json.dumps([s.to_json() for s in self.scores], sort_keys=True)

    def year_key(self, kind: DocumentKind) -> str:
        return digest(
            {
                "common": self.common,
                "kind": kind.kind,
                "scores": self.scores_json,
                "quotes": repr(self.award_year.quotes),
                "units": [_shown(u) for u in self.award_year.units],  # the release names categories and recipients
                "templates": self.templates.for_kind(kind),
            }
        )


def _unshown() -> dict[str, Any]:
    """The settings no document shows, at their defaults (see config.Setting.documents)."""
    return {name: declared.default for name, declared in schema() if not declared.documents}


def _shown(unit: Unit) -> str:
    """The unit as documents show it: its register row (`where`) is for messages only, so a row inserted
    above it in the register renders none of its documents again."""
    return repr(dataclasses.replace(unit, where=""))


class TemplateDigests:
    """The digest of the templates (and every static file) each kind of document uses."""

    def __init__(self, workspace_templates: Path | None) -> None:
        from dossier.render.templates import default_templates_dir

        self.dirs = [d for d in (workspace_templates, default_templates_dir()) if d]
        self.static = files_digest(
            sorted((str(p.relative_to(d)), p) for d in self.dirs for p in (d / "static").rglob("*") if p.is_file())
        )
        self.cache: dict[str, str] = {}
        self.referenced: dict[str, list[str]] = {}  # each template's own references, parsed once for every kind

    def for_kind(self, kind: DocumentKind) -> str:
        if kind.kind not in self.cache:
            names = sorted(self._closure(list(kind.templates)))
            found = [(name, path) for name, path in ((n, self._find(n)) for n in names) if path]
            self.cache[kind.kind] = digest({"static": self.static, "files": files_digest(found)})
        return self.cache[kind.kind]

    def _find(self, name: str) -> Path | None:
        return next((d / name for d in self.dirs if (d / name).is_file()), None)

    def _closure(self, names: list[str]) -> set[str]:
        """The templates named and every template they extend, include or import."""
        from dossier.render.templates import referenced_templates

        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name not in self.referenced:
                path = self._find(name)
                self.referenced[name] = referenced_templates(path.read_text(encoding="utf-8", errors="replace")) \
                    if path and path.suffix == ".html" else []
            todo.extend(self.referenced[name])
        return seen


def read_cache(out_dir: Path) -> dict:
    """The last build's fingerprint and its entries by path (with key, size and hash); empty if unreadable."""
    data = read_manifest(out_dir / CACHE)
    fields = {"path": str, "kind": str, "bytes": int, "sha256": str, "key": str}
    files = {
        e["path"]: e
        for e in (data["files"] if data else [])
        if isinstance(e, dict) and all(isinstance(e.get(k), t) for k, t in fields.items())
    }
    fingerprint = data.get("fingerprint") if data else None
    return {"files": files, "fingerprint": fingerprint if isinstance(fingerprint, str) and fingerprint else None}


def write_cache(out_dir: Path, entries: list[Output], fingerprint: str) -> None:
    """Write how to reuse the outputs: each with its key, size and hash."""
    data = {"fingerprint": fingerprint, "files": [e.to_json() for e in entries]}
    write_if_changed(out_dir / CACHE, (json.dumps(data, indent=1) + "\n").encode())


def intact(out_dir: Path, entry: dict) -> bool:
    """The file is exactly the one the last build wrote: same size and same content.

    The content decides, never the time: a file replaced by another of the same size and time is
    not the one recorded (and `archive`, which hashes every file, would refuse it), and a workspace
    copied without its times (to another drive, from a shared folder) keeps its outputs.
    """
    path = out_dir / entry["path"]
    try:
        if path.stat().st_size != entry.get("bytes"):
            return False
        return file_sha256(path) == entry.get("sha256")
    except OSError:
        return False


def outdated(entries: list[dict], recorded: dict[str, dict], depends: Dependencies,
             kinds: dict[str, DocumentKind]) -> list[str]:
    """The paths of `entries` (files a manifest lists) that are not what `dossier build` would make now.

    A file is current while the build recorded it (`recorded`: its cache) with the bytes the manifest
    lists, made under the key the build would give it now: its unit's register row, answers, TPI
    review, problems and evidence; the settings, the edition, the templates and dossier's own code.
    A workbook changed after the build changes the key, whatever the files' times say. Whether the
    file on disk is still those bytes is the caller's to check (`intact`, or the archive's hashes).
    """
    scores = {s.unit.code: s for s in depends.scores}
    stale = []
    for entry in entries:
        path, unit = str(entry.get("path", "")), entry.get("unit") or None
        kind, record, score = kinds.get(str(entry.get("kind", ""))), recorded.get(path), scores.get(unit or "")
        if (kind is None or not record or record.get("sha256") != entry.get("sha256") or (unit and score is None)
                or depends.key(kind, score) != record.get("key")):
            stale.append(path)
    return stale


def reusable(out_dir: Path, rel: str, key: str, previous: dict[str, dict]) -> bool:
    """Keep a file only when its key matches and it is exactly the file the last build wrote."""
    entry = previous.get(rel)
    if not entry:
        return False
    return entry.get("key") == key and intact(out_dir, entry)


def fingerprint(ws: Workspace, year: int, edition, options: list, inputs: list[tuple[str, str]] | None = None) -> str:
    """A digest of the content of every file a build reads, and of its options; `inputs`: the year's
    digests.input_listing when the caller has it (the build records its hash too).

    Equal to the last successful build's: nothing changed, and the build can skip even
    reading the workbooks. By content, not size and time: a file replaced by another of
    the same size and time is a change (and `archive`, which hashes the inputs, agrees).
    """
    from dossier.render.templates import default_templates_dir

    # Each folder by its role, not its path: a workspace moved or copied elsewhere (or dossier
    # installed elsewhere) with the same files is no change.
    files = [("inputs", rel, sha) for rel, sha in (input_listing(ws.inputs(year)) if inputs is None else inputs)]
    folders = {"rules": ws.root / "rules", "templates": ws.root / "templates",
               "bundled templates": default_templates_dir(), "edition": edition.source.parent}
    for role, folder in folders.items():
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                files.append((role, path.relative_to(folder).as_posix(), file_sha256(path)))
    settings = ws.root / "dossier.toml"
    files.append(("settings", "dossier.toml", file_sha256(settings) if settings.is_file() else ""))
    # Every other file the settings name (the logo, wherever it lies): a replaced logo is a change too.
    files.append(("settings", "the files it names", files_digest(sorted(_setting_files(ws)))))
    return digest({"tool": code_digest(), "options": repr(options), "files": files})


def _setting_files(ws: Workspace) -> list[tuple[str, Path]]:
    """(setting name, path) of every file dossier.toml names."""
    try:
        settings = ws.settings
    except DossierError:  # said by the build when it reads them
        return []
    return [(f.name, value) for f in dataclasses.fields(settings)
            if f.name != "source" and isinstance(value := getattr(settings, f.name), Path)]


def recorded(entry: dict) -> Output:
    """An output recorded by the last build, as this build reports it."""
    fields = {k: v for k, v in entry.items() if k in Output.__dataclass_fields__}
    return Output(**{**fields, "unit": fields.get("unit") or ""})
