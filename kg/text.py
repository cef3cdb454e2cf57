"""Text helpers every layer may use: the one normal form names are matched in."""

from __future__ import annotations

import unicodedata


def normalise(text: str) -> str:
    """Case-, accent- and space-insensitive form: ``" Fryslân "`` -> ``"fryslan"``."""
    if not text.isascii():  # (most names are: skip the Unicode work for them)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.casefold().split())
