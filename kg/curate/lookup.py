"""Names in a workbook and the things they mean: each drop-down list of the workbook as a set
of resources with their names, read once from a store.

A cell names a thing by its Dutch name, another of its names (``skos:altLabel``, an alias in
``skos:hiddenLabel``), or its id (``org-id:movisie``, or a full IRI). Names are compared the way
kg compares them everywhere (:func:`kg.text.normalise`: case, accents and punctuation do not
count). The export writes a thing's Dutch name where that name means it alone within the
column's list, else its id, so that reading the workbook back gives the same thing.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import TYPE_CHECKING

from kg.closure import reachable
from kg.curate.sheets import ORG, PROGRAMME_CLASSES, SKOS
from kg.namespaces import KG, PREFIXES, curie
from kg.text import normalise

if TYPE_CHECKING:
    from kg.store import Store

CV = PREFIXES["cv"]
FOAF = PREFIXES["foaf"]
CONCEPT = PREFIXES["concept"]
#: Concept schemes with a list of their own (the list's name is the scheme's slug).
SCHEMES = ("bronsoort", "doelgroep", "thema", "domein", "rol", "organisatiesoort", "bevindingsoort")
_AGENTS = (ORG + "Organization", CV + "PublicOrganisation")
#: Each list of things: the classes of its members (their subclasses count too).
CLASSES: dict[str, tuple[str, ...]] = {
    "gemeenten": (KG + "Municipality",),
    "partners": _AGENTS,
    "organisaties": _AGENTS,  # less the municipalities
    "bijdragers": (*_AGENTS, FOAF + "Person"),
    "programmas": tuple(PROGRAMME_CLASSES.values()),
    "interventies": (KG + "Intervention",),
    "publicaties": (KG + "Publication", CV + "Output"),
    "onderwerpen": (
        *PROGRAMME_CLASSES.values(),
        KG + "Accord",
        KG + "Law",
        KG + "FundingScheme",
        KG + "GovernmentProgramme",
    ),
    "wetten": (KG + "Law",),
    "akkoorden": (KG + "Accord",),
    "regelingen": (KG + "FundingScheme",),
}
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_NAMES = f"<{SKOS}prefLabel>|<{SKOS}altLabel>|<{SKOS}hiddenLabel>"


def _select(store: Store, pattern: str) -> set[str]:
    return {str(r) for (r,) in store.select_values(f"SELECT DISTINCT ?r WHERE {{ {pattern} }}")}


class Lookup:
    """The lists of a store, and names added from the workbook itself (new rows)."""

    def __init__(self, store: Store) -> None:
        self.members: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}  # IRI -> its Dutch name
        self._by_name: dict[str, dict[str, set[str]]] = {}  # list -> name key -> IRIs
        self.known: set[str] = set()
        for scheme in SCHEMES:
            self.members[scheme] = _select(store, f"?r <{SKOS}inScheme> <{CONCEPT}{scheme}> .")
        below: dict[str, set[str]] = defaultdict(set)  # the hierarchy read once (kg.closure)
        for sub, sup in store.select_values(f"SELECT ?a ?b WHERE {{ ?a <{_SUBCLASS}> ?b }}"):
            if sub and sup:
                below[sup].add(sub)
        for name, tops in CLASSES.items():
            classes = set(tops).union(*(reachable(below, t) for t in tops))
            values = " ".join(f"<{c}>" for c in sorted(classes))
            self.members[name] = _select(store, f"VALUES ?c {{ {values} }} ?r a ?c .")
        self.members["organisaties"] -= self.members["gemeenten"]
        wanted = set().union(*self.members.values())
        names: dict[str, set[str]] = defaultdict(set)
        rows = store.select(
            f"SELECT ?r ?l WHERE {{ ?r {_NAMES} ?l . FILTER(LANG(?l) IN ('nl', 'en', '')) }}"
        ).rows
        for r, label in rows:
            if str(r) in wanted:
                names[str(r)].add(str(label))
        for r, label in store.select(
            f"SELECT ?r ?l WHERE {{ ?r <{SKOS}prefLabel> ?l . FILTER(LANG(?l) = 'nl') }}"
        ).rows:
            self.display.setdefault(str(r), str(label))
        for list_name, iris in self.members.items():
            keyed: dict[str, set[str]] = defaultdict(set)
            for iri in iris:
                for name in names.get(iri, ()):
                    keyed[normalise(name)].add(iri)
            self._by_name[list_name] = keyed
        self._store = store

    def exists(self, iri: str) -> bool:
        """Whether the store says anything about ``iri`` (as subject)."""
        if iri in self.known:
            return True
        from rdflib import URIRef

        found = self._store.ask("ASK { ?s ?p ?o }", {"s": URIRef(iri)})
        if found:
            self.known.add(iri)
        return found

    def add(self, list_name: str, name: str, iri: str) -> None:
        """A thing the workbook itself adds to a list (a new programme, a new organisation)."""
        self.members.setdefault(list_name, set()).add(iri)
        self._by_name.setdefault(list_name, defaultdict(set))[normalise(name)].add(iri)
        self.display.setdefault(iri, name)

    def find(self, list_name: str, text: str) -> set[str]:
        """The members of a list that ``text`` names."""
        return set(self._by_name.get(list_name, {}).get(normalise(text), set()))

    def closest(self, list_name: str, text: str) -> str | None:
        """The member name nearest to ``text``, for an error message."""
        keys = list(self._by_name.get(list_name, {}))
        near = difflib.get_close_matches(normalise(text), keys, n=1, cutoff=0.75)
        if not near:
            return None
        iris = sorted(self._by_name[list_name][near[0]])
        return self.display.get(iris[0])

    def name(self, list_name: str | None, iri: str) -> str:
        """What an export writes for ``iri`` in a column of ``list_name``: its Dutch name if
        that name means it alone there, else its id."""
        label = self.display.get(iri)
        if list_name is not None and label is not None and self.find(list_name, label) == {iri}:
            return label
        return curie(iri)
