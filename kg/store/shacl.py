"""A SHACL Core engine for the constraints kg's shapes use, run directly on the pyoxigraph store.

pySHACL validates the 10,000 statements of the curated graph in seconds, but a national graph
of a million statements takes it minutes and needs an rdflib copy of the whole graph. This
engine reads the store itself: it indexes each property the shapes name once (one scan of
that property's statements), then walks the focus nodes in Python.

It implements exactly the SHACL Core features kg's shapes and the CPSV-AP 3.2.0 shapes use,
with pySHACL's reading of each (the validation results are the same; ``tests/test_shacl.py``
compares the two engines on every broken example and on mutated copies of the project data):

* targets: ``sh:targetClass`` (instances of the class and of its subclasses);
* paths: a property, or ``sh:inversePath`` of a property;
* constraints: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``,
  ``sh:maxCount``, ``sh:minInclusive``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``,
  ``sh:uniqueLang``, ``sh:or``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` /
  ``sh:qualifiedMaxCount``, ``sh:property``, and ``sh:closed false``;
* ``sh:severity``, ``sh:deactivated`` and ``sh:message`` (read by :mod:`kg.validate`).

Shapes that use anything else raise :class:`Unsupported` when compiled, before any data is
read; :mod:`kg.validate` then falls back to pySHACL, which implements all of SHACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, SH, XSD, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.closure import reachable
from kg.store import to_rdflib

#: Properties a shape may carry that do not constrain anything (documentation, grouping).
_ANNOTATIONS = {SH.name, SH.description, SH.order, SH.group, SH.message, SH.defaultValue}
#: Constraint parameters this engine implements.
_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minInclusive,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH["or"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.property,
}
_STRUCTURE = {SH.path, SH.targetClass, SH.severity, SH.deactivated, SH.closed}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)
_RDFS_LITERAL = str(RDFS.Literal)
_RDFS_DATATYPE = str(RDFS.Datatype)
#: pySHACL's second test of a well-formed literal: the Python type rdflib converts it to.
_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): date,
    str(XSD.time): time,
    str(XSD.dateTime): datetime,
}


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


@dataclass(frozen=True)
class Result:
    """One validation result, in the terms pySHACL's report uses."""

    focus: Node
    path: Node | None  # the shape's sh:path node (an IRI or a blank node for a path)
    value: Node | None
    shape: Node
    component: URIRef  # sh:...ConstraintComponent
    severity: Node


Term = Any  # a pyoxigraph term
Check = Callable[["_Data", Term, list[Term]], Iterator[tuple[str, Term | None]]]


@dataclass
class Shape:
    node: Node
    path: tuple[ox.NamedNode, bool] | None  # (property, inverse); None for a node shape
    path_node: Node | None
    severity: Node
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    deactivated: bool = False


# --- compiling the shapes graph ---------------------------------------------------------------


class _Compiler:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.shapes: dict[Node, Shape] = {}

    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.graph.objects(node, prop))
        if len(values) > 1:
            raise Unsupported(f"{prop} given more than once on one shape")
        return values[0] if values else None

    def items(self, node: Node) -> list[Node]:
        try:
            return list(Collection(self.graph, node))
        except Exception as exc:
            raise Unsupported(f"a malformed RDF list ({exc})") from exc

    def integer(self, node: Node, prop: URIRef) -> int | None:
        value = self.one(node, prop)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{prop} must be an integer")
        return int(value.value)

    def shape(self, node: Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.graph
        for p in set(g.predicates(node, None)):
            if str(p).startswith(str(SH)) and p not in _PARAMETERS | _STRUCTURE | _ANNOTATIONS:
                raise Unsupported(f"{p}")
        if (node, RDF.type, RDFS.Class) in g or (
            node,
            RDF.type,
            URIRef("http://www.w3.org/2002/07/owl#Class"),
        ) in g:
            raise Unsupported("implicit class targets (a shape that is also a class)")
        path_node = self.one(node, SH.path)
        path = None if path_node is None else self.path(path_node)
        severity = self.one(node, SH.severity) or SH.Violation
        closed = self.one(node, SH.closed)
        if closed is not None and not (isinstance(closed, Literal) and closed.toPython() is False):
            raise Unsupported("sh:closed true")
        shape = Shape(node, path, path_node, severity)
        self.shapes[node] = shape  # before the nested shapes: a cycle ends here
        deactivated = self.one(node, SH.deactivated)
        shape.deactivated = _true(deactivated)
        shape.targets = sorted(str(c) for c in g.objects(node, SH.targetClass))
        shape.checks = self.checks(node)
        shape.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        if any(p.path is None for p in shape.properties):
            raise Unsupported("an sh:property shape without sh:path")
        return shape

    def path(self, node: Node) -> tuple[ox.NamedNode, bool]:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node)), False
        inverse = self.one(node, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(self.graph.predicates(node, None))) == 1:
            return ox.NamedNode(str(inverse)), True
        raise Unsupported("property paths other than a property or sh:inversePath of one")

    def checks(self, node: Node) -> list[Check]:
        g = self.graph
        found: list[Check] = []
        for cls in sorted(g.objects(node, SH["class"]), key=str):
            found.append(_class_check(str(cls)))
        datatype = self.one(node, SH.datatype)
        if datatype is not None:
            found.append(_datatype_check(str(datatype)))
        kind = self.one(node, SH.nodeKind)
        if kind is not None:
            found.append(_node_kind_check(kind))
        low, high = self.integer(node, SH.minCount), self.integer(node, SH.maxCount)
        if low is not None or high is not None:
            found.append(_count_check(low, high))
        for minimum in g.objects(node, SH.minInclusive):
            if not isinstance(minimum, Literal):
                raise Unsupported("sh:minInclusive must be a literal")
            found.append(_min_inclusive_check(minimum))
        flags = self.one(node, SH.flags)
        for pattern in sorted(g.objects(node, SH.pattern), key=str):
            found.append(_pattern_check(str(pattern), str(flags or "")))
        for languages in g.objects(node, SH.languageIn):
            found.append(_language_check({str(x).lower() for x in self.items(languages)}))
        unique = self.one(node, SH.uniqueLang)
        if _true(unique):
            found.append(_unique_lang)
        for alternatives in g.objects(node, SH["or"]):
            found.append(_or_check([self.shape(s) for s in self.items(alternatives)]))
        qualified = self.one(node, SH.qualifiedValueShape)
        if qualified is not None:
            disjoint = self.one(node, SH.qualifiedValueShapesDisjoint)
            if _true(disjoint):
                raise Unsupported("sh:qualifiedValueShapesDisjoint true")
            found.append(
                _qualified_check(
                    self.shape(qualified),
                    self.integer(node, SH.qualifiedMinCount),
                    self.integer(node, SH.qualifiedMaxCount),
                )
            )
        return found


