"""A news site's video pages are video items (#12): the widget's "Video Pilihan" section draws from
them, where they were imported as articles (or, with only a JSON-LD `VideoObject`, refused as no
article). An article with a video in it stays an article."""

from __future__ import annotations

from pathlib import Path

from recommender.articles import ItemType
from recommender.ingest.sources import read_sources
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, record

VIDEO_URL = "https://kabar.example/video/banjir-dayeuhkolot"
VIDEO_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "VideoObject",'
    ' "name": "Banjir Dayeuhkolot", "uploadDate": "2026-11-10T09:15:00+07:00",'
    ' "thumbnailUrl": "https://kabar.example/thumb/banjir.jpg",'
    ' "description": "Warga Dayeuhkolot mengungsi setelah Sungai Citarum meluap."}</script>'
)


def video_page(head: str, player: str, text: str = "") -> str:
    return f"""<html lang="id"><head><meta charset="utf-8"><title>Banjir Dayeuhkolot</title>
<link rel="canonical" href="{VIDEO_URL}">{head}</head><body><main><h1>Banjir Dayeuhkolot</h1>
{player}{text}</main></body></html>"""


def test_a_page_describing_one_video_is_a_video_item() -> None:
    got = record(video_page(VIDEO_LD, '<video src="https://kabar.example/v/banjir.mp4"></video>'))
    assert got["type"] == "video"
    # its time, picture and text are the video's
    assert got["published_at"].isoformat() == "2026-11-10T09:15:00+07:00"  # type: ignore[union-attr]
    assert got["image_url"] == "https://kabar.example/thumb/banjir.jpg"
    assert got["body"] == "Warga Dayeuhkolot mengungsi setelah Sungai Citarum meluap."


def test_og_type_video_with_a_player_is_a_video_item() -> None:
    player = '<iframe src="https://www.youtube.com/embed/HdG_WS8v60g"></iframe>'
    head = '<meta property="og:type" content="video.other">' + PUBLISHED
    got = record(video_page(head, player, f"<p>{PARAGRAPHS[0]}</p>"))
    assert got["type"] == "video"
    assert got["body"] == PARAGRAPHS[0]


def test_og_type_video_without_a_player_stays_an_article() -> None:
    # A podcast's episode typed `video.episode`: its only frames are share and follow buttons.
    buttons = '<iframe src="https://www.facebook.com/plugins/like.php?href=x"></iframe>'
    head = '<meta property="og:type" content="video.episode">' + PUBLISHED
    got = record(video_page(head, buttons, "".join(f"<p>{p}</p>" for p in PARAGRAPHS)))
    assert "type" not in got


def test_an_article_with_a_video_in_it_stays_an_article() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Banjir", "datePublished":'
        ' "2026-11-10T09:15:00+07:00"}, {"@type": "VideoObject", "name": "Banjir",'
        ' "uploadDate": "2026-11-10T08:00:00+07:00"}]}</script>'
    )
    player = '<iframe src="https://www.youtube.com/embed/HdG_WS8v60g"></iframe>'
    got = record(
        article(head=ld + '<meta property="og:type" content="video.other">', before=player)
    )
    assert "type" not in got
    assert got["published_at"].isoformat() == "2026-11-10T09:15:00+07:00"  # type: ignore[union-attr]


def test_a_folder_of_pages_imports_the_video_page_as_a_video(tmp_path: Path) -> None:
    (tmp_path / "video.html").write_text(video_page(VIDEO_LD, "<video></video>"))
    (tmp_path / "banjir.html").write_text(article(head=PUBLISHED))
    items = read_sources([tmp_path]).items.values()
    assert sorted(i.type for i in items) == [ItemType.ARTICLE, ItemType.VIDEO]


def test_a_page_marked_up_as_a_video_whose_player_a_script_draws_is_a_video_item() -> None:
    # YouTube's watch page: og:type `video.other`, its outermost microdata item a VideoObject,
    # no `<video>` or frame in the saved page (a script draws the player), and no text but the
    # footer's lines: it was imported as an article whose body was a footer link.
    head = (
        '<meta property="og:type" content="video.other">'
        '<meta property="og:description" content="Warga Dayeuhkolot mengungsi setelah Sungai'
        ' Citarum meluap.">'
    )
    item = (
        '<div itemscope itemtype="http://schema.org/VideoObject">'
        '<meta itemprop="name" content="Banjir Dayeuhkolot">'
        '<meta itemprop="datePublished" content="2026-11-10T09:15:00+07:00"></div>'
    )
    got = record(video_page(head, item, "<footer><a href='/kontrak'>Kontrak di sini</a></footer>"))
    assert got["type"] == "video"
    assert got["published_at"].isoformat() == "2026-11-10T09:15:00+07:00"  # type: ignore[union-attr]
    assert got["body"] == "Warga Dayeuhkolot mengungsi setelah Sungai Citarum meluap."
