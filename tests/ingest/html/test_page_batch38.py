"""Layouts of held-out batch 38 (#12): pages no stop had read (security vendors' blogs and
newsrooms of 2023-2026, a data-science magazine, and pages that are no article), keyed before the
importer ran on them. Each test writes the layout anew, with text of its own."""

from __future__ import annotations

from tests.ingest.html.test_page import record
from tests.ingest.html.test_page_batch34 import STORY, page, story


def test_a_time_a_script_wrote_as_javascript_writes_dates_keeps_its_offset() -> None:
    # SafeDep: `<time datetime="Thu Apr 16 2026 00:00:00 GMT+0000 (Coordinated Universal
    # Time)">`, a JavaScript Date's toString(). The zone's name in brackets hid the offset, and
    # the page was refused for a time without one.
    for written, instant in [
        (
            "Tue May 14 2019 10:31:00 GMT+0200 (Central European Summer Time)",
            "2019-05-14T10:31:00+02:00",
        ),
        (
            "Tue May 14 2019 08:31:00 GMT+0000 (Coordinated Universal Time)",
            "2019-05-14T08:31:00+00:00",
        ),
    ]:
        html = page(
            f'<h1>{{title}}</h1><time datetime="{written}">14. Mai 2019</time>{story()}', head=""
        )
        got = record(html)
        assert got["published_at"].isoformat() == instant  # type: ignore[attr-defined]
        assert str(got["body"]).startswith(STORY[0])
