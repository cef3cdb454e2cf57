"""Names a document introduces: candidates for new programmes and organisations
(``kg suggest``).

Only general rules of how Dutch (and English) texts write names; no list of names. A name is
found as

- a **proper-name chunk**: words with a capital ("Gezond Zeewolde", "Kennis Instituut"), with
  the small words names hold between them ("Vechtstreek in Balans", "Institute for Healthy
  Cities"), not counting a sentence's first word, which has a capital anyway. "en" joins two
  names ("Alfa, Bravo en Charlie") unless a word that says what the name is stands in or
  before it and one word closes it ("Onderzoeksprogramma Wonen en Welzijn");
  "van" joins a person or a longer name to an organisation ("Jan Jansen van Hogeschool
  Oost"), where the part after it says it is one or the part before ends so;
- a **quoted name** (‘Samen voor de wijk’) of at most :data:`QUOTED_WORDS`
  words that is no sentence;
- an **abbreviation**: a word in capitals, or with capitals inside or digits ("NKZ", "G12"),
  and a name with its abbreviation in brackets after it ("Buren Helpen Buren
  (BHB)");
- after a word that says what it is ("het project X", "de pilot X", "platform ‘X’"), a name in
  sentence case, up to the end of its phrase ("het project Bewegen met
  ouderen"); an organisation's own kind word is kept ("hogeschool Oost");
- the document's title, when every word of it is a name's ("Werk en Welzijn").

Its kind comes from the words in the name or just before it (the word lists of
:mod:`kg.curate.chunks`, also as the end of a compound: "Onderzoeksprogramma", "Zorggroep"),
from the words of its sentence ("initiatieven", "partners", or of the sentence before when that
ends in a colon), from known names it is listed with, or from its form (an abbreviation, or a
name after "door", is an organisation). A name after a word for a publication or an event
("rapport ‘...’", "conferentie ‘...’") is neither. Names of people are left
out: a first name and surname with "van", "de", "van der" between them; a name next to a role
("hoogleraar", "(directeur ...", ", onderzoeker") or followed by "van" and an organisation; a
name whose first name or surname stands alone before a colon elsewhere ("Jansen: ...");
and the parts of those names. So are names the graph already has for anything (a person, a
place, a province: the build's name index).

Confidence adds up the evidence (:data:`SCORES`): what the name looks like, and what says what
it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kg.curate.chunks import (
    CONNECTORS,
    FUNCTION_WORDS,
    ORGANISATION_CONTEXT,
    PARTICLES,
    PROGRAMME_ROLES,
    SENTENCE_ORGANISATION,
    SENTENCE_PROGRAMME,
    VERBS,
    Piece,
    is_abbreviation,
    is_brand,
    is_role,
    kind_of_word,
    name_runs,
    names_no_candidate,
    opens,
    pieces_of,
    text_of,
    trim,
    words_before,
)
from kg.text import normalise

#: Whether a name names anything in the graph.
NameCheck = Callable[[str], bool]

#: The most words a quoted name has.
QUOTED_WORDS = 8
#: What each piece of evidence adds to a candidate's confidence.
SCORES: dict[str, float] = {
    "chunk": 0.45,  # several words with a capital
    "word": 0.3,  # one word with a capital, not first in its sentence
    "brand": 0.4,  # one word with capitals inside or digits ("WijkNL", "BUURT010")
    "abbreviation": 0.4,  # a word in capitals
    "quoted": 0.45,  # a quoted name
    "title": 0.5,  # the document's title
    "kind in name": 0.3,  # "Hogeschool ...", "Onderzoeksprogramma ..." (one word: half)
    "kind before": 0.25,  # "het project ...", "de stichting ..."
    "article before": 0.1,  # "het NKZ", "de G12": an abbreviation used as a name
    "by": 0.1,  # "door X": who did something
    "in brackets": 0.15,  # "Name (ABBR)"
    "listed": 0.15,  # in a list with known names, or of three names or more
    "sentence": 0.1,  # its sentence speaks of initiatives, partners, ...
    "again": 0.05,  # named in another sentence (each, at most twice)
}
#: What a name looks like: the evidence its score starts from.
FORMS = ("chunk", "word", "brand", "abbreviation", "quoted", "title")

_QUOTES = re.compile(r"(?:^|(?<=[\s(\[:]))[‘“\"']([^‘’“”\"\n]{2,100}?)[’”\"'](?=$|[\s.,;:!?)\]])")
_COLON_NAME = re.compile(r"(?:^|[.!?]\s)([A-Z][\w’'-]+(?: [a-z]+)*(?: [A-Z][\w’'-]+)?):")


@dataclass(frozen=True)
class KnownSpan:
    """Where a sentence names something the graph knows (characters), its kind, and whether
    the graph writes that name with a capital (a proper name)."""

    start: int
    end: int
    kind: str
    proper: bool = True


@dataclass(frozen=True)
class Found:
    """A candidate: its name, kind, the first sentence that names it, confidence, why."""

    kind: str
    name: str
    sentence: str
    confidence: float
    evidence: tuple[str, ...]
    soort: str = ""
    other_name: str = ""
    count: int = 1


@dataclass
class Result:
    """The candidates, and where the sentences name people (to drop known names inside
    them: "Ede" in "Anna van Ede")."""

    found: list[Found] = field(default_factory=list)
    people: list[tuple[int, int, int]] = field(default_factory=list)  # sentence, start, end


@dataclass
class _Name:
    text: str
    sentence: int
    evidence: set[str] = field(default_factory=set)
    kinds: list[str] = field(default_factory=list)  # votes: "programme" / "organisation"
    soort: str = ""
    other_name: str = ""


class _Collector:
    """Candidates of one document, merged by name."""

    def __init__(self, said: Sequence[str], known: Sequence[Sequence[KnownSpan]]) -> None:
        self.said = said
        self.known = known
        self.names: dict[str, _Name] = {}
        self.sentences_of: dict[str, set[int]] = defaultdict(set)
        self.people: set[str] = set()  # normalised names of people
        self.person_spans: list[tuple[int, int, int]] = []
        self.skip: set[str] = set()  # abbreviations of a candidate: not one of their own
        self.colons: set[str] = set()
        for s in said:
            for m in _COLON_NAME.finditer(s):
                self.colons.update(normalise(m.group(1)).split())

    def add(self, text: str, index: int, evidence: set[str], kind: tuple[str, str] | None) -> None:
        key = normalise(text)
        if not key:
            return
        name = self.names.setdefault(key, _Name(text, index))
        name.evidence |= evidence
        if kind is not None:
            name.kinds.append(kind[0])
            if kind[1] and not name.soort:
                name.soort = kind[1]
        self.sentences_of[key].add(index)


def find(
    said: Sequence[str],
    known: Sequence[Sequence[KnownSpan]],
    is_name: NameCheck,
    title: str = "",
) -> Result:
    """The candidates in ``said`` (the document's sentences), given where each names what the
    graph knows (``known``), a test of whether a name names anything in the graph, and the
    document's title."""
    collect = _Collector(said, known)
    for index, sentence in enumerate(said):
        _sentence(collect, index, sentence, _introduction(said, index))
    if title and title in said:
        _title(collect, said.index(title), title)
    result = Result(people=collect.person_spans)
    parts = {w for p in collect.people for w in p.split()}
    for key, name in collect.names.items():
        if key in collect.people or key in collect.skip or key in parts:
            continue
        if is_name(name.text):
            continue
        scored = _score(collect, key, name)
        if scored is not None:
            result.found.append(scored)
    return result


def _introduction(said: Sequence[str], index: int, reach: int = 10) -> str:
    """The sentence that introduces a list that sentence ``index`` is an item of: the
    sentence ending in a colon before it, with only items between (no full stops); or ""."""
    for k in range(index - 1, max(-1, index - 1 - reach), -1):
        text = said[k].rstrip()
        if text.endswith(":"):
            return text
        if text.endswith((".", "!", "?")):
            return ""
    return ""


def _title(collect: _Collector, index: int, title: str) -> None:
    """The document's title as a programme's name: two to six words, each with a capital or
    small, at least two with a capital that are not a known proper name ("Nieuw in Den Haag"
    is none)."""
    known = [s for s in collect.known[index] if s.proper]
    pieces = [p for p in pieces_of(title) if p.word]
    if not 2 <= len(pieces) <= 6 or not pieces[-1].capital:
        return
    if not all(p.capital or p.lower in CONNECTORS for p in pieces):
        return
    own = [p for p in pieces if p.capital and not any(s.start <= p.start < s.end for s in known)]
    if len(own) >= 2:
        collect.add(title, index, {"title"}, ("programme", ""))


def _sentence_kind(words: set[str]) -> tuple[str, str] | None:
    if words & SENTENCE_ORGANISATION:
        return "organisation", ""
    if words & SENTENCE_PROGRAMME:
        return "programme", ""
    return None


def _sentence(collect: _Collector, index: int, sentence: str, previous: str) -> None:
    pieces = pieces_of(sentence)
    spans = collect.known[index]
    masked = {
        k
        for k, p in enumerate(pieces)
        for s in spans
        if s.proper and s.kind != "municipality" and p.start >= s.start and p.end <= s.end
    }
    whole = {(s.start, s.end) for s in spans}
    kinds = {k for k, p in enumerate(pieces) if p.word and kind_of_word(p.text)}
    context = _sentence_kind({p.lower for p in pieces if p.word})
    if context is None and previous:
        context = _sentence_kind({p.lower for p in pieces_of(previous) if p.word})
    runs = [trim(pieces, a, b) for a, b in name_runs(pieces, masked, kinds)]
    runs = [(a, b) for a, b in runs if a < b and (pieces[a].start, pieces[b - 1].end) not in whole]
    listed = _listed(pieces, runs, spans)
    for start, end in runs:
        _chunk(collect, index, sentence, pieces, (start, end), context, listed)
    _quoted(collect, index, sentence, pieces, context)


def _listed(
    pieces: list[Piece], runs: list[tuple[int, int]], spans: Sequence[KnownSpan]
) -> dict[tuple[int, int], str]:
    """The runs that stand in a list (commas, "en") with known organisations or programmes,
    or with two other names: each with the kind the list says ("" for unknown)."""
    items = [(a, b, "") for a, b in runs]
    for s in spans:
        if s.proper and s.kind in ("organisation", "programme", "intervention", "municipality"):
            a = next((k for k, p in enumerate(pieces) if p.start >= s.start), len(pieces))
            b = next((k for k, p in enumerate(pieces) if p.start >= s.end), len(pieces))
            items.append((a, b, s.kind))
    items.sort()
    groups: list[list[tuple[int, int, str]]] = []
    for item in items:
        if groups and _joined(pieces, groups[-1][-1][1], item[0]):
            groups[-1].append(item)
        else:
            groups.append([item])
    found: dict[tuple[int, int], str] = dict.fromkeys(_enumerated(pieces, runs), "")
    for group in groups:
        if len(group) < 2:
            continue
        said = {k for _, _, k in group if k in ("organisation", "programme")}
        if said or len(group) >= 3:
            kind = "organisation" if "organisation" in said else min(said) if said else ""
            for a, b, k in group:
                if not k:
                    found[(a, b)] = kind
    return found


def _enumerated(pieces: list[Piece], runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs that open an item of an enumeration: at least three short items (commas,
    "en") that each open with a name ("Alfa, Bravo en Charlie"; "Met dank aan: X, Y, Z")."""
    items: list[list[int]] = [[]]  # word pieces of each item; a colon or bracket ends a list
    regions: list[int] = [0]
    for k, p in enumerate(pieces):
        if p.text in (",", ";") or p.lower in ("en", "and"):
            items.append([])
            regions.append(regions[-1])
        elif p.text in (":", "(", ")"):
            items.append([])
            regions.append(regions[-1] + 1)
        elif p.word:
            items[-1].append(k)
    led: dict[int, list[int]] = {}
    for item, region in zip(items, regions, strict=True):
        if item and len(item) <= 6:
            first = next((k for k in item[:2] if pieces[k].capital), None)
            if first is not None:
                led.setdefault(region, []).append(first)
    openers = {k for firsts in led.values() if len(firsts) >= 3 for k in firsts}
    return [(a, b) for a, b in runs if a in openers]


def _joined(pieces: list[Piece], end: int, start: int) -> bool:
    """Whether only a comma, "en" or "&" stands between two items."""
    between = [p.lower for p in pieces[end:start]]
    return between in ([","], ["en"], [",", "en"], ["&"], ["and"], [",", "and"])


def _chunk(
    collect: _Collector,
    index: int,
    sentence: str,
    pieces: list[Piece],
    run_range: tuple[int, int],
    context: tuple[str, str] | None,
    listed: dict[tuple[int, int], str],
) -> None:
    start, end = run_range
    run = pieces[start:end]
    before = words_before(pieces, start)
    if _person(collect, pieces, start, end, before):
        collect.people.add(normalise(text_of(sentence, pieces, start, end)))
        collect.person_spans.append((index, pieces[start].start, pieces[end - 1].end))
        return
    if before and names_no_candidate(before[-1]):
        return
    evidence = _form(run, opens(pieces, start), before)
    if evidence is None:
        return
    kind = _kind(run, before, evidence)
    if run_range in listed:
        evidence.add("listed")
        if listed[run_range]:
            kind = kind or (listed[run_range], "")
    if context is not None:
        evidence.add("sentence")
        kind = kind or context
    text = text_of(sentence, pieces, start, end)
    if "kind before" in evidence:
        own = pieces[start - 1] if start and pieces[start - 1].word else None
        if own is not None and kind_of_word(own.text, compound=False) == ("organisation", ""):
            text = f"{own.text} {text}"  # "hogeschool Oost"
        tail = _tail(pieces, end)
        text = f"{text} {tail}" if tail else text
    abbreviation = _bracketed(pieces, end)
    if abbreviation:
        evidence.add("in brackets")
    collect.add(text, index, evidence, kind)
    if abbreviation:
        collect.names[normalise(text)].other_name = abbreviation
        collect.skip.add(normalise(abbreviation))  # the name stands for it


def _form(run: list[Piece], opens: bool, before: list[str]) -> set[str] | None:
    """What a run looks like, or None when it cannot be a name."""
    capitals = [p for p in run if p.capital]
    if len(capitals) > 1:
        return {"chunk"}
    word = run[0].text
    if word.casefold() in FUNCTION_WORDS:
        return None
    if is_abbreviation(word):
        found = {"abbreviation"}
    elif is_brand(word):
        found = {"brand"}
    elif opens:
        return None  # one word that opens a clause: no telling a name
    else:
        found = {"word"}
    if before and before[-1] in ("het", "de") and found != {"word"}:
        found.add("article before")
    return found


def _kind(run: list[Piece], before: list[str], evidence: set[str]) -> tuple[str, str] | None:
    """The kind the words in and before a run say, adding that evidence."""
    kind = None
    for p in run:
        said = kind_of_word(p.text)
        if said is not None:
            whole = len(run) > 1 or kind_of_word(p.text, compound=False) is not None
            evidence.add("kind in name" if whole else "kind in word")  # "Zorggroep" alone: less
            kind = said
            break
    for k, word in enumerate(reversed(before)):
        said = kind_of_word(word, compound=False)
        if PROGRAMME_ROLES.match(word):
            said = ("programme", "")
        if said is not None:
            evidence.add("kind before")
            return kind or said
        if word in ORGANISATION_CONTEXT or (
            k > 0 and is_role(word) and before[-1] in ("bij", "van")
        ):
            evidence.add("kind before")
            return kind or ("organisation", "")
        if k == 0 and word == "door":
            evidence.add("by")
            return kind or ("organisation", "")
    if kind is None and evidence & {"abbreviation", "brand"}:
        kind = ("organisation", "")
    return kind


def _tail(pieces: list[Piece], end: int) -> str:
    """After a kind word, a name in sentence case goes on with small words and one lower-case
    word up to the end of its phrase: "Bewegen met ouderen"."""
    k = end
    taken: list[str] = []
    while k < len(pieces) and pieces[k].lower in CONNECTORS and pieces[k].word:
        taken.append(pieces[k].text)
        k += 1
    if not taken or k >= len(pieces) or not pieces[k].word or pieces[k].capital:
        return ""
    closing = k + 1 >= len(pieces) or not pieces[k + 1].word
    return " ".join([*taken, pieces[k].text]) if closing else ""


def _bracketed(pieces: list[Piece], end: int) -> str:
    """The abbreviation in brackets right after a name: "(BHB)", ", (BHB-regeling)"."""
    k = end + 1 if end < len(pieces) and pieces[end].text == "," else end
    if k + 2 < len(pieces) and pieces[k].text == "(" and pieces[k + 2].text == ")":
        word = pieces[k + 1].text
        head = word.split("-")[0]
        if is_abbreviation(head) or is_brand(word):
            return word
    return ""


def _person(
    collect: _Collector, pieces: list[Piece], start: int, end: int, before: list[str]
) -> bool:
    """Whether a run of words is a person's name (see the module's docstring)."""
    words = [p for p in pieces[start:end] if p.word]
    if not 2 <= len(words) <= 5 or any(kind_of_word(p.text) for p in words):
        return False
    if not all(p.text.isalpha() and p.text[1:].islower() for p in words if p.capital):
        return False
    small = [p for p in words[1:-1] if not p.capital]
    if small:
        return all(p.lower in PARTICLES for p in small)
    if any(is_role(w) for w in before):
        return True
    after = [p for p in pieces[end : end + 4]]
    if after and after[0].text in "(," and len(after) > 1:
        role = after[1].lower
        if is_role(role):
            return True
    if after and after[0].lower in ("van", "bij"):
        rest = [p for p in after[1:] if p.lower not in ("de", "het")]
        if rest and rest[0].capital:
            return True
    return bool({normalise(words[0].text), normalise(words[-1].text)} & collect.colons)


def _quoted(
    collect: _Collector,
    index: int,
    sentence: str,
    pieces: list[Piece],
    context: tuple[str, str] | None,
) -> None:
    """Quoted names: short, opening with a capital, no sentence, not a title of a publication
    or an event."""
    for match in _QUOTES.finditer(sentence):
        text = match.group(1).strip()
        words = text.split()
        if not words or len(words) > QUOTED_WORDS or not text[:1].isupper():
            continue
        if text[-1:] in ".?!" or {w.casefold() for w in words} & VERBS:
            continue
        if len(words) == 1 and not (is_abbreviation(text) or is_brand(text)):
            continue
        start = next((k for k, p in enumerate(pieces) if p.start >= match.start()), len(pieces))
        before = words_before(pieces, start)
        if before and names_no_candidate(before[-1]):
            continue
        evidence = {"quoted"}
        kind = None
        for word in reversed(before):
            said = kind_of_word(word, compound=False)
            if said is not None:
                evidence.add("kind before")
                kind = said
                break
        for w in words:
            said = kind_of_word(w)
            if said is not None and kind is None:
                evidence.add("kind in name")
                kind = said
        if context is not None:
            evidence.add("sentence")
            kind = kind or context
        collect.add(text, index, evidence, kind)


def _score(collect: _Collector, key: str, name: _Name) -> Found | None:
    """A candidate with its kind and confidence."""
    forms = name.evidence & set(FORMS)
    if not forms:
        return None
    score = max(SCORES[e] for e in forms)
    score += sum(SCORES[e] for e in name.evidence if e not in FORMS and e in SCORES)
    if "kind in word" in name.evidence:
        score += SCORES["kind in name"] / 2
    again = len(collect.sentences_of[key]) - 1
    score += SCORES["again"] * min(2, again)
    votes = name.kinds
    if votes:
        kind = max(sorted(set(votes)), key=votes.count)
    else:
        words = name.text.split()
        small = any(w.casefold() in CONNECTORS for w in words[1:-1])
        kind = "programme" if small else "organisation"
        score -= 0.05  # nothing said what it is
    return Found(
        kind,
        name.text,
        collect.said[name.sentence],
        round(max(0.0, min(0.95, score)), 2),
        tuple(sorted(name.evidence)),
        name.soort if kind == "programme" else "",
        name.other_name,
        again + 1,
    )
