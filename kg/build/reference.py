"""The national reference layer, generated from ``data/reference/inputs/``.

``gemeenten_2025_regio.csv`` and ``ggd_regios.csv`` become ``data/reference/regions.trig``: the
Netherlands, its 12 provinces, the 342 municipalities (TOOI IRI, CBS code, municipal area), the
25 GGD regions and the GGD that serves each. Every statement sits in the named graph of the
public source the reference files name for it:

* CBS Gebiedsindelingen 2025: municipalities, their codes and names, provinces;
* CBS Gebieden in Nederland 2024 (StatLine 85755NED): GGD region codes and names;
* RvIG BRP Tabel 35: which GGD region a municipality belongs to (derived, not CBS's table).

The output is deterministic (rows sorted by code) and committed; ``kg reference --check``
(and a test) fails when it is not what the CSV files give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg import atomic
from kg.build import allocations, upl
from kg.build.csvfile import read_rows
from kg.errors import KgError
from kg.namespaces import municipality_iri, slugify, turtle_prefixes

MUNICIPALITIES_CSV = "gemeenten_2025_regio.csv"
GGD_CSV = "ggd_regios.csv"
OUTPUT = Path("reference") / "regions.trig"

MUNICIPALITY_COLUMNS = (
    "gemeentecode",
    "gemeentenaam",
    "provinciecode",
    "provincienaam",
    "ggd_regio_code",
    "ggd_regio_naam",
    "tooi_uri",
)
GGD_COLUMNS = ("ggd_regio_code", "ggd_regio_naam", "aantal_gemeenten_2025", "rvig_tabel35_afnemer")
PATTERNS = {
    "gemeentecode": re.compile(r"GM\d{4}"),
    "provinciecode": re.compile(r"PV(2\d|3[01])"),
    "ggd_regio_code": re.compile(r"GG\d{4}"),
}
#: Province names with an established English form; the others are the same in English.
ENGLISH_PROVINCES = {
    "Noord-Holland": "North Holland",
    "Zuid-Holland": "South Holland",
    "Noord-Brabant": "North Brabant",
}
#: Official names the reference README gives where the CSV uses the common one.
OFFICIAL_PROVINCE_NAMES = {"Friesland": "Fryslân"}


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    province_code: str
    province_name: str
    ggd_code: str
    ggd_name: str
    tooi: str


@dataclass(frozen=True)
class GGDRegion:
    code: str
    name: str
    count: int
    recipients: str


def read_reference(reference_dir: Path) -> tuple[list[Municipality], list[GGDRegion]]:
    """Read and check both CSV files (every problem names the file and line)."""
    path = reference_dir / MUNICIPALITIES_CSV
    municipalities = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path, MUNICIPALITY_COLUMNS, patterns=PATTERNS):
        code = row["gemeentecode"]
        if code in seen:
            raise KgError(f"{code} also on line {seen[code]}", file=path, line=line)
        seen[code] = line
        if row["tooi_uri"] != municipality_iri(code):
            raise KgError(f"tooi_uri does not match {code}", file=path, line=line)
        municipalities.append(
            Municipality(
                code,
                row["gemeentenaam"],
                row["provinciecode"],
                row["provincienaam"],
                row["ggd_regio_code"],
                row["ggd_regio_naam"],
                row["tooi_uri"],
            )
        )
    ggd_path = reference_dir / GGD_CSV
    regions = []
    for line, row in read_rows(ggd_path, GGD_COLUMNS, patterns=PATTERNS):
        try:
            count = int(row["aantal_gemeenten_2025"])
        except ValueError:
            raise KgError(
                "aantal_gemeenten_2025 is not a number", file=ggd_path, line=line
            ) from None
        regions.append(
            GGDRegion(
                row["ggd_regio_code"], row["ggd_regio_naam"], count, row["rvig_tabel35_afnemer"]
            )
        )
    by_code = {r.code: r for r in regions}
    for m in municipalities:
        region = by_code.get(m.ggd_code)
        if region is None or region.name != m.ggd_name:
            raise KgError(
                f"GGD region {m.ggd_code} {m.ggd_name!r} of {m.code} is not in {GGD_CSV}", file=path
            )
    for r in regions:
        n = sum(1 for m in municipalities if m.ggd_code == r.code)
        if n != r.count:
            raise KgError(
                f"{r.code} lists {r.count} municipalities, {MUNICIPALITIES_CSV} has {n}",
                file=ggd_path,
            )
    return sorted(municipalities, key=lambda m: m.code), sorted(regions, key=lambda r: r.code)


def _q(text: str) -> str:
    """A Turtle string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ggd_description(region: GGDRegion) -> str:
    return (
        f"GGD van de GGD-regio {region.code}; in de RvIG-tabel 35 als afnemer: {region.recipients}."
    )


