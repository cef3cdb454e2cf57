"""Proper names in a sentence, for ``kg suggest``: the sentence as pieces (words and
punctuation), runs of words with a capital and the small words between them, and the general
Dutch (and English) words that say what a name is, who a person is, or that a word has a
capital only because it opens a sentence. Word lists only; no list of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    """The words of ``text``, for the word lists below."""
    return frozenset(text.split())


#: Words that make a name an organisation, in it or just before it ("stichting X").
ORGANISATION_WORDS = _words(
    """
    stichting vereniging instituut institute institut hogeschool universiteit university
    academie academy werkplaats ministerie ministry ggd coöperatie cooperatie groep group bv
    b.v nv n.v centrum center centre bureau raad dienst fonds federatie bond organisatie
    organization organisation bedrijf alliantie college inspectie agentschap kenniscentrum
    netwerk network kenniskring foundation association corporatie
    """
)
#: Words before a name that say it is an organisation without being part of its name.
ORGANISATION_CONTEXT = _words(
    """
    organisatie organisaties partner partners partij partijen ministeries organisation
    organization bedrijf
    """
)
#: Words that make a name a programme, with the kind the workbook takes where one is said.
PROGRAMME_WORDS: dict[str, str] = {
    "programma": "programma",
    "programme": "programma",
    "program": "programma",
    "project": "project",
    "projecten": "project",
    "pilot": "pilot",
    "pilots": "pilot",
    "proeftuin": "pilot",
    "aanpak": "programma",
    "traject": "programma",
    "initiatief": "programma",
    "platform": "programma",
    "campagne": "programma",
}
#: Compound ends that say the same ("Onderzoeksprogramma", "Zorggroep", "Kenniscentrum").
ORGANISATION_ENDS = (
    "instituut",
    "hogeschool",
    "universiteit",
    "academie",
    "werkplaats",
    "groep",
    "centrum",
    "bureau",
    "fonds",
    "netwerk",
    "stichting",
    "vereniging",
)
PROGRAMME_ENDS = ("programma", "project", "aanpak", "traject", "initiatief", "platform")
#: Roles whose first part names a programme ("programmaleider Buurtkracht").
PROGRAMME_ROLES = re.compile(r"^(programma|project)(leider|manager|coördinator|coordinator)s?$")
#: Words before a name that make it a publication or an event: no candidate (also as the end
#: of a compound: "eindrapport"; see :func:`names_no_candidate`).
NOT_NAMES = _words(
    """
    rapport rapportage uitgave publicatie brochure boek boekje handreiking factsheet
    longread interview artikel podcast film video toolkit handvest whitepaper titel term
    conferentie symposium webinar webinars congres bijeenkomst workshop
    lezing keynote scriptie essay nieuwsbrief magazine website infographic thema motto
    """
)
#: Words of a sentence that say its names are organisations, or programmes.
SENTENCE_ORGANISATION = _words(
    """
    organisaties partners partijen instellingen bedrijven samenwerkingspartners
    kennisinstellingen ketenpartners
    """
)
SENTENCE_PROGRAMME = _words(
    """
    initiatieven initiatief projecten project programma's programma pilots pilot aanpakken
    aanpak trajecten traject pilotprojecten
    """
)
#: Small words a name may hold between its words with a capital.
CONNECTORS = _words(
    """
    van de der den het in op voor bij met aan uit tot te ter ten 't en & of for and the on
    to la le du des di da del
    """
)
#: Words a name of a person holds between first name and surname.
PARTICLES = _words(
    """
    van de der den ter ten te 't la le du des di da del von vande
    """
)
#: Words that have a capital only because they open a sentence (or a quote): never a name.
FUNCTION_WORDS = _words(
    """
    de het een dit deze dat die er we wij ze zij hij ik je jij u men ons onze hun zijn haar
    mijn uw in op met voor bij van naar uit over onder door tijdens sinds na om aan als wat
    hoe waarom wie waar wanneer welke ook en maar of want dus daarom toch zo nu dan daar
    hier alle elke ieder iedere veel meer geen niet wel tot vanuit binnen buiten tussen
    volgens the a an on for of and to this that these it we they
    """
)
#: Words of a role that stand next to a person's name (also as the end of a compound or
#: after a hyphen: "beleidsmedewerker", "oud-wethouder"; see :func:`is_role`).
ROLES = _words(
    """
    voorzitter onderzoeker onderzoekster hoogleraar hoogleraren lector directeur wethouder
    burgemeester minister staatssecretaris leider projectleider programmaleider manager
    adviseur coördinator journalist redacteur schrijver verslaggever spreker sprekers dr drs
    prof ir mr dhr mevr mevrouw heer collega medewerker huisarts arts ambassadeur oprichter
    initiatiefnemer bestuurder promovendus
    """
)
#: Finite verbs that make a quoted text a sentence rather than a name.
VERBS = _words(
    """
    is zijn was waren wordt worden werd werden heeft hebben had kan kunnen moet moeten zal
    zullen wil willen gaat gaan doet doen blijkt
    """
)
_WORD = r"[^\W_](?:[\w'’.&~+@/-]*[^\W_])?"
_PIECE = re.compile(rf"{_WORD}|[^\w\s]")
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


@dataclass(frozen=True)
class Piece:
    text: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def capital(self) -> bool:
        return self.word and self.text[:1].isupper() and len(self.text) > 1

    @property
    def lower(self) -> str:
        return self.text.casefold()


def pieces_of(sentence: str) -> list[Piece]:
    return [Piece(m.group(), m.start(), m.end()) for m in _PIECE.finditer(sentence)]


def is_abbreviation(text: str) -> bool:
    return bool(_ABBREVIATION.fullmatch(text)) and sum(c.isalpha() for c in text) >= 2


def is_brand(text: str) -> bool:
    """One word written as a name: capitals inside ("WijkNL") or letters and digits."""
    inner = any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)
    return inner or (any(c.isdigit() for c in text) and text[:1].isupper())


def kind_of_word(word: str, compound: bool = True) -> tuple[str, str] | None:
    """("organisation", "") or ("programme", soort) for a word that says what a name is;
    with ``compound``, also for a compound that ends so ("Zorggroep")."""
    w = word.casefold().rstrip(".")
    if w in ORGANISATION_WORDS:
        return "organisation", ""
    if w in PROGRAMME_WORDS:
        return "programme", PROGRAMME_WORDS[w]
    if compound and len(w) > 8 and w.endswith(ORGANISATION_ENDS):
        return "organisation", ""
    if compound and len(w) > 9 and w.endswith(PROGRAMME_ENDS):
        return "programme", "programma"
    return None


def _ends(word: str, words: frozenset[str]) -> bool:
    """``word`` (lower case) is one of ``words``, or ends in one of six letters or more."""
    return word in words or any(len(w) >= 6 and word.endswith(w) for w in words)


def is_role(word: str) -> bool:
    """Whether a word names a person's role ("hoogleraar", "beleidsmedewerker")."""
    w = word.casefold().rstrip(".")
    return _ends(w, ROLES) or _ends(w.split("-")[-1], ROLES)


