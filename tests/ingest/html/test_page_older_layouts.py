"""Layouts of older publishers' pages (#12, held-out batch 13: US, UK and Indian news sites saved
in 2013), on small pages written here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record
from tests.ingest.html.test_page_body import body_of
from tests.ingest.html.test_page_layouts import published as published_with

OPENING = "nother day, another flood: " + PARAGRAPHS[0]


@pytest.mark.parametrize(
    "cap", ['<div class="nfInitial">A</div>', '<span class="dropcap">A</span>', "<div>A</div>"]
)
def test_a_drop_cap_element_goes_back_to_its_paragraphs_first_word(cap: str) -> None:
    html = article(head=PUBLISHED, before=cap, paragraphs=[OPENING, *PARAGRAPHS[1:]])
    assert body_of(html).startswith("Another day, another flood: Hujan deras")


@pytest.mark.parametrize(
    ("before", "first"),
    [
        ("<div>A</div>", PARAGRAPHS[0]),  # the paragraph starts its own sentence
        ("<div>a</div>", OPENING),  # no capital
        ("<div>AB</div>", OPENING),  # more than a letter
    ],
)
def test_other_short_elements_are_not_drop_caps(before: str, first: str) -> None:
    body = body_of(article(head=PUBLISHED, before=before, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert body.startswith(first)


def noscript_page(outside: str) -> str:
    """A page drawing its story with a script, the story in `<noscript>` for readers without."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html lang="id"><head><title>{TITLE}</title>
<link rel="canonical" href="{URL}">{PUBLISHED}</head><body>
<div id="rail">{outside}</div><ul id="stream"><script>draw("story")</script><noscript>
<li><h1>{TITLE}</h1><p class="byline">By Ani</p><div class="full">{story}</div></li>
</noscript></ul><noscript><img src="https://kabar.example/pixel.gif"></noscript></body></html>"""


def test_an_article_given_only_to_readers_without_scripts_is_read() -> None:
    # The page's own visible text is a blurb about the site.
    page = noscript_page("<p>Latest Headlines is the home of all the news, as it happens.</p>")
    assert body_of(page).startswith(PARAGRAPHS[0])


def test_a_noscript_copy_of_a_story_already_on_the_page_is_not_read_twice() -> None:
    page = noscript_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    body = body_of(page)
    assert body.startswith(PARAGRAPHS[0])
    assert body.count(PARAGRAPHS[1]) == 1


def test_a_storys_first_paragraphs_in_a_span_beside_the_span_of_the_rest_are_read() -> None:
    # An ASP.NET story: its opening in one <span>, an ad slot, the rest as <p>s in the next one.
    first, rest = PARAGRAPHS[0], "".join(f"<P>{p}</P>" for p in PARAGRAPHS[1:])
    story = (
        f'<div class="body_txt"><span id="Para1">{first}</span><div class="ad"></div>'
        f'<span id="Para2">{rest}</span></div>'
    )
    body = body_of(article(head=PUBLISHED, paragraphs=[], after=story))
    assert body.startswith(first)
    assert PARAGRAPHS[2] in body


def test_a_standfirst_span_without_the_storys_parts_beside_it_stays_out() -> None:
    standfirst = "Ribuan warga mengungsi setelah Sungai Citarum meluap, dan petugas masih mendata."
    story = f'<div class="body_txt"><span class="standfirst">{standfirst}</span>' + "".join(
        f"<p>{p}</p>" for p in PARAGRAPHS
    )
    body = body_of(article(head=PUBLISHED, paragraphs=[], after=story + "</div>"))
    assert body.startswith(PARAGRAPHS[0])


def published(html: str, zone: str | None = None) -> str:
    """The page's publication time, read in the IANA `zone` if one is given."""
    return published_with(html, **({"assume_timezone": ZoneInfo(zone)} if zone else {}))


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        ("4:58 p.m. CDT, July 17, 2013", None, "2013-07-17T16:58:00-05:00"),
        ("Posted: 12:49 AM, June 7, 2013", "America/New_York", "2013-06-07T00:49:00-04:00"),
        ("First Published: 00:37 IST(16/5/2013)", "Asia/Kolkata", "2013-05-16T00:37:00+05:30"),
        ("Date: 05 June 2013 Time: 12:45 PM ET", None, "2013-06-05T12:45:00-04:00"),
        ("2015. augusztus 20., 11:16", "Europe/Budapest", "2015-08-20T11:16:00+02:00"),
        ("2015.08.15 10:28", "Europe/Budapest", "2015-08-15T10:28:00+02:00"),
        ("15 август 2015 13:28", "Europe/Sofia", "2015-08-15T13:28:00+03:00"),
        ("14 января 2016, 09:05", "Europe/Moscow", "2016-01-14T09:05:00+03:00"),
    ],
)
def test_more_ways_of_writing_the_time(written: str, zone: str | None, expected: str) -> None:
    assert published(article(before=f"<div>{written}</div>"), zone) == expected


