"""Recipe pages of food magazines, newspapers and portals (#12, held-out batch 23: more test pages
of Debian's python-recipe-scrapers 14.32.1-1): a JSON-LD block printed twice, or escaped as an
attribute's value; a CMS's own date formats ("11.06.2019", "…ZZ"); a writer's profile box marked as
a schema.org Person; a two-letter site name after the headline. On small pages written here."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from recommender.ingest.html import authors, clutter, titles
from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

RECIPE = {
    "@context": "https://schema.org",
    "@type": "Recipe",
    "name": TITLE,
    "datePublished": "2010-11-12T14:29:28.000Z",
    "recipeIngredient": ["1 kg ziemniaki", "1 cebula"],
}


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_the_same_recipe_block_printed_twice_is_one_recipe() -> None:
    # przepisy.pl prints its Recipe JSON-LD twice, identical: it was taken for a list of two
    # recipes (no single one to date the page) and refused for htmldate's date-only guess.
    got = record(article(head=ld(RECIPE) + ld(RECIPE)))
    assert got["published_at"].isoformat() == "2010-11-12T14:29:28+00:00"  # type: ignore[union-attr]
    # Two different recipes still date nothing by themselves.
    other = {**RECIPE, "name": "Placki z jabłkami", "datePublished": "2011-01-01T10:00:00Z"}
    with pytest.raises(ExtractionError, match="published_at"):
        record(article(head=ld(RECIPE) + ld(other)))


def test_a_json_ld_block_escaped_as_an_attribute_value_is_read() -> None:
    # Kitchen Stories: `<script type="application/ld+json">{&quot;@context&quot;:…}</script>`.
    escaped = json.dumps({**RECIPE, "datePublished": "2022-05-22T00:00:00+0000"}).replace(
        '"', "&quot;"
    )
    html = article(head=f'<script type="application/ld+json">{escaped}</script>')
    assert record(html)["published_at"].isoformat() == "2022-05-22T00:00:00+00:00"  # type: ignore[union-attr]


def test_a_dotted_date_in_metadata_is_a_date_day_first() -> None:
    # MatPrat: `"datePublished": "11.06.2019"`; the page's footer prints the time it was rendered
    # ("27.10.2022 00:35:52"), which had dated it.
    footer = "<footer><p>Oppdatert 27.10.2022 00:35:52</p></footer>"
    html = article(head=ld({**RECIPE, "datePublished": "11.06.2019"}), after=footer)
    with pytest.raises(ExtractionError, match=r"only a date was found \(2019-06-11"):
        record(html)
    got = record(html, assume_timezone=ZoneInfo("Europe/Oslo"))
    assert got["published_at"].isoformat() == "2019-06-11T00:00:00+02:00"  # type: ignore[union-attr]
    # No such day: not a date.
    bad = article(head=ld({**RECIPE, "datePublished": "31.02.2019"}))
    with pytest.raises(ExtractionError, match="published_at"):
        record(bad)


def test_a_doubled_utc_designator_is_read() -> None:
    # Delish and Country Living (Hearst): "2017-11-16T15:15:57.723210ZZ" in JSON-LD, beside an
    # `article:published_time` of a later update that had won.
    story = {"@type": "NewsArticle", "headline": TITLE, "datePublished": "2017-11-16T15:15:57ZZ"}
    later = '<meta property="article:published_time" content="2022-09-26T16:48:00Z">'
    got = record(article(head=ld(story) + later))
    assert got["published_at"].isoformat() == "2017-11-16T15:15:57+00:00"  # type: ignore[union-attr]


def test_a_writers_profile_marked_as_a_person_is_no_article_text() -> None:
    # Delish: the author's profile (`itemprop="author" itemscope itemtype="…/Person"`, a photo, a
    # name and a paragraph about them) came first in the body.
    bio = (
        "Lena Abraham is the Senior Food Editor at Delish, where she develops and styles recipes"
        " for video and photo, and also stars in videos of her own."
    )
    profile = (
        '<div itemprop="author" itemscope itemtype="http://schema.org/Person">'
        f'<span itemprop="name">Lena Abraham</span><p>{bio}</p></div>'
    )
    body = record(article(head=PUBLISHED, before=profile))["body"]
    assert isinstance(body, str) and body.startswith(PARAGRAPHS[0]) and bio not in body
    element = lxml.html.fragment_fromstring(profile)
    assert "person" in clutter.clutter_marks(element)
    # A byline marked as a Person (the New York Times' `<span itemprop="author creator" itemscope
    # itemtype="…/Person">`) holds no paragraph about them: left to the byline rules.
    byline = lxml.html.fragment_fromstring(
        '<span itemscope itemtype="http://schema.org/Person"><span itemprop="name">GINA KOLATA'
        "</span></span>"
    )
    assert not clutter.clutter_marks(byline)
    # An organisation's microdata marks nothing.
    org = lxml.html.fragment_fromstring(
        '<div itemscope itemtype="https://schema.org/Organization">x</div>'
    )
    assert not clutter.clutter_marks(org)


def test_a_two_letter_site_name_is_dropped_from_the_title_only_as_a_whole_part() -> None:
    # iG (ig.com.br): "Receita de Estrogonofe de cogumelos - iG".
    sites = ["receitas", "ig", "br"]
    assert titles.strip_site_name("Receita de Estrogonofe de cogumelos - iG", sites) == (
        "Receita de Estrogonofe de cogumelos"
    )
    # A part that only starts with the short name is the headline's.
    assert titles.strip_site_name("Ada Lovelace - Igniting the age of computing", sites) == (
        "Ada Lovelace - Igniting the age of computing"
    )
    # A byline that merely starts with a short site name is a person.
    assert not authors.is_site("Drew Harwell", ["dr"])
    assert authors.is_site("DR", ["dr"])
    assert authors.is_site("AP", ["apnews"])  # a short name of a longer site's, as before


STEPS = [
    "Coupez les tomates pelées en quartiers, les aubergines et les courgettes en rondelles.",
    "Faites revenir séparément dans l'huile d'olive les poivrons, les oignons et l'ail.",
]
INTRO = (
    "La petite salade détox parfaite pour un déjeuner vitaminé au coeur de l'hiver, prête en vingt"
    " minutes."
)


def recipe_page(description: str, card: str, *, printed: bool = True) -> str:
    """A recipe page whose headnote (the JSON-LD description) is printed above the headline,
    where the extractor leaves it out, or (`printed=False`) only in the JSON-LD."""
    recipe = {
        **RECIPE,
        "description": description,
        "recipeInstructions": [{"@type": "HowToStep", "text": s} for s in STEPS],
    }
    html = article(head=ld(recipe), paragraphs=[], before=card)
    headnote = f'<p class="recipe-summary">{description}</p>' if printed else ""
    return html.replace("<article><h1>", f"<article>{headnote}<h1>")


# The recipe card as the extractor keeps it: the method as a list ("- Coupez…").
CARD = "<h2>Préparation</h2><ol>" + "".join(f"<li>{s}</li>" for s in STEPS) + "</ol>"


def test_a_recipe_cards_missing_headnote_comes_from_its_json_ld_description() -> None:
    # 750g, MatPrat, Taste of Home: the extractor kept the recipe card but left out the headnote
    # above it; the JSON-LD Recipe's description is that prose.
    body = record(recipe_page(INTRO, CARD))["body"]
    assert isinstance(body, str) and body.startswith(f"{INTRO}\n- {STEPS[0]}")
    # A body that opens with the first step in a paragraph (Sunset, MyRecipes) gets it too.
    steps_only = "".join(f"<p>{s}</p>" for s in STEPS)
    body = record(recipe_page(INTRO, steps_only))["body"]
    assert isinstance(body, str) and body.startswith(f"{INTRO}\n{STEPS[0]}")
    # A body with prose of its own before the card is left as it is.
    prose = f"<p>{PARAGRAPHS[0]}</p>{CARD}"
    body = record(recipe_page(INTRO, prose))["body"]
    assert isinstance(body, str) and body.startswith(PARAGRAPHS[0]) and INTRO not in body


def test_a_description_that_lists_ingredients_or_is_already_read_is_not_added() -> None:
    # Marmiton's description lists the ingredients; Tasty's says "Here's what you need: …".
    listing = (
        "aubergine, courgette, poivron, oignon, tomate, ail, huile d'olive, thym, laurier, sel"
    )
    body = record(recipe_page(listing, CARD))["body"]
    assert isinstance(body, str) and body.startswith(f"- {STEPS[0]}")
    # A description for search engines, printed nowhere on the page (Chefkoch's "Über 1290
    # Bewertungen und für lecker befunden. Mit ► Portionsrechner"), is no headnote.
    body = record(recipe_page(INTRO, CARD, printed=False))["body"]
    assert isinstance(body, str) and body.startswith(f"- {STEPS[0]}")
    # A headnote the extractor kept is not repeated.
    body = record(recipe_page(INTRO, f"<p>{INTRO}</p>{CARD}"))["body"]
    assert isinstance(body, str) and body.count(INTRO[:60]) == 1


@pytest.mark.parametrize(
    "line",
    [
        "351 calories; fat 23g; cholesterol 86mg; sodium 672mg; carbohydrates 11g; protein 26g.",
        "protein: 0.2g 1 %",
        "vitamin a iu: 21.5IU",
        "Kalorien 420 kcal",
        "% Daily Value *",
        "*Percent Daily Values are based on a 2,000 calorie diet. Your daily values may be higher.",
        "**Nutrient information is not available for all ingredients.",
    ],
)
def test_a_nutrition_labels_lines_are_furniture(line: str) -> None:
    # EatingWell's body opened with its nutrition summary, Allrecipes' with the whole label.
    assert clutter.is_clutter_line(line)
    assert clutter.is_clutter_line(f"- {line}")


@pytest.mark.parametrize(
    "line",
    [
        "10 g salt",  # an ingredient names an amount of a nutrient
        "Zucker 50 g",
        "Protein 26g",
        "A serving has 351 calories and 23g of fat, which is a lot for a weeknight dinner.",
        "Sugar: the hidden enemy in your breakfast cereal",
        "Fat chance.",
    ],
)
def test_ingredients_and_sentences_that_name_nutrients_stay(line: str) -> None:
    assert not clutter.is_clutter_line(line)


def test_readers_comments_that_outweigh_the_story_are_still_furniture() -> None:
    # Chefkoch: a hundred readers' comments (`div.comment-item` each) hold more running text than
    # the recipe; the guard that spares one marker on every part of an article had kept them, and
    # the body started with "Sehr lecker!! Habe noch nie Hackbraten mit Gurken gemacht".
    comment = (
        "Sehr lecker!! Habe noch nie Hackbraten mit Gurken gemacht, aber den gibt es jetzt öfter."
        " Hab mich ans Rezept gehalten und nur etwas mehr Senf genommen, einfach großartig."
    )
    items = "".join(f'<div class="comment-item"><p>{comment} ({n})</p></div>' for n in range(6))
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    tree = lxml.html.document_fromstring(
        f"<html><body><article><h1>{TITLE}</h1>{story}</article>"
        f'<div class="discussion">{items}</div></body></html>'
    )
    clutter.prune(tree)
    text = tree.text_content()
    assert "Sehr lecker" not in text and PARAGRAPHS[1] in text
    # One marker on every part of an article still spares them (a review's "Section--Ads").
    parts = "".join(f'<div class="section-ads"><p>{p}</p></div>' for p in PARAGRAPHS * 2)
    tree = lxml.html.document_fromstring(f"<html><body><h1>{TITLE}</h1>{parts}</body></html>")
    clutter.prune(tree)
    assert PARAGRAPHS[0] in tree.text_content()


def test_a_cut_before_the_first_sentence_never_splits_the_recipes_ingredients() -> None:
    # 750g: the short lines before the first sentence are dropped as furniture (labels, bylines),
    # at most eight of them; the recipe's ingredient list is short lines too, and the cut fell
    # inside it ("- 2 oranges" opened the body, the first section's five ingredients gone).
    ingredients = [f"{n + 1}00 g ingrédient numéro {n}" for n in range(12)]
    labels = [
        "Préparation",
        "10 min",
        "Cuisson",
        "20 min",
        "Repos",
        "0 min",
        "Difficulté",
        "Coût",
        "Budget",
    ]
    lines = ["Recette", "4 personnes", *(f"- {i}" for i in ingredients), *labels, *STEPS]
    named = frozenset(titles.squash(i) for i in ingredients)
    kept = clutter.drop_leading_furniture(lines, TITLE, named)
    assert kept[0] == "4 personnes" and kept[1:13] == [f"- {i}" for i in ingredients]
    assert kept[-1] == STEPS[1]
    # A list the page's metadata does not name is not cut apart either (test_page_lists.py).
    assert clutter.drop_leading_furniture(lines, TITLE) == kept
    # A cut after the whole list (the story's prose follows) is left where it was.
    short = ["Recette", *(f"- {i}" for i in ingredients[:3]), STEPS[0]]
    assert clutter.drop_leading_furniture(short, TITLE, named) == clutter.drop_leading_furniture(
        short, TITLE
    )


FORM_URL = "https://kabar.example/akun/lupa-kata-sandi"
FORM_TEXT = (
    "For security reasons, this is a two step process. Please enter your username or email"
    " address and you will receive an email with a link for getting a new password."
)


def form_page(*, head: str = "", before: str = "", paragraphs: list[str] | None = None) -> str:
    html = article(head=head, before=before, paragraphs=paragraphs or [FORM_TEXT])
    return html.replace(URL, FORM_URL)


def test_a_page_with_no_sign_of_an_article_is_refused_as_such_even_with_a_zone() -> None:
    # Held-out batch 24 (pages of a crawl of web forms): a password-reset page, a product page,
    # a newsletter form, which htmldate dates from their scripts or images; with the publisher's
    # zone given, a date-only guess made them articles of midnight that day.
    with pytest.raises(ExtractionError, match="no sign of an article") as caught:
        record(form_page(), assume_timezone=ZoneInfo("America/Denver"))
    assert caught.value.field == "page" and "1 paragraph of running text" in caught.value.reason


@pytest.mark.parametrize(
    "sign",
    [
        {"head": '<meta property="og:type" content="article">'},  # it says it is one
        {"before": '<p class="date">February 8th, 2013</p>'},  # it states its date
        # the date opening its first paragraph, as a dateline
        {"paragraphs": [f"Feb. 8, 2013 -- {PARAGRAPHS[0]}", *PARAGRAPHS[1:]]},
    ],
)
def test_a_page_with_a_sign_of_an_article_is_not_refused_as_none(sign: dict[str, Any]) -> None:
    html = form_page(**sign)
    try:
        record(html, assume_timezone=ZoneInfo("America/Denver"))
    except ExtractionError as exc:  # refused, if at all, for something else (its date)
        assert "no sign of an article" not in exc.reason


def test_an_undated_page_without_article_metadata_is_refused_so_however_long() -> None:
    # A story's worth of running text let such a page through, to be dated by htmldate's guess
    # (a script's comment dated WebMD's story 19 days early) or refused for its date: product,
    # profile and about pages of held-out batches 16, 24, 25 and 32 were refused as undated
    # articles. The reason names both readings.
    with pytest.raises(ExtractionError) as caught:
        record(form_page(paragraphs=[*PARAGRAPHS, *PARAGRAPHS]), assume_timezone=ZoneInfo("UTC"))
    assert caught.value.field == "page"
    assert caught.value.reason.endswith(
        "6 paragraphs of running text (a page about the site, a product or a person, or an"
        " article that needs its date in the page)"
    )


def test_a_relative_canonical_url_is_named_in_the_error_and_read_against_the_base() -> None:
    # IFM Group: `<link rel="canonical" href="/it/contatti">` and nothing else naming the site;
    # the error said the page named no canonical URL at all.
    html = article(canonical=False, head=PUBLISHED + '<link rel="canonical" href="/it/contatti">')
    with pytest.raises(ExtractionError) as caught:
        record(html)
    assert caught.value.field == "url"
    assert "'/it/contatti' names no site" in caught.value.reason
    assert "SITE/it/contatti" in caught.value.reason
    # Read against the base, it is the site's contact page (a rule of batch 27).
    with pytest.raises(ExtractionError, match=r"site's own \(URL path /it/contatti\)"):
        record(html, base_url="https://ifmgroup.example/")
    news = html.replace("/it/contatti", "/it/notizie/bilancio-consolidato-2015")
    assert record(news, base_url="https://ifmgroup.example/")["url"] == (
        "https://ifmgroup.example/it/notizie/bilancio-consolidato-2015"
    )


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        # (A product described in microdata is a shop's page, dated or not: test_page_batch27.)
        ('<button class="btn">In den Warenkorb</button>', "add to cart"),
        ('<form><input type="email"><input type="password"></form>', "password field"),
    ],
)
def test_an_undated_shop_or_account_page_is_no_article_whatever_its_text(
    extra: str, said: str
) -> None:
    # Held-out batch 25: product and category pages with paragraphs of sales text, a sign-up
    # page with its terms; no article metadata, no date stated, only htmldate's guess.
    html = form_page(before=extra, paragraphs=[*PARAGRAPHS, *PARAGRAPHS])
    with pytest.raises(ExtractionError, match=f"no sign of an article.*{said}"):
        record(html, assume_timezone=ZoneInfo("Europe/Berlin"))
    # A story with a login box in its header, dated on the page, stays an article; a short page
    # with a shop's button is a shop's whatever it dates (test_page_batch29).
    dated = form_page(before=extra + '<p class="date">February 8th, 2013</p>')
    if said == "password field":
        assert record(dated, assume_timezone=ZoneInfo("Europe/Berlin"))["title"] == TITLE
    else:
        with pytest.raises(ExtractionError, match="a shop's page"):
            record(dated, assume_timezone=ZoneInfo("Europe/Berlin"))


def test_a_guessed_day_printed_without_its_year_is_stated() -> None:
    # HealthDay on WebMD (a login box on the page, no metadata): "THURSDAY, June 6 (HealthDay
    # News) --" prints the day htmldate guessed (2013-06-06), so the page is dated, not refused.
    from datetime import datetime

    from recommender.ingest.html import dates

    tree = lxml.html.document_fromstring(
        "<html><body><p>THURSDAY, June 6 (HealthDay News) -- An expert advisory panel to the"
        " U.S. Food and Drug Administration voted narrowly Thursday.</p></body></html>"
    )
    guess = dates.Stamp(datetime(2013, 6, 6), False, "a date guessed from the page (htmldate)")
    assert dates.stated(guess, tree, "https://www.webmd.example/news/20130606/fda-panel")
    other = dates.Stamp(datetime(2013, 6, 7), False, guess.source)
    assert not dates.stated(other, tree, "https://www.webmd.example/news/fda-panel")
    # The day in the URL's path states it too.
    assert dates.stated(other, tree, "https://blog.example/2013/06/07/fda-panel/")


NOTE = (
    "Si vous manquez de temps, les légumes rôtis se gardent trois jours au réfrigérateur dans une"
    " boîte fermée."
)


def notes_page(notes: str) -> str:
    """A recipe page whose notes sit in the card's sidebar, beside long prose and the method."""
    recipe = {
        **RECIPE,
        "recipeInstructions": [{"@type": "HowToStep", "text": s} for s in STEPS],
    }
    sidebar = f'<div class="Recipe__sidebar"><div class="ad-slot">Publicité</div>{notes}</div>'
    return article(head=ld(recipe) + PUBLISHED, after=CARD + sidebar)


