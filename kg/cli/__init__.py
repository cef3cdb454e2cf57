"""The kg command line: click only. Each command parses options, calls the library and turns
library errors into one-line messages. Exit codes: 0 ok, 1 a finding (the graph does not
conform, docs are stale), 2 a usage or data error."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError, UsageError, printable
from kg.paths import Paths
from kg.version import __version__

#: The command reference that `kg docs` writes into docs/.
CLI_DOC = "cli.md"

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    # One line, and nothing a terminal would act on, whatever the message quotes.
    click.echo(f"Error: {printable(message, layout=False)}", err=True)
    sys.exit(code)


class _PipeClosed(Exception):
    """The reader of our standard output went away (`kg export | head`)."""


def handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and the right exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            report = getattr(exc, "report", None)  # ValidationFailed (kept off the start-up path)
            if report is not None:
                _print_report(report)
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # click turns EPIPE into exit 1 (our "finding" code); main() handles this instead.
            raise _PipeClosed from None
        except OSError as exc:  # disk full, permission denied, ... on an output path
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}", 2)

    return wrapper  # type: ignore[return-value]


def _print_report(report: Any) -> None:
    for v in report.violations:
        click.echo(f"  - {v}", err=True)
    if report.warnings:
        click.echo(f"  ({len(report.warnings)} warning(s); see 'kg validate')", err=True)


class Context:
    def __init__(self, root: Path) -> None:
        self.root = root

    def paths(
        self, build_dir: Path | None = None, cpsv: Path | None = None, use_cpsv: bool = True
    ) -> Paths:
        return Paths.from_root(self.root, build_dir=build_dir, cpsv_shapes=cpsv, use_cpsv=use_cpsv)


pass_ctx = click.make_pass_decorator(Context)

build_dir_option = click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the built graph lives (default: ROOT/build).",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to FILE (atomically) instead of standard output ('-').",
)
cpsv_options = [
    click.option(
        "--cpsv-shapes",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The official CPSV-AP 3.2.0 SHACL file, used besides kg's own shapes (env "
        "KG_CPSV_SHAPES; default: ROOT/../shared/standards/cpsv-ap-3.2.0-SHACL.ttl when it "
        "is there, else kg's shapes alone).",
    ),
    click.option(
        "--no-cpsv", is_flag=True, help="Skip the CPSV-AP shapes (kg's own shapes still apply)."
    ),
    click.option(
        "--shacl-engine",
        type=click.Choice(["auto", "kg", "pyshacl"]),
        default="auto",
        show_default=True,
        help="Who checks the shapes: kg's engine on the store (fast at national scale; the "
        "SHACL Core features kg's shapes use), pySHACL (all of SHACL, slow on big graphs), "
        "or auto: kg's engine unless the shapes need a feature only pySHACL has.",
    ),
]


def with_cpsv(func: F) -> F:
    for option in reversed(cpsv_options):
        func = option(func)
    return func


@dataclass(frozen=True)
class Server:
    """Where a command reads the graph: a SPARQL server, or (endpoint None) the local build."""

    endpoint: str | None
    update_endpoint: str | None
    timeout: float | None
    default_graph: str | None = None
    graph_store: str | None = None

    def remote(self) -> Any:
        from kg.store.remote import remote_from_options

        assert self.endpoint is not None
        return remote_from_options(
            self.endpoint,
            update_endpoint=self.update_endpoint,
            timeout=self.timeout,
            default_graph=self.default_graph,
            graph_store=self.graph_store,
        )


def _server_options(*, write: bool) -> Callable[[F], F]:
    """--endpoint and --timeout (each also from the environment), and for ``write`` (kg push)
    --update-endpoint, --graph-store and --default-graph; passes ``server``."""
    options = [
        click.option(
            "--endpoint",
            envvar="KG_ENDPOINT",
            metavar="URL",
            help=(
                "The SPARQL endpoint of the server to publish to"
                if write
                else "Read the graph from this SPARQL endpoint instead of the local build"
            )
            + " (env KG_ENDPOINT; user and password from KG_ENDPOINT_USER and "
            "KG_ENDPOINT_PASSWORD).",
        ),
        click.option(
            "--timeout",
            envvar="KG_TIMEOUT",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            help="Seconds to wait for the server (env KG_TIMEOUT; default "
            + ("60, and at least 30 minutes for the push itself)." if write else "60)."),
        ),
    ]
    if write:
        options += [
            click.option(
                "--update-endpoint",
                envvar="KG_UPDATE_ENDPOINT",
                metavar="URL",
                help="The server's SPARQL Update URL (env KG_UPDATE_ENDPOINT; default: "
                ".../update beside a .../query endpoint, else the endpoint itself).",
            ),
            click.option(
                "--graph-store",
                envvar="KG_GRAPH_STORE",
                metavar="URL",
                help="The server's Graph Store Protocol URL, used by --staged to upload each "
                "graph in one HTTP PUT (env KG_GRAPH_STORE; default: .../store beside a "
                ".../query endpoint, else uploads go through --update-endpoint).",
            ),
            click.option(
                "--default-graph",
                envvar="KG_DEFAULT_GRAPH",
                metavar="IRI",
                help="For servers without a plain default graph (Virtuoso): the named graph "
                "for kg's ontology and code lists (env KG_DEFAULT_GRAPH).",
            ),
        ]

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(
            *args: Any,
            endpoint: str | None,
            timeout: float | None,
            update_endpoint: str | None = None,
            default_graph: str | None = None,
            graph_store: str | None = None,
            **kwargs: Any,
        ) -> Any:
            server = Server(
                endpoint or None, update_endpoint, timeout, default_graph, graph_store or None
            )
            return func(*args, server=server, **kwargs)

        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


server_options = _server_options(write=False)
push_server_options = _server_options(write=True)


@contextlib.contextmanager
def _graph(paths: Paths, server: Server) -> Iterator[Any]:
    """The store a reading command uses: the server if one is given, else the local build."""
    if server.endpoint:
        remote = server.remote()
        remote.check()
        yield remote
        return
    from kg.store import open_store

    with open_store(paths.build_dir) as store:
        yield store


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding ontology/, data/ and build/.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """kg: a knowledge graph of the Dutch social domain.

    Programmes and interventions for health and participation, the organisations and
    municipalities that run them, and the laws, accords and schemes behind them.

    \b
    Start with:
      kg build                 # parse, validate and store ontology/ + data/
      kg export --format ttl   # the whole graph as Turtle
      kg query list            # canned questions; run one with 'kg query run NAME -p ...'
    """
    ctx.obj = Context(root)


@cli.command()
@build_dir_option
@with_cpsv
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@handle_errors
def build(
    ctx: Context,
    build_dir: Path | None,
    cpsv_shapes: Path | None,
    no_cpsv: bool,
    shacl_engine: str,
    quiet: bool,
    as_json: bool,
) -> None:
    """Parse, validate and store the graph in build/.

    Reads ontology/*.ttl and data/**/*.ttl|*.trig, validates them against
    ontology/shapes.ttl (and the official CPSV-AP 3.2.0 shapes when they are found; the
    summary says which), and writes build/store
    (an on-disk store), build/kg.trig, build/kg.ttl and build/manifest.json (counts and
    input checksums). The new build replaces the old one in one step (the build/current
    link). If the data does not conform, each violation is printed, the exit code is 1
    and the previous build is left as it was.

    \b
    Example:
      kg build
    """
    from kg.build import build as run_build

    paths = ctx.paths(build_dir, cpsv_shapes, not no_cpsv)
    started = time.perf_counter()
    progress = (lambda _m: None) if quiet or as_json else (lambda m: click.echo(m, err=True))
    result = run_build(paths, progress=progress, engine=shacl_engine)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        click.echo(_summary(result, time.perf_counter() - started))


def _summary(result: Any, seconds: float | None) -> str:
    took = "" if seconds is None else f", in {seconds:.1f} s"
    lines = [
        f"Built {result.build_dir}/: {result.triples} triples from {result.files} files, "
        f"{len(result.sources)} source graph(s){took}.",
        f"Validated with {result.shapes}.",
        "Resources per class:",
    ]
    width = max((len(c) for c, _, _ in result.classes), default=0)
    lines += [f"  {label:<{width}}  {n:>6}" for label, _, n in result.classes]
    lines.append("Sources:")
    lines += [f"  {title} ({n} triples)" for title, _, n in result.sources]
    if result.warnings:
        lines.append(f"{result.warnings} warning(s); run 'kg validate' to see them.")
    return "\n".join(lines)


@cli.command()
@with_cpsv
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@pass_ctx
@handle_errors
def validate(
    ctx: Context, cpsv_shapes: Path | None, no_cpsv: bool, shacl_engine: str, fmt: str
) -> None:
    """Validate ontology/ and data/ without writing anything.

    Exit code 0 when the graph conforms, 1 when it does not (each violation is printed
    in plain words: the resource, the property, what was expected), 2 when a file cannot
    be read or parsed.

    \b
    Example:
      kg validate --format json
    """
    from kg.validate import validate_sources

    report = validate_sources(ctx.paths(None, cpsv_shapes, not no_cpsv), shacl_engine)
    if fmt == "json":
        click.echo(report.to_json())
    else:
        for v in report.violations:
            click.echo(f"violation: {v}")
        for v in report.warnings:
            click.echo(f"{v.severity}: {v}")
        n = len(report.violations)
        verdict = "Conforms" if report.conforms else f"Does not conform: {n} violation(s)"
        click.echo(f"{verdict} (validated with {report.shapes}).")
    if not report.conforms:
        sys.exit(1)


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
@output_option
@build_dir_option
@pass_ctx
@handle_errors
def export(
    ctx: Context, fmt: str, lang: str | None, output: Path | None, build_dir: Path | None
) -> None:
    """Export the built graph as RDF (Turtle, TriG, N-Triples, N-Quads, JSON-LD) or as a
    network (GraphML, GEXF).

    The output is deterministic: the same data gives byte-identical files. JSON-LD is
    compacted with the kg context (see docs/context.jsonld). GraphML and GEXF hold the
    network of programmes, partners, places and instruments, with labels, kinds and
    sources as attributes, for Gephi and Cytoscape.

    \b
    Example:
      kg export --format trig --output kg.trig
      kg export --format gexf --output kg.gexf
    """
    from kg.publish.export import NETWORK_FORMATS
    from kg.publish.export import export as run_export

    if lang is not None and fmt not in NETWORK_FORMATS:
        raise KgError(f"--lang applies to graphml and gexf; {fmt} keeps every language")
    paths = ctx.paths(build_dir)
    _check_output(paths, output, "an export")
    _emit(run_export(paths.build_dir, fmt, lang or "nl"), output)


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
STDOUT = "-"


def _check_output(paths: Paths, output: Path | None, what: str) -> None:
    """Refuse an --output whose folder is missing or that kg reads or manages (standard
    output, no --output or ``-``, is always fine)."""
    if output is None or str(output) == STDOUT:
        return
    if not output.parent.is_dir():
        raise KgError("the folder for --output does not exist", file=output.parent)
    if not os.access(output.parent, os.W_OK):
        raise KgError("the folder for --output is not writable", file=output.parent)
    target = output.resolve()
    for folder in (paths.build_dir, paths.data_dir, paths.ontology_dir, paths.queries_dir):
        if folder is not None and folder.resolve() in target.parents:
            raise KgError(
                f"will not write {what} into {folder} (kg reads or manages it)", file=output
            )


def _write_all(stream: Any, data: bytes) -> None:
    """Write all of ``data``, or raise BrokenPipeError when the reader goes away.

    A buffered write to a pipe whose reader has closed it can report a short count instead of
    failing (the kernel returns what it took before the reader left), so one ``write`` is not
    enough to learn that ``kg export | head`` stopped reading: write the rest until it fails."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        view = view[written if written is not None else len(view) :]
    stream.flush()


