"""``kg serve``: the graph over HTTP, read-only (Flask, served by waitress).

Pages for people (templates in ``kg/templates/serve/``, Dutch or English by ``?lang=``):

- ``/``: search with suggestions (``/suggest``), the canned questions and the case form;
  ``/search?q=...``: every match;
- ``/ask/NAME``: a canned query's form (from its ``#+`` header) and its answer;
- ``/ask-case``: the case finder's form and answer;
- ``/network?iri=...`` or ``/network?municipality=...``: kg viz's network page around a
  resource or of a case's answer (embedded in the resource page).

Routes for machines:

- ``GET /resource?iri=...`` and ``GET /id/...`` (the path of one of the project's own IRIs):
  Linked Data. The description of a resource (every statement with it as subject or object),
  negotiated: ``text/html`` for browsers (the resource's page, with the sources of each
  statement and the network around it), ``text/turtle``, ``application/ld+json`` and
  ``application/n-triples`` for machines, also as ``?format=ttl|jsonld|nt|html``.
- ``GET|POST /sparql``: a read-only SPARQL 1.1 Protocol endpoint (results as JSON, XML, CSV or
  TSV; graphs as Turtle, N-Triples or JSON-LD). Updates are refused, and so is ``SERVICE``
  (no request may leave the server on a user's behalf). Over a SPARQL server
  (``--endpoint``), queries are checked and forwarded to it.
- ``GET /queries`` and ``GET /queries/NAME?param=...``: the canned queries as an API (JSON,
  CSV).
- ``GET /case?municipality=...&target_group=...&theme=...``: the case finder (JSON).

Every error is one line of text or JSON with a status code; no traceback reaches a client.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.errors import KgError, UsageError
from kg.namespaces import BASE
from kg.sparql.lexer import has_keyword
from kg.store import check_language

if TYPE_CHECKING:
    from flask import Flask, Response

    from kg.ask.queries import Query
    from kg.store import Store

#: The largest request body kg serve reads (a SPARQL query posted as a form or as text).
MAX_REQUEST_BYTES = 1_000_000
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: How long a query sent to /sparql may run before it is stopped (``kg serve --timeout``).
QUERY_SECONDS = 30.0
#: The largest answer /sparql sends.
MAX_ANSWER_BYTES = 100_000_000
#: Where the project's own IRIs live; ``/id/...`` on the server is the same path.
ID_BASE = BASE + "id/"

RDF_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: ``/sparql?format=...``: the media type each name stands for (results, then graphs).
SPARQL_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
#: The most programmes, instruments and partners the case page lists each (``/case`` gives
#: all of them).
CASE_SHOWN = 30
#: How many answers to canned queries and cases kg serve keeps (the most recent).
ANSWERS_KEPT = 64
#: The most statements a resource page lists (its data formats give every one).
MAX_SHOWN = 1000
#: An absolute IRI as SPARQL and N-Triples write it between < and >.
_IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f]+")


#: The pages' own words; data labels come from the graph in the chosen language.
WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "skip": "Naar de inhoud",
        "search": "Zoeken",
        "search_placeholder": "Een programma, gemeente, organisatie of regeling…",
        "language": "Taal",
        "footer": "kg: een open kennisgraaf van het sociaal domein. Alleen lezen.",
        "home_title": "Wat loopt er, onder welke regeling, met wie?",
        "home_intro": "Zoek een programma, gemeente, organisatie of regeling, stel een van de "
        "vaste vragen, of vraag welke programma's, regelingen en partners bij een casus passen.",
        "queries": "Vaste vragen",
        "case": "Casus",
        "municipality": "Gemeente",
        "target_group": "Doelgroep",
        "theme": "Thema",
        "any": "(geen keuze)",
        "find": "Zoek wat past",
        "as_data": "Als data",
        "links": "Wat de graaf erover zegt",
        "subject": "Onderwerp",
        "property": "Verband",
        "value": "Waarde",
        "sources": "Bronnen",
        "nothing": "Niets gevonden.",
        "problem": "Dat lukte niet:",
        "more": "En nog {n} uitspraken; de data (Turtle, JSON-LD, N-Triples) bevat ze allemaal.",
        "network": "Netwerk eromheen",
        "open_network": "Netwerk op een eigen pagina openen",
        "results_for": "Resultaten voor",
        "no_match": "Geen naam gevonden die hierop lijkt.",
        "example": "bijvoorbeeld",
        "run": "Vraag stellen",
        "result": "Antwoord",
        "download": "Downloaden",
        "show_sparql": "De SPARQL van deze vraag",
        "score": "score",
        "as_network": "Dit antwoord als netwerk",
        "case_shown": "Per lijst de eerste {n}; het hele antwoord als JSON:",
        "programmes": "Programma's",
        "instruments": "Regelingen en wetten",
        "partners": "Partners",
    },
    "en": {
        "skip": "Skip to content",
        "search": "Search",
        "search_placeholder": "A programme, municipality, organisation or scheme…",
        "language": "Language",
        "footer": "kg: an open knowledge graph of the Dutch social domain. Read-only.",
        "home_title": "What runs where, under which scheme, with whom?",
        "home_intro": "Search a programme, municipality, organisation or scheme, ask one of the "
        "canned questions, or ask which programmes, schemes and partners fit a case.",
        "queries": "Canned questions",
        "case": "Case",
        "municipality": "Municipality",
        "target_group": "Target group",
        "theme": "Theme",
        "any": "(none)",
        "find": "Find what fits",
        "as_data": "As data",
        "links": "What the graph says about it",
        "subject": "Subject",
        "property": "Link",
        "value": "Value",
        "sources": "Sources",
        "nothing": "Nothing found.",
        "problem": "That did not work:",
        "more": "And {n} more statements; the data (Turtle, JSON-LD, N-Triples) has them all.",
        "network": "Network around it",
        "open_network": "Open the network on a page of its own",
        "results_for": "Results for",
        "no_match": "No name found that looks like this.",
        "example": "for example",
        "run": "Ask",
        "result": "Answer",
        "download": "Download",
        "show_sparql": "The SPARQL of this question",
        "score": "score",
        "as_network": "This answer as a network",
        "case_shown": "The first {n} of each list; the whole answer as JSON:",
        "programmes": "Programmes",
        "instruments": "Schemes and laws",
        "partners": "Partners",
    },
}
LANGUAGES = (("nl", "Nederlands"), ("en", "English"))


class HttpError(KgError):
    """A request kg serve refuses, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def uses_service(sparql: str) -> bool:
    """Whether ``sparql`` holds the SERVICE keyword (outside comments, strings, IRIs and
    names), after SPARQL's ``\\u``/``\\U`` codepoint escapes are applied, as a parser applies
    them (read by kg's one SPARQL tokenizer, :mod:`kg.sparql.lexer`)."""
    return has_keyword(sparql, "SERVICE")


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """Every statement with ``iri`` as subject or object, each once, in a stable order."""
    return list(statements(store, iri))


