"""kg.ask.queries: the '#+' header is checked, parameters are typed and bound as RDF terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ask.queries import (
    ParameterError,
    QueryFileError,
    bind_parameters,
    example_command,
    find_query,
    load_query,
    parse_query,
    run_query,
)
from kg.store import open_store

from .conftest import DATA

QUERIES = DATA / "queries"

HEADER = """\
#+ title: T
#+ description: D
#+ params:
#+   x:
#+     type: string
#+     required: true
#+     description: een waarde
"""

# (file text, what the message must say): each a file the loader must refuse.
BROKEN = [
    pytest.param(
        "#+ title: T\n#+ description: D\n#+ summary: S\nSELECT * WHERE { ?s ?p ?o }\n",
        "unknown header key 'summary'",
        id="unknown-header-key",
    ),
    pytest.param(
        HEADER.replace("description: een", "descripton: een") + "SELECT $x WHERE { ?s ?p $x }\n",
        "unknown key 'descripton' (did you mean 'description'?)",
        id="unknown-param-key",
    ),
    pytest.param(
        HEADER + "SELECT $x $y WHERE { ?s ?p $x . ?s ?q $y }\n",
        "$y is used but not declared",
        id="used-but-undeclared",
    ),
    pytest.param(
        HEADER + "SELECT ?s WHERE { ?s ?p ?o }\n",
        "parameter 'x' is declared but the query never uses $x",
        id="declared-but-unused",
    ),
    pytest.param(
        HEADER + "SELECT ?s WHERE { ?s ?p $x }\n",
        "must be in the SELECT clause",
        id="parameter-not-projected",
    ),
    pytest.param(
        HEADER + "SELECT ?s $x WHERE { ?s ?p $x \n",
        "not valid SPARQL",
        id="does-not-parse",
    ),
    pytest.param(
        HEADER + "SELECT ?s $x WHERE { ?s ?p ?o FILTER(!BOUND($x)) }\n",
        "BOUND($x) depends on how the engine binds parameters",
        id="bound-on-a-parameter",
    ),
    pytest.param(
        HEADER + "SELECT ?s ?y $x WHERE { ?s ?p ?o BIND($x AS ?y) }\n",
        "BIND($x AS ...) can leave the new variable unbound",
        id="bind-alias-of-a-parameter",
    ),
    pytest.param(
        "#+ title: T\n#+ description: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n",
        "not valid YAML",
        id="bad-yaml",
    ),
    pytest.param(
        "#+ title: T\n#+ title: U\n#+ description: D\nSELECT * WHERE { ?s ?p ?o }\n",
        "duplicate key 'title'",
        id="duplicate-key",
    ),
    pytest.param(
        HEADER.replace("type: string", "type: text") + "SELECT $x WHERE { ?s ?p $x }\n",
        "type must be one of",
        id="unknown-type",
    ),
    pytest.param(
        HEADER.replace("type: string", "type: integer").replace(
            "required: true", "required: false\n#+     default: many"
        )
        + "SELECT $x WHERE { ?s ?p $x }\n",
        "default 'many': expected a whole number",
        id="default-of-the-wrong-type",
    ),
    pytest.param(
        HEADER.replace("required: true", "required: true\n#+     default: a")
        + "SELECT $x WHERE { ?s ?p $x }\n",
        "a required parameter cannot have a default",
        id="required-with-default",
    ),
    pytest.param(
        HEADER.replace("required: true", "required: yes please") + "SELECT $x WHERE { ?s ?p $x }\n",
        "required must be true or false",
        id="required-not-a-boolean",
    ),
    pytest.param(
        "#+ description: D\nSELECT * WHERE { ?s ?p ?o }\n",
        "needs a title",
        id="no-title",
    ),
    pytest.param(
        "#+ title: T\n#+ description: D\nSELECT * WHERE { ?s ?p ?o }\n#+ tags: [late]\n",
        "header lines must come first",
        id="header-after-the-query",
    ),
    pytest.param(
        "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }\n",
        "this is a SPARQL update (DELETE)",
        id="an-update",
    ),
    pytest.param(
        "#+ title: T\n#+ description: D\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
        "kg runs SELECT queries",
        id="not-a-select",
    ),
]


@pytest.mark.parametrize(("text", "needle"), BROKEN)
def test_the_loader_refuses_a_broken_query_file(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(text, "utf-8")
    with pytest.raises(QueryFileError) as caught:
        load_query(path)
    message = str(caught.value)
    assert needle in message
    assert str(path) in message and "\n" not in message


def test_a_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(
        '#+ title: T\n#+ description: D\nSELECT * WHERE {\n ?s ?p ?o .\n ?s ?q "x }\n', "utf-8"
    )
    with pytest.raises(QueryFileError) as caught:
        load_query(path)
    assert f"{path}:5:" in str(caught.value)  # the unterminated string


def test_variables_in_strings_iris_and_comments_are_not_parameters() -> None:
    text = (
        "#+ title: T\n#+ description: D\n"
        "# a comment with $fake\n"
        'SELECT ?s WHERE { ?s <http://example.org/$notvar> "$text" . ?s ?p """$more""" }\n'
    )
    assert parse_query(text, name="t").params == {}


def test_a_header_is_read_as_written() -> None:
    query = load_query(QUERIES / "typed.rq")
    assert query.title == "Getypte parameters"
    assert list(query.params) == ["municipality", "group", "number", "day"]
    assert query.params["number"].default == "3"
    assert query.params["day"].example == "2020-02-29"  # YAML's date read back as text
    assert query.params["municipality"].required


def test_a_plain_sparql_file_without_a_header_loads() -> None:
    query = parse_query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", name="plain")
    assert query.title == "plain" and query.params == {}


def test_find_query_suggests_a_close_name() -> None:
    with pytest.raises(Exception, match="did you mean 'labels'"):
        find_query(QUERIES, "lables")


def test_example_command_quotes_values_with_spaces() -> None:
    query = load_query(QUERIES / "typed.rq")
    assert example_command(query) == (
        "kg query run typed -p municipality Kampen -p group ouderen -p day 2020-02-29"
    )


# --- binding -------------------------------------------------------------------------------

HOSTILE = [
    '"} ; DROP ALL',
    "} } DELETE WHERE { ?s ?p ?o } #",
    '\\" ) } UNION { ?s ?p ?o',
    "<http://example.org/x>",
    "$text ?thing",
    "'''",
    "Kampen\nDROP ALL",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_a_plain_string(tiny_build, value: str) -> None:
    query = load_query(QUERIES / "labels.rq")
    with open_store(tiny_build.build_dir) as store:
        before = len(store.dump("nq"))
        table = run_query(store, query, {"text": value})
        assert table.dicts() == [{"thing": None, "echo": value}]
        assert len(store.dump("nq")) == before


def test_a_matching_value_is_bound_not_pasted(tiny_build) -> None:
    query = load_query(QUERIES / "labels.rq")
    with open_store(tiny_build.build_dir) as store:
        (row,) = run_query(store, query, {"text": "Kampen"}).dicts()
    assert row["thing"] is not None and row["thing"].label == "Kampen"  # type: ignore[union-attr]


def test_parameters_are_typed_and_defaults_filled_in(tiny_build) -> None:
    query = load_query(QUERIES / "typed.rq")
    with open_store(tiny_build.build_dir) as store:
        bound = bind_parameters(store, query, {"municipality": "GM0166", "day": "2020-02-29"})
        (row,) = run_query(
            store, query, {"municipality": "kampen", "group": "older residents"}
        ).dicts()
    assert str(bound["municipality"]).endswith("/gm0166")
    assert bound["number"].datatype.endswith("#integer")  # type: ignore[union-attr]
    assert bound["day"].datatype.endswith("#date")  # type: ignore[union-attr]
    assert "group" not in bound  # optional, no default: left unbound
    assert row["m"].label == "Kampen"  # type: ignore[union-attr]
    assert row["n"] == 3 and row["d"] == ""
    assert str(row["g"]).endswith("/tiny-ouderen")  # STR() of a concept: text, not a list


# (values, what the message must say): each a mistake that must not become an empty result.
MISTAKES = [
    pytest.param({}, "needs parameter 'municipality'", id="missing"),
    pytest.param({"municipality": "Kampen", "numbr": "2"}, "did you mean 'number'", id="misspelt"),
    pytest.param(
        {"municipality": "Kampen", "number": "two"}, "expected a whole number", id="not-an-integer"
    ),
    pytest.param(
        {"municipality": "Kampen", "number": "2.5"}, "expected a whole number", id="not-whole"
    ),
    pytest.param({"municipality": "Kampen", "day": "29-02-2020"}, "YYYY-MM-DD", id="date-order"),
    pytest.param({"municipality": "Kampen", "day": "2021-02-29"}, "YYYY-MM-DD", id="no-such-day"),
    pytest.param({"municipality": "Kampn"}, "closest: Kampen", id="unknown-municipality"),
    pytest.param({"municipality": "GM9999"}, "has CBS code GM9999", id="unknown-code"),
    pytest.param({"municipality": "tooi:gm0599"}, "is not a known municipality", id="unknown-iri"),
    pytest.param(
        {"municipality": "Kampen", "group": "oudere"}, "closest: ouderen", id="unknown-concept"
    ),
    pytest.param(
        {"municipality": "Kampen", "group": "Overijssel"}, "no concept named", id="not-a-concept"
    ),
    pytest.param({"municipality": " "}, "an empty value", id="blank"),
]


@pytest.mark.parametrize(("values", "needle"), MISTAKES)
def test_a_parameter_mistake_is_a_clear_error(tiny_build, values, needle: str) -> None:
    query = load_query(QUERIES / "typed.rq")
    with open_store(tiny_build.build_dir) as store, pytest.raises(ParameterError) as caught:
        run_query(store, query, values)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_unknown_language_and_negative_limit_are_errors(tiny_build) -> None:
    query = load_query(QUERIES / "labels.rq")
    with open_store(tiny_build.build_dir) as store:
        with pytest.raises(Exception, match="unknown language 'de'"):
            run_query(store, query, {"text": "x"}, lang="de")
        with pytest.raises(Exception, match="limit"):
            run_query(store, query, {"text": "x"}, limit=-1)


def test_labels_follow_the_language(tiny_build) -> None:
    query = parse_query(
        "PREFIX concept: <https://w3id.org/kg-sociaal/id/concept/>\n"
        "SELECT ?c WHERE { VALUES ?c { concept:tiny-ouderen concept:tiny-kwetsbaar } } ORDER BY ?c",
        name="labels",
    )
    with open_store(tiny_build.build_dir) as store:
        dutch = [c.label for c in run_query(store, query, lang="nl").column("c")]  # type: ignore[union-attr]
        english = [c.label for c in run_query(store, query, lang="en").column("c")]  # type: ignore[union-attr]
    # No English label for kwetsbare inwoners: the Dutch one stands in.
    assert dutch == ["kwetsbare inwoners", "ouderen"]
    assert english == ["kwetsbare inwoners", "older residents"]


def test_a_list_column_becomes_resources(tiny_build) -> None:
    query = parse_query(
        "PREFIX concept: <https://w3id.org/kg-sociaal/id/concept/>\n"
        'SELECT (GROUP_CONCAT(DISTINCT COALESCE(STR(?c), ""); separator=" ") AS ?cs) '
        "WHERE { VALUES ?c { concept:tiny-ouderen concept:tiny-kwetsbaar UNDEF } }",
        name="list",
    )
    with open_store(tiny_build.build_dir) as store:
        (cell,) = run_query(store, query).column("cs")
    assert isinstance(cell, tuple)
    assert [r.label for r in cell] == ["kwetsbare inwoners", "ouderen"]


def test_columns_are_fixed_by_the_query_not_the_rows(tiny_build) -> None:
    query = parse_query(
        "PREFIX concept: <https://w3id.org/kg-sociaal/id/concept/>\n"
        "SELECT ?c (COUNT(?c) AS ?n) "
        '(GROUP_CONCAT(DISTINCT COALESCE(STR(?c), ""); separator=" ") AS ?cs) '
        "WHERE { VALUES ?c { concept:tiny-ouderen } FILTER(?c = ?c) } GROUP BY ?c",
        name="fixed",
    )
    assert query.list_columns == {"cs"} and query.literal_columns == {"n"}
    with open_store(tiny_build.build_dir) as store:
        some = run_query(store, query)
        none = run_query(store, query, limit=0)
    assert some.resource_columns == none.resource_columns == {"c", "cs"}


def test_a_list_of_plain_words_stays_text(tiny_build) -> None:
    query = parse_query(
        'SELECT (GROUP_CONCAT(?w; separator=" ") AS ?words) WHERE { VALUES ?w { "een" "twee" } }',
        name="words",
    )
    with open_store(tiny_build.build_dir) as store:
        (cell,) = run_query(store, query).column("words")
    assert cell in ("een twee", "twee een")
