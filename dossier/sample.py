"""The bundled sample award year: an invented ministry, its units, their LKE and evidence.

Everything here is invented (the ministry, units, people and numbers); only the
awarding body, Kementerian PANRB, is real. The year shows every outcome: units
eligible for WBK, one already WBK and eligible for WBBM, one that misses a
single WBK threshold (IPKP), and one clearly not eligible. Results (Hasil
Penetapan) are left empty: the year is shown before the announcement.

Regenerate with `python -m dossier.sample [WORKSPACE]`. Output is deterministic.
"""

from __future__ import annotations

import html
import io
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dossier.model import Answer, Award, Evidence, Innovation, Quote, Unit
from dossier.render.format import number
from dossier.rules import Edition, Indicator, load_edition
from dossier.workbooks import normalize_package, package_time, write_lke_template, write_register

MINISTRY = "Kementerian Sumber Daya Maritim"
MINISTRY_SHORT = "KSDM"
UPT = "Unit Pelaksana Teknis (UPT)"
DIKLAT = "Balai Diklat"
WBK_CATEGORY = "Wilayah Bebas dari Korupsi (WBK)"
WBBM_CATEGORY = "Wilayah Birokrasi Bersih dan Melayani (WBBM)"


@dataclass(frozen=True)
class Profile:
    """How one sample unit answers: how often it picks the best option, its surveys and its counts."""

    best: tuple[float, ...]  # chance of the 1st, 2nd, 3rd... best option
    ipak: float
    capaian: str
    ipkp: float
    counts: dict[str, dict[int, int]]
    lke_file: str
    documents: tuple[str, ...]  # which evidence documents the unit has (keys of DOCUMENTS)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """An evidence document every unit may hold: its file name, title and the indicators citing it."""

    file: str
    title: str
    indicators: tuple[str, ...]


DOCUMENTS = {
    "sk-tim": Document("sk-tim-zi.pdf", "Keputusan Kepala tentang Tim Pembangunan Zona Integritas", ("PPA1A", "PPA1B")),
    "rencana": Document(
        "rencana-kerja-zi.pdf", "Rencana Kerja Pembangunan Zona Integritas", ("PPA2A", "PPA2B", "PPA3A")
    ),
    "survei": Document(
        "laporan-survei-ipak-ipkp.pdf", "Laporan Survei Persepsi Anti Korupsi dan Kualitas Pelayanan", ("HBA", "HPA")
    ),
    "standar": Document(
        "standar-pelayanan.pdf", "Keputusan Kepala tentang Standar Pelayanan", ("PPF1A", "PPF1B", "PPF1D")
    ),
    "lhkpn": Document("rekap-lhkpn-lhkasn.png", "Rekapitulasi Penyampaian LHKPN dan LHKASN", ("PRE3A", "PRE3B")),
    "sosialisasi": Document("foto-sosialisasi-zi.jpg", "Sosialisasi Pembangunan Zona Integritas", ("PPA2C", "PPA4D")),
    "pelayanan": Document("foto-ruang-pelayanan.jpg", "Ruang Pelayanan Terpadu", ("PPF2E", "PPF5A")),
}
# Evidence that is not a generated PDF or image: a Word file and a web page.
EXTRA_EVIDENCE = {
    ("UPT01", "PPA3B"): "UPT01/notulen-rapat-monev-zi.docx",
    ("UPT03", "PPF1D"): "https://www.ksdm.example/upt03/standar-pelayanan",
}

COMMON_NOTES = {
    "PPA1A": "Tim ditetapkan dengan keputusan kepala unit pada Januari {year}.",
    "PPA2C": "Sosialisasi melalui apel pagi, media sosial unit dan spanduk di ruang pelayanan.",
    "PPE4A": "Aplikasi pengaduan pelanggaran terhubung dengan Inspektorat Jenderal KSDM.",
    "HBA": "Survei oleh tim independen terhadap pengguna layanan, Agustus-September {year}.",
    "HPA": "Survei bersamaan dengan IPAK, responden yang sama.",
}

