"""What a message says is kept as a message id and its values, never as text worded beforehand.

A value put into a message as preformatted text (an f-string, or an exception's words) is
frozen in the language it was made in and cannot be extracted for translation; a problem
read back from the LKE read cache, or shown in the other language, would then say it wrongly.
"""

from __future__ import annotations

import json

import pytest

from dossier.errors import Place, Problem
from dossier.readers.evidence import PDF, Document, _check_pdf
from dossier.readers.evidence_safety import MAX_INFLATED, PdfTooLarge

from .test_evidence_safety import bomb_pdf
from .test_official import REAL, fill_form, random_answers, read


@pytest.mark.parametrize("text", ["Kantin kejujuran tersedia di lobi kantor", "Ruang laktasi {baru} 100%",
                                  "Pojok baca; perpustakaan mini, lantai 2 - sayap timur"])
@pytest.mark.slow
def test_a_row_that_is_no_indicator_keeps_its_text_as_a_value(tmp_path, speak, text):
    filled = tmp_path / "UPT01 LKE ZI.xlsx"
    book = fill_form(REAL, filled, random_answers(6))
    ws = book["Jawaban"]
    ws.insert_rows(22)
    ws["F22"], ws["G22"], ws["J22"], ws["K22"] = "e.", text, "Ya/Tidak", "Ya"
    book.save(filled)
    [problem] = [p for p in read(filled, "lke/UPT01 LKE ZI.xlsx").problems if p.code == "official.row.not_an_indicator"]
    what = dict(problem.what.params)["what"]
    assert dict(what.params) == {"name": text} and not what.literal
    kept = Problem.from_data(json.loads(json.dumps(problem.to_data())))
    for language, said in (("en", "is not an indicator of LKE edition 2021"), ("id", "bukan indikator LKE edisi 2021")):
        speak(language)
        assert f"{said}: '{text}'" in str(kept) and str(kept) == str(problem)


@pytest.mark.slow
@pytest.mark.parametrize("made_in", ["en", "id"])
def test_a_refused_pdf_bomb_says_why_in_the_language_spoken_whichever_it_was_read_in(speak, made_in):
    speak(made_in)
    problems: list[Problem] = []
    document = Document("PPA1A", "UPT01/bom.pdf", PDF)
    _check_pdf(document, Place("lke/LKE UPT01.xlsx", "LKE", "F10"), "UPT01", problems,
               data=bomb_pdf(2, MAX_INFLATED // 2 + 1024 * 1024))
    [problem] = problems
    assert problem.code == "evidence.packet.pdf_unreadable" and document.data is None
    reason = dict(problem.what.params)["reason"]
    assert dict(reason.params) == {"limit": 256} and not reason.literal
    kept = Problem.from_data(json.loads(json.dumps(problem.to_data())))
    speak("en")
    assert "refused: its content unpacks to more than 256 MB" in str(kept)
    speak("id")
    assert "ditolak: isinya setelah dibuka lebih dari 256 MB" in str(kept)


def test_the_refusal_itself_is_worded_when_shown(speak):
    speak("id")
    error = PdfTooLarge(3)
    speak("en")
    assert str(error.reason).startswith("refused: its content unpacks to more than 3 MB")
