"""Benchmark of the network page: file size, time to write it, and time until it is usable in
a real browser (Debian's chromium, headless), for the seed graph and the national graph.

"Usable" is the moment vis-network has drawn the finished picture for the first time
(``window.kgReadyAt``, measured from the start of navigation): by then the search, filters and
panel are wired, because the page's script runs before the first drawing.

- seed graph: the nodes the five seed documents state something about, and their links;
- national graph: everything ``kg viz`` draws by default (all 342 municipalities, GGD regions,
  provinces, programmes, partners and instruments);
- national, every kind: the same with sources, people, findings and the rest.

Usage:  python -m bench.viz [--runs 5] [--build-dir build] [--picture NAME] [--results DIR]
        [--screenshot docs/img/viz-focus.png]
Needs a built graph (kg build), playwright (pip install -e ".[test]") and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.network import KINDS, keep_kinds, neighbourhood, project, resolve_nodes, summary, view
from kg.network.render import render_html
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def seed_sources() -> set[str]:
    """The source IRIs of the five seed documents: the graph names in data/documents/."""
    names: set[str] = set()
    for path in sorted((ROOT / "data" / "documents").glob("*.trig")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            if isinstance(quad.graph_name, ox.NamedNode):
                names.add(quad.graph_name.value)
    return names


def pictures(store, names: list[str]) -> dict[str, object]:
    """The pictures called ``names``, each drawn only when asked for."""

    def seed() -> object:
        national = view(store)
        seeds = seed_sources()
        stated = [n for n, d in national.nodes(data=True) if seeds & set(d["sources"])]
        return national.subgraph(stated).copy()

    draw = {
        "seed graph": seed,
        "national graph": lambda: view(store),
        "national, every kind": lambda: keep_kinds(project(store), [k.key for k in KINDS]),
    }
    return {name: draw[name]() for name in names}


PICTURES = ["seed graph", "national graph", "national, every kind"]


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _local_only(route) -> None:
    """Let the page's own file through; refuse anything else."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def time_to_usable(browser, path: Path, runs: int) -> float:
    """Median seconds from navigation to the first finished drawing, each in a fresh page."""
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route("**/*", _local_only)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=120_000)
        times.append(page.evaluate("window.kgReadyAt") / 1000)
        context.close()
    return statistics.median(times)


def screenshot(browser, store, out: Path) -> None:
    """The README's picture: what `kg viz --focus "Samen in Beweging"` draws, selected."""
    graph = keep_kinds(project(store), [k.key for k in KINDS if k.shown])
    focus = resolve_nodes(graph, ["Samen in Beweging"])
    page_file = Path(tempfile.mkdtemp()) / "focus.html"
    title = "kg: rond Samen in Beweging"
    page_file.write_text(render_html(neighbourhood(graph, focus, 1), title=title), "utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 820}, device_scale_factor=1)
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function("window.kgReady === true")
    page.screenshot(path=str(out))
    context.close()
    print(f"wrote {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--screenshot", type=Path, help="also write the README screenshot here")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--picture",
        dest="pictures",
        action="append",
        choices=PICTURES,
        help="measure only this picture (repeatable; default: all three)",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows = []
    with open_store(args.build_dir) as store, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        folder = Path(tempfile.mkdtemp())
        for name, graph in pictures(store, args.pictures or PICTURES).items():
            html = render_html(graph)
            path = folder / f"{name.replace(' ', '-').replace(',', '')}.html"
            path.write_text(html, "utf-8")
            write = median_seconds(lambda g=graph: render_html(g), args.runs)
            usable = time_to_usable(browser, path, args.runs)
            rows.append(
                {
                    "picture": name,
                    "contents": summary(graph),
                    "nodes": graph.number_of_nodes(),
                    "links": graph.number_of_edges(),
                    "file_bytes": len(html.encode("utf-8")),
                    "write_seconds": round(write, 3),
                    "usable_seconds": round(usable, 3),
                }
            )
            print(f"{name}: {rows[-1]}", file=sys.stderr)
        if args.screenshot:
            screenshot(browser, store, args.screenshot)
        browser.close()

    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "viz.json").write_text(
        json.dumps({"machine": machine, "runs": args.runs, "results": rows}, indent=2) + "\n"
    )
    lines = [
        f"Network page benchmark ({machine}; median of {args.runs} runs; `python -m bench.viz`).",
        "",
        "| picture | nodes | links | file size | write HTML | usable in chromium |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['picture']} | {r['nodes']} | {r['links']} | {r['file_bytes'] / 1e6:.2f} MB "
            f"| {r['write_seconds']:.2f} s | {r['usable_seconds']:.2f} s |"
        )
    table = "\n".join(lines) + "\n"
    (args.results / "viz.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
