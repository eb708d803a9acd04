"""An answer's sections, rendered either as the API's dict or straight to its JSON bytes.

Each item's public fields are serialised once per snapshot load (`item_fragment`); a request only
adds the score (and `explain`), so the HTTP answer is a join of byte strings instead of a dict
copy per item and a serialisation of the whole body. Both renderings hold the same data:
`orjson.loads(answer_json(...)) == answer_dict(...)`, byte for byte what `orjson.dumps` of the
dict gives.
"""

from __future__ import annotations

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
    """A section's fixed fields (everything but its items), in the API's key order, and their
    JSON up to the opening bracket of the items."""

    fields: dict[str, Any]
    json_prefix: bytes

    @classmethod
    def of(cls, fields: dict[str, Any]) -> SectionHead:
        return cls(fields, orjson.dumps(fields)[:-1] + b',"items":[')


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


def section_json(section: Section, fragments: Sequence[bytes]) -> bytes:
    if not section.rows:
        return section.head.json_prefix + b"]}"
    # One serialisation for all the scores: floats never hold a comma.
    scores = orjson.dumps(rounded(section.scores))[1:-1].split(b",")
    if section.explains is None:
        items = [
            fragments[row] + b',"score":' + score + b"}"
            for row, score in zip(section.rows, scores, strict=True)
        ]
    else:
        items = [
            fragments[row] + b',"score":' + score + b',"explain":' + orjson.dumps(explain) + b"}"
            for row, score, explain in zip(section.rows, scores, section.explains, strict=True)
        ]
    return section.head.json_prefix + b",".join(items) + b"]}"


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
    head = orjson.dumps(fields)[:-1]
    body = b",".join(section_json(s, fragments) for s in sections)
    return head + b',"sections":[' + body + b"]}"
