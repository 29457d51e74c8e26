"""Behaviour unchanged: the sample year builds to exactly the bytes recorded before the restructuring of issue 11.

tests/data/sample-2024-manifest-sha256.json holds the path -> SHA-256 map of manifest.json
from `dossier build` in the repository root (the sample inputs and dossier.toml). The build
is byte-reproducible (README, "Reproducible builds"), so any difference is a change in
behaviour. Update the fixture only in a commit that means to change the outputs, and say so:
`.venv/bin/python -m tests.test_sample_output_unchanged` records both files again.

The bytes also depend on the tools and libraries that make them (LibreOffice converts the
office evidence, WeasyPrint and its text libraries lay out the PDFs, python-docx and openpyxl
write the packages). tests/data/sample-2024-made-with.json holds their versions at recording;
constraints.txt pins the Python ones. Where any differs, the test is skipped and says which.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from .conftest import SAMPLE_YEAR

DATA = Path(__file__).parent / "data"
EXPECTED = DATA / "sample-2024-manifest-sha256.json"
MADE_WITH = DATA / "sample-2024-made-with.json"

# The Python distributions whose code writes bytes into the sample's documents.
SHAPING = ("weasyprint", "pydyf", "fonttools", "pillow", "tinycss2", "cssselect2", "pyphen", "pypdf", "python-docx",
           "lxml", "openpyxl", "jinja2", "babel", "num2words")


def _library(name: str, function: str) -> str:
    try:
        get = getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return "not found"
    get.restype = ctypes.c_char_p
    return get().decode()


def _tool(*command: str) -> str:
    if shutil.which(command[0]) is None:
        return "not installed"
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return (done.stdout + done.stderr).strip().splitlines()[0]


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def made_with() -> dict[str, str]:
    """The versions installed here of everything that shapes the sample's bytes."""
    return {
        "libreoffice": _tool("soffice", "--version"),
        "poppler": _tool("pdftoppm", "-v"),
        "pango": _library("libpango-1.0.so.0", "pango_version_string"),
        "harfbuzz": _library("libharfbuzz.so.0", "hb_version_string"),
        **{name: _package(name) for name in SHAPING},
    }


def built_hashes(root: Path) -> dict[str, str]:
    """The manifest's path -> SHA-256 map of a built sample year, after checking each file against it."""
    out = root / "build" / str(SAMPLE_YEAR)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {path: hashlib.sha256((out / path).read_bytes()).hexdigest() for path in listed}
    assert listed == on_disk
    return listed


@pytest.mark.render
def test_sample_year_builds_to_the_recorded_bytes(request):
    recorded, here = json.loads(MADE_WITH.read_text(encoding="utf-8")), made_with()
    differ = [f"{name} {recorded.get(name)} (here {here.get(name)})" for name in sorted(recorded.keys() | here.keys())
              if recorded.get(name) != here.get(name)]
    if differ:
        pytest.skip("the recorded sample bytes were made with other versions: " + "; ".join(differ)
                    + ". scripts/setup installs the pinned ones (constraints.txt)")
    # Asked for only now, so that a skipped test builds nothing; built from the repository's inputs and dossier.toml.
    listed = built_hashes(request.getfixturevalue("built_sample"))
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    changed = sorted(p for p in expected.keys() | listed.keys() if expected.get(p) != listed.get(p))
    assert not changed, f"outputs differ from the recorded sample build: {changed}"


if __name__ == "__main__":  # record the fixture again: python -m tests.test_sample_output_unchanged
    import tempfile

    from dossier.build import build
    from dossier.workspace import Workspace

    from .conftest import REPO

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(REPO / "inputs", root / "inputs")
        shutil.copy(REPO / "dossier.toml", root / "dossier.toml")
        result = build(Workspace(root), SAMPLE_YEAR, jobs=2)
        assert result.ok, result.failed
        EXPECTED.write_text(json.dumps(dict(sorted(built_hashes(root).items())), indent=1) + "\n", encoding="utf-8")
    MADE_WITH.write_text(json.dumps(made_with(), indent=1) + "\n", encoding="utf-8")
