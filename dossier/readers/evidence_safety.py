"""Evidence files made harmless before they go into a packet: PDFs, and images decoded strictly.

A unit's evidence PDF may carry active content: JavaScript (in the document's name tree,
in the catalogue's /OpenAction, in page and annotation actions), /Launch and other
actions that open files or send data, additional actions (/AA) on the document, its
pages, its annotations and form fields, and embedded files. `sanitize` removes all of
them from a reader's objects, before the pages are copied, so no trace reaches the packet.

It first bounds what the file unpacks to: a PDF of a few MB whose streams inflate to
70 MB each took gigabytes of memory. Every stream we would unpack (page contents,
forms, object streams; not images, which are copied packed) is inflated once,
counted and dropped; a file unpacking to more than MAX_INFLATED is refused (PdfTooLarge).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from dossier.i18n import _

# All the streams of one evidence PDF together, unpacked. A scanned document of a hundred
# pages is ~50 MB; its page descriptions (what pypdf unpacks to copy it) far less.
MAX_INFLATED = 256 * 1024 * 1024
CHUNK = 1024 * 1024

# Actions that run code, open or fetch other files, or send data somewhere.
ACTIVE_ACTIONS = frozenset(("/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/GoToR",
                            "/RichMediaExecute", "/Rendition"))
# Keys removed wherever they appear: additional actions, the opening action, scripts,
# embedded file streams and associated files, XFA forms (which carry scripts).
ACTIVE_KEYS = ("/AA", "/OpenAction", "/JS", "/EF", "/AF", "/XFA", "/RichMediaContent")
NAME_TREES = ("/JavaScript", "/EmbeddedFiles")  # in the catalogue's /Names
ACTIVE_ANNOTATIONS = frozenset(("/FileAttachment", "/RichMedia", "/Movie", "/Screen", "/Sound", "/3D"))


class PdfTooLarge(ValueError):
    """Raised when an evidence PDF unpacks to more than MAX_INFLATED."""


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
        if isinstance(obj, StreamObject) and obj.get("/Subtype") != "/Image":
            total += _inflated(obj, limit - total)
            if total > limit:
                raise PdfTooLarge(
                    _("refused: its content unpacks to more than {limit} MB "
                      "(a PDF bomb or a badly made file); print it to PDF again or scan it at a lower resolution")
                    .format(limit=limit // (1024 * 1024))
                )
    return total


def _inflated(stream, budget: int) -> int:
    """How many bytes a stream unpacks to, counted in chunks and stopped just past `budget`."""
    from pypdf.generic import ArrayObject, EncodedStreamObject

    raw = stream._data or b""
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if not isinstance(stream, EncodedStreamObject) or first not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= budget:
            size += len(inflater.decompress(pending, CHUNK))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:  # damaged data: pypdf decides what it is worth when it reads it
        pass
    return max(size, len(raw))


def _strip(root) -> None:
    """Remove active content from every object reachable from the catalogue."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for tree in NAME_TREES:
            names.pop(tree, None)
    seen: set[int] = set()
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
    for key in ACTIVE_KEYS:
        item.pop(key, None)
    if _is_active(item.get("/A")):
        del item["/A"]
    if "/Next" in item and _is_active(item["/Next"]):
        del item["/Next"]
    if item.get("/S") in ACTIVE_ACTIONS:  # an action reached another way: made inert
        item.pop("/S", None)
    annotations = item.get("/Annots")
    if annotations is not None:
        kept = [a for a in annotations.get_object() if _annotation_kept(a)]
        if len(kept) != len(annotations.get_object()):
            from pypdf.generic import ArrayObject, NameObject

            item[NameObject("/Annots")] = ArrayObject(kept)


def _is_active(action) -> bool:
    """An action (or an array of them) that does any of ACTIVE_ACTIONS; chained ones are checked where they sit."""
    from pypdf.generic import ArrayObject

    try:
        action = action.get_object() if action is not None else None
    except Exception:  # noqa: BLE001
        return True
    if isinstance(action, ArrayObject):
        return any(_is_active(a) for a in action)
    if not hasattr(action, "get"):
        return False
    return action.get("/S") in ACTIVE_ACTIONS or "/JS" in action


def _annotation_kept(annotation) -> bool:
    try:
        return annotation.get_object().get("/Subtype") not in ACTIVE_ANNOTATIONS
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
