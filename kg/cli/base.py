"""What every kg command shares: the click group, the options used by several commands,
the project's paths, error handling (one line, the right exit code) and output."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError, printable
from kg.paths import Paths
from kg.version import __version__

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


def _param_values(params: tuple[tuple[str, str], ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in params:
        if key in values:
            raise KgError(f"parameter {key!r} is given twice")
        values[key] = value
    return values
