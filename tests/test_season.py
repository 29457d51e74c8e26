"""The season as a secretariat lives it, through the command line, from an empty folder.

`init`, the register filled in Excel (here openpyxl, as a person would), blank
LKE workbooks, the units' answers, then validate, score, build, report,
archive and verify; a unit added mid-season; the next year started from this one.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dossier.cli import cli
from dossier.workspace import HOWTO

from .conftest import REPO
from .workbook_factory import full_answers, lke_book, register_book, write_year

YEAR = 2025
AWARD = {
    "Instansi": "Kementerian Sumber Daya Maritim",
    "Singkatan Instansi": "KSDM",
    "Pemberi Penghargaan": "Kementerian PANRB",
    "Tanggal Penyerahan": datetime(YEAR, 12, 10),
    "Tempat Penyerahan": "Jakarta",
    "Dibuka Oleh": "Menteri PANRB",
    "Dihadiri Oleh": "Sekretaris Jenderal",
    "Kota Rilis": "Jakarta",
}


def run(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def headers(ws, row: int) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[row] if c.value is not None}


def fill_register(path: Path, units: list[dict], award: dict | None = None) -> None:
    """Type the award facts and unit rows into the register, as a person would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book["Penghargaan"]
    for row in range(1, sheet.max_row + 1):
        label = sheet.cell(row, 1).value
        if award and label in award:
            sheet.cell(row, 2, award[label])
    sheet = book["Unit"]
    columns = headers(sheet, 1)
    row = next(r for r in range(2, sheet.max_row + 2) if sheet.cell(r, 1).value is None)
    for unit in units:
        for header, value in unit.items():
            sheet.cell(row, columns[header], value)
        row += 1
    book.save(path)


def unit(code: str, proposed: str = "WBK", **more) -> dict:
    return {"Kode": code, "Nama Unit": f"Balai {code}", "Jenis Unit": "Balai", "Kota": "Bitung",
            "Provinsi": "Sulawesi Utara", "Kepala Unit": f"Kepala {code}", "Predikat Diusulkan": proposed} | more


def answer_blank(path: Path, answers: dict[str, object]) -> None:
    """Fill a blank LKE through its own Kode and Jawaban columns."""
    book = openpyxl.load_workbook(path)
    sheet = book["LKE"]
    header_row = next(r for r in range(1, 21) if {"Kode", "Jawaban"} <= set(headers(sheet, r)))
    columns = headers(sheet, header_row)
    filled = 0
    for row in range(header_row + 1, sheet.max_row + 1):
        code = sheet.cell(row, columns["Kode"]).value
        if code in answers:
            sheet.cell(row, columns["Jawaban"], answers[code])
            filled += 1
    assert filled == len(answers)
    book.save(path)


