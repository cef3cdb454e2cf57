"""Drafts from documents (``kg suggest``, K16): what a new document names that the graph knows,
and the programmes and organisations it introduces, as proposals for a curator.

:func:`suggest` reads the graph's names and returns a :class:`Draft`:

- **mentions**: every municipality, organisation, programme (project, pilot), intervention,
  law, accord, scheme, statutory service (the UPL), target group and theme that the
  document names. A name is any of the resource's labels (``skos:prefLabel``, ``rdfs:label``,
  ``foaf:name``, ``dct:title``, ``skos:altLabel``) or hidden labels (the aliases of
  ``data/reference/aliases.trig``: "Den Haag", "Wmo"), in kg's one normal form
  (:func:`kg.text.normalise`: case, accents, punctuation and spaces ignored); also the name
  without its qualifier or kind ("Hengelo" for "Hengelo (O.)", "IJsselland" for "GGD
  IJsselland"), written together or apart ("Zorg Akkoord" for "Zorgakkoord"), and, for
  names in lower case, in the plural ("vrijwilligers" for "vrijwilliger"). A proper name
  (a capital in the graph) counts only where the document writes it with a capital, unless
  it is long ("wet publieke gezondheid"), and an abbreviation only in capitals ("IZA",
  never "iza"). The longest name wins where names overlap.
- **candidates**: names the document introduces that the graph does not know, proposed as
  new programmes or organisations (:mod:`kg.curate.candidates` says how they are found). A
  candidate whose name is close to a known one (the full-text index of ``kg search``, K13) is a
  mention instead.

Each suggestion has the sentence it was first found in and a confidence from 0 to 1, from
the evidence (:func:`mention_confidence`; :mod:`kg.curate.candidates`). Suggestions under
``min_confidence`` are left out. The draft is deterministic: the same graph and text give the
same draft. It needs no model weights and no network: everything comes from the graph, the
build's indexes and the rules here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kg.curate import candidates as new_names
from kg.curate.document import Document, sentences
from kg.curate.gazetteer import (
    EVIDENCE,
    KINDS,
    QUALIFIER,
    RANK,
    Entry,
    Gazetteer,
    Hit,
    gazetteer,
    scan,
    tokens,
)
from kg.namespaces import STANDARD_PREFIXES, curie
from kg.text import normalise

if TYPE_CHECKING:
    from kg.store import Store
    from kg.store.search import SearchIndex

#: Suggestions below this confidence are left out (``kg suggest --min-confidence``).
MIN_CONFIDENCE = 0.5
#: The longest sentence the workbook shows (characters).
SENTENCE_CHARS = 300
#: Kinds whose names are plain words or phrases ("ouderen", "re-integratie").
TOPICS = ("target group", "theme", "service")
DESCRIPTION = STANDARD_PREFIXES["dct"] + "description"


@dataclass(frozen=True)
class Mention:
    """A thing the graph knows that the document names."""

    kind: str  # one of KINDS
    iri: str
    name: str  # its Dutch name in the graph
    sentence: str  # where it was found (the first sentence with the best evidence)
    confidence: float
    evidence: str = "label"  # a key of EVIDENCE
    count: int = 1  # how often the document names it
    soort: str = ""  # the kind in Dutch, as the workbook shows it


@dataclass(frozen=True)
class Candidate:
    """A name the document introduces, proposed as a new programme or organisation."""

    kind: str  # "programme" or "organisation"
    name: str
    sentence: str
    confidence: float
    evidence: tuple[str, ...] = ()  # why (see kg.curate.candidates)
    soort: str = ""  # programma, project, pilot (programmes), when the text says so
    other_name: str = ""  # an abbreviation the document gives in brackets
    count: int = 1


@dataclass(frozen=True)
class Draft:
    """What :func:`suggest` proposes: mentions and candidates, best first."""

    mentions: tuple[Mention, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    def programmes(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "programme"]

    def organisations(self) -> list[Candidate]:
        return [c for c in self.candidates if c.kind == "organisation"]


def mention_confidence(
    evidence: str,
    count: int,
    *,
    ambiguous: bool = False,
    initial_only: bool = False,
    common: bool = False,
    topic: bool = False,
    one_word: bool = False,
) -> float:
    """How sure a mention is: the evidence's confidence (:data:`EVIDENCE`), less when the name
    may mean several things (x0.75), when a one-word proper name came only first in a
    sentence, where every word has a capital (x0.8), or the document also writes it in lower
    case as a plain word (x0.7). A ``topic`` (a target group, a theme, a statutory service, or
    any name the graph writes in lower case) is a plain word or phrase that a text may use in
    passing: named once, twice, or more, it keeps x0.8, x0.9, x1 of its confidence as a
    phrase of several words and x0.5, x0.7, x0.85 as one word ("werk"). More when the
    document names it again (+0.03 each time, at most +0.09)."""
    value = EVIDENCE[evidence]
    if ambiguous:
        value *= 0.75
    if initial_only:
        value *= 0.8
    if common:
        value *= 0.7
    if topic:
        factors = (0.5, 0.7, 0.85) if one_word else (0.8, 0.9, 1.0)
        value *= factors[min(count, 3) - 1]
    value += min(0.09, 0.03 * (count - 1))
    return round(min(0.99, value), 2)


def _mentions(names: Gazetteer, hits: list[Hit], said: list[str], lower: set[str]) -> list[Mention]:
    by_iri: dict[str, list[tuple[Hit, Entry]]] = defaultdict(list)
    for hit in hits:
        for entry in hit.entries:
            by_iri[entry.iri].append((hit, entry))
    found = []
    for iri, seen in by_iri.items():
        known = names.known[iri]
        best_hit, best = min(seen, key=lambda he: (RANK[he[1].evidence], he[0].sentence))
        text = said[best_hit.sentence][best_hit.start : best_hit.end]
        one_word = all(h.words == 1 for h, _ in seen)
        count = len({(h.sentence, h.start) for h, _ in seen})
        confidence = mention_confidence(
            best.evidence,
            count,
            ambiguous=all(len(h.entries) > 1 for h, _ in seen),
            initial_only=one_word and best.proper and all(h.initial for h, _ in seen),
            common=one_word
            and best.proper
            and best.evidence != "case"
            and normalise(text) in lower,
            topic=known.kind in TOPICS or not best.proper,
            one_word=one_word,
        )
        sentence = _shorten(said[best_hit.sentence])
        found.append(
            Mention(known.kind, iri, "", sentence, confidence, best.evidence, count, known.soort)
        )
    return found


def _shorten(sentence: str) -> str:
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    cut = sentence[: SENTENCE_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"


# --- the draft --------------------------------------------------------------------------------


def suggest(store: Store, text: str | Document, min_confidence: float = MIN_CONFIDENCE) -> Draft:
    """The draft for a document (its text, or a :class:`~kg.curate.document.Document`): what
    it names that ``store`` knows, and the new programmes and organisations it introduces,
    each at least ``min_confidence`` sure, best first."""
    if isinstance(text, Document):
        blocks, title = text.blocks, text.title
    else:
        blocks, title = tuple(text.splitlines()), ""
    said = [s for block in blocks for s in sentences(block)]
    names = gazetteer(store)
    words = [tokens(s) for s in said]
    hits = [h for i, w in enumerate(words) for h in scan(names, i, w)]
    spans: list[list[new_names.KnownSpan]] = [[] for _ in said]
    for hit in hits:
        kind = min(names.known[e.iri].kind for e in hit.entries)
        proper = all(e.proper for e in hit.entries)
        spans[hit.sentence].append(new_names.KnownSpan(hit.start, hit.end, kind, proper))
    result = new_names.find(said, spans, _any_name(store), title)
    hits = [h for h in hits if not _inside(h, result.people)]  # "Ede" in "Anna van Ede"
    lower = {t.norm for w in words for t in w if t.raw[:1].islower()}
    mentions = {m.iri: m for m in _mentions(names, hits, said, lower)}
    fresh = _link(store, names, result.found, mentions)
    labels = store.labels(mentions, "nl")
    chosen = [
        replace(m, name=labels.get(m.iri, curie(m.iri)))
        for m in mentions.values()
        if m.confidence >= min_confidence
    ]
    chosen.sort(key=lambda m: (-m.confidence, KINDS.index(m.kind), m.name.casefold(), m.iri))
    kept = [c for c in fresh if c.confidence >= min_confidence]
    kept.sort(key=lambda c: (-c.confidence, c.name.casefold(), c.name, c.kind))
    return Draft(tuple(chosen), tuple(kept))


def _inside(hit: Hit, people: Iterable[tuple[int, int, int]]) -> bool:
    return any(s == hit.sentence and a <= hit.start and hit.end <= b for s, a, b in people)


def _link(
    store: Store,
    names: Gazetteer,
    found: Iterable[new_names.Found],
    mentions: dict[str, Mention],
) -> list[Candidate]:
    """The candidates that name nothing the graph knows; the others become mentions
    (``mentions`` is updated): a candidate with a known abbreviation in brackets names that
    ("Integraal Zorg Akkoord (IZA)"), and so does one that the full-text index finds
    under a nearly equal name or in just one known resource's description."""
    from kg.store.search import FILE, open_index

    index = open_index(store.beside(FILE))
    try:
        return _linked(store, index, names, found, mentions)
    finally:
        if index is not None:
            index.close()


