"""Office evidence (DOCX, XLSX...) in the packet: converted with LibreOffice, cached, time-bounded."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from dossier.readers import office
from dossier.readers.office import ConversionFailed, office_to_pdf
from tests.conftest import needs
from tests.test_packet import make


def _docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.render
@needs("soffice")
def test_docx_and_xlsx_become_pdf_pages_kept_by_content(tmp_path):
    cache = tmp_path / "cache"
    first = office_to_pdf(_docx(tmp_path / "notulen.docx", "Notulen rapat ZI"), cache)
    assert "Notulen rapat ZI" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    kept = list(cache.glob("*.pdf"))
    assert len(kept) == 1
    edited = first.replace(b"%%EOF", b"%%EOF\n% kept")
    kept[0].write_bytes(edited)  # edited in build/ by someone else: not sealed, so converted again (issue 21)
    assert not office_to_pdf(tmp_path / "notulen.docx", cache).endswith(b"% kept\n")
    from dossier.readers.office import _sealed_text
    from dossier.sealing import seal

    kept[0].write_bytes(edited)  # sealed with this user's key, as a conversion writes it: the next call takes it
    kept[0].with_suffix(".mac").write_text(seal(_sealed_text(kept[0].stem, edited)))
    assert office_to_pdf(tmp_path / "notulen.docx", cache).endswith(b"% kept\n")
    book = Workbook()
    book.active["A1"] = "Rekap SKM"
    book.save(tmp_path / "rekap.xlsx")
    assert "Rekap SKM" in PdfReader(io.BytesIO(office_to_pdf(tmp_path / "rekap.xlsx"))).pages[0].extract_text()


@needs("soffice")
def test_a_conversion_over_its_time_is_killed_and_leaves_nothing(tmp_path):
    before = set(Path(tempfile.gettempdir()).glob("dossier-office-*"))
    with pytest.raises(ConversionFailed) as caught:
        office_to_pdf(_docx(tmp_path / "lama.docx", "Lama"), tmp_path / "cache", seconds=0.01)
    assert "batas waktu" in caught.value.reason
    assert set(Path(tempfile.gettempdir()).glob("dossier-office-*")) == before  # the private profile is gone
    assert not list((tmp_path / "cache").glob("*.pdf")) if (tmp_path / "cache").exists() else True


@pytest.mark.render
def test_without_libreoffice_the_divider_says_so_and_claims_nothing(workspace_copy, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = make(workspace_copy, {"PPA1A": ("BP01/notulen.docx",)})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(result.data)).pages).split())
    assert "tidak disematkan: LibreOffice tidak terpasang" in text
    assert "tidak ada yang disematkan" in text and result.evidence_pages == 0
    assert [p.severity for p in result.problems] == ["warning"]
    assert "could not be converted to PDF" in result.problems[0].message


@pytest.mark.render
@needs("soffice")
def test_a_timed_out_conversion_is_listed_not_embedded(workspace_copy, monkeypatch):
    monkeypatch.setattr(office, "CONVERT_SECONDS", 0.01)
    result = make(workspace_copy, {"PPA1A": ("BP01/notulen.docx",)})
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(result.data)).pages).split())
    assert "melebihi batas waktu" in text and result.evidence_pages == 0


@pytest.fixture
def workspace_copy(tmp_path) -> Path:
    bukti = tmp_path / "inputs" / "2024" / "bukti" / "BP01"
    bukti.mkdir(parents=True)
    _docx(bukti / "notulen.docx", "Notulen rapat")
    from tests.test_packet import pdf_pages

    (tmp_path / "dossier.pdf").write_bytes(pdf_pages()["dossier"])
    return tmp_path


# A file refused before LibreOffice runs, or LibreOffice missing: the warning is worded in the
# language of whoever reads it (the command line, `validate --json`, the web workspace), whatever
# the language of the process that tried to convert it.
REFUSED = {
    "not an office document": ("laporan.doc", b"<html><body><img src='http://x/y.png'></body></html>",
                               "holds no office document", "isinya bukan dokumen perkantoran"),
    "an RTF with a link": ("surat.rtf", rb'{\rtf1 {\field{\*\fldinst INCLUDEPICTURE "http://x/y.png"}}}',
                           "links to other files or addresses", "menautkan ke berkas atau alamat lain"),
    "a damaged package": ("rekap.docx", b"PK\x03\x04 not a zip after all",
                          "not a readable office package", "bukan paket dokumen perkantoran"),
    "LibreOffice missing": ("notulen.docx", None, "LibreOffice (soffice) is not installed",
                            "LibreOffice (soffice) belum terpasang"),
}


@pytest.mark.parametrize("converted_in", ["en", "id"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_a_conversion_warning_is_worded_in_the_language_it_is_read_in(case, converted_in, tmp_path, speak,
                                                                      monkeypatch):
    from dossier.errors import Place
    from dossier.readers.evidence import OTHER, Document, _convert

    name, data, english, indonesian = REFUSED[case]
    source = tmp_path / name
    if data is None:
        monkeypatch.setattr("shutil.which", lambda name: None)
        _docx(source, "Notulen")
    else:
        source.write_bytes(data)
    speak(converted_in)
    problems: list = []
    document = _convert(Document("PPA1A", name, OTHER, source=source), "DOCX", Place("lke/UPT01.xlsx"), "UPT01",
                        problems, None)
    assert document.note.startswith("tidak disematkan: ")  # the divider, a document: Bahasa Indonesia always
    for reader, said in (("en", english), ("id", indonesian)):
        speak(reader)
        assert said in str(problems[0].message), (reader, str(problems[0].message))
