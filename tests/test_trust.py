"""Caches that cannot lie: a moved workspace, a replaced file or a damaged part never changes what is built."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dossier.build import RECAP_PARTS, build
from dossier.digests import source_hash
from dossier.workspace import Workspace
from tests.conftest import SAMPLE_YEAR, kinds_standing_in
from tests.test_incremental import change_answer, lke_of

UNIT = "BD02"  # the unit with the fewest evidence files


@pytest.fixture(scope="module", autouse=True)
def real_kinds():
    """The kinds these tests look into render for real (the packet needs its dossier); the others stand in."""
    with kinds_standing_in("dossier-pdf", "packet-pdf", "recap-pdf"):
        yield


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, built_sample) -> Path:
    """The sample year as built, copied once for these tests (each works on a copy of this copy)."""
    root = tmp_path_factory.mktemp("trust") / "ws"
    shutil.copytree(built_sample, root, symlinks=True)
    return root


@pytest.fixture
def ws(pristine, tmp_path) -> Workspace:
    shutil.copytree(pristine, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def rebuild(ws: Workspace, **options):
    result = build(ws, SAMPLE_YEAR, units=[UNIT], formats=("pdf",), jobs=2, **options)
    assert result.ok, result.failed
    return result


def packet_pages(ws: Workspace) -> int:
    manifest = json.loads((ws.build_dir(SAMPLE_YEAR) / "manifest.json").read_text())
    return next(e["pages"] for e in manifest["files"] if e["path"] == f"paket/{UNIT}.pdf")


@pytest.mark.render
def test_a_moved_workspace_with_one_changed_register_cell_keeps_its_evidence(pristine, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(pristine, moved)
    register = moved / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx"
    book = load_workbook(register)
    sheet = book["Unit"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == UNIT)
    sheet.cell(row, 2).value = str(sheet.cell(row, 2).value) + " (diperbaiki)"
    book.save(register)
    ws = Workspace(moved)
    result = rebuild(ws)
    assert (UNIT, "packet-pdf") in {(o.unit, o.kind) for o in result.built}
    assert not [p for p in result.problems if "outside" in p.message]
    assert packet_pages(ws) == packet_pages(Workspace(pristine))


@pytest.mark.render
def test_an_evidence_file_replaced_with_the_same_size_and_time_is_rebuilt_and_archivable(ws):
    bukti = ws.inputs(SAMPLE_YEAR) / "bukti"
    evidence = sorted(p for p in bukti.rglob("*.pdf") if UNIT in str(p))[0]
    stat = evidence.stat()
    data = evidence.read_bytes()
    at = data.index(b"/Title (") + len(b"/Title (")
    data = data[:at] + data[at:at + 1].swapcase() + data[at + 1:]  # its title's first letter in the other case
    evidence.write_bytes(data)  # another file, same size, same modification time
    os.utime(evidence, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = rebuild(ws)
    assert (UNIT, "packet-pdf") in {(o.unit, o.kind) for o in result.built}
    manifest = json.loads((ws.build_dir(SAMPLE_YEAR) / "manifest.json").read_text())
    # What 'dossier archive' compares: without it, build says "unchanged" and archive "run dossier build".
    assert manifest["source_hash"] == source_hash(ws.inputs(SAMPLE_YEAR))


@pytest.mark.render
def test_damaged_recap_parts_are_rendered_again(ws):
    parts = list((ws.build_dir(SAMPLE_YEAR) / RECAP_PARTS).glob("*.pdf"))
    assert parts
    for part in parts:  # header and trailer kept, everything between zeroed
        data = part.read_bytes()
        stat = part.stat()
        part.write_bytes(data[:16] + bytes(len(data) - 48) + data[-32:])
        os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    change_answer(lke_of(ws, UNIT), "PPA1A")  # the recap is rendered again; most parts did not change
    with kinds_standing_in("recap-pdf"):  # the recap alone is looked at
        rebuild(ws)
        recap = next((ws.build_dir(SAMPLE_YEAR)).glob("rekapitulasi*.pdf"))
        incremental = recap.read_bytes()
        rebuild(ws, force=True)
    assert recap.read_bytes() == incremental
