"""Incremental builds: an output is kept exactly when nothing it depends on changed."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

import dossier as dossier_package
from dossier.build import CACHE, RECAP_PARTS, build
from dossier.errors import InputErrors
from dossier.locking import LOCK
from dossier.readers.cache import FILENAME as LKE_CACHE
from dossier.render.templates import default_templates_dir
from dossier.workbooks import LKE_COLUMNS, LKE_HEADER_ROW
from dossier.workspace import Workspace
from tests.conftest import REPO, SAMPLE_YEAR, restore

# Two units (the one with the fewest evidence files, and one more) and the year-level documents:
# enough to see which unit is rebuilt, fast enough to build once per module.
CHANGED, OTHER = "BD02", "UPT02"
UNITS = [CHANGED, OTHER]
UNIT_KINDS = {"dossier-pdf", "dossier-docx", "packet-pdf", "feedback-xlsx", "feedback-pdf", "lhe-pdf", "lhe-docx"}
YEAR_KINDS = {"recap-pdf", "recap-xlsx", "release-pdf", "release-docx", "letter-pdf", "letter-docx"}
ALL = {(u, k) for u in UNITS for k in UNIT_KINDS} | {("", k) for k in YEAR_KINDS}


@pytest.fixture(scope="module")
def built(tmp_path_factory, stand_ins) -> tuple[Path, Path]:
    """The sample year's two units and the year-level documents, built once, and a pristine copy of it.

    Built by stand-in kinds (conftest's StandIn): these tests prove which outputs the build
    keeps and which it renders again, from each kind's own declarations, not the renderers.
    """
    root = tmp_path_factory.mktemp("incremental")
    ws = root / "ws"
    shutil.copytree(REPO / "inputs", ws / "inputs")
    result = build(Workspace(ws), SAMPLE_YEAR, units=UNITS, jobs=2)
    assert result.ok, result.failed
    assert {(o.unit, o.kind) for o in result.built} == ALL
    shutil.copytree(ws, root / "pristine")
    return ws, root / "pristine"


@pytest.fixture
def ws(built: tuple[Path, Path]) -> Workspace:
    """The built workspace, fresh for each test."""
    return Workspace(restore(*built))


def rebuild(ws: Workspace, **options):
    result = build(ws, SAMPLE_YEAR, units=UNITS, jobs=2, **options)
    assert result.ok, result.failed
    # A reused year-level output comes back from the cache with unit None, a built one with "".
    return {(o.unit or "", o.kind) for o in result.built}, {(o.unit or "", o.kind) for o in result.reused}


def mtimes(ws: Workspace) -> dict[str, int]:
    out = ws.build_dir(SAMPLE_YEAR)
    # manifest.json and the caches are rewritten by every build; the documents must not be.
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and p.name not in (CACHE, LKE_CACHE, LOCK, "manifest.json") and p.parent.name != RECAP_PARTS}


def change_answer(lke: Path, code: str) -> None:
    """Flip one Ya/Tidak answer in sheet LKE and save the workbook, as a unit correcting its LKE would."""
    columns = list(LKE_COLUMNS)
    wb = load_workbook(lke)
    sheet = wb["LKE"]
    for row in range(LKE_HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row, columns.index("Kode") + 1).value == code:
            cell = sheet.cell(row, columns.index("Jawaban") + 1)
            cell.value = {"Ya": "Tidak", "Tidak": "Ya"}[cell.value]
            wb.save(lke)
            return
    raise AssertionError(f"{lke}: no row {code}")


def lke_of(ws: Workspace, code: str) -> Path:
    for path in (ws.inputs(SAMPLE_YEAR) / "lke").glob("*.xlsx"):
        if load_workbook(path, read_only=True)["LKE"]["C3"].value == code:
            return path
    raise AssertionError(f"no LKE workbook for {code}")


@pytest.mark.slow
def test_no_change_reuses_every_output_and_touches_no_file(ws):
    before = mtimes(ws)
    manifest = (ws.build_dir(SAMPLE_YEAR) / "manifest.json").read_bytes()
    built, reused = rebuild(ws)
    assert built == set()
    assert reused == ALL
    assert len(before) == len(ALL)
    assert mtimes(ws) == before
    assert (ws.build_dir(SAMPLE_YEAR) / "manifest.json").read_bytes() == manifest


@pytest.mark.slow  # two builds of every kind
@pytest.mark.parametrize("fast_path", [True, False], ids=["nothing else changed", "an answer changed too"])
def test_other_code_of_the_same_version_renders_every_output_again(ws, monkeypatch, fast_path):
    """A checkout updated with `git pull`, or a fix installed over the same version number."""
    import dossier.incremental

    if not fast_path:
        change_answer(lke_of(ws, CHANGED), "PPA1A")
    monkeypatch.setattr(dossier.incremental, "code_digest", lambda: "other code, same version")
    built, reused = rebuild(ws)
    assert built == ALL and reused == set()
    built, reused = rebuild(ws)  # that code again: everything is kept
    assert built == set() and reused == ALL


def test_the_code_digest_is_of_every_source_file_of_the_package():
    from dossier.digests import code_digest, files_digest

    package = Path(dossier_package.__file__).parent
    sources = sorted(package.rglob("*.py"))
    assert {p.relative_to(package).as_posix() for p in sources} >= {"build.py", "render/pdf.py", "documents/packet.py"}
    assert code_digest() == files_digest((p.relative_to(package).as_posix(), p) for p in sources)


@pytest.mark.slow
def test_one_changed_lke_rebuilds_that_unit_and_the_year_documents(ws):
    change_answer(lke_of(ws, CHANGED), "PPA1A")
    built, reused = rebuild(ws)
    assert built == {(CHANGED, k) for k in UNIT_KINDS} | {("", k) for k in YEAR_KINDS}
    assert reused == {(OTHER, k) for k in UNIT_KINDS}


@pytest.mark.slow
def test_longest_task_first_and_short_year_documents_last(ws):
    """The recap PDF (longest in a large year) starts first; a changed unit does not wait behind the release."""
    from dossier.build import Progress

    order = []
    progress = type("Order", (Progress,), {"done": lambda self, label, rendered: order.append(label)})()
    change_answer(lke_of(ws, CHANGED), "PPA1A")
    assert build(ws, SAMPLE_YEAR, units=UNITS, jobs=1, progress=progress).ok
    assert order == ["recap PDF", CHANGED, "recap workbook", "press release", "cover letter"]


def test_changed_release_template_rebuilds_only_the_release(ws):
    templates = ws.root / "templates"
    templates.mkdir()
    text = (default_templates_dir() / "release.html").read_text(encoding="utf-8")
    (templates / "release.html").write_text(text + "\n{# edited by the secretariat #}\n", encoding="utf-8")
    built, reused = rebuild(ws)
    assert built == {("", "release-pdf"), ("", "release-docx")}
    assert reused == ALL - built


@pytest.mark.slow
def test_force_rebuilds_everything(ws):
    # DOCX and XLSX only: --force takes the same path for every kind, and PDFs are the slow ones.
    built, reused = rebuild(ws, force=True, formats=("docx", "xlsx"))
    assert built == {(u, k) for u in UNITS for k in ("dossier-docx", "lhe-docx", "feedback-xlsx")} | {
        ("", "release-docx"), ("", "recap-xlsx"), ("", "letter-docx")}
    assert reused == set()


def test_deleted_output_is_rebuilt(ws):
    (ws.build_dir(SAMPLE_YEAR) / f"dossier/{OTHER}.docx").unlink()
    built, reused = rebuild(ws)
    assert built == {(OTHER, "dossier-docx")}
    assert reused == ALL - built
    assert (ws.build_dir(SAMPLE_YEAR) / f"dossier/{OTHER}.docx").is_file()


def test_corrupted_output_is_rebuilt(ws):
    path = ws.build_dir(SAMPLE_YEAR) / "rilis.docx"
    good = path.read_bytes()
    stat = path.stat()
    path.write_bytes(good[:100] + bytes(b ^ 0xFF for b in good[100:200]) + good[200:])  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    built, reused = rebuild(ws)
    assert built == {("", "release-docx")}
    assert reused == ALL - built
    assert path.read_bytes() == good


@pytest.mark.parametrize(
    "garbage",
    [b"", b'{"files": [{"path": "rilis.docx", "ke', b"[1, 2, 3]", b'{"files": {"rilis.docx": 1}}',
     b'{"files": [7, "x", {"path": 3}, {"path": "rilis.docx", "key": null}]}',
     b"\xff\xfe\x00garbled"],
    ids=["empty", "truncated", "list", "files-not-list", "bad-entries", "not-utf8"],
)
def test_unreadable_cache_means_a_full_rebuild(ws, garbage):
    (ws.build_dir(SAMPLE_YEAR) / CACHE).write_bytes(garbage)
    # DOCX and XLSX only keep this fast; a cache that cannot be read is ignored whatever the kind.
    built, reused = rebuild(ws, formats=("docx", "xlsx"))
    assert built == {(u, k) for u in UNITS for k in ("dossier-docx", "lhe-docx", "feedback-xlsx")} | {
        ("", "release-docx"), ("", "recap-xlsx"), ("", "letter-docx")}
    assert reused == set()
    # The next build reads the cache it just wrote.
    assert rebuild(ws, formats=("docx", "xlsx"))[0] == set()


def test_moved_workspace_reuses_outputs(built, tmp_path):
    shutil.copytree(built[1], tmp_path / "moved")
    # DOCX and XLSX only keep this fast; every unit-level key holds the same paths.
    built_now, _ = rebuild(Workspace(tmp_path / "moved"), formats=("docx", "xlsx"))
    assert built_now == set()


@pytest.mark.slow
@pytest.mark.parametrize("change", ["a row removed above", "its row moved to the top", "a blank row inserted above"])
def test_a_units_register_row_moving_renders_none_of_its_documents_again(ws, change):
    """A unit's row number (where a message points) is in none of its documents: when its row moves in the
    register, only the year's documents (which list the units in register order) are made again."""
    from tests.test_one_truth import edit_register

    inputs = ws.inputs(SAMPLE_YEAR)
    register = inputs / "nominasi.xlsx"
    if change == "a row removed above":
        edit_register(register, {}, drop=("UPT04",))  # above BD02, below UPT02
        lke_of(ws, "UPT04").unlink()
        shutil.rmtree(inputs / "bukti" / "UPT04", ignore_errors=True)
    else:
        book = load_workbook(register)
        sheet = book["Unit"]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == CHANGED)
        values = [c.value for c in sheet[row]]
        if change == "its row moved to the top":
            sheet.delete_rows(row)
            sheet.insert_rows(2)
            for column, value in enumerate(values, start=1):
                sheet.cell(2, column, value)
        else:
            sheet.insert_rows(row - 1)
        book.save(register)
    built_now, reused = rebuild(ws)
    # A blank row changes no unit and no order: nothing is made again.
    assert built_now == (set() if change == "a blank row inserted above" else {("", k) for k in YEAR_KINDS})
    assert reused == ALL - built_now


