"""Property-based (hypothesis): a programme's name and description may hold any Unicode text,
quotes, line breaks, markup, right-to-left marks and emoji; whatever they hold survives the
build, every export format, a canned query and the network page unchanged, and never becomes
markup or query text.

Each example builds the tiny data set with the generated texts in it (about half a second);
``KG_HYPOTHESIS_EXAMPLES`` sets how many examples run (default 25)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.ask.queries import load_queries, run_query
from kg.ask.tables import render
from kg.build import build
from kg.network import view
from kg.network.render import NO_LABEL, render_html
from kg.paths import Paths
from kg.publish.export import FORMATS, export
from kg.store import open_store
from kg.validate import ValidationFailed

from .conftest import ROOT, TINY, _make, cpsv_shapes_path

#: Many generated cases (hypothesis): the slow tier (python -m pytest -m slow).
pytestmark = pytest.mark.slow

PROGRAMME = "https://w3id.org/kg-sociaal/id/programme/tiny-programma"
LABEL = 'skos:prefLabel "Testprogramma"@nl'
DESCRIPTION = 'dct:description "Een programma voor tests."@nl'
EXAMPLES = int(os.environ.get("KG_HYPOTHESIS_EXAMPLES", "25"))

#: What people paste: markup, quotes of every kind, line and paragraph breaks, direction
#: marks, emoji with joiners and skin tones, combining accents, SPARQL and Turtle syntax.
NASTY = [
    "<script>alert(1)</script>",
    "</script><script>window.pwned=1</script>",
    "<img src=x onerror=alert(1)>",
    "\"'`´“”‘’«»",
    "\\",
    "\\u0022",
    "a\nb\r\nc\td",
    "\u2028\u2029\u0085",
    "\u202e\u200f\u200e\u2066\u2069",
    "👩🏽‍⚕️🇳🇱",
    "e\u0301e\u0300",
    "} UNION { ?s ?p ?o }",
    '""" . @prefix x: <y> .',
    "&amp; &lt; &#0;",
    "\u00a0 \u3000",
    "Ĳsselmonde Fryslân Zuid-Holland ß",
]


def _xml_text(text: str) -> bool:
    """Whether XML 1.0 can hold ``text`` (its Char production): the oracle for what the build
    accepts."""
    return all(
        c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) > 0xFFFF
        for c in text
    )


def _texts(characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(characters, min_size=1, max_size=60),
        st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
        st.tuples(st.text(characters, max_size=20), st.sampled_from(NASTY)).map("".join),
    ).filter(lambda s: s.strip() != "")


#: Text XML can carry (every character but the C0 controls other than tab and line breaks,
#: lone surrogates and U+FFFE/U+FFFF): all of it must go all the way through.
TEXT = _texts(st.characters(blacklist_categories=("Cs",)).filter(_xml_text))
#: Text with at least one character XML cannot carry, somewhere: the build must refuse it.
_CONTROL = st.characters(codec=None, min_codepoint=0, max_codepoint=0x1F).filter(
    lambda c: c not in "\t\n\r"
)
UNCARRIABLE = st.tuples(TEXT, _CONTROL, TEXT).map("".join)


def _literal(text: str) -> str:
    """``text`` as a Dutch Turtle literal, escaped by pyoxigraph."""
    return str(ox.Literal(text, language="nl"))


def _project(root, name: str, description: str) -> Paths:
    """The tiny data set with the programme's Dutch name and description replaced."""
    if root.exists():
        shutil.rmtree(root)
    text = TINY.read_text("utf-8")
    assert LABEL in text and DESCRIPTION in text
    text = text.replace(LABEL, f"skos:prefLabel {_literal(name)}", 1)
    text = text.replace(DESCRIPTION, f"dct:description {_literal(description)}", 1)
    return _make(root, cpsv_shapes_path(), ((TINY.name, text),))


