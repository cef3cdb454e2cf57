"""The facts a case is scored on: SPARQL through the :class:`~kg.store.Store` interface (so a
remote server works the same), fetched once per case and only for the programmes the case
can use (:class:`Evidence`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from rdflib import URIRef

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
_SHARES = """
SELECT ?approach ?property ?concept ?source WHERE {
  #VALUES#
  VALUES ?property { dct:audience cv:thematicArea }
  GRAPH ?source { ?approach ?property ?concept }
  ?approach a/rdfs:subClassOf* kg:Approach .
}"""

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
SELECT ?whole ?part WHERE { ?whole kg:appliesIntervention|dct:hasPart ?part }"""

# The instruments an approach (or what it reaches) names directly, and how.
_INSTRUMENTS = """
SELECT ?via ?relation ?instrument ?source WHERE {
  #VALUES#
  VALUES ?relation { cv:hasLegalResource kg:implements kg:underAccord kg:fundedBy dct:relation }
  GRAPH ?source { ?via ?relation ?instrument }
  ?instrument a/rdfs:subClassOf* kg:PolicyInstrument .
}"""

_INSTRUMENT_CONCEPTS = """
SELECT ?instrument ?concept ?source WHERE {
  #VALUES#
  GRAPH ?source { ?instrument cv:thematicArea|dct:audience ?concept }
  ?instrument a/rdfs:subClassOf* kg:PolicyInstrument .
}"""

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


#: IRIs per VALUES block in :func:`_select_for`, and above how many it reads everything.
_BATCH = 400
_ALL_ABOVE = 1200


def _select_for(
    store: Store, sparql: str, variable: str, iris: Iterable[str]
) -> list[dict[str, str]]:
    """:func:`_select` of ``sparql`` with ``variable`` limited to ``iris`` (a VALUES block at
    its ``#VALUES#`` marker, in batches): on a national graph the case finder reads the
    facts of its candidates, not of every programme in the country."""
    wanted = sparql_iris(iris)
    if len(wanted) > _ALL_ABOVE:  # many: one query for all, then keep the wanted rows
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


def _select(store: Store, sparql: str, **bindings: URIRef) -> list[dict[str, str]]:
    """The rows as dicts, distinct and sorted: reasons are added in row order, and servers
    return rows in different orders (and some, such as Virtuoso, repeat them)."""
    return _dicts(*_select_set(store, sparql, bindings))


def _select_set(
    store: Store, sparql: str, bindings: dict[str, URIRef] | None = None
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


AUDIENCE = "http://purl.org/dc/terms/audience"
THEME = "http://data.europa.eu/m8g/thematicArea"


class Evidence:
    """Everything the scoring needs, each fact fetched once."""

    def __init__(
        self,
        store: Store,
        place: str,
        asked: list[str],
        needed: set[str],
        lang: str,
        words: dict[str, str],
    ) -> None:
        self.store = store
        self.place = place
        self.words = words
        self.level: dict[str, int] = {}  # approach -> best location level (3, 2, 1)
        self.where: dict[str, str] = {}  # approach -> the area of that level
        self.where_sources: dict[str, set[str]] = defaultdict(set)
        for row in _select(store, _WHERE, municipality=URIRef(place)):
            a, level = row["approach"], int(row["level"])
            self.where_sources[a].add(row["source"])
            if level > self.level.get(a, 0):
                self.level[a], self.where[a] = level, row["where"]
        self.shares: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        self.instrument_concepts: list[dict[str, str]] = []
        if asked:
            related = _related_concepts(_select(store, _BROADER))
            near = {concept: related(concept) for concept in asked}
            every = set().union(*near.values())
            shares = _select_for(store, _SHARES, "concept", every)
            named = _select_for(store, _INSTRUMENT_CONCEPTS, "concept", every)
            for concept in asked:
                for row in shares:
                    if row["concept"] in near[concept]:
                        fact = (row["property"], row["concept"], concept, row["source"])
                        self.shares[row["approach"]].append(fact)
                for row in named:
                    if row["concept"] in near[concept]:
                        self.instrument_concepts.append({**row, "asked": concept})
        # A candidate shares a target group with the case (if it names any) and a theme (if
        # it names any); a case with neither gets what reaches the municipality.
        if needed:
            self.candidates = {
                a for a, shared in self.shares.items() if needed <= {p for p, *_ in shared}
            }
        else:
            self.candidates = set(self.level)
        self.places: dict[str, set[str]] = defaultdict(set)
        for row in _select_for(store, _PLACES, "approach", self.candidates):
            self.places[row["approach"]].add(row["place"])
        self.methods = {r["approach"] for r in _select(store, _METHODS)}
        # Partners and instruments count for the candidates the case can use: those that
        # reach the municipality, and methods bound to no place (those running elsewhere
        # are listed without them). On a national graph, most candidates run elsewhere.
        # (The programmes _score_programmes marks available; a test keeps the two alike.)
        self.usable = {
            a
            for a in self.candidates
            if self.level.get(a) or (a not in self.places and a in self.methods)
        }
        self.partners = _select_for(store, _PARTNERS, "approach", self.usable)
        self.project_partners: dict[str, list[str]] = defaultdict(list)
        for row in self.partners:
            if row.get("role") == ROLE_PARTNER:
                self.project_partners[row["approach"]].append(row["partner"])
        reach = _reach(_select(store, _PARTS), self.usable)
        by_via: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in _select_for(store, _INSTRUMENTS, "via", set().union(*reach.values())):
            by_via[row["via"]].append(row)
        self.links = sorted(
            ({**row, "approach": a} for a in reach for via in reach[a] for row in by_via[via]),
            key=lambda row: tuple(sorted(row.items())),
        )
        wanted = {place, *asked, *self.where.values(), *self.shares}
        wanted |= {p for ps in self.places.values() for p in ps}
        wanted |= {r[k] for r in self.partners for k in ("partner", "role") if k in r}
        wanted |= {r[k] for r in self.links for k in ("instrument", "via")}
        self.labels = _Labels(store, lang, wanted)


def _reach(links: list[dict[str, str]], starts: Iterable[str]) -> dict[str, set[str]]:
    """For each start, itself and everything it reaches along ``whole -> part`` links."""
    parts: dict[str, set[str]] = defaultdict(set)
    for row in links:
        parts[row["whole"]].add(row["part"])
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

    def __call__(self, iri: str) -> str:
        if not iri:
            return ""
        if iri not in self._known:
            self._known.update(self._store.labels([iri], self._lang))
        return self._known.get(iri, iri)
