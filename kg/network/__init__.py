"""The graph as a network: RDF -> a networkx projection, and the views the picture shows.

The projection keeps the resources people think of as actors and things (programmes,
interventions, organisations, municipalities, regions, instruments, concepts, optionally
sources, people and more: see :data:`KINDS`) and every link between two of them, with two
simplifications that make the picture read as the sources speak:

- a municipality's area (``kg:MunicipalArea``) is folded into the municipality, so "loopt in
  Kampen" and "Kampen ligt in GGD-regio IJsselland" meet in one node;
- a participation (``cv:Participation``: a programme, a partner and a role) becomes one edge
  from the partner to the programme, labelled with the role ("partner van", "uitvoerder van").

Nodes are keyed by IRI and carry ``label``, ``kind``, ``description`` and ``sources`` (the
IRIs of the sources they derive from); edges carry ``label`` (plain words in the chosen
language), ``prop`` (the property or role IRI) and ``sources`` (the named graphs, one per
source, that state the link). ``graph.graph["sources"]`` maps source IRIs to
``(title, page)``.

networkx is imported lazily so that ``kg --help`` stays fast.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef

from kg import i18n
from kg.ask.resolve import Candidate, pick, unqualified_names
from kg.ask.tables import Resource
from kg.build.netfacts import (  # noqa: F401 - the facts a picture is drawn from
    CV,
    DCT,
    DEFAULT_KINDS,
    DOMAINS,
    FOAF,
    KIND_BY_KEY,
    KINDS,
    ORG,
    PROV,
    SKOS,
    Facts,
    Kind,
    _sources,
    collect,
    parse_kinds,
)
from kg.errors import UsageError
from kg.namespaces import curie
from kg.store import Store, best_labels, check_language, language_rank

if TYPE_CHECKING:
    import networkx as nx

    from kg.ask.queries import Query

_BARE_CBS_CODE = re.compile(r"\d{4}")


def _pick_language(values: list[tuple[str, str]], lang: str) -> tuple[str, str]:
    """``(text, language)`` in ``lang``, else without a tag, else Dutch, else any; or empty."""
    ranked = sorted(values, key=lambda v: (language_rank(v[1], lang), v[0]))
    return ranked[0] if ranked else ("", "")


def assemble(
    facts: Facts, lang: str = "nl", kinds: Iterable[str] | None = None, *, links: bool = True
) -> nx.MultiDiGraph:
    """The network in ``lang``: every kind, or only nodes of ``kinds`` and the links between
    them (as :func:`keep_kinds` gives, without building the rest); ``links=False`` gives
    the nodes alone."""
    import networkx as nx

    check_language(lang)
    shown = facts.kinds
    drawn = facts.links
    if kinds is not None:
        wanted = set(kinds)
        shown = {n: k for n, k in facts.kinds.items() if k in wanted}
        drawn = {key: g for key, g in drawn.items() if key[0] in shown and key[1] in shown}
        ends = {a for a, _, _ in drawn} | {b for _, b, _ in drawn}
        shown = {n: k for n, k in shown.items() if k != "concept" or n in ends}
    if not links:
        drawn = {}

    sources = _sources(facts.links, facts.derived)
    labels = best_labels(facts.label_rows, lang)
    graph = nx.MultiDiGraph(lang=lang)
    graph.graph["sources"] = {
        s: (labels[s] if s in labels else curie(s), facts.pages.get(s)) for s in sorted(sources)
    }
    graph.graph["folded"] = facts.fold
    for iri in sorted(shown):
        label = labels[iri] if iri in labels else curie(iri)
        description, description_lang = _pick_language(facts.descriptions.get(iri, []), lang)
        graph.add_node(
            iri,
            label=label,
            kind=shown[iri],
            names=tuple(sorted(facts.names.get(iri, set()) - {label})),
            description=description,
            description_lang=description_lang,
            sources=tuple(sorted(facts.derived.get(iri, ()))),
            schemes=tuple(sorted(facts.schemes.get(iri, ()))),
        )
    words: dict[tuple[str, bool], str] = {}  # one label per property and role
    for p, role in {(key[2], key in facts.roles) for key in drawn}:
        if role:
            named = labels.get(p) if p != CV + "hasParticipant" else None
            said = i18n.words("network", lang)
            words[(p, role)] = said["participation"].format(role=named or said["participant"])
        else:
            words[(p, role)] = labels[p] if p in labels else curie(p)
    graph.add_edges_from(
        (
            a,
            b,
            p,
            {
                "label": words[(p, role)],
                "prop": p,
                "role": role,
                "sources": tuple(sorted(where)),
            },
        )
        for (a, b, p), where in sorted(drawn.items())
        for role in ((a, b, p) in facts.roles,)
    )
    return graph


def project(store: Store, lang: str = "nl") -> nx.MultiDiGraph:
    """The whole graph as a network of every kind (filter with :func:`keep_kinds`)."""
    check_language(lang)
    return assemble(facts_of(store), lang)


def facts_of(store: Store) -> Facts:
    """The network's facts: saved by the build where there is one, else read from the store."""
    from kg.build import netfile

    saved = netfile.read(store)
    return saved if saved is not None else collect(store)


