"""The press-release draft (rilis), before the announcement or after it, as news.

The release is an inverted pyramid: headline, dateline and lead with the news,
the award and its ceremony, the quotes, the background on Zona Integritas, the
closing and the public-relations bureau's sign-off. Every sentence lives in
`release.html`, so public-relations staff can reword the headline, lead and
results through `templates export`; this module only gathers the facts the
sentences need (names, counts in words, the winners grouped by what they won),
each in the form a sentence uses it.

After the announcement the release names the winners and what they won, not the
units that did not win, unless the register asks for the full list (`Rilis
Sebut Semua Unit` = Ya). Before it, the release names only the units proposed
(those that meet the minimums of a predicate), never a result, and carries no
quote written for after the results.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

from dossier.config import Settings
from dossier.decision import decide_year, named_predicate
from dossier.documents.kinds import DOCX_REFERENCE, DocumentKind, Job, Made
from dossier.i18n import N_
from dossier.model import AwardYear, Quote, Unit
from dossier.render import format as fmt
from dossier.scoring import UnitScore

TEMPLATE = "release.html"
NOT_AWARDED = "tidak"
PRE, NONE, AWARDED = "pre", "none", "awarded"
BEFORE, AFTER = "sebelum", "sesudah"  # the phases of a quote (Kutipan, Tahap); "" is both
DATE_PLACEHOLDER = "(tanggal rilis)"
SAY = ("ujar", "kata")  # alternated so that several quotes do not all read "ujar"
YES = ("ya", "y", "yes", "true", "1")
HEADLINE = re.compile(r'<h1 id="judul">(.*?)</h1>', re.DOTALL)


def status(proposed: list[Unit]) -> str:
    """'pre' until every unit proposed has its result (none proposed: 'pre'), then 'none' when nobody won, else
    'awarded'. A result of a unit not proposed, or results of only some, announce nothing (validate says so)."""
    if not proposed or any(not u.result.strip() for u in proposed):
        return PRE
    return AWARDED if winners(proposed) else NONE


def winners(units: list[Unit]) -> list[Unit]:
    """The units given a predicate (a result other than empty or 'Tidak')."""
    return [u for u in units if u.result.strip() and u.result.strip().lower() != NOT_AWARDED]


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


def quotes_for(quotes: list[Quote], state: str) -> list[Quote]:
    """The quotes of this release: before the results those for 'sebelum' or both, after them 'sesudah' or both."""
    wanted = BEFORE if state == PRE else AFTER
    return [q for q in quotes if q.text.strip() and q.phase.strip().lower() in ("", wanted)]


def context(year: AwardYear, scores: list[UnitScore], settings: Settings) -> dict:
    """The facts of the release, each in the form release.html puts into its sentences."""
    award = year.award
    units = list(year.units) or [s.unit for s in scores]
    order = scores[0].edition.predicate_names if scores else []  # without scores: register order
    # The year's decision (dossier.decision): only the units proposed, each for the predicate it is proposed for.
    decided = decide_year(units, scores)
    proposed = [{"name": d.name, "kind": d.kind, "predicate": d.predicate, "lowered": d.lowered}
                for d in decided.proposed]
    proposed_codes = {d.code for d in decided.proposed}
    in_play = [u for u in units if u.code in proposed_codes]  # only their results count
    state = status(in_play)
    won = winners(in_play) if state != PRE else []
    short = award.ministry_short.strip() or award.ministry.strip()
    ministry = award.ministry.strip()
    when = award.ceremony_date
    all_units = award.release_all_units.strip().lower() in YES
    groups: dict[tuple[str, str], list[str]] = {}
    # A category that is a predicate's own name ("Wilayah Bebas dari Korupsi") is that predicate's award: a winner
    # of it with no category written joins it, so that the headline names each award once.
    named = {u.result.strip(): u.category.strip() for u in won if named_predicate(u.category) == u.result.strip()}
    for unit in won:
        category = unit.category.strip() or named.get(unit.result.strip(), "")
        key = ("kategori", category) if category else ("predikat", unit.result.strip())
        groups.setdefault(key, []).append(unit.name)
    city = award.release_city.strip()
    return {
        "status": state,
        "year": year.year,
        "ministry": ministry,
        "ministry_short": short,
        "ministry_full": f"{ministry} ({short})" if ministry and short and ministry != short else short,
        "awarding_body": award.awarding_body.strip() or "Tim Penilai Nasional",
        "event": award.event_name.strip(),
        "city": city,
        "release_date": fmt.long_date(when) if when and state != PRE else DATE_PLACEHOLDER,
        "ceremony_date": fmt.long_date(when) if when else "",
        "weekday": fmt.weekday(when) if when else "",
        "ceremony_day": f"{fmt.weekday(when)} ({when.day}/{when.month}/{when.year})" if when else "",
        "place": award.ceremony_place.strip(),
        "opened_by": award.opened_by.strip(),
        "attended_by": award.attended_by.strip(),
        # before the results
        "proposed": proposed,
        "proposed_count": len(proposed),
        "proposed_words": fmt.words(len(proposed)),
        "proposed_title_words": title_words(len(proposed)),
        "proposed_predicates": fmt.join_list(predicates_in_order([d.predicate for d in decided.proposed], order)),
        "proposed_kinds": kinds([u for u in units if u.code in proposed_codes]),
        # after the results
        "winners": [{"name": u.name, "predicate": u.result.strip(), "category": u.category.strip(),
                     "recipient": u.recipient.strip(), "wbk_year": u.wbk_year.strip()} for u in won],
        # Whole numbers as the register reader checked them, written the Indonesian way: 3124 -> '3.124'.
        "national_evaluated": fmt.number(int(award.national_evaluated), 0) if award.national_evaluated else "",
        "national_awarded": fmt.number(int(award.national_awarded), 0) if award.national_awarded else "",
        "winner_names": fmt.join_list([u.name for u in won]),
        "winner_count": len(won),
        "winner_words": fmt.words(len(won)),
        "winner_title_words": title_words(len(won)),
        "groups": [{"by": by, "label": label, "names": fmt.join_list(names)} for (by, label), names in groups.items()],
        "all_units": all_units,
        # Counted among the units proposed: a unit not proposed (a WBK holder that missed WBBM) is not "not awarded".
        "unit_count": len(proposed),
        "unit_words": fmt.words(len(proposed)),
        "not_awarded": [u.name for u in units if u.code in proposed_codes and u not in won] if all_units else [],
        "asked_predicates": fmt.join_list(predicates_in_order([d.predicate for d in decided.proposed], order), "maupun")
        or "WBK maupun WBBM",
        "quotes": [quote_sentence(q, i) for i, q in enumerate(quotes_for(year.quotes, state))],
        "pr_bureau": settings.pr_bureau,
        "pr_contact": settings.pr_contact,
    }


def _full_stop(sentence: str) -> str:
    """End a sentence with one full stop, even after a title such as 'M.Si.'."""
    return sentence if sentence.endswith(".") else sentence + "."


def _render(env, ctx: dict) -> str:
    from dossier.render.templates import render

    return render(env, TEMPLATE, ctx)


def headline(markup: str) -> str:
    """The headline as the template wrote it (its <h1 id="judul">), as plain text for the file's title."""
    found = HEADLINE.search(markup)
    text = re.sub(r"<[^>]+>", "", found.group(1)) if found else ""
    return " ".join(html.unescape(text).split())


