"""Deterministic exports: Turtle, TriG, N-Triples, N-Quads and JSON-LD.

The same data always gives byte-identical output, and every export keeps each literal's exact
lexical form, so parsing it gives back the built graph term for term.

* Turtle and TriG are written by pyoxigraph's serialiser from statements sorted by graph,
  subject, predicate (``rdf:type`` first) and object, with the project prefixes the data uses.
  pyoxigraph's own dump follows insertion order, hence the sort. rdflib's serialiser was not
  used: it rewrites typed literals (``"1"^^xsd:decimal`` becomes ``1.0``), orders TriG graphs
  by hash, invents clashing ``ns1:`` prefixes per graph, and fails on some values (NaN).
* N-Triples and N-Quads are pyoxigraph's statements, each once, in code-point order.
* JSON-LD is written here, compacted with the kg context (:func:`jsonld_context`): value
  objects carry the lexical form as a string, so no number or date is reinterpreted.

Turtle and N-Triples merge the named graphs; TriG, N-Quads and JSON-LD keep one graph per
source, with the default graph (the project's code lists) at the top level.

The network formats (GraphML, GEXF) are :mod:`kg.publish.export`'s; their names are listed in
:data:`FORMATS` with the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF

from kg.errors import UsageError
from kg.namespaces import ONTOLOGY_IRI, PREFIXES, split
from kg.store import as_bytes, quads_to_graph

FORMATS: dict[str, str] = {
    "ttl": "Turtle, all graphs merged",
    "trig": "TriG, one named graph per source",
    "nt": "N-Triples, all graphs merged, sorted lines",
    "nq": "N-Quads, one named graph per source, sorted lines",
    "jsonld": "JSON-LD with the kg context, one named graph per source",
    "graphml": "GraphML: the network kg viz draws, for Gephi, Cytoscape and yEd",
    "gexf": "GEXF 1.2: the network kg viz draws, for Gephi",
}
#: Formats that hold the network projection rather than the RDF.
NETWORK_FORMATS = ("graphml", "gexf")

_TYPE = str(RDF.type)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _parse(nquads: bytes) -> list[ox.Quad]:
    return list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def _graph_key(q: ox.Quad) -> str:
    return "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def _statement_key(s: Any, p: Any, o: Any) -> tuple[str, int, str, str]:
    return (str(s), 0 if p.value == _TYPE else 1, p.value, str(o))


def _used_prefixes(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """The project prefixes that name at least one IRI or datatype in ``quads``."""
    iris: set[str] = set()
    for q in quads:
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    used = {prefix for prefix, _ in map(split, iris) if prefix}
    return {p: PREFIXES[p] for p in sorted(used)}


def _sorted_lines(data: bytes) -> bytes:
    """N-Triples/N-Quads statements, each once, in code-point order. Statements are split on
    "\\n" only: literals may hold other line separators (U+2028, U+0085) unescaped."""
    lines = {line for line in data.decode("utf-8").split("\n") if line.strip()}
    return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")


def _triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    merged = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(merged, key=lambda t: _statement_key(t.subject, t.predicate, t.object))


def serialise(nquads: bytes, fmt: str) -> bytes:
    """Serialise a dataset given as N-Quads into ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "nq":
        return _sorted_lines(nquads)
    return serialise_quads(_parse(nquads), fmt)


