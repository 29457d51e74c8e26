"""Long text in every field of the register never breaks a document."""

from __future__ import annotations

import shutil
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from dossier.build import build
from dossier.layout import AWARD_SHEET
from dossier.workspace import Workspace
from tests.conftest import REPO, SAMPLE_YEAR

UNITS = ["BD02", "UPT02"]
LONG = ("Satuan Kerja Penyelenggara Pelayanan Publik Terpadu Bidang Kelautan dan Perikanan " * 4)[:300].strip()
# Free text in the register: the award's labels and every unit's columns that take any text.
AWARD_TEXT = ("Instansi", "Singkatan Instansi", "Pemberi Penghargaan", "Tempat Penyerahan", "Dibuka Oleh",
              "Dihadiri Oleh", "Kota Rilis")
UNIT_TEXT = ("Nama Unit", "Jenis Unit", "Kota", "Provinsi", "Kepala Unit", "Kategori Penghargaan")


@pytest.mark.render
def test_300_characters_in_every_text_field_builds_every_document(tmp_path):
    shutil.copytree(REPO / "inputs", tmp_path / "inputs")
    register = tmp_path / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx"
    book = load_workbook(register)
    award = book[AWARD_SHEET]
    for row in award.iter_rows(min_row=1):
        if row[0].value in AWARD_TEXT:
            row[1].value = f"{row[0].value} {LONG}"[:300]
    units = book["Unit"]
    headers = [c.value for c in units[1]]
    for row in units.iter_rows(min_row=2):
        if row[0].value in UNITS:
            for name in UNIT_TEXT:
                row[headers.index(name)].value = f"{name} {LONG}"[:300]
    for title in ("Kutipan", "Inovasi"):  # every text cell of the quotes and the innovations
        for row in book[title].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip() and cell.column > 1:
                    cell.value = f"{cell.value} {LONG}"[:300]
    book.save(register)
    (tmp_path / "dossier.toml").write_text(
        f'[penandatangan]\nketua_tpi = "{LONG}"\njabatan_ketua_tpi = "{LONG}"\nnip_ketua_tpi = "{LONG[:40]}"\n'
        f'kota = "{LONG}"\n', encoding="utf-8")
    result = build(Workspace(tmp_path), SAMPLE_YEAR, units=UNITS, jobs=2)
    assert result.ok, result.failed
    out = tmp_path / "build" / str(SAMPLE_YEAR)
    for path in [*out.rglob("*.docx"), *out.rglob("*.xlsx")]:
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
    document = docx.Document(out / "dossier" / "BD02.docx")
    assert 0 < len(document.core_properties.author) <= 255 and document.core_properties.author.endswith("…")
    assert len(document.core_properties.title) <= 255