@pytest.mark.render
def test_a_season_from_an_empty_folder(tmp_path):
    root = tmp_path / "zi"
    result = run("init", str(root), "--year", str(YEAR))
    assert result.exit_code == 0, result.output
    assert "dossier lke-template" in result.output
    inputs = root / "inputs" / str(YEAR)
    fill_register(inputs / "nominasi.xlsx", [unit("UPT01"), unit("UPT02", "WBBM", **{"Predikat Saat Ini": "WBK"})],
                  AWARD)

    # A unit without an LKE is the normal state now: a blank workbook for each.
    result = run("-C", str(root), "lke-template")
    assert result.exit_code == 0, result.output
    blank = root / "build" / str(YEAR) / "lke-kosong"
    assert sorted(p.name for p in blank.iterdir()) == ["UPT01 LKE.xlsx", "UPT02 LKE.xlsx"]

    answers = full_answers()
    for path in blank.iterdir():
        answer_blank(path, answers)
        shutil.copy(path, inputs / "lke" / path.name)

    result = run("-C", str(root), "validate")
    assert result.exit_code == 0, result.output
    assert "2 unit(s), 2 LKE workbook(s): 0 error(s)" in result.output
    assert "ketua_tpi" in result.output  # the empty signer is said now, not found in print
    result = run("-C", str(root), "score")
    assert result.exit_code == 0, result.output
    assert "UPT01" in result.output and "UPT02" in result.output
    result = run("-C", str(root), "build", "-j", "1", "-v")
    assert result.exit_code == 0, result.output
    assert f"wrote build/{YEAR}/dossier/UPT01.pdf" in result.output
    assert f"read inputs/{YEAR}/lke/UPT01 LKE.xlsx: unit UPT01" in result.output
    built = root / "build" / str(YEAR)
    for name in ("dossier/UPT01.pdf", "dossier/UPT02.docx", "paket/UPT02.pdf", "rekapitulasi.xlsx", "rilis.pdf"):
        assert (built / name).is_file(), name
    result = run("-C", str(root), "report")
    assert result.exit_code == 0, result.output
    result = run("-C", str(root), "archive")
    assert result.exit_code == 0, result.output
    assert (root / "archive" / str(YEAR) / "manifest.json").is_file()
    result = run("-C", str(root), "archive", "verify")
    assert result.exit_code == 0, result.output

    # A unit joins mid-season: only its workbook is written.
    fill_register(inputs / "nominasi.xlsx", [unit("UPT03")])
    shutil.rmtree(blank)
    result = run("-C", str(root), "lke-template")
    assert result.exit_code == 0, result.output
    assert [p.name for p in blank.iterdir()] == ["UPT03 LKE.xlsx"]
    result = run("-C", str(root), "validate")
    assert result.exit_code == 1
    assert "unit UPT03 has no LKE workbook" in result.output

    # Until it has one, the year's documents would leave it out unsaid: the build fails and
    # names it, and no recap or release is left behind from before.
    for command in ("build", "report"):
        result = run("-C", str(root), command)
        assert result.exit_code == 1, result.output
        assert "UPT03" in result.output.splitlines()[-1], result.output  # the summary names it
        assert "rekapitulasi" in result.output and "not written" in result.output
        for name in ("rekapitulasi.xlsx", "rekapitulasi.pdf", "rilis.docx", "rilis.pdf"):
            assert not (built / name).exists(), name
        listed = json.loads((built / "manifest.json").read_text())
        assert not any("rekapitulasi" in str(entry) or "rilis" in str(entry) for entry in listed["files"])
        assert (built / "dossier/UPT01.pdf").is_file()  # the units that can be built still are


# --- lke-template ------------------------------------------------------------------------------


def test_lke_template_refuses_rows_it_cannot_tell_apart(tmp_path):
    root = tmp_path / "zi"
    assert run("init", str(root), "--year", str(YEAR)).exit_code == 0
    register = root / "inputs" / str(YEAR) / "nominasi.xlsx"
    fill_register(register, [unit("UPT01"), unit("upt01"), {"Nama Unit": "Tanpa kode"}])
    result = run("-C", str(root), "lke-template")
    assert result.exit_code == 1
    assert "appears twice" in result.output and "has no Kode" in result.output
    assert "Traceback" not in result.output


def test_lke_template_with_an_empty_register_says_what_to_do(tmp_path):
    root = tmp_path / "zi"
    assert run("init", str(root), "--year", str(YEAR)).exit_code == 0
    result = run("-C", str(root), "lke-template")
    assert result.exit_code == 1
    assert "lists no units yet" in result.output


def test_lke_template_ignores_other_register_errors(tmp_path):
    root = tmp_path / "zi"
    assert run("init", str(root), "--year", str(YEAR)).exit_code == 0
    fill_register(root / "inputs" / str(YEAR) / "nominasi.xlsx", [unit("UPT01", "WBX")])
    result = run("-C", str(root), "lke-template", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "UPT01 LKE.xlsx").is_file()


# --- The howto, the hint and the README agree -----------------------------------------------------


def commands(text: str) -> list[str]:
    """The dossier commands a text names, in order, each once."""
    found = re.findall(r"dossier (init|lke-template|validate|score|build|report|archive verify|archive)\b", text)
    return list(dict.fromkeys(found))


