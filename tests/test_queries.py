"""kg.ask.queries: the '#+' header is checked, parameters are typed and bound as RDF terms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import XSD, Literal, URIRef

from kg.ask.queries import (
    ParameterError,
    QueryFileError,
    basil_parameter,
    bind_parameters,
    example_command,
    find_query,
    grlc_parameters,
    load_queries,
    load_query,
    parse_query,
    run_query,
)
from kg.errors import KgError
from kg.store import open_store

from .conftest import DATA, SHARED, need_shared

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
        "#+ title: T\n#+ description: D\n#+ sumary: S\nSELECT * WHERE { ?s ?p ?o }\n",
        "unknown header key 'sumary' (did you mean 'summary'?)",
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


# --- grlc's decorators and BASIL parameters -----------------------------------------------

GRLC_EXAMPLES = SHARED / "standards" / "grlc-examples"
GRLC_DATA = DATA / "grlc"

# What grlc reads in each of its own example queries, written from the files: the summary
# (kg's title), tags, the parameters as grlc's gquery.get_parameters gives them (with the
# values enumerated and the defaults), and the other decorators, which kg keeps as written.
TRANSFORM = {"key": "?p", "value": "?o", "$anchor": "key"}
ANNOTATIONS = "Different types of annotations Adding extra text Just because summaries can be long."
ID_IRI = {"original": "?_id_iri", "required": True, "name": "id", "type": "string", "format": "iri"}
GRLC_READS: dict[str, dict[str, Any]] = {
    "test-endpoint-get.rq": {
        "summary": "Sample query for testing SPARQL endpoint method",
        "tags": (),
        "params": {"id": ID_IRI},
        "kept": {
            "endpoint": "http://test-endpoint/transform/sparql/",
            "transform": TRANSFORM,
            "endpoint-method": "GET",
        },
    },
    "test-enum.rq": {
        "summary": "Test query for containing pre-defined enumeration.",
        "tags": (),
        "params": {
            "o": {
                "original": "?_o",
                "required": True,
                "name": "o",
                "type": "string",
                "enum": ["v1", "v2"],
            }
        },
        "kept": {"enumerate": [{"o": ["v1", "v2"]}]},
    },
    "test-projection.rq": {
        "summary": "Sample query for testing response transformation",
        "tags": (),
        "params": {"id": ID_IRI},
        "kept": {"endpoint": "http://test-endpoint/transform/sparql/", "transform": TRANSFORM},
    },
    "test-rq.rq": {
        "summary": "This test query contains and endpoint decorator and a query with some "
        "variables with different types using BASIL syntax.",
        "tags": (),
        "params": {
            "o1": {"original": "?_o1", "required": True, "name": "o1", "type": "string"},
            "o2": {
                "original": "?_o2_iri",
                "required": True,
                "name": "o2",
                "type": "string",
                "format": "iri",
            },
            "o3": {"original": "?_o3_number", "required": True, "name": "o3", "type": "number"},
            "o4": {
                "original": "?_o4_literal",
                "required": True,
                "name": "o4",
                "type": "literal",
            },
            "o5": {
                "original": "?_o5_en",
                "required": True,
                "name": "o5",
                "type": "string",
                "lang": "en",
            },
            "o6": {
                "original": "?_o6_integer",
                "required": True,
                "name": "o6",
                "type": "string",
                "datatype": "xsd:integer",
            },
            "o7": {
                "original": "?_o7_xsd_date",
                "required": True,
                "name": "o7",
                "type": "string",
                "datatype": "xsd:date",
            },
        },
        "kept": {"endpoint": "http://test-endpoint/from-decorator/sparql"},
    },
    "test-sparql.sparql": {
        "summary": ANNOTATIONS,
        "tags": ("firstTag", "secondTag"),
        "params": {},
        # var1 and var2 are not variables of the query: grlc finds nothing to enumerate.
        "kept": {
            "endpoint": "http://example.com/sparql",
            "method": "GET",
            "pagination": 100,
            "enumerate": ["var1", "var2"],
        },
    },
}
GRLC_READS["test-sparql-jsonconf.sparql"] = GRLC_READS["test-sparql.sparql"]  # in JSON
# kg's type for each BASIL suffix (and the literal's language or datatype).
KG_TYPES = {
    "id": ("iri", None, None),
    "o": ("string", None, None),
    "o1": ("string", None, None),
    "o2": ("iri", None, None),
    "o3": ("number", None, None),
    "o4": ("string", None, None),
    "o5": ("string", "en", None),
    "o6": ("integer", None, None),
    "o7": ("date", None, None),
}


def test_grlc_examples_are_the_ones_expected() -> None:
    if not GRLC_EXAMPLES.is_dir():
        need_shared("grlc's example queries (standards/grlc-examples)")
    files = {p.name for p in GRLC_EXAMPLES.iterdir() if p.suffix in (".rq", ".sparql")}
    assert files == set(GRLC_READS)


@pytest.mark.parametrize("file", sorted(GRLC_READS))
def test_a_grlc_example_reads_as_grlc_reads_it(file: str) -> None:
    if not GRLC_EXAMPLES.is_dir():
        need_shared("grlc's example queries (standards/grlc-examples)")
    expected = GRLC_READS[file]
    query = load_query(GRLC_EXAMPLES / file)
    assert query.title == query.summary == expected["summary"]
    assert query.description == ""  # grlc's examples have none
    assert query.tags == expected["tags"]
    assert grlc_parameters(query) == expected["params"]
    assert list(query.params) == list(expected["params"])  # in the order of the query
    for name, reading in expected["params"].items():
        param = query.params[name]
        assert param.variable == reading["original"][1:]
        assert param.required == reading["required"]
        assert (param.type, param.lang, param.datatype) == KG_TYPES[name]
        assert param.choices == tuple(reading.get("enum", ()))
        assert param.default is None
    for key, value in expected["kept"].items():
        assert query.grlc[key] == value
    assert set(query.grlc) == {"summary", *expected["kept"], *(["tags"] if query.tags else [])}


def test_a_grlc_folder_loads_with_its_sparql_files() -> None:
    if not GRLC_EXAMPLES.is_dir():
        need_shared("grlc's example queries (standards/grlc-examples)")
    names = [file.rsplit(".", 1)[0] for file in sorted(GRLC_READS)]  # in file name order
    assert list(load_queries(GRLC_EXAMPLES)) == names
    assert find_query(GRLC_EXAMPLES, "test-sparql").grlc["pagination"] == 100


def test_two_files_of_one_name_are_an_error(tmp_path: Path) -> None:
    for suffix in (".rq", ".sparql"):
        (tmp_path / f"q{suffix}").write_text("SELECT * WHERE { ?s ?p ?o }\n", "utf-8")
    with pytest.raises(KgError, match="two query files are named 'q'"):
        load_queries(tmp_path)


def test_grlc_defaults_and_declarations_describe_basil_parameters() -> None:
    query = load_query(GRLC_DATA / "basil-typed.rq")
    params = query.params
    # Declared: the declaration adds a narrower type, description and example; required
    # follows from the underscores, the date type from _xsd_date.
    assert (params["municipality"].type, params["municipality"].required) == ("municipality", True)
    assert (params["group"].type, params["group"].required) == ("concept", False)
    assert (params["day"].type, params["day"].example) == ("date", "2020-02-29")
    # Not declared, with a grlc default: optional in kg, which fills the default in.
    assert (params["number"].type, params["number"].default) == ("integer", "3")
    assert not params["number"].required
    assert grlc_parameters(query)["number"] == {
        "original": "?__number_integer",
        "required": False,
        "name": "number",
        "type": "string",
        "datatype": "xsd:integer",
        "default": 3,
    }


def test_a_basil_query_binds_as_its_dollar_twin(tiny_build) -> None:
    dollar = load_query(QUERIES / "typed.rq")
    basil = load_query(GRLC_DATA / "basil-typed.rq")
    asked: list[dict[str, str]] = [
        {"municipality": "kampen", "group": "older residents"},
        {"municipality": "GM0166", "day": "2020-02-29", "number": "7"},
    ]
    with open_store(tiny_build.build_dir) as store:
        for values in asked:
            twin = run_query(store, dollar, values)
            table = run_query(store, basil, values)
            assert table.columns == twin.columns == ("m", "g", "n", "d")
            assert table.dicts() == twin.dicts()
        with pytest.raises(ParameterError, match="needs parameter 'municipality'"):
            run_query(store, basil, {})


def test_basil_suffixes_bind_numbers_languages_and_datatypes(tiny_build) -> None:
    query = load_query(GRLC_DATA / "literals.sparql")
    assert query.params["size"].choices == ("1", "2.5", "10")
    assert grlc_parameters(query)["size"]["enum"] == [1, 2.5, 10]  # grlc sorts them
    with open_store(tiny_build.build_dir) as store:
        bound = bind_parameters(store, query, {"word": "huis", "code": "A1"})
        assert bound == {
            "size": Literal("2.5", datatype=XSD.decimal),  # the default
            "word": Literal("huis", lang="nl"),
            "code": Literal("A1", datatype=URIRef("http://example.org/def#code")),
        }
        assert bind_parameters(store, query, {"word": "x", "size": "10"})["size"] == Literal(
            "10", datatype=XSD.integer
        )
        (row,) = run_query(store, query, {"word": "huis"}).dicts()
        assert row["t"] == "huis" and row["c"] is None
        with pytest.raises(ParameterError, match=r"'3' is not one of 1, 2.5, 10"):
            run_query(store, query, {"word": "huis", "size": "3"})


def test_a_value_outside_the_enumeration_is_an_error(tiny_build) -> None:
    if not GRLC_EXAMPLES.is_dir():
        need_shared("grlc's example queries (standards/grlc-examples)")
    query = load_query(GRLC_EXAMPLES / "test-enum.rq")
    with open_store(tiny_build.build_dir) as store:
        assert set(run_query(store, query, {"o": "v1"}).columns) == {"s", "p"}  # not _o
        with pytest.raises(ParameterError) as caught:
            run_query(store, query, {"o": "v3"})
    assert str(caught.value) == "parameter 'o': 'v3' is not one of v1, v2"


@pytest.mark.parametrize(
    ("variable", "reading"),
    [
        ("_o", {"original": "?_o", "required": True, "name": "o", "type": "string"}),
        ("__o", {"original": "?__o", "required": False, "name": "o", "type": "string"}),
        # grlc's name is letters and digits: the rest is read as a language...
        (
            "_target_group",
            {
                "original": "?_target_group",
                "required": True,
                "name": "target",
                "type": "string",
                "lang": "group",
            },
        ),
        # ... and grlc matches from the start only, so it reads part of this one.
        (
            "_o_integerx",
            {
                "original": "?_o_integer",
                "required": True,
                "name": "o",
                "type": "string",
                "datatype": "xsd:integer",
            },
        ),
        ("o", None),
        ("___o", None),
    ],
)
def test_basil_variables_are_read_as_grlc_reads_them(
    variable: str, reading: dict[str, Any] | None
) -> None:
    assert basil_parameter(variable) == reading


GRLC_HEADER = "#+ summary: S\n"
ENUM_O = "#+ enumerate:\n#+   - o:\n#+     - v1\n#+     - v2\n"
BODY_O = "SELECT ?s WHERE { ?s ?p ?_o }\n"
OPTIONAL_X = HEADER.replace("required: true", "required: false")


def grlc_case(header: str, body: str, needle: str, name: str) -> Any:
    """A file that starts with grlc's summary, then ``header`` lines, then ``body``."""
    return pytest.param(GRLC_HEADER + header + body, needle, id=name)


