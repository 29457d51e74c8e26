"""Trust, third round (issue 21): each class closed at its mechanism, tested with variants of its own.

Sections, one per class of the issue:
  1. nothing is dropped: every register row is a unit or a named failure;
  2. a signed or archived document re-derives from the inputs (caches sealed, inputs snapshot);
  3. evidence cannot reach outside, act or explode;
  4. templates and styles stay inside;
  5. two commands at once, and the faulty machine.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from dossier.cli import cli
from dossier.digests import source_hash
from tests.conftest import REPO, SAMPLE_YEAR, dossier_process, needs

REGISTER = Path("inputs", str(SAMPLE_YEAR), "nominasi.xlsx")


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=False)


def set_cell(root: Path, sheet: str, row: int, column: int, value) -> None:
    path = root / REGISTER
    book = load_workbook(path)
    book[sheet].cell(row, column).value = value
    book.save(path)


# --- 1. Nothing is dropped ---------------------------------------------------------------------

# A code that looks right and is not: each is one row of the register that is no unit.
BAD_CODES = {
    "space": "UPT 02",
    "zero-width space": "UPT\u200b02",
    "cyrillic letter": "UPT0\u0032".replace("P", "\u0420"),  # Cyrillic Er looks like P
    "soft hyphen": "UPT\u00ad02",
    "nbsp inside": "UPT\u00a002",
    "empty after nbsp": "\u00a0",
    "emoji": "UPT02\U0001f600",
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(BAD_CODES))
def test_dropped_rows_a_bad_register_code_fails_report_naming_the_row(sample, variant):
    set_cell(sample, "Unit", 3, 1, BAD_CODES[variant])  # UPT02's row
    result = run(sample, "report")
    assert result.exit_code == 1, result.output
    assert "nominasi.xlsx, Unit!A3" in result.output  # named by its place
    # The sample's innovation of UPT02 now names no unit: an error every document would carry (the release
    # lists it), so nothing is built, and the row that is no unit is said with it.
    assert "nominasi.xlsx, Inovasi!A" in result.output
    assert_failed_naming(result, "nominasi.xlsx, Unit!A3")
    assert not (sample / "build" / str(SAMPLE_YEAR) / "rekapitulasi.pdf").exists()
    assert not (sample / "build" / str(SAMPLE_YEAR) / "surat-usulan.pdf").exists()


def test_dropped_rows_the_message_names_the_invisible_character(sample):
    set_cell(sample, "Unit", 3, 1, "UPT\u200b02")
    result = run(sample, "validate")
    assert result.exit_code == 1
    assert "U+200B ZERO WIDTH SPACE" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["repeated code", "no code, a name", "no Unit sheet header"])
def test_dropped_rows_other_rows_that_are_no_unit_fail_too(sample, variant):
    if variant == "repeated code":
        set_cell(sample, "Unit", 4, 1, "upt02")  # UPT03's row repeats UPT02, in another case
        where = "Unit!A4"
    elif variant == "no code, a name":
        set_cell(sample, "Unit", 9, 2, "Balai Baru yang Terlupa")  # a row below the units, with no code
        where = "Unit!A9"
    else:
        set_cell(sample, "Unit", 1, 1, "Kode Satker")  # the header of the code column renamed
        where = "Unit"
    result = run(sample, "report")
    assert result.exit_code == 1, result.output
    assert_failed_naming(result, where)


def test_dropped_rows_one_bad_code_in_the_middle_of_many_rows_in_any_order(sample):
    path = sample / REGISTER
    book = load_workbook(path)
    sheet = book["Unit"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=7)]
    rows.reverse()  # another order
    rows[2][0] = rows[2][0][:2] + "\u00ad" + rows[2][0][2:]  # a soft hyphen in the third
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c).value = value
    book.save(path)
    result = run(sample, "report")
    assert result.exit_code == 1
    assert_failed_naming(result, "nominasi.xlsx, Unit!A4")


def assert_failed_naming(result, where: str) -> None:
    """The build failed naming `where`: in its summary, or among the inputs' errors it refused to build from
    (an innovation of the row's unit is then an error too: see above)."""
    lines = result.output.strip().splitlines()
    refused = next((i for i, line in enumerate(lines) if " in the inputs:" in line), None)
    assert where in lines[-1] if refused is None else any(where in line for line in lines[refused + 1:]), result.output


# --- 2. A signed or archived document re-derives from the inputs ---------------------------------

def _lke_cache(tmp_path):
    from dossier.readers import read_lke
    from dossier.readers.cache import LkeCache
    from dossier.rules import load_edition

    root = tmp_path / "ws"
    shutil.copytree(REPO / "inputs", root / "inputs")
    inputs = root / "inputs" / str(SAMPLE_YEAR)
    edition = load_edition("2021")
    path = inputs / "lke" / "LKE UPT01 Bitung.xlsx"
    cache_file = tmp_path / ".lke-cache.json"
    cache = LkeCache(cache_file, edition.name, inputs / "bukti")
    cache.put("lke/" + path.name, path, read_lke(path, "lke/" + path.name, edition, inputs / "bukti"))
    cache.save()
    return cache_file, path, edition, inputs


@pytest.mark.parametrize("forgery", ["plain sha256 check", "another key's hmac", "same check, another answer",
                                     "check copied from another entry"])
def test_cache_a_forged_lke_cache_entry_is_never_used(tmp_path, forgery):
    import hashlib
    import hmac

    from dossier.readers.cache import LkeCache

    cache_file, path, edition, inputs = _lke_cache(tmp_path)
    data = json.loads(cache_file.read_text())
    rel = "lke/" + path.name
    entry = data["entries"][rel]
    answers = entry["read"]["lke"]["answers"]
    code = next(c for c, a in answers.items() if a["choice"] in ("Tidak", "B", "C", "D"))
    original = entry["check"]
    answers[code]["choice"] = "Ya" if answers[code]["choice"] == "Tidak" else "A"  # the forger's better answer
    text = json.dumps([data["scope"], rel, entry["source"], entry["read"]], ensure_ascii=False, sort_keys=True).encode()
    entry["check"] = {
        "plain sha256 check": hashlib.sha256(text).hexdigest(),  # what anyone could compute before
        "another key's hmac": hmac.new(b"k" * 32, text, hashlib.sha256).hexdigest(),
        "same check, another answer": original,
        "check copied from another entry": hashlib.sha256(b"x").hexdigest(),
    }[forgery]
    cache_file.write_text(json.dumps(data))
    assert LkeCache(cache_file, edition.name, inputs / "bukti").get(rel, path) is None


def test_cache_the_key_lives_outside_the_workspace_and_is_private(tmp_path):
    from dossier.sealing import cache_key, key_path

    cache_key()
    path = key_path()
    assert path.is_file() and "build" not in path.parts
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("variant", ["pdf replaced", "pdf replaced, old seal kept", "seal removed"])
def test_cache_a_converted_office_pdf_replaced_in_bukti_pdf_is_converted_again(tmp_path, variant):
    from dossier.readers.office import converted_is_sealed
    from dossier.sealing import seal

    folder = tmp_path / ".bukti-pdf"
    folder.mkdir()
    digest = "ab" * 32
    kept = folder / f"{digest}.pdf"
    genuine = b"%PDF-1.4 genuine"
    from dossier.readers.office import _sealed_text

    kept.write_bytes(genuine)
    kept.with_suffix(".mac").write_text(seal(_sealed_text(digest, genuine)))
    assert converted_is_sealed(kept)
    if variant.startswith("pdf replaced"):
        kept.write_bytes(b"%PDF-1.4 forged by someone who can write build/")
    if variant == "seal removed":
        kept.with_suffix(".mac").unlink()
    assert not converted_is_sealed(kept)


@pytest.fixture
def built(built_sample, tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(built_sample, root, symlinks=True)
    return root


def _restamp(root: Path) -> None:
    """What someone with write access to build/ does: make the build manifest name the inputs as they are now."""
    manifest = root / "build" / str(SAMPLE_YEAR) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["source_hash"] = source_hash(root / "inputs" / str(SAMPLE_YEAR))
    manifest.write_text(json.dumps(data))


@pytest.mark.parametrize("change", ["an answer", "a unit's name", "a register row made no unit", "forged office pdf"])
def test_inputs_archive_rederives_every_dossier_from_the_inputs_now(built, change):
    from tests.test_incremental import change_answer

    if change == "an answer":
        change_answer(built / "inputs" / str(SAMPLE_YEAR) / "lke" / "LKE UPT01 Bitung.xlsx", "PPA1A")
        expected = "dossier/UPT01.pdf"
    elif change == "a unit's name":
        set_cell(built, "Unit", 3, 2, "Balai Lain Sama Sekali")
        expected = "dossier/UPT02.pdf"
    elif change == "a register row made no unit":
        set_cell(built, "Unit", 4, 1, "UPT\u200b03")
        expected = "Unit!A4"
    else:
        folder = built / "build" / str(SAMPLE_YEAR) / ".bukti-pdf"
        folder.mkdir(exist_ok=True)
        (folder / ("cd" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 forged")
        expected = "cd" * 32
    _restamp(built)
    result = run(built, "archive")
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert not (built / "archive" / str(SAMPLE_YEAR)).exists()


def test_inputs_a_workbook_saved_while_build_runs_leaves_no_manifest(built):
    from dossier.build import Progress, build
    from dossier.workspace import Workspace
    from tests.test_incremental import change_answer

    class SaveMidway(Progress):
        def read(self, award_year):  # the workbooks are read; a unit saves its workbook now
            change_answer(built / "inputs" / str(SAMPLE_YEAR) / "lke" / "lke bd02.xlsx", "PPA1A")

    # One kind is enough to see the manifest refused (without --force, which would empty the build's caches).
    result = build(Workspace(built), SAMPLE_YEAR, only=("recap-xlsx",), jobs=1, progress=SaveMidway())
    assert "manifest.json" in result.failed
    assert not (built / "build" / str(SAMPLE_YEAR) / "manifest.json").exists()
    archived = run(built, "archive")
    assert archived.exit_code == 1
    # The next build records the inputs as they are now, which is what the archive checks its manifest
    # against. Shown with the same one kind: a whole year here would render every document again.
    again = build(Workspace(built), SAMPLE_YEAR, only=("recap-xlsx",), jobs=1)
    assert again.ok, again.failed
    recorded = json.loads((built / "build" / str(SAMPLE_YEAR) / "manifest.json").read_text(encoding="utf-8"))
    assert recorded["source_hash"] == source_hash(built / "inputs" / str(SAMPLE_YEAR))


# --- 3. Evidence cannot reach outside, act, or explode ------------------------------------------

def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(data, "PNG")
    return data.getvalue()


@pytest.fixture
def listener():
    """A local HTTP server on 127.0.0.1 that records every request made to it."""
    import http.server
    import threading

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self):
            requests.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png("blue"))

        do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = _any

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


def _repacked(package: bytes, change, added: dict[str, str] | None = None) -> bytes:
    """An Office package (DOCX, XLSX) with each part passed through change(name, bytes), and `added` parts."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, change(item.filename, zin.read(item.filename)))
        for name, text in (added or {}).items():
            zout.writestr(name, text)
    return out.getvalue()


def _with_remote_template(docx: bytes, target: str, change=lambda _name, part: part) -> bytes:
    """A DOCX attached to a template at `target` (settings.xml and its relationships), its other parts changed."""

    def attach(name: str, part: bytes) -> bytes:
        if name == "word/settings.xml":
            part = part.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom', 1)
        return change(name, part)

    return _repacked(docx, attach, {"word/_rels/settings.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        f'Target="{target}" TargetMode="External"/></Relationships>')})


def _docx_linking(tmp: Path, target: str, rels_part: str = "word/_rels/document.xml.rels") -> bytes:
    """A DOCX whose picture is linked (r:link, TargetMode External) to `target` instead of embedded."""
    import io
    import re

    from docx import Document

    document = Document()
    document.add_paragraph("Bukti dengan gambar tertaut")
    document.add_picture(io.BytesIO(_png("red")))
    base = io.BytesIO()
    document.save(base)

    def link(name: str, part: bytes) -> bytes:
        if name == "word/document.xml":
            part = part.replace(b'r:embed="', b'r:link="')
        if name == rels_part:
            part = re.sub(rb'Target="media/image1\.png"', f'Target="{target}" TargetMode="External"'.encode(), part)
        return part

    return _repacked(base.getvalue(), link)


def _odt_linking(target: str, text: str = "Bukti ODT") -> bytes:
    """An ODT (written by hand, the smallest valid package) showing a picture linked to `target`."""
    import io
    import zipfile

    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.2"><office:body><office:text><text:p>{text}
<draw:frame draw:name="g" svg:width="2cm" svg:height="2cm" text:anchor-type="as-char">
<draw:image xlink:href="{target}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>
</text:p></office:text></office:body></office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", content)
        odt.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def _images(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.render
@needs("soffice")
@pytest.mark.parametrize("variant", ["docx-http", "docx-file", "docx-path", "docx-template", "odt-http", "odt-file",
                                     "odt-relative"])
def test_evidence_office_conversion_reaches_no_server_and_no_file_outside(tmp_path, listener, variant):
    from dossier.readers.office import office_to_pdf

    url, requests = listener
    outside = tmp_path / "di-luar" / "rahasia.png"  # a file outside any bukti/ folder
    outside.parent.mkdir()
    outside.write_bytes(_png("green"))
    bukti = tmp_path / "bukti" / "UPT01"
    bukti.mkdir(parents=True)
    kind, how = variant.split("-")
    target = {"http": f"{url}/gambar-{variant}.png", "file": outside.as_uri(), "path": str(outside),
              "template": f"{url}/template.dotx", "relative": "../../di-luar/rahasia.png"}[how]
    if kind == "docx":
        if how == "template":  # a remote attached template, in settings.xml's relationships
            data = _with_remote_template(_docx_linking(tmp_path, f"{url}/gambar.png"), target)
        else:
            data = _docx_linking(tmp_path, target)
        source = bukti / "bukti.docx"
    else:
        data = _odt_linking(target)
        source = bukti / "bukti.odt"
    source.write_bytes(data)
    before = outside.stat().st_atime_ns
    pdf = office_to_pdf(source)
    assert pdf.startswith(b"%PDF-")
    assert requests == []
    assert _images(pdf) == 0  # neither the server's picture nor the file outside is in it
    assert outside.stat().st_atime_ns == before


@pytest.mark.render
@needs("soffice")
@pytest.mark.parametrize("variant", ["html-doc", "html-rtf", "text-doc", "rtf-includepicture"])
def test_evidence_office_a_web_page_under_an_office_name_is_refused_unfetched(tmp_path, listener, variant):
    from dossier.readers.office import ConversionFailed, office_to_pdf

    url, requests = listener
    page = (f'<html><head><link rel="stylesheet" href="{url}/gaya.css"></head><body><p>Bukti</p>'
            f'<img src="{url}/gambar.png"></body></html>')
    data, suffix = {
        "html-doc": (page, ".doc"),
        "html-rtf": ("\n\n" + page, ".rtf"),
        "text-doc": (f"lihat {url}/gambar.png", ".doc"),
        "rtf-includepicture": ('{\\rtf1\\ansi{\\field{\\*\\fldinst INCLUDEPICTURE "' + url + '/gambar.png" \\\\d}'
                               '{\\fldrslt x}}}', ".rtf"),
    }[variant]
    source = tmp_path / f"bukti{suffix}"
    source.write_text(data)
    with pytest.raises(ConversionFailed):
        office_to_pdf(source)
    assert requests == []


@pytest.mark.render
@needs("soffice")
def test_evidence_office_an_embedded_picture_still_converts(tmp_path):
    import io

    from docx import Document

    from dossier.readers.office import office_to_pdf

    document = Document()
    document.add_paragraph("Bukti dengan gambar tersemat")
    document.add_picture(io.BytesIO(_png("red")))
    source = tmp_path / "bukti.docx"
    document.save(source)
    assert _images(office_to_pdf(source)) == 1


def _pdf_with(build_action) -> bytes:
    """One page whose active content `build_action(writer, page)` hangs somewhere."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    build_action(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action_variants():
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    def name(n):
        return NameObject(n)

    def launch(writer, indirect_s=False):
        s = writer._add_object(name("/Launch")) if indirect_s else name("/Launch")
        return DictionaryObject({name("/S"): s, name("/F"): TextStringObject("calc.exe")})

    def link(writer, page, action):
        rect = ArrayObject([NumberObject(10), NumberObject(10), NumberObject(100), NumberObject(100)])
        annotation = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name("/Link"),
                                       name("/Rect"): rect, name("/A"): action})
        page[name("/Annots")] = ArrayObject([writer._add_object(annotation)])

    def goto(writer, nxt):
        return DictionaryObject({name("/S"): name("/GoTo"), name("/D"): ArrayObject([NumberObject(0), name("/Fit")]),
                                 name("/Next"): nxt})

    return {
        "indirect /S": lambda w, p: link(w, p, launch(w, indirect_s=True)),
        "indirect action": lambda w, p: link(w, p, w._add_object(launch(w))),
        "/Next chain of GoTo": lambda w, p: link(w, p, goto(w, goto(w, w._add_object(launch(w, True))))),
        "/Next array": lambda w, p: link(w, p, goto(w, ArrayObject([goto(w, ArrayObject()), launch(w)]))),
        "outline item": lambda w, p: w._root_object.__setitem__(name("/Outlines"), w._add_object(DictionaryObject({
            name("/First"): w._add_object(DictionaryObject({name("/Title"): TextStringObject("x"),
                                                            name("/A"): launch(w, True)}))}))),
        "form field": lambda w, p: w._root_object.__setitem__(name("/AcroForm"), DictionaryObject({
            name("/Fields"): ArrayObject([w._add_object(DictionaryObject({name("/T"): TextStringObject("f"),
                                                                          name("/A"): w._add_object(launch(w))}))])})),
        "named and submit": lambda w, p: link(w, p, DictionaryObject({
            name("/S"): w._add_object(name("/SubmitForm")), name("/F"): TextStringObject("http://x.invalid/"),
            name("/Next"): DictionaryObject({name("/S"): name("/Named"), name("/N"): name("/Print")})})),
    }


