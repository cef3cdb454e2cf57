"""Following links transitively in Python: for small link sets (class hierarchies, code
lists, the parts of programmes) read from the store once, where a SPARQL ``p*`` path is slow
on large graphs or wrong on some servers (Virtuoso 7.2)."""

from __future__ import annotations

from collections.abc import Mapping


def reachable(step: Mapping[str, set[str]], start: str) -> set[str]:
    """Everything reached from ``start`` by one or more steps (``start`` itself only when a
    cycle leads back to it)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in step.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen
