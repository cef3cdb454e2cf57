"""kg search: full-text search over the names and descriptions of the built graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.base import Context, _emit, build_dir_option, cli, handle_errors, lang_option, pass_ctx
from kg.errors import UsageError

if TYPE_CHECKING:
    from kg.store.search import SearchResult


@cli.command()
@click.argument("text", nargs=-1, required=True)
@lang_option
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many hits.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Only resources of this kind (its subkinds too): a class's name (Programme, "
    "LawArticle), CURIE or Dutch or English label; repeat for more.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: aligned text; json: for other tools.",
)
@build_dir_option
@pass_ctx
@handle_errors
def search(
    ctx: Context,
    text: tuple[str, ...],
    lang: str,
    limit: int,
    kinds: tuple[str, ...],
    fmt: str,
    build_dir: Path | None,
) -> None:
    """Search the names and descriptions of everything in the graph, in Dutch and English.

    TEXT is one or more words; each word matches as the start of a word, and by its stem
    ('schulden' also finds 'schuldhulpverlening'). A resource must match every word; when
    none does, those that match any are shown, and the output says so. Case, accents and
    punctuation do not count. Hits come best first (a word in a name counts more than one in
    a description), each with its kind and a snippet of the text that matched, «marked».
    Reads the index that 'kg build' writes (build/search.sqlite).

    \b
    Example:
      kg search eenzaamheid
      kg search overgewicht kinderen --lang en
      kg search schulden --kind LawArticle --format json
    """
    from kg.store.search import search as run_search

    words = " ".join(text)
    if not words.strip():
        raise UsageError("TEXT: give one or more words to search for")
    paths = ctx.paths(build_dir)
    result = run_search(paths.build_dir, words, lang=lang, limit=limit, kinds=kinds)
    if fmt == "json":
        _emit(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n", None)
        return
    _emit(_table(result), None)


def _table(result: SearchResult) -> str:
    """The hits as an aligned table, after a line that says so when only some words matched."""
    from kg.ask.tables import Table, render
    from kg.i18n import words
    from kg.namespaces import curie

    said = words("search", result.lang)
    if not result.hits:
        return f"{said['nothing']}\n"
    table = Table(
        ("name", "kind", "snippet", "iri"),
        [(h.label, h.kind_label, h.snippet_text(), curie(h.iri)) for h in result.hits],
    )
    note = f"{said['some_words']}\n" if result.match == "any" else ""
    return note + render(table, "table")
