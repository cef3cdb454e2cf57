"""Commands for network coordinators: the picture (viz) and the analysis (network)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kg.cli.base import (
    Context,
    Server,
    _check_output,
    _emit,
    _graph,
    _param_values,
    build_dir_option,
    cli,
    handle_errors,
    lang_option,
    output_option,
    pass_ctx,
    queries_dir_option,
    server_options,
    table_format_option,
)
from kg.errors import KgError


@dataclass(frozen=True)
class VizOptions:
    """What ``kg viz`` is asked to draw (whole, focus, query or case) and how, as one
    object: its modes share the options of one picture."""

    focus: tuple[str, ...]
    depth: int | None
    query_name: str | None
    params: tuple[tuple[str, str], ...]
    as_case: bool
    municipality: str | None
    target_groups: tuple[str, ...]
    themes: tuple[str, ...]
    types: tuple[str, ...]
    size_by: str
    colour_by: str
    title: str
    lang: str
    output: Path


@cli.command()
@click.option(
    "--focus",
    multiple=True,
    metavar="NAME",
    help="Draw the neighbourhood of this node (name, CBS code, CURIE or IRI); repeatable.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help="How many links from the focus nodes to follow (default 1).",
)
@click.option("--query", "query_name", metavar="NAME", help="Draw what this canned query returns.")
@click.option(
    "-p",
    "--param",
    "params",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="A parameter of --query; repeatable.",
)
@click.option("--case", "as_case", is_flag=True, help="Draw a case's answer (-m, -t, --theme).")
@click.option("-m", "--municipality", default=None, help="The case's municipality.")
@click.option(
    "-t", "--target-group", "target_groups", multiple=True, help="A target group; repeatable."
)
@click.option("--theme", "themes", multiple=True, help="The case's theme; repeatable.")
@click.option(
    "--types",
    multiple=True,
    metavar="KINDS",
    help="Kinds of node to show, comma-separated or repeated, or 'all'. Without it, the "
    "whole picture is who works with whom (programmes and the organisations and "
    "municipalities taking part; laws and instruments one click away; places as a filter); "
    "other pictures show all kinds but source, person, output, event, finding and phase.",
)
@click.option(
    "--size-by",
    type=click.Choice(["degree", "betweenness", "bridging", "none"]),
    default="degree",
    show_default=True,
    help="What node size shows.",
)
@click.option(
    "--color-by",
    "colour_by",
    type=click.Choice(["kind", "community"]),
    default="kind",
    show_default=True,
    help="What node colour shows.",
)
@click.option("--title", default="", help="The page title (default: what the picture shows).")
@lang_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("network.html"),
    show_default=True,
    help="The HTML file to write ('-' for standard output).",
)
@build_dir_option
@queries_dir_option
@server_options
@pass_ctx
@handle_errors
def viz(
    ctx: Context,
    /,
    build_dir: Path | None,
    server: Server,
    queries_dir: Path | None,
    **options: Any,
) -> None:
    """Draw the graph as an interactive network page: one HTML file that works offline.

    Draws the whole graph, the neighbourhood of --focus nodes, what a canned --query
    returns, or the answer to a --case. The page has a search box, a legend that filters
    by kind, and a panel with each node's description, links and sources. Open it in any
    browser; it makes no network request.

    \b
    Example:
      kg viz --focus Kampen --depth 2 --output kampen.html
      kg viz --query programmes-in-municipality -p municipality Zwolle -o zwolle.html
      kg viz --case -m Kampen -t ouderen --theme bewegen -o case.html
      kg viz --size-by betweenness --color-by community -o national.html
    """
    from kg.ask.queries import find_query
    from kg.build.netfacts import parse_kinds
    from kg.network import Case, summary
    from kg.network import view as make_view
    from kg.network.render import render_html

    asked = VizOptions(**options)
    paths = ctx.paths(build_dir)
    _check_output(paths, asked.output, "a network page")
    kinds = parse_kinds(asked.types) if asked.types else None
    if not asked.as_case and (asked.municipality or asked.target_groups or asked.themes):
        raise KgError("-m, -t and --theme describe a case: add --case")
    case = None
    if asked.as_case:
        if not asked.municipality:
            raise KgError("--case needs --municipality")
        case = Case(asked.municipality, asked.target_groups, asked.themes)
    query = None
    if asked.query_name:
        folder = queries_dir or paths.queries_dir
        assert folder is not None
        query = find_query(folder, asked.query_name)
    with _graph(paths, server) as store:
        picture = make_view(
            store,
            lang=asked.lang,
            kinds=kinds,
            focus=asked.focus,
            depth=asked.depth,
            query=query,
            values=_param_values(asked.params),
            case=case,
        )
    title = asked.title or picture.graph.get("title", "")
    html = render_html(picture, title=title, size_by=asked.size_by, colour_by=asked.colour_by)
    click.echo(summary(picture), err=True)
    _emit(html, asked.output)


@cli.command()
@click.option(
    "--metric",
    type=click.Choice(["degree", "betweenness", "bridging"]),
    default="betweenness",
    show_default=True,
    help="degree: programmes or partners; betweenness: share of shortest paths through a "
    "node; bridging: domains a partner connects through different programmes (for a "
    "programme: the domains it is filed under).",
)
@click.option(
    "--by",
    type=click.Choice(["node", "domain", "community"]),
    default="node",
    show_default=True,
    help="node: a ranking; domain: every pair of domains and who connects them; community: "
    "groups of partners that work together.",
)
@click.option(
    "--kind",
    type=click.Choice(["partner", "programme", "all"]),
    default="partner",
    show_default=True,
    help="What --by node ranks.",
)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows.")
@table_format_option
@lang_option
@output_option
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def network(
    ctx: Context,
    metric: str,
    by: str,
    kind: str,
    limit: int | None,
    fmt: str,
    lang: str,
    output: Path | None,
    build_dir: Path | None,
    server: Server,
) -> None:
    """Analyse the partner network: brokers, communities and programmes that cross domains.

    The partner network links each programme to the organisations and municipalities
    that take part in it. Domains (health, welfare, sport, work and income, ...) are those
    the programmes are filed under. A partner connects two domains when it works in one
    through one programme (or its own domains) and in the other through another.

    \b
    Example:
      kg network --metric betweenness --limit 10
      kg network --by domain
      kg network --by community --format csv --output communities.csv
      kg network --kind programme --metric bridging
    """
    from kg.ask.tables import render
    from kg.network import project
    from kg.network.analysis import analyse

    paths = ctx.paths(build_dir)
    _check_output(paths, output, "network results")
    with _graph(paths, server) as store:
        graph = project(store, lang)
    _emit(render(analyse(graph, metric=metric, by=by, kind=kind, limit=limit), fmt), output)
