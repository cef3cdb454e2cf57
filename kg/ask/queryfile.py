"""Query files: valid SPARQL that starts with a ``#+`` YAML header (title, description, tags
and typed parameters, see :mod:`kg.ask.queries`), read and checked when they load; an unusable
file is an error naming the file and line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
import yaml
from rdflib import XSD
from rdflib.term import Node

from kg.ask.resolve import as_iri
from kg.errors import KgError, UsageError, shown
from kg.sparql.lexer import blank_opaque, tokens

PARAM_TYPES: dict[str, str] = {
    "iri": "a label, CURIE or IRI of a resource",
    "string": "any text",
    "municipality": "a municipality's name, CBS code (GM0166) or IRI",
    "concept": "a Dutch or English label of a concept, or its IRI",
    "date": "a date as YYYY-MM-DD",
    "integer": "a whole number",
}
HEADER_KEYS = ("title", "description", "tags", "params")
PARAM_KEYS = ("type", "required", "default", "description", "example", "class", "scheme")


class QueryFileError(KgError):
    """A query file that cannot be used: bad header, parameters or SPARQL."""


class ParameterError(UsageError):
    """A parameter value that is missing, unknown, of the wrong type or names nothing."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    description: str
    default: str | None = None
    example: str | None = None
    classes: tuple[str, ...] = ()  # for type iri: the value must be an instance of one of these
    scheme: str | None = None  # for type concept: the value must be in this concept scheme


@dataclass(frozen=True)
class Query:
    name: str
    path: Path | None
    title: str
    description: str
    sparql: str
    tags: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)
    columns: tuple[str, ...] = ()  # the SELECT projection, parameters included
    list_columns: frozenset[str] = frozenset()  # GROUP_CONCAT columns: lists of resources
    literal_columns: frozenset[str] = frozenset()  # computed text or numbers, never resources

    def example_values(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params.values() if p.example is not None}


# --- reading a query file ----------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML without silently dropped duplicate keys."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_query(path: str | Path) -> Query:
    """Read and check one query file (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise QueryFileError("not UTF-8 text", file=path) from None
    except OSError as exc:
        raise QueryFileError(
            f"cannot read the query file: {exc.strerror or exc}", file=path
        ) from None
    return parse_query(text, name=path.stem, path=path)


def parse_query(text: str, *, name: str, path: Path | None = None) -> Query:
    """Check and describe the query ``text`` (``path`` is only for messages)."""
    where = path if path is not None else name

    def fail(message: str, line: int | None = None) -> QueryFileError:
        return QueryFileError(message, file=where, line=line)

    lines = text.splitlines()
    header_lines = 0
    while header_lines < len(lines) and lines[header_lines].startswith("#+"):
        header_lines += 1
    for number, line in enumerate(lines[header_lines:], start=header_lines + 1):
        if line.startswith("#+"):
            raise fail("'#+' header lines must come first, before any other line", number)
    header = _read_header(lines[:header_lines], fail)
    params = _read_params(header.get("params"), fail)
    _check_form_of_query(text, fail)
    columns = _check_sparql(text, fail)
    _check_variables(text, params, columns, fail)
    lists, literals = _expression_columns(text)
    tags = header.get("tags") or []
    return Query(
        name=name,
        path=path,
        title=header.get("title", name),
        description=" ".join(str(header.get("description", "")).split()),
        sparql=text,
        tags=tuple(str(t) for t in tags),
        params=params,
        columns=columns,
        list_columns=frozenset(lists),
        literal_columns=frozenset(literals),
    )


def _read_header(lines: list[str], fail: Any) -> dict[str, Any]:
    if not lines:
        return {}
    source = "\n".join(line[2:] for line in lines)
    try:
        header = yaml.load(source, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise fail(
            f"header is not valid YAML: {problem}", mark.line + 1 if mark else None
        ) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a date 2025-02-30
        raise fail(f"header is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise fail("the '#+' header must be a YAML mapping (title: ..., description: ...)", 1)
    unknown = sorted(set(map(str, header)) - set(HEADER_KEYS))
    if unknown:
        raise fail(
            f"unknown header key {unknown[0]!r}{_did_you_mean(unknown[0], HEADER_KEYS)}; "
            f"allowed: {', '.join(HEADER_KEYS)}"
        )
    for key in ("title", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise fail(f"the header needs a {key} (text)")
    tags = header.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("tags must be a list of words, e.g. tags: [gemeente, programma]")
    return header


def _read_params(raw: Any, fail: Any) -> dict[str, Param]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("params must be a mapping from parameter name to its description")
    params: dict[str, Param] = {}
    for name, spec in raw.items():
        param = _read_param(str(name), spec, fail)
        params[param.name] = param
    return params


def _read_param(name: str, spec: Any, fail: Any) -> Param:
    """One parameter's declaration, checked key by key."""
    if not _NAME.fullmatch(name):
        raise fail(f"parameter name {name!r} is not a SPARQL variable name (letters, digits, _)")
    if not isinstance(spec, dict):
        raise fail(f"parameter {name!r} must be a mapping (type, required, description, ...)")
    unknown = sorted(set(map(str, spec)) - set(PARAM_KEYS))
    if unknown:
        raise fail(
            f"parameter {name!r}: unknown key {unknown[0]!r}"
            f"{_did_you_mean(unknown[0], PARAM_KEYS)}; allowed: {', '.join(PARAM_KEYS)}"
        )
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in PARAM_TYPES:
        allowed = ", ".join(PARAM_TYPES)
        raise fail(f"parameter {name!r}: type must be one of {allowed}, not {kind!r}")
    required = spec.get("required")
    if not isinstance(required, bool):
        raise fail(f"parameter {name!r}: required must be true or false")
    description = spec.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail(f"parameter {name!r}: needs a description")
    default, example = _read_values(name, kind, required, spec, fail)
    classes, scheme = _read_restrictions(name, kind, spec, fail)
    return Param(
        name=name,
        type=kind,
        required=required,
        description=" ".join(description.split()),
        default=default,
        example=example,
        classes=classes,
        scheme=scheme,
    )


