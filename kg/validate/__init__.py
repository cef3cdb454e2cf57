"""SHACL validation: kg's own shapes plus the official CPSV-AP 3.2.0 shapes.

Non-conformance is a result, not an exception: :func:`validate_store` returns a
:class:`ValidationReport` whose violations read as plain sentences (the resource's label, the
property, what was expected). Only ``sh:Violation`` results make a graph non-conforming;
warnings and infos are reported but pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, SH, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.namespaces import curie
from kg.paths import Paths
from kg.store import LocalStore, local_from_triples, quads_to_graph, quiet_rdflib
from kg.store.files import read_graph, stated_in
from kg.store.shacl import Result, Shape, Unsupported, compile_shapes
from kg.store.shacl import validate as run_engine
from kg.validate.report import CPSV, term_key
from kg.validate.report import ValidationFailed as ValidationFailed
from kg.validate.report import ValidationReport as ValidationReport
from kg.validate.report import Violation as Violation
from kg.validate.structure import check_structure
from kg.validate.structure import ill_typed as ill_typed

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass
class Shapes:
    graph: rdflib.Graph
    cpsv_nodes: frozenset[Node]  # shape nodes that come from the CPSV-AP file
    _compiled: list[Shape] | Unsupported | None = field(default=None, repr=False, compare=False)

    def compiled(self) -> list[Shape]:
        """The shapes in kg's engine's form, compiled once; raises :class:`Unsupported`."""
        if self._compiled is None:
            try:
                self._compiled = compile_shapes(self.graph)
            except Unsupported as exc:
                self._compiled = exc
        if isinstance(self._compiled, Unsupported):
            raise self._compiled
        return self._compiled


def shape_sets(paths: Paths) -> str:
    """The shape sets a validation with ``paths`` uses, in words: ``kg shapes`` or
    ``kg shapes + CPSV-AP 3.2.0 (PATH)``."""
    if paths.cpsv_shapes is None:
        return "kg shapes"
    return f"kg shapes + {CPSV} ({paths.cpsv_shapes})"


def load_shapes(paths: Paths) -> Shapes:
    """kg's shapes (``ontology/shapes.ttl``) and, unless disabled, CPSV-AP's."""
    if not paths.shapes_file.is_file():
        raise KgError(
            "kg's shapes file not found; restore ontology/shapes.ttl from git, or point --root "
            "at the project folder",
            file=paths.shapes_file,
        )
    graph = read_graph(paths.shapes_file)
    cpsv: frozenset[Node] = frozenset()
    if paths.cpsv_shapes is not None:
        if not paths.cpsv_shapes.is_file():
            raise KgError(
                "CPSV-AP 3.2.0 shapes not found; name the SHACL file with --cpsv-shapes PATH "
                "or KG_CPSV_SHAPES, or leave both out to validate with kg's shapes alone",
                file=paths.cpsv_shapes,
            )
        official = read_graph(paths.cpsv_shapes)
        if (None, RDF.type, SH.NodeShape) not in official:
            raise KgError(
                "holds no SHACL node shapes; is this the CPSV-AP SHACL file?",
                file=paths.cpsv_shapes,
            )
        cpsv = frozenset(set(official.subjects()))
        # read_graph gives each file fresh blank nodes, so a plain union keeps them apart.
        for t in official:
            graph.add(t)
    return Shapes(graph, cpsv)


def data_graph(store: LocalStore) -> rdflib.Graph:
    """The union of every graph in ``store`` (ontology included, so pySHACL sees
    ``rdfs:subClassOf`` and targets subclass instances)."""
    return quads_to_graph(store.quads())


def _qname(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, Literal):
        return repr(str(node)) + (f"@{node.language}" if node.language else "")
    return str(node)


def _expected(shapes: rdflib.Graph, shape: Node, component: Node) -> str:
    """A plain sentence for a constraint that carries no sh:message (CPSV-AP's shapes)."""
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    v = {
        p: shapes.value(shape, SH[p])
        for p in ("minCount", "maxCount", "class", "datatype", "pattern", "nodeKind", "hasValue")
    }
    sentences = {
        "MinCount": f"needs at least {v['minCount']} value(s)",
        "MaxCount": f"allows at most {v['maxCount']} value(s)",
        "Class": f"each value must be a {_qname(v['class'])}" if v["class"] else "",
        "Datatype": f"each value must be of type {_qname(v['datatype'])}" if v["datatype"] else "",
        "Pattern": f"each value must match the pattern {v['pattern']}",
        "NodeKind": f"each value must be a {_qname(v['nodeKind'])}" if v["nodeKind"] else "",
        "HasValue": f"must have the value {_qname(v['hasValue'])}",
    }
    return sentences.get(name) or f"fails the {name} constraint"


def _pyshacl_results(data: rdflib.Graph, shapes: Shapes) -> list[Result]:
    import pyshacl

    try:
        _conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes.graph,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            allow_infos=True,
            advanced=False,
            meta_shacl=False,
        )
    except Exception as exc:  # pySHACL raises many kinds for broken shapes (bad regex, ...)
        raise KgError(
            f"the SHACL shapes (ontology/shapes.ttl or the CPSV-AP file) cannot be used: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        component = results.value(result, SH.sourceConstraintComponent)
        assert focus is not None and isinstance(component, URIRef)
        found.append(
            Result(
                focus=focus,
                path=results.value(result, SH.resultPath),
                value=results.value(result, SH.value),
                shape=results.value(result, SH.sourceShape),
                component=component,
                severity=results.value(result, SH.resultSeverity) or SH.Violation,
            )
        )
    return found


def _explain(results: Iterable[Result], shapes: Shapes, store: LocalStore) -> ValidationReport:
    """Every validation result in plain words, each problem once. Resources are named by
    their display label (:meth:`Store.labels`, Dutch first), properties by their English
    ``rdfs:label`` where it says more than the name."""
    results = list(results)
    labels = store.labels({str(r.focus) for r in results if isinstance(r.focus, URIRef)}, "nl")
    english: dict[Node, str | None] = {}
    report = ValidationReport()
    seen: set[Violation] = set()
    for r in results:
        severity = SEVERITY.get(r.severity, "violation")  # type: ignore[call-overload]
        message = shapes.graph.value(r.shape, SH.message)
        if message is not None:
            text = str(message)
        else:
            text = _expected(shapes.graph, r.shape, r.component)
        prop = None
        if isinstance(r.path, URIRef):
            if r.path not in english:
                english[r.path] = _english_label(store, r.path)
            prop = _qname(r.path)
            local = re.split(r"[/#]", str(r.path))[-1].lower()
            name = english[r.path]
            if name and name.replace(" ", "").lower() != local:
                prop += f' "{name}"'  # the label helps only when it differs from the name
        elif r.path is not None:
            prop = "(a property path)"
        item = Violation(
            focus_label=labels.get(str(r.focus), _qname(r.focus)),
            focus=str(r.focus),
            property=prop,
            message=text,
            value=None if r.value is None or r.value == r.focus else _qname(r.value),
            severity=severity,
            shapes=CPSV if r.shape in shapes.cpsv_nodes else "kg",
            constraint=str(r.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent"),
            path=str(r.path) if isinstance(r.path, URIRef) else None,
            value_term=None if r.value is None else term_key(r.value),
        )
        if item in seen:
            continue
        seen.add(item)
        (report.violations if severity == "violation" else report.warnings).append(item)
    report.violations = _merge_duplicates(report.violations)
    report.violations.sort(key=Violation.sort_key)
    report.warnings.sort(key=Violation.sort_key)
    return report


def _english_label(store: LocalStore, prop: URIRef) -> str | None:
    """The first (in code-point order) English ``rdfs:label`` of ``prop``."""
    rows = store.select_values(
        f'SELECT ?l WHERE {{ <{prop}> <{RDFS.label}> ?l FILTER(LANG(?l) = "en") }}'
    )
    texts = [label for (label,) in rows if label is not None]
    return min(texts) if texts else None


def validate_graph(data: rdflib.Graph, shapes: Shapes) -> ValidationReport:
    """Validate an rdflib graph with pySHACL and explain every result in plain words."""
    store = local_from_triples(data)
    return _explain(_pyshacl_results(data, shapes), shapes, store)


def _merge_duplicates(violations: list[Violation]) -> list[Violation]:
    """One line per problem: where kg's shapes and CPSV-AP's report the same constraint on the
    same property of the same resource, keep kg's sentence and name both shape sets."""

    def key(v: Violation) -> tuple[str, str | None, str]:
        return (v.focus, v.property, v.constraint)

    ours = {key(v) for v in violations if v.shapes == "kg"}
    theirs = {key(v) for v in violations if v.shapes != "kg"}
    merged = []
    for v in violations:
        if v.shapes != "kg" and key(v) in ours:
            continue
        if v.shapes == "kg" and key(v) in theirs:
            v = replace(v, shapes=f"kg + {CPSV}")
        merged.append(v)
    return merged


#: SHACL engines: "kg" (kg.validate.shacl, on the store), "pyshacl", or "auto" (kg's engine when it
#: implements every feature the shapes use, else pySHACL).
ENGINES = ("auto", "kg", "pyshacl")


def choose_engine(shapes: Shapes, engine: str = "auto") -> tuple[str, str]:
    """The engine that will run (``"kg"`` or ``"pyshacl"``) and why, in words."""
    if engine not in ENGINES:
        raise KgError(f"unknown SHACL engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "pyshacl":
        return "pyshacl", "pySHACL"
    try:
        shapes.compiled()
    except Unsupported as exc:
        if engine == "kg":
            raise KgError(
                f"the shapes use {exc}, which kg's SHACL engine does not implement; "
                "validate with --shacl-engine pyshacl (or auto)"
            ) from exc
        return "pyshacl", f"pySHACL, as the shapes use {exc}"
    return "kg", "kg's SHACL engine"


def validate_store(
    store: LocalStore,
    shapes: Shapes,
    engine: str = "auto",
) -> ValidationReport:
    """Validate every graph in ``store`` (as one union graph) against ``shapes``.

    ``engine`` is one of :data:`ENGINES`; both engines give the same report for the shapes
    kg's engine implements (see :mod:`kg.validate.shacl`)."""
    chosen, _ = choose_engine(shapes, engine)
    with quiet_rdflib():  # ill-typed literals are findings here, not log noise
        if chosen == "kg":
            results = run_engine(store.oxigraph, shapes.compiled())
        else:
            results = _pyshacl_results(data_graph(store), shapes)
        report = _explain(results, shapes, store)
        extra = check_structure(store)
    report.violations = sorted(report.violations + extra, key=Violation.sort_key)
    return report


def validate_sources(paths: Paths, engine: str = "auto") -> ValidationReport:
    """Parse ``ontology/`` and ``data/`` and validate them, writing nothing."""
    from kg.store.files import load_sources

    shapes = load_shapes(paths)
    choose_engine(shapes, engine)  # an impossible choice fails before the parsing
    loaded = load_sources(paths)
    report = locate(validate_store(loaded.store, shapes, engine), loaded.files)
    report.shapes = shape_sets(paths)
    return report


def locate(report: ValidationReport, files: Sequence[Path]) -> ValidationReport:
    """``report`` with each finding's ``files``, so a curator knows where to look: the input
    files that state the finding's value for its property of its resource, or else those that
    state that property of it, or else anything about it (as subject). The files are read
    again, which costs a parse only when there is something to report."""
    findings = report.violations + report.warnings
    wanted = {v.focus for v in findings}
    if not wanted:
        return report
    found = stated_in(files, wanted)

    def placed(v: Violation) -> Violation:
        where = (
            found.get((v.focus, v.path, v.value_term))
            or found.get((v.focus, v.path, None))
            or found.get((v.focus, None, None))
            or ()
        )
        return replace(v, files=tuple(sorted(where)))

    return ValidationReport(
        [placed(v) for v in report.violations],
        [placed(v) for v in report.warnings],
        report.shapes,
    )
