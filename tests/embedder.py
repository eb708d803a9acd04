"""A tiny, deterministic embedding model for the tests: feature hashing of words and trigrams.

`HashingEncoder` implements the pipeline's `Encoder` protocol (recommender.pipeline.embed) like
`Embedder` does, without a neural network: each lowercased word token, and each character
trigram of it, is hashed (BLAKE2b, so the same on every machine, process and PYTHONHASHSEED) to
one of `dimension` buckets with a sign; a text's vector is the sum of its features, L2-normalised.
Texts sharing words (or word pieces) get similar vectors; unrelated texts are nearly orthogonal.
It is a real encoder, just a small one: builds, updates and the service run on its vectors
exactly as on the model's, in milliseconds, so most of the suite never loads the real model.

Snapshots record the model's name; settings for them say `model=HashingEncoder.name` (see
tests/conftest.py), and `register_encoder` makes `Embedder.from_settings` answer that name with
this encoder, so the CLI and jobs that load "the configured model" load it too.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pytest

from recommender.pipeline.embed import Embedder
from recommender.settings import Settings

Vectors = npt.NDArray[np.float32]
TOKEN = re.compile(r"\w+")
TRIGRAM_WEIGHT = 0.5  # a shared word weighs more than a few shared word pieces


@lru_cache(maxsize=200_000)
def bucket(feature: str, dimension: int) -> tuple[int, float]:
    """The feature's bucket and sign: stable across processes (unlike Python's `hash`)."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dimension, (1.0 if (value >> 63) & 1 else -1.0)


def features(text: str, limit: int) -> Iterator[tuple[str, float]]:
    """Word tokens (at most `limit`, as a model truncates) and their character trigrams."""
    for word in TOKEN.findall(text.lower())[:limit]:
        yield f"w:{word}", 1.0
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            yield f"t:{padded[i : i + 3]}", TRIGRAM_WEIGHT


class HashingEncoder:
    """Feature-hashed bag of words and trigrams; unit-length float32 rows (see module doc)."""

    name = "test/hashing-256"
    prefix = ""  # the settings' resolved prefix for a model name without "e5"
    dimension = 256
    max_seq_length = 256  # tokens (words) read per text

    @property
    def key(self) -> str:
        """Identity of the vectors (embedding cache and snapshot compatibility), as Embedder's."""
        raw = f"{self.name}|{self.prefix}|{self.max_seq_length}|{self.dimension}|blake2b-v1"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def encode(self, texts: Sequence[str], *, progress: bool | None = None) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float64)
        for row, text in enumerate(texts):
            for feature, weight in features(self.prefix + text, self.max_seq_length):
                index, sign = bucket(feature, self.dimension)
                out[row, index] += sign * weight
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        out[empty, 0], norms[empty] = 1.0, 1.0  # no words at all: still a unit vector
        return np.ascontiguousarray(out / norms, dtype=np.float32)


@contextlib.contextmanager
def register_encoder() -> Iterator[None]:
    """While active, `Embedder.from_settings` loads `HashingEncoder` for its name (other names,
    the real model's included, load as always)."""
    original = Embedder.from_settings

    def from_settings(settings: Settings) -> Embedder:
        if settings.build.model == HashingEncoder.name:
            return HashingEncoder()  # type: ignore[return-value]
        return original(settings)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Embedder, "from_settings", staticmethod(from_settings))
        yield


def load_hashing_encoder(settings: Settings) -> HashingEncoder:
    """`HashingEncoder` as a Ray actor's loader (recommender.pipeline.ray_embed.Loader): the
    actor's process has no `register_encoder`, so the tests hand it this instead."""
    return HashingEncoder()