class _Page(HTMLParser):
    """The page's elements and its JSON data block."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.in_data = False
        self.data = ""

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.in_data = tag == "script" and ("id", "kg-data") in attrs

    def handle_endtag(self, tag) -> None:
        self.in_data = False

    def handle_data(self, data) -> None:
        if self.in_data:
            self.data += data


def _rdf_literals(data: bytes, fmt: str) -> set[str]:
    formats = {
        "ttl": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "nt": ox.RdfFormat.N_TRIPLES,
        "nq": ox.RdfFormat.N_QUADS,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    return {
        q.object.value
        for q in ox.parse(data, format=formats[fmt])
        if q.subject.value == PROGRAMME and isinstance(q.object, ox.Literal)
    }


@pytest.fixture(scope="module")
def seen_tags(tmp_path_factory) -> list[str]:
    """The elements of the page for the unchanged tiny data set."""
    paths = _project(tmp_path_factory.mktemp("plain") / "p", "Testprogramma", "Een programma.")
    build(paths)
    with open_store(paths.build_dir) as store:
        page = _Page()
        page.feed(render_html(view(store), title="Testprogramma"))
    return page.tags


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a red CI can be replayed
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=TEXT, description=TEXT)
@example(name="</script><script>window.pwned=1</script>", description="a\u2028b\nc")
@example(name="\u202eamgorpetseT", description="👩🏽‍⚕️ \"quoted\" 'single' `tick`")
def test_any_text_survives_build_exports_query_and_page(
    tmp_path_factory, seen_tags, name: str, description: str
) -> None:
    paths = _project(tmp_path_factory.mktemp("prop") / "p", name, description)
    build(paths)

    # Every RDF export holds both texts exactly, as literals of the programme.
    for fmt in sorted(set(FORMATS) - {"graphml", "gexf"}):
        literals = _rdf_literals(export(paths.build_dir, fmt), fmt)
        assert {name, description} <= literals, fmt

    # GraphML and GEXF are well-formed XML, and the programme's node carries the name.
    for fmt in ("graphml", "gexf"):
        tree = ET.fromstring(export(paths.build_dir, fmt))
        values = {e.text for e in tree.iter() if e.text} | {
            v for e in tree.iter() for v in e.attrib.values()
        }
        assert name in values and description in values, fmt

    with open_store(paths.build_dir) as store:
        # A canned query gives the texts back as they are, and the same rows as without them.
        query = load_queries(ROOT / "queries")["describe-resource"]
        table = run_query(store, query, {"resource": PROGRAMME})
        cells = {c for row in table.rows for c in row if isinstance(c, str)}
        assert {name, description} <= cells
        # ... exact in CSV, and in the terminal table only ever escaped, never raw controls.
        rows = list(csv.reader(io.StringIO(render(table, "csv"))))
        assert name in {cell for row in rows for cell in row}
        shown = render(table, "table")
        assert not any(0x7F <= ord(c) <= 0x9F or (ord(c) < 0x20 and c != "\n") for c in shown)

        # The page: the same elements as for plain names (nothing injected), and the texts
        # arrive intact in the data block.
        page = _Page()
        html = render_html(view(store), title=name)
        page.feed(html)
    assert page.tags == seen_tags
    data = json.loads(page.data)
    node = next(n for n in data["nodes"] if n["iri"] == PROGRAMME)
    assert node["full"] == name and node["description"] == description
    assert node["label"] == NO_LABEL or name.startswith(node["label"].rstrip("…"))


@settings(max_examples=max(5, EXAMPLES // 3), deadline=None, derandomize=True)
@given(name=st.one_of(UNCARRIABLE, TEXT), description=UNCARRIABLE)
@example(name="Test\x1b[2J\x07programma", description="a\x00b")
def test_text_xml_cannot_carry_is_refused_by_the_build(tmp_path_factory, name, description):
    """A control character (other than tab and line breaks) in a name or description is a
    finding naming the file, and nothing is written."""
    paths = _project(tmp_path_factory.mktemp("refused") / "p", name, description)
    with pytest.raises(ValidationFailed) as refused:
        build(paths)
    found = [v for v in refused.value.report.violations if "control character" in v.message]
    assert found and all(v.files == (str(paths.data_dir / TINY.name),) for v in found)
    assert not paths.build_dir.exists()
