"""Evidence files made harmless before they go into a packet: PDFs, and images decoded strictly.

A unit's evidence PDF may carry active content: JavaScript (in the document's name tree,
in the catalogue's /OpenAction, in page and annotation actions), /Launch and other
actions that open files or send data, additional actions (/AA) on the document, its
pages, its annotations and form fields, and embedded files. `sanitize` removes all of
them from a reader's objects, before the pages are copied, so no trace reaches the packet.
No action of any kind survives (issue 21), plain links included: a /URI link would let a
unit's file send the reader of a signed packet anywhere, and a /GoTo or /Dest jump points
into the evidence's own pages, which are numbered anew in the packet. A link's visible text
is page content and stays; the dossier lists web evidence itself.

It first bounds what the file unpacks to: a PDF of a few MB whose streams inflate to
70 MB each took gigabytes of memory. Every stream we would unpack (page contents,
forms, object streams; not images, which are copied packed) is decoded once through
its whole filter chain, each decoder bounded, counted and dropped; a file unpacking
to more than MAX_INFLATED is refused (PdfTooLarge).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from dossier.errors import msg

# All the streams of one evidence PDF together, unpacked. A scanned document of a hundred
# pages is ~50 MB; its page descriptions (what pypdf unpacks to copy it) far less.
MAX_INFLATED = 256 * 1024 * 1024
CHUNK = 1024 * 1024

# Keys removed wherever they appear: additional actions, the opening action, scripts,
# embedded file streams and associated files, XFA forms (which carry scripts).
ACTIVE_KEYS = ("/AA", "/OpenAction", "/JS", "/EF", "/AF", "/XFA", "/RichMediaContent")
# Every action type of ISO 32000-2 (12.6.4); an action dictionary of any of them is emptied where it sits.
ACTION_TYPES = frozenset(("/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound", "/Movie",
                          "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData", "/JavaScript", "/SetOCGState",
                          "/Rendition", "/Trans", "/GoTo3DView", "/RichMediaExecute"))
# Keys that hold an action or a jump: an annotation's, outline item's or field's action, the next in a
# chain, a link's destination, and a link's former URI action (/PA). All removed wherever they appear.
ACTION_KEYS = ("/A", "/Next", "/Dest", "/PA")
NAME_TREES = ("/JavaScript", "/EmbeddedFiles")  # in the catalogue's /Names
ACTIVE_ANNOTATIONS = frozenset(("/FileAttachment", "/RichMedia", "/Movie", "/Screen", "/Sound", "/3D"))


class PdfTooLarge(ValueError):
    """Raised when an evidence PDF unpacks to more than MAX_INFLATED; `reason` says so, worded when shown."""

    def __init__(self, limit_mb: int):
        self.reason = msg("refused: its content unpacks to more than {limit} MB "
                          "(a PDF bomb or a badly made file); print it to PDF again or scan it at a lower resolution",
                          limit=limit_mb)
        super().__init__(str(self.reason))


def sanitize(reader, limit: int = MAX_INFLATED) -> None:
    """Refuse a PDF that unpacks to more than `limit`, then strip its active content in place."""
    check_inflated(reader, limit)
    _strip(reader.trailer["/Root"])


def check_inflated(reader, limit: int = MAX_INFLATED) -> int:
    """The total unpacked size of a reader's streams but images; PdfTooLarge past `limit`, without holding them."""
    from pypdf.generic import IndirectObject, StreamObject

    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    total = 0
    for num, gen in sorted(numbers):
        try:
            obj = IndirectObject(num, gen, reader).get_object()
        except Exception:  # noqa: BLE001 - a damaged object: the full read after this reports it
            continue
        # Images are copied packed, never unpacked by us: a long scan at 300 dpi is legitimately large.
        if isinstance(obj, StreamObject) and _resolved(obj.get("/Subtype")) != "/Image":
            total += _inflated(obj, limit - total)
            if total > limit:
                raise PdfTooLarge(limit // (1024 * 1024))
    return total


def _inflated(stream, budget: int) -> int:
    """How many bytes a stream unpacks to through its whole filter chain, stopped just past `budget`.

    Every decoder of the chain runs in chunks, and each one's output is bounded, so a chain such as
    [/ASCIIHexDecode /FlateDecode] (or any order, or LZW) is counted as pypdf would unpack it, never
    held whole. An image codec (DCT, JPX, JBIG2, CCITT) ends the count: nobody here unpacks it.
    """
    from pypdf.generic import ArrayObject, EncodedStreamObject

    raw = stream._data or b""
    if not isinstance(stream, EncodedStreamObject):
        return len(raw)
    filters = _resolved(stream.get("/Filter"))
    filters = [_resolved(f) for f in filters] if isinstance(filters, ArrayObject) else [filters] if filters else []
    chunks: Iterator[bytes] = iter([raw])
    for name in filters:
        decoder = DECODERS.get(str(name))
        if decoder is None:  # an image codec, or a name we do not know: pypdf will not unpack it either
            break
        chunks = _bounded(decoder(chunks), budget)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > budget:
                break
    except (zlib.error, ValueError, IndexError):  # damaged data: pypdf decides what it is worth when it reads it
        pass
    return max(size, len(raw))


def _bounded(chunks: Iterator[bytes], budget: int) -> Iterator[bytes]:
    """Pass the chunks on until they add up to just past `budget` (one decoder's output, whatever follows)."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        yield chunk
        if size > budget:
            return


def _flate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while pending and not inflater.eof:
            out = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            yield out
            if not out and not pending:
                break
        if inflater.eof:
            return


def _ascii_hex(chunks: Iterator[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = carry + bytes(c for c in (chunk if end < 0 else chunk[:end]) if c not in b" \t\r\n\f\0")
        even = len(digits) - len(digits) % 2
        carry = digits[even:]
        yield bytes.fromhex(digits[:even].decode("ascii"))
        if end >= 0:
            break
    if carry:
        yield bytes.fromhex(carry.decode("ascii") + "0")


def _ascii85(chunks: Iterator[bytes]) -> Iterator[bytes]:
    import base64

    carry = b""
    for chunk in chunks:
        end = chunk.find(b"~>")
        text = carry + bytes(c for c in (chunk if end < 0 else chunk[:end]) if c not in b" \t\r\n\f\0")
        text = text.replace(b"z", b"!!!!!")
        whole = len(text) - len(text) % 5
        carry = text[whole:]
        yield base64.a85decode(text[:whole])
        if end >= 0:
            break
    if carry:
        yield base64.a85decode(carry + b"u" * (5 - len(carry)))[: len(carry) - 1]


def _run_length(chunks: Iterator[bytes]) -> Iterator[bytes]:
    data = b""
    for chunk in chunks:
        data += chunk
        out = bytearray()
        at = 0
        while at < len(data):
            length = data[at]
            if length == 128:
                yield bytes(out)
                return
            if length < 128:
                if at + length + 2 > len(data):
                    break
                out += data[at + 1:at + length + 2]
                at += length + 2
            else:
                if at + 1 >= len(data):
                    break
                out += data[at + 1:at + 2] * (257 - length)
                at += 2
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
        data = data[at:]
        yield bytes(out)


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """PDF's LZW (MSB first, 9 to 12 bits, early change), decoded as the codes come."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    width, previous, bits, count = 9, b"", 0, 0
    for chunk in chunks:
        out = bytearray()
        for byte in chunk:
            bits, count = (bits << 8) | byte, count + 8
            while count >= width:
                count -= width
                code = (bits >> count) & ((1 << width) - 1)
                if code == 256:  # clear
                    table, width, previous = table[:258], 9, b""
                    continue
                if code == 257:  # end of data
                    yield bytes(out)
                    return
                if code < len(table):
                    entry = table[code]
                elif code == len(table) and previous:
                    entry = previous + previous[:1]
                else:
                    raise ValueError("bad LZW code")
                out += entry
                if previous and len(table) < 4096:
                    table.append(previous + entry[:1])
                previous = entry
                if len(table) + 1 >= (1 << width) and width < 12:
                    width += 1
                if len(out) >= CHUNK:
                    yield bytes(out)
                    out.clear()
        yield bytes(out)


DECODERS = {
    "/FlateDecode": _flate, "/Fl": _flate,
    "/ASCIIHexDecode": _ascii_hex, "/AHx": _ascii_hex,
    "/ASCII85Decode": _ascii85, "/A85": _ascii85,
    "/RunLengthDecode": _run_length, "/RL": _run_length,
    "/LZWDecode": _lzw, "/LZW": _lzw,
}


def _resolved(value):
    """A value with any indirect reference followed (a damaged one reads as None)."""
    try:
        return value.get_object() if hasattr(value, "get_object") else value
    except Exception:  # noqa: BLE001 - a damaged reference
        return None


def _strip(root) -> None:
    """Remove active content from every object reachable from the catalogue."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    names = _resolved(root.get("/Names"))
    if hasattr(names, "pop"):
        for tree in NAME_TREES:
            names.pop(tree, None)
    seen: set[tuple[int, int]] = set()
    todo = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001 - a damaged object: nothing to strip there
                continue
        if isinstance(item, DictionaryObject):
            _strip_dictionary(item)
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)


def _strip_dictionary(item) -> None:
    """Make one dictionary inert: no action of any kind, by what it is, wherever it hangs.

    An /S written as an indirect reference is what it points to. An action dictionary is
    emptied where it sits, so it is gone from every place that names it (/A, /Next, an
    outline, a form field, a name tree), and every key that holds an action or a jump is
    removed: a link annotation stays, inert, over its text.
    """
    from pypdf.generic import ArrayObject, NameObject

    for key in ACTIVE_KEYS:
        item.pop(key, None)
    if _resolved(item.get("/S")) in ACTION_TYPES:
        for key in list(item.keys()):
            del item[key]
        return
    for key in ACTION_KEYS:
        item.pop(key, None)
    annotations = _resolved(item.get("/Annots"))
    if isinstance(annotations, ArrayObject):
        kept = [a for a in annotations if _annotation_kept(a)]
        if len(kept) != len(annotations):
            item[NameObject("/Annots")] = ArrayObject(kept)


def _annotation_kept(annotation) -> bool:
    try:
        return _resolved(annotation.get_object().get("/Subtype")) not in ACTIVE_ANNOTATIONS
    except Exception:  # noqa: BLE001 - a damaged annotation is dropped
        return False


@contextmanager
def strict_images() -> Iterator[None]:
    """Decode images strictly while checking them: a truncated JPEG is an error, not half a picture.

    WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is
    imported, which makes a cut-off file decode "successfully" with its lower part blank.
    """
    from PIL import ImageFile

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
