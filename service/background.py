"""Background work that lives as long as the app: the snapshot follower, the metrics mirror."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

__all__ = ["running"]


@contextlib.asynccontextmanager
async def running(work: Coroutine[Any, Any, None] | None, name: str) -> AsyncIterator[None]:
    """Run `work` as a task while the block runs, cancelled when it ends (nothing when None)."""
    if work is None:
        yield
        return
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
