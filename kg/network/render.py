"""A network (:mod:`kg.network`) -> one self-contained, offline, escaped HTML page.

pyvis assembles the nodes and edges; the page is kg's own template (``templates/network.html``)
with vis-network's script and style read from the installed pyvis package and inlined, because
no pyvis mode is offline (its "local" and "in_line" modes still fetch from CDNs, pyvis #228 and
#229) and its template inserts ``heading`` and link-bearing tooltips as raw HTML.

Safety: every text from the data travels as JSON inside a ``<script type="application/json">``
block (with ``<``, ``>`` and ``&`` escaped) and reaches the page only through ``textContent``
and vis-network's plain-text tooltips; a Content-Security-Policy allows only the page's own
inline scripts (by hash) and no network request of any kind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.build.netfacts import KIND_BY_KEY, KINDS
from kg.errors import KgError, UsageError
from kg.i18n import by_language

if TYPE_CHECKING:
    import networkx as nx

SIZE_METRICS = ("degree", "betweenness", "bridging", "none")
COLOURINGS = ("kind", "community")
#: Colours for communities (Okabe-Ito and Tableau, distinguishable side by side).
COMMUNITY_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#9467bd",
)


#: Communities beyond the palette, and nodes alone in theirs.
@dataclass(frozen=True, kw_only=True)
class Style:
    """How a kind of node is drawn: its colour and its vis-network shape (label below)."""

    colour: str
    shape: str


#: Each kind's style. Colours: a qualitative palette whose neighbours stay distinguishable for
#: colour-blind readers.
STYLES: dict[str, Style] = {
    "programme": Style(colour="#0072b2", shape="dot"),
    "intervention": Style(colour="#56b4e9", shape="diamond"),
    "municipality": Style(colour="#009e73", shape="square"),
    "region": Style(colour="#66a61e", shape="hexagon"),
    "place": Style(colour="#a6d854", shape="triangleDown"),
    "organisation": Style(colour="#e69f00", shape="triangle"),
    "law": Style(colour="#d55e00", shape="star"),
    "accord": Style(colour="#cc79a7", shape="star"),
    "scheme": Style(colour="#b8860b", shape="star"),
    "policy": Style(colour="#8c564b", shape="star"),
    "concept": Style(colour="#999999", shape="dot"),
    "source": Style(colour="#444444", shape="square"),
    "person": Style(colour="#f0e442", shape="dot"),
    "output": Style(colour="#7f7f7f", shape="triangleDown"),
    "event": Style(colour="#17becf", shape="diamond"),
    "finding": Style(colour="#bcbd22", shape="dot"),
    "phase": Style(colour="#c5b0d5", shape="dot"),
}

OTHER_COLOUR = "#bbbbbb"
_MIN_SIZE, _MAX_SIZE = 8.0, 34.0

#: The page's own words (kg.i18n); data labels come from the graph in the chosen language.
WORDS: dict[str, dict[str, Any]] = by_language("picture")
_SIZE_WORDS = by_language("picture_sizes")


def _asset(relative: str) -> str:
    """A file shipped inside the installed pyvis package (vis-network, read, never copied)."""
    try:
        import pyvis
    except ImportError as exc:  # pragma: no cover - a dependency
        raise KgError("pyvis is not installed; run: pip install pyvis") from exc
    path = Path(pyvis.__file__).parent / "lib" / relative
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"{path}: cannot read pyvis's copy of vis-network ({exc.strerror})") from None
    if "</script" in text.lower() or "</style" in text.lower():
        raise KgError(f"{path}: cannot be inlined safely (contains a closing tag)")
    return text


def _template() -> str:
    return resources.files("kg").joinpath("templates/network.html").read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``
    (so no ``</script>`` or ``<!--``) and no line separators JavaScript would choke on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _sizes(graph: nx.MultiDiGraph, metric: str) -> dict[str, float]:
    """Node sizes between _MIN_SIZE and _MAX_SIZE by ``metric`` (square-root scaled)."""
    import networkx as nx

    from kg.network.analysis import measure, partner_network

    if metric not in SIZE_METRICS:
        raise UsageError(
            f"--size-by: unknown measure {metric!r}; expected one of {', '.join(SIZE_METRICS)}"
        )
    if metric == "none" or graph.number_of_nodes() == 0:
        return {n: 14.0 for n in graph}
    simple = nx.Graph(graph)
    bridging = partner_network(graph).bridging() if metric == "bridging" else {}
    values = measure(simple, metric, bridging)
    top = max(values.values()) or 1.0
    return {
        n: round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(values[n] / top), 1) for n in graph
    }


def _colours(graph: nx.MultiDiGraph, colour_by: str) -> tuple[dict[str, str], dict[str, int]]:
    """Node colours, and (for communities) each node's community number."""
    import networkx as nx

    from kg.network.analysis import communities

    if colour_by not in COLOURINGS:
        raise UsageError(
            f"--color-by: unknown colouring {colour_by!r}; expected one of {', '.join(COLOURINGS)}"
        )
    if colour_by == "kind":
        return {n: STYLES[k].colour for n, k in graph.nodes(data="kind")}, {}
    number = communities(nx.Graph(graph))
    return {n: community_colour(c, number) for n, c in number.items()}, number


