"""The readers' problems in the language spoken: Indonesian by default, English on request (issue 16).

Real workbooks with bad inputs, read once in each language: the same problems at the same
places (file, sheet, cell), worded in Indonesian with no English left, "what is wrong; what
would be right" kept apart by "; " (the feedback document splits there).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dossier import i18n
from dossier.errors import Problem, WorkspaceError
from dossier.readers import read_award_year
from dossier.readers.cache import LkeCache

from .workbook_factory import YEAR, edition, full_answers, lke_book, register_book, row_of, write_year

LKE = "lke/LKE BP01.xlsx"
# Words of the English messages that no Indonesian message may still hold.
ENGLISH = {"the", "is", "not", "of", "and", "or", "no", "has", "for", "in", "an", "expected", "write", "answer",
           "answers", "missing", "row", "rows", "sheet", "column", "file", "workbook", "scored", "found", "unit's",
           "empty", "yet", "should", "must", "keep", "twice", "probably", "mean", "date", "year", "number", "count"}


@pytest.fixture(autouse=True)
def back_to_english():
    """Each test may switch the language; the rest of the suite reads English again."""
    before = os.environ.get("DOSSIER_LANG")
    yield
    i18n.set_language("en")
    if before is None:
        os.environ.pop("DOSSIER_LANG", None)
    else:
        os.environ["DOSSIER_LANG"] = before


def read_in(language: str, inputs: Path, **kwargs) -> list[Problem]:
    """The problems of `inputs`, their words fixed in `language` (a problem is worded only when shown)."""
    with i18n.speaking(language):
        return [p.worded(language) for p in read_award_year(inputs, YEAR, edition(), **kwargs).problems]


def english_left(message: str) -> set[str]:
    """The English words of a message, once its quoted values, file names and codes are set aside."""
    message = re.sub(r"'[^']*'", "", message)  # values as written, 'dossier lke-template'
    words = re.findall(r"[A-Za-z']+", message)
    return {w.lower() for w in words} & ENGLISH


def assert_same_problems_in_indonesian(inputs: Path) -> list[Problem]:
    """Read `inputs` in English and in Indonesian; return the Indonesian problems after checking them."""
    english = read_in("en", inputs)
    indonesian = read_in("id", inputs)
    assert english, "the inputs should have problems"
    assert [(p.where, p.severity) for p in indonesian] == [(p.where, p.severity) for p in english]
    for en, id_ in zip(english, indonesian):
        if en.kind == "evidence":
            continue  # worded by dossier/readers/evidence.py, translated with it
        assert id_.message != en.message, f"not translated: {en.message}"
        assert not english_left(id_.message), f"English left in {id_.message!r}: {english_left(id_.message)}"
        assert ("; " in id_.message) == ("; " in en.message), (en.message, id_.message)
    return indonesian


def test_bad_lke_answers_in_indonesian_and_in_english(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    answers = full_answers() | {"PPA1A": "Mungkin", "PRE2A.1": "1.200", "HBA": "tinggi", "PPA2B": "#DIV/0!"}
    del answers["PPA2C"]  # one answer left blank: a warning
    lke_book("BP01", answers).save(inputs / LKE)

    problems = assert_same_problems_in_indonesian(inputs)

    assert Problem(f"{LKE}, LKE!D10", "jawaban 'Mungkin' untuk PPA1A bukan pilihan yang tersedia; "
                   "seharusnya salah satu dari Ya, Tidak") in problems
    assert Problem(f"{LKE}, LKE!D134", "jumlah '1.200' untuk PRE2A.1 bukan bilangan bulat 0 atau lebih; "
                   "tulis tanpa pemisah ribuan (1200)") in problems
    assert Problem(f"{LKE}, LKE!D154", "indeks 'tinggi' untuk HBA bukan angka; "
                   "tulis indeks survei dari 1,00 sampai 4,00, misalnya 3,72") in problems
    assert Problem(f"{LKE}, LKE!D13", "jawaban untuk PPA2B berisi kesalahan rumus #DIV/0!; "
                   "perbaiki rumusnya atau ketik jawabannya") in problems
    assert Problem(f"{LKE}, LKE", "1 jawaban belum diisi, bernilai 0: PPA2C", "warning") in problems

    english = read_in("en", inputs)
    assert Problem(f"{LKE}, LKE!D10", "answer 'Mungkin' for PPA1A is not an option; expected one of Ya, Tidak") in english
    assert Problem(f"{LKE}, LKE", "1 answer(s) missing, scored 0: PPA2C", "warning") in english


def test_bad_lke_codes_and_layout_in_indonesian(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    book = lke_book("BP01")
    ws = book["LKE"]
    ws.cell(row_of(ws, "PPA1B"), 2, "PPA1Z")
    ws.cell(row_of(ws, "PRE3A.4"), 2, "PRE3A.7")
    ws.cell(row_of(ws, "PPA2A"), 2, "PPA2A.1")
    ws.cell(row_of(ws, "PPA2B"), 2, "ppa1a")
    book.save(inputs / LKE)
    book = lke_book("BP02")
    book["LKE"].title = "Lembar1"
    book.save(inputs / "lke/LKE BP02.xlsx")

    problems = assert_same_problems_in_indonesian(inputs)

    said = {p.where: p.message for p in problems}
    assert said[f"{LKE}, LKE!B11"] == ("kode indikator 'PPA1Z' tidak dikenal (tidak ada dalam LKE edisi 2021); "
                                       "apakah yang dimaksud PPA1B?")
    assert said[f"{LKE}, LKE!B141"] == ("PRE3A.7: PRE3A tidak memiliki isian 7; "
                                        "isiannya adalah PRE3A.1, PRE3A.2, PRE3A.3, PRE3A.4")
    assert said[f"{LKE}, LKE!B12"] == "PPA2A bukan indikator jumlah; beri barisnya kode PPA2A, tanpa '.1'"
    assert said[f"{LKE}, LKE!B13"] == ("PPA1A muncul dua kali (pertama di baris 10); "
                                       "sisakan satu baris untuk setiap indikator")
    assert said["lke/LKE BP02.xlsx"] == ("tidak ada lembar LKE; tabel LKE harus berada di lembar bernama LKE "
                                         "(lembar yang ada: Lembar1)")
    # BP02's workbook could not be read, so the unit has none: said on its register row
    assert said["nominasi.xlsx, Unit!A3"].startswith("unit BP02 tidak memiliki berkas LKE di lke/")


def test_bad_register_in_indonesian(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    book = register_book(("BP01",))
    book["Penghargaan"]["B5"] = "besok"  # Tanggal Penyerahan
    book["Unit"]["G2"] = "WBX"  # Predikat Diusulkan
    book["Unit"].append(["BP 03", "Balai BP 03"])
    del book["Kutipan"]
    book.save(inputs / "nominasi.xlsx")

    problems = assert_same_problems_in_indonesian(inputs)

    assert Problem("nominasi.xlsx, Penghargaan!B5", "Tanggal Penyerahan 'besok' bukan tanggal; tulis tanggal Excel, "
                   "atau teks seperti 2024-12-12 atau 12 Desember 2024") in problems
    assert Problem("nominasi.xlsx, Unit!G2", "kolom Predikat Diusulkan unit BP01 berisi 'WBX'; seharusnya WBK atau WBBM") in problems
    assert Problem("nominasi.xlsx, Unit!A3", "kode unit 'BP 03' tidak sah; gunakan paling banyak 32 huruf, angka, "
                   "'-', atau '_', tanpa spasi (misalnya UPT01)") in problems
    assert Problem("nominasi.xlsx", "tidak ada lembar Kutipan (dengan kolom Nama, Jabatan, Kutipan, Tahap); "
                   "rilis pers tidak akan memuat kutipan", "warning") in problems


def test_files_that_fit_no_unit_in_indonesian(tmp_path):
    inputs = write_year(tmp_path, units=("BP01", "BP02"))
    lke_book("BP09").save(inputs / "lke/LKE BP09.xlsx")
    (inputs / "lke/LKE BP02.xlsx").rename(inputs / "lke/Formulir.xlsx")
    (inputs / "lke/catatan.ods").write_bytes(b"not a workbook")

    problems = assert_same_problems_in_indonesian(inputs)

    said = {p.where: p.message for p in problems}
    assert said["lke/catatan.ods"] == ("tidak dibaca: berkas '.ods' tidak didukung; "
                                       "simpan sebagai berkas Excel (.xlsx)")
    assert said["lke/LKE BP09.xlsx, LKE!C3"].startswith(
        "Kode Unit 'BP09' bukan unit di nominasi.xlsx (lembar Unit), sehingga LKE ini tidak dipakai; ")


def test_a_missing_register_is_said_in_indonesian(tmp_path):
    inputs = tmp_path / "inputs" / str(YEAR)
    inputs.mkdir(parents=True)
    with i18n.speaking("id"), pytest.raises(WorkspaceError) as raised:
        read_award_year(inputs, YEAR, edition())
    assert raised.value.message == (f"{inputs / 'nominasi.xlsx'}: daftar usulan tahun penghargaan ini tidak ada; "
                                     f"setiap tahun penghargaan memerlukan inputs/{YEAR}/nominasi.xlsx "
                                     "(jalankan 'dossier init' untuk membuat daftar usulan kosong)")
    with pytest.raises(WorkspaceError, match="the award year's register is missing"):
        read_award_year(inputs, YEAR, edition())


def test_a_cache_written_in_english_shows_indonesian_to_an_indonesian_user(tmp_path):
    inputs = write_year(tmp_path, units=("BP01",))
    lke_book("BP01", full_answers() | {"PPA1A": "Mungkin"}).save(inputs / LKE)
    cache_file = tmp_path / "build" / ".lke-cache.json"
    where = f"{LKE}, LKE!D10"

    def cached(language: str) -> list[Problem]:
        with i18n.speaking(language):
            cache = LkeCache(cache_file, edition().name, inputs / "bukti")
            problems = read_award_year(inputs, YEAR, edition(), cache=cache).problems
            cache.save()
        return [p.worded(language) for p in problems]

    english = cached("en")
    assert Problem(where, "answer 'Mungkin' for PPA1A is not an option; expected one of Ya, Tidak") in english
    indonesian = cached("id")
    assert Problem(where, "jawaban 'Mungkin' untuk PPA1A bukan pilihan yang tersedia; "
                          "seharusnya salah satu dari Ya, Tidak") in indonesian
    assert indonesian == read_in("id", inputs)  # as a fresh read in Indonesian
    assert cached("id") == indonesian  # and the cache now kept in Indonesian is used as it is
    assert cached("en") == english  # back in English, English again
