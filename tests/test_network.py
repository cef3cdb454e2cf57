"""The network projection and its views, on a hand-built graph and on the real build."""

from __future__ import annotations

import pytest

from kg.ask.queries import find_query
from kg.errors import UsageError
from kg.network import (
    DEFAULT_KINDS,
    Case,
    connect,
    keep_kinds,
    neighbourhood,
    parse_kinds,
    project,
    resolve_nodes,
    summary,
    view,
)
from kg.store import LocalStore, open_store

from .conftest import DATA, ROOT

EX = "https://example.org/net/"
KAMPEN = "https://identifier.overheid.nl/tooi/id/gemeente/gm0166"
KAMPEN_AREA = "https://w3id.org/kg-sociaal/id/area/gm0166"
SIB = "https://w3id.org/kg-sociaal/id/programme/samen-in-beweging"
IJSSELLAND = "https://w3id.org/kg-sociaal/id/ggd-region/gg1009"
OVERIJSSEL = "https://w3id.org/kg-sociaal/id/province/pv23"
SIB_SOURCE = "https://w3id.org/kg-sociaal/id/source/zonmw-samen-in-beweging"


def _hand_store() -> LocalStore:
    store = LocalStore.in_memory()
    store.load((ROOT / "ontology" / "kg.ttl").read_bytes(), "ttl", graph="urn:ontology")
    store.load((DATA / "network" / "partners.trig").read_bytes(), "trig")
    return store


@pytest.fixture(scope="module")
def hand():
    return project(_hand_store())


@pytest.fixture(scope="module")
def real(real_build):
    with open_store(real_build.build_dir) as store:
        yield store, project(store)


# --- the projection ----------------------------------------------------------------------


def test_a_participation_becomes_one_edge_labelled_with_the_role(hand) -> None:
    edges = hand.get_edge_data(EX + "X", EX + "P2")
    assert [(d["label"], d["role"], d["sources"]) for d in edges.values()] == [
        ("partner van", True, (EX + "source",))
    ]
    assert not any(n.startswith(EX + "p2") for n in hand)  # no participation nodes


def test_role_edges_read_in_english_with_lang_en() -> None:
    graph = project(_hand_store(), "en")
    assert [d["label"] for d in graph.get_edge_data(EX + "X", EX + "P2").values()] == ["partner of"]


def test_unused_vocabulary_is_dropped_but_every_domain_stays(hand) -> None:
    assert EX + "partner" not in hand  # only a participation's role: not an actor
    zorg = "https://w3id.org/kg-sociaal/id/concept/domein-zorg"
    assert zorg in hand and hand.degree(zorg) == 0


def test_nodes_carry_label_kind_and_sources(hand) -> None:
    node = hand.nodes[EX + "P1"]
    assert (node["label"], node["kind"], node["sources"]) == ("P1", "programme", (EX + "source",))
    assert hand.graph["sources"][EX + "source"] == ("Testbron netwerk", None)


def test_a_municipality_absorbs_its_area(real) -> None:
    _, graph = real
    assert KAMPEN_AREA not in graph
    assert graph.nodes[KAMPEN]["kind"] == "municipality"
    out = {(b, d["label"]) for _, b, d in graph.out_edges(KAMPEN, data=True)}
    assert (IJSSELLAND, "ligt in") in out and (OVERIJSSEL, "ligt in") in out
    into = {(a, d["label"], d["sources"]) for a, _, d in graph.in_edges(KAMPEN, data=True)}
    assert (SIB, "loopt in", (SIB_SOURCE,)) in into


def test_the_real_projection_has_every_municipality_and_the_seed_facts(real) -> None:
    _, graph = real
    kinds = [k for _, k in graph.nodes(data="kind")]
    assert kinds.count("municipality") == 342
    assert kinds.count("region") == 25 + 12 + 1  # GGD regions, provinces, the country
    labels = {d["label"] for _, _, d in graph.edges(KAMPEN, data=True)}
    assert "deelnemende gemeente van" in labels
    assert any(k == "source" for k in kinds)
    assert not any(k == "source" for _, k in keep_kinds(graph, DEFAULT_KINDS).nodes(data="kind"))


def test_summary_counts_kinds(hand) -> None:
    # 12 participations + 4 sectors + 11 resources derived from the source.
    assert summary(hand) == "15 nodes (4 programme, 7 organisation, 3 concept, 1 source), 27 links"
    # Without sources, the unlinked domain "zorg" is not drawn.
    shown = keep_kinds(hand, DEFAULT_KINDS)
    assert summary(shown) == "13 nodes (4 programme, 7 organisation, 2 concept), 16 links"


# --- --types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((), DEFAULT_KINDS),  # nothing given: the defaults
        (("programme,organisation",), ("programme", "organisation")),
        (("organisation", "programme"), ("programme", "organisation")),  # kinds' own order
        ((" Programme , ",), ("programme",)),  # case and spaces do not matter
        (("all",), None),  # every kind
        (("+source",), (*DEFAULT_KINDS, "source")),  # the defaults and one more
    ],
)
def test_parse_kinds(given, expected) -> None:
    from kg.network import KINDS

    assert parse_kinds(given) == (expected or tuple(k.key for k in KINDS))