def test_howto_hint_and_readme_name_the_same_steps_in_the_same_order():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    workflow = readme[readme.index("## The yearly workflow"):]
    workflow = workflow[: workflow.index("\n## ", 5)]
    season = ["init", "lke-template", "validate", "score", "build", "report", "archive", "archive verify"]
    assert commands(workflow) == season
    assert commands(HOWTO) == season
    for step in ("nominasi.xlsx", "lke-kosong", "Berkas LKE", "bukti", "Hasil Penetapan", "--year"):
        assert step in workflow and step in HOWTO, step


def test_init_hint_names_the_next_steps(tmp_path):
    result = run("init", str(tmp_path / "zi"), "--year", str(YEAR))
    assert commands(result.output) == commands(HOWTO)[1:2] == ["lke-template"]
    rest = result.output[result.output.index("CARA-PAKAI.txt"):]
    named = re.findall(r"validate|score|build|report|archive", rest)
    assert named == [c for c in commands(HOWTO) if c in named]


# --- The next year -------------------------------------------------------------------------------


def season_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "zi"
    assert run("init", str(root), "--year", "2024").exit_code == 0
    register = root / "inputs/2024/nominasi.xlsx"
    fill_register(register, [
        unit("UPT01", **{"Hasil Penetapan": "WBK", "Kategori Penghargaan": "Wilayah Bebas dari Korupsi"}),
        unit("UPT02", "WBBM", **{"Predikat Saat Ini": "WBK", "Hasil Penetapan": "WBBM"}),
        unit("UPT03", **{"Hasil Penetapan": "Tidak", "Berkas LKE": "lke upt03.xlsx"}),
        unit("UPT04", "WBBM", **{"Predikat Saat Ini": "WBK"}),
    ], AWARD | {"Tahun": 2024, "Tanggal Penyerahan": datetime(2024, 12, 10)})
    book = openpyxl.load_workbook(register)
    book["Kutipan"].append(["Dr. Ani", "Sekretaris Jenderal", "Integritas adalah kebiasaan."])
    book["Inovasi"].append(["UPT01", "Layanan Cepat", 2023, "Antrean daring."])
    book.save(register)
    (root / "inputs/2024/lke/x.xlsx").write_bytes(b"last year's")
    return root


def test_next_year_carries_the_register_forward(tmp_path):
    root = season_workspace(tmp_path)
    settings = (root / "dossier.toml").read_bytes()
    result = run("-C", str(root), "init", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "4 units of 2024 carried forward" in result.output
    year = root / "inputs/2025"
    assert sorted(p.name for p in year.iterdir()) == ["bukti", "lke", "nominasi.xlsx"]
    assert not any((year / "lke").iterdir()) and not any((year / "bukti").iterdir())
    assert (root / "dossier.toml").read_bytes() == settings

    book = openpyxl.load_workbook(year / "nominasi.xlsx")
    award = {book["Penghargaan"].cell(r, 1).value: book["Penghargaan"].cell(r, 2).value for r in range(1, 10)}
    assert award["Tahun"] == 2025
    assert award["Instansi"] == AWARD["Instansi"] and award["Kota Rilis"] == "Jakarta"
    for ceremony in ("Tanggal Penyerahan", "Tempat Penyerahan", "Dibuka Oleh", "Dihadiri Oleh"):
        assert award[ceremony] is None, ceremony
    sheet = book["Unit"]
    columns = headers(sheet, 1)
    rows = {sheet.cell(r, 1).value: {h: sheet.cell(r, c).value for h, c in columns.items()}
            for r in range(2, sheet.max_row + 1)}
    assert list(rows) == ["UPT01", "UPT02", "UPT03", "UPT04"]
    assert [rows[c]["Predikat Saat Ini"] for c in rows] == ["WBK", "WBBM", None, "WBK"]
    assert {rows[c]["Predikat Diusulkan"] for c in ("UPT01", "UPT03")} == {"WBK"}
    for column in ("Hasil Penetapan", "Kategori Penghargaan", "Berkas LKE"):
        assert all(rows[c][column] is None for c in rows), column
    assert rows["UPT01"]["Nama Unit"] == "Balai UPT01"
    assert book["Kutipan"].max_row == 1  # only the header: last year's quotes stay last year's
    assert [r[:2] for r in book["Inovasi"].iter_rows(min_row=2, values_only=True)] == [("UPT01", "Layanan Cepat")]

    # The new year reads back: its units are there, none of last year's files.
    result = run("-C", str(root), "validate", "--year", "2025")
    assert "4 unit(s), 0 LKE workbook(s)" in result.output


def test_next_year_with_the_workspace_as_argument(tmp_path):
    root = season_workspace(tmp_path)
    result = run("init", str(root), "--year", "2026")
    assert result.exit_code == 0, result.output
    assert (root / "inputs/2026/nominasi.xlsx").is_file()


def test_next_year_refuses_a_year_that_exists(tmp_path):
    root = season_workspace(tmp_path)
    before = (root / "inputs/2024/nominasi.xlsx").read_bytes()
    result = run("-C", str(root), "init", "--year", "2024")
    assert result.exit_code == 1
    assert "award year 2024 is laid out already" in result.output
    assert (root / "inputs/2024/nominasi.xlsx").read_bytes() == before


@pytest.mark.parametrize("year", ["1899", "3000", "٢٠٢٦", "２０２６", "20x5", "-2025"])
def test_init_refuses_a_year_that_is_not_one(tmp_path, year):
    result = run("init", str(tmp_path / "zi"), "--year", year)
    assert result.exit_code == 2
    assert "is not an award year" in result.output and "1900-2999" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "zi").exists()
    root = season_workspace(tmp_path)
    result = run("-C", str(root), "init", "--year", year)
    assert result.exit_code == 2 and "is not an award year" in result.output
    assert sorted(p.name for p in (root / "inputs").iterdir()) == ["2024"]


