"""Turn what a person types (a name, a code, a label, a CURIE or an IRI) into one IRI.

Each resolver asks the store for the candidates of one kind (municipalities, concepts, or any
labelled resource, optionally of given classes), matches the text against their names without
regard to case, accents or extra spaces, and returns the single match. No match, or more than
one, raises :class:`ResolveError` with the closest candidates, so a typo never turns into an
empty result.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from kg.errors import UsageError, shown
from kg.namespaces import PREFIXES, curie, sparql_prefixes
from kg.store import Store, sparql_iris
from kg.store.names import NAME_PROPERTIES, NAMES_SPARQL
from kg.text import normalise


class ResolveError(UsageError):
    """A value that names nothing, or more than one thing, of the kind asked for."""


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str  # how the candidate is shown in messages
    names: tuple[str, ...]  # every text that names it


_CURIE = re.compile(r"([A-Za-z][\w-]*):([^\s/][^\s]*)?")
_CBS_CODE = re.compile(r"(?:gm)?(\d{4})", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")  # "Bergen (NH.)" -> "Bergen"


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells (``<...>``, ``https://...`` or a project CURIE), else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", text, re.IGNORECASE):
        return text
    match = _CURIE.fullmatch(text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + (match.group(2) or "")
    return None


def pick(
    text: str,
    candidates: list[Candidate],
    kind: str,
    *,
    extra: dict[str, list[str]] | None = None,
    store: Store | None = None,
) -> URIRef:
    """The one candidate ``text`` names; errors list the closest names. Candidates without a
    label (``""``) get theirs from ``store`` when a message shows them."""
    by_iri = {c.iri: c for c in candidates}
    if store is not None:
        by_iri = _Labelled(by_iri, store)
    iri = as_iri(text)
    if iri is not None:
        if iri in by_iri:
            return URIRef(iri)
        raise ResolveError(f"{shown(curie(iri))} is not a known {kind}")
    index: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        for name in c.names:
            index[normalise(name)].add(c.iri)
    for key, iris in (extra or {}).items():
        index[key].update(iris)
    key = normalise(text)
    if not key:
        raise ResolveError(f"an empty value names no {kind}")
    found = index.get(key, set())
    if len(found) == 1:
        return URIRef(next(iter(found)))
    if found:
        listed = ", ".join(_show(by_iri[i]) for i in sorted(found, key=lambda i: by_iri[i].label))
        raise ResolveError(
            f"{shown(text)} is ambiguous: it names {listed}; give the CURIE or IRI of the one you "
            "mean"
        )
    raise ResolveError(f"no {kind} named {shown(text)}{_closest(key, index, by_iri)}")


class _Labelled(dict[str, Candidate]):
    """``by_iri`` that fills in a candidate's label from the store when it is looked up (only
    messages look candidates up, and they show a handful)."""

    def __init__(self, by_iri: dict[str, Candidate], store: Store) -> None:
        super().__init__(by_iri)
        self._store = store

    def __getitem__(self, iri: str) -> Candidate:
        c: Candidate = super().__getitem__(iri)
        if not c.label:
            label = self._store.labels([iri], "nl").get(iri, curie(iri))
            c = Candidate(c.iri, label, c.names)
            self[iri] = c
        return c


def _show(c: Candidate) -> str:
    return f"{c.label} ({curie(c.iri)})"


def _closest(key: str, index: dict[str, set[str]], by_iri: dict[str, Candidate]) -> str:
    """``"; closest: A (x), B (y)"`` for the names nearest to ``key``, or ``""``."""
    names = sorted(index)
    near = difflib.get_close_matches(key, names, n=5, cutoff=0.6)
    near += [n for n in names if key in n and n not in near]
    shown: list[str] = []
    for name in near:
        for iri in sorted(index[name]):
            label = _show(by_iri[iri])
            if label not in shown:
                shown.append(label)
    return f"; closest: {', '.join(shown[:5])}" if shown else ""


def _candidates(
    store: Store, sparql: str, bindings: dict[str, URIRef] | None = None
) -> list[Candidate]:
    """Candidates from a query projecting ``?r ?name`` (one row per name). Their labels are
    left for :func:`pick` to fetch when a message shows them: on a national graph there are
    a hundred thousand candidates and a message names five."""
    names: dict[str, set[str]] = defaultdict(set)
    for r, name in store.select_values(sparql_prefixes() + sparql, ("r", "name"), bindings):
        if r is not None and name is not None:
            names[r].add(name)
    return [Candidate(iri, "", tuple(sorted(ns))) for iri, ns in sorted(names.items())]


def resolve_municipality(store: Store, text: str) -> URIRef:
    """A municipality from its name ("Kampen", "Gemeente Kampen"), CBS code ("GM0166", "0166")
    or IRI. A name without its qualifier ("Bergen" for "Bergen (NH.)" and "Bergen (L.)")
    works when it is unique."""
    candidates = _candidates(
        store,
        f"SELECT ?r ?name WHERE {{ ?r a kg:Municipality . "
        f"{{ ?r {NAME_PROPERTIES} ?name }} UNION {{ ?r dct:identifier ?name }} }}",
    )
    code = _CBS_CODE.fullmatch(text.strip())
    if code:
        text = f"GM{code.group(1)}"
        if not any(text in c.names for c in candidates):
            # Nearby numbers are not nearby places: no suggestions for an unknown code.
            raise ResolveError(f"no municipality has CBS code {text}")
    return pick(text, candidates, "municipality", extra=unqualified_names(candidates), store=store)


def unqualified_names(candidates: Sequence[Candidate]) -> dict[str, list[str]]:
    """Names without their qualifier ("bergen" for "Bergen (NH.)"), for :func:`pick`."""
    extra: dict[str, list[str]] = defaultdict(list)
    for c in candidates:
        for name in c.names:
            short = normalise(_QUALIFIER.sub("", name))
            if short != normalise(name):
                extra[short].append(c.iri)
    return extra


def resolve_concept(store: Store, text: str, scheme: str | None = None) -> URIRef:
    """A concept from a Dutch or English label or its IRI, optionally within one scheme."""
    where = "?r a skos:Concept ; skos:prefLabel|skos:altLabel ?name ."
    bindings = None
    if scheme is not None:
        where += " ?r skos:inScheme ?scheme ."
        bindings = {"scheme": URIRef(scheme)}
    candidates = _candidates(store, f"SELECT ?r ?name ?scheme WHERE {{ {where} }}", bindings)
    kind = "concept" if scheme is None else f"concept in {curie(scheme)}"
    return pick(text, candidates, kind, store=store)


def resolve_resource(store: Store, text: str, classes: Sequence[str] = ()) -> URIRef:
    """Any named resource (optionally an instance of one of ``classes`` or of a subclass)
    from a label, a CURIE or an IRI."""
    iri = as_iri(text)
    if iri is not None and not classes and _exists(store, iri):
        return URIRef(iri)  # without a class, any IRI with statements about it will do
    quick = _one_match(store, text, iri, classes)
    if quick is not None:
        return quick
    where = f"?r {NAME_PROPERTIES} ?name ."
    if not classes:
        candidates = _candidates(store, NAMES_SPARQL)
    else:
        where += " ?r a/rdfs:subClassOf* ?class ."
        sparql = f"SELECT DISTINCT ?r ?name ?class WHERE {{ {where} }}"
        merged = {
            c.iri: c for cls in classes for c in _candidates(store, sparql, {"class": URIRef(cls)})
        }
        candidates = sorted(merged.values(), key=lambda c: c.iri)
    names = store.labels(classes, "en")
    kind = " or ".join(names.get(c, curie(c)) for c in classes) or "resource"
    return pick(text, candidates, kind, store=store)


def _one_match(store: Store, text: str, iri: str | None, classes: Sequence[str]) -> URIRef | None:
    """The one resource ``text`` names, found through the build's name index, or None when
    there is no index or not exactly one match (the full path then decides, and words the
    error). Gives what the full path gives: the index holds the same names, normalised the
    same way, and the class test is the same pattern."""
    index = store.name_index
    if index is None:
        return None
    found = [iri] if iri is not None else index.lookup(normalise(text))
    if not found:
        return None
    block = " ".join(f"<{i}>" for i in sparql_iris(found))
    where = f"VALUES ?r {{ {block} }} ?r {NAME_PROPERTIES} ?name ."
    if classes:
        where += " ?r a/rdfs:subClassOf* ?class ."
        classes_block = " ".join(f"<{c}>" for c in sparql_iris(classes))
        where = f"VALUES ?class {{ {classes_block} }} " + where
    rows = store.select_values(
        sparql_prefixes() + f"SELECT DISTINCT ?r WHERE {{ {where} }}", ("r",)
    )
    matches = {r for (r,) in rows if r is not None}
    return URIRef(matches.pop()) if len(matches) == 1 else None


def _exists(store: Store, iri: str) -> bool:
    rows = store.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", {"s": URIRef(iri)})
    return len(rows) > 0
