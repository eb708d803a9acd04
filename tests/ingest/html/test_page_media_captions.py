"""Captions and players that opened bodies (#12, found against npm `article`'s own labels): a
photo's caption with its credit after it, a photo's caption in a credit block, an inline video
player's description."""

from __future__ import annotations

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL
from tests.ingest.html.test_page_body import body_of

CAPTION = (
    "Rita Soza is seen at her home on June 5. Her husband may have been exposed to an outbreak"
    " of hepatitis A, possibly from his morning fruit."
)


def page(media: str, inline: bool = False) -> str:
    """The story in a block of its own after `media`, or (`inline`) after it in one block."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    if not inline:
        story = f'<div class="storyText">{story}</div>'
    return f"""<html lang="id"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">
{PUBLISHED}</head><body><div id="content"><h1>{TITLE}</h1>{media}{story}</div></body></html>"""


def test_a_caption_repeating_the_images_alt_with_a_credit_after_it_is_dropped() -> None:
    media = (
        f'<div class="mediaBox"><div class="image620"><img src="/a.jpg" alt="{CAPTION}"></div>'
        f'<p class="imgText">{CAPTION}&nbsp;<span>/</span> <span>AP Photo/Gregory Bull</span>'
        "</p></div>"
    )
    body = body_of(page(media))
    assert body.startswith(PARAGRAPHS[0][:40])
    assert "Rita Soza" not in body


def test_a_paragraph_only_starting_like_the_alt_stays() -> None:
    # The alt repeats the story's first sentence; the paragraph goes on: it is the story's.
    first = PARAGRAPHS[0].split(",")[0]
    media = f'<img src="/a.jpg" alt="{first}">'
    body = body_of(page(media))
    assert body.startswith(PARAGRAPHS[0][:60])


def test_a_photos_caption_in_a_credit_block_is_dropped() -> None:
    media = (
        '<div class="inlinePhoto"><img src="/b.jpg" alt=""><p class="photo_credit">UTL</p>'
        f'<div class="photo_credit_container"><p>{CAPTION}</p></div></div>'
    )
    body = body_of(page(media))
    assert body.startswith(PARAGRAPHS[0][:40])
    assert "Rita Soza" not in body and "UTL" not in body


def test_an_inline_video_players_description_is_dropped() -> None:
    media = (
        '<div style="overflow:hidden;"><div class="mod-inline video-player full-box">'
        '<div class="videoplayer"><img src="/v.jpg"></div><div id="videoInfo"><h5>Breaking Down'
        ' The Win</h5><div class="mod-video-tags"><span>Two analysts break down the game 3 win'
        " over the visitors on Thursday night.</span><strong>Tags: </strong><a href='/t'>NHL</a>"
        ", <a href='/p'>Pittsburgh Penguins</a></div></div></div>"
    )
    body = body_of(page(media, inline=True))
    assert body.startswith(PARAGRAPHS[0][:40])
    assert "analysts" not in body


def test_photo_credit_and_video_player_blocks_are_furniture_by_their_class_words() -> None:
    import lxml.html

    from recommender.ingest.html.clutter import is_clutter

    for marked in ("photo_credit_container", "mod-inline video-player full-box", "photoCredit"):
        assert is_clutter(lxml.html.fragment_fromstring(f'<div class="{marked}">x</div>'))
    for plain in ("photo-story", "video-article", "player-profile", "credit-union-news"):
        assert not is_clutter(lxml.html.fragment_fromstring(f'<div class="{plain}">x</div>'))
