"""Statutory services: the UPL's municipal products, each with the article of law it rests on.

``upl_sociaal_domein.csv`` (rows of the government's Uniforme Productnamenlijst) becomes
``data/reference/upl.trig``: each product a :class:`kg:StatutoryService` (a
``cpsv:PublicService`` whose IRI is the UPL's own), with its legal basis
(``cv:hasLegalResource``) an article of a law (:class:`kg:LawArticle`: number, law, the UPL's
JuriConnect link, the UPL's IRI for it as ``owl:sameAs``), its procedures (the Aanvraag,
Subsidie, Melding and Verplichting columns) and its competent authority: the tier "every
municipality" (``org-id:gemeenten``, a :class:`kg:AdministrativeLayer`), so that the fact is
stated once, not once per municipality. What each article and service is about, and for whom,
is in ``data/instruments/law-articles.trig``, written from the law texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.build.csvfile import read_rows, turtle_string
from kg.errors import KgError, shown
from kg.namespaces import slugify, turtle_prefixes

UPL_CSV = "upl_sociaal_domein.csv"
OUTPUT = Path("reference") / "upl.trig"
SOURCE = "source:upl"
COLUMNS = (
    "UniformeProductnaam",
    "URI",
    "Rijk",
    "Provincie",
    "Waterschap",
    "Gemeente",
    "Burger",
    "Bedrijf",
    "Dienstenwet",
    "SDG",
    "Autonomie",
    "Medebewind",
    "Aanvraag",
    "Subsidie",
    "Melding",
    "Verplichting",
    "Grondslag",
    "Grondslaglabel",
    "Grondslaglink",
)
REQUIRED = ("UniformeProductnaam", "URI", "Grondslag", "Grondslaglabel", "Grondslaglink")
FLAGS = tuple(c for c in COLUMNS[2:16] if c != "SDG")  # the X-or-empty columns
UPL_TERMS = "http://standaarden.overheid.nl/owms/terms/"
JURICONNECT = re.compile(
    r"https://wetten\.overheid\.nl/jci1\.3:c:(BWBR\d{7})(?:&[a-z]+=[0-9A-Za-z.]+)*"
    r"&artikel=([0-9A-Za-z.]+)"
)
_IRI_SAFE = re.compile(r"[A-Za-z0-9_.\-/:()]+")

#: The laws the UPL rows may rest on: BWB id -> (kg slug, Dutch citation title, English name).
LAWS = {
    "BWBR0035362": (
        "wmo-2015",
        "Wet maatschappelijke ondersteuning 2015",
        "the Social Support Act 2015",
    ),
    "BWBR0015703": ("participatiewet", "Participatiewet", "the Participation Act"),
    "BWBR0024705": ("wet-publieke-gezondheid", "Wet publieke gezondheid", "the Public Health Act"),
    "BWBR0034925": ("jeugdwet", "Jeugdwet", "the Youth Act"),
    "BWBR0031331": (
        "wet-gemeentelijke-schuldhulpverlening",
        "Wet gemeentelijke schuldhulpverlening",
        "the Municipal Debt Assistance Act",
    ),
}
PROCEDURES = {
    "Aanvraag": "aanvraag",
    "Subsidie": "subsidie",
    "Melding": "melding",
    "Verplichting": "verplichting",
}


@dataclass(frozen=True)
class Article:
    law: str  # BWB id
    number: str
    link: str
    upl_iri: str
    label: str

    @property
    def iri(self) -> str:
        return article_curie(self.law, self.number)


@dataclass
class Product:
    name: str
    iri: str
    flags: set[str]
    articles: list[Article] = field(default_factory=list)


def article_curie(bwb: str, number: str) -> str:
    """``law:wmo-2015-artikel-2-3-1`` for article 2.3.1 of BWBR0035362."""
    return f"law:{LAWS[bwb][0]}-artikel-{slugify(number)}"


def read_upl(folder: Path) -> list[Product]:
    """Read and check the UPL rows; a product with two legal bases has two rows."""
    path = folder / UPL_CSV
    products: dict[str, Product] = {}
    for line, row in read_rows(path, COLUMNS, required=REQUIRED):
        for column in FLAGS:
            if row[column] not in ("", "X"):
                raise KgError(
                    f"column {column}: {shown(row[column])} is neither X nor empty",
                    file=path,
                    line=line,
                )
        if row["Gemeente"] != "X":
            raise KgError(
                "column Gemeente: kg reads only products municipalities provide (X)",
                file=path,
                line=line,
            )
        for column in ("URI", "Grondslag"):
            if not row[column].startswith(UPL_TERMS) or not _IRI_SAFE.fullmatch(row[column]):
                raise KgError(
                    f"column {column}: {shown(row[column])} is not a UPL term IRI ({UPL_TERMS}...)",
                    file=path,
                    line=line,
                )
        match = JURICONNECT.fullmatch(row["Grondslaglink"])
        if not match:
            raise KgError(
                f"column Grondslaglink: {shown(row['Grondslaglink'])} is not a "
                "JuriConnect link to an article on wetten.overheid.nl",
                file=path,
                line=line,
            )
        if match.group(1) not in LAWS:
            raise KgError(
                f"column Grondslaglink: {match.group(1)} is not one of the laws kg "
                f"knows ({', '.join(LAWS)})",
                file=path,
                line=line,
            )
        article = Article(
            match.group(1),
            match.group(2),
            row["Grondslaglink"],
            row["Grondslag"],
            row["Grondslaglabel"].strip(),
        )
        product = products.setdefault(
            row["URI"],
            Product(
                row["UniformeProductnaam"].strip(), row["URI"], {c for c in FLAGS if row[c] == "X"}
            ),
        )
        if product.name != row["UniformeProductnaam"].strip():
            raise KgError(
                f"column UniformeProductnaam: {row['URI']} is also called {product.name!r}",
                file=path,
                line=line,
            )
        product.articles.append(article)
    return sorted(products.values(), key=lambda p: p.iri)


def articles_of(products: list[Product]) -> list[Article]:
    """Each cited article once (the same article may be cited by many products)."""
    by_iri: dict[str, Article] = {}
    for p in products:
        for a in p.articles:
            known = by_iri.setdefault(a.iri, a)
            if known.link != a.link:
                raise KgError(
                    f"{UPL_CSV}: article {a.number} of {a.law} has two links: "
                    f"{known.link} and {a.link}"
                )
    return sorted(by_iri.values(), key=lambda a: (a.law, _number_key(a.number)))


def _number_key(number: str) -> list[tuple[int, str]]:
    return [
        (int(m.group(1) or 0), m.group(2))
        for m in re.finditer(r"(\d*)([a-z]*)", number)
        if m.group(0)
    ]


def generate(folder: Path) -> str:
    """The statutory services and the articles they rest on, as TriG text."""
    products = read_upl(folder)
    out = [
        f"# Generated by 'kg reference' from data/reference/inputs/{UPL_CSV}; do not edit.\n",
        "# What each article and service concerns is in data/instruments/law-articles.trig.\n",
        turtle_prefixes(USED_PREFIXES),
        f"\n{SOURCE} {{\n",
        _source(),
        _layers(),
    ]
    out += [_article(a) for a in articles_of(products)]
    out += [_service(p) for p in products]
    out.append("}\n")
    return "".join(out)


USED_PREFIXES = (
    "area",
    "concept",
    "cpsv",
    "cv",
    "dct",
    "eli",
    "foaf",
    "kg",
    "law",
    "org",
    "org-id",
    "owl",
    "prov",
    "skos",
    "source",
)


def _source() -> str:
    return (
        f"    {SOURCE} a kg:Source ;\n"
        '        skos:prefLabel "Uniforme Productnamenlijst (UPL)"@nl ,'
        ' "Uniform Product Name List (UPL)"@en ;\n'
        '        dct:title "Uniforme Productnamenlijst"@nl ;\n'
        '        dct:description "De officiële lijst van productnamen van de overheid, met per '
        "product welke bestuurslagen het leveren, hoe men er komt en op welk wetsartikel het "
        "rust (als JuriConnect-link). kg gebruikt de rijen die gemeenten leveren en die rusten "
        "op de Wmo 2015, de Participatiewet, de Wet publieke gezondheid, de Jeugdwet of de Wet "
        "gemeentelijke schuldhulpverlening, uit een kopie van 30 april 2025 of eerder "
        '(bewaard in de openbare repository nl-portal/nl-portal-docker-compose)."@nl ,\n'
        "            \"The government's official list of product names, giving for each product "
        "the tiers of government that provide it, how one comes to it and the article of law "
        "it rests on (as a JuriConnect link). kg uses the rows that municipalities provide and "
        "that rest on the Social Support Act 2015, the Participation Act, the Public Health Act, "
        "the Youth Act or the Municipal Debt Assistance Act, from a copy of 30 April 2025 or "
        'earlier (kept in the public repository nl-portal/nl-portal-docker-compose)."@en ;\n'
        '        dct:identifier "upl" ;\n'
        "        dct:publisher org-id:koop ;\n"
        "        dct:type concept:bronsoort-officieel-register ;\n"
        "        foaf:page <https://standaarden.overheid.nl/owms/oquery/UPL-actueel.csv> .\n"
        "\n    org-id:koop a org:Organization ;\n"
        '        skos:prefLabel "KOOP"@nl ;\n'
        '        dct:title "KOOP"@nl ;\n'
        '        dct:description "Publiceert de Uniforme Productnamenlijst van de overheid op '
        'standaarden.overheid.nl."@nl , "Publishes the government\'s Uniform Product Name List '
        'on standaarden.overheid.nl."@en ;\n'
        '        dct:identifier "koop" ;\n'
        f"        prov:wasDerivedFrom {SOURCE} .\n"
    )


def _layers() -> str:
    return (
        "\n    org-id:gemeenten a kg:AdministrativeLayer ;\n"
        '        skos:prefLabel "elke gemeente"@nl , "every municipality"@en ;\n'
        '        dct:title "Gemeenten (bestuurslaag)"@nl ;\n'
        '        dct:description "De gemeenten samen als bestuurslaag: een product dat de '
        "Uniforme Productnamenlijst aan gemeenten toeschrijft, kan elke gemeente in haar eigen "
        'gebied leveren; of een bepaalde gemeente het doet, zegt de lijst niet."@nl ,\n'
        '            "The municipalities together as a tier of government: a product the '
        "Uniform Product Name List assigns to municipalities can be provided by every "
        "municipality in its own area; whether a given municipality does, the list does not "
        'say."@en ;\n'
        '        dct:identifier "gemeenten" ;\n'
        "        dct:spatial area:nederland ;\n"
        "        kg:layerMember kg:Municipality ;\n"
        f"        prov:wasDerivedFrom {SOURCE} .\n"
        "\n    org-id:rijksoverheid a cv:PublicOrganisation ;\n"
        '        skos:prefLabel "Rijksoverheid"@nl , "central government"@en ;\n'
        '        dct:title "Rijksoverheid"@nl ;\n'
        '        dct:description "De centrale overheid, die volgens de Uniforme '
        'Productnamenlijst sommige producten naast de gemeenten levert."@nl , "Central '
        "government, which according to the Uniform Product Name List provides some products "
        'alongside the municipalities."@en ;\n'
        '        dct:identifier "rijksoverheid" ;\n'
        "        dct:spatial area:nederland ;\n"
        f"        prov:wasDerivedFrom {SOURCE} .\n"
    )


def _article(a: Article) -> str:
    english = LAWS[a.law][2]
    return (
        f"\n    {a.iri} a kg:LawArticle ;\n"
        f"        skos:prefLabel {turtle_string(a.label)}@nl ,"
        f" {turtle_string(f'Article {a.number} of {english}')}@en ;\n"
        f"        eli:number {turtle_string(a.number)} ;\n"
        f"        eli:is_part_of law:{LAWS[a.law][0]} ;\n"
        f"        foaf:page <{a.link}> ;\n"
        f"        owl:sameAs <{a.upl_iri}> ;\n"
        f"        prov:wasDerivedFrom {SOURCE} .\n"
    )


def _service(p: Product) -> str:
    bases = " en ".join(a.label for a in p.articles)
    bases_en = " and ".join(f"article {a.number} of {LAWS[a.law][2]}" for a in p.articles)
    who_nl = (
        "burgers" + (" en bedrijven" if "Bedrijf" in p.flags else "")
        if "Burger" in p.flags
        else "bedrijven"
    )
    who_en = (
        "residents" + (" and businesses" if "Bedrijf" in p.flags else "")
        if "Burger" in p.flags
        else "businesses"
    )
    also_nl = "; de lijst noemt daarnaast het Rijk" if "Rijk" in p.flags else ""
    also_en = "; the list also names central government" if "Rijk" in p.flags else ""
    nl = (
        f"Product '{p.name}' uit de Uniforme Productnamenlijst, voor {who_nl}: een product van "
        f"gemeenten{also_nl}. Of een bepaalde gemeente het levert, zegt de lijst niet; wat de "
        f"gemeente moet, staat in het wetsartikel. Wettelijke basis: {bases}."
    )
    en = (
        f"Product '{p.name}' of the Uniform Product Name List, for {who_en}: a product of "
        f"municipalities{also_en}. Whether a given municipality provides it, the list does not "
        f"say; what the municipality must do is in the article of law. Legal basis: {bases_en}."
    )
    authorities = ["org-id:gemeenten"] + (["org-id:rijksoverheid"] if "Rijk" in p.flags else [])
    lines = [
        f"\n    <{p.iri}> a kg:StatutoryService ;",
        f"        skos:prefLabel {turtle_string(p.name)}@nl ;",
        f"        dct:title {turtle_string(p.name)}@nl ;",
        f"        dct:description {turtle_string(nl)}@nl ,\n            {turtle_string(en)}@en ;",
        f'        dct:identifier "{slugify(p.name)}" ;',
        f"        cv:hasLegalResource {' , '.join(a.iri for a in p.articles)} ;",
        f"        cv:hasCompetentAuthority {' , '.join(authorities)} ;",
        "        dct:spatial area:nederland ;",
    ]
    procedures = [f"concept:procedure-{v}" for k, v in PROCEDURES.items() if k in p.flags]
    if procedures:
        lines.append(f"        kg:procedure {' , '.join(procedures)} ;")
    lines.append(f"        prov:wasDerivedFrom {SOURCE} .")
    return "\n".join(lines) + "\n"
