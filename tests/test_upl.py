"""kg.build.upl: the UPL's municipal products as statutory services, with their legal basis."""

from __future__ import annotations

import csv

from kg.paths import REFERENCE_RELATIVE
from kg.store import open_store

from .conftest import ROOT

UPL = ROOT / REFERENCE_RELATIVE / "upl_sociaal_domein.csv"
PREFIXES = """
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX kg: <https://w3id.org/kg-sociaal/def#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
LAW = "https://w3id.org/kg-sociaal/id/law/"


def _rows() -> list[dict[str, str]]:
    with UPL.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_59_services_each_with_the_upls_legal_basis(real_build) -> None:
    """Service, article link and article IRI of every row, exactly (the truth check per row)."""
    expected = {(r["URI"], r["Grondslaglink"], r["Grondslag"]) for r in _rows()}
    assert len({s for s, _, _ in expected}) == 59
    query = (
        PREFIXES
        + """SELECT ?s ?link ?same WHERE { ?s a kg:StatutoryService ;
        cv:hasLegalResource ?a . ?a foaf:page ?link ; owl:sameAs ?same }"""
    )
    with open_store(real_build.build_dir) as store:
        assert set(store.select_values(query)) == expected


def test_every_article_is_part_of_a_law_with_a_bwb_id(real_build) -> None:
    query = (
        PREFIXES
        + """SELECT ?a ?bwb ?link WHERE { ?a a kg:LawArticle .
        OPTIONAL { ?a eli:is_part_of/dct:identifier ?bwb } OPTIONAL { ?a foaf:page ?link } }"""
    )
    with open_store(real_build.build_dir) as store:
        rows = store.select_values(query)
    assert len(rows) >= 36
    for article, bwb, link in rows:
        assert bwb and bwb.startswith("BWBR"), article
        assert link and link.startswith(f"https://wetten.overheid.nl/jci1.3:c:{bwb}&"), article


def test_core_duties_are_marked(real_build) -> None:
    """The articles that set the municipality's core duty, checked in the 2015 texts."""
    query = PREFIXES + "SELECT ?a WHERE { ?a kg:coreDuty true }"
    with open_store(real_build.build_dir) as store:
        found = {a.removeprefix(LAW) for (a,) in store.select_values(query)}
    assert found == {
        "wmo-2015-artikel-2-1-1",
        "participatiewet-artikel-7",
        "wet-publieke-gezondheid-artikel-2",
        "jeugdwet-artikel-2-3",
        "jeugdwet-artikel-2-4",
        "wet-gemeentelijke-schuldhulpverlening-artikel-3",
    }


def test_every_municipality_provides_them_once_not_per_municipality(real_build) -> None:
    query = (
        PREFIXES
        + """SELECT DISTINCT ?who WHERE { ?s a kg:StatutoryService ;
        cv:hasCompetentAuthority ?who }"""
    )
    with open_store(real_build.build_dir) as store:
        who = {w for (w,) in store.select_values(query)}
        member = store.select_values(PREFIXES + "SELECT ?c WHERE { ?l kg:layerMember ?c }")
    org = "https://w3id.org/kg-sociaal/id/organisation/"
    # Rijk = X only on the two rows of 'persoonsgebonden budget'.
    assert who == {org + "gemeenten", org + "rijksoverheid"}
    assert member == [("https://w3id.org/kg-sociaal/def#Municipality",)]


def test_procedures_follow_the_upl_columns(real_build) -> None:
    columns = {
        "Aanvraag": "aanvraag",
        "Subsidie": "subsidie",
        "Melding": "melding",
        "Verplichting": "verplichting",
    }
    expected = {
        (r["URI"], "https://w3id.org/kg-sociaal/id/concept/procedure-" + v)
        for r in _rows()
        for c, v in columns.items()
        if r[c] == "X"
    }
    query = PREFIXES + "SELECT ?s ?p WHERE { ?s a kg:StatutoryService ; kg:procedure ?p }"
    with open_store(real_build.build_dir) as store:
        assert set(store.select_values(query)) == expected
