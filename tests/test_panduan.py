"""PANDUAN.md is all a secretariat reads: it covers the whole season, in the words a civil servant uses."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dossier import sealing
from dossier.config import DEFAULT_TOML
from dossier.i18n import _
from dossier.layout import AWARD_LABELS, UNIT
from dossier.locking import YearBusy, year_lock

PANDUAN = (Path(__file__).parent.parent / "PANDUAN.md").read_text(encoding="utf-8")


def test_every_register_field_is_explained():
    for header in (*UNIT.headers, *(label.text for label in AWARD_LABELS)):
        assert header in PANDUAN, header


def test_every_cover_letter_setting_is_explained():
    section = DEFAULT_TOML.split("[surat_usulan]", 1)[1].split("\n[", 1)[0]
    keys = re.findall(r"^(\w+) =", section, re.MULTILINE)
    assert keys
    assert "[surat_usulan]" in PANDUAN and "[penandatangan]" in PANDUAN
    for key in keys:
        assert f"`{key}`" in PANDUAN, key


def test_the_whole_season_is_covered():
    for said in ("Jawaban TPI", "Catatan TPI", "TPI01 LKE.xlsx", "surat-usulan.pdf", "lhe/<kode>.pdf", "umpan-balik",
                 "init --year 2026", "--year 2025", "archive verify"):
        assert said in PANDUAN, said
    assert "galat" not in PANDUAN and "kesalahan" in PANDUAN


def test_the_lock_message_shown_is_the_one_the_guide_shows(tmp_path, speak):
    """A second command on the same year stops with the message the guide quotes, word for word in Indonesian."""
    speak("id")
    folder = tmp_path / "build" / "2025"
    for first, second in (("build", "archive"), ("archive", "build"), ("build", "build")):
        with year_lock(folder, first):
            with pytest.raises(YearBusy) as busy:
                with year_lock(folder, second):
                    pass
        shown = str(busy.value.message).replace(str(folder), "/srv/zi/build/2025").replace(str(os.getpid()), "4821")
        if first == "build":
            assert shown in PANDUAN
        assert "tunggu sampai selesai, lalu jalankan perintah ini lagi" in shown and f"'dossier {first}'" in shown
    assert ".dossier.lock" in PANDUAN


def test_ctrl_c_is_said_safe_in_the_words_the_command_prints(speak):
    speak("id")
    printed = _("Stopped (Ctrl-C). Every file is written whole or not at all and the manifest only at the end, "
                "so running the same command again is safe: it continues from what was finished.")
    first = printed.split(" Setiap")[0]
    assert first == "Dihentikan (Ctrl-C)." and f"`{first}`" in PANDUAN
    assert "Jalankan lagi perintah yang sama" in PANDUAN


def test_the_cache_key_is_where_the_guide_says_and_losing_it_is_said_harmless(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    where = sealing.key_path()
    assert where == tmp_path / ".config" / "dossier" / sealing.KEY_FILE
    assert f"`~/{where.relative_to(tmp_path).as_posix()}`" in PANDUAN
    for said in ("tidak perlu dicadangkan", "tidak ada yang perlu dilakukan", "cache disusun ulang"):
        assert said in PANDUAN, said
