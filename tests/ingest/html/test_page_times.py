"""Publication times the page states for machines elsewhere than where it states the time (#12,
leave-one-publisher-out review): microdata `datePublished` on any element, a 12-hour clock with its
zone, and the zone of a naive time named by the same wall-clock time written with an offset."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import article, record


def published(html: str) -> str:
    return record(html)["published_at"].isoformat()  # type: ignore[union-attr]


@pytest.mark.parametrize("tag", ["time", "span", "div"])
def test_microdata_date_published_on_any_element_gives_the_time(tag: str) -> None:
    marked = (
        f'<{tag} itemprop="datePublished" content="2026-11-10T23:00:00-0800">'
        f"November 10, 2026 11:00 PM</{tag}>"
    )
    assert published(article(before=marked)) == "2026-11-10T23:00:00-08:00"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Sunday, Nov 10, 2026 11:57 AM UTC", "2026-11-10T11:57:00+00:00"),
        ("Selasa, 10/11/2026 09:04 PM WIB", "2026-11-10T21:04:00+07:00"),
        ("November 10, 2026 9:04 p.m. EST", "2026-11-10T21:04:00-05:00"),
    ],
)
def test_a_12_hour_clock_before_its_zone_is_read_with_both(written: str, expected: str) -> None:
    # Read before as a naive "11:57" (the AM/PM skipped), which was wrong by 12 hours after noon.
    assert published(article(before=f"<div>{written}</div>")) == expected


def test_a_naive_metadata_time_takes_the_offset_the_page_writes_for_the_same_moment() -> None:
    ld = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-11-10T03:01:00"}</script>'
    zoned = '<meta name="published_at" data-type="date" content="2026-11-10T03:01:00-04:00">'
    assert published(article(head=ld + zoned)) == "2026-11-10T03:01:00-04:00"


def test_a_written_local_time_takes_the_offset_of_the_same_moment_in_an_attribute() -> None:
    byline = (
        '<li class="date-and-time" title="2026-11-10T21:00:00+11:00">November 10, 2026 9:00PM</li>'
    )
    assert published(article(before=f"<ul>{byline}</ul>")) == "2026-11-10T21:00:00+11:00"


def test_an_offset_written_for_another_moment_names_no_zone() -> None:
    # A related story's time on the same page is no evidence of this article's zone.
    ld = '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-11-10T03:01:00"}</script>'
    other = '<span title="2026-11-10T08:30:00+07:00">Berita lain</span>'
    with pytest.raises(ExtractionError) as caught:
        record(article(head=ld, after=other))
    assert caught.value.field == "published_at"
    assert (
        "2026-11-10T03:01:00 (from JSON-LD datePublished) has no UTC offset" in caught.value.reason
    )
