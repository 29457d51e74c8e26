"""The TPI's evaluation report of one unit (LHE, Laporan Hasil Evaluasi): PDF and DOCX from one HTML.

Per area: the unit's own score (self-assessment), the TPI's score, the TPI's notes
on the answers of that area, and recommendations: the answers to raise on the way
to the proposed predicate, the area's shortfalls and cautions, evidence to add.
The six Pengungkit areas count Pemenuhan and Reform together, as the minimum per
area does; each Hasil part is an area of its own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2

from dossier.config import Settings
from dossier.decision import PREDICATE_NAMES
from dossier.documents.claims import DATE_BLANK, answer_text, caution, decision, shortfall_row, way
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, FromHtml, Job, html_docx, html_pdf
from dossier.i18n import N_
from dossier.model import AwardYear
from dossier.render.format import ROUNDING_NOTE, long_date, rounded
from dossier.render.templates import render
from dossier.scoring import UnitScore

TEMPLATE = "lhe.html"
TITLE = "Laporan Hasil Evaluasi Tim Penilai Internal"


def _component(score: UnitScore) -> str:
    """The component whose areas are checked for their share (Pengungkit)."""
    return score.edition.predicates[0].area_share_component if score.edition.predicates else "Pengungkit"


def area_of(score: UnitScore, group: tuple[str, ...]) -> tuple[str, str]:
    """The area an indicator group reports under: (component, area)."""
    return (group[0], group[2]) if group[0] == _component(score) else (group[0], group[1])


def areas(score: UnitScore) -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """Each area and the score-tree nodes it sums (the halves of a Pengungkit area; a Hasil part itself)."""
    found: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for q in score.questions.values():
        group = q.indicator.group
        node = group[:3] if group[0] == _component(score) else group[:2]
        nodes = found.setdefault(area_of(score, group), [])
        if node not in nodes:
            nodes.append(node)
    return found


def context(year: AwardYear, score: UnitScore, settings: Settings) -> dict:
    """Everything the LHE shows for one unit."""
    unit, edition = score.unit, score.edition
    own = score.self_assessment
    found = way(score)
    steps_by_area: dict[tuple[str, str], list[dict]] = {}
    for step in (found or {}).get("steps", []):
        key = area_of(score, score.questions[step["code"]].indicator.group)
        steps_by_area.setdefault(key, []).append(step)
    shortfalls = {s.rule: s for s in score.proposed_shortfalls}
    blocked_reasons = {b["rule"]: b["reason"] for b in (found or {}).get("blocked", []) if b.get("rule")}
    cautions = [caution(c) for c in score.proposed_cautions]
    rows, sections = [], []
    grouped = areas(score)
    decided = decision(score)
    for number_, (key, nodes) in enumerate(grouped.items(), start=1):
        component, name = key
        weight = sum(edition.weights[n] for n in nodes)
        tpi_true = sum(score.nodes[n] for n in nodes)
        own_true = sum(own.nodes[n] for n in nodes)
        questions = [q for q in score.questions.values() if area_of(score, q.indicator.group) == key]
        notes = [
            {"code": q.indicator.code, "question": q.indicator.question, "changed": q.changed,
             "unit": answer_text(q.indicator, q.review.own()), "tpi": answer_text(q.indicator, q.answer),
             "note": q.tpi_note}
            for q in questions if q.review is not None
        ]
        advice = []
        rule = f"area_share:{component}/{name}"
        below = [s for r, s in shortfalls.items() if r == rule or _within(edition, r, nodes)]
        for missed in below:
            row = shortfall_row(missed, score)
            what = "Nilai area" if missed.rule == rule else row["label"]
            advice.append(f"{what} {row['reached']} masih di bawah minimal {row['required']} ({row['gap']}).")
            reason = blocked_reasons.get(missed.rule)
            if reason:
                advice.append(f"{row['label']}: {reason}.")
        for c in cautions:
            if c["area"] == name:
                advice.append(f"Bagian {c['part']} bernilai {c['reached']}, di bawah batas bagiannya {c['required']}; "
                              f"areanya tetap memenuhi, tetapi bagian ini perlu diperkuat.")
        for step in steps_by_area.get(key, []):
            advice.append(f"Tingkatkan {step['code']} ({step['question']}) dari {step['from']} menjadi {step['to']} "
                          f"dengan bukti dukung yang sesuai (+{step['adds']}).")
        missing = [q.indicator.code for q in questions if q.missing]
        if missing:
            advice.append(f"Lengkapi jawaban yang belum diisi: {', '.join(missing)}.")
        bare = [q.indicator.code for q in questions if not q.missing and not (q.answer and q.answer.evidence)]
        if bare:
            advice.append(f"Lengkapi bukti dukung untuk: {', '.join(bare)}.")
        changed = sum(q.changed for q in questions if q.review is not None)  # the notes marked changed
        if changed:
            advice.append(f"Tindak lanjuti {changed} koreksi TPI pada area ini sebelum penilaian berikutnya.")
        if not advice and not below:
            advice.append("Pertahankan capaian area ini dan perbarui bukti dukungnya setiap tahun.")
        halves = {n[1]: (rounded(own.nodes[n]), rounded(score.nodes[n]), edition.weights[n]) for n in nodes if len(n) == 3}
        row = {"number": number_, "component": component, "name": name, "weight": weight, "halves": halves,
               "own": rounded(own_true), "tpi": rounded(tpi_true), "difference": rounded(tpi_true - own_true),
               "met": not below}
        rows.append(row)
        sections.append({**row, "id": f"area-{number_}", "notes": notes, "advice": advice})
    award = year.award
    return {
        "title": f"{TITLE} – {unit.name}",
        "document_title": TITLE,
        "ministry": award.ministry,
        "year": year.year,
        "edition_title": edition.title or edition.name,
        "unit": {"code": unit.code, "name": unit.name, "head": unit.head, "proposed": unit.proposed,
                 "target": PREDICATE_NAMES.get(unit.proposed, unit.proposed), "kind": unit.kind,
                 "current": unit.current},
        "decision": {"proposed": decided.proposed, "predicate": decided.predicate, "sentence": decided.sentence(),
                     "lowered": decided.lowered},
        "rows": rows,
        "total": {"weight": edition.weights[("",)], "own": rounded(own.total), "tpi": rounded(score.total),
                  "difference": rounded(score.total - own.total)},
        "rounding_note": ROUNDING_NOTE,
        "eligible": score.eligible,
        "own_eligible": own.eligible,
        "proposed_met": unit.proposed in score.eligible,
        "shortfalls": [shortfall_row(s, score) for s in score.proposed_shortfalls],
        "blocked": (found or {}).get("blocked", []),
        "changed": len(score.changed),
        "sections": sections,
        "letter": {
            "number": settings.lhe_number or DATE_BLANK,
            "to": settings.lhe_to or f"Kepala {unit.name}",
            "place": unit.city,
            "letterhead": [award.ministry.upper(), "TIM PENILAI INTERNAL ZONA INTEGRITAS"],
            "copies": list(settings.lhe_copies),
        },
        "assignment": {"number": settings.assignment_number, "date": settings.assignment_date,
                       "period": settings.assignment_period},
        "team": team(settings),
        "pengungkit": {"own": rounded(own["pengungkit"]), "tpi": rounded(score["pengungkit"]),
                       "weight": edition.weights[edition.nodes["pengungkit"]]},
        "statement": {"tpi_lead": settings.tpi_lead, "tpi_position": settings.tpi_position, "tpi_nip": settings.tpi_nip,
                      "city": settings.signing_city or award.release_city, "date": evaluation_date(award)},
    }


def team(settings: Settings) -> list[dict]:
    """The TPI's team as the LHE lists it: role, name and NIP (dotted where the settings leave them empty)."""
    blank = "...................................."
    members = [{"role": "Pengendali Teknis", "name": settings.supervisor or blank, "nip": settings.supervisor_nip or blank},
               {"role": "Ketua Tim", "name": settings.tpi_lead or blank, "nip": settings.tpi_nip or blank}]
    members += [{"role": "Anggota Tim", "name": name or blank, "nip": nip or blank} for name, nip in settings.team_members]
    return members


