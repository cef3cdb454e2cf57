"""The kg command line: click only. Each command parses options, calls the library and turns
library errors into one-line messages. Exit codes: 0 ok, 1 a finding (the graph does not
conform, docs are stale), 2 a usage or data error."""

from __future__ import annotations

import sys

import click

from kg.cli import (  # noqa: F401 - they add the commands
    ask,
    curate,
    network,
    project,
    publish,
    search,
    serve,
    suggest,
)
from kg.cli.base import _fail, _PipeClosed, cli
from kg.cli.reference import CLI_DOC, reference_markdown

__all__ = ["CLI_DOC", "cli", "main", "reference_markdown"]


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
