"""Issue 14, sections 2-4, end to end: a year with one winner, two losers, quotes of both phases, a DOCX
evidence file and one indicator without evidence, read back from the built PDF, DOCX and XLSX files."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dossier.cli import cli
from tests.conftest import needs
from tests.reading import flat, pdf_text
from tests.workbook_factory import YEAR, best_answers, edition, lke_book, register_book

UNITS = ("BP01", "BP02", "BP03")
BARE = "PPA2B"  # the one indicator that names no evidence
TOML = """\
[humas]
biro = "Biro Komunikasi dan Informasi Publik"
kontak = "Rina Wati, telepon 021-555 1234, surel humas@ksdm.go.id"
"""


def _pdf(path: Path, text: str) -> None:
    from dossier.render.pdf import html_to_pdf

    path.write_bytes(html_to_pdf(f"<html><body><h1>{text}</h1></body></html>", base_url=path.parent,
                                 allowed_roots=[path.parent]))


def _register(inputs: Path, results: tuple[str, ...]) -> None:
    book = register_book(UNITS)
    award = book["Penghargaan"]
    award.append(["Nama Acara", "Penganugerahan Zona Integritas Tahun 2024"])
    units = book["Unit"]
    units.cell(1, units.max_column + 1, "Penerima")
    recipient_col = units.max_column
    for row, result in zip(range(2, 5), results):
        units.cell(row, 9, result)  # Hasil Penetapan
    units.cell(2, recipient_col, "Kepala Balai, Dr. Budi")
    units.cell(3, 10, "Wilayah Bebas dari Korupsi")  # a category for a loser must not make it named
    quotes = book["Kutipan"]
    quotes.delete_rows(2)
    quotes.cell(1, 4, "Tahap")
    quotes.append(["Dr. Ani", "Sekretaris Jenderal", "Kami mengusulkan unit terbaik.", "sebelum"])
    quotes.append(["Ir. Eko", "Inspektur Jenderal", "Predikat ini milik seluruh pegawai.", "sesudah"])
    book.save(inputs / "nominasi.xlsx")


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("acceptance")
    (root / "dossier.toml").write_text(TOML, encoding="utf-8")
    inputs = root / "inputs" / str(YEAR)
    bukti = inputs / "bukti" / "BP"
    bukti.mkdir(parents=True)
    (inputs / "lke").mkdir()
    _pdf(bukti / "sk-tim.pdf", "Surat Keputusan Tim Zona Integritas")
    notes = docx.Document()
    notes.add_paragraph("Notulen rapat pembangunan Zona Integritas")
    notes.save(bukti / "notulen.docx")
    evidence = {code: "BP/sk-tim.pdf" for code in edition().indicators if code != BARE}
    evidence["PPA1A"] = "BP/sk-tim.pdf\nBP/notulen.docx"
    _register(inputs, ("WBK", "Tidak", "Tidak"))
    for code in UNITS:  # BP01 and BP02 meet the WBK minimums, BP03 does not
        answers = best_answers() if code != "BP03" else None
        lke_book(code, answers, evidence=evidence).save(inputs / "lke" / f"LKE {code}.xlsx")
    return root


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.render
def test_validate_and_score_count_the_indicator_without_evidence(year):
    result = run("-C", str(year), "validate")
    assert f"1 of 113 indicator(s) have no evidence (Bukti Dukung is empty): {BARE}" in result.output
    assert "All clear" not in result.output
    assert run("-C", str(year), "validate", "--strict").exit_code == 1
    assert result.output.count("have no evidence") == len(UNITS)
    scored = run("-C", str(year), "score")
    assert scored.output.count(f"1 indicator(s) without evidence (Bukti Dukung): {BARE}") == len(UNITS)


@pytest.mark.render
@needs("pdftotext")
@needs("soffice")
def test_built_documents_show_every_point(year):
    build = year / "build" / str(YEAR)
    # BP01's documents and the year's (the other units' documents are not looked at here).
    assert run("-C", str(year), "build", "-j", "1", "--unit", "BP01").exit_code == 0
    assert run("-C", str(year), "report").exit_code == 0
    # The packet: the DOCX converted and placed, every page numbered in the packet, the bare indicator listed.
    packet = pdf_text(build / "paket" / "BP01.pdf")
    pages = packet.split("\f")[:-1]
    assert all(f"hlm. {n} dari {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "Notulen rapat pembangunan Zona Integritas" in packet
    assert "disematkan (diubah dari DOCX ke PDF), hlm." in flat(packet)
    bare = next(p for p in pages if "Indikator Tanpa Bukti Dukung" in p)
    assert BARE in bare and "tidak ada bukti dukung" in bare
    assert list((build / ".bukti-pdf").glob("*.pdf"))  # the conversion is kept for the next build
    # After the results: the winner, its recipient, the event, the after-results quote, the sign-off; no loser.
    after = flat(pdf_text(build / "rilis.pdf"))
    word = flat("\n".join(p.text for p in docx.Document(build / "rilis.docx").paragraphs))
    for text in (after, word):
        assert "Balai BP01 Raih Penghargaan Wilayah Bebas dari Korupsi" in text
        assert "Dalam Penganugerahan Zona Integritas Tahun 2024" in text
        assert "Penghargaan bagi Balai BP01 diterima oleh Kepala Balai, Dr. Budi." in text
        assert "Predikat ini milik seluruh pegawai" in text and "Kami mengusulkan unit terbaik" not in text
        assert "Balai BP02" not in text and "Balai BP03" not in text
        assert "Biro Komunikasi dan Informasi Publik" in text and "Narahubung: Rina Wati" in text
    # The recap: indicators without evidence per unit, every shortfall on its own sheet, printed A4 landscape.
    book = load_workbook(build / "rekapitulasi.xlsx")
    assert book.sheetnames[-1] == "Kekurangan"
    assert all(ws.page_setup.orientation == "landscape" for ws in book.worksheets)
    recap = flat(pdf_text(build / "rekapitulasi.pdf"))
    assert "Tanpa Bukti" in recap and "Capaian Setiap Area terhadap Batas Minimal" in recap

    # Before the results: only units proposed, no result, only the before-results quote.
    _register(year / "inputs" / str(YEAR), ("", "", ""))
    assert run("-C", str(year), "report").exit_code == 0
    before = flat(pdf_text(build / "rilis.pdf"))
    assert "Kami mengusulkan unit terbaik" in before and "Predikat ini milik seluruh pegawai" not in before
    assert "Raih" not in before and "diterima oleh" not in before and "(tanggal rilis)" in before
    assert "KSDM Usulkan Dua Unit Kerja Menuju Predikat WBK" in before
    assert "Balai BP01 (WBK); serta Balai BP02 (WBK)" in before and "Balai BP03" not in before
