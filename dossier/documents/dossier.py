"""The nomination dossier of one unit: its context, then the same HTML as PDF and DOCX.

`context()` precomputes everything the template shows (scores, minimums,
gaps, eligibility wording, the chart), so a template only lays out and formats.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from datetime import datetime
from pathlib import Path

import jinja2

from dossier.config import Settings
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, Job, Made
from dossier.model import AwardYear, Evidence
from dossier.render import charts
from dossier.render.format import distinct, long_date, rounded, rounded_tree, title_case
from dossier.render.templates import default_templates_dir, render
from dossier.scoring import QuestionScore, Shortfall, UnitScore

TEMPLATE = "dossier.html"
SOURCE_NAME = "sumber-data.json"
TITLE = "Dokumen Usulan Zona Integritas"
DRAFT_TITLE = "Dokumen Evaluasi Zona Integritas"  # a unit not (yet) eligible is evaluated, not proposed
DRAFT_MARK = "DRAF — belum memenuhi syarat"
DATE_BLANK = "...................................."  # a date to write by hand when Tanggal Usulan is empty
# What the dossier does with the unit: propose it for its target, for a lower predicate it meets, or not at all.
PROPOSED, LOWERED, DRAFT = "proposed", "lowered", "draft"
PREDICATE_NAMES = {
    "WBK": "Wilayah Bebas dari Korupsi (WBK)",
    "WBBM": "Wilayah Birokrasi Bersih dan Melayani (WBBM)",
}
# The summary table's Hasil rows, in LKE order: (node key, indent level).
HASIL_ROWS = (("birokrasi_bersih", 0), ("ipak", 1), ("capaian_kinerja", 1), ("pelayanan_prima", 0))
SURVEYS = (("HBA", "ipak", "Indeks Persepsi Anti Korupsi (IPAK)"), ("HPA", "ipkp", "Indeks Persepsi Kualitas Pelayanan (IPKP)"))


def proposal(score: UnitScore) -> str | None:
    """The predicate the unit is proposed for: its target when eligible, else the highest lower one it meets, else None.

    Under PermenPAN-RB 90/2021 only a unit meeting a predicate's minimums is proposed for it:
    a unit aiming at WBBM that meets only WBK is proposed for WBK.
    """
    names = score.edition.predicate_names
    target = score.unit.proposed
    if target in score.eligible:
        return target
    lower = [n for n in names[: names.index(target)] if n in score.eligible] if target in names else []
    return lower[-1] if lower else None


def status(score: UnitScore) -> str:
    """PROPOSED (eligible for its target), LOWERED (proposed for a lower predicate) or DRAFT (not proposed)."""
    predicate = proposal(score)
    return DRAFT if predicate is None else PROPOSED if predicate == score.unit.proposed else LOWERED


def signing_date(award) -> str:
    """The proposal's date as printed ('20 November 2024'), or a dotted line to fill in by hand."""
    return long_date(award.proposal_date) if award.proposal_date else DATE_BLANK


