"""The network's facts: the kinds of node a picture draws, and what :func:`collect` reads from
a store to draw it (nodes, links with their sources, names, labels), in no particular
language. ``kg build`` collects them once and saves them beside the store
(:mod:`kg.build.netfile`); :mod:`kg.network` draws pictures from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kg import i18n
from kg.closure import reachable
from kg.errors import UsageError
from kg.namespaces import KG, LABEL_PROPERTIES, PREFIXES, sparql_prefixes
from kg.store import Store

CV = PREFIXES["cv"]
DCT = PREFIXES["dct"]
ORG = PREFIXES["org"]
SKOS = PREFIXES["skos"]
FOAF = PREFIXES["foaf"]
PROV = PREFIXES["prov"]

#: The policy domains scheme; its concepts are what "crossing domains" is measured in.
DOMAINS = PREFIXES["concept"] + "domein"


@dataclass(frozen=True, kw_only=True)
class Kind:
    """A kind of node: which classes make it, and whether a picture shows it unless
    ``--types`` says otherwise. Its name is in the catalogue (kg.i18n, section kinds); how it
    is drawn is kg.network.render's (STYLES)."""

    key: str
    classes: tuple[str, ...]
    shown: bool

    def label(self, lang: str) -> str:
        label: str = i18n.words("kinds", lang)[self.key]
        return label


# First match wins: a municipality is also a (public) organisation, a pilot also a programme.
KINDS: tuple[Kind, ...] = (
    Kind(key="programme", classes=(KG + "Programme",), shown=True),
    Kind(key="intervention", classes=(KG + "Intervention",), shown=True),
    Kind(key="municipality", classes=(KG + "Municipality",), shown=True),
    Kind(key="region", classes=(KG + "GGDRegion", KG + "Province", KG + "Country"), shown=True),
    Kind(key="place", classes=(KG + "Place",), shown=True),
    Kind(key="organisation", classes=(ORG + "Organization",), shown=True),
    Kind(key="law", classes=(KG + "Law",), shown=True),
    Kind(key="accord", classes=(KG + "Accord",), shown=True),
    Kind(key="scheme", classes=(KG + "FundingScheme",), shown=True),
    Kind(key="policy", classes=(KG + "GovernmentProgramme",), shown=True),
    Kind(key="concept", classes=(SKOS + "Concept",), shown=True),
    Kind(key="source", classes=(KG + "Source",), shown=False),
    Kind(key="person", classes=(FOAF + "Person",), shown=False),
    Kind(key="output", classes=(CV + "Output",), shown=False),
    Kind(key="event", classes=(KG + "Event",), shown=False),
    Kind(key="finding", classes=(KG + "Finding",), shown=False),
    Kind(key="phase", classes=(KG + "Phase",), shown=False),
)
KIND_BY_KEY: dict[str, Kind] = {k.key: k for k in KINDS}
DEFAULT_KINDS: tuple[str, ...] = tuple(k.key for k in KINDS if k.shown)


def parse_kinds(values: Iterable[str]) -> tuple[str, ...]:
    """Kind keys from ``--types`` values, in KINDS order: ``"programme,organisation"`` (just
    those), ``"all"``, or ``"+source"`` (the defaults and sources)."""
    wanted: set[str] = set()
    for value in values:
        for part in value.split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key.startswith("+"):
                wanted.update(DEFAULT_KINDS)
                key = key[1:].strip()
            if key == "all":
                wanted.update(KIND_BY_KEY)
            elif key in KIND_BY_KEY:
                wanted.add(key)
            else:
                known = ", ".join(KIND_BY_KEY)
                raise UsageError(
                    f"--types: unknown kind {part.strip()!r}; known: {known}, all "
                    "(+KIND adds to the defaults)"
                )
    if not wanted:
        return DEFAULT_KINDS
    return tuple(k.key for k in KINDS if k.key in wanted)


