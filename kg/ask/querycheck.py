"""Checks of a query file's SPARQL (a SELECT that parses, its ``$`` parameters' use, the columns
its expressions make), and :func:`did_you_mean`, the near-miss hint of query-file messages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from typing import Any

from kg.sparql.lexer import blank_opaque, tokens

_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w-]*:|BASE)\s+)*"  # the prologue, its IRIs blanked
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


def check_form_of_query(text: str, fail: Any) -> None:
    """Refuse a SPARQL update: kg runs SELECT queries."""
    match = _UPDATE.match(blank_opaque(text).replace("\n", " "))
    if match:
        raise fail(f"kg runs SELECT queries; this is a SPARQL update ({match.group(1).upper()})")


# Functions whose result is never a resource (a projected expression starting with one of
# these gives a text or number column).
_LITERAL_FUNCTIONS = {
    "COUNT", "SUM", "AVG", "MIN", "MAX", "STR", "CONCAT", "STRLEN", "SUBSTR", "LCASE", "UCASE",
    "YEAR", "MONTH", "DAY", "LANG", "DATATYPE", "REPLACE", "STRBEFORE", "STRAFTER",
}  # fmt: skip


def expression_columns(text: str) -> tuple[set[str], set[str]]:
    """Columns made by ``(GROUP_CONCAT(...) AS ?x)`` (lists) and by literal-valued
    expressions such as ``(COUNT(...) AS ?n)`` or ``BIND(STR(...) AS ?d)``."""
    code = blank_opaque(text)
    lists: set[str] = set()
    literals: set[str] = set()
    for match in re.finditer(r"\(\s*(?:BIND\s*\(\s*)?([A-Za-z_]+)\s*\(", code):
        start = match.end() - 1
        depth = 0
        for end in range(start, len(code)):
            depth += {"(": 1, ")": -1}.get(code[end], 0)
            if depth == 0:
                break
        alias = re.match(r"\s*AS\s+[?$]([A-Za-z0-9_]+)\s*\)", code[end + 1 :], re.IGNORECASE)
        if not alias:
            continue
        function = match.group(1).upper()
        if function == "GROUP_CONCAT":
            lists.add(alias.group(1))
        elif function in _LITERAL_FUNCTIONS:
            literals.add(alias.group(1))
    return lists, literals


def check_sparql(text: str, fail: Any) -> tuple[str, ...]:
    """Parse ``text`` (by running it on an empty store) and return its SELECT projection."""
    from kg.store import select_projection

    try:
        columns = select_projection(text)
    except SyntaxError as exc:
        message = " ".join(str(exc).split())
        match = re.search(r"(?:line|at) (\d+)(?::|, column )", message)
        raise fail(f"not valid SPARQL: {message}", int(match.group(1)) if match else None) from None
    if columns is None:
        raise fail("kg runs SELECT queries; this is an ASK, CONSTRUCT or DESCRIBE query")
    return columns


def check_variables(
    text: str, params: Collection[str], columns: tuple[str, ...], fail: Any
) -> None:
    """Every ``$name`` in ``text`` is one of ``params``, used, in the SELECT clause (in
    ``columns``) and not where an engine's own binding would change the query's meaning."""
    used: dict[str, int] = {}
    for token in tokens(text):
        if token.kind == "variable" and token.text[0] == "$":
            used.setdefault(token.text[1:], text.count("\n", 0, token.start) + 1)
    for name, line in used.items():
        if name not in params:
            raise fail(
                f"${name} is used but not declared under params{did_you_mean(name, params)}", line
            )
    code = blank_opaque(text)
    for pattern, advice in _ENGINE_TRAPS:
        for match in re.finditer(pattern, code, re.IGNORECASE):
            if match.group(1) in params:
                raise fail(advice.format(p=match.group(1)), code.count("\n", 0, match.start()) + 1)
    for name in params:
        if name not in used:
            raise fail(f"parameter {name!r} is declared but the query never uses ${name}")
        if name not in columns:
            raise fail(
                f"parameter ${name} must be in the SELECT clause: an engine's own binding "
                "(pyoxigraph substitutions) binds only projected variables (kg leaves "
                "parameter columns out of the results)"
            )


# Constructs whose meaning depends on how a parameter is bound (kg writes terms in; an
# engine's own binding, such as pyoxigraph 0.5's substitutions, differs), with advice.
_ENGINE_TRAPS = (
    (
        r"\bBOUND\s*\(\s*[?$]([A-Za-z0-9_]+)\s*\)",
        "BOUND(${p}) depends on how the engine binds parameters (always false with "
        "pyoxigraph's substitutions, and inside a sub-select); to make a condition optional write "
        "FILTER(COALESCE(<condition on ${p}>, true))",
    ),
    (
        r"\bBIND\s*\(\s*[?$]([A-Za-z0-9_]+)\s+AS\b",
        "BIND(${p} AS ...) can leave the new variable unbound (with pyoxigraph's own "
        "substitutions); compute the value instead, e.g. BIND(IRI(STR(${p})) AS ...) or "
        "BIND(STR(${p}) AS ...)",
    ),
)


def did_you_mean(name: str, options: Any) -> str:
    """`` (did you mean 'x'?)`` naming the option nearest ``name``, or nothing; for messages."""
    near = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""
