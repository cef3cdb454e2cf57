"""The project's input files: which files a build reads (ontology/, data/), and parsing
each into quads with errors that name the file and line."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from kg.errors import DataSyntaxError, KgError
from kg.namespaces import ONTOLOGY_IRI, STANDARD_PREFIXES
from kg.paths import Paths
from kg.store import LocalStore, quads_to_graph

Progress = Callable[[str], None]

DATA_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}
#: RDF files kg does not read from data/: refused rather than silently skipped.
UNSUPPORTED_RDF = {".nt", ".nq", ".rdf", ".owl", ".jsonld", ".n3", ".trix"}
HINT = "run kg from the project folder or pass --root"
UTF8_BOM = b"\xef\xbb\xbf"

_RDF = STANDARD_PREFIXES["rdf"]
_RDFS = STANDARD_PREFIXES["rdfs"]
_OWL = STANDARD_PREFIXES["owl"]
#: Statements that define vocabulary; they belong in ontology/, never in data/.
SCHEMA_PREDICATES = {
    _RDFS + "subClassOf",
    _RDFS + "subPropertyOf",
    _RDFS + "domain",
    _RDFS + "range",
    _OWL + "equivalentClass",
    _OWL + "equivalentProperty",
    _OWL + "disjointWith",
    _OWL + "inverseOf",
    _OWL + "propertyChainAxiom",
}
SCHEMA_TYPES = {
    _OWL + "Class",
    _RDFS + "Class",
    _RDF + "Property",
    _OWL + "ObjectProperty",
    _OWL + "DatatypeProperty",
    _OWL + "AnnotationProperty",
    _OWL + "Ontology",
}


@dataclass(frozen=True)
class InputFile:
    path: Path
    fmt: ox.RdfFormat
    graph: str | None  # ontology files go to this graph; data files keep their own graphs


def _walk(folder: Path, build_dir: Path | None = None) -> Iterator[Path]:
    """Every file under ``folder``, following linked folders once and skipping hidden ones
    (``.git``, ``.vscode``, ...); unreadable folders, broken links and the build folder
    reached through a link are errors, not silent gaps or loops."""
    seen: set[tuple[int, int]] = set()
    build = build_dir.resolve() if build_dir is not None else None

    def fail(exc: OSError) -> None:
        raise KgError(f"cannot read: {exc.strerror}", file=exc.filename) from exc

    for top, dirs, names in os.walk(folder, onerror=fail, followlinks=True):
        here = Path(top)
        _check_name(here)
        info = os.stat(top)
        if (info.st_dev, info.st_ino) in seen:  # a link loop
            dirs.clear()
            continue
        seen.add((info.st_dev, info.st_ino))
        if build is not None and (here.resolve() == build or here.resolve() in build.parents):
            raise KgError("the build folder is inside data/ (through a link); move it", file=here)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                continue
            _check_name(path)
            if path.is_symlink() and not path.exists():
                raise KgError("is a broken link", file=path)
            yield path


def _check_name(path: Path) -> None:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise KgError("this file name is not valid UTF-8; rename it", file=shown) from None


def ontology_files(paths: Paths) -> list[Path]:
    """The ontology's Turtle files (everything in ontology/ but the shapes)."""
    if not paths.ontology_dir.is_dir():
        raise KgError(f"ontology folder not found ({HINT})", file=paths.ontology_dir)
    files = sorted(p for p in paths.ontology_dir.glob("*.ttl") if p.name != paths.shapes_file.name)
    if not files:
        raise KgError(f"no ontology (*.ttl) found ({HINT})", file=paths.ontology_dir)
    return files


def input_files(paths: Paths) -> list[InputFile]:
    """The files a build reads, in a stable order; raises if a required folder is missing."""
    ontology = ontology_files(paths)
    if not paths.data_dir.is_dir():
        raise KgError(f"data folder not found ({HINT})", file=paths.data_dir)
    data = []
    for path in _walk(paths.data_dir, paths.build_dir):
        suffix = path.suffix.lower()
        if suffix in UNSUPPORTED_RDF:
            raise KgError(
                f"kg reads Turtle (.ttl) and TriG (.trig) from data/, not {path.suffix} files; "
                "convert it or move it out of data/",
                file=path,
            )
        if suffix in DATA_SUFFIXES:
            if not path.is_file():  # a folder named x.ttl is walked; a FIFO would hang
                if not path.is_dir():
                    raise KgError("is not a regular file", file=path)
                continue
            data.append(InputFile(path, DATA_SUFFIXES[suffix], None))
    if not data:
        raise KgError("no data files (*.ttl, *.trig) found", file=paths.data_dir)
    return [InputFile(p, ox.RdfFormat.TURTLE, ONTOLOGY_IRI) for p in ontology] + data


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror}", file=path) from exc


