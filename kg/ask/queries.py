"""Canned SPARQL queries: bind typed parameters, run a query, and describe queries (their
index and example command lines). Reading and checking query files is
:mod:`kg.ask.queryfile`, whose names are re-exported here.

Values are resolved by type (a municipality from its name, code or IRI; a concept from its
label; a number, date or BASIL literal by its form; ...) and bound as RDF terms, written by
pyoxigraph (escaped) where the query uses them (:func:`kg.store.with_terms`), never as raw
text. Results come back as a :class:`~kg.ask.tables.Table` with labels in the asked language;
parameter columns are left out (their value is the same in every row). A column made by
``GROUP_CONCAT`` (``(GROUP_CONCAT(DISTINCT COALESCE(STR(?x), ""); separator=" ") AS ?xs)``)
is a list of resources. Columns made by COUNT, STR, MIN and the like hold text or numbers;
every other column may hold resources. Both are decided from the query text, so the columns
of CSV and JSON output do not depend on the rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import rdflib
from rdflib import XSD
from rdflib.term import Node

from kg.ask.grlc import GRLC_KEYS, basil_parameter
from kg.ask.querycheck import did_you_mean
from kg.ask.queryfile import (
    HEADER_KEYS,
    PARAM_KEYS,
    PARAM_TYPES,
    Param,
    ParameterError,
    Query,
    QueryFileError,
    check_form,
    find_query,
    grlc_parameters,
    load_queries,
    load_query,
    parse_query,
)
from kg.ask.resolve import resolve_concept, resolve_municipality, resolve_resource
from kg.ask.tables import Cell, Resource, Table
from kg.errors import UsageError, shown
from kg.namespaces import curie
from kg.store import Plain, Store, check_language

__all__ = [
    "GRLC_KEYS",
    "HEADER_KEYS",
    "PARAM_KEYS",
    "PARAM_TYPES",
    "Param",
    "ParameterError",
    "Query",
    "QueryFileError",
    "basil_parameter",
    "bind_parameters",
    "check_form",
    "example_command",
    "find_query",
    "grlc_parameters",
    "load_queries",
    "load_query",
    "param_summary",
    "parse_query",
    "query_index",
    "run_query",
]


# --- parameters ------------------------------------------------------------------------------


def bind_parameters(store: Store, query: Query, values: Mapping[str, str]) -> dict[str, Node]:
    """Typed RDF terms for ``values`` (text as typed by a user), with defaults filled in, by
    parameter name.

    Raises :class:`ParameterError` for an unknown parameter name, a missing required one, a
    value that is not one of its enumerated values, or one that does not fit its type or
    names nothing in the graph.
    """
    for name in values:
        if name not in query.params:
            known = ", ".join(query.params) or "none"
            raise ParameterError(
                f"query {query.name!r} has no parameter {name!r}"
                f"{did_you_mean(name, query.params)}; its parameters: {known}"
            )
    bound: dict[str, Node] = {}
    for param in query.params.values():
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                hint = (
                    f" (e.g. -p {param.name} {_shell_quote(param.example)})"
                    if param.example
                    else ""
                )
                need = f"query {query.name!r} needs parameter {param.name!r}"
                raise ParameterError(f"{need}: {param.description}{hint}")
            continue
        choices = param.choices
        if choices and value not in choices:
            raise ParameterError(
                f"parameter {param.name!r}: {shown(value)} is not one of {', '.join(choices)}"
                f"{did_you_mean(value, choices)}"
            )
        try:
            bound[param.name] = _resolve(store, param, value)
        except UsageError as exc:
            raise ParameterError(f"parameter {param.name!r}: {exc.message}") from None
    return bound


def _resolve(store: Store, param: Param, value: str) -> Node:
    if param.lang is not None:
        return rdflib.Literal(value, lang=param.lang)
    if param.datatype is not None:
        return rdflib.Literal(value, datatype=rdflib.URIRef(param.datatype))
    literal = check_form(param.type, value)
    if literal is not None:
        return literal
    if param.type == "municipality":
        return resolve_municipality(store, value)
    if param.type == "concept":
        return resolve_concept(store, value, param.scheme)
    return resolve_resource(store, value, param.classes)


# --- running ---------------------------------------------------------------------------------

_IRI = re.compile(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]+", re.IGNORECASE)
_INTEGERS = {
    str(XSD[t])
    for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}
_NUMBERS = {str(XSD.double), str(XSD.float)}
_BOOLEAN = str(XSD.boolean)


def run_query(
    store: Store,
    query: Query,
    values: Mapping[str, str] | None = None,
    *,
    lang: str = "nl",
    limit: int | None = None,
) -> Table:
    """Run ``query`` with ``values`` bound and return the rows with labels in ``lang``."""
    check_language(lang)
    if limit is not None and limit < 0:
        raise UsageError("the limit must be 0 or more")
    bound = bind_parameters(store, query, values or {})
    bindings = {query.params[name].variable: term for name, term in bound.items()}
    variables, all_rows = store.select_plain(query.sparql, bindings)
    hidden = {p.variable for p in query.params.values()}
    keep = [i for i, v in enumerate(variables) if v not in hidden]
    rows = all_rows if limit is None else all_rows[:limit]
    raw = [[row[i] for i in keep] for row in rows]
    columns = tuple(variables[i] for i in keep)
    lists = [c in query.list_columns for c in columns]

    def items(i: int, term: Plain | None) -> list[str] | None:
        """The IRIs of a list column's cell; None for any other cell."""
        if lists[i] and term is not None and term.kind == "literal" and _all_iris(term.value):
            return term.value.split()
        return None

    split = [[items(i, term) for i, term in enumerate(row)] for row in raw]
    iris = {c.value for row in raw for c in row if c is not None and c.kind == "iri"}
    iris.update(iri for row in split for cell in row if cell for iri in cell)
    labels = store.labels(iris, lang)
    made: dict[str, Resource] = {}  # one per IRI: list columns repeat them row after row

    def resource(iri: str) -> Resource:
        found = made.get(iri)
        if found is None:
            label = labels.get(iri)
            found = made[iri] = Resource(curie(iri) if label is None else label, iri)
        return found

    table_rows: list[tuple[Cell, ...]] = []
    for row, split_row in zip(raw, split, strict=True):
        cells: list[Cell] = []
        for i, (term, list_iris) in enumerate(zip(row, split_row, strict=True)):
            if term is None:
                cells.append(() if lists[i] else None)
            elif list_iris is not None:
                cells.append(tuple(sorted({resource(iri) for iri in list_iris})))
            elif term.kind == "iri":
                cells.append(resource(term.value))
            else:
                cells.append(_literal(term))
        table_rows.append(tuple(cells))
    # Fixed by the query, not by the rows, so CSV columns are the same for every answer.
    resource_columns = frozenset(c for c in columns if c not in query.literal_columns)
    return Table(columns, table_rows, resource_columns)


