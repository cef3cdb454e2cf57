"""Time: the status of every programme, project, pilot and phase on a reference date.

The sources state periods (``schema:startDate``, ``schema:endDate``, as a date, a month or a
year), sometimes only that something ended (``kg:statedEnded``), and the date they were issued.
From these, on a reference date (the build date unless ``kg build --as-of`` names another),
kg derives one status per item, in a graph of its own (``source:kg-status``):

* **afgelopen** (ended): its end lies before the reference date; or its source says it ended;
  or it is part (``dct:hasPart``) or a phase (``kg:hasPhase``) of something that ended; or its
  last phase ended. An item with its own end on or after the reference date is not ended by
  the last two rules.
* **loopt** (running): not ended, started on or before the reference date and with an end on
  or after it. Without its own start, the earliest start of its phases or parts counts.
  Without a stated end, or without any start, kg does not call anything running.
* **onbekend** (unknown): everything else. Where such an item has no period at all, kg adds
  the latest year its sources give in connection with it (``kg:reportedIn``: the source's
  own date, or the date of a dated article, event or phase linked to it in that source), so
  that an answer can say "gemeld in 2020".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from kg.store import Store

GRAPH = "https://w3id.org/kg-sociaal/id/source/kg-status"
KG = "https://w3id.org/kg-sociaal/def#"
CONCEPT = "https://w3id.org/kg-sociaal/id/concept/"
RUNNING, ENDED, UNKNOWN = (f"{CONCEPT}status-{s}" for s in ("loopt", "afgelopen", "onbekend"))

_PREFIXES = """PREFIX kg: <https://w3id.org/kg-sociaal/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
ITEMS = (
    _PREFIXES
    + """
SELECT ?r ?start ?end ?stated WHERE {
  VALUES ?top { kg:Programme kg:Phase }
  ?r a ?class . ?class rdfs:subClassOf* ?top .
  FILTER(isIRI(?r))
  OPTIONAL { ?r schema:startDate ?start }
  OPTIONAL { ?r schema:endDate ?end }
  OPTIONAL { ?r kg:statedEnded ?stated }
}"""
)
PARTS = (
    _PREFIXES
    + """
SELECT ?whole ?part WHERE { { ?whole dct:hasPart ?part } UNION { ?whole kg:hasPhase ?part } }"""
)
PHASES = (
    _PREFIXES
    + """
SELECT ?programme ?phase ?n WHERE { ?programme kg:hasPhase ?phase . ?phase kg:phaseNumber ?n }"""
)
# The dates a source gives in connection with an item: the source's own date, and the dates
# of what the item links to, or what links to it, in that source's graph (a dated article
# about it, a webinar of it, a phase of it).
ISSUED = (
    _PREFIXES
    + """
SELECT ?r ?issued WHERE {
  { ?r prov:wasDerivedFrom ?s . ?s dct:issued ?issued }
  UNION
  { GRAPH ?g { { ?r ?p ?x } UNION { ?x ?p ?r } }
    FILTER(?p != prov:wasDerivedFrom)
    GRAPH ?g { ?x dct:issued|schema:startDate|schema:endDate ?issued } }
}"""
)


@dataclass
class Item:
    start: str | None = None
    end: str | None = None
    stated_ended: bool = False


def first_day(value: str) -> date:
    """The first day of a date, month (``2020-02``) or year (``2022``)."""
    parts = [int(p) for p in value[:10].split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(value: str) -> date:
    """The last day of a date, month or year."""
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) == 3:
        return date(*parts)
    month = parts[1] if len(parts) > 1 else 12
    return date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def statuses(
    items: dict[str, Item], parts: list[tuple[str, str]], last_phase: dict[str, str], as_of: date
) -> dict[str, str]:
    """The status of every item (see the module docstring for the rules)."""

    def future_end(r: str) -> bool:
        end = items[r].end
        return end is not None and last_day(end) >= as_of

    ended = {r for r, i in items.items() if i.stated_ended or (i.end and last_day(i.end) < as_of)}
    changed = True
    while changed:  # parts of ended wholes, and wholes whose last phase ended
        changed = False
        for whole, part in parts:
            if whole in ended and part in items and part not in ended and not future_end(part):
                ended.add(part)
                changed = True
        for programme, phase in last_phase.items():
            if (
                phase in ended
                and programme in items
                and programme not in ended
                and not future_end(programme)
            ):
                ended.add(programme)
                changed = True
    starts: dict[str, date] = {r: first_day(i.start) for r, i in items.items() if i.start}
    for whole, part in sorted(parts):  # a whole without a start begins with its first part
        if whole in items and not items[whole].start and part in starts:
            starts[whole] = min(starts.get(whole, starts[part]), starts[part])
    out = {}
    for r, i in items.items():
        if r in ended:
            out[r] = ENDED
        elif i.end and last_day(i.end) >= as_of and r in starts and starts[r] <= as_of:
            out[r] = RUNNING
        else:
            out[r] = UNKNOWN
    return out


