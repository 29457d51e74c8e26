"""The recap (rekapitulasi) of every unit's scores for the leadership: its columns and wording, and the landscape PDF.

One row per unit: code, name, kind, predicates, the twelve area-parts, the
component sums, eligibility, shortfalls, indicators without evidence and the
announced result. Numbers are stored unrounded and shown with two decimals;
cells below a WBK minimum (taken from the edition's rules, never from constants)
are shaded. The workbook also lists every shortfall of every unit, and every
sheet prints readably on A4 landscape (the workbook itself: recap_xlsx.py). The PDF's charts mark each unit with the
predicate it meets, and show every area against its minimum share.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from dossier.config import Settings
from dossier.decision import decide_year
from dossier.documents.claims import prerequisites
from dossier.documents.kinds import DocumentKind, Job, Made
from dossier.documents.recap_parts import PartCache, join, part, split
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.render import format as fmt
from dossier.render.charts import BarChart, text_mm
from dossier.rules import Edition, Predicate, load_edition
from dossier.scoring import UnitScore

TEMPLATE = "recap.html"
# The named nodes shown after the area-parts, in this order (keys of the edition's [nodes]).
SUM_NODES = ("pemenuhan", "reform", "pengungkit", "ipak", "capaian_kinerja", "ipkp", "hasil", "total")
NOT_ANNOUNCED = "Belum diumumkan"
NOT_ELIGIBLE = "Belum memenuhi syarat"


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


def score_columns(edition: Edition, predicate: Predicate | None = None) -> list[ScoreColumn]:
    """The recap's score columns: every area-part, then the component sums and the total.

    Each carries the minimum of `predicate` (default: the lowest, WBK).
    """
    wbk = predicate or lowest_predicate(edition)
    numbers = {area: str(i) for i, area in enumerate(areas(edition), start=1)}
    columns = []
    for path, weight in edition.weights.items():
        if len(path) == 3 and path[0] == wbk.area_share_component:
            share = wbk.area_share * weight if wbk.area_share_level == "area-part" else None
            columns.append(ScoreColumn("/".join(path), f"{path[1]} – {path[2]}", path[1], numbers[path[2]], path, share))
    for key in SUM_NODES:
        node = edition.nodes.get(key)
        if node is not None:
            label = edition.label(key)
            columns.append(ScoreColumn(key, label, "", label, node, _minimum(edition, wbk, node)))
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
        assert not isinstance(c.reached, str) and not isinstance(c.required, str), "a caution is a share, a number"
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


def summary(scores: list[UnitScore], edition: Edition | None, units=None) -> str:
    """'6 unit dinilai, 4 diusulkan (3 WBK, 1 WBBM)': the year's decision, as every document counts it."""
    return decide_year(units or [s.unit for s in scores], scores).summary()


def against_column(against: dict, decided, column: ScoreColumn, index: int) -> ScoreColumn:
    """The column with the minimum of the unit's predicate: proposed for, else aimed at (WBK when unknown)."""
    name = (decided.predicate or decided.target) if decided else ""
    return against[name][index] if name in against else column


def decision_cell(decided) -> str:
    """'WBK', 'WBK (semula WBBM)' or 'Tidak (tetap WBK)': what the year decided for a unit, in one cell."""
    if decided is None:
        return "-"
    if decided.proposed:
        return decided.predicate + (f" (semula {decided.target})" if decided.lowered else "")
    return "Tidak" + (f" (tetap {decided.current})" if decided.current else "")


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


def edition_for(scores: list[UnitScore], year: AwardYear) -> Edition | None:
    """The edition of the year's scores, or of its register when it has no units (None when unknown)."""
    if scores:
        return scores[0].edition
    try:
        return load_edition(year.edition)
    except Exception:  # an empty year with an unknown edition: the recap still says what it can
        return None


# --- the PDF ----------------------------------------------------------------------------


