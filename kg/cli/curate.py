"""kg template and kg import: the curator's workbook, out and in."""

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
from kg.errors import KgError, printable
from kg.paths import Paths

#: --output of a command that writes a workbook (kg template, kg suggest).
workbook_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The workbook to write (.xlsx), atomically.",
)


def check_workbook_output(paths: Paths, output: Path) -> None:
    """Refuse an --output that is no .xlsx file or that kg may not write to."""
    if output.suffix.lower() != ".xlsx":
        raise KgError("--output: a workbook is an .xlsx file", file=output)
    _check_output(paths, output, "a workbook")


@cli.command()
@workbook_option
@click.option(
    "--from",
    "source",
    metavar="SOURCE",
    default=None,
    help="An existing source to fill the workbook with (its id, e.g. source:zonmw-groene-"
    "re-integratie, or its name), to correct it and import it again.",
)
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def template(
    ctx: Context, output: Path, source: str | None, build_dir: Path | None, server: Server
) -> None:
    """Write a workbook (XLSX) to describe one new source without writing RDF, or, with
    --from, one that holds an existing source.

    Sheets: Bron (the source), Programma's, Organisaties, Deelnames (programme, partner,
    role), Bevindingen, Publicaties, Personen and Overig (single statements). Columns are
    in Dutch with a help row; every column that takes a known thing (a municipality, an
    organisation, a law, an accord, a scheme, a target group, a theme, a domain, a role,
    ...) has a drop-down list of the names the built graph knows. Required columns are
    yellow. The guide, in Dutch: docs/curatoren.md.

    With --from, every resource the source describes is a row of its sheet, with its id;
    whatever has no column (a phase, an event, a fifth theme) is a row of the sheet Overig.
    Importing that workbook unchanged gives the same graph.

    \b
    Example:
      kg template --output nieuwe-bron.xlsx
      kg template --from source:zonmw-groene-re-integratie --output groen.xlsx
    """
    from kg.curate.workbook import template as make_template

    paths = ctx.paths(build_dir)
    check_workbook_output(paths, output)
    with _graph(paths, server) as store:
        rows = None
        if source is not None:
            from kg.ask.resolve import resolve_resource
            from kg.curate.project import export_rows
            from kg.namespaces import KG

            iri = str(resolve_resource(store, source, [KG + "Source"]))
            rows = export_rows(paths, iri)
        data = make_template(store, rows)
    _emit(data, output)


@cli.command("import")
@click.argument(
    "workbook", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Check everything, print the TriG, write nothing.")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the source's file even where the workbook leaves out statements it holds, "
    "or the file was written by hand.",
)
@pass_ctx
@handle_errors
def import_(ctx: Context, workbook: tuple[Path, ...], dry_run: bool, replace: bool) -> None:
    """Turn a filled workbook into one data file of its source, under data/.

    WORKBOOK is the .xlsx file kg template wrote, or one CSV file per sheet, each named
    after its sheet (bron.csv, programmas.csv, organisaties.csv, deelnames.csv,
    bevindingen.csv, publicaties.csv, personen.csv, overig.csv). Names are matched to what
    the graph knows (names, other names, aliases, ids such as org-id:movisie); new things
    get ids by the rules of docs/iris.md. The whole graph, with the new file, is validated
    before anything is written; every problem is one line with sheet, row and column (exit
    2, nothing written). Importing the same workbook twice changes nothing. A workbook that
    would take statements out of an existing file, or replace one written by hand, needs
    --replace (see what changes with --dry-run first). Run kg build afterwards.

    \b
    Example:
      kg import nieuwe-bron.xlsx
      kg import --dry-run nieuwe-bron.xlsx
    """
    from kg.curate.project import import_workbook, statements
    from kg.curate.reading import WorkbookProblems

    paths = ctx.paths()
    try:
        result = import_workbook(paths, list(workbook), write=not dry_run, replace=replace)
    except WorkbookProblems as exc:
        lines = exc.lines()
        for line in lines[:-1]:
            click.echo(f"Error: {printable(line, layout=False)}", err=True)
        raise KgError(lines[-1]) from None
    held = ", ".join(f"{n} {what}" for what, n in result.counts.items())
    change = (
        f"; {statements(result.removed)} removed, {result.added} added" if result.removed else ""
    )
    if dry_run:
        from kg.curate.project import needs_replace

        click.echo(result.text, nl=False)
        state = "would write" if result.changed else "would leave unchanged"
        if needs_replace(result):
            change += "; that needs --replace"
        for line in result.changes[:SHOWN_CHANGES]:  # what goes and what comes, readably
            click.echo(printable(line, layout=False), err=True)
        if len(result.changes) > SHOWN_CHANGES:
            click.echo(f"... and {len(result.changes) - SHOWN_CHANGES} more changes", err=True)
    else:
        state = "wrote" if result.changed else "unchanged"
    after = "; next: kg build" if result.changed else ""
    click.echo(
        f"{state} {result.path} ({held}; {statements(result.statements)}{change}){after}",
        err=True,
    )


#: Changed statements kg import --dry-run lists.
SHOWN_CHANGES = 40