UNITS = [
    Unit(
        "UPT01", "Balai Pengawasan Sumber Daya Maritim Bitung", UPT, "Bitung", "Sulawesi Utara",
        "Ir. Hendrik Mamahit, M.Si.", "WBK", "", "", WBK_CATEGORY,
        (
            Innovation("UPT01", "SIPANDU LAUT", "2023", "Aplikasi pelaporan kapal pengawas secara daring yang memangkas waktu verifikasi dari tiga hari menjadi satu hari."),
            Innovation("UPT01", "Klinik Izin Nelayan", "2024", "Layanan jemput bola perizinan bagi nelayan kecil di pelabuhan setiap Jumat."),
        ),
    ),
    Unit(
        "UPT02", "Balai Karantina Hasil Laut Kupang", UPT, "Kupang", "Nusa Tenggara Timur",
        "drh. Maria Goreti Bunga", "WBK", "", "", WBK_CATEGORY,
        (Innovation("UPT02", "KARLA Cepat", "2024", "Sertifikat karantina elektronik terbit dalam dua jam dengan tanda tangan elektronik."),),
    ),
    Unit(
        "UPT03", "Stasiun Pemantauan Pesisir Mataram", UPT, "Mataram", "Nusa Tenggara Barat",
        "Lalu Ahmad Zainuddin, S.T., M.T.", "WBBM", "WBK", "", WBBM_CATEGORY,
        (
            Innovation("UPT03", "Pantau Pesisir Warga", "2022", "Warga pesisir melaporkan abrasi dan pencemaran melalui pesan singkat yang langsung ditindaklanjuti petugas."),
            Innovation("UPT03", "Layanan Data Satu Pintu", "2023", "Permintaan data pemantauan pesisir dilayani di satu loket dan daring tanpa biaya."),
        ),
    ),
    Unit(
        "UPT04", "Loka Riset Budidaya Laut Ambon", UPT, "Ambon", "Maluku",
        "Dr. Yohana Latuconsina, S.Pi., M.Si.", "WBK", "", "", WBK_CATEGORY,
        (Innovation("UPT04", "Bibit Unggul Keliling", "2024", "Penyaluran benih rumput laut unggul langsung ke kelompok pembudidaya di pulau-pulau kecil."),),
    ),
    Unit(
        "BD01", "Balai Diklat Maritim Makassar", DIKLAT, "Makassar", "Sulawesi Selatan",
        "Andi Muhammad Rusdi, S.Pi., M.M.", "WBK", "", "", WBK_CATEGORY,
        (
            Innovation("BD01", "Kelas Pelaut Daring", "2023", "Pelatihan keselamatan kerja laut secara daring dengan ujian di pelabuhan terdekat."),
            Innovation("BD01", "Sertifikat Tanpa Antre", "2024", "Sertifikat pelatihan elektronik yang dapat diverifikasi dengan kode QR."),
        ),
    ),
    Unit(
        "BD02", "Balai Diklat Kelautan Sorong", DIKLAT, "Sorong", "Papua Barat Daya",
        "Yakobus Kambu, S.Sos.", "WBK", "", "", WBK_CATEGORY,
        (Innovation("BD02", "Diklat Kampung Nelayan", "2024", "Pelatihan pengolahan hasil laut di kampung nelayan bersama pemerintah kampung."),),
    ),
]

