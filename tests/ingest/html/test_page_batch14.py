"""Older publishers' pages (#12, held-out batch 14: US, UK, Australian and Pakistani news sites
saved in 2013): publication times and bodies, on small pages written here."""

from __future__ import annotations

import pytest

from recommender.ingest.html import dates
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record
from tests.ingest.html.test_page_body import body_of
from tests.ingest.html.test_page_older_layouts import published


def page(
    *, head: str = "", before: str = "", above: str = "", end: str = "", h1: str = TITLE
) -> str:
    """An English page: `above` comes before the headline, `before` between it and the story,
    `end` after the story (comments, scripts)."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html lang="en"><head><title>{TITLE}</title>
<link rel="canonical" href="{URL}">{head}</head><body>{above}<div class="story"><h1>{h1}</h1>
{before}{story}</div>{end}</body></html>"""


def test_a_capitalised_word_after_a_bare_time_is_no_zone() -> None:
    # "WEST" (Western European Summer Time) is written in capitals; "West" starts a headline.
    text = "Last updated on: July 16, 2013 7:36 PM West Africa Regional Leaders to Meet"
    assert dates.text_times(text) == []
    assert [s.value.isoformat() for s in dates.text_times("July 16, 2013 7:36 PM WEST")] == [
        "2013-07-16T19:36:00+01:00"
    ]
    html = page(before=f"<p class='date'>{text}</p>")
    assert published(html, "America/New_York") == "2013-07-16T19:36:00-04:00"


@pytest.mark.parametrize(
    "comment", ["forum_comment", "user-comment boxed", "comentarios_lectores", "commentaires box"]
)
def test_a_readers_comment_marked_by_its_class_word_gives_no_time(comment: str) -> None:
    # The story states only its update time; a reader's comment below states another.
    html = page(
        before="<p>Last updated on: July 16, 2013 7:36 PM</p>",
        end=f'<div class="{comment}"><b>Plain Mirror</b> <div>July 17, 2013 5:03 AM</div>'
        "<p>Good news.</p></div>",
    )
    assert published(html, "America/New_York") == "2013-07-16T19:36:00-04:00"


def test_a_class_word_that_only_mentions_comments_keeps_its_time() -> None:
    html = page(end='<div class="has-comments"><p>Posted: June 6, 2013 10:44 AM</p></div>')
    assert published(html, "America/New_York") == "2013-06-06T10:44:00-04:00"


def test_the_time_is_read_after_the_headline_not_where_a_list_repeats_it() -> None:
    # The same words head a list of the section's stories above the article.
    rail = f"<ul><li><a href='/a'>{TITLE}</a></li>" + "".join(
        f"<li>Another story of the section, number {n}, summed up in a line.</li>"
        for n in range(80)
    )
    html = page(
        above=rail + "</ul>",
        head='<meta name="date" content="2013-05-15">',
        before='<ul class="menu"><li itemprop="datePublished">May 15, 2013 1:15 PM</li></ul>',
    )
    assert published(html, "America/Los_Angeles") == "2013-05-15T13:15:00-07:00"


@pytest.mark.parametrize(
    ("script", "zone", "expected"),
    [
        ("date: '2013-07-18 5:45:10 -0400',", "America/New_York", "2013-07-18T05:45:10-04:00"),
        ('"date": "2013-07-18T13:15-0700",', "America/Los_Angeles", "2013-07-18T13:15:00-07:00"),
        # In UTC, on the printed day in the publisher's zone (Jul 18, 21:35 in Chicago).
        ("date: '2013-07-19 02:35:00 UTC',", "America/Chicago", "2013-07-19T02:35:00+00:00"),
        # A local time labelled UTC: the day before in Montana, so the printed date stands.
        ("date: '2013-07-18 05:00:00 UTC',", "America/Denver", "2013-07-18T00:00:00-06:00"),
        # Another object's member and another key ending in "date" are not the page's.
        ("_i.date = '2013-07-18 05:45:10 -0400';", "America/New_York", "2013-07-18T00:00:00-04:00"),
        (
            "serverDate: '2013-07-18 05:45:10 -0400'",
            "America/New_York",
            "2013-07-18T00:00:00-04:00",
        ),
    ],
)
def test_a_tag_configuration_gives_the_clock_of_a_printed_date(
    script: str, zone: str, expected: str
) -> None:
    html = page(
        before="<p class='byline'>By Alex Rogers July 18, 2013</p>",
        end=f"<script>var reach = {{{script} authors: []}};</script>",
    )
    assert published(html, zone) == expected


