"""kg's own shapes hold the line CPSV-AP 3.2.0's official shapes hold, for the classes kg uses.

A clone with nothing beside it validates with kg's shapes alone (the official file lives in
``../shared/standards/``), so a bare build must not pass data the official shapes reject. Both
shape sets run, each on its own, over:

* the broken examples in ``tests/data/shapes/invalid/`` (each added to the tiny data set), and
* randomly broken copies of the real data: mutations drawn from the official shapes' own
  constraints (a required value removed, one value too many, a value of the wrong datatype or
  class) and plain random damage (a statement of a resource dropped).

Every resource the official shapes flag must be flagged by kg alone: by kg's shapes, or by
kg's structure checks (which a bare build runs too). There are no exceptions to list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, SH, BNode, URIRef

from kg.build import load_sources, read_graph
from kg.paths import Paths
from kg.store import LocalStore
from kg.validate import Shapes, ValidationReport, load_shapes, validate_store

from .conftest import INVALID, ROOT, TINY

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG = str(RDF.langString)
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
COPIES = 8  # randomly broken copies of the real data
MUTATIONS = 30  # mutations per copy, each on a resource of its own


@dataclass(frozen=True)
class Constraint:
    """One constraint of an official property shape: its target class, path and kind."""

    target: str
    path: str
    kind: str  # minCount, maxCount, datatype or class
    value: str


def official_constraints(shapes: Shapes) -> list[Constraint]:
    graph = shapes.graph
    found = []
    for node in graph.subjects(RDF.type, SH.NodeShape):
        for target in graph.objects(node, SH.targetClass):
            for prop in graph.objects(node, SH.property):
                path = graph.value(prop, SH.path)
                if not isinstance(path, URIRef):
                    continue
                for kind in ("minCount", "maxCount", "datatype", "class"):
                    value = graph.value(prop, SH[kind])
                    if value is not None and not isinstance(value, BNode):
                        found.append(Constraint(str(target), str(path), kind, str(value)))
    return sorted(set(found), key=lambda c: (c.target, c.path, c.kind, c.value))


@pytest.fixture(scope="module")
def official(official_cpsv: Path) -> Shapes:
    """The official shapes on their own (read and compiled once for the module)."""
    graph = read_graph(official_cpsv)
    return Shapes(graph, frozenset(set(graph.subjects())))


@pytest.fixture(scope="module")
def ours() -> Shapes:
    """kg's shapes on their own."""
    return load_shapes(Paths.from_root(ROOT, use_cpsv=False))


def _flagged(report: ValidationReport, *, structure: bool) -> set[str]:
    return {v.focus for v in report.violations if structure or v.constraint != "structure"}


def _compare(quads: list[ox.Quad], official: Shapes, ours: Shapes) -> tuple[set[str], set[str]]:
    """The resources the official shapes flag, and those of them kg alone does not flag."""
    store = LocalStore.in_memory()
    store.extend(quads)
    theirs = _flagged(validate_store(store, official, "kg"), structure=False)
    kg = _flagged(validate_store(store, ours, "kg"), structure=True)
    return theirs, theirs - kg


# -- the broken examples ---------------------------------------------------------------------

INVALID_FILES = sorted(INVALID.glob("*.trig"))


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_kg_flags_what_the_official_shapes_flag_in_the_broken_examples(
    make_project, official: Shapes, ours: Shapes, path: Path
) -> None:
    paths = make_project(TINY, path)
    quads = list(load_sources(replace(paths, cpsv_shapes=None)).store.quads())
    _theirs, missed = _compare(quads, official, ours)
    assert not missed, f"only the official shapes flag {sorted(missed)}"


# -- randomly broken copies of the real data -------------------------------------------------


