"""Console examples in the documentation, run for real.

Every fenced ```` ```console ```` block in ``README.md`` and ``docs/*.md`` is a transcript: a
line starting with ``$ `` is a command (``\\`` at the end continues it), the lines after it are
what the command prints (standard output and standard error, as a terminal shows them). The
transcripts are run in a copy of the project with nothing beside it, as a fresh clone is, in
the order they appear (README first, then docs/ by name), so an example may use what an
earlier one wrote. Files the examples write go to ``/tmp/kg/``, which is mapped to a
temporary folder (``mkdir -p /tmp/kg`` there makes nothing on the machine), and ``$?`` is
the exit code of the command before, as in a terminal.

Two things vary from run to run and are masked before comparing: durations (``in 0.5 s``)
and a line ``...`` in a transcript, which stands for any number of lines. ``python -m
kg.publish.examples --update`` writes the real output into the files (keeping the lines around a
``...``); ``python -m kg.publish.examples`` (and a test) reports every transcript that differs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: The folder examples write their files to, as the documentation shows it.
SHOWN_TMP = "/tmp/kg"
ELLIPSIS = "..."
#: What a copy of the project holds: what a clone has, less the documentation.
PROJECT_PARTS = ("ontology", "data", "queries", "pyproject.toml")
_FENCE = re.compile(r"^```console\s*$")
_SHOWN_TMP = re.compile(re.escape(SHOWN_TMP) + r"(?![\w.-])")
_DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")
#: Seconds one example may take.
TIMEOUT = 300


@dataclass
class Example:
    """One command of a transcript and what the documentation says it prints."""

    line: int  # 1-based line of the command in its file
    command: str
    source: list[str] = field(default_factory=list)  # the command's lines as written
    expected: list[str] = field(default_factory=list)
    actual: list[str] | None = None


@dataclass
class Block:
    """One ```console block: the lines between its fences and its examples."""

    start: int  # 0-based index of the first line inside the fence
    end: int  # 0-based index of the closing fence
    examples: list[Example]


def documentation_files(root: Path) -> list[Path]:
    """README.md, then every Markdown file in docs/, by name."""
    docs = sorted((root / "docs").glob("*.md")) if (root / "docs").is_dir() else []
    readme = [root / "README.md"] if (root / "README.md").is_file() else []
    return readme + docs


def parse(text: str) -> list[Block]:
    """The console blocks of a Markdown text."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not _FENCE.match(lines[i]):
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        examples: list[Example] = []
        j = start
        while j < end:
            if lines[j].startswith("$ "):
                first = j
                command = lines[j][2:]
                while command.endswith("\\") and j + 1 < end:
                    j += 1
                    command = command[:-1] + "\n" + lines[j]
                examples.append(Example(first + 1, command, lines[first : j + 1]))
            elif examples:
                examples[-1].expected.append(lines[j])
            j += 1
        blocks.append(Block(start, end, examples))
        i = end + 1
    return blocks


def _normal(lines: list[str]) -> list[str]:
    return [_DURATION.sub("N s", line.rstrip()) for line in lines]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is what ``expected`` shows, each ``...`` line standing for any
    number of lines: the first run of lines must open the output, the last must close it,
    and those between must follow in order."""
    want, got = _normal(expected), _normal(actual)
    if ELLIPSIS not in want:
        return want == got
    runs: list[list[str]] = [[]]
    for line in want:
        if line == ELLIPSIS:
            runs.append([])
        else:
            runs[-1].append(line)
    first, middle, last = runs[0], runs[1:-1], runs[-1]
    if len(first) + len(last) > len(got) or got[: len(first)] != first:
        return False
    if last and got[len(got) - len(last) :] != last:
        return False
    rest, position = got[len(first) : len(got) - len(last)], 0
    for run in middle:
        while position + len(run) <= len(rest) and rest[position : position + len(run)] != run:
            position += 1
        if position + len(run) > len(rest):
            return False
        position += len(run)
    return True


def refreshed(expected: list[str], actual: list[str]) -> list[str]:
    """What to write for an example: ``expected`` itself when it still matches, else
    ``actual`` shaped like ``expected`` (as many lines before and after a single ``...`` as it
    shows there), else all of ``actual``."""
    if matches(expected, actual):
        return expected
    if expected.count(ELLIPSIS) != 1:
        return actual
    cut = expected.index(ELLIPSIS)
    after = len(expected) - cut - 1
    if cut + after >= len(actual):
        return actual
    return actual[:cut] + [ELLIPSIS] + (actual[len(actual) - after :] if after else [])


class Sandbox:
    """A copy of the project with nothing beside it, where the examples run."""

    def __init__(self, root: Path) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-examples-")
        self.base = Path(self._tmp.name)
        self.project = self.base / "kg"
        self.out = self.base / "out"
        self.project.mkdir()
        self.out.mkdir()
        self.status = 0
        for part in PROJECT_PARTS:
            source = root / part
            if source.is_dir():
                shutil.copytree(source, self.project / part)
            elif source.is_file():
                shutil.copy2(source, self.project / part)
        scripts = str(Path(sys.executable).parent)
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith("KG_") and k != "COLUMNS"
        }
        self.env.update(
            PATH=scripts + os.pathsep + os.environ.get("PATH", ""),
            PYTHONUNBUFFERED="1",  # stdout and stderr interleave as on a terminal
            COLUMNS="100",
            LC_ALL="C.UTF-8",
        )

    def run(self, command: str) -> list[str]:
        shown = _SHOWN_TMP.sub(str(self.out), command)
        # Each command runs in a shell of its own; `$?` is the previous command's exit code,
        # as in the terminal the transcript shows.
        done = subprocess.run(
            ["bash", "-c", f"(exit {self.status}); {shown}"],
            cwd=self.project,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT,
            check=False,
        )
        self.status = done.returncode
        text = done.stdout.decode("utf-8", "replace").replace(str(self.out), SHOWN_TMP)
        text = text.replace(str(self.project) + "/", "")
        return text.rstrip("\n").split("\n") if text.strip() else []

    def close(self) -> None:
        self._tmp.cleanup()


def run_all(root: Path, files: list[Path] | None = None) -> Iterator[tuple[Path, Example]]:
    """Run every example of ``files`` (default: :func:`documentation_files`) in one sandbox,
    in order; yield each with its ``actual`` output filled in."""
    sandbox = Sandbox(root)
    try:
        for path in files if files is not None else documentation_files(root):
            for block in parse(path.read_text("utf-8")):
                for example in block.examples:
                    example.actual = sandbox.run(example.command)
                    yield path, example
    finally:
        sandbox.close()


def stale(root: Path, files: list[Path] | None = None) -> list[str]:
    """One line per example whose output differs from the documentation's."""
    return [
        f"{path.relative_to(root)}:{ex.line}: $ {ex.command.splitlines()[0]}"
        for path, ex in run_all(root, files)
        if ex.actual is not None and not matches(ex.expected, ex.actual)
    ]


def update(root: Path, files: list[Path] | None = None) -> list[Path]:
    """Write the real output of every example into its file; the files that changed."""
    files = files if files is not None else documentation_files(root)
    results: dict[Path, dict[int, list[str]]] = {}
    for path, ex in run_all(root, files):
        assert ex.actual is not None
        results.setdefault(path, {})[ex.line] = refreshed(ex.expected, ex.actual)
    changed = []
    for path in files:
        text = path.read_text("utf-8")
        lines = text.split("\n")
        out: list[str] = []
        position = 0
        for block in parse(text):
            out += lines[position : block.start]
            for ex in block.examples:
                out += ex.source
                out += results.get(path, {}).get(ex.line, ex.expected)
            position = block.end
        out += lines[position:]
        new = "\n".join(out)
        if new != text:
            path.write_text(new, "utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.publish.examples",
        description="Run the console examples of README.md and docs/*.md and compare their "
        "output (exit 1 when one differs), or write the real output with --update.",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder")
    parser.add_argument("--update", action="store_true", help="write the real output")
    args = parser.parse_args(argv)
    if args.update:
        for path in update(args.root):
            print(f"updated {path}", file=sys.stderr)
        return 0
    found = stale(args.root)
    for line in found:
        print(f"stale: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
