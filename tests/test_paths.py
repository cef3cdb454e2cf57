"""kg.paths: where inputs and outputs are, and how the CPSV-AP shapes are found."""

from __future__ import annotations

from pathlib import Path

from kg.paths import CPSV_SHAPES_RELATIVE, REFERENCE_RELATIVE, Paths


def test_defaults_are_relative_to_the_root() -> None:
    paths = Paths.from_root("/p")
    assert paths.ontology_dir == Path("/p/ontology") and paths.data_dir == Path("/p/data")
    assert paths.build_dir == Path("/p/build") and paths.shapes_file == Path(
        "/p/ontology/shapes.ttl"
    )
    assert paths.cpsv_shapes == Path("/p") / CPSV_SHAPES_RELATIVE
    assert paths.reference_dir == Path("/p") / REFERENCE_RELATIVE


def test_cpsv_shapes_option_beats_environment_beats_default(monkeypatch) -> None:
    monkeypatch.setenv("KG_CPSV_SHAPES", "/env/shapes.ttl")
    assert Paths.from_root("/p").cpsv_shapes == Path("/env/shapes.ttl")
    assert Paths.from_root("/p", cpsv_shapes="/opt.ttl").cpsv_shapes == Path("/opt.ttl")
    assert Paths.from_root("/p", use_cpsv=False).cpsv_shapes is None
