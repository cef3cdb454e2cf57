"""kg.store.search and kg search: the build's full-text index over names, descriptions and
topics in Dutch and English; what the issue's questions find in the real graph, the stems,
the kinds, questions that are no FTS5 syntax however hostile, the command's exit codes, and
kg serve's search page (escaped, with the snippet's marks) and its fallback by name."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from kg.build import STABLE_NAMES, build
from kg.cli import cli
from kg.errors import BuildNotFoundError, KgError, UsageError
from kg.store import LocalStore, open_store
from kg.store.search import (
    FILE,
    MAX_CHARS,
    MAX_WORDS,
    SearchIndex,
    match_texts,
    search,
    stem,
    words_of,
)
from kg.web.app import create_app

from .conftest import TINY

ID = "https://w3id.org/kg-sociaal/id/"
EEN_TEGEN_EENZAAMHEID = ID + "programme/een-tegen-eenzaamheid"
THEMA_EENZAAMHEID = ID + "concept/thema-eenzaamheid"
WGS = ID + "law/wet-gemeentelijke-schuldhulpverlening"
WGS_3 = ID + "law/wet-gemeentelijke-schuldhulpverlening-artikel-3"
SCHULDHULPVERLENING = "http://standaarden.overheid.nl/owms/terms/schuldhulpverlening"
PW_7 = ID + "law/participatiewet-artikel-7"
OVERGEWICHT_KINDEREN = ID + "programme/overgewicht-en-obesitas-bij-kinderen"
WELZIJN_OP_RECEPT = ID + "intervention/welzijn-op-recept"
KAMPEN = "https://identifier.overheid.nl/tooi/id/gemeente/gm0166"
LAW_ARTICLE = "https://w3id.org/kg-sociaal/def#LawArticle"


@pytest.fixture(scope="module")
def index(real_build):
    found = SearchIndex(real_build.build_dir / FILE)
    yield found
    found.close()


def _iris(index: SearchIndex, text: str, lang: str = "nl", limit: int = 50) -> list[str]:
    return [h.iri for h in index.search(text, lang, limit).hits]


# --- what the graph holds about the issue's four questions ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eenzaamheid", {EEN_TEGEN_EENZAAMHEID, THEMA_EENZAAMHEID}),
        ("schulden", {WGS_3, SCHULDHULPVERLENING}),
        ("re-integratie", {PW_7}),  # through its theme: its own text never says so
        ("overgewicht kinderen", {OVERGEWICHT_KINDEREN}),
    ],
)
def test_the_issues_questions_find_what_the_graph_holds(index, text, expected) -> None:
    result = index.search(text, "nl", 50)
    assert result.match == "all"
    assert expected <= {h.iri for h in result.hits}


def test_every_hit_has_a_label_a_kind_and_a_marked_snippet(index) -> None:
    result = index.search("eenzaamheid", "nl", 20)
    first = {h.iri: h for h in result.hits}[EEN_TEGEN_EENZAAMHEID]
    assert first.label == "Eén tegen Eenzaamheid"
    assert first.kind_label == "landelijke aanpak"
    assert ("eenzaamheid", True) in first.snippet  # the Dutch description, the word marked
    assert "«eenzaamheid»" in first.snippet_text()
    assert all(h.kind_label and h.snippet for h in result.hits)


def test_english_works(index) -> None:
    result = index.search("loneliness", "en", 20)
    hits = {h.iri: h for h in result.hits}
    assert {THEMA_EENZAAMHEID, EEN_TEGEN_EENZAAMHEID} <= set(hits)
    programme = hits[EEN_TEGEN_EENZAAMHEID]
    assert programme.kind_label == "national approach"
    assert "«loneliness»" in programme.snippet_text()  # the English description
    overweight = index.search("overgewicht kinderen", "en", 5).hits[0]
    assert overweight.label == "Overweight and obesity in children"


def test_accents_and_case_do_not_count(index) -> None:
    assert _iris(index, "EEN TEGEN EENZAAMHEID")[0] == EEN_TEGEN_EENZAAMHEID
    assert EEN_TEGEN_EENZAAMHEID in _iris(index, "één tegen")


def test_a_name_as_typed_finds_its_resource_first(index) -> None:
    assert _iris(index, "Welzijn op Recept")[0] == WELZIJN_OP_RECEPT
    assert _iris(index, "kampen")[0] == KAMPEN


# --- stems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("schulden", "schuld"),
        ("kinderen", "kinder"),
        ("eenzaamheid", "eenza"),
        ("gezondheid", "gezond"),  # not Snowball's newer Dutch "zon"
        ("loneliness", "loneli"),
        ("wmo", "wmo"),
        ("ab", "ab"),
    ],
)
def test_the_stem_is_a_prefix_of_the_word(token, expected) -> None:
    assert stem(token) == expected


def test_stems_find_more_after_what_the_word_as_typed_finds(index) -> None:
    schulden = _iris(index, "schulden", limit=500)
    assert WGS in schulden  # only "schuld*" finds the Wgs: its names say schuldhulpverlening
    assert schulden.index(WGS) > max(schulden.index(WGS_3), schulden.index(SCHULDHULPVERLENING))
    ouderen = _iris(index, "ouderen", limit=500)
    ouder_amstel = "https://identifier.overheid.nl/tooi/id/gemeente/gm0437"
    assert ouder_amstel in ouderen  # "ouder*": after every resource that says "ouderen"
    assert ouderen.index(ouder_amstel) > ouderen.index(ID + "concept/doelgroep-ouderen")


# --- kinds ---------------------------------------------------------------------------------


def test_kind_filters_by_class_name_label_or_curie_with_subclasses(index) -> None:
    for kind in ("LawArticle", "wetsartikel", "article of a law", "kg:LawArticle", LAW_ARTICLE):
        hits = index.search("schulden", "nl", 50, [kind]).hits
        assert hits and {h.kind for h in hits} == {LAW_ARTICLE}, kind
    instruments = index.search("schulden", "nl", 50, ["PolicyInstrument"]).hits
    assert WGS in {h.iri for h in instruments}  # a law is a policy instrument


def test_an_unknown_kind_is_a_usage_error_naming_the_kinds(index) -> None:
    with pytest.raises(UsageError, match=r"no kind 'wetten' in the graph; kinds: .*LawArticle"):
        index.search("schulden", "nl", 10, ["wetten"])


def test_the_ontologys_own_terms_are_not_searched(index) -> None:
    kinds = {h.kind_label for h in index.search("thema", "en", 200).hits}
    assert not kinds & {"ObjectProperty", "Class", "DatatypeProperty"}


# --- the question is never FTS5 syntax -----------------------------------------------------

HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "a OR b",
    "x" * 10_000,
    "\x00",
    "eenzaam\x00heid",
    "NEAR(eenzaamheid schulden, 2)",
    "names: eenzaamheid",
    "{names text_nl}: x",
    "^eenzaamheid",
    "-schulden",
    "eenzaamheid NOT schulden",
    "AND",
    "OR OR OR",
    '"a" "b',
    "(((",
    "')--",
    "\ud800",
    "ab\udfffcd",
    "e\u0301e\u0301n",
    " \t\n ",
    "·",
    "«»",
    "\x02eenzaamheid\x03",
    "🙂 eenzaamheid",
]


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:20]) for t in HOSTILE])
def test_hostile_questions_give_a_result_never_an_error(index, text) -> None:
    for lang in ("nl", "en"):
        result = index.search(text, lang, 20)
        assert result.match in ("all", "any", "none")
        assert len(result.text) <= MAX_CHARS


def test_random_questions_give_a_result_never_an_error(index) -> None:
    alphabet = "ab eenzaamheid\"*():^-+{}\x00\\'.,;NEAROTD é·\u200e\ud800"
    rng = random.Random(13)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert index.search(text, "nl", 5).match in ("all", "any", "none")


def test_the_question_is_quoted_letters_and_digits() -> None:
    words = words_of('a OR "b" NEAR(c*) re-integratie \x00')
    assert words == [("a",), ("or",), ("b",), ("near", "c"), ("re", "integratie")]
    for query in match_texts(words, True) + match_texts(words, False):
        outside = query.split('"')[::2]  # what stands outside the quotes
        assert all(set(part) <= set("*() ANDOR") for part in outside), query
    assert words_of("".join(f"w{i} " for i in range(50)))[-1] == (f"w{MAX_WORDS - 1}",)
    assert words_of("x" * 10_000) == [("x" * MAX_CHARS,)]
    assert words_of("* ( ) ' \"") == []


def test_punctuation_alone_finds_nothing_and_any_word_is_the_fallback(index) -> None:
    assert index.search("?!", "nl").hits == ()
    assert index.search("?!", "nl").match == "none"
    fallback = index.search("overgewicht qqqxyz", "nl", 10)
    assert fallback.match == "any" and OVERGEWICHT_KINDEREN in {h.iri for h in fallback.hits}
    assert index.search("qqqxyz", "nl").match == "none"


# --- the library, the build and the command ------------------------------------------------


def test_search_from_a_build_folder_or_its_store(real_build) -> None:
    assert WGS_3 in {h.iri for h in search(real_build.build_dir, "schulden", limit=50).hits}
    with open_store(real_build.build_dir) as store:
        assert search(store, "eenzaamheid").hits[0].iri == THEMA_EENZAAMHEID
    link = real_build.build_dir / FILE
    assert FILE in STABLE_NAMES and link.is_symlink() and link.resolve().is_file()


def test_search_without_a_build_or_without_an_index_says_so(tmp_path, real_build) -> None:
    with pytest.raises(BuildNotFoundError, match="run 'kg build' first"):
        search(tmp_path, "schulden")
    with pytest.raises(KgError, match=r"no search index.*run 'kg build' again"):
        search(LocalStore.in_memory(), "schulden")
    older = tmp_path / "older"  # a build from before the index: its files, less the index
    shutil.copytree(real_build.build_dir / "current", older, ignore=shutil.ignore_patterns(FILE))
    with pytest.raises(KgError, match="no search index"):
        search(older, "schulden")


def _search(runner, real_build, *args: str):
    return runner.invoke(cli, ["search", "--build-dir", str(real_build.build_dir), *args])


def test_the_command_prints_kind_name_and_snippet(runner, real_build) -> None:
    result = _search(runner, real_build, "eenzaamheid")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["name", "kind", "snippet", "iri"]
    assert "Eén tegen Eenzaamheid" in result.output and "landelijke aanpak" in result.output
    assert "«eenzaamheid»" in result.output
    assert "programme:een-tegen-eenzaamheid" in result.output


def test_the_command_words_json_kind_and_limit(runner, real_build) -> None:
    result = _search(
        runner, real_build, "overgewicht", "kinderen", "--lang", "en", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["match"] == "all" and answer["words"] == ["overgewicht", "kinderen"]
    assert answer["hits"][0]["iri"] == OVERGEWICHT_KINDEREN
    assert set(answer["hits"][0]) == {"iri", "label", "kind", "kind_label", "snippet"}
    result = _search(runner, real_build, "schulden", "--kind", "LawArticle", "--limit", "1")
    assert result.exit_code == 0 and result.output.count("wet-gemeentelijke") == 1
    result = _search(runner, real_build, "overgewicht", "qqqxyz")
    assert result.exit_code == 0 and "Niets heeft alle woorden" in result.output
    result = _search(runner, real_build, "qqqxyz", "--lang", "en")
    assert result.exit_code == 0 and result.output == "Nothing found.\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ([""], "give one or more words"),
        (["  "], "give one or more words"),
        ([], "Missing argument"),
        (["schulden", "--kind", "wetten"], "no kind 'wetten'"),
        (["schulden", "--limit", "0"], "--limit"),
        (["schulden", "--lang", "de"], "--lang"),
    ],
)
def test_the_commands_usage_errors_exit_2(runner, real_build, args, needle) -> None:
    result = _search(runner, real_build, *args)
    assert result.exit_code == 2 and needle in result.output, result.output


def test_the_command_without_a_build_is_the_build_not_found_error(runner, tmp_path) -> None:
    result = runner.invoke(cli, ["--root", str(tmp_path), "search", "schulden"])
    assert result.exit_code == 2
    assert "no built graph here; run 'kg build' first" in result.output


# --- kg serve ------------------------------------------------------------------------------

HOSTILE_TEXT = "<script>window.pwned=1</script> eenzaamheid & <b>vet</b> \"'"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory, cpsv):
    from .conftest import _make

    text = TINY.read_text("utf-8").replace(
        'dct:description "Een programma voor tests."@nl',
        f"dct:description {json.dumps(HOSTILE_TEXT)}@nl",
        1,
    )
    paths = _make(tmp_path_factory.mktemp("hostile-search"), cpsv, (("tiny.trig", text),))
    build(paths)
    return paths


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_the_search_page_escapes_a_description_and_marks_the_match(hostile_build) -> None:
    with open_store(hostile_build.build_dir) as store:
        client = create_app(store, {}).test_client()
        page = _main(client.get("/search?q=eenzaamheid").get_data(as_text=True))
        script = _main(client.get("/search?q=script").get_data(as_text=True))
        suggested = client.get("/suggest?q=eenzaamheid").get_json()
    assert "/id/programme/tiny-programma" in page and "Testprogramma" in page
    assert "<mark>eenzaamheid</mark>" in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "&lt;b&gt;vet&lt;/b&gt;" in page and "&amp;" in page
    assert "<script" not in page and "<b>" not in page
    assert "&lt;<mark>script</mark>&gt;" in script  # the mark is ours; the brackets are text
    assert suggested == [
        {
            "label": "Testprogramma",
            "href": "/id/programme/tiny-programma?lang=nl",
            "kind": "project",
        }
    ]


def test_the_search_page_says_when_only_some_words_matched(hostile_build) -> None:
    with open_store(hostile_build.build_dir) as store:
        client = create_app(store, {}).test_client()
        some = _main(client.get("/search?q=eenzaamheid+qqqxyz&lang=en").get_data(as_text=True))
        none = _main(client.get("/search?q=qqqxyz").get_data(as_text=True))
    assert "Nothing has every word" in some and "Test programme" in some
    assert "Niets gevonden." in none


def test_a_store_without_the_index_is_searched_by_name(hostile_build) -> None:
    """A SPARQL server or an older build has no index: the search box matches names."""
    store = LocalStore.in_memory()
    store.load((hostile_build.build_dir / "kg.trig").read_bytes(), "trig")
    client = create_app(store, {}).test_client()
    by_name = _main(client.get("/search?q=testprogramma").get_data(as_text=True))
    by_text = _main(client.get("/search?q=eenzaamheid").get_data(as_text=True))
    suggested = client.get("/suggest?q=testprog").get_json()
    assert "/id/programme/tiny-programma" in by_name
    assert "Geen naam gevonden die hierop lijkt." in by_text  # descriptions need the index
    assert suggested[0]["label"] == "Testprogramma"
