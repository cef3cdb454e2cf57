"""An existing source as the workbook's rows (``kg template --from SOURCE``), so that a curator
can correct what is there: export, edit, import.

Each resource the source describes goes on its sheet when the sheet can say everything the
import would state for it (its class, its id, ``prov:wasDerivedFrom`` the source); each of its
statements fills a cell when the cell reads back as the same statement
(:func:`kg.curate.values.write_cell`). Whatever is left (a fourth target group where there are
three cells, a person, a publication, an event) goes to the sheet Overig, one statement per
row, so that importing the workbook unchanged gives the same graph.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.curate.importer import Triple
from kg.curate.lookup import Lookup
from kg.curate.sheets import (
    DERIVED,
    DESCRIBED,
    IDENTIFIER,
    OTHER,
    RDF_TYPE,
    SOURCE_SHEET,
    Column,
    Sheet,
    Value,
    sheet_kinds,
)
from kg.curate.values import write_cell
from kg.namespaces import ID, curie

Cells = dict[str, object]


def rows_of(source: str, triples: list[Triple], lookup: Lookup) -> dict[str, list[Cells]]:
    """The rows of every sheet for the statements ``triples`` of the graph ``source``."""
    by_subject: dict[str, list[Triple]] = defaultdict(list)
    for t in triples:
        by_subject[str(t[0])].append(t)
    left: set[Triple] = set(triples)
    placed: dict[str, Sheet] = {}
    for subject, statements in by_subject.items():
        spec = _sheet_for(source, subject, statements)
        if spec is not None:
            placed[subject] = spec
            for name in _names(spec, subject, statements):
                lookup.add(name[0], name[1], subject)
    rows: dict[str, list[Cells]] = {}
    for spec in DESCRIBED:
        for subject, statements in by_subject.items():
            if placed.get(subject) is spec:
                rows.setdefault(spec.name, []).append(
                    _row(source, spec, subject, statements, triples, placed, left, lookup)
                )
    rows[OTHER.name] = [_statement(t) for t in triples if t in left]
    return rows


def _sheet_for(source: str, subject: str, statements: list[Triple]) -> Sheet | None:
    """The sheet a resource goes on: its class is the sheet's, and it has what the import
    states for every row of that sheet."""
    values: dict[str, set[Node]] = defaultdict(set)
    for _, p, o in statements:
        values[str(p)].add(o)
    types = {str(t) for t in values[RDF_TYPE]}
    for spec in DESCRIBED:
        if spec is SOURCE_SHEET and subject != source:
            continue
        if not types & set(spec.classes) or not _in_namespace(spec, subject):
            continue
        if (
            spec is not SOURCE_SHEET
            and Literal(subject.rsplit("/", 1)[-1]) not in values[IDENTIFIER]
        ):
            return None
        if spec.derived and URIRef(source) not in values[DERIVED]:
            return None
        return spec
    return None


def _in_namespace(spec: Sheet, subject: str) -> bool:
    """Whether ``subject`` has an id the sheet's id column takes (``programme:...``)."""
    for kind in sheet_kinds(spec):
        base = f"{ID}{kind}/"
        if subject.startswith(base) and "/" not in subject[len(base) :]:
            return True
    return False


def _names(spec: Sheet, subject: str, statements: list[Triple]) -> list[tuple[str, str]]:
    """The lists a row's own name joins (the import adds the same)."""
    names = [
        str(o)
        for _, p, o in statements
        if str(p).endswith("prefLabel") and isinstance(o, Literal) and o.language == "nl"
    ]
    classes = {str(o) for _, p, o in statements if str(p) == RDF_TYPE}
    return [(lst, n) for lst in spec.joins_of(classes) for n in names[:1]]


def _row(
    source: str,
    spec: Sheet,
    subject: str,
    statements: list[Triple],
    triples: list[Triple],
    placed: dict[str, Sheet],
    left: set[Triple],
    lookup: Lookup,
) -> Cells:
    row: Cells = {"id": curie(subject)}
    for t in statements:  # what the import states for every row
        if (
            (str(t[1]) == RDF_TYPE and str(t[2]) in spec.classes and spec.kind_column() is None)
            or (
                str(t[1]) == IDENTIFIER
                and spec is not SOURCE_SHEET
                and str(t[2]) == subject.rsplit("/", 1)[-1]
            )
            or (spec.derived and str(t[1]) == DERIVED and str(t[2]) == source)
        ):
            left.discard(t)
    for column in spec.columns:
        if column.value in (Value.ID, Value.REVIEW) or column.predicate is None:
            continue
        if column.value is Value.OWNER:
            candidates = [
                t
                for t in triples
                if str(t[1]) == column.predicate and str(t[2]) == subject and t in left
            ]
            _place(column, candidates, row, left, lookup, subject_side=True)
        else:
            candidates = [t for t in statements if str(t[1]) == column.predicate and t in left]
            _place(column, candidates, row, left, lookup)
    return row


def _place(
    column: Column,
    candidates: list[Triple],
    row: Cells,
    left: set[Triple],
    lookup: Lookup,
    subject_side: bool = False,
) -> None:
    """Fill the column's cells with as many of ``candidates`` as fit and read back exactly."""
    fitting = []
    for t in candidates:
        shown = write_cell(column, t[0] if subject_side else t[2], lookup)
        if shown is not None:
            fitting.append((shown, t))
    fitting.sort(key=lambda pair: (pair[0].casefold(), pair[0]))
    for heading, (shown, t) in zip(column.headings(), fitting, strict=False):
        row[heading] = shown
        left.discard(t)


def _statement(t: Triple) -> Cells:
    """One statement as a row of Overig."""
    _, p, o = t
    row: Cells = {"onderwerp": curie(str(t[0])), "eigenschap": curie(str(p))}
    if isinstance(o, Literal):
        row["waarde"] = str(o)
        if o.language:
            row["taal"] = o.language
        else:
            row["datatype"] = curie(str(o.datatype)) if o.datatype else "xsd:string"
    else:
        row["waarde"] = curie(str(o))
    return row
