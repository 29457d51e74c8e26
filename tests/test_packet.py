"""The nomination packet: dossier + evidence in LKE order, dividers, bookmarks, bad files as warnings."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from dossier.documents.packet import make_packet
from dossier.model import Answer, Award, AwardYear, Evidence, Lke, Unit
from dossier.readers.evidence import resolve_evidence
from dossier.render.pdf import html_to_pdf
from dossier.render.templates import environment, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit
from tests.reading import pdf_text

CREATED = datetime(2024, 1, 1, tzinfo=UTC)
UNIT = Unit("BP01", 'Sentra <b>"Maju" & Co</b>', "Balai", "Bandung", "Jawa Barat", "Dr. Sari", "WBK", "", "", "")


def needs(tool: str):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


FONT = static_dirs(None)[-1] / "fonts" / "LiberationSans-Regular.ttf"
TEXTS = ("Dokumen Usulan", "Profil", "Ringkasan", "SK Tim Pokja ZI", "Lampiran SK", "Rencana Kerja", "Terkunci",
         "RAHASIA NEGARA")


def pdf_pages() -> dict[str, bytes]:
    """Real PDFs made by WeasyPrint in one render (one page per text, each its own bookmark), split by pypdf."""
    body = "".join(f'<section style="break-before: page"><h1>{text}</h1><p>{text}</p></section>' for text in TEXTS)
    style = f'@font-face {{ font-family: T; src: url("{FONT.as_uri()}"); }} html {{ font-family: T; }}'
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    rendered = html_to_pdf(html, base_url=FONT.parent, allowed_roots=[FONT.parent], created=CREATED)
    source = PdfReader(io.BytesIO(rendered))

    def pages(first: int, last: int) -> bytes:
        writer = PdfWriter()
        writer.append(source, pages=(first, last + 1))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    index = {text: i for i, text in enumerate(TEXTS)}
    return {
        "dossier": pages(0, 2),
        "sk-tim": pages(index["SK Tim Pokja ZI"], index["Lampiran SK"]),
        **{text: pages(i, i) for text, i in index.items()},
    }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A year folder whose bukti/ holds good, bad and foreign evidence, plus a secret next to it."""
    root = tmp_path_factory.mktemp("ws")
    pdfs = pdf_pages()
    (root / "dossier.pdf").write_bytes(pdfs["dossier"])
    bukti = root / "inputs" / "2024" / "bukti"
    (bukti / "BP01").mkdir(parents=True)
    (bukti.parent / "secret.pdf").write_bytes(pdfs["RAHASIA NEGARA"])
    (bukti / "BP01" / "sk-tim.pdf").write_bytes(pdfs["sk-tim"])
    (bukti / "BP01" / "rencana-kerja.pdf").write_bytes(pdfs["Rencana Kerja"])
    Image.new("RGB", (400, 300), (30, 120, 200)).save(bukti / "BP01" / "foto-rapat.png")
    Image.new("RGB", (300, 500), (200, 120, 30)).save(bukti / "BP01" / "spanduk.jpg", quality=80)
    Image.new("RGB", (320, 200), (90, 160, 90)).save(bukti / "BP01" / "denah.pdf", format="PNG")
    document = docx.Document()
    document.add_paragraph("Notulen rapat")
    document.save(bukti / "BP01" / "notulen.docx")
    (bukti / "BP01" / "rusak.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 9 0 R>> garbage\n%%EOF")
    (bukti / "BP01" / "kosong.pdf").write_bytes(b"")
    locked = PdfWriter(clone_from=io.BytesIO(pdfs["Terkunci"]))
    locked.encrypt(user_password="rahasia", algorithm="AES-128")
    with (bukti / "BP01" / "terkunci.pdf").open("wb") as handle:
        locked.write(handle)
    os.symlink(bukti.parent / "secret.pdf", bukti / "BP01" / "tautan-keluar.pdf")
    return root


def award_year(root: Path, answers: dict[str, tuple[str, ...]]) -> AwardYear:
    """The award year of one unit whose answers name the given evidence, resolved as the reader does."""
    inputs = root / "inputs" / "2024"
    lke = Lke(
        UNIT.code,
        "lke/BP01.xlsx",
        {
            code: Answer(code, choice="Ya" if code == "PPA1A" else "A",
                         evidence=tuple(resolve_evidence(e, inputs / "bukti") for e in entries))
            for code, entries in answers.items()
        },
    )
    award = Award(2024, "Kementerian Contoh", "KC", "Menteri", None, "Jakarta", "", "", "Jakarta")
    return AwardYear(2024, "2021", inputs, award, [UNIT], [], {UNIT.code: lke})


