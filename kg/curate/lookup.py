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
_AGENTS = f"VALUES ?top {{ <{ORG}Organization> <{CV}PublicOrganisation> }}"
_PROGRAMMES = "VALUES ?top { " + " ".join(f"<{c}>" for c in PROGRAMME_CLASSES.values()) + " }"
#: Each list: the graph pattern its members match (``?r``).
MEMBERS: dict[str, str] = {
    **{s: f"?r <{SKOS}inScheme> <{CONCEPT}{s}> ." for s in SCHEMES},
    "gemeenten": f"?r a <{KG}Municipality> .",
    "organisaties": f"{_AGENTS} ?r a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?top . "
    f"FILTER NOT EXISTS {{ ?r a <{KG}Municipality> }}",
    "partners": f"{_AGENTS} ?r a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?top .",
    "programmas": f"{_PROGRAMMES} ?r a ?top .",
    "interventies": f"?r a <{KG}Intervention> .",
    "publicaties": f"VALUES ?top {{ <{KG}Publication> <{CV}Output> }} ?r a ?top .",
    "bijdragers": f"{_AGENTS.replace('}', f'<{FOAF}Person> }}')} "
    "?r a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?top .",
    "onderwerpen": "VALUES ?top { "
    + " ".join(
        f"<{c}>"
        for c in (
            *PROGRAMME_CLASSES.values(),
            KG + "Accord",
            KG + "Law",
            KG + "FundingScheme",
            KG + "GovernmentProgramme",
        )
    )
    + " } ?r a ?top .",
    "wetten": f"?r a <{KG}Law> .",
    "akkoorden": f"?r a <{KG}Accord> .",
    "regelingen": f"?r a <{KG}FundingScheme> .",
}
_NAMES = f"<{SKOS}prefLabel>|<{SKOS}altLabel>|<{SKOS}hiddenLabel>"


class Lookup:
    """The lists of a store, and names added from the workbook itself (new rows)."""

    def __init__(self, store: Store) -> None:
        self.members: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}  # IRI -> its Dutch name
        self._by_name: dict[str, dict[str, set[str]]] = {}  # list -> name key -> IRIs
        self.known: set[str] = set()
        for name, pattern in MEMBERS.items():
            self.members[name] = {
                str(r) for (r,) in store.select_values(f"SELECT DISTINCT ?r WHERE {{ {pattern} }}")
            }
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
