"""kg's SHACL engine (kg.store.shacl): each constraint on hand-made graphs whose answer is
worked out by hand, the same report as pySHACL on every broken example and on mutated data,
and a clear refusal (or a fall-back to pySHACL) for shapes it does not implement."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import load_sources
from kg.errors import KgError
from kg.paths import Paths
from kg.store import LocalStore
from kg.store.shacl import Unsupported, compile_shapes, validate
from kg.validate import Shapes, choose_engine, load_shapes, validate_store

from .conftest import INVALID, TINY

EX = "http://example.org/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
"""


def _run(shapes_ttl: str, data_ttl: str) -> set[tuple[str, str | None, str]]:
    """(focus, value, component) of every result of kg's engine."""
    shapes = rdflib.Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    store = ox.Store()
    store.extend(ox.parse(PREFIXES + data_ttl, format=ox.RdfFormat.TURTLE))
    return {
        (
            str(r.focus).removeprefix(EX),
            None if r.value is None else str(r.value).removeprefix(EX),
            str(r.component).rsplit("#")[-1].removesuffix("ConstraintComponent"),
        )
        for r in validate(store, compile_shapes(shapes))
    }


def _pyshacl(shapes_ttl: str, data_ttl: str) -> set[tuple[str, str | None, str]]:
    import pyshacl

    shapes = rdflib.Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = rdflib.Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    sh = rdflib.SH
    return {
        (
            str(results.value(r, sh.focusNode)).removeprefix(EX),
            None
            if results.value(r, sh.value) is None
            else str(results.value(r, sh.value)).removeprefix(EX),
            str(results.value(r, sh.sourceConstraintComponent))
            .rsplit("#")[-1]
            .removesuffix("ConstraintComponent"),
        )
        for r in results.subjects(rdflib.RDF.type, sh.ValidationResult)
    }


def _shape(constraints: str) -> str:
    return (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        f"sh:property [ sh:path ex:p ; {constraints} ] ."
    )


# (case, constraints on ex:p, data, expected (focus, value, component) results), each worked
# out by hand from the SHACL specification.
CASES = [
    ("min count met", "sh:minCount 1", "ex:a a ex:C ; ex:p 1 .", set()),
    ("min count missed", "sh:minCount 2", "ex:a a ex:C ; ex:p 1 .", {("a", None, "MinCount")}),
    ("max count", "sh:maxCount 1", "ex:a a ex:C ; ex:p 1, 2 .", {("a", None, "MaxCount")}),
    (
        "class through a subclass",
        "sh:class ex:K",
        "ex:a a ex:C ; ex:p ex:v, ex:w, 3 . ex:v a ex:L . "
        "ex:L rdfs:subClassOf ex:K . ex:w a ex:M .",
        {("a", "w", "Class"), ("a", "3", "Class")},
    ),
    (
        "datatype: ill-typed and wrong type fail",
        "sh:datatype xsd:integer",
        'ex:a a ex:C ; ex:p 5, "x"^^xsd:integer, 2.5, "5" .',
        {("a", "x", "Datatype"), ("a", "2.5", "Datatype"), ("a", "5", "Datatype")},
    ),
    (
        "datatype: language-tagged text",
        "sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>",
        'ex:a a ex:C ; ex:p "x"@nl, "y" .',
        {("a", "y", "Datatype")},
    ),
    (
        "node kind",
        "sh:nodeKind sh:IRI",
        'ex:a a ex:C ; ex:p ex:v, "v" .',
        {("a", "v", "NodeKind")},
    ),
    (
        "pattern searches, flags apply",
        'sh:pattern "^ab" ; sh:flags "i"',
        'ex:a a ex:C ; ex:p "ABc", "cab" .',
        {("a", "cab", "Pattern")},
    ),
    (
        "language in, with sub-tags",
        'sh:languageIn ( "nl" "en" )',
        'ex:a a ex:C ; ex:p "x"@nl, "y"@en-GB, "z"@de, "w" .',
        {("a", "z", "LanguageIn"), ("a", "w", "LanguageIn")},
    ),
    (
        "unique language: one result per repeated tag",
        "sh:uniqueLang true",
        'ex:a a ex:C ; ex:p "x"@nl, "y"@nl, "z"@en .',
        {("a", None, "UniqueLang")},
    ),
    (
        "min inclusive",
        "sh:minInclusive 1",
        'ex:a a ex:C ; ex:p 0, 1, 7, "8" .',
        {("a", "0", "MinInclusive"), ("a", "8", "MinInclusive")},
    ),
    (
        "or: one alternative is enough",
        "sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ] )",
        'ex:a a ex:C ; ex:p "2020-01-02"^^xsd:date, "2020"^^xsd:gYear, "2020-13-40"^^xsd:date .',
        {("a", "2020-13-40", "Or")},
    ),
    (
        "qualified counts",
        "sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 1 ; "
        "sh:qualifiedMaxCount 1",
        "ex:a a ex:C ; ex:p ex:v . ex:v a ex:M . ex:b a ex:C ; ex:p ex:v, ex:w, ex:x . "
        "ex:w a ex:K . ex:x a ex:K .",
        {("a", None, "QualifiedMinCount"), ("b", None, "QualifiedMaxCount")},
    ),
    (
        "a subclass instance is a target",
        "sh:minCount 1",
        "ex:a a ex:D . ex:D rdfs:subClassOf ex:C .",
        {("a", None, "MinCount")},
    ),
]


