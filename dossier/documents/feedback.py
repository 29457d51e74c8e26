"""Feedback a secretariat sends back to a unit (umpan balik): a workbook and a PDF, in Bahasa Indonesia.

What staff assemble by hand today from `validate` and e-mail: every problem in
the unit's LKE workbook (cell, what is wrong, how to fix it), the indicators
without evidence, the TPI's corrections and notes, the shortfalls against the
proposed predicate and the fewest answers to raise to reach it. `context()`
gathers it once; `xlsx()` and `pdf()` lay the same sections out.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dossier import i18n
from dossier.cells import put
from dossier.config import Settings
from dossier.decision import PREDICATE_NAMES
from dossier.documents.claims import caution, decision, review, shortfall_row, way
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.errors import Problem
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.readers.official import FORM
from dossier.render.format import number
from dossier.render.templates import default_templates_dir, render
from dossier.scoring import UnitScore

TEMPLATE = "umpan-balik.html"
TITLE = "Umpan Balik Penilaian LKE Zona Integritas"
# The sheets of the workbook, one per section, in order: (sheet, title, columns (header, key, width)).
SECTIONS = (
    ("Ringkasan", "Ringkasan", ()),
    ("Masalah LKE", "Masalah pada berkas LKE", (("Sel", "cell", 16), ("Jenis", "severity", 12),
                                                ("Yang salah", "what", 60), ("Cara memperbaiki", "fix", 60))),
    ("Tanpa Bukti", "Indikator tanpa bukti dukung", (("Kode", "code", 10), ("Indikator", "question", 80),
                                                     ("Area", "area", 30))),
    ("Koreksi TPI", "Koreksi dan catatan Tim Penilai Internal (TPI)",
     (("Kode", "code", 10), ("Indikator", "question", 60), ("Jawaban unit", "unit", 26), ("Jawaban TPI", "tpi", 26),
      ("Catatan TPI", "note", 50))),
    ("Kekurangan", "Syarat yang belum terpenuhi", (("Syarat", "label", 50), ("Minimal", "required", 14),
                                                   ("Dicapai", "reached", 14), ("Kekurangan", "gap", 20))),
    ("Langkah", "Langkah menuju predikat yang dituju",  # titled by its predicate when there is a way (`titled`)
     (("Kode", "code", 10), ("Indikator", "question", 60), ("Dari", "from", 26), ("Menjadi", "to", 26),
      ("Tambahan nilai", "adds", 14), ("Memenuhi syarat", "fixes", 40))),
)

def titled(ctx: dict) -> list[tuple]:
    """SECTIONS with the steps titled by the predicate they lead to: a unit proposed for WBK that aimed at WBBM
    is shown the way to WBBM, which is not the predicate it is proposed for."""
    way_ = ctx["way"]
    return [(sheet, f"Langkah menuju {way_['predicate']}" if sheet == "Langkah" and way_ else title, columns)
            for sheet, title, columns in SECTIONS]


def context(year: AwardYear, score: UnitScore, settings: Settings | None = None) -> dict:
    """Everything the feedback shows for one unit, worded for the unit."""
    unit = score.unit
    lke = year.lke.get(unit.code)
    source = lke.source if lke else ""
    problems = _problems(year, source) if lke else []
    if lke is None:
        problems.insert(0, {"cell": "-", "severity": "kesalahan",
                            "what": "Berkas LKE unit ini belum diterima atau tidak dapat dibaca.",
                            "fix": "Kirim LKE yang diisi pada format dari sekretariat (.xlsx)."})
    without = [
        {"code": code, "question": q.indicator.question, "area": q.indicator.group[2] if len(q.indicator.group) > 2 else q.indicator.group[-1]}
        for code, q in score.questions.items()
        if not (q.answer and q.answer.evidence)
    ]
    tpi = review(score)
    corrections = [{**c, "changed": True} for c in tpi["changed"]] + [{**c, "changed": False} for c in tpi["noted"]]
    found = way(score)
    own = score.self_assessment
    decided = decision(score)
    return {
        "title": f"{TITLE} – {unit.name}",
        "document_title": TITLE,
        "ministry": year.award.ministry,
        "year": year.year,
        "unit": {"code": unit.code, "name": unit.name, "head": unit.head, "proposed": unit.proposed,
                 "target": PREDICATE_NAMES.get(unit.proposed, unit.proposed)},
        "source": source or "-",
        "total": number(tpi["total"]),
        "own_total": number(tpi["own_total"]),
        "eligible": score.eligible,
        "own_eligible": own.eligible,
        "proposed_met": unit.proposed in score.eligible,
        "decision": decided.sentence(),
        "problems": problems,
        "without": without,
        "corrections": corrections,
        "changed": len(tpi["changed"]),
        "shortfalls": [shortfall_row(s, score) for s in score.proposed_shortfalls],
        "cautions": [caution(c) for c in score.proposed_cautions],
        "way": found,
        "missing": len(score.missing),
        "signer": {"position": (settings.tpi_position if settings else "") or "Ketua Tim Penilai Internal",
                   "name": settings.tpi_lead if settings else ""},
    }


def _problems(year: AwardYear, source: str) -> list[dict]:
    """The problems found in the unit's LKE workbook, worded in Indonesian whatever the command line speaks."""
    # Findings about the official form's own text (kind FORM) are for the secretariat, not the unit's to fix.
    with i18n.speaking("id"):
        return [_problem(p) for p in year.problems if p.file == source and p.kind != FORM]


