"""kg serve: the web app and Linked Data endpoint, under waitress."""

from __future__ import annotations

import contextlib
from pathlib import Path

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
    ?format=html|ttl|jsonld|nt). /sparql is a SPARQL 1.1 Protocol endpoint (GET and
    POST; updates and SERVICE refused; each query stopped after --query-timeout).
    /queries/NAME?PARAM=VALUE runs a canned query (JSON or CSV), /case?municipality=...
    the case finder (JSON). With --endpoint, everything reads that SPARQL server and
    /sparql forwards queries to it. Ctrl-C stops the server.

    \b
    Example:
      kg serve
      kg serve --port 8080 --lang en
      kg serve --host 0.0.0.0 --endpoint https://sparql.example.org/query
    """
    from waitress.server import create_server

    from kg.ask.queries import load_queries
    from kg.web.app import create_app
    from kg.web.common import MAX_REQUEST_BYTES, check_host, host_names, server_url

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
        )
        try:
            http = create_server(
                app, host=host, port=port, threads=8, max_request_body_size=MAX_REQUEST_BYTES
            )
        except OSError as exc:
            raise KgError(f"--port: cannot listen on {host}:{port} ({exc.strerror})") from None
        url = server_url(host, http.effective_port)
        click.echo(f"Serving {url} (read-only; Ctrl-C stops)", err=True)
        # waitress ends its loop on Ctrl-C (KeyboardInterrupt) and returns
        with contextlib.suppress(KeyboardInterrupt):
            http.run()
        click.echo("Stopped.", err=True)
