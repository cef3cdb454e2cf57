"""The console examples in README.md and docs/ are what kg prints (kg.publish.examples)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.publish.examples import (
    ELLIPSIS,
    Sandbox,
    documentation_files,
    matches,
    parse,
    refreshed,
    run_all,
)

from .conftest import ROOT

FILES = documentation_files(ROOT)


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a"], ["a", "b"], False),  # a line kg prints that the page leaves out
        (["took 0.5 s"], ["took 12.25 s"], True),  # durations vary
        (["a", ELLIPSIS], ["a", "b", "c"], True),
        ([ELLIPSIS, "c"], ["a", "b", "c"], True),
        (["a", ELLIPSIS, "c"], ["a", "c"], True),  # ... may stand for no line
        (["a", ELLIPSIS, "c"], ["a", "b"], False),
        (["a", ELLIPSIS, "x", ELLIPSIS, "c"], ["a", "b", "x", "y", "c"], True),
        (["a", ELLIPSIS, "x", ELLIPSIS, "c"], ["a", "b", "y", "c"], False),
        (["a", "b", ELLIPSIS, "b"], ["a", "b"], False),  # runs may not overlap
        (["Wrote 727281 bytes."], ["Wrote 729054 bytes."], False),  # numbers are compared
    ],
)
def test_matching_a_transcript(expected, actual, same) -> None:
    assert matches(expected, actual) is same


def test_refreshing_keeps_the_shape_of_a_transcript() -> None:
    assert refreshed(["x", "x", ELLIPSIS, "x"], list("abcdef")) == ["a", "b", ELLIPSIS, "f"]
    assert refreshed(["in 0.1 s"], ["in 0.2 s"]) == ["in 0.1 s"]  # still true: unchanged
    assert refreshed(["old"], ["new", "lines"]) == ["new", "lines"]


def test_a_transcript_is_parsed_into_commands_and_output() -> None:
    text = "intro\n```console\n$ kg a \\\n  --b\nout 1\nout 2\n$ kg c\n```\n```sh\n$ no\n```\n"
    (block,) = parse(text)
    first, second = block.examples
    assert first.command == "kg a \n  --b" and first.source == ["$ kg a \\", "  --b"]
    assert first.expected == ["out 1", "out 2"] and first.line == 3
    assert second.command == "kg c" and second.expected == []


def test_every_console_block_starts_with_a_command() -> None:
    for path in FILES:
        for block in parse(path.read_text("utf-8")):
            assert block.examples, f"{path}: an empty console block"
            lines = path.read_text("utf-8").split("\n")
            assert lines[block.start].startswith("$ "), f"{path}:{block.start + 1}"


def test_examples_write_only_to_the_temporary_folder() -> None:
    for path in FILES:
        for block in parse(path.read_text("utf-8")):
            for ex in block.examples:
                for target in re.findall(r"(?:-o|--output)\s+(\S+)", ex.command):
                    assert target.startswith("/tmp/kg/"), f"{path}:{ex.line}: {target}"


@pytest.mark.slow
def test_every_console_example_prints_what_the_documentation_shows() -> None:
    """Run every transcript on a copy of the project with nothing beside it; each command
    must print what its page shows (python -m kg.publish.examples --update writes the real
    output)."""
    stale = []
    for path, ex in run_all(ROOT, FILES):
        assert ex.actual is not None
        if not matches(ex.expected, ex.actual):
            shown = "\n    ".join(ex.actual[:12])
            stale.append(f"{Path(path).name}:{ex.line}: $ {ex.command}\n  kg printed:\n    {shown}")
    assert not stale, "\n".join(stale)


def test_a_transcript_runs_as_in_one_terminal() -> None:
    """`$?` is the exit code of the command before, and /tmp/kg is the sandbox's folder."""
    sandbox = Sandbox(ROOT)
    try:
        assert sandbox.run("false") == []
        assert sandbox.run("echo $?") == ["1"]
        assert sandbox.run("mkdir -p /tmp/kg/x && echo /tmp/kg/x") == ["/tmp/kg/x"]
        assert (sandbox.out / "x").is_dir()
        assert sandbox.run("ls ..") == ["kg", "out"]  # nothing beside the project
    finally:
        sandbox.close()
