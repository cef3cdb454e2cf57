"""Names as people write them (kg.ask.resolve on the real build): common names and abbreviations
(data/reference/aliases.trig), names with and without the organisation's kind, accents, case,
punctuation and slips of the keyboard, each with the resource it must name; and the names that
must not resolve, with the suggestion that must come first.

Every expected IRI was looked up in data/ by hand (its labels, altLabels and the hidden labels of
aliases.trig), not taken from the resolver's output.
"""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib import RDF, SKOS, URIRef

from kg.ask.resolve import resolve_concept, resolve_municipality, resolve_resource
from kg.errors import UsageError
from kg.namespaces import LABEL_PROPERTIES, LOOKUP_ONLY_PROPERTIES
from kg.paths import Paths
from kg.store import LocalStore, open_store
from kg.text import normalise

from .conftest import ROOT

KG = "https://w3id.org/kg-sociaal/def#"
ID = "https://w3id.org/kg-sociaal/id/"
ORG = "http://www.w3.org/ns/org#Organization"
TOOI = "https://identifier.overheid.nl/tooi/id/gemeente/"
ALIASES = ROOT / "data" / "reference" / "aliases.trig"
ALIAS_GRAPH = URIRef(ID + "source/gangbare-namen")

# What each kind of row resolves with: a municipality, a concept, or a resource of classes.
CLASSES = {
    "instrument": (KG + "PolicyInstrument",),
    "ggd-region": (KG + "GGDRegion",),
    "organisation": (ORG,),
    "any": (),
}


def _gm(code: str) -> str:
    return f"{TOOI}gm{code}"


def _id(path: str) -> str:
    return ID + path


