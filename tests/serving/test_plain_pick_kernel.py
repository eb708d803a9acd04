"""The compiled choice of plain answers (`precomputed.pick` given the module, issue #15) against
numpy's (`pick` without it), on raw precomputed candidates, and of the sponsored section against
`Recommender._sponsored`'s numpy steps: the same rows, the same float scores bit for bit (both
rounded as an answer shows them: the loops round them themselves), and None exactly where numpy
gives None or a chosen score is one the loops leave to Python's rounding. Drawn to hit what a
catalogue rarely holds: tied scores, -0.0 and 0.0, NaN relevance, rows repeated within a list,
every candidate excluded or expired, lists not kept (count -1), boosts; and the loops' rounding
itself against `round(score, 4)` near every kind of half."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.serving import kernels
from recommender.serving.engine import Recommender
from recommender.serving.freshness import Freshness
from recommender.serving.precomputed import PlainCandidates, pick
from recommender.serving.rendering import rounded
from recommender.serving.topk import top_n
from recommender.settings import Settings
from tests.conftest import current_catalog
from tests.serving.test_history_kernels import needs_module

NOW = 1_700_000_000.0
ROWS = 30  # catalogue rows the candidates are drawn from


@st.composite
def candidates(draw: st.DrawFn) -> tuple[PlainCandidates, int]:
    width = draw(st.sampled_from([4, 6, 12]))
    pools = ("article", "video")
    articles = 3
    counts = np.array(
        [[draw(st.integers(-1, width)) for _ in pools] for _ in range(articles)], dtype=np.int16
    )
    values = st.sampled_from([0.0, -0.0, 0.25, 0.5, 0.5, 0.75, 1.0, float("nan"), -1e-300])
    shape = (articles, len(pools) * width)
    rows = np.array(draw(st.lists(st.integers(0, ROWS - 1), min_size=shape[0] * shape[1],
                                  max_size=shape[0] * shape[1])), dtype=np.int32).reshape(shape)  # fmt: skip
    relevance = np.array(draw(st.lists(values, min_size=rows.size, max_size=rows.size)))
    ages = st.sampled_from([-600.0, 0.0, 1.0, 3600.0, 7200.5, 86400.0 * 30])
    published = NOW - np.array(draw(st.lists(ages, min_size=rows.size, max_size=rows.size)))
    plain = PlainCandidates(
        NOW - 3600.0,
        NOW + 3600.0,
        pools,
        (5, 3),
        width,
        counts,
        rows,
        relevance.reshape(shape),
        published.reshape(shape),
    )
    return plain, draw(st.integers(0, articles - 1))


@needs_module
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    candidates(),
    st.lists(st.integers(0, ROWS - 1), max_size=4),
    st.sampled_from([[("article", 5), ("video", 3)], [("video", 2)], [("article", 1)]]),
    st.sampled_from([Freshness(24.0, 0.1), Freshness(0.0, 0.1), Freshness(1.0, 0.3)]),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_compiled_pick_is_numpy_pick(
    drawn: tuple[PlainCandidates, int],
    excluded: list[int],
    wants: list[tuple[str, int]],
    freshness: Freshness,
    boosted: bool,
    expiring: bool,
    seed: int,
) -> None:
    plain, anchor = drawn
    rng = np.random.default_rng(seed)
    boost = rng.choice([0.0, 0.0, 0.05, -0.2], ROWS) if boosted else None
    expires = rng.choice([np.inf, NOW - 1.0, NOW, NOW + 1.0], ROWS) if expiring else None
    banned = np.array([ROWS + 1, *excluded], dtype=np.int64)  # the article: in no list
    module = kernels.built()
    want = pick(plain, wants, anchor, banned, NOW, freshness, boost, expires)
    got = pick(plain, wants, anchor, banned, NOW, freshness, boost, expires, module)
    if want is None:
        assert got is None
        return
    if got is None:  # only for a score the loops leave to Python's rounding
        raw = pick(plain, wants, anchor, banned, NOW, freshness, boost, expires, raw=True)
        assert raw is not None
        assert not all(loops_round(s) for _, scores in raw for s in scores)
        return
    for (rows, scores), (want_rows, want_scores) in zip(got, want, strict=True):
        assert rows == [int(r) for r in want_rows]
        assert [s.hex() for s in scores] == [float(s).hex() for s in want_scores]


@needs_module
def test_a_kept_list_answers_and_excluding_too_many_does_not() -> None:
    """Not vacuous: the drawn cases above include answers; here one of each, by hand."""
    width = 4
    rows = np.array([[1, 2, 3, 4, 5, 6, 7, 8]], dtype=np.int32)
    relevance = np.array([[0.5, 0.9, 0.9, 0.1, 0.3, 0.2, 0.8, 0.0]])
    plain = PlainCandidates(
        NOW - 1, NOW + 1, ("article", "video"), (2, 1), width,
        np.array([[4, 3]], dtype=np.int16), rows, relevance, np.full((1, 8), NOW),
    )  # fmt: skip
    fresh = Freshness(0.0, 0.0)
    module = kernels.built()
    wants = [("article", 2), ("video", 1)]
    got = pick(plain, wants, 0, np.array([0]), NOW, fresh, None, None, module)
    assert got == [([2, 3], [0.9, 0.9]), ([7], [0.8])]  # ties in list order
    banned = np.array([0, 2, 3, 1])  # three of the article list's four: above the margin
    assert pick(plain, wants, 0, banned, NOW, fresh, None, None, module) is None
    assert pick(plain, wants, 0, banned, NOW, fresh, None, None) is None


def test_without_the_module_the_numpy_pick_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Selector.precomputed_pick` takes numpy's `pick` when `make setup` built no module."""
    from tests.serving.test_precomputed import long_lists, selector

    catalog = long_lists(40, 10, False, 3)
    sel = selector(catalog)
    sel.precomputed = sel.precompute({"article": 5, "video": 3}, NOW - 60, 2.0)
    wants = [("article", 5), ("video", 3)]
    compiled = sel.precomputed_pick(wants, 7, np.array([7]), NOW)
    monkeypatch.setattr(kernels, "built", lambda: None)
    assert sel.precomputed_pick(wants, 7, np.array([7]), NOW) == compiled
    assert compiled is not None


