"""The recap (rekapitulasi) of every unit's scores for the leadership: XLSX and a landscape PDF.

One row per unit: code, name, kind, predicates, the twelve area-parts, the
component sums, eligibility, shortfalls, indicators without evidence and the
announced result. Numbers are stored unrounded and shown with two decimals;
cells below a WBK minimum (taken from the edition's rules, never from constants)
are shaded. The workbook also lists every shortfall of every unit, and every
sheet prints readably on A4 landscape. The PDF's charts mark each unit with the
predicate it meets, and show every area against its minimum share.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dossier.cells import put
from dossier.config import Settings
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.documents.letter import prerequisites
from dossier.model import AwardYear
from dossier.render import format as fmt
from dossier.reproducible import naive_utc, normalize_package
from dossier.rules import Edition, Predicate
from dossier.scoring import UnitScore

TEMPLATE = "recap.html"
SHEET = "Rekapitulasi"
AVERAGES_SHEET = "Rata-rata"
SHORTFALL_SHEET = "Kekurangan"
# Printing: A4 landscape at this scale keeps the workbook's 11 pt type at 8.25 pt on paper;
# wide tables continue on the next page with the first columns repeated, never shrunk to fit.
PRINT_SCALE = 75
PRINT_FOOTER = "Halaman &P dari &N"
NUMBER_FORMAT = "0.00"
# The named nodes shown after the area-parts, in this order (keys of the edition's [nodes]).
SUM_NODES = ("pemenuhan", "reform", "pengungkit", "ipak", "capaian_kinerja", "ipkp", "hasil", "total")
NOT_ANNOUNCED = "Belum diumumkan"
NOT_ELIGIBLE = "Belum memenuhi syarat"
NOT_GIVEN = "belum diisi"  # a prerequisite the register leaves empty (the workbook's wording; the PDF dots it)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BELOW_FILL = PatternFill("solid", fgColor="F8CBAD")  # light red: below the WBK minimum
CAUTION_FILL = PatternFill("solid", fgColor="FFE699")  # amber: a half below its share in an area that passes
# After the score columns: the self-assessment total, the answers the TPI changed, the cautions.
REVIEW_HEADERS = ("Nilai Penilaian Mandiri", "Jawaban Dikoreksi TPI", "Perhatian")
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class ScoreColumn:
    """One score column of the recap: a node of the score tree and its WBK minimum, if it has one.

    `group` and `short` are the PDF's two header rows ("Pemenuhan" over "1".."6");
    `header` is the workbook's single header.
    """

    key: str
    header: str
    group: str
    short: str
    path: tuple[str, ...]
    minimum: float | None

    def below(self, value: float | None) -> bool:
        return self.minimum is not None and value is not None and value < self.minimum - 1e-9


def lowest_predicate(edition: Edition) -> Predicate:
    """The predicate whose minimums the recap shades against (WBK: the edition lists the lowest first)."""
    return edition.predicates[0]


def areas(edition: Edition) -> list[str]:
    """The areas of the share-checked component, in LKE order (numbered 1.. in the PDF)."""
    component = lowest_predicate(edition).area_share_component
    found: list[str] = []
    for path in edition.weights:
        if len(path) == 3 and path[0] == component and path[2] not in found:
            found.append(path[2])
    return found


def score_columns(edition: Edition) -> list[ScoreColumn]:
    """The recap's score columns: every area-part, then the component sums and the total."""
    wbk = lowest_predicate(edition)
    numbers = {area: str(i) for i, area in enumerate(areas(edition), start=1)}
    columns = []
    for path, weight in edition.weights.items():
        if len(path) == 3 and path[0] == wbk.area_share_component:
            share = wbk.area_share * weight if wbk.area_share_level == "area-part" else None
            columns.append(ScoreColumn("/".join(path), f"{path[1]} – {path[2]}", path[1], numbers[path[2]], path, share))
    for key in SUM_NODES:
        path = edition.nodes.get(key)
        if path is not None:
            label = edition.label(key)
            columns.append(ScoreColumn(key, label, "", label, path, _minimum(edition, wbk, path)))
    return columns


