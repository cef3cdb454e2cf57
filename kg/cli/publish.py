"""Commands that publish a build: export, push."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import (
    Context,
    Server,
    _check_output,
    _emit,
    build_dir_option,
    cli,
    handle_errors,
    output_option,
    pass_ctx,
    push_server_options,
)
from kg.errors import KgError, UsageError


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf"]),
    default="ttl",
    show_default=True,
    help="ttl and nt merge the source graphs; trig, nq and jsonld keep them; graphml and gexf "
    "hold the network that kg viz draws.",
)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the labels in graphml and gexf (default nl; RDF formats keep every "
    "language).",
)
@click.option(
    "--types",
    multiple=True,
    metavar="KINDS",
    help="For graphml and gexf: the kinds of node, as kg viz --types takes them ('all' for "
    "everything). Without it, who works with whom, the picture kg viz draws by default.",
)
@output_option
@build_dir_option
@pass_ctx
@handle_errors
def export(
    ctx: Context,
    fmt: str,
    lang: str | None,
    types: tuple[str, ...],
    output: Path | None,
    build_dir: Path | None,
) -> None:
    """Export the built graph as RDF (Turtle, TriG, N-Triples, N-Quads, JSON-LD) or as a
    network (GraphML, GEXF).

    The output is deterministic: the same data gives byte-identical files. JSON-LD is
    compacted with the kg context (see docs/context.jsonld). GraphML and GEXF hold the
    picture kg viz draws (who works with whom: programmes, partners, laws and
    instruments, with labels, kinds, places, status and sources as attributes), for
    Gephi, yEd and Cytoscape; --types all holds every kind.

    \b
    Example:
      kg export --format trig --output kg.trig
      kg export --format gexf --output kg.gexf
    """
    from kg.build.netfacts import parse_kinds
    from kg.publish.export import export as run_export
    from kg.store.rdf import NETWORK_FORMATS

    if lang is not None and fmt not in NETWORK_FORMATS:
        raise KgError(f"--lang applies to graphml and gexf; {fmt} keeps every language")
    if types and fmt not in NETWORK_FORMATS:
        raise KgError(f"--types applies to graphml and gexf; {fmt} holds every statement")
    kinds = parse_kinds(types) if types else None
    paths = ctx.paths(build_dir)
    _check_output(paths, output, "an export")
    _emit(run_export(paths.build_dir, fmt, lang or "nl", kinds), output)


@cli.command()
@click.option(
    "--replace",
    is_flag=True,
    help="Also remove kg graphs on the server that this build no longer has (in the same "
    "transaction).",
)
@click.option(
    "--staged",
    is_flag=True,
    help="For servers that refuse one large request (Virtuoso): upload to staging graphs "
    "(one Graph Store PUT per graph, or else small updates), then switch in one request.",
)
@build_dir_option
@push_server_options
@pass_ctx
@handle_errors
def push(ctx: Context, replace: bool, staged: bool, build_dir: Path | None, server: Server) -> None:
    """Publish the built graph to a SPARQL server, in one transaction.

    Each graph of the build (one named graph per source, and the default graph with kg's
    ontology and code lists) replaces the server's graph of the same name; other graphs
    stay. With --replace, kg graphs the build no longer has are removed too. The push is
    one SPARQL Update request, so a server that applies it as a transaction (Oxigraph does)
    never holds half a graph, and pushing the same build again changes nothing. With
    --staged each graph is uploaded to a staging graph first (through the Graph Store
    Protocol when the server has one), and only the switch is one request.

    \b
    Example:
      kg push --endpoint http://127.0.0.1:7878/query
      KG_ENDPOINT=http://127.0.0.1:7878/query kg push --replace
      kg push --staged --replace --endpoint http://127.0.0.1:8890/sparql \\
        --graph-store http://127.0.0.1:8890/sparql-graph-crud \\
        --default-graph https://w3id.org/kg-sociaal/id/graph/kg      # Virtuoso
    """
    from kg.publish.push import push as run_push
    from kg.store import open_store

    if not server.endpoint:
        raise KgError("kg push needs --endpoint (or KG_ENDPOINT)")
    source = click.get_current_context().get_parameter_source("graph_store")
    if not staged and source == click.core.ParameterSource.COMMANDLINE:
        raise UsageError(
            "--graph-store is used only with --staged (a one-request push is an update)"
        )
    paths = ctx.paths(build_dir)
    remote = server.remote()
    local = open_store(paths.build_dir)
    with local:
        result = run_push(local, remote, replace=replace, staged=staged)
    click.echo(result.summary(), err=True)


#: ``--output -`` means standard output, as without --output.
