"""The packet's divider pages: kept by their content between builds, laid out with fixed column widths."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import dossier.documents.packet
from dossier.documents.packet import DIVIDER_CACHE, DividerCache, make_packet
from dossier.render.kept import file_name
from dossier.render.templates import environment, render, static_dirs
from dossier.rules import load_edition
from dossier.scoring import score_unit

from .reading import pdf_text
from .test_packet import ALL, CREATED, UNIT, award_year, pdf_pages, workspace  # noqa: F401 (the fixture)

pytestmark = pytest.mark.render


def packet(root: Path, answers=ALL, *, choice: str = "A", dossier_pages: int = 3, folder: Path | None = None):
    """One unit's packet whose answers name `answers`' evidence, every answer `choice`."""
    year = award_year(root, answers)
    lke = year.lke[UNIT.code]
    for code, answer in lke.answers.items():
        if code != "PPA1A":  # PPA1A is answered Ya/Tidak
            lke.answers[code] = dataclasses.replace(answer, choice=choice)
    score = score_unit(UNIT, lke, load_edition())
    source = PdfReader(io.BytesIO((root / "dossier.pdf").read_bytes()))
    writer = PdfWriter()
    for index in range(dossier_pages):
        writer.add_page(source.pages[index % len(source.pages)])
    dossier = io.BytesIO()
    writer.write(dossier)
    return make_packet(dossier.getvalue(), score, year, environment(None),
                       allowed_roots=[*static_dirs(None), year.bukti], created=CREATED, divider_cache=folder)


@pytest.fixture
def renders(monkeypatch):
    """The markups WeasyPrint was given to lay out (the real renderer still renders each)."""
    seen: list[str] = []
    for name in ("html_to_pdf", "lay_out"):
        real = getattr(dossier.documents.packet, name)

        def counting(html, real=real, **options):
            seen.append(html)
            return real(html, **options)

        monkeypatch.setattr(dossier.documents.packet, name, counting)
    return seen


@pytest.fixture
def writes(monkeypatch):
    """The markups of the laid-out documents written as PDF."""
    from dossier.render.pdf import LaidOut

    seen: list[str] = []
    real = LaidOut.pdf

    def counting(self, **options):
        seen.append(self.html)
        return real(self, **options)

    monkeypatch.setattr(LaidOut, "pdf", counting)
    return seen


def divider_renders(seen: list[str]) -> int:
    return sum(1 for html in seen if "Pembatas Bukti Dukung" in html)


@pytest.mark.parametrize("choice", ["B", "C", "D"])
def test_a_rebuild_where_only_answers_changed_renders_no_divider(workspace, tmp_path, renders, choice):  # noqa: F811
    first = packet(workspace, choice="A", folder=tmp_path / "kept")
    assert divider_renders(renders) >= 1
    renders.clear()
    again = packet(workspace, choice=choice, folder=tmp_path / "kept")
    assert divider_renders(renders) == 0
    # The same pages as a packet whose dividers were rendered afresh.
    fresh = packet(workspace, choice=choice, folder=tmp_path / "empty")
    assert again.data == fresh.data
    assert again.divider_pages == first.divider_pages


def test_dividers_laid_out_again_for_their_page_numbers_are_written_once(workspace, tmp_path, renders,  # noqa: F811
                                                                           writes):
    """The first layout finds how long each divider is; only the layout with the right numbers becomes PDF."""
    # Sixty files not found, then one embedded: the first divider takes pages, so the file's page number moves.
    listed = tuple(f"BP01/tidak-ada-{i}.pdf" for i in range(60)) + ("BP01/sk-tim.pdf",)
    made = packet(workspace, answers={"PPA1A": listed}, folder=tmp_path / "numbered")
    assert made.areas[0].divider_pages > 1
    assert divider_renders(renders) == 2
    assert divider_renders(writes) == 1 and writes[-1] == [h for h in renders if "Pembatas Bukti Dukung" in h][-1]
    assert len(PdfReader(io.BytesIO(made.data)).pages) == made.pages
    renders.clear()
    writes.clear()
    # Nothing embedded, so no number to move: the first layout is the final one, laid out once.
    bare = packet(workspace, answers={"PPA1A": ()}, folder=tmp_path / "bare")
    assert bare.divider_pages > 1
    assert divider_renders(renders) == 1 and divider_renders(writes) == 1


@pytest.mark.parametrize("pages", [4, 7])
def test_dividers_are_rendered_again_when_what_they_show_changes(workspace, tmp_path, renders, pages):  # noqa: F811
    packet(workspace, folder=tmp_path / "kept")
    renders.clear()
    moved = packet(workspace, dossier_pages=pages, folder=tmp_path / "kept")  # every page number moves
    assert divider_renders(renders) >= 1
    reader = PdfReader(io.BytesIO(moved.data))
    divider = reader.pages[pages].extract_text()
    first_embedded = next(d for a in moved.areas for d in a.documents if d.embedded)
    assert first_embedded.first_page > pages
    assert f"hlm. {first_embedded.first_page}" in divider
    fewer = packet(workspace, answers={"PPA1A": ("BP01/sk-tim.pdf",)}, folder=tmp_path / "kept")
    assert "sk-tim.pdf" in PdfReader(io.BytesIO(fewer.data)).pages[3].extract_text()
    assert "rencana-kerja" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(fewer.data)).pages[3:5])


@pytest.mark.parametrize("damage", ["zeroed", "other-pdf", "truncated", "forged"])
def test_a_kept_divider_that_no_longer_carries_its_seal_is_rendered_again(workspace, tmp_path, renders,  # noqa: F811
                                                                          damage):
    """Damaged, replaced, or replaced and renamed to its own SHA-256 (as anyone with write access to build/ could)."""
    kept = tmp_path / "kept"
    first = packet(workspace, folder=kept)
    for path in kept.glob("*.pdf"):
        data = path.read_bytes()
        other = pdf_pages()["Profil"]
        path.write_bytes({"zeroed": bytes(len(data)), "other-pdf": other, "forged": other,
                          "truncated": data[: len(data) // 2]}[damage])
        if damage == "forged":
            path.rename(path.with_name(f"{path.name.split('.')[0]}.{hashlib.sha256(other).hexdigest()}.pdf"))
    renders.clear()
    again = packet(workspace, folder=kept)
    assert divider_renders(renders) >= 1
    assert again.data == first.data
    for path in kept.glob("*.pdf"):  # what is kept is again what its name says, under our seal
        assert path.name == file_name(path.name.split(".")[0], path.read_bytes())


def test_only_the_renderings_a_packet_used_are_kept_in_its_units_folder(workspace):  # noqa: F811
    folder = workspace / "build" / "2024" / DIVIDER_CACHE / UNIT.code
    shutil.rmtree(folder, ignore_errors=True)
    packet(workspace)  # the default place: build/<year>/.paket-pembatas/<code>
    first = set(folder.glob("*.pdf"))
    assert first
    packet(workspace, dossier_pages=5)
    second = set(folder.glob("*.pdf"))
    assert second and not first & second


def test_the_key_is_what_the_pages_show_and_what_makes_their_bytes(tmp_path):
    env = environment(None)
    font = tmp_path / "font.ttf"
    shutil.copy(static_dirs(None)[-1] / "fonts" / "LiberationSans-Regular.ttf", font)
    html = f'<style>@font-face {{ src: url("{font.as_uri()}"); }}</style><p>hlm. 4</p>'
    meta = {"title": "T", "author": "A", "created": CREATED}
    cache = DividerCache(None)
    key = cache.key(env, html, **meta)
    assert cache.key(env, html, **meta) == key
    assert cache.key(env, html.replace("hlm. 4", "hlm. 5"), **meta) != key
    assert cache.key(env, html, **{**meta, "title": "U"}) != key
    assert cache.key(env, html, **{**meta, "created": CREATED.replace(year=2025)}) != key
    # The same font elsewhere (a moved workspace) is the same key; other bytes are not.
    moved = tmp_path / "moved.ttf"
    shutil.copy(font, moved)
    assert cache.key(env, html.replace(font.as_uri(), moved.as_uri()), **meta) == key
    font.write_bytes(font.read_bytes()[:-1] + b"\0")  # the font the markup loads
    assert cache.key(env, html, **meta) != key
    # A workspace's own divider template (or base.html) changes the key, even for the same markup.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "packet-divider.html").write_text('{% extends "base.html" %}{# mine #}', encoding="utf-8")
    font.write_bytes((static_dirs(None)[-1] / "fonts" / "LiberationSans-Regular.ttf").read_bytes())
    assert cache.key(env, html, **meta) == key
    assert cache.key(environment(templates), html, **meta) != key


def x_of(data: bytes, page: int, word: str) -> float:
    """Where `word` starts on a page (1-based), in points from the left, as poppler lays the text out."""
    out = pdf_text(data, "-bbox", "-f", str(page), "-l", str(page))
    found = re.findall(r'<word xMin="([0-9.]+)"[^>]*>' + re.escape(word) + "</word>", out)
    assert found, (word, out[:2000])
    return round(float(found[0]), 1)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_divider_tables_have_fixed_column_widths_whatever_their_contents(workspace):  # noqa: F811
    html = render(environment(None), "packet-divider.html", {
        "title": "T", "document_title": "T", "ministry": "M", "year": 2024, "unit": {"code": "X", "name": "X"},
        "dividers": [],
    })
    assert "table-layout: fixed" in html
    short = packet(workspace, answers={"PPA1A": ("BP01/sk-tim.pdf",)})
    long = packet(workspace, answers={"PPA1A": ("BP01/" + "nama-berkas-yang-sangat-panjang-" * 6 + ".pdf",)})
    bare = packet(workspace, answers={"PPA1A": ()})
    columns = [(x_of(p.data, 4, "Dokumen"), x_of(p.data, 4, "Keterangan")) for p in (short, long)]
    assert columns[0] == columns[1]
    # The list of indicators without evidence has its own, narrower status column.
    question, status = x_of(bare.data, 4, "Pertanyaan"), x_of(bare.data, 4, "Keterangan")
    assert question == columns[0][0] and status > columns[0][1]