def _minimum(edition: Edition, predicate: Predicate, path: tuple[str, ...]) -> float | None:
    """The predicate's minimum on this node, or on its parent when the node is that parent's only part.

    (IPKP is the only part of "Pelayanan publik yang prima", whose minimum is the IPKP minimum.)
    """
    for key, minimum in predicate.minimums.items():
        node = edition.nodes[key]
        if node == path:
            return minimum
        children = [p for p in edition.weights if len(p) == len(node) + 1 and p[: len(node)] == node]
        if children == [path]:
            return minimum
    return None


def weak_halves(score: UnitScore) -> set[str]:
    """The halves ('Pengungkit/Reform/Penguatan Pengawasan') under a caution for the proposed predicate."""
    return {c.rule.removeprefix("area_part_share:") for c in score.proposed_cautions}


def caution_text(score: UnitScore) -> str:
    """'Reform – Penguatan Pengawasan 2,10 < 4,50' per caution, or ''."""
    lines = []
    for c in score.proposed_cautions:
        reached, required, _ = fmt.distinct(c.reached, c.required)
        _, part, area = c.rule.removeprefix("area_part_share:").split("/")
        lines.append(f"{area} – {part} {reached} < {required}")
    return "; ".join(lines)


def own_total(score: UnitScore) -> str:
    """'(88,19)', the self-assessment's total; '(88,19)*' when the TPI changed answers."""
    return f"({fmt.number(fmt.rounded_tree(score.self_assessment.nodes)[('',)])})" + ("*" if score.changed else "")


def eligibility(score: UnitScore) -> str:
    """'WBK, WBBM', or that the unit meets no predicate yet."""
    return ", ".join(score.eligible) or NOT_ELIGIBLE


def thresholds(edition: Edition) -> list[str]:
    """One Indonesian line per predicate listing its minimums, from the rules data."""
    lines = []
    for predicate in edition.predicates:
        parts = [f"{edition.label(key)} ≥ {fmt.number(value)}" for key, value in predicate.minimums.items()]
        if predicate.area_share:
            scope = "setiap bagian area (Pemenuhan dan Reform per area)" if predicate.area_share_level == "area-part" else "setiap area"
            parts.append(f"{scope} ≥ {fmt.percent(predicate.area_share)} dari bobotnya")
        if predicate.requires_current:
            parts.append(f"sudah berpredikat {predicate.requires_current}")
        lines.append(f"Syarat {predicate.name}: " + "; ".join(parts) + ".")
    return lines


def summary(scores: list[UnitScore], edition: Edition) -> str:
    """'6 unit diusulkan, 4 memenuhi syarat WBK, 1 memenuhi syarat WBBM'."""
    parts = [f"{len(scores)} unit diusulkan"]
    for predicate in edition.predicates:
        count = sum(predicate.name in s.eligible for s in scores)
        parts.append(f"{count} memenuhi syarat {predicate.name}" if count else f"tidak ada yang memenuhi syarat {predicate.name}")
    return ", ".join(parts)


def announced(scores: list[UnitScore]) -> str:
    """'Hasil penetapan: 3 WBK, 1 WBBM, 2 tidak mendapat predikat.' ('' before the announcement)."""
    results = [s.unit.result for s in scores if s.unit.result]
    if not results:
        return ""
    counts: dict[str, int] = {}
    for result in results:
        counts[result] = counts.get(result, 0) + 1
    parts = [f"{n} tidak mendapat predikat" if r.lower() == "tidak" else f"{n} {r}" for r, n in counts.items()]
    pending = len(scores) - len(results)
    if pending:
        parts.append(f"{pending} belum diumumkan")
    return "Hasil penetapan: " + ", ".join(parts) + "."


# --- the workbook -----------------------------------------------------------------------


