"""Incremental update vs full build: 1 % of huffpost-10k changed (new, edited, unpublished).

Usage: .venv/bin/python benchmarks/update.py [--data ../shared/data/huffpost-10k] [--changed 0.01]
       [--limit N] [--model NAME] [--scale N] [--encoder model|hashing] [--cache DIR]

`--scale N` derives N items from the corpus (each copy's lead loses a few words, its id and date
move), for archives larger than the data; `--encoder hashing` embeds with the test suite's feature
hashing encoder instead of the model (what the update saves is the ranking layer, not embedding:
both jobs embed the same changed items); `--cache DIR` keeps the embedding cache of the first
build in DIR and seeds it from there on the next run (the first build is then not cold).

Three timed jobs, run as `recommender build` / `update` run them (lock, import, embed, index,
publish), with the model loaded once beforehand and outside every timing, and the update's
compiled kernels in numba's on-disk cache as `make setup` leaves it (loading them is timed):

1. `full_build_cold`: build the archive with an empty embedding cache (embeds everything);
2. `update`: apply the changes (60 % new items, 30 % edited, 10 % unpublished) to that snapshot;
3. `full_build_warm`: build the changed archive from scratch in another data dir whose cache
   holds the archive's vectors but not the changes: what a rebuild costs when the cache already
   spares re-embedding the unchanged items (the fair baseline for the update).

Prints one JSON line per job and a summary line with the ratios (update / full build) and how
close the update's neighbour lists are to the rebuilt ones (overlap of the top 10).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import emit, machine, note  # noqa: E402
from index.snapshots import SnapshotStore  # noqa: E402
from recommender.jobs import JobSummary, run_build, run_update  # noqa: E402
from recommender.pipeline.embed import Embedder, Encoder  # noqa: E402
from recommender.serving.catalog import Catalog  # noqa: E402
from recommender.settings import Settings  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "huffpost-10k"
WARM_UP = "from recommender.pipeline.kernels import warm_up; warm_up()"
NEW_SHARE, EDITED_SHARE = 0.6, 0.3  # the rest of the changes are unpublished items


def split(records: list[dict[str, Any]], changed: float, seed: int = 0) -> dict[str, Any]:
    """The archive before, the change file, and the archive after (for the rebuild)."""
    rng = random.Random(seed)
    n = max(3, round(len(records) * changed))
    n_new, n_edit = round(n * NEW_SHARE), round(n * EDITED_SHARE)
    by_time = sorted(records, key=lambda r: (r["published_at"], r["id"]))
    new, base = by_time[-n_new:], by_time[:-n_new]  # the newest articles arrive last
    touched = rng.sample(base, n - n_new)
    edited = [
        {**r, "lead": (r.get("lead") or "") + " (Updated with comments from officials.)"}
        for r in touched[:n_edit]
    ]
    unpublished = [{**r, "status": "unpublished"} for r in touched[n_edit:]]
    changes = new + edited + unpublished
    after = {r["id"]: r for r in base}
    after.update({r["id"]: r for r in new + edited})
    for r in unpublished:
        del after[r["id"]]
    return {"base": base, "changes": changes, "after": list(after.values()), "n_changed": n}


def scaled(records: list[dict[str, Any]], size: int, seed: int = 0) -> list[dict[str, Any]]:
    """`size` items derived from `records`: copy c of an item drops a few words of its lead
    (so no two share a text), gets an id of its own and a date c minutes later."""
    rng = random.Random(seed)
    out = []
    for i in range(size):
        base = records[i % len(records)]
        copy = i // len(records)
        if copy == 0:
            out.append(base)
            continue
        words = str(base.get("lead") or base.get("title") or "").split()
        kept = [w for w in words if rng.random() > 0.15] or words
        moved = datetime.fromisoformat(str(base["published_at"])) + timedelta(minutes=copy)
        out.append(
            {**base, "id": f"{base['id']}-c{copy}", "lead": " ".join(kept),
             "published_at": moved.isoformat()}
        )  # fmt: skip
    return out


def python_env() -> dict[str, str]:
    """This environment with the checkout first on the import path (as this script has it)."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def report(step: str, summary: JobSummary, extra: dict[str, Any]) -> dict[str, Any]:
    line = {"bench": "update", "step": step, **summary.as_dict(), **extra}
    emit(line)
    return line


