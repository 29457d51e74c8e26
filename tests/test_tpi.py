"""The TPI's answers beside the unit's: read, written, and scored twice (issue 13 §1)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dossier.layout import LKE
from dossier.model import Answer, Lke, Unit
from dossier.readers import read_lke
from dossier.rules import load_edition
from dossier.scoring import SELF_ASSESSMENT_KEYS, score_unit
from dossier.workbooks import write_lke_template

EDITION = load_edition("2021")
WBK_UNIT = Unit("BP01", "Balai", "Balai", "", "", "", "WBK", "", "", "")
WBBM_UNIT = Unit("BP02", "Balai", "Balai", "", "", "", "WBBM", "WBK", "", "")


# --- an independent scorer: straight from the rules' numbers ------------------------------------


def own_fraction(code: str, choice=None, counts=None, index=None) -> float:
    indicator = EDITION.indicators[code]
    if choice is None and counts is None and index is None:
        return 0.0
    if indicator.kind == "index":
        return min(1.0, max(0.0, index / EDITION.index_max))
    if indicator.kind == "count":
        rule = indicator.count
        top = sum(f * counts.get(n, 0) for n, f in rule.numerator.items())
        bottom = sum(f * counts.get(n, 0) for n, f in rule.denominator.items())
        if bottom == 0:
            return rule.zero_denominator if top == 0 else rule.zero_denominator_numerator
        return min(1.0, max(0.0, top / bottom))
    return next(o.score or 0.0 for o in indicator.options if o.key == choice)


def independent(values: dict[str, tuple], unit: Unit) -> tuple[dict, list[str]]:
    """Node scores and eligible predicates from (choice, counts, index) per code; missing scores 0."""
    groups: dict[tuple, list[float]] = {}
    for code, indicator in EDITION.indicators.items():
        groups.setdefault(indicator.group, []).append(own_fraction(code, *values.get(code, (None, None, None))))
    nodes = dict.fromkeys(EDITION.weights, 0.0)
    for group, fractions in groups.items():
        value = sum(fractions) / len(fractions) * EDITION.weights[group]
        for depth in range(1, len(group) + 1):
            nodes[group[:depth]] += value
        nodes[("",)] += value
    eligible = []
    for p in EDITION.predicates:
        ok = not (p.requires_current and unit.current != p.requires_current)
        ok = ok and all(nodes[EDITION.nodes[k]] >= m - 1e-9 for k, m in p.minimums.items())
        areas: dict[str, list[float]] = {}
        for path, weight in EDITION.weights.items():
            if len(path) == 3 and path[0] == p.area_share_component:
                areas.setdefault(path[2], [0.0, 0.0])
                areas[path[2]][0] += nodes[path]
                areas[path[2]][1] += weight
        ok = ok and all(s >= p.area_share * w - 1e-9 for s, w in areas.values())
        if ok:
            eligible.append(p.name)
    return nodes, eligible


def values_of(answer: Answer) -> tuple:
    return answer.choice, answer.counts, answer.index


def tpi_values_of(answer: Answer) -> tuple:
    """The TPI's values merged over the unit's, written out here rather than through Answer.counted."""
    if answer.tpi_choice is not None:
        return answer.tpi_choice, None, None
    if answer.tpi_index is not None:
        return None, None, answer.tpi_index
    if answer.tpi_counts:
        return None, {**(answer.counts or {}), **answer.tpi_counts}, None
    return values_of(answer)


# --- random units, random reviews -------------------------------------------------------------------


def raw(code: str):
    indicator = EDITION.indicators[code]
    if indicator.kind == "count":
        keys = [int(o.key) for o in indicator.options]
        return st.dictionaries(st.sampled_from(keys), st.integers(0, 12), min_size=1, max_size=len(keys)).map(
            lambda c: {"counts": c})
    if indicator.kind == "index":
        return st.floats(EDITION.index_min, EDITION.index_max).map(lambda v: {"index": v})
    return st.sampled_from(indicator.option_keys).map(lambda k: {"choice": k})


def reviewed_answer(code: str):
    def build(unit_part, tpi_part, note):
        answer = Answer(code, **(unit_part or {}))
        tpi = {f"tpi_{k}": v for k, v in (tpi_part or {}).items()}
        return replace(answer, tpi_note=note, **tpi)
    return st.builds(build, st.one_of(st.none(), raw(code)), st.one_of(st.none(), st.none(), raw(code)),
                     st.sampled_from(["", "", "Bukti dukung belum lengkap."]))


reviewed_answers = st.fixed_dictionaries({c: reviewed_answer(c) for c in EDITION.indicators})


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=reviewed_answers, unit=st.sampled_from([WBK_UNIT, WBBM_UNIT]))
def test_counting_score_and_self_assessment_agree_with_an_independent_computation(answers, unit):
    result = score_unit(unit, Lke(unit.code, "lke/x.xlsx", answers), EDITION)
    counted_nodes, counted_eligible = independent({c: tpi_values_of(a) for c, a in answers.items()}, unit)
    own_nodes, own_eligible = independent({c: values_of(a) for c, a in answers.items()}, unit)
    for path, value in counted_nodes.items():
        assert abs(result.nodes[path] - value) < 1e-9, path
        assert abs(result.self_assessment.nodes[path] - own_nodes[path]) < 1e-9, path
    assert result.eligible == counted_eligible
    assert result.self_assessment.eligible == own_eligible
    changed = {c for c, a in answers.items() if tpi_values_of(a) != values_of(a)}
    assert set(result.changed) == changed
    data = result.to_json()
    assert abs(data["total"] - counted_nodes[("",)]) < 1e-9
    assert set(data["self_assessment"]) == set(SELF_ASSESSMENT_KEYS)
    assert abs(data["self_assessment"]["total"] - own_nodes[("",)]) < 1e-9
    assert data["self_assessment"]["eligible"] == own_eligible
    assert sorted(data["tpi_changed"]) == sorted(changed)


def test_without_a_review_the_self_assessment_is_the_counting_score():
    answers = {c: Answer(c, choice=i.options[0].key) for c, i in EDITION.indicators.items() if i.option_keys and i.kind not in ("count", "index")}
    result = score_unit(WBK_UNIT, Lke("BP01", "x", answers), EDITION)
    assert result.own is None and result.self_assessment is result and result.changed == []
    assert result.to_json()["self_assessment"]["total"] == result.total


def test_a_tpi_answer_equal_to_the_units_is_not_a_change():
    answers = {"PPA1A": Answer("PPA1A", choice="Ya", tpi_choice="Ya", tpi_note="Sesuai.")}
    result = score_unit(WBK_UNIT, Lke("BP01", "x", answers), EDITION)
    assert result.changed == [] and result.questions["PPA1A"].tpi_note == "Sesuai."


# --- the workbook: written with the TPI's columns, read back ------------------------------------------


def test_lke_template_writes_tpi_columns_with_the_same_dropdowns_unlocked_and_reads_them_back(tmp_path):
    answers = {
        "PPA1A": Answer("PPA1A", choice="Ya", tpi_choice="Tidak", tpi_note="SK tim belum ditandatangani."),
        "HBA": Answer("HBA", index=3.5, tpi_index=3.1),
        "PRE3A": Answer("PRE3A", counts={1: 1, 2: 5, 3: 4, 4: 10}, tpi_counts={4: 8}, tpi_note="Dua pegawai belum lapor."),
        "PPA2A": Answer("PPA2A", choice="Ya", tpi_note="Bukti lengkap."),
    }
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, EDITION, unit_code="BP01", unit_name="Balai", year=2024, ministry="K", answers=answers)
    ws = load_workbook(path)["LKE"]
    header = [c.value for c in ws[LKE.header_row]]
    assert header[-2:] == ["Jawaban TPI", "Catatan TPI"]
    tpi_letter = LKE.letter("tpi_answer")
    rows = {ws.cell(r, LKE.number("code")).value: r for r in range(LKE.header_row + 1, ws.max_row + 1)}
    row = rows["PPA1A"]
    assert ws[f"{tpi_letter}{row}"].value == "Tidak"
    assert ws[f"{tpi_letter}{row}"].protection.locked is False
    assert ws[f"{LKE.letter('tpi_note')}{row}"].protection.locked is False
    # The TPI's cells carry the same drop-downs as the answers (choice list, index range, whole counts).
    tpi_cells = {f"{tpi_letter}{rows[c]}" for c in ("PPA1A", "HBA", "PRE3A.4")}
    validated = set()
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for cell_row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for cell in cell_row:
                    validated.add(cell.coordinate)
    assert tpi_cells <= validated

    read = read_lke(path, "lke/lke.xlsx", EDITION, tmp_path)
    assert not [p for p in read.problems if p.severity == "error"], read.problems
    got = read.lke.answers
    assert (got["PPA1A"].choice, got["PPA1A"].tpi_choice, got["PPA1A"].tpi_note) == ("Ya", "Tidak", "SK tim belum ditandatangani.")
    assert got["PPA1A"].where_tpi.endswith(f"LKE!{tpi_letter}{row}")
    assert got["HBA"].tpi_index == 3.1
    assert got["PRE3A"].tpi_counts == {4: 8} and got["PRE3A"].counted().counts == {1: 1, 2: 5, 3: 4, 4: 8}
    assert got["PPA2A"].tpi_note == "Bukti lengkap." and not got["PPA2A"].reviewed
    result = score_unit(WBK_UNIT, read.lke, EDITION)
    assert set(result.changed) == {"PPA1A", "HBA", "PRE3A"}


def test_a_tpi_answer_that_is_not_an_option_names_its_cell(tmp_path):
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, EDITION, unit_code="BP01", unit_name="Balai", year=2024, ministry="K",
                       answers={"PPA1A": Answer("PPA1A", choice="Ya")})
    book = load_workbook(path)
    ws = book["LKE"]
    row = next(r for r in range(LKE.header_row + 1, ws.max_row + 1) if ws.cell(r, LKE.number("code")).value == "PPA1A")
    ws.cell(row, LKE.number("tpi_answer"), "Mungkin")
    book.save(path)
    read = read_lke(path, "lke/lke.xlsx", EDITION, tmp_path)
    errors = [p for p in read.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].where.endswith(f"LKE!{LKE.letter('tpi_answer')}{row}")
    assert "TPI answer 'Mungkin' for PPA1A is not an option" in errors[0].message


def test_a_workbook_without_the_tpi_columns_still_reads(tmp_path):
    from tests.workbook_factory import edition, lke_book

    path = tmp_path / "old.xlsx"
    lke_book("BP01", ed=edition()).save(path)
    read = read_lke(path, "lke/old.xlsx", edition(), tmp_path)
    assert read.lke is not None and not any(a.reviewed for a in read.lke.answers.values())


# --- the official layout: the TPI's answers in a second workbook -----------------------------------


def official_pair(tmp_path, seed: int, tpi_name: str):
    """BP01's official workbook filled with random answers, and a copy of it named `tpi_name` where the TPI
    lowered one answer; returns the year's inputs folder, the unit's answers, that code and the TPI's answer."""
    from click.testing import CliRunner

    from dossier.cli import cli
    from tests.test_official import fill_form, random_answers
    from tests.workbook_factory import write_year

    inputs = write_year(tmp_path, units=("BP01",))
    out = tmp_path / "out"
    (inputs / "lke" / "LKE BP01.xlsx").unlink()
    assert CliRunner().invoke(cli, ["-C", str(tmp_path), "lke-template", "--format", "resmi", "-o", str(out)]).exit_code == 0
    own = random_answers(seed)
    code = next(c for c, a in own.items() if a.choice not in (None, EDITION.indicators[c].option_keys[-1])
                and EDITION.indicators[c].kind not in ("count", "index"))
    lowest = EDITION.indicators[code].option_keys[-1]
    fill_form(out / "BP01 LKE ZI.xlsx", inputs / "lke" / "BP01 LKE ZI.xlsx", own)
    fill_form(out / "BP01 LKE ZI.xlsx", inputs / "lke" / tpi_name, {**own, code: Answer(code, choice=lowest)})
    return inputs, own, code, lowest


