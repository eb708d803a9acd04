"""Recipe pages and pages that are no article (#12, held-out batches 31 and 32): a recipe name
before a dash is the sentence's own, a one-word slug of a recipe post, a rating widget, account
pages asked for in the query or titled in Japanese, a business's request form. On small pages
written here."""

from __future__ import annotations

import json

import lxml.html
import pytest

from recommender.ingest.html import clutter
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record
from tests.ingest.html.test_page_body import body_of

ARTICLE_TYPE = '<meta property="og:type" content="article">'


@pytest.mark.parametrize("dash", ["–", "—", "-"])
def test_the_headlines_words_before_a_dash_are_no_dateline(dash: str) -> None:
    # The Simple Veganista: "Vegan Jambalaya – Loaded with veggies ..." under "Vegan Jambalaya".
    first = f"Banjir Rendam Ribuan Rumah {dash} {PARAGRAPHS[0]}"
    body = str(record(article(head=PUBLISHED, paragraphs=[first, *PARAGRAPHS[1:]]))["body"])
    assert body.startswith(first)
    # A dateline is still one, the place in capitals or a few of the headline's words.
    for place in ("DAYEUHKOLOT, Kabar.com", "BANJIR RENDAM", "Rumah Dayeuhkolot"):
        dated = f"{place} {dash} {PARAGRAPHS[0]}"
        body = str(record(article(head=PUBLISHED, paragraphs=[dated, *PARAGRAPHS[1:]]))["body"])
        assert body.startswith(PARAGRAPHS[0])


RECIPE = {
    "@context": "https://schema.org",
    "@type": "Recipe",
    "name": TITLE,
    "datePublished": "2026-11-10T09:15:00+07:00",
}


def test_a_recipe_posts_one_word_slug_is_no_section() -> None:
    # Gimme Some Oven: `https://www.gimmesomeoven.com/sangria/`, one recipe in JSON-LD.
    ld = f'<script type="application/ld+json">{json.dumps(RECIPE)}</script>'
    html = article(head=ARTICLE_TYPE + ld).replace(URL, "https://kabar.example/sangria/")
    assert record(html)["url"] == "https://kabar.example/sangria/"
    # Without it, a one-word path is a section's front page, as before.
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(URL, "https://kabar.example/sangria/")
    with pytest.raises(ExtractionError, match="a section front page"):
        record(html)


def test_a_rating_widget_and_a_share_prompt_are_furniture() -> None:
    # Kwestia Smaku (Drupal): "Spodobał Ci się ten przepis? Udostępnij go!" and "Oceń przepis
    # aby doradzić innym! (40 głosów)" above the recipe.
    widgets = (
        '<div class="group-udostepnij"><div class="description">Spodobał Ci się ten przepis?'
        ' Udostępnij go!</div></div><div class="fivestar-summary"><span>Oceń przepis aby doradzić'
        " innym! (40 głosów)</span></div>"
    )
    body = str(record(article(head=PUBLISHED, before=widgets))["body"])
    assert body.startswith(PARAGRAPHS[0])
    assert "Udostępnij" not in body and "głosów" not in body


@pytest.mark.parametrize(
    "address",
    [
        "/index.php?page=Register&action=register",  # WoltLab Burning Board
        "/forum/ucp.php?mode=register",  # phpBB
        "/member.php?action=login",
    ],
)
def test_an_account_form_asked_for_in_the_query_is_the_sites_own(address: str) -> None:
    html = article(head=PUBLISHED, canonical=False).encode("utf-8")
    with pytest.raises(ExtractionError, match="a form or search of the site's own"):
        page_record(html, url=f"https://kabar.example{address}", options=PageOptions())
    story = "https://kabar.example/index.php?page=2&option=com_content&id=123"
    assert page_record(html, url=story, options=PageOptions())["url"] == story


@pytest.mark.parametrize(
    "title", ["パスワード再発行（その１）", "ログイン", "会员登录", "회원가입"]
)
def test_account_pages_titled_in_japanese_chinese_or_korean_are_the_sites_own(title: str) -> None:
    # Astral Guild's forum: "パスワード再発行（その１）" (password reissue, step 1).
    html = article(head=PUBLISHED).replace(TITLE, title)
    with pytest.raises(ExtractionError, match="a page about the site"):
        record(html)


def test_a_headline_that_starts_with_an_account_word_is_a_story() -> None:
    title = "ログインできない問題を解決する方法"
    assert record(article(head=PUBLISHED).replace(TITLE, title))["title"] == title


def test_a_business_request_form_is_the_sites_own() -> None:
    # Themestotal's "Hire Us" form, typed `og:type` article.
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(URL, "https://kabar.example/hire-us")
    with pytest.raises(ExtractionError, match="a form or search of the site's own"):
        record(html)


