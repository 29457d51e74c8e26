"""The nomination dossier: its context, and the PDF a reader and a checker see."""

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.config import Settings
from dossier.documents import dossier
from dossier.errors import RenderError
from dossier.model import Answer, Award, AwardYear, Evidence, Innovation, Lke, Unit
from dossier.render.format import number
from dossier.render.templates import environment, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit
from tests.reading import flat, pdf_text

EDITION = load_edition("2021")
HOSTILE = 'Sentra <b>"Maju" & Co</b>'
CREATED = datetime(2024, 1, 1, tzinfo=UTC)
SECTIONS = [
    "1. Profil Unit Kerja",
    "2. Ringkasan Penilaian LKE",
    "3. Jawaban Lembar Kerja Evaluasi",
    "4. Indeks Bukti Dukung",
    "5. Hasil Survei",
    "6. Surat Pernyataan",
]


def award_year(tmp: Path, name: str = HOSTILE, proposed: str = "WBK", choose=None) -> tuple[AwardYear, object]:
    """An award year with one unit whose LKE answers every indicator of the 2021 edition."""
    bukti = tmp / "bukti"
    bukti.mkdir(exist_ok=True)
    (bukti / "sk-tim.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    award = Award(2024, "Kementerian Contoh Sejahtera", "Kemencontoh", "Kementerian PAN-RB", date(2024, 12, 12),
                  "Jakarta", "Menteri PAN-RB", "Sekretaris Jenderal", "Jakarta", proposal_date=date(2024, 11, 20))
    unit = Unit("ST01", name, "Sentra", "Bekasi", "Jawa Barat", "Dr. Rina Wulandari", proposed, "", "", "",
                (Innovation("ST01", "Layanan {{ 7*7 }}", "2024", '<img src="file:///etc/passwd"> uraian'),))
    answers = {}
    for i, (code, indicator) in enumerate(EDITION.indicators.items()):
        evidence = (Evidence("sk-tim.pdf", path=bukti / "sk-tim.pdf", present=True),) if i % 4 == 0 else ()
        if indicator.kind == "index":
            answers[code] = Answer(code, index=3.72, evidence=evidence)
        elif indicator.kind == "count":
            answers[code] = Answer(code, counts={int(o.key): 10 - int(o.key) for o in indicator.options})
        else:
            keys = indicator.option_keys
            pick = choose(i, keys) if choose else keys[i % 2]
            answers[code] = Answer(code, choice=pick, note="Catatan {{ 7*7 }}" if i == 1 else "", evidence=evidence)
    answers["PPA1A"] = Answer("PPA1A", choice="Ya", evidence=(Evidence("https://contoh.go.id/sk", url=True),
                                                             Evidence("hilang.pdf")))
    lke = Lke("ST01", "lke/ST01.xlsx", answers)
    year = AwardYear(2024, "2021", tmp, award, [unit], [], {"ST01": lke})
    return year, score_unit(unit, lke, EDITION)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dossier")
    year, score = award_year(tmp)
    ctx = dossier.context(year, score, Settings(tpi_lead="Ir. Bambang Sutrisno", tpi_nip="196805121994031002"))
    env = environment(None)
    roots = [*static_dirs(None), year.bukti]
    pdf = dossier.pdf(env, ctx, allowed_roots=roots, created=CREATED)
    path = tmp / "ST01.pdf"
    path.write_bytes(pdf)
    return {"year": year, "score": score, "ctx": ctx, "env": env, "roots": roots, "pdf": pdf, "path": path}


