"""The event log (recommender.events.store): stored once, roll-ups, retention, the append-only
sponsored audit, against both stores (`backend`: SQLite and PostgreSQL, #15); and SQLite files
written before #10."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from recommender.events.store import (
    Appended,
    Event,
    EventStore,
    HourCount,
    Placement,
    Pruned,
    SQLiteEventStore,
    iso,
)
from tests.event_stores import Backend

NOW = datetime.now(UTC).replace(minute=30, second=0, microsecond=0)
PV = "0123456789abcdef"


def ev(
    kind: str = "impression",
    item: str = "banjir-2",
    page_view: str = PV,
    at: datetime = NOW,
    position: int = 0,
    sponsor: str | None = None,
) -> Event:
    return Event(
        at=iso(at),
        kind=kind,
        page_view=page_view,
        article_id="banjir-1",
        snapshot="20261201T000000000000Z",
        section="konten_sponsor" if sponsor else "rekomendasi_artikel",
        item_id=item,
        position=position,
        sponsored=sponsor is not None,
        label="Konten Bersponsor" if sponsor else None,
        sponsor=sponsor,
    )


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "events.sqlite3"


def raw(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """SQL on a connection of its own (what anyone with the file could run)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        return db.execute(sql, args).fetchall()


def test_each_event_is_stored_once(store: EventStore, backend: Backend) -> None:
    first = [ev(), ev("click"), ev(item="banjir-3", position=1), ev(page_view="f" * 16)]
    assert store.append(first) == Appended(stored=4, duplicates=0, flagged=0)
    repeat = [ev(), ev("click"), ev("click", "banjir-3", position=1), ev("click", "banjir-3")]
    assert store.append(repeat) == Appended(stored=1, duplicates=3, flagged=0)
    assert backend.raw("SELECT COUNT(*) FROM events") == [(5,)]
    assert store.count_for_page_view(PV) == 4 and store.count_for_page_view("f" * 16) == 1
    assert store.count_for_page_view("nobody") == 0


def test_a_click_without_impression_is_flagged(store: EventStore, backend: Backend) -> None:
    assert store.append([ev("click")]) == Appended(stored=1, duplicates=0, flagged=1)
    assert store.append([ev("click", "banjir-3"), ev(item="banjir-3")]).flagged == 0
    assert store.append([ev()]).flagged == 0
    assert backend.raw("SELECT item_id, kind, flag FROM events ORDER BY id") == [
        ("banjir-2", "click", "no_impression"),
        ("banjir-3", "impression", None),
        ("banjir-3", "click", None),
        ("banjir-2", "impression", None),
    ]
    # Another page view's impression does not count.
    assert store.append([ev(page_view="f" * 16), ev("click", page_view="e" * 16)]).flagged == 1
    assert store.stats()["flagged_clicks"] == 2


def test_sponsored_events_go_to_the_audit(store: EventStore, backend: Backend) -> None:
    bank = ev(item="sp-bank-1", sponsor="Bank Maju Bersama")
    store.append([bank, ev(), bank])
    assert backend.raw("SELECT kind, item_id, sponsor, label, position FROM sponsored_audit") == [
        ("impression", "sp-bank-1", "Bank Maju Bersama", "Konten Bersponsor", 0)
    ]


