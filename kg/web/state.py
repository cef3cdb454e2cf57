"""kg serve's shared state, in one typed object the views receive (as datasette's views
receive its ``Datasette``): the store, the canned queries, the settings, and what is computed
once (names, the search index, the whole network) or kept while recent (answers to queries
and cases).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kg.web.common import ANSWERS_KEPT, link

if TYPE_CHECKING:
    from kg.ask.case import CaseAnswer
    from kg.ask.queries import Query
    from kg.ask.tables import Table
    from kg.store import Store
    from kg.store.search import SearchIndex

T = TypeVar("T")


@dataclass(frozen=True)
class SparqlSettings:
    """How kg serve runs visitors' queries at /sparql (``kg serve --sparql-*``)."""

    #: How many queries may run at once.
    workers: int = 2
    #: The memory each may take, in bytes.
    memory: int = 1024 * 1024 * 1024
    #: Accept queries other web sites make visitors' browsers send.
    cross_site: bool = False
    #: Run queries (those the parser proves free of SERVICE) where workers cannot be cut off
    #: the network; otherwise /sparql is switched off there.
    without_isolation: bool = False
    #: Whether workers can be cut off the network; None: find out.
    isolated: bool | None = None


class Site:
    """The served graph and what kg serve knows about it."""

    def __init__(
        self,
        store: Store,
        queries: Mapping[str, Query],
        *,
        lang: str,
        query_seconds: float,
        hosts: Sequence[str] | None,
        sparql: SparqlSettings | None = None,
    ) -> None:
        self.store = store
        self.queries = queries
        self.lang = lang
        self.query_seconds = query_seconds
        self.hosts = hosts
        settings = sparql or SparqlSettings()
        self.sparql_workers = settings.workers
        self.sparql_memory = settings.memory
        self.cross_site = settings.cross_site
        #: At most ``sparql_workers`` visitors' queries run at once; more get a 503.
        self.sparql_slots = threading.BoundedSemaphore(settings.workers)
        #: Why /sparql answers 503 to every query (None: it runs them), and how /sparql
        #: runs them, in one line for the server's log.
        self.sparql_refusal: str | None = None
        self.sparql_strict = False
        self.sparql_note = self._sparql_mode(settings)
        #: Set when the server stops: the store is about to close.
        self.stopping = False
        self._cache: dict[Hashable, Any] = {}
        self._cache_locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._answers_lock = threading.Lock()

    def _sparql_mode(self, settings: SparqlSettings) -> str:
        """Decide how /sparql runs visitors' queries on this system, in one line."""
        from kg.store import LocalStore
        from kg.store.sandbox import isolation_works

        if not isinstance(self.store, LocalStore) or self.store.path is None:
            return "/sparql: queries are checked (no update, no SERVICE) and forwarded"
        isolated = settings.isolated if settings.isolated is not None else isolation_works()
        limits = (
            f"at most {settings.workers} at once, {self.query_seconds:g} s and "
            f"{settings.memory // 2**20:,} MiB each"
        )
        if isolated:
            return f"/sparql: each query runs in a worker without network ({limits})"
        if settings.without_isolation:
            self.sparql_strict = True
            return (
                "/sparql: WARNING: this system does not let kg serve cut query workers off "
                "the network; queries run only if kg's SPARQL parser reads them completely and "
                f"finds no SERVICE ({limits})"
            )
        self.sparql_refusal = (
            "/sparql is switched off: this system does not let kg serve cut query workers "
            "off the network (start kg serve with --sparql-without-isolation to run queries "
            "that kg's SPARQL parser proves free of SERVICE)"
        )
        return "WARNING: " + self.sparql_refusal

    def run_query(self, location: Any, ask: Any) -> tuple[bytes, str]:
        """Run a visitor's query on the store at ``location`` within this server's limits
        (:func:`kg.store.sandbox.run_limited`)."""
        from kg.store.sandbox import Limits, run_limited

        limits = Limits(
            seconds=self.query_seconds, memory=self.sparql_memory, strict=self.sparql_strict
        )
        return run_limited(location, ask, limits)

    def graph_names(self) -> list[str]:
        """The named graphs (sources) of the store, for the service description."""

        def make() -> list[str]:
            rows = self.store.select_values("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            return sorted(g for (g,) in rows if g)

        return self.once("graph names", make)

    # --- computed once, or kept while recent --------------------------------------------

    def once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, the first time ``key`` is asked for (by any thread; others asking
        meanwhile wait for it), then the same value."""
        with self._guard:
            lock = self._cache_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = compute()
            value: T = self._cache[key]
            return value

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for ``key``, computed once while it is among the
        :data:`~kg.web.common.ANSWERS_KEPT` most recent (the graph does not change while it
        is served): a download after viewing a table, or the network of a case just found,
        is at once. Errors are not kept."""
        with self._answers_lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                kept: T = self._answers[key]
                return kept
        value = compute()  # outside the lock: other requests go on meanwhile
        with self._answers_lock:
            self._answers[key] = value
            while len(self._answers) > ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return value

    # --- answers ------------------------------------------------------------------------

    def query_answer(self, query: Query, values: Mapping[str, str], chosen: str) -> Table:
        from kg.ask import queries

        key = ("query", query.name, tuple(sorted(values.items())), chosen)
        return self.remembered(
            key, lambda: queries.run_query(self.store, query, values, lang=chosen)
        )

    def case_answer(
        self, municipality: str, groups: list[str], themes: list[str], chosen: str
    ) -> CaseAnswer:
        from kg.ask import case

        self.case_facts()
        key = ("case", municipality, tuple(groups), tuple(themes), chosen)
        return self.remembered(
            key, lambda: case.find(self.store, municipality, groups, themes, lang=chosen)
        )

    # --- the network --------------------------------------------------------------------

    def whole(self, chosen: str, every_kind: bool) -> Any:
        """The whole network in ``chosen`` (the kinds ``kg viz`` shows, or every kind),
        assembled once: pages draw parts of it."""
        from kg.build.netfacts import DEFAULT_KINDS
        from kg.network import assemble, facts_of

        def make() -> Any:
            facts = self.once("facts", lambda: facts_of(self.store))
            return assemble(facts, chosen, None if every_kind else DEFAULT_KINDS)

        return self.once(("whole", chosen, every_kind), make)

    def collaboration(self, chosen: str) -> Any:
        """Who works with whom in ``chosen``: the picture ``kg viz`` draws by default."""
        from kg.network import facts_of, whole_picture

        def make() -> Any:
            facts = self.once("facts", lambda: facts_of(self.store))
            return whole_picture(facts, chosen, self.store)

        return self.once(("collaboration", chosen), make)

    def picture_node(self, iri: str, chosen: str) -> tuple[Any, str] | None:
        """The picture ``iri`` is a node of (the one ``kg viz`` draws or, for a kind it leaves
        out, the one with every kind) and its node there (a municipality's area is folded
        into the municipality); None if it is in neither."""
        for every_kind in (False, True):
            graph = self.whole(chosen, every_kind)
            node = graph.graph.get("folded", {}).get(iri, iri)
            if node in graph:
                return graph, node
        return None

    def picture_around(self, iri: str, chosen: str) -> Any | None:
        """The neighbourhood of ``iri`` (one link out), or None if it is no node."""
        from kg.network import neighbourhood

        found = self.picture_node(iri, chosen)
        if found is None:
            return None
        graph, node = found
        picked = neighbourhood(graph, [node], 1)
        label = graph.nodes[node]["label"]
        picked.graph["title"] = f"kg: rond {label}" if chosen == "nl" else f"kg: around {label}"
        return with_totals(picked, graph)

    # --- names for pickers and suggestions ----------------------------------------------

    def municipality_names(self) -> list[str]:
        def make() -> list[str]:
            rows = self.store.select_values(
                "SELECT ?m WHERE { ?m a <https://w3id.org/kg-sociaal/def#Municipality> }"
            )
            labels = self.store.labels([m for (m,) in rows if m], "nl")
            return sorted(set(labels.values()))

        return self.once("municipalities", make)

    def concept_names(self, scheme: str | None, chosen: str) -> list[str]:
        """The labels of the concepts a concept parameter takes, for its picker."""

        def make() -> list[str]:
            skos = "http://www.w3.org/2004/02/skos/core#"
            where = f"?c a <{skos}Concept>"
            if scheme:
                where += f" ; <{skos}inScheme> <{scheme}>"
            rows = self.store.select_values(f"SELECT DISTINCT ?c WHERE {{ {where} }}")
            return sorted(set(self.store.labels([c for (c,) in rows if c], chosen).values()))

        return self.once(("concepts", scheme, chosen), make)

    def case_concepts(self, chosen: str) -> dict[str, list[tuple[str, str]]]:
        """The target groups and themes of the case form (kg.ask.case.known_concepts)."""
        from kg.ask.case import known_concepts

        return self.once(("case concepts", chosen), lambda: known_concepts(self.store, chosen))

    def name_list(self) -> list[tuple[str, str]]:
        """Every (IRI, normalised name), for suggestions."""
        from kg.store.names import NAMES_SPARQL
        from kg.text import normalise

        def make() -> list[tuple[str, str]]:
            rows = self.store.select_values(NAMES_SPARQL, ("r", "name"))
            return sorted({(iri, normalise(name)) for iri, name in rows if iri and name})

        return self.once("names", make)

    def suggestions(self, text: str, chosen: str, limit: int = 10) -> list[dict[str, str]]:
        """Resources with a name containing ``text`` (normalised): those named exactly so
        first, then those with a name starting with it, then the rest; each with its kind,
        since a municipality, its area and a programme can share a name."""
        from kg.store import sparql_iris
        from kg.text import normalise

        store = self.store
        key = normalise(text)
        if len(key) < 2:
            return []
        rank: dict[str, int] = {}
        for iri, name in self.name_list():
            if key in name:
                level = 0 if name == key else 1 if name.startswith(key) else 2
                rank[iri] = min(level, rank.get(iri, 2))
        ranked = sorted(rank, key=lambda iri: (rank[iri], iri))[: limit * 3]
        labels = store.labels(ranked, chosen)
        hits = sorted(ranked, key=lambda iri: (rank[iri], (labels.get(iri) or iri).lower(), iri))
        hits = hits[:limit]
        kinds: dict[str, set[str]] = {}
        if hits:
            block = " ".join(f"<{i}>" for i in sparql_iris(hits))
            rows = store.select_values(f"SELECT ?r ?t WHERE {{ VALUES ?r {{ {block} }} ?r a ?t }}")
            for r, t in rows:
                if r and t:
                    kinds.setdefault(r, set()).add(t)
        kind_labels = store.labels({t for ts in kinds.values() for t in ts}, chosen)
        return [
            {
                "label": labels.get(i, i),
                "href": link(i, chosen),
                "kind": ", ".join(
                    sorted({kind_labels[t] for t in kinds.get(i, ()) if t in kind_labels})
                ),
            }
            for i in hits
        ]

    def search_index(self) -> SearchIndex | None:
        """The build's full-text index (:mod:`kg.store.search`), or None where there is none
        (a SPARQL server, an older build)."""
        from kg.store.search import FILE, open_index

        return self.once("search index", lambda: open_index(self.store.beside(FILE)))

    def search(self, text: str, chosen: str, limit: int = 50) -> tuple[list[dict[str, Any]], str]:
        """The hits for the search page and the suggestions, and how they matched: from the
        build's full-text index (names, descriptions and topics; ``"all"``, ``"any"`` or
        ``"none"``), else by name (``"names"``: :meth:`suggestions`). Each hit has its
        label, link, kind and snippet, a list of ``{"text", "mark"}`` parts."""
        index = self.search_index()
        if index is None:
            return self.suggestions(text, chosen, limit), "names"
        found = index.search(text, chosen, limit)
        hits = [
            {
                "label": hit.label,
                "href": link(hit.iri, chosen),
                "kind": hit.kind_label,
                "snippet": [{"text": t, "mark": m} for t, m in hit.snippet],
            }
            for hit in found.hits
        ]
        return hits, found.match

    def case_facts(self) -> None:
        """The facts every case reads, read once for a local store (kg.ask.evidence.preload):
        later cases filter them in memory. A remote server is asked per case instead (reading
        everything from it would cost more than the cases)."""
        from kg.ask.evidence import preload
        from kg.store import LocalStore

        if isinstance(self.store, LocalStore):
            self.once("case facts", lambda: preload(self.store))

    def warm(self, log: Callable[[str], None]) -> None:
        """Read the names, the facts cases read, and assemble the network at once, in a
        background thread, so the first visitor does not wait for it (a few seconds on a
        national graph)."""

        def prepare() -> None:
            try:
                self.name_list()
                self.municipality_names()
                self.case_facts()
                self.whole(self.lang, False)
            except Exception:  # a request meets the same fault later, with a message
                if not self.stopping:  # a server stopped during warm-up closed the store
                    log("warming up failed")

        threading.Thread(target=prepare, name="kg-serve-warm", daemon=True).start()


def with_totals(picked: Any, graph: Any) -> Any:
    """``picked`` with each node's number of links in ``graph``, so the page can say how many
    links lie outside the picture."""
    for n in picked:
        picked.nodes[n]["links_total"] = graph.degree(n)
    return picked