def test_a_recipes_notes_and_tips_beside_its_card_are_article_text() -> None:
    # WP Recipe Maker's `wprm-recipe-notes`, King Arthur's "Tips from our Bakers", Martha
    # Stewart's "Cook's Notes", Mob's sidebar notes: the extractor took them for widgets.
    notes = f'<div class="Recipe__notes"><h3>Notes</h3><span>{NOTE}</span></div>'
    body = record(notes_page(notes))["body"]
    assert isinstance(body, str) and body.endswith(f"\n{NOTE}") and "\nNotes\n" not in body
    tips = (
        '<div class="recipe__tips"><h4>Tips from our Bakers</h4><ul><li><div>Si vous manquez'
        "\n de temps, les légumes rôtis se gardent trois jours\n au réfrigérateur dans une boîte"
        " fermée.</div></li></ul></div>"
    )
    body = record(notes_page(tips))["body"]
    assert isinstance(body, str) and body.endswith(f"\n{NOTE}")  # one line, as a reader sees it


@pytest.mark.parametrize(
    "notes",
    [
        # A comment form's notes, a menu of tips pages, a notes box in the footer.
        f'<p class="comment-notes">Your email address will not be published. {NOTE}</p>',
        '<ul class="menu-tips"><li><a href="/tips/1">Nos astuces pour réussir une ratatouille'
        " comme en Provence, en toute saison</a></li></ul>",
        f'<footer><div class="site-notes"><p>{NOTE}</p></div></footer>',
    ],
)
def test_notes_that_are_no_recipes_notes_are_not_added(notes: str) -> None:
    body = record(notes_page(notes))["body"]
    assert isinstance(body, str) and "Provence" not in body and "vous manquez" not in body


