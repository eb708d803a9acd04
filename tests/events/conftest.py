"""The event store suite's `store`: the store of `backend` (tests/conftest.py), both of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recommender.events.store import EventStore
from tests.event_stores import Backend


@pytest.fixture
def store(backend: Backend) -> Iterator[EventStore]:
    s = backend.open()
    yield s
    s.close()
