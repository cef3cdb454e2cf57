"""Node positions computed in Python, so the browser draws a finished picture instead of
simulating thousands of nodes.

A Fruchterman-Reingold force layout in numpy: every node pushes every other away, links pull
their ends together. Up to :data:`EXACT_LIMIT` nodes the push of every pair is summed (in
blocks of rows, so memory stays at ``block x n``). Above it the push is computed on a mesh, as
particle-mesh codes compute gravity: the nodes are spread onto a grid, the grid is convolved
with the push of one node (by FFT), and each node reads the push at its place back off the
grid; nodes closer than a grid cell also push each other directly, so none end up on top of
one another. That costs about ``n + G^2 log G`` per pass instead of ``n^2`` and keeps the
push from far away, which a cut-off at short range loses (a national graph then collapses
into one dense ball). A fixed seed and rounded coordinates make the same graph give the same
picture, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SEED = 7
_BLOCK = 256
#: Up to this many nodes every pair's push is summed; above it the push comes off a mesh.
EXACT_LIMIT = 2000
#: The mesh has at most this many cells a side, and cells about half an ideal distance wide.
MESH_CELLS = 256


def iterations_for(n: int) -> int:
    """Fewer passes for big graphs: each pass costs n squared."""
    if n <= 1000:
        return 150
    if n <= 3000:
        return 80
    return 40


#: The shape the packed components fill: wider than high, as a window is.
ASPECT = 1.5
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
    # rows as wide as a screen is wider than high, so the whole picture fills the window
    area = sum((2 * SPACING * math.sqrt(len(c)) + SPACING / 2) ** 2 for c in components)
    width = (
        max(2 * SPACING * math.sqrt(len(components[0])), math.sqrt(area * ASPECT), 600.0)
        if components
        else 0.0
    )
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
        displacement = _repulsion(pos, k) if far else _mesh_repulsion(pos, k)
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


def _mesh_repulsion(pos: np.ndarray, k: float) -> np.ndarray:
    """The push of every node on every other (k^2 / distance, away), approximated on a mesh
    with cloud-in-cell weights, plus the direct push between nodes less than a cell apart."""
    import numpy as np

    n = len(pos)
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) or 1.0
    cells = int(min(MESH_CELLS, max(16, math.ceil(2 * span / k))))
    h = span / (cells - 1)
    grid = (pos - lo) / h
    corner = np.minimum(np.floor(grid).astype(np.int64), cells - 2)
    frac = grid - corner
    # The four cells around each node and its weight in each (cloud in cell).
    offsets = ((0, 0), (1, 0), (0, 1), (1, 1))
    index = [(corner[:, 0] + dx) * cells + corner[:, 1] + dy for dx, dy in offsets]
    weight = [
        (frac[:, 0] if dx else 1 - frac[:, 0]) * (frac[:, 1] if dy else 1 - frac[:, 1])
        for dx, dy in offsets
    ]
    density = np.zeros(cells * cells)
    for i, w in zip(index, weight, strict=True):
        density += np.bincount(i, w, minlength=cells * cells)
    size = 2 * cells  # room for every offset between two cells without wrapping round
    padded = np.zeros((size, size))
    padded[:cells, :cells] = density.reshape(cells, cells)
    spectrum = np.fft.rfft2(padded)
    kx, ky = _unit_push(cells)
    scale = k * k / h
    out = np.zeros_like(pos)
    for axis, kernel in ((0, kx), (1, ky)):
        field = np.fft.irfft2(spectrum * kernel, s=(size, size))[:cells, :cells].ravel()
        out[:, axis] = scale * sum(w * field[i] for i, w in zip(index, weight, strict=True))
    pairs = _close_pairs(pos, h)
    if len(pairs):
        delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
        push = delta * ((k * k) / np.maximum((delta**2).sum(axis=1), 1e-4))[:, None]
        for axis in (0, 1):
            out[:, axis] += np.bincount(pairs[:, 0], push[:, axis], minlength=n)
            out[:, axis] -= np.bincount(pairs[:, 1], push[:, axis], minlength=n)
    return out


_PUSH_CACHE: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _unit_push(cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The Fourier transforms of the push (x and y) of one node on a mesh with cells of width
    1, at every offset between two of ``cells`` cells (wrapped into ``2 * cells``)."""
    import numpy as np

    if cells not in _PUSH_CACHE:
        size = 2 * cells
        m = np.fft.fftfreq(size, 1 / size)  # 0, 1, ..., cells - 1, -cells, ..., -1
        dx, dy = np.meshgrid(m, m, indexing="ij")
        d2 = dx * dx + dy * dy
        d2[0, 0] = 1.0  # no push on itself
        _PUSH_CACHE[cells] = (np.fft.rfft2(dx / d2), np.fft.rfft2(dy / d2))
    return _PUSH_CACHE[cells]


def _close_pairs(pos: np.ndarray, radius: float) -> np.ndarray:
    """The pairs of nodes (i < j) less than ``radius`` apart."""
    from scipy.spatial import cKDTree

    pairs: np.ndarray = cKDTree(pos).query_pairs(r=radius, output_type="ndarray")
    return pairs