def _linked(
    store: Store,
    index: SearchIndex | None,
    names: Gazetteer,
    found: Iterable[new_names.Found],
    mentions: dict[str, Mention],
) -> list[Candidate]:
    fresh: list[Candidate] = []
    for c in found:
        if c.other_name and _known_name(names, c.other_name):
            continue
        linked = None if index is None else _near_known(store, index, names, c.name)
        if linked is None:
            fresh.append(
                Candidate(
                    c.kind,
                    c.name,
                    _shorten(c.sentence),
                    c.confidence,
                    c.evidence,
                    c.soort,
                    c.other_name,
                    c.count,
                )
            )
            continue
        iri, evidence = linked
        if iri not in mentions:
            k = names.known[iri]
            value = mention_confidence(evidence, c.count)
            sentence = _shorten(c.sentence)
            mentions[iri] = Mention(k.kind, iri, "", sentence, value, evidence, c.count, k.soort)
    return fresh


def _known_name(names: Gazetteer, name: str) -> bool:
    """Whether ``name`` (or its part before a hyphen: "SPUK" of "SPUK-regeling") is a name the
    gazetteer holds."""
    return any(
        tuple(normalise(form).split()) in names.names
        for form in {name, name.split("-")[0]}
        if normalise(form)
    )


def _any_name(store: Store) -> new_names.NameCheck:
    """Whether a name is any resource's name in the graph: the build's name index where there
    is one, else the names in the store."""
    index = store.name_index
    if index is not None:
        return lambda name: bool(index.lookup(normalise(name)))
    from kg.store.names import NAMES_SPARQL

    every = {normalise(n) for _, n in store.select_values(NAMES_SPARQL) if n}
    return lambda name: normalise(name) in every


