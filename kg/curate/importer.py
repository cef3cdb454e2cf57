"""A filled workbook as the statements of one source (``kg import``).

:func:`convert` reads the rows (:mod:`kg.curate.reading`) into the statements of the source's
graph, by the table of :mod:`kg.curate.sheets`: a row of a described sheet is one resource,
named by its id, else by a thing of its name the graph already has (reused), else minted by
the rules of docs/iris.md; a column is a property. Every problem is collected with its sheet,
row and column, and all of them are raised together, before anything is written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.curate.lookup import Lookup
from kg.curate.reading import Row, place
from kg.curate.sheets import (
    BY_NAME,
    DERIVED,
    DESCRIBED,
    FINDINGS_SHEET,
    IDENTIFIER,
    KIND_LISTS,
    OTHER,
    PARTICIPATIONS_SHEET,
    PREFIXES_OF,
    RDF_TYPE,
    SKOS,
    SOURCE_SHEET,
    Column,
    Sheet,
    Value,
    sheet_kinds,
)
from kg.curate.values import CellError, expand, read_cell
from kg.errors import shown
from kg.namespaces import ID, PREFIXES, curie, slugify
from kg.store import quiet_rdflib

Triple = tuple[URIRef, URIRef, Node]
#: Sheets whose rows are named after what they point at: they are named second.
DEPENDENT = (PARTICIPATIONS_SHEET, FINDINGS_SHEET)
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


@dataclass
class Imported:
    """The statements of one source's graph, in the order the workbook gives them, with where
    each came from (for messages about them)."""

    source: str
    triples: list[Triple] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (s, p) -> its cell
    by_subject: dict[str, Row] = field(default_factory=dict)  # s -> the row that says most
    rows: dict[str, list[str]] = field(default_factory=dict)  # sheet -> the IRIs of its rows

    def add(self, s: str, p: str, o: Node, row: Row, heading: str | None = None) -> None:
        """A statement, from ``row`` (the cell under ``heading``, if one gave it)."""
        triple = (URIRef(s), URIRef(p), o)
        if triple not in self._seen:
            self._seen.add(triple)
            self.triples.append(triple)
        english = isinstance(o, Literal) and o.language == "en"  # findings name the Dutch
        if heading is not None and not english:
            self.cells.setdefault((s, p), place(row.sheet, row.number, heading, row.ref(heading)))
        self.by_subject.setdefault(s, row)

    def where(self, s: str, p: str | None) -> str | None:
        """Where a statement came from, or else where it would have come from: the cell that
        gave it, or the cell of the row's column for the property (a value not given), or
        the row."""
        if p is not None and (s, p) in self.cells:
            return self.cells[(s, p)]
        row = self.by_subject.get(s)
        if row is None:
            return None
        for column in BY_NAME[row.sheet].columns if p is not None else ():
            if column.predicate == p and column.value is not Value.EN:
                heading = column.headings()[0]
                return place(row.sheet, row.number, heading, row.ref(heading))
        return place(row.sheet, row.number)

    def __post_init__(self) -> None:
        self._seen: set[Triple] = set()


class _Problems(list[str]):
    def cell(self, row: Row, heading: str, message: str) -> None:
        ref = row.ref(heading)
        self.append(f"{place(row.sheet, row.number, heading, ref)}: {message}")


def convert(tables: dict[str, list[Row]], lookup: Lookup) -> tuple[Imported | None, list[str]]:
    """The statements of the workbook's source, or None and every problem found."""
    problems = _Problems()
    sources = tables.get(SOURCE_SHEET.name, [])
    if len(sources) != 1:
        count = "no row" if not sources else f"{len(sources)} rows"
        return None, [f"{place(SOURCE_SHEET.name)}: has {count}; describe exactly one source"]
    accepted = {s.name: _accepted(tables.get(s.name, []), problems) for s in DESCRIBED}
    others = {expand(row.text("onderwerp")) for row in tables.get(OTHER.name, [])}
    iris = _name_rows(accepted, lookup, problems, {o for o in others if o is not None})
    source = iris.get((SOURCE_SHEET.name, sources[0].number))
    if source is None:
        return None, list(problems)
    out = Imported(source)
    for spec in DESCRIBED:
        for row in accepted[spec.name]:
            iri = iris.get((spec.name, row.number))
            if iri is not None:
                out.rows.setdefault(spec.name, []).append(iri)
                _describe(out, spec, row, iri, lookup, problems)
    for row in tables.get(OTHER.name, []):
        _other(out, row, lookup, problems)
    return (None if problems else out), list(problems)


