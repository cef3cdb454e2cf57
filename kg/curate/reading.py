"""Reading a filled workbook: an XLSX file (openpyxl), or CSV files, one per sheet.

What comes out is plain: for each sheet kg knows, its rows, each a mapping of column heading
to a :class:`Cell` (the value as text or a date, and where it is: ``F5``). Whatever a person
can get wrong in the file itself is found here and worded with sheet, row and column: a file
that is not a workbook, one too big to be a curator's, a formula where a value belongs, an
unknown column, a row below the help row that repeats the help.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.curate.sheets import BY_NAME, LISTS_SHEET, Sheet
from kg.errors import KgError, shown
from kg.text import normalise

#: The largest workbook or CSV file kg reads: a curator's workbook of 500 rows is some 100 KB.
MAX_BYTES = 10 * 1024 * 1024
#: The most a workbook may unpack to (a zip can hide far more than its size).
MAX_UNPACKED = 100 * 1024 * 1024
#: The most rows a sheet may have (a source's workbook has tens).
MAX_ROWS = 10_000
#: The most characters a spreadsheet cell holds (Excel's limit; openpyxl cuts longer text).
CELL_CHARS = 32_767


@dataclass(frozen=True)
class Cell:
    """One filled cell: its value (text, or a date a spreadsheet stored as one) and where it is."""

    value: str | datetime.date
    ref: str  # "F5" in a workbook, "F5" in a CSV file too (column letter, line number)


@dataclass
class Row:
    """A row of a sheet with at least one filled cell."""

    sheet: str
    number: int
    cells: dict[str, Cell] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)  # heading -> its column (F)

    def ref(self, heading: str) -> str:
        """Where the cell of ``heading`` is in this row (``F5``), filled or not."""
        cell = self.cells.get(heading)
        if cell is not None:
            return cell.ref
        letter = self.letters.get(heading)
        return f"{letter}{self.number}" if letter else ""

    def text(self, heading: str) -> str:
        cell = self.cells.get(heading)
        return "" if cell is None else str(cell.value)


class Problem(Exception):
    """One thing wrong in a workbook, at a place: sheet, row, column."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class WorkbookProblems(KgError):
    """Every problem found in a workbook; ``str`` gives the first, :attr:`problems` all.
    ``files`` names the file of each sheet where the sheets are CSV files of their own."""

    def __init__(
        self, file: Path, problems: Sequence[str], files: dict[str, Path] | None = None
    ) -> None:
        super().__init__(problems[0], file=file)
        self.problems = list(problems)
        self.files = files or {}

    def lines(self) -> list[str]:
        """Each problem as one line with its file: the CSV file of its sheet, or the workbook."""
        out = []
        for problem in self.problems:
            sheet = problem.removeprefix("sheet ").split(",")[0].split(":")[0]
            file = self.files.get(sheet, self.file)
            out.append(f"{file}: {problem}")
        return out


def files_of(paths: Sequence[Path]) -> dict[str, Path]:
    """The file of each sheet, where the sheets are CSV files (else nothing)."""
    found = {}
    for path in paths:
        spec = _sheet_named(path.stem) if path.suffix.lower() == ".csv" else None
        if spec is not None:
            found[spec.name] = path
    return found


def place(sheet: str, row: int | None = None, heading: str | None = None, ref: str = "") -> str:
    """Where something is, in the words of the error messages."""
    where = f"sheet {sheet}"
    if row is not None:
        where += f", row {row}"
    if heading is not None:
        where += f", column {heading}" + (f" ({ref})" if ref else "")
    return where


