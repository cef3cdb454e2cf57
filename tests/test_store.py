"""kg.store: the local implementation of the store interface."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.errors import BuildNotFoundError, UsageError
from kg.store import LocalStore, open_store

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
    generic = Store.select_values(store, query, ("o", "s", "missing"))
    assert fast == generic
    assert ("één", EX + "a", None) in fast and ("7", EX + "a", None) in fast
    bound = store.select_values(query, ("o",), {"s": URIRef(EX + "b")})
    assert bound == [("two",)]
    # All columns in the query's order: solutions are read as they come, not by name.
    assert store.select_values(query) == Store.select_values(store, query)
    assert store.select_values(query) == [(s, o, m) for o, s, m in fast]


def test_select_dicts_are_the_plain_strings_of_select_by_name(store: LocalStore) -> None:
    from kg.store import Store

    query = (
        f"SELECT ?s ?o ?missing WHERE {{ ?s ?p ?o OPTIONAL {{ ?s <{EX}none> ?missing }} }} "
        "ORDER BY ?s ?o"
    )
    fast = store.select_dicts(query)
    assert fast == Store.select_dicts(store, query)
    assert {"s": EX + "a", "o": "één"} in fast  # unbound variables are left out
    assert store.select_dicts(query, {"s": URIRef(EX + "b")}) == [{"s": EX + "b", "o": "two"}]
