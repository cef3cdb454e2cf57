"""The case finder: which programmes, instruments and partners apply to a case, and why.

A case is a municipality, optionally with target groups and themes. Every fact comes from
SPARQL through the :class:`~kg.store.Store` interface (so a remote server works the same);
Python only adds up the links into a score and words them as reasons. What each link is worth
is :data:`POINTS`; :func:`scoring_markdown` turns it into the tables of docs/case.md, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg.ask.evidence import (
    _FINANCES,
    _GGD,
    _RESPONSIBLE,
    _TITLES,
    AUDIENCE,
    THEME,
    Evidence,
    _select,
)
from kg.ask.resolve import resolve_concept, resolve_municipality
from kg.errors import UsageError
from kg.i18n import by_language
from kg.namespaces import ID
from kg.store import Store, check_language

TARGET_GROUPS = ID + "concept/doelgroep"
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


# --- wording ---------------------------------------------------------------------------------

#: The words of the reasons (kg.i18n).
_WORDS = by_language("reasons")


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
    asked = [*map(str, groups), *map(str, topics)]
    facts = Evidence(store, str(place), asked, needed, lang, _WORDS[lang])
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
        {r["source"]: r["title"] for r in _select(store, _TITLES)},
    )


def _score_programmes(facts: Evidence, candidates: set[str]) -> list[Item]:
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


def _score_instruments(facts: Evidence, available: set[str]) -> list[Item]:
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
    for row in _select(facts.store, _FINANCES):
        if row["accord"] in items:
            i = instrument(row["scheme"])
            text = words["finances"].format(i=i.label, x=labels(row["accord"]))
            i.add(points("finances"), text, [row["source"]])
    return list(items.values())


def _score_partners(facts: Evidence, available: set[str], instruments: set[str]) -> list[Item]:
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
    for row in _select(facts.store, _GGD, municipality=URIRef(facts.place)):
        p = partner(row["ggd"])
        p.add(points("ggd"), words["ggd"].format(p=p.label, m=labels(facts.place)), [row["source"]])
    responsible: set[str] = set()
    for row in _select(facts.store, _RESPONSIBLE):
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


def _ranked(items: Iterable[Item], limit: int | None) -> list[Item]:
    ordered = sorted(items, key=lambda i: (not i.available, -i.score, i.label.casefold(), i.iri))
    return ordered if limit is None else ordered[:limit]


def known_concepts(store: Store, lang: str = "nl") -> dict[str, list[tuple[str, str]]]:
    """The target groups and themes a case can name: scheme -> [(label, iri)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, scheme in (("target_groups", TARGET_GROUPS), ("themes", THEMES)):
        rows = _select(
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