def assert_the_tpi_changed_one_answer(year, own, code: str, lowest: str) -> None:
    answer = year.lke["BP01"].answers[code]
    assert (answer.choice, answer.tpi_choice) == (own[code].choice, lowest)
    result = score_unit(year.units[0], year.lke["BP01"], EDITION)
    assert result.changed == [code]
    alone = score_unit(year.units[0], Lke("BP01", "x", {c: a.own() for c, a in year.lke["BP01"].answers.items()}), EDITION)
    assert result.self_assessment.total == alone.total and result.total < alone.total


def test_a_second_official_workbook_named_tpi_holds_the_tpis_answers(tmp_path):
    from dossier.readers import read_award_year
    from tests.workbook_factory import YEAR

    inputs, own, code, lowest = official_pair(tmp_path, 21, "BP01 LKE ZI TPI.xlsx")
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == []
    assert year.lke["BP01"].answers[code].where_tpi.startswith("lke/BP01 LKE ZI TPI.xlsx")
    assert_the_tpi_changed_one_answer(year, own, code, lowest)


def test_a_tpi_workbook_without_the_units_own_is_a_problem(tmp_path):
    import shutil

    from dossier.readers import read_award_year
    from tests.workbook_factory import YEAR, write_year

    inputs = write_year(tmp_path, units=("BP01",))
    shutil.move(inputs / "lke" / "LKE BP01.xlsx", inputs / "lke" / "LKE BP01 TPI.xlsx")
    year = read_award_year(inputs, YEAR, EDITION)
    assert "BP01" not in year.lke
    assert any("holds the TPI's answers for unit BP01" in p.message for p in year.errors)


