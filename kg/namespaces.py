"""The project's namespaces, the one prefix map every output uses, and the IRI minting rule.

IRI rule (see docs/iris.md):

* vocabulary terms: ``https://w3id.org/kg-sociaal/def#Term`` (prefix ``kg:``);
* things people refer to: ``https://w3id.org/kg-sociaal/id/{kind}/{slug}``, where ``kind`` is
  one of :data:`KINDS` and ``slug`` is made by :func:`slugify` from the Dutch name;
* municipalities keep their TOOI IRI (``https://identifier.overheid.nl/tooi/id/gemeente/gm0599``);
* no blank nodes for anything people refer to (the shapes reject them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

BASE = "https://w3id.org/kg-sociaal/"
KG = BASE + "def#"
ONTOLOGY_IRI = BASE + "def"
ID = BASE + "id/"
TOOI_GEMEENTE = "https://identifier.overheid.nl/tooi/id/gemeente/"

#: The kinds of resource the project mints IRIs for: path segment -> prefix.
KINDS: dict[str, str] = {
    "programme": "programme",
    "intervention": "intervention",
    "organisation": "org-id",
    "network": "network",
    "area": "area",
    "ggd-region": "ggdregion",
    "province": "province",
    "law": "law",
    "accord": "accord",
    "scheme": "scheme",
    "government-programme": "govprogramme",
    "concept": "concept",
    "source": "source",
    "participation": "participation",
    "phase": "phase",
    "requirement": "requirement",
    "output": "output",
    "event": "event",
    "publication": "publication",
    "person": "person",
    "finding": "finding",
    "allocation": "allocation",
    "iza-region": "izaregion",
}

#: Standard vocabularies, in the order they appear in exports.
STANDARD_PREFIXES: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "org": "http://www.w3.org/ns/org#",
    "owms": "http://standaarden.overheid.nl/owms/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "tooi": TOOI_GEMEENTE,
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: Every prefix kg writes: standard vocabularies, kg's vocabulary and one per resource kind.
PREFIXES: dict[str, str] = {
    **STANDARD_PREFIXES,
    "kg": KG,
    **{prefix: f"{ID}{kind}/" for kind, prefix in KINDS.items()},
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def turtle_prefixes(names: Iterable[str]) -> str:
    """``@prefix`` lines for the named project prefixes, for Turtle and TriG that kg writes."""
    return "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in names)


def sparql_prefixes() -> str:
    """``PREFIX`` lines for every project prefix, to put before SPARQL that kg writes."""
    return "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())


def split(iri: str) -> tuple[str | None, str]:
    """``(prefix, local name)`` for the longest matching project prefix, or ``(None, iri)``."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            return prefix, iri[len(ns) :]
    return None, iri


def curie(iri: str) -> str:
    """``prefix:local`` where a project prefix matches, else ``<iri>``."""
    prefix, local = split(iri)
    return f"{prefix}:{local}" if prefix else f"<{iri}>"


def slugify(name: str) -> str:
    """Turn a name into the readable, stable slug used in IRIs.

    Accents are dropped, everything is lower case ASCII, runs of anything else become one
    hyphen: ``"Welzijn op Recept"`` -> ``"welzijn-op-recept"``, ``"'s-Gravenhage"`` ->
    ``"s-gravenhage"``, ``"GGD Hollands-Noorden"`` -> ``"ggd-hollands-noorden"``.
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make a slug from {name!r}")
    return slug


def mint(kind: str, name: str) -> str:
    """The IRI of a resource of ``kind`` named ``name`` (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return f"{ID}{kind}/{slugify(name)}"


def municipality_iri(cbs_code: str) -> str:
    """The TOOI IRI of a municipality from its CBS code (``GM0599`` -> ``.../gm0599``)."""
    if not re.fullmatch(r"GM\d{4}", cbs_code):
        raise ValueError(f"not a CBS municipality code: {cbs_code!r}")
    return TOOI_GEMEENTE + cbs_code.lower()


#: What names a resource for display, best first (Store.labels ranks them in this order).
LABEL_PROPERTIES: tuple[str, ...] = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)

#: What names a resource for lookup only, never for display: skos:hiddenLabel (common names
#: and abbreviations people type, such as "Den Haag" or "Wmo"). A name lookup matches these and
#: :data:`LABEL_PROPERTIES`; nothing shows them.
LOOKUP_ONLY_PROPERTIES: tuple[str, ...] = ("http://www.w3.org/2004/02/skos/core#hiddenLabel",)
