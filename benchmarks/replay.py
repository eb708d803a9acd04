"""Replay evaluation speed: the incremental leakage-free popularity and CTR against recomputing
them.

Usage: ``python benchmarks/replay.py [--impressions 2000] [--large 70000]``.

Synthetic click log shaped like MIND-small's dev split (~70k impressions of ~30 candidates, 1-2
clicks each, items drawn from a Zipf-like popularity over 5,000 news, one impression every few
seconds over a week, news in 15 categories). Prints one JSON line: seconds and impressions per
second of `recommender.replay.replay.replay` (three configurations, four metrics each, the blend
with popularity and CTR) on `--impressions` impressions, the same replay with popularity and CTR
recomputed from every earlier click and impression per impression (the plain definition, the
baseline) and the ratio between the two in this run, whether both gave the same metrics, and the
time of the incremental replay on `--large` impressions (MIND-small), with and without the CTR
term (its cost as a ratio in this run).
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
from recommender.replay.replay import (  # noqa: E402
    Click,
    Exposure,
    Impression,
    Weights,
    replay,
    scores_of,
)

ITEMS = 5000
CANDIDATES = 30
CATEGORIES = 15
WEIGHTS = Weights(popularity=0.3, half_life_hours=6.0, ctr=0.1, ctr_prior_strength=50.0)


def sections_of() -> dict[str, str]:
    return {f"N{i}": f"c{i % CATEGORIES}" for i in range(ITEMS)}


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


def exposures_of(impressions: Sequence[Impression]) -> list[Exposure]:
    return [Exposure(imp.at, item) for imp in impressions for item in imp.items]


def plain_ctr(
    shown: tuple[np.ndarray, np.ndarray], clicked: tuple[np.ndarray, np.ndarray], imp: Impression
) -> np.ndarray:
    """The CTR score of `imp`'s items from every (time, item index) shown and clicked strictly
    before it, counted afresh."""
    section = np.arange(ITEMS) % CATEGORIES
    n = np.bincount(shown[1][shown[0] < imp.at], minlength=ITEMS).astype(np.float64)
    c = np.bincount(clicked[1][clicked[0] < imp.at], minlength=ITEMS).astype(np.float64)
    m = WEIGHTS.ctr_prior_strength
    mu = c.sum() / n.sum() if n.sum() > 0 else 0.0
    n_s = np.bincount(section, weights=n, minlength=CATEGORIES)
    c_s = np.bincount(section, weights=c, minlength=CATEGORIES)
    rows = np.array([int(i[1:]) for i in imp.items])
    mu_s = (c_s[section[rows]] + m * mu) / (n_s[section[rows]] + m)
    ctr = (c[rows] + m * mu_s) / (n[rows] + m)
    total = ctr + mu_s
    return np.where(total > 0, ctr / np.where(total > 0, total, 1.0) - 0.5, 0.0)


def plain_replay(impressions: Sequence[Impression], clicks: Sequence[Click]) -> dict[str, Any]:
    """The baseline: popularity and CTR recomputed from all earlier events at every impression."""
    averages = {name: Averages() for name in ("content", "popularity", "blend")}
    half = WEIGHTS.half_life_hours * 3600
    times = np.array([c.at for c in clicks])
    names = [c.item_id for c in clicks]
    shown = (
        np.array([e.at for e in exposures_of(impressions)]),
        np.array([int(e.item_id[1:]) for e in exposures_of(impressions)]),
    )
    clicked = (times, np.array([int(n[1:]) for n in names], dtype=np.int64))
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
        ctr = plain_ctr(shown, clicked, imp)
        for name, scores in scores_of(imp, popularity, ctr, WEIGHTS).items():
            averages[name].add(imp.labels, scores)
    return {name: a.means() for name, a in averages.items()}


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal metrics, to float rounding (sums in another order)."""
    return all(np.allclose(list(a[k].values()), list(b[k].values()), atol=1e-12) for k in a)


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
        result = replay(i, c, WEIGHTS, exposures=exposures_of(i), sections=sections_of())
        return result.as_dict()["configurations"]

    incremental, fast_seconds = timed(fast, impressions, clicks)
    plain, plain_seconds = timed(plain_replay, impressions, clicks)
    large_impressions, large_clicks = click_log(args.large)
    note(f"replay: {len(large_impressions)} impressions (large)")
    _, large_seconds = timed(fast, large_impressions, large_clicks)

    def without_ctr(i: Sequence[Impression], c: Sequence[Click]) -> Any:
        return replay(i, c, Weights(WEIGHTS.popularity, WEIGHTS.half_life_hours))

    _, plain_large_seconds = timed(without_ctr, large_impressions, large_clicks)
    emit(
        {
            "bench": "replay",
            "impressions": len(impressions),
            "candidates": CANDIDATES,
            "clicks": len(clicks),
            "incremental_seconds": round(fast_seconds, 3),
            "plain_seconds": round(plain_seconds, 3),
            "speedup_vs_plain": round(plain_seconds / fast_seconds, 1),
            "same_metrics": same(incremental, plain),
            "large_impressions": len(large_impressions),
            "large_seconds": round(large_seconds, 2),
            "large_impressions_per_second": round(len(large_impressions) / large_seconds),
            "large_seconds_without_ctr": round(plain_large_seconds, 2),
            "ctr_cost_ratio": round(large_seconds / plain_large_seconds, 2),
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
