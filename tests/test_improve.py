"""The way to a predicate: applied it makes the unit eligible, and no shorter way exists."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.improve import apply_steps, way_to, ways
from dossier.model import Answer, Lke, Unit
from dossier.rules import OPTION_KINDS, load_edition
from dossier.scoring import score_unit

EDITION = load_edition("2021")
CHOICES = [c for c, i in EDITION.indicators.items() if i.kind in OPTION_KINDS]
COUNTS = [c for c, i in EDITION.indicators.items() if i.kind == "count"]
WBBM_UNIT = Unit("BP01", "Balai", "Balai", "", "", "", "WBBM", "WBK", "", "")
WBK_UNIT = Unit("BP02", "Balai", "Balai", "", "", "", "WBK", "", "", "")


def best(code: str) -> str:
    return max(EDITION.indicators[code].options, key=lambda o: o.score or 0).key


def counts_at(code: str, fraction_of_ten: int) -> Answer:
    """A count answer scoring about `fraction_of_ten` / 10 (numerator over a denominator of 10)."""
    indicator = EDITION.indicators[code]
    values = {int(o.key): 0 for o in indicator.options}
    denominator, numerator = next(iter(indicator.count.denominator)), next(iter(indicator.count.numerator))
    values[denominator] = 10
    if code == "PRC3A":  # (last year - this year) / last year
        values[2] = 10 - fraction_of_ten
    else:
        values[numerator] = fraction_of_ten
    return Answer(code, counts=values)


def lke(answers: dict[str, Answer], unit: Unit = WBBM_UNIT) -> Lke:
    return Lke(unit.code, "lke/x.xlsx", answers)


def base_answers(hba: float = 4.0, hpa: float = 4.0) -> dict[str, Answer]:
    answers = {c: Answer(c, choice=best(c)) for c in CHOICES}
    answers |= {c: counts_at(c, 10) for c in COUNTS}
    return answers | {"HBA": Answer("HBA", index=hba), "HPA": Answer("HPA", index=hpa)}


def thresholds_met(score, predicate_name: str) -> set[str]:
    """The rules a unit misses, computed here from the nodes and the edition's data alone."""
    predicate = EDITION.predicate(predicate_name)
    missed = set()
    if predicate.requires_current and score.unit.current != predicate.requires_current:
        missed.add("requires_current")
    for key, minimum in predicate.minimums.items():
        if score.nodes[EDITION.nodes[key]] < minimum - 1e-9:
            missed.add(key)
    areas: dict[str, list[float]] = {}
    for path, weight in EDITION.weights.items():
        if len(path) == 3 and path[0] == "Pengungkit":
            areas.setdefault(path[2], [0.0, 0.0])
            areas[path[2]][0] += score.nodes[path]
            areas[path[2]][1] += weight
    for area, (value, weight) in areas.items():
        if value < predicate.area_share * weight - 1e-9:
            missed.add(f"area_share:Pengungkit/{area}")
    return missed


def worse_option(code: str, data) -> str:
    keys = [o.key for o in EDITION.indicators[code].options if o.key != best(code)]
    return data.draw(st.sampled_from(keys))


# --- small cases: against an exhaustive search --------------------------------------------------


def exhaustive(score, predicate: str, candidates: list[str]) -> int | None:
    """The fewest raises (each to the best option, which dominates) meeting every threshold, by trying all."""
    from dossier.improve import Step

    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            steps = [Step(c, best(c), None, 0.0, ()) for c in chosen]
            if not thresholds_met(apply_steps(score, steps), predicate):
                return size
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    lowered=st.lists(st.sampled_from(CHOICES), min_size=3, max_size=8, unique=True),
    counts=st.lists(st.integers(0, 6), min_size=len(COUNTS), max_size=len(COUNTS)),
)
@pytest.mark.slow
def test_small_cases_are_never_longer_than_an_exhaustive_search(data, lowered, counts):
    # Weak counts and IPAK at its minimum keep the unit near the thresholds, so the few lowered answers matter.
    answers = base_answers(hba=3.6) | {c: counts_at(c, n) for c, n in zip(COUNTS, counts)}
    answers |= {c: Answer(c, choice=worse_option(c, data)) for c in lowered}
    score = score_unit(WBBM_UNIT, lke(answers), EDITION)
    way = way_to(score, "WBBM")
    shortest = exhaustive(score, "WBBM", lowered)
    if shortest is None:
        assert not way.reaches
    else:
        assert way.reaches
        assert len(way.steps) == shortest
        assert not thresholds_met(apply_steps(score, way.steps), "WBBM")


