"""Evidence PDFs in a packet: nothing active comes through, and a PDF bomb is refused by name."""

from __future__ import annotations

import io
import shutil
import zlib

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from dossier.build import build
from dossier.readers.evidence_safety import PdfTooLarge, check_inflated
from dossier.workspace import Workspace
from tests.conftest import REPO, SAMPLE_YEAR

UNIT = "BD02"
PAYLOAD = b"SECRET-EMBEDDED-PAYLOAD"


def js(code: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})


def active_pdf() -> bytes:
    """One page carrying every kind of active content a viewer would run or open."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    writer.add_attachment("rahasia.txt", PAYLOAD)
    names = writer._root_object["/Names"].get_object()
    names[NameObject("/JavaScript")] = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("doc"), writer._add_object(js("app.alert('document-level');"))])})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(js("app.alert('open-action');"))
    writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): js("app.alert('doc-aa');")})
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js("app.alert('page-aa');")})
    rect = ArrayObject([NumberObject(10), NumberObject(10), NumberObject(100), NumberObject(100)])
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("calc.exe")})
    annotations = [
        DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                          NameObject("/Rect"): rect, NameObject("/A"): js("app.alert('link');"),
                          NameObject("/AA"): DictionaryObject({NameObject("/E"): js("app.alert('annot-aa');")})}),
        DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                          NameObject("/Rect"): rect, NameObject("/A"): launch}),
        DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                          NameObject("/Rect"): rect,
                          NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                                              NameObject("/URI"): TextStringObject("https://example.org"),
                                                              NameObject("/Next"): js("app.alert('next');")})}),
    ]
    page[NameObject("/Annots")] = ArrayObject(writer._add_object(a) for a in annotations)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bomb_pdf(pages: int, inflated: int) -> bytes:
    """Pages whose content streams are small packed and `inflated` bytes each unpacked."""
    packed = zlib.compress(b" " * inflated, 9)
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        stream = EncodedStreamObject()
        stream._data = packed
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "ws"
    shutil.copytree(REPO / "inputs", root / "inputs")
    bukti = root / "inputs" / str(SAMPLE_YEAR) / "bukti" / UNIT
    (bukti / "sk-tim-zi.pdf").write_bytes(active_pdf())
    (bukti / "rencana-kerja-zi.pdf").write_bytes(bomb_pdf(5, 70_000_000))  # 350 MB unpacked
    result = build(Workspace(root), SAMPLE_YEAR, units=[UNIT], formats=("pdf",), year_documents=False, jobs=1)
    assert result.ok, result.failed
    return result, (root / "build" / str(SAMPLE_YEAR) / "paket" / f"{UNIT}.pdf").read_bytes()


@pytest.mark.render
def test_no_active_content_from_evidence_reaches_the_packet(hostile_build):
    """No action of any kind survives in a packet (issue 21), plain /URI links included.

    This test once required the evidence's /URI link to be kept. It no longer does: a link in a
    unit's file would let it send the reader of a signed packet anywhere, and the dossier lists
    web evidence itself. The link's visible text is page content and stays (tested below).
    """
    _, packet = hostile_build
    assert PAYLOAD not in packet
    for text in (b"app.alert", b"/JavaScript", b"/Launch", b"calc.exe", b"/OpenAction", b"/AA", b"/JS"):
        assert text not in packet, text
    reader = PdfReader(io.BytesIO(packet))
    assert "rahasia.txt" not in reader.attachments
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    assert not [a for a in links if "/A" in a and "example.org" in str(a["/A"])]
    assert b"https://example.org" not in packet


@pytest.mark.render
def test_a_pdf_bomb_is_refused_by_name(hostile_build):
    result, _ = hostile_build
    refused = [p for p in result.problems if "rencana-kerja-zi.pdf" in p.where and "unpacks to more than" in p.message]
    assert refused, [str(p) for p in result.problems]


def test_the_inflated_size_is_counted_without_keeping_it():
    reader = PdfReader(io.BytesIO(bomb_pdf(3, 2_000_000)))
    assert check_inflated(reader) >= 6_000_000
    with pytest.raises(PdfTooLarge):
        check_inflated(PdfReader(io.BytesIO(bomb_pdf(3, 2_000_000))), limit=5_000_000)


def test_large_images_do_not_count_as_a_bomb():
    """A long scan's images are large unpacked, but they are copied packed: only what is unpacked counts."""
    packed = zlib.compress(bytes(20_000_000), 9)
    writer = PdfWriter()
    for _ in range(3):
        page = writer.add_blank_page(595, 842)
        image = EncodedStreamObject()
        image._data = packed
        image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                      NameObject("/Width"): NumberObject(5000), NameObject("/Height"): NumberObject(4000),
                      NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                      NameObject("/BitsPerComponent"): NumberObject(8),
                      NameObject("/Filter"): NameObject("/FlateDecode")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})})
    out = io.BytesIO()
    writer.write(out)
    assert check_inflated(PdfReader(io.BytesIO(out.getvalue())), limit=10_000_000) < 10_000_000


