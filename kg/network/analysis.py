"""Network analysis for network coordinators: who brokers between domains, which partners form
communities, which programmes cross domains.

Everything is computed on the *partner network*: programmes and the organisations (including
municipalities) that take part in them, one link per participation or responsible authority.
Domains are the concepts of the policy-domains scheme: a programme's domains are those it is
filed under (``cv:sector``); a partner's are its own (``kg:activeInDomain``) plus those of every
programme it takes part in.

- ``degree``: how many programmes a partner takes part in (for a programme: how many partners);
- ``betweenness``: the share of shortest paths between others that pass through a node
  (networkx, normalised; sampled over 500 nodes, with a fixed seed, above 2,000 nodes);
- ``bridging``: for a programme, how many domains it is filed under; for a partner, how many
  domains it connects to another domain (see below). A partner in one programme connects
  nothing, however many domains that programme crosses: the programme does.

A partner *connects* two domains when it works in one through one programme (or its own
domains) and in the other through another programme; a partner whose own domains hold both
connects them too.

Communities are found with the Louvain method (fixed seed) on the co-partner network (two
partners are linked as often as they share a programme) and numbered by size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from kg.ask.tables import Cell, Resource, Table
from kg.build.netfacts import CV, DOMAINS
from kg.errors import UsageError

if TYPE_CHECKING:
    import networkx as nx

METRICS = ("degree", "betweenness", "bridging")
GROUPINGS = ("node", "domain", "community")
NODE_KINDS = ("partner", "programme", "all")
#: Above this many nodes betweenness is estimated from a fixed sample of source nodes.
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_SAMPLE = 500
SEED = 42

_PARTNER_KINDS = {"organisation", "municipality"}
#: Links that make an organisation a partner of a programme, beside participations.
_PARTNER_PROPERTIES = {CV + "hasCompetentAuthority"}


@dataclass
class PartnerNetwork:
    """The partner network with what the measures need."""

    graph: nx.Graph  # programmes and partners
    domains: dict[str, frozenset[str]]  # node -> every domain it reaches
    own: dict[str, frozenset[str]]  # node -> the domains it is filed under or active in
    labels: dict[str, str]  # every node and domain -> label
    kinds: dict[str, str]  # node -> kind key

    def programmes(self) -> list[str]:
        return sorted(n for n in self.graph if self.kinds[n] == "programme")

    def partners(self) -> list[str]:
        return sorted(n for n in self.graph if self.kinds[n] != "programme")

    def resource(self, iri: str) -> Resource:
        return Resource(self.labels.get(iri, iri), iri)

    def _groups(self, node: str) -> list[frozenset[str]]:
        """A partner's domain groups: its own domains, then each programme's."""
        return [self.own.get(node, frozenset())] + [
            self.own.get(p, frozenset()) for p in sorted(self.graph[node])
        ]

    def bridging(self) -> dict[str, int]:
        """Per programme its domains; per partner the domains it connects to another."""
        result: dict[str, int] = {}
        for n in self.graph:
            if self.kinds[n] == "programme":
                result[n] = len(self.domains[n])
                continue
            ds = sorted(self.domains[n])
            result[n] = sum(1 for a in ds if any(b != a and self.connects(n, a, b) for b in ds))
        return result

    def connects(self, node: str, a: str, b: str) -> bool:
        """Whether partner ``node`` works in domain ``a`` and ``b`` through different
        programmes (or holds both as its own domains)."""
        groups = self._groups(node)
        if {a, b} <= groups[0]:
            return True
        return any(
            a in g and b in h for i, g in enumerate(groups) for j, h in enumerate(groups) if i != j
        )


def domains_of(graph: nx.MultiDiGraph) -> dict[str, frozenset[str]]:
    """Each node's own domains: the domain concepts it links to."""
    found: dict[str, set[str]] = defaultdict(set)
    for a, b in graph.edges():
        if DOMAINS in graph.nodes[b].get("schemes", ()):
            found[a].add(b)
    return {n: frozenset(ds) for n, ds in found.items()}