def evaluation_date(award) -> str:
    """The LHE's date: the TPI's evaluation (Tanggal Evaluasi), else the proposal's, else a dotted line; never the ceremony."""
    day = award.evaluation_date or award.proposal_date
    return long_date(day) if day else DATE_BLANK


def _within(edition, rule: str, nodes: list[tuple[str, ...]]) -> bool:
    """True when a minimum on a named node (ipak, pelayanan_prima...) lies inside this area's nodes."""
    node = edition.nodes.get(rule)
    return node is not None and any(node[: len(n)] == n for n in nodes)


def html(env: jinja2.Environment, ctx: dict) -> str:
    """The LHE as HTML (the one source of both the PDF and the DOCX)."""
    return render(env, TEMPLATE, ctx)


def pdf(env: jinja2.Environment, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None) -> bytes:
    """The LHE as PDF bytes."""
    return html_pdf(html(env, ctx), ctx, allowed_roots=allowed_roots, created=created)


def docx(env: jinja2.Environment, ctx: dict, *, created: datetime | None = None, reference: Path | None = None) -> bytes:
    """The LHE as DOCX bytes, from the same HTML."""
    return html_docx(html(env, ctx), ctx, created=created, reference=reference)


# --- the kinds the build makes -------------------------------------------------------------------


def _context(job: Job) -> dict:
    return context(job.award_year, job.score, job.settings)


NAME = N_("Evaluation report (LHE)")
DESCRIPTION = N_("each unit's evaluation report by the TPI (LHE)")
PDF_KIND = DocumentKind("lhe-pdf", "lhe/{unit}.pdf", "pdf", (TEMPLATE,), per_unit=True,
                        render=FromHtml("lhe", _context, html, "pdf"), name=NAME, description=DESCRIPTION,
                        archived=True, required=True, label="Laporan hasil evaluasi (LHE)")
DOCX_KIND = DocumentKind("lhe-docx", "lhe/{unit}.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=True,
                         render=FromHtml("lhe", _context, html, "docx"), name=NAME, description=DESCRIPTION)