def ggd_iri_slug(region: GGDRegion) -> str:
    return slugify(region.name)


#: The project prefixes the generated file uses (IRIs from kg.namespaces).
USED_PREFIXES = (
    "area",
    "concept",
    "dct",
    "geo",
    "ggdregion",
    "kg",
    "org",
    "org-id",
    "prov",
    "province",
    "skos",
    "source",
    "tooi",
)


def generate(reference_dir: Path) -> str:
    """The reference layer as TriG text (deterministic for the same CSV files)."""
    municipalities, regions = read_reference(reference_dir)
    out = [
        "# Generated by 'kg reference' from data/reference/inputs/ "
        f"({MUNICIPALITIES_CSV}, {GGD_CSV}); do not edit.\n",
        "# One named graph per source; each block describes one resource.\n",
        "# The sources themselves are described in sources.trig beside this file.\n",
        turtle_prefixes(USED_PREFIXES),
    ]

    out += _places(municipalities)
    out += _ggd_regions(regions)
    out += _ggds(municipalities, regions)
    return "".join(out)


def _places(municipalities: list[Municipality]) -> list[str]:
    """The CBS Gebiedsindelingen graph: the country, provinces and municipalities."""
    provinces = sorted({(m.province_code, m.province_name) for m in municipalities})
    out = []
    out.append(
        "\n#################################################################\n"
        "# CBS Gebiedsindelingen 2025: the country, provinces and municipalities\n"
        "#################################################################\n\n"
        "source:cbs-gebiedsindelingen-2025 {\n"
    )
    origin = "source:cbs-gebiedsindelingen-2025 , source:gemeenten-2025-regio"
    out.append(
        "    area:nederland a kg:Country ;\n"
        '        skos:prefLabel "Nederland"@nl , "the Netherlands"@en ;\n'
        f"        prov:wasDerivedFrom {origin} .\n"
    )
    for code, name in provinces:
        labels = [f"{_q(name)}@nl"]
        if name in ENGLISH_PROVINCES:
            labels.append(f"{_q(ENGLISH_PROVINCES[name])}@en")
        block = [
            f"\n    # Province {name}",
            f"    province:{code.lower()} a kg:Province ;",
            f"        skos:prefLabel {' , '.join(labels)} ;",
        ]
        if name in OFFICIAL_PROVINCE_NAMES:
            block.append(f"        skos:altLabel {_q(OFFICIAL_PROVINCE_NAMES[name])}@nl ;")
        block += [
            f'        dct:identifier "{code}" ;',
            "        geo:sfWithin area:nederland ;",
            f"        prov:wasDerivedFrom {origin} .",
        ]
        out.append("\n".join(block) + "\n")
    for m in municipalities:
        slug = m.code.lower()
        out.append(
            f"\n    # {m.name} ({m.code})\n"
            f"    tooi:{slug} a kg:Municipality ;\n"
            f"        skos:prefLabel {_q('Gemeente ' + m.name)}@nl ;\n"
            f"        skos:altLabel {_q(m.name)}@nl ;\n"
            f"        dct:title {_q('Gemeente ' + m.name)}@nl ;\n"
            f'        dct:identifier "{m.code}" ;\n'
            f"        dct:spatial area:{slug} ;\n"
            f"        prov:wasDerivedFrom {origin} .\n"
            f"    area:{slug} a kg:MunicipalArea ;\n"
            f"        skos:prefLabel {_q(m.name)}@nl ;\n"
            f"        geo:sfWithin province:{m.province_code.lower()} ;\n"
            f"        prov:wasDerivedFrom {origin} , source:rvig-tabel-35 .\n"
        )
    out.append("}\n")
    return out


