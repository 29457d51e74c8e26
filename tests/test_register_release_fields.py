"""The register's fields for the press release: Nama Acara, Rilis Sebut Semua Unit, Penerima, Kutipan Tahap."""

from __future__ import annotations

import pytest

from dossier.readers.register import read_register
from tests.workbook_factory import YEAR, register_book


def _read(tmp_path, book):
    path = tmp_path / "nominasi.xlsx"
    book.save(path)
    return read_register(path, YEAR)


def test_older_registers_without_the_new_fields_read_cleanly(tmp_path):
    register = _read(tmp_path, register_book())
    assert register.problems == []
    assert (register.award.event_name, register.award.release_all_units) == ("", "")
    assert register.units[0].recipient == "" and register.quotes[0].phase == ""


def test_new_fields_are_read(tmp_path):
    book = register_book()
    book["Penghargaan"].append(["Nama Acara", "Penganugerahan Zona Integritas 2024"])
    book["Penghargaan"].append(["Rilis Sebut Semua Unit", "Ya"])
    book["Unit"].cell(1, 11, "Penerima")
    book["Unit"].cell(2, 11, "Kepala Balai, Dr. Budi")
    book["Kutipan"].cell(1, 4, "Tahap")
    book["Kutipan"].cell(2, 4, "Sesudah")
    register = _read(tmp_path, book)
    assert register.problems == []
    assert register.award.event_name == "Penganugerahan Zona Integritas 2024"
    assert register.award.release_all_units == "Ya"
    assert register.units[0].recipient == "Kepala Balai, Dr. Budi"
    assert register.quotes[0].phase == "sesudah"


def test_an_unknown_phase_names_the_cell_and_the_choices(tmp_path):
    book = register_book()
    book["Kutipan"].cell(1, 4, "Tahap")
    book["Kutipan"].cell(2, 4, "nanti")
    register = _read(tmp_path, book)
    assert [(p.where, p.severity) for p in register.problems] == [("nominasi.xlsx, Kutipan!D2", "error")]
    assert "expected sebelum (before the results), sesudah (after) or empty (both)" in register.problems[0].message
    assert register.quotes == []


def test_the_public_relations_sign_off_comes_from_the_settings(tmp_path):
    import pytest

    from dossier.config import DEFAULT_TOML, ConfigError, load_settings

    (tmp_path / "dossier.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    assert (load_settings(tmp_path).pr_bureau, load_settings(tmp_path).pr_contact) == ("", "")
    (tmp_path / "dossier.toml").write_text('[humas]\nbiro = "Biro Humas"\nkontak = "Rina, 021-555"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.pr_bureau, settings.pr_contact) == ("Biro Humas", "Rina, 021-555")
    (tmp_path / "dossier.toml").write_text('[humas]\ntelepon = "021"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[humas\] telepon is not a known setting"):
        load_settings(tmp_path)


@pytest.mark.parametrize("evaluated, awarded, wrong", [
    (-5, None, "B"), (1e20, None, "B"), (True, None, "B"), ("banyak sekali", None, "B"), (2023.5, None, "B"),
    (10, 500, "awarded"), (None, "12 unit", "awarded"),
])
def test_the_national_counts_are_whole_numbers_and_the_awarded_among_the_evaluated(tmp_path, evaluated, awarded, wrong):
    """Regression: -5, 1e20, TRUE or 'banyak sekali' were printed in the release as the units evaluated nationwide
    ('mengevaluasi -5 unit kerja'), and 500 awarded of 10 evaluated was accepted."""
    book = register_book()
    for label, value in (("Unit Dievaluasi Nasional", evaluated), ("Unit Berpredikat Nasional", awarded)):
        if value is not None:
            book["Penghargaan"].append([label, value])
    register = _read(tmp_path, book)
    rows = {c.value: c.row for c in book["Penghargaan"]["A"]}
    cell = rows["Unit Berpredikat Nasional" if wrong == "awarded" else "Unit Dievaluasi Nasional"]
    assert [(p.where, p.severity) for p in register.problems] == [(f"nominasi.xlsx, Penghargaan!B{cell}", "error")]
    assert register.award.national_evaluated in ("", "10") and register.award.national_awarded in ("", "500")


@pytest.mark.parametrize("evaluated, awarded, read", [(1250.0, "425", ("1250", "425")), ("3.124", "1.176", ("3124", "1176")),
                                                      (3124, 0, ("3124", "0"))])
def test_plain_national_counts_are_read_as_numbers(tmp_path, evaluated, awarded, read):
    """Typed as numbers or as text, with the dots Indonesian writes between thousands."""
    book = register_book()
    book["Penghargaan"].append(["Unit Dievaluasi Nasional", evaluated])
    book["Penghargaan"].append(["Unit Berpredikat Nasional", awarded])
    register = _read(tmp_path, book)
    assert register.problems == [] and (register.award.national_evaluated, register.award.national_awarded) == read


@pytest.mark.parametrize("written, current, expected", [
    (2022, "WBK", ("2022", [])), (2022.0, "WBK", ("2022", [])), ("2021", "WBBM", ("2021", [])),
    (True, "WBK", ("", ["error"])), (2023.5, "WBK", ("", ["error"])), (YEAR + 5, "WBK", ("", ["error"])),
    (YEAR, "WBK", ("", ["error"])), ("dua ribu", "WBK", ("", ["error"])), (1999, "WBK", ("", ["error"])),
    (2022, "", ("2022", ["warning"])),
])
def test_tahun_wbk_is_a_year_before_the_award_year_of_a_unit_holding_a_predicate(tmp_path, written, current, expected):
    """Regression: TRUE, 2023.5 or a later year were printed in the release ('meraih predikat WBK pada tahun True'),
    and a unit holding nothing was said to have held WBK since 2022."""
    book = register_book()
    sheet = book["Unit"]
    headers = {c.value: c.column for c in sheet[1]}
    column = headers.get("Tahun WBK") or sheet.max_column + 1
    sheet.cell(1, column, "Tahun WBK")
    sheet.cell(2, column, written)
    sheet.cell(2, headers["Predikat Saat Ini"], current or None)
    register = _read(tmp_path, book)
    said = [(p.severity, p.where) for p in register.problems if p.unit == register.units[0].code]
    assert (register.units[0].wbk_year, [s for s, _ in said]) == expected
    assert all(where.endswith(f"Unit!{sheet.cell(2, column).coordinate}") for _, where in said)


def test_a_label_of_the_award_written_twice_is_an_error_naming_both_rows(tmp_path):
    """Regression: a second 'Instansi' row was silently ignored, the first taken, whichever was meant."""
    book = register_book()
    first = next(c.row for c in book["Penghargaan"]["A"] if c.value == "Instansi")
    book["Penghargaan"].append(["Instansi", "Kementerian Lain"])
    register = _read(tmp_path, book)
    row = book["Penghargaan"].max_row
    assert [(p.where, p.severity, p.code) for p in register.problems] == [
        (f"nominasi.xlsx, Penghargaan!A{row}", "error", "register.award.label_repeated")]
    assert f"the label Instansi is in rows {first} and {row}" in str(register.problems[0])