def _emit(content: str | bytes, output: Path | None) -> None:
    """Print ``content``, or write it atomically to ``output`` (``-`` is standard output)."""
    from kg import atomic

    data = content.encode("utf-8") if isinstance(content, str) else content
    if output is None or str(output) == STDOUT:
        _write_all(sys.stdout.buffer, data)
    else:
        atomic.write_bytes(output, data)
        click.echo(f"Wrote {printable(str(output), layout=False)} ({len(data)} bytes).", err=True)


lang_option = click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default="nl",
    show_default=True,
    help="Language of the labels.",
)


queries_dir_option = click.option(
    "--queries-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of canned .rq queries (default: ROOT/queries).",
)
table_format_option = click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "md"]),
    default="table",
    show_default=True,
    help="table: aligned text; csv and json: for other tools; md: a Markdown table.",
)


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
    """Which programmes, instruments and partners apply to a case, and why.

    A case is a municipality with, optionally, target groups and themes. Three ranked
    lists come back, each item with its score, the reasons it applies and the sources
    behind them. A programme that runs only elsewhere is listed last, marked as an
    example. Scoring: docs/case.md.

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
    _emit(render_answer(answer, fmt), output)


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
    help="Kinds of node to show, comma-separated or repeated, or 'all' "
    "(default: all but source, person, output, event, finding, phase).",
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
    focus: tuple[str, ...],
    depth: int | None,
    query_name: str | None,
    params: tuple[tuple[str, str], ...],
    as_case: bool,
    municipality: str | None,
    target_groups: tuple[str, ...],
    themes: tuple[str, ...],
    types: tuple[str, ...],
    size_by: str,
    colour_by: str,
    title: str,
    lang: str,
    output: Path,
    build_dir: Path | None,
    server: Server,
    queries_dir: Path | None,
) -> None:
    """Draw the graph as an interactive network page: one HTML file that works offline.

    Draws the whole graph, the neighbourhood of --focus nodes, what a canned --query
    returns, or the answer to a --case. The page has a search box, a legend that filters
    by kind, and a panel with each node's description, links and sources. Open it in any
    browser; it makes no network request.

    
    Example:
      kg viz --focus Kampen --depth 2 --output kampen.html
      kg viz --query programmes-in-municipality -p municipality Zwolle -o zwolle.html
      kg viz --case -m Kampen -t ouderen --theme bewegen -o case.html
      kg viz --size-by betweenness --color-by community -o national.html
    """
    from kg.ask.queries import find_query
    from kg.network import Case, parse_kinds, summary
    from kg.network import view as make_view
    from kg.network.render import render_html

    paths = ctx.paths(build_dir)
    _check_output(paths, output, "a network page")
    kinds = parse_kinds(types)
    if not as_case and (municipality or target_groups or themes):
        raise KgError("-m, -t and --theme describe a case: add --case")
    case = None
    if as_case:
        if not municipality:
            raise KgError("--case needs --municipality")
        case = Case(municipality, target_groups, themes)
    query = None
    if query_name:
        folder = queries_dir or paths.queries_dir
        assert folder is not None
        query = find_query(folder, query_name)
    values = _param_values(params)
    with _graph(paths, server) as store:
        picture = make_view(
            store,
            lang=lang,
            kinds=kinds,
            focus=focus,
            depth=depth,
            query=query,
            values=values,
            case=case,
        )
    title = title or picture.graph.get("title", "")
    html = render_html(picture, title=title, size_by=size_by, colour_by=colour_by)
    click.echo(summary(picture), err=True)
    _emit(html, output)


def _param_values(params: tuple[tuple[str, str], ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in params:
        if key in values:
            raise KgError(f"parameter {key!r} is given twice")
        values[key] = value
    return values


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

    
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


@cli.command()
@build_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@pass_ctx
@handle_errors
def info(ctx: Context, build_dir: Path | None, as_json: bool) -> None:
    """Show what the current build holds (triples, classes, sources).

    \b
    Example:
      kg info
    """
    from kg.build import BuildResult, read_manifest

    paths = ctx.paths(build_dir)
    manifest = read_manifest(paths.build_dir)
    result = BuildResult.from_dict(paths.build_dir, manifest)  # checks it is whole
    if as_json:
        click.echo(json.dumps(manifest, indent=2, ensure_ascii=False))
    else:
        click.echo(_summary(result, None))


@cli.command()
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 if docs/ is not what the ontology, queries and build give.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: ROOT/docs).",
)
@build_dir_option
@pass_ctx
@handle_errors
def docs(ctx: Context, check: bool, output_dir: Path | None, build_dir: Path | None) -> None:
    """Generate the reference documentation in docs/.

    Writes docs/ontology.html and ontology-nl.html (pyLODE), docs/core-model.dot and .svg
    (Graphviz), docs/context.jsonld (the JSON-LD context used by 'kg export --format
    jsonld'), docs/queries.md (every canned query with an example and its real output,
    so it needs a build: run 'kg build' first), docs/case.md (the case finder's scoring and
    worked examples) and docs/cli.md (every command's --help). Needs the 'docs' extra
    (pip install -e '.[docs]') and, for the picture, Graphviz.

    \b
    Example:
      kg docs --check
    """
    from kg.publish.docs import check_docs, write_docs

    paths = ctx.paths(build_dir, use_cpsv=False)
    out = output_dir or ctx.root / "docs"
    extra = {CLI_DOC: reference_markdown()}
    if check:
        stale = check_docs(paths, out, extra)
        if stale:
            for name in stale:
                click.echo(f"stale: {out / name}", err=True)
            click.echo("Run 'kg docs' to regenerate.", err=True)
            sys.exit(1)
        click.echo("docs/ is current.")
        return
    for path in write_docs(paths, out, extra):
        click.echo(f"wrote {path}", err=True)


@cli.command()
@click.option(
    "--reference-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with gemeenten_2025_regio.csv and ggd_regios.csv "
    "(default: ROOT/data/reference/inputs).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 if data/reference/regions.trig is not what the CSV files give.",
)
@pass_ctx
@handle_errors
def reference(ctx: Context, reference_dir: Path | None, check: bool) -> None:
    """Generate the national reference layer from the reference CSV files.

    Writes data/reference/regions.trig: the 12 provinces, the 342 municipalities (TOOI IRI,
    CBS code, province, GGD region) and the 25 GGD regions with the GGD that serves each,
    every statement in the named graph of its public source. Deterministic; re-run it when
    the CSV files change, then 'kg build'.

    \b
    Example:
      kg reference --check
    """
    from kg.build.reference import OUTPUT, reference_is_current, write_reference

    paths = ctx.paths(use_cpsv=False)
    folder = reference_dir or paths.reference_dir
    assert folder is not None  # Paths.from_root always sets it
    if check:
        if not reference_is_current(folder, paths.data_dir):
            click.echo(f"stale: {paths.data_dir / OUTPUT}; run 'kg reference'", err=True)
            sys.exit(1)
        click.echo(f"{paths.data_dir / OUTPUT} is current.")
        return
    click.echo(f"wrote {write_reference(folder, paths.data_dir)}", err=True)


def reference_markdown() -> str:
    """docs/cli.md: every command's ``--help``, exactly as ``kg COMMAND --help`` prints it
    (100 columns wide), so the command reference matches the program by construction."""
    parts = [
        "# Command reference\n\n",
        "<!-- Generated by 'kg docs' from the commands' --help; do not edit. -->\n\n",
        "Every command of `kg`, with the help it prints. Global options (before the "
        "command): `--root DIR`, `--version`, `--help`. Exit codes: 0 success, 1 a finding "
        "(the graph does not conform, docs are stale), 2 a usage or data error, 130 "
        "interrupted, 141 when the reader of the output goes away.\n",
    ]

    def walk(command: click.Command, ctx: click.Context) -> None:
        parts.append(f"\n## `{ctx.command_path}`\n\n```text\n{command.get_help(ctx)}\n```\n")
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    walk(sub, click.Context(sub, info_name=name, parent=ctx, terminal_width=100))

    walk(cli, click.Context(cli, info_name="kg", terminal_width=100, **cli.context_settings))
    return "".join(parts)


def main() -> None:
    """Entry point: like click's standalone mode, but every error is one line.

    An unexpected exception (a bug in kg or a library) is also one line, exit 2; set
    ``KG_DEBUG=1`` to see its traceback.
    """
    import os

    try:
        code = cli.main(prog_name="kg", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # plain `kg`: show the help
        click.echo(exc.ctx.get_help() if exc.ctx else "")
        sys.exit(0)
    except click.UsageError as exc:  # bad option, bad value, unknown command
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        _fail(" ".join(exc.format_message().split()) + hint, 2)
    except click.ClickException as exc:
        _fail(" ".join(exc.format_message().split()), exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)
    except (_PipeClosed, BrokenPipeError):  # `kg export | head`: nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # what a shell reports for a program ended by SIGPIPE
    except Exception as exc:
        if os.environ.get("KG_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or "no message"
        _fail(f"unexpected {type(exc).__name__}: {message} (KG_DEBUG=1 shows the traceback)", 2)
    sys.exit(code if isinstance(code, int) else 0)