def _ggd_regions(regions: list[GGDRegion]) -> list[str]:
    """The CBS Gebieden in Nederland graph: the GGD regions."""
    out = []
    out.append(
        "\n#################################################################\n"
        "# CBS Gebieden in Nederland 2024: the GGD regions\n"
        "#################################################################\n\n"
        "source:cbs-gebieden-in-nederland-2024 {\n"
    )
    region_origin = "source:cbs-gebieden-in-nederland-2024 , source:ggd-regios"
    for r in regions:
        out.append(
            f"\n    # {r.name} ({r.code})\n"
            f"    ggdregion:{r.code.lower()} a kg:GGDRegion ;\n"
            f"        skos:prefLabel {_q(r.name + ' (GGD-regio)')}@nl ;\n"
            f'        dct:identifier "{r.code}" ;\n'
            "        geo:sfWithin area:nederland ;\n"
            f"        prov:wasDerivedFrom {region_origin} .\n"
        )
    out.append("}\n")
    return out


def _ggds(municipalities: list[Municipality], regions: list[GGDRegion]) -> list[str]:
    """The RvIG Tabel 35 graph: the GGD of each region and the municipalities it serves."""
    out = []
    out.append(
        "\n#################################################################\n"
        "# RvIG BRP Tabel 35: the GGD of each region and the municipalities it serves\n"
        "#################################################################\n\n"
        "source:rvig-tabel-35 {\n"
    )
    rvig_origin = "source:rvig-tabel-35 , source:ggd-regios"
    for r in regions:
        served = [m for m in municipalities if m.ggd_code == r.code]
        out.append(
            f"\n    # {r.name}: {len(served)} municipalities\n"
            f"    org-id:{ggd_iri_slug(r)} a kg:GGD ;\n"
            f"        skos:prefLabel {_q(r.name)}@nl ;\n"
            f"        dct:title {_q(r.name)}@nl ;\n"
            f"        dct:description {_q(_ggd_description(r))}@nl ;\n"
            f'        dct:identifier "{ggd_iri_slug(r)}" ;\n'
            f"        dct:spatial ggdregion:{r.code.lower()} ;\n"
            f"        kg:servesRegion ggdregion:{r.code.lower()} ;\n"
            f"        prov:wasDerivedFrom {rvig_origin} .\n"
        )
        for m in served:
            out.append(f"    area:{m.code.lower()} geo:sfWithin ggdregion:{r.code.lower()} .\n")
    out.append("}\n")
    return out


def outputs(reference_dir: Path) -> dict[Path, str]:
    """Every generated file (relative to data/) and its text; raises on the first bad row
    before anything is written."""
    municipalities, _ = read_reference(reference_dir)
    names = {m.code: m.name for m in municipalities}
    return {
        OUTPUT: generate(reference_dir),
        upl.OUTPUT: upl.generate(reference_dir),
        allocations.OUTPUT: allocations.generate(reference_dir, names),
    }


def write_reference(reference_dir: Path, data_dir: Path) -> list[Path]:
    """Write every generated file (all of them are generated first: a bad row writes
    nothing)."""
    texts = outputs(reference_dir)
    written = []
    for relative, text in texts.items():
        target = data_dir / relative
        atomic.write_bytes(target, text.encode("utf-8"), within=data_dir)
        written.append(target)
    return written


def stale_outputs(reference_dir: Path, data_dir: Path) -> list[Path]:
    """The generated files that are missing or not what the CSV files give."""
    return [
        data_dir / relative
        for relative, text in outputs(reference_dir).items()
        if not (data_dir / relative).is_file() or (data_dir / relative).read_text("utf-8") != text
    ]


def reference_is_current(reference_dir: Path, data_dir: Path) -> bool:
    return not stale_outputs(reference_dir, data_dir)