ALL_DOCUMENTS = tuple(DOCUMENTS)
PROFILES = {
    "UPT01": Profile(
        best=(0.7, 0.25, 0.05), ipak=3.68, capaian="B", ipkp=3.45,
        counts={
            "PRA1A": {1: 12, 2: 12}, "PRA1B": {1: 12, 2: 11}, "PRC3A": {1: 3, 2: 1, 3: 1}, "PRD1A": {1: 8, 2: 7},
            "PRE2A": {1: 14, 2: 0, 3: 14}, "PRE3A": {1: 1, 2: 4, 3: 2, 4: 7}, "PRE3B": {1: 0, 2: 6, 3: 41, 4: 47},
            "PRF1B": {1: 9, 2: 7},
        },
        lke_file="LKE UPT01 Bitung.xlsx", documents=ALL_DOCUMENTS,
        notes={"PRC3A": "Satu pelanggaran disiplin ringan, telah dijatuhi teguran tertulis."},
    ),
    "UPT02": Profile(
        best=(0.62, 0.3, 0.08), ipak=3.62, capaian="B", ipkp=3.31,
        counts={
            "PRA1A": {1: 10, 2: 9}, "PRA1B": {1: 9, 2: 8}, "PRC3A": {1: 2, 2: 1, 3: 1}, "PRD1A": {1: 6, 2: 5},
            "PRE2A": {1: 9, 2: 1, 3: 8}, "PRE3A": {1: 1, 2: 3, 3: 1, 4: 5}, "PRE3B": {1: 0, 2: 5, 3: 33, 4: 37},
            "PRF1B": {1: 6, 2: 4},
        },
        lke_file="lke_karantina_kupang_final.xlsx", documents=ALL_DOCUMENTS,
        notes={"PRE3B": "Satu pegawai pelaksana sedang cuti di luar tanggungan negara."},
    ),
    "UPT03": Profile(
        best=(0.9, 0.1), ipak=3.78, capaian="A", ipkp=3.71,
        counts={
            "PRA1A": {1: 15, 2: 18}, "PRA1B": {1: 18, 2: 18}, "PRC3A": {1: 1, 2: 0, 3: 0}, "PRD1A": {1: 7, 2: 7},
            "PRE2A": {1: 21, 2: 0, 3: 21}, "PRE3A": {1: 1, 2: 5, 3: 1, 4: 7}, "PRE3B": {1: 0, 2: 7, 3: 52, 4: 59},
            "PRF1B": {1: 11, 2: 11},
        },
        lke_file="UPT03 - LKE 2024 (revisi).xlsx", documents=ALL_DOCUMENTS,
        notes={"PRA1A": "Setiap agen perubahan membuat paling sedikit satu perubahan; tiga agen membuat dua."},
    ),
    "UPT04": Profile(
        best=(0.72, 0.23, 0.05), ipak=3.66, capaian="B", ipkp=3.10,
        counts={
            "PRA1A": {1: 8, 2: 8}, "PRA1B": {1: 8, 2: 7}, "PRC3A": {1: 2, 2: 1, 3: 1}, "PRD1A": {1: 5, 2: 5},
            "PRE2A": {1: 6, 2: 0, 3: 6}, "PRE3A": {1: 1, 2: 2, 3: 1, 4: 4}, "PRE3B": {1: 0, 2: 4, 3: 27, 4: 31},
            "PRF1B": {1: 5, 2: 4},
        },
        lke_file="LKE-Loka-Ambon.xlsx", documents=ALL_DOCUMENTS,
        notes={"HPA": "Keluhan utama responden: waktu tunggu benih di musim tanam."},
    ),
    "BD01": Profile(
        best=(0.72, 0.24, 0.04), ipak=3.64, capaian="A", ipkp=3.38,
        counts={
            "PRA1A": {1: 10, 2: 10}, "PRA1B": {1: 10, 2: 9}, "PRC3A": {1: 0, 2: 0, 3: 0}, "PRD1A": {1: 6, 2: 6},
            "PRE2A": {1: 11, 2: 1, 3: 10}, "PRE3A": {1: 1, 2: 3, 3: 2, 4: 6}, "PRE3B": {1: 0, 2: 5, 3: 38, 4: 43},
            "PRF1B": {1: 7, 2: 5},
        },
        lke_file="LKE BPSDM Makassar.xlsx", documents=ALL_DOCUMENTS,
        notes={"PRC3A": "Tidak ada pelanggaran disiplin pada tahun lalu maupun tahun ini."},
    ),
    "BD02": Profile(
        best=(0.35, 0.35, 0.3), ipak=3.41, capaian="C", ipkp=3.05,
        counts={
            "PRA1A": {1: 6, 2: 3}, "PRA1B": {1: 3, 2: 1}, "PRC3A": {1: 4, 2: 3, 3: 2}, "PRD1A": {1: 6, 2: 3},
            "PRE2A": {1: 5, 2: 2, 3: 3}, "PRE3A": {1: 1, 2: 2, 3: 0, 4: 2}, "PRE3B": {1: 0, 2: 4, 3: 21, 4: 19},
            "PRF1B": {1: 4, 2: 1},
        },
        lke_file="lke bd02.xlsx", documents=("sk-tim", "rencana", "survei", "sosialisasi"),
        notes={"PRE3B": "Enam pegawai belum melaporkan; sudah diingatkan melalui surat edaran."},
    ),
}


