"""Text helpers every layer may use: the one normal form names are matched in."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form: ``" Fryslân "`` ->
    ``"fryslan"``, ``"Súdwest-Fryslân"`` -> ``"sudwest fryslan"``, ``"'s-Hertogenbosch"`` ->
    ``"s hertogenbosch"``, ``"Bergen (NH.)"`` -> ``"bergen nh"``. Apostrophes go (``"thema's"``
    -> ``"themas"``); any other run of characters that are neither letters nor digits is one
    space."""
    if not text.isascii():  # (most names are: skip the Unicode work for them)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _APOSTROPHES.sub("", text.casefold())
    return " ".join(_SEPARATORS.sub(" ", text).split())
