"""kg.export: every format round-trips, is deterministic across processes, uses kg's prefixes."""

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
from kg.export import FORMATS, export
from kg.store import open_store

from .conftest import ROOT, TINY

RDFLIB_FORMAT = {"ttl": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}
KEEPS_GRAPHS = {"trig", "nq", "jsonld"}


def _diff(a: rdflib.Graph, b: rdflib.Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    lines = [f"- {t}" for t in sorted(only_a)[:10]] + [f"+ {t}" for t in sorted(only_b)[:10]]
    return "\n".join(lines)


def _graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    out = {}
    for g in ds.graphs():
        if len(g):
            name = str(g.identifier)
            out["DEFAULT" if "default" in name and name.startswith("urn:x-rdflib") else name] = g
    return out


def _built(paths) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    with open_store(paths.build_dir) as store:
        ds.parse(data=store.dump("nq"), format="nquads")
    return ds


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_round_trips(tiny_build, fmt: str) -> None:
    data = export(tiny_build.build_dir, fmt)
    built = _built(tiny_build)
    if fmt in KEEPS_GRAPHS:
        parsed = rdflib.Dataset()
        parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
        want, got = _graphs(built), _graphs(parsed)
        assert sorted(got) == sorted(want)
        for name, graph in want.items():
            assert isomorphic(graph, got[name]), f"graph {name}:\n{_diff(graph, got[name])}"
    else:
        parsed_graph = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        union = rdflib.Graph()
        for s, p, o, _g in built.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, parsed_graph), _diff(union, parsed_graph)


def test_turtle_export_is_accepted_by_pyoxigraph(tiny_build) -> None:
    data = export(tiny_build.build_dir, "ttl")
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(rdflib.Graph().parse(data=data, format="turtle"))


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_exports_use_the_project_prefixes(tiny_build, fmt: str) -> None:
    text = export(tiny_build.build_dir, fmt).decode()
    for prefix in ("kg", "cv", "dct", "programme", "tooi"):
        assert f"@prefix {prefix}: " in text
    assert "ns1:" not in text and "dcterms:" not in text
    assert "programme:tiny-programma" in text


def test_serialisation_does_not_depend_on_the_hash_seed(tiny_build) -> None:
    """rdflib orders some things by hash (its TriG serialiser did): every format must give the
    same bytes in processes with different PYTHONHASHSEED values."""
    with open_store(tiny_build.build_dir) as store:
        nquads = store.dump("nq")
    source = tiny_build.build_dir.parent / "dataset.nq"
    source.write_bytes(nquads)
    code = (
        "import hashlib, sys\n"
        "from kg.export import FORMATS, serialise\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "print(' '.join(hashlib.sha256(serialise(data, f)).hexdigest() for f in sorted(FORMATS)))"
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


def test_jsonld_is_read_alike_by_an_independent_processor(tiny_build) -> None:
    """pyld (the reference JSON-LD processor for Python) finds the same graphs, with the
    default graph as the default graph, not as a blank-node graph."""
    from pyld import jsonld

    doc = json.loads(export(tiny_build.build_dir, "jsonld"))
    parsed = rdflib.Dataset()
    parsed.parse(data=jsonld.to_rdf(doc, {"format": "application/n-quads"}), format="nquads")
    want, got = _graphs(_built(tiny_build)), _graphs(parsed)
    assert sorted(got) == sorted(want)
    for name, graph in want.items():
        assert isomorphic(graph, got[name]), f"graph {name}:\n{_diff(graph, got[name])}"


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
    env = {**os.environ, "PYTHONHASHSEED": seed, "KG_CPSV_SHAPES": str(cpsv)}
    run = [sys.executable, "-m", "kg", "--root", str(root)]
    subprocess.run([*run, "build", "-q"], check=True, env=env)
    return {
        fmt: subprocess.run(
            [*run, "export", "-f", fmt], check=True, env=env, capture_output=True
        ).stdout
        for fmt in sorted(FORMATS)
    }


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