def context(year: AwardYear, score: UnitScore, settings: Settings) -> dict:
    """Everything the dossier template shows for one unit, computed and worded here."""
    unit, award, edition = score.unit, year.award, score.edition
    predicates = list(edition.predicates)
    parts = score.area_parts()
    state, predicate = status(score), proposal(score)
    title = DRAFT_TITLE if state == DRAFT else TITLE
    return {
        "title": f"{title} – {unit.name}",
        "document_title": title,
        "status": state,
        "draft_mark": DRAFT_MARK if state == DRAFT else "",
        "proposal": predicate or "",
        "proposal_name": PREDICATE_NAMES.get(predicate, predicate or ""),
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
        "profile": _profile(unit, state, predicate),
        "innovations": [
            {"name": i.name, "year": i.year, "description": i.description} for i in unit.innovations
        ],
        "predicates": [p.name for p in predicates],
        "area_shares": [{"predicate": p.name, "share": p.area_share, "level": p.area_share_level} for p in predicates],
        "summary": _summary(score),
        "eligibility": _eligibility(score),
        "shortfalls": [shortfall_row(s, score) for s in score.proposed_shortfalls],
        "cautions": [caution(c) for c in score.proposed_cautions],
        "review": review(score),
        "way": way(score),
        "missing": score.missing,
        "chart": charts.data_uri(
            charts.area_share_chart(
                [(f"{p.path[1]} – {title_case(p.path[2])}", p.share) for p in parts],
                tuple(p.area_share for p in predicates),
            )
        ),
        "lke": _lke(score),
        "evidence": _evidence_index(score),
        "surveys": _surveys(score),
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


_TRAILING_SPACE = re.compile(r"[ \t\r\n]+(</(?:p|td|th|li|h[1-6])>)")


def without_trailing_space(markup: str) -> str:
    """Drop white space before the end of a paragraph or cell, where it shows nothing.

    WeasyPrint breaks a line that ends in such space after its first word when the text
    just overflows one line ('Laporan' alone, then 'kinerja telah ...'); a template's
    line breaks and {% if %} blocks leave it there.
    """
    return _TRAILING_SPACE.sub(r"\1", markup)


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
    from dossier.render.pdf import html_to_pdf

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
    from dossier.render.docx import html_to_docx
    from dossier.render.pdf import html_to_pdf

    markup = markup or html(env, ctx)
    if pdf is None:
        pdf = html_to_pdf(markup, base_url=default_templates_dir(), allowed_roots=_static_roots(env),
                          title=ctx["title"], author=ctx["ministry"], created=created)
    return html_to_docx(markup, title=ctx["title"], author=ctx["ministry"], created=created, reference=reference, pdf=pdf)


def _static_roots(env: jinja2.Environment) -> list[Path]:
    """The static folders the environment's templates may read (fonts): all a layout for page numbers needs."""
    return [Path(place) / "static" for place in env.globals.get("search_path", ())]


def source_data(score: UnitScore, year: int | None = None) -> bytes:
    """The unit's register row, LKE answers and scores as JSON: the dossier explains itself without the workbooks.

    `year` (the award year) lets `archive verify` check that a dossier is filed under its own year.
    """
    unit = score.unit
    left_out = ("innovations", "where", "lke_file", "lke_tpi_file")
    register = {f.name: getattr(unit, f.name) for f in dataclasses.fields(unit) if f.name not in left_out}
    register["innovations"] = [dataclasses.asdict(i) for i in unit.innovations]
    answers = {}
    for code, q in score.questions.items():
        a = q.review or q.answer  # the unit's answer as read, with the TPI's beside it
        answers[code] = None if a is None or (a.missing and not a.reviewed) else {
            "choice": a.choice,
            "counts": {str(k): v for k, v in sorted((a.counts or {}).items())} or None,
            "index": a.index,
            "note": a.note,
            "evidence": [e.entry for e in a.evidence],
            "fraction": q.fraction,
        }
        if a is not None and (a.reviewed or a.tpi_note):
            answers[code]["tpi"] = {
                "choice": a.tpi_choice,
                "counts": {str(k): v for k, v in sorted((a.tpi_counts or {}).items())} or None,
                "index": a.tpi_index,
                "note": a.tpi_note,
            }
    data = {
        "format": "dossier-source/1",
        "edition": score.edition.name,
        "unit": register,
        "answers": answers,
        "scores": score.to_json(),
    }
    if year is not None:
        data["year"] = year
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def logo_uri(path: Path | None) -> str | None:
    """The logo as a data: URI for a template (None without a logo)."""
    if path is None:
        return None
    kind = "jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    return f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _profile(unit, state: str, predicate: str | None) -> list[dict]:
    place = ", ".join(p for p in (unit.city, unit.province) if p)
    current = unit.current or "Belum ada"
    target = PREDICATE_NAMES.get(unit.proposed, unit.proposed or "-")
    if state == DRAFT:
        proposed = {"label": "Predikat yang dituju", "value": f"{target} – belum memenuhi syarat, belum diusulkan"}
    elif state == LOWERED:
        proposed = {"label": "Predikat yang diusulkan",
                    "value": f"{PREDICATE_NAMES.get(predicate, predicate)} (semula menuju {unit.proposed})"}
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

    `printed` and `own` are the counting score and the self-assessment as printed, rounded
    top down so that each printed sum is the sum of its printed parts.
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
        "printed": _printed(score)[path],
        "own": _printed(score.self_assessment)[path],
        "share": value / weight if weight else None,
        "level": level,
        "kind": kind,
        "checks": checks,
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


def _printed(score: UnitScore) -> dict:
    """The score tree as printed: rounded top down, each printed sum the sum of its printed parts."""
    return rounded_tree(score.nodes)


def caution(c: Shortfall) -> dict:
    """A half below its share in an area that meets the minimum: eligible, but worth attention."""
    reached, required, gap = distinct(c.reached, c.required)
    part, area = c.rule.removeprefix("area_part_share:").split("/")[1:]
    return {"label": f"{area} – {part}", "area": area, "part": part, "reached": reached, "required": required,
            "gap": gap, "predicate": c.predicate}


def answer_text(indicator, answer) -> str:
    """An answer in one line: 'B – uraian', 'indeks 3,72', '(1) 10; (2) 8', or 'belum dijawab'."""
    from dossier.render.format import number

    if answer is None or answer.missing:
        return "belum dijawab"
    if indicator.kind == "index":
        return f"indeks {number(answer.index)}"
    if indicator.kind == "count":
        return "; ".join(f"({k}) {v}" for k, v in sorted((answer.counts or {}).items()))
    option = indicator.option(answer.choice or "")
    return f"{answer.choice}{_after_key(answer.choice, option.text)}" if option and option.text else str(answer.choice)


def review(score: UnitScore) -> dict:
    """The TPI's review: both totals and eligibility, the answers it changed, with its notes, and its other notes."""
    own = score.self_assessment
    changed, noted = [], []
    for code, q in score.questions.items():
        if q.review is None:
            continue
        entry = {
            "code": code,
            "question": q.indicator.question,
            "unit": answer_text(q.indicator, q.review.own()),
            "tpi": answer_text(q.indicator, q.answer),
            "note": q.tpi_note,
            "where": q.review.where_tpi or q.review.where,
        }
        (changed if q.changed else noted).append(entry)
    return {
        "total": _printed(score)[("",)],
        "own_total": _printed(own)[("",)],
        "eligible": score.eligible,
        "own_eligible": own.eligible,
        "changed": changed,
        "noted": noted,
    }


def way(score: UnitScore) -> dict | None:
    """The fewest answers to raise to reach the proposed predicate (None when the unit is eligible for it)."""
    from dossier.improve import way_to
    from dossier.render.format import number

    proposed = score.unit.proposed
    if proposed in score.eligible or score.edition.predicate(proposed) is None:
        return None
    found = way_to(score, proposed)
    labels = {s.rule: shortfall_row(s, score)["label"] for s in score.shortfalls.get(proposed, [])}
    steps = []
    for step in found.steps:
        q = score.questions[step.code]
        option = q.indicator.option(step.answer)
        steps.append({
            "code": step.code,
            "question": q.indicator.question,
            "from": answer_text(q.indicator, q.answer),
            "to": f"{step.answer}{_after_key(step.answer, option.text)}" if option and option.text else step.answer,
            "adds": number(step.adds),
            "fixes": [labels.get(rule, rule) for rule in step.fixes],
        })
    return {
        "predicate": proposed,
        "steps": steps,
        "blocked": [{"label": labels.get(b.shortfall.rule, b.shortfall.label), "reason": b.reason} for b in found.blocked],
    }


def printed_reached(score: UnitScore, rule: str):
    """What a shortfall reached, as the score tables print it (None for a rule no table prints).

    A six-area minimum reads against the sum of the area's printed halves.
    """
    edition, tree = score.edition, _printed(score)
    if rule in edition.nodes:
        return tree.get(edition.nodes[rule])
    if rule.startswith("area_share:"):
        path = tuple(rule.removeprefix("area_share:").split("/"))
        if path in tree:
            return tree[path]
        halves = [tree[p] for p in edition.weights if len(p) == 3 and (p[0], p[2]) == path]
        return sum(halves) if halves else None
    return None


def shortfall_row(s: Shortfall, score: UnitScore | None = None) -> dict:
    """A shortfall as printed: with `score`, reached reads as the tables print it, so the gap is their difference."""
    if s.rule == "requires_current":
        return {
            "label": f"{s.label} (syarat {s.predicate})",
            "required": f"berpredikat {s.required}",
            "reached": s.reached if s.reached != "-" else "belum berpredikat",
            "gap": f"harus sudah berpredikat {s.required}",
        }
    label = title_case(s.label)
    if s.rule.startswith("area_share:"):
        label = " – ".join(title_case(n) for n in s.rule.removeprefix("area_share:").split("/")[1:])
    printed = printed_reached(score, s.rule) if score is not None else None
    # The printed value stands in unless it prints as the minimum itself (then more places are needed).
    shown = printed if printed is not None and printed < rounded(s.required) else s.reached
    reached, required, gap = distinct(shown, s.required)
    return {"label": label, "required": required, "reached": reached, "gap": f"kurang {gap}"}


def _eligibility(score: UnitScore) -> list[dict]:
    """One plain sentence per predicate: eligible, or not yet and how many requirements are missed."""
    statements = []
    for predicate in score.edition.predicates:
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


def _answer(q: QuestionScore) -> dict:
    """How an answer reads in the LKE table: letter and option text, counts, or the survey index."""
    indicator, answer = q.indicator, q.answer
    result = {"missing": q.missing, "choice": None, "text": "", "counts": [], "index": None}
    if q.missing:
        return result
    if indicator.kind == "index":
        result["index"] = answer.index
    elif indicator.kind == "count":
        result["counts"] = [
            {"label": o.text, "value": (answer.counts or {}).get(int(o.key))} for o in indicator.options
        ]
    else:
        result["choice"] = answer.choice
        result["text"] = _after_key(answer.choice, q.option.text if q.option else "")
    return result


def _after_key(key: str, text: str) -> str:
    """How the option's text follows its bold key: ' – Jika ...', ', jika ...' for 'Ya, jika ...', '' for 'Tidak'.

    Ya/Tidak options often begin with the key itself; printing 'Ya – Ya, jika ...' says it twice.
    """
    text = text.strip()
    if text.casefold() == key.casefold():
        return ""
    if text[: len(key) + 1].casefold() == key.casefold() + ",":
        return ", " + text[len(key) + 1:].lstrip()  # 'Ya,pengaduan' in the LKE's text reads 'Ya, pengaduan'

    return f" – {text}" if text else ""


def _evidence(entries: tuple[Evidence, ...]) -> list[dict]:
    return [
        {
            "name": e.entry,
            "url": e.url,
            "present": e.present,
            "status": "tautan" if e.url else ("ada" if e.present else "tidak ada"),
            "problem": e.problem,
        }
        for e in entries
    ]


def _lke(score: UnitScore) -> list[dict]:
    """The full LKE: part (component – part) > area > sub-area > indicators, in LKE order."""
    edition = score.edition
    by_group: dict[tuple[str, ...], list[QuestionScore]] = {}
    for q in score.questions.values():
        by_group.setdefault(q.indicator.group, []).append(q)
    parts: dict[tuple[str, ...], dict] = {}
    for group, questions in by_group.items():
        part_path, area_path = group[:2], group[:3]
        part = parts.setdefault(part_path, {
            "id": "lke-" + _slug("-".join(part_path)),
            "title": f"{part_path[0]} – {title_case(part_path[1])}",
            "weight": edition.weights[part_path],
            "score": _printed(score)[part_path],
            "areas": {},
        })
        area = part["areas"].setdefault(area_path, {
            "name": title_case(group[2]),
            "weight": edition.weights[area_path],
            "score": _printed(score)[area_path],
            "sub_areas": [],
        })
        area["sub_areas"].append({
            "name": title_case(group[3]) if len(group) > 3 else "",
            "weight": edition.weights[group],
            "score": _printed(score)[group],
            "indicators": [
                {
                    "code": q.indicator.code,
                    "question": q.indicator.question,
                    "kind": q.indicator.kind,
                    "answer": _answer(q),
                    "fraction": q.fraction,
                    "changed": q.changed,
                    "unit_answer": answer_text(q.indicator, q.review.own()) if q.changed else "",
                    "tpi_note": q.tpi_note,
                    "note": q.answer.note if q.answer else "",
                    "evidence": _evidence(q.answer.evidence if q.answer else ()),
                }
                for q in questions
            ],
        })
    return [{**p, "areas": list(p["areas"].values())} for p in parts.values()]


def _evidence_index(score: UnitScore) -> dict:
    """Every evidence entry by indicator, with counts, and the indicators that cite none."""
    rows, without = [], []
    for code, q in score.questions.items():
        entries = _evidence(q.answer.evidence if q.answer else ())
        if not entries:
            without.append(code)
        for i, entry in enumerate(entries):
            rows.append({"code": code, "first": i == 0, "rowspan": len(entries), **entry})
    return {
        "rows": rows,
        "without": without,
        "present": sum(1 for r in rows if r["status"] == "ada"),
        "absent": sum(1 for r in rows if r["status"] == "tidak ada"),
        "links": sum(1 for r in rows if r["status"] == "tautan"),
    }


def _surveys(score: UnitScore) -> list[dict]:
    """The survey results (IPAK, IPKP): index, score, and each predicate's minimum score and index."""
    edition = score.edition
    surveys = []
    for code, key, name in SURVEYS:
        q = score.questions.get(code)
        if q is None or key not in edition.nodes:
            continue
        weight = edition.weights[edition.nodes[key]]
        minimums = []
        for p in edition.predicates:
            # The IPKP minimum is set on its parent node (Pelayanan publik prima) in the rules.
            minimum = p.minimums.get(key, p.minimums.get("pelayanan_prima") if key == "ipkp" else None)
            if minimum is not None:
                minimums.append({
                    "predicate": p.name,
                    "score": minimum,
                    "index": minimum / weight * edition.index_max if weight else None,
                    "met": score[key] >= minimum - 1e-9,
                })
        surveys.append({
            "code": code,
            "name": name,
            "index": None if q.missing else q.answer.index,
            "score": score[key],
            "weight": weight,
            "minimums": minimums,
        })
    return surveys


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


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


PDF_KIND = DocumentKind("dossier-pdf", "dossier/{unit}.pdf", "pdf", (TEMPLATE,), per_unit=True, render=render_pdf)
DOCX_KIND = DocumentKind("dossier-docx", "dossier/{unit}.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=True,
                         render=render_docx)