# --- LKE files matched to units -----------------------------------------------------------------


def read_problems(inputs: Path):
    from dossier.readers import read_award_year
    from dossier.rules import load_edition

    year = read_award_year(inputs, 2024, load_edition("2021"))
    return year, [str(p) for p in year.errors]


def set_register(inputs: Path, edit) -> None:
    book = openpyxl.load_workbook(inputs / "nominasi.xlsx")
    edit(book["Unit"])
    book.save(inputs / "nominasi.xlsx")


def test_a_file_name_starting_with_a_code_goes_to_that_unit(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    (inputs / "lke/LKE BP01.xlsx").rename(inputs / "lke/bp01_final.xlsx")
    year, errors = read_problems(inputs)
    assert errors == []
    assert year.lke["BP01"].source == "lke/bp01_final.xlsx"


def test_a_file_name_and_its_kode_unit_must_agree(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    (inputs / "lke/LKE BP02.xlsx").unlink()
    (inputs / "lke/LKE BP01.xlsx").rename(inputs / "lke/BP02 - LKE.xlsx")
    _, errors = read_problems(inputs)
    assert errors[0] == ("lke/BP02 - LKE.xlsx, LKE!C3: Kode Unit is 'BP01', but its file name makes this the "
                         "workbook of unit BP02; correct Kode Unit or the file name")
    assert any("unit BP01 has no LKE workbook" in e for e in errors)


def test_berkas_lke_names_the_file_of_a_unit(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    (inputs / "lke/LKE BP02.xlsx").rename(inputs / "lke/balai dua.xlsx")

    def edit(sheet):
        sheet.cell(1, 11, "Berkas LKE")
        sheet.cell(3, 11, "Balai Dua.xlsx")

    set_register(inputs, edit)
    year, errors = read_problems(inputs)
    assert errors == []
    assert year.lke["BP02"].source == "lke/balai dua.xlsx"

    set_register(inputs, lambda sheet: sheet.cell(3, 11, "lke\\BALAI DUA.xlsx"))  # a folder and another case
    year, errors = read_problems(inputs)
    assert errors == [] and year.lke["BP02"].source == "lke/balai dua.xlsx"

    set_register(inputs, lambda sheet: sheet.cell(3, 11, "balai-dua.xlsx"))
    _, errors = read_problems(inputs)
    assert errors[0] == ("nominasi.xlsx, Unit!A3: Berkas LKE of unit BP02 is 'balai-dua.xlsx', but lke/ holds no "
                         "such workbook; did you mean 'balai dua.xlsx'?")


def test_a_file_name_that_fits_several_units_lists_them(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP01-A"))
    (inputs / "lke/LKE BP01-A.xlsx").rename(inputs / "lke/BP01-A LKE.xlsx")
    _, errors = read_problems(inputs)
    assert errors[0] == ("lke/BP01-A LKE.xlsx: the file name fits several units: BP01, BP01-A; rename the file, "
                         "or name it in the Berkas LKE column of the right unit in nominasi.xlsx (sheet Unit)")


@pytest.mark.parametrize("written", ["UPT 04", "UPT4", "UPT-04", "upt_4"])
def test_a_close_code_says_which_unit_was_meant(tmp_path, written):
    inputs = tmp_path / "inputs/2024"
    (inputs / "lke").mkdir(parents=True)
    register_book(("UPT03", "UPT04")).save(inputs / "nominasi.xlsx")
    lke_book("UPT03").save(inputs / "lke/LKE UPT03.xlsx")
    lke_book(written).save(inputs / "lke/LKE keempat.xlsx")
    _, errors = read_problems(inputs)
    assert (f"lke/LKE keempat.xlsx, LKE!C3: Kode Unit '{written}' is not a unit of nominasi.xlsx (sheet Unit), so "
            f"this LKE is not used; it is probably unit UPT04: write UPT04 in Kode Unit, or add the unit to the "
            f"register") in errors
    assert (f"nominasi.xlsx, Unit!A3: unit UPT04 has no LKE workbook in lke/ (or its workbook could not be read); "
            f"the workbook of '{written}' is probably this unit's") in errors


@pytest.mark.slow
def test_an_official_workbook_is_matched_by_its_file_name_or_berkas_lke(tmp_path):
    from dossier.official_template import write_official_template
    from dossier.rules import load_edition

    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    (inputs / "lke/LKE BP02.xlsx").unlink()
    write_official_template(inputs / "lke/Formulir ZI bp02 final.xlsx", load_edition("2021"), unit_code="BP02",
                            unit_name="Balai", year=2024, ministry="K")
    _, errors = read_problems(inputs)
    assert errors == [
        "lke/Formulir ZI bp02 final.xlsx: the file name fits no unit of nominasi.xlsx (sheet Unit), so this LKE is "
        "not used; it is probably unit BP02: start the file name with BP02, or name the file in the unit's Berkas LKE column",
        "nominasi.xlsx, Unit!A3: unit BP02 has no LKE workbook in lke/ (or its workbook could not be read); "
        "the workbook of 'Formulir ZI bp02 final.xlsx' is probably this unit's",
    ]

    def edit(sheet):
        sheet.cell(1, 11, "Berkas LKE")
        sheet.cell(3, 11, "Formulir ZI bp02 final.xlsx")

    set_register(inputs, edit)
    year, errors = read_problems(inputs)
    assert errors == [] and year.lke["BP02"].source == "lke/Formulir ZI bp02 final.xlsx"
    (inputs / "lke/Formulir ZI bp02 final.xlsx").rename(inputs / "lke/BP02 LKE ZI.xlsx")
    set_register(inputs, lambda sheet: setattr(sheet.cell(3, 11), "value", None))
    year, errors = read_problems(inputs)
    assert errors == [] and year.lke["BP02"].source == "lke/BP02 LKE ZI.xlsx"


def test_codes_match_whatever_their_case(tmp_path):
    inputs = tmp_path / "inputs/2024"
    (inputs / "lke").mkdir(parents=True)
    register_book(("UPT04",)).save(inputs / "nominasi.xlsx")
    lke_book("upt04").save(inputs / "lke/keempat.xlsx")
    year, _ = read_problems(inputs)
    assert year.lke["UPT04"].source == "lke/keempat.xlsx"


def test_empty_signer_settings_are_warnings_in_validate(tmp_path):
    root = tmp_path / "zi"
    write_year(root, units=("BP01",))
    result = run("-C", str(root), "validate")
    assert result.exit_code == 0, result.output
    assert "warning: dossier.toml, [penandatangan] ketua_tpi: empty" in result.output
    assert "warning: dossier.toml, [penandatangan] nip_ketua_tpi: empty" in result.output
    (root / "dossier.toml").write_text('[penandatangan]\nketua_tpi = "Dr. Ani"\nnip_ketua_tpi = "197503122000032001"\n')
    assert "[penandatangan]" not in run("-C", str(root), "validate").output


# --- The command line ---------------------------------------------------------------------------


def test_help_lists_the_commands_in_season_order():
    output = run("--help").output
    listed = re.findall(r"^  ([a-z-]+)\s", output[output.index("Commands:"):], re.M)
    assert listed == ["init", "lke-template", "validate", "score", "build", "report", "umpan-balik", "archive", "templates",
                      "serve", "pengguna"]


def test_workspace_option_naming_a_missing_folder(tmp_path):
    result = run("-C", str(tmp_path / "nowhere"), "validate")
    assert result.exit_code == 1
    assert f"the workspace folder {tmp_path / 'nowhere'} does not exist" in result.output
    result = run("validate", "-C", str(tmp_path / "nowhere"))
    assert "does not exist" in result.output


def test_verbose_and_quiet_after_the_command(tmp_path):
    root = tmp_path / "zi"
    write_year(root, units=("BP01",))
    loud = run("-C", str(root), "validate", "-v")
    assert "read inputs/2024/nominasi.xlsx: 1 unit(s)" in loud.output
    assert "read inputs/2024/lke/LKE BP01.xlsx: unit BP01" in loud.output
    assert loud.output == run("-v", "-C", str(root), "validate").output
    quiet = run("-C", str(root), "validate", "-q")
    assert "0 error(s)" not in quiet.output and quiet.exit_code == 0


def test_no_color(tmp_path):
    missing = str(tmp_path / "nowhere")
    write_year(tmp_path, units=("BP01",))
    (tmp_path / "inputs/2024/lke/LKE BP01.xlsx").unlink()  # an error: the summary is red
    coloured = CliRunner().invoke(cli, ["-C", str(tmp_path), "validate"], color=True)
    assert "\x1b[" in coloured.output
    for args, env in ((["--no-color"], {}), ([], {"NO_COLOR": "1"})):
        plain = CliRunner().invoke(cli, ["-C", str(tmp_path), "validate", *args], color=True, env=env)
        assert "\x1b[" not in plain.output, args
    plain = CliRunner().invoke(cli, ["--no-color", "-C", missing, "score"], color=True)
    assert "\x1b[" not in plain.output


def test_archive_year_before_verify_is_the_year_verified(tmp_path):
    for year in (2023, 2024):
        (tmp_path / "archive" / str(year)).mkdir(parents=True)
    before = run("-C", str(tmp_path), "archive", "--year", "2023", "verify")
    after = run("-C", str(tmp_path), "archive", "verify", "--year", "2023")
    assert before.exit_code == after.exit_code == 1
    assert "archive/2023" in before.output and "2024" not in before.output
    assert before.output == after.output
    clash = run("-C", str(tmp_path), "archive", "--year", "2023", "verify", "--year", "2024")
    assert clash.exit_code == 2 and "two different years" in clash.output


def test_progress_names_the_unit_being_built():
    from dossier.build import Rendered
    from dossier.console import BuildProgress

    progress = BuildProgress(tty=True)
    progress.start(3, 0, labels=["UPT01", "UPT02", "rekap"])
    assert progress.bar.current_item == "UPT01" and progress.bar.show_eta
    progress.done("UPT02", Rendered("UPT02"))  # finished out of order: UPT01 is still being built
    assert progress.bar.current_item == "UPT01"
    progress.done("UPT01", Rendered("UPT01"))
    assert progress.bar.current_item == "rekap"
    progress.done("rekap", Rendered(""))
    assert progress.bar is None
