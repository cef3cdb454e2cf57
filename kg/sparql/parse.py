"""What a SPARQL request asks for, read by a real SPARQL parser (rdflib's, a full grammar of
SPARQL 1.1) rather than from its text: whether it is an update, whether it reaches out with
``SERVICE``, and whether it names its own dataset (``FROM``, ``FROM NAMED``).

kg serve decides on this before a visitor's query runs or is forwarded: a query the parser
cannot read is not proven free of ``SERVICE`` (see :func:`inspect`), and kg's own tokenizer
(:mod:`kg.sparql.lexer`) is asked as well, so both must agree that there is none.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from kg.sparql.lexer import has_keyword


@dataclass(frozen=True)
class Reading:
    """What the parser read in a request."""

    #: True if rdflib's parser read the whole text as a query (or an update).
    parsed: bool
    #: True if the text is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...).
    update: bool
    #: True if a ``SERVICE`` pattern is in it, by the parser or by kg's tokenizer.
    service: bool
    #: True if it states its own dataset (``FROM`` / ``FROM NAMED``).
    dataset: bool
    #: Why the parser did not read it ("" when it did).
    problem: str = ""


def inspect(text: str) -> Reading:
    """Read ``text`` with rdflib's SPARQL 1.1 parser, as a query, else as an update.

    ``service`` is True when the parse tree holds a ``ServiceGraphPattern`` *or* kg's
    tokenizer finds the ``SERVICE`` keyword: a text one of them misreads is still caught by
    the other. When neither grammar reads the text, ``parsed`` is False and the caller must
    not treat the query as free of ``SERVICE`` (the engine's parser may read it otherwise).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    by_tokens = has_keyword(text, "SERVICE")
    dataset = has_keyword(text, "FROM")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # pyparsing recurses per nesting and per term
    tree: Any
    try:
        try:
            tree = parseQuery(text)
        except ParseException as first:
            try:
                tree = parseUpdate(text)
            except ParseException:
                problem = " ".join(str(first).split())
                return Reading(False, _looks_like_update(text), by_tokens, dataset, problem)
            return Reading(True, True, by_tokens or _has(tree, "ServiceGraphPattern"), dataset)
        except RecursionError:
            return Reading(False, False, by_tokens, dataset, "the query is nested too deeply")
        names = _names(tree, set())
        return Reading(
            True,
            False,
            by_tokens or "ServiceGraphPattern" in names,
            dataset or "DatasetClause" in names,
        )
    except RecursionError:
        return Reading(False, False, by_tokens, dataset, "the query is nested too deeply")
    finally:
        sys.setrecursionlimit(limit)


_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


def _looks_like_update(text: str) -> bool:
    """For a text neither grammar reads: whether an update keyword is in it (as a token)."""
    return any(has_keyword(text, word) for word in _UPDATE_WORDS)


def _has(tree: Any, name: str) -> bool:
    return name in _names(tree, set())


def _names(tree: Any, into: set[str]) -> set[str]:
    """The names of every rule rdflib's parser recorded in ``tree`` (its ``CompValue``s)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            into.add(node.name)
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or hasattr(node, "as_list"):
            stack.extend(node)
    return into