# (file text, what the message must say): grlc headers and BASIL variables the loader refuses.
GRLC_BROKEN = [
    grlc_case("#+ enumerate: o\n", BODY_O, "enumerate must be a list", "enumerate-a-word"),
    grlc_case("#+ enumerate: {o: [v1]}\n", BODY_O, "enumerate must be a list", "enumerate-a-map"),
    grlc_case("#+ enumerate:\n#+   - [v1]\n", BODY_O, "enumerate must be a list", "enum-of-lists"),
    grlc_case(
        "#+ enumerate:\n#+   - o: v1\n",
        BODY_O,
        "enumerate: the values of 'o' must be a list",
        "enumerate-one-value",
    ),
    grlc_case(
        "#+ enumerate:\n#+   - o: []\n",
        BODY_O,
        "enumerate: the values of 'o' must be a list",
        "enumerate-no-values",
    ),
    grlc_case(
        "#+ enumerate:\n#+   - o: [[v1]]\n",
        BODY_O,
        "enumerate: each value of 'o' must be one value",
        "enumerate-nested",
    ),
    grlc_case(
        "#+ enumerate:\n#+   - o: [v1, v1]\n",
        BODY_O,
        "enumerate: 'o' lists 'v1' twice",
        "enumerate-twice",
    ),
    grlc_case(
        "#+ enumerate:\n#+   - p: [v1]\n",
        BODY_O,
        "enumerate: the query has no parameter 'p'; its parameters: o",
        "enumerate-unknown-parameter",
    ),
    grlc_case(
        "#+ enumerate:\n#+   - n: [1, two]\n",
        "SELECT ?s WHERE { ?s ?p ?_n_integer }\n",
        "parameter 'n': enumerate value 'two': expected a whole number",
        "enumerate-wrong-type",
    ),
    grlc_case(
        "#+ defaults:\n#+   - p: x\n",
        BODY_O,
        "defaults: the query has no parameter 'p'; its parameters: o",
        "default-unknown-parameter",
    ),
    grlc_case(
        "#+ defaults:\n#+   - oo: x\n",
        BODY_O,
        "defaults: the query has no parameter 'oo' (did you mean 'o'?)",
        "default-misspelt-parameter",
    ),
    grlc_case(
        "#+ defaults: {o: x}\n",
        BODY_O,
        "defaults must be a list of '- name: value' items",
        "defaults-a-mapping",
    ),
    grlc_case(
        "#+ defaults:\n#+   - o: [a, b]\n",
        BODY_O,
        "defaults: the default of 'o' must be one value",
        "default-a-list",
    ),
    grlc_case(
        "#+ defaults:\n#+   - o: a\n#+   - o: b\n",
        BODY_O,
        "defaults: 'o' is given twice",
        "default-twice",
    ),
    grlc_case(
        "#+ defaults:\n#+   - n: many\n",
        "SELECT ?s WHERE { ?s ?p ?__n_integer }\n",
        "parameter 'n': default 'many': expected a whole number",
        "default-wrong-type",
    ),
    grlc_case(
        ENUM_O + "#+ defaults:\n#+   - o: v3\n",
        BODY_O,
        "parameter 'o': default 'v3' is not one of its enumerate values (v1, v2)",
        "default-not-enumerated",
    ),
    pytest.param(
        OPTIONAL_X.replace("false", "false\n#+     default: a")
        + "#+ defaults:\n#+   - x: b\n"
        + "SELECT $x WHERE { ?s ?p $x }\n",
        "parameter 'x' has a default both under params and under defaults",
        id="default-twice-over",
    ),
    pytest.param(
        HEADER + "#+ defaults:\n#+   - x: b\nSELECT $x WHERE { ?s ?p $x }\n",
        "parameter 'x': a required parameter cannot have a default",
        id="default-of-a-required-parameter",
    ),
    pytest.param("#+ summary: [S]\n" + BODY_O, "header's summary must be text", id="summary-list"),
    pytest.param(
        "#+ endpoint: http://example.org/sparql\n" + BODY_O,
        "the header needs a title (text), or grlc's summary",
        id="no-title-nor-summary",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?_größe }\n",
        "grlc reads only ?_gr of ?_größe as a parameter",
        "basil-read-in-part",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?_o_iri_en }\n",
        "?_o_iri_en has more than one suffix",
        "basil-two-suffixes",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?_o_string }\n",
        "grlc reads ?_o_string as a literal in the language 'string'",
        "basil-not-a-language",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?_o . ?s ?q ?_o_iri }\n",
        "parameter 'o' is written both ?_o and ?_o_iri",
        "basil-two-variables",
    ),
    grlc_case(
        "",
        "SELECT ?s ?_o WHERE { ?s ?p ?_o }\n",
        "?_o stands where only a variable may",
        "basil-in-select",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(!BOUND(?__o)) }\n",
        "?__o stands where only a variable may",
        "basil-in-bound",
    ),
    grlc_case(
        "",
        "SELECT ?s WHERE { ?s ?p ?_o_ex_t }\n",
        "the query declares no PREFIX ex:",
        "basil-undeclared-prefix",
    ),
    pytest.param(
        HEADER.replace("type: string", "type: integer") + "SELECT ?s WHERE { ?s ?p ?_x_iri }\n",
        "parameter 'x' is declared type integer, but grlc passes ?_x_iri as an iri",
        id="basil-declared-type",
    ),
    pytest.param(
        HEADER + "SELECT ?s WHERE { ?s ?p ?__x }\n",
        "grlc reads ?__x (two underscores) as optional; write ?_x",
        id="basil-declared-required",
    ),
    pytest.param(
        OPTIONAL_X + "SELECT ?s WHERE { ?s ?p ?_x }\n",
        "grlc reads ?_x (one underscore) as required; write ?__x",
        id="basil-declared-optional",
    ),
    pytest.param(
        HEADER + "SELECT ?s $x WHERE { ?s ?p ?_x ; ?q $x }\n",
        "parameter 'x' is written both $x and ?_x",
        id="basil-and-dollar",
    ),
    pytest.param(
        OPTIONAL_X.replace("type: string", "type: number").replace(
            "false", "false\n#+     default: many"
        )
        + "SELECT $x WHERE { ?s ?p $x }\n",
        "parameter 'x': default 'many': expected a number",
        id="number-default",
    ),
]


