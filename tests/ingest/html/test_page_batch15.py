"""Magazines' and news sites' pages of 2016-2019 (#12, batch 15: Mercury/Postlight Parser's
saved pages read as saved, a re-check of earlier batches' publishers): meta values, teaser
cards, a time written below the story, Chinese promotion lines; on small pages written here."""

from __future__ import annotations

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, record
from tests.ingest.html.test_page_body import body_of
from tests.ingest.html.test_page_older_layouts import published


def page(*, head: str = PUBLISHED, above: str = "", end: str = "", after_story: str = "") -> str:
    """`above` comes before the headline, `after_story` right after the story's paragraphs,
    `end` after the story's block."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html lang="id"><head><title>{TITLE}</title>
<link rel="canonical" href="{URL}">{head}</head><body>{above}<div class="story"><h1>{TITLE}</h1>
{story}{after_story}</div>{end}</body></html>"""


def test_meta_tags_whose_content_is_written_as_value_are_read() -> None:
    # Mercury renames every meta tag's `content` to `value` in the pages it saves; The Wall
    # Street Journal wrote `<meta itemprop="datePublished" value=...>` itself in 2013.
    head = (
        '<meta value="2016-12-15T13:55:10-05:00" name="article:published_time">'
        '<meta property="og:url" value="https://kabar.example/read/2016/12/15/asli-banjir">'
    )
    got = record(page(head=head).replace(f'<link rel="canonical" href="{URL}">', ""))
    assert str(got["published_at"]) == "2016-12-15 13:55:10-05:00"
    assert got["url"] == "https://kabar.example/read/2016/12/15/asli-banjir"
    both = '<meta name="article:published_time" content="2016-12-15T13:55:10-05:00" value="x">'
    assert published(page(head=both)) == "2016-12-15T13:55:10-05:00"  # content wins


def test_a_card_linking_whole_paragraphs_is_no_part_of_the_story() -> None:
    # MacRumors: the story is loose text split by <br>; a sidebar of upcoming products after it
    # links a card's whole paragraph, which the extractor put first.
    card = (
        '<div id="upcoming-products"><h3>Upcoming</h3><ul><li><div class="text">'
        '<a class="product-title" href="/roundup/imac/">iMac <small>Early 2017</small></a> '
        '<a href="/roundup/imac/"><p>Updated models with AMD graphics options expected in early'
        " 2017.</p></a></div></li></ul></div>"
    )
    html = (
        f'<html lang="id"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">'
        f'{PUBLISHED}</head><body><div class="article"><h1 class="title">{TITLE}</h1>'
        f'<div class="content">{"<br><br>".join(PARAGRAPHS)}</div></div>'
        f'<div class="sidebar">{card}</div></body></html>'
    )
    body = body_of(html)
    assert body.startswith(PARAGRAPHS[0][:40]) and "AMD graphics" not in body


def test_a_time_written_below_the_story_gives_the_dates_clock() -> None:
    head = '<meta name="article:published_time" content="2016-12-19">'
    # Far below the headline: after a rail of other text (a shop's list of deals).
    rail = "".join(
        f"<li>Deal number {n} of the day, a discount on one thing</li>" for n in range(99)
    )
    below = f'<ul>{rail}</ul><span class="date">December 19, 2016 - 12:29pm</span>'
    assert published(page(head=head, end=below), "America/New_York") == (
        "2016-12-19T12:29:00-05:00"
    )
    # Not a reader's comment's, nor another day's.
    for other in (
        '<div class="comment-body">December 19, 2016 - 12:29pm</div>',
        "<p>December 20, 2016 - 12:29pm</p>",
    ):
        assert published(page(head=head, end=f"<ul>{rail}</ul>{other}"), "America/New_York") == (
            "2016-12-19T00:00:00-05:00"
        )


def test_chinese_app_promotions_and_header_image_credits_leave_the_body() -> None:
    lines = (
        "<p>题图来自 Hater</p><p>喜欢这篇文章？去 App 商店搜 好奇心日报 ，每天看点不一样的。</p>"
    )
    body = body_of(page(after_story=lines))
    assert "题图" not in body and "App 商店" not in body and PARAGRAPHS[-1][:40] in body