@pytest.mark.slow
def test_a_unit_removed_from_the_register_has_its_documents_removed(ws):
    """Its files were kept listed as a unit not in this build; the archive then refused the year, and build could not fix it."""
    import json

    from tests.test_one_truth import edit_register

    inputs = ws.inputs(SAMPLE_YEAR)
    edit_register(inputs / "nominasi.xlsx", {}, drop=(OTHER,))
    lke_of(ws, OTHER).unlink()
    shutil.rmtree(inputs / "bukti" / OTHER, ignore_errors=True)
    result = build(ws, SAMPLE_YEAR, units=[CHANGED], jobs=2)
    assert result.ok, result.failed
    out = ws.build_dir(SAMPLE_YEAR)
    listed = {f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    assert {(CHANGED, k) for k in UNIT_KINDS} <= {(o.unit, o.kind) for o in result.reused}
    assert not [p for p in listed if OTHER in p] and not list(out.rglob(f"{OTHER}.*"))
    said = [p for p in result.problems if p.code == "build.unit_removed"]
    assert [(p.unit, p.severity, p.place.file) for p in said] == [(OTHER, "warning", "nominasi.xlsx")]
    assert f"{len(UNIT_KINDS)} document(s) were removed from build/{SAMPLE_YEAR}" in str(said[0])


@pytest.mark.slow
def test_a_unit_whose_register_row_has_an_error_keeps_its_documents(ws):
    """A code mistyped in the register is an error to correct, not a unit gone: nothing of it is removed."""
    book = load_workbook(ws.inputs(SAMPLE_YEAR) / "nominasi.xlsx")
    sheet = book["Unit"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == OTHER)
    sheet.cell(row, 1, OTHER[:3] + "\u200b" + OTHER[3:])
    innovations = book["Inovasi"]  # its innovation would name no unit now: an error that stops the whole build
    innovations.delete_rows(next(r for r in range(2, innovations.max_row + 1) if innovations.cell(r, 1).value == OTHER))
    book.save(ws.inputs(SAMPLE_YEAR) / "nominasi.xlsx")
    result = build(ws, SAMPLE_YEAR, units=[CHANGED], jobs=2)
    assert not [p for p in result.problems if p.code == "build.unit_removed"]
    assert len(list(ws.build_dir(SAMPLE_YEAR).rglob(f"{OTHER}.*"))) == len(UNIT_KINDS)


def type_in_register(ws: Workspace, sheet_name: str, row_label: str, column: str, value) -> None:
    """Type `value` in the register: in sheet Unit at `column` of the row of unit `row_label`, or in sheet
    Penghargaan beside the label `column`, as a person would in Excel."""
    path = ws.inputs(SAMPLE_YEAR) / "nominasi.xlsx"
    book = load_workbook(path)
    sheet = book[sheet_name]
    if sheet_name == "Unit":
        columns = {c.value: c.column for c in sheet[1]}
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == row_label)
        sheet.cell(row, columns[column], value)
    else:
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == column)
        sheet.cell(row, 2, value)
    book.save(path)


