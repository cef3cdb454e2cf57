"""The benchmark suite's smoke run (K7): the synthetic national graph at scale 0.01 is
deterministic and valid, and bench/run.py measures everything it promises on it. Correctness,
not speed: timings are printed by the benchmark, never asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generate import generate
from bench.run import CASES, EXPORTS, Recorder
from bench.run import main as run_bench
from kg.ask.queries import load_queries
from kg.build import build
from kg.paths import Paths
from kg.store import open_store

from .conftest import ROOT, cpsv_shapes_path

CPSV = cpsv_shapes_path()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "data" / "synthetic").iterdir())}


def test_the_synthetic_graph_is_deterministic_and_valid(tmp_path) -> None:
    counts = generate(tmp_path / "a", 0.01, seed=7)
    generate(tmp_path / "b", 0.01, seed=7)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    generate(tmp_path / "c", 0.01, seed=8)
    assert _files(tmp_path / "c") != _files(tmp_path / "a")
    assert counts["programmes"] == 50 and counts["organisations"] == 30

    paths = Paths.from_root(tmp_path / "a", cpsv_shapes=CPSV, use_cpsv=CPSV is not None)
    result = build(paths)  # raises ValidationFailed if the generated data does not conform
    store = open_store(paths.build_dir)
    synthetic = store.select(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p <http://purl.org/dc/terms/identifier> ?id "
        'FILTER(STRSTARTS(STR(?p), "https://w3id.org/kg-sociaal/id/programme/synthetisch-")) }'
    ).rows[0][0]
    assert int(synthetic) == 50
    # Every programme runs in 1 to 6 municipalities and has 2 to 8 partners.
    per_programme = store.select(
        "PREFIX cv: <http://data.europa.eu/m8g/> PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?p (COUNT(DISTINCT ?place) AS ?places) WHERE { ?p dct:spatial ?place "
        'FILTER(STRSTARTS(STR(?p), "https://w3id.org/kg-sociaal/id/programme/synthetisch-")) } '
        "GROUP BY ?p"
    ).rows
    assert len(per_programme) == 50 and all(1 <= int(n) <= 6 for _, n in per_programme)
    assert result.triples > 10_000  # kg's own graph plus the synthetic sources


@pytest.mark.parametrize("scale", [0, -1, 11])
def test_a_scale_out_of_range_is_refused(tmp_path, scale) -> None:
    with pytest.raises(ValueError, match="--scale"):
        generate(tmp_path / "x", scale)


def test_the_recorder_sees_every_kind_of_select() -> None:
    """The raw-engine floor replays what the recorder saw: a kind of SELECT it let through
    unrecorded would leave that query out of the floor."""
    from kg.store import Store

    kinds = {name for name in vars(Store) if name.startswith(("select", "ask", "construct"))}
    assert {"select", "select_values", "select_rows", "select_plain"} <= kinds
    assert kinds - {"ask", "construct"} <= set(vars(Recorder))


@pytest.mark.slow
def test_the_benchmark_runs_and_reports_every_measure(tmp_path) -> None:
    out = tmp_path / "results"
    code = run_bench(
        [
            *("--scale", "0.01", "--runs", "1", "--quick", "--rdflib-limit", "2"),
            *("--out", str(out), "--work", str(tmp_path / "work")),
        ]
    )
    assert code == 0
    data = json.loads((out / "run.json").read_text())
    (size,) = data["sizes"]
    assert size["name"] == "0.01" and size["statements"] > 10_000
    names = {m["name"] for m in size["measures"]}
    expected = {"kg build", "kg --help", "kg query run (whole process)", "kg viz (whole graph)"}
    expected |= {f"kg export {fmt}" for fmt in EXPORTS}
    expected |= {f"query {q}" for q in load_queries(ROOT / "queries")}
    assert expected <= names
    assert sum(name.startswith("case ") for name in names) == len(CASES)
    for m in size["measures"]:
        assert m["seconds"] > 0 and len(m["runs"]) == 1
        if m["name"].startswith("query "):
            # kg's table has one row per row of the query's own SPARQL on raw pyoxigraph.
            assert m["rows"] == m["floor_rows"], m["name"]
            assert m["floor_s"] > 0 and m["rdflib_s"] is not None
            assert m["rdflib_form"] in ("terms", "initBindings")
    table = (out / "run.md").read_text()
    assert "## 0.01" in table and "| kg build |" in table
    # Again, the queries and cases alone, on the build the first run left in --work.
    again = tmp_path / "again"
    code = run_bench(
        [
            *("--scale", "0.01", "--runs", "1", "--engine-only", "--rdflib-limit", "2"),
            *("--out", str(again), "--work", str(tmp_path / "work")),
        ]
    )
    assert code == 0
    (alone,) = json.loads((again / "run.json").read_text())["sizes"]
    assert alone["statements"] == size["statements"]
    assert {m["name"] for m in alone["measures"]} == {
        n for n in names if n.startswith(("query ", "case "))
    }
    assert "(`--engine-only`)" in (again / "run.md").read_text()
    # Every target not met is named with a profile of where its time goes (bench/explain.py).
    unmet = [m["name"] for m in size["measures"] if m["met"] is False]
    explained = table.split("## Targets not met, and why\n", 1)[1]
    if not unmet:
        assert "every target is met" in explained
    for name in unmet:
        profile = explained.split(f"### {name}\n", 1)[1].split("\n### ")[0]
        assert "| function | calls | own | cumulative |" in profile
        assert "`kg/" in profile, name  # kg's own functions are in it


@pytest.mark.slow
def test_the_serve_load_bench_measures_pages_beside_a_busy_sparql(real_build) -> None:
    """bench/serve_load.py on the real build, briefly: pages answer (no error) while heavy
    queries keep /sparql busy; /sparql answers only 200 or 503; no traceback in the log.
    Its times and memory are printed by the bench, not asserted."""
    from bench.serve_load import run

    figures = run(real_build.build_dir, seconds=4, clients=2, heavy=3)
    assert figures["pages"] > 0 and figures["page_errors"] == 0, figures
    assert set(figures["sparql"]) <= {"200", "503"} and "503" in figures["sparql"], figures
    assert figures["tracebacks_in_log"] == 0 and figures["peak_memory_mb"] > 0
