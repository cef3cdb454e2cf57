"""Truth check of the law-article data (data/instruments/law-articles.trig) against the 2015 law
texts in ``../shared/reference/laws/``.

``tests/checklists/laws/articles.toml`` gives, for every article and UPL product, each of its target
groups and themes with the evidence for it: a phrase that occurs verbatim in the (legal-basis)
article's text, or ``name:WORD``, a word of the product's own name. The tests check that the
checklist and the data agree, that every phrase is really in the text, and that no description
copies the law (a run of 8 or more words).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import Any

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from kg.namespaces import PREFIXES, curie

from .conftest import ROOT, SHARED, need_shared

LAWS = SHARED / "reference" / "laws"
DATA = ROOT / "data" / "instruments" / "law-articles.trig"
UPL = ROOT / "data" / "reference" / "upl.trig"
CHECKLIST_FILE = ROOT / "tests" / "checklists" / "laws" / "articles.toml"
CHECKLIST = tomllib.loads(CHECKLIST_FILE.read_text("utf-8"))
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
RUN = 8  # words a description may not share with the law texts


def _load() -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(DATA, format="trig")
    dataset.parse(UPL, format="trig")
    return dataset


GRAPH = _load()
ARTICLES = {curie(str(s)) for s in GRAPH.subjects(DCTERMS.description) if "/id/law/" in str(s)}
SERVICES = {curie(str(s)) for s in GRAPH.subjects(DCTERMS.audience) if "/owms/" in str(s)}


def _iri(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _concepts(name: str) -> set[str]:
    subject = _iri(name)
    found = [*GRAPH.objects(subject, DCTERMS.audience), *GRAPH.objects(subject, CV.thematicArea)]
    return {curie(str(o)) for o in found}


def _normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _need_laws() -> None:
    if not LAWS.is_dir():
        need_shared("the 2015 law texts (../shared/reference/laws/)")


@cache
def _law(file: str) -> str:
    _need_laws()
    return (LAWS / file).read_text("utf-8")


def _article_text(file: str, number: str) -> str:
    """The article's text: from its ``### Artikel  N`` heading to the next ``### `` heading."""
    pattern = rf"^### Artikel\s+{re.escape(number)}\s*$(.*?)(?=^### |\Z)"
    found = re.findall(pattern, _law(file), re.MULTILINE | re.DOTALL)
    assert len(found) == 1, f"{file}: {len(found)} headings for article {number}"
    return _normal(found[0])


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@cache
def _law_runs() -> set[tuple[str, ...]]:
    _need_laws()
    return set().union(*(_runs(path.read_text("utf-8")) for path in LAWS.glob("*.md")))


def _check_phrase(phrase: str, texts: list[str], names: list[str]) -> str | None:
    """Why ``phrase`` is no evidence, or ``None`` when it is."""
    if phrase.startswith("name:"):
        words = {w for name in names for w in name.casefold().split()}
        return None if phrase[5:].casefold() in words else "is not a word of the product name"
    if not 3 <= len(phrase.split()) <= 10:
        return "is not 3-10 words long"
    return None if any(_normal(phrase) in text for text in texts) else "is not in the text"


def _entry_id(entry: dict[str, Any]) -> str:
    return str(entry["iri"])


def test_checklist_covers_exactly_the_data() -> None:
    listed = [e["iri"] for e in CHECKLIST["article"]], [e["iri"] for e in CHECKLIST["service"]]
    assert len(set(listed[0])) == len(listed[0]) and len(set(listed[1])) == len(listed[1])
    assert set(listed[0]) == ARTICLES, "articles: checklist vs law-articles.trig"
    assert set(listed[1]) == SERVICES, "services: checklist vs law-articles.trig"


@pytest.mark.parametrize("entry", CHECKLIST["article"], ids=_entry_id)
def test_article_is_true_to_its_text(entry: dict[str, Any]) -> None:
    iri, evidence = entry["iri"], entry["evidence"]
    subject = _iri(iri)
    assert str(GRAPH.value(subject, ELI.number)) == entry["number"]
    bwb = re.search(r"BWBR\d+", str(GRAPH.value(subject, FOAF.page)))
    assert bwb and entry["law_file"].startswith(bwb.group()), "law_file is not the article's law"
    assert set(evidence) == _concepts(iri), "the evidence does not list the data's concepts"
    text = _article_text(entry["law_file"], entry["number"])
    wrong = {c: p for c, p in evidence.items() if _check_phrase(p, [text], [])}
    assert not wrong, f"{iri}: evidence not in article {entry['number']}: {wrong}"
    found = GRAPH.objects(subject, DCTERMS.description)
    descriptions = {d.language: str(d) for d in found if isinstance(d, Literal)}
    assert {"nl", "en"} <= set(descriptions), f"{iri} lacks a Dutch or English description"
    for language, description in descriptions.items():
        copied = _runs(description) & _law_runs()
        assert not copied, f"{iri} ({language}) copies the law text: {sorted(copied)[0]}"


@pytest.mark.parametrize("entry", CHECKLIST["service"], ids=_entry_id)
def test_service_concepts_have_evidence(entry: dict[str, Any]) -> None:
    iri, evidence = entry["iri"], entry["evidence"]
    subject = _iri(iri)
    assert set(evidence) == _concepts(iri), "the evidence does not list the data's concepts"
    bases = [curie(str(o)) for o in GRAPH.objects(subject, CV.hasLegalResource)]
    assert bases, f"{iri} has no legal basis"
    articles = {e["iri"]: e for e in CHECKLIST["article"]}
    texts = [_article_text(articles[b]["law_file"], articles[b]["number"]) for b in bases]
    names = [str(n) for n in GRAPH.objects(subject, SKOS.prefLabel)]
    wrong = {c: (p, why) for c, p in evidence.items() if (why := _check_phrase(p, texts, names))}
    assert not wrong, f"{iri} (legal basis {', '.join(bases)}): {wrong}"
