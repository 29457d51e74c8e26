"""The official LKE reader, the evidence checks and the workbook guard speak Indonesian by default (issue 16).

Real inputs: a copy of an official LKE ZI workbook changed through openpyxl, an award year
whose LKE names evidence files that are missing or hostile, a legacy .xls handed in as .xlsx.
The same inputs read in English give the English texts the other tests match.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfWriter

from dossier.readers import read_award_year, read_lke
from dossier.readers.evidence import collect_evidence
from dossier.scoring import score_unit

from .workbook_factory import YEAR, edition, lke_book, write_year

REVISED = Path(__file__).parent / "data" / "official" / "kspstk2024_lke_zi_from_html.xlsx"
REL = "lke/PKM01 LKE ZI.xlsx"
# Words of the English messages; none may be left in an Indonesian one (names and codes aside).
ENGLISH = re.compile(r"\b(the|row|rows|answer|scored|formula|its|is|for|of|but|not|file|found|empty|packet|"
                     r"embedded|password|refused|workbook|evidence|did you mean)\b")


def indonesian(message: str) -> None:
    assert not ENGLISH.search(message), message


# -- The official form ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def changed_form(tmp_path_factory) -> Path:
    """The revised official LKE with what units get wrong typed into it (its own total and percentage already disagree)."""
    book = openpyxl.load_workbook(REVISED)
    ws = book["LKE ZI"]
    assert ws["G89"].value.startswith("Telah dilakukan evaluasi atas penerapan Whistle")
    ws["K89"] = "#DIV/0!"  # a formula error as the answer of PPE4B
    ws["K90"] = '=IF(1>0,"A","B")'  # a formula never calculated: no stored value
    ws["J9"] = "Ya/Tidak"  # PPA1B is A/B/C in the regulation
    ws["F202"], ws["G202"], ws["J202"], ws["K202"] = "e.", "Kantin kejujuran tersedia di lobi kantor", "Ya/Tidak", "Ya"
    path = tmp_path_factory.mktemp("official") / "PKM01 LKE ZI.xlsx"
    book.save(path)
    return path


def official_problems(path: Path) -> dict[str, tuple[str, str]]:
    """The problems of the official reader's own checks, by cell: (severity, message)."""
    result = read_lke(path, REL, edition(), path.parent)
    found = {}
    for problem in result.problems:
        cell = problem.where.removeprefix(f"{REL}, LKE ZI!")
        if cell in ("K89", "K90", "J9", "K172", "K173", "G202"):
            found[cell] = (problem.severity, problem.message)
    return found


def test_the_official_forms_problems_are_indonesian_with_their_cells(changed_form, speak):
    speak("id")
    found = official_problems(changed_form)
    assert found["K89"] == ("error", "jawaban di baris 89 berisi kesalahan rumus #DIV/0!; perbaiki rumusnya atau ketik jawabannya")
    assert found["K90"] == ("error", "rumus =IF(1>0,\"A\",\"B\") tidak memiliki nilai tersimpan (berkas Excel belum pernah "
                                     "dihitung); buka lalu simpan di Excel/LibreOffice agar nilainya tersimpan")
    assert found["J9"] == ("warning", "Pilihan Jawaban 'Ya/Tidak' untuk PPA1B berbeda dari ketentuan peraturan ('A/B/C'); "
                                      "jawaban diperiksa menurut pilihan jawaban dalam peraturan")
    assert found["K173"] == ("warning", "total 'Jumlah yang harus melaporkan' untuk PRE3A adalah 10, tetapi jumlah rinciannya "
                                        "K174:K176 adalah 11; dinilai dengan rinciannya (1 + 10 + 0)")
    assert found["K172"] == ("warning", "persentase 100,00% untuk PRE3A tidak sesuai dengan perbandingan isian Jumlah-nya "
                                        "(K174:K177), yaitu 90,91% menurut peraturan; dinilai 90,91%")
    assert found["G202"] == ("error", "baris 202 bukan indikator LKE edisi 2021: 'Kantin kejujuran tersedia di lobi "
                                      "kantor'; cocokkan teks pertanyaannya dengan LKE resmi, atau hapus baris itu; "
                                      "jawabannya 'Ya' tidak dinilai")
    for _severity, message in found.values():
        indonesian(message)
        assert "; " in message  # what is wrong; what would be right: the feedback splits there


def test_the_same_official_form_read_in_english(changed_form, speak):
    speak("en")
    found = official_problems(changed_form)
    assert found["K89"] == ("error", "the answer on row 89 is the formula error #DIV/0!; fix the formula or type the answer")
    assert found["K90"][1].startswith("the formula =IF(1>0,\"A\",\"B\") has no stored value (the workbook was never calculated)")
    assert found["J9"] == ("warning", "Pilihan Jawaban 'Ya/Tidak' for PPA1B differs from the regulation's 'A/B/C'; "
                                      "the answer is checked against the regulation's options")
    assert found["K173"][1] == ("the total 'Jumlah yang harus melaporkan' for PRE3A is 10 but its parts K174:K176 add up to 11; "
                                "scored with the parts (1 + 10 + 0)")
    assert found["G202"] == ("error", "row 202 is not an indicator of LKE edition 2021: 'Kantin kejujuran tersedia di lobi "
                                      "kantor'; check the question text against the official LKE, or remove the row; "
                                      "its answer 'Ya' is not scored")


# -- Evidence named in an LKE, and a workbook that is no .xlsx --------------------------------------


