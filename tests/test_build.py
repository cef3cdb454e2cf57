"""kg.build: parsing with file and line in errors, validation before writing, atomic outputs."""

from __future__ import annotations

import os

import pytest

from kg.build import build, input_files, read_manifest
from kg.errors import DataSyntaxError, KgError
from kg.store import open_store
from kg.validate import ValidationFailed

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
        "intervention or method",
        "government programme",
        "finding",
        "person",
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
    assert [i["file"] for i in manifest["inputs"]] == ["ontology/kg.ttl", "data/tiny.trig"]
    import hashlib

    assert manifest["inputs"][1]["sha256"] == hashlib.sha256(TINY.read_bytes()).hexdigest()


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


def test_rebuild_switches_generation_keeps_one_previous_and_cleans_the_rest(make_project):
    paths = make_project(TINY)
    gens = []
    for _ in range(3):
        build(paths)
        gens.append(os.readlink(paths.build_dir / "current"))
    assert len(set(gens)) == 3
    stale = paths.build_dir / ".gen-0123456789ab"  # staging left by a killed build
    stale.mkdir()
    foreign = paths.build_dir / "gen-photos"  # not a name kg makes: never touched
    foreign.mkdir()
    build(paths)
    current = os.readlink(paths.build_dir / "current")
    left = sorted(p.name for p in paths.build_dir.iterdir() if "gen-" in p.name)
    assert left == sorted(["gen-photos", gens[-1], current])
    assert os.readlink(paths.build_dir / "kg.ttl") == "current/kg.ttl"


@pytest.mark.parametrize("where", ["data", "ontology", "root", "inside-data"])
def test_build_folder_may_not_overlap_the_inputs(make_project, where) -> None:
    from kg.paths import Paths

    paths = make_project(TINY)
    root = paths.ontology_dir.parent
    target = {
        "data": paths.data_dir,
        "ontology": paths.ontology_dir,
        "root": root,
        "inside-data": paths.data_dir / "out",
    }[where]
    before = sorted(p.name for p in root.rglob("*"))
    bad = Paths(paths.ontology_dir, paths.data_dir, target, paths.cpsv_shapes)
    with pytest.raises(KgError, match="build folder must be outside"):
        build(bad)
    assert sorted(p.name for p in root.rglob("*")) == before


def test_a_foreign_non_empty_build_folder_is_refused(make_project, tmp_path) -> None:
    from kg.paths import Paths

    paths = make_project(TINY)
    foreign = tmp_path / "photos"
    (foreign / "store").mkdir(parents=True)
    (foreign / "kg.ttl").write_text("my own file")
    bad = Paths(paths.ontology_dir, paths.data_dir, foreign, paths.cpsv_shapes)
    with pytest.raises(KgError, match="not made by 'kg build'"):
        build(bad)
    assert (foreign / "kg.ttl").read_text() == "my own file" and (foreign / "store").is_dir()


@pytest.mark.parametrize(
    ("case", "text", "words"),
    [
        (
            "subclass",
            "<https://example.org/X> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            "<https://w3id.org/kg-sociaal/def#Programme> .",
            "schema statements belong",
        ),
        (
            "class",
            "<https://example.org/X> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://www.w3.org/2002/07/owl#Class> .",
            "schema statements belong",
        ),
        (
            "ontology-graph",
            "<https://w3id.org/kg-sociaal/def> { <https://example.org/a> "
            "<https://example.org/b> <https://example.org/c> . }",
            "ontology graph",
        ),
        (
            "triple-term",
            "<https://example.org/a> <https://example.org/b> "
            "<<( <https://example.org/a> <https://example.org/b> <https://example.org/c> )>> .",
            "triple terms",
        ),
        (
            "direction",
            '<https://example.org/a> <https://example.org/b> "x"@en--ltr .',
            "text direction",
        ),
    ],
)
def test_data_may_not_change_the_vocabulary_or_use_rdf_1_2(make_project, case, text, words):
    paths = make_project(TINY, (f"{case}.trig", text))
    with pytest.raises(KgError, match=words) as info:
        build(paths)
    assert info.value.file == str(paths.data_dir / f"{case}.trig")


def test_broken_links_are_errors(make_project) -> None:
    paths = make_project(TINY)
    (paths.data_dir / "gone.ttl").symlink_to(paths.data_dir / "missing.ttl")
    with pytest.raises(KgError, match="broken link"):
        build(paths)