def name_tpi_workbooks(inputs, files: dict[str, str]) -> None:
    """Write each unit's `Berkas LKE TPI` (code -> file name) into the register's new column K."""
    from openpyxl import load_workbook as load

    book = load(inputs / "nominasi.xlsx")
    ws = book["Unit"]
    ws.cell(1, 11, "Berkas LKE TPI")
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value in files:
            ws.cell(row, 11, files[ws.cell(row, 1).value])
    book.save(inputs / "nominasi.xlsx")


def test_an_official_workbook_named_in_berkas_lke_tpi_holds_the_tpis_answers_whatever_its_name(tmp_path):
    from dossier.readers import read_award_year
    from tests.workbook_factory import YEAR

    # Its name has no 'TPI' and even starts with the unit's code: only the register makes it the TPI's.
    inputs, own, code, lowest = official_pair(tmp_path, 22, "BP01 hasil evaluasi.xlsx")
    name_tpi_workbooks(inputs, {"BP01": "lke/BP01 hasil evaluasi.xlsx"})
    year = read_award_year(inputs, YEAR, EDITION)
    assert year.errors == []
    assert year.units[0].lke_tpi_file == "lke/BP01 hasil evaluasi.xlsx"
    assert year.lke["BP01"].answers[code].where_tpi.startswith("lke/BP01 hasil evaluasi.xlsx")
    assert year.lke["BP01"].source == "lke/BP01 LKE ZI.xlsx"
    assert_the_tpi_changed_one_answer(year, own, code, lowest)


