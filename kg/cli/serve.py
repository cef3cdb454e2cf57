"""kg serve: the web app and Linked Data endpoint, under waitress."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from kg.cli.base import (
    Context,
    Server,
    _graph,
    build_dir_option,
    cli,
    handle_errors,
    lang_option,
    pass_ctx,
    queries_dir_option,
    server_options,
)
from kg.errors import KgError


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default keeps the app on this machine; 0.0.0.0 serves "
    "the network (put it behind a proxy that adds TLS and, if needed, a login).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds a query sent to /sparql may run before it is stopped.",
)
@click.option(
    "--sparql-workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Queries sent to /sparql that may run at once, each in a process of its own; "
    "more get 503 with Retry-After. Pages, canned queries and the case finder are not counted.",
)
@click.option(
    "--sparql-memory",
    type=click.IntRange(64, 1_000_000),
    default=1024,
    show_default=True,
    metavar="MIB",
    help="Memory in MiB one /sparql query may use before it is stopped.",
)
@click.option(
    "--sparql-cross-site",
    is_flag=True,
    help="Also run queries that pages on other web sites make visitors' browsers send to "
    "/sparql (refused by default: another site could spend this server's workers).",
)
@click.option(
    "--sparql-without-isolation",
    is_flag=True,
    help="Where this system cannot cut query workers off the network (Docker's default "
    "profile, some kernels), still run /sparql queries that kg's SPARQL parser reads "
    "completely and finds free of SERVICE; without it, /sparql is switched off there.",
)
@lang_option
@queries_dir_option
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def serve(
    ctx: Context,
    host: str,
    port: int,
    query_timeout: float,
    sparql_workers: int,
    sparql_memory: int,
    sparql_cross_site: bool,
    sparql_without_isolation: bool,
    lang: str,
    queries_dir: Path | None,
    build_dir: Path | None,
    server: Server,
) -> None:
    """Serve the graph over HTTP, read-only: web pages, Linked Data and SPARQL.

    For people: open the address it prints in a browser. The home page has a search
    box with suggestions, the canned questions (each a form, its answer a table with
    CSV and JSON downloads) and the case form; every resource has a page with its
    links, sources and the network around it. Dutch, with an English switch.

    For machines: every resource answers at /resource?iri=IRI (and the project's own at
    /id/...) with HTML, Turtle, JSON-LD or N-Triples (Accept header or
    ?format=html|ttl|jsonld|nt|rdf). /sparql is a SPARQL 1.1 Protocol endpoint (GET and
    POST; a GET without a query gives its service description). Updates and SERVICE are
    refused; each query runs in a worker process without network, at most --sparql-workers
    at once, stopped after --query-timeout or --sparql-memory.
    /queries/NAME?PARAM=VALUE runs a canned query (JSON or CSV), /case?municipality=...
    the case finder (JSON). With --endpoint, everything reads that SPARQL server and
    /sparql forwards queries to it. Ctrl-C stops the server.

    \b
    Example:
      kg serve
      kg serve --port 8080 --lang en
      kg serve --host 0.0.0.0 --endpoint https://sparql.example.org/query
    """
    from kg.ask.queries import load_queries
    from kg.web.app import create_app
    from kg.web.common import MAX_REQUEST_BYTES, check_host, host_names, server_url
    from kg.web.server import make_server
    from kg.web.state import SparqlSettings

    paths = ctx.paths(build_dir)
    folder = queries_dir or paths.queries_dir
    assert folder is not None
    queries = load_queries(folder)
    with _graph(paths, server) as store:
        app = create_app(
            store,
            queries,
            lang=lang,
            query_seconds=query_timeout,
            warm=True,
            hosts=host_names(check_host(host)),
            sparql=SparqlSettings(
                workers=sparql_workers,
                memory=sparql_memory * 2**20,
                cross_site=sparql_cross_site,
                without_isolation=sparql_without_isolation,
            ),
        )
        try:
            http = make_server(app, host, port, max_body=MAX_REQUEST_BYTES)
        except OSError as exc:
            raise KgError(f"--port: cannot listen on {host}:{port} ({exc.strerror})") from None
        click.echo(app.extensions["kg"].sparql_note, err=True)
        url = server_url(host, http.effective_port)
        click.echo(f"Serving {url} (read-only; Ctrl-C stops)", err=True)
        _run(http, app.extensions["kg"])
        click.echo("Stopped.", err=True)


def _run(http: Any, site: Any) -> None:
    """Serve until Ctrl-C or ``kill -TERM``; then tell the site it stops (its store closes)."""
    import signal

    def stop(*_: object) -> None:
        raise KeyboardInterrupt  # kill -TERM ends the server as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    # waitress ends its loop on Ctrl-C (KeyboardInterrupt) and returns
    with contextlib.suppress(KeyboardInterrupt):
        http.run()
    site.stopping = True