def test_a_story_container_loses_its_furniture_words_before_extraction() -> None:
    # Jim Cooks Food Good: the whole post sits in `<div class="share-simple post-1374 post">`
    # (the theme's share buttons' style); the extractor dropped it for "share" and the body was
    # the site's disclaimer. Only the story's containers lose such words: the one holding the
    # headline or most paragraphs; a share bar and readers' comments keep theirs.
    long = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    tree = lxml.html.document_fromstring(
        '<html><body><div id="post-1" class="share-simple post-1374 post">'
        f'<h1>{TITLE}</h1><div class="share-bar">Share</div><p>Short opening.</p></div>'
        f'<div class="entry related-content">{long}</div>'
        f'<div class="comments">{long}{long}</div></body></html>'
    )
    clutter.unmark_story_blocks(tree)
    post, story, comments = tree.find("body")
    assert post.get("class") == "post-1374 post"
    assert post.find("div").get("class") == "share-bar"
    assert story.get("class") == "entry related-content"  # not most of the running text
    assert comments.get("class") == "comments"


def recipe_card(name: str, steps: list[str], style: str) -> str:
    items = "".join(f"<li>{step}</li>" for step in steps)
    return (
        f'<div class="card"><div class="card-wrapper" style="{style}"><h3>{name}</h3>'
        f"<h3>Ingredients</h3><ul><li>2 cups rice</li><li>1 egg</li></ul>"
        f"<h3>Instructions</h3><ol>{items}</ol></div></div>"
    )


CARD_STEPS = [
    ["Rinse the rice twice and leave it to drain in a sieve for ten minutes.", "Cook it."],
    ["Whisk the egg with a pinch of salt until the white and yolk are one.", "Fry it thin."],
    ["Stir the cold rice into the hot pan and press it flat against the bottom.", "Serve hot."],
]


@pytest.mark.parametrize(
    "style",
    [
        "border-color: rgb(0, 0, 0);",
        "border: 1px solid #ccc; padding: 5px",
        "float:left;border-style:solid;border-width:1px;border-color:#8dabbc",
    ],
)
def test_recipe_cards_drawn_in_boxes_all_stay(style: str) -> None:
    # Ethan Chlebowski (Squarespace): three recipe cards, each `div.ccm-wrapper` with
    # `style="border-color: …"`; the extractor's precision pass drops any block whose style names
    # a border, and the last card was lost. MedPage Today's funding note, boxed the same way.
    cards = "".join(
        recipe_card(name, steps, style)
        for name, steps in zip(["Rice", "Egg", "Fried Rice"], CARD_STEPS, strict=True)
    )
    body = body_of(article(head=PUBLISHED, after=cards))
    for steps in CARD_STEPS:
        assert steps[0] in body


def test_a_list_ruled_between_its_items_after_the_story_stays_out() -> None:
    # The Events Calendar (WordPress): upcoming events in a sidebar list, each item ruled off by
    # `border-bottom: 1px dotted`: a rule between items, not a box, and no part of the story.
    events = "".join(
        f'<li style="border-bottom: 1px #c5d4c5 dotted;">{day}. Desember 2026 15:00 {what}</li>'
        for day, what in [(5, "Pasar Natal Kecil"), (12, "Konser Lilin di Balai Kota")]
    )
    body = body_of(article(head=PUBLISHED, after=f"<ul>{events}</ul>"))
    assert body.split("\n")[-1] == PARAGRAPHS[-1]


@pytest.mark.parametrize("style", ["border: solid 1px #f2f2f2;", "background: #fbfcfd;"])
def test_a_bio_box_closing_a_post_is_no_story(style: str) -> None:
    # Französisch Kochen: `div.bio`, boxed, "Über mich" in a span and "Mein Name ist …" after it,
    # in one paragraph closing the recipe post (no heading for the about-box rule to find).
    bio = (
        f'<div class="bio" style="{style}"><p><span style="display: block">'
        "Tentang saya</span>Nama saya Ratna, seorang juru masak yang pindah ke Bandung pada 2006"
        " dan sejak itu menulis resep masakan rumahan untuk blog ini setiap minggu.</p></div>"
    )
    body = body_of(article(head=PUBLISHED, after=bio))
    assert body.split("\n")[-1] == PARAGRAPHS[-1]


def test_a_title_tag_of_sentences_for_search_engines_is_no_headline() -> None:
    # Rezeptwelt: <title> "Nudelsalat von Thermomix Rezeptentwicklung. Ein Thermomix ® Rezept aus
    # der Kategorie sonstige Hauptgerichte auf www.rezeptwelt.de, der Thermomix ® Community.",
    # og:title "Nudelsalat", the `<h1>` a label, a step number and the name.
    seo = f"{TITLE} dari Dapur Kabar. Sebuah resep dari kategori masakan utama di kabar.example."
    html = article(head=PUBLISHED + f'<meta property="og:title" content="{TITLE}">', title_tag=seo)
    html = html.replace(f"<h1>{TITLE}</h1>", f"<h1>RESEP 1 {TITLE} oleh Dapur</h1>")
    assert record(html)["title"] == TITLE


def test_a_title_tag_with_an_abbreviation_stays_the_headline() -> None:
    headline = "U.S. Senate Passes the Flood Relief Bill for Dayeuhkolot Residents"
    html = article(head=PUBLISHED + '<meta property="og:title" content="U.S. Senate">')
    html = html.replace(f"<title>{TITLE} - Kabar.com</title>", f"<title>{headline}</title>")
    html = html.replace(f"<h1>{TITLE}</h1>", "<h1>Berita</h1>")
    assert record(html)["title"] == headline
