"""Authors from the byline the page marks up when its metadata names nobody (#12: authors are
now measured, `page.authors` in benchmarks/extraction.py)."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PUBLISHED, article, record


def authors(html: str) -> list[str]:
    return list(record(html)["authors"])  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "byline",
    [
        '<p itemprop="author" itemscope itemtype="http://schema.org/Person">'
        '<a itemprop="url" href="/penulis/dan-rahman" rel="author"><span itemprop="name">'
        "Dan Rahman</span></a> - 10 Nov 2026</p>",
        '<span class="byline">Oleh <a href="/penulis/dan-rahman" rel="author">Dan Rahman</a></span>',
        '<li itemprop="author">Dan Rahman</li>',
    ],
)
def test_the_marked_byline_names_the_author(byline: str) -> None:
    # "Dan" is a first name here, not Indonesian "and".
    assert authors(article(head=PUBLISHED, before=byline)) == ["Dan Rahman"]


def test_co_authors_in_the_article_count_and_other_stories_bylines_do_not() -> None:
    byline = (
        '<p>Oleh <a rel="author" href="/p/1">Rina Wulandari</a> dan '
        '<a rel="author" href="/p/2">Budi Santoso</a></p>'
    )
    others = (
        '<aside><a rel="author" href="/p/3">Penulis Lain</a></aside>'
        '<div><div><section><a rel="author" href="/p/4">Penulis Berita Lain</a></section></div></div>'
    )
    html = article(head=PUBLISHED, before=byline).replace("</main>", f"</main>{others}")
    assert authors(html) == ["Rina Wulandari", "Budi Santoso"]


def test_metadata_names_win_over_the_marked_byline() -> None:
    head = PUBLISHED + '<meta name="author" content="Rina Wulandari">'
    byline = '<a rel="author" href="/p/9">Redaksi Kabar</a>'
    assert authors(article(head=head, before=byline)) == ["Rina Wulandari"]


def test_a_related_storys_microdata_author_is_not_the_articles() -> None:
    related = (
        '<div itemscope itemtype="http://schema.org/VideoObject">'
        '<span itemprop="author">Penulis Video</span></div>'
    )
    assert authors(article(head=PUBLISHED, after=related)) == []
