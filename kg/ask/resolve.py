"""Turn what a person types (a name, a code, a label, a CURIE or an IRI) into one IRI.

Each resolver asks the store for the candidates of one kind (municipalities, concepts, or any
labelled resource, optionally of given classes) and matches the text against their names
(labels, alternative names and the hidden labels of ``data/reference/aliases.trig``: "Den
Haag", "Wmo") without regard to case, accents, punctuation or extra spaces. It tries, in order:

1. the names themselves;
2. the names with and without their kind and qualifier: "Kampen" and "Gemeente Kampen",
   "GGD IJsselland" and "IJsselland" for "GGD IJsselland (GGD-regio)", "Hengelo" for
   "Hengelo (O.)";
3. a slip of the keyboard, when one candidate is clearly the closest (see :func:`_slip_bound`):
   "Zwole", "Amsterdm", "Maastrict".

The first step that finds anything decides: one candidate is the answer, several make the
text ambiguous. When none finds anything, :class:`ResolveError` lists the most similar names
(edit distance, shared words, a matching start), so a typo never turns into an empty result
and "Den Bsch" suggests 's-Hertogenbosch, not Stede Broec.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
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
#: The kind a name may start with, and people may leave out or add: "Gemeente Kampen" and
#: "Kampen", "GGD IJsselland" and "IJsselland" (not "GGD-adviesfunctie": a space must follow).
_KIND = re.compile(r"(gemeente|ggd)\s+(?=\S)", re.IGNORECASE)
#: How similar a name must be to be suggested (see :func:`_similarity`).
_SUGGEST = 0.6
#: The most edits a suggested name may be from the text: more would make a long name similar
#: enough, but long names that are near share words, which count too (and the bound keeps the
#: search through a national graph's names to a second).
_FARTHEST = 6
#: How many names an error suggests.
_SHOWN = 5


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
    """The one candidate ``text`` names (see the module docstring for the order of the steps);
    errors list the closest names. ``extra`` adds names (normalised) to the second step.
    Candidates without a label (``""``) get theirs from ``store`` when a message shows them."""
    by_iri = {c.iri: c for c in candidates}
    if store is not None:
        by_iri = _Labelled(by_iri, store)
    iri = as_iri(text)
    if iri is not None:
        if iri in by_iri:
            return URIRef(iri)
        raise ResolveError(f"{shown(curie(iri))} is not a known {kind}")
    key = normalise(text)
    if not key:
        raise ResolveError(f"an empty value names no {kind}")
    exact = _exact_names(candidates)
    derived: dict[str, set[str]] = {}
    found = exact.get(key, set())
    if not found:
        derived = _derived_names(candidates)
        for name, iris in (extra or {}).items():
            derived.setdefault(name, set()).update(iris)
        found = derived.get(key, set())
    if len(found) == 1:
        return URIRef(next(iter(found)))
    if found:
        listed = ", ".join(_show(by_iri[i]) for i in sorted(found, key=lambda i: by_iri[i].label))
        raise ResolveError(
            f"{shown(text)} is ambiguous: it names {listed}; give the CURIE or IRI of the one you "
            "mean"
        )
    near = _near(key, _every_name(exact, derived))
    slip = _one_slip(key, near)
    if slip is not None:
        return URIRef(slip)
    raise ResolveError(f"no {kind} named {shown(text)}{_closest(near, by_iri)}")


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


# --- names with and without their kind --------------------------------------------------------


def _exact_names(candidates: Iterable[Candidate]) -> dict[str, set[str]]:
    """Each normalised name -> the candidates it names."""
    exact: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        for name in c.names:
            exact[normalise(name)].add(c.iri)
    return exact


def _derived_names(candidates: Iterable[Candidate]) -> dict[str, set[str]]:
    """Each name a candidate has besides its own, normalised -> the candidates it names: its
    names without a qualifier or a kind, and with its kind before any of its names ("gemeente
    den haag" from "Den Haag" for a municipality named "Gemeente ...")."""
    derived: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        kinds: set[str] = set()
        bases: set[str] = set()
        for name in c.names:
            forms = [name.strip()]
            if forms[0].endswith(")"):
                forms.append(_QUALIFIER.sub("", forms[0]))
                bases.add(normalise(forms[1]))
            for form in forms:
                match = _KIND.match(form)
                if match:
                    kinds.add(match.group(1).casefold())
                    bases.add(normalise(form[match.end() :]))
        if kinds:  # (few candidates have one: the names of the rest need no second pass)
            bases.update(normalise(name) for name in c.names)
        for base in bases:
            if base:
                derived[base].add(c.iri)
                for k in kinds:
                    if not base.startswith(f"{k} "):
                        derived[f"{k} {base}"].add(c.iri)
    return derived


def _every_name(
    exact: dict[str, set[str]], derived: dict[str, set[str]]
) -> Iterator[tuple[str, set[str]]]:
    """Each name, as written or derived, with every candidate it names."""
    for name, iris in exact.items():
        yield name, iris | derived[name] if name in derived else iris
    for name, iris in derived.items():
        if name not in exact:
            yield name, iris


def unqualified_names(candidates: Sequence[Candidate]) -> dict[str, list[str]]:
    """Names without their qualifier ("bergen" for "Bergen (NH.)"), for :func:`pick`'s
    ``extra`` (which now finds these itself; kept for callers that pass them)."""
    extra: dict[str, list[str]] = defaultdict(list)
    for c in candidates:
        for name in c.names:
            short = normalise(_QUALIFIER.sub("", name))
            if short != normalise(name):
                extra[short].append(c.iri)
    return extra


# --- slips and suggestions --------------------------------------------------------------------


@dataclass(frozen=True)
class _Near:
    name: str  # a normalised name
    iris: frozenset[str]
    #: what was compared: the typed text and the name, without a kind both start with
    pair: tuple[str, str]
    distance: int | None  # their edit distance, None when beyond what counts
    score: float  # their similarity, 0..1 (see _similarity)


def _slip_bound(key: str) -> int:
    """How many edits a typed name may be from a name and still name it without asking, by the
    letters that tell names apart (:func:`_letters`): none below 5 letters (too many short
    names lie one edit apart), one slip (two letters swapped, a letter doubled or undoubled, a
    space added or dropped) below 8 letters, one edit of any kind (a letter added, dropped,
    changed, or two swapped) below 12, two from 12 on."""
    letters = _letters(key)
    return 0 if letters < 5 else 1 if letters < 12 else 2


def _letters(key: str) -> int:
    """The letters and digits of a normalised ``key`` after its kind ("kampn" in "gemeente
    kampn"): what tells the candidates apart."""
    match = _KIND.match(key)
    return len(key[match.end() if match else 0 :].replace(" ", ""))


def _near(key: str, names: Iterable[tuple[str, set[str]]]) -> list[_Near]:
    """Every name close enough to ``key`` to be a slip or a suggestion. A kind that both
    start with is left out of the comparison ("kampn" against "kampen" for "gemeente kampn"
    and "gemeente kampen"), so that it makes no two names of that kind look alike."""
    bound = _slip_bound(key)
    match = _KIND.match(key)
    kind = match.group(0) if match else ""
    letters = {key: Counter(key), key[len(kind) :]: Counter(key[len(kind) :])}
    near: list[_Near] = []
    for name, iris in names:
        a, b = (
            (key[len(kind) :], name[len(kind) :]) if kind and name.startswith(kind) else (key, name)
        )
        longest = max(len(a), len(b))
        limit = max(bound, min(int(longest * (1 - _SUGGEST)), _FARTHEST))
        distance = None
        if abs(len(a) - len(b)) <= limit and _apart(letters[a], b) <= limit:
            distance = _distance(a, b, limit)
        score = _similarity(a, b, distance)
        if score >= _SUGGEST or (distance is not None and distance <= bound):
            near.append(_Near(name, frozenset(iris), (a, b), distance, score))
    return near


def _one_slip(key: str, near: list[_Near]) -> str | None:
    """The one candidate ``key`` is a slip away from, when exactly one is closest."""
    bound = _slip_bound(key)
    any_edit = _letters(key) >= 8
    slips = [
        n
        for n in near
        if n.distance is not None and 0 < n.distance <= bound and (any_edit or _is_slip(*n.pair))
    ]
    if not slips:
        return None
    best = min(n.distance for n in slips if n.distance is not None)
    iris = {i for n in slips if n.distance == best for i in n.iris}
    return next(iter(iris)) if len(iris) == 1 else None


def _is_slip(typed: str, name: str) -> bool:
    """Whether ``typed`` is ``name`` with two neighbouring letters swapped, a letter doubled or
    undoubled, or a space added or dropped."""
    if len(typed) == len(name):
        diff = [i for i, (a, b) in enumerate(zip(typed, name, strict=True)) if a != b]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and typed[diff[0]] == name[diff[1]]
            and typed[diff[1]] == name[diff[0]]
        )
    longer, shorter = (typed, name) if len(typed) > len(name) else (name, typed)
    if len(longer) != len(shorter) + 1:
        return False
    for i, char in enumerate(longer):
        if longer[:i] + longer[i + 1 :] == shorter and (
            char == " "
            or (i > 0 and longer[i - 1] == char)
            or (i + 1 < len(longer) and longer[i + 1] == char)
        ):
            return True
    return False


