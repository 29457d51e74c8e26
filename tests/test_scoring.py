"""Scoring by the 2021 LKE rules, against hand-computed expectations."""

import pytest

from dossier.model import Answer, Lke, Unit
from dossier.rules import load_edition
from dossier.scoring import count_fraction, score_question, score_unit

EDITION = load_edition("2021")


def unit(proposed="WBK", current=""):
    return Unit("U01", "Unit Uji", "UPT", "Kota", "Provinsi", "Kepala", proposed, current, "", "")


def best_answers(**overrides):
    """Every indicator at its best answer, with some answers replaced."""
    answers = {}
    for code, indicator in EDITION.indicators.items():
        if indicator.kind == "index":
            answers[code] = Answer(code, index=4.0)
        elif indicator.kind == "count":
            counts = {int(o.key): 10 for o in indicator.options}
            if code == "PRC3A":
                counts = {1: 10, 2: 0, 3: 0}
            if code in ("PRE3A", "PRE3B"):
                counts = {1: 1, 2: 5, 3: 4, 4: 10}
            answers[code] = Answer(code, counts=counts)
        else:
            answers[code] = Answer(code, choice=indicator.options[0].key)
    for code, answer in overrides.items():
        answers[code] = answer
    return Lke("U01", "lke/U01.xlsx", answers)


def q(code, **answer):
    return score_question(EDITION.indicators[code], Answer(code, **answer), EDITION).fraction


@pytest.mark.parametrize(
    "code,choice,expected",
    [
        ("PPA1A", "Ya", 1.0),
        ("PPA1A", "Tidak", 0.0),
        ("PPA1B", "A", 1.0),
        ("PPA1B", "B", 0.5),
        ("PPA1B", "C", 0.0),
        ("PPA3A", "B", 0.67),
        ("PPA3A", "C", 0.33),
        ("PRA2A", "B", 0.75),
        ("PRA2A", "D", 0.25),
        ("HBB", "C", 0.5),
    ],
)
def test_option_kinds_score_their_option(code, choice, expected):
    assert EDITION.indicators[code].kind in {"ya_tidak", "abc", "abcd", "abcde"}
    assert q(code, choice=choice) == pytest.approx(expected)


@pytest.mark.parametrize(
    "code,counts,expected",
    [
        ("PRA1A", {1: 8, 2: 6}, 0.75),  # changes made / change agents
        ("PRA1A", {1: 4, 2: 9}, 1.0),  # clamped
        ("PRA1A", {1: 0, 2: 3}, 0.0),  # zero denominator scores 0
        ("PRA1B", {1: 5, 2: 2}, 0.4),
        ("PRA1B", {1: 0, 2: 0}, 0.0),
        ("PRC3A", {1: 10, 2: 4, 3: 1}, 0.6),  # (10 - 4) / 10
        ("PRC3A", {1: 2, 2: 5, 3: 0}, 0.0),  # more violations: clamped at 0
        ("PRC3A", {1: 0, 2: 0, 3: 0}, 1.0),  # none in either year
        ("PRC3A", {1: 0, 2: 3, 3: 0}, 0.0),  # violations appeared this year
        ("PRD1A", {1: 8, 2: 6}, 0.75),
        ("PRD1A", {1: 0, 2: 0}, 0.0),
        ("PRE2A", {1: 20, 2: 5, 3: 15}, 0.75),  # resolved / due
        ("PRE2A", {1: 0, 2: 0, 3: 0}, 1.0),  # nothing was due
        ("PRE3A", {1: 1, 2: 3, 3: 4, 4: 6}, 0.75),  # reported / (1 + 2 + 3)
        ("PRE3A", {1: 0, 2: 0, 3: 0, 4: 0}, 1.0),  # nobody obliged
        ("PRE3B", {1: 10, 2: 5, 3: 5, 4: 15}, 0.75),
        ("PRF1B", {1: 12, 2: 3}, 0.25),
        ("PRF1B", {1: 0, 2: 0}, 0.0),
    ],
)
def test_count_formulas(code, counts, expected):
    assert count_fraction(EDITION.indicators[code].count, counts) == pytest.approx(expected)


@pytest.mark.parametrize("index,expected", [(3.6, 15.75), (3.2, 14.0), (4.0, 17.5), (3.72, 16.275)])
def test_survey_index_scores_index_over_four_times_weight(index, expected):
    score = score_unit(unit(), best_answers(HBA=Answer("HBA", index=index), HPA=Answer("HPA", index=index)), EDITION)
    assert score["ipak"] == pytest.approx(expected)
    assert score["ipkp"] == pytest.approx(expected)


def test_sub_area_is_mean_of_questions_times_weight():
    # Penyusunan Tim Kerja (0.50): PPA1A Ya (1) and PPA1B B (0.5) -> 0.75 x 0.5 = 0.375.
    score = score_unit(unit(), best_answers(PPA1B=Answer("PPA1B", choice="B")), EDITION)
    group = ("Pengungkit", "Pemenuhan", "Manajemen Perubahan", "Penyusunan Tim Kerja")
    assert score.nodes[group] == pytest.approx(0.375)
    assert score.nodes[group[:3]] == pytest.approx(4.0 - 0.125)
    assert score["pemenuhan"] == pytest.approx(30 - 0.125)
    assert score.total == pytest.approx(100 - 0.125)


