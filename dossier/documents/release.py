"""The press-release draft (rilis) after the announcement, or before it, in Indonesian news form.

Every sentence that depends on the facts (how many units, which won what, the
weekday of the ceremony) is composed here so that it reads right for no
winner, one or several; the boilerplate paragraphs (Reformasi Birokrasi, what
ZI, WBK and WBBM mean, the closing) live in `release.html` for staff to edit.
Everything comes from the register; nothing about a real ministry is written here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from dossier.config import Settings
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, Job, Made
from dossier.model import AwardYear, Quote, Unit
from dossier.render import format as fmt
from dossier.scoring import UnitScore

TEMPLATE = "release.html"
NOT_AWARDED = "tidak"
PRE, NONE, AWARDED = "pre", "none", "awarded"
DATE_PLACEHOLDER = "(tanggal rilis)"
SAY = ("ujar", "kata")  # alternated so that several quotes do not all read "ujar"


def status(units: list[Unit]) -> str:
    """'pre' before the announcement (every result empty), 'none' when nobody won, else 'awarded'."""
    if not any(u.result.strip() for u in units):
        return PRE
    return AWARDED if winners(units) else NONE


def winners(units: list[Unit]) -> list[Unit]:
    """The units given a predicate (a result other than empty or 'Tidak')."""
    return [u for u in units if u.result.strip() and u.result.strip().lower() != NOT_AWARDED]


def count_units(count: int) -> str:
    """'enam unit kerja' (a number word, never 'unit-unit')."""
    return f"{fmt.words(count)} unit kerja"


def title_words(count: int) -> str:
    """'Dua Puluh Satu', for headlines."""
    return " ".join(w.capitalize() for w in fmt.words(count).split())


def kinds(units: list[Unit]) -> str:
    """'tiga Unit Pelaksana Teknis (UPT) dan satu Balai Diklat': counts per kind, in register order."""
    counts: dict[str, int] = {}
    for unit in units:
        kind = unit.kind.strip() or "unit kerja lainnya"
        counts[kind] = counts.get(kind, 0) + 1
    return fmt.join_list([f"{fmt.words(n)} {kind}" for kind, n in counts.items()])


def with_predicate(unit: Unit, predicate: str) -> str:
    """'Balai X (WBK)'; the name alone when the predicate is empty."""
    return f"{unit.name} ({predicate})" if predicate.strip() else unit.name


def predicates_in_order(names: list[str], order: list[str]) -> list[str]:
    """The distinct predicates named, in the edition's order (WBK before WBBM), others after."""
    distinct = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    return sorted(distinct, key=lambda n: order.index(n) if n in order else len(order))


def quote_sentence(quote: Quote, index: int) -> str:
    """'“Kutipan,” ujar Nama, Jabatan.' with the quote's own end punctuation respected."""
    text = quote.text.strip().strip('"“”').strip()
    if text.endswith("."):
        text = text[:-1] + ","
    elif not text.endswith((",", "!", "?")):
        text += ","
    speaker = ", ".join(p for p in (quote.name.strip(), quote.position.strip()) if p)
    return _full_stop(f"“{text}” {SAY[index % len(SAY)]} {speaker}") if speaker else f"“{_full_stop(text.rstrip(','))}”"


def context(year: AwardYear, scores: list[UnitScore], settings: Settings) -> dict:
    """Every fact of the release, composed into Indonesian sentences for the template.

    `settings` is part of every document's signature; the release needs nothing from it yet.
    """
    award = year.award
    units = list(year.units) or [s.unit for s in scores]
    order = scores[0].edition.predicate_names if scores else []  # without scores: register order
    state = status(units)
    won = winners(units)
    short = award.ministry_short.strip() or award.ministry.strip()
    body = award.awarding_body.strip() or "Tim Penilai Nasional"  # the register should name it; never guess a ministry
    proposed = fmt.join_list(predicates_in_order([u.proposed for u in units], order))
    when = award.ceremony_date
    facts = {
        "year": year.year, "units": len(units), "short": short, "body": body, "proposed": proposed,
        "when": f"{fmt.weekday(when)} ({fmt.day_month(when)})" if when else "",
    }
    headline, deck, summary = _lead(state, units, won, award.ministry.strip(), facts, order)
    city = award.release_city.strip()
    date_text = fmt.long_date(when) if when and state != PRE else DATE_PLACEHOLDER
    return {
        "status": state,
        "year": year.year,
        "ministry": award.ministry,
        "ministry_short": short,
        "awarding_body": body,
        "headline": headline,
        "deck": deck,
        "dateline": f"{city}, {date_text} — " if city else f"{date_text} — ",
        "summary": summary,
        "proposal": _proposal(units, facts),
        "result": _result(state, units, won, facts, order),
        "ceremony": _ceremony(state, award, facts),
        "quotes": [quote_sentence(q, i) for i, q in enumerate(year.quotes) if q.text.strip()],
        "winners": fmt.join_list([u.name for u in won]),
        "winners_ref": _winners_ref(won),
        "winner_count": len(won),
        "not_awarded_count": len(units) - len(won),
        "unit_count": len(units),
        "unit_count_words": count_units(len(units)),
        "proposed_predicates": proposed,
        "weekday": fmt.weekday(when) if when else "",
        "ceremony_date": fmt.long_date(when) if when else "",
        "unit_list": [
            {"name": u.name, "kind": u.kind, "proposed": u.proposed, "result": u.result, "category": u.category}
            for u in units
        ],
    }