def test_a_time_labelled_as_the_update_yields_to_the_publication_time() -> None:
    line = (
        "<div>Updated: Thursday, 18 Jul 2013, 4:25 PM EDT</div>"
        "<div>Published : Thursday, 18 Jul 2013, 3:05 PM EDT</div>"
    )
    assert published(article(before=line)) == "2013-07-18T15:05:00-04:00"


def test_a_printed_time_that_is_the_metadatas_last_change_is_not_the_publication() -> None:
    head = (
        '<meta itemprop="dateModified" content="2013-07-18T12:21:27.0000000">'
        '<meta itemprop="datePublished" content="2013-07-18T09:43:58.0000000">'
    )
    page = article(head=head, before="<span>12:21 p.m. EDT July 18, 2013</span>")
    assert published(page, "America/New_York") == "2013-07-18T09:43:58-04:00"


def test_a_written_time_days_from_the_pages_date_is_a_comments() -> None:
    page = article(
        before='<time datetime="2013-07-18" pubdate>18 July 2013</time>',
        after='<div class="reply"><p>Great read.</p><span>2013-07-21 04:03 UTC</span></div>',
    )
    assert published(page, "Europe/London") == "2013-07-18T00:00:00+01:00"


def test_a_written_time_the_day_before_a_print_date_is_the_articles() -> None:
    page = article(
        head='<meta name="DC.date.issued" content="2013-05-16">',
        before="<span>May 15, 2013 05:00 PM EDT</span>",
    )
    assert published(page) == "2013-05-15T17:00:00-04:00"


def test_microdata_times_of_a_list_of_stories_are_not_the_articles() -> None:
    related = "".join(
        f'<li itemscope><meta itemprop="datePublished" content="2013-07-19T0{i}:03:23Z">x</li>'
        for i in range(3)
    )
    page = article(
        before='<time itemprop="datePublished" datetime="2013-07-18T07:45-04:00">July 18</time>',
        after=f"<ul>{related}</ul>",
    )
    assert published(page) == "2013-07-18T07:45:00-04:00"


def test_a_loosely_written_iso_time_is_read() -> None:
    head = '<meta property="article:published_time" content="2013-06-7T03:37:27GMT+05:30">'
    assert published(article(head=head)) == "2013-06-07T03:37:27+05:30"


def test_a_readers_comments_time_element_is_not_the_articles() -> None:
    page = article(
        before='<time datetime="2013-07-18" pubdate>18 July 2013</time>',
        after='<ol><li id="comment-968147850"><div class="comment-body"><time'
        ' datetime="2013-07-19T04:03+00:00">2013-07-19 04:03 AM</time><p>Great.</p></div></li></ol>',
    )
    assert published(page, "Europe/London") == "2013-07-18T00:00:00+01:00"


def test_the_article_items_microdata_time_wins_over_a_videos_beside_it() -> None:
    items = (
        '<div itemscope itemtype="https://schema.org/VideoObject">'
        '<meta itemprop="datePublished" content="2015-03-12T13:11:07Z"></div>'
        '<div itemscope itemtype="https://schema.org/Article">'
        '<meta itemprop="datePublished" content="2015-03-11T19:46:14Z"></div>'
    )
    assert published(article(before=items)) == "2015-03-11T19:46:14+00:00"