def test_a_page_without_a_headline_or_url_is_first_refused_for_showing_no_article() -> None:
    # Held-out batches 16, 27, 28 and 32: a council's form, a travel site's search and two login
    # pages with no <title>, og:title or <h1>; an Italian contact page naming no site. Without a
    # date or a story's worth of text, that they are no article is the reason to give, not the
    # missing headline or URL.
    headless = form_page().replace(f"<title>{TITLE} - Kabar.com</title>", "")
    headless = headless.replace(f"<h1>{TITLE}</h1>", "")
    with pytest.raises(ExtractionError, match="no sign of an article") as caught:
        record(headless)
    assert caught.value.field == "page"
    unaddressed = form_page().replace(f'<link rel="canonical" href="{FORM_URL}">', "")
    with pytest.raises(ExtractionError, match="no sign of an article"):
        record(unaddressed)
    # A page dated on its face is refused, as before, for what it lacks.
    date = '<p class="date">February 8th, 2013</p>'
    for html, field in ((headless, "title"), (unaddressed, "url")):
        dated = html.replace(FORM_TEXT, f"{FORM_TEXT}</p>{date}<p>")
        with pytest.raises(ExtractionError) as lacking:
            record(dated)
        assert lacking.value.field == field


PRAWNS_DEK = (
    "Infused with heat from chiles and fresh ginger, these prawns are inspired by a beloved street"
    " food. Leaving the shell on helps protect them against overcooking."
)
PRAWNS = {
    "@context": "https://schema.org",
    "@type": ["Recipe", "NewsArticle"],
    "headline": "Pepper Prawns",
    "name": "Pepper Prawns",
    "datePublished": "2020-08-21T08:55:43.000-04:00",
    "description": "Pepper prawns, a street food with a subtle heat.",
    "recipeIngredient": ["1/2 cup unsalted butter", "5 garlic cloves, minced", "1 thyme sprig"],
}
PRAWNS_STEP = (
    "Melt butter in a large pot over medium heat and add the garlic, then cook until tender,"
    " about five minutes."
)


