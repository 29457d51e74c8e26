"""`dossier archive` and `archive verify` speak Indonesian by default, English on request (issue 16).

The sample year is built once (conftest's `built_sample`), copied, archived through the command
line in a subprocess, damaged, and verified in both languages. What the archive holds
(manifest.json, daftar-arsip.pdf) must be the same bytes whatever the interface language.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_YEAR
from tests.test_i18n import dossier, flat

YEAR = str(SAMPLE_YEAR)
ENGLISH_WORDS = re.compile(r"\b(changed|missing|extra|expected|found|finding|findings|listed|manifest|folder but)\b")


@pytest.fixture(scope="module")
def archived_once(built_sample, tmp_path_factory) -> Path:
    """A copy of the built sample year, archived with `dossier archive` (in Indonesian, the default), once."""
    root = tmp_path_factory.mktemp("i18n-archive") / "ws"
    # Without the archive another test may have made in the shared built sample (test_build does).
    shutil.copytree(built_sample, root, symlinks=True,
                    ignore=lambda folder, names: ["archive"] if Path(folder) == built_sample else [])
    result = dossier("-C", str(root), "archive", "--year", YEAR, cwd=root.parent)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def archived(archived_once, tmp_path) -> Path:
    """The archived year, copied to another folder for each test (an archive is checked where it was moved to)."""
    root = tmp_path / "ws"
    shutil.copytree(archived_once, root, symlinks=True)
    return root


def archived_file(root: Path, kind: str) -> Path:
    """The first archived file of a kind (dossier-pdf, recap-pdf...), as its manifest lists it."""
    manifest = json.loads((root / "archive" / YEAR / "manifest.json").read_text(encoding="utf-8"))
    return root / "archive" / YEAR / next(f["path"] for f in manifest["files"] if f["kind"] == kind)


def damage(root: Path) -> tuple[str, str, str]:
    """Change a byte of a dossier, remove the recap, add a stray file; their paths as verify names them."""
    dossier_pdf, recap = archived_file(root, "dossier-pdf"), archived_file(root, "recap-pdf")
    data = bytearray(dossier_pdf.read_bytes())
    data[200] ^= 0x01
    dossier_pdf.write_bytes(bytes(data))
    recap.unlink()
    stray = root / "archive" / YEAR / "catatan.txt"
    stray.write_text("tidak diarsipkan\n", encoding="utf-8")
    return tuple(p.relative_to(root).as_posix() for p in (dossier_pdf, recap, stray))


@pytest.mark.render
def test_verify_reports_a_damaged_archive_in_indonesian_by_default(archived, tmp_path):
    changed, missing, extra = damage(archived)

    result = dossier("-C", str(archived), "archive", "verify", "--year", YEAR, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{changed}: berubah: seharusnya ") and " bita dengan SHA-256 " in line
               and ", ternyata " in line for line in lines), result.stdout
    assert f"{missing}: hilang: tercantum dalam daftar berkas tetapi tidak ada di folder" in lines
    assert f"{extra}: tambahan: ada di folder tetapi tidak tercantum dalam daftar berkas" in lines
    assert lines[-1] == "3 temuan."
    assert not ENGLISH_WORDS.search(result.stdout), result.stdout


@pytest.mark.render
def test_verify_reports_a_damaged_archive_in_english_on_request(archived, tmp_path):
    changed, missing, extra = damage(archived)

    result = dossier("-C", str(archived), "archive", "verify", "--year", YEAR, cwd=tmp_path, lang="en")

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{changed}: changed: expected ") and " bytes with SHA-256 " in line
               for line in lines), result.stdout
    assert f"{missing}: missing: listed in the manifest but not in the folder" in lines
    assert f"{extra}: extra: in the folder but not in the manifest" in lines
    assert lines[-1] == "3 findings."
    assert not re.search(r"\b(berubah|hilang|tambahan|temuan|tercantum)\b", result.stdout)


@pytest.mark.render
def test_a_wrong_fingerprint_is_reported_in_both_languages(archived, tmp_path):
    wrong = "0" * 64
    for lang, expected in ((None, "sidik jari: SHA-256-nya "), ("en", "fingerprint: its SHA-256 is ")):
        result = dossier("-C", str(archived), "archive", "verify", "--sidik-jari", wrong, cwd=tmp_path, lang=lang)
        assert result.returncode == 1, result.stderr
        assert f"archive/{YEAR}/manifest.json: {expected}" in result.stdout
    assert f", bukan {wrong} yang tercatat" in dossier("-C", str(archived), "archive", "verify", "--sidik-jari",
                                                      wrong, cwd=tmp_path).stdout


@pytest.mark.render
def test_an_intact_archive_verifies_in_either_language(archived, tmp_path):
    for lang in (None, "en"):
        result = dossier("-C", str(archived), "archive", "verify", cwd=tmp_path, lang=lang)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout == ""


@pytest.mark.render
def test_archiving_again_without_force_is_refused_in_indonesian_then_english(archived, tmp_path):
    result = dossier("-C", str(archived), "archive", "--year", YEAR, cwd=tmp_path)
    assert result.returncode == 1
    message = flat(result.stderr)
    assert f"archive/{YEAR} sudah ada (diarsipkan pada " in message
    assert "); gunakan --force untuk menggantinya; arsip yang sekarang disimpan sebagai archive/" in message
    assert "already exists" not in message

    result = dossier("-C", str(archived), "archive", "--year", YEAR, cwd=tmp_path, lang="en")
    assert result.returncode == 1
    assert f"archive/{YEAR} already exists (archived on " in flat(result.stderr)


@pytest.mark.render
def test_verifying_a_year_never_archived_says_so_in_indonesian(archived, tmp_path):
    result = dossier("-C", str(archived), "archive", "verify", "--year", "2019", cwd=tmp_path)
    assert result.returncode == 1
    assert (f"archive/2019: tidak ada tahun yang diarsipkan di sana (tahun yang sudah diarsipkan: {YEAR}). "
            "Jalankan dahulu 'dossier archive'.") in flat(result.stderr)


@pytest.mark.render
def test_the_archive_holds_the_same_bytes_whatever_the_language(archived, tmp_path):
    folder = archived / "archive" / YEAR
    indonesian = {name: (folder / name).read_bytes() for name in ("manifest.json", "daftar-arsip.pdf")}

    result = dossier("-C", str(archived), "archive", "--year", YEAR, "--force", cwd=tmp_path, lang="en")

    assert result.returncode == 0, result.stderr
    assert {name: (folder / name).read_bytes() for name in indonesian} == indonesian
