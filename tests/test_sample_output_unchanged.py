"""Behaviour unchanged: the sample year builds to exactly the bytes recorded before the restructuring of issue 11.

tests/data/sample-2024-manifest-sha256.json holds the path -> SHA-256 map of manifest.json
from `dossier build` in the repository root (the sample inputs and dossier.toml). The build
is byte-reproducible (README, "Reproducible builds"), so any difference is a change in
behaviour. Update the fixture only in a commit that means to change the outputs, and say so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from dossier.build import build
from dossier.workspace import Workspace

from .conftest import REPO, SAMPLE_YEAR

EXPECTED = Path(__file__).parent / "data" / "sample-2024-manifest-sha256.json"


def test_sample_year_builds_to_the_recorded_bytes(tmp_path):
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    shutil.copy(REPO / "dossier.toml", tmp_path / "dossier.toml")
    result = build(Workspace(tmp_path), SAMPLE_YEAR, jobs=2)
    assert result.ok, result.failed

    out = tmp_path / "build" / str(SAMPLE_YEAR)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {path: hashlib.sha256((out / path).read_bytes()).hexdigest() for path in listed}
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert listed == on_disk
    changed = sorted(p for p in expected.keys() | listed.keys() if expected.get(p) != listed.get(p))
    assert not changed, f"outputs differ from the recorded sample build: {changed}"
