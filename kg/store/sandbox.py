"""Running a visitor's SPARQL query with limits: in a worker process that is stopped after a
time limit (pyoxigraph cannot interrupt a query, a process can be killed) and that has no
network where the system allows it (a network namespace of its own), so a ``SERVICE`` the
text check missed finds no network. Used by kg serve's ``/sparql``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.media import GRAPH_TYPES, RESULT_TYPES, negotiate

#: The largest answer a query may give.
MAX_ANSWER_BYTES = 100_000_000
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


class Refused(KgError):
    """A query the sandbox did not answer, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_query(sparql: str, seconds: float) -> None:
    """Refuse what is not a SPARQL query (an update, a syntax error) before it is sent to a
    server: parsed by running it on an empty store in a worker process, like any query here
    (stopped after ``seconds``, without a network where the system allows that)."""
    run_limited(None, sparql, "", seconds)


def run_limited(
    location: Path | None, sparql: str, accept: str, seconds: float
) -> tuple[bytes, str]:
    """Run ``sparql`` on the store at ``location`` (None: an empty one, to check a query) in
    a separate process that is stopped after ``seconds`` and that has no network where the
    system allows it: the serialised answer in the media type ``accept`` prefers, and that
    type. Raises :class:`Refused` with the HTTP status otherwise."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.store.sandbox"])  # each worker starts in milliseconds
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_answer,
        args=(None if location is None else str(location), sparql, accept, send),
        daemon=True,
    )
    worker.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise Refused(503, f"the query ran longer than {seconds:g} s and was stopped")
        try:
            status, payload, media = receive.recv()
        except EOFError:
            raise Refused(500, "the query stopped without an answer") from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receive.close()
    if status != 200:
        raise Refused(status, payload.decode("utf-8"))
    return payload, media


def _without_network() -> bool:
    """Move this process into a user and network namespace of its own, with no network
    device: a SERVICE the text check missed would find no network. False where the
    system does not allow it (the text check still refuses SERVICE)."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(clone_newuser | clone_newnet) == 0)
    except (OSError, AttributeError):
        return False


def _answer(location: str | None, sparql: str, accept: str, send: Any) -> None:
    """The worker of :func:`run_limited`: (status, body, media type) through ``send``."""
    try:
        _without_network()
        store = ox.Store() if location is None else ox.Store.read_only(location)
        try:
            result = store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            message = "not a SPARQL query: " + " ".join(str(exc).split())
            send.send((400, message.encode("utf-8"), "text/plain"))
            return
        if isinstance(result, ox.QueryTriples):
            media = negotiate(accept, list(GRAPH_TYPES), "text/turtle")
            body = result.serialize(format=_GRAPH_FORMATS[media]) or b""
        else:
            media = negotiate(accept, list(RESULT_TYPES), "application/sparql-results+json")
            body = result.serialize(format=_RESULT_FORMATS[media]) or b""
        if len(body) > MAX_ANSWER_BYTES:
            message = f"the answer is larger than {MAX_ANSWER_BYTES:,} bytes; add a LIMIT"
            send.send((413, message.encode("utf-8"), "text/plain"))
            return
        send.send((200, bytes(body), media))
    except Exception as exc:  # the parent turns this into one line; no traceback leaves
        send.send((500, f"the query failed: {type(exc).__name__}".encode(), "text/plain"))
    finally:
        send.close()