def _accepted(rows: list[Row], problems: _Problems) -> list[Row]:
    """The rows to import: a proposal of kg suggest needs a decision, and a rejected one is
    left out."""
    kept = []
    for row in rows:
        decision = row.text("besluit").strip().lower()
        if decision == "afwijzen":
            continue
        if decision not in ("", "overnemen"):
            problems.cell(row, "besluit", f"{shown(decision)}: write overnemen or afwijzen")
        elif not decision and row.text("zekerheid"):
            problems.cell(
                row, "naam", "a proposal of kg suggest: write overnemen or afwijzen in besluit"
            )
        kept.append(row)
    return kept


def _name_rows(
    accepted: dict[str, list[Row]], lookup: Lookup, problems: _Problems, others: set[str]
) -> dict[tuple[str, int], str]:
    """The IRI of every row, in two passes: the things rows name (source, programmes,
    organisations, publications, persons) first, then (once what Overig describes is known
    too) participations and findings, which point at them."""
    iris: dict[tuple[str, int], str] = {}
    for spec in DESCRIBED:
        if spec in DEPENDENT:
            continue
        seen: dict[str, int] = {}
        for row in accepted[spec.name]:
            iri = _named(spec, row, lookup, problems, seen)
            if iri is not None:
                iris[(spec.name, row.number)] = iri
                lookup.known.add(iri)
                if row.text("naam"):
                    for list_name in spec.joins_of(_classes_of(spec, row)):
                        lookup.add(list_name, row.text("naam"), iri)
    lookup.known.update(others)
    for spec in DESCRIBED:
        if spec in DEPENDENT:
            seen = {}
            for row in accepted[spec.name]:
                iri = _dependent(spec, row, lookup, problems, seen)
                if iri is not None:
                    iris[(spec.name, row.number)] = iri
    return iris


def _named(
    spec: Sheet, row: Row, lookup: Lookup, problems: _Problems, seen: dict[str, int]
) -> str | None:
    """A source, programme or organisation row's IRI: its id, a known thing of its name, or
    a new one minted from the name."""
    own = row.text("id")
    name = row.text("titel" if spec is SOURCE_SHEET else "naam")
    heading = "titel" if spec is SOURCE_SHEET else "naam"
    if own:
        iri = _own_id(spec, row, problems)
        return None if iri is None else _once(iri, row, "id", problems, seen)
    if not name:
        problems.cell(row, heading, "empty; every row needs a name")
        return None
    assert spec.kind is not None
    known = lookup.find(spec.joins[0], name) if spec.joins else set()
    if len(known) > 1:
        ids = ", ".join(sorted(curie(i) for i in known))
        problems.cell(row, heading, f"{shown(name)} names more than one thing ({ids}); give the id")
        return None
    kind = _minted_kind(spec, row)
    found = next(iter(known)) if known else None
    try:
        iri = found or f"{ID}{kind}/{slugify(name)}"
    except ValueError:
        problems.cell(row, heading, f"{shown(name)} has no letters or digits to name it by")
        return None
    if found is None and lookup.exists(iri):
        problems.cell(
            row,
            heading,
            f"{curie(iri)} is already {shown(lookup.display.get(iri, '?'))}; "
            "give this one another name, or its id to change that one",
        )
        return None
    return _once(iri, row, heading, problems, seen)


def _classes_of(spec: Sheet, row: Row) -> set[str]:
    """The classes a row's kind cells give (none for a sheet without them)."""
    column = spec.kind_column()
    if column is None or column.choices not in KIND_LISTS:
        return set()
    choices = KIND_LISTS[column.choices]
    return {choices[v][0] for h in column.headings() if (v := row.text(h).lower()) in choices}