def test_a_berkas_lke_tpi_lke_lacks_is_an_error_naming_its_cell(tmp_path):
    from dossier.readers import read_award_year
    from tests.workbook_factory import YEAR, write_year

    inputs = write_year(tmp_path, units=("BP01",))
    name_tpi_workbooks(inputs, {"BP01": "LKE BP01 TPl.xlsx"})
    year = read_award_year(inputs, YEAR, EDITION)
    assert [(p.where, p.message) for p in year.errors] == [(
        "nominasi.xlsx, Unit!K2",
        "Berkas LKE TPI of unit BP01 is 'LKE BP01 TPl.xlsx', but lke/ holds no such workbook; did you mean 'LKE BP01.xlsx'?",
    )]
    assert not any(a.reviewed for a in year.lke["BP01"].answers.values())


def test_one_tpi_workbook_named_for_two_units_is_an_error(tmp_path):
    import shutil

    from dossier.readers import read_award_year
    from tests.workbook_factory import YEAR, write_year

    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    shutil.copy(inputs / "lke" / "LKE BP01.xlsx", inputs / "lke" / "koreksi.xlsx")
    changed = lower_every_choice(inputs / "lke" / "koreksi.xlsx")  # the TPI's own answers, not a copy of the unit's
    name_tpi_workbooks(inputs, {"BP01": "koreksi.xlsx", "BP02": "KOREKSI.xlsx"})
    year = read_award_year(inputs, YEAR, EDITION)
    assert [(p.where, p.message) for p in year.errors] == [(
        "nominasi.xlsx, Unit!K3",
        "Berkas LKE TPI of unit BP02 is 'KOREKSI.xlsx', which is already the Berkas LKE TPI of unit BP01; "
        "each unit needs its own TPI workbook: correct one of the two",
    )]
    assert {c for c, a in year.lke["BP01"].answers.items() if a.reviewed} == changed
    assert not any(a.reviewed for a in year.lke["BP02"].answers.values())


