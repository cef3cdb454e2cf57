"""kg.validate: findings read as plain sentences; only violations fail; graph names checked."""

from __future__ import annotations

import json

import pytest
import rdflib

from kg.store import LocalStore
from kg.validate import Shapes, check_structure, validate_graph, validate_sources

from .conftest import INVALID, ROOT, TINY

ONTOLOGY = ROOT / "ontology" / "kg.ttl"

SH = "http://www.w3.org/ns/shacl#"
EX = "https://example.org/"


def test_violation_names_file_label_property_expectation_and_value(make_project) -> None:
    paths = make_project(TINY, INVALID / "law-bad-bwb.trig")
    report = validate_sources(paths)
    (hit,) = [
        v for v in report.violations if v.property and v.property.startswith("dct:identifier")
    ]
    text = str(hit)
    bad = paths.data_dir / "law-bad-bwb.trig"  # the file that states it, not tiny.trig
    assert hit.files == (str(bad),)
    assert text.startswith(f"{bad}: Tweede testwet <https://w3id.org/kg-sociaal/id/law/tiny-wet-2>")
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
    broken = (INVALID / "law-bad-bwb.trig", INVALID / "public-service-without-authority.trig")
    report = validate_sources(make_project(TINY, *broken))
    doc = json.loads(report.to_json())
    assert doc["conforms"] is False
    assert len(doc["violations"]) == len(report.violations) == 2
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


K = "https://w3id.org/kg-sociaal/"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SOURCE = f"<{K}def#Source>"

# (case, TriG, focus that must be reported, words of the message); each row breaks one rule.
STRUCTURE = [
    (
        "undeclared-graph",
        f"<{EX}g> {{ <{EX}a> {TYPE} <{K}def#Law> . }}",
        f"{EX}g",
        "not declared as a kg:Source",
    ),
    (
        "fact-in-default-graph",
        f"<{EX}a> {TYPE} <{K}def#Law> .",
        f"{EX}a",
        "outside any source graph",
    ),
    (
        "blank-node-object",
        f"<{EX}s> {{ <{EX}s> {TYPE} {SOURCE} ; <{EX}p> [ <{EX}q> 1 ] . }}",
        f"{EX}s",
        "uses a blank node; give every resource an IRI",
    ),
    (
        "misspelt-type",
        f"<{EX}s> {{ <{EX}s> {TYPE} {SOURCE} . <{EX}a> {TYPE} <{K}def#Programm> . }}",
        f"{EX}a",
        "no class that the ontology declares",
    ),
    (
        "untyped",
        f"<{EX}s> {{ <{EX}s> {TYPE} {SOURCE} . <{EX}a> <{EX}p> 1 . }}",
        f"{EX}a",
        "no class that the ontology declares",
    ),
    (
        "tooi-code-mismatch",
        f"<{EX}s> {{ <{EX}s> {TYPE} {SOURCE} . "
        f"<https://identifier.overheid.nl/tooi/id/gemeente/gm0166> {TYPE} <{K}def#Municipality> ;"
        f' <http://purl.org/dc/terms/identifier> "GM0193" . }}',
        "https://identifier.overheid.nl/tooi/id/gemeente/gm0166",
        "does not match its CBS code",
    ),
]


@pytest.mark.parametrize(
    ("case", "trig", "focus", "words"), STRUCTURE, ids=[row[0] for row in STRUCTURE]
)
def test_structure_rules(case, trig, focus, words) -> None:
    store = LocalStore.in_memory()
    store.load(ONTOLOGY.read_bytes(), "ttl", graph=f"{K}def")
    store.load(trig.encode(), "trig")
    hits = [v for v in check_structure(store) if v.focus == focus]
    assert any(words in v.message for v in hits), [str(v) for v in check_structure(store)]


def test_structure_rules_accept_the_tiny_data_set(tiny_build) -> None:
    from kg.store import open_store

    with open_store(tiny_build.build_dir) as disk:
        memory = LocalStore.in_memory()
        memory.load(disk.dump("nq"), "nq")
    assert check_structure(memory) == []


def test_library_validation_reports_ill_typed_literals_without_logging(make_project, caplog):
    """rdflib logs a traceback for every ill-typed literal it meets; kg reports them in words
    and keeps stderr clean, from Python as well as from the CLI."""
    bad = (
        "bad.trig",
        "<https://w3id.org/kg-sociaal/id/source/tiny> { "
        "<https://w3id.org/kg-sociaal/id/law/tiny-wet> <http://www.w3.org/2004/02/skos/core#note>"
        ' "abc"^^<http://www.w3.org/2001/XMLSchema#integer> . }',
    )
    paths = make_project(TINY, bad)
    with caplog.at_level("DEBUG", logger="rdflib"):
        report = validate_sources(paths)
    assert any("not a valid form of its datatype" in v.message for v in report.violations)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("rdflib")] == []