@pytest.mark.parametrize("column, value", [("Predikat Saat Ini", "Sudah WBK"), ("Predikat Diusulkan", "W.B.K"),
                                           ("Hasil Penetapan", "WBK (baru)")])
def test_an_error_in_a_units_register_row_stops_that_unit_and_the_years_documents(ws, column, value):
    """Regression: validate said the value was no choice, yet build wrote it as a fact (the letter proposed a
    unit for WBK whose dossier said 'Predikat saat ini Sudah WBK'; the release hailed 'Predikat WBK (baru)')."""
    type_in_register(ws, "Unit", CHANGED, column, value)
    result = build(ws, SAMPLE_YEAR, units=UNITS, jobs=2)
    assert not result.ok
    assert CHANGED in result.failed and "its row of the register has errors" in result.failed[CHANGED]
    assert value in result.failed[CHANGED]
    assert {o.unit for o in result.built + result.reused} == {OTHER}  # no year-level document either


@pytest.mark.parametrize("label, value", [("Tanggal Usulan", "20/05/25"),
                                          ("Tanggal Penyerahan", "Rabu, 11 Desember 2025"),  # a Thursday
                                          ("Tanggal Evaluasi", "45797")])
def test_an_error_in_the_awards_facts_stops_the_build_before_anything_is_written(ws, label, value):
    """Regression: a date typed as text was an error to validate, but build and report went on and printed a
    dotted line where the date goes. The award's facts are in every document: nothing is built."""
    type_in_register(ws, "Penghargaan", "", label, value)
    before = mtimes(ws)
    with pytest.raises(InputErrors) as refused:
        build(ws, SAMPLE_YEAR, units=UNITS, jobs=2)
    assert "nominasi.xlsx, Penghargaan!B" in str(refused.value) and repr(value)[1:-1] in str(refused.value)
    assert mtimes(ws) == before


