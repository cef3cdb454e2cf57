"""Money: the Brede SPUK of every municipality and the SPUK IZA of every IZA region.

``brede_spuk_2025_2026.csv`` and ``spuk_iza_regios_2025_2026.csv`` become
``data/reference/allocations.trig``: one :class:`kg:Allocation` (a ``schema:MonetaryGrant``)
per recipient and year, with the amount in whole euros, the scheme, the recipient (and for
the SPUK IZA the region), the funder and the caveats the letter states; and the 2026
additions and cut of the letter's Bijlage 1 as :class:`kg:BudgetChange`. Everything sits in
the named graph of the letter itself (VWS, 12 September 2025, 4190863-1084972-DMO).

Which municipalities form an IZA region is not in the letter, and kg does not infer it: an
IZA region is linked only to the municipality (or organisation) that receives its grant.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.build.csvfile import euros, read_rows, turtle_string, whole_euros
from kg.errors import KgError, shown
from kg.namespaces import slugify, turtle_prefixes

BREDE_SPUK_CSV = "brede_spuk_2025_2026.csv"
SPUK_IZA_CSV = "spuk_iza_regios_2025_2026.csv"
OUTPUT = Path("reference") / "allocations.trig"
LETTER = "source:vws-brief-wijziging-spuk-iza-en-brede-spuk-2025"
YEARS = ("2025", "2026")
CODE = re.compile(r"GM\d{4}")

#: A 2026 amount is flagged when its ratio to 2025 is this far from the ratio most rows share.
RATIO_TOLERANCE = 0.002

#: Bijlage 1 of the letter: what is added to or taken from each scheme for 2026, in euros.
#: (key, scheme, amount, theme or None, Dutch text, English text)
CHANGES_2026 = (
    (
        "brede-spuk-2026-overgewicht",
        "scheme:brede-spuk",
        17_000_000,
        "overgewicht",
        "Toevoeging aan de Brede SPUK voor 2026 voor de aanpak van overgewicht, uit het AZWA.",
        "Addition to the Brede SPUK for 2026 for tackling overweight, from the AZWA.",
    ),
    (
        "brede-spuk-2026-mantelzorg",
        "scheme:brede-spuk",
        18_000_000,
        "mantelzorg",
        "Toevoeging aan de Brede SPUK voor 2026 voor mantelzorgondersteuning en respijtzorg, uit "
        "het HLO (het akkoord over de ouderenzorg).",
        "Addition to the Brede SPUK for 2026 for informal-care support and respite care, from "
        "the HLO (the elderly-care accord).",
    ),
    (
        "brede-spuk-2026-mentale-gezondheid",
        "scheme:brede-spuk",
        5_000_000,
        "mentale-gezondheid",
        "Toevoeging aan de Brede SPUK voor 2026 voor mentale gezondheid.",
        "Addition to the Brede SPUK for 2026 for mental health.",
    ),
    (
        "brede-spuk-2026-kansrijke-start",
        "scheme:brede-spuk",
        3_000_000,
        None,
        "Toevoeging aan de Brede SPUK voor 2026 voor Kansrijke Start, uit het AZWA.",
        "Addition to the Brede SPUK for 2026 for Kansrijke Start, from the AZWA.",
    ),
    (
        "brede-spuk-2026-korting",
        "scheme:brede-spuk",
        -23_500_000,
        None,
        "Korting van 10% op de Brede SPUK voor 2026.",
        "A 10% cut of the Brede SPUK for 2026.",
    ),
    (
        "spuk-iza-2026-azwa-coordinatie",
        "scheme:spuk-iza-doelen",
        25_000_000,
        None,
        "Toevoeging aan de SPUK IZA voor 2026 voor coördinatie in het kader van het AZWA.",
        "Addition to the SPUK IZA for 2026 for coordination under the AZWA.",
    ),
    (
        "spuk-iza-2026-korting",
        "scheme:spuk-iza-doelen",
        -14_100_000,
        None,
        "Korting op de SPUK IZA voor 2026.",
        "A cut of the SPUK IZA for 2026.",
    ),
)

BREDE_CAVEATS = {
    "2025": (
        "Bindend zijn de bedragen in de beschikkingen; tot 10% van het bedrag voor 2025 mag "
        "naar 2026 worden meegenomen.",
        "The binding amounts are those of the grant decisions; up to 10% of the 2025 amount "
        "may be carried over to 2026.",
    ),
    "2026": (
        "Onder voorbehoud: het bedrag voor 2026 hangt af van de goedkeuring van de "
        "VWS-begroting door het parlement; bindend zijn de bedragen in de beschikkingen.",
        "Provisional: the 2026 amount depends on parliament approving the health ministry's "
        "budget; the binding amounts are those of the grant decisions.",
    ),
}


@dataclass(frozen=True)
class BredeSpuk:
    code: str
    name: str
    amounts: dict[str, int]


@dataclass(frozen=True)
class SpukIza:
    region: str
    recipient: str
    code: str  # empty when the recipient is an organisation, not a municipality
    amounts: dict[str, int]


def read_brede_spuk(folder: Path, cbs_names: dict[str, str]) -> list[BredeSpuk]:
    path = folder / BREDE_SPUK_CSV
    columns = ("gemeentecode", "gemeentenaam", "bedrag_2025_eur", "bedrag_2026_eur")
    out: list[BredeSpuk] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path, columns, patterns={"gemeentecode": CODE}):
        code = row["gemeentecode"]
        _known_municipality(path, line, "gemeentecode", code, row["gemeentenaam"], cbs_names)
        if code in seen:
            raise KgError(
                f"column gemeentecode: {code} also on line {seen[code]}", file=path, line=line
            )
        seen[code] = line
        amounts = {y: whole_euros(path, line, row, f"bedrag_{y}_eur") for y in YEARS}
        out.append(BredeSpuk(code, cbs_names[code], amounts))
    return sorted(out, key=lambda r: r.code)


def read_spuk_iza(folder: Path, cbs_names: dict[str, str]) -> list[SpukIza]:
    path = folder / SPUK_IZA_CSV
    columns = (
        "iza_regio",
        "mandaatgemeente",
        "mandaatgemeentecode",
        "bedrag_2025_eur",
        "bedrag_2026_eur",
    )
    required = tuple(c for c in columns if c != "mandaatgemeentecode")
    out: list[SpukIza] = []
    seen: dict[str, int] = {}
    rows = read_rows(path, columns, required=required, patterns={"mandaatgemeentecode": CODE})
    for line, row in rows:
        region, code = row["iza_regio"].strip(), row["mandaatgemeentecode"]
        if code:
            _known_municipality(
                path, line, "mandaatgemeentecode", code, row["mandaatgemeente"], cbs_names
            )
        if slugify(region) in seen:
            raise KgError(
                f"column iza_regio: {shown(region)} also on line {seen[slugify(region)]}",
                file=path,
                line=line,
            )
        seen[slugify(region)] = line
        amounts = {y: whole_euros(path, line, row, f"bedrag_{y}_eur") for y in YEARS}
        out.append(SpukIza(region, row["mandaatgemeente"].strip(), code, amounts))
    return out


def _known_municipality(
    path: Path, line: int, column: str, code: str, name: str, cbs_names: dict[str, str]
) -> None:
    if code not in cbs_names:
        raise KgError(
            f"column {column}: {code} is not a municipality in 2025", file=path, line=line
        )
    official = cbs_names[code]
    # The letter prints six names without CBS's province suffix ("Beek" for "Beek (L.)").
    if name.strip() != official and not official.startswith(name.strip() + " ("):
        raise KgError(
            f"column {column}: {code} is {official!r} in the CBS list, not {shown(name)}",
            file=path,
            line=line,
        )


def flagged(rows: list[SpukIza]) -> dict[str, float]:
    """The regions whose 2026/2025 ratio breaks the pattern most regions share, with that
    ratio (the letter prints them so; kg keeps the amounts and says so)."""
    ratios = {r.region: r.amounts["2026"] / r.amounts["2025"] for r in rows if r.amounts["2025"]}
    common, _ = Counter(round(x, 3) for x in ratios.values()).most_common(1)[0]
    return {k: v for k, v in ratios.items() if abs(v - common) > RATIO_TOLERANCE}


def generate(folder: Path, cbs_names: dict[str, str]) -> str:
    """The money layer as TriG text (deterministic for the same CSV files)."""
    brede = read_brede_spuk(folder, cbs_names)
    iza = read_spuk_iza(folder, cbs_names)
    odd = flagged(iza)
    common = Counter(round(r.amounts["2026"] / r.amounts["2025"], 3) for r in iza).most_common(1)[
        0
    ][0]
    out = [
        "# Generated by 'kg reference' from data/reference/inputs/ "
        f"({BREDE_SPUK_CSV}, {SPUK_IZA_CSV}); do not edit.\n",
        "# The letter's own graph: its Bijlage 1 (changes for 2026), 2A (Brede SPUK per\n"
        "# municipality) and 2B (SPUK IZA per IZA region).\n",
        turtle_prefixes(USED_PREFIXES),
        f"\n{LETTER} {{\n",
    ]
    out.append(_letter())
    out += [_change(*c) for c in CHANGES_2026]
    out += [_brede(r, y) for r in brede for y in YEARS]
    out += _iza(iza, odd, common)
    out.append("}\n")
    return "".join(out)


USED_PREFIXES = (
    "allocation",
    "concept",
    "cv",
    "dct",
    "foaf",
    "izaregion",
    "kg",
    "org",
    "org-id",
    "prov",
    "scheme",
    "schema",
    "skos",
    "source",
    "tooi",
    "xsd",
)


def _letter() -> str:
    return (
        f"    {LETTER} a kg:Source ;\n"
        "        skos:prefLabel \"Brief van VWS 'Wijziging SPUK IZA en Brede SPUK' "
        '(12 september 2025)"@nl ,\n'
        "            \"Health ministry letter 'Changes to the SPUK IZA and the Brede SPUK' "
        '(12 September 2025)"@en ;\n'
        '        dct:title "Wijziging SPUK IZA en Brede SPUK"@nl ;\n'
        '        dct:description "Brief van het ministerie van VWS (DG Langdurige Zorg, directie '
        "Maatschappelijke Ondersteuning) aan de gemeenten, met in Bijlage 1 de wijzigingen voor "
        "2026, in Bijlage 2A de Brede SPUK per gemeente en in Bijlage 2B de SPUK IZA per "
        "IZA-regio, voor 2025 en 2026. Gepubliceerd in raadsinformatiesystemen, zoals dat van "
        'Zwolle."@nl ,\n'
        '            "Letter from the health ministry (Directorate-General for Long-term Care, '
        "Social Support directorate) to the municipalities: Annex 1 gives the changes for 2026, "
        "Annex 2A the Brede SPUK per municipality and Annex 2B the SPUK IZA per IZA region, for "
        "2025 and 2026. Published in council information systems such as Zwolle's.\"@en ;\n"
        '        dct:identifier "4190863-1084972-DMO" ;\n'
        '        dct:issued "2025-09-12"^^xsd:date ;\n'
        "        dct:publisher org-id:ministerie-van-vws ;\n"
        "        dct:type concept:bronsoort-brief ;\n"
        "        kg:caveat \"De brief noemt 42 IZA-regio's, waar de beschrijving van het IZA er 38 "
        "noemt; kg neemt beide over zoals ze er staan en leidt niet af welke gemeenten tot een "
        'regio horen."@nl ,\n'
        '            "The letter names 42 IZA regions, where the description of the IZA speaks of '
        "38; kg keeps both as stated and does not infer which municipalities belong to a "
        'region."@en ;\n'
        "        foaf:page <https://zwolle.bestuurlijkeinformatie.nl/Document/View/"
        "73c9ebe8-9347-42f0-9980-15a7f54cdca3> .\n"
    )


def _change(key: str, scheme: str, amount: int, theme: str | None, nl: str, en: str) -> str:
    sign = "+" if amount > 0 else "-"
    label = (
        f"{'Brede SPUK' if 'brede' in scheme else 'SPUK IZA'} 2026: {sign} EUR {euros(abs(amount))}"
    )
    lines = [
        f"\n    allocation:{key} a kg:BudgetChange ;",
        f"        skos:prefLabel {turtle_string(label)}@nl ;",
        f"        dct:description {turtle_string(nl)}@nl , {turtle_string(en)}@en ;",
        f"        schema:amount {amount} ;",
        '        schema:currency "EUR" ;',
        '        kg:budgetYear "2026"^^xsd:gYear ;',
        f"        kg:allocatedUnder {scheme} ;",
    ]
    if theme:
        lines.append(f"        cv:thematicArea concept:thema-{theme} ;")
    lines.append(f"        prov:wasDerivedFrom {LETTER} .")
    return "\n".join(lines) + "\n"


def _brede(r: BredeSpuk, year: str) -> str:
    nl, en = BREDE_CAVEATS[year]
    return (
        f"\n    allocation:brede-spuk-{year}-{r.code.lower()} a kg:Allocation ;\n"
        f"        skos:prefLabel {turtle_string(f'Brede SPUK {year} {r.name}')}@nl ,"
        f" {turtle_string(f'Brede SPUK {year}, {r.name}')}@en ;\n"
        "        dct:description "
        + turtle_string(
            f"Wat de gemeente {r.name} in {year} uit de Brede SPUK krijgt, inclusief loon- en "
            "prijsbijstelling vanaf 2024 (Bijlage 2A van de brief)."
        )
        + "@nl ,\n            "
        + turtle_string(
            f"What the municipality of {r.name} receives from the Brede SPUK in {year}, "
            "including wage and price adjustment from 2024 (Annex 2A of the letter)."
        )
        + "@en ;\n"
        f"        schema:amount {r.amounts[year]} ;\n"
        '        schema:currency "EUR" ;\n'
        f'        kg:budgetYear "{year}"^^xsd:gYear ;\n'
        "        kg:allocatedUnder scheme:brede-spuk ;\n"
        f"        kg:recipient tooi:{r.code.lower()} ;\n"
        "        schema:funder org-id:ministerie-van-vws ;\n"
        f"        kg:caveat {turtle_string(nl)}@nl , {turtle_string(en)}@en ;\n"
        f"        prov:wasDerivedFrom {LETTER} .\n"
    )


def _iza(rows: list[SpukIza], odd: dict[str, float], common: float) -> list[str]:
    out = []
    for r in sorted(rows, key=lambda r: slugify(r.region)):
        slug = slugify(r.region)
        recipient = f"tooi:{r.code.lower()}" if r.code else f"org-id:{slugify(r.recipient)}"
        out.append(
            f"\n    # IZA region {r.region}: {r.recipient}\n"
            f"    izaregion:{slug} a kg:IZARegion ;\n"
            f"        skos:prefLabel {turtle_string(r.region + ' (IZA-regio)')}@nl ,"
            f" {turtle_string(r.region + ' (IZA region)')}@en ;\n"
            "        dct:description "
            + turtle_string(
                f"IZA-regio zoals de brief van VWS haar noemt; {r.recipient} ontvangt er de "
                "SPUK IZA voor. Welke gemeenten tot de regio horen, zegt de brief niet."
            )
            + "@nl ,\n            "
            + turtle_string(
                f"IZA region as the health ministry's letter names it; {r.recipient} receives "
                "the SPUK IZA for it. The letter does not say which municipalities belong to it."
            )
            + "@en ;\n"
            f'        dct:identifier "{slug}" ;\n'
            f"        prov:wasDerivedFrom {LETTER} .\n"
        )
        if not r.code:
            out.append(_organisation(r))
        # Two odd rows that mirror each other look swapped with each other.
        partner = next(iter(set(odd) - {r.region})) if len(odd) == 2 else None
        for year in YEARS:
            out.append(
                _iza_allocation(r, slug, recipient, year, odd.get(r.region), common, partner)
            )
    return out


def _organisation(r: SpukIza) -> str:
    slug = slugify(r.recipient)
    return (
        f"    org-id:{slug} a org:Organization ;\n"
        f"        skos:prefLabel {turtle_string(r.recipient)}@nl ;\n"
        f"        dct:title {turtle_string(r.recipient)}@nl ;\n"
        "        dct:description "
        + turtle_string(
            f"Organisatie die volgens de brief van VWS de SPUK IZA ontvangt voor de IZA-regio "
            f"{r.region}, in plaats van een mandaatgemeente."
        )
        + "@nl ,\n            "
        + turtle_string(
            f"Organisation that, according to the health ministry's letter, receives the SPUK "
            f"IZA for the IZA region {r.region}, instead of a mandated municipality."
        )
        + "@en ;\n"
        f'        dct:identifier "{slug}" ;\n'
        f"        prov:wasDerivedFrom {LETTER} .\n"
    )


def _iza_allocation(
    r: SpukIza,
    slug: str,
    recipient: str,
    year: str,
    ratio: float | None,
    common: float,
    partner: str | None,
) -> str:
    role_nl = "als mandaatgemeente" if r.code else "als ontvangende organisatie"
    role_en = "as the mandated municipality" if r.code else "as the receiving organisation"
    lines = [
        f"    allocation:spuk-iza-{year}-{slug} a kg:Allocation ;",
        f"        skos:prefLabel {turtle_string(f'SPUK IZA {year} {r.region}')}@nl ,"
        f" {turtle_string(f'SPUK IZA {year}, {r.region}')}@en ;",
        "        dct:description "
        + turtle_string(
            f"De SPUK IZA voor de IZA-regio {r.region} in {year}, ontvangen door {r.recipient} "
            f"{role_nl} (Bijlage 2B van de brief)."
        )
        + "@nl ,\n            "
        + turtle_string(
            f"The SPUK IZA for the IZA region {r.region} in {year}, received by {r.recipient} "
            f"{role_en} (Annex 2B of the letter)."
        )
        + "@en ;",
        f"        schema:amount {r.amounts[year]} ;",
        '        schema:currency "EUR" ;',
        f'        kg:budgetYear "{year}"^^xsd:gYear ;',
        "        kg:allocatedUnder scheme:spuk-iza-doelen ;",
        f"        kg:recipient {recipient} ;",
        f"        kg:forRegion izaregion:{slug} ;",
        "        schema:funder org-id:ministerie-van-vws ;",
    ]
    if ratio is not None and year == "2026":
        other = f" van {partner}" if partner else " van een andere regio"
        other_en = f"{partner}'s" if partner else "another region's"
        nl = (
            (
                "Zoals gedrukt in de brief. "
                f"Het bedrag voor 2026 is {ratio:.4f} keer dat voor 2025, "
                f"waar bijna alle regio's {common:.3f} keer krijgen; het lijkt verwisseld met het "
                f"bedrag voor 2026{other}. kg neemt het bedrag over zoals gedrukt."
            )
            .replace(f"{ratio:.4f}", f"{ratio:.4f}".replace(".", ","))
            .replace(f"{common:.3f}", f"{common:.3f}".replace(".", ","))
        )
        en = (
            f"As printed in the letter. The 2026 amount is {ratio:.4f} times the 2025 amount, "
            f"where almost every region gets {common:.3f} times; it looks swapped with "
            f"{other_en} 2026 amount. kg keeps the amount as printed."
        )
        lines.append(f"        kg:caveat {turtle_string(nl)}@nl , {turtle_string(en)}@en ;")
    lines.append(f"        prov:wasDerivedFrom {LETTER} .")
    return "\n".join(lines) + "\n"
