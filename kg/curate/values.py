"""One cell, one RDF term: how each :class:`~kg.curate.sheets.Value` kind is read from a cell
and written back into one. Both directions live here so that an export reads back as the
same term."""

from __future__ import annotations

import datetime
import re

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from kg.curate.lookup import Lookup
from kg.curate.sheets import KIND_LISTS, Column, Value
from kg.errors import shown
from kg.namespaces import PREFIXES, curie

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")
_DUTCH_DATE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_CURIE = re.compile(r"([a-z][a-z0-9-]*):([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_WEB = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f-\x9f]+")


class CellError(ValueError):
    """A cell whose value is not what its column takes (the message says why)."""


def date_term(value: str | datetime.date) -> Literal:
    """A date as the source gives it: a day, a month or a year."""
    if isinstance(value, datetime.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    typed = text = value.strip()
    dutch = _DUTCH_DATE.fullmatch(text)
    if dutch:
        text = f"{dutch[3]}-{int(dutch[2]):02d}-{int(dutch[1]):02d}"
    match = _DATE.fullmatch(text)
    if not match:
        raise CellError(f"{shown(typed)} is not a date; write JJJJ-MM-DD, JJJJ-MM or JJJJ")
    year, month, day = match.groups()
    if int(year) < 1000:
        raise CellError(f"{shown(typed)}: a year of four digits, 1000 or later")
    try:
        if day is not None:
            found = datetime.date(int(year), int(month), int(day))
            return Literal(found.isoformat(), datatype=XSD.date)
        if month is not None:
            datetime.date(int(year), int(month), 1)
            return Literal(f"{year}-{int(month):02d}", datatype=XSD.gYearMonth)
    except ValueError:
        raise CellError(f"{shown(typed)} is a date that does not exist") from None
    return Literal(year, datatype=XSD.gYear)


def expand(text: str) -> str | None:
    """The IRI an id names (``org-id:movisie``, ``<https://...>`` or ``https://...``), or None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if _WEB.fullmatch(text):
        return text
    match = _CURIE.fullmatch(text)
    if match and match[1] in PREFIXES:
        return PREFIXES[match[1]] + match[2]
    return None


def area_of(municipality: str) -> str:
    """The area of a municipality (``tooi:gm0166`` -> ``area:gm0166``)."""
    return PREFIXES["area"] + municipality.rsplit("/", 1)[-1]


def read_cell(column: Column, value: str | datetime.date, lookup: Lookup) -> Node:
    """The term a cell of ``column`` holding ``value`` stands for."""
    kind = column.value
    if isinstance(value, datetime.date) and kind is not Value.DATE:
        value = value.isoformat()
    if kind is Value.DATE:
        return date_term(value)
    text = str(value).strip()
    if kind in (Value.NL, Value.EN):
        return Literal(text, lang=kind.value)
    if kind is Value.PLAIN:
        return Literal(text)
    if kind is Value.YES:
        if text.lower() != "ja":
            raise CellError(f"{shown(text)}: write ja, or leave the cell empty")
        return Literal(True)
    if kind is Value.WEB:
        if not _WEB.fullmatch(text):
            raise CellError(f"{shown(text)} is not a web address (https://...)")
        return URIRef(text)
    if kind is Value.KIND:
        choices = KIND_LISTS[column.choices or ""]
        found = choices.get(text.lower())
        if found is None:
            raise CellError(f"{shown(text)}: choose {', '.join(choices)}")
        return URIRef(found[0])
    return URIRef(reference(column, text, lookup))


def reference(column: Column, text: str, lookup: Lookup) -> str:
    """The IRI a name or id in a cell of ``column`` means, or a :class:`CellError` that says
    what kg knows instead."""
    list_name = column.choices or ""
    iri = expand(text)
    if iri is not None:
        members = lookup.members.get("gemeenten" if column.value is Value.AREA else list_name)
        if members is not None:  # an id must be of the column's kind, like a name
            if column.value is Value.AREA:
                if iri in members:  # tooi:gm0166 for the area area:gm0166
                    return area_of(iri)
                if iri in {area_of(m) for m in members}:
                    return iri
            elif iri in members:
                return iri
            what = LIST_WORDS.get(list_name, "a thing of this column")
            known = lookup.exists(iri)
            raise CellError(
                f"{shown(text)} is not {what}"
                if known
                else f"{shown(text)}: kg knows nothing with this id"
            )
        if lookup.exists(iri):
            return iri
        raise CellError(f"{shown(text)}: kg knows nothing with this id")
    if column.value is Value.AREA:
        found = lookup.find("gemeenten", text)
        if len(found) == 1:
            return area_of(found.pop())
    else:
        found = lookup.find(list_name, text)
        if len(found) == 1:
            return found.pop()
    if len(found) > 1:
        ids = ", ".join(sorted(curie(i) for i in found))
        raise CellError(f"{shown(text)} names more than one thing ({ids}); give the id")
    what = LIST_WORDS.get(list_name, "a thing on this column's list")
    near = lookup.closest("gemeenten" if column.value is Value.AREA else list_name, text)
    hint = f" (did you mean {near}?)" if near else ""
    return _fail(f"{shown(text)} is not {what} kg knows{hint}")


def _fail(message: str) -> str:
    raise CellError(message)


#: What a list holds, for "X is not ... kg knows".
LIST_WORDS = {
    "gemeenten": "a municipality",
    "organisaties": "an organisation",
    "partners": "an organisation or municipality",
    "programmas": "a programme",
    "interventies": "an intervention",
    "wetten": "a law",
    "akkoorden": "an accord",
    "regelingen": "a funding scheme",
    "doelgroep": "a target group (doelgroep)",
    "thema": "a theme (thema)",
    "domein": "a domain (domein)",
    "rol": "a role (rol)",
    "organisatiesoort": "a kind of organisation (organisatiesoort)",
    "bevindingsoort": "a kind of finding (bevindingsoort)",
    "bronsoort": "a kind of source (bronsoort)",
}


def write_cell(column: Column, term: Node, lookup: Lookup) -> str | None:
    """What a cell of ``column`` shows for ``term``, or None if the column cannot hold it
    exactly (the statement then goes to the sheet Overig)."""
    kind = column.value
    if isinstance(term, Literal):
        if kind in (Value.NL, Value.EN):
            return str(term) if term.language == kind.value else None
        if kind is Value.PLAIN:
            return str(term) if term.datatype in (None, XSD.string) and not term.language else None
        if kind is Value.DATE:
            ok = term.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)
            return str(term) if ok and _reads_back(str(term), term) else None
        if kind is Value.YES:
            return "ja" if term.datatype == XSD.boolean and term.toPython() is True else None
        return None
    if not isinstance(term, URIRef):
        return None
    iri = str(term)
    if kind is Value.WEB:
        return iri if _WEB.fullmatch(iri) else None
    if kind is Value.KIND:
        names = {cls: name for name, (cls, _) in KIND_LISTS[column.choices or ""].items()}
        return names.get(iri)
    if kind is Value.AREA:
        municipalities = [m for m in lookup.members.get("gemeenten", ()) if area_of(m) == iri]
        return lookup.name("gemeenten", municipalities[0]) if len(municipalities) == 1 else None
    if kind is Value.REF or kind is Value.OWNER:
        members = lookup.members.get(column.choices or "")
        if members is not None and iri not in members:
            return None  # not of the column's kind: the statement goes to Overig
        shown_as = lookup.name(column.choices, iri)
        return shown_as if expand(shown_as) is None or expand(shown_as) == iri else None
    return None


def _reads_back(text: str, term: Literal) -> bool:
    """Whether a date cell holding ``text`` reads as ``term`` again."""
    try:
        return date_term(text) == term
    except CellError:
        return False