# (kind, what a person types, the resource it must name)
SPELLINGS = [
    # --- municipalities: common names, the CBS name, case, accents, punctuation, codes ---
    ("municipality", "Den Haag", _gm("0518")),
    ("municipality", "den haag", _gm("0518")),
    ("municipality", "DEN HAAG", _gm("0518")),
    ("municipality", "  Den   Haag ", _gm("0518")),
    ("municipality", "Gemeente Den Haag", _gm("0518")),
    ("municipality", "'s-Gravenhage", _gm("0518")),
    ("municipality", "s-Gravenhage", _gm("0518")),
    ("municipality", "\u2019s-Gravenhage", _gm("0518")),  # a typographic apostrophe
    ("municipality", "Gemeente 's-Gravenhage", _gm("0518")),
    ("municipality", "Den Bosch", _gm("0796")),
    ("municipality", "den bosch", _gm("0796")),
    ("municipality", "Gemeente Den Bosch", _gm("0796")),  # the kind before a common name
    ("municipality", "'s-Hertogenbosch", _gm("0796")),
    ("municipality", "s Hertogenbosch", _gm("0796")),
    ("municipality", "Hertogenbosch", _gm("0796")),  # two slips in a long name
    ("municipality", "Súdwest-Fryslân", _gm("1900")),
    ("municipality", "Sudwest Fryslan", _gm("1900")),
    ("municipality", "sudwest-fryslan", _gm("1900")),
    ("municipality", "Noardeast Fryslan", _gm("1970")),
    ("municipality", "Tytsjerksteradiel", _gm("0737")),
    ("municipality", "De Fryske Marren", _gm("1940")),
    ("municipality", "Nuenen", _gm("0820")),
    ("municipality", "Nuenen, Gerwen en Nederwetten", _gm("0820")),
    ("municipality", "Valkenburg", _gm("0994")),
    ("municipality", "Amsterdam", _gm("0363")),
    ("municipality", "amsterdam", _gm("0363")),
    ("municipality", "Gemeente Amsterdam", _gm("0363")),
    ("municipality", "GM0363", _gm("0363")),
    ("municipality", "gm0363", _gm("0363")),
    ("municipality", "0363", _gm("0363")),
    ("municipality", "tooi:gm0363", _gm("0363")),
    ("municipality", "Amsterdm", _gm("0363")),  # a letter dropped from a long name
    ("municipality", "Zwole", _gm("0193")),  # a double letter typed once
    ("municipality", "Gemeente Zwole", _gm("0193")),
    ("municipality", "Zwollle", _gm("0193")),  # ... or three times
    ("municipality", "Maastrict", _gm("0935")),
    ("municipality", "Maastircht", _gm("0935")),  # two letters swapped
    ("municipality", "Kampen", _gm("0166")),
    ("municipality", "Gemeente Kampen", _gm("0166")),
    ("municipality", "Hengelo", _gm("0164")),  # without the qualifier (O.)
    ("municipality", "Hengelo (O.)", _gm("0164")),
    ("municipality", "Bergen NH", _gm("0373")),  # the qualifier without its punctuation
    ("municipality", "Bergen (L.)", _gm("0893")),
    ("municipality", "Rijswijk", _gm("0603")),
    # --- concepts: Dutch and English labels, abbreviations, spellings ---
    ("concept", "eenzaamheid", _id("concept/thema-eenzaamheid")),
    ("concept", "Eenzaamheid", _id("concept/thema-eenzaamheid")),
    ("concept", "loneliness", _id("concept/thema-eenzaamheid")),
    ("concept", "eenzaamhied", _id("concept/thema-eenzaamheid")),  # two letters swapped
    ("concept", "ouderen", _id("concept/doelgroep-ouderen")),
    ("concept", "older residents", _id("concept/doelgroep-ouderen")),
    ("concept", "uitkeringsgerechtigden", _id("concept/doelgroep-uitkeringsgerechtigden")),
    ("concept", "benefit recipients", _id("concept/doelgroep-uitkeringsgerechtigden")),
    ("concept", "JGZ", _id("concept/thema-jeugdgezondheid")),
    ("concept", "jgz", _id("concept/thema-jeugdgezondheid")),
    ("concept", "jeugdgezondheidszorg", _id("concept/thema-jeugdgezondheid")),
    ("concept", "re-integratie", _id("concept/thema-re-integratie")),
    ("concept", "reïntegratie", _id("concept/thema-re-integratie")),
    ("concept", "reintegratie", _id("concept/thema-re-integratie")),
    ("concept", "re integratie", _id("concept/thema-re-integratie")),
    ("concept", "schulden", _id("concept/thema-schulden")),
    ("concept", "schuldhulpverlening", _id("concept/thema-schulden")),
    ("concept", "mantelzorg", _id("concept/thema-mantelzorg")),
    ("concept", "informele zorg", _id("concept/thema-mantelzorg")),
    ("concept", "mantelzorgers", _id("concept/doelgroep-mantelzorgers")),
    # --- laws, accords and schemes (kg:PolicyInstrument) ---
    ("instrument", "Wmo", _id("law/wmo-2015")),
    ("instrument", "WMO", _id("law/wmo-2015")),
    ("instrument", "wmo", _id("law/wmo-2015")),
    ("instrument", "Wmo 2015", _id("law/wmo-2015")),
    ("instrument", "Wet maatschappelijke ondersteuning", _id("law/wmo-2015")),
    ("instrument", "Wet maatschappelijke ondersteuning 2015", _id("law/wmo-2015")),
    ("instrument", "Pw", _id("law/participatiewet")),
    ("instrument", "PW", _id("law/participatiewet")),
    ("instrument", "Participatiewet", _id("law/participatiewet")),
    ("instrument", "Wpg", _id("law/wet-publieke-gezondheid")),
    ("instrument", "Wet publieke gezondheid", _id("law/wet-publieke-gezondheid")),
    ("instrument", "Jeugdwet", _id("law/jeugdwet")),
    ("instrument", "Wgs", _id("law/wet-gemeentelijke-schuldhulpverlening")),
    ("instrument", "Zvw", _id("law/zorgverzekeringswet")),
    ("instrument", "GALA", _id("accord/gala")),
    ("instrument", "gala", _id("accord/gala")),
    ("instrument", "Gezond en Actief Leven Akkoord", _id("accord/gala")),
    ("instrument", "IZA", _id("accord/iza")),
    ("instrument", "Integraal Zorgakkoord", _id("accord/iza")),
    ("instrument", "Preventieakkoord", _id("accord/nationaal-preventieakkoord")),
    ("instrument", "Brede SPUK", _id("scheme/brede-spuk")),
    ("instrument", "brede spuk", _id("scheme/brede-spuk")),
    ("instrument", "SPUK IZA", _id("scheme/spuk-iza-doelen")),
    ("instrument", "SPUK IZA-doelen", _id("scheme/spuk-iza-doelen")),
    ("instrument", "WOZO", _id("government-programme/wozo")),
    # --- GGD regions: by their GGD's name, their own name, with or without "(GGD-regio)" ---
    ("ggd-region", "GGD IJsselland", _id("ggd-region/gg1009")),
    ("ggd-region", "IJsselland", _id("ggd-region/gg1009")),
    ("ggd-region", "ijsselland", _id("ggd-region/gg1009")),
    ("ggd-region", "IJsselland (GGD-regio)", _id("ggd-region/gg1009")),
    ("ggd-region", "GGD IJsselland (GGD-regio)", _id("ggd-region/gg1009")),
    ("ggd-region", "IJselland", _id("ggd-region/gg1009")),  # a letter dropped
    ("ggd-region", "Hollands-Noorden", _id("ggd-region/gg2707")),
    # --- organisations ---
    ("organisation", "GGD IJsselland", _id("organisation/ggd-ijsselland")),
    ("organisation", "Hollands-Noorden", _id("organisation/ggd-hollands-noorden")),
    ("organisation", "GGD Fryslan", _id("organisation/ggd-fryslan")),
    ("organisation", "Movisie", _id("organisation/movisie")),
    ("organisation", "movisie", _id("organisation/movisie")),
    ("organisation", "VNG", _id("organisation/vng")),
    ("organisation", "Vereniging van Nederlandse Gemeenten", _id("organisation/vng")),
    ("organisation", "Trimbos", _id("organisation/trimbos-instituut")),
    ("organisation", "Trimbos-instituut", _id("organisation/trimbos-instituut")),
    (
        "organisation",
        "Kenniscentrum Sport en Bewegen",
        _id("organisation/kenniscentrum-sport-en-bewegen"),
    ),
    (
        "organisation",
        "Ministerie van Volksgezondheid, Welzijn en Sport",
        _id("organisation/ministerie-van-vws"),
    ),
    ("organisation", "NOC NSF", _id("organisation/noc-nsf")),
    ("organisation", "Health Holland", _id("organisation/health-holland")),
    # --- any resource: a common name that only one thing has ---
    ("any", "Den Haag", _gm("0518")),
    ("any", "Wmo", _id("law/wmo-2015")),
]


