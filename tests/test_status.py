"""kg.build.status: the status of programmes, projects, pilots and phases on a date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.build import build
from kg.build.status import ENDED, RUNNING, UNKNOWN, Item, first_day, last_day, statuses
from kg.paths import Paths
from kg.store import open_store

from .conftest import ROOT

DAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2009-04-22", date(2009, 4, 22), date(2009, 4, 22)),
    ],
)
def test_a_year_or_month_spans_its_days(value: str, first: date, last: date) -> None:
    assert (first_day(value), last_day(value)) == (first, last)


# (case, items, parts, last phases, expected status of "a")
CASES = [
    ("end before the date", {"a": Item(end="2009-04-22")}, [], {}, ENDED),
    ("end at the end of a year still to come", {"a": Item("2020", "2026")}, [], {}, RUNNING),
    ("end on the date itself", {"a": Item("2020", "2026-12-07")}, [], {}, RUNNING),
    ("the source says it ended", {"a": Item(stated_ended=True)}, [], {}, ENDED),
    ("no period at all", {"a": Item()}, [], {}, UNKNOWN),
    ("a start and no end", {"a": Item(start="2010")}, [], {}, UNKNOWN),
    ("an end but no start anywhere", {"a": Item(end="2030")}, [], {}, UNKNOWN),
    ("not started yet", {"a": Item("2027", "2030")}, [], {}, UNKNOWN),
    ("part of what ended", {"w": Item(end="2009"), "a": Item()}, [("w", "a")], {}, ENDED),
    (
        "part of what ended, with its own later end",
        {"w": Item(end="2009"), "a": Item("2008", "2030")},
        [("w", "a")],
        {},
        RUNNING,
    ),
    (
        "its last phase ended",
        {"a": Item(), "p1": Item(), "p2": Item("2020-02", "2022")},
        [("a", "p1"), ("a", "p2")],
        {"a": "p2"},
        ENDED,
    ),
    (
        "an earlier phase ended, the last runs",
        {"a": Item(end="2030"), "p1": Item(end="2020"), "p2": Item("2021", "2030")},
        [("a", "p1"), ("a", "p2")],
        {"a": "p2"},
        RUNNING,
    ),
    (
        "its start is its first phase's start",
        {"a": Item(end="2030"), "p1": Item(start="2025")},
        [("a", "p1")],
        {},
        RUNNING,
    ),
]


@pytest.mark.parametrize(
    ("case", "items", "parts", "last", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_status_rules(case, items, parts, last, expected) -> None:
    assert statuses(items, parts, last, DAY)["a"] == expected, case


def test_parts_of_an_ended_project_end_with_it() -> None:
    items = {"p": Item(end="2009-04-22"), "pilot": Item(), "phase": Item()}
    result = statuses(items, [("p", "pilot"), ("p", "phase")], {}, DAY)
    assert result == {"p": ENDED, "pilot": ENDED, "phase": ENDED}


STATUS = """
PREFIX kg: <https://w3id.org/kg-sociaal/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?r (COUNT(?s) AS ?n) (SAMPLE(?s) AS ?status) WHERE {
  VALUES ?top { kg:Programme kg:Phase }
  ?r a/rdfs:subClassOf* ?top .
  OPTIONAL { ?r kg:status ?s }
} GROUP BY ?r"""
P = "https://w3id.org/kg-sociaal/id/programme/"
ENDED_BY_THE_SOURCES = [
    # seed 000: the project closed with the conference of 22 April 2009; the pilots were part of it
    P + "gezondheidsbevordering-bij-uitkeringsgerechtigden",
    P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-rotterdam",
    P + "pilot-gezondheidsbevordering-uitkeringsgerechtigden-emmen",
    "https://w3id.org/kg-sociaal/id/phase/gezondheidsbevordering-bij-uitkeringsgerechtigden-fase-2",
    # seed 001: its last phase ran 2020-2022
    P + "samen-in-beweging",
]


def _statuses(build_dir) -> dict[str, tuple[int, str]]:
    with open_store(build_dir) as store:
        return {r: (int(n), s) for r, n, s in store.select_values(STATUS)}


def test_every_programme_project_pilot_and_phase_has_one_status(real_build) -> None:
    found = _statuses(real_build.build_dir)
    assert len(found) > 30
    assert all(n == 1 for n, _ in found.values()), [r for r, (n, _) in found.items() if n != 1]


def test_what_the_sources_say_ended_is_ended_never_running(real_build) -> None:
    found = _statuses(real_build.build_dir)
    assert {r: found[r][1] for r in ENDED_BY_THE_SOURCES} == dict.fromkeys(
        ENDED_BY_THE_SOURCES, "https://w3id.org/kg-sociaal/id/concept/status-afgelopen"
    )


def test_as_of_a_date_in_2021_samen_in_beweging_was_running(tmp_path) -> None:
    paths = Paths.from_root(ROOT, build_dir=tmp_path / "build", use_cpsv=False)
    build(paths, as_of=date(2021, 6, 1))
    found = _statuses(paths.build_dir)
    # Its last phase ran from February 2020 to 2022 (seed 001).
    assert found[P + "samen-in-beweging"][1].endswith("status-loopt")
    assert found[ENDED_BY_THE_SOURCES[0]][1].endswith("status-afgelopen")
    manifest = (paths.build_dir / "manifest.json").read_text("utf-8")
    assert '"as_of": "2021-06-01"' in manifest
