"""Full-text search over every resource's names and descriptions, in Dutch and English: an
SQLite FTS5 index that ``kg build`` writes beside the store (``build/search.sqlite``, in the
same generation as ``names.sqlite``), read by ``kg search`` and kg serve's search box.

What is indexed, per resource with a name or a description: its names (``skos:prefLabel``,
``rdfs:label``, ``foaf:name``, ``dct:title``, ``skos:altLabel``, ``skos:hiddenLabel``, every
language), its descriptions (``dct:description``, ``skos:definition``; Dutch and English in
columns of their own, untagged text in both), and the names of the concepts it is about (its
themes, target groups, domains, sector and type: what the graph holds about it, though its
own text may not say so; Artikel 7 Participatiewet never writes "re-integratie", its theme
does). Each resource has its kind, its most specific class (a kg class before a standard one),
shown by the class's Dutch or English label from the ontology, and every class it belongs to,
for ``--kind``. The ontology's own classes and properties are left out: the search is about
what the graph describes.

Matching. The tokenizer is FTS5's ``unicode61 remove_diacritics 2``: case and accents do not
count ("Eén" is "een"), and a hyphen separates words ("re-integratie" is the phrase "re
integratie"; it is also asked for written together). Every word is a prefix: first as typed
("kind" finds kinderen, "schuld" schulden), then cut back to its stem, which asks for more:
"schulden" is then ``schuld*`` (schuld, schuldhulpverlening), "kinderen" ``kinder*``,
"eenzaamheid" ``eenza*`` (eenzaam), "mantelzorgers" ``mantelzorg*``. The resources the words
as typed find come first, those only the stems find after them. A stem is the shortest of
the word's Dutch (Porter) and English Snowball stems, each cut to what it shares with the
word, never shorter than :data:`MIN_STEM` letters.

Why a stemmer: measured. PyStemmer (Snowball; a small binary wheel) installs from the package
index. On the graph's 2,122 indexed resources, 15 questions (the issue's four, kinderen,
jongeren, ouderen, gezondheid, armoede, mantelzorgers, wijkteams, bewegen, gemeenten, sport,
loneliness) find as typed 5, 3, 6, 44, 27, 22, 9, 111, 0, 6, 1, 23, 164, 25 and 5
resources; the stems add hits to 8 of them and take none away. Six gain what a reader wants:
"schulden" +3 (the Wgs itself, its text, the UPL), "eenzaamheid" +1 (the target group eenzame
mensen), "mantelzorgers" +4 (the theme mantelzorg, the Brede SPUK and its part for it),
"bewegen" +22 (Samen in Beweging's partners and outputs), "gezondheid" +19 (gezond: the
Gezond en Actief Leven Akkoord, the Preventieakkoord, the IZA, ...), "kinderen" +1 (the theme
huiselijk geweld, for kindermishandeling). Two gain noise, listed after what the word as
typed finds: "ouderen" +18 (ouders, Ouder-Amstel), "gemeenten" +1,073 (every "Gemeente X").
Plain prefixes alone cannot find the Wgs for "schulden". Snowball's newer Dutch stemmer is
too eager for prefixes ("gezondheid" -> "zon", "gemeente" -> "meen"), so the classic Dutch
Porter one is used.

Ranking: a resource named exactly as asked comes first, then one with a name that starts so
(a name typed in the search box finds its resource before those that mention it); then the
hits of the words as typed before those only the stems find; within each, bm25 with names
weighted above topics above descriptions (:data:`WEIGHTS`). Several words must all match;
when no resource has all of them, any will do, and the result says so (``match`` is
``"any"``). The snippet comes from the description in the language asked for, else the
other, the topics, the names; the label and the kind are in the language asked for, else
Dutch, else English.

Safety. The question is never FTS5 syntax: it is cut to :data:`MAX_CHARS` characters and
:data:`MAX_WORDS` words, split into letters and digits only, and every word goes in double
quotes; what has no letter or digit finds nothing. The snippet's marks are control
characters that indexed text never holds (they are removed while indexing), so a hit's
:attr:`Hit.snippet` is a list of (text, marked) parts that a page escapes part by part.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError, UsageError
from kg.namespaces import KG, LABEL_PROPERTIES, curie
from kg.text import normalise

if TYPE_CHECKING:
    from kg.store import Store

FILE = "search.sqlite"
#: The most of a question that is read: characters, then words.
MAX_CHARS = 200
MAX_WORDS = 12
#: A stem is never cut shorter than this (a shorter word is asked for as it is).
MIN_STEM = 3
#: bm25 weights of the columns: names, topics (Dutch, English), descriptions (Dutch, English).
WEIGHTS = (10.0, 3.0, 3.0, 1.0, 1.0)
#: How many words a snippet holds.
SNIPPET_WORDS = 12

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NAME_PROPERTIES = (*LABEL_PROPERTIES, _SKOS + "hiddenLabel")
DESCRIPTION_PROPERTIES = (_DCT + "description", _SKOS + "definition")
#: Links to the concepts a resource is about: what it says about itself in other words.
TOPIC_PROPERTIES = (
    "http://data.europa.eu/m8g/thematicArea",
    "http://data.europa.eu/m8g/sector",
    _DCT + "audience",
    _DCT + "subject",
    _DCT + "type",
    KG + "activeInDomain",
    "http://www.w3.org/ns/org#classification",
)
_OWL = "http://www.w3.org/2002/07/owl#"
#: The ontology's own terms: the search is about what the graph describes, not its schema.
SCHEMA_TYPES = frozenset(
    {
        _OWL + "Ontology",
        _OWL + "Class",
        _OWL + "ObjectProperty",
        _OWL + "DatatypeProperty",
        _OWL + "AnnotationProperty",
        _RDFS + "Class",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    }
)
_LANGS = ("nl", "en")
_OPEN, _CLOSE, _MORE = "\x02", "\x03", "…"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TOKEN = re.compile(r"[^\W_]+")


# --- writing the index ------------------------------------------------------------------------


def _values(props: Iterable[str]) -> str:
    return " ".join(f"<{p}>" for p in props)


def _literals(store: Store, props: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(resource, property, text, language) for every literal of ``props`` about an IRI."""
    rows = store.select_values(
        f"SELECT ?r ?p ?o (LANG(?o) AS ?l) WHERE {{ VALUES ?p {{ {_values(props)} }} "
        "?r ?p ?o FILTER(isIRI(?r) && isLiteral(?o)) }"
    )
    return [(r, p, o, lang or "") for r, p, o, lang in rows if r and p and o is not None]


