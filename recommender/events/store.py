"""The event log: raw impressions and clicks, hourly roll-ups, the sponsored audit, behind one
interface (`EventStore`) with SQLite (WAL) as the embedded implementation.

- `events`: raw events, one impression and one click per (page view, item) (later copies are
  duplicates and are dropped); a click with no impression of the same page view is kept, flagged
  `no_impression`. Kept `EVENTS_RETENTION_DAYS`, then pruned once rolled up.
- `event_hours`: per hour, item, section and position: impressions and clicks. Kept.
- `sponsored_audit`: every sponsored event, append-only: triggers refuse updates, and deletes of
  rows younger than `AUDIT_RETENTION_DAYS`. Pruning past retention is the only deletion possible,
  and each is recorded in `audit_prunes` (itself append-only).
- `rejects`: refused events per day and reason (flushed by the service).
- `served`: per page view and editorial section with events, the items its signed token says
  were served, in order (the replay's impressions, recommender.replay). Pruned with raw events.

Writers serialise on SQLite's own lock (several worker processes share the file); pruning runs
in short transactions, so it is safe while the service writes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from recommender.faults import crash_point

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,  -- server time, UTC, ISO 8601 with milliseconds
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'click')),
    page_view   TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    sponsored   INTEGER NOT NULL CHECK (sponsored IN (0, 1)),
    label       TEXT,
    sponsor     TEXT,
    flag        TEXT,    -- 'no_impression': a click without an impression of its page view
    experiment  TEXT,    -- the interleaving experiment of the page view (signed in the token)
    arm         TEXT,    -- the experiment's arm whose list the item came from (None: pinned)
    history     TEXT     -- clicks: the reader history of the answer, comma-separated (#13)
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE TABLE IF NOT EXISTS served (  -- #13: what the token says a page view's section showed
    page_view   TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    at          TEXT    NOT NULL,  -- when its first event was stored
    article_id  TEXT    NOT NULL,
    items       TEXT    NOT NULL,  -- JSON list of the item ids in served order
    PRIMARY KEY (page_view, section)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS served_at ON served (at);
CREATE TABLE IF NOT EXISTS event_hours (
    hour        TEXT    NOT NULL,  -- UTC hour, 'YYYY-MM-DDTHH'
    item_id     TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    impressions INTEGER NOT NULL DEFAULT 0,
    clicks      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, item_id, section, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_state (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rejects (
    day         TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (day, reason)
) WITHOUT ROWID;
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
    label       TEXT   -- the label the catalogue gives the item (shown above its headline)
);
CREATE INDEX IF NOT EXISTS sponsored_audit_at ON sponsored_audit (at);
CREATE TABLE IF NOT EXISTS audit_prunes (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    cutoff      TEXT    NOT NULL,  -- rows older than this were deleted
    deleted     INTEGER NOT NULL,
    retention_days INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS sponsored_audit_no_update BEFORE UPDATE ON sponsored_audit
BEGIN SELECT RAISE(ABORT, 'sponsored_audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_prunes_no_update BEFORE UPDATE ON audit_prunes
BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_prunes_no_delete BEFORE DELETE ON audit_prunes
BEGIN SELECT RAISE(ABORT, 'audit_prunes is append-only'); END;
"""

# Deletes from the audit are refused unless the row is older than the retention; the number of
# days is part of the trigger, so it is recreated when the setting changes.
AUDIT_DELETE_TRIGGER = """
CREATE TRIGGER sponsored_audit_retention BEFORE DELETE ON sponsored_audit
WHEN OLD.at >= strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-{days} days')
BEGIN SELECT RAISE(ABORT, 'sponsored_audit rows are kept for {days} days'); END;
"""
# Pre-#10 files had an unconditional no-delete trigger; it is replaced by the retention one.
OLD_TRIGGERS = ("sponsored_audit_no_delete", "sponsored_audit_retention")

