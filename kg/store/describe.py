"""A resource's description: every statement with it as subject or object, with the named
graphs (its sources) that hold each, from a local store or a SPARQL server alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

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
    """``triples`` as ``fmt`` (ttl, nt, jsonld or rdf for RDF/XML), with kg's prefixes and
    stable bytes."""
    from kg.store.rdf import serialise_quads

    if fmt == "rdf":
        from kg.namespaces import PREFIXES

        ordered = sorted(set(triples), key=_triple_key)
        out = ox.serialize(ordered, format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES))
        return bytes(out or b"")
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return serialise_quads(quads, fmt)


class Term(NamedTuple):
    """A term as plain strings: ``kind`` is "iri", "literal" or "bnode"; ``language`` a
    literal's language tag, else ""."""

    kind: str
    value: str
    language: str = ""

    def __str__(self) -> str:
        return "_:" + self.value if self.kind == "bnode" else self.value


@dataclass(frozen=True)
class Statement:
    """One statement of a description in plain terms, with the graphs (sources) that hold it."""

    subject: Term
    predicate: str
    object: Term
    graphs: tuple[str, ...]


def _term(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.Literal):
        return Term("literal", term.value, term.language or "")
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    return Term("other", str(term))


def plain(found: dict[ox.Triple, tuple[str, ...]]) -> list[Statement]:
    """The statements of :func:`statements`, in its order, as plain terms."""
    return [
        Statement(_term(t.subject), t.predicate.value, _term(t.object), graphs)
        for t, graphs in found.items()
    ]


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
#: The formats kg serve's /sparql answers in, by their W3C format IRIs.
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(endpoint: str, graphs: list[str], fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of kg serve's endpoint at ``endpoint`` (what a
    ``GET`` without a query answers): SPARQL 1.1 Query only, its result formats, every
    source graph in ``graphs`` as a named graph and their union as the default graph. As
    ``fmt`` (ttl, nt, jsonld or rdf); the same input gives the same bytes."""
    from kg.namespaces import PREFIXES

    service = ox.NamedNode(endpoint + "#service")
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + name)

    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name))
        for name in RESULT_FORMAT_IRIS
    ]
    for number, graph in enumerate(sorted(graphs), 1):
        named = ox.NamedNode(f"{endpoint}#graph-{number}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, a, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph)),
        ]
    if fmt == "rdf":
        return serialise_description(triples, "rdf")
    prefixes = {"sd": _SD, "formats": _FORMATS, "rdf": PREFIXES["rdf"]}
    if fmt == "ttl":
        ordered = sorted(triples, key=_triple_key)
        return bytes(ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"")
    return serialise_description(triples, fmt)


def _triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)
