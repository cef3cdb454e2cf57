"""Benchmark of the network page: file size, time to write it, and time until it is usable in
a real browser (Debian's chromium, headless), for the seed graph and the national graph.

"Usable" is the moment vis-network has drawn the finished picture for the first time
(``window.kgReadyAt``, measured from the start of navigation): by then the search, filters and
panel are wired, because the page's script runs before the first drawing.

For each kind of picture ``kg viz`` draws (who works with whom, a focus, a query, a case, the
kinds programme and organisation, every kind) it also measures readability as the page first
fits the picture (:data:`MEASURE_JS`): overlapping node pairs, the share of drawn labels that
meet another, and the smallest label on screen.

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
from typing import Any

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


def pictures(store, names: list[str]) -> dict[str, object]:
    """The pictures called ``names``, each drawn only when asked for: one of each kind
    ``kg viz`` draws. On a synthetic build the focus, query and case name what it holds."""
    from kg.ask.queries import find_query
    from kg.network import Case

    def first(kind: str) -> str:
        """The IRI of the first drawn node of ``kind`` (an IRI: names can be ambiguous)."""
        whole = view(store)
        return next(
            n for n, d in sorted(whole.nodes(data=True)) if d["kind"] == kind and not d.get("group")
        )

    def municipality() -> str:
        rows = store.select_values(
            "SELECT ?l WHERE { ?m a <https://w3id.org/kg-sociaal/def#Municipality> ; "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l LIMIT 1"
        )
        return str(rows[0][0])

    draw = {
        "who works with whom": lambda: view(store),
        "focus": lambda: view(store, focus=[first("programme")]),
        "query": lambda: view(
            store,
            query=find_query(ROOT / "queries", "programmes-in-municipality"),
            values={"municipality": municipality()},
        ),
        "case": lambda: view(store, case=Case(municipality(), ("ouderen",), ())),
        "programmes and organisations": lambda: view(store, kinds=("programme", "organisation")),
        "every kind": lambda: keep_kinds(project(store), [k.key for k in KINDS]),
    }
    return {name: draw[name]() for name in names}


PICTURES = [
    "who works with whom",
    "focus",
    "query",
    "case",
    "programmes and organisations",
    "every kind",
]


#: Measures the picture as the page first shows it (fitted): overlapping node pairs,
#: overlapping label pairs and the labels involved, and the smallest label on screen (pixels).
#: Nodes are discs as wide as vis-network draws them; labels are the boxes vis-network
#: computed when it drew them (empty labels, drawn as " ", do not count).
MEASURE_JS = """() => {
  const net = kgNetwork;
  net.fit({animation: false});
  net.redraw();
  const scale = net.getScale();
  const shown = net.body.data.nodes.get({filter: n => !n.hidden});
  const discs = [], boxes = [];
  let smallest = null;
  for (const item of shown) {
    const node = net.body.nodes[item.id];
    const r = Math.max(node.shape.width || 0, node.shape.height || 0) / 2 || item.size || 10;
    discs.push({x: node.x, y: node.y, r: r});
    const text = (node.options.label || "").trim();
    if (!text) continue;
    const s = node.labelModule.size;
    const up = node.options.font.vadjust || 0;  // drawn moved by this; the size is not
    boxes.push({l: s.left, t: s.top + up, r: s.left + s.width, b: s.top + up + s.height});
    const px = node.options.font.size * scale;
    smallest = smallest === null ? px : Math.min(smallest, px);
  }
  let nodePairs = 0;
  for (let i = 0; i < discs.length; i++)
    for (let j = i + 1; j < discs.length; j++) {
      const a = discs[i], b = discs[j];
      if (Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r - 0.5) nodePairs++;
    }
  let labelPairs = 0;
  const involved = new Set();
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5) {
        labelPairs++; involved.add(i); involved.add(j);
      }
    }
  return {shown: discs.length, labels: boxes.length, overlapping_nodes: nodePairs,
          overlapping_label_pairs: labelPairs,
          overlapping_label_share: boxes.length ? involved.size / boxes.length : 0,
          smallest_label_px: smallest === null ? null : Math.round(smallest * 10) / 10,
          scale: Math.round(scale * 1000) / 1000};
}"""


def readability(page) -> dict[str, float | int | None]:
    """:data:`MEASURE_JS` on an open network page."""
    figures: dict[str, float | int | None] = page.evaluate(MEASURE_JS)
    return figures


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


def time_to_usable(browser, path: Path, runs: int) -> tuple[float, dict[str, Any]]:
    """Median seconds from navigation to the first finished drawing, each in a fresh page,
    and the picture's readability at fit (:func:`readability`, from the last run)."""
    times = []
    figures: dict[str, Any] = {}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route("**/*", _local_only)
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("window.kgReady === true", timeout=120_000)
        times.append(page.evaluate("window.kgReadyAt") / 1000)
        figures = readability(page)
        context.close()
    return statistics.median(times), figures


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
            usable, seen = time_to_usable(browser, path, args.runs)
            rows.append(
                {
                    "picture": name,
                    "contents": summary(graph),
                    "nodes": graph.number_of_nodes(),
                    "links": graph.number_of_edges(),
                    "file_bytes": len(html.encode("utf-8")),
                    "write_seconds": round(write, 3),
                    "usable_seconds": round(usable, 3),
                    **seen,
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
        "| picture | nodes (shown) | links | labels drawn | overlapping nodes | overlapping "
        "labels | smallest label | file size | write HTML | usable in chromium |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['picture']} | {r['nodes']} ({r['shown']}) | {r['links']} | {r['labels']} "
            f"| {r['overlapping_nodes']} | {100 * r['overlapping_label_share']:.1f}% "
            f"| {r['smallest_label_px']} px | {r['file_bytes'] / 1e6:.2f} MB "
            f"| {r['write_seconds']:.2f} s | {r['usable_seconds']:.2f} s |"
        )
    table = "\n".join(lines) + "\n"
    (args.results / "viz.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
