"""Rendering's messages in Indonesian by default, English on request; the documents the same in both (issue 16)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime

import openpyxl
import pytest

from dossier import i18n
from dossier.config import Settings
from dossier.documents import feedback
from dossier.errors import RenderError, TemplateError
from dossier.layout import LKE
from dossier.readers import read_award_year
from dossier.render.docx import html_to_docx
from dossier.render.pdf import html_to_pdf
from dossier.render.templates import environment, render
from dossier.rules import load_edition
from dossier.scoring import score_unit

from .conftest import SAMPLE_YEAR

CREATED = datetime(2024, 12, 1, tzinfo=UTC)


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "kerja" / "templates"
    folder.mkdir(parents=True)
    return folder


def template_error(templates, name: str) -> str:
    """The message of rendering `name`, the templates folder left out (the test's folder name is English)."""
    with pytest.raises(TemplateError) as error:
        render(environment(templates), name, {})
    return error.value.format_message().replace(str(templates), "<templates>")


def test_a_broken_template_is_reported_in_indonesian_by_default(templates, speak):
    (templates / "rusak.html").write_text("<p>{% if %}</p>", encoding="utf-8")
    (templates / "ejaan.html").write_text("<p>\n{{ unitt.name }}</p>", encoding="utf-8")
    speak("id")
    message = template_error(templates, "rusak.html")
    assert message.startswith("<templates>/rusak.html, baris 1: penulisan templat salah: ")
    assert "line" not in message and "syntax" not in message
    message = template_error(templates, "ejaan.html")
    assert "ejaan.html, baris 2: 'unitt' is undefined. Periksa ejaan nama itu" in message  # Jinja's own words inside
    assert "Check the spelling" not in message
    message = template_error(templates, "tidak-ada.html")
    assert message.startswith("templat 'tidak-ada.html' tidak ditemukan (dicari di: <templates>/tidak-ada.html, ")
    (templates / "logo.html").write_text("<img src=\"{{ static_url('logo-tidak-ada.png') }}\">", encoding="utf-8")
    assert template_error(templates, "logo.html").startswith("berkas statis 'logo-tidak-ada.png' tidak ditemukan (dicari di: ")


def test_a_broken_template_is_reported_in_english_on_request(templates, speak):
    (templates / "rusak.html").write_text("<p>{% if %}</p>", encoding="utf-8")
    speak("en")
    assert template_error(templates, "rusak.html").startswith("<templates>/rusak.html, line 1: template syntax error: ")
    assert template_error(templates, "tidak-ada.html").startswith("template 'tidak-ada.html' not found (looked in: ")


def test_a_pdf_refusing_to_fetch_says_why_in_indonesian(tmp_path, speak):
    speak("id")
    with pytest.raises(RenderError) as error:
        html_to_pdf('<img src="http://127.0.0.1:9/x.png">', base_url=tmp_path, allowed_roots=[tmp_path])
    assert error.value.format_message() == (
        "http://127.0.0.1:9/x.png tidak boleh dibaca saat membuat PDF (dokumen tidak boleh mengambil apa pun dari "
        "jaringan atau sumber lain). Gunakan URI data: atau berkas di folder static templat atau di folder bukti/ "
        "tahun penghargaan.")
    with pytest.raises(RenderError, match=r"\(berkas berada di luar folder yang boleh dibaca dokumen \(tidak ada\)\)"):
        html_to_pdf('<img src="file:///etc/passwd">', base_url=tmp_path, allowed_roots=[])
    speak("en")
    with pytest.raises(RenderError, match=r"^refused to read file:///etc/passwd while making the PDF \(the file is "
                                          r"outside the folders a document may read \(none\)\)"):
        html_to_pdf('<img src="file:///etc/passwd">', base_url=tmp_path, allowed_roots=[])


def test_an_unusable_word_reference_is_reported_in_indonesian(tmp_path, speak):
    reference = tmp_path / "reference.docx"
    reference.write_bytes(b"bukan berkas Word")
    speak("id")
    with pytest.raises(RenderError) as error:
        html_to_docx("<p>Isi</p>", reference=reference)
    message = error.value.format_message()
    assert message.startswith(f"{reference}: bukan dokumen acuan Word yang dapat dipakai (")
    assert message.endswith("; simpan ulang dari Word sebagai .docx, atau hapus berkas ini agar gaya bawaan yang dipakai.")


def _break_upt01(sample) -> tuple[str, str]:
    """Name an evidence file bukti/ lacks and give an answer that is no option in UPT01's LKE; return their cells."""
    path = sample / f"inputs/{SAMPLE_YEAR}/lke/LKE UPT01 Bitung.xlsx"
    book = openpyxl.load_workbook(path)
    ws = book["LKE"]
    rows = {ws.cell(r, LKE.number("code")).value: r for r in range(LKE.header_row + 1, ws.max_row + 1)}
    ws.cell(rows["PPA1A"], LKE.number("evidence"), "UPT01/sk-tidak-ada.pdf")
    ws.cell(rows["PPA2B"], LKE.number("answer"), "Z")
    book.save(path)
    return f"LKE!{LKE.letter('evidence')}{rows['PPA1A']}", f"LKE!{LKE.letter('answer')}{rows['PPA2B']}"


@pytest.mark.render
def test_the_feedback_is_the_same_indonesian_document_whatever_the_command_line_speaks(sample, speak):
    evidence_cell, answer_cell = _break_upt01(sample)
    edition = load_edition("2021")
    made = {}
    for language in ("id", "en"):
        speak(language)
        year = read_award_year(sample / "inputs" / str(SAMPLE_YEAR), SAMPLE_YEAR, edition)
        unit = next(u for u in year.units if u.code == "UPT01")
        ctx = feedback.context(year, score_unit(unit, year.lke["UPT01"], edition), Settings())
        assert i18n.language() == language  # the feedback read in Indonesian, then spoke as before
        made[language] = ctx["problems"], feedback.xlsx(ctx, created=CREATED)
    assert made["en"] == made["id"]
    problems = {p["cell"]: p for p in made["id"][0]}
    assert "sk-tidak-ada.pdf" in problems[evidence_cell]["what"] and problems[evidence_cell]["fix"]
    assert "'Z'" in problems[answer_cell]["what"] and "PPA2B" in problems[answer_cell]["what"]
    assert "A, B" in problems[answer_cell]["fix"]  # "what; fix": the options are in the fix
    book = openpyxl.load_workbook(io.BytesIO(made["en"][1]))
    assert any(r[0].value == answer_cell for r in book["Masalah LKE"].iter_rows(min_row=4))


@pytest.mark.render
def test_a_build_failing_on_a_template_says_so_in_indonesian(sample):
    (sample / "templates").mkdir()
    (sample / "templates" / "umpan-balik.html").write_text("<p>{% if %}</p>", encoding="utf-8")
    environment_ = {k: v for k, v in os.environ.items() if k != "DOSSIER_LANG"}
    environment_.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8")
    result = subprocess.run([sys.executable, "-m", "dossier", "-C", str(sample), "umpan-balik", "--unit", "UPT01"],
                            env=environment_, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "umpan-balik.html, baris 1: penulisan templat salah: " in out
    assert "template syntax error" not in out and "Traceback" not in out


def test_the_year_documents_are_named_in_the_language_spoken(speak):
    from dossier.documents import letter, recap, recap_xlsx, release
    from dossier.workers import Task

    def label(kind) -> str:
        return Task("", (kind,), None, (), Settings(), None, CREATED).label

    speak("id")
    assert [label(k) for k in (recap.PDF_KIND, recap_xlsx.XLSX_KIND, release.PDF_KIND, letter.DOCX_KIND)] == [
        "PDF rekapitulasi", "berkas Excel rekapitulasi", "rilis pers", "surat usulan"]
    assert Task("UPT01", (recap.PDF_KIND,), None, (), Settings(), None, CREATED).label == "UPT01"
    speak("en")
    assert label(recap.PDF_KIND) == "recap PDF" and label(release.DOCX_KIND) == "press release"
