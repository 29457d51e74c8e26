"""One command at a time per award year: `build` and `archive` hold the year's lock while they run.

The lock is an flock on build/<year>/.dossier.lock: the system releases it when the process
ends however it ends, so a killed command never leaves a stale lock behind. The file names
the command and process holding it, for the message the second command shows.
"""

from __future__ import annotations

import functools
import os
import time
from contextlib import contextmanager
from pathlib import Path

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
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            raise YearBusy(
                _("{folder}: another 'dossier {command}' (process {pid}) is working on this year; wait until it "
                  "ends, then run this command again.")
                .format(folder=folder, command=holder[0] if holder else "?", pid=holder[1] if len(holder) > 1 else "?")
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} {os.getpid()} {int(time.time())}\n".encode(), 0)
        yield
    finally:
        if made and [p.name for p in folder.iterdir()] == [LOCK]:
            # A command refused before writing anything (an unknown unit, say) leaves no build folder behind.
            (folder / LOCK).unlink(missing_ok=True)
            for created in made:
                if created.is_dir() and not any(created.iterdir()):
                    created.rmdir()
        os.close(fd)  # releases the lock


def holding_year_lock(command: str, *, create: bool = True):
    """Decorate a function of (ws, year, ...) so it runs holding the year's lock."""

    def decorate(function):
        @functools.wraps(function)
        def locked(ws, year, *args, **kwargs):
            with year_lock(ws.build_dir(year), command, create=create):
                return function(ws, year, *args, **kwargs)

        return locked

    return decorate