def docx(env, ctx: dict, *, created: datetime | None = None, reference: Path | None = None) -> bytes:
    """The release as a Word document, mapped from the same HTML as the PDF onto the reference styles."""
    from dossier.render.docx import html_to_docx

    markup = _render(env, ctx)
    return html_to_docx(markup, title=headline(markup), author=ctx["ministry"], created=created, reference=reference)


def pdf(env, ctx: dict, *, allowed_roots: list[Path], created: datetime | None = None) -> bytes:
    """The release as a PDF."""
    from dossier.render.pdf import html_to_pdf
    from dossier.render.templates import default_templates_dir

    markup = _render(env, ctx)
    return html_to_pdf(markup, base_url=default_templates_dir(), allowed_roots=allowed_roots,
                       title=headline(markup), author=ctx["ministry"], created=created)


def _context(job: Job) -> dict:
    return job.shared("release", lambda: context(job.award_year, list(job.scores), job.settings))


def render_pdf(job: Job) -> Made:
    return Made(pdf(job.env, _context(job), allowed_roots=job.allowed_roots, created=job.created))


def render_docx(job: Job) -> Made:
    return Made(docx(job.env, _context(job), created=job.created, reference=job.reference))


NAME = N_("Press release")
DESCRIPTION = N_("the press-release draft")
PDF_KIND = DocumentKind("release-pdf", "rilis.pdf", "pdf", (TEMPLATE,), per_unit=False, render=render_pdf,
                        group=N_("press release"), name=NAME, description=DESCRIPTION,
                        commands=("build", "report"), archived=True, required=True, label="Rilis pers")
DOCX_KIND = DocumentKind("release-docx", "rilis.docx", "docx", (TEMPLATE, DOCX_REFERENCE), per_unit=False,
                         render=render_docx, group=N_("press release"), name=NAME, description=DESCRIPTION,
                         commands=("build", "report"))
