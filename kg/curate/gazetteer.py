"""The graph's names, for ``kg suggest``: every name of every resource of the kinds a mention
can be (municipality, organisation, programme, intervention, law, accord, scheme, statutory
service, target group, theme), in kg's one normal form, and the scan that finds them in a
sentence (see :mod:`kg.curate.suggest`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.closure import reachable
from kg.namespaces import KG, STANDARD_PREFIXES
from kg.text import normalise

if TYPE_CHECKING:
    from kg.store import Store

SKOS = STANDARD_PREFIXES["skos"]
ORG = STANDARD_PREFIXES["org"]
RDFS = STANDARD_PREFIXES["rdfs"]
CONCEPT = "https://w3id.org/kg-sociaal/id/concept/"

#: The kinds a mention can be, by class (a resource of several takes the first that fits),
#: with the Dutch word the workbook shows.
CLASS_KINDS: tuple[tuple[str, str, str], ...] = (
    (KG + "Municipality", "municipality", "gemeente"),
    (KG + "Law", "law", "wet"),
    (KG + "Accord", "accord", "akkoord"),
    (KG + "FundingScheme", "scheme", "regeling"),
    (KG + "StatutoryService", "service", "voorziening"),
    (KG + "Intervention", "intervention", "interventie"),
    (KG + "Pilot", "programme", "pilot"),
    (KG + "Project", "programme", "project"),
    (KG + "Programme", "programme", "programma"),
    (KG + "GovernmentProgramme", "programme", "programma"),
    (KG + "NationalApproach", "programme", "programma"),
    # All municipalities together as a tier of government ("elke gemeente"): no partner a
    # document introduces.
    (KG + "AdministrativeLayer", "", ""),
    (ORG + "Organization", "organisation", "organisatie"),
)
#: Concept schemes whose concepts are mentions: target groups and themes.
SCHEME_KINDS: tuple[tuple[str, str, str], ...] = (
    (CONCEPT + "doelgroep", "target group", "doelgroep"),
    (CONCEPT + "thema", "theme", "thema"),
)
KINDS: tuple[str, ...] = ("municipality", "organisation", "programme", "intervention", "law")
KINDS += ("accord", "scheme", "service", "target group", "theme")

#: What a name is, best first, with the confidence it starts from.
EVIDENCE: dict[str, float] = {
    "label": 0.9,  # a Dutch (or untagged) label: prefLabel, rdfs:label, foaf:name, dct:title
    "alt": 0.85,  # a Dutch alternative name (skos:altLabel)
    "alias": 0.8,  # a hidden label: a common name or abbreviation
    "derived": 0.75,  # a name without its qualifier or kind
    "english": 0.7,  # an English name
    "spelling": 0.7,  # the words of a name written together or apart
    "case": 0.7,  # a long proper name written in lower case ("wet publieke gezondheid")
    "plural": 0.65,  # a lower-case name in the plural
    "fuzzy": 0.6,  # a name the full-text index finds a nearly equal name for
    "described": 0.55,  # a name only one known resource's description holds
}
RANK = {e: i for i, e in enumerate(EVIDENCE)}
#: Names shorter than this (letters and digits) are too easily something else ("Ow").
MIN_NAME = 3
#: The most words of a name the scan looks for.
MAX_WORDS = 12
#: A proper name this long (letters and digits) still counts written in lower case.
LONG_NAME = 9

_LABELS: tuple[str, ...] = (SKOS + "prefLabel", RDFS + "label", STANDARD_PREFIXES["foaf"] + "name")
_LABELS += (STANDARD_PREFIXES["dct"] + "title",)
QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_KIND_WORD = re.compile(r"^(gemeente|ggd)\s+(?=\S)", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:['`][^\W_]+)*")


# --- the graph's names ------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    iri: str
    kind: str
    soort: str


@dataclass(frozen=True)
class Entry:
    iri: str
    evidence: str
    proper: bool  # the graph writes the name with a capital: the document must too
    acronym: bool  # an abbreviation in capitals: the document must write it so


@dataclass
class Gazetteer:
    """Every name of every resource of the kinds a mention can be, by its normal form."""

    known: dict[str, Known] = field(default_factory=dict)
    names: dict[tuple[str, ...], dict[str, Entry]] = field(default_factory=dict)
    squashed: dict[str, dict[str, Entry]] = field(default_factory=dict)
    longest: int = 1

    def add(self, iri: str, name: str, evidence: str) -> None:
        key = tuple(normalise(name).split())
        if not key or len(key) > MAX_WORDS or sum(len(k) for k in key) < MIN_NAME:
            return
        stripped = name.strip()
        words = stripped.split()
        proper = stripped[:1].isupper() or stripped[:1].isdigit()
        acronym = len(words) == 1 and stripped.isupper() and len(stripped) <= 6
        self._put(self.names.setdefault(key, {}), Entry(iri, evidence, proper, acronym))
        self.longest = max(self.longest, len(key))
        if len(key) > 1 and len("".join(key)) >= 8:
            self._put(
                self.squashed.setdefault("".join(key), {}), Entry(iri, "spelling", proper, False)
            )
        if not proper and evidence in ("label", "alt", "alias"):
            last = key[-1]
            for plural in {last + "s", last + "en", last + "n"}:
                self._put(
                    self.names.setdefault((*key[:-1], plural), {}),
                    Entry(iri, "plural", False, False),
                )

    @staticmethod
    def _put(entries: dict[str, Entry], entry: Entry) -> None:
        old = entries.get(entry.iri)
        if old is None or RANK[entry.evidence] < RANK[old.evidence]:
            # a name that the graph also writes in lower case is no proper name
            proper = entry.proper and (old is None or old.proper)
            entries[entry.iri] = Entry(entry.iri, entry.evidence, proper, entry.acronym)
        elif old.proper and not entry.proper:
            entries[entry.iri] = Entry(old.iri, old.evidence, False, old.acronym)


def class_closure(store: Store) -> Callable[[str], set[str]]:
    """Each class with every class above it (``rdfs:subClassOf``, followed through), from
    the hierarchy read once."""
    parents: dict[str, set[str]] = defaultdict(set)
    for sub, sup in store.select_values(f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subClassOf> ?b }}"):
        if sub and sup:
            parents[sub].add(sup)
    return lambda cls: {cls} | reachable(parents, cls)


def known_resources(store: Store) -> dict[str, Known]:
    """Each resource of a mention's kind, with its kind."""
    above = class_closure(store)
    wanted = {c for c, _, _ in CLASS_KINDS}
    typed = _typed(store)
    reach = {c: above(c) & wanted for c in {c for (_, c) in typed}}
    types: dict[str, set[str]] = defaultdict(set)
    for r, t in typed:
        types[r] |= reach.get(t, set())
    known: dict[str, Known] = {}
    for r, classes in types.items():
        for cls, kind, soort in CLASS_KINDS:
            if cls in classes:
                if kind:
                    known[r] = Known(r, kind, soort)
                break
    for scheme, kind, soort in SCHEME_KINDS:
        query = f"SELECT ?r WHERE {{ ?r <{SKOS}inScheme> <{scheme}> }}"
        for (member,) in store.select_values(query):
            if member and member not in known:
                known[member] = Known(member, kind, soort)
    return known


