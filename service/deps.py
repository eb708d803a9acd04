"""Dependencies handed to routes: the runtime, its settings and the current recommender.

They are `async def` on purpose: FastAPI runs plain `def` dependencies in a worker thread, and
three thread hops per request cost more than the whole recommendation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from recommender.serving.engine import Recommender
from service.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def current_recommender(request: Request) -> Recommender:
    """The current recommender, without the dependency machinery (the hot route calls it)."""
    runtime: Runtime = request.app.state.runtime
    return runtime.recommender


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