def keep_kinds(graph: nx.MultiDiGraph, kinds: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of ``graph`` with only nodes of ``kinds`` and the links between them; concepts
    left without a link (kinds of finding when findings are not shown) are dropped."""
    wanted = set(kinds)
    kept = graph.subgraph(n for n, k in graph.nodes(data="kind") if k in wanted)
    unlinked = {n for n, k in kept.nodes(data="kind") if k == "concept" and kept.degree(n) == 0}
    return graph.subgraph(n for n in kept if n not in unlinked).copy()


# --- views ---------------------------------------------------------------------------------


def resolve_nodes(graph: nx.MultiDiGraph, texts: Sequence[str]) -> list[str]:
    """The nodes named by ``texts`` (a label in either language, an alternative name, a CBS
    code for a municipality, a CURIE or an IRI); errors suggest the closest names."""
    candidates = [
        Candidate(n, data["label"], (data["label"], *data.get("names", ())))
        for n, data in sorted(graph.nodes(data=True))
    ]
    extra = unqualified_names(candidates)
    found: list[str] = []
    for text in texts:
        if _BARE_CBS_CODE.fullmatch(text.strip()):
            text = "GM" + text.strip()
        try:
            iri = str(pick(text, candidates, "node", extra=extra))
        except UsageError as exc:
            raise UsageError(f"--focus: {exc.message}") from None
        if iri not in found:
            found.append(iri)
    return found


def neighbourhood(graph: nx.MultiDiGraph, focus: Sequence[str], depth: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``depth`` links of any focus node (either direction), with the links
    between them; focus nodes are marked ``focus=True``."""
    if depth < 0:
        raise UsageError("--depth must be 0 or more")
    seen = set(focus)
    frontier = set(focus)
    for _ in range(depth):
        nxt: set[str] = set()
        for n in frontier:
            nxt.update(graph.successors(n))
            nxt.update(graph.predecessors(n))
        frontier = nxt - seen
        seen |= frontier
    picked = graph.subgraph(seen).copy()
    for n in focus:
        picked.nodes[n]["focus"] = True
    return picked


def connect(graph: nx.MultiDiGraph, core: Iterable[str]) -> nx.MultiDiGraph:
    """The ``core`` nodes (marked ``focus=True``), plus every node linked to two or more of
    them (the region that puts a programme in a municipality, the concept two programmes
    share), with the links between all of these."""
    core_set = {n for n in core if n in graph}
    touching: dict[str, set[str]] = defaultdict(set)
    for n in core_set:
        for m in (*graph.successors(n), *graph.predecessors(n)):
            if m not in core_set:
                touching[m].add(n)
    keep = core_set | {m for m, ns in touching.items() if len(ns) >= 2}
    picked = graph.subgraph(keep).copy()
    for n in core_set:
        picked.nodes[n]["focus"] = True
    return picked


def query_view(
    store: Store,
    graph: nx.MultiDiGraph,
    query: Query,
    values: Mapping[str, str] | None = None,
) -> nx.MultiDiGraph:
    """The resources a canned query returns (and the values it was given), connected; the
    view's ``title`` names the query and its values."""
    from kg.ask.queries import bind_parameters, run_query

    lang = graph.graph.get("lang", "nl")
    bound = bind_parameters(store, query, values or {})
    table = run_query(store, query, values or {}, lang=lang)
    given = [_canonical(graph, str(v)) for v in bound.values() if isinstance(v, URIRef)]
    iris = set(given)
    for row in table.rows:
        for cell in row:
            cells = cell if isinstance(cell, tuple) else (cell,)
            iris.update(c.iri for c in cells if isinstance(c, Resource))
    picked = connect(graph, (_canonical(graph, i) for i in iris))
    shown = [graph.nodes[i]["label"] if i in graph else str(i) for i in given]
    shown += [str(v) for v in bound.values() if not isinstance(v, URIRef)]
    picked.graph["title"] = f"kg: {query.title}" + (f" ({', '.join(shown)})" if shown else "")
    return picked


#: The kinds the collaboration picture is made from (concepts are read for status and domain
#: only, not drawn: a national graph has hundreds of thousands of links to them).
COLLABORATION_KINDS = (
    "programme",
    "municipality",
    "region",
    "organisation",
    "law",
    "accord",
    "scheme",
    "policy",
)


def whole_picture(
    facts: Facts, lang: str, store: Store | None = None, limit: int | None = None
) -> nx.MultiDiGraph:
    """The default picture: who works with whom (:func:`collaboration`), titled with what it
    draws; with ``store``, each programme's period as its sources state it. Past ``limit``
    nodes (default :data:`~kg.network.collaboration.MAX_DRAWN`) the least linked are folded."""
    from kg.network.collaboration import MAX_DRAWN, collaboration, periods

    everything = assemble(facts, lang, COLLABORATION_KINDS)
    concepts = _concepts_of(facts, everything, lang)
    picked = collaboration(everything, concepts, MAX_DRAWN if limit is None else limit)
    if store is not None:
        for n, period in periods(
            store, [n for n in picked if picked.nodes[n]["kind"] == "programme"], lang
        ).items():
            picked.nodes[n]["period"] = period
    programmes, partners = picked.graph["counts"]
    picked.graph["title"] = i18n.words("picture", lang)["collaboration"].format(
        p=programmes, a=partners
    )
    for n in picked:
        picked.nodes[n]["links_total"] = everything.degree(n) if n in everything else 0
    return picked


def _concepts_of(
    facts: Facts, graph: nx.MultiDiGraph, lang: str
) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """The concepts each node of ``graph`` links to: IRI, label in ``lang`` and schemes."""
    linked: dict[str, set[str]] = defaultdict(set)
    for a, b, _ in facts.links:
        if a in graph and facts.kinds.get(b) == "concept":
            linked[a].add(b)
    needed = {c for cs in linked.values() for c in cs}
    labels = best_labels([row for row in facts.label_rows if row[0] in needed], lang)
    return {
        n: [
            (c, labels.get(c, curie(c)), tuple(sorted(facts.schemes.get(c, ()))))
            for c in sorted(cs)
        ]
        for n, cs in linked.items()
    }


def _canonical(graph: nx.MultiDiGraph, iri: str) -> str:
    """``iri``, or the municipality its area is folded into."""
    if iri in graph:
        return iri
    return str(graph.graph.get("folded", {}).get(iri, iri))


def summary(graph: nx.MultiDiGraph) -> str:
    """``"123 nodes (45 programme, ...), 678 links"``, for the CLI."""
    counts: dict[str, int] = defaultdict(int)
    for _, kind in graph.nodes(data="kind"):
        counts[kind] += 1
    parts = ", ".join(f"{counts[k.key]} {k.label('en')}" for k in KINDS if counts.get(k.key))
    return f"{graph.number_of_nodes()} nodes ({parts}), {graph.number_of_edges()} links"


@dataclass(frozen=True)
class Case:
    """A case for :func:`view`, as for :func:`kg.ask.case.find`."""

    municipality: str
    target_groups: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


def view(
    store: Store,
    *,
    lang: str = "nl",
    kinds: Sequence[str] | None = None,
    focus: Sequence[str] = (),
    depth: int | None = None,
    query: Query | None = None,
    values: Mapping[str, str] | None = None,
    case: Case | None = None,
) -> nx.MultiDiGraph:
    """What ``kg viz`` draws: the collaboration network (:mod:`kg.network.collaboration`,
    when no ``kinds`` are given), the whole graph of ``kinds``, the neighbourhood of
    ``focus`` nodes, the answer to a canned ``query`` or the answer to a ``case`` (these of
    ``kinds``, by default those :data:`DEFAULT_KINDS` names)."""
    chosen = [
        name for name, given in (("--focus", focus), ("--query", query), ("--case", case)) if given
    ]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} draw different pictures; give one of them")
    if values and query is None:
        raise UsageError("-p/--param needs --query")
    if depth is not None and not focus:
        raise UsageError("--depth needs --focus")
    check_language(lang)
    facts = facts_of(store)
    nl = lang == "nl"
    if kinds is None and not (focus or query or case):
        return whole_picture(facts, lang, store)
    graph = assemble(facts, lang, DEFAULT_KINDS if kinds is None else kinds)
    if focus:
        everything = assemble(facts, lang, links=False)  # every node, for names and kinds
        nodes = resolve_nodes(everything, focus)
        for n in nodes:
            kind = everything.nodes[n]["kind"]
            if n not in graph:
                label = everything.nodes[n]["label"]
                what = KIND_BY_KEY[kind].label("en")
                raise UsageError(
                    f"--focus: {label!r} is a {what}, which the picture does "
                    f"not show; add --types +{kind} (or --types all)"
                )
        picked = neighbourhood(graph, nodes, 1 if depth is None else depth)
        names = ", ".join(graph.nodes[n]["label"] for n in nodes)
        picked.graph["title"] = f"kg: rond {names}" if nl else f"kg: around {names}"
    elif query is not None:
        picked = query_view(store, graph, query, values)
    elif case is not None:
        from kg.ask.case import find
        from kg.network.casepicture import case_picture

        answer = find(store, case.municipality, case.target_groups, case.themes, lang=lang)
        everything = assemble(facts, lang)
        picked = case_picture(everything, answer)
        for n in picked:
            picked.nodes[n]["links_total"] = everything.degree(n) if n in everything else 0
        return picked
    else:
        import networkx as nx

        alone = sorted(nx.isolates(graph))  # left out and counted, not drawn in rows
        picked = graph.subgraph(n for n in graph if n not in set(alone)).copy() if alone else graph
        picked.graph["isolated"] = len(alone)
        names = ", ".join(KIND_BY_KEY[k].label(lang) for k in (kinds or DEFAULT_KINDS))
        picked.graph["title"] = i18n.words("picture", lang)["kinds_title"].format(kinds=names)
    for n in picked:  # so the page can say how many links lie outside the picture
        picked.nodes[n]["links_total"] = graph.degree(n)
    return picked
