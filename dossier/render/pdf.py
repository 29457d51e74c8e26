"""HTML -> PDF with WeasyPrint: nothing fetched from outside, the same bytes every time.

A document may read `data:` URIs and files under the folders it is given (the
template static folders, the year's `bukti/`); every other URL (http, https, a
file elsewhere, a link leaving a folder) stops rendering with a RenderError
naming it, so a hostile value in a workbook can never make the PDF fetch or
embed anything.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.util import Finalize
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML, Attachment
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from dossier.errors import RenderError
from dossier.i18n import _
from dossier.reproducible import W3C, html_identifier, source_date_epoch, w3c_date

# Every PDF is made archival from the start: PDF/A-3b keeps fonts embedded and colours
# defined, and (unlike PDF/A-2) allows embedded source data. "b" (visual appearance)
# rather than "u": the text layer of WeasyPrint output is Unicode-mapped anyway, but
# "u" would promise it for every glyph of every font a workspace may bring.
ARCHIVAL = "pdf/a-3b"

# Built once per process: loading fontconfig and the bundled @font-face files
# costs more than laying out a short document. The image cache is keyed by URL.
_FONT_CONFIG: FontConfiguration | None = None
_FONT_CONFIG_PID = 0
_IMAGE_CACHE: dict = {}

# WeasyPrint reports unsupported CSS and the like as warnings on its logger;
# they are for template authors, not for the secretariat running a build.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class RefusedURL(FatalURLFetchingError):
    """Raised inside WeasyPrint for a URL a document may not read; stops rendering."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ConfinedFetcher(URLFetcher):
    """Serve `data:` URIs and files under `roots` (after resolving links); refuse everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True)
        self.roots = [Path(os.path.realpath(r)) for r in roots]

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(url, _("documents may not fetch from the network or other sources"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(url, _("documents may not read files from another host"))
        real = Path(os.path.realpath(url2pathname(unquote(parts.path))))
        if not any(real == root or real.is_relative_to(root) for root in self.roots):
            allowed = ", ".join(str(r) for r in self.roots) or _("none")
            raise RefusedURL(url, _("the file is outside the folders a document may read ({folders})")
                             .format(folders=allowed))
        if not real.is_file():
            raise RefusedURL(url, _("the file does not exist"))
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": _content_type(real)})


def html_to_pdf(
    html: str,
    *,
    base_url: str | Path,
    allowed_roots: list[Path],
    title: str = "",
    author: str = "",
    created: datetime | None = None,
    pdf_variant: str | None = ARCHIVAL,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    """Render HTML to PDF bytes; the same inputs give the same bytes.

    `attachments` are (file name, bytes, description) embedded as source data
    (AFRelationship /Data, as PDF/A-3 allows), dated `created`, never the clock.
    """
    return lay_out(html, base_url=base_url, allowed_roots=allowed_roots, pdf_variant=pdf_variant).pdf(
        title=title, author=author, created=created, attachments=attachments)


def lay_out(html: str, *, base_url: str | Path, allowed_roots: list[Path], pdf_variant: str | None = ARCHIVAL) -> LaidOut:
    """Lay HTML out in pages, not yet written: a caller may look where its headings fell first (see LaidOut)."""
    if len(_IMAGE_CACHE) > 16:  # evidence photos differ per unit: keep a long build's memory flat
        _IMAGE_CACHE.clear()
    base = str(base_url)
    if isinstance(base_url, Path) and base_url.is_dir():
        base = base_url.resolve().as_uri() + "/"
    with _refusals():
        document = HTML(string=html, base_url=base, url_fetcher=ConfinedFetcher(list(allowed_roots))).render(
            font_config=_font_config(), cache=_IMAGE_CACHE, pdf_variant=pdf_variant)
    return LaidOut(document, html, base, list(allowed_roots), pdf_variant)


@dataclass(frozen=True)
class LaidOut:
    """A document laid out by WeasyPrint: where its headings fell, and its PDF bytes when asked for.

    Laying out is most of a rendering; writing the PDF (painting, fonts) the rest. A document
    whose layout may still change (the packet's dividers, numbered by their own length)
    is written only once its layout is final.
    """

    document: Document
    html: str
    base: str
    allowed_roots: list[Path]
    pdf_variant: str | None

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def heading_pages(self) -> list[int]:
        """The page (counted from 0) of each top-level bookmark (an <h1>), as the PDF's outline lists them."""
        return [target[0] for _label, target, _children, _state in self.document.make_bookmark_tree()]

    def pdf(self, *, title: str = "", author: str = "", created: datetime | None = None,
            attachments: tuple[tuple[str, bytes, str], ...] = ()) -> bytes:
        """The PDF bytes, with its metadata and attachments; the same inputs give the same bytes."""
        stamp = w3c_date(created)
        with _refusals(), source_date_epoch(stamp):
            metadata = self.document.metadata
            metadata.title = title or metadata.title
            metadata.authors = [author] if author else []
            metadata.created = stamp
            metadata.modified = stamp
            folders = [*self.allowed_roots, Path(url2pathname(urlsplit(self.base).path))]
            identifier = html_identifier(self.html, folders, title, author, stamp)
            moment = datetime.strptime(stamp, W3C).replace(tzinfo=UTC)
            files = [
                Attachment(file_obj=io.BytesIO(data), name=name, description=description,
                           created=moment, modified=moment, relationship="Data")
                for name, data, description in attachments
            ]
            return self.document.write_pdf(pdf_identifier=identifier, pdf_variant=self.pdf_variant,
                                           uncompressed_pdf=False, attachments=files or None)


@contextmanager
def _refusals() -> Iterator[None]:
    """A URL refused or unreadable while laying out or writing, as a RenderError that says what to do."""
    try:
        yield
    except RefusedURL as exc:
        raise RenderError(_("refused to read {url} while making the PDF ({reason}). Use data: URIs or files in "
                            "the templates' static folder or the year's bukti folder.")
                          .format(url=exc.url, reason=exc.reason)) from None
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        raise RenderError(_("could not read a resource while making the PDF: {cause}").format(cause=cause)) from None


def _font_config() -> FontConfiguration:
    """This process's font configuration, made on first use; its copies of the fonts are removed at exit."""
    global _FONT_CONFIG, _FONT_CONFIG_PID
    if _FONT_CONFIG is None:
        _FONT_CONFIG, _FONT_CONFIG_PID = FontConfiguration(), os.getpid()
        # WeasyPrint copies each @font-face file into a temporary folder that it removes only in a
        # __del__, which does not run in an ended worker process. Finalize with a priority runs at the
        # exit of the main process and of a pool's worker alike. A worker forked from a process that
        # rendered uses that process's configuration, and its folder is that process's to remove.
        Finalize(None, _remove_font_copies, args=(_FONT_CONFIG, _FONT_CONFIG_PID), exitpriority=0)
    return _FONT_CONFIG


def _remove_font_copies(config: FontConfiguration, owner: int) -> None:
    folder = getattr(config, "_folder", None)
    if folder and os.getpid() == owner:  # not a forked child's copy of its parent's configuration
        shutil.rmtree(folder, ignore_errors=True)


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".svg": "image/svg+xml",
        ".gif": "image/gif",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
    }.get(path.suffix.lower(), "application/octet-stream")