NEEDS = f"""ASK {{
  <{RUNNING}> a <http://www.w3.org/2004/02/skos/core#Concept> .
  <{CONCEPT}bronsoort-afleiding> a <http://www.w3.org/2004/02/skos/core#Concept> .
}}"""


def _rows(store: Store, sparql: str, width: int) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT whose first column is always bound."""
    return [row[:width] for row in store.select_values(sparql) if row[0] is not None]


def derive(store: Store, as_of: date) -> str | None:
    """The status graph as Turtle (load it into :data:`GRAPH`), or None for a project
    without kg's status code list (data/vocabularies/statuses.ttl)."""
    if not store.ask(NEEDS):
        return None
    items: dict[str, Item] = {}
    for r, start, end, stated in _rows(store, ITEMS, 4):
        item = items.setdefault(str(r), Item())
        item.start = item.start or start
        item.end = item.end or end
        item.stated_ended = item.stated_ended or stated in ("true", "1")
    parts = sorted((str(w), str(p)) for w, p in _rows(store, PARTS, 2))
    numbered: dict[str, tuple[int, str]] = {}
    for programme, phase, n in _rows(store, PHASES, 3):
        key, number = str(programme), int(str(n))
        if key not in numbered or number > numbered[key][0]:
            numbered[key] = (number, str(phase))
    last_phase = {p: ph for p, (_, ph) in numbered.items()}
    issued: dict[str, int] = {}
    for r, value in _rows(store, ISSUED, 2):
        issued[str(r)] = max(issued.get(str(r), 0), int(str(value)[:4]))
    status = statuses(items, parts, last_phase, as_of)
    lines = [_source(as_of)]
    for r in sorted(items):
        lines.append(f"<{r}> <{KG}status> <{status[r]}> .")
        item = items[r]
        if item.start is None and item.end is None and r in issued:
            year = f'"{issued[r]:04d}"^^<http://www.w3.org/2001/XMLSchema#gYear>'
            lines.append(f"<{r}> <{KG}reportedIn> {year} .")
    return "\n".join(lines) + "\n"


DESCRIPTION_NL = (
    "Door kg bij het bouwen afgeleid uit de perioden die de bronnen noemen, met peildatum {day}: "
    "afgelopen (einde voor de peildatum, volgens de bron beëindigd, onderdeel van iets dat "
    "afgelopen is of met een laatste fase die afgelopen is), loopt (begonnen en met een einde op "
    "of na de peildatum) of onbekend."
)
DESCRIPTION_EN = (
    "Derived by kg when building, from the periods the sources state, on the reference date "
    "{day}: ended (end before the reference date, ended according to the source, part of "
    "something that ended, or its last phase ended), running (started, with an end on or after "
    "the reference date) or unknown."
)


def _source(as_of: date) -> str:
    day = as_of.isoformat()
    nl, en = DESCRIPTION_NL.format(day=day), DESCRIPTION_EN.format(day=day)
    return f"""@prefix concept: <{CONCEPT}> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix kg: <{KG}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{GRAPH}> a kg:Source ;
    skos:prefLabel "Status, afgeleid door kg"@nl , "Status, derived by kg"@en ;
    dct:title "Status van programma's, projecten en fasen"@nl ;
    dct:description "{nl}"@nl , "{en}"@en ;
    dct:identifier "kg-status" ;
    dct:issued "{day}"^^xsd:date ;
    dct:type concept:bronsoort-afleiding ."""
