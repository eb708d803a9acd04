"""The pages a job fetched from sitemaps and URL lists, so that an update can leave the unchanged
ones alone.

A news sitemap (`sitemap-news.xml`, the last two days) or a monthly archive sitemap lists
hundreds to thousands of pages, and a publisher runs `recommender update -i <sitemap>` from cron:
fetching every listed page at every run would make the update's cost (and the load on the
publisher's own site) follow the size of the list instead of the change. Each page a sitemap or
URL list named and a job imported is recorded here (`DATA_DIR/cache/fetched.sqlite`) with the
item id it gave, when its fetch began and the validators its answer carried (`ETag`,
`Last-Modified`), once the job's snapshot is published. While its item is still in the current
snapshot (`FetchLog.known`), the next update

- does not fetch a page a sitemap lists with a `<lastmod>` (a full time with its offset)
  `MARGIN_SECONDS` or more before that fetch (`vouches`). The margin covers what made the fetch
  older than the edit it followed: the site's CDN serving a cached copy for a few minutes after
  the edit, and a clock on the site's side that runs behind;
- asks for any other such page conditionally (`If-None-Match`, `If-Modified-Since`): a `304 Not
  Modified` keeps the item as it is, without a body.

Everything else is fetched as before: pages never imported (or refused: their error is reported
again) and items since removed. `build` always fetches every page.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

__all__ = ["MARGIN_SECONDS", "FetchLog", "Known", "vouches"]

log = logging.getLogger(__name__)

MARGIN_SECONDS = 3600.0  # a page edited less than this before its fetch is fetched again

SCHEMA = """
CREATE TABLE IF NOT EXISTS fetched (
    url TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    fetched_at REAL NOT NULL,  -- epoch seconds at the start of the fetch
    etag TEXT,                 -- the answer's validators, for a conditional request
    last_modified TEXT
)
"""


class Known(NamedTuple):
    """A page's import: its item, when its fetch began, and its answer's validators (what
    `FetchLog.record` keeps of a page a job imported or found unchanged, and `last` returns)."""

    item_id: str
    fetched_at: float  # epoch seconds
    etag: str | None = None
    last_modified: str | None = None


def vouches(known: Known, modified: datetime) -> bool:
    """Whether a `<lastmod>` (aware) says the page is as its last import read it."""
    return modified.timestamp() <= known.fetched_at - MARGIN_SECONDS


COLUMNS = ("url", "item_id", "fetched_at", "etag", "last_modified")


def _opened(path: Path) -> sqlite3.Connection:
    """The log's database with its table as `SCHEMA` has it (a table of other columns, from
    another version, is dropped: the log is a cache)."""
    conn = sqlite3.connect(path, timeout=30.0)
    try:
        conn.execute(SCHEMA)
        columns = tuple(row[1] for row in conn.execute("PRAGMA table_info(fetched)"))
        if columns != COLUMNS:
            conn.execute("DROP TABLE fetched")
            conn.execute(SCHEMA)
        conn.commit()
    except BaseException:
        conn.close()
        raise
    return conn


class FetchLog:
    """URL → `Known`: the last import of each page a sitemap or URL list named."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = _opened(path)
        except sqlite3.DatabaseError as exc:  # not a database (a torn copy, another file)
            # A cache: started afresh, which costs one full fetch of the listed pages.
            log.warning("the fetch log %s is unreadable (%s); starting it afresh", path, exc)
            path.unlink(missing_ok=True)
            self.conn = _opened(path)

    def last(self, url: str) -> Known | None:
        row = self.conn.execute(
            "SELECT item_id, fetched_at, etag, last_modified FROM fetched WHERE url = ?", (url,)
        ).fetchone()
        return None if row is None else Known(str(row[0]), float(row[1]), row[2], row[3])

    def known(self, held: Callable[[], Collection[str]]) -> Callable[[str], Known | None]:
        """`ReadOptions.known` for an update: a URL's last import, where its item is still among
        `held()` (the current snapshot's ids, asked for once, on the first URL known here)."""
        ids = functools.cache(held)

        def known(url: str) -> Known | None:
            last = self.last(url)
            return last if last is not None and last.item_id in ids() else None

        return known

    def record(self, fetched: Mapping[str, Known]) -> None:
        """Remember each page's import (call once its snapshot is published)."""
        rows = [(url, *page) for url, page in fetched.items()]
        with self.conn:
            self.conn.executemany(
                "INSERT INTO fetched (url, item_id, fetched_at, etag, last_modified)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " item_id = excluded.item_id, fetched_at = excluded.fetched_at,"
                " etag = excluded.etag, last_modified = excluded.last_modified",
                rows,
            )

    def close(self) -> None:
        self.conn.close()
