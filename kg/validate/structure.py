"""Rules of kg's data that SHACL cannot state (or states slowly), checked in one pass over
the quads (:func:`check_structure`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.errors import shown as shown_value
from kg.namespaces import KG, ONTOLOGY_IRI, TOOI_GEMEENTE, curie
from kg.store import LocalStore
from kg.validate.report import Violation, term_key

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
    seen = _scan(store, onto)
    labels = seen.labels
    found = [
        _finding(
            g,
            "this named graph is not declared as a kg:Source (every named graph is "
            "the graph of one source)",
            labels,
        )
        for g in sorted(seen.graphs)
        if _KG_SOURCE not in seen.types.get(g, set())
    ]
    found += [
        _finding(
            s,
            "is described outside any source graph; only code lists (SKOS concepts "
            "and schemes) may sit in the default graph (Turtle files): put it in the TriG "
            "graph of the source that states it",
            labels,
        )
        for s in sorted(seen.default_subjects)
        if not seen.types.get(s, set()) & _SKOS_CODE_LIST
    ]
    found += [
        _finding(b, "uses a seen.blank node; give every resource an IRI (docs/iris.md)", labels)
        for b in sorted(seen.blank)
    ]
    found += [
        _finding(
            s, "has no class that the ontology declares (missing or misspelt rdf:type)", labels
        )
        for s in sorted(seen.subjects)
        if not seen.types.get(s, set()) & classes
    ]
    found += [
        _finding(
            s,
            f"its TOOI IRI does not match its CBS code {sorted(seen.codes.get(s, ()))}",
            labels,
        )
        for s, t in sorted(seen.types.items())
        if _MUNICIPALITY in t
        and s.startswith(TOOI_GEMEENTE)
        and {c.lower() for c in seen.codes.get(s, set())} != {s.removeprefix(TOOI_GEMEENTE)}
    ]
    found += [
        _finding(s, "this value is not a valid form of its datatype", labels, curie(p), v, (p, t))
        for s, p, v, t in sorted(seen.bad_literals)
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
        for s, p, code, v, t in sorted(seen.unreadable)
    ]
    return found


@dataclass
class _Seen:
    """What one pass over the quads collects for :func:`check_structure`."""

    graphs: set[str] = field(default_factory=set)
    default_subjects: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    bad_literals: list[tuple[str, str, str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def _scan(store: LocalStore, onto: ox.NamedNode) -> _Seen:
    """One pass over every quad outside the ontology's graph."""
    seen = _Seen()
    for q in store.quads():
        if q.graph_name == onto:
            continue
        s, o = q.subject, q.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue  # refused when parsing
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            seen.blank.add(s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}")
            continue
        subject = s.value
        seen.subjects.add(subject)
        if isinstance(q.graph_name, ox.DefaultGraph):
            seen.default_subjects.add(subject)
        else:
            seen.graphs.add(q.graph_name.value)
        if q.predicate.value == _TYPE:
            seen.types.setdefault(subject, set()).add(o.value)
        elif q.predicate.value == _IDENTIFIER:
            seen.codes.setdefault(subject, set()).add(o.value)
        elif q.predicate.value == _PREF_LABEL and getattr(o, "language", None) == "nl":
            seen.labels[subject] = o.value
        if isinstance(o, ox.Literal):
            if ill_typed(o.value, o.datatype.value):
                shown = f"{o.value!r}^^{curie(o.datatype.value)}"
                seen.bad_literals.append((subject, q.predicate.value, shown, term_key(o)))
            if (hidden := _NOT_XML.search(o.value)) is not None:
                code = f"U+{ord(hidden.group()):04X}"
                found_value = shown_value(o.value)
                seen.unreadable.append((subject, q.predicate.value, code, found_value, term_key(o)))
    return seen
