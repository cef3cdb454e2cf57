"""A resource's description: every statement with it as subject or object, with the named
graphs (its sources) that hold each, from a local store or a SPARQL server alike."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store import LocalStore, Store, to_oxigraph


def statements(store: Store, iri: str) -> dict[ox.Triple, tuple[str, ...]]:
    """Every statement with ``iri`` as subject or object, in a stable order, each with the
    named graphs that hold it (its sources; none for the ontology and vocabularies)."""
    try:
        term = ox.NamedNode(iri)
    except ValueError:
        raise UsageError("not a valid IRI") from None
    found: dict[ox.Triple, set[str]] = {}

    def add(s: Any, p: Any, o: Any, graph: Any) -> None:
        sources = found.setdefault(ox.Triple(s, p, o), set())
        if isinstance(graph, ox.NamedNode):
            sources.add(graph.value)

    if isinstance(store, LocalStore):
        for q in store.oxigraph.quads_for_pattern(term, None, None, None):
            add(q.subject, q.predicate, q.object, q.graph_name)
        for q in store.oxigraph.quads_for_pattern(None, None, term, None):
            add(q.subject, q.predicate, q.object, q.graph_name)
    else:  # a SPARQL server
        sparql = (
            f"SELECT ?s ?p ?o ?g WHERE {{ {{ BIND(<{iri}> AS ?s) <{iri}> ?p ?o "
            f"OPTIONAL {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} }} UNION "
            f"{{ BIND(<{iri}> AS ?o) ?s ?p <{iri}> "
            f"OPTIONAL {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} }} }}"
        )
        for s, p, o, g in store.select(sparql).rows:
            if s is not None and p is not None and o is not None:
                graph = None if g is None else to_oxigraph(g)
                add(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)
    order = sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return {t: tuple(sorted(found[t])) for t in order}


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """Every statement with ``iri`` as subject or object, each once, in a stable order."""
    return list(statements(store, iri))


def serialise_description(triples: list[ox.Triple], fmt: str) -> bytes:
    """``triples`` as ``fmt`` (ttl, nt or jsonld), with kg's prefixes and stable bytes."""
    from kg.store.rdf import serialise_quads

    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return serialise_quads(quads, fmt)
