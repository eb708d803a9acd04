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
    explain: ExplainOut | None = None


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


class Health(BaseModel):
    status: str
    snapshot: str | None = None
    items: int | None = None
