"""The recap PDF in parts: each its own WeasyPrint document, joined with pypdf and numbered afterwards.

The parts are the title with the first rows, blocks of rows, and each chart; the page
numbers ("Halaman X dari Y") come from one document of footers laid over the pages. So
memory stays that of one part however many units a year has, and with a parts folder a
rebuild after one corrected unit renders again only the parts whose content changed
(each part is kept by its content, and checked against its digest before it is used). A
chart is named in the markup by what it shows, and drawn only for a part rendered again.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from dossier.errors import RenderError
from dossier.i18n import ngettext
from dossier.render.charts import with_pictures
from dossier.render.kept import KeptRenderings
from dossier.reproducible import fix_identifier, parts_digest

HEAD_ROWS = 12  # rows under the title and summary on the first page
BLOCK_ROWS = 15  # rows a page: fits even when every row takes three lines


def split(ctx: dict) -> list[dict]:
    """What each part shows: the title and first rows, blocks of rows (the last with the legend), each chart."""
    rows = ctx["rows"]
    parts = [part(head=True, rows=rows[:HEAD_ROWS])]
    parts += [part(rows=rows[start:start + BLOCK_ROWS]) for start in range(HEAD_ROWS, len(rows), BLOCK_ROWS)]
    parts[-1]["legend"] = True
    parts += [part(charts=[chart]) for chart in ctx["charts"]]
    by_units: dict[int, list[dict]] = {}
    for chart in ctx.get("area_charts", []):  # one part per block of units: a corrected unit renders one again
        by_units.setdefault(chart["first"], []).append(chart)
    parts += [part(area_charts=charts) for charts in by_units.values()]
    return parts


def part(*, head=False, rows=(), legend=False, charts=(), footers=0, area_charts=()) -> dict:
    return {"head": head, "rows": list(rows), "legend": legend, "charts": list(charts), "footers": footers,
            "area_charts": list(area_charts)}


class PartCache(KeptRenderings):
    """Rendered parts kept in a folder by the digest of everything that makes their bytes (see render/kept.py)."""

    def __init__(self, folder: Path | None, template: str) -> None:
        super().__init__(folder)
        self.template = template

    def render(self, env, ctx: dict, allowed_roots: list[Path], title: str, created: datetime | None) -> bytes:
        from dossier.render.pdf import html_to_pdf
        from dossier.render.templates import default_templates_dir, render

        html = render(env, self.template, ctx)  # its charts named by what they show, not yet drawn
        pictures = [chart["picture"] for chart in ctx["part"]["charts"] + ctx["part"]["area_charts"]]
        return self.get(self.markup_key(html, str(created), title, ctx["ministry"]),
                        lambda: html_to_pdf(with_pictures(html, pictures), base_url=default_templates_dir(),
                                            allowed_roots=allowed_roots, title=title, author=ctx["ministry"],
                                            created=created))


def join(parts: list[bytes], readers: list, footers: bytes) -> bytes:
    """One PDF/A of the parts' pages with the footers laid over them, its metadata from the first part."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    for reader in readers:
        writer.append(reader)  # with its bookmarks (the title, the first chart)
    numbers = PdfReader(io.BytesIO(footers))
    if len(numbers.pages) != len(writer.pages):
        raise RenderError(ngettext("the recap's page numbers: {footers} footer for {pages} pages",
                                   "the recap's page numbers: {footers} footers for {pages} pages", len(numbers.pages))
                          .format(footers=len(numbers.pages), pages=len(writer.pages)))
    for page, footer in zip(writer.pages, numbers.pages):
        page.merge_page(footer)
    first = readers[0]
    for key in ("/Metadata", "/OutputIntents"):  # what makes it PDF/A-3b, as WeasyPrint wrote it
        writer.root_object[NameObject(key)] = first.trailer["/Root"].raw_get(key).clone(writer)
    writer.add_metadata(first.metadata)  # the same title, author and dates as the XMP metadata
    writer.page_mode = "/UseOutlines"
    fix_identifier(writer, parts_digest([*parts, footers]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
