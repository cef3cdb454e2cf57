"""kg.ask.tables: the four renderings of a result table."""

from __future__ import annotations

import csv
import io
import json

from kg.ask.tables import Resource, Table, render

KAMPEN = Resource("Kampen", "https://identifier.overheid.nl/tooi/id/gemeente/gm0166")
GGD = Resource("GGD IJsselland", "https://w3id.org/kg-sociaal/id/organisation/ggd-ijsselland")
VIAA = Resource("Hogeschool Viaa", "https://w3id.org/kg-sociaal/id/organisation/hogeschool-viaa")

TABLE = Table(
    ("where", "partners", "number", "note"),
    [
        (KAMPEN, (GGD, VIAA), 2, 'a | b, "c"'),
        (None, (), None, None),
    ],
)


def test_json_is_a_list_of_objects_with_label_and_iri() -> None:
    rows = json.loads(render(TABLE, "json"))
    assert rows[0] == {
        "where": {"label": "Kampen", "iri": KAMPEN.iri},
        "partners": [{"label": GGD.label, "iri": GGD.iri}, {"label": VIAA.label, "iri": VIAA.iri}],
        "number": 2,
        "note": 'a | b, "c"',
    }
    assert rows[1] == {"where": None, "partners": [], "number": None, "note": None}


def test_csv_has_an_iri_column_beside_each_resource_column() -> None:
    rows = list(csv.reader(io.StringIO(render(TABLE, "csv"))))
    assert rows[0] == ["where", "where_iri", "partners", "partners_iri", "number", "note"]
    assert rows[1] == [
        "Kampen",
        KAMPEN.iri,
        "GGD IJsselland; Hogeschool Viaa",
        f"{GGD.iri} {VIAA.iri}",
        "2",
        'a | b, "c"',
    ]
    assert rows[2] == ["", "", "", "", "", ""]


def test_markdown_escapes_pipes_and_shows_labels() -> None:
    lines = render(TABLE, "md").splitlines()
    assert lines[0] == "| where | partners | number | note |"
    assert lines[2] == '| Kampen | GGD IJsselland, Hogeschool Viaa | 2 | a \\| b, "c" |'


def test_text_table_aligns_and_wraps_long_cells() -> None:
    long = Table(("a", "b"), [("x " * 50, "y")])
    lines = render(long, "table").splitlines()
    assert lines[0].startswith("a ") and lines[0].rstrip().endswith("b")
    assert len(lines) > 3  # the long cell wraps onto more lines
    assert max(len(line) for line in lines) < 70
    assert render(Table(("a",), []), "table") == "(no rows)\n"


ESCAPE = "Kampen\x1b]0;owned\x07\x1b[2J\u202eneppaK\x9b"


def test_text_and_markdown_never_hand_a_terminal_control_characters() -> None:
    """A label from a shared server may hold escape sequences or a right-to-left override:
    the terminal formats show them as \\uXXXX; CSV and JSON keep the data exact."""
    table = Table(("name",), [(Resource(ESCAPE, "urn:x"),), (ESCAPE,)])
    for fmt in ("table", "md"):
        out = render(table, fmt)
        assert not any(c in out for c in "\x1b\x07\u202e\x9b"), fmt
        assert "\\u001b]0;owned\\u0007" in out.replace("\\\\", "\\")
    assert json.loads(render(table, "json"))[1]["name"] == ESCAPE
    assert ESCAPE in render(table, "csv")
