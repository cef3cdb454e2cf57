"""The store interface: the one place kg talks to a SPARQL engine.

:class:`Store` is what every command uses (query, construct, load, dump). :class:`LocalStore`
wraps an embedded pyoxigraph store; a remote SPARQL 1.1 server can be added as a second
implementation without touching callers. Results come back as rdflib terms so callers never
depend on the engine.

Queries see the union of all named graphs as their default graph, and ``GRAPH ?g { ... }``
reaches each source's own graph.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from kg.errors import BuildNotFoundError, KgError, UsageError
from kg.namespaces import LABEL_PROPERTIES
from kg.sparql.binding import term_places

if TYPE_CHECKING:
    from kg.store.names import NameIndex

#: Serialisation formats understood by :meth:`Store.load` and :meth:`Store.dump`.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "nq": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "ttl": ox.RdfFormat.TURTLE,
}


#: The languages results can be labelled in.
LANGUAGES = ("nl", "en")


def check_language(lang: str) -> None:
    """Raise a usage error for a language kg does not label in."""
    if lang not in LANGUAGES:
        raise UsageError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")


def language_rank(language: str, lang: str) -> int:
    """How well a text tagged ``language`` ("" for none) serves a reader of ``lang``: the
    language asked for first, then untagged, then Dutch, then any other."""
    return 0 if language == lang else 1 if not language else 2 if language == "nl" else 3


def best_labels(rows: Iterable[tuple[str, str, str, str]], lang: str) -> dict[str, str]:
    """``{resource: label}`` from ``(resource, property, text, language)`` rows whose property
    is one of LABEL_PROPERTIES, ranked as :meth:`Store.labels` says."""
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for s, p, text, language in rows:
        key = (language_rank(language, lang), LABEL_PROPERTIES.index(p), text)
        if s not in best or key < best[s][0]:
            best[s] = (key, text)
    return {iri: label for iri, (_, label) in best.items()}


# IRIs that can be written between angle brackets in SPARQL as they are (RDF 1.1 IRIREF).
_SAFE_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')


def sparql_iris(iris: Iterable[str]) -> list[str]:
    """``iris`` that SPARQL can hold between angle brackets as written, each once, sorted (for
    VALUES blocks; any other string names nothing a store holds)."""
    return sorted({iri for iri in iris if _SAFE_IRI.fullmatch(iri)})


_LABEL_BATCH = 400


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query: ``variables`` in projection order, ``rows`` as tuples."""

    variables: tuple[str, ...]
    rows: list[tuple[Node | None, ...]]

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)


class Plain(NamedTuple):
    """A term as plain strings: ``kind`` is "iri", "literal" or "bnode"; ``datatype`` is a
    literal's datatype IRI (``rdf:langString`` with a language), else ""."""

    kind: str
    value: str
    datatype: str = ""


_LANG_STRING = str(rdflib.RDF.langString)
_XSD_STRING = str(rdflib.XSD.string)