# --- large cases: against a greedy search ----------------------------------------------------------


def greedy(score, predicate: str, rules: set[str]) -> int:
    """Raise, one at a time, the answer that closes most of the remaining gaps; count the raises."""
    from dossier.improve import Step

    def deficit(s) -> float:
        predicate_ = EDITION.predicate(predicate)
        total = 0.0
        for key, minimum in predicate_.minimums.items():
            if key in rules:
                total += max(0.0, minimum - s.nodes[EDITION.nodes[key]])
        for path in EDITION.weights:
            if len(path) == 3 and path[0] == "Pengungkit" and f"area_share:Pengungkit/{path[2]}" in rules:
                area = [p for p in EDITION.weights if len(p) == 3 and p[0] == "Pengungkit" and p[2] == path[2]]
                if path == area[0]:
                    need = predicate_.area_share * sum(EDITION.weights[p] for p in area)
                    total += max(0.0, need - sum(s.nodes[p] for p in area))
        return total

    # Each raise's effect, measured once by scoring; effects add up (sub-areas are means of fixed size).
    base = deficit(score)
    steps = []
    remaining = [c for c in CHOICES if score.questions[c].fraction < 1.0]
    current = score
    while deficit(current) > 1e-9:
        effects = {c: deficit(apply_steps(current, [Step(c, best(c), None, 0.0, ())])) for c in remaining}
        choice = min(effects, key=lambda c: (effects[c], CHOICES.index(c)))
        assert effects[choice] < deficit(current) - 1e-12, "greedy is stuck"
        steps.append(Step(choice, best(choice), None, 0.0, ()))
        remaining.remove(choice)
        current = apply_steps(score, steps)
    assert base >= 0
    return len(steps)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    lowered=st.lists(st.sampled_from(CHOICES), min_size=15, max_size=60, unique=True),
    counts=st.lists(st.integers(0, 10), min_size=len(COUNTS), max_size=len(COUNTS)),
    predicate=st.sampled_from(["WBK", "WBBM"]),
)
def test_large_cases_are_never_longer_than_a_greedy_search(data, lowered, counts, predicate):
    answers = base_answers() | {c: counts_at(c, n) for c, n in zip(COUNTS, counts)}
    answers |= {c: Answer(c, choice=worse_option(c, data)) for c in lowered}
    score = score_unit(WBBM_UNIT, lke(answers), EDITION)
    way = way_to(score, predicate)
    blocked = {b.shortfall.rule for b in way.blocked}
    rules = thresholds_met(score, predicate) - blocked
    assert len(way.steps) <= greedy(score, predicate, rules)
    assert thresholds_met(apply_steps(score, way.steps), predicate) == blocked


# --- any unit: the way, applied, leaves only what no answer can meet --------------------------------


def any_answer(code: str):
    indicator = EDITION.indicators[code]
    if indicator.kind == "count":
        return st.integers(0, 10).map(lambda n: counts_at(code, n))
    if indicator.kind == "index":
        return st.floats(EDITION.index_min, EDITION.index_max).map(lambda v: Answer(code, index=v))
    return st.sampled_from(indicator.option_keys).map(lambda k: Answer(code, choice=k))


random_answers = st.fixed_dictionaries({c: st.one_of(st.none(), any_answer(c)) for c in EDITION.indicators}).map(
    lambda d: {k: v for k, v in d.items() if v is not None}
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=random_answers, unit=st.sampled_from([WBK_UNIT, WBBM_UNIT]))
def test_applying_the_way_gives_eligibility_unless_a_fact_blocks_it(values, unit):
    score = score_unit(unit, lke(values, unit), EDITION)
    for predicate, way in ways(score).items():
        after = apply_steps(score, way.steps)
        blocked = {b.shortfall.rule for b in way.blocked}
        assert thresholds_met(after, predicate) == blocked
        assert (predicate in after.eligible) == way.reaches
        for step in way.steps:
            option = EDITION.indicators[step.code].option(step.answer)
            assert option.score > score.questions[step.code].fraction
            assert step.adds == pytest.approx(after.total - apply_steps(score, [s for s in way.steps if s is not step]).total)
            assert step.fixes


# --- hand-made cases -----------------------------------------------------------------------------


