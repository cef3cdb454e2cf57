"""SHACL validation: kg's own shapes plus the official CPSV-AP 3.2.0 shapes.

Non-conformance is a result, not an exception: :func:`validate_store` returns a
:class:`ValidationReport` whose violations read as plain sentences (the resource's label, the
property, what was expected). Only ``sh:Violation`` results make a graph non-conforming;
warnings and infos are reported but pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, SH, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.errors import KgError, printable
from kg.errors import shown as shown_value
from kg.namespaces import KG, ONTOLOGY_IRI, TOOI_GEMEENTE, curie
from kg.paths import Paths
from kg.store import LocalStore, quads_to_graph, quiet_rdflib, to_oxigraph, to_rdflib
from kg.store.files import DATA_SUFFIXES, InputFile, parse_file, read_graph
from kg.validate.shacl import Result, Shape, Unsupported, compile_shapes
from kg.validate.shacl import validate as run_engine

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
CPSV = "CPSV-AP 3.2.0"


@dataclass(frozen=True)
class Violation:
    """One finding, in words a curator understands."""

    focus_label: str
    focus: str
    property: str | None
    message: str
    value: str | None = None
    severity: str = "violation"
    shapes: str = "kg"  # which shapes found it: "kg", "CPSV-AP 3.2.0" or "kg + CPSV-AP 3.2.0"
    constraint: str = ""  # the SHACL constraint (MinCount, Datatype, ...) or "structure"
    files: tuple[str, ...] = ()  # the input files that state it (see locate)
    path: str | None = None  # the property's IRI, where the finding is about one
    value_term: str | None = None  # the value in N-Triples, where the finding names one

    def sort_key(self) -> tuple[str, ...]:
        return (self.focus_label, self.focus, self.property or "", self.message, self.value or "")

    def __str__(self) -> str:
        where = f"{self.focus_label} <{self.focus}>"
        if self.files:
            where = f"{', '.join(self.files)}: {where}"
        prop = f", {self.property}" if self.property else ""
        value = f" (value: {self.value})" if self.value is not None else ""
        tag = f" [{self.shapes}]" if self.shapes != "kg" else ""
        return printable(f"{where}{prop}: {self.message}{value}{tag}", layout=False)


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    shapes: str = ""  # the shape sets used, in words (see shape_sets); "" when not known

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "shapes": self.shapes,
                "violations": [asdict(v) for v in self.violations],
                "warnings": [asdict(v) for v in self.warnings],
            },
            indent=2,
            ensure_ascii=False,
        )


class ValidationFailed(KgError):
    """The graph does not conform to the shapes (exit code 1).

    Carries the full :class:`ValidationReport` so callers can list every finding.
    """

    exit_code = 1

    def __init__(self, report: ValidationReport) -> None:
        n = len(report.violations)
        super().__init__(f"the graph does not conform: {n} violation{'s' if n != 1 else ''}")
        self.report = report


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
            value_term=None if r.value is None else _term_key(r.value),
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
    texts = [
        q.object.value
        for q in store.oxigraph.quads_for_pattern(
            ox.NamedNode(str(prop)), ox.NamedNode(str(RDFS.label)), None, None
        )
        if isinstance(q.object, ox.Literal) and q.object.language == "en"
    ]
    return min(texts) if texts else None


def validate_graph(data: rdflib.Graph, shapes: Shapes) -> ValidationReport:
    """Validate an rdflib graph with pySHACL and explain every result in plain words."""
    store = LocalStore.in_memory()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data)
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


_XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(Z|[+-]\d{2}:\d{2})?"
#: Lexical checks rdflib does not make (it accepts any gYear or gYearMonth).
_LEXICAL = {
    _XSD + "gYear": re.compile(rf"-?\d{{4,}}{_TZ}"),
    _XSD + "gYearMonth": re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_TZ}"),
}
#: Datatypes whose lexical form rdflib can check by converting it.
_CONVERTIBLE = {
    _XSD + t
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    )
}


def ill_typed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is not a valid form of the XSD ``datatype`` (unknown types pass)."""
    if datatype in _LEXICAL:
        return _LEXICAL[datatype].fullmatch(lexical) is None
    if datatype in _CONVERTIBLE:  # callers hold back rdflib's logging (quiet_rdflib)
        return bool(Literal(lexical, datatype=URIRef(datatype)).ill_typed)
    return False


#: Characters XML 1.0 cannot hold (C0 controls other than tab and line breaks; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_SKOS_CODE_LIST = {str(SKOS.Concept), str(SKOS.ConceptScheme)}
_PREF_LABEL = str(SKOS.prefLabel)
_TYPE = str(RDF.type)
_KG_SOURCE = KG + "Source"
_MUNICIPALITY = KG + "Municipality"
_IDENTIFIER = str(DCTERMS.identifier)


def _finding(
    focus: str,
    message: str,
    labels: dict[str, str],
    prop: str | None = None,
    value: str | None = None,
    where: tuple[str, str] | None = None,  # (property IRI, value in N-Triples) for locate
) -> Violation:
    return Violation(
        focus_label=labels.get(focus, curie(focus)),
        focus=focus,
        property=prop,
        message=message,
        value=value,
        constraint="structure",
        path=where[0] if where else None,
        value_term=where[1] if where else None,
    )


