"""Why a target is not met: each measure that bench/run.py marked unmet, run once more under
cProfile, with the functions that take its time.

Reads ``run.json`` from the results folder and, for one size (default: the largest measured),
profiles every unmet measure: a command as a process (``python -m cProfile -m kg ...``), a
canned query or a case in this process, on the build bench/run.py left in ``--work``. The
profiles go into ``run.md`` as a last section, "Targets not met, and why" (replaced when run
again), beside the figures from ``run.json``: kg's time, the raw engine's and rdflib's.

Usage:  python -m bench.explain --work DIR [--size 1] [--results bench/results] [--top 12]
bench/run.py calls it itself at the end of a run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

HEADING = "## Targets not met, and why"
#: Frames that only pass the call on (click, the CLI's wrappers, the interpreter).
_PLUMBING = ("click/", "<frozen", "<string>", "{built-in method builtins.exec}", "kg/cli/")


def _size_key(name: str) -> float:
    return 0.0 if name == "seed" else float(name)


def _rows(stats: pstats.Stats, top: int) -> list[tuple[str, int, float, float]]:
    """The ``top`` functions by cumulative time, plumbing left out: (name, calls, own, cum)."""
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{file}:{line}({function})" if line else function
        if any(p in file or p in where for p in _PLUMBING):
            continue
        short = where.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append((short, calls, own, cumulative))
    rows.sort(key=lambda r: -r[3])
    return rows[:top]


def _profile_process(argv: list[str], env: dict[str, str], top: int) -> list[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "profile"
        python, _, *rest = argv  # [python, "-m", "kg", ...]
        command = [python, "-m", "cProfile", "-o", str(out), "-m", *rest]
        subprocess.run(command, env=env, check=True, capture_output=True)
        return _rows(pstats.Stats(str(out), stream=io.StringIO()), top)


def _profile_here(work: Any, top: int) -> list[Any]:
    profile = cProfile.Profile()
    profile.runcall(work)
    return _rows(pstats.Stats(profile, stream=io.StringIO()), top)


def _engine_work(name: str, build_dir: Path) -> Any:
    """What bench/run.py timed for a canned query or a case, as a function of no arguments."""
    from bench.run import CASES
    from kg.ask.case import find
    from kg.ask.queries import load_queries, run_query
    from kg.store import open_store

    store = open_store(build_dir)
    if name.startswith("query "):
        query = load_queries(ROOT / "queries")[name.removeprefix("query ")]
        values = {n: p.example for n, p in query.params.items() if p.example}
        run_query(store, query, values)  # warm, as the benchmark was
        return lambda: run_query(store, query, values)
    for municipality, groups, themes in CASES:
        label = f"case {municipality}" + "".join(f" +{x}" for x in (*groups, *themes))
        if label == name:
            find(store, municipality, groups, themes)
            return lambda: find(store, municipality, groups, themes)
    raise KeyError(name)


def _figures(m: dict[str, Any]) -> str:
    from bench.run import _fmt_s

    parts = [f"kg {_fmt_s(m['seconds'])}"]
    if m.get("peak_mb") is not None:
        parts.append(f"peak {m['peak_mb']:.0f} MB")
    if m.get("floor_s") is not None:
        parts.append(f"raw pyoxigraph {_fmt_s(m['floor_s'])} (x{m['floor_ratio']:.2f})")
    if m.get("rdflib_s") is not None:
        limit = " (limit)" if m.get("rdflib_timed_out") else ""
        speed = m.get("rdflib_speedup") or 0
        parts.append(f"rdflib {_fmt_s(m['rdflib_s'])}{limit} (x{speed:.1f} faster)")
    return "; ".join(parts) + f". Target: {m['target']}."


def explain(results: Path, work: Path, size: str | None = None, top: int = 12) -> str:
    """The section for ``run.md`` (also written into it)."""
    from bench.run import commands, environment

    data = json.loads((results / "run.json").read_text())
    sizes = {s["name"]: s for s in data["sizes"]}
    name = size or max(sizes, key=_size_key)
    chosen = sizes[name]
    unmet = [m for m in chosen["measures"] if m.get("met") is False]
    lines = [HEADING, ""]
    if not unmet:
        lines.append(f"At {name}, every target is met.")
    else:
        lines.append(
            f"At {name}, {len(unmet)} target(s) are not met. Each was run once more under "
            f"cProfile (`python -m bench.explain`); the {top} functions with the most "
            "cumulative time, without the CLI's plumbing:"
        )
    processes = commands(name, work)
    build_dir = work / f"build-{name}"
    for m in unmet:
        print(f"[explain] {m['name']}", file=sys.stderr, flush=True)
        if m["name"] in processes:
            rows = _profile_process(processes[m["name"]], environment(), top)
        else:
            rows = _profile_here(_engine_work(m["name"], build_dir), top)
        lines += ["", f"### {m['name']}", "", _figures(m), ""]
        lines += ["| function | calls | own | cumulative |", "|---|---:|---:|---:|"]
        lines += [f"| `{f}` | {c} | {own:.3f} s | {cum:.3f} s |" for f, c, own, cum in rows]
    section = "\n".join(lines) + "\n"
    table = results / "run.md"
    text = table.read_text() if table.exists() else ""
    if HEADING in text:
        text = text[: text.index(HEADING)]
    table.write_text(text.rstrip("\n") + "\n\n" + section)
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="bench/run.py's --work folder")
    parser.add_argument("--size", help="which size to explain (default: the largest)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--top", type=int, default=12, help="functions per profile")
    args = parser.parse_args(argv)
    print(explain(args.results, args.work, args.size, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
