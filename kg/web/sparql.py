"""``GET|POST /sparql``: a read-only SPARQL 1.1 Protocol endpoint.

Results as JSON, XML, CSV or TSV; graphs as Turtle, N-Triples, JSON-LD or RDF/XML (by the
``Accept`` header, or ``format=`` as SPARQLWrapper sends it). The dataset is every source
graph as the default graph, unless the query (``FROM``, ``FROM NAMED``) or the request
(``default-graph-uri``, ``named-graph-uri``) names one. A ``GET`` without a query answers
the service description. Updates and ``SERVICE`` are refused, decided by a SPARQL parser
(:mod:`kg.sparql.parse`); each query runs in a worker with limits (:mod:`kg.store.sandbox`),
at most ``--sparql-workers`` at once (503 with ``Retry-After`` beyond). Over a SPARQL server
(``--endpoint``), queries are checked the same way and forwarded to it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from kg.media import negotiate
from kg.store.sandbox import FORMAT_NAMES, MAX_ANSWER_BYTES, Ask, Refused, check_query
from kg.web.common import IRI, HttpError
from kg.web.views import site

sparql = Blueprint("sparql", __name__)

#: What the service description comes as (Turtle by default).
DESCRIPTION_TYPES = {
    "text/turtle": "ttl",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "text/plain": "nt",
}
#: Sent with a 503 when every worker is busy: when to try again, in seconds.
RETRY_AFTER = "5"


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    state = site()
    _same_site_only(state.cross_site)
    if (
        request.method == "GET"
        and not _given(request.args, "query")
        and not request.args.get("update")
    ):
        return _described(state)
    ask = read_request(request)
    response = _answer(state, ask)
    response.headers["Vary"] = "Accept"
    return response


def _answer(state: Any, ask: Ask) -> Response:
    from kg.store.remote import RemoteError, RemoteStore

    if state.sparql_refusal:
        raise HttpError(503, state.sparql_refusal)
    location = getattr(state.store, "path", None)
    if location is None and not isinstance(state.store, RemoteStore):
        raise HttpError(501, "this store has no SPARQL endpoint")
    if not state.sparql_slots.acquire(blocking=False):
        raise HttpError(
            503,
            f"all {state.sparql_workers} SPARQL workers are busy; try again in a few seconds",
            {"Retry-After": RETRY_AFTER},
        )
    try:
        if location is not None:
            body, chosen = state.run_query(location, ask)
            return Response(body, mimetype=chosen)
        check_query(ask.sparql, state.query_seconds)  # an update or SERVICE never reaches it
        if ask.default_graphs or ask.named_graphs:
            raise HttpError(
                400, "default-graph-uri and named-graph-uri are not passed on to the server"
            )
        accept = ask.accept
        if ask.format is not None:
            accept = ",".join(t for t in FORMAT_NAMES[ask.format] if t)
        try:
            body, chosen = state.store.forward(
                ask.sparql, accept, state.query_seconds, MAX_ANSWER_BYTES
            )
        except RemoteError as exc:
            raise HttpError(502, str(exc)) from None
        return Response(body, mimetype=chosen)
    except Refused as exc:
        raise HttpError(exc.status, exc.message) from None
    finally:
        state.sparql_slots.release()


def _given(args: Any, name: str) -> bool:
    return bool(args.getlist(name))


def _same_site_only(allowed: bool) -> None:
    """Refuse a query another web site makes a visitor's browser send (a POST, or a GET that
    is not the visitor following a link): it would spend the server's workers on that site's
    behalf. ``kg serve --sparql-cross-site`` allows it."""
    if allowed:
        return
    fetch_site = (request.headers.get("Sec-Fetch-Site") or "").lower()
    mode = (request.headers.get("Sec-Fetch-Mode") or "").lower()
    origin = request.headers.get("Origin")
    cross = fetch_site == "cross-site" or (
        origin is not None and origin != "null" and not _same_origin(origin)
    )
    if origin == "null" and request.method == "POST":
        cross = True
    if cross and (request.method == "POST" or mode != "navigate"):
        raise HttpError(
            403,
            "queries sent from another web site are refused "
            "(kg serve --sparql-cross-site allows them)",
        )


def _same_origin(origin: str) -> bool:
    own = request.host_url.rstrip("/").lower()
    return origin.rstrip("/").lower() == own


def read_request(request: Any) -> Ask:
    """The query of a SPARQL Protocol request, with its dataset and format, or a 4xx."""
    url_args = request.args
    if _given(url_args, "update") or (request.method == "POST" and "update" in request.form):
        raise HttpError(403, "kg serve is read-only: updates are refused")
    if request.method == "GET":
        texts = url_args.getlist("query")
        params = url_args
    else:
        kind = (request.mimetype or "").lower()
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise HttpError(400, f"the request must be UTF-8, not {charset}")
        if kind == "application/sparql-update":
            raise HttpError(403, "kg serve is read-only: updates are refused")
        if kind == "application/sparql-query":
            try:
                texts = [request.get_data().decode("utf-8")]
            except UnicodeDecodeError:
                raise HttpError(400, "the query is not valid UTF-8") from None
            params = url_args
        elif kind == "application/x-www-form-urlencoded":
            texts = request.form.getlist("query")
            if _given(url_args, "query"):
                raise HttpError(400, "give the query in the form body only")
            params = request.values  # the URL's parameters and the form's
        else:
            raise HttpError(
                400,
                "send a query as application/sparql-query or "
                "application/x-www-form-urlencoded (query=...)",
            )
    if len(texts) > 1:
        raise HttpError(400, "give one query, not several")
    text = texts[0] if texts else ""
    if not text.strip():
        raise HttpError(400, "give a SPARQL query as query=...")
    chosen = _format(params)
    graphs = {}
    for name in ("default-graph-uri", "named-graph-uri"):
        values = params.getlist(name)
        if len(values) > 100:
            raise HttpError(400, f"{name}: at most 100 graphs")
        for value in values:
            if not IRI.fullmatch(value):
                raise HttpError(400, f"{name}: not an absolute IRI: {value[:200]!r}")
        graphs[name] = tuple(values)
    return Ask(
        sparql=text,
        accept=request.headers.get("Accept") or "",
        format=chosen,
        base_iri=request.base_url,
        default_graphs=graphs["default-graph-uri"],
        named_graphs=graphs["named-graph-uri"],
    )


def _format(params: Any) -> str | None:
    """``format=``, else ``output=``, else ``results=`` (SPARQLWrapper adds all three), checked."""
    for name in ("format", "output", "results"):
        given = [v for v in params.getlist(name) if v.strip()]
        if not given:
            continue
        names = set()
        for value in given:  # a name, or media types (SPARQLWrapper adds those, with commas)
            known = {
                FORMAT_TYPES.get(part, part)
                for part in (p.strip().lower() for p in value.split(","))
                if part in FORMAT_NAMES or part in FORMAT_TYPES
            }
            if not known:
                raise HttpError(400, f"{name} must be one of {', '.join(FORMAT_NAMES)}")
            names |= known
        if len(names) > 1:
            raise HttpError(400, f"{name}: give one format")
        return str(names.pop())
    return None


#: ``format=`` given as a media type: the name it stands for.
FORMAT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/x-json+ld": "json-ld",
    "application/rdf+xml": "rdf+xml",
}


def _described(state: Any) -> Response:
    """The service description (SPARQL 1.1 Service Description) in the format asked for."""
    from kg.store.describe import service_description

    chosen = negotiate(request.headers.get("Accept") or "", list(DESCRIPTION_TYPES), "text/turtle")
    wanted = _format(request.args)  # the names /sparql takes for graphs
    if wanted is not None:
        chosen = FORMAT_NAMES[wanted][1]
        if chosen is None:
            raise HttpError(400, f"format={wanted} is not a format for RDF")
    if chosen is None:
        raise HttpError(406, "the description comes as " + ", ".join(DESCRIPTION_TYPES))
    body = service_description(request.base_url, state.graph_names(), DESCRIPTION_TYPES[chosen])
    response = Response(body, mimetype=chosen)
    response.headers["Vary"] = "Accept"
    return response
