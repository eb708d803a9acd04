"""The signals job's time against event volume, and what blending the signals costs a request.

Usage: ``python benchmarks/signals.py [--volumes 20000,200000] [--items 5000] [--requests 2000]
[--rounds 3]``.

Job: for each volume, a fresh event log (SQLite, `SQLiteEventStore`) gets that many widget events
spread over the last 24 hours: page views of articles drawn from a Zipf law over `--items`, each
showing 6 related articles (also Zipf) whose clicks follow a position-bias curve (about 0.3
clicks a page view). Finished hours are rolled up, as `recommender events prune` does. Timed, best
of `--rounds`: `signals_from_store` (read the roll-ups, the current hour and the raw clicks;
popularity, regression-EM, CTR, co-reading) plus `write_signals` (the atomic write). The baseline
is the smallest volume, measured in the same run: `ratio_to_baseline` against `volume_ratio` says
how the job grows with the log.

Request: a synthetic snapshot of `--items` items (benchmarks/synthetic.py), the signals of the
largest log mapped onto it, and `Recommender.recommend_json` of the same requests with every
signal weight 0 (the baseline, in the same run) and with popularity, CTR and co-reading weights
of 0.1; with and without a 10-item history; also `popular=5`. One JSON line per case.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from synthetic import build_synthetic_snapshot  # noqa: E402

from index.snapshots import SnapshotStore  # noqa: E402
from recommender.events.store import Event, SQLiteEventStore, iso  # noqa: E402
from recommender.serving.blend import Blend  # noqa: E402
from recommender.serving.catalog import Catalog  # noqa: E402
from recommender.serving.engine import Recommender  # noqa: E402
from recommender.settings import Settings  # noqa: E402
from recommender.signals.compute import SignalParams  # noqa: E402
from recommender.signals.file import Signals, signals_path, write_signals  # noqa: E402
from recommender.signals.job import signals_from_store  # noqa: E402

SHOWN = 6
EXAMINATION = [1.0 / (k + 1) ** 0.8 for k in range(SHOWN)]  # the simulated position bias
SECTION = "rekomendasi_artikel"


def zipf_ids(ids: list[str], rng: np.random.Generator, size: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.3, size), len(ids)) - 1
    return [ids[r] for r in ranks]


def fill_log(path: Path, ids: list[str], events: int, now: datetime, seed: int) -> int:
    """Append about `events` events (6 impressions a page view, clicks by position); returns how
    many were stored."""
    rng = np.random.default_rng(seed)
    attract = {i: float(a) for i, a in zip(ids, rng.uniform(0.05, 0.5, len(ids)), strict=True)}
    store = SQLiteEventStore(path)
    stored = 0
    page_views = max(1, int(events / (SHOWN + 0.3)))
    start = now - timedelta(hours=24)
    articles = zipf_ids(ids, rng, page_views)
    batch: list[Event] = []
    for n, article in enumerate(articles):
        at = iso(start + timedelta(seconds=86400 * n / page_views))
        pv = f"{n:012d}{rng.integers(1 << 62):020x}"
        shown = list(dict.fromkeys(i for i in zipf_ids(ids, rng, SHOWN * 2) if i != article))
        for position, item in enumerate(shown[:SHOWN]):
            batch.append(
                Event(
                    at, "impression", pv, article, "s", SECTION, item, position, False, None, None
                )
            )
            if rng.random() < EXAMINATION[position] * attract[item] * 0.3:
                batch.append(
                    Event(at, "click", pv, article, "s", SECTION, item, position, False, None, None)
                )
        if len(batch) >= 5000:
            stored += store.append(batch).stored
            batch = []
    stored += store.append(batch).stored
    store.roll_up(now)
    store.close()
    return stored


def time_job(
    path: Path, out: Path, sections: dict[str, str], now: datetime, rounds: int
) -> tuple[float, Signals]:
    best = float("inf")
    signals = None
    for _ in range(rounds):
        store = SQLiteEventStore(path)
        started = time.perf_counter()
        signals = signals_from_store(store, sections, now, SignalParams(), "bench")
        write_signals(signals_path(out), signals)
        best = min(best, time.perf_counter() - started)
        store.close()
    assert signals is not None
    return best, signals


def request_case(rec: Recommender, requests: list) -> Callable[[], float]:  # type: ignore[type-arg]
    def run() -> float:
        started = time.perf_counter()
        for req in requests:
            rec.recommend_json(req)
        return (time.perf_counter() - started) / len(requests)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", default="20000,200000")
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    volumes = [int(v) for v in args.volumes.split(",")]
    emit({"bench": "signals", "case": "machine", **machine()})
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="bench-signals-") as tmp:
        root = Path(tmp)
        data_dir = root / "data"
        note(f"synthetic snapshot of {args.items} items")
        build_synthetic_snapshot(data_dir, args.items)
        store = SnapshotStore(data_dir / "snapshots")
        version = store.current_version()
        assert version is not None
        catalog = Catalog.load(store.path(version))
        ids = [r["id"] for r in catalog.records if not r.get("sponsor")]
        sections = {r["id"]: str(r.get("section") or "").casefold() for r in catalog.records}
        baseline = None
        signals = None
        for n, volume in enumerate(volumes):
            log = root / f"events-{volume}.sqlite3"
            note(f"filling an event log with {volume} events")
            stored = fill_log(log, ids, volume, now, seed=n)
            seconds, signals = time_job(log, root / f"out-{volume}", sections, now, args.rounds)
            baseline = baseline or (seconds, stored)
            emit(
                {
                    "bench": "signals",
                    "case": "job",
                    "events": stored,
                    "items": args.items,
                    "clicks": signals.totals["clicks"],
                    "coread_items": len(signals.coread),
                    "seconds": round(seconds, 4),
                    "us_per_event": round(seconds / stored * 1e6, 2),
                    "volume_ratio": round(stored / baseline[1], 2),
                    "ratio_to_baseline": round(seconds / baseline[0], 2),
                }
            )
        assert signals is not None
        blend = Blend.of(signals, catalog)
        rng = random.Random(11)
        articles = [rng.choice(ids) for _ in range(args.requests)]
        history = [[rng.choice(ids) for _ in range(10)] for _ in articles]
        plain = Recommender(catalog, Settings(data_dir=data_dir)).with_blend(blend)
        weighted = Recommender(
            catalog,
            Settings(data_dir=data_dir, popularity_weight=0.1, ctr_weight=0.1, coread_weight=0.1),
        ).with_blend(blend)
        cases = {
            "article": [{"article_id": a} for a in articles],
            "history": [
                {"article_id": a, "history": h} for a, h in zip(articles, history, strict=True)
            ],
            "popular": [{"article_id": a, "popular": 5} for a in articles],
        }
        for name, asks in cases.items():
            zero = request_case(plain, [plain.request(**a) for a in asks])
            blended = request_case(weighted, [weighted.request(**a) for a in asks])
            zeros, blends = [], []
            for _ in range(args.rounds):  # interleaved: drift on a shared machine hits both
                zeros.append(zero())
                blends.append(blended())
            base, with_signals = min(zeros), min(blends)
            for label, seconds in (("weight_0", base), ("blend", with_signals)):
                emit(
                    {
                        "bench": "signals",
                        "case": f"request_{name}_{label}",
                        "items": args.items,
                        "us_per_request": round(seconds * 1e6, 1),
                        "ratio_to_baseline": round(seconds / base, 3),
                        "requests": args.requests,
                    }
                )


if __name__ == "__main__":
    main()
