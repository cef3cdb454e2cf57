"""Publish a built graph to a SPARQL server, all at once or not at all.

The whole push is ONE SPARQL 1.1 Update request: for each graph of the build (the default
graph with kg's ontology and code lists, and one named graph per source) ``DROP SILENT`` then
``INSERT DATA``. A server that applies an update request as one transaction (Oxigraph does,
and rolls back on any failure) therefore never holds half a graph: if the push fails part way,
or the server dies during it, the previous graphs are still there. Pushing the same build
again leaves the server as it was (idempotent).

- ``replace=False``: the build's graphs replace the server's graphs of the same names; other
  named graphs on the server stay.
- ``replace=True``: the server ends up holding exactly the build (``DROP ALL`` first, in the
  same transaction).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from kg.remote import RemoteStore, public_url
from kg.store import LocalStore

#: Seconds a push may take before kg gives up waiting (the server may still finish it).
PUSH_TIMEOUT = 1800.0


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graphs: int  # named graphs pushed
    quads: int
    replaced_all: bool
    seconds: float

    def summary(self) -> str:
        how = "replaced everything on" if self.replaced_all else "pushed to"
        return (
            f"{how} {self.endpoint}: {self.quads} statements in {self.graphs} named graph(s) "
            f"and the default graph, in one transaction ({self.seconds:.1f} s)."
        )


def update_text(local: LocalStore, *, replace: bool = False) -> tuple[str, int, int]:
    """The one SPARQL Update that pushes ``local``: ``(text, named graphs, quads)``. Graphs and
    statements are sorted, so the same build gives the same request."""
    by_graph: dict[str | None, list[str]] = defaultdict(list)
    count = 0
    for quad in local.quads():
        graph = quad.graph_name
        key = graph.value if isinstance(graph, ox.NamedNode) else None
        by_graph[key].append(f"{quad.subject} {quad.predicate} {quad.object} .")
        count += 1
    named = sorted(g for g in by_graph if g is not None)
    parts = ["DROP SILENT ALL"] if replace else ["DROP SILENT DEFAULT"]
    if not replace:
        parts += [f"DROP SILENT GRAPH <{g}>" for g in named]
    if by_graph.get(None):
        parts.append("INSERT DATA {\n" + "\n".join(sorted(by_graph[None])) + "\n}")
    for g in named:
        body = "\n".join(sorted(by_graph[g]))
        parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")
    return " ;\n".join(parts) + "\n", len(named), count


def push(local: LocalStore, remote: RemoteStore, *, replace: bool = False) -> PushResult:
    """Send ``local`` (an opened build) to ``remote`` in one transaction."""
    text, graphs, quads = update_text(local, replace=replace)
    start = time.perf_counter()
    remote.update(text, timeout=max(remote.timeout, PUSH_TIMEOUT))
    seconds = time.perf_counter() - start
    return PushResult(public_url(remote.endpoint), graphs, quads, replace, seconds)
