"""The press-release draft reads as news before the announcement and for no, one or several winners."""

from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from dossier.config import Settings
from dossier.decision import register_warnings
from dossier.documents import release
from dossier.model import Answer, Award, AwardYear, Lke, Quote, Unit
from dossier.render.templates import environment, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit
from tests import reading
from tests.test_scoring import best_answers

EDITION = load_edition("2021")
CREATED = datetime(2024, 12, 12, 9, 0, 0)
CEREMONY = date(2024, 12, 12)  # a Thursday
AWARD = Award(2024, "Kementerian Contoh Maritim", "KCM", "Kementerian Pendayagunaan Contoh", CEREMONY,
              "Balai Sidang Contoh, Jakarta", "Menteri Pendayagunaan Contoh, Dr. Andi Wirawan",
              "Sekretaris Jenderal KCM, Siti Rahma", "Jakarta", event_name="Penganugerahan Zona Integritas Tahun 2024")
QUOTES = [
    Quote("Siti Rahma", "Sekretaris Jenderal KCM", "Kami mengusulkan unit terbaik kami.", "sebelum"),
    Quote("Budi Santoso", "Inspektur Jenderal KCM", "Predikat ini adalah hasil kerja keras seluruh pegawai.", "sesudah"),
    Quote("Ani Lestari", "Kepala Biro Umum KCM", "Kami akan terus menjaga integritas!", ""),
]
SETTINGS = Settings(pr_bureau="Biro Komunikasi dan Informasi Publik", pr_contact="Rina Wati, telepon 021-555 1234")
AWARD_WORDS = ("Raih", "memberikan penghargaan", "diterima oleh")

# (code, name, kind, proposed, current, category, recipient, meets the minimums)
UNITS = [
    ("UPT01", "UPT Pelabuhan Contoh Bitung", "Unit Pelaksana Teknis (UPT)", "WBK", "", "Wilayah Bebas dari Korupsi",
     "Kepala UPT, Andi Saputra", True),
    ("UPT02", "UPT Karantina Contoh Makassar", "Unit Pelaksana Teknis (UPT)", "WBBM", "WBK",
     "Wilayah Birokrasi Bersih dan Melayani", "", True),
    ("UPT03", "UPT Riset Contoh Ambon", "Unit Pelaksana Teknis (UPT)", "WBK", "", "", "", False),
    ("BD01", 'Balai Diklat <b>"Maju" & Co</b>', "Balai Diklat", "WBK", "", "Wilayah Bebas dari Korupsi", "", True),
]
VARIANTS = {
    "pre": ["", "", "", ""],
    "none": ["Tidak", "Tidak", "Tidak", "Tidak"],
    "one": ["WBK", "Tidak", "Tidak", "Tidak"],
    "several": ["WBK", "WBBM", "Tidak", "WBK"],
}
WEAK = {"PPA1A": Answer("PPA1A", choice="Tidak")}  # with a low IPAK it misses the minimums
WEAK_HBA = {"HBA": Answer("HBA", index=1.0)}


def award_year(results, units=UNITS, award=AWARD, quotes=QUOTES):
    made, scores = [], []
    for (code, name, kind, proposed, current, category, recipient, meets), result in zip(units, results):
        unit = Unit(code, name, kind, "Kota", "Provinsi", "Kepala", proposed, current, result, category,
                    recipient=recipient)
        made.append(unit)
        answers = best_answers() if meets else best_answers(**WEAK, **WEAK_HBA)
        scores.append(score_unit(unit, Lke(code, f"lke/{code}.xlsx", answers.answers), EDITION))
    year = AwardYear(2024, "2021", Path("/nonexistent/inputs/2024"), award, made, list(quotes), {})
    return year, scores


def ctx(variant: str, **award) -> dict:
    year, scores = award_year(VARIANTS[variant], award=replace(AWARD, **award))
    return release.context(year, scores, SETTINGS)


