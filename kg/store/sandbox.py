"""Running a visitor's SPARQL query with limits, for kg serve's ``/sparql``.

Each query runs in a worker process of its own that

- reads the query with a real SPARQL parser first (:mod:`kg.sparql.parse`): an update or a
  ``SERVICE`` is refused before anything runs;
- has no network where the system allows it (a user and network namespace of its own), so
  a ``SERVICE`` no parser saw still finds no network; where it cannot, the worker runs only
  queries the parser read completely (and kg serve says so, :func:`isolation_works`);
- is stopped after a time limit (pyoxigraph cannot interrupt a query, a process can be
  killed), may use at most a set amount of memory (``RLIMIT_DATA``) and CPU time
  (``RLIMIT_CPU``, a backstop), runs at a lower priority than the server, and dies with the
  server (``PR_SET_PDEATHSIG``), so nothing runs on after it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.media import GRAPH_TYPES, RESULT_TYPES, negotiate

#: The largest answer a query may give.
MAX_ANSWER_BYTES = 100_000_000
#: The memory a worker may take by default (``kg serve --sparql-memory``).
MEMORY_BYTES = 1024 * 1024 * 1024
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # what rdflib asks for N-Triples by
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
}
#: ``?format=`` (as SPARQLWrapper and many servers send it): the media type each name
#: stands for, for results (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE).
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "ttl": (None, "text/turtle"),
    "turtle": (None, "text/turtle"),
    "n3": (None, "text/turtle"),  # Turtle is N3 for data
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    "rdf": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
    "rdfxml": (None, "application/rdf+xml"),
}


class Refused(KgError):
    """A query the sandbox did not answer, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Ask:
    """One SPARQL Protocol request, as a worker runs it."""

    sparql: str
    #: The ``Accept`` header (may be empty).
    accept: str = ""
    #: ``format=`` (a key of :data:`FORMAT_NAMES`), or None.
    format: str | None = None
    #: What relative IRIs in the query are resolved against (the endpoint's URL).
    base_iri: str | None = None
    #: ``default-graph-uri`` and ``named-graph-uri`` of the protocol.
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Limits:
    """What one worker may use."""

    seconds: float = 30.0
    memory: int = MEMORY_BYTES
    #: Run a query only if the SPARQL parser read it completely and found no SERVICE, even
    #: where the worker has no network (always so when forwarding to another server).
    strict: bool = False


def check_query(sparql: str, seconds: float) -> None:
    """Refuse what is not a SPARQL query kg may pass on (an update, SERVICE, a syntax error,
    a text the parser cannot read) before it is sent to a server: read in a worker process,
    like any query here."""
    run_limited(None, Ask(sparql), Limits(seconds=seconds, strict=True))


def run_limited(location: Path | None, ask: Ask, limits: Limits) -> tuple[bytes, str]:
    """Run ``ask`` on the store at ``location`` (None: only check the query) in a worker
    process within ``limits``: the serialised answer in the media type asked for, and that
    type. Raises :class:`Refused` with the HTTP status otherwise."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_answer,
        args=(None if location is None else str(location), ask, limits, send),
        daemon=True,
    )
    worker.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise Refused(503, f"the query ran longer than {limits.seconds:g} s and was stopped")
        try:
            status, payload, media = receive.recv()
        except EOFError:
            worker.join(1)
            raise Refused(
                503,
                "the query was stopped: it needed more than "
                f"{limits.memory // 2**20:,} MiB of memory or more time than allowed",
            ) from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receive.close()
    if status != 200:
        raise Refused(status, payload.decode("utf-8"))
    return payload, media


def isolation_works() -> bool:
    """Whether a worker can be cut off the network on this system (a namespace of its own
    with no device but a loopback that is down)."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_probe, args=(send,), daemon=True)
    worker.start()
    send.close()
    try:
        return bool(receive.poll(20) and receive.recv())
    except EOFError:
        return False
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receive.close()


def _context() -> Any:
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    # each worker starts in milliseconds, with the parser already read
    context.set_forkserver_preload(["kg.store.sandbox", "kg.sparql.parse", "rdflib"])
    return context


def _probe(send: Any) -> None:
    try:
        send.send(_without_network())
    finally:
        send.close()


def _without_network() -> bool:
    """Move this process into a user and network namespace of its own, with no network
    device: a SERVICE no parser saw would find no network. False where the system does not
    allow it (Docker's default seccomp profile, some hardened kernels)."""
    import ctypes
    import socket
    import sys

    if not sys.platform.startswith("linux"):
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newuser | clone_newnet) != 0:
            return False
    except (OSError, AttributeError):
        return False
    try:  # a fresh namespace holds only "lo", and it is down
        return [name for _, name in socket.if_nameindex()] == ["lo"]
    except OSError:
        return False


