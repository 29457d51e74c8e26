"""Crash safety: a build killed mid-run, a full disk, an archive interrupted.

Real `dossier` subprocesses are killed with SIGKILL at a moment chosen by a
seeded random generator; what is left must be whole: the previous outputs and
manifest readable, no truncated file under a final name, and the next build
agreeing with a clean one.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from dossier.cli import cli
from dossier.digests import file_sha256
from tests.conftest import kinds_standing_in
from tests.workbook_factory import YEAR, write_year

BUILD = ("build", "--jobs", "1", "--format", "pdf")


def dossier(root: Path, *args: str) -> subprocess.Popen:
    """Start `python -m dossier -C root args...` in its own process group."""
    return subprocess.Popen([sys.executable, "-m", "dossier", "-C", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def finish(process: subprocess.Popen, timeout: float = 300) -> str:
    output, _ = process.communicate(timeout=timeout)
    text = output.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    return text


def change_inputs(root: Path) -> None:
    """A change every output depends on: the unit's name, and one answer."""
    inputs = root / "inputs" / str(YEAR)
    wb = load_workbook(inputs / "nominasi.xlsx")
    wb["Unit"]["B2"] = "Balai Besar Diperbarui"
    wb.save(inputs / "nominasi.xlsx")
    wb = load_workbook(inputs / "lke" / "LKE BP01.xlsx")
    ws = wb["LKE"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "PPA1A")
    ws.cell(row, 4, "Tidak")
    wb.save(inputs / "lke" / "LKE BP01.xlsx")


def manifest(root: Path) -> dict:
    return json.loads((root / "build" / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))


def hashes(root: Path) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in manifest(root)["files"]}


def assert_whole(root: Path) -> None:
    """Every output under a final name opens completely; no temporary file is left."""
    build = root / "build" / str(YEAR)
    for path in build.rglob("*"):
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) > 0, path
        elif path.suffix == ".xlsx":
            load_workbook(path, read_only=True).close()


def part_files(root: Path) -> list[Path]:
    return list((root / "build").rglob("*.part"))


def kill_when(process: subprocess.Popen, reached, timeout: float = 120) -> bool:
    """SIGKILL the process group as soon as `reached()` holds; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while not reached():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the observed state never came"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return True


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> tuple[Path, Path]:
    """A one-unit workspace built, and a copy with changed inputs built clean (both at once)."""
    first = write_year(tmp_path_factory.mktemp("crash") / "ws", units=("BP01",)).parents[1]
    clean = tmp_path_factory.mktemp("clean") / "ws"
    shutil.copytree(first / "inputs", clean / "inputs")
    change_inputs(clean)
    runs = [dossier(first, *BUILD), dossier(clean, *BUILD)]
    for process in runs:
        finish(process)
        assert process.returncode == 0
    return first, clean


@pytest.mark.render
def test_kill_during_rebuild_leaves_previous_outputs_and_next_build_agrees(workspaces):
    root, clean = workspaces
    before = manifest(root)
    outputs = {p: p.stat().st_mtime_ns for p in (root / "build" / str(YEAR)).rglob("*.pdf")}
    change_inputs(root)
    process = dossier(root, *BUILD)
    # Killed mid-rebuild: once the first document has been replaced, while the others (and the manifest) are not yet.
    killed = kill_when(process, lambda: any(not p.exists() or p.stat().st_mtime_ns != t for p, t in outputs.items()))
    finished = not killed

    after = manifest(root)  # readable JSON, not truncated
    assert_whole(root)
    if not finished:
        assert after == before  # the manifest is written last, so it is still the previous one
    for entry in after["files"]:
        assert (root / "build" / str(YEAR) / entry["path"]).is_file(), entry["path"]

    output = finish(dossier(root, *BUILD))
    assert "failed 0" in output, output
    assert hashes(root) == hashes(clean)
    assert_whole(root)
    for rel, digest in hashes(root).items():
        assert file_sha256(root / "build" / str(YEAR) / rel) == digest, rel


@pytest.mark.render  # the workspaces built for real
def test_full_disk_is_a_clear_error_and_leaves_no_truncated_file(workspaces, tmp_path, monkeypatch):
    _, clean = workspaces
    root = tmp_path / "ws"
    shutil.copytree(clean, root)
    before = hashes(root)

    import dossier.output

    real_fdopen = os.fdopen

    class FullDisk:
        """A file that takes half the bytes, then reports the disk full (as write(2) does)."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(dossier.output.os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(real_fdopen(fd, mode, *a, **k)))
    with kinds_standing_in():  # what fails is writing a file, whatever renders it (the real disk: the next test)
        result = CliRunner().invoke(cli, ["-C", str(root), *BUILD, "--force"])
    monkeypatch.undo()

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "could not write the file (the disk is full)" in result.output  # in our words, not the system's
    assert "Check free disk space" in result.output
    assert part_files(root) == []
    assert hashes(root) == before  # manifest untouched
    for rel, digest in before.items():
        assert file_sha256(root / "build" / str(YEAR) / rel) == digest, rel  # no truncated file


