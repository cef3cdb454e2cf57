"""Deterministic exports: Turtle, TriG, N-Triples, N-Quads and JSON-LD.

The same data always gives byte-identical output. Turtle and TriG are written by rdflib's
serialiser (byte-stable for data without blank nodes; pyoxigraph's dump follows insertion
order), N-Triples and N-Quads are pyoxigraph's lines sorted, and JSON-LD is compacted with the
project context (:func:`jsonld_context`) and written with sorted keys and nodes. Turtle and
N-Triples merge the named graphs; TriG, N-Quads and JSON-LD keep one graph per source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF
from rdflib.namespace import NamespaceManager

from kg.errors import BuildNotFoundError, UsageError
from kg.namespaces import ONTOLOGY_IRI, PREFIXES, split
from kg.store import as_bytes, quads_to_graph

FORMATS: dict[str, str] = {
    "ttl": "Turtle, all graphs merged",
    "trig": "TriG, one named graph per source",
    "nt": "N-Triples, all graphs merged, sorted lines",
    "nq": "N-Quads, one named graph per source, sorted lines",
    "jsonld": "JSON-LD with the kg context, one named graph per source",
}


def _bind(graph: rdflib.Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, rdflib.Namespace(ns), override=True, replace=True)


def _dataset(nquads: bytes) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
    ds.parse(data=nquads, format="nquads")
    # After parsing, and on every graph: the parser gives each graph rdflib's default
    # prefixes (dcterms, ...), and the TriG serialiser reads them per graph.
    for graph in (ds, *ds.graphs()):
        _bind(graph)
    return ds


def _sorted_lines(data: bytes) -> bytes:
    """N-Triples/N-Quads statements (one per line), each once, in code-point order."""
    lines = {line for line in data.decode("utf-8").splitlines() if line.strip()}
    return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")


def serialise(nquads: bytes, fmt: str) -> bytes:
    """Serialise a dataset given as N-Quads into ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "nq":
        return _sorted_lines(nquads)
    if fmt == "nt":
        return _sorted_lines(_merge(nquads))
    if fmt == "ttl":
        graph = rdflib.Graph(bind_namespaces="none")
        graph.parse(data=_merge(nquads), format="nt")
        _bind(graph)
        return graph.serialize(format="turtle", encoding="utf-8")
    if fmt == "trig":
        return _trig(nquads)
    if fmt == "jsonld":
        return _jsonld(nquads)
    raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _turtle_parts(ntriples: bytes) -> tuple[list[str], str]:
    """rdflib's Turtle for one graph, split into its @prefix lines and its body."""
    graph = rdflib.Graph(bind_namespaces="none")
    graph.parse(data=ntriples, format="nt")
    _bind(graph)
    text = graph.serialize(format="turtle")
    prefixes = [line for line in text.splitlines() if line.startswith("@prefix ")]
    body = text.split("\n\n", 1)[1] if prefixes else text
    return prefixes, body.strip("\n") + "\n"


def _graph_name(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and local and local.replace("-", "").isalnum():
            return f"{prefix}:{local}"
    return f"<{iri}>"


def _trig(nquads: bytes) -> bytes:
    """TriG with the default graph first, then every named graph in IRI order.

    Each graph is written by rdflib's Turtle serialiser (byte-stable); rdflib's own TriG
    serialiser orders graphs by hash and so differs between processes.
    """
    graphs: dict[str, set[ox.Triple]] = {}
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        graphs.setdefault(name, set()).add(ox.Triple(q.subject, q.predicate, q.object))
    prefixes: set[str] = set()
    blocks = []
    for name in sorted(graphs):
        lines, body = _turtle_parts(
            as_bytes(ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES))
        )
        prefixes.update(lines)
        blocks.append(body if not name else f"{_graph_name(name)} {{\n{body}}}\n")
    header = "".join(line + "\n" for line in sorted(prefixes))
    return (header + "\n" + "\n".join(blocks)).encode("utf-8")


def _merge(nquads: bytes) -> bytes:
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    }
    return as_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


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
        if prefix is None:
            continue
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


def _ontology_graph(nquads: bytes) -> rdflib.Graph:
    onto = ox.NamedNode(ONTOLOGY_IRI)
    return quads_to_graph(
        q for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS) if q.graph_name == onto
    )


def _jsonld(nquads: bytes) -> bytes:
    context = jsonld_context(_ontology_graph(nquads))
    text = _dataset(nquads).serialize(format="json-ld", context=context["@context"])
    doc = json.loads(text)
    # rdflib nests the default graph as a @graph without @id, which JSON-LD processors read as
    # a blank-node named graph: lift its nodes to the top level, where the default graph lives.
    top = []
    for node in doc.get("@graph", []):
        if "@graph" in node and "@id" not in node:
            top.extend(node["@graph"])
        else:
            top.append(node)
    if "@graph" in doc:
        doc["@graph"] = top
    return (
        json.dumps(_canonical(doc), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    ).encode("utf-8")


def _canonical(node: Any) -> Any:
    """Sort arrays (JSON-LD sets) by their JSON so output never depends on order; ``@list``
    arrays are ordered data and keep their order."""
    if isinstance(node, dict):
        return {
            k: [_canonical(v) for v in value]
            if k == "@list" and isinstance(value, list)
            else _canonical(value)
            for k, value in node.items()
        }
    if isinstance(node, list):
        items = [_canonical(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def export(build_dir: str | Path, fmt: str) -> bytes:
    """The built graph in ``build_dir`` serialised as ``fmt``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    from kg.store import open_store

    build_dir = Path(build_dir)
    if fmt in ("ttl", "trig"):  # written by the build with the same serialiser
        path = build_dir / f"kg.{fmt}"
        if not path.is_file():
            raise BuildNotFoundError("no built graph here; run 'kg build' first", file=build_dir)
        return path.read_bytes()
    with open_store(build_dir) as store:
        return serialise(store.dump("nq"), fmt)
