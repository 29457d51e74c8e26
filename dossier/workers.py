"""Workers: render tasks in processes (or on a Dask cluster), each within its time limit.

A task is one unit's documents, or one group of year-level documents. render_task runs
in the worker and never raises, so one bad unit cannot stop the year; a worker that dies
or a remote task past its limit becomes that task's failure.

Each worker process may use at most MAX_WORKER_MEMORY of address space, so one hostile
input fails its own task instead of taking the machine down; every local render runs in
a worker, even with one job or one task. Every temporary file of a
command (WeasyPrint's font copies, which it removes only in a `__del__` that never runs in
an ended worker) goes into one private folder that is removed when the command ends,
whether it finished, failed or was interrupted (see private_temp_folder).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dossier.config import Settings
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.errors import DossierError, Problem
from dossier.i18n import _
from dossier.model import AwardYear
from dossier.reproducible import pdf_pages
from dossier.scoring import UnitScore

DEFAULT_TIMEOUT = 300
# Address space one worker process may use (bytes); override with DOSSIER_WORKER_MEMORY_MB.
# A large year's recap or a packet of many scans takes well under 1 GB.
MAX_WORKER_MEMORY = 3 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Task:
    """One unit's documents (or a group of the year-level documents when `unit` is empty) to render."""

    unit: str
    kinds: tuple[DocumentKind, ...]  # in the order they render: a kind after those it needs
    award_year: AwardYear
    scores: tuple[UnitScore, ...]
    settings: Settings
    templates: Path | None
    created: datetime
    timeout: int = DEFAULT_TIMEOUT
    parts_dir: Path | None = None  # where year-level documents keep their rendered parts
    kept: dict[str, bytes] = field(default_factory=dict)  # files of kinds it needs, as built before (not rendered)

    @property
    def label(self) -> str:
        """The unit's code, or the name of the year-level group."""
        return self.unit or _(self.kinds[0].group)


