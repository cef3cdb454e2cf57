"""``kg import`` and ``kg template --from`` on a project: which data file holds a source, the
graph without it, the whole graph validated before anything is written.

A source's statements live in one file of ``data/`` (docs/curation.md): importing a source
that is there replaces that file; a new source gets a new file,
``data/documents/{NNN}-{slug}.trig``, numbered after the last one.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from kg.curate import exporter, importer, reading, trig
from kg.curate.lookup import Lookup
from kg.curate.reading import WorkbookProblems
from kg.curate.sheets import BY_NAME, DESCRIBED, OTHER
from kg.curate.values import expand
from kg.errors import DataSyntaxError, KgError
from kg.namespaces import curie
from kg.paths import Paths
from kg.store import LocalStore
from kg.store.files import data_file, extra_input, graphs_in, input_files, load_sources
from kg.validate import load_shapes, validate_store

DOCUMENTS = Path("documents")
#: How a file kg import wrote begins (a hand-written one is never replaced by a new workbook).
MADE_BY = "# Made by kg import"
#: The longest slug a new file's name takes (a title of 360 characters mints a long IRI).
FILE_SLUG = 80
#: What the rows of each sheet are, for the summary of an import.
WHAT = {
    "Bron": ("source", "sources"),
    "Programma's": ("programme", "programmes"),
    "Organisaties": ("organisation", "organisations"),
    "Deelnames": ("participation", "participations"),
    "Bevindingen": ("finding", "findings"),
    "Publicaties": ("publication", "publications"),
    "Personen": ("person", "persons"),
}
_NUMBERED = re.compile(r"(\d{3})-")


def source_file(paths: Paths, source: str) -> Path | None:
    """The data file holding the graph ``source``, or None; a file that holds other graphs
    too is refused (kg import writes files of one source)."""
    local = source.rsplit("/", 1)[-1].encode()
    for item in input_files(paths):
        if not data_file(item):
            continue
        raw = item.path.read_bytes()
        if local not in raw:
            continue
        graphs = graphs_in(item.path, raw)
        if source in graphs:
            others = [g for g in graphs if g != source and graphs[g]]
            if others:
                raise KgError(
                    f"{curie(source)} shares this file with {len(others)} other graph(s); "
                    "kg import and kg template --from work on files of one source",
                    file=item.path,
                )
            return item.path
    return None


def without(paths: Paths, source: str, extra: Path | None = None) -> tuple[LocalStore, Path | None]:
    """The project's graph without the file of ``source`` (plus ``extra``), and that file."""
    held = source_file(paths, source)
    files = [f for f in input_files(paths) if f.path != held]
    if extra is not None:
        files.append(extra_input(extra))
    return load_sources(paths, files=files).store, held


def export_rows(paths: Paths, source: str) -> dict[str, list[dict[str, object]]]:
    """The workbook rows of an existing source (for :func:`kg.curate.workbook.template`)."""
    rest, held = without(paths, source)
    if held is None:
        raise KgError(f"no file in {paths.data_dir} holds the source {curie(source)}")
    triples = [(URIRef(str(s)), URIRef(str(p)), o) for s, p, o in graphs_in(held)[source]]
    return exporter.rows_of(source, triples, Lookup(rest))


@dataclass(frozen=True)
class Result:
    """What an import did: the file, whether it changed, what it holds, and how many
    statements of the file before it took out and put in."""

    path: Path
    changed: bool
    counts: dict[str, int]
    statements: int
    text: str
    removed: int = 0
    added: int = 0
    changes: tuple[str, ...] = ()  # "- s p o" and "+ s p o", in prefixed form, sorted


def import_workbook(
    paths: Paths, workbook: list[Path], *, write: bool = True, replace: bool = False
) -> Result:
    """Read, convert, validate and (with ``write``) write one workbook's source. Replacing a
    file that states something the workbook does not (a row taken out, another document of
    the same title) or one written by hand needs ``replace``. Imports into one project take
    turns (a lock on ``data/``), so two at once cannot both take the next file number."""
    from kg.atomic import folder_lock

    tables = reading.read(workbook)
    files = reading.files_of(workbook)
    with folder_lock(paths.data_dir):
        source = _source_of(tables)
        rest, held = without(paths, source) if source else (load_sources(paths).store, None)
        _refuse_new_over_hand_written(tables, source, held, workbook[0])
        lookup = Lookup(rest)
        old = graphs_in(held).get(source, []) if held is not None and source else []
        if old and source is not None:
            _remember(lookup, source, old)
        imported, problems = importer.convert(tables, lookup)
        if imported is None:
            raise WorkbookProblems(workbook[0], problems, files)
        text = trig.write(imported)
        target = held or _new_file(paths, imported.source)
        _validate(paths, imported, text, held, workbook[0], files)
        result = _result(imported, target, text, old)
        if write and held is not None and result.changed and not replace:
            _refuse_replacing(result, held, workbook[0])
        if write and result.changed:
            from kg.atomic import write_bytes

            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, text.encode("utf-8"), within=paths.data_dir)
    return result


def _refuse_new_over_hand_written(
    tables: dict[str, list[reading.Row]], source: str | None, held: Path | None, workbook: Path
) -> None:
    new = not (tables.get("Bron") and tables["Bron"][0].text("id"))
    if new and held is not None and not held.read_text(encoding="utf-8").startswith(MADE_BY):
        raise KgError(
            f"a source of this title, {curie(str(source))}, is already in {held}, written by "
            "hand; to change it, export it with kg template --from and import that workbook, "
            "or give the new source another title",
            file=workbook,
        )