INSERT_EVENT = (
    "INSERT INTO events (at, kind, page_view, article_id, snapshot, section, item_id, position,"
    " sponsored, label, sponsor, flag, experiment, arm, history)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    # Only a repeat of (page view, item, kind) is dropped; any other violation still raises.
    " ON CONFLICT (page_view, item_id, kind) DO NOTHING"
)
INSERT_SERVED = (
    "INSERT INTO served (page_view, section, at, article_id, items) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (page_view, section) DO NOTHING"
)
INSERT_AUDIT = (
    "INSERT INTO sponsored_audit (at, kind, page_view, article_id, snapshot, item_id, position,"
    " sponsor, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another (several processes share the file)
ROLLED_UP = "rolled_up_id"  # rollup_state: the last raw event id counted in event_hours


def iso(moment: datetime) -> str:
    """The stored form of a time: UTC ISO 8601 with milliseconds (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Event:
    """One validated event, ready to store (sponsor and label come from the catalogue)."""

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
    experiment: str | None = None  # interleaved answers only (recommender.experiments)
    arm: str | None = None
    history: str | None = None  # clicks: the answer's reader history, comma-separated


@dataclass(frozen=True)
class ServedList:
    """The items a page view's section showed, in order, as its verified token lists them."""

    page_view: str
    section: str
    at: str
    article_id: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ArmClicks:
    """Clicks of one page view of an experiment on the items of one arm (None: pinned)."""

    experiment: str
    page_view: str
    arm: str | None
    clicks: int


@dataclass(frozen=True)
class Appended:
    stored: int
    duplicates: int
    flagged: int
    # (kind, section, position) of each stored event, for the CTR metrics (service.metrics)
    slots: tuple[tuple[str, str, int], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Pruned:
    rolled_up: int
    events: int
    audit: int


@dataclass(frozen=True)
class Click:
    """A stored click, for co-reading: the page view, the article it was on, the item clicked,
    and the reader history of the answer it came from."""

    page_view: str
    article_id: str
    item_id: str
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class HourCount:
    hour: str
    item_id: str
    section: str
    position: int
    impressions: int
    clicks: int


@dataclass(frozen=True)
class Placement:
    """Impressions and clicks of one item at one position of one article's widget section."""

    article_id: str
    section: str
    item_id: str
    position: int
    impressions: int
    clicks: int


class EventStore(Protocol):
    """What the service and the jobs need of an event log."""

    def count_for_page_view(self, page_view: str) -> int: ...

    def append(self, events: Sequence[Event], served: Sequence[ServedList] = ()) -> Appended: ...

    def record_rejects(self, reasons: Mapping[str, int], day: str) -> None: ...

    def roll_up(self, now: datetime) -> int: ...

    def prune(self, now: datetime, retention_days: int, audit_retention_days: int) -> Pruned: ...

    def hours(self, since: str, until: str | None = None) -> list[HourCount]: ...

    def pending_hours(self, since: str) -> list[HourCount]: ...

    def clicks(self, since: str) -> list[Click]: ...

    def placements(self, since: str) -> list[Placement]: ...

    def export(self, since: str) -> Iterator[dict[str, Any]]: ...

    def arm_clicks(self) -> list[ArmClicks]: ...

    def served_lists(self) -> dict[tuple[str, str], tuple[str, ...]]: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class SQLiteEventStore:
    """`EventStore` in one SQLite file (WAL). One connection per process, opened on first use."""

    def __init__(self, path: Path, *, audit_retention_days: int = 400) -> None:
        self.path = path
        self.audit_retention_days = audit_retention_days
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # processes share it
                _wal(conn)  # readers never block the writer
                conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; cheap
                conn.executescript(SCHEMA)  # idempotent
                with _transaction(conn):
                    _migrate(conn)
                    _set_audit_retention(conn, self.audit_retention_days)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def count_for_page_view(self, page_view: str) -> int:
        with self._lock:
            return page_view_count(self._connection(), page_view)

    def append(self, events: Sequence[Event], served: Sequence[ServedList] = ()) -> Appended:
        """Store a batch in one transaction (`append_batch`)."""
        with self._lock:
            conn = self._connection()
            with _transaction(conn):
                return append_batch(conn, events, served)

    def record_rejects(self, reasons: Mapping[str, int], day: str) -> None:
        if not reasons:
            return
        with self._lock:
            conn = self._connection()
            with _transaction(conn):
                add_rejects(conn, reasons, day)

    def roll_up(self, now: datetime) -> int:
        """Count raw events of finished hours into `event_hours` (each event once); returns how
        many were counted. BEGIN IMMEDIATE holds off every writer meanwhile."""
        with self._lock:
            conn = self._connection()
            with _transaction(conn):
                return roll_up_rows(conn, now)

    def prune(self, now: datetime, retention_days: int, audit_retention_days: int) -> Pruned:
        """Roll up, then delete raw events older than `retention_days` (only counted ones) and
        audit rows older than `audit_retention_days` (recorded in `audit_prunes`)."""
        rolled = self.roll_up(now)
        with self._lock:
            conn = self._connection()
            with _transaction(conn):
                _set_audit_retention(conn, audit_retention_days)
                events, audit = prune_rows(conn, now, retention_days, audit_retention_days)
        return Pruned(rolled, events, audit)

    def hours(self, since: str, until: str | None = None) -> list[HourCount]:
        """Hourly counts from `since` (an hour, 'YYYY-MM-DDTHH') up to `until` (excluded)."""
        with self._lock:
            return hour_counts(self._connection(), since, until)

    def pending_hours(self, since: str) -> list[HourCount]:
        """Hourly counts, from `since` (an hour), of the raw events not rolled up yet (the
        current hour's): with `hours` they count every event once."""
        with self._lock:
            return pending_hour_counts(self._connection(), since)

    def clicks(self, since: str) -> list[Click]:
        """Raw clicks at or after `since` (ISO 8601) that followed an impression, oldest first
        (only as far back as EVENTS_RETENTION_DAYS keeps them)."""
        with self._lock:
            return click_rows(self._connection(), since)

    def placements(self, since: str) -> list[Placement]:
        """Raw impressions and clicks at or after `since` (ISO 8601) per (article, section, item,
        position), editorial only: the same item moving between positions of the same article's
        list is what identifies position bias (recommender.signals.compute.debias)."""
        with self._lock:
            return placement_rows(self._connection(), since)

    def export(self, since: str) -> Iterator[dict[str, Any]]:
        """Raw events at or after `since` (ISO 8601), oldest first."""
        with self._lock:
            rows = export_rows(self._connection(), since)
        yield from rows

    def arm_clicks(self) -> list[ArmClicks]:
        """Per experiment, page view and arm: the clicks on that arm's items (0 for a page view
        of the experiment that nobody clicked: it is in the result with arm None)."""
        with self._lock:
            return arm_click_rows(self._connection())

    def served_lists(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Every stored served list by (page view, section)."""
        with self._lock:
            return served_rows(self._connection())

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counted = counts(self._connection())
        files = [self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))]
        return {**counted, "bytes": sum(f.stat().st_size for f in files if f.exists())}

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# --- The SQL both stores run, once: portable text (`?` placeholders, which the PostgreSQL store
# rewrites; CASE instead of SQLite's boolean sums; upserts naming their table), each function
# run inside the caller's transaction on a connection of either store.


class Executor(Protocol):
    """A connection in a transaction: sqlite3's own, or the PostgreSQL store's adapter."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any: ...


IMPRESSIONS = "SUM(CASE WHEN kind = 'impression' THEN 1 ELSE 0 END)"
CLICKS = "SUM(CASE WHEN kind = 'click' THEN 1 ELSE 0 END)"


def page_view_count(conn: Executor, page_view: str) -> int:
    row = conn.execute("SELECT COUNT(*) FROM events WHERE page_view = ?", (page_view,)).fetchone()
    return int(row[0])


def append_batch(conn: Executor, events: Sequence[Event], served: Sequence[ServedList]) -> Appended:
    """Store a batch. Repeats of an (page view, item, kind) are dropped; a click whose page view
    has no impression of the item is flagged. `served`: what the batch's token says its sections
    showed (the first batch of a page view records it)."""
    stored = flagged = 0
    slots: list[tuple[str, str, int]] = []
    for s in served:
        items = json.dumps(list(s.items), separators=(",", ":"))
        conn.execute(INSERT_SERVED, (s.page_view, s.section, s.at, s.article_id, items))
    for e in sorted(events, key=lambda e: e.kind != "impression"):
        flag = None
        if e.kind == "click" and not _has_impression(conn, e.page_view, e.item_id):
            flag = "no_impression"
        cursor = conn.execute(
            INSERT_EVENT,
            (e.at, e.kind, e.page_view, e.article_id, e.snapshot, e.section, e.item_id,
             e.position, int(e.sponsored), e.label, e.sponsor, flag, e.experiment, e.arm,
             e.history),
        )  # fmt: skip
        if cursor.rowcount != 1:
            continue  # a duplicate
        stored += 1
        crash_point("event-append")  # tests: killed mid-batch, nothing of it may stay
        flagged += flag is not None
        slots.append((e.kind, e.section, e.position))
        if e.sponsored:
            conn.execute(
                INSERT_AUDIT,
                (e.at, e.kind, e.page_view, e.article_id, e.snapshot, e.item_id, e.position,
                 e.sponsor, e.label),
            )  # fmt: skip
    return Appended(stored, len(events) - stored, flagged, tuple(slots))


def add_rejects(conn: Executor, reasons: Mapping[str, int], day: str) -> None:
    for reason, n in reasons.items():
        conn.execute(
            "INSERT INTO rejects (day, reason, count) VALUES (?, ?, ?) ON CONFLICT (day, reason)"
            " DO UPDATE SET count = rejects.count + excluded.count",
            (day, reason, n),
        )


def roll_up_rows(conn: Executor, now: datetime) -> int:
    """Count the raw events of finished hours not counted yet into `event_hours`. The caller
    holds off writers meanwhile: every id up to the largest read must be committed."""
    hour_start = iso(now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))
    done = _state(conn, ROLLED_UP)
    last = conn.execute(
        "SELECT MAX(id) FROM events WHERE id > ? AND at < ?", (done, hour_start)
    ).fetchone()[0]
    if last is None:
        return 0
    conn.execute(
        "INSERT INTO event_hours (hour, item_id, section, position, impressions, clicks)"
        f" SELECT substr(at, 1, 13), item_id, section, position, {IMPRESSIONS}, {CLICKS}"
        " FROM events WHERE id > ? AND id <= ? GROUP BY 1, 2, 3, 4"
        " ON CONFLICT (hour, item_id, section, position) DO UPDATE SET"
        " impressions = event_hours.impressions + excluded.impressions,"
        " clicks = event_hours.clicks + excluded.clicks",
        (done, last),
    )
    counted = conn.execute(
        "SELECT COUNT(*) FROM events WHERE id > ? AND id <= ?", (done, last)
    ).fetchone()[0]
    crash_point("roll-up")  # tests: killed here, the counts must not be added twice
    _set_state(conn, ROLLED_UP, int(last))
    return int(counted)


def prune_rows(
    conn: Executor, now: datetime, retention_days: int, audit_retention_days: int
) -> tuple[int, int]:
    """Delete rolled-up raw events (and served lists) older than `retention_days`, and audit
    rows older than `audit_retention_days`, recording that pruning; (events, audit) deleted."""
    cutoff = iso(now - timedelta(days=retention_days))
    audit_cutoff = iso(now - timedelta(days=audit_retention_days))
    done = _state(conn, ROLLED_UP)
    events = conn.execute("DELETE FROM events WHERE at < ? AND id <= ?", (cutoff, done)).rowcount
    conn.execute("DELETE FROM served WHERE at < ?", (cutoff,))
    audit = conn.execute("DELETE FROM sponsored_audit WHERE at < ?", (audit_cutoff,)).rowcount
    if audit:
        conn.execute(
            "INSERT INTO audit_prunes (at, cutoff, deleted, retention_days) VALUES (?, ?, ?, ?)",
            (iso(now), audit_cutoff, audit, audit_retention_days),
        )
    return int(events), int(audit)


def hour_counts(conn: Executor, since: str, until: str | None) -> list[HourCount]:
    rows = conn.execute(
        "SELECT hour, item_id, section, position, impressions, clicks FROM event_hours"
        " WHERE hour >= ? AND hour < ? ORDER BY 1, 2, 3, 4",
        (since, until or "9999"),
    ).fetchall()
    return [HourCount(*row) for row in rows]


def pending_hour_counts(conn: Executor, since: str) -> list[HourCount]:
    done = _state(conn, ROLLED_UP)
    rows = conn.execute(
        f"SELECT substr(at, 1, 13), item_id, section, position, {IMPRESSIONS}, {CLICKS}"
        " FROM events WHERE id > ? AND substr(at, 1, 13) >= ?"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        (done, since),
    ).fetchall()
    return [HourCount(*row) for row in rows]


def click_rows(conn: Executor, since: str) -> list[Click]:
    rows = conn.execute(
        "SELECT page_view, article_id, item_id, history FROM events WHERE at >= ?"
        " AND kind = 'click' AND flag IS NULL ORDER BY id",
        (since,),
    ).fetchall()
    return [Click(pv, a, i, tuple(h.split(",")) if h else ()) for pv, a, i, h in rows]


def placement_rows(conn: Executor, since: str) -> list[Placement]:
    rows = conn.execute(
        f"SELECT article_id, section, item_id, position, {IMPRESSIONS},"
        " SUM(CASE WHEN kind = 'click' AND flag IS NULL THEN 1 ELSE 0 END) FROM events"
        " WHERE at >= ? AND sponsored = 0 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        (since,),
    ).fetchall()
    return [Placement(*row) for row in rows]


EXPORTED = (
    "at", "kind", "page_view", "article_id", "snapshot", "section", "item_id", "position",
    "sponsored", "label", "sponsor", "flag",
)  # fmt: skip


def export_rows(conn: Executor, since: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {', '.join(EXPORTED)} FROM events WHERE at >= ? ORDER BY id", (since,)
    ).fetchall()
    out = []
    for row in rows:
        record = dict(zip(EXPORTED, row, strict=True))
        record["sponsored"] = bool(record["sponsored"])
        out.append(record)
    return out


def arm_click_rows(conn: Executor) -> list[ArmClicks]:
    rows = conn.execute(
        f"SELECT experiment, page_view, arm, {CLICKS} FROM events WHERE experiment IS NOT NULL"
        " GROUP BY experiment, page_view, arm ORDER BY experiment, page_view, arm"
    ).fetchall()
    return [ArmClicks(str(e), str(pv), arm, int(n)) for e, pv, arm, n in rows]


def served_rows(conn: Executor) -> dict[tuple[str, str], tuple[str, ...]]:
    rows = conn.execute("SELECT page_view, section, items FROM served").fetchall()
    return {(pv, section): tuple(json.loads(items)) for pv, section, items in rows}


def counts(conn: Executor) -> dict[str, Any]:
    """`stats` but the bytes (which each store measures its own way)."""

    def one(sql: str) -> Any:
        return conn.execute(sql).fetchone()[0]

    by_kind = dict(conn.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind").fetchall())
    rejects = conn.execute("SELECT reason, SUM(count) FROM rejects GROUP BY reason").fetchall()
    return {
        "events": {"impression": by_kind.get("impression", 0), "click": by_kind.get("click", 0)},
        "flagged_clicks": one("SELECT COUNT(*) FROM events WHERE flag IS NOT NULL"),
        "oldest_event": one("SELECT MIN(at) FROM events"),
        "hourly_rows": one("SELECT COUNT(*) FROM event_hours"),
        "sponsored_audit_rows": one("SELECT COUNT(*) FROM sponsored_audit"),
        "audit_prunes": one("SELECT COUNT(*) FROM audit_prunes"),
        "rejected": {reason: int(n) for reason, n in rejects},
    }


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. Switching a new file takes an exclusive lock and SQLite does not wait for
    it (no busy handler): workers opening a new file together retry, as the busy timeout would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (the write lock up front, waiting up to the busy timeout), then COMMIT,
    or ROLLBACK on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _has_impression(conn: Executor, page_view: str, item_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM events WHERE page_view = ? AND item_id = ? AND kind = 'impression'",
        (page_view, item_id),
    ).fetchone()
    return row is not None


def _state(conn: Executor, name: str) -> int:
    row = conn.execute("SELECT value FROM rollup_state WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else 0


def _set_state(conn: Executor, name: str, value: int) -> None:
    conn.execute(
        "INSERT INTO rollup_state (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a file written before #10 or #13 up to date: the `flag` column, the `experiment`
    and `arm` columns (interleaving), the `history` column (co-reading; NULL in older rows,
    whose clicks then pair article and item only), and one row per (page view, item, kind)
    (later repeats were never meaningful: they are dropped) under a unique index."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    if "flag" not in columns:
        conn.execute("ALTER TABLE events ADD COLUMN flag TEXT")
    for added in ("experiment", "arm", "history"):  # #13: interleaving, co-reading
        if added not in columns:
            conn.execute(f"ALTER TABLE events ADD COLUMN {added} TEXT")
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(events)")}
    if "events_once" not in indexes:
        conn.execute(
            "DELETE FROM events WHERE id NOT IN"
            " (SELECT MIN(id) FROM events GROUP BY page_view, item_id, kind)"
        )
        conn.execute("CREATE UNIQUE INDEX events_once ON events (page_view, item_id, kind)")


def _set_audit_retention(conn: sqlite3.Connection, days: int) -> None:
    for name in OLD_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute(AUDIT_DELETE_TRIGGER.format(days=int(days)))
