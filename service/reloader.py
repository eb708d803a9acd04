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

from recommender.errors import RecommenderError
from service.background import running
from service.runtime import Runtime

log = logging.getLogger("recommender.service.reload")


# Longest wait between two attempts after unexpected errors (the back-off doubles up to it).
MAX_BACKOFF_SECONDS = 300.0


async def follow(runtime: Runtime, interval: float) -> None:
    """Poll forever (until cancelled); nothing but cancellation ends the loop.

    A rejected snapshot (verification, invariants, incompatible) is logged once by the runtime
    and tried again on the next tick. Any other exception is logged, counted
    (`runtime.reload_errors`) and retried with back-off: the interval doubles per consecutive
    failure, up to MAX_BACKOFF_SECONDS (or the interval, if longer).
    """
    failures = 0
    while True:
        delay = (
            interval
            if failures == 0
            else min(interval * 2 ** min(failures, 16), backoff_cap(interval))
        )
        await asyncio.sleep(delay)
        try:
            if await asyncio.to_thread(runtime.reload):
                log.info("loaded snapshot %s", runtime.loaded_version)
            failures = 0
        except RecommenderError:
            failures = 0  # a rejected snapshot: the runtime logged and counted it
        except Exception:
            failures += 1
            runtime.reload_errors += 1
            with contextlib.suppress(Exception):  # the loop outlives a broken log handler
                log.exception(
                    "reload failed (%d in a row); still serving %s",
                    failures,
                    runtime.loaded_version,
                )


def backoff_cap(interval: float) -> float:
    return max(MAX_BACKOFF_SECONDS, interval)


@contextlib.asynccontextmanager
async def following(runtime: Runtime, interval: float) -> AsyncIterator[None]:
    """Run `follow` for the lifetime of the app (nothing when `interval` is 0)."""
    async with running(follow(runtime, interval) if interval > 0 else None, "snapshot-follower"):
        yield