def prawns_page(under_headline: str) -> str:
    items = "".join(f"<li>{i}</li>" for i in PRAWNS["recipeIngredient"])
    return (
        '<html lang="en"><head><meta charset="utf-8"><title>Pepper Prawns</title>'
        '<link rel="canonical" href="https://food.example/recipes/pepper-prawns">'
        f'{ld(PRAWNS)}</head><body><main><article><div class="article-header">'
        f'<h1>Pepper Prawns</h1><div class="review-bar">Be the first to rate &amp; review!</div>'
        f'{under_headline}<div class="bylines">By <a href="/author/a">Ana Cook</a></div></div>'
        f'<div class="ingredients"><h2>Ingredients</h2><ul>{items}</ul></div>'
        f'<div class="steps"><h2>Directions</h2><ol><li><p>{PRAWNS_STEP}</p></li></ol></div>'
        "</article></main></body></html>"
    )


def test_a_recipe_s_headnote_the_extractor_left_out_opens_its_body() -> None:
    # Food & Wine: the recipe is JSON-LD typed ["Recipe", "NewsArticle"] (it was read as an
    # article only, no recipe), its headnote an `h2.article-subheading` under the headline that
    # the extractor left out, and the JSON-LD's description is another text, printed nowhere:
    # the body began with "Ingredients".
    body = str(record(prawns_page(f'<h2 class="article-subheading">{PRAWNS_DEK}</h2>'))["body"])
    assert body.split("\n")[:2] == [PRAWNS_DEK, "Ingredients"]
    # Text in a link, a caption or an author's box under the headline is no headnote.
    for other in (
        f'<a href="/story">{PRAWNS_DEK}</a>',
        f"<figure><img src='/p.jpg'><figcaption>{PRAWNS_DEK}</figcaption></figure>",
        f'<aside class="author-bio">{PRAWNS_DEK}</aside>',
    ):
        assert str(record(prawns_page(other))["body"]).startswith("Ingredients")