def statements(store: Store, iri: str) -> dict[ox.Triple, tuple[str, ...]]:
    """Every statement with ``iri`` as subject or object, in a stable order, each with the
    named graphs that hold it (its sources; none for the ontology and vocabularies)."""
    try:
        term = ox.NamedNode(iri)
    except ValueError:
        raise HttpError(400, "not a valid IRI") from None
    found: dict[ox.Triple, set[str]] = {}

    def add(s: Any, p: Any, o: Any, graph: Any) -> None:
        sources = found.setdefault(ox.Triple(s, p, o), set())
        if isinstance(graph, ox.NamedNode):
            sources.add(graph.value)

    oxstore = getattr(store, "oxigraph", None)
    if oxstore is not None:
        for q in oxstore.quads_for_pattern(term, None, None, None):
            add(q.subject, q.predicate, q.object, q.graph_name)
        for q in oxstore.quads_for_pattern(None, None, term, None):
            add(q.subject, q.predicate, q.object, q.graph_name)
    else:  # a SPARQL server
        from kg.store import to_oxigraph

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


def serialise_description(triples: list[ox.Triple], fmt: str) -> bytes:
    """``triples`` as ``fmt`` (ttl, nt or jsonld), with kg's prefixes and stable bytes."""
    from kg.store.rdf import serialise_quads

    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return serialise_quads(quads, fmt)


