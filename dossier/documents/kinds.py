"""What a kind of document declares, and what its render function is given.

Each document module declares its kinds once, as DocumentKind values; documents/registry.py
lists them. The build, the archive, its check and the command line's help loop over that
list without naming any kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import jinja2

from dossier.config import Settings
from dossier.errors import Problem
from dossier.model import AwardYear
from dossier.render.templates import default_templates_dir, static_dirs
from dossier.scoring import UnitScore

DOCX_REFERENCE = "docx/reference.docx"  # the styles of every DOCX: a template each DOCX kind depends on


@dataclass
class Made:
    """One rendered file: its bytes, its page count (counted for PDFs when left out), what went wrong on the way."""

    data: bytes
    pages: int | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentKind:
    """One kind of output file, as listed in manifest.json.

    A kind decides everything about itself: the build, the archive, its check and the
    command line's help read these fields and name no kind.
    """

    kind: str  # the manifest's kind, e.g. "dossier-pdf"
    path: str  # relative to build/<year>/; "{unit}" stands for the unit's code
    format: str  # the --format that selects it: pdf, docx or xlsx
    templates: tuple[str, ...]  # the root templates it renders (their includes are found); a change rebuilds it
    per_unit: bool  # one file per unit, or one for the year
    render: Callable[[Job], Made]
    # What it is, for the help of the commands that write it: an English msgid marked N_, shown translated.
    description: str = ""
    # What the web workspace's lists call a file of this kind, beside its format ("Dossier (PDF)"): an
    # English msgid marked N_, shown translated. The kinds of one document in two formats share it.
    name: str = ""
    commands: tuple[str, ...] = ("build",)  # the commands that write it ('dossier build' writes every kind)
    # 'dossier archive' copies it into archive/<year>/, where the printable index calls it `label`
    # (Indonesian, as every document is). A `required` kind must be in the build (for every unit,
    # when per_unit) before a year can be archived: a nomination is not complete without it.
    # A per-unit kind with a `draft_label` is called that instead for a unit the year does not
    # propose (dossier.decision): its file is an evaluation draft, not a proposal.
    archived: bool = False
    required: bool = False
    label: str = ""
    draft_label: str = ""
    pdfa: bool = True  # claims PDF/A; archiving warns when it does not (the packet keeps its evidence as sent)
    source_data: bool = False  # embeds sumber-data.json, which 'archive verify' scores again
    # Year-level kinds of one group render in one task, sharing their work; the group names
    # the task in progress lines and failures (an English msgid marked N_, shown translated).
    # A unit's kinds all render in that unit's task.
    group: str = ""
    needs: tuple[str, ...] = ()  # kinds of the same task whose files it uses: rendered before it, again with it
    evidence: bool = False  # reads the unit's evidence files: their contents are part of its key
    slow: bool = False  # takes longer than a unit's documents: scheduled first
    # Shows the unit's workbook problems (the feedback to a unit): built even when those problems
    # block the unit's other documents, and rebuilt when they change.
    problems: bool = False

    def path_for(self, unit: str) -> str:
        return self.path.format(unit=unit)

    def index_label(self, proposed: bool | None = None) -> str:
        """What the archive index calls a file of this kind; `proposed`: whether the year proposes its unit (None: unknown)."""
        if proposed is False and self.draft_label:
            return self.draft_label
        return self.label or self.kind

    def __post_init__(self) -> None:
        if "build" not in self.commands:
            raise ValueError(f"{self.kind}: 'dossier build' writes every kind; its commands must include 'build'")
        if (self.required or self.label or self.draft_label) and not self.archived:
            raise ValueError(f"{self.kind}: only an archived kind is required for the archive or labelled in its index")
        if self.draft_label and not self.per_unit:
            raise ValueError(f"{self.kind}: only a per-unit kind is a draft for a unit not proposed")


@dataclass
class Job:
    """What a render function gets: one task's data, and the files its task made so far."""

    unit: str  # empty for the year-level documents
    award_year: AwardYear  # holding only this unit's LKE, or none for the year-level documents
    scores: tuple[UnitScore, ...]
    settings: Settings
    templates: Path | None
    created: datetime
    env: jinja2.Environment
    parts_dir: Path | None = None  # where a year-level document may keep rendered parts between builds
    made: dict[str, Made] = field(default_factory=dict)
    _shared: dict = field(default_factory=dict)

    @property
    def score(self) -> UnitScore:
        return self.scores[0]

    @cached_property
    def allowed_roots(self) -> list[Path]:
        """The folders a document may read: the templates' static folders and the year's bukti."""
        return [*static_dirs(self.templates), self.award_year.bukti]

    @cached_property
    def reference(self) -> Path | None:
        """The reference DOCX whose styles a DOCX takes."""
        from dossier.render.docx import reference_path  # python-docx and lxml: only for a DOCX

        return reference_path(self.templates)

    def shared(self, name: str, make: Callable[[], object]):
        """Work the kinds of one module share within a task (a context, its markup): made once."""
        if name not in self._shared:
            self._shared[name] = make()
        return self._shared[name]


def html_pdf(markup: str, ctx: dict, *, allowed_roots: list[Path], created: datetime | None) -> bytes:
    """A document's HTML as PDF/A, titled and authored from its context's "title" and "ministry"."""
    from dossier.render.pdf import html_to_pdf  # WeasyPrint takes a second to load: only in a task that renders a PDF

    return html_to_pdf(markup, base_url=default_templates_dir(), allowed_roots=allowed_roots,
                       title=ctx["title"], author=ctx["ministry"], created=created)


def html_docx(markup: str, ctx: dict, *, created: datetime | None, reference: Path | None) -> bytes:
    """The same HTML mapped onto the reference document's Word styles, titled as the PDF."""
    from dossier.render.docx import html_to_docx  # python-docx and lxml: only for a DOCX

    return html_to_docx(markup, title=ctx["title"], author=ctx["ministry"], created=created, reference=reference)


@dataclass(frozen=True)
class FromHtml:
    """The render function of a document made from one HTML as PDF or as DOCX (the cover letter, the LHE).

    `context` makes the document's context from a job and `html` its markup; both are made once
    per task, for the PDF and the DOCX alike. Module-level functions, so a kind pickles to a worker.
    """

    name: str
    context: Callable[[Job], dict]
    html: Callable[[jinja2.Environment, dict], str]
    format: str  # "pdf" or "docx"

    def __call__(self, job: Job) -> Made:
        ctx, markup = job.shared(self.name, lambda: self._prepared(job))
        if self.format == "pdf":
            return Made(html_pdf(markup, ctx, allowed_roots=job.allowed_roots, created=job.created))
        return Made(html_docx(markup, ctx, created=job.created, reference=job.reference))

    def _prepared(self, job: Job) -> tuple[dict, str]:
        ctx = self.context(job)
        return ctx, self.html(job.env, ctx)
