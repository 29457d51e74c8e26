"""The language of the command line: Indonesian by default, English on request (issue 16)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dossier import i18n

LOCALE = Path(i18n.__file__).with_name("locale")
CATALOGS = {domain: LOCALE / "id" / "LC_MESSAGES" / f"{domain}.po" for domain in ("dossier", "click")}


def untranslated(po: Path) -> int:
    """How many entries of a .po catalog have no translation yet (fuzzy ones count as untranslated)."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    count = 0
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy or not all(strings):
            count += 1
    return count


def dossier(*args: str, cwd: Path, lang: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run the dossier command as a user would, on an English machine (LANG=en_US.UTF-8)."""
    environment = {k: v for k, v in os.environ.items() if k != "DOSSIER_LANG"}
    environment.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", LANGUAGE="en_US", **env)
    if lang is not None:
        environment["DOSSIER_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "dossier", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def flat(text: str) -> str:
    """Help text with its line wrapping undone."""
    return " ".join(text.split())


@pytest.mark.slow
def test_help_is_indonesian_by_default_on_an_english_machine(tmp_path):
    result = dossier("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = flat(result.stdout)
    assert out.startswith("Cara pakai: dossier")
    assert "\nOpsi:\n" in result.stdout and "\nPerintah:\n" in result.stdout
    assert "Tampilkan pesan ini lalu keluar." in out
    assert "Folder kerja (bawaan: folder saat ini)." in out
    assert "Menyusun dokumen usulan Zona Integritas (WBK/WBBM) dari berkas LKE setiap" in out
    assert "Usage" not in out and "Show this message" not in out and "workbook" not in out


@pytest.mark.slow
def test_command_help_is_indonesian(tmp_path):
    out = flat(dossier("init", "--help", cwd=tmp_path).stdout)
    assert "Cara pakai: dossier init" in out
    assert "Tahun penghargaan yang disiapkan (bawaan: tahun ini)." in out
    out = flat(dossier("lke-template", "--help", cwd=tmp_path).stdout)
    assert "resmi: tata letak resmi KemenPAN-RB (lembar LKE ZI)." in out
    assert "[bawaan: dossier]" in out  # Click's "default" too


@pytest.mark.slow
def test_english_with_dossier_lang(tmp_path):
    out = dossier("--help", cwd=tmp_path, lang="en").stdout
    assert out.startswith("Usage: dossier")
    assert "\nOptions:\n" in out
    out = flat(out)
    assert "Show this message and exit." in out
    assert "Workspace folder (default: the current folder)." in out
    assert "Cara pakai" not in out


@pytest.mark.slow
@pytest.mark.parametrize("where", ["cwd", "-C"])
def test_english_with_the_workspace_setting(tmp_path, where):
    (tmp_path / "dossier.toml").write_text('[antarmuka]\nbahasa = "en"\n', encoding="utf-8")
    result = (dossier("--help", cwd=tmp_path) if where == "cwd"
              else dossier("-C", str(tmp_path), "init", "--help", cwd=tmp_path.parent))
    assert result.stdout.startswith("Usage: dossier"), result.stdout
    assert "Show this message and exit." in result.stdout


@pytest.mark.slow
def test_dossier_lang_wins_over_the_workspace_setting(tmp_path):
    (tmp_path / "dossier.toml").write_text('[antarmuka]\nbahasa = "en"\n', encoding="utf-8")
    assert dossier("--help", cwd=tmp_path, lang="id").stdout.startswith("Cara pakai: dossier")


def test_an_unknown_language_setting_is_a_clear_error(tmp_path):
    from dossier.config import load_settings
    from dossier.errors import ConfigError

    (tmp_path / "dossier.toml").write_text('[antarmuka]\nbahasa = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'\[antarmuka\] bahasa must be "id" .* or "en" .*got \'fr\''):
        load_settings(tmp_path)
    (tmp_path / "dossier.toml").write_text('[antarmuka]\nbahasa = "en"\n', encoding="utf-8")
    load_settings(tmp_path)  # known


@pytest.mark.slow
def test_clicks_usage_errors_are_translated(tmp_path):
    result = dossier("--bogus", cwd=tmp_path)
    assert result.returncode == 2
    assert "Cara pakai: dossier [OPTIONS] COMMAND [ARGS]..." in result.stderr
    assert "Coba 'dossier --help' untuk bantuan." in result.stderr
    assert "Kesalahan: Tidak ada opsi '--bogus'." in result.stderr
    english = dossier("--bogus", cwd=tmp_path, lang="en").stderr
    assert "Error: No such option '--bogus'." in english and "Try 'dossier --help' for help." in english
    result = dossier("lke-template", "--format", "pdf", cwd=tmp_path)
    assert "Nilai untuk '--format' tidak sah" in result.stderr


@pytest.mark.slow
def test_init_speaks_both_languages(tmp_path):
    result = dossier("init", "ws", "--year", "2025", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Folder kerja dibuat di" in result.stderr and "untuk tahun penghargaan 2025." in result.stderr
    assert "Berikutnya: isi inputs/2025/nominasi.xlsx (lembar Penghargaan dan Unit)" in flat(result.stderr)
    assert "berkas LKE kosong" in result.stderr
    result = dossier("-C", "ws", "init", "--year", "2026", cwd=tmp_path, lang="en")
    assert result.returncode == 0, result.stderr
    assert "Added award year 2026 to the workspace" in result.stderr
    result = dossier("init", "en", "--year", "2025", cwd=tmp_path, lang="en")
    assert "Created a workspace in" in result.stderr and "Folder kerja" not in result.stderr


@pytest.mark.slow
def test_the_next_year_carries_the_units_forward_in_indonesian(sample):
    shutil.copy(Path(__file__).parent.parent / "dossier.toml", sample / "dossier.toml")
    result = dossier("-C", str(sample), "init", "--year", "2025", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert re.search(r"dengan \d+ unit dari tahun 2024 yang dibawa serta\.", result.stderr), result.stderr
    assert "Berikutnya: periksa" in result.stderr


def test_plural_forms(speak):
    singular, plural = "with the {count} unit of {year} carried forward", "with the {count} units of {year} carried forward"
    speak("id")
    assert i18n.ngettext(singular, plural, 1).format(count=1, year=2024) == "dengan 1 unit dari tahun 2024 yang dibawa serta"
    assert i18n.ngettext(singular, plural, 3).format(count=3, year=2024) == "dengan 3 unit dari tahun 2024 yang dibawa serta"
    with LOCALE.joinpath("id", "LC_MESSAGES", "dossier.po").open("rb") as handle:
        assert read_po(handle).num_plurals == 1  # Indonesian: one form, "1 kesalahan", "3 kesalahan"
    speak("en")
    assert i18n.ngettext(singular, plural, 1).format(count=1, year=2024) == "with the 1 unit of 2024 carried forward"
    assert i18n.ngettext(singular, plural, 3).format(count=3, year=2024) == "with the 3 units of 2024 carried forward"


def test_the_language_is_indonesian_whatever_lang_says(monkeypatch, speak):
    monkeypatch.delenv("DOSSIER_LANG")
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.setenv(name, "en_US.UTF-8")
    assert i18n.choose_language() == "id"
    monkeypatch.setenv("DOSSIER_LANG", "EN")
    assert i18n.choose_language() == "en"
    monkeypatch.setenv("DOSSIER_LANG", "klingon")  # not a language dossier speaks: the default
    assert i18n.choose_language() == "id"


def _worker_speaks() -> tuple[str, str, str]:
    import click.core

    from dossier import i18n as worker_i18n

    return (worker_i18n.language(), worker_i18n._("Say only what went wrong."),
            click.core._("Show this message and exit."))


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_worker_process_speaks_the_same_language(speak, language):
    speak(language)
    assert os.environ["DOSSIER_LANG"] == language
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        spoken = pool.submit(_worker_speaks).result(timeout=120)
    if language == "id":
        assert spoken == ("id", "Tampilkan hanya yang gagal atau bermasalah.", "Tampilkan pesan ini lalu keluar.")
    else:
        assert spoken == ("en", "Say only what went wrong.", "Show this message and exit.")


def test_the_catalogs_compile_with_babel(tmp_path):
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent)) or shutil.which("pybabel")
    assert pybabel, "pybabel (Babel) is not installed"
    shutil.copytree(LOCALE, tmp_path / "locale")
    for domain, po in CATALOGS.items():
        result = subprocess.run([pybabel, "compile", "--statistics", "-D", domain, "-d", str(tmp_path / "locale")],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        counts = re.search(r"(\d+) of (\d+) messages \((\d+)%\) translated", result.stderr + result.stdout)
        assert counts, result.stderr
        translated, total = int(counts[1]), int(counts[2])
        with po.open("rb") as handle:
            assert total == len(read_po(handle))
        # pybabel counts a plural entry whose msgstr[0] is empty as translated; untranslated() does not
        assert untranslated(po) >= total - translated
        assert (tmp_path / "locale" / "id" / "LC_MESSAGES" / f"{domain}.mo").stat().st_size > 0


def test_a_source_tree_without_the_mo_compiles_the_po_in_memory(tmp_path, monkeypatch):
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    assert i18n.catalog("id").gettext("Say only what went wrong.") == "Tampilkan hanya yang gagal atau bermasalah."
    assert i18n.catalog("id", "click").gettext("Usage:") == "Cara pakai:"
    assert i18n.catalog("en").gettext("Usage:") == "Usage:"


def test_count_of_untranslated_entries():
    """Not a gate yet (most messages are still unmarked): says how far the Indonesian catalogs are."""
    counts = {domain: untranslated(po) for domain, po in CATALOGS.items()}
    print(f"untranslated entries in the id catalogs: {counts}")
    assert counts["dossier"] >= 0 and counts["click"] >= 0


def test_speaking_a_language_for_a_block_then_as_before(speak):
    speak("en")
    with i18n.speaking("id"):
        assert i18n._("Say only what went wrong.") == "Tampilkan hanya yang gagal atau bermasalah."
    assert i18n.language() == "en" and os.environ["DOSSIER_LANG"] == "en"
    assert i18n._("Say only what went wrong.") == "Say only what went wrong."


@pytest.mark.slow
def test_the_version_in_both_languages(tmp_path):
    from dossier import __version__

    assert dossier("--version", cwd=tmp_path).stdout == f"dossier, versi {__version__}\n"
    assert dossier("--version", cwd=tmp_path, lang="en").stdout == f"dossier, version {__version__}\n"


@pytest.mark.slow
def test_a_number_option_says_what_it_wants_in_both_languages(tmp_path):
    assert "'abc' bukan bilangan bulat yang sah" in dossier("build", "-j", "abc", cwd=tmp_path).stderr
    assert "'abc' is not a valid whole number" in dossier("build", "-j", "abc", cwd=tmp_path, lang="en").stderr
