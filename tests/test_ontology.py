"""Project tests of ontology/: it loads in owlready2, HermiT finds it consistent, and every
term is labelled, defined and (for kg: terms) typed and mapped to a standard."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, XSD, URIRef

from kg.namespaces import KG

from .conftest import DATA, ROOT

ONTOLOGY = ROOT / "ontology" / "kg.ttl"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Built-in annotation properties declared only so OWL tools know their kind.
BUILTINS = {RDFS.label, RDFS.comment, RDFS.seeAlso, OWL.versionInfo, OWL.sameAs}


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def _terms(onto: rdflib.Graph) -> list[URIRef]:
    terms = {t for kind in TERM_TYPES for t in onto.subjects(RDF.type, kind)}
    return sorted(
        t
        for t in terms
        if isinstance(t, URIRef)
        and t not in BUILTINS
        and not str(t).startswith("http://purl.org/vocab/vann/")
        and str(t) != "http://purl.org/dc/terms/license"
    )


def _reason(graph: rdflib.Graph, tmp_path: Path) -> None:
    owlready2 = pytest.importorskip("owlready2")
    if shutil.which("java") is None:
        pytest.fail("HermiT needs Java; install a JRE (apt-get install default-jre-headless)")
    path = tmp_path / "kg.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


STANDARD_AXIOMS = DATA / "standard-axioms.ttl"


def test_ontology_is_consistent_under_hermit(onto: rdflib.Graph, tmp_path: Path) -> None:
    _reason(onto + rdflib.Graph().parse(STANDARD_AXIOMS), tmp_path)


# Dates are outside the OWL 2 datatype map, so HermiT refuses them; they carry no axioms
# that could make the graph inconsistent, so the check leaves them out.
NOT_IN_OWL2_MAP = {XSD.date, XSD.gYear, XSD.gYearMonth}


@pytest.mark.parametrize("which", ["real", "tiny"])
def test_ontology_with_data_is_consistent(which, real_build, tiny_build, tmp_path: Path) -> None:
    """The data with the ontology and the standards' own axioms: no contradiction (this is
    what would catch, say, prov:wasDerivedFrom on something PROV-O calls an activity)."""
    build = real_build if which == "real" else tiny_build
    data = rdflib.Graph().parse(build.build_dir / "kg.ttl")
    data.parse(STANDARD_AXIOMS)
    for s, p, o in list(data):
        if isinstance(o, rdflib.Literal) and o.datatype in NOT_IN_OWL2_MAP:
            data.remove((s, p, o))
    _reason(data, tmp_path)


def test_hermit_detects_a_contradiction(onto: rdflib.Graph, tmp_path: Path) -> None:
    """The checks above can fail: a thing that is both a programme and a municipality."""
    owlready2 = pytest.importorskip("owlready2")
    graph = rdflib.Graph() + onto
    thing = URIRef("https://w3id.org/kg-sociaal/id/programme/contradiction")
    graph.add((thing, RDF.type, OWL.NamedIndividual))
    graph.add((thing, RDF.type, URIRef(KG + "Programme")))
    graph.add((thing, RDF.type, URIRef(KG + "Municipality")))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(graph, tmp_path)


def test_hermit_detects_misuse_of_a_standard_term(onto: rdflib.Graph, tmp_path: Path) -> None:
    """With PROV-O's axioms, deriving an activity from a source is a contradiction."""
    owlready2 = pytest.importorskip("owlready2")
    graph = onto + rdflib.Graph().parse(STANDARD_AXIOMS)
    act = URIRef("https://w3id.org/kg-sociaal/id/event/activity")
    src = URIRef("https://w3id.org/kg-sociaal/id/source/x")
    graph.add((act, RDF.type, OWL.NamedIndividual))
    graph.add((act, RDF.type, URIRef("http://www.w3.org/ns/prov#Activity")))
    graph.add((act, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), src))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _reason(graph, tmp_path)


@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_dutch_and_english_text(onto: rdflib.Graph, prop: URIRef) -> None:
    missing = []
    for term in _terms(onto):
        langs = {getattr(v, "language", None) for v in onto.objects(term, prop)}
        if not {"nl", "en"} <= langs:
            missing.append(f"{term} has {sorted(map(str, langs))}")
    assert not missing, "\n".join(missing)


def test_every_kg_property_has_domain_and_range(onto: rdflib.Graph) -> None:
    props = [
        t for t in _terms(onto) if str(t).startswith(KG) and (t, RDF.type, OWL.Class) not in onto
    ]
    assert props
    for prop in props:
        assert onto.value(prop, RDFS.domain) is not None, f"{prop} has no domain"
        assert onto.value(prop, RDFS.range) is not None, f"{prop} has no range"


def test_every_kg_term_is_mapped_to_a_standard_term(onto: rdflib.Graph) -> None:
    """Following subClassOf/subPropertyOf/closeMatch from any kg term reaches a standard term."""
    mapping = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch)

    def reaches_standard(term: URIRef, seen: frozenset[URIRef] = frozenset()) -> bool:
        for p in mapping:
            for o in onto.objects(term, p):
                if not isinstance(o, URIRef) or o in seen:
                    continue
                if not str(o).startswith(KG) or reaches_standard(o, seen | {term}):
                    return True
        return False

    unmapped = [str(t) for t in _terms(onto) if str(t).startswith(KG) and not reaches_standard(t)]
    assert not unmapped, f"kg terms with no mapping to a standard: {unmapped}"


def test_every_kg_term_used_anywhere_is_declared(onto: rdflib.Graph) -> None:
    """A misspelt kg: term in the shapes, the data or the fixtures would silently match nothing."""
    declared = {str(t) for t in _terms(onto)}
    files = [
        ROOT / "ontology" / "shapes.ttl",
        *sorted((ROOT / "data").rglob("*.t*")),
        *sorted(DATA.rglob("*.trig")),
    ]
    used: dict[str, str] = {}
    for path in files:
        for local in re.findall(r"\bkg:([A-Za-z][A-Za-z0-9_]*)", path.read_text("utf-8")):
            used.setdefault(KG + local, path.name)
    undeclared = {iri: f for iri, f in used.items() if iri not in declared}
    assert not undeclared, undeclared


def test_no_blank_nodes_in_the_ontology(onto: rdflib.Graph) -> None:
    """Blank nodes would make the Turtle export depend on parse order."""
    assert not [t for t in onto if any(isinstance(x, rdflib.BNode) for x in t)]