def context(year: AwardYear, scores: list[UnitScore], settings: Settings) -> dict:
    """Everything recap.html shows, formatted for reading (Indonesian numbers)."""
    edition = edition_for(scores, year)
    columns = score_columns(edition) if edition else []
    rows = []
    decided = decide_year(year.units, scores)
    # Each unit's cells are shaded against the predicate it is proposed for (else the one it aims at).
    against = {p.name: score_columns(edition, p) for p in edition.predicates} if edition else {}
    for score in scores:
        unit = score.unit
        printed, weak = fmt.rounded_tree(score.nodes), weak_halves(score)
        rows.append({
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "target": unit.proposed,
            "proposed": decision_cell(decided.get(unit.code)),
            "current": unit.current or "-",
            "cells": [{"text": fmt.number(printed[c.path]),
                       "fail": against_column(against, decided.get(unit.code), c, i).below(score.nodes[c.path]),
                       "caution": "/".join(c.path) in weak,
                       # Under the total: the self-assessment's, starred when the TPI changed answers.
                       "own": own_total(score) if c.path == ("",) else ""} for i, c in enumerate(columns)],
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
        "summary": summary(scores, edition, year.units),
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
    def fit(header: str, cells) -> float:
        words = [(w, True) for w in header.replace("\u00ad", " ").split()] + [(str(c), False) for c in cells]
        return round(max(text_mm(w, TABLE_PT, bold) for w, bold in words) + CELL_PADDING_MM, 1)

    widths = [fit("Kode", (r["code"] for r in rows)), 0.0, fit("Diusulkan", (w for r in rows for w in r["proposed"].split())),
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
    {"picture": BarChart, "uri": its src, "first": n, "last": m} (1-based positions in the table).
    """
    lines = [(f"Batas minimal {p.name} ({fmt.number(p.minimums['total'], 0)})", p.minimums["total"])
             for p in edition.predicates if "total" in p.minimums]
    charts = []
    for start in range(0, len(scores), CHART_ROWS):
        part = scores[start:start + CHART_ROWS]
        picture = BarChart.of(
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
        charts.append({"picture": picture, "uri": picture.src, "first": start + 1, "last": start + len(part)})
    return charts


def eligible_mark(score: UnitScore) -> str:
    """'memenuhi WBBM' (the highest predicate met) or 'belum memenuhi syarat', for a chart's bar."""
    return f"memenuhi {score.eligible[-1]}" if score.eligible else NOT_ELIGIBLE.lower()


def area_minimums(edition: Edition) -> str:
    """'WBK 60 %, WBBM 75 %': each predicate's minimum share of every area's weight."""
    return fmt.join_list([f"{p.name} {fmt.percent(p.area_share)}" for p in edition.predicates if p.area_share])


def area_charts(scores: list[UnitScore], edition: Edition) -> list[dict]:
    """One chart per area (and per CHART_ROWS units): each unit's share of the area's weight against the minimums.

    Each is {"title": "1. Manajemen Perubahan", "picture", "uri", "first", "last"}, as totals_charts gives.
    """
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
            picture = BarChart.of(
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
            charts.append({"title": f"{index + 1}. {name}", "picture": picture, "uri": picture.src, "first": start + 1,
                           "last": start + len(part)})
    return charts


# --- the kinds it builds ----------------------------------------------------------------


def render_pdf(job: Job) -> Made:
    ctx = context(job.award_year, list(job.scores), job.settings)
    return Made(pdf(job.env, ctx, allowed_roots=job.allowed_roots, created=job.created, parts_dir=job.parts_dir))


NAME = N_("Recapitulation")
DESCRIPTION = N_("the recap for the leadership")
# The recap PDF of a large year takes longer than a unit's documents: its own task, first.
PDF_KIND = DocumentKind("recap-pdf", "rekapitulasi.pdf", "pdf", (TEMPLATE,), per_unit=False, render=render_pdf,
                        group=N_("recap PDF"), slow=True, name=NAME, description=DESCRIPTION,
                        commands=("build", "report"), archived=True, required=True, label="Rekapitulasi penilaian")
