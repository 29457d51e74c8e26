"""Shared fixtures: a copy of the bundled sample award year, and tool checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_YEAR = 2024

# The tests written before the command line spoke Indonesian read its English; tests/test_i18n.py
# checks both languages (and sets DOSSIER_LANG itself).
os.environ.setdefault("DOSSIER_LANG", "en")


def needs(tool: str):
    """Skip a test when a command-line tool it uses is not installed."""
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed (scripts/setup installs it)")


@pytest.fixture
def speak():
    """Switch the language of this process for one test (`speak("id")`), and back to the suite's afterwards."""
    from dossier import i18n

    before = os.environ.get("DOSSIER_LANG")
    yield i18n.set_language
    if before is None:
        os.environ.pop("DOSSIER_LANG", None)
    i18n.set_language(before or "en")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh workspace holding a copy of the bundled sample award year."""
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    return tmp_path


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    """The sample year built once for the whole session (read-only for tests)."""
    from dossier.build import build
    from dossier.workspace import Workspace

    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "inputs", root / "inputs")
    result = build(Workspace(root), SAMPLE_YEAR, jobs=2)
    assert result.ok, result.failed
    return root


# Test modules that build real documents (WeasyPrint, LibreOffice) or a whole year: marked
# `render`, so that `pytest -m "not render"` runs the readers, scoring and command line quickly.
RENDER_MODULES = {
    "test_acceptance_release_packet", "test_archive", "test_archive_signature", "test_build", "test_crash",
    "test_dask", "test_docx", "test_dossier", "test_dossier_claims", "test_evidence_safety", "test_feedback",
    "test_hostile", "test_i18n_archive", "test_i18n_docs", "test_incremental", "test_long_text",
    "test_office_evidence", "test_packet", "test_recap", "test_registry", "test_release", "test_render",
    "test_sample_output_unchanged", "test_tempfiles", "test_templates_confined", "test_tpi", "test_trust",
    "test_workbook_formulas", "test_workbook_printing",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__.rpartition(".")[2] in RENDER_MODULES or "built_sample" in item.fixturenames:
            item.add_marker(pytest.mark.render)
