"""The case finder: which programmes, instruments and partners apply to a case, and why.

A case is a municipality, optionally with target groups and themes. Every fact comes from
SPARQL through the :class:`~kg.store.Store` interface (so a remote server works the same);
Python only adds up the links into a score and words them as reasons. What each link is worth
is :data:`POINTS`; :func:`scoring_markdown` turns it into the tables of docs/case.md, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg.ask.resolve import resolve_concept, resolve_municipality
from kg.closure import reachable
from kg.errors import UsageError
from kg.namespaces import ID, sparql_prefixes
from kg.store import Store, check_language, sparql_iris

TARGET_GROUPS = ID + "concept/doelgroep"
ROLE_PARTNER = ID + "concept/rol-partner"
THEMES = ID + "concept/thema"

#: What each kind of link adds to a score, with the words docs/case.md uses for it.
POINTS: dict[str, tuple[int, str]] = {
    # programmes and interventions
    "local": (3, "runs in the municipality (or a place in it), or the municipality takes part"),
    "region": (2, "runs in the municipality's GGD region or province"),
    "national": (1, "runs nationally"),
    "method": (1, "an intervention (a method) that no source ties to a place"),
    "same": (2, "per asked target group or theme: the same concept"),
    "related": (1, "per asked target group or theme: a broader or narrower one"),
    # instruments
    "names_same": (2, "names a target group or theme of the case"),
    "names_related": (1, "names a broader or narrower target group or theme"),
    "link": (1, "per link from an available programme that rests on it or is related to it"),
    "finances": (1, "per listed accord it finances (a funding scheme)"),
    # partners
    "partner_local": (3, "per available programme it takes part in that runs in the municipality"),
    "partner": (2, "per other available programme it takes part in"),
    "ggd": (2, "is the GGD of the municipality's GGD region"),
    "responsible": (1, "is responsible for one or more listed instruments"),
}
_LISTS = {
    "programmes": ("local", "region", "national", "method", "same", "related"),
    "instruments": ("names_same", "names_related", "link", "finances"),
    "partners": ("partner_local", "partner", "ggd", "responsible"),
}


def points(kind: str) -> int:
    return POINTS[kind][0]


def scoring_markdown() -> str:
    """One Markdown table per list: each kind of link and its points."""
    parts = []
    for name, kinds in _LISTS.items():
        rows = "".join(f"| {POINTS[k][1]} | {POINTS[k][0]} |\n" for k in kinds)
        parts.append(f"### {name.capitalize()}\n\n| link | points |\n| --- | --- |\n{rows}")
    return "\n".join(parts)


@dataclass
class Item:
    """One programme, instrument or partner in an answer."""

    iri: str
    label: str = ""
    score: int = 0
    available: bool = True
    reasons: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)  # source IRIs; titles in as_dict

    def add(self, points: int, reason: str, sources: Iterable[str] = ()) -> None:
        """Add a reason and its points; the same reason twice counts once."""
        self.sources.update(s for s in sources if s)
        if reason in self.reasons:
            return
        self.score += points
        self.reasons.append(reason)


@dataclass
class CaseAnswer:
    case: dict[str, Any]
    programmes: list[Item]
    instruments: list[Item]
    partners: list[Item]
    source_titles: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        def item(i: Item) -> dict[str, Any]:
            return {
                "iri": i.iri,
                "label": i.label,
                "score": i.score,
                "available": i.available,
                "reasons": i.reasons,
                "sources": sorted(self.source_titles.get(s, s) for s in i.sources),
            }

        return {
            "case": self.case,
            "programmes": [item(i) for i in self.programmes],
            "instruments": [item(i) for i in self.instruments],
            "partners": [item(i) for i in self.partners],
        }


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


#: IRIs per VALUES block in :func:`_rows_for`, and above how many it reads everything.
_BATCH = 400
_ALL_ABOVE = 1200


def _rows_for(
    store: Store, sparql: str, variable: str, iris: Iterable[str]
) -> list[dict[str, str]]:
    """:func:`_rows` of ``sparql`` with ``variable`` limited to ``iris`` (a VALUES block at
    its ``#VALUES#`` marker, in batches): on a national graph the case finder reads the
    facts of its candidates, not of every programme in the country."""
    wanted = sparql_iris(iris)
    if len(wanted) > _ALL_ABOVE:  # many: one query for all, then keep the wanted rows
        keep = set(wanted)
        everything = _rows(store, sparql.replace("#VALUES#", ""))
        return [row for row in everything if row.get(variable) in keep]
    names: tuple[str, ...] = ()
    rows: set[tuple[str | None, ...]] = set()
    for start in range(0, len(wanted), _BATCH):
        values = " ".join(f"<{i}>" for i in wanted[start : start + _BATCH])
        names, found = _row_set(
            store, sparql.replace("#VALUES#", f"VALUES ?{variable} {{ {values} }}")
        )
        rows |= found
    return _dicts(names, rows)


def _rows(store: Store, sparql: str, **bindings: URIRef) -> list[dict[str, str]]:
    """The rows as dicts, distinct and sorted: reasons are added in row order, and servers
    return rows in different orders (and some, such as Virtuoso, repeat them)."""
    return _dicts(*_row_set(store, sparql, bindings))


def _row_set(
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


# --- wording ---------------------------------------------------------------------------------

_WORDS = {
    "nl": {
        "local": "{a} loopt in {w}",
        "region": "{a} loopt in {w}, waar {m} onder valt",
        "national": "{a} loopt landelijk",
        "method": "{a} is een werkwijze die niet aan een plaats gebonden is",
        "elsewhere": "{a} loopt elders ({w}) en staat hier alleen als voorbeeld",
        "with_partners": "; partners in het project: {p}",
        "serves": "{a} is voor {c}",
        "serves_related": "{a} is voor {c}, verwant aan {q}",
        "theme": "{a} gaat over {c}",
        "theme_related": "{a} gaat over {c}, verwant aan {q}",
        "link": "{a} {verb} {i}",
        "link_via": "{a} past {v} toe, en {v} {verb} {i}",
        "hasLegalResource": "heeft als wettelijke basis",
        "implements": "voert uit",
        "underAccord": "valt onder",
        "fundedBy": "wordt gefinancierd uit",
        "relation": "houdt verband met",
        "instr_concept": "{i} gaat over {c}",
        "instr_concept_related": "{i} gaat over {c}, verwant aan {q}",
        "finances": "{i} financiert {x}",
        "partner_in": "{p} werkt mee aan {a}",
        "partner_role": "{p} werkt mee aan {a} als {r}",
        "ggd": "{p} is de GGD van de GGD-regio van {m}",
        "responsible": "{p} is verantwoordelijk voor {i}",
    },
    "en": {
        "local": "{a} runs in {w}",
        "region": "{a} runs in {w}, which includes {m}",
        "national": "{a} runs nationally",
        "method": "{a} is a way of working not tied to a place",
        "elsewhere": "{a} runs elsewhere ({w}) and is shown only as an example",
        "with_partners": "; project partners: {p}",
        "serves": "{a} serves {c}",
        "serves_related": "{a} serves {c}, related to {q}",
        "theme": "{a} is about {c}",
        "theme_related": "{a} is about {c}, related to {q}",
        "link": "{a} {verb} {i}",
        "link_via": "{a} applies {v}, and {v} {verb} {i}",
        "hasLegalResource": "has as legal basis the",
        "implements": "implements",
        "underAccord": "falls under the",
        "fundedBy": "is funded from the",
        "relation": "is related to the",
        "instr_concept": "{i} is about {c}",
        "instr_concept_related": "{i} is about {c}, related to {q}",
        "finances": "{i} finances {x}",
        "partner_in": "{p} takes part in {a}",
        "partner_role": "{p} takes part in {a} as {r}",
        "ggd": "{p} is the GGD of {m}'s GGD region",
        "responsible": "{p} is responsible for {i}",
    },
}


# --- the finder ------------------------------------------------------------------------------


def find(
    store: Store,
    municipality: str,
    target_groups: Sequence[str] = (),
    themes: Sequence[str] = (),
    *,
    lang: str = "nl",
    limit: int | None = None,
) -> CaseAnswer:
    """The programmes, instruments and partners that apply to a case, ranked, with reasons."""
    check_language(lang)
    try:
        place = resolve_municipality(store, municipality)
    except UsageError as exc:
        raise UsageError(f"--municipality: {exc.message}") from None
    groups = _resolve_all(store, target_groups, TARGET_GROUPS, "--target-group")
    topics = _resolve_all(store, themes, THEMES, "--theme")
    needed = {p for p, asked in ((AUDIENCE, groups), (THEME, topics)) if asked}
    facts = _Facts(store, str(place), [*map(str, groups), *map(str, topics)], needed, lang)
    case = {
        "municipality": {"iri": str(place), "label": facts.labels(str(place))},
        "target_groups": [{"iri": str(g), "label": facts.labels(str(g))} for g in groups],
        "themes": [{"iri": str(t), "label": facts.labels(str(t))} for t in topics],
    }
    programmes = _score_programmes(facts, facts.candidates)
    available = {p.iri for p in programmes if p.available}
    instruments = _score_instruments(facts, available)
    partners = _score_partners(facts, available, {i.iri for i in instruments})
    return CaseAnswer(
        case,
        _ranked(programmes, limit),
        _ranked(instruments, limit),
        _ranked(partners, limit),
        {r["source"]: r["title"] for r in _rows(store, _TITLES)},
    )


AUDIENCE = "http://purl.org/dc/terms/audience"
THEME = "http://data.europa.eu/m8g/thematicArea"


class _Facts:
    """Everything the scoring needs, each fact fetched once."""

    def __init__(
        self, store: Store, place: str, asked: list[str], needed: set[str], lang: str
    ) -> None:
        self.store = store
        self.place = place
        self.words = _WORDS[lang]
        self.level: dict[str, int] = {}  # approach -> best location level (3, 2, 1)
        self.where: dict[str, str] = {}  # approach -> the area of that level
        self.where_sources: dict[str, set[str]] = defaultdict(set)
        for row in _rows(store, _WHERE, municipality=URIRef(place)):
            a, level = row["approach"], int(row["level"])
            self.where_sources[a].add(row["source"])
            if level > self.level.get(a, 0):
                self.level[a], self.where[a] = level, row["where"]
        self.shares: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        self.instrument_concepts: list[dict[str, str]] = []
        if asked:
            related = _related_concepts(_rows(store, _BROADER))
            near = {concept: related(concept) for concept in asked}
            every = set().union(*near.values())
            shares = _rows_for(store, _SHARES, "concept", every)
            named = _rows_for(store, _INSTRUMENT_CONCEPTS, "concept", every)
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
        for row in _rows_for(store, _PLACES, "approach", self.candidates):
            self.places[row["approach"]].add(row["place"])
        self.methods = {r["approach"] for r in _rows(store, _METHODS)}
        # Partners and instruments count for the candidates the case can use: those that
        # reach the municipality, and methods bound to no place (those running elsewhere
        # are listed without them). On a national graph, most candidates run elsewhere.
        # (The programmes _score_programmes marks available; a test keeps the two alike.)
        self.usable = {
            a
            for a in self.candidates
            if self.level.get(a) or (a not in self.places and a in self.methods)
        }
        self.partners = _rows_for(store, _PARTNERS, "approach", self.usable)
        self.project_partners: dict[str, list[str]] = defaultdict(list)
        for row in self.partners:
            if row.get("role") == ROLE_PARTNER:
                self.project_partners[row["approach"]].append(row["partner"])
        reach = _reach(_rows(store, _PARTS), self.usable)
        by_via: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in _rows_for(store, _INSTRUMENTS, "via", set().union(*reach.values())):
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


def _score_programmes(facts: _Facts, candidates: set[str]) -> list[Item]:
    words, labels = facts.words, facts.labels
    programmes: list[Item] = []
    for a in sorted(candidates):
        item = Item(a, labels(a))
        level = facts.level.get(a, 0)
        if level:
            key = {3: "local", 2: "region", 1: "national"}[level]
            text = words[key].format(a=item.label, w=labels(facts.where[a]), m=labels(facts.place))
            # The project's partners (role "partner"), not every participant, and all of them.
            project_partners = sorted({labels(p) for p in facts.project_partners.get(a, ())})
            if level == 3 and project_partners:
                text += words["with_partners"].format(p=", ".join(project_partners))
            item.add(points(key), text, facts.where_sources[a])
        elif a in facts.places:
            item.available = False
            where = ", ".join(sorted({labels(p) for p in facts.places[a]}))
            item.add(0, words["elsewhere"].format(a=item.label, w=where))
        elif a in facts.methods:
            item.add(points("method"), words["method"].format(a=item.label))
        else:
            continue  # no place known: kg cannot say whether it is available
        # Per asked group or theme, only the closest match counts (the same concept before a
        # broader or narrower one).
        best: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for prop, concept, asked, source in sorted(facts.shares.get(a, [])):
            slot = (prop, asked)
            if slot not in best or (concept == asked and best[slot][0] != asked):
                best[slot] = (concept, [source])
            elif best[slot][0] == concept:
                best[slot][1].append(source)
        for (prop, asked), (concept, sources) in sorted(best.items()):
            same = concept == asked
            key = ("serves" if prop == AUDIENCE else "theme") + ("" if same else "_related")
            text = words[key].format(a=item.label, c=labels(concept), q=labels(asked))
            item.add(points("same" if same else "related"), text, sources)
        programmes.append(item)
    return programmes


def _score_instruments(facts: _Facts, available: set[str]) -> list[Item]:
    words, labels = facts.words, facts.labels
    items: dict[str, Item] = {}

    def instrument(iri: str) -> Item:
        return items.setdefault(iri, Item(iri, labels(iri)))

    for row in facts.links:
        if row["approach"] in available:
            i = instrument(row["instrument"])
            a_label = labels(row["approach"])
            # Each link is worded by its property (dct:relation only says "related"), and a
            # link of an applied intervention stays the intervention's, not the programme's.
            verb = words[row["relation"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]]
            if row["via"] == row["approach"]:
                text = words["link"].format(a=a_label, i=i.label, verb=verb)
            else:
                v = labels(row["via"])
                text = words["link_via"].format(a=a_label, i=i.label, v=v, verb=verb)
            i.add(points("link"), text, [row["source"]])
    for row in facts.instrument_concepts:
        i = instrument(row["instrument"])
        same = row["concept"] == row["asked"]
        key = "instr_concept" if same else "instr_concept_related"
        text = words[key].format(i=i.label, c=labels(row["concept"]), q=labels(row["asked"]))
        i.add(points("names_same" if same else "names_related"), text, [row["source"]])
    for row in _rows(facts.store, _FINANCES):
        if row["accord"] in items:
            i = instrument(row["scheme"])
            text = words["finances"].format(i=i.label, x=labels(row["accord"]))
            i.add(points("finances"), text, [row["source"]])
    return list(items.values())


def _score_partners(facts: _Facts, available: set[str], instruments: set[str]) -> list[Item]:
    words, labels = facts.words, facts.labels
    items: dict[str, Item] = {}

    def partner(iri: str) -> Item:
        return items.setdefault(iri, Item(iri, labels(iri)))

    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    role_sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in facts.partners:
        if row["approach"] in available and row["partner"] != facts.place:
            pair = (row["partner"], row["approach"])
            roles[pair].update([labels(row["role"])] if row.get("role") else [])
            role_sources[pair].add(row["source"])
    for (who, a), named in sorted(roles.items()):
        p = partner(who)
        if named:
            text = words["partner_role"].format(p=p.label, a=labels(a), r=", ".join(sorted(named)))
        else:
            text = words["partner_in"].format(p=p.label, a=labels(a))
        key = "partner_local" if facts.level.get(a) == 3 else "partner"
        p.add(points(key), text, role_sources[(who, a)])
    for row in _rows(facts.store, _GGD, municipality=URIRef(facts.place)):
        p = partner(row["ggd"])
        p.add(points("ggd"), words["ggd"].format(p=p.label, m=labels(facts.place)), [row["source"]])
    responsible: set[str] = set()
    for row in _rows(facts.store, _RESPONSIBLE):
        if row["instrument"] in instruments:
            p = partner(row["organisation"])
            first = p.iri not in responsible  # counts once, however many instruments
            responsible.add(p.iri)
            text = words["responsible"].format(p=p.label, i=labels(row["instrument"]))
            p.add(points("responsible") if first else 0, text, [row["source"]])
    return list(items.values())


def _resolve_all(store: Store, values: Sequence[str], scheme: str, option: str) -> list[URIRef]:
    found: list[URIRef] = []
    for value in values:
        try:
            iri = resolve_concept(store, value, scheme)
        except UsageError as exc:
            raise UsageError(f"{option}: {exc.message}") from None
        if iri not in found:
            found.append(iri)
    return found


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


def _ranked(items: Iterable[Item], limit: int | None) -> list[Item]:
    ordered = sorted(items, key=lambda i: (not i.available, -i.score, i.label.casefold(), i.iri))
    return ordered if limit is None else ordered[:limit]


def known_concepts(store: Store, lang: str = "nl") -> dict[str, list[tuple[str, str]]]:
    """The target groups and themes a case can name: scheme -> [(label, iri)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, scheme in (("target_groups", TARGET_GROUPS), ("themes", THEMES)):
        rows = _rows(
            store, "SELECT ?c ?scheme WHERE { ?c skos:inScheme ?scheme }", scheme=URIRef(scheme)
        )
        labels = store.labels([r["c"] for r in rows], lang)
        out[name] = sorted((labels.get(r["c"], r["c"]), r["c"]) for r in rows)
    return out


def render_answer(answer: CaseAnswer, fmt: str, heading: int = 1) -> str:
    """``json`` (exactly ``{"case", "programmes", "instruments", "partners"}``), ``md`` or
    ``table`` (one section per list: rank, label, score, reasons, sources). In ``md`` the
    case is a heading of level ``heading`` and each list one level below."""
    import json

    from kg.ask.tables import Table, render

    data = answer.as_dict()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    case = data["case"]
    asked = [case["municipality"]["label"]]
    asked += [c["label"] for c in case["target_groups"]] + [c["label"] for c in case["themes"]]
    top = "#" * heading + " " if fmt == "md" else ""
    sub = "#" * (heading + 1) + " " if fmt == "md" else ""
    parts = [f"{top}{' · '.join(asked)}\n"]
    for name in ("programmes", "instruments", "partners"):
        rows: list[tuple[Any, ...]] = [
            (
                n,
                i["label"] + ("" if i["available"] else " *"),
                i["score"],
                "; ".join(i["reasons"]),
                "; ".join(i["sources"]),
            )
            for n, i in enumerate(data[name], start=1)
        ]
        table = Table(("#", name, "score", "reasons", "sources"), rows, frozenset())
        parts.append(f"\n{sub}{name}\n\n")
        parts.append(render(table, "md" if fmt == "md" else "table"))
    if any(not i["available"] for i in data["programmes"]):
        parts.append("\n* runs elsewhere; shown as an example\n")
    return "".join(parts)
