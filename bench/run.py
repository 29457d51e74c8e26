"""Benchmark `dossier build` on synthetic award years against WeasyPrint alone and LibreOffice.

Run by hand, never as a test:

    python bench/run.py --units 50 200 --jobs 2

Every measurement runs in its own child process, so peak memory (ru_maxrss of
the process and of its workers) belongs to that measurement alone. See
bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import YEAR, change_answer, write_year  # noqa: E402

from dossier.documents.registry import KINDS  # noqa: E402
from dossier.i18n import _  # noqa: E402

# The year-level tasks as the build's progress names them: each group, worded in the language spoken.
YEAR_TASKS = {_(k.group) for k in KINDS if not k.per_unit}

PHASES = ("full", "nochange", "oneunit", "pdfonly", "floor", "libreoffice")
CHANGED_UNIT = "U001"
TARGETS = {"vs_libreoffice": 2.0, "vs_floor": 1.25, "nochange_s": 2.0, "oneunit_extra_s": 3.0, "worker_mb": 400.0}


# --- measurements (each runs in a child process: `run.py --phase NAME --root DIR`) ---------


def _memory() -> dict:
    """Peak resident memory in MB of this process and of its largest finished child (Linux: ru_maxrss in KB)."""
    return {
        "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


class _Recorder:
    """A build Progress that keeps each task's render time and prints a plain line every so often."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.total = 0

    def start(self, tasks: int, reused: int, labels=()) -> None:
        self.total = tasks
        print(f"  rendering {tasks} task(s), {reused} output(s) reused", file=sys.stderr, flush=True)

    def done(self, label: str, rendered) -> None:
        self.seconds[label] = rendered.seconds
        if rendered.error:
            print(f"  FAILED {label}: {rendered.error}", file=sys.stderr, flush=True)
        if len(self.seconds) % 25 == 0 or len(self.seconds) == self.total:
            print(f"  {len(self.seconds)}/{self.total} done", file=sys.stderr, flush=True)


def _build(root: Path, jobs: int) -> dict:
    from dossier.build import Progress, build
    from dossier.workspace import Workspace

    recorder = _Recorder()
    progress = type("P", (Progress,), {"start": lambda s, *a: recorder.start(*a), "done": lambda s, *a: recorder.done(*a)})()
    started = time.perf_counter()
    result = build(Workspace(root), YEAR, jobs=jobs, progress=progress)
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "built": len(result.built),
        "reused": len(result.reused),
        "failed": len(result.failed),
        "failures": dict(list(result.failed.items())[:3]),
        "pages": sum(o.pages or 0 for o in result.built),
        "built_kinds": sorted({f"{o.unit or '-'}:{o.kind}" for o in result.built}),
        "task_s": recorder.seconds,
    }


def phase_full(root: Path, jobs: int) -> dict:
    """A full build from an empty build folder (every format)."""
    shutil.rmtree(root / "build", ignore_errors=True)
    return _build(root, jobs)


def phase_nochange(root: Path, jobs: int) -> dict:
    """A rebuild with nothing changed."""
    return _build(root, jobs)


def phase_oneunit(root: Path, jobs: int) -> dict:
    """Change one answer in one unit's LKE (saved with openpyxl), then rebuild."""
    change_answer(root / "inputs" / str(YEAR) / "lke" / f"LKE {CHANGED_UNIT}.xlsx")
    data = _build(root, jobs)
    data["unit_s"] = data["task_s"].get(CHANGED_UNIT, 0.0)
    data["year_s"] = max((data["task_s"].get(name, 0.0) for name in YEAR_TASKS), default=0.0)
    return data


def _unit_tasks(root: Path):
    """The build's own tasks for every unit's dossier PDF alone (read and scored untimed)."""
    from dossier.build import _task
    from dossier.documents.dossier import PDF_KIND
    from dossier.reproducible import build_timestamp
    from dossier.scoring import score_unit
    from dossier.workspace import Workspace

    ws = Workspace(root)
    award_year = ws.load(YEAR)
    edition = ws.edition(YEAR)
    created = build_timestamp(YEAR)
    scores = [score_unit(u, award_year.lke.get(u.code), edition) for u in award_year.units]
    return ws, award_year, scores, [
        _task(s.unit.code, (PDF_KIND,), award_year, (s,), ws, created, 300) for s in scores
    ]


def phase_pdfonly(root: Path, jobs: int) -> dict:
    """The build's dossier-PDF part alone: its tasks through its own pool (context, Jinja, WeasyPrint, page count)."""
    from dossier.workers import local_pool, render_all

    _, _, _, tasks = _unit_tasks(root)
    started = time.perf_counter()
    pages, failed = 0, 0
    with local_pool(jobs) as pool:
        for _task, rendered in render_all(tasks, pool):
            failed += bool(rendered.error)
            pages += sum(p or 0 for _, p in rendered.files.values())
    return {"wall_s": time.perf_counter() - started, "pages": pages, "failed": failed, "documents": len(tasks)}


