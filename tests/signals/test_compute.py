"""Signals from counts (recommender.signals.compute): decay, popularity scales, the CTR prior,
co-reading normalised against popularity; and the job over a real event log."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from recommender.events.backend import open_event_store
from recommender.events.store import Click, Event, HourCount, Placement, iso
from recommender.signals.compute import (
    SignalParams,
    compute_signals,
    coread,
    ctr_with_prior,
    debias,
    hour_of,
)
from recommender.signals.file import load_signals, signals_path
from recommender.signals.job import EventLogMissing, run_signals
from tests.conftest import make_settings
from tests.event_stores import Backend

NOW = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)  # the middle of hour 12
VIEWS_PER_ARTICLE = 6000


def hour(hours_ago: int) -> str:
    return hour_of(NOW - timedelta(hours=hours_ago))


def count(item: str, hours_ago: int, clicks: int, impressions: int, position: int = 0) -> HourCount:
    return HourCount(hour(hours_ago), item, "rekomendasi_artikel", position, impressions, clicks)


def signals_of(counts: list[HourCount], clicks: list[Click] = (), **sections: str):  # type: ignore[assignment,no-untyped-def]
    return compute_signals(
        counts, list(clicks), sections, NOW, SignalParams(), snapshot="s1", version="v1"
    )


def test_a_click_one_half_life_ago_counts_half() -> None:
    s = signals_of([count("a", 0, 10, 100), count("b", 6, 10, 100), count("c", 30, 50, 100)])
    assert s.items["a"].clicks == pytest.approx(10.0)
    assert s.items["b"].clicks == pytest.approx(5.0)
    assert s.items["c"].clicks == 0.0  # outside the 24 h popular window
    assert s.popular == ["a", "b"]
    assert s.items["a"].popularity == 1.0
    assert s.items["b"].popularity == pytest.approx(math.log1p(5) / math.log1p(10))


def test_popularity_within_a_section() -> None:
    s = signals_of(
        [count("a", 0, 20, 100), count("b", 0, 5, 100), count("c", 0, 2, 100)],
        a="nasional",
        b="olahraga",
        c="olahraga",
    )
    assert s.items["b"].section_popularity == 1.0  # the most read of its section
    assert s.items["b"].popularity < 1.0  # not of the site
    assert s.items["c"].section_popularity == pytest.approx(math.log1p(2) / math.log1p(5))


def test_ctr_is_corrected_for_position() -> None:
    """Two equally good items, one always shown first, one always third: the raw CTRs differ,
    the debiased ones do not (propensities come from items shown in both places)."""
    counts = [count("a", 1, 100, 1000, 0), count("b", 1, 40, 1000, 2)]
    for k, item in enumerate("cdefgh"):  # items seen at both positions pin the curve down
        counts += [count(item, 1, 50 + k, 500, 0), count(item, 1, 20 + k * 0.4, 500, 2)]
    d = debias(counts)
    assert d.propensity["rekomendasi_artikel"][2] == pytest.approx(0.4, abs=0.04)
    rate_a = d.clicks["a"] / d.examined["a"]
    rate_b = d.clicks["b"] / d.examined["b"]
    assert rate_a == pytest.approx(rate_b, rel=0.1)


def confounded_log(seed: int, moved_share: float) -> tuple[list[HourCount], list[Placement]]:
    """A log where relevance depends on the article and falls with position (the ranking puts the
    best items first), and a `moved_share` of page views shows each list with two neighbours
    swapped (as history personalisation or an experiment would). True examination: 1/(1+p)."""
    rng = np.random.default_rng(seed)
    theta = 1.0 / (1.0 + np.arange(6))
    articles = [f"a{n}" for n in range(60)]
    items = [f"i{n}" for n in range(120)]
    hourly: Counter[tuple[str, int, str]] = Counter()
    placed: Counter[tuple[str, str, int, str]] = Counter()
    for article in articles:
        shown = [str(i) for i in rng.choice(items, 6, replace=False)]
        relevance = np.sort(rng.uniform(0.05, 0.9, 6))[::-1]  # best first, as a ranker puts them
        order = np.tile(np.arange(6), (VIEWS_PER_ARTICLE, 1))  # order[view, position] = slot
        swapped = np.flatnonzero(rng.random(VIEWS_PER_ARTICLE) < moved_share)
        at = rng.integers(0, 5, len(swapped))
        order[swapped, at], order[swapped, at + 1] = at + 1, at
        clicked = rng.random(order.shape) < theta[None, :] * relevance[order]
        for position in range(6):
            for slot in range(6):
                here = order[:, position] == slot
                for kind, n in (
                    ("impression", here.sum()),
                    ("click", (here & clicked[:, position]).sum()),
                ):
                    if n:
                        hourly[(shown[slot], position, kind)] += int(n)
                        placed[(article, shown[slot], position, kind)] += int(n)
    section = "rekomendasi_artikel"
    counts = [
        HourCount(hour(1), item, section, position, n, hourly[(item, position, "click")])
        for (item, position, kind), n in hourly.items()
        if kind == "impression"
    ]
    placements = [
        Placement(a, section, item, position, n, placed[(a, item, position, "click")])
        for (a, item, position, kind), n in placed.items()
        if kind == "impression"
    ]
    return counts, placements


def test_moved_pairs_recover_the_examination_curve_where_per_item_counts_cannot() -> None:
    counts, placements = confounded_log(seed=3, moved_share=0.5)
    truth = 1.0 / (1.0 + np.arange(6))
    per_pair = np.array(debias(counts, placements).propensity["rekomendasi_artikel"])
    per_item = np.array(debias(counts).propensity["rekomendasi_artikel"])
    assert np.max(np.abs(per_pair - truth) / truth) <= 0.10, per_pair
    # relevance falls with position, so the per-item fit blames position for it
    assert np.max(np.abs(per_item - truth) / truth) > 0.10, per_item
    # without moved pairs there is nothing to identify the curve with: the per-item fit is used
    fixed, unmoved = confounded_log(seed=3, moved_share=0.0)
    assert debias(fixed, unmoved).propensity == debias(fixed).propensity


def test_the_prior_does_not_punish_a_new_item() -> None:
    counts = [count("seen", 1, 0, 500), count("liked", 1, 60, 500), count("fresh", 1, 0, 0)]
    d = debias(counts)
    ctr, prior = ctr_with_prior(d, {}, strength=50)
    assert ctr["fresh"][1] == pytest.approx(0.0)  # only the prior: the section's average
    assert ctr["fresh"][0] == pytest.approx(prior[""])
    assert ctr["liked"][1] > 0.1
    assert ctr["seen"][1] < -0.3  # 500 impressions, no click
    assert all(-0.5 < score < 0.5 for _, score in ctr.values())


def test_coread_pairs_beat_a_blockbuster() -> None:
    """Readers of A click B; everybody clicks the blockbuster X: B is A's neighbour, X nobody's."""
    views = [["A", "B", "X"]] * 8 + [["C", "X"]] * 10 + [["D", "X"]] * 10 + [["E", "F"]] * 3
    found = coread(views)
    assert found["A"][0][0] == "B"
    assert dict(found["A"])["B"] > 0.5
    # X is read with A every time, but nearly everybody reads X: almost no lift.
    assert all(
        score < 0.1
        for item, pairs in found.items()
        for other, score in pairs
        if "X" in (item, other)
    )
    assert 0 < found["E"][0][1] < found["A"][0][1] <= 1  # fewer page views: shrunk more


def test_the_job_reads_rollups_and_the_current_hour(data_dir: Path, backend: Backend) -> None:
    settings = make_settings(data_dir, **backend.overrides())
    if backend.url is None:  # (a server store is always there)
        with pytest.raises(EventLogMissing):
            run_signals(settings)
    store = open_event_store(settings)
    now = datetime.now(UTC)
    old = now - timedelta(hours=3)
    events = []
    for n, at in enumerate([old] * 4 + [now] * 6):
        pv = f"page-view-{n:03d}-0123456789"
        for kind in ("impression", "click"):
            events.append(
                Event(
                    iso(at),
                    kind,
                    pv,
                    "banjir-1",
                    "s",
                    "rekomendasi_artikel",
                    "banjir-2",
                    0,
                    False,
                    None,
                    None,
                )
            )
    store.append(events)
    store.roll_up(now)  # the old hour is rolled up, the current one is not
    assert sum(h.clicks for h in store.hours("0")) == 4
    store.close()
    summary = run_signals(settings, now=now)
    assert summary["clicks"] == 10 and summary["impressions"] == 10
    signals = load_signals(signals_path(data_dir))
    assert signals.popular == ["banjir-2"]
    assert signals.items["banjir-2"].section == "nasional"
    assert signals.snapshot == summary["snapshot"]
    assert signals.coread["banjir-1"][0][0] == "banjir-2"
