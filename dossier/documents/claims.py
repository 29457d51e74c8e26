"""What a document says about a unit: its status and proposal, its shortfalls and cautions, the TPI's review, the way up;
and about the institution: the prerequisites TPN checks.

The dossier, the LHE, the letter, the recaps and the feedback all word these the same way, so they are worded here once.
"""

from __future__ import annotations

from dossier.decision import Decision, decide_score
from dossier.model import AwardYear
from dossier.render.format import distinct, join_list, long_date, printed_gap, rounded, rounded_tree, title_case
from dossier.scoring import Shortfall, UnitScore

BLANK = "...................................."  # a value to write by hand
DATE_BLANK = BLANK  # a date to write by hand when Tanggal Usulan is empty
# What the dossier does with the unit: propose it for its target, for a lower predicate it meets, or not at all.
PROPOSED, LOWERED, DRAFT = "proposed", "lowered", "draft"


def decision(score: UnitScore) -> Decision:
    """The year's decision for this unit (dossier.decision: made in one place for every document)."""
    return decide_score(score)


def proposal(score: UnitScore) -> str | None:
    """The predicate the unit is proposed for, or None when it is not proposed (see dossier.decision)."""
    return decision(score).predicate or None


def status(score: UnitScore) -> str:
    """PROPOSED (eligible for its target), LOWERED (proposed for a lower predicate) or DRAFT (not proposed)."""
    found = decision(score)
    return DRAFT if not found.proposed else LOWERED if found.lowered else PROPOSED


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
    """The score tree as printed: each node rounded once, half up (see render.format.rounded)."""
    return rounded_tree(score.nodes)


def caution(c: Shortfall) -> dict:
    """A half below its share in an area that meets the minimum: eligible, but worth attention."""
    assert not isinstance(c.reached, str) and not isinstance(c.required, str), "a caution is a share, a number"
    reached, required, gap = distinct(c.reached, c.required)
    part, area = c.rule.removeprefix("area_part_share:").split("/")[1:]
    places = len(gap.rpartition(",")[2])
    values = {"required": float(rounded(c.required, places)), "reached": float(rounded(c.reached, places)),
              "gap": float(printed_gap(c.required, c.reached, places)), "places": places}
    return {"label": f"{area} – {part}", "area": area, "part": part, "reached": reached, "required": required,
            "gap": gap, "predicate": c.predicate, "values": values}


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
    changed: list[dict] = []
    noted: list[dict] = []
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
            "adds_value": float(rounded(step.adds)),
            "fixes": [labels.get(rule, rule) for rule in step.fixes],
        })
    blocked = [{"label": labels.get(b.shortfall.rule, b.shortfall.label), "reason": b.reason, "rule": b.shortfall.rule}
               for b in found.blocked]
    return {"predicate": proposed, "steps": steps, "blocked": blocked, "sentence": way_sentence(proposed, steps, blocked)}


def way_sentence(predicate: str, steps: list, blocked: list[dict]) -> str:
    """What the answers can reach and what they cannot, in one sentence (never more than is true)."""
    count = len(steps)
    raise_ = f"paling sedikit {count} jawaban perlu ditingkatkan (dengan bukti dukung yang sesuai)"
    if not blocked:
        return f"{raise_[0].upper()}{raise_[1:]} agar memenuhi syarat {predicate}." if count else ""
    labels = join_list([b["label"] for b in blocked])
    needs = []
    if any("survei" in b["reason"] for b in blocked):
        needs.append("hasil survei baru")
    if any(b["rule"] == "requires_current" for b in blocked):
        needs.append("predikat yang dipersyaratkan")
    if any("data jumlah" in b["reason"] and "survei" not in b["reason"] for b in blocked):
        needs.append("perbaikan data jumlah")
    need = join_list(needs) or "perbaikan di luar jawaban LKE"
    if count:
        return (f"Untuk syarat {predicate} yang dapat dicapai lewat jawaban, {raise_}; {labels} tidak dapat dipenuhi "
                f"lewat jawaban LKE dan memerlukan {need}, sehingga jawaban saja belum cukup untuk memenuhi "
                f"syarat {predicate}.")
    return (f"Tidak ada jawaban LKE yang dapat memenuhi syarat {predicate}: {labels} memerlukan {need}.")


def shortfall_row(s: Shortfall, score: UnitScore | None = None) -> dict:
    """A shortfall as printed, as the CLI prints it: '39,38', '40,00', 'kurang 0,62'."""
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
    # Each value rounded once; the gap from the values (distinct adds places where they would print alike).
    assert not isinstance(s.reached, str) and not isinstance(s.required, str), "only requires_current is not a number"
    reached, required, gap = distinct(s.reached, s.required)
    # The values themselves too, for a workbook that stores numbers as numbers (shown with the same places).
    places = len(gap.rpartition(",")[2])
    values = {"required": float(rounded(s.required, places)), "reached": float(rounded(s.reached, places)),
              "gap": float(printed_gap(s.required, s.reached, places)), "places": places}
    return {"label": label, "required": required, "reached": reached, "gap": f"kurang {gap}", "values": values}


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

