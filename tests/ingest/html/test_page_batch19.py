"""News and magazine pages of 2014-2015 (#12, held-out batch 19: the newspaper3k test pages that
stimson-web-scraper ships): a story continuing inside a `<form>`, controls inside the headline,
a title tag whose headline part is empty, hidden modals, error and empty pages; on small pages
written here."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

MORE = [
    "Warga yang masih bertahan diminta segera menuju posko pengungsian terdekat karena debit air"
    " diperkirakan kembali naik pada malam hari.",
    "Pemerintah kabupaten menyiapkan dapur umum dan layanan kesehatan di tiga titik pengungsian"
    " hingga air benar-benar surut.",
]


def test_a_story_continuing_inside_a_form_keeps_its_paragraphs() -> None:
    # The Next Web pasted a press release with the ASP.NET form around it; the extractor drops
    # every form, and the post's last paragraphs inside it were lost.
    form = (
        '<form id="aspnetForm" method="post"><div class="release"><blockquote><p>'
        + MORE[0]
        + "</p></blockquote>"
        + f"<p>{MORE[1]}</p></div></form>"
    )
    body = str(record(article(head=PUBLISHED, after=form))["body"])
    assert body.splitlines()[-2:] == MORE
    # A comment form's one line of instructions is no part of the story.
    comment = (
        "<form><p>Your email address will not be published. Required fields are marked *</p>"
        '<textarea name="comment"></textarea></form>'
    )
    assert "Required fields" not in str(record(article(head=PUBLISHED, after=comment))["body"])


def test_controls_inside_the_headline_are_not_part_of_it() -> None:
    # The Globe and Mail: `<h1 class="entry-title">Headline <a href="#">Add to ...</a></h1>`, the
    # hAtom entry title being a headline candidate of its own.
    control = '<a href="#" class="addtowatchlist" title="Add to ...">Add to ...</a>'
    headline = f'<h1 class="entry-title">{TITLE} {control}</h1>'
    html = article(head=PUBLISHED).replace(f"<h1>{TITLE}</h1>", headline)
    assert record(html)["title"] == TITLE
    button = f'<h1 class="entry-title">{TITLE} <button type="button">Simpan</button></h1>'
    assert record(article(head=PUBLISHED).replace(f"<h1>{TITLE}</h1>", button))["title"] == TITLE


def test_a_title_tag_without_its_headline_gives_way_to_the_h1() -> None:
    # recipe.com's blog: `<title>| What's Cooking</title>`, no og:title, the headline in its h1.
    html = article(head=PUBLISHED, title_tag="| What&#039;s Cooking")
    assert record(html)["title"] == TITLE


def test_hidden_text_is_not_in_the_body() -> None:
    # The Debrief: a hidden "not safe for work" modal in the page, shown only when opened.
    modal = (
        '<div id="nsfw-modal-body" class="hidden"><p>At work? With your gran?</p>'
        "<p>You might want to think about the fact you're about to read something</p></div>"
        '<div style="display: none"><p>Sign up for our daily newsletter today</p></div>'
    )
    body = str(record(article(head=PUBLISHED, after=modal))["body"])
    assert body.splitlines() == PARAGRAPHS
    # Bootstrap's `hidden-xs` hides on phones only: that text is shown.
    shown = f'<div class="hidden-xs"><p>{MORE[0]}</p></div>'
    assert MORE[0] in str(record(article(head=PUBLISHED, after=shown))["body"])


@pytest.mark.parametrize(
    ("title_tag", "h1"),
    [
        ("Page Not Found: Details", "404 Errors"),
        ("Error 404 - Halaman tidak ditemukan", "Maaf, halaman tidak ditemukan"),
        ("Kabar.com", "Not Found"),
        ("404 - Kabar.com", "Halaman yang Anda cari tidak ada"),
    ],
)
def test_an_error_page_is_no_article(title_tag: str, h1: str) -> None:
    html = article(head=PUBLISHED, title_tag=title_tag).replace(
        f"<h1>{TITLE}</h1>", f"<h1>{h1}</h1>"
    )
    with pytest.raises(ExtractionError, match="an error page") as refused:
        record(html)
    assert refused.value.field == "page"


@pytest.mark.parametrize(
    "headline",
    [
        "Pendaki yang Hilang di Gunung Salak Belum Ditemukan, Not Found Jadi Tagar",
        "404 Warga Dayeuhkolot Mengungsi Akibat Banjir",
        "Why 'Page Not Found' Errors Cost Online Shops Millions Every Year",
    ],
)
def test_a_headline_about_something_not_found_is_an_article(headline: str) -> None:
    html = article(head=PUBLISHED, title_tag=headline).replace(
        f"<h1>{TITLE}</h1>", f"<h1>{headline}</h1>"
    )
    assert record(html)["url"] == URL


def test_an_empty_page_is_no_article() -> None:
    # Google's redirect stub: a script and a meta refresh, nothing in the body.
    stub = '<html><head><meta http-equiv="refresh" content="0;url=http://x.example/"></head><body>'
    with pytest.raises(ExtractionError, match="an empty page") as refused:
        record(stub + "<script>location.replace('http://x.example/');</script></body></html>")
    assert refused.value.field == "page"