@pytest.mark.parametrize(("text", "needle"), GRLC_BROKEN)
def test_the_loader_refuses_a_broken_grlc_header_or_variable(
    tmp_path: Path, text: str, needle: str
) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(text, "utf-8")
    with pytest.raises(QueryFileError) as caught:
        load_query(path)
    message = str(caught.value)
    assert needle in message
    assert str(path) in message and "\n" not in message


def test_grlc_keys_kg_does_not_act_on_are_kept_unchecked() -> None:
    text = (
        "#+ title: T\n#+ description: D\n#+ summary: S\n"
        "#+ endpoint: not a url\n#+ endpoint-method: FETCH\n#+ method: put\n"
        "#+ pagination: lots\n#+ endpoint_in_url: False\n#+ transform: [1]\n#+ mime: x/y\n"
        "#+ enumerate:\n#+   - elsewhere\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
    )
    query = parse_query(text, name="kept")
    assert (query.title, query.summary, query.description) == ("T", "S", "D")
    assert query.grlc["pagination"] == "lots" and query.grlc["endpoint_in_url"] is False
    assert query.grlc["enumerate"] == ["elsewhere"] and query.params == {}
    # The summary stands in for a missing description when there is a title.
    assert parse_query("#+ title: T\n#+ summary: S\nSELECT * {}\n", name="s").description == "S"