@pytest.mark.parametrize(
    "line",
    [
        "Like Us on Facebook",
        "Kick off your day with ZDNet's daily email newsletter. It's the freshest tech news and"
        " opinion, served hot. Get it.",
        "This is The Marshall Project’s Closing Argument newsletter, a weekly deep dive into a key"
        " criminal justice issue. Want this delivered to your inbox? Sign up for future"
        " newsletters.",
        "Copyright 2013 DailyTech LLC. - RSS Feed | Advertise | About Us | Ethics | FAQ | Terms,"
        " Conditions & Privacy Information | Kristopher Kubicki",
        "Kapcsolódó írások:",
        "Czytaj także: Polacy najchętniej wyjeżdżają nad morze",
        "Читайте также: Банки снизили ставки",
    ],
)
def test_follow_prompts_newsletters_footers_and_related_labels_leave_the_body(line: str) -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[PARAGRAPHS[0], line, *PARAGRAPHS[1:]]))
    assert line[:20] not in body
    assert PARAGRAPHS[2] in body


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers like us on Facebook more than on Twitter, the survey found, and shares rose.",
        "The company said 10,000 readers subscribe to its newsletter every week, twice as many.",
        "Your newsletter grows when readers sign up for it, the founder told the conference.",
        "She told your reporter that the newsletter has 5,000 readers who subscribe to it.",
    ],
)
def test_story_sentences_about_the_same_things_stay(sentence: str) -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[PARAGRAPHS[0], sentence, *PARAGRAPHS[1:]]))
    assert sentence in body


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/wiredscience/2013/06/deep-sea-dump/", "2013-06-05T16:05:00-07:00"),  # month first
        ("/wiredscience/2013/05/deep-sea-dump/", "2013-05-06T16:05:00-07:00"),  # day first
        ("/wiredscience/deep-sea-dump/", "2013-05-06T16:05:00-07:00"),  # day first, as before
    ],
)
def test_the_urls_month_settles_a_numeric_date_that_reads_both_ways(
    path: str, expected: str
) -> None:
    page = article(before="<li>By Nadia Drake 06.05.13 4:05 PM</li>").replace(
        URL, f"https://kabar.example{path}"
    )
    assert published(page, "America/Los_Angeles") == expected


def test_a_standfirst_written_as_a_paragraph_in_a_heading_goes_to_the_lead() -> None:
    standfirst = (
        "NEWS ANALYSIS: Warga Dayeuhkolot kembali mengungsi, dan kali ini lebih lama dari biasanya."
    )
    head = PUBLISHED + f'<meta name="description" content="{standfirst}">'
    page = article(head=head, before=f"<h2><p>{standfirst}</p></h2>")
    got = record(page)
    assert str(got["body"]).startswith(PARAGRAPHS[0])
    assert got["lead"] == standfirst


def test_a_first_paragraph_that_is_the_description_stays_in_the_body() -> None:
    head = PUBLISHED + f'<meta name="description" content="{PARAGRAPHS[0]}">'
    assert body_of(article(head=head)).startswith(PARAGRAPHS[0])


RELATED = (
    '<ul><li><a href="/news/1.html">900 East under construction four years after rebuild</a><br>'
    "Published Jul 19, 2013 01:01:04AM</li>"
    '<li><a href="/news/2.html">Former officer charged with stealing drugs from dead man</a></li>'
    "</ul>"
)


def test_a_list_of_linked_headlines_inside_the_story_leaves_the_body() -> None:
    paragraphs = [PARAGRAPHS[0], RELATED, *PARAGRAPHS[1:]]
    body = body_of(article(head=PUBLISHED, paragraphs=paragraphs))
    assert "900 East" not in body and "Former officer" not in body
    assert PARAGRAPHS[2] in body


def test_the_articles_own_list_with_links_inside_sentences_stays() -> None:
    items = (
        '<li>Warga diminta <a href="/a">mendaftar di posko terdekat</a> sebelum malam.</li>'
        '<li>Petugas membagikan <a href="/b">masker dan air bersih</a> di balai desa.</li>'
    )
    paragraphs = [PARAGRAPHS[0], f"<ul>{items}</ul>", *PARAGRAPHS[1:]]
    assert "mendaftar di posko terdekat" in body_of(article(head=PUBLISHED, paragraphs=paragraphs))