def test_best_answers_score_one_hundred_and_sums_hold():
    score = score_unit(unit("WBBM", "WBK"), best_answers(), EDITION)
    assert score.total == pytest.approx(100.0)
    assert score["pengungkit"] == pytest.approx(60.0)
    assert score["hasil"] == pytest.approx(40.0)
    assert score["pemenuhan"] + score["reform"] == pytest.approx(score["pengungkit"])
    assert score["pengungkit"] + score["hasil"] == pytest.approx(score.total)
    assert score.eligible == ["WBK", "WBBM"]


def test_missing_answer_scores_zero_and_is_reported():
    answers = best_answers()
    del answers.answers["PPA2A"]
    score = score_unit(unit(), answers, EDITION)
    assert score.missing == ["PPA2A"]
    # Rencana Pembangunan (1.00) has three questions: 2/3 of its weight remains.
    assert score.nodes[("Pengungkit", "Pemenuhan", "Manajemen Perubahan", "Rencana Pembangunan Zona Integritas")] == pytest.approx(2 / 3)


def test_wbbm_scores_without_wbk_are_not_wbbm_eligible():
    score = score_unit(unit("WBBM", ""), best_answers(), EDITION)
    assert score.eligible == ["WBK"]
    [shortfall] = score.shortfalls["WBBM"]
    assert (shortfall.rule, shortfall.required, shortfall.reached) == ("requires_current", "WBK", "-")


@pytest.mark.parametrize("current, eligible", [("WBK", ["WBK", "WBBM"]), ("WBBM", ["WBK", "WBBM"]), ("", ["WBK"])])
def test_wbbm_asks_for_wbk_or_a_higher_predicate_held(current, eligible):
    """Regression: a unit holding WBBM was told it lacked WBK ("harus sudah berpredikat WBK")."""
    score = score_unit(unit("WBBM", current), best_answers(), EDITION)
    assert score.eligible == eligible
    assert not score.shortfalls["WBBM"] if current else score.shortfalls["WBBM"]


def test_value_exactly_at_threshold_passes():
    # IPKP 3.20 -> 14.00 exactly, the WBK minimum for Pelayanan publik prima.
    score = score_unit(unit(), best_answers(HPA=Answer("HPA", index=3.2)), EDITION)
    assert score["pelayanan_prima"] == pytest.approx(14.0)
    assert "WBK" in score.eligible
    assert [s.rule for s in score.shortfalls["WBBM"]] == ["requires_current", "pelayanan_prima"]


def test_just_below_threshold_is_a_shortfall_with_its_gap():
    score = score_unit(unit(), best_answers(HPA=Answer("HPA", index=3.1)), EDITION)
    assert score.eligible == []
    [shortfall] = score.proposed_shortfalls
    assert shortfall.rule == "pelayanan_prima"
    assert shortfall.required == 14.0
    assert shortfall.reached == pytest.approx(13.5625)
    assert shortfall.gap == pytest.approx(0.4375)


def edition_with(tmp_path, **settings):
    """The 2021 edition with some top-level or predicate settings replaced, in a workspace rules folder."""
    import shutil

    source = EDITION.source
    text = source.read_text(encoding="utf-8")
    for key, value in settings.items():
        text = text.replace(f'{key} = "{getattr(EDITION, key, None) or "area"}"', f'{key} = "{value}"')
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(source.parent / "lke-2021.csv", folder)
    (folder / "lke-test.toml").write_text(text.replace('name = "2021"', 'name = "test"'), encoding="utf-8")
    return load_edition("test", (folder,))


# Penguatan Pengawasan / Reform (7.50): PRE1A (2.50) at E, PRE2A (3.00) at 0 -> 2.00 left < 4.50,
# while the whole area (15.00) keeps 7.50 + 2.00 = 9.50 >= 9.00.
WEAK_HALF = {"PRE1A": Answer("PRE1A", choice="E"), "PRE2A": Answer("PRE2A", counts={1: 10, 2: 0, 3: 0})}


def test_weak_half_in_a_strong_area_is_eligible_with_a_caution():
    score = score_unit(unit(), best_answers(**WEAK_HALF), EDITION)
    assert score.eligible == ["WBK"]
    assert score.proposed_shortfalls == []
    [caution] = score.proposed_cautions
    assert caution.rule == "area_part_share:Pengungkit/Reform/Penguatan Pengawasan"
    assert caution.label == "Reform / Penguatan Pengawasan"
    assert (caution.required, caution.reached) == (pytest.approx(4.5), pytest.approx(2.0))
    assert score.to_json()["cautions"][0]["rule"] == caution.rule