def negotiate(accept: str, offers: list[str], default: str) -> str:
    """The offer the ``Accept`` header prefers (RFC 9110): each offer takes the quality of
    the most specific range that matches it (``type/sub``, then ``type/*``, then ``*/*``),
    so ``text/html;q=0, */*`` excludes HTML; ties go to the order of ``offers``. ``default``
    when the header is empty or accepts none of them."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    quality = min(max(float(f[2:]), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges[fields[0].lower()] = quality
    best, best_quality = default, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        for match in (offer, f"{kind}/*", "*/*"):
            if match in ranges:
                if ranges[match] > best_quality:
                    best, best_quality = offer, ranges[match]
                break
    return best


def create_app(
    store: Store,
    queries: Mapping[str, Query],
    *,
    lang: str = "nl",
    query_seconds: float = QUERY_SECONDS,
    warm: bool = False,
    hosts: Sequence[str] | None = None,
) -> Flask:
    """The WSGI application over ``store`` (read-only) with the canned ``queries``; a query
    sent to ``/sparql`` may run ``query_seconds``. ``warm``: read the names and assemble the
    network in a background thread at once, so the first visitor does not wait for it (a
    few seconds on a national graph). ``hosts``: the only Host names it answers to (see
    :func:`host_names`); None: any."""
    from flask import Flask, Response, request

    app = Flask("kg.web.serve", template_folder=str(Path(__file__).parents[1] / "templates"))
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]

    def fail(status: int, message: str) -> Response:
        wants_json = "json" in (request.headers.get("Accept") or "")
        if wants_json:
            body = json.dumps({"error": message}, ensure_ascii=False)
            return Response(body, status, mimetype="application/json")
        return Response(message + "\n", status, mimetype="text/plain")

    @app.errorhandler(HttpError)
    def refused(exc: HttpError) -> Response:
        return fail(exc.status, exc.message)

    @app.errorhandler(KgError)
    def bad_request(exc: KgError) -> Response:
        from kg.store.remote import RemoteError

        if isinstance(exc, RemoteError):  # the SPARQL server behind kg serve failed
            return fail(502, str(exc))
        return fail(400, for_page(exc))

    @app.errorhandler(404)
    def not_found(_: Any) -> Response:
        return fail(404, "not found")

    @app.errorhandler(405)
    def not_allowed(_: Any) -> Response:
        return fail(405, "method not allowed (kg serve is read-only)")

    @app.errorhandler(413)
    def too_large(_: Any) -> Response:
        return fail(413, f"request larger than {MAX_REQUEST_BYTES:,} bytes")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")  # to the server's log, never the client
        return fail(500, "internal error; the server log has the details")

    @app.before_request
    def known_host() -> None:
        if hosts is None:
            return
        given = request.host  # "name:port" or "[v6:address]:port"
        name = given[1:].split("]", 1)[0] if given.startswith("[") else given.split(":", 1)[0]
        if name.lower() not in hosts:
            raise HttpError(403, "this server answers to " + ", ".join(hosts) + " only")

    cache: dict[Any, Any] = {}
    cache_locks: dict[Any, threading.Lock] = {}
    guard = threading.Lock()

    def once(key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, the first time ``key`` is asked for (by any thread; others asking
        meanwhile wait for it), then the same value."""
        with guard:
            lock = cache_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in cache:
                cache[key] = compute()
            return cache[key]

    answers: OrderedDict[Any, Any] = OrderedDict()
    answers_lock = threading.Lock()

    def remembered(key: Any, compute: Callable[[], Any]) -> Any:
        """The answer for ``key``, computed once while it is among the
        :data:`ANSWERS_KEPT` most recent (the graph does not change while it is served):
        a download after viewing a table, or the network of a case just found, is at once.
        Errors are not kept."""
        with answers_lock:
            if key in answers:
                answers.move_to_end(key)
                return answers[key]
        value = compute()  # outside the lock: other requests go on meanwhile
        with answers_lock:
            answers[key] = value
            while len(answers) > ANSWERS_KEPT:
                answers.popitem(last=False)
        return value

    def query_answer(query: Query, values: Mapping[str, str], chosen: str) -> Any:
        from kg.ask.queries import run_query

        key = ("query", query.name, tuple(sorted(values.items())), chosen)
        return remembered(key, lambda: run_query(store, query, values, lang=chosen))

    def case_answer(municipality: str, groups: list[str], themes: list[str], chosen: str) -> Any:
        from kg.ask.case import find

        key = ("case", municipality, tuple(groups), tuple(themes), chosen)
        return remembered(key, lambda: find(store, municipality, groups, themes, lang=chosen))

    def whole(chosen: str, every_kind: bool) -> Any:
        """The whole network in ``chosen`` (the kinds ``kg viz`` shows, or every kind),
        assembled once: pages draw parts of it."""
        from kg.network import DEFAULT_KINDS, assemble, facts_of

        def make() -> Any:
            facts = once("facts", lambda: facts_of(store))
            return assemble(facts, chosen, None if every_kind else DEFAULT_KINDS)

        return once(("whole", chosen, every_kind), make)

    def picture_node(iri: str, chosen: str) -> tuple[Any, str] | None:
        """The picture ``iri`` is a node of (the one ``kg viz`` draws or, for a kind it leaves
        out, the one with every kind) and its node there (a municipality's area is folded
        into the municipality); None if it is in neither."""
        for every_kind in (False, True):
            graph = whole(chosen, every_kind)
            node = graph.graph.get("folded", {}).get(iri, iri)
            if node in graph:
                return graph, node
        return None

    def picture_around(iri: str, chosen: str) -> Any | None:
        """The neighbourhood of ``iri`` (one link out), or None if it is no node."""
        from kg.network import neighbourhood

        found = picture_node(iri, chosen)
        if found is None:
            return None
        graph, node = found
        picked = neighbourhood(graph, [node], 1)
        label = graph.nodes[node]["label"]
        picked.graph["title"] = f"kg: rond {label}" if chosen == "nl" else f"kg: around {label}"
        return with_totals(picked, graph)

    def with_totals(picked: Any, graph: Any) -> Any:
        for n in picked:  # so the page can say how many links lie outside the picture
            picked.nodes[n]["links_total"] = graph.degree(n)
        return picked

    def network_response(picked: Any) -> Response:
        from kg.network.render import render_page

        html, policy = render_page(picked, title=picked.graph.get("title", ""))
        response = Response(html, mimetype="text/html")
        # The page's own policy (its inline scripts by hash, no requests at all) as the header,
        # in place of the app's script-src 'self', which would block them.
        response.headers["Content-Security-Policy"] = policy + "; frame-ancestors 'self'"
        return response

    def resource_response(iri: str) -> Response:
        found = statements(store, iri)
        triples = list(found)
        if not triples:
            raise HttpError(404, f"nothing is known about <{iri}>")
        fmt = request.args.get("format")
        if fmt is None:
            offers = ["text/html", *RDF_TYPES.values()]
            chosen = negotiate(request.headers.get("Accept") or "", offers, "text/turtle")
            fmt = "html" if chosen == "text/html" else _key(RDF_TYPES, chosen)
        if fmt == "html":
            page_response = Response(resource_page(iri, found), mimetype="text/html")
            page_response.headers["Vary"] = "Accept"
            return page_response
        if fmt not in RDF_TYPES:
            raise HttpError(400, f"format must be one of html, {', '.join(RDF_TYPES)}")
        body = serialise_description(triples, fmt)
        response = Response(body, mimetype=RDF_TYPES[fmt])
        response.headers["Vary"] = "Accept"
        return response

    def page_lang() -> str:
        chosen = request.args.get("lang", lang)
        return chosen if chosen in WORDS else lang

    def page(template: str, title: str, **context: Any) -> str:
        from flask import render_template

        chosen = page_lang()

        def switch_url(code: str) -> str:
            args = request.args.to_dict(flat=False)
            args["lang"] = [code]
            return request.path + "?" + urlencode(args, doseq=True)

        return render_template(
            f"serve/{template}",
            title=title,
            lang=chosen,
            words=WORDS[chosen],
            languages=LANGUAGES,
            switch_url=switch_url,
            q=request.args.get("q", ""),
            **context,
        )

    def link(iri: str) -> str:
        if iri.startswith(ID_BASE):
            rest = quote(iri[len(ID_BASE) :], safe="/-._~!$&'()*+,;=:@")
            return f"/id/{rest}?lang={page_lang()}"
        return f"/resource?{urlencode({'iri': iri, 'lang': page_lang()})}"

    def resource_page(iri: str, found: dict[ox.Triple, tuple[str, ...]]) -> str:
        chosen = page_lang()
        # Its own statements first, then those pointing at it; at most MAX_SHOWN (a concept
        # or a class can have tens of thousands; the data formats give them all).
        subject = ox.NamedNode(iri)
        ordered = sorted(found, key=lambda t: t.subject != subject)  # stable: keeps the order
        triples = ordered[:MAX_SHOWN]
        names = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        names |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        names |= {t.predicate.value for t in triples}
        names |= {g for t in triples for g in found[t]}
        names.add(iri)
        labels = store.labels(names, chosen)

        def cell(term: Any) -> dict[str, str | None]:
            if isinstance(term, ox.NamedNode):
                return {"text": labels.get(term.value, term.value), "href": link(term.value)}
            return {"text": term.value if isinstance(term, ox.Literal) else str(term), "href": None}

        label = labels.get(iri, iri)
        own = [
            (t.predicate.value, t.object)
            for t in triples
            if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri
        ]
        description = next(
            (
                o.value
                for p, o in own
                if p == "http://purl.org/dc/terms/description"
                and isinstance(o, ox.Literal)
                and o.language == chosen
            ),
            "",
        )
        kinds = [o.value for p, o in own if p == RDF_TYPE and isinstance(o, ox.NamedNode)]
        kind_labels = store.labels(kinds, chosen)
        rows = [
            {
                "cells": [cell(t.subject), cell(t.predicate), cell(t.object)],
                "sources": [cell(ox.NamedNode(g)) for g in graphs],
            }
            for t in triples
            for graphs in (found[t],)
        ]

        def data_url(fmt: str) -> str:
            return f"/resource?{urlencode({'iri': iri, 'format': fmt})}"

        return page(
            "resource.html",
            label,
            iri=iri,
            label=label,
            kind=", ".join(sorted(kind_labels.get(k, k) for k in kinds)),
            description=description,
            statements=rows,
            hidden=len(found) - len(triples),
            formats=[("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples")],
            data_url=data_url,
            network_url=(
                f"/network?{urlencode({'iri': iri, 'lang': chosen})}"
                if picture_node(iri, chosen) is not None
                else None
            ),
        )

    @app.get("/")
    def home() -> str:
        chosen = page_lang()
        return page(
            "home.html",
            WORDS[chosen]["home_title"],
            queries=sorted(queries.values(), key=lambda q: q.title),
            known=case_concepts(chosen),
            municipalities=municipality_names(),
            case_values={"municipality": "", "target_group": [], "theme": []},
        )

    def municipality_names() -> list[str]:
        def make() -> list[str]:
            rows = store.select_values(
                "SELECT ?m WHERE { ?m a <https://w3id.org/kg-sociaal/def#Municipality> }"
            )
            labels = store.labels([m for (m,) in rows if m], "nl")
            return sorted(set(labels.values()))

        return once("municipalities", make)

    def concept_names(scheme: str | None, chosen: str) -> list[str]:
        """The labels of the concepts a concept parameter takes, for its picker."""

        def make() -> list[str]:
            skos = "http://www.w3.org/2004/02/skos/core#"
            where = f"?c a <{skos}Concept>"
            if scheme:
                where += f" ; <{skos}inScheme> <{scheme}>"
            rows = store.select_values(f"SELECT DISTINCT ?c WHERE {{ {where} }}")
            return sorted(set(store.labels([c for (c,) in rows if c], chosen).values()))

        return once(("concepts", scheme, chosen), make)

    def case_concepts(chosen: str) -> dict[str, list[tuple[str, str]]]:
        """The target groups and themes of the case form (kg.ask.case.known_concepts)."""
        from kg.ask.case import known_concepts

        return once(("case concepts", chosen), lambda: known_concepts(store, chosen))

    @app.get("/suggest")
    def suggest() -> Response:
        text = request.args.get("q", "")[:200]
        return Response(
            json.dumps(suggestions(text, page_lang()), ensure_ascii=False),
            mimetype="application/json",
        )

    def suggestions(text: str, chosen: str, limit: int = 10) -> list[dict[str, str]]:
        """Resources with a name containing ``text`` (normalised): those named exactly so
        first, then those with a name starting with it, then the rest; each with its kind,
        since a municipality, its area and a programme can share a name."""
        from kg.store import sparql_iris
        from kg.text import normalise

        key = normalise(text)
        if len(key) < 2:
            return []
        rank: dict[str, int] = {}
        for iri, name in name_list():
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
                "href": link(i),
                "kind": ", ".join(
                    sorted({kind_labels[t] for t in kinds.get(i, ()) if t in kind_labels})
                ),
            }
            for i in hits
        ]

    def name_list() -> list[tuple[str, str]]:
        """Every (IRI, normalised name), for suggestions."""
        from kg.store.names import NAMES_SPARQL
        from kg.text import normalise

        def make() -> list[tuple[str, str]]:
            rows = store.select_values(NAMES_SPARQL, ("r", "name"))
            return sorted({(iri, normalise(name)) for iri, name in rows if iri and name})

        return once("names", make)

    @app.get("/search")
    def search() -> str:
        text = request.args.get("q", "")[:200]
        hits = suggestions(text, page_lang(), limit=50)
        return page("search.html", text or WORDS[page_lang()]["search"], hits=hits)

    @app.get("/ask/<name>")
    def query_page(name: str) -> str:

        query = queries.get(name)
        if query is None:
            raise HttpError(404, f"no query named {name!r}")
        chosen = page_lang()
        values = {k: v for k, v in request.args.items() if k in query.params and v}
        params = [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "description": p.description,
                "example": p.example,
                "list": (
                    municipality_names()
                    if p.type == "municipality"
                    else concept_names(p.scheme, chosen)
                    if p.type == "concept"
                    else None
                ),
            }
            for p in query.params.values()
        ]
        table, rows, error = None, [], None
        if "run" in request.args:
            try:
                table = query_answer(query, values, chosen)
            except KgError as exc:
                error = for_page(exc)
        if table is not None:
            from kg.ask.tables import Resource

            for row in table.rows:
                out: list[list[dict[str, str | None]]] = []
                for c in row:
                    if isinstance(c, Resource):
                        out.append([{"text": c.label, "href": link(c.iri)}])
                    elif isinstance(c, tuple):
                        out.append([{"text": r.label, "href": link(r.iri)} for r in c])
                    else:
                        out.append([{"text": "" if c is None else str(c), "href": None}])
                rows.append(out)

        def download(fmt: str) -> str:
            return f"/queries/{name}?" + urlencode({**values, "format": fmt, "lang": chosen})

        return page(
            "query.html",
            query.title,
            query=query,
            params=params,
            values=values,
            table=table,
            rows=rows,
            error=error,
            download=download,
        )

    @app.get("/ask-case")
    def case_page() -> str:
        chosen = page_lang()
        municipality = request.args.get("municipality", "")
        groups = [g for g in request.args.getlist("target_group") if g]
        themes = [t for t in request.args.getlist("theme") if t]
        answer, error = None, None
        if municipality:
            try:
                found = case_answer(municipality, groups, themes, chosen).as_dict()
                words = WORDS[chosen]
                answer = {
                    "lists": [
                        (
                            words[key],
                            [
                                dict(item, href=link(item["iri"]))
                                for item in found[key][:CASE_SHOWN]
                            ],
                        )
                        for key in ("programmes", "instruments", "partners")
                    ]
                }
            except KgError as exc:
                error = for_page(exc)
        return page(
            "case.html",
            WORDS[chosen]["case"],
            known=case_concepts(chosen),
            municipalities=municipality_names(),
            case_values={"municipality": municipality, "target_group": groups, "theme": themes},
            answer=answer,
            error=error,
            shown=CASE_SHOWN,
            json_url="/case?"
            + urlencode(
                {"municipality": municipality, "target_group": groups, "theme": themes},
                doseq=True,
            ),
            network_url=(
                "/network?"
                + urlencode(
                    {
                        "municipality": municipality,
                        "target_group": groups,
                        "theme": themes,
                        "lang": chosen,
                    },
                    doseq=True,
                )
                if answer is not None
                else None
            ),
        )

    @app.get("/network")
    def network() -> Response:
        """A network picture (kg viz's page): around ``iri``, or of the answer to a case."""
        from kg.network import case_view

        chosen = page_lang()
        iri = request.args.get("iri")
        municipality = request.args.get("municipality")
        if iri:
            picked = picture_around(iri, chosen)
            if picked is None:
                raise HttpError(404, f"<{iri}> is not in the network picture")
            return network_response(picked)
        if municipality:
            groups = [g for g in request.args.getlist("target_group") if g]
            themes = [t for t in request.args.getlist("theme") if t]
            answer = case_answer(municipality, groups, themes, chosen)
            graph = whole(chosen, False)
            return network_response(with_totals(case_view(graph, answer), graph))
        raise HttpError(400, "give iri=... or municipality=... (with target_group, theme)")

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status=204)  # none: browsers ask, and a 404 would be a console error

    @app.get("/assets/<name>")
    def asset(name: str) -> Response:
        from importlib import resources

        types = {"serve.css": "text/css", "serve.js": "text/javascript"}
        if name not in types:
            raise HttpError(404, "not found")
        text = resources.files("kg").joinpath(f"templates/serve/{name}").read_bytes()
        return Response(text, mimetype=types[name])

    @app.after_request
    def safe_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.get("/resource")
    def resource() -> Response:
        iri = request.args.get("iri", "")
        if not _IRI.fullmatch(iri):
            raise HttpError(400, "iri must be an absolute IRI")
        return resource_response(iri)

    @app.get("/id/<path:rest>")
    def own_resource(rest: str) -> Response:
        if not _IRI.fullmatch(ID_BASE + rest):
            raise HttpError(404, "not found")
        return resource_response(ID_BASE + rest)

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        text = _sparql_text(request)
        if uses_service(text):
            raise HttpError(403, "SERVICE is not allowed: kg serve fetches nothing elsewhere")
        accept = request.headers.get("Accept") or ""
        if "format" in request.args:  # as many SPARQL servers take it, beside the header
            chosen = request.args["format"]
            if chosen not in SPARQL_FORMATS:
                raise HttpError(400, f"format must be one of {', '.join(SPARQL_FORMATS)}")
            accept = SPARQL_FORMATS[chosen]
        location = getattr(store, "path", None)
        if location is not None:
            body, chosen = run_limited(location, text, accept, query_seconds)
            return Response(body, mimetype=chosen)
        from kg.store.remote import RemoteError, RemoteStore

        if not isinstance(store, RemoteStore):
            raise HttpError(501, "this store has no SPARQL endpoint")
        check_query(text, query_seconds)  # an update or a broken query never reaches it
        try:
            body, chosen = store.forward(text, accept, query_seconds, MAX_ANSWER_BYTES)
        except RemoteError as exc:
            raise HttpError(502, str(exc)) from None
        return Response(body, mimetype=chosen)

    @app.get("/queries")
    def query_list() -> Response:
        from flask import jsonify

        return jsonify(
            [
                {"name": q.name, "title": q.title, "parameters": list(q.params)}
                for q in sorted(queries.values(), key=lambda q: q.name)
            ]
        )

    @app.get("/queries/<name>")
    def run(name: str) -> Response:
        from kg.ask.tables import render

        query = queries.get(name)
        if query is None:
            raise HttpError(404, f"no query named {name!r}")
        values = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
        chosen = request.args.get("lang", lang)
        check_language(chosen)
        table = query_answer(query, values, chosen)
        fmt = request.args.get("format") or (
            "csv"
            if negotiate(
                request.headers.get("Accept") or "",
                ["application/json", "text/csv"],
                "application/json",
            )
            == "text/csv"
            else "json"
        )
        if fmt not in ("json", "csv"):
            raise HttpError(400, "format must be json or csv")
        mimetype = "text/csv" if fmt == "csv" else "application/json"
        return Response(render(table, fmt), mimetype=mimetype)

    @app.get("/case")
    def case() -> Response:
        from kg.ask.case import render_answer

        municipality = request.args.get("municipality", "")
        if not municipality:
            raise HttpError(400, "municipality is required")
        chosen = request.args.get("lang", lang)
        check_language(chosen)
        answer = case_answer(
            municipality,
            request.args.getlist("target_group"),
            request.args.getlist("theme"),
            chosen,
        )
        return Response(render_answer(answer, "json"), mimetype="application/json")

    if warm:

        def prepare() -> None:
            try:
                name_list()
                municipality_names()
                whole(lang, False)
            except Exception:  # a request meets the same fault later, with a message
                app.logger.exception("warming up failed")

        threading.Thread(target=prepare, name="kg-serve-warm", daemon=True).start()
    return app


