"""The year's nomination decision, made once: per unit, assessed; proposed or not; for which predicate; why not.

Every document, the score table and `score --json` read this and word it alike:
"dinilai" (assessed) for every unit scored, "diusulkan" (proposed) for the units
sent to the national team. Pure: the register's units and their scores in, the
decision out.

The rules (PermenPAN-RB 90/2021): a unit is proposed for the predicate it aims at
when it meets its minimums; a unit aiming at WBBM that meets only WBK is proposed
for WBK, unless it already holds WBK: a unit is never proposed for a predicate it
holds (or a lower one). A WBK holder that misses WBBM is not proposed this year and
keeps its WBK.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from dossier.errors import Place, Problem, msg
from dossier.layout import REGISTER, UNIT
from dossier.model import Unit
from dossier.scoring import Shortfall, UnitScore

# Why a unit is not proposed.
SHORTFALL = "shortfall"  # its scores miss a minimum of the predicate it aims at (and it meets no lower one it may take)
PREREQUISITE = "prerequisite"  # it misses only a prerequisite (WBBM needs WBK held)
HOLDS = "holds"  # it already holds the predicate it meets
NOT_ASSESSED = "not-assessed"  # no score (no LKE, or errors in it)
NO_TARGET = "no-target"  # the register names no predicate the edition knows

PREDICATE_NAMES = {
    "WBK": "Wilayah Bebas dari Korupsi (WBK)",
    "WBBM": "Wilayah Birokrasi Bersih dan Melayani (WBBM)",
}


@dataclass(frozen=True)
class Decision:
    """What the year decided for one unit.

    `target` is the predicate the register says it aims at, `current` the one it holds,
    `predicate` the one it is proposed for ("" when not proposed), `reason` why not.
    """

    code: str
    name: str
    kind: str
    target: str
    current: str
    assessed: bool
    predicate: str = ""
    reason: str = ""
    shortfalls: tuple[Shortfall, ...] = ()  # against the target

    @property
    def proposed(self) -> bool:
        return bool(self.predicate)

    @property
    def lowered(self) -> bool:
        """Proposed for a predicate below the one it aimed at (it met only that one)."""
        return self.proposed and self.predicate != self.target

    @property
    def predicate_name(self) -> str:
        return PREDICATE_NAMES.get(self.predicate, self.predicate)

    @property
    def keeps(self) -> str:
        """The predicate a unit not proposed keeps ('' when it holds none)."""
        return "" if self.proposed else self.current

    def why_not(self) -> str:
        """Why the unit is not proposed, in Indonesian ('' when it is): 'belum memenuhi syarat WBBM; tetap berpredikat WBK'."""
        if self.proposed:
            return ""
        if self.reason == NOT_ASSESSED:
            text = "belum dinilai (LKE belum diterima atau belum dapat dibaca)"
        elif self.reason == NO_TARGET:
            text = "predikat yang dituju belum diisi pada register"
        elif self.reason == HOLDS:
            text = f"sudah berpredikat {self.current}"
        elif self.reason == PREREQUISITE:
            required = next((s.required for s in self.shortfalls if s.rule == "requires_current"), "")
            text = f"predikat {self.target} mensyaratkan predikat {required} yang belum dimiliki"
        else:
            text = f"belum memenuhi syarat {self.target}"
        if self.current and self.reason != HOLDS:
            text += f"; tetap berpredikat {self.current}"
        return text

    def sentence(self) -> str:
        """The decision in one clause, the same in every document: 'diusulkan untuk predikat WBK'."""
        if self.proposed:
            text = f"diusulkan untuk predikat {self.predicate}"
            if self.lowered:
                text += f" (semula menuju {self.target}; belum memenuhi syarat {self.target})"
            return text
        return f"tidak diusulkan tahun ini: {self.why_not()}"

    def to_json(self) -> dict:
        return {
            "assessed": self.assessed,
            "proposed": self.proposed,
            "predicate": self.predicate or None,
            "target": self.target,
            "current": self.current or None,
            "lowered": self.lowered,
            "reason": self.reason or None,
            "keeps": self.keeps or None,
            "text": self.sentence(),
        }


def named_predicate(category: str) -> str:
    """The predicate a Kategori Penghargaan names by its own name ('Wilayah Bebas dari Korupsi' is WBK), else ''."""
    said = " ".join(category.split()).casefold()
    return next((p for p, name in PREDICATE_NAMES.items() if said in (name.casefold(), name.removesuffix(f" ({p})").casefold())),
                "")


def decide(unit: Unit, score: UnitScore | None) -> Decision:
    """Decide one unit from its register row and its score (None: not assessed)."""
    base = partial(Decision, code=unit.code, name=unit.name, kind=unit.kind, target=unit.proposed, current=unit.current)
    if score is None:
        return base(assessed=False, reason=NOT_ASSESSED)
    order = score.edition.predicate_names
    missed = tuple(score.shortfalls.get(unit.proposed, ()))
    if unit.proposed not in order:
        return base(assessed=True, reason=NO_TARGET)
    held = order.index(unit.current) if unit.current in order else -1
    open_ = [p for p in order[: order.index(unit.proposed) + 1] if order.index(p) > held]
    met = [p for p in open_ if p in score.eligible]
    if met:
        return base(assessed=True, predicate=met[-1], shortfalls=missed)
    if not open_:
        reason = HOLDS
    elif missed and all(s.rule == "requires_current" for s in missed):
        reason = PREREQUISITE
    else:
        reason = SHORTFALL
    return base(assessed=True, reason=reason, shortfalls=missed)


def decide_score(score: UnitScore) -> Decision:
    """Decide the unit a score belongs to."""
    return decide(score.unit, score)


@dataclass(frozen=True)
class YearDecision:
    """Every unit's decision, in register order, and the counts every year-level document states."""

    decisions: tuple[Decision, ...]
    order: tuple[str, ...] = ("WBK", "WBBM")

    @property
    def assessed(self) -> list[Decision]:
        return [d for d in self.decisions if d.assessed]

    @property
    def proposed(self) -> list[Decision]:
        return [d for d in self.decisions if d.proposed]

    @property
    def not_proposed(self) -> list[Decision]:
        return [d for d in self.decisions if not d.proposed]

    def by_predicate(self) -> dict[str, list[Decision]]:
        """The proposed units per predicate, in the edition's order (WBK first)."""
        found: dict[str, list[Decision]] = {}
        for name in self.order:
            chosen = [d for d in self.proposed if d.predicate == name]
            if chosen:
                found[name] = chosen
        return found

    def get(self, code: str) -> Decision | None:
        return next((d for d in self.decisions if d.code == code), None)

    def summary(self) -> str:
        """'6 unit dinilai, 4 diusulkan (3 WBK, 1 WBBM)': the same counts in every document."""
        groups = ", ".join(f"{len(ds)} {name}" for name, ds in self.by_predicate().items())
        text = f"{len(self.assessed)} unit dinilai, {len(self.proposed)} diusulkan"
        return text + (f" ({groups})" if groups else "")


