"""Recipe pages (#12, held-out batch 21: the recipe sites' pages that Debian's python-recipe-scrapers
14.32.1 tests with): a page about one recipe is no listing and is dated by its recipe; a UTC time
is given the publisher's offset that another tag states for the same moment; a list of categories
is no section name; the recipe's steps from its JSON-LD where the card is left out; affiliate
notes, channel invitations and writers' profile boxes are no article text. On small pages
written here."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from recommender.ingest.html import clutter
from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import (
    PARAGRAPHS,
    PUBLISHED,
    TITLE,
    URL,
    article,
    body_with,
    record,
)

STEPS = [
    "Heat the ghee in a frying pan and add the beaten eggs with the grated cheese.",
    "Cover and cook for about four minutes, until the top has set, then fold and serve.",
]


def ld(*objects: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(list(objects))}</script>'


SITE = {"@type": "WebSite", "name": "Dapur Kabar", "url": "https://kabar.example/"}
RECIPE = {
    "@type": "Recipe",
    "name": "Omelet Keju",
    "datePublished": "2020-05-13T06:56:11-04:00",
    "recipeInstructions": [{"@type": "HowToStep", "text": step} for step in STEPS],
}


def test_a_page_about_one_recipe_is_an_article_dated_by_it() -> None:
    # Albert Heijn, lecker.de, vegolosi.it: the site's WebSite object and the page's Recipe, no
    # Article object and no og:type; the page was refused as "a listing page (JSON-LD website)".
    got = record(article(head=ld(SITE, RECIPE)))
    assert got["published_at"].isoformat() == "2020-05-13T06:56:11-04:00"  # type: ignore[union-attr]
    # Recipes of other pages, none of them this one's, are a list of recipes.
    listed = [
        {**RECIPE, "name": name, "url": f"https://kabar.example/resep/{name}"}
        for name in ("omelet", "sayur", "sup")
    ]
    with pytest.raises(ExtractionError, match="3 JSON-LD recipes"):
        record(article(head=ld(SITE, *listed)))
    # One of them this page's: it is the page's recipe among related ones.
    listed[0]["url"] = URL
    assert record(article(head=PUBLISHED + ld(SITE, *listed)))["title"] == TITLE


def test_a_utc_time_takes_the_offset_another_tag_gives_the_same_moment() -> None:
    # Yoast writes article:published_time in UTC, the theme's <time> in the publisher's zone.
    head = '<meta property="article:published_time" content="2020-08-04T13:13:04+00:00">'
    same = '<time datetime="2020-08-04T21:13:04+08:00">4 August 2020</time>'
    got = record(article(head=head, before=same))["published_at"]
    assert got.isoformat() == "2020-08-04T21:13:04+08:00"  # type: ignore[union-attr]
    # Another moment (an update) leaves the metadata's time as it is.
    later = '<time datetime="2020-08-18T14:40:46+08:00">18 August 2020</time>'
    got = record(article(head=head, before=later))["published_at"]
    assert got.isoformat() == "2020-08-04T13:13:04+00:00"  # type: ignore[union-attr]


def test_a_list_of_categories_is_not_a_section_name() -> None:
    # Minimalist Baker's articleSection: 23 categories in one string, over the 200 characters
    # a section may have; the page was refused over it.
    many = ",".join(["10 ingredients or less", "Appetizer", "Dairy-Free", "Gluten Free"] * 8)
    got = record(article(head=PUBLISHED + ld({"@type": "BlogPosting", "articleSection": many})))
    assert got["section"] == "10 ingredients or less"
    short = ld({"@type": "BlogPosting", "articleSection": "Sauce, Dip"})
    assert record(article(head=PUBLISHED + short))["section"] == "Sauce, Dip"


def test_the_recipes_steps_come_from_its_json_ld_where_the_card_is_left_out() -> None:
    # A recipe card the extractor takes for a widget (its classes say "buttons", "sidebar"):
    # the post's prose was the whole body.
    card = (
        '<section class="mv-create-card mv-create-aggressive-buttons"><ol>'
        + "".join(f"<li>{step}</li>" for step in STEPS)
        + "</ol></section>"
    )
    body = str(record(article(head=PUBLISHED + ld(RECIPE), after=card))["body"])
    assert body.splitlines()[: len(PARAGRAPHS)] == PARAGRAPHS
    assert body.splitlines()[-2:] == STEPS
    # Steps the body holds already are not repeated.
    plain = "".join(f"<p>{step}</p>" for step in STEPS)
    body = str(record(article(head=PUBLISHED + ld(RECIPE), after=plain))["body"])
    assert body.count(STEPS[0]) == 1
    # Without a recipe, nothing is added.
    body = str(record(article(head=PUBLISHED, after=card))["body"])
    assert STEPS[0] not in body.splitlines()[-1]


def test_a_recipes_steps_escaped_twice_in_its_json_ld_are_read_as_shown() -> None:
    # ICA (batch 31): the CMS escaped the steps' letters twice ("Sk&amp;ouml;lj"); a script's
    # text is not decoded by the parser, so one decoding left "Sk&ouml;lj" in the body.
    steps = ["Tina fisken om den är fryst. Skölj och strimla purjon.", "Smält smöret i en gryta."]
    twice = [s.replace("ä", "&amp;auml;").replace("ö", "&amp;ouml;") for s in steps]
    recipe = {**RECIPE, "recipeInstructions": [{"@type": "HowToStep", "text": t} for t in twice]}
    card = (
        '<section class="mv-create-card mv-create-aggressive-buttons"><ol><li>1</li></ol></section>'
    )
    body = str(record(article(head=PUBLISHED + ld(recipe), after=card))["body"])
    assert body.splitlines()[-2:] == steps
    # Text that writes an entity on purpose, escaped once as JSON-LD must, stays as written.
    shown = ["Write &amp;nbsp; for a space that does not break, then save the template."]
    recipe["recipeInstructions"] = [{"@type": "HowToStep", "text": shown[0]}]
    body = str(record(article(head=PUBLISHED + ld(recipe), after=card))["body"])
    assert (
        body.splitlines()[-1]
        == "Write &nbsp; for a space that does not break, then save the template."
    )


@pytest.mark.parametrize(
    "line",
    [
        "This post may contain affiliate links. See my privacy policy for details.",
        "As an Amazon Associate I earn from qualifying purchases.",
        "Subscribe to The Kitchen Magpie on YouTube",
        "Like what you’re reading? Click here to get Smoke Signals, our free monthly email",
        "Latest Videos from A Couple Cooks",
        "Join our mailing list",
    ],
)
def test_affiliate_notes_and_invitations_are_not_article_text(line: str) -> None:
    body = str(
        record(article(head=PUBLISHED, paragraphs=[PARAGRAPHS[0], line, *PARAGRAPHS[1:]]))["body"]
    )
    assert body.splitlines() == PARAGRAPHS


@pytest.mark.parametrize(
    ("markup", "profile"),
    [
        ('<div class="author-block">', True),
        ('<aside class="author-box">', True),
        ('<div id="about-the-author">', True),
        ('<section class="c-authorBio">', True),
        ('<span class="author-name">', False),
        ('<div class="entry-content has-author">', False),
    ],
)
def test_a_writers_profile_box_is_furniture(markup: str, profile: bool) -> None:
    # Forks Over Knives: the recipe's author in `div.author-block` (a Person item with its
    # `description`) above the recipe; the body started with her profile.
    element = lxml.html.fragment_fromstring(markup + "</" + markup[1:].split()[0] + ">")
    assert clutter.is_clutter(element) is profile


def test_a_json_ld_time_written_out_is_read_as_a_local_time() -> None:
    # King Arthur Baking's Recipe: "datePublished": "December 31, 2009 at 7:00pm"; the page was
    # dated by a guess instead. Without a zone it is a local time: refused without the
    # publisher's zone, read in it with one.
    written = ld({**RECIPE, "datePublished": "December 31, 2009 at 7:00pm"})
    with pytest.raises(ExtractionError, match="2009-12-31T19:00:00"):
        record(article(head=written))
    got = record(article(head=written), assume_timezone=ZoneInfo("America/New_York"))
    assert got["published_at"].isoformat() == "2009-12-31T19:00:00-05:00"  # type: ignore[union-attr]
    # With its zone, it needs none.
    zoned = ld({**RECIPE, "datePublished": "Kamis, 05/11/2015 09:25 WIB"})
    assert record(article(head=zoned))["published_at"].isoformat() == "2015-11-05T09:25:00+07:00"  # type: ignore[union-attr]


def test_a_time_in_another_storys_card_never_dates_the_page() -> None:
    # L'atelier de Roxane: no date of its own; the "Vous aimerez aussi" cards below (a link
    # around a picture, a title and `<time itemprop="datePublished">`) dated the recipe.
    card = (
        '<article itemscope itemtype="http://schema.org/BlogPosting">'
        '<a href="https://kabar.example/read/2026/09/23/9/lain"><img src="/a.jpg" alt="">'
        '<h3>Berita lain</h3><time itemprop="datePublished" datetime="2022-09-23T15:46:47+02:00">'
        "23 septembre 2022</time></a></article>"
    )
    with pytest.raises(ExtractionError, match="published_at"):
        record(article(after=card))
    # A permalink around the byline's own date still dates the story.
    permalink = (
        '<a href="https://kabar.example/read/2026/11/10/123/banjir-rendam-ribuan-rumah">'
        '<time datetime="2026-11-10T09:15:00+07:00">10 November 2026</time></a>'
    )
    got = record(article(before=permalink))["published_at"]
    assert got.isoformat() == "2026-11-10T09:15:00+07:00"  # type: ignore[union-attr]


def test_the_sites_website_object_alone_makes_no_deep_page_a_listing() -> None:
    # kuchnia-domowa.pl (and Uproxx in batch 19's source): only the site's WebSite object in
    # JSON-LD, on a story's own deep URL; the page was refused as "a listing page (JSON-LD
    # website)" instead of being read (here: imported; kuchnia-domowa, undated, refused for that).
    got = record(article(head=PUBLISHED + ld(SITE)))
    assert got["title"] == TITLE
    with pytest.raises(ExtractionError, match="published_at"):
        record(article(head=ld(SITE)))
    # On the site's front page, the same object still says "listing".
    front = article(head=PUBLISHED + ld(SITE)).replace(URL, "https://kabar.example/")
    with pytest.raises(ExtractionError, match="not an article"):
        record(front)


@pytest.mark.parametrize(
    "label",
    [
        "Noch mehr Lieblingsrezepte:",
        "More Summer Salad Recipes:",
        "More chili recipes you’ll love:",
        "Plus de recettes :",
    ],
)
def test_the_label_over_more_recipes_is_furniture(label: str) -> None:
    # lecker.de: "Noch mehr Lieblingsrezepte:" over a list of links to other recipes, which went;
    # the label stayed between the recipe's introduction and its ingredients.
    lines = body_with(label, lang="de")
    assert label not in lines
    assert lines[0] == PARAGRAPHS[0]


@pytest.mark.parametrize(
    "line",
    [
        "More than 20 recipes: that is what the book holds.",
        "Mehr als zehn Rezepte: so viele hat es.",
    ],
)
def test_a_sentence_about_more_recipes_stays(line: str) -> None:
    assert line in body_with(line, lang="de")


@pytest.mark.parametrize(
    "line",
    [
        # The Kitchen Magpie, under the post and in its recipe card
        "Looking for more tasty Fish recipes? Try these out:",
        "Pin this to your Dinner Ideas Boards and Remember to FOLLOW ME ON PINTEREST!",
        "Thanks to ads on this website, readers of Kabar Dapur are now sponsoring 2 families a"
        " month through the city's food bank. Learn how you can help here.",
        "One click and you'll get notified of new videos added to our YouTube account!",
        "Made this recipe?",
        "Share a photo of what you made on Instagram or Facebook and tag me @kabardapur.",
        "Please rate this recipe in the comments below to help out your fellow cooks!",
    ],
)
def test_a_recipe_blogs_prompts_are_furniture(line: str) -> None:
    assert clutter.is_clutter_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Looking for more recipes like this, she opened the old family cookbook again.",
        "Made this recipe for years, and it never fails.",
        "She wanted to pin it on the wall above the stove.",
    ],
)
def test_sentences_like_a_recipe_blogs_prompts_stay(line: str) -> None:
    assert not clutter.is_clutter_line(line)
