"""Build time of the ranking layer (lexical index, candidates, shared neighbours, related lists).

Usage: ``python benchmarks/ranking.py [--sizes 5000,50000]``.

The texts are short real ones: HuffPost headlines and leads of `../shared/data/huffpost-10k`,
repeated as often as a size needs, each copy after the first with a random fifth of its words
dropped (so copies are near, not exact, duplicates, as rewritten stories are). Vectors are
clustered synthetic unit vectors and the dense lists random pool members (their content does not
change what the layer costs). Prints one JSON line per size with the seconds of `ranking_arrays`
and of its parts, and the growth of the time against the growth of the corpus between the
smallest and the largest size (1.0: linear). Skips when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from synthetic import clustered_unit_vectors, random_neighbours  # noqa: E402

from recommender.pipeline.lexical import LexicalIndex, make_analyser  # noqa: E402
from recommender.pipeline.relate import relate  # noqa: E402
from recommender.settings import Settings  # noqa: E402

HUFFPOST = REPO.parent / "shared" / "data" / "huffpost-10k" / "articles.jsonl"
DROP = 0.2  # share of words each copy after the first loses


def corpus(n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """n item records made from the HuffPost texts, near-duplicated as needed."""
    base = [orjson.loads(line) for line in HUFFPOST.read_bytes().splitlines() if line.strip()]
    out: list[dict[str, Any]] = []
    for i in range(n):
        record = base[i % len(base)]
        title, lead = str(record.get("title") or ""), str(record.get("lead") or "")
        if i >= len(base):
            title, lead = (
                " ".join(w for w in text.split() if rng.random() >= DROP) for text in (title, lead)
            )
        out.append({"title": title, "lead": lead, "language": "en"})
    return out


def bench(n: int, settings: Settings) -> dict[str, Any]:
    rng = np.random.default_rng(n)
    records = corpus(n, rng)
    vectors = clustered_unit_vectors(n, rng)
    members = np.arange(n, dtype=np.int64)
    dense_rows, _ = random_neighbours(n, members, settings.build.neighbours_k, rng)
    started = time.perf_counter()
    LexicalIndex.build(records, make_analyser(settings.build.lexical_stemming))
    lexical_index = time.perf_counter() - started
    started = time.perf_counter()
    lists = relate(records, vectors, {"articles": dense_rows}, ["articles"] * n, settings.build)
    total = time.perf_counter() - started
    found = lists["articles"][1].rows
    return {
        "bench": "ranking",
        "items": n,
        "neighbours_k": settings.build.neighbours_k,
        "ranking_layer_s": round(total, 2),
        "lexical_index_s": round(lexical_index, 2),
        "ms_per_item": round(1000 * total / n, 3),
        "lexical_neighbours_per_item": round(float((found >= 0).sum(axis=1).mean()), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="corpus sizes, smallest first")
    args = parser.parse_args()
    if not HUFFPOST.is_file():
        note(f"ranking: skipped, {HUFFPOST} is absent (shared evaluation data)")
        return
    emit({"bench": "ranking", "machine": machine(), "note": "2 cores shared with other work"})
    settings = Settings()
    results = [bench(int(s), settings) for s in args.sizes.split(",") if s]
    for result in results:
        emit(result)
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["ranking_layer_s"] / max(first["ranking_layer_s"], 1e-9)
        emit(
            {
                "bench": "ranking",
                "case": "scaling",
                "items_ratio": last["items"] / first["items"],
                "time_ratio": round(growth, 2),
                "time_ratio_per_items_ratio": round(growth / (last["items"] / first["items"]), 2),
            }
        )


if __name__ == "__main__":
    main()
