"""Pages saved from the Wayback Machine and news sites in many languages (#12, held-out batch 16:
mediacloud-metadata 2.1.0's saved pages): archive URLs, broken JSON-LD, a headline in a plain
block, titles with a tagline, furniture in other languages; on small pages written here."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from recommender.ingest.html.titles import strip_site_name
from recommender.ingest.links import unarchived
from recommender.ingest.sources import ReadOptions, read_sources
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, record
from tests.ingest.html.test_page_body import body_of
from tests.ingest.html.test_page_older_layouts import published

ARCHIVE = "https://web.archive.org/web/20220721144042/"


def page(*, head: str = PUBLISHED, after_story: str = "", canonical: str = URL) -> str:
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html lang="id"><head><title>{TITLE}</title>
<link rel="canonical" href="{canonical}">{head}</head><body><div class="story"><h1>{TITLE}</h1>
{story}{after_story}</div></body></html>"""


def test_a_web_archive_copy_names_the_publishers_url() -> None:
    assert record(page(canonical=ARCHIVE + URL))["url"] == URL
    # A link the archive rewrote as a path of its own, read against the archived page's URL.
    relative = "/web/20220721144042/" + URL
    data = page(canonical=relative).encode()
    got = page_record(data, url=ARCHIVE + "https://kabar.example/other", options=PageOptions())
    assert got["url"] == URL
    assert unarchived("https://web.archive.org/web/20111013162600id_/http://a.example/x") == (
        "http://a.example/x"
    )
    assert unarchived("https://web.archive.org/web/http://a.example/x") == "http://a.example/x"
    assert unarchived("https://kabar.example/web/1/http://a.example/x") == (
        "https://kabar.example/web/1/http://a.example/x"
    )


def test_json_ld_a_template_printed_broken_is_read_as_meant() -> None:
    ld = """<script type="application/ld+json">{"@type": "NewsArticle",
    "datePublished": 2023-01-12T06:18:10-03:00,
    "image": {"@type": "ImageObject", "url": https://kabar.example/i.jpg
      "width": 900},}</script>"""
    assert published(page(head=ld)) == "2023-01-12T06:18:10-03:00"


@pytest.mark.parametrize(
    "block",
    [
        '{"@type": "NewsArticle", "about": ' + '{"about": ' * 5000 + "{}" + "}" * 5001,
        # broken too, so json-repair reads it, and stops at its own limit
        '{"@type": "NewsArticle", "x": 2023-01-12, "a": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_json_ld_nested_deeper_than_a_parser_goes_is_no_metadata(block: str) -> None:
    # The parser's RecursionError failed the page ("the importer failed on it"): the block is
    # left out, and the page is read from the rest of its metadata.
    html = page(head=PUBLISHED + f'<script type="application/ld+json">{block}</script>')
    assert record(html)["title"] == TITLE


def test_an_html_entity_in_a_json_ld_headline_is_text() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline":'
        ' "Banjir Rendam Ribuan Rumah&#58; Dayeuhkolot Terendam"}</script>'
    )
    html = page(head=PUBLISHED + ld).replace(f"<title>{TITLE}</title>", "<title>x</title>")
    assert record(html.replace(f"<h1>{TITLE}</h1>", ""))["title"] == (
        "Banjir Rendam Ribuan Rumah: Dayeuhkolot Terendam"
    )


def test_a_date_under_a_headline_in_a_plain_block_beats_the_sites_date_of_the_day() -> None:
    # No heading tag: the headline is a div; the site's header prints the day it was saved.
    html = f"""<html lang="es"><head><title>{TITLE} - Kabar.com - Berita Daerah</title>
<link rel="canonical" href="{URL}"></head><body><div class="top">Lunes, 24 de Agosto de 2026</div>
<div class="titulo">{TITLE}</div><div class="fecha">Viernes, 30 de abril de 2021</div>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</body></html>"""
    got = record(html, assume_timezone=ZoneInfo("America/Cordoba"))
    assert str(got["published_at"]) == "2021-04-30 00:00:00-03:00"
    assert got["title"] == TITLE


def test_a_site_name_and_its_tagline_leave_the_title() -> None:
    assert strip_site_name(f"{TITLE} - InformeCorrientes.com - Corrientes Capital", []) == TITLE
    assert strip_site_name("Politics - Trump says - Analysis", []) == (
        "Politics - Trump says - Analysis"
    )


def test_messenger_channel_calls_and_subscriber_notices_in_other_languages() -> None:
    lines = (
        "<p>Не упустите шанс быть в числе первых! Присоединяйтесь к подписчикам telegram-канала"
        " URA.RU и всегда оставайтесь в курсе событий. Подписаться на URA.RU.</p>"
        "<p>Esta funcionalidad es exclusiva para registrados.</p>"
    )
    body = body_of(page(after_story=lines))
    assert "telegram" not in body and "exclusiva" not in body and PARAGRAPHS[-1][:40] in body


def test_a_script_rendered_page_takes_its_story_from_json_ld_article_body() -> None:
    # The saved HTML holds only the headline and an empty app root; the story is in JSON-LD.
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS).replace('"', '\\\\"')
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "'
        + TITLE
        + '", "articleBody": "'
        + story
        + '"}</script>'
    )
    shell = f"""<html lang="id"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">
{PUBLISHED}{ld}</head><body><h1>{TITLE}</h1><div id="__next"></div></body></html>"""
    assert record(shell)["body"] == "\n".join(PARAGRAPHS)
    short = shell.replace(story, "Ringkasan singkat.")
    with pytest.raises(ExtractionError, match="no article text found"):
        record(short)


def test_a_headline_after_a_comment_in_a_plain_block_is_read(tmp_path: Path) -> None:
    # GNE's zsnews page and one of mediacloud's: the headline's text is an HTML comment's tail.
    odd = f"""<html lang="id"><head><title>{TITLE} - Kabar.com - Berita Daerah</title>
<link rel="canonical" href="{URL}"></head><body><div class="titulo"><!-- judul -->{TITLE}</div>
<div class="fecha">Selasa, 10 November 2026</div>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</body></html>"""
    (tmp_path / "odd.html").write_text(odd, encoding="utf-8")
    other = page().replace(URL, URL + "-lain")
    (tmp_path / "other.html").write_text(other, encoding="utf-8")
    report = read_sources([tmp_path], options=ReadOptions(page=PageOptions(assume_timezone=UTC)))
    assert len(report.items) == 2 and not report.errors
