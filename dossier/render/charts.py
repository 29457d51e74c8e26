"""Charts for documents, drawn with Pillow into PNG bytes (the same bytes every time)."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import astuple, dataclass
from functools import cache, cached_property

import PIL
from PIL import Image, ImageDraw, ImageFont

from dossier.digests import file_sha256
from dossier.render.format import percent
from dossier.render.templates import default_templates_dir

DPI = 200
WIDTH_MM = 170
MM = DPI / 25.4

INK = (26, 26, 26)
GRID = (214, 220, 227)
BAR = (46, 94, 153)
WARN = (196, 58, 49)
LINE_COLOURS = ((204, 122, 0), (29, 107, 47))
LINE_NAMES = ("WBK", "WBBM")
FONT, BOLD_FONT = "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"

# A chart named in markup before it is drawn (BarChart.src), only ever as an attribute's whole value:
# text typed in a workbook shows as it is (autoescaped, no `"` reaches the markup), never as a picture.
SRC_SCHEME = "chart"
SRC = re.compile(r'(?<=src=")' + SRC_SCHEME + r':[0-9a-f]{40}(?=")')


@cache
def _font(size_pt: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = BOLD_FONT if bold else FONT
    return ImageFont.truetype(str(default_templates_dir() / "static" / "fonts" / name), round(size_pt * DPI / 72))


def text_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """How wide `text` is, in mm, set in the documents' font (Liberation Sans) at `size_pt`."""
    return _font(size_pt, bold).getlength(text) / MM


