"""Jobs: CLI commands the secretariat starts with a button, run one at a time per workspace.

A job is a child process running `dossier -C <workspace> <command>` (a build changes
process-wide state, and a crash must not take the server with it). Once the runner has been
idle for two seconds, the next job's process is started ahead (dossier/web/warm.py), so a job
starts with Python, the readers and WeasyPrint already loaded: a unit's dossier PDF is ready
about a second sooner after its upload. Jobs wait in the
database's queue and run in the order they were asked for; their output (the build's
`--progress jsonl` events among it) goes to `.dossier/pekerjaan/<id>.log`, which the job's
page follows live. A job still marked running when the server starts again was cut off
when it stopped: it is marked interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path

from dossier.documents import dossier
from dossier.i18n import N_
from dossier.web.store import Store

# The commands a job may run, by the name the form sends; {year} and {unit} filled in.
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate": ("validate", "--year", "{year}"),
    "build": ("build", "--year", "{year}", "--progress", "jsonl"),
    "build-unit": ("build", "--year", "{year}", "--unit", "{unit}", "--progress", "jsonl"),
    # Queued by themselves, in this order, after a unit's workbook without errors is uploaded: its
    # dossier PDF first (ready in seconds), then its other PDFs (the packet, the LHE, the feedback).
    "build-unit-dossier": ("build", "--year", "{year}", "--unit", "{unit}", "--kind", dossier.PDF_KIND.kind,
                           "--progress", "jsonl"),
    "build-unit-pdf": ("build", "--year", "{year}", "--unit", "{unit}", "--format", "pdf", "--progress", "jsonl"),
    "report": ("report", "--year", "{year}"),
    "umpan-balik": ("umpan-balik", "--year", "{year}"),
    "archive": ("archive", "--year", "{year}"),
    "archive-verify": ("archive", "--year", "{year}", "verify"),
}
LABELS = {
    "validate": N_("Validate"),
    "build": N_("Build all documents"),
    "build-unit": N_("Build one unit"),
    "build-unit-dossier": N_("Build one unit's dossier PDF"),
    "build-unit-pdf": N_("Build one unit's PDFs"),
    "report": N_("Recap and press release"),
    "umpan-balik": N_("Feedback to the units"),
    "archive": N_("Archive the year"),
    "archive-verify": N_("Verify the archive"),
}
STATES = {
    "antri": N_("queued"),
    "berjalan": N_("running"),
    "selesai": N_("finished"),
    "gagal": N_("failed"),
    "dibatalkan": N_("cancelled"),
    "terputus": N_("interrupted"),
}


def command(name: str, year: int, unit: str = "") -> tuple[str, ...]:
    """The CLI arguments of job `name`; KeyError for a name that is not a job."""
    return tuple(part.format(year=year, unit=unit) for part in COMMANDS[name])


class Runner:
    """Run the queued jobs of one workspace, one at a time."""

    idle = 2.0  # seconds without a job before the next job's process is started ahead

    def __init__(self, store: Store, root: Path) -> None:
        self.store = store
        self.root = root
        self.wake = asyncio.Event()
        self.process: asyncio.subprocess.Process | None = None
        self.spare: asyncio.subprocess.Process | None = None  # the next job's process, started ahead
        self.running: int | None = None
        self.cancelled: set[int] = set()

    def start(self) -> None:
        """Called as the server starts: mark what the last server left running, then work the queue."""
        self.store.interrupt_running()
        self.task = asyncio.get_running_loop().create_task(self.work())

    async def stop(self) -> None:
        """Called as the server stops: end the running job (marked interrupted), the loop and the process waiting.

        Both processes are waited for: one left to the garbage collector after the event loop
        closes could not be reaped (Python reports "Event loop is closed").
        """
        running = self.process
        if running and running.returncode is None and self.running is not None:
            self.store.set_job(self.running, "terputus", ended=time.time())
            self._kill()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task
        for process in (running, self.spare):
            if process is not None:
                self._kill(process)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(process.wait(), timeout=5)

    def poke(self) -> None:
        self.wake.set()

    async def work(self) -> None:
        started_ahead = False  # one process started ahead per job at most: one that dies is not restarted in a loop
        while True:
            job = self.store.next_job()
            if job is None:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=self.idle)
                except TimeoutError:  # idle: the next job's process is started and loads meanwhile
                    if not started_ahead:
                        self.spare, started_ahead = await self._start(), True
                continue
            await self.run(job.id, job.command)
            started_ahead = False

    async def run(self, job_id: int, args: tuple[str, ...]) -> None:
        self.running = job_id
        self.store.set_job(job_id, "berjalan", started=time.time())
        log = self.store.log_path(job_id)
        with log.open("ab", buffering=0) as out:
            try:
                process, self.spare = self.spare, None
                if process is None or process.returncode is not None:
                    process = await self._start()
                self.process = process
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(json.dumps(args).encode() + b"\n")
                await process.stdin.drain()
                process.stdin.close()
                async for line in process.stdout:
                    out.write(line)
                code = await process.wait()
            except OSError as exc:  # the process could not start, or ended before it was given the job
                out.write(f"{exc}\n".encode())
                code = -1
        job = self.store.job(job_id)
        if job and job.state == "berjalan":
            state = "dibatalkan" if job_id in self.cancelled else "selesai" if code == 0 else "gagal"
            self.store.set_job(job_id, state, ended=time.time(), exit_code=code)
        self.process, self.running = None, None

    async def _start(self) -> asyncio.subprocess.Process:
        """A job's process, loaded and waiting for its arguments (dossier/web/warm.py)."""
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dossier.web.warm", "-C", str(self.root),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env=dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1"),
            start_new_session=True,  # its own process group: cancel ends its workers too
        )

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued job, or end the running one; False when it had already ended."""
        job = self.store.job(job_id)
        if job is None or job.finished:
            return False
        if job.state == "antri":
            self.store.set_job(job_id, "dibatalkan", ended=time.time())
            return True
        if self.running == job_id:
            self.cancelled.add(job_id)
            self._kill()
        return True

    def _kill(self, process: asyncio.subprocess.Process | None = None) -> None:
        process = process or self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
