"""Social networks' posts embedded in a story (#12): the markup each network's embed code writes,
between the story's paragraphs, leaves the body; a quotation the story sets in a plain
`<blockquote>` stays."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, body_with, record

EMBEDS = {
    "x": (
        '<blockquote class="twitter-tweet" data-lang="id"><p lang="id" dir="ltr">Banjir parah di'
        ' Dayeuhkolot pagi ini <a href="https://t.co/x">pic.twitter.com/x</a></p>&mdash; BPBD'
        ' Jabar (@bpbdjabar) <a href="https://twitter.com/bpbdjabar/status/1">November 10,'
        " 2026</a></blockquote>"
    ),
    "x rendered": (
        '<div class="twitter-tweet twitter-tweet-rendered"><p>Banjir parah di Dayeuhkolot pagi'
        " ini</p>&mdash; BPBD Jabar (@bpbdjabar) November 10, 2026</div>"
    ),
    "tiktok": (
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@x/video/1"><section>'
        '<a href="https://www.tiktok.com/@x">@x</a> Banjir di Dayeuhkolot #banjir'
        '<a href="https://www.tiktok.com/music/x">♬ original sound - x</a></section></blockquote>'
    ),
    "threads": (
        '<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/'
        '@x/post/1"><a href="https://www.threads.net/@x/post/1">View on Threads</a></blockquote>'
    ),
    "bluesky": (
        '<blockquote class="bluesky-embed"><p lang="en">Flooding in Dayeuhkolot this morning</p>'
        '&mdash; Reporter (<a href="https://bsky.app/profile/x">@x.bsky.social</a>) <a'
        ' href="https://bsky.app/profile/x/post/1">November 10, 2026 at 9:15 AM</a></blockquote>'
    ),
    "reddit": (
        '<blockquote class="reddit-embed-bq"><a href="https://www.reddit.com/r/x/comments/1/">'
        'Flood in Bandung</a><br> by <a href="https://www.reddit.com/user/x/">u/x</a> in'
        ' <a href="https://www.reddit.com/r/x/">r/x</a></blockquote>'
    ),
    "amp": (
        '<amp-twitter width="375" height="472" data-tweetid="1"><blockquote placeholder><p>Banjir'
        " parah di Dayeuhkolot pagi ini</p>&mdash; Akun (@akun) July 13, 2017</blockquote>"
        "</amp-twitter>"
    ),
}


@pytest.mark.parametrize("network", EMBEDS)
def test_an_embedded_social_post_leaves_the_body(network: str) -> None:
    assert body_with(EMBEDS[network]) == PARAGRAPHS


@pytest.mark.parametrize("place", ["before", "after"])
def test_a_story_opening_or_closing_with_an_embedded_post_is_the_story_alone(place: str) -> None:
    html = article(head=PUBLISHED, **{place: EMBEDS["bluesky"]})
    assert str(record(html)["body"]).split("\n") == PARAGRAPHS


@pytest.mark.parametrize(
    "quotation",
    [
        "<blockquote><p>“Kami sudah mengerahkan semua perahu karet yang ada untuk warga,” kata"
        " Kepala BPBD dalam keterangan tertulisnya.</p></blockquote>",
        # a class that only starts like a network's is no embed
        '<blockquote class="twitter-tweet-quote-style"><p>“Kami sudah mengerahkan semua perahu'
        " karet yang ada untuk warga,” kata Kepala BPBD dalam keterangan tertulisnya.</p>"
        "</blockquote>",
    ],
)
def test_a_quotation_the_story_sets_apart_stays(quotation: str) -> None:
    body = body_with(quotation)
    assert len(body) == len(PARAGRAPHS) + 1 and "perahu karet yang ada" in body[1]
