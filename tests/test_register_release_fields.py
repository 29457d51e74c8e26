"""The register's fields for the press release: Nama Acara, Rilis Sebut Semua Unit, Penerima, Kutipan Tahap."""

from __future__ import annotations

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
