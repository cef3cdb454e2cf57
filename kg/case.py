"""The case finder: which programmes, instruments and partners apply to a case, and why.

A case is a municipality, optionally with target groups and themes. Every fact comes from
SPARQL through the :class:`~kg.store.Store` interface (so a remote server works the same);
Python only adds up the links into a score and words them as reasons. The scoring is in
docs/case.md:

* a programme or intervention scores for where it runs (in the municipality or with the
  municipality taking part 3, in its GGD region or province 2, nationally 1; a method that is
  not tied to a place 1) and for each target group and theme it shares with the case (2 when
  the same, 1 when broader or narrower in the code list). One that runs only elsewhere is
  listed after the rest with ``available: false``, as an example;
* an instrument scores 2 for each theme or target group of the case it names, and 1 for each
  available programme that rests on it (directly or through an intervention or part);
  a scheme that finances such an accord scores 1;
* a partner scores 2 for each available programme it takes part in (3 where it runs in the
  municipality itself); the GGD of the municipality's GGD region scores 2; the organisation
  responsible for a listed instrument 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg.errors import UsageError
from kg.namespaces import ID, sparql_prefixes
from kg.resolve import resolve_concept, resolve_municipality
from kg.store import Store

TARGET_GROUPS = ID + "concept/doelgroep"
ROLE_PARTNER = ID + "concept/rol-partner"
THEMES = ID + "concept/thema"
LANGUAGES = ("nl", "en")


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
  # (Each branch finds ?home itself: a UNION branch does not see bindings made before it.)
  {
    ?municipality dct:spatial ?home .
    GRAPH ?source { ?approach dct:spatial ?place }
    ?place geo:sfWithin* ?home .
    BIND(?home AS ?where) BIND(3 AS ?level)
  } UNION {
    ?municipality dct:spatial ?home .
    GRAPH ?source { ?approach cv:hasParticipation/cv:hasParticipant ?municipality }
    BIND(?home AS ?where) BIND(3 AS ?level)
  } UNION {
    ?municipality dct:spatial ?home .
    ?home geo:sfWithin+ ?where .
    GRAPH ?source { ?approach dct:spatial ?where }
    BIND(IF(EXISTS { ?where a kg:Country }, 1, 2) AS ?level)
  }
  ?approach a/rdfs:subClassOf* kg:Approach .
}"""

# Approaches that share a concept (target group or theme) with the case, directly or through
# skos:broader in either direction.
_SHARES = """
SELECT ?approach ?concept ?source ?asked WHERE {
  GRAPH ?source { ?approach PROPERTY ?concept }
  { ?concept skos:broader* ?asked } UNION { ?asked skos:broader+ ?concept }
  ?approach a/rdfs:subClassOf* kg:Approach .
}"""

_PLACED = """
SELECT DISTINCT ?approach WHERE {
  ?approach a/rdfs:subClassOf* kg:Approach .
  { ?approach dct:spatial [] } UNION { ?approach cv:hasParticipation/cv:hasParticipant ?m .
                                      ?m a kg:Municipality }
}"""

_KINDS = """
SELECT ?approach ?kind WHERE {
  ?approach a ?kind .
  ?kind rdfs:subClassOf* kg:Approach .
  FILTER NOT EXISTS { ?approach a ?narrower . ?narrower rdfs:subClassOf+ ?kind }
}"""

_PARTNERS = """
SELECT ?approach ?partner ?role ?source WHERE {
  GRAPH ?source { ?approach cv:hasParticipation ?participation }
  ?participation cv:hasParticipant ?partner .
  OPTIONAL { ?participation cv:role ?role }
}"""

_INSTRUMENTS = """
SELECT ?approach ?relation ?via ?instrument ?source WHERE {
  ?approach (kg:appliesIntervention|dct:hasPart)* ?via .
  VALUES ?relation { cv:hasLegalResource kg:implements kg:underAccord kg:fundedBy dct:relation }
  GRAPH ?source { ?via ?relation ?instrument }
  ?instrument a/rdfs:subClassOf* kg:PolicyInstrument .
  ?approach a/rdfs:subClassOf* kg:Approach .
}"""