def _near_known(
    store: Store, index: SearchIndex, names: Gazetteer, name: str
) -> tuple[str, str] | None:
    """A known resource (of a mention's kind) that the full-text index of ``kg search``
    finds for ``name``, with the evidence: "fuzzy" under a name that differs only slightly
    (:func:`near_names`), "described" when the name is a phrase of several words that only
    that resource's description holds. None where there is none."""
    from kg.store import sparql_iris

    hits = [h for h in index.search(name, "nl", limit=5).hits if h.iri in names.known]
    key = normalise(name)
    for hit in hits:
        if any(near_names(key, normalise(f)) for f in (hit.label, QUALIFIER.sub("", hit.label))):
            return hit.iri, "fuzzy"
    if len(key.split()) < 2 or not hits:
        return None
    block = " ".join(f"<{iri}>" for iri in sparql_iris(h.iri for h in hits))
    rows = store.select_values(
        f"SELECT ?r ?d WHERE {{ VALUES ?r {{ {block} }} ?r <{DESCRIPTION}> ?d }}"
    )
    holding = sorted({r for r, d in rows if r and d and f" {key} " in f" {normalise(d)} "})
    return (holding[0], "described") if len(holding) == 1 else None


def near_names(a: str, b: str) -> bool:
    """Whether two normalised names differ only slightly: the same words written together or
    apart, one small word more or less ("wonen zorg ouderen", "wonen en zorg ouderen"), or
    (names of 8 letters or more) one letter added, dropped or changed."""
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    short, long_ = sorted((a.split(), b.split()), key=len)
    dropped = (long_[:i] + long_[i + 1 :] for i in range(len(long_)) if len(long_[i]) <= 3)
    if len(long_) == len(short) + 1 and len(short) >= 2 and short in dropped:
        return True
    if min(len(a), len(b)) < 8 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    s, t = sorted((a, b), key=len)
    return any(t[:i] + t[i + 1 :] == s for i in range(len(t)))


# --- the workbook -----------------------------------------------------------------------------


def workbook_rows(
    draft: Draft, file_name: str, title: str = ""
) -> dict[str, list[dict[str, object]]]:
    """The draft as rows of the curator's workbook (sheet -> rows of heading -> value): the
    source on Bron, mentions on Genoemd, candidates on Programma's and Organisaties, each
    with its confidence and sentence; a candidate has an empty ``besluit`` for the curator."""
    mentioned: list[dict[str, object]] = [
        {
            "soort": m.soort or m.kind,
            "naam": m.name,
            "id": curie(m.iri),
            "zekerheid": round(m.confidence, 2),
            "gevonden in": m.sentence,
        }
        for m in draft.mentions
    ]

    def proposed(c: Candidate, soort: bool) -> dict[str, object]:
        row: dict[str, object] = {"naam": c.name}
        if soort and c.soort:
            row["soort"] = c.soort
        if c.other_name:
            row["andere naam 1"] = c.other_name
        row.update({"zekerheid": round(c.confidence, 2), "gevonden in": c.sentence})
        row["besluit"] = None
        return row

    return {
        "Bron": [{"titel": title or None, "bestand": file_name}],
        "Genoemd": mentioned,
        "Programma's": [proposed(c, True) for c in draft.programmes()],
        "Organisaties": [proposed(c, False) for c in draft.organisations()],
    }
