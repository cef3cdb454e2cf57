"""The store interface over a SPARQL 1.1 server: queries through the SPARQL 1.1 Protocol
(SPARQLWrapper), updates as SPARQL 1.1 Update requests, graphs loaded through the SPARQL 1.1
Graph Store HTTP Protocol. Nothing kg-specific runs on the server.

Two things differ from the embedded store and are handled here:

- **Parameters.** The protocol has no way to bind variables, so a query's bindings travel as
  an inline ``VALUES`` block at the start of its ``WHERE`` group, each value written as an
  RDF term by pyoxigraph's serialiser (IRIs are validated, literals escaped): the same
  solutions as binding, and no value is ever spliced into the query's own text.
- **The default graph.** kg's queries read the union of all graphs as their default graph.
  The server must do the same (Oxigraph: ``--union-default-graph``; Virtuoso and GraphDB do it
  by default); :meth:`RemoteStore.check` says so in words when it does not.

Faults (unreachable server, timeout, refused credentials, server error, a reply that is not
SPARQL results) become one-line :class:`RemoteError` messages that name the endpoint, never a
password.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rdflib
from rdflib.term import Node

from kg.errors import KgError, UsageError
from kg.store import RDF_FORMATS, SelectResult, Store, with_terms

#: Seconds to wait for a query's answer unless told otherwise.
DEFAULT_TIMEOUT = 60.0
_MEDIA_TYPES = {
    "nq": "application/n-quads",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "ttl": "text/turtle",
}


class RemoteError(KgError):
    """A SPARQL server that cannot be reached or does not answer as the protocol says."""


def public_url(url: str) -> str:
    """``url`` without a user name or password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=host)
    return urllib.parse.urlunsplit(parts)


