"""kg.network.declutter: nodes apart, labels that fit, a font readable at fit."""

from __future__ import annotations

import random

import pytest

from kg.network.declutter import (
    MAX_LABEL,
    MIN_LABEL_PX,
    declutter,
    fit_zoom,
    label_box,
    separate,
    short,
)


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("count", [2, 10, 120, 300])
def test_separate_leaves_no_two_nodes_overlapping(count: int) -> None:
    rng = random.Random(count)
    positions = {i: (rng.uniform(0, 50), rng.uniform(0, 50)) for i in range(count)}
    positions[0] = positions[1]  # two on the very same spot
    radii = {i: rng.uniform(6, 30) for i in range(count)}
    moved = separate(positions, radii)
    for i in range(count):
        for j in range(i + 1, count):
            (xi, yi), (xj, yj) = moved[i], moved[j]
            assert ((xi - xj) ** 2 + (yi - yj) ** 2) ** 0.5 >= radii[i] + radii[j] - 0.5


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drawn_labels_never_meet(seed: int) -> None:
    rng = random.Random(seed)
    count = 150
    positions = {i: (rng.uniform(0, 900), rng.uniform(0, 600)) for i in range(count)}
    radii = dict.fromkeys(range(count), 10.0)
    labels = {i: "Programma " + "x" * rng.randint(0, 40) for i in range(count)}
    placed = declutter(positions, radii, labels, list(range(count)))
    boxes = [
        label_box(*placed.positions[i], radii[i], t, placed.font, placed.above.get(i, 0.0))
        for i, t in placed.labels.items()
        if t
    ]
    assert 10 < len(boxes) < count
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not _meet(boxes[a], boxes[b])
    # and the font is large enough to read once the page fits the picture
    assert placed.font * fit_zoom(placed.positions, radii) >= MIN_LABEL_PX - 0.1


def test_long_labels_are_shortened_with_an_ellipsis() -> None:
    assert short("Kort") == "Kort"
    long = "Gezondheidsbevordering bij uitkeringsgerechtigden"
    assert short(long).endswith("…") and len(short(long)) == MAX_LABEL
    assert long.startswith(short(long)[:-1])


def test_where_two_labels_would_meet_the_first_in_order_wins() -> None:
    """Two nodes side by side: both labels fit neither under nor above both; the node first
    in order keeps its name, the other shows it when selected."""
    positions = {"a": (0.0, 0.0), "b": (60.0, 0.0), "c": (0.0, 400.0)}
    radii = dict.fromkeys(positions, 10.0)
    labels = {"a": "Samen in Beweging", "b": "Gezond en Actief Leven", "c": "Kampen"}
    placed = declutter(positions, radii, labels, ["b", "a", "c"])
    assert placed.labels["b"] == "Gezond en Actief Leven"
    assert placed.labels["c"] == "Kampen"
    if placed.labels["a"]:  # then it went above its node, clear of b's
        assert placed.above["a"] > 0
    placed = declutter(positions, radii, labels, ["a", "b", "c"])
    assert placed.labels["a"] == "Samen in Beweging"