def overlap_at_10(a: Catalog, b: Catalog) -> float:
    """Mean share of each article's top-10 related articles that both snapshots agree on."""
    shares = []
    for item_id, row_a in a.row_of.items():
        row_b = b.row_of[item_id]
        top_a = {a.records[r]["id"] for r in a.neighbours["article"].rows[row_a][:10] if r >= 0}
        top_b = {b.records[r]["id"] for r in b.neighbours["article"].rows[row_b][:10] if r >= 0}
        if top_b:
            shares.append(len(top_a & top_b) / len(top_b))
    return float(np.mean(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--changed", type=float, default=0.01, help="share of items changed")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--model", default=os.environ.get("RECOMMENDER_MODEL"))
    parser.add_argument("--scale", type=int, default=None, help="derive this many items")
    parser.add_argument("--encoder", choices=("model", "hashing"), default="model")
    parser.add_argument("--cache", type=Path, default=None, help="keep the embedding cache here")
    args = parser.parse_args()
    source = args.data / "articles.jsonl"
    if not source.is_file():
        emit({"bench": "update", "skipped": True, "reason": f"{source} is absent"})
        return
    lines = source.read_text(encoding="utf-8").splitlines()[: args.limit]
    records = [json.loads(line) for line in lines if line.strip()]
    if args.scale:
        records = scaled(records, args.scale)
    parts = split(records, args.changed)
    cache_dir = Path(os.environ.get("RECOMMENDER_MODEL_CACHE_DIR", REPO / ".cache" / "models"))
    with tempfile.TemporaryDirectory(prefix="bench-update-") as tmp:
        root = Path(tmp)
        base = write_jsonl(root / "base.jsonl", parts["base"])
        changes = write_jsonl(root / "changes.jsonl", parts["changes"])
        after = write_jsonl(root / "after.jsonl", parts["after"])
        overrides: dict[str, Any] = {"model_cache_dir": cache_dir}
        if args.model:
            overrides["model"] = args.model
        embedder: Encoder
        if args.encoder == "hashing":
            from tests.embedder import HashingEncoder

            embedder = HashingEncoder()
            overrides["model"] = embedder.name
        incremental = Settings(data_dir=root / "incremental", **overrides)
        rebuilt = Settings(data_dir=root / "rebuilt", **overrides)
        if args.encoder == "model":
            embedder = Embedder.from_settings(incremental)
        # numba's on-disk cache of the update's kernels, as `make setup` leaves it (so no first
        # compile is timed), filled by another process: loading them stays in the update's time
        subprocess.run([sys.executable, "-c", WARM_UP], check=True, env=python_env())
        seeded = args.cache is not None and args.cache.is_dir()
        if seeded:
            shutil.copytree(args.cache, incremental.data_dir / "cache")
        note(
            f"full build of {len(parts['base'])} items ({'seeded' if seeded else 'cold'} cache)..."
        )
        cold, _ = run_build([base], incremental, embedder=embedder, progress=False)
        if args.cache is not None and not seeded:
            shutil.copytree(incremental.data_dir / "cache", args.cache)
        shutil.copytree(incremental.data_dir / "cache", rebuilt.data_dir / "cache")
        note(f"update with {parts['n_changed']} changed items...")
        update, _ = run_update([str(changes)], incremental, embedder=embedder, progress=False)
        note(f"full build of {len(parts['after'])} items (warm cache)...")
        warm, _ = run_build([after], rebuilt, embedder=embedder, progress=False)
        store_a = SnapshotStore(incremental.snapshots_dir)
        store_b = SnapshotStore(rebuilt.snapshots_dir)
        catalog_a = Catalog.load(store_a.path(update.snapshot or ""))
        catalog_b = Catalog.load(store_b.path(warm.snapshot or ""))
        assert set(catalog_a.row_of) == set(catalog_b.row_of), "update and rebuild disagree"
        report("full_build_cold", cold, {"seeded_cache": seeded})
        stages = catalog_a.manifest["update"]["seconds"]
        report("update", update, {"changed": parts["n_changed"], "stages": stages})
        report("full_build_warm", warm, {})
        emit(
            {
                "bench": "update",
                "summary": True,
                "data": str(args.data),
                "items": catalog_a.size,
                "changed": parts["n_changed"],
                "update_seconds": round(update.seconds, 3),
                "full_build_cold_seconds": round(cold.seconds, 3),
                "full_build_warm_seconds": round(warm.seconds, 3),
                "ratio_update_vs_full_cold": round(update.seconds / cold.seconds, 4),
                "ratio_update_vs_full_warm": round(update.seconds / warm.seconds, 4),
                "ranking_layer": catalog_a.manifest["update"].get("ranking_layer"),
                "first_build_seeded_cache": seeded,
                "top10_overlap_with_rebuild": round(overlap_at_10(catalog_a, catalog_b), 4),
                "model": embedder.name,
                "machine": machine(),
            }
        )


if __name__ == "__main__":
    main()
