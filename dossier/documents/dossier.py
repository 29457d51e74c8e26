"""The nomination dossier of one unit: its context, then the same HTML as PDF and DOCX.

`context()` precomputes everything the template shows (scores, minimums,
gaps, eligibility wording, the chart), so a template only lays out and formats.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from dossier.config import Settings
from dossier.decision import HOLDS, PREDICATE_NAMES
from dossier.documents import lke_table
from dossier.documents.claims import (
    DRAFT,
    caution,
    decision,
    proposal,
    review,
    shortfall_row,
    signing_date,
    status,
    way,
)
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, Job, Made
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.render import charts
from dossier.render.format import ROUNDING_NOTE, rounded, title_case
from dossier.render.templates import default_templates_dir, logo_uri, render, without_trailing_space
from dossier.scoring import UnitScore

TEMPLATE = "dossier.html"
SOURCE_NAME = "sumber-data.json"
TITLE = "Dokumen Usulan Zona Integritas"
DRAFT_TITLE = "Dokumen Evaluasi Zona Integritas"  # a unit not (yet) eligible is evaluated, not proposed
DRAFT_MARK = "DRAF — belum memenuhi syarat"
HELD_MARK = "DRAF — tidak diusulkan"  # a unit that already holds the predicate it meets
# The summary table's Hasil rows, in LKE order: (node key, indent level).
HASIL_ROWS = (("birokrasi_bersih", 0), ("ipak", 1), ("capaian_kinerja", 1), ("pelayanan_prima", 0))



def context(year: AwardYear, score: UnitScore, settings: Settings) -> dict:
    """Everything the dossier template shows for one unit, computed and worded here."""
    unit, award, edition = score.unit, year.award, score.edition
    predicates = list(edition.predicates)
    # The chart shows the rule as applied: the six areas (Pemenuhan and Reform together), or the twelve halves.
    level = predicates[0].area_share_level if predicates else "area-part"
    charted = score.area_parts(level, predicates[0].area_share_component if predicates else "Pengungkit")
    state, predicate = status(score), proposal(score)
    decided = decision(score)
    title = DRAFT_TITLE if state == DRAFT else TITLE
    return {
        "title": f"{title} – {unit.name}",
        "document_title": title,
        "status": state,
        "draft_mark": (HELD_MARK if decided.reason == HOLDS else DRAFT_MARK) if state == DRAFT else "",
        "proposal": predicate or "",
        "proposal_name": PREDICATE_NAMES.get(predicate or "", predicate or ""),
        "decision": {"sentence": decided.sentence(), "why_not": decided.why_not(), "keeps": decided.keeps,
                     "reason": decided.reason},
        "ministry": award.ministry,
        "ministry_short": award.ministry_short,
        "year": year.year,
        "edition_title": edition.title,
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "city": unit.city,
            "province": unit.province,
            "head": unit.head,
            "proposed": unit.proposed,
            "current": unit.current,
        },
        "target": f"Menuju {PREDICATE_NAMES.get(predicate or unit.proposed, predicate or unit.proposed)}",
        "target_name": PREDICATE_NAMES.get(unit.proposed, unit.proposed),
        "logo": logo_uri(settings.logo),
        "profile": _profile(unit, decided),
        "innovations": [
            {"name": i.name, "year": i.year, "description": i.description} for i in unit.innovations
        ],
        "predicates": [p.name for p in predicates],
        "area_shares": [{"predicate": p.name, "share": p.area_share, "level": p.area_share_level} for p in predicates],
        "summary": _summary(score),
        "rounding_note": ROUNDING_NOTE,
        "eligibility": _eligibility(score),
        "shortfalls": [shortfall_row(s, score) for s in score.proposed_shortfalls],
        "cautions": [caution(c) for c in score.proposed_cautions],
        "review": review(score),
        "way": way(score),
        "missing": score.missing,
        "chart": charts.data_uri(
            charts.area_share_chart(
                [(_chart_label(p), p.share) for p in charted],
                tuple(p.area_share for p in predicates),
            )
        ),
        "lke": lke_table.lke(score),
        "evidence": lke_table.evidence_index(score),
        "surveys": lke_table.surveys(score),
        "statement": {
            "head": unit.head,
            "head_nip": unit.head_nip,
            "unit": unit.name,
            "tpi_lead": settings.tpi_lead,
            "tpi_position": settings.tpi_position,
            "tpi_nip": settings.tpi_nip,
            "city": settings.signing_city or award.release_city,
            "date": signing_date(award),
            "shortfall_count": len(score.proposed_shortfalls),
        },
    }


def html(env: jinja2.Environment, ctx: dict) -> str:
    """The dossier as HTML (the one source of both the PDF and the DOCX)."""
    return without_trailing_space(render(env, TEMPLATE, ctx))


def pdf(
    env: jinja2.Environment,
    ctx: dict,
    *,
    allowed_roots: list[Path],
    created: datetime | None = None,
    markup: str | None = None,
    source: bytes | None = None,
) -> bytes:
    """The dossier as PDF/A-3b bytes, carrying `source` (see source_data) as an embedded file.

    Pass `markup` when the HTML was already rendered for the DOCX, so it is rendered once.
    """
    from dossier.render.pdf import html_to_pdf  # WeasyPrint takes a second to load: only in a task that renders

    return html_to_pdf(
        markup or html(env, ctx),
        base_url=default_templates_dir(),
        allowed_roots=allowed_roots,
        title=ctx["title"],
        author=ctx["ministry"],
        created=created,
        attachments=((SOURCE_NAME, source, "Data sumber: baris register, jawaban LKE dan nilai unit"),) if source else (),
    )


def docx(
    env: jinja2.Environment,
    ctx: dict,
    *,
    created: datetime | None = None,
    markup: str | None = None,
    reference: Path | None = None,
    pdf: bytes | None = None,
) -> bytes:
    """The dossier as DOCX bytes, mapped from the same HTML onto the reference document's styles.

    `pdf` (the dossier's PDF, when already made) gives the table of contents its page
    numbers and the file its thumbnail; without it the HTML is laid out here for them.
    """
    # python-docx, lxml and WeasyPrint take long to load: only in a task that renders a DOCX
    from dossier.render.docx import html_to_docx
    from dossier.render.pdf import html_to_pdf

    markup = markup or html(env, ctx)
    if pdf is None:
        pdf = html_to_pdf(markup, base_url=default_templates_dir(), allowed_roots=_static_roots(env),
                          title=ctx["title"], author=ctx["ministry"], created=created)
    return html_to_docx(markup, title=ctx["title"], author=ctx["ministry"], created=created, reference=reference, pdf=pdf)


def _static_roots(env: jinja2.Environment) -> list[Path]:
    """The static folders the environment's templates may read (fonts): all a layout for page numbers needs."""
    search_path = env.globals.get("search_path", ())
    assert isinstance(search_path, tuple), "environment() sets a tuple"
    return [Path(place) / "static" for place in search_path]


def source_data(score: UnitScore, year: int | None = None) -> bytes:
    """The unit's register row, LKE answers and scores as JSON: the dossier explains itself without the workbooks.

    `year` (the award year) lets `archive verify` check that a dossier is filed under its own year. The
    unit is as nominated (Unit.as_nominated): the results entered after the ceremony are no part of it.
    """
    unit = score.unit.as_nominated()
    score = dataclasses.replace(score, unit=unit, own=score.own and dataclasses.replace(score.own, unit=unit))
    left_out = ("innovations", "where", "lke_file", "lke_tpi_file")
    register = {f.name: getattr(unit, f.name) for f in dataclasses.fields(unit) if f.name not in left_out}
    register["innovations"] = [dataclasses.asdict(i) for i in unit.innovations]
    answers: dict[str, dict[str, Any] | None] = {}
    for code, q in score.questions.items():
        a = q.review or q.answer  # the unit's answer as read, with the TPI's beside it
        if a is None or (a.missing and not a.reviewed and not a.tpi_note):
            answers[code] = None
            continue
        # An unanswered question the TPI only noted keeps its entry, for the note (it used to fail here).
        entry: dict[str, Any] = {
            "choice": a.choice,
            "counts": {str(k): v for k, v in sorted((a.counts or {}).items())} or None,
            "index": a.index,
            "note": a.note,
            "evidence": [e.entry for e in a.evidence],
            "fraction": q.fraction,
        }
        answers[code] = entry
        if a.reviewed or a.tpi_note:
            entry["tpi"] = {
                "choice": a.tpi_choice,
                "counts": {str(k): v for k, v in sorted((a.tpi_counts or {}).items())} or None,
                "index": a.tpi_index,
                "note": a.tpi_note,
            }
    data: dict[str, Any] = {
        "format": "dossier-source/1",
        "edition": score.edition.name,
        "unit": register,
        "answers": answers,
        "scores": score.to_json(),
        "decision": decision(score).to_json(),  # what the year decided for the unit (dossier.decision)
    }
    if year is not None:
        data["year"] = year
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _profile(unit, decided) -> list[dict]:
    place = ", ".join(p for p in (unit.city, unit.province) if p)
    current = unit.current or "Belum ada"
    target = PREDICATE_NAMES.get(unit.proposed, unit.proposed or "-")
    if not decided.proposed:
        proposed = {"label": "Predikat yang dituju", "value": f"{target} – tidak diusulkan tahun ini: {decided.why_not()}"}
    elif decided.lowered:
        proposed = {"label": "Predikat yang diusulkan",
                    "value": f"{decided.predicate_name} (semula menuju {unit.proposed}; belum memenuhi syarat {unit.proposed})"}
    else:
        proposed = {"label": "Predikat yang diusulkan", "value": target}
    return [
        {"label": "Nama unit kerja", "value": unit.name},
        {"label": "Kode unit", "value": unit.code},
        {"label": "Jenis unit", "value": unit.kind or "-"},
        {"label": "Kedudukan", "value": place or "-"},
        {"label": "Kepala unit kerja", "value": unit.head or "-"},
        proposed,
        {"label": "Predikat saat ini", "value": current},
    ]


def _row(score: UnitScore, label: str, path: tuple[str, ...], weight: float, level: int, minimums: dict[str, float | None],
         kind: str = "item") -> dict:
    """A summary row: the score against each predicate's minimum (None where no minimum applies).

    `printed` and `own` are the counting score and the self-assessment as printed, each rounded once.
    """
    value = score.nodes[path]
    checks = {
        name: {"minimum": minimum, "met": None if minimum is None else value >= minimum - 1e-9}
        for name, minimum in minimums.items()
    }
    return {
        "label": label,
        "weight": weight,
        "score": value,
        "printed": rounded(value),
        "own": rounded(score.self_assessment.nodes[path]),
        "share": value / weight if weight else None,
        "level": level,
        "kind": kind,
        "checks": checks,
    }


def _chart_label(part) -> str:
    """'Pemenuhan – Manajemen Perubahan' for a half, 'Manajemen Perubahan' for a whole area."""
    return f"{part.path[1]} – {title_case(part.path[2])}" if len(part.path) == 3 else title_case(part.path[1])


def _area_row(area, own, minimums: dict[str, float | None]) -> dict:
    """A row for one of the six areas, Pemenuhan and Reform together, against each predicate's area minimum."""
    return {
        "label": f"Area {area.path[1]} (Pemenuhan + Reform)",
        "weight": area.weight,
        "score": area.score,
        "printed": rounded(area.score),
        "own": rounded(own.score),
        "share": area.share,
        "level": 1,
        "kind": "item",
        "checks": {name: {"minimum": m, "met": None if m is None else area.score >= m - 1e-9}
                   for name, m in minimums.items()},
    }


def _summary(score: UnitScore) -> list[dict]:
    """The rows of the score summary: Pemenuhan and Reform per area, Pengungkit, Hasil, total."""
    edition = score.edition
    predicates = edition.predicates
    rows = []
    parts = score.area_parts()
    for part_key in ("pemenuhan", "reform"):
        node = edition.nodes[part_key]
        rows.append(_row(score, edition.label(part_key), node, edition.weights[node], 0,
                         {p.name: p.minimums.get(part_key) for p in predicates}, "group"))
        for part in parts:
            if part.path[:2] != node:
                continue
            minimums = {
                p.name: p.area_share * part.weight if p.area_share_level == "area-part" else None for p in predicates
            }
            rows.append(_row(score, part.path[2], part.path, part.weight, 1, minimums))
    rows.append(_row(score, edition.label("pengungkit"), edition.nodes["pengungkit"], edition.weights[edition.nodes["pengungkit"]],
                     0, {p.name: p.minimums.get("pengungkit") for p in predicates}, "subtotal"))
    by_area = [p for p in predicates if p.area_share and p.area_share_level == "area"]
    if by_area:
        # The minimum per area is checked on the six areas, Pemenuhan and Reform together: shown as checked.
        own = {a.path: a for a in score.self_assessment.area_parts("area", by_area[0].area_share_component)}
        for area in score.area_parts("area", by_area[0].area_share_component):
            minimums = {p.name: p.area_share * area.weight if p in by_area else None for p in predicates}
            rows.append(_area_row(area, own[area.path], minimums))
    for key, level in HASIL_ROWS:
        if key not in edition.nodes:
            continue
        rows.append(_row(score, edition.label(key), edition.nodes[key], edition.weights[edition.nodes[key]], level,
                         {p.name: p.minimums.get(key) for p in predicates}, "group" if level == 0 else "item"))
    rows.append(_row(score, edition.label("hasil"), edition.nodes["hasil"], edition.weights[edition.nodes["hasil"]], 0,
                     {p.name: p.minimums.get("hasil") for p in predicates}, "subtotal"))
    rows.append(_row(score, edition.label("total"), ("",), edition.weights[("",)], 0,
                     {p.name: p.minimums.get("total") for p in predicates}, "total"))
    return rows


def _eligibility(score: UnitScore) -> list[dict]:
    """One plain sentence per predicate: eligible, or not yet and how many requirements are missed."""
    statements = []
    names = score.edition.predicate_names
    reach = names.index(score.unit.proposed) + 1 if score.unit.proposed in names else len(names)
    # Only the predicates up to the one aimed at: a unit aiming at WBK is not told it misses WBBM.
    for predicate in score.edition.predicates[:reach]:
        missed = score.shortfalls.get(predicate.name, [])
        if not missed:
            text = f"Memenuhi syarat {predicate.name}"
        else:
            text = f"Belum memenuhi syarat {predicate.name}: {len(missed)} syarat belum terpenuhi"
        statements.append({
            "predicate": predicate.name,
            "ok": not missed,
            "proposed": predicate.name == score.unit.proposed,
            "text": text,
        })
    return statements


# --- the kinds it builds ----------------------------------------------------------------


def _prepared(job: Job) -> tuple[dict, str]:
    """The context and the HTML, made once for the PDF and the DOCX of a unit."""
    def make():
        ctx = context(job.award_year, job.score, job.settings)
        return ctx, html(job.env, ctx)

    return job.shared("dossier", make)


def render_pdf(job: Job) -> Made:
    ctx, markup = _prepared(job)
    return Made(pdf(job.env, ctx, allowed_roots=job.allowed_roots, created=job.created, markup=markup,
                    source=source_data(job.score, job.award_year.year)))


def render_docx(job: Job) -> Made:
    ctx, markup = _prepared(job)
    # The PDF's pages give the contents' page numbers and the thumbnail: the task's own PDF when it made
    # one, else rendered here, so the DOCX is the same file whichever formats a build asks for.
    made = job.made.get(PDF_KIND.kind) or render_pdf(job)
    return Made(docx(job.env, ctx, created=job.created, markup=markup, reference=job.reference, pdf=made.data))


NAME = N_("Dossier")
DESCRIPTION = N_("each unit's nomination dossier")
PDF_KIND = DocumentKind("dossier-pdf", "dossier/{unit}.pdf", "pdf", (TEMPLATE,), per_unit=True, render=render_pdf,
                        name=NAME, description=DESCRIPTION, archived=True, required=True, label="Dokumen usulan unit",
                        draft_label="Draf evaluasi", source_data=True)
DOCX_KIND = DocumentKind("dossier-docx", "dossier/{unit}.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=True,
                         render=render_docx, name=NAME, description=DESCRIPTION)