def _apart(letters: Counter[str], name: str) -> int:
    """A lower bound of the edit distance between the text whose letters are counted in
    ``letters`` and ``name``, from the letters alone: an edit changes at most two counts by
    one, so the distance is at least half the letters one has and the other has not."""
    theirs = Counter(name)
    common = sum(min(n, theirs.get(c, 0)) for c, n in letters.items())
    return (sum(letters.values()) + len(name) - 2 * common + 1) // 2


def _distance(a: str, b: str, limit: int) -> int | None:
    """The edit distance between ``a`` and ``b`` (letters added, dropped, changed, or two
    neighbours swapped: optimal string alignment), or None when it is more than ``limit``.
    Only the band of cells within ``limit`` of the diagonal is computed, and the work stops
    as soon as no alignment can stay within ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return None
    if a == b:
        return 0
    big = limit + 1
    previous: list[int] = []
    row = [j if j <= limit else big for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        before, previous, row = previous, row, [big] * (len(b) + 1)
        if i <= limit:
            row[0] = i
        low, high = max(1, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            row[j] = min(value, big)
        if min(row[max(0, low - 1) : high + 1]) > limit:
            return None
    return row[len(b)] if row[len(b)] <= limit else None


def _similarity(key: str, name: str, distance: int | None) -> float:
    """How similar a typed ``key`` is to a ``name`` (both normalised), 0..1, the best of:

    * the edit distance against the longer of the two (``1 - d / length``);
    * the words they share: the letters of the words both have, against the letters of the
      words either has (words of three letters or more);
    * ``key`` as the start of ``name`` or of one of its words (from 0.6 up, more for a larger
      part of the name, more again at the very start)."""
    score = 0.0 if distance is None else 1 - distance / max(len(key), len(name), 1)
    words = [w for w in key.split() if len(w) >= 3]
    if any(w in name for w in words):  # (a quick test first: most names share nothing)
        theirs = {w for w in name.split() if len(w) >= 3}
        shared = sum(len(w) for w in theirs.intersection(words))
        score = max(score, shared / sum(len(w) for w in theirs.union(words)))
    if len(key) >= 3 and key in name and f" {name}".find(f" {key}") >= 0:
        score = max(score, 0.6 + 0.3 * len(key) / len(name) + 0.05 * name.startswith(key))
    return score


def _closest(near: list[_Near], by_iri: dict[str, Candidate]) -> str:
    """``"; closest: A (x), B (y)"`` for the most similar names, or ``""``."""
    best: dict[str, tuple[float, str]] = {}
    for n in near:
        if n.score < _SUGGEST:
            continue
        for iri in n.iris:
            if iri not in best or (-n.score, n.name) < (-best[iri][0], best[iri][1]):
                best[iri] = (n.score, n.name)
    ranked = sorted(best, key=lambda i: (-best[i][0], best[i][1], i))
    shown_: list[str] = []
    for iri in ranked:
        label = _show(by_iri[iri])
        if label not in shown_:
            shown_.append(label)
        if len(shown_) == _SHOWN:
            break
    return f"; closest: {', '.join(shown_)}" if shown_ else ""


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
    return pick(text, candidates, "municipality", store=store)


def resolve_concept(store: Store, text: str, scheme: str | None = None) -> URIRef:
    """A concept from a Dutch or English label or its IRI, optionally within one scheme."""
    where = "?r a skos:Concept ; skos:prefLabel|skos:altLabel|skos:hiddenLabel ?name ."
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