def loops_round(score: float) -> bool:
    """Whether the compiled loops round `score` themselves (kernels' module doc)."""
    if not math.isfinite(score):
        return False
    with np.errstate(over="ignore", invalid="ignore"):  # a huge score: scaled is inf
        scaled = np.float64(score) * kernels.SCORE_SCALE
        near = abs(scaled - np.rint(scaled)) < kernels.TIE_MARGIN
    return bool(near and abs(scaled) < kernels.SCALED_LIMIT)


def numpy_sponsored(
    cosine: np.ndarray, ctr: np.ndarray | None, rows: np.ndarray, n: int
) -> tuple[list[int], list[float]]:
    """`Recommender._sponsored`'s numpy steps after its matrix product."""
    relevance = np.asarray(cosine, dtype=np.float64)
    if ctr is not None:
        relevance = relevance + ctr
    order = top_n(relevance, n)
    return rows[order].tolist(), relevance[order].tolist()  # not rounded yet


@needs_module
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([0.5, 0.5, -0.25, 0.0, -0.0, 1.0, float("nan"), 0.1]), max_size=20),
    st.booleans(),
    st.integers(0, 12),
    st.integers(0, 2**32 - 1),
)
def test_compiled_sponsored_choice_is_numpy_choice(
    values: list[float], with_ctr: bool, n: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    cosine = np.array(values, dtype=np.float32)
    rows = rng.permutation(100)[: len(values)].astype(np.int64)
    ctr = rng.choice([0.0, 0.05, -0.05, 0.5], len(values)) if with_ctr else None
    want = numpy_sponsored(cosine, ctr, rows, n)
    out_rows, out_scores = np.empty(n, dtype=np.int64), np.empty(n)
    module = kernels.built()
    ctr_in = np.zeros(0) if ctr is None else ctr
    k = module.sponsored_choose(cosine, ctr_in, rows, n, out_rows, out_scores)
    if k < 0:  # only for a score the loops leave to Python's rounding (NaN here)
        assert not all(loops_round(s) for s in want[1])
        return
    assert out_rows[:k].tolist() == want[0]
    assert [s.hex() for s in out_scores[:k].tolist()] == [s.hex() for s in rounded(want[1])]


def near_halves() -> st.SearchStrategy[float]:
    """Scores whose product by 10**4 lies at or near a half (a few ulps either side), and
    ordinary floats of every size the loops may meet."""
    ties = st.builds(
        lambda k, ulps: (
            float(np.nextafter((k + 0.5) / 1e4, np.inf * np.sign(ulps)))
            if ulps
            else (k + 0.5) / 1e4
        ),
        st.integers(-(10**6), 10**6),
        st.integers(-3, 3),
    )
    exact = st.builds(lambda k: (2 * k + 1) * 625 / 20000, st.integers(-1000, 1000))  # x.xxxx5
    return st.one_of(ties, exact, st.floats(allow_nan=True, allow_infinity=True), st.floats(-2, 2))


@needs_module
@settings(max_examples=2000, deadline=None)
@given(st.lists(near_halves(), min_size=1, max_size=8))
def test_the_loops_round_as_python_or_leave_it_to_python(scores: list[float]) -> None:
    """The sponsored loop with a zero cosine: each score is its `ctr` part, written rounded
    to four places bit for bit as `round(score, 4)`, or -1 where the loop cannot be sure."""
    module = kernels.built()
    n = len(scores)
    out_rows, out_scores = np.empty(n, dtype=np.int64), np.empty(n)
    rows = np.arange(n, dtype=np.int64)
    ctr = np.array(scores, dtype=np.float64)
    k = module.sponsored_choose(np.zeros(n, dtype=np.float32), ctr, rows, n, out_rows, out_scores)
    if k < 0:
        assert not all(loops_round(s) for s in scores)
        return
    assert all(loops_round(s) for s in scores)
    by_row = dict(zip(out_rows.tolist(), out_scores.tolist(), strict=True))
    # Each score is the zero cosine plus its `ctr` part (0.0 + -0.0 is 0.0).
    assert [by_row[r].hex() for r in range(n)] == [round(0.0 + s, 4).hex() for s in scores]


@needs_module
def test_the_engine_chooses_the_same_sponsored_items_either_way(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recommender(current_catalog(settings), settings)
    now = time.time()
    rows = [r for r in range(rec.catalog.size) if rec.editorial[r]]
    assert len(rec.sponsored.live(now).positions) > 1  # a choice to make
    compiled = [rec._sponsored(r, 3, now) for r in rows]
    monkeypatch.setattr(kernels, "built", lambda: None)
    numpy_path = [rec._sponsored(r, 3, now) for r in rows]
    assert [(s.rows, s.scores) for s in compiled] == [(s.rows, s.scores) for s in numpy_path]
