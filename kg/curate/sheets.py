"""The shape of the curator's workbook: its sheets, their columns, and what each column means
in the graph.

One table says it all, for the three things that read or write a workbook: the template
(:mod:`kg.curate.workbook`), the import (:mod:`kg.curate.importer`) and the export of an
existing source (:mod:`kg.curate.exporter`). A row of a described sheet is one resource; a
column is one property of it, whose values are of one :class:`Value` kind. A column with
``slots`` > 1 is repeated (``gemeente 1`` ... ``gemeente 6``), one value per cell, so that every
cell can have a drop-down list.
"""

from __future__ import annotations

from kg.curate.columns import (
    CV as CV,
)
from kg.curate.columns import (
    DCT as DCT,
)
from kg.curate.columns import (
    DERIVED as DERIVED,
)
from kg.curate.columns import (
    FOAF as FOAF,
)
from kg.curate.columns import (
    ID_COLUMN as ID_COLUMN,
)
from kg.curate.columns import (
    IDENTIFIER as IDENTIFIER,
)
from kg.curate.columns import (
    KIND_LISTS as KIND_LISTS,
)
from kg.curate.columns import (
    ORG as ORG,
)
from kg.curate.columns import (
    PREFIXES_CPSV as PREFIXES_CPSV,
)
from kg.curate.columns import (
    PREFIXES_OF as PREFIXES_OF,
)
from kg.curate.columns import (
    PROGRAMME_CLASSES as PROGRAMME_CLASSES,
)
from kg.curate.columns import (
    PROV as PROV,
)
from kg.curate.columns import (
    RDF_TYPE as RDF_TYPE,
)
from kg.curate.columns import (
    REVIEW_COLUMNS as REVIEW_COLUMNS,
)
from kg.curate.columns import (
    SCHEMA as SCHEMA,
)
from kg.curate.columns import (
    SKOS as SKOS,
)
from kg.curate.columns import (
    Column as Column,
)
from kg.curate.columns import (
    Sheet as Sheet,
)
from kg.curate.columns import (
    Value as Value,
)
from kg.curate.columns import (
    name_columns,
    text_columns,
)
from kg.curate.columns import (
    sheet_kinds as sheet_kinds,
)
from kg.namespaces import KG