def _select(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """Rows as strings (None stays None) of a query written without PREFIX lines."""
    return store.select_values(sparql_prefixes() + sparql)  # type: ignore[return-value]


def _kind_of_class(store: Store) -> dict[str, Kind]:
    """Every class (the kinds' classes and their subclasses) mapped to its kind.

    The direct subclass links are read and followed here, not with ``rdfs:subClassOf+``
    between two variables, which some servers refuse (Virtuoso: "transitive start not
    given")."""
    direct: dict[str, set[str]] = defaultdict(set)
    for sub, sup in _select(store, "SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf ?sup }"):
        direct[sup].add(sub)

    mapping: dict[str, Kind] = {}
    for kind in KINDS:
        for cls in kind.classes:
            for c in (cls, *sorted(reachable(direct, cls) - {cls})):
                mapping.setdefault(c, kind)
    return mapping


@dataclass
class Facts:
    """What the network is made of, in no particular language: :func:`collect` reads it from
    a store, :func:`assemble` draws a network from it in one language. ``kg build`` saves it
    beside the store (:mod:`kg.build.netfile`), so commands that draw need not read the whole store.
    """

    kinds: dict[str, str]  # node IRI -> kind key
    fold: dict[str, str]  # municipal area -> municipality
    derived: dict[str, set[str]]  # node -> the sources it derives from
    links: dict[tuple[str, str, str], set[str]]  # (from, to, property or role) -> graphs
    roles: set[tuple[str, str, str]]  # the links that are participations
    schemes: dict[str, set[str]]  # concept -> its concept schemes
    names: dict[str, set[str]]  # node -> every name it goes by
    label_rows: list[tuple[str, str, str, str]]  # (resource, property, text, language)
    descriptions: dict[str, list[tuple[str, str]]]  # node -> (text, language)
    pages: dict[str, str]  # source -> its web page


def collect(store: Store) -> Facts:
    """Read the network's facts from ``store`` (ten SELECTs over the whole graph)."""
    kinds = _node_kinds(store)
    fold = _folded_areas(store, kinds)

    def node(iri: str) -> str | None:
        iri = fold.get(iri, iri)
        return iri if iri in kinds else None

    derived: dict[str, set[str]] = defaultdict(set)
    for x, source in _select(store, "SELECT ?x ?s WHERE { ?x prov:wasDerivedFrom ?s }"):
        n = node(x)
        if n is not None:
            derived[n].add(source)
    links, roles = _links(store, node, derived)
    schemes: dict[str, set[str]] = defaultdict(set)
    for concept, scheme in _select(store, "SELECT ?c ?s WHERE { ?c skos:inScheme ?s }"):
        schemes[concept].add(scheme)
    # Vocabulary entries nothing links to (partner roles, unused terms) are not actors; the
    # policy domains stay, so that domains nobody connects show as gaps.
    linked = {a for a, _, _ in links} | {b for _, b, _ in links}
    for iri in [i for i, k in kinds.items() if k.key == "concept" and i not in linked]:
        if DOMAINS not in schemes.get(iri, ()):
            del kinds[iri]
    names, label_rows = _names(
        store, kinds, fold, {p for (_, _, p) in links} | _sources(links, derived)
    )
    descriptions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    description_query = (
        "SELECT ?x ?d (LANG(?d) AS ?l) WHERE { ?x dct:description ?d FILTER(isIRI(?x)) }"
    )
    for x, text, language in _select(store, description_query):
        if x in kinds:
            descriptions[x].append((text, language or ""))
    pages = {
        s: page
        for s, page in _select(store, "SELECT ?s ?p WHERE { ?s a kg:Source ; foaf:page ?p }")
    }
    return Facts(
        kinds={iri: kind.key for iri, kind in kinds.items()},
        fold=fold,
        derived=dict(derived),
        links=dict(links),
        roles=roles,
        schemes=dict(schemes),
        names=dict(names),
        label_rows=sorted(label_rows),
        descriptions={x: sorted(texts) for x, texts in descriptions.items()},
        pages=pages,
    )


def _node_kinds(store: Store) -> dict[str, Kind]:
    """Every resource with a kind of node, and that kind (the first in KINDS that fits)."""
    kind_of_class = _kind_of_class(store)
    order = {k.key: i for i, k in enumerate(KINDS)}
    kinds: dict[str, Kind] = {}
    for x, cls in _select(store, "SELECT ?x ?c WHERE { ?x a ?c FILTER(isIRI(?x)) }"):
        kind = kind_of_class.get(cls)
        if kind and (x not in kinds or order[kind.key] < order[kinds[x].key]):
            kinds[x] = kind
    return kinds


def _folded_areas(store: Store, kinds: Mapping[str, Kind]) -> dict[str, str]:
    """Each municipality's area, folded into the municipality."""
    fold: dict[str, str] = {}
    areas = "SELECT ?m ?a WHERE { ?m a kg:Municipality ; dct:spatial ?a . ?a a kg:MunicipalArea }"
    for municipality, area in _select(store, areas):
        if municipality in kinds:
            fold[area] = municipality
    return fold


def _links(
    store: Store, node: Callable[[str], str | None], derived: Mapping[str, set[str]]
) -> tuple[dict[tuple[str, str, str], set[str]], set[tuple[str, str, str]]]:
    """Every statement between two nodes, with the graphs that state it, and each
    participation as one role edge from partner to programme (the second set names them)."""
    links: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    roles: set[tuple[str, str, str]] = set()

    def link(s: str, o: str, p: str, where: str) -> tuple[str, str, str] | None:
        a, b = node(s), node(o)
        if a is None or b is None or a == b:
            return None
        links[(a, b, p)].add(where)
        return (a, b, p)

    statements = (
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?o) && isIRI(?s)) "
        "FILTER(?p NOT IN (rdf:type, prov:wasDerivedFrom)) }"
    )
    for s, p, o, g in _select(store, statements):
        link(s, o, p, g)
    for x, sources in derived.items():
        for source in sources:  # drawn only when sources are nodes; says where it comes from
            link(x, source, PROV + "wasDerivedFrom", source)
    participation = (
        "SELECT ?approach ?partner ?role ?g WHERE { GRAPH ?g { ?approach cv:hasParticipation "
        "?pp . } ?pp cv:hasParticipant ?partner . OPTIONAL { ?pp cv:role ?role } }"
    )
    for approach, partner, role, g in _select(store, participation):
        key = link(partner, approach, role or CV + "hasParticipant", g)
        if key is not None:
            roles.add(key)
    return links, roles


