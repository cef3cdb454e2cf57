"""Node positions computed in Python, so the browser draws a finished picture instead of
simulating thousands of nodes.

A Fruchterman-Reingold force layout in numpy: repulsion between every pair of nodes (computed
in blocks of rows, so memory stays at ``block x n``), attraction along links. A fixed seed and
rounded coordinates make the same graph give the same picture, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SEED = 7
_BLOCK = 256
#: Up to this many nodes every pair repels; above it only near ones do.
EXACT_LIMIT = 2000
NEAR = 3.0


def iterations_for(n: int) -> int:
    """Fewer passes for big graphs: each pass costs n squared."""
    if n <= 1000:
        return 150
    if n <= 3000:
        return 80
    return 40


#: Pixels per node: a component of n nodes gets a disc of radius SPACING * sqrt(n).
SPACING = 90.0


def force_layout(
    nodes: Sequence[Hashable],
    edges: Sequence[tuple[Hashable, Hashable]],
    *,
    seed: int = SEED,
) -> dict[Hashable, tuple[float, float]]:
    """Positions for ``nodes`` (in pixels) linked by ``edges``: each connected component laid
    out on its own, then the components packed in rows, largest first (so unlinked nodes do
    not push the rest into a dot in the middle)."""
    index = {node: i for i, node in enumerate(nodes)}
    parent = list(range(len(nodes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        if a in index and b in index:
            ra, rb = root(index[a]), root(index[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(len(nodes)):
        members.setdefault(root(i), []).append(i)
    linked: dict[int, list[tuple[Hashable, Hashable]]] = {}
    for a, b in edges:
        if a in index and b in index:
            linked.setdefault(root(index[a]), []).append((a, b))
    components = sorted(members.values(), key=lambda c: (-len(c), c[0]))
    result: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    width = max(2 * SPACING * math.sqrt(len(components[0])), 600.0) if components else 0.0
    for component in components:
        ids = [nodes[i] for i in component]
        radius = SPACING * math.sqrt(len(ids))
        local = _component_layout(ids, linked.get(component[0], []), seed, radius)
        if x > 0 and x + 2 * radius > width:
            x, y, row_height = 0.0, y + row_height + SPACING, 0.0
        for node, (px, py) in local.items():
            result[node] = (round(px + x + radius, 1), round(py + y + radius, 1))
        x += 2 * radius + SPACING / 2
        row_height = max(row_height, 2 * radius)
    return result


def _component_layout(
    nodes: Sequence[Hashable],
    edges: Sequence[tuple[Hashable, Hashable]],
    seed: int,
    radius: float,
    iterations: int | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """Positions of one connected component within a disc of ``radius`` around 0."""
    import numpy as np

    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array(
        sorted({(index[a], index[b]) for a, b in edges if a != b and a in index and b in index}),
        dtype=np.int64,
    ).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)  # the ideal distance between linked nodes
    steps = iterations if iterations is not None else iterations_for(n)
    temperature = 0.1
    cooling = temperature / (steps + 1)
    far = n <= EXACT_LIMIT
    for _ in range(steps):
        displacement = _repulsion(pos, k) if far else _near_repulsion(pos, k)
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            distance = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            pull = delta * (distance / k)[:, None]
            for axis in (0, 1):
                displacement[:, axis] -= np.bincount(pairs[:, 0], pull[:, axis], minlength=n)
                displacement[:, axis] += np.bincount(pairs[:, 1], pull[:, axis], minlength=n)
        length = np.maximum(np.hypot(displacement[:, 0], displacement[:, 1]), 0.01)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    extent = float(np.hypot(pos[:, 0], pos[:, 1]).max()) or 1.0
    pos *= radius / extent
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos, strict=True)}


def _repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """Every node pushed away from every other by k^2 / distance."""
    import numpy as np

    n = len(pos)
    x, y = pos[:, 0], pos[:, 1]
    out = np.empty_like(pos)
    for start in range(0, n, _BLOCK):
        dx = x[start : start + _BLOCK, None] - x[None, :]
        dy = y[start : start + _BLOCK, None] - y[None, :]
        force = (k * k) / np.maximum(dx * dx + dy * dy, 1e-4)
        out[start : start + _BLOCK, 0] = (dx * force).sum(axis=1)
        out[start : start + _BLOCK, 1] = (dy * force).sum(axis=1)
    return out


def _near_repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """Repulsion from the nodes within a few ideal distances only (the grid variant of
    Fruchterman-Reingold): near-linear time for big graphs."""
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(pos)
    pairs = cKDTree(pos).query_pairs(r=NEAR * k, output_type="ndarray")
    out = np.zeros_like(pos)
    if len(pairs) == 0:
        return out
    delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
    push = delta * ((k * k) / np.maximum((delta**2).sum(axis=1), 1e-4))[:, None]
    for axis in (0, 1):
        out[:, axis] += np.bincount(pairs[:, 0], push[:, axis], minlength=n)
        out[:, axis] -= np.bincount(pairs[:, 1], push[:, axis], minlength=n)
    return out
