"""kg.closure: following links transitively."""

from __future__ import annotations

import pytest

from kg.closure import reachable

STEP = {"a": {"b"}, "b": {"c", "d"}, "d": {"a"}, "x": {"y"}}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("a", {"a", "b", "c", "d"}),  # a cycle leads back to a
        ("b", {"a", "b", "c", "d"}),
        ("c", set()),  # no links out
        ("x", {"y"}),  # another component is not reached
        ("unknown", set()),
    ],
)
def test_reachable_follows_one_or_more_steps(start, expected) -> None:
    assert reachable(STEP, start) == expected
