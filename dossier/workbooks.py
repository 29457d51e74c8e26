"""Write the workbooks staff open in Excel: the register (`nominasi.xlsx`) and the LKE template.

The layouts here are the input contract of issue 2; the readers in
`dossier.readers` read them back. Text shown in the workbooks is Bahasa
Indonesia. Saved files are byte-identical for the same inputs: the package's
timestamps come from the award year (or SOURCE_DATE_EPOCH), never the clock.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dossier.model import Answer, Award, Quote, Unit
from dossier.render.format import number
from dossier.reproducible import normalize_package, package_time
from dossier.rules import Edition, Indicator

# The register's sheets: label -> hint shown beside it (Penghargaan) or header -> width (tables).
AWARD_LABELS = {
    "Tahun": "Tahun penghargaan, misalnya 2024.",
    "Instansi": "Nama lengkap kementerian/lembaga, misalnya Kementerian Sumber Daya Maritim.",
    "Singkatan Instansi": "Singkatan yang dipakai dalam siaran pers, misalnya KSDM.",
    "Pemberi Penghargaan": "Pemberi penghargaan, misalnya Kementerian PANRB.",
    "Tanggal Penyerahan": "Tanggal upacara penyerahan: tanggal Excel, 2024-12-12, atau 12 Desember 2024.",
    "Tempat Penyerahan": "Tempat upacara penyerahan penghargaan.",
    "Dibuka Oleh": "Pejabat yang membuka acara (nama dan jabatan).",
    "Dihadiri Oleh": "Pejabat yang hadir mewakili instansi (nama dan jabatan).",
    "Kota Rilis": "Kota yang ditulis di awal siaran pers, misalnya Jakarta.",
}
UNIT_COLUMNS = {
    "Kode": 10,
    "Nama Unit": 44,
    "Jenis Unit": 28,
    "Kota": 16,
    "Provinsi": 20,
    "Kepala Unit": 28,
    "Predikat Diusulkan": 12,
    "Predikat Saat Ini": 12,
    "Hasil Penetapan": 12,
    "Kategori Penghargaan": 36,
}
UNIT_HINTS = {
    "Kode": "Kode unik unit, tanpa spasi, misalnya UPT01. Kode yang sama ditulis di sel Kode Unit pada LKE unit ini.",
    "Predikat Diusulkan": "WBK atau WBBM.",
    "Predikat Saat Ini": "Kosongkan, atau WBK jika unit sudah berpredikat WBK (syarat usulan WBBM).",
    "Hasil Penetapan": "Kosongkan sampai pengumuman. Lalu WBK/WBBM jika mendapat penghargaan, atau Tidak.",
    "Kategori Penghargaan": "Teks bebas untuk siaran pers, misalnya Wilayah Bebas dari Korupsi.",
}
QUOTE_COLUMNS = {"Nama": 30, "Jabatan": 40, "Kutipan": 90}
INNOVATION_COLUMNS = {"Kode Unit": 12, "Nama Inovasi": 36, "Tahun": 8, "Uraian": 80}

# The LKE table, in column order, with widths.
LKE_COLUMNS = {
    "No": 6,
    "Kode": 11,
    "Pertanyaan": 52,
    "Pilihan Jawaban": 62,
    "Jawaban": 11,
    "Catatan": 32,
    "Bukti Dukung": 32,
}
LKE_HEADER_ROW = 8
TABLE_ROWS = 500  # how far down the register's validations reach

BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
GROUP_STYLES = [  # component, part, area, sub-area
    (Font(bold=True, color="FFFFFF", size=12), PatternFill("solid", fgColor="2E75B6")),
    (Font(bold=True, size=11), PatternFill("solid", fgColor="9DC3E6")),
    (Font(bold=True), PatternFill("solid", fgColor="DEEBF7")),
    (Font(bold=True, italic=True), PatternFill("solid", fgColor="F2F2F2")),
]
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
DATE_FORMAT = "[$-421]d mmmm yyyy;@"  # 421 = Indonesian: "12 Desember 2024"
HINT_AUTHOR = "dossier"


def write_register(
    path: Path,
    year: int,
    award: Award | None = None,
    units: Sequence[Unit] = (),
    quotes: Sequence[Quote] = (),
) -> None:
    """Write the award year's register `nominasi.xlsx`: empty and laid out for the user, or filled."""
    wb = Workbook()
    _award_sheet(wb.active, year, award)
    _unit_sheet(wb.create_sheet("Unit"), units)
    _table_sheet(
        wb.create_sheet("Kutipan"),
        QUOTE_COLUMNS,
        [(q.name, q.position, q.text) for q in quotes],
        hints={"Kutipan": "Kutipan pejabat untuk siaran pers, tanpa tanda petik."},
    )
    innovations = [
        (i.unit_code or u.code, i.name, int(i.year) if str(i.year).isdigit() else i.year, i.description)
        for u in units
        for i in u.innovations
    ]
    inovasi = wb.create_sheet("Inovasi")
    _table_sheet(
        inovasi,
        INNOVATION_COLUMNS,
        innovations,
        hints={"Kode Unit": "Kode unit dari lembar Unit.", "Tahun": "Tahun inovasi mulai diterapkan."},
    )
    _list_validation(inovasi, f"Unit!$A$2:$A${TABLE_ROWS}", f"A2:A{TABLE_ROWS}", "Pilih kode unit dari lembar Unit.")
    save_workbook(wb, path, year)