def partner_network(graph: nx.MultiDiGraph) -> PartnerNetwork:
    """Programmes and their partners from a projection (:func:`kg.network.project`)."""
    import networkx as nx

    partners = nx.Graph()
    kinds = dict(graph.nodes(data="kind"))
    for a, b, data in graph.edges(data=True):
        if not (data.get("role") or data.get("prop") in _PARTNER_PROPERTIES):
            continue
        ends = {kinds[a]: a, kinds[b]: b}
        if "programme" in ends and len(ends) == 2 and (set(ends) - {"programme"}) <= _PARTNER_KINDS:
            partner = a if kinds[a] != "programme" else b
            programme = b if partner == a else a
            partners.add_edge(partner, programme)
    own = domains_of(graph)
    domains: dict[str, frozenset[str]] = {}
    for n in sorted(partners):
        ds = set(own.get(n, ()))
        if kinds[n] != "programme":
            for programme in partners[n]:
                ds |= own.get(programme, frozenset())
        domains[n] = frozenset(ds)
    labels = {n: graph.nodes[n]["label"] for n in partners}
    labels.update({d: graph.nodes[d]["label"] for d in _scheme(graph)})
    return PartnerNetwork(partners, domains, own, labels, {n: kinds[n] for n in partners})


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def measure(graph: nx.Graph, metric: str, bridging: dict[str, int]) -> dict[str, float]:
    """``metric`` for every node of an undirected ``graph`` (counts as whole numbers);
    ``bridging`` gives that measure per node (see :meth:`PartnerNetwork.bridging`)."""
    import networkx as nx

    check_metric(metric)
    if metric == "degree":
        return {n: d for n, d in graph.degree()}
    if metric == "bridging":
        return {n: bridging.get(n, 0) for n in graph}
    k = None if graph.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLE
    values = nx.betweenness_centrality(graph, k=k, seed=SEED if k else None)
    return {n: round(v, 6) for n, v in values.items()}