@dataclass
class Rendered:
    """What a worker sends back: the files' bytes and page counts by kind, or the reason it failed."""

    unit: str
    files: dict[str, tuple[bytes, int | None]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


_ENVIRONMENTS: dict = {}


def environment(templates: Path | None):
    """One Jinja environment per process and template folder, reused for every document."""
    from dossier.render.templates import environment as make

    if templates not in _ENVIRONMENTS:
        _ENVIRONMENTS[templates] = make(templates)
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
        rendered.files, rendered.problems = _render(task)
    except _Timeout:
        rendered.error = _("stopped after {seconds} s (the per-document time limit); check its templates and inputs"
                           ).format(seconds=task.timeout)
    except MemoryError:
        rendered.error = _("stopped: it needed more than the {megabytes} MB of memory a worker may use; check its "
                           "evidence files for huge or damaged ones (or raise DOSSIER_WORKER_MEMORY_MB)"
                           ).format(megabytes=worker_memory() // (1024 * 1024))
    except DossierError as exc:
        rendered.error = exc.format_message()
    except Exception as exc:  # a bug or a library failure: report it with the unit, keep going
        rendered.error = _("unexpected {kind}: {detail}").format(kind=type(exc).__name__, detail=exc)
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


def _render(task: Task) -> tuple[dict[str, tuple[bytes, int | None]], list[Problem]]:
    """Render each kind of the task in turn; later kinds see what earlier ones made."""
    job = Job(task.unit, task.award_year, task.scores, task.settings, task.templates, task.created,
              environment(task.templates), task.parts_dir)
    job.made.update({kind: Made(data) for kind, data in task.kept.items()})
    files, problems = {}, []
    for kind in task.kinds:
        made = kind.render(job)
        job.made[kind.kind] = made
        pages = made.pages if made.pages is not None or kind.format != "pdf" else pdf_pages(made.data)
        files[kind.kind] = (made.data, pages)
        problems.extend(made.problems)
    return files, problems


@contextmanager
def remote_executor(address: str | None) -> Iterator[Executor | None]:
    """An executor on an existing Dask cluster for `dask://HOST:PORT`, or None for local processes."""
    if not address:
        yield None
        return
    if not address.startswith("dask://"):
        raise DossierError(_("--executor {address}: expected dask://HOST:PORT, e.g. dask://127.0.0.1:8786.")
                           .format(address=address))
    try:
        from distributed import Client
    except ImportError:
        raise DossierError(_("--executor dask://... needs the Dask extra: pip install 'dossier[dask]'.")) from None
    try:
        client = Client("tcp://" + address.removeprefix("dask://"), timeout="10s")
    except OSError as exc:
        raise DossierError(_("--executor {address}: cannot reach the Dask scheduler ({reason}).")
                           .format(address=address, reason=exc)) from None
    try:
        yield client.get_executor()
    finally:
        client.close()


def worker_memory() -> int:
    """The address space a worker process may use, in bytes."""
    text = os.environ.get("DOSSIER_WORKER_MEMORY_MB", "").strip()
    return int(text) * 1024 * 1024 if text.isascii() and text.isdigit() and int(text) > 0 else MAX_WORKER_MEMORY


def _start_worker() -> None:
    """Set up one worker process: its memory limit, and how it stops.

    Ctrl-C reaches the whole process group; the command decides (local_pool ends its workers),
    so a worker ignores SIGINT. SIGTERM ends a worker at once, with the LibreOffice it started.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    try:
        import resource

        limit = worker_memory()
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, ValueError, OSError):  # not on this system: the worker runs without the limit
        pass


def _stop_worker(signum, _frame):
    from dossier.readers.office import stop_conversions

    stop_conversions()
    os._exit(128 + signum)  # now: the pool's worker loop would otherwise carry on with the next task


@contextmanager
def private_temp_folder() -> Iterator[Path | None]:
    """Send every temporary file of this process and its workers into one folder, removed at the end.

    TMPDIR is set for programs we start (LibreOffice) and for spawned workers; tempfile's own
    setting for this process and the workers it forks. SIGTERM ends the command as Ctrl-C
    does, through this cleanup.
    """
    try:
        folder = tempfile.mkdtemp(prefix="dossier-")
    except OSError:  # no temp folder we can write: the commands that need one say so themselves
        yield None
        return
    saved = os.environ.get("TMPDIR"), tempfile.tempdir
    previous_term = None
    if threading.current_thread() is threading.main_thread():
        previous_term = signal.signal(signal.SIGTERM, _terminated)
    os.environ["TMPDIR"] = tempfile.tempdir = folder
    try:
        yield Path(folder)
    finally:
        if saved[0] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[0]
        tempfile.tempdir = saved[1]
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        shutil.rmtree(folder, ignore_errors=True)


def _terminated(signum, _frame):
    raise SystemExit(128 + signum)


@contextmanager
def local_pool(jobs: int) -> Iterator[Executor | None]:
    """Worker processes for reading and rendering, each under the memory limit.

    Even one job gets a worker process: rendering in this process would run without the
    limit (a one-unit rebuild, `-j 1`, a one-core server), and a hostile evidence file could
    take the machine's memory instead of failing its own unit.
    """
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_start_worker)
    try:
        yield pool
    except BaseException:  # Ctrl-C, SIGTERM, an error: stop the workers now, not after their current task
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker process of the pool within a second (SIGTERM, then SIGKILL)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + 1
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            with suppress(OSError, ValueError):
                process.kill()


def render_all(tasks: list[Task], pool: Executor | None) -> Iterator[tuple[Task, Rendered]]:
    """Render tasks, each yielded with its result as soon as it is done (in order without a pool).

    At most two tasks per worker are in flight, so memory does not grow with the number of
    units: each result is written and dropped before more are sent. The next task is sent when
    any task ends, not only the oldest: a long first task (the recap of a large year) does not
    hold back the tasks after it while a worker is free.
    """
    if pool is None:  # a caller that asked for no pool (the memory limit is then the caller's own)
        for task in tasks:
            yield task, render_task(task)
        return
    remote = not isinstance(pool, ProcessPoolExecutor)
    window = 2 * max(1, getattr(pool, "_max_workers", 2))
    pending: dict[Future, tuple[Task, float]] = {}  # each task sent, with when a remote one is past its limit
    queue = iter(tasks)

    def send() -> None:
        task = next(queue, None)
        if task is not None:
            pending[pool.submit(render_task, task)] = (task, time.monotonic() + task.timeout + 30)

    for _slot in range(window):
        send()
    while pending:
        limit = min(deadline for _task, deadline in pending.values()) if remote else None
        done, _running = wait(pending, timeout=None if limit is None else max(0.0, limit - time.monotonic()),
                              return_when=FIRST_COMPLETED)
        if not done:  # none in time: the remote task sent first is past its limit
            done = {min(pending, key=lambda f: pending[f][1])}
        for future in sorted(done, key=lambda f: pending[f][1]):  # those ended together, in the order sent
            task, deadline = pending.pop(future)
            yield task, _collect(future, task, max(0.0, deadline - time.monotonic()) if remote else None)
            send()


def _collect(future: Future, task: Task, timeout: float | None) -> Rendered:
    """Wait for one task's result (a remote one `timeout` seconds at most); a worker that died or a
    remote task past its limit is a failure, not a crash."""
    try:
        return future.result(timeout=timeout)
    except TimeoutError:
        future.cancel()
        return Rendered(task.unit, error=_("stopped after {seconds} s (the per-document time limit)")
                        .format(seconds=task.timeout))
    except Exception as exc:  # e.g. BrokenProcessPool when the system killed a worker for memory
        stop = interruption(exc)
        if stop is not None:
            raise stop from None
        return Rendered(task.unit, error=_("the worker rendering it stopped ({kind}: {detail})")
                        .format(kind=type(exc).__name__, detail=exc))


def interruption(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that `exc` was raised while unwinding, if any.

    A signal's handler raises in the middle of whatever the main thread runs. Landing inside the
    wait for a result, between a lock's release and its `try`, the interruption unwinds past the
    re-acquire and the lock's release then raises RuntimeError ("cannot release un-acquired lock")
    in its place. Caught as a failed unit, the build would carry on as if no key was pressed; left to
    the top, it would be a traceback. Both places (`_collect`, the command's `main`) ask this instead.
    """
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if not isinstance(cause, Exception):  # KeyboardInterrupt, SystemExit, the command's Interrupted
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None
