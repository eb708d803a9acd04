"""Publication times the page states for machines elsewhere than where it states the time (#12,
leave-one-publisher-out review): microdata `datePublished` on any element, a 12-hour clock with its
zone, and the zone of a naive time named by the same wall-clock time written with an offset."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, article, record


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


def test_a_naive_time_in_the_assumed_zone_keeps_it_beside_the_same_moment_in_utc() -> None:
    # modepilot.de: the publisher's clock in its meta tag without an offset, the same moment as
    # an epoch in a `<time>`; read in the site's zone, the meta's clock is the page's time (it
    # was given in UTC, the right moment in another offset than the site's).
    meta = '<meta property="article:published_time" content="2019-05-21T14:42:53">'
    epoch = '<time datetime="1558442573000">21.05.2019</time>'
    berlin = ZoneInfo("Europe/Berlin")
    got = record(article(head=meta, before=epoch), assume_timezone=berlin)["published_at"]
    assert got.isoformat() == "2019-05-21T14:42:53+02:00"  # type: ignore[union-attr]
    # Another moment in UTC (an update's) does not make the meta's clock the zone's: as before.
    later = '<time datetime="1558450000000">21.05.2019</time>'
    got = record(article(head=meta, before=later), assume_timezone=berlin)["published_at"]
    assert got.isoformat() != "2019-05-21T14:42:53+02:00"  # type: ignore[union-attr]


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


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # month names of European pages, a day written "14.", a French "14h03" (held-out batch 11)
        (
            "Dieser Artikel wurde am 14. Dezember 2015 um 14:48 geschrieben",
            "2015-12-14T14:48:00+01:00",
        ),
        ("Publié le 29 octobre 2012 à 14h03", "2012-10-29T14:03:00+01:00"),
        ("Actualizado el 09 enero 2014 - 10:21", "2014-01-09T10:21:00+01:00"),
        ("Publicado em 3 de março de 2019, 08:15", "2019-03-03T08:15:00+01:00"),
        ("1er juin 2019 à 07:30", "2019-06-01T07:30:00+02:00"),
    ],
)
def test_dates_written_in_european_languages_are_read_with_their_clock(
    written: str, expected: str
) -> None:
    got = record(article(before=f"<div>{written}</div>"), assume_timezone=ZoneInfo("Europe/Paris"))
    assert got["published_at"].isoformat() == expected  # type: ignore[union-attr]


def test_a_date_written_day_first_after_a_month_first_one_is_no_clock() -> None:
    # "Mai 06 2018 06.05.2018": the second date's "06.05" was read as 06:05.
    got = record(
        article(before="<div>Mai 06 2018 06.05.2018</div>"),
        assume_timezone=ZoneInfo("Europe/Vienna"),
    )
    assert got["published_at"].isoformat() == "2018-05-06T00:00:00+02:00"  # type: ignore[union-attr]


def test_a_date_printed_under_the_headline_beats_the_times_of_a_later_list_of_posts() -> None:
    # A blog post dated "27 juin 2019" under its headline, then a list of the blog's other posts
    # with <time> elements (held-out batch 11, Mediapart's Club): the first of those was taken.
    posts = "".join(
        f'<li><a href="/p{d}">Autre billet {d}</a> <time datetime="2019-07-{d}">{d} juil. 2019</time></li>'
        for d in (30, 12)
    )
    html = article(
        before="<ul><li>27 juin 2019</li><li>Par Elba</li></ul>", after=f"<ul>{posts}</ul>"
    )
    got = record(html, assume_timezone=ZoneInfo("Europe/Paris"))
    assert got["published_at"].isoformat() == "2019-06-27T00:00:00+02:00"  # type: ignore[union-attr]


def test_a_date_in_the_storys_first_sentence_is_not_its_publication_date() -> None:
    first = "On August 14, 1935, the Social Security Act was signed into law by the president."
    html = article(
        before='<ul><li>Par Elba</li></ul><time datetime="2026-11-10">10 Nov</time>',
        paragraphs=[first, *PARAGRAPHS[1:]],
    )
    got = record(html, assume_timezone=ZoneInfo("UTC"))
    assert got["published_at"].isoformat() == "2026-11-10T00:00:00+00:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # An offset after GMT or UTC was read as GMT alone: +00:00, seven hours off.
        ("10 Nov 2026, 09:15 GMT+7", "2026-11-10T09:15:00+07:00"),
        ("10/11/2026 09:15 (GMT+7)", "2026-11-10T09:15:00+07:00"),
        ("Tuesday, 10 November 2026, 9:15 am UTC+07:00", "2026-11-10T09:15:00+07:00"),
        ("November 10, 2026 9:15 PM GMT-5", "2026-11-10T21:15:00-05:00"),
        ("Tue 10 Nov 2026 09.15 GMT", "2026-11-10T09:15:00+00:00"),
        # The clock first, then an abbreviated weekday (as CNN writes its timestamps).
        ("Published 3:04 PM EST, Tue November 10, 2026", "2026-11-10T15:04:00-05:00"),
        # A bullet between the date and its clock.
        ("10 November 2026 • 09:15 WIB", "2026-11-10T09:15:00+07:00"),
    ],
)
def test_written_offsets_weekday_abbreviations_and_bullets_are_read(
    written: str, expected: str
) -> None:
    assert published(article(before=f"<div>{written}</div>")) == expected


def test_a_zone_with_an_offset_of_its_own_after_it_is_no_zone_read() -> None:
    # A press release's embargo line, "(CEST+1)" meaning Finnish time: not CEST's +02:00.
    marked = '<span itemprop="datePublished" content="2016-08-04T07:24">04.08.2016 | 07:24</span>'
    embargo = "<p>Free for publication on August 4, 2016 at 8.00 a.m. (CEST+1)</p>"
    html = article(before=marked + embargo)
    got = record(html, assume_timezone=ZoneInfo("Europe/Berlin"))["published_at"]
    assert got.isoformat() == "2016-08-04T07:24:00+02:00"  # type: ignore[union-attr]


def test_a_time_element_marked_as_the_update_comes_after_the_others() -> None:
    # The New York Times's older layout dates its byline with the update (`itemprop="dateModified"`
    # on the `<time>`): a publication time elsewhere on the page is the article's.
    updated = '<time itemprop="dateModified" datetime="2016-08-01T01:30:24-04:00">Aug. 1</time>'
    first = '<time datetime="2016-07-29T16:42:34-04:00">July 29, 2016</time>'
    html = article(before=updated, after=first).replace("/2026/11/10/", "/")
    assert published(html) == "2016-07-29T16:42:34-04:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1762765200", "2025-11-10T09:00:00+00:00"),  # Unix seconds
        ("1762765200000", "2025-11-10T09:00:00+00:00"),  # milliseconds
        ("[1762765200]", "2025-11-10T09:00:00+00:00"),
    ],
)
def test_a_json_ld_time_written_as_a_unix_time_is_read(value: str, expected: str) -> None:
    ld = f'{{"@type": "NewsArticle", "headline": "x", "datePublished": {value}}}'
    html = article(head=f'<script type="application/ld+json">{ld}</script>')
    assert published(html) == expected


@pytest.mark.parametrize("value", ["2025", "20251110", "true"])
def test_a_json_ld_number_that_is_no_unix_time_dates_nothing(value: str) -> None:
    ld = f'{{"@type": "NewsArticle", "headline": "x", "datePublished": {value}}}'
    html = article(head=f'<script type="application/ld+json">{ld}</script>')
    with pytest.raises(ExtractionError, match="published_at"):
        record(html)


@pytest.mark.parametrize(
    "zero",
    [
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">',  # Go's zero
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "0001-01-01T00:00:00"}</script>',  # .NET's
        '<meta property="article:published_time" content="1970-01-01T07:00:00+07:00">',  # epoch
        '<meta property="article:published_time" content="1900-01-01">',  # SQL Server's default
    ],
)
def test_a_templates_zero_date_is_no_publication_time(zero: str) -> None:
    # It was taken as the time ("0001-01-01T00:00:00+00:00"): the written time dates the page.
    html = article(head=zero, before="<div>Selasa, 10/11/2026 09:15 WIB</div>")
    assert published(html) == "2026-11-10T09:15:00+07:00"


@pytest.mark.parametrize(
    "placeholder",
    [
        # a database's "never", which a later step moved past the calendar's end (+12 hours, UTC)
        '<meta property="article:published_time" content="9999-12-31T23:59:59-14:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "9999-12-31T23:59:59+14:00"}</script>',
        '<meta property="article:published_time" content="0001-01-01T00:00:00+14:00">',
        # offsets no clock has: `timezone()` refused them
        '<meta property="article:published_time" content="2026-11-10T09:15:00+25:00">',
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2026-11-10T09:15:00-24:30"}</script>',
        '<meta name="x"><time datetime="2026-11-10T09:15:00+07:75">10 Nov</time>',
        '<meta name="x"><time>10/11/2026 09:15 GMT+25</time>',
    ],
)
def test_a_time_past_the_calendar_or_with_an_offset_no_clock_has_is_no_time(
    placeholder: str,
) -> None:
    """Each failed the page as our own error (OverflowError, ValueError), found by writing such
    values into the saved pages: now the written time dates the page, or the page says it has no
    date."""
    head, _, shown = placeholder.partition('<meta name="x">')
    html = article(head=head, before=shown + "<div>Selasa, 10/11/2026 10:30 WIB</div>")
    assert published(html) == "2026-11-10T10:30:00+07:00"
    alone = article(head=head, before=shown).replace("/2026/11/10/", "/")
    with pytest.raises(ExtractionError) as caught:
        record(alone)
    assert caught.value.field in ("published_at", "page") and "date" in caught.value.reason


@pytest.mark.parametrize("written", ["1405/08/19 - 09:15", "۱۴۰۵/۰۸/۱۹ ۰۹:۱۵", "1448/05/19"])
def test_a_year_of_another_calendar_is_no_gregorian_date(written: str) -> None:
    # Solar Hijri and Islamic years, written year first, dated the page in the 15th century.
    html = article(before=f"<div>{written}</div>").replace("/2026/11/10/", "/")
    with pytest.raises(ExtractionError) as caught:
        record(html, assume_timezone=ZoneInfo("Asia/Tehran"))
    assert "1405" not in caught.value.reason and "1448" not in caught.value.reason


@pytest.mark.parametrize("place", ["", "WASHINGTON, "])
def test_a_date_as_the_dateline_opening_the_story_dates_it(place: str) -> None:
    # WebMD: "Feb. 23, 2015 -- Life-threatening peanut allergies ..." and no other date but a
    # script's comment ("2015.02.04 rewrite"), which htmldate took for the page's.
    first = f"{place}Feb. 23, 2015 -- {PARAGRAPHS[0]}"
    html = article(paragraphs=[first, *PARAGRAPHS[1:]]).replace("/2026/11/10/", "/")
    html = html.replace("</body>", "<script>/* 2015.02.04 rewrite */</script></body>")
    got = record(html, assume_timezone=ZoneInfo("UTC"))
    assert got["published_at"].isoformat() == "2015-02-23T00:00:00+00:00"  # type: ignore[union-attr]
    assert str(got["body"]).startswith(PARAGRAPHS[0])
