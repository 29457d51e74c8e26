"""Bounded workers: a task that needs more memory than a worker may use fails alone, with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime

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
        results = list(render_all([task("A", hog), task("B", small)], pool))
    assert "more than the 600 MB of memory a worker may use" in results[0].error
    assert not results[1].error and results[1].files["B-kind"][0] == b"fine"