ALL = {
    "PPA1A": ("BP01/sk-tim.pdf", "BP01/foto-rapat.png", "BP01/notulen.docx"),
    "PPA1B": ("BP01/spanduk.jpg", "https://contoh.go.id/zi?x=1&y=<b>", "BP01/tidak-ada.pdf"),
    "PPB1A": ("BP01/rusak.pdf", "BP01/kosong.pdf", "BP01/terkunci.pdf", "BP01/rencana-kerja.pdf"),
    "PPB1B": ("BP01/sk-tim.pdf", "BP01/denah.pdf"),
    "PRA2A": ("../secret.pdf", "BP01/tautan-keluar.pdf", "/etc/passwd"),
}


def make(root: Path, answers=ALL):
    year = award_year(root, answers)
    score = score_unit(UNIT, year.lke[UNIT.code], load_edition())
    dossier = (root / "dossier.pdf").read_bytes()
    roots = [*static_dirs(None), year.bukti]
    return make_packet(dossier, score, year, environment(None), allowed_roots=roots, created=CREATED)


@pytest.fixture(scope="module")
def packet(workspace):
    return make(workspace)


def text_of(data: bytes, page: int) -> str:
    return PdfReader(io.BytesIO(data)).pages[page - 1].extract_text()


def outline_tree(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))

    def walk(items):
        tree = []
        for item in items:
            if isinstance(item, list):
                tree[-1][1].extend(walk(item))
            else:
                tree.append((item.title, []))
        return tree

    return walk(reader.outline)


@pytest.mark.render
def test_page_count_is_dossier_plus_dividers_plus_evidence(packet):
    # Three areas have evidence -> three dividers, and four pages list the 108 indicators without any;
    # sk-tim 2 pages, rencana-kerja 1, three images 1 each, the DOCX converted to 1.
    assert (packet.dossier_pages, packet.divider_pages, packet.evidence_pages) == (3, 7, 7)
    assert len(PdfReader(io.BytesIO(packet.data)).pages) == packet.pages == 17


@pytest.mark.render
def test_evidence_follows_lke_order_after_the_dossier(packet):
    pages = [text_of(packet.data, n) for n in range(1, packet.pages + 1)]
    assert "Dokumen Usulan" in pages[0] and "Ringkasan" in pages[2]
    assert "Manajemen Perubahan" in pages[3] and "PEMENUHAN" in pages[3]  # first divider
    assert "SK Tim Pokja ZI" in pages[4] and "Lampiran SK" in pages[5]
    assert "PPA1A" in pages[6] and "foto-rapat.png" in pages[6]  # the PNG's page and its caption
    assert "Notulen rapat" in pages[7]  # the DOCX, converted to PDF
    assert "PPA1B" in pages[8] and "spanduk.jpg" in pages[8]
    assert "Penataan Tatalaksana" in pages[9]
    assert "Rencana Kerja" in pages[10]
    assert "PPB1B" in pages[11] and "denah.pdf" in pages[11]  # a PNG named .pdf is shown as an image
    assert "Manajemen Perubahan" in pages[12] and "REFORM" in pages[12]
    assert "Indikator Tanpa Bukti Dukung" in pages[13] and "PPA2A" in pages[13]


@pytest.mark.render
def test_images_are_fitted_to_a4_in_their_orientation(packet):
    reader = PdfReader(io.BytesIO(packet.data))
    png, jpg = reader.pages[6], reader.pages[8]
    millimetres = [round(float(v) / 72 * 25.4) for v in (png.mediabox.width, png.mediabox.height)]
    assert millimetres == [297, 210]  # a landscape photo gets a landscape A4 page
    millimetres = [round(float(v) / 72 * 25.4) for v in (jpg.mediabox.width, jpg.mediabox.height)]
    assert millimetres == [210, 297]


@pytest.mark.render
def test_outline_is_dossier_then_area_indicator_document(packet):
    tree = outline_tree(packet.data)
    assert [title for title, _ in tree] == [
        "Dokumen Evaluasi",  # the unit is not proposed: its dossier is an evaluation
        "Pemenuhan – Manajemen Perubahan",
        "Pemenuhan – Penataan Tatalaksana",
        "Reform – Manajemen Perubahan",
        "Indikator Tanpa Bukti Dukung",
    ]
    assert [t for t, _ in tree[0][1]] == ["Dokumen Usulan", "Profil", "Ringkasan"]  # the dossier's own outline
    indicators = tree[1][1]
    assert [t for t, _ in indicators] == ["PPA1A", "PPA1B"]
    # Only documents placed here get a bookmark; the others are on their area's divider.
    assert [t for t, _ in indicators[0][1]] == ["sk-tim.pdf", "foto-rapat.png", "notulen.docx"]
    assert [t for t, _ in indicators[1][1]] == ["spanduk.jpg"]
    assert [t for t, _ in tree[2][1]] == ["PPB1A", "PPB1B"]
    assert [t for t, _ in tree[2][1][1][1]] == ["denah.pdf"]  # its sk-tim.pdf is the copy placed for PPA1A
    assert tree[3][1] == [] and tree[4][1] == []


