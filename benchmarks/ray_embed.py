"""Embedding on Ray (#14): items/s of the local executor vs the Ray executor, in one run.

Usage: ``python benchmarks/ray_embed.py [--items 400] [--rounds 2] [--batch 64]``.

The same texts (the first N HuffPost items of `../shared/data/huffpost-10k`, or the demo corpus
when that is absent; title + lead + body with the model's prefix, as a build makes them) are
embedded by the shipped default model:

- `local`: `Embedder.encode` in this process, torch on every core (what `recommender build` does);
  measured before the cluster starts and again after it stopped;
- `ray`: `RayEncoder.encode` on a real two-node Ray cluster on loopback (tests/pipeline/
  ray_cluster.py), one CPU per node so the cluster has the machine's cores and no more: one actor
  per node, one torch thread each, batches of `--batch` texts.

Prints one JSON line: items/s of each round, the best of each executor, `ratio` = best Ray /
best local (what the executor gives on one machine; goal >= 0.85), the local model on one torch
thread, `ratio_vs_best_local` (Ray against the faster of the two local runs) and
`ray_per_actor_vs_1_thread` (an actor's rate against it: Ray's own overhead, apart
from how torch's threads fare on a busy machine), the actors' start-up time (placing them and
loading the model, paid once per job), items/s per CPU (the sizing unit of docs/ray.md), and the
smallest per-vector cosine between local and Ray vectors.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402

from recommender.settings import Settings  # noqa: E402

HUFFPOST = REPO.parent / "shared" / "data" / "huffpost-10k" / "articles.jsonl"
DEMO = REPO / "recommender" / "demo_corpus"


def corpus_texts(n: int, work: Path) -> tuple[str, list[str]]:
    """The first `n` items' texts as a build embeds them (without the prefix: `encode` adds it)."""
    from recommender.ingest.importer import import_paths
    from recommender.ingest.text import item_text

    if HUFFPOST.is_file():
        source, name = work / "items.jsonl", "huffpost-10k"
        source.write_bytes(b"\n".join(HUFFPOST.read_bytes().splitlines()[:n]) + b"\n")
    else:
        note(f"ray_embed: {HUFFPOST} is absent, using the demo corpus")
        source, name = DEMO, "demo"
    articles = sorted(import_paths([source]).items.values(), key=lambda a: a.id)[:n]
    return name, [item_text(a) for a in articles]


def rate(
    encode: Callable[[Sequence[str]], np.ndarray], texts: list[str]
) -> tuple[float, np.ndarray]:
    """Items/s of one `encode` of every text (after a small warm-up call), and the vectors."""
    encode(texts[:8])
    started = time.perf_counter()
    vectors = encode(texts)
    return len(texts) / (time.perf_counter() - started), vectors


def single_thread_rate(embedder: Any, texts: list[str], cpus: int) -> float:
    """Items/s of the local model on one torch thread (what one actor has), threads restored."""
    import torch

    torch.set_num_threads(1)
    try:
        return rate(embedder.encode, texts)[0]
    finally:
        torch.set_num_threads(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2, help="Ray rounds between the local ones")
    parser.add_argument("--batch", type=int, default=64, help="texts per Ray batch")
    args = parser.parse_args()

    from recommender.pipeline.embed import Embedder
    from recommender.pipeline.ray_embed import RAY_MISSING, RayEncoder
    from tests.pipeline.ray_cluster import running_cluster

    # Not imported yet: Ray reads its auth token (the test cluster's, set below) when first used.
    if importlib.util.find_spec("ray") is None:
        note(f"ray_embed: skipped, {RAY_MISSING}")
        return 0
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        work = Path(tmp)
        corpus, texts = corpus_texts(args.items, work)
        settings = Settings(data_dir=work / "data", model_cache_dir=REPO / ".cache" / "models")
        note(f"ray_embed: {len(texts)} {corpus} items, local first")
        local = Embedder.from_settings(settings)
        first, local_vectors = rate(local.encode, texts)
        local_rates = [first]
        single_rates = [single_thread_rate(local, texts, cpus)]
        with running_cluster(REPO, cpus=1) as cluster:
            os.environ.update(cluster.auth)
            ray_settings = settings.replace(
                embedding_executor="ray", ray_address=cluster.address, ray_batch_size=args.batch
            )
            started = time.perf_counter()
            with RayEncoder(ray_settings) as remote:
                startup = time.perf_counter() - started
                ray_rates = []
                for _ in range(args.rounds):
                    items_per_s, ray_vectors = rate(remote.encode, texts)
                    ray_rates.append(items_per_s)
                nodes = len(set(remote.actor_nodes))
                actors = remote.plan.actors
        note("ray_embed: cluster stopped, local again")
        local_rates.append(rate(local.encode, texts)[0])
        single_rates.append(single_thread_rate(local, texts, cpus))
    cosine = np.sum(local_vectors * ray_vectors, axis=1)  # both unit length
    best_local, best_ray, best_single = max(local_rates), max(ray_rates), max(single_rates)
    emit(
        {
            "bench": "ray_embed",
            "corpus": corpus,
            "items": len(texts),
            "model": settings.build.model,
            "local_items_per_s": [round(r, 2) for r in local_rates],
            "ray_items_per_s": [round(r, 2) for r in ray_rates],
            "ratio": round(best_ray / best_local, 3),
            "goal_ratio": 0.85,
            "local_1_thread_items_per_s": [round(r, 2) for r in single_rates],
            "ray_per_actor_vs_1_thread": round(best_ray / actors / best_single, 3),
            "ratio_vs_best_local": round(best_ray / max(best_local, best_single), 3),
            "ray_nodes": nodes,
            "ray_actors": actors,
            "ray_batch": args.batch,
            "ray_startup_s": round(startup, 1),
            "local_items_per_s_per_cpu": round(best_local / cpus, 2),
            "ray_items_per_s_per_cpu": round(best_ray / actors, 2),
            "min_cosine_local_vs_ray": round(float(cosine.min()), 6),
            "machine": machine(),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
