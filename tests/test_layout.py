"""The workbook layout is declared once: the writers lay it out, the readers find it by header text."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import load_workbook

from dossier import layout
from dossier.readers import register as register_reader
from dossier.readers.register import read_register
from dossier.rules import load_edition
from dossier.sample import sample_award, sample_quotes, sample_units
from dossier.workbooks import write_lke_template, write_register


def test_the_register_is_written_as_the_layout_declares(tmp_path):
    path = tmp_path / layout.REGISTER
    write_register(path, 2024, sample_award(2024), sample_units(), sample_quotes())
    wb = load_workbook(path)
    assert wb.sheetnames == [layout.AWARD_SHEET, layout.UNIT.sheet, layout.QUOTE.sheet, layout.INNOVATION.sheet]
    labels = [wb[layout.AWARD_SHEET].cell(row, 1).value for row in range(1, len(layout.AWARD_LABELS) + 1)]
    assert labels == [label.text for label in layout.AWARD_LABELS]
    for table in (layout.UNIT, layout.QUOTE, layout.INNOVATION):
        assert tuple(c.value for c in wb[table.sheet][1]) == table.headers
    assert wb[layout.UNIT.sheet].cell(2, layout.UNIT.number("name")).value == sample_units()[0].name


def test_the_lke_is_written_as_the_layout_declares(tmp_path):
    path = tmp_path / "lke.xlsx"
    write_lke_template(path, load_edition(), unit_code="UPT09", unit_name="Balai", year=2024, ministry="KSDM")
    wb = load_workbook(path)
    assert wb.sheetnames == [layout.LKE_SHEET, layout.GUIDE_SHEET]
    ws = wb[layout.LKE_SHEET]
    assert tuple(c.value for c in ws[layout.LKE_HEADER_ROW]) == layout.LKE.headers
    labels = [ws.cell(row, layout.LKE.number("code")).value for row in range(3, 3 + len(layout.LKE_TITLE_LABELS))]
    assert labels == list(layout.LKE_TITLE_LABELS)


def test_an_optional_column_may_be_absent_from_an_older_register(tmp_path, monkeypatch):
    path = tmp_path / layout.REGISTER
    write_register(path, 2024, sample_award(2024), sample_units(), sample_quotes())
    wb = load_workbook(path)
    wb[layout.UNIT.sheet].delete_cols(layout.UNIT.number("category"))
    wb.save(path)
    assert any("Kategori Penghargaan" in p.message for p in read_register(path, 2024).problems)  # required today

    optional = tuple(replace(c, required=False) if c.key == "category" else c for c in layout.UNIT.columns)
    monkeypatch.setattr(register_reader, "UNIT", replace(layout.UNIT, columns=optional))
    read = read_register(path, 2024)
    assert [p for p in read.problems if p.severity == "error"] == []
    assert [u.code for u in read.units] == [u.code for u in sample_units()]
    assert {u.category for u in read.units} == {""}
    assert read.units[0].name == sample_units()[0].name