def xlsx(year: AwardYear, scores: list[UnitScore], *, created: datetime) -> bytes:
    """Write the recap workbook: the table (with edition and thresholds above it) and the averages."""
    edition = _edition(scores, year)
    columns = score_columns(edition) if edition else []
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_row = _title_block(ws, year, edition)
    headers = ["Kode", "Nama Unit", "Jenis Unit", "Predikat Diusulkan", "Predikat Saat Ini"]
    headers += [c.header for c in columns] + [*REVIEW_HEADERS, "Memenuhi Syarat", "Jumlah Kekurangan",
                                              "Indikator Tanpa Bukti Dukung", "Hasil Penetapan"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(header_row, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[header_row].height = 64
    first_score = 6
    for row, score in enumerate(scores, start=header_row + 1):
        unit = score.unit
        values = [unit.code, unit.name, unit.kind, unit.proposed, unit.current or "-"]
        values += [score.nodes[c.path] for c in columns]
        values += [score.self_assessment.total, len(score.changed), caution_text(score)]
        values += [eligibility(score), len(score.proposed_shortfalls), len(score.without_evidence),
                   unit.result or NOT_ANNOUNCED]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)  # names and codes from the inputs: text, never formulas
            cell.border = GRID
            cell.alignment = Alignment(vertical="top", wrap_text=col == 2)
        for offset, column in enumerate(columns):
            cell = ws.cell(row, first_score + offset)
            cell.number_format = NUMBER_FORMAT
            if column.below(cell.value):
                cell.fill = BELOW_FILL
            elif "/".join(column.path) in weak_halves(score):
                cell.fill = CAUTION_FILL
        ws.cell(row, first_score + len(columns)).number_format = NUMBER_FORMAT
        for offset in (1, 2):  # the shortfalls, the indicators without evidence
            counted = ws.cell(row, first_score + len(columns) + len(REVIEW_HEADERS) + offset)
            if counted.value:
                counted.fill = BELOW_FILL
    last_row = header_row + max(len(scores), 1)
    ws.freeze_panes = ws.cell(header_row + 1, 3)  # the header and the code and name stay in view
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    _size_columns(ws, header_row, len(headers), {2: 40})
    title = f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year}"
    _print_setup(ws, title, header_row, columns="A:B")
    _averages_sheet(wb.create_sheet(AVERAGES_SHEET), scores, columns)
    _print_setup(wb[AVERAGES_SHEET], f"{title} — Rata-rata", 1, columns="A:A")
    _shortfall_sheet(wb.create_sheet(SHORTFALL_SHEET), scores)
    _print_setup(wb[SHORTFALL_SHEET], f"{title} — Kekurangan setiap Unit", 1, columns="A:B")
    wb.properties.creator = "dossier"
    wb.properties.lastModifiedBy = "dossier"
    when = naive_utc(created)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.title = f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_package(buffer.getvalue(), when)


def _title_block(ws: Worksheet, year: AwardYear, edition: Edition | None) -> int:
    """Write the title, the LKE edition and the thresholds above the table; return the header row."""
    lines = [f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year} — {year.award.ministry}".rstrip(" —")]
    # The institution-level prerequisites TPN checks, as the register gives them (text, never a formula).
    lines += [f"{p['label']}: {p['value'] if p['given'] else NOT_GIVEN}" for p in prerequisites(year)]
    if edition is not None:
        lines.append(f"Edisi LKE: {edition.title or edition.name} (aturan '{edition.name}')")
        lines += thresholds(edition)
        wbk = lowest_predicate(edition).name
        lines.append(f"Sel berwarna merah muda berada di bawah batas minimal {wbk}. "
                     "Nilai disimpan tanpa pembulatan dan ditampilkan dua desimal.")
    for row, text in enumerate(lines, start=1):
        cell = put(ws, row, 1, text)
        cell.font = Font(bold=True, size=13) if row == 1 else Font(italic=row == len(lines), color="404040")
    return len(lines) + 2


