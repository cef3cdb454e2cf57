"""The build's saved network facts: the same facts as the store gives, and ignored whenever
they cannot be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDFS

from kg.build import netfile
from kg.network import DEFAULT_KINDS, assemble, collect, facts_of, keep_kinds, project, view
from kg.store import LocalStore, open_store

from .conftest import DATA, ROOT


def _hand_store() -> LocalStore:
    store = LocalStore.in_memory()
    store.load((ROOT / "ontology" / "kg.ttl").read_bytes(), "ttl", graph="urn:ontology")
    store.load((DATA / "network" / "partners.trig").read_bytes(), "trig")
    return store


class _Beside(LocalStore):
    """An in-memory store that claims a build wrote ``file`` beside it."""

    def __init__(self, store: LocalStore, file: Path) -> None:
        super().__init__(store.oxigraph)
        self.file = file

    def beside(self, name: str) -> Path | None:
        return self.file if name == netfile.FILE else None


@pytest.fixture(scope="module")
def real(real_build):
    with open_store(real_build.build_dir) as store:
        yield store


def test_the_build_saves_exactly_what_the_store_gives(real) -> None:
    saved = netfile.read(real)
    assert saved is not None
    assert saved == collect(real)


def test_the_facts_survive_the_file_on_a_hand_built_graph() -> None:
    facts = collect(_hand_store())
    assert netfile.loads(netfile.dumps(facts)) == facts
    assert facts.roles and facts.fold == {} and facts.label_rows  # something to carry


def test_the_same_facts_give_the_same_bytes(real) -> None:
    facts = collect(real)
    first = netfile.dumps(facts)
    shuffled = type(facts)(**{k: v for k, v in reversed(list(vars(facts).items()))})
    shuffled.links = dict(reversed(list(facts.links.items())))
    assert netfile.dumps(shuffled) == first
    assert (real.beside(netfile.FILE) or Path()).read_bytes() == first


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pictures_from_the_file_equal_pictures_from_the_store(real, lang) -> None:
    from_store = assemble(collect(real), lang)
    from_file = project(real, lang)  # reads the file
    assert sorted(from_file.nodes(data=True)) == sorted(from_store.nodes(data=True))
    assert sorted(from_file.edges(keys=True, data=True)) == sorted(
        from_store.edges(keys=True, data=True)
    )
    assert from_file.graph == from_store.graph


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: b"\x00\xff not json",
        lambda raw: raw.replace(b'"format":1', b'"format":99'),
        lambda raw: raw.replace(b'"kg":"', b'"kg":"0.0.0-other'),
        lambda raw: json.dumps({"format": 1, "kg": json.loads(raw)["kg"]}).encode(),  # no body
        lambda raw: b"[]",
    ],
    ids=["truncated", "garbage", "other-format", "other-kg", "no-body", "not-an-object"],
)
def test_a_file_that_cannot_be_trusted_is_read_from_the_store(tmp_path, damage) -> None:
    store = _hand_store()
    facts = collect(store)
    file = tmp_path / netfile.FILE
    file.write_bytes(damage(netfile.dumps(facts)))
    assert netfile.loads(file.read_bytes()) is None
    assert facts_of(_Beside(store, file)) == facts


def test_the_file_is_what_the_commands_draw_from(tmp_path) -> None:
    """A file that says something else shows in the picture: proof it is read, not ignored."""
    store = _hand_store()
    facts = collect(store)
    node = min(n for n, k in facts.kinds.items() if k == "programme")
    facts.label_rows = [r for r in facts.label_rows if r[0] != node]
    facts.label_rows.append((node, str(RDFS.label), "Uit het bestand", "nl"))
    file = tmp_path / netfile.FILE
    file.write_bytes(netfile.dumps(facts))
    picture = view(_Beside(store, file), kinds=["programme"], focus=[node])
    assert picture.nodes[node]["label"] == "Uit het bestand"


def test_a_store_without_a_build_has_no_file() -> None:
    assert _hand_store().beside(netfile.FILE) is None
    assert netfile.read(_hand_store()) is None


@pytest.mark.parametrize(
    "kinds",
    [DEFAULT_KINDS, ("programme", "organisation"), ("concept",), ("programme", "concept"), ()],
)
def test_drawing_only_some_kinds_equals_filtering_the_whole_network(real, kinds) -> None:
    facts = collect(real)
    whole = keep_kinds(assemble(facts), kinds)
    some = assemble(facts, kinds=kinds)
    assert sorted(some.nodes(data=True)) == sorted(whole.nodes(data=True))
    assert sorted(some.edges(keys=True, data=True)) == sorted(whole.edges(keys=True, data=True))
    assert some.graph == whole.graph
