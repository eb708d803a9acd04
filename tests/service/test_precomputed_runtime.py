"""The service precomputes the candidates of plain answers when it loads a snapshot, renews them
once half their window has passed, and answers the same with them as without (issue #15)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from recommender.serving.precomputed import MARGIN
from service.app import create_app
from service.runtime import Runtime
from tests.conftest import make_settings

SECTIONS = b',"sections":'


def test_a_loaded_snapshot_comes_with_its_precomputed_candidates(data_dir: Path) -> None:
    runtime = Runtime(make_settings(data_dir))
    assert runtime.reload()
    selector = runtime.recommender.selector
    plain = selector.precomputed
    assert plain is not None
    assert plain.start <= time.time() <= plain.end
    assert plain.end - plain.start == 24 * 3600.0  # the default window
    widget = runtime.settings.widget
    assert plain.covers == (widget.articles_default, widget.videos_default)
    assert plain.kept() > 0.9  # the demo's lists: nearly all kept
    assert plain.counts.shape == (runtime.recommender.catalog.size, 2)


def test_window_zero_switches_them_off(data_dir: Path) -> None:
    runtime = Runtime(make_settings(data_dir, precompute_window_hours=0))
    assert runtime.reload()
    assert runtime.recommender.selector.precomputed is None
    runtime.renew_precomputed()
    assert runtime.recommender.selector.precomputed is None


def test_they_are_renewed_once_half_the_window_has_passed(data_dir: Path) -> None:
    runtime = Runtime(make_settings(data_dir, precompute_window_hours=2))
    assert runtime.reload()
    selector = runtime.recommender.selector
    first = selector.precomputed
    assert first is not None
    runtime.reload()  # nothing new, and the window is young: kept
    assert selector.precomputed is first
    now = time.time()
    selector.precomputed = dataclasses.replace(first, start=now - 3700.0, end=now + 3500.0)
    runtime.reload()  # past half of it: computed again from now
    renewed = selector.precomputed
    assert renewed is not None and renewed is not first
    assert renewed.start >= now and renewed.end == renewed.start + 7200.0


def test_the_app_answers_the_same_with_them_and_without(data_dir: Path) -> None:
    """Every demo article, default counts and smaller ones, with `exclude` up to the margin and
    beyond: the answers' sections are the same bytes with the precomputed candidates on and off
    (the event token, which carries its issue time, aside)."""
    on = create_app(make_settings(data_dir))
    off = create_app(make_settings(data_dir, precompute_window_hours=0))
    with TestClient(on) as a, TestClient(off) as b:
        rec = on.state.runtime.recommender
        assert rec.selector.precomputed is not None
        assert off.state.runtime.recommender.selector.precomputed is None
        ids = [r["id"] for r in rec.catalog.records if not r.get("sponsor")]
        used = 0
        for i, article in enumerate(ids):
            excluded = ids[i + 1 : i + 1 + (i % (MARGIN + 2))]
            params = {"article_id": article, "articles": str(1 + i % 6), "videos": str(i % 5)}
            if excluded:
                params["exclude"] = ",".join(excluded)
            row = rec.catalog.row_of[article]
            wants = [("article", int(params["articles"])), ("video", int(params["videos"]))]
            banned = [row, *(rec.catalog.row_of[x] for x in excluded)]
            asked = [(p, n) for p, n in wants if n > 0]
            if rec.selector.precomputed_pick(asked, row, np.array(banned), time.time()):
                used += 1
            got, want = (
                a.get("/v1/recommendations", params=params),
                b.get("/v1/recommendations", params=params),
            )
            assert got.status_code == want.status_code == 200
            assert got.content.split(SECTIONS, 1)[1] == want.content.split(SECTIONS, 1)[1]
        assert used > len(ids) // 2