def _averages_sheet(ws: Worksheet, scores: list[UnitScore], columns: list[ScoreColumn]) -> None:
    """Averages, lowest and highest of every score column across the units."""
    headers = ["Komponen", "Bobot", "Rata-rata", "Terendah", "Tertinggi", "Batas Minimal WBK", "Unit di Bawah Batas"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, column in enumerate(columns, start=2):
        values = [s.nodes[column.path] for s in scores]
        weight = scores[0].edition.weights.get(column.path) if scores else None
        mean = sum(values) / len(values) if values else None
        cells = [
            column.header,
            weight,
            mean,
            min(values) if values else None,
            max(values) if values else None,
            column.minimum,
            sum(column.below(v) for v in values) if column.minimum is not None else None,
        ]
        for col, value in enumerate(cells, start=1):
            cell = put(ws, row, col, value)
            cell.border = GRID
            if 2 <= col <= 6:
                cell.number_format = NUMBER_FORMAT
        if column.below(mean):
            ws.cell(row, 3).fill = BELOW_FILL
    ws.freeze_panes = "B2"
    _size_columns(ws, 1, len(headers), {1: 48})


def _shortfall_sheet(ws: Worksheet, scores: list[UnitScore]) -> None:
    """Every shortfall of every unit against the predicate it is proposed for: area, minimum, reached, gap."""
    headers = ["Kode", "Nama Unit", "Predikat Diusulkan", "Syarat (Area)", "Batas Minimal", "Capaian", "Kekurangan"]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = 2
    for score in scores:
        unit = score.unit
        found = score.proposed_shortfalls or [None]
        for shortfall in found:
            if shortfall is None:
                cells = [unit.code, unit.name, unit.proposed, "Tidak ada kekurangan", None, None, None]
            else:
                cells = [unit.code, unit.name, unit.proposed, shortfall.label, shortfall.required, shortfall.reached,
                         shortfall.gap]
            for col, value in enumerate(cells, start=1):
                cell = put(ws, row, col, value)  # codes and names from the inputs: text, never formulas
                cell.border = GRID
                cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 4))
                if 5 <= col <= 7 and isinstance(value, float):
                    cell.number_format = NUMBER_FORMAT
            if shortfall is not None and shortfall.gap is not None:
                ws.cell(row, 7).fill = BELOW_FILL
            row += 1
    ws.row_dimensions[1].height = 30  # two lines: "Predikat / Diusulkan", "Batas / Minimal"
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(row - 1, 1)}"
    _size_columns(ws, 1, len(headers), {2: 40, 4: 44})


