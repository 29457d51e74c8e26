"""The registry of document kinds: a kind declared there alone is built and listed."""

from __future__ import annotations

import json

import pytest

from dossier.build import build
from dossier.documents import registry
from dossier.documents.kinds import DocumentKind, Job, Made
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


def test_the_build_names_no_kind():
    from pathlib import Path

    import dossier.build as build_module

    for kind in registry.KINDS:
        for module in ("build", "workers", "incremental"):
            source = (Path(build_module.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
            assert f'"{kind.kind}"' not in source, f"dossier/{module}.py names the kind {kind.kind}"
