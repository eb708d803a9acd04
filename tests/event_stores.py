"""The two event stores as the tests reach them (#15): `Backend` says which store, opens it,
names the settings that choose it and runs raw SQL beside it. The `backend` fixture
(tests/conftest.py) gives each test taking it both: SQLite, and a real PostgreSQL database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        """The settings that choose this store (SQLite: the default file in the data dir)."""
        return {} if self.url is None else {"events_url": self.url}

    def env(self) -> dict[str, str]:
        """The same as RECOMMENDER_* variables, for commands."""
        return {} if self.url is None else {"RECOMMENDER_EVENTS_URL": self.url}

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
