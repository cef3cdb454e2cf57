"""kg.store: the local implementation of the store interface."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import BuildNotFoundError, UsageError
from kg.store import LocalStore, open_store, with_terms

EX = "https://example.org/"
DATA = f"""
<{EX}g1> {{ <{EX}a> <{EX}p> "één"@nl . <{EX}a> <{EX}n> 7 . }}
<{EX}g2> {{ <{EX}b> <{EX}p> "two" . }}
""".encode()


@pytest.fixture
def store() -> LocalStore:
    s = LocalStore.in_memory()
    s.load(DATA, "trig")
    return s


def test_select_sees_the_union_of_graphs(store: LocalStore) -> None:
    rows = store.select(f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s")
    assert rows.variables == ("s", "o")
    assert rows.rows == [
        (URIRef(EX + "a"), Literal("één", lang="nl")),
        (URIRef(EX + "b"), Literal("two")),
    ]


def test_graph_clause_reaches_each_source(store: LocalStore) -> None:
    rows = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}b> ?p ?o }} }}")
    assert rows.dicts() == [{"g": URIRef(EX + "g2")}]


def test_bindings_are_terms_not_text(store: LocalStore) -> None:
    query = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    # The binding is honoured (one row, not both) ...
    assert [r[0] for r in store.select(query, {"o": Literal("two")}).rows] == [URIRef(EX + "b")]
    # ... and a value that looks like SPARQL is just a string that matches nothing.
    before = store.dump("nq")
    hostile = Literal('two" } ; DROP ALL ; SELECT * { ?s ?p "')
    assert store.select(query, {"o": hostile}).rows == []
    assert store.dump("nq") == before


def test_plain_strings_stay_plain_and_numbers_keep_their_type(store: LocalStore) -> None:
    (row,) = store.select(f"SELECT ?o WHERE {{ <{EX}b> <{EX}p> ?o }}").rows
    assert row[0] == Literal("two") and row[0].datatype is None
    (row,) = store.select(f"SELECT ?o WHERE {{ <{EX}a> <{EX}n> ?o }}").rows
    assert row[0].toPython() == 7


def test_ask_and_construct(store: LocalStore) -> None:
    assert store.ask(f"ASK {{ <{EX}a> ?p ?o }}")
    graph = store.construct(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o }}")
    assert len(graph) == 2


@pytest.mark.parametrize(
    ("method", "query"),
    [
        ("select", "ASK { ?s ?p ?o }"),
        ("ask", "SELECT * { ?s ?p ?o }"),
        ("construct", "SELECT * { ?s ?p ?o }"),
        ("select", "SELEKT nonsense"),
    ],
    ids=["select-ask", "ask-select", "construct-select", "syntax"],
)
def test_wrong_query_kind_or_syntax_is_a_usage_error(store: LocalStore, method, query) -> None:
    with pytest.raises(UsageError):
        getattr(store, method)(query)


def test_dump_keeps_or_merges_graphs(store: LocalStore) -> None:
    nq = store.dump("nq").decode()
    assert f"<{EX}g2>" in nq
    nt = store.dump("nt").decode()
    assert f"<{EX}g2>" not in nt and nt.count("\n") == 3


def test_unknown_format_is_a_usage_error(store: LocalStore) -> None:
    with pytest.raises(UsageError, match="unknown RDF format"):
        store.dump("rdfxml")


def test_open_store_without_build(tmp_path) -> None:
    with pytest.raises(BuildNotFoundError, match="kg build"):
        open_store(tmp_path / "build")


def test_select_values_are_the_plain_strings_of_select(store: LocalStore) -> None:
    """The fast path (raw pyoxigraph values) gives what the generic one (rdflib terms made
    strings) gives: IRIs, lexical forms of tagged and typed literals, None when unbound."""
    from kg.store import Store

    query = (
        f"SELECT ?s ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }} "
        "ORDER BY ?s ?o"
    )
    fast = store.select_values(query, ("o", "s", "missing"))
    # The generic path: rdflib terms made strings (Store.select_rows), columns picked by hand.
    variables, generic_rows = Store.select_rows(store, query)
    index = [variables.index(c) for c in ("o", "s", "missing")]
    assert fast == [tuple(row[i] for i in index) for row in generic_rows]
    assert ("één", EX + "a", None) in fast and ("7", EX + "a", None) in fast
    bound = store.select_values(query, ("o",), {"s": URIRef(EX + "b")})
    assert bound == [("two",)]
    # All columns in the query's order: solutions are read as they come, not by name.
    assert store.select_values(query) == generic_rows
    assert store.select_values(query) == [(s, o, m) for o, s, m in fast]


def test_select_rows_are_the_plain_strings_of_select_in_order(store: LocalStore) -> None:
    from kg.store import Store

    query = (
        f"SELECT ?s ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }} "
        "ORDER BY ?s ?o"
    )
    variables, fast = store.select_rows(query)
    assert (variables, fast) == Store.select_rows(store, query)
    assert variables == ("s", "o", "missing")
    assert (EX + "a", "één", None) in fast  # unbound: None
    bound = store.select_rows(query, {"s": URIRef(EX + "b")})
    assert bound == (("s", "o", "missing"), [(EX + "b", "two", None)])


def test_select_plain_is_what_the_terms_say(store: LocalStore) -> None:
    """The fast path (raw pyoxigraph terms) gives what the generic one (rdflib terms) gives:
    the kind of term, its string and a literal's datatype (rdf:langString when tagged)."""
    from kg.store import Plain, Store

    store.load(f"<{EX}c> <{EX}p> _:x ; <{EX}n> true .".encode(), "ttl")
    query = (
        f"SELECT ?s ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }} "
        "ORDER BY ?s ?o"
    )
    fast = store.select_plain(query)
    assert fast == Store.select_plain(store, query)
    variables, rows = fast
    assert variables == ("s", "o", "missing")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    objects = {row[1] for row in rows}
    lang_string = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    assert Plain("literal", "één", lang_string) in objects
    assert Plain("literal", "7", xsd + "integer") in objects
    assert Plain("literal", "two", xsd + "string") in objects
    assert Plain("literal", "true", xsd + "boolean") in objects
    assert {row[0] for row in rows} == {Plain("iri", EX + n) for n in "abc"}
    assert any(o is not None and o.kind == "bnode" for o in objects)
    assert all(row[2] is None for row in rows)


