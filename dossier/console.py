"""What the CLI prints: problem lists and the score table."""

from __future__ import annotations

from dossier.errors import Problem
from dossier.improve import Way
from dossier.render.format import distinct, number, rounded_tree
from dossier.scoring import Shortfall, UnitScore

TABLE_NODES = ("pemenuhan", "reform", "pengungkit", "hasil", "total")


def problem_lines(problems: list[Problem]) -> list[str]:
    """One line per problem, errors first, in the order they were found."""
    ordered = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity != "error"]
    return [f"{p.severity}: {p}" for p in ordered]


def shortfall_text(shortfall: Shortfall) -> str:
    """'Nilai IPKP 13,56 < 14,00 (kurang 0,44)' or 'Predikat saat ini: WBK diperlukan'."""
    if shortfall.gap is None:
        return f"{shortfall.label}: {shortfall.required} diperlukan (saat ini {shortfall.reached})"
    reached, required, gap = distinct(shortfall.reached, shortfall.required)
    return f"{shortfall.label} {reached} < {required} (kurang {gap})"


def printed_scores(score: UnitScore, keys: tuple[str, ...] = TABLE_NODES) -> list[str]:
    """The named nodes as printed: rounded top down, so each printed sum is the sum of its printed parts."""
    tree = rounded_tree(score.nodes)
    nodes = score.edition.nodes
    return [number(tree[nodes[key]]) if key in nodes and nodes[key] in tree else "-" for key in keys]


def caution_text(caution: Shortfall) -> str:
    """'Reform / Penguatan Pengawasan 2,00 < 4,50 (60 % of its weight), though its area meets the minimum'."""
    reached, required, _ = distinct(caution.reached, caution.required)
    return f"{caution.label} {reached} < {required}: this half is below the share, its area as a whole meets it"


def way_lines(way: Way, labels: dict[str, str] | None = None, indent: str = "    ") -> list[str]:
    """The way to a predicate: one line per step, then what no answer can fix; `labels` names each rule."""
    labels = labels or {}
    if not way.steps and not way.blocked:
        return []
    out = [f"{indent}way to {way.predicate}: raise {len(way.steps)} answer(s)" if way.steps
           else f"{indent}way to {way.predicate}: no answer to raise"]
    for step in way.steps:
        out.append(f"{indent}  {step.code}: {step.previous or '(blank)'} -> {step.answer} (+{number(step.adds)}; "
                   f"for {'; '.join(labels.get(r, r) for r in step.fixes)})")
    for blocked in way.blocked:
        out.append(f"{indent}  cannot be met by answers: {blocked.shortfall.label}: {blocked.reason}")
    return out


def score_table(scores: list[UnitScore], ways: dict[str, dict[str, Way]] | None = None) -> str:
    """A plain-text table of every unit's scores; below each, its shortfalls, cautions and way to the proposed predicate."""
    header = ["Code", "Unit", "Proposed", "Pemenuhan", "Reform", "Pengungkit", "Hasil", "Total", "Self", "TPI changed",
              "Eligible"]
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
            ]
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = range(3, 10)

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    for s, row in zip(scores, rows):
        out.append(line(row))
        if s.changed:
            own = s.self_assessment
            out.append(f"    self-assessment {printed_scores(own, ('total',))[0]}, eligible: {', '.join(own.eligible) or '-'}; "
                       f"the TPI changed {len(s.changed)} answer(s): {', '.join(s.changed)}")
        for shortfall in s.proposed_shortfalls:
            out.append(f"    shortfall for {shortfall.predicate}: {shortfall_text(shortfall)}")
        for caution in s.proposed_cautions:
            out.append(f"    caution for {caution.predicate}: {caution_text(caution)}")
        way = (ways or {}).get(s.unit.code, {}).get(s.unit.proposed)
        if way is not None:
            out.extend(way_lines(way, {f.rule: f.label for f in s.shortfalls.get(way.predicate, [])}))
        if s.missing:
            out.append(f"    {len(s.missing)} answer(s) missing, scored 0: {', '.join(s.missing)}")
        if s.without_evidence:
            out.append(f"    {len(s.without_evidence)} indicator(s) without evidence (Bukti Dukung): {', '.join(s.without_evidence)}")
    out.append("Total is the counting score (the TPI's answer where it gave one); Self is the unit's self-assessment.")
    return "\n".join(out)


def missing_lines(scores: list[UnitScore]) -> list[str]:
    """One line per unit with unanswered indicators: how many, and how they are scored."""
    lines = []
    for s in scores:
        if s.missing_count:
            how = "left out of their sub-area's mean" if s.edition.missing == "skip" else "scored 0"
            lines.append(f"{s.unit.code}: {s.missing_count} answer(s) missing ({how})")
    return lines


def read_lines(award_year) -> list[str]:
    """What was read, for -v: the register, and which workbook went to which unit."""
    from dossier.layout import REGISTER

    folder = f"inputs/{award_year.year}"
    lines = [f"read {folder}/{REGISTER}: {len(award_year.units)} unit(s)"]
    for code, lke in award_year.lke.items():
        lines.append(f"read {folder}/{lke.source}: unit {code}, {len(lke.answers)} answer(s)")
    return lines


class BuildProgress:
    """A progress bar naming the unit being built, with the time left, on a terminal; plain lines otherwise.

    With -v it prints a line per finished task, naming every file written, instead of the bar.
    """

    def __init__(self, verbosity: int = 0, tty: bool | None = None) -> None:
        import sys

        self.verbosity = verbosity
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bar = None
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
            click.echo(f"{reused} document(s) unchanged since the last build, kept.", err=True)
        if self.tty and tasks and self.verbosity == 0:
            self.bar = click.progressbar(length=tasks, label="Building", show_eta=True, show_pos=True,
                                         item_show_func=lambda label: label, file=sys.stderr)
            self.bar.__enter__()
            if self.pending:
                self.bar.current_item = self.pending[0]
                self.bar.render_progress()

    def done(self, label: str, rendered) -> None:
        import click

        if label in self.pending:
            self.pending.remove(label)
        if self.verbosity < 0:
            return
        if self.bar is not None:
            # Name the task now being built (the first not finished), not the one just finished.
            self.bar.update(1, self.pending[0] if self.pending else label)
            if self.bar.pos >= self.bar.length:
                self.bar.__exit__(None, None, None)
                self.bar = None
        else:
            state = "failed" if rendered.error else f"{len(rendered.files)} file(s)"
            click.echo(f"built {label}: {state} in {rendered.seconds:.1f} s", err=True)


def build_summary(result, folder) -> str:
    """'2024: built 14, reused 0, failed 0; 312 page(s) in 21.4 s. Output: build/2024', naming what was not built."""
    failed = f" ({', '.join(result.failed)} not built)" if result.failed else ""
    return (
        f"{result.year}: built {len(result.built)}, reused {len(result.reused)}, failed {len(result.failed)}{failed}; "
        f"{result.pages} page(s) in {result.seconds:.1f} s. Output: {folder}"
    )
