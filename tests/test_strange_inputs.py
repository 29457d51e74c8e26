"""Strange inputs get a clear message: Strict Open XML, a BOM, a truncated JPEG, odd years and epochs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dossier.config import load_settings
from dossier.readers.evidence import IMAGE, UNREADABLE, Document, _check_image
from tests.conftest import REPO, SAMPLE_YEAR

STRICT = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
}
EXTENSIONS = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
              b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              b'<x14:dataValidations count="0"/></ext></extLst></worksheet>')


def dossier(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier", "-C", str(workspace), *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300)


def rewrite(path: Path, change) -> None:
    """Rewrite every member of a zip package through change(name, data)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, change(info.filename, source.read(info))) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, data)


@pytest.fixture
def workspace(tmp_path) -> Path:
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    return tmp_path


def lkes(workspace: Path) -> list[Path]:
    return sorted((workspace / "inputs" / str(SAMPLE_YEAR) / "lke").glob("*.xlsx"))


@pytest.mark.slow
def test_a_strict_open_xml_workbook_is_named_with_what_to_do(workspace):
    def strict(_name, data):
        for old, new in STRICT.items():
            data = data.replace(old, new)
        return data

    rewrite(lkes(workspace)[0], strict)
    run = dossier(workspace, "validate")
    said = run.stdout + run.stderr
    assert f"{lkes(workspace)[0].name}: the workbook is saved as 'Strict Open XML Spreadsheet'" in said
    assert "Traceback" not in said and "UserWarning" not in said


@pytest.mark.slow
def test_openpyxl_warnings_never_reach_the_user(workspace):
    rewrite(lkes(workspace)[0], lambda name, data: data.replace(b"</worksheet>", EXTENSIONS)
            if name.startswith("xl/worksheets/") else data)
    run = dossier(workspace, "validate")
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stdout + run.stderr and "warn(" not in run.stderr


@pytest.mark.slow
def test_a_dossier_toml_with_a_byte_order_mark_is_read(workspace):
    (workspace / "dossier.toml").write_bytes(b"\xef\xbb\xbf" + b'[penandatangan]\nkota = "Makassar"\n')
    assert load_settings(workspace).signing_city == "Makassar"
    run = dossier(workspace, "validate")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_is_loaded(tmp_path):
    import weasyprint  # noqa: F401 - it makes Pillow accept truncated images for the whole process

    photo = next((REPO / "inputs").rglob("*.jpg"))
    cut = tmp_path / "foto.jpg"
    cut.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    problems = []
    document = _check_image(Document("PPA1A", "foto.jpg", IMAGE, source=cut), "bukti/foto.jpg", "BD02", problems)
    assert document.kind == UNREADABLE
    assert problems and "truncated" in problems[0].message


@pytest.mark.parametrize("year", ["99999", "1899", "３０２４"])
def test_a_year_out_of_range_or_in_other_digits_is_refused_with_a_message(workspace, year):
    (workspace / "inputs" / year).mkdir()
    run = dossier(workspace, "build", "--year", year)
    assert run.returncode == 2  # a usage error, as for any bad option value
    assert "is not an award year; write it in digits 0-9, 1900-2999" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_a_folder_named_like_a_huge_year_is_not_taken_as_the_newest_year(workspace):
    (workspace / "inputs" / "99999").mkdir()
    run = dossier(workspace, "score", "--json")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert f'"year": {SAMPLE_YEAR}' in run.stdout


@pytest.mark.slow
@pytest.mark.parametrize("epoch", ["99999999999999", "-5", "١٧٠٠٠٠٠٠٠٠"])
def test_an_out_of_range_source_date_epoch_gets_a_message(workspace, epoch):
    run = dossier(workspace, "build", "--format", "docx", SOURCE_DATE_EPOCH=epoch)
    assert run.returncode == 1
    assert "SOURCE_DATE_EPOCH" in run.stderr and "Traceback" not in run.stderr


def test_a_truncated_jpeg_logo_is_set_aside_with_a_message(tmp_path):
    import weasyprint  # noqa: F401 - as in a build, where Pillow would accept it half-blank

    photo = next((REPO / "inputs").rglob("*.jpg"))
    (tmp_path / "logo.jpg").write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    (tmp_path / "dossier.toml").write_text('[dokumen]\nlogo = "logo.jpg"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.logo is None
    (warning,) = settings.warnings
    assert "logo.jpg cannot be read in full" in warning and "truncated" in warning