def read(paths: Sequence[Path]) -> dict[str, list[Row]]:
    """The rows of every sheet in ``paths``: one XLSX workbook, or CSV files named after their
    sheets (``programmas.csv`` for Programma's)."""
    if not paths:
        raise KgError("no workbook given")
    for path in paths:
        _check_file(path)
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes == {".xlsx"} and len(paths) == 1:
        return _read_xlsx(paths[0])
    if suffixes == {".csv"}:
        return _read_csvs(paths)
    raise KgError(
        "give one .xlsx workbook, or .csv files named after their sheets",
        file=", ".join(str(p) for p in paths),
    )


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise KgError("no such file", file=path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise KgError(
            f"{size / 1024 / 1024:.0f} MB is too big for a curator's workbook "
            f"(kg reads up to {MAX_BYTES // 1024 // 1024} MB)",
            file=path,
        )
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise KgError("not a workbook: kg import reads .xlsx and .csv files", file=path)


def _read_xlsx(path: Path) -> dict[str, list[Row]]:
    from openpyxl import load_workbook

    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise KgError("not an XLSX workbook (it is no zip archive)", file=path) from None
    if unpacked > MAX_UNPACKED:
        raise KgError("the workbook unpacks to more than 100 MB; kg does not read it", file=path)
    try:
        book = load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise KgError(
            f"not a workbook openpyxl can read ({type(exc).__name__})", file=path
        ) from None
    found: dict[str, list[Row]] = {}
    problems: list[str] = []
    try:
        for name in book.sheetnames:
            spec = _sheet_named(name)
            if spec is None:
                if name != LISTS_SHEET:
                    known = ", ".join(BY_NAME)
                    problems.append(
                        f"{place(name)}: kg does not know this sheet (it reads {known}); "
                        "rename or remove it"
                    )
                continue
            if spec.name in found:
                problems.append(f"{place(name)}: a second sheet {spec.name}; keep one")
                continue
            found[spec.name] = _rows(spec, _grid(path, book[name]), problems, _xlsx_value)
    finally:
        book.close()
    if problems:
        raise WorkbookProblems(path, problems)
    return found


def _grid(path: Path, sheet: object) -> list[list[object]]:
    """A read-only sheet's cells, row by row: its stored size is not trusted (a program may
    write a wrong one), and a sheet whose XML is damaged is refused in one line."""
    sheet.reset_dimensions()  # type: ignore[attr-defined]
    grid: list[list[object]] = []
    try:
        for row in sheet.iter_rows():  # type: ignore[attr-defined]
            grid.append(list(row))
            if len(grid) > MAX_ROWS:
                raise KgError(
                    f"sheet {sheet.title} has more than {MAX_ROWS:,} rows; "  # type: ignore[attr-defined]
                    "kg reads one source's workbook",
                    file=path,
                )
    except KgError:
        raise
    except Exception as exc:  # the sheet's XML: openpyxl and its parser raise many kinds
        title = getattr(sheet, "title", "?")
        raise KgError(
            f"sheet {title} is damaged ({type(exc).__name__}); kg cannot read it", file=path
        ) from None
    return grid


def _xlsx_value(cell: object) -> tuple[str | datetime.date | None, str]:
    """A workbook cell's value and reference; a formula or an error value is refused."""
    value = getattr(cell, "value", None)
    ref = getattr(cell, "coordinate", "")
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        raise Problem(ref, f"a formula ({shown(str(value), 40)}); type the value itself")
    if kind == "e":
        raise Problem(ref, f"an error value ({shown(str(value), 40)}); type the value itself")
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0):
            raise Problem(ref, "a date with a time of day; give the date only")
        return value.date(), ref
    if isinstance(value, datetime.date):
        return value, ref
    if isinstance(value, (datetime.time, datetime.timedelta)):
        raise Problem(ref, "a time; give a date or text")
    if isinstance(value, bool):
        return ("ja" if value else "nee"), ref
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None:
        return None, ref
    return _text(_unescape(str(value)), ref)


def _text(value: str, ref: str) -> tuple[str | None, str]:
    """A cell's text, trimmed; longer than a spreadsheet cell can hold is refused."""
    if len(value) > CELL_CHARS:
        raise Problem(ref, f"{len(value):,} characters; a spreadsheet cell holds {CELL_CHARS:,}")
    return (None if _BLANK.fullmatch(value) else value.strip()), ref


