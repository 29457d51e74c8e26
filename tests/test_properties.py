"""Properties that hold for any input: readers, scoring and eligibility (hypothesis)."""

from __future__ import annotations

import itertools
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dossier.errors import DossierError
from dossier.model import Answer, Lke, Unit
from dossier.readers import read_lke
from dossier.readers.lke import LkeRead
from dossier.readers.register import read_register
from dossier.rules import Indicator, load_edition
from dossier.scoring import count_fraction, score_unit

EDITION = load_edition("2021")
CODES = list(EDITION.indicators)
ROW_CODES = [f"{c}.{o.key}" if i.kind == "count" else c for c, i in EDITION.indicators.items() for o in (i.options if i.kind == "count" else i.options[:1])]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the readers never raise anything but dossier's own errors ------------------------------------

text = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))  # what a workbook can hold
cell = st.one_of(
    st.none(),
    text,
    st.sampled_from(["Kode", "Jawaban", "Kode Unit", "Catatan", "Bukti Dukung", "BP01", "A", "Ya", "3,72", "#DIV/0!", "#REF!",
                     "../x.pdf", "/etc/passwd", "file:///etc/passwd", "1.000", " "] + ROW_CODES[:30]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    text.map(lambda s: "=" + s),  # a formula, with no stored value
)
grid = st.dictionaries(st.tuples(st.integers(1, 25), st.integers(1, 8)), cell, max_size=60)


def write_sheet(path: Path, title: str, cells: dict, extra: tuple[tuple[int, int, object], ...] = ()) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for (row, column), value in cells.items():
        ws.cell(row, column, value)
    for row, column, value in extra:
        ws.cell(row, column, value)
    wb.save(path)


@FAST
@given(cells=grid, with_header=st.booleans())
def test_lke_reader_only_reports_problems(cells, with_header):
    extra = ((2, 1, "Kode Unit"), (2, 2, "BP01"), (4, 1, "Kode"), (4, 2, "Jawaban"), (4, 3, "Bukti Dukung")) if with_header else ()
    cells = {k: v for k, v in cells.items() if not (with_header and k[0] in (2, 4))}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lke.xlsx"
        write_sheet(path, "LKE", cells, extra)
        try:
            result = read_lke(path, "lke/lke.xlsx", EDITION, Path(folder) / "bukti")
        except DossierError:
            return
    assert isinstance(result, LkeRead)
    assert all(p.where.startswith("lke/lke.xlsx") for p in result.problems)


@FAST
@given(cells=grid)
def test_register_reader_only_reports_problems(cells):
    header = tuple((1, i, name) for i, name in enumerate(["Kode", "Nama Unit", "Predikat Diusulkan", "Predikat Saat Ini", "Hasil Penetapan"], 1))
    cells = {k: v for k, v in cells.items() if k[0] != 1}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nominasi.xlsx"
        write_sheet(path, "Unit", cells, header)
        try:
            register = read_register(path, 2024)
        except DossierError:
            return
    assert all(p.where.startswith("nominasi.xlsx") or not p.where for p in register.problems)


# --- scoring: monotone, bounded, additive -------------------------------------------------------------


def answer_for(indicator: Indicator):
    """A strategy of valid answers to one indicator."""
    if indicator.kind == "count":
        keys = [int(o.key) for o in indicator.options]
        return st.dictionaries(st.sampled_from(keys), st.integers(0, 50), min_size=len(keys), max_size=len(keys)).map(
            lambda counts: Answer(indicator.code, counts=counts)
        )
    if indicator.kind == "index":
        return st.floats(EDITION.index_min, EDITION.index_max).map(lambda v: Answer(indicator.code, index=v))
    return st.sampled_from(indicator.option_keys).map(lambda k: Answer(indicator.code, choice=k))


answers = st.fixed_dictionaries({code: st.one_of(st.none(), answer_for(i)) for code, i in EDITION.indicators.items()}).map(
    lambda d: {k: v for k, v in d.items() if v is not None}
)
UNIT = Unit("BP01", "Balai", "Balai", "", "", "", "WBBM", "WBK", "", "")


def score(values: dict[str, Answer], unit: Unit = UNIT):
    return score_unit(unit, Lke(unit.code, "lke/x.xlsx", values), EDITION)


def fraction(indicator: Indicator, answer: Answer | None) -> float:
    if answer is None:
        return 0.0
    if indicator.kind == "count":
        return count_fraction(indicator.count, answer.counts)
    if indicator.kind == "index":
        return answer.index / EDITION.index_max
    return indicator.option(answer.choice).score or 0.0


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=answers, code=st.sampled_from(CODES), data=st.data())
def test_a_better_answer_never_lowers_any_score(values, code, data):
    indicator = EDITION.indicators[code]
    better = data.draw(answer_for(indicator))
    assume(fraction(indicator, better) >= fraction(indicator, values.get(code)))
    before, after = score(values), score(values | {code: better})
    for path, value in before.nodes.items():
        assert after.nodes[path] >= value - 1e-9, path
    assert set(before.eligible) <= set(after.eligible)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=answers)
