"""ontology/ + data/ -> a validated dataset with a named graph per source -> build/.

Inputs: every ``*.ttl`` in ``ontology/`` except ``shapes.ttl`` (loaded into the ontology's
own named graph), and every ``*.ttl`` and ``*.trig`` under ``data/`` (sub-folders and linked
folders included). In TriG files each named graph is the graph of one source (its IRI is the
source's IRI); triples of Turtle files and of TriG default graphs go to the default graph,
which may hold only the project's code lists (see :mod:`kg.validate`).

Outputs, written atomically (see :mod:`kg.atomic`): ``build/store`` (an on-disk pyoxigraph
store that later commands open without re-parsing), ``build/kg.trig`` (named graphs kept),
``build/kg.ttl`` (graphs merged) and ``build/manifest.json`` (counts and input checksums).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg import __version__, atomic, netfile
from kg import names as name_index
from kg.errors import DataSyntaxError, KgError, ValidationFailed
from kg.namespaces import ONTOLOGY_IRI, STANDARD_PREFIXES
from kg.paths import Paths
from kg.store import LocalStore, built_file, quads_to_graph

Progress = Callable[[str], None]

DATA_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}
#: RDF files kg does not read from data/: refused rather than silently skipped.
UNSUPPORTED_RDF = {".nt", ".nq", ".rdf", ".owl", ".jsonld", ".n3", ".trix"}
STABLE_NAMES = ("store", "names.sqlite", "network.json", "kg.trig", "kg.ttl", "manifest.json")
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


def _quiet(_: str) -> None:
    pass


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
    shapes: str = ""  # the shape sets it was validated with (kg.validate.shape_sets)

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "quads": self.quads,
            "files": self.files,
            "classes": [{"label": c, "iri": i, "count": n} for c, i, n in self.classes],
            "sources": [{"title": t, "graph": g, "triples": n} for t, g, n in self.sources],
            "warnings": self.warnings,
            "shapes": self.shapes,
        }

    @classmethod
    def from_dict(cls, build_dir: Path, data: dict[str, object]) -> BuildResult:
        """Read a manifest back; a damaged one is a clear error, not a KeyError."""
        try:
            return cls(
                build_dir=build_dir,
                triples=int(data["triples"]),  # type: ignore[call-overload]
                quads=int(data["quads"]),  # type: ignore[call-overload]
                files=int(data["files"]),  # type: ignore[call-overload]
                classes=[(c["label"], c["iri"], int(c["count"])) for c in data["classes"]],  # type: ignore[attr-defined]
                sources=[(s["title"], s["graph"], int(s["triples"])) for s in data["sources"]],  # type: ignore[attr-defined]
                warnings=int(data["warnings"]),  # type: ignore[call-overload]
                shapes=str(data.get("shapes", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise KgError(
                f"the build manifest is damaged ({exc!r}); run 'kg build' again",
                file=build_dir / "manifest.json",
            ) from exc


_CLASS_COUNTS = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?s a ?class .
  GRAPH <{ONTOLOGY_IRI}> {{ ?class rdfs:label ?l FILTER(langMatches(lang(?l), "en")) }}
}} GROUP BY ?class
"""

#: Statements counted once however many graphs state them (the union graph's size).
_TRIPLE_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"

_SOURCE_COUNTS = """
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?g ?n (SAMPLE(COALESCE(?nl, ?any)) AS ?title) WHERE {
  { SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }
  OPTIONAL { ?g dct:title ?nl FILTER(lang(?nl) = "nl") }
  OPTIONAL { ?g dct:title ?any }
} GROUP BY ?g ?n
"""


def summarise(store: LocalStore, build_dir: Path, files: int, warnings: int) -> BuildResult:
    quads = len(store.oxigraph)
    triples = int(str(next(iter(store.select(_TRIPLE_COUNT)))[0]))
    classes = sorted(
        (str(label), str(cls), int(str(n))) for cls, label, n in store.select(_CLASS_COUNTS)
    )
    sources = sorted(
        (str(title) if title is not None else "(no title)", str(g), int(str(n)))
        for g, n, title in store.select(_SOURCE_COUNTS)
        if str(g) != ONTOLOGY_IRI
    )
    return BuildResult(build_dir, triples, quads, files, classes, sources, warnings)


def _relative(path: Path, root: Path) -> str:
    """The path as the project sees it (relative to the root), however --root was spelt."""
    return Path(os.path.relpath(path.absolute(), root.absolute())).as_posix()


def build(paths: Paths, progress: Progress = _quiet, engine: str = "auto") -> BuildResult:
    """Parse, validate and write the build. Raises :class:`ValidationFailed` (nothing written)
    when the data does not conform, :class:`KgError` for unreadable input. ``engine`` picks
    the SHACL engine (see :data:`kg.validate.ENGINES`)."""
    from kg.export import serialise_quads
    from kg.validate import choose_engine, load_shapes, locate, shape_sets, validate_store

    protected = (paths.ontology_dir, paths.data_dir)
    atomic.check_claim(paths.build_dir, protected)  # before any work, and writing nothing
    files = input_files(paths)  # missing folders first, with the --root hint
    shapes = load_shapes(paths)  # a missing shapes file should not wait for parsing
    _, how = choose_engine(shapes, engine)  # nor shapes that the chosen engine cannot run
    loaded = load_sources(paths, progress, files)
    which = shape_sets(paths)
    progress(f"validating ({which}) with {how}")
    report = validate_store(loaded.store, shapes, engine)
    if not report.conforms:
        raise ValidationFailed(locate(report, loaded.files))

    progress("serialising kg.trig and kg.ttl")
    quads = list(loaded.store.quads())
    trig = serialise_quads(quads, "trig")
    ttl = serialise_quads(quads, "ttl")
    result = summarise(loaded.store, paths.build_dir, len(loaded.files), len(report.warnings))
    result.shapes = which
    root = paths.ontology_dir.parent
    manifest = {
        "kg": __version__,
        **result.as_dict(),
        "inputs": [
            {"file": _relative(f, root), "sha256": s}
            for f, s in zip(loaded.files, loaded.checksums, strict=True)
        ],
    }

    progress(f"writing the store to {paths.build_dir}")
    atomic.claim(paths.build_dir, protected)
    with atomic.locked(paths.build_dir):
        atomic.clean_staging(paths.build_dir)
        with atomic.generation(paths.build_dir) as staged:
            disk = ox.Store(str(staged / "store"))
            disk.bulk_extend(loaded.store.quads())
            disk.flush()
            del disk
            name_index.write(loaded.store, staged / name_index.FILE)
            progress("collecting the network for kg viz")
            netfile.write(loaded.store, staged / netfile.FILE)
            (staged / "kg.trig").write_bytes(trig)
            (staged / "kg.ttl").write_bytes(ttl)
            text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            (staged / "manifest.json").write_text(text, "utf-8")
            atomic.publish(paths.build_dir, staged, STABLE_NAMES)
    return result


def read_manifest(build_dir: Path) -> dict[str, object]:
    """The manifest of the current build (raises if there is none or it is damaged)."""
    path = built_file(build_dir, "manifest.json")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (ValueError, OSError) as exc:
        raise KgError(
            f"cannot read the build manifest ({exc}); run 'kg build' again", file=path
        ) from exc
    if not isinstance(manifest, dict):
        raise KgError("the build manifest is damaged; run 'kg build' again", file=path)
    return manifest
