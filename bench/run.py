"""kg's benchmark suite: how long each command takes and how much memory it needs, at the
seed size and on synthetic national graphs (bench/generate.py), against the targets of K7.

For every size it measures, each as the median of ``--runs`` runs:

- **commands as processes** (``python -m kg ...``, wall time and peak memory of the process):
  ``kg build`` (parse, validate, write the store), ``kg query run`` (opening an existing build
  and answering one query), ``kg case``, ``kg viz`` of the whole graph and of a focus view,
  ``kg export`` in each format, and ``kg --help``;
- **queries in one process**: every canned query with its example parameters and five cases
  through kg's library, against the same SPARQL run directly on pyoxigraph (the floor; for a
  case, every query the case finder sends) and on rdflib's in-memory engine (the common
  alternative; once per query, with a time limit, in a separate process), as ratios.

Results go to ``bench/results/run.json`` and ``bench/results/run.md`` (the README links the
table). Sizes: ``seed`` (kg's own data) or a scale factor for bench/generate.py.

Usage:  python -m bench.run [--scale seed --scale 0.1 --scale 1 --scale 3] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.publish.export import FORMATS

ROOT = Path(__file__).resolve().parents[1]
CPSV = ROOT.parent / "shared" / "standards" / "cpsv-ap-3.2.0-SHACL.ttl"

CASES = [
    ("Kampen", ("ouderen",), ("bewegen",)),
    ("Zwolle", (), ()),
    ("Gouda", ("kwetsbare inwoners",), ()),
    ("Rotterdam", ("mensen met afstand tot de arbeidsmarkt",), ("participatie",)),
    ("Groningen", ("jongeren",), ()),
]
EXPORTS = list(FORMATS)  # every format kg export writes

# Targets (K7); ratios hold on any machine, absolute times are for a 2-core machine.
MAX_FLOOR_RATIO = 1.3
MIN_RDFLIB_SPEEDUP = 10.0
MAX_QUERY_PROCESS_S = 1.0
MAX_HELP_S = 0.3
MAX_BUILD_S = 60.0
MAX_VIZ_S = 10.0
MAX_PEAK_MB = 2048.0
PROCESS_LIMITS = {
    "kg build": MAX_BUILD_S,
    "kg --help": MAX_HELP_S,
    "kg query run (whole process)": MAX_QUERY_PROCESS_S,
    "kg viz (whole graph)": MAX_VIZ_S,
}


@dataclass
class Measure:
    """One thing measured: seconds (median and all runs) and peak memory in MB."""

    name: str
    seconds: float
    runs: list[float]
    peak_mb: float | None = None
    floor_s: float | None = None  # the same SPARQL directly on pyoxigraph
    rdflib_s: float | None = None  # ... on rdflib's engine (None: not measured)
    rdflib_timed_out: bool = False
    rdflib_form: str | None = None  # "terms" or "initBindings": rdflib's faster form
    target: str = ""
    met: bool | None = None
    rows: int | None = None  # rows kg returned (canned queries)
    floor_rows: int | None = None  # rows pyoxigraph returned for the query's own SPARQL

    @property
    def floor_ratio(self) -> float | None:
        return self.seconds / self.floor_s if self.floor_s else None

    @property
    def rdflib_speedup(self) -> float | None:
        return self.rdflib_s / self.seconds if self.rdflib_s and self.seconds else None


@dataclass
class Size:
    name: str
    statements: int = 0
    measures: list[Measure] = field(default_factory=list)


# --- processes ---------------------------------------------------------------------------


def run_process(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process, which must succeed."""
    # Standard error goes to a file, not a pipe: waiting on a process that fills a pipe
    # nobody reads would never end.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code  # reaped by wait4: keep Popen from waiting again
        if code != 0:
            errors.seek(0)
            error = errors.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(argv)} failed ({code}): {error[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def measure_process(
    name: str, argv: Sequence[str], cwd: Path, env: dict[str, str], runs: int
) -> Measure:
    times, peaks = [], []
    for _ in range(runs):
        seconds, peak = run_process(argv, cwd, env)
        times.append(seconds)
        peaks.append(peak)
    return Measure(name, statistics.median(times), times, max(peaks))


# --- queries in one process --------------------------------------------------------------


#: Each timing lasts at least this long: a query of a few milliseconds is run that many
#: times in a row and its time is the mean, so one timing is not at the mercy of a single
#: hiccup of the machine.
MIN_TIMING_S = 0.2


def _paired_times(
    first: Callable[[], object], second: Callable[[], object], runs: int, once: float
) -> tuple[list[float], list[float]]:
    """``runs`` timings of each, taken in turns (first, second, first, ...): a slow spell of
    a shared machine then falls on both, not on one, and their ratio stays fair. A timing
    of something quick repeats it (the same number of times for both) for at least
    :data:`MIN_TIMING_S` and records the mean; ``once`` is how long ``first`` took when it
    was warmed up, which sets how many times that is."""
    repeat = max(1, math.ceil(MIN_TIMING_S / max(once, 1e-6)))
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for work, into in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            for _ in range(repeat):
                work()
            into.append((time.perf_counter() - start) / repeat)
    return times


class Recorder:
    """Wraps a LocalStore and records every SELECT kg sends (SPARQL and bindings)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.calls: list[tuple[str, dict[str, Any] | None]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def select(self, sparql: str, bindings: Any = None) -> Any:
        self.calls.append((sparql, dict(bindings) if bindings else None))
        return self.store.select(sparql, bindings)

    def labels(self, iris: Any, lang: str = "nl") -> Any:
        from kg.store import Store

        return Store.labels(self, iris, lang)  # its SELECTs go through self.select

    def select_values(self, sparql: str, columns: Any = None, bindings: Any = None) -> Any:
        self.calls.append((sparql, dict(bindings) if bindings else None))
        return self.store.select_values(sparql, columns, bindings)

    def select_rows(self, sparql: str, bindings: Any = None) -> Any:
        self.calls.append((sparql, dict(bindings) if bindings else None))
        return self.store.select_rows(sparql, bindings)

    def select_plain(self, sparql: str, bindings: Any = None) -> Any:
        self.calls.append((sparql, dict(bindings) if bindings else None))
        return self.store.select_plain(sparql, bindings)


def raw_pyoxigraph(oxstore: Any, texts: list[str]) -> list[int]:
    """Run SELECTs straight on pyoxigraph, read every row; the row counts."""
    counts = []
    for text in texts:
        n = 0
        for solution in oxstore.query(text, use_default_graph_as_union=True):
            for _ in solution:
                pass
            n += 1
        counts.append(n)
    return counts


def bound_texts(calls: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    """The SPARQL of each recorded call as kg hands it to pyoxigraph: parameters written in
    as terms (kg.store.with_terms). The floor and rdflib run exactly these texts."""
    from kg.store import with_terms

    return [with_terms(sparql, bindings) for sparql, bindings in calls]


def engine_measures(build_dir: Path, runs: int) -> tuple[list[Measure], list[dict[str, Any]]]:
    """Every canned query and the cases through kg, and the same SPARQL raw on pyoxigraph.
    Returns the measures and, for the rdflib worker, the SPARQL of each."""
    from kg.ask.case import find
    from kg.ask.queries import load_queries, run_query
    from kg.store import open_store

    store = open_store(build_dir)
    measures: list[Measure] = []
    workloads: list[dict[str, Any]] = []
    queries = load_queries(ROOT / "queries")

    def one(name: str, work: Callable[[Any], Any], main: str | None = None) -> None:
        recorder = Recorder(store)
        start = time.perf_counter()
        answer = work(recorder)  # warm-up, and the SPARQL it sends
        once = time.perf_counter() - start
        texts = bound_texts(recorder.calls)
        times, floors = _paired_times(
            lambda: work(store), lambda: raw_pyoxigraph(store.oxigraph, texts), runs, once
        )
        seconds, floor = statistics.median(times), statistics.median(floors)
        measure = Measure(name, seconds, times, floor_s=floor)
        if main is not None:  # a canned query: its rows, and the raw engine's for its SPARQL
            measure.rows = len(answer.rows)
            counts = raw_pyoxigraph(store.oxigraph, texts)
            measure.floor_rows = next(
                n for (sparql, _), n in zip(recorder.calls, counts, strict=True) if sparql == main
            )
        measures.append(measure)
        workload: dict[str, Any] = {"name": name, "calls": texts, "kg_s": seconds}
        if any(bindings for _, bindings in recorder.calls):  # rdflib's own binding, too
            workload["initial"] = [
                [sparql, {k: v.n3() for k, v in (bindings or {}).items()}]
                for sparql, bindings in recorder.calls
            ]
        workloads.append(workload)

    for qname in sorted(queries):
        query = queries[qname]
        values = {n: p.example for n, p in query.params.items() if p.example}
        one(f"query {qname}", lambda s, q=query, v=values: run_query(s, q, v), query.sparql)
    for municipality, groups, themes in CASES:
        label = f"case {municipality}" + "".join(f" +{x}" for x in (*groups, *themes))
        one(label, lambda s, m=municipality, g=groups, t=themes: find(s, m, g, t))
    return measures, workloads


RDFLIB_WORKER = r"""
import json, signal, sys, time
import rdflib
from rdflib.util import from_n3
nq, workloads, limit = sys.argv[1], json.load(open(sys.argv[2])), float(sys.argv[3])
dataset = rdflib.Dataset(default_union=True)
dataset.parse(nq, format="nquads")
class Late(BaseException): pass  # rdflib catches Exception inside FILTERs
def late(*_): raise Late()
signal.signal(signal.SIGALRM, late)
def timed(calls, seconds):  # [seconds, timed out, rows of each call]
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    rows = []
    try:
        for sparql, bindings in calls:
            rows.append(sum(1 for _ in dataset.query(sparql, initBindings=bindings)))
        return [time.perf_counter() - start, False, rows]
    except Late:
        return [seconds, True, None]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
out = {}
for work in workloads:
    # Long enough that a time-out still shows the 10x the target asks for.
    seconds = max(limit, 11 * work["kg_s"])
    best = timed([(sparql, None) for sparql in work["calls"]], seconds) + ["terms"]
    if "initial" in work:  # the query as written, parameters through rdflib's initBindings
        calls = [(q, {k: from_n3(v) for k, v in b.items()} or None) for q, b in work["initial"]]
        other = timed(calls, min(seconds, best[0])) + ["initBindings"]
        # It counts only when faster and, where both finished, with the same rows.
        same = best[1] or other[2] == best[2]
        if not other[1] and other[0] < best[0] and same:
            best = other
    out[work["name"]] = [best[0], best[1], best[3]]
print(json.dumps(out))
"""


def rdflib_times(
    build_dir: Path, workloads: list[dict[str, Any]], limit: float
) -> dict[str, tuple[float, bool, str]]:
    """Each workload once on rdflib's in-memory engine (a separate process, so its memory
    and time limit stay apart): ``name -> (seconds, timed out, form)``.

    rdflib gets its better of two forms: the texts kg hands pyoxigraph (parameters written
    in as terms, ``form`` "terms") and, for queries with parameters, the query as written
    with the parameters through rdflib's own ``initBindings`` ("initBindings"), which
    rdflib's engine often runs faster. The limit is ``limit`` seconds, or 11 times kg's
    time where that is longer, so that a time-out still shows whether kg is 10x faster."""
    with tempfile.TemporaryDirectory() as tmp:
        nq = Path(tmp) / "kg.nq"
        from kg.store import open_store

        nq.write_bytes(open_store(build_dir).dump("nq"))
        spec = Path(tmp) / "work.json"
        spec.write_text(json.dumps(workloads))
        done = subprocess.run(
            [sys.executable, "-c", RDFLIB_WORKER, str(nq), str(spec), str(limit)],
            capture_output=True,
            text=True,
            check=True,
        )
    return {k: (v[0], v[1], v[2]) for k, v in json.loads(done.stdout).items()}


# --- one size ------------------------------------------------------------------------------


def prepare(size: str, work: Path) -> Path:
    """The project folder for ``size``: kg's own (seed) or a generated one."""
    folder = project_folder(size, work)
    if size == "seed":
        return folder
    from bench.generate import generate

    generate(folder, float(size))
    return folder


def project_folder(size: str, work: Path) -> Path:
    return ROOT if size == "seed" else work / f"scale-{size}"


def environment() -> dict[str, str]:
    """The benchmarked processes validate with the official shapes where they are (as kg
    would find them beside the project), else with kg's own."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if CPSV.is_file() and "KG_CPSV_SHAPES" not in env:
        env["KG_CPSV_SHAPES"] = str(CPSV)
    return env


def commands(size: str, work: Path) -> dict[str, list[str]]:
    """Every command measured as a process, by its name in the results (``kg build`` first)."""
    kg = [sys.executable, "-m", "kg", "--root", str(project_folder(size, work))]
    bd = ["--build-dir", str(work / f"build-{size}")]
    out = work / "out"
    out.mkdir(exist_ok=True)
    query = ["query", "run", "programmes-in-municipality", "-p", "municipality", "Kampen"]
    found = {
        "kg build": [*kg, "build", "-q", *bd],
        "kg --help": [sys.executable, "-m", "kg", "--help"],
        "kg query run (whole process)": [*kg, *query, *bd],
        "kg case (whole process)": [*kg, "case", "-m", "Kampen", "-t", "ouderen", *bd],
        "kg viz (whole graph)": [*kg, "viz", "-o", str(out / "all.html"), *bd],
        "kg viz --focus Kampen": [
            *kg,
            "viz",
            "--focus",
            "Kampen",
            "-o",
            str(out / "focus.html"),
            *bd,
        ],
    }
    for fmt in EXPORTS:
        argv = [*kg, "export", "--format", fmt, "-o", str(out / f"kg.{fmt}"), *bd]
        found[f"kg export {fmt}"] = argv
    return found


def bench_size(
    size: str, work: Path, runs: int, rdflib_limit: float, quick: bool, engine_only: bool = False
) -> Size:
    build_dir = work / f"build-{size}"
    env = environment()
    result = Size(size)
    say = lambda text: print(f"[{size}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    from kg.build import read_manifest

    built = (build_dir / "manifest.json").is_file()
    if engine_only and built:
        say(f"queries and cases only, on the existing {build_dir}")
    else:
        prepare(size, work)
    if engine_only:
        if not built:
            say("kg build (once)")
            run_process(commands(size, work)["kg build"], work, env)
    else:
        say("kg build")
        build_runs = 1 if quick else runs
        build = commands(size, work)["kg build"]
        result.measures.append(measure_process("kg build", build, work, env, build_runs))
        say("kg --help, kg query run, kg case, kg viz, kg export (processes)")
        for name, argv in commands(size, work).items():
            if name != "kg build":
                result.measures.append(measure_process(name, argv, work, env, runs))
    result.statements = int(read_manifest(build_dir)["quads"])  # type: ignore[call-overload]
    return _engine(result, build_dir, runs, rdflib_limit, say)


def _engine(
    result: Size, build_dir: Path, runs: int, rdflib_limit: float, say: Callable[[str], None]
) -> Size:
    """The canned queries and cases of ``result``'s size: kg, raw pyoxigraph and rdflib."""
    say("canned queries and cases in one process, and on raw pyoxigraph")
    engine, workloads = engine_measures(build_dir, runs)
    say(f"the same SPARQL on rdflib (limit {rdflib_limit:g} s each)")
    slow = rdflib_times(build_dir, workloads, rdflib_limit)
    for m in engine:
        m.rdflib_s, m.rdflib_timed_out, m.rdflib_form = slow[m.name]
    result.measures += engine
    judge(result)
    return result


def judge(size: Size) -> None:
    """Set each measure's target and whether it is met (targets are for scale 1; smaller
    sizes are judged by the same numbers)."""
    for m in size.measures:
        if m.floor_s is not None:
            m.target = f"<= {MAX_FLOOR_RATIO}x pyoxigraph, >= {MIN_RDFLIB_SPEEDUP:g}x rdflib"
            fast = m.rdflib_speedup is not None and m.rdflib_speedup >= MIN_RDFLIB_SPEEDUP
            m.met = (m.floor_ratio or 0) <= MAX_FLOOR_RATIO and fast
        elif m.name in PROCESS_LIMITS:
            m.target = f"< {PROCESS_LIMITS[m.name]:g} s"
            m.met = m.seconds < PROCESS_LIMITS[m.name]
        if m.peak_mb is not None:
            memory_ok = m.peak_mb < MAX_PEAK_MB
            m.target = (m.target + "; " if m.target else "") + f"peak < {MAX_PEAK_MB:g} MB"
            m.met = memory_ok if m.met is None else (m.met and memory_ok)


# --- report --------------------------------------------------------------------------------


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def markdown(sizes: list[Size], meta: dict[str, Any]) -> str:
    lines = [
        "# kg benchmarks",
        "",
        f"Measured {meta['date']} on {meta['machine']} ({meta['cpus']} CPUs), Python "
        f"{meta['python']}, pyoxigraph {meta['pyoxigraph']}, rdflib {meta['rdflib']}; "
        f"median of {meta['runs']} runs"
        + (
            f" (a query or case quicker than {meta['min_timing_s']:g} s is repeated for that "
            "long per timing)"
            if meta.get("min_timing_s")
            else ""
        )
        + ". Made by `python -m bench.run` "
        "(see its docstring); sizes are kg's own data (`seed`) and synthetic national graphs "
        "from `bench/generate.py` at a scale factor.",
        "",
    ]
    if meta.get("engine_only"):
        lines += [
            "Only the canned queries and cases (`--engine-only`), on an existing build.",
            "",
        ]
    for size in sizes:
        lines += [
            f"## {size.name} ({size.statements:,} statements)",
            "",
            "| what | median | peak memory | pyoxigraph | x floor | rdflib | x faster "
            "| target | met |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for m in size.measures:
            rd = _fmt_s(m.rdflib_s) + (" (limit)" if m.rdflib_timed_out else "")
            rd += " ¹" if m.rdflib_form == "initBindings" else ""
            speed = m.rdflib_speedup
            faster = "" if speed is None else (">" if m.rdflib_timed_out else "") + f"{speed:.0f}"
            lines.append(
                f"| {m.name} | {_fmt_s(m.seconds)} | "
                f"{'' if m.peak_mb is None else f'{m.peak_mb:.0f} MB'} | {_fmt_s(m.floor_s)} | "
                f"{'' if m.floor_ratio is None else f'{m.floor_ratio:.2f}'} | {rd} | "
                f"{faster} | "
                f"{m.target} | {'' if m.met is None else ('yes' if m.met else '**no**')} |"
            )
        lines.append("")
    lines += [
        "rdflib runs the same SPARQL texts as pyoxigraph (parameters written in as terms) and, "
        "for queries with parameters, the query as written with rdflib's own `initBindings`; "
        "its faster form counts (¹: `initBindings`). Its limit is `--rdflib-limit` or 11 "
        "times kg's time, whichever is longer, so a time-out still shows a 10x lead.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        action="append",
        help="seed or a scale factor (repeatable; default: seed, 0.1, 1 and 3, the size of a "
        "complete national graph)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument(
        "--rdflib-limit",
        type=float,
        default=120.0,
        help="seconds rdflib may take per query or case (default 120)",
    )
    parser.add_argument("--quick", action="store_true", help="build once per size")
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="only the canned queries and cases (kg, raw pyoxigraph, rdflib), on the build "
        "already in --work if there is one",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results",
        help="where run.json and run.md go (default bench/results)",
    )
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args(argv)
    sizes = args.scale or ["seed", "0.1", "1", "3"]
    for size in sizes:
        if size != "seed":
            try:
                float(size)
            except ValueError:
                parser.error(f"--scale: {size!r} is neither 'seed' nor a number")
    import pyoxigraph
    import rdflib

    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "runs": args.runs,
        "min_timing_s": MIN_TIMING_S,
        "engine_only": args.engine_only,
    }
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = [
            bench_size(s, work, args.runs, args.rdflib_limit, args.quick, args.engine_only)
            for s in sizes
        ]
        report(results, meta, args.out)
        missed = [f"{s.name}: {m.name}" for s in results for m in s.measures if m.met is False]
        if missed:
            print(f"\n{len(missed)} target(s) not met: " + "; ".join(missed), file=sys.stderr)
        from bench.explain import explain

        print(explain(args.out, work))  # profiles of what the largest size misses
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(results: list[Size], meta: dict[str, Any], out: Path) -> None:
    """run.json and run.md in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "meta": meta,
        "sizes": [
            {
                "name": s.name,
                "statements": s.statements,
                "measures": [
                    asdict(m) | {"floor_ratio": m.floor_ratio, "rdflib_speedup": m.rdflib_speedup}
                    for m in s.measures
                ],
            }
            for s in results
        ],
    }
    (out / "run.json").write_text(json.dumps(data, indent=2) + "\n")
    table = markdown(results, meta)
    (out / "run.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    sys.exit(main())
