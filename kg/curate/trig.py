"""The TriG file ``kg import`` writes, in the layout of the hand-written files in ``data/``: a
comment saying what it is, the prefixes it uses, one named graph (the source's), a comment
line above each group of resources, and one block per resource with its class first and its
names, title, id and description before the rest."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from kg.curate.importer import Imported
from kg.curate.sheets import DESCRIBED, RDF_TYPE
from kg.namespaces import PREFIXES, split

_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
#: Properties written first in a block, in this order.
FIRST = tuple(
    PREFIXES[p] + n
    for p, n in (
        ("skos", "prefLabel"),
        ("skos", "altLabel"),
        ("dct", "title"),
        ("dct", "identifier"),
        ("dct", "description"),
    )
)


def term(node: Node, used: set[str]) -> str:
    """A term in Turtle, with a prefix where one fits (noting the prefix in ``used``)."""
    if isinstance(node, URIRef):
        prefix, local = split(str(node))
        if prefix is not None and _LOCAL.fullmatch(local):
            used.add(prefix)
            return f"{prefix}:{local}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = _quoted(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is None or node.datatype == XSD.string:
            return text
        if node.datatype == XSD.boolean:
            return "true" if node.toPython() is True else "false"
        return f"{text}^^{term(URIRef(str(node.datatype)), used)}"
    raise ValueError(f"kg import writes no blank nodes ({node!r})")


def _quoted(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def write(imported: Imported) -> str:
    """The TriG text of ``imported``."""
    used: set[str] = set()
    blocks: dict[str, list[tuple[str, Node]]] = {}
    for s, p, o in imported.triples:
        blocks.setdefault(str(s), []).append((str(p), o))
    sections: list[str] = []
    done: set[str] = set()
    for spec in DESCRIBED:
        subjects = [s for s in imported.rows.get(spec.name, []) if s in blocks]
        if subjects:
            sections.append(_section(spec.name, [_block(s, blocks[s], used) for s in subjects]))
            done.update(subjects)
    rest = [s for s in blocks if s not in done]
    if rest:
        title = "Overig, and links to what other sources describe"
        sections.append(_section(title, [_block(s, blocks[s], used) for s in rest]))
    graph = term(URIRef(imported.source), used)
    head = [
        f"# Made by kg import from a curator's workbook: the source {graph} and what it says.",
        "# To change it, export it (kg template --from), edit the workbook and import it again.",
    ]
    prefixes = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(used)]
    body = "\n\n".join(sections)
    return "\n".join([*head, *prefixes, "", f"{graph} {{", "", body, "}", ""])


def _section(name: str, blocks: list[str]) -> str:
    heading = f"    # --- {name} " + "-" * max(3, 84 - len(name))
    return heading + "\n" + "\n\n".join(blocks)


def _block(subject: str, statements: Sequence[tuple[str, Node]], used: set[str]) -> str:
    """One resource: ``s a C ;`` then one line per property, values joined by commas."""
    by_property: dict[str, list[Node]] = {}
    for p, o in statements:
        by_property.setdefault(p, []).append(o)
    order = sorted(
        by_property,
        key=lambda p: (p != RDF_TYPE, FIRST.index(p) if p in FIRST else len(FIRST)),
    )
    lines = []
    for p in order:
        values = [term(o, used) for o in by_property[p]]
        name = "a" if p == RDF_TYPE else term(URIRef(p), used)
        line = f"{name} {', '.join(values)}"
        if len(values) > 1 and len(line) > 88:  # one value a line, as the curated files do
            line = f"{name} " + ",\n            ".join(values)
        lines.append(line)
    return f"    {term(URIRef(subject), used)} " + " ;\n        ".join(lines) + " ."