def _clean(text: str) -> str:
    """Indexed text: no control characters (the snippet marks among them), one line."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _by_language(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Texts grouped into the Dutch and the English column (untagged text into both)."""
    found: dict[str, list[str]] = {lang: [] for lang in _LANGS}
    for text, language in sorted(set(rows)):
        for lang in _LANGS:
            if language in (lang, "") or language not in _LANGS:
                found[lang].append(_clean(text))
    return {lang: " · ".join(texts) for lang, texts in found.items()}


class _Classes:
    """The class hierarchy and each resource's classes, for kinds and ``--kind``."""

    def __init__(self, store: Store) -> None:
        self.up: dict[str, set[str]] = defaultdict(set)
        for sub, sup in store.select_values(f"SELECT ?a ?b WHERE {{ ?a <{_RDFS}subClassOf> ?b }}"):
            if sub and sup and sub != sup:
                self.up[sub].add(sup)
        self._above: dict[str, frozenset[str]] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        for r, t in store.select_values(f"SELECT ?r ?t WHERE {{ ?r <{rdf_type}> ?t }}"):
            if r and t:
                self.types[r].add(t)

    def above(self, cls: str) -> frozenset[str]:
        """``cls`` and every class above it."""
        if cls not in self._above:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in self.up.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._above[cls] = frozenset(seen)
        return self._above[cls]

    def kind(self, iri: str) -> str:
        """The most specific class of ``iri`` (a kg class first, then the deepest); ""."""
        types = self.types.get(iri, set())
        specific = [t for t in types if not any(t in self.above(o) - {o} for o in types)]
        ranked = sorted(specific, key=lambda t: (not t.startswith(KG), -len(self.above(t)), t))
        return ranked[0] if ranked else ""

    def every(self, iri: str) -> set[str]:
        return {c for t in self.types.get(iri, ()) for c in self.above(t)}


def _topics(store: Store) -> dict[str, list[tuple[str, str]]]:
    """resource -> the (name, language) of every concept it is about."""
    rows = store.select_values(
        f"SELECT DISTINCT ?r ?name (LANG(?name) AS ?l) WHERE {{ "
        f"VALUES ?p {{ {_values(TOPIC_PROPERTIES)} }} ?r ?p ?c . ?c a <{_SKOS}Concept> . "
        f"VALUES ?q {{ <{_SKOS}prefLabel> <{_SKOS}altLabel> }} ?c ?q ?name "
        "FILTER(isIRI(?r) && isLiteral(?name)) }"
    )
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r, name, lang in rows:
        if r and name:
            found[r].append((name, lang or ""))
    return found


