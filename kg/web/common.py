"""What every part of kg serve shares: limits, the pages' words, the refusal with an HTTP
status, links to resources, and the host names a server answers to."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from kg.errors import KgError, UsageError
from kg.i18n import by_language
from kg.namespaces import BASE

#: The largest request kg serve reads (waitress refuses larger ones before reading them).
MAX_REQUEST_BYTES = 1_000_000
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: How long a query sent to /sparql may run before it is stopped (``kg serve --timeout``).
QUERY_SECONDS = 30.0
#: Where the project's own IRIs live; ``/id/...`` on the server is the same path.
ID_BASE = BASE + "id/"
#: The most programmes, instruments and partners the case page lists each (``/case`` gives
#: all of them).
CASE_SHOWN = 30
#: How many answers to canned queries and cases kg serve keeps (the most recent).
ANSWERS_KEPT = 64
#: The most statements a resource page lists (its data formats give every one).
MAX_SHOWN = 1000
#: An absolute IRI as SPARQL and N-Triples write it between < and >.
IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f]+")


#: The pages' own words (kg.i18n); data labels come from the graph in the chosen language.
WORDS: dict[str, dict[str, str]] = by_language("pages")
LANGUAGES = (("nl", "Nederlands"), ("en", "English"))


class HttpError(KgError):
    """A request kg serve refuses, with its HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        #: Headers the refusal carries (``Retry-After`` with a 503).
        self.headers = dict(headers or {})


def for_page(exc: KgError) -> str:
    """An error as kg serve says it: without the command-line option the library's message
    names (``--municipality: ``) or suggests (``(e.g. -p municipality Kampen)``), which a
    visitor of a page or an API never typed."""
    text = re.sub(r"^(?:--[a-z-]+|parameter '[^']*'): ", "", str(exc))
    return re.sub(r" \(e\.g\. -p [^()]*\)$", "", text)


#: The names a server bound to loopback answers to (others are refused: a web page elsewhere
#: cannot reach it by pointing a name of its own at 127.0.0.1, "DNS rebinding").
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def host_names(host: str) -> tuple[str, ...] | None:
    """The Host names a server listening on ``host`` accepts: the loopback names when it
    listens on loopback, None (any: a proxy in front decides) otherwise."""
    if host in LOOPBACK_NAMES or host.startswith("127."):
        return (*LOOPBACK_NAMES, host) if host not in LOOPBACK_NAMES else LOOPBACK_NAMES
    return None


def server_url(host: str, port: int) -> str:
    """``http://host:port/``, with an IPv6 address in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def check_host(host: str) -> str:
    """``host`` if it is one kg serve can bind to; a usage error otherwise."""
    if not host or any(c.isspace() for c in host):
        raise UsageError(f"--host: not a host name or address: {host!r}")
    return host


def link(iri: str, lang: str) -> str:
    """Where kg serve shows ``iri`` in ``lang``: ``/id/...`` for the project's own IRIs,
    else ``/resource?iri=...``."""
    if iri.startswith(ID_BASE):
        rest = quote(iri[len(ID_BASE) :], safe="/-._~!$&'()*+,;=:@")
        return f"/id/{rest}?lang={lang}"
    return f"/resource?{urlencode({'iri': iri, 'lang': lang})}"
