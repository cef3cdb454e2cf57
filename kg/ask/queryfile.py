"""Query files: read one, check it, and describe it as a :class:`Query`; an unusable file is
an error naming the file and, where it can, the line. (:mod:`kg.ask.queries` binds and runs
them; :mod:`kg.ask.grlc` reads grlc's part of the header, :mod:`kg.ask.querycheck` checks the
SPARQL.)

A query file (``*.rq``, or ``*.sparql`` as grlc reads them) is valid SPARQL that starts with a
``#+`` YAML header, the decorators of grlc (https://github.com/CLARIAH/grlc, which turns such
files into a web API)::

    #+ title: Programma's in een gemeente
    #+ description: Programma's en interventies die in een gemeente lopen.
    #+ tags: [gemeente, programma]
    #+ params:
    #+   municipality:
    #+     type: municipality
    #+     required: true
    #+     description: gemeente (naam, CBS-code of IRI)
    #+     example: Kampen
    SELECT ?programme $municipality WHERE { ... $municipality ... }

Header keys: kg's ``title`` and ``params`` (typed parameters), and grlc's, as grlc reads them:
``summary`` (the title when there is no ``title``, else the description when there is no
``description``; a header needs a title or a summary), ``description``, ``tags``, ``defaults``
(``- name: value``: the value a parameter takes when left out, which makes it optional),
``enumerate`` (``- name: [values]``: the only values a parameter takes, its pick list; a bare
``- name``, which grlc fills from its endpoint, is kept but fills no list in kg), and
``endpoint``, ``endpoint-method``, ``method``, ``pagination``, ``endpoint_in_url``,
``transform`` and ``mime``: how grlc serves the query, kept as written in :attr:`Query.grlc`
but neither checked nor acted on (kg queries its own graph or ``--store``, returns every row,
and shapes JSON itself). Any other key is an error.

A parameter is written ``$name``, kg's way: declared under ``params`` and listed in the SELECT
clause, so the query also runs with an engine's own binding (pyoxigraph substitutions bind
only projected variables); grlc does not see it. Or ``?_name`` / ``?__name`` (required /
optional), BASIL's way, which grlc reads, typed by a suffix (:mod:`kg.ask.grlc`); it stands only
where a term may, and a declaration under ``params`` is optional: it may add a description,
an example, a class or scheme, or a narrower type (``municipality`` or ``concept`` for
``_iri``), and must agree with the variable's type and underscores.

The loader refuses unknown header keys, parameters that are declared but unused or used but
undeclared, ``$`` parameters missing from the SELECT clause, a variable grlc would read only
in part or two variables for one parameter, defaults, examples and enumerations of the wrong
shape, type or parameter, and SPARQL that does not parse or is not a SELECT query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
import yaml
from rdflib import XSD
from rdflib.term import Node

from kg.ask import grlc
from kg.ask.grlc import GRLC_KEYS, Basil
from kg.ask.querycheck import (
    check_form_of_query,
    check_sparql,
    check_variables,
    did_you_mean,
    expression_columns,
)
from kg.ask.resolve import as_iri
from kg.errors import KgError, UsageError, shown
from kg.sparql.lexer import tokens

#: Parameter types and what a value of each looks like.
PARAM_TYPES: dict[str, str] = {
    "iri": "a label, CURIE or IRI of a resource",
    "string": "any text",
    "municipality": "a municipality's name, CBS code (GM0166) or IRI",
    "concept": "a Dutch or English label of a concept, or its IRI",
    "date": "a date as YYYY-MM-DD",
    "integer": "a whole number",
    "number": "a number: 12, -1.5 or 1e3",  # BASIL's _number
}
HEADER_KEYS = ("title", "params", *GRLC_KEYS)
PARAM_KEYS = ("type", "required", "default", "description", "example", "class", "scheme")
#: The extensions of query files, as grlc reads them from a folder.
QUERY_SUFFIXES = (".rq", ".sparql")


class QueryFileError(KgError):
    """A query file that cannot be used: bad header, parameters or SPARQL."""


class ParameterError(UsageError):
    """A parameter value that is missing, unknown, of the wrong type or names nothing."""


@dataclass(frozen=True)
class Param:
    """A parameter: kg's ``$name`` or a BASIL variable ``?_name_suffix``."""

    name: str
    type: str
    required: bool
    description: str
    default: str | None = None
    example: str | None = None
    classes: tuple[str, ...] = ()  # for type iri: the value must be an instance of one of these
    scheme: str | None = None  # for type concept: the value must be in this concept scheme
    variable: str = ""  # the SPARQL variable that takes the value (the name for $name)
    choices: tuple[str, ...] = ()  # grlc's enumerate: the only values it takes
    lang: str | None = None  # BASIL ?_name_en: the value is a literal in this language
    datatype: str | None = None  # BASIL ?_name_prefix_type: a literal of this datatype (IRI)

    def __post_init__(self) -> None:
        if not self.variable:
            object.__setattr__(self, "variable", self.name)


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
    summary: str | None = None  # grlc's summary
    grlc: dict[str, Any] = field(default_factory=dict)  # every grlc key of the header, as written

    def example_values(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params.values() if p.example is not None}


