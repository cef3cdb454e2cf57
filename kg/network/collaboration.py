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
        reached = places.get(n, set())
        node["places"] = tuple(sorted({whole.nodes[p]["label"] for p in reached}))
        provinces = sorted(p for p in reached if p.startswith(PREFIXES["province"]))
        if provinces:
            node["province"] = whole.nodes[provinces[0]]["label"]
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
    """Each node's municipalities, GGD regions and provinces (IRIs), from the links of
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
    return {n: {p for p in ps if KIND_BY_KEY[kind[p]].key != "place"} for n, ps in found.items()}


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
MAX_DRAWN = 1500


def aggregate(picture: nx.MultiDiGraph, limit: int = MAX_DRAWN) -> nx.MultiDiGraph:
    """``picture`` as drawn when it is too large to read or load at once: its ``limit`` most
    linked nodes, and for the rest one node per kind and province ("412 programma's ·
    Gelderland") whose names the search still knows, with one link (and a count) where any
    of its members links to a drawn node or another group. Says so in ``graph["folded"]``."""
    import networkx as nx

    if picture.number_of_nodes() <= limit:
        return picture
    lang = picture.graph.get("lang", "nl")
    words = i18n.words("picture", lang)
    ranked = sorted(picture, key=lambda n: (-picture.degree(n), picture.nodes[n]["label"], n))
    kept = set(ranked[:limit])
    group_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for n in ranked[limit:]:
        data = picture.nodes[n]
        key = f"urn:kg:group:{data['kind']}:{data.get('province', '')}"
        group_of[n] = key
        members[key].append(n)
    folded = nx.MultiDiGraph(**picture.graph)
    for n in sorted(kept):
        folded.add_node(n, **picture.nodes[n])
    for key, inside in sorted(members.items()):
        first = picture.nodes[inside[0]]
        kind_word = KIND_BY_KEY[first["kind"]].label(lang)
        place = first.get("province") or words["no_province"]
        folded.add_node(
            key,
            label=words["group"].format(n=len(inside), kind=kind_word, place=place),
            kind=first["kind"],
            names=tuple(sorted(picture.nodes[m]["label"] for m in inside)),
            description=words["group_description"].format(n=len(inside)),
            description_lang="",
            sources=(),
            places=(place,),
            group=len(inside),
            hidden=bool(first.get("hidden")),
        )
    counted: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, key, data in picture.edges(keys=True, data=True):
        ends = (group_of.get(a, a), group_of.get(b, b))
        if ends[0] == ends[1]:
            continue
        if a in kept and b in kept:
            folded.add_edge(a, b, key, **data)
        else:
            counted[ends] += 1
    for (a, b), count in sorted(counted.items()):
        label = words["group_links"].format(n=count)
        folded.add_edge(a, b, "group", label=label, prop="group", role=False, sources=())
    folded.graph["folded_note"] = words["folded"].format(
        shown=len(kept), total=picture.number_of_nodes(), groups=len(members)
    )
    return folded
