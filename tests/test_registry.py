"""The registry of document kinds: a kind declared there alone is built, listed, archived, verified
and named in the help of the commands that write it."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dossier.archive import archive_year
from dossier.archive_verify import verify_year
from dossier.build import build
from dossier.cli import cli
from dossier.documents import registry
from dossier.documents.kinds import DocumentKind, FromHtml, Job, Made
from dossier.render.templates import render
from dossier.workspace import Workspace

from .conftest import SAMPLE_YEAR


def render_note(job: Job) -> Made:
    """A throwaway document: one line naming the unit and its total score."""
    return Made(f"{job.score.unit.code} {job.score.total:.2f}\n".encode())


NOTE = DocumentKind("note-txt", "catatan/{unit}.txt", "txt", (), per_unit=True, render=render_note)


@pytest.fixture
def note_kind():
    registry.register(NOTE)
    yield NOTE
    registry.unregister(NOTE.kind)


@pytest.mark.slow
def test_a_kind_registered_alone_is_built_and_listed_in_the_manifest(sample, note_kind):
    ws = Workspace(sample)
    result = build(ws, SAMPLE_YEAR, formats=("txt",), year_documents=False, jobs=2)
    assert result.ok, result.failed

    out = ws.build_dir(SAMPLE_YEAR)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    codes = [u.code for u in ws.load(SAMPLE_YEAR).units]
    assert sorted(listed) == sorted(f"catatan/{code}.txt" for code in codes)
    for code in codes:
        entry = listed[f"catatan/{code}.txt"]
        assert (entry["kind"], entry["unit"]) == ("note-txt", code)
        assert (out / entry["path"]).read_text().startswith(f"{code} ")

    again = build(ws, SAMPLE_YEAR, formats=("txt",), year_documents=False, jobs=1)
    assert not again.built and len(again.reused) == len(codes)


def test_nothing_outside_the_documents_names_a_kind_or_its_files():
    """The build, the archive, the command line, the web workspace...: every module outside documents/ and
    every template reads the kinds from the registry, never a kind's name or the folder its files go to."""
    import dossier

    package = Path(dossier.__file__).parent
    sources = [p for p in package.rglob("*.py") if package / "documents" not in p.parents]
    sources += list((package.parent / "templates").glob("*.html")) + list((package / "web" / "templates").glob("*.html"))
    for kind in registry.KINDS:
        folder = kind.path.split("{unit}")[0] if kind.per_unit else None  # "dossier/", "paket/"...
        for source in sources:
            text = source.read_text(encoding="utf-8")
            assert kind.kind not in text, f"{source.relative_to(package.parent)} names the kind {kind.kind}"
            assert not folder or f'"{folder}' not in text, f"{source.relative_to(package.parent)} names {folder}"


