"""The case finder measured on the case set in ``tests/cases/cases.toml``.

Each case names a municipality, target groups and themes, the items a good answer must and
should contain per part (law, money, programmes, instruments, partners), and items it must not
present as available (ended programmes, programmes elsewhere). This script runs every case
through :func:`kg.ask.case.find` on a build and prints, per part and overall:

- **recall@10** of the *must* items: the share found among the first 10 items of their part;
- **nDCG@10** with graded relevance (must 2, should 1), per part, averaged over the cases that
  have graded items in that part;
- the number of **empty parts** (a part with no item at all), and of empty programme parts;
- the number of **ended programmes shown as running** (an item with status "ended" that is
  marked available, or whose reasons say it runs), and of *must not be available* items
  marked available;
- the time per case: in this process as one ``kg case`` reads, and warm, as kg serve answers
  a new case (the facts every case reads preloaded, :func:`kg.ask.evidence.preload`), and
  with ``--processes`` as a whole ``kg case`` process
  (median and slowest).

Usage:  python -m bench.cases [--build-dir build] [--processes] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CASES = Path(__file__).resolve().parent.parent / "tests" / "cases" / "cases.toml"
PARTS = ("law", "money", "programmes", "instruments", "partners")
TOP = 10


@dataclass
class Scores:
    recall: dict[str, float] = field(default_factory=dict)  # part -> recall@10 of must items
    recall_all: float = 0.0
    ndcg: dict[str, float] = field(default_factory=dict)
    ndcg_all: float = 0.0
    must_found: int = 0
    must_total: int = 0
    empty_parts: int = 0
    empty_programme_parts: int = 0
    ended_shown_running: int = 0
    must_not_available_shown: int = 0
    missed: list[str] = field(default_factory=list)  # "case: part iri"
    cases: int = 0
    municipalities: int = 0
    median_ms: float = 0.0
    slowest_ms: float = 0.0
    warm_median_ms: float = 0.0
    warm_slowest_ms: float = 0.0
    process_median_ms: float = 0.0
    process_slowest_ms: float = 0.0


def load(path: Path = CASES) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = tomllib.loads(path.read_text("utf-8"))["case"]
    return cases


def _dcg(gains: list[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def measure(store: Any, cases: list[dict[str, Any]]) -> Scores:
    from kg.ask.case import find
    from kg.ask.evidence import preload

    s = Scores(cases=len(cases), municipalities=len({c["municipality_iri"] for c in cases}))
    found: dict[str, list[int]] = {p: [0, 0] for p in PARTS}
    ndcgs: dict[str, list[float]] = {p: [] for p in PARTS}
    times, warm = [], []
    for case in cases:  # cold: as one kg case reads
        args = (case["municipality"], case.get("target_groups", []), case.get("themes", []))
        start = time.perf_counter()
        find(store, *args)
        times.append((time.perf_counter() - start) * 1000)
    preload(store)  # warm: as kg serve answers, with the facts every case reads in memory
    for case in cases:
        args = (case["municipality"], case.get("target_groups", []), case.get("themes", []))
        start = time.perf_counter()
        answer = find(store, *args).as_dict()
        warm.append((time.perf_counter() - start) * 1000)
        grade = {(x["part"], x["iri"]): 1 for x in case.get("should", [])}
        grade.update({(x["part"], x["iri"]): 2 for x in case.get("must", [])})
        for part in PARTS:
            items = answer[part]
            s.empty_parts += not items
            s.empty_programme_parts += part == "programmes" and not items
            top = [i["iri"] for i in items[:TOP]]
            for x in case.get("must", []):
                if x["part"] == part:
                    found[part][1] += 1
                    if x["iri"] in top:
                        found[part][0] += 1
                    else:
                        s.missed.append(f"{case['id']}: {part} {x['iri']}")
            ideal = sorted((g for (p, _), g in grade.items() if p == part), reverse=True)[:TOP]
            if ideal:
                gains = [grade.get((part, iri), 0) for iri in top]
                ndcgs[part].append(_dcg(gains) / _dcg(ideal))
        programmes = answer["programmes"]
        s.ended_shown_running += sum(
            1
            for i in programmes
            if i.get("status") == "ended"
            and (i["available"] or any(" loopt " in f" {r} " for r in i["reasons"]))
        )
        shown = {i["iri"] for part in PARTS for i in answer[part] if i["available"]}
        s.must_not_available_shown += sum(
            1 for x in case.get("must_not_available", []) if x["iri"] in shown
        )
    for part in PARTS:
        hit, total = found[part]
        s.recall[part] = round(hit / total, 3) if total else 1.0
        s.ndcg[part] = round(statistics.fmean(ndcgs[part]), 3) if ndcgs[part] else 1.0
    s.must_found = sum(h for h, _ in found.values())
    s.must_total = sum(t for _, t in found.values())
    s.recall_all = round(s.must_found / s.must_total, 3) if s.must_total else 1.0
    every = [x for p in PARTS for x in ndcgs[p]]
    s.ndcg_all = round(statistics.fmean(every), 3) if every else 1.0
    s.median_ms = round(statistics.median(times), 1) if times else 0.0
    s.slowest_ms = round(max(times), 1) if times else 0.0
    s.warm_median_ms = round(statistics.median(warm), 1) if warm else 0.0
    s.warm_slowest_ms = round(max(warm), 1) if warm else 0.0
    return s


def process_times(build_dir: Path, cases: list[dict[str, Any]]) -> list[float]:
    """Each case as a whole ``kg case`` process (start, open the build, answer, print JSON),
    in milliseconds."""
    import subprocess
    import sys

    out = []
    for case in cases:
        command = [sys.executable, "-m", "kg", "case", "--build-dir", str(build_dir)]
        command += ["-m", case["municipality"], "--format", "json"]
        for group in case.get("target_groups", []):
            command += ["-t", group]
        for theme in case.get("themes", []):
            command += ["--theme", theme]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(s: Scores) -> str:
    lines = [
        f"{s.cases} cases over {s.municipalities} municipalities; "
        f"must items found in the top {TOP}: {s.must_found}/{s.must_total}",
        "",
        f"{'part':<12} {'recall@10':>9} {'nDCG@10':>8}",
    ]
    lines += [f"{p:<12} {s.recall[p]:>9.3f} {s.ndcg[p]:>8.3f}" for p in PARTS]
    lines += [
        f"{'all':<12} {s.recall_all:>9.3f} {s.ndcg_all:>8.3f}",
        "",
        f"empty parts: {s.empty_parts} (programme parts: {s.empty_programme_parts})",
        f"ended programmes shown as running: {s.ended_shown_running}",
        f"items that must not be available, shown as available: {s.must_not_available_shown}",
        f"time per case in this process: median {s.median_ms} ms, slowest {s.slowest_ms} ms; "
        f"warm: median {s.warm_median_ms} ms, slowest {s.warm_slowest_ms} ms",
    ]
    if s.process_median_ms:
        lines.append(
            f"time per case as a whole process: median {s.process_median_ms} ms, "
            f"slowest {s.process_slowest_ms} ms"
        )
    if s.missed:
        lines += ["", "missed must items:", *(f"  {m}" for m in s.missed)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--processes", action="store_true", help="also time every case as a kg case process"
    )
    args = parser.parse_args(argv)
    from kg.store import open_store

    cases = load(args.cases)
    with open_store(args.build_dir) as store:
        scores = measure(store, cases)
    if args.processes:
        took = process_times(args.build_dir, cases)
        scores.process_median_ms = round(statistics.median(took), 1)
        scores.process_slowest_ms = round(max(took), 1)
    print(json.dumps(asdict(scores), indent=2) if args.json else report(scores))


if __name__ == "__main__":
    main()
