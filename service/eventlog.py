"""The widget's event log: an append-only SQLite file of impressions and clicks.

Every event lands in `events`; sponsored ones are also written to `sponsored_audit`, which triggers
keep append-only (the record of which sponsored item was shown or clicked, under which label, when).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,  -- server time, UTC, ISO 8601
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'click')),
    page_view   TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    sponsored   INTEGER NOT NULL CHECK (sponsored IN (0, 1)),
    label       TEXT,
    sponsor     TEXT
);
CREATE INDEX IF NOT EXISTS events_item ON events (item_id, kind);
CREATE TABLE IF NOT EXISTS sponsored_audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    page_view   TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    sponsor     TEXT,
    label       TEXT   -- the label the reader saw above the headline (NULL: none was sent)
);
CREATE TRIGGER IF NOT EXISTS sponsored_audit_no_update BEFORE UPDATE ON sponsored_audit
BEGIN SELECT RAISE(ABORT, 'sponsored_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS sponsored_audit_no_delete BEFORE DELETE ON sponsored_audit
BEGIN SELECT RAISE(ABORT, 'sponsored_audit is append-only'); END;
"""

INSERT_EVENT = (
    "INSERT INTO events (at, kind, page_view, article_id, snapshot, section, item_id, position,"
    " sponsored, label, sponsor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_AUDIT = (
    "INSERT INTO sponsored_audit (at, kind, page_view, article_id, snapshot, item_id, position,"
    " sponsor, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Event:
    """One validated event, ready to store."""

    at: str
    kind: str
    page_view: str
    article_id: str
    snapshot: str
    section: str
    item_id: str
    position: int
    sponsored: bool
    label: str | None
    sponsor: str | None

    def row(self) -> tuple[object, ...]:
        """Values in INSERT_EVENT's column order."""
        return (
            self.at,
            self.kind,
            self.page_view,
            self.article_id,
            self.snapshot,
            self.section,
            self.item_id,
            self.position,
            int(self.sponsored),
            self.label,
            self.sponsor,
        )

    def audit_row(self) -> tuple[object, ...]:
        """Values in INSERT_AUDIT's column order."""
        return (
            self.at,
            self.kind,
            self.page_view,
            self.article_id,
            self.snapshot,
            self.item_id,
            self.position,
            self.sponsor,
            self.label,
        )


class EventLog:
    """One connection per process, opened on first use; writers serialise on a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 5000")  # other worker processes share the file
            conn.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; cheap commits
            conn.executescript(SCHEMA)
            self._conn = conn
        return self._conn

    def append(self, events: Sequence[Event]) -> None:
        """Store a batch in one transaction: all of it or none."""
        rows = [e.row() for e in events]
        audit = [e.audit_row() for e in events if e.sponsored]
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN")
            try:
                conn.executemany(INSERT_EVENT, rows)
                if audit:
                    conn.executemany(INSERT_AUDIT, audit)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