def test_an_area_below_sixty_percent_is_named():
    # Also PPE1A..: empty Pemenuhan / Penguatan Pengawasan -> 0 + 2.00 of 15.00 < 9.00.
    emptied = {c: Answer(c) for c, i in EDITION.indicators.items() if i.group[:3] == ("Pengungkit", "Pemenuhan", "Penguatan Pengawasan")}
    score = score_unit(unit(), best_answers(**WEAK_HALF, **emptied), EDITION)
    [shortfall] = score.proposed_shortfalls
    assert shortfall.rule == "area_share:Pengungkit/Penguatan Pengawasan"
    assert shortfall.label == "Penguatan Pengawasan"
    assert (shortfall.required, shortfall.reached) == (pytest.approx(9.0), pytest.approx(2.0))
    assert score.proposed_cautions == []  # a failing area is a shortfall, not a caution


def test_the_twelve_half_reading_stays_an_edition_setting(tmp_path):
    strict = edition_with(tmp_path, area_share_level="area-part")
    assert {p.area_share_level for p in strict.predicates} == {"area-part"}
    score = score_unit(unit(), best_answers(**WEAK_HALF), strict)
    assert [s.rule for s in score.proposed_shortfalls] == ["area_share:Pengungkit/Reform/Penguatan Pengawasan"]
    assert score.proposed_shortfalls[0].required == pytest.approx(4.5)
    assert score.proposed_shortfalls[0].reached == pytest.approx(2.0)
    assert score.eligible == [] and score.proposed_cautions == []


def test_missing_answers_skipped_as_the_official_average_does(tmp_path):
    skip = edition_with(tmp_path, missing="skip")
    assert skip.missing == "skip" and EDITION.missing == "zero"
    answers = best_answers(PPA2A=Answer("PPA2A"), PPA1B=Answer("PPA1B", choice="B"))
    group = ("Pengungkit", "Pemenuhan", "Manajemen Perubahan", "Rencana Pembangunan Zona Integritas")
    skipped, zeroed = score_unit(unit(), answers, skip), score_unit(unit(), answers, EDITION)
    assert skipped.nodes[group] == pytest.approx(1.0)  # the two answered, both at best
    assert zeroed.nodes[group] == pytest.approx(2 / 3)
    assert skipped.missing == zeroed.missing == ["PPA2A"] and skipped.missing_count == 1
    # A sub-area with no answer at all scores 0 either way.
    empty = best_answers(**{c: Answer(c) for c, i in EDITION.indicators.items() if i.group == group})
    assert score_unit(unit(), empty, skip).nodes[group] == 0.0


def test_an_unknown_missing_setting_is_named(tmp_path):
    from dossier.errors import ConfigError

    with pytest.raises(ConfigError, match="missing = 'blank' must be one of skip, zero"):
        edition_with(tmp_path, missing="blank")


def test_to_json_is_unrounded_and_complete():
    data = score_unit(unit(), best_answers(PPA1B=Answer("PPA1B", choice="B")), EDITION).to_json()
    assert data["total"] == pytest.approx(99.875)
    assert {"code", "name", "proposed", "current", "pemenuhan", "reform", "pengungkit", "hasil", "total",
            "areas", "eligible", "shortfalls"} <= set(data)
    assert len(data["areas"]) == 6
    assert data["areas"][0]["pemenuhan_weight"] == 4.0


def test_a_shortfall_just_under_its_minimum_shows_enough_places_to_differ():
    from dossier.console import shortfall_text
    from dossier.scoring import Shortfall

    text = shortfall_text(Shortfall("WBK", "total", "Nilai Total", 75.0, 74.996))
    assert text == "Nilai Total 74.996 < 75.000 (short by 0.004)"
    assert shortfall_text(Shortfall("WBK", "total", "Nilai Total", 75.0, 69.371)) == "Nilai Total 69.37 < 75.00 (short by 5.63)"


def test_score_table_shows_the_caution_of_an_eligible_unit():
    from dossier.console import score_table

    score = score_unit(unit(), best_answers(**WEAK_HALF), EDITION)
    lines = score_table([score]).splitlines()
    assert lines[2].rstrip().endswith("WBK")
    assert lines[3] == ("    caution for WBK: Reform / Penguatan Pengawasan 2.00 < 4.50: "
                        "this half is below the share, its area as a whole meets it")


@pytest.mark.parametrize("bare", [len(EDITION.indicators), 3])
def test_score_table_says_all_indicators_rather_than_listing_every_code(bare):
    """A list of all 113 codes says less than "all 113" (issue 22); a shorter list keeps its codes."""
    from dataclasses import replace

    from dossier.console import score_table
    from dossier.model import Evidence

    lke = best_answers()
    codes = list(EDITION.indicators)[:bare]
    link = (Evidence("https://example.go.id/zi", url=True),)
    lke = replace(lke, answers={c: a if c in codes else replace(a, evidence=link) for c, a in lke.answers.items()})
    table = score_table([score_unit(unit(), lke, EDITION)])
    if bare == len(EDITION.indicators):
        assert f"all {bare} indicators without evidence (Bukti Dukung)" in table and codes[-1] not in table
    else:
        assert f"3 indicator(s) without evidence (Bukti Dukung): {', '.join(codes)}" in table
