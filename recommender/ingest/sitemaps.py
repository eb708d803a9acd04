"""Sitemaps (sitemaps.org, Google News sitemaps): the list of a site's article URLs it publishes
for search engines, read as a URL list.

A `<urlset>` names pages (`<url><loc>`); a `<sitemapindex>` names other sitemaps
(`<sitemap><loc>`), which a site splits its archive into (a month, 50,000 URLs each). Both may
come gzip-compressed (`sitemap-2024-01.xml.gz`). Each page is fetched and read as a page is, so
its own metadata (times with offsets, canonical URL, language) decides, never the sitemap's
`news:*` tags; a page's `<lastmod>` only lets an update skip a page unchanged since it was last
fetched (recommender.ingest.fetchlog).
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "MAX_SITEMAP_BYTES",
    "Sitemap",
    "gunzipped",
    "lastmod_time",
    "looks_like_sitemap",
    "read_sitemap",
]

# The protocol's own limit for one sitemap, uncompressed (a larger inflation is refused: a
# compressed file can expand a thousandfold).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
SITEMAP_TAGS = (b"<urlset", b"<sitemapindex")


@dataclass
class Sitemap:
    """What one sitemap lists: pages (`urlset`) or other sitemaps (`sitemapindex`), each
    `<loc>` with its entry number (1-based, as feed entries are numbered), and the entries'
    `<lastmod>` text where they have one (`lastmod_time` reads it)."""

    kind: Literal["urlset", "sitemapindex"]
    locations: list[tuple[int, str]] = field(default_factory=list)
    modified: dict[int, str] = field(default_factory=dict)


def gunzipped(data: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """`data` inflated where it is gzip (by its magic bytes), else as is; ValueError when it
    inflates past `limit` or is a broken archive."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            inflated = archive.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise ValueError(f"a broken gzip archive ({exc})") from None
    if len(inflated) > limit:
        raise ValueError(f"inflates to more than {limit} bytes, the sitemap protocol's limit")
    return inflated


def looks_like_sitemap(data: bytes) -> bool:
    """A sitemap's root element within the first bytes (after a declaration or comments)."""
    head = data[:4096].lower()
    return any(tag in head for tag in SITEMAP_TAGS) and b"<html" not in head


def read_sitemap(data: bytes) -> Sitemap | None:
    """The `<loc>`s of a `<urlset>` or `<sitemapindex>` (any namespace prefix), or None when
    the document is neither. Entities are never expanded, nothing is fetched by the parser."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data.lstrip(), parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    entry = "url" if kind == "urlset" else "sitemap"
    found = Sitemap(kind)  # type: ignore[arg-type]
    number = 0
    for element in root:
        if _local(element.tag) != entry:
            continue
        number += 1
        loc = next((c for c in element if _local(c.tag) == "loc"), None)
        found.locations.append((number, (loc.text or "").strip() if loc is not None else ""))
        lastmod = next((c for c in element if _local(c.tag) == "lastmod"), None)
        if lastmod is not None and lastmod.text:
            found.modified[number] = lastmod.text.strip()
    return found


def lastmod_time(text: str) -> datetime | None:
    """A `<lastmod>` (W3C datetime) as an aware time, or None: a date alone or a time without
    its offset says too little to tell a page unchanged, and anything else is not a time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
