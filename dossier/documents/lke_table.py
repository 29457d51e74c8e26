"""The LKE as the dossier prints it: every question with its answer, score and evidence, the evidence index, the surveys."""

from __future__ import annotations

from typing import Any

from dossier.documents.claims import after_key, answer_text, printed_tree
from dossier.errors import worded
from dossier.model import Evidence
from dossier.render.format import title_case
from dossier.scoring import QuestionScore, UnitScore

SURVEYS = (("HBA", "ipak", "Indeks Persepsi Anti Korupsi (IPAK)"), ("HPA", "ipkp", "Indeks Persepsi Kualitas Pelayanan (IPKP)"))


def _answer(q: QuestionScore) -> dict:
    """How an answer reads in the LKE table: letter and option text, counts, or the survey index."""
    indicator, answer = q.indicator, q.answer
    result: dict[str, Any] = {"missing": q.missing, "choice": None, "text": "", "counts": [], "index": None}
    if q.missing:
        return result
    assert answer is not None, "an answer that is not missing is there"
    if indicator.kind == "index":
        result["index"] = answer.index
    elif indicator.kind == "count":
        result["counts"] = [
            {"label": o.text, "value": (answer.counts or {}).get(int(o.key))} for o in indicator.options
        ]
    else:
        assert answer.choice is not None, "an option question's answer that is not missing is a choice"
        result["choice"] = answer.choice
        result["text"] = after_key(answer.choice, q.option.text if q.option else "")
    return result


def _evidence(entries: tuple[Evidence, ...]) -> list[dict]:
    return [
        {
            "name": e.entry,
            "url": e.url,
            "present": e.present,
            "status": "tautan" if e.url else ("ada" if e.present else "tidak ada"),
            "problem": worded(e.problem, "id"),  # the document is Indonesian whatever the command line speaks
        }
        for e in entries
    ]


def lke(score: UnitScore) -> list[dict]:
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
            "score": printed_tree(score)[part_path],
            "areas": {},
        })
        area = part["areas"].setdefault(area_path, {
            "name": title_case(group[2]),
            "weight": edition.weights[area_path],
            "score": printed_tree(score)[area_path],
            "sub_areas": [],
        })
        area["sub_areas"].append({
            "name": title_case(group[3]) if len(group) > 3 else "",
            "weight": edition.weights[group],
            "score": printed_tree(score)[group],
            "indicators": [
                {
                    "code": q.indicator.code,
                    "question": q.indicator.question,
                    "kind": q.indicator.kind,
                    "answer": _answer(q),
                    "fraction": q.fraction,
                    "changed": q.changed,
                    "unit_answer": answer_text(q.indicator, q.review.own()) if q.changed and q.review else "",
                    "tpi_note": q.tpi_note,
                    "note": q.answer.note if q.answer else "",
                    "evidence": _evidence(q.answer.evidence if q.answer else ()),
                }
                for q in questions
            ],
        })
    return [{**p, "areas": list(p["areas"].values())} for p in parts.values()]


def evidence_index(score: UnitScore) -> dict:
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


def surveys(score: UnitScore) -> list[dict]:
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
            "index": q.answer.index if q.answer else None,  # a missing answer's index is None
            "score": score[key],
            "weight": weight,
            "minimums": minimums,
        })
    return surveys


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
