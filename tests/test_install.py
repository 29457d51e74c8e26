"""dossier installed from its wheel, not run from the checkout, builds the bundled sample year.

tests/installed.py builds the wheel from a copy of the sources and installs it into a fresh
virtual environment; the run's shared sample year (conftest's `built_sample`) is built with
that install's `dossier` command, outside the checkout. Here: that the install is the wheel's,
that its commands speak from its compiled catalog and write the sample, that the year it built
holds every document with the bundled fonts, and that it archives and verifies the year.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import REPO, SAMPLE_YEAR, needs
from .installed import run

pytestmark = pytest.mark.render


def test_the_installed_package_is_the_wheel_not_the_checkout(installed_wheel, tmp_path):
    where = run([installed_wheel / "python", "-c", "import dossier; print(dossier.__file__)"], cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed_wheel.parent), where
    assert not Path(where).resolve().is_relative_to(REPO)


@needs("pdffonts")
def test_a_wheel_install_outside_the_checkout_builds_the_sample_year(installed_wheel, built_sample, tmp_path):
    dossier = installed_wheel / "dossier"
    said = run([dossier, "init", "ws", "--year", SAMPLE_YEAR], cwd=tmp_path, DOSSIER_LANG="id")
    assert "Folder kerja dibuat" in said.stderr  # the Indonesian catalog, compiled into the wheel
    run([installed_wheel / "python", "-m", "dossier.sample", "ws"], cwd=tmp_path)
    written = tmp_path / "ws" / "inputs" / str(SAMPLE_YEAR)
    # The sample it writes is the bundled one, which the run's shared year was built from by this install.
    assert {p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file()} == {
        p.relative_to(REPO / "inputs" / str(SAMPLE_YEAR)).as_posix()
        for p in (REPO / "inputs" / str(SAMPLE_YEAR)).rglob("*") if p.is_file()}

    out = built_sample / "build" / str(SAMPLE_YEAR)
    units = sorted(p.name for p in (built_sample / "inputs" / str(SAMPLE_YEAR) / "bukti").iterdir())
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

    ws = tmp_path / "built"
    shutil.copytree(built_sample, ws, symlinks=True,
                    ignore=lambda folder, names: ["archive"] if Path(folder) == built_sample else [])
    run([dossier, "-C", ws, "archive"], cwd=tmp_path)
    run([dossier, "-C", ws, "archive", "verify"], cwd=tmp_path)
    assert (ws / "archive" / str(SAMPLE_YEAR) / "daftar-arsip.pdf").is_file()


def test_templates_export_from_a_wheel_install_copies_every_default(installed_wheel, tmp_path):
    said = run([installed_wheel / "dossier", "templates", "export", "mine"], cwd=tmp_path)
    defaults = {p.relative_to(REPO / "templates").as_posix() for p in (REPO / "templates").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    copied = {p.relative_to(tmp_path / "mine").as_posix() for p in (tmp_path / "mine").rglob("*") if p.is_file()}
    assert copied == defaults
    assert {"base.html", "dossier.html", "static/fonts/LiberationSans-Regular.ttf", "docx/reference.docx"} <= copied
    assert (tmp_path / "mine" / "dossier.html").read_bytes() == (REPO / "templates" / "dossier.html").read_bytes()
    assert str(len(defaults)) in said.stderr
