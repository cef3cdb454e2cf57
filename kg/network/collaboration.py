"""The collaboration network: who works with whom, the picture ``kg viz`` draws by default.

From the whole network (:func:`kg.network.assemble`) it keeps

- the programmes, and the organisations and municipalities linked to a programme other than
  by place (a participation with its role, a responsible or contributing organisation);
- the laws, accords, schemes and government programmes linked to a kept programme, marked
  ``hidden`` so the page shows them only when asked (one click in the legend);
- the links between all of these;

and turns geography into attributes instead of nodes: each node's ``places`` are the
municipalities, GGD regions and provinces it is linked to (a programme through the
municipalities it runs in, a municipality through the regions it lies in), filtered on the
page. A programme's ``status`` (running, ended, unknown: K12) and every node's policy
``domains`` are attributes too. Programmes that no one takes part in are left out and
counted (``graph.graph["left_out"]``), not drawn as a row of dots.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kg import i18n
from kg.build.netfacts import DOMAINS, KIND_BY_KEY
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store

ACTORS = ("organisation", "municipality")
INSTRUMENTS = ("law", "accord", "scheme", "policy")
#: Properties that say where something is or runs: geography, never collaboration.
PLACE_PROPERTIES = {
    PREFIXES["dct"] + "spatial",  # runs in
    PREFIXES["kg"] + "servesRegion",  # serves
    "http://www.opengis.net/ont/geosparql#sfWithin",  # lies in
}
STATUS_SCHEME = PREFIXES["concept"] + "status"


#: A concept a node links to: its IRI, label and schemes.
Concept = tuple[str, str, tuple[str, ...]]


def collaboration(
    whole: nx.MultiDiGraph, concepts: dict[str, list[Concept]], limit: int
) -> nx.MultiDiGraph:
    """The collaboration network of ``whole`` (a network of one language with programmes,
    organisations, municipalities, regions and instruments). One pass over the links finds
    who works on what; the picture is built from those nodes and their links but places.
    ``concepts``: the concepts each node links to, for its status and domains. ``limit``:
    past that many nodes the least linked are folded (:func:`_fold`), before the links are
    made into a graph (a national graph has hundreds of thousands). ``graph["counts"]``
    holds the programmes and partners drawn or folded."""
    import networkx as nx

    kind = dict(whole.nodes(data="kind"))
    partners: dict[str, set[str]] = defaultdict(set)  # programme -> actors taking part
    linked: dict[str, set[str]] = defaultdict(set)  # programme or instrument -> programmes
    for a, b, data in whole.edges(data=True):
        if _place(data):
            continue
        for one, other in ((a, b), (b, a)):
            if kind.get(one) != "programme":
                continue
            if kind.get(other) in ACTORS:
                partners[one].add(other)
            elif kind.get(other) in ("programme", *INSTRUMENTS):
                linked[other].add(one)
    programmes = {n for n, k in kind.items() if k == "programme"}
    working = {p for p in programmes if partners.get(p)}
    working |= {p for p in programmes if linked.get(p, set()) & working}
    kept = set(working)
    kept |= {actor for p in working for actor in partners.get(p, ())}
    kept |= {n for n, k in kind.items() if k in INSTRUMENTS and linked.get(n, set()) & working}
    nodes = {n: dict(whole.nodes[n]) for n in sorted(kept)}
    edges = [
        (a, b, key, data)
        for a, b, key, data in whole.edges(keys=True, data=True)
        if a in kept and b in kept and not _place(data)
    ]
    _describe(whole, nodes, concepts)
    left_out = sorted(programmes - working, key=lambda p: whole.nodes[p]["label"])
    attributes = dict(whole.graph)
    attributes["left_out"] = [whole.nodes[p]["label"] for p in left_out]
    attributes["collaboration"] = True
    attributes["counts"] = (
        sum(1 for d in nodes.values() if d["kind"] == "programme"),
        sum(1 for d in nodes.values() if d["kind"] in ACTORS),
    )
    if len(nodes) > limit:
        return _fold(attributes, nodes, edges, limit)
    picked = nx.MultiDiGraph(**attributes)
    picked.add_nodes_from(nodes.items())
    picked.add_edges_from(edges)
    return picked


def _describe(
    whole: nx.MultiDiGraph, picked: dict[str, dict[str, Any]], concepts: dict[str, list[Concept]]
) -> None:
    """Each node's places, province, domains and status; instruments hidden."""
    places = _places(whole, set(picked))
    for n, node in picked.items():
        reached = places.get(n, set())
        node["places"] = tuple(sorted({whole.nodes[p]["label"] for p in reached}))
        provinces = sorted(p for p in reached if p.startswith(PREFIXES["province"]))
        if provinces:
            node["province"] = whole.nodes[provinces[0]]["label"]
        linked = concepts.get(n, [])
        node["domains"] = tuple(sorted({label for _, label, sc in linked if DOMAINS in sc}))
        statuses = sorted((c, label) for c, label, sc in linked if STATUS_SCHEME in sc)
        if statuses:
            node["status"] = statuses[0][1]
            node["status_key"] = statuses[0][0].rsplit("status-", 1)[-1]
        if node["kind"] in INSTRUMENTS:
            node["hidden"] = True