def serialise_quads(quads: list[ox.Quad], fmt: str) -> bytes:
    """Serialise a dataset given as quads (each once) into ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "nq":
        return _sorted_lines(as_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)))
    if fmt == "nt":
        return _sorted_lines(as_bytes(ox.serialize(_triples(quads), format=ox.RdfFormat.N_TRIPLES)))
    if fmt == "jsonld":
        return _jsonld(quads)
    if fmt in NETWORK_FORMATS:
        raise UsageError(f"{fmt} holds the network projection; use export() on a build")
    prefixes = _used_prefixes(quads)
    if fmt == "ttl":
        out = ox.serialize(_triples(quads), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        return _tidy(as_bytes(out), ("\t",))
    ordered = sorted(
        set(quads),
        key=lambda q: (_graph_key(q), *_statement_key(q.subject, q.predicate, q.object)),
    )
    out = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return _tidy(as_bytes(out), ("\t\t", "}"))


def _tidy(data: bytes, continuation: tuple[str, ...]) -> bytes:
    """Sorted @prefix lines, then a blank line before each subject (and graph) block.

    Safe line by line: pyoxigraph escapes line feeds inside literals, so every "\n" ends a
    line of syntax.
    """
    lines = data.decode("utf-8").split("\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    body = [line for line in lines[count:] if line]
    out = sorted(lines[:count])
    for line in body:
        if not line.startswith(continuation):
            out.append("")
        out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8")


# --- JSON-LD ----------------------------------------------------------------------------------


def jsonld_context(ontology: rdflib.Graph) -> dict[str, Any]:
    """The JSON-LD context: the project's prefixes and a short key for every ontology term.

    Keys are the terms' local names (``prefLabel``, ``hasCompetentAuthority``, ``Programme``);
    where two vocabularies share a local name, both get ``prefix_local`` keys. Object
    properties are typed ``@id`` so their values compact to IRIs.
    """
    kinds = {
        OWL.ObjectProperty: "object",
        OWL.DatatypeProperty: "data",
        OWL.AnnotationProperty: "data",
        OWL.Class: "class",
    }
    terms: dict[str, str] = {}
    for kind_iri, kind in kinds.items():
        for term in ontology.subjects(RDF.type, kind_iri):
            if isinstance(term, rdflib.URIRef) and str(term) != ONTOLOGY_IRI:
                terms.setdefault(str(term), kind)
    by_local: dict[str, list[str]] = {}
    for iri in terms:
        prefix, local = split(iri)
        if prefix is not None:
            by_local.setdefault(local, []).append(iri)
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    for local, iris in sorted(by_local.items()):
        for iri in sorted(iris):
            prefix, _ = split(iri)
            key = local if len(iris) == 1 else f"{prefix}_{local}"
            if key in context or key.startswith("@"):
                key = f"{prefix}_{local}"
            entry: dict[str, str] = {"@id": f"{prefix}:{local}"}
            if terms[iri] == "object":
                entry["@type"] = "@id"
            context[key] = entry
    return {"@context": dict(sorted(context.items()))}


def _compact(iri: str) -> str:
    prefix, local = split(iri)
    return f"{prefix}:{local}" if prefix else iri


def _jsonld(quads: list[ox.Quad]) -> bytes:
    onto = ox.NamedNode(ONTOLOGY_IRI)
    context = jsonld_context(quads_to_graph(q for q in quads if q.graph_name == onto))["@context"]
    keys: dict[str, tuple[str, bool]] = {}  # predicate IRI -> (key, values coerced to @id)
    for key, entry in context.items():
        if isinstance(entry, dict):
            prefix, local = entry["@id"].split(":", 1)
            keys[PREFIXES[prefix] + local] = (key, entry.get("@type") == "@id")

    def value(obj: Any, coerced: bool) -> Any:
        if isinstance(obj, ox.NamedNode):
            return _compact(obj.value) if coerced else {"@id": _compact(obj.value)}
        if isinstance(obj, ox.BlankNode):  # refused by validation; kept correct regardless
            return {"@id": f"_:{obj.value}"}
        item: dict[str, str] = {"@value": obj.value}
        if obj.language:
            item["@language"] = obj.language
        elif obj.datatype.value not in (_XSD_STRING, _LANG_STRING):
            item["@type"] = _compact(obj.datatype.value)
        return item

    graphs: dict[str, dict[str, dict[str, Any]]] = {}
    for q in quads:
        nodes = graphs.setdefault(_graph_key(q), {})
        if isinstance(q.subject, ox.Triple):
            continue  # RDF 1.2 triple terms are refused when parsing
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
        node = nodes.setdefault(subject, {"@id": _compact(subject) if ":" in subject else subject})
        if q.predicate.value == _TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(_term_or_curie(q.object.value, keys))
            continue
        key, coerced = keys.get(q.predicate.value, (_compact(q.predicate.value), False))
        coerced = coerced and isinstance(q.object, ox.NamedNode)
        node.setdefault(key, []).append(value(q.object, coerced))

    def node_list(nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for _, node in sorted(nodes.items()):
            out.append(
                {k: _sorted_values(v) if isinstance(v, list) else v for k, v in node.items()}
            )
        return out

    top = node_list(graphs.pop("", {}))
    for name in sorted(graphs):
        top.append({"@id": _compact(name), "@graph": node_list(graphs[name])})
    doc = {"@context": context, "@graph": top}
    text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _term_or_curie(iri: str, keys: dict[str, tuple[str, bool]]) -> str:
    """A class as its context key (``Programme``) where it has one, else a compact IRI."""
    return keys[iri][0] if iri in keys else _compact(iri)


def _sorted_values(values: list[Any]) -> Any:
    ordered = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return ordered[0] if len(ordered) == 1 else ordered