def text_of(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return flat(pdf_text(path, "-layout"))


def outline_titles(reader: PdfReader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(reader.outline)
    return titles


@pytest.mark.render
def test_context_holds_computed_scores_and_plain_eligibility(rendered):
    ctx, score = rendered["ctx"], rendered["score"]
    assert ctx["summary"][-1]["score"] == pytest.approx(score.total)
    # Aiming at WBK: the unit is told about WBK only, never that it misses WBBM.
    assert [e["predicate"] for e in ctx["eligibility"]] == ["WBK"]
    area_rows = [r for r in ctx["summary"] if r["level"] == 1 and r["kind"] == "item"]
    assert [r["checks"]["WBK"]["minimum"] for r in area_rows[:2]] == [None, None]  # six areas: no minimum per half
    # ... but each of the six areas, Pemenuhan and Reform together, against its minimum, as the rule applies.
    areas = [r for r in area_rows if r["label"].startswith("Area ")]
    assert len(areas) == 6 and all(r["checks"]["WBK"]["minimum"] == pytest.approx(0.6 * r["weight"]) for r in areas)
    assert sum(len(s["indicators"]) for p in ctx["lke"] for a in p["areas"] for s in a["sub_areas"]) == 113
    # Dated with Tanggal Usulan, not the ceremony's date.
    assert ctx["statement"]["date"] == "20 November 2024" and ctx["statement"]["city"] == "Jakarta"
    assert ctx["target"] == "Menuju Wilayah Bebas dari Korupsi (WBK)"


def test_every_shortfall_of_the_proposed_predicate_has_its_gap(tmp_path):
    # Every option at its lowest-but-one: the unit misses WBK on several rules.
    year, score = award_year(tmp_path, "Balai Uji", choose=lambda i, keys: keys[1])
    ctx = dossier.context(year, score, Settings())
    assert len(ctx["shortfalls"]) == len(score.proposed_shortfalls) > 0
    total = next(s for s in ctx["shortfalls"] if s["label"] == "Nilai Total")
    assert total["required"] == "75,00" and total["gap"] == f"kurang {number(75.0 - score.total)}"
    assert ctx["eligibility"][0]["text"] == f"Belum memenuhi syarat WBK: {len(ctx['shortfalls'])} syarat belum terpenuhi"


@pytest.mark.render
def test_pdf_text_shows_names_scores_and_eligibility(rendered):
    text = text_of(rendered["path"])
    score = rendered["score"]
    assert HOSTILE in text  # literally, tags and all
    assert "Layanan {{ 7*7 }}" in text and "Catatan: Catatan {{ 7*7 }}" in text
    assert '<img src="file:///etc/passwd"> uraian' in text
    assert number(score.total) in text and re.fullmatch(r"\d+,\d\d", number(score.total))
    for part in score.area_parts():
        assert number(part.score) in text, part.name
    for statement in rendered["ctx"]["eligibility"]:
        assert statement["text"] in text
    assert "Jakarta, 20 November 2024" in text and "12 Desember" not in text and "Halaman 2 dari" in text
    assert "hilang.pdf" in text and "tidak ada" in text and "tautan" in text


@pytest.mark.render
def test_pdf_has_pages_and_a_bookmark_per_section(rendered):
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    assert 12 <= len(reader.pages) <= 30
    titles = outline_titles(reader)
    for section in SECTIONS:
        assert section in titles
    assert "Pengungkit – Pemenuhan" in titles and "Manajemen Perubahan" in titles


@pytest.mark.render
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_pdf_embeds_every_font(rendered):
    out = subprocess.run(["pdffonts", str(rendered["path"])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out


@pytest.mark.render
@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_pdf_passes_qpdf_check(rendered):
    subprocess.run(["qpdf", "--check", str(rendered["path"])], capture_output=True, check=True)


@pytest.mark.render
def test_pdf_is_byte_identical_when_rendered_again(rendered):
    again = dossier.pdf(rendered["env"], rendered["ctx"], allowed_roots=rendered["roots"], created=CREATED)
    assert again == rendered["pdf"]


@pytest.mark.render
def test_a_template_reaching_outside_fails_with_render_error(rendered, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "dossier.html").write_text(
        '{% extends "base.html" %}{% block content %}<img src="file:///etc/passwd">{% endblock %}', encoding="utf-8"
    )
    env = environment(folder)
    with pytest.raises(RenderError, match="/etc/passwd"):
        dossier.pdf(env, rendered["ctx"], allowed_roots=[*static_dirs(folder), rendered["year"].bukti], created=CREATED)


@pytest.mark.parametrize("which", [0, 1, -1])
def test_source_data_keeps_a_tpi_note_on_an_unanswered_question(which):
    """The LKE reader keeps a TPI note on a question the unit left blank; the source JSON carries it (it used to crash)."""
    import json

    from dossier.sample import sample_answers, sample_units

    edition = load_edition()
    unit = sample_units()[0]
    answers = dict(sample_answers(edition)[unit.code])
    code = list(edition.indicators)[which]
    answers[code] = Answer(code, tpi_note="Belum dijawab; lengkapi.")
    score = score_unit(unit, Lke(unit.code, "lke.xlsx", answers), edition)
    entry = json.loads(dossier.source_data(score))["answers"][code]
    assert entry["tpi"] == {"choice": None, "counts": None, "index": None, "note": "Belum dijawab; lengkapi."}
    assert (entry["choice"], entry["counts"], entry["index"], entry["fraction"]) == (None, None, None, 0.0)
    # An answer neither given nor noted stays null, as before.
    other = list(edition.indicators)[which + 1 if which >= 0 else which - 1]
    del answers[other]
    score = score_unit(unit, Lke(unit.code, "lke.xlsx", answers), edition)
    assert json.loads(dossier.source_data(score))["answers"][other] is None
