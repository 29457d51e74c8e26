"""Score a unit's LKE answers by the rules of an edition; decide eligibility.

Pure functions: answers + edition -> scores. Full precision is kept; rounding
happens only where a number is displayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dossier.model import Answer, Lke, Unit
from dossier.rules import CountRule, Edition, Indicator, Option

Path = tuple[str, ...]
SELF_ASSESSMENT_KEYS = ("total", "pemenuhan", "reform", "pengungkit", "hasil", "areas", "eligible", "shortfalls")


@dataclass(frozen=True)
class QuestionScore:
    """One indicator's result: `fraction` is 0..1; `option` the chosen option, if any.

    `answer` is the answer scored (plain: the TPI's values already in place for the
    counting score); `review` the answer as read, the unit's and the TPI's, when the
    TPI answered or noted anything.
    """

    indicator: Indicator
    answer: Answer | None
    fraction: float
    option: Option | None = None
    review: Answer | None = None

    @property
    def missing(self) -> bool:
        return self.answer is None or self.answer.missing

    @property
    def changed(self) -> bool:
        """True when the TPI's answer differs from the unit's (and so this score from the self-assessment)."""
        return self.review is not None and self.review.changed

    @property
    def tpi_note(self) -> str:
        return self.review.tpi_note if self.review else ""


@dataclass(frozen=True)
class Shortfall:
    """One unmet threshold: which rule, what was needed, what was reached."""

    predicate: str
    rule: str
    label: str
    required: float | str
    reached: float | str

    @property
    def gap(self) -> float | None:
        """How much is missing (None for a rule that is not a number)."""
        if isinstance(self.required, float) and isinstance(self.reached, float):
            return self.required - self.reached
        return None

    def to_json(self) -> dict:
        return {
            "predicate": self.predicate,
            "rule": self.rule,
            "label": self.label,
            "required": self.required,
            "reached": self.reached,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class AreaPart:
    """A node whose share of its weight is checked (an area-part, or an area)."""

    path: Path
    score: float
    weight: float

    @property
    def name(self) -> str:
        return " / ".join(self.path[1:])

    @property
    def share(self) -> float:
        return self.score / self.weight if self.weight else 0.0


@dataclass(frozen=True)
class UnitScore:
    """Every score of one unit, from each question up to the total, and its eligibility."""

    unit: Unit
    edition: Edition
    nodes: dict[Path, float]
    questions: dict[str, QuestionScore]
    eligible: list[str]
    shortfalls: dict[str, list[Shortfall]] = field(default_factory=dict)
    cautions: dict[str, list[Shortfall]] = field(default_factory=dict)
    """Per predicate: halves (Pemenuhan or Reform of an area) below the area share while
    their area as a whole meets it. Only a caution: the unit stays eligible."""
    own: UnitScore | None = None
    """The unit's self-assessment (its own answers alone), when the TPI changed or noted any answer."""

    @property
    def self_assessment(self) -> UnitScore:
        """The score of the unit's own answers (this score itself when the TPI reviewed nothing)."""
        return self.own or self

    @property
    def changed(self) -> list[str]:
        """The indicators whose answer the TPI changed."""
        return [code for code, q in self.questions.items() if q.changed]

    def __getitem__(self, key: str) -> float:
        """The score of a named node of the edition (`total`, `pengungkit`, `ipak`...)."""
        return self.nodes[self.edition.nodes[key]]

    def get(self, key: str) -> float | None:
        node = self.edition.nodes.get(key)
        return self.nodes.get(node) if node else None

    @property
    def total(self) -> float:
        return self.nodes[("",)]

    @property
    def missing(self) -> list[str]:
        return [code for code, q in self.questions.items() if q.missing]

    @property
    def without_evidence(self) -> list[str]:
        """The indicators whose answer names no evidence (an empty `Bukti Dukung`)."""
        return [code for code, q in self.questions.items() if not (q.answer and q.answer.evidence)]

    @property
    def missing_count(self) -> int:
        """How many indicators have no answer."""
        return len(self.missing)

    @property
    def proposed_shortfalls(self) -> list[Shortfall]:
        """The shortfalls against the predicate the unit is proposed for."""
        return self.shortfalls.get(self.unit.proposed, [])

    @property
    def proposed_cautions(self) -> list[Shortfall]:
        """The cautions (a half below its share in an area that passes) for the proposed predicate."""
        return self.cautions.get(self.unit.proposed, [])

    def area_parts(self, level: str = "area-part", component: str = "Pengungkit") -> list[AreaPart]:
        """The nodes whose share is checked: each area-part, or each area across parts."""
        if level == "area-part":
            return [
                AreaPart(path, self.nodes[path], weight)
                for path, weight in self.edition.weights.items()
                if len(path) == 3 and path[0] == component
            ]
        areas: dict[str, list[float]] = {}
        for path, weight in self.edition.weights.items():
            if len(path) == 3 and path[0] == component:
                totals = areas.setdefault(path[2], [0.0, 0.0])
                totals[0] += self.nodes[path]
                totals[1] += weight
        return [AreaPart((component, area), s, w) for area, (s, w) in areas.items()]

    def to_json(self) -> dict:
        """The unrounded scores, in the shape of `dossier score --json`.

        The top-level scores are the counting ones (the TPI's answers where it gave one);
        `self_assessment` has the same score keys from the unit's own answers.
        """
        own = self.self_assessment._scores_json()
        return self._scores_json() | {
            "tpi_changed": self.changed,
            "self_assessment": {key: own[key] for key in SELF_ASSESSMENT_KEYS},
        }

    def _scores_json(self) -> dict:
        unit = self.unit
        named = {key: self.nodes[node] for key, node in self.edition.nodes.items()}
        areas: dict[str, dict] = {}
        for part in self.area_parts():
            _, part_name, area = part.path
            entry = areas.setdefault(area, {"area": area})
            entry[part_name.lower()] = part.score
            entry[f"{part_name.lower()}_weight"] = part.weight
        return {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "proposed": unit.proposed,
            "current": unit.current,
            "result": unit.result,
            **{key: named.get(key) for key in ("pemenuhan", "reform", "pengungkit", "hasil", "total")},
            "ipak": named.get("ipak"),
            "capaian_kinerja": named.get("capaian_kinerja"),
            "ipkp": named.get("ipkp"),
            "areas": list(areas.values()),
            "eligible": self.eligible,
            "shortfalls": [s.to_json() for s in self.proposed_shortfalls],
            "cautions": [s.to_json() for s in self.proposed_cautions],
            "missing": self.missing,
            "without_evidence": self.without_evidence,
        }


