"""The documentation's pictures of `kg serve`: the home page, a canned query's answer and a
resource page, and the network pictures (who works with whom, a case, the network around a
programme), taken in headless chromium from the app on a free loopback port.

Usage:  python -m bench.screenshots [--build-dir build] [--out docs/img]
Needs a built graph (kg build), playwright (pip install -e ".[test]") and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from bench.viz import CHROMIUM, FLAGS  # the browser bench/viz.py takes its picture with

ROOT = Path(__file__).resolve().parents[1]

#: (file name, path on the server, what to wait for); on the home page, "Kampen" is typed
#: into the search box first, so the picture shows its suggestions.
PAGES = [
    ("serve-home.png", "/", "#suggestions li"),
    (
        "serve-query.png",
        "/ask/programmes-in-municipality?municipality=Kampen&run=1",
        "section table",
    ),
    ("serve-resource.png", "/id/programme/samen-in-beweging", "iframe.network"),
    ("viz-whole.png", "/network", "#network canvas"),
    (
        "viz-case.png",
        "/network?municipality=Zwolle&target_group=ouderen&theme=bewegen",
        "#network canvas",
    ),
    (
        "viz-around.png",
        "/network?iri=https%3A%2F%2Fw3id.org%2Fkg-sociaal%2Fid%2Fprogramme%2Fsamen-in-beweging",
        "#network canvas",
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    from kg.ask.queries import load_queries
    from kg.store import open_store
    from kg.web.app import create_app

    with open_store(args.build_dir) as store:
        app = create_app(store, load_queries(ROOT / "queries"))
        http = create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=http.run, daemon=True).start()
        base = f"http://127.0.0.1:{http.effective_port}"  # type: ignore[union-attr]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            for name, path, ready in PAGES:
                page.goto(base + path)
                if path == "/":
                    page.locator("#q").press_sequentially("Kampen", delay=30)
                page.wait_for_selector(ready)
                if ready == "#network canvas":  # a network page: wait until drawn
                    page.wait_for_function("window.kgReady === true", timeout=30_000)
                for frame in page.frames[1:]:  # an embedded network: wait until drawn
                    frame.wait_for_function("window.kgReady === true", timeout=30_000)
                page.screenshot(path=str(args.out / name))
                print(f"wrote {args.out / name}")
            browser.close()
        http.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
