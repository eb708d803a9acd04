"""Write throughput of the PostgreSQL event store (#15) against the embedded SQLite one, in the
same run: the SQLite store is the baseline, `ratio_to_sqlite` is PostgreSQL's rate / SQLite's.

Usage: ``python benchmarks/events_postgres.py [--page-views 2000] [--writers 1,4]``.

Each case stores `--page-views` typical page views (benchmarks/events_storage.py: 6 impressions,
0.3 clicks, one transaction per page view as the service appends a post) into a fresh store,
with 1 writer, then N writers (threads, a store each: like N workers, each with its own
connection or pool) splitting the page views. PostgreSQL is a throw-away server from Debian's
package on loopback (tests/postgres.py), run twice: with its defaults (every commit flushed to
disk, `synchronous_commit = on`) and with `synchronous_commit = off` (commits flushed within
~200 ms, never corrupt: the durability of the SQLite store's WAL with `synchronous = NORMAL`).
One JSON line per case; needs PostgreSQL (`make postgres`) and psycopg (`pip install -e '.[dev]'`).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from events_storage import page_views  # noqa: E402

from recommender.events.store import Event, EventStore, SQLiteEventStore  # noqa: E402
from tests.postgres import missing, running_postgres  # noqa: E402

ITEMS = 5_000


def batches(count: int) -> list[list[Event]]:
    stream = page_views(random.Random(7), ITEMS, sponsored=False)
    return [next(stream) for _ in range(count)]


def write(opener: Callable[[], EventStore], work: list[list[Event]], writers: int) -> float:
    """Seconds for `writers` threads, a store each, to append `work` (split between them)."""
    stores = [opener() for _ in range(writers)]
    for s in stores:
        s.count_for_page_view("warm-up")  # opened (and migrated) before the clock starts
    start = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            for batch in work[n::writers]:
                stores[n].append(batch)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    counted = stores[0].stats()["events"]
    for s in stores:
        s.close()
    if errors:
        raise errors[0]
    assert sum(counted.values()) == sum(len(b) for b in work), counted
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page-views", type=int, default=2_000)
    parser.add_argument("--writers", default="1,4", help="comma-separated writer counts")
    args = parser.parse_args()
    reason = missing()
    if reason:
        sys.exit(f"events_postgres: {reason}")
    import psycopg

    work = batches(args.page_views)
    events = sum(len(b) for b in work)
    emit({"bench": "events_postgres", "case": "machine", **machine(),
          "sqlite": sqlite3.sqlite_version, "psycopg": psycopg.__version__})  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-events-pg-") as tmp, running_postgres() as pg:
        from recommender.events.postgres import PostgresEventStore

        with psycopg.connect(pg.url(), autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
        for writers in (int(w) for w in args.writers.split(",")):
            note(f"events_postgres: {events} events, {writers} writer(s)")
            path = Path(tmp) / f"events-{writers}.sqlite3"
            baseline = write(lambda p=path: SQLiteEventStore(p), work, writers)  # type: ignore[misc]
            for mode in ("on", "off"):
                url = pg.create_database(f"bench_{writers}_{mode}")
                with psycopg.connect(pg.url(), autocommit=True) as conn:
                    conn.execute(
                        f"ALTER DATABASE bench_{writers}_{mode} SET synchronous_commit = {mode}"
                    )
                seconds = write(lambda u=url: PostgresEventStore(u, pool_size=1), work, writers)  # type: ignore[misc]
                emit({
                    "bench": "events_postgres",
                    "case": f"writers_{writers}_synchronous_commit_{mode}",
                    "postgres": version[0] if version else None,
                    "writers": writers,
                    "events": events,
                    "page_views": len(work),
                    "synchronous_commit": mode,
                    "postgres_events_per_s": round(events / seconds),
                    "postgres_page_views_per_s": round(len(work) / seconds),
                    "sqlite_events_per_s": round(events / baseline),
                    "sqlite_page_views_per_s": round(len(work) / baseline),
                    "ratio_to_sqlite": round(baseline / seconds, 2),
                })  # fmt: skip


if __name__ == "__main__":
    main()