def score_question(indicator: Indicator, answer: Answer | None, edition: Edition) -> QuestionScore:
    """Score one answer as a fraction 0..1 of its question; a missing answer scores 0.

    Whether a missing answer then counts in its sub-area's mean is the edition's
    `missing` setting, applied by `score_unit`.
    """
    if answer is None or answer.missing:
        return QuestionScore(indicator, answer, 0.0)
    if indicator.kind == "index":
        assert answer.index is not None, "the reader sets an index question's index, or nothing"
        return QuestionScore(indicator, answer, _clamp(answer.index / edition.index_max))
    if indicator.kind == "count":
        assert indicator.count is not None, "the edition has a [counts] rule for every count question"
        return QuestionScore(indicator, answer, count_fraction(indicator.count, answer.counts or {}))
    option = indicator.option(answer.choice or "")
    return QuestionScore(indicator, answer, option.score or 0.0 if option else 0.0, option)


def count_fraction(rule: CountRule, counts: dict[int, int]) -> float:
    """Apply a count formula: numerator / denominator clamped to 0..1, with its zero convention."""
    numerator = sum(factor * counts.get(n, 0) for n, factor in rule.numerator.items())
    denominator = sum(factor * counts.get(n, 0) for n, factor in rule.denominator.items())
    if denominator == 0:
        return rule.zero_denominator if numerator == 0 else rule.zero_denominator_numerator
    return _clamp(numerator / denominator)


