"""The pages a job fetched from sitemaps, so that an update can leave the unchanged ones alone.

A news sitemap (`sitemap-news.xml`, the last two days) or a monthly archive sitemap lists
hundreds to thousands of pages, and a publisher runs `recommender update -i <sitemap>` from cron:
fetching every listed page at every run would make the update's cost (and the load on the
publisher's own site) follow the size of the sitemap instead of the change. Each page a sitemap
listed and a job imported is recorded here (`DATA_DIR/cache/fetched.sqlite`) with the item id it
gave and when its fetch began, once the job's snapshot is published. The next update skips a
listed page whose `<lastmod>` (a full time with its offset) is earlier than that fetch by
`MARGIN` or more, as long as its item is still in the current snapshot (`FetchLog.unchanged`).
The margin covers what made the fetch older than the edit it followed: the site's CDN serving a
cached copy for a few minutes after the edit, and a clock on the site's side that runs behind. Everything else is fetched as
before: pages without `lastmod` or with a date alone, pages never imported (or refused: their
error is reported again), and items since removed. `build` always fetches every page.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from pathlib import Path

__all__ = ["FetchLog", "Fetched"]

MARGIN_SECONDS = 3600.0  # a page edited less than this before its fetch is fetched again
Fetched = tuple[str, datetime]  # the item id a page gave, and when its fetch began (aware)

SCHEMA = """
CREATE TABLE IF NOT EXISTS fetched (
    url TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    fetched_at REAL NOT NULL  -- epoch seconds at the start of the fetch
)
"""


class FetchLog:
    """URL → (item id, start of its last fetch) of the sitemap pages jobs imported."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=30.0)
        self.conn.execute(SCHEMA)
        self.conn.commit()

    def last(self, url: str) -> tuple[str, float] | None:
        row = self.conn.execute(
            "SELECT item_id, fetched_at FROM fetched WHERE url = ?", (url,)
        ).fetchone()
        return None if row is None else (str(row[0]), float(row[1]))

    def unchanged(self, held: Callable[[], Collection[str]]) -> Callable[[str, datetime], bool]:
        """`ReadOptions.unchanged` for an update: whether the page at a URL, last modified at a
        time, was imported by a fetch that began `MARGIN_SECONDS` or more after that time and
        its item is still among `held()` (the current snapshot's ids, asked for once, on the
        first known URL)."""
        ids: list[Collection[str]] = []

        def unchanged(url: str, modified: datetime) -> bool:
            last = self.last(url)
            if last is None or modified.timestamp() > last[1] - MARGIN_SECONDS:
                return False
            if not ids:
                ids.append(held())
            return last[0] in ids[0]

        return unchanged

    def record(self, fetched: Mapping[str, Fetched]) -> None:
        """Remember each page's item and fetch time (call once its snapshot is published)."""
        rows = [(url, item, at.timestamp()) for url, (item, at) in fetched.items()]
        with self.conn:
            self.conn.executemany(
                "INSERT INTO fetched (url, item_id, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET item_id = excluded.item_id,"
                " fetched_at = excluded.fetched_at",
                rows,
            )

    def close(self) -> None:
        self.conn.close()
