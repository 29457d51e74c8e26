"""The way to a predicate: the fewest choice answers a unit must raise to become eligible.

Every threshold of a predicate is linear in the unit's choice answers: a sub-area
scores the mean of its questions times its weight, so raising one answer from
option a to option b adds (score(b) - score(a)) x weight / questions to its
sub-area and to every node above it. The fewest raises that meet every threshold
are therefore a small integer program: one 0/1 variable per (indicator, better
option), at most one option per indicator, one row per unmet threshold. It is
solved exactly with HiGHS (`scipy.optimize.milp`); among the shortest ways the
one adding the least score is chosen, the smallest raises that suffice.

Survey indices, counts and the predicate already held are facts, not answers to
raise: a threshold that stays unmet with every choice answer at its best is
reported as blocked, with the reason, and the way fixes the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dossier.decision import decide_score
from dossier.i18n import _
from dossier.model import Answer, Lke
from dossier.rules import OPTION_KINDS, Edition, Indicator, Predicate
from dossier.scoring import Shortfall, UnitScore, score_unit

NodePath = tuple[str, ...]
TOLERANCE = 1e-9  # as scoring: a value within this of its minimum meets it


@dataclass(frozen=True)
class Step:
    """Raise one choice answer: `code` from `previous` (None: unanswered) to `answer`.

    `adds` is what the raise adds to the total score; `fixes` names the rules of the
    unmet thresholds it counts towards (`total`, `area_share:Pengungkit/...`).
    """

    code: str
    answer: str
    previous: str | None
    adds: float
    fixes: tuple[str, ...]

    def to_json(self) -> dict:
        return {"code": self.code, "answer": self.answer, "from": self.previous, "adds": self.adds, "fixes": list(self.fixes)}


@dataclass(frozen=True)
class Blocked:
    """An unmet threshold that no LKE answer can meet, and why (in Bahasa Indonesia)."""

    shortfall: Shortfall
    reason: str

    def to_json(self) -> dict:
        return {**self.shortfall.to_json(), "reason": self.reason}


@dataclass(frozen=True)
class Way:
    """The fewest raises that make a unit eligible for `predicate`, and what they cannot fix."""

    predicate: str
    steps: tuple[Step, ...] = ()
    blocked: tuple[Blocked, ...] = ()

    @property
    def reaches(self) -> bool:
        """True when applying the steps makes the unit eligible."""
        return not self.blocked

    def to_json(self) -> list[dict]:
        return [s.to_json() for s in self.steps]


@dataclass(frozen=True)
class _Threshold:
    rule: str
    nodes: tuple[NodePath, ...]  # the threshold holds on the sum of these nodes
    required: float
    shortfall: Shortfall | None  # None when already met


def ways(score: UnitScore) -> dict[str, Way]:
    """The way to every predicate of the edition the unit is not yet eligible for."""
    return {p.name: way_to(score, p.name) for p in score.edition.predicates if p.name not in score.eligible}


def way_to(score: UnitScore, predicate_name: str) -> Way:
    """The fewest choice answers to raise so that the unit meets every threshold of the predicate."""
    edition = score.edition
    predicate = edition.predicate(predicate_name)
    if predicate is None:
        raise ValueError(_("edition {edition} has no predicate {predicate}").format(edition=edition.name,
                                                                                    predicate=predicate_name))
    if predicate_name in score.eligible:
        return Way(predicate_name)
    candidates = _candidates(score)
    thresholds = _thresholds(score, predicate)
    blocked, open_ = [], []
    for t in thresholds:
        if t.shortfall is None:
            continue
        if t.rule == "requires_current":
            blocked.append(Blocked(t.shortfall, f"predikat {t.shortfall.required} harus sudah dimiliki; tidak dapat dicapai lewat jawaban LKE"))
            continue
        best = _value(score, t) + sum(max(gain for gain in _gains(c, t.nodes)) for c in candidates)
        if best < t.required - TOLERANCE:
            blocked.append(Blocked(t.shortfall, _blocked_reason(edition, t)))
        else:
            open_.append(t)
    steps: tuple[Step, ...] = ()
    if open_:
        for margin in (-TOLERANCE, 1e-7, 1e-5):
            steps = _solve(score, candidates, open_, margin)
            if _meets(apply_steps(score, steps), predicate, [t.rule for t in open_]):
                break
        else:  # pragma: no cover - the margins above cover the solver's tolerance
            raise RuntimeError(_("{unit}: the way to {predicate} does not meet its thresholds")
                               .format(unit=score.unit.code, predicate=predicate_name))
    return Way(predicate_name, steps, tuple(blocked))


def score_json(score: UnitScore) -> dict:
    """`UnitScore.to_json()` with the year's `decision` for the unit, and the way to each predicate not yet met:
    `path` and `path_blocked`."""
    found = ways(score)
    return score.to_json() | {
        "decision": decide_score(score).to_json(),
        "path": {name: way.to_json() for name, way in found.items()},
        "path_blocked": {name: [b.to_json() for b in way.blocked] for name, way in found.items()},
    }


def apply_steps(score: UnitScore, steps: tuple[Step, ...] | list[Step]) -> UnitScore:
    """Score the unit again with every step's answer in place of its own."""
    lke_answers = {code: q.answer for code, q in score.questions.items() if q.answer is not None}
    for step in steps:
        old = lke_answers.get(step.code)
        lke_answers[step.code] = replace(old, choice=step.answer) if old else Answer(step.code, choice=step.answer)
    return score_unit(score.unit, Lke(score.unit.code, "", lke_answers), score.edition)


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A choice indicator that can be raised: its options better than the current answer."""

    indicator: Indicator
    previous: str | None
    options: tuple[tuple[str, float], ...]  # (key, fraction added)
    per_fraction: float  # what one whole fraction adds to its sub-area


def _candidates(score: UnitScore) -> list[_Candidate]:
    edition = score.edition
    answered: dict[NodePath, int] = {}
    members: dict[NodePath, int] = {}
    for q in score.questions.values():
        members[q.indicator.group] = members.get(q.indicator.group, 0) + 1
        if not q.missing:
            answered[q.indicator.group] = answered.get(q.indicator.group, 0) + 1
    found = []
    for q in score.questions.values():
        indicator = q.indicator
        if indicator.kind not in OPTION_KINDS:
            continue
        if q.answer is None:
            # No row for it in the unit's form (a copy of an older or revised LKE): the unit cannot
            # raise an answer it has nowhere to write; only an answered or blank row can be raised.
            continue
        if edition.missing == "skip" and q.missing:
            # Skipped answers are out of the mean: answering one changes the divisor, which is
            # not linear; the way raises answered questions only.
            continue
        divisor = answered[indicator.group] if edition.missing == "skip" else members[indicator.group]
        better = tuple((o.key, (o.score or 0.0) - q.fraction) for o in indicator.options if (o.score or 0.0) > q.fraction + 1e-12)
        if better:
            previous = None if q.missing else q.answer.choice
            found.append(_Candidate(indicator, previous, better, edition.weights[indicator.group] / divisor))
    return found


def _thresholds(score: UnitScore, predicate: Predicate) -> list[_Threshold]:
    edition = score.edition
    missed = {s.rule: s for s in score.shortfalls.get(predicate.name, [])}
    found = [_Threshold("requires_current", (), 0.0, missed.get("requires_current"))]
    for key, minimum in predicate.minimums.items():
        found.append(_Threshold(key, (edition.nodes[key],), minimum, missed.get(key)))
    if predicate.area_share:
        for part in score.area_parts(predicate.area_share_level, predicate.area_share_component):
            nodes: tuple[NodePath, ...]
            if predicate.area_share_level == "area":
                component, area = part.path
                nodes = tuple(p for p in edition.weights if len(p) == 3 and p[0] == component and p[2] == area)
            else:
                nodes = (part.path,)
            rule = "area_share:" + "/".join(part.path)
            found.append(_Threshold(rule, nodes, predicate.area_share * part.weight, missed.get(rule)))
    return found


def _under(group: NodePath, node: NodePath) -> bool:
    return node == ("",) or group[: len(node)] == node


def _gains(candidate: _Candidate, nodes: tuple[NodePath, ...]) -> list[float]:
    """What each better option adds to the sum of the given nodes (0 for an indicator outside them)."""
    inside = any(_under(candidate.indicator.group, n) for n in nodes)
    return [delta * candidate.per_fraction if inside else 0.0 for _, delta in candidate.options]


def _value(score: UnitScore, threshold: _Threshold) -> float:
    return sum(score.nodes[n] for n in threshold.nodes)


def _blocked_reason(edition: Edition, threshold: _Threshold) -> str:
    inside = [i for i in edition.indicators.values() if any(_under(i.group, n) for n in threshold.nodes)]
    facts = sorted({i.kind for i in inside} - OPTION_KINDS)
    if inside and all(i.kind not in OPTION_KINDS for i in inside):
        what = "indeks survei" if facts == ["index"] else "data jumlah" if facts == ["count"] else "indeks survei dan data jumlah"
        codes = ", ".join(i.code for i in inside)
        return f"bergantung hanya pada {what} ({codes}), bukan pada pilihan jawaban; tidak dapat dicapai lewat jawaban LKE"
    return "tidak tercapai walaupun semua pilihan jawaban dinaikkan ke nilai terbaik; sisanya bergantung pada indeks survei atau data jumlah"


def _solve(score: UnitScore, candidates: list[_Candidate], thresholds: list[_Threshold], margin: float) -> tuple[Step, ...]:
    """Solve the integer program: fewest raises, then the least score added."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    variables = [(c, key, delta) for c in candidates for key, delta in c.options]
    adds = np.array([delta * c.per_fraction for c, _, delta in variables])
    # Fewest steps first; the score added (at most 100, so under 1 after scaling) breaks ties.
    cost = np.ones(len(variables)) + adds / (1000.0 * max(score.edition.weights[("",)], 1.0))
    rows = np.array([[g for c in candidates for g in _gains(c, t.nodes)] for t in thresholds])
    need = np.array([t.required - _value(score, t) + margin for t in thresholds])
    one = np.zeros((len(candidates), len(variables)))
    column = 0
    for i, c in enumerate(candidates):
        one[i, column : column + len(c.options)] = 1.0
        column += len(c.options)
    result = milp(
        cost,
        constraints=[LinearConstraint(rows, need, np.inf), LinearConstraint(one, 0, 1)],
        integrality=np.ones(len(variables)),
        bounds=Bounds(0, 1),
        # The step count is exact: a relative gap this small leaves less than half a step of
        # absolute gap, and the tie-break weighs under 0.1 in all; the tie-break itself may be near-optimal.
        options={"mip_rel_gap": 0.4 / (len(candidates) + 1)},
    )
    if result.x is None:  # pragma: no cover - the thresholds were checked to be reachable
        raise RuntimeError(_("{unit}: no way found ({reason})").format(unit=score.unit.code, reason=result.message))
    steps = []
    for (c, key, delta), x in zip(variables, result.x):
        if x > 0.5:
            index = [k for k, _ in c.options].index(key)
            fixes = tuple(t.rule for t in thresholds if _gains(c, t.nodes)[index] > 0)
            steps.append(Step(c.indicator.code, key, c.previous, delta * c.per_fraction, fixes))
    order = {code: n for n, code in enumerate(score.edition.indicators)}
    return tuple(sorted(steps, key=lambda s: (-s.adds, order[s.code])))


def _meets(score: UnitScore, predicate: Predicate, rules: list[str]) -> bool:
    missed = {s.rule for s in score.shortfalls.get(predicate.name, [])}
    return not missed & set(rules)