#: A cell that only looks filled: spaces, and characters that show nothing (zero-width).
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Characters a workbook stores escaped (``_x000D_`` for a carriage return; a typed
    ``_x`` as ``_x005F_x``), as openpyxl leaves them."""
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)


def _read_csvs(paths: Sequence[Path]) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for path in paths:
        spec = _sheet_named(path.stem)
        if spec is not None and spec.name in found:
            raise KgError(f"a second file for the sheet {spec.name}; give one", file=path)
        if spec is None:
            known = ", ".join(f"{_file_name(s)}.csv" for s in BY_NAME.values())
            raise KgError(
                f"no sheet of that name; name the file after its sheet ({known})", file=path
            )
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise KgError(
                f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8", file=path
            ) from None
        dialect = _dialect(text)
        grid = [
            [(value, f"{_letter(i)}{line}") for i, value in enumerate(values)]
            for line, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
        ]
        problems: list[str] = []
        found[spec.name] = _rows(spec, grid, problems, _csv_value)
        if problems:
            raise WorkbookProblems(path, problems)
    return found


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma, semicolon (a Dutch spreadsheet saves CSV with semicolons) or tab."""
    first = text.split("\n", 1)[0]

    class Dialect(csv.excel):
        delimiter = max(",;\t", key=first.count)  # the most frequent; comma on a tie

    return Dialect


def _csv_value(cell: object) -> tuple[str | datetime.date | None, str]:
    """A CSV field and its reference: text as the spreadsheet saved it (a CSV file holds no
    formulas, only what they gave)."""
    raw, ref = cell if isinstance(cell, tuple) else (cell, "")
    return _text(str(raw), str(ref))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _file_name(spec: Sheet) -> str:
    return normalise(spec.name).replace(" ", "-")


def _sheet_named(name: str) -> Sheet | None:
    key = normalise(name)
    for spec in BY_NAME.values():
        if normalise(spec.name) == key:
            return spec
    return None


def _rows(
    spec: Sheet,
    grid: Sequence[Sequence[object]],
    problems: list[str],
    value_of: Callable[[object], tuple[str | datetime.date | None, str]],
) -> list[Row]:
    """The filled rows below the heading row (and the help row, if it is there)."""
    reader = value_of
    if not grid:
        return []
    headings: list[str | None] = []
    titled: list[bool] = []  # whether the heading cell holds anything (known or not)
    letters: dict[str, str] = {}
    known = {normalise(h): h for h in spec.headings()}
    for cell in grid[0]:
        try:
            value, ref = reader(cell)
        except Problem as p:
            problems.append(f"{place(spec.name, 1)}: {p.message}")
            headings.append(None)
            titled.append(True)
            continue
        titled.append(value is not None)
        text = None if value is None else known.get(normalise(str(value)))
        if value is not None and text is None:
            problems.append(
                f"{place(spec.name, 1, shown(str(value), 40), ref)}: kg does not know this column"
            )
        elif text is not None and text in headings:
            problems.append(f"{place(spec.name, 1, text, ref)}: a second column {text}; keep one")
            text = None
        if text is not None:
            letters[text] = ref.rstrip("0123456789")
        headings.append(text)
    helps = {c.help for c in spec.columns}
    rows: list[Row] = []
    for number, line in enumerate(grid[1:], start=2):
        row = Row(spec.name, number, letters=letters)
        for index, cell in enumerate(line):
            heading = headings[index] if index < len(headings) else None
            try:
                value, ref = reader(cell)
            except Problem as p:
                problems.append(f"{place(spec.name, number, heading or '?', p.where)}: {p.message}")
                continue
            if value is None:
                continue
            if heading is None:
                if index >= len(headings) or not titled[index]:
                    problems.append(
                        f"{place(spec.name, number)}, {ref}: a value in a column without a heading"
                    )
                continue
            row.cells[heading] = Cell(value, ref)
        if not row.cells:
            continue
        if number == 2 and 2 * sum(str(c.value) in helps for c in row.cells.values()) >= len(
            row.cells
        ):
            continue  # the help row (of this kg, or mostly so of an older one)
        rows.append(row)
    return rows