def check_structure(store: LocalStore) -> list[Violation]:
    """Rules SHACL cannot state (or states slowly), checked in one pass over the quads:

    * every named graph other than the ontology's is the IRI of a declared ``kg:Source``;
    * the default graph holds only code lists (SKOS concepts and concept schemes);
    * no blank nodes (they would make exports depend on parse order);
    * every resource described in the data has a class the ontology declares;
    * a municipality's TOOI IRI ends in its CBS code;
    * every typed literal is a valid form of its XSD type (``"abc"^^xsd:integer`` is not);
    * no text holds a character XML cannot carry (C0 controls other than tab and line breaks).
    """
    onto = ox.NamedNode(ONTOLOGY_IRI)
    owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    classes = {
        q.subject.value
        for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(_TYPE), owl_class, onto)
        if isinstance(q.subject, ox.NamedNode)
    }
    graphs: set[str] = set()
    default_subjects: set[str] = set()
    subjects: set[str] = set()
    types: dict[str, set[str]] = {}
    codes: dict[str, set[str]] = {}
    blank: set[str] = set()
    labels: dict[str, str] = {}
    bad_literals: list[tuple[str, str, str, str]] = []
    unreadable: list[tuple[str, str, str, str, str]] = []
    for q in store.quads():
        if q.graph_name == onto:
            continue
        s, o = q.subject, q.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue  # refused when parsing
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            blank.add(s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}")
            continue
        subject = s.value
        subjects.add(subject)
        if isinstance(q.graph_name, ox.DefaultGraph):
            default_subjects.add(subject)
        else:
            graphs.add(q.graph_name.value)
        if q.predicate.value == _TYPE:
            types.setdefault(subject, set()).add(o.value)
        elif q.predicate.value == _IDENTIFIER:
            codes.setdefault(subject, set()).add(o.value)
        elif q.predicate.value == _PREF_LABEL and getattr(o, "language", None) == "nl":
            labels[subject] = o.value
        if isinstance(o, ox.Literal):
            if ill_typed(o.value, o.datatype.value):
                shown = f"{o.value!r}^^{curie(o.datatype.value)}"
                bad_literals.append((subject, q.predicate.value, shown, _term_key(o)))
            if (hidden := _NOT_XML.search(o.value)) is not None:
                code = f"U+{ord(hidden.group()):04X}"
                found_value = shown_value(o.value)
                unreadable.append((subject, q.predicate.value, code, found_value, _term_key(o)))
    found = [
        _finding(
            g,
            "this named graph is not declared as a kg:Source (every named graph is "
            "the graph of one source)",
            labels,
        )
        for g in sorted(graphs)
        if _KG_SOURCE not in types.get(g, set())
    ]
    found += [
        _finding(
            s,
            "is described outside any source graph; only code lists (SKOS concepts "
            "and schemes) may sit in the default graph (Turtle files): put it in the TriG "
            "graph of the source that states it",
            labels,
        )
        for s in sorted(default_subjects)
        if not types.get(s, set()) & _SKOS_CODE_LIST
    ]
    found += [
        _finding(b, "uses a blank node; give every resource an IRI (docs/iris.md)", labels)
        for b in sorted(blank)
    ]
    found += [
        _finding(
            s, "has no class that the ontology declares (missing or misspelt rdf:type)", labels
        )
        for s in sorted(subjects)
        if not types.get(s, set()) & classes
    ]
    found += [
        _finding(
            s, f"its TOOI IRI does not match its CBS code {sorted(codes.get(s, set()))}", labels
        )
        for s, t in sorted(types.items())
        if _MUNICIPALITY in t
        and s.startswith(TOOI_GEMEENTE)
        and {c.lower() for c in codes.get(s, set())} != {s.removeprefix(TOOI_GEMEENTE)}
    ]
    found += [
        _finding(s, "this value is not a valid form of its datatype", labels, curie(p), v, (p, t))
        for s, p, v, t in sorted(bad_literals)
    ]
    found += [
        _finding(
            s,
            f"this text holds a control character ({code}): invisible on screen, and XML "
            "formats (GraphML, GEXF) cannot carry it; remove it",
            labels,
            curie(p),
            v,
            (p, t),
        )
        for s, p, code, v, t in sorted(unreadable)
    ]
    return found


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
    found: dict[tuple[str, str | None, str | None], set[str]] = {}
    with quiet_rdflib():  # an ill-typed value is what is being located, not log noise
        for path in files:
            fmt = DATA_SUFFIXES.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
            try:
                for quad in parse_file(InputFile(path, fmt, None)):
                    subject = quad.subject
                    if isinstance(subject, ox.NamedNode) and subject.value in wanted:
                        p = quad.predicate.value
                        value = _term_key(quad.object)
                        for key in (
                            (subject.value, None, None),
                            (subject.value, p, None),
                            (subject.value, p, value),
                        ):
                            found.setdefault(key, set()).add(str(path))
            except KgError:  # it parsed once; it changed since (or went)
                continue

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


def _term_key(term: Any) -> str:
    """A term (pyoxigraph's or rdflib's) as rdflib writes it in N-Triples, after rdflib's
    normalisation of literals (``"01"^^xsd:integer`` is ``"1"``): the SHACL results pass
    through rdflib, so the value read from a file must be compared in the same form."""
    if not isinstance(term, Node):
        term = to_rdflib(term)
    return str(term.n3())
