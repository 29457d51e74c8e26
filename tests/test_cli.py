"""The command line, through Click's runner, on real workspaces."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

from dossier import __version__
from dossier.cli import cli
from dossier.readers import read_award_year
from dossier.rules import load_edition
from dossier.scoring import score_unit

from .conftest import SAMPLE_YEAR


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_init_lays_out_a_workspace_and_refuses_to_overwrite(tmp_path):
    result = run("init", str(tmp_path / "ws"), "--year", "2025")
    assert result.exit_code == 0, result.output
    ws = tmp_path / "ws"
    assert (ws / "dossier.toml").read_text().startswith("# Pengaturan folder kerja dossier")  # commented in Indonesian
    assert (ws / "inputs/2025/lke").is_dir() and (ws / "inputs/2025/bukti").is_dir()
    assert (ws / "CARA-PAKAI.txt").exists()
    book = openpyxl.load_workbook(ws / "inputs/2025/nominasi.xlsx")
    assert {"Penghargaan", "Unit", "Kutipan", "Inovasi"} <= set(book.sheetnames)
    again = run("init", str(ws), "--year", "2025")
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "Traceback" not in again.output


def test_validate_on_the_sample_is_clean(sample):
    result = run("-C", str(sample), "validate")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_workspace_option_works_after_the_command_too(sample):
    assert run("validate", "-C", str(sample)).exit_code == 0


def test_validate_reports_every_problem_and_fails(sample):
    lke_dir = sample / f"inputs/{SAMPLE_YEAR}/lke"
    first = sorted(lke_dir.glob("*.xlsx"))[0]
    (lke_dir / "rusak.xlsx").write_bytes(b"this is not a workbook")
    book = openpyxl.load_workbook(first)
    sheet = book["LKE"]
    header_row, columns = next(
        (r[0].row, {str(c.value).strip().lower(): c.column for c in r if c.value})
        for r in sheet.iter_rows(max_row=20)
        if any(str(c.value).strip().lower() == "jawaban" for c in r)
    )
    row = next(r for r in range(header_row + 1, sheet.max_row + 1) if sheet.cell(r, columns["kode"]).value == "PPA1B")
    sheet.cell(row, columns["jawaban"]).value = "F"
    book.save(first)
    result = run("-C", str(sample), "validate")
    assert result.exit_code == 1
    assert "lke/rusak.xlsx" in result.output
    assert "answer 'F' for PPA1B" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_score_json_agrees_with_scoring(sample):
    result = run("-C", str(sample), "score", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["year"] == SAMPLE_YEAR
    edition = load_edition("2021")
    year = read_award_year(sample / f"inputs/{SAMPLE_YEAR}", SAMPLE_YEAR, edition)
    expected = {u.code: score_unit(u, year.lke.get(u.code), edition) for u in year.units}
    assert [u["code"] for u in data["units"]] == list(expected)
    for unit in data["units"]:
        score = expected[unit["code"]]
        assert unit["total"] == pytest.approx(score.total, abs=1e-9)
        assert unit["eligible"] == score.eligible


@pytest.mark.slow  # reads and scores the whole sample year
def test_sample_shows_every_outcome(sample):
    data = json.loads(run("-C", str(sample), "score", "--json").output)
    outcomes = {u["code"]: (u["proposed"], u["eligible"], len(u["shortfalls"])) for u in data["units"]}
    assert any(p == "WBK" and "WBK" in e for p, e, _ in outcomes.values())
    assert any(p == "WBBM" and "WBBM" in e for p, e, _ in outcomes.values())
    assert any(p == "WBK" and not e and n == 1 for p, e, n in outcomes.values())


def test_score_table_uses_the_numbers_of_the_language_spoken(sample):
    result = run("-C", str(sample), "score")
    assert result.exit_code == 0
    assert "Pengungkit" in result.output
    assert re.search(r"\d\.\d\d", result.stdout.splitlines()[2])  # English speaks with a decimal point (issue 21)
    assert "shortfall for WBK" in result.output


def test_unknown_year_is_a_clear_error(sample):
    result = run("-C", str(sample), "score", "--year", "1999")
    assert result.exit_code == 1
    assert "there is no award year 1999" in result.output


def test_no_inputs_is_a_clear_error(tmp_path):
    result = run("-C", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert "no award year found" in result.output


@pytest.mark.slow
def test_lke_template_writes_a_workbook_per_unit_named(sample, tmp_path):
    out = tmp_path / "out"
    assert "already has an LKE" in run("-C", str(sample), "lke-template", "-o", str(out)).output
    codes = [u.code for u in read_award_year(sample / f"inputs/{SAMPLE_YEAR}", SAMPLE_YEAR, load_edition("2021")).units]
    result = run("-C", str(sample), "lke-template", "-o", str(out), *(a for c in codes for a in ("--unit", c)))
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == len(codes) >= 6
    book = openpyxl.load_workbook(files[0])
    assert "LKE" in book.sheetnames


def test_lke_template_unknown_unit(sample):
    result = run("-C", str(sample), "lke-template", "--unit", "NOPE")
    assert result.exit_code == 1
    assert "no unit with code NOPE" in result.output


def test_bad_settings_are_named(sample):
    (sample / "dossier.toml").write_text('[lke]\nedition = "1999"\n')
    result = run("-C", str(sample), "score")
    assert result.exit_code == 1
    assert "LKE edition '1999' not found" in result.output
    assert "Available editions: 2021" in result.output


@pytest.mark.slow
def test_score_json_gives_the_way_to_each_predicate_not_yet_met(sample):
    from dossier.improve import Step, apply_steps

    data = json.loads(run("-C", str(sample), "score", "--json").output)
    edition = load_edition("2021")
    year = read_award_year(sample / f"inputs/{SAMPLE_YEAR}", SAMPLE_YEAR, edition)
    units = {u.code: u for u in year.units}
    for unit in data["units"]:
        assert {"path", "path_blocked", "cautions", "shortfalls", "eligible"} <= set(unit)
        assert set(unit["path"]) == {p for p in ("WBK", "WBBM") if p not in unit["eligible"]}
        for predicate, steps in unit["path"].items():
            for step in steps:
                assert set(step) == {"code", "answer", "from", "adds", "fixes"} and step["fixes"]
            score = score_unit(units[unit["code"]], year.lke.get(unit["code"]), edition)
            after = apply_steps(score, [Step(s["code"], s["answer"], s["from"], s["adds"], tuple(s["fixes"])) for s in steps])
            left = {s.rule for s in after.shortfalls[predicate]}
            assert left == {b["rule"] for b in unit["path_blocked"][predicate]}
    far = next(u for u in data["units"] if len(u["path"].get("WBK", [])) >= 3)
    assert {b["rule"] for b in far["path_blocked"]["WBK"]} == {"ipak", "pelayanan_prima"}


def test_score_text_shows_the_way_and_what_answers_cannot_fix(sample):
    output = run("-C", str(sample), "score").output
    assert "way to WBK: raise 6 answer(s)" in output
    assert "HBB: C -> A (+2.50; for Nilai Total; Birokrasi yang Bersih dan Akuntabel)" in output
    assert "cannot be met by answers: Pelayanan Publik yang Prima (IPKP): bergantung hanya pada indeks survei (HPA)" in output
    assert "caution for WBK: Reform / Manajemen Perubahan 2.25 < 2.40" in output
