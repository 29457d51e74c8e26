"""The year's lock while a command that wrote nothing ends: it removes the lock file and the folder it made.

Another command starting at that very moment must still end up alone with the year, or told to
wait, never beside a third command. Each test puts the ending command's cleanup at one point of
the starting command's steps.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from dossier.locking import LOCK, YearBusy, year_lock


def test_a_lock_file_removed_between_opening_and_locking_it_is_taken_again(tmp_path, monkeypatch):
    folder = tmp_path / "build" / "2025"
    real_flock = fcntl.flock
    ended = []

    def flock(fd, operation):
        if not ended:  # the command ending now removes the file this one has just opened
            ended.append(True)
            (folder / LOCK).unlink()
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    with year_lock(folder, "build"):
        assert (folder / LOCK).read_text().split()[:2] == ["build", str(os.getpid())]
        with pytest.raises(YearBusy, match="another 'dossier build'"):  # a third command is told to wait
            with year_lock(folder, "archive"):
                pass
    assert ended


def test_a_folder_removed_between_making_it_and_opening_the_lock_is_made_again(tmp_path, monkeypatch):
    folder = tmp_path / "build" / "2025"
    real_open = os.open
    ended = []

    def open_(path, flags, mode=0o777, **kwargs):
        if Path(path).name == LOCK and not ended:  # the command ending now removes the folder it made
            ended.append(True)
            folder.rmdir()
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    with year_lock(folder, "build"):
        assert (folder / LOCK).read_text().startswith("build ")
    assert ended


def test_a_command_ending_as_another_starts_in_its_folder_leaves_that_folder(tmp_path, monkeypatch):
    folder = tmp_path / "build" / "2025"
    real_rmdir = Path.rmdir

    def rmdir(self):
        if self == folder:  # another command opens its lock file here just now
            (folder / LOCK).touch()
        return real_rmdir(self)

    monkeypatch.setattr(Path, "rmdir", rmdir)
    with year_lock(folder, "build"):
        pass  # refused before writing anything: what it made is removed, unless someone is in it
    assert (folder / LOCK).is_file()


def test_a_command_that_wrote_nothing_still_leaves_no_folder(tmp_path):
    folder = tmp_path / "build" / "2025"
    with year_lock(folder, "build"):
        assert (folder / LOCK).is_file()
    assert not (tmp_path / "build").exists()