def _key(mapping: Mapping[str, str], value: str) -> str:
    return next(k for k, v in mapping.items() if v == value)


def _sparql_text(request: Any) -> str:
    """The query of a SPARQL Protocol request; an update is refused."""
    if request.method == "GET":
        if "update" in request.args:
            raise HttpError(403, "kg serve is read-only: updates are refused")
        text = request.args.get("query")
    else:
        kind = (request.mimetype or "").lower()
        if kind == "application/sparql-update" or "update" in request.form:
            raise HttpError(403, "kg serve is read-only: updates are refused")
        if kind == "application/sparql-query":
            text = request.get_data(as_text=True)
        else:
            text = request.form.get("query")
    if not text:
        raise HttpError(400, "give a SPARQL query as query=...")
    return text


def for_page(exc: KgError) -> str:
    """An error as kg serve says it: without the command-line option the library's message
    names (``--municipality: ``) or suggests (``(e.g. -p municipality Kampen)``), which a
    visitor of a page or an API never typed."""
    text = re.sub(r"^(?:--[a-z-]+|parameter '[^']*'): ", "", str(exc))
    return re.sub(r" \(e\.g\. -p [^()]*\)$", "", text)


def check_query(sparql: str, seconds: float) -> None:
    """Refuse what is not a SPARQL query (an update, a syntax error) before it is sent to a
    server: parsed by running it on an empty store in a worker process, like any query here
    (stopped after ``seconds``, without a network where the system allows that)."""
    run_limited(None, sparql, "", seconds)


