"""Widget events for the tests: batches built from a real answer and its `event_token`.

A batch is what the widget posts (`{page_view, article_id, event_token, events}`, each event
`{kind, section, item_id, position}`, `position` being the item's place in the answer), sent as
the widget does: a JSON string with `Content-Type: text/plain`.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

PAGE_VIEW = "0123456789abcdef0123456789abcdef"
URL = "/v1/events"
TEXT_PLAIN = {"content-type": "text/plain;charset=UTF-8"}


def served(answer: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(section key, position, item id) of every item of an answer, in order."""
    return [
        (section["key"], position, item["id"])
        for section in answer["sections"]
        for position, item in enumerate(section["items"])
    ]


def event(kind: str, section: str, item_id: str, position: int) -> dict[str, Any]:
    return {"kind": kind, "section": section, "item_id": item_id, "position": position}


def events_of(
    answer: dict[str, Any], kind: str = "impression", section: str | None = None
) -> list[dict[str, Any]]:
    """One event of `kind` per served item (of `section` only, when given)."""
    return [
        event(kind, key, item_id, position)
        for key, position, item_id in served(answer)
        if section is None or key == section
    ]


def batch(
    answer: dict[str, Any],
    events: list[dict[str, Any]],
    page_view: str = PAGE_VIEW,
    **overrides: Any,
) -> dict[str, Any]:
    """The body the widget posts for `events` of the page view that showed `answer`."""
    body: dict[str, Any] = {
        "page_view": page_view,
        "article_id": answer["article_id"],
        "event_token": answer["event_token"],
        "events": events,
    }
    body.update(overrides)
    return body


def beacon(client: Any, body: Any, **headers: str) -> Any:
    """Post as the widget does: a JSON string as text/plain (`client`: an httpx or a test
    client, whose answer is returned)."""
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, content=raw, headers={**TEXT_PLAIN, **headers})


def rows(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows of the event log at `path` (none while it does not exist)."""
    if not path.exists():
        return []
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, args).fetchall()


def count(path: Path, table: str = "events") -> int:
    found = rows(path, f"SELECT COUNT(*) FROM {table}")
    return int(found[0][0]) if found else 0


def token_payload(token: str) -> dict[str, Any]:
    """What an event token says (its payload, unverified): `a` the article, `s` the snapshot,
    `i` the served item ids per section, `t` the issue time, `k` the key id."""
    body = token.split(".")[0]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return data
