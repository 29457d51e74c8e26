"""What the CLI prints: problem lists and the score table, in the language spoken (dossier.i18n)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dossier.decision import HOLDS, NO_TARGET, NOT_ASSESSED, PREREQUISITE, SHORTFALL, Decision, decide_score
from dossier.errors import Problem
from dossier.i18n import _, decimal
from dossier.improve import Way
from dossier.render.format import distinct, number, rounded_tree, spoken_locale
from dossier.scoring import Shortfall, UnitScore

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from dossier.build import Progress as _Progress
else:
    _Progress = object  # the build module is heavy to import: the CLI starts faster without it

TABLE_NODES = ("pemenuhan", "reform", "pengungkit", "hasil", "total")


def problem_lines(problems: list[Problem]) -> list[str]:
    """One line per problem, errors first, in the order they were found."""
    ordered = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity != "error"]
    return [(_("error: {problem}") if p.severity == "error" else _("warning: {problem}")).format(problem=p)
            for p in ordered]


def problem_records(problems: list[Problem]) -> list[dict]:
    """Every problem as a record for other programs (`validate --json`), in the order found, worded in the language spoken."""
    return [p.record() for p in problems]


def shortfall_text(shortfall: Shortfall) -> str:
    """'Nilai IPKP 13,56 < 14,00 (kurang 0,44)' or 'Predikat saat ini: WBK diperlukan (saat ini -)'."""
    if isinstance(shortfall.reached, str) or isinstance(shortfall.required, str):  # `gap is None`, spelled so mypy narrows
        return _("{label}: {required} needed (now {reached})").format(
            label=shortfall.label, required=shortfall.required, reached=shortfall.reached)
    reached, required, gap = distinct(shortfall.reached, shortfall.required, locale=spoken_locale())
    return _("{label} {reached} < {required} (short by {gap})").format(
        label=shortfall.label, reached=reached, required=required, gap=gap)


def printed_scores(score: UnitScore, keys: tuple[str, ...] = TABLE_NODES) -> list[str]:
    """The named nodes as printed: each rounded once, half up, as every document prints it."""
    tree = rounded_tree(score.nodes)
    nodes = score.edition.nodes
    return [number(tree[nodes[key]], locale=spoken_locale()) if key in nodes and nodes[key] in tree else "-" for key in keys]


def caution_text(caution: Shortfall) -> str:
    """'Reform / Penguatan Pengawasan 2,00 < 4,50 (60 % of its weight), though its area meets the minimum'."""
    assert not isinstance(caution.reached, str) and not isinstance(caution.required, str), "a caution compares numbers"
    reached, required, _gap = distinct(caution.reached, caution.required, locale=spoken_locale())
    return (_("{label} {reached} < {required}: this half is below the share, its area as a whole meets it")
            .format(label=caution.label, reached=reached, required=required))


def way_lines(way: Way, labels: dict[str, str] | None = None, indent: str = "    ") -> list[str]:
    """The way to a predicate: one line per step, then what no answer can fix; `labels` names each rule."""
    labels = labels or {}
    if not way.steps and not way.blocked:
        return []
    head = (_("way to {predicate}: raise {count} answer(s)") if way.steps
            else _("way to {predicate}: no answer to raise"))
    out = [indent + head.format(predicate=way.predicate, count=len(way.steps))]
    for step in way.steps:
        out.append(indent + "  " + _("{code}: {before} -> {after} (+{adds}; for {rules})").format(
            code=step.code, before=step.previous or _("(blank)"), after=step.answer, adds=number(step.adds, locale=spoken_locale()),
            rules="; ".join(labels.get(r, r) for r in step.fixes)))
    for blocked in way.blocked:
        out.append(indent + "  " + _("cannot be met by answers: {label}: {reason}").format(
            label=blocked.shortfall.label, reason=blocked.reason))
    return out


def score_table(scores: list[UnitScore], ways: dict[str, dict[str, Way]] | None = None) -> str:
    """A plain-text table of every unit's scores; below each, its shortfalls, cautions and way to the proposed predicate."""
    # The columns named for the LKE's parts (Pemenuhan ... Total) are its own Indonesian terms in either language.
    header = [_("Code"), _("Unit"), _("Target"), "Pemenuhan", "Reform", "Pengungkit", "Hasil", "Total", _("Self"),
              _("TPI changed"), _("Eligible"), _("Proposed for")]
    decisions = {s.unit.code: decide_score(s) for s in scores}
    rows = []
    for s in scores:
        rows.append(
            [
                s.unit.code,
                s.unit.name if len(s.unit.name) <= 40 else s.unit.name[:39] + "…",
                s.unit.proposed,
                *printed_scores(s),
                printed_scores(s.self_assessment, ("total",))[0],
                str(len(s.changed)),
                ", ".join(s.eligible) or "-",
                decisions[s.unit.code].predicate or "-",
            ]
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = range(3, 10)  # the scores and counts; the predicates after them read left to right

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for s, row in zip(scores, rows):
        out.append(line(row))
        decided = decisions[s.unit.code]
        if not decided.proposed or decided.lowered:
            out.append("    " + decision_text(decided))
        if s.changed:
            own = s.self_assessment
            out.append("    " + _("self-assessment {total}, eligible: {eligible}; the TPI changed {count} answer(s): "
                                   "{codes}").format(total=printed_scores(own, ("total",))[0],
                                                     eligible=", ".join(own.eligible) or "-", count=len(s.changed),
                                                     codes=", ".join(s.changed)))
        for shortfall in s.proposed_shortfalls:
            out.append("    " + _("shortfall for {predicate}: {shortfall}").format(
                predicate=shortfall.predicate, shortfall=shortfall_text(shortfall)))
        for caution in s.proposed_cautions:
            out.append("    " + _("caution for {predicate}: {caution}").format(
                predicate=caution.predicate, caution=caution_text(caution)))
        way = (ways or {}).get(s.unit.code, {}).get(s.unit.proposed)
        if way is not None:
            out.extend(way_lines(way, {f.rule: f.label for f in s.shortfalls.get(way.predicate, [])}))
        total = len(s.edition.indicators)  # a list of every code says less than "all"
        if len(s.missing) == total:
            out.append("    " + _("none of the {total} indicators is answered yet, all scored 0").format(total=total))
        elif s.missing:
            out.append("    " + _("{count} answer(s) missing, scored 0: {codes}").format(
                count=len(s.missing), codes=", ".join(s.missing)))
        if len(s.without_evidence) == total:
            out.append("    " + _("all {total} indicators without evidence (Bukti Dukung)").format(total=total))
        elif s.without_evidence:
            out.append("    " + _("{count} indicator(s) without evidence (Bukti Dukung): {codes}").format(
                count=len(s.without_evidence), codes=", ".join(s.without_evidence)))
    out.append(_("Total is the counting score (the TPI's answer where it gave one); Self is the unit's self-assessment."))
    out.append(_("Each value is rounded to two decimals on its own, so parts may differ from their total by 0.01."))
    return "\n".join(out)


def decision_text(decided: Decision) -> str:
    """What the year decided for a unit, in the language spoken: 'not proposed: does not meet WBBM; keeps WBK'."""
    if decided.proposed:
        if not decided.lowered:
            return _("proposed for {predicate}").format(predicate=decided.predicate)
        return _("proposed for {predicate} (aimed at {target}, which it does not meet)").format(
            predicate=decided.predicate, target=decided.target)
    reasons = {
        NOT_ASSESSED: _("not assessed (no readable LKE)"),
        NO_TARGET: _("no predicate aimed at in the register"),
        HOLDS: _("already holds {current}"),
        PREREQUISITE: _("{target} requires a predicate the unit does not hold"),
        SHORTFALL: _("does not meet {target}"),
    }
    why = reasons.get(decided.reason, reasons[SHORTFALL]).format(current=decided.current, target=decided.target)
    if decided.current and decided.reason != HOLDS:
        why = _("{why}; keeps {current}").format(why=why, current=decided.current)
    return _("not proposed this year: {why}").format(why=why)


def missing_lines(scores: list[UnitScore]) -> list[str]:
    """One line per unit with unanswered indicators: how many, and how they are scored."""
    lines = []
    for s in scores:
        if s.missing_count:
            line = (_("{code}: {count} answer(s) missing (left out of their sub-area's mean)")
                    if s.edition.missing == "skip" else _("{code}: {count} answer(s) missing (scored 0)"))
            lines.append(line.format(code=s.unit.code, count=s.missing_count))
    return lines


def read_lines(award_year) -> list[str]:
    """What was read, for -v: the register, and which workbook went to which unit."""
    from dossier.layout import REGISTER

    folder = f"inputs/{award_year.year}"
    lines = [_("read {path}: {count} unit(s)").format(path=f"{folder}/{REGISTER}", count=len(award_year.units))]
    for code, lke in award_year.lke.items():
        lines.append(_("read {path}: unit {code}, {count} answer(s)").format(
            path=f"{folder}/{lke.source}", code=code, count=len(lke.answers)))
    return lines


class BuildProgress(_Progress):
    """A progress bar naming the unit being built, with the time left, on a terminal; plain lines otherwise.

    With -v it prints a line per finished task, naming every file written, instead of the bar.
    """

    def __init__(self, verbosity: int = 0, tty: bool | None = None) -> None:
        import sys

        self.verbosity = verbosity
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bar: ProgressBar[str | None] | None = None
        self.pending: list[str] = []  # labels not finished yet, in the order they are started

    def read(self, award_year) -> None:
        import click

        if self.verbosity > 0:
            for line in read_lines(award_year):
                click.echo(line, err=True)

    def start(self, tasks: int, reused: int, labels=()) -> None:
        import sys

        import click

        if self.verbosity < 0:
            return
        self.pending = list(labels)
        if reused:
            click.echo(_("{count} document(s) unchanged since the last build, kept.").format(count=reused), err=True)
        if self.tty and tasks and self.verbosity == 0:
            bar = self.bar = click.progressbar(length=tasks, label=_("Building"), show_eta=True, show_pos=True,
                                               item_show_func=lambda label: label, file=sys.stderr)
            bar.__enter__()
            if self.pending:
                bar.current_item = self.pending[0]
                bar.render_progress()

    def done(self, label: str, rendered) -> None:
        import click

        if label in self.pending:
            self.pending.remove(label)
        if self.verbosity < 0:
            return
        if self.bar is not None:
            # Name the task now being built (the first not finished), not the one just finished.
            self.bar.update(1, self.pending[0] if self.pending else label)
            assert self.bar.length is not None, "start() gives the bar a length"
            if self.bar.pos >= self.bar.length:
                self.bar.__exit__(None, None, None)
                self.bar = None
        else:
            line = (_("built {label}: failed in {seconds} s") if rendered.error
                    else _("built {label}: {count} file(s) in {seconds} s"))
            click.echo(line.format(label=label, count=len(rendered.files), seconds=decimal(rendered.seconds)), err=True)


def build_summary(result, folder) -> str:
    """'2024: built 14, reused 0, failed 0; 312 page(s) in 21.4 s. Output: build/2024', naming what was not built."""
    summary = (_("{year}: built {built}, reused {reused}, failed {failed} ({labels} not built); "
                 "{pages} page(s) in {seconds} s. Output: {folder}") if result.failed
               else _("{year}: built {built}, reused {reused}, failed {failed}; "
                      "{pages} page(s) in {seconds} s. Output: {folder}"))
    return summary.format(year=result.year, built=len(result.built), reused=len(result.reused),
                          failed=len(result.failed), labels=", ".join(result.failed), pages=result.pages,
                          seconds=decimal(result.seconds), folder=folder)