_SCHEMA = """
CREATE VIRTUAL TABLE search USING fts5(
    names, topics_nl, topics_en, text_nl, text_en,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TABLE resources (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL,
    label_nl TEXT NOT NULL, label_en TEXT NOT NULL
);
CREATE TABLE classes (id INTEGER NOT NULL, class TEXT NOT NULL);
CREATE INDEX classes_class ON classes (class);
CREATE TABLE kinds (iri TEXT PRIMARY KEY, label_nl TEXT NOT NULL, label_en TEXT NOT NULL);
"""


def write(store: Store, path: Path) -> int:
    """Write the search index of ``store`` to ``path`` (a new file); the number of resources."""
    from kg.store import best_labels

    names = _literals(store, NAME_PROPERTIES)
    texts = _literals(store, DESCRIPTION_PROPERTIES)
    topics = _topics(store)
    classes = _Classes(store)
    iris = sorted(
        r
        for r in {r for r, *_ in names} | {r for r, *_ in texts}
        if not classes.types.get(r, set()) & SCHEMA_TYPES
    )
    label_rows = [row for row in names if row[1] in LABEL_PROPERTIES]
    labels = {lang: best_labels(label_rows, lang) for lang in _LANGS}
    name_of: dict[str, set[str]] = defaultdict(set)
    for r, _, name, _ in names:
        name_of[r].add(_clean(name))
    text_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r, _, value, lang in texts:
        text_of[r].append((value, lang))
    every = {iri: classes.every(iri) for iri in iris}
    known = set().union(*every.values()) if every else set()
    class_labels = {lang: store.labels(known, lang) for lang in _LANGS}
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        for n, iri in enumerate(iris, start=1):
            described = _by_language(text_of.get(iri, ()))
            about = _by_language(topics.get(iri, ()))
            db.execute(
                "INSERT INTO search (rowid, names, topics_nl, topics_en, text_nl, text_en) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    n,
                    " · ".join(sorted(name_of[iri])),
                    about["nl"],
                    about["en"],
                    *described.values(),
                ),
            )
            label = [labels[lang].get(iri, curie(iri)) for lang in _LANGS]
            db.execute(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?)", (n, iri, classes.kind(iri), *label)
            )
            db.executemany("INSERT INTO classes VALUES (?, ?)", [(n, c) for c in every[iri]])
        db.executemany(
            "INSERT INTO kinds VALUES (?, ?, ?)",
            [
                (c, *(class_labels[lang].get(c, _local(c)) for lang in _LANGS))
                for c in sorted(known)
            ],
        )
        db.execute("INSERT INTO search (search) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    return len(iris)


def _local(iri: str) -> str:
    """The last part of an IRI (after ``#`` or ``/``): a class's name where it has no label."""
    return re.split(r"[#/]", iri.rstrip("#/"))[-1] or iri


# --- the question -----------------------------------------------------------------------------


def _fold(token: str) -> str:
    """A token as the tokenizer folds it: lower case, without accents."""
    if not token.isascii():
        decomposed = unicodedata.normalize("NFKD", token)
        token = "".join(c for c in decomposed if not unicodedata.combining(c))
    return token.lower()


def words_of(text: str) -> list[tuple[str, ...]]:
    """The words of a question, each as its tokens (letters and digits, folded): at most
    :data:`MAX_WORDS` from the first :data:`MAX_CHARS` characters; punctuation alone is no
    word."""
    found: list[tuple[str, ...]] = []
    for word in text[:MAX_CHARS].split():
        tokens = tuple(t for t in (_fold(t) for t in _TOKEN.findall(word)) if t)
        if tokens:
            found.append(tokens)
        if len(found) == MAX_WORDS:
            break
    return found


_STEM_LOCK = threading.Lock()  # PyStemmer's stemmers are not made for several threads


@functools.cache
def _stemmers() -> tuple[Callable[[str], str], ...]:
    """Snowball's Dutch (Porter) and English stemmers (PyStemmer)."""
    import Stemmer

    return tuple(Stemmer.Stemmer(name).stemWord for name in ("dutch_porter", "english"))


def stem(token: str) -> str:
    """The shortest prefix of ``token`` (folded) that its Dutch or English stem shares with
    it, never shorter than :data:`MIN_STEM`; ``token`` itself when there is none."""
    best = token
    with _STEM_LOCK:
        stems = [stem_of(token) for stem_of in _stemmers()]
    for stemmed in stems:
        n = 0
        while n < min(len(token), len(stemmed)) and token[n] == stemmed[n]:
            n += 1
        if MIN_STEM <= n < len(best):
            best = token[:n]
    return best


def _word_query(tokens: tuple[str, ...], stemmed: bool) -> str:
    """One word as FTS5 query text: a phrase of its tokens, the last one a prefix (of two
    letters or more), cut back to its stem when ``stemmed``; a word with a hyphen also
    written together ("re-integratie", "reintegratie"). Tokens are letters and digits only,
    so the double quotes hold them safely."""
    *head, last = tokens
    if stemmed:
        last = stem(last)
    star = "*" if len(last) >= 2 else ""
    forms = [f'"{" ".join([*head, last])}"{star}']
    if head:
        forms.append(f'"{"".join([*head, last])}"{star}')
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


def match_texts(words: Sequence[tuple[str, ...]], every: bool) -> list[str]:
    """The FTS5 queries for ``words``, tried in turn: every word (AND) or any (OR), first as
    typed, then by their stems (when that asks for more)."""
    join = " AND " if every else " OR "
    typed = join.join(_word_query(w, False) for w in words)
    stemmed = join.join(_word_query(w, True) for w in words)
    return [typed] if stemmed == typed else [typed, stemmed]


# --- asking the index -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A resource the question found: its name and kind in the language asked for, and a
    snippet of the text that matched, as (text, marked) parts."""

    iri: str
    label: str
    kind: str  # the class's IRI ("" for a resource without one)
    kind_label: str
    snippet: tuple[tuple[str, bool], ...]

    def snippet_text(self, marks: tuple[str, str] = ("«", "»")) -> str:
        """The snippet with each match between ``marks``."""
        return "".join(f"{marks[0]}{t}{marks[1]}" if m else t for t, m in self.snippet)

    def as_dict(self) -> dict[str, str]:
        return {
            "iri": self.iri,
            "label": self.label,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "snippet": self.snippet_text(),
        }


@dataclass(frozen=True)
class SearchResult:
    """The hits for a question, best first. ``match``: ``"all"`` (every word matched),
    ``"any"`` (no resource has every word; these have some), ``"none"`` (nothing found)."""

    text: str  # the question as read (cut to MAX_CHARS)
    words: tuple[str, ...]  # its words, as searched for
    lang: str
    match: str
    hits: tuple[Hit, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "words": list(self.words),
            "lang": self.lang,
            "match": self.match,
            "hits": [h.as_dict() for h in self.hits],
        }


def _parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    """A snippet with the index's marks as (text, marked) parts."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{_OPEN}{_CLOSE}]", snippet)):
        if piece:
            parts.append((piece, i % 2 == 1))
    return tuple(parts)


#: The columns a snippet is taken from, best first, for a reader of each language: the
#: description, then the topics, then the names (0 names, 1-2 topics, 3-4 descriptions).
_SNIPPET_COLUMNS = {"nl": (3, 4, 1, 2, 0), "en": (4, 3, 2, 1, 0)}


class SearchIndex:
    """A read-only search index (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # One read-only connection, usable from any thread, one question at a time.
        self._db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def kinds(self) -> list[tuple[str, str, str]]:
        """Every class a resource in the index belongs to: (IRI, Dutch label, English label)."""
        with self._lock:
            rows = self._db.execute("SELECT iri, label_nl, label_en FROM kinds ORDER BY iri")
            return [(str(i), str(nl), str(en)) for i, nl, en in rows.fetchall()]

    def classes_of(self, kinds: Iterable[str]) -> list[str]:
        """The classes ``kinds`` name: each by IRI, CURIE, name (``Programme``) or Dutch or
        English label, case and accents ignored; an unknown kind is a usage error."""
        known = self.kinds()
        found: set[str] = set()
        for kind in kinds:
            key = normalise(kind)
            named = {
                iri
                for iri, nl, en in known
                if key in {normalise(x) for x in (iri, curie(iri), _local(iri), nl, en)}
            }
            if not named:
                with self._lock:
                    used = self._db.execute("SELECT DISTINCT kind FROM resources").fetchall()
                names = sorted({_local(k) for (k,) in used if k}, key=str.lower)
                raise UsageError(
                    f"--kind: no kind {kind!r} in the graph; kinds: {', '.join(names)}"
                )
            found |= named
        return sorted(found)

    def search(
        self, text: str, lang: str = "nl", limit: int = 20, kinds: Sequence[str] = ()
    ) -> SearchResult:
        """The resources ``text`` finds, best first, at most ``limit``; of ``kinds`` only
        (classes, subclasses included; see :meth:`classes_of`) when given."""
        from kg.store import check_language

        check_language(lang)
        text = text[:MAX_CHARS]
        words = words_of(text)
        shown = tuple(" ".join(w) for w in words)
        classes = self.classes_of(kinds) if kinds else None
        if not words or limit <= 0:
            return SearchResult(text, shown, lang, "none", ())
        hits = self._hits(text, match_texts(words, True), lang, limit, classes)
        match = "all"
        if not hits and len(words) > 1:
            hits = self._hits(text, match_texts(words, False), lang, limit, classes)
            match = "any"
        return SearchResult(text, shown, lang, match if hits else "none", tuple(hits))

    def _hits(
        self,
        text: str,
        queries: Sequence[str],
        lang: str,
        limit: int,
        classes: Sequence[str] | None,
    ) -> list[Hit]:
        """The hits of each query in turn (best first within each), each resource once; then
        those named exactly so first, and those with a name that starts so next (a name
        typed in the search box finds its resource before those that mention it)."""
        limit = min(limit, 10_000)
        found: dict[str, tuple[Hit, str]] = {}
        for query in queries:
            if len(found) >= limit:
                break
            for hit, names in self._ask(query, lang, limit + len(found), classes):
                if hit.iri not in found and len(found) < limit:
                    found[hit.iri] = (hit, names)
        key = normalise(text)
        tiers = {
            iri: min(
                (0 if n == key else 1 if n.startswith(key) else 2)
                for n in (normalise(name) for name in names.split(" · "))
            )
            for iri, (_, names) in found.items()
        }
        return sorted((hit for hit, _ in found.values()), key=lambda h: tiers[h.iri])

    def _ask(
        self, query: str, lang: str, limit: int, classes: Sequence[str] | None
    ) -> list[tuple[Hit, str]]:
        """The hits of one FTS5 query, best first, each with its names."""
        snippets = ", ".join(
            f"snippet(search, {c}, '{_OPEN}', '{_CLOSE}', '{_MORE}', {SNIPPET_WORDS})"
            for c in _SNIPPET_COLUMNS[lang]
        )
        where = "search MATCH ?"
        params: list[object] = [query]
        if classes is not None:
            where += " AND search.rowid IN (SELECT id FROM classes WHERE class IN "
            where += f"({', '.join('?' for _ in classes)}))"
            params += classes
        sql = (
            f"SELECT r.iri, r.kind, r.label_{lang}, COALESCE(k.label_{lang}, ''), search.names, "
            f"{snippets} FROM search JOIN resources r ON r.id = search.rowid "
            "LEFT JOIN kinds k ON k.iri = r.kind "
            f"WHERE {where} ORDER BY bm25(search, {', '.join(map(str, WEIGHTS))}), r.iri LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [*params, limit]).fetchall()
        hits = []
        for iri, kind, label, kind_label, names, *texts in rows:
            marked = [t for t in texts if t and _OPEN in t]
            plain = [t for t in texts[:2] if t]  # a description, unmarked, else nothing
            best = marked[0] if marked else plain[0] if plain else ""
            hits.append((Hit(iri, label, kind, kind_label, _parts(best)), names))
        return hits


def open_index(path: Path | None) -> SearchIndex | None:
    """The search index at ``path``, or None if there is none (or it cannot be read)."""
    if path is None or not path.is_file():
        return None
    try:
        index = SearchIndex(path)
        index.kinds()
    except sqlite3.Error:
        return None
    return index


def search(
    source: Store | str | Path,
    text: str,
    lang: str = "nl",
    limit: int = 20,
    kinds: Sequence[str] = (),
) -> SearchResult:
    """Search the index of ``source``: a build folder (``build``) or a store opened from one.
    Raises :class:`~kg.errors.BuildNotFoundError` when there is no build, and a
    :class:`~kg.errors.KgError` when it has no search index (an older build, a SPARQL
    server)."""
    from kg.store import built_file

    if isinstance(source, str | Path):
        built_file(source, "store")
        path: Path | None = Path(source) / FILE
    else:
        path = source.beside(FILE)
    index = open_index(path)
    if index is None:
        raise KgError(
            "this graph has no search index: 'kg build' writes it beside the store "
            f"({FILE}); run 'kg build' again"
        )
    try:
        return index.search(text, lang, limit, kinds)
    finally:
        index.close()