def _minted_kind(spec: Sheet, row: Row) -> str:
    """The kind of IRI a new row gets: the sheet's, or the one its kind cell names
    (``intervention`` for an interventie, ``network`` for a lerend netwerk)."""
    column = spec.kind_column()
    assert spec.kind is not None
    if column is None or column.choices not in KIND_LISTS:
        return spec.kind
    chosen = KIND_LISTS[column.choices].get(row.text(column.heading).lower())
    return chosen[1] if chosen else spec.kind


def _own_id(spec: Sheet, row: Row, problems: _Problems) -> str | None:
    """The IRI a row's id names: one of kg's, of the sheet's kind (``programme:...`` or
    ``intervention:...`` on Programma's)."""
    own = row.text("id")
    iri = expand(own)
    for kind in sheet_kinds(spec):
        base = f"{ID}{kind}/"
        local = iri[len(base) :] if iri is not None and iri.startswith(base) else ""
        if local and "/" not in local:
            return iri
    wanted = " or ".join(f"{PREFIXES_OF[k]}:name" for k in sheet_kinds(spec))
    problems.cell(row, "id", f"{shown(own)} is not an id of this sheet (like {wanted})")
    return None


def _once(
    iri: str, row: Row, heading: str, problems: _Problems, seen: dict[str, int]
) -> str | None:
    if iri in seen:
        problems.cell(row, heading, f"the same {curie(iri)} as row {seen[iri]}; a row per thing")
        return None
    seen[iri] = row.number
    return iri


def _dependent(
    spec: Sheet, row: Row, lookup: Lookup, problems: _Problems, seen: dict[str, int]
) -> str | None:
    """A participation's IRI (``{programme}--{partner}``) or a finding's
    (``{programme}-{name}``), unless the row gives its id."""
    if row.text("id"):
        iri = _own_id(spec, row, problems)
        return None if iri is None else _once(iri, row, "id", problems, seen)
    ends = ["programma", "partner"] if spec is PARTICIPATIONS_SHEET else ["programma", "naam"]
    slugs = []
    for heading in ends:
        text = row.text(heading)
        column = spec.column(heading)
        if not text or column is None:
            problems.cell(row, heading, "empty; this column is needed")
            return None
        if column.value in (Value.REF, Value.OWNER):
            try:
                slugs.append(_slug_of(read_cell(column, text, lookup), lookup))
            except CellError as exc:
                problems.cell(row, heading, str(exc))
                return None
        else:
            try:
                slugs.append(slugify(text))
            except ValueError:
                problems.cell(row, heading, f"{shown(text)} has no letters or digits to name it by")
                return None
    assert spec.kind is not None
    joint = "--" if spec is PARTICIPATIONS_SHEET else "-"
    return _once(f"{ID}{spec.kind}/{joint.join(slugs)}", row, ends[-1], problems, seen)


def _slug_of(term: Node, lookup: Lookup) -> str:
    """The slug a thing lends to the IRIs of its parts: its own, or for a municipality
    ``gemeente-{name}``."""
    iri = str(term)
    if iri.startswith(PREFIXES["tooi"]):
        slug = slugify(lookup.display.get(iri, iri.rsplit("/", 1)[-1]))
        return slug if slug.startswith("gemeente-") else f"gemeente-{slug}"
    return iri.rsplit("/", 1)[-1]


def _describe(
    out: Imported, spec: Sheet, row: Row, iri: str, lookup: Lookup, problems: _Problems
) -> None:
    """The statements of one row."""
    new = not row.text("id")
    for column in spec.columns:
        if column.value in (Value.ID, Value.REVIEW):
            continue
        filled = [h for h in column.headings() if h in row.cells]
        if not filled and column.required and new:
            problems.cell(row, column.headings()[0], "empty; this column is required")
        for heading in filled:
            _fill(out, column, row, heading, iri, lookup, problems)
    by_kind = spec.kind_column()
    if by_kind is None or (new and not any(h in row.cells for h in by_kind.headings())):
        out.add(iri, RDF_TYPE, URIRef(spec.classes[0]), row)  # the sheet's, or the default
    if spec is not SOURCE_SHEET:
        out.add(iri, IDENTIFIER, Literal(iri.rsplit("/", 1)[-1]), row)
    if spec.derived:
        out.add(iri, DERIVED, URIRef(out.source), row)
    if new:
        _defaults(out, spec, row, iri, lookup)