def _all_iris(text: str) -> bool:
    """True for text made only of IRIs separated by spaces (a list column's value)."""
    return all(_IRI.fullmatch(token) for token in text.split())


def _literal(term: Plain) -> Cell:
    if term.kind != "literal":
        return term.value  # a blank node: shown as its id
    if term.datatype in _INTEGERS:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    if term.datatype in _NUMBERS:
        try:
            return float(term.value)
        except ValueError:
            return term.value
    if term.datatype == _BOOLEAN:
        return term.value in ("true", "1")
    return term.value


# --- describing queries ------------------------------------------------------------------------


def param_summary(param: Param) -> str:
    """``name*`` for a required parameter, ``name=default`` for one with a default."""
    if param.required:
        return f"{param.name}*"
    return f"{param.name}={param.default}" if param.default is not None else param.name


def query_index(queries: Mapping[str, Query]) -> Table:
    """One row per query: name, title and parameters."""
    rows: list[tuple[Cell, ...]] = [
        (q.name, q.title, " ".join(param_summary(p) for p in q.params.values()))
        for q in queries.values()
    ]
    return Table(("name", "title", "parameters"), rows)


def example_command(query: Query) -> str:
    """The ``kg query run`` command line that uses every example value."""
    parts = ["kg query run", query.name]
    for name, value in query.example_values().items():
        parts += ["-p", name, _shell_quote(value)]
    return " ".join(parts)


def _shell_quote(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_.:/@+-]+", value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"
