"""The pipeline: load -> score -> plan -> render -> write -> manifest.

Everything is read and checked first; then each unit's documents are rendered
(in worker processes when --jobs > 1), written atomically, and listed in
build/<year>/manifest.json. An output whose inputs did not change since the last
build is kept as it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, partial
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dossier import __version__
from dossier.config import Settings
from dossier.errors import DossierError, Problem
from dossier.model import AwardYear
from dossier.readers.cache import FILENAME as LKE_CACHE
from dossier.readers.cache import LkeCache
from dossier.output import (
    Output,
    build_timestamp,
    read_manifest,
    sha256,
    write_atomic,
    write_if_changed,
    write_manifest,
)
from dossier.scoring import UnitScore, score_unit
from dossier.workspace import Workspace

UNIT_KINDS = {"pdf": ("dossier-pdf", "packet-pdf"), "docx": ("dossier-docx",)}
YEAR_KINDS = {"pdf": ("recap-pdf", "release-pdf"), "docx": ("release-docx",), "xlsx": ("recap-xlsx",)}
# The year-level documents, as separate tasks so they render side by side (the recap PDF of
# a large year takes longer than a unit's documents).
YEAR_TASKS = {"recap PDF": ("recap-pdf",), "recap workbook": ("recap-xlsx",), "press release": ("release-pdf", "release-docx")}
PATHS = {
    "dossier-pdf": "dossier/{unit}.pdf",
    "dossier-docx": "dossier/{unit}.docx",
    "packet-pdf": "paket/{unit}.pdf",
    "recap-xlsx": "rekapitulasi.xlsx",
    "recap-pdf": "rekapitulasi.pdf",
    "release-docx": "rilis.docx",
    "release-pdf": "rilis.pdf",
}
CACHE = ".dossier-cache.json"
RECAP_PARTS = ".recap-parts"  # the recap PDF's rendered parts, kept by content (see documents/recap.py)
DEFAULT_TIMEOUT = 300


@dataclass(frozen=True)
class Task:
    """One unit's documents (or the year-level documents when `unit` is empty) to render."""

    unit: str
    kinds: tuple[str, ...]
    award_year: AwardYear
    scores: tuple[UnitScore, ...]
    settings: Settings
    templates: Path | None
    created: datetime
    timeout: int = DEFAULT_TIMEOUT
    parts_dir: Path | None = None  # where the recap keeps its rendered parts

    @property
    def label(self) -> str:
        """The unit's code, or the name of the year-level documents."""
        return self.unit or next(name for name, kinds in YEAR_TASKS.items() if set(self.kinds) <= set(kinds))


@dataclass
class Rendered:
    """What a worker sends back: the files' bytes, or the reason it failed."""

    unit: str
    files: dict[str, tuple[bytes, int | None]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


class Progress:
    """Told when rendering starts and as each task ends; the CLI shows a bar or plain lines."""

    def start(self, tasks: int, reused: int) -> None:
        pass

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
) -> BuildResult:
    """Build the documents of one award year into build/<year>/."""
    started = time.monotonic()
    out_dir = ws.build_dir(year)
    for leftover in out_dir.rglob(".*.part"):  # temporary files of a build that was killed
        leftover.unlink(missing_ok=True)
    cache = _read_cache(out_dir)
    previous = cache["files"]
    edition = ws.edition(year)
    fingerprint = _fingerprint(ws, year, edition, [units, formats, year_documents, unit_documents])
    if not force and fingerprint == cache["fingerprint"] and all(_intact(out_dir, e) for e in previous.values()):
        # Nothing the last (successful) build read has changed: skip reading the workbooks too.
        result = BuildResult(year, reused=[_output(e) for e in previous.values()])
        if progress:
            progress.start(0, len(result.reused))
        result.seconds = time.monotonic() - started
        return result
    jobs = jobs or os.cpu_count() or 1
    remembered = None if force else LkeCache(out_dir / LKE_CACHE, edition.name, ws.inputs(year) / "bukti")
    if force:  # everything rendered afresh, the recap's parts too
        shutil.rmtree(out_dir / RECAP_PARTS, ignore_errors=True)
    with _local_pool(jobs) as pool:
        award_year = ws.load(year, mapper=partial(pool.map, chunksize=8) if pool else map, cache=remembered)
        return _build_loaded(remembered, ws, award_year, edition, out_dir, previous, fingerprint, started, pool=executor or pool,
                             units=units, formats=formats, year_documents=year_documents,
                             unit_documents=unit_documents, force=force, timeout=timeout, progress=progress)


