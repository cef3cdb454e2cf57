"""Network analysis on a hand-built partner network whose answers are worked out by hand.

tests/data/network/partners.trig: A1, A2 take part in P1 and P2, A3 in P2; X in P2 and P3;
B1, B2 in P3 and P4, B3 in P4. P1 and P2 are health programmes, P3 and P4 work programmes.
The partner network has 11 nodes; betweenness is normalised by (n-1)(n-2)/2 = 45 pairs.

Worked by hand (pairs whose shortest paths pass through the node; split paths count half):
- X: every pair between {A1, A2, A3, P1, P2} and {P3, P4, B1, B2, B3}: 5 x 5 = 25 -> 25/45.
- B1 (and B2): P4 to {P3, X, P2, P1, A1, A2, A3} and B3 to the same 7 nodes, each with two
  shortest paths (via B1 or via B2): (7 + 7) / 2 = 7 -> 7/45.
- A1 (and A2): P1 to {P2, A3, X, P3, P4, B1, B2, B3}, two paths each (via A1 or A2):
  8 / 2 = 4 -> 4/45.
- A3 and B3 lie on no shortest path between others: 0.
"""

from __future__ import annotations

import pytest

from kg.ask.tables import Resource
from kg.errors import UsageError
from kg.network import project
from kg.network.analysis import analyse, partner_communities, partner_network
from kg.store import LocalStore

from .conftest import DATA, ROOT

EX = "https://example.org/net/"
DOMAIN = "https://w3id.org/kg-sociaal/id/concept/domein-"


@pytest.fixture(scope="module")
def graph():
    store = LocalStore.in_memory()
    store.load((ROOT / "ontology" / "kg.ttl").read_bytes(), "ttl", graph="urn:ontology")
    store.load((DATA / "network" / "partners.trig").read_bytes(), "trig")
    return project(store)


def _by_name(table):
    return {row["name"].label: row for row in table.dicts()}


def test_betweenness_of_partners_matches_the_hand_count(graph) -> None:
    rows = _by_name(analyse(graph, metric="betweenness"))
    expected = {"X": 25 / 45, "B1": 7 / 45, "B2": 7 / 45, "A1": 4 / 45, "A2": 4 / 45}
    expected |= {"A3": 0.0, "B3": 0.0}
    # Reported to six decimals.
    found = {name: row["betweenness"] for name, row in rows.items()}
    assert found == pytest.approx(expected, abs=1e-6)


def test_the_broker_ranks_first_and_ties_share_a_rank(graph) -> None:
    rows = analyse(graph, metric="betweenness").rows
    assert [row[1].label for row in rows] == ["X", "B1", "B2", "A1", "A2", "A3", "B3"]
    assert [row[0] for row in rows] == [1, 2, 2, 4, 4, 6, 6]


def test_degree_counts_programmes_for_partners_and_partners_for_programmes(graph) -> None:
    partners = _by_name(analyse(graph, metric="degree"))
    assert {n: r["degree"] for n, r in partners.items()} == {
        "A1": 2,
        "A2": 2,
        "A3": 1,
        "X": 2,
        "B1": 2,
        "B2": 2,
        "B3": 1,
    }
    programmes = _by_name(analyse(graph, metric="degree", kind="programme"))
    assert {n: r["degree"] for n, r in programmes.items()} == {"P1": 2, "P2": 4, "P3": 3, "P4": 3}


def test_bridging_counts_the_domains_a_partner_connects(graph) -> None:
    rows = _by_name(analyse(graph, metric="bridging"))
    # X works in health through P2 and in work through P3: it connects both domains. The
    # others stay in one domain.
    assert rows["X"]["bridging"] == 2
    assert [d.label for d in rows["X"]["domains"]] == ["gezondheid", "werk en inkomen"]
    assert all(rows[n]["bridging"] == 0 for n in ("A1", "A2", "A3", "B1", "B2", "B3"))
    # A programme bridges the domains it is filed under.
    programmes = _by_name(analyse(graph, metric="bridging", kind="programme"))
    assert {n: r["bridging"] for n, r in programmes.items()} == {"P1": 1, "P2": 1, "P3": 1, "P4": 1}


