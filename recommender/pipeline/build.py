"""The full build: embed → index → relate → publish, over every published item.

`recommender.pipeline.update` composes the same stages for an incremental update.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recommender.articles import EDITORIAL_POOLS, Article, pool_of
from recommender.errors import InvalidInput
from recommender.pipeline.embed import (
    EmbeddingCache,
    Encoder,
    center_and_normalise,
    corpus_mean,
    embed_articles,
)
from recommender.pipeline.index import index_pool
from recommender.pipeline.publish import build_manifest, publish, snapshot_content
from recommender.pipeline.relate import relate_layer
from recommender.progress import NO_PROGRESS, Progress
from recommender.settings import Settings
from recommender.snapshot import item_record


@dataclass(frozen=True)
class BuildResult:
    version: str
    items: int
    embedded: int
    reused: int
    seconds: float
    manifest: dict[str, Any]


def build_snapshot(
    articles: Sequence[Article],
    settings: Settings,
    embedder: Encoder,
    *,
    cache: EmbeddingCache | None = None,
    progress: bool | None = None,
    reporter: Progress = NO_PROGRESS,
) -> BuildResult:
    """Write a complete snapshot for the published items, then flip CURRENT to it; each stage
    is a step of `reporter`."""
    started = time.perf_counter()
    live = sorted((a for a in articles if a.published), key=lambda a: a.id)
    if not live:
        raise InvalidInput("nothing to publish: no published items")
    records = [item_record(a) for a in live]
    pools = [pool_of(r) for r in records]
    # embed
    raw, embedded = embed_articles(live, embedder, cache, progress=progress, reporter=reporter)
    mean = corpus_mean(raw, pools) if settings.build.center_vectors else None
    vectors = center_and_normalise(raw, mean)
    # index
    names = np.asarray(pools)
    steps = len(records) * len(EDITORIAL_POOLS)  # every row searched (related) in each pool
    with reporter.step("indexing", steps) as step:
        lists = {
            pool: index_pool(
                vectors, np.flatnonzero(names == pool).astype(np.int64), settings, step.advance
            )
            for pool in EDITORIAL_POOLS
        }
    # relate
    dense_rows = {pool: pool_lists.neighbours.rows for pool, pool_lists in lists.items()}
    with reporter.step("ranking layer", steps) as step:
        lexical, layers = relate_layer(
            records, vectors, dense_rows, pools, settings.build, step.advance
        )
    # publish
    with reporter.step("publish", len(records)) as step:
        content = snapshot_content(records, vectors, mean, lists, layers, lexical)
        content.pools_of_rows = names
        manifest = build_manifest(embedder, settings, pools, content)
        version = publish(settings, content, manifest)
        step.advance(len(records))
    seconds = time.perf_counter() - started
    return BuildResult(version, len(live), embedded, len(live) - embedded, seconds, manifest)