def _award_sheet(ws: Worksheet, year: int, award: Award | None) -> None:
    ws.title = "Penghargaan"
    values = {
        "Tahun": award.year if award else year,
        "Instansi": award.ministry if award else None,
        "Singkatan Instansi": award.ministry_short if award else None,
        "Pemberi Penghargaan": award.awarding_body if award else None,
        "Tanggal Penyerahan": _excel_date(award.ceremony_date) if award else None,
        "Tempat Penyerahan": award.ceremony_place if award else None,
        "Dibuka Oleh": award.opened_by if award else None,
        "Dihadiri Oleh": award.attended_by if award else None,
        "Kota Rilis": award.release_city if award else None,
    }
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["C"].width = 70
    for row, (label, hint) in enumerate(AWARD_LABELS.items(), start=1):
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 1).alignment = WRAP_TOP
        value = ws.cell(row, 2, values[label] or None)
        value.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        value.fill = INPUT_FILL
        value.border = GRID
        hint_cell = ws.cell(row, 3, hint)
        hint_cell.font = Font(italic=True, color="7F7F7F")
        hint_cell.alignment = WRAP_TOP
        if label == "Tanggal Penyerahan":
            value.number_format = DATE_FORMAT
        fit_row_height(ws, row)


def _unit_sheet(ws: Worksheet, units: Sequence[Unit]) -> None:
    rows = [
        (u.code, u.name, u.kind, u.city, u.province, u.head, u.proposed, u.current, u.result, u.category)
        for u in units
    ]
    _table_sheet(ws, UNIT_COLUMNS, rows, hints=UNIT_HINTS)
    last = TABLE_ROWS
    _list_validation(ws, '"WBK,WBBM"', f"G2:G{last}", "Pilih WBK atau WBBM.", blank=False)
    _list_validation(ws, '"WBK"', f"H2:H{last}", "Kosongkan, atau WBK jika unit sudah berpredikat WBK.")
    _list_validation(ws, '"WBK,WBBM,Tidak"', f"I2:I{last}", "Kosongkan sampai pengumuman; lalu WBK, WBBM atau Tidak.")