def community_colour(community: int, number: dict[str, int]) -> str:
    """One of COMMUNITY_COLOURS for the largest communities; grey for the rest and for nodes
    alone in their community, so that no two communities share a colour."""
    size = sum(1 for c in number.values() if c == community)
    if community > len(COMMUNITY_COLOURS) or size < 2:
        return OTHER_COLOUR
    return COMMUNITY_COLOURS[community - 1]


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str = "",
    size_by: str = "degree",
    colour_by: str = "kind",
) -> str:
    """The page for ``graph`` (a projection or a view of one), deterministic for the same
    input."""
    return render_page(graph, title=title, size_by=size_by, colour_by=colour_by)[0]


def render_page(
    graph: nx.MultiDiGraph,
    *,
    title: str = "",
    size_by: str = "degree",
    colour_by: str = "kind",
) -> tuple[str, str]:
    """:func:`render_html`'s page and its Content-Security-Policy (also in the page's
    ``<meta>``), for a server that sends the policy as a header too."""
    lang = graph.graph.get("lang", "nl")
    words = WORDS[lang]
    colours, community = _colours(graph, colour_by)
    net, source_ids = _vis_network(graph, _sizes(graph, size_by), colours, community)
    titles = graph.graph.get("sources", {})
    sources: list[dict[str, str | None]] = []
    for iri in source_ids:  # in the order of their numbers
        name, page = titles.get(iri, (iri, None))
        sources.append({"iri": iri, "title": name, "page": page})
    pyvis_nodes, pyvis_edges, _, _, _, _ = net.get_network_data()
    payload = {
        "lang": lang,
        "words": words,
        "nodes": pyvis_nodes,
        "edges": pyvis_edges,
        "sources": sources,
        "kinds": _kind_legend(graph, lang),
        "communities": _community_legend(community),
        "font": graph.graph.get("font", 14.0),
        "colourBy": colour_by,
        "marked": any(graph.nodes[n].get("focus") for n in graph),
        "sizeBy": _SIZE_WORDS[lang][size_by],
        "filters": _filters(graph, words),
    }
    return _page(graph, payload, title)