def _build_loaded(remembered, ws, award_year, edition, out_dir, previous, fingerprint, started, *, pool, units, formats,
                  year_documents, unit_documents, force, timeout, progress) -> BuildResult:
    """Score, plan, render and write, once the award year has been read."""
    year = award_year.year
    result = BuildResult(year, problems=list(award_year.problems))
    unknown = [c for c in units or [] if c not in {u.code for u in award_year.units}]
    if unknown:
        known = ", ".join(u.code for u in award_year.units)
        raise DossierError(
            f"inputs/{year}/nominasi.xlsx: no unit with code {', '.join(unknown)} in sheet Unit (codes: {known})."
        )
    if remembered:
        remembered.save()
    blocked = _blocked_units(award_year)
    scores = [score_unit(u, award_year.lke.get(u.code), edition) for u in award_year.units]
    created = build_timestamp(year)
    depends = _Dependencies(ws, year, award_year, edition, scores)

    year_tasks: list[tuple[Task, dict[str, str]]] = []
    if year_documents and not blocked:
        wanted = {k for f in formats for k in YEAR_KINDS.get(f, ())}
        for group in YEAR_TASKS.values():
            kinds = tuple(k for k in group if k in wanted)
            if kinds:
                keys = {k: depends.year_key(k) for k in kinds}
                year_tasks.append((_task("", kinds, award_year, tuple(scores), ws, created, timeout), keys))
    unit_tasks: list[tuple[Task, dict[str, str]]] = []
    for score in scores:
        code = score.unit.code
        if not unit_documents or (units and code not in units):
            continue
        if code in blocked:
            result.failed[code] = blocked[code]
            continue
        kinds = tuple(k for f in formats for k in UNIT_KINDS.get(f, ()))
        keys = {k: depends.unit_key(k, score) for k in kinds}
        unit_tasks.append((_task(code, kinds, award_year, (score,), ws, created, timeout), keys))
    # Longest first, so no worker is left with one long task at the end: the recap PDF of a
    # large year takes longer than any unit; the short year-level documents fill in last.
    longest = [t for t in year_tasks if "recap-pdf" in t[0].kinds]
    short = [t for t in year_tasks if "recap-pdf" not in t[0].kinds]
    tasks = longest + unit_tasks + short

    todo = []
    for task, keys in tasks:
        fresh = {k for k in task.kinds if not force and _reusable(out_dir, PATHS[k].format(unit=task.unit), keys[k], previous)}
        for kind in sorted(fresh):
            entry = previous[PATHS[kind].format(unit=task.unit)]
            result.reused.append(_output(entry))
        missing = tuple(k for k in task.kinds if k not in fresh)
        if missing:
            # The packet embeds the dossier PDF: rebuild them together.
            if "packet-pdf" in missing and "dossier-pdf" not in missing:
                missing += ("dossier-pdf",)
            todo.append((dataclasses.replace(task, kinds=missing), keys))

    if progress:
        progress.start(len(todo), len(result.reused))
    for (task, keys), rendered in zip(todo, _render_all([t for t, _ in todo], pool)):
        result.problems.extend(rendered.problems)
        label = task.label
        if rendered.error:
            result.failed[label] = rendered.error
        else:
            for kind, (data, pages) in rendered.files.items():
                rel = PATHS[kind].format(unit=task.unit)
                write_atomic(out_dir / rel, data)
                result.built.append(Output(rel, kind, task.unit, len(data), sha256(data), keys.get(kind, ""), pages))
        if progress:
            progress.done(label, rendered)

    from dossier.archive import source_hash  # the archive checks the build was made from today's inputs

    clean = result.ok and not award_year.errors
    extra = {"edition": edition.name, "tool": __version__, "source_hash": source_hash(award_year.inputs)}
    _write_manifest(out_dir, year, extra, result, previous, fingerprint if clean else "")
    result.seconds = time.monotonic() - started
    return result


