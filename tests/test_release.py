"""The press-release draft reads right before the announcement and for no, one or several winners."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from dossier.config import Settings
from dossier.documents import release
from dossier.model import Award, AwardYear, Quote, Unit
from dossier.rules import load_edition
from dossier.scoring import score_unit

EDITION = load_edition("2021")
CREATED = datetime(2024, 12, 12, 9, 0, 0)
CEREMONY = date(2024, 12, 12)  # a Thursday
AWARD = Award(2024, "Kementerian Contoh Maritim", "KCM", "Kementerian Pendayagunaan Contoh", CEREMONY,
              "Balai Sidang Contoh, Jakarta", "Menteri Pendayagunaan Contoh, Dr. Andi Wirawan",
              "Sekretaris Jenderal KCM, Siti Rahma", "Jakarta")
QUOTES = [
    Quote("Siti Rahma", "Sekretaris Jenderal KCM", "Predikat ini adalah hasil kerja keras seluruh pegawai."),
    Quote("Budi Santoso", "Inspektur Jenderal KCM", "Kami akan terus menjaga integritas!"),
]
HEADLINE_WORDS = ("Raih", "memberikan penghargaan kepada", "menetapkan predikat")

# (code, name, kind, proposed, current, category)
UNITS = [
    ("UPT01", "UPT Pelabuhan Contoh Bitung", "Unit Pelaksana Teknis (UPT)", "WBK", "", "Wilayah Bebas dari Korupsi"),
    ("UPT02", "UPT Karantina Contoh Makassar", "Unit Pelaksana Teknis (UPT)", "WBBM", "WBK",
     "Wilayah Birokrasi Bersih dan Melayani"),
    ("UPT03", "UPT Riset Contoh Ambon", "Unit Pelaksana Teknis (UPT)", "WBK", "", "Wilayah Bebas dari Korupsi"),
    ("BD01", 'Balai Diklat <b>"Maju" & Co</b>', "Balai Diklat", "WBK", "", "Wilayah Bebas dari Korupsi"),
]
VARIANTS = {
    "pre": ["", "", "", ""],
    "none": ["Tidak", "Tidak", "Tidak", "Tidak"],
    "one": ["WBK", "Tidak", "Tidak", "Tidak"],
    "several": ["WBK", "WBBM", "Tidak", "WBK"],
}


def award_year(results, units=UNITS, award=AWARD, quotes=QUOTES) -> tuple[AwardYear, list]:
    made = [Unit(c, n, k, "Kota", "Provinsi", "Kepala", p, cur, r, cat) for (c, n, k, p, cur, cat), r in zip(units, results)]
    year = AwardYear(2024, "2021", Path("/nonexistent/inputs/2024"), award, made, list(quotes), {})
    return year, [score_unit(u, None, EDITION) for u in made]


def ctx(variant: str) -> dict:
    year, scores = award_year(VARIANTS[variant])
    return release.context(year, scores, Settings())


def text_of(c: dict) -> str:
    """The composed sentences, as a reader meets them."""
    return " ".join([c["headline"], c["deck"], c["dateline"] + c["summary"], c["proposal"], c["result"], c["ceremony"], *c["quotes"]])


@pytest.mark.parametrize("variant,expected", [("pre", "pre"), ("none", "none"), ("one", "awarded"), ("several", "awarded")])
def test_status_follows_the_announced_results(variant, expected):
    assert ctx(variant)["status"] == expected


def test_proposal_counts_kinds_in_words_and_lists_every_unit_with_its_predicate():
    c = ctx("pre")
    assert c["proposal"] == (
        "Pada penilaian Zona Integritas tahun 2024, KCM mengusulkan empat unit kerja, yaitu tiga Unit Pelaksana "
        "Teknis (UPT) dan satu Balai Diklat. Unit kerja yang diusulkan beserta predikat yang dituju adalah "
        "UPT Pelabuhan Contoh Bitung (WBK); UPT Karantina Contoh Makassar (WBBM); UPT Riset Contoh Ambon (WBK); "
        'serta Balai Diklat <b>"Maju" & Co</b> (WBK).'
    )


def test_pre_announcement_is_about_the_proposal_with_no_award_wording():
    c = ctx("pre")
    assert c["headline"] == "KCM Usulkan Empat Unit Kerja Menuju Predikat WBK dan WBBM"
    assert c["summary"].startswith("Kementerian Contoh Maritim (KCM) mengusulkan empat unit kerja kepada")
    assert c["result"] == "" and c["dateline"] == "Jakarta, (tanggal rilis) — "
    assert c["ceremony"].startswith("Hasil penilaian dijadwalkan diumumkan dalam penyerahan penghargaan")
    assert "pada Kamis (12/12) di Balai Sidang Contoh, Jakarta" in c["ceremony"]
    assert not any(word in text_of(c) for word in HEADLINE_WORDS)


def test_none_awarded_is_a_factual_sentence_with_no_award_headline():
    c = ctx("none")
    assert c["headline"] == "Hasil Penilaian Zona Integritas Tahun 2024 bagi Unit Kerja KCM"
    assert c["summary"] == (
        "Dari empat unit kerja yang diajukan oleh KCM pada penilaian Zona Integritas tahun 2024, belum ada yang "
        "memperoleh predikat WBK maupun WBBM dari Kementerian Pendayagunaan Contoh."
    )
    assert c["result"].endswith("seluruh unit kerja yang diusulkan belum memperoleh predikat pada tahun ini.")
    assert not any(word in text_of(c) for word in HEADLINE_WORDS)


def test_one_winner_is_named_in_the_singular():
    c = ctx("one")
    assert c["headline"] == (
        "UPT Pelabuhan Contoh Bitung Raih Penghargaan Wilayah Bebas dari Korupsi dari Kementerian Pendayagunaan Contoh"
    )
    assert c["summary"] == (
        "Dari empat unit kerja yang diajukan oleh KCM, Kementerian Pendayagunaan Contoh memberikan penghargaan "
        "kepada UPT Pelabuhan Contoh Bitung dalam kategori Wilayah Bebas dari Korupsi."
    )
    assert "menetapkan predikat WBK kepada UPT Pelabuhan Contoh Bitung." in c["result"]
    assert c["result"].endswith(
        'Adapun UPT Karantina Contoh Makassar, UPT Riset Contoh Ambon, dan Balai Diklat <b>"Maju" & Co</b> '
        "belum memperoleh predikat pada tahun ini."
    )
    assert c["dateline"] == "Jakarta, 12 Desember 2024 — "


def test_several_winners_are_grouped_by_category_and_predicate():
    c = ctx("several")
    assert c["headline"] == (
        "Tiga Unit Kerja KCM Raih Penghargaan Wilayah Bebas dari Korupsi serta Wilayah Birokrasi Bersih dan "
        "Melayani dari Kementerian Pendayagunaan Contoh"
    )
    assert c["deck"] == (
        "Unit kerja penerima: UPT Pelabuhan Contoh Bitung (WBK); UPT Karantina Contoh Makassar (WBBM); "
        'serta Balai Diklat <b>"Maju" & Co</b> (WBK).'
    )
    assert c["summary"] == (
        "Dari empat unit kerja yang diajukan oleh KCM, Kementerian Pendayagunaan Contoh memberikan penghargaan "
        'kepada UPT Pelabuhan Contoh Bitung dan Balai Diklat <b>"Maju" & Co</b> dalam kategori Wilayah Bebas '
        "dari Korupsi serta kepada UPT Karantina Contoh Makassar dalam kategori Wilayah Birokrasi Bersih dan Melayani."
    )
    assert ("menetapkan predikat WBK kepada UPT Pelabuhan Contoh Bitung dan Balai Diklat <b>\"Maju\" & Co</b> "
            "serta WBBM kepada UPT Karantina Contoh Makassar.") in c["result"]
    assert c["result"].endswith("Adapun UPT Riset Contoh Ambon belum memperoleh predikat pada tahun ini.")
    assert c["winners_ref"] == "ketiga unit kerja tersebut"


def test_two_winners_are_named_in_the_headline():
    year, scores = award_year(["WBK", "Tidak", "Tidak", "WBK"])
    c = release.context(year, scores, Settings())
    assert c["headline"] == (
        'UPT Pelabuhan Contoh Bitung dan Balai Diklat <b>"Maju" & Co</b> Raih Penghargaan Wilayah Bebas dari '
        "Korupsi dari Kementerian Pendayagunaan Contoh"
    )
    assert c["deck"] == "" and c["winners_ref"] == c["winners"]


def test_many_winners_are_counted_in_the_headline_and_listed_in_the_deck():
    units = [(f"U{i}", f"Unit Contoh {i}", "Kantor Wilayah", "WBK", "", "") for i in range(1, 6)]
    year, scores = award_year(["WBK"] * 5, units=units)
    c = release.context(year, scores, Settings())
    assert c["headline"] == "Lima Unit Kerja KCM Raih Predikat WBK dari Kementerian Pendayagunaan Contoh"
    assert c["winners_ref"] == "kelima unit kerja tersebut"
    assert c["deck"] == ("Unit kerja penerima: Unit Contoh 1 (WBK); Unit Contoh 2 (WBK); Unit Contoh 3 (WBK); "
                         "Unit Contoh 4 (WBK); serta Unit Contoh 5 (WBK).")
    assert "dengan predikat WBK" in c["summary"]
    assert "seluruhnya Kantor Wilayah" in c["proposal"]


def test_a_single_unit_reads_in_the_singular():
    year, scores = award_year(["WBK"], units=UNITS[:1])
    c = release.context(year, scores, Settings())
    assert c["summary"] == (
        "Kementerian Pendayagunaan Contoh memberikan penghargaan kepada UPT Pelabuhan Contoh Bitung, satu-satunya "
        "unit kerja yang diajukan oleh KCM, dalam kategori Wilayah Bebas dari Korupsi."
    )
    assert c["proposal"].startswith("Pada penilaian Zona Integritas tahun 2024, KCM mengusulkan satu unit kerja. ")
    none_year, none_scores = award_year(["Tidak"], units=UNITS[:1])
    none = release.context(none_year, none_scores, Settings())
    assert none["result"].endswith("unit kerja tersebut belum memperoleh predikat pada tahun ini.")
    assert not re.search(r"\b1 unit|unit-unit|satu unit kerja-", text_of(c) + text_of(none))


def test_weekday_comes_from_the_date_never_typed():
    for day, weekday in [(date(2024, 12, 12), "Kamis"), (date(2024, 12, 9), "Senin"), (date(2023, 12, 10), "Minggu")]:
        year, scores = award_year(VARIANTS["one"], award=Award(**{**AWARD.__dict__, "ceremony_date": day}))
        c = release.context(year, scores, Settings())
        assert f"pada {weekday} ({day.day}/{day.month})" in c["ceremony"]


def test_ceremony_names_place_opening_official_and_attendees():
    c = ctx("one")
    assert c["ceremony"] == (
        "Penyerahan penghargaan Zona Integritas tahun 2024 oleh Kementerian Pendayagunaan Contoh berlangsung pada "
        "Kamis (12/12) di Balai Sidang Contoh, Jakarta. Acara tersebut dibuka oleh Menteri Pendayagunaan Contoh, "
        "Dr. Andi Wirawan. Turut hadir dalam acara tersebut Sekretaris Jenderal KCM, Siti Rahma."
    )


def test_a_title_ending_in_a_full_stop_gets_no_second_one():
    award = Award(**{**AWARD.__dict__, "attended_by": "Sekretaris Jenderal KCM, Dra. Siti Rahma, M.Si."})
    year, scores = award_year(VARIANTS["pre"], award=award)
    c = release.context(year, scores, Settings())
    assert c["ceremony"].endswith(
        "Acara tersebut akan dibuka oleh Menteri Pendayagunaan Contoh, Dr. Andi Wirawan. "
        "Dijadwalkan turut hadir Sekretaris Jenderal KCM, Dra. Siti Rahma, M.Si."
    )
    assert ".." not in text_of(c)


def test_quotes_carry_name_and_position_and_keep_their_punctuation():
    c = ctx("one")
    assert c["quotes"] == [
        "“Predikat ini adalah hasil kerja keras seluruh pegawai,” ujar Siti Rahma, Sekretaris Jenderal KCM.",
        "“Kami akan terus menjaga integritas!” kata Budi Santoso, Inspektur Jenderal KCM.",
    ]


# --- the documents ----------------------------------------------------------------------------

def _facts(c: dict, variant: str) -> list[str]:
    """What a reader must find in every variant's document."""
    facts = ["empat unit kerja", "tiga Unit Pelaksana Teknis (UPT) dan satu Balai Diklat", "Kamis (12/12)",
             "Balai Sidang Contoh, Jakarta", "Menteri Pendayagunaan Contoh, Dr. Andi Wirawan",
             "Siti Rahma, Sekretaris Jenderal KCM", "Budi Santoso, Inspektur Jenderal KCM",
             "hasil kerja keras seluruh pegawai", "(*)"]
    facts += [f"{name} ({proposed})" for _, name, _, proposed, _, _ in UNITS]
    if variant in ("one", "several"):
        facts += [u["name"] for u in c["unit_list"] if u["result"] in ("WBK", "WBBM")]
        facts.append("memberikan penghargaan kepada")
    return facts