def text_of(c: dict) -> str:
    """The release's text as a reader meets it (from the HTML both formats are made of)."""
    markup = release._render(environment(None), c)
    body = markup.split('<section class="release">', 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def headline(c: dict) -> str:
    return release.headline(release._render(environment(None), c))


def test_eligibility_is_real():
    year, scores = award_year(VARIANTS["pre"])
    assert [s.eligible for s in scores] == [["WBK"], ["WBK", "WBBM"], [], ["WBK"]]


@pytest.mark.parametrize("variant,expected", [("pre", "pre"), ("none", "none"), ("one", "awarded"), ("several", "awarded")])
def test_status_follows_the_announced_results(variant, expected):
    assert ctx(variant)["status"] == expected


@pytest.mark.parametrize("results", [["WBK", "", "", ""], ["Tidak", "", "", "Tidak"], ["", "WBBM", "Tidak", ""]])
def test_results_of_only_some_units_proposed_announce_nothing_yet(results):
    """Regression: with results for some units proposed, the release said of the others 'belum memperoleh predikat'
    (or 'belum ada yang memperoleh') though nobody had entered that: it stays the one before the announcement."""
    year, scores = award_year(results)
    c = release.context(year, scores, SETTINGS)
    text = text_of(c)
    assert c["status"] == "pre" and c["winners"] == [] and c["release_date"] == release.DATE_PLACEHOLDER
    assert not any(word in text for word in AWARD_WORDS) and "belum" not in text


@pytest.mark.parametrize("results, proposed", [
    (["Tidak", "Tidak", "WBK", "Tidak"], "UPT Riset Contoh Ambon"),  # misses the minimums: not proposed
    (["WBK", "Tidak", "Tidak", "WBBM"], None),
])
def test_a_result_of_a_unit_not_proposed_is_never_announced(results, proposed):
    """Regression: a unit never proposed (below the minimums, or a WBK holder aiming at WBK) was hailed as a winner
    when its result cell was filled; only the units proposed can be awarded."""
    units = list(UNITS)
    if proposed is None:  # BD01 already holds WBK and aims at WBK again: not proposed
        units[3] = UNITS[3][:4] + ("WBK",) + UNITS[3][5:]
    year, scores = award_year(results, units=units)
    c = release.context(year, scores, SETTINGS)
    not_proposed = proposed or 'Balai Diklat <b>"Maju" & Co</b>'
    assert not_proposed not in [w["name"] for w in c["winners"]] and not_proposed not in text_of(c)


def said_of(results, units=UNITS) -> list[tuple[str, str, str]]:
    """What validate says of the decision and the results: (severity, code, words), in English."""
    year, scores = award_year(results, units=units)
    return [(p.severity, p.code, str(p)) for p in register_warnings(year.units, scores)]


@pytest.mark.parametrize("current, proposed, words, fix", [
    ("WBK", "WBK", "unit UPT01 already holds WBK and is proposed for it again", "write the next predicate (WBBM)"),
    ("WBBM", "WBBM", "unit UPT01 already holds WBBM and is proposed for it again", "WBBM, the highest predicate"),
    ("WBBM", "WBK", "unit UPT01 already holds WBBM, above the WBK it is proposed for", "WBBM, the highest predicate"),
])
def test_a_unit_aiming_at_a_predicate_it_holds_or_a_lower_one_is_told_what_to_write(current, proposed, words, fix):
    """Regression: a WBBM holder was told to write 'the next predicate (WBBM)', the one it already holds."""
    units = [UNITS[0][:3] + (proposed, current) + UNITS[0][5:], *UNITS[1:]]
    [(severity, code, text)] = said_of(["", "", "", ""], units)
    assert (severity, code) == ("warning", "decision.proposed_for_held") and words in text and fix in text


@pytest.mark.parametrize("results", [["WBBM", "WBBM", "", "Tidak"], ["WBBM", "WBBM", "", "WBBM"]])
def test_a_result_above_the_predicate_proposed_is_an_error(results):
    """Regression: UPT01, proposed for WBK, given WBBM in its result: the release said it won WBBM, the letter
    proposed it for WBK, and next year's register made it a WBBM holder."""
    found = said_of(results)
    above = [(s, t) for s, c, t in found if c == "decision.result_above_proposal"]
    assert above[0] == ("error", "unit UPT01 was proposed for WBK, yet its Hasil Penetapan is WBBM; "
                                 "a unit is awarded at most the predicate it was proposed for: write WBK or Tidak, "
                                 "as announced")
    assert len(above) == results.count("WBBM") - 1  # UPT02 was proposed for WBBM: its WBBM is no error


def test_results_of_only_some_units_proposed_are_said():
    found = [(s, c, t) for s, c, t in said_of(["WBK", "", "Tidak", ""]) if c == "decision.results_partial"]
    assert found == [("warning", "decision.results_partial", "nominasi.xlsx, Unit: results are entered for 1 of the "
                      "3 units proposed; none yet for UPT02, BD01; the press release stays the one before the "
                      "announcement until every unit proposed has its Hasil Penetapan (WBK, WBBM or Tidak)")]
    assert not [c for _, c, _ in said_of(["WBK", "WBBM", "", "Tidak"]) + said_of(["", "", "", ""])
                if c == "decision.results_partial"]


def test_an_award_is_named_once_when_only_some_of_its_winners_have_its_category_written():
    """Regression: one WBK winner with the category 'Wilayah Bebas dari Korupsi', another with none: the headline
    read 'Penghargaan Wilayah Bebas dari Korupsi ... Predikat WBK', one award named twice."""
    units = [UNITS[0], UNITS[1], UNITS[2], UNITS[3][:5] + ("",) + UNITS[3][6:]]  # BD01: WBK, no category
    year, scores = award_year(["WBK", "Tidak", "Tidak", "WBK"], units=units)
    c = release.context(year, scores, SETTINGS)
    assert [(g["by"], g["label"]) for g in c["groups"]] == [("kategori", "Wilayah Bebas dari Korupsi")]
    assert "Predikat WBK" not in headline(c) and headline(c).count("Wilayah Bebas dari Korupsi") == 1


@pytest.mark.parametrize("category, said", [
    ("Wilayah Birokrasi Bersih dan Melayani", "the name of WBBM"),
    ("wilayah birokrasi  bersih dan melayani (WBBM)", "the name of WBBM"),
    ("Wilayah Bebas dari Korupsi", None), ("Unit Pelayanan Terbaik", None), ("", None),
])
def test_a_category_naming_another_predicate_than_the_result_is_an_error(category, said):
    """Regression: result WBK, category 'Wilayah Birokrasi Bersih dan Melayani': the headline said the unit won the
    WBBM category, the deck '(WBK)'."""
    units = [UNITS[0][:5] + (category,) + UNITS[0][6:], *UNITS[1:]]
    found = [t for _, c, t in said_of(["WBK", "Tidak", "Tidak", "Tidak"], units) if c == "decision.category_not_result"]
    assert (found and said in found[0] and "the category of WBK is 'Wilayah Bebas dari Korupsi'" in found[0]) if said \
        else found == []


def test_pre_announcement_names_only_the_units_proposed_and_no_result():
    c = ctx("pre")
    text = text_of(c)
    assert headline(c) == "KCM Usulkan Tiga Unit Kerja Menuju Predikat WBK dan WBBM"
    assert text.startswith("SIARAN PERS Kementerian Contoh Maritim KCM Usulkan Tiga Unit Kerja")
    assert ("Jakarta, (tanggal rilis) — Kementerian Contoh Maritim (KCM) mengusulkan tiga unit kerja kepada "
            "Kementerian Pendayagunaan Contoh untuk memperoleh predikat WBK dan WBBM") in text
    assert ("UPT Pelabuhan Contoh Bitung (WBK); UPT Karantina Contoh Makassar (WBBM); serta "
            'Balai Diklat <b>"Maju" & Co</b> (WBK).') in text
    assert "UPT Riset Contoh Ambon" not in text  # it misses the minimums: not proposed
    assert ("Hasil penilaian dijadwalkan diumumkan dalam Penganugerahan Zona Integritas Tahun 2024 pada Kamis "
            "(12/12/2024), di Balai Sidang Contoh, Jakarta.") in text
    assert not any(word in text for word in AWARD_WORDS)


def test_a_unit_meeting_only_wbk_is_proposed_for_wbk():
    units = [(*UNITS[1][:4], "", *UNITS[1][5:])]  # asks WBBM without holding WBK
    year, scores = award_year([""], units=units)
    assert "UPT Karantina Contoh Makassar, menuju predikat WBK" in text_of(release.context(year, scores, SETTINGS))


def test_quotes_belong_to_their_phase():
    before, after = text_of(ctx("pre")), text_of(ctx("one"))
    assert "Kami mengusulkan unit terbaik kami" in before and "hasil kerja keras" not in before
    assert "hasil kerja keras" in after and "Kami mengusulkan unit terbaik kami" not in after
    assert "“Kami akan terus menjaga integritas!” kata Ani Lestari, Kepala Biro Umum KCM." in before
    assert "Kami akan terus menjaga integritas!" in after


def test_after_the_results_the_winners_are_named_and_the_others_not():
    c = ctx("one")
    text = text_of(c)
    assert headline(c) == ("UPT Pelabuhan Contoh Bitung Raih Penghargaan Wilayah Bebas dari Korupsi dari "
                           "Kementerian Pendayagunaan Contoh")
    assert ("Jakarta, 12 Desember 2024 — Dalam Penganugerahan Zona Integritas Tahun 2024, Kementerian "
            "Pendayagunaan Contoh memberikan penghargaan Zona Integritas tahun 2024 kepada UPT Pelabuhan Contoh "
            "Bitung dalam kategori Wilayah Bebas dari Korupsi.") in text
    assert "Penghargaan bagi UPT Pelabuhan Contoh Bitung diterima oleh Kepala UPT, Andi Saputra." in text
    for loser in ("UPT Karantina Contoh Makassar", "UPT Riset Contoh Ambon", "Balai Diklat"):
        assert loser not in text
    assert "empat" not in text  # no count that betrays the others


def test_the_register_can_ask_for_the_full_list():
    text = text_of(ctx("one", release_all_units="Ya"))
    # Every unit proposed, with the predicate it was proposed for and the counts by kind; never the unit not proposed.
    assert ("Tahun ini KCM mengusulkan tiga unit kerja, terdiri atas dua Unit Pelaksana Teknis (UPT) dan satu Balai "
            "Diklat: UPT Pelabuhan Contoh Bitung (diusulkan WBK); UPT Karantina Contoh Makassar (diusulkan WBBM); serta "
            'Balai Diklat <b>"Maju" & Co</b> (diusulkan WBK). Dari tiga unit kerja yang diusulkan tersebut, UPT '
            'Karantina Contoh Makassar dan Balai Diklat <b>"Maju" & Co</b> belum memperoleh predikat yang '
            "diusulkan.") in text
    assert "UPT Riset Contoh Ambon" not in text


def test_several_winners_are_grouped_by_category_and_each_fact_said_once():
    c = ctx("several")
    text = text_of(c)
    assert headline(c) == ("Tiga Unit Kerja KCM Raih Penghargaan Wilayah Bebas dari Korupsi serta Wilayah "
                           "Birokrasi Bersih dan Melayani dari Kementerian Pendayagunaan Contoh")
    assert ("Unit kerja penerima: UPT Pelabuhan Contoh Bitung (WBK); UPT Karantina Contoh Makassar (WBBM); serta "
            'Balai Diklat <b>"Maju" & Co</b> (WBK).') in text
    assert ('kepada UPT Pelabuhan Contoh Bitung dan Balai Diklat <b>"Maju" & Co</b> dalam kategori Wilayah Bebas '
            "dari Korupsi serta kepada UPT Karantina Contoh Makassar dalam kategori Wilayah Birokrasi Bersih dan "
            "Melayani.") in text
    for fact in ("Balai Sidang Contoh", "Dr. Andi Wirawan", "12 Desember 2024", "Penganugerahan Zona Integritas"):
        assert text.count(fact) == 1, fact
    assert "UPT Riset Contoh Ambon" not in text


def test_inverted_pyramid_order():
    text = text_of(ctx("one"))
    order = ["Raih", "— Dalam Penganugerahan", "diterima oleh", "berlangsung di Balai Sidang", "hasil kerja keras",
             "Pembangunan Zona Integritas merupakan", "Dengan capaian ini", "(*)", "Biro Komunikasi dan Informasi Publik",
             "Narahubung: Rina Wati, telepon 021-555 1234"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_none_awarded_is_a_factual_sentence_with_no_award_words():
    c = ctx("none")
    text = text_of(c)
    assert headline(c) == "Hasil Penilaian Zona Integritas Tahun 2024 bagi Unit Kerja KCM"
    assert ("Dari tiga unit kerja yang diajukan oleh KCM pada penilaian Zona Integritas tahun 2024, belum ada yang "
            "memperoleh predikat WBK maupun WBBM dari Kementerian Pendayagunaan Contoh.") in text
    assert not any(word in text for word in AWARD_WORDS)


def test_many_winners_are_counted_in_the_headline():
    units = [(f"U{i}", f"Unit Contoh {i}", "Kantor Wilayah", "WBK", "", "", "", True) for i in range(1, 6)]
    year, scores = award_year(["WBK"] * 5, units=units)
    c = release.context(year, scores, SETTINGS)
    assert headline(c) == "Lima Unit Kerja KCM Raih Predikat WBK dari Kementerian Pendayagunaan Contoh"
    assert "dengan predikat WBK" in text_of(c)


def test_wording_lives_in_the_template(tmp_path):
    (tmp_path / "release.html").write_text(
        (static_dirs(None)[-1].parent / "release.html").read_text(encoding="utf-8").replace(" Raih", " Sabet"),
        encoding="utf-8")
    c = ctx("one")
    assert release.headline(release._render(environment(tmp_path), c)).startswith("UPT Pelabuhan Contoh Bitung Sabet ")


def test_a_hyphenated_word_in_the_headline_never_breaks():
    award = replace(AWARD, ministry_short="KemenPAN-RB")
    year, scores = award_year(VARIANTS["pre"], award=award)
    markup = release._render(environment(None), release.context(year, scores, SETTINGS))
    assert '<span class="nobreak">KemenPAN-RB</span>' in markup


def test_the_docx_headline_has_only_non_breaking_hyphens():
    from lxml import etree

    award = replace(AWARD, ministry_short="KemenPAN-RB")
    year, scores = award_year(VARIANTS["pre"], award=award)
    c = release.context(year, scores, SETTINGS)
    with zipfile.ZipFile(io.BytesIO(release.docx(environment(None), c, created=CREATED))) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    title = headline(c)
    assert "KemenPAN-RB" in title
    found = [p for p in body.iter(f"{w}p")
             if "".join(t.text or "" for t in p.iter(f"{w}t")) == title.replace("-", "")]
    assert len(found) == 1, "the headline is one paragraph, its hyphens outside the text runs"
    texts = "".join(t.text or "" for t in found[0].iter(f"{w}t"))
    assert "-" not in texts and "\u00ad" not in texts  # no breakable (or soft) hyphen anywhere in the headline
    assert len(list(found[0].iter(f"{w}noBreakHyphen"))) == title.count("-")


def test_a_title_ending_in_a_full_stop_gets_no_second_one():
    text = text_of(ctx("pre", attended_by="Sekretaris Jenderal KCM, Dra. Siti Rahma, M.Si."))
    assert "Dijadwalkan hadir Sekretaris Jenderal KCM, Dra. Siti Rahma, M.Si." in text
    assert "M.Si.." not in text


# --- the documents ----------------------------------------------------------------------------

def _pdf_text(c: dict, tmp_path: Path) -> str:
    path = tmp_path / "rilis.pdf"
    path.write_bytes(release.pdf(environment(None), c, allowed_roots=static_dirs(None), created=CREATED))
    return " ".join(reading.pdf_text(path).split())


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_pdf_and_docx_say_what_the_html_says(variant, tmp_path):
    from docx import Document

    c = ctx(variant)
    expected = text_of(c)
    pdf_text = _pdf_text(c, tmp_path)
    data = release.docx(environment(None), c, created=CREATED)
    assert data == release.docx(environment(None), c, created=CREATED)
    docx_text = " ".join(" ".join(p.text for p in Document(io.BytesIO(data)).paragraphs).split())
    for sentence in re.split(r"(?<=\.) ", expected)[2:-1]:
        assert sentence in docx_text, sentence
    assert headline(c) in docx_text
    assert "Narahubung: Rina Wati" in pdf_text and "Narahubung: Rina Wati" in docx_text
    assert "Halaman 1 dari" in pdf_text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_hostile_text_is_printed_literally_and_fetches_nothing(tmp_path):
    units = [("X1", '<img src="file:///etc/passwd">', "{{ 7*7 }}", "WBK", "", "{% raw %}Kategori", "", True),
             ("X2", "Unit Biasa", "Balai", "WBK", "", "", "", True)]
    quotes = [Quote("{{ config }}", "<script>alert(1)</script>", "Kami & <b>mitra</b> siap.")]
    year, scores = award_year(["WBK", "Tidak"], units=units, quotes=quotes)
    text = _pdf_text(release.context(year, scores, SETTINGS), tmp_path)
    for literal in ['<img src="file:///etc/passwd">', "{% raw %}Kategori",
                    "“Kami & <b>mitra</b> siap,” ujar {{ config }}, <script>alert(1)</script>."]:
        assert literal in text