def sample_award(year: int = 2024) -> Award:
    """The ceremony facts of the sample year."""
    return Award(
        year=year,
        ministry=MINISTRY,
        ministry_short=MINISTRY_SHORT,
        awarding_body="Kementerian PANRB",
        ceremony_date=date(year, 12, 12),
        ceremony_place="Balai Samudra Raya, Jakarta",
        opened_by="Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        attended_by="Sekretaris Jenderal KSDM, Dra. Ratna Wulandari, M.Si.",
        release_city="Jakarta",
    )


def sample_quotes() -> list[Quote]:
    """The officials' words for the press release."""
    return [
        Quote(
            "Dra. Ratna Wulandari, M.Si.",
            "Sekretaris Jenderal Kementerian Sumber Daya Maritim",
            "Penghargaan ini bukan garis akhir. Kami ingin setiap unit kerja KSDM melayani masyarakat pesisir "
            "dengan bersih, cepat dan tanpa pungutan.",
        ),
        Quote(
            "Ir. Bambang Setiadi, M.Eng.",
            "Inspektur Jenderal Kementerian Sumber Daya Maritim",
            "Tim Penilai Internal memeriksa setiap bukti dukung secara berjenjang. Unit yang belum berhasil tahun "
            "ini akan kami dampingi untuk tahun depan.",
        ),
        Quote(
            "Lalu Ahmad Zainuddin, S.T., M.T.",
            "Kepala Stasiun Pemantauan Pesisir Mataram",
            "Predikat WBK kami jaga dengan layanan data yang terbuka bagi siapa saja, tanpa biaya dan tanpa antre.",
        ),
    ]


def sample_units() -> list[Unit]:
    """The units put forward in the sample year, in register order."""
    return list(UNITS)


def sample_answers(edition: Edition, year: int = 2024) -> dict[str, dict[str, Answer]]:
    """Every sample unit's LKE answers (unit code -> indicator code -> answer), with notes and evidence."""
    return {unit.code: _unit_answers(unit, PROFILES[unit.code], edition, year) for unit in UNITS}


def _unit_answers(unit: Unit, profile: Profile, edition: Edition, year: int) -> dict[str, Answer]:
    # A string seed is hashed with SHA-512 by `random`, so the draws are the same on every run.
    rng = random.Random(f"{unit.code}-{year}")
    evidence: dict[str, list[str]] = {}
    for key in profile.documents:
        for code in DOCUMENTS[key].indicators:
            evidence.setdefault(code, []).append(f"{unit.code}/{DOCUMENTS[key].file}")
    for (code_unit, code), entry in EXTRA_EVIDENCE.items():
        if code_unit == unit.code:
            evidence.setdefault(code, []).append(entry)
    notes = {code: text.format(year=year) for code, text in {**COMMON_NOTES, **profile.notes}.items()}
    innovation = unit.innovations[0].name if unit.innovations else ""
    notes.setdefault("PPF2F", f"Inovasi unggulan: {innovation}.")
    answers = {}
    for code, indicator in edition.indicators.items():
        entries = tuple(Evidence(e, url=e.startswith("https://")) for e in evidence.get(code, ()))
        common = {"code": code, "note": notes.get(code, ""), "evidence": entries}
        if indicator.kind == "count":
            answers[code] = Answer(counts=dict(profile.counts[code]), **common)
        elif indicator.kind == "index":
            answers[code] = Answer(index=profile.ipak if code == "HBA" else profile.ipkp, **common)
        elif code == "HBB":
            answers[code] = Answer(choice=profile.capaian, **common)
        else:
            answers[code] = Answer(choice=_draw(indicator, profile.best, rng), **common)
    return answers