def test_linked_folders_are_read(make_project, tmp_path) -> None:
    paths = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / TINY.name).write_bytes(TINY.read_bytes())
    (paths.data_dir / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert [t for t, _, _ in build(paths).sources] == ["Testbron"]


def test_empty_data_folder_is_an_error_and_keeps_the_previous_build(make_project) -> None:
    paths = make_project(TINY)
    build(paths)
    current = os.readlink(paths.build_dir / "current")
    (paths.data_dir / TINY.name).unlink()
    with pytest.raises(KgError, match="no data files"):
        build(paths)
    assert os.readlink(paths.build_dir / "current") == current


def test_same_input_gives_byte_identical_build_files(make_project, tmp_path) -> None:
    paths = make_project(TINY)
    build(paths)
    first = {n: (paths.build_dir / n).read_bytes() for n in ("kg.ttl", "kg.trig")}
    build(paths)
    assert first == {n: (paths.build_dir / n).read_bytes() for n in ("kg.ttl", "kg.trig")}


def test_a_second_build_while_one_is_writing_fails_cleanly(make_project) -> None:
    from kg import atomic

    paths = make_project(TINY)
    atomic.claim(paths.build_dir)  # as the other build did
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


def test_hidden_folders_and_non_rdf_files_are_ignored(make_project) -> None:
    paths = make_project(TINY)
    (paths.data_dir / ".vscode").mkdir()
    (paths.data_dir / ".vscode" / "settings.json").write_text("{}")
    (paths.data_dir / ".ipynb_checkpoints").mkdir()
    (paths.data_dir / ".ipynb_checkpoints" / "old.trig").write_text("not even turtle")
    (paths.data_dir / "notes.json").write_text("{}")
    (paths.data_dir / "municipalities.csv").write_text("a,b\n")
    assert [f.path.name for f in input_files(paths)][1:] == ["tiny.trig"]


def test_a_folder_named_like_a_data_file_is_walked(make_project) -> None:
    paths = make_project()
    (paths.data_dir / "x.ttl").mkdir()
    (paths.data_dir / "x.ttl" / TINY.name).write_bytes(TINY.read_bytes())
    assert [f.path.name for f in input_files(paths)][1:] == ["tiny.trig"]


def test_a_fifo_in_data_is_refused_not_waited_for(make_project) -> None:
    paths = make_project(TINY)
    os.mkfifo(paths.data_dir / "pipe.ttl")
    with pytest.raises(KgError, match="not a regular file"):
        input_files(paths)


def test_a_build_folder_reached_through_a_linked_data_folder_is_refused(make_project, tmp_path):
    from kg.paths import Paths

    paths = make_project(TINY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (paths.data_dir / "linked").symlink_to(elsewhere, target_is_directory=True)
    bad = Paths(paths.ontology_dir, paths.data_dir, elsewhere / "build", paths.cpsv_shapes)
    with pytest.raises(KgError, match="build folder is inside data/"):
        build(bad)


def test_a_file_name_that_is_not_utf8_is_a_clear_error(make_project) -> None:
    paths = make_project(TINY)
    name = os.fsdecode(b"caf\xe9.ttl")
    (paths.data_dir / name).write_text("<a:b> <a:c> <a:d> .")
    with pytest.raises(KgError, match="not valid UTF-8") as info:
        input_files(paths)
    assert "caf\\xe9.ttl" in str(info.value)
    str(info.value).encode("utf-8")  # printable


def test_publish_checks_before_switching(make_project) -> None:
    paths = make_project(TINY)
    build(paths)
    current = os.readlink(paths.build_dir / "current")
    (paths.build_dir / "store").unlink()
    (paths.build_dir / "store").mkdir()  # someone put a real folder where kg keeps a link
    with pytest.raises(KgError, match="not a link made by kg build"):
        build(paths)
    assert os.readlink(paths.build_dir / "current") == current
    assert not [p for p in paths.build_dir.iterdir() if p.name.startswith(".gen-")]


def test_manifest_paths_do_not_depend_on_how_root_was_given(make_project, monkeypatch) -> None:
    from kg.paths import Paths

    paths = make_project(TINY)
    root = paths.ontology_dir.parent
    build(paths)
    absolute = read_manifest(paths.build_dir)["inputs"]
    monkeypatch.chdir(root)
    build(Paths.from_root(".", cpsv_shapes=paths.cpsv_shapes))
    assert read_manifest(paths.build_dir)["inputs"] == absolute