def _task(code, kinds, award_year, scores, ws: Workspace, created, timeout) -> Task:
    """A task carrying only what its documents need (one unit's LKE, not the whole year's)."""
    slim = dataclasses.replace(
        award_year, lke={c: l for c, l in award_year.lke.items() if c == code} if code else {}, problems=[]
    )
    parts = None if code else ws.build_dir(award_year.year) / RECAP_PARTS
    return Task(code, kinds, slim, scores, ws.settings, ws.templates, created, timeout, parts)


def _blocked_units(award_year: AwardYear) -> dict[str, str]:
    """Units with no readable LKE, or whose LKE has errors beyond its evidence: their scores cannot be trusted."""
    blocked: dict[str, str] = {
        unit.code: f"not built: no readable LKE workbook for {unit.code} in lke/; run 'dossier validate'"
        for unit in award_year.units
        if unit.code not in award_year.lke
    }
    sources = {lke.source: code for code, lke in award_year.lke.items()}
    for problem in award_year.errors:
        code = sources.get(problem.where.split(",")[0])
        if code and problem.kind != "evidence":
            blocked.setdefault(code, f"not built: the LKE has errors ({problem}); run 'dossier validate'")
    return blocked


# --- rendering (runs in worker processes) ------------------------------------------------

_ENVIRONMENTS: dict = {}


def _environment(templates: Path | None):
    """One Jinja environment per process and template folder, reused for every document."""
    from dossier.render.templates import environment

    if templates not in _ENVIRONMENTS:
        _ENVIRONMENTS[templates] = environment(templates)
    return _ENVIRONMENTS[templates]


def render_task(task: Task) -> Rendered:
    """Render one task's documents; never raises, so one bad unit cannot stop the year."""
    started = time.monotonic()
    rendered = Rendered(task.unit)
    # The alarm needs the main thread of a process: true in our worker processes and
    # in-process builds, not in a Dask worker's thread (there _collect waits with a limit).
    use_alarm = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _timeout) if use_alarm else None
    if previous is not None:
        signal.alarm(task.timeout)
    try:
        rendered.files, rendered.problems = (_render_unit if task.unit else _render_year)(task)
    except _Timeout:
        rendered.error = f"stopped after {task.timeout} s (the per-document time limit); check its templates and inputs"
    except DossierError as exc:
        rendered.error = exc.format_message()
    except Exception as exc:  # a bug or a library failure: report it with the unit, keep going
        rendered.error = f"unexpected {type(exc).__name__}: {exc}"
    finally:
        if previous is not None:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    rendered.seconds = time.monotonic() - started
    return rendered


class _Timeout(Exception):
    pass


def _timeout(_signum, _frame):
    raise _Timeout()