def test_a_page_with_a_clock_does_not_read_its_scripts() -> None:
    html = page(
        before="<p>July 18, 2013 9:12 AM EDT</p>",
        end="<script>var c = {date: '2013-07-18 5:45:10 -0400'};</script>",
    )
    assert published(html) == "2013-07-18T09:12:00-04:00"


@pytest.mark.parametrize(
    ("machine", "printed", "expected"),
    [
        # A local clock labelled UTC by the template: the printed zone names it.
        ("2013-07-17T13:04:17+00:00", "July 17, 2013 at 1:04pm EDT", "2013-07-17T13:04:17-04:00"),
        # Noon exactly: a date given a clock by its template.
        ("2013-06-06T12:00:00+00:00", "Jun 6, 2013 08:59 AM ET", "2013-06-06T08:59:00-04:00"),
        # Another clock in UTC is another statement of the moment: kept.
        ("2013-07-17T17:04:17+00:00", "July 17, 2013 at 1:04pm EDT", "2013-07-17T17:04:17+00:00"),
        ("2013-07-17T13:04:17-04:00", "July 17, 2013 at 1:04pm EDT", "2013-07-17T13:04:17-04:00"),
    ],
)
def test_a_machine_time_that_is_a_placeholder_or_mislabelled_gives_way_to_the_printed_one(
    machine: str, printed: str, expected: str
) -> None:
    html = page(before=f'<p><time datetime="{machine}">{printed}</time></p>')
    assert published(html) == expected


def test_an_update_note_in_the_story_is_not_its_date() -> None:
    # Nothing else dates the page: the date guessed from its URL (2026/11/10) is the last resort.
    html = page(before="<p><b>Update 2011-04-18:</b> Rewrote this post.</p>")
    assert published(html, "Europe/Berlin") == "2026-11-10T00:00:00+01:00"


def test_the_printed_day_settles_metadata_dates_that_disagree() -> None:
    # The headline is longer than the page's title, which is the og:title's shorter wording.
    html = page(
        head='<meta name="DC.date.issued" content="2013-06-06"><meta name="Date" content="2013-06-05">',
        h1=f"California {TITLE}",
        before='<div class="byline">By SYDNEY LUPKIN</div><div class="date">June 5, 2013</div>',
    )
    assert published(html, "America/New_York") == "2013-06-05T00:00:00-04:00"


POLICY = (
    "Bloomberg moderates all comments. Comments that are abusive or off-topic will not be posted"
    " to the site. Excessively long comments may be moderated as well."
)


def test_a_comment_policy_under_the_story_is_not_its_text() -> None:
    body = body_of(article(head=PUBLISHED, after=f"<p>{POLICY}</p>"))
    assert body.endswith(PARAGRAPHS[-1])


def test_a_story_sentence_about_moderating_comments_stays() -> None:
    said = "Facebook said it moderates all comments. Critics said that was not true at all."
    body = body_of(article(head=PUBLISHED, after=f"<p>{said}</p>"))
    assert body.endswith(said)


WIDGETS = [
    "Top 10 Earning Athletes",
    "SPONSORED HEADLINES",
    "MOST SENT STORIES ON ESPN.COM",
    "EDITORS' PICKS",
    "- Back To The Future",
    "- Chad Dawson is happy to return to light heavyweight.",
    "Brian Campbell »",
]