def _filters(graph: nx.MultiDiGraph, words: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's filters: each attribute some node has (status, places, domains), with
    every value it takes."""
    found = []
    for key in ("status", "places", "domains"):
        values: set[str] = set()
        for _, value in graph.nodes(data=key):
            if isinstance(value, (tuple, list)):
                values.update(value)
            elif value:
                values.add(value)
        if values:
            found.append({"key": key, "label": words[key], "values": sorted(values)})
    return found


def _vis_network(
    graph: nx.MultiDiGraph,
    sizes: dict[str, float],
    colours: dict[str, str],
    community: dict[str, int],
) -> tuple[Any, dict[str, int]]:
    """The pyvis network of ``graph``, laid out, and the number of each source it cites."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    lang = graph.graph.get("lang", "nl")
    nodes = sorted(graph)
    placed = _placed(graph, nodes, sizes)
    positions, drawn, above = placed.positions, placed.labels, placed.above
    graph.graph["font"] = placed.font
    number = {n: i for i, n in enumerate(nodes)}
    source_ids: dict[str, int] = {}

    def cite(iris: tuple[str, ...]) -> list[int]:
        return [source_ids.setdefault(s, len(source_ids)) for s in iris]

    net = Network(directed=True, cdn_resources="remote")
    for n in nodes:
        data = graph.nodes[n]
        kind = KIND_BY_KEY[data["kind"]]
        x, y = positions[n]
        extra = _node_options(data, above.get(n))
        if n in community:
            extra["community"] = community[n]
        net.add_node(
            number[n],
            label=drawn.get(n) or NO_LABEL,
            full=data["label"],
            shape=STYLES[kind.key].shape,
            color=colours[n],
            title=f"{data['label']} ({kind.label(lang)})",  # vis-network shows it as text
            size=sizes[n],
            x=x,
            y=y,
            kind=kind.key,
            iri=n,
            names=list(data.get("names", ())),
            description=data.get("description", ""),
            description_lang=_other_language(data, lang),
            outside=max(0, data.get("links_total", 0) - graph.degree(n)),
            sources=cite(data.get("sources", ())),
            **extra,
        )
    edges = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (number[e[0]], number[e[1]], e[2])
    )
    # Links between the same two nodes are drawn as distinct curves, not on top of each other.
    between: dict[frozenset[str], int] = {}
    for a, b, _, _ in edges:
        between[frozenset((a, b))] = between.get(frozenset((a, b)), 0) + 1
    seen: dict[frozenset[str], int] = {}
    for i, (a, b, _, data) in enumerate(edges):
        pair = frozenset((a, b))
        options: dict[str, Any] = {}
        if between[pair] > 1:
            seen[pair] = seen.get(pair, 0) + 1
            curve = 0.15 * seen[pair]
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": curve}
        # What net.add_edge appends, without its scan of every node id per link (quadratic:
        # 6 s for the 122,000 links of a national graph); both ends are nodes added above.
        net.edges.append(
            Edge(
                number[a],
                number[b],
                net.directed,
                id=i,
                words=data["label"],
                title=data["label"],
                sources=cite(data.get("sources", ())),
                **options,
            ).options
        )
    return net, source_ids


def _placed(graph: nx.MultiDiGraph, nodes: list[str], sizes: dict[str, float]) -> Any:
    """Where each node goes and how it is labelled (:func:`kg.network.declutter.declutter`),
    after the force layout, or at the places a picture brings (a case)."""
    from kg.network.declutter import declutter
    from kg.network.layout import force_layout

    shown = [n for n in nodes if not graph.nodes[n].get("hidden")]
    held = [n for n in nodes if graph.nodes[n].get("hidden")]
    fixed = graph.graph.get("positions")
    links = [(a, b) for a, b in graph.edges() if a in shown and b in shown]
    positions: dict[Any, tuple[float, float]] = (
        {n: fixed[n] for n in shown} if fixed else force_layout(shown, links)
    )
    # what is hidden at first (laws and instruments, one click away) sits beside what it links
    positions.update(_beside(graph, held, positions))
    radii: dict[Any, float] = {
        n: sizes[n] * SHAPE_REACH.get(STYLES[graph.nodes[n]["kind"]].shape, 1.0) for n in nodes
    }
    order = sorted(
        shown,
        key=lambda n: (
            not graph.nodes[n].get("focus"),
            -sizes[n],
            -graph.degree(n),
            graph.nodes[n]["label"],
        ),
    )
    return declutter(positions, radii, {n: graph.nodes[n]["label"] for n in nodes}, order + held)


def _node_options(data: dict[str, Any], above: float | None) -> dict[str, Any]:
    """A node's options beyond the common ones: its mark, attributes the filters read, hidden
    at first, a label above it, and faded with a dashed border when it has ended."""
    extra: dict[str, Any] = {}
    if data.get("focus"):
        extra["borderWidth"] = 4
    for key in ("status", "period", "places", "domains"):
        if data.get(key):
            extra[key] = list(data[key]) if isinstance(data[key], tuple) else data[key]
    if data.get("hidden"):
        extra["hidden"] = True
    if above:
        extra["font"] = {"vadjust": -above}
    if data.get("status_key") == "afgelopen":
        extra["opacity"] = 0.45
        extra["shapeProperties"] = {"borderDashes": [4, 3]}
    return extra


#: vis-network's "nothing drawn" label (it keeps an old label when given "" or None).
NO_LABEL = " "
#: How far each shape reaches from its centre, as a share of its size.
SHAPE_REACH = {"triangle": 1.2, "triangleDown": 1.2, "star": 1.25, "square": 1.05}


