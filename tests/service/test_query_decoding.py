"""The widget's query string decoded without parse_qsl when there is nothing to decode (issue
#15): the same parameters as `dict(parse_qsl(..., keep_blank_values=True))`, whatever the
string (empty parts, names without `=`, several `=`, repeated names, `%` and `+` escapes)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from service.query import decode_query

pieces = st.sampled_from(
    ["article_id", "history", "a", "kn-1003", "x,y", "=", "&", "&&", "%61", "%zz", "+", " ",
     ";", "é", "\x00", "", "articles=3", "id=a=b"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join))
def test_decode_query_is_parse_qsl(text: str) -> None:
    raw = text.encode("latin-1", "replace")
    assert decode_query(raw) == dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def test_the_last_of_repeated_names_wins() -> None:
    assert decode_query(b"article_id=a&&article_id=b&explain") == {
        "article_id": "b",
        "explain": "",
    }
