"""The case finder: which law, money, programmes, instruments and partners apply to a case,
and why.

A case is a municipality, optionally with target groups and themes. Every fact comes from
SPARQL through the :class:`~kg.store.Store` interface (so a remote server works the same);
Python adds up the links into a score and words them as reasons. Nothing is filtered out for
not fitting: everything that reaches the municipality is a candidate, and the fit to the case
(:mod:`kg.ask.fit`), the place, the status and the evidence make the score. What each link is
worth is :data:`POINTS`; :func:`scoring_markdown` turns it into the tables of docs/case.md, so
the documentation cannot drift from the code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from kg.ask import law as law_part
from kg.ask.advice import euros
from kg.ask.evidence import (
    _FINANCES,
    _GGD,
    _RESPONSIBLE,
    Evidence,
    _select,
    once_per_store,
    select_once,
)
from kg.ask.fit import AUDIENCE, KIND, THEME, Asked, Match, best_matches, score
from kg.ask.resolve import resolve_concept, resolve_municipality
from kg.errors import UsageError
from kg.i18n import by_language
from kg.namespaces import ID, sparql_prefixes
from kg.store import Store, check_language
from kg.text import normalise

TARGET_GROUPS = ID + "concept/doelgroep"
THEMES = ID + "concept/thema"

#: What each kind of link adds to a score, with the words docs/case.md uses for it.
POINTS: dict[str, tuple[int, str]] = {
    # fit, for every list
    "same": (3, "per asked target group or theme: the same concept (or a synonym)"),
    "narrower": (2, "per asked target group or theme: a narrower one (a kind of it)"),
    "broader": (1, "per asked target group or theme: a broader one"),
    # programmes and approaches
    "local": (3, "runs in the municipality (or a place in it), or the municipality takes part"),
    "region": (2, "runs in the municipality's GGD region or province"),
    "national": (1, "runs nationally (a national approach)"),
    "method": (1, "an intervention (a method) that no source ties to a place"),
    "running": (1, "running on the build's reference date"),
    "applied_here": (2, "a method a programme in the municipality applied"),
    # the law
    "core_duty": (1, "an article that sets the municipality's core duty"),
    "basis": (2, "an article that is the legal basis of listed services"),
    "both": (1, "fits an asked target group and an asked theme alike"),
    # instruments
    "link": (1, "per link from an available programme that rests on it or is related to it"),
    "law_of": (2, "the law of a listed article or service"),
    "finances": (1, "per listed accord it finances (a funding scheme)"),
    # money
    "allocation": (3, "money the municipality itself receives"),
    "scheme_fit": (1, "per national approach or 2026 change of the scheme that fits the case"),
    # partners
    "partner_local": (3, "per available programme it takes part in that runs in the municipality"),
    "partner": (2, "per other available programme it takes part in"),
    "ggd": (3, "is the GGD of the municipality's GGD region"),
    "responsible": (1, "is responsible for one or more listed instruments"),
    "knowledge": (1, "a knowledge institute in a programme that fits the case"),
}
_LISTS = {
    "law": ("same", "narrower", "broader", "both", "core_duty", "basis"),
    "money": ("allocation", "scheme_fit"),
    "programmes": (
        "local",
        "region",
        "national",
        "method",
        "applied_here",
        "same",
        "narrower",
        "broader",
        "running",
    ),
    "instruments": ("same", "narrower", "broader", "link", "law_of", "finances"),
    "partners": ("partner_local", "partner", "ggd", "responsible", "knowledge"),
}
PARTS = ("law", "money", "programmes", "instruments", "partners")


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
    """One article, service, allocation, programme, instrument or partner in an answer."""

    iri: str
    label: str = ""
    score: int = 0
    available: bool = True
    reasons: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)  # source IRIs; titles and links in as_dict
    extra: dict[str, Any] = field(default_factory=dict)  # status, period, amount_eur, ...

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
    law: list[Item]
    money: list[Item]
    programmes: list[Item]
    instruments: list[Item]
    partners: list[Item]
    sources: dict[str, tuple[str, str]]  # source IRI -> (title, url)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def source(s: str) -> dict[str, str | None]:
            title, url = self.sources.get(s, (s, ""))
            return {"title": title, "url": url or None}

        def item(i: Item) -> dict[str, Any]:
            return {
                "iri": i.iri,
                "label": i.label,
                "score": i.score,
                "available": i.available,
                "reasons": i.reasons,
                "sources": sorted((source(s) for s in i.sources), key=lambda d: d["title"] or ""),
                **i.extra,
            }

        out: dict[str, Any] = {"case": self.case}
        for part in PARTS:
            out[part] = [item(i) for i in getattr(self, part)]
        out["notes"] = {part: self.notes[part] for part in PARTS if self.notes.get(part)}
        return out


#: The words of the reasons (kg.i18n).
_WORDS = by_language("reasons")

_TITLES = """
SELECT ?source ?title ?page WHERE {
  ?source a kg:Source ; dct:title ?title .
  OPTIONAL { ?source foaf:page ?page }
}"""


def find(
    store: Store,
    municipality: str,
    target_groups: Sequence[str] = (),
    themes: Sequence[str] = (),
    *,
    lang: str = "nl",
    limit: int | None = None,
) -> CaseAnswer:
    """The law, money, programmes, instruments and partners that apply to a case, each list
    ranked, with reasons and sources."""
    check_language(lang)
    try:
        place = resolve_municipality(store, municipality)
    except UsageError as exc:
        raise UsageError(f"--municipality: {exc.message}") from None
    groups = _resolve_all(store, target_groups, TARGET_GROUPS, "--target-group")
    topics = _resolve_all(store, themes, THEMES, "--theme")
    asked = [Asked(AUDIENCE, str(g)) for g in groups] + [Asked(THEME, str(t)) for t in topics]
    facts = Evidence(store, str(place), asked, lang, _WORDS[lang])
    labels = facts.labels
    case = {
        "municipality": {"iri": str(place), "label": labels(str(place))},
        "target_groups": [{"iri": str(g), "label": labels(str(g))} for g in groups],
        "themes": [{"iri": str(t), "label": labels(str(t))} for t in topics],
    }
    notes: dict[str, list[str]] = defaultdict(list)
    typed = [(municipality, str(place)), *zip(target_groups, map(str, groups), strict=False)]
    typed += list(zip(themes, map(str, topics), strict=False))
    names = {lang2: store.labels([iri for _, iri in typed], lang2) for lang2 in ("nl", "en")}

    def named(text: str, iri: str) -> bool:
        """Whether ``text`` is the resource's own label (with or without its kind)."""
        key = normalise(text)
        shown = {normalise(names[x].get(iri, "")) for x in names}
        return key == normalise(iri) or any(s.endswith(key) for s in shown if s)

    read = [
        {"typed": text, "as": labels(iri)}
        for text, iri in typed
        if not named(text, iri) and not text.strip().upper().startswith("GM")
    ]
    if read:
        case["read_as"] = read
    law = _score_law(facts, notes)
    money = _score_money(facts, notes)
    programmes = _score_programmes(facts, notes)
    available = {p.iri for p in programmes if p.available}
    instruments = _score_instruments(facts, available, law)
    partners = _score_partners(facts, available, {i.iri for i in instruments})
    if len(groups) > 1 or len(topics) > 1:
        notes["programmes"].append(facts.words["note_several"])
    return CaseAnswer(
        case,
        _ranked(law, limit),
        sorted(money, key=lambda i: (i.extra["scheme"], i.extra["year"]))[:limit],
        _ranked(programmes, limit),
        _ranked(instruments, limit),
        _ranked(partners, limit),
        once_per_store(store, f"sources {lang}", lambda: _source_info(store, lang)),
        dict(notes),
    )


