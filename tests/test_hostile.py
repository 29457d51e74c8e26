"""A corpus of hostile and broken inputs, each run through the CLI.

Every case builds a small valid workspace (tests/workbook_factory.py), breaks one
thing, and runs `dossier validate`, `score` or `build`. Each must say what is
wrong and where (file, sheet, cell), exit as stated, print no traceback and
leave nothing half-written in build/. A second group builds one workspace full
of hostile and unusual text and checks it appears literally in every output,
with nothing fetched from a loopback server and no template evaluated.
"""

from __future__ import annotations

import io
import re
import shutil
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dossier.cli import cli
from tests.reading import docx_text, pdf_text
from tests.workbook_factory import YEAR, best_answers, write_year

LKE = "lke/LKE BP01.xlsx"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"


# --- running the CLI -------------------------------------------------------------------------


def run(root: Path, *args: str):
    """Run `dossier -C root args...`; the result's output holds stdout and stderr."""
    result = CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output, result.output
    return result


def assert_nothing_half_written(root: Path) -> None:
    build = root / "build"
    leftovers = [p for p in build.rglob("*") if p.name.endswith(".part")] if build.exists() else []
    assert not leftovers, leftovers


# --- workbook surgery ------------------------------------------------------------------------


def inputs(root: Path) -> Path:
    return root / "inputs" / str(YEAR)


def edit(path: Path, change: Callable) -> None:
    """Open a workbook, let `change(wb)` alter it, save it back."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)


def set_cell(path: Path, sheet: str, cell: str, value) -> None:
    edit(path, lambda wb: wb[sheet].__setitem__(cell, value))


def rewrite_zip(path: Path, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> None:
    """Rewrite an XLSX package member by member; `change` returns new bytes (or None to keep)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            new = change(info.filename, data)
            target.writestr(info.filename, data if new is None else new)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def row_with(ws, code: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == code)


def lke_answer(code: str, value) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        def alter(wb):
            ws = wb["LKE"]
            ws.cell(row_with(ws, code), 4, value)

        edit(inputs(root) / LKE, alter)

    return change


