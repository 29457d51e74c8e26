"""One command at a time per award year: `build` and `archive` hold the year's lock while they run.

The lock is an flock on build/<year>/.dossier.lock: the system releases it when the process
ends however it ends, so a killed command never leaves a stale lock behind. The file names
the command and process holding it, for the message the second command shows.
"""

from __future__ import annotations

import functools
import os
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType

from dossier.errors import DossierError
from dossier.i18n import _

LOCK = ".dossier.lock"


class YearBusy(DossierError):
    """Raised when another dossier command is working on the same award year."""


@contextmanager
def year_lock(folder: Path, command: str, *, create: bool = True):
    """Hold the lock of the year whose build folder is `folder`; YearBusy when another command holds it.

    Without `create`, a year with no build folder yet is not locked (the command refuses it anyway).
    """
    try:
        import fcntl
    except ImportError:  # not on this system: commands are not kept apart
        yield
        return
    if not create and not folder.is_dir():
        yield
        return
    made = [p for p in (folder, *folder.parents) if not p.exists()]  # what taking the lock creates
    fd = _lock(folder, fcntl)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} {os.getpid()} {int(time.time())}\n".encode(), 0)
        yield
    finally:
        if made and [p.name for p in folder.iterdir()] == [LOCK]:
            # A command refused before writing anything (an unknown unit, say) leaves no build folder behind.
            # Removed while still held: a command that opened the file meanwhile sees it gone (see _lock).
            (folder / LOCK).unlink(missing_ok=True)
            for created in made:
                with suppress(OSError):  # not empty after all: another command has just started in it
                    created.rmdir()
        os.close(fd)  # releases the lock


def _lock(folder: Path, fcntl: ModuleType) -> int:
    """The year's lock file, open and locked; YearBusy when another command holds it.

    A command that ends without writing anything removes the lock file and the folder it created
    (see year_lock). Another that opened the file just before would then lock a removed file, and a
    third would lock a new one beside it: both would run. So the lock taken must be on the file the
    path names now; when it is not, or the folder went before the file could be opened, it is taken again.
    """
    path = folder / LOCK
    while True:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileNotFoundError:  # the folder was removed between the two
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            os.close(fd)
            raise YearBusy(
                _("{folder}: another 'dossier {command}' (process {pid}) is working on this year; wait until it "
                  "ends, then run this command again.")
                .format(folder=folder, command=holder[0] if holder else "?", pid=holder[1] if len(holder) > 1 else "?")
            ) from None
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            return fd
        os.close(fd)  # the file locked was removed meanwhile: lock the one there now


def _same_file(fd: int, path: Path) -> bool:
    try:
        named, held = os.stat(path, follow_symlinks=False), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def holding_year_lock(command: str, *, create: bool = True):
    """Decorate a function of (ws, year, ...) so it runs holding the year's lock."""

    def decorate(function):
        @functools.wraps(function)
        def locked(ws, year, *args, **kwargs):
            with year_lock(ws.build_dir(year), command, create=create):
                return function(ws, year, *args, **kwargs)

        return locked

    return decorate
