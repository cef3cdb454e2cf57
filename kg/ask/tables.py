"""Result tables and their four renderings: an aligned text table, CSV, JSON and Markdown.

A cell is empty (``None``), a literal value (text, integer, number or boolean), a
:class:`Resource` (IRI and the label to show), or a tuple of resources (a list cell). Every
rendering is deterministic: the same table gives the same bytes.

* ``table``: labels, list items joined with ", ", long text wrapped;
* ``csv``: labels, and for every column that can hold resources a ``<column>_iri`` column
  beside it (list IRIs separated by spaces, labels by "; "); the columns depend on the query,
  not on the rows;
* ``json``: a list of objects keyed by column; a resource is ``{"label": ..., "iri": ...}``,
  a list cell a list of those, a literal its plain JSON value, an empty cell ``null``;
* ``md``: a GitHub Markdown table of labels.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import printable


@dataclass(frozen=True, order=True)
class Resource:
    """A resource in a result: shown by ``label``, identified by ``iri``."""

    label: str
    iri: str


Cell = None | str | int | float | bool | Resource | tuple[Resource, ...]


@dataclass(frozen=True)
class Table:
    """Rows of cells under named columns. ``resource_columns`` names the columns that can hold
    resources (they get an ``_iri`` column in CSV); when None, the rows decide."""

    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    resource_columns: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Cell]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


def text(cell: Cell, separator: str = ", ") -> str:
    """What a person reads in a cell."""
    if cell is None:
        return ""
    if isinstance(cell, Resource):
        return cell.label
    if isinstance(cell, tuple):
        return separator.join(item.label for item in cell)
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def _holds_resources(table: Table, index: int) -> bool:
    if table.resource_columns is not None:
        return table.columns[index] in table.resource_columns
    return any(isinstance(row[index], Resource | tuple) for row in table.rows)


WRAP = 60


def to_text(table: Table) -> str:
    if not table.rows:
        return "(no rows)\n"
    cells = [
        [textwrap.wrap(printable(text(c)), WRAP, break_on_hyphens=False) or [""] for c in row]
        for row in table.rows
    ]
    widths = [
        max([len(name)] + [max(len(line) for line in row[i]) for row in cells])
        for i, name in enumerate(table.columns)
    ]

    def line(parts: Sequence[str]) -> str:
        return "  ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip()

    out = [line(table.columns), line(["-" * w for w in widths])]
    for row in cells:
        height = max(len(c) for c in row)
        for k in range(height):
            out.append(line([c[k] if k < len(c) else "" for c in row]))
    return "\n".join(out) + "\n"


def to_csv(table: Table) -> str:
    with_iri = [_holds_resources(table, i) for i in range(len(table.columns))]
    header: list[str] = []
    for name, extra in zip(table.columns, with_iri, strict=True):
        header += [name, f"{name}_iri"] if extra else [name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in table.rows:
        out: list[str] = []
        for cell, extra in zip(row, with_iri, strict=True):
            out.append(text(cell, "; "))
            if extra:
                out.append(_iris(cell))
        writer.writerow(out)
    return buffer.getvalue()


def _iris(cell: Cell) -> str:
    if isinstance(cell, Resource):
        return cell.iri
    if isinstance(cell, tuple):
        return " ".join(item.iri for item in cell)
    return ""


def _json_value(cell: Cell) -> Any:
    if isinstance(cell, Resource):
        return {"label": cell.label, "iri": cell.iri}
    if isinstance(cell, tuple):
        return [{"label": item.label, "iri": item.iri} for item in cell]
    return cell


def to_json(table: Table) -> str:
    rows = [
        {name: _json_value(cell) for name, cell in zip(table.columns, row, strict=True)}
        for row in table.rows
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _md(value: str) -> str:
    return " ".join(printable(value).replace("\\", "\\\\").replace("|", "\\|").split())


def to_markdown(table: Table) -> str:
    out = [
        "| " + " | ".join(_md(c) for c in table.columns) + " |",
        "|" + "|".join(" --- " for _ in table.columns) + "|",
    ]
    out += ["| " + " | ".join(_md(text(c)) for c in row) + " |" for row in table.rows]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Table], str]] = {
    "table": to_text,
    "csv": to_csv,
    "json": to_json,
    "md": to_markdown,
}


def render(table: Table, fmt: str) -> str:
    """``table`` in one of :data:`RENDERERS`' formats."""
    return RENDERERS[fmt](table)
