"""kg.ask.case on the real graph: realistic cases from the source documents, including
municipalities no document names, and what must and must not come back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kg.ask.case import find
from kg.ask.evidence import _related_concepts
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


# Each case: (municipality, target groups, themes, {list: {iri: available or None for
# "absent"}}). The expectations come from the seeds and facts.md, not from the code's output.
CASES = [
    pytest.param(
        "Kampen",
        ["ouderen"],
        ["bewegen"],
        {
            "programmes": {P + "samen-in-beweging": True, P + "doe-mee-in-tilburg": None},
            "partners": {ORG + "ggd-ijsselland": True},
            "instruments": {ID + "accord/gala": True},
        },  # via Welzijn op Recept (facts.md)
        id="kampen-older-residents-exercise (seed 001)",
    ),
    pytest.param(
        "Zwolle",
        ["ouderen"],
        ["bewegen"],  # no document names Zwolle
        {
            "programmes": {P + "samen-in-beweging": False},  # ran elsewhere: only an example
            "partners": {ORG + "ggd-ijsselland": True},  # the GGD of Zwolle's region
            "instruments": {ID + "accord/sportakkoord-ii": True},
        },  # theme bewegen (facts.md)
        id="zwolle-not-named-finds-its-ggd",
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
        "Helmond",
        ["bijstandsgerechtigden"],
        [],
        {
            "programmes": {
                P + "het-ondersteuningsplan-helmond": True,
                P + "doe-mee-in-tilburg": False,
            },
            "partners": {ORG + "ggd-brabant-zuidoost": True},
        },
        id="helmond-social-assistance (seed 002)",
    ),
    pytest.param(
        "GM0599",
        ["uitkeringsgerechtigden"],
        [],
        {
            "programmes": {
                P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-rotterdam": True,
                P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-emmen": False,
            },
            "partners": {ORG + "ggd-rotterdam-rijnmond": True},
        },
        id="rotterdam-benefit-recipients (seed 000)",
    ),
    pytest.param(
        "Gouda",
        [],
        [],
        {
            "programmes": {
                P + "sociaal-makelaars-gouda": True,
                P + "alles-is-gezondheid": True,
                P + "samen-in-beweging": None,
            },
            "partners": {ORG + "ggd-hollands-midden": True},
        },
        id="gouda-everything-local (seed 004)",
    ),
    pytest.param(
        "Maastricht",
        ["mensen met psychosociale problemen"],
        [],  # not named by any document
        {
            "programmes": {INT + "welzijn-op-recept": True},  # a method, not tied to a place
            "instruments": {ID + "accord/gala": True, ID + "scheme/brede-spuk": True},
            "partners": {ORG + "ggd-zuid-limburg": True},
        },
        id="maastricht-social-prescribing (facts.md)",
    ),
    pytest.param(
        "Hardenberg",
        ["mensen met een chronische aandoening"],
        [],
        {
            "programmes": {P + "samen-in-beweging": True},
            "partners": {ORG + "ggd-noord-en-oost-gelderland": True},
        },  # partner in the project
        id="hardenberg-chronic-condition (seed 001)",
    ),
    pytest.param(
        "Winterswijk",
        ["ouderen"],
        [],
        {
            "programmes": {P + "samen-in-beweging": True},
            "partners": {ORG + "ggd-noord-en-oost-gelderland": True, ORG + "ggd-ijsselland": True},
        },
        id="winterswijk-in-gelderland (seed 001)",
    ),
    pytest.param(
        "Leiden",
        ["bijstandsgerechtigden"],
        [],
        {"programmes": {P + "buurt-ontmoetingsplek-leiden": True, P + "doe-mee-in-tilburg": False}},
        id="leiden-meeting-place (seed 002)",
    ),
    pytest.param(
        "Ameland",
        ["werkenden met burn-out of stress"],
        [],  # not named by any document
        {
            "programmes": {INT + "nature-based-therapy-bij-burn-out-en-stress": True},
            "partners": {ORG + "ggd-fryslan": True},
        },
        id="ameland-burn-out (seed 003)",
    ),
    pytest.param(
        "Kampen",
        ["older residents"],
        ["physical activity"],  # English labels
        {"programmes": {P + "samen-in-beweging": True}},
        id="kampen-in-english",
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
    for name in ("programmes", "instruments", "partners"):
        flags = [item["available"] for item in answer[name]]
        assert flags == sorted(flags, reverse=True), "unavailable items come last"
        scores = [item["score"] for item in answer[name] if item["available"]]
        assert scores == sorted(scores, reverse=True)


def test_reasons_and_sources_say_why(store) -> None:
    answer = find(store, "Kampen", ["ouderen"], ["bewegen"], lang="en").as_dict()
    sib = listed(answer, "programmes")[P + "samen-in-beweging"]
    assert any("runs in Kampen" in r and "GGD IJsselland" in r for r in sib["reasons"])
    assert "Samen in Beweging serves ouderen" not in sib["reasons"]  # English labels
    assert any("older residents" in r for r in sib["reasons"])
    assert any(s.startswith("Samen in Beweging met kwetsbare bewoners") for s in sib["sources"])


def test_json_has_exactly_the_four_keys(runner, real_build) -> None:
    args = [
        "--root",
        str(real_build.ontology_dir.parent),
        "case",
        "--build-dir",
        str(real_build.build_dir),
        "-m",
        "Kampen",
        "-t",
        "ouderen",
        "--format",
        "json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["case", "programmes", "instruments", "partners"]
    assert data["case"]["municipality"]["iri"].endswith("/gm0166")
    assert set(data["programmes"][0]) == {
        "iri",
        "label",
        "score",
        "available",
        "reasons",
        "sources",
    }


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
    assert (
        "Samen in Beweging past Welzijn op Recept toe, en Welzijn op Recept wordt gefinancierd "
        "uit Brede SPUK" in reasons
    )


def test_every_point_has_a_reason(store) -> None:
    answer = find(store, "Amsterdam", [], ["gezondheidsbevordering", "leefstijl"]).as_dict()
    for name in ("programmes", "instruments", "partners"):
        for item in answer[name]:
            assert item["reasons"] and len(item["reasons"]) == len(set(item["reasons"]))
            assert item["score"] <= 3 * len(item["reasons"])


@pytest.mark.parametrize(
    ("concept", "related"),
    [
        ("ouderen", {"ouderen", "kwetsbaren", "inwoners", "kwetsbare-ouderen"}),
        ("kwetsbaren", {"kwetsbaren", "inwoners", "ouderen", "kwetsbare-ouderen", "jongeren"}),
        ("jongeren", {"jongeren", "kwetsbaren", "inwoners"}),  # not the sibling ouderen
        ("inwoners", {"inwoners", "kwetsbaren", "ouderen", "kwetsbare-ouderen", "jongeren"}),
        ("los", {"los"}),  # in no hierarchy: only itself
    ],
)
def test_related_concepts_follow_broader_both_ways_any_depth(concept, related) -> None:
    """The case finder's concept matching (done in Python, not with skos:broader*): the
    concept, everything narrower and everything broader, never a sibling."""
    links = [
        {"narrower": "kwetsbaren", "broader": "inwoners"},
        {"narrower": "ouderen", "broader": "kwetsbaren"},
        {"narrower": "jongeren", "broader": "kwetsbaren"},
        {"narrower": "kwetsbare-ouderen", "broader": "ouderen"},
    ]
    assert _related_concepts(links)(concept) == related


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

    def spy(facts, available):
        seen.append((set(available), facts.usable))
        return score(facts, available)

    monkeypatch.setattr(kg.ask.case, "_score_instruments", spy)
    find(store, municipality, groups, themes)
    ((available, usable),) = seen
    assert available == usable and available