def test_an_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"--types: unknown kind 'people'; known: programme"):
        parse_kinds(["people"])


# --- naming nodes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Kampen", "Gemeente Kampen", "kampen ", "GM0166", "0166", "tooi:gm0166"]
)
def test_a_municipality_can_be_named_many_ways(real, text) -> None:
    _, graph = real
    assert resolve_nodes(graph, [text]) == [KAMPEN]


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("GALA", "https://w3id.org/kg-sociaal/id/accord/gala"),  # an abbreviation
        ("Social Support Act 2015", "https://w3id.org/kg-sociaal/id/law/wmo-2015"),  # English
    ],
)
def test_other_names_find_a_node(real, text, iri) -> None:
    _, graph = real
    assert resolve_nodes(graph, [text]) == [iri]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Bergen", r"'Bergen' is ambiguous: it names Gemeente Bergen \(L.\)"),
        ("Kampn", r"no node named 'Kampn'; closest: Gemeente Kampen"),
        ("", r"an empty value names no node"),
    ],
)
def test_unknown_or_ambiguous_names_are_errors(real, text, message) -> None:
    _, graph = real
    with pytest.raises(UsageError, match=message):
        resolve_nodes(graph, [text])


# --- views ------------------------------------------------------------------------------


def test_neighbourhood_depth(real) -> None:
    _, graph = real
    assert set(neighbourhood(graph, [KAMPEN], 0)) == {KAMPEN}
    one = neighbourhood(graph, [KAMPEN], 1)
    assert {SIB, IJSSELLAND, OVERIJSSEL} <= set(one)
    assert one.nodes[KAMPEN]["focus"] and not one.nodes[SIB].get("focus")
    two = neighbourhood(graph, [KAMPEN], 2)
    zwolle = "https://identifier.overheid.nl/tooi/id/gemeente/gm0193"
    assert zwolle in two and zwolle not in one  # in the same GGD region, two links away


def test_connect_adds_the_nodes_that_link_two_of_the_core(real) -> None:
    _, graph = real
    zwolle = "https://identifier.overheid.nl/tooi/id/gemeente/gm0193"
    picked = connect(keep_kinds(graph, DEFAULT_KINDS), [KAMPEN, zwolle])
    assert {KAMPEN, zwolle, IJSSELLAND, OVERIJSSEL} == set(picked)


def test_query_view_draws_the_answer_and_the_parameter(real) -> None:
    store, _ = real
    query = find_query(ROOT / "queries", "programmes-in-municipality")
    picked = view(store, query=query, values={"municipality": "Kampen"})
    assert {KAMPEN, SIB} <= set(picked)
    assert picked.nodes[KAMPEN]["focus"]


def test_case_view_draws_the_case_and_its_answer(real) -> None:
    """The case picture reads like the answer: the municipality in the middle with the asked
    concepts, the best items of each part in a column (law and money left, programmes and
    partners right), and a link only where the answer gives a reason."""
    from kg.ask.case import find
    from kg.network.casepicture import COLUMNS, PER_PART

    store, _ = real
    picked = view(store, case=Case("Kampen", ("ouderen",), ("bewegen",)))
    answer = find(store, "Kampen", ("ouderen",), ("bewegen",))
    ouderen = "https://w3id.org/kg-sociaal/id/concept/doelgroep-ouderen"
    assert {KAMPEN, ouderen} <= set(picked)
    positions = picked.graph["positions"]
    assert positions[KAMPEN] == (0.0, 0.0)
    for part, side in COLUMNS.items():
        for item in getattr(answer, part)[:PER_PART]:
            assert item.iri in picked, (part, item.label)
            if positions[item.iri][0] != 0:
                assert (positions[item.iri][0] > 0) == (side > 0) or item.iri in {
                    i.iri for p in COLUMNS for i in getattr(answer, p)[:PER_PART] if p != part
                }
    beyond = {i.iri for i in answer.programmes[PER_PART:]} - {
        i.iri for p in COLUMNS for i in getattr(answer, p)[:PER_PART]
    }
    assert beyond and not beyond & set(picked)  # only the best of each part
    for a, _b, data in picked.edges(data=True):  # every link is a reason the answer gives
        reasons = {r for p in COLUMNS for i in getattr(answer, p) for r in i.reasons}
        assert data["label"] in reasons or data["label"] == "staat in het antwoord", data
        assert a == KAMPEN or data["role"]


