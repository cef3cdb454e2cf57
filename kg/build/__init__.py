"""ontology/ + data/ -> a validated dataset with a named graph per source -> build/.

Inputs: every ``*.ttl`` in ``ontology/`` except ``shapes.ttl`` (loaded into the ontology's
own named graph), and every ``*.ttl`` and ``*.trig`` under ``data/`` (sub-folders and linked
folders included). In TriG files each named graph is the graph of one source (its IRI is the
source's IRI); triples of Turtle files and of TriG default graphs go to the default graph,
which may hold only the project's code lists (see :mod:`kg.validate`).

Outputs, written atomically (see :mod:`kg.atomic`): ``build/store`` (an on-disk pyoxigraph
store that later commands open without re-parsing), ``build/kg.trig`` (named graphs kept),
``build/kg.ttl`` (graphs merged), ``build/manifest.json`` (counts and input checksums), and
what commands read instead of the whole store: ``build/names.sqlite`` (:mod:`kg.store.names`),
``build/search.sqlite`` (:mod:`kg.store.search`) and ``build/network.json``
(:mod:`kg.build.netfile`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg import atomic
from kg.build import netfile, status
from kg.errors import KgError
from kg.namespaces import ONTOLOGY_IRI
from kg.paths import Paths
from kg.store import LocalStore, built_file
from kg.store import names as name_index
from kg.store import search as search_index
from kg.store.files import (  # noqa: F401 - the build's inputs, also part of its API
    DATA_SUFFIXES,
    UNSUPPORTED_RDF,
    InputFile,
    Loaded,
    Progress,
    input_files,
    load_sources,
    ontology_files,
    parse_file,
    read_bytes,
    read_graph,
)
from kg.version import __version__

STABLE_NAMES = (
    "store",
    "names.sqlite",
    "search.sqlite",
    "network.json",
    "kg.trig",
    "kg.ttl",
    "manifest.json",
)


def _quiet(_: str) -> None:
    pass


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


def build(
    paths: Paths, progress: Progress = _quiet, engine: str = "auto", as_of: date | None = None
) -> BuildResult:
    """Parse, validate and write the build. Raises :class:`ValidationFailed` (nothing written)
    when the data does not conform, :class:`KgError` for unreadable input. ``engine`` picks
    the SHACL engine (see :data:`kg.validate.ENGINES`); ``as_of`` is the reference date of
    the derived status of programmes (default: today; see :mod:`kg.build.status`)."""
    from kg.store.rdf import serialise_quads
    from kg.validate import (
        ValidationFailed,
        choose_engine,
        load_shapes,
        locate,
        shape_sets,
        validate_store,
    )

    protected = (paths.ontology_dir, paths.data_dir)
    atomic.check_claim(paths.build_dir, protected)  # before any work, and writing nothing
    files = input_files(paths)  # missing folders first, with the --root hint
    shapes = load_shapes(paths)  # a missing shapes file should not wait for parsing
    _, how = choose_engine(shapes, engine)  # nor shapes that the chosen engine cannot run
    loaded = load_sources(paths, progress, files)
    day = as_of or date.today()
    derived = status.derive(loaded.store, day)
    if derived is not None:
        progress(f"deriving the status of programmes on {day.isoformat()}")
        loaded.store.load(derived.encode("utf-8"), "ttl", status.GRAPH)
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
        "as_of": day.isoformat(),
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
            loaded.store.save(staged / "store")
            pairs = loaded.store.select_values(name_index.NAMES_SPARQL, ("r", "name"))
            name_index.write(pairs, staged / name_index.FILE)
            progress("indexing names and descriptions for kg search")
            search_index.write(loaded.store, staged / search_index.FILE)
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
