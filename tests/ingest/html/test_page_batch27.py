"""Pages that are no article (#12, held-out batch 27: more of formasaurus' 2015 crawl of web
forms, given the publisher's zone and URL): WordPress contact pages typed as articles, a
template's placeholder in og:url, a XenForo thread. On small pages written here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from tests.ingest.html.test_page import PUBLISHED, TITLE, URL, article, record

ARTICLE_TYPE = '<meta property="og:type" content="article">'


@pytest.mark.parametrize(
    "path",
    ["/blog/contact/", "/contact-us/", "/about/contact-us/", "/it/contatti", "/hubungi-kami"],
)
def test_a_contact_page_typed_as_an_article_is_the_sites_own_page(path: str) -> None:
    # When Geeks Wed, Writecamp, Brookdale: WordPress gives every page `og:type` article and an
    # `article:published_time`.
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(URL, f"https://kabar.example{path}")
    with pytest.raises(ExtractionError, match="a form or search of the site's own") as caught:
        record(html)
    assert caught.value.field == "page"


def test_a_story_about_contacts_is_an_article() -> None:
    story = "https://kabar.example/read/2026/11/10/contact-tracing-app-launched-in-jakarta"
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(URL, story)
    assert record(html)["url"] == story


def test_a_placeholder_left_in_og_url_is_no_url() -> None:
    # TradePub's front page: `og:url` "http://www.tradepub.com/free/@@pubcode@@/".
    head = '<meta property="og:url" content="https://kabar.example/free/@@pubcode@@/">' + PUBLISHED
    html = article(head=head, canonical=False).encode("utf-8")
    got = page_record(html, url="https://kabar.example/read/123/banjir", options=PageOptions())
    assert got["url"] == "https://kabar.example/read/123/banjir"
    with pytest.raises(ExtractionError, match="is a template's placeholder") as caught:
        page_record(html, options=PageOptions())
    assert caught.value.field == "url"


def test_a_xenforo_thread_is_a_forums_page() -> None:
    # OnePlus's forum: `<html id="XenForo" ...>`, dated by its posts.
    html = article(head=PUBLISHED).replace("<html ", '<html id="XenForo" ', 1)
    with pytest.raises(ExtractionError, match=r"a forum's page \(made by XenForo\)"):
        record(html, assume_timezone=ZoneInfo("Asia/Shanghai"))
    assert record(article(head=PUBLISHED))["title"] == TITLE


PRODUCT = (
    '<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Black Leaf'
    ' Microperc</span><span class="date_published">2014-11-12</span></div>'
)


def test_a_product_page_is_a_shops_whatever_dates_it_prints() -> None:
    # Grasscity: a product item in microdata and the product's listing date printed beside it.
    html = article(after=PRODUCT).replace(URL, "https://kabar.example/int_en/black-leaf.html")
    with pytest.raises(ExtractionError, match=r"a shop's page \(a schema.org Product item"):
        record(html, assume_timezone=ZoneInfo("Europe/Amsterdam"))
    # A story with article metadata that describes a product it reviews stays a story.
    assert record(article(head=ARTICLE_TYPE + PUBLISHED, after=PRODUCT))["title"] == TITLE


@pytest.mark.parametrize("title", ["Mot de passe oublié", "Forgot your password?", "Sign in"])
def test_an_account_page_is_the_sites_own_page(title: str) -> None:
    # Routard's password reset, typed `og:type` Article.
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(TITLE, title)
    with pytest.raises(ExtractionError, match="a page about the site"):
        record(html)


@pytest.mark.parametrize(
    "path", ["/ticketing/forgot-password.asp", "/forgotpassword.php", "/wp-login.php", "/en/signup"]
)
def test_an_account_forms_script_is_the_sites_own_page(path: str) -> None:
    # Batch 28: a bus line's ticket shop's "Forgot Password - Online Ticket Sales", a Finnish
    # site's password page titled with its welcome.
    html = article(head=PUBLISHED).replace(URL, f"https://kabar.example{path}")
    with pytest.raises(ExtractionError, match="a form or search of the site's own"):
        record(html)
    story = "https://kabar.example/read/2026/11/10/login-gagal-ribuan-pelanggan-bank"
    assert record(article(head=PUBLISHED).replace(URL, story))["url"] == story