def _place(data: dict[str, object]) -> bool:
    return data.get("prop") in PLACE_PROPERTIES and not data.get("role")


def _places(whole: nx.MultiDiGraph, wanted: set[str]) -> dict[str, set[str]]:
    """Each ``wanted`` node's municipalities, GGD regions and provinces (IRIs), from the
    links of place: a programme through its municipalities, a municipality through its
    regions."""
    kind = dict(whole.nodes(data="kind"))
    up: dict[str, set[str]] = defaultdict(set)  # a place -> the regions it lies in
    for a, b in whole.edges():
        if kind.get(a) in ("municipality", "region") and kind.get(b) == "region":
            up[a].add(b)

    def lifted(place: str) -> set[str]:
        seen, todo = {place}, [place]
        while todo:
            for region in up.get(todo.pop(), ()):
                if region not in seen:
                    seen.add(region)
                    todo.append(region)
        return seen

    found: dict[str, set[str]] = defaultdict(set)
    for n in wanted:
        if kind.get(n) == "municipality":
            found[n] |= lifted(n)
    areas = ("municipality", "region")
    for a, b, data in whole.edges(data=True):
        if (
            a in wanted
            and kind.get(b) in areas
            and kind.get(a) not in areas
            and (_place(data) or kind.get(b) == "region")
        ):
            found[a] |= lifted(b)
    return {n: {p for p in ps if KIND_BY_KEY[kind[p]].key != "place"} for n, ps in found.items()}


def periods(store: Store, programmes: list[str], lang: str) -> dict[str, str]:
    """Each programme's period as its sources state it (``schema:startDate``,
    ``schema:endDate``: a date, a month or a year), in words of ``lang``."""
    from kg.store import sparql_iris

    found: dict[str, tuple[str, str]] = {}
    schema = PREFIXES["schema"]
    for start in range(0, len(programmes), 500):
        block = " ".join(f"<{i}>" for i in sparql_iris(programmes[start : start + 500]))
        rows = store.select_values(
            f"SELECT ?p ?s ?e WHERE {{ VALUES ?p {{ {block} }} "
            f"{{ ?p <{schema}startDate> ?s }} UNION {{ ?p <{schema}endDate> ?e }} }}",
            ("p", "s", "e"),
        )
        for p, begun, ended in rows:  # the earliest start and the latest end
            if not p:
                continue
            b, e = found.get(p, ("", ""))
            if begun and (not b or begun < b):
                b = begun
            if ended and ended > e:
                e = ended
            found[p] = (b, e)
    words = i18n.words("picture", lang)
    return {
        p: words["period"].format(start=b, end=e)
        if b and e
        else words["period_from"].format(start=b)
        if b
        else words["period_until"].format(end=e)
        for p, (b, e) in found.items()
    }


#: A picture with more nodes than this draws the most linked ones and folds the rest, per
#: kind and province, into one node each.
MAX_DRAWN = 1000


def _fold(
    attributes: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    edges: list[tuple[str, str, str, dict[str, Any]]],
    limit: int,
) -> nx.MultiDiGraph:
    """The picture of ``nodes`` and ``edges`` as drawn when it is too large to read or load
    at once: its ``limit`` most linked nodes, and for the rest one node per kind and
    province ("412 × programma · Gelderland") whose names the search still knows, with one
    link (and a count) where any of its members links to a drawn node or another group.
    Says so in ``graph["folded_note"]``."""
    import networkx as nx

    lang = attributes.get("lang", "nl")
    words = i18n.words("picture", lang)
    degree: dict[str, int] = defaultdict(int)
    for a, b, _, _ in edges:
        degree[a] += 1
        degree[b] += 1
    ranked = sorted(nodes, key=lambda n: (-degree[n], nodes[n]["label"], n))
    kept = set(ranked[:limit])
    group_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for n in ranked[limit:]:
        key = f"urn:kg:group:{nodes[n]['kind']}:{nodes[n].get('province', '')}"
        group_of[n] = key
        members[key].append(n)
    folded = nx.MultiDiGraph(**attributes)
    folded.add_nodes_from((n, nodes[n]) for n in sorted(kept))
    for key, inside in sorted(members.items()):
        first = nodes[inside[0]]
        kind_word = KIND_BY_KEY[first["kind"]].label(lang)
        place = first.get("province") or words["no_province"]
        folded.add_node(
            key,
            label=words["group"].format(n=len(inside), kind=kind_word, place=place),
            kind=first["kind"],
            names=tuple(sorted(nodes[m]["label"] for m in inside)),
            description=words["group_description"].format(n=len(inside)),
            description_lang="",
            sources=(),
            places=(place,),
            group=len(inside),
            hidden=bool(first.get("hidden")),
        )
    counted: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, key, data in edges:
        if a in kept and b in kept:
            folded.add_edge(a, b, key, **data)
            continue
        ends = (group_of.get(a, a), group_of.get(b, b))
        if ends[0] != ends[1]:
            counted[ends] += 1
    for (a, b), count in sorted(counted.items()):
        label = words["group_links"].format(n=count)
        folded.add_edge(a, b, "group", label=label, prop="group", role=False, sources=())
    folded.graph["folded_note"] = words["folded"].format(
        shown=len(kept), total=len(nodes), groups=len(members)
    )
    return folded
