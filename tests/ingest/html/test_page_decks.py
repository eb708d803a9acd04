"""A deck under the headline in its header block (#12, found against npm `article`'s own
labels: MLB's `h2.article-subhead`, Computerworld's `h2` in `div#article_header`) is no body
text (`clutter.drop_headline_decks`); a heading among the story's paragraphs is."""

from __future__ import annotations

import lxml.html
import pytest

from recommender.ingest.html.clutter import drop_headline_decks

DECK = "Small number of clear-cut top choices making teams work harder to sort out the talent"
STORY = "".join(
    f"<p>Paragraph {n} of the story, a sentence of running text long enough to count as one of"
    " the story's own paragraphs.</p>"
    for n in range(4)
)


def texts(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    drop_headline_decks(tree)
    return " ".join((tree.text_content() or "").split())


@pytest.mark.parametrize(
    "header",
    [
        '<div class="article-header"><h1>Who goes where</h1><h2 class="article-subhead">{deck}'
        "</h2><p class='byline'>By Jonathan Mayo</p></div>",
        '<div id="article_header"><h1>Who goes where</h1><h2>{deck}</h2><div>By S. G.</div></div>',
        "<header><h1>Who goes where</h1><h3>{deck}</h3></header>",
    ],
)
def test_a_deck_in_the_headlines_header_block_is_dropped(header: str) -> None:
    got = texts(f"<html><body>{header.format(deck=DECK)}{STORY}</body></html>")
    assert DECK not in got
    assert "Who goes where" in got and "Paragraph 3" in got


def test_headings_elsewhere_stay() -> None:
    # Before the headline, in a block that is no header, and among the story's paragraphs.
    for html in (
        f'<div class="article-header"><h2>{DECK}</h2><h1>Who goes where</h1></div>{STORY}',
        f'<div class="title-box"><h1>Who goes where</h1><h2>{DECK}</h2></div>{STORY}',
        f'<div class="article-header"><h1>Who goes where</h1></div>{STORY}<h2>{DECK}</h2>{STORY}',
    ):
        assert DECK in texts(f"<html><body>{html}</body></html>")


def test_a_header_holding_the_story_keeps_its_headings() -> None:
    html = f'<div class="header-articulo"><h1>Who goes where</h1><h2>{DECK}</h2>{STORY}</div>'
    assert DECK in texts(f"<html><body>{html}</body></html>")


def test_lines_above_the_headline_repeated_in_the_text_are_furniture() -> None:
    from recommender.ingest.html.clutter import drop_leading_furniture

    title = "Influenza Virus Mutations Could Result In Pandemic Flu"
    first = "If two bird flu strains mutate, they could create a pandemic, researchers reported."
    lines = [
        "Also Included In: Flu / Cold / SARS; Infectious Diseases / Bacteria / Viruses",
        "Article Date: 07 Jun 2013 - 0:00 PDT",
        title,
        first,
    ]
    assert drop_leading_furniture(lines, title) == [first]
    # A sentence above the repeated headline is the story's: nothing is dropped before it.
    said = "The minister said on Monday that the plan would go ahead as it was announced."
    assert drop_leading_furniture([said, title, first], title) == [said, title, first]


def test_a_page_whose_only_text_is_its_headline_is_refused() -> None:
    from recommender.ingest.html.errors import ExtractionError
    from tests.ingest.html.test_page import PUBLISHED, URL, record

    for header in ("<h1>Banjir di Dayeuhkolot</h1>", "<header><h1>Banjir di Dayeuhkolot</h1><h2>"
                   "Only a deck, and nothing else on this page at all</h2></header>"):  # fmt: skip
        html = (
            f'<html lang="id"><head><title>Banjir di Dayeuhkolot</title><link rel="canonical"'
            f' href="{URL}">{PUBLISHED}</head><body>{header}</body></html>'
        )
        with pytest.raises(ExtractionError, match="only its headline"):
            record(html)
