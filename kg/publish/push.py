"""Publish a built graph to a SPARQL server, all at once or not at all.

The whole push is ONE SPARQL 1.1 Update request: for each graph of the build (the default
graph with kg's ontology and code lists, and one named graph per source) ``DROP SILENT`` then
``INSERT DATA``. A server that applies an update request as one transaction (Oxigraph does,
and rolls back on any failure) therefore never holds half a graph: if the push fails part way,
or the server dies during it, the previous graphs are still there. Pushing the same build
again leaves the server as it was (idempotent).

- ``replace=False``: the build's graphs (and the default graph) replace the server's graphs of
  the same names; other graphs stay.
- ``replace=True``: kg graphs on the server that the build no longer has (names under
  ``https://w3id.org/kg-sociaal/``) are dropped too, so the server's kg data is exactly the
  build. Graphs of other owners, and a server's own system graphs, are never touched.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import KgError
from kg.store import LocalStore
from kg.store.remote import RemoteError, RemoteStore, public_url

#: Graph names kg owns on a server: the build's source graphs live under this.
KG_GRAPHS = "https://w3id.org/kg-sociaal/"
#: Statements per INSERT DATA operation (all of them still go in one request).
INSERT_SLICE = 500
#: Where staged pushes put their graphs until the switch.
STAGING = "urn:x-kg-push:"
#: Seconds a push may take before kg gives up waiting (the server may still finish it).
PUSH_TIMEOUT = 1800.0


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graphs: int  # named graphs pushed
    quads: int
    replaced_all: bool
    staged: bool
    seconds: float

    def summary(self) -> str:
        how = "replaced kg's graphs on" if self.replaced_all else "pushed to"
        way = "staged, then switched in one request" if self.staged else "in one transaction"
        return (
            f"{how} {self.endpoint}: {self.quads} statements in {self.graphs} named graph(s) "
            f"and the default graph, {way} ({self.seconds:.1f} s)."
        )


def _insert(graph: str | None, lines: list[str]) -> str:
    body = "\n".join(lines)
    if graph is None:
        return f"INSERT DATA {{\n{body}\n}}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def _drop(graph: str | None) -> str:
    return "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"


def _order(graph: str | None) -> tuple[bool, str]:
    """The default graph first, then named graphs by name."""
    return (graph is not None, graph or "")


@dataclass(frozen=True)
class _Plan:
    """What a push sends: the statements per target graph, and the graphs to drop first."""

    by_graph: dict[str | None, list[str]]
    count: int
    targets: list[str | None]  # sorted by _order
    drops: list[str | None]  # sorted by _order
    named: int  # named graphs of the build (not counting the default graph's stand-in)


def _plan(local: LocalStore, default_graph: str | None, stale: Iterable[str]) -> _Plan:
    by_graph, count = local.lines_by_graph(default_graph)
    targets = sorted(by_graph, key=_order)
    drops: set[str | None] = set(targets) | set(stale)
    if default_graph is None:
        drops.add(None)
    named = sum(1 for g in targets if g is not None and g != default_graph)
    return _Plan(by_graph, count, targets, sorted(drops, key=_order), named)


def _slices(lines: list[str]) -> list[list[str]]:
    """Some servers refuse one INSERT DATA of thousands of statements."""
    return [lines[i : i + INSERT_SLICE] for i in range(0, len(lines), INSERT_SLICE)]


def update_text(
    local: LocalStore, *, stale: Iterable[str] = (), default_graph: str | None = None
) -> tuple[str, int, int]:
    """The one SPARQL Update that pushes ``local``: ``(text, named graphs, quads)``.

    Each graph of the build is dropped and inserted, and so are the ``stale`` graphs (kg
    graphs on the server that the build no longer has; only with --replace). The build's
    default graph goes to the server's default graph, or to the named graph ``default_graph``
    for servers without a plain default graph (Virtuoso). Graphs and statements are sorted, so
    the same build gives the same request."""
    plan = _plan(local, default_graph, stale)
    parts = [_drop(g) for g in plan.drops]
    for g in plan.targets:
        parts += [_insert(g, part) for part in _slices(plan.by_graph[g])]
    return " ;\n".join(parts) + "\n", plan.named, plan.count


def stale_graphs(remote: RemoteStore, prefix: str = KG_GRAPHS) -> list[str]:
    """The server's graphs whose names start with ``prefix`` (kg's, by default)."""
    rows = remote.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    ).rows
    return sorted(str(g) for (g,) in rows if g is not None)


def push(
    local: LocalStore, remote: RemoteStore, *, replace: bool = False, staged: bool = False
) -> PushResult:
    """Send ``local`` (an opened build) to ``remote``: in one request, or ``staged``."""
    start = time.perf_counter()
    stale = stale_graphs(remote) if replace else []
    timeout = max(remote.timeout, PUSH_TIMEOUT)
    try:
        if staged:
            plan = _plan(local, remote.default_graph, stale)
            _push_staged(plan, remote, timeout)
            graphs, quads = plan.named, plan.count
        else:
            text, graphs, quads = update_text(
                local, stale=stale, default_graph=remote.default_graph
            )
            remote.update(text, timeout=timeout)
    except RemoteError as exc:
        raise RemoteError(exc.message + _hint(exc.message, remote, staged)) from None
    seconds = time.perf_counter() - start
    return PushResult(public_url(remote.endpoint), graphs, quads, replace, staged, seconds)


def _hint(message: str, remote: RemoteStore, staged: bool) -> str:
    """What to try when a server refuses a push (Virtuoso says it in its own words)."""
    text = message.lower()
    if remote.default_graph is None and "default graph" in text:
        return (
            "; this server has no plain default graph: name a graph for kg's ontology and "
            "code lists with --default-graph IRI"
        )
    if not staged and ("http 413" in text or "http 500" in text or "too large" in text):
        return "; if the server refuses one large request, push with --staged"
    return ""


def _push_staged(plan: _Plan, remote: RemoteStore, timeout: float) -> None:
    """For servers that refuse one large request (Virtuoso): upload each graph to a staging
    graph (one Graph Store Protocol PUT per graph when the server has a graph store, else
    SPARQL updates of INSERT_SLICE statements), then switch them all in one small request
    (drop, then MOVE staging to the real name). Until the switch the old graphs are served
    (queries of the union may also see staged statements); if the upload fails, the staging
    graphs are dropped and nothing else changed."""
    leftovers = stale_graphs(remote, STAGING)
    if leftovers:  # from an earlier push that did not finish
        remote.update(" ;\n".join(_drop(g) for g in leftovers), timeout=timeout)
    token = uuid.uuid4().hex[:12]
    staging = {g: f"{STAGING}{token}/{i}" for i, g in enumerate(plan.targets)}
    try:
        for g in plan.targets:
            if remote.graph_store is not None:
                data = ("\n".join(plan.by_graph[g]) + "\n").encode("utf-8")
                remote.load(data, "nt", staging[g], replace=True, timeout=timeout)
                continue
            for part in _slices(plan.by_graph[g]):
                remote.update(_insert(staging[g], part), timeout=timeout)
    except KgError:
        with contextlib.suppress(KgError):
            remote.update(" ;\n".join(_drop(s) for s in staging.values()), timeout=timeout)
        raise
    switch = [_drop(g) for g in plan.drops]
    for g in plan.targets:
        target = "DEFAULT" if g is None else f"GRAPH <{g}>"
        switch.append(f"MOVE SILENT GRAPH <{staging[g]}> TO {target}")
    remote.update(" ;\n".join(switch), timeout=timeout)
