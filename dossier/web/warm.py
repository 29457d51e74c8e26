"""A job's process, started before the job is asked for, so that the job does not wait for Python to load.

The job runner starts `python -m dossier.web.warm -C WORKSPACE` while it is idle. The process
loads what a command needs (the command line, the build, the readers, the document kinds and
WeasyPrint with them: about a second of a build's start), then waits for one line on standard
input, the job's command as a JSON list of strings, and runs it exactly as `python -m dossier
-C WORKSPACE COMMAND` would: its output, exit code and process group are those of the job.
Standard input closed without a line (the server stopped) ends it without running anything.
"""

from __future__ import annotations

import json
import sys

import dossier.build  # noqa: F401  loaded ahead: what every job's command needs
import dossier.documents.registry  # noqa: F401  the kinds, and WeasyPrint with them
import dossier.workspace  # noqa: F401
from dossier.cli import main as run_command


def arguments(line: str) -> list[str] | None:
    """The job's command from its line, or None for anything that is not a JSON list of strings."""
    try:
        args = json.loads(line)
    except ValueError:
        return None
    return args if isinstance(args, list) and all(isinstance(a, str) for a in args) else None


def main() -> None:
    args = arguments(sys.stdin.readline())
    if args is None:
        return
    sys.argv = ["dossier", *sys.argv[1:], *args]
    run_command()


if __name__ == "__main__":
    main()
