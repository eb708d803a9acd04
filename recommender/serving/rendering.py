"""An answer's sections, rendered either as the API's dict or straight to its JSON bytes.

Each item's public fields are serialised once per snapshot load (`item_fragment`); a request only
adds the score (and `explain`), so the HTTP answer is a join of byte strings instead of a dict
copy per item and a serialisation of the whole body. Both renderings hold the same data:
`orjson.loads(answer_head(...) + sections_json(...)[0]) == answer_dict(...)`, byte for byte what
`orjson.dumps` of the dict gives.
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
    (an event token lists it: `sections_json`)."""

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


def answer_head(article_id: str, snapshot: str, event_token: str | None = None) -> bytes:
    """An answer's JSON up to its sections; `sections_json` gives the rest."""
    fields = {"article_id": article_id, "snapshot": snapshot}
    if event_token is not None:
        fields["event_token"] = event_token
    return orjson.dumps(fields)[:-1]


ID_START = b'{"id":"'  # every fragment's first field: the item's id
SCORE = b',"score":'
EXPLAIN = b',"explain":'


def id_ends(fragments: Sequence[bytes]) -> bytes:
    """Where each fragment's id ends as JSON (`fragment[6:end]` is the quoted id), one byte per
    fragment; 0 where orjson and the standard library write the id differently (a backslash
    escape, text beyond ASCII, DEL), where the fragment does not open on its id, or past 255
    bytes: such an id's event token is signed from the id itself (`sections_json`)."""
    ends = bytearray(len(fragments))
    for row, fragment in enumerate(fragments):
        if fragment.startswith(ID_START):
            end = fragment.find(b'"', 7) + 1
            ident = fragment[6:end]
            plain = ident.isascii() and b"\\" not in ident and b"\x7f" not in ident
            if plain and 0 < end < 256:
                ends[row] = end
    return bytes(ends)


def sections_json(
    sections: Sequence[Section], fragments: Sequence[bytes], ends: bytes | None = None
) -> tuple[bytes, bytes | None]:
    """An answer's sections as JSON (`,"sections":[...]}`, the rest of `answer_head`), and with
    `ends` (`id_ends` of the fragments) an event token's list of what was served
    (`[[section key, [item ids]], ...]`), compact JSON byte for byte as the standard library
    writes it (recommender.events.tokens), read from the items' fragments in the same pass
    instead of from their id strings; None where an id is not plain (`id_ends` 0: the caller
    signs the ids instead). Each fragment is read once for both."""
    scores = _score_json(sections)
    body = [b',"sections":[']
    listed: list[bytes] | None = [b"["] if ends is not None else None
    start = 0
    for i, section in enumerate(sections):
        rows = section.rows
        stop = start + len(rows)
        picked = [fragments[row] for row in rows]
        if section.explains is None:
            items = [f + SCORE + s for f, s in zip(picked, scores[start:stop], strict=True)]
        else:
            items = [
                f + SCORE + s + EXPLAIN + orjson.dumps(e)
                for f, s, e in zip(picked, scores[start:stop], section.explains, strict=True)
            ]
        start = stop
        if i:
            body.append(b",")
        body += (section.head.json_prefix, b"},".join(items), b"}]}" if rows else b"]}")
        if listed is not None and ends is not None:
            cut = [ends[row] for row in rows]
            if 0 in cut:
                listed = None
                continue
            if i:
                listed.append(b",")
            ids = b",".join([f[6:end] for f, end in zip(picked, cut, strict=True)])
            listed += (b"[", section.head.key_json, b",[", ids, b"]]")
    body.append(b"]}")
    if listed is not None:
        listed.append(b"]")
    return b"".join(body), b"".join(listed) if listed is not None else None
