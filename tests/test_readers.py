"""The readers on real workbooks: the register, LKE workbooks, evidence, and a LibreOffice-saved file."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from dossier.errors import Problem, WorkspaceError
from dossier.model import Answer, Evidence
from dossier.readers import read_award_year
from dossier.readers.evidence import resolve_evidence, split_entries
from dossier.readers.register import parse_date
from dossier.readers.safety import check_xml_safety
from dossier.scoring import score_unit
from dossier.workbooks import write_lke_template

from .conftest import needs
from .workbook_factory import YEAR, edition, full_answers, lke_book, register_book, row_of, write_year


def read(inputs: Path):
    return read_award_year(inputs, YEAR, edition())


def test_a_valid_year_reads_without_problems(tmp_path):
    year = read(write_year(tmp_path))
    assert year.problems == []
    assert year.edition == "2021"
    assert year.award.ministry_short == "KSDM"
    assert year.award.ceremony_date == date(2024, 12, 12)
    assert [u.code for u in year.units] == ["BP01", "BP02"]
    bp01 = year.units[0]
    assert (bp01.name, bp01.proposed, bp01.current, bp01.result) == ("Balai BP01", "WBK", "", "")
    assert bp01.where == "nominasi.xlsx, Unit!A2"
    assert [i.name for i in bp01.innovations] == ["Layanan Cepat"] and bp01.innovations[0].year == "2023"
    assert year.units[1].innovations == ()
    assert year.quotes[0].text == "Integritas adalah kebiasaan."
    assert list(year.lke) == ["BP01", "BP02"]
    assert year.lke["BP01"].source == "lke/LKE BP01.xlsx"
    assert len(year.lke["BP01"].answers) == len(edition().indicators)


def test_every_answer_kind_is_read(tmp_path):
    answers = full_answers() | {"PPA1A": "tidak", "PPA1B": "b", "PPA3A": " D ", "HBA": "3,72", "HPA": 3.1,
                                "PRE3A.1": "12", "PRE3A.2": "3.0", "PRE3A.3": 0.0, "PRE3A.4": 15}
    inputs = write_year(tmp_path, answers=answers)
    lke = read(inputs).lke["BP01"]
    a = lke.answers
    assert a["PPA1A"].choice == "Tidak"
    assert a["PPA1B"].choice == "B"
    assert a["PPA3A"].choice == "D"
    assert a["HBA"].index == 3.72
    assert a["HPA"].index == 3.1
    assert a["PRE3A"].counts == {1: 12, 2: 3, 3: 0, 4: 15}
    assert a["PRE3A"].where == "lke/LKE BP01.xlsx, LKE!D138"
    assert a["HBB"].choice == "A"


def test_notes_and_evidence_are_split_and_resolved(tmp_path):
    inputs = write_year(tmp_path)
    answer = read(inputs).lke["BP01"].answers["PPA1A"]
    bukti = (inputs / "bukti").resolve()
    assert answer.note == "catatan PPA1A"
    assert answer.evidence == (
        Evidence("BP/sk-tim.pdf", path=bukti / "BP/sk-tim.pdf", present=True),
        Evidence("https://example.go.id/zi", url=True),
    )
    assert [e.entry for e in read(inputs).lke["BP01"].answers["PPA2A"].evidence] == ["BP/rencana.pdf", "BP/foto.png"]


def test_count_notes_and_evidence_on_any_input_row_are_gathered(tmp_path):
    inputs = write_year(tmp_path)
    book = lke_book("BP01", evidence={"PRE3A": "BP/sk-tim.pdf"})
    ws = book["LKE"]
    ws.cell(row_of(ws, "PRE3A.3"), 5, "kedua")
    book.save(inputs / "lke/LKE BP01.xlsx")
    answer = read(inputs).lke["BP01"].answers["PRE3A"]
    assert answer.note == "catatan PRE3A\nkedua"
    assert [e.entry for e in answer.evidence] == ["BP/sk-tim.pdf"]


def test_layout_may_vary_case_spaces_order_extra_columns_and_header_row(tmp_path):
    inputs = write_year(tmp_path)
    header = ("Skor", " bukti  dukung ", "JAWABAN", "Pertanyaan", "No", "kode ", "Catatan", "Keterangan")
    book = lke_book("bp01", header_row=14, header=header)  # unit code in another case too
    book["LKE"].title = "  lke "
    book.create_sheet("Petunjuk", 0)
    book.save(inputs / "lke/LKE BP01.xlsx")
    register = register_book()
    register["Unit"].title = " UNIT"
    register["Penghargaan"].title = "penghargaan "
    unit = register[" UNIT"]
    unit.insert_rows(1, 2)  # the header now sits on row 3
    unit["A1"] = "Daftar unit yang diusulkan"
    unit.insert_cols(1)
    unit["A3"] = "Catatan internal"
    register.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.problems == []
    lke = year.lke["BP01"]
    assert lke.unit_code == "BP01"
    assert lke.answers["PPA1A"].where == "lke/LKE BP01.xlsx,   lke !C16"
    assert lke.answers["PPA1A"].note == "catatan PPA1A"
    assert year.units[0].where == "nominasi.xlsx,  UNIT!B4"


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime(2024, 12, 12, 0, 0), date(2024, 12, 12)),
        ("2024-12-12", date(2024, 12, 12)),
        ("12 Desember 2024", date(2024, 12, 12)),
        (" 3 agustus  2024 ", date(2024, 8, 3)),
        ("1 Mei 2025", date(2025, 5, 1)),
        (45638, date(2024, 12, 12)),  # an Excel serial number without a date format
    ],
)
def test_ceremony_date_forms(tmp_path, value, expected):
    inputs = write_year(tmp_path)
    book = register_book()
    book["Penghargaan"]["B5"] = value
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.errors == []
    # Read as written; a date outside the award year, or before the proposal (20 November), is only a warning.
    warned = ["is not in award year"] if expected.year != 2024 else ["comes before"] if expected < date(2024, 11, 20) else []
    assert [p for p in year.problems if p.severity == "warning"] == [p for p in year.problems if any(w in p.message for w in warned)]
    assert len(year.problems) == len(warned)
    assert year.award.ceremony_date == expected


def test_parse_date_refuses_what_is_not_a_date():
    for written in ("31 Februari 2024", "12 Desembre 2024", "12/31/2024", "12/12/24", "besok"):  # 12/31: month first
        with pytest.raises(ValueError):
            parse_date(written)


def test_register_values_are_normalised(tmp_path):
    inputs = write_year(tmp_path)
    book = register_book()
    ws = book["Unit"]
    ws["G2"], ws["H2"], ws["I2"] = "wbbm", "wbk", "tidak"
    ws.append([None] * 10)  # empty rows are skipped
    ws.append(["  ", None, ""])
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.problems == []
    assert (year.units[0].proposed, year.units[0].current, year.units[0].result) == ("WBBM", "WBK", "Tidak")
    assert len(year.units) == 2


def test_missing_optional_sheets_are_warnings(tmp_path):
    inputs = write_year(tmp_path)
    book = register_book()
    del book["Kutipan"], book["Inovasi"]
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.problems == [
        Problem("nominasi.xlsx", "no sheet Inovasi (with columns Kode Unit, Nama Inovasi, Tahun, Uraian); the dossiers will list no innovations", "warning"),
        Problem("nominasi.xlsx", "no sheet Kutipan (with columns Nama, Jabatan, Kutipan, Tahap); the press release will have no quotes", "warning"),
    ]
    assert year.quotes == [] and year.units[0].innovations == ()


def test_missing_answers_are_one_warning_per_unit(tmp_path):
    answers = full_answers()
    for code in ("PPA1A", "HBA", "PRE3A.2", "PRA1A.1", "PRA1A.2"):
        del answers[code]
    inputs = write_year(tmp_path, units=("BP01",), answers=answers)
    year = read(inputs)
    assert year.problems == [
        Problem("lke/LKE BP01.xlsx, LKE", "4 answer(s) missing, scored 0: PPA1A, PRA1A, PRE3A.2, HBA", "warning")
    ]
    lke = year.lke["BP01"]
    assert lke.answers["PPA1A"].missing and lke.answers["PRA1A"].missing
    assert lke.answers["PRE3A"].counts == {1: 2, 3: 4, 4: 5}


def test_lock_files_and_stray_files_in_lke_folder(tmp_path):
    inputs = write_year(tmp_path)
    (inputs / "lke/~$LKE BP01.xlsx").write_bytes(b"lock")
    (inputs / "lke/.~lock.LKE BP01.xlsx#").write_bytes(b"lock")
    (inputs / "lke/catatan.txt").write_text("x")
    (inputs / "lke/BP03.ods").write_bytes(b"PK")
    assert read(inputs).problems == [
        Problem("lke/BP03.ods", "not read: '.ods' files are not supported; save it as an Excel workbook (.xlsx)"),
        Problem("lke/catatan.txt", "ignored: only Excel workbooks (.xlsx, .xlsm) are read from lke/", "warning"),
    ]


def test_missing_register_stops_with_a_workspace_error(tmp_path):
    with pytest.raises(WorkspaceError, match="register is missing"):
        read(tmp_path)


def test_a_filled_lke_template_reads_back_and_scores(tmp_path):
    """The lead's LKE template, filled, comes back as the answers written into it."""
    ed = edition()
    inputs = write_year(tmp_path, units=("BP01",))
    values = full_answers(ed)
    answers = {}
    for code, indicator in ed.indicators.items():
        if indicator.kind == "count":
            answers[code] = Answer(code, counts={int(o.key): values[f"{code}.{o.key}"] for o in indicator.options})
        elif indicator.kind == "index":
            answers[code] = Answer(code, index=3.72)
        else:
            answers[code] = Answer(code, choice=indicator.options[-1].key)
    answers["PPA1A"] = Answer("PPA1A", choice="Ya", note="SK Tim", evidence=(Evidence("BP/sk-tim.pdf"),))
    write_lke_template(inputs / "lke/LKE BP01.xlsx", ed, unit_code="BP01", unit_name="Balai", year=YEAR,
                       ministry="KSDM", answers=answers)
    year = read(inputs)
    assert [p.message for p in year.problems] == [  # only PPA1A cites evidence here
        f"unit BP01: 112 of 113 indicator(s) have no evidence (Bukti Dukung is empty): "
        f"{', '.join(c for c in ed.indicators if c != 'PPA1A')}; name a file under bukti/ or a web address for each"]
    read_back = year.lke["BP01"].answers
    assert {c: (a.choice, a.counts, a.index) for c, a in read_back.items()} == {
        c: (a.choice, a.counts, a.index) for c, a in answers.items()
    }
    assert read_back["PPA1A"].note == "SK Tim" and read_back["PPA1A"].evidence[0].present
    unit = year.units[0]
    assert score_unit(unit, year.lke["BP01"], ed).total == pytest.approx(
        score_unit(unit, type(year.lke["BP01"])("BP01", "x", answers), ed).total
    )