def _draw(indicator: Indicator, best: tuple[float, ...], rng: random.Random) -> str:
    """Pick an option: the best with the profile's first chance, the next best with its second..."""
    ranked = sorted(indicator.options, key=lambda o: -(o.score or 0.0))
    roll, rank = rng.random(), 0
    if len(ranked) == 2:  # Ya/Tidak: "Tidak" (zero) is rarer than a middling letter
        return ranked[0].key if roll < (1 + best[0]) / 2 else ranked[1].key
    for rank, chance in enumerate(best):
        roll -= chance
        if roll < 0:
            break
    return ranked[min(rank, len(ranked) - 1)].key


# --- Writing the files ---------------------------------------------------------------


def write_sample_year(workspace: Path, year: int = 2024) -> Path:
    """Write the sample award year under `workspace/inputs/<year>/` and return that folder."""
    edition = load_edition()
    folder = workspace / "inputs" / str(year)
    if folder.exists():
        shutil.rmtree(folder)  # regenerate from scratch: no stale LKE or evidence left behind
    award = sample_award(year)
    units = sample_units()
    write_register(folder / "nominasi.xlsx", year, award, units, sample_quotes())
    answers = sample_answers(edition, year)
    pdfs: list[tuple[Path, str]] = []
    for unit in units:
        write_lke_template(
            folder / "lke" / PROFILES[unit.code].lke_file,
            edition,
            unit_code=unit.code,
            unit_name=unit.name,
            year=year,
            ministry=MINISTRY,
            answers=answers[unit.code],
        )
        pdfs += _write_evidence(folder / "bukti", unit, PROFILES[unit.code], year)
    _write_pdfs(pdfs, year)
    return folder


def _write_evidence(bukti: Path, unit: Unit, profile: Profile, year: int) -> list[tuple[Path, str]]:
    """Write the unit's images and Word file; return its PDFs as (path, HTML page) to render together."""
    target = bukti / unit.code
    target.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for key in profile.documents:
        document = DOCUMENTS[key]
        path = target / document.file
        if path.suffix == ".pdf":
            pdfs.append((path, _pdf_page(document, unit, profile, year)))
        elif key == "lhkpn":
            _write_recap_image(path, document, unit, profile)
        else:
            _write_photo(path, document, unit, year)
    for (code_unit, _), entry in EXTRA_EVIDENCE.items():
        if code_unit == unit.code and entry.endswith(".docx"):
            _write_docx(bukti / entry, unit, year)
    return pdfs


PDF_STYLE = """
@page { size: A4; margin: 2cm 2.2cm; }
body { font-family: "Liberation Serif", serif; font-size: 11.5pt; line-height: 1.45; }
section + section { page-break-before: always; }
.kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 6px; margin-bottom: 18px; }
.kop b { display: block; font-size: 13pt; }
h1 { font-size: 12.5pt; text-align: center; margin: 14px 0 2px; }
.nomor { text-align: center; margin-bottom: 18px; }
table { border-collapse: collapse; width: 100%; margin: 10px 0; }
td, th { border: 1px solid #444; padding: 3px 6px; font-size: 10.5pt; }
.ttd { margin-left: 55%; margin-top: 30px; }
.contoh { color: #888; font-size: 9pt; margin-top: 40px; text-align: center; }
"""

PDF_BODIES = {
    "sk-tim-zi.pdf": (
        "<p>Menimbang bahwa untuk mewujudkan Wilayah Bebas dari Korupsi perlu dibentuk tim yang bertugas "
        "menyusun, melaksanakan dan memantau rencana pembangunan Zona Integritas, maka ditetapkan:</p>"
        "<table><tr><th>No</th><th>Jabatan dalam Tim</th><th>Unsur</th></tr>"
        "<tr><td>1</td><td>Penanggung Jawab</td><td>Kepala Unit</td></tr>"
        "<tr><td>2</td><td>Ketua</td><td>Kepala Subbagian Umum</td></tr>"
        "<tr><td>3</td><td>Anggota</td><td>Perwakilan setiap seksi dan kelompok jabatan fungsional</td></tr></table>"
    ),
    "rencana-kerja-zi.pdf": (
        "<p>Rencana kerja ini memuat kegiatan, target prioritas, penanggung jawab dan jadwal pembangunan "
        "Zona Integritas pada enam area perubahan.</p>"
        "<table><tr><th>Area</th><th>Target prioritas</th><th>Waktu</th></tr>"
        "<tr><td>Manajemen Perubahan</td><td>Agen perubahan di setiap seksi</td><td>Triwulan I</td></tr>"
        "<tr><td>Penguatan Pengawasan</td><td>Pengendalian gratifikasi dan benturan kepentingan</td><td>Triwulan II</td></tr>"
        "<tr><td>Pelayanan Publik</td><td>Standar pelayanan dan survei kepuasan</td><td>Triwulan III</td></tr></table>"
    ),
    "laporan-survei-ipak-ipkp.pdf": (
        "<p>Survei dilakukan oleh tim independen terhadap pengguna layanan dengan skala 1,00 sampai 4,00, "
        "dengan hasil sebagai berikut.</p>"
    ),
    "standar-pelayanan.pdf": (
        "<p>Standar pelayanan memuat persyaratan, prosedur, jangka waktu, biaya, produk layanan dan "
        "penanganan pengaduan, serta dimaklumatkan di ruang pelayanan dan laman unit.</p>"
    ),
}


