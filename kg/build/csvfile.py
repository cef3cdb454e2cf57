"""Reading the reference CSV files: every problem is one line naming file, line and column.

The files in ``data/reference/inputs/`` are copies of public data (see its README). A file
that is missing, not UTF-8, lacks a column, or holds a value of the wrong form stops
``kg reference`` (exit 2) before anything is written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from kg.errors import KgError, shown

#: A row of a CSV file: its line number in the file and its values by column name.
Row = tuple[int, dict[str, str]]

_WHOLE = re.compile(r"[0-9]+")


def read_rows(
    path: Path,
    columns: Iterable[str],
    *,
    required: Iterable[str] | None = None,
    patterns: Mapping[str, re.Pattern[str]] | None = None,
) -> list[Row]:
    """The rows of ``path``, after checking that every column in ``columns`` is in the
    header, that every column in ``required`` (default: all of ``columns``) has a value on
    every row, and that values match ``patterns`` where a pattern is given."""
    columns = tuple(columns)
    required = columns if required is None else tuple(required)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise KgError(f"missing column(s) {', '.join(missing)}", file=path, line=1)
            rows = [(i, row) for i, row in enumerate(reader, start=2)]
    except FileNotFoundError as exc:
        where = "folder" if not path.parent.is_dir() else "file"
        raise KgError(
            f"reference {where} not found; restore data/reference/inputs/ from git, or name "
            "the folder that holds the reference files with --reference-dir",
            file=path.parent if where == "folder" else path,
        ) from exc
    except OSError as exc:
        raise KgError(
            f"cannot read: {exc.strerror or exc}; restore it from git (data/reference/inputs/) "
            "or name another folder with --reference-dir",
            file=path,
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise KgError(f"not a UTF-8 CSV file: {exc}", file=path) from exc
    for line, row in rows:
        if None in row:  # more values than the header has columns
            raise KgError(f"more values than the {len(columns)} columns", file=path, line=line)
        for column in required:
            if not (row.get(column) or "").strip():
                raise KgError(f"column {column}: empty", file=path, line=line)
        for column, pattern in (patterns or {}).items():
            value = row.get(column) or ""
            if value and not pattern.fullmatch(value):
                raise KgError(
                    f"column {column}: {shown(value)} is not a valid code", file=path, line=line
                )
    return rows


def whole_euros(path: Path, line: int, row: Mapping[str, str], column: str) -> int:
    """The value of ``column`` as a whole, non-negative number of euros."""
    value = row[column].strip()
    if not _WHOLE.fullmatch(value):
        raise KgError(
            f"column {column}: {shown(value)} is not a whole number of euros", file=path, line=line
        )
    return int(value)


def turtle_string(text: str) -> str:
    """A Turtle string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def euros(amount: int) -> str:
    """``1234567`` -> ``"1.234.567"``, as Dutch texts write amounts."""
    return f"{amount:,}".replace(",", ".")
