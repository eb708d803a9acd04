"""An answer's event token from its served lists' JSON (issue #15): `rendering.served_json` writes
the lists with orjson (the standard library's bytes for ASCII text, `compact_json`) and
`EventKeys.sign_served_json` signs them. The token must be the one `EventKeys.sign` makes of the
id lists, byte for byte, whatever the ids hold (non-ASCII, quotes, backslashes, control
characters, DEL)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.events.tokens import EventKeys
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.serving.rendering import (
    Section,
    SectionHead,
    served_json,
)
from tests.conftest import make_settings
from tests.serving.test_fast_path import NOW, catalog, requests  # noqa: F401 (fixture)

KEYS = EventKeys(b"k" * 32)
ISSUED = 1_795_000_000


def token_both_ways(sections: list[Section], ids: list[str], history: Sequence[str] = ()) -> Any:
    served = [(s.head.fields["key"], [ids[r] for r in s.rows]) for s in sections]
    want = KEYS.sign("v1", "art-1", served, ISSUED, None, history)
    got = KEYS.sign_served_json("v1", "art-1", served_json(sections, ids), ISSUED, history)
    return got, want


def test_every_answer_of_the_fixture_signs_the_same(catalog: Catalog) -> None:  # noqa: F811
    rec = Recommender(catalog, make_settings(Path("unused")))
    count = 0
    for req in requests(rec):  # histories of 0 to 4 ids
        sections = rec.sections(req, NOW)
        history = [i for i in req.history if i != req.article_id]
        got, want = token_both_ways(sections, catalog.ids, history)
        assert got == want
        count += sum(len(s.rows) for s in sections)
    assert count > 100


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
            st.text(max_size=6),  # anything: non-ASCII, controls, DEL, surrogates excluded
            st.sampled_from(['a"b', "a\\b", "a\x7fb", "a\nb", "ä", "\u2028", "x/y", ""]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 2**32 - 1),
    st.lists(st.text(max_size=5), max_size=12),
)
def test_drawn_ids_sign_the_same(names: list[str], seed: int, history: list[str]) -> None:
    ids = list(dict.fromkeys(names))
    rng = np.random.default_rng(seed)
    heads = [SectionHead.of({"key": k, "title": "T"}) for k in ("rekomendasi_artikel", "ä k")]
    drawn = [rng.permutation(len(ids))[: rng.integers(0, len(ids) + 1)].tolist() for _ in heads]
    sections = [Section(h, rows, [0.5] * len(rows)) for h, rows in zip(heads, drawn, strict=True)]
    got, want = token_both_ways(sections, ids, history)
    assert got == want
    served = KEYS.verify(got, ISSUED, 60)
    assert served.sections == {
        s.head.fields["key"]: tuple(ids[r] for r in s.rows) for s in sections
    }
