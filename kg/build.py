"""ontology/ + data/ -> a validated dataset with a named graph per source -> build/.

Inputs: every ``*.ttl`` in ``ontology/`` except ``shapes.ttl`` (loaded into the ontology's
own named graph), and every ``*.ttl`` and ``*.trig`` under ``data/``. In TriG files each named
graph is the graph of one source (its IRI is the source's IRI); triples of Turtle files and of
TriG default graphs go to the default graph.

Outputs, written atomically (see :mod:`kg.atomic`): ``build/store`` (an on-disk pyoxigraph
store that later commands open without re-parsing), ``build/kg.trig`` (named graphs kept),
``build/kg.ttl`` (graphs merged) and ``build/manifest.json`` (counts and input checksums).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg import atomic
from kg.errors import DataSyntaxError, KgError, ValidationFailed
from kg.namespaces import ONTOLOGY_IRI, PREFIXES
from kg.paths import Paths
from kg.store import LocalStore

Progress = Callable[[str], None]

DATA_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}
#: RDF files kg does not read from data/: refused rather than silently skipped.
UNSUPPORTED_RDF = {".nt", ".nq", ".rdf", ".owl", ".xml", ".jsonld", ".json", ".n3", ".trix"}
HINT = "run kg from the project folder or pass --root"
UTF8_BOM = b"\xef\xbb\xbf"
STABLE_NAMES = ("store", "kg.trig", "kg.ttl", "manifest.json")


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class InputFile:
    path: Path
    fmt: ox.RdfFormat
    graph: str | None  # None: keep the file's own graphs (TriG) or the default graph


def input_files(paths: Paths) -> list[InputFile]:
    """The files a build reads, in a stable order; raises if a required folder is missing."""
    if not paths.ontology_dir.is_dir():
        raise KgError(f"ontology folder not found ({HINT})", file=paths.ontology_dir)
    if not paths.data_dir.is_dir():
        raise KgError(f"data folder not found ({HINT})", file=paths.data_dir)
    ontology = sorted(
        p for p in paths.ontology_dir.glob("*.ttl") if p.name != paths.shapes_file.name
    )
    if not ontology:
        raise KgError("no ontology (*.ttl) found", file=paths.ontology_dir)
    files = [InputFile(p, ox.RdfFormat.TURTLE, ONTOLOGY_IRI) for p in ontology]
    data = []
    for path in sorted(paths.data_dir.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or path.name.startswith("."):
            continue
        if suffix in UNSUPPORTED_RDF:
            raise KgError(
                f"kg reads Turtle (.ttl) and TriG (.trig) from data/, not {path.suffix} files; "
                "convert it or move it out of data/",
                file=path,
            )
        if suffix in DATA_SUFFIXES:
            data.append(InputFile(path, DATA_SUFFIXES[suffix], None))
    return files + data


def parse_file(item: InputFile) -> list[ox.Quad]:
    """Parse one input file; syntax errors name the file and line."""
    try:
        raw = item.path.read_bytes()
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror}", file=item.path) from exc
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
    if not quads:
        raise DataSyntaxError("holds no triples", file=item.path)
    return quads


def read_graph(path: Path) -> rdflib.Graph:
    """One Turtle file as an rdflib graph (for shapes and ontology documents); parse errors
    name the file and line like every other input."""
    from kg.store import to_rdflib

    graph = rdflib.Graph()
    for q in parse_file(InputFile(path, ox.RdfFormat.TURTLE, None)):
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


def load_sources(paths: Paths, progress: Progress = _quiet) -> tuple[LocalStore, list[Path]]:
    """Parse the ontology and every data file into an in-memory store."""
    files = input_files(paths)
    store = LocalStore.in_memory()
    for i, item in enumerate(files, 1):
        progress(f"parsing [{i}/{len(files)}] {item.path}")
        store.extend(parse_file(item))
    return store, [f.path for f in files]


@dataclass
class BuildResult:
    """What a build produced: counts for the summary and where the outputs are."""

    build_dir: Path
    triples: int
    quads: int
    files: int
    classes: list[tuple[str, str, int]] = field(default_factory=list)  # (label, iri, count)
    sources: list[tuple[str, str, int]] = field(default_factory=list)  # (title, graph, triples)
    warnings: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "quads": self.quads,
            "files": self.files,
            "classes": [{"label": c, "iri": i, "count": n} for c, i, n in self.classes],
            "sources": [{"title": t, "graph": g, "triples": n} for t, g, n in self.sources],
            "warnings": self.warnings,
        }


_CLASS_COUNTS = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?s a ?class .
  GRAPH <{ONTOLOGY_IRI}> {{ ?class rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }}
}} GROUP BY ?class
"""