def test_a_failed_batch_stores_nothing(
    store: EventStore, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender.events import store as module

    calls = []

    def failing(conn: module.Executor, page_view: str, item_id: str) -> bool:
        calls.append(item_id)
        if len(calls) == 2:
            raise OSError("disk I/O error")
        return True

    monkeypatch.setattr(module, "_has_impression", failing)
    batch = [ev(item="sp-bank-1", sponsor="Bank"), ev("click"), ev("click", "banjir-3")]
    with pytest.raises(OSError, match="disk I/O"):
        store.append(batch)
    assert backend.raw("SELECT COUNT(*) FROM events") == [(0,)]
    assert backend.raw("SELECT COUNT(*) FROM sponsored_audit") == [(0,)]
    monkeypatch.undo()
    assert store.append(batch).stored == 3  # the store is still usable


def test_roll_up_counts_each_event_once(store: EventStore) -> None:
    for e in (ev(at=ago(hours=2)), ev("click", at=ago(hours=2)),
              ev(item="banjir-3", position=1, at=ago(hours=2)),
              ev(page_view="f" * 16, at=ago(hours=1)), ev(page_view="e" * 16, at=NOW)):  # fmt: skip
        store.append([e])
    assert store.roll_up(NOW) == 4  # the current hour is not finished
    assert store.roll_up(NOW) == 0  # run twice: nothing is counted again
    h2, h1 = ago(hours=2).isoformat()[:13], ago(hours=1).isoformat()[:13]
    assert store.hours(h2) == [
        HourCount(h2, "banjir-2", "rekomendasi_artikel", 0, impressions=1, clicks=1),
        HourCount(h2, "banjir-3", "rekomendasi_artikel", 1, impressions=1, clicks=0),
        HourCount(h1, "banjir-2", "rekomendasi_artikel", 0, impressions=1, clicks=0),
    ]
    assert store.hours(h2, until=h1) == store.hours(h2)[:2]
    # Later, the hour that was current is counted too.
    assert store.roll_up(NOW + timedelta(hours=1)) == 1
    assert store.roll_up(NOW + timedelta(hours=2)) == 0
    # A late event of an hour already rolled up is added to it, once.
    store.append([ev(page_view="d" * 16, at=ago(hours=2))])
    assert store.roll_up(NOW) == 1 and store.roll_up(NOW) == 0
    assert store.hours(h2)[0].impressions == 2
    total = store.hours("0000")
    assert sum(h.impressions for h in total) == 5 and sum(h.clicks for h in total) == 1
    assert store.stats()["hourly_rows"] == 4


def test_roll_up_counts_once_whatever_the_order_of_ids(store: EventStore) -> None:
    """Ids need not follow time (a batch stores its impressions first; workers' clocks differ):
    whatever a roll-up counts early, no event is counted twice or left out."""
    store.append([ev("click", at=ago(hours=3)), ev(page_view="e" * 16, at=NOW),
                  ev(item="banjir-3", at=ago(hours=3))])  # fmt: skip
    store.append([ev(page_view="d" * 16, at=NOW), ev(page_view="c" * 16, at=ago(hours=5))])
    for hour in range(-2, 3):
        store.roll_up(NOW + timedelta(hours=hour))
        store.roll_up(NOW + timedelta(hours=hour))
    counted = store.hours("0000")
    assert sum(h.impressions for h in counted) == 4 and sum(h.clicks for h in counted) == 1
    now_hour = NOW.isoformat()[:13]
    assert sum(h.impressions for h in counted if h.hour == now_hour) == 2


def test_prune_drops_old_raw_events_once_rolled_up(store: EventStore, backend: Backend) -> None:
    store.append([ev(at=ago(days=40)), ev("click", at=ago(days=40)),
                  ev(page_view="f" * 16, at=ago(days=31)), ev(page_view="e" * 16, at=ago(days=2))])  # fmt: skip
    assert store.prune(NOW, retention_days=30, audit_retention_days=400) == Pruned(
        rolled_up=4, events=3, audit=0
    )
    assert backend.raw("SELECT page_view FROM events") == [("e" * 16,)]
    counted = store.hours("0000")
    assert sum(h.impressions for h in counted) == 3 and sum(h.clicks for h in counted) == 1
    assert store.prune(NOW, 30, 400) == Pruned(0, 0, 0)
    assert store.hours("0000") == counted  # pruning again changes no count


def test_prune_keeps_events_not_rolled_up(
    store: EventStore, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event written between the roll-up and the deletion (another worker, a clock a little
    behind) is not deleted uncounted: only events the roll-up has seen go."""
    store.append([ev(at=ago(days=40))])
    assert store.roll_up(NOW) == 1
    store.append([ev(page_view="f" * 16, at=ago(days=40))])  # written after the roll-up
    with monkeypatch.context() as m:
        m.setattr(store, "roll_up", lambda now: 0)  # the race: nothing more rolled up meanwhile
        assert store.prune(NOW, 30, 400).events == 1
    assert backend.raw("SELECT page_view FROM events") == [("f" * 16,)]
    assert store.prune(NOW, 30, 400) == Pruned(rolled_up=1, events=1, audit=0)
    assert sum(h.impressions for h in store.hours("0000")) == 2


def test_young_audit_rows_cannot_be_deleted(store: EventStore, backend: Backend) -> None:
    store.append([ev(item="sp-bank-1", sponsor="Bank Maju Bersama", at=ago(days=399)),
                  ev(item="sp-bank-1", sponsor="Bank Maju Bersama", page_view="f" * 16)])  # fmt: skip
    store.close()  # the triggers hold without the store: raw SQL on a connection of its own
    for sql in (
        "DELETE FROM sponsored_audit",
        "DELETE FROM sponsored_audit WHERE page_view = 'f' || 'fffffffffffffff'",
        "DELETE FROM sponsored_audit WHERE id = (SELECT MIN(id) FROM sponsored_audit)",
    ):
        with pytest.raises(backend.error, match="kept for 400 days"):
            backend.raw(sql)
    for sql in ("UPDATE sponsored_audit SET sponsor = NULL", "UPDATE sponsored_audit SET at = ''"):
        with pytest.raises(backend.error, match="append-only"):
            backend.raw(sql)
    assert backend.raw("SELECT COUNT(*) FROM sponsored_audit WHERE sponsor IS NOT NULL") == [(2,)]
    # Nor does pruning the raw events touch them.
    reopened = backend.open()
    assert reopened.prune(NOW, retention_days=1, audit_retention_days=400).audit == 0
    reopened.close()
    assert backend.raw("SELECT COUNT(*) FROM sponsored_audit") == [(2,)]


def test_old_audit_rows_are_pruned_and_the_pruning_recorded(
    store: EventStore, backend: Backend
) -> None:
    sponsored = [ev(item="sp-bank-1", sponsor="Bank Maju Bersama", page_view=f"{n:016x}", at=at)
                 for n, at in enumerate((ago(days=500), ago(days=401), ago(days=10)))]  # fmt: skip
    store.append(sponsored)
    # Older than the retention: the trigger lets it go (nothing younger).
    assert store.prune(NOW, 30, 400) == Pruned(rolled_up=3, events=2, audit=2)
    assert backend.raw("SELECT at FROM sponsored_audit") == [(sponsored[2].at,)]
    prunes = backend.raw("SELECT at, cutoff, deleted, retention_days FROM audit_prunes")
    assert prunes == [(iso(NOW), iso(NOW - timedelta(days=400)), 2, 400)]
    assert store.prune(NOW, 30, 400).audit == 0
    assert len(backend.raw("SELECT id FROM audit_prunes")) == 1  # only prunings that deleted
    assert store.stats()["audit_prunes"] == 1
    store.close()
    with pytest.raises(backend.error, match="append-only"):
        backend.raw("UPDATE audit_prunes SET deleted = 0")
    with pytest.raises(backend.error, match="append-only"):
        backend.raw("DELETE FROM audit_prunes")
    assert backend.raw("SELECT deleted FROM audit_prunes") == [(2,)]


def test_the_audit_retention_follows_the_setting(backend: Backend) -> None:
    store = backend.open(audit_retention_days=400)
    store.append([ev(item="sp-bank-1", sponsor="Bank", page_view="a" * 16, at=ago(days=20)),
                  ev(item="sp-bank-1", sponsor="Bank", page_view="b" * 16)])  # fmt: skip
    store.close()
    with pytest.raises(backend.error, match="kept for 400 days"):
        backend.raw("DELETE FROM sponsored_audit WHERE page_view = ?", "a" * 16)
    shorter = backend.open(audit_retention_days=10)
    shorter.stats()  # opened: the trigger now says 10 days
    with pytest.raises(backend.error, match="kept for 10 days"):
        backend.raw("DELETE FROM sponsored_audit WHERE page_view = ?", "b" * 16)
    assert shorter.prune(NOW, 30, 10).audit == 1
    shorter.close()
    assert backend.raw("SELECT page_view FROM sponsored_audit") == [("b" * 16,)]


def test_rejects_are_counted_per_day_and_reason(store: EventStore) -> None:
    store.record_rejects({"token_signature": 3, "not_served": 1}, "2026-12-01")
    store.record_rejects({"token_signature": 2}, "2026-12-01")
    store.record_rejects({"token_signature": 1}, "2026-12-02")
    store.record_rejects({}, "2026-12-02")
    assert store.stats()["rejected"] == {"token_signature": 6, "not_served": 1}


def test_stats_and_export(store: EventStore, backend: Backend) -> None:
    empty = store.stats()
    assert empty["events"] == {"impression": 0, "click": 0} and empty["oldest_event"] is None
    for e in (ev(at=ago(days=3)), ev("click", at=ago(days=3)),
              ev(item="sp-bank-1", sponsor="Bank Maju Bersama", at=ago(days=1))):  # fmt: skip
        store.append([e])
    stats = store.stats()
    assert stats["events"] == {"impression": 2, "click": 1}
    assert stats["flagged_clicks"] == 0 and stats["sponsored_audit_rows"] == 1
    assert stats["oldest_event"] == iso(ago(days=3))
    assert stats["bytes"] > 0
    if backend.url is None:
        assert stats["bytes"] >= backend.path.stat().st_size
    exported = list(store.export(iso(ago(days=2))))
    assert exported == [
        {"at": iso(ago(days=1)), "kind": "impression", "page_view": PV, "article_id": "banjir-1",
         "snapshot": "20261201T000000000000Z", "section": "konten_sponsor",
         "item_id": "sp-bank-1", "position": 0, "sponsored": True, "label": "Konten Bersponsor",
         "sponsor": "Bank Maju Bersama", "flag": None},
    ]  # fmt: skip
    assert [e["kind"] for e in store.export("0000")] == ["impression", "click", "impression"]
    assert list(store.export(iso(NOW + timedelta(seconds=1)))) == []


def test_workers_writing_together_store_each_event_once(backend: Backend) -> None:
    """Several processes share the log: two stores (two connections), four threads each."""
    stores = [backend.open(), backend.open()]
    shared = [ev(item=f"item-{i}", position=i) for i in range(20)]
    start = threading.Barrier(8)
    results: list[Appended] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        own = [ev(item=f"own-{n}-{i}", page_view=f"{n:016x}") for i in range(10)]
        start.wait()
        try:
            for _ in range(5):
                results.append(stores[n % 2].append(shared + own))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert errors == [] and len(results) == 40
    assert sum(r.stored for r in results) == 20 + 8 * 10
    assert backend.raw("SELECT COUNT(*) FROM events") == [(100,)]


def test_workers_opening_a_new_file_together(tmp_path: Path) -> None:
    """The first opening of a file switches it to WAL, which SQLite does not wait for: workers
    starting together (their first events at once) must not fail for it."""
    errors: list[BaseException] = []
    for trial in range(30):
        path = tmp_path / f"events-{trial}.sqlite3"
        stores = [SQLiteEventStore(path) for _ in range(4)]
        start = threading.Barrier(4)

        def worker(store: SQLiteEventStore, n: int, start: threading.Barrier) -> None:
            start.wait()
            try:
                store.append([ev(item=f"item-{n}")])
            except Exception as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=worker, args=(s, n, start)) for n, s in enumerate(stores)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s in stores:
            s.close()
        assert raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert errors == []


# --- files written before #10 ---------------------------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('impression', 'click')),
    page_view TEXT NOT NULL, article_id TEXT NOT NULL, snapshot TEXT NOT NULL,
    section TEXT NOT NULL, item_id TEXT NOT NULL, position INTEGER NOT NULL,
    sponsored INTEGER NOT NULL CHECK (sponsored IN (0, 1)), label TEXT, sponsor TEXT
);
CREATE INDEX events_item ON events (item_id, kind);
CREATE TABLE sponsored_audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, page_view TEXT NOT NULL,
    article_id TEXT NOT NULL, snapshot TEXT NOT NULL, item_id TEXT NOT NULL,
    position INTEGER NOT NULL, sponsor TEXT, label TEXT
);
CREATE TRIGGER sponsored_audit_no_update BEFORE UPDATE ON sponsored_audit
BEGIN SELECT RAISE(ABORT, 'sponsored_audit is append-only'); END;
CREATE TRIGGER sponsored_audit_no_delete BEFORE DELETE ON sponsored_audit
BEGIN SELECT RAISE(ABORT, 'sponsored_audit is append-only'); END;
"""


def old_file(path: Path) -> None:
    """An event log as the service wrote it before #10, duplicates included."""
    events = [
        (iso(ago(days=450)), "impression", PV, "banjir-2", 0, 0, None, None),
        (iso(ago(days=450)), "impression", PV, "banjir-2", 0, 0, None, None),  # a repeat
        (iso(ago(days=450)), "click", PV, "banjir-2", 0, 0, None, None),
        (iso(ago(days=449)), "click", PV, "banjir-2", 0, 0, None, None),  # a repeat
        (iso(ago(days=450)), "impression", PV, "sp-bank-1", 0, 1, "Konten Bersponsor", "Bank"),
        (iso(ago(days=5)), "impression", "f" * 16, "banjir-3", 1, 0, None, None),
    ]
    with closing(sqlite3.connect(path)) as db:
        db.executescript(OLD_SCHEMA)
        db.executemany(
            "INSERT INTO events (at, kind, page_view, article_id, snapshot, section, item_id,"
            " position, sponsored, label, sponsor) VALUES (?, ?, ?, 'banjir-1', 'old',"
            " 'rekomendasi_artikel', ?, ?, ?, ?, ?)",
            events,
        )
        db.execute(
            "INSERT INTO sponsored_audit (at, kind, page_view, article_id, snapshot, item_id,"
            " position, sponsor, label) VALUES (?, 'impression', ?, 'banjir-1', 'old',"
            " 'sp-bank-1', 0, 'Bank', 'Konten Bersponsor')",
            (iso(ago(days=450)), PV),
        )
        db.commit()


def test_an_old_events_file_is_migrated_on_open(path: Path) -> None:
    old_file(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw(path, "DELETE FROM sponsored_audit")
    store = SQLiteEventStore(path)
    stats = store.stats()
    assert stats["events"] == {"impression": 3, "click": 1}  # one of each (page view, item, kind)
    columns = [row[1] for row in raw(path, "PRAGMA table_info(events)")]
    assert columns[-4:] == ["flag", "experiment", "arm", "history"]  # added by #10 and #13
    assert {c.history for c in store.clicks("0")} == {()}  # NULL in the old rows
    assert raw(path, "SELECT id, kind, item_id FROM events ORDER BY id") == [
        (1, "impression", "banjir-2"),
        (3, "click", "banjir-2"),  # the first of the repeats is kept
        (5, "impression", "sp-bank-1"),
        (6, "impression", "banjir-3"),
    ]
    triggers = {
        name for (name,) in raw(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert "sponsored_audit_no_delete" not in triggers
    assert {"sponsored_audit_no_update", "sponsored_audit_retention"} <= triggers
    # From now on, the new rules: repeats are dropped...
    assert store.append([ev(), ev(item="banjir-4")]) == Appended(stored=1, duplicates=1, flagged=0)
    # ... the old rows are rolled up and pruned, the audit past its retention too (recorded).
    assert store.prune(NOW, 30, 400) == Pruned(rolled_up=4, events=3, audit=1)
    assert sum(h.impressions for h in store.hours("0000")) == 3
    assert raw(path, "SELECT deleted FROM audit_prunes") == [(1,)]
    store.append([ev(item="sp-bank-1", sponsor="Bank Maju Bersama", page_view="a" * 16)])
    store.close()
    # Opening again changes nothing.
    again = SQLiteEventStore(path)
    assert again.stats()["events"] == {"impression": 3, "click": 0}
    again.close()
    with pytest.raises(sqlite3.DatabaseError, match="kept for 400 days"):
        raw(path, "DELETE FROM sponsored_audit")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw(path, "UPDATE sponsored_audit SET label = NULL")


def test_placements_count_editorial_events_per_article_and_position(store: EventStore) -> None:
    """(#13's debiasing input, #15: the same in either store.)"""
    store.append([ev(), ev("click"), ev(item="banjir-3", position=1),
                  ev(item="sp-bank-1", sponsor="Bank Maju Bersama")])  # fmt: skip
    store.append([ev(page_view="f" * 16), ev("click", "banjir-4", page_view="f" * 16)])  # flagged
    store.append([ev(page_view="e" * 16, at=ago(days=3))])  # before `since`
    assert store.placements(iso(ago(days=1))) == [
        Placement("banjir-1", "rekomendasi_artikel", "banjir-2", 0, impressions=2, clicks=1),
        Placement("banjir-1", "rekomendasi_artikel", "banjir-3", 1, impressions=1, clicks=0),
        Placement("banjir-1", "rekomendasi_artikel", "banjir-4", 0, impressions=0, clicks=0),
    ]
