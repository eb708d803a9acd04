"""`EventStore` in PostgreSQL (RECOMMENDER_EVENTS_URL): one database that every replica and worker
shares, through a connection pool per process (psycopg 3 and psycopg_pool, the `postgres` extra).

The tables, the queries and the guarantees are the SQLite store's (recommender.events.store runs
the same SQL on either connection). What a server with concurrent writers changes:

- Roll-ups count raw events by id, and ids of concurrent transactions may commit out of order: a
  roll-up first takes `SHARE ROW EXCLUSIVE` on `events`, which waits for every open insert and
  holds new ones (as SQLite's write lock does), and which only one roll-up holds at a time.
- The schema is versioned in `migrations/postgres/NNNN_name.sql`, applied in order under an
  advisory lock (replicas starting together apply each once) and recorded in `schema_migrations`.
- The audit's retention lives in `audit_policy`, read by the delete trigger (SQLite writes the
  number into the trigger); TRUNCATE, which fires no row trigger, is refused by its own.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from recommender.errors import EventStoreUnavailable
from recommender.events.store import (
    Appended,
    ArmClicks,
    Click,
    Event,
    HourCount,
    Placement,
    Pruned,
    ServedList,
    add_rejects,
    append_batch,
    arm_click_rows,
    click_rows,
    counts,
    export_rows,
    hour_counts,
    page_view_count,
    pending_hour_counts,
    placement_rows,
    prune_rows,
    roll_up_rows,
    served_rows,
)

MIGRATIONS = "migrations/postgres"  # under this package: NNNN_name.sql, applied in order
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MIGRATIONS_LOCK = 0x7265636F  # pg_advisory_xact_lock key while migrating ("reco")
TABLES = ("events", "served", "event_hours", "rollup_state", "rejects", "sponsored_audit",
          "audit_prunes")  # fmt: skip
CONNECT_TIMEOUT_S = 5.0  # EVENTS_TIMEOUT_SECONDS' default: how soon an unreachable database fails


@functools.lru_cache(maxsize=256)
def dialect(sql: str) -> str:
    """The shared queries' `?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresConnection:
    """A pooled connection in a transaction, taking the shared queries' SQL (`Executor`)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self.conn.execute(dialect(sql), parameters)


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration in the package, in order."""
    folder = resources.files("recommender.events").joinpath(MIGRATIONS)
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version in {MIGRATIONS}: {versions}")
    return found


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply the migrations this database lacks, in order, in one transaction; their versions."""
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
            " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations():
            if version in done:
                continue
            conn.execute(sql.encode())  # no parameters: the file's statements as they are
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )
            applied.append(version)
    return applied


class PostgresEventStore:
    """`EventStore` in a PostgreSQL database. The pool opens (and migrates) on first use."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 4,
        audit_retention_days: int = 400,
        timeout_s: float = CONNECT_TIMEOUT_S,
    ) -> None:
        self.url = url
        self.pool_size = pool_size
        self.timeout_s = timeout_s
        self.audit_retention_days = audit_retention_days
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._lock = threading.Lock()

    def _opened(self) -> ConnectionPool[psycopg.Connection[Any]]:
        with self._lock:
            if self._pool is None:
                pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"connect_timeout": max(1, round(self.timeout_s))},
                    timeout=self.timeout_s,  # waiting for a free connection, too
                    open=False,
                )
                try:
                    pool.open(wait=True, timeout=self.timeout_s)
                    with pool.connection() as conn:
                        migrate(conn)
                        _set_audit_retention(PostgresConnection(conn), self.audit_retention_days)
                except BaseException:
                    pool.close()
                    raise
                self._pool = pool
            return self._pool

    @contextmanager
    def _transaction(self) -> Iterator[PostgresConnection]:
        """One transaction on a pooled connection: committed at the end, rolled back on error.
        A server that cannot be reached is a domain error (503 from the service)."""
        try:
            with self._opened().connection() as conn, conn.transaction():
                yield PostgresConnection(conn)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise EventStoreUnavailable(f"event store unreachable: {exc}") from exc

    def count_for_page_view(self, page_view: str) -> int:
        with self._transaction() as conn:
            return page_view_count(conn, page_view)

    def append(self, events: Sequence[Event], served: Sequence[ServedList] = ()) -> Appended:
        with self._transaction() as conn:
            return append_batch(conn, events, served)

    def record_rejects(self, reasons: Mapping[str, int], day: str) -> None:
        if not reasons:
            return
        with self._transaction() as conn:
            add_rejects(conn, reasons, day)

    def roll_up(self, now: datetime) -> int:
        """Count raw events of finished hours into `event_hours`, each once (module docstring)."""
        with self._transaction() as conn:
            conn.execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
            return roll_up_rows(conn, now)

    def prune(self, now: datetime, retention_days: int, audit_retention_days: int) -> Pruned:
        rolled = self.roll_up(now)
        with self._transaction() as conn:
            _set_audit_retention(conn, audit_retention_days)
            events, audit = prune_rows(conn, now, retention_days, audit_retention_days)
        return Pruned(rolled, events, audit)

    def hours(self, since: str, until: str | None = None) -> list[HourCount]:
        with self._transaction() as conn:
            return hour_counts(conn, since, until)

    def pending_hours(self, since: str) -> list[HourCount]:
        with self._transaction() as conn:
            return pending_hour_counts(conn, since)

    def clicks(self, since: str) -> list[Click]:
        with self._transaction() as conn:
            return click_rows(conn, since)

    def placements(self, since: str) -> list[Placement]:
        with self._transaction() as conn:
            return placement_rows(conn, since)

    def export(self, since: str) -> Iterator[dict[str, Any]]:
        with self._transaction() as conn:
            rows = export_rows(conn, since)
        yield from rows

    def arm_clicks(self) -> list[ArmClicks]:
        with self._transaction() as conn:
            return arm_click_rows(conn)

    def served_lists(self) -> dict[tuple[str, str], tuple[str, ...]]:
        with self._transaction() as conn:
            return served_rows(conn)

    def stats(self) -> dict[str, Any]:
        with self._transaction() as conn:
            counted = counts(conn)
            size = conn.execute(
                "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c"
                " WHERE c.relname = ANY(?) AND c.relnamespace = to_regnamespace(current_schema())",
                (list(TABLES),),
            ).fetchone()[0]
        return {**counted, "bytes": int(size or 0)}

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def _set_audit_retention(conn: PostgresConnection, days: int) -> None:
    """AUDIT_RETENTION_DAYS for the delete trigger (written only when it changes)."""
    conn.execute(
        "UPDATE audit_policy SET retention_days = ? WHERE retention_days <> ?", (days, days)
    )