def grlc_parameters(query: Query) -> dict[str, dict[str, Any]]:
    """The parameters grlc reads in ``query``, by name, as its gquery.get_parameters gives
    them (see :func:`kg.ask.grlc.grlc_reading`); kg's ``$name`` parameters are not among them:
    grlc does not see them."""
    found = {}
    for param in query.params.values():
        reading = grlc.grlc_reading(param.variable, param.name, query.grlc)
        if reading is not None:
            found[param.name] = reading
    return found


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
    defaults = grlc.read_defaults(header, fail)
    choices = grlc.read_enumerate(header, fail)
    check_form_of_query(text, fail)
    columns = check_sparql(text, fail)
    basil = grlc.basil_variables(text, fail)
    params = _read_params(header.get("params"), basil, defaults, choices, text, fail)
    for key, given in (("defaults", defaults), ("enumerate", choices)):
        for unknown in (n for n in given if n not in params):
            known = ", ".join(params) or "none"
            raise fail(
                f"{key}: the query has no parameter {unknown!r}"
                f"{did_you_mean(unknown, params)}; its parameters: {known}"
            )
    dollar = {n: p for n, p in params.items() if n not in basil}
    for token in tokens(text):
        if token.kind == "variable" and token.text[0] == "$" and token.text[1:] in basil:
            raise fail(
                f"parameter {token.text[1:]!r} is written both {token.text} and "
                f"?{basil[token.text[1:]][0]}",
                text.count("\n", 0, token.start) + 1,
            )
    check_variables(text, dollar, columns, fail)
    lists, literals = expression_columns(text)
    title, summary, description = _titles(header, name)
    return Query(
        name=name,
        path=path,
        title=title,
        description=description,
        sparql=text,
        tags=tuple(str(t) for t in header.get("tags") or []),
        params=params,
        columns=columns,
        list_columns=frozenset(lists),
        literal_columns=frozenset(literals),
        summary=summary,
        grlc={k: v for k, v in header.items() if k in GRLC_KEYS},
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
            f"unknown header key {unknown[0]!r}{did_you_mean(unknown[0], HEADER_KEYS)}; "
            f"allowed: {', '.join(HEADER_KEYS)}"
        )
    for key in ("title", "summary", "description"):
        if key in header and (not isinstance(header[key], str) or not header[key].strip()):
            raise fail(f"the header's {key} must be text")
    if "title" not in header and "summary" not in header:
        raise fail("the header needs a title (text), or grlc's summary")
    if "description" not in header and "summary" not in header:
        raise fail("the header needs a description (text)")
    tags = header.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("tags must be a list of words, e.g. tags: [gemeente, programma]")
    return header


