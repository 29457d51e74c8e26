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
    _, packet = hostile_build
    assert PAYLOAD not in packet
    for text in (b"app.alert", b"/JavaScript", b"/Launch", b"calc.exe", b"/OpenAction", b"/AA", b"/JS"):
        assert text not in packet, text
    reader = PdfReader(io.BytesIO(packet))
    assert "rahasia.txt" not in reader.attachments
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    assert any(a["/A"].get("/URI") == "https://example.org" for a in links if "/A" in a)  # plain links stay


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
