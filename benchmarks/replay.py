"""Replay evaluation speed: the incremental leakage-free popularity against recomputing it.

Usage: ``python benchmarks/replay.py [--impressions 2000] [--large 70000]``.

Synthetic click log shaped like MIND-small's dev split (~70k impressions of ~30 candidates, 1-2
clicks each, items drawn from a Zipf-like popularity over 5,000 news, one impression every few
seconds over a week). Prints one JSON line: seconds and impressions per second of
`recommender.replay.replay.replay` (three configurations, four metrics each) on `--impressions`
impressions, the same replay with popularity recomputed from every earlier click per impression
(the plain definition, the baseline) and the ratio between the two in this run, whether both gave
the same metrics, and the time of the incremental replay on `--large` impressions (MIND-small).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402

from recommender.replay.metrics import Averages, scorable  # noqa: E402
from recommender.replay.replay import Click, Impression, replay, scores_of  # noqa: E402

ITEMS = 5000
CANDIDATES = 30
HALF_LIFE_HOURS = 6.0
WEIGHT = 0.3


def click_log(n: int, seed: int = 13) -> tuple[list[Impression], list[Click]]:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, ITEMS + 1) ** 0.8
    weights /= weights.sum()
    ids = [f"N{i}" for i in range(ITEMS)]
    moments = np.cumsum(rng.exponential(7 * 86400 / max(n, 1), n))
    impressions, clicks = [], []
    for at in moments:
        shown = rng.choice(ITEMS, CANDIDATES, replace=False, p=weights)
        labels = np.zeros(CANDIDATES)
        clicked = rng.choice(CANDIDATES, int(rng.integers(1, 3)), replace=False)
        labels[clicked] = 1.0
        items = tuple(ids[i] for i in shown)
        impressions.append(Impression(float(at), items, labels, rng.normal(size=CANDIDATES)))
        clicks += [Click(float(at), items[c]) for c in clicked]
    return impressions, clicks


def plain_replay(impressions: Sequence[Impression], clicks: Sequence[Click]) -> dict[str, Any]:
    """The baseline: popularity recomputed from all earlier clicks at every impression."""
    averages = {name: Averages() for name in ("content", "popularity", "blend")}
    half = HALF_LIFE_HOURS * 3600
    times = np.array([c.at for c in clicks])
    names = [c.item_id for c in clicks]
    for imp in impressions:
        before = times < imp.at
        counts: dict[str, float] = {}
        for at, item in zip(
            times[before], (n for n, b in zip(names, before, strict=True) if b), strict=True
        ):
            counts[item] = counts.get(item, 0.0) + 0.5 ** ((imp.at - at) / half)
        top = max(counts.values(), default=0.0)
        popularity = np.array([counts.get(i, 0.0) / top if top else 0.0 for i in imp.items])
        if not scorable(imp.labels):
            continue
        for name, scores in scores_of(imp, popularity, WEIGHT).items():
            averages[name].add(imp.labels, scores)
    return {name: a.means() for name, a in averages.items()}


def timed(func: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--impressions", type=int, default=2000)
    parser.add_argument("--large", type=int, default=70000)
    args = parser.parse_args()
    impressions, clicks = click_log(args.impressions)
    note(f"replay: {len(impressions)} impressions, {len(clicks)} clicks")

    def fast(i: Sequence[Impression], c: Sequence[Click]) -> dict[str, Any]:
        result = replay(i, c, popularity_weight=WEIGHT, half_life_hours=HALF_LIFE_HOURS)
        return result.as_dict()["configurations"]

    incremental, fast_seconds = timed(fast, impressions, clicks)
    plain, plain_seconds = timed(plain_replay, impressions, clicks)
    large_impressions, large_clicks = click_log(args.large)
    note(f"replay: {len(large_impressions)} impressions (large)")
    _, large_seconds = timed(fast, large_impressions, large_clicks)
    emit(
        {
            "bench": "replay",
            "impressions": len(impressions),
            "candidates": CANDIDATES,
            "clicks": len(clicks),
            "incremental_seconds": round(fast_seconds, 3),
            "plain_seconds": round(plain_seconds, 3),
            "speedup_vs_plain": round(plain_seconds / fast_seconds, 1),
            "same_metrics": incremental == plain,
            "large_impressions": len(large_impressions),
            "large_seconds": round(large_seconds, 2),
            "large_impressions_per_second": round(len(large_impressions) / large_seconds),
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