def _confine(limits: Limits) -> None:
    """Die with the parent, run below the server's priority, and cap memory and CPU."""
    import ctypes
    import os
    import resource
    import signal
    import sys

    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    with contextlib.suppress(OSError):
        os.nice(10)
    with contextlib.suppress(OSError):  # an engine's abort message is not the server's log
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    cpu = int(limits.seconds) + 5
    for limit, value in ((resource.RLIMIT_DATA, limits.memory), (resource.RLIMIT_CPU, cpu)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


def _answer(location: str | None, ask: Ask, limits: Limits, send: Any) -> None:
    """The worker of :func:`run_limited`: (status, body, media type) through ``send``."""
    try:
        send.send(_run(location, ask, limits))
    except MemoryError:
        send.send((503, b"the query needed more memory than allowed and was stopped", ""))
    except Exception as exc:  # the parent turns this into one line; no traceback leaves
        send.send((500, f"the query failed: {type(exc).__name__}".encode(), "text/plain"))
    finally:
        send.close()


def _refuse(status: int, message: str) -> tuple[int, bytes, str]:
    return status, message.encode("utf-8"), "text/plain"


def _run(location: str | None, ask: Ask, limits: Limits) -> tuple[int, bytes, str]:
    from kg.sparql.parse import inspect

    _confine(limits)
    isolated = _without_network()
    reading = inspect(ask.sparql)
    if reading.update:
        return _refuse(403, "kg serve is read-only: updates are refused")
    if reading.service:
        return _refuse(403, "SERVICE is not allowed: kg serve fetches nothing elsewhere")
    if not reading.parsed and (limits.strict or not isolated):
        return _refuse(
            400,
            "kg cannot check this query for SERVICE (its SPARQL parser, rdflib's, does not "
            f"read it: {reading.problem}); write it more plainly",
        )
    store = ox.Store() if location is None else ox.Store.read_only(location)
    dataset: dict[str, Any] = {}
    if ask.default_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in ask.default_graphs]
    if ask.named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in ask.named_graphs]
    if not dataset and not reading.dataset:
        dataset["use_default_graph_as_union"] = True  # every source graph, as kg's queries
    try:
        result = store.query(ask.sparql, base_iri=ask.base_iri, **dataset)
        if location is None:
            return 200, b"", ""
        if isinstance(result, ox.QueryTriples):
            triples = list(result)  # evaluation errors come out here, before the answer
            media = _pick(ask, GRAPH_TYPES, 1, "text/turtle")
            if media is None:
                return _refuse(406, _not_offered(ask, GRAPH_TYPES))
            body = ox.serialize(triples, format=_GRAPH_FORMATS[media]) or b""
        else:
            boolean = isinstance(result, ox.QueryBoolean)
            offers = [t for t in RESULT_TYPES if not (boolean and t.startswith("text/"))]
            media = _pick(ask, tuple(offers), 0, "application/sparql-results+json")
            if media is None:
                return _refuse(406, _not_offered(ask, tuple(offers), boolean))
            body = result.serialize(format=_RESULT_FORMATS[media]) or b""
    except SyntaxError as exc:
        return _refuse(400, "not a SPARQL query: " + " ".join(str(exc).split()))
    except RuntimeError as exc:  # an evaluation error the query caused: a function unknown
        message = " ".join(str(exc).split())
        if "not supported" in message or "custom function" in message:
            return _refuse(400, f"the query cannot be evaluated: {message}")
        raise
    if len(body) > MAX_ANSWER_BYTES:
        return _refuse(413, f"the answer is larger than {MAX_ANSWER_BYTES:,} bytes; add a LIMIT")
    return 200, bytes(body), media


def _pick(ask: Ask, offers: tuple[str, ...], side: int, default: str) -> str | None:
    """The media type of the answer: ``format=`` if given and it fits this kind of answer,
    else what the ``Accept`` header prefers among ``offers`` (None: nothing acceptable)."""
    if ask.format is not None:
        return FORMAT_NAMES[ask.format][side]
    return negotiate(ask.accept, list(offers), default)


def _not_offered(ask: Ask, offers: tuple[str, ...], boolean: bool = False) -> str:
    if ask.format is not None:
        return f"format={ask.format} does not fit this query's answer"
    kind = "an ASK answer (CSV and TSV carry only tables)" if boolean else "this answer"
    return f"none of the accepted media types fits {kind}; offered: {', '.join(offers)}"