def compile_shapes(graph: rdflib.Graph) -> list[Shape]:
    """The shapes with targets, compiled; raises :class:`Unsupported` for features this engine
    does not implement (anywhere in the graph, used or not)."""
    compiler = _Compiler(graph)
    for p in set(graph.predicates()):
        if str(p).startswith(str(SH) + "target") and p != SH.targetClass:
            raise Unsupported(str(p))
    nodes = set(graph.subjects(SH.targetClass, None))
    for shape_type in _SHAPE_TYPES:
        for node in graph.subjects(RDF.type, shape_type):
            compiler.shape(node)  # every declared shape is checked for unsupported features
    return [compiler.shape(n) for n in sorted(nodes, key=str)]


# --- the data --------------------------------------------------------------------------------


class _Data:
    """Lazy indexes over the union of the store's graphs (each statement once)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._values: dict[tuple[ox.NamedNode, bool], dict[Term, list[Term]]] = {}
        self._types: dict[Term, set[str]] | None = None
        self._subclasses: dict[str, set[str]] = {}  # class -> itself and all its subclasses
        self._narrower: dict[str, set[str]] | None = None
        self.conforms_cache: dict[tuple[int, Term], bool] = {}

    def values(self, focus: Term, path: tuple[ox.NamedNode, bool]) -> list[Term]:
        index = self._values.get(path)
        if index is None:
            prop, inverse = path
            sets: dict[Term, set[Term]] = {}
            for q in self.store.quads_for_pattern(None, prop, None, None):
                key, value = (q.object, q.subject) if inverse else (q.subject, q.object)
                sets.setdefault(key, set()).add(value)
            index = {k: list(v) for k, v in sets.items()}  # results are sorted at the end
            self._values[path] = index
        return index.get(focus, [])

    @property
    def types(self) -> dict[Term, set[str]]:
        if self._types is None:
            self._types = {}
            for q in self.store.quads_for_pattern(None, _TYPE, None, None):
                if isinstance(q.object, ox.NamedNode):
                    self._types.setdefault(q.subject, set()).add(q.object.value)
        return self._types

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (rdfs:subClassOf*)."""
        if cls not in self._subclasses:
            if self._narrower is None:
                self._narrower = {}
                for q in self.store.quads_for_pattern(None, _SUBCLASS, None, None):
                    if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                        self._narrower.setdefault(q.object.value, set()).add(q.subject.value)
            self._subclasses[cls] = {cls} | reachable(self._narrower, cls)
        return self._subclasses[cls]

    def instance_of(self, node: Term, cls: str) -> bool:
        types = self.types.get(node)
        return types is not None and not types.isdisjoint(self.subclasses(cls))

    def instances(self, cls: str) -> list[Term]:
        classes = self.subclasses(cls)
        return sorted((s for s, t in self.types.items() if t & classes), key=str)


# --- constraints: each yields (component, value) for every failure -----------------------------


def _class_check(cls: str) -> Check:
    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if isinstance(v, ox.Literal) or not data.instance_of(v, cls):
                yield "Class", v

    return check


_well_typed: dict[tuple[str, str], bool] = {}


def _is_well_typed(lexical: str, datatype: str) -> bool:
    """pySHACL's test: rdflib does not call the literal ill-typed, and converts it to the
    Python type that the datatype stands for (where it knows one)."""
    key = (lexical, datatype)
    if key not in _well_typed:
        literal = Literal(lexical, datatype=URIRef(datatype))
        expected = _PYTHON_TYPES.get(datatype)
        _well_typed[key] = literal.ill_typed is not True and (
            expected is None or isinstance(literal.value, expected)
        )
    return _well_typed[key]


