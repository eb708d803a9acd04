"""Team-draft interleaving (Radlinski, Kurup and Joachims, CIKM 2008), for two or more arms.

Each round the arms pick in an order drawn at random; in its turn an arm adds its best item not
yet shown. With two arms this is the original team draft (the team with fewer picks goes next,
a coin deciding ties); with more it is team-draft multileaving (Schuth et al., CIKM 2014). Each
shown item belongs to the team that picked it, and a click counts for that team only.

The draw is decided by the page view (and the experiment and section): the same page view gets
the same answer however often it is asked, and different page views are independent draws.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence


def page_view_random(experiment: str, page_view: str, section: str) -> random.Random:
    """The random draws of one page view's section, the same on every worker and every run."""
    digest = hashlib.sha256(f"{experiment}\0{page_view}\0{section}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def team_draft(
    lists: Sequence[Sequence[int]], n: int, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Up to `n` items interleaved from the arms' ranked `lists`, and the arm (index) that
    contributed each one."""
    chosen: list[int] = []
    teams: list[int] = []
    taken: set[int] = set()
    cursor = [0] * len(lists)
    while len(chosen) < n:
        order = list(range(len(lists)))
        rng.shuffle(order)
        added = False
        for arm in order:
            ranked = lists[arm]
            while cursor[arm] < len(ranked) and ranked[cursor[arm]] in taken:
                cursor[arm] += 1
            if cursor[arm] == len(ranked):
                continue  # this arm has nothing left to offer
            item = ranked[cursor[arm]]
            chosen.append(item)
            teams.append(arm)
            taken.add(item)
            added = True
            if len(chosen) == n:
                break
        if not added:
            break
    return chosen, teams