@pytest.mark.render
def test_bookmarks_run_in_page_order(packet):
    reader = PdfReader(io.BytesIO(packet.data))
    page = reader.get_destination_page_number
    every = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else every.append(page(item))

    walk(reader.outline)
    assert every == sorted(every) and max(every) < len(reader.pages)
    area, indicators = reader.outline[2], reader.outline[3]
    assert page(area) == 3  # 0-based: the first divider follows the 3 dossier pages
    assert [page(indicators[0]), page(indicators[2])] == [4, 8]  # PPA1A -> sk-tim, PPA1B -> spanduk.jpg
    assert [page(d) for d in indicators[1]] == [4, 6, 7]  # sk-tim, the PNG, the converted DOCX


@pytest.mark.render
def test_every_page_is_numbered_within_the_packet(packet):
    reader = PdfReader(io.BytesIO(packet.data))
    for number, page in enumerate(reader.pages, start=1):
        assert f"Paket · hlm. {number} dari 17" in page.extract_text()


@pytest.mark.render
def test_pages_the_unit_sent_get_a_strip_for_the_number(packet):
    """A unit's PDF may be printed to its edges: its page grows a strip below rather than being written on."""
    reader = PdfReader(io.BytesIO(packet.data))
    sk_tim, own = reader.pages[4], reader.pages[3]  # an evidence PDF's page; a divider
    assert round(float(own.mediabox.height) / 72 * 25.4) == 297
    assert round(float(sk_tim.mediabox.height) / 72 * 25.4) == 297 + 9


@pytest.mark.render
@needs("pdftotext")
def test_divider_lists_bad_foreign_and_missing_files(packet, tmp_path):
    path = tmp_path / "paket.pdf"
    path.write_bytes(packet.data)
    text = pdf_text(path)
    # In reading order, spaces collapsed: a status may wrap within its fixed-width column.
    dividers = [" ".join(p.split()) for p in text.split("\f") if "Pembatas Bukti Dukung" in p]
    assert len(dividers) == 7
    first, second, third = dividers[:3]
    assert "notulen.docx" in first and "disematkan (diubah dari DOCX ke PDF), hlm. 8" in first
    assert "tidak ditemukan di folder bukti" in first and "tidak-ada.pdf" in first
    assert "https://contoh.go.id/zi?x=1&y=<b>" in first and "tautan, tidak disematkan" in first
    assert "disematkan, hlm. 5–6" in first and "disematkan (gambar), hlm. 7" in first
    assert "108 indikator" in dividers[3] and "tidak ada bukti dukung" in dividers[3]
    assert "PDF rusak atau tidak terbaca" in second
    assert "berkas kosong (0 bita)" in second
    assert "PDF dikunci kata sandi" in second
    assert "sudah disematkan pada PPA1A, hlm. 5–6" in second
    assert "disematkan, hlm. 11" in second and "disematkan (gambar), hlm. 12" in second
    assert third.count("ditolak: berada di luar folder bukti") == 3
    assert 'Sentra <b>"Maju" & Co</b>' in first  # a hostile unit name stays literal


@pytest.mark.render
def test_damaged_encrypted_and_empty_pdfs_are_warnings(packet):
    found = {p.where: p for p in packet.problems}
    assert set(found) == {f"bukti/BP01/{name}.pdf (PPB1A)" for name in ("rusak", "kosong", "terkunci")}
    assert all(p.severity == "warning" for p in packet.problems)
    assert "protected by a password" in found["bukti/BP01/terkunci.pdf (PPB1A)"].message
    assert "empty (0 bytes)" in found["bukti/BP01/kosong.pdf (PPB1A)"].message
    assert "cannot be read" in found["bukti/BP01/rusak.pdf (PPB1A)"].message


@pytest.mark.render
def test_files_outside_bukti_are_never_embedded(packet):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(packet.data)).pages)
    assert "RAHASIA NEGARA" not in text