#: The names a server bound to loopback answers to (others are refused: a web page elsewhere
#: cannot reach it by pointing a name of its own at 127.0.0.1, "DNS rebinding").
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def host_names(host: str) -> tuple[str, ...] | None:
    """The Host names a server listening on ``host`` accepts: the loopback names when it
    listens on loopback, None (any: a proxy in front decides) otherwise."""
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return (*LOOPBACK_NAMES, host) if host not in LOOPBACK_NAMES else LOOPBACK_NAMES
    return None


def server_url(host: str, port: int) -> str:
    """``http://host:port/``, with an IPv6 address in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def check_host(host: str) -> str:
    """``host`` if it is one kg serve can bind to; a usage error otherwise."""
    if not host or any(c.isspace() for c in host):
        raise UsageError(f"--host: not a host name or address: {host!r}")
    return host


def run_limited(
    location: Path | None, sparql: str, accept: str, seconds: float
) -> tuple[bytes, str]:
    """Run ``sparql`` on the store at ``location`` (None: an empty one, to check a query) in
    a separate process that is stopped after ``seconds`` (pyoxigraph cannot interrupt a
    query, a process can be killed) and that has no network where the system allows it
    (a network namespace of its own): the serialised answer in the media type ``accept``
    prefers, and that type."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.web.serve"])  # each worker then starts in milliseconds
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_answer,
        args=(None if location is None else str(location), sparql, accept, send),
        daemon=True,
    )
    worker.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise HttpError(503, f"the query ran longer than {seconds:g} s and was stopped")
        try:
            status, payload, media = receive.recv()
        except EOFError:
            raise HttpError(500, "the query stopped without an answer") from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receive.close()
    if status != 200:
        raise HttpError(status, payload.decode("utf-8"))
    return payload, media