def _floor_render(args: tuple[str, str]) -> int:
    """WeasyPrint alone: one HTML string to PDF bytes with default options."""
    import weasyprint

    markup, base_url = args
    return len(weasyprint.HTML(string=markup, base_url=base_url).write_pdf())


def phase_floor(root: Path, jobs: int) -> dict:
    """WeasyPrint alone on the same dossier HTML (rendered untimed first), in a pool of `jobs` processes."""
    from concurrent.futures import ProcessPoolExecutor

    from dossier.documents import dossier
    from dossier.render.templates import default_templates_dir
    from dossier.workers import environment

    ws, award_year, scores, _ = _unit_tasks(root)
    env = environment(ws.templates)
    base = default_templates_dir().resolve().as_uri() + "/"
    pages_html = [(dossier.html(env, dossier.context(award_year, s, ws.settings)), base) for s in scores]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        sizes = list(pool.map(_floor_render, pages_html, chunksize=1))
    return {"wall_s": time.perf_counter() - started, "documents": len(sizes), "bytes": sum(sizes)}


def phase_libreoffice(root: Path, jobs: int) -> dict:
    """The build's dossier DOCX files through `soffice --convert-to pdf`: one batch call per process, own profile each."""
    soffice = shutil.which("soffice")
    if not soffice:
        return {"skipped": "soffice is not installed"}
    files = sorted((root / "build" / str(YEAR) / "dossier").glob("*.docx"))
    work = Path(tempfile.mkdtemp(prefix="dossier-bench-lo-"))
    try:
        def command(i: int, share: list[Path]) -> list[str]:
            profile = (work / f"profile-{i}").as_uri()
            return [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work / f"out-{i}"), *map(str, share)]

        # Warm each profile untimed (an office machine has one already): the first start creates it.
        warm = [subprocess.Popen(command(i, files[:1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for i in range(jobs)]
        for p in warm:
            p.wait()
        for i in range(jobs):
            shutil.rmtree(work / f"out-{i}", ignore_errors=True)
        shares = [files[i::jobs] for i in range(jobs)]
        started = time.perf_counter()
        procs = [subprocess.Popen(command(i, share), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for i, share in enumerate(shares) if share]
        codes = [p.wait() for p in procs]
        wall = time.perf_counter() - started
        made = list(work.glob("out-*/*.pdf"))
        pages = sum(_pages(p) for p in made)
        return {"wall_s": wall, "documents": len(made), "expected": len(files), "pages": pages, "exit_codes": codes}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _run_phase(name: str, root: Path, jobs: int) -> None:
    data = globals()[f"phase_{name}"](root, jobs)
    data.update(_memory())
    print("RESULT " + json.dumps(data))


# --- the driver ----------------------------------------------------------------------------


def measure(name: str, root: Path, jobs: int) -> dict:
    """Run one phase in a fresh child process and return what it measured."""
    load = os.getloadavg()[0]
    print(f"[{root.name}] {name} (load {load:.2f}) ...", file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, __file__, "--phase", name, "--root", str(root), "--jobs", str(jobs)],
                          stdout=subprocess.PIPE, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        return {"error": f"exit {proc.returncode}", "load": load}
    data = json.loads(lines[-1].removeprefix("RESULT "))
    data["load"] = load
    if "wall_s" in data:
        print(f"[{root.name}] {name}: {data['wall_s']:.2f} s", file=sys.stderr, flush=True)
    return data


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _fmt(value, unit="", digits=2) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def report(results: dict[int, dict], jobs: int) -> str:
    """The table of times and ratios, then the Markdown block for a closing note."""
    lines = [f"Jobs: {jobs}, CPUs: {os.cpu_count()}, load average at start of each phase in brackets.", ""]
    header = f"{'units':>5} {'phase':<12} {'wall s':>9} {'pages':>6} {'pages/s':>8} {'parent MB':>10} {'worker MB':>10} {'load':>5}"
    lines += [header, "-" * len(header)]
    for n, phases in results.items():
        for name, d in phases.items():
            wall, pages = d.get("wall_s"), d.get("pages")
            lines.append(
                f"{n:>5} {name:<12} {_fmt(wall):>9} {pages if pages is not None else '-':>6} "
                f"{_fmt(_ratio(pages, wall)):>8} {_fmt(d.get('parent_mb'), digits=0):>10} "
                f"{_fmt(d.get('worker_mb'), digits=0):>10} {_fmt(d.get('load')):>5}"
                + (f"  {d['error']}" if "error" in d else "") + (f"  {d['skipped']}" if "skipped" in d else "")
            )
    lines.append("")
    lines.append("Dossier PDFs compared like with like: 'pdfonly' is the build's own dossier-PDF tasks through its")
    lines.append("own pool (context + Jinja + WeasyPrint with PDF/A-3b and the embedded source data + page count);")
    lines.append("'floor' is weasyprint.HTML(string).write_pdf() alone on the same HTML (rendered untimed first);")
    lines.append("'libreoffice' converts the build's dossier DOCX files, one soffice batch call per process,")
    lines.append("each with its own warmed-up profile. All three use the same number of processes.")
    lines.append("")
    md = ["| units | full build | no-change | one unit (its own render) | dossier PDFs: build / floor / LibreOffice "
          "| LO / build | build / floor | pages/s (full) | peak MB worker / parent |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    worker_peaks = {}
    for n, p in results.items():
        full, noch, one = p.get("full", {}), p.get("nochange", {}), p.get("oneunit", {})
        pdf, floor, lo = p.get("pdfonly", {}), p.get("floor", {}), p.get("libreoffice", {})
        vs_lo = _ratio(lo.get("wall_s"), pdf.get("wall_s"))
        vs_floor = _ratio(pdf.get("wall_s"), floor.get("wall_s"))
        peak_worker = max((d.get("worker_mb") or 0) for k, d in p.items() if k in ("full", "pdfonly", "oneunit")) or None
        peak_parent = max((d.get("parent_mb") or 0) for k, d in p.items() if k in ("full", "pdfonly", "oneunit")) or None
        worker_peaks[n] = peak_worker
        md.append(
            f"| {n} | {_fmt(full.get('wall_s'), ' s', 1)} | {_fmt(noch.get('wall_s'), ' s')} "
            f"| {_fmt(one.get('wall_s'), ' s')} ({_fmt(one.get('unit_s'), ' s', 1)}) "
            f"| {_fmt(pdf.get('wall_s'), ' s', 1)} / {_fmt(floor.get('wall_s'), ' s', 1)} / {_fmt(lo.get('wall_s'), ' s', 1)} "
            f"| {_fmt(vs_lo, '×')} | {_fmt(vs_floor, '×')} | {_fmt(_ratio(full.get('pages'), full.get('wall_s')), '', 1)} "
            f"| {_fmt(peak_worker, '', 0)} / {_fmt(peak_parent, '', 0)} |"
        )
        ok = lambda c: "met" if c else "MISSED"  # noqa: E731
        if vs_lo is not None:
            verdicts.append(f"- {n} units: dossier PDFs, LibreOffice time / build time = {vs_lo:.2f} (target ≥ 2): {ok(vs_lo >= TARGETS['vs_libreoffice'])}")
        if vs_floor is not None:
            verdicts.append(f"- {n} units: dossier PDFs, build time / WeasyPrint floor = {vs_floor:.2f} (target ≤ 1.25): {ok(vs_floor <= TARGETS['vs_floor'])}")
        if noch.get("wall_s") is not None:
            verdicts.append(f"- {n} units: no-change rebuild {noch['wall_s']:.2f} s (target < 2 s): {ok(noch['wall_s'] < TARGETS['nochange_s'])}")
        if one.get("wall_s") is not None:
            limit = TARGETS["oneunit_extra_s"] + one.get("unit_s", 0.0)
            verdicts.append(f"- {n} units: one-unit change {one['wall_s']:.2f} s (target < 3 s + its render {one.get('unit_s', 0):.1f} s"
                            f" = {limit:.1f} s; rebuilt {one.get('built')} outputs; longest year-level task"
                            f" {one.get('year_s', 0):.1f} s): {ok(one['wall_s'] < limit)}")
        if peak_worker is not None:
            verdicts.append(f"- {n} units: peak memory {peak_worker:.0f} MB per worker (target < 400 MB): {ok(peak_worker < TARGETS['worker_mb'])}")
    sizes = sorted(n for n, v in worker_peaks.items() if v)
    if len(sizes) >= 2:
        lo_n, hi_n = sizes[0], sizes[-1]
        growth = worker_peaks[hi_n] / worker_peaks[lo_n]
        verdicts.append(f"- worker peak {lo_n} → {hi_n} units: ×{growth:.2f} (flat means ≤ ×1.10): {'met' if growth <= 1.10 else 'MISSED'}")
    loads = [d.get("load") for p in results.values() for d in p.values() if d.get("load") is not None]
    note = f"Machine: {os.cpu_count()} CPUs, --jobs {jobs}, load average {min(loads):.1f}–{max(loads):.1f} during the run (shared machine)." if loads else ""
    lines += ["Markdown result:", "", *md, "", *verdicts, "", note]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[50, 200], help="Year sizes to measure (default: 50 200).")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="Processes for the build and both references.")
    parser.add_argument("--workdir", type=Path, help="Where the synthetic workspaces go (kept; default: a temp dir, removed).")
    parser.add_argument("--phases", nargs="+", choices=PHASES, default=list(PHASES), help="Only these measurements.")
    parser.add_argument("--json", type=Path, help="Also write the raw measurements here.")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _run_phase(args.phase, args.root, args.jobs)
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    results: dict[int, dict] = {}
    try:
        for n in args.units:
            root = workdir / f"year-{n}"
            started = time.perf_counter()
            write_year(root, n)
            print(f"[{root.name}] synthesised {n} units in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            phases = [p for p in PHASES if p in args.phases]
            if "libreoffice" in phases and "full" not in phases and not (root / "build").is_dir():
                phases.insert(0, "full")  # LibreOffice converts the build's DOCX files
            results[n] = {name: measure(name, root, args.jobs) for name in phases}
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
        print(report(results, args.jobs))
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
