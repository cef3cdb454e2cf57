"""Rules of kg's data that SHACL cannot state (or states slowly), checked in one pass over
the quads (:func:`check_structure`)."""

from __future__ import annotations

import re

from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.errors import shown as shown_value
from kg.namespaces import KG, ONTOLOGY_IRI, TOOI_GEMEENTE, curie
from kg.store import LocalStore
from kg.store.census import Census, census
from kg.validate.report import Violation

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
    literals = _Literals()
    seen = census(store, ONTOLOGY_IRI, literals.check)
    return _resource_findings(seen) + literals.findings(seen.labels)


class _Literals:
    """The literals that are not a valid form of their datatype, or hold a character XML
    cannot carry, as the census hands them over."""

    def __init__(self) -> None:
        self.bad: list[tuple[str, str, str, str]] = []
        self.unreadable: list[tuple[str, str, str, str, str]] = []

    def check(self, subject: str, prop: str, lexical: str, datatype: str, key: str) -> None:
        if ill_typed(lexical, datatype):
            shown = f"{lexical!r}^^{curie(datatype)}"
            self.bad.append((subject, prop, shown, key))
        if (hidden := _NOT_XML.search(lexical)) is not None:
            code = f"U+{ord(hidden.group()):04X}"
            self.unreadable.append((subject, prop, code, shown_value(lexical), key))

    def findings(self, labels: dict[str, str]) -> list[Violation]:
        found = [
            _finding(
                s, "this value is not a valid form of its datatype", labels, curie(p), v, (p, t)
            )
            for s, p, v, t in sorted(self.bad)
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
            for s, p, code, v, t in sorted(self.unreadable)
        ]
        return found


def _resource_findings(seen: Census) -> list[Violation]:
    """Graphs, subjects and types that break kg's rules."""
    classes = seen.classes
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
        _finding(b, "uses a blank node; give every resource an IRI (docs/iris.md)", labels)
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
    return found
