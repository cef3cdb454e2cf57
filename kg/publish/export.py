"""Exports of a build: the RDF formats (written by :mod:`kg.store.rdf`) and the network
projection that ``kg viz`` draws as GraphML and GEXF (for Gephi, Cytoscape, yEd): nodes keyed
by IRI with label, kind, description and source titles as attributes, links with their
plain-words label, property and sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import UsageError
from kg.store.rdf import (  # noqa: F401 - the RDF side of exports, part of this API
    FORMATS,
    NETWORK_FORMATS,
    jsonld_context,
    serialise,
    serialise_quads,
)


def export(
    build_dir: str | Path, fmt: str, lang: str = "nl", kinds: Iterable[str] | None = None
) -> bytes:
    """The built graph in ``build_dir`` serialised as ``fmt`` (``lang``: the labels of the
    network formats)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    from kg.store import built_file, open_store

    if fmt in NETWORK_FORMATS:
        from kg.network import assemble, facts_of, whole_picture

        with open_store(build_dir) as store:
            facts = facts_of(store)
            graph = (
                whole_picture(facts, lang, store) if kinds is None else assemble(facts, lang, kinds)
            )
        return network_file(graph, fmt)

    if fmt in ("ttl", "trig"):  # written by the build with the same serialiser
        return built_file(build_dir, f"kg.{fmt}").read_bytes()
    store = open_store(build_dir)
    with store:
        return serialise_quads(list(store.quads()), fmt)


def network_file(graph: Any, fmt: str) -> bytes:
    """A network projection as GraphML or GEXF, deterministic (no dates, sorted ids), valid
    against the GraphML 1.0 and GEXF 1.2draft schemas. GraphML ids must be XML names, so its
    nodes are ``n0, n1, ...`` and its edges ``e0, e1, ...`` (unique, so yEd keeps every edge),
    each with its IRI in the ``iri`` attribute; GEXF keeps the IRIs as ids."""
    import io

    import networkx as nx

    from kg.build.netfacts import KIND_BY_KEY

    lang = graph.graph.get("lang", "nl")
    titles = graph.graph.get("sources", {})

    def cited(iris: Iterable[str]) -> str:
        return "; ".join(titles.get(s, (s, None))[0] for s in iris)

    flat = nx.MultiDiGraph()
    graphml = fmt == "graphml"
    ids = {n: (f"n{i}" if graphml else n) for i, n in enumerate(sorted(graph))}
    for n in sorted(graph):
        data = graph.nodes[n]
        flat.add_node(
            ids[n],
            label=data["label"],
            kind=data["kind"],
            kind_label=KIND_BY_KEY[data["kind"]].label(lang),
            iri=n,
            description=data.get("description", ""),
            sources=cited(data.get("sources", ())),
            **{
                key: "; ".join(data[key]) if isinstance(data[key], tuple) else str(data[key])
                for key in ("status", "period", "places", "domains")
                if data.get(key)
            },
        )
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3])
    for i, (a, b, key, data) in enumerate(edges):
        flat.add_edge(
            ids[a],
            ids[b],
            key=f"e{i}" if graphml else key,
            label=data["label"],
            property=data["prop"],
            sources=cited(data.get("sources", ())),
        )
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, out, encoding="utf-8", prettyprint=True)
        return out.getvalue()
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(flat)
    _drop_edge_attribute(writer.xml, "networkx_key")  # the same as "property"
    for element in writer.xml.iter():  # GEXF 1.2draft has no name on <graph>
        if element.tag.rsplit("}", 1)[-1] == "graph":
            element.attrib.pop("name", None)
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date and its version: keep bytes stable
        from kg.version import __version__

        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = f"kg {__version__}"
    writer.write(out)
    return out.getvalue()


def _drop_edge_attribute(xml: Any, title: str) -> None:
    """Remove an edge attribute (its declaration and values) from a GEXF document."""
    ns = xml.tag.split("}")[0] + "}" if xml.tag.startswith("{") else ""
    for declared in xml.iter(f"{ns}attributes"):
        if declared.get("class") != "edge":
            continue
        for attribute in list(declared):
            if attribute.get("title") == title:
                declared.remove(attribute)
                ident = attribute.get("id")
                for values in xml.iter(f"{ns}attvalues"):
                    for value in list(values):
                        if value.get("for") == ident:
                            values.remove(value)