def _without_network() -> bool:
    """Move this process into a user and network namespace of its own, with no network
    device: a SERVICE the text check missed would find no network. False where the
    system does not allow it (the text check still refuses SERVICE)."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(clone_newuser | clone_newnet) == 0)
    except (OSError, AttributeError):
        return False


def _answer(location: str | None, sparql: str, accept: str, send: Any) -> None:
    """The worker of :func:`run_limited`: (status, body, media type) through ``send``."""
    try:
        _without_network()
        store = ox.Store() if location is None else ox.Store.read_only(location)
        try:
            result = store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            message = "not a SPARQL query: " + " ".join(str(exc).split())
            send.send((400, message.encode("utf-8"), "text/plain"))
            return
        if isinstance(result, ox.QueryTriples):
            media = negotiate(accept, list(GRAPH_TYPES), "text/turtle")
            body = result.serialize(format=GRAPH_TYPES[media]) or b""
        else:
            media = negotiate(accept, list(RESULT_TYPES), "application/sparql-results+json")
            body = result.serialize(format=RESULT_TYPES[media]) or b""
        if len(body) > MAX_ANSWER_BYTES:
            message = f"the answer is larger than {MAX_ANSWER_BYTES:,} bytes; add a LIMIT"
            send.send((413, message.encode("utf-8"), "text/plain"))
            return
        send.send((200, bytes(body), media))
    except Exception as exc:  # the parent turns this into one line; no traceback leaves
        send.send((500, f"the query failed: {type(exc).__name__}".encode(), "text/plain"))
    finally:
        send.close()
