"""Pages of 2025-2026 (#12, held-out batch 17: article-extractor's and domdown's saved pages):
English ordinal dates; on small pages written here."""

from __future__ import annotations

import pytest

from recommender.ingest.html import dates
from tests.ingest.html.test_page import TITLE
from tests.ingest.html.test_page_batch15 import page
from tests.ingest.html.test_page_older_layouts import published


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Simon Willison's blog: the date links to its day's archive, the clock follows it.
        ('Posted <a href="/2026/Mar/4/">4th March 2026</a> at 3:50 pm', "2026-03-04T15:50:00"),
        ("Jun 6th, 2013 at 10:50 AM", "2013-06-06T10:50:00"),  # Engadget, 2013
        ("Posted Thursday 6th June 2013 15:43", "2013-06-06T15:43:00"),
        ("Aug 18th 2010 7:30PM", "2010-08-18T19:30:00"),
        ("July 1st, 2013 at 9:05 am", "2013-07-01T09:05:00"),
        ("Monday 22nd April 2019, 11:20", "2019-04-22T11:20:00"),
    ],
)
def test_english_ordinal_dates_are_read(written: str, expected: str) -> None:
    html = page(head="", above=f'<p class="byline">{written}</p>')
    assert published(html, "UTC") == f"{expected}+00:00"


def test_an_ordinal_without_a_date_is_none() -> None:
    assert dates.written_dates("the 21st century and the 3rd of the 4th") == []


HEADLINE = f"<h1>{TITLE}</h1>"


@pytest.mark.parametrize("block", ['id="in_article_forums"', 'id="disqus_thread"'])
def test_a_readers_forum_under_the_story_gives_no_time(block: str) -> None:
    # The Register: the byline has the date only; the readers' posts below have their times.
    forum = (
        f'<div {block}><h2>COMMENTS</h2><div class="post"><div class="dateline">'
        '<a href="/c/1">Posted Thursday 6th June 2013 15:43 GMT</a></div>'
        "<p>First!</p></div></div>"
    )
    byline = f'{HEADLINE}<div class="dateline">By Bill Ray, 6th June 2013</div>'
    html = page(head="", end=forum).replace(HEADLINE, byline, 1)
    assert published(html, "Europe/London") == "2013-06-06T00:00:00+01:00"
