"""The canned queries and the case finder as an API: ``/queries`` (JSON),
``/queries/NAME?param=...`` (JSON or CSV) and ``/case?municipality=...`` (JSON)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from kg.media import negotiate
from kg.store import check_language
from kg.web.common import HttpError
from kg.web.views import site

api = Blueprint("api", __name__)


@api.get("/queries")
def query_list() -> Response:
    return jsonify(
        [
            {"name": q.name, "title": q.title, "parameters": list(q.params)}
            for q in sorted(site().queries.values(), key=lambda q: q.name)
        ]
    )


@api.get("/queries/<name>")
def run(name: str) -> Response:
    from kg.ask.tables import render

    state = site()
    query = state.queries.get(name)
    if query is None:
        raise HttpError(404, f"no query named {name!r}")
    values = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
    chosen = request.args.get("lang", state.lang)
    check_language(chosen)
    table = state.query_answer(query, values, chosen)
    accept = request.headers.get("Accept") or ""
    fmt = request.args.get("format") or ""
    if not fmt:
        wanted = negotiate(accept, ["application/json", "text/csv"], "application/json")
        if wanted is None:
            raise HttpError(406, "this answer comes as application/json or text/csv")
        fmt = "csv" if wanted == "text/csv" else "json"
    if fmt not in ("json", "csv"):
        raise HttpError(400, "format must be json or csv")
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    return Response(render(table, fmt), mimetype=mimetype)


@api.get("/case")
def case() -> Response:
    from kg.ask.case import render_answer

    state = site()
    municipality = request.args.get("municipality", "")
    if not municipality:
        raise HttpError(400, "municipality is required")
    chosen = request.args.get("lang", state.lang)
    check_language(chosen)
    answer = state.case_answer(
        municipality,
        request.args.getlist("target_group"),
        request.args.getlist("theme"),
        chosen,
    )
    return Response(render_answer(answer, "json"), mimetype="application/json")
