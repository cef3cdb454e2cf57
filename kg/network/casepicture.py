"""The case picture: the case finder's answer drawn as it reads.

The municipality stands in the middle, with the asked target groups and themes under it. On
its left, the law (articles, statutory services, laws) above the money and the instruments;
on its right, the programmes above the partners. Each part shows its best items, in the
answer's order, one under the other. A link is drawn only where the answer gives a reason:
from the municipality to each item (the first reason, with its sources), and from a partner
to a programme of the answer it works on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg import i18n

if TYPE_CHECKING:
    import networkx as nx

    from kg.ask.case import CaseAnswer, Item

#: The items of each part the picture shows (the answer's best; the page and the note list
#: them all).
PER_PART = 6
#: The kind an item of each part is drawn as when the network has no node for it (an
#: article, a statutory service, an allocation).
PART_KINDS = {
    "law": "law",
    "money": "scheme",
    "instruments": "accord",
    "programmes": "programme",
    "partners": "organisation",
}
#: Where each part stands: its column (-1 left, 1 right); parts of a column follow each
#: other in this order, top to bottom.
COLUMNS = {"law": -1, "money": -1, "instruments": -1, "programmes": 1, "partners": 1}


def case_picture(whole: nx.MultiDiGraph, answer: CaseAnswer) -> nx.MultiDiGraph:
    """The picture of ``answer``, with fixed places (``graph.graph["positions"]``) in picture
    units; ``whole`` (a network of every kind) gives kinds, names and descriptions."""
    import networkx as nx

    lang = whole.graph.get("lang", "nl")
    case = answer.case
    centre = case["municipality"]["iri"]
    picture = nx.MultiDiGraph(lang=lang)
    picture.graph["sources"] = {
        **{iri: (title, url or None) for iri, (title, url) in answer.sources.items()},
        **whole.graph.get("sources", {}),
    }
    _add(picture, whole, centre, case["municipality"]["label"], "municipality", focus=True)
    asked = [*case["target_groups"], *case["themes"]]
    for concept in asked:
        _add(picture, whole, concept["iri"], concept["label"], "concept", focus=True)
    said = i18n.words("picture", lang)
    positions: dict[str, tuple[float, float]] = {centre: (0.0, 0.0)}
    for i, concept in enumerate(asked):
        positions[concept["iri"]] = (0.0, STEP * (i + 1))
    columns: dict[int, list[str]] = {-1: [], 1: []}
    parts: dict[str, list[Item]] = {
        "law": answer.law,
        "money": answer.money,
        "instruments": answer.instruments,
        "programmes": answer.programmes,
        "partners": answer.partners,
    }
    for part, items in parts.items():
        for item in items[:PER_PART]:
            if item.iri in picture:
                continue
            _add(picture, whole, item.iri, item.label, PART_KINDS[part], item=item)
            columns[COLUMNS[part]].append(item.iri)
            reason = item.reasons[0] if item.reasons else said["in_answer"]
            picture.add_edge(
                centre,
                item.iri,
                "reason",
                label=reason,
                prop="reason",
                role=False,
                sources=tuple(sorted(item.sources)),
            )
    programmes = {i.iri: i.label for i in parts["programmes"][:PER_PART] if i.iri in picture}
    for partner in parts["partners"][:PER_PART]:
        for iri, label in programmes.items():
            said_with = [r for r in partner.reasons if label and label in r]
            if said_with and partner.iri in picture:
                picture.add_edge(
                    partner.iri,
                    iri,
                    "works-on",
                    label=said_with[0],
                    prop="reason",
                    role=True,
                    sources=tuple(sorted(partner.sources)),
                )
    for side, members in columns.items():
        top = -STEP * (len(members) - 1) / 2
        for row, iri in enumerate(members):
            positions[iri] = (side * COLUMN, top + STEP * row)
    picture.graph["positions"] = positions
    labels = " · ".join(c["label"] for c in (case["municipality"], *asked))
    picture.graph["title"] = said["case_title"].format(case=labels)
    return picture


#: Picture units between two items of a column, and from the middle to a column.
STEP = 90.0
COLUMN = 420.0


def _add(
    picture: nx.MultiDiGraph,
    whole: nx.MultiDiGraph,
    iri: str,
    label: str,
    kind: str,
    *,
    focus: bool = False,
    item: Item | None = None,
) -> None:
    """A node for ``iri``: as the network has it where it has it, else made from the item."""
    data: dict[str, Any]
    if iri in whole:
        data = dict(whole.nodes[iri])
    else:
        folded = whole.graph.get("folded", {}).get(iri)
        data = dict(whole.nodes[folded]) if folded in whole else {}
    data.setdefault("label", label or iri)
    data.setdefault("kind", kind)
    data.setdefault("names", ())
    data.setdefault("description", "")
    data.setdefault("description_lang", "")
    data.setdefault("sources", tuple(sorted(item.sources)) if item else ())
    if item is not None:
        if item.extra.get("status"):
            data["status"] = item.extra["status"]
        if not data["description"] and item.reasons:
            data["description"] = "; ".join(item.reasons)
    if focus:
        data["focus"] = True
    picture.add_node(iri, **data)
