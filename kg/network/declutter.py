"""A picture readable at first sight: no node on another, no label over another, labels large
enough to read when the page first fits the picture to the screen.

After the force layout (:mod:`kg.network.layout`), :func:`declutter`

1. pushes overlapping nodes apart until no two discs (with a margin) touch;
2. estimates the zoom at which the page fits the picture into a browser window
   (:data:`VIEW`), and sets the label font so that a label is at least :data:`MIN_LABEL_PX`
   pixels high on screen at that zoom;
3. places labels by importance (marked nodes first, then larger, then more linked): a label
   is drawn only where its box meets no label already placed and no other node; the others
   are shown when their node, or a neighbour, is selected (the page does that), and their
   names are always in the tooltip, the search and the panel.

Labels longer than :data:`MAX_LABEL` characters are shortened with an ellipsis. Label widths
are estimated from the font size (:data:`CHAR_WIDTH` of it per character, generous for the
sans-serif font the page uses), so the browser check (``bench/viz.py``) measures what the
screen really shows.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

#: The drawing area the page fits the picture into, in CSS pixels: a laptop window (1280 x 800)
#: less the side bar and the panel, which a picture with a focus opens at once.
VIEW = (640.0, 700.0)
#: The smallest label height on screen at fit, in pixels.
MIN_LABEL_PX = 11.0
#: The font size of labels in the picture's own units when the picture is small.
BASE_FONT = 14.0
#: Characters of a drawn label; longer ones end in an ellipsis.
MAX_LABEL = 30
#: A character's width as a share of the font size (wide enough for most sans-serif text).
CHAR_WIDTH = 0.62
#: Room kept between two nodes, and between a node and its label, in picture units.
GAP = 6.0


#: A rectangle in picture units: left, top, right, bottom.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Placed:
    """Where each node goes and how it is labelled."""

    positions: dict[Hashable, tuple[float, float]]
    #: The label each node is drawn with ("" for none: its name shows when selected).
    labels: dict[Hashable, str]
    font: float
    #: Nodes whose label goes above them (the page moves it up by this much).
    above: dict[Hashable, float]


def short(label: str) -> str:
    """``label`` as drawn: at most :data:`MAX_LABEL` characters."""
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def declutter(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    labels: Mapping[Hashable, str],
    order: Sequence[Hashable],
) -> Placed:
    """Nodes apart, a readable font, and the labels that fit (``order``: most important
    first)."""
    moved = separate(positions, radii)
    font = readable_font(moved, radii)
    drawn, above = place_labels(moved, radii, labels, order, font)
    # the page fits the labels in too: with them the picture is wider, the zoom smaller
    wider = readable_font(moved, radii, _label_reach(moved, radii, drawn, above, font))
    if wider > font * 1.02:
        font = wider
        drawn, above = place_labels(moved, radii, labels, order, font)
    return Placed(moved, drawn, font, above)


def _label_reach(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    drawn: Mapping[Hashable, str],
    above: Mapping[Hashable, float],
    font: float,
) -> list[Box]:
    return [
        label_box(*positions[n], radii[n], text, font, above.get(n, 0.0))
        for n, text in drawn.items()
        if text
    ]


def separate(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    rounds: int = 3000,
) -> dict[Hashable, tuple[float, float]]:
    """``positions`` with overlapping nodes pushed apart (each pair by half the overlap, in
    rounds, until none is left or ``rounds`` pass)."""
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(positions)
    if len(nodes) < 2:
        return dict(positions)
    pos = np.array([positions[n] for n in nodes], dtype=float)
    radius = np.array([radii[n] for n in nodes], dtype=float)
    # a crowded picture is spread out first, so that pushing pairs apart can finish: the
    # nodes' discs may cover at most a quarter of the picture
    span = pos.max(axis=0) - pos.min(axis=0) + 2 * float(radius.max())
    needed = 4 * float((np.pi * (radius + GAP) ** 2).sum())
    if float(span[0] * span[1]) < needed:
        middle = pos.mean(axis=0)
        pos = middle + (pos - middle) * math.sqrt(needed / float(span[0] * span[1]))
    reach = 2 * float(radius.max()) + GAP
    for _ in range(rounds):
        pairs = cKDTree(pos).query_pairs(r=reach, output_type="ndarray")
        if not len(pairs):
            break
        delta = pos[pairs[:, 1]] - pos[pairs[:, 0]]
        distance = np.hypot(delta[:, 0], delta[:, 1])
        need = radius[pairs[:, 0]] + radius[pairs[:, 1]] + GAP
        close = distance < need
        if not close.any():
            break
        pairs, delta, distance, need = pairs[close], delta[close], distance[close], need[close]
        same = distance < 1e-6
        delta[same] = np.column_stack((np.cos(pairs[same, 0]), np.sin(pairs[same, 0])))
        distance[same] = 1.0
        push = delta / distance[:, None] * ((need - distance) / 2 + 0.5)[:, None]
        for axis in (0, 1):
            pos[:, axis] -= np.bincount(pairs[:, 0], push[:, axis], minlength=len(nodes))
            pos[:, axis] += np.bincount(pairs[:, 1], push[:, axis], minlength=len(nodes))
    return {
        n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, pos, strict=True)
    }


def fit_zoom(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    boxes: Sequence[Box] = (),
) -> float:
    """The zoom at which the page shows the whole picture (nodes and the label ``boxes``)
    in :data:`VIEW`."""
    if not positions:
        return 1.0
    lefts = [x - radii[n] for n, (x, _) in positions.items()] + [b[0] for b in boxes]
    rights = [x + radii[n] for n, (x, _) in positions.items()] + [b[2] for b in boxes]
    tops = [y - radii[n] for n, (_, y) in positions.items()] + [b[1] for b in boxes]
    bottoms = [y + radii[n] + 2 * BASE_FONT for n, (_, y) in positions.items()]
    bottoms += [b[3] for b in boxes]
    width = max(rights) - min(lefts) + 20
    height = max(bottoms) - min(tops) + 20
    return min(VIEW[0] / width, VIEW[1] / height, 1.0)


def readable_font(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    boxes: Sequence[Box] = (),
) -> float:
    """The label font (picture units) that is :data:`MIN_LABEL_PX` on screen at fit."""
    zoom = fit_zoom(positions, radii, boxes)
    return round(max(BASE_FONT, MIN_LABEL_PX / zoom), 1)


def label_box(x: float, y: float, radius: float, text: str, font: float, shift: float = 0.0) -> Box:
    """The box of a label drawn under a node at (x, y), moved up by ``shift``."""
    width = CHAR_WIDTH * font * len(text)
    top = y + radius + GAP / 2 - shift
    return (x - width / 2, top, x + width / 2, top + 1.25 * font)


def above_shift(radius: float, font: float) -> float:
    """How far a label moves up to stand above its node instead of under it."""
    return round(2 * radius + GAP + 1.25 * font, 1)


def place_labels(
    positions: Mapping[Hashable, tuple[float, float]],
    radii: Mapping[Hashable, float],
    labels: Mapping[Hashable, str],
    order: Sequence[Hashable],
    font: float,
) -> tuple[dict[Hashable, str], dict[Hashable, float]]:
    """The label each node is drawn with: its (shortened) name where the box under the node,
    or else above it, is free, else ""; and the nodes whose label goes above."""
    cell = max(4 * font, 60.0)
    grid: dict[tuple[int, int], list[Box]] = {}

    def cells(box: Box) -> list[tuple[int, int]]:
        return [
            (i, j)
            for i in range(math.floor(box[0] / cell), math.floor(box[2] / cell) + 1)
            for j in range(math.floor(box[1] / cell), math.floor(box[3] / cell) + 1)
        ]

    def add(box: Box) -> None:
        for key in cells(box):
            grid.setdefault(key, []).append(box)

    def free(box: Box) -> bool:
        return not any(_meet(box, other) for key in cells(box) for other in grid.get(key, ()))

    node_boxes: dict[Hashable, Box] = {}
    for n, (x, y) in positions.items():
        r = radii[n]
        node_boxes[n] = (x - r, y - r, x + r, y + r)
        add(node_boxes[n])
    drawn: dict[Hashable, str] = {}
    above: dict[Hashable, float] = {}
    for n in order:
        text = short(labels[n])
        x, y = positions[n]
        drawn[n] = ""
        for shift in (0.0, above_shift(radii[n], font)):
            box = label_box(x, y, radii[n], text, font, shift)
            if text and free(box):
                add(box)
                drawn[n] = text
                if shift:
                    above[n] = shift
                break
    return drawn, above


def _meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
