"""The whole pipeline on the bundled sample year: outputs, manifest, facts in both formats."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dossier.build import build
from dossier.cli import cli
from dossier.digests import file_sha256
from dossier.documents import registry
from dossier.render.format import number
from dossier.workspace import Workspace

from .conftest import REPO, SAMPLE_YEAR, kinds_standing_in, needs
from .reading import docx_text, flat, pdf_text

KINDS = {"dossier-pdf", "dossier-docx", "packet-pdf", "recap-xlsx", "recap-pdf", "release-docx", "release-pdf",
         "feedback-xlsx", "feedback-pdf", "lhe-pdf", "lhe-docx",
         "letter-pdf", "letter-docx"}


def manifest(root: Path) -> dict:
    return json.loads((root / f"build/{SAMPLE_YEAR}/manifest.json").read_text())


def test_manifest_lists_every_output_with_its_hash(built_sample):
    data = manifest(built_sample)
    out = built_sample / f"build/{SAMPLE_YEAR}"
    assert {f["kind"] for f in data["files"]} == KINDS
    units = {f["unit"] for f in data["files"] if f["unit"]}
    assert len(units) == 6
    for entry in data["files"]:
        path = out / entry["path"]
        assert path.stat().st_size == entry["bytes"]
        assert file_sha256(path) == entry["sha256"]
    assert not list(out.rglob("*.part")), "no temporary files are left behind"


@needs("pdftotext")
def test_pdf_and_docx_of_a_unit_carry_the_same_facts(built_sample):
    from dossier.render.format import rounded_tree
    from dossier.scoring import score_unit
    from dossier.workspace import Workspace

    scores = json.loads(CliRunner().invoke(cli, ["-C", str(built_sample), "score", "--json"]).output)
    ws = Workspace(built_sample)
    year = ws.load(SAMPLE_YEAR)
    nodes = {u.code: score_unit(u, year.lke.get(u.code), ws.edition(SAMPLE_YEAR)).nodes for u in year.units}
    out = built_sample / f"build/{SAMPLE_YEAR}/dossier"
    for unit in scores["units"]:
        pdf = flat(pdf_text(out / f"{unit['code']}.pdf", "-layout"))
        word = flat(docx_text(out / f"{unit['code']}.docx"))
        # As printed: rounded top down, so each printed sum is the sum of its printed parts.
        tree = rounded_tree(nodes[unit["code"]])
        facts = [unit["name"], number(tree[("",)])]
        for area in unit["areas"]:
            facts += [number(tree[("Pengungkit", part, area["area"])]) for part in ("Pemenuhan", "Reform")]
        facts.append("Memenuhi syarat WBK" if "WBK" in unit["eligible"] else "Belum memenuhi syarat WBK")
        for fact in facts:
            assert fact in pdf, (unit["code"], fact)
            assert fact in word, (unit["code"], fact)


def test_dossier_has_pages_bookmarks_and_embedded_source_data(built_sample):
    path = built_sample / f"build/{SAMPLE_YEAR}/dossier/UPT01.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) > 8
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("Profil" in t for t in titles)
    assert any("Ringkasan" in t for t in titles)
    source = json.loads(reader.attachments["sumber-data.json"][0])
    assert source["unit"]["code"] == "UPT01"
    assert set(source["answers"]) == set(source["answers"]) and len(source["answers"]) == 113


def test_packet_pages_are_the_dossier_plus_evidence_plus_dividers(built_sample):
    out = built_sample / f"build/{SAMPLE_YEAR}"
    data = manifest(built_sample)
    pages = {(f["kind"], f["unit"]): f.get("pages") for f in data["files"]}
    for code in ("UPT01", "BD02"):
        dossier_pages = len(PdfReader(out / f"dossier/{code}.pdf").pages)
        packet = PdfReader(out / f"paket/{code}.pdf")
        assert pages[("packet-pdf", code)] == len(packet.pages)
        assert len(packet.pages) > dossier_pages
        top = [item.title for item in packet.outline if not isinstance(item, list)]
        assert top[0] == {"UPT01": "Dokumen Usulan", "BD02": "Dokumen Evaluasi"}[code]  # BD02 is not proposed
        assert len(top) > 1  # then one bookmark per area with evidence


def test_a_packet_is_titled_as_the_dossier_it_embeds(built_sample):
    """A unit the year does not propose has an evaluation dossier, and so an evaluation packet, never a proposal."""
    out = built_sample / f"build/{SAMPLE_YEAR}"
    seen = set()
    for dossier in sorted((out / "dossier").glob("*.pdf")):
        title = PdfReader(dossier).metadata["/Title"]
        kind = "Usulan" if title.startswith("Dokumen Usulan ") else "Evaluasi"
        assert title.startswith(f"Dokumen {kind} Zona Integritas – "), title
        packet = PdfReader(out / "paket" / dossier.name)
        assert packet.metadata["/Title"] == title.replace("Dokumen", "Paket", 1)
        assert packet.outline[0].title == f"Dokumen {kind}"
        seen.add(kind)
    assert seen == {"Usulan", "Evaluasi"}  # the sample has both (BD02 and UPT04 are not proposed)


@needs("qpdf")
def test_every_pdf_passes_qpdf_check(built_sample):
    for path in sorted((built_sample / f"build/{SAMPLE_YEAR}").rglob("*.pdf")):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (path.name, result.stdout[-500:], result.stderr[-500:])


@needs("soffice")
def test_libreoffice_converts_every_docx(built_sample, tmp_path):
    files = sorted((built_sample / f"build/{SAMPLE_YEAR}").rglob("*.docx"))
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for path in files:
        converted = tmp_path / (path.stem + ".pdf")
        assert converted.exists() and len(PdfReader(converted).pages) >= 1, path


@pytest.mark.render
def test_a_failing_unit_is_reported_and_the_others_still_build(sample):
    # A workspace template that only breaks for one unit.
    templates = sample / "templates"
    templates.mkdir()
    original = (REPO / "templates/dossier.html").read_text()
    (templates / "dossier.html").write_text(
        "{% if unit.code == 'BD02' %}{{ no_such_value }}{% endif %}" + original
    )
    with kinds_standing_in("dossier-pdf"):  # the dossier fails; the other kinds need not render to show it
        result = CliRunner().invoke(
            cli, ["-C", str(sample), "build", "--format", "pdf", "--jobs", "1", "--unit", "BD01", "--unit", "BD02"]
        )
    assert result.exit_code == 1
    assert "failed: BD02" in result.output
    assert "no_such_value" in result.output
    assert "Traceback" not in result.output
    built = {f["unit"] for f in manifest(sample)["files"] if f["kind"] == "dossier-pdf"}
    assert built == {"BD01"}


@pytest.mark.render
def test_a_unit_failing_to_render_keeps_the_recap_and_release_out_until_it_builds(sample):
    year_documents = {"rekapitulasi.pdf", "rilis.pdf"}
    out = sample / f"build/{SAMPLE_YEAR}"

    def run():
        with kinds_standing_in("dossier-pdf"):  # the dossier fails; the recap and release are only listed or not
            return build(Workspace(sample), SAMPLE_YEAR, units=["BD02"], formats=("pdf",), jobs=1)

    def listed() -> set[str]:
        return {f["path"] for f in manifest(sample)["files"]} & year_documents

    first = run()
    assert first.ok, first.failed
    assert listed() == year_documents and all((out / p).exists() for p in year_documents)

    # A workspace template that only breaks for one unit, while the recap's inputs stay as they were.
    templates = sample / "templates"
    templates.mkdir()
    original = (REPO / "templates/dossier.html").read_text()
    (templates / "dossier.html").write_text("{% if unit.code == 'BD02' %}{{ no_such_value.x }}{% endif %}" + original)
    broken = run()
    assert not broken.ok
    assert "no_such_value" in broken.failed["BD02"]
    for path in year_documents:
        assert "BD02" in broken.failed[path]
        assert not (out / path).exists()  # the older copy is removed too
    assert not {o.path for o in broken.built + broken.reused} & year_documents
    assert listed() == set()

    (templates / "dossier.html").unlink()
    fixed = run()
    assert fixed.ok, fixed.failed
    assert listed() == year_documents and all((out / p).exists() for p in year_documents)


def test_unknown_unit_is_refused_before_anything_is_built(sample):
    result = CliRunner().invoke(cli, ["-C", str(sample), "build", "--unit", "NOPE"])
    assert result.exit_code == 1
    assert "no unit with code NOPE" in result.output
    assert not (sample / "build").exists()


def test_build_is_byte_identical_in_another_folder(built_sample, tmp_path):
    # Every date inside the files comes from the award year, never the clock, so another day gives the same bytes too.
    # UPT01 has evidence of every type (PDF, JPEG, PNG and a Word file converted by LibreOffice): with the
    # year's documents, every kind is built again in the other folder.
    other = tmp_path / "elsewhere"
    shutil.copytree(REPO / "inputs", other / "inputs")
    shutil.copytree(REPO / "templates", other / "templates")  # same templates, another folder
    shutil.copy(built_sample / "dossier.toml", other / "dossier.toml")
    result = build(Workspace(other), SAMPLE_YEAR, units=["UPT01"], jobs=2)
    assert result.ok
    first = {f["path"]: f["sha256"] for f in manifest(built_sample)["files"]}
    second = {f["path"]: f["sha256"] for f in manifest(other)["files"]}
    assert {f["kind"] for f in manifest(other)["files"]} == {k.kind for k in registry.KINDS}
    assert second == {path: first[path] for path in second}


def test_the_built_sample_archives_as_pdfa_with_its_source_data_and_verifies(copy_of_built_sample):
    runner = CliRunner()
    result = runner.invoke(cli, ["-C", str(copy_of_built_sample), "archive"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    archive = copy_of_built_sample / f"archive/{SAMPLE_YEAR}"
    entries = json.loads((archive / "manifest.json").read_text())["files"]
    assert {e["kind"] for e in entries} == {"dossier-pdf", "packet-pdf", "lhe-pdf", "recap-pdf", "release-pdf", "letter-pdf"}  # the index embeds it
    assert (archive / "daftar-arsip.pdf").exists()

    reader = PdfReader(archive / "dossier/UPT04.pdf")
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.get_element("", "http://www.aiim.org/pdfa/ns/id/", "part") is not None
    assert "/OutputIntents" in reader.trailer["/Root"]
    source = json.loads(reader.attachments["sumber-data.json"][0])
    scores = json.loads(runner.invoke(cli, ["-C", str(copy_of_built_sample), "score", "--json"]).output)
    scored = next(u for u in scores["units"] if u["code"] == "UPT04")
    # The way to a predicate (`path`, `path_blocked`) is computed by `score`, not yet embedded by the build.
    assert source["scores"] == {k: v for k, v in scored.items() if k not in ("path", "path_blocked", "decision")}
    assert source["decision"] == scored["decision"] and not scored["decision"]["proposed"]

    assert runner.invoke(cli, ["-C", str(copy_of_built_sample), "archive", "verify"]).exit_code == 0
    again = runner.invoke(cli, ["-C", str(copy_of_built_sample), "archive"])
    assert again.exit_code == 1
    assert "already exists" in again.output


@pytest.mark.render
def test_a_missing_evidence_file_is_reported_but_does_not_block_the_unit(sample):
    missing = next((sample / f"inputs/{SAMPLE_YEAR}/bukti/BD02").glob("*.pdf"))
    missing.unlink()
    result = CliRunner().invoke(cli, ["-C", str(sample), "build", "--unit", "BD02", "--format", "pdf", "--jobs", "1"])
    assert f"BD02/{missing.name}" in result.output
    assert result.exit_code == 0 and "failed: BD02" not in result.output
    assert (sample / f"build/{SAMPLE_YEAR}/dossier/BD02.pdf").exists()