def communities(graph: nx.Graph, nodes: Iterable[str] | None = None) -> dict[str, int]:
    """Louvain communities of ``graph`` numbered 1, 2, ... from the largest (ties by their
    first node), for ``nodes`` (default: all)."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    number = {n: i for i, c in enumerate(ordered, 1) for n in c}
    return {n: number[n] for n in (graph if nodes is None else nodes)}


def partner_communities(net: PartnerNetwork) -> dict[str, int]:
    """Communities of partners that work together; each programme joins the community most
    of its partners belong to (ties: the lower number)."""
    import networkx as nx

    co = nx.Graph()
    co.add_nodes_from(net.partners())
    for programme in net.programmes():
        for a, b in combinations(sorted(net.graph[programme]), 2):
            weight = co.get_edge_data(a, b, {"weight": 0})["weight"]
            co.add_edge(a, b, weight=weight + 1)
    number = communities(co)
    for programme in net.programmes():
        votes = Counter(number[p] for p in net.graph[programme])
        if votes:
            number[programme] = min(votes, key=lambda c: (-votes[c], c))
    return number


def analyse(
    graph: nx.MultiDiGraph,
    *,
    metric: str = "betweenness",
    by: str = "node",
    kind: str = "partner",
    limit: int | None = None,
) -> Table:
    """The partner network of ``graph`` measured and grouped (see the module docstring)."""
    check_metric(metric)
    if by not in GROUPINGS:
        raise UsageError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")
    if kind not in NODE_KINDS:
        raise UsageError(f"unknown kind {kind!r}; expected one of {', '.join(NODE_KINDS)}")
    if by != "node" and kind != "partner":
        raise UsageError(
            "--kind chooses what --by node ranks; --by domain and --by community "
            "always group partners"
        )
    if limit is not None and limit < 0:
        raise UsageError("the limit must be 0 or more")
    net = partner_network(graph)
    ranking = _Ranking(net, measure(net.graph, metric, net.bridging()))
    community = partner_communities(net)
    if by == "node":
        table = _by_node(net, ranking, community, kind, metric)
    elif by == "domain":
        table = _by_domain(net, ranking, graph)
    else:
        table = _by_community(net, ranking, community)
    if limit is not None:
        table = Table(table.columns, table.rows[:limit], table.resource_columns)
    return table


@dataclass(frozen=True)
class _Ranking:
    """Nodes ordered by a measure (highest first, then by label), with competition ranks."""

    net: PartnerNetwork
    values: dict[str, float]

    def ranked(self, nodes: Iterable[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (-self.values[n], self.net.labels[n], n))

    def ranks(self, nodes: list[str]) -> list[int]:
        """Competition ranks ("1, 2, 2, 4"): equal values share a rank."""
        out: list[int] = []
        for i, n in enumerate(nodes):
            same = i and self.values[n] == self.values[nodes[i - 1]]
            out.append(out[-1] if same else i + 1)
        return out

    def resources(self, nodes: Iterable[str]) -> tuple[Resource, ...]:
        return tuple(self.net.resource(n) for n in self.ranked(nodes))

    def domains(self, ds: Iterable[str]) -> tuple[Resource, ...]:
        return tuple(sorted(self.net.resource(d) for d in ds))


def _by_node(
    net: PartnerNetwork, ranking: _Ranking, community: dict[str, int], kind: str, metric: str
) -> Table:
    everyone = {"partner": net.partners(), "programme": net.programmes()}
    order = ranking.ranked(everyone.get(kind, sorted(net.graph)))
    rows: list[tuple[Cell, ...]] = [
        (
            rank,
            net.resource(n),
            net.kinds[n],
            ranking.values[n],
            net.graph.degree(n),
            ranking.domains(net.domains[n]),
            community.get(n),
        )
        for rank, n in zip(ranking.ranks(order), order, strict=True)
    ]
    columns = ("rank", "name", "kind", metric, "links", "domains", "community")
    return Table(columns, rows, frozenset({"name", "domains"}))


def _by_domain(net: PartnerNetwork, ranking: _Ranking, graph: nx.MultiDiGraph) -> Table:
    all_domains = sorted({d for ds in net.domains.values() for d in ds} | _scheme(graph))
    rows: list[tuple[Cell, ...]] = []
    for a, b in combinations(sorted(all_domains, key=lambda d: net.labels.get(d, d)), 2):
        brokers = [p for p in net.partners() if net.connects(p, a, b)]
        crossing = [p for p in net.programmes() if {a, b} <= net.domains[p]]
        rows.append(
            (
                net.resource(a),
                net.resource(b),
                len(brokers),
                ranking.resources(brokers),
                ranking.resources(crossing),
            )
        )
    rows.sort(key=lambda r: (-len(r[3]), -len(r[4]), str(r[0]), str(r[1])))  # type: ignore[arg-type]
    columns = ("domain", "other_domain", "broker_count", "brokers", "programmes")
    return Table(columns, rows, frozenset({"domain", "other_domain", "brokers", "programmes"}))


def _by_community(net: PartnerNetwork, ranking: _Ranking, community: dict[str, int]) -> Table:
    members: dict[int, list[str]] = defaultdict(list)
    for n, c in community.items():
        members[c].append(n)
    rows: list[tuple[Cell, ...]] = []
    for c in sorted(members):
        people = ranking.ranked(n for n in members[c] if net.kinds[n] != "programme")
        programmes = ranking.ranked(n for n in members[c] if net.kinds[n] == "programme")
        ds = {d for n in members[c] for d in net.domains[n]}
        rows.append(
            (
                c,
                len(people),
                tuple(net.resource(n) for n in people),
                tuple(net.resource(n) for n in programmes),
                ranking.domains(ds),
            )
        )
    columns = ("community", "partners", "members", "programmes", "domains")
    return Table(columns, rows, frozenset({"members", "programmes", "domains"}))


def _scheme(graph: nx.MultiDiGraph) -> set[str]:
    """Every domain concept in the graph, linked or not, so gaps between domains show."""
    return {n for n, schemes in graph.nodes(data="schemes") if DOMAINS in (schemes or ())}
