"""The curator's workbook (K16): one new source in a spreadsheet, for people who know the
programmes but do not write RDF.

:func:`template` writes an XLSX workbook (openpyxl) with a sheet for the source, its
programmes, organisations, participations and findings. Columns are in Dutch, with a help row
under each heading; every column that takes a known thing (a municipality, an organisation, a
law, an accord, a scheme, a target group, a theme, a domain, a role, a kind of organisation,
a kind of finding) has a drop-down list of the names the graph knows, read from the build, so
a curator picks rather than types. The lists live on a hidden sheet, ``Lijsten``.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.store import Store

SKOS = "http://www.w3.org/2004/02/skos/core#"
KG = "https://w3id.org/kg-sociaal/def#"
CONCEPT = "https://w3id.org/kg-sociaal/id/concept/"
#: The hidden sheet holding every drop-down list, one list per column.
LISTS = "Lijsten"
#: Rows a curator fills (drop-downs and checks reach this far).
ROWS = 500


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its Dutch heading, the help under it, whether a row needs it,
    and the list its values come from (a key of the lists :func:`known_lists` reads)."""

    heading: str
    help: str
    required: bool = False
    choices: str | None = None


#: The sheets of the workbook and their columns, in order.
SHEETS: dict[str, tuple[Column, ...]] = {
    "Bron": (
        Column("titel", "De titel van het document of de webpagina.", True),
        Column("uitgever", "Wie het uitgeeft (kies of typ een nieuwe naam).", True, "organisaties"),
        Column("datum", "Datum van uitgave: JJJJ-MM-DD, JJJJ-MM of JJJJ.", True),
        Column("url", "Het webadres, als het document online staat."),
        Column("bestand", "Of de bestandsnaam, als het niet online staat."),
        Column("soort bron", "Wat voor document het is.", False, "bronsoort"),
    ),
    "Programma's": (
        Column("naam", "De naam zoals de bron hem noemt.", True),
        Column("soort", "Programma, project, pilot of interventie.", True, "programmasoort"),
        Column("beschrijving", "Twee of drie zinnen in eigen woorden (niet overschrijven).", True),
        *(
            Column(f"gemeente {i}", "Een gemeente waar het loopt.", False, "gemeenten")
            for i in (1, 2, 3, 4, 5)
        ),
        *(Column(f"doelgroep {i}", "Voor wie het is.", False, "doelgroep") for i in (1, 2, 3)),
        *(Column(f"thema {i}", "Waar het over gaat.", False, "thema") for i in (1, 2, 3)),
        *(Column(f"domein {i}", "Het beleidsdomein.", False, "domein") for i in (1, 2)),
        Column("startdatum", "JJJJ-MM-DD, JJJJ-MM of JJJJ, zoals de bron het zegt."),
        Column("einddatum", "JJJJ-MM-DD, JJJJ-MM of JJJJ, zoals de bron het zegt."),
        Column("interventie", "Een werkwijze die het toepast (naam).", False, "interventies"),
        Column("wettelijke basis", "De wet waarop het steunt.", False, "wetten"),
        Column("akkoord", "Het akkoord waaronder het valt.", False, "akkoorden"),
        Column("financiering", "De regeling waaruit het betaald wordt.", False, "regelingen"),
    ),
    "Organisaties": (
        Column("naam", "De naam van een organisatie die de graaf nog niet kent.", True),
        Column("soort organisatie", "Wat voor organisatie.", True, "organisatiesoort"),
        Column("website", "Het webadres van de organisatie."),
        Column("gemeente", "Waar ze zit, als ze lokaal is.", False, "gemeenten"),
    ),
    "Deelnames": (
        Column("programma", "Een programma van het tabblad Programma's, of een bekend.", True),
        Column(
            "partner",
            "Een organisatie of gemeente (kies of van tabblad Organisaties).",
            True,
            "partners",
        ),
        Column("rol", "Wat de partner doet.", True, "rol"),
    ),
    "Bevindingen": (
        Column("programma", "Het programma waar de bevinding over gaat.", True),
        Column("bevinding", "Wat de bron vaststelt, in eigen woorden.", True),
        Column("soort", "Wat voor bevinding.", True, "bevindingsoort"),
    ),
}

