"""Articles versus listings (#12, task 4): each signal general, none taken alone where articles
carry it too."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

LINKS = "".join(
    f'<li><a href="/read/{n}">Berita nomor {n} tentang banjir dan cuaca ekstrem</a></li>'
    for n in range(30)
)


def titled(title: str, **kwargs: object) -> str:
    """An article page whose headline (title tag and h1) is `title`, no JSON-LD, no og:type."""
    html = article(head=PUBLISHED, title_tag=title, **kwargs)  # type: ignore[arg-type]
    return html.replace(f"<h1>{TITLE}</h1>", f"<h1>{title}</h1>")


@pytest.mark.parametrize(
    "headline",
    [
        "Indeks Harga Saham Gabungan Ditutup Menguat Tipis",
        "Category 5 Hurricane Nears the Coast of Florida",
        "Tag Heuer Opens Its First Shop in Bandung",
        "Archive Footage Shows the Flood of 1984 in Dayeuhkolot",
    ],
)
def test_a_headline_starting_with_a_listing_word_is_an_article(headline: str) -> None:
    assert record(titled(headline))["title"] == headline


@pytest.mark.parametrize(
    "title",
    ["Indeks Berita", "Tag: banjir", "Arsip Berita | Kabar", "Topik: Banjir Bandung", "Archives"],
)
def test_a_listing_title_is_no_article(title: str) -> None:
    # One paragraph of text over a list of links: what an index page with an intro looks like.
    html = titled(title, paragraphs=PARAGRAPHS[:1], after=f"<ul>{LINKS}</ul>")
    with pytest.raises(ExtractionError) as caught:
        record(html)
    assert caught.value.field == "page" and "not an article" in caught.value.reason


def test_og_type_website_alone_does_not_make_an_article_a_listing() -> None:
    # Seen on every Media Indonesia article of the developer corpus and on heise.
    html = article(head=PUBLISHED + '<meta property="og:type" content="website">')
    assert str(record(html)["body"]).startswith(PARAGRAPHS[0])


def test_json_ld_collection_page_without_an_article_is_a_listing() -> None:
    ld = '<script type="application/ld+json">{"@type":"CollectionPage","name":"Banjir"}</script>'
    html = article(head=PUBLISHED + ld).replace(URL, "https://kabar.example/pilihan/banjir-2026")
    with pytest.raises(ExtractionError, match=r"a listing page \(JSON-LD collectionpage\)"):
        record(html)
    # ...unless the page also describes itself as one article (the article wins).
    news = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"x"}</script>'
    assert record(article(head=PUBLISHED + ld + news))["url"] == URL


def news_article(url: str, n: int) -> str:
    return (
        f'{{"@type":"NewsArticle","headline":"Berita {n}","url":"{url}",'
        f'"datePublished":"2026-11-10T0{n}:00:00+07:00"}}'
    )


def test_a_page_describing_several_articles_none_of_them_itself_is_a_listing() -> None:
    listed = ",".join(news_article(f"https://kabar.example/read/{n}/berita", n) for n in range(4))
    ld = f'<script type="application/ld+json">[{listed}]</script>'
    html = article(head=PUBLISHED + ld).replace(URL, "https://kabar.example/pilihan/sepekan")
    with pytest.raises(ExtractionError, match=r"4 JSON-LD articles, none of them this page's URL"):
        record(html)


def test_an_article_describing_itself_among_related_stories_is_an_article() -> None:
    # Its own object written with http:// and www. still names this page.
    own = news_article(URL.replace("https://", "http://www."), 1)
    related = ",".join(news_article(f"https://kabar.example/read/{n}/lain", n) for n in range(2, 5))
    ld = f'<script type="application/ld+json">[{related},{own}]</script>'
    got = record(article(head=PUBLISHED + ld))
    assert got["url"] == URL and got["published_at"].isoformat() == "2026-11-10T01:00:00+07:00"  # type: ignore[union-attr]
    # Two related stories and no own object: too few to call it a listing.
    two = ",".join(news_article(f"https://kabar.example/read/{n}/lain", n) for n in range(2, 4))
    assert record(article(head=PUBLISHED + f'<script type="application/ld+json">[{two}]</script>'))


@pytest.mark.parametrize("kind", ["DiscussionForumPosting", "SocialMediaPosting"])
def test_a_thread_or_a_social_post_is_no_article(kind: str) -> None:
    # An issue tracker's thread (GitHub's issues) or a tweet's page: schema.org "Articles", no
    # stories.
    ld = f'<script type="application/ld+json">{{"@type":"{kind}","headline":"x"}}</script>'
    with pytest.raises(
        ExtractionError, match=f"a discussion or social post .JSON-LD {kind.lower()}"
    ):
        record(article(head=PUBLISHED + ld))


@pytest.mark.parametrize("kind", ["BlogPosting", "LiveBlogPosting", "NewsArticle"])
def test_a_blog_post_or_a_live_blog_stays_an_article(kind: str) -> None:
    ld = f'<script type="application/ld+json">{{"@type":"{kind}","headline":"x"}}</script>'
    assert record(article(head=PUBLISHED + ld))["url"] == URL


@pytest.mark.parametrize("path", ["footer/subscribe", "us/people-search", "login", "langganan"])
def test_a_sites_form_or_search_is_no_article(path: str) -> None:
    html = article(head=PUBLISHED).replace(URL, f"https://kabar.example/{path}")
    with pytest.raises(ExtractionError, match="a form or search of the site's own"):
        record(html)


def test_an_article_filed_under_such_a_word_stays_one() -> None:
    url = "https://kabar.example/newsletter/why-we-changed-our-morning-briefing-this-year"
    assert record(article(head=PUBLISHED).replace(URL, url))["url"] == url
    url = "https://kabar.example/subscribe/cara-berlangganan-koran.html"
    assert record(article(head=PUBLISHED).replace(URL, url))["url"] == url


@pytest.mark.parametrize("title", ["Kabar", "KABAR.EXAMPLE"])
def test_a_dated_page_titled_with_the_sites_host_alone_is_no_article(title: str) -> None:
    # A site's own page (a registration form under the site's clock, "2014 m. gruodžio 9 d.,
    # 18:46") has no headline of its own: its title is the host's name.
    with pytest.raises(ExtractionError, match="titled with the site's name alone"):
        record(titled(title))


@pytest.mark.parametrize("title", ["Kabar Gembira bagi Petani Padi di Karawang", "Guacamole"])
def test_a_headline_beginning_with_the_sites_name_or_named_as_og_site_name_is_one(
    title: str,
) -> None:
    # og:site_name is no guide: templates fill it with the page's own name (a recipe's).
    html = titled(title).replace('content="Kabar.com"', f'content="{title}"')
    assert record(html)["title"] == title


@pytest.mark.parametrize("url", ["https://kabar.example//", "https://kabar.example///"])
def test_the_sites_root_written_with_extra_slashes_is_a_front_page(url: str) -> None:
    # Jekyll themes (GitHub Pages home pages) write `<link rel="canonical" href="https://x.io//">`.
    with pytest.raises(ExtractionError, match="a front page"):
        record(article(head=PUBLISHED).replace(URL, url))


@pytest.mark.parametrize("path", ["people/faculty/weld", "staff/jane-doe", "team/redaksi"])
def test_a_directory_of_people_is_no_article(path: str) -> None:
    html = article(head=PUBLISHED).replace(URL, f"https://kabar.example/{path}")
    with pytest.raises(ExtractionError, match="an index or profile page"):
        record(html)


def test_a_story_filed_under_people_stays_one() -> None:
    url = "https://kabar.example/people/2026/11/10/warga-dayeuhkolot-bertahan-di-lantai-dua"
    assert record(article(head=PUBLISHED).replace(URL, url))["url"] == url


def described(obj: str) -> str:
    return (
        f'<script type="application/ld+json">{{"@context": "https://schema.org", {obj}}}</script>'
    )


@pytest.mark.parametrize(
    ("thing", "named"),
    [
        (
            '"@type": "Event", "name": "Konser Amal", "startDate": "2026-12-01T19:00:00+07:00"',
            "event",
        ),
        ('"@type": "SportsEvent", "name": "Persib vs Persija"', "sportsevent"),
        ('"@type": "JobPosting", "title": "Wartawan", "datePosted": "2026-11-10"', "jobposting"),
        ('"@type": "QAPage", "mainEntity": {"@type": "Question", "name": "Kenapa?"}', "qapage"),
        ('"@type": "Dataset", "name": "Data banjir 2026"', "dataset"),
        ('"@type": "Movie", "name": "Banjir Bandang"', "movie"),
    ],
)
def test_a_dated_page_about_a_thing_other_than_a_story_is_no_article(
    thing: str, named: str
) -> None:
    # An event's, a job offer's, a match's page on a news site: dated, with paragraphs, but its
    # JSON-LD describes that thing and no article.
    with pytest.raises(ExtractionError, match=f"a page about a thing: JSON-LD {named}") as caught:
        record(article(head=PUBLISHED + described(thing)))
    assert caught.value.field == "page"


@pytest.mark.parametrize(
    "head",
    [
        # the thing beside the story's own article
        described(
            '"@graph": [{"@type": "NewsArticle", "headline": "Banjir"},'
            ' {"@type": "Event", "name": "Konser Amal"}]'
        ),
        # og:type article with it (the story about the event, its markup for search engines)
        '<meta property="og:type" content="article">' + described('"@type": "Event", "name": "K"'),
        # a broadcast's event on a live video's page is no thing of its own
        described('"@type": "BroadcastEvent", "isLiveBroadcast": true'),
    ],
)
def test_a_story_describing_a_thing_too_stays_an_article(head: str) -> None:
    assert record(article(head=PUBLISHED + head))["title"] == TITLE


# A blog's front, tag or category page: each post under its headline linking to the post's own
# page, the first post whole or its opening paragraphs (bitchmagazine.org's blog and tag pages).
POSTS = [
    ("/read/2026/11/10/123/banjir-rendam", "Banjir Rendam Ribuan Rumah di Dayeuhkolot"),
    ("/read/2026/11/09/122/harga-beras", "Harga Beras Naik Menjelang Akhir Tahun"),
    ("/read/2026/11/08/121/jalan-tol", "Jalan Tol Baru Dibuka untuk Arus Mudik"),
]
LISTED_AT = "https://kabar.example/blog/cuaca-ekstrem-dan-banjir-musim-ini"


def blog_listing(*, paragraphs: int = 2, self_link: bool = False) -> str:
    items = "".join(
        f'<div class="node"><h2 class="node-title"><a href="{path}">{title}</a></h2>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[n : n + paragraphs])
        + "</div>"
        for n, (path, title) in enumerate(POSTS)
    )
    if self_link:  # the page's own URL: a post page whose headline links to itself
        items = items.replace(f'href="{POSTS[0][0]}"', f'href="{LISTED_AT}/"', 1)
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Cuaca Ekstrem | Kabar'
        f'</title><link rel="canonical" href="{LISTED_AT}"></head><body><h1 class="title">Cuaca'
        ' Ekstrem</h1><p class="date">Senin, 10 November 2026 09:15 WIB</p>'
        f"{items}</body></html>"
    )


@pytest.mark.parametrize("paragraphs", [1, 2])
def test_a_listing_of_posts_each_under_its_linked_headline_is_no_article(paragraphs: int) -> None:
    with pytest.raises(ExtractionError) as caught:
        record(blog_listing(paragraphs=paragraphs))
    assert caught.value.field == "page"
    assert caught.value.reason == (
        "a listing of stories, each under a headline linking to its own page (the first:"
        f" https://kabar.example{POSTS[0][0]}), not an article"
    )


def test_a_post_whose_headline_links_to_itself_is_an_article() -> None:
    html = blog_listing(self_link=True)
    html = html.replace(POSTS[1][0], "/lain").replace(POSTS[2][0], "/lain2")
    # Its headline links to the page itself (WordPress's permalink): no listing, whatever follows.
    got = record(html)
    assert got["url"] == LISTED_AT and str(got["body"]).startswith(PARAGRAPHS[0])


def test_an_article_after_a_box_of_linked_teasers_is_an_article() -> None:
    # Teasers of other stories (headline link and one paragraph) before the story: they hold
    # less of the page's text than the story does.
    box = "".join(
        f'<div><h3 class="teaser"><a href="{path}">{title}</a></h3><p>{PARAGRAPHS[n]}</p></div>'
        for n, (path, title) in enumerate(POSTS)
    )
    story = [p + " " + p for p in PARAGRAPHS] * 2  # six long paragraphs
    html = article(head=PUBLISHED, before="", paragraphs=story).replace("<main", f"{box}<main")
    got = record(html)
    assert str(got["body"]).startswith(story[0][:80])


def test_an_article_under_a_previous_story_link_is_an_article() -> None:
    # No heading of its own: the nearest heading before its text is "previous story"'s link.
    nav = "".join(
        f'<h4 class="prevnext"><a href="{path}">{title}</a></h4>' for path, title in POSTS[:2]
    )
    html = article(head=PUBLISHED).replace(f"<h1>{TITLE}</h1>", nav[: nav.index("</h4>") + 5])
    html = html.replace("</article>", f"</article>{nav[nav.index('</h4>') + 5 :]}")
    assert str(record(html)["body"]).startswith(PARAGRAPHS[0])


def fetched_at(url: str, html: str | None = None) -> dict[str, object]:
    """The record of a dated article page (or `html`) fetched or archived at `url`."""
    data = (html or article(head=PUBLISHED)).encode()
    return page_record(data, url=url, options=PageOptions())


@pytest.mark.parametrize(
    ("query", "part"), [("?page=2", 2), ("?hal=3&utm_source=feed", 3), ("?halaman=2", 2)]
)
def test_a_later_part_of_a_paged_article_is_refused_naming_the_first(query: str, part: int) -> None:
    # Its canonical URL names the first part: read under that id, its text (starting mid-story)
    # replaced the first part's, as the last page of an id wins.
    with pytest.raises(ExtractionError) as caught:
        fetched_at(URL + query)
    assert caught.value.field == "page"
    assert caught.value.reason.startswith(
        f"part {part} of an article paged across several pages (its first part: {URL})"
    )


@pytest.mark.parametrize("query", ["", "?page=1", "?page=all", "?p=123"])
def test_the_first_part_the_whole_article_and_a_posts_number_are_read(query: str) -> None:
    assert fetched_at(URL + query)["url"] == URL


def test_a_listings_later_page_is_refused_as_a_listing() -> None:
    html = article(head=PUBLISHED).replace(URL, "https://kabar.example/tag/banjir")
    with pytest.raises(ExtractionError, match="an index or profile page"):
        fetched_at("https://kabar.example/tag/banjir?page=2", html)
