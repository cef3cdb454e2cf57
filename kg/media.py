"""HTTP content negotiation (RFC 9110) and the media types kg speaks."""

from __future__ import annotations

#: The RDF formats a resource's description comes in, by their short names.
RDF_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
#: Other names a client may ask for one of :data:`RDF_TYPES` by: rdflib asks for N-Triples
#: as ``text/plain`` (the answer then says ``text/plain``, as asked).
RDF_ALIASES = {"text/plain": "nt"}
#: Media types of SPARQL SELECT and ASK results, best first (JSON is the default).
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types of CONSTRUCT and DESCRIBE results, best first (Turtle is the default).
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/plain",
)


def negotiate(accept: str, offers: list[str], default: str) -> str | None:
    """The offer the ``Accept`` header prefers (RFC 9110, section 12.5.1): each offer takes
    the quality of the most specific range that matches it (``type/sub``, then ``type/*``,
    then ``*/*``), so ``text/html;q=0, */*`` excludes HTML and ``q=0`` never chooses; ties go
    to the order of ``offers``. ``default`` when the header is empty; None when it accepts
    none of the offers (the server then answers 406)."""
    if not accept.strip():
        return default
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    quality = min(max(float(f[2:]), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges[fields[0].lower()] = quality
    if not ranges:
        return default
    best, best_quality = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        for match in (offer, f"{kind}/*", "*/*"):
            if match in ranges:
                if ranges[match] > best_quality:
                    best, best_quality = offer, ranges[match]
                break
    return best


def key_of(mapping: dict[str, str], value: str) -> str:
    """The key of ``value`` in ``mapping`` (its short name)."""
    return next(k for k, v in mapping.items() if v == value)
