"""One pass over a store's quads, collecting what kg's structure checks
(:mod:`kg.validate.structure`) judge: graphs, subjects, types, codes, blank nodes, Dutch
labels, the classes the ontology declares, and every literal (handed to a callback)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.store import LocalStore, term_key

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"

#: Called with (subject, property, lexical form, datatype IRI, the value's term key).
LiteralCheck = Callable[[str, str, str, str, str], None]


@dataclass
class Census:
    """What one pass over the quads outside the ontology's graph finds."""

    classes: set[str] = field(default_factory=set)  # declared in the ontology's graph
    graphs: set[str] = field(default_factory=set)
    default_subjects: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # Dutch skos:prefLabel


def census(store: LocalStore, ontology: str, literal: LiteralCheck) -> Census:
    """Count ``store``'s quads outside the graph ``ontology``; every literal (not in a
    statement with a blank node) goes to ``literal``."""
    onto = ox.NamedNode(ontology)
    seen = Census()
    for q in store.oxigraph.quads_for_pattern(
        None, ox.NamedNode(_TYPE), ox.NamedNode(_OWL_CLASS), onto
    ):
        if isinstance(q.subject, ox.NamedNode):
            seen.classes.add(q.subject.value)
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
            literal(subject, q.predicate.value, o.value, o.datatype.value, term_key(o))
    return seen
