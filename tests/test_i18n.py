"""kg.i18n: one catalogue, the same keys in every language, every word in use."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from kg.i18n import LANGUAGES, catalogue, words


def _keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    found = set()
    for key, value in table.items():
        found.add(prefix + key)
        if isinstance(value, dict):
            found |= _keys(value, prefix + key + ".")
    return found


def test_every_key_exists_in_every_language() -> None:
    dutch, english = (_keys(catalogue(lang)) for lang in LANGUAGES)
    assert sorted(dutch - english) == [] and sorted(english - dutch) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_filled_in(lang: str) -> None:
    def texts(table: dict[str, Any]) -> list[str]:
        return [t for v in table.values() for t in (texts(v) if isinstance(v, dict) else [v])]

    assert all(isinstance(t, str) and t.strip() for t in texts(catalogue(lang)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_agree_between_languages(lang: str) -> None:
    """A reason that names {a} and {w} in Dutch names them in English too."""
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    other = "en" if lang == "nl" else "nl"
    for section, table in catalogue(lang).items():
        for key, text in table.items():
            if isinstance(text, str):
                assert fields(text) == fields(words(section, other)[key]), (section, key)


def test_every_kind_has_a_name_in_the_catalogue() -> None:
    from kg.build.netfacts import KINDS

    for lang in LANGUAGES:
        assert {k.key for k in KINDS} == set(words("kinds", lang))
        assert all(k.label(lang) for k in KINDS)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="kg speaks nl, en"):
        catalogue("de")


def test_the_files_are_valid_toml_shipped_with_the_package() -> None:
    for lang in LANGUAGES:
        raw = resources.files("kg.i18n").joinpath(f"{lang}.toml").read_text("utf-8")
        assert tomllib.loads(raw) == catalogue(lang)