def _render_unit(task: Task):
    from dossier.documents import dossier, packet
    from dossier.render.docx import reference_path

    env = _environment(task.templates)
    score = task.scores[0]
    ctx = dossier.context(task.award_year, score, task.settings)
    markup = dossier.html(env, ctx)
    roots = _allowed_roots(task)
    files, problems = {}, []
    if "dossier-pdf" in task.kinds:
        pdf = dossier.pdf(env, ctx, allowed_roots=roots, created=task.created, markup=markup,
                          source=dossier.source_data(score))
        files["dossier-pdf"] = (pdf, _pages(pdf))
        if "packet-pdf" in task.kinds:
            made = packet.make_packet(pdf, score, task.award_year, env, allowed_roots=roots, created=task.created)
            files["packet-pdf"] = (made.data, made.pages)
            problems.extend(made.problems)
    if "dossier-docx" in task.kinds:
        reference = reference_path(task.templates)
        made = files.get("dossier-pdf", (None, None))[0]  # its page numbers and first page serve the DOCX
        files["dossier-docx"] = (dossier.docx(env, ctx, created=task.created, markup=markup, reference=reference, pdf=made), None)
    return files, problems


def _render_year(task: Task):
    from dossier.documents import recap, release
    from dossier.render.docx import reference_path

    env = _environment(task.templates)
    scores = list(task.scores)
    roots = _allowed_roots(task)
    files = {}
    if "recap-xlsx" in task.kinds:
        files["recap-xlsx"] = (recap.xlsx(task.award_year, scores, created=task.created), None)
    if "recap-pdf" in task.kinds:
        ctx = recap.context(task.award_year, scores, task.settings)
        data = recap.pdf(env, ctx, allowed_roots=roots, created=task.created, parts_dir=task.parts_dir)
        files["recap-pdf"] = (data, _pages(data))
    if {"release-pdf", "release-docx"} & set(task.kinds):
        ctx = release.context(task.award_year, scores, task.settings)
        if "release-pdf" in task.kinds:
            data = release.pdf(env, ctx, allowed_roots=roots, created=task.created)
            files["release-pdf"] = (data, _pages(data))
        if "release-docx" in task.kinds:
            reference = reference_path(task.templates)
            files["release-docx"] = (release.docx(env, ctx, created=task.created, reference=reference), None)
    return files, []


def _allowed_roots(task: Task) -> list[Path]:
    from dossier.render.templates import static_dirs

    return [*static_dirs(task.templates), task.award_year.bukti]


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


@contextmanager
def remote_executor(address: str | None) -> Iterator[Executor | None]:
    """An executor on an existing Dask cluster for `dask://HOST:PORT`, or None for local processes."""
    if not address:
        yield None
        return
    if not address.startswith("dask://"):
        raise DossierError(f"--executor {address}: expected dask://HOST:PORT, e.g. dask://127.0.0.1:8786.")
    try:
        from distributed import Client
    except ImportError:
        raise DossierError("--executor dask://... needs the Dask extra: pip install 'dossier[dask]'.") from None
    try:
        client = Client("tcp://" + address.removeprefix("dask://"), timeout="10s")
    except OSError as exc:
        raise DossierError(f"--executor {address}: cannot reach the Dask scheduler ({exc}).") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


@contextmanager
def _local_pool(jobs: int) -> Iterator[Executor | None]:
    """Worker processes for reading and rendering, or None to do it all in this process."""
    if jobs <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _render_all(tasks: list[Task], pool: Executor | None) -> Iterator[Rendered]:
    """Render tasks in order, in the pool when there is one and more than one task.

    At most two tasks per worker are in flight, so memory does not grow with the
    number of units: each result is written and dropped before more are sent.
    """
    if pool is None or len(tasks) <= 1:
        yield from map(render_task, tasks)
        return
    remote = not isinstance(pool, ProcessPoolExecutor)
    window = 2 * max(2, getattr(pool, "_max_workers", 2))
    pending: list[tuple[Future, Task]] = []
    queue = iter(tasks)
    for task in queue:
        pending.append((pool.submit(render_task, task), task))
        if len(pending) >= window:
            break
    while pending:
        future, task = pending.pop(0)
        yield _collect(future, task, remote)
        task = next(queue, None)
        if task is not None:
            pending.append((pool.submit(render_task, task), task))


