"""LKE editions as data: indicators, option scores, count formulas and thresholds.

An edition is a TOML file (`lke-<name>.toml`) naming a CSV of indicators. The
2021 edition ships in `editions/`; a workspace may add or replace editions in
its own `rules/` folder.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dossier.errors import ConfigError
from dossier.i18n import _

PACKAGE_EDITIONS = Path(__file__).parent / "editions"

OPTION_KINDS = {"ya_tidak", "abc", "abcd", "abcde"}
KINDS = OPTION_KINDS | {"count", "index"}
SHARE_LEVELS = {"area-part", "area"}
MISSING = {"zero", "skip"}


@dataclass(frozen=True)
class Option:
    """One answer option (or, for count questions, one numbered input)."""

    key: str
    text: str
    score: float | None


@dataclass(frozen=True)
class CountRule:
    """How a count question turns the unit's numbers into a score."""

    numerator: dict[int, float]
    denominator: dict[int, float]
    zero_denominator: float
    zero_denominator_numerator: float
    numerator_within_denominator: bool = False


@dataclass(frozen=True)
class Indicator:
    """One LKE question. `group` is the path of the scoring group it belongs to."""

    code: str
    question: str
    kind: str
    group: tuple[str, ...]
    options: tuple[Option, ...]
    count: CountRule | None = None

    @property
    def component(self) -> str:
        return self.group[0]

    @property
    def part(self) -> str:
        return self.group[1]

    @property
    def area(self) -> str:
        return self.group[2]

    @property
    def sub_area(self) -> str:
        return self.group[3] if len(self.group) > 3 else ""

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    @property
    def option_keys(self) -> list[str]:
        return [o.key for o in self.options]


@dataclass(frozen=True)
class Predicate:
    """A predicate (WBK, WBBM) and every threshold a unit must meet for it."""

    name: str
    requires_current: str
    minimums: dict[str, float]
    area_share: float
    area_share_component: str
    area_share_level: str


@dataclass(frozen=True)
class Edition:
    """A whole LKE edition: the score tree's weights, its indicators and predicates.

    `weights` maps every node path of the score tree (("",) is the total,
    ("Pengungkit",), ("Pengungkit", "Pemenuhan"), ...) to its weight, in LKE order.
    """

    name: str
    title: str
    source: Path
    indicators: dict[str, Indicator]
    weights: dict[tuple[str, ...], float]
    nodes: dict[str, tuple[str, ...]]
    labels: dict[str, str]
    predicates: tuple[Predicate, ...]
    index_min: float
    index_max: float
    missing: str = "zero"
    """How a missing answer scores: "zero", or "skip" (left out of its sub-area's mean)."""

    def predicate(self, name: str) -> Predicate | None:
        return next((p for p in self.predicates if p.name == name), None)

    @property
    def predicate_names(self) -> list[str]:
        return [p.name for p in self.predicates]

    def holds(self, held: str, predicate: str) -> bool:
        """Whether a unit holding `held` holds `predicate` or a higher one (WBBM holds WBK)."""
        names = self.predicate_names
        if held in names and predicate in names:
            return names.index(held) >= names.index(predicate)
        return held == predicate

    def label(self, node: str) -> str:
        return self.labels.get(node) or " / ".join(self.nodes[node]) or node


def edition_path(name: str, search: list[Path] | tuple[Path, ...] = ()) -> Path:
    """Find `lke-<name>.toml` in the given folders, then in the package."""
    places = [*search, PACKAGE_EDITIONS]
    for folder in places:
        candidate = folder / f"lke-{name}.toml"
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(p / f"lke-{name}.toml") for p in places)
    available = sorted({p.stem.removeprefix("lke-") for f in places if f.is_dir() for p in f.glob("lke-*.toml")})
    raise ConfigError(
        _("LKE edition '{name}' not found (looked in: {looked}). Available editions: {available}.")
        .format(name=name, looked=looked, available=", ".join(available) or _("none"))
    )


def load_edition(name: str = "2021", search: tuple[Path, ...] = ()) -> Edition:
    """Load and check one edition; every problem is reported at once."""
    return _load(edition_path(name, search))


@cache
def _load(path: Path) -> Edition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("{file}: cannot read this rules file: {reason}").format(file=path, reason=exc)) from None
    problems: list[str] = []
    csv_path = path.parent / str(data.get("indicators", ""))
    indicators, weights = _read_indicators(csv_path, problems)
    order = [str(c) for c in data.get("components", [])]
    if order:
        rank = {name: i for i, name in enumerate(order)}
        unknown = {i.component for i in indicators.values()} - set(rank)
        if unknown:
            problems.append(_("components = {order} leaves out {unknown}").format(order=order, unknown=sorted(unknown)))
        weights = dict(sorted(weights.items(), key=lambda kv: (rank.get(kv[0][0], -1) if kv[0] != ("",) else -2)))
        indicators = dict(sorted(indicators.items(), key=lambda kv: rank.get(kv[1].component, len(rank))))
    counts = _read_counts(data.get("counts", {}), indicators, problems)
    indicators = {
        code: Indicator(i.code, i.question, i.kind, i.group, i.options, counts.get(code))
        for code, i in indicators.items()
    }
    nodes = {key: tuple(p for p in str(value).split("/") if p) or ("",) for key, value in data.get("nodes", {}).items()}
    for key, node in nodes.items():
        if node not in weights:
            problems.append(_("[nodes] {key} = '{node}' is not a node of the indicators' score tree")
                            .format(key=key, node="/".join(node)))
    predicates = tuple(_read_predicate(p, nodes, problems) for p in data.get("predicates", []))
    if not predicates:
        problems.append(_("no [[predicates]] are defined"))
    missing = str(data.get("missing", "zero"))
    if missing not in MISSING:
        problems.append(_("missing = '{value}' must be one of {allowed}")
                        .format(value=missing, allowed=", ".join(sorted(MISSING))))
    if problems:
        raise ConfigError(_("{file}: this rules edition is not valid:").format(file=path) + "\n  " + "\n  ".join(problems))
    return Edition(
        name=str(data.get("name", path.stem.removeprefix("lke-"))),
        title=str(data.get("title", "")),
        source=path,
        indicators=indicators,
        weights=weights,
        nodes=nodes,
        labels={str(k): str(v) for k, v in data.get("labels", {}).items()},
        predicates=predicates,
        index_min=float(data.get("index_min", 1.0)),
        index_max=float(data.get("index_max", 4.0)),
        missing=missing,
    )


