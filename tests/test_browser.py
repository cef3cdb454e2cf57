"""The network page in a real browser (Debian's chromium, headless) with the network blocked:
it draws, searches, filters and explains, makes no request and runs nothing from the data."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from kg.network import view
from kg.network.render import render_html
from kg.store import open_store

from .conftest import Tab
from .test_render import HOSTILE, small_graph

SIB = "https://w3id.org/kg-sociaal/id/programme/samen-in-beweging"
KAMPEN = "https://identifier.overheid.nl/tooi/id/gemeente/gm0166"


class Visit(Tab):
    """A page opened from a file with every request outside it refused and recorded."""

    def __init__(self, browser, path: Path) -> None:
        url = path.resolve().as_uri()
        super().__init__(browser, lambda asked: asked == url, 1400, 900)
        self.page.goto(url)
        self.page.wait_for_function("window.kgReady === true", timeout=30_000)

    @property
    def requests(self) -> list[str]:
        """Requests refused or failed: the page must make none."""
        return self.refused + self.failed

    def node_id(self, iri: str) -> int:
        return self.page.evaluate(
            "iri => kgNetwork.body.data.nodes.get({filter: n => n.iri === iri})[0].id", iri
        )

    def click_node(self, iri: str) -> None:
        """A real mouse click where the node is drawn."""
        node = self.node_id(iri)
        self.page.evaluate("id => kgNetwork.focus(id, {scale: 1.5, animation: false})", node)
        spot = self.page.evaluate(
            "id => { const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);"
            " const r = document.getElementById('network').getBoundingClientRect();"
            " return {x: r.left + p.x, y: r.top + p.y}; }",
            node,
        )
        self.page.mouse.click(spot["x"], spot["y"])

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def national_page(real_build, tmp_path_factory) -> Path:
    with open_store(real_build.build_dir) as store:
        graph = view(store)
    path = tmp_path_factory.mktemp("viz") / "national.html"
    path.write_text(render_html(graph, title=graph.graph["title"]), "utf-8")
    return path


def test_the_national_picture_works_offline(browser, national_page) -> None:
    visit = Visit(browser, national_page)
    page = visit.page
    try:
        # Who works with whom: the nodes are there and drawn; laws and instruments wait.
        total = page.evaluate("kgNetwork.body.data.nodes.length")
        held = page.evaluate("kgNetwork.body.data.nodes.get({filter: n => n.hidden}).length")
        drawn = int(page.inner_text("#node-count"))
        assert drawn == total - held and 20 < drawn < 100 and held > 0
        assert page.inner_text("h1").startswith("kg: wie werkt met wie")
        assert "zonder bekende partner niet getekend" in page.inner_text("header")
        painted = page.evaluate(
            "(() => { const c = document.querySelector('#network canvas');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i+3] && d[i] < 200) n++;"
            " return n; })()"
        )
        assert painted > 1000, "the canvas is (nearly) blank"

        # The search finds Kampen; Enter selects it and opens its panel.
        page.fill("#search", "kampen")
        assert "Gemeente Kampen" in page.inner_text("#search-results")
        page.press("#search", "Enter")
        page.wait_for_selector("#panel:not([hidden])")
        assert page.inner_text("#panel-label") == "Gemeente Kampen"
        assert page.evaluate("kgNetwork.getSelectedNodes()") == [visit.node_id(KAMPEN)]

        # Clicking a node shows its panel: kind, description, links with sources, sources.
        visit.click_node(SIB)
        page.wait_for_function(
            "document.getElementById('panel-label').textContent === 'Samen in Beweging'"
        )
        assert page.inner_text("#panel-kind") == "programma"
        assert "platteland van Overijssel" in page.inner_text("#panel-description")
        links = page.inner_text("#panel-links")
        assert "Gemeente Kampen · deelnemende gemeente van · Samen in Beweging" in links
        assert "bron: ZonMw-projectpagina's Samen in Beweging" in links
        sources = page.inner_text("#panel-sources")
        assert "ZonMw-projectpagina's Samen in Beweging met kwetsbare bewoners" in sources

        # The panel lists status and places; neighbours stay coloured, the rest is dimmed.
        facts = page.inner_text("#panel-facts")
        assert "afgelopen" in facts and "Gemeente Kampen" in facts
        kampen = page.evaluate(
            "id => kgNetwork.body.data.nodes.get(id).color", visit.node_id(KAMPEN)
        )
        dimmed = page.evaluate(
            "kgNetwork.body.data.nodes.get().filter(n => String(n.color).startsWith("
            "'rgba(200,200,200')).length"
        )
        assert not str(kampen).startswith("rgba(200,200,200") and dimmed > 10

        # A link in the panel moves the selection to that neighbour.
        page.get_by_role("button", name="Gemeente Kampen", exact=True).first.click()
        page.wait_for_function(
            "document.getElementById('panel-label').textContent === 'Gemeente Kampen'"
        )

        # Link words show for the selected node's links only, and go when the selection does.
        def labelled() -> int:
            return page.evaluate(
                "kgNetwork.body.data.edges.get().filter(e => e.label && e.label.trim()).length"
            )

        assert (
            labelled()
            == page.evaluate("kgNetwork.getConnectedEdges(kgNetwork.getSelectedNodes()[0]).length")
            > 0
        )
        page.click("#reset")
        assert labelled() == 0

        # The search knows other names: an abbreviation finds the accord.
        page.fill("#search", "GALA")
        assert page.inner_text("#search-results").startswith("Gezond en Actief Leven Akkoord")

        # Laws and instruments are one click away.
        laws = page.get_by_label(re.compile(r"^wet \("))
        assert not laws.is_checked()
        laws.check()
        assert int(page.inner_text("#node-count")) > drawn
        laws.uncheck()

        # Filters by place and status: Overijssel keeps what runs there and who works on it.
        page.select_option("#filter-places", "Overijssel")
        there = int(page.inner_text("#node-count"))
        assert 0 < there < drawn
        shown = page.evaluate(
            "kgNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.iri)"
        )
        assert SIB in shown and KAMPEN in shown
        page.select_option("#filter-places", "")
        page.select_option("#filter-status", "afgelopen")
        ended = page.evaluate(
            "kgNetwork.body.data.nodes.get({filter: n => !n.hidden && n.status}).map(n => n.status)"
        )
        assert ended and set(ended) == {"afgelopen"}
        page.select_option("#filter-status", "")
        assert int(page.inner_text("#node-count")) == drawn

        # The legend filters by kind, and the counts follow.
        municipalities = page.get_by_label(re.compile(r"^gemeente \("))
        count = int(
            re.search(
                r"\((\d+)\)",
                page.inner_text("#kinds")[page.inner_text("#kinds").index("gemeente") :],
            ).group(1)
        )
        municipalities.uncheck()
        assert int(page.inner_text("#node-count")) == drawn - count
        hidden = page.evaluate(
            "id => kgNetwork.body.data.nodes.get(id).hidden", visit.node_id(KAMPEN)
        )
        assert hidden is True
        page.fill("#search", "Kampen")
        assert "gemeente, verborgen" in page.inner_text("#search-results")
        page.press("#search", "Enter")  # picking a hidden node by name shows its kind again
        page.wait_for_selector("#panel:not([hidden])")
        assert municipalities.is_checked()
        assert int(page.inner_text("#node-count")) == drawn

        page.click("#fit")
        page.click("#reset")
        assert page.is_hidden("#panel")
        assert visit.errors == []
        assert visit.requests == []
    finally:
        visit.close()


def _many_links(programmes: int, municipalities: int) -> nx.MultiDiGraph:
    """Every programme running in every municipality: programmes x municipalities links."""
    graph = nx.MultiDiGraph(lang="nl", sources={})
    for m in range(municipalities):
        graph.add_node(f"urn:m{m}", label=f"Gemeente {m}", kind="municipality", sources=())
    for p in range(programmes):
        graph.add_node(f"urn:p{p}", label=f"Programma {p}", kind="programme", sources=())
        for m in range(municipalities):
            graph.add_edge(f"urn:p{p}", f"urn:m{m}", key="urn:in", label="loopt in", sources=())
    return graph


ARROWS = (
    "(() => { const b = kgNetwork.body; return b.edgeIndices.map(i => b.edges[i])"
    ".filter(e => e.options.arrows.to.enabled).length; })()"
)


def _zoom_until(page, below: bool, scale: float) -> float:
    """Turn the mouse wheel over the picture until the zoom passes ``scale``."""
    page.mouse.move(700, 450)
    for _ in range(60):
        now = page.evaluate("kgNetwork.getScale()")
        if (now < scale) if below else (now >= scale):
            return now
        page.mouse.wheel(0, 400 if below else -400)
        page.wait_for_timeout(30)
    raise AssertionError(f"the wheel did not bring the zoom past {scale} (now {now})")


def test_arrow_heads_on_a_large_picture_follow_the_zoom(browser, tmp_path) -> None:
    """Above 2,000 links, heads are drawn only from a zoom of 0.25 (where they are 3 pixels and
    more); below that many, always."""
    path = tmp_path / "large.html"
    path.write_text(render_html(_many_links(100, 25)), "utf-8")  # 2,500 links
    visit = Visit(browser, path)
    page = visit.page
    try:
        page.fill("#search", "Programma 7")
        page.press("#search", "Enter")  # selects and zooms in (to 1, less the panel's width)
        page.wait_for_selector("#panel:not([hidden])")
        assert page.evaluate("kgNetwork.getScale()") > 0.5
        assert page.evaluate(ARROWS) == 2500
        _zoom_until(page, below=True, scale=0.25)
        assert page.evaluate(ARROWS) == 0
        _zoom_until(page, below=False, scale=0.25)
        assert page.evaluate(ARROWS) == 2500
        _zoom_until(page, below=True, scale=0.25)
        page.click("#fit")
        fitted = page.evaluate("kgNetwork.getScale()")
        assert page.evaluate(ARROWS) == (2500 if fitted >= 0.25 else 0)
        assert visit.errors == []
    finally:
        visit.close()

    path = tmp_path / "smaller.html"
    path.write_text(render_html(_many_links(50, 25)), "utf-8")  # 1,250 links
    visit = Visit(browser, path)
    try:
        _zoom_until(visit.page, below=True, scale=0.1)
        assert visit.page.evaluate(ARROWS) == 1250
    finally:
        visit.close()


def test_a_hostile_label_is_shown_as_text(browser, tmp_path) -> None:
    graph = small_graph(label=HOSTILE, description="<script>window.pwned = 1</script>")
    graph.graph["sources"]["urn:s"] = ("<b>vet</b>", "javascript:alert(1)")
    path = tmp_path / "hostile.html"
    path.write_text(render_html(graph, title=HOSTILE), "utf-8")
    visit = Visit(browser, path)
    page = visit.page
    try:
        page.fill("#search", "img")
        page.press("#search", "Enter")
        page.wait_for_selector("#panel:not([hidden])")
        assert page.text_content("#panel-label") == HOSTILE
        assert page.text_content("#panel-description") == "<script>window.pwned = 1</script>"
        assert page.text_content("h1") == HOSTILE
        assert page.title() == HOSTILE
        assert page.text_content("#panel-sources") == "<b>vet</b>"
        assert page.evaluate("document.querySelectorAll('img, b, #panel a').length") == 0
        assert page.evaluate("window.pwned") is None
        visit.page.wait_for_timeout(200)
        assert visit.dialogs == [] and visit.errors == [] and visit.requests == []
    finally:
        visit.close()


# --- readable at first sight (K15) ----------------------------------------------------------

PICTURES = {
    "whole": {},
    "focus": {"focus": ["Samen in Beweging"]},
    "query": {"query": "programmes-in-municipality", "values": {"municipality": "Zwolle"}},
    "case": {"case": ("Zwolle", ("ouderen",), ("bewegen",))},
    "types": {"kinds": ("programme", "organisation")},
}


@pytest.mark.parametrize("kind", list(PICTURES))
def test_every_picture_is_readable_at_fit(browser, real_build, tmp_path, kind) -> None:
    """Measured in the browser as the page first shows it: no two nodes overlap, at most 2%
    of the drawn labels meet another, and no label is under 10 pixels high on screen."""
    from bench.viz import readability
    from kg.ask.queries import find_query
    from kg.network import Case

    from .conftest import ROOT

    asked = dict(PICTURES[kind])
    if "query" in asked:
        asked["query"] = find_query(ROOT / "queries", asked["query"])
    if "case" in asked:
        asked["case"] = Case(*asked["case"])
    with open_store(real_build.build_dir) as store:
        graph = view(store, **asked)
    assert graph.number_of_nodes() <= 300
    path = tmp_path / f"{kind}.html"
    path.write_text(render_html(graph, title=graph.graph["title"]), "utf-8")
    visit = Visit(browser, path)
    try:
        figures = readability(visit.page)
        assert visit.errors == [] and visit.requests == []
    finally:
        visit.close()
    assert figures["overlapping_nodes"] == 0, figures
    assert figures["overlapping_label_share"] <= 0.02, figures
    assert figures["labels"] >= 10 and figures["smallest_label_px"] >= 10, figures