def _lead(state, units, won, ministry, facts, order) -> tuple[str, str, str]:
    """The headline, the deck (only when the headline cannot name every winner) and the summary sentence."""
    n, short, body, year = facts["units"], facts["short"], facts["body"], facts["year"]
    if state == PRE:
        headline = f"{short} Usulkan {title_words(n)} Unit Kerja Menuju Predikat {facts['proposed']}".rstrip()
        who = f"{ministry} ({short})" if ministry and ministry != short else short
        summary = (f"{who} mengusulkan {count_units(n)} kepada {body} untuk memperoleh predikat "
                   f"{facts['proposed']} pada penilaian Zona Integritas tahun {year}.")
        return headline, "", summary
    if state == NONE:
        either = fmt.join_list(predicates_in_order([u.proposed for u in units], order), "maupun")
        headline = f"Hasil Penilaian Zona Integritas Tahun {year} bagi Unit Kerja {short}"
        if n == 1:
            summary = (f"Satu-satunya unit kerja yang diajukan oleh {short} pada penilaian Zona Integritas tahun "
                       f"{year}, {units[0].name}, belum memperoleh predikat {either} dari {body}.")
        else:
            summary = (f"Dari {count_units(n)} yang diajukan oleh {short} pada penilaian Zona Integritas tahun "
                       f"{year}, belum ada yang memperoleh predikat {either} dari {body}.")
        return headline, "", summary
    # Awarded: group the winners by what they won (category, else predicate).
    groups: dict[tuple[str, str], list[str]] = {}
    for unit in won:
        category = unit.category.strip()
        key = ("kategori", category) if category else ("predikat", unit.result.strip())
        groups.setdefault(key, []).append(unit.name)
    if all(kind == "kategori" for kind, _ in groups):
        prize = "Penghargaan " + fmt.join_list([label for _, label in groups], "serta")
    else:
        prize = fmt.join_list([f"Penghargaan {label}" if kind == "kategori" else f"Predikat {label}" for kind, label in groups], "serta")
    named = len(won) <= 2  # a headline naming three units or more no longer reads as one
    subject = fmt.join_list([u.name for u in won]) if named else f"{title_words(len(won))} Unit Kerja {short}"
    headline = f"{subject} Raih {prize} dari {body}"
    deck = "" if named else "Unit kerja penerima: " + fmt.join_list([with_predicate(u, u.result) for u in won], "serta", "; ") + "."
    given = fmt.join_list(
        [f"{fmt.join_list(names)} {'dalam kategori' if kind == 'kategori' else 'dengan predikat'} {label}"
         for (kind, label), names in groups.items()],
        "serta kepada",
    )
    if n == 1:
        first = won[0].name
        rest = given.removeprefix(first).lstrip()
        summary = f"{body} memberikan penghargaan kepada {first}, satu-satunya unit kerja yang diajukan oleh {short}, {rest}."
    else:
        summary = f"Dari {count_units(n)} yang diajukan oleh {short}, {body} memberikan penghargaan kepada {given}."
    return headline, deck, summary


def _winners_ref(won: list[Unit]) -> str:
    """How a closing line refers back to the winners: their names, or 'ketiga unit kerja tersebut'."""
    if len(won) <= 2:
        return fmt.join_list([u.name for u in won])
    if len(won) < 10:
        return f"ke{fmt.words(len(won))} unit kerja tersebut"
    return "seluruh unit kerja penerima penghargaan tersebut"