def _collect(future: Future, task: Task, remote: bool) -> Rendered:
    """Wait for one task's result; a worker that died or a remote task past its limit is a failure, not a crash."""
    try:
        return future.result(timeout=task.timeout + 30 if remote else None)
    except TimeoutError:
        future.cancel()
        return Rendered(task.unit, error=f"stopped after {task.timeout} s (the per-document time limit)")
    except Exception as exc:  # e.g. BrokenProcessPool when the system killed a worker for memory
        return Rendered(task.unit, error=f"the worker rendering it stopped ({type(exc).__name__}: {exc})")


# --- incremental builds ---------------------------------------------------------------------


class _Dependencies:
    """Keys that change exactly when something an output depends on changes."""

    def __init__(self, ws: Workspace, year: int, award_year: AwardYear, edition, scores: list[UnitScore]) -> None:
        self.award_year = award_year
        self.scores = scores
        common = {
            "tool": __version__,
            "edition": _files_digest((p.name, p) for p in sorted(edition.source.parent.glob(edition.source.stem + ".*"))),
            # Paths are left out of every key, so a moved or copied workspace keeps its outputs.
            "settings": repr(dataclasses.replace(ws.settings, logo=None, source=None)),
            "logo": _files_digest([("logo", ws.settings.logo)] if ws.settings.logo else []),
            "award": repr(award_year.award),
        }
        self.common = _digest(common)
        self.templates = _TemplateDigests(ws.templates)

    def unit_key(self, kind: str, score: UnitScore) -> str:
        code = score.unit.code
        lke = self.award_year.lke.get(code)
        answers = lke.answers.values() if lke else ()
        evidence = {e.entry: e.path for a in answers for e in a.evidence if e.path and e.present}
        return _digest(
            {
                "common": self.common,
                "kind": kind,
                "unit": repr(score.unit),
                "answers": [
                    (a.code, a.choice, sorted((a.counts or {}).items()), a.index, a.note,
                     [(e.entry, e.url, e.present, e.problem) for e in a.evidence])
                    for a in sorted(answers, key=lambda a: a.code)
                ],
                "evidence": _files_digest(sorted(evidence.items())) if kind == "packet-pdf" else "",
                "templates": self.templates.for_kind(kind),
            }
        )

    @cached_property
    def scores_json(self) -> str:
        """Every unit's scores, serialised once for all the year-level documents."""
        return json.dumps([s.to_json() for s in self.scores], sort_keys=True)

    def year_key(self, kind: str) -> str:
        return _digest(
            {
                "common": self.common,
                "kind": kind,
                "scores": self.scores_json,
                "quotes": repr(self.award_year.quotes),
                "templates": self.templates.for_kind(kind),
            }
        )


class _TemplateDigests:
    """The digest of the templates (and every static file) each kind of document uses."""

    ROOTS = {
        "dossier-pdf": ["dossier.html"],
        "dossier-docx": ["dossier.html", "docx/reference.docx"],
        "packet-pdf": ["dossier.html", "packet-divider.html", "packet-image.html"],
        "recap-pdf": ["recap.html"],
        "recap-xlsx": [],
        "release-pdf": ["release.html"],
        "release-docx": ["release.html", "docx/reference.docx"],
    }

    def __init__(self, workspace_templates: Path | None) -> None:
        from dossier.render.templates import default_templates_dir

        self.dirs = [d for d in (workspace_templates, default_templates_dir()) if d]
        self.static = _files_digest(
            sorted((str(p.relative_to(d)), p) for d in self.dirs for p in (d / "static").rglob("*") if p.is_file())
        )
        self.cache: dict[str, str] = {}

    def for_kind(self, kind: str) -> str:
        if kind not in self.cache:
            names = self._closure(self.ROOTS.get(kind, []))
            files = [self._find(n) for n in sorted(names)]
            found = [(name, path) for name, path in zip(sorted(names), files) if path]
            self.cache[kind] = _digest({"static": self.static, "files": _files_digest(found)})
        return self.cache[kind]

    def _find(self, name: str) -> Path | None:
        return next((d / name for d in self.dirs if (d / name).is_file()), None)

    def _closure(self, names: list[str]) -> set[str]:
        """The templates named and every template they extend, include or import."""
        import re

        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            path = self._find(name)
            if path and path.suffix == ".html":
                text = path.read_text(encoding="utf-8", errors="replace")
                todo.extend(re.findall(r"{%-?\s*(?:extends|include|import|from)\s+['\"]([^'\"]+)['\"]", text))
        return seen


