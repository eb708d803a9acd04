"""Listings whose items describe the story they link (headline link, date, summary paragraph):
a related-stories box of them leaves the article's body, and a page made of them is an index
page, whatever its URL says (#12). The summaries are paragraphs of running text, which had
counted as the article's."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, article, record

SUMMARY = (
    "Harga cabai rawit di Pasar Induk Caringin naik hampir dua kali lipat dalam sepekan terakhir"
    " karena pasokan dari sentra produksi di Garut terganggu hujan deras dan banjir bandang."
)


def card(n: int, summary: str = SUMMARY) -> str:
    return (
        f'<div class="item"><a href="https://kabar.example/read/2026/11/0{n}/harga-{n}">'
        f"<h3>Harga Cabai Rawit Naik Lagi di Pasar Induk, Kali Ke-{n}</h3></a>"
        f'<span class="date">Senin, 0{n} Nov 2026 10:0{n} WIB</span><p>{summary} ({n})</p></div>'
    )


def box(count: int, css: str = "list-news") -> str:
    return f'<div class="{css}">' + "".join(card(n) for n in range(1, count + 1)) + "</div>"


MENU = (
    "<nav>"
    + "".join(f'<a href="/k{n}">Kanal berita daerah nomor {n} hari ini</a>' for n in range(8))
    + "</nav>"
)


@pytest.mark.parametrize("css", ["list-news", "box", "terkait-box"])
def test_a_box_of_described_stories_after_the_article_leaves_its_body(css: str) -> None:
    got = record(article(head=PUBLISHED, after=box(6, css)))
    assert str(got["body"]).split("\n") == PARAGRAPHS


def test_an_article_in_short_paragraphs_beside_such_a_box_is_still_an_article() -> None:
    # Sentence-long paragraphs, none of PARAGRAPH_CHARS: the box's summaries are the page's only
    # "paragraphs of running text", but the article's own text outweighs two of them.
    short = [p.split(",")[0] + "." for p in PARAGRAPHS] + ["Warga diminta tetap waspada."]
    html = article(head=PUBLISHED, paragraphs=short, before=MENU, after=box(6))
    assert str(record(html)["body"]).split("\n") == short


def test_two_described_stories_are_no_box() -> None:
    got = record(article(head=PUBLISHED, after=box(2)))
    assert SUMMARY in str(got["body"])


def test_a_link_after_a_paragraph_in_its_wrapper_is_no_headline_over_it() -> None:
    # One wrapper per paragraph, a "read also" link closing each: the paragraphs are the article.
    wrapped = [
        f'{p}</p><a href="https://kabar.example/read/{n}">Baca juga berita banjir lain di Bandung'
        f" nomor {n}</a><p>"
        for n, p in enumerate(PARAGRAPHS)
    ]
    html = article(head=PUBLISHED, paragraphs=wrapped, before=MENU)
    body = str(record(html)["body"])
    assert all(p in body for p in PARAGRAPHS)


def test_a_page_of_described_stories_is_an_index_page_at_any_url() -> None:
    listing = f"<h1>{TITLE}</h1>" + box(12)
    html = article(head="", paragraphs=[]).replace(f"<h1>{TITLE}</h1>", listing)
    with pytest.raises(ExtractionError) as caught:
        record(html)
    assert caught.value.field == "page"
    assert "each a summary under one of them" in caught.value.reason