def _source_info(store: Store, lang: str) -> dict[str, tuple[str, str]]:
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    pages: dict[str, str] = {}
    sparql = sparql_prefixes() + _TITLES
    for source, title, page in store.select(sparql).rows:
        if source is None or title is None:
            continue
        iri = str(source)
        titles[iri][getattr(title, "language", None) or ""] = str(title)
        if page is not None:
            pages[iri] = min(pages.get(iri, str(page)), str(page))
    out: dict[str, tuple[str, str]] = {}
    for iri, by_lang in titles.items():
        best = by_lang.get(lang) or by_lang.get("nl") or sorted(by_lang.values())[0]
        out[iri] = (best, pages.get(iri, ""))
    return out


def _fit_reasons(item: Item, facts: Evidence, matches: list[Match]) -> None:
    """Each asked concept's closest match as a reason, with its points; one more when the
    item fits both an asked target group and an asked theme."""
    words, labels = facts.words, facts.labels
    asked_props = {a.prop for a in facts.asked}
    if len(asked_props) == 2 and {m.asked.prop for m in matches} == asked_props:
        item.add(points("both"), words["both"].format(a=item.label))
    done: set[Asked] = set()
    for m in matches:
        if m.asked in done:
            item.sources.add(m.source)
            continue
        done.add(m.asked)
        kind = KIND[m.closeness]
        stem = "serves" if m.asked.prop == AUDIENCE else "theme"
        key = stem if kind == "same" else f"{stem}_{kind}"
        text = words[key].format(a=item.label, c=labels(m.concept), q=labels(m.asked.concept))
        item.add(points(kind), text, [m.source])


# --- the law -----------------------------------------------------------------------------------


