"""Every error dossier shows to a user.

Each is a ``click.ClickException``: the CLI prints its message and exits 1,
without a traceback. Messages say where (file, sheet, cell), what is wrong,
and what would be right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from dossier.i18n import ngettext


class DossierError(click.ClickException):
    """Base of every error a user can cause and fix."""

    exit_code = 1


class ConfigError(DossierError):
    """Raised when dossier.toml or a rules edition is not valid."""


class WorkspaceError(DossierError):
    """Raised when the workspace layout is wrong: no inputs, unknown year, file in the way."""


class WorkbookError(DossierError):
    """Raised when a spreadsheet cannot be opened or is not laid out as expected."""


class TemplateError(DossierError):
    """Raised when a template is missing or fails to render."""


class RenderError(DossierError):
    """Raised when a document cannot be produced (PDF, DOCX, XLSX)."""


class ArchiveError(DossierError):
    """Raised when an archive cannot be written or is refused."""


@dataclass(frozen=True)
class Problem:
    """One finding of the readers or of validation, tied to a place."""

    where: str
    message: str
    severity: str = "error"  # "error" or "warning"
    # "evidence" for a problem with a cited document only: it does not touch the scores,
    # so the unit's dossier is still built (its packet lists the document as missing).
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputErrors(DossierError):
    """Raised when validation finds errors; carries every problem, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        heading = ngettext("{count} error in the inputs:", "{count} errors in the inputs:", len(errors))
        lines = [heading.format(count=len(errors))] + [f"  {p}" for p in errors]
        super().__init__("\n".join(lines))
