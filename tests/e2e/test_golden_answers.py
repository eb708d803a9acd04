"""Byte-identical API answers for the demo corpus, built with the real model (tests/e2e/golden.py).

Every item of the demo snapshot is asked four ways at a fixed time; the sha256 of each answer must
equal the one in tests/fixtures/demo_answers.json. A refactoring that changes no behaviour changes
no byte; one that does names the articles and requests whose answers moved. (Rewrite the fixture
with `python -m tests.e2e.golden DATA_DIR tests/fixtures/demo_answers.json` when they move on
purpose.)

The snapshot is built from the real model's vectors of the demo corpus pinned in
tests/fixtures/demo_vectors.npz (a float32 model's last bits differ between CPUs; golden.py says
why that matters). The pin is checked, not trusted: a sample of items is embedded again by the
real model on torch on every run and must match it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.pipeline.embed import Embedder
from recommender.settings import DEFAULT_MODEL
from tests.conftest import model_name, real_settings
from tests.e2e import golden

SAMPLE = 4  # items embedded again on every run to check the pinned vectors


@pytest.fixture(scope="module")
def torch_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The pinned vectors are torch's: OpenVINO, the default backend, computes in bfloat16 or
    float32 depending on the CPU."""
    data_dir = tmp_path_factory.mktemp("golden-model")
    return Embedder.from_settings(real_settings(data_dir, embedding_backend=golden.BACKEND))


@pytest.fixture(scope="module")
def pinned() -> golden.PinnedEncoder:
    if model_name() != DEFAULT_MODEL:
        pytest.skip(f"the golden answers are those of {DEFAULT_MODEL}, not {model_name()}")
    return golden.PinnedEncoder()


def test_pinned_vectors_are_the_real_models(
    pinned: golden.PinnedEncoder, torch_embedder: Embedder
) -> None:
    """The same identity (model, prefix, key) and, for a sample, the same vectors as the model
    computes now (within float noise between CPUs; a stale pin differs far more)."""
    assert (pinned.name, pinned.prefix, pinned.key) == (
        torch_embedder.name,
        torch_embedder.prefix,
        torch_embedder.key,
    )
    texts = golden.demo_texts()
    sample = texts[:: max(1, len(texts) // SAMPLE)][:SAMPLE]
    np.testing.assert_allclose(
        pinned.encode(sample), torch_embedder.encode(sample, progress=False), atol=1e-4
    )
    assert len(pinned.rows) == len(texts)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, pinned: golden.PinnedEncoder) -> Path:
    """The demo corpus built from the pinned vectors of the real model."""
    settings = real_settings(
        tmp_path_factory.mktemp("golden") / "data", embedding_backend=golden.BACKEND
    )
    golden.build_demo(settings, pinned)
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
