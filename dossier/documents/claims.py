"""What a document says about a unit: its status and proposal, its shortfalls and cautions, the TPI's review, the way up;
and about the institution: the prerequisites TPN checks.

The dossier, the LHE, the letter, the recaps and the feedback all word these the same way, so they are worded here once.
"""

from __future__ import annotations

from dossier.model import AwardYear
from dossier.render.format import distinct, long_date, rounded, rounded_tree, title_case
from dossier.scoring import Shortfall, UnitScore

BLANK = "...................................."  # a value to write by hand
DATE_BLANK = BLANK  # a date to write by hand when Tanggal Usulan is empty
# What the dossier does with the unit: propose it for its target, for a lower predicate it meets, or not at all.
PROPOSED, LOWERED, DRAFT = "proposed", "lowered", "draft"
PREDICATE_NAMES = {
    "WBK": "Wilayah Bebas dari Korupsi (WBK)",
    "WBBM": "Wilayah Birokrasi Bersih dan Melayani (WBBM)",
}


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

def prerequisites(year: AwardYear) -> list[dict]:
    """The institution-level prerequisites TPN checks, as the register gives them (a dotted line when empty)."""
    award = year.award
    return [
        {"label": "Opini BPK atas laporan keuangan", "value": award.bpk_opinion.strip() or BLANK,
         "given": bool(award.bpk_opinion.strip())},
        {"label": "Nilai SAKIP", "value": award.sakip.strip() or BLANK, "given": bool(award.sakip.strip())},
    ]


def printed_tree(score: UnitScore) -> dict:
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
    return f"{answer.choice}{after_key(answer.choice, option.text)}" if option and option.text else str(answer.choice)


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
        "total": printed_tree(score)[("",)],
        "own_total": printed_tree(own)[("",)],
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
            "to": f"{step.answer}{after_key(step.answer, option.text)}" if option and option.text else step.answer,
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
    edition, tree = score.edition, printed_tree(score)
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


def after_key(key: str, text: str) -> str:
    """How the option's text follows its bold key: ' – Jika ...', ', jika ...' for 'Ya, jika ...', '' for 'Tidak'.

    Ya/Tidak options often begin with the key itself; printing 'Ya – Ya, jika ...' says it twice.
    """
    text = text.strip()
    if text.casefold() == key.casefold():
        return ""
    if text[: len(key) + 1].casefold() == key.casefold() + ",":
        return ", " + text[len(key) + 1:].lstrip()  # 'Ya,pengaduan' in the LKE's text reads 'Ya, pengaduan'

    return f" – {text}" if text else ""