def lower_every_choice(path) -> set[str]:
    """Set every choice answer of an own-layout workbook that is not at its lowest option to the lowest; return their codes."""
    from openpyxl import load_workbook as load

    book = load(path)
    ws = book["LKE"]
    header = next(r for r in range(1, 21) if "Kode" in [c.value for c in ws[r]])
    names = [c.value for c in ws[header]]
    kode, jawaban = names.index("Kode") + 1, names.index("Jawaban") + 1
    changed = set()
    for row in range(header + 1, ws.max_row + 1):
        indicator = EDITION.indicators.get(str(ws.cell(row, kode).value))
        if indicator and indicator.option_keys and indicator.kind not in ("count", "index"):
            lowest = indicator.option_keys[-1]
            if ws.cell(row, jawaban).value not in (None, lowest):
                ws.cell(row, jawaban).value = lowest
                changed.add(indicator.code)
    book.save(path)
    return changed


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.slow
def test_score_shows_both_scores_and_validate_counts_missing_answers(sample):
    import json

    import openpyxl
    from click.testing import CliRunner

    from dossier.cli import cli

    runner = CliRunner()
    text = runner.invoke(cli, ["-C", str(sample), "score"], catch_exceptions=False).stdout
    assert "Self" in text.splitlines()[0] and "TPI changed" in text.splitlines()[0]
    assert "the TPI changed 1 answer(s): PPA2C" in text
    data = json.loads(runner.invoke(cli, ["-C", str(sample), "score", "--json"], catch_exceptions=False).output)
    upt01 = next(u for u in data["units"] if u["code"] == "UPT01")
    assert set(upt01["self_assessment"]) == set(SELF_ASSESSMENT_KEYS)
    assert upt01["tpi_changed"] == ["PPA2C"] and upt01["self_assessment"]["total"] > upt01["total"]
    assert upt01["self_assessment"]["eligible"] == ["WBK"]

    lke = sample / "inputs/2024/lke/LKE UPT01 Bitung.xlsx"
    book = openpyxl.load_workbook(lke)
    ws = book["LKE"]
    code_col, answer_col = LKE.number("code"), LKE.number("answer")
    for row in range(LKE.header_row + 1, ws.max_row + 1):
        if ws.cell(row, code_col).value in ("PPA1B", "PPB1A"):
            ws.cell(row, answer_col).value = None
    book.save(lke)
    result = runner.invoke(cli, ["-C", str(sample), "validate"], catch_exceptions=False)
    assert "UPT01: 2 answer(s) missing (scored 0)" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("UPT02:") and "missing" in line]