def _typed(store: Store) -> list[tuple[str, str]]:
    """(resource, class) for every resource with a name."""
    names = " ".join(f"<{p}>" for p in _LABELS)
    rows = store.select_values(
        f"SELECT DISTINCT ?r ?t WHERE {{ ?r a ?t . VALUES ?p {{ {names} }} ?r ?p ?l }}"
    )
    return [(r, t) for r, t in rows if r and t]


def gazetteer(store: Store) -> Gazetteer:
    """The names of every resource a mention can be, read from ``store``."""
    found = Gazetteer(known=known_resources(store))
    props = " ".join(f"<{p}>" for p in (*_LABELS, SKOS + "altLabel", SKOS + "hiddenLabel"))
    rows = store.select_values(
        f"SELECT ?r ?p ?name (LANG(?name) AS ?lang) WHERE {{ VALUES ?p {{ {props} }} "
        "?r ?p ?name FILTER(isLiteral(?name)) }"
    )
    for r, p, name, lang in sorted(rows, key=lambda row: tuple(x or "" for x in row)):
        if not r or r not in found.known or name is None:
            continue
        if lang == "en":
            evidence = "english"
        elif p in _LABELS:
            evidence = "label"
        else:
            evidence = "alt" if p == SKOS + "altLabel" else "alias"
        found.add(r, name, evidence)
        for form in _derived(name):
            found.add(r, form, "derived")
    return found