@pytest.mark.render
@needs("soffice")
def test_a_workbook_saved_by_libreoffice_reads_the_same(tmp_path):
    inputs = write_year(tmp_path)
    answers = full_answers() | {"HBA": "3,72", "PRE3A.1": "12", "PPA1B": "b"}
    source = tmp_path / "src" / "LKE BP01.xlsx"
    source.parent.mkdir()
    book = lke_book("BP01", answers)
    book["LKE"]["H20"] = "=1+1"  # LibreOffice calculates and stores it
    book.save(source)
    register = tmp_path / "src" / "nominasi.xlsx"
    register_book().save(register)
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source), str(register)],
        check=True, capture_output=True, timeout=120,
    )
    shutil.copy(out / "LKE BP01.xlsx", inputs / "lke/LKE BP01.xlsx")
    shutil.copy(out / "nominasi.xlsx", inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.problems == []
    assert year.award.ceremony_date == date(2024, 12, 12)
    assert year.units[0].innovations[0].year == "2023"
    a = year.lke["BP01"].answers
    assert (a["HBA"].index, a["PRE3A"].counts[1], a["PPA1B"].choice) == (3.72, 12, "B")
    assert {c: (x.choice, x.counts, x.index) for c, x in a.items()} == {
        c: (x.choice, x.counts, x.index) for c, x in read(write_year(tmp_path / "again", answers=answers)).lke["BP01"].answers.items()
    }


def test_resolve_evidence(tmp_path):
    bukti = tmp_path / "bukti"
    (bukti / "BP").mkdir(parents=True)
    (bukti / "BP/a.pdf").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("s")
    (bukti / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve_evidence("https://x.go.id/a?b=1", bukti) == Evidence("https://x.go.id/a?b=1", url=True)
    assert resolve_evidence("HTTP://x.go.id", bukti).url
    assert resolve_evidence("BP\\a.pdf", bukti) == Evidence("BP\\a.pdf", path=(bukti / "BP/a.pdf").resolve(), present=True)
    assert resolve_evidence("BP/./b.pdf", bukti).present is False
    assert resolve_evidence("BP/../../secret.txt", bukti).problem.message.startswith("goes outside the bukti/ folder")
    assert resolve_evidence("/etc/passwd", bukti).problem.message.startswith("is an absolute path")
    assert resolve_evidence("C:\\Users\\a.pdf", bukti).problem.message.startswith("is an absolute path")
    assert resolve_evidence("link.txt", bukti).problem.message.startswith("is a link pointing outside")
    assert resolve_evidence("file:///etc/passwd", bukti).problem.message.startswith("uses a 'file:' link")
    assert resolve_evidence("BP", bukti).problem.message == "is a folder; name a file inside it"


def test_split_entries():
    assert split_entries("a.pdf\n b.pdf ;c.pdf;;\r\n") == ["a.pdf", "b.pdf", "c.pdf"]
    assert split_entries(None) == []


def test_openpyxl_uses_defusedxml():
    check_xml_safety()  # raises when openpyxl would parse XML without defusedxml


def test_tanggal_usulan_and_the_institution_prerequisites_are_read(tmp_path):
    inputs = write_year(tmp_path)
    book = register_book()
    sheet = book["Penghargaan"]
    sheet.append(["Opini BPK", "Wajar Tanpa Pengecualian (WTP)"])
    sheet.append(["Nilai SAKIP", "BB (78,12)"])
    book["Unit"]["K1"] = "NIP Kepala Unit"
    book["Unit"]["K2"] = "197501012000032001"
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.problems == []
    assert year.award.proposal_date == date(2024, 11, 20)
    assert (year.award.bpk_opinion, year.award.sakip) == ("Wajar Tanpa Pengecualian (WTP)", "BB (78,12)")
    assert year.units[0].head_nip == "197501012000032001" and year.units[1].head_nip == ""


def test_an_empty_tanggal_usulan_is_a_warning_saying_what_the_documents_print(tmp_path):
    inputs = write_year(tmp_path)
    book = register_book()
    row = row_of(book["Penghargaan"], "Tanggal Usulan", column=1)
    book["Penghargaan"].cell(row, 2).value = None
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.award.proposal_date is None and year.errors == []
    assert [p.where for p in year.warnings] == [f"nominasi.xlsx, Penghargaan!B{row}"]
    assert "dotted line for the date, to be written by hand" in year.warnings[0].message


def test_a_register_written_before_the_optional_labels_still_reads(tmp_path):
    inputs = write_year(tmp_path)
    book = register_book()
    row = row_of(book["Penghargaan"], "Tanggal Usulan", column=1)
    book["Penghargaan"].delete_rows(row)
    book.save(inputs / "nominasi.xlsx")
    year = read(inputs)
    assert year.errors == [] and year.award.proposal_date is None and year.award.bpk_opinion == ""
    assert len(year.warnings) == 1 and "Tanggal Usulan" in year.warnings[0].message
