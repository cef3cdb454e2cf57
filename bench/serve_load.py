"""kg serve under load: pages keep answering while /sparql is saturated (K14).

Starts ``kg serve`` on a free loopback port over a build, then for ``--seconds``:

- ``--clients`` threads ask for pages in turn (home, a resource page, search, suggestions, a
  canned query, a case, the network around a resource), each waiting for its answer;
- ``--heavy`` threads send heavy queries to /sparql without pause (a three-way cross join
  that runs until the time limit, and a join sorted in memory that meets the memory limit).

It prints, for the pages: requests, errors (any status other than 200), median, p95 and
slowest time; for /sparql: the answers by status; and the most memory the server used, its
query workers included (the sum of the resident memory of kg serve and all its descendants,
sampled every 0.2 s).

Usage:  python -m bench.serve_load [--build-dir build] [--seconds 60] [--clients 8]
            [--heavy 8] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "/",
    "/id/programme/samen-in-beweging",
    "/search?q=eenzaamheid",
    "/suggest?q=zwol",
    "/ask/programmes-in-municipality?municipality=Kampen",
    "/queries/programmes-in-municipality?municipality=Kampen",
    "/case?municipality=Zwolle&target_group=ouderen",
    "/network?iri=https%3A%2F%2Fw3id.org%2Fkg-sociaal%2Fid%2Fprogramme%2Fsamen-in-beweging",
)
HEAVY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
)


def _memory(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _get(url: str, data: bytes | None = None, timeout: float = 60) -> int:
    request = urllib.request.Request(url, data=data)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)
    except OSError:
        return 0  # no answer at all


def run(build_dir: Path, seconds: float, clients: int, heavy: int) -> dict[str, Any]:
    import tempfile

    log = tempfile.NamedTemporaryFile("w+", prefix="kg-serve-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--build-dir", str(build_dir)],
        cwd=ROOT,
        stderr=log,
        text=True,
    )
    try:
        base = ""
        deadline = time.monotonic() + 60
        while not base and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
            for line in Path(log.name).read_text().splitlines():
                if line.startswith("Serving "):
                    base = line.split()[1].rstrip("/")
        if not base:
            raise SystemExit(f"kg serve did not start; its log: {log.name}")
        for path in PAGES:  # warm: the first visit reads names and facts once
            _get(base + path)
        stop = threading.Event()
        times: list[float] = []
        statuses: dict[int, int] = {}
        sparql: dict[int, int] = {}
        lock = threading.Lock()
        peak = [0]

        def browse(offset: int) -> None:
            turn = offset
            while not stop.is_set():
                path = PAGES[turn % len(PAGES)]
                turn += 1
                started = time.monotonic()
                status = _get(base + path)
                took = time.monotonic() - started
                with lock:
                    times.append(took)
                    statuses[status] = statuses.get(status, 0) + 1

        def hammer(offset: int) -> None:
            turn = offset
            while not stop.is_set():
                query = HEAVY[turn % len(HEAVY)]
                turn += 1
                data = urllib.parse.urlencode({"query": query}).encode()
                status = _get(base + "/sparql", data)
                with lock:
                    sparql[status] = sparql.get(status, 0) + 1

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _memory(server.pid))
                time.sleep(0.2)

        threads = [threading.Thread(target=browse, args=(i,)) for i in range(clients)]
        threads += [threading.Thread(target=hammer, args=(i,)) for i in range(heavy)]
        threads.append(threading.Thread(target=watch))
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
    logged = Path(log.name).read_text()
    ordered = sorted(times)
    return {
        "seconds": seconds,
        "clients": clients,
        "heavy": heavy,
        "pages": len(times),
        "page_errors": sum(n for s, n in statuses.items() if s != 200),
        "page_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "page_median_s": round(statistics.median(ordered), 3) if ordered else None,
        "page_p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3) if ordered else None,
        "page_max_s": round(ordered[-1], 3) if ordered else None,
        "sparql": {str(k): v for k, v in sorted(sparql.items())},
        "peak_memory_mb": round(peak[0] / 2**20),
        "tracebacks_in_log": logged.count("Traceback"),
        "log": log.name,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--heavy", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.build_dir, args.seconds, args.clients, args.heavy)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{figures['clients']} page clients and {figures['heavy']} heavy /sparql clients, "
        f"{figures['seconds']:g} s"
    )
    print(
        f"pages: {figures['pages']} answered, {figures['page_errors']} errors; "
        f"median {figures['page_median_s']} s, p95 {figures['page_p95_s']} s, "
        f"slowest {figures['page_max_s']} s"
    )
    print(
        "/sparql answers by status: " + ", ".join(f"{k}: {v}" for k, v in figures["sparql"].items())
    )
    print(f"peak memory of kg serve and its workers: {figures['peak_memory_mb']} MB")
    print(f"tracebacks in the server's log: {figures['tracebacks_in_log']} ({figures['log']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
