"""One rounding: every printed value is its true value rounded once, half up, to two decimals.

Equal values print alike wherever they are printed; a gap is computed from the values, then
rounded; parts may then differ from their printed total by a cent, which the tables note.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.console import printed_scores, score_table, shortfall_text
from dossier.render.format import distinct, number, printed_gap, rounded, rounded_tree, spoken_locale
from dossier.scoring import Shortfall, score_unit
from tests.test_improve import EDITION, WBK_UNIT, lke, random_answers

CENT = Decimal("0.01")


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=random_answers)
def test_every_printed_node_is_its_own_value_rounded_half_up(values):
    score = score_unit(WBK_UNIT, lke(values, WBK_UNIT), EDITION)
    printed = rounded_tree(score.nodes)
    assert set(printed) == set(score.nodes)
    for path, value in printed.items():
        assert value == rounded(score.nodes[path]), path
        assert abs(value - Decimal(repr(score.nodes[path]))) <= Decimal("0.005") + Decimal("1e-9"), path
    named = [number(printed[EDITION.nodes[k]], locale=spoken_locale())  # the console's numbers (issue 21)
             for k in ("pemenuhan", "reform", "pengungkit", "hasil", "total")]
    assert printed_scores(score) == named


@given(value=st.floats(0, 100, allow_nan=False), noise=st.sampled_from([0.0, 1e-14, -1e-14, 3e-13, -3e-13]))
def test_equal_values_print_alike_whatever_their_float_noise(value, noise):
    assert number(value) == number(value + noise * max(1.0, value)) or abs(value * 1000 % 10 - 5) > 1e-6


def test_half_rounds_up_as_the_official_workbook_shows_it():
    assert [number(v) for v in (78.125, 4.2646, 0.285, 2.675, 26.555, 27.165)] == [
        "78,13", "4,26", "0,29", "2,68", "26,56", "27,17"]
    # The same value reached by two sums (the self-assessment and the TPI's score) prints alike.
    assert number(0.1 + 0.2) == number(0.3) and number(4.2646) == number(4.2646000000000001)


@given(required=st.floats(0, 100), reached=st.floats(0, 100))
def test_a_gap_is_the_difference_of_the_values_rounded(required, reached):
    shown_reached, shown_required, shown_gap = distinct(reached, required)
    if reached < required:
        places = len(shown_gap.rpartition(",")[2])
        assert shown_gap == number(Decimal(repr(required)) - Decimal(repr(reached)), places)
    assert printed_gap(required, reached) >= 0


def test_the_cli_and_the_documents_print_the_same_gap_each_in_its_language():
    from dossier.documents.claims import shortfall_row

    shortfall = Shortfall("WBK", "pengungkit", "Komponen Pengungkit", 40.0, 39.3847)
    assert shortfall_text(shortfall) == "Komponen Pengungkit 39.38 < 40.00 (short by 0.62)"  # the console in English (issue 21)
    row = shortfall_row(shortfall)
    assert (row["reached"], row["required"], row["gap"]) == ("39,38", "40,00", "kurang 0,62")
    assert shortfall_text(Shortfall("WBK", "capaian_kinerja", "Capaian Kinerja", 3.0, 2.375)) == \
        "Capaian Kinerja 2.38 < 3.00 (short by 0.63)"  # the gap: 0.625 rounded once, half up


def test_the_score_table_prints_each_score_rounded_once():
    from dossier.model import Answer
    from tests.test_improve import base_answers

    answers = base_answers(hba=3.3) | {"PPA1B": Answer("PPA1B", choice="B"), "PRA3A": Answer("PRA3A", choice="B")}
    score = score_unit(WBK_UNIT, lke(answers, WBK_UNIT), EDITION)
    row = score_table([score]).splitlines()[2].split()
    assert printed_scores(score) == row[-9:-4]