SOURCE_SHEET = Sheet(
    "Bron",
    (
        ID_COLUMN,
        Column("titel", "De titel van het document of de webpagina.", True, None, DCT + "title"),
        Column(
            "naam",
            "Een korte naam (leeg in een nieuwe rij: de titel).",
            False,
            None,
            SKOS + "prefLabel",
        ),
        Column(
            "naam Engels", "De Engelse naam (mag leeg).", False, None, SKOS + "prefLabel", Value.EN
        ),
        *text_columns("Wat het document is, in eigen woorden."),
        Column(
            "uitgever",
            "Wie het uitgeeft (kies uit de lijst; leeg als de bron het niet zegt).",
            False,
            "organisaties",
            DCT + "publisher",
            Value.REF,
        ),
        Column(
            "datum",
            "Datum van uitgave: JJJJ-MM-DD, JJJJ-MM of JJJJ.",
            False,
            None,
            DCT + "issued",
            Value.DATE,
        ),
        Column(
            "url",
            "Het webadres, als het document online staat.",
            False,
            None,
            FOAF + "page",
            Value.WEB,
        ),
        Column(
            "bestand",
            "De bestandsnaam (leeg in een nieuwe rij: de id van de bron).",
            False,
            None,
            IDENTIFIER,
            Value.PLAIN,
        ),
        Column(
            "soort bron",
            "Wat voor document het is.",
            True,
            "bronsoort",
            DCT + "type",
            Value.REF,
            2,
        ),
    ),
    "source",
    (KG + "Source",),
    derived=False,
)
PROGRAMMES_SHEET = Sheet(
    "Programma's",
    (
        *name_columns(),
        Column(
            "soort",
            "Programma, project, pilot of interventie.",
            True,
            "programmasoort",
            RDF_TYPE,
            Value.KIND,
        ),
        *text_columns("Twee of drie zinnen in eigen woorden (niet overschrijven)."),
        Column(
            "andere naam",
            "Een andere naam of afkorting die de bron gebruikt.",
            False,
            None,
            SKOS + "altLabel",
            Value.NL,
            2,
        ),
        Column(
            "gemeente",
            "Een gemeente waar het loopt.",
            False,
            "gemeenten",
            DCT + "spatial",
            Value.AREA,
            6,
        ),
        Column("doelgroep", "Voor wie het is.", False, "doelgroep", DCT + "audience", Value.REF, 4),
        Column("thema", "Waar het over gaat.", False, "thema", CV + "thematicArea", Value.REF, 4),
        Column("domein", "Het beleidsdomein.", False, "domein", CV + "sector", Value.REF, 3),
        Column(
            "startdatum",
            "JJJJ-MM-DD, JJJJ-MM of JJJJ, zoals de bron het zegt.",
            False,
            None,
            SCHEMA + "startDate",
            Value.DATE,
        ),
        Column(
            "einddatum",
            "JJJJ-MM-DD, JJJJ-MM of JJJJ, zoals de bron het zegt.",
            False,
            None,
            SCHEMA + "endDate",
            Value.DATE,
        ),
        Column(
            "afgelopen",
            "ja: de bron zegt dat het voorbij is, zonder datum.",
            False,
            "ja",
            KG + "statedEnded",
            Value.YES,
        ),
        Column(
            "interventie",
            "Een werkwijze die het toepast.",
            False,
            "interventies",
            KG + "appliesIntervention",
            Value.REF,
            4,
        ),
        Column(
            "wettelijke basis",
            "Een wet waarop het steunt (alleen als de bron dat zegt).",
            False,
            "wetten",
            CV + "hasLegalResource",
            Value.REF,
            2,
        ),
        Column(
            "akkoord",
            "Het akkoord waaronder het valt.",
            False,
            "akkoorden",
            KG + "underAccord",
            Value.REF,
        ),
        Column(
            "financiering",
            "De regeling waaruit het betaald wordt.",
            False,
            "regelingen",
            KG + "fundedBy",
            Value.REF,
        ),
        Column(
            "verantwoordelijke",
            "De organisatie die ervoor verantwoordelijk is.",
            False,
            "partners",
            KG + "responsibleOrganisation",
            Value.REF,
        ),
        Column(
            "bevoegde overheid",
            "De overheid die erover beslist (alleen als de bron dat zegt).",
            False,
            "partners",
            CV + "hasCompetentAuthority",
            Value.REF,
        ),
        Column(
            "bijdrager",
            "Iemand of een organisatie die eraan bijdraagt (niet als partner).",
            False,
            "bijdragers",
            DCT + "contributor",
            Value.REF,
            2,
        ),
        Column(
            "bestaat uit",
            "Een deelprogramma of pilot.",
            False,
            "programmas",
            DCT + "hasPart",
            Value.REF,
            3,
        ),
        Column(
            "levert op",
            "Een publicatie of product dat het oplevert.",
            False,
            "publicaties",
            PREFIXES_CPSV + "produces",
            Value.REF,
            5,
        ),
        Column(
            "verwant aan",
            "Iets waar het mee samenhangt.",
            False,
            "onderwerpen",
            DCT + "relation",
            Value.REF,
            3,
        ),
        *REVIEW_COLUMNS,
    ),
    "programme",
    tuple(PROGRAMME_CLASSES.values()),
    joins=("programmas", "onderwerpen"),
)
PUBLICATIONS_SHEET = Sheet(
    "Publicaties",
    (
        *name_columns(),
        *text_columns("Waar de publicatie over gaat, in eigen woorden."),
        Column("uitgever", "Wie haar uitgaf.", False, "partners", DCT + "publisher", Value.REF),
        Column("datum", "JJJJ-MM-DD, JJJJ-MM of JJJJ.", False, None, DCT + "issued", Value.DATE),
        Column("url", "Het webadres.", False, None, FOAF + "page", Value.WEB),
        Column("auteur", "Wie haar schreef.", False, "bijdragers", DCT + "creator", Value.REF, 2),
        Column(
            "bijdrager",
            "Wie eraan bijdroeg (geïnterviewd, ...).",
            False,
            "bijdragers",
            DCT + "contributor",
            Value.REF,
            2,
        ),
        Column(
            "over",
            "Een programma, akkoord, wet of regeling waar ze over gaat.",
            False,
            "onderwerpen",
            DCT + "subject",
            Value.REF,
            6,
        ),
        Column("doelgroep", "Voor wie ze is.", False, "doelgroep", DCT + "audience", Value.REF, 2),
        Column(
            "verwant aan",
            "Iets waar ze mee samenhangt.",
            False,
            "onderwerpen",
            DCT + "relation",
            Value.REF,
            3,
        ),
    ),
    "publication",
    (KG + "Publication",),
    joins=("publicaties",),
)
PERSONS_SHEET = Sheet(
    "Personen",
    (
        *name_columns(),
        Column(
            "functie",
            "De functie die de bron noemt (geen contactgegevens).",
            False,
            None,
            SCHEMA + "jobTitle",
        ),
        Column(
            "organisatie",
            "Waar de persoon werkt.",
            False,
            "partners",
            ORG + "memberOf",
            Value.REF,
            2,
        ),
        *text_columns("Wat de bron over de persoon in die rol zegt.", required=False),
    ),
    "person",
    (FOAF + "Person",),
    joins=("bijdragers",),
)
ORGANISATIONS_SHEET = Sheet(
    "Organisaties",
    (
        *name_columns(),
        Column(
            "klasse",
            "Organisatie (leeg in een nieuwe rij), ministerie, samenwerkingsverband, lerend "
            "netwerk of kenniskring.",
            False,
            "organisatieklasse",
            RDF_TYPE,
            Value.KIND,
        ),
        Column(
            "soort organisatie",
            "Wat voor organisatie.",
            True,
            "organisatiesoort",
            ORG + "classification",
            Value.REF,
        ),
        *text_columns("Wat de organisatie doet, in eigen woorden."),
        Column(
            "andere naam",
            "Een andere naam of afkorting.",
            False,
            None,
            SKOS + "altLabel",
            Value.NL,
            2,
        ),
        Column(
            "domein",
            "Het domein waarin ze werkt.",
            False,
            "domein",
            KG + "activeInDomain",
            Value.REF,
            3,
        ),
        Column(
            "website", "Het webadres van de organisatie.", False, None, FOAF + "page", Value.WEB
        ),
        *REVIEW_COLUMNS,
    ),
    "organisation",
    tuple(cls for cls, _ in KIND_LISTS["organisatieklasse"].values()),
    joins=("organisaties", "partners", "bijdragers"),
)
PARTICIPATIONS_SHEET = Sheet(
    "Deelnames",
    (
        ID_COLUMN,
        Column(
            "programma",
            "Een programma van het tabblad Programma's, of een bekend.",
            True,
            "programmas",
            CV + "hasParticipation",
            Value.OWNER,
        ),
        Column(
            "partner",
            "Een organisatie of gemeente (kies, of van tabblad Organisaties).",
            True,
            "partners",
            CV + "hasParticipant",
            Value.REF,
        ),
        Column("rol", "Wat de partner doet.", True, "rol", CV + "role", Value.REF, 2),
        Column(
            "naam",
            "Leeg in een nieuwe rij: '<partner> in <programma>'.",
            False,
            None,
            SKOS + "prefLabel",
        ),
        Column("naam Engels", "Mag leeg.", False, None, SKOS + "prefLabel", Value.EN),
        *text_columns("Wat de partner hier doet, in eigen woorden."),
    ),
    "participation",
    (CV + "Participation",),
    derived=False,
)
FINDINGS_SHEET = Sheet(
    "Bevindingen",
    (
        ID_COLUMN,
        Column(
            "programma",
            "Het programma of de interventie waar de bevinding over gaat.",
            True,
            "programmas",
            DCT + "subject",
            Value.REF,
        ),
        Column("naam", "Een korte kop voor de bevinding.", True, None, SKOS + "prefLabel"),
        Column("naam Engels", "Mag leeg.", False, None, SKOS + "prefLabel", Value.EN),
        Column(
            "bevinding", "Wat de bron vaststelt, in eigen woorden.", True, None, DCT + "description"
        ),
        Column("bevinding Engels", "Mag leeg.", False, None, DCT + "description", Value.EN),
        Column("soort", "Wat voor bevinding.", True, "bevindingsoort", DCT + "type", Value.REF),
    ),
    "finding",
    (KG + "Finding",),
)
#: The described sheets, in the order of the workbook (and of the TriG file kg import writes).
DESCRIBED = (
    SOURCE_SHEET,
    PROGRAMMES_SHEET,
    ORGANISATIONS_SHEET,
    PARTICIPATIONS_SHEET,
    FINDINGS_SHEET,
    PUBLICATIONS_SHEET,
    PERSONS_SHEET,
)

#: What a source states that no described sheet holds, one statement per row.
OTHER = Sheet(
    "Overig",
    (
        Column("onderwerp", "Waarover: een id zoals programme:voorbeeld.", True),
        Column("eigenschap", "De eigenschap, zoals dct:relation.", True),
        Column("waarde", "Een id, of tekst als taal of datatype gevuld is.", True),
        Column("taal", "nl of en voor tekst in een taal."),
        Column("datatype", "Voor andere tekst: xsd:string, xsd:date, ..."),
    ),
)
#: Things the graph knows that a document names (written by kg suggest, to pick from; kg
#: import skips it, so it has no column to decide in).
MENTIONED = Sheet(
    "Genoemd",
    (
        Column("soort", "Wat het is."),
        Column("naam", "De naam die de graaf kent: kies hem in de keuzelijsten."),
        Column("id", "Het id in de graaf."),
        *REVIEW_COLUMNS[1:],
    ),
)
SHEETS: tuple[Sheet, ...] = (*DESCRIBED, OTHER, MENTIONED)
#: The hidden sheet holding every drop-down list.
LISTS_SHEET = "Lijsten"
BY_NAME = {s.name: s for s in SHEETS}
