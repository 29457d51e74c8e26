"""The core of the command line in Indonesian by default, in English on request (issue 16).

`validate` with a problem, `score`'s table and CARA-PAKAI.txt, run as a user would (a
subprocess on an English machine), on the bundled sample year and on a workspace made by
`dossier init`; and a few messages of the library in both languages.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from dossier import i18n
from dossier.build import BuildResult
from dossier.errors import InputErrors, Problem
from dossier.workspace import HOWTO

from .conftest import SAMPLE_YEAR

pytestmark = pytest.mark.slow  # each test runs dossier in a subprocess, as a user does

# Words of the English messages that must not be left in their Indonesian.
ENGLISH = re.compile(r"\b(error|warning|workbook|answer|shortfall|caution|way to|eligible|proposed|"
                     r"built|reused|failed|page|file)s?\b|\(s\)", re.IGNORECASE)


def dossier(*args: str, cwd: Path, lang: str | None = None) -> subprocess.CompletedProcess:
    """Run the dossier command as a user would, on an English machine (LANG=en_US.UTF-8)."""
    environment = {k: v for k, v in os.environ.items() if k != "DOSSIER_LANG"}
    environment.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", LANGUAGE="en_US")
    if lang is not None:
        environment["DOSSIER_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "dossier", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def commands(text: str) -> list[str]:
    """The dossier commands a text names, in order, each once."""
    found = re.findall(r"dossier (init|lke-template|validate|score|build|report|archive verify|archive)\b", text)
    return list(dict.fromkeys(found))


def give_a_bad_answer(workspace: Path, code: str = "PPA1B") -> Path:
    """Write the answer 'F' (not an option) for `code` into the first LKE of the sample year, as Excel would."""
    path = sorted((workspace / f"inputs/{SAMPLE_YEAR}/lke").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(path)
    sheet = book["LKE"]
    header_row, columns = next(
        (r[0].row, {str(c.value).strip().lower(): c.column for c in r if c.value})
        for r in sheet.iter_rows(max_row=20)
        if any(str(c.value).strip().lower() == "jawaban" for c in r)
    )
    row = next(r for r in range(header_row + 1, sheet.max_row + 1) if sheet.cell(r, columns["kode"]).value == code)
    sheet.cell(row, columns["jawaban"]).value = "F"
    book.save(path)
    return path


def test_validate_with_a_bad_answer_speaks_indonesian_then_english(sample):
    give_a_bad_answer(sample)
    result = dossier("validate", cwd=sample)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("kesalahan: ")]
    assert len(errors) == 1 and "PPA1B" in errors[0], result.stdout
    assert all(line.startswith(("kesalahan: ", "peringatan: ")) or re.match(r"\w+: \d+ jawaban belum diisi", line)
               for line in lines), result.stdout
    assert re.search(r"peringatan: dossier\.toml, \[penandatangan\] ketua_tpi: kosong; tulis nama ketua TPI", result.stdout)
    summary = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(rf"{SAMPLE_YEAR}: 6 unit, 6 berkas LKE: 1 kesalahan, \d+ peringatan\.", summary), result.stderr
    assert not ENGLISH.search(summary)
    assert "Traceback" not in result.stderr

    scored = dossier("score", cwd=sample)
    assert scored.returncode == 1
    assert "1 kesalahan pada berkas masukan: nilai ini mungkin keliru. Jalankan 'dossier validate'." in scored.stderr
    assert any(line.startswith("kesalahan: ") and "PPA1B" in line for line in scored.stderr.splitlines())

    english = dossier("validate", cwd=sample, lang="en")
    assert english.returncode == 1
    assert any(line.startswith("error: ") and "PPA1B" in line for line in english.stdout.splitlines())
    assert "kesalahan" not in english.stdout + english.stderr and "peringatan" not in english.stdout
    assert re.search(rf"{SAMPLE_YEAR}: 6 unit\(s\), 6 LKE workbook\(s\): 1 error\(s\), \d+ warning\(s\)\.", english.stderr)
    assert "1 error in the inputs: these scores may be wrong." in dossier("score", cwd=sample, lang="en").stderr


def test_the_score_table_speaks_indonesian_by_default_and_english_on_request(sample):
    result = dossier("score", cwd=sample)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Kode", "Unit", "Dituju", "Pemenuhan", "Reform", "Pengungkit", "Hasil", "Total",
                                "Mandiri", "Diubah", "TPI", "Memenuhi", "syarat", "Diusulkan"]
    assert "    tidak diusulkan tahun ini: belum memenuhi syarat WBK" in lines
    out = result.stdout
    assert "    kekurangan untuk WBK: Nilai Total 69,37 < 75,00 (kurang 5,63)" in lines
    assert "    perhatian untuk WBK: Reform / Manajemen Perubahan 2,25 < 2,40: bagian ini di bawah porsi minimalnya" in out
    assert "    langkah menuju WBK: naikkan 6 jawaban" in lines
    assert "      HBB: C -> A (+2,50; untuk Nilai Total; Birokrasi yang Bersih dan Akuntabel)" in lines
    assert "    langkah menuju WBK: tidak ada jawaban yang dapat dinaikkan" in lines
    assert "tidak dapat dipenuhi lewat jawaban: Pelayanan Publik yang Prima (IPKP)" in out
    assert re.search(r"penilaian mandiri [\d,]+, memenuhi syarat: WBK; TPI mengubah 1 jawaban: PPA2C", out)
    assert lines[-2].startswith("Total adalah nilai yang berlaku")
    assert not ENGLISH.search(out), ENGLISH.search(out)
    for word in ("Code", "Proposed", "Target", "Self", "TPI changed", "Eligible"):
        assert word not in out

    english = dossier("score", cwd=sample, lang="en")
    lines = english.stdout.splitlines()
    assert lines[0].split() == ["Code", "Unit", "Target", "Pemenuhan", "Reform", "Pengungkit", "Hasil", "Total",
                                "Self", "TPI", "changed", "Eligible", "Proposed", "for"]
    assert "    not proposed this year: does not meet WBK" in lines
    assert "    shortfall for WBK: Nilai Total 69.37 < 75.00 (short by 5.63)" in lines
    assert "    way to WBK: raise 6 answer(s)" in lines
    assert lines[-2].startswith("Total is the counting score")
    assert "Kode" not in english.stdout and "langkah" not in english.stdout


def test_score_json_is_the_same_in_both_languages(sample):
    indonesian = dossier("score", "--json", cwd=sample)
    english = dossier("score", "--json", cwd=sample, lang="en")
    assert indonesian.returncode == english.returncode == 0, indonesian.stderr
    assert indonesian.stdout == english.stdout
    assert {"year", "edition", "units"} <= set(json.loads(indonesian.stdout))


def test_cara_pakai_is_indonesian_by_default(tmp_path):
    result = dossier("init", "ws", "--year", "2025", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "ws" / "CARA-PAKAI.txt").read_text(encoding="utf-8")
    assert text.startswith("FOLDER KERJA DOSSIER - CARA PAKAI\n")
    assert "2. Isi inputs/2025/nominasi.xlsx: data penghargaan (lembar Penghargaan)" in text
    assert "dossier init --year 2026" in text and "Semua hasil ditulis ke build/2025/." in text
    # The same steps as the English one (and so as the README's yearly workflow), in the same order.
    assert commands(text) == commands(HOWTO)
    for step in ("nominasi.xlsx", "lke-kosong", "Berkas LKE", "bukti", "Hasil Penetapan", "--year"):
        assert step in text, step
    assert "{" not in text and "HOW TO" not in text and "workbook" not in text and "Settings" not in text

    english = dossier("init", "en", "--year", "2025", cwd=tmp_path, lang="en")
    assert english.returncode == 0, english.stderr
    assert (tmp_path / "en" / "CARA-PAKAI.txt").read_text(encoding="utf-8") == HOWTO.format(year=2025, next_year=2026)


def test_a_settings_problem_is_said_in_indonesian(tmp_path):
    assert dossier("init", "ws", "--year", "2025", cwd=tmp_path).returncode == 0
    settings = tmp_path / "ws" / "dossier.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[cetak]\nwarna = "biru"\n', encoding="utf-8")
    result = dossier("-C", "ws", "validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "dossier.toml: pengaturan tidak sah:" in result.stderr
    assert "[cetak] bukan bagian yang dikenal (yang dikenal: lke, penandatangan," in result.stderr
    assert "not valid" not in result.stderr and "Traceback" not in result.stderr
    english = dossier("-C", "ws", "validate", cwd=tmp_path, lang="en")
    assert "dossier.toml: settings are not valid:" in english.stderr
    assert "[cetak] is not a known section" in english.stderr


def test_the_count_of_errors_has_its_plural_in_english_and_one_form_in_indonesian():
    one = [Problem("lke/UPT01 LKE.xlsx, LKE!E57", "x")]
    two = one + [Problem("lke/UPT01 LKE.xlsx, LKE!E58", "y"), Problem("nominasi.xlsx", "z", "warning")]
    with i18n.speaking("id"):
        assert InputErrors(one).format_message().splitlines()[0] == "1 kesalahan pada berkas masukan:"
        assert InputErrors(two).format_message().splitlines()[0] == "2 kesalahan pada berkas masukan:"
    with i18n.speaking("en"):
        assert InputErrors(one).format_message().splitlines()[0] == "1 error in the inputs:"
        assert InputErrors(two).format_message().splitlines()[0] == "2 errors in the inputs:"


def test_the_build_summary_and_why_a_unit_is_not_built_in_both_languages(sample):
    from dossier.build import _blocked_units
    from dossier.console import build_summary
    from dossier.readers import read_award_year
    from dossier.rules import load_edition

    inputs = sample / "inputs" / str(SAMPLE_YEAR)
    (inputs / "lke" / "lke bd02.xlsx").unlink()  # BD02's LKE
    year = read_award_year(inputs, SAMPLE_YEAR, load_edition("2021"))
    result = BuildResult(SAMPLE_YEAR, failed={"BD02": "x"}, seconds=2.5)
    with i18n.speaking("id"):
        assert _blocked_units(year) == {
            "BD02": "tidak disusun: tidak ada berkas LKE untuk BD02 yang dapat dibaca di lke/; jalankan 'dossier validate'"}
        assert build_summary(result, "build/2024") == (
            "2024: disusun 0, dipakai ulang 0, gagal 1 (BD02 tidak disusun); 0 halaman dalam 2,5 detik. Hasil: build/2024")
    with i18n.speaking("en"):
        assert _blocked_units(year) == {"BD02": "not built: no readable LKE workbook for BD02 in lke/; run 'dossier validate'"}
        assert build_summary(result, "build/2024") == (
            "2024: built 0, reused 0, failed 1 (BD02 not built); 0 page(s) in 2.5 s. Output: build/2024")
        assert build_summary(BuildResult(SAMPLE_YEAR), "build/2024").startswith("2024: built 0, reused 0, failed 0; ")
