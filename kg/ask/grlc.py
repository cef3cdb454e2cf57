"""grlc's side of a query file: its decorators (the ``#+`` header keys grlc reads, of which
kg acts on ``defaults`` and ``enumerate``) and its BASIL parameters (``?_name`` variables),
read as grlc reads them (its README and ``gquery.py``, https://github.com/CLARIAH/grlc) and
checked, so that grlc and kg read the same parameters. :mod:`kg.ask.queryfile` makes kg's
parameters from them.

grlc reads a variable ``?_name`` as a required parameter and ``?__name`` as an optional one;
the name is letters and digits, and one suffix may follow: ``_iri``, ``_number``,
``_literal``, ``_integer`` (a literal of type xsd:integer), ``_prefix_type`` (a literal of
that type, such as ``_xsd_date``) or a language (``_en``). grlc writes the value in place of
the variable, wherever the variable stands.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rdflib import XSD

from kg.errors import shown
from kg.sparql.binding import term_places
from kg.sparql.lexer import tokens

#: grlc's decorators (its README and gquery.py): the header keys kg shares with grlc.
GRLC_KEYS = (
    "summary",
    "description",
    "tags",
    "defaults",
    "enumerate",
    "endpoint",
    "endpoint-method",
    "method",
    "pagination",
    "endpoint_in_url",
    "transform",
    "mime",
)

#: How grlc reads a variable as a parameter (gquery.get_parameters): ``_`` for a required
#: one, ``__`` for an optional one, the name (letters and digits), then a type, a
#: prefix_datatype or a language. grlc matches it from the variable's start, not to its end.
_BASIL = re.compile(
    r"(?P<required>_{1,2})(?P<name>[a-zA-Z0-9]+)"
    r"(?:_(?P<type>iri|number|literal|integer))?"
    r"(?:_(?P<prefix>[a-zA-Z0-9]+)_(?P<local>[a-zA-Z0-9]+))?"
    r"(?:_(?P<lang>[a-zA-Z0-9]+))?"
)
SUFFIXES = "_iri, _number, _literal, _integer, _prefix_type (_xsd_date) or a language (_en)"


def basil_parameter(variable: str) -> dict[str, Any] | None:
    """The parameter grlc reads in the variable ``variable`` (its name, without ``?``), as
    grlc's gquery.get_parameters gives it (``original``, ``required``, ``name``, ``type`` and
    maybe ``format``, ``datatype``, ``lang``); None when grlc reads none there."""
    match = _BASIL.match(variable)
    if match is None:
        return None
    found: dict[str, Any] = {
        "original": "?" + match.group(0),
        "required": len(match["required"]) == 1,
        "name": match["name"],
    }
    kind = match["type"]
    if kind in ("number", "literal"):
        found["type"] = kind
    elif kind == "iri":
        found["type"], found["format"] = "string", "iri"
    else:
        found["type"] = "string"
        if kind == "integer":
            found["datatype"] = "xsd:integer"
        elif match["prefix"] and match["local"]:
            found["datatype"] = f"{match['prefix']}:{match['local']}"
    if match["lang"] is not None:
        found["lang"] = match["lang"]
    return found


def grlc_reading(variable: str, name: str, decorators: dict[str, Any]) -> dict[str, Any] | None:
    """:func:`basil_parameter` with the values the header's ``enumerate`` gives the parameter
    (sorted, as grlc sorts them) and its ``defaults`` value: the parameter as grlc offers it.
    (A bare ``enumerate`` name gets no ``enum`` here: grlc fetches those from its endpoint.)"""
    reading = basil_parameter(variable)
    if reading is None:
        return None
    for key, to in (("enumerate", "enum"), ("defaults", "default")):
        for item in decorators.get(key) or []:
            if isinstance(item, dict) and name in item:
                reading[to] = _sorted(item[name]) if to == "enum" else item[name]
                break
    return reading


def _sorted(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # numbers and words: grlc fails here; kg sorts them as text
        return sorted(values, key=str)


# --- the header --------------------------------------------------------------------------------


def read_defaults(header: dict[str, Any], fail: Any) -> dict[str, str]:
    """grlc's ``defaults``: ``- name: value`` items."""
    if "defaults" not in header:
        return {}
    raw = header["defaults"]
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise fail("defaults must be a list of '- name: value' items (grlc's form)")
    found: dict[str, str] = {}
    for item in raw:
        for key, value in item.items():
            name = str(key)
            if name in found:
                raise fail(f"defaults: {name!r} is given twice")
            text = scalar(value)
            if text is None or isinstance(value, (list, dict)):
                raise fail(f"defaults: the default of {name!r} must be one value")
            found[name] = text
    return found


def read_enumerate(header: dict[str, Any], fail: Any) -> dict[str, tuple[str, ...]]:
    """grlc's ``enumerate``: ``- name: [values]`` items, the values a parameter takes; a bare
    ``- name`` (grlc fetches those values from its endpoint) is kept in the header only."""
    if "enumerate" not in header:
        return {}
    raw = header["enumerate"]
    shape = "enumerate must be a list of '- name: [value, ...]' items or parameter names"
    if not isinstance(raw, list):
        raise fail(f"{shape} (grlc's form)")
    found: dict[str, tuple[str, ...]] = {}
    for item in raw:
        if isinstance(item, str):
            continue
        if not isinstance(item, dict):
            raise fail(f"{shape}, not {shown(str(item))}")
        for key, values in item.items():
            name = str(key)
            if not isinstance(values, list) or not values:
                raise fail(f"enumerate: the values of {name!r} must be a list, e.g. {name}: [a, b]")
            texts: dict[str, None] = {}  # in order, each once
            for value in values:
                text = None if isinstance(value, (list, dict)) else scalar(value)
                if text is None:
                    raise fail(f"enumerate: each value of {name!r} must be one value, not a list")
                if text in texts:
                    raise fail(f"enumerate: {name!r} lists {text!r} twice")
                texts[text] = None
            if name in found:
                raise fail(f"enumerate: {name!r} is given twice")
            found[name] = tuple(texts)
    return found


