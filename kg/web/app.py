"""The application factory: a Flask app over a store, with the blueprints (pages, Linked
Data, SPARQL, API), the error handlers and the hooks that keep it safe."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

from kg.errors import KgError
from kg.web.common import MAX_REQUEST_BYTES, QUERY_SECONDS, HttpError, for_page
from kg.web.state import Site, SparqlSettings
from kg.web.views import fail

if TYPE_CHECKING:
    from kg.ask.queries import Query
    from kg.store import Store

HERE = Path(__file__).parent
#: What a page may load: only its own scripts and styles, no request elsewhere.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'"
)


def create_app(
    store: Store,
    queries: Mapping[str, Query],
    *,
    lang: str = "nl",
    query_seconds: float = QUERY_SECONDS,
    warm: bool = False,
    hosts: Sequence[str] | None = None,
    sparql: SparqlSettings | None = None,
) -> Flask:
    """The WSGI application over ``store`` (read-only) with the canned ``queries``; a query
    sent to ``/sparql`` may run ``query_seconds``. ``warm``: read the names and assemble the
    network in a background thread at once. ``hosts``: the only Host names it answers to
    (see :func:`kg.web.common.host_names`); None: any. ``sparql``: how /sparql runs
    visitors' queries (workers, memory, cross-site requests, network isolation)."""
    from kg.web.api import api
    from kg.web.linked import linked
    from kg.web.pages import pages
    from kg.web.sparql import sparql as sparql_blueprint

    app = Flask(
        __name__,
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
        static_url_path="/assets",
    )
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    site = Site(store, queries, lang=lang, query_seconds=query_seconds, hosts=hosts, sparql=sparql)
    app.extensions["kg"] = site
    if site.sparql_note.startswith("WARNING"):
        app.logger.warning(site.sparql_note)
    for blueprint in (pages, linked, sparql_blueprint, api):
        app.register_blueprint(blueprint)
    _handle_errors(app)
    app.before_request(_known_host)
    app.before_request(_bounded_parameters)
    app.after_request(_safe_headers)
    if warm:
        site.warm(app.logger.exception)
    return app


def _handle_errors(app: Flask) -> None:
    @app.errorhandler(HttpError)
    def refused(exc: HttpError) -> Response:
        response = fail(exc.status, exc.message)
        response.headers.update(exc.headers)
        if request.path == "/sparql":
            response.headers["Vary"] = "Accept"
        return response

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


def _known_host() -> None:
    """Refuse a Host name the server does not answer to (DNS rebinding)."""
    from kg.web.views import site

    hosts = site().hosts
    if hosts is None:
        return
    given = request.host  # "name:port" or "[v6:address]:port"
    name = given[1:].split("]", 1)[0] if given.startswith("[") else given.split(":", 1)[0]
    if name.lower() not in hosts:
        raise HttpError(403, "this server answers to " + ", ".join(hosts) + " only")


#: The most values one request may give, in all and for one parameter (no form of kg serve
#: needs more; the work a request causes stays bounded).
MAX_VALUES = 200
MAX_REPEATS = 100


def _bounded_parameters() -> None:
    """Refuse a request with more parameter values than any page or API takes."""
    args = request.args
    total = sum(len(values) for values in args.listvalues())
    if total > MAX_VALUES:
        raise HttpError(400, f"too many parameters ({total:,}; at most {MAX_VALUES})")
    for name, values in args.lists():
        if len(values) > MAX_REPEATS:
            raise HttpError(
                400, f"{name[:100]}: given {len(values):,} times (at most {MAX_REPEATS})"
            )


def _safe_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response
