"""PANDUAN.md is all a secretariat reads: it covers the whole season, in the words a civil servant uses."""

from __future__ import annotations

import re
from pathlib import Path

from dossier.config import DEFAULT_TOML
from dossier.layout import AWARD_LABELS, UNIT

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