def _pdf_page(document: Document, unit: Unit, profile: Profile, year: int) -> str:
    """One evidence document as a one-page HTML section, every value escaped."""
    e = html.escape
    body = PDF_BODIES.get(document.file, "")
    if document is DOCUMENTS["survei"]:
        body += (
            "<table><tr><th>Survei</th><th>Indeks (1,00-4,00)</th></tr>"
            f"<tr><td>Indeks Persepsi Anti Korupsi (IPAK)</td><td>{number(profile.ipak)}</td></tr>"
            f"<tr><td>Indeks Persepsi Kualitas Pelayanan (IPKP)</td><td>{number(profile.ipkp)}</td></tr></table>"
        )
    return f"""<section>
<div class="kop"><b>{e(MINISTRY.upper())}</b><b>{e(unit.name.upper())}</b>{e(unit.city)}, {e(unit.province)}</div>
<h1>{e(document.title.upper())}</h1>
<div class="nomor">Nomor: {e(_number(document, unit, year))}</div>
{body}
<div class="ttd">{e(unit.city)}, 15 Januari {year}<br>Kepala,<br><br><br><b>{e(unit.head)}</b></div>
<div class="contoh">Dokumen contoh buatan dossier. Seluruh nama dan angka rekaan.</div>
</section>"""


def _write_pdfs(pages: list[tuple[Path, str]], year: int) -> None:
    """Render every evidence PDF in one WeasyPrint pass, then split it into one file per document.

    One pass subsets the fonts once; per-file rendering spends most of its time there.
    """
    from pypdf import PdfReader, PdfWriter

    from dossier.render.pdf import html_to_pdf  # heavy import, only when writing

    sections = "\n".join(page for _, page in pages)
    source = f"""<!doctype html><html lang="id"><head><meta charset="utf-8"><style>{PDF_STYLE}</style></head>
<body>{sections}</body></html>"""
    # No folder is allowed: the sample documents load nothing.
    rendered = html_to_pdf(source, base_url=pages[0][0].parent, allowed_roots=[], created=package_time(year))
    reader = PdfReader(io.BytesIO(rendered))
    if len(reader.pages) != len(pages):
        raise RuntimeError(f"sample evidence: expected {len(pages)} one-page PDFs, rendered {len(reader.pages)} pages")
    for (path, _), page in zip(pages, reader.pages):
        writer = PdfWriter()
        writer.add_page(page)
        writer.add_metadata({"/Producer": "dossier (WeasyPrint)", "/Title": path.stem})
        with path.open("wb") as handle:
            writer.write(handle)


def _number(document: Document, unit: Unit, year: int) -> str:
    serial = 11 + list(DOCUMENTS.values()).index(document)
    return f"{serial}/{MINISTRY_SHORT}.{unit.code}/I/{year}"


