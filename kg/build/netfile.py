"""The build's network facts: what :func:`kg.network.collect` reads from the store, saved by
``kg build`` as ``build/network.json`` in the same generation as the store.

Drawing the network needs every link between two actors, every name and every label: on a
national graph about a million values, which an on-disk store hands out at several
microseconds each (ten seconds and more for ``kg viz``, ``kg network`` or a GraphML export).
The build has the whole graph in memory anyway, so it collects the facts once and writes them
here; the commands that draw read this file instead (about a second). A build without the
file (an older build, a SPARQL server), or with a file from another kg version or a damaged
one, is read from the store as before: the file only saves time, never changes an answer.

The file is compact JSON: every IRI and name once in a string table, the rest as numbers
into it, everything sorted, so the same graph gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.build.netfacts import Facts
from kg.store import Store
from kg.version import __version__

FILE = "network.json"
#: Bumped whenever the layout of the file changes; other formats are ignored.
FORMAT = 1


def dumps(facts: Facts) -> bytes:
    """The facts as the file's bytes."""
    strings: dict[str, int] = {}

    def s(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def many(texts: set[str] | list[str]) -> list[int]:
        return [s(t) for t in sorted(texts)]

    body = {
        "kinds": [[s(n), k] for n, k in sorted(facts.kinds.items())],
        "fold": [[s(a), s(m)] for a, m in sorted(facts.fold.items())],
        "derived": [[s(n), many(v)] for n, v in sorted(facts.derived.items())],
        "links": [
            [s(a), s(b), s(p), int((a, b, p) in facts.roles), many(where)]
            for (a, b, p), where in sorted(facts.links.items())
        ],
        "schemes": [[s(n), many(v)] for n, v in sorted(facts.schemes.items())],
        "names": [[s(n), many(v)] for n, v in sorted(facts.names.items())],
        "labels": [[s(r), s(p), s(t), lang] for r, p, t, lang in sorted(facts.label_rows)],
        "descriptions": [
            [s(n), [[t, lang] for t, lang in sorted(v)]]
            for n, v in sorted(facts.descriptions.items())
        ],
        "pages": [[s(src), page] for src, page in sorted(facts.pages.items())],
    }
    data = {"format": FORMAT, "kg": __version__, "strings": list(strings), **body}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def loads(raw: bytes) -> Facts | None:
    """The facts in a file's bytes, or None if they are not a file this kg writes."""
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT or data.get("kg") != __version__:
            return None
        return _facts(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _facts(data: dict[str, Any]) -> Facts:
    t: list[str] = data["strings"]

    def texts(numbers: list[int]) -> set[str]:
        return {t[i] for i in numbers}

    links: dict[tuple[str, str, str], set[str]] = {}
    roles: set[tuple[str, str, str]] = set()
    for a, b, p, role, where in data["links"]:
        key = (t[a], t[b], t[p])
        links[key] = texts(where)
        if role:
            roles.add(key)
    descriptions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for n, values in data["descriptions"]:
        descriptions[t[n]] = [(str(text), str(lang)) for text, lang in values]
    return Facts(
        kinds={t[n]: str(k) for n, k in data["kinds"]},
        fold={t[a]: t[m] for a, m in data["fold"]},
        derived={t[n]: texts(v) for n, v in data["derived"]},
        links=links,
        roles=roles,
        schemes={t[n]: texts(v) for n, v in data["schemes"]},
        names={t[n]: texts(v) for n, v in data["names"]},
        label_rows=[(t[r], t[p], t[x], str(lang)) for r, p, x, lang in data["labels"]],
        descriptions=dict(descriptions),
        pages={t[src]: str(page) for src, page in data["pages"]},
    )


def write(store: Store, path: Path) -> Facts:
    """Collect ``store``'s network facts and write them to ``path`` (a new file)."""
    from kg.build.netfacts import collect

    facts = collect(store)
    path.write_bytes(dumps(facts))
    return facts


def read(store: Store) -> Facts | None:
    """The facts the build saved beside ``store``, or None where there are none to trust."""
    path = store.beside(FILE)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return loads(raw)