def _names(
    store: Store, kinds: Mapping[str, Kind], fold: Mapping[str, str], labelled: set[str]
) -> tuple[dict[str, set[str]], list[tuple[str, str, str, str]]]:
    """Every name a node goes by (labels in any language, codes, its area's names), for
    --focus and for the page's search; and the label rows of nodes and of ``labelled``
    (link properties and sources), which give their display labels."""
    names: dict[str, set[str]] = defaultdict(set)
    label_rows: list[tuple[str, str, str, str]] = []
    properties = " ".join(f"<{p}>" for p in (*LABEL_PROPERTIES, DCT + "identifier"))
    name_query = (
        f"SELECT ?r ?p ?name (LANG(?name) AS ?l) WHERE {{ VALUES ?p {{ {properties} }} "
        "?r ?p ?name FILTER(isLiteral(?name)) }"
    )
    for r, p, name, language in _select(store, name_query):
        n = fold.get(r, r)
        if n in kinds:
            names[n].add(name)
        if (r in kinds or r in labelled) and p in LABEL_PROPERTIES:
            label_rows.append((r, p, name, language or ""))
    return names, label_rows


def _sources(
    links: Mapping[tuple[str, str, str], set[str]], derived: Mapping[str, set[str]]
) -> set[str]:
    """Every source a link or node cites."""
    return {g for gs in links.values() for g in gs} | {s for ss in derived.values() for s in ss}
