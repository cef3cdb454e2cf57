"""kg.build: parsing with file and line in errors, validation before writing, atomic outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import build, input_files, read_manifest
from kg.errors import DataSyntaxError, KgError, ValidationFailed
from kg.store import open_store

from .conftest import INVALID, TINY

PREFIX = "@prefix ex: <https://example.org/> .\n"

# (file name, content, line the error must name or None, words the message must contain)
SYNTAX_ERRORS = [
    ("missing-dot.ttl", PREFIX + 'ex:a ex:b "x"\nex:c ex:d ex:e .\n', 3, ""),
    ("unknown-prefix.ttl", PREFIX + "ex:a nope:b ex:c .\n", 2, "nope"),
    ("unclosed-string.ttl", PREFIX + '\n\nex:a ex:b "never closed .\n', 4, ""),
    ("bad-iri.ttl", PREFIX + "ex:a ex:b <not an iri> .\n", 2, ""),
    ("unclosed-graph.trig", PREFIX + "ex:g {\n ex:a ex:b ex:c .\n", 4, "end"),  # at end of file
    ("empty.ttl", "", None, "holds no triples"),
    ("comments-only.ttl", "# nothing here\n", None, "holds no triples"),
    ("latin1.ttl", None, 2, "UTF-8"),  # written as Latin-1 bytes below
]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"), SYNTAX_ERRORS, ids=[row[0] for row in SYNTAX_ERRORS]
)
def test_syntax_errors_name_file_and_line(make_project, name, text, line, words) -> None:
    paths = make_project(TINY)
    target = paths.data_dir / name
    if text is None:
        target.write_bytes(PREFIX.encode() + 'ex:a ex:b "Fryslân" .\n'.encode("latin-1"))
    else:
        target.write_text(text, "utf-8")
    with pytest.raises(DataSyntaxError) as info:
        build(paths)
    err = info.value
    assert err.file == str(target)
    assert err.line == line
    message = str(err)
    assert "\n" not in message
    assert message.startswith(f"{target}:{line}: " if line else f"{target}: ")
    assert words in message
    assert not paths.build_dir.exists(), "a failed parse must write nothing"


def test_missing_data_folder_is_a_clear_error(make_project) -> None:
    paths = make_project(TINY)
    (paths.data_dir / TINY.name).unlink()
    paths.data_dir.rmdir()
    with pytest.raises(KgError, match="data folder not found"):
        build(paths)


def test_inputs_are_ontology_then_sorted_data(make_project) -> None:
    paths = make_project(TINY, ("b.ttl", "x"), ("a.trig", "x"), ("notes.txt", "ignored"))
    names = [f.path.name for f in input_files(paths)]
    assert names == ["kg.ttl", "a.trig", "b.ttl", "tiny.trig"]


def test_build_writes_store_and_files_and_summarises(make_project) -> None:
    paths = make_project(TINY)
    result = build(paths)
    counts = {label: n for label, _, n in result.classes}
    # tiny.trig holds exactly one of each of these (checked by reading the file).
    for label in (
        "project",
        "intervention",
        "municipality",
        "law",
        "accord",
        "funding scheme",
        "GGD region",
        "participation",
        "phase",
        "source",
    ):
        assert counts.get(label) == 1, (label, counts)
    assert counts["concept"] == 4
    assert [title for title, _, _ in result.sources] == ["Testbron"]
    for name in ("kg.ttl", "kg.trig", "manifest.json"):
        assert (paths.build_dir / name).is_file()
    with open_store(paths.build_dir) as store:
        assert store.ask("ASK { ?p a <https://w3id.org/kg-sociaal/def#Project> }")
    manifest = read_manifest(paths.build_dir)
    assert manifest["triples"] == result.triples
    assert {Path(i["file"]).name for i in manifest["inputs"]} == {"kg.ttl", "tiny.trig"}


def test_failed_validation_leaves_the_previous_build_untouched(make_project) -> None:
    paths = make_project(TINY)
    build(paths)
    before = {
        p.name: p.read_bytes() for p in (paths.build_dir / "current").iterdir() if p.is_file()
    }
    current = os.readlink(paths.build_dir / "current")
    (paths.data_dir / "bad.trig").write_bytes((INVALID / "law-bad-bwb.trig").read_bytes())
    with pytest.raises(ValidationFailed) as info:
        build(paths)
    assert any("BWB" in v.message for v in info.value.report.violations)
    assert os.readlink(paths.build_dir / "current") == current
    after = {p.name: p.read_bytes() for p in (paths.build_dir / "current").iterdir() if p.is_file()}
    assert after == before


def test_rebuild_switches_generation_and_cleans_old_ones(make_project) -> None:
    paths = make_project(TINY)
    build(paths)
    first = os.readlink(paths.build_dir / "current")
    stale = paths.build_dir / ".gen-left-by-a-killed-build"
    stale.mkdir()
    build(paths)
    second = os.readlink(paths.build_dir / "current")
    assert first != second
    generations = sorted(p.name for p in paths.build_dir.iterdir() if "gen-" in p.name)
    assert generations == [second]
    assert os.readlink(paths.build_dir / "kg.ttl") == "current/kg.ttl"


def test_same_input_gives_byte_identical_build_files(make_project, tmp_path) -> None:
    paths = make_project(TINY)
    build(paths)
    first = {n: (paths.build_dir / n).read_bytes() for n in ("kg.ttl", "kg.trig")}
    build(paths)
    assert first == {n: (paths.build_dir / n).read_bytes() for n in ("kg.ttl", "kg.trig")}


def test_a_second_build_while_one_is_writing_fails_cleanly(make_project) -> None:
    from kg import atomic

    paths = make_project(TINY)
    with atomic.locked(paths.build_dir), pytest.raises(KgError, match="another kg build"):
        build(paths)


@pytest.mark.parametrize("name", ["extra.nt", "extra.jsonld", "extra.rdf"])
def test_unsupported_rdf_files_in_data_are_refused_not_skipped(make_project, name) -> None:
    paths = make_project(TINY, (name, "<a> <b> <c> ."))
    with pytest.raises(KgError, match=r"reads Turtle \(\.ttl\) and TriG"):
        build(paths)


def test_upper_case_suffix_and_byte_order_mark_are_accepted(make_project) -> None:
    paths = make_project(TINY)
    (paths.data_dir / "tiny.trig").rename(paths.data_dir / "TINY.TRIG")
    text = (paths.data_dir / "TINY.TRIG").read_bytes()
    (paths.data_dir / "TINY.TRIG").write_bytes(b"\xef\xbb\xbf" + text)
    assert build(paths).triples > 0


def test_missing_cpsv_shapes_fail_before_parsing(make_project, tmp_path) -> None:
    paths = make_project(TINY, ("broken.ttl", "this is not turtle"))
    from kg.paths import Paths

    missing = Paths(paths.ontology_dir, paths.data_dir, paths.build_dir, tmp_path / "none.ttl")
    with pytest.raises(KgError, match=r"CPSV-AP 3\.2\.0 shapes not found"):
        build(missing)