def lke_evidence(entry: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        def alter(wb):
            ws = wb["LKE"]
            ws.cell(row_with(ws, "PPA1A"), 6, entry)

        edit(inputs(root) / LKE, alter)

    return change


def award_value(label: str, value) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        def alter(wb):
            ws = wb["Penghargaan"]
            row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
            ws.cell(row, 2, value)

        edit(inputs(root) / "nominasi.xlsx", alter)

    return change


# --- the broken inputs ----------------------------------------------------------------------


def not_a_workbook(root):
    (inputs(root) / LKE).write_bytes(b"Kode;Jawaban\nPPA1A;A\n")


def empty_file(root):
    (inputs(root) / LKE).write_bytes(b"")


def legacy_xls_renamed(root):
    (inputs(root) / LKE).write_bytes(OLE_HEADER + b"\x00" * 4000 + "Workbook".encode("utf-16-le"))


def legacy_xls_suffix(root):
    path = inputs(root) / LKE
    path.unlink()
    path.with_suffix(".xls").write_bytes(OLE_HEADER + b"\x00" * 4000)


def encrypted_package() -> bytes:
    """The start of an Office-encrypted OOXML file: an OLE container with EncryptedInfo/EncryptedPackage."""
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + (len(name) * 2 + 2).to_bytes(2, "little") + b"\x02" * 2 + b"\x00" * 60
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return OLE_HEADER + b"\x00" * (512 - len(OLE_HEADER)) + directory + b"\x00" * 2048


def encrypted_lke(root):
    (inputs(root) / LKE).write_bytes(encrypted_package())


def encrypted_register(root):
    (inputs(root) / "nominasi.xlsx").write_bytes(encrypted_package())


def xlsm_with_macros(root):
    path = inputs(root) / LKE
    rewrite_zip(path, lambda name, data: None, {"xl/vbaProject.bin": OLE_HEADER + b"Attribute VB_Name = \"Module1\"\n"})
    path.rename(path.with_suffix(".xlsm"))


def zip_bomb(root):
    rewrite_zip(inputs(root) / LKE, lambda name, data: None, {"xl/media/image1.png": b"\x00" * (64 * 1024 * 1024)})


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def entity_bomb(root):
    rewrite_zip(inputs(root) / LKE, lambda name, data: BILLION_LAUGHS.encode() if name == "xl/worksheets/sheet1.xml" else None)


def million_rows(root):
    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F1048576"', data)
        return None

    rewrite_zip(inputs(root) / LKE, change)


def register_without_unit_sheet(root):
    edit(inputs(root) / "nominasi.xlsx", lambda wb: wb.remove(wb["Unit"]))


def register_without_name_column(root):
    edit(inputs(root) / "nominasi.xlsx", lambda wb: wb["Unit"].delete_cols(2))


def lke_without_sheet(root):
    edit(inputs(root) / LKE, lambda wb: setattr(wb["LKE"], "title", "Lembar1"))


def lke_without_jawaban(root):
    set_cell(inputs(root) / LKE, "LKE", "D8", "Nilai")


def lke_header_merged(root):
    """The header 'Kode' typed in A8 and merged over A8:B8, the codes still in column B."""

    def alter(wb):
        ws = wb["LKE"]
        ws["A8"] = "Kode"
        ws["B8"] = None
        ws.merge_cells("A8:B8")

    edit(inputs(root) / LKE, alter)


def register_header_merged(root):
    """'Nama Unit' merged over B1:C1 hides the header 'Jenis Unit'."""

    def alter(wb):
        wb["Unit"].merge_cells("B1:C1")

    edit(inputs(root) / "nominasi.xlsx", alter)


def duplicate_unit_codes(root):
    def alter(wb):
        wb["Unit"]["A3"] = "BP01"

    edit(inputs(root) / "nominasi.xlsx", alter)


def same_unit_twice(root):
    shutil.copyfile(inputs(root) / LKE, inputs(root) / "lke" / "LKE BP01 revisi.xlsx")


def lke_for_unknown_unit(root):
    set_cell(inputs(root) / LKE, "LKE", "C3", "XX99")


def formula_without_value(root):
    lke_answer("PPA1A", '=IF(1=1,"A","B")')(root)


def register_formula_without_value(root):
    set_cell(inputs(root) / "nominasi.xlsx", "Unit", "B2", '=UPPER("balai")')


def unit_code_ref_error(root):
    set_cell(inputs(root) / LKE, "LKE", "C3", "#REF!")


def dossier_toml_broken(root):
    (root / "dossier.toml").write_text("[build\nlogo = \n", encoding="utf-8")


def no_register(root):
    (inputs(root) / "nominasi.xlsx").unlink()


def no_lke_folder(root):
    shutil.rmtree(inputs(root) / "lke")


def ods_in_lke(root):
    (inputs(root) / "lke" / "LKE BP03.ods").write_bytes(b"PK\x03\x04 not really")


def evidence_symlink_out(root):
    (inputs(root) / "bukti" / "BP" / "passwd.pdf").symlink_to("/etc/passwd")
    lke_evidence("BP/passwd.pdf")(root)


def evidence_folder_symlink_out(root):
    (inputs(root) / "bukti" / "etc").symlink_to("/etc")
    lke_evidence("etc/passwd")(root)


def note_xml(raw: bytes) -> Callable[[Path], None]:
    """Put raw XML text into a note of BP01's LKE, as a program other than openpyxl may write it."""

    def change(root: Path) -> None:
        rewrite_zip(inputs(root) / LKE, lambda name, data: data.replace(b"catatan PPA1A", raw) if name == "xl/worksheets/sheet1.xml" else None)

    return change


control_characters = note_xml(b"catatan _x001F__x0007_ PPA1A")  # how Excel escapes control characters
invalid_xml_character = note_xml(b"catatan &#x1F; PPA1A")  # not XML at all; no program writes it


def ten_thousand_characters(root):
    lke_answer("PPA1A", "A" * 10_000)(root)


@dataclass(frozen=True)
class Case:
    """One broken input: how to make it, the command, the exit code and what the output must say."""

    id: str
    make: Callable[[Path], None]
    expect: tuple[str, ...]
    command: tuple[str, ...] = ("validate",)
    exit_code: int = 1
    absent: tuple[str, ...] = ()  # files under build/<year>/ that must not be written
    marks: tuple = ()


CASES = [
    # Files that are not workbooks
    Case("not-a-workbook", not_a_workbook, (LKE, "not an Excel workbook", "save it as .xlsx")),
    Case("empty-file", empty_file, (LKE, "empty (0 bytes)", "save the workbook again")),
    Case("legacy-xls-renamed", legacy_xls_renamed, (LKE, "legacy Excel 97-2003", "save it as .xlsx")),
    Case("legacy-xls-suffix", legacy_xls_suffix, ("lke/LKE BP01.xls", "legacy Excel 97-2003", "unit BP01 has no LKE")),
    Case("encrypted-lke", encrypted_lke, (LKE, "password-protected", "remove the password")),
    Case("encrypted-register", encrypted_register, ("nominasi.xlsx", "password-protected")),
    Case("xlsm-macros-ignored", xlsm_with_macros, ("2 LKE workbook(s): 0 error(s)",), exit_code=0),
    Case("ods-in-lke-folder", ods_in_lke, ("lke/LKE BP03.ods", "not supported", "save it as an Excel workbook")),
    # Hostile packages
    Case("zip-bomb", zip_bomb, (LKE, "refused", "xl/media/image1.png", "zip bomb")),
    Case("xml-entity-bomb", entity_bomb, (LKE, "refused", "XML entity bomb", "save it again")),
    Case("invalid-xml-character", invalid_xml_character, (LKE, "damaged", "reference to invalid character", "save it again")),
    Case("million-rows", million_rows, (LKE, "LKE", "declares 1048576 rows", "100000 allowed")),
    # Layout
    Case("register-no-unit-sheet", register_without_unit_sheet, ("nominasi.xlsx", "Unit", "Kode")),
    Case("register-no-name-column", register_without_name_column, ("nominasi.xlsx, Unit", "Nama Unit")),
    Case("lke-no-sheet", lke_without_sheet, (LKE, "no sheet LKE", "Lembar1")),
    Case("lke-no-jawaban-column", lke_without_jawaban, (f"{LKE}, LKE!A8", "no column Jawaban", "Nilai")),
    Case("lke-header-merged", lke_header_merged, (f"{LKE}, LKE!A8:B8", "merged across columns", "unmerge")),
    Case("register-header-merged", register_header_merged, ("nominasi.xlsx, Unit!", "Jenis Unit")),
    Case("duplicate-unit-codes", duplicate_unit_codes, ("nominasi.xlsx, Unit!A3", "appears twice", "row 2")),
    Case("same-unit-two-lkes", same_unit_twice, ("LKE!C3", "already has an LKE workbook", "keep one workbook")),
    Case("lke-unknown-unit", lke_for_unknown_unit, (f"{LKE}, LKE!C3", "XX99", "not a unit of nominasi.xlsx")),
    Case("no-register", no_register, ("nominasi.xlsx", "register is missing", "dossier init")),
    Case("no-lke-folder", no_lke_folder, ("lke/", "missing")),
    Case("dossier-toml-broken", dossier_toml_broken, ("dossier.toml",)),
    # Formulas
    Case("formula-div0", lke_answer("PPA1A", "#DIV/0!"), (f"{LKE}, LKE!D", "formula error #DIV/0!", "fix the formula")),
    Case("formula-ref", lke_answer("PPA2A", "#REF!"), (f"{LKE}, LKE!D", "formula error #REF!")),
    Case("kode-unit-ref", unit_code_ref_error, (f"{LKE}, LKE!C3", "#REF!", "type the unit's code")),
    Case("formula-no-cached-value", formula_without_value, (f"{LKE}, LKE!D", "no stored value", "open and save it")),
    Case("register-formula-no-value", register_formula_without_value, ("nominasi.xlsx, Unit!B2", "no stored value")),
    # Dates
    Case("date-as-text", award_value("Tanggal Penyerahan", "12 Desember 2024"), ("0 error(s)",), exit_code=0),
    Case("date-as-iso-text", award_value("Tanggal Penyerahan", "2024-12-12"), ("0 error(s)",), exit_code=0),
    Case("date-as-serial", award_value("Tanggal Penyerahan", 45638), ("0 error(s)",), exit_code=0),
    Case("date-invalid", award_value("Tanggal Penyerahan", "31 Februari 2024"),
         ("nominasi.xlsx, Penghargaan!B5", "'31 Februari 2024' is not a date", "2024-12-12")),
    Case("date-invalid-iso", award_value("Tanggal Penyerahan", "2024-13-45"), ("Penghargaan!B5", "not a date")),
    Case("date-negative-serial", award_value("Tanggal Penyerahan", -5), ("Penghargaan!B5", "not near award year 2024")),
    Case("date-year-typo", award_value("Tanggal Penyerahan", "12 Desember 2204"), ("Penghargaan!B5", "2204-12-12 is not near")),
    # Values
    Case("answer-not-an-option", lke_answer("PPA1A", "Z"), (f"{LKE}, LKE!D", "'Z'", "expected one of")),
    Case("count-negative", lke_answer("PRE3A.1", -3), (f"{LKE}, LKE!D", "not a non-negative whole number")),
    Case("index-out-of-range", lke_answer("HBA", 7.5), (f"{LKE}, LKE!D", "outside 1.00-4.00")),
    Case("ten-thousand-character-answer", ten_thousand_characters, (f"{LKE}, LKE!D", "is not an option")),
    Case("control-characters-in-note", control_characters, ("2 LKE workbook(s): 0 error(s)",), exit_code=0),
    # Evidence paths
    Case("evidence-dotdot", lke_evidence("../../../etc/passwd"), (f"{LKE}, LKE!F", "outside the bukti/ folder")),
    Case("evidence-absolute", lke_evidence("/etc/passwd"), (f"{LKE}, LKE!F", "absolute path")),
    Case("evidence-windows-absolute", lke_evidence("C:\\Users\\admin\\sk.pdf"), (f"{LKE}, LKE!F", "absolute path")),
    Case("evidence-file-url", lke_evidence("file:///etc/passwd"), (f"{LKE}, LKE!F", "'file:' link")),
    Case("evidence-symlink-out", evidence_symlink_out, (f"{LKE}, LKE!F", "link pointing outside")),
    Case("evidence-folder-symlink-out", evidence_folder_symlink_out, (f"{LKE}, LKE!F", "link pointing outside")),
    Case("evidence-missing", lke_evidence("BP/tidak-ada.pdf"), (f"{LKE}, LKE!F", "not found in bukti/")),
    # The other commands on a broken workbook
    Case("score-on-broken-lke", lke_answer("PPA1A", "Z"), (f"{LKE}, LKE!D", "these scores may be wrong"), ("score",)),
    Case("score-json-on-empty-lke", empty_file, (LKE, "empty (0 bytes)"), ("score", "--json")),
    Case("build-on-unreadable-lke", not_a_workbook, (LKE, "not an Excel workbook", "BP01"), ("build", "--format", "pdf", "--unit", "BP01"),
         absent=("dossier/BP01.pdf", "paket/BP01.pdf"), marks=(pytest.mark.render,)),
]


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> Path:
    """A valid two-unit workspace, written once and copied for each case."""
    root = tmp_path_factory.mktemp("pristine")
    write_year(root)
    return root


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_broken_input(case: Case, pristine: Path, tmp_path: Path):
    root = tmp_path / "ws"
    shutil.copytree(pristine, root, symlinks=True)
    case.make(root)
    result = run(root, *case.command)
    for fragment in case.expect:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    assert result.exit_code == case.exit_code, result.output
    assert_nothing_half_written(root)
    for rel in case.absent:
        assert not (root / "build" / str(YEAR) / rel).exists(), rel


# --- hostile and unusual text through a whole build --------------------------------------------


class Loopback:
    """A tiny HTTP server on 127.0.0.1 that counts requests; it stops itself after `lifetime` seconds."""

    def __init__(self, lifetime: float = 300):
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { display: none }")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.timer = threading.Timer(lifetime, self.server.shutdown)

    def __enter__(self):
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()


def hostile_text(port: int) -> dict[str, str]:
    """What goes into each field; every value must come out literally."""
    return {
        "ministry": "Kementerian <style>body{display:none}</style> Maritim",
        "unit": 'Balai <img src="file:///etc/passwd"> {{ 7*7 }}',
        "innovation": f'Inovasi <link rel=stylesheet href="http://127.0.0.1:{port}/x.css">',
        "description": f'Uraian <span style="background:url(http://127.0.0.1:{port}/bg.png)">url(file:///etc/passwd)</span>',
        "note": 'Catatan {{ 7*7 }} <b>"Maju" & Co</b>',
        "quote": f'Kutipan <img src="http://127.0.0.1:{port}/q.png"> {{{{ 7*7 }}}} {{% for x in range(3) %}}x{{% endfor %}}',
        "head": "Kepala <script>alert(1)</script>",
    }


UNICODE = {
    "unit2": "Balai Pérak Ñusantara Straße Øresund Đà Nẵng",
    "head2": "Dr. Hj. Siti Nur’aini Ḥasanah, M.Sc.",
    "innovation2": "مركز النزاهة الرقمي 🌊 Pusat Integritas 🚀",
}
LONG_WORDS = [f"kata{n:04d}" for n in range(1, 1112)]
LONG = " ".join(LONG_WORDS)[:10_000]  # a 10,000-character cell


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("rahasia")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def hostile_workspace(root: Path, port: int) -> Path:
    """Two units: BP01 with hostile text in every field and bad evidence PDFs, BP02 with unusual scripts."""
    from PIL import Image

    text = hostile_text(port)
    year = write_year(root, answers=best_answers())  # both proposed: the release names them once results are in
    bukti = year / "bukti" / "BP"
    (bukti / "rencana.pdf").write_bytes(b"")  # 0 bytes
    (bukti / "terkunci.pdf").write_bytes(encrypted_pdf())  # sk-tim.pdf stays corrupt ("%PDF-1.4 test")
    Image.new("RGB", (40, 30), "navy").save(bukti / "foto.png")

    def register(wb):
        award = wb["Penghargaan"]
        award["B2"] = text["ministry"]
        units = wb["Unit"]
        units["B2"], units["F2"] = text["unit"], text["head"]
        units["B3"], units["F3"] = UNICODE["unit2"], UNICODE["head2"]
        units["I2"] = units["I3"] = "WBK"  # announced: the release names the winners (before, only units proposed)
        wb["Kutipan"]["C2"] = text["quote"]
        innovations = wb["Inovasi"]
        innovations["B2"], innovations["D2"] = text["innovation"], text["description"]
        innovations.append(["BP02", UNICODE["innovation2"], 2024, LONG])

    edit(year / "nominasi.xlsx", register)

    def lke(wb):
        ws = wb["LKE"]
        ws.cell(row_with(ws, "PPA1A"), 5, text["note"])
        ws.cell(row_with(ws, "PPA2A"), 6, "BP/rencana.pdf; BP/foto.png; BP/terkunci.pdf")

    edit(year / LKE, lke)
    return year


def raw_pdf_text(path: Path) -> str:
    return pdf_text(path, "-raw")


def xlsx_text(path: Path) -> str:
    wb = load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def squeeze(value: str) -> str:
    """Text with all whitespace removed: line wrapping in a PDF may break anywhere."""
    return re.sub(r"\s+", "", value)


@dataclass
class HostileBuild:
    root: Path
    port: int
    output: str
    exit_code: int
    requests: list[str]
    texts: dict[str, str]


OUTPUTS = {
    "dossier-pdf": ("dossier/BP01.pdf", raw_pdf_text),
    "dossier-docx": ("dossier/BP01.docx", docx_text),
    "packet-pdf": ("paket/BP01.pdf", raw_pdf_text),
    "dossier2-pdf": ("dossier/BP02.pdf", raw_pdf_text),
    "dossier2-docx": ("dossier/BP02.docx", docx_text),
    "packet2-pdf": ("paket/BP02.pdf", raw_pdf_text),
    "recap-pdf": ("rekapitulasi.pdf", raw_pdf_text),
    "recap-xlsx": ("rekapitulasi.xlsx", xlsx_text),
    "release-pdf": ("rilis.pdf", raw_pdf_text),
    "release-docx": ("rilis.docx", docx_text),
    "letter-pdf": ("surat-usulan.pdf", raw_pdf_text),
    "letter-docx": ("surat-usulan.docx", docx_text),
}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> HostileBuild:
    """Build the hostile workspace once, with a loopback server listening for any fetch."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (scripts/setup installs it)")
    root = tmp_path_factory.mktemp("hostile")
    with Loopback() as server:
        hostile_workspace(root, server.port)
        result = run(root, "build", "--jobs", "1")
        requests = list(server.requests)
    build = root / "build" / str(YEAR)
    texts = {kind: read(build / rel) for kind, (rel, read) in OUTPUTS.items()}
    return HostileBuild(root, server.port, result.output, result.exit_code, requests, texts)


@pytest.mark.render
def test_hostile_build_succeeds_and_fetches_nothing(hostile_build):
    assert hostile_build.exit_code == 0, hostile_build.output
    assert hostile_build.requests == []
    assert_nothing_half_written(hostile_build.root)
    for kind, text in hostile_build.texts.items():
        assert "root:x:0:0" not in text, kind  # /etc/passwd never embedded


# Which fields each output shows (the recap and release name units, not their notes).
SHOWN = {
    "dossier-pdf": ("ministry", "unit", "innovation", "description", "note", "head"),
    "dossier-docx": ("ministry", "unit", "innovation", "description", "note", "head"),
    "packet-pdf": ("ministry", "unit", "innovation", "description", "note", "head"),
    "recap-pdf": ("ministry", "unit"),
    "recap-xlsx": ("ministry", "unit"),
    "release-pdf": ("ministry", "unit", "quote"),
    "release-docx": ("ministry", "unit", "quote"),
    "letter-pdf": ("ministry",),
    "letter-docx": ("ministry",),
}
HOSTILE_CASES = [(kind, name) for kind, names in SHOWN.items() for name in names]


@pytest.mark.render
@pytest.mark.parametrize("kind,name", HOSTILE_CASES, ids=[f"{k}-{n}" for k, n in HOSTILE_CASES])
def test_hostile_text_appears_literally(hostile_build, kind, name):
    value = hostile_text(hostile_build.port)[name]
    text = squeeze(hostile_build.texts[kind])
    assert squeeze(value) in text, f"{value!r} not found in {kind}"
    assert "Balai49" not in text and "Catatan49" not in text  # nothing evaluated


UNICODE_SHOWN = {
    "dossier2-pdf": ("unit2", "head2", "innovation2", "long"),
    "dossier2-docx": ("unit2", "head2", "innovation2", "long"),
    "packet2-pdf": ("unit2", "head2", "innovation2", "long"),
    "recap-pdf": ("unit2",),
    "recap-xlsx": ("unit2",),
    "release-pdf": ("unit2",),
    "release-docx": ("unit2",),
}
UNICODE_CASES = [(kind, name) for kind, names in UNICODE_SHOWN.items() for name in names]


@pytest.mark.render
@pytest.mark.parametrize("kind,name", UNICODE_CASES, ids=[f"{k}-{n}" for k, n in UNICODE_CASES])
def test_unusual_scripts_and_long_cells_appear(hostile_build, kind, name):
    text = hostile_build.texts[kind]
    if name == "long":
        words = re.findall(r"kata\d{4}", text)
        assert words == [w for w in LONG.split() if re.fullmatch(r"kata\d{4}", w)], f"the 10,000-character cell is cut in {kind}"
        return
    value = UNICODE[name]
    if name == "innovation2" and kind.endswith("pdf"):
        # pdftotext writes right-to-left runs in visual order; the words must all be there.
        assert all(word in text or word[::-1] in text for word in value.split()), f"{value!r} not in {kind}"
        return
    assert squeeze(value) in squeeze(text), f"{value!r} not found in {kind}"


@pytest.mark.render
@pytest.mark.parametrize("name,problem", [("rencana.pdf", "empty (0 bytes)"), ("terkunci.pdf", "password"), ("sk-tim.pdf", "cannot be read")])
def test_bad_evidence_pdfs_are_warnings_and_listed(hostile_build, name, problem):
    lines = [line for line in hostile_build.output.splitlines() if name in line]
    assert any(line.startswith("warning") and problem in line for line in lines), hostile_build.output
    assert name in hostile_build.texts["packet-pdf"]  # listed in the packet's index


# --- rendering boundaries: templates edited by staff ------------------------------------------


def one_unit(root: Path) -> Path:
    write_year(root, units=("BP01",))
    return root


def base_with(markup: str) -> Callable[[Path, int], None]:
    """Put `markup` into the workspace's copy of base.html, which every document extends."""

    def make(root: Path, port: int) -> None:
        from dossier.render.templates import default_templates_dir

        base = (default_templates_dir() / "base.html").read_text(encoding="utf-8")
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "base.html").write_text(base.replace("<body>", "<body>" + markup.format(port=port)), encoding="utf-8")

    return make