def _digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _files_digest(files) -> str:
    """A digest of (name, path) pairs: the names as given and the files' contents."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0")
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def _read_cache(out_dir: Path) -> dict:
    """The last build's fingerprint and its entries by path (with key, size and mtime); empty if unreadable."""
    data = read_manifest(out_dir / CACHE)
    fields = {"path": str, "kind": str, "bytes": int, "sha256": str, "key": str, "mtime_ns": int}
    files = {
        e["path"]: e
        for e in (data["files"] if data else [])
        if isinstance(e, dict) and all(isinstance(e.get(k), t) for k, t in fields.items())
    }
    fingerprint = data.get("fingerprint") if data else None
    return {"files": files, "fingerprint": fingerprint if isinstance(fingerprint, str) and fingerprint else None}


def _intact(out_dir: Path, entry: dict) -> bool:
    """The file is exactly the one the last build wrote (same size and modification time)."""
    try:
        stat = (out_dir / entry["path"]).stat()
    except OSError:
        return False
    return stat.st_size == entry.get("bytes") and stat.st_mtime_ns == entry.get("mtime_ns")


def _reusable(out_dir: Path, rel: str, key: str, previous: dict[str, dict]) -> bool:
    """Keep a file only when its key matches and it is exactly the file the last build wrote."""
    entry = previous.get(rel)
    return bool(entry) and entry.get("key") == key and _intact(out_dir, entry)


def _fingerprint(ws: Workspace, year: int, edition, options: list) -> str:
    """A digest of the size and time of every file a build reads, and of its options.

    Equal to the last successful build's: nothing changed, and the build can skip even
    reading the workbooks. Any doubt (a touched file) falls back to the full check by keys.
    """
    from dossier.render.templates import default_templates_dir

    folders = [ws.inputs(year), ws.root / "rules", ws.root / "templates", default_templates_dir(), edition.source.parent]
    stats = []
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                stat = path.stat()
                stats.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    settings = ws.root / "dossier.toml"
    stats.append(("dossier.toml", settings.stat().st_mtime_ns if settings.exists() else 0))
    return _digest({"tool": __version__, "options": repr(options), "files": stats, "folders": [str(f) for f in folders]})


def _output(entry: dict) -> Output:
    """An output recorded by the last build, as this build reports it."""
    fields = {k: v for k, v in entry.items() if k in Output.__dataclass_fields__}
    return Output(**{**fields, "unit": fields.get("unit") or ""})


def _write_manifest(
    out_dir: Path, year: int, extra: dict, result: BuildResult, previous: dict[str, dict], fingerprint: str
) -> None:
    """Write manifest.json (what is in the build folder) and the cache (how to reuse it)."""
    current = {o.path: o for o in result.reused + result.built}
    # Outputs of units not part of this build stay listed while their files are intact.
    for rel, entry in previous.items():
        if rel not in current and _intact(out_dir, entry):
            current[rel] = _output(entry)
    entries = list(current.values())
    manifest = [dataclasses.replace(e, key="") for e in entries]
    write_manifest(out_dir / "manifest.json", year, manifest, extra)
    cache = []
    for e in entries:
        stat = (out_dir / e.path).stat()
        cache.append({**e.to_json(), "mtime_ns": stat.st_mtime_ns})
    data = {"fingerprint": fingerprint, "files": cache}
    write_if_changed(out_dir / CACHE, (json.dumps(data, indent=1) + "\n").encode())