def _datatype_check(datatype: str) -> Check:
    def matches(v: Term) -> bool:
        if not isinstance(v, ox.Literal):
            return False
        if datatype == _RDFS_LITERAL:
            return True
        if v.language:
            return datatype == _LANG_STRING
        actual = v.datatype.value
        if datatype == _RDFS_DATATYPE:
            return actual != _XSD_STRING
        if actual != datatype:
            return False
        return actual == _XSD_STRING or _is_well_typed(v.value, actual)

    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if not matches(v):
                yield "Datatype", v

    return check


_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


def _node_kind_check(kind: Node) -> Check:
    if kind not in _KINDS:
        raise Unsupported(f"sh:nodeKind {kind}")
    allowed = _KINDS[kind]

    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if not isinstance(v, allowed):
                yield "NodeKind", v

    return check


def _count_check(low: int | None, high: int | None) -> Check:
    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        if low is not None and len(values) < low:
            yield "MinCount", None
        if high is not None and len(values) > high:
            yield "MaxCount", None

    return check


def _min_inclusive_check(minimum: Literal) -> Check:
    from pyshacl.rdfutil.compare import compare_literal

    minimum_is_text = isinstance(minimum.value, str)

    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            ok = False
            if isinstance(v, ox.Literal):
                value = to_rdflib(v)
                assert isinstance(value, Literal)
                if isinstance(value.value, str) == minimum_is_text:
                    try:
                        ok = compare_literal(value, minimum) >= 0  # type: ignore[no-untyped-call]
                    except (TypeError, NotImplementedError):
                        ok = False
            if not ok:
                yield "MinInclusive", v

    return check


def _pattern_check(pattern: str, flags: str) -> Check:
    re_flags = (re.I if "i" in flags.lower() else 0) | (re.M if "m" in flags.lower() else 0)
    try:
        matcher = re.compile(pattern, re_flags)
    except re.error as exc:
        raise Unsupported(f"sh:pattern {pattern!r} is not a valid regular expression") from exc

    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if isinstance(v, ox.BlankNode) or not matcher.search(v.value):
                yield "Pattern", v

    return check


def _language_check(languages: set[str]) -> Check:
    def matches(v: Term) -> bool:
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        lang = v.language.lower()
        return "*" in languages or lang in languages or lang.split("-")[0] in languages

    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if not matches(v):
                yield "LanguageIn", v

    return check


def _unique_lang(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
    seen: set[str] = set()
    duplicates: set[str] = set()
    for v in values:
        if isinstance(v, ox.Literal) and v.language:
            lang = v.language.lower()
            (duplicates if lang in seen else seen).add(lang)
    for _ in duplicates:
        yield "UniqueLang", None


def _or_check(alternatives: list[Shape]) -> Check:
    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        for v in values:
            if not any(_conforms(data, shape, v) for shape in alternatives):
                yield "Or", v

    return check


def _qualified_check(shape: Shape, low: int | None, high: int | None) -> Check:
    def check(data: _Data, focus: Term, values: list[Term]) -> Iterator[tuple[str, Term | None]]:
        count = sum(1 for v in values if _conforms(data, shape, v))
        if low is not None and count < low:
            yield "QualifiedMinCount", None
        if high is not None and count > high:
            yield "QualifiedMaxCount", None

    return check


# --- evaluation ------------------------------------------------------------------------------


def _failures(
    data: _Data, shape: Shape, focus: Term
) -> Iterator[tuple[Shape, Term, str, Term | None]]:
    """Every failure of ``shape`` (and its property shapes) at ``focus``, as (shape, focus,
    component, value)."""
    if shape.deactivated:
        return
    values = [focus] if shape.path is None else data.values(focus, shape.path)
    for check in shape.checks:
        for component, value in check(data, focus, values):
            yield shape, focus, component, value
    for prop in shape.properties:
        for v in values:
            yield from _failures(data, prop, v)


def _conforms(data: _Data, shape: Shape, node: Term) -> bool:
    key = (id(shape), node)
    if key not in data.conforms_cache:
        data.conforms_cache[key] = next(_failures(data, shape, node), None) is None
    return data.conforms_cache[key]


def validate(store: ox.Store, shapes: Iterable[Shape]) -> list[Result]:
    """Validate the union of ``store``'s graphs against compiled ``shapes``."""
    data = _Data(store)
    results: list[Result] = []
    for shape in shapes:
        if shape.deactivated:
            continue
        focus_nodes = {n for cls in shape.targets for n in data.instances(cls)}
        for focus in sorted(focus_nodes, key=str):
            for failing, at, component, value in _failures(data, shape, focus):
                results.append(
                    Result(
                        focus=to_rdflib(at),
                        path=failing.path_node,
                        value=None if value is None else to_rdflib(value),
                        shape=failing.node,
                        component=SH[f"{component}ConstraintComponent"],
                        severity=failing.severity,
                    )
                )
    return results