@pytest.fixture
def year_with_bad_evidence(tmp_path) -> Path:
    """BP01 names a file with a leading bukti/, one in the wrong case and an ftp: link; BP02 sends an old .xls."""
    inputs = write_year(tmp_path)
    entries = "bukti/BP/sk-tim.pdf\nBP/SK-TIM.pdf\nftp://server/sk.pdf"
    lke_book("BP01", evidence={"PPA1A": entries}).save(inputs / "lke" / "LKE BP01.xlsx")
    (inputs / "lke" / "LKE BP02.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    return inputs


def problems_of(inputs: Path) -> list[tuple[str, str]]:
    year = read_award_year(inputs, YEAR, edition())
    return [(p.where, p.message) for p in year.problems]


def test_evidence_and_workbook_problems_are_indonesian(year_with_bad_evidence, speak):
    speak("id")
    problems = problems_of(year_with_bad_evidence)
    messages = [m for _, m in problems]
    assert ("lke/LKE BP02.xlsx", "ini berkas Excel 97-2003 format lama (.xls); buka di Excel atau LibreOffice lalu simpan "
                                 "sebagai .xlsx") in problems
    assert ("berkas bukti dukung 'bukti/BP/sk-tim.pdf' tidak ditemukan di bukti/; lokasi berkas ditulis mulai dari dalam "
            "folder bukti/, jadi hilangkan awalan 'bukti/'") in messages
    assert ("berkas bukti dukung 'BP/SK-TIM.pdf' tidak ditemukan di bukti/; apakah yang dimaksud 'BP/sk-tim.pdf'? "
            "(nama harus sama persis, termasuk huruf besar dan kecil)") in messages
    # The refused link: the reader's words around it are lke.py's; the reason is evidence.py's.
    assert any(m.endswith("'ftp://server/sk.pdf' memakai tautan 'ftp:' yang tidak diterima; tulis alamat web "
                          "(http:// atau https://) atau berkas di dalam bukti/") for m in messages), messages
    bare = [m for m in messages if m.startswith("unit BP01: 112 dari 113 indikator tidak memiliki bukti dukung")]
    assert len(bare) == 1 and bare[0].endswith("; sebutkan berkas di dalam bukti/ atau alamat web untuk setiap indikator")
    ours = [(w, m) for w, m in problems if m.startswith(("berkas bukti dukung", "ini berkas", "unit BP01"))]
    assert len(ours) == 4, problems
    for where, message in ours:
        indonesian(message)
        assert where.startswith(("lke/LKE BP01.xlsx, LKE!", "lke/LKE BP02.xlsx"))
    cells = {w for w, m in problems if "sk-tim" in m.casefold()}
    assert len(cells) == 1 and re.fullmatch(r"lke/LKE BP01\.xlsx, LKE!F\d+", cells.pop())  # the Bukti Dukung cell


def test_the_same_evidence_problems_in_english(year_with_bad_evidence, speak):
    speak("en")
    problems = problems_of(year_with_bad_evidence)
    messages = [m for _, m in problems]
    assert ("lke/LKE BP02.xlsx", "this is a legacy Excel 97-2003 (.xls) file; open it in Excel or LibreOffice and save it "
                                 "as .xlsx") in problems
    assert ("evidence file 'BP/SK-TIM.pdf' not found in bukti/; did you mean 'BP/sk-tim.pdf'? (names must match exactly)"
            in messages)
    assert any(m.startswith("unit BP01: 112 of 113 indicator(s) have no evidence") for m in messages)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def packet_problems(tmp_path: Path) -> dict[str, str]:
    """What the packet's evidence check says of an empty file, a .pdf that is none and a locked PDF, by entry."""
    inputs = tmp_path / "inputs" / str(YEAR)
    if not inputs.exists():
        write_year(tmp_path)
        bukti = inputs / "bukti" / "BP"
        (bukti / "sk-tim.pdf").write_bytes(b"")
        (bukti / "rencana.pdf").write_bytes(b"<html>Rencana kerja</html>")
        (bukti / "foto.png").write_bytes(encrypted_pdf())
    year = read_award_year(inputs, YEAR, edition())
    unit = next(u for u in year.units if u.code == "BP01")
    problems = []
    collect_evidence(score_unit(unit, year.lke["BP01"], edition()), year, problems)
    return {p.where: p.message for p in problems}


def test_hostile_evidence_files_are_reported_in_indonesian(tmp_path, speak):
    speak("id")
    found = packet_problems(tmp_path)
    assert found == {
        "bukti/BP/sk-tim.pdf (PPA1A)": "berkas kosong (0 bita), sehingga tidak disematkan dalam paket BP01; ganti dengan "
                                       "dokumen yang sebenarnya.",
        "bukti/BP/rencana.pdf (PPA2A)": "nama berkas berakhiran .pdf tetapi isinya bukan PDF; berkas ini tidak disematkan "
                                        "dalam paket BP01. Buka lalu simpan ulang dalam format itu.",
        "bukti/BP/foto.png (PPA2A)": "PDF ini dilindungi kata sandi, sehingga tidak disematkan dalam paket BP01 (hanya "
                                     "dicantumkan di halaman pemisah). Letakkan salinan tanpa kata sandi di folder bukti.",
    }
    for message in found.values():
        indonesian(message)
    speak("en")
    assert packet_problems(tmp_path)["bukti/BP/sk-tim.pdf (PPA1A)"] == (
        "the file is empty (0 bytes), so it is not embedded in the packet of BP01; replace it with the real document.")