def test_widget_headings_in_capitals_and_their_teasers_close_no_story() -> None:
    after = "".join(f"<p>{line}</p>" for line in WIDGETS)
    body = body_of(article(head=PUBLISHED, after=after))
    assert body.endswith(PARAGRAPHS[-1])


def test_a_heading_in_capitals_inside_the_story_stays() -> None:
    more = [
        "Officials said the river would keep rising through the night, and more families were"
        " told to leave their homes before dark.",
    ]
    paragraphs = [*PARAGRAPHS[:2], "LATEST NEWS FROM THE RIVER", *more, PARAGRAPHS[2]]
    body = body_of(article(head=PUBLISHED, paragraphs=paragraphs))
    assert "LATEST NEWS FROM THE RIVER" in body
    assert body.endswith(PARAGRAPHS[2])


def test_summary_bullets_under_the_headline_go_before_a_byline_and_its_time() -> None:
    bullets = (
        "<ul><li>Dallas banker D. Andrew Beal wants to inspire young people to study maths</li>"
        "<li>The solution will need to be published in a peer-reviewed journal</li></ul>"
        "<p>By Associated Press</p><p>|</p>"
    )
    assert body_of(article(head=PUBLISHED, before=bullets)).startswith(PARAGRAPHS[0])


def test_long_bullets_before_a_heading_are_the_text() -> None:
    # Items longer than headlines: a product page's features, not a story's summary.
    item = (
        "Page Inspector Examine the HTML and CSS of any Web page and easily modify the structure"
        " and layout of a page, then keep your changes for the next visit. Learn more about it"
    )
    other = item.replace("Page Inspector", "Style Editor")
    bullets = f"<ul><li>{item}</li><li>{other}</li></ul><p>Important: Sync your profile</p>"
    assert body_of(article(head=PUBLISHED, before=bullets)).startswith(f"- {item}")


def test_a_caption_closed_by_its_photo_credit_goes_before_the_first_paragraph() -> None:
    caption = (
        "<p>The slender-limbed, long-tailed primate was about the size of a mouse."
        " Photo: Supplied by Xijun Ni</p>"
    )
    assert body_of(article(head=PUBLISHED, before=caption)).startswith(PARAGRAPHS[0])


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        # The place as a label before the dateline that repeats it.
        ("CAIRO | CAIRO (Reuters) - Egypt's interim President promised", "Egypt's interim"),
        ("PHNOM PENH | PHNOM PENH (Reuters) - Cambodian opposition", "Cambodian opposition"),
        # with its country in title case (found against npm `article`'s labels)
        ("KIROV, Russia | KIROV, Russia (Reuters) - Russia unexpectedly freed", "Russia unexp"),
        # A place in capitals joined to the first word by a dash.
        ("SAN FRANCISCO—Emirates Team New Zealand set another top speed", "Emirates Team"),
        ("ATHENS–German Finance Minister Wolfgang Schäuble visited", "German Finance"),
        # Not a place: a name in title case before a dash stays.
        ("Obama—The president said on Thursday that", "Obama—The"),
        # Different words on both sides of the bar are no repeated place.
        ("CAIRO | LONDON (Reuters) - Egypt's interim President promised", "CAIRO | LONDON"),
    ],
)
def test_a_dateline_after_its_place_label_or_joined_by_a_dash_goes(
    first: str, expected: str
) -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[f"{first} to fight.", *PARAGRAPHS]))
    assert body.startswith(expected)


def test_a_byline_with_its_agency_and_times_goes_before_the_first_paragraph() -> None:
    byline = (
        "<p>By MATTHEW LEE, Associated Press | July 19, 2013 | Updated: July 19, 2013 5:46am</p>"
    )
    assert body_of(article(head=PUBLISHED, before=byline)).startswith(PARAGRAPHS[0])