def _resolve(store: LocalStore, kind: str, text: str) -> str:
    if kind == "municipality":
        return str(resolve_municipality(store, text))
    if kind == "concept":
        return str(resolve_concept(store, text))
    return str(resolve_resource(store, text, CLASSES[kind]))


def _outcome(store: LocalStore, kind: str, text: str) -> str:
    try:
        return _resolve(store, kind, text)
    except UsageError as exc:
        return f"error: {exc.message}"


@pytest.fixture(scope="module")
def store(real_build: Paths):
    with open_store(real_build.build_dir) as opened:
        yield opened


def test_the_table_is_long_enough() -> None:
    assert len(SPELLINGS) >= 60
    assert len({(kind, text) for kind, text, _ in SPELLINGS}) == len(SPELLINGS)


@pytest.mark.parametrize(("kind", "text", "iri"), SPELLINGS)
def test_a_spelling_names_its_resource(store: LocalStore, kind: str, text: str, iri: str) -> None:
    assert _resolve(store, kind, text) == iri


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, text, _ in SPELLINGS if kind not in ("concept",)]
)
def test_the_name_index_gives_what_the_full_path_gives(
    store: LocalStore, kind: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.name_index is not None
    fast = _outcome(store, kind, text)
    monkeypatch.setattr(LocalStore, "name_index", property(lambda self: None))
    assert _outcome(store, kind, text) == fast


# (kind, what a person types, the suggestion that must come first, as "label (curie)")
NOT_NAMES = [
    ("municipality", "Den Bsch", "Gemeente 's-Hertogenbosch (tooi:gm0796)"),
    ("municipality", "Den Bosh", "Gemeente 's-Hertogenbosch (tooi:gm0796)"),
    ("municipality", "Dn Bosch", "Gemeente 's-Hertogenbosch (tooi:gm0796)"),
    ("municipality", "Den Bos", "Gemeente 's-Hertogenbosch (tooi:gm0796)"),
    ("municipality", "Haag", "Gemeente 's-Gravenhage (tooi:gm0518)"),
    ("municipality", "Stede Brok", "Gemeente Stede Broec (tooi:gm0532)"),
    ("municipality", "Kampn", "Gemeente Kampen (tooi:gm0166)"),  # short: no silent guess
    ("municipality", "Gemeente Kampn", "Gemeente Kampen (tooi:gm0166)"),
    ("municipality", "GGD Amsterdam", "Gemeente Amsterdam (tooi:gm0363)"),  # not a municipality
    ("municipality", "Amster", "Gemeente Amsterdam (tooi:gm0363)"),
    ("concept", "oudere", "ouderen (concept:doelgroep-ouderen)"),
    ("concept", "bewegn", "bewegen (concept:thema-bewegen)"),
    ("instrument", "Wmo 2016", "Wmo 2015 (law:wmo-2015)"),
    ("instrument", "Participatiewt 2015", "Participatiewet (law:participatiewet)"),
    ("ggd-region", "Ijsellnd", "GGD IJsselland (GGD-regio) (ggdregion:gg1009)"),
    ("ggd-region", "Twnte", "GGD Twente (GGD-regio) (ggdregion:gg1106)"),
]


def _suggestions(message: str) -> list[str]:
    """The suggestions of a one-line error, in order."""
    assert "\n" not in message
    found = re.search(r"; closest: (.*)$", message)
    assert found, message
    pairs = re.findall(r"(.+?) \(([\w-]+:[^)\s]*|<[^>]+>)\)(?:, |$)", found.group(1))
    return [f"{label} ({name})" for label, name in pairs]


@pytest.mark.parametrize(("kind", "text", "first"), NOT_NAMES)
def test_a_near_miss_fails_with_the_closest_name_first(
    store: LocalStore, kind: str, text: str, first: str
) -> None:
    outcome = _outcome(store, kind, text)
    assert outcome.startswith("error: no "), outcome
    suggestions = _suggestions(outcome)
    assert suggestions[0] == first
    assert len(suggestions) <= 5


@pytest.mark.parametrize(
    ("kind", "text", "named"),
    [
        ("municipality", "Bergen", {"tooi:gm0373", "tooi:gm0893"}),
        ("municipality", "Gemeente Bergen", {"tooi:gm0373", "tooi:gm0893"}),
        ("instrument", "Sportakkoord", None),
        ("any", "IJsselland", {"org-id:ggd-ijsselland", "ggdregion:gg1009"}),
        ("any", "Hollands-Noorden", {"org-id:ggd-hollands-noorden", "ggdregion:gg2707"}),
    ],
)
def test_an_ambiguous_name_is_never_guessed(
    store: LocalStore, kind: str, text: str, named: set[str] | None
) -> None:
    outcome = _outcome(store, kind, text)
    assert outcome.startswith("error: "), outcome
    if named is not None:
        assert "is ambiguous" in outcome
        assert set(re.findall(r"\(([\w-]+:[\w-]+)\)", outcome)) == named


@pytest.mark.parametrize("text", ["Bergn", "Bergem", "SPUK"])
def test_a_slip_between_two_names_is_not_guessed(store: LocalStore, text: str) -> None:
    kind = "municipality" if text.startswith("Berg") else "instrument"
    outcome = _outcome(store, kind, text)
    assert outcome.startswith("error: no "), outcome
    assert len(_suggestions(outcome)) >= 2


@pytest.mark.parametrize(
    "text", ["Den Bosch", "den bosch", "Den Bsch", "Den Bosh", "Dn Bosch", "Den Bos", "Bosch"]
)
def test_den_bosch_never_suggests_stede_broec(store: LocalStore, text: str) -> None:
    outcome = _outcome(store, "municipality", text)
    assert "gm0532" not in outcome and "Stede Broec" not in outcome
    assert outcome == _gm("0796") or _suggestions(outcome)[0].startswith(
        "Gemeente 's-Hertogenbosch"
    )


def test_a_concept_within_a_scheme(store: LocalStore) -> None:
    theme = ID + "concept/thema"
    assert str(resolve_concept(store, "eenzaamheid", theme)) == ID + "concept/thema-eenzaamheid"
    with pytest.raises(UsageError, match="no concept in concept:thema named 'ouderen'"):
        resolve_concept(store, "ouderen", theme)


# --- the aliases themselves ------------------------------------------------------------------


@pytest.fixture(scope="module")
def aliases() -> rdflib.Dataset:
    data = rdflib.Dataset()
    data.parse(ALIASES, format="trig")
    return data


def test_hidden_labels_are_lookup_names_never_labels(store: LocalStore) -> None:
    hidden = str(SKOS.hiddenLabel)
    assert hidden in LOOKUP_ONLY_PROPERTIES and hidden not in LABEL_PROPERTIES
    labels = store.labels([_gm("0518"), _gm("0796"), ID + "law/wmo-2015"], "nl")
    assert labels == {
        _gm("0518"): "Gemeente 's-Gravenhage",
        _gm("0796"): "Gemeente 's-Hertogenbosch",
        ID + "law/wmo-2015": "Wmo 2015",
    }
    assert store.name_index is not None
    assert store.name_index.lookup("den haag") == [_gm("0518")]


def test_every_alias_is_a_hidden_label_of_a_resource_described_elsewhere(
    store: LocalStore, aliases: rdflib.Dataset
) -> None:
    graph = aliases.graph(ALIAS_GRAPH)
    subjects = set(graph.subjects()) - {ALIAS_GRAPH}
    assert len(subjects) >= 11
    for s in subjects:
        assert set(graph.predicates(s)) == {SKOS.hiddenLabel}, s
        rows = store.select("SELECT ?t WHERE { ?s a ?t }", {"s": s})
        assert rows.rows, f"{s} has no class: a misspelt IRI in aliases.trig?"
    assert (ALIAS_GRAPH, RDF.type, URIRef(KG + "Source")) in graph


def test_no_alias_repeats_a_name_or_names_something_else(store: LocalStore) -> None:
    """A hidden label adds a name: not one the resource has already (its labels and
    altLabels), nor one of another resource, which would make both ambiguous."""
    assert store.name_index is not None
    labels = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    rows = store.select(
        "SELECT ?s ?name WHERE { GRAPH ?g { ?s ?p ?name } }",
        {"g": ALIAS_GRAPH, "p": SKOS.hiddenLabel},
    )
    assert len(rows.rows) >= 13
    for s, name in rows.rows:
        assert store.name_index.lookup(normalise(str(name))) == [str(s)], (s, name)
        own = store.select(
            f"SELECT ?name WHERE {{ VALUES ?p {{ {labels} }} ?s ?p ?name }}", {"s": s}
        )
        assert normalise(str(name)) not in {normalise(str(n)) for (n,) in own.rows}, (s, name)


def test_an_index_of_an_older_format_is_not_used(real_build: Paths, tmp_path) -> None:
    """An index an older kg wrote (no hidden labels, punctuation kept in its keys) would
    answer otherwise than the full path: it is left unused."""
    import shutil
    import sqlite3

    from kg.store import built_file
    from kg.store.names import FILE

    generation = built_file(real_build.build_dir, "store").resolve().parent
    copy = tmp_path / "gen"
    shutil.copytree(generation, copy)
    current = LocalStore.open(copy / "store")
    assert current.name_index is not None
    current.name_index.close()
    db = sqlite3.connect(copy / FILE)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    older = LocalStore.open(copy / "store")
    assert older.name_index is None
    assert str(resolve_resource(older, "Den Haag")) == _gm("0518")
