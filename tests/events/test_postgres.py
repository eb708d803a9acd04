"""What only the PostgreSQL store has (#15): versioned migrations applied once however many
replicas start together, roll-ups that count each event once while other connections write,
TRUNCATE refused on the audit, an unreachable server as a domain error, and the settings that
choose it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from recommender.errors import EventStoreUnavailable
from recommender.events.backend import event_log_name, open_event_store, redacted
from recommender.events.store import Appended, SQLiteEventStore
from recommender.settings import Settings
from tests.event_stores import Backend
from tests.events.test_store import NOW, ago, ev
from tests.processes import free_port

pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg (the postgres extra)")

from recommender.events.postgres import (
    MIGRATION_NAME,
    PostgresEventStore,
    migrations,
)


@pytest.fixture
def pg(postgres_url: str, tmp_path: Path) -> Backend:
    return Backend("postgres", tmp_path / "unused.sqlite3", postgres_url)


def test_migrations_are_numbered_files_in_order() -> None:
    found = migrations()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1))  # no gap, none twice
    assert all(MIGRATION_NAME.match(name) for _, name, _ in found)


def test_replicas_opening_a_new_database_together_migrate_it_once(pg: Backend) -> None:
    stores = [pg.open() for _ in range(6)]
    start = threading.Barrier(len(stores))
    results: list[Appended] = []
    errors: list[BaseException] = []

    def replica(n: int) -> None:
        start.wait()
        try:
            results.append(stores[n].append([ev(item=f"item-{n}"), ev(item="shared")]))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert errors == []
    assert sum(r.stored for r in results) == len(stores) + 1  # "shared" once
    applied = pg.raw("SELECT version, name FROM schema_migrations ORDER BY version")
    assert applied == [(v, name) for v, name, _ in migrations()]
    again = pg.open()  # a later start applies nothing
    assert again.count_for_page_view(ev().page_view) == len(stores) + 1
    again.close()
    assert pg.raw("SELECT COUNT(*) FROM schema_migrations") == [(len(migrations()),)]


def test_roll_ups_while_others_write_count_each_event_once(pg: Backend) -> None:
    """Ids of concurrent transactions commit out of order; a roll-up must neither skip an event
    whose id is below one it counted nor count one twice (two replicas rolling up at once)."""
    writers = [pg.open() for _ in range(3)]
    rollers = [pg.open() for _ in range(2)]
    stop = threading.Event()
    errors: list[BaseException] = []
    stored = [0, 0, 0]

    def write(n: int) -> None:
        try:
            for i in range(150):
                batch = [ev(item=f"i{k}", page_view=f"{n}-{i:012d}", at=ago(hours=2), position=k)
                         for k in range(3)]  # fmt: skip
                stored[n] += writers[n].append(batch).stored
        except Exception as exc:
            errors.append(exc)

    def roll(store: PostgresEventStore) -> None:
        try:
            while not stop.is_set():
                store.roll_up(NOW)
        except Exception as exc:
            errors.append(exc)

    rolling = [threading.Thread(target=roll, args=(s,)) for s in rollers]
    writing = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in rolling + writing:
        t.start()
    for t in writing:
        t.join()
    stop.set()
    for t in rolling:
        t.join()
    rollers[0].roll_up(NOW)
    assert errors == []
    counted = rollers[0].hours("0000")
    assert sum(h.impressions for h in counted) == sum(stored) == 3 * 150 * 3
    for s in writers + rollers:
        s.close()


def test_truncate_cannot_empty_the_audit(pg: Backend) -> None:
    """TRUNCATE fires no row trigger (SQLite has no TRUNCATE: its DELETE triggers cover it)."""
    backend, store = pg, pg.open()
    store.append([ev(item="sp-bank-1", sponsor="Bank Maju Bersama", at=ago(days=500))])
    store.prune(NOW, 30, 400)
    for table in ("sponsored_audit", "audit_prunes"):
        with pytest.raises(backend.error, match="append-only"):
            backend.raw(f"TRUNCATE {table}")
    assert backend.raw("SELECT COUNT(*) FROM audit_prunes") == [(1,)]
    store.append([ev(item="sp-bank-1", sponsor="Bank Maju Bersama", page_view="a" * 16)])
    with pytest.raises(backend.error, match="append-only"):
        backend.raw("TRUNCATE sponsored_audit")
    assert backend.raw("SELECT COUNT(*) FROM sponsored_audit") == [(1,)]
    store.close()


def test_an_unreachable_server_is_a_domain_error() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"  # nobody listens there
    store = PostgresEventStore(url, timeout_s=1)
    with pytest.raises(EventStoreUnavailable, match="unreachable"):
        store.append([ev()])
    store.close()


def test_the_settings_choose_the_store(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path
    embedded = open_event_store(Settings(data_dir=data))
    assert isinstance(embedded, SQLiteEventStore)
    embedded.close()
    chosen = Settings(data_dir=data, events_url=postgres_url, events_pool_size=2)
    server = open_event_store(chosen)
    assert isinstance(server, PostgresEventStore) and server.pool_size == 2
    server.append([ev()])
    server.close()
    assert Settings(data_dir=data, events_url="").events.events_url is None
    with pytest.raises(ValidationError, match="postgresql:// URL"):
        Settings(data_dir=data, events_url="mysql://db/events")
    secret = Settings(data_dir=data, events_url="postgresql://app:s3cret@db:5432/events")
    assert event_log_name(secret) == "postgresql://app:***@db:5432/events"
    assert "s3cret" not in repr(secret)
    assert redacted("postgresql://db/events") == "postgresql://db/events"