def score_unit(unit: Unit, lke: Lke | None, edition: Edition) -> UnitScore:
    """Score one unit as it counts: the TPI's answer where it gave one, the unit's otherwise.

    When the TPI answered or noted anything, the unit's self-assessment (its own
    answers alone) is scored too, as `UnitScore.own`.
    """
    answers = lke.answers if lke else {}
    reviewed = {code: a for code, a in answers.items() if a.reviewed or a.tpi_note}
    if not reviewed:
        return _score(unit, answers, edition)
    own = _score(unit, {code: a.own() for code, a in answers.items()}, edition)
    counted = _score(unit, {code: a.counted() for code, a in answers.items()}, edition, reviewed)
    return replace(counted, own=own)


def _score(unit: Unit, answers: dict[str, Answer], edition: Edition, reviewed: dict[str, Answer] | None = None) -> UnitScore:
    """Score plain answers: questions, groups (mean x weight), every sum up to the total, eligibility."""
    reviewed = reviewed or {}
    questions = {
        code: replace(score_question(indicator, answers.get(code), edition), review=reviewed.get(code))
        if code in reviewed else score_question(indicator, answers.get(code), edition)
        for code, indicator in edition.indicators.items()
    }
    fractions: dict[Path, list[float]] = {}
    for q in questions.values():
        values = fractions.setdefault(q.indicator.group, [])
        if not (q.missing and edition.missing == "skip"):
            values.append(q.fraction)
    nodes = dict.fromkeys(edition.weights, 0.0)
    for group, values in fractions.items():
        # With missing = "skip" a sub-area with no answer at all scores 0 (the official workbook shows "Blm Diisi").
        score = sum(values) / len(values) * edition.weights[group] if values else 0.0
        nodes[group] = score
        for depth in range(len(group) - 1, 0, -1):
            nodes[group[:depth]] += score
        nodes[("",)] += score
    shortfalls = {p.name: _shortfalls(p, unit, nodes, edition) for p in edition.predicates}
    eligible = [name for name, missed in shortfalls.items() if not missed]
    cautions = {p.name: _cautions(p, unit, nodes, edition) for p in edition.predicates}
    return UnitScore(unit, edition, nodes, questions, eligible, shortfalls, cautions)


def _shortfalls(predicate, unit: Unit, nodes: dict[Path, float], edition: Edition) -> list[Shortfall]:
    # Labels stay Indonesian whatever the interface language: they are printed in the documents
    # and are values of `score --json`, which never depend on the language.
    found = []
    if predicate.requires_current and not edition.holds(unit.current, predicate.requires_current):
        found.append(
            Shortfall(predicate.name, "requires_current", "Predikat saat ini", predicate.requires_current, unit.current or "-")
        )
    for key, minimum in predicate.minimums.items():
        reached = nodes[edition.nodes[key]]
        if reached < minimum - 1e-9:
            found.append(Shortfall(predicate.name, key, edition.label(key), minimum, reached))
    probe = UnitScore(unit, edition, nodes, {}, [])
    for part in probe.area_parts(predicate.area_share_level, predicate.area_share_component):
        required = predicate.area_share * part.weight
        if part.score < required - 1e-9:
            found.append(Shortfall(predicate.name, "area_share:" + "/".join(part.path), part.name, required, part.score))
    return found


def _cautions(predicate, unit: Unit, nodes: dict[Path, float], edition: Edition) -> list[Shortfall]:
    """Halves below the share whose whole area meets it (only when the predicate checks areas)."""
    if predicate.area_share_level != "area" or not predicate.area_share:
        return []
    probe = UnitScore(unit, edition, nodes, {}, [])
    passing = {
        part.path[1]
        for part in probe.area_parts("area", predicate.area_share_component)
        if part.score >= predicate.area_share * part.weight - 1e-9
    }
    found = []
    for half in probe.area_parts("area-part", predicate.area_share_component):
        required = predicate.area_share * half.weight
        if half.path[2] in passing and half.score < required - 1e-9:
            found.append(Shortfall(predicate.name, "area_part_share:" + "/".join(half.path), half.name, required, half.score))
    return found


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
