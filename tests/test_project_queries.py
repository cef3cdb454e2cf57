"""The real queries on the real built graph: each runs with its example parameters and finds
what the source documents establish. docs/queries.md is what the queries give now."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kg.ask.queries import PARAM_TYPES, Query, load_queries, run_query
from kg.ask.tables import Resource, Table
from kg.namespaces import ID, TOOI_GEMEENTE
from kg.store import LocalStore, open_store

from .conftest import ROOT

QUERIES = load_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def store(real_build) -> Iterator[LocalStore]:
    with open_store(real_build.build_dir) as opened:
        yield opened  # type: ignore[misc]


def iris(cell: Any) -> set[str]:
    """The IRIs in a cell (a resource or a list of them)."""
    if isinstance(cell, Resource):
        return {cell.iri}
    if isinstance(cell, tuple):
        return {r.iri for r in cell}
    return set()


def row_for(table: Table, column: str, iri: str) -> dict[str, Any]:
    rows = [row for row in table.dicts() if iri in iris(row[column])]
    assert rows, f"no row with {iri} in column {column}: {table.column(column)}"
    return rows[0]


def example(store: LocalStore, name: str, **values: str) -> Table:
    query = QUERIES[name]
    return run_query(store, query, {**query.example_values(), **values})


P = ID + "programme/"
ORG = ID + "organisation/"


def test_there_are_at_least_fifteen_queries() -> None:
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_every_query_is_described_for_a_policy_advisor(query: Query) -> None:
    assert query.title and query.description and query.tags
    for param in query.params.values():
        assert param.type in PARAM_TYPES
        assert param.example is not None, f"{param.name} has no example"
        assert param.description


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_every_query_answers_its_example(store: LocalStore, query: Query) -> None:
    table = run_query(store, query, query.example_values())
    assert len(table) > 0
    # Parameter columns are left out; every other column is named in the SELECT clause.
    assert not set(table.columns) & set(query.params)
    # The source of every row is a column.
    sources = [c for c in table.columns if c in ("source", "sources")]
    if query.name not in (
        "instrument-combinations",
        "instruments-overview",
        "interventions-where-applied",
        "organisations-connecting-domains",
        "sources-of-resource",
    ):
        assert sources, f"{query.name} has no source column"


def test_samen_in_beweging_runs_in_kampen_with_ggd_ijsselland(store: LocalStore) -> None:
    table = example(store, "programmes-in-municipality", municipality="Kampen")
    row = row_for(table, "programme", P + "samen-in-beweging")
    assert ORG + "ggd-ijsselland" in iris(row["partners"])
    assert ID + "intervention/welzijn-op-recept" in iris(row["interventions"])
    assert ID + "accord/gala" in iris(row["instruments"])  # through Welzijn op Recept
    assert ID + "source/zonmw-samen-in-beweging" in iris(row["sources"])
    # The municipality itself is not its own partner; a national programme reaches it too.
    assert TOOI_GEMEENTE + "gm0166" not in iris(row["partners"])
    national = row_for(table, "programme", P + "alles-is-gezondheid")
    assert iris(national["where"]) == {ID + "area/nederland"}


@pytest.mark.parametrize(
    "spelling",
    [
        "Kampen",
        "kampen",
        "GM0166",
        "0166",
        "Gemeente Kampen",
        "tooi:gm0166",
        TOOI_GEMEENTE + "gm0166",
    ],
)
def test_a_municipality_can_be_named_several_ways(store: LocalStore, spelling: str) -> None:
    table = example(store, "programmes-in-municipality", municipality=spelling)
    assert P + "samen-in-beweging" in set().union(*map(iris, table.column("programme")))


def test_gouda_has_its_community_brokers(store: LocalStore) -> None:
    table = example(store, "programmes-in-municipality", municipality="Gouda")
    row_for(table, "programme", P + "sociaal-makelaars-gouda")


def test_programmes_for_older_residents_and_exercise(store: LocalStore) -> None:
    table = example(store, "programmes-by-target-group-and-theme")
    row = row_for(table, "approach", P + "samen-in-beweging")
    assert ID + "area/gm0166" in iris(row["municipalities"])
    # A narrower target group than asked finds nothing the broader one would not.
    english = example(
        store,
        "programmes-by-target-group-and-theme",
        target_group="older residents",
        theme="physical activity",
    )
    assert english.rows == table.rows


def test_samen_in_beweging_is_under_gala_through_welzijn_op_recept(store: LocalStore) -> None:
    table = example(store, "legal-basis-and-funding")
    gala = row_for(table, "instrument", ID + "accord/gala")
    assert iris(gala["via"]) == {ID + "intervention/welzijn-op-recept"}
    row_for(table, "instrument", ID + "scheme/brede-spuk")


def test_programmes_under_gala(store: LocalStore) -> None:
    table = example(store, "programmes-under-instrument")
    row_for(table, "programme", P + "samen-in-beweging")
    row_for(table, "programme", ID + "intervention/welzijn-op-recept")


def test_green_reintegration_combines_wmo_and_participatiewet(store: LocalStore) -> None:
    table = run_query(store, QUERIES["programmes-combining-instruments"], {})  # the defaults
    row = row_for(table, "programme", P + "groene-re-integratie")
    assert ID + "intervention/groene-activering-en-arbeidsmatige-dagbesteding" in iris(
        row["via_first"]
    )
    pairs = example(store, "instrument-combinations")
    pair = [
        r
        for r in pairs.dicts()
        if iris(r["first"]) | iris(r["second"]) == {ID + "law/participatiewet", ID + "law/wmo-2015"}
    ]
    assert pair and P + "groene-re-integratie" in iris(pair[0]["programmes"])


def test_partners_of_samen_in_beweging_with_roles(store: LocalStore) -> None:
    table = example(store, "partners-of-programme")
    viaa = row_for(table, "partner", ORG + "hogeschool-viaa")
    assert {r.label for r in viaa["roles"]} == {"partner", "opleidingspartner"}
    kampen = row_for(table, "partner", TOOI_GEMEENTE + "gm0166")
    assert [r.label for r in kampen["roles"]] == ["deelnemende gemeente"]


def test_programmes_of_ggd_ijsselland(store: LocalStore) -> None:
    table = example(store, "programmes-of-organisation")
    assert [r.label for r in table.column("programme")] == ["Samen in Beweging"]  # type: ignore[union-attr]


def test_organisations_and_programmes_that_connect_domains(store: LocalStore) -> None:
    table = example(store, "organisations-connecting-domains")
    academy = row_for(table, "organisation", ORG + "buurtsportcoach-academy")
    assert {ID + "concept/domein-sport", ID + "concept/domein-onderwijs"} <= iris(
        academy["domains"]
    )
    assert all(n >= 3 for n in table.column("number"))  # type: ignore[operator]
    programmes = example(store, "cross-domain-programmes")
    green = row_for(programmes, "approach", P + "groene-re-integratie")
    assert ID + "concept/domein-werk-en-inkomen" in iris(green["domains"])


def test_gaps_for_older_residents_in_ggd_ijsselland(store: LocalStore) -> None:
    table = example(store, "gaps-for-target-group")
    codes = table.column("code")
    # Four of the region's eleven municipalities take part in Samen in Beweging (seed 001).
    assert len(codes) == 7
    assert "GM0148" in codes and "GM0166" not in codes and "GM0160" not in codes


def test_programmes_in_overijssel(store: LocalStore) -> None:
    table = example(store, "programmes-in-region")
    row = row_for(table, "programme", P + "samen-in-beweging")
    assert ID + "area/gm0166" in iris(row["municipalities"])
    assert ID + "area/gm0294" not in iris(row["municipalities"])  # Winterswijk is in Gelderland


def test_timeline_of_2020(store: LocalStore) -> None:
    table = example(store, "timeline")
    dates = table.column("date")
    assert "2020-09-09" in dates  # the first Participatie en Zorg webinar (seed 002)
    assert all(str(d) <= "2020-12-31" and str(d) >= "2020" for d in dates), dates
    everything = run_query(store, QUERIES["timeline"], {})
    assert len(everything) > len(table) and "2008-09-15" in everything.column("date")


def test_sources_and_description_of_a_resource(store: LocalStore) -> None:
    table = example(store, "sources-of-resource")
    row = row_for(table, "source", ID + "source/zonmw-samen-in-beweging")
    assert row["title"].startswith("Samen in Beweging met kwetsbare bewoners")
    assert row["statements"] > 10
    described = example(store, "describe-resource")
    props = {
        (next(iter(iris(r["property"]))), frozenset(iris(r["value"]))) for r in described.dicts()
    }
    assert ("https://w3id.org/kg-sociaal/def#underAccord", frozenset({ID + "accord/gala"})) in props


def test_findings_interventions_instruments_and_publications(store: LocalStore) -> None:
    findings = example(store, "findings")
    row_for(findings, "finding", ID + "finding/samen-in-beweging-verwijzers-welzijn-op-recept")
    assert len(findings) < len(run_query(store, QUERIES["findings"], {}))
    applied = example(store, "interventions-where-applied")
    wor = row_for(applied, "intervention", ID + "intervention/welzijn-op-recept")
    assert P + "samen-in-beweging" in iris(wor["programmes"])
    overview = example(store, "instruments-overview")
    spuk = row_for(overview, "instrument", ID + "scheme/brede-spuk")
    assert ID + "accord/gala" in iris(spuk["finances"])
    works = example(store, "publications-and-outputs")
    row_for(works, "work", ID + "publication/factsheet-groene-re-integratie")
    assert {next(iter(iris(a))) for a in works.column("approach")} == {P + "groene-re-integratie"}


def test_english_labels(store: LocalStore) -> None:
    table = run_query(
        store, QUERIES["programmes-in-municipality"], {"municipality": "Kampen"}, lang="en"
    )
    assert "Moving Together" in [r.label for r in table.column("programme")]  # type: ignore[union-attr]


def test_class_lists_in_queries_are_the_ontologys_subclasses(real_build) -> None:
    """instrument-combinations lists the approach and instrument classes (Virtuoso 7.2 loses
    resources two steps down rdfs:subClassOf*); the lists must be the ontology's closure."""
    import re

    from kg.store import open_store

    text = (ROOT / "queries" / "instrument-combinations.rq").read_text("utf-8")
    kg = "https://w3id.org/kg-sociaal/def#"
    with open_store(real_build.build_dir) as store:
        for variable, top in (("class", "Approach"), ("kind", "PolicyInstrument")):
            listed = set(re.findall(rf"VALUES \?{variable} \{{([^}}]*)\}}", text)[0].split())
            rows = store.select_values(
                "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                f"<{kg}{top}> }}"
            )
            assert listed == {"kg:" + c.removeprefix(kg) for (c,) in rows if c}