# --- BASIL variables ---------------------------------------------------------------------------

#: (variable, line of its first use, grlc's reading) of a BASIL parameter.
Basil = tuple[str, int, dict[str, Any]]


def basil_variables(text: str, fail: Any) -> dict[str, Basil]:
    """The query's BASIL parameters by name: ``?_`` variables as grlc reads them, each
    standing only where a term may (grlc writes the value in place of the variable)."""
    found: dict[str, Basil] = {}
    spots: list[tuple[int, str]] = []
    for token in tokens(text):
        if token.kind != "variable" or token.text[0] != "?" or token.text[1] != "_":
            continue
        variable = token.text[1:]
        line = text.count("\n", 0, token.start) + 1
        reading = basil_parameter(variable)
        if reading is None:
            continue
        if reading["original"] != token.text:
            raise fail(
                f"grlc reads only {reading['original']} of {token.text} as a parameter; a "
                f"parameter's name is letters and digits, then one of {SUFFIXES}",
                line,
            )
        _check_suffixes(variable, reading, fail, line)
        name = reading["name"]
        if name in found and found[name][0] != variable:
            raise fail(
                f"parameter {name!r} is written both ?{found[name][0]} and {token.text}", line
            )
        found.setdefault(name, (variable, line, reading))
        spots.append((token.start, variable))
    if spots:
        places = {start for start, _, place in term_places(text)[1] if place}
        for start, variable in spots:
            if start not in places:
                raise fail(
                    f"?{variable} stands where only a variable may (SELECT, GROUP BY, ORDER BY "
                    "key, VALUES, after AS, BOUND): grlc writes the parameter's value in its "
                    "place, which is not SPARQL there",
                    text.count("\n", 0, start) + 1,
                )
    return found


def _check_suffixes(variable: str, reading: dict[str, Any], fail: Any, line: int) -> None:
    """One suffix (a literal may also have a language), and a language that is one."""
    match = _BASIL.match(variable)
    assert match is not None
    given = [s for s in ("type", "prefix", "lang") if match[s]]
    if len(given) > 1 and not (given == ["type", "lang"] and match["type"] == "literal"):
        raise fail(
            f"{reading['original']} has more than one suffix, which grlc reads in part; write "
            f"one of {SUFFIXES}",
            line,
        )
    lang = reading.get("lang")
    if lang is not None and not re.fullmatch(r"[a-zA-Z]{2,3}", lang):
        raise fail(
            f"grlc reads {reading['original']} as a literal in the language {lang!r}; a "
            f"language is two or three letters; the suffixes: {SUFFIXES}",
            line,
        )


def basil_kind(
    reading: dict[str, Any], prefixes: dict[str, str], fail: Any, line: int
) -> tuple[str, dict[str, Any]]:
    """kg's type for grlc's reading of a BASIL variable, and the literal's language or
    datatype (an IRI, by the query's prefixes) where the suffix gives one."""
    if reading.get("format") == "iri":
        return "iri", {}
    if reading["type"] == "number":
        return "number", {}
    datatype = reading.get("datatype")
    if datatype is not None:
        prefix, local = datatype.split(":", 1)
        base: str | None = prefixes.get(prefix, str(XSD) if prefix == "xsd" else None)
        if base is None:
            raise fail(
                f"grlc writes the value of {reading['original']} as a literal of type "
                f"{datatype}, but the query declares no PREFIX {prefix}:",
                line,
            )
        iri = base + local
        if iri in (str(XSD.integer), str(XSD.date)):
            return ("integer" if iri == str(XSD.integer) else "date"), {}
        return "string", {"datatype": iri}
    if "lang" in reading:
        return "string", {"lang": reading["lang"]}
    return "string", {}


def basil_description(reading: dict[str, Any], kind: str, what: str) -> str:
    """The description of an undeclared BASIL parameter of kg's type ``kind`` (``what``
    says what a value of it looks like)."""
    if "lang" in reading and kind == "string":
        what += f", as a literal in language {reading['lang']}"
    elif "datatype" in reading and kind == "string":
        what += f", as a literal of type {reading['datatype']}"
    return f"the value that replaces {reading['original']}: {what}"


def prefixes(text: str) -> dict[str, str]:
    """The query's ``PREFIX p: <iri>`` declarations."""
    items = [t for t in tokens(text) if t.kind not in ("space", "comment")]
    found: dict[str, str] = {}
    for i, token in enumerate(items[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = items[i + 1], items[i + 2]
            if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
                found[name.text[:-1]] = iri.text[1:-1]
    return found


# --- values ------------------------------------------------------------------------------------


def scalar(value: Any) -> str | None:
    """A header value (as YAML reads it) as text: a date as YYYY-MM-DD, a boolean as true or
    false; None for none."""
    if value is None:
        return None
    if isinstance(value, dt.date):  # YAML reads 2020-01-31 as a date
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
