"""Shared fixtures: the bundled sample award year (copied, or built once by a wheel install), stand-in kinds, tool checks."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_YEAR = 2024

# The tests written before the command line spoke Indonesian read its English; tests/test_i18n.py
# checks both languages (and sets DOSSIER_LANG itself).
os.environ.setdefault("DOSSIER_LANG", "en")


def needs(tool: str):
    """Skip a test when a command-line tool it uses is not installed."""
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed (scripts/setup installs it)")


@pytest.fixture
def speak():
    """Switch the language of this process for one test (`speak("id")`), and back to the suite's afterwards."""
    from dossier import i18n

    before = os.environ.get("DOSSIER_LANG")
    yield i18n.set_language
    if before is None:
        os.environ.pop("DOSSIER_LANG", None)
    i18n.set_language(before or "en")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh workspace holding a copy of the bundled sample award year."""
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    return tmp_path


def _once_per_run(tmp_path_factory, name: str, make) -> Path:
    """The folder `name`, made by `make(folder)` once for the whole run and shared by every xdist worker.

    Under pytest-xdist each worker is its own session: the first worker to get here makes the
    folder in the run's shared temporary folder while holding a lock; the others wait, then use it.
    """
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder above the workers' own, one per run
    folder, done = shared / name, shared / f"{name}.done"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that died while making it
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory) -> Path:
    """The bin folder of a venv outside the checkout with dossier installed from a wheel of the sources (tests/installed.py)."""
    from tests.installed import install_wheel

    return _once_per_run(tmp_path_factory, "installed", install_wheel) / "venv" / "bin"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory, installed_wheel) -> Path:
    """The sample year built once for the whole run, shared by every test that only reads it.

    Built as a user of an installed dossier builds it: `dossier build` of the wheel install,
    outside the checkout, in a workspace holding the sample inputs and the repository's
    dossier.toml. A test that writes into the workspace works on a copy (`copy_of_built_sample`).
    """
    from tests.installed import run

    def make(root: Path) -> None:
        shutil.copytree(REPO / "inputs", root / "inputs")
        shutil.copy(REPO / "dossier.toml", root / "dossier.toml")  # the repository's, as `dossier build` there
        run([installed_wheel / "dossier", "-C", root, "build", "--jobs", "2"], cwd=root)

    return _once_per_run(tmp_path_factory, "built-sample", make)


@pytest.fixture
def copy_of_built_sample(built_sample: Path, tmp_path: Path) -> Path:
    """A copy of the built sample year for a test that writes into it (archives it, damages it)."""
    root = tmp_path / "ws"
    shutil.copytree(built_sample, root, symlinks=True)
    return root


def restore(root: Path, pristine: Path) -> Path:
    """`root` made again from its pristine copy, at the same path: a test may change it, the next gets it as built.

    At the same path: the fingerprint that lets a build with nothing changed return at once, without reading
    the workbooks, holds the workspace's folders.
    """
    shutil.rmtree(root, ignore_errors=True)  # a test may have moved it away
    shutil.copytree(pristine, root, symlinks=True)
    return root


def dossier_process(root: Path, *args: str, env: dict | None = None, **options) -> subprocess.Popen:
    """`dossier -C root args` started as from a terminal of its own: its own session, so that a test can
    signal it and its workers as a group, and Ctrl-C not ignored even when the tests run in the
    background (a shell's background job ignores SIGINT, and passes that on to what it starts)."""
    command = REPO / ".venv" / "bin" / "dossier"
    return subprocess.Popen(
        [str(command) if command.exists() else "dossier", "-C", str(root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "DOSSIER_LANG": "en", **(env or {})},
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **options)


@dataclass(frozen=True)
class StandIn:
    """A cheap render function in place of a kind's real one, for tests of the build's logic, not of WeasyPrint.

    It loads the kind's HTML templates (so a broken one still fails the kind) and writes the
    kind, the unit and the scores it was given, and the digest of each file it needs (as the packet
    embeds the dossier PDF): what the build decides from stays the kind's own (its templates,
    evidence, group, order), only the rendering is skipped. A class at
    module level, so that it pickles to a worker process.
    """

    kind: str
    format: str
    templates: tuple[str, ...]
    needs: tuple[str, ...] = ()

    def __call__(self, job):
        from dossier.documents.kinds import Made

        for name in self.templates:
            if name.endswith(".html"):
                job.env.get_template(name)
        text = f"{self.kind} {job.unit} " + " ".join(f"{s.unit.code}={s.total:.3f}" for s in job.scores)
        # The files of the kinds it needs, as the real packet embeds the dossier PDF.
        text += "".join(f" {kind}:{hashlib.sha256(job.made[kind].data).hexdigest()}" for kind in self.needs) + "\n"
        data = (b"%PDF-1.7\n% " if self.format == "pdf" else b"") + text.encode()
        return Made(data.ljust(1024, b"."), pages=1 if self.format == "pdf" else None)  # long enough to corrupt a middle


@contextmanager
def kinds_standing_in(*real: str):
    """Inside the block every registered kind but those named (`"recap-pdf"`...) renders as a StandIn."""
    from dossier.documents import registry

    before = list(registry.KINDS)
    registry.KINDS[:] = [k if k.kind in real or isinstance(k.render, StandIn) else replace(k, render=StandIn(k.kind, k.format, k.templates, k.needs))
                         for k in before]
    try:
        yield registry.KINDS
    finally:
        registry.KINDS[:] = before


@pytest.fixture(scope="module")
def stand_ins():
    """Every registered kind with a StandIn render function, for the tests of one module."""
    with kinds_standing_in() as kinds:
        yield kinds


# A test that builds real documents (WeasyPrint, LibreOffice) or a whole year is marked `render`
# (`@pytest.mark.render`); one that takes half a second or more otherwise (the real official form read
# in full, dossier run in a subprocess, the web server) is marked `slow`. `pytest -m "not render and
# not slow"` then runs the readers, scoring, command line and the build's logic (on stand-in kinds)
# in seconds. A test reading the shared built sample renders.
def pytest_collection_modifyitems(items):
    for item in items:
        if "built_sample" in item.fixturenames:
            item.add_marker(pytest.mark.render)
