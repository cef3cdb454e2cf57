"""``GET|POST /sparql``: a read-only SPARQL 1.1 Protocol endpoint. Results as JSON, XML,
CSV or TSV; graphs as Turtle, N-Triples or JSON-LD. Updates are refused, and so is
``SERVICE`` (no request may leave the server on a visitor's behalf); each query runs in a
worker without a network (:mod:`kg.store.sandbox`). Over a SPARQL server (``--endpoint``),
queries are checked and forwarded to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from kg.store.sandbox import MAX_ANSWER_BYTES, Refused, check_query, run_limited
from kg.web.common import SPARQL_FORMATS, HttpError, uses_service
from kg.web.views import site

sparql = Blueprint("sparql", __name__)


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    state = site()
    text = sparql_text(request)
    if uses_service(text):
        raise HttpError(403, "SERVICE is not allowed: kg serve fetches nothing elsewhere")
    accept = request.headers.get("Accept") or ""
    if "format" in request.args:  # as many SPARQL servers take it, beside the header
        chosen = request.args["format"]
        if chosen not in SPARQL_FORMATS:
            raise HttpError(400, f"format must be one of {', '.join(SPARQL_FORMATS)}")
        accept = SPARQL_FORMATS[chosen]
    from kg.store.remote import RemoteError, RemoteStore

    location = getattr(state.store, "path", None)
    try:
        if location is not None:
            body, chosen = run_limited(location, text, accept, state.query_seconds)
            return Response(body, mimetype=chosen)
        if not isinstance(state.store, RemoteStore):
            raise HttpError(501, "this store has no SPARQL endpoint")
        check_query(text, state.query_seconds)  # an update or a broken query never reaches it
    except Refused as exc:
        raise HttpError(exc.status, exc.message) from None
    try:
        body, chosen = state.store.forward(text, accept, state.query_seconds, MAX_ANSWER_BYTES)
    except RemoteError as exc:
        raise HttpError(502, str(exc)) from None
    return Response(body, mimetype=chosen)


def sparql_text(request: Any) -> str:
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
    return str(text)