@pytest.mark.render
def test_full_tmpfs_is_a_clear_error(tmp_path):
    """A real full disk: build/ on a 300 KB tmpfs (needs root; skipped otherwise)."""
    root = write_year(tmp_path / "ws", units=("BP01",)).parents[1]
    mount = root / "build"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        result = CliRunner().invoke(cli, ["-C", str(root), *BUILD])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "the disk is full" in result.output and "Check free disk space" in result.output
        assert part_files(root) == []
        assert_whole(root)
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.render
def test_archive_killed_never_leaves_a_year_half_replaced(workspaces, tmp_path):
    _, clean = workspaces
    root = tmp_path / "ws"
    shutil.copytree(clean, root)
    assert finish(dossier(root, "archive")) is not None
    archive = root / "archive"
    moments = [  # killed while copying the documents, while rendering the index, and around the swap
        lambda: any(archive.glob(f".{YEAR}.tmp-*/*")),
        lambda: any(archive.glob(f".{YEAR}.tmp-*/manifest.json")),
        lambda: any(archive.glob(f".{YEAR}.tmp-*/daftar-arsip.pdf")) or set(archive.glob(f"{YEAR}.replaced-*")) > kept,
    ]
    for reached in moments:
        kept = set(archive.glob(f"{YEAR}.replaced-*"))
        kill_when(dossier(root, "archive", "--force"), reached)
        years = [archive / str(YEAR)] + sorted(archive.glob(f"{YEAR}.replaced-*"))
        complete = [y for y in years if y.is_dir()]
        assert complete, "no complete copy of the year is left"
        for year in complete:  # each copy is whole: its manifest holds and every file matches it
            files = json.loads((year / "manifest.json").read_text(encoding="utf-8"))["files"]
            derived = ("manifest.json", "daftar-arsip.pdf")  # the index embeds the manifest, so neither is listed
            on_disk = sorted(p.relative_to(year).as_posix() for p in year.rglob("*") if p.is_file() and p.name not in derived)
            assert on_disk == sorted(f["path"] for f in files), year
            for entry in files:
                assert file_sha256(year / entry["path"]) == entry["sha256"], (year, entry["path"])
        if not (archive / str(YEAR)).is_dir():  # killed between the two renames: the next archive restores it
            finish(dossier(root, "archive"))
        result = CliRunner().invoke(cli, ["-C", str(root), "archive", "verify"])
        assert result.exit_code == 0, result.output


@pytest.mark.render
def test_temporary_files_of_a_killed_build_are_removed(workspaces, tmp_path):
    _, clean = workspaces
    root = tmp_path / "ws"
    shutil.copytree(clean, root)
    stale = root / "build" / str(YEAR) / "dossier" / ".BP01.pdf.k9x2.part"
    stale.write_bytes(b"%PDF-1.7 half")  # what SIGKILL inside write_atomic leaves
    result = CliRunner().invoke(cli, ["-C", str(root), "report"])
    assert result.exit_code == 0, result.output
    assert part_files(root) == []


def test_written_files_get_the_usual_permissions(tmp_path):
    """Regression: outputs were readable by their owner alone (mkstemp's 0600), not by colleagues on a shared drive."""
    from dossier.output import write_atomic

    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "rekapitulasi.pdf", b"%PDF-1.7")
    finally:
        os.umask(previous)
    assert (tmp_path / "rekapitulasi.pdf").stat().st_mode & 0o777 == 0o644