_INSTRUMENT_CONCEPTS = """
SELECT ?instrument ?concept ?source ?asked WHERE {
  GRAPH ?source { ?instrument cv:thematicArea|dct:audience ?concept }
  { ?concept skos:broader* ?asked } UNION { ?asked skos:broader+ ?concept }
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


def _rows(store: Store, sparql: str, **bindings: URIRef) -> list[dict[str, str]]:
    result = store.select(sparql_prefixes() + sparql, bindings or None)
    return [{k: str(v) for k, v in row.items() if v is not None} for row in result.dicts()]


# --- wording ---------------------------------------------------------------------------------

_WORDS = {
    "nl": {
        "runs_in": "{a} loopt in {w}",
        "takes_part": "{a} loopt in {w}",
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
        "hasPart": "heeft als onderdeel",
        "instr_concept": "{i} gaat over {c}",
        "instr_concept_related": "{i} gaat over {c}, verwant aan {q}",
        "finances": "{i} financiert {x}",
        "partner_in": "{p} werkt mee aan {a}",
        "partner_role": "{p} werkt mee aan {a} als {r}",
        "ggd": "{p} is de GGD van de GGD-regio van {m}",
        "responsible": "{p} is verantwoordelijk voor {i}",
        "and": " en ",
    },
    "en": {
        "runs_in": "{a} runs in {w}",
        "takes_part": "{a} runs in {w}",
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
        "hasPart": "has as part",
        "instr_concept": "{i} is about {c}",
        "instr_concept_related": "{i} is about {c}, related to {q}",
        "finances": "{i} finances {x}",
        "partner_in": "{p} takes part in {a}",
        "partner_role": "{p} takes part in {a} as {r}",
        "ggd": "{p} is the GGD of {m}'s GGD region",
        "responsible": "{p} is responsible for {i}",
        "and": " and ",
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
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    words = _WORDS[lang]
    try:
        place = resolve_municipality(store, municipality)
    except UsageError as exc:
        raise UsageError(f"--municipality: {exc.message}") from None
    groups = _resolve_all(store, target_groups, TARGET_GROUPS, "--target-group")
    topics = _resolve_all(store, themes, THEMES, "--theme")

    where = _rows(store, _WHERE, municipality=place)
    shares: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)  # approach -> facts
    for prop, asked_list in (("dct:audience", groups), ("cv:thematicArea", topics)):
        for asked in asked_list:
            for row in _rows(store, _SHARES.replace("PROPERTY", prop), asked=asked):
                shares[row["approach"]].append((prop, row["concept"], str(asked), row["source"]))
    placed = {r["approach"] for r in _rows(store, _PLACED)}
    kinds = {r["approach"]: r["kind"] for r in _rows(store, _KINDS)}
    partners = _rows(store, _PARTNERS)
    links = _rows(store, _INSTRUMENTS)

    # Which approaches are candidates: those sharing a group or theme with the case, or, for
    # a case with neither, those that reach the municipality.
    located: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in where:
        located[row["approach"]].append(row)
    candidates = set(shares) if (groups or topics) else set(located)
    if groups or topics:
        needed = (1 if groups else 0) + (1 if topics else 0)
        candidates = {
            a
            for a in candidates
            if len({p for p, *_ in shares[a]}) >= needed  # a group AND a theme when both asked
        }

    iris = set(candidates) | {str(place)} | set(map(str, groups)) | set(map(str, topics))
    iris |= {c for facts in shares.values() for _, c, _, _ in facts}
    iris |= (
        {r["where"] for r in where}
        | {r["partner"] for r in partners}
        | {r.get("role", "") for r in partners}
    )
    iris |= {r["instrument"] for r in links} | {r["via"] for r in links}
    labels = _Labels(store, lang, iris)
    m_label = labels(str(place))

    programmes: dict[str, Item] = {}
    for a in sorted(candidates):
        item = Item(a, labels(a))
        best = max((int(r["level"]) for r in located.get(a, [])), default=0)
        if best:
            row = max(located[a], key=lambda r: int(r["level"]))
            key = {3: "runs_in", 2: "region", 1: "national"}[best]
            text = words[key].format(a=item.label, w=labels(row["where"]), m=m_label)
            # The project's partners (role "partner"), not every participant, and all of them.
            project_partners = sorted(
                {
                    labels(r["partner"])
                    for r in partners
                    if r["approach"] == a and r.get("role") == ROLE_PARTNER
                }
            )
            if best == 3 and project_partners:
                text += words["with_partners"].format(p=", ".join(project_partners))
            item.add(best, text, [r["source"] for r in located[a]])
        elif a in placed:
            item.available = False
            item.add(0, words["elsewhere"].format(a=item.label, w=_elsewhere(store, a, labels)))
        elif kinds.get(a, "").endswith("#Intervention"):
            item.add(1, words["method"].format(a=item.label))
        else:
            continue  # no place known: kg cannot say whether it is available
        # Per asked group or theme, only the closest match counts (the same concept before a
        # broader or narrower one).
        best_match: dict[tuple[str, str], tuple[str, str, list[str]]] = {}
        for prop, concept, wanted, source in sorted(shares.get(a, [])):
            slot = (prop, wanted)
            same = concept == wanted
            if slot not in best_match or (same and best_match[slot][0] != wanted):
                best_match[slot] = (concept, wanted, [source])
            elif best_match[slot][0] == concept:
                best_match[slot][2].append(source)
        for (prop, wanted), (concept, _, sources) in sorted(best_match.items()):
            same = concept == wanted
            key = ("serves" if prop == "dct:audience" else "theme") + ("" if same else "_related")
            item.add(
                2 if same else 1,
                words[key].format(a=item.label, c=labels(concept), q=labels(wanted)),
                sources,
            )
        programmes[a] = item

    available = {a for a, i in programmes.items() if i.available}
    instruments: dict[str, Item] = {}

    def instrument(iri: str) -> Item:
        if iri not in instruments:
            instruments[iri] = Item(iri, labels(iri))
        return instruments[iri]

    for row in links:
        if row["approach"] in available:
            i = instrument(row["instrument"])
            a_label = labels(row["approach"])
            # Each link is worded by its property (dct:relation only says "related"), and a
            # link of an applied intervention stays the intervention's, not the programme's.
            verb = words[row["relation"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]]
            if row["via"] == row["approach"]:
                text = words["link"].format(a=a_label, i=i.label, verb=verb)
            else:
                text = words["link_via"].format(
                    a=a_label, i=i.label, v=labels(row["via"]), verb=verb
                )
            i.add(1, text, [row["source"]])
    for asked in (*groups, *topics):
        for row in _rows(store, _INSTRUMENT_CONCEPTS, asked=asked):
            i = instrument(row["instrument"])
            same = row["concept"] == str(asked)
            key = "instr_concept" if same else "instr_concept_related"
            text = words[key].format(i=i.label, c=labels(row["concept"]), q=labels(str(asked)))
            i.add(2 if same else 1, text, [row["source"]])
    for row in _rows(store, _FINANCES):
        if row["accord"] in instruments:
            i = instrument(row["scheme"])
            i.add(1, words["finances"].format(i=i.label, x=labels(row["accord"])), [row["source"]])

    people: dict[str, Item] = {}

    def partner(iri: str) -> Item:
        if iri not in people:
            people[iri] = Item(iri, labels(iri))
        return people[iri]

    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    role_sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in partners:
        if row["approach"] in available and row["partner"] != str(place):
            pair = (row["partner"], row["approach"])
            roles[pair].update([labels(row["role"])] if row.get("role") else [])
            role_sources[pair].add(row["source"])
    for (who, a), named in sorted(roles.items()):
        p = partner(who)
        local = max((int(r["level"]) for r in located.get(a, [])), default=0) == 3
        if named:
            text = words["partner_role"].format(p=p.label, a=labels(a), r=", ".join(sorted(named)))
        else:
            text = words["partner_in"].format(p=p.label, a=labels(a))
        p.add(3 if local else 2, text, role_sources[(who, a)])
    for row in _rows(store, _GGD, municipality=place):
        p = partner(row["ggd"])
        p.add(2, words["ggd"].format(p=p.label, m=m_label), [row["source"]])
    responsible: set[str] = set()
    for row in _rows(store, _RESPONSIBLE):
        if row["instrument"] in instruments:
            p = partner(row["organisation"])
            first = p.iri not in responsible  # counts once, however many instruments
            responsible.add(p.iri)
            text = words["responsible"].format(p=p.label, i=labels(row["instrument"]))
            p.add(1 if first else 0, text, [row["source"]])

    titles = {r["source"]: r["title"] for r in _rows(store, _TITLES)}
    case = {
        "municipality": {"iri": str(place), "label": m_label},
        "target_groups": [{"iri": str(g), "label": labels(str(g))} for g in groups],
        "themes": [{"iri": str(t), "label": labels(str(t))} for t in topics],
    }
    return CaseAnswer(
        case,
        _ranked(programmes.values(), limit),
        _ranked(instruments.values(), limit),
        _ranked(people.values(), limit),
        titles,
    )


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


def _elsewhere(store: Store, approach: str, labels: _Labels) -> str:
    rows = _rows(
        store,
        "SELECT ?place ?approach WHERE { ?approach dct:spatial ?place }",
        approach=URIRef(approach),
    )
    if not rows:  # placed only through the municipalities that take part
        rows = _rows(
            store,
            "SELECT ?place ?approach WHERE { "
            "?approach cv:hasParticipation/cv:hasParticipant ?place . ?place a kg:Municipality }",
            approach=URIRef(approach),
        )
    return ", ".join(sorted({labels(r["place"]) for r in rows}))


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


def render_answer(answer: CaseAnswer, fmt: str) -> str:
    """``json`` (exactly ``{"case", "programmes", "instruments", "partners"}``), ``md`` or
    ``table`` (one section per list: rank, label, score, reasons, sources)."""
    import json

    from kg.tables import Table, render

    data = answer.as_dict()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    case = data["case"]
    asked = [case["municipality"]["label"]]
    asked += [c["label"] for c in case["target_groups"]] + [c["label"] for c in case["themes"]]
    heading = "# " if fmt == "md" else ""
    parts = [f"{heading}{' · '.join(asked)}\n"]
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
        parts.append(f"\n{'## ' if fmt == 'md' else ''}{name}\n\n")
        parts.append(render(table, "md" if fmt == "md" else "table"))
    if any(not i["available"] for i in data["programmes"]):
        parts.append("\n* runs elsewhere; shown as an example\n")
    return "".join(parts)
