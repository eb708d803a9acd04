"""Leakage-free CTR score in the replay: hand-computed cases, the running sums against the plain
formula, and the blend it moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.replay.ctr import RunningCtr
from recommender.replay.replay import Click, Exposure, Impression, Weights, replay

SECTIONS = {"a": "x", "b": "x", "c": "y"}


def test_hand_computed_scores() -> None:
    ctr = RunningCtr(2.0, SECTIONS)
    for item, shown, clicked in (("a", 4, 1), ("b", 4, 0), ("c", 2, 1)):
        for _ in range(shown):
            ctr.show(item)
        for _ in range(clicked):
            ctr.click(item)
    # Site: 2 clicks / 10 shown = 0.2. Section x: (1 + 2·0.2) / (8 + 2) = 0.14.
    # a: (1 + 2·0.14) / (4 + 2) = 0.21333 → 0.21333 / 0.35333 − 0.5 = 0.10377
    # b: (0 + 0.28) / 6 = 0.046667 → 0.046667 / 0.186667 − 0.5 = −0.25
    # an unseen item of section x ("e") has the prior only: 0; one of no known section ("d"): 0.
    got = ctr.scores(["a", "b", "d"])
    assert got == pytest.approx([(1.28 / 6) / (1.28 / 6 + 0.14) - 0.5, -0.25, 0.0], abs=1e-9)
    unseen_in_x = RunningCtr(2.0, {**SECTIONS, "e": "x"})
    unseen_in_x.show("a")
    unseen_in_x.click("a")
    assert unseen_in_x.score("e") == pytest.approx(0.0)


def test_nothing_shown_yet_scores_zero_and_a_bad_prior_is_refused() -> None:
    assert RunningCtr(50, {}).scores(["a", "b"]).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        RunningCtr(0, {})


def plain(
    events: list[tuple[str, str]],
    item: str,
    strength: float,
    sections: dict[str, str] = SECTIONS,
) -> float:
    """The score from the whole list of (kind, item) events, counted afresh (the oracle)."""
    shown = [i for kind, i in events if kind == "show"]
    raw = [i for kind, i in events if kind == "click"]
    # An item's clicks count up to its impressions.
    clicked = [i for i in set(raw) for _ in range(min(raw.count(i), shown.count(i)))]
    mu = len(clicked) / len(shown) if shown else 0.0
    section = sections.get(item, "")
    in_section = [i for i in shown if sections.get(i, "") == section]
    clicked_in_section = [i for i in clicked if sections.get(i, "") == section]
    mu_s = (len(clicked_in_section) + strength * mu) / (len(in_section) + strength)
    rate = (clicked.count(item) + strength * mu_s) / (shown.count(item) + strength)
    return rate / (rate + mu_s) - 0.5 if rate + mu_s > 0 else 0.0


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(
        st.tuples(st.sampled_from(["show", "click"]), st.sampled_from(["a", "b", "c", "d"])),
        # clicks before impressions and more clicks than impressions both happen
        max_size=60,
    ),
    strength=st.floats(0.5, 100),
)
def test_running_sums_are_the_plain_formula(events: list[tuple[str, str]], strength: float) -> None:
    ctr = RunningCtr(strength, SECTIONS)
    for n, (kind, item) in enumerate(events):
        (ctr.show if kind == "show" else ctr.click)(item)
        for probe in ("a", "b", "c", "d", "e"):
            expected = plain(events[: n + 1], probe, strength)
            assert ctr.score(probe) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_first_impression_of_an_item_gets_zero() -> None:
    # "a" is clicked at every impression, content prefers "b". With a heavy CTR weight the blend
    # ranks "a" first once earlier impressions taught it; the first impression knows nothing
    # (its own impression and click are at the same moment), so there the blend is content.
    labels, content = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    moments = (10.0, 20.0, 30.0)
    impressions = [Impression(t, ("a", "b"), labels, content) for t in moments]
    exposures = [Exposure(t, item) for t in moments for item in ("a", "b")]
    clicks = [Click(t, "a") for t in moments]
    weights = Weights(popularity=0.0, half_life_hours=6, ctr=100.0, ctr_prior_strength=1.0)
    result = replay(impressions, clicks, weights, exposures=exposures).as_dict()
    by_config = result["configurations"]
    assert by_config["content"]["auc"] == 0.0
    assert by_config["blend"]["auc"] == pytest.approx((0 + 1 + 1) / 3, abs=1e-4)
    assert result["ctr_weight"] == 100.0 and result["ctr_prior_strength"] == 1.0
    # Without impressions to count, clicks carry no examination: no CTR, the blend is content.
    blind = replay(impressions, clicks, weights).as_dict()["configurations"]
    assert blind["blend"] == by_config["content"]


def test_an_item_shown_often_and_never_clicked_drops() -> None:
    # Before the replayed impression: "z" shown 100 times and clicked 10, "x" shown 200 times and
    # never clicked; "y" is new. Site and section mean: 10 / 300 = 1/30; with m = 50 the prior
    # mean stays (10 + 50/30) / (300 + 50) = 1/30. x: ctr = (50/30) / 250 = 1/150, score
    # (1/150) / (1/150 + 1/30) − 0.5 = −1/3. y: 0. Content prefers x by 0.01; the default CTR
    # weight 0.1 takes 0.033 from it, so the clicked y comes first.
    exposures = [Exposure(1.0, "z")] * 100 + [Exposure(2.0, "x")] * 200
    clicks = [Click(1.0, "z")] * 10 + [Click(100.0, "y")]
    ctr = RunningCtr(50.0, {})
    for e in exposures:
        ctr.show(e.item_id)
    for c in clicks[:10]:
        ctr.click(c.item_id)
    assert ctr.scores(["x", "y"]) == pytest.approx([-1 / 3, 0.0], abs=1e-12)
    impression = Impression(100.0, ("x", "y"), np.array([0.0, 1.0]), np.array([0.51, 0.5]))
    weights = Weights(popularity=0.0, half_life_hours=6, ctr=0.1, ctr_prior_strength=50.0)
    result = replay([impression], clicks, weights, exposures=exposures).as_dict()
    assert result["configurations"]["content"]["auc"] == 0.0
    assert result["configurations"]["blend"]["auc"] == 1.0
    off = replay([impression], clicks, Weights(0.0, 6, 0.0), exposures=exposures).as_dict()
    assert off["configurations"]["blend"]["auc"] == 0.0