@pytest.mark.parametrize("variant", ["indirect /S", "indirect action", "/Next chain of GoTo", "/Next array",
                                     "outline item", "form field", "named and submit"])
def test_evidence_no_action_survives_sanitising_wherever_it_hangs(variant):
    import io

    from pypdf import PdfReader, PdfWriter

    from dossier.readers.evidence_safety import sanitize

    reader = PdfReader(io.BytesIO(_pdf_with(_action_variants()[variant])))
    sanitize(reader)
    writer = PdfWriter(clone_from=reader)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    for word in (b"calc.exe", b"/Launch", b"/SubmitForm", b"/Named", b"x.invalid"):
        assert word not in data, word


def _bomb(filters: list[str], inflated: int) -> bytes:
    """A one-page PDF whose content stream decodes, through `filters`, to `inflated` spaces."""
    import base64
    import io
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject, StreamObject

    data = b" " * inflated
    for name in reversed(filters):  # encode last filter first
        data = {"/FlateDecode": lambda d: zlib.compress(d, 9),
                "/ASCIIHexDecode": lambda d: d.hex().encode() + b">",
                "/ASCII85Decode": lambda d: base64.a85encode(d) + b"~>",
                "/RunLengthDecode": lambda d: b"".join(b"\x81 " for _ in range(len(d) // 128)) + b"\x80"}[name](data)
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = data
    stream[NameObject("/Filter")] = ArrayObject(NameObject(f) for f in filters)
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("filters", [
    ["/ASCIIHexDecode", "/FlateDecode"],
    ["/ASCII85Decode", "/FlateDecode"],
    ["/FlateDecode", "/FlateDecode"],
    ["/ASCIIHexDecode", "/FlateDecode", "/FlateDecode"],
    ["/RunLengthDecode"],
    ["/ASCIIHexDecode", "/RunLengthDecode"],
])
def test_evidence_a_bomb_is_refused_whatever_its_filter_chain(filters):
    import io

    from pypdf import PdfReader

    from dossier.readers.evidence_safety import PdfTooLarge, check_inflated

    with pytest.raises(PdfTooLarge):
        check_inflated(PdfReader(io.BytesIO(_bomb(filters, 3_000_000))), limit=2_000_000)
    assert check_inflated(PdfReader(io.BytesIO(_bomb(filters, 1_000_000))), limit=2_000_000) >= 999_000


def test_evidence_an_lzw_bomb_is_refused():
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject, StreamObject

    from dossier.readers.evidence_safety import PdfTooLarge, check_inflated

    # LZW codes that keep growing one run of spaces: code 258 = "  ", 259 = "   ", ... (9 bits each)
    codes, bits, count = [256, 32] + list(range(258, 500)), 0, 0
    out = bytearray()
    for code in codes + [257]:
        bits, count = (bits << 9) | code, count + 9
        while count >= 8:
            count -= 8
            out.append((bits >> count) & 0xFF)
    if count:
        out.append((bits << (8 - count)) & 0xFF)
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = bytes(out)
    stream[NameObject("/Filter")] = ArrayObject([NameObject("/LZWDecode")])
    page[NameObject("/Contents")] = writer._add_object(stream)
    data = io.BytesIO()
    writer.write(data)
    unpacked = sum(range(1, 244)) + 1  # 1 + 2 + ... spaces
    with pytest.raises(PdfTooLarge):
        check_inflated(PdfReader(io.BytesIO(data.getvalue())), limit=unpacked // 2)
    assert check_inflated(PdfReader(io.BytesIO(data.getvalue())), limit=unpacked * 2) >= unpacked - 300


def _hog(job):
    from dossier.documents.kinds import Made

    data = bytearray(800 * 1024 * 1024)
    return Made(bytes(data[:10]), 1, [])


def _pid(job):
    import os

    from dossier.documents.kinds import Made

    return Made(str(os.getpid()).encode(), 1, [])


def _task(unit: str, render):
    from datetime import UTC, datetime

    from dossier.config import Settings
    from dossier.documents.kinds import DocumentKind
    from dossier.workers import Task

    kind = DocumentKind(f"{unit}-kind", f"{unit}.bin", "docx", (), per_unit=True, render=render)
    return Task(unit, (kind,), None, (), Settings(), None, datetime(2024, 1, 1, tzinfo=UTC), timeout=60)


@pytest.mark.parametrize(("jobs", "tasks"), [(1, 1), (1, 2), (2, 1), (3, 1)])
def test_evidence_the_worker_memory_limit_holds_for_every_render(monkeypatch, jobs, tasks):
    import os

    from dossier.workers import local_pool, render_all

    monkeypatch.setenv("DOSSIER_WORKER_MEMORY_MB", "600")
    with local_pool(jobs) as pool:
        results = {t.unit: rendered for t, rendered in
                   render_all([_task("A", _hog)] + [_task(f"B{i}", _pid) for i in range(tasks - 1)], pool)}
    assert "more than the 600 MB of memory a worker may use" in results.pop("A").error
    assert len(results) == tasks - 1
    for result in results.values():
        assert int(result.files[f"{result.unit}-kind"][0]) != os.getpid()  # rendered in a bounded worker


@pytest.mark.parametrize("entry", ["UPT04/sk-tim-zi.pdf", "UPT04/./standar-pelayanan.pdf", "BD01/../UPT04/sk-tim-zi.pdf",
                                   "UPT04/foto-sosialisasi-zi.jpg"])
def test_evidence_another_units_file_is_warned_and_said_on_the_divider(sample, entry):
    import dataclasses

    from dossier.documents.packet import _status
    from dossier.model import Evidence
    from dossier.readers.evidence import collect_evidence
    from dossier.scoring import score_unit
    from dossier.workspace import Workspace

    ws = Workspace(sample)
    award_year = ws.load(SAMPLE_YEAR)
    lke = award_year.lke["UPT02"]
    code = next(c for c, a in sorted(lke.answers.items()) if a.evidence)
    path = award_year.bukti / entry
    answers = dict(lke.answers)
    answers[code] = dataclasses.replace(answers[code], evidence=(Evidence(entry, path=path, present=path.exists()),))
    award_year.lke["UPT02"] = dataclasses.replace(lke, answers=answers)
    unit = next(u for u in award_year.units if u.code == "UPT02")
    problems = []
    areas = collect_evidence(score_unit(unit, award_year.lke["UPT02"], ws.edition(SAMPLE_YEAR)), award_year, problems)
    document = next(d for area in areas for d in area.documents if d.entry == entry)
    assert document.other_unit == "UPT04"
    assert any("folder of unit UPT04, not of UPT02" in p.message and p.severity == "warning" for p in problems)
    document.first_page, document.pages = 3, 1
    assert "folder unit UPT04" in _status(document)


def test_evidence_a_units_own_file_is_not_warned(sample):
    from dossier.readers.evidence import collect_evidence
    from dossier.scoring import score_unit
    from dossier.workspace import Workspace

    ws = Workspace(sample)
    award_year = ws.load(SAMPLE_YEAR)
    unit = next(u for u in award_year.units if u.code == "UPT04")
    problems = []
    areas = collect_evidence(score_unit(unit, award_year.lke["UPT04"], ws.edition(SAMPLE_YEAR)), award_year, problems)
    assert not [d for area in areas for d in area.documents if d.other_unit]
    assert not [p for p in problems if "folder of unit" in p.message]


# --- 4. Templates and styles stay inside --------------------------------------------------------

def _hostile_reference(url: str, outside: Path) -> bytes:
    """A reference.docx with header text, a header picture linked by address and by path, and a remote template."""
    import io
    import re

    from docx import Document

    from dossier.render.docx import build_reference

    document = Document(io.BytesIO(build_reference()))
    header = document.sections[0].header
    header.paragraphs[0].text = "KOP SURAT KEMENTERIAN"
    header.paragraphs[0].add_run().add_picture(io.BytesIO(_png("red")))
    header.add_paragraph().add_run().add_picture(io.BytesIO(_png("blue")))
    data = io.BytesIO()
    document.save(data)

    def link_outside(name: str, part: bytes) -> bytes:
        if name.startswith("word/_rels/header") and name.endswith(".rels"):
            targets = iter([f"{url}/kop.png", outside.as_uri()])
            part = re.sub(rb'Target="media/[^"]+"',
                          lambda _m, t=targets: f'Target="{next(t)}" TargetMode="External"'.encode(), part)
        if name.startswith("word/header") and name.endswith(".xml"):
            part = part.replace(b'r:embed="', b'r:link="')
        return part

    return _with_remote_template(data.getvalue(), f"{url}/normal.dotm", link_outside)


def test_templates_a_reference_docx_keeps_its_header_text_and_loses_every_outside_link(tmp_path):
    import io
    import zipfile

    from dossier.render.docx import html_to_docx

    url, outside = "http://198.51.100.7:8080", tmp_path / "di-luar.png"
    reference = tmp_path / "templates" / "docx" / "reference.docx"
    reference.parent.mkdir(parents=True)
    reference.write_bytes(_hostile_reference(url, outside))
    built = html_to_docx("<h1>Judul</h1><p>Isi dokumen.</p>", title="t", reference=reference)
    with zipfile.ZipFile(io.BytesIO(built)) as docx:
        text = b"".join(docx.read(n) for n in docx.namelist() if n.endswith((".xml", ".rels")))
    assert b"KOP SURAT KEMENTERIAN" in text  # the header content is used
    for trace in (url.encode(), outside.as_uri().encode(), b"attachedTemplate", b"r:link="):
        assert trace not in text, trace


@pytest.mark.parametrize("where", ["outside the workspace", "elsewhere in the workspace", "a link chain"])
def test_templates_a_reference_docx_linked_out_of_templates_is_refused(tmp_path, where):
    from dossier.errors import TemplateError
    from dossier.render.docx import build_reference, reference_path

    workspace = tmp_path / "ws"
    templates = workspace / "templates"
    (templates / "docx").mkdir(parents=True)
    target = {"outside the workspace": tmp_path / "lain" / "ref.docx",
              "elsewhere in the workspace": workspace / "inputs" / "ref.docx",
              "a link chain": tmp_path / "lain" / "ref.docx"}[where]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_reference())
    if where == "a link chain":  # a link inside templates/ pointing at a link that leaves
        (templates / "docx" / "tengah.docx").symlink_to(target)
        (templates / "docx" / "reference.docx").symlink_to("tengah.docx")
    else:
        (templates / "docx" / "reference.docx").symlink_to(target)
    with pytest.raises(TemplateError, match="outside the templates folder"):
        reference_path(templates)


def test_templates_a_reference_docx_linked_inside_templates_is_used(tmp_path):
    from dossier.render.docx import build_reference, reference_path

    templates = tmp_path / "templates"
    (templates / "docx").mkdir(parents=True)
    (templates / "docx" / "gaya.docx").write_bytes(build_reference())
    (templates / "docx" / "reference.docx").symlink_to("gaya.docx")
    assert reference_path(templates) == (templates / "docx" / "gaya.docx").resolve()


@pytest.mark.parametrize("where", ["workspace root", "subfolder", "templates/static"])
def test_templates_a_replaced_logo_changes_the_build_fingerprint(tmp_path, where):
    from dossier.incremental import fingerprint
    from dossier.workspace import Workspace

    root = tmp_path / "ws"
    shutil.copytree(REPO / "inputs", root / "inputs")
    rel = {"workspace root": "logo.png", "subfolder": "aset/logo kementerian.png",
           "templates/static": "templates/static/logo.png"}[where]
    logo = root / rel
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(_png("red"))
    (root / "dossier.toml").write_text(f'[dokumen]\nlogo = "{rel}"\n')
    ws = Workspace(root)
    edition = ws.edition(SAMPLE_YEAR)
    before = fingerprint(ws, SAMPLE_YEAR, edition, [])
    logo.write_bytes(_png("blue"))  # same name, same size: another picture
    assert fingerprint(Workspace(root), SAMPLE_YEAR, edition, []) != before


# --- 5. Two commands at once, and the faulty machine --------------------------------------------

@pytest.mark.parametrize(("holder", "second"), [("archive", "build"), ("build", "archive"), ("build", "report"),
                                                ("archive", "archive")])
def test_commands_a_second_command_on_the_same_year_is_told_to_wait(sample, holder, second):
    from dossier.locking import year_lock

    folder = sample / "build" / str(SAMPLE_YEAR)
    folder.mkdir(parents=True)
    with year_lock(folder, holder):
        result = run(sample, second)
    assert result.exit_code == 1
    assert f"another 'dossier {holder}' (process" in result.output
    assert "wait until it ends" in result.output
    assert not (sample / "archive").exists()


@pytest.mark.slow
def test_commands_a_lock_left_by_a_killed_command_does_not_block(sample):
    import os
    import signal
    import time

    folder = sample / "build" / str(SAMPLE_YEAR)
    folder.mkdir(parents=True)
    holder = dossier_process(sample, "report")  # killed hard while it holds the lock
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (folder / ".dossier.lock").exists():
        time.sleep(0.05)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (folder / ".dossier.lock").exists()  # the file stays; the lock went with the process
    result = run(sample, "archive")
    assert "another 'dossier" not in result.output


@pytest.mark.slow
@pytest.mark.parametrize("output", ["/proc/1", "/sys/kernel/dossier-test", "a file"])
def test_commands_lke_template_into_a_folder_it_cannot_write_says_so(sample, output):
    if output == "a file":
        (sample / "berkas").write_text("x")
        output = str(sample / "berkas" / "lke")
    process = dossier_process(sample, "lke-template", "--unit", "UPT01", "-o", output)
    out = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 1
    assert "Traceback" not in out
    assert "check that the folder exists and may be written" in out


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["latin-1", "ascii", "cp1252"])
@pytest.mark.parametrize("command", ["score", "validate"])
def test_commands_a_narrow_terminal_encoding_shows_an_emoji_name_without_a_traceback(sample, encoding, command):
    set_cell(sample, "Unit", 2, 2, "Balai \U0001f680 Bitung \u2713 \u0411")
    process = dossier_process(sample, command, env={"PYTHONIOENCODING": encoding, "LANG": "C"})
    out = process.communicate(timeout=300)[0]
    assert b"Traceback" not in out
    assert process.returncode in (0, 1)
    # Shown as '?' where the encoding lacks it (Click writes UTF-8 to a stream that claims ASCII).
    assert b"Balai ? Bitung" in out or b"Balai \xf0\x9f\x9a\x80 Bitung" in out or command == "validate"


@pytest.mark.render
@pytest.mark.parametrize(("jobs", "after"), [("1", 1), ("2", 1), ("1", 2)])
def test_commands_ctrl_c_stops_a_build_within_two_seconds_and_says_it_is_safe(sample, jobs, after):
    """Ctrl-C once `after` tasks are built (each says "built ...": the others are being rendered)."""
    import os
    import signal
    import subprocess
    import time

    process = dossier_process(sample, "build", "-j", jobs)
    assert process.stdout is not None
    built = 0
    while built < after and (line := process.stdout.readline()):
        built += line.startswith(b"built ")
    assert built == after
    stopped = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    out = process.communicate(timeout=60)[0].decode()
    assert time.monotonic() - stopped < 2.0, out
    assert process.returncode == 130, out
    assert "Traceback" not in out
    assert "running the same command again is safe" in out
    deadline = time.monotonic() + 2
    while (left := subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout) and \
            time.monotonic() < deadline:
        time.sleep(0.1)  # workers already killed, being reaped
    assert not left  # no worker, no LibreOffice left behind


@pytest.mark.slow
@pytest.mark.parametrize(("language", "expected", "unexpected"), [("en", "88.49", "88,49"), ("id", "88,49", "88.49")])
def test_commands_numbers_print_as_the_language_spoken_writes_them(sample, language, expected, unexpected, speak):
    speak(language)
    result = run(sample, "score")
    table = result.output.split("\n\n")[0]
    assert expected in table and unexpected not in table


def test_commands_documents_keep_indonesian_numbers_in_english(speak):
    from dossier.render.format import distinct, number, percent

    speak("en")
    assert number(84.265) == "84,27"
    assert distinct(2.996, 3.0) == ("2,996", "3,000", "0,004")
    assert percent(0.885, 1) == "88,5%"


@pytest.mark.render
@needs("soffice")
@pytest.mark.parametrize("kind", ["xlsx", "docx", "odt", "xlsx with an external link"])
def test_evidence_office_the_content_inside_the_package_still_converts(tmp_path, kind):
    import io

    from openpyxl import Workbook
    from pypdf import PdfReader

    from dossier.readers.office import office_to_pdf

    source = tmp_path / f"bukti.{kind.split()[0]}"
    if kind.startswith("xlsx"):
        book = Workbook()
        book.active["A1"] = "Rekap SKM triwulan"
        book.save(source)
        if kind == "xlsx with an external link":  # a link to another workbook on a server, in the workbook's rels

            def link(name: str, part: bytes) -> bytes:
                if name != "xl/_rels/workbook.xml.rels":
                    return part
                return part.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/externalLinkPath" Target="http://198.51.100.7/lain.xlsx" '
                    b'TargetMode="External"/></Relationships>'))

            source.write_bytes(_repacked(source.read_bytes(), link))
    elif kind == "docx":
        from docx import Document

        document = Document()
        document.add_paragraph("Rekap SKM triwulan")
        document.save(source)
    else:
        source.write_bytes(_odt_linking("Pictures/tidak-ada.png", "Rekap SKM triwulan"))
    text = PdfReader(io.BytesIO(office_to_pdf(source))).pages[0].extract_text()
    assert "Rekap SKM triwulan" in text
