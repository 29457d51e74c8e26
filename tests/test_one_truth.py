"""One truth in every document (issue 23): one nomination decision, one date, one rounding, read everywhere.

A five-unit year built from the sample: a WBK holder aiming at WBBM that meets only WBK
(UPT01), a unit that fails (BD02) and three that pass (UPT02 for WBK, UPT03 for WBBM,
BD01 for WBK). Every built PDF and DOCX is read back as text and must state the same
proposed set, number and predicate per unit; the WBK holder is not proposed, keeps its
WBK and is never said to hold no predicate.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import docx as python_docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dossier.cli import cli
from dossier.decision import decide_year
from dossier.readers.register import read_register

from . import reading
from .conftest import REPO, SAMPLE_YEAR, needs
from .reading import flat

PROPOSED = {"UPT02": "WBK", "UPT03": "WBBM", "BD01": "WBK"}
NOT_PROPOSED = ("UPT01", "BD02")
HOLDER = "UPT01"
HOLDER_SENTENCE = "tidak diusulkan tahun ini: belum memenuhi syarat WBBM; tetap berpredikat WBK"
# What no document may say of a unit holding WBK.
NO_PREDICATE = ("belum berpredikat", "Predikat saat ini Belum ada", "belum memperoleh predikat")


def pdf_text(path: Path, *args: str) -> str:
    return flat(reading.pdf_text(path, *args))


def pdf_pages(path: Path) -> list[str]:
    text = reading.pdf_text(path, "-layout")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def docx_text(path: Path) -> str:
    return flat(reading.docx_text(path))


def edit_register(path: Path, units: dict[str, dict[str, str]], award: dict[str, object] | None = None,
                  drop: tuple[str, ...] = ()) -> None:
    """Change cells of the register's Unit rows (by header), drop rows, set Penghargaan values (by label)."""
    wb = load_workbook(path)
    ws = wb["Unit"]
    headers = {c.value: c.column for c in ws[1] if c.value}
    for row in range(ws.max_row, 1, -1):
        code = ws.cell(row, 1).value
        if code in drop:
            ws.delete_rows(row)
        elif code in units:
            for header, value in units[code].items():
                ws.cell(row, headers[header], value)
    for row in range(wb["Inovasi"].max_row, 1, -1):
        if wb["Inovasi"].cell(row, 1).value in drop:
            wb["Inovasi"].delete_rows(row)
    labels = {ws_row[0].value: ws_row[0].row for ws_row in wb["Penghargaan"].iter_rows() if ws_row[0].value}
    for label, value in (award or {}).items():
        wb["Penghargaan"].cell(labels[label], 2, value)
    wb.save(path)


def five_unit_year(root: Path) -> Path:
    shutil.copytree(REPO / "inputs", root / "inputs")
    year = root / "inputs" / str(SAMPLE_YEAR)
    edit_register(year / "nominasi.xlsx", {HOLDER: {"Predikat Diusulkan": "WBBM", "Predikat Saat Ini": "WBK"}},
                  drop=("UPT04",))
    (year / "lke" / "LKE-Loka-Ambon.xlsx").unlink()  # UPT04's workbook (its Kode Unit cell names it)
    shutil.rmtree(year / "bukti" / "UPT04", ignore_errors=True)
    return root


@pytest.fixture(scope="module")
def built(built_sample, tmp_path_factory) -> Path:
    """The five-unit year built from where a secretariat would start: the sample year built.

    The units whose inputs did not change keep their documents, as the build's keys say; UPT01 (now
    a holder), the year's documents and the decision they state are made again.
    """
    from dossier.build import build
    from dossier.workspace import Workspace

    root = five_unit_year(tmp_path_factory.mktemp("truth"))
    shutil.copy(built_sample / "dossier.toml", root / "dossier.toml")
    shutil.copytree(built_sample / "build", root / "build", symlinks=True)
    result = build(Workspace(root), SAMPLE_YEAR, jobs=2)
    assert result.ok, result.failed
    made = {output.unit or output.kind.split("-")[0] for output in result.built}
    assert made == {HOLDER, "recap", "release", "letter"}, made
    return root


def out(root: Path) -> Path:
    return root / "build" / str(SAMPLE_YEAR)


