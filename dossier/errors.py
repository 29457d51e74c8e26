"""Every error dossier shows to a user, and every problem it finds in the inputs.

Each error is a ``click.ClickException``: the CLI prints its message and exits 1,
without a traceback. Messages say where (file, sheet, cell), what is wrong,
and what would be right.

A `Problem` is a record, not text: its `Place`, a code, and what is wrong and what
would be right as two `Message`s (a msgid and its parameters, made with `msg()` or
`nmsg()`), worded in the language spoken only when shown. So the feedback words a
unit's problems in Indonesian while the console speaks English, the LKE read cache
keeps one copy for every language, and nothing reads a problem's text back.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, replace

import click

from dossier.i18n import N_, _, decimal, ngettext, speaking


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


# --- Problems: records, worded when shown ----------------------------------------------------


class Numeral:
    """A number in a message, written as the language spoken writes it when shown ('3,72' or '3.72')."""

    __slots__ = ("value", "places")

    def __init__(self, value: float, places: int = 1) -> None:
        self.value, self.places = float(value), int(places)

    def __str__(self) -> str:
        return decimal(self.value, self.places)

    def __eq__(self, other) -> bool:
        return isinstance(other, Numeral) and (self.value, self.places) == (other.value, other.places)

    def __hash__(self) -> int:
        return hash((self.value, self.places))

    def __repr__(self) -> str:
        return f"Numeral({self.value!r}, {self.places!r})"


@dataclass(frozen=True)
class Message:
    """A message id (English, in the catalog) and its parameters, worded in the language spoken when shown.

    A parameter may be a Message or a Numeral itself, worded with it. A `literal` message is
    text already worded (a value, or a problem made the old way from a string): shown as it is.
    """

    msgid: str
    params: tuple[tuple[str, object], ...] = ()
    plural: str = ""  # with `n`: the plural msgid (ngettext)
    n: int = 0
    literal: bool = False

    def __str__(self) -> str:
        if self.literal:
            return self.msgid
        template = ngettext(self.msgid, self.plural, self.n) if self.plural else _(self.msgid)
        if not self.params:
            return template
        return template.format(**{name: _worded(value) for name, value in self.params})

    def to_data(self) -> dict:
        """The message as JSON data: its id and parameters, no words of any language."""
        data: dict = {"id": self.msgid, "params": {k: _value_data(v) for k, v in self.params}}
        if self.plural:
            data["plural"], data["n"] = self.plural, self.n
        if self.literal:
            data["literal"] = True
        return data

    @classmethod
    def from_data(cls, data: dict) -> Message:
        return cls(data["id"], tuple(sorted((k, _value_from(v)) for k, v in data["params"].items())),
                   data.get("plural", ""), int(data.get("n", 0)), bool(data.get("literal", False)))


# Why an operation on a file failed, in words of our own: the system's (strerror) are English whatever the
# language spoken ("Is a directory" inside an Indonesian sentence).
OS_REASONS = {
    errno.ENOENT: N_("it does not exist"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("a part of its path is a file, not a folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("its links lead round in a circle"),
    errno.EBUSY: N_("another program is using it"),
    errno.EEXIST: N_("it exists already"),
}


def os_reason(exc: OSError) -> Message:
    """Why an operation on a file failed, worded when shown (the system's own words for a rarer one)."""
    reason = OS_REASONS.get(exc.errno or 0)
    return msg(reason) if reason else literal(exc.strerror or str(exc))


def msg(msgid: str, /, **params) -> Message:
    """Mark `msgid` for the catalog and keep it with its parameters, to be worded when shown."""
    return Message(msgid, _params(params))


def nmsg(singular: str, plural: str, n: int, /, **params) -> Message:
    """As `msg`, with the singular and plural forms of ngettext, chosen by `n` when shown."""
    return Message(singular, _params(params), plural, n)


def literal(text: str) -> Message:
    """Text already worded (or not words at all): shown as it is, in any language."""
    return Message(str(text), literal=True)


def worded(value, language: str | None = None) -> str:
    """A message, a problem (or any value) as text: in `language`, else in the language spoken now."""
    if language is None or value is None or isinstance(value, str):
        return _worded(value)
    with speaking(language):
        return str(value)


def _worded(value) -> str:
    return "" if value is None else str(value)


def _params(params: dict) -> tuple[tuple[str, object], ...]:
    """The parameters by name, in one order whatever order they were given in (kept and compared alike)."""
    return tuple(sorted((name, _param(value)) for name, value in params.items()))


def _param(value):
    """Keep what is worded later (a Message, a Numeral) and plain values; anything else as its text now."""
    if value is None or isinstance(value, (str, int, float, Message, Numeral)):
        return value
    return str(value)


def _value_data(value):
    if isinstance(value, Message):
        return {"message": value.to_data()}
    if isinstance(value, Numeral):
        return {"numeral": [value.value, value.places]}
    return value


def _value_from(data):
    if isinstance(data, dict):
        if "message" in data:
            return Message.from_data(data["message"])
        return Numeral(float(data["numeral"][0]), int(data["numeral"][1]))
    return data


_CELL_ROW = re.compile(r"^\$?[A-Z]{1,3}\$?(\d+)")


@dataclass(frozen=True)
class Place:
    """Where a problem is: the file (as the workspace names it), its sheet and cell, or another spot in it.

    `str()` reads as the CLI has always shown it: 'lke/UPT01.xlsx, LKE!E57', 'nominasi.xlsx, Unit',
    'dossier.toml, [penandatangan] ketua_tpi', 'bukti/UPT01/sk.pdf (PPA1A)'.
    """

    file: str = ""
    sheet: str = ""
    cell: str = ""  # 'E57', or a span 'B3:D3'
    row: int | None = None  # the cell's row when not given
    spot: str = ""  # somewhere that is no sheet: a setting such as '[penandatangan] ketua_tpi'
    detail: str = ""  # said in parentheses after the file: the indicator that cites an evidence file

    def __post_init__(self) -> None:
        if self.row is None and self.cell:
            match = _CELL_ROW.match(self.cell)
            if match:
                object.__setattr__(self, "row", int(match.group(1)))

    def within(self) -> str:
        """The place inside the file: 'LKE!E57', 'LKE', '[penandatangan] ketua_tpi' or ''."""
        if self.sheet:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return self.spot

    def __str__(self) -> str:
        inner = self.within()
        text = f"{self.file}, {inner}" if self.file and inner else self.file or inner
        return f"{text} ({self.detail})" if self.detail else text

    @classmethod
    def in_file(cls, file: str, within: str) -> Place:
        """The place a cell reference such as 'LKE!E57' (or a sheet, 'LKE') names in `file`."""
        sheet, bang, cell = within.rpartition("!")
        return cls(file, sheet, cell) if bang else cls(file, within)

    @classmethod
    def parse(cls, where: str) -> Place:
        """A place written as text the old way ('lke/UPT01.xlsx, LKE!E57'): only for problems made from strings."""
        file, comma, inner = where.partition(", ")
        if not comma:
            return cls(where)
        return cls.in_file(file, inner) if "!" in inner or not inner.startswith("[") else cls(file, spot=inner)

    def to_data(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    @classmethod
    def from_data(cls, data: dict) -> Place:
        return cls(**data)


@dataclass(frozen=True, eq=False)
class Problem:
    """One finding of the readers or of validation: a record, worded in the reader's language only when shown.

    `what` says what is wrong and `fix` what would be right, each a message id with its
    parameters; `code` names the kind of problem for programs ('lke.answer.not_option').
    Two problems are equal when they are shown alike (place, words, severity), so a problem
    may still be written as text: `Problem("lke/x.xlsx, LKE!E57", "...")` (a narrow path kept
    for code that builds its message as a string; it has no fix of its own).
    """

    place: Place
    what: Message
    severity: str = "error"  # "error" or "warning"
    # "evidence" for a problem with a cited document only: it does not touch the scores,
    # so the unit's dossier is still built (its packet lists the document as missing).
    kind: str = ""
    fix: Message | None = None
    code: str = ""
    unit: str = ""
    indicator: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.place, str):
            object.__setattr__(self, "place", Place.parse(self.place))
        if not isinstance(self.what, Message):
            object.__setattr__(self, "what", literal(self.what))

    @property
    def where(self) -> str:
        """The place as the CLI shows it."""
        return str(self.place)

    @property
    def file(self) -> str:
        return self.place.file

    @property
    def message(self) -> str:
        """What is wrong; what would be right, in the language spoken now."""
        what = str(self.what)
        return f"{what}; {self.fix}" if self.fix is not None else what

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def _shown(self) -> tuple[str, str, str]:
        return self.where, self.message, self.severity

    def __eq__(self, other) -> bool:
        return isinstance(other, Problem) and self._shown() == other._shown()

    def __hash__(self) -> int:
        return hash(self._shown())

    def record(self) -> dict:
        """The problem for other programs (validate --json): English keys, the words in the language spoken.

        `kind` tells a program the official form's own-text warnings ("form") and the problems
        with cited evidence only ("evidence") from the others (null).
        """
        place = self.place
        return {
            "file": place.file or None, "sheet": place.sheet or None, "cell": place.cell or None, "row": place.row,
            "unit": self.unit or None, "indicator": self.indicator or None, "severity": self.severity,
            "kind": self.kind or None, "code": self.code or None, "message": str(self.what), "fix": None if self.fix is None else str(self.fix),
        }

    def worded(self, language: str) -> Problem:
        """This problem with its words fixed in `language` (what a log, or a test, keeps)."""
        with speaking(language):
            return replace(self, what=literal(str(self.what)), fix=None if self.fix is None else literal(str(self.fix)))

    def to_data(self) -> dict:
        """The record as JSON data, no words of any language (the LKE read cache keeps it)."""
        data = {"place": self.place.to_data(), "what": self.what.to_data(), "severity": self.severity,
                "kind": self.kind, "code": self.code, "unit": self.unit, "indicator": self.indicator}
        if self.fix is not None:
            data["fix"] = self.fix.to_data()
        return data

    @classmethod
    def from_data(cls, data: dict) -> Problem:
        return cls(Place.from_data(data["place"]), Message.from_data(data["what"]), data["severity"], data["kind"],
                   Message.from_data(data["fix"]) if "fix" in data else None, data["code"], data["unit"],
                   data["indicator"])


class InputErrors(DossierError):
    """Raised when validation finds errors; carries every problem, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        heading = ngettext("{count} error in the inputs:", "{count} errors in the inputs:", len(errors))
        lines = [heading.format(count=len(errors))] + [f"  {p}" for p in errors]
        super().__init__("\n".join(lines))
