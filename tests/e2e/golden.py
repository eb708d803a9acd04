"""Golden answers: the sha256 of every demo item's API answer, for four requests at a fixed time.

`answer_hashes(data_dir)` asks the snapshot CURRENT names in `data_dir` (the demo corpus built with
the real model) for every item's answer, byte for byte as `Recommender.recommend_json` renders it,
with the snapshot's version blanked (it is a timestamp); tests/e2e/test_golden_answers.py compares
them with tests/fixtures/demo_answers.json. When answers change on purpose, rewrite the fixture:

    python -m tests.e2e.golden DATA_DIR tests/fixtures/demo_answers.json

DATA_DIR is built from recommender/demo_corpus first when it holds no snapshot, from the demo's
vectors pinned in tests/fixtures/demo_vectors.npz (`PinnedEncoder`); rewrite those first with
`python -m tests.e2e.golden --vectors` when the model or the corpus changes on purpose.

The vectors are pinned because a float32 model's last bits follow the CPU's instruction set (AMX,
AVX-512, AVX2 kernels round differently), and the shared-neighbour counts turn a near-tie at the
end of a top-K list into a different answer: answers from freshly embedded vectors would be
byte-stable only per machine. tests/e2e/test_golden_answers.py checks that the pinned vectors are
still the real model's (a sample embedded again must match them).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.snapshots import SnapshotStore
from recommender.cli import DEMO_CORPUS
from recommender.pipeline.embed import Encoder, Vectors
from recommender.serving.blend import Blend
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender, WidgetRequest
from recommender.serving.selection import Filters
from recommender.settings import Settings
from recommender.signals.file import Signals

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo_answers.json"
VECTORS = FIXTURE.with_name("demo_vectors.npz")
NOW = datetime.fromisoformat("2026-01-15T08:00:00+07:00").timestamp()
VARIANTS = ("default", "explain", "history", "filtered")
# The embedding backend of the golden answers: torch computes in float32 on every CPU.
BACKEND = "torch"


def text_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PinnedEncoder:
    """The real model's vectors of the demo corpus, read from `VECTORS` instead of computed: an
    Encoder that answers only for the texts it holds (anything else means the pin is stale)."""

    def __init__(self, path: Path = VECTORS) -> None:
        with np.load(path, allow_pickle=False) as data:
            self.rows = {str(t): i for i, t in enumerate(data["texts"])}
            self.vectors = np.ascontiguousarray(data["vectors"], dtype=np.float32)
            self.name, self.prefix, self._key = (str(v) for v in data["identity"])
            self.max_seq_length = int(data["max_seq_length"])
        self.dimension = int(self.vectors.shape[1])

    @property
    def key(self) -> str:
        return self._key

    def encode(self, texts: Sequence[str], *, progress: bool | None = None) -> Vectors:
        missing = [t[:60] for t in texts if text_id(t) not in self.rows]
        if missing:
            raise LookupError(
                f"{len(missing)} texts have no pinned vector (first: {missing[0]!r});"
                " rewrite them with python -m tests.e2e.golden --vectors"
            )
        return self.vectors[[self.rows[text_id(t)] for t in texts]]


def demo_texts() -> list[str]:
    """The texts the build embeds for the demo corpus (published items)."""
    from recommender.ingest.importer import import_paths
    from recommender.ingest.text import item_text

    items = import_paths([DEMO_CORPUS]).items.values()
    return [item_text(a) for a in items if a.published]


def pin_vectors(embedder: Encoder, out: Path = VECTORS) -> None:
    """Embed the demo corpus with `embedder` (the real model on torch) and write the pin."""
    texts = demo_texts()
    vectors = embedder.encode(texts, progress=False)
    np.savez(
        out,
        texts=np.array([text_id(t) for t in texts]),
        vectors=vectors.astype(np.float32),
        identity=np.array([embedder.name, embedder.prefix, embedder.key]),
        max_seq_length=np.array(embedder.max_seq_length),
    )


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
    if argv == ["--vectors"]:
        from recommender.pipeline.embed import Embedder

        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedding_backend=BACKEND)  # type: ignore[call-arg]
            pin_vectors(Embedder.from_settings(settings))
        print(f"demo vectors written to {VECTORS}")
        return 0
    if len(argv) != 2:
        print("usage: python -m tests.e2e.golden DATA_DIR OUT | --vectors", file=sys.stderr)
        return 2
    data_dir, out = Path(argv[0]), Path(argv[1])
    settings = Settings(data_dir=data_dir, embedding_backend=BACKEND)  # type: ignore[call-arg]
    if SnapshotStore(settings.snapshots_dir).current_version() is None:
        build_demo(settings, PinnedEncoder())
    hashes = answer_hashes(data_dir)
    write(hashes, out)
    print(f"{len(hashes)} answers written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