def _print_setup(ws: Worksheet, title: str, header_row: int, *, columns: str) -> None:
    """A4 landscape at PRINT_SCALE, the header row and the first columns on every page, title and page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.scale = PRINT_SCALE
    ws.sheet_properties.pageSetUpPr.fitToPage = False  # fitting to the width would shrink the type below 8 pt
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_title_cols = columns
    ws.oddHeader.left.text = title
    ws.oddFooter.center.text = PRINT_FOOTER
    ws.evenHeader.left.text = title
    ws.evenFooter.center.text = PRINT_FOOTER
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.gridLines = False


def _size_columns(ws: Worksheet, header_row: int, count: int, fixed: dict[int, int]) -> None:
    """Size each column to its longest value (headers wrap, so they count less)."""
    for col in range(1, count + 1):
        letter = get_column_letter(col)
        if col in fixed:
            ws.column_dimensions[letter].width = fixed[col]
            continue
        longest = 0
        for row in range(header_row + 1, ws.max_row + 1):
            value = ws.cell(row, col).value
            text = f"{value:.2f}" if isinstance(value, float) else str(value or "")
            longest = max(longest, len(text))
        header = str(ws.cell(header_row, col).value or "")
        longest = max(longest, max((len(w) for w in header.split()), default=0), len(header) // 3)
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), 30)




def _edition(scores: list[UnitScore], year: AwardYear) -> Edition | None:
    if scores:
        return scores[0].edition
    from dossier.rules import load_edition

    try:
        return load_edition(year.edition)
    except Exception:  # an empty year with an unknown edition: the recap still says what it can
        return None


# --- the PDF ----------------------------------------------------------------------------


def context(year: AwardYear, scores: list[UnitScore], settings: Settings) -> dict:
    """Everything recap.html shows, formatted for reading (Indonesian numbers)."""
    edition = _edition(scores, year)
    columns = score_columns(edition) if edition else []
    rows = []
    for score in scores:
        unit = score.unit
        printed, weak = fmt.rounded_tree(score.nodes), weak_halves(score)
        rows.append({
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "proposed": unit.proposed,
            "current": unit.current or "-",
            "cells": [{"text": fmt.number(printed[c.path]), "fail": c.below(score.nodes[c.path]),
                       "caution": "/".join(c.path) in weak,
                       # Under the total: the self-assessment's, starred when the TPI changed answers.
                       "own": own_total(score) if c.path == ("",) else ""} for c in columns],
            "changed": len(score.changed),
            "eligible": eligibility(score),
            "shortfalls": len(score.proposed_shortfalls),
            "without_evidence": len(score.without_evidence),
            "result": unit.result or "-",
        })
    groups: list[dict] = []
    for column in columns:
        if groups and groups[-1]["name"] == column.group and column.group:
            groups[-1]["span"] += 1
        else:
            groups.append({"name": column.group, "span": 1, "label": column.short if not column.group else ""})
    return {
        "year": year.year,
        "ministry": year.award.ministry,
        "ministry_short": year.award.ministry_short,
        "edition_title": (edition.title or edition.name) if edition else year.edition,
        "prerequisites": prerequisites(year),
        "thresholds": thresholds(edition) if edition else [],
        "wbk": lowest_predicate(edition).name if edition else "WBK",
        "columns": [{"short": c.short, "header": c.header, "group": c.group} for c in columns],
        "groups": groups,
        "areas": areas(edition) if edition else [],
        "rows": rows,
        "summary": summary(scores, edition) if edition else f"{len(scores)} unit diusulkan",
        "announced": announced(scores),
        "charts": totals_charts(scores, edition) if edition and scores else [],
        "area_charts": area_charts(scores, edition) if edition and scores else [],
        "area_minimums": area_minimums(edition) if edition else "",
        "widths": column_widths(columns, rows),
    }


# The PDF table: its width, type size and cell padding (as recap.html sets them).
TABLE_MM, TABLE_PT, CELL_PADDING_MM = 273.0, 6.6, 2 * 0.9 + 0.4


def column_widths(columns: list[ScoreColumn], rows: list[dict]) -> list[float]:
    """Each column's width in mm, the same on every page: room for its longest word, the name gets the rest.

    The table is rendered in parts (see pdf()), so the widths cannot come from laying out each part.
    """
    from dossier.render.charts import text_mm

    def fit(header: str, cells) -> float:
        words = [(w, True) for w in header.replace("\u00ad", " ").split()] + [(str(c), False) for c in cells]
        return round(max(text_mm(w, TABLE_PT, bold) for w, bold in words) + CELL_PADDING_MM, 1)

    widths = [fit("Kode", (r["code"] for r in rows)), 0.0, fit("Usulan", (r["proposed"] for r in rows)),
              fit("Saat Ini", (r["current"] for r in rows))]
    for i, column in enumerate(columns):
        widths.append(fit(column.short, (t for r in rows for t in (r["cells"][i]["text"], r["cells"][i]["own"]))))
    widths += [fit("Memenuhi Syarat", (w for r in rows for w in r["eligible"].split())),
               fit("Keku\u00adrangan", (r["shortfalls"] for r in rows)),
               fit("Tanpa Bukti", (r["without_evidence"] for r in rows)),
               fit("Hasil Pene\u00adtapan", (r["result"] for r in rows))]
    widths[1] = round(max(30.0, TABLE_MM - sum(widths)), 1)
    return widths


def pdf(env, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None,
        parts_dir: Path | None = None) -> bytes:
    """Render recap.html to a landscape PDF/A, part by part (see documents/recap_parts.py)."""
    from pypdf import PdfReader

    from dossier.documents.recap_parts import PartCache, join, part, split

    title = f"Rekapitulasi Penilaian Zona Integritas Tahun {ctx['year']}"
    kept = PartCache(parts_dir, TEMPLATE)
    parts = [kept.render(env, {**ctx, "part": p}, allowed_roots, title, created) for p in split(ctx)]
    readers = [PdfReader(io.BytesIO(data)) for data in parts]
    footers = kept.render(env, {**ctx, "part": part(footers=sum(len(r.pages) for r in readers))},
                          allowed_roots, title, created)
    kept.prune()
    return join(parts, readers, footers)


# Bars per chart: one chart and its heading fit one landscape page, however many units.
CHART_ROWS = 25


def totals_charts(scores: list[UnitScore], edition: Edition) -> list[dict]:
    """Bars of the units' totals against each predicate's minimum total, CHART_ROWS units a chart.

    Each bar is marked with the highest predicate the unit meets (every minimum, not only the
    total), and drawn in the warning colour when it meets none. Each chart is
    {"uri": PNG data URI, "first": n, "last": m} (1-based positions in the table).
    """
    from dossier.render.charts import bar_chart, data_uri

    lines = [(f"Batas minimal {p.name} ({fmt.number(p.minimums['total'], 0)})", p.minimums["total"])
             for p in edition.predicates if "total" in p.minimums]
    charts = []
    for start in range(0, len(scores), CHART_ROWS):
        part = scores[start:start + CHART_ROWS]
        png = bar_chart(
            [(s.unit.code, s.total) for s in part],
            lines,
            maximum=100.0,
            ticks=[(t, str(t)) for t in range(0, 101, 10)],
            value_label=fmt.number,
            warn_label=NOT_ELIGIBLE,
            width_mm=230,
            label_mm=(15, 40),
            row_mm=4.6,
            marks=[eligible_mark(s) for s in part],
            failed=[not s.eligible for s in part],
        )
        charts.append({"uri": data_uri(png), "first": start + 1, "last": start + len(part)})
    return charts


def eligible_mark(score: UnitScore) -> str:
    """'memenuhi WBBM' (the highest predicate met) or 'belum memenuhi syarat', for a chart's bar."""
    return f"memenuhi {score.eligible[-1]}" if score.eligible else NOT_ELIGIBLE.lower()


