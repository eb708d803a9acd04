"""Recipe pages of blogs, portals and meal-kit services (#12, held-out batch 26: more test pages of
Debian's python-recipe-scrapers 14.32.1-1): a recipe marked up as microdata only, a shop's recipe
page typed as its product, notes a page hides from its printed recipe, htmldate's days made of
a year and a month or of digits glued to others, a recipe's timings and another story's teaser
above the text, a numbered author box. On small pages written here."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html import clutter
from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

RECIPE = {"@context": "https://schema.org", "@type": "Recipe", "name": TITLE}
ARTICLE_TYPE = '<meta property="og:type" content="article">'
MICRODATA_DATE = '<span itemprop="datePublished" content="2017-02-09T00:00:00+0000"></span>'


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def microdata_recipe(itemtype: str = "http://schema.org/Recipe") -> str:
    """A one-segment URL and the site's JSON-LD `WebSite` (a front page's signs), the story
    marked up as a microdata item."""
    html = article(head=ld({"@context": "https://schema.org", "@type": "WebSite", "name": "Kabar"}))
    html = html.replace(URL, "https://kabar.example/classic-greek-salad-recipe")
    return html.replace(
        "<article>", f'<article itemscope itemtype="{itemtype}">{MICRODATA_DATE}', 1
    )


def test_a_story_marked_up_as_one_microdata_item_is_an_article() -> None:
    # Archana's Kitchen: `<div itemscope itemtype="http://schema.org/Recipe">`, no JSON-LD
    # recipe: it was refused as "a listing page (JSON-LD website)".
    got = record(microdata_recipe())
    assert got["published_at"].isoformat() == "2017-02-09T00:00:00+00:00"  # type: ignore[union-attr]
    assert str(got["body"]).startswith(PARAGRAPHS[0])
    # An item of another type is no such sign, nor is one without a date (Blogger marks its
    # contact page as a `BlogPosting`).
    with pytest.raises(ExtractionError, match="a listing page"):
        record(microdata_recipe("http://schema.org/Product"))
    with pytest.raises(ExtractionError, match="a listing page"):
        record(microdata_recipe().replace(MICRODATA_DATE, ""))


def test_several_microdata_stories_are_a_listing() -> None:
    items = "".join(
        f'<div itemscope itemtype="http://schema.org/BlogPosting"><h2>Post {n}</h2></div>'
        for n in range(3)
    )
    html = microdata_recipe("http://schema.org/WebPageElement").replace(
        "</article>", items + "</article>"
    )
    with pytest.raises(ExtractionError, match="a listing page"):
        record(html)


def test_a_shops_recipe_page_typed_as_its_product_is_an_article() -> None:
    # Reishunger: `og:type` "product" on a reader's recipe, with a JSON-LD Recipe.
    product = '<meta property="og:type" content="product">'
    got = record(article(head=product + ld(RECIPE) + PUBLISHED))
    assert str(got["body"]).startswith(PARAGRAPHS[0])
    with pytest.raises(ExtractionError, match="og:type 'product' is a page about a thing"):
        record(article(head=product + PUBLISHED))  # a product page stays one


NOTE = "Laat de saus niet te lang koken, anders wordt hij bitter en verliest hij zijn frisse smaak."


def test_notes_the_page_hides_from_its_printed_recipe_are_a_widgets() -> None:
    # Smulweb's "recipe-cooking-tip" card in a `hide-on-print` column: "Geef op wat je nog in de
    # (koel)kast hebt liggen en zoek daar recepten bij!"
    steps = {"recipeInstructions": [{"@type": "HowToStep", "text": PARAGRAPHS[1]}]}
    head = ld({**RECIPE, **steps}) + PUBLISHED
    shown = f'<div class="col-4"><div class="recipe-cooking-tip"><p>{NOTE}</p></div></div>'
    hidden = shown.replace('class="col-4"', 'class="col-4 hide-on-print"')
    assert str(record(article(head=head, after=shown))["body"]).endswith(NOTE)
    assert NOTE not in str(record(article(head=head, after=hidden))["body"])


def undated(markup: str) -> str:
    """A page that states no date, with `markup` after its text (its URL has none either)."""
    return article(head=ARTICLE_TYPE, after=markup).replace(
        URL, "https://kabar.example/resep/kalkun-asap"
    )


@pytest.mark.parametrize(
    "markup",
    [
        # A script's version "2021.12.0": htmldate makes it December 1st, 2021 (Home Chef).
        """<script data-beacon='{"version":"2021.12.0"}'></script>""",
        # An image's address glued to the day: "/2014/11/29034_turkey.jpg" (Chowhound).
        '<img src="https://img.example/assets/2014/11/29034_smoked_turkey.jpg" alt="">',
    ],
)
def test_htmldate_days_never_written_whole_date_nothing(markup: str) -> None:
    with pytest.raises(ExtractionError, match="no publication date found") as caught:
        record(undated(markup), assume_timezone=ZoneInfo("America/Chicago"))
    assert caught.value.field == "published_at"


def test_a_day_only_the_markup_writes_is_no_publication_date() -> None:
    # Heinz Brasil (an optimiser's build stamp in its scripts), the WSJ's stream (a linked post's
    # URL), NYT Cooking (its photo's path): htmldate dates each from a day the page prints
    # nowhere. With the publisher's zone set, each was imported at that day's midnight.
    markup = '<img src="https://img.example/assets/2014/11/29/smoked_turkey.jpg" alt="">'
    chicago = ZoneInfo("America/Chicago")
    with pytest.raises(ExtractionError, match="htmldate guessed 2014-11-29 from its markup, a day"):
        record(undated(markup), assume_timezone=chicago)
    # The same guess is the page's date where the page prints that day, an update's date too
    # (About.com's "Updated August 02, 2014."), or in its title (La Nación's "… - 07.12.2017 -
    # LA NACION"), or its own URL writes it, run together as Yahoo! Japan's
    # `/hl?a=20170309-35097838-cnetj-sci` does.
    printed = f"<p>Updated November 29, 2014.</p>{markup}"
    titled = undated(markup).replace(" - Kabar.com</title>", " - November 29, 2014 - Kabar</title>")
    own_url = undated(markup).replace("/resep/kalkun-asap", "/hl?a=20141129-35097838-resep")
    for html in (undated(printed), titled, own_url):
        got = record(html, assume_timezone=chicago)
        assert got["published_at"].isoformat() == "2014-11-29T00:00:00-06:00"  # type: ignore[union-attr]


def test_a_recipes_timings_and_another_storys_teaser_are_no_first_sentence() -> None:
    # Springlane: "20 Min." / "Zubereiten" / "4 Std." above the description.
    timings = ["Vorbereiten", "20 Min.", "Zubereiten", "4 Std.", "Niveau", "Leicht"]
    assert clutter.drop_leading_furniture([*timings, *PARAGRAPHS], TITLE) == PARAGRAPHS
    # Mel Joulwan: the last post's teaser, cut short, then the headline again.
    teaser = (
        "In college, I had a 100% Italian-American boyfriend. His mom was about 4'10\" and a..."
    )
    lines = [teaser, TITLE, *PARAGRAPHS]
    assert clutter.drop_leading_furniture(lines, TITLE) == PARAGRAPHS
    # A first paragraph ending on a sentence stays, headline or not.
    whole = [PARAGRAPHS[2], TITLE, *PARAGRAPHS[:2]]
    assert clutter.drop_leading_furniture(whole, TITLE) == whole


def test_a_numbered_author_box_is_furniture() -> None:
    # Primal Edge Health: `<div class="wp-block-cover auth-box1">`.
    import lxml.html

    box = lxml.html.fragment_fromstring('<div class="wp-block-cover auth-box1"><p>x</p></div>')
    assert clutter.clutter_marks(box) == frozenset({"auth box"})
    plain = lxml.html.fragment_fromstring('<div class="wp-block-cover box1"><p>x</p></div>')
    assert not clutter.clutter_marks(plain)


@pytest.mark.parametrize(
    "line", ["Bewertungen & Kommentare", "Comments (12)", "Leave a Comment", "Ratings & Reviews"]
)
def test_the_heading_of_readers_reviews_is_furniture(line: str) -> None:
    # Reishunger's body ended on its reviews' heading, "Bewertungen & Kommentare".
    assert clutter.is_clutter_line(line)


@pytest.mark.parametrize(
    "line", ["Comments on the bill were mixed.", "Reviews are in for the film"]
)
def test_sentences_about_comments_or_reviews_stay(line: str) -> None:
    assert not clutter.is_clutter_line(line)


@pytest.mark.parametrize(
    ("markup", "engine"),
    [
        ('<footer><p>Powered by <a href="https://www.phpbb.com/">phpBB</a>® Forum Software'
         "</p></footer>", "phpBB"),
        ('<style type="text/css" id="vbulletin_css">/* vBulletin 3.8.7 CSS */</style>', "vBulletin"),
    ],
)  # fmt: skip
def test_a_forums_page_is_no_article(markup: str, engine: str) -> None:
    # Batches 24 and 25: a phpBB board of BikeRadar's, a vBulletin thread of a Mazda club,
    # dated by their posts.
    with pytest.raises(ExtractionError, match=rf"a forum's page \(made by {engine}\)"):
        record(article(head=PUBLISHED, after=markup))
    generator = '<meta name="generator" content="XenForo 2.2">'
    with pytest.raises(ExtractionError, match=r"made by XenForo"):
        record(article(head=PUBLISHED + generator))


def test_a_story_about_forum_software_is_an_article() -> None:
    about = [
        "The club moved its discussions to a new site powered by Discourse last spring, and the"
        " old board went quiet within weeks.",
        *PARAGRAPHS,
        *PARAGRAPHS,
    ]
    assert record(article(head=PUBLISHED, paragraphs=about))["title"] == TITLE


def test_a_heading_and_question_left_closing_the_text_by_a_list_of_links_go() -> None:
    # Creative Canning closes its post with "Summer Canning Recipes" and "Putting up more than
    # pickles this season?" over a list of two-word links to other recipes; the links went, the
    # heading and its question closed the body.
    from recommender.ingest.html import clutter

    story = ["The relish keeps for a year in a cool, dark pantry once the jars have sealed."]
    lines = [*story, "Summer Canning Recipes", "Putting up more than pickles this season?"]
    assert clutter.drop_trailing_furniture(lines) == story
    # A question closing the story's own paragraph, or a long one under a heading, stays.
    asked = [*story, "Will the harvest be as good next year? Only the weather can tell."]
    assert clutter.drop_trailing_furniture(asked) == asked
    long_question = [
        *story,
        "Storage",
        "Have you ever wondered why some jars fail to seal even when the rims are clean and dry?",
    ]
    assert clutter.drop_trailing_furniture(long_question) == long_question


def sidebar_page(name: str) -> str:
    """A blog post beside a sidebar column that the theme calls `primary` (an id the extractor
    takes for the story's column): a book promotion and two lists of links."""
    categories = "".join(f"<li><a href='/c/{n}'>Kategori {n}</a></li>" for n in range(14))
    column = (
        f'<div {name}><div class="promo module"><p>Which to get? I suggest my second book, because'
        " it has the most recipes, but my first book has all the essential pastes and sauces!</p>"
        f"</div><div class='module'><h3>Recipes by category:</h3><ul>{categories}</ul></div>"
        f"<div class='module'><h3>Most popular</h3><ul>{categories}</ul></div></div>"
    )
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    post = (
        f'<div id="main"><div class="clearfix post publish"><h1>{TITLE}</h1>'
        f'<div class="entry clearfix">{story}</div></div></div>'
    )
    html = article(head=PUBLISHED)
    return html[: html.index("<main")] + f"{post}{column}</body></html>"


def test_a_column_named_the_sidebar_is_never_the_story() -> None:
    # Maangchi: `<div id="primary" class="sidebar">` beside the post; the extractor read the
    # sidebar's promotion and category lists as the body, and the story was lost.
    body = str(record(sidebar_page('id="primary" class="sidebar"'))["body"])
    assert body.startswith(PARAGRAPHS[0])
    assert "Which to get?" not in body and "Kategori" not in body


def test_a_layout_named_for_its_sidebar_keeps_the_story() -> None:
    # "has-sidebar", "content-sidebar-wrap": a layout's names, around the story itself.
    for name in ('class="has-sidebar"', 'class="content-sidebar-wrap"'):
        html = article(head=PUBLISHED, main_attrs=name)
        assert str(record(html)["body"]).startswith(PARAGRAPHS[0]), name


def test_a_rating_widgets_lines_and_the_posts_tags_are_furniture() -> None:
    widget = [
        "Tagged: fried chicken, sweet sour sauce, Korean Chinese cuisine",
        "Leave your rating:",
        "So far this is rated 5/5 from 730 votes",
        "Be the first to rate this.",
    ]
    for line in widget:
        assert clutter.is_clutter_line(line), line
    # A sentence about ratings stays.
    assert not clutter.is_clutter_line("This is rated 5/5 by most critics, and it deserves it.")
