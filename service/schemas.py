"""Response models: they document the API (OpenAPI) and are checked against real answers in tests."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SponsorOut(BaseModel):
    name: str
    label: str | None = None
    campaign: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None


class ExplainOut(BaseModel):
    """Parts of an item's score (with `explain=true`); the numbers add up to `score`."""

    dense: float
    lexical: float
    neighbourhood: float
    freshness: float
    rule: float
    pinned: bool
    # While signals are blended in (a weight above 0): their weighted parts (docs/ranking.md).
    popularity: float | None = None
    ctr: float | None = None
    coread: float | None = None


class PopularExplainOut(BaseModel):
    """A "terpopuler" item's signals, unweighted: its `score` is `popularity`."""

    popularity: float = Field(description="0..1, log of decayed clicks over the most read's")
    ctr: float = Field(description="Position-debiased CTR score, -0.5..0.5 (0: section average)")
    coread: float = Field(description="Co-reading with the article, 0..1")
    clicks: float = Field(description="Clicks over POPULAR_WINDOW_HOURS, time-decayed")


class ItemOut(BaseModel):
    id: str
    type: str
    title: str
    url: str
    lead: str
    image_url: str | None
    image_caption: str | None
    section: str | None
    published_at: str
    score: float
    sponsor: SponsorOut | None = None
    explain: ExplainOut | PopularExplainOut | None = None


class SectionOut(BaseModel):
    key: str
    title: str
    sponsored: bool
    label: str | None = None
    disclosure: str | None = None
    items: list[ItemOut]


class RecommendationsOut(BaseModel):
    article_id: str
    snapshot: str
    event_token: str | None = Field(
        None, description="Send it back with the answer's events (POST /v1/events)."
    )
    sections: list[SectionOut]


class ErrorDetail(BaseModel):
    field: str | None = None
    reason: str | None = None


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[dict[str, object]]


class ErrorOut(BaseModel):
    error: ErrorInfo


class RejectedSnapshot(BaseModel):
    """The newest snapshot (the one CURRENT names) was not loaded, and why."""

    version: str | None = Field(None, description="None when CURRENT is not a version name.")
    reason: str = Field(description="missing, size, checksum, unlisted, manifest, invariant, ...")
    message: str
    file: str | None = Field(None, description="The file at fault, when one is.")
    at: float = Field(description="When it was rejected (Unix time).")


class Health(BaseModel):
    status: str
    snapshot: str | None = None
    items: int | None = None


class Ready(Health):
    """/readyz: the loaded snapshot, and the one CURRENT names when it was rejected."""

    rejected: RejectedSnapshot | None = Field(
        default=None,
        description="Set when the snapshot CURRENT names was rejected: the service keeps"
        " serving the loaded one (still ready) and retries on every reload tick.",
    )