def _read_indicators(path: Path, problems: list[str]) -> tuple[dict[str, Indicator], dict[tuple[str, ...], float]]:
    """Read the indicator CSV into indicators and the weights of the score tree."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        problems.append(_("cannot read the indicators file {file}: {reason}").format(file=path, reason=exc))
        return {}, {}
    weights: dict[tuple[str, ...], float] = {("",): 0.0}
    options: dict[str, list[Option]] = {}
    first: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        if not code:
            problems.append(_("{file} line {line}: no code").format(file=path.name, line=line))
            continue
        kind = (row.get("answer_kind") or "").strip()
        if kind not in KINDS:
            problems.append(_("{file} line {line}: answer_kind '{kind}' is not one of {allowed}")
                            .format(file=path.name, line=line, kind=kind, allowed=", ".join(sorted(KINDS))))
            continue
        first.setdefault(code, row)
        try:
            levels = [
                ((row["component"],), None),
                ((row["component"], row["part"]), row["part_weight"]),
                ((row["component"], row["part"], row["area"]), row["area_weight"]),
            ]
            if row.get("sub_area"):
                levels.append(((row["component"], row["part"], row["area"], row["sub_area"]), row["sub_area_weight"]))
            for node, weight in levels:
                if weight is not None and node not in weights:
                    weights[node] = float(weight)
                    parent = node[:-1]
                    if len(parent) == 1:  # a component weighs what its parts weigh
                        weights.setdefault(parent, 0.0)
                        weights[parent] += float(weight)
                        weights[("",)] += float(weight)
                weights.setdefault(node, 0.0)
            score = row.get("option_score", "").strip()
            options.setdefault(code, []).append(
                Option(row["option"].strip(), row["option_text"].strip(), float(score) if score else None)
            )
        except (KeyError, ValueError) as exc:
            problems.append(_("{file} line {line}: {reason}").format(file=path.name, line=line, reason=exc))
    # Components appear before their parts in LKE order; rebuild in tree order.
    ordered: dict[tuple[str, ...], float] = {("",): weights[("",)]}
    for node in weights:
        for depth in range(1, len(node) + 1):
            ordered.setdefault(node[:depth], weights[node[:depth]])
    indicators = {}
    for code, row in first.items():
        group = tuple(v for v in (row["component"], row["part"], row["area"], row.get("sub_area", "")) if v)
        indicators[code] = Indicator(code, row["question"].strip(), row["answer_kind"].strip(), group, tuple(options[code]))
    return indicators, ordered


def _read_counts(data: dict, indicators: dict[str, Indicator], problems: list[str]) -> dict[str, CountRule]:
    rules = {}
    for code, indicator in indicators.items():
        if indicator.kind != "count":
            continue
        spec = data.get(code)
        if spec is None:
            problems.append(_("[counts.{code}] is missing: count question {code} needs a formula").format(code=code))
            continue
        inputs = {int(o.key) for o in indicator.options}
        try:
            numerator = {int(k): float(v) for k, v in spec["numerator"].items()}
            denominator = {int(k): float(v) for k, v in spec["denominator"].items()}
            zero = float(spec["zero_denominator"])
            rule = CountRule(
                numerator,
                denominator,
                zero,
                float(spec.get("zero_denominator_numerator", zero)),
                bool(spec.get("numerator_within_denominator", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(_("[counts.{code}]: {reason}; expected numerator, denominator and zero_denominator")
                            .format(code=code, reason=repr(exc)))
            continue
        unknown = (set(numerator) | set(denominator)) - inputs
        if unknown:
            problems.append(_("[counts.{code}] uses inputs {unknown} that {code} does not have (it has {inputs})")
                            .format(code=code, unknown=sorted(unknown), inputs=sorted(inputs)))
        rules[code] = rule
    for code in data:
        if code not in indicators or indicators[code].kind != "count":
            problems.append(_("[counts.{code}]: {code} is not a count question of this edition").format(code=code))
    return rules


def _read_predicate(data: dict, nodes: dict[str, tuple[str, ...]], problems: list[str]) -> Predicate:
    name = str(data.get("name", "?"))
    minimums = {}
    for key, value in data.get("minimums", {}).items():
        if key not in nodes:
            problems.append(_("predicate {name}: minimum '{key}' names no node of [nodes] ({nodes})")
                            .format(name=name, key=key, nodes=", ".join(nodes)))
            continue
        minimums[key] = float(value)
    # The regulation's reading (the six areas) unless an edition asks for the twelve halves.
    level = str(data.get("area_share_level", "area"))
    if level not in SHARE_LEVELS:
        problems.append(_("predicate {name}: area_share_level '{level}' must be one of {allowed}")
                        .format(name=name, level=level, allowed=", ".join(sorted(SHARE_LEVELS))))
    return Predicate(
        name=name,
        requires_current=str(data.get("requires_current", "")),
        minimums=minimums,
        area_share=float(data.get("area_share", 0.0)),
        area_share_component=str(data.get("area_share_component", "Pengungkit")),
        area_share_level=level,
    )
