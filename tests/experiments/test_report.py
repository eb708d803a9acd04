"""Wins, ties, losses and the sign test, from per-page-view clicks per arm."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from recommender.events.store import ArmClicks
from recommender.experiments.config import Experiments
from recommender.experiments.report import experiments_report


def clicks(experiment: str, plan: list[dict[str, int]]) -> list[ArmClicks]:
    rows = []
    for n, per_arm in enumerate(plan):
        page_view = f"pv{n:04d}"
        rows.append(ArmClicks(experiment, page_view, None, 0))  # pinned or unclicked rows
        rows += [ArmClicks(experiment, page_view, arm, c) for arm, c in per_arm.items()]
    return rows


def test_pairs_are_counted_per_page_view() -> None:
    plan = [{"a": 1, "b": 0, "c": 2}] * 5 + [{"a": 0, "b": 1, "c": 1}] * 3 + [{"a": 1, "b": 1}]
    plan += [{"a": 0, "b": 0}] * 4  # nobody clicked: left out
    report = experiments_report(clicks("e", plan), Experiments())["experiments"]
    assert len(report) == 1 and report[0]["arms"] == ["a", "b", "c"]
    assert report[0]["page_views"] == 13 and report[0]["clicked_page_views"] == 9
    assert report[0]["clicks"] == {"a": 6, "b": 4, "c": 13}
    pairs = {(p["a"], p["b"]): p for p in report[0]["pairs"]}
    assert (pairs["a", "b"]["wins"], pairs["a", "b"]["ties"], pairs["a", "b"]["losses"]) == (
        5,
        1,
        3,
    )
    assert (pairs["a", "c"]["wins"], pairs["a", "c"]["ties"], pairs["a", "c"]["losses"]) == (
        1,
        0,
        8,
    )
    assert (pairs["b", "c"]["wins"], pairs["b", "c"]["ties"], pairs["b", "c"]["losses"]) == (
        1,
        3,
        5,
    )
    expected = binomtest(1, 9, 0.5, alternative="two-sided").pvalue
    assert pairs["a", "c"]["p_value"] == pytest.approx(expected, abs=1e-6)


def test_no_decided_page_view_has_no_p_value() -> None:
    report = experiments_report(clicks("e", [{"a": 1, "b": 1}]), Experiments())
    pair = report["experiments"][0]["pairs"][0]
    assert (pair["wins"], pair["ties"], pair["losses"], pair["p_value"]) == (0, 1, 0, None)