def check_url(url: str, option: str) -> str:
    """``url`` if it is an http(s) URL with a host; a usage error naming ``option`` if not."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http:// or https:// URL, not {public_url(url)!r}")
    if parts.username or parts.password:
        raise UsageError(
            f"{option} must not carry a user name or password ({public_url(url)}); set "
            "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD instead"
        )
    return url


def _sibling(endpoint: str, name: str) -> str:
    """Oxigraph and Fuseki serve ``.../query`` beside ``.../update`` and ``.../store``; other
    servers (Virtuoso, GraphDB) answer updates at the query URL."""
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/")[: -len("query")] + name
    return endpoint


@dataclass
class RemoteStore(Store):
    """A SPARQL 1.1 server as a kg store."""

    endpoint: str
    update_endpoint: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    #: Where kg's default graph (ontology, code lists) lives on servers without a plain
    #: default graph (Virtuoso); None: the server's default graph.
    default_graph: str | None = None

    def __post_init__(self) -> None:
        check_url(self.endpoint, "--endpoint")
        self.update_endpoint = check_url(
            self.update_endpoint or _sibling(self.endpoint, "update"), "--update-endpoint"
        )
        if self.graph_store is None and self.endpoint.rstrip("/").endswith("/query"):
            self.graph_store = _sibling(self.endpoint, "store")
        if self.graph_store is not None:
            check_url(self.graph_store, "--graph-store")
        if self.timeout <= 0:
            raise UsageError("--timeout must be more than 0 seconds")
        if self.default_graph is not None:
            check_url(self.default_graph, "--default-graph")

    # --- queries -----------------------------------------------------------------------------

    def _results(self, sparql: str, bindings: Mapping[str, Node] | None) -> dict[str, Any]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        client = SPARQLWrapper(self.endpoint)
        client.setQuery(with_terms(sparql, bindings))
        client.setMethod(POST)  # long queries over GET fail with 414
        client.setReturnFormat(JSON)
        client.setOnlyConneg(True)  # no extra URL parameters some servers reject
        client.setTimeout(int(max(1, self.timeout)))
        if self.user is not None:
            client.setCredentials(self.user, self.password or "")
        where = public_url(self.endpoint)
        try:
            response = client.query()
            body = response.response.read()
        except Exception as exc:  # every fault becomes one line
            raise self._fault(exc, where) from None
        try:
            answer = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise RemoteError(
                f"{where} answered with something that is not SPARQL JSON results "
                f"({len(body)} bytes starting {body[:40]!r})"
            ) from None
        if not isinstance(answer, dict) or "head" not in answer:
            raise RemoteError(f"{where} answered with JSON that is not SPARQL results")
        return answer

    def _fault(self, exc: Exception, where: str) -> RemoteError:
        """SPARQLWrapper's exceptions for HTTP errors, worded as every other HTTP fault."""
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            Unauthorized,
        )

        codes: dict[type, int] = {Unauthorized: 401, EndPointNotFound: 404, QueryBadFormed: 400}
        code = codes.get(type(exc), 500 if isinstance(exc, EndPointInternalError) else 0)
        if not code:
            return _network_fault(exc, where, self.timeout)
        return _http_fault(code, where, _first_line(_response_body(str(exc))))

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        answer = self._results(sparql, bindings)
        try:
            variables = tuple(answer["head"]["vars"])
            rows = [
                tuple(_term(row.get(v)) for v in variables) for row in answer["results"]["bindings"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise RemoteError(
                f"{public_url(self.endpoint)} answered with malformed SPARQL results ({exc})"
            ) from None
        return SelectResult(variables, rows)

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        answer = self._results(sparql, bindings)
        if not isinstance(answer.get("boolean"), bool):
            raise RemoteError(f"{public_url(self.endpoint)} did not answer the ASK with a boolean")
        return bool(answer["boolean"])

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> rdflib.Graph:
        body, _ = self._request(
            self.endpoint,
            urllib.parse.urlencode({"query": with_terms(sparql, bindings)}).encode(),
            "application/x-www-form-urlencoded",
            accept="application/n-triples",
        )
        graph = rdflib.Graph()
        try:
            graph.parse(data=body, format="nt")
        except Exception as exc:  # a malformed reply is one line
            raise RemoteError(
                f"{public_url(self.endpoint)} answered with malformed N-Triples ({exc})"
            ) from None
        return graph

    # --- writing -----------------------------------------------------------------------------

    def update(self, sparql_update: str, timeout: float | None = None) -> None:
        """Send one SPARQL 1.1 Update request (servers such as Oxigraph apply it in one
        transaction: all of it or nothing)."""
        assert self.update_endpoint is not None
        self._request(
            self.update_endpoint,
            sparql_update.encode("utf-8"),
            "application/sparql-update",
            timeout=timeout,
        )

    def load(
        self,
        data: bytes,
        fmt: str,
        graph: str | None = None,
        *,
        replace: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Add RDF to ``graph`` (or the default graph) with a Graph Store Protocol POST, or
        with ``replace`` make it the graph's whole content with a PUT."""
        if self.graph_store is None:
            raise UsageError("loading needs --graph-store, the server's Graph Store Protocol URL")
        if fmt not in RDF_FORMATS:
            raise UsageError(f"unknown RDF format {fmt!r}")
        target = "graph=" + urllib.parse.quote(graph, safe="") if graph else "default"
        if fmt in ("nq", "trig") and graph is None:
            url = self.graph_store  # a whole dataset
        else:
            url = f"{self.graph_store}?{target}"
        method = "PUT" if replace else "POST"
        self._request(url, data, _MEDIA_TYPES[fmt], method=method, timeout=timeout)

    def dump(self, fmt: str = "nq") -> bytes:
        raise UsageError("a remote store is not exported by kg; export the build (kg export)")

    def check(self) -> None:
        """Fail in words unless the server holds data and its default graph shows what its
        named graphs hold (two small queries)."""
        sample = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1").rows
        if not sample:
            if self.ask("ASK { ?s ?p ?o }"):
                return  # no named graphs: nothing to unite
            raise RemoteError(f"{public_url(self.endpoint)} holds no data; run 'kg push' first")
        s, p, o = sample[0]
        assert s is not None and p is not None and o is not None
        if not self.ask("ASK { ?s ?p ?o }", {"s": s, "p": p, "o": o}):
            raise RemoteError(
                f"{public_url(self.endpoint)} keeps its named graphs out of the default graph; "
                "kg needs their union (Oxigraph: start it with --union-default-graph)"
            )

    def forward(self, sparql: str, accept: str, timeout: float, limit: int) -> tuple[bytes, str]:
        """Send the query ``sparql`` to the server as the SPARQL Protocol has it (a form
        POST) with the client's ``Accept``; the server's answer (at most ``limit`` bytes,
        else an error) and its media type. For ``kg serve``'s endpoint over this server."""
        data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        body, media = self._request(
            self.endpoint,
            data,
            "application/x-www-form-urlencoded",
            accept=accept or None,
            timeout=timeout,
            limit=limit,
        )
        return body, media

    def _request(
        self,
        url: str,
        data: bytes,
        content_type: str,
        *,
        accept: str | None = None,
        timeout: float | None = None,
        method: str = "POST",
        limit: int | None = None,
    ) -> tuple[bytes, str]:
        """One HTTP request: the response body and its media type; any fault is one line."""
        headers = {"Content-Type": content_type}
        if accept:
            headers["Accept"] = accept
        if self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        where = public_url(url)
        seconds = timeout if timeout is not None else self.timeout
        try:
            with urllib.request.urlopen(request, timeout=seconds) as response:
                body = response.read() if limit is None else response.read(limit + 1)
                media = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read().decode("utf-8", "replace"))
            raise _http_fault(exc.code, where, detail) from None
        except Exception as exc:  # every fault becomes one line
            raise _network_fault(exc, where, seconds) from None
        if limit is not None and len(body) > limit:
            raise RemoteError(f"{where} answered with more than {limit:,} bytes")
        return bytes(body), media


def _term(value: Any) -> Node | None:
    """A SPARQL JSON results term as an rdflib term."""
    if value is None:
        return None
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return rdflib.URIRef(text)
    if kind == "bnode":
        return rdflib.BNode(text)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return rdflib.Literal(text, lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(text, datatype=rdflib.URIRef(datatype))
        return rdflib.Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _response_body(message: str) -> str:
    """The server's body from a SPARQLWrapper message ("...\\n\\nResponse:\\nb'<body>'")."""
    import ast

    body = message.split("Response:", 1)[1].strip() if "Response:" in message else message
    if body[:2] in ("b'", 'b"'):
        try:
            return bytes(ast.literal_eval(body)).decode("utf-8", "replace")
        except (ValueError, SyntaxError):
            pass
    return body


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0][:200] if lines else "no details").rstrip(".")


def _http_fault(code: int, where: str, detail: str) -> RemoteError:
    if code == 401:
        return RemoteError(
            f"{where} refused the credentials (HTTP 401); set KG_ENDPOINT_USER and "
            "KG_ENDPOINT_PASSWORD"
        )
    if code == 403:
        return RemoteError(
            f"{where} refused the request (HTTP 403); check KG_ENDPOINT_USER and "
            "KG_ENDPOINT_PASSWORD"
        )
    if code == 404:
        return RemoteError(f"{where} has no SPARQL endpoint there (HTTP 404)")
    if code >= 500:
        return RemoteError(f"{where} failed with a server error (HTTP {code}): {detail}")
    return RemoteError(f"{where} rejected the request (HTTP {code}): {detail}")


def _network_fault(exc: BaseException, where: str, seconds: float) -> RemoteError:
    """Connection failures and timeouts, also when wrapped by urllib or SPARQLWrapper."""
    reason: Any = exc
    if isinstance(exc, urllib.error.HTTPError):
        try:
            detail = exc.read().decode("utf-8", "replace")
        except Exception:  # a body that cannot be read: the reason phrase will do
            detail = ""
        return _http_fault(exc.code, where, _first_line(detail or str(exc.reason)))
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return RemoteError(f"{where} did not answer within {seconds:g} seconds")
    if isinstance(reason, ConnectionRefusedError):
        return RemoteError(f"{where} cannot be reached (connection refused)")
    if isinstance(reason, socket.gaierror):
        return RemoteError(f"{where} cannot be reached (unknown host)")
    if isinstance(reason, OSError) and reason.strerror:
        return RemoteError(f"{where} cannot be reached ({reason.strerror})")
    return RemoteError(f"{where} cannot be reached ({_first_line(str(reason))})")


def remote_from_options(
    endpoint: str,
    *,
    update_endpoint: str | None = None,
    timeout: float | None = None,
    default_graph: str | None = None,
    graph_store: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> RemoteStore:
    """A :class:`RemoteStore` from CLI options, with the user name and password from
    ``KG_ENDPOINT_USER`` and ``KG_ENDPOINT_PASSWORD`` (never from the command line, where
    other users of the machine could read them)."""
    import os

    env = os.environ if environ is None else environ
    return RemoteStore(
        endpoint,
        update_endpoint=update_endpoint,
        user=env.get("KG_ENDPOINT_USER") or None,
        password=env.get("KG_ENDPOINT_PASSWORD"),
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        default_graph=default_graph,
        graph_store=graph_store,
    )