def _check(text: str, variant: str, c: dict) -> None:
    flat = " ".join(text.split())
    for fact in _facts(c, variant):
        assert fact in flat, f"{variant}: {fact!r} missing"
    if variant in ("pre", "none"):
        assert not any(word in flat for word in HEADLINE_WORDS), variant


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_pdf_text_holds_every_fact(variant, tmp_path):
    from dossier.render.templates import environment, static_dirs

    c = ctx(variant)
    path = tmp_path / "rilis.pdf"
    path.write_bytes(release.pdf(environment(None), c, allowed_roots=static_dirs(None), created=CREATED))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    _check(text, variant, c)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_docx_paragraphs_hold_every_fact(variant):
    pytest.importorskip("dossier.render.docx", reason="the DOCX mapper (dossier/render/docx.py) is not there yet")
    from docx import Document

    from dossier.render.templates import environment

    c = ctx(variant)
    data = release.docx(environment(None), c, created=CREATED)
    assert data == release.docx(environment(None), c, created=CREATED)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    _check(text, variant, c)
    assert c["headline"] in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_hostile_text_is_printed_literally_and_fetches_nothing(tmp_path):
    from dossier.render.templates import environment, static_dirs

    units = [("X1", '<img src="file:///etc/passwd">', "{{ 7*7 }}", "WBK", "", "{% raw %}Kategori"),
             ("X2", "Unit Biasa", "Balai", "WBK", "", "")]
    quotes = [Quote("{{ config }}", "<script>alert(1)</script>", "Kami & <b>mitra</b> siap.")]
    year, scores = award_year(["WBK", "Tidak"], units=units, quotes=quotes)
    c = release.context(year, scores, Settings())
    path = tmp_path / "rilis.pdf"
    path.write_bytes(release.pdf(environment(None), c, allowed_roots=static_dirs(None), created=CREATED))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    for literal in ['<img src="file:///etc/passwd">', "satu {{ 7*7 }}", "{% raw %}Kategori",
                    "“Kami & <b>mitra</b> siap,” ujar {{ config }}, <script>alert(1)</script>."]:
        assert literal in text