def needs_replace(result: Result) -> bool:
    """Whether writing ``result`` takes statements out of its file or replaces a file
    written by hand (which ``kg import`` does only with ``--replace``)."""
    if not result.changed or not result.path.is_file():
        return False
    hand = not result.path.read_text(encoding="utf-8").startswith(MADE_BY)
    return bool(result.removed) or hand


def _refuse_replacing(result: Result, held: Path, workbook: Path) -> None:
    hand = not held.read_text(encoding="utf-8").startswith(MADE_BY)
    if needs_replace(result):
        what = "written by hand: its comments are not kept; " if hand else ""
        raise KgError(
            f"this replaces {held} ({what}{statements(result.removed)} removed, "
            f"{result.added} added); check with --dry-run, then add --replace",
            file=workbook,
        )


def statements(n: int) -> str:
    """``1 statement``, ``2 statements``."""
    return f"{n} statement" + ("" if n == 1 else "s")


def _result(
    imported: importer.Imported, target: Path, text: str, old: list[tuple[Node, Node, Node]]
) -> Result:
    counts = {
        WHAT[s][len(imported.rows[s]) != 1]: len(imported.rows[s])
        for s in BY_NAME
        if s in imported.rows
    }
    before = {_key(t): t for t in old}
    after = {_key(t): t for t in imported.triples}
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    gone = sorted(_shown(before[k]) for k in before.keys() - after.keys())
    come = sorted(_shown(after[k]) for k in after.keys() - before.keys())
    return Result(
        target,
        current != text,
        counts,
        len(imported.triples),
        text,
        removed=len(gone),
        added=len(come),
        changes=tuple([f"- {g}" for g in gone] + [f"+ {c}" for c in come]),
    )


def _shown(triple: tuple[Node, Node, Node]) -> str:
    """A statement as a person reads it in a summary: prefixed names, text cut short."""
    used: set[str] = set()
    parts = [trig.term(t, used) for t in triple]
    return " ".join(p if len(p) <= 80 else p[:77] + '..."' for p in parts)


def _key(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
    """A statement as N-Triples terms, a plain literal and an xsd:string one alike."""
    out = []
    for term in triple:
        if isinstance(term, Literal) and term.datatype == XSD.string:
            term = Literal(str(term))
        out.append(term.n3())
    return tuple(out)


def _remember(lookup: Lookup, source: str, old: list[tuple[Node, Node, Node]]) -> None:
    """The names of what the source's file describes now, so that a row of the same name
    keeps its IRI even without its id (a curator who cleared it, a workbook made anew)."""
    rows = exporter.rows_of(
        source, [(URIRef(str(s)), URIRef(str(p)), o) for s, p, o in old], lookup
    )
    for spec in DESCRIBED:
        for row in rows.get(spec.name, []):
            iri, name = expand(str(row.get("id", ""))), row.get("naam")
            if iri is not None and isinstance(name, str):
                for list_name in spec.joins:
                    lookup.add(list_name, name, iri)


def _source_of(tables: dict[str, list[reading.Row]]) -> str | None:
    """The source a workbook describes: its id (an exported workbook), else the IRI its
    title mints (a new source, perhaps imported before); None if the sheet Bron gives
    neither (the import then says what is missing)."""
    from kg.curate.values import expand
    from kg.namespaces import mint

    rows = tables.get("Bron", [])
    if len(rows) != 1:
        return None
    if rows[0].text("id"):
        return expand(rows[0].text("id"))
    try:
        return mint("source", rows[0].text("titel")) if rows[0].text("titel") else None
    except ValueError:
        return None


def _new_file(paths: Paths, source: str) -> Path:
    """``data/documents/{NNN}-{slug}.trig``, the slug cut to a sensible file name."""
    folder = paths.data_dir / DOCUMENTS
    numbers = [int(m[1]) for p in folder.glob("*.trig") if (m := _NUMBERED.match(p.name))]
    number = max(numbers, default=-1) + 1
    slug = source.rsplit("/", 1)[-1]
    if len(slug) > FILE_SLUG:
        slug = slug[:FILE_SLUG].rsplit("-", 1)[0] or slug[:FILE_SLUG]
    return folder / f"{number:03d}-{slug}.trig"


def _validate(
    paths: Paths,
    imported: importer.Imported,
    text: str,
    held: Path | None,
    workbook: Path,
    files: dict[str, Path],
) -> None:
    """The whole graph with the new file in place of the old must parse and conform."""
    with tempfile.TemporaryDirectory(prefix="kg-import-") as tmp:
        candidate = Path(tmp) / "import.trig"
        candidate.write_text(text, encoding="utf-8")
        inputs = [f for f in input_files(paths) if f.path != held]
        inputs.append(extra_input(candidate))
        try:
            store = load_sources(paths, files=inputs).store
        except DataSyntaxError as exc:
            if exc.file != str(candidate):
                raise
            raise KgError(  # kg escapes every term it writes: this would be a bug in kg
                f"kg wrote a data file it cannot read back (line {exc.line}: {exc.message})",
                file=workbook,
            ) from None
        except KgError as exc:  # what a build refuses in any data file (vocabulary, ...)
            if exc.file != str(candidate):
                raise
            raise WorkbookProblems(workbook, [f"sheet {OTHER.name}: {exc.message}"]) from None
        report = validate_store(store, load_shapes(paths))
    if report.violations:
        lines = []
        for v in report.violations:
            where = imported.where(v.focus, v.path)
            prop = f" ({v.property})" if v.property else ""
            value = f" (value: {v.value})" if v.value is not None else ""
            about = where or f"{v.focus_label} <{v.focus}>"
            lines.append(f"{about}: {v.focus_label}{prop}: {v.message}{value}")
        raise WorkbookProblems(workbook, sorted(dict.fromkeys(lines)), files)
