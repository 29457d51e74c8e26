"""The bundled sample award year: an invented ministry, its units, their LKE and evidence.

Everything here is invented (the ministry, units, people and numbers); only the
awarding body, Kementerian PANRB, is real. The year shows every outcome: units
eligible for WBK, one already WBK and eligible for WBBM, one that misses a
single WBK threshold (IPKP), and one clearly not eligible. Results (Hasil
Penetapan) are left empty: the year is shown before the announcement.

The data (ministry, units, answering profiles, evidence documents, quotes) is
in `dossier/data/sample.toml`; this module writes the files from it.
Regenerate with `python -m dossier.sample [WORKSPACE]`. Output is deterministic.
"""

from __future__ import annotations

import html
import io
import random
import shutil
import sys
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from dossier.i18n import _
from dossier.layout import REGISTER
from dossier.model import Answer, Award, Evidence, Innovation, Quote, Unit
from dossier.render.format import number
from dossier.reproducible import normalize_package, package_time
from dossier.rules import Edition, Indicator, load_edition
from dossier.workbooks import write_lke_template, write_register

DATA = Path(__file__).parent / "data" / "sample.toml"


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
    tpi: dict[str, tuple[str, str]] = field(default_factory=dict)  # the TPI's review: code -> (its answer or "", note)
    without_evidence: tuple[str, ...] = ()  # indicators left without evidence (all others cite some)


@dataclass(frozen=True)
class Document:
    """An evidence document every unit may hold: its file name, title, the indicators citing it, a PDF's body."""

    file: str
    title: str
    indicators: tuple[str, ...]
    body: str = ""  # HTML, for a PDF


def _load(path: Path = DATA) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


_DATA = _load()
MINISTRY = _DATA["ministry"]["name"]
MINISTRY_SHORT = _DATA["ministry"]["short"]
UPT = _DATA["unit_kinds"]["UPT"]
DIKLAT = _DATA["unit_kinds"]["DIKLAT"]
WBK_CATEGORY = _DATA["categories"]["WBK"]
WBBM_CATEGORY = _DATA["categories"]["WBBM"]
DOCUMENTS = {
    key: Document(d["file"], d["title"], tuple(d["indicators"]), d.get("body", ""))
    for key, d in _DATA["documents"].items()
}
ALL_DOCUMENTS = tuple(DOCUMENTS)
EXTRA_EVIDENCE = {(e["unit"], e["indicator"]): e["entry"] for e in _DATA["extra_evidence"]}
COMMON_NOTES = dict(_DATA["common_notes"])
WEB_EVIDENCE = _DATA["web_evidence"]["address"]
UNITS = [
    Unit(
        u["code"], u["name"], _DATA["unit_kinds"][u["kind"]], u["city"], u["province"], u["head"],
        u["proposed"], u["current"], u["result"], _DATA["categories"][u["proposed"]],
        tuple(Innovation(u["code"], i["name"], i["year"], i["description"]) for i in u.get("innovations", ())),
        wbk_year=str(u.get("wbk_year", "")),
    )
    for u in _DATA["units"]
]
PROFILES = {
    u["code"]: Profile(
        best=tuple(u["profile"]["best"]),
        ipak=u["profile"]["ipak"],
        capaian=u["profile"]["capaian"],
        ipkp=u["profile"]["ipkp"],
        counts={code: dict(enumerate(values, start=1)) for code, values in u["profile"]["counts"].items()},
        lke_file=u["profile"]["lke_file"],
        documents=tuple(u["profile"].get("documents", ALL_DOCUMENTS)),
        notes=dict(u["profile"].get("notes", {})),
        tpi={code: tuple(review) for code, review in u["profile"].get("tpi", {}).items()},
        without_evidence=tuple(u["profile"].get("without_evidence", ())),
    )
    for u in _DATA["units"]
}
PDF_STYLE = _DATA["pdf"]["style"]


def sample_award(year: int = 2024) -> Award:
    """The ceremony facts of the sample year."""
    award = _DATA["award"]
    return Award(
        year=year,
        ministry=MINISTRY,
        ministry_short=MINISTRY_SHORT,
        awarding_body=award["awarding_body"],
        ceremony_date=date(year, award["ceremony_month"], award["ceremony_day"]),
        ceremony_place=award["ceremony_place"],
        opened_by=award["opened_by"],
        attended_by=award["attended_by"],
        release_city=award["release_city"],
        proposal_date=date(year, award["proposal_month"], award["proposal_day"]),
        evaluation_date=date(year, award["evaluation_month"], award["evaluation_day"]),
        bpk_opinion=award["bpk_opinion"],
        sakip=award["sakip"],
    )


def sample_quotes() -> list[Quote]:
    """The officials' words for the press release."""
    return [Quote(q["name"], q["position"], q["text"]) for q in _DATA["quotes"]]


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
    for code in edition.indicators:
        if code not in evidence and code not in profile.without_evidence:
            evidence[code] = [WEB_EVIDENCE.format(unit=unit.code.lower(), year=year, indicator=code)]
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
    for code, (choice, note) in profile.tpi.items():
        answers[code] = replace(answers[code], tpi_choice=choice or None, tpi_note=note)
    return answers


def _draw(indicator: Indicator, best: tuple[float, ...], rng: random.Random) -> str:
    """Pick an option: the best with the profile's first chance, the next best with its second..."""
    ranked = sorted(indicator.options, key=lambda o: -(o.score or 0.0))
    roll, rank = rng.random(), 0
    if len(ranked) == 2:  # Ya/Tidak: "Tidak" (zero) is rarer than a middling letter
        return ranked[0].key if roll < (1 + best[0]) / 2 else ranked[1].key
    for rank, chance in enumerate(best):  # noqa: B007 (rank is read after the loop)
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
    write_register(folder / REGISTER, year, award, units, sample_quotes())
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
    for (code_unit, _indicator), entry in EXTRA_EVIDENCE.items():
        if code_unit == unit.code and entry.endswith(".docx"):
            _write_docx(bukti / entry, unit, year)
    return pdfs


def _pdf_page(document: Document, unit: Unit, profile: Profile, year: int) -> str:
    """One evidence document as a one-page HTML section, every value escaped."""
    e = html.escape
    body = document.body
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
<div class="contoh">{e(_DATA["pdf"]["disclaimer"])}</div>
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
        raise RuntimeError(_("sample evidence: expected {expected} one-page PDFs, rendered {pages} pages")
                           .format(expected=len(pages), pages=len(reader.pages)))
    for (path, _html), page in zip(pages, reader.pages):
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
    minutes = _DATA["minutes"]
    doc.add_heading(minutes["title"], level=1)
    doc.add_paragraph(f"{unit.name}, {MINISTRY}")
    doc.add_paragraph(f"Tanggal: {minutes['date'].format(year=year)}").add_run().add_break()
    doc.paragraphs[-1].add_run(f"Pimpinan rapat: {unit.head}")
    for point in minutes["points"]:
        doc.add_paragraph(point, style="List Number")
    doc.add_paragraph(_DATA["pdf"]["disclaimer"])
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalize_package(buffer.getvalue(), when))


def main(argv: list[str] | None = None) -> int:
    """Regenerate the sample year in WORKSPACE (default: the current folder)."""
    args = sys.argv[1:] if argv is None else argv
    workspace = Path(args[0]) if args else Path.cwd()
    folder = write_sample_year(workspace)
    print(_("Sample award year written to {folder}").format(folder=folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
