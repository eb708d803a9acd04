"""Golden answers: the sha256 of every demo item's API answer, for four requests at a fixed time.

`answer_hashes(data_dir)` asks the snapshot CURRENT names in `data_dir` (the demo corpus built with
the real model) for every item's answer, byte for byte as `Recommender.recommend_json` renders it,
with the snapshot's version blanked (it is a timestamp); tests/e2e/test_golden_answers.py compares
them with tests/fixtures/demo_answers.json. When answers change on purpose, rewrite the fixture:

    python -m tests.e2e.golden DATA_DIR tests/fixtures/demo_answers.json

DATA_DIR is built from recommender/demo_corpus first when it holds no snapshot (with the model the
settings name: the default one unless RECOMMENDER_MODEL says otherwise; on torch, see `BACKEND`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from index.snapshots import SnapshotStore
from recommender.cli import DEMO_CORPUS
from recommender.pipeline.embed import Encoder
from recommender.serving.blend import Blend
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender, WidgetRequest
from recommender.serving.selection import Filters
from recommender.settings import Settings
from recommender.signals.file import Signals

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo_answers.json"
NOW = datetime.fromisoformat("2026-01-15T08:00:00+07:00").timestamp()
VARIANTS = ("default", "explain", "history", "filtered")
# The embedding backend of the golden answers: torch computes in float32 on every CPU.
BACKEND = "torch"


def requests(catalog: Catalog, i: int, ids: list[str]) -> dict[str, WidgetRequest]:
    """The four requests asked for the i-th item (`ids`: every item id in row order)."""
    aid = ids[i]
    history = tuple(ids[(i + 7) % len(ids) :: 37][:3])
    section = catalog.records[i].get("section")
    return {
        "default": WidgetRequest(aid, 6, 4, 3),
        "explain": WidgetRequest(aid, 6, 4, 3, explain=True),
        "history": WidgetRequest(
            aid, 8, 2, 2, history=history, exclude=(ids[(i + 3) % len(ids)],), explain=True
        ),
        "filtered": WidgetRequest(aid, 5, 2, 1, filters=Filters(section=section, max_age_days=30)),
    }


def answer_hashes(
    data_dir: Path, signals: Signals | None = None, **overrides: Any
) -> dict[str, str]:
    """`{"ITEM_ID|VARIANT": sha256 of the answer}` for every item of the current snapshot (with
    `signals` blended in, when given), default settings but for `overrides`."""
    settings = Settings(data_dir=data_dir, **overrides)  # type: ignore[call-arg]
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    if version is None:
        raise FileNotFoundError(f"no snapshot under {store.root}")
    catalog = Catalog.load(store.path(version))
    engine = Recommender(catalog, settings)
    if signals is not None:
        engine = engine.with_blend(Blend.of(signals, catalog))
    ids = [str(r["id"]) for r in catalog.records]
    out: dict[str, str] = {}
    for i, aid in enumerate(ids):
        for name, req in requests(catalog, i, ids).items():
            body = engine.recommend_json(req, NOW).replace(catalog.version.encode(), b"SNAPSHOT")
            out[f"{aid}|{name}"] = hashlib.sha256(body).hexdigest()
    return out


def build_demo(settings: Settings, embedder: Encoder | None = None) -> None:
    """Build recommender/demo_corpus into `settings.data_dir` (the model the settings name)."""
    from recommender.jobs import run_build

    run_build([DEMO_CORPUS], settings, embedder=embedder, progress=False)


def write(hashes: dict[str, str], out: Path) -> None:
    out.write_text(json.dumps(hashes, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def read(path: Path = FIXTURE) -> dict[str, str]:
    hashes: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return hashes


def differences(expected: dict[str, str], got: dict[str, str]) -> list[str]:
    """One line per answer that is missing, new or different, sorted."""
    lines = [f"missing: {key}" for key in sorted(expected.keys() - got.keys())]
    lines += [f"new: {key}" for key in sorted(got.keys() - expected.keys())]
    lines += [
        f"differs: {key}"
        for key in sorted(expected.keys() & got.keys())
        if expected[key] != got[key]
    ]
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.e2e.golden DATA_DIR OUT", file=sys.stderr)
        return 2
    data_dir, out = Path(argv[0]), Path(argv[1])
    settings = Settings(data_dir=data_dir, embedding_backend=BACKEND)  # type: ignore[call-arg]
    if SnapshotStore(settings.snapshots_dir).current_version() is None:
        build_demo(settings)
    hashes = answer_hashes(data_dir)
    write(hashes, out)
    print(f"{len(hashes)} answers written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