@pytest.mark.parametrize("change, options, left_behind", [
    # A unit's row changed, then only the other unit built: the first's documents still say the old row.
    (("Unit", CHANGED, "Kota", "Sorong Barat"), {"units": [OTHER]}, {(CHANGED, k) for k in UNIT_KINDS}),
    # The award's facts changed, then only the Word files built: every PDF and workbook says the old ones.
    (("Penghargaan", "", "Tempat Penyerahan", "Gedung Baru"), {"formats": ("docx",)},
     {(u, k) for u, k in ALL if not k.endswith("docx")}),
    (None, {"units": [OTHER]}, set()),  # nothing changed: nothing to say
])
def test_documents_a_partial_build_leaves_behind_the_inputs_are_said(ws, change, options, left_behind):
    """Regression: after a register change, `build --unit` or `build --format docx` wrote the manifest anew and said
    nothing of the documents it did not make again, which contradicted the ones it made."""
    if change:
        type_in_register(ws, *change)
    result = build(ws, SAMPLE_YEAR, **{"units": UNITS, **options}, jobs=2)
    assert result.ok, result.failed
    [said] = [p for p in result.problems if p.code == "build.outdated"] or [None]
    paths = {ws_path(kind, unit) for unit, kind in left_behind}
    if not left_behind:
        assert said is None
        return
    assert said is not None and said.severity == "warning" and f"{len(paths)} document(s)" in str(said)
    named = re.search(r"make them again: (.*?); run", str(said)).group(1).split(", ")
    assert set(named[:6]) <= paths and len(named) == min(len(paths), 6) + (len(paths) > 6)


