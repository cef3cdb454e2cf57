"""The one family of errors kg raises for problems a user can fix.

Every error renders as a single line that names what is wrong and where (file and line,
parameter, endpoint). The CLI maps :class:`KgError` to exit code 2 and
:class:`ValidationFailed` to exit code 1; anything else is a bug, which the CLI also reports
in one line (exit 2) unless ``KG_DEBUG`` asks for the traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Characters a terminal acts on rather than shows: C0 and C1 controls (an escape sequence
#: can recolour, retitle or rewrite the screen), and the bidirectional marks, embeddings,
#: overrides and isolates (which reorder what is shown).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")  # keeps tab and line feed
_UNSAFE_IN_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")


def printable(text: str, *, layout: bool = True) -> str:
    """``text`` for a terminal: each unsafe character written as ``\\uXXXX``. With ``layout``
    (tables that wrap text themselves), tab and line feed are left as they are; without it
    (a one-line message, a finding), they are escaped too, so a value cannot start a line
    of its own."""
    unsafe = _UNSAFE if layout else _UNSAFE_IN_LINE
    return unsafe.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a one-line message, cut to ``limit`` characters: a value pasted
    by mistake (a whole file, 10,000 characters) must not flood the terminal."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value):,} characters)"


class KgError(Exception):
    """A problem with the user's input or environment (exit code 2)."""

    exit_code = 2

    def __init__(
        self, message: str, *, file: str | Path | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        # One line, always: parser messages sometimes carry newlines; and nothing a terminal
        # would act on (a name from the data may hold an escape sequence).
        return printable(where + " ".join(self.message.split()), layout=False)


class UsageError(KgError):
    """A bad option or parameter value."""


class DataSyntaxError(KgError):
    """A data or ontology file that does not parse (names file and line)."""


class BuildNotFoundError(KgError):
    """A command needs a built graph and there is none."""