# --- binding parameters (with_terms) --------------------------------------------------------

A = f"<{EX}a>"
BLOCK = f" VALUES (?x) {{ ({A}) }}\n"
PREFIXED = "PREFIX ex: <http://ex/where/>\n# { WHERE ?x\n"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The term stands wherever a term may; the block opens the query's group.
        ("SELECT ?x WHERE { ?x ?p ?o }", f"SELECT ?x WHERE {{{BLOCK} {A} ?p ?o }}"),
        ("SELECT * { $x ?p ?o }", f"SELECT * {{{BLOCK} {A} ?p ?o }}"),  # no WHERE, "$"
        ("select ?x\nwhere\n{ ?x ?p ?o }", f"select ?x\nwhere\n{{{BLOCK} {A} ?p ?o }}"),
        ("SELECT ?y {?x ?p ?y}", f"SELECT ?y {{{BLOCK}{A} ?p ?y}}"),  # a term right at the brace
        ("SELECT ?y {?y ?p ?x}", f"SELECT ?y {{{BLOCK}?y ?p {A}}}"),
        # A comment, a string, an IRI, a longer name or a keyword-like name hide nothing.
        (
            PREFIXED + 'SELECT ("{ ?x" AS ?b) ?where ?xy WHERE { ?x ex:where ?xy }',
            PREFIXED + f'SELECT ("{{ ?x" AS ?b) ?where ?xy WHERE {{{BLOCK} {A} ex:where ?xy }}',
        ),
        # A sub-select: its group takes the term, its projection and keys keep the name.
        (
            "SELECT ?x ?n WHERE { { SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x } }",
            f"SELECT ?x ?n WHERE {{{BLOCK} {{ SELECT ?x (COUNT(?o) AS ?n) WHERE {{ {A} ?p ?o }} "
            "GROUP BY ?x } }",
        ),
        # Expressions take the term; bare keys of GROUP BY and ORDER BY keep the name.
        (
            "SELECT ?x WHERE { ?s ?p ?o FILTER(?o != ?x) BIND(?x AS ?y) } GROUP BY ?x "
            "HAVING (COUNT(?x) > 0) ORDER BY DESC(?x) ?x",
            f"SELECT ?x WHERE {{{BLOCK} ?s ?p ?o FILTER(?o != {A}) BIND({A} AS ?y) }} GROUP BY ?x "
            f"HAVING (COUNT({A}) > 0) ORDER BY DESC({A}) ?x",
        ),
        # Where only a name may stand, the name stays: AS, BOUND(), a VALUES header.
        (
            "SELECT ?y WHERE { ?s ?p ?o BIND(?o AS ?x) FILTER(BOUND( ?x)) VALUES ?x { <b:c> } }",
            f"SELECT ?y WHERE {{{BLOCK} ?s ?p ?o BIND(?o AS ?x) FILTER(BOUND( ?x)) "
            "VALUES ?x { <b:c> } }",
        ),
        ("ASK { ?x ?p ?o }", f"ASK {{{BLOCK} {A} ?p ?o }}"),
        (
            "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
            f"CONSTRUCT {{ {A} ?p ?o }} WHERE {{{BLOCK} {A} ?p ?o }}",
        ),
    ],
)
def test_with_terms_writes_each_term_where_a_term_may_stand(query, expected) -> None:
    assert with_terms(query, {"x": URIRef(EX + "a")}) == expected


