"""Project tests: the real ontology/ and data/ build, conform, and agree with the reference."""

from __future__ import annotations

import re

from kg.paths import REFERENCE_RELATIVE
from kg.store import open_store

from .conftest import ROOT

FACTS = ROOT / REFERENCE_RELATIVE / "facts.md"


def test_real_data_conforms_with_no_warnings(real_build) -> None:
    from kg.validate import validate_sources

    report = validate_sources(real_build)
    assert report.violations == [] and report.warnings == []


def test_every_named_graph_is_a_source_with_a_title(real_build) -> None:
    with open_store(real_build.build_dir) as store:
        rows = store.select("""
            PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?g ?title WHERE { GRAPH ?g { ?s ?p ?o }
              FILTER(?g != <https://w3id.org/kg-sociaal/def>)
              OPTIONAL { ?g dct:title ?title } } GROUP BY ?g ?title""")
    assert rows.rows
    assert all(title is not None for _, title in rows.rows)


def test_law_identifiers_match_the_reference_facts(real_build) -> None:
    """Every BWB id in data/ is the one facts.md gives for that title (no swapped ids)."""
    table = dict(
        re.findall(
            r"^\| [^|]+\| ([^|(]+?) (?:\([^|]*\))?\s*\| (BWBR\d{7}) \|",
            FACTS.read_text("utf-8"),
            re.MULTILINE,
        )
    )
    assert len(table) >= 8
    with open_store(real_build.build_dir) as store:
        rows = store.select("""
            PREFIX dct: <http://purl.org/dc/terms/>
            PREFIX kg: <https://w3id.org/kg-sociaal/def#>
            SELECT ?title ?id WHERE { ?law a kg:Law ; dct:title ?title ; dct:identifier ?id }""")
    assert rows.rows
    for title, bwb in rows.rows:
        assert table.get(str(title)) == str(bwb), (str(title), str(bwb))