def test_the_results_entered_after_the_ceremony_change_only_the_years_documents(ws):
    """Regression: Hasil Penetapan, Kategori and Penerima were part of every unit's documents (the dossier's
    embedded source data), so `report` after the ceremony left each unit's dossier behind, and archive refused
    them. No unit document shows them: only the recap, the release and the letter are made again."""
    for column, value in (("Hasil Penetapan", "WBK"), ("Kategori Penghargaan", "Wilayah Bebas dari Korupsi")):
        type_in_register(ws, "Unit", OTHER, column, value)
    result = build(ws, SAMPLE_YEAR, units=UNITS, unit_documents=False, jobs=2)  # what `report` asks for
    assert result.ok and not [p for p in result.problems if p.code == "build.outdated"]
    built_now, reused = rebuild(ws)
    assert built_now == set() and reused == ALL


def ws_path(kind: str, unit: str) -> str:
    from dossier.documents import registry

    return next(k for k in registry.KINDS if k.kind == kind).path_for(unit)


def test_a_workspace_copied_without_its_times_reuses_outputs(built, tmp_path):
    """Copied as a file manager or a sync client may copy it, every file new-dated: the content decides."""
    shutil.copytree(built[1], tmp_path / "copied", copy_function=shutil.copyfile)
    out = tmp_path / "copied" / "build" / str(SAMPLE_YEAR)
    assert (out / "rilis.docx").stat().st_mtime_ns != (built[1] / "build" / str(SAMPLE_YEAR) / "rilis.docx").stat().st_mtime_ns
    built_now, reused = rebuild(Workspace(tmp_path / "copied"))
    assert built_now == set() and reused == ALL


def test_outputs_given_new_times_in_place_are_reused(ws):
    """Restored from a backup, or touched by a tool that rewrites times: same bytes, so nothing is made again."""
    for path in ws.build_dir(SAMPLE_YEAR).rglob("*"):
        if path.is_file():
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 3 * 10**9))
    built_now, reused = rebuild(ws)
    assert built_now == set() and reused == ALL