def _proposal(units: list[Unit], facts: dict) -> str:
    """How many units of which kind were proposed, then every unit with its target predicate."""
    n = facts["units"]
    if n == 0:
        return f"Pada penilaian Zona Integritas tahun {facts['year']}, {facts['short']} tidak mengusulkan unit kerja."
    kind_counts = {u.kind.strip() for u in units}
    if n == 1:
        which = ""
    elif len(kind_counts) == 1 and "" not in kind_counts:
        which = f", seluruhnya {units[0].kind.strip()}"
    else:
        which = f", yaitu {kinds(units)}"
    listing = fmt.join_list([with_predicate(u, u.proposed) for u in units], "serta", "; ")
    return (f"Pada penilaian Zona Integritas tahun {facts['year']}, {facts['short']} mengusulkan {count_units(n)}{which}. "
            f"Unit kerja yang diusulkan beserta predikat yang dituju adalah {listing}.")


def _result(state, units, won, facts, order) -> str:
    """Who was given which predicate, and who was not ('' before the announcement)."""
    if state == PRE:
        return ""
    evaluation = "Berdasarkan hasil evaluasi Tim Penilai Nasional"
    if state == NONE:
        who = "unit kerja tersebut" if len(units) == 1 else "seluruh unit kerja yang diusulkan"
        return f"{evaluation}, {who} belum memperoleh predikat pada tahun ini."
    by_predicate: dict[str, list[str]] = {}
    for predicate in predicates_in_order([u.result for u in won], order):
        by_predicate[predicate] = [u.name for u in won if u.result.strip() == predicate]
    given = fmt.join_list([f"{p} kepada {fmt.join_list(names)}" for p, names in by_predicate.items()], "serta")
    text = f"{evaluation}, {facts['body']} menetapkan predikat {given}."
    others = [u.name for u in units if u not in won]
    if others:
        text += f" Adapun {fmt.join_list(others)} belum memperoleh predikat pada tahun ini."
    return text


def _ceremony(state, award, facts) -> str:
    """Where and when the awards are (or will be) handed over, who opens it and who attends."""
    place, opened, attended = award.ceremony_place.strip(), award.opened_by.strip(), award.attended_by.strip()
    where = (f" pada {facts['when']}" if facts["when"] else "") + (f" di {place}" if place else "")
    handover = f"penyerahan penghargaan Zona Integritas tahun {facts['year']} oleh {facts['body']}"
    sentences = []
    if state == PRE:
        sentences.append(f"Hasil penilaian dijadwalkan diumumkan dalam {handover}{where}")
        if opened:
            sentences.append(f"Acara tersebut akan dibuka oleh {opened}")
        if attended:
            sentences.append(f"Dijadwalkan turut hadir {attended}")
    else:
        if where:
            sentences.append(f"{handover[0].upper()}{handover[1:]} berlangsung{where}")
        if opened:
            sentences.append(f"{'Acara tersebut' if where else 'Acara penyerahan penghargaan'} dibuka oleh {opened}")
        if attended:
            sentences.append(f"Turut hadir dalam acara tersebut {attended}")
    return " ".join(_full_stop(s) for s in sentences)


def _full_stop(sentence: str) -> str:
    """End a sentence with one full stop, even after a title such as 'M.Si.'."""
    return sentence if sentence.endswith(".") else sentence + "."


def _render(env, ctx: dict) -> str:
    from dossier.render.templates import render

    return render(env, TEMPLATE, ctx)


def docx(env, ctx: dict, *, created: datetime | None = None, reference: Path | None = None) -> bytes:
    """The release as a Word document, mapped from the same HTML as the PDF onto the reference styles."""
    from dossier.render.docx import html_to_docx

    return html_to_docx(_render(env, ctx), title=ctx["headline"], author=ctx["ministry"], created=created,
                        reference=reference)


def pdf(env, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None) -> bytes:
    """The release as a PDF."""
    from dossier.render.pdf import html_to_pdf
    from dossier.render.templates import default_templates_dir

    return html_to_pdf(_render(env, ctx), base_url=default_templates_dir(), allowed_roots=allowed_roots,
                       title=ctx["headline"], author=ctx["ministry"], created=created)


def _context(job: Job) -> dict:
    return job.shared("release", lambda: context(job.award_year, list(job.scores), job.settings))


def render_pdf(job: Job) -> Made:
    return Made(pdf(job.env, _context(job), allowed_roots=job.allowed_roots, created=job.created))


def render_docx(job: Job) -> Made:
    return Made(docx(job.env, _context(job), created=job.created, reference=job.reference))


PDF_KIND = DocumentKind("release-pdf", "rilis.pdf", "pdf", (TEMPLATE,), per_unit=False, render=render_pdf,
                        group="press release")
DOCX_KIND = DocumentKind("release-docx", "rilis.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=False,
                         render=render_docx, group="press release")