def parse_file(item: InputFile, raw: bytes | None = None) -> list[ox.Quad]:
    """Parse one input file; syntax errors name the file and line."""
    if raw is None:
        raw = read_bytes(item.path)
    if raw.startswith(UTF8_BOM):  # editors on Windows add one; it carries no meaning
        raw = raw[len(UTF8_BOM) :]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataSyntaxError(
            "not UTF-8 text (RDF files must be UTF-8)", file=item.path, line=line
        ) from exc
    to_graph = ox.NamedNode(item.graph) if item.graph else None
    try:
        parsed = ox.parse(raw, format=item.fmt, base_iri=None)
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, to_graph) if to_graph else q for q in parsed
        ]
    except SyntaxError as exc:
        message = str(exc.msg) if getattr(exc, "msg", None) else str(exc)
        message = message.replace(f"Parser error at line {exc.lineno} ", "")
        raise DataSyntaxError(message, file=item.path, line=exc.lineno) from exc
    except MemoryError as exc:  # pyoxigraph's parser holds one token in at most 16 MiB
        raise DataSyntaxError(
            "a single value (a literal or an IRI) is longer than 16 MiB, the most the RDF "
            "parser reads at once; split it or link to the text instead",
            file=item.path,
            line=_longest_line(raw),
        ) from exc
    if not quads:
        raise DataSyntaxError("holds no triples", file=item.path)
    for q in quads:
        if isinstance(q.object, ox.Triple) or isinstance(q.subject, ox.Triple):
            raise DataSyntaxError("RDF 1.2 triple terms are not supported", file=item.path)
        if isinstance(q.object, ox.Literal) and q.object.direction:
            raise DataSyntaxError(
                f"text direction on literals (@{q.object.language}--{q.object.direction}) is "
                "not supported; use a plain language tag",
                file=item.path,
            )
    return quads


def _longest_line(raw: bytes) -> int:
    """The number of the longest line of ``raw`` (where an over-long value most likely is)."""
    best, best_length, number, start = 1, -1, 1, 0
    while start <= len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        if end - start > best_length:
            best, best_length = number, end - start
        start, number = end + 1, number + 1
    return best


def _check_data_quads(item: InputFile, quads: list[ox.Quad]) -> None:
    """Data files may not write into the ontology graph or define vocabulary."""
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == ONTOLOGY_IRI:
            raise KgError(
                f"data may not write into the ontology graph <{ONTOLOGY_IRI}>", file=item.path
            )
        p = q.predicate.value
        if p in SCHEMA_PREDICATES or (
            p == _RDF + "type"
            and isinstance(q.object, ox.NamedNode)
            and q.object.value in SCHEMA_TYPES
        ):
            raise KgError(
                f"defines vocabulary ({q.subject} {q.predicate} {q.object}); "
                "schema statements belong in ontology/",
                file=item.path,
            )


def read_graph(path: Path) -> rdflib.Graph:
    """One Turtle file as an rdflib graph (shapes, ontology documentation); parse errors
    name the file and line like every other input."""
    return quads_to_graph(parse_file(InputFile(path, ox.RdfFormat.TURTLE, None)), fresh_bnodes=True)


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Loaded:
    store: LocalStore
    files: list[Path]
    checksums: list[str]  # sha256 of the bytes that were parsed, file by file


def load_sources(
    paths: Paths, progress: Progress = _quiet, files: list[InputFile] | None = None
) -> Loaded:
    """Parse the ontology and every data file into an in-memory store."""
    files = input_files(paths) if files is None else files
    store = LocalStore.in_memory()
    sums = []
    for i, item in enumerate(files, 1):
        progress(f"parsing [{i}/{len(files)}] {item.path}")
        raw = read_bytes(item.path)
        sums.append(hashlib.sha256(raw).hexdigest())
        quads = parse_file(item, raw)
        if item.graph is None:
            _check_data_quads(item, quads)
        store.extend(quads)
    return Loaded(store, [f.path for f in files], sums)


def stated_in(
    files: Iterable[Path], wanted: set[str]
) -> dict[tuple[str, str | None, str | None], set[str]]:
    """Which of ``files`` state something about each IRI in ``wanted``: keyed by (resource,
    None, None), (resource, property, None) and (resource, property, value as
    :func:`~kg.store.term_key` writes it). A file that no longer parses is passed over."""
    from kg.store import quiet_rdflib, term_key

    found: dict[tuple[str, str | None, str | None], set[str]] = {}
    with quiet_rdflib():  # an ill-typed value is what is being located, not log noise
        for path in files:
            fmt = DATA_SUFFIXES.get(path.suffix.lower(), ox.RdfFormat.TURTLE)
            try:
                for quad in parse_file(InputFile(path, fmt, None)):
                    subject = quad.subject
                    if isinstance(subject, ox.NamedNode) and subject.value in wanted:
                        p = quad.predicate.value
                        value = term_key(quad.object)
                        for key in (
                            (subject.value, None, None),
                            (subject.value, p, None),
                            (subject.value, p, value),
                        ):
                            found.setdefault(key, set()).add(str(path))
            except KgError:  # it parsed once; it changed since (or went)
                continue
    return found


def graphs_in(
    path: Path, raw: bytes | None = None
) -> dict[str | None, list[tuple[Node, Node, Node]]]:
    """The statements of one data file (TriG or Turtle) by graph name (None: the default
    graph), as rdflib terms in the file's order; syntax errors name the file and line."""
    from kg.store import to_rdflib

    fmt = DATA_SUFFIXES.get(path.suffix.lower(), ox.RdfFormat.TRIG)
    found: dict[str | None, list[tuple[Node, Node, Node]]] = {}
    for q in parse_file(InputFile(path, fmt, None), raw):
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        found.setdefault(name, []).append(
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        )
    return found


def data_file(item: InputFile) -> bool:
    """Whether an input file is one of data/ (not the ontology)."""
    return item.graph is None


def extra_input(path: Path) -> InputFile:
    """A data file from outside data/ (a file kg import is about to write), to load with the
    rest."""
    return InputFile(path, DATA_SUFFIXES.get(path.suffix.lower(), ox.RdfFormat.TRIG), None)
