"""kg template: the curator's workbook."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import (
    Context,
    Server,
    _check_output,
    _emit,
    _graph,
    build_dir_option,
    cli,
    handle_errors,
    pass_ctx,
    server_options,
)
from kg.errors import KgError


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx), atomically.",
)
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def template(ctx: Context, output: Path, build_dir: Path | None, server: Server) -> None:
    """Write a workbook (XLSX) to describe one new source without writing RDF.

    Sheets: Bron (the source), Programma's, Organisaties, Deelnames (programme, partner,
    role) and Bevindingen. Columns are in Dutch with a help row; every column that takes a
    known thing (a municipality, an organisation, a law, an accord, a scheme, a target
    group, a theme, a domain, a role, ...) has a drop-down list of the names the built graph
    knows. Required columns are yellow.

    \b
    Example:
      kg template --output nieuwe-bron.xlsx
    """
    from kg.curate.workbook import template as make_template

    if output.suffix.lower() != ".xlsx":
        raise KgError("--output: a workbook is an .xlsx file", file=output)
    paths = ctx.paths(build_dir)
    _check_output(paths, output, "a workbook")
    with _graph(paths, server) as store:
        data = make_template(store)
    _emit(data, output)
