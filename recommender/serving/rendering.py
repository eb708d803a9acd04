"""An answer's sections, rendered either as the API's dict or straight to its JSON bytes.

Each item's public fields are serialised once per snapshot load (`item_fragment`); a request only
adds the score (and `explain`), so the HTTP answer is a join of byte strings instead of a dict
copy per item and a serialisation of the whole body. Both renderings hold the same data:
`orjson.loads(answer_json(...)) == answer_dict(...)`, byte for byte what `orjson.dumps` of the
dict gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

ExplainParts = dict[str, float | bool]


def item_fragment(payload: dict[str, Any]) -> bytes:
    """An item's JSON object without its closing brace, ready for `,"score":...}`."""
    return orjson.dumps(payload)[:-1]


@dataclass(frozen=True, slots=True)
class SectionHead:
    """A section's fixed fields (everything but its items), in the API's key order, their JSON
    up to the opening bracket of the items, and its key as the standard library's JSON writes it
    (an event token lists it: `served_json`)."""

    fields: dict[str, Any]
    json_prefix: bytes
    key_json: bytes

    @classmethod
    def of(cls, fields: dict[str, Any]) -> SectionHead:
        key = json.dumps(fields["key"]).encode()
        return cls(fields, orjson.dumps(fields)[:-1] + b',"items":[', key)


@dataclass(frozen=True, slots=True)
class Section:
    """One section of an answer: its head and the chosen rows with their scores."""

    head: SectionHead
    rows: Sequence[int]
    scores: Sequence[float]
    explains: Sequence[ExplainParts] | None = None
    # Interleaved sections only: the experiment's arm each row came from (None: pinned).
    teams: Sequence[str | None] | None = None


def rounded(scores: Sequence[float]) -> list[float]:
    return [round(s, 4) for s in scores]


def section_dict(section: Section, fragments: Sequence[bytes]) -> dict[str, Any]:
    items = []
    for i, (row, score) in enumerate(zip(section.rows, rounded(section.scores), strict=True)):
        item: dict[str, Any] = orjson.loads(fragments[row] + b"}")
        item["score"] = score
        if section.explains is not None:
            item["explain"] = section.explains[i]
        items.append(item)
    return {**section.head.fields, "items": items}


def _items_json(section: Section, fragments: Sequence[bytes], scores: list[bytes]) -> list[bytes]:
    """The pieces of a section's JSON, from its head to its closing brace."""
    parts = [section.head.json_prefix]
    for i, (row, score) in enumerate(zip(section.rows, scores, strict=True)):
        if i:
            parts.append(b",")
        parts += (fragments[row], b',"score":', score)
        if section.explains is not None:
            parts += (b',"explain":', orjson.dumps(section.explains[i]))
        parts.append(b"}")
    parts.append(b"]}")
    return parts


def _score_json(sections: Sequence[Section]) -> list[bytes]:
    """Every item's rounded score as JSON, section after section: one serialisation for all
    (floats never hold a comma)."""
    every = rounded([s for section in sections for s in section.scores])
    return orjson.dumps(every)[1:-1].split(b",") if every else []


def answer_dict(
    article_id: str, snapshot: str, sections: Sequence[Section], fragments: Sequence[bytes]
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "snapshot": snapshot,
        "sections": [section_dict(s, fragments) for s in sections],
    }


def answer_json(
    article_id: str,
    snapshot: str,
    sections: Sequence[Section],
    fragments: Sequence[bytes],
    event_token: str | None = None,
) -> bytes:
    fields = {"article_id": article_id, "snapshot": snapshot}
    if event_token is not None:
        fields["event_token"] = event_token
    parts = [orjson.dumps(fields)[:-1], b',"sections":[']
    scores = _score_json(sections)
    start = 0
    for i, section in enumerate(sections):
        if i:
            parts.append(b",")
        stop = start + len(section.rows)
        parts += _items_json(section, fragments, scores[start:stop])
        start = stop
    parts.append(b"]}")
    return b"".join(parts)


ID_START = b'{"id":"'  # every fragment's first field: the item's id


def served_json(sections: Sequence[Section], fragments: Sequence[bytes]) -> bytes | None:
    """An event token's list of what was served (`[[section key, [item ids]], ...]`), compact
    JSON byte for byte as the standard library writes it (recommender.events.tokens), read from
    the items' fragments instead of their id strings; None where an id is not plain ASCII (its
    fragment writes it as orjson does, which then differs: the caller signs the ids instead)."""
    parts = [b"["]
    for i, section in enumerate(sections):
        if i:
            parts.append(b",")
        parts += (b"[", section.head.key_json, b",[")
        for j, row in enumerate(section.rows):
            fragment = fragments[row]
            ident = fragment[6 : fragment.find(b'"', 7) + 1]
            # orjson and json write an id alike unless it needs an escape (a backslash here),
            # is not ASCII, or holds DEL (json escapes it); a fragment not opening on the id: no.
            plain = fragment.startswith(ID_START) and ident.isascii()
            if not plain or b"\\" in ident or b"\x7f" in ident:
                return None
            if j:
                parts.append(b",")
            parts.append(ident)
        parts.append(b"]]")
    parts.append(b"]")
    return b"".join(parts)
