"""Where the body starts and what closes it (#12, leave-one-publisher-out review): a standfirst
heading that repeats the description is the lead, not the body's start; general furniture lines
(a closing desk tag, a topics list, full-width bracketed notices, an author's social handle)."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, article, record

DEK = "Sungai Citarum meluap lagi; warga yang mengungsi kini menunggu bantuan di tempat yang lebih tinggi"


def described(html: str) -> str:
    return html.replace("</head>", f'<meta property="og:description" content="{DEK}"></head>')


def body_of(html: str) -> str:
    return str(record(html)["body"])


@pytest.mark.parametrize(
    "standfirst",
    [
        f"<h2>{DEK}</h2>",
        f'<h2 class="dek"> {DEK}. </h2><span class="byline">Rina Wulandari</span>',
        f'<div itemprop="description">{DEK}</div>',
    ],
)
def test_a_standfirst_repeating_the_description_is_the_lead_not_the_body(standfirst: str) -> None:
    # As pages print it: under the headline, apart from the paragraphs in their own container.
    html = (
        described(article(head=PUBLISHED))
        .replace(
            f"<h1>{TITLE}</h1>",
            f'<div class="top"><h1>{TITLE}</h1>{standfirst}</div><div class="text">',
        )
        .replace("</article>", "</div></article>")
    )
    got = record(html)
    assert str(got["body"]).startswith(PARAGRAPHS[0])
    assert got["lead"] == DEK


RECIPE_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Recipe",'
    f' "name": "{TITLE}", "recipeIngredient": ["1 kg beras", "2 butir telur"]}}</script>'
)


@pytest.mark.parametrize(
    "headnote",
    [
        f"<h2>{DEK}.</h2>",
        f'<p class="intro">{DEK}.</p>',
    ],
)
def test_a_recipe_s_headnote_under_its_headline_is_the_body_s_start(headnote: str) -> None:
    # Food & Wine's `h2.article-subheading`, ICA's and Forks Over Knives' intro paragraph: on a
    # recipe's page the prose under the headline is the headnote, the text the cook reads first,
    # not a news story's standfirst; the lead is still the description.
    html = (
        described(article(head=PUBLISHED + RECIPE_LD))
        .replace(
            f"<h1>{TITLE}</h1>",
            f'<div class="top"><h1>{TITLE}</h1>{headnote}</div><div class="text">',
        )
        .replace("</article>", "</div></article>")
    )
    got = record(html)
    assert str(got["body"]).split("\n")[:2] == [f"{DEK}.", PARAGRAPHS[0]]
    assert got["lead"] == DEK


def test_a_heading_naming_the_dish_under_a_recipe_s_headline_still_goes() -> None:
    # A heading that only names the dish the description names is no headnote.
    name = "Nasi goreng kampung pedas"
    html = (
        article(head=PUBLISHED + RECIPE_LD)
        .replace(
            "</head>",
            f'<meta property="og:description" content="{name} - resep mudah untuk'
            ' makan malam keluarga di rumah"></head>',
        )
        .replace(
            f"<h1>{TITLE}</h1>",
            f'<div class="top"><h1>{TITLE}</h1><h2>{name}</h2></div><div class="text">',
        )
        .replace("</article>", "</div></article>")
    )
    assert body_of(html).startswith(PARAGRAPHS[0])


def test_a_heading_among_the_articles_paragraphs_stays_in_the_body() -> None:
    # A bold lede written as <h2> above the <p>s it belongs with is the article's first paragraph.
    first = f"<h2>{DEK}</h2>"
    html = described(article(head=PUBLISHED, before=first))
    assert body_of(html).startswith(DEK)


def test_a_paragraph_repeating_the_description_stays_in_the_body() -> None:
    html = described(article(head=PUBLISHED, paragraphs=[DEK + ".", *PARAGRAPHS]))
    assert body_of(html).startswith(DEK)


@pytest.mark.parametrize(
    "closing",
    [
        "(bsc)",
        "Topics: banjir, Bandung, BPBD Jawa Barat, Sungai Citarum, pengungsian",
        "【Hak cipta tulisan ini milik Kabar. Dilarang mengutip tanpa izin.】",
        "Rina Wulandari is on Twitter at rinawulan.",
        "Follow her on Twitter @rinawulan or email rina@kabar.example",
    ],
)
def test_closing_furniture_lines_leave_the_body(closing: str) -> None:
    html = article(head=PUBLISHED, after=f"<p>{closing}</p>")
    body = body_of(html)
    assert body.endswith(PARAGRAPHS[-1]) and closing not in body


def test_a_sentence_with_a_parenthesis_or_a_topic_word_is_kept() -> None:
    last = "Warga diminta waspada (BMKG) terhadap hujan lebat hingga akhir pekan ini di Bandung."
    topics = "Topics like flood relief were discussed at length by the regional council on Monday."
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, topics, last]))
    assert body.endswith(last) and topics in body
