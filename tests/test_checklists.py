"""Project tests: every thing each source document names is in the graph, typed, labelled,
derived from that document, in its named graph and linked as the checklist says; and the
document's graph holds nothing the checklist forgets.

The checklists (``tests/checklists/*.toml``) are written by hand, each from one document: a
seed document in ``../shared/seeds/`` (``seed = "..."``, one checklist ``NNN.toml`` per seed) or
a reference file in ``data/reference/inputs/`` (``reference = "..."``, such as ``facts.toml``
for ``facts.md``; in the repository, so never skipped). The test checks that each listed name
really occurs in the document's text, so a checklist cannot list what the document does not
say. See docs/curation.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from kg.namespaces import PREFIXES, curie
from kg.store import Store, open_store

from .conftest import ROOT, SHARED, need_shared

CHECKLISTS = ROOT / "tests" / "checklists"
SEEDS = SHARED / "seeds"
REFERENCES = ROOT / "data" / "reference" / "inputs"
_PREAMBLE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _load() -> list[tuple[str, dict[str, Any]]]:
    paths = sorted(CHECKLISTS.glob("*.toml"))
    return [(p.stem, tomllib.loads(p.read_text("utf-8"))) for p in paths]


LISTS = _load()
THINGS = [
    pytest.param(doc, thing, id=f"{name}:{thing['iri']}")
    for name, doc in LISTS
    for thing in doc["thing"]
]


@pytest.fixture(scope="module")
def store(real_build) -> Iterator[Store]:
    """The real build, opened once for the whole module (read-only)."""
    with open_store(real_build.build_dir) as opened:
        yield opened


def _normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).casefold()


def _document(doc: dict[str, Any]) -> str:
    """The file a checklist is written from: its seed document or its reference file."""
    return str(doc["seed"] if "seed" in doc else doc["reference"])


def _document_text(doc: dict[str, Any]) -> str:
    if "reference" in doc:
        return _normal((REFERENCES / doc["reference"]).read_text("utf-8"))
    path = SEEDS / doc["seed"]
    if not path.is_file():
        need_shared(f"the source document {doc['seed']} (../shared/seeds/)")
    return _normal(path.read_text("utf-8"))


def test_every_seed_document_has_a_checklist() -> None:
    if not SEEDS.is_dir():
        need_shared("the source documents (../shared/seeds/)")
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert seeds, "no seed documents found"
    assert sorted(doc["seed"] for _, doc in LISTS if "seed" in doc) == seeds


@pytest.mark.parametrize(("doc", "thing"), THINGS)
def test_named_thing_is_in_the_graph_and_linked(store, doc, thing) -> None:
    text = _document_text(doc)
    names = [thing["name"], *thing.get("also", [])]
    for name in names:
        assert _normal(name) in text, f"{name!r} does not occur in {_document(doc)}"
    iri, cls, source = thing["iri"], thing["class"], doc["source"]
    links = thing.get("links", [])
    if cls != "kg:Source":
        assert links, f"{iri}: the checklist gives no link, so 'unlinked' would go unnoticed"
    checks = [
        (f"{iri} a/rdfs:subClassOf* {cls}", "is not typed as the checklist says"),
        (f"{iri} skos:prefLabel ?l FILTER(lang(?l) = 'nl')", "has no Dutch label"),
        (f"GRAPH {source} {{ {iri} ?p ?o }}", "is not described in the document's graph"),
    ]
    if cls != "kg:Source":  # the source is the provenance itself
        checks.append((f"{iri} prov:wasDerivedFrom {source}", "is not derived from the document"))
    checks += [(f"{iri} {link}", f"lacks the link {link!r}") for link in links]
    failures = [
        f"{iri} {message}"
        for pattern, message in checks
        if not store.ask(f"{_PREAMBLE}ASK {{ {pattern} }}")
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("name", "doc"), LISTS, ids=[n for n, _ in LISTS])
def test_checklist_covers_everything_the_document_graph_describes(store, name, doc) -> None:
    listed = {thing["iri"] for thing in doc["thing"]}
    rows = store.select(
        f"""{_PREAMBLE}SELECT DISTINCT ?s WHERE {{
            GRAPH {doc["source"]} {{ ?s a ?type }}
            FILTER(?type != cv:Participation)
        }}"""
    )
    described = {curie(str(s)) for (s,) in rows.rows}
    forgotten = sorted(described - listed)
    assert not forgotten, f"{name}.toml does not list: {forgotten}"


def test_checklist_files_are_well_formed() -> None:
    assert LISTS, "no checklists in tests/checklists/"
    for name, doc in LISTS:
        assert set(doc) in ({"seed", "source", "thing"}, {"reference", "source", "thing"}), name
        if "reference" in doc:
            assert doc["reference"] in {p.name for p in REFERENCES.iterdir()}, name
        seen: set[str] = set()
        for thing in doc["thing"]:
            assert set(thing) <= {"name", "also", "iri", "class", "links"}, (name, thing)
            assert thing["iri"] not in seen, f"{name}: {thing['iri']} listed twice"
            seen.add(thing["iri"])