P = f"<{EX}p>"
# Queries without sub-selects, where pyoxigraph's own binding is the oracle (it asks for
# the parameter in the projection).
SUBSTITUTABLE = [
    f"SELECT ?x ?o WHERE {{ ?x {P} ?o }}",
    "SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x",
    "SELECT ?s ?x WHERE { ?s ?p ?o FILTER(?s = ?x) }",
    f"SELECT ?s ?x WHERE {{ ?s ?p ?o OPTIONAL {{ ?x {P} ?l }} }} ORDER BY ?s",
    f"SELECT ?s ?x WHERE {{ ?s ?p ?o MINUS {{ ?x {P} ?o }} }} ORDER BY ?s",
    f"SELECT ?s ?x WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ ?x <{EX}n> ?o }} }} ORDER BY ?s",
    "SELECT ?x ?y WHERE { ?x ?p ?o BIND(STR(?x) AS ?y) } ORDER BY ?y",
]


@pytest.mark.parametrize("query", SUBSTITUTABLE)
@pytest.mark.parametrize("value", [URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "none")])
def test_with_terms_answers_as_pyoxigraphs_own_binding(store: LocalStore, query, value) -> None:
    import pyoxigraph as ox

    from kg.store import to_oxigraph

    ours = store.select_values(query, bindings={"x": value})
    theirs = store.oxigraph.query(
        query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("x"): to_oxigraph(value)},
    )
    assert ours == [tuple(None if t is None else t.value for t in row) for row in theirs]


def test_a_sub_select_sees_the_value_and_the_query_returns_it(store: LocalStore) -> None:
    """pyoxigraph's substitutions do not reach into a sub-select; the written term does, and
    the parameter still comes back in the answer (from the VALUES block)."""
    query = (
        "SELECT ?x ?n WHERE { { SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x } "
        "MINUS { SELECT ?x WHERE { ?x ?p 99 } } }"
    )
    assert store.select_values(query, bindings={"x": URIRef(EX + "a")}) == [(EX + "a", "2")]
    assert store.select_values(query, bindings={"x": URIRef(EX + "b")}) == [(EX + "b", "1")]


def test_a_hostile_value_stays_one_literal() -> None:
    """Run the bound query on an empty engine: the value comes back whole, nothing else ran."""
    hostile = Literal('x" } } ; DROP ALL ; SELECT * { ?s ?p "', lang="nl")
    empty = LocalStore.in_memory()
    assert empty.select("SELECT ?x WHERE { }", {"x": hostile}).rows == [(hostile,)]
    rows = empty.select("SELECT ?y WHERE { BIND(STR(?x) AS ?y) }", {"x": hostile}).rows
    assert rows == [(Literal(str(hostile)),)]


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"x y": URIRef("http://a")}, "not a SPARQL variable name"),
        ({"x": URIRef("http://a b")}, "Invalid IRI"),  # never written into the query
        ({"x": BNode("b")}, r"cannot bind \?x to a blank node"),
    ],
)
def test_bad_bindings_are_refused(bindings, message) -> None:
    with pytest.raises((UsageError, ValueError), match=message):
        with_terms("SELECT ?x WHERE { }", bindings)


def test_a_query_without_a_group_cannot_take_parameters() -> None:
    with pytest.raises(UsageError, match="no WHERE group"):
        with_terms("SELECT ?x", {"x": URIRef("http://a")})