#: Concept schemes the lists take their labels from.
SCHEMES = ("bronsoort", "doelgroep", "thema", "domein", "rol", "organisatiesoort", "bevindingsoort")
#: The kinds a row of Programma's may be.
PROGRAMME_KINDS = ("programma", "project", "pilot", "interventie")


def known_lists(store: Store) -> dict[str, list[str]]:
    """Every drop-down list, read from ``store``: Dutch names, sorted, each once."""

    def labels(where: str) -> list[str]:
        rows = store.select_values(
            f"SELECT DISTINCT ?l WHERE {{ {where} ?r <{SKOS}prefLabel> ?l . "
            'FILTER(LANG(?l) = "nl") }'
        )
        return sorted({str(label) for (label,) in rows if label}, key=str.casefold)

    found = {scheme: labels(f"?r <{SKOS}inScheme> <{CONCEPT}{scheme}> .") for scheme in SCHEMES}
    found["gemeenten"] = labels(f"?r a <{KG}Municipality> .")
    organisation = "<http://www.w3.org/ns/org#Organization>"
    found["organisaties"] = labels(
        f"?r a {organisation} . FILTER NOT EXISTS {{ ?r a <{KG}Municipality> }}"
    )
    found["partners"] = sorted(
        set(found["organisaties"]) | set(found["gemeenten"]), key=str.casefold
    )
    found["wetten"] = labels(f"?r a <{KG}Law> .")
    found["akkoorden"] = labels(f"?r a <{KG}Accord> .")
    found["regelingen"] = labels(f"?r a <{KG}FundingScheme> .")
    found["interventies"] = labels(f"?r a <{KG}Intervention> .")
    found["programmasoort"] = list(PROGRAMME_KINDS)
    return found


def template(store: Store) -> bytes:
    """The workbook for one new source, with the lists of ``store``, as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = known_lists(store)
    book = Workbook()
    book.remove(book.active)
    hidden = book.create_sheet(LISTS)
    places: dict[str, str] = {}
    for number, (name, values) in enumerate(sorted(lists.items()), start=1):
        letter = get_column_letter(number)
        hidden.cell(row=1, column=number, value=name)
        for row, value in enumerate(values, start=2):
            hidden.cell(row=row, column=number, value=value)
        end = max(2, len(values) + 1)
        places[name] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${end}"
    hidden.sheet_state = "hidden"
    bold = Font(bold=True)
    help_style = Font(italic=True, color="555555")
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for sheet_name, columns in SHEETS.items():
        sheet = book.create_sheet(sheet_name)
        for number, column in enumerate(columns, start=1):
            letter = get_column_letter(number)
            head = sheet.cell(row=1, column=number, value=column.heading)
            head.font = bold
            if column.required:
                head.fill = required_fill
            tip = sheet.cell(row=2, column=number, value=column.help)
            tip.font = help_style
            tip.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[letter].width = max(16, min(40, len(column.heading) + 6))
            if column.choices is not None:
                check = DataValidation(
                    type="list",
                    formula1=places[column.choices],
                    allow_blank=True,
                    showErrorMessage=column.choices not in ("organisaties", "partners"),
                    errorTitle="Niet in de lijst",
                    error="Kies een waarde uit de lijst.",
                )
                check.add(f"{letter}3:{letter}{ROWS + 2}")
                sheet.add_data_validation(check)
        sheet.freeze_panes = "A3"
    book.move_sheet(LISTS, offset=len(SHEETS))
    book.active = 0
    book.properties.creator = "kg"
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _stable(out.getvalue())


#: The time written into the workbook and its zip entries, so that the same graph gives the
#: same bytes (a spreadsheet otherwise records the moment it was saved).
FIXED_TIME = datetime.datetime(2000, 1, 1)


def _stable(data: bytes) -> bytes:
    """``data`` (a zip) with every entry dated :data:`FIXED_TIME`."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
