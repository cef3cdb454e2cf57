"""The HTTP server kg serve runs the app under: waitress, with limits a slow or hostile client
cannot outlast. A request must arrive whole (headers and body) within ``request_seconds`` of
its first byte, an idle connection is closed after ``idle_seconds``, and at most
``connections`` are open at once; the app runs in ``threads`` threads."""

from __future__ import annotations

import logging
import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

#: Seconds a client may take to send one whole request (headers and body).
REQUEST_SECONDS = 10
#: Seconds an idle kept-alive connection stays open.
IDLE_SECONDS = 30
#: Connections open at once (waitress stops accepting beyond, until some close).
CONNECTIONS = 250
#: Threads that run the app (pages, queries, the case finder).
THREADS = 8


class _TimedChannel(HTTPChannel):  # type: ignore[misc]
    """A connection that notes when the request it is reading began."""

    request_began: float = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_began = time.monotonic()
        return bool(super().received(data))


def _maintenance(server: Any, request_seconds: float) -> Any:
    """Waitress's sweep of idle connections, also closing those whose request is still
    incomplete ``request_seconds`` after it began (a client sending a byte now and then)."""
    idle_sweep = server.maintenance

    def sweep(now: float) -> None:
        idle_sweep(now)
        late = time.monotonic() - request_seconds
        for channel in list(server.active_channels.values()):
            if getattr(channel, "request", None) is not None and channel.request_began < late:
                channel.will_close = True

    return sweep


def make_server(
    app: Any,
    host: str,
    port: int,
    *,
    max_body: int,
    threads: int = THREADS,
    request_seconds: float = REQUEST_SECONDS,
    idle_seconds: int = IDLE_SECONDS,
    connections: int = CONNECTIONS,
) -> Any:
    """A waitress server for ``app`` on ``host``:``port``, not yet running (``.run()``)."""
    # waitress warns "Task queue depth is 1" whenever a request waits a moment for a thread
    # (at start, before the threads are idle, or under load): not something a person running
    # kg serve can act on, so it stays out of the log. Errors still show.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=max_body,
        channel_timeout=idle_seconds,
        cleanup_interval=1,
        connection_limit=connections,
        ident="kg serve",
    )
    if isinstance(server, BaseWSGIServer):
        listeners = [server]
    else:  # one listener per address the host name resolves to
        listeners = [d for d in server.map.values() if isinstance(d, BaseWSGIServer)]
    for listener in listeners:
        listener.channel_class = _TimedChannel
        listener.maintenance = _maintenance(listener, request_seconds)
    return server
