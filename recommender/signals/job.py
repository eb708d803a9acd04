"""`recommender signals`: read the event log and the current snapshot, write the signals file.

Hourly roll-ups (`event_hours`) give impressions and clicks per item, widget section and position;
the hour not rolled up yet is counted from raw events (`pending_hours`), so a signals run sees
every accepted event at once. Co-reading needs to know which clicks share a page view, which the
roll-ups do not keep: it reads raw clicks, within `EVENTS_RETENTION_DAYS` (a window longer than
the retention sees fewer pairs; the hourly counts are kept for ever).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from index.snapshots import SnapshotStore
from recommender.errors import RecommenderError, SnapshotMissing
from recommender.events.backend import event_log_exists, event_log_name, open_event_store
from recommender.events.store import EventStore, iso
from recommender.settings import Settings
from recommender.signals.compute import SignalParams, compute_signals, hour_of
from recommender.signals.file import Signals, signals_path, write_signals
from recommender.snapshot import read_sections


class EventLogMissing(RecommenderError):
    code = "event_log_missing"


def signal_params(settings: Settings) -> SignalParams:
    r = settings.ranking
    return SignalParams(
        half_life_hours=r.popularity_half_life_hours,
        popular_window_hours=r.popular_window_hours,
        window_hours=max(r.signals_window_hours, r.popular_window_hours),
        prior_strength=r.ctr_prior_strength,
    )


def item_sections(settings: Settings) -> tuple[str, dict[str, str]]:
    """The current snapshot's version and each item's section (casefolded, as ranking reads it)."""
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    if version is None:
        raise SnapshotMissing(f"no snapshot under {store.root}; run `recommender build` first")
    return version, read_sections(store.path(version))


def signals_from_store(
    store: EventStore,
    sections: Mapping[str, str],
    now: datetime,
    params: SignalParams,
    snapshot: str | None,
) -> Signals:
    """The signals of an event log at `now`: the hourly counts of the window (rolled up, and the
    hour not rolled up yet) and its raw clicks; `sections` gives each item's section."""
    since = hour_of(now - timedelta(hours=params.window_hours))
    counts = store.hours(since) + store.pending_hours(since)
    clicks = store.clicks(iso(now - timedelta(hours=params.window_hours)))
    placements = store.placements(iso(now - timedelta(hours=params.window_hours)))
    version = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**6:06d}"
    return compute_signals(
        counts,
        clicks,
        sections,
        now,
        params,
        snapshot=snapshot,
        version=version,
        placements=placements,
    )


def run_signals(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """Compute the signals and flip them into place; a one-line summary of what was read."""
    started = time.perf_counter()
    moment = now or datetime.now(UTC)
    if not event_log_exists(settings):
        raise EventLogMissing(
            f"no event log at {event_log_name(settings)}: nothing to learn from yet"
        )
    snapshot, sections = item_sections(settings)
    store = open_event_store(settings)
    try:
        signals = signals_from_store(store, sections, moment, signal_params(settings), snapshot)
    finally:
        store.close()
    target = signals_path(settings.data_dir)
    write_signals(target, signals)
    return {
        "job": "signals",
        "signals": signals.version,
        "snapshot": snapshot,
        "path": str(target),
        "window": signals.window,
        "items": len(signals.items),
        "popular": len(signals.popular),
        "coread_items": len(signals.coread),
        **signals.totals,
        "seconds": round(time.perf_counter() - started, 3),
    }