def _score_law(facts: Evidence, notes: dict[str, list[str]]) -> list[Item]:
    store, words, labels = facts.store, facts.words, facts.labels
    every = once_per_store(store, "law facts", lambda: law_part.law_facts(store))
    scored = law_part.fitting_law(every, facts.hierarchy, facts.asked)
    if facts.asked and not scored:
        asked = ", ".join(labels(a.concept) for a in facts.asked)
        notes["law"].append(words["note_no_law"].format(q=asked))
        scored = law_part.fitting_law(every, facts.hierarchy, [])
    resting = law_part.services_resting_on(scored)
    labels.prefetch(
        {s.fact.iri for s in scored}
        | {b for s in scored for b in s.fact.bases | s.fact.procedures}
        | {m.concept for s in scored for m in s.matches}
    )
    items = []
    for s in scored:
        f = s.fact
        item = Item(f.iri, labels(f.iri), sources=set(f.sources))
        _fit_reasons(item, facts, s.matches)
        if f.core:
            item.add(points("core_duty"), words["core_duty"].format(a=item.label))
        if resting.get(f.iri):
            names = ", ".join(sorted(labels(s) for s in resting[f.iri]))
            item.add(points("basis"), words["basis"].format(a=item.label, s=names))
        if f.kind == "service":
            bases = ", ".join(sorted(labels(b) for b in f.bases))
            item.add(0, words["service"].format(a=item.label, b=bases))
            if f.procedures:
                procs = ", ".join(sorted(labels(p) for p in f.procedures))
                item.add(0, words["procedure"].format(p=procs))
        item.extra["kind"] = f.kind
        # An article's JuriConnect link; a service's UPL IRI, which resolves to its page.
        item.extra["url"] = f.link or (f.iri if f.kind == "service" else None)
        items.append(item)
    return items


# --- the money ---------------------------------------------------------------------------------


def _score_money(facts: Evidence, notes: dict[str, list[str]]) -> list[Item]:
    store, words, labels, lang = facts.store, facts.words, facts.labels, facts.lang
    found = law_part.allocations(store, facts.place, lang)
    fits = law_part.scheme_fits(store, facts.hierarchy, facts.asked) if facts.asked else {}
    town = labels(facts.place)
    labels.prefetch({x for a in found for x in (a.iri, a.scheme, a.region)})
    labels.prefetch({f.what for fs in fits.values() for f in fs})
    items = []
    for a in found:
        item = Item(a.iri, labels(a.iri))
        money = euros(a.amount, lang)
        if a.region:
            text = words["allocation_iza"].format(
                m=town, y=a.year, amount=money, s=labels(a.scheme), r=labels(a.region)
            )
        else:
            text = words["allocation"].format(m=town, y=a.year, amount=money, s=labels(a.scheme))
        item.add(points("allocation"), text, [a.source])
        for caveat in a.caveats:
            item.add(0, caveat)
        for fit in fits.get(a.scheme, []):
            concepts = ", ".join(sorted({labels(m.concept) for m in fit.matches}))
            if fit.kind == "approach":
                reason = words["scheme_approach"].format(
                    s=labels(a.scheme), w=labels(fit.what), c=concepts
                )
            elif a.year == "2026":
                reason = words["scheme_change"].format(
                    y="2026", amount=euros(fit.amount or 0, lang), s=labels(a.scheme), c=concepts
                )
            else:
                continue
            item.add(points("scheme_fit"), reason, [m.source for m in fit.matches])
        item.extra.update(amount_eur=a.amount, year=int(a.year), scheme=labels(a.scheme))
        items.append(item)
    if facts.asked and items and not fits:
        asked = ", ".join(labels(x.concept) for x in facts.asked)
        notes["money"].append(words["note_money_unrelated"].format(q=asked))
    if not items:
        notes["money"].append(words["note_no_money"].format(m=town))
    elif not any(i.extra.get("scheme") and "IZA" in i.extra["scheme"] for i in items):
        notes["money"].append(words["note_no_iza"].format(m=town))
    return items


# --- programmes and approaches -----------------------------------------------------------------


def _place_reason(facts: Evidence, item: Item, a: str, status: str) -> bool:
    """Where ``a`` runs, as points and a reason; False when it does not reach the case. Only
    what is running "loopt"; what has ended "liep"; of the rest kg says where it is known
    from, or that it is available nationally."""
    words, labels = facts.words, facts.labels
    ended = status == "ended"
    past = {"ended": "_past", "running": ""}.get(status, "_known")
    level = facts.level.get(a, 0)
    if level:
        key = {3: "local", 2: "region", 1: "national"}[level]
        text = words[key + past].format(
            a=item.label, w=labels(facts.where[a]), m=labels(facts.place)
        )
        partners = sorted({labels(p) for p in facts.project_partners.get(a, ())})
        if level == 3 and partners and not ended:
            text += words["with_partners"].format(p=", ".join(partners))
        item.add(points(key), text, facts.where_sources[a])
        return True
    if a in facts.places:
        where = ", ".join(sorted({labels(p) for p in facts.places[a]}))
        item.add(0, words["elsewhere" + past].format(a=item.label, w=where))
        return False
    if a in facts.methods:
        item.add(points("method"), words["method"].format(a=item.label))
        for programme in sorted(facts.applied_here.get(a, ())):
            text = words["applied_here"].format(
                p=labels(programme), a=item.label, m=labels(facts.place)
            )
            item.add(points("applied_here"), text, facts.where_sources[programme])
        return True
    item.add(0, words["nowhere"].format(a=item.label))
    return False


