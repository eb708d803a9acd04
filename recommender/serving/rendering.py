"""An answer's sections, rendered either as the API's dict or straight to its JSON bytes.

Each item's public fields are serialised once per snapshot load (`item_fragment`); a request only
adds the score (and `explain`), so the HTTP answer is a join of byte strings instead of a dict
copy per item and a serialisation of the whole body. Both renderings hold the same data:
`orjson.loads(answer_head(...) + sections_json(...)) == answer_dict(...)`, byte for byte what
`orjson.dumps` of the dict gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

import orjson

from recommender.events.tokens import compact_json

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


class Section(NamedTuple):
    """One section of an answer: its head and the chosen rows with their scores (a named tuple:
    three are made per answer, issue #15). The scores are the API's: rounded to SCORE_DIGITS
    places (`rounded`) by whatever chose them, the request path's compiled loops included;
    the renderings write them as they are."""

    head: SectionHead
    rows: Sequence[int]
    scores: Sequence[float]
    explains: Sequence[ExplainParts] | None = None
    # Interleaved sections only: the experiment's arm each row came from (None: pinned).
    teams: Sequence[str | None] | None = None


SCORE_DIGITS = 4  # an answer's scores are rounded to this many places


def rounded(scores: Sequence[float]) -> list[float]:
    """Scores as an answer shows them (`Section.scores`)."""
    return [round(s, SCORE_DIGITS) for s in scores]


def section_dict(section: Section, fragments: Sequence[bytes]) -> dict[str, Any]:
    items = []
    for i, (row, score) in enumerate(zip(section.rows, section.scores, strict=True)):
        item: dict[str, Any] = orjson.loads(fragments[row] + b"}")
        item["score"] = score
        if section.explains is not None:
            item["explain"] = section.explains[i]
        items.append(item)
    return {**section.head.fields, "items": items}


def _score_tails(scores: Sequence[float]) -> list[bytes]:
    """Each item's JSON after its fragment: `,"score":<score>},` and, for the last item,
    `,"score":<score>}`; from one serialisation and one split instead of two concatenations
    per item (floats never hold a comma or a newline)."""
    numbers = orjson.dumps(scores)[1:-1]
    return (SCORE + numbers.replace(b",", TAIL_SPLIT) + b"}").split(b"\n")


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


SCORE = b',"score":'
TAIL_SPLIT = b"},\n" + SCORE  # `_score_tails`' separator, split at its newline
EXPLAIN = b',"explain":'


def sections_json(sections: Sequence[Section], fragments: Sequence[bytes]) -> bytes:
    """An answer's sections as JSON (`,"sections":[...]}`, the rest of `answer_head`)."""
    body = [b',"sections":[']
    for i, section in enumerate(sections):
        rows = section.rows
        picked = [fragments[row] for row in rows]
        if i:
            body.append(b",")
        body.append(section.head.json_prefix)
        if not rows:
            body.append(b"]}")
        elif section.explains is None:
            body += chain.from_iterable(zip(picked, _score_tails(section.scores), strict=True))
            body.append(b"]}")
        else:
            scores = orjson.dumps(section.scores)[1:-1].split(b",")
            items = [
                f + SCORE + s + EXPLAIN + orjson.dumps(e)
                for f, s, e in zip(picked, scores, section.explains, strict=True)
            ]
            body += (b"},".join(items), b"}]}")
    body.append(b"]}")
    return b"".join(body)


def served_json(sections: Sequence[Section], ids: Sequence[str]) -> bytes:
    """What an answer served, as its event token lists it: `[[section key, [item ids]], ...]`,
    compact JSON byte for byte as the standard library writes it
    (`recommender.events.tokens.compact_json`; `EventKeys.sign_served_json` signs it)."""
    return compact_json([[s.head.fields["key"], [ids[r] for r in s.rows]] for s in sections])