def test_urls_are_read_as_browsers_read_them() -> None:
    # Spaces inside a canonical URL and an image's are percent-encoded, tabs and newlines inside
    # removed (the WHATWG URL standard), and the page is imported rather than refused.
    html = article(head=PUBLISHED, canonical=False).replace(
        "</head>",
        '<link rel="canonical" href=" https://kabar.example/News-Feed/Jammu Sec/\n'
        'Article1-1094394.aspx ">'
        '<meta property="og:image" content="https://img.kabar.example/Images/Copy of\t1.jpg">'
        "</head>",
    )
    got = record(html)
    assert got["url"] == "https://kabar.example/News-Feed/Jammu%20Sec/Article1-1094394.aspx"
    assert got["image_url"] == "https://img.kabar.example/Images/Copy%20of1.jpg"


def test_a_quote_asking_for_support_and_addressing_you_closes_no_box() -> None:
    quote = (
        '"Coach always says when you focus on the team during the season, he will support us in'
        ' the offseason," Hairston said in a statement.'
    )
    last = "On Monday, Hairston was invited to compete for a spot on the national team."
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, quote, last]))
    assert body.endswith(f"{quote}\n{last}")


def test_an_appeal_after_a_quote_in_its_line_still_goes() -> None:
    appeal = (
        '"Thank you," our editors say. If you value this story, please support us so that we can'
        " keep up our work."
    )
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, appeal]))
    assert body.endswith(PARAGRAPHS[-1])


@pytest.mark.parametrize(
    ("attribute", "zone", "expected"),
    [
        # A "Z" on the printed local clock: the publisher's zone names it.
        ("2013-05-13T00:02:25Z", "America/Los_Angeles", "2013-05-13T00:02:00-07:00"),
        # Where the publisher's zone is UTC, the attribute and the zone agree.
        ("2013-05-13T00:02:25Z", "Europe/London", "2013-05-13T00:02:00+01:00"),
        ("2013-05-13T00:02:25Z", "UTC", "2013-05-13T00:02:00+00:00"),
        # Another offset on the same clock is still borrowed.
        ("2013-05-13T00:02:25+02:00", "America/Los_Angeles", "2013-05-13T00:02:00+02:00"),
    ],
)
def test_a_utc_attribute_on_a_printed_local_clock_is_a_mislabel(
    attribute: str, zone: str, expected: str
) -> None:
    html = page(before=f'<p><span title="{attribute}">12:02 am, Monday, May 13, 2013</span></p>')
    assert published(html, zone) == expected


def test_a_latest_headlines_box_after_the_story_goes_with_its_headlines() -> None:
    box = [
        "Latest Headlines",
        'Latest Blog Posts Quick Note: Sony "Teases" PS4 Ahead of Xbox Reveal in New Video',
        "Brandon Hill - May 20, 2013, 12:33 PM Nokia Introduces Instagram-Like App of Its Own",
    ]
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, *box]))
    assert body.endswith(PARAGRAPHS[-1])


def test_a_paragraph_after_a_latest_news_heading_stays() -> None:
    update = "Officials said on Tuesday evening that the water had begun to recede from the homes."
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, "Latest news", update]))
    assert body.endswith(update)


BLURB = (
    "Google provides search and advertising services, which together aim to organize and monetize"
    " the world's information. In addition to its dominant search engine, it offers a plethora of"
    " online tools and platforms. Google promotes the idea that advertising should be highly"
    " targeted and relevant to users thus providing..."
)


def test_a_clipped_blurb_after_the_story_goes() -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, BLURB]))
    assert body.endswith(PARAGRAPHS[-1])


@pytest.mark.parametrize(
    "last",
    [
        # A quote trailing off closes its quotation mark after the ellipsis.
        BLURB.replace("Google provides", "“Google provides").replace("providing...", "providing…”"),
        # A short line is no box's blurb.
        "And then the water came back, higher than anyone had seen it...",
    ],
)
def test_a_story_ending_on_an_ellipsis_keeps_its_last_paragraph(last: str) -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, last]))
    assert body.endswith(last)
