"""The event log's `served` lists: recorded once per page view and section, pruned with raw
events (the replay's impressions, recommender.replay.eventlog)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from recommender.events.store import ServedList, iso
from tests.event_stores import Backend
from tests.events.test_events_cli import ev

NOW = datetime.now(UTC)


def test_the_first_list_of_a_page_view_section_is_kept_and_pruned_with_raw_events(
    backend: Backend,
) -> None:
    store = backend.open()
    old, new = NOW - timedelta(days=40), NOW - timedelta(hours=1)
    first = ServedList("0123456789abcdef", "rekomendasi_artikel", iso(old), "banjir-1", ("a", "b"))
    again = ServedList("0123456789abcdef", "rekomendasi_artikel", iso(new), "banjir-1", ("x",))
    recent = ServedList("f" * 16, "rekomendasi_artikel", iso(new), "banjir-1", ("c", "d", "e"))
    store.append([ev("impression", "banjir-2", old)], [first])
    store.append([ev("click", "banjir-2", old)], [again])  # a later batch: not recorded again
    store.append([ev("impression", "banjir-3", new, "f" * 16)], [recent])
    assert store.served_lists() == {
        ("0123456789abcdef", "rekomendasi_artikel"): ("a", "b"),
        ("f" * 16, "rekomendasi_artikel"): ("c", "d", "e"),
    }
    store.prune(NOW, retention_days=30, audit_retention_days=400)
    assert store.served_lists() == {("f" * 16, "rekomendasi_artikel"): ("c", "d", "e")}
    store.close()
