"""`dossier build --progress jsonl`: the build's progress as one JSON object per line, for programs.

The events, on standard output, never translated:
  {"event": "started", "tasks": N, "reused": N, "labels": [...]}
  {"event": "done", "label": "UPT01", "unit": "UPT01", "kinds": [...], "seconds": 1.2}   one per task rendered
  {"event": "unit_failed", "label": "UPT02", "unit": "UPT02", "reason": "..."}           a task or unit not built
  {"event": "finished", "ok": true, "built": N, "reused": N, "failed": [...], "seconds": 3.4}
The server's jobs read them to show a build's progress live.
"""

from __future__ import annotations

import json
import sys

from dossier.build import BuildResult, Progress


class JsonlProgress(Progress):
    """Write each build event as a line of JSON."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.reported: set[str] = set()

    def emit(self, **event) -> None:
        self.stream.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
        self.stream.flush()

    def start(self, tasks: int, reused: int, labels=()) -> None:
        self.emit(event="started", tasks=tasks, reused=reused, labels=list(labels))

    def done(self, label: str, rendered) -> None:
        if rendered.error:
            self.reported.add(label)
            self.emit(event="unit_failed", label=label, unit=rendered.unit or None, reason=rendered.error)
        else:
            self.emit(event="done", label=label, unit=rendered.unit or None, kinds=sorted(rendered.files),
                      seconds=round(rendered.seconds, 3))

    def finished(self, result: BuildResult | None, error: str = "") -> None:
        """The last event: what the build did, or the error that stopped it before it began."""
        if result is None:
            self.emit(event="finished", ok=False, built=0, reused=0, failed=[], seconds=0.0, error=error)
            return
        for label, reason in result.failed.items():
            if label not in self.reported:
                self.emit(event="unit_failed", label=label, unit=None if "/" in label or "." in label else label,
                          reason=reason)
        self.emit(event="finished", ok=result.ok, built=len(result.built), reused=len(result.reused),
                  failed=sorted(result.failed), seconds=round(result.seconds, 3))
