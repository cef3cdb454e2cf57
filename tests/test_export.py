"""kg.publish.export: every format round-trips, is deterministic across processes, uses kg's
prefixes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.errors import UsageError
from kg.publish.export import FORMATS, NETWORK_FORMATS, export
from kg.store import open_store

from .conftest import DATA, ROOT, SHARED, TINY, cpsv_env, need_shared

OX_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
KEEPS_GRAPHS = {"trig", "nq", "jsonld"}
RDF_EXPORTS = sorted(set(FORMATS) - set(NETWORK_FORMATS))
TRICKY = DATA / "tricky.trig"


def _statements(data: bytes, fmt: ox.RdfFormat, keep_graphs: bool) -> set[str]:
    """Statements as exact strings (pyoxigraph compares lexical forms, unlike rdflib)."""
    out = set()
    for q in ox.parse(data, format=fmt):
        triple = f"{q.subject} {q.predicate} {q.object}"
        out.add(f"{triple} {q.graph_name}" if keep_graphs else triple)
    return out


@pytest.fixture(scope="module")
def tricky_build(tmp_path_factory, cpsv):
    from kg.build import build
    from kg.paths import Paths

    root = tmp_path_factory.mktemp("tricky")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "data").mkdir()
    for path in (TINY, TRICKY):
        shutil.copy(path, root / "data" / path.name)
    paths = Paths.from_root(root, cpsv_shapes=cpsv)
    build(paths)
    return paths


@pytest.mark.parametrize("fmt", RDF_EXPORTS)
@pytest.mark.parametrize("which", ["tiny", "tricky"])
def test_export_round_trips_term_for_term(request, which: str, fmt: str) -> None:
    paths = request.getfixturevalue(f"{which}_build")
    with open_store(paths.build_dir) as store:
        built = store.dump("nq")
    keep = fmt in KEEPS_GRAPHS
    want = _statements(built, ox.RdfFormat.N_QUADS, keep)
    got = _statements(export(paths.build_dir, fmt), OX_FORMAT[fmt], keep)
    assert got == want, f"missing: {sorted(want - got)[:5]}\nextra: {sorted(got - want)[:5]}"


def test_jsonld_is_read_alike_by_pyld(tiny_build) -> None:
    """pyld (the reference JSON-LD processor for Python) finds the same statements, with the
    default graph as the default graph, not as a blank-node graph. (The tiny set: pyld itself
    rewrites "NaN"^^xsd:double as "NAN"; pyoxigraph's reader gets the awkward set exactly.)"""
    from pyld import jsonld

    with open_store(tiny_build.build_dir) as store:
        want = _statements(store.dump("nq"), ox.RdfFormat.N_QUADS, True)
    doc = json.loads(export(tiny_build.build_dir, "jsonld"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"}).encode()
    assert _statements(nquads, ox.RdfFormat.N_QUADS, True) == want


def test_jsonld_is_strict_json(tricky_build) -> None:
    text = export(tricky_build.build_dir, "jsonld").decode()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert '"@value": "123456789012345678901234567890"' in text  # a string, not a float


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_turtle_and_trig_are_accepted_by_a_second_parser(tricky_build, fmt: str) -> None:
    """kg writes Turtle and TriG with pyoxigraph; rdflib, an independent parser, reads the
    same graph (compared with rdflib's own notion of equal terms)."""
    data = export(tricky_build.build_dir, fmt)
    with open_store(tricky_build.build_dir) as store:
        built = rdflib.Dataset()
        built.parse(data=store.dump("nq"), format="nquads")
    if fmt == "ttl":
        got = rdflib.Graph().parse(data=data, format="turtle")
        want = rdflib.Graph()
        for s_, p_, o_, _g in built.quads((None, None, None, None)):
            want.add((s_, p_, o_))
        assert isomorphic(want, got), _diff(want, got)
    else:
        parsed = rdflib.Dataset()
        parsed.parse(data=data, format="trig")
        assert len(parsed) == len(built)
        names = {str(g.identifier) for g in parsed.graphs() if len(g)}
        assert names == {str(g.identifier) for g in built.graphs() if len(g)}


def _diff(a: rdflib.Graph, b: rdflib.Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    lines = [f"- {t}" for t in sorted(only_a)[:10]] + [f"+ {t}" for t in sorted(only_b)[:10]]
    return "\n".join(lines)


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_exports_use_the_project_prefixes(tiny_build, fmt: str) -> None:
    text = export(tiny_build.build_dir, fmt).decode()
    for prefix in ("kg", "cv", "dct", "programme", "tooi"):
        assert f"@prefix {prefix}: " in text
    assert "ns1:" not in text and "dcterms:" not in text
    assert "programme:tiny-programma" in text


def test_serialisation_does_not_depend_on_the_hash_seed(tricky_build) -> None:
    """Some serialisers order things by hash (rdflib's TriG did): every format must give the
    same bytes in processes with different PYTHONHASHSEED values."""
    with open_store(tricky_build.build_dir) as store:
        nquads = store.dump("nq")
    source = tricky_build.build_dir.parent / "dataset.nq"
    source.write_bytes(nquads)
    code = (
        "import hashlib, sys\n"
        "from kg.publish.export import FORMATS, NETWORK_FORMATS, serialise\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "rdf = sorted(set(FORMATS) - set(NETWORK_FORMATS))\n"
        "print(' '.join(hashlib.sha256(serialise(data, f)).hexdigest() for f in rdf))"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code, str(source)],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(digests) == 1, digests


def test_jsonld_uses_the_published_context(tiny_build) -> None:
    doc = json.loads(export(tiny_build.build_dir, "jsonld"))
    published = json.loads((ROOT / "docs" / "context.jsonld").read_text("utf-8"))
    assert doc["@context"] == published["@context"]
    text = json.dumps(doc)
    assert '"prefLabel"' in text and '"hasCompetentAuthority"' in text


def test_unknown_format_is_a_usage_error(tiny_build) -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        export(tiny_build.build_dir, "xml")


def _build_and_export(root: Path, seed: str, cpsv: Path | None) -> dict[str, bytes]:
    env = {**cpsv_env(cpsv), "PYTHONHASHSEED": seed}
    run = [sys.executable, "-m", "kg", "--root", str(root)]
    subprocess.run([*run, "build", "-q"], check=True, env=env)
    return {
        fmt: subprocess.run(
            [*run, "export", "-f", fmt], check=True, env=env, capture_output=True
        ).stdout
        for fmt in sorted(FORMATS)
    }


@pytest.mark.slow
def test_exports_are_byte_identical_across_builds_and_processes(make_project, tmp_path) -> None:
    """Two separate builds, in processes with different hash seeds, export the same bytes."""
    first = make_project(TINY)
    second_root = tmp_path / "second"
    shutil.copytree(first.ontology_dir, second_root / "ontology")
    shutil.copytree(first.data_dir, second_root / "data")
    a = _build_and_export(first.ontology_dir.parent, "1", first.cpsv_shapes)
    b = _build_and_export(second_root, "2", first.cpsv_shapes)
    for fmt in sorted(FORMATS):
        assert a[fmt], fmt
        assert a[fmt] == b[fmt], f"{fmt} export differs between runs"


# --- the network formats ----------------------------------------------------------------

KAMPEN = "https://identifier.overheid.nl/tooi/id/gemeente/gm0166"
SIB = "https://w3id.org/kg-sociaal/id/programme/samen-in-beweging"


@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
def test_network_exports_hold_the_picture_with_labels_kinds_and_sources(
    real_build, tmp_path, fmt
) -> None:
    import networkx as nx

    from kg.network import view

    path = tmp_path / f"kg.{fmt}"
    path.write_bytes(export(real_build.build_dir, fmt))
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    with open_store(real_build.build_dir) as store:
        drawn = view(store)
    assert graph.number_of_nodes() == drawn.number_of_nodes()
    assert graph.number_of_edges() == drawn.number_of_edges()
    # Every node carries its IRI (GraphML ids are n0, n1, ...: an IRI is no XML name).
    graph = nx.relabel_nodes(graph, {n: d["iri"] for n, d in graph.nodes(data=True)})
    kampen = graph.nodes[KAMPEN]
    assert (kampen["label"], kampen["kind"], kampen["kind_label"]) == (
        "Gemeente Kampen",
        "municipality",
        "gemeente",
    )
    assert "CBS Gebiedsindelingen 2025" in kampen["sources"]
    # who works with whom: Kampen takes part in Samen in Beweging (the seed says so); where
    # things are is an attribute (the reference file puts Kampen in IJsselland, Overijssel)
    (link,) = graph.get_edge_data(KAMPEN, SIB).values()
    assert link["label"] == "deelnemende gemeente van"
    assert link["sources"] == "ZonMw-projectpagina's Samen in Beweging met kwetsbare bewoners"
    assert graph.get_edge_data(SIB, KAMPEN) is None  # "loopt in" is geography, not a link
    assert {"GGD IJsselland (GGD-regio)", "Overijssel"} <= set(kampen["places"].split("; "))
    assert "Gemeente Kampen" in graph.nodes[SIB]["places"].split("; ")
    assert graph.nodes[SIB]["status"] == "afgelopen"  # K12: the derived status


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_exports_of_every_kind(real_build, tmp_path, fmt) -> None:
    """--types all: every kind, as kg viz --types all draws it (places as nodes again)."""
    import networkx as nx

    from kg.build.netfacts import KINDS
    from kg.network import view

    path = tmp_path / f"all.{fmt}"
    kinds = [k.key for k in KINDS]
    path.write_bytes(export(real_build.build_dir, fmt, kinds=kinds))
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    with open_store(real_build.build_dir) as store:
        drawn = view(store, kinds=kinds)
    # the export holds every node; the picture leaves those without a link out, counted
    assert graph.number_of_nodes() == drawn.number_of_nodes() + drawn.graph["isolated"]
    assert graph.number_of_edges() == drawn.number_of_edges()
    kinds_drawn = {d["kind"] for _, d in graph.nodes(data=True)}
    assert {"region", "source", "finding"} <= kinds_drawn


def test_network_exports_follow_the_language_and_carry_no_date(real_build) -> None:
    every = ["programme", "municipality", "region"]
    english = export(real_build.build_dir, "gexf", "en", every).decode("utf-8")
    dutch = export(real_build.build_dir, "gexf", "nl", every).decode("utf-8")
    assert 'label="within"' in english and 'label="ligt in"' not in english
    assert 'label="ligt in"' in dutch
    default = export(real_build.build_dir, "gexf", "en").decode("utf-8")
    assert "participating municipality of" in default
    assert 'label="deelnemende gemeente van"' not in default
    assert "lastmodifieddate" not in english
    assert "<creator>kg " in english


SCHEMAS = {
    "graphml": ("graphml-1.0", "graphml.xsd"),
    "gexf": ("gexf-1.2draft", "gexf.xsd"),
}


@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
def test_network_exports_are_valid_against_their_schemas(real_build, fmt) -> None:
    """The schemas users' tools apply (../shared/standards/): GraphML 1.0 and GEXF 1.2draft;
    GraphML's edge ids are unique, so yEd keeps every edge."""
    import xml.etree.ElementTree as ET

    import xmlschema

    folder, name = SCHEMAS[fmt]
    path = SHARED / "standards" / folder / name
    if not path.is_file():
        need_shared(f"the {fmt} schema (../shared/standards/{folder}/)")
    from kg.build.netfacts import KINDS

    schema = xmlschema.XMLSchema(str(path))
    for kinds, least in ((None, 50), ([k.key for k in KINDS], 1000)):  # default, every kind
        data = export(real_build.build_dir, fmt, kinds=kinds)
        errors = list(schema.iter_errors(data.decode("utf-8")))
        assert errors == [], [e.reason for e in errors[:3]]
        ids = [e.get("id") for e in ET.fromstring(data).iter() if e.tag.endswith("}edge")]
        assert len(ids) == len(set(ids)) > least
