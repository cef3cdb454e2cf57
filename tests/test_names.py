"""The build's name index (kg.store.names): resolution through it gives exactly what the full path
gives (answers and errors), and a build without it still works."""

from __future__ import annotations

import pytest

import kg.ask.resolve
from kg.ask.resolve import resolve_resource
from kg.errors import UsageError
from kg.paths import Paths
from kg.store import LocalStore, built_file, open_store
from kg.store.names import FILE, open_index

KG = "https://w3id.org/kg-sociaal/def#"
PROGRAMME = "https://w3id.org/kg-sociaal/id/programme/"

# (what a person types, the classes asked for); every row is resolved both ways.
INPUTS = [
    ("Samen in Beweging", ()),
    ("samen  in BEWEGING", (KG + "Approach",)),
    ("Samen in Beweging", (KG + "Law",)),  # a name of the wrong kind
    ("Welzijn op Recept", (KG + "Approach",)),
    ("Kampen", ()),
    ("Wmo 2015", (KG + "PolicyInstrument",)),
    ("Participatiewet", ()),
    ("Samen in Bewegin", ()),  # a typo: no match, closest names
    ("", ()),
    (PROGRAMME + "samen-in-beweging", (KG + "Approach",)),
    (PROGRAMME + "samen-in-beweging", (KG + "Law",)),
    ("programme:samen-in-beweging", ()),
]


def _outcome(store: LocalStore, text: str, classes: tuple[str, ...]) -> str:
    try:
        return str(resolve_resource(store, text, classes))
    except UsageError as exc:
        return f"error: {exc}"


@pytest.mark.parametrize(("text", "classes"), INPUTS)
def test_the_index_gives_what_the_full_path_gives(
    real_build: Paths, text: str, classes: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(real_build.build_dir) as store:
        assert store.name_index is not None
        fast = _outcome(store, text, classes)
        monkeypatch.setattr(LocalStore, "name_index", property(lambda self: None))
        full = _outcome(store, text, classes)
    assert fast == full


def test_a_unique_name_needs_no_scan_of_all_names(
    real_build: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_scan(*_args: object, **_kw: object) -> None:
        raise AssertionError("read every name")

    monkeypatch.setattr(kg.ask.resolve, "_candidates", no_scan)
    with open_store(real_build.build_dir) as store:
        iri = resolve_resource(store, "Samen in Beweging", (KG + "Approach",))
    assert str(iri) == PROGRAMME + "samen-in-beweging"


def test_the_index_holds_every_name_normalised(real_build: Paths) -> None:
    index = open_index(built_file(real_build.build_dir, "store").resolve())
    assert index is not None
    assert index.lookup("samen in beweging") == [PROGRAMME + "samen-in-beweging"]
    assert index.lookup("Samen in Beweging") == []  # keys are normalised
    index.close()


def test_a_build_without_an_index_still_resolves(real_build: Paths, tmp_path) -> None:
    import shutil

    generation = built_file(real_build.build_dir, "store").resolve().parent
    copy = tmp_path / "gen"
    shutil.copytree(generation, copy)
    (copy / FILE).unlink()
    store = LocalStore.open(copy / "store")
    assert store.name_index is None
    assert str(resolve_resource(store, "Samen in Beweging")) == PROGRAMME + "samen-in-beweging"
    (copy / FILE).write_bytes(b"not a database")
    damaged = LocalStore.open(copy / "store")
    assert damaged.name_index is None
    assert str(resolve_resource(damaged, "Samen in Beweging")) == PROGRAMME + "samen-in-beweging"
