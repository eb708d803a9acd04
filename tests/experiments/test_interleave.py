"""Team-draft interleaving: the properties of Radlinski et al.'s method, for two or more arms."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from recommender.experiments.interleave import page_view_random, team_draft

ranked_lists = st.lists(
    st.lists(st.integers(0, 30), unique=True, max_size=12), min_size=2, max_size=4
)


@given(ranked_lists, st.integers(0, 15), st.integers(0, 2**32))
def test_team_draft_properties(lists: list[list[int]], n: int, seed: int) -> None:
    chosen, teams = team_draft(lists, n, random.Random(seed))
    everything = set().union(*map(set, lists))
    assert len(chosen) == min(n, len(everything))  # fills up while any arm has items left
    assert len(set(chosen)) == len(chosen) and set(chosen) <= everything
    for arm, ranked in enumerate(lists):
        picks = [item for item, team in zip(chosen, teams, strict=True) if team == arm]
        assert all(item in ranked for item in picks)
        # An arm picks in its own order, each time its best item not yet shown.
        assert picks == sorted(picks, key=ranked.index)
        for item in picks:
            before = ranked[: ranked.index(item)]
            assert set(before) <= set(chosen[: chosen.index(item)])
    # Teams take turns: no team is ever more than one round ahead of one that still has items.
    counts = [teams.count(arm) for arm in range(len(lists))]
    exhausted = [set(lists[a]) <= set(chosen) for a in range(len(lists))]
    live = [c for c, done in zip(counts, exhausted, strict=True) if not done]
    if live:
        assert max(counts) - min(live) <= 1


def test_identical_arms_give_their_common_list() -> None:
    ranked = [5, 3, 9, 1, 7]
    chosen, _ = team_draft([ranked, list(ranked)], 5, random.Random(1))
    assert chosen == ranked


def test_the_draw_is_the_page_views_and_fair() -> None:
    lists = [[1, 2, 3, 4], [5, 6, 7, 8]]
    a = team_draft(lists, 4, page_view_random("exp", "pageview-0000000001", "sec"))
    assert a == team_draft(lists, 4, page_view_random("exp", "pageview-0000000001", "sec"))
    firsts = [
        team_draft(lists, 4, page_view_random("exp", f"pageview-{n:010d}", "sec"))[1][0]
        for n in range(1000)
    ]
    assert 430 < firsts.count(0) < 570  # a fair coin decides who picks first
