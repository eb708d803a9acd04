"""`recommender experiments report`: which arm readers preferred, pair by pair.

Per page view of an experiment, each arm's clicks are counted on the items it contributed (the
arm is in the signed event token, recommender.events.tokens, and stored with every event). For a
pair of arms, a page view is a win for the arm with more clicks, a tie when both got the same
number (at least one click between all arms), and is left out when nobody clicked. The two-sided
sign test (`scipy.stats.binomtest`, p = 1/2) asks whether wins and losses could be a coin's: a
small p-value says one arm is preferred. Raw events are kept EVENTS_RETENTION_DAYS, so the report
covers that window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from scipy.stats import binomtest

from recommender.events.store import ArmClicks
from recommender.experiments.config import Experiments


@dataclass(frozen=True)
class Pair:
    """Arm `a` against arm `b` over the page views where anyone clicked."""

    a: str
    b: str
    wins: int
    ties: int
    losses: int

    @property
    def p_value(self) -> float | None:
        """Two-sided sign test of wins against losses (None before any decided page view)."""
        decided = self.wins + self.losses
        if not decided:
            return None
        return float(binomtest(self.wins, decided, 0.5, alternative="two-sided").pvalue)

    def as_dict(self) -> dict[str, Any]:
        p = self.p_value
        return {
            "a": self.a,
            "b": self.b,
            "wins": self.wins,
            "ties": self.ties,
            "losses": self.losses,
            "p_value": None if p is None else round(p, 6),
        }


def pairs(arms: Sequence[str], clicks: dict[str, Counter[str]]) -> list[Pair]:
    """Wins, ties and losses of each pair of `arms` over page views' clicks per arm."""
    out = []
    clicked = [c for c in clicks.values() if sum(c.values()) > 0]
    for a, b in combinations(arms, 2):
        wins = sum(c[a] > c[b] for c in clicked)
        losses = sum(c[a] < c[b] for c in clicked)
        out.append(Pair(a, b, wins, len(clicked) - wins - losses, losses))
    return out


def experiments_report(rows: Sequence[ArmClicks], configured: Experiments) -> dict[str, Any]:
    """The report of every experiment in the log or in the configuration."""
    by_experiment: dict[str, dict[str, Counter[str]]] = defaultdict(dict)
    seen_arms: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        views = by_experiment[row.experiment]
        views.setdefault(row.page_view, Counter())
        if row.arm is not None:
            views[row.page_view][row.arm] += row.clicks
            if row.arm not in seen_arms[row.experiment]:
                seen_arms[row.experiment].append(row.arm)
    names = [e.name for e in configured.experiments]
    names += sorted(set(by_experiment) - set(names))
    out = []
    for name in names:
        experiment = configured.by_name(name)
        arms = list(experiment.arm_names) if experiment else []
        arms += sorted(set(seen_arms[name]) - set(arms))
        views = by_experiment.get(name, {})
        out.append(
            {
                "experiment": name,
                "configured": experiment is not None,
                "arms": arms,
                "page_views": len(views),
                "clicked_page_views": sum(1 for c in views.values() if sum(c.values()) > 0),
                "clicks": {arm: sum(c[arm] for c in views.values()) for arm in arms},
                "pairs": [p.as_dict() for p in pairs(arms, views)],
            }
        )
    return {"experiments": out}