# A new kind as a maintainer would add it: this module (its context and HTML), one template
# (written into the workspace's templates/ below) and one registry line (the fixture's register()).
# Nothing else in dossier changes: the build, the archive, its check and the help read the kind.
NOTE_TEMPLATE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>Nilai total {{ total }}.</p></body></html>
"""


def note_context(job: Job) -> dict:
    return {"title": f"Catatan unit {job.unit}", "ministry": job.award_year.award.ministry,
            "total": f"{job.score.total:.2f}"}


def note_html(env: jinja2.Environment, ctx: dict) -> str:
    return render(env, "catatan.html", ctx)


NOTE_PDF = DocumentKind("note-pdf", "catatan/{unit}.pdf", "pdf", ("catatan.html",), per_unit=True,
                        render=FromHtml("note", note_context, note_html, "pdf"), name="Note", description="each unit's note",
                        archived=True, required=True, label="Catatan penilaian unit")


@pytest.fixture
def only_the_note_kind():
    """The registry holding the new kind alone, so that archiving needs (and the test renders) only it."""
    kept = list(registry.KINDS)
    registry.KINDS[:] = []
    registry.register(NOTE_PDF)
    yield NOTE_PDF
    registry.KINDS[:] = kept


@pytest.mark.slow
def test_a_new_kind_is_built_archived_verified_and_named_in_the_help(sample, only_the_note_kind):
    (sample / "templates").mkdir()
    (sample / "templates" / "catatan.html").write_text(NOTE_TEMPLATE, encoding="utf-8")
    ws = Workspace(sample)
    result = build(ws, SAMPLE_YEAR, jobs=2)
    assert result.ok, result.failed
    codes = [u.code for u in ws.load(SAMPLE_YEAR).units]
    for code in codes:
        pdf = ws.build_dir(SAMPLE_YEAR) / f"catatan/{code}.pdf"
        assert f"Catatan unit {code}" in PdfReader(pdf).pages[0].extract_text()

    archived = archive_year(ws, SAMPLE_YEAR)
    assert sorted(f.path for f in archived.files) == sorted(f"catatan/{code}.pdf" for code in codes)
    assert not archived.warnings  # rendered as PDF/A, as the kind claims
    index = PdfReader(archived.path / "daftar-arsip.pdf")
    index_text = "".join(page.extract_text() for page in index.pages)
    assert index_text.count("Catatan penilaian unit") == len(codes)  # the kind's label names each file
    assert verify_year(ws, SAMPLE_YEAR, archived.fingerprint) == []
    verified = CliRunner().invoke(cli, ["-C", str(sample), "archive", "verify", "--sidik-jari", archived.fingerprint])
    assert verified.exit_code == 0, verified.output

    changed = archived.path / f"catatan/{codes[0]}.pdf"
    changed.write_bytes(changed.read_bytes() + b"%")
    assert [(f.where, f.kind) for f in verify_year(ws, SAMPLE_YEAR)] == [(f"archive/{SAMPLE_YEAR}/catatan/{codes[0]}.pdf",
                                                                         "changed")]
    refused = CliRunner().invoke(cli, ["-C", str(sample), "archive", "verify"])
    assert refused.exit_code == 1 and f"catatan/{codes[0]}.pdf: changed" in refused.output

    for command, named in (("build", True), ("report", False), ("umpan-balik", False)):
        shown = CliRunner().invoke(cli, [command, "--help"]).output
        assert ("each unit's note: catatan/<code>.pdf" in shown) is named, (command, shown)
    # The web workspace lists each unit's file under the kind's name.
    from dossier.web.app import _documents

    manifest = json.loads((ws.build_dir(SAMPLE_YEAR) / "manifest.json").read_text(encoding="utf-8"))
    listed = _documents([f for f in manifest["files"] if f["unit"] == codes[0]])
    assert [(d["name"], d["format"], d["path"]) for d in listed] == [("Note", "PDF", f"catatan/{codes[0]}.pdf")]


def test_a_year_without_a_required_kind_is_not_archived(sample, only_the_note_kind):
    """The archive asks for what the registry says a nomination needs, whatever its name."""
    from dossier.errors import ArchiveError

    (sample / "templates").mkdir()
    (sample / "templates" / "catatan.html").write_text(NOTE_TEMPLATE, encoding="utf-8")
    registry.register(DocumentKind("note-txt", "catatan/{unit}.txt", "txt", (), per_unit=True, render=render_note,
                                   archived=True, required=True))
    ws = Workspace(sample)
    assert build(ws, SAMPLE_YEAR, units=["UPT01"], formats=("pdf",), year_documents=False, jobs=1).ok
    with pytest.raises(ArchiveError) as failed:
        archive_year(ws, SAMPLE_YEAR)
    assert "unit UPT01: no note-txt listed" in failed.value.format_message()
    assert "note-pdf" not in failed.value.format_message()
    assert not ws.archive_dir(SAMPLE_YEAR).exists()


def test_each_command_names_what_it_writes_in_the_language_spoken(speak):
    """report names the cover letter and build every kind: read from the kinds, so the help cannot drift."""
    runner = CliRunner()
    english = {command: runner.invoke(cli, [command, "--help"]).output for command in ("build", "report", "umpan-balik")}
    for kind in registry.KINDS:
        path = kind.path.format(unit="<code>")
        assert path in english["build"], path
        assert (path in english["report"]) is ("report" in kind.commands), path
        assert (path in english["umpan-balik"]) is ("umpan-balik" in kind.commands), path
    assert "the cover letter (surat usulan): surat-usulan.pdf, surat-usulan.docx" in english["report"]

    speak("id")
    report = runner.invoke(cli, ["report", "--help"]).output
    assert "Menulis, di build/<tahun>/:" in report
    assert "surat usulan: surat-usulan.pdf, surat-usulan.docx" in report
    assert "rekapitulasi untuk pimpinan: rekapitulasi.pdf, rekapitulasi.xlsx" in report
    build_help = runner.invoke(cli, ["build", "--help"]).output
    assert "dokumen usulan setiap unit: dossier/<kode>.pdf, dossier/<kode>.docx" in build_help
    assert "laporan hasil evaluasi (LHE) TPI atas setiap unit: lhe/<kode>.pdf" in build_help


def test_a_kind_names_its_draft_in_the_archive_index_and_only_an_archived_per_unit_kind_has_one():
    kinds = registry.archived_kinds()
    dossier_pdf = kinds["dossier-pdf"]
    assert [dossier_pdf.index_label(p) for p in (True, False, None)] == ["Dokumen usulan unit", "Draf evaluasi",
                                                                         "Dokumen usulan unit"]
    assert kinds["lhe-pdf"].index_label(False) == kinds["lhe-pdf"].label  # the LHE is the evaluation either way
    assert kinds["packet-pdf"].index_label(False) == "Paket evaluasi beserta bukti dukung"  # as the dossier it embeds
    assert kinds["lhe-pdf"].required and kinds["lhe-pdf"].label
    with pytest.raises(ValueError, match="only an archived kind"):
        DocumentKind("x", "x/{unit}.txt", "txt", (), per_unit=True, render=render_note, draft_label="Draf")
    with pytest.raises(ValueError, match="only a per-unit kind"):
        DocumentKind("x", "x.txt", "txt", (), per_unit=False, render=render_note, archived=True, draft_label="Draf")