def _beside(
    graph: nx.MultiDiGraph, held: list[str], positions: dict[Any, tuple[float, float]]
) -> dict[Any, tuple[float, float]]:
    """Positions for nodes hidden at first: at the middle of the shown nodes they link to,
    a little off it (declutter then moves them apart), else in a row under the picture."""
    placed: dict[Any, tuple[float, float]] = {}
    bottom = max((y for _, y in positions.values()), default=0.0) + 120
    for i, n in enumerate(held):
        linked = (*graph.successors(n), *graph.predecessors(n))
        near = [positions[m] for m in linked if m in positions]
        if near:
            x = sum(p[0] for p in near) / len(near) + 30
            y = sum(p[1] for p in near) / len(near) + 30
            placed[n] = (round(x, 1), round(y, 1))
        else:
            placed[n] = (float(80 * i), bottom)
    return placed


def _kind_legend(graph: nx.MultiDiGraph, lang: str) -> list[dict[str, Any]]:
    """The legend's kinds: each kind drawn, with its colour, shape and count."""
    present = {graph.nodes[n]["kind"] for n in graph}
    return [
        {
            "key": k.key,
            "label": k.label(lang),
            "colour": STYLES[k.key].colour,
            "shape": STYLES[k.key].shape,
            "count": sum(1 for n in graph if graph.nodes[n]["kind"] == k.key),
            "hidden": all(
                graph.nodes[n].get("hidden") for n in graph if graph.nodes[n]["kind"] == k.key
            ),
        }
        for k in KINDS
        if k.key in present
    ]


def _community_legend(community: dict[str, int]) -> list[dict[str, Any]]:
    """The legend's communities: those with a colour of their own, then the rest as one."""
    legend: list[dict[str, Any]] = []
    others = 0
    for c in sorted(set(community.values())):
        count = sum(1 for v in community.values() if v == c)
        colour = community_colour(c, community)
        if colour == OTHER_COLOUR:
            others += count
        else:
            legend.append({"number": c, "colour": colour, "count": count})
    if others:
        legend.append({"number": None, "colour": OTHER_COLOUR, "count": others})
    return legend


def _page(graph: nx.MultiDiGraph, payload: dict[str, Any], title: str) -> tuple[str, str]:
    """The self-contained page around ``payload`` (vis-network and kg's script inlined), and
    its policy: only those two scripts, by hash, and no request at all."""
    from jinja2 import Environment

    lang = payload["lang"]
    words = payload["words"]
    data_json = script_json(payload)
    vis_js = _asset("vis-9.1.2/vis-network.min.js")
    app_js = resources.files("kg").joinpath("templates/network.js").read_text(encoding="utf-8")
    css = resources.files("kg").joinpath("templates/network.css").read_text(encoding="utf-8")
    vis_css = _asset("vis-9.1.2/vis-network.css")
    scripts = (vis_js, app_js)
    policy = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(f"'sha256-{_digest(s)}'" for s in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    env = Environment(autoescape=True, keep_trailing_newline=True)
    page = env.from_string(_template()).render(
        lang=lang,
        title=title or words["title"],
        heading=title,
        words=words,
        policy=policy,
        vis_css=vis_css,
        css=css,
        vis_js=vis_js,
        app_js=app_js,
        data_json=data_json,
        node_count=sum(1 for n in graph if not graph.nodes[n].get("hidden")),
        edge_count=sum(
            1
            for a, b in graph.edges()
            if not graph.nodes[a].get("hidden") and not graph.nodes[b].get("hidden")
        ),
        note=" · ".join(
            text
            for text in (
                graph.graph.get("folded_note", ""),
                fill(words["isolated"], graph.graph["isolated"])
                if graph.graph.get("isolated")
                else "",
                fill(words["left_out"], len(graph.graph["left_out"]))
                if graph.graph.get("left_out")
                else "",
            )
            if text
        ),
    )
    return page, policy


def fill(template: str, n: int) -> str:
    return template.replace("{n}", str(n))


def _other_language(data: dict[str, Any], lang: str) -> str:
    """The language of a node's description when it is not the page's, else ``""``."""
    written = data.get("description_lang") or ""
    return written if data.get("description") and written and written != lang else ""


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
