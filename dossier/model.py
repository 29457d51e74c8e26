"""Plain data read from a workspace: the award year, its units and their LKE answers.

Readers build these; scoring and documents only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

from dossier.errors import Problem


@dataclass(frozen=True)
class Award:
    """The `Penghargaan` sheet of the register: facts of the award year and its ceremony."""

    year: int
    ministry: str
    ministry_short: str
    awarding_body: str
    ceremony_date: date | None
    ceremony_place: str
    opened_by: str
    attended_by: str
    release_city: str
    event_name: str = ""  # the ceremony's formal name, as the release names it
    release_all_units: str = ""  # "Ya": the release after the results names the units not awarded too
    proposal_date: date | None = None  # Tanggal Usulan: dates the statements and the cover letter
    bpk_opinion: str = ""  # Opini BPK: the ministry's audit opinion, a prerequisite TPN checks
    sakip: str = ""  # Nilai SAKIP: the ministry's performance accountability rating, another
    evaluation_date: date | None = None  # Tanggal Evaluasi: the TPI's evaluation, dates the LHE (before the proposal)
    national_evaluated: str = ""  # Unit Dievaluasi Nasional: units the national team evaluated, for the release
    national_awarded: str = ""  # Unit Berpredikat Nasional: units awarded nationwide, for the release


@dataclass(frozen=True)
class Innovation:
    """One row of the `Inovasi` sheet: an innovation a unit puts forward."""

    unit_code: str
    name: str
    year: str
    description: str


@dataclass(frozen=True)
class Quote:
    """One row of the `Kutipan` sheet: an official's words for the press release."""

    name: str
    position: str
    text: str
    phase: str = ""  # "sebelum" (before the results), "sesudah" (after), "" (both)


@dataclass(frozen=True)
class Unit:
    """One row of the `Unit` sheet: a work unit (unit kerja) put forward this year.

    `proposed` is the target predicate (WBK or WBBM), `current` the predicate it
    already holds ("", WBK or WBBM), `result` the announced outcome ("" not yet
    announced, WBK or WBBM awarded, "Tidak" not awarded).
    """

    code: str
    name: str
    kind: str
    city: str
    province: str
    head: str
    proposed: str
    current: str
    result: str
    category: str
    innovations: tuple[Innovation, ...] = ()
    where: str = ""
    lke_file: str = ""  # the register's optional `Berkas LKE`: the unit's file under lke/
    recipient: str = ""  # who received the award on the unit's behalf (the release names them)
    head_nip: str = ""  # NIP Kepala Unit, printed under the head's name in the statement
    lke_tpi_file: str = ""  # the register's optional `Berkas LKE TPI`: the file under lke/ holding the TPI's answers
    wbk_year: str = ""  # Tahun WBK: the year the unit earned WBK (the release names it for a WBBM winner)

    def as_nominated(self) -> Unit:
        """The unit as its own documents know it: without what is filled in after the ceremony (Hasil
        Penetapan, Kategori Penghargaan, Penerima), which only the year's documents show. So entering the
        results changes the recap, the release and the letter, and no unit's dossier, LHE or feedback."""
        return replace(self, result="", category="", recipient="")


@dataclass(frozen=True)
class Evidence:
    """One entry of an indicator's `Bukti Dukung` cell (bukti dukung = evidence)."""

    entry: str
    url: bool = False
    path: Path | None = None
    present: bool = False
    problem: Problem | Literal[""] = ""  # why the entry is refused; "" when it is not

    @property
    def name(self) -> str:
        return self.entry


@dataclass(frozen=True)
class Answer:
    """A unit's answer to one LKE indicator, with its notes and evidence, and the TPI's review of it.

    Exactly one of `choice` (option kinds), `counts` (count kind: input number ->
    value) and `index` (survey index) is set; none is set when the answer is missing.
    The TPI (Tim Penilai Internal, the internal assessment team) may answer again in
    `tpi_choice`, `tpi_counts` (only the inputs it corrects) or `tpi_index`, and note
    why in `tpi_note`; `where_tpi` is the cell of its answer.
    """

    code: str
    choice: str | None = None
    counts: dict[int, int] | None = None
    index: float | None = None
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    where: str = ""
    tpi_choice: str | None = None
    tpi_counts: dict[int, int] | None = None
    tpi_index: float | None = None
    tpi_note: str = ""
    where_tpi: str = ""

    @property
    def missing(self) -> bool:
        return self.choice is None and self.counts is None and self.index is None

    @property
    def reviewed(self) -> bool:
        """True when the TPI gave an answer of its own."""
        return self.tpi_choice is not None or bool(self.tpi_counts) or self.tpi_index is not None

    def own(self) -> Answer:
        """The unit's answer alone, as in its self-assessment."""
        if not self.reviewed and not self.tpi_note:
            return self
        return replace(self, tpi_choice=None, tpi_counts=None, tpi_index=None, tpi_note="", where_tpi="")

    def counted(self) -> Answer:
        """The answer that counts: the TPI's where it gave one (count inputs one by one), else the unit's."""
        own = self.own()
        if not self.reviewed:
            return own
        if self.tpi_counts:
            return replace(own, counts={**(self.counts or {}), **self.tpi_counts}, choice=None, index=None)
        if self.tpi_index is not None:
            return replace(own, index=self.tpi_index, choice=None, counts=None)
        return replace(own, choice=self.tpi_choice, counts=None, index=None)

    @property
    def changed(self) -> bool:
        """True when the TPI's answer differs from the unit's."""
        counted = self.counted()
        return self.reviewed and (counted.choice, counted.counts, counted.index) != (self.choice, self.counts, self.index)


@dataclass(frozen=True)
class Lke:
    """One unit's filled LKE workbook (Lembar Kerja Evaluasi)."""

    unit_code: str
    source: str
    answers: dict[str, Answer]


@dataclass
class AwardYear:
    """Everything read for one award year, and every problem found while reading."""

    year: int
    edition: str
    inputs: Path
    award: Award
    units: list[Unit]
    quotes: list[Quote]
    lke: dict[str, Lke]
    problems: list[Problem] = field(default_factory=list)

    @property
    def bukti(self) -> Path:
        return self.inputs / "bukti"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
