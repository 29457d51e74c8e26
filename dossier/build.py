"""The pipeline: load -> score -> plan -> render -> write -> manifest.

Everything is read and checked first; then each unit's documents are rendered
(in worker processes when --jobs > 1, see workers.py), written atomically, and listed
in build/<year>/manifest.json. An output whose inputs did not change since the last
build is kept as it is (see incremental.py). The kinds of document come from
documents/registry.py; this module names none of them.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from dossier import __version__
from dossier.decision import register_warnings
from dossier.digests import input_listing, sha256, source_hash
from dossier.documents import registry
from dossier.documents.kinds import DocumentKind
from dossier.documents.packet import DIVIDER_CACHE
from dossier.errors import DossierError, InputErrors, Place, Problem, msg
from dossier.i18n import _
from dossier.incremental import (
    CACHE,
    RECAP_PARTS,
    Dependencies,
    fingerprint,
    intact,
    outdated,
    read_cache,
    recorded,
    reusable,
    unit_problems,
    write_cache,
)
from dossier.layout import REGISTER
from dossier.locking import holding_year_lock
from dossier.model import AwardYear
from dossier.output import Output, write_atomic, write_manifest
from dossier.readers.cache import FILENAME as LKE_CACHE
from dossier.readers.cache import LkeCache
from dossier.readers.office import OFFICE_CACHE
from dossier.readers.register import UNUSABLE_ROW
from dossier.reproducible import build_timestamp
from dossier.rules import Edition
from dossier.scoring import UnitScore, score_unit
from dossier.workers import DEFAULT_TIMEOUT, Rendered, Task, local_pool, remote_executor, render_all
from dossier.workspace import Workspace

__all__ = ["CACHE", "RECAP_PARTS", "BuildResult", "Plan", "Progress", "build", "remote_executor"]

SHOWN = 6  # documents named in a message; the others counted


class Progress:
    """Told when rendering starts and as each task ends; the CLI shows a bar or plain lines."""

    def read(self, award_year: AwardYear) -> None:
        """Told once the award year has been read (the CLI's -v lists what was read)."""

    def start(self, tasks: int, reused: int, labels: Sequence[str] = ()) -> None:
        """Told before rendering: the tasks to render, in the order they start, and the outputs reused."""

    def done(self, label: str, rendered: Rendered) -> None:
        pass


@dataclass
class BuildResult:
    """The summary of one build."""

    year: int
    built: list[Output] = field(default_factory=list)
    reused: list[Output] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(o.pages or 0 for o in self.built + self.reused)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class Plan:
    """One build: what was asked for, and what the last build left to compare with."""

    ws: Workspace
    year: int
    units: list[str] | None
    formats: tuple[str, ...]
    year_documents: bool
    unit_documents: bool
    force: bool
    timeout: int
    progress: Progress | None
    started: float  # time.monotonic() when the build began
    edition: Edition
    previous: dict[str, dict]  # the last build's outputs by path
    fingerprint: str  # of every file this build reads (see incremental.fingerprint)
    inputs_hash: str = ""  # source_hash of inputs/<year>/ taken before anything was read

    @property
    def out_dir(self) -> Path:
        return self.ws.build_dir(self.year)

    only: tuple[str, ...] = ()  # only these kinds (e.g. the feedback), when given

    def kinds(self, per_unit: bool) -> list[DocumentKind]:
        """The registered kinds of one level in the formats asked for, in the order they render.

        With `only`, the kinds asked for and those they need (the packet embeds the dossier PDF):
        a needed file that is up to date is read from disk (see _stale), else it is built too.
        """
        wanted = set(self.only)
        for kind in reversed(registry.KINDS):  # a kind comes after those it needs
            if kind.kind in wanted:
                wanted.update(kind.needs)
        return [k for k in registry.KINDS if k.per_unit == per_unit and k.format in self.formats
                and (not self.only or k.kind in wanted)]


@holding_year_lock("build")  # one command at a time per year (dossier/locking.py)
def build(
    ws: Workspace,
    year: int,
    *,
    units: list[str] | None = None,
    formats: tuple[str, ...] = ("pdf", "docx", "xlsx"),
    year_documents: bool = True,
    unit_documents: bool = True,
    jobs: int | None = None,
    force: bool = False,
    executor: Executor | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    only: tuple[str, ...] = (),
) -> BuildResult:
    """Build the documents of one award year into build/<year>/ (`only`: just these kinds)."""
    started = time.monotonic()
    out_dir = ws.build_dir(year)
    for leftover in out_dir.rglob(".*.part"):  # temporary files of a build that was killed
        leftover.unlink(missing_ok=True)
    cache = read_cache(out_dir)
    edition = ws.edition(year)
    # The inputs as they are before anything is read: a workbook saved while the build runs must not
    # be recorded as the source of documents made from its previous content (see _write_manifest).
    inputs = input_listing(ws.inputs(year))
    plan = Plan(ws, year, units, formats, year_documents, unit_documents, force, timeout, progress, started,
                edition, previous=cache["files"],
                fingerprint=fingerprint(ws, year, edition, [units, formats, year_documents, unit_documents, only,
                                                            build_timestamp(year)], inputs),
                only=only)
    if not force and plan.fingerprint == cache["fingerprint"] and all(intact(out_dir, e) for e in plan.previous.values()):
        # Nothing the last (successful) build read has changed: skip reading the workbooks too.
        result = BuildResult(year, reused=[recorded(e) for e in plan.previous.values()])
        if progress:
            progress.start(0, len(result.reused))
        result.seconds = time.monotonic() - started
        return result
    plan.inputs_hash = source_hash(ws.inputs(year), inputs)
    jobs = jobs or os.cpu_count() or 1
    remembered = None if force else LkeCache(out_dir / LKE_CACHE, edition.name, ws.inputs(year) / "bukti")
    if force:  # everything rendered afresh, the recap's parts and the evidence converted to PDF too
        shutil.rmtree(out_dir / RECAP_PARTS, ignore_errors=True)
        shutil.rmtree(out_dir / OFFICE_CACHE, ignore_errors=True)
        shutil.rmtree(out_dir / DIVIDER_CACHE, ignore_errors=True)
    with local_pool(jobs) as pool:
        award_year = ws.load(year, mapper=partial(pool.map, chunksize=8) if pool else map, cache=remembered)
        if progress:
            progress.read(award_year)
        _check_units(plan, award_year)
        if remembered:
            remembered.save()
        return _build_loaded(plan, award_year, executor or pool)


def _check_units(plan: Plan, award_year: AwardYear) -> None:
    """Refuse, before anything is built, unit codes the register does not have and a register whose errors every
    document would show: the award's facts (its dates, the ministry), its innovations and quotes (the release).

    An error in a unit's own row stops only that unit (`_blocked_units`), as an error in its LKE does.
    """
    codes = {u.code for u in award_year.units}
    register = [p for p in award_year.errors if p.file == REGISTER]
    if any(p.kind != UNUSABLE_ROW and p.unit not in codes for p in register):
        raise InputErrors(register)  # with the rows that are no unit: an innovation of one is an error too
    unknown = [c for c in plan.units or [] if c not in {u.code for u in award_year.units}]
    if unknown:
        known = ", ".join(u.code for u in award_year.units)
        raise DossierError(
            _("inputs/{year}/nominasi.xlsx: no unit with code {codes} in sheet Unit (codes: {known}).")
            .format(year=plan.year, codes=", ".join(unknown), known=known)
        )


def _build_loaded(plan: Plan, award_year: AwardYear, pool: Executor | None) -> BuildResult:
    """Score, plan, render and write, once the award year has been read."""
    scores = [score_unit(u, award_year.lke.get(u.code), plan.edition) for u in award_year.units]
    # A result above the predicate proposed is an error of the unit's row, as a value that is no choice is.
    decided = [p for p in register_warnings(award_year.units, scores) if p.severity == "error"]
    award_year = dataclasses.replace(award_year, problems=[*award_year.problems, *decided])
    result = BuildResult(plan.year, problems=list(award_year.problems))
    depends = Dependencies(plan.ws, award_year, plan.edition, scores)
    todo = _stale(plan, _tasks(plan, award_year, scores, result, depends), result)
    if plan.progress:
        plan.progress.start(len(todo), len(result.reused), [task.label for task, _keys in todo])
    held: list[tuple[Keyed, Rendered]] = []  # the year documents, written once every unit is built
    keyed = {id(task): keys for task, keys in todo}
    for task, rendered in render_all([t for t, _keys in todo], pool):
        keys = keyed[id(task)]
        result.problems.extend(rendered.problems)
        if rendered.error:
            result.failed[task.label] = rendered.error
        elif task.unit:
            _write(plan, task, keys, rendered, result)
        else:
            held.append(((task, keys), rendered))
        if plan.progress:
            plan.progress.done(task.label, rendered)
    unbuilt = {t.unit: result.failed[t.unit] for t, _keys in todo if t.unit and t.unit in result.failed}
    if plan.year_documents and unbuilt:
        # A unit whose documents failed to render is left out the same way as one blocked before.
        result.reused = [o for o in result.reused if o.unit]
        _leave_out_year_documents(plan, unbuilt, result)
    else:
        for (task, keys), rendered in held:
            _write(plan, task, keys, rendered, result)

    clean = result.ok and not award_year.errors
    extra = {"edition": plan.edition.name, "tool": __version__, "source_hash": plan.inputs_hash}
    if source_hash(award_year.inputs) != plan.inputs_hash:
        _inputs_changed(plan, result)
        return result
    # A register read with errors may lack a unit only for a typo: its documents are kept until it reads clean.
    registered = None if award_year.errors else {u.code for u in award_year.units}
    _write_manifest(plan, extra, result, plan.fingerprint if clean else "", registered, depends)
    result.seconds = time.monotonic() - plan.started
    return result


Keyed = tuple[Task, dict[str, str]]  # a task and the key of each of its outputs, by kind


def _write(plan: Plan, task: Task, keys: dict[str, str], rendered: Rendered, result: BuildResult) -> None:
    """Write one task's rendered files into the build folder and list them as built."""
    paths = {k.kind: k.path_for(task.unit) for k in task.kinds}
    for kind, (data, pages) in rendered.files.items():
        write_atomic(plan.out_dir / paths[kind], data)
        result.built.append(Output(paths[kind], kind, task.unit, len(data), sha256(data), keys[kind], pages))


def _tasks(plan: Plan, award_year: AwardYear, scores: list[UnitScore], result: BuildResult,
           depends: Dependencies) -> list[Keyed]:
    """Every task the request asks for, longest first, each with its outputs' keys."""
    blocked = _blocked_units(award_year)
    created = build_timestamp(plan.year)
    year_tasks: list[Keyed] = []
    if plan.year_documents and blocked:
        _leave_out_year_documents(plan, blocked, result)
    if plan.year_documents and not blocked:
        groups: dict[str, list[DocumentKind]] = {}
        for kind in plan.kinds(per_unit=False):
            groups.setdefault(kind.group, []).append(kind)
        for group in groups.values():
            keys = {k.kind: depends.year_key(k) for k in group}
            year_tasks.append((_task("", tuple(group), award_year, tuple(scores), plan.ws, created, plan.timeout), keys))
    unit_tasks: list[Keyed] = []
    unit_kinds = tuple(plan.kinds(per_unit=True))
    row_errors = _row_errors(award_year)
    for score in scores:
        code = score.unit.code
        if not plan.unit_documents or (plan.units and code not in plan.units):
            continue
        kinds = unit_kinds
        if code in blocked:
            # Its feedback says what blocks the rest (its LKE's errors), so it is built all the same; never
            # from a register row with errors, which it would show as the unit's facts.
            kinds = () if code in row_errors else tuple(k for k in unit_kinds if k.problems)
            if len(kinds) < len(unit_kinds):
                result.failed[code] = blocked[code]
            if not kinds:
                continue
        keys = {k.kind: depends.unit_key(k, score) for k in kinds}
        unit_tasks.append((_task(code, kinds, award_year, (score,), plan.ws, created, plan.timeout), keys))
    # Longest first, so no worker is left with one long task at the end: the slow year-level
    # documents take longer than any unit; the short ones fill in last.
    slow = [t for t in year_tasks if any(k.slow for k in t[0].kinds)]
    short = [t for t in year_tasks if not any(k.slow for k in t[0].kinds)]
    return slow + unit_tasks + short


def _stale(plan: Plan, tasks: list[Keyed], result: BuildResult) -> list[Keyed]:
    """The tasks cut down to the outputs that must be rendered again; the others are reused."""
    todo = []
    for task, keys in tasks:
        fresh = {k.kind for k in task.kinds
                 if not plan.force and reusable(plan.out_dir, k.path_for(task.unit), keys[k.kind], plan.previous)}
        # A kind that uses another's file (the packet embeds the dossier PDF) is given that file as
        # the last build wrote it when it is fresh (its bytes checked again), or renders it again.
        needed = {n for k in task.kinds if k.kind not in fresh for n in k.needs}
        kept = {k.kind: data for k in task.kinds if k.kind in needed & fresh
                if (data := _kept(plan, k.path_for(task.unit))) is not None}
        fresh -= needed - kept.keys()
        for kind in sorted(task.kinds, key=lambda k: k.kind):
            if kind.kind in fresh:
                result.reused.append(recorded(plan.previous[kind.path_for(task.unit)]))
        missing = tuple(k for k in task.kinds if k.kind not in fresh)
        if missing:
            todo.append((dataclasses.replace(task, kinds=missing, kept=kept), keys))
    return todo


def _kept(plan: Plan, rel: str) -> bytes | None:
    """The bytes of a file the last build wrote, or None when they are no longer the ones it recorded."""
    try:
        data = (plan.out_dir / rel).read_bytes()
    except OSError:
        return None
    return data if sha256(data) == plan.previous[rel].get("sha256") else None


def _task(code: str, kinds: tuple[DocumentKind, ...], award_year: AwardYear, scores: tuple[UnitScore, ...],
          ws: Workspace, created: datetime, timeout: int) -> Task:
    """A task carrying only what its documents need (one unit's LKE, not the whole year's)."""
    slim = dataclasses.replace(
        award_year, lke={c: lke for c, lke in award_year.lke.items() if c == code} if code else {},
        problems=unit_problems(award_year, code) if any(k.problems for k in kinds) else [],
    )
    parts = None if code else ws.build_dir(award_year.year) / RECAP_PARTS
    return Task(code, kinds, slim, scores, ws.settings, ws.templates, created, timeout, parts)


def _leave_out_year_documents(plan: Plan, blocked: dict[str, str], result: BuildResult) -> None:
    """Year documents made while a unit cannot be built would leave it out unsaid: write none, keep no old copy.

    The recap and the release of an earlier build are removed, so that neither they nor the
    manifest say anything the inputs no longer do; the build fails, naming the units.
    """
    rows = [k for k in blocked if k.startswith(REGISTER)]  # register rows that are no unit, by their place
    codes = ", ".join(k for k in blocked if k not in rows)
    result.failed.update(blocked)  # said by 'dossier report' too, which builds no unit's documents
    for kind in plan.kinds(per_unit=False):
        path = kind.path_for("")
        (plan.out_dir / path).unlink(missing_ok=True)
        result.failed[path] = (
            _("not written while unit(s) {codes} cannot be built (see above); no older copy is kept") if not rows else
            _("not written while register row(s) {rows} are no unit (see above); no older copy is kept")
        ).format(codes=codes, rows="; ".join(rows))


def _blocked_units(award_year: AwardYear) -> dict[str, str]:
    """Units with no readable LKE, or whose LKE has errors beyond its evidence: their scores cannot be trusted."""
    blocked: dict[str, str] = {
        unit.code: _("not built: no readable LKE workbook for {code} in lke/; run 'dossier validate'").format(code=unit.code)
        for unit in award_year.units
        if unit.code not in award_year.lke
    }
    # A register row that is no unit (a bad, repeated or missing code, an unreadable Unit sheet) would
    # otherwise vanish from the year: it is a failure by its place, so the year's documents wait for it.
    for problem in award_year.errors:
        if problem.kind == UNUSABLE_ROW:
            blocked.setdefault(problem.where, _("not a unit: {problem}; the year's documents wait until the row is "
                                                "corrected or cleared").format(problem=problem.message))
    sources = {lke.source: code for code, lke in award_year.lke.items()}
    for problem in award_year.errors:
        code = sources.get(problem.file)
        if code and problem.kind != "evidence":
            blocked.setdefault(code, _("not built: the LKE has errors ({problem}); run 'dossier validate'")
                               .format(problem=problem))
    for code, problem in _row_errors(award_year).items():
        blocked.setdefault(code, _("not built: its row of the register has errors ({problem}); run "
                                   "'dossier validate'").format(problem=problem))
    return blocked


def _row_errors(award_year: AwardYear) -> dict[str, Problem]:
    """The first error in each unit's own row of the register (Predikat Saat Ini 'Sudah WBK', say), by unit:
    every document of the unit would state that value as a fact."""
    found: dict[str, Problem] = {}
    for problem in award_year.errors:
        if problem.file == REGISTER and problem.kind != UNUSABLE_ROW and problem.unit:
            found.setdefault(problem.unit, problem)
    return found


def _inputs_changed(plan: Plan, result: BuildResult) -> None:
    """The inputs changed while the build read and rendered them: no manifest says these files come from them.

    The files written stay (a next build reuses what still matches), but without a manifest
    `archive` refuses the year until a build runs from start to end on inputs that hold still.
    """
    (plan.out_dir / "manifest.json").unlink(missing_ok=True)
    write_cache(plan.out_dir, [o for o in result.reused + result.built if (plan.out_dir / o.path).is_file()], "")
    result.failed["manifest.json"] = _(
        "not written: inputs/{year}/ changed while the build was reading and rendering it, so the documents may "
        "come from the earlier content; run the build again once the files are saved").format(year=plan.year)
    result.seconds = time.monotonic() - plan.started


def _write_manifest(plan: Plan, extra: dict, result: BuildResult, fingerprint: str, units: set[str] | None,
                    depends: Dependencies) -> None:
    """Write manifest.json (what is in the build folder) and the cache (how to reuse it).

    Outputs of units not part of this build (`--unit`) stay listed while their files are intact;
    those of a unit the register (`units`, when read without errors) no longer has are removed,
    so that the folder, the manifest and the archive agree with the register. Those kept that the
    inputs no longer give (a register cell changed, then only one unit or one format built) are said.
    """
    current = {o.path: o for o in result.reused + result.built}
    gone: dict[str, int] = {}
    kept = []
    for rel, entry in plan.previous.items():
        if rel in current or not intact(plan.out_dir, entry):
            continue
        if units is not None and entry.get("unit") and entry["unit"] not in units:
            (plan.out_dir / rel).unlink(missing_ok=True)
            gone[entry["unit"]] = gone.get(entry["unit"], 0) + 1
        else:
            current[rel] = recorded(entry)
            kept.append(entry)
    stale = outdated(kept, plan.previous, depends, {k.kind: k for k in registry.KINDS})
    if stale:
        shown = ", ".join(stale[:SHOWN]) + (f", … (+{len(stale) - SHOWN})" if len(stale) > SHOWN else "")
        result.problems.append(Problem(
            Place(f"build/{plan.year}"),
            msg("{count} document(s) were made before the inputs or the settings changed, and this build did not "
                "make them again: {paths}", count=len(stale), paths=shown), "warning",
            fix=msg("run 'dossier build' (every unit, every format) before sending or archiving them"),
            code="build.outdated"))
    result.problems += [
        Problem(Place(REGISTER, "Unit"), msg("unit {unit} is no longer in the register: its {count} document(s) "
                                              "were removed from build/{year}", unit=code, count=count, year=plan.year),
                "warning", code="build.unit_removed", unit=code)
        for code, count in sorted(gone.items())]
    entries = list(current.values())
    write_manifest(plan.out_dir / "manifest.json", plan.year, [dataclasses.replace(e, key="") for e in entries], extra)
    write_cache(plan.out_dir, entries, fingerprint)