class Mutator:
    """Breaks resources of the real data the way the official shapes look for."""

    def __init__(self, quads: list[ox.Quad], constraints: list[Constraint]) -> None:
        self.quads = quads
        self.constraints = constraints
        store = LocalStore.in_memory()
        store.extend(quads)
        self.instances: dict[str, list[str]] = {}
        classes = {c.target for c in constraints} | {
            c.value for c in constraints if c.kind == "class"
        }
        for c in classes:
            rows = store.select_values(
                f"SELECT DISTINCT ?s WHERE {{ ?s a/<{SUBCLASS_OF}>* <{c}> "
                "FILTER(isIRI(?s)) } ORDER BY ?s"
            )
            self.instances[c] = [str(r[0]) for r in rows]
        self.resources = sorted(
            {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
        )
        self.graph_of: dict[str, ox.NamedNode] = {}
        for q in quads:
            if isinstance(q.graph_name, ox.NamedNode) and isinstance(q.subject, ox.NamedNode):
                self.graph_of.setdefault(q.subject.value, q.graph_name)

    def targets(self) -> list[tuple[Constraint, str]]:
        return [(c, s) for c in self.constraints for s in self.instances.get(c.target, [])]

    def mutate(self, seed: int) -> tuple[list[ox.Quad], list[str]]:
        """A copy of the data with :data:`MUTATIONS` resources broken, and what was done."""
        chance = random.Random(seed)
        quads = list(self.quads)
        done: list[str] = []
        used: set[str] = set()
        choices = self.targets()
        while len(done) < MUTATIONS:
            if chance.random() < 0.2:  # plain damage: drop one statement of a resource
                focus = chance.choice(self.resources)
                if focus in used:
                    continue
                own = [q for q in quads if q.subject == ox.NamedNode(focus)]
                if not own:
                    continue
                dropped = chance.choice(own)
                quads.remove(dropped)
                done.append(f"dropped {dropped}")
            else:
                constraint, focus = chance.choice(choices)
                if focus in used:
                    continue
                change = self._break(quads, constraint, focus, chance)
                if change is None:
                    continue
                done.append(change)
            used.add(focus)
        return quads, done

    def _break(
        self, quads: list[ox.Quad], c: Constraint, focus: str, chance: random.Random
    ) -> str | None:
        s, p = ox.NamedNode(focus), ox.NamedNode(c.path)
        graph = self.graph_of.get(focus, ox.DefaultGraph())
        current = [q for q in quads if q.subject == s and q.predicate == p]
        if c.kind == "minCount":
            if not current:
                return None
            for q in current:
                quads.remove(q)
            return f"removed {c.path} of {focus}"
        if c.kind == "maxCount":
            extra = [ox.Literal(f"extra {i}", language="nl") for i in range(int(c.value) + 1)]
            quads.extend(ox.Quad(s, p, o, graph) for o in extra)
            return f"{int(c.value) + 1} more {c.path} on {focus}"
        if c.kind == "datatype":
            wrong = (
                ox.Literal("zonder taal")
                if c.value == RDF_LANG
                else ox.Literal("verkeerd", language="nl")
            )
            if current and chance.random() < 0.5:
                quads.remove(chance.choice(current))
            quads.append(ox.Quad(s, p, wrong, graph))
            return f"{c.path} of {focus} as {wrong}"
        members = set(self.instances.get(c.value, []))
        others = [r for r in self.resources if r not in members]
        wrong_iri = ox.NamedNode(chance.choice(others))
        if current and chance.random() < 0.5:
            quads.remove(chance.choice(current))
        quads.append(ox.Quad(s, p, wrong_iri, graph))
        return f"{c.path} of {focus} -> {wrong_iri.value} (not a {c.value})"


@pytest.fixture(scope="module")
def mutator(official: Shapes) -> Mutator:
    quads = list(load_sources(Paths.from_root(ROOT, use_cpsv=False)).store.quads())
    return Mutator(quads, official_constraints(official))


@pytest.mark.parametrize("seed", range(1, COPIES + 1))
def test_kg_flags_what_the_official_shapes_flag_in_broken_copies(
    mutator, official: Shapes, ours: Shapes, seed: int
) -> None:
    quads, done = mutator.mutate(seed)
    theirs, missed = _compare(quads, official, ours)
    # The copy is really broken where the official shapes look: otherwise this proves nothing.
    assert len(theirs) >= MUTATIONS // 3, f"the official shapes flag only {sorted(theirs)}"
    assert not missed, (
        f"only the official shapes flag {sorted(missed)}; the mutations were:\n" + "\n".join(done)
    )


def test_the_mutations_reach_every_class_kg_uses_that_the_official_shapes_target(
    mutator,
) -> None:
    """The official shapes target the classes kg's data uses (Agent, Public Organisation,
    Public Service, Participation, Output, Legal Resource, ...): each gets broken."""
    used = {c.target for c, _ in mutator.targets()}
    assert {
        "http://xmlns.com/foaf/0.1/Agent",
        "http://data.europa.eu/m8g/PublicOrganisation",
        "http://purl.org/vocab/cpsv#PublicService",
        "http://data.europa.eu/m8g/Participation",
        "http://data.europa.eu/m8g/Output",
        "http://data.europa.eu/eli/ontology#LegalResource",
    } <= used