_SOURCE_COUNTS = """
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?g (SAMPLE(?t) AS ?title) (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?g dct:title ?t }
} GROUP BY ?g
"""


def summarise(store: LocalStore, build_dir: Path, files: int, warnings: int) -> BuildResult:
    quads = list(store.quads())
    triples = len({(q.subject, q.predicate, q.object) for q in quads})
    classes = sorted(
        (str(r[1]), str(r[0]), int(str(r[2]))) for r in store.select(_CLASS_COUNTS).rows
    )
    sources = sorted(
        (str(r[1]) if r[1] is not None else "(no title)", str(r[0]), int(str(r[2])))
        for r in store.select(_SOURCE_COUNTS).rows
        if str(r[0]) != ONTOLOGY_IRI
    )
    return BuildResult(build_dir, triples, len(quads), files, classes, sources, warnings)


def _checksums(files: list[Path]) -> list[dict[str, str]]:
    return [
        {"file": f.as_posix(), "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files
    ]


def build(paths: Paths, progress: Progress = _quiet) -> BuildResult:
    """Parse, validate and write the build. Raises :class:`ValidationFailed` (nothing written)
    when the data does not conform, :class:`KgError` for unreadable input."""
    from kg.export import serialise
    from kg.validate import load_shapes, validate_store

    shapes = load_shapes(paths)  # first: a missing shapes file should not wait for parsing
    memory, files = load_sources(paths, progress)
    which = "kg shapes and CPSV-AP 3.2.0" if paths.cpsv_shapes else "kg shapes"
    progress(f"validating ({which})")
    report = validate_store(memory, shapes)
    if not report.conforms:
        raise ValidationFailed(report)

    progress("serialising kg.trig and kg.ttl")
    nquads = memory.dump("nq")
    trig = serialise(nquads, "trig")
    ttl = serialise(nquads, "ttl")
    result = summarise(memory, paths.build_dir, len(files), len(report.warnings))

    progress(f"writing the store to {paths.build_dir}")
    with atomic.locked(paths.build_dir):
        atomic.clean(paths.build_dir)
        staged = atomic.new_generation(paths.build_dir)
        disk = ox.Store(str(staged / "store"))
        disk.bulk_extend(memory.quads())
        disk.flush()
        del disk
        (staged / "kg.trig").write_bytes(trig)
        (staged / "kg.ttl").write_bytes(ttl)
        manifest = {"kg": _version(), "prefixes": PREFIXES, **result.as_dict()}
        manifest["inputs"] = _checksums(files)
        (staged / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
        )
        atomic.publish(paths.build_dir, staged, STABLE_NAMES)
    return result


def read_manifest(build_dir: Path) -> dict[str, object]:
    """The manifest of the current build (raises if there is none)."""
    from kg.errors import BuildNotFoundError

    path = build_dir / "manifest.json"
    if not path.is_file():
        raise BuildNotFoundError("no built graph here; run 'kg build' first", file=build_dir)
    manifest: dict[str, object] = json.loads(path.read_text("utf-8"))
    return manifest


def _version() -> str:
    from kg import __version__

    return __version__
