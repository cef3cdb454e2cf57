"""The facts a case is scored on: SPARQL through the :class:`~kg.store.Store` interface (so a
remote server works the same), fetched once per case and only for the programmes the case
can use (:class:`Evidence`)."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from kg.ask.fit import AUDIENCE, THEME, Asked, Hierarchy, best_matches, score
from kg.closure import reachable
from kg.namespaces import ID, sparql_prefixes
from kg.store import Store, sparql_iris

ROLE_PARTNER = ID + "concept/rol-partner"

# --- the facts, as SPARQL ------------------------------------------------------------------

_WHERE = """
SELECT ?approach ?level ?where ?source ?municipality WHERE {
  # (Each branch finds ?home itself: a UNION branch does not see bindings made before it. The
  # class test sits in each branch before its BINDs: a BIND closes the patterns before it,
  # and pyoxigraph 0.5 evaluates what follows for the whole graph.)
  {
    ?municipality dct:spatial ?home .
    GRAPH ?source { ?approach dct:spatial ?place }
    ?place geo:sfWithin* ?home .
    ?approach a/rdfs:subClassOf* kg:Approach .
    BIND(?home AS ?where) BIND(3 AS ?level)
  } UNION {
    ?municipality dct:spatial ?home .
    GRAPH ?source { ?approach cv:hasParticipation/cv:hasParticipant ?municipality }
    ?approach a/rdfs:subClassOf* kg:Approach .
    BIND(?home AS ?where) BIND(3 AS ?level)
  } UNION {
    ?municipality dct:spatial ?home .
    ?home geo:sfWithin+ ?where .
    GRAPH ?source { ?approach dct:spatial ?where }
    ?approach a/rdfs:subClassOf* kg:Approach .
    BIND(IF(EXISTS { ?where a kg:Country }, 1, 2) AS ?level)
  }
}"""

# What each approach is for (target groups, themes). Which of these concepts match a case's
# (the same, or broader or narrower along skos:broader) is worked out in Python from _BROADER:
# the code lists are small, and servers disagree on "skos:broader*" between bound ends
# (Virtuoso 7.2 drops matches).
# (Who names the concept, whatever its class: a class test per row was most of a case's time
# on a national graph. What is not an approach is dropped later: the candidates that reach the
# municipality come class-tested from _WHERE, the examples are tested with _APPROACHES.)
_SHARES = """
SELECT ?approach ?property ?concept ?source WHERE {
  #VALUES#
  { GRAPH ?source { ?approach dct:audience ?concept } BIND(dct:audience AS ?property) }
  UNION
  { GRAPH ?source { ?approach cv:thematicArea ?concept } BIND(cv:thematicArea AS ?property) }
}"""

_APPROACHES = """
SELECT ?approach WHERE { #VALUES# ?approach a/rdfs:subClassOf* kg:Approach }"""

_BROADER = """
SELECT ?narrower ?broader WHERE { ?narrower skos:broader ?broader }"""

# Where each approach runs: its places, or else the municipalities that take part.
# (The class test sits in each branch: before the UNION, pyoxigraph 0.5 joins it with the
# branches row by row, which grows with the square of the graph.)
_PLACES = """
SELECT ?approach ?place WHERE {
  {
    #VALUES#
    ?approach dct:spatial ?place .
    ?approach a/rdfs:subClassOf* kg:Approach .
  } UNION {
    #VALUES#
    ?approach cv:hasParticipation/cv:hasParticipant ?place .
    ?place a kg:Municipality .
    FILTER NOT EXISTS { ?approach dct:spatial [] }
    ?approach a/rdfs:subClassOf* kg:Approach .
  }
}"""

_APPLIED = """
SELECT ?programme ?intervention WHERE {
  #VALUES#
  ?programme kg:appliesIntervention ?intervention
}"""

_METHODS = """
SELECT ?approach WHERE { ?approach a kg:Intervention }"""

_PARTNERS = """
SELECT ?approach ?partner ?role ?source WHERE {
  #VALUES#
  GRAPH ?source { ?approach cv:hasParticipation ?participation }
  ?participation cv:hasParticipant ?partner .
  OPTIONAL { ?participation cv:role ?role }
}"""

# What each approach reaches through interventions it applies and parts it has: followed in
# Python (:func:`_reach`), not with "(kg:appliesIntervention|dct:hasPart)*", which Virtuoso 7.2
# gets wrong from bound starts and which pyoxigraph walks slowly for thousands of them.
_PARTS = """
SELECT ?whole ?part WHERE { #VALUES# ?whole kg:appliesIntervention|dct:hasPart ?part }"""

# The instruments an approach (or what it reaches) names directly, and how.
# (Every link of each approach is read, and the relations are kept in Python: a second VALUES
# block for them made engines look up every pair.)
_INSTRUMENTS = """
SELECT ?via ?relation ?instrument ?source WHERE {
  #VALUES#
  GRAPH ?source { ?via ?relation ?instrument }
  FILTER(isIRI(?instrument))
}"""
RELATIONS = {
    "http://data.europa.eu/m8g/hasLegalResource",
    "https://w3id.org/kg-sociaal/def#implements",
    "https://w3id.org/kg-sociaal/def#underAccord",
    "https://w3id.org/kg-sociaal/def#fundedBy",
    "http://purl.org/dc/terms/relation",
}

_INSTRUMENT_CONCEPTS = """
SELECT ?instrument ?property ?concept ?source WHERE {
  #VALUES#
  { GRAPH ?source { ?instrument dct:audience ?concept } BIND(dct:audience AS ?property) }
  UNION
  { GRAPH ?source { ?instrument cv:thematicArea ?concept } BIND(cv:thematicArea AS ?property) }
}"""

#: The instruments (laws, accords, schemes, government programmes): the links above are kept
#: for these, in Python (a class test per row made those queries slow on a national graph).
_POLICY_INSTRUMENTS = """
SELECT ?instrument WHERE { ?instrument a/rdfs:subClassOf* kg:PolicyInstrument }"""

_FINANCES = """
SELECT ?scheme ?accord ?source WHERE { GRAPH ?source { ?scheme kg:finances ?accord } }"""

_RESPONSIBLE = """
SELECT ?instrument ?organisation ?source WHERE {
  GRAPH ?source { ?instrument kg:responsibleOrganisation ?organisation }
}"""

_GGD = """
SELECT ?ggd ?region ?source ?municipality WHERE {
  ?municipality dct:spatial/geo:sfWithin ?region .
  ?region a kg:GGDRegion .
  GRAPH ?source { ?ggd kg:servesRegion ?region }
}"""

_TITLES = """
SELECT ?source ?title WHERE { ?source a kg:Source ; dct:title ?title }"""


#: How many approaches that do not reach the municipality (methods, examples from elsewhere)
#: a case considers: those that fit it best.
EXAMPLES = 40

#: IRIs per VALUES block in :func:`_select_for`, and above how many it reads everything.
_BATCH = 400
_ALL_ABOVE = 1200


def _select_for(
    store: Store, sparql: str, variable: str, iris: Iterable[str], *, read_all: bool = True
) -> list[dict[str, str]]:
    """:func:`_select` of ``sparql`` with ``variable`` limited to ``iris`` (a VALUES block at
    its ``#VALUES#`` marker, in batches): on a national graph the case finder reads the
    facts of its candidates, not of every programme in the country."""
    wanted = sparql_iris(iris)
    index = _remembered(store).get("preloaded", {}).get((sparql, variable))
    if index is not None:  # read once for a long-lived store (kg serve): filter in memory
        kept = [row for iri in sorted(set(wanted)) for row in index.get(iri, ())]
        return sorted(kept, key=lambda row: tuple(sorted(row.items())))
    if read_all and len(wanted) > _ALL_ABOVE:  # many: one query for all, keep the wanted rows
        keep = set(wanted)
        everything = _select(store, sparql.replace("#VALUES#", ""))
        return [row for row in everything if row.get(variable) in keep]
    names: tuple[str, ...] = ()
    rows: set[tuple[str | None, ...]] = set()
    for start in range(0, len(wanted), _BATCH):
        values = " ".join(f"<{i}>" for i in wanted[start : start + _BATCH])
        names, found = _select_set(
            store, sparql.replace("#VALUES#", f"VALUES ?{variable} {{ {values} }}")
        )
        rows |= found
    return _dicts(names, rows)


#: Facts that do not depend on the case (code lists, instruments, methods, sources), per store:
#: kg serve answers many cases from one store, and reads these once.
_PER_STORE: weakref.WeakKeyDictionary[Store, dict[str, Any]] = weakref.WeakKeyDictionary()


def _remembered(store: Store) -> dict[str, Any]:
    """What is remembered for ``store`` (nothing for a store that cannot be weakly referenced
    or hashed, such as a remote one)."""
    try:
        return _PER_STORE.setdefault(store, {})
    except TypeError:
        return {}


def once_per_store(store: Store, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered for ``store`` under ``key`` (the store is read-only)."""
    remembered = _remembered(store)
    if key not in remembered:
        remembered[key] = compute()
    return remembered[key]


def preload(store: Store) -> None:
    """Read, once, the facts every case reads for its candidates (who names which concept,
    where approaches run, their status, which resources are approaches), so that later
    cases on this ``store`` filter them in memory. For a long-lived store: kg serve calls it;
    a single ``kg case`` does not (reading everything costs more than one case)."""

    def index() -> dict[tuple[str, str], dict[str, list[dict[str, str]]]]:
        out: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
        wanted: tuple[tuple[str, tuple[str, ...]], ...] = (
            (_SHARES, ("approach", "concept")),
            (_PLACES, ("approach",)),
            (_STATUS, ("approach",)),
            (_APPROACHES, ("approach",)),
        )
        for sparql, variables in wanted:
            rows = _select(store, sparql.replace("#VALUES#", ""))
            for variable in variables:
                by: dict[str, list[dict[str, str]]] = defaultdict(list)
                for row in rows:
                    if variable in row:
                        by[row[variable]].append(row)
                out[(sparql, variable)] = dict(by)
        return out

    once_per_store(store, "preloaded", index)


def select_once(store: Store, sparql: str) -> list[dict[str, str]]:
    """:func:`_select` of a query without parameters, once per store."""
    return list(once_per_store(store, sparql, lambda: _select(store, sparql)))


def _select(store: Store, sparql: str, **bindings: Node) -> list[dict[str, str]]:
    """The rows as dicts, distinct and sorted: reasons are added in row order, and servers
    return rows in different orders (and some, such as Virtuoso, repeat them)."""
    return _dicts(*_select_set(store, sparql, bindings))


def _select_set(
    store: Store, sparql: str, bindings: dict[str, Node] | None = None
) -> tuple[tuple[str, ...], set[tuple[str | None, ...]]]:
    """The variables in alphabetical order and the distinct rows, each a tuple of values
    in that order (None where unbound)."""
    variables, rows = store.select_rows(sparql_prefixes() + sparql, bindings or None)
    order = sorted(range(len(variables)), key=variables.__getitem__)
    names = tuple(variables[i] for i in order)
    if order == list(range(len(variables))):
        return names, set(rows)
    return names, {tuple(row[i] for i in order) for row in rows}


def _dicts(names: tuple[str, ...], rows: set[tuple[str | None, ...]]) -> list[dict[str, str]]:
    """The rows as ``{variable: value}`` (unbound variables left out), sorted by their
    (variable, value) pairs: the order does not depend on the server."""
    if not any(None in row for row in rows):  # every pair present: the values sort alike
        return [dict(zip(names, row, strict=True)) for row in sorted(rows)]  # type: ignore[arg-type]
    pairs = [
        tuple((n, v) for n, v in zip(names, row, strict=True) if v is not None) for row in rows
    ]
    return [dict(row) for row in sorted(pairs)]


#: Status and period of the candidates (kg:status is derived by kg build; see kg.build.status).
_STATUS = """
SELECT ?approach ?status ?start ?end ?reported WHERE {
  #VALUES#
  { ?approach kg:status ?status } UNION { ?approach schema:startDate ?start }
  UNION { ?approach schema:endDate ?end } UNION { ?approach kg:reportedIn ?reported }
}"""

#: Knowledge institutes taking part in approaches that fit the case, wherever they run.
_KNOWLEDGE = """
SELECT ?approach ?partner ?source WHERE {
  #VALUES#
  GRAPH ?source { ?approach cv:hasParticipation/cv:hasParticipant ?partner }
  ?partner org:classification concept:organisatiesoort-kennisinstituut .
}"""

STATUS = {
    ID + "concept/status-loopt": "running",
    ID + "concept/status-afgelopen": "ended",
    ID + "concept/status-onbekend": "unknown",
}


@dataclass
class Timing:
    """What the sources say about when an approach ran."""

    status: str = "unknown"  # running, ended or unknown
    start: str = ""
    end: str = ""
    reported: str = ""

    def period(self) -> str:
        """``"2020-02 – 2022"``, ``"– 2009-04-22"``, ``"2010 –"`` or ``""``."""
        if not (self.start or self.end):
            return ""
        return f"{self.start} – {self.end}".strip()


class Evidence:
    """Everything the scoring needs, each fact fetched once."""

    def __init__(
        self,
        store: Store,
        place: str,
        asked: list[Asked],
        lang: str,
        words: dict[str, str],
    ) -> None:
        self.store = store
        self.place = place
        self.words = words
        self.asked = asked
        self.lang = lang
        self.level: dict[str, int] = {}  # approach -> best location level (3, 2, 1)
        self.where: dict[str, str] = {}  # approach -> the area of that level
        self.where_sources: dict[str, set[str]] = defaultdict(set)
        for row in _select(store, _WHERE, municipality=URIRef(place)):
            a, level = row["approach"], int(row["level"])
            self.where_sources[a].add(row["source"])
            if level > self.level.get(a, 0):
                self.level[a], self.where[a] = level, row["where"]
        # Methods a programme here applied (or applies): local experience with them.
        self.applied_here: dict[str, set[str]] = defaultdict(set)
        local = {a for a, level in self.level.items() if level == 3}
        for row in _select_for(store, _APPLIED, "programme", local):
            if self.level.get(row["programme"]) == 3:
                self.applied_here[row["intervention"]].add(row["programme"])
        self._fits(store, asked)
        self.methods = {r["approach"] for r in select_once(store, _METHODS)}
        # Every approach that reaches the municipality is a candidate, and so is every
        # approach that fits the case (a method available anywhere, or an example from
        # elsewhere) and every method a programme here applied.
        # Of what does not reach it (examples from elsewhere, methods), the EXAMPLES that fit
        # best: on a national graph thousands fit somewhere, and an answer shows a handful.
        elsewhere = sorted(
            (a for a in self.named if a not in self.level and a not in self.applied_here),
            key=lambda a: (-score(best_matches(self.hierarchy, asked, self.named[a])), a),
        )
        tested = {
            r["approach"]
            for r in _select_for(store, _APPROACHES, "approach", elsewhere[: 3 * EXAMPLES])
        }
        examples = [a for a in elsewhere if a in tested][:EXAMPLES]
        self.candidates = set(self.level) | set(examples) | set(self.applied_here)
        self.places: dict[str, set[str]] = defaultdict(set)
        for row in _select_for(store, _PLACES, "approach", self.candidates - set(self.level)):
            self.places[row["approach"]].add(row["place"])
        self.timing = _timings(store, self.candidates)
        # Partners and instruments count for the candidates the case can use: those that
        # reach the municipality, and methods bound to no place, and not ended.
        self.usable = {
            a
            for a in self.candidates
            if (self.level.get(a) or (a not in self.places and a in self.methods))
            and self.timing[a].status != "ended"
        }
        self.partners = _select_for(store, _PARTNERS, "approach", self.usable)
        self.project_partners: dict[str, list[str]] = defaultdict(list)
        for row in self.partners:
            if row.get("role") == ROLE_PARTNER:
                self.project_partners[row["approach"]].append(row["partner"])
        fitting = {a for a in self.candidates if a in self.named}
        self.knowledge = _select_for(store, _KNOWLEDGE, "approach", fitting)
        reach = _reach(store, self.usable)
        by_via: dict[str, list[dict[str, str]]] = defaultdict(list)
        vias = set().union(*reach.values())
        # (Never "all at once": without its VALUES block this query reads every statement.)
        for row in _select_for(store, _INSTRUMENTS, "via", vias, read_all=False):
            if row["relation"] in RELATIONS and row["instrument"] in self.instruments:
                by_via[row["via"]].append(row)
        self.links = sorted(
            ({**row, "approach": a} for a in reach for via in reach[a] for row in by_via[via]),
            key=lambda row: tuple(sorted(row.items())),
        )
        wanted = {place, *(a.concept for a in asked), *self.where.values(), *self.candidates}
        wanted |= {p for ps in self.places.values() for p in ps}
        wanted |= {c for facts in self.named.values() for _, c, _ in facts}
        wanted |= {r[k] for r in self.partners for k in ("partner", "role") if k in r}
        wanted |= {r[k] for r in self.links for k in ("instrument", "via")}
        self.labels = _Labels(store, lang, wanted)

    def _fits(self, store: Store, asked: list[Asked]) -> None:
        """What each approach and instrument names that fits the case at all."""
        links = [(r["narrower"], r["broader"]) for r in select_once(store, _BROADER)]
        self.hierarchy = Hierarchy(links)
        concepts = {c for pair in links for c in pair} | {a.concept for a in asked}
        every = set().union(*(self.hierarchy.near(a.concept, concepts) for a in asked))
        self.named: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        if every:
            # What reaches the municipality: everything it names, kept where it fits.
            here = set(self.level) | set(self.applied_here)
            rows = [
                r for r in _select_for(store, _SHARES, "approach", here) if r["concept"] in every
            ]
            # Examples and methods from anywhere: those naming an asked concept itself, and
            # only when they are too few, those naming a broader or narrower one (on a
            # national graph thousands name "kwetsbare inwoners" or what lies below it).
            exact = {a.concept for a in asked}
            found = _select_for(store, _SHARES, "concept", exact)
            if len({r["approach"] for r in found} - here) < EXAMPLES:
                found += _select_for(store, _SHARES, "concept", every - exact)
            for row in {tuple(sorted(r.items())): r for r in rows + found}.values():
                fact = (row["property"], row["concept"], row["source"])
                self.named[row["approach"]].append(fact)
        self.instruments = {r["instrument"] for r in select_once(store, _POLICY_INSTRUMENTS)}
        self.instrument_named: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        concerns = once_per_store(
            store,
            "instrument concepts",
            lambda: _select_for(store, _INSTRUMENT_CONCEPTS, "instrument", self.instruments),
        )
        for row in concerns:
            if row["concept"] not in every:
                continue
            prop = AUDIENCE if row.get("property") == AUDIENCE else THEME
            fact = (prop, row["concept"], row["source"])
            self.instrument_named[row["instrument"]].append(fact)


def _timings(store: Store, candidates: set[str]) -> dict[str, Timing]:
    """Status and period of each candidate."""
    timing: dict[str, Timing] = defaultdict(Timing)
    for row in _select_for(store, _STATUS, "approach", candidates):
        t = timing[row["approach"]]
        t.status = STATUS.get(row.get("status", ""), t.status)
        t.start = row.get("start", t.start)
        t.end = row.get("end", t.end)
        t.reported = row.get("reported", t.reported)
    return timing


def _reach(store: Store, starts: Iterable[str]) -> dict[str, set[str]]:
    """For each start, itself and everything it reaches along ``whole -> part`` links, read
    a step at a time for what has been reached (not every link in the country)."""
    parts: dict[str, set[str]] = defaultdict(set)
    starts = set(starts)
    seen: set[str] = set()
    frontier = set(starts)
    while frontier:
        seen |= frontier
        for row in _select_for(store, _PARTS, "whole", frontier):
            parts[row["whole"]].add(row["part"])
        frontier = {p for w in frontier for p in parts.get(w, ())} - seen
    return {start: {start} | reachable(parts, start) for start in starts}


def _related_concepts(links: list[dict[str, str]]) -> Callable[[str], set[str]]:
    """``related(concept)``: the concept, every narrower one and every broader one (following
    skos:broader any number of steps either way)."""
    up: dict[str, set[str]] = defaultdict(set)
    down: dict[str, set[str]] = defaultdict(set)
    for row in links:
        up[row["narrower"]].add(row["broader"])
        down[row["broader"]].add(row["narrower"])

    return lambda concept: {concept} | reachable(up, concept) | reachable(down, concept)


class _Labels:
    def __init__(self, store: Store, lang: str, iris: Iterable[str]) -> None:
        self._store = store
        self._lang = lang
        self._known = store.labels([i for i in iris if i], lang)

    def prefetch(self, iris: Iterable[str]) -> None:
        """Fetch the labels of ``iris`` in one go (each later call is then a lookup)."""
        missing = {i for i in iris if i and i not in self._known}
        if missing:
            self._known.update(self._store.labels(sorted(missing), self._lang))

    def __call__(self, iri: str) -> str:
        if not iri:
            return ""
        if iri not in self._known:
            self._known.update(self._store.labels([iri], self._lang))
        return self._known.get(iri, iri)