def refuse_reading(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the workbooks were read although nothing changed")

    monkeypatch.setattr(Workspace, "load", refuse)


def test_no_change_rebuild_does_not_even_read_the_workbooks(ws, monkeypatch):
    refuse_reading(monkeypatch)
    built_now, reused = rebuild(ws)
    assert built_now == set() and reused == ALL


@pytest.mark.parametrize("how", ["moved", "copied"])
def test_a_workspace_moved_or_copied_elsewhere_does_not_read_its_workbooks_again(ws, tmp_path, monkeypatch, how):
    """Taken to another PC or a shared drive, nothing in it changed: the build returns at once, as in place."""
    elsewhere = tmp_path / "another drive" / "zi"
    (shutil.move if how == "moved" else shutil.copytree)(ws.root, elsewhere)
    refuse_reading(monkeypatch)
    built_now, reused = rebuild(Workspace(elsewhere))
    assert built_now == set() and reused == ALL


def test_a_file_moved_between_the_workspaces_folders_is_a_change(ws):
    """The folders count by their role: the same file under templates/ instead of rules/ is not the same build."""
    from dossier.incremental import fingerprint

    options = [UNITS, ("pdf",)]
    (ws.root / "rules").mkdir(exist_ok=True)
    (ws.root / "rules" / "catatan.txt").write_text("x", encoding="utf-8")
    before = fingerprint(ws, SAMPLE_YEAR, ws.edition(SAMPLE_YEAR), options)
    (ws.root / "templates").mkdir(exist_ok=True)
    shutil.move(ws.root / "rules" / "catatan.txt", ws.root / "templates" / "catatan.txt")
    assert fingerprint(ws, SAMPLE_YEAR, ws.edition(SAMPLE_YEAR), options) != before


def test_a_touched_input_falls_back_to_the_keys(ws):
    # Saved again without a change: the fingerprint differs, the keys do not, nothing is rebuilt.
    lke = lke_of(ws, OTHER)
    os.utime(lke, ns=(lke.stat().st_atime_ns, lke.stat().st_mtime_ns + 10**9))
    built_now, reused = rebuild(ws)
    assert built_now == set() and reused == ALL


@pytest.mark.slow
def test_a_failed_build_is_not_taken_as_up_to_date(ws):
    templates = Path(ws.root) / "templates"
    templates.mkdir()
    (templates / "release.html").write_text("{{ no_such_name }")  # does not compile: the release fails
    result = build(ws, SAMPLE_YEAR, units=UNITS, jobs=2)
    assert not result.ok
    again = build(ws, SAMPLE_YEAR, units=UNITS, jobs=2)
    assert not again.ok, "the second build must try (and fail) again, not report the year as up to date"


def test_template_dependencies_follow_extends_include_import_and_from():
    from dossier.render.templates import referenced_templates

    source = """{% extends "base.html" %}{% import "macros.html" as m %}{% from "parts.html" import row %}
{%- include 'static/x.css' %}{% include name_in_a_variable %}{# {% include "commented.html" %} #}"""
    assert sorted(referenced_templates(source)) == ["base.html", "macros.html", "parts.html", "static/x.css"]
    assert referenced_templates("{% include 'broken.html' ") == []  # the rendering reports the mistake


def test_a_kind_needing_a_fresh_file_is_given_it_without_rendering_it_again(ws):
    """The packet embeds the dossier PDF: an up-to-date dossier is read back, not rendered a second time."""
    out = ws.build_dir(SAMPLE_YEAR)
    dossier = (out / f"dossier/{OTHER}.pdf").read_bytes()
    (out / f"paket/{OTHER}.pdf").unlink()
    built, reused = rebuild(ws)
    assert built == {(OTHER, "packet-pdf")}
    assert reused == ALL - built
    assert (out / f"dossier/{OTHER}.pdf").read_bytes() == dossier
    assert f"dossier-pdf:{hashlib.sha256(dossier).hexdigest()}".encode() in (out / f"paket/{OTHER}.pdf").read_bytes()


def test_a_needed_file_changed_on_disk_is_rendered_again_with_the_kind_needing_it(ws):
    out = ws.build_dir(SAMPLE_YEAR)
    dossier = out / f"dossier/{OTHER}.pdf"
    good = dossier.read_bytes()
    stat = dossier.stat()
    (out / f"paket/{OTHER}.pdf").unlink()
    dossier.write_bytes(good.replace(b"dossier-pdf", b"dossier-PDF"))  # same size and time, other bytes
    os.utime(dossier, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    built, reused = rebuild(ws)
    assert built == {(OTHER, "packet-pdf"), (OTHER, "dossier-pdf")}
    assert dossier.read_bytes() == good
    assert f"dossier-pdf:{hashlib.sha256(good).hexdigest()}".encode() in (out / f"paket/{OTHER}.pdf").read_bytes()


def test_a_kind_asked_for_alone_is_built_with_the_kinds_it_needs(ws):
    """`build --kind packet-pdf`: the packet embeds the dossier PDF, rendered with it or read from disk."""
    built, _ = rebuild(ws, only=("packet-pdf",), force=True)
    assert built == {(u, k) for u in UNITS for k in ("dossier-pdf", "packet-pdf")}
    (ws.build_dir(SAMPLE_YEAR) / f"paket/{OTHER}.pdf").unlink()
    built, reused = rebuild(ws, only=("packet-pdf",))
    assert built == {(OTHER, "packet-pdf")} and (OTHER, "dossier-pdf") in reused
