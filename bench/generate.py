"""A synthetic national graph for benchmarks: kg's real ontology, code lists, instruments and
reference layer (all 342 municipalities, 25 GGD regions, their GGDs), plus generated sources
with programmes, organisations, participations, phases, outputs and findings.

Everything generated is plainly synthetic: IRIs and identifiers start with ``synthetisch-``,
labels say "Synthetisch ...", and each generated source is a kg:Source whose description says
it is made up for benchmarks. It is never part of kg's data. The output is a project folder
(``ontology/``, ``data/``, ``queries/``) that ``kg build --root`` builds and validates.

At ``--scale 1`` (the default): 5,000 programmes and 3,000 organisations, each programme in 1 to
6 municipalities with 2 to 8 partners and 1 to 3 instruments, about a million statements. The
same seed and scale give byte-identical files.

Usage:  python -m bench.generate OUT [--scale 0.1] [--seed 42]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/kg-sociaal/id/"
KG = "https://w3id.org/kg-sociaal/def#"

PROGRAMMES = 5000
ORGANISATIONS = 3000
INTERVENTIONS = 400
PROGRAMMES_PER_SOURCE = 50
SOURCE_NOTE = "Verzonnen bron voor prestatiemetingen van kg; geen echte gegevens."

PREFIXES = """\
@prefix concept: <https://w3id.org/kg-sociaal/id/concept/> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix finding: <https://w3id.org/kg-sociaal/id/finding/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix intervention: <https://w3id.org/kg-sociaal/id/intervention/> .
@prefix kg: <https://w3id.org/kg-sociaal/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix org-id: <https://w3id.org/kg-sociaal/id/organisation/> .
@prefix output: <https://w3id.org/kg-sociaal/id/output/> .
@prefix participation: <https://w3id.org/kg-sociaal/id/participation/> .
@prefix phase: <https://w3id.org/kg-sociaal/id/phase/> .
@prefix programme: <https://w3id.org/kg-sociaal/id/programme/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix source: <https://w3id.org/kg-sociaal/id/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# Organisation kinds a synthetic partner can have (not municipalities, GGDs or ministries:
# those come from the reference layer).
PARTNER_KINDS = [
    "welzijnsorganisatie",
    "sportorganisatie",
    "zorgorganisatie",
    "re-integratiebedrijf",
    "hogeschool",
    "universiteit",
    "kennisinstituut",
    "onderzoeksorganisatie",
    "netwerk",
    "cooperatie",
    "fonds",
    "brancheorganisatie",
]
PARTNER_ROLES = [
    "partner",
    "uitvoerder",
    "kennispartner",
    "onderzoeker",
    "financier",
    "ondersteuner",
    "verwijzer",
    "opleidingspartner",
]
PROGRAMME_CLASSES = ["kg:Programme", "kg:Project", "kg:Project", "kg:Programme"]
INSTRUMENT_LINKS = {
    KG + "Law": "cv:hasLegalResource",
    KG + "FundingScheme": "kg:fundedBy",
    KG + "Accord": "kg:underAccord",
    KG + "GovernmentProgramme": "kg:implements",
}


@dataclass(frozen=True)
class Reference:
    """What the generator draws from kg's own data."""

    municipalities: list[tuple[str, str, str]]  # (TOOI IRI, area IRI, name)
    ggds: list[str]
    target_groups: list[str]
    themes: list[str]
    domains: list[str]
    finding_kinds: list[str]
    instruments: list[tuple[str, str]]  # (IRI, class)


