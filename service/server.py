"""The uvicorn side of `recommender serve`: its options from settings, and a header-read timeout.

uvicorn bounds a connection's idle time only *between* requests (`timeout_keep_alive`, armed when
a response completes). A client that connects and sends nothing, or half a request line, or
headers that never end, holds its connection (a socket, a protocol object, a concurrency slot)
for ever: uvicorn has no header-read timeout of its own (issue #11: 500 half-open connections
were held for as long as the clients wished).

`HeaderTimeoutH11Protocol` is uvicorn's h11 protocol plus one timer: a request's head (request
line and headers) must be complete within `header_timeout` seconds of the moment the server
started waiting for it (the connection opened, or the first byte after an idle keep-alive),
else the connection is closed. h11 is used (not httptools) because it also bounds the size of
an incomplete head (`h11_max_incomplete_event_size`; above it: 431/400 and close).

Bodies are not covered by this timer: the app reads them, bounded by MAX_BODY_BYTES, and a
client trickling one holds only its own request. Put a reverse proxy with client timeouts in
front for that (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import Server, ServerState
from uvicorn.supervisors import Multiprocess

from recommender.settings import ServiceSettings

STARTUP_FAILURE = 3  # uvicorn.main.STARTUP_FAILURE: the exit status of a server that did not start
PROTOCOL = "service.server:HeaderTimeoutH11Protocol"  # a string: worker processes import it


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head (see the module doc)."""

    # uvicorn builds a protocol per connection from its Config; the timeout travels on the
    # Config as an extra attribute (`configure` below), default when it is absent.
    DEFAULT_TIMEOUT = 10.0

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout: float = getattr(config, "header_timeout", self.DEFAULT_TIMEOUT)
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # the first request's head is due now, even if no byte ever comes

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # parses; a complete head starts the request's task
        self._follow_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms keep-alive; may start a pipelined request
        self._cancel()  # idle again: keep-alive covers the wait, the next byte re-arms
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        if self.conn.trailing_data[0]:  # a pipelined, incomplete head is already waiting
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def _follow_state(self) -> None:
        """Armed while the peer is still sending a head (h11's IDLE), cancelled once it is done."""
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm()
        else:
            self._cancel()

    def _arm(self) -> None:
        if self.header_timer is None and self.header_timeout > 0:
            self.header_timer = self.loop.call_later(self.header_timeout, self._expired)

    def _cancel(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _expired(self) -> None:
        self.header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()  # no answer: the peer never sent a request to answer


def uvicorn_options(service: ServiceSettings) -> dict[str, Any]:
    """Keyword arguments of `uvicorn.run` / `uvicorn.Config` for the limits in `service`."""
    return {
        "http": PROTOCOL,
        "timeout_keep_alive": service.keep_alive_timeout_seconds,
        "limit_concurrency": service.limit_concurrency or None,
        "h11_max_incomplete_event_size": service.max_header_bytes,
    }


def server_config(app: Any, service: ServiceSettings, **options: Any) -> Config:
    """A uvicorn Config with the limits of `service` and its header-read timeout attached.

    The timeout is an extra attribute of the Config (uvicorn has no such option): the protocol
    reads it per connection, and it survives the pickling that hands the Config to workers.
    """
    config = Config(app, **uvicorn_options(service), **options)
    config.header_timeout = service.header_timeout_seconds  # type: ignore[attr-defined]
    return config


def run(app: Any, service: ServiceSettings, **options: Any) -> None:
    """`uvicorn.run` with our Config: one process, or `workers` processes (an import string)."""
    config = server_config(app, service, **options)
    server = Server(config=config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        sys.exit(STARTUP_FAILURE)