def _status_reason(facts: Evidence, item: Item, a: str) -> None:
    words, t = facts.words, facts.timing[a]
    period = t.period()
    if t.status == "ended":
        item.add(0, words["ended"].format(p=period) if period else words["ended_stated"])
    elif t.status == "running":
        item.add(points("running"), words["running"].format(p=period))
    elif period:
        item.add(0, words["unknown_period"].format(p=period))
    elif t.reported:
        item.add(0, words["unknown_reported"].format(y=t.reported))
    item.extra["status"] = t.status
    item.extra["period"] = period
    if t.reported:
        item.extra["reported"] = int(t.reported[:4])


def _score_programmes(facts: Evidence, notes: dict[str, list[str]]) -> list[Item]:
    labels = facts.labels
    programmes: list[Item] = []
    for a in sorted(facts.candidates):
        item = Item(a, labels(a))
        status = facts.timing[a].status
        ended = status == "ended"
        reaches = _place_reason(facts, item, a, status)
        item.available = reaches and not ended
        _fit_reasons(
            item, facts, best_matches(facts.hierarchy, facts.asked, facts.named.get(a, []))
        )
        _status_reason(facts, item, a)
        programmes.append(item)
    if facts.asked and not any(
        i.available and facts.level.get(i.iri) == 3 and facts.named.get(i.iri) for i in programmes
    ):
        asked = ", ".join(labels(x.concept) for x in facts.asked)
        notes["programmes"].append(
            facts.words["note_no_local"].format(q=asked, m=labels(facts.place))
        )
    return programmes


# --- instruments -------------------------------------------------------------------------------


def _score_instruments(facts: Evidence, available: set[str], law: list[Item]) -> list[Item]:
    words, labels = facts.words, facts.labels
    labels.prefetch({r["instrument"] for r in facts.links} | set(facts.instrument_named))
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
    for iri, named in sorted(facts.instrument_named.items()):
        matches = best_matches(facts.hierarchy, facts.asked, named)
        if matches:
            _fit_reasons(instrument(iri), facts, matches)
    articles = {i.iri: i for i in law if i.extra.get("kind") == "article"}
    law_of = once_per_store(facts.store, "law of", lambda: law_part.law_of(facts.store))
    for article, the_law in sorted(law_of.items()):
        if article in articles and articles[article].score > 0:
            i = instrument(the_law)
            text = words["law_of"].format(i=i.label, a=articles[article].label)
            i.add(points("law_of"), text, articles[article].sources)
    for row in select_once(facts.store, _FINANCES):
        if row["accord"] in items:
            i = instrument(row["scheme"])
            text = words["finances"].format(i=i.label, x=labels(row["accord"]))
            i.add(points("finances"), text, [row["source"]])
    return list(items.values())


# --- partners ----------------------------------------------------------------------------------


def _score_partners(facts: Evidence, available: set[str], instruments: set[str]) -> list[Item]:
    words, labels = facts.words, facts.labels
    labels.prefetch({r["partner"] for r in facts.knowledge})
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
    for row in select_once(facts.store, _RESPONSIBLE):
        if row["instrument"] in instruments:
            p = partner(row["organisation"])
            first = p.iri not in responsible  # counts once, however many instruments
            responsible.add(p.iri)
            text = words["responsible"].format(p=p.label, i=labels(row["instrument"]))
            p.add(points("responsible") if first else 0, text, [row["source"]])
    knowing: set[str] = set()
    for row in facts.knowledge:
        p = partner(row["partner"])
        first = p.iri not in knowing
        knowing.add(p.iri)
        text = words["knowledge"].format(p=p.label, a=labels(row["approach"]))
        p.add(points("knowledge") if first else 0, text, [row["source"]])
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


def render_answer(answer: CaseAnswer, fmt: str, heading: int = 1, lang: str = "nl") -> str:
    """``json`` (the contract of docs/case.md), ``md`` (an advice note) or ``table``."""
    from kg.ask.advice import render

    return render(answer.as_dict(), fmt, heading, lang)


__all__ = ["score"]
