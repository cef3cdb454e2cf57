"""kg suggest: a draft workbook from a new document."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import (
    Context,
    Server,
    _emit,
    _graph,
    build_dir_option,
    cli,
    handle_errors,
    pass_ctx,
    server_options,
)
from kg.cli.curate import check_workbook_output, workbook_option
from kg.errors import printable


@cli.command()
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@workbook_option
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Leave out suggestions kg is less sure of (0 to 1).",
)
@build_dir_option
@server_options
@pass_ctx
@handle_errors
def suggest(
    ctx: Context,
    document: Path,
    output: Path,
    min_confidence: float,
    build_dir: Path | None,
    server: Server,
) -> None:
    """Draft a curator's workbook (XLSX) from a new document: plain text (.txt, .md), HTML
    (.html, .htm) or PDF.

    The sheet Genoemd lists what the document names that the graph knows (municipalities,
    organisations, programmes, interventions, laws, accords, schemes, statutory services,
    target groups, themes), by their names, aliases and abbreviations; the sheets
    Programma's and Organisaties propose the programmes and organisations the document
    introduces. Each row has a confidence (zekerheid, 0 to 1) and the sentence it was found
    in; they are proposals: write overnemen or afwijzen in the column besluit, fill in what
    the sheet asks, and run kg import. Everything is worked out from the graph and the text
    by rules: no model, no network. See docs/suggest.md.

    \b
    Example:
      kg suggest nieuw-verslag.pdf --output concept.xlsx
    """
    from kg.curate.document import read
    from kg.curate.suggest import suggest as draft_of
    from kg.curate.suggest import workbook_rows
    from kg.curate.workbook import template

    paths = ctx.paths(build_dir)
    check_workbook_output(paths, output)
    text = read(document)
    with _graph(paths, server) as store:
        draft = draft_of(store, text, min_confidence)
        data = template(store, workbook_rows(draft, document.name, text.title))
    _emit(data, output)
    programmes, organisations = len(draft.programmes()), len(draft.organisations())
    click.echo(
        f"{printable(document.name, layout=False)}: {len(draft.mentions)} known things named, "
        f"{programmes} new programme(s) and {organisations} new organisation(s) proposed.",
        err=True,
    )
