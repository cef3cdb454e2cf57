"""kg import and kg template --from (K16): a hand-filled workbook becomes data, broken ones say
where they are broken and write nothing, and every curated source goes out and back in
unchanged."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from kg.build import build
from kg.cli import cli
from kg.curate import reading
from kg.curate.project import export_rows, import_workbook, source_file
from kg.curate.sheets import DESCRIBED
from kg.curate.workbook import template
from kg.errors import KgError
from kg.paths import Paths
from kg.store import open_store
from kg.store.files import graphs_in
from kg.web.app import create_app

from .conftest import ROOT

SOURCES = (
    "zonmw-gezondheidsbevordering-uitkeringsgerechtigden",
    "zonmw-samen-in-beweging",
    "participatie-en-zorg",
    "zonmw-groene-re-integratie",
    "alles-is-gezondheid-artikelen",
)
SOURCE = "https://w3id.org/kg-sociaal/id/source/"
#: A programme in a municipality no source names, with a new partner and a target group: what
#: a curator types into the template (every name picked from a drop-down list, or new).
FILLED = {
    "Bron": [
        {
            "titel": "Beweegroute Vaals: projectplan 2026",
            "uitgever": "Stichting Wandelen Vaals",
            "datum": "2026-03-01",
            "bestand": "projectplan-beweegroute-vaals.pdf",
            "beschrijving": "Projectplan van een beweegproject voor ouderen in Vaals.",
            "soort bron 1": "webpagina",
        }
    ],
    "Programma's": [
        {
            "naam": "Beweegroute Vaals",
            "soort": "project",
            "beschrijving": "Wekelijkse wandelgroepen voor thuiswonende ouderen.",
            "gemeente 1": "Gemeente Vaals",
            "doelgroep 1": "ouderen",
            "thema 1": "bewegen",
            "domein 1": "welzijn",
            "startdatum": "2026-04",
        }
    ],
    "Organisaties": [
        {
            "naam": "Stichting Wandelen Vaals",
            "soort organisatie": "welzijnsorganisatie",
            "beschrijving": "Vrijwilligers die de wandelgroepen begeleiden.",
        }
    ],
    "Deelnames": [
        {
            "programma": "Beweegroute Vaals",
            "partner": "Stichting Wandelen Vaals",
            "rol 1": "uitvoerder",
            "beschrijving": "Begeleidt de wandelgroepen.",
        },
        {
            "programma": "Beweegroute Vaals",
            "partner": "Vaals",
            "rol 1": "deelnemende gemeente",
            "beschrijving": "De gemeente waar de route loopt.",
        },
    ],
}


def _normal(t: object) -> object:
    """xsd:string and a plain literal are one term in RDF 1.1."""
    if isinstance(t, Literal) and t.datatype == XSD.string:
        return Literal(str(t))
    return t


def _graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(tuple(_normal(x) for x in t))
    return g


@pytest.fixture(scope="module")
def blank(real_build, tmp_path_factory) -> Path:
    """The empty template of the real graph."""
    out = tmp_path_factory.mktemp("template") / "leeg.xlsx"
    with open_store(real_build.build_dir) as store:
        out.write_bytes(template(store))
    return out


def _fill(blank: Path, out: Path, rows: dict[str, list[dict[str, object]]]) -> Path:
    """``blank`` with ``rows`` typed in under the help row, as a person would."""
    book = load_workbook(blank)
    for name, items in rows.items():
        sheet = book[name]
        headings = [c.value for c in sheet[1]]
        for number, row in enumerate(items, start=3):
            for heading, value in row.items():
                sheet.cell(row=number, column=headings.index(heading) + 1, value=value)
    book.save(out)
    return out


def _project(tmp_path: Path, cpsv: Path | None) -> Paths:
    root = tmp_path / "project"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return Paths.from_root(root, cpsv_shapes=cpsv, use_cpsv=cpsv is not None)


def _data_digest(paths: Paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths.data_dir.rglob("*")):
        digest.update(str(path).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _kg(runner, paths: Paths, *args: str):
    return runner.invoke(cli, ["--root", str(paths.ontology_dir.parent), *args])


@pytest.mark.parametrize("name", SOURCES)
def test_an_unedited_export_imports_as_the_same_graph(real_build, tmp_path, name) -> None:
    source = SOURCE + name
    held = source_file(real_build, source)
    assert held is not None and held.parent.name == "documents"
    with open_store(real_build.build_dir) as store:
        data = template(store, export_rows(real_build, source))
    workbook = tmp_path / f"{name}.xlsx"
    workbook.write_bytes(data)
    result = import_workbook(real_build, [workbook], write=False)
    assert result.path == held  # it would replace its own file
    written = tmp_path / "again.trig"
    written.write_text(result.text, encoding="utf-8")
    again = graphs_in(written)
    assert list(again) == [source]  # one named graph, the source's
    original = graphs_in(held)[source]
    assert len(original) > 200
    assert isomorphic(_graph(again[source]), _graph(original))


def test_an_export_puts_the_described_resources_on_their_sheets(real_build) -> None:
    rows = export_rows(real_build, SOURCE + "zonmw-groene-re-integratie")
    programmes = {r["id"]: r for r in rows["Programma's"]}
    project = programmes["programme:groene-re-integratie"]
    assert project["soort"] == "project" and project["afgelopen"] == "ja"
    assert project["doelgroep 1"] == "mensen met afstand tot de arbeidsmarkt"
    assert {r.get("partner") for r in rows["Deelnames"]} >= {"Trimbos-instituut", "KPC groep"}
    assert all(r["programma"] for r in rows["Deelnames"])
    assert len(rows["Bevindingen"]) == 17  # every kg:Finding of data/documents/003-*.trig
    assert {r["id"] for r in rows["Publicaties"]} >= {"publication:factsheet-groene-re-integratie"}
    assert "Factsheet groene re-integratie" in project.values()  # levert op, by its name
    # What has no sheet stays, one statement a row: the source names the Wmo 2015.
    assert {
        "onderwerp": "law:wmo-2015",
        "eigenschap": "prov:wasDerivedFrom",
        "waarde": "source:zonmw-groene-re-integratie",
    } in rows["Overig"]


def test_a_hand_filled_workbook_becomes_data_a_case_and_a_page(
    runner, blank, tmp_path, cpsv
) -> None:
    paths = _project(tmp_path, cpsv)
    for path in (paths.data_dir / "documents").glob("*.trig"):
        assert "gm0981" not in path.read_text(encoding="utf-8")  # no source names Vaals
    workbook = _fill(blank, tmp_path / "vaals.xlsx", FILLED)
    first = _kg(runner, paths, "import", str(workbook))
    assert first.exit_code == 0, first.output
    written = paths.data_dir / "documents" / "005-beweegroute-vaals-projectplan-2026.trig"
    assert "wrote" in first.output and written.is_file()
    text = written.read_bytes()
    second = _kg(runner, paths, "import", str(workbook))
    assert second.exit_code == 0 and "unchanged" in second.output
    assert written.read_bytes() == text  # importing twice changes nothing
    statements = graphs_in(written)[SOURCE + "beweegroute-vaals-projectplan-2026"]
    iris = {str(s) for s, _, _ in statements}
    assert "https://w3id.org/kg-sociaal/id/participation/beweegroute-vaals--gemeente-vaals" in iris
    assert "https://w3id.org/kg-sociaal/id/organisation/stichting-wandelen-vaals" in iris

    build(paths)
    checked = _kg(runner, paths, "validate")
    assert checked.exit_code == 0, checked.output
    case = _kg(
        runner, paths, "case", "-m", "Vaals", "-t", "ouderen", "--theme", "bewegen", "-f", "json"
    )
    assert case.exit_code == 0, case.output
    answer = json.loads(case.output)
    assert answer["programmes"][0]["label"].startswith("Beweegroute Vaals")
    assert "Stichting Wandelen Vaals" in [i["label"] for i in answer["partners"]]

    with open_store(paths.build_dir) as store:
        client = create_app(store, {}).test_client()
        page = client.get("/id/programme/beweegroute-vaals")
        assert page.status_code == 200 and "Beweegroute Vaals" in page.get_data(as_text=True)
        asked = client.get("/ask-case?municipality=Vaals&target_group=ouderen")
        assert "Beweegroute Vaals" in asked.get_data(as_text=True)


def _broken(rows: dict[str, list[dict[str, object]]], sheet: str, change: dict[str, object]):
    out = {k: [dict(r) for r in v] for k, v in rows.items()}
    out[sheet][0].update(change)
    return out


BROKEN = [
    (
        _broken(FILLED, "Programma's", {"gemeente 1": "Vaalz"}),
        "sheet Programma's, row 3, column gemeente 1 (",
        "'Vaalz' is not a municipality kg knows (did you mean Gemeente Vaals?)",
    ),
    (
        _broken(FILLED, "Programma's", {"doelgroep 1": "marsbewoners"}),
        "sheet Programma's, row 3, column doelgroep 1 (",
        "is not a target group (doelgroep) kg knows",
    ),
    (
        _broken(FILLED, "Programma's", {"beschrijving": None}),
        "sheet Programma's, row 3, column beschrijving",
        "empty; this column is required",
    ),
    (
        _broken(FILLED, "Programma's", {"startdatum": "2026-02-30"}),
        "sheet Programma's, row 3, column startdatum (",
        "'2026-02-30' is a date that does not exist",
    ),
    (
        {**FILLED, "Organisaties": FILLED["Organisaties"] * 2},
        "sheet Organisaties, row 4, column naam (",
        "the same org-id:stichting-wandelen-vaals as row 3",
    ),
    (
        _broken(FILLED, "Programma's", {"thema 1": "=Lijsten!A2"}),
        "sheet Programma's, row 3, column thema 1 (",
        "a formula ('=Lijsten!A2'); type the value itself",
    ),
    (
        _broken(FILLED, "Deelnames", {"rol 1": "baas"}),
        "sheet Deelnames, row 3, column rol 1 (",
        "'baas' is not a role (rol) kg knows",
    ),
]


@pytest.mark.parametrize(("rows", "where", "what"), BROKEN)
def test_a_broken_workbook_says_where_and_writes_nothing(
    runner, blank, tmp_path, cpsv, rows, where, what
) -> None:
    paths = _project(tmp_path, cpsv)
    before = _data_digest(paths)
    workbook = _fill(blank, tmp_path / "kapot.xlsx", rows)
    result = _kg(runner, paths, "import", str(workbook))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert where in lines[0] and what in lines[0] and str(workbook) in lines[0]
    assert "Traceback" not in result.output
    assert _data_digest(paths) == before


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("bron.xlsx", b"PK\x03\x04 not really a zip", "not an XLSX workbook"),
        ("bron.xlsx", b"titel;uitgever\n", "not an XLSX workbook"),
        ("bron.docx", b"PK\x03\x04", "not a workbook: kg import reads .xlsx and .csv files"),
        ("bron.pdf", b"%PDF-1.4\n", "not a workbook: kg import reads .xlsx and .csv files"),
        ("groot.xlsx", None, "50 MB is too big for a curator's workbook"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(runner, tmp_path, cpsv, name, content, what):
    paths = _project(tmp_path, cpsv)
    before = _data_digest(paths)
    path = tmp_path / name
    if content is None:  # 50 MB: a sparse file, quick to make
        with open(path, "wb") as file:
            file.truncate(50 * 1024 * 1024)
    else:
        path.write_bytes(content)
    result = _kg(runner, paths, "import", str(path))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and what in result.output, result.output
    assert _data_digest(paths) == before


def test_every_problem_is_reported_on_its_own_line(runner, blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    rows = _broken(FILLED, "Programma's", {"gemeente 1": "Vaalz", "startdatum": "2026-13"})
    result = _kg(runner, paths, "import", str(_fill(blank, tmp_path / "twee.xlsx", rows)))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("Error: ") for line in lines)


def test_csv_files_import_like_the_workbook(runner, blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    workbook = _fill(blank, tmp_path / "vaals.xlsx", FILLED)
    book = load_workbook(workbook)
    files = []
    for name in FILLED:  # as a Dutch spreadsheet saves them: semicolons
        out = tmp_path / f"{name.replace(chr(39), '').lower()}.csv"
        with open(out, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, delimiter=";")
            for row in book[name].iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
        files.append(str(out))
    from_csv = import_workbook(paths, [Path(f) for f in files], write=False)
    from_xlsx = import_workbook(paths, [workbook], write=False)
    assert from_csv.text.split("\n", 1)[1] == from_xlsx.text.split("\n", 1)[1]


def test_a_proposal_needs_a_decision(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    proposed = {"naam": "Wandelnetwerk Heuvelland", "zekerheid": 0.62, "gevonden in": "..."}
    rows = {**FILLED, "Organisaties": [*FILLED["Organisaties"], proposed]}
    with pytest.raises(reading.WorkbookProblems) as caught:
        import_workbook(paths, [_fill(blank, tmp_path / "a.xlsx", rows)], write=False)
    assert "sheet Organisaties, row 4, column naam" in caught.value.problems[0]
    assert "write overnemen or afwijzen in besluit" in caught.value.problems[0]
    rows["Organisaties"][1] = {**proposed, "besluit": "afwijzen"}
    result = import_workbook(paths, [_fill(blank, tmp_path / "b.xlsx", rows)], write=False)
    assert "Heuvelland" not in result.text


def test_kg_template_from_a_source_by_name(runner, real_build, tmp_path) -> None:
    out = tmp_path / "groen.xlsx"
    result = runner.invoke(
        cli,
        [
            "--root",
            str(ROOT),
            "template",
            "--build-dir",
            str(real_build.build_dir),
            "--from",
            "source:zonmw-groene-re-integratie",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book["Bron"]["A3"].value == "source:zonmw-groene-re-integratie"
    assert book["Programma's"].max_row > 3


def test_a_new_workbook_never_replaces_a_hand_written_source(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    held = source_file(paths, SOURCE + "participatie-en-zorg")
    assert held is not None
    before = held.read_bytes()
    # A new workbook (no id) whose title mints the IRI of a hand-written source.
    rows = {**FILLED, "Bron": [{**FILLED["Bron"][0], "titel": "Participatie en zorg"}]}
    with pytest.raises(KgError, match="written by hand; to change it, export it"):
        import_workbook(paths, [_fill(blank, tmp_path / "zelfde.xlsx", rows)])
    assert held.read_bytes() == before


def test_the_template_keeps_dates_as_text(blank) -> None:
    sheet = load_workbook(blank)["Programma's"]
    column = DESCRIBED[1].headings().index("startdatum") + 1
    assert sheet.cell(row=3, column=column).number_format == "@"  # 2026-04 stays a month


def _exported(paths: Paths, name: str, out: Path) -> Path:
    build(paths)
    with open_store(paths.build_dir) as store:
        out.write_bytes(template(store, export_rows(paths, SOURCE + name)))
    return out


def test_taking_statements_out_needs_replace(runner, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    workbook = _exported(paths, "zonmw-groene-re-integratie", tmp_path / "groen.xlsx")
    book = load_workbook(workbook)
    sheet = book["Deelnames"]
    partners = [c.value for c in sheet["C"]]
    sheet.delete_rows(partners.index("KPC groep") + 1)  # the curator takes a partner out
    book.save(workbook)
    held = paths.data_dir / "documents" / "003-groene-re-integratie.trig"
    before = held.read_bytes()
    refused = _kg(runner, paths, "import", str(workbook))
    assert refused.exit_code == 2 and held.read_bytes() == before
    assert "written by hand: its comments are not kept" in refused.output
    assert "7 statements removed, 0 added" in refused.output and "add --replace" in refused.output
    dry = _kg(runner, paths, "import", "--dry-run", str(workbook))
    assert dry.exit_code == 0 and "that needs --replace" in dry.output
    assert "- participation:groene-re-integratie--kpc-groep cv:role concept:rol-kennispartner" in (
        dry.output
    )  # what goes, readably
    done = _kg(runner, paths, "import", "--replace", str(workbook))
    assert done.exit_code == 0, done.output
    assert "statements removed" in done.output
    after = graphs_in(held)[SOURCE + "zonmw-groene-re-integratie"]
    removed = {t for t in graphs_in_bytes(before) if t not in set(after)}
    assert removed and all(
        "groene-re-integratie--" in str(t[0]) or "groene-re-integratie--" in str(t[2])
        for t in removed
    )  # that participation, nothing else
    assert held.read_text(encoding="utf-8").startswith("# Made by kg import")


def graphs_in_bytes(data: bytes) -> list:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".trig") as file:
        file.write(data)
        file.flush()
        return graphs_in(Path(file.name))[SOURCE + "zonmw-groene-re-integratie"]


def test_another_document_of_the_same_title_does_not_replace_the_first(
    runner, blank, tmp_path, cpsv
) -> None:
    paths = _project(tmp_path, cpsv)
    assert (
        _kg(runner, paths, "import", str(_fill(blank, tmp_path / "a.xlsx", FILLED))).exit_code == 0
    )
    other = _broken(FILLED, "Programma's", {"naam": "Fietsroute Vaals"})
    for row in other["Deelnames"]:
        row["programma"] = "Fietsroute Vaals"
    second = _kg(runner, paths, "import", str(_fill(blank, tmp_path / "b.xlsx", other)))
    assert second.exit_code == 2 and "add --replace" in second.output


def test_a_row_keeps_its_id_when_the_curator_clears_it(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    workbook = _exported(paths, "zonmw-groene-re-integratie", tmp_path / "groen.xlsx")
    book = load_workbook(workbook)
    sheet = book["Programma's"]
    sheet["A3"] = None  # the id of programme:groene-re-integratie
    book.save(workbook)
    result = import_workbook(paths, [workbook], write=False)
    assert "programme:groene-re-integratie a kg:Project" in result.text


@pytest.mark.parametrize(
    ("sheet", "change", "what"),
    [
        (
            "Deelnames",
            {"partner": "concept:rol-uitvoerder"},
            "is not an organisation or municipality",
        ),
        ("Programma's", {"doelgroep 1": "org-id:movisie"}, "is not a target group (doelgroep)"),
        ("Programma's", {"id": "org-id:nieuw-programma"}, "is not an id of this sheet"),
        ("Bevindingen", {"naam": "!!!"}, "has no letters or digits to name it by"),
        ("Programma's", {"startdatum": "٢٠٢٦-٠٤"}, "is not a date"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(blank, tmp_path, cpsv, sheet, change, what) -> None:
    paths = _project(tmp_path, cpsv)
    rows = {
        **FILLED,
        "Bevindingen": [
            {
                "programma": "Beweegroute Vaals",
                "naam": "Trouw",
                "bevinding": "Men blijft komen.",
                "soort": "werkzaam element",
            }
        ],
    }
    with pytest.raises(reading.WorkbookProblems) as caught:
        import_workbook(paths, [_fill(blank, tmp_path / "x.xlsx", _broken(rows, sheet, change))])
    assert any(what in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("row", "what"),
    [
        ({"taal": "not a tag!"}, "is not a language tag"),
        ({"datatype": "xsd:date", "waarde": "gisteren"}, "'gisteren' is not a value of xsd:date"),
        ({"datatype": "xsd:boolean", "waarde": "ja"}, "'ja' is not a value of xsd:boolean"),
    ],
)
def test_a_statement_of_overig_must_be_well_formed(blank, tmp_path, cpsv, row, what) -> None:
    paths = _project(tmp_path, cpsv)
    statement = {
        "onderwerp": "programme:beweegroute-vaals",
        "eigenschap": "dct:description",
        "waarde": "Tekst.",
        **row,
    }
    rows = {**FILLED, "Overig": [statement]}
    with pytest.raises(reading.WorkbookProblems) as caught:
        import_workbook(paths, [_fill(blank, tmp_path / "o.xlsx", rows)])
    assert any(what in p and "sheet Overig, row 3" in p for p in caught.value.problems)


def test_a_problem_in_a_csv_file_names_that_file(runner, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    bron = tmp_path / "bron.csv"
    bron.write_text(
        "titel;uitgever;beschrijving;soort bron 1\nEen bron;ZonMw;Iets.;webpagina\n",
        encoding="utf-8",
    )
    programmes = tmp_path / "programmas.csv"
    programmes.write_text(
        "naam;soort;beschrijving;gemeente 1\nX;project;Iets.;Vaalz\n", encoding="utf-8"
    )
    result = _kg(runner, paths, "import", str(bron), str(programmes))
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: {programmes}: sheet Programma's, row 2, column gemeente 1"
    )


def test_two_imports_at_once_take_turns(blank, tmp_path, cpsv) -> None:
    import subprocess
    import sys

    paths = _project(tmp_path, cpsv)
    first = _fill(blank, tmp_path / "a.xlsx", FILLED)
    other = {
        **FILLED,
        "Bron": [{**FILLED["Bron"][0], "titel": "Beweegroute Vaals: verslag"}],
        "Programma's": [],
        "Deelnames": [],
        "Organisaties": [{**FILLED["Organisaties"][0], "beschrijving": "Anders gezegd."}],
    }
    second = _fill(blank, tmp_path / "b.xlsx", other)
    root = str(paths.ontology_dir.parent)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kg", "--root", root, "import", str(w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in (first, second)
    ]
    outcomes = [(r.wait(), r.stderr.read()) for r in runs]
    # Whichever went second saw the first's file: one number each, and the second
    # description of the same new organisation is refused, not written beside the first.
    assert sorted(code for code, _ in outcomes) == [0, 2], outcomes
    assert len(list((paths.data_dir / "documents").glob("005-*.trig"))) == 1
    assert not list((paths.data_dir / "documents").glob("006-*.trig"))


def test_a_web_address_with_a_control_character_is_refused() -> None:
    from kg.curate.sheets import SOURCE_SHEET
    from kg.curate.values import CellError, read_cell

    column = SOURCE_SHEET.column("url")
    with pytest.raises(CellError, match="is not a web address"):
        read_cell(column, "https://example.org/a\x01b", None)  # type: ignore[arg-type]


def test_a_new_learning_network_is_a_network_and_a_partner(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    network = {
        "naam": "Wandelnetwerk Heuvelland",
        "klasse": "lerend netwerk",
        "soort organisatie": "netwerk",
        "beschrijving": "Wandelgroepen die van elkaar leren.",
    }
    rows = {
        **FILLED,
        "Organisaties": [*FILLED["Organisaties"], network],
        "Deelnames": [
            *FILLED["Deelnames"],
            {
                "programma": "Beweegroute Vaals",
                "partner": "Wandelnetwerk Heuvelland",
                "rol 1": "lerend netwerk",
                "beschrijving": "Deelt wat werkt.",
            },
        ],
    }
    result = import_workbook(paths, [_fill(blank, tmp_path / "n.xlsx", rows)], write=False)
    assert "network:wandelnetwerk-heuvelland a kg:LearningNetwork" in result.text
    assert "cv:hasParticipant network:wandelnetwerk-heuvelland" in result.text
    assert "org-id:stichting-wandelen-vaals a org:Organization" in result.text  # the default


def test_renaming_a_programme_keeps_the_rows_that_name_it(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    workbook = _exported(paths, "zonmw-groene-re-integratie", tmp_path / "groen.xlsx")
    book = load_workbook(workbook)
    sheet = book["Programma's"]
    headings = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "programme:groene-re-integratie":
            row[headings.index("naam")].value = "Groene re-integratie (project)"
    book.save(workbook)
    # Deelnames and Bevindingen still name it by its old name: that is the file's name for it.
    result = import_workbook(paths, [workbook], write=False)
    assert '"Groene re-integratie (project)"@nl' in result.text
    written = tmp_path / "renamed.trig"
    written.write_text(result.text, encoding="utf-8")
    statements = {
        (str(s), str(p), str(o))
        for s, p, o in graphs_in(written)[SOURCE + "zonmw-groene-re-integratie"]
    }
    ids = "https://w3id.org/kg-sociaal/id/"
    assert (
        ids + "programme:groene-re-integratie".replace(":", "/"),
        "http://data.europa.eu/m8g/hasParticipation",
        ids + "participation/groene-re-integratie--trimbos-instituut",
    ) in statements


def test_a_tab_separated_file_and_an_invisible_value(tmp_path) -> None:
    (tmp_path / "bron.csv").write_text("titel\tbeschrijving\nEen bron\t\u200b\n", encoding="utf-8")
    rows = reading.read([tmp_path / "bron.csv"])["Bron"]
    assert rows[0].text("titel") == "Een bron"
    assert "beschrijving" not in rows[0].cells  # a zero-width space is no description


def test_an_intervention_of_the_workbook_can_be_applied_by_its_programme(
    blank, tmp_path, cpsv
) -> None:
    paths = _project(tmp_path, cpsv)
    coach = {"naam": "Wandelcoach", "soort": "interventie", "beschrijving": "Een coach loopt mee."}
    programme = {**FILLED["Programma's"][0], "interventie 1": "Wandelcoach"}
    rows = {**FILLED, "Programma's": [programme, coach]}
    result = import_workbook(paths, [_fill(blank, tmp_path / "i.xlsx", rows)], write=False)
    assert "intervention:wandelcoach a kg:Intervention" in result.text
    assert "kg:appliesIntervention intervention:wandelcoach" in result.text


def test_only_the_first_cell_of_a_required_column_is_yellow(blank) -> None:
    sheet = load_workbook(blank)["Deelnames"]
    fills = {c.value: c.fill.fgColor.rgb for c in sheet[1]}
    assert fills["rol 1"] == fills["partner"] != fills["rol 2"]
    assert load_workbook(blank)["Bron"]["A1"].value == "id"
    bron = {c.value: c.fill.fgColor.rgb for c in load_workbook(blank)["Bron"][1]}
    assert bron["soort bron 1"] == bron["titel"]  # required: a source needs a kind


def test_overig_cannot_define_vocabulary(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    statement = {
        "onderwerp": "programme:beweegroute-vaals",
        "eigenschap": "rdfs:subClassOf",
        "waarde": "kg:Programme",
    }
    rows = {**FILLED, "Overig": [statement]}
    with pytest.raises(reading.WorkbookProblems) as caught:
        import_workbook(paths, [_fill(blank, tmp_path / "v.xlsx", rows)], write=False)
    (problem,) = caught.value.problems
    assert problem.startswith("sheet Overig: defines vocabulary")  # as a build would refuse it


def test_a_finding_of_the_whole_graph_names_the_cell(blank, tmp_path, cpsv) -> None:
    paths = _project(tmp_path, cpsv)
    # A known programme, reused by its name, given a second Dutch description.
    known = {**FILLED["Programma's"][0], "naam": "Samen in Beweging"}
    rows = {**FILLED, "Programma's": [known], "Deelnames": []}
    with pytest.raises(reading.WorkbookProblems) as caught:
        import_workbook(paths, [_fill(blank, tmp_path / "d.xlsx", rows)], write=False)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[DESCRIBED[1].headings().index("beschrijving")]
    assert any(
        p.startswith(f"sheet Programma's, row 3, column beschrijving ({letter}3): ")
        and "at most one per language" in p
        for p in caught.value.problems
    ), caught.value.problems
