"""Nothing of ours is left in the temp folder after a command, finished or interrupted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_YEAR, dossier_process

UNITS = ["--unit", "BD02", "--unit", "UPT02"]  # two tasks, so the worker processes render them


def start(workspace: Path, temp: Path, *args: str) -> subprocess.Popen:
    return dossier_process(workspace, *args, env={"TMPDIR": str(temp)})


@pytest.fixture
def workspace(tmp_path) -> tuple[Path, Path]:
    shutil.copytree(REPO / "inputs", tmp_path / "ws" / "inputs")
    temp = tmp_path / "tmp"
    temp.mkdir()
    return tmp_path / "ws", temp


@pytest.mark.render
def test_a_build_with_two_workers_leaves_nothing_in_the_temp_folder(workspace):
    ws, temp = workspace
    process = start(ws, temp, "build", "--year", str(SAMPLE_YEAR), "--jobs", "2", "--format", "pdf", *UNITS)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0, out.decode()
    assert (ws / "build" / str(SAMPLE_YEAR) / "paket" / "BD02.pdf").is_file()
    assert list(temp.iterdir()) == []


@pytest.mark.render
def test_an_interrupted_build_leaves_nothing_in_the_temp_folder(workspace):
    ws, temp = workspace
    process = start(ws, temp, "build", "--year", str(SAMPLE_YEAR), "--jobs", "2", "--format", "pdf", *UNITS)
    deadline = time.monotonic() + 120
    while not list(temp.rglob("weasyprint-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert list(temp.rglob("weasyprint-*")), "the build never started rendering"
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    out, _ = process.communicate(timeout=120)
    assert process.returncode != 0, out.decode()  # what it said, should it ever finish instead
    assert list(temp.iterdir()) == []


@pytest.mark.render
def test_a_terminated_build_leaves_nothing_in_the_temp_folder(workspace):
    ws, temp = workspace
    process = start(ws, temp, "build", "--year", str(SAMPLE_YEAR), "--jobs", "2", "--format", "pdf", *UNITS)
    deadline = time.monotonic() + 120
    while not list(temp.rglob("weasyprint-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    process.terminate()  # SIGTERM to the command only, as a service manager stops it
    process.communicate(timeout=120)
    assert list(temp.iterdir()) == []


RENDER_TWICE = """
import gc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from dossier.render.pdf import html_to_pdf

FONT = "<style>@font-face {font-family: T; src: url(%s)} body {font-family: T}</style><p>Teks</p>"

def render(_):
    size = len(html_to_pdf(FONT, base_url=Path.cwd(), allowed_roots=[Path.cwd()]))
    gc.collect()  # as a long build's worker would, sooner or later: what nothing holds is deleted
    return size

def in_a_worker():
    with ProcessPoolExecutor(1) as pool:  # a worker process ends without running __del__
        assert list(pool.map(render, [1]))[0] > 0

if __name__ == "__main__":
    in_a_worker()  # its own configuration
    assert render(0) > 0  # this process's
    in_a_worker()  # forked from a process that rendered: it must leave that process's fonts in place
    assert render(0) > 0
"""


@pytest.mark.slow
def test_rendering_outside_a_command_leaves_no_font_copies_behind(tmp_path):
    """WeasyPrint copies @font-face files into a folder of its own; the library removes it at exit too, and a
    worker forked from a process that rendered leaves that process's folder in place."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    font = REPO / "templates" / "static" / "fonts" / "LiberationSans-Regular.ttf"
    script = tmp_path / "render.py"
    script.write_text(RENDER_TWICE % font.as_uri(), encoding="utf-8")
    subprocess.run([sys.executable, str(script)], cwd=font.parent, env={**os.environ, "TMPDIR": str(temp)},
                   check=True, timeout=120)
    assert not list(temp.iterdir())