def test_focus_on_a_hidden_kind_says_how_to_show_it(real) -> None:
    store, _ = real
    with pytest.raises(
        UsageError, match=r"is a source, which the picture does not show; add --types \+source"
    ):
        view(store, focus=["ZonMw-projectpagina's Samen in Beweging met kwetsbare bewoners"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"focus": ["Kampen"], "case": Case("Kampen")},
            "--focus and --case draw different pictures",
        ),
        ({"values": {"municipality": "Kampen"}}, r"-p/--param needs --query"),
        ({"focus": ["Kampen"], "depth": -1}, "--depth must be 0 or more"),
        ({"depth": 2}, "--depth needs --focus"),
    ],
)
def test_view_option_mistakes(real, options, message) -> None:
    store, _ = real
    with pytest.raises(UsageError, match=message):
        view(store, **options)


# --- who works with whom: the default picture (K15) ----------------------------------------


def test_the_default_picture_is_who_works_with_whom(real) -> None:
    """Programmes and the organisations and municipalities taking part in them; no place
    that takes part in nothing; geography, status and domain as attributes; laws and
    instruments there but hidden at first; programmes without partners counted, not drawn."""
    from kg.network.collaboration import ACTORS, INSTRUMENTS

    store, whole = real
    picture = view(store)
    kinds = dict(picture.nodes(data="kind"))
    assert set(kinds.values()) <= {"programme", *ACTORS, *INSTRUMENTS}
    assert "region" not in kinds.values() and "place" not in kinds.values()
    for n, kind in kinds.items():
        if kind in ACTORS:  # takes part in a drawn programme, by a link that is not a place
            linked = {*picture.successors(n), *picture.predecessors(n)}
            assert any(kinds[m] == "programme" for m in linked), picture.nodes[n]["label"]
        assert picture.nodes[n].get("hidden", False) is (kind in INSTRUMENTS)
    spatial = "http://purl.org/dc/terms/spatial"
    assert not [d for _, _, d in picture.edges(data=True) if d["prop"] == spatial]
    municipalities = [n for n, k in kinds.items() if k == "municipality"]
    assert 0 < len(municipalities) < 50  # of 342: only those that take part
    assert KAMPEN in municipalities and "Overijssel" in picture.nodes[KAMPEN]["places"]
    assert picture.nodes[SIB]["status"] == "afgelopen"
    assert picture.nodes[SIB]["period"] == "tot 2022"  # 001-samen-in-beweging: endDate 2022
    programmes = sum(1 for k in kinds.values() if k == "programme")
    actors = sum(1 for k in kinds.values() if k in ACTORS)
    assert (
        picture.graph["title"]
        == f"kg: wie werkt met wie ({programmes} programma's, {actors} partners)"
    )
    left_out = picture.graph["left_out"]
    assert left_out and not set(left_out) & {picture.nodes[n]["label"] for n in picture}
    for label in left_out:  # none of them has a partner in the whole network
        (iri,) = [
            n for n, d in whole.nodes(data=True) if d["label"] == label and d["kind"] == "programme"
        ]
        linked = {*whole.successors(iri), *whole.predecessors(iri)}
        assert not any(
            whole.nodes[m]["kind"] in ACTORS
            and any(
                d["prop"] != spatial
                for a, b in ((iri, m), (m, iri))
                if whole.has_edge(a, b)
                for d in whole.get_edge_data(a, b).values()
            )
            for m in linked
        ), label


def test_a_picture_of_kinds_says_which_kinds_it_draws(real) -> None:
    store, _ = real
    picture = view(store, kinds=("programme", "organisation"))
    assert picture.graph["title"] == "kg: programma, organisatie"
    import networkx as nx

    assert not list(nx.isolates(picture)) and picture.graph["isolated"] > 0  # left out, counted
    english = view(store, lang="en", kinds=("programme", "organisation"))
    assert english.graph["title"] == "kg: programme, organisation"


def test_a_large_picture_folds_the_least_linked_nodes_per_kind_and_province(real) -> None:
    """Past the limit, the most linked nodes are drawn and the rest folded (one node per kind
    and province, knowing its members' names); nothing is dropped without a word."""
    from kg.network import facts_of, whole_picture

    store, _ = real
    facts = facts_of(store)
    picture = whole_picture(facts, "nl", limit=10_000)  # small enough: nothing folded
    assert "folded_note" not in picture.graph and not any(
        d.get("group") for _, d in picture.nodes(data=True)
    )
    folded = whole_picture(facts, "nl", limit=20)
    groups = [n for n in folded if folded.nodes[n].get("group")]
    drawn = [n for n in folded if not folded.nodes[n].get("group")]
    assert len(drawn) == 20 and groups
    assert sum(folded.nodes[g]["group"] for g in groups) == picture.number_of_nodes() - 20
    names = {name for g in groups for name in folded.nodes[g]["names"]}
    assert names == {picture.nodes[n]["label"] for n in picture if n not in drawn}
    least = min(picture.degree(n) for n in drawn)
    assert all(picture.degree(n) <= least for n in picture if n not in drawn)
    total = picture.number_of_nodes()
    assert f"van {total} getekend" in folded.graph["folded_note"]
    assert folded.graph["title"] == picture.graph["title"]  # it counts what was folded too
