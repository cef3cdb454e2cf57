"""The building blocks of the curator's workbook: what a cell holds (:class:`Value`), a
column, a sheet, and the kinds of thing a row may be. The sheets themselves are the table in
:mod:`kg.curate.sheets`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kg.namespaces import KG, STANDARD_PREFIXES

DCT = STANDARD_PREFIXES["dct"]
SKOS = STANDARD_PREFIXES["skos"]
CV = STANDARD_PREFIXES["cv"]
ORG = STANDARD_PREFIXES["org"]
PROV = STANDARD_PREFIXES["prov"]
SCHEMA = STANDARD_PREFIXES["schema"]
FOAF = STANDARD_PREFIXES["foaf"]
PREFIXES_CPSV = STANDARD_PREFIXES["cpsv"]
RDF_TYPE = STANDARD_PREFIXES["rdf"] + "type"
DERIVED = PROV + "wasDerivedFrom"
IDENTIFIER = DCT + "identifier"


class Value(Enum):
    """What a cell holds and how it becomes an RDF term."""

    ID = "id"  # the resource's own IRI, as a CURIE (filled by an export, empty for new rows)
    NL = "nl"  # text in Dutch: a literal tagged @nl
    EN = "en"  # text in English: a literal tagged @en
    PLAIN = "plain"  # a plain literal (a file name)
    DATE = "date"  # JJJJ-MM-DD, JJJJ-MM or JJJJ: xsd:date, xsd:gYearMonth or xsd:gYear
    YES = "yes"  # "ja": true
    WEB = "web"  # a web address: an IRI
    REF = "ref"  # a known thing, by name (from the column's list) or CURIE
    AREA = "area"  # a municipality by name: the IRI of its area (area:gm0166)
    KIND = "kind"  # the row's kind (programma, project, pilot, interventie): its class
    OWNER = "owner"  # the programme a participation belongs to (programme cv:hasParticipation it)
    REVIEW = "review"  # a suggestion's review columns: read by people, not imported


@dataclass(frozen=True)
class Column:
    """A column: its Dutch heading, the help under it, whether a new row needs it, the list
    its values come from (a key of :func:`kg.curate.workbook.known_lists`), the property it
    fills and how many cells it has."""

    heading: str
    help: str
    required: bool = False
    choices: str | None = None
    predicate: str | None = None
    value: Value = Value.NL
    slots: int = 1

    def headings(self) -> list[str]:
        """The headings of its cells: ``gemeente 1`` ... ``gemeente 6``, or the heading."""
        if self.slots == 1:
            return [self.heading]
        return [f"{self.heading} {i}" for i in range(1, self.slots + 1)]


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook. A described sheet (``kind`` set) has one resource per row, of
    ``classes`` (the first is the default), minted as ``{kind}:{slug}``, or as the kind its
    :data:`Value.KIND` column gives (``intervention:`` for an interventie); ``derived`` says
    whether its resources carry ``prov:wasDerivedFrom`` the source."""

    name: str
    columns: tuple[Column, ...]
    kind: str | None = None
    classes: tuple[str, ...] = ()
    derived: bool = True
    joins: tuple[str, ...] = ()  # the lists a row's name joins (new things are picked there)

    def kinds(self) -> tuple[str, ...]:
        """The kinds of IRI its rows have: its own, and those its kind column gives."""
        column = self.kind_column()
        found = [self.kind] if self.kind else []
        if column is not None and column.choices in KIND_LISTS:
            found += [k for _, k in KIND_LISTS[column.choices].values()]
        return tuple(dict.fromkeys(found))

    def joins_of(self, classes: set[str]) -> tuple[str, ...]:
        """The lists a row's name joins, given its classes: the sheet's, and for an
        intervention also the list of interventions."""
        extra = ("interventies",) if KG + "Intervention" in classes else ()
        return self.joins + extra

    def kind_column(self) -> Column | None:
        """The column that gives a row's class (Programma's soort, Organisaties klasse)."""
        return next((c for c in self.columns if c.value is Value.KIND), None)

    def headings(self) -> list[str]:
        return [h for c in self.columns for h in c.headings()]

    def column(self, heading: str) -> Column | None:
        """The column a heading belongs to (``gemeente 3`` belongs to ``gemeente``)."""
        for c in self.columns:
            if heading in c.headings():
                return c
        return None


ID_COLUMN = Column(
    "id",
    "Laat leeg voor iets nieuws; kg vult het bij een export (niet wijzigen).",
    value=Value.ID,
)
REVIEW_COLUMNS = (
    Column(
        "besluit",
        "Bij een voorstel van kg suggest: overnemen of afwijzen.",
        False,
        "besluit",
        value=Value.REVIEW,
    ),
    Column("zekerheid", "Hoe zeker kg suggest is (0 tot 1).", value=Value.REVIEW),
    Column("gevonden in", "De zin waarin kg suggest het vond.", value=Value.REVIEW),
)


def name_columns(title: bool = True) -> tuple[Column, ...]:
    """The naming columns every described sheet opens with."""
    columns = [
        ID_COLUMN,
        Column("naam", "De naam zoals de bron hem noemt.", True, None, SKOS + "prefLabel"),
        Column(
            "naam Engels",
            "De Engelse naam, als die eerlijk te vertalen is.",
            False,
            None,
            SKOS + "prefLabel",
            Value.EN,
        ),
    ]
    if title:
        columns.append(
            Column(
                "titel",
                "De volledige titel (leeg in een nieuwe rij: de naam).",
                False,
                None,
                DCT + "title",
            )
        )
    return tuple(columns)


def text_columns(help_nl: str, required: bool = True) -> tuple[Column, ...]:
    return (
        Column("beschrijving", help_nl, required, None, DCT + "description"),
        Column(
            "beschrijving Engels",
            "Dezelfde beschrijving in het Engels (mag leeg).",
            False,
            None,
            DCT + "description",
            Value.EN,
        ),
    )


PROGRAMME_CLASSES = {
    "programma": KG + "Programme",
    "project": KG + "Project",
    "pilot": KG + "Pilot",
    "interventie": KG + "Intervention",
}
#: The lists of a kind column: each name, its class and the kind of IRI it mints.
KIND_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    "programmasoort": {
        name: (cls, "intervention" if name == "interventie" else "programme")
        for name, cls in PROGRAMME_CLASSES.items()
    },
    "organisatieklasse": {
        "organisatie": (ORG + "Organization", "organisation"),
        "ministerie": (KG + "Ministry", "organisation"),
        "samenwerkingsverband": (ORG + "OrganizationalCollaboration", "network"),
        "lerend netwerk": (KG + "LearningNetwork", "network"),
        "kenniskring": (KG + "KnowledgeCircle", "network"),
    },
}
#: The prefix of each kind of IRI a sheet mints (org-id: for organisation).
PREFIXES_OF = {
    "source": "source",
    "programme": "programme",
    "intervention": "intervention",
    "organisation": "org-id",
    "network": "network",
    "participation": "participation",
    "finding": "finding",
    "publication": "publication",
    "person": "person",
}


def sheet_kinds(spec: Sheet) -> tuple[str, ...]:
    """The kinds of IRI a sheet's rows have (see :meth:`Sheet.kinds`)."""
    return spec.kinds()
