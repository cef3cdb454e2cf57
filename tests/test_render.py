"""The network page as a file: self-contained, escaped, locked down and deterministic.
(tests/test_browser.py opens it in a real browser.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
import pyvis

from kg.errors import UsageError
from kg.network.render import render_html, script_json

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>window.pwned=1</script>"


def small_graph(label: str = "Programma A", description: str = "") -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(lang="nl")
    graph.graph["sources"] = {"urn:s": ("Bron & <co>", "https://example.org/bron")}
    graph.add_node(
        "urn:a",
        label=label,
        kind="programme",
        description=description,
        sources=("urn:s",),
        schemes=(),
    )
    graph.add_node(
        "urn:b", label="Organisatie B", kind="organisation", description="", sources=(), schemes=()
    )
    graph.add_node(
        "urn:c", label="Gemeente C", kind="municipality", description="", sources=(), schemes=()
    )
    graph.add_edge(
        "urn:b",
        "urn:a",
        key="urn:role",
        label="partner van",
        prop="urn:role",
        role=True,
        sources=("urn:s",),
    )
    graph.add_edge(
        "urn:a",
        "urn:c",
        key="urn:p",
        label="loopt in",
        prop="urn:p",
        role=False,
        sources=("urn:s",),
    )
    return graph


class _Parts(HTMLParser):
    """Scripts, styles and every attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.tags: list[str] = []
        self._in: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, k, v) for k, v in attrs]
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def parts(html: str) -> _Parts:
    parser = _Parts()
    parser.feed(html)
    return parser


def _meta_attributes(page: _Parts) -> list[list[tuple[str, str | None]]]:
    metas: list[list[tuple[str, str | None]]] = []
    for tag, name, value in page.attributes:
        if tag == "meta":
            if name in ("charset", "http-equiv", "name") or not metas:
                metas.append([])
            metas[-1].append((name, value))
    return metas


def payload(html: str) -> dict:
    data = [text for attrs, text in parts(html).scripts if attrs.get("id") == "kg-data"]
    assert len(data) == 1
    return json.loads(data[0])


def test_the_page_loads_nothing_from_elsewhere() -> None:
    html = render_html(small_graph())
    page = parts(html)
    assert "link" not in page.tags and "iframe" not in page.tags
    for tag, name, value in page.attributes:
        assert name not in ("src", "href"), f"<{tag} {name}={value}> would load something"
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)


def test_vis_network_is_inlined_from_the_installed_pyvis() -> None:
    html = render_html(small_graph())
    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    assert vis.read_text("utf-8") in html


def test_the_content_security_policy_allows_only_the_pages_own_scripts() -> None:
    html = render_html(small_graph())
    page = parts(html)
    metas = [dict(a) for a in _meta_attributes(page)]
    policy = next(m["content"] for m in metas if m.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "connect-src" not in policy  # falls back: none
    allowed = set(re.findall(r"'sha256-([^']+)'", policy))
    runnable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    digests = {
        base64.b64encode(hashlib.sha256(t.encode("utf-8")).digest()).decode() for t in runnable
    }
    assert digests == allowed and len(allowed) == 2


@pytest.mark.parametrize("hostile", [HOSTILE, SCRIPT, "<!--", "a\u2028b", "&amp; & <b>"])
def test_hostile_text_travels_as_inert_json(hostile) -> None:
    html = render_html(small_graph(label=hostile, description=hostile), title=hostile)
    if "<" in hostile:  # never raw: entity-escaped in the title, \u-escaped in the JSON
        assert hostile not in html
    raw = next(text for attrs, text in parts(html).scripts if attrs.get("id") == "kg-data")
    assert not set("<>&\u2028") & set(raw)
    data = payload(html)
    node = next(n for n in data["nodes"] if n["iri"] == "urn:a")
    assert node["full"] == hostile and node["description"] == hostile
    assert node["label"].rstrip("…") in hostile  # drawn, perhaps shortened
    assert data["sources"][0]["title"] == "Bron & <co>"


def test_the_title_is_escaped() -> None:
    html = render_html(small_graph(), title=HOSTILE)
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in html
    assert HOSTILE not in html


def test_script_json_escapes_what_could_end_a_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_the_same_graph_gives_the_same_bytes() -> None:
    assert render_html(small_graph()) == render_html(small_graph())


def test_nodes_have_positions_sizes_and_the_page_its_legend() -> None:
    data = payload(render_html(small_graph(), size_by="degree"))
    by_iri = {n["iri"]: n for n in data["nodes"]}
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    # The programme has two links, the others one: it is drawn biggest.
    assert by_iri["urn:a"]["size"] > by_iri["urn:b"]["size"] == by_iri["urn:c"]["size"]
    assert [k["key"] for k in data["kinds"]] == ["programme", "municipality", "organisation"]
    assert [(e["words"], e["sources"]) for e in data["edges"]] == [
        ("loopt in", [0]),
        ("partner van", [0]),
    ]


def test_colour_by_community_fills_the_community_legend() -> None:
    data = payload(render_html(small_graph(), colour_by="community"))
    assert data["communities"] and all("community" in n for n in data["nodes"])


def test_link_words_show_only_for_the_selected_node() -> None:
    """Drawn on every link, the words piled up around a hub (K15): the page shows them for
    the selected node's links only; every link keeps them as its tooltip."""
    data = payload(render_html(small_graph()))
    assert data["edges"] and all("label" not in e for e in data["edges"])  # none drawn
    assert all(e["title"] == e["words"] for e in data["edges"])


def test_two_links_between_the_same_nodes_are_curved_apart() -> None:
    graph = small_graph()
    graph.add_edge("urn:a", "urn:b", key="urn:q", label="ander verband", prop="urn:q", sources=())
    edges = payload(render_html(graph))["edges"]
    curves = [e.get("smooth", {}).get("roundness") for e in edges if {e["from"], e["to"]} == {0, 1}]
    assert len(curves) == 2 and len(set(curves)) == 2 and None not in curves


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"size_by": "pagerank"}, "--size-by: unknown measure 'pagerank'"),
        ({"colour_by": "domain"}, "--color-by: unknown colouring 'domain'"),
    ],
)
def test_bad_render_options(options, message) -> None:
    with pytest.raises(UsageError, match=message):
        render_html(small_graph(), **options)


@pytest.mark.slow
def test_kg_viz_pages_are_byte_identical_across_processes(real_build, tmp_path) -> None:
    """Layout, communities and JSON do not depend on the hash seed or the process."""
    import os
    import subprocess
    import sys

    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"page-{seed}.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kg",
                "--root",
                str(real_build.ontology_dir.parent),
                "viz",
                "--build-dir",
                str(real_build.build_dir),
                "--color-by",
                "community",
                "--size-by",
                "betweenness",
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
