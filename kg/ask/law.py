"""The law and the money of a case: what applies in every municipality, and what this one gets.

*The law*: the articles of law (:class:`kg:LawArticle`) and the statutory services
(:class:`kg:StatutoryService`) whose target groups and themes fit the case (see
:mod:`kg.ask.fit`); an article that sets the municipality's core duty counts one point more.
Every municipality can provide the statutory services: their competent authority is the tier
"every municipality" (``kg:layerMember kg:Municipality``), so they reach the case's
municipality whatever it is. A case without target groups or themes gets the core duties.

*The money*: the municipality's own allocations (Brede SPUK; SPUK IZA where it receives the
grant of an IZA region as its mandaatgemeente), each with the caveats its source states, and
which of the scheme's national approaches and 2026 budget changes fit the case.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.ask.evidence import _select, _select_for
from kg.ask.fit import AUDIENCE, Asked, Hierarchy, Match, best_matches, score
from kg.store import Store

#: Articles and statutory services with what they concern, where they come from and their link.
_LAW = """
SELECT ?item ?kind ?property ?concept ?source ?link ?linked ?core ?basis ?procedure WHERE {
  {
    ?item a kg:LawArticle . BIND("article" AS ?kind)
    OPTIONAL { GRAPH ?linked { ?item foaf:page ?link } }
    OPTIONAL { ?item kg:coreDuty ?core }
  } UNION {
    ?item a kg:StatutoryService ; cv:hasCompetentAuthority/kg:layerMember kg:Municipality .
    BIND("service" AS ?kind)
    OPTIONAL { ?item cv:hasLegalResource ?basis }
    OPTIONAL { ?item kg:procedure ?procedure }
  }
  OPTIONAL { VALUES ?property { dct:audience cv:thematicArea }
             GRAPH ?source { ?item ?property ?concept } }
}"""

_LAW_OF = """
SELECT ?article ?law WHERE { ?article a kg:LawArticle ; eli:is_part_of ?law }"""

_MONEY = """
SELECT ?allocation ?scheme ?year ?amount ?region ?caveat ?source WHERE {
  GRAPH ?source { ?allocation kg:recipient ?municipality }
  ?allocation a kg:Allocation ; kg:allocatedUnder ?scheme ; kg:budgetYear ?year ;
      schema:amount ?amount .
  OPTIONAL { ?allocation kg:forRegion ?region }
  OPTIONAL { ?allocation kg:caveat ?caveat FILTER(LANG(?caveat) = ?lang) }
}"""

#: What a scheme carries that may fit the case: national approaches it funds, and the
#: changes to it for 2026; then what these concern (two small queries: one query joining all
#: three made engines scan every audience and theme in the graph).
_SCHEME_CARRIES = """
SELECT ?scheme ?what ?kind ?amount ?source WHERE {
  {
    ?what a kg:NationalApproach .
    GRAPH ?source { ?what kg:fundedBy ?scheme }
    BIND("approach" AS ?kind)
  } UNION {
    ?what a kg:BudgetChange ; schema:amount ?amount .
    GRAPH ?source { ?what kg:allocatedUnder ?scheme }
    BIND("change" AS ?kind)
  }
}"""

_CONCERNS = """
SELECT ?what ?property ?concept WHERE {
  #VALUES#
  { ?what dct:audience ?concept BIND(dct:audience AS ?property) }
  UNION { ?what cv:thematicArea ?concept BIND(cv:thematicArea AS ?property) }
}"""


@dataclass
class LawFact:
    iri: str
    kind: str  # "article" or "service"
    named: list[tuple[str, str, str]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    link: str = ""
    core: bool = False
    bases: set[str] = field(default_factory=set)
    procedures: set[str] = field(default_factory=set)


def law_facts(store: Store) -> dict[str, LawFact]:
    """Every article of law and every statutory service of the municipal tier."""
    facts: dict[str, LawFact] = {}
    for row in _select(store, _LAW):
        f = facts.setdefault(row["item"], LawFact(row["item"], row["kind"]))
        if "concept" in row:
            f.named.append((row["property"], row["concept"], row["source"]))
            f.sources.add(row["source"])
        f.link = row.get("link", f.link)
        f.sources.update([row["linked"]] if "linked" in row else [])
        f.core = f.core or row.get("core") in ("true", "1")
        f.bases.update([row["basis"]] if "basis" in row else [])
        f.procedures.update([row["procedure"]] if "procedure" in row else [])
    return facts


def law_of(store: Store) -> dict[str, str]:
    """article -> its law."""
    return {r["article"]: r["law"] for r in _select(store, _LAW_OF)}


@dataclass
class Scored:
    """A law item with its fit to the case."""

    fact: LawFact
    matches: list[Match]
    points: int


def fitting_law(
    facts: dict[str, LawFact], hierarchy: Hierarchy, asked: list[Asked]
) -> list[Scored]:
    """The law items that fit the case (all core duties when it asks for nothing), and the
    articles that are the legal basis of a fitting service."""
    out: dict[str, Scored] = {}
    for fact in facts.values():
        matches = best_matches(hierarchy, asked, fact.named)
        points = score(matches)
        if points or (not asked and fact.core):
            out[fact.iri] = Scored(fact, matches, points + (1 if fact.core else 0))
    for scored in list(out.values()):
        for basis in scored.fact.bases:
            if basis not in out and basis in facts:
                out[basis] = Scored(facts[basis], [], 0)
    return list(out.values())


def services_resting_on(scored: list[Scored]) -> dict[str, list[str]]:
    """article -> the fitting services that rest on it."""
    out: dict[str, list[str]] = defaultdict(list)
    for s in scored:
        if s.fact.kind == "service" and (s.matches or s.points):
            for basis in sorted(s.fact.bases):
                out[basis].append(s.fact.iri)
    return out


@dataclass
class Allocation:
    iri: str
    scheme: str
    year: str
    amount: int
    region: str
    caveats: list[str]
    source: str


def allocations(store: Store, municipality: str, lang: str) -> list[Allocation]:
    rows = _select(store, _MONEY, municipality=URIRef(municipality), lang=Literal(lang))
    found: dict[str, Allocation] = {}
    for row in rows:
        a = found.get(row["allocation"])
        if a is None:
            a = Allocation(
                row["allocation"],
                row["scheme"],
                row["year"],
                int(row["amount"]),
                row.get("region", ""),
                [],
                row["source"],
            )
            found[a.iri] = a
        if "caveat" in row and row["caveat"] not in a.caveats:
            a.caveats.append(row["caveat"])
    return sorted(found.values(), key=lambda a: (a.scheme, a.year))


@dataclass
class SchemeFit:
    """Something a scheme carries (a national approach, a 2026 change) that fits the case."""

    what: str
    kind: str  # "approach" or "change"
    amount: int | None
    matches: list[Match]


def scheme_fits(
    store: Store, hierarchy: Hierarchy, asked: list[Asked]
) -> dict[str, list[SchemeFit]]:
    """scheme -> what it carries that fits the case, best first."""
    carried = _select(store, _SCHEME_CARRIES)
    concerns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _select_for(store, _CONCERNS, "what", {r["what"] for r in carried}):
        concerns[row["what"]].append((row["property"], row["concept"]))
    out: dict[str, list[SchemeFit]] = defaultdict(list)
    for row in carried:
        facts = [(p, c, row["source"]) for p, c in concerns.get(row["what"], [])]
        matches = best_matches(hierarchy, asked, facts)
        if matches:
            amount = int(row["amount"]) if "amount" in row else None
            out[row["scheme"]].append(SchemeFit(row["what"], row["kind"], amount, matches))
    for fits in out.values():
        fits.sort(key=lambda f: (-score(f.matches), f.what))
    return out


__all__ = ["AUDIENCE", "allocations", "fitting_law", "law_facts", "law_of", "scheme_fits"]