@pytest.mark.slow
def test_the_decision_proposes_the_three_that_pass_and_keeps_the_holder_out(tmp_path):
    from dossier.scoring import score_unit
    from dossier.workspace import Workspace

    root = five_unit_year(tmp_path)
    ws = Workspace(root)
    year = ws.load(SAMPLE_YEAR)
    scores = [score_unit(u, year.lke.get(u.code), ws.edition(SAMPLE_YEAR)) for u in year.units]
    decided = decide_year(year.units, scores)
    assert {d.code: d.predicate for d in decided.proposed} == PROPOSED
    holder = decided.get(HOLDER)
    assert "WBK" in scores[0].eligible and "WBBM" not in scores[0].eligible  # it meets only WBK
    assert (holder.proposed, holder.keeps, holder.sentence()) == (False, "WBK", HOLDER_SENTENCE)
    assert decided.summary() == "5 unit dinilai, 3 diusulkan (2 WBK, 1 WBBM)"

    listed = json.loads(CliRunner().invoke(cli, ["-C", str(root), "score", "--json"]).output)["units"]
    assert {u["code"]: u["decision"]["predicate"] for u in listed if u["decision"]["proposed"]} == PROPOSED
    assert next(u for u in listed if u["code"] == HOLDER)["decision"]["keeps"] == "WBK"
    table = CliRunner(env={"DOSSIER_LANG": "en"}).invoke(cli, ["-C", str(root), "score"]).output
    assert "not proposed this year: does not meet WBBM; keeps WBK" in table


def test_validate_warns_of_a_holder_proposed_again_and_a_result_for_a_unit_not_proposed(tmp_path):
    root = five_unit_year(tmp_path)
    register = root / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx"
    edit_register(register, {"UPT02": {"Predikat Saat Ini": "WBK"}, "BD02": {"Hasil Penetapan": "WBK"}})
    output = CliRunner(env={"DOSSIER_LANG": "en"}).invoke(cli, ["-C", str(root), "validate"]).output
    assert "unit UPT02 already holds WBK and is proposed for it again" in output
    assert "unit BD02 has a Hasil Penetapan (WBK) but was not proposed this year" in output
    assert "unit UPT03 has a Hasil Penetapan" not in output


@pytest.mark.parametrize("dates, warned", [
    ({"Tanggal Evaluasi": datetime(2024, 5, 22), "Tanggal Usulan": datetime(2024, 5, 29)}, []),
    ({"Tanggal Evaluasi": datetime(2024, 6, 2), "Tanggal Usulan": datetime(2024, 5, 29)},
     ["Tanggal Usulan 2024-05-29 comes before Tanggal Evaluasi 2024-06-02"]),
    ({"Tanggal Usulan": datetime(2025, 1, 10)},
     ["Tanggal Usulan 2025-01-10 is not in award year 2024", "Tanggal Penyerahan 2024-12-12 comes before Tanggal Usulan"]),
    ({"Tanggal Evaluasi": datetime(2023, 12, 20)}, ["Tanggal Evaluasi 2023-12-20 is not in award year 2024"]),
])
def test_validate_warns_of_a_date_outside_the_year_or_out_of_order(tmp_path, dates, warned):
    root = five_unit_year(tmp_path)
    register = root / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx"
    edit_register(register, {}, award=dates)
    problems = [str(p) for p in read_register(register, SAMPLE_YEAR).problems]
    for text in warned:
        assert any(text in p for p in problems), (text, problems)
    assert sum("comes before" in p or "is not in award year" in p for p in problems) == len(warned)


@pytest.mark.render
@needs("pdftotext")
def test_every_document_states_the_same_decision(built):
    folder = out(built)
    names = {u.code: u.name for u in read_register(folder.parent.parent / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx",
                                                 SAMPLE_YEAR).units}
    said = {"WBK": "diusulkan untuk predikat WBK", "WBBM": "diusulkan untuk predikat WBBM"}
    per_unit = ["dossier/{}.pdf", "dossier/{}.docx", "lhe/{}.pdf", "lhe/{}.docx", "umpan-balik/{}.pdf", "paket/{}.pdf"]
    for code in names:
        for pattern in per_unit:
            path = folder / pattern.format(code)
            text = pdf_text(path) if path.suffix == ".pdf" else docx_text(path)
            if code in PROPOSED:
                assert said[PROPOSED[code]] in text, (path.name, code)
                other = "WBBM" if PROPOSED[code] == "WBK" else "WBK"
                assert f"diusulkan untuk predikat {other}" not in text, (path, code)
                assert "tidak diusulkan" not in text, (path, code)
            else:
                assert "tidak diusulkan tahun ini" in text, (path, code)
                assert "diusulkan untuk predikat" not in text, (path, code)
            if code == HOLDER:
                assert HOLDER_SENTENCE in text, path
                assert not any(n in text for n in NO_PREDICATE), path

    def laid_out(path: Path) -> str:  # table rows on one line each
        return pdf_text(path, "-layout")

    year_level = {"surat-usulan.pdf": laid_out, "surat-usulan.docx": docx_text, "rilis.pdf": laid_out,
                  "rilis.docx": docx_text}
    for name, read in year_level.items():
        text = read(folder / name)
        assert "mengusulkan tiga unit kerja" in text, name
        for code, predicate in PROPOSED.items():
            found = re.search(re.escape(names[code]) + r".{0,160}?\b(WBBM|WBK)\b", text)
            assert found and found.group(1) == predicate, (name, code)
        for code in NOT_PROPOSED:
            assert names[code] not in text, (name, code)
    recap = pdf_text(folder / "rekapitulasi.pdf")
    assert "5 unit dinilai, 3 diusulkan (2 WBK, 1 WBBM)" in recap
    assert "Tidak (tetap WBK)" in recap and not any(n in recap for n in NO_PREDICATE)
    wb = load_workbook(folder / "rekapitulasi.xlsx")
    ws = wb.worksheets[0]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Kode")
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(values_only=True) if r[0] in names}
    assert {code: row["Diusulkan"] for code, row in rows.items()} == {
        **PROPOSED, "UPT01": "Tidak (tetap WBK)", "BD02": "Tidak"}


