"""The fetch log (recommender.ingest.fetchlog): what an update knows of the pages it imported."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from recommender.ingest.fetchlog import MARGIN_SECONDS, FetchLog, Known, vouches

AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_page_is_known_while_its_item_is_held(tmp_path: Path) -> None:
    log = FetchLog(tmp_path / "fetched.sqlite")
    at, later = AT.timestamp(), (AT + timedelta(1)).timestamp()
    log.record({"https://a/1": Known("a-1", at, '"v1"', "Tue, 01 Dec 2026 07:00:00 GMT")})
    log.record({"https://a/2": Known("a-2", at), "https://a/1": Known("a-1", later)})
    asked: list[int] = []

    def held() -> set[str]:
        asked.append(1)
        return {"a-1"}

    known = log.known(held)
    assert known("https://a/1") == Known("a-1", (AT + timedelta(1)).timestamp(), None, None)
    assert known("https://a/2") is None  # its item is gone from the snapshot
    assert known("https://a/3") is None  # never imported
    assert asked == [1]  # the snapshot's ids, asked for once
    log.close()
    assert FetchLog(tmp_path / "fetched.sqlite").last("https://a/2") == Known("a-2", AT.timestamp())


def test_a_lastmod_vouches_only_an_hour_or_more_before_the_fetch() -> None:
    known = Known("a-1", AT.timestamp())
    assert vouches(known, AT - timedelta(seconds=MARGIN_SECONDS))
    assert not vouches(known, AT - timedelta(seconds=MARGIN_SECONDS - 1))
    assert not vouches(known, AT + timedelta(days=1))
    # the same instant in another offset
    assert vouches(known, (AT - timedelta(hours=2)).astimezone(timezone(timedelta(hours=7))))


@pytest.mark.parametrize("content", ["garbage", "old schema"])
def test_an_unreadable_or_older_log_is_started_afresh(tmp_path: Path, content: str) -> None:
    path = tmp_path / "fetched.sqlite"
    if content == "garbage":
        path.write_bytes(b"not a database at all " * 200)
    else:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE fetched (url TEXT PRIMARY KEY, item_id TEXT, fetched_at REAL)")
        conn.execute("INSERT INTO fetched VALUES ('https://a/1', 'a-1', 1.0)")
        conn.commit()
        conn.close()
    log = FetchLog(path)
    assert log.last("https://a/1") is None  # a cache: nothing kept, nothing broken
    log.record({"https://a/1": Known("a-1", AT.timestamp(), '"v"')})
    assert log.last("https://a/1") == Known("a-1", AT.timestamp(), '"v"', None)
