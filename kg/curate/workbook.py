"""The curator's workbook (K16): one source in a spreadsheet, for people who know the
programmes but do not write RDF.

:func:`template` writes an XLSX workbook (openpyxl) with the sheets of
:mod:`kg.curate.sheets`: the source, its programmes, organisations, participations,
findings, publications and persons, and single statements (Overig). Columns are in Dutch,
with a help row under each heading; every column that takes a known thing has a drop-down
list of the names the graph knows (:func:`known_lists`, the lists the import resolves names
in), so a curator picks rather than types. The lists live on a hidden sheet, ``Lijsten``.
Given rows (an existing source, a draft of ``kg suggest``), the workbook holds them.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kg.curate.reading import CELL_CHARS
from kg.curate.sheets import KIND_LISTS, LISTS_SHEET, MENTIONED, SHEETS, Sheet, Value
from kg.errors import KgError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    from kg.store import Store

LISTS = LISTS_SHEET
#: Rows a curator fills (drop-downs and checks reach this far).
ROWS = 500


#: A row of cells: column heading -> value.
Row = Mapping[str, object]


def known_lists(store: Store) -> dict[str, list[str]]:
    """Every drop-down list, read from ``store``: Dutch names, sorted, each once. The lists
    are the import's (:data:`kg.curate.lookup.CLASSES`), so that what a curator picks is
    what the import finds."""
    from kg.curate.lookup import Lookup

    lookup = Lookup(store)
    found = {
        name: sorted(
            {lookup.display[iri] for iri in members if iri in lookup.display},
            key=lambda name: (name.casefold(), name),
        )
        for name, members in lookup.members.items()
    }
    for name, choices in KIND_LISTS.items():
        found[name] = list(choices)
    found["besluit"] = ["overnemen", "afwijzen"]
    found["ja"] = ["ja"]
    return found


def template(store: Store, rows: Mapping[str, Sequence[Row]] | None = None) -> bytes:
    """The workbook with the lists of ``store``, as XLSX bytes: empty (for one new source),
    or holding ``rows`` (sheet name -> rows, each a mapping of column heading to value), as
    ``kg template --from`` and ``kg suggest`` fill it. The sheet Genoemd is there only when
    ``rows`` has rows for it."""
    from openpyxl import Workbook

    rows = rows or {}
    lists = known_lists(store)
    book = Workbook()
    book.remove(book.active)
    places = _write_lists(book, lists)
    for spec in SHEETS:
        if spec is MENTIONED and not rows.get(spec.name):
            continue
        _write_sheet(book.create_sheet(spec.name), spec, rows.get(spec.name, ()), places)
    book.move_sheet(LISTS, offset=len(book.sheetnames))
    book.active = 0
    book.properties.creator = "kg"
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _stable(out.getvalue())


def _write_lists(book: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """The hidden sheet of lists; returns each list's cell range."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    hidden = book.create_sheet(LISTS)
    places: dict[str, str] = {}
    for number, (name, values) in enumerate(sorted(lists.items()), start=1):
        letter = get_column_letter(number)
        hidden.cell(row=1, column=number, value=name)
        for row, value in enumerate(values, start=2):
            _put(hidden.cell(row=row, column=number), value)
        end = max(2, len(values) + 1)
        places[name] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${end}"
    hidden.sheet_state = "hidden"
    return places


def _write_sheet(
    sheet: Worksheet, spec: Sheet, rows: Sequence[Row], places: dict[str, str]
) -> None:
    """One sheet: headings, the help row, drop-down lists, and ``rows``."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    help_style = Font(italic=True, color="555555")
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    last = max(ROWS, len(rows)) + 2
    number = 0
    for column in spec.columns:
        for heading in column.headings():
            number += 1
            letter = get_column_letter(number)
            head = sheet.cell(row=1, column=number, value=heading)
            head.font = bold
            if column.required and heading == column.headings()[0]:  # one value is needed
                head.fill = required_fill
            tip = sheet.cell(row=2, column=number, value=column.help)
            tip.font = help_style
            tip.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[letter].width = max(16, min(40, len(heading) + 6))
            for at, row in enumerate(rows, start=3):
                _put(sheet.cell(row=at, column=number), row.get(heading))
            if column.value is Value.DATE:  # text, so that 2026-04 stays a month
                for at in range(3, last + 1):
                    sheet.cell(row=at, column=number).number_format = "@"
            if column.choices is not None:
                check = DataValidation(
                    type="list",
                    formula1=places[column.choices],
                    allow_blank=True,
                    showErrorMessage=column.choices not in OPEN_LISTS,
                    errorTitle="Niet in de lijst",
                    error="Kies een waarde uit de lijst.",
                )
                check.add(f"{letter}3:{letter}{last}")
                sheet.add_data_validation(check)
    sheet.freeze_panes = "A3"


#: Lists a curator may also type past: a new organisation or programme named on its own sheet.
OPEN_LISTS = ("organisaties", "partners", "programmas", "interventies")


def _put(cell: Cell, value: object) -> None:
    """Write ``value`` into ``cell`` as a value, never as a formula (text may begin with =)."""
    if value is None or value == "":
        return
    if isinstance(value, str) and len(value) > CELL_CHARS:
        raise KgError(
            f"a value of {len(value):,} characters ({value[:40]!r}...) does not fit a "
            f"spreadsheet cell ({CELL_CHARS:,}); shorten it in the data file first"
        )
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


#: The time written into the workbook and its zip entries, so that the same graph gives the
#: same bytes (a spreadsheet otherwise records the moment it was saved).
FIXED_TIME = datetime.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


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
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the moment of saving
                data = _MODIFIED.sub(
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            target.writestr(entry, data)
    return out.getvalue()