@pytest.mark.render
@needs("pdftotext")
def test_the_lhe_is_dated_with_the_evaluation_never_the_ceremony(built):
    for path in sorted((out(built) / "lhe").glob("*.pdf")):
        text = pdf_text(path)
        assert "Jakarta, 22 Mei 2024" in text, path  # Tanggal Evaluasi of the sample
        assert "12 Desember 2024" not in text, path


@pytest.mark.render
@needs("pdftotext")
def test_no_signature_block_stands_alone_on_a_page(built):
    """On every page of every built PDF that holds a signature (a NIP line), the closing and the position are there too."""
    checked = 0
    for path in sorted(out(built).rglob("*.pdf")):
        for number, page in enumerate(pdf_pages(path), start=1):
            if "NIP." not in page:
                continue
            checked += 1
            body = [line for line in page.splitlines() if line.strip()]
            at = next(i for i, line in enumerate(body) if "NIP." in line)
            # Above the NIP: the name, the space, the position, the place and date, and the closing sentence.
            above = " ".join(body[max(0, at - 12):at])
            assert re.search(r"Demikian|terima kasih|Atas perhatian", above), (path.name, number, page)
    assert checked >= 5 * 3


@pytest.mark.render
@needs("pdftotext")
def test_the_release_after_the_results_names_every_proposed_unit_and_every_fact(built, tmp_path):
    root = tmp_path / "after"
    shutil.copytree(built / "inputs", root / "inputs")
    register = root / "inputs" / str(SAMPLE_YEAR) / "nominasi.xlsx"
    edit_register(register, {"UPT02": {"Hasil Penetapan": "WBK"}, "UPT03": {"Hasil Penetapan": "WBBM"},
                             "BD01": {"Hasil Penetapan": "Tidak"}},
                  award={"Rilis Sebut Semua Unit": "Ya", "Unit Dievaluasi Nasional": "3.124",
                         "Unit Berpredikat Nasional": "1.176"})
    result = CliRunner().invoke(cli, ["-C", str(root), "report"])
    assert result.exit_code == 0, result.output
    names = {u.code: u.name for u in read_register(register, SAMPLE_YEAR).units}
    for path, read in ((out(root) / "rilis.pdf", pdf_text), (out(root) / "rilis.docx", docx_text)):
        text = read(path)
        assert "mengusulkan tiga unit kerja, terdiri atas dua Unit Pelaksana Teknis (UPT) dan satu Balai Diklat" in text
        for code, predicate in PROPOSED.items():
            assert f"{names[code]} (diusulkan {predicate})" in text, (path.name, code)
        assert f"{names['BD01']} belum memperoleh predikat yang diusulkan" in text
        for code in NOT_PROPOSED:
            assert names[code] not in text, (path.name, code)
        assert "Kamis (12/12/2024)" in text
        assert f"{names['UPT03']} sebelumnya telah meraih predikat WBK pada tahun 2022." in text
        assert ("mengevaluasi 3.124 unit kerja, dan 1.176 unit kerja di antaranya meraih predikat WBK atau WBBM."
                in text)
        assert "Hadir dalam acara tersebut" in text and "Turut hadir" not in text


@pytest.mark.render
def test_a_docx_signature_block_keeps_its_closing_with_the_signatures(built):
    """Word keeps the closing paragraph with the signature table, and no signature row splits across pages."""
    for name in ("dossier/UPT02.docx", "lhe/UPT02.docx", "surat-usulan.docx"):
        document = python_docx.Document(str(out(built) / name))
        closing = [p for p in document.paragraphs if p.text.startswith(("Demikian", "Dokumen usulan beserta"))]
        assert closing and all(p.paragraph_format.keep_with_next for p in closing), name
        body = document.element.body
        block = closing[-1]._p.getnext()
        while block is not None and block.tag.rpartition("}")[2] != "tbl":
            block = block.getnext()
        assert block is not None, name
        rows = block.findall(".//" + block.tag.replace("tbl", "tr"))
        assert rows and all(r.find(".//" + block.tag.replace("tbl", "cantSplit")) is not None for r in rows), name
        assert body is not None