def _iris(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    prefixes = (
        "PREFIX kg: <https://w3id.org/kg-sociaal/def#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX dct: <http://purl.org/dc/terms/> "
    )
    rows = store.query(prefixes + sparql, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(tuple(term.value for term in row) for row in rows)


def read_reference(data_dir: Path) -> Reference:
    store = ox.Store()
    for path in sorted(data_dir.rglob("*")):
        if path.suffix in (".ttl", ".trig"):
            fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
            store.bulk_load(path=str(path), format=fmt)

    def scheme(name: str) -> list[str]:
        found = _iris(store, f"SELECT ?c WHERE {{ ?c skos:inScheme <{ID}concept/{name}> }}")
        return [c for (c,) in found]

    municipalities = _iris(
        store,
        "SELECT ?m ?area ?name WHERE { ?m a kg:Municipality ; dct:spatial ?area ; "
        'skos:prefLabel ?name FILTER(LANG(?name) = "nl") }',
    )
    instruments = _iris(
        store,
        "SELECT ?i ?class WHERE { ?i a ?class VALUES ?class "
        "{ kg:Law kg:FundingScheme kg:Accord kg:GovernmentProgramme } }",
    )
    return Reference(
        municipalities=[(m, a, n) for m, a, n in municipalities],
        ggds=[g for (g,) in _iris(store, "SELECT ?g WHERE { ?g a kg:GGD }")],
        target_groups=scheme("doelgroep"),
        themes=scheme("thema"),
        domains=scheme("domein"),
        finding_kinds=scheme("bevindingsoort"),
        instruments=[(i, c) for i, c in instruments],
    )


def _lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _local(iri: str) -> str:
    """The slug of a kg IRI (``.../programme/x`` -> ``x``), or the last segment of another."""
    if iri.startswith(ID):
        return iri.removeprefix(ID).split("/", 1)[1]
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _ref(iri: str) -> str:
    return f"<{iri}>"


def _label(iri: str) -> str:
    return _local(iri).split("-", 1)[-1].replace("-", " ")


def generate(out: Path, scale: float = 1.0, seed: int = 42) -> dict[str, int]:
    """Write the project folder ``out`` and return the counts of what was generated."""
    if not 0 < scale <= 10:
        raise ValueError("--scale must be more than 0 and at most 10")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "ontology", out / "ontology")
    shutil.copytree(ROOT / "queries", out / "queries")
    for part in ("documents", "instruments", "reference", "vocabularies"):
        shutil.copytree(ROOT / "data" / part, out / "data" / part)
    ref = read_reference(out / "data")

    n_programmes = max(1, round(PROGRAMMES * scale))
    n_organisations = max(2, round(ORGANISATIONS * scale))
    n_interventions = max(1, round(INTERVENTIONS * scale))
    n_sources = max(1, -(-n_programmes // PROGRAMMES_PER_SOURCE))
    organisations = [
        f"{ID}organisation/synthetisch-organisatie-{i:05d}" for i in range(n_organisations)
    ]
    interventions = [
        f"{ID}intervention/synthetisch-werkwijze-{i:04d}" for i in range(n_interventions)
    ]
    programmes = [f"{ID}programme/synthetisch-programma-{i:05d}" for i in range(n_programmes)]
    counts = {
        "sources": n_sources,
        "programmes": n_programmes,
        "organisations": n_organisations,
        "interventions": n_interventions,
        "participations": 0,
        "phases": 0,
        "outputs": 0,
        "findings": 0,
    }

    folder = out / "data" / "synthetic"
    folder.mkdir()
    for s in range(n_sources):
        source = f"{ID}source/synthetisch-bron-{s:04d}"
        lines = [PREFIXES, f"{_ref(source)} {{\n"]
        lines += _source(source, s)
        # Organisations and interventions are spread over the sources; programmes in blocks.
        lines += _organisations(rng, ref, organisations[s::n_sources], source)
        lines += _interventions(rng, ref, interventions[s::n_sources], source)
        block = programmes[s * PROGRAMMES_PER_SOURCE : (s + 1) * PROGRAMMES_PER_SOURCE]
        for programme in block:
            lines += _programme(
                rng, ref, programme, source, organisations, interventions, programmes, counts
            )
        lines.append("}\n")
        (folder / f"synthetisch-bron-{s:04d}.trig").write_text("".join(lines), "utf-8")
    return counts


def _source(source: str, number: int) -> Iterator[str]:
    yield (
        f"{_ref(source)} a kg:Source ;\n"
        f"    skos:prefLabel {_lit(f'Synthetische bron {number:04d}', 'nl')}, "
        f"{_lit(f'Synthetic source {number:04d}', 'en')} ;\n"
        f"    dct:title {_lit(f'Synthetische bron {number:04d} (benchmark)', 'nl')} ;\n"
        f"    dct:description {_lit(SOURCE_NOTE, 'nl')}, "
        f"{_lit('Made-up source for kg benchmarks; not real data.', 'en')} ;\n"
        f"    dct:type concept:bronsoort-webpagina ;\n"
        f"    dct:identifier {_lit(f'synthetisch-bron-{number:04d}')} .\n\n"
    )


def _organisations(
    rng: random.Random, ref: Reference, iris: list[str], source: str
) -> Iterator[str]:
    for iri in iris:
        number = _local(iri).rsplit("-", 1)[1]
        kind = rng.choice(PARTNER_KINDS)
        domains = rng.sample(ref.domains, rng.randint(1, 2))
        name = f"Synthetische {kind.replace('-', ' ')} {number}"
        yield (
            f"{_ref(iri)} a org:Organization ;\n"
            f"    skos:prefLabel {_lit(name, 'nl')} ;\n"
            f"    dct:title {_lit(name, 'nl')} ;\n"
            f"    dct:identifier {_lit(_local(iri))} ;\n"
            f"    dct:description {_lit(f'Verzonnen {kind} voor benchmarks.', 'nl')}, "
            f"{_lit('Made-up organisation for benchmarks.', 'en')} ;\n"
            f"    org:classification concept:organisatiesoort-{kind} ;\n"
            f"    kg:activeInDomain {', '.join(_ref(d) for d in domains)} ;\n"
            f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
        )


def _interventions(
    rng: random.Random, ref: Reference, iris: list[str], source: str
) -> Iterator[str]:
    for iri in iris:
        number = _local(iri).rsplit("-", 1)[1]
        groups = rng.sample(ref.target_groups, rng.randint(1, 2))
        themes = rng.sample(ref.themes, rng.randint(1, 3))
        yield (
            f"{_ref(iri)} a kg:Intervention ;\n"
            f"    skos:prefLabel {_lit(f'Synthetische werkwijze {number}', 'nl')}, "
            f"{_lit(f'Synthetic method {number}', 'en')} ;\n"
            f"    dct:title {_lit(f'Synthetische werkwijze {number}', 'nl')} ;\n"
            f"    dct:identifier {_lit(_local(iri))} ;\n"
            f"    dct:description {_lit('Verzonnen werkwijze voor benchmarks.', 'nl')} ;\n"
            f"    dct:audience {', '.join(_ref(g) for g in groups)} ;\n"
            f"    cv:thematicArea {', '.join(_ref(t) for t in themes)} ;\n"
            f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
        )


def _programme(
    rng: random.Random,
    ref: Reference,
    iri: str,
    source: str,
    organisations: list[str],
    interventions: list[str],
    programmes: list[str],
    counts: dict[str, int],
) -> Iterator[str]:
    slug = _local(iri)
    number = slug.rsplit("-", 1)[1]
    # A programme runs in neighbouring municipalities: a run of the list (sorted by IRI, so
    # roughly by CBS code), which keeps regions together.
    start = rng.randrange(len(ref.municipalities))
    places = [
        ref.municipalities[(start + k) % len(ref.municipalities)] for k in range(rng.randint(1, 6))
    ]
    groups = rng.sample(ref.target_groups, rng.randint(1, 3))
    themes = rng.sample(ref.themes, rng.randint(1, 4))
    sectors = rng.sample(ref.domains, rng.randint(1, 3))
    instruments = rng.sample(ref.instruments, rng.randint(1, 3))
    partners = rng.sample(organisations, min(len(organisations), rng.randint(2, 8)))
    if rng.random() < 0.3:
        partners[0] = rng.choice(ref.ggds)
    applied = rng.sample(interventions, min(len(interventions), rng.randint(0, 2)))
    related = [
        p for p in rng.sample(programmes, min(len(programmes), rng.randint(0, 2))) if p != iri
    ]
    year = rng.randint(2015, 2025)
    names = ", ".join(name for _, _, name in places)
    group_words = ", ".join(_label(g) for g in groups)
    theme_words = ", ".join(_label(t) for t in themes)
    klass = rng.choice(PROGRAMME_CLASSES)
    name = f"synthetisch programma {number}"
    about = f"Verzonnen programma in {names} voor {group_words}, over {theme_words}."

    participations: list[tuple[str, str, str]] = []  # (IRI, participant, role)
    for m, _, _ in places:
        participations.append((f"{ID}participation/{slug}--{_local(m)}", m, "deelnemende-gemeente"))
    for p in partners:
        participations.append(
            (f"{ID}participation/{slug}--{_local(p)}", p, rng.choice(PARTNER_ROLES))
        )
    phases = [f"{ID}phase/{slug}-fase-{k}" for k in range(1, rng.randint(1, 3) + 1)]
    outputs = [f"{ID}output/{slug}-resultaat-{k}" for k in range(1, rng.randint(1, 3) + 1)]
    findings = [f"{ID}finding/{slug}-bevinding-{k}" for k in range(1, rng.randint(1, 3) + 1)]
    counts["participations"] += len(participations)
    counts["phases"] += len(phases)
    counts["outputs"] += len(outputs)
    counts["findings"] += len(findings)

    links = "".join(f"    {INSTRUMENT_LINKS[klass_]} {_ref(i)} ;\n" for i, klass_ in instruments)
    yield (
        f"{_ref(iri)} a {klass} ;\n"
        f"    skos:prefLabel {_lit(f'Synthetisch programma {number}', 'nl')}, "
        f"{_lit(f'Synthetic programme {number}', 'en')} ;\n"
        f"    skos:altLabel {_lit(f'SP{number}', 'nl')} ;\n"
        f"    dct:title {_lit(f'Synthetisch programma {number} voor {group_words}', 'nl')} ;\n"
        f"    dct:identifier {_lit(slug)} ;\n"
        f"    dct:description {_lit(about, 'nl')}, "
        f"{_lit(f'Made-up programme in {names} for benchmarks.', 'en')} ;\n"
        f"    schema:startDate {_lit(str(year))}^^xsd:gYear ;\n"
        f"    schema:endDate {_lit(str(year + rng.randint(1, 4)))}^^xsd:gYear ;\n"
        f"    dct:spatial {', '.join(_ref(a) for _, a, _ in places)} ;\n"
        f"    dct:audience {', '.join(_ref(g) for g in groups)} ;\n"
        f"    cv:thematicArea {', '.join(_ref(t) for t in themes)} ;\n"
        f"    cv:sector {', '.join(_ref(d) for d in sectors)} ;\n"
        + links
        + (
            f"    kg:appliesIntervention {', '.join(_ref(i) for i in applied)} ;\n"
            if applied
            else ""
        )
        + (f"    dct:relation {', '.join(_ref(r) for r in related)} ;\n" if related else "")
        + f"    kg:hasPhase {', '.join(_ref(p) for p in phases)} ;\n"
        f"    cpsv:produces {', '.join(_ref(o) for o in outputs)} ;\n"
        f"    cv:hasParticipation {', '.join(_ref(p) for p, _, _ in participations)} ;\n"
        f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
    )
    for p, who, role in participations:
        role_words = role.replace("-", " ")
        yield (
            f"{_ref(p)} a cv:Participation ;\n"
            f"    skos:prefLabel {_lit(f'{_label(who)} in {name}', 'nl')} ;\n"
            f"    dct:identifier {_lit(_local(p))} ;\n"
            f"    dct:description {_lit(f'Verzonnen deelname als {role_words}.', 'nl')} ;\n"
            f"    cv:hasParticipant {_ref(who)} ; cv:role concept:rol-{role} .\n\n"
        )
    for k, phase in enumerate(phases, start=1):
        yield (
            f"{_ref(phase)} a kg:Phase ;\n"
            f"    skos:prefLabel {_lit(f'Fase {k} van {name}', 'nl')}, "
            f"{_lit(f'Phase {k} of synthetic programme {number}', 'en')} ;\n"
            f"    dct:identifier {_lit(_local(phase))} ;\n"
            f"    dct:description {_lit('Verzonnen fase.', 'nl')} ;\n"
            f"    kg:phaseNumber {k} ;\n"
            f"    schema:startDate {_lit(str(year + k - 1))}^^xsd:gYear ;\n"
            f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
        )
    for k, output in enumerate(outputs, start=1):
        yield (
            f"{_ref(output)} a cv:Output ;\n"
            f"    skos:prefLabel {_lit(f'Resultaat {k} van {name}', 'nl')} ;\n"
            f"    dct:title {_lit(f'Resultaat {k} van {name}', 'nl')} ;\n"
            f"    dct:identifier {_lit(_local(output))} ;\n"
            f"    dct:description {_lit('Verzonnen resultaat.', 'nl')} ;\n"
            f"    dct:issued {_lit(str(year + 1))}^^xsd:gYear ;\n"
            f"    dct:subject {_ref(iri)} ;\n"
            f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
        )
    for k, finding in enumerate(findings, start=1):
        yield (
            f"{_ref(finding)} a kg:Finding ;\n"
            f"    skos:prefLabel {_lit(f'Bevinding {k} van {name}', 'nl')} ;\n"
            f"    dct:identifier {_lit(_local(finding))} ;\n"
            f"    dct:description {_lit(f'Verzonnen bevinding over {theme_words}.', 'nl')}, "
            f"{_lit('Made-up finding.', 'en')} ;\n"
            f"    dct:type {_ref(rng.choice(ref.finding_kinds))} ;\n"
            f"    dct:subject {_ref(iri)} ;\n"
            f"    prov:wasDerivedFrom {_ref(source)} .\n\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out", type=Path, help="the project folder to write (replaced if it exists)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 is the national size (default)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        counts = generate(args.out, args.scale, args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"wrote {args.out}: {summary} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
