"""Bounded workers: a task that needs more memory than a worker may use fails alone, with a clear message;
a worker that stops fails its unit alone, but Ctrl-C or SIGTERM always stops the build."""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

import pytest

from dossier.cli import Interrupted
from dossier.config import Settings
from dossier.documents.kinds import DocumentKind, Made
from dossier.workers import Task, local_pool, render_all


def hog(job) -> Made:
    """A render that wants far more memory than the test's worker limit."""
    data = bytearray(800 * 1024 * 1024)
    return Made(bytes(data[:10]), 1, [])


def small(job) -> Made:
    return Made(b"fine", 1, [])


def task(unit: str, render) -> Task:
    kind = DocumentKind(f"{unit}-kind", f"{unit}.bin", "docx", (), per_unit=True, render=render)
    return Task(unit, (kind,), None, (), Settings(), None, datetime(2024, 1, 1, tzinfo=UTC), timeout=60)


def test_a_task_past_the_worker_memory_limit_fails_alone(monkeypatch):
    monkeypatch.setenv("DOSSIER_WORKER_MEMORY_MB", "600")
    with local_pool(2) as pool:
        results = {t.unit: rendered for t, rendered in render_all([task("A", hog), task("B", small)], pool)}
    assert "more than the 600 MB of memory a worker may use" in results["A"].error
    assert not results["B"].error and results["B"].files["B-kind"][0] == b"fine"


def slow(job) -> Made:
    import time

    time.sleep(2)
    return Made(b"%.6f" % time.monotonic(), 1, [])


def quick(job) -> Made:
    import time

    return Made(b"%.6f" % time.monotonic(), 1, [])


@pytest.mark.slow  # its first task sleeps 2 s
def test_a_long_first_task_does_not_hold_back_the_tasks_after_it():
    """Two workers, four tasks in flight: the fifth is sent as soon as a quick one ends, not when the
    long first one does (a large year's recap used to hold back the cover letter so)."""
    tasks = [task("long", slow)] + [task(f"q{i}", quick) for i in range(4)]
    with local_pool(2) as pool:
        results = [(t.unit, float(rendered.files[f"{t.unit}-kind"][0])) for t, rendered in render_all(tasks, pool)]
    ended = dict(results)
    assert ended["q3"] < ended["long"]  # the fifth task ran while the first still did
    assert [unit for unit, _ended in results][-1] == "long"  # and each is yielded as it ends


class WaitRaising(Future):
    """A result that raises `exc` while it is waited for (done at once, so that waiting for the first done ends)."""

    def __init__(self, exc: BaseException, amid_lock: bool):
        super().__init__()
        self.exc, self.amid_lock = exc, amid_lock
        self.set_result(None)

    def result(self, timeout=None):
        if not self.amid_lock:
            raise self.exc
        # What Condition.wait does when a signal's handler runs after it released its lock and before its
        # `try`: the interruption skips the re-acquire, and the release on the way out raises in its place.
        lock = threading.RLock()
        with lock:
            lock.release()
            raise self.exc


class Waiting(Executor):
    def __init__(self, exc: BaseException, amid_lock: bool = True):
        self.exc, self.amid_lock = exc, amid_lock

    def submit(self, fn, /, *args, **kwargs):
        return WaitRaising(self.exc, self.amid_lock)


@pytest.mark.parametrize("interruption", [KeyboardInterrupt(), Interrupted(), SystemExit(143)],
                         ids=["KeyboardInterrupt", "Ctrl-C in the command", "SIGTERM"])
@pytest.mark.parametrize("amid_lock", [True, False], ids=["amid the lock", "plain"])
def test_an_interruption_while_a_result_is_awaited_stops_the_build(interruption, amid_lock):
    with pytest.raises(type(interruption)) as raised:
        list(render_all([task("A", small), task("B", small)], Waiting(interruption, amid_lock)))
    assert raised.value is interruption  # never "A: the worker rendering it stopped (RuntimeError ...)"


@pytest.mark.parametrize("failure", [BrokenProcessPool("a worker was killed"), RuntimeError("no interruption")])
def test_a_worker_that_stops_fails_its_unit_and_the_build_goes_on(failure):
    results = [rendered for _task, rendered in render_all([task("A", small), task("B", small)],
                                                          Waiting(failure, amid_lock=False))]
    assert sorted(r.unit for r in results) == ["A", "B"]
    assert all(f"the worker rendering it stopped ({type(failure).__name__}" in r.error for r in results)


def raised_amid_a_lock(interruption: BaseException) -> RuntimeError:
    """The RuntimeError a lock's release raises when `interruption` unwound past its re-acquire."""
    try:
        WaitRaising(interruption, amid_lock=True).result()
    except RuntimeError as exc:
        return exc
    raise AssertionError("the lock's release raised nothing")


def main_running(command, monkeypatch, tmp_path) -> None:
    """The console script's main, with `command` in place of the commands."""
    import signal

    import dossier.cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(dossier.cli, "cli", command)
    previous = signal.getsignal(signal.SIGINT)
    try:
        dossier.cli.main()
    finally:
        signal.signal(signal.SIGINT, previous)  # main sets its own, for the command's process


@pytest.mark.parametrize(("interruption", "code"), [(Interrupted(), 130), (SystemExit(143), 143)],
                         ids=["Ctrl-C", "SIGTERM"])
def test_a_command_interrupted_amid_a_lock_stops_as_interrupted_not_with_a_traceback(
        interruption, code, monkeypatch, tmp_path, capsys):
    def command(**_options):
        raise raised_amid_a_lock(interruption)

    with pytest.raises(SystemExit) as exited:
        main_running(command, monkeypatch, tmp_path)
    assert exited.value.code == code
    if code == 130:
        assert "running the same command again is safe" in capsys.readouterr().err


def test_a_command_failing_with_no_interruption_behind_it_still_fails_as_it_did(monkeypatch, tmp_path):
    def command(**_options):
        raise RuntimeError("a bug, not a key pressed")

    with pytest.raises(RuntimeError, match="a bug"):
        main_running(command, monkeypatch, tmp_path)
