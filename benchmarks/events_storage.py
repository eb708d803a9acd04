"""Bytes the event log (recommender/events/store.py) takes per 10,000 stored events, and the size it
comes to at 1M page views a day.

Usage: ``python benchmarks/events_storage.py [--events 10000] [--page-views-per-day 1000000]
[--items 5000] [--raw-days 30] [--audit-days 400]``.

Stores `--events` typical events into a fresh `SQLiteEventStore`, one transaction per page view as
the service appends a post: a page view sees 4 articles, 1 video and 1 advert and clicks 0.3 times
(one click in six on the advert). Then as many sponsored events (3 adverts seen, 0.3 clicks),
which also go to the sponsored audit. Each table and index is measured with SQLite's `dbstat`
(allocated pages). The baseline, measured the same way in the same run, is the same rows in a
plain SQLite table of the same columns without any index; `ratio_to_baseline` is store / baseline.

The estimate for `--page-views-per-day` assumes ~6 impressions and 0.3 clicks per page view: raw
events kept `--raw-days` days, sponsored audit rows `--audit-days` days, and hourly roll-ups kept
for good (so they grow by a year's worth a year); roll-up rows per hour come from one simulated
hour of traffic (articles drawn from a Zipf law over `--items`, each answer fixed per article).
One JSON line per case.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402

from recommender.events.store import Event, SQLiteEventStore, iso  # noqa: E402

START = datetime(2026, 12, 1, tzinfo=UTC)
SNAPSHOT = "20261128T101500123456Z"
SPONSORS = [("Bank Maju Bersama", "Konten Bersponsor"), ("Motor Listrik Garuda", "Advertorial")]
GROUPS = {
    "events": ("events", "events_once", "events_at"),
    "audit": ("sponsored_audit", "sponsored_audit_at"),
    "hours": ("event_hours",),
}
BASELINE = """CREATE TABLE plain (
    at TEXT NOT NULL, kind TEXT NOT NULL, page_view TEXT NOT NULL, article_id TEXT NOT NULL,
    snapshot TEXT NOT NULL, section TEXT NOT NULL, item_id TEXT NOT NULL,
    position INTEGER NOT NULL, sponsored INTEGER NOT NULL, label TEXT, sponsor TEXT, flag TEXT
)"""
GB = 1e9


def page_view(rng: random.Random, n: int, items: int, sponsored: bool) -> list[Event]:
    """The batch of the n-th page view (a page view every 86.4 ms: 1M a day)."""
    at = iso(START + timedelta(milliseconds=86.4 * n))
    page_view = f"{rng.getrandbits(128):032x}"
    article = f"kn-{1000 + rng.randrange(items)}"
    shown = iter(rng.sample(range(items), 5))  # an answer never repeats an item
    if sponsored:
        seen = [("konten_sponsor", p) for p in range(3)]
    else:
        seen = [("rekomendasi_artikel", p) for p in range(4)]
        seen += [("video_pilihan", 0), ("konten_sponsor", 0)]
    batch = []
    for section, position in seen:
        advert = section == "konten_sponsor"
        sponsor, label = SPONSORS[position % 2] if advert else (None, None)
        item = f"sp-{position}" if advert else f"kn-{1000 + next(shown)}"
        batch.append(
            Event(at, "impression", page_view, article, SNAPSHOT, section, item, position,
                  advert, label, sponsor)
        )  # fmt: skip
    if rng.random() < 0.3:
        clicked = len(seen) - 1 if sponsored or rng.random() < 1 / 6 else rng.randrange(5)
        batch.append(Event(**{**batch[clicked].__dict__, "kind": "click"}))
    return batch


def page_views(rng: random.Random, items: int, sponsored: bool) -> Iterator[list[Event]]:
    n = 0
    while True:
        yield page_view(rng, n, items, sponsored)
        n += 1


def sizes(path: Path) -> dict[str, int]:
    """Allocated bytes of each table and index (dbstat)."""
    with closing(sqlite3.connect(path)) as db:
        return {name: int(size) for name, size in db.execute(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"
        )}  # fmt: skip


def group_bytes(found: dict[str, int], group: str) -> int:
    return sum(found.get(name, 0) for name in GROUPS[group])


def measure(folder: Path, case: str, events: int, items: int, sponsored: bool) -> dict[str, object]:
    rng = random.Random(7)
    path = folder / f"{case}.sqlite3"
    store = SQLiteEventStore(path)
    stored: list[Event] = []
    started = time.perf_counter()
    for batch in page_views(rng, items, sponsored):
        batch = batch[: events - len(stored)]
        appended = store.append(batch)
        assert appended.stored == len(batch), appended
        stored += batch
        if len(stored) >= events:
            break
    seconds = time.perf_counter() - started
    rolled = store.roll_up(START + timedelta(days=30))
    assert rolled == events
    hour_rows = store.stats()["hourly_rows"]
    store.close()  # checkpoints the WAL into the file
    found = sizes(path)

    baseline_path = folder / f"{case}-baseline.sqlite3"
    with closing(sqlite3.connect(baseline_path)) as db:
        db.execute(BASELINE)
        db.executemany(
            "INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*e.__dict__.values(), None) for e in stored],
        )
        db.commit()
    baseline = sizes(baseline_path)["plain"]
    raw = group_bytes(found, "events")
    audit = group_bytes(found, "audit")
    audited = sum(e.sponsored for e in stored)
    per_10k = 10_000 / events
    return {
        "bench": "events_storage",
        "case": case,
        "events": events,
        "sponsored_events": audited,
        "clicks": sum(e.kind == "click" for e in stored),
        "bytes_per_10k": round((raw + audit) * per_10k),
        "bytes_per_event": round((raw + audit) / events, 1),
        "raw_bytes_per_10k": round(raw * per_10k),
        "audit_bytes_per_10k_sponsored": round(audit * 10_000 / audited) if audited else None,
        "baseline_bytes_per_10k": round(baseline * per_10k),
        "ratio_to_baseline": round((raw + audit) / baseline, 2),
        "raw_ratio_to_baseline": round(raw / baseline, 2),
        "tables": {name: found[name] for name in sorted(found) if name in sum(GROUPS.values(), ())},
        "file_bytes": path.stat().st_size,
        "hourly_rows": hour_rows,
        # (a handful of rows, as in the sponsored case, says nothing of a row's size)
        "hour_row_bytes": round(group_bytes(found, "hours") / hour_rows, 1)
        if hour_rows >= 1000
        else None,
        "events_per_s": round(events / seconds),
    }


def rollup_rows_per_hour(page_views_per_hour: int, items: int) -> int:
    """Distinct (item, section, position) of one hour of traffic: articles by a Zipf law, each
    with a fixed answer (4 articles, 1 video, 1 advert seen)."""
    rng = random.Random(11)
    weights = [1 / (rank**1.1) for rank in range(1, items + 1)]
    articles = rng.choices(range(items), weights=weights, k=page_views_per_hour)
    seen: set[tuple[int, str, int]] = set()
    for article in set(articles):
        answer = random.Random(article)
        for p in range(4):
            seen.add((answer.randrange(items), "rekomendasi_artikel", p))
        seen.add((answer.randrange(items), "video_pilihan", 0))
        seen.add((answer.randrange(20), "konten_sponsor", 0))
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--page-views-per-day", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=5_000, help="articles in the catalogue")
    parser.add_argument("--raw-days", type=int, default=30)
    parser.add_argument("--audit-days", type=int, default=400)
    args = parser.parse_args()

    emit(
        {
            "bench": "events_storage",
            "case": "machine",
            **machine(),
            "sqlite": sqlite3.sqlite_version,
        }
    )
    with tempfile.TemporaryDirectory(prefix="bench-events-storage-") as tmp:
        folder = Path(tmp)
        note(f"events_storage: {args.events} typical and {args.events} sponsored events")
        typical = measure(folder, "typical", args.events, args.items, sponsored=False)
        emit(typical)
        sponsored = measure(folder, "sponsored", args.events, args.items, sponsored=True)
        emit(sponsored)

    # 1M page views a day: 6 impressions (1 an advert) and 0.3 clicks (1 in 6 on the advert).
    per_day = args.page_views_per_day * 6.3
    sponsored_per_day = args.page_views_per_day * (1 + 0.3 / 6)
    raw_event = int(typical["raw_bytes_per_10k"]) / 10_000  # type: ignore[call-overload]
    audit_row = int(sponsored["audit_bytes_per_10k_sponsored"]) / 10_000  # type: ignore[call-overload]
    baseline_event = int(typical["baseline_bytes_per_10k"]) / 10_000  # type: ignore[call-overload]
    hour_row = float(typical["hour_row_bytes"])  # type: ignore[arg-type]
    rows_per_hour = rollup_rows_per_hour(args.page_views_per_day // 24, args.items)
    raw_gb = per_day * args.raw_days * raw_event / GB
    audit_gb = sponsored_per_day * args.audit_days * audit_row / GB
    hours_gb_year = rows_per_hour * 24 * 365 * hour_row / GB
    baseline_gb = per_day * args.raw_days * baseline_event / GB
    baseline_advert = int(sponsored["baseline_bytes_per_10k"]) / 10_000  # type: ignore[call-overload]
    baseline_audit_gb = sponsored_per_day * args.audit_days * baseline_advert / GB
    emit({
        "bench": "events_storage",
        "case": "steady_state",
        "page_views_per_day": args.page_views_per_day,
        "events_per_day": round(per_day),
        "raw_days": args.raw_days,
        "raw_events_kept": round(per_day * args.raw_days),
        "raw_gb": round(raw_gb, 2),
        "rollup_rows_per_hour": rows_per_hour,
        "rollup_gb_per_year": round(hours_gb_year, 2),
        "raw_plus_rollups_gb_after_1_year": round(raw_gb + hours_gb_year, 2),
        "audit_days": args.audit_days,
        "audit_gb": round(audit_gb, 2),
        "total_gb_after_1_year": round(raw_gb + hours_gb_year + audit_gb, 2),
        "baseline_raw_gb": round(baseline_gb, 2),
        "raw_ratio_to_baseline": round(raw_gb / baseline_gb, 2),
        "baseline_raw_plus_audit_gb": round(baseline_gb + baseline_audit_gb, 2),
        "raw_plus_audit_ratio_to_baseline": round(
            (raw_gb + audit_gb) / (baseline_gb + baseline_audit_gb), 2
        ),
    })  # fmt: skip


if __name__ == "__main__":
    main()
