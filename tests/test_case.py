"""kg.ask.case on the real graph: realistic cases from the source documents, including
municipalities no document names, and what must and must not come back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kg.ask.case import find, render_answer
from kg.cli import cli
from kg.errors import UsageError
from kg.namespaces import ID
from kg.store import LocalStore, open_store

P = ID + "programme/"
INT = ID + "intervention/"
ORG = ID + "organisation/"


@pytest.fixture(scope="module")
def store(real_build) -> Iterator[LocalStore]:
    with open_store(real_build.build_dir) as opened:
        yield opened  # type: ignore[misc]


def listed(answer: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    return {item["iri"]: item for item in answer[name]}


LAW = ID + "law/"
OWMS = "http://standaarden.overheid.nl/owms/terms/"
ALLOC = ID + "allocation/"
PARTS = ("law", "money", "programmes", "instruments", "partners")

# Each case: (municipality, target groups, themes, {part: {iri: available, or None for
# "absent"}}). The expectations come from the seeds, the reference files and the law texts,
# not from the code's output.
CASES = [
    pytest.param(
        "Kampen",
        ["ouderen"],
        ["bewegen"],
        {
            # Samen in Beweging ran in Kampen and ended with its last phase (2020-2022, seed 001)
            "programmes": {
                P + "samen-in-beweging": False,
                INT + "welzijn-op-recept": True,  # the project applied it in Kampen
                P + "doe-mee-in-tilburg": None,
            },
            "money": {ALLOC + "brede-spuk-2026-gm0166": True},
            "partners": {ORG + "ggd-ijsselland": True},
            "instruments": {ID + "accord/gala": True},
        },
        id="kampen-older-residents-exercise (seed 001)",
    ),
    pytest.param(
        "Zwolle",
        ["ouderen"],
        ["eenzaamheid"],  # no document names Zwolle
        {
            "programmes": {P + "een-tegen-eenzaamheid": True},  # a Brede SPUK theme (facts.md)
            "money": {
                ALLOC + "brede-spuk-2025-gm0193": True,
                ALLOC + "brede-spuk-2026-gm0193": True,
                ALLOC + "spuk-iza-2026-ijssel-vecht": True,  # Zwolle is its mandaatgemeente
            },
            "partners": {ORG + "ggd-ijsselland": True},
        },
        id="zwolle-not-named-loneliness",
    ),
    pytest.param(
        "Leiden",
        ["kwetsbare inwoners"],
        ["ontmoeting"],
        {"programmes": {P + "buurt-ontmoetingsplek-leiden": True}},  # seed 002: ran in Leiden
        id="leiden-meeting-place (seed 002)",
    ),
    pytest.param(
        "GM0599",
        ["uitkeringsgerechtigden"],
        ["re-integratie"],
        {
            # The 2008-2009 pilot in Rotterdam is an example from the past, never "running".
            "programmes": {
                P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-rotterdam": False,
            },
            "law": {LAW + "participatiewet-artikel-7": True, OWMS + "re-integratie": True},
            "instruments": {LAW + "participatiewet": True},
            "partners": {ORG + "ggd-rotterdam-rijnmond": True},
        },
        id="rotterdam-benefit-recipients (seed 000, Pw art. 7)",
    ),
    pytest.param(
        "Maastricht",
        ["mensen met schulden"],
        ["schulden"],
        {
            "law": {
                LAW + "wet-gemeentelijke-schuldhulpverlening-artikel-3": True,
                OWMS + "schuldhulpverlening": True,
            },
            "money": {ALLOC + "brede-spuk-2026-gm0935": True},
            "partners": {ORG + "ggd-zuid-limburg": True},
        },
        id="maastricht-debts (Wgs art. 3)",
    ),
    pytest.param(
        "Tilburg",
        ["bijstandsgerechtigden"],
        [],
        {
            "programmes": {
                P + "doe-mee-in-tilburg": True,
                P + "het-ondersteuningsplan-helmond": False,
            },
            "partners": {ORG + "ggd-hart-voor-brabant": True},
        },
        id="tilburg-social-assistance (seed 002)",
    ),
    pytest.param(
        "Gouda",
        [],
        [],
        {
            "programmes": {P + "sociaal-makelaars-gouda": True, P + "alles-is-gezondheid": True},
            "law": {LAW + "wmo-2015-artikel-2-1-1": True},  # a core duty, asked nothing else
            "partners": {ORG + "ggd-hollands-midden": True},
        },
        id="gouda-everything-local (seed 004)",
    ),
]


@pytest.mark.parametrize(("municipality", "groups", "themes", "expected"), CASES)
def test_a_case_finds_what_the_sources_establish(
    store, municipality: str, groups: list[str], themes: list[str], expected
) -> None:
    answer = find(store, municipality, groups, themes).as_dict()
    for name, items in expected.items():
        found = listed(answer, name)
        for iri, available in items.items():
            if available is None:
                assert iri not in found, f"{iri} should not be in {name}"
            else:
                assert iri in found, f"{iri} missing from {name}: {sorted(found)}"
                assert found[iri]["available"] is available
                assert found[iri]["reasons"] and found[iri]["score"] >= 0
    for name in PARTS:
        flags = [item["available"] for item in answer[name]]
        assert flags == sorted(flags, reverse=True), "unavailable items come last"
        scores = [item["score"] for item in answer[name] if item["available"]]
        assert scores == sorted(scores, reverse=True)


def test_an_ended_programme_is_never_running(store) -> None:
    answer = find(store, "Rotterdam", ["uitkeringsgerechtigden"], []).as_dict()
    pilot = listed(answer, "programmes")[
        P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-rotterdam"
    ]
    assert pilot["status"] == "ended" and not pilot["available"]
    assert not any("loopt" in r for r in pilot["reasons"]), pilot["reasons"]
    assert any(r.startswith("Proefimplementatie Rotterdam liep in") for r in pilot["reasons"])
    assert any("voorbeeld uit het verleden" in r for r in pilot["reasons"])


def test_reasons_and_sources_say_why(store) -> None:
    answer = find(store, "Kampen", ["ouderen"], ["bewegen"], lang="en").as_dict()
    wor = listed(answer, "programmes")[INT + "welzijn-op-recept"]
    assert any("applied Social prescribing" in r and "Kampen" in r for r in wor["reasons"])
    assert any("older residents" in r for r in wor["reasons"])  # English labels
    titles = [s["title"] for s in wor["sources"]]
    assert any(t.startswith("Samen in Beweging met kwetsbare bewoners") for t in titles)
    article = find(store, "Kampen", ["uitkeringsgerechtigden"], ["re-integratie"]).as_dict()
    pw7 = listed(article, "law")[LAW + "participatiewet-artikel-7"]
    assert pw7["url"] == (
        "https://wetten.overheid.nl/jci1.3:c:BWBR0015703&hoofdstuk=1&paragraaf=1.2&artikel=7"
    )
    assert {
        "title": "Uniforme Productnamenlijst",
        "url": "https://standaarden.overheid.nl/owms/oquery/UPL-actueel.csv",
    } in pw7["sources"]


def test_a_part_with_nothing_that_fits_says_so(store) -> None:
    """Kampen has no programme of its own for loneliness: the answer says so in words, and
    still lists the national approach for it."""
    answer = find(store, "Kampen", [], ["eenzaamheid"]).as_dict()
    assert any("Geen lokaal programma" in n for n in answer["notes"]["programmes"])
    assert listed(answer, "programmes")[P + "een-tegen-eenzaamheid"]["available"]
    # Kampen receives no SPUK IZA itself; the answer says what the sources do not know.
    assert any("IZA-regio" in n for n in answer["notes"]["money"])


def test_several_target_groups_count_as_any_and_more_fits_rank_higher(store) -> None:
    one = find(store, "Zwolle", ["ouderen"], []).as_dict()
    both = find(store, "Zwolle", ["ouderen", "mantelzorgers"], ["mantelzorg"]).as_dict()
    mantelzorg = listed(both, "programmes")[P + "mantelzorg"]
    assert mantelzorg["available"] and mantelzorg["score"] > 3  # two asked concepts fit
    assert P + "mantelzorg" not in {i["iri"] for i in one["programmes"][:3]}
    assert any("'of'" in n for n in both["notes"]["programmes"])


def test_json_has_the_five_parts_and_the_contracts_fields(runner, real_build) -> None:
    args = [
        "--root",
        str(real_build.ontology_dir.parent),
        "case",
        "--build-dir",
        str(real_build.build_dir),
        "-m",
        "Zwolle",
        "-t",
        "ouderen",
        "--theme",
        "eenzaamheid",
        "--format",
        "json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["case", *PARTS, "notes"]
    assert data["case"]["municipality"]["iri"].endswith("/gm0193")
    base = {"iri", "label", "score", "available", "reasons", "sources"}
    for part in PARTS:
        for item in data[part]:
            assert base <= set(item), (part, item)
            assert all(isinstance(s, dict) and s["title"] for s in item["sources"])
    assert all({"status", "period"} <= set(i) for i in data["programmes"])
    assert all({"amount_eur", "year", "scheme"} <= set(i) for i in data["money"])
    assert {i["amount_eur"] for i in data["money"] if i["year"] == 2026} >= {1732939}


def test_the_advice_note_speaks_the_language_asked(store) -> None:
    nl = render_answer(find(store, "Zwolle", ["ouderen"], ["eenzaamheid"]), "md")
    en = render_answer(
        find(store, "Zwolle", ["ouderen"], ["eenzaamheid"], lang="en"), "md", lang="en"
    )
    for heading in ("De wet", "Het geld", "Programma's en aanpakken", "Partners"):
        assert f"## {heading}" in nl
    for heading in ("The law", "The money", "Programmes and approaches", "Partners"):
        assert f"## {heading}" in en
    assert "redenen" not in en and "bronnen" not in en


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-m", "Kampn"], "closest: Gemeente Kampen"),
        (["-m", "Kampen", "-t", "oudere"], "closest: ouderen"),
        (["-m", "Kampen", "--theme", "bewegn"], "closest: bewegen"),
        (["-t", "ouderen"], "--municipality is required"),
    ],
)
def test_unknown_values_are_errors_with_suggestions(runner, real_build, args, needle) -> None:
    base = [
        "--root",
        str(real_build.ontology_dir.parent),
        "case",
        "--build-dir",
        str(real_build.build_dir),
    ]
    result = runner.invoke(cli, [*base, *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output and len(result.output.strip().splitlines()) == 1


def test_list_shows_target_groups_and_themes(runner, real_build) -> None:
    base = [
        "--root",
        str(real_build.ontology_dir.parent),
        "case",
        "--build-dir",
        str(real_build.build_dir),
    ]
    result = runner.invoke(cli, [*base, "--list"])
    assert result.exit_code == 0, result.output
    assert "  ouderen" in result.output and "  bewegen" in result.output


def test_a_theme_cannot_stand_in_for_a_target_group(store) -> None:
    with pytest.raises(UsageError, match="--target-group"):
        find(store, "Kampen", ["bewegen"])


def test_an_interventions_instrument_is_not_claimed_for_the_programme(store) -> None:
    answer = find(store, "Kampen", ["ouderen"], ["bewegen"]).as_dict()
    reasons = [r for item in answer["instruments"] for r in item["reasons"]]
    # Samen in Beweging applies Welzijn op Recept; it is Welzijn op Recept that is funded
    # from the Brede SPUK (facts.md), not the project (2020-2022) itself.
    assert not any(r.startswith("Samen in Beweging valt onder") for r in reasons)
    assert "Welzijn op Recept wordt gefinancierd uit Brede SPUK" in reasons


def test_every_point_has_a_reason(store) -> None:
    answer = find(store, "Amsterdam", [], ["gezondheidsbevordering", "leefstijl"]).as_dict()
    for name in ("law", "money", "programmes", "instruments", "partners"):
        for item in answer[name]:
            assert item["reasons"] and len(item["reasons"]) == len(set(item["reasons"]))
            assert item["score"] <= 3 * len(item["reasons"])


@pytest.mark.parametrize(
    ("municipality", "groups", "themes"),
    [
        ("Kampen", [], []),
        ("Kampen", ["ouderen"], []),
        ("Zwolle", [], ["bewegen"]),
        ("Gouda", [], []),
    ],
)
def test_partners_and_instruments_are_read_for_exactly_the_available_programmes(
    store, monkeypatch, municipality, groups, themes
) -> None:
    """The case finder reads partners and instruments only for the candidates it deems
    usable; that set must be the programmes the scoring then marks available."""
    import kg.ask.case

    seen: list[tuple[set[str], set[str]]] = []
    score = kg.ask.case._score_instruments

    def spy(facts, available, law):
        seen.append((set(available), facts.usable))
        return score(facts, available, law)

    monkeypatch.setattr(kg.ask.case, "_score_instruments", spy)
    find(store, municipality, groups, themes)
    ((available, usable),) = seen
    assert available == usable and available


def test_what_a_typed_name_was_read_as_is_said(store) -> None:
    """A slip or a common name is forgiven, never silently: the answer says how it read it."""
    answer = find(store, "Den Haag", [], ["eenzaamheidd"]).as_dict()
    assert answer["case"]["read_as"] == [
        {"typed": "Den Haag", "as": "Gemeente 's-Gravenhage"},
        {"typed": "eenzaamheidd", "as": "eenzaamheid"},
    ]
    assert "'eenzaamheidd' gelezen als 'eenzaamheid'." in render_answer(
        find(store, "Zwolle", [], ["eenzaamheidd"]), "table"
    )
    assert "read_as" not in find(store, "Zwolle", ["ouderen"], []).as_dict()["case"]
