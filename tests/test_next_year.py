"""`init --year` starting the next award year: every field that belongs to one year left empty,
the office's own register columns kept, and commands that say which year they work on."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from dossier.cells import put

from .test_season import AWARD, fill_register, headers, run, season_workspace, unit

YEAR_BOUND_LABELS = ("Tanggal Penyerahan", "Tempat Penyerahan", "Dibuka Oleh", "Dihadiri Oleh", "Nama Acara",
                     "Tanggal Usulan", "Opini BPK", "Nilai SAKIP")


def award_of(book) -> dict:
    ws = book["Penghargaan"]
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}


def unit_rows(book) -> dict[str, dict]:
    ws = book["Unit"]
    columns = headers(ws, 1)
    return {ws.cell(r, 1).value: {h: ws.cell(r, c).value for h, c in columns.items()} for r in range(2, ws.max_row + 1)}


def last_year_filled_in(tmp_path, extra: dict[str, dict[str, str]]):
    """A 2024 season with every year-bound field filled and the office's own columns `extra` (header -> code -> value)."""
    root = season_workspace(tmp_path)
    register = root / "inputs/2024/nominasi.xlsx"
    fill_register(register, [], AWARD | {"Nama Acara": "Penganugerahan ZI 2024", "Tanggal Usulan": datetime(2024, 12, 2),
                                         "Opini BPK": "WTP", "Nilai SAKIP": "A"})
    book = openpyxl.load_workbook(register)
    ws = book["Unit"]
    columns = headers(ws, 1)
    for code_row in range(2, ws.max_row + 1):
        ws.cell(code_row, columns["Penerima"] if "Penerima" in columns else ws.max_column + 1, "Kepala Balai")
    first = ws.max_column + 1
    for i, (header, values) in enumerate(extra.items()):
        put(ws, 1, first + i, header)  # typed as text, as Excel keeps a cell typed with a leading apostrophe
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value in values:
                put(ws, r, first + i, values[ws.cell(r, 1).value])
    book.save(register)
    return root


@pytest.mark.parametrize("extra", [
    {"Email PIC": {"UPT01": "pic1@kementerian.go.id", "UPT03": "pic3@kementerian.go.id"},
     "No. HP PIC": {"UPT01": "0812-1111-2222", "UPT04": "0813 4444 5555"}},
    {"Catatan Sekretariat": {"UPT02": "kunjungan lapangan Maret"}},
    {'=HYPERLINK("http://127.0.0.1:9/h","PIC")': {"UPT01": '=HYPERLINK("http://127.0.0.1:9/x","klik")',
                                                  "UPT02": "+62 812", "UPT03": "@SUM(A1)", "UPT04": "-1+1"}},
])
def test_next_year_leaves_every_year_bound_field_empty_and_keeps_the_offices_columns(tmp_path, extra):
    root = last_year_filled_in(tmp_path, extra)
    before = award_of(openpyxl.load_workbook(root / "inputs/2024/nominasi.xlsx"))
    assert before["Nama Acara"] == "Penganugerahan ZI 2024" and before["Tanggal Usulan"] is not None
    result = run("-C", str(root), "init", "--year", "2025")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(root / "inputs/2025/nominasi.xlsx")
    award = award_of(book)
    for label in YEAR_BOUND_LABELS:
        assert award.get(label) is None, label
    assert award["Instansi"] == AWARD["Instansi"] and award["Tahun"] == 2025
    rows = unit_rows(book)
    for code, row in rows.items():
        for column in ("Hasil Penetapan", "Kategori Penghargaan", "Penerima", "Berkas LKE", "Berkas LKE TPI"):
            assert row.get(column) is None, (code, column)
    for header, values in extra.items():
        assert {code: row.get(header) for code, row in rows.items() if row.get(header)} == values
    # Regression: carried with ws.cell(row, column, value), text typed '=HYPERLINK(...)' came back a live formula.
    assert {c.data_type for row in book["Unit"].iter_rows() for c in row if isinstance(c.value, str)} == {"s"}
    # The new register reads back clean, its extra columns ignored as before.
    validate = run("-C", str(root), "validate", "--year", "2025")
    assert "4 unit(s), 0 LKE workbook(s)" in validate.output


def test_a_unit_added_mid_season_keeps_its_extra_values_on_its_own_row(tmp_path):
    root = last_year_filled_in(tmp_path, {"Email PIC": {"UPT04": "pic4@kementerian.go.id"}})
    fill_register(root / "inputs/2024/nominasi.xlsx", [unit("UPT05")])
    assert run("-C", str(root), "init", "--year", "2025").exit_code == 0
    rows = unit_rows(openpyxl.load_workbook(root / "inputs/2025/nominasi.xlsx"))
    assert rows["UPT04"]["Email PIC"] == "pic4@kementerian.go.id"
    assert rows["UPT05"]["Email PIC"] is None


@pytest.mark.parametrize("command", [["build"], ["report"], ["archive"], ["build", "--unit", "UPT01"]])
def test_a_year_just_started_says_so_and_names_the_previous_one(tmp_path, command):
    root = season_workspace(tmp_path)
    assert run("-C", str(root), "init", "--year", "2025").exit_code == 0
    result = run("-C", str(root), *command)
    assert result.exit_code != 0
    assert result.stderr.splitlines()[0] == "Award year 2025 (inputs/2025/)."
    assert "award year 2025 has no LKE workbook yet" in result.stderr and "add --year 2024" in result.stderr
    assert "Traceback" not in result.output and not (root / "build" / "2025").exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["validate"], ["score"], ["lke-template"]])
def test_every_command_says_its_year_on_its_first_line(tmp_path, command):
    root = season_workspace(tmp_path)
    assert run("-C", str(root), "init", "--year", "2025").exit_code == 0
    for year, args in (("2025", []), ("2024", ["--year", "2024"])):
        result = run("-C", str(root), *command, *args)
        assert result.stderr.splitlines()[0] == f"Award year {year} (inputs/{year}/).", result.output


def test_score_json_keeps_stdout_pure_json(tmp_path):
    import json

    root = season_workspace(tmp_path)
    result = run("-C", str(root), "score", "--json")
    assert json.loads(result.stdout)["year"] == 2024 and "Award year" not in result.stderr