@pytest.mark.render
def test_paths_leaving_bukti_are_refused_even_when_the_reader_let_them_through(workspace):
    """Defence in depth: entries with no problem set that leave bukti/ by '..', an absolute path or a link."""
    bukti = workspace / "inputs" / "2024" / "bukti"
    secret = bukti.parent / "secret.pdf"
    entries = ("../secret.pdf", "BP01/tautan-keluar.pdf", str(secret))
    year = award_year(workspace, {"PRA2A": ()})
    year.lke[UNIT.code].answers["PRA2A"] = Answer(
        "PRA2A", choice="A", evidence=tuple(Evidence(e, path=bukti / e, present=True) for e in entries)
    )
    score = score_unit(UNIT, year.lke[UNIT.code], load_edition())
    result = make_packet((workspace / "dossier.pdf").read_bytes(), score, year, environment(None),
                         allowed_roots=[*static_dirs(None), year.bukti], created=CREATED)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(result.data)).pages)
    assert "RAHASIA NEGARA" not in text
    assert (result.evidence_pages, result.divider_pages) == (0, 1 + 4)  # the area, the indicators without evidence
    assert [p.where for p in result.problems] == [f"bukti/{e} (PRA2A)" for e in entries]
    assert all("leads outside the bukti folder" in p.message for p in result.problems)
    assert [d.kind for d in result.areas[0].documents] == ["refused"] * 3


@pytest.mark.render
def test_unit_without_evidence_gets_dividers_listing_every_indicator(workspace):
    result = make(workspace, {"PPA1A": ()})
    assert result.evidence_pages == 0 and result.divider_pages > 1
    assert "113 indikator" in text_of(result.data, 4) and "tidak mencantumkan bukti dukung" in text_of(result.data, 4)
    # The unit answers a few indicators: not proposed, its dossier and packet are evaluations.
    assert [title for title, _ in outline_tree(result.data)] == ["Dokumen Evaluasi", "Indikator Tanpa Bukti Dukung"]


@pytest.mark.render
def test_long_divider_spans_pages_and_page_numbers_still_match(workspace):
    long_name = "BP01/" + "dokumentasi-kegiatan-pembangunan-zona-integritas-" * 4 + ".jpg"
    image = workspace / "inputs" / "2024" / "bukti" / long_name
    Image.new("RGB", (300, 600), (10, 10, 10)).save(image, format="JPEG")
    missing = tuple(f"BP01/belum-diunggah-{n:02}.pdf" for n in range(36))
    result = make(workspace, {"PPA1A": (*missing, long_name, "BP01/rencana-kerja.pdf")})
    first_area = result.areas[0].divider_pages
    assert first_area >= 2 and result.evidence_pages == 2
    assert result.pages == len(PdfReader(io.BytesIO(result.data)).pages) == 3 + result.divider_pages + 2
    image_page = 3 + first_area + 1
    divider = "".join(text_of(result.data, n) for n in range(4, image_page))
    assert f"disematkan (gambar), hlm. {image_page}" in divider
    assert f"disematkan, hlm. {image_page + 1}" in divider
    assert "Rencana Kerja" in text_of(result.data, image_page + 1)


@pytest.mark.render
def test_two_builds_give_the_same_bytes(workspace, packet):
    year = award_year(workspace, ALL)
    score = score_unit(UNIT, year.lke[UNIT.code], load_edition())
    again = make_packet((workspace / "dossier.pdf").read_bytes(), score, year, environment(None),
                        allowed_roots=[*static_dirs(None), year.bukti], created=CREATED)
    assert again.data == packet.data
    assert again.problems == packet.problems


@pytest.mark.render
def test_packet_metadata_comes_from_created_not_the_clock(packet):
    reader = PdfReader(io.BytesIO(packet.data))
    assert reader.metadata["/CreationDate"] == "D:20240101000000Z"
    assert reader.metadata["/Title"] == 'Paket Evaluasi Zona Integritas – Sentra <b>"Maju" & Co</b>'  # not proposed
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


@pytest.mark.render
@needs("qpdf")
def test_qpdf_check_passes(packet, tmp_path):
    path = tmp_path / "paket.pdf"
    path.write_bytes(packet.data)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.render
@needs("pdftoppm")
def test_the_number_is_drawn_in_the_strip_not_only_extractable(packet, tmp_path):
    """pypdf clips a merged page to its box: the stamp must be visible where the strip was added."""
    path = tmp_path / "paket.pdf"
    path.write_bytes(packet.data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "5", "-l", "5", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    strip = image.crop((0, image.height - round(9 / 25.4 * 50), image.width, image.height))
    assert strip.getextrema()[0] < 160  # grey text in the strip below the unit's page
