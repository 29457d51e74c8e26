"""The per-year archive: copying, the manifest and index, refusal, --force, verification, PDF/A checks."""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML, Attachment

from dossier import __version__, archive
from dossier.archive import archive_year, source_hash
from dossier.archive_verify import format_findings, verify_year
from dossier.digests import sha256
from dossier.documents import dossier as documents
from dossier.documents import registry
from dossier.errors import ArchiveError
from dossier.incremental import CACHE, Dependencies, write_cache
from dossier.output import Output, write_manifest
from dossier.rules import load_edition
from dossier.scoring import score_unit
from dossier.workspace import Workspace
from tests.reading import pdf_text

YEAR = 2024
CREATED = datetime(YEAR, 1, 1, tzinfo=UTC)
HOSTILE = 'Sentra <b>"Maju" & Co</b> {{ 7*7 }}'


# The units the synthetic builds hold, with their names in the register: `archive` reads the
# inputs again and each dossier's sumber-data.json must be what they give (issue 21).
NAMES = {"UPT01": "Balai Contoh Sentosa", "UPT02": "Loka Contoh Makmur"}


def real_inputs(root: Path, codes) -> Path:
    """A real inputs/2024 (register, one LKE per unit, evidence) for the units `codes`, named as NAMES says.

    Written once per set of units and copied, so every workspace's inputs have the same bytes (and hash).
    """
    inputs = root / "inputs" / str(YEAR)
    shutil.copytree(_written_inputs(tuple(codes)), inputs)
    return inputs