@pytest.mark.parametrize(
    ("case", "constraints", "data", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_constraint(case: str, constraints: str, data: str, expected: set) -> None:
    got = _run(_shape(constraints), data)
    assert got == expected
    assert _pyshacl(_shape(constraints), data) == expected, "pySHACL reads it differently"


def test_inverse_path_and_node_constraints() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:pattern "^http://example.org/ok" ;
        sh:property [ sh:path [ sh:inversePath ex:has ] ; sh:minCount 1 ; sh:maxCount 1 ] ."""
    data = """ex:ok1 a ex:C . ex:x ex:has ex:ok1 .
        ex:bad a ex:C . ex:x ex:has ex:bad . ex:y ex:has ex:bad .
        ex:ok2 a ex:C ."""
    expected = {
        ("bad", "bad", "Pattern"),
        ("bad", None, "MaxCount"),
        ("ok2", None, "MinCount"),
    }
    assert _run(shapes, data) == expected
    assert _pyshacl(shapes, data) == expected


def test_deactivated_shapes_and_warnings() -> None:
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:deactivated true ] ;
        sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Warning ] ."""
    graph = rdflib.Graph().parse(data=PREFIXES + shapes, format="turtle")
    store = ox.Store()
    store.extend(ox.parse(PREFIXES + "ex:a a ex:C .", format=ox.RdfFormat.TURTLE))
    (result,) = validate(store, compile_shapes(graph))
    assert result.severity == rdflib.SH.Warning and str(result.path) == EX + "q"


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:xone ( [ sh:class ex:K ] ) .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
        "ex:S a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    ],
    ids=["targetNode", "xone", "sequence path", "closed", "implicit class target"],
)
def test_unsupported_features_are_refused_before_any_data(shapes: str) -> None:
    with pytest.raises(Unsupported):
        compile_shapes(rdflib.Graph().parse(data=PREFIXES + shapes, format="turtle"))


def test_auto_falls_back_to_pyshacl_and_kg_refuses() -> None:
    shapes = Shapes(
        rdflib.Graph().parse(
            data=PREFIXES
            + """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                sh:xone ( [ sh:class ex:K ] [ sh:class ex:L ] ) .""",
            format="turtle",
        ),
        frozenset(),
    )
    assert choose_engine(shapes, "auto")[0] == "pyshacl"
    assert "xone" in choose_engine(shapes, "auto")[1]
    with pytest.raises(KgError, match="--shacl-engine pyshacl"):
        choose_engine(shapes, "kg")
    store = LocalStore.in_memory()
    store.extend(ox.parse(PREFIXES + "ex:a a ex:C .", format=ox.RdfFormat.TURTLE))
    report = validate_store(store, shapes, "auto")
    assert any(v.constraint == "Xone" for v in report.violations)


def test_the_project_shapes_run_on_kg_engine(official_cpsv: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    shapes = load_shapes(Paths.from_root(root, cpsv_shapes=official_cpsv))
    assert choose_engine(shapes)[0] == "kg"


def _both(paths: Paths) -> None:
    shapes = load_shapes(paths)
    store = load_sources(paths).store
    ours = validate_store(store, shapes, "kg")
    theirs = validate_store(store, shapes, "pyshacl")
    assert [str(v) for v in ours.violations] == [str(v) for v in theirs.violations]
    assert ours.violations == theirs.violations and ours.warnings == theirs.warnings


INVALID_FILES = sorted(INVALID.glob("*.trig"))


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_same_report_as_pyshacl_on_each_broken_example(make_project, path: Path) -> None:
    _both(make_project(TINY, path))


def _mutate(quads: list[ox.Quad], rng: random.Random) -> list[ox.Quad]:
    """One random, realistic mistake: a statement dropped, a language tag changed or removed,
    a datatype changed, an IRI turned into text, a value given twice, a link pointed wrong."""
    out = list(quads)
    i = rng.randrange(len(out))
    q = out[i]
    kind = rng.randrange(6)
    o = q.object
    if kind == 0:
        del out[i]
    elif kind == 1 and isinstance(o, ox.Literal) and o.language:
        tag = rng.choice([None, "de", "en", "nl"])
        new = ox.Literal(o.value, language=tag) if tag else ox.Literal(o.value)
        out[i] = ox.Quad(q.subject, q.predicate, new, q.graph_name)
    elif kind == 2 and isinstance(o, ox.Literal):
        xsd = "http://www.w3.org/2001/XMLSchema#"
        datatype = ox.NamedNode(xsd + rng.choice(["integer", "date", "gYear", "string"]))
        out[i] = ox.Quad(
            q.subject, q.predicate, ox.Literal(o.value, datatype=datatype), q.graph_name
        )
    elif kind == 3 and isinstance(o, ox.NamedNode):
        out[i] = ox.Quad(q.subject, q.predicate, ox.Literal(o.value), q.graph_name)
    elif kind == 4:
        extra = o if not isinstance(o, ox.Literal) else ox.Literal(o.value + " (2)", language="nl")
        out.append(ox.Quad(q.subject, q.predicate, extra, q.graph_name))
    else:
        other = rng.choice(out).subject
        out[i] = ox.Quad(q.subject, q.predicate, other, q.graph_name)
    return out


@pytest.mark.parametrize("seed", range(12))
def test_same_report_as_pyshacl_on_mutated_data(make_project, seed: int) -> None:
    """Twelve copies of the tiny data set, each with eight random mistakes."""
    paths = make_project(TINY)
    quads = list(load_sources(paths).store.quads())
    rng = random.Random(seed)
    data = [q for q in quads if q.graph_name != ox.NamedNode("https://w3id.org/kg-sociaal/def")]
    onto = [q for q in quads if q not in set(data)]
    for _ in range(8):
        data = _mutate(data, rng)
    shapes = load_shapes(paths)
    store = LocalStore.in_memory()
    store.extend(onto + data)
    ours = validate_store(store, shapes, "kg")
    theirs = validate_store(store, shapes, "pyshacl")
    assert ours.violations, "the mutations should break something"
    assert ours.violations == theirs.violations and ours.warnings == theirs.warnings