def area_share_chart(parts: list[tuple[str, float]], lines: tuple[float, ...] = (0.60, 0.75)) -> bytes:
    """Draw each area-part's share of its weight (0..1) as a bar, with the predicate minimums as lines."""
    return BarChart.of(
        parts,
        [(f"Batas minimal {_line_name(j)} ({percent(share)})", share) for j, share in enumerate(lines)],
        maximum=1.0,
        ticks=[(t / 100, f"{t}%") for t in range(0, 101, 20)],
        value_label=lambda share: percent(share, 1),
        warn_label=f"Di bawah {percent(min(lines, default=0.0))}",
    ).png()


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars (label, value) on 0..maximum with dashed minimum lines and a legend, as what they show.

    Bars under the lowest line are drawn in the warning colour, or, with `failed`, the bars
    marked True. `values` are written after each bar (with its `marks`: an eligible predicate,
    say). The PNG is drawn only when asked for (`png`): a document names the picture in its
    markup by `src` first, and draws it only for a page not already kept (documents/recap_parts.py).
    """

    rows: tuple[tuple[str, float], ...]
    lines: tuple[tuple[str, float], ...]
    maximum: float
    ticks: tuple[tuple[float, str], ...]
    values: tuple[str, ...]
    warn_label: str
    width_mm: float = WIDTH_MM
    label_mm: tuple[float, float] = (80, 105)
    row_mm: float = 7.2
    marks: tuple[str, ...] | None = None
    failed: tuple[bool, ...] | None = None

    @classmethod
    def of(cls, rows, lines, *, maximum: float, ticks, value_label, marks=None, failed=None, **options) -> BarChart:
        """The chart of `rows`, each value written by `value_label(value)`."""
        return cls(tuple(rows), tuple(lines), maximum, tuple(ticks), tuple(value_label(v) for _, v in rows),
                   marks=None if marks is None else tuple(marks), failed=None if failed is None else tuple(failed),
                   **options)

    @cached_property
    def src(self) -> str:
        """`chart:<digest>`: the picture named by everything that makes its bytes (what it shows, its fonts, Pillow)."""
        digest = hashlib.sha256(repr(astuple(self)).encode())
        digest.update(_drawing_digest().encode())
        return f"{SRC_SCHEME}:{digest.hexdigest()[:40]}"

    def png(self) -> bytes:
        label_font, small = _font(8), _font(7)
        width = round(self.width_mm * MM)
        row = round(self.row_mm * MM)
        top, bottom = round(12 * MM), round(9 * MM)
        left = round(max([self.label_mm[0] * MM] + [label_font.getlength(name) + 4 * MM for name, _ in self.rows]))
        left = min(left, round(self.label_mm[1] * MM))
        marks = self.marks
        right = round((16 + (max((small_mm(m) for m in marks), default=0) + 2 if marks else 0)) * MM)
        height = top + row * max(1, len(self.rows)) + bottom
        plot = width - left - right

        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)

        def x_at(value: float) -> float:
            return left + plot * min(1.0, max(0.0, value / self.maximum))

        for value, text in self.ticks:
            x = x_at(value)
            draw.line([(x, top - 2), (x, height - bottom)], fill=GRID, width=2)
            draw.text((x, height - bottom + 1.5 * MM), text, font=small, fill=INK, anchor="mt")

        warn_below = min((value for _, value in self.lines), default=0.0)
        legend_x = 2 * MM
        for j, (text, value) in enumerate(self.lines):
            colour = LINE_COLOURS[j % len(LINE_COLOURS)]
            x = x_at(value)
            for y0 in range(top - 4, height - bottom, 18):  # dashed, so bars stay readable across it
                draw.line([(x, y0), (x, min(y0 + 10, height - bottom))], fill=colour, width=4)
            draw.line([(legend_x, top / 2), (legend_x + 6 * MM, top / 2)], fill=colour, width=5)
            draw.text((legend_x + 7.5 * MM, top / 2), text, font=small, fill=INK, anchor="lm")
            legend_x += 7.5 * MM + small.getlength(text) + 8 * MM
        draw.rectangle([legend_x, top / 2 - 1.2 * MM, legend_x + 4 * MM, top / 2 + 1.2 * MM], fill=WARN)
        draw.text((legend_x + 5.5 * MM, top / 2), self.warn_label, font=small, fill=INK, anchor="lm")

        for i, (name, value) in enumerate(self.rows):
            y = top + i * row
            draw.text((left - 2.5 * MM, y + row / 2), _fit(name, label_font, left - 4 * MM), font=label_font, fill=INK,
                      anchor="rm")
            below = self.failed[i] if self.failed is not None else value < warn_below - 1e-9
            colour = WARN if below else BAR
            draw.rectangle([left, y + row * 0.2, max(left + 2, x_at(value)), y + row * 0.8], fill=colour)
            text = self.values[i] + (f"  ·  {marks[i]}" if marks and marks[i] else "")
            at = (x_at(value) + 1.5 * MM, y + row / 2)
            box = draw.textbbox(at, text, font=small, anchor="lm")
            draw.rectangle([box[0] - 4, box[1] - 3, box[2] + 4, box[3] + 3], fill="white")
            draw.text(at, text, font=small, fill=INK, anchor="lm")

        out = io.BytesIO()
        # No metadata chunks (dates, software): the same values give the same bytes.
        image.save(out, format="PNG", optimize=False, dpi=(DPI, DPI))
        return out.getvalue()


def with_pictures(html: str, charts: list[BarChart]) -> str:
    """`html` with each chart's `src` attribute replaced by its PNG as a data: URI, drawn now."""
    drawn = {chart.src: chart for chart in charts}
    return SRC.sub(lambda found: data_uri(drawn[found.group(0)].png()) if found.group(0) in drawn else found.group(0),
                   html)


@cache
def _drawing_digest() -> str:
    """What a chart's bytes depend on besides what it shows: the font it is set in and Pillow's version."""
    return file_sha256(default_templates_dir() / "static" / "fonts" / FONT) + " " + PIL.__version__


def small_mm(text: str) -> float:
    """How wide `text` is in the charts' small type (7 pt), in mm."""
    return _font(7).getlength(text) / MM


def _line_name(index: int) -> str:
    return LINE_NAMES[index] if index < len(LINE_NAMES) else ""


def data_uri(png: bytes) -> str:
    """Embed PNG bytes as a `data:` URI, the only kind of image a template may show."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _fit(text: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    """Shorten a label with an ellipsis so it fits `room` pixels."""
    if font.getlength(text) <= room:
        return text
    while text and font.getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
