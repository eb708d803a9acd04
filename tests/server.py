"""A real uvicorn server in a thread, on a free loopback port (as httpx's own tests do)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from recommender.settings import ServiceSettings
from service.server import server_config


@contextmanager
def running_server(app: FastAPI, service: ServiceSettings | None = None) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (any free port) and yield its base URL; with the limits of
    `service` (uvicorn options and header-read timeout, as `recommender serve`) when given."""
    options = {"host": "127.0.0.1", "port": 0, "log_level": "warning", "lifespan": "on"}
    if service is not None:
        config = server_config(app, service, **options)
    else:
        config = uvicorn.Config(app, **options)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
