"""Follow CURRENT: a background task loads each newly published snapshot, without a restart.

Every `reload_interval_seconds` the task asks the runtime to load the snapshot CURRENT names, in a
worker thread so the event loop keeps answering. The runtime swaps one reference when the new
catalog is complete; a request that already holds the old recommender finishes with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from service.runtime import Runtime

log = logging.getLogger("recommender.service.reload")


async def follow(runtime: Runtime, interval: float) -> None:
    """Poll forever (until cancelled); a snapshot that fails to load is logged once and skipped."""
    failed: str | None = None
    while True:
        await asyncio.sleep(interval)
        try:
            if await asyncio.to_thread(runtime.reload):
                log.info("loaded snapshot %s", runtime.loaded_version)
            failed = None
        except Exception:
            pointer = runtime.store.current_version()
            if pointer != failed:
                log.exception(
                    "cannot load snapshot %s; still serving %s", pointer, runtime.loaded_version
                )
            failed = pointer


@contextlib.asynccontextmanager
async def following(runtime: Runtime, interval: float) -> AsyncIterator[None]:
    """Run `follow` for the lifetime of the app (nothing when `interval` is 0)."""
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(follow(runtime, interval), name="snapshot-follower")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
