"""The recap workbook: the table of every unit's scores, the averages and the shortfalls, each printable on A4.

Numbers are stored unrounded and shown with two decimals; cells below a WBK minimum are shaded;
every text from the inputs is written through dossier.cells.put, so it stays text, never a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dossier.cells import put
from dossier.decision import decide_year
from dossier.documents.claims import prerequisites
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.documents.recap import (
    DESCRIPTION,
    NAME,
    NOT_ANNOUNCED,
    ScoreColumn,
    against_column,
    caution_text,
    decision_cell,
    edition_for,
    eligibility,
    score_columns,
    thresholds,
    weak_halves,
)
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.reproducible import naive_utc, normalize_package
from dossier.rules import Edition
from dossier.scoring import Shortfall, UnitScore

SHEET = "Rekapitulasi"
AVERAGES_SHEET = "Rata-rata"
SHORTFALL_SHEET = "Kekurangan"
# Printing: A4, one page wide (as many pages down as needed), the header row on every page;
# landscape when the columns are wider than a portrait page holds (in Excel's character widths,
# about 100 between margins of 0.5 inch).
PORTRAIT_WIDTH = 100
PRINT_FOOTER = "Halaman &P dari &N"
NUMBER_FORMAT = "0.00"
NOT_GIVEN = "belum diisi"  # a prerequisite the register leaves empty (the workbook's wording; the PDF dots it)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BELOW_FILL = PatternFill("solid", fgColor="F8CBAD")  # light red: below the WBK minimum
CAUTION_FILL = PatternFill("solid", fgColor="FFE699")  # amber: a half below its share in an area that passes
# After the score columns: the self-assessment total, the answers the TPI changed, the cautions.
REVIEW_HEADERS = ("Nilai Penilaian Mandiri", "Jawaban Dikoreksi TPI", "Perhatian")
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def xlsx(year: AwardYear, scores: list[UnitScore], *, created: datetime) -> bytes:
    """Write the recap workbook: the table (with edition and thresholds above it) and the averages."""
    edition = edition_for(scores, year)
    columns = score_columns(edition) if edition else []
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header_row = _title_block(ws, year, edition)
    headers = ["Kode", "Nama Unit", "Jenis Unit", "Predikat Dituju", "Predikat Saat Ini"]
    headers += [c.header for c in columns] + [*REVIEW_HEADERS, "Diusulkan", "Memenuhi Syarat", "Jumlah Kekurangan",
                                              "Indikator Tanpa Bukti Dukung", "Hasil Penetapan"]
    for col, text in enumerate(headers, start=1):
        cell = put(ws, header_row, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[header_row].height = 64
    first_score = 6
    decided = decide_year(year.units, scores)
    # Shaded against the predicate each unit is proposed for (else the one it aims at), as the PDF is.
    against = {p.name: score_columns(edition, p) for p in edition.predicates} if edition else {}
    for row, score in enumerate(scores, start=header_row + 1):
        unit = score.unit
        values: list[str | float] = [unit.code, unit.name, unit.kind, unit.proposed, unit.current or "-"]
        values += [score.nodes[c.path] for c in columns]
        values += [score.self_assessment.total, len(score.changed), caution_text(score)]
        values += [decision_cell(decided.get(unit.code)), eligibility(score), len(score.proposed_shortfalls), len(score.without_evidence),
                   unit.result or NOT_ANNOUNCED]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)  # names and codes from the inputs: text, never formulas
            cell.border = GRID
            cell.alignment = Alignment(vertical="top", wrap_text=col == 2)
        for offset, column in enumerate(columns):
            cell = ws.cell(row, first_score + offset)
            cell.number_format = NUMBER_FORMAT
            if against_column(against, decided.get(unit.code), column, offset).below(cell.value):
                cell.fill = BELOW_FILL
            elif "/".join(column.path) in weak_halves(score):
                cell.fill = CAUTION_FILL
        ws.cell(row, first_score + len(columns)).number_format = NUMBER_FORMAT
        for offset in (2, 3):  # the shortfalls, the indicators without evidence
            counted = ws.cell(row, first_score + len(columns) + len(REVIEW_HEADERS) + offset)
            if counted.value:
                counted.fill = BELOW_FILL
    last_row = header_row + max(len(scores), 1)
    ws.freeze_panes = ws.cell(header_row + 1, 3)  # the header and the code and name stay in view
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    _size_columns(ws, header_row, len(headers), {2: 40})
    title = f"Rekapitulasi Penilaian Zona Integritas Tahun {year.year}"
    _print_setup(ws, title, header_row)
    _averages_sheet(wb.create_sheet(AVERAGES_SHEET), scores, columns)
    _print_setup(wb[AVERAGES_SHEET], f"{title} — Rata-rata", 1)
    _shortfall_sheet(wb.create_sheet(SHORTFALL_SHEET), scores)
    _print_setup(wb[SHORTFALL_SHEET], f"{title} — Kekurangan setiap Unit", 1)
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
        lines.append("Sel berwarna merah muda berada di bawah batas minimal predikat yang diusulkan bagi unit itu "
                     "(atau yang dituju, bila tidak diusulkan). "
                     "Nilai disimpan tanpa pembulatan dan ditampilkan dua desimal (dibulatkan ke atas dari 5).")
    for row, text in enumerate(lines, start=1):
        cell = put(ws, row, 1, text)
        cell.font = Font(bold=True, size=13) if row == 1 else Font(italic=row == len(lines), color="404040")
    return len(lines) + 2


def _averages_sheet(ws: Worksheet, scores: list[UnitScore], columns: list[ScoreColumn]) -> None:
    """Averages, lowest and highest of every score column across the units."""
    headers = ["Komponen", "Bobot", "Rata-rata", "Terendah", "Tertinggi", "Batas Minimal WBK", "Unit di Bawah Batas"]
    for col, text in enumerate(headers, start=1):
        cell = put(ws, 1, col, text)
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
    headers = ["Kode", "Nama Unit", "Predikat Dituju", "Syarat (Area)", "Batas Minimal", "Capaian", "Kekurangan"]
    for col, text in enumerate(headers, start=1):
        cell = put(ws, 1, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = 2
    for score in scores:
        unit = score.unit
        found: Sequence[Shortfall | None] = score.proposed_shortfalls or [None]
        for shortfall in found:
            if shortfall is None:
                cells: list[str | float | None] = [unit.code, unit.name, unit.proposed, "Tidak ada kekurangan",
                                                   None, None, None]
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
    ws.row_dimensions[1].height = 30  # two lines: "Predikat / Dituju", "Batas / Minimal"
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(row - 1, 1)}"
    _size_columns(ws, 1, len(headers), {2: 40, 4: 44})


def _print_setup(ws: Worksheet, title: str, header_row: int) -> None:
    """A4, one page wide, landscape if wide, the header row on every page, title and page numbers."""
    wide = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
    ws.page_setup.orientation = "landscape" if wide > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{header_row}:{header_row}"
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


def render_xlsx(job: Job) -> Made:
    return Made(xlsx(job.award_year, list(job.scores), created=job.created))


XLSX_KIND = DocumentKind("recap-xlsx", "rekapitulasi.xlsx", "xlsx", (), per_unit=False, render=render_xlsx,
                         group=N_("recap workbook"), name=NAME, description=DESCRIPTION,
                         commands=("build", "report"))
