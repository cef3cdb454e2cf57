"""Bounded fuzzing (hypothesis) of the two places where text from users becomes structure:
the ``#+`` header of a query file (kg.ask.queries.parse_query) and a parameter value turned into
an RDF term (kg.ask.queries.bind_parameters, which resolves names, CURIEs and IRIs). Whatever the
input, the outcome is a result or a :class:`~kg.errors.KgError` (one line for the user),
never another exception (a traceback).

The inputs are random text and mutations of the project's own query files (characters
inserted, deleted or swapped, lines dropped, YAML values replaced). ``KG_FUZZ_EXAMPLES`` sets
how many inputs each target tries (default 400, a few seconds each here); the examples are
derandomized, so a failure in CI repeats locally, unless ``KG_FUZZ_EXPLORE`` is set (then
each run tries new inputs). Crashes found are kept below as
regression tests (REGRESSIONS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from kg.ask.queries import bind_parameters, load_queries, parse_query
from kg.errors import KgError
from kg.store import open_store

from .conftest import ROOT

#: Many generated cases (hypothesis): the slow tier (python -m pytest -m slow).
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("KG_FUZZ_EXPLORE"),  # set it to look for new crashes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
TEXTS = {path.stem: path.read_text("utf-8") for path in QUERY_FILES}

# Values a YAML header may hold, good and bad: types, nesting, anchors, tags, huge numbers.
YAML_VALUES = [
    "iri",
    "integer",
    "date",
    "string",
    "concept",
    "municipality",
    "true",
    "false",
    "null",
    "~",
    "[]",
    "{}",
    "[a, [b, {c: d}]]",
    "&a x",
    "*a",
    "!!python/object:os.system ls",
    "!!binary aGk=",
    "9" * 400,
    "1e999",
    "'unclosed",
    '"\\u0000"',
    "kg:Programme",
    "<https://example.org/x>",
    "2025-02-30",
    "|",
    ">-",
]


@st.composite
def mutated_query(draw: st.DrawFn) -> str:
    """One of the project's query files with a few random edits, mostly in its header."""
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        header = [i for i, line in enumerate(lines) if line.startswith("#+")] or [0]
        at = (
            draw(st.sampled_from(header))
            if draw(st.booleans())
            else draw(st.integers(0, len(lines) - 1))
        )
        edit = draw(st.sampled_from(["value", "insert", "delete", "drop", "duplicate", "swap"]))
        line = lines[at]
        if edit == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[at] = f"{key}: {draw(st.sampled_from(YAML_VALUES))}"
        elif edit == "insert":
            where = draw(st.integers(0, len(line)))
            lines[at] = line[:where] + draw(st.text(min_size=1, max_size=5)) + line[where:]
        elif edit == "delete" and line:
            where = draw(st.integers(0, len(line) - 1))
            lines[at] = line[:where] + line[where + draw(st.integers(1, 5)) :]
        elif edit == "drop" and len(lines) > 1:
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, line)
        elif edit == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines)


QUERY_TEXT = st.one_of(
    mutated_query(),
    st.text(max_size=300),
    st.text(max_size=200).map(lambda t: "#+ " + t.replace("\n", "\n#+ ") + "\nSELECT * {}"),
)

# Crashes found by the fuzzing, kept as regression tests: (what was wrong, input).
REGRESSIONS: list[tuple[str, str]] = [
    (
        "a date YAML cannot make was a ValueError from PyYAML",
        TEXTS["cross-domain-programmes"].replace("#+ title: ", "#+ title: 2025-02-30 #", 1),
    ),
    (
        "a list as a parameter's type was a TypeError (unhashable)",
        TEXTS["cross-domain-programmes"].replace("type: integer", "type: [a, b]", 1),
    ),
]


def _parse(text: str) -> None:
    try:
        parse_query(text, name="fuzzed", path=Path("fuzzed.rq"))
    except KgError as exc:
        message = str(exc)
        assert "\n" not in message and message.strip(), repr(message)


@FUZZ
@given(text=QUERY_TEXT)
def test_the_query_header_parser_fails_only_with_a_clear_error(text: str) -> None:
    _parse(text)


@pytest.mark.parametrize(("why", "text"), REGRESSIONS or [("none yet", "")])
def test_query_parser_regressions(why: str, text: str) -> None:
    _parse(text)


VALUE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "Kampen",
            "gm0166",
            "GM0166",
            "kg:Programme",
            "programme:tiny-programma",
            "https://w3id.org/kg-sociaal/id/programme/tiny-programma",
            "<https://w3id.org/kg-sociaal/id/programme/tiny-programma>",
            "_:b0",
            "urn:x",
            "http://",
            "mailto:",
            ":",
            "x:",
            "0166",
            "9" * 5000,
            "2025-02-30",
            "-0",
            "ouderen",
            "Testprogramma",
        ]
    ),
    st.tuples(st.text(max_size=5), st.sampled_from(["Kampen", "kg:", "https://", "gm0"])).map(
        "".join
    ),
)


@pytest.fixture(scope="module")
def tiny_store(tiny_build):
    with open_store(tiny_build.build_dir) as store:
        yield store


QUERIES = load_queries(ROOT / "queries")
PARAMETERS = sorted((q, p) for q, query in QUERIES.items() for p in query.params)


@FUZZ
@given(which=st.sampled_from(PARAMETERS), value=VALUE)
def test_resolving_a_parameter_fails_only_with_a_clear_error(tiny_store, which, value) -> None:
    query_name, param = which
    query = QUERIES[query_name]
    try:
        bound = bind_parameters(tiny_store, query, {param: value})
    except KgError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 600, message
        return
    assert isinstance(bound[param], URIRef | Literal)  # an accepted value is one term
