"""kg's one message catalogue: every word the program shows (pages, pictures, reasons, kinds,
the generated docs) in Dutch and English, in ``nl.toml`` and ``en.toml`` beside this file.
Data labels come from the graph, not from here. A test checks that both files have the same
keys."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

#: The languages kg speaks, Dutch first.
LANGUAGES = ("nl", "en")


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """Every section of the catalogue in ``lang`` (``nl`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"kg speaks {', '.join(LANGUAGES)}, not {lang!r}")
    text = resources.files("kg.i18n").joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def words(section: str, lang: str) -> dict[str, Any]:
    """The words of one ``section`` (pages, picture, reasons, kinds, ...) in ``lang``."""
    found: dict[str, Any] = catalogue(lang)[section]
    return found


def by_language(section: str) -> dict[str, dict[str, Any]]:
    """One section in every language, keyed by language."""
    return {lang: words(section, lang) for lang in LANGUAGES}
