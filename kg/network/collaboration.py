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
from typing import TYPE_CHECKING

from kg.build.netfacts import DOMAINS, KIND_BY_KEY
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

ACTORS = ("organisation", "municipality")
INSTRUMENTS = ("law", "accord", "scheme", "policy")
#: Properties that say where something is or runs: geography, never collaboration.
PLACE_PROPERTIES = {
    PREFIXES["dct"] + "spatial",  # runs in
    PREFIXES["kg"] + "servesRegion",  # serves
    "http://www.opengis.net/ont/geosparql#sfWithin",  # lies in
}
STATUS_SCHEME = PREFIXES["concept"] + "status"


def collaboration(whole: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The collaboration network of ``whole`` (a network of every kind, one language)."""
    kind = dict(whole.nodes(data="kind"))
    programmes = {n for n, k in kind.items() if k == "programme"}
    actors: set[str] = set()
    for a, b, data in whole.edges(data=True):
        for one, other in ((a, b), (b, a)):
            if one in programmes and kind.get(other) in ACTORS and not _place(whole, data):
                actors.add(other)
    working = {p for p in programmes if any(_collaborates(whole, p, n, kind) for n in actors)}
    working |= {
        p
        for p in programmes
        if any(kind.get(q) == "programme" and q in working for q in _neighbours(whole, p))
    }
    instruments = {
        n
        for n, k in kind.items()
        if k in INSTRUMENTS and any(q in working for q in _neighbours(whole, n))
    }
    kept = working | {a for a in actors if any(p in working for p in _neighbours(whole, a))}
    kept |= instruments
    picked = whole.subgraph(kept).copy()
    for a, b, key, data in list(picked.edges(keys=True, data=True)):
        if _place(whole, data):
            picked.remove_edge(a, b, key)
    places = _places(whole)
    for n in picked:
        node = picked.nodes[n]
        node["places"] = tuple(sorted(places.get(n, ())))
        node["domains"] = _concepts(whole, n, DOMAINS)
        statuses = sorted(
            c for c in whole.successors(n) if STATUS_SCHEME in whole.nodes[c].get("schemes", ())
        )
        if statuses:
            node["status"] = whole.nodes[statuses[0]]["label"]
            node["status_key"] = statuses[0].rsplit("status-", 1)[-1]
        if node["kind"] in INSTRUMENTS:
            node["hidden"] = True
    left_out = sorted(programmes - working, key=lambda p: whole.nodes[p]["label"])
    picked.graph["left_out"] = [whole.nodes[p]["label"] for p in left_out]
    picked.graph["collaboration"] = True
    return picked


def _place(whole: nx.MultiDiGraph, data: dict[str, object]) -> bool:
    return data.get("prop") in PLACE_PROPERTIES and not data.get("role")


def _neighbours(whole: nx.MultiDiGraph, n: str) -> set[str]:
    return {*whole.successors(n), *whole.predecessors(n)}


def _collaborates(whole: nx.MultiDiGraph, programme: str, actor: str, kind: dict[str, str]) -> bool:
    """Whether ``actor`` is linked to ``programme`` other than by place."""
    for a, b in ((programme, actor), (actor, programme)):
        if whole.has_edge(a, b) and any(
            not _place(whole, d) for d in whole.get_edge_data(a, b).values()
        ):
            return True
    return False


def _places(whole: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Each node's municipalities, GGD regions and provinces (labels), from the links of
    place: a programme through its municipalities, a municipality through its regions."""
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
    for n, k in kind.items():
        if k == "municipality":
            found[n] |= lifted(n)
    areas = ("municipality", "region")
    for a, b, data in whole.edges(data=True):
        if (
            kind.get(b) in areas
            and kind.get(a) not in areas
            and (_place(whole, data) or kind.get(b) == "region")
        ):
            found[a] |= lifted(b)
    return {
        n: {whole.nodes[p]["label"] for p in ps if KIND_BY_KEY[kind[p]].key != "place"}
        for n, ps in found.items()
    }


def _concepts(whole: nx.MultiDiGraph, n: str, scheme: str) -> tuple[str, ...]:
    """The labels of the concepts of ``scheme`` that ``n`` links to."""
    return tuple(
        sorted(
            {
                whole.nodes[c]["label"]
                for c in whole.successors(n)
                if whole.nodes[c]["kind"] == "concept"
                and scheme in whole.nodes[c].get("schemes", ())
            }
        )
    )