def _table_sheet(ws: Worksheet, columns: dict[str, int], rows: Iterable[Sequence], hints: dict[str, str]) -> None:
    """Lay out a table sheet: bold frozen header with hints, sized columns, wrapped rows."""
    for col, (name, width) in enumerate(columns.items(), start=1):
        cell = ws.cell(1, col, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER_TOP
        if name in hints:
            cell.comment = _hint(hints[name])
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            ws.cell(r, col, value if value != "" else None).alignment = WRAP_TOP
        fit_row_height(ws, r)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"


def _list_validation(ws: Worksheet, formula: str, cells: str, prompt: str, blank: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=blank, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = "Isian tidak sesuai"
    dv.error = prompt
    dv.prompt = prompt
    ws.add_data_validation(dv)
    dv.add(cells)
    return dv


def _hint(text: str) -> Comment:
    comment = Comment(text, HINT_AUTHOR)
    comment.width, comment.height = 260, 90
    return comment


def _excel_date(value):
    return datetime(value.year, value.month, value.day) if value else None


# --- The LKE workbook -------------------------------------------------------------


def write_lke_template(
    path: Path,
    edition: Edition,
    *,
    unit_code: str,
    unit_name: str,
    year: int,
    ministry: str,
    answers: dict[str, Answer] | None = None,
) -> None:
    """Write a unit's LKE workbook: every indicator of the edition, grouped, with validation; filled if `answers`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "LKE"
    _lke_title(ws, edition, unit_code, unit_name, year, ministry)
    for col, (name, width) in enumerate(LKE_COLUMNS.items(), start=1):
        cell = ws.cell(LKE_HEADER_ROW, col, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = GRID
        ws.column_dimensions[get_column_letter(col)].width = width
    answers = answers or {}
    validations = _LkeValidations(ws, edition)
    row = LKE_HEADER_ROW + 1
    shown: tuple[str, ...] = ()
    for number_, indicator in enumerate(edition.indicators.values(), start=1):
        for depth in range(len(indicator.group)):
            if indicator.group[: depth + 1] != shown[: depth + 1]:
                _group_row(ws, row, depth, indicator.group[: depth + 1], edition)
                row += 1
        shown = indicator.group
        row = _indicator_rows(ws, row, number_, indicator, answers.get(indicator.code), validations, edition)
    last_col = get_column_letter(len(LKE_COLUMNS))
    ws.freeze_panes = f"C{LKE_HEADER_ROW + 1}"
    ws.print_title_rows = f"{LKE_HEADER_ROW}:{LKE_HEADER_ROW}"
    ws.print_area = f"A1:{last_col}{row - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.left.text = f"LKE {unit_code} - {year}"
    ws.oddFooter.right.text = "Halaman &P dari &N"
    _guide_sheet(wb.create_sheet("Petunjuk"), edition)
    save_workbook(wb, path, year)


def _lke_title(ws: Worksheet, edition: Edition, code: str, name: str, year: int, ministry: str) -> None:
    ws.cell(1, 1, "LEMBAR KERJA EVALUASI (LKE) ZONA INTEGRITAS").font = Font(bold=True, size=14)
    ws.cell(2, 1, edition.title or f"Edisi {edition.name}").font = Font(italic=True)
    # Labels sit in the Kode column: wide enough for them, and the value gets the wide Pertanyaan column.
    for row, (label, value) in enumerate(
        [("Kode Unit", code), ("Nama Unit", name), ("Tahun", year), ("Instansi", ministry)], start=3
    ):
        ws.cell(row, 2, label).font = BOLD
        cell = ws.cell(row, 3, value)
        cell.alignment = Alignment(horizontal="left")
        cell.font = BOLD if label == "Kode Unit" else Font()
    ws.cell(7, 1, "Isi kolom Jawaban (sel kuning), Catatan dan Bukti Dukung. Petunjuk lengkap: lembar Petunjuk.").font = Font(
        italic=True, color="7F7F7F"
    )


def _group_row(ws: Worksheet, row: int, depth: int, path: tuple[str, ...], edition: Edition) -> None:
    """A heading row for a component, part, area or sub-area; its Kode cell stays empty."""
    font, fill = GROUP_STYLES[min(depth, len(GROUP_STYLES) - 1)]
    weight = edition.weights.get(path)
    title = path[-1].upper() if depth == 0 else path[-1]
    text = f"{title} (bobot {number(weight)})" if weight else title
    # Text in column A spills across the empty filled cells to its right, like a merged row,
    # without merged cells that readers and sorting trip over.
    ws.cell(row, 1, text).font = font
    for col in range(1, len(LKE_COLUMNS) + 1):
        cell = ws.cell(row, col)
        cell.fill = fill
        cell.border = Border(top=THIN, bottom=THIN, left=THIN if col == 1 else None, right=THIN if col == 7 else None)


def _indicator_rows(
    ws: Worksheet,
    row: int,
    position: int,
    indicator: Indicator,
    answer: Answer | None,
    validations: _LkeValidations,
    edition: Edition,
) -> int:
    """Write one indicator (a count indicator: a heading row and one row per input); return the next row."""
    note = answer.note if answer else ""
    evidence = "\n".join(e.entry for e in answer.evidence) if answer else ""
    if indicator.kind == "count":
        _cells(ws, row, position, None, indicator.question, _count_explanation(indicator), input_cell=False)
        row += 1
        counts = (answer.counts if answer else None) or {}
        for i, option in enumerate(indicator.options):
            n = int(option.key)
            first = i == 0  # notes and evidence of a count indicator go on its first input row
            _cells(
                ws, row, None, f"{indicator.code}.{n}", f"({n}) {option.text}", "Bilangan bulat 0 atau lebih",
                counts.get(n), note if first else "", evidence if first else "",
            )
            validations.add(indicator, ws.cell(row, 5))
            row += 1
        return row
    if indicator.kind == "index":
        options = indicator.options[0].text if indicator.options else ""
        value = answer.index if answer else None
        options = options or f"Indeks {number(edition.index_min)}-{number(edition.index_max)}"
    else:
        options = "\n".join(_option_line(o.key, o.text) for o in indicator.options)
        value = answer.choice if answer else None
    _cells(ws, row, position, indicator.code, indicator.question, options, value, note, evidence)
    validations.add(indicator, ws.cell(row, 5))
    return row + 1


def _cells(ws, row, position, code, question, options, value=None, note="", evidence="", input_cell=True) -> None:
    for col, item in enumerate((position, code, question, options, value, note or None, evidence or None), start=1):
        cell = ws.cell(row, col, item)
        cell.border = GRID
        cell.alignment = CENTER_TOP if col in (1, 2, 5) else WRAP_TOP
        if col == 5 and input_cell:
            cell.fill = INPUT_FILL
        if col == 5 and isinstance(item, float):
            cell.number_format = "0.00"
    fit_row_height(ws, row)


def fit_row_height(ws: Worksheet, row: int, line_height: float = 15.0) -> None:
    """Set a row tall enough for its wrapped text; Excel and LibreOffice do not grow rows written by openpyxl."""
    lines = 1
    for cell in ws[row]:
        if cell.value is None or not isinstance(cell.value, str):
            continue
        width = ws.column_dimensions[cell.column_letter].width or 10
        per_line = max(1, int(width * 1.15))  # characters of an average proportional font per width unit
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = lines * line_height + 2


def _option_line(key: str, text: str) -> str:
    if text.strip().lower() == key.lower():
        return key
    return f"{key}. {text}" if len(key) == 1 else f"{key}: {text}"


def _count_explanation(indicator: Indicator) -> str:
    """Spell out a count formula from the rules, e.g. 'Nilai = (4) / ((1) + (2) + (3))'."""
    rule = indicator.count

    def side(terms: dict[int, float]) -> str:
        parts = []
        for n, factor in terms.items():
            sign = "-" if factor < 0 else "+"
            parts.append(f"{sign} ({n})" if parts or factor < 0 else f"({n})")
        text = " ".join(parts)
        return f"({text})" if len(terms) > 1 else text

    formula = f"Nilai = {side(rule.numerator)} / {side(rule.denominator)}" if rule else ""
    return f"Isi jumlah pada baris di bawah. {formula}, paling tinggi 1.".strip()


class _LkeValidations:
    """One data validation per answer kind (and per option list), added to the Jawaban cells."""

    def __init__(self, ws: Worksheet, edition: Edition):
        self.ws = ws
        self.edition = edition
        self.by_key: dict[tuple, DataValidation] = {}

    def add(self, indicator: Indicator, cell) -> None:
        if indicator.kind == "count":
            key = ("count",)
        elif indicator.kind == "index":
            key = ("index",)
        else:
            key = ("list", *indicator.option_keys)
        dv = self.by_key.get(key) or self._make(key)
        dv.add(cell)

    def _make(self, key: tuple) -> DataValidation:
        if key[0] == "count":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = dv.prompt = "Isi bilangan bulat 0 atau lebih."
        elif key[0] == "index":
            low, high = self.edition.index_min, self.edition.index_max
            dv = DataValidation(type="decimal", operator="between", formula1=f"{low:.2f}", formula2=f"{high:.2f}", allow_blank=True)
            dv.error = dv.prompt = f"Isi nilai indeks survei {number(low)} sampai {number(high)}."
        else:
            keys = ",".join(key[1:])
            dv = DataValidation(type="list", formula1=f'"{keys}"', allow_blank=True)
            dv.error = dv.prompt = f"Pilih salah satu: {', '.join(key[1:])}."
        dv.errorTitle = "Jawaban tidak sesuai"
        dv.showErrorMessage = True
        dv.showInputMessage = True
        self.ws.add_data_validation(dv)
        self.by_key[key] = dv
        return dv


GUIDE = [
    ("Petunjuk Pengisian LKE Zona Integritas", None),
    ("1. Jangan mengubah isi kolom Kode, nama kolom judul tabel, maupun sel Kode Unit di bagian atas lembar LKE.", None),
    ("2. Isi kolom Jawaban (sel kuning) untuk setiap pertanyaan:", None),
    ("", "Ya/Tidak: pilih Ya atau Tidak dari daftar."),
    ("", "Pilihan A-C, A-D atau A-E: pilih huruf yang sesuai dengan uraian di kolom Pilihan Jawaban."),
    ("", "Pertanyaan jumlah (kode bertitik, misalnya PRE3A.4): isi bilangan bulat 0 atau lebih pada setiap baris."),
    ("", "Jumlah yang sudah melaporkan LHKPN/LHKASN tidak boleh melebihi jumlah yang wajib melaporkan."),
    ("", "Nilai survei IPAK (HBA) dan IPKP (HPA): isi indeks 1,00 sampai 4,00, misalnya 3,72."),
    ("3. Kolom Catatan: penjelasan singkat atas jawaban (boleh kosong).", None),
    ("4. Kolom Bukti Dukung: satu bukti per baris (Alt+Enter) atau dipisah titik koma (;).", None),
    ("", "Tulis lokasi berkas relatif terhadap folder bukti, misalnya UPT01/sk-tim-zi.pdf, atau alamat https://..."),
    ("", "Untuk pertanyaan jumlah, tulis catatan dan bukti dukung pada baris input pertama."),
    ("5. Nama berkas LKE bebas. Simpan sebagai .xlsx dan kirim ke sekretariat.", None),
]


def _guide_sheet(ws: Worksheet, edition: Edition) -> None:
    for row, (first, second) in enumerate(GUIDE, start=1):
        ws.cell(row, 1, first or f"     - {second}").alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.cell(len(GUIDE) + 2, 1, f"Edisi LKE: {edition.title or edition.name}").font = Font(italic=True)
    ws.column_dimensions["A"].width = 100
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- Deterministic saving ------------------------------------------------------------


def save_workbook(wb: Workbook, path: Path, year: int) -> None:
    """Save a workbook so that the same content always gives the same bytes."""
    when = package_time(year)
    wb.properties.creator = "dossier"
    wb.properties.lastModifiedBy = "dossier"
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps "modified" with the clock; normalize_package fixes it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(normalize_package(buffer.getvalue(), when))
