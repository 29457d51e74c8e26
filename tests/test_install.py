"""dossier installed from its wheel, not run from the checkout, builds the bundled sample year.

Every other test runs from the editable install, which finds the templates, fonts, catalogs
and rules beside the source; a wheel puts them inside the package. This test builds the
wheel from a copy of the sources, installs it into a fresh virtual environment and runs the
`dossier` command from a folder outside the checkout.

The fresh environment has no pip and no copies of the dependencies: a .pth file lends it the
test environment's site-packages (their folder is added to sys.path; the .pth files in it, such
as the editable install's, are not read). dossier itself comes from the wheel alone, which the
test checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import REPO, SAMPLE_YEAR, needs

pytestmark = pytest.mark.render

# What a wheel is built from: everything but the local state of a checkout.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "archive", "inputs", "tests", "*.egg-info",
                                     "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", "*.mo")


def run(command: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a command with the test's environment minus anything that would point back at the checkout."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([str(c) for c in command], cwd=cwd, env={**environment, **env},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with dossier installed from a wheel of the current sources."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    # A copy, so that setuptools' build/ folder never mixes with the checkout's build/<year>/ and a
    # stale build/lib of an earlier wheel cannot slip files into this one.
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", base / "wheel", source], cwd=base)
    wheel = next((base / "wheel").glob("dossier-*.whl"))

    venv = base / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base)
                   .stdout.strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        cwd=base)
    return venv / "bin"


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = run([installed / "python", "-c", "import dossier; print(dossier.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    assert not Path(where).resolve().is_relative_to(REPO)


@needs("pdffonts")
def test_a_wheel_install_outside_the_checkout_builds_the_sample_year(installed, tmp_path):
    dossier = installed / "dossier"
    said = run([dossier, "init", "ws", "--year", SAMPLE_YEAR], cwd=tmp_path, DOSSIER_LANG="id")
    assert "Folder kerja dibuat" in said.stderr  # the Indonesian catalog, compiled into the wheel
    run([installed / "python", "-m", "dossier.sample", "ws"], cwd=tmp_path)
    ws = tmp_path / "ws"

    run([dossier, "-C", ws, "build", "--jobs", "2"], cwd=tmp_path)
    out = ws / "build" / str(SAMPLE_YEAR)
    units = sorted(p.name for p in (ws / "inputs" / str(SAMPLE_YEAR) / "bukti").iterdir())
    assert len(units) == 6
    for code in units:
        for path in (f"dossier/{code}.pdf", f"paket/{code}.pdf", f"lhe/{code}.pdf", f"umpan-balik/{code}.pdf",
                     f"dossier/{code}.docx"):
            assert (out / path).is_file(), path
    for path in ("rekapitulasi.pdf", "rilis.pdf", "surat-usulan.pdf", "rekapitulasi.xlsx"):
        assert (out / path).is_file(), path
    dossier_pdf = out / f"dossier/{units[0]}.pdf"
    assert len(PdfReader(dossier_pdf).pages) > 3
    fonts = run(["pdffonts", dossier_pdf], cwd=tmp_path).stdout
    assert "Dossier-Sans" in fonts  # the bundled Liberation fonts (document.css names them so), found in the package

    run([dossier, "-C", ws, "archive"], cwd=tmp_path)
    run([dossier, "-C", ws, "archive", "verify"], cwd=tmp_path)
    assert (ws / "archive" / str(SAMPLE_YEAR) / "daftar-arsip.pdf").is_file()


def test_templates_export_from_a_wheel_install_copies_every_default(installed, tmp_path):
    said = run([installed / "dossier", "templates", "export", "mine"], cwd=tmp_path)
    defaults = {p.relative_to(REPO / "templates").as_posix() for p in (REPO / "templates").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    copied = {p.relative_to(tmp_path / "mine").as_posix() for p in (tmp_path / "mine").rglob("*") if p.is_file()}
    assert copied == defaults
    assert {"base.html", "dossier.html", "static/fonts/LiberationSans-Regular.ttf", "docx/reference.docx"} <= copied
    assert (tmp_path / "mine" / "dossier.html").read_bytes() == (REPO / "templates" / "dossier.html").read_bytes()
    assert str(len(defaults)) in said.stderr