def test_communities_are_the_two_groups(graph) -> None:
    number = partner_communities(partner_network(graph))
    group = {name: number[EX + name] for name in ("A1", "A2", "A3", "B1", "B2", "B3", "X")}
    assert group["A1"] == group["A2"] == group["A3"]
    assert group["B1"] == group["B2"] == group["B3"]
    assert group["A1"] != group["B1"]
    assert group["X"] in (group["A1"], group["B1"])
    # Programmes join the community of most of their partners.
    assert number[EX + "P1"] == group["A1"] and number[EX + "P4"] == group["B1"]


def test_by_community_lists_members_and_programmes(graph) -> None:
    table = analyse(graph, by="community")
    assert [row["community"] for row in table.dicts()] == [1, 2]
    members = [{m.label for m in row["members"]} for row in table.dicts()]
    assert {frozenset(m - {"X"}) for m in members} == {
        frozenset({"A1", "A2", "A3"}),
        frozenset({"B1", "B2", "B3"}),
    }
    assert sum(row["partners"] for row in table.dicts()) == 7


def test_by_domain_shows_the_broker_and_the_gaps(graph) -> None:
    table = analyse(graph, by="domain")
    rows = {(r["domain"].label, r["other_domain"].label): r for r in table.dicts()}
    assert set(rows) == {
        ("gezondheid", "werk en inkomen"),
        ("gezondheid", "zorg"),
        ("werk en inkomen", "zorg"),
    }
    bridge = rows[("gezondheid", "werk en inkomen")]
    assert bridge["broker_count"] == 1
    assert bridge["brokers"] == (Resource("X", EX + "X"),)
    assert bridge["programmes"] == ()  # no programme is filed under both
    assert rows[("gezondheid", "zorg")]["broker_count"] == 0
    assert rows[("werk en inkomen", "zorg")]["brokers"] == ()


def test_limit_keeps_the_top_rows(graph) -> None:
    assert [r[1].label for r in analyse(graph, limit=2).rows] == ["X", "B1"]
    assert analyse(graph, limit=0).rows == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"metric": "pagerank"}, "unknown metric 'pagerank'"),
        ({"by": "region"}, "unknown grouping 'region'"),
        ({"kind": "person"}, "unknown kind 'person'"),
        ({"limit": -1}, "the limit must be 0 or more"),
        ({"by": "domain", "kind": "programme"}, "--kind chooses what --by node ranks"),
    ],
)
def test_bad_options_are_usage_errors(graph, options, message) -> None:
    with pytest.raises(UsageError, match=message):
        analyse(graph, **options)


def test_one_programme_across_domains_makes_no_partner_a_broker() -> None:
    """Y takes part only in P5, which is filed under two domains: P5 crosses them, Y does not
    connect them (it works in both only through that one programme)."""
    store = LocalStore.in_memory()
    store.load((ROOT / "ontology" / "kg.ttl").read_bytes(), "ttl", graph="urn:ontology")
    store.load((DATA / "network" / "partners.trig").read_bytes(), "trig")
    extra = f"""
        @prefix cv: <http://data.europa.eu/m8g/> .
        @prefix kg: <https://w3id.org/kg-sociaal/def#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{EX}P5> a kg:Programme ; skos:prefLabel "P5"@nl ;
            cv:sector <{DOMAIN}gezondheid>, <{DOMAIN}zorg> ; cv:hasParticipation <{EX}p5y> .
        <{EX}p5y> cv:hasParticipant <{EX}Y> ; cv:role <{EX}partner> .
        <{EX}Y> a org:Organization ; skos:prefLabel "Y"@nl .
    """
    store.load(extra.encode(), "ttl", graph=EX + "source")
    graph = project(store)
    assert _by_name(analyse(graph, metric="bridging"))["Y"]["bridging"] == 0
    table = analyse(graph, by="domain")
    pair = next(
        r
        for r in table.dicts()
        if {r["domain"].label, r["other_domain"].label} == {"gezondheid", "zorg"}
    )
    assert pair["broker_count"] == 0 and pair["brokers"] == ()
    assert pair["programmes"] == (Resource("P5", EX + "P5"),)
