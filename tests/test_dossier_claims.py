"""What a dossier and the cover letter claim (issue 14): no proposal for an ineligible unit, the
right date, a signature block as signed, and text as Indonesian readers expect.

Three units of one ministry: one meets WBK (proposed), one aims at WBBM but meets only WBK
(proposed for WBK), one meets nothing (a draft). Each point is checked in the text a reader
sees: pdftotext of the PDFs and the paragraphs of the DOCX files.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from dossier.config import Settings
from dossier.documents import claims, dossier, letter
from dossier.model import Answer, Award, AwardYear, Evidence, Lke, Unit
from dossier.render.templates import environment, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit
from tests.reading import docx_text, pdf_text

EDITION = load_edition("2021")
CREATED = datetime(2024, 1, 1, tzinfo=UTC)
TPI = "Ir. Bambang Sutrisno"
SETTINGS = Settings(
    tpi_lead=TPI, tpi_nip="196805121994031002",
    letterhead=("KEMENTERIAN CONTOH SEJAHTERA", "SEKRETARIAT JENDERAL", "Jalan Contoh 1, Jakarta 10110"),
    letter_number="B-1207/SJ/ZI.01/XI/2024", letter_signatory="Dra. Ratna Wulandari, M.Si.",
    letter_nip="197003121995032001",
)
pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def answers(best: bool, bukti: Path) -> dict[str, Answer]:
    """Every indicator answered: the best option everywhere, or the worst (surveys and counts alike)."""
    found = {}
    for code, indicator in EDITION.indicators.items():
        if indicator.kind == "index":
            found[code] = Answer(code, index=3.9 if best else 2.0)
        elif indicator.kind == "count":
            found[code] = Answer(code, counts={int(o.key): 10 for o in indicator.options})
        else:
            ranked = sorted(indicator.options, key=lambda o: o.score or 0.0)
            found[code] = Answer(code, choice=(ranked[-1] if best else ranked[0]).key)
    found["PPA1A"] = replace(found["PPA1A"], evidence=(Evidence("sk.pdf", path=bukti / "sk.pdf", present=True),))
    return found


def make_year(tmp: Path, proposal_date: date | None = date(2024, 11, 20)) -> tuple[AwardYear, list]:
    bukti = tmp / "bukti"
    bukti.mkdir(exist_ok=True)
    (bukti / "sk.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    award = Award(2024, "Kementerian Contoh Sejahtera", "Kemencontoh", "Kementerian PANRB", date(2024, 12, 12),
                  "Jakarta", "Menteri PANRB", "Sekretaris Jenderal", "Jakarta", proposal_date=proposal_date,
                  bpk_opinion="Wajar Tanpa Pengecualian (WTP)", sakip="BB (78,12)")
    units = [
        Unit("ST01", "Sentra Layanan Prima Bekasi", "Sentra", "Bekasi", "Jawa Barat", "Dr. Rina Wulandari", "WBK",
             "", "", "", head_nip="197501012000032001"),
        Unit("ST02", "Balai Besar Pelatihan Kerja Serang", "Balai", "Serang", "Banten", "Ahmad Fauzi, S.E.", "WBBM",
             "", "", ""),
        Unit("ST03", "Loka Pengujian Mutu Sorong", "Loka", "Sorong", "Papua Barat Daya", "Yakobus Kambu, S.Sos.", "WBK",
             "", "", ""),
    ]
    lke = {
        u.code: Lke(u.code, f"lke/{u.code}.xlsx", answers(best=u.code != "ST03", bukti=bukti)) for u in units
    }
    year = AwardYear(2024, "2021", tmp, award, units, [], lke)
    return year, [score_unit(u, lke[u.code], EDITION) for u in units]




@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("claims")
    year, scores = make_year(tmp)
    env = environment(None)
    roots = [*static_dirs(None), year.bukti]
    documents = {}
    for score in scores:
        ctx = dossier.context(year, score, SETTINGS)
        markup = dossier.html(env, ctx)
        pdf = dossier.pdf(env, ctx, allowed_roots=roots, created=CREATED, markup=markup)
        documents[score.unit.code] = {"ctx": ctx, "pdf": pdf}
    draft = documents["ST03"]
    draft["docx"] = dossier.docx(env, draft["ctx"], created=CREATED, markup=None, pdf=draft["pdf"])
    ctx = letter.context(year, scores, SETTINGS)
    documents["letter"] = {"ctx": ctx, "pdf": letter.pdf(env, ctx, allowed_roots=roots, created=CREATED),
                           "docx": letter.docx(env, ctx, created=CREATED)}
    return {"year": year, "scores": scores, "env": env, "roots": roots, **documents}


def test_the_three_units_are_what_the_test_says(tmp_path):
    _, scores = make_year(tmp_path)
    assert [dossier.status(s) for s in scores] == [claims.PROPOSED, claims.LOWERED, claims.DRAFT]
    assert [dossier.proposal(s) for s in scores] == ["WBK", "WBK", None]


# --- 1. What a dossier claims ---------------------------------------------------------------


@pytest.mark.render
@pdftotext
def test_an_ineligible_units_dossier_is_a_draft_on_the_cover_and_every_page(made):
    pdf = made["ST03"]["pdf"]
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    cover = pdf_text(pdf, "-f", "1", "-l", "1")
    assert "DRAF — belum memenuhi syarat" in cover and "Dokumen Evaluasi Zona Integritas" in cover
    assert "Dokumen Usulan" not in pdf_text(pdf)
    for page in range(2, pages + 1):
        assert pdf_text(pdf, "-f", str(page), "-l", str(page)).lstrip().startswith("DRAF — belum memenuhi syarat ·"), page


@pytest.mark.render
@pdftotext
def test_a_drafts_statement_reports_without_proposing_and_shows_the_way(made):
    text = " ".join(pdf_text(made["ST03"]["pdf"]).split())
    statement = text[text.rindex("6. Surat Pernyataan"):]
    assert "mengusulkan" not in statement and "tidak diusulkan pada tahun 2024: belum memenuhi syarat WBK." in statement
    assert "Syarat WBK yang belum terpenuhi" in text and "kurang" in text
    assert "Langkah menuju WBK" in text
    way = made["ST03"]["ctx"]["way"]
    assert way["steps"] and all(s["code"] in text for s in way["steps"][:3])
    # Surveys cannot be raised by answers: said so, with the reason.
    assert "tidak dapat dicapai lewat jawaban LKE" in text and "indeks survei" in text


@pytest.mark.render
@pdftotext
def test_a_unit_meeting_only_wbk_while_proposed_for_wbbm_is_proposed_for_wbk_and_says_so(made):
    text = " ".join(pdf_text(made["ST02"]["pdf"]).split())
    cover = " ".join(pdf_text(made["ST02"]["pdf"], "-f", "1", "-l", "1").split())
    assert "Menuju Wilayah Bebas dari Korupsi (WBK)" in cover and "(semula menuju WBBM)" in cover
    assert "DRAF" not in text
    statement = text[text.rindex("6. Surat Pernyataan"):]
    assert "belum memenuhi syarat minimal predikat Wilayah Birokrasi Bersih dan Melayani (WBBM)" in statement
    assert "mengusulkan Balai Besar Pelatihan Kerja Serang untuk memperoleh predikat Wilayah Bebas dari Korupsi (WBK)" in statement
    assert "Unit kerja ini diusulkan untuk predikat WBK (semula menuju WBBM; belum memenuhi syarat WBBM)" in text


@pytest.mark.render
@pdftotext
def test_an_eligible_unit_is_proposed_for_its_predicate(made):
    text = " ".join(pdf_text(made["ST01"]["pdf"]).split())
    assert "DRAF" not in text and "Langkah menuju" not in text
    assert "mengusulkan Sentra Layanan Prima Bekasi untuk memperoleh predikat Wilayah Bebas dari Korupsi (WBK)" in text


@pytest.mark.render
@pdftotext
def test_the_statement_is_dated_with_tanggal_usulan_not_the_ceremony(made):
    text = pdf_text(made["ST01"]["pdf"])
    assert "Jakarta, 20 November 2024" in text
    assert "12 Desember" not in text and "1 Januari" not in text


@pytest.mark.render
@pdftotext
def test_without_tanggal_usulan_the_statement_has_a_dotted_line_to_date_by_hand(made, tmp_path):
    year, scores = make_year(tmp_path, proposal_date=None)
    ctx = dossier.context(year, scores[0], SETTINGS)
    text = pdf_text(dossier.pdf(made["env"], ctx, allowed_roots=made["roots"], created=CREATED))
    assert f"Jakarta, {claims.DATE_BLANK}" in text
    assert "12 Desember" not in text and "1 Januari" not in text


@pytest.mark.render
@pdftotext
def test_both_names_sit_on_one_line_with_the_heads_nip_and_room_for_a_meterai(made):
    lines = pdf_text(made["ST01"]["pdf"], "-layout").splitlines()
    names = [line for line in lines if "Dr. Rina Wulandari" in line and TPI in line]
    assert len(names) == 1, "the head's and the TPI lead's names are on one line"
    nips = [line for line in lines if "NIP. 197501012000032001" in line and "NIP. 196805121994031002" in line]
    assert len(nips) == 1
    assert any("Meterai" in line for line in lines) and any("Rp10.000" in line for line in lines)
    # A head without NIP gets a line to fill in, never "NIP. None".
    assert "NIP. ......" in pdf_text(made["ST02"]["pdf"])


# --- 5. Text as Indonesian readers expect ------------------------------------------------------


@pytest.mark.render
@pdftotext
def test_no_question_starts_with_one_word_alone_on_its_line(made):
    # In the LKE table a question's cell follows its code: 'PPD2F', '', 'Laporan', 'kinerja telah ...' was the fault.
    lines = [line.strip() for line in pdf_text(made["ST03"]["pdf"]).splitlines()]
    for indicator in EDITION.indicators.values():
        first, _, rest = indicator.question.partition(" ")
        if not rest:
            continue
        second = rest.split(" ")[0]
        for i in range(2, len(lines) - 1):
            alone = lines[i] == first and lines[i + 1].startswith(second) and indicator.code in lines[i - 2:i]
            assert not alone, f"{indicator.code}: '{first}' alone on a line, the rest of the question below it"
    # The summary's first paragraph, whose {% if %} branches end in white space before </p>.
    assert not any(a == "Nilai" and b.startswith("total Lembar Kerja") for a, b in zip(lines, lines[1:]))


@pytest.mark.render
@pdftotext
def test_percentages_capitals_and_no_repeated_answer(made):
    text = pdf_text(made["ST03"]["pdf"])
    flat = " ".join(text.split())
    assert re.search(r"\b\d{1,3},\d%", flat), "a share such as 88,5%"
    assert not re.search(r"\d %", flat), "no space before the percent sign"
    assert "Birokrasi yang Bersih dan Akuntabel" in flat and "Birokrasi yang bersih dan akuntabel" not in flat
    assert "Pelayanan Publik yang Prima" in flat and "Pelayanan publik yang prima" not in flat
    assert "Perubahan Pola Pikir dan Budaya Kerja" in flat
    assert not re.search(r"\bYa – Ya\b|\bTidak – Tidak\b", flat)
    assert "Ya, pengaduan" in " ".join(pdf_text(made["ST01"]["pdf"]).split())


# --- 4. The DOCX table of contents ---------------------------------------------------------------


@pytest.mark.render
def test_the_docx_toc_lists_the_pdfs_entries_with_their_pages_and_opens_without_a_prompt(made):
    data = made["ST03"]["docx"]
    document = Document(io.BytesIO(data))
    toc = [p for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
    reader = PdfReader(io.BytesIO(made["ST03"]["pdf"]))
    pdf_toc = [line.strip() for line in pdf_text(made["ST03"]["pdf"], "-f", "2", "-l", "2", "-layout").splitlines()
               if re.search(r"\.\s*\d+$", line)]
    assert len(toc) == len(pdf_toc) == 10
    for paragraph, line in zip(toc, pdf_toc):
        title, page = paragraph.text.rsplit("\t", 1)
        assert line.startswith(title) and line.endswith(" " + page), (paragraph.text, line)
    assert toc[-1].text == f"6. Surat Pernyataan\t{len(reader.pages)}"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        settings = package.read("word/settings.xml").decode()
        body = package.read("word/document.xml").decode()
        assert "updateFields" not in settings and 'w:dirty="true"' not in body
        assert "PAGEREF _Toc" in body
        thumbnail = package.read("docProps/thumbnail.jpeg")
        assert thumbnail.startswith(b"\xff\xd8") and len(thumbnail) > 1000
        assert "metadata/thumbnail" in package.read("_rels/.rels").decode()


@pytest.mark.render
def test_the_docx_score_table_keeps_its_indentation(made):
    document = Document(io.BytesIO(made["ST03"]["docx"]))
    scores = next(t for t in document.tables if t.rows[0].cells[0].text == "Komponen / area")
    indents = {row.cells[0].text: row.cells[0].paragraphs[0].paragraph_format.left_indent for row in scores.rows[1:]}
    assert indents["Pemenuhan"] is None and indents["Komponen Pengungkit"] is None
    assert indents["Manajemen Perubahan"] is not None and indents["Manajemen Perubahan"].mm == pytest.approx(6, abs=0.1)


@pytest.mark.render
def test_the_draft_docx_says_what_the_pdf_says(made):
    text = docx_text(made["ST03"]["docx"])
    assert "DRAF — belum memenuhi syarat" in text
    assert "Jakarta, 20 November 2024" in text and "tidak diusulkan" in text
    assert "Yakobus Kambu, S.Sos. | " + TPI in text  # both names in one row of the signature table


# --- 6. The cover letter -----------------------------------------------------------------------


@pytest.mark.render
@pdftotext
def test_the_cover_letter_proposes_only_eligible_units_with_predicate_and_score(made):
    text = " ".join(pdf_text(made["letter"]["pdf"]).split())
    scores = {s.unit.code: s for s in made["scores"]}
    assert "KEMENTERIAN CONTOH SEJAHTERA" in text and "SEKRETARIAT JENDERAL" in text
    assert "Nomor : B-1207/SJ/ZI.01/XI/2024" in text and "Jakarta, 20 November 2024" in text
    assert "Hal : Usulan Unit Kerja Menuju Wilayah Bebas dari Korupsi (WBK) Tahun 2024" in text
    assert "Yth. Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi" in text
    from dossier.render.format import number

    assert "Sentra Layanan Prima Bekasi" in text and number(scores["ST01"].total) in text
    assert "Balai Besar Pelatihan Kerja Serang" in text and number(scores["ST02"].total) in text
    assert "WBBM" not in text.split("Hal :")[1].split("Opini BPK")[0].replace("Wilayah Birokrasi Bersih dan Melayani (WBBM)", "")
    assert "Loka Pengujian Mutu Sorong" not in text  # the ineligible unit is not mentioned
    assert "dua unit kerja" in text and "2 (dua) berkas" in text
    assert "Opini BPK atas laporan keuangan : Wajar Tanpa Pengecualian (WTP)" in text
    assert "Nilai SAKIP : BB (78,12)" in text
    assert "Dra. Ratna Wulandari, M.Si." in text and "NIP. 197003121995032001" in text


@pytest.mark.render
def test_the_cover_letter_docx_says_the_same(made):
    text = docx_text(made["letter"]["docx"])
    assert "B-1207/SJ/ZI.01/XI/2024" in text and "20 November 2024" in text
    assert "Sentra Layanan Prima Bekasi" in text and "Loka Pengujian Mutu Sorong" not in text
    assert "Wajar Tanpa Pengecualian (WTP)" in text and "BB (78,12)" in text


def test_a_letter_without_settings_leaves_lines_to_fill_and_names_the_ministry(tmp_path):
    year, scores = make_year(tmp_path, proposal_date=None)
    year.award = replace(year.award, bpk_opinion="", sakip="")
    ctx = letter.context(year, scores, Settings())
    assert ctx["letterhead"] == ["KEMENTERIAN CONTOH SEJAHTERA"]
    assert ctx["number"] == letter.BLANK and ctx["date"] == claims.DATE_BLANK
    assert [p["value"] for p in ctx["prerequisites"]] == [letter.BLANK, letter.BLANK]
    assert [u["code"] for u in ctx["units"]] == ["ST01", "ST02"]


def test_the_letter_settings_are_read_from_dossier_toml(tmp_path):
    from dossier.config import DEFAULT_TOML, load_settings
    from dossier.errors import ConfigError

    (tmp_path / "dossier.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    defaults = load_settings(tmp_path)
    assert defaults.letterhead == () and defaults.letter_position == "Sekretaris Jenderal"
    assert defaults.letter_to.startswith("Menteri Pendayagunaan Aparatur Negara")
    (tmp_path / "dossier.toml").write_text(
        '[surat_usulan]\nkop = ["KEMENTERIAN CONTOH", " Jalan Contoh 1 ", ""]\nnomor = "B-1/SJ/2024"\n'
        'penandatangan = "Dra. Ratna"\njabatan = "Sekretaris Jenderal"\nnip = "1970"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.letterhead == ("KEMENTERIAN CONTOH", "Jalan Contoh 1")
    assert (settings.letter_number, settings.letter_signatory, settings.letter_nip) == ("B-1/SJ/2024", "Dra. Ratna", "1970")
    (tmp_path / "dossier.toml").write_text("[surat_usulan]\nkop = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[surat_usulan\] kop must be a list of lines"):
        load_settings(tmp_path)


@pdftotext
def test_the_build_writes_the_cover_letter_as_a_registered_kind(built_sample):
    import json

    out = built_sample / "build" / "2024"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = {f["kind"]: f["path"] for f in manifest["files"]}
    assert kinds["letter-pdf"] == "surat-usulan.pdf" and kinds["letter-docx"] == "surat-usulan.docx"
    text = " ".join(pdf_text((out / "surat-usulan.pdf").read_bytes()).split())
    # The sample's eligible units are proposed; UPT04 (misses IPKP) and BD02 are not mentioned.
    for name in ("Balai Pengawasan Sumber Daya Maritim Bitung", "Stasiun Pemantauan Pesisir Mataram", "Balai Diklat Maritim Makassar"):
        assert name in text
    assert "Loka Riset Budidaya Laut Ambon" not in text and "Balai Diklat Kelautan Sorong" not in text
    assert "29 Mei 2024" in text and "Wajar Tanpa Pengecualian (WTP)" in text
    assert "Ambon" not in docx_text((out / "surat-usulan.docx").read_bytes())
    draft = " ".join(pdf_text((out / "dossier" / "UPT04.pdf").read_bytes(), "-f", "1", "-l", "1").split())
    assert "DRAF — belum memenuhi syarat" in draft
