"""Where a query's variables may be written as terms: the places :func:`kg.store.with_terms`
fills when it binds parameters (read with kg's one SPARQL tokenizer)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.sparql.lexer import OPAQUE, tokens

#: Keywords that change where a variable may become a term.
_CLAUSES = {
    "WHERE": "where",
    "ASK": "where",
    "DESCRIBE": "where",
    "SELECT": "select",
    "GROUP": "modifier",
    "ORDER": "modifier",
    "HAVING": "modifier",
    "LIMIT": "modifier",
    "OFFSET": "modifier",
    "VALUES": "values",
    "AS": "as",
}
_PUNCT = {"{": "brace", "}": "close", "(": "paren", ")": "unparen"}


def _scan(sparql: str) -> Iterator[tuple[str | None, int, int, str]]:
    """The tokens that matter for binding, as (kind, start, end, text): comments, strings,
    IRIs and names hide nothing from the tokenizer."""
    items = [t for t in tokens(sparql) if t.kind not in OPAQUE]
    for i, token in enumerate(items):
        kind: str | None = None
        if token.kind == "variable":
            kind = "variable"
        elif token.kind == "punct":
            kind = _PUNCT.get(token.text)
        elif token.kind == "word":
            word = token.text.upper()
            kind = _CLAUSES.get(word)
            if word == "BOUND" and i + 1 < len(items) and items[i + 1].text == "(":
                kind = "as"
        yield kind, token.start, token.end, token.text


@dataclass
class _Reader:
    """The state of reading a query for :func:`term_places`.

    ``clause`` says where a variable must stay one: "projection" (SELECT ... up to its
    group), "modifier" (after a query's group), "values" and "data" (a VALUES header and its
    rows); in the first two only outside parentheses, where an expression would take the
    term."""

    group: int | None = None
    places: list[tuple[int, int, str]] = field(default_factory=list)
    depth: int = 0
    clause: str | None = None
    paren: int = 0
    groups: list[int] = field(default_factory=list)  # brace depth of each open WHERE group
    after_as: bool = False  # the variable after AS or BOUND( names itself, not a value

    def brace(self, end: int) -> None:
        self.depth += 1
        if self.clause == "values":
            self.clause = "data"
        elif self.clause == "projection":
            self.groups.append(self.depth)
            self.clause = None
            if self.group is None:
                self.group = end
                self.places.append((end, end, ""))

    def close(self) -> None:
        if self.clause == "data":
            self.clause = None
        elif self.groups and self.groups[-1] == self.depth:
            self.groups.pop()
            self.clause, self.paren = "modifier", 0
        elif self.clause == "modifier":
            self.clause = None  # the braces round a sub-select close: its modifiers end
        self.depth -= 1

    def variable(self, start: int, end: int, text: str) -> None:
        keep = (
            self.after_as
            or self.clause in ("values", "data")
            or (self.clause in ("projection", "modifier") and self.paren == 0)
        )
        if not keep:
            self.places.append((start, end, text[1:]))

    def read(self, kind: str | None, start: int, end: int, text: str) -> None:
        if kind == "select":
            self.clause, self.paren = "projection", 0
        elif kind == "where":
            self.clause = "projection"  # (ASK, DESCRIBE, CONSTRUCT WHERE: their group follows)
        elif kind == "modifier":
            self.clause, self.paren = "modifier", 0
        elif kind == "values":
            self.clause = "values"
        elif kind == "brace":
            self.brace(end)
        elif kind == "close":
            self.close()
        elif kind == "paren":
            self.paren += 1
        elif kind == "unparen":
            self.paren -= 1
        elif kind == "variable":
            self.variable(start, end, text)
        self.after_as = kind == "as" or (self.after_as and kind == "paren")  # BOUND ( ?x


@functools.lru_cache(maxsize=256)
def term_places(sparql: str) -> tuple[int | None, tuple[tuple[int, int, str], ...]]:
    """Where :func:`kg.store.with_terms` writes: the offset just inside the query's WHERE
    group (None if it has none), and each variable that may become a term, as (start, end,
    name), in order; the group's offset is among them as (offset, offset, ""). Canned
    queries are bound again and again, so each text is scanned once."""
    reader = _Reader()
    for kind, start, end, text in _scan(sparql):
        reader.read(kind, start, end, text)
    return reader.group, tuple(reader.places)