def names_no_candidate(word: str) -> bool:
    """Whether a name after this word is a publication's or an event's ("rapport", ...)."""
    return _ends(word.casefold(), NOT_NAMES)


def name_runs(pieces: list[Piece], masked: set[int], kinds: set[int]) -> list[tuple[int, int]]:
    """Runs of words with a capital and the small words between them, as piece ranges
    (``kinds``: the pieces that say what a name is, which decide how "en" splits)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        if not pieces[i].capital or i in masked:
            i += 1
            continue
        j = i + 1
        end = i + 1
        while j < len(pieces) and j not in masked:
            p = pieces[j]
            if p.capital:
                end = j + 1
            elif not (p.lower in CONNECTORS or p.text in "&~"):
                break
            j += 1
        said = any(k in kinds for k in range(max(0, i - 3), end))
        for start, stop in _split(pieces, i, end, said):
            runs.extend(_split_van(pieces, start, stop))
        i = end
    return runs


def _split(pieces: list[Piece], start: int, end: int, said: bool) -> list[tuple[int, int]]:
    """A run split at "en" where it joins names (see the module's docstring)."""
    for k in range(start + 1, end - 1):
        if pieces[k].lower in ("en", "and", "of"):
            if said and end - (k + 1) == 1 and k - start >= 2:
                continue
            return [*_split(pieces, start, k, said), *_split(pieces, k + 1, end, said)]
    return [(start, end)]


def _split_van(pieces: list[Piece], start: int, end: int) -> list[tuple[int, int]]:
    """A run split at "van" where a name is followed by the organisation it belongs to."""
    for k in range(start + 2, end - 1):
        if pieces[k].lower != "van":
            continue
        right = k + 1
        while right < end and pieces[right].lower in ("de", "het"):
            right += 1
        if right >= end:
            continue
        after = pieces[right:end]
        said_after = any(kind_of_word(p.text) for p in after) or (
            len(after) == 1 and is_abbreviation(after[0].text)
        )
        if said_after or kind_of_word(pieces[k - 1].text):
            return [(start, k), *_split_van(pieces, right, end)]
    return [(start, end)]


def opens(pieces: list[Piece], k: int) -> bool:
    """Whether piece ``k`` opens its sentence or a clause: first, or after a colon, bullet,
    number, bracket or opening quote."""
    before = [p for p in pieces[:k]]
    if not before:
        return True
    last = before[-1]
    return (not last.word and last.text in ":;(•-–‘“\"'") or (last.word and last.text.isdigit())


def trim(pieces: list[Piece], start: int, end: int) -> tuple[int, int]:
    """A run without small words at its ends, nor function words that open a clause."""
    while start < end and (
        pieces[start].lower in CONNECTORS
        or (pieces[start].lower in FUNCTION_WORDS and opens(pieces, start))
    ):
        start += 1
    while end > start and (not pieces[end - 1].capital or _adjective(pieces, end - 1)):
        end -= 1
    return _opener(pieces, start, end), end


def _opener(pieces: list[Piece], start: int, end: int) -> int:
    """Where a run starts without the word that opens its clause, when that word stands
    alone before a small word and the rest is a name of its own: "Samen met Stichting X"."""
    if not opens(pieces, start) or end - start < 4 or pieces[start + 1].capital:
        return start
    rest = start + 1
    while rest < end and pieces[rest].lower in CONNECTORS:
        rest += 1
    tail = pieces[rest:end]
    if any(kind_of_word(p.text) for p in tail) or sum(p.capital for p in tail) >= 2:
        return rest
    return start


def _adjective(pieces: list[Piece], k: int) -> bool:
    """An adjective of a place before a noun: "Noord-Brabantse gemeenten", "Brabantse scholen"."""
    nxt = pieces[k + 1] if k + 1 < len(pieces) else None
    return (
        pieces[k].lower.endswith(("se", "sche"))
        and nxt is not None
        and nxt.word
        and not nxt.capital
        and nxt.lower not in CONNECTORS
    )


def text_of(sentence: str, pieces: list[Piece], start: int, end: int) -> str:
    return sentence[pieces[start].start : pieces[end - 1].end]


def words_before(pieces: list[Piece], start: int, n: int = 3) -> list[str]:
    """The words just before a piece (nearest last), up to punctuation other than a quote."""
    words: list[str] = []
    k = start - 1
    while k >= 0 and len(words) < n:
        p = pieces[k]
        if p.word:
            words.insert(0, p.lower)
        elif p.text not in "‘“\"'":
            break
        k -= 1
    return words
