"""kg template (K16, first part): the curator's workbook, read back with openpyxl as a
spreadsheet program would."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from kg.curate.sheets import DESCRIBED, OTHER
from kg.curate.workbook import LISTS, template
from kg.store import open_store

from .conftest import ROOT

REFERENCE = ROOT / "data" / "reference" / "inputs" / "gemeenten_2025_regio.csv"


@pytest.fixture(scope="module")
def book(real_build):
    with open_store(real_build.build_dir) as store:
        data = template(store)
        again = template(store)
    assert data == again  # the same graph gives the same bytes
    return load_workbook(io.BytesIO(data))


def _list(book, name: str) -> list[str]:
    sheet = book[LISTS]
    for column in sheet.iter_cols(min_row=1):
        if column[0].value == name:
            return [c.value for c in column[1:] if c.value is not None]
    raise AssertionError(name)


def test_the_sheets_columns_and_help(book) -> None:
    assert book.sheetnames == [
        *(s.name for s in DESCRIBED),
        "Overig",
        LISTS,
    ]  # Genoemd only in a draft of kg suggest
    assert book[LISTS].sheet_state == "hidden"
    for spec in (*DESCRIBED, OTHER):
        sheet = book[spec.name]
        assert [c.value for c in sheet[1]] == spec.headings()
        assert all(c.value for c in sheet[2])  # a help text under every heading
        assert sheet.freeze_panes == "A3"
    assert [c.value for c in book["Deelnames"][1]][:4] == ["id", "programma", "partner", "rol 1"]
    programmes = [c.value for c in book["Programma's"][1]]
    assert [h for h in programmes if h.startswith("gemeente")] == [
        f"gemeente {i}" for i in range(1, 7)
    ]


def test_the_lists_hold_what_the_graph_and_its_sources_know(book) -> None:
    with open(REFERENCE, encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    municipalities = _list(book, "gemeenten")
    assert len(municipalities) == len(rows) == 342
    assert "Gemeente Kampen" in municipalities
    assert "Wmo 2015" in _list(book, "wetten")
    assert "Gezond en Actief Leven Akkoord" in _list(book, "akkoorden")
    assert "Brede SPUK" in _list(book, "regelingen")
    assert "ouderen" in _list(book, "doelgroep")
    assert "ZonMw" in _list(book, "organisaties")
    assert "Gemeente Kampen" not in _list(book, "organisaties")
    partners = _list(book, "partners")
    assert {"ZonMw", "Gemeente Kampen"} <= set(partners)
    assert _list(book, "programmasoort") == ["programma", "project", "pilot", "interventie"]


def test_every_column_with_a_list_has_a_drop_down(book) -> None:
    for spec in DESCRIBED:
        sheet = book[spec.name]
        name = spec.name
        checks = {
            str(rng): check
            for check in sheet.data_validations.dataValidation
            for rng in check.sqref.ranges
        }
        cells = [(h, spec.column(h)) for h in spec.headings()]
        for number, (heading, column) in enumerate(cells, start=1):
            assert column is not None
            letter = sheet.cell(row=1, column=number).column_letter
            found = checks.get(f"{letter}3:{letter}502")
            if column.choices is None:
                assert found is None, (name, heading)
                continue
            assert found is not None and found.type == "list", (name, heading)
            assert found.formula1.startswith(f"'{LISTS}'!$"), found.formula1
            length = len(_list(book, column.choices))
            assert found.formula1.endswith(f"${length + 1}"), (heading, found.formula1)
    gemeente = {
        str(r): c
        for c in book["Programma's"].data_validations.dataValidation
        for r in c.sqref.ranges
    }
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[programmes_headings().index("gemeente 1")]
    assert gemeente[f"{letter}3:{letter}502"].showErrorMessage  # one of the 342, no other


def _kg_template(build_dir, out) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kg", "template", "--build-dir", str(build_dir)]
    return subprocess.run([*command, "-o", str(out)], capture_output=True, text=True)


def test_kg_template_writes_an_xlsx_and_refuses_another_name(real_build, tmp_path) -> None:
    out = tmp_path / "bron.xlsx"
    ran = _kg_template(real_build.build_dir, out)
    assert ran.returncode == 0 and out.is_file(), ran.stderr
    assert load_workbook(out).sheetnames[0] == "Bron"
    wrong = _kg_template(real_build.build_dir, tmp_path / "bron.csv")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and ".xlsx" in wrong.stderr
    assert not (tmp_path / "bron.csv").exists()


def programmes_headings() -> list[str]:
    return DESCRIBED[1].headings()
