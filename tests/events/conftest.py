"""Both event stores (#15): tests that take `backend` run against the embedded SQLite file and a
real PostgreSQL database (tests/postgres.py; skipped, saying why, where none can be started)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from recommender.events.store import EventStore, SQLiteEventStore


@dataclass(frozen=True)
class Backend:
    """One store's kind, where its data is, and how to reach it without the store."""

    name: str
    path: Path  # the SQLite file (unused by PostgreSQL)
    url: str | None  # the PostgreSQL database

    def open(self, audit_retention_days: int = 400) -> EventStore:
        if self.url is None:
            return SQLiteEventStore(self.path, audit_retention_days=audit_retention_days)
        from recommender.events.postgres import PostgresEventStore

        return PostgresEventStore(self.url, audit_retention_days=audit_retention_days)

    def overrides(self) -> dict[str, object]:
        """The settings that choose this store."""
        if self.url is None:
            return {"event_log_path": self.path}
        return {"events_url": self.url}

    @property
    def error(self) -> type[Exception]:
        """What a statement the database refuses raises."""
        if self.url is None:
            return sqlite3.DatabaseError
        import psycopg

        return psycopg.Error

    def raw(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """SQL on a connection of its own (what anyone with the file or a login could run)."""
        if self.url is None:
            with closing(sqlite3.connect(self.path, isolation_level=None)) as db:
                return db.execute(sql, args).fetchall()
        import psycopg

        from recommender.events.postgres import dialect

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(dialect(sql), args)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    return Backend(request.param, tmp_path / "events.sqlite3", url)


@pytest.fixture
def store(backend: Backend) -> Iterator[EventStore]:
    s = backend.open()
    yield s
    s.close()
