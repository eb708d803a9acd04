"""Layouts of older publishers' pages (#12, held-out batch 13: US, UK and Indian news sites saved
in 2013), on small pages written here."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

OPENING = "nother day, another flood: " + PARAGRAPHS[0]


def body_of(html: str) -> str:
    return str(record(html)["body"])


@pytest.mark.parametrize(
    "cap", ['<div class="nfInitial">A</div>', '<span class="dropcap">A</span>', "<div>A</div>"]
)
def test_a_drop_cap_element_goes_back_to_its_paragraphs_first_word(cap: str) -> None:
    html = article(head=PUBLISHED, before=cap, paragraphs=[OPENING, *PARAGRAPHS[1:]])
    assert body_of(html).startswith("Another day, another flood: Hujan deras")


@pytest.mark.parametrize(
    ("before", "first"),
    [
        ("<div>A</div>", PARAGRAPHS[0]),  # the paragraph starts its own sentence
        ("<div>a</div>", OPENING),  # no capital
        ("<div>AB</div>", OPENING),  # more than a letter
    ],
)
def test_other_short_elements_are_not_drop_caps(before: str, first: str) -> None:
    body = body_of(article(head=PUBLISHED, before=before, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert "Another day" not in body
    assert first[:30] in body


def noscript_page(outside: str) -> str:
    """A page drawing its story with a script, the story in `<noscript>` for readers without."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html lang="id"><head><title>{TITLE}</title>
<link rel="canonical" href="{URL}">{PUBLISHED}</head><body>
<div id="rail">{outside}</div><ul id="stream"><script>draw("story")</script><noscript>
<li><h1>{TITLE}</h1><p class="byline">By Ani</p><div class="full">{story}</div></li>
</noscript></ul><noscript><img src="https://kabar.example/pixel.gif"></noscript></body></html>"""


def test_an_article_given_only_to_readers_without_scripts_is_read() -> None:
    # The page's own visible text is a blurb about the site.
    page = noscript_page("<p>Latest Headlines is the home of all the news, as it happens.</p>")
    assert body_of(page).startswith(PARAGRAPHS[0])


def test_a_noscript_copy_of_a_story_already_on_the_page_is_not_read_twice() -> None:
    page = noscript_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    body = body_of(page)
    assert body.startswith(PARAGRAPHS[0])
    assert body.count(PARAGRAPHS[1]) == 1


def test_a_storys_first_paragraphs_in_a_span_beside_the_span_of_the_rest_are_read() -> None:
    # An ASP.NET story: its opening in one <span>, an ad slot, the rest as <p>s in the next one.
    first, rest = PARAGRAPHS[0], "".join(f"<P>{p}</P>" for p in PARAGRAPHS[1:])
    story = (
        f'<div class="body_txt"><span id="Para1">{first}</span><div class="ad"></div>'
        f'<span id="Para2">{rest}</span></div>'
    )
    body = body_of(article(head=PUBLISHED, paragraphs=[], after=story))
    assert body.startswith(first)
    assert PARAGRAPHS[2] in body


def test_a_standfirst_span_without_the_storys_parts_beside_it_stays_out() -> None:
    standfirst = "Ribuan warga mengungsi setelah Sungai Citarum meluap, dan petugas masih mendata."
    story = f'<div class="body_txt"><span class="standfirst">{standfirst}</span>' + "".join(
        f"<p>{p}</p>" for p in PARAGRAPHS
    )
    body = body_of(article(head=PUBLISHED, paragraphs=[], after=story + "</div>"))
    assert body.startswith(PARAGRAPHS[0])
