"""kg.build.reference and the national reference layer in the real build."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kg.build.reference import MUNICIPALITIES_CSV, OUTPUT, generate, read_reference
from kg.errors import KgError
from kg.paths import REFERENCE_RELATIVE
from kg.store import open_store

from .conftest import ROOT, SHARED, need_shared

REFERENCE = ROOT / REFERENCE_RELATIVE
KG = "https://w3id.org/kg-sociaal/def#"
GEO = "http://www.opengis.net/ont/geosparql#"


@pytest.fixture(scope="module")
def reference() -> Path:
    if not (REFERENCE / MUNICIPALITIES_CSV).is_file():
        pytest.fail(f"the reference files are not at {REFERENCE}; restore them from git")
    return REFERENCE


def test_committed_layer_is_what_the_csv_files_give(reference) -> None:
    assert (ROOT / "data" / OUTPUT).read_text("utf-8") == generate(reference), "run 'kg reference'"


def _count(store, query: str) -> int:
    (row,) = store.select(query).rows
    return int(str(row[0]))


def test_342_municipalities_with_unique_codes_and_tooi_iris(real_build, reference) -> None:
    with open_store(real_build.build_dir) as store:
        rows = store.select(f"""
            PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?m ?code WHERE {{ ?m a <{KG}Municipality> ; dct:identifier ?code }}""").rows
    codes = [str(code) for _, code in rows]
    assert len(codes) == len(set(codes)) == 342
    with (reference / MUNICIPALITIES_CSV).open(encoding="utf-8") as fh:
        expected = {r["tooi_uri"]: r["gemeentecode"] for r in csv.DictReader(fh)}
    assert {str(m): str(c) for m, c in rows} == expected


def test_each_municipality_in_exactly_one_province_and_one_ggd_region(real_build) -> None:
    with open_store(real_build.build_dir) as store:
        rows = store.select(f"""
            PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?m (COUNT(DISTINCT ?p) AS ?provinces) (COUNT(DISTINCT ?r) AS ?regions) WHERE {{
              ?m a <{KG}Municipality> ; dct:spatial ?area .
              OPTIONAL {{ ?area <{GEO}sfWithin> ?p . ?p a <{KG}Province> }}
              OPTIONAL {{ ?area <{GEO}sfWithin> ?r . ?r a <{KG}GGDRegion> }}
            }} GROUP BY ?m""").rows
    assert len(rows) == 342
    assert {(int(str(p)), int(str(r))) for _, p, r in rows} == {(1, 1)}


def test_25_ggd_regions_each_served_by_a_ggd_with_municipalities(real_build) -> None:
    with open_store(real_build.build_dir) as store:
        rows = store.select(f"""
            SELECT ?region (COUNT(DISTINCT ?ggd) AS ?ggds) (COUNT(DISTINCT ?area) AS ?n) WHERE {{
              ?region a <{KG}GGDRegion> .
              OPTIONAL {{ ?ggd a <{KG}GGD> ; <{KG}servesRegion> ?region }}
              OPTIONAL {{ ?area a <{KG}MunicipalArea> ; <{GEO}sfWithin> ?region }}
            }} GROUP BY ?region""").rows
        provinces = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{KG}Province> }}")
    assert len(rows) == 25 and provinces == 12
    assert all(int(str(ggds)) == 1 and int(str(n)) >= 1 for _, ggds, n in rows)
    assert sum(int(str(n)) for _, _, n in rows) == 342


def test_the_ggd_link_is_in_the_rvig_graph(real_build) -> None:
    """Provenance: membership of a GGD region comes from RvIG Tabel 35, not from CBS."""
    with open_store(real_build.build_dir) as store:
        graphs = {
            str(g)
            for (g,) in store.select(f"""
            SELECT DISTINCT ?g WHERE {{ ?r a <{KG}GGDRegion> .
              GRAPH ?g {{ ?area <{GEO}sfWithin> ?r }} }}""").rows
        }
    assert graphs == {"https://w3id.org/kg-sociaal/id/source/rvig-tabel-35"}


# (case, how to break a copy of the CSV, words the error must contain)
BROKEN = [
    ("bad-code", lambda t: t.replace("GM0014,", "GM14,", 1), "not a valid code"),
    ("duplicate", lambda t: t + t.splitlines()[1] + "\n", "also on line"),
    ("wrong-tooi", lambda t: t.replace("gemeente/gm0014", "gemeente/gm0015", 1), "tooi_uri"),
    ("missing-column", lambda t: t.replace("tooi_uri", "tooi", 1), "missing column"),
    (
        "empty-cell",
        lambda t: t.replace(",Groningen,PV20", ",,PV20", 1),
        "column gemeentenaam: empty",
    ),
]


@pytest.mark.parametrize(("case", "breaker", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_reference_files_name_file_and_line(reference, tmp_path, case, breaker, words):
    shutil.copytree(reference, tmp_path / "ref")
    path = tmp_path / "ref" / MUNICIPALITIES_CSV
    path.write_text(breaker(path.read_text("utf-8")), "utf-8")
    with pytest.raises(KgError, match=words) as info:
        read_reference(tmp_path / "ref")
    assert info.value.file == str(path)


INPUTS = sorted(p.name for p in REFERENCE.iterdir() if p.name != "README.md")


def test_every_reference_input_has_its_provenance_in_the_readme() -> None:
    readme = (REFERENCE / "README.md").read_text("utf-8")
    assert INPUTS and all(f"`{name}`" in readme for name in INPUTS)


@pytest.mark.parametrize("name", INPUTS)
def test_reference_input_is_the_shared_file_unchanged(name: str) -> None:
    """The copies in the repository are the project's shared reference files, byte for byte
    (when ../shared is beside the clone): nothing was edited on the way in."""
    shared = SHARED / "reference" / name
    if not shared.is_file():
        need_shared(f"the shared reference file {name} (../shared/reference/)")
    assert (REFERENCE / name).read_bytes() == shared.read_bytes()