def test_a_time_without_year_or_zone_on_the_day_found_is_a_local_time() -> None:
    page = article(
        head='<meta name="date" content="2013-06-06">',
        before="<div>Published: Jun 6 10:40 AM</div>",
    )
    assert published(page, "America/New_York") == "2013-06-06T10:40:00-04:00"
    other_day = page.replace("Jun 6 10:40", "Jun 9 10:40")
    assert published(other_day, "America/New_York") == "2013-06-06T00:00:00-04:00"


def test_a_printed_time_equal_to_an_unchanged_pages_times_stays() -> None:
    head = (
        '<meta itemprop="dateModified" content="2013-07-18T12:21:27">'
        '<meta itemprop="datePublished" content="2013-07-18T12:21:27">'
    )
    page = article(head=head, before="<span>12:21 p.m. EDT July 18, 2013</span>")
    # The printed time with its zone names the naive metadata's offset.
    assert published(page) == "2013-07-18T12:21:27-04:00"


LONG_TITLE = "Banjir Rendam Ribuan Rumah di Dayeuhkolot dan Baleendah Setelah Hujan Semalam"


def test_the_headline_after_a_section_label_at_the_bodys_start_leaves_it() -> None:
    # A line longer than the short lines dropped before the first sentence anyway.
    label = f"<p>Gadgets {LONG_TITLE}</p><p>Brandon Hill (Blog) - May 15, 2013 1:42 PM</p>"
    page = article(head=PUBLISHED, paragraphs=["LABEL", *PARAGRAPHS]).replace(TITLE, LONG_TITLE)
    assert body_of(page.replace("LABEL", label)).startswith(PARAGRAPHS[0])