def _write_photo(path: Path, document: Document, unit: Unit, year: int) -> None:
    """A photo-like placeholder: sky, sea, a building and people, with a caption bar."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 480, 320
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a sky-to-sea gradient
        t = y / height
        colour = (int(120 + 100 * t), int(170 + 50 * t), int(230 - 60 * t)) if t < 0.55 else (30, int(90 + 60 * t), 140)
        draw.line([(0, y), (width, y)], fill=colour)
    shift = sum(map(ord, unit.code)) % 60  # each unit's picture differs a little
    draw.rectangle([60 + shift, 90, 300 + shift, 200], fill=(235, 232, 220), outline=(90, 90, 90))
    draw.polygon([(50 + shift, 90), (180 + shift, 45), (310 + shift, 90)], fill=(170, 60, 50))
    for i in range(4):  # windows and a door
        draw.rectangle([80 + shift + i * 55, 110, 110 + shift + i * 55, 135], fill=(120, 160, 190))
    draw.rectangle([165 + shift, 150, 195 + shift, 200], fill=(110, 70, 40))
    for i in range(7):
        x = 40 + i * 60
        draw.ellipse([x, 205, x + 18, 223], fill=(70, 50, 40))
        draw.rectangle([x - 4, 223, x + 22, 262], fill=(40 + 25 * i, 80, 120))
    draw.rectangle([0, height - 48, width, height], fill=(0, 0, 0))
    font = ImageFont.load_default(size=15)
    draw.text((10, height - 44), document.title, fill=(255, 255, 255), font=font)
    draw.text((10, height - 24), f"{unit.name}, {year}", fill=(220, 220, 220), font=font)
    image.save(path, "JPEG", quality=80, optimize=True)


def _write_recap_image(path: Path, document: Document, unit: Unit, profile: Profile) -> None:
    """A table picture of the unit's LHKPN/LHKASN numbers, as a screenshot of a recap would look."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=14)
    rows = [("Laporan", "Wajib lapor", "Sudah lapor")]
    for code, name in (("PRE3A", "LHKPN"), ("PRE3B", "LHKASN")):
        counts = profile.counts[code]
        rows.append((name, str(counts[1] + counts[2] + counts[3]), str(counts[4])))
    image = Image.new("RGB", (420, 150), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.text((10, 8), document.title, fill=(0, 0, 0), font=font)
    draw.text((10, 26), unit.name, fill=(80, 80, 80), font=font)
    for r, row in enumerate(rows):
        y = 52 + r * 30
        fill = (31, 78, 121) if r == 0 else (255, 255, 255)
        draw.rectangle([10, y, 410, y + 30], fill=fill, outline=(120, 120, 120))
        for c, text in enumerate(row):
            draw.text((20 + c * 135, y + 7), text, fill=(255, 255, 255) if r == 0 else (0, 0, 0), font=font)
    image.save(path, "PNG", optimize=True)


def _write_docx(path: Path, unit: Unit, year: int) -> None:
    """Minutes of a monitoring meeting, as the Word file a unit would upload."""
    from docx import Document as WordDocument

    doc = WordDocument()
    when = package_time(year)
    props = doc.core_properties
    props.author = props.last_modified_by = "dossier"
    props.created = props.modified = when
    props.revision = 1
    doc.add_heading("Notulen Rapat Monitoring dan Evaluasi Zona Integritas", level=1)
    doc.add_paragraph(f"{unit.name}, {MINISTRY}")
    doc.add_paragraph(f"Tanggal: 13 Juni {year}").add_run().add_break()
    doc.paragraphs[-1].add_run(f"Pimpinan rapat: {unit.head}")
    for point in (
        "Capaian rencana kerja pembangunan Zona Integritas triwulan II dibahas per area perubahan.",
        "Tindak lanjut rekomendasi monitoring triwulan I telah selesai seluruhnya.",
        "Survei kepuasan masyarakat dijadwalkan pada Agustus.",
    ):
        doc.add_paragraph(point, style="List Number")
    doc.add_paragraph("Dokumen contoh buatan dossier. Seluruh nama dan angka rekaan.")
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalize_package(buffer.getvalue(), when))


def main(argv: list[str] | None = None) -> int:
    """Regenerate the sample year in WORKSPACE (default: the current folder)."""
    args = sys.argv[1:] if argv is None else argv
    workspace = Path(args[0]) if args else Path.cwd()
    folder = write_sample_year(workspace)
    print(f"Sample award year written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