# -- Links: inert in the packet, their text kept -----------------------------------------------------


def _weasyprint_links() -> bytes:
    """A real evidence PDF with a web link and a jump to its own second page, as a browser or office suite makes."""
    from weasyprint import HTML

    return HTML(string='<p>Lihat <a href="https://example.org/sk-tim">situs kementerian</a> dan '
                       '<a href="#lampiran">lampiran di halaman dua</a>.</p>'
                       '<h2 id="lampiran" style="break-before: page">Lampiran SK</h2>').write_pdf()


def _link_variants(kind: str) -> bytes:
    """One page with a link annotation holding a plain link written the ways a PDF may write it."""
    name = NameObject
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    rect = ArrayObject([NumberObject(10), NumberObject(10), NumberObject(100), NumberObject(100)])
    uri = DictionaryObject({name("/S"): name("/URI"), name("/URI"): TextStringObject("https://example.org/alamat")})
    goto = DictionaryObject({name("/S"): name("/GoTo"),
                             name("/D"): ArrayObject([writer.pages[1].indirect_reference, name("/Fit")])})
    annotation = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name("/Link"), name("/Rect"): rect})
    if kind == "uri indirect":
        annotation[name("/A")] = writer._add_object(uri)
    elif kind == "uri with indirect /S":
        annotation[name("/A")] = DictionaryObject({name("/S"): writer._add_object(name("/URI")),
                                                   name("/URI"): TextStringObject("https://example.org/alamat")})
    elif kind == "goto then uri":
        goto[name("/Next")] = uri
        annotation[name("/A")] = goto
    elif kind == "dest":
        annotation[name("/Dest")] = ArrayObject([writer.pages[1].indirect_reference, name("/Fit")])
        annotation[name("/PA")] = uri
    elif kind == "open action goto":
        writer._root_object[name("/OpenAction")] = writer._add_object(goto)
        annotation[name("/A")] = uri
    page[name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _actions_left(data: bytes) -> list[str]:
    """Every key holding an action or a jump, and every action dictionary, in any object of a PDF."""
    from dossier.readers.evidence_safety import ACTION_TYPES

    reader = PdfReader(io.BytesIO(data))
    found = []
    numbers = {num for table in reader.xref.values() for num in table} | set(reader.xref_objStm)
    for num in sorted(numbers):
        try:
            obj = reader.get_object(num)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(obj, DictionaryObject):
            found += [k for k in ("/A", "/Next", "/Dest", "/PA", "/OpenAction") if k in obj]
            if str(obj.get("/S", "")) in ACTION_TYPES or "/URI" in obj:
                found.append(str(obj.get("/S")))
    return found


@pytest.mark.parametrize("kind", ["weasyprint", "uri indirect", "uri with indirect /S", "goto then uri", "dest",
                                  "open action goto"])
def test_no_link_of_any_kind_survives_in_evidence_but_its_text_does(kind):
    from dossier.errors import Place
    from dossier.readers.evidence import PDF, Document, _check_pdf

    data = _weasyprint_links() if kind == "weasyprint" else _link_variants(kind)
    assert _actions_left(data)  # the file as the unit sent it does link
    problems: list = []
    document = Document("PPA1A", "BD02/sk.pdf", PDF)
    _check_pdf(document, Place("lke/LKE BD02.xlsx", "LKE", "F10"), "BD02", problems, data=data)
    assert problems == [] and document.data is not None
    assert _actions_left(document.data) == []
    assert b"example.org" not in document.data
    copy = PdfReader(io.BytesIO(document.data))
    assert len(copy.pages) == len(PdfReader(io.BytesIO(data)).pages)
    if kind == "weasyprint":  # the words of the links are still there to read
        text = " ".join(page.extract_text() for page in copy.pages)
        assert "situs kementerian" in text and "lampiran di halaman dua" in text and "Lampiran SK" in text
