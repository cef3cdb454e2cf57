"""The force layout: the mesh push against the exact sum, and the pictures it gives."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from kg.network import layout
from kg.network.layout import EXACT_LIMIT, _mesh_repulsion, _repulsion, force_layout


def _relative_errors(pos: np.ndarray) -> np.ndarray:
    k = math.sqrt(1.0 / len(pos))
    mesh, exact = _mesh_repulsion(pos, k), _repulsion(pos, k)
    return np.hypot(*(mesh - exact).T) / np.maximum(np.hypot(*exact.T), 1e-12)


def _uniform(n: int) -> np.ndarray:
    return np.random.default_rng(1).random((n, 2))


def _two_clusters(n: int) -> np.ndarray:
    rng = np.random.default_rng(2)
    return np.concatenate([rng.normal(0.3, 0.05, (n // 2, 2)), rng.normal(0.7, 0.1, (n // 2, 2))])


def _one_dense_ball(n: int) -> np.ndarray:  # what a national graph looks like mid-layout
    rng = np.random.default_rng(3)
    return np.concatenate([rng.normal(0.5, 0.02, (n - 50, 2)), rng.random((50, 2))])


@pytest.mark.parametrize("positions", [_uniform, _two_clusters, _one_dense_ball])
def test_the_mesh_push_matches_the_sum_over_every_pair(positions) -> None:
    errors = _relative_errors(positions(3000))
    assert np.median(errors) < 0.03
    assert np.percentile(errors, 90) < 0.10


@pytest.mark.parametrize("distance", [0.05, 0.3, 0.9])
def test_two_lone_nodes_push_each_other_apart_by_k_squared_over_distance(distance) -> None:
    pos = np.array([[0.0, 0.0], [distance, 0.0]])
    k = 0.1
    push = _mesh_repulsion(pos, k)
    assert push[0, 0] == pytest.approx(-k * k / distance, rel=0.05)
    assert push[1, 0] == pytest.approx(k * k / distance, rel=0.05)
    assert abs(push[0, 1]) < 1e-9 * k and abs(push[1, 1]) < 1e-9 * k


def test_nodes_on_the_same_spot_are_pushed_apart() -> None:
    pos = np.array([[0.5, 0.5], [0.5, 0.5 + 1e-6], [0.0, 0.0], [1.0, 1.0]])
    push = _mesh_repulsion(pos, 0.1)
    assert push[0, 1] < 0 < push[1, 1]


def _hubs_and_spokes(n: int, hubs: int, links: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Like a national graph: many programmes, each linked to several of a few hubs."""
    rng = random.Random(3)
    centres = [f"hub{i:03d}" for i in range(hubs)]
    spokes = [f"node{i:05d}" for i in range(n - hubs)]
    return centres + spokes, [(s, h) for s in spokes for h in rng.sample(centres, links)]


def _spread(positions: dict[object, tuple[float, float]]) -> float:
    """The share of nodes in the middle disc of a quarter of the picture's radius."""
    pos = np.array(list(positions.values()))
    r = np.hypot(*(pos - pos.mean(axis=0)).T)
    return float((r < 0.25 * r.max()).mean())


@pytest.mark.slow
def test_a_big_graph_spreads_out_as_with_the_exact_sum(monkeypatch) -> None:
    nodes, edges = _hubs_and_spokes(EXACT_LIMIT + 1000, 60, 12)
    with_mesh = force_layout(nodes, edges)
    monkeypatch.setattr(layout, "_mesh_repulsion", _repulsion)
    exact = force_layout(nodes, edges)
    # Without the push from far away (a cut-off at short range) half again as many nodes end
    # up in the middle; the mesh keeps the picture the exact sum gives.
    assert abs(_spread(with_mesh) - _spread(exact)) < 0.01
    pos = np.array(list(with_mesh.values()))
    gaps = np.hypot(*(pos[:, None, :] - pos[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 0.5  # no two nodes on the same pixel


def test_the_same_graph_gives_the_same_picture_whatever_the_order_of_links() -> None:
    nodes, edges = _hubs_and_spokes(EXACT_LIMIT + 200, 20, 3)
    first = force_layout(nodes, edges)
    assert force_layout(nodes, list(reversed(edges))) == first
    assert force_layout(nodes, edges) == first


def test_components_are_laid_out_apart() -> None:
    nodes = [f"a{i}" for i in range(30)] + [f"b{i}" for i in range(10)] + ["solo"]
    edges = [(f"a{i}", f"a{i + 1}") for i in range(29)] + [(f"b{i}", f"b{i + 1}") for i in range(9)]
    pos = force_layout(nodes, edges)
    a = np.array([pos[n] for n in nodes if n.startswith("a")])
    b = np.array([pos[n] for n in nodes if n.startswith("b")])
    # Each component sits in its own disc: the discs' boxes do not overlap.
    assert a[:, 0].max() < b[:, 0].min() or a[:, 1].max() < b[:, 1].min()
    assert all(x >= 0 and y >= 0 for x, y in pos.values())
