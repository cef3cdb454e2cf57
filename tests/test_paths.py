"""kg.paths: where inputs and outputs are, and how the CPSV-AP shapes are found."""

from __future__ import annotations

from pathlib import Path

from kg.paths import CPSV_SHAPES_RELATIVE, REFERENCE_RELATIVE, Paths


def test_defaults_are_relative_to_the_root(monkeypatch) -> None:
    monkeypatch.delenv("KG_CPSV_SHAPES", raising=False)
    paths = Paths.from_root("/p")
    assert paths.ontology_dir == Path("/p/ontology") and paths.data_dir == Path("/p/data")
    assert paths.build_dir == Path("/p/build") and paths.shapes_file == Path(
        "/p/ontology/shapes.ttl"
    )
    assert (
        paths.reference_dir == Path("/p/data/reference/inputs") == Path("/p") / REFERENCE_RELATIVE
    )


def test_official_shapes_beside_the_project_are_used_when_there(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("KG_CPSV_SHAPES", raising=False)
    root = tmp_path / "kg"
    root.mkdir()
    assert Paths.from_root(root).cpsv_shapes is None  # a bare clone: kg's shapes alone
    shapes = root / CPSV_SHAPES_RELATIVE
    shapes.parent.mkdir(parents=True)
    shapes.write_text("", "utf-8")
    found = Paths.from_root(root).cpsv_shapes
    assert found is not None and found.resolve() == tmp_path / "shared" / "standards" / shapes.name


def test_cpsv_shapes_option_beats_environment_beats_default(monkeypatch) -> None:
    monkeypatch.setenv("KG_CPSV_SHAPES", "/env/shapes.ttl")
    # A named file is kept even where it is missing: loading it then says so (exit 2).
    assert Paths.from_root("/p").cpsv_shapes == Path("/env/shapes.ttl")
    assert Paths.from_root("/p", cpsv_shapes="/opt.ttl").cpsv_shapes == Path("/opt.ttl")
    assert Paths.from_root("/p", use_cpsv=False).cpsv_shapes is None
