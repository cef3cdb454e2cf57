import pytest

from kg.namespaces import ID, PREFIXES, mint, municipality_iri, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Welzijn op Recept", "welzijn-op-recept"),  # spaces
        ("'s-Gravenhage", "s-gravenhage"),  # leading apostrophe
        ("GGD Hollands-Noorden", "ggd-hollands-noorden"),  # existing hyphen kept single
        ("Fryslân", "fryslan"),  # accent dropped
        ("Bergen (NH.)", "bergen-nh"),  # punctuation
        ("Sportakkoord II", "sportakkoord-ii"),
        ("  Wmo   2015 ", "wmo-2015"),  # runs of spaces, trimmed
        ("Dienst Gezondheid & Jeugd ZHZ", "dienst-gezondheid-jeugd-zhz"),  # ampersand
    ],
)
def test_slugify_makes_readable_stable_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("name", ["", "  ", "???", "\U0001f642"])
def test_slugify_refuses_names_without_letters_or_digits(name: str) -> None:
    with pytest.raises(ValueError):
        slugify(name)


def test_mint_uses_the_kind_path() -> None:
    assert mint("programme", "Samen in Beweging") == f"{ID}programme/samen-in-beweging"


def test_mint_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        mint("thing", "x")


def test_municipality_iri_is_tooi() -> None:
    assert municipality_iri("GM0599") == "https://identifier.overheid.nl/tooi/id/gemeente/gm0599"
    with pytest.raises(ValueError):
        municipality_iri("599")


def test_every_kind_has_a_prefix_ending_in_a_slash() -> None:
    for prefix, ns in PREFIXES.items():
        assert ns.endswith(("/", "#")), prefix
    assert len(set(PREFIXES.values())) == len(PREFIXES), "two prefixes share a namespace"