def _derived(name: str) -> list[str]:
    """A name without its qualifier ("Hengelo" for "Hengelo (O.)") or its kind ("IJsselland"
    for "GGD IJsselland"), as people write it."""
    forms = []
    short = QUALIFIER.sub("", name).strip()
    if short and short != name.strip():
        forms.append(short)
    for form in (name.strip(), short):
        match = _KIND_WORD.match(form)
        if match and len(form) - match.end() >= MIN_NAME:
            forms.append(form[match.end() :])
    return forms


# --- scanning the text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    norm: str  # the token in kg's normal form
    start: int  # characters in the sentence
    end: int
    raw: str


def tokens(sentence: str) -> list[Token]:
    """The words of ``sentence`` in kg's normal form, with where they are."""
    found = []
    for match in _TOKEN.finditer(sentence):
        for part in normalise(match.group()).split():
            found.append(Token(part, match.start(), match.end(), match.group()))
    return found


@dataclass(frozen=True)
class Hit:
    """A known name in a sentence: where, and what it may name."""

    sentence: int  # its index
    start: int  # characters
    end: int
    entries: tuple[Entry, ...]  # the resources named, best evidence only
    initial: bool  # the first word of its sentence
    words: int


def _allowed(entry: Entry, span: Sequence[Token]) -> Entry | None:
    """The entry if the text writes the name as the graph does: a proper name with a
    capital, an abbreviation in capitals. A long proper name in lower case ("wet publieke
    gezondheid") still counts, as evidence "case"."""
    first = span[0].raw
    if entry.acronym:
        return entry if first.isupper() and len(span) == 1 else None
    if not entry.proper or first[:1].isupper() or first[:1].isdigit():
        return entry
    if sum(len(t.norm) for t in span) >= LONG_NAME and RANK[entry.evidence] < RANK["case"]:
        return Entry(entry.iri, "case", entry.proper, entry.acronym)
    return None


def _lookup(names: Gazetteer, span: Sequence[Token]) -> list[Entry]:
    key = tuple(t.norm for t in span)
    found = [e for e in (_allowed(x, span) for x in names.names.get(key, {}).values()) if e]
    if (not found and len(key) > 1) or (not found and len(key[0]) >= 8):
        squashed = names.squashed.get("".join(key), {}).values()
        found = [e for e in (_allowed(x, span) for x in squashed) if e]
    return found


def scan(names: Gazetteer, index: int, words: list[Token]) -> list[Hit]:
    """The known names in one sentence, longest first, left to right, never overlapping."""
    hits: list[Hit] = []
    i = 0
    while i < len(words):
        for n in range(min(names.longest, len(words) - i), 0, -1):
            span = words[i : i + n]
            entries = _lookup(names, span)
            if entries:
                best = min(RANK[e.evidence] for e in entries)
                kept = sorted((e for e in entries if RANK[e.evidence] == best), key=_iri)
                hits.append(Hit(index, span[0].start, span[-1].end, tuple(kept), i == 0, n))
                i += n
                break
        else:
            i += 1
    return hits


def _iri(entry: Entry) -> str:
    return entry.iri
