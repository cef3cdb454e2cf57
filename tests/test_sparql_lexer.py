"""kg.sparql.lexer: one SPARQL tokenizer, and the cases that broke the three it replaced."""

from __future__ import annotations

import pytest
from rdflib import Literal

from kg.sparql.lexer import blank_opaque, has_keyword, tokens, unescape_codepoints
from kg.store import with_terms


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("?s ex:p 'x'", [("variable", "?s"), ("pname", "ex:p"), ("string", "'x'")]),
        # a comment ends at \n or at \r
        ("# c\r?x", [("comment", "# c"), ("variable", "?x")]),
        ("# c\n?x", [("comment", "# c"), ("variable", "?x")]),
        # escapes in a prefixed name's local part start no comment and no string
        ("ex:a\\#b ?x", [("pname", "ex:a\\#b"), ("variable", "?x")]),
        ("ex:a\\' ?x", [("pname", "ex:a\\'"), ("variable", "?x")]),
        # a string left open ends with its line
        ('"open\n?x', [("string", '"open'), ("variable", "?x")]),
        ("'open\r?x", [("string", "'open"), ("variable", "?x")]),
        # a long string spans lines
        ('"""a\n?x""" ?y', [("string", '"""a\n?x"""'), ("variable", "?y")]),
        # a keyword right after a number is a keyword
        ("1SERVICE", [("number", "1"), ("word", "SERVICE")]),
        ("1.5e3AS", [("number", "1.5e3"), ("word", "AS")]),
        # a name does not end in the dot that ends a triple
        ("ex:a. ?x", [("pname", "ex:a"), ("punct", "."), ("variable", "?x")]),
        (
            "<http://x/#a> _:b1 $p",
            [("iri", "<http://x/#a>"), ("bnode", "_:b1"), ("variable", "$p")],
        ),
        ("?a<?b", [("variable", "?a"), ("punct", "<"), ("variable", "?b")]),
    ],
)
def test_tokens(text, expected) -> None:
    assert kinds(text) == expected


def test_codepoint_escapes_apply_before_reading() -> None:
    assert unescape_codepoints("\\u0053ERVICE \\U00000041") == "SERVICE A"
    assert unescape_codepoints("\\uD800") == "\ufffd"  # a surrogate is no character


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # the three ways the text-based SERVICE check was bypassed (K14)
        ("PREFIX ex: <http://x/> SELECT * WHERE { BIND(ex:a\\# AS ?x) SERVICE <u:v> {} }", True),
        ("PREFIX ex: <http://x/> SELECT * WHERE { BIND(ex:a\\' AS ?x) SERVICE <u:v> {} }", True),
        ("SELECT * WHERE { ?s ?p 1SERVICE SILENT <u:v> { ?a ?b ?c } }", True),
        ("SELECT * { # x\rSERVICE <u:v> {} }", True),
        ("SELECT * { \\u0053ERVICE <u:v> {} }", True),
        ('SELECT * { ?s ?p "open\nSERVICE <u:v> {} }', True),
        ('SELECT * { ?s ?p "SERVICE" }', False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
        ("SELECT * { ?s ?p ex:a\\#SERVICE }", False),
    ],
)
def test_service_as_a_keyword(text, found) -> None:
    assert has_keyword(text, "SERVICE") is found


def test_blanking_keeps_lines_and_names() -> None:
    text = "SELECT ?x # $y\nWHERE { ?x ex:a\\#b 'z$w' . }"
    blanked = blank_opaque(text)
    assert len(blanked) == len(text) and blanked.count("\n") == 1
    assert "$y" not in blanked and "$w" not in blanked and "ex:a\\#b" in blanked


def test_a_parameter_after_an_escaped_name_is_bound() -> None:
    """The binder reads through ``ex:a\\#`` (the old scanner took ``#`` for a comment and
    left the rest of the line unbound)."""
    text = "SELECT ?x WHERE { ?x ex:a\\# ?v . FILTER(?v = ?p) }"
    assert 'FILTER(?v = "k")' in with_terms(text, {"p": Literal("k")})


@pytest.mark.parametrize(
    "text",
    ["a." * 100_000, '"' + '\\"' * 100_000, "'''" + "x" * 200_000, "ex:" + "a." * 100_000],
    ids=["dots", "escaped-quotes", "open-long-string", "long-name"],
)
def test_hostile_texts_are_read_at_once(text) -> None:
    """One expression without nested repetition: linear, where a backtracking or dotted-prefix
    scanner took minutes on these."""
    assert "".join(t.text for t in tokens(text, spaces=True)) == text
