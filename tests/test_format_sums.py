"""Printed numbers add up: every printed total is the sum of its printed parts; a gap is the printed difference."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.console import printed_scores, score_table, shortfall_text
from dossier.render.format import apportion, distinct, printed_gap, rounded, rounded_tree
from dossier.scoring import Shortfall, score_unit
from tests.test_improve import EDITION, WBK_UNIT, lke, random_answers

CENT = Decimal("0.01")


def children(nodes, path):
    if path == ("",):
        return [p for p in nodes if len(p) == 1 and p != ("",)]
    return [p for p in nodes if len(p) == len(path) + 1 and p[: len(path)] == path]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=random_answers)
def test_every_printed_node_is_the_sum_of_its_printed_children(values):
    score = score_unit(WBK_UNIT, lke(values, WBK_UNIT), EDITION)
    printed = rounded_tree(score.nodes)
    assert set(printed) == set(score.nodes)
    for path, value in printed.items():
        assert abs(value - Decimal(repr(score.nodes[path]))) < CENT, path  # never more than a cent off
        below = children(score.nodes, path)
        if below:
            assert value == sum(printed[c] for c in below), path
    assert printed[("",)] == rounded(score.total)  # the total prints as it rounds
    pemenuhan, reform, pengungkit, hasil, total = (Decimal(v.replace(".", "").replace(",", ".")) for v in printed_scores(score))
    assert pemenuhan + reform == pengungkit and pengungkit + hasil == total


@given(parts=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=12), places=st.integers(0, 3))
def test_apportioned_parts_add_up_to_their_rounded_sum(parts, places):
    unit = Decimal(1).scaleb(-places)
    result = apportion(parts, places=places)
    exact = [Decimal(repr(p)) for p in parts]
    assert sum(result) == rounded(sum(exact), places)
    assert all(abs(r - e) < unit for r, e in zip(result, exact))


def test_the_issue_example_adds_up():
    assert apportion([26.555, 27.165]) == [Decimal("26.56"), Decimal("27.16")]
    assert apportion([]) == []


@given(required=st.floats(0, 100), reached=st.floats(0, 100))
def test_a_printed_gap_is_printed_minimum_minus_printed_reached(required, reached):
    shown_reached, shown_required, shown_gap = distinct(reached, required)
    as_decimal = [Decimal(v.replace(".", "").replace(",", ".")) for v in (shown_reached, shown_required, shown_gap)]
    if reached < required:
        assert as_decimal[2] == as_decimal[1] - as_decimal[0]
    assert printed_gap(required, reached) >= 0


def test_a_gap_never_reads_one_cent_more_than_the_printed_difference():
    assert shortfall_text(Shortfall("WBK", "capaian_kinerja", "Capaian Kinerja", 3.0, 2.375)) == "Capaian Kinerja 2.38 < 3.00 (short by 0.62)"  # in English (issue 21)


def test_the_score_table_prints_the_top_down_rounded_scores():
    from dossier.model import Answer
    from tests.test_improve import base_answers

    # Four sub-areas of a third each leave remainders that half-up rounding would not keep summed.
    answers = base_answers(hba=3.3) | {"PPA1B": Answer("PPA1B", choice="B"), "PRA3A": Answer("PRA3A", choice="B")}
    score = score_unit(WBK_UNIT, lke(answers, WBK_UNIT), EDITION)
    row = score_table([score]).splitlines()[2].split()
    assert printed_scores(score) == row[-8:-3]