ZONE_STEPS = [
    "Soak the rice for an hour, then drain it well in a sieve over the sink.",
    "Fry the shallots in the oil until golden and set half of them aside for later.",
    "Stir in the rice and the stock, cover the pan and cook on a low heat for twenty minutes.",
    "Take the pan off the heat and leave it covered for ten minutes so the rice can settle.",
    "Fluff the rice with a fork, scatter the fried shallots over it and serve it while hot.",
]


ZONE_INTRO = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])


def zoned_recipe(lower: str, foot: str = "") -> str:
    """A recipe page laid out in zones: the headline and the introduction in the upper zone, the
    ingredients and steps in a lower zone named `lower`, and `foot` after it."""
    steps = "".join(
        f"<h2>Step 0{n}</h2><div class='field--item'><ul><li>{step}</li></ul></div>"
        for n, step in enumerate(ZONE_STEPS, 1)
    )
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{TITLE}</title>'
        f'<link rel="canonical" href="{URL}">{PUBLISHED}</head><body><div class="nav"><a href="/">'
        f'Kabar</a></div><div class="content"><section class="component--recipe-full">'
        f'<div class="recipe-detail">'
        f'<div class="upper-zone row"><h1>{TITLE}</h1>{ZONE_INTRO}</div>'
        f'<div class="{lower}"><div class="left-zone"><h2>Ingredients</h2><ul><li>300 g rice</li>'
        f"<li>2 shallots</li></ul><h2>Preparation</h2>{steps}</div></div>{foot}</div></section>"
        "</div>"
        "</body></html>"
    )


def test_the_lower_zone_of_a_recipes_layout_is_the_recipe() -> None:
    # Fine Dining Lovers (Drupal): `div.upper-zone` with the `<h1>` and `div.bottom-zone row` with
    # the ingredients and steps; the extractor's precision pass drops any block whose class opens
    # with "bottom" (a page's bottom bar), and the body lost every step.
    body = str(record(zoned_recipe("bottom-zone row"))["body"])
    for step in ZONE_STEPS:
        assert step in body


def test_a_bottom_bar_under_the_story_stays_out() -> None:
    # A bar of tags and share links under the story, named "article-bottom": a small part of
    # the story's block, its words kept.
    bar = (
        "<div class='article-bottom'><p>Bagikan resep ini ke teman-teman Anda di media sosial"
        " dan grup keluarga, atau simpan untuk nanti.</p></div>"
    )
    body = str(record(zoned_recipe("lower-zone row", foot=bar))["body"])
    assert ZONE_STEPS[-1] in body and "Bagikan resep" not in body
