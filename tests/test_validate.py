"""kg.validate: findings read as plain sentences; only violations fail; graph names checked."""

from __future__ import annotations

import json

import rdflib

from kg.store import LocalStore
from kg.validate import Shapes, Violation, check_graph_names, validate_graph, validate_sources

from .conftest import INVALID, TINY

SH = "http://www.w3.org/ns/shacl#"
EX = "https://example.org/"


def test_violation_names_label_property_expectation_and_value(make_project) -> None:
    report = validate_sources(make_project(TINY, INVALID / "law-bad-bwb.trig"))
    (hit,) = [
        v for v in report.violations if v.property and v.property.startswith("dct:identifier")
    ]
    text = str(hit)
    assert text.startswith("Tweede testwet <https://w3id.org/kg-sociaal/id/law/tiny-wet-2>")
    assert ", dct:identifier: " in text  # its label "identifier" would only repeat the name
    assert "BWBR followed by seven digits" in text
    assert "(value: 'BWBR123')" in text


def test_property_label_is_shown_when_it_says_more_than_the_name(make_project) -> None:
    report = validate_sources(make_project(TINY, INVALID / "programme-spatial-not-location.trig"))
    assert any('dct:spatial "spatial coverage"' in str(v) for v in report.violations)


def test_default_graph_holds_only_code_lists(make_project) -> None:
    stray = (
        "stray.ttl",
        "<https://w3id.org/kg-sociaal/id/law/tiny-wet> "
        '<http://www.w3.org/2004/02/skos/core#altLabel> "TW"@nl .\n',
    )
    report = validate_sources(make_project(TINY, stray))
    (hit,) = [v for v in report.violations if "outside any source graph" in v.message]
    assert hit.focus == "https://w3id.org/kg-sociaal/id/law/tiny-wet"


def test_report_json_lists_every_violation(make_project) -> None:
    report = validate_sources(make_project(TINY, INVALID / "programme-without-authority.trig"))
    doc = json.loads(report.to_json())
    assert doc["conforms"] is False
    assert len(doc["violations"]) == len(report.violations) >= 2
    assert {"focus", "focus_label", "property", "message", "shapes"} <= set(doc["violations"][0])


def test_warnings_are_reported_but_do_not_fail() -> None:
    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <{SH}> .
        <{EX}S> a sh:NodeShape ; sh:targetClass <{EX}C> ;
          sh:property [ sh:path <{EX}p> ; sh:minCount 1 ; sh:severity sh:Warning ;
                        sh:message "should have p" ] .""",
        format="turtle",
    )
    data = rdflib.Graph().parse(data=f"<{EX}x> a <{EX}C> .", format="turtle")
    report = validate_graph(data, Shapes(shapes, frozenset()))
    assert report.conforms
    assert [w.message for w in report.warnings] == ["should have p"]
    assert report.warnings[0].severity == "warning"


def test_messages_without_sh_message_are_explained() -> None:
    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <{SH}> .
        <{EX}S> a sh:NodeShape ; sh:targetClass <{EX}C> ;
          sh:property [ sh:path <{EX}p> ; sh:minCount 2 ] .""",
        format="turtle",
    )
    data = rdflib.Graph().parse(data=f"<{EX}x> a <{EX}C> .", format="turtle")
    (v,) = validate_graph(data, Shapes(shapes, frozenset())).violations
    assert v.message == "needs at least 2 value(s)"


def test_undeclared_named_graph_is_a_violation() -> None:
    store = LocalStore.in_memory()
    store.load(f"<{EX}g> {{ <{EX}a> <{EX}b> <{EX}c> . }}".encode(), "trig")
    (v,) = check_graph_names(store)
    assert isinstance(v, Violation) and v.focus == f"{EX}g"
    assert "not declared as a kg:Source" in v.message