def test_a_first_sentence_that_only_mentions_the_headlines_words_stays() -> None:
    # A sentence longer than the headline and a label: the article's own.
    first = f"Warga menyebut peristiwa ini {TITLE}, dan petugas masih mendata korban hingga pagi."
    body = body_of(article(head=PUBLISHED, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert body.startswith(first)


@pytest.mark.parametrize(
    "lines",
    [
        "<div>Updated: Thu, 18 Jul 2013, 4:25 PM EDT</div>"
        "<div>Published : Thu, 18 Jul 2013, 3:05 PM EDT</div>",
        "<div>Updated: Thursday, 18 Jul 2013, 4:25 PM EDT</div>"
        "<div>Published : Thursday, 18 Jul 2013, 3:05 PM EDT</div>",
    ],
)
def test_an_update_label_with_a_weekday_short_or_long_is_read(lines: str) -> None:
    assert published(article(before=lines)) == "2013-07-18T15:05:00-04:00"


@pytest.mark.parametrize(
    "event",
    ["Kick-off is at 7.30, Friday, June 7, 2013", "He won in 3:05, June 7, 2013, a record."],
)
def test_a_clock_before_a_date_without_am_pm_or_label_is_no_publication_time(event: str) -> None:
    page = article(head='<meta name="date" content="2013-06-07">', before=f"<p>{event}</p>")
    assert published(page, "Europe/London") == "2013-06-07T00:00:00+01:00"


def test_the_pages_own_microdata_time_stays_beside_a_videos() -> None:
    head = '<meta itemprop="datePublished" content="2015-03-11T19:46:14Z">'
    video = (
        '<div itemscope itemtype="https://schema.org/VideoObject">'
        '<meta itemprop="datePublished" content="2015-03-12T13:11:07Z"></div>'
    )
    assert published(article(head=head, before=video)) == "2015-03-11T19:46:14+00:00"


@pytest.mark.parametrize(
    "sentence",
    [
        "If your child's school sends a newsletter, sign up for it, the principal advised parents.",
        "“Subscribe to your newsletter of choice and read it,” she said, and the room laughed.",
        "Czytaj także książki, mówi minister, bo czytanie rozwija wyobraźnię każdego dziecka.",
    ],
)
def test_sentences_near_the_furniture_rules_stay(sentence: str) -> None:
    from recommender.ingest.html import clutter

    assert not clutter.is_clutter_line(sentence)


def test_an_rdfa_creation_time_beside_the_byline_gives_the_time() -> None:
    # Drupal's RDFa, and a later "originally published" line of the story's first publisher.
    byline = (
        '<span property="dc:date dc:created" content="2013-06-05T11:12:00-06:00"'
        ' datatype="xsd:dateTime">11:12 am Wed June 5, 2013</span>'
    )
    after = "<p>Originally published on Wed June 5, 2013 4:19 pm</p>"
    page = article(before=byline, after=after)
    assert published(page, "America/Denver") == "2013-06-05T11:12:00-06:00"


def test_an_rdfa_time_of_a_readers_comment_is_not_the_articles() -> None:
    comment = (
        '<div class="comment"><span property="dc:date dc:created"'
        ' content="2013-06-07T15:03:00-06:00">Fri</span><p>Nice.</p></div>'
    )
    page = article(head='<meta name="date" content="2013-06-05">', after=comment)
    assert published(page, "America/Denver") == "2013-06-05T00:00:00-06:00"


CHICAGO = ZoneInfo("America/Chicago")


def hearst_page(release_date: str, byline: str) -> str:
    """A 2013 Hearst newspaper's page: no publication time in its metadata but a date and a clock
    in two meta tags of their own, and a byline printing the date and the update's time."""
    head = f'<meta name="date.release" content="{release_date}"><meta name="time.release" content="2:58">'
    html = article(
        head=head, before=f'<div class="byline">By ANA COOK, Associated Press | {byline}</div>'
    )
    return html.replace(URL, "https://kabar.example/news/article/Banjir-4674178.php")


def test_a_date_and_clock_in_meta_tags_of_their_own_time_a_dated_page() -> None:
    # Chron's and MySanAntonio's `date.release` writes year/day/month ("2013/19/07"); the time is
    # in `time.release`. The byline prints the date and only the update's clock, which was taken.
    byline = "July 19, 2013 | Updated: July 19, 2013 3:55am"
    got = record(hearst_page("2013/19/07", byline), assume_timezone=CHICAGO)
    assert got["published_at"].isoformat() == "2013-07-19T02:58:00-05:00"  # type: ignore[union-attr]
    # Year/month/day as well, where that is the printed day.
    got = record(hearst_page("2013/07/19", byline), assume_timezone=CHICAGO)
    assert got["published_at"].isoformat() == "2013-07-19T02:58:00-05:00"  # type: ignore[union-attr]


def test_a_meta_clock_of_another_day_or_an_update_s_time_dates_nothing() -> None:
    # The pair names another day than the printed one: not the story's clock, and the update's
    # time is not the publication's either: the printed date at midnight.
    got = record(
        hearst_page("2013/18/07", "July 19, 2013 | Updated: July 19, 2013 3:55am"),
        assume_timezone=CHICAGO,
    )
    assert got["published_at"].isoformat() == "2013-07-19T00:00:00-05:00"  # type: ignore[union-attr]
    # A clock printed for the publication itself still wins over the meta tags.
    got = record(
        hearst_page("2013/19/07", "Published 12:02 am, Friday, July 19, 2013"),
        assume_timezone=CHICAGO,
    )
    assert got["published_at"].isoformat() == "2013-07-19T00:02:00-05:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("abbr", "expected"),
    [
        # the title in UTC without saying so, the page printing Tulsa's time (batch 40)
        (
            '<span class="published" title="11/18/2011 8:27:07 AM">11/18/2011&nbsp;&nbsp;2:27'
            " AM</span>",
            "2011-11-18T02:27:00-06:00",
        ),
        # the title and the page agree, or the page prints no clock, or the title has its offset
        (
            '<abbr class="published" title="2011-11-18T02:27:07">Nov 18, 2011 2:27 AM</abbr>',
            "2011-11-18T02:27:07-06:00",
        ),
        (
            '<abbr class="published" title="2011-11-18T02:27:07">November 18, 2011</abbr>',
            "2011-11-18T02:27:07-06:00",
        ),
        (
            '<abbr class="published" title="2011-11-18T08:27:07Z">Nov 18, 2011 2:27 AM</abbr>',
            "2011-11-18T08:27:07+00:00",
        ),
        (  # a date written with full stops is no clock (blog.kinra.de, batch 35)
            '<abbr class="published" title="Friday, November 18th, 2011, 2:27 am">18.11.2011</abbr>',
            "2011-11-18T02:27:00-06:00",
        ),
    ],
)
def test_an_hatom_title_without_offset_gives_way_to_the_clock_the_page_prints(
    abbr: str, expected: str
) -> None:
    assert published(article(before=abbr), "America/Chicago") == expected
