"""Layouts of held-out batch 36 (#12): pages of older releases of trafilatura's and htmldate's test
caches that later releases dropped, none of which the importer had read. Each test writes the
layout anew, with text of its own."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import record
from tests.ingest.html.test_page_batch34 import STORY, page, story

TOPIC_URL = "https://verband.example/themen/artenvielfalt/loechrige-lebensversicherung"
RDFA_DATE = (
    '<span property="dc:date dc:created" content="2019-05-06T16:22:01+02:00"'
    ' datatype="xsd:dateTime"></span>'
)


def topic_page(url: str, *, og_type: str = "article", dated: bool = True) -> str:
    return page(
        f"<article><h1>{{title}}</h1>{RDFA_DATE if dated else ''}{story()}</article>",
        head=f'<meta property="og:type" content="{og_type}">',
        url=url,
    )


def test_a_story_filed_under_a_topic_word_is_an_article() -> None:
    # Greenpeace (Drupal): `/themen/artenvielfalt/loechrige-lebensversicherung`, og:type article
    # and its time in RDFa beside the byline. "themen" (topics) opens the path of its topic
    # pages, and the story was refused as one.
    got = record(topic_page(TOPIC_URL))
    assert got["url"] == TOPIC_URL
    assert got["published_at"].isoformat() == "2019-05-06T16:22:01+02:00"  # type: ignore[attr-defined]
    assert str(got["body"]).startswith(STORY[0])


@pytest.mark.parametrize(
    ("url", "og_type", "dated"),
    [
        # the topic's own page, and its second page
        ("https://verband.example/themen/artenvielfalt", "article", True),
        ("https://verband.example/themen/artenvielfalt/seite-2", "article", True),
        # a story's slug under the topic word, but nothing says it is a dated article
        (TOPIC_URL, "website", True),
        (TOPIC_URL, "article", False),
        # the listing word deeper in the path: a tag page of a section
        ("https://verband.example/natur/tag/loechrige-lebensversicherung", "article", True),
    ],
)
def test_a_topic_page_is_still_an_index(url: str, og_type: str, dated: bool) -> None:
    with pytest.raises(ExtractionError, match="an index or profile page"):
        record(topic_page(url, og_type=og_type, dated=dated))


# Misses of earlier batches, in layouts written anew.


def test_an_about_box_closing_the_page_is_no_story() -> None:
    # Swasthi's Recipes: "About Swasthi" / "I’m Swasthi Shreekanth, the recipe developer …"; Blue
    # Apron: "About Blue Apron" / "Blue Apron delivers original, step-by-step recipes …". The box
    # has no class that names it, and was read as the story's last lines.
    for heading, line in [
        ("About Maya", "I’m Maya Lestari, the cook and photographer behind this little blog."),
        ("About Kabar Dapur", "Kabar Dapur delivers weekly recipes and fresh ingredients to you."),
        ("Über mich", "Ich bin Anna, und auf diesem Blog schreibe ich über Radwege und Städte."),
    ]:
        html = page(
            f"<h1>{{title}}</h1>{story()}<div class='block'><h3>{heading}</h3><p>{line}</p></div>"
        )
        lines = str(record(html)["body"]).split("\n")
        assert lines[-1] == STORY[-1], heading


def test_a_last_section_about_something_stays() -> None:
    closing = "The study followed two thousand riders for a year, and most kept riding after it."
    html = page(f"<h1>{{title}}</h1>{story()}<h3>About the study</h3><p>{closing}</p>")
    assert str(record(html)["body"]).endswith(closing)


def test_a_section_about_what_the_headline_names_stays() -> None:
    # A recipe's first section, "About Banana Cake", is the story's, however short its box.
    section = "Radwege are lanes for bicycles, and the city wants four more of them by spring."
    html = page(
        f"<h1>{{title}}</h1><div><h2>About Radwege</h2><p>{section}</p></div>{story()}",
        title="Neue Radwege",
        tag="Neue Radwege - Gazette",
    )
    assert section in str(record(html)["body"])