def decide_year(units: list[Unit], scores: list[UnitScore]) -> YearDecision:
    """Decide every unit of the register (a unit without a score is not assessed)."""
    by_code = {s.unit.code: s for s in scores}
    units = list(units) or [s.unit for s in scores]
    order = tuple(scores[0].edition.predicate_names) if scores else ("WBK", "WBBM")
    return YearDecision(tuple(decide(u, by_code.get(u.code)) for u in units), order)


def register_warnings(units: list[Unit], scores: list[UnitScore], where: str = "") -> list[Problem]:
    """What the decision says of the register: a unit aiming at a predicate it holds (or a lower one), a result
    for a unit not proposed (warnings), a result above the predicate proposed (an error: the release would say it),
    and results entered for only some of the units proposed (the release waits for all)."""
    found = []
    year = decide_year(units, scores)
    order = list(year.order)
    for unit, decision in zip(units, year.decisions):
        place = Place.parse(unit.where or where)
        result = unit.result.strip()
        if unit.current in order and unit.proposed in order and order.index(unit.current) >= order.index(unit.proposed):
            higher = order[order.index(unit.current) + 1:]
            found.append(Problem(
                place,
                msg("unit {code} already holds {predicate} and is proposed for it again", code=unit.code,
                    predicate=unit.current) if unit.current == unit.proposed else
                msg("unit {code} already holds {held}, above the {predicate} it is proposed for", code=unit.code,
                    held=unit.current, predicate=unit.proposed),
                "warning",
                fix=msg("a unit is never proposed for a predicate it holds: write the next predicate ({predicate}) in "
                        "Predikat Diusulkan", predicate=higher[0]) if higher else
                msg("a unit holding {predicate}, the highest predicate, is not proposed: clear its Predikat Diusulkan",
                    predicate=unit.current),
                code="decision.proposed_for_held", unit=unit.code))
        if result and decision.assessed and not decision.proposed:
            found.append(Problem(place, msg("unit {code} has a Hasil Penetapan ({result}) but was not proposed this year",
                                            code=unit.code, result=unit.result), "warning",
                                 fix=msg("clear the result, or check the unit's LKE and its predicates; the press "
                                         "release names only the units proposed"),
                                 code="decision.result_not_proposed", unit=unit.code))
        elif decision.proposed and result in order and (other := named_predicate(unit.category)) and other != result:
            found.append(Problem(place, msg("unit {code} has the Kategori Penghargaan '{category}', the name of {other}, "
                                            "yet its Hasil Penetapan is {result}", code=unit.code,
                                            category=unit.category.strip(), other=other, result=result),
                                 fix=msg("make them agree: the category of {result} is '{name}'", result=result,
                                         name=PREDICATE_NAMES.get(result, result).removesuffix(f" ({result})")),
                                 code="decision.category_not_result", unit=unit.code))
        if decision.proposed and result in order and order.index(result) > order.index(decision.predicate):
            found.append(Problem(place, msg("unit {code} was proposed for {predicate}, yet its Hasil Penetapan is {result}",
                                            code=unit.code, predicate=decision.predicate, result=result),
                                 fix=msg("a unit is awarded at most the predicate it was proposed for: write {predicate} "
                                         "or Tidak, as announced", predicate=decision.predicate),
                                 code="decision.result_above_proposal", unit=unit.code))
    proposed = [u for u, d in zip(units, year.decisions) if d.proposed]
    waiting = [u.code for u in proposed if not u.result.strip()]
    if waiting and len(waiting) < len(proposed):
        found.append(Problem(Place(REGISTER, UNIT.sheet),
                             msg("results are entered for {entered} of the {count} units proposed; none yet for {codes}",
                                 entered=len(proposed) - len(waiting), count=len(proposed), codes=", ".join(waiting)),
                             "warning",
                             fix=msg("the press release stays the one before the announcement until every unit proposed "
                                     "has its Hasil Penetapan (WBK, WBBM or Tidak)"),
                             code="decision.results_partial"))
    return found