def _read_values(
    name: str, kind: str, required: bool, spec: dict[str, Any], fail: Any
) -> tuple[str | None, str | None]:
    """A parameter's default and example, each of its type."""
    default = _scalar(spec.get("default"))
    if required and default is not None:
        raise fail(f"parameter {name!r}: a required parameter cannot have a default")
    example = _scalar(spec.get("example"))
    for key, value in (("default", default), ("example", example)):
        if value is not None:
            try:
                check_form(kind, value)
            except ParameterError as exc:
                raise fail(f"parameter {name!r}: {key} {value!r}: {exc.message}") from None
    return default, example


def _read_restrictions(
    name: str, kind: str, spec: dict[str, Any], fail: Any
) -> tuple[tuple[str, ...], str | None]:
    """The classes an iri parameter's value must have, the scheme of a concept's."""
    raw_class = spec.get("class") or []
    classes: list[str] = []
    for value in raw_class if isinstance(raw_class, list) else [raw_class]:
        iri = _iri_key({"class": value}, "class", name, fail)
        assert iri is not None
        classes.append(iri)
    scheme = _iri_key(spec, "scheme", name, fail)
    if classes and kind != "iri":
        raise fail(f"parameter {name!r}: 'class' applies to type iri only")
    if scheme is not None and kind != "concept":
        raise fail(f"parameter {name!r}: 'scheme' applies to type concept only")
    return tuple(classes), scheme


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):  # YAML reads 2020-01-31 as a date
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _iri_key(spec: dict[str, Any], key: str, name: str, fail: Any) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    iri = as_iri(str(value))
    if iri is None:
        raise fail(f"parameter {name!r}: {key} must be a CURIE or IRI, not {value!r}")
    return iri


_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w-]*:|BASE)\s+)*"  # the prologue, its IRIs blanked
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


def _check_form_of_query(text: str, fail: Any) -> None:
    match = _UPDATE.match(blank_opaque(text).replace("\n", " "))
    if match:
        raise fail(f"kg runs SELECT queries; this is a SPARQL update ({match.group(1).upper()})")


# Functions whose result is never a resource (a projected expression starting with one of
# these gives a text or number column).
_LITERAL_FUNCTIONS = {
    "COUNT", "SUM", "AVG", "MIN", "MAX", "STR", "CONCAT", "STRLEN", "SUBSTR", "LCASE", "UCASE",
    "YEAR", "MONTH", "DAY", "LANG", "DATATYPE", "REPLACE", "STRBEFORE", "STRAFTER",
}  # fmt: skip


def _expression_columns(text: str) -> tuple[set[str], set[str]]:
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


def _check_sparql(text: str, fail: Any) -> tuple[str, ...]:
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


def _check_variables(
    text: str, params: dict[str, Param], columns: tuple[str, ...], fail: Any
) -> None:
    used: dict[str, int] = {}
    for token in tokens(text):
        if token.kind == "variable" and token.text[0] == "$":
            used.setdefault(token.text[1:], text.count("\n", 0, token.start) + 1)
    for name, line in used.items():
        if name not in params:
            raise fail(
                f"${name} is used but not declared under params{_did_you_mean(name, params)}", line
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


def _did_you_mean(name: str, options: Any) -> str:
    near = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def load_queries(folder: str | Path) -> dict[str, Query]:
    """Every ``*.rq`` file in ``folder`` by name, in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KgError("queries folder not found (use --root or --queries-dir)", file=folder)
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


def find_query(folder: str | Path, name: str) -> Query:
    """A canned query by name, or a query file by path (anything ending in ``.rq`` or
    holding a ``/``)."""
    if name.endswith(".rq") or "/" in name or "\\" in name:
        path = Path(name)
        if not path.is_file():
            raise UsageError("no such query file", file=path)
        return load_query(path)
    if not Path(folder).is_dir():
        raise KgError("queries folder not found (use --root or --queries-dir)", file=folder)
    path = Path(folder) / f"{name}.rq"
    if path.is_file():
        return load_query(path)
    names = sorted(p.stem for p in Path(folder).glob("*.rq")) if Path(folder).is_dir() else []
    raise UsageError(
        f"no query named {name!r}{_did_you_mean(name, names)}; 'kg query list' shows them all"
    )


def check_form(kind: str, value: str) -> Node | None:
    """The literal for a date, integer or string value; None for types resolved in the store."""
    if kind == "integer":
        # ASCII digits only (\d would take any script's digits), and few enough for int().
        if not re.fullmatch(r"[+-]?[0-9]{1,4000}", value.strip()):
            raise ParameterError(f"expected a whole number, got {shown(value)}")
        return rdflib.Literal(int(value), datatype=XSD.integer)
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ParameterError(f"expected a date as YYYY-MM-DD, got {shown(value)}") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            raise ParameterError(f"expected a date as YYYY-MM-DD, got {shown(value)}")
        return rdflib.Literal(day.isoformat(), datatype=XSD.date)
    if kind == "string":
        return rdflib.Literal(value)
    return None