def plain_of(term: Node) -> Plain:
    """An rdflib term as a :class:`Plain`."""
    if isinstance(term, rdflib.URIRef):
        return Plain("iri", str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Plain("literal", str(term), _LANG_STRING)
        return Plain("literal", str(term), str(term.datatype) if term.datatype else _XSD_STRING)
    return Plain("bnode", str(term))


class Store(ABC):
    """What kg's commands need from a SPARQL store.

    Building and validating always happen in an embedded :class:`LocalStore` (parsed files go
    in, a store comes out); every command that reads a built graph goes through this interface,
    so a remote SPARQL server can stand in for the local store.
    """

    @abstractmethod
    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        """Run a SELECT query; ``bindings`` binds variables to terms (never text pasting)."""

    def select_values(
        self,
        sparql: str,
        columns: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
    ) -> list[tuple[str | None, ...]]:
        """The ``columns`` (default: all, in order) of a SELECT as plain strings (an IRI, a
        literal's lexical form; None when unbound): for code that reads many rows and needs
        no terms."""
        variables, rows = self.select_rows(sparql, bindings)
        if columns is None or tuple(columns) == variables:
            return rows
        index = [variables.index(c) for c in columns]
        return [tuple(row[i] for i in index) for row in rows]

    def select_rows(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> tuple[tuple[str, ...], list[tuple[str | None, ...]]]:
        """The variables and rows of a SELECT with each term as a plain string (an IRI, a
        literal's lexical form; None when unbound): for code that reads many rows and needs
        no terms."""
        result = self.select(sparql, bindings)
        rows = [tuple(None if t is None else str(t) for t in row) for row in result.rows]
        return result.variables, rows

    def select_plain(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> tuple[tuple[str, ...], list[tuple[Plain | None, ...]]]:
        """The variables and rows of a SELECT with each term as a :class:`Plain`: what kind
        of term, its string, a literal's datatype. For code that shows many rows and needs
        no rdflib terms (making them is most of the cost of reading a big answer)."""
        result = self.select(sparql, bindings)
        rows = [tuple(None if t is None else plain_of(t) for t in row) for row in result.rows]
        return result.variables, rows

    @abstractmethod
    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE query and return the triples as an rdflib graph."""

    @abstractmethod
    def load(self, data: bytes, fmt: str, graph: str | None = None) -> None:
        """Add RDF in ``fmt`` (see :data:`RDF_FORMATS`); triples go to ``graph`` if given."""

    @abstractmethod
    def dump(self, fmt: str = "nq") -> bytes:
        """The whole dataset in ``fmt``: N-Quads/TriG keep named graphs, N-Triples/Turtle merge."""

    def labels(self, iris: Iterable[str], lang: str = "nl") -> dict[str, str]:
        """The display label of each IRI in ``iris`` that has one, in ``lang`` where possible.

        Preference: a label in ``lang``, then one without a language, then Dutch, then any;
        within a language ``skos:prefLabel`` before ``rdfs:label``, ``foaf:name``,
        ``dct:title`` and ``skos:altLabel`` (the vocabularies keep English names as
        ``altLabel``). Ties go to the alphabetically first label, so output is stable.
        """
        wanted = sparql_iris(iris)
        rows: list[tuple[str, str, str, str]] = []
        for start in range(0, len(wanted), _LABEL_BATCH):
            # One VALUES of (subject, property) pairs: with two separate VALUES blocks
            # pyoxigraph 0.5 scans every label of the graph (50 times slower on a national
            # graph).
            pairs = " ".join(
                f"(<{iri}> <{p}>)"
                for iri in wanted[start : start + _LABEL_BATCH]
                for p in LABEL_PROPERTIES
            )
            sparql = (
                f"SELECT ?s ?p ?label (LANG(?label) AS ?l) WHERE {{ VALUES (?s ?p) {{ {pairs} }} "
                "?s ?p ?label FILTER(isLiteral(?label)) }"
            )
            for s, p, label, language in self.select_values(sparql):
                rows.append((str(s), str(p), str(label), language or ""))
        return best_labels(rows, lang)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store (no-op where nothing is held)."""

    @property
    def name_index(self) -> NameIndex | None:
        """The build's name index (:class:`kg.store.names.NameIndex`), or None where there is none
        (a SPARQL server, an in-memory store)."""
        return None

    def beside(self, name: str) -> Path | None:
        """A file that ``kg build`` wrote beside this store (``names.sqlite``, ...), or None
        where there is none (a SPARQL server, an in-memory store, an older build)."""
        return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- term conversion between pyoxigraph and rdflib -------------------------------------------


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == str(rdflib.XSD.string):
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return rdflib.URIRef("urn:x-rdflib:default")
    raise TypeError(f"cannot convert {term!r}")


def term_key(term: Any) -> str:
    """A term (pyoxigraph's or rdflib's) as rdflib writes it in N-Triples, after rdflib's
    normalisation of literals (``"01"^^xsd:integer`` is ``"1"``): the SHACL results pass
    through rdflib, so a value read from a file must be compared in the same form."""
    if not isinstance(term, Node):
        term = to_rdflib(term)
    return str(term.n3())


def local_from_triples(triples: Iterable[tuple[Node, Node, Node]]) -> LocalStore:
    """An in-memory store holding ``triples`` (rdflib terms) in its default graph."""
    store = LocalStore.in_memory()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples)
    return store


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as the equal pyoxigraph term; a usage error for an IRI that is not one
    (``>``, ``"``, ``{``, a space, a broken ``%`` escape: RFC 3987 has no place for them)."""
    if isinstance(term, rdflib.URIRef):
        try:
            return ox.NamedNode(str(term))
        except ValueError as exc:
            shown = str(term) if len(term) <= 200 else str(term)[:199] + "…"
            raise UsageError(f"not a valid IRI: <{shown}> ({exc})") from None
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot convert {term!r}")


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Hold back what rdflib prints while it converts terms: a logged traceback (and sometimes
    a warning) for every ill-typed literal. kg reports those literals in words instead."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        logger.setLevel(level)


def quads_to_graph(
    quads: Iterable[ox.Quad] | Iterable[ox.Triple], *, fresh_bnodes: bool = False
) -> rdflib.Graph:
    """The triples of ``quads`` (graphs merged) as an rdflib graph. With ``fresh_bnodes``,
    blank nodes get new identities, so graphs read from different files never share one."""
    graph = rdflib.Graph()
    fresh: dict[str, rdflib.BNode] = {}

    def term(t: Any) -> Node:
        if fresh_bnodes and isinstance(t, ox.BlankNode):
            return fresh.setdefault(t.value, rdflib.BNode())
        return to_rdflib(t)

    with quiet_rdflib():
        for q in quads:
            graph.add((term(q.subject), term(q.predicate), term(q.object)))
    return graph


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def select_projection(sparql: str) -> tuple[str, ...] | None:
    """The variables a SELECT query projects, or None for another form of query; parsed by
    running it on an empty store (a SyntaxError says where it is not SPARQL)."""
    result = ox.Store().query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        return None
    return tuple(v.value for v in result.variables)


def with_terms(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """``sparql`` with each bound variable written as its term wherever a term may stand,
    and the bindings as a ``VALUES`` block opening the query's WHERE group for the places
    where only a variable may: a projection, GROUP BY and ORDER BY keys, a VALUES header,
    after AS, in BOUND(). (In a sub-select those stay unbound and take the value when the
    sub-select's answer joins the query's group.) A value is never text in the query:
    pyoxigraph writes each term (quotes and brackets escaped), so no value can change the
    query's shape.

    Engines plan with constants. pyoxigraph 0.5 starts a join or a property path from a
    constant, but not from a variable that a VALUES block or a substitution binds; on a
    national graph that made some canned queries 25 times slower (bench/run.py)."""
    if not bindings:
        return sparql
    terms: dict[str, str] = {}
    for name, value in bindings.items():
        if not _VARIABLE.fullmatch(name):
            raise UsageError(f"not a SPARQL variable name: {name!r}")
        if isinstance(value, rdflib.BNode):  # "_:b" in a query is a variable, not a node
            raise UsageError(f"cannot bind ?{name} to a blank node")
        terms[name] = str(to_oxigraph(value))
    group, places = term_places(sparql)
    if group is None:
        raise UsageError("cannot bind parameters: the query has no WHERE group")
    block = f" VALUES ({' '.join('?' + n for n in terms)}) {{ ({' '.join(terms.values())}) }}\n"
    out: list[str] = []
    done = 0  # how much of sparql is in out
    for start, end, name in places:  # (the group's place has the name "")
        if name and name not in terms:
            continue
        out.append(sparql[done:start])
        out.append(terms[name] if name else block)
        done = end
    out.append(sparql[done:])
    return "".join(out)


class LocalStore(Store):
    """An embedded pyoxigraph store: in memory, or on disk under ``path``."""

    def __init__(self, store: ox.Store, path: Path | None = None) -> None:
        self._store = store
        self._path = path
        self._names: NameIndex | None = None
        self._names_looked_for = path is None  # an in-memory store has no index
        self._held: Any = None  # the lock that keeps its generation (kg.atomic.hold)

    @classmethod
    def in_memory(cls) -> LocalStore:
        return cls(ox.Store())

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = True) -> LocalStore:
        """Open an on-disk store. The path is resolved first, so a store reached through
        ``build/store`` stays on its own generation even when a rebuild switches the link."""
        from kg.atomic import hold

        path = Path(path).resolve()
        held = hold(path.parent) if read_only else None  # no rebuild removes it meanwhile
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB refuses: missing, locked, corrupt
            if held is not None:
                held.close()  # type: ignore[attr-defined]
            raise KgError(f"cannot open the store: {exc}", file=path) from exc
        opened = cls(store, path)
        opened._held = held
        return opened

    @property
    def name_index(self) -> NameIndex | None:
        if not self._names_looked_for and self._path is not None:
            from kg.store.names import open_index

            self._names = open_index(self._path)
            self._names_looked_for = True
        return self._names

    @property
    def path(self) -> Path | None:
        """The folder of a store on disk; None in memory."""
        return self._path

    def beside(self, name: str) -> Path | None:
        if self._path is None:
            return None
        path = self._path.parent / name
        return path if path.is_file() else None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that needs engine-specific features."""
        return self._store

    def _query(self, sparql: str, bindings: Mapping[str, Node] | None) -> Any:
        try:
            return self._store.query(with_terms(sparql, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise UsageError(f"SPARQL syntax error: {exc}") from exc

    def _solutions(self, sparql: str, bindings: Mapping[str, Node] | None) -> Any:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise UsageError("expected a SELECT query")
        return result

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        result = self._solutions(sparql, bindings)
        variables = tuple(v.value for v in result.variables)
        with quiet_rdflib():
            rows = [
                tuple(None if sol[v] is None else to_rdflib(sol[v]) for v in variables)
                for sol in result
            ]
        return SelectResult(variables, rows)

    def select_rows(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> tuple[tuple[str, ...], list[tuple[str | None, ...]]]:
        result = self._solutions(sparql, bindings)
        variables = tuple(v.value for v in result.variables)
        return variables, [tuple(None if t is None else t.value for t in sol) for sol in result]

    def select_plain(
        self, sparql: str, bindings: Mapping[str, Node] | None = None
    ) -> tuple[tuple[str, ...], list[tuple[Plain | None, ...]]]:
        result = self._solutions(sparql, bindings)
        variables = tuple(v.value for v in result.variables)
        named, literal = ox.NamedNode, ox.Literal

        def plain(t: Any) -> Plain | None:
            if t is None:
                return None
            if isinstance(t, named):
                return Plain("iri", t.value)
            if isinstance(t, literal):
                return Plain("literal", t.value, t.datatype.value)
            return Plain("bnode", t.value)

        return variables, [tuple(plain(t) for t in solution) for solution in result]

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise UsageError("expected an ASK query")
        return bool(result)

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> rdflib.Graph:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise UsageError("expected a CONSTRUCT or DESCRIBE query")
        return quads_to_graph(result)

    def load(self, data: bytes, fmt: str, graph: str | None = None) -> None:
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            self._store.load(data, format=_format(fmt), to_graph=to_graph)
        except SyntaxError as exc:
            raise KgError(f"cannot load {fmt} data: {exc}") from exc

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add parsed quads (used by the build)."""
        self._store.extend(quads)

    def lines_by_graph(self, default_graph: str | None) -> tuple[dict[str | None, list[str]], int]:
        """Every statement as an N-Triples line, grouped by graph (``default_graph`` names the
        default graph's, None keeps it unnamed), each group sorted; and how many there are."""
        by_graph: dict[str | None, list[str]] = {}
        count = 0
        for quad in self.quads():
            graph = quad.graph_name
            key = graph.value if isinstance(graph, ox.NamedNode) else default_graph
            by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
            count += 1
        for lines in by_graph.values():
            lines.sort()
        return by_graph, count

    def save(self, path: Path) -> None:
        """Write every statement to a new on-disk store at ``path`` (which
        :meth:`open` reads)."""
        disk = ox.Store(str(path))
        disk.bulk_extend(self.quads())
        disk.flush()
        del disk

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, None))

    def dump(self, fmt: str = "nq") -> bytes:
        format_ = _format(fmt)
        if format_ in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            return as_bytes(self._store.dump(format=format_))
        # Triple formats: the union of every graph, each triple once.
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()}
        return as_bytes(ox.serialize(triples, format=format_))

    def close(self) -> None:
        """Drop the store: pyoxigraph releases RocksDB when its last reference goes."""
        self._store = None  # type: ignore[assignment]
        held, self._held = getattr(self, "_held", None), None
        if held is not None:
            held.close()
        if self._names is not None:
            self._names.close()
        self._names, self._names_looked_for = None, True


def as_bytes(data: bytes | None) -> bytes:
    """pyoxigraph's dump/serialize return bytes when no output file is given."""
    if data is None:
        raise TypeError("pyoxigraph returned nothing")
    return bytes(data)


def _format(fmt: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown RDF format {fmt!r}; expected one of {', '.join(RDF_FORMATS)}"
        ) from None


def built_file(build_dir: str | Path, name: str) -> Path:
    """A file of the current build (``store``, ``kg.ttl``, ...); raises if there is no build."""
    path = Path(build_dir) / name
    if not path.exists():
        raise BuildNotFoundError("no built graph here; run 'kg build' first", file=Path(build_dir))
    return path


def open_store(build_dir: str | Path = "build") -> LocalStore:
    """Open the graph built by ``kg build`` in ``build_dir`` (read-only, many readers)."""
    return LocalStore.open(built_file(build_dir, "store"), read_only=True)
