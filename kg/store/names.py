"""The build's name index: every name of every resource (its labels and its hidden
labels), in the form :mod:`kg.ask.resolve` matches names (case, accents, punctuation and spaces
ignored), in an SQLite file beside the store.

Resolving "Welzijn op Recept" to one IRI means comparing the text with every name in the graph:
on a national graph that is 100,000 names read out of the store for each command (about 1.5 s).
``kg build`` writes this index once (``build/names.sqlite``, in the same generation as the
store), so a command finds the resources a name may mean with one indexed lookup. The index
only speeds up the common case, one match: no match or several still take the full path in
:mod:`kg.ask.resolve`, which words the error with the closest names. Stores without the index
(a build from an older kg, a SPARQL server) take the full path every time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from kg.namespaces import LABEL_PROPERTIES, LOOKUP_ONLY_PROPERTIES
from kg.text import normalise

FILE = "names.sqlite"
#: The index's format (SQLite's user_version): which names it holds and in what normal form.
#: An index of another format (an older kg's: no hidden labels, punctuation kept) is not used,
#: so that the fast path never answers otherwise than the full path.
FORMAT = 2

#: What names a resource for lookup (a SPARQL path): whatever names it for display, and the
#: names only for lookup (skos:hiddenLabel: "Den Haag", "Wmo").
NAME_PROPERTIES = "|".join(f"<{p}>" for p in (*LABEL_PROPERTIES, *LOOKUP_ONLY_PROPERTIES))
#: Every (resource, name): what kg.ask.resolve matches, and the index holds.
NAMES_SPARQL = f"SELECT DISTINCT ?r ?name WHERE {{ ?r {NAME_PROPERTIES} ?name . }}"


def write(names: Iterable[tuple[str | None, ...]], path: Path) -> int:
    """Write an index of ``names`` (resource, name) pairs, as :data:`NAMES_SPARQL` selects
    them, to ``path`` (a new file); the number of names."""
    rows = sorted({(normalise(name), iri) for iri, name in names if iri and name is not None})
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE names (key TEXT NOT NULL, iri TEXT NOT NULL)")
        db.executemany("INSERT INTO names VALUES (?, ?)", rows)
        db.execute("CREATE INDEX names_key ON names (key)")
        db.execute(f"PRAGMA user_version = {FORMAT}")
        db.commit()
    finally:
        db.close()
    return len(rows)


class NameIndex:
    """A read-only name index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # One read-only connection, usable from any thread (kg serve answers requests in
        # several), one lookup at a time.
        self._db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()

    def lookup(self, key: str) -> list[str]:
        """Every resource with a name whose normalised form is ``key``, sorted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT iri FROM names WHERE key = ? ORDER BY iri", (key,)
            ).fetchall()
        return [iri for (iri,) in rows]

    def format(self) -> int:
        """The format the index was written in (:data:`FORMAT`)."""
        with self._lock:
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
        return int(version)

    def close(self) -> None:
        self._db.close()


def open_index(store_path: Path) -> NameIndex | None:
    """The index beside the store at ``store_path``, or None if that build has none (or it
    cannot be read, or is of another :data:`FORMAT`: the full path still gives the same
    answers)."""
    path = store_path.parent / FILE
    if not path.is_file():
        return None
    try:
        index = NameIndex(path)
        index.lookup("")
        if index.format() != FORMAT:
            index.close()
            return None
    except sqlite3.Error:
        return None
    return index