def test_every_node_within_its_weight_and_the_sum_of_its_parts(values):
    result = score(values)
    for path, value in result.nodes.items():
        assert -1e-9 <= value <= EDITION.weights[path] + 1e-9, path
        children = [p for p in result.nodes if len(p) == len(path) + 1 and p[: len(path)] == path and path != ("",)]
        if children:
            assert abs(value - sum(result.nodes[c] for c in children)) < 1e-9, path
    components = [p for p in result.nodes if len(p) == 1 and p != ("",)]
    assert abs(result.total - sum(result.nodes[c] for c in components)) < 1e-9


# --- eligibility never holds when a threshold fails -------------------------------------------------


def thresholds_met(result, predicate) -> bool:
    """Check every threshold of a predicate directly, without the scoring module's shortfalls."""
    if predicate.requires_current and result.unit.current != predicate.requires_current:
        return False
    if any(result[key] < minimum - 1e-9 for key, minimum in predicate.minimums.items()):
        return False
    # The six areas (PermenPAN-RB 90/2021 Tabel 6): Pemenuhan and Reform of each area together,
    # summed here from the score tree rather than through the scoring module's own grouping.
    assert predicate.area_share_level == "area"
    areas: dict[str, list[float]] = {}
    for path, weight in EDITION.weights.items():
        if len(path) == 3 and path[0] == predicate.area_share_component:
            totals = areas.setdefault(path[2], [0.0, 0.0])
            totals[0] += result.nodes[path]
            totals[1] += weight
    assert len(areas) == 6
    return all(score >= predicate.area_share * weight - 1e-9 for score, weight in areas.values())


def weak_halves(result, predicate) -> set[str]:
    """The halves (area-parts) below the share."""
    return {
        "/".join(path)
        for path, weight in EDITION.weights.items()
        if len(path) == 3 and path[0] == predicate.area_share_component
        and result.nodes[path] < predicate.area_share * weight - 1e-9
    }


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(values=answers, current=st.sampled_from(["", "WBK"]))
def test_eligible_exactly_when_every_threshold_holds(values, current):
    unit = Unit("BP01", "Balai", "Balai", "", "", "", "WBBM", current, "", "")
    result = score(values, unit)
    for predicate in EDITION.predicates:
        assert (predicate.name in result.eligible) == thresholds_met(result, predicate), predicate.name
        if predicate.name in result.eligible:
            assert not result.shortfalls[predicate.name]
            # Eligible with a weak half: the caution names exactly those halves.
            cautions = {c.rule.removeprefix("area_part_share:") for c in result.cautions[predicate.name]}
            assert cautions == weak_halves(result, predicate)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_best_answers_are_eligible_and_one_failed_threshold_is_not(data):
    """Construct answers: all best except one area-part emptied; WBBM needs every area-part."""
    best = {}
    for code, indicator in EDITION.indicators.items():
        if indicator.kind == "count":
            keys = [int(o.key) for o in indicator.options]
            grids = [dict(zip(keys, values)) for values in itertools.product((0, 1, 5), repeat=len(keys))]
            best[code] = Answer(code, counts=max(grids, key=lambda c: count_fraction(indicator.count, c)))
        elif indicator.kind == "index":
            best[code] = Answer(code, index=EDITION.index_max)
        else:
            best[code] = Answer(code, choice=max(indicator.options, key=lambda o: o.score or 0).key)
    full = score(best)
    assert all(full.questions[c].fraction == 1.0 for c in CODES)
    assert set(full.eligible) == set(EDITION.predicate_names)
    group = data.draw(st.sampled_from(sorted({i.group[:3] for i in EDITION.indicators.values() if i.component == "Pengungkit"})))
    worse = {c: a for c, a in best.items() if EDITION.indicators[c].group[:3] != group}
    result = score(worse)
    for predicate in EDITION.predicates:
        if not thresholds_met(result, predicate):
            assert predicate.name not in result.eligible
    assert not result.eligible  # an empty half leaves its area at 50 %, below every area share