@functools.cache
def _written_inputs(codes: tuple[str, ...]) -> Path:
    import tempfile

    from openpyxl import load_workbook

    from tests.workbook_factory import write_year

    folder = tempfile.mkdtemp(prefix="archive-inputs-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # kept for the session, like the cache
    inputs = write_year(Path(folder), units=codes)
    book = load_workbook(inputs / "nominasi.xlsx")
    for row in book["Unit"].iter_rows(min_row=2):
        row[1].value = NAMES[row[0].value]
    book["Inovasi"].delete_rows(2)  # no innovation: a unit's source data is then the same alone or beside others
    book.save(inputs / "nominasi.xlsx")
    return inputs


def source_data(code: str, name: str, *, year: int = YEAR) -> bytes:
    """A unit's real sumber-data.json, read and scored from real inputs as `dossier build` does."""
    import tempfile

    assert NAMES[code] == name
    with tempfile.TemporaryDirectory() as folder:
        real_inputs(Path(folder), [code])
        award_year = Workspace(Path(folder)).load(YEAR)
        unit = next(u for u in award_year.units if u.code == code)
        score = score_unit(unit, award_year.lke[code], load_edition("2021"))
        return documents.source_data(score, year)


def _dossier_pdf(code: str, name: str, source: bytes) -> bytes:
    return _pdfa(
        f"<h1>Dokumen Usulan {code}</h1><p>{name}</p>",
        [Attachment(string=source.decode("utf-8"), name="sumber-data.json", description=f"Data sumber unit {code}",
                    relationship="Data", created=CREATED, modified=CREATED)],
    )


def _pdfa(body: str, attachments=()) -> bytes:
    """A small PDF/A-3b document, as the build renders them."""
    document = HTML(string=f"<html lang='id'><title>Uji</title><body>{body}</body></html>").render()
    document.metadata.created = "2024-01-01T00:00:00Z"
    return document.write_pdf(pdf_variant="pdf/a-3b", attachments=list(attachments))


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    dossier = _dossier_pdf("UPT01", "Balai Contoh Sentosa", source_data("UPT01", "Balai Contoh Sentosa"))
    writer = PdfWriter()  # the packet: the dossier, then an evidence file that is not PDF/A
    writer.append(PdfReader(io.BytesIO(dossier)))
    writer.add_blank_page(width=595, height=842)
    packet = io.BytesIO()
    writer.write(packet)
    year_document = _pdfa("<h1>Rekapitulasi dan Rilis</h1>")  # one rendering serves both: only bytes matter here
    return {
        "dossier/UPT01.pdf": dossier,
        "paket/UPT01.pdf": packet.getvalue(),
        "lhe/UPT01.pdf": _pdfa("<h1>Laporan Hasil Evaluasi UPT01</h1>"),
        "rekapitulasi.pdf": year_document,
        "rilis.pdf": year_document + b"\n",
    }


KINDS = {
    "dossier/UPT01.pdf": ("dossier-pdf", "UPT01"),
    "dossier/UPT01.docx": ("dossier-docx", "UPT01"),
    "paket/UPT01.pdf": ("packet-pdf", "UPT01"),
    "lhe/UPT01.pdf": ("lhe-pdf", "UPT01"),
    "rekapitulasi.pdf": ("recap-pdf", ""),
    "rekapitulasi.xlsx": ("recap-xlsx", ""),
    "rilis.pdf": ("release-pdf", ""),
}


def make_workspace(root: Path, pdfs: dict[str, bytes], *, extra_build: dict | None = None) -> Workspace:
    """A workspace with inputs/2024 and a finished build/2024 (PDFs, a DOCX, an XLSX and the manifest), and the
    build's record of the key each file was made under (its cache), as `dossier build` gives them for these inputs."""
    codes = tuple(sorted({rel.split("/")[1].removesuffix(".pdf") for rel in pdfs if rel.startswith("dossier/")}))
    real_inputs(root, codes)
    build = root / "build" / str(YEAR)
    files = {**pdfs, "dossier/UPT01.docx": b"PK docx", "rekapitulasi.xlsx": b"PK xlsx"}
    entries = []
    for rel, data in files.items():
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_bytes(data)
        kind, unit = KINDS[rel]
        entries.append(Output(rel, kind, unit, len(data), sha256(data), pages=1 if rel.endswith(".pdf") else None))
    write_manifest(build / "manifest.json", YEAR, entries, {"edition": "2021", "tool": __version__, **(extra_build or {})})
    workspace = Workspace(root)
    keys = _keys(workspace, codes, tuple((e.kind, e.unit) for e in entries))
    write_cache(build, [replace(e, key=keys[e.kind, e.unit]) for e in entries], "")
    return workspace


_KEYS: dict[tuple, dict[tuple[str, str], str]] = {}


def _keys(workspace: Workspace, codes: tuple[str, ...], outputs: tuple[tuple[str, str], ...]) -> dict[tuple[str, str], str]:
    """The key `dossier build` gives each (kind, unit) over these inputs, made once per set of units: every
    workspace of them holds the same bytes (real_inputs), and no settings or templates of its own."""
    if (codes, outputs) not in _KEYS:
        year, edition = workspace.load(YEAR), workspace.edition(YEAR)
        scores = {u.code: score_unit(u, year.lke.get(u.code), edition) for u in year.units}
        depends = Dependencies(workspace, year, edition, list(scores.values()))
        kinds = {k.kind: k for k in registry.KINDS}
        _KEYS[codes, outputs] = {(kind, unit): depends.key(kinds[kind], scores.get(unit)) for kind, unit in outputs}
    return _KEYS[codes, outputs]


@pytest.fixture
def ws(tmp_path, pdfs) -> Workspace:
    return make_workspace(tmp_path / "kerja", pdfs)


@pytest.fixture(scope="module")
def archived_once(tmp_path_factory, pdfs) -> Workspace:
    """A workspace archived once per module (rendering the index is the slow part); tests copy it."""
    ws = make_workspace(tmp_path_factory.mktemp("archived") / "kerja", pdfs)
    archive_year(ws, YEAR)
    return ws


@pytest.fixture
def archived(tmp_path, archived_once) -> Workspace:
    """A fresh copy of a workspace whose year 2024 is archived."""
    shutil.copytree(archived_once.root, tmp_path / "kerja")
    return Workspace(tmp_path / "kerja")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(ws: Workspace) -> list[str]:
    return sorted(p.name for p in (ws.root / "archive").iterdir() if p.name != str(YEAR))


# --- archiving ----------------------------------------------------------------------------


def test_archive_copies_the_final_pdfs_byte_for_byte(ws, pdfs):
    result = archive_year(ws, YEAR)

    folder = ws.root / "archive" / "2024"
    assert result.path == folder
    files = tree(folder)
    assert set(files) == set(pdfs) | {"manifest.json", "daftar-arsip.pdf"}
    for rel, data in pdfs.items():
        assert files[rel] == data
    assert result.warnings == []


def test_manifest_lists_every_file_with_kind_unit_size_hash_edition_tool_and_source_hash(archived, pdfs):

    folder = archived.archive_dir(YEAR)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == YEAR
    assert manifest["edition"] == "2021"
    assert manifest["tool"] == __version__
    assert manifest["source_hash"] == source_hash(archived.inputs(YEAR))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(pdfs)  # the index embeds the manifest, so it cannot be listed in it
    assert listed["dossier/UPT01.pdf"]["kind"] == "dossier-pdf"
    assert listed["dossier/UPT01.pdf"]["unit"] == "UPT01"
    assert listed["rilis.pdf"]["unit"] is None
    for rel, entry in listed.items():
        data = (folder / rel).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_source_hash_is_the_hash_of_a_sha256sum_listing_of_the_inputs(ws):
    inputs = ws.inputs(YEAR)
    files = ("bukti/BP/foto.png", "bukti/BP/rencana.pdf", "bukti/BP/sk-tim.pdf", "lke/LKE UPT01.xlsx", "nominasi.xlsx")
    assert sorted(p.relative_to(inputs).as_posix() for p in inputs.rglob("*") if p.is_file()) == list(files)
    listing = "".join(f"{hashlib.sha256((inputs / rel).read_bytes()).hexdigest()}  {rel}\n" for rel in files)
    assert source_hash(inputs) == hashlib.sha256(listing.encode()).hexdigest()

    before = source_hash(inputs)
    (inputs / "lke" / "LKE UPT01.xlsx").rename(inputs / "lke" / "LKE UPT02.xlsx")
    assert source_hash(inputs) != before


def test_archive_is_byte_identical_in_another_folder(tmp_path, pdfs, archived_once):
    elsewhere = make_workspace(tmp_path / "folder" / "lain", pdfs)

    archive_year(elsewhere, YEAR)

    assert tree(elsewhere.archive_dir(YEAR)) == tree(archived_once.archive_dir(YEAR))


def test_index_is_a_pdfa_listing_every_file_and_its_hash(archived, pdfs):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    index = archived.archive_dir(YEAR) / "daftar-arsip.pdf"

    text = pdf_text(index, "-layout")
    assert "Daftar Arsip Dokumen Zona Integritas Tahun 2024" in text
    assert re.search(r"Halaman 1 dari 1", text)
    flat = re.sub(r"\s+", "", text)
    for rel, data in pdfs.items():
        assert rel in text
        assert hashlib.sha256(data).hexdigest() in flat
    assert "Paket evaluasi" in text and "Rekapitulasi penilaian" in text  # UPT01's packet, as its dossier (not proposed)
    assert _xmp(index.read_bytes()).count('pdfaid:part="3"') == 1


def test_a_manifest_naming_units_the_register_lacks_is_refused_literally(tmp_path, pdfs):
    # A hostile unit code can no longer reach the index: the archive reads the register again, and a
    # manifest filing documents under a unit it does not have is refused (the code shown as written).
    ws = make_workspace(tmp_path, pdfs)
    manifest_path = ws.build_dir(YEAR) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["unit"] == "UPT01":
            entry["unit"] = HOSTILE
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(ArchiveError) as refused:
        archive_year(ws, YEAR)
    assert f"unit {HOSTILE}: its dossier is built, but the register no longer has the unit" in refused.value.message
    assert "unit UPT01: in the register, but no dossier of it is built" in refused.value.message
    assert not ws.archive_dir(YEAR).exists()


def test_a_build_file_that_does_not_match_its_manifest_is_refused(ws):
    target = ws.build_dir(YEAR) / "rilis.pdf"
    target.write_bytes(target.read_bytes() + b"\n%tampered")

    with pytest.raises(ArchiveError) as error:
        archive_year(ws, YEAR)

    message = error.value.format_message()
    assert "build/2024: 1 file does not match manifest.json; rebuild first ('dossier build --year 2024')" in message
    assert "build/2024/rilis.pdf: expected" in message
    assert not (ws.root / "archive" / "2024").exists()
    assert leftovers(ws) == []


def test_a_build_without_the_release_pdf_is_refused(ws):
    manifest_path = ws.build_dir(YEAR) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["kind"] != "release-pdf"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(ArchiveError, match=r"not complete enough to archive(.|\n)*no release-pdf listed"):
        archive_year(ws, YEAR)


def test_a_build_manifest_path_outside_the_build_folder_is_refused(ws):
    manifest_path = ws.build_dir(YEAR) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["path"] == "rilis.pdf":
            entry["path"] = "../../inputs/2024/nominasi.xlsx"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(ArchiveError, match=r"'\.\./\.\./inputs/2024/nominasi\.xlsx': not a path inside build/2024"):
        archive_year(ws, YEAR)


def test_a_missing_build_is_refused(tmp_path):
    (tmp_path / "inputs" / "2024").mkdir(parents=True)

    with pytest.raises(ArchiveError, match=r"build/2024/manifest.json: missing or unreadable.*dossier build --year 2024"):
        archive_year(Workspace(tmp_path), YEAR)


def test_inputs_changed_since_the_build_are_refused(tmp_path, pdfs):
    ws = make_workspace(tmp_path, pdfs, extra_build={"source_hash": "0" * 64})

    with pytest.raises(ArchiveError, match=r"inputs/2024: the inputs changed since build/2024 was built"):
        archive_year(ws, YEAR)


@pytest.mark.parametrize("sheet, label, value", [("Unit", "Kota", "Bitung Timur"), ("Penghargaan", "Tempat Penyerahan",
                                                                                  "Gedung Baru, Jakarta")])
def test_documents_made_before_the_inputs_changed_are_refused_though_the_manifest_says_otherwise(tmp_path, pdfs, sheet,
                                                                                                 label, value):
    """Regression: the register changed, then only the dossier and the year's documents were built (each build
    writes the manifest's source hash anew): archive sealed the old LHE and packet beside them, which still
    named the earlier predicate and date. Each file must have been made under the key the inputs give now."""
    ws = make_workspace(tmp_path, pdfs)
    register = ws.inputs(YEAR) / "nominasi.xlsx"
    book = load_workbook(register)
    rows = book[sheet]
    if sheet == "Unit":
        rows.cell(2, [c.value for c in rows[1]].index(label) + 1, value)
    else:
        rows.cell(next(r for r in range(1, rows.max_row + 1) if rows.cell(r, 1).value == label), 2, value)
    book.save(register)
    manifest = json.loads((ws.build_dir(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    manifest["source_hash"] = source_hash(ws.inputs(YEAR))  # as a build of one unit or one kind writes it
    (ws.build_dir(YEAR) / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(ArchiveError) as refused:
        archive_year(ws, YEAR)
    named = re.findall(r"build/2024/(\S+): made before the inputs", str(refused.value))
    assert set(named) == {"lhe/UPT01.pdf", "paket/UPT01.pdf", "rekapitulasi.pdf", "rilis.pdf", "dossier/UPT01.pdf"}
    assert not (ws.root / "archive").exists()


def test_the_results_entered_after_the_build_leave_the_year_archivable(tmp_path, pdfs):
    """The dossiers are the nomination: a Hasil Penetapan, Kategori or Penerima entered after the ceremony is no
    part of them (and the year's documents, rebuilt by `report`, are stood in for here by the same bytes)."""
    ws = make_workspace(tmp_path, pdfs)
    register = ws.inputs(YEAR) / "nominasi.xlsx"
    book = load_workbook(register)
    headers = [c.value for c in book["Unit"][1]]
    for column, value in (("Hasil Penetapan", "WBK"), ("Kategori Penghargaan", "Wilayah Bebas dari Korupsi")):
        book["Unit"].cell(2, headers.index(column) + 1, value)
    book.save(register)
    cache = json.loads((ws.build_dir(YEAR) / CACHE).read_text(encoding="utf-8"))
    year, edition = ws.load(YEAR), ws.edition(YEAR)
    scores = {u.code: score_unit(u, year.lke.get(u.code), edition) for u in year.units}
    depends = Dependencies(ws, year, edition, list(scores.values()))
    kinds = {k.kind: k for k in registry.KINDS}
    for entry in cache["files"]:  # as `report` makes the year's documents again, under their new keys
        if not entry.get("unit"):
            entry["key"] = depends.key(kinds[entry["kind"]], None)
    (ws.build_dir(YEAR) / CACHE).write_text(json.dumps(cache), encoding="utf-8")

    assert archive_year(ws, YEAR).files


def test_an_unmarked_pdf_is_archived_with_a_warning(tmp_path, pdfs):
    ws = make_workspace(tmp_path, {**pdfs, "rilis.pdf": HTML(string="<p>Rilis</p>").write_pdf()})

    result = archive_year(ws, YEAR)

    assert result.warnings == ["archive/2024/rilis.pdf: not marked as PDF/A (no pdfaid:part in its XMP metadata)"]


def test_archiving_a_year_twice_is_refused(archived):
    before = tree(archived.archive_dir(YEAR))

    with pytest.raises(ArchiveError) as error:
        archive_year(archived, YEAR)

    message = error.value.format_message()
    assert message.startswith("archive/2024 already exists (archived on ")
    assert re.search(r"use --force to replace it; the current one is kept as archive/2024\.replaced-\d{8}-\d{6}\.$", message)
    assert tree(archived.archive_dir(YEAR)) == before
    assert leftovers(archived) == []


def test_force_keeps_the_previous_year_under_a_dated_name(archived, pdfs):
    old = archived.archive_dir(YEAR)
    (old / "catatan.txt").write_bytes(b"added by hand")
    before = tree(old)
    rebuilt = archived.build_dir(YEAR) / "rilis.pdf"
    new_release = _pdfa("<h1>Rilis Pers, revisi</h1>")
    rebuilt.write_bytes(new_release)
    for listing in ("manifest.json", CACHE):  # as a build rewrites both
        path = archived.build_dir(YEAR) / listing
        manifest = json.loads(path.read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            if entry["path"] == "rilis.pdf":
                entry.update(bytes=len(new_release), sha256=sha256(new_release))
        path.write_text(json.dumps(manifest), encoding="utf-8")

    result = archive_year(archived, YEAR, force=True)

    assert result.replaced is not None
    assert re.fullmatch(r"2024\.replaced-\d{8}-\d{6}", result.replaced.name)
    assert tree(result.replaced) == before
    assert (archived.archive_dir(YEAR) / "rilis.pdf").read_bytes() == new_release
    assert verify_year(archived, YEAR) == []
    assert leftovers(archived) == [result.replaced.name]


@pytest.mark.parametrize(
    ("failing_step", "interruption"),
    [(1, OSError(28, "No space left on device")), (2, OSError(28, "No space left on device")), (2, KeyboardInterrupt())],
    ids=["moving-the-old-year-aside", "moving-the-new-year-in", "ctrl-c-moving-the-new-year-in"],
)
def test_an_interrupted_archive_leaves_the_previous_year_intact(archived, monkeypatch, failing_step, interruption):
    before = tree(archived.archive_dir(YEAR))
    real_rename, calls = archive._rename, []

    def rename(source, destination):
        calls.append(source)
        if len(calls) == failing_step:
            raise interruption
        real_rename(source, destination)

    monkeypatch.setattr(archive, "_rename", rename)
    expected = ArchiveError if isinstance(interruption, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        archive_year(archived, YEAR, force=True)

    assert tree(archived.archive_dir(YEAR)) == before
    assert leftovers(archived) == []


# --- verification ---------------------------------------------------------------------------


def test_verify_finds_nothing_in_an_intact_year(archived):

    findings = verify_year(archived, YEAR)

    assert findings == []
    assert format_findings(findings) == "No findings: every file matches the manifest, the index and its own source data."


def test_verify_reports_a_changed_byte(archived):
    target = archived.archive_dir(YEAR) / "dossier" / "UPT01.pdf"
    data = bytearray(target.read_bytes())
    data[200] ^= 0x01
    target.write_bytes(bytes(data))

    findings = verify_year(archived, YEAR)

    assert [(f.where, f.kind) for f in findings] == [("archive/2024/dossier/UPT01.pdf", "changed")]
    assert f"found {len(data)} bytes with SHA-256 {hashlib.sha256(data).hexdigest()}" in findings[0].detail


def test_verify_reports_missing_and_extra_files(archived):
    (archived.archive_dir(YEAR) / "rekapitulasi.pdf").unlink()
    (archived.archive_dir(YEAR) / "paket" / "UPT99.pdf").write_bytes(b"%PDF-1.7 not archived")

    findings = verify_year(archived, YEAR)

    assert [str(f) for f in findings] == [
        "archive/2024/rekapitulasi.pdf: missing: listed in the manifest but not in the folder",
        "archive/2024/paket/UPT99.pdf: extra: in the folder but not in the manifest",
    ]
    assert format_findings(findings).endswith("\n2 findings.")


def test_verify_reports_a_manifest_that_does_not_parse(archived):
    manifest = archived.archive_dir(YEAR) / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:-10], encoding="utf-8")

    findings = verify_year(archived, YEAR)

    assert len(findings) == 1
    assert str(findings[0]).startswith("archive/2024/manifest.json: manifest: does not parse as JSON: ")
    assert "at line" in findings[0].detail


def test_verify_reports_a_missing_manifest_and_a_bad_entry(archived):
    manifest_path = archived.archive_dir(YEAR) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][0]["path"] = "/etc/passwd"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    findings = [str(f) for f in verify_year(archived, YEAR)]

    assert "archive/2024/manifest.json: manifest: entry 1 needs a 'path' inside the folder and a 'sha256'" in findings
    assert "archive/2024/dossier/UPT01.pdf: extra: in the folder but not in the manifest" in findings

    manifest_path.unlink()
    assert [str(f) for f in verify_year(archived, YEAR)] == [
        "archive/2024/manifest.json: manifest: missing, so no file can be checked"
    ]


def test_verify_of_a_year_never_archived_says_so(ws):
    with pytest.raises(ArchiveError, match=r"archive/2024: no archive for 2024; run 'dossier archive --year 2024' first"):
        verify_year(ws, YEAR)


# --- conformance of the archived dossier ------------------------------------------------------


def _xmp(pdf: bytes) -> str:
    metadata = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode("utf-8")


@pytest.fixture
def archived_dossier(archived) -> Path:
    return archived.archive_dir(YEAR) / "dossier" / "UPT01.pdf"


def test_archived_dossier_claims_pdfa_3b_with_an_output_intent(archived_dossier):
    data = archived_dossier.read_bytes()
    xmp = _xmp(data)
    assert re.search(r'pdfaid:part(="|>)3', xmp)
    assert re.search(r'pdfaid:conformance(="|>)B', xmp)
    intents = PdfReader(io.BytesIO(data)).trailer["/Root"]["/OutputIntents"]
    assert len(intents) >= 1
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


def test_archived_dossier_embeds_every_font(archived_dossier):
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed")
    out = subprocess.run(["pdffonts", str(archived_dossier)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "pdffonts lists no font at all"
    for row in rows:
        # Columns: name, type, encoding, emb, sub, uni, object ID; 'emb' is the 4th from the right.
        assert row.split()[-4] == "yes", f"font not embedded: {row}"


def test_archived_dossier_carries_its_source_data_as_json(archived_dossier):
    reader = PdfReader(archived_dossier)
    assert list(reader.attachments) == ["sumber-data.json"]
    (content,) = reader.attachments["sumber-data.json"]
    assert content == source_data("UPT01", "Balai Contoh Sentosa")
    catalog_af = reader.trailer["/Root"]["/AF"]
    assert catalog_af[0].get_object()["/AFRelationship"] == "/Data"


def test_archived_pdfs_pass_qpdf_check(archived_dossier):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    for pdf in sorted(archived_dossier.parent.parent.rglob("*.pdf")):
        result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0, f"{pdf}: {result.stdout}{result.stderr}"
        assert "No syntax or stream encoding errors found" in result.stdout


def test_archived_dossier_and_index_pass_verapdf(archived_dossier):
    if not shutil.which("verapdf"):
        pytest.skip("verapdf is not on the PATH (it is not installable from the registries here)")
    for pdf in (archived_dossier, archived_dossier.parent.parent / "daftar-arsip.pdf"):
        result = subprocess.run(["verapdf", "--flavour", "3b", str(pdf)], capture_output=True, text=True)
        assert 'isCompliant="true"' in result.stdout, result.stdout[-2000:]


# --- an archive that proves itself ------------------------------------------------------------


@pytest.fixture(scope="module")
def two_units_once(tmp_path_factory, pdfs) -> Workspace:
    """A workspace with units UPT01 and UPT02, archived once per module."""
    second = _dossier_pdf("UPT02", "Loka Contoh Makmur", source_data("UPT02", "Loka Contoh Makmur"))
    ws = make_workspace(tmp_path_factory.mktemp("two") / "kerja",
                        {**pdfs, "dossier/UPT02.pdf": second, "paket/UPT02.pdf": second + b"\n",
                         "lhe/UPT02.pdf": pdfs["lhe/UPT01.pdf"] + b"\n"})
    archive_year(ws, YEAR)
    return ws


KINDS.update({"dossier/UPT02.pdf": ("dossier-pdf", "UPT02"), "paket/UPT02.pdf": ("packet-pdf", "UPT02"),
              "lhe/UPT02.pdf": ("lhe-pdf", "UPT02")})


@pytest.fixture
def two_units(tmp_path, two_units_once) -> Workspace:
    shutil.copytree(two_units_once.root, tmp_path / "kerja", symlinks=True)
    return Workspace(tmp_path / "kerja")


def _manifest(ws: Workspace) -> dict:
    return json.loads((ws.archive_dir(YEAR) / "manifest.json").read_text(encoding="utf-8"))


def _rewrite_manifest(ws: Workspace, manifest: dict, *, reindex: bool = False) -> None:
    """Write manifest.json as archiving writes it; with `reindex`, also forge a matching daftar-arsip.pdf."""
    folder = ws.archive_dir(YEAR)
    files = [Output(f["path"], f["kind"], f["unit"] or "", f["bytes"], f["sha256"], pages=f.get("pages"))
             for f in manifest["files"]]
    header = {k: v for k, v in manifest.items() if k not in ("year", "files")}
    (folder / "manifest.json").unlink()
    write_manifest(folder / "manifest.json", YEAR, files, header)
    if reindex:
        data = (folder / "manifest.json").read_bytes()
        (folder / "daftar-arsip.pdf").write_bytes(archive.render_index(ws, YEAR, header, files, data))


def _refile(ws: Workspace, rel: str, data: bytes) -> dict:
    """Put `data` at `rel` and update its manifest entry, as someone editing both would."""
    (ws.archive_dir(YEAR) / rel).write_bytes(data)
    manifest = _manifest(ws)
    for entry in manifest["files"]:
        if entry["path"] == rel:
            entry.update(bytes=len(data), sha256=sha256(data))
    return manifest


def _kinds(findings) -> list[tuple[str, str]]:
    return [(f.where, f.kind) for f in findings]


@pytest.mark.slow
def test_archive_prints_its_fingerprint_and_the_index_carries_the_manifest(two_units):
    folder = two_units.archive_dir(YEAR)
    manifest = (folder / "manifest.json").read_bytes()
    fingerprint = hashlib.sha256(manifest).hexdigest()

    reader = PdfReader(folder / "daftar-arsip.pdf")
    assert reader.attachments["manifest.json"] == [manifest]
    assert fingerprint in re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert verify_year(two_units, YEAR, fingerprint) == []
    assert verify_year(two_units, YEAR, fingerprint.upper()) == []


def test_cli_prints_the_fingerprint_and_verify_checks_it(ws):
    from click.testing import CliRunner

    from dossier.cli import cli

    archived_run = CliRunner().invoke(cli, ["-C", str(ws.root), "archive", "--year", "2024"])
    assert archived_run.exit_code == 0, archived_run.output
    fingerprint = hashlib.sha256((ws.archive_dir(YEAR) / "manifest.json").read_bytes()).hexdigest()
    assert f"Fingerprint (SHA-256 of manifest.json; record it in the official letter): {fingerprint}" in archived_run.output

    good = CliRunner().invoke(cli, ["-C", str(ws.root), "archive", "verify", "--sidik-jari", fingerprint])
    assert good.exit_code == 0, good.output
    bad = CliRunner().invoke(cli, ["-C", str(ws.root), "archive", "verify", "--sidik-jari", "ab" * 32])
    assert bad.exit_code == 1
    assert f"archive/2024/manifest.json: fingerprint: its SHA-256 is {fingerprint}, not the recorded {'ab' * 32}" in bad.output


def test_verify_refuses_another_units_dossier_filed_under_this_units_name(two_units):
    other = (two_units.archive_dir(YEAR) / "dossier" / "UPT02.pdf").read_bytes()
    _rewrite_manifest(two_units, _refile(two_units, "dossier/UPT01.pdf", other))

    findings = verify_year(two_units, YEAR)

    assert ("archive/2024/dossier/UPT01.pdf", "source") in _kinds(findings)
    assert "its sumber-data.json is unit 'UPT02', but the manifest files it as 'UPT01'" in format_findings(findings)
    assert ("archive/2024/daftar-arsip.pdf", "index") in _kinds(findings)
    assert "the entry of dossier/UPT01.pdf differs" in format_findings(findings)


def test_verify_refuses_a_swapped_dossier_even_with_a_forged_index(two_units):
    other = (two_units.archive_dir(YEAR) / "dossier" / "UPT02.pdf").read_bytes()
    fingerprint = hashlib.sha256((two_units.archive_dir(YEAR) / "manifest.json").read_bytes()).hexdigest()
    _rewrite_manifest(two_units, _refile(two_units, "dossier/UPT01.pdf", other), reindex=True)

    assert _kinds(verify_year(two_units, YEAR)) == [("archive/2024/dossier/UPT01.pdf", "source")]
    assert ("archive/2024/manifest.json", "fingerprint") in _kinds(verify_year(two_units, YEAR, fingerprint))


def test_verify_refuses_a_unit_removed_with_its_manifest_entries(two_units):
    folder = two_units.archive_dir(YEAR)
    fingerprint = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    manifest = _manifest(two_units)
    manifest["files"] = [f for f in manifest["files"] if f["unit"] != "UPT02"]
    (folder / "dossier" / "UPT02.pdf").unlink()
    (folder / "paket" / "UPT02.pdf").unlink()
    (folder / "lhe" / "UPT02.pdf").unlink()
    _rewrite_manifest(two_units, manifest)

    findings = verify_year(two_units, YEAR)

    assert _kinds(findings) == [("archive/2024/daftar-arsip.pdf", "index")]
    assert "dossier/UPT02.pdf was listed, now it is not" in findings[0].detail
    # Forging the index too leaves only the fingerprint recorded outside the archive to catch it.
    _rewrite_manifest(two_units, manifest, reindex=True)
    assert verify_year(two_units, YEAR) == []
    assert _kinds(verify_year(two_units, YEAR, fingerprint)) == [("archive/2024/manifest.json", "fingerprint")]


def test_verify_refuses_a_rewritten_edition_and_input_hash(two_units):
    manifest = _manifest(two_units)
    manifest["edition"] = "2014"
    manifest["source_hash"] = "0" * 64
    _rewrite_manifest(two_units, manifest)

    findings = verify_year(two_units, YEAR)
    text = format_findings(findings)

    assert ("archive/2024/daftar-arsip.pdf", "index") in _kinds(findings)
    assert "edition was '2021', now '2014'" in text
    for unit in ("UPT01", "UPT02"):
        assert (f"archive/2024/dossier/{unit}.pdf", "source") in _kinds(findings)
    assert "was scored with LKE edition '2021', but the manifest names '2014'" in text


def test_verify_refuses_scores_that_do_not_follow_from_the_answers(two_units):
    source = json.loads(source_data("UPT01", "Balai Contoh Sentosa"))
    source["scores"]["total"] = 99.5
    source["scores"]["eligible"] = ["WBK", "WBBM"]
    forged = _dossier_pdf("UPT01", "Balai Contoh Sentosa", json.dumps(source).encode())
    _rewrite_manifest(two_units, _refile(two_units, "dossier/UPT01.pdf", forged), reindex=True)

    findings = verify_year(two_units, YEAR)

    assert _kinds(findings) == [("archive/2024/dossier/UPT01.pdf", "source")]
    assert "its scores do not follow from its own answers (total, eligible" in findings[0].detail


def test_verify_refuses_a_dossier_of_another_year(two_units):
    forged = _dossier_pdf("UPT01", "Balai Contoh Sentosa", source_data("UPT01", "Balai Contoh Sentosa", year=2023))
    _rewrite_manifest(two_units, _refile(two_units, "dossier/UPT01.pdf", forged), reindex=True)

    findings = verify_year(two_units, YEAR)

    assert [str(f) for f in findings] == [
        "archive/2024/dossier/UPT01.pdf: source: its sumber-data.json is of year 2023, but the archive is 2024"
    ]


@pytest.mark.parametrize("linked", ["rekapitulasi.pdf", "dossier", "daftar-arsip.pdf"])
def test_verify_refuses_a_file_or_folder_replaced_by_a_link(two_units, linked):
    folder = two_units.archive_dir(YEAR)
    elsewhere = two_units.root / "salinan" / linked
    shutil.move(folder / linked, elsewhere.parent / linked) if elsewhere.parent.mkdir() is None else None
    (folder / linked).symlink_to(elsewhere)  # the same bytes, but outside the archive

    findings = verify_year(two_units, YEAR)

    assert (f"archive/2024/{linked}", "link") in _kinds(findings)
    assert f"a link to {elsewhere.resolve()}" in format_findings(findings)


def test_verify_refuses_an_archive_folder_that_is_a_link(two_units):
    folder = two_units.archive_dir(YEAR)
    folder.rename(two_units.root / "elsewhere")
    folder.symlink_to(two_units.root / "elsewhere")

    assert _kinds(verify_year(two_units, YEAR)) == [("archive/2024", "link")]


# --- small faults: leftovers, permissions, read-only folders --------------------------------------


def test_folders_left_by_a_killed_archive_are_removed_on_the_next_run(ws):
    leftover = ws.root / "archive" / ".2024.tmp-k1ll3d"
    (leftover / "dossier").mkdir(parents=True)
    (leftover / "dossier" / "UPT01.pdf").write_bytes(b"%PDF half")
    other_year = ws.root / "archive" / ".2023.tmp-k1ll3d"
    other_year.mkdir()

    archive_year(ws, YEAR)

    assert not leftover.exists()
    assert other_year.exists()  # another year's archive may be running
    assert verify_year(ws, YEAR) == []


def test_the_archived_year_gets_the_usual_permissions(ws):
    from dossier.output import UMASK

    archive_year(ws, YEAR)

    mode = ws.archive_dir(YEAR).stat().st_mode & 0o777
    assert mode == 0o777 & ~UMASK
    if UMASK == 0o022:
        assert mode == 0o755
    assert (ws.archive_dir(YEAR) / "daftar-arsip.pdf").stat().st_mode & 0o777 == 0o666 & ~UMASK


@pytest.fixture
def read_only():
    """Make folders read-only for real, even for root (which ignores permission bits): chattr +i."""
    made = []

    def freeze(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)]).returncode:
                pytest.skip("running as root without chattr +i, so a folder cannot be made read-only")
        else:
            folder.chmod(0o555)
        made.append(folder)

    yield freeze
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)])
        folder.chmod(0o755)


def test_a_read_only_archive_folder_gets_a_message(ws, read_only):
    read_only(ws.root / "archive")

    with pytest.raises(ArchiveError) as error:
        archive_year(ws, YEAR)

    message = error.value.format_message()
    assert message.startswith("archive: cannot write there (")
    assert "Make the folder writable (or free disk space), then archive again." in message


def test_a_read_only_workspace_gets_a_message(ws, read_only):
    read_only(ws.root)

    with pytest.raises(ArchiveError, match=r"^archive: cannot write there \("):
        archive_year(ws, YEAR)


def test_writing_into_a_read_only_build_folder_gets_a_message(tmp_path, read_only):
    from dossier.errors import RenderError
    from dossier.output import write_atomic

    read_only(tmp_path / "build" / "2024")

    with pytest.raises(RenderError, match=r"build/2024: cannot write there \(.*\)\. Make the folder writable"):
        write_atomic(tmp_path / "build" / "2024" / "rilis.pdf", b"%PDF")


def _index_text(pdf: bytes) -> str:
    return pdf_text(pdf, "-layout")


def test_the_index_lists_the_lhe_and_calls_a_dossier_of_a_unit_not_proposed_a_draft(archived):
    """Issue 23: the archive holds what was decided and sent; a draft is not listed as a proposal."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    decision = json.loads(source_data("UPT01", NAMES["UPT01"]))["decision"]
    assert decision["proposed"] is False  # the synthetic unit misses WBK: its dossier is an evaluation draft
    folder = archived.archive_dir(YEAR)
    assert (folder / "lhe" / "UPT01.pdf").is_file()
    text = _index_text((folder / "daftar-arsip.pdf").read_bytes())
    rows = {line.split()[1]: line for line in text.splitlines() if re.match(r"\s*\d+\s+\S+\.pdf", line)}
    assert "Draf evaluasi" in rows["dossier/UPT01.pdf"]
    assert "Paket evaluasi" in rows["paket/UPT01.pdf"]
    assert "Laporan hasil evaluasi" in rows["lhe/UPT01.pdf"]
    assert "Dokumen usulan unit" not in text and "Paket usulan" not in text
    assert verify_year(archived, YEAR) == []


@pytest.mark.parametrize("proposed, label", [(True, "Dokumen usulan unit"), (False, "Draf evaluasi"),
                                             (None, "Dokumen usulan unit")])
def test_the_index_labels_each_unit_s_dossier_by_the_decision(archived, proposed, label):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    manifest = (archived.archive_dir(YEAR) / "manifest.json").read_bytes()
    files = [Output(f["path"], f["kind"], f["unit"], f["bytes"], f["sha256"]) for f in json.loads(manifest)["files"]]
    decided = {} if proposed is None else {"UPT01": proposed}
    text = _index_text(archive.render_index(archived, YEAR, {"edition": "2021", "tool": __version__, "build_tool": None,
                                                              "source_hash": ""},
                                            files, manifest, proposed=decided))
    row = next(line for line in text.splitlines() if "dossier/UPT01.pdf" in line)
    assert label in row
    packet = next(line for line in text.splitlines() if "paket/UPT01.pdf" in line)
    assert ("Paket evaluasi" if proposed is False else "Paket usulan") in packet  # as its dossier
    assert "Laporan hasil evaluasi" in text  # the LHE is the evaluation either way
