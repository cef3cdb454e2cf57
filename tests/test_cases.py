"""The case finder on the case set (tests/cases/cases.toml), measured as bench/cases.py does:
the numbers may not fall below what the issue asks for and what was reached."""

from __future__ import annotations

import pytest

from bench.cases import PARTS, load, measure
from kg.store import open_store


@pytest.fixture(scope="module")
def scores(real_build):
    with open_store(real_build.build_dir) as store:
        return measure(store, load())


def test_the_case_set_is_as_large_as_promised() -> None:
    cases = load()
    assert len(cases) >= 40
    assert len({c["municipality_iri"] for c in cases}) >= 20
    assert len({c["municipality_iri"] for c in cases if not c["named_by_source"]}) >= 15
    assert all(c["must"] and all(x["part"] in PARTS and x["why"] for x in c["must"]) for c in cases)


def test_recall_of_must_items_is_at_least_095(scores) -> None:
    assert scores.recall_all >= 0.95, scores.missed
    # Reached when the set was written (December 2026); a change that loses ground fails.
    assert scores.recall_all >= 0.99, scores.missed
    assert all(scores.recall[p] >= 0.95 for p in PARTS), scores.recall


def test_ranking_quality_does_not_fall(scores) -> None:
    assert scores.ndcg_all >= 0.85, scores.ndcg


def test_nothing_ended_is_shown_as_running_and_no_programme_part_is_empty(scores) -> None:
    assert scores.ended_shown_running == 0
    assert scores.must_not_available_shown == 0
    assert scores.empty_programme_parts == 0


def test_preloaded_facts_give_the_same_answers(real_build) -> None:
    """kg serve preloads the facts every case reads (kg.ask.evidence.preload); its answers
    must be the ones a single kg case computes from queries."""
    from kg.ask.case import find
    from kg.ask.evidence import preload

    asked = [(c["municipality"], c.get("target_groups", []), c.get("themes", [])) for c in load()]
    with open_store(real_build.build_dir) as cold:
        expected = [find(cold, *a).as_dict() for a in asked[:12]]
    with open_store(real_build.build_dir) as warm:
        preload(warm)
        assert [find(warm, *a).as_dict() for a in asked[:12]] == expected
