"""What an item is: an editorial article or video, or a sponsored (third-party) item."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

# Candidate pools: an item is ranked only against items of its pool. Sponsored items are their own
# pool whatever their type: never scored against editorial items, never shown in their sections.
EDITORIAL_POOLS = ("article", "video")
SPONSORED_POOL = "sponsored"
POOLS = (*EDITORIAL_POOLS, SPONSORED_POOL)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"
ID_RE = re.compile(ID_PATTERN)


class ItemType(StrEnum):
    ARTICLE = "article"
    VIDEO = "video"


class Status(StrEnum):
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


def _valid_id(value: str) -> str:
    if not ID_RE.match(value):
        raise ValueError(
            "must be 1-128 characters of letters, digits, '_', '.', ':' or '-',"
            " starting with a letter or digit"
        )
    return value


def _require_offset(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp needs a UTC offset (e.g. +07:00 or Z); it is not guessed")
    return value


# No item was published before EARLIEST_YEAR or after LATEST_YEAR: a time outside is a template's
# zero (Go's and .NET's "0001-01-01T00:00:00Z"), a year of another calendar read as Gregorian
# (the Solar Hijri "1405/08/19"), or a database's "never" ("9999-12-31"), which would never age
# (the freshness of an item published this minute, for ever). Page and feed times outside are no
# date either.
EARLIEST_YEAR = 1800
LATEST_YEAR = 2100
# Validation context of a record read back from a snapshot (`export`): it is written out as it was
# stored, even where a rule added since would refuse it on import.
STORED = "stored"


def _publication_time(value: datetime, info: ValidationInfo) -> datetime:
    if EARLIEST_YEAR <= value.year <= LATEST_YEAR or (info.context or {}).get(STORED):
        return value
    raise ValueError(
        f"the year {value.year} is a template's zero or a database's 'never', not a publication"
        f" time (years {EARLIEST_YEAR} to {LATEST_YEAR} are read)"
    )


# An absolute http(s) URL: a scheme, then a host that is not empty and does not start with a
# slash or backslash (browsers read `https:/\host` and `https:///host` as other hosts).
ABSOLUTE_URL = re.compile(r"^https?://[^/\\?#@\s][^\s]*$", re.IGNORECASE)
# A root-relative path: one slash, then not a second slash or a backslash (`//host/x` and
# `/\host/x` are URLs of another host to a browser, not paths of this one).
ROOT_RELATIVE = re.compile(r"^/(?![/\\])")


def _no_space_or_control(value: str) -> None:
    """No whitespace or control characters anywhere (a URL has them only percent-encoded).
    Every whitespace character but the space is unprintable to `str.isprintable`, so the two
    tests cover them all at C speed (a loop over characters cost 1.3 s of a 10k-item build)."""
    if " " in value or not value.isprintable():
        raise ValueError("must not contain whitespace or control characters")
    if "\\" in value:
        raise ValueError("must not contain a backslash")


def _readable_authority(value: str) -> None:
    """A host and port that URL parsers read: a host in brackets is an IP address, the port a
    number up to 65535 (`http://[zz]/x` and `https://site:99999/` match the pattern, and every
    `urlsplit` of them raises)."""
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValueError(f"names no host a browser could read ({exc})") from None
    try:
        parts.port  # noqa: B018 - read for its check
    except ValueError as exc:
        raise ValueError(f"names no port a browser could read ({exc})") from None


def _http_url(value: str) -> str:
    _no_space_or_control(value)
    if not ABSOLUTE_URL.match(value):
        raise ValueError("must be an absolute http(s) URL")
    _readable_authority(value)
    return value


def _image_ref(value: str) -> str:
    _no_space_or_control(value)
    if not (ABSOLUTE_URL.match(value) or ROOT_RELATIVE.match(value)):
        raise ValueError("must be an absolute http(s) URL or a root-relative path (one slash)")
    _readable_authority(value)
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_require_offset)]
PublicationTime = Annotated[AwareDatetime, AfterValidator(_publication_time)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
ImageRef = Annotated[str, AfterValidator(_image_ref)]


class Sponsor(BaseModel):
    """Who paid for a sponsored item, and when its campaign runs."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    label: str | None = Field(None, max_length=100)
    campaign: str | None = Field(None, max_length=200)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window_in_order(self) -> Sponsor:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("sponsor.ends_at must be after sponsor.starts_at")
        return self


class Article(BaseModel):
    """One importable item. An item with a `sponsor` is sponsored; nothing else makes it so."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    id: Annotated[str, AfterValidator(_valid_id)]
    type: ItemType = ItemType.ARTICLE
    title: str = Field(min_length=1, max_length=1000)
    lead: str = ""
    body: str = ""
    url: HttpUrl
    image_url: ImageRef | None = None
    image_caption: str | None = None
    section: str | None = Field(None, max_length=200)
    tags: list[str] = Field(default_factory=list)
    language: str = Field("id", min_length=2, max_length=16)
    authors: list[str] = Field(default_factory=list)
    published_at: PublicationTime
    updated_at: PublicationTime | None = None
    expires_at: AwareDatetime | None = None
    status: Status = Status.PUBLISHED
    sponsor: Sponsor | None = None

    @field_validator("tags", "authors", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value

    @field_validator("lead", "body", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def sponsored(self) -> bool:
        return self.sponsor is not None

    @property
    def published(self) -> bool:
        return self.status is Status.PUBLISHED

    def content_hash(self) -> str:
        """Hash of everything that changes the item's embedding text."""
        raw = orjson.dumps([self.title, self.lead, self.body])
        return hashlib.sha256(raw).hexdigest()


def pool_of(record: Mapping[str, Any]) -> str:
    """Which candidate pool an item record belongs to: sponsored first, else by type."""
    if record.get("sponsor"):
        return SPONSORED_POOL
    return "video" if record.get("type") == "video" else "article"