def area_minimums(edition: Edition) -> str:
    """'WBK 60 %, WBBM 75 %': each predicate's minimum share of every area's weight."""
    return fmt.join_list([f"{p.name} {fmt.percent(p.area_share)}" for p in edition.predicates if p.area_share])


def area_charts(scores: list[UnitScore], edition: Edition) -> list[dict]:
    """One chart per area (and per CHART_ROWS units): each unit's share of the area's weight against the minimums.

    Each is {"title": "1. Manajemen Perubahan", "uri", "first", "last"}.
    """
    from dossier.render.charts import bar_chart, data_uri

    checked = [p for p in edition.predicates if p.area_share]
    if not checked:
        return []
    level, component = checked[0].area_share_level, checked[0].area_share_component
    lines = [(f"Batas minimal {p.name} ({fmt.percent(p.area_share)})", p.area_share) for p in checked]
    charts = []
    names = [part.name for part in scores[0].area_parts(level, component)]
    for index, name in enumerate(names):
        for start in range(0, len(scores), CHART_ROWS):
            part = scores[start:start + CHART_ROWS]
            shares = [s.area_parts(level, component)[index].share for s in part]
            png = bar_chart(
                [(s.unit.code, share) for s, share in zip(part, shares)],
                lines,
                maximum=1.0,
                ticks=[(t / 100, f"{t} %") for t in range(0, 101, 10)],
                value_label=lambda share: fmt.percent(share, 1),
                warn_label=f"Di bawah {fmt.percent(min(v for _, v in lines))}",
                width_mm=230,
                label_mm=(15, 40),
                row_mm=4.6,
            )
            charts.append({"title": f"{index + 1}. {name}", "uri": data_uri(png), "first": start + 1,
                           "last": start + len(part)})
    return charts


# --- the kinds it builds ----------------------------------------------------------------


def render_pdf(job: Job) -> Made:
    ctx = context(job.award_year, list(job.scores), job.settings)
    return Made(pdf(job.env, ctx, allowed_roots=job.allowed_roots, created=job.created, parts_dir=job.parts_dir))


def render_xlsx(job: Job) -> Made:
    return Made(xlsx(job.award_year, list(job.scores), created=job.created))


# The recap PDF of a large year takes longer than a unit's documents: its own task, first.
PDF_KIND = DocumentKind("recap-pdf", "rekapitulasi.pdf", "pdf", (TEMPLATE,), per_unit=False, render=render_pdf,
                        group="recap PDF", slow=True)
XLSX_KIND = DocumentKind("recap-xlsx", "rekapitulasi.xlsx", "xlsx", (), per_unit=False, render=render_xlsx,
                         group="recap workbook")
