"""kg.build.allocations: the Brede SPUK and SPUK IZA, checked against the reference files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.paths import REFERENCE_RELATIVE
from kg.store import open_store

from .conftest import ROOT

INPUTS = ROOT / REFERENCE_RELATIVE
BREDE = INPUTS / "brede_spuk_2025_2026.csv"
IZA = INPUTS / "spuk_iza_regios_2025_2026.csv"
KG = "https://w3id.org/kg-sociaal/def#"
SCHEME = "https://w3id.org/kg-sociaal/id/scheme/"

# The totals and counts the reference README states (checked there against four readings).
TOTALS = {
    ("brede-spuk", "2025"): (342, 310_475_334),
    ("brede-spuk", "2026"): (342, 264_423_052),
    ("spuk-iza-doelen", "2025"): (42, 142_900_002),
    ("spuk-iza-doelen", "2026"): (42, 153_213_599),
}
SUMS = f"""
PREFIX kg: <{KG}>
PREFIX schema: <https://schema.org/>
SELECT ?scheme ?year (COUNT(?a) AS ?n) (SUM(?amount) AS ?total) WHERE {{
  ?a a kg:Allocation ; kg:allocatedUnder ?scheme ; kg:budgetYear ?year ; schema:amount ?amount
}} GROUP BY ?scheme ?year"""
ROWS = f"""
PREFIX kg: <{KG}>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?scheme ?year ?who ?amount ?region WHERE {{
  ?a a kg:Allocation ; kg:allocatedUnder ?scheme ; kg:budgetYear ?year ; schema:amount ?amount ;
     kg:recipient ?recipient .
  ?recipient dct:identifier ?who .
  OPTIONAL {{ ?a kg:forRegion/dct:identifier ?region }}
}}"""


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_reference_files_hold_the_totals_the_readme_states() -> None:
    for path, scheme in ((BREDE, "brede-spuk"), (IZA, "spuk-iza-doelen")):
        rows = _csv(path)
        for year in ("2025", "2026"):
            total = sum(int(r[f"bedrag_{year}_eur"]) for r in rows)
            assert (len(rows), total) == TOTALS[(scheme, year)]


def test_the_graph_holds_every_allocation_and_the_totals(real_build) -> None:
    with open_store(real_build.build_dir) as store:
        found = {
            (s.removeprefix(SCHEME), y): (int(n), int(t))
            for s, y, n, t in store.select_values(SUMS)
        }
    assert found == TOTALS


def test_every_allocation_is_its_row_of_the_letter(real_build) -> None:
    """Each row of both files, amount by amount, and nothing else (truth check per row)."""
    expected = set()
    for r in _csv(BREDE):
        for y in ("2025", "2026"):
            expected.add(
                (SCHEME + "brede-spuk", y, r["gemeentecode"], int(r[f"bedrag_{y}_eur"]), None)
            )
    for r in _csv(IZA):
        who = r["mandaatgemeentecode"] or "samentwente"
        for y in ("2025", "2026"):
            region = r["iza_regio"].lower().replace(" ", "-").replace("/", "-")
            expected.add((SCHEME + "spuk-iza-doelen", y, who, int(r[f"bedrag_{y}_eur"]), region))
    with open_store(real_build.build_dir) as store:
        found = {(s, y, w, int(a), g) for s, y, w, a, g in store.select_values(ROWS)}
    assert found == expected


def test_the_two_odd_iza_rows_are_kept_as_printed_and_flagged(real_build) -> None:
    query = f"""PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?label WHERE {{ ?a kg:forRegion ?r ; kg:caveat ?c . ?r skos:prefLabel ?label
        FILTER(LANG(?label) = "nl") }}"""
    with open_store(real_build.build_dir) as store:
        flagged = {label for (label,) in store.select_values(query)}
    # The reference README: Noordoost Brabant (1.0923) and Noord-Holland Noord (1.0525).
    assert flagged == {"Noordoost Brabant (IZA-regio)", "Noord-Holland Noord (IZA-regio)"}


def test_no_municipality_is_placed_in_an_iza_region(real_build) -> None:
    """The letter names only the receiving municipality; membership is not inferred."""
    query = f"""PREFIX kg: <{KG}>
      SELECT ?s ?p WHERE {{ ?s ?p ?r . ?r a kg:IZARegion FILTER(?p != kg:forRegion) }}"""
    with open_store(real_build.build_dir) as store:
        assert store.select_values(query) == []


def test_every_2026_brede_spuk_amount_carries_the_letters_caveat(real_build) -> None:
    query = f"""PREFIX kg: <{KG}>
      SELECT (COUNT(?a) AS ?n) WHERE {{ ?a kg:allocatedUnder <{SCHEME}brede-spuk> ;
        kg:budgetYear ?y ; kg:caveat ?c FILTER(STR(?y) = "2026" && LANG(?c) = "nl"
        && CONTAINS(?c, "goedkeuring van de VWS-begroting")) }}"""
    with open_store(real_build.build_dir) as store:
        assert store.select_values(query) == [("342",)]


def test_bijlage_1_changes_for_2026(real_build) -> None:
    query = f"""PREFIX kg: <{KG}> PREFIX schema: <https://schema.org/>
      SELECT ?scheme ?amount WHERE {{ ?c a kg:BudgetChange ; kg:allocatedUnder ?scheme ;
        schema:amount ?amount }}"""
    with open_store(real_build.build_dir) as store:
        found = sorted((s.removeprefix(SCHEME), int(a)) for s, a in store.select_values(query))
    # Reference README: +17 m overweight, +18 m informal care, +5 m mental health,
    # +3 m Kansrijke Start, -23.5 m cut; SPUK IZA +25 m AZWA coordination, -14.1 m cut.
    assert found == sorted(
        [("brede-spuk", a) for a in (17_000_000, 18_000_000, 5_000_000, 3_000_000, -23_500_000)]
        + [("spuk-iza-doelen", 25_000_000), ("spuk-iza-doelen", -14_100_000)]
    )


# (file, how to break it, what the one-line error must name)
BROKEN = [
    (
        "brede_spuk_2025_2026.csv",
        lambda t: t.replace("bedrag_2026_eur", "bedrag_2026", 1),
        ":1: missing column(s) bedrag_2026_eur",
    ),
    (
        "brede_spuk_2025_2026.csv",
        lambda t: t.replace(",3479743,", ",3479743.5,", 1),
        ":2: column bedrag_2025_eur: '3479743.5' is not a whole number of euros",
    ),
    (
        "brede_spuk_2025_2026.csv",
        lambda t: t.replace(",3479743,", ",3.479.743,", 1),
        ":2: column bedrag_2025_eur",
    ),
    (
        "brede_spuk_2025_2026.csv",
        lambda t: t.replace("GM0014,", "GM9999,", 1),
        ":2: column gemeentecode: GM9999 is not a municipality in 2025",
    ),
    (
        "spuk_iza_regios_2025_2026.csv",
        lambda t: t.replace(",GM0222,", ",GM0223,", 1),
        ":2: column mandaatgemeentecode: GM0223 is",
    ),
    (
        "spuk_iza_regios_2025_2026.csv",
        lambda t: t.replace(",2598073,", ",,", 1),
        ":2: column bedrag_2025_eur: empty",
    ),
    (
        "upl_sociaal_domein.csv",
        lambda t: t.replace(
            "https://wetten.overheid.nl/jci1.3:c:BWBR0035362&hoofdstuk=2&paragraaf=3&artikel=2.3.1",
            "https://wetten.overheid.nl/BWBR0035362",
            1,
        ),
        ":2: column Grondslaglink: 'https://wetten.overheid.nl/BWBR0035362' is not a "
        "JuriConnect link",
    ),
    (
        "upl_sociaal_domein.csv",
        lambda t: t.replace("jci1.3:c:BWBR0035362", "jci1.3:c:BWBR0000001", 1),
        ":2: column Grondslaglink: BWBR0000001 is not one of the laws kg knows",
    ),
    (
        "upl_sociaal_domein.csv",
        lambda t: t.replace("Grondslaglabel,", "Label,", 1),
        ":1: missing column(s) Grondslaglabel",
    ),
]


@pytest.mark.parametrize(
    ("name", "breaker", "words"), BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)]
)
def test_a_malformed_row_is_one_line_exit_2_and_writes_nothing(
    tmp_path, name, breaker, words
) -> None:
    project = tmp_path / "kg"
    shutil.copytree(ROOT / "data" / "reference", project / "data" / "reference")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    target = project / "data" / "reference" / "inputs" / name
    target.write_text(breaker(target.read_text("utf-8")), "utf-8")
    for generated in ("regions.trig", "upl.trig", "allocations.trig"):
        (project / "data" / "reference" / generated).write_text("# old\n", "utf-8")
    result = CliRunner().invoke(cli, ["--root", str(project), "reference"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert f"{target}{words}" in result.output, result.output
    for generated in ("regions.trig", "upl.trig", "allocations.trig"):
        assert (project / "data" / "reference" / generated).read_text("utf-8") == "# old\n"