def _fill(
    out: Imported,
    column: Column,
    row: Row,
    heading: str,
    iri: str,
    lookup: Lookup,
    problems: _Problems,
) -> None:
    cell = row.cells[heading]
    try:
        term = read_cell(column, cell.value, lookup)
    except CellError as exc:
        problems.cell(row, heading, str(exc))
        return
    assert column.predicate is not None
    if column.value is Value.OWNER:  # the programme points at its participation
        out.add(str(term), column.predicate, URIRef(iri), row, heading)
    else:
        out.add(iri, column.predicate, term, row, heading)


def _defaults(out: Imported, spec: Sheet, row: Row, iri: str, lookup: Lookup) -> None:
    """What a new row states without being told: a title (the name), a source's name (its
    title) and identifier (its slug, where it has no file name), a participation's name
    (``partner in programme``)."""
    name = row.text("naam")
    if spec is SOURCE_SHEET and not row.text("bestand"):
        out.add(iri, IDENTIFIER, Literal(iri.rsplit("/", 1)[-1]), row)
    if spec is SOURCE_SHEET and not name:
        out.add(iri, SKOS + "prefLabel", Literal(row.text("titel"), lang="nl"), row)
    elif spec.column("titel") and spec is not SOURCE_SHEET and name and not row.text("titel"):
        out.add(iri, PREFIXES["dct"] + "title", Literal(name, lang="nl"), row)
    if spec is PARTICIPATIONS_SHEET and not name:
        names = []
        for heading in ("partner", "programma"):
            column = spec.column(heading)
            assert column is not None
            try:
                term = read_cell(column, row.text(heading), lookup)
            except CellError:
                return
            names.append(lookup.display.get(str(term), row.text(heading)))
        label = f"{names[0]} in {names[1]}"
        out.add(iri, SKOS + "prefLabel", Literal(label, lang="nl"), row)


def _other(out: Imported, row: Row, lookup: Lookup, problems: _Problems) -> None:
    """One statement of the sheet Overig."""
    subject = expand(row.text("onderwerp"))
    predicate = expand(row.text("eigenschap"))
    for heading, found in (("onderwerp", subject), ("eigenschap", predicate)):
        if found is None:
            problems.cell(row, heading, f"{shown(row.text(heading))} is not an id (prefix:name)")
    cell = row.cells.get("waarde")
    if cell is None:
        problems.cell(row, "waarde", "empty; a statement needs a value")
        return
    if subject is None or predicate is None:
        return
    value = cell.value.isoformat() if isinstance(cell.value, datetime.date) else cell.value
    lang, datatype = row.text("taal"), row.text("datatype")
    term: Node
    if lang:
        if not _LANGUAGE.fullmatch(lang):
            problems.cell(row, "taal", f"{shown(lang)} is not a language tag (nl, en, ...)")
            return
        term = Literal(value, lang=lang)
    elif datatype:
        iri = expand(datatype)
        if iri is None:
            problems.cell(row, "datatype", f"{shown(datatype)} is not a datatype (xsd:date, ...)")
            return
        with quiet_rdflib():  # an ill-typed value is the finding here, not log noise
            term = Literal(value, datatype=URIRef(iri))
        if term.ill_typed:
            problems.cell(row, "waarde", f"{shown(value)} is not a value of {datatype}")
            return
    else:
        iri = expand(value)
        if iri is None:
            problems.cell(
                row, "waarde", f"{shown(value)} is not an id; for text fill taal or datatype"
            )
            return
        term = URIRef(iri)
    out.add(subject, predicate, term, row, "waarde")
