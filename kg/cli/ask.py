"""Commands for policy advisors: the canned queries and the case finder."""

from __future__ import annotations

from pathlib import Path

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


@cli.group()
def query() -> None:
    """Canned SPARQL questions: list them, read them, run them with parameters.

    Each question is a .rq file in queries/ whose '#+' header gives its title,
    description and typed parameters. Results show labels, not IRIs; the source of
    every row is a column. See docs/queries.md for every query with example output.

    \b
    Example:
      kg query list
      kg query run programmes-in-municipality -p municipality Kampen
    """


@query.command("list")
@queries_dir_option
@table_format_option
@pass_ctx
@handle_errors
def query_list(ctx: Context, queries_dir: Path | None, fmt: str) -> None:
    """List the canned queries: name, title and parameters (* = required).

    \b
    Example:
      kg query list --format md
    """
    from kg.ask.queries import load_queries, query_index
    from kg.ask.tables import render

    folder = queries_dir or ctx.paths().queries_dir
    assert folder is not None
    click.echo(render(query_index(load_queries(folder)), fmt), nl=False)


@query.command("show")
@click.argument("name")
@queries_dir_option
@pass_ctx
@handle_errors
def query_show(ctx: Context, name: str, queries_dir: Path | None) -> None:
    """Print a query file: its '#+' header and its SPARQL.

    NAME is a canned query's name or the path of a .rq file.

    \b
    Example:
      kg query show programmes-in-municipality
    """
    from kg.ask.queries import find_query

    folder = queries_dir or ctx.paths().queries_dir
    assert folder is not None
    click.echo(find_query(folder, name).sparql, nl=False)


@query.command("run")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="A parameter value; repeat for more. 'kg query show NAME' lists the parameters.",
)
@table_format_option
@lang_option
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows.")
@output_option
@build_dir_option
@queries_dir_option
@server_options
@pass_ctx
@handle_errors
def query_run(
    ctx: Context,
    name: str,
    params: tuple[tuple[str, str], ...],
    fmt: str,
    lang: str,
    limit: int | None,
    output: Path | None,
    build_dir: Path | None,
    server: Server,
    queries_dir: Path | None,
) -> None:
    """Run a canned query or your own .rq file on the built graph.

    NAME is a canned query's name (see 'kg query list') or the path of a .rq file.

    Parameters are typed: a municipality by name, CBS code or IRI; a concept by its
    Dutch or English label; a resource by label, CURIE or IRI. A value that names
    nothing, or more than one thing, is an error that lists the closest matches. Values
    are bound as RDF terms (written in by pyoxigraph, escaped), never as raw text.

    \b
    Example:
      kg query run programmes-in-municipality -p municipality Kampen
      kg query run partners-of-programme -p programme "Samen in Beweging" --format csv
      kg query run my-question.rq --format json --output answer.json
    """
    from kg.ask.queries import find_query, run_query
    from kg.ask.tables import render

    paths = ctx.paths(build_dir)
    folder = queries_dir or paths.queries_dir
    assert folder is not None
    values = _param_values(params)
    _check_output(paths, output, "query results")
    found = find_query(folder, name)
    with _graph(paths, server) as store:
        table = run_query(store, found, values, lang=lang, limit=limit)
    _emit(render(table, fmt), output)


@cli.command()
@click.option("-m", "--municipality", default=None, help="Name, CBS code (GM0166) or IRI.")
@click.option(
    "-t",
    "--target-group",
    "target_groups",
    multiple=True,
    help="A target group (nl or en label); repeatable.",
)
@click.option("--theme", "themes", multiple=True, help="A theme (nl or en label); repeatable.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "md"]),
    default="table",
    show_default=True,
    help="table: for reading; json: for tools; md: for a memo.",
)
@lang_option
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N items per list.")
@click.option("--list", "list_known", is_flag=True, help="List the target groups and themes.")
@output_option
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def case(
    ctx: Context,
    municipality: str | None,
    target_groups: tuple[str, ...],
    themes: tuple[str, ...],
    fmt: str,
    lang: str,
    limit: int | None,
    list_known: bool,
    output: Path | None,
    build_dir: Path | None,
    server: Server,
) -> None:
    """Which law, money, programmes, instruments and partners apply to a case, and why.

    A case is a municipality with, optionally, target groups and themes (several count as
    "any"). Five ranked parts come back: the law, the money, programmes and approaches,
    instruments, partners; each item with its score, the reasons it applies and its
    sources. What runs only elsewhere or has ended is listed last, marked as an example; a
    part where nothing fits says so. Scoring: docs/case.md.

    \b
    Example:
      kg case --municipality Kampen --target-group ouderen --theme bewegen
      kg case -m GM0193 -t "older residents" --format json
      kg case --list
    """
    from kg.ask.case import find, known_concepts, render_answer

    paths = ctx.paths(build_dir)
    _check_output(paths, output, "a case answer")
    with _graph(paths, server) as store:
        if list_known:
            known = known_concepts(store, lang)
            lines = []
            for name, items in known.items():
                lines.append(f"{name.replace('_', ' ')}:")
                lines += [f"  {label}" for label, _ in items]
            _emit("\n".join(lines) + "\n", output)
            return
        if not municipality:
            raise KgError("--municipality is required (or use --list)")
        answer = find(store, municipality, target_groups, themes, lang=lang, limit=limit)
    _emit(render_answer(answer, fmt, lang=lang), output)
