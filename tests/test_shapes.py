"""Shapes catch a broken example of each kind (golden files in tests/data/shapes/invalid/),
accept the tiny complete data set, and CPSV-AP's official shapes apply to CPSV-typed data."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from kg.paths import Paths
from kg.validate import validate_sources

from .conftest import INVALID, TINY

INVALID_FILES = sorted(INVALID.glob("*.trig"))


def _expectation(path: Path) -> tuple[str, str | None]:
    match = re.search(r"^# expect: (\S+) (\S+)$", path.read_text("utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no '# expect: FOCUS PROPERTY' line"
    focus, prop = match.groups()
    return focus, None if prop == "-" else prop


def test_the_tiny_data_set_conforms(make_project) -> None:
    report = validate_sources(make_project(TINY))
    assert report.conforms, "\n".join(map(str, report.violations))


def test_there_is_a_broken_example_of_every_kind() -> None:
    kinds = {p.name.split("-")[0] for p in INVALID_FILES}
    expected = {
        "programme",
        "participation",
        "phase",
        "municipality",
        "municipal",
        "province",
        "ggd",
        "law",
        "accord",
        "scheme",
        "concept",
        "source",
        "organisation",
        "network",
        "event",
        "publication",
        "intervention",
        "finding",
        "person",
        "public",
    }
    assert expected <= kinds, expected - kinds


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_kg_shapes_catch_the_broken_example(make_project, path: Path) -> None:
    """kg's own shapes (without CPSV-AP's) must catch each broken example."""
    focus, prop = _expectation(path)
    paths = make_project(TINY, path)
    report = validate_sources(Paths(paths.ontology_dir, paths.data_dir, paths.build_dir, None))
    assert not report.conforms
    hits = [v for v in report.violations if v.focus == focus]
    assert hits, f"no violation on {focus}; got:\n" + "\n".join(map(str, report.violations))
    if prop is not None:
        assert any(v.property and v.property.split(" ")[0] == prop for v in hits), (
            f"no violation of {prop} on {focus}; got:\n" + "\n".join(map(str, hits))
        )


@pytest.mark.parametrize(
    ("name", "prop"),
    [
        ("public-service-without-authority", "cv:hasCompetentAuthority"),
        ("organisation-without-identifier", "dct:identifier"),  # Agent via ORG's subclass axiom
        ("participation-without-role", "cv:role"),  # Participation
    ],
)
def test_official_cpsv_shapes_apply_to_kg_data(make_project, official_cpsv, name, prop) -> None:
    paths = replace(make_project(TINY, INVALID / f"{name}.trig"), cpsv_shapes=official_cpsv)
    # kg's shapes left out: one shape with no target, so nothing but CPSV-AP's applies
    (paths.ontology_dir / "shapes.ttl").write_text(
        "<urn:x-kg:none> a <http://www.w3.org/ns/shacl#NodeShape> .\n", "utf-8"
    )
    report = validate_sources(paths)
    assert any(
        v.shapes == "CPSV-AP 3.2.0" and v.property and v.property.startswith(prop)
        for v in report.violations
    ), [str(v) for v in report.violations]


def test_one_line_per_problem_when_both_shape_sets_find_it(make_project, official_cpsv) -> None:
    paths = make_project(TINY, INVALID / "public-service-without-authority.trig")
    report = validate_sources(replace(paths, cpsv_shapes=official_cpsv))
    hits = [
        v
        for v in report.violations
        if v.property and v.property.startswith("cv:hasCompetentAuthority")
    ]
    assert len(hits) == 1 and hits[0].shapes == "kg + CPSV-AP 3.2.0"
    assert "responsible public organisation" in hits[0].message


def test_without_cpsv_only_kg_shapes_report(make_project) -> None:
    paths = make_project(TINY, INVALID / "public-service-without-authority.trig")
    no_cpsv = Paths(paths.ontology_dir, paths.data_dir, paths.build_dir, None)
    report = validate_sources(no_cpsv)
    assert report.violations and all(v.shapes == "kg" for v in report.violations)


def test_the_real_data_conforms_under_rdfs_inference(real_build) -> None:
    """kg:hasPhase is a kind of dct:hasPart: with RDFS inference a programme's phases are
    among its parts, and the shapes accept them (pySHACL, inference="rdfs")."""
    import pyshacl
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(real_build.build_dir / "kg.trig", format="trig")
    data = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    conforms, _, text = pyshacl.validate(
        data,
        shacl_graph=rdflib.Graph().parse(real_build.shapes_file),
        ont_graph=rdflib.Graph().parse(real_build.ontology_dir / "kg.ttl"),
        inference="rdfs",
        advanced=True,
    )
    assert conforms, text[:2000]
