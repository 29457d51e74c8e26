"""Reproducible output: the same inputs give the same bytes, on any day and in any folder.

Every date inside an output is the build timestamp (1 January of the award year, or
SOURCE_DATE_EPOCH); zip members of DOCX and XLSX carry that time; PDF identifiers are
hashes of the content. Page counting lives here too, as every PDF path needs it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

W3C = "%Y-%m-%dT%H:%M:%SZ"


# The last second of 2999: the latest SOURCE_DATE_EPOCH, as award years end there too.
MAX_EPOCH = 32503680000 - 1


def epoch_setting() -> datetime | None:
    """SOURCE_DATE_EPOCH as a UTC datetime, None when unset; a value out of range is an error, said plainly."""
    from dossier.errors import DossierError
    from dossier.i18n import _

    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_EPOCH:
        raise DossierError(
            _("SOURCE_DATE_EPOCH={value}: expected the seconds since 1970-01-01 UTC, in digits 0-9, at most "
              "{maximum} (the end of 2999); unset it to date the documents 1 January of the award year.")
            .format(value=repr(text[:40]), maximum=MAX_EPOCH)
        )
    return datetime.fromtimestamp(int(text), tz=UTC)


def build_timestamp(year: int) -> datetime:
    """The date stamped into every output: SOURCE_DATE_EPOCH, else 1 January of the award year (UTC).

    Never the clock, so the same inputs give the same bytes on any day.
    """
    return epoch_setting() or datetime(year, 1, 1, tzinfo=UTC)


def naive_utc(when: datetime) -> datetime:
    """A naive UTC datetime, as zip files and openpyxl stamp it."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def package_time(year: int) -> datetime:
    """The timestamp stamped into saved packages (naive, as zip and openpyxl want it)."""
    return build_timestamp(year).replace(tzinfo=None)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_package(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip (XLSX, DOCX) with fixed member times and core-property dates."""
    stamp = when.strftime(W3C).encode()
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def w3c_date(created: datetime | None) -> str:
    """A W3C date for a rendered PDF's dates: `created`, else SOURCE_DATE_EPOCH, else the epoch."""
    if created is None:
        created = epoch_setting() or datetime.fromtimestamp(0, tz=UTC)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).strftime(W3C)


def pdf_date(created: datetime) -> str:
    """A PDF date string (D:...) for metadata written with pypdf."""
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


@contextmanager
def source_date_epoch(stamp: str) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to a W3C date for the duration of one rendering.

    Without HarfBuzz-subset, WeasyPrint subsets fonts with fontTools, which
    writes the current time into each font's `head` table unless
    SOURCE_DATE_EPOCH is set.
    """
    seconds = int(datetime.strptime(stamp, W3C).replace(tzinfo=UTC).timestamp())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def html_identifier(html: str, folders: list[Path], *parts: str) -> bytes:
    """A rendered PDF's /ID: a hash of what it shows, the same wherever the workspace or templates lie."""
    for folder in sorted({str(Path(f).resolve()) for f in folders}, key=len, reverse=True):
        html = html.replace(Path(folder).as_uri(), "").replace(folder, "")
    return hashlib.sha256("\0".join([*parts, html]).encode()).hexdigest()[:32].encode()


def fix_identifier(writer, digest: bytes) -> None:
    """Give a PDF assembled with pypdf a fixed /ID from a digest of its content."""
    from pypdf.generic import ArrayObject, ByteStringObject

    identifier = ByteStringObject(digest[:16])
    writer._ID = ArrayObject([identifier, identifier])


def parts_digest(parts: list[bytes]) -> bytes:
    """The digest of PDFs joined into one: of each part's SHA-256, in order."""
    return hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in parts)).digest()


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