def _problem(problem: Problem) -> dict:
    """A reader's problem as the unit reads it: the cell, what is wrong, how to fix it (in the language spoken)."""
    what, fix = str(problem.what), "" if problem.fix is None else str(problem.fix)
    return {"cell": problem.place.within() or "(seluruh berkas)",
            "severity": "kesalahan" if problem.severity == "error" else "peringatan",
            "what": what[:1].upper() + what[1:],
            "fix": fix[:1].upper() + fix[1:] if fix else "Periksa dan perbaiki isian sel ini."}


def rows(ctx: dict, key: str) -> list[dict]:
    """The rows of one section (a sheet of the workbook, a table of the PDF)."""
    if key == "Masalah LKE":
        return ctx["problems"]
    if key == "Tanpa Bukti":
        return ctx["without"]
    if key == "Koreksi TPI":
        return [{**c, "tpi": c["tpi"] if c["changed"] else "(tidak diubah)"} for c in ctx["corrections"]]
    if key == "Kekurangan":
        return ctx["shortfalls"] + [
            {"label": f"Perhatian (tetap memenuhi syarat): {c['label']}", "required": c["required"],
             "reached": c["reached"], "gap": f"kurang {c['gap']}", "values": c["values"]}
            for c in ctx["cautions"]
        ]
    if key == "Langkah":
        return [{**s, "fixes": "; ".join(s["fixes"])} for s in (ctx["way"] or {}).get("steps", [])]
    return []


def summary_lines(ctx: dict) -> list[str]:
    """The summary, line by line (the workbook's first sheet; the PDF words it the same)."""
    unit = ctx["unit"]
    lines = [
        f"Kepada: Kepala {unit['name']} ({unit['code']})",
        f"Perihal: {ctx['document_title']} Tahun {ctx['year']}",
        f"Berkas LKE: {ctx['source']}",
        f"Predikat yang dituju: {unit['target']}",
        f"Nilai hasil penilaian TPI: {ctx['total']} (penilaian mandiri unit: {ctx['own_total']})"
        + (f"; {ctx['changed']} jawaban dikoreksi TPI." if ctx["changed"] else "."),
        f"Memenuhi syarat {unit['proposed']}." if ctx["proposed_met"]
        else f"Belum memenuhi syarat {unit['proposed']}: {len(ctx['shortfalls'])} syarat belum terpenuhi.",
        f"Keputusan: unit kerja ini {ctx['decision']}.",
        f"Masalah pada berkas LKE: {len(ctx['problems'])}; indikator tanpa bukti dukung: {len(ctx['without'])}; "
        f"jawaban belum diisi: {ctx['missing']}.",
    ]
    way_ = ctx["way"]
    if way_ and way_["sentence"]:
        said = way_["sentence"].rstrip(".")
        lines.append(f"Langkah menuju {way_['predicate']}: {said[:1].lower()}{said[1:]}"
                     + (" (lembar Langkah)." if way_["steps"] else "."))
    for blocked in (way_ or {}).get("blocked", []):
        lines.append(f"Tidak dapat dipenuhi lewat jawaban LKE: {blocked['label']} – {blocked['reason']}.")
    lines.append("Mohon perbaiki LKE dan bukti dukung sesuai umpan balik ini, lalu kirim kembali ke sekretariat.")
    return lines