REFUSED = [
    ("img-etc-passwd", base_with('<img src="file:///etc/passwd">'), "file:///etc/passwd"),
    ("stylesheet-loopback", base_with('<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'), "http://127.0.0.1:{port}/x.css"),
    ("css-url-loopback", base_with('<p style="background: url(http://127.0.0.1:{port}/bg.png)">x</p>'), "http://127.0.0.1:{port}/bg.png"),
    ("css-import-etc", base_with('<style>@import url("file:///etc/passwd");</style>'), "file:///etc/passwd"),
]


@pytest.mark.render
@pytest.mark.parametrize("make,url", [pytest.param(m, u, id=i) for i, m, u in REFUSED])
def test_template_reaching_outside_is_refused(tmp_path, make, url):
    root = one_unit(tmp_path)
    with Loopback() as server:
        make(root, server.port)
        result = run(root, "build", "--jobs", "1", "--format", "pdf")
    assert result.exit_code == 1, result.output
    assert server.requests == []
    assert "failed: BP01" in result.output and "refused to read" in result.output
    assert url.format(port=server.port) in result.output
    assert not (root / "build" / str(YEAR) / "dossier" / "BP01.pdf").exists()
    assert_nothing_half_written(root)


@pytest.mark.render
def test_template_escaping_the_sandbox_is_refused(tmp_path):
    root = one_unit(tmp_path)
    base_with("{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}")(root, 0)
    result = run(root, "build", "--jobs", "1", "--format", "pdf")
    assert result.exit_code == 1, result.output
    assert "base.html, line" in result.output and "not allowed in a template" in result.output


@pytest.mark.render
def test_template_that_never_ends_is_stopped(tmp_path):
    root = one_unit(tmp_path)
    (root / "templates").mkdir()
    # The sandbox caps one range() at 100,000 items; two nested ones run for hours.
    (root / "templates" / "dossier.html").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8"
    )
    result = run(root, "build", "--jobs", "1", "--format", "pdf", "--timeout", "2")
    assert result.exit_code == 1, result.output
    assert "failed: BP01: stopped after 2 s (the per-document time limit)" in result.output
    assert not (root / "build" / str(YEAR) / "dossier" / "BP01.pdf").exists()
    assert not (root / "build" / str(YEAR) / "rekapitulasi.pdf").exists()  # no recap that leaves out a unit unsaid
    assert_nothing_half_written(root)
