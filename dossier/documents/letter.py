"""The ministry's cover letter (surat usulan) to the Minister of PANRB, proposing its eligible units.

Only units that meet a predicate's minimums are proposed, each for the predicate it
meets (see `claims.proposal`); the others are not mentioned. The letter carries the
institution-level prerequisites TPN checks (the BPK audit opinion, the SAKIP rating)
from the register. The facts are computed here; the wording lives in `surat-usulan.html`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2

from dossier.config import Settings
from dossier.decision import PREDICATE_NAMES, decide_year
from dossier.documents.claims import BLANK, prerequisites, proposal, signing_date
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, FromHtml, Job, html_docx, html_pdf
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.render import format as fmt
from dossier.render.templates import logo_uri, render, without_trailing_space
from dossier.scoring import UnitScore

TEMPLATE = "surat-usulan.html"
TITLE = "Surat Usulan Unit Kerja Zona Integritas"


def proposed_units(scores: list[UnitScore], units=None) -> list[dict]:
    """The units the letter proposes (the year's decision), in register order: the predicate proposed, the TPI's score."""
    by_code = {s.unit.code: s for s in scores}
    found = []
    for decided in decide_year(units or [s.unit for s in scores], scores).proposed:
        score = by_code[decided.code]
        unit = score.unit
        found.append({
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "place": ", ".join(p for p in (unit.city, unit.province) if p),
            "predicate": decided.predicate,
            "predicate_name": decided.predicate_name,
            "target": unit.proposed,
            "current": unit.current,
            "lowered": decided.lowered,
            "score": score.total,
        })
    return found


def appendix(scores: list[UnitScore], codes: list[str]) -> dict:
    """The Lampiran: each proposed unit's score per area (Pemenuhan and Reform together), components and total."""
    by_code = {s.unit.code: s for s in scores}
    chosen = [by_code[c] for c in codes]
    if not chosen:
        return {"areas": [], "rows": []}
    predicate = chosen[0].edition.predicates[0] if chosen[0].edition.predicates else None
    component = predicate.area_share_component if predicate else "Pengungkit"
    areas = [part.path[1] for part in chosen[0].area_parts("area", component)]
    rows = []
    for score in chosen:
        parts = score.area_parts("area", component)
        rows.append({"code": score.unit.code, "name": score.unit.name, "predicate": proposal(score),
                     "areas": [fmt.rounded(p.score) for p in parts],
                     "pengungkit": fmt.rounded(score["pengungkit"]), "hasil": fmt.rounded(score["hasil"]),
                     "total": fmt.rounded(score.total)})
    weights = [p.weight for p in chosen[0].area_parts("area", component)]
    return {"areas": [{"name": a, "weight": w} for a, w in zip(areas, weights)], "rows": rows}


def context(year: AwardYear, scores: list[UnitScore], settings: Settings) -> dict:
    """Every fact of the cover letter, for the template."""
    award = year.award
    units = proposed_units(scores, year.units)
    predicates = [p for p in (scores[0].edition.predicate_names if scores else []) if any(u["predicate"] == p for u in units)]
    ministry = award.ministry.strip()
    return {
        "title": f"{TITLE} {year.year}",
        "year": year.year,
        "ministry": ministry,
        "ministry_short": award.ministry_short.strip() or ministry,
        "letterhead": list(settings.letterhead) or [ministry.upper()],
        "logo": logo_uri(settings.logo),
        "number": settings.letter_number or BLANK,
        "city": settings.signing_city or award.release_city.strip(),
        "date": signing_date(award),
        "to": settings.letter_to,
        "subject_predicates": fmt.join_list([PREDICATE_NAMES.get(p, p) for p in predicates]) or "WBK/WBBM",
        "units": units,
        "unit_count": len(units),
        "unit_count_words": fmt.words(len(units)),
        "prerequisites": prerequisites(year),
        "on_behalf": settings.letter_on_behalf,
        "copies": list(settings.letter_copies),
        "appendix": appendix(scores, [u["code"] for u in units]),
        "signatory": settings.letter_signatory,
        "position": settings.letter_position,
        "nip": settings.letter_nip,
    }


def html(env: jinja2.Environment, ctx: dict) -> str:
    """The letter as HTML (the one source of both the PDF and the DOCX)."""
    return without_trailing_space(render(env, TEMPLATE, ctx))


def pdf(env: jinja2.Environment, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None) -> bytes:
    """The letter as PDF bytes."""
    return html_pdf(html(env, ctx), ctx, allowed_roots=allowed_roots, created=created)


def docx(env: jinja2.Environment, ctx: dict, *, created: datetime | None = None, reference: Path | None = None) -> bytes:
    """The letter as DOCX bytes, mapped from the same HTML onto the reference document's styles."""
    return html_docx(html(env, ctx), ctx, created=created, reference=reference)


# --- the kinds it builds ----------------------------------------------------------------


def _context(job: Job) -> dict:
    return context(job.award_year, list(job.scores), job.settings)


NAME = N_("Proposal letter")
DESCRIPTION = N_("the cover letter (surat usulan)")
PDF_KIND = DocumentKind("letter-pdf", "surat-usulan.pdf", "pdf", (TEMPLATE,), per_unit=False,
                        render=FromHtml("letter", _context, html, "pdf"), group=N_("cover letter"),
                        name=NAME, description=DESCRIPTION, commands=("build", "report"), archived=True,
                        label="Surat usulan")
DOCX_KIND = DocumentKind("letter-docx", "surat-usulan.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=False,
                         render=FromHtml("letter", _context, html, "docx"), group=N_("cover letter"),
                         name=NAME, description=DESCRIPTION, commands=("build", "report"))
