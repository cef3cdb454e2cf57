"""How closely what an item is for fits what a case asks: the same concept, a narrower one,
or a broader one, along the code lists' ``skos:broader`` hierarchy.

A case asks for target groups and themes. An item (a programme, an article of law, a service,
an instrument) names its own (``dct:audience``, ``cv:thematicArea``). For each asked concept
the item's closest concept counts once:

* **same** (3 points): the item names the asked concept itself, or a synonym of it (a synonym
  is resolved to the same concept before this);
* **narrower** (2): the item is for a kind of what was asked (asked "kwetsbare inwoners", the
  item is for "ouderen");
* **broader** (1): the item is for something that includes what was asked (asked "ouderen",
  the item is for "kwetsbare inwoners"; asked "valpreventie", the item is about "preventie").

Several asked concepts add up: an item that fits two of them ranks above one that fits one
(they combine as *any*, ranked by how many fit and how closely).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.closure import reachable

AUDIENCE = "http://purl.org/dc/terms/audience"
THEME = "http://data.europa.eu/m8g/thematicArea"

SAME, NARROWER, BROADER = 3, 2, 1
KIND = {SAME: "same", NARROWER: "narrower", BROADER: "broader"}


@dataclass(frozen=True)
class Asked:
    """One concept a case asks for, and the property an item names it with."""

    prop: str  # AUDIENCE or THEME
    concept: str


@dataclass(frozen=True)
class Match:
    """The closest concept an item names for one asked concept."""

    asked: Asked
    concept: str
    closeness: int  # SAME, NARROWER or BROADER
    source: str


class Hierarchy:
    """The ``skos:broader`` links of the code lists, followed any number of steps."""

    def __init__(self, links: Iterable[tuple[str, str]]) -> None:
        up: dict[str, set[str]] = defaultdict(set)
        for narrower, broader in links:
            up[narrower].add(broader)
        self._up = up
        self._ancestors: dict[str, set[str]] = {}

    def ancestors(self, concept: str) -> set[str]:
        if concept not in self._ancestors:
            self._ancestors[concept] = reachable(self._up, concept)
        return self._ancestors[concept]

    def closeness(self, concept: str, asked: str) -> int:
        """SAME, NARROWER, BROADER or 0 (unrelated)."""
        if concept == asked:
            return SAME
        if asked in self.ancestors(concept):
            return NARROWER
        if concept in self.ancestors(asked):
            return BROADER
        return 0

    def near(self, asked: str, every: Iterable[str]) -> set[str]:
        """Of ``every`` concept, those that fit ``asked`` at all."""
        return {c for c in every if self.closeness(c, asked)}


def best_matches(
    hierarchy: Hierarchy,
    asked: Iterable[Asked],
    named: Iterable[tuple[str, str, str]],
) -> list[Match]:
    """For each asked concept, the closest of the item's ``named`` (property, concept,
    source) facts, if any fits; ties keep every source of the closest concept."""
    by_prop: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for prop, concept, source in sorted(named):
        by_prop[prop].append((concept, source))
    out: list[Match] = []
    for a in asked:
        best: Match | None = None
        for concept, source in by_prop.get(a.prop, []):
            c = hierarchy.closeness(concept, a.concept)
            if c and (best is None or c > best.closeness):
                best = Match(a, concept, c, source)
        if best is not None:
            out.append(best)
            out += [
                Match(a, best.concept, best.closeness, source)
                for concept, source in by_prop.get(a.prop, [])
                if concept == best.concept and source != best.source
            ]
    return out


def score(matches: Iterable[Match]) -> int:
    """The points of the matches: each asked concept counts once, at its closest."""
    best: dict[Asked, int] = {}
    for m in matches:
        best[m.asked] = max(best.get(m.asked, 0), m.closeness)
    return sum(best.values())