def _titles(header: dict[str, Any], name: str) -> tuple[str, str | None, str]:
    """Title, summary and description: grlc's summary stands in for a missing title, else
    for a missing description."""
    summary = " ".join(header["summary"].split()) if "summary" in header else None
    description = " ".join(str(header.get("description", "")).split())
    title = header.get("title")
    if title is None:
        title = summary or name
    elif not description and summary:
        description = summary
    return title, summary, description


def _read_params(
    raw: Any,
    basil: dict[str, Basil],
    defaults: dict[str, str],
    choices: dict[str, tuple[str, ...]],
    text: str,
    fail: Any,
) -> dict[str, Param]:
    """The declared parameters, then the BASIL variables not declared, in order of use."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise fail("params must be a mapping from parameter name to its description")
    prefixes = grlc.prefixes(text) if basil else {}
    params: dict[str, Param] = {}
    for key, spec in raw.items():
        name = str(key)
        if not isinstance(spec, dict):
            _read_param(name, spec, fail)  # raises the usual message
        params[name] = _declared(name, spec, basil.get(name), defaults, prefixes, fail)
    for name, (variable, line, reading) in basil.items():
        if name not in params:
            kind, extra = grlc.basil_kind(reading, prefixes, fail, line)
            default = defaults.get(name)
            if default is not None:
                _check_value(name, kind, "default", default, fail)
            params[name] = Param(
                name=name,
                type=kind,
                required=reading["required"] and default is None,
                description=grlc.basil_description(reading, kind, PARAM_TYPES[kind]),
                default=default,
                variable=variable,
                **extra,
            )
    return {name: _with_choices(p, choices.get(name), fail) for name, p in params.items()}


def _declared(
    name: str,
    spec: dict[str, Any],
    basil: Basil | None,
    defaults: dict[str, str],
    prefixes: dict[str, str],
    fail: Any,
) -> Param:
    """A parameter declared under ``params``: kg's ``$name``, or a BASIL variable that the
    declaration describes (its type and ``required`` then follow from the variable)."""
    spec = dict(spec)
    if name in defaults:
        if spec.get("default") is not None:
            raise fail(f"parameter {name!r} has a default both under params and under defaults")
        spec["default"] = defaults[name]
    kind, extra = "", dict[str, Any]()
    if basil is not None:
        kind, extra = grlc.basil_kind(basil[2], prefixes, fail, basil[1])
        spec.setdefault("type", kind)
        spec.setdefault("required", basil[2]["required"] and spec.get("default") is None)
    declared = spec.get("type")
    if not isinstance(declared, str) or declared not in PARAM_TYPES:
        allowed = ", ".join(PARAM_TYPES)
        raise fail(f"parameter {name!r}: type must be one of {allowed}, not {declared!r}")
    param = dataclasses.replace(_read_param(name, spec, fail), **extra)
    if basil is None:
        return param
    variable, _, reading = basil
    original = reading["original"]
    if declared != kind and not (kind == "iri" and declared in ("municipality", "concept")):
        raise fail(
            f"parameter {name!r} is declared type {declared}, but grlc passes {original} as "
            f"{'an iri' if kind == 'iri' else 'a ' + kind}"
        )
    if param.required and not reading["required"]:
        raise fail(
            f"parameter {name!r} is required: true, but grlc reads {original} (two "
            f"underscores) as optional; write ?_{variable.lstrip('_')}"
        )
    if reading["required"] and not param.required and param.default is None:
        raise fail(
            f"parameter {name!r} is required: false, but grlc reads {original} (one "
            f"underscore) as required; write ?__{variable.lstrip('_')} or give it a default"
        )
    return dataclasses.replace(param, variable=variable)


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
            f"{did_you_mean(unknown[0], PARAM_KEYS)}; allowed: {', '.join(PARAM_KEYS)}"
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
    default = grlc.scalar(spec.get("default"))
    if required and default is not None:
        raise fail(f"parameter {name!r}: a required parameter cannot have a default")
    example = grlc.scalar(spec.get("example"))
    for key, value in (("default", default), ("example", example)):
        if value is not None:
            _check_value(name, kind, key, value, fail)
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


def _iri_key(spec: dict[str, Any], key: str, name: str, fail: Any) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    iri = as_iri(str(value))
    if iri is None:
        raise fail(f"parameter {name!r}: {key} must be a CURIE or IRI, not {value!r}")
    return iri


def _with_choices(param: Param, choices: tuple[str, ...] | None, fail: Any) -> Param:
    """``param`` with the values grlc's ``enumerate`` gives it, each of its type; its default
    and example must be among them."""
    if not choices:
        return param
    for choice in choices:
        _check_value(param.name, param.type, "enumerate value", choice, fail)
    for key, value in (("default", param.default), ("example", param.example)):
        if value is not None and value not in choices:
            raise fail(
                f"parameter {param.name!r}: {key} {value!r} is not one of its enumerate values "
                f"({', '.join(choices)})"
            )
    return dataclasses.replace(param, choices=choices)


def _check_value(name: str, kind: str, key: str, value: str, fail: Any) -> None:
    """Refuse a default, example or enumerated ``value`` that is not of the type ``kind``."""
    try:
        check_form(kind, value)
    except ParameterError as exc:
        raise fail(f"parameter {name!r}: {key} {value!r}: {exc.message}") from None


def load_queries(folder: str | Path) -> dict[str, Query]:
    """Every query file (``*.rq`` and, as grlc reads them, ``*.sparql``) in ``folder`` by
    name, in file name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KgError("queries folder not found (use --root or --queries-dir)", file=folder)
    found: dict[str, Query] = {}
    for path in sorted(p for suffix in QUERY_SUFFIXES for p in folder.glob(f"*{suffix}")):
        if path.stem in found:
            raise KgError(f"two query files are named {path.stem!r}", file=path)
        found[path.stem] = load_query(path)
    return found


def find_query(folder: str | Path, name: str) -> Query:
    """A canned query by name, or a query file by path (anything ending in ``.rq`` or
    ``.sparql``, or holding a ``/``)."""
    if name.endswith(QUERY_SUFFIXES) or "/" in name or "\\" in name:
        path = Path(name)
        if not path.is_file():
            raise UsageError("no such query file", file=path)
        return load_query(path)
    if not Path(folder).is_dir():
        raise KgError("queries folder not found (use --root or --queries-dir)", file=folder)
    for suffix in QUERY_SUFFIXES:
        path = Path(folder) / f"{name}{suffix}"
        if path.is_file():
            return load_query(path)
    names = sorted({p.stem for s in QUERY_SUFFIXES for p in Path(folder).glob(f"*{s}")})
    raise UsageError(
        f"no query named {name!r}{did_you_mean(name, names)}; 'kg query list' shows them all"
    )


# --- the form of a value ---------------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")


def check_form(kind: str, value: str) -> Node | None:
    """The literal for a date, integer, number or string value; None for types resolved in
    the store. Raises :class:`ParameterError` for a value not of its type's form."""
    if kind == "integer":
        # ASCII digits only (\d would take any script's digits), and few enough for int().
        if not re.fullmatch(r"[+-]?[0-9]{1,4000}", value.strip()):
            raise ParameterError(f"expected a whole number, got {shown(value)}")
        return rdflib.Literal(int(value), datatype=XSD.integer)
    if kind == "number":  # what grlc writes for BASIL's _number: an integer, decimal or double
        text = value.strip()
        if len(text) <= 4000:
            if re.fullmatch(r"[+-]?[0-9]+", text):
                return rdflib.Literal(text, datatype=XSD.integer)
            if _DECIMAL.fullmatch(text):
                return rdflib.Literal(text, datatype=XSD.decimal)
            if _DOUBLE.fullmatch(text):
                return rdflib.Literal(text, datatype=XSD.double)
        raise ParameterError(f"expected a number such as 12, -1.5 or 1e3, got {shown(value)}")
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