# --- the workbook -----------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def xlsx(ctx: dict, *, created: datetime) -> bytes:
    """The feedback workbook: a summary sheet, then one sheet per section."""
    from dossier.reproducible import normalize_package

    wb = Workbook()
    first = True
    for sheet, title, columns in titled(ctx):
        ws = wb.active if first else wb.create_sheet(sheet)
        ws.title = sheet
        first = False
        put(ws, 1, 1, f"{title} – {ctx['unit']['name']} ({ctx['unit']['code']}), tahun {ctx['year']}").font = Font(bold=True, size=13)
        if not columns:
            ws.column_dimensions["A"].width = 120
            for row, line in enumerate(summary_lines(ctx), start=3):
                put(ws, row, 1, line).alignment = WRAP
            continue
        found = rows(ctx, sheet)
        for col, (header, _, width) in enumerate(columns, start=1):
            cell = put(ws, 3, col, header)
            cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, GRID, WRAP
            ws.column_dimensions[get_column_letter(col)].width = width
        for row, item in enumerate(found, start=4):
            for col, (_, key, _) in enumerate(columns, start=1):
                number_ = _number(item, key)
                cell = put(ws, row, col, item.get(key, "") if number_ is None else number_[0])
                cell.border, cell.alignment = GRID, WRAP
                if number_ is not None:
                    cell.number_format = number_[1]
            _fit_height(ws, row, columns)
        if not found:
            put(ws, 4, 1, "Tidak ada.").font = Font(italic=True)
        ws.freeze_panes = "A4"
        ws.print_title_rows = "3:3"
    for ws in wb.worksheets:
        _print_setup(ws)
    wb.properties.creator = "dossier"
    wb.properties.title = ctx["title"]
    when = created if created.tzinfo is None else created.astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalize_package(buffer.getvalue(), when)


def _number(item: dict, key: str) -> tuple[float, str] | None:
    """A shortfall's minimum, reached value or gap, or a step's added score, as a number and its format."""
    values = item.get("values")
    if values and key in ("required", "reached", "gap"):
        return values[key], "0." + "0" * values["places"]
    if key == "adds" and "adds_value" in item:
        return item["adds_value"], "0.00"
    return None


def _print_setup(ws) -> None:
    """A4, one page wide (as many pages long as needed), its title and page numbers on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(
        (d.width or 10) for d in ws.column_dimensions.values()) > 130 else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.page_margins.left = ws.page_margins.right = 0.5


def _fit_height(ws, row: int, columns) -> None:
    """Make a row tall enough for its wrapped text (spreadsheets do not grow rows written by openpyxl)."""
    lines = max(
        sum(max(1, -(-len(part) // max(1, int(width * 1.15)))) for part in str(ws.cell(row, col).value or "").split("\n"))
        for col, (_, _, width) in enumerate(columns, start=1)
    )
    if lines > 1:
        ws.row_dimensions[row].height = lines * 15.0 + 2



# --- the PDF ------------------------------------------------------------------------------------


def html(env: jinja2.Environment, ctx: dict) -> str:
    return render(env, TEMPLATE, {**ctx, "summary": summary_lines(ctx), "sections": [
        {"sheet": sheet, "title": title, "columns": [{"header": h, "key": k} for h, k, _ in columns], "rows": rows(ctx, sheet)}
        for sheet, title, columns in titled(ctx) if columns
    ]})


def pdf(env: jinja2.Environment, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None) -> bytes:
    """The feedback as a PDF/A, the same sections as the workbook."""
    from dossier.render.pdf import html_to_pdf

    return html_to_pdf(html(env, ctx), base_url=default_templates_dir(), allowed_roots=allowed_roots,
                       title=ctx["title"], author=ctx["ministry"], created=created)


# --- the kinds the build makes -------------------------------------------------------------------


def _prepared(job: Job) -> dict:
    return job.shared("feedback", lambda: context(job.award_year, job.score, job.settings))


def render_xlsx(job: Job) -> Made:
    return Made(xlsx(_prepared(job), created=job.created))


def render_pdf(job: Job) -> Made:
    return Made(pdf(job.env, _prepared(job), allowed_roots=job.allowed_roots, created=job.created))


NAME = N_("Feedback")
DESCRIPTION = N_("the feedback to each unit")
XLSX_KIND = DocumentKind("feedback-xlsx", "umpan-balik/{unit}.xlsx", "xlsx", (), per_unit=True, render=render_xlsx,
                         problems=True, name=NAME, description=DESCRIPTION, commands=("build", "umpan-balik"))
PDF_KIND = DocumentKind("feedback-pdf", "umpan-balik/{unit}.pdf", "pdf", (TEMPLATE,), per_unit=True, render=render_pdf,
                        problems=True, name=NAME, description=DESCRIPTION, commands=("build", "umpan-balik"))
KINDS = (XLSX_KIND, PDF_KIND)