def test_an_eligible_unit_has_no_way_to_walk():
    score = score_unit(WBBM_UNIT, lke(base_answers()), EDITION)
    assert score.eligible == ["WBK", "WBBM"] and ways(score) == {}


def test_one_raise_that_closes_two_minimums_is_one_step():
    # HBB (Capaian Kinerja, x 5) at C: 2.50 < 3.75 (WBBM) and Birokrasi bersih 17.5 + 2.5 = 20.0 >= 19.5.
    answers = base_answers() | {"HBB": Answer("HBB", choice="E")}  # 0: capaian 0 < 3.75, birokrasi 17.5 < 19.5
    score = score_unit(WBBM_UNIT, lke(answers), EDITION)
    assert {s.rule for s in score.shortfalls["WBBM"]} == {"capaian_kinerja", "birokrasi_bersih"}
    [step] = way_to(score, "WBBM").steps
    assert (step.code, step.previous, step.answer) == ("HBB", "E", "B")  # B (0.75 x 5 = 3.75) suffices
    assert step.adds == pytest.approx(3.75)
    assert set(step.fixes) == {"capaian_kinerja", "birokrasi_bersih"}
    assert step.to_json() == {"code": "HBB", "answer": "B", "from": "E", "adds": step.adds, "fixes": list(step.fixes)}


def test_a_survey_index_and_a_held_predicate_are_blocked_not_raised():
    answers = base_answers(hpa=3.0)  # IPKP 13.125 < 14.00: only the survey can fix it
    score = score_unit(WBK_UNIT, lke(answers, WBK_UNIT), EDITION)
    wbk, wbbm = way_to(score, "WBK"), way_to(score, "WBBM")
    assert wbk.steps == () and not wbk.reaches
    [blocked] = wbk.blocked
    assert blocked.shortfall.rule == "pelayanan_prima"
    assert "indeks survei (HPA)" in blocked.reason and "tidak dapat dicapai lewat jawaban LKE" in blocked.reason
    assert {b.shortfall.rule for b in wbbm.blocked} == {"requires_current", "pelayanan_prima"}


def test_an_unanswered_question_is_raised_from_blank():
    answers = base_answers()
    for code, indicator in EDITION.indicators.items():
        if indicator.group[:3] == ("Pengungkit", "Pemenuhan", "Manajemen Perubahan"):
            answers[code] = Answer(code)  # its row is in the form, its answer blank
    score = score_unit(WBBM_UNIT, lke(answers), EDITION)
    assert "area_share:Pengungkit/Manajemen Perubahan" in {s.rule for s in score.shortfalls["WBBM"]}
    way = way_to(score, "WBBM")
    assert way.reaches and all(s.previous is None for s in way.steps)
    assert "WBBM" in apply_steps(score, way.steps).eligible


@pytest.mark.slow
@pytest.mark.parametrize("without_rows", [("PPB1A", "PPD1C", "PPF2B", "PPF2E"), ("PPA1A", "PPA1B", "PPA2A")])
def test_the_way_never_raises_an_indicator_without_a_row_in_the_units_form(without_rows):
    answers = base_answers()
    for code, indicator in EDITION.indicators.items():
        if indicator.group[:2] == ("Pengungkit", "Pemenuhan") and code not in without_rows:
            answers[code] = Answer(code)  # blank rows: what the way may raise
    for code in without_rows:
        del answers[code]  # no row at all, as a revised copy of the form lacks it
    score = score_unit(WBK_UNIT, lke(answers, WBK_UNIT), EDITION)
    way = way_to(score, "WBK")
    assert way.steps and not {s.code for s in way.steps} & set(without_rows)


def test_with_skipped_blanks_the_way_raises_answered_questions(tmp_path):
    from tests.test_scoring import edition_with

    skip = edition_with(tmp_path, missing="skip")
    answers = base_answers() | {c: Answer(c, choice=min(EDITION.indicators[c].option_keys,
                                                       key=lambda k: EDITION.indicators[c].option(k).score or 0))
                                for c in CHOICES[:40] if EDITION.indicators[c].component == "Pengungkit"}
    for code in CHOICES[40:50]:
        del answers[code]
    score = score_unit(WBK_UNIT, lke(answers, WBK_UNIT), skip)
    way = way_to(score, "WBK")
    assert score.shortfalls["WBK"] and way.reaches and way.steps
    assert all(step.code in answers for step in way.steps)  # blanks are left out of the mean, not raised
    assert "WBK" in apply_steps(score, way.steps).eligible
