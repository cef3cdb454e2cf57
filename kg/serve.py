"""``kg serve``: the graph over HTTP, read-only (Flask, served by waitress).

Machine-facing routes (this module); the pages for people are rendered from
``kg/templates/serve/``:

- ``GET /resource?iri=...`` and ``GET /id/...`` (the path of one of the project's own IRIs):
  Linked Data. The description of a resource (every statement with it as subject or object),
  negotiated: ``text/html`` for browsers, ``text/turtle``, ``application/ld+json`` and
  ``application/n-triples`` for machines, also as ``?format=ttl|jsonld|nt|html``.
- ``GET|POST /sparql``: a read-only SPARQL 1.1 Protocol endpoint (results as JSON, XML, CSV or
  TSV; graphs as Turtle, N-Triples or JSON-LD). Updates are refused, and so is ``SERVICE``
  (no request may leave the server on a user's behalf).
- ``GET /queries`` and ``GET /queries/NAME?param=...``: the canned queries as an API (JSON,
  CSV).
- ``GET /case?municipality=...&target_group=...&theme=...``: the case finder (JSON).

Every error is one line of text or JSON with a status code; no traceback reaches a client.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KgError, UsageError
from kg.namespaces import BASE

if TYPE_CHECKING:
    from flask import Flask, Response

    from kg.queries import Query
    from kg.store import Store

#: The largest request body kg serve reads (a SPARQL query posted as a form or as text).
MAX_REQUEST_BYTES = 1_000_000
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
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_SERVICE = re.compile(
    r"""\#[^\n]*|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>"""
    r"""|(?P<service>(?<![\w:?$-])SERVICE(?![\w:-]))""",
    re.IGNORECASE,
)


class HttpError(KgError):
    """A request kg serve refuses, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def uses_service(sparql: str) -> bool:
    """Whether ``sparql`` holds the SERVICE keyword (outside comments, strings and IRIs)."""
    return any(m.group("service") for m in _SERVICE.finditer(sparql))


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """Every statement with ``iri`` as subject or object, each once, in a stable order."""
    term = ox.NamedNode(iri)
    seen: set[ox.Triple] = set()
    oxstore = getattr(store, "oxigraph", None)
    if oxstore is not None:
        for q in oxstore.quads_for_pattern(term, None, None, None):
            seen.add(ox.Triple(q.subject, q.predicate, q.object))
        for q in oxstore.quads_for_pattern(None, None, term, None):
            seen.add(ox.Triple(q.subject, q.predicate, q.object))
    else:  # a SPARQL server
        from kg.store import to_oxigraph

        sparql = (
            f"SELECT ?s ?p ?o WHERE {{ {{ BIND(<{iri}> AS ?s) <{iri}> ?p ?o }} UNION "
            f"{{ BIND(<{iri}> AS ?o) ?s ?p <{iri}> }} }}"
        )
        for s, p, o in store.select(sparql).rows:
            if s is not None and p is not None and o is not None:
                seen.add(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)))
    return sorted(seen, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def serialise_description(triples: list[ox.Triple], fmt: str) -> bytes:
    """``triples`` as ``fmt`` (ttl, nt or jsonld), with kg's prefixes and stable bytes."""
    from kg.export import serialise_quads

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
) -> Flask:
    """The WSGI application over ``store`` (read-only) with the canned ``queries``; a query
    sent to ``/sparql`` may run ``query_seconds``."""
    from flask import Flask, Response, request

    app = Flask("kg.serve")
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
        return fail(400, str(exc))

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

    def resource_response(iri: str) -> Response:
        triples = describe(store, iri)
        if not triples:
            raise HttpError(404, f"nothing is known about <{iri}>")
        fmt = request.args.get("format")
        if fmt is None:
            offers = ["text/html", *RDF_TYPES.values()]
            chosen = negotiate(request.headers.get("Accept") or "", offers, "text/turtle")
            fmt = "html" if chosen == "text/html" else _key(RDF_TYPES, chosen)
        if fmt == "html":
            return Response(_resource_page(store, iri, triples, lang), mimetype="text/html")
        if fmt not in RDF_TYPES:
            raise HttpError(400, f"format must be one of html, {', '.join(RDF_TYPES)}")
        body = serialise_description(triples, fmt)
        response = Response(body, mimetype=RDF_TYPES[fmt])
        response.headers["Vary"] = "Accept"
        return response

    @app.get("/resource")
    def resource() -> Response:
        iri = request.args.get("iri", "")
        if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+", iri):
            raise HttpError(400, "iri must be an absolute IRI")
        return resource_response(iri)

    @app.get("/id/<path:rest>")
    def own_resource(rest: str) -> Response:
        return resource_response(ID_BASE + rest)

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        text = _sparql_text(request)
        if uses_service(text):
            raise HttpError(403, "SERVICE is not allowed: kg serve fetches nothing elsewhere")
        location = getattr(store, "path", None)
        if location is None:
            raise HttpError(501, "the SPARQL endpoint serves a local build only")
        body, chosen = run_limited(
            location, text, request.headers.get("Accept") or "", query_seconds
        )
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
        from kg.queries import run_query
        from kg.tables import render

        query = queries.get(name)
        if query is None:
            raise HttpError(404, f"no query named {name!r}")
        values = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
        table = run_query(store, query, values, lang=request.args.get("lang", lang))
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
        from kg.case import find, render_answer

        municipality = request.args.get("municipality", "")
        if not municipality:
            raise HttpError(400, "municipality is required")
        answer = find(
            store,
            municipality,
            request.args.getlist("target_group"),
            request.args.getlist("theme"),
            lang=request.args.get("lang", lang),
        )
        return Response(render_answer(answer, "json"), mimetype="application/json")

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


def _resource_page(store: Store, iri: str, triples: list[ox.Triple], lang: str) -> str:
    """A plain HTML description (the full page comes with kg serve's templates)."""
    from html import escape

    labels = store.labels(
        {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        | {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        | {t.predicate.value for t in triples},
        lang,
    )

    def show(term: Any) -> str:
        if isinstance(term, ox.NamedNode):
            name = labels.get(term.value, term.value)
            return f'<a href="/resource?iri={escape(_quote(term.value))}">{escape(name)}</a>'
        return escape(term.value if isinstance(term, ox.Literal) else str(term))

    rows = "\n".join(
        f"<tr><td>{show(t.subject)}</td><td>{show(t.predicate)}</td><td>{show(t.object)}</td></tr>"
        for t in triples
    )
    title = escape(labels.get(iri, iri))
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{escape(iri)}</p>"
        f"<table>{rows}</table></body></html>\n"
    )


def _quote(iri: str) -> str:
    from urllib.parse import quote

    return quote(iri, safe="")


def check_host(host: str) -> str:
    """``host`` if it is one kg serve can bind to; a usage error otherwise."""
    if not host or any(c.isspace() for c in host):
        raise UsageError(f"--host: not a host name or address: {host!r}")
    return host


def run_limited(location: Path, sparql: str, accept: str, seconds: float) -> tuple[bytes, str]:
    """Run ``sparql`` on the store at ``location`` in a separate process that is stopped
    after ``seconds`` (pyoxigraph cannot interrupt a query, a process can be killed): the
    serialised answer in the media type ``accept`` prefers, and that type."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.serve"])  # each worker then starts in milliseconds
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_answer, args=(str(location), sparql, accept, send), daemon=True
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


def _answer(location: str, sparql: str, accept: str, send: Any) -> None:
    """The worker of :func:`run_limited`: (status, body, media type) through ``send``."""
    try:
        store = ox.Store.read_only(location)
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
