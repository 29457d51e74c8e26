"""Write a blank LKE workbook in the official KemenPAN-RB layout (`lke-template --format resmi`).

The layout is that of Lampiran III of PermenPAN-RB 90/2021 as units receive it:
sheet "LKE ZI", rows numbered down column A, the hierarchy in B-G (a marker and
its name one column to the right), Bobot H, Penjelasan I, Pilihan Jawaban J,
Jawaban K, Nilai L, % M, then Catatan and Bukti Dukung. `readers/official.py`
reads it back; dossier scores the answers itself, so L and M are left for the unit.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dossier.rules import Edition, Indicator
from dossier.workbooks import GRID, HEADER_FILL, HEADER_FONT, print_setup, put, save_workbook

SHEET = "LKE ZI"
HEADER_ROW = 5
COLUMNS = {
    "No": 6, "Komponen": 4, "": 4, " ": 4, "  ": 5, "   ": 5, "Pertanyaan": 60,
    "Bobot": 8, "Penjelasan": 50, "Pilihan Jawaban": 12, "Jawaban": 12, "Nilai": 9, "%": 8,
    "Catatan": 30, "Bukti Dukung": 40,
}
CHOICES = {"ya_tidak": "Ya/Tidak", "abc": "A/B/C", "abcd": "A/B/C/D", "abcde": "A/B/C/D/E", "index": "Nilai (0-4)"}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def write_official_template(path: Path, edition: Edition, *, unit_code: str, unit_name: str, year: int, ministry: str) -> None:
    """Write one unit's blank LKE in the official layout, every indicator of the edition in order."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    put(ws, 1, 2, "LEMBAR KERJA EVALUASI ZONA INTEGRITAS").font = Font(bold=True, size=13)
    put(ws, 2, 2, f"{unit_name} ({unit_code})")  # from the register: always text, never a formula
    put(ws, 3, 2, f"{ministry} - Tahun {year}")
    for col, (name, width) in enumerate(COLUMNS.items(), start=1):
        cell = put(ws, HEADER_ROW, col, name.strip() or None)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    writer = _Rows(ws, edition)
    shown: tuple[str, ...] = ()
    for indicator in edition.indicators.values():
        group = indicator.group
        hasil = len(group) == 3  # Hasil: no sub-areas; the indicator row names the area itself
        for depth in range(len(group) - (1 if hasil else 0)):
            if group[: depth + 1] != shown[: depth + 1]:
                writer.heading(depth, group[: depth + 1])
        shown = group if not hasil else group[:2]
        writer.indicator(indicator, depth=2 if hasil else 4)
    ws.freeze_panes = f"H{HEADER_ROW + 1}"
    print_setup(ws, title_rows=HEADER_ROW, footer=f"LKE {unit_code} - {year}")
    save_workbook(wb, path, year)


class _Rows:
    """Writes rows one after another, numbering them in column A and the markers of each level."""

    def __init__(self, ws, edition: Edition):
        self.ws, self.edition, self.row = ws, edition, HEADER_ROW + 1
        self.counters = [0, 0, 0, 0, 0]
        self.validations: dict[str, DataValidation] = {}

    def put(self, marker_col: int, marker: str, name: str, *, weight=None, explain="", choices="", bold=False) -> int:
        ws, row = self.ws, self.row
        put(ws, row, 1, row - HEADER_ROW)
        if marker:
            put(ws, row, marker_col, marker)
        cell = put(ws, row, marker_col + 1, name)
        cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        if weight is not None:
            put(ws, row, 8, weight)
        if explain:
            put(ws, row, 9, explain).alignment = WRAP
        if choices:
            put(ws, row, 10, choices)
        self.row += 1
        return row

    def heading(self, depth: int, path: tuple[str, ...]) -> None:
        self.counters[depth] += 1
        for deeper in range(depth + 1, len(self.counters)):
            self.counters[deeper] = 0
        n = self.counters[depth]
        marker = [f"{chr(64 + n)}.", f"{ROMAN[n - 1]}.", f"{n}.", f"{ROMAN[n - 1].lower()}."][depth]
        name = path[-1].upper() if depth < 3 else path[-1]
        self.put(2 + depth, marker, name, weight=self.edition.weights.get(path), bold=depth < 3)

    def indicator(self, indicator: Indicator, depth: int) -> None:
        self.counters[depth] += 1
        letter = f"{chr(96 + self.counters[depth])}."
        marker_col = 2 + depth
        weight = self.edition.weights.get(indicator.group) if depth == 2 else None
        if indicator.kind == "count":
            self.put(marker_col, letter, indicator.question, weight=weight, choices="%")
            self.counts(indicator)
            return
        explain = "\n".join(f"{o.key}. {o.text}" if len(o.key) == 1 else o.text for o in indicator.options)
        row = self.put(marker_col, letter, indicator.question, weight=weight, explain=explain, choices=CHOICES[indicator.kind])
        if indicator.kind != "index":
            self.validate(",".join(indicator.option_keys), f"K{row}")

    def counts(self, indicator: Indicator) -> None:
        """One Jumlah row per input; inputs named 'Total - part' sit below a row for their total, as in the form."""
        prefixes = [o.text.split(" - ", 1)[0] if " - " in o.text else None for o in indicator.options]
        grouped = any(p and prefixes.count(p) > 1 for p in prefixes)
        shown = None
        for option, prefix in zip(indicator.options, prefixes):
            if grouped and prefix and prefixes.count(prefix) > 1:
                if prefix != shown:
                    self.put(6, "-", prefix, choices="Jumlah")  # the total: the unit may type it, the parts are scored
                    shown = prefix
                row = self.put(6, "", f"- {option.text.split(' - ', 1)[1]}", choices="Jumlah")
            else:
                row = self.put(6, "-" if grouped else "", option.text if grouped else f"- {option.text}", choices="Jumlah")
            self.validate("whole", f"K{row}")

    def validate(self, options: str, cell: str) -> None:
        rule = self.validations.get(options)
        if rule is None:
            if options == "whole":
                rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            else:
                rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            self.ws.add_data_validation(rule)
            self.validations[options] = rule
        rule.add(cell)
