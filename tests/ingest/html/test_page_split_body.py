"""An article whose text the page splits into sibling blocks of one kind (#12): The Washington
Post's 2013 pages put the first paragraphs in one `div.article_body`, then a rail of graphics
and related stories, then the rest in another `div.article_body`. The importer read only the
second block, so the body started in the middle of the story."""

from __future__ import annotations

from tests.ingest.html.test_page import PUBLISHED, TITLE, URL
from tests.ingest.html.test_page_body import body_of

OPENING = [
    "MOSCOW — The opposition leader was found guilty of embezzlement on Thursday and sentenced"
    " to five years in prison, in a verdict that sent shock waves throughout the country.",
    "The conviction of the campaigner, a leading critic of the president, was widely seen as a"
    " sign that the authorities are determined to crush any challenge to their rule.",
]
REST = [  # the longer block: the extractor kept it alone
    f"Paragraph {n} of the story goes on with what officials, lawyers and supporters said after"
    " the verdict, and with what the trial had shown about the courts of the country, where"
    " judges rarely acquit anyone the prosecutors bring before them, and about the appeal."
    for n in range(3, 13)
]
RAIL = (
    '<div class="side-rail"><p class="caption">The president cracks down on dissent.</p>'
    '<div class="module"><h2><a href="/other">Kerry meets refugees</a></h2>'
    "<p>Anger at the perceived inaction of the rest of the world runs high among the refugees"
    " of the camp, who said they had waited for help for months.</p></div></div>"
)


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def page(story: str, end: str = "") -> str:
    return f"""<html lang="en"><head><title>{TITLE}</title><link rel="canonical" href="{URL}">
{PUBLISHED}</head><body><h1>{TITLE}</h1>{story}{end}</body></html>"""


def test_an_article_split_around_a_rail_is_read_whole_in_page_order() -> None:
    part = '<div class="article_body entry-content"><article>{}</article></div>'
    story = (
        f'<div id="article_body">{part.format(paragraphs(OPENING))}{RAIL}'
        f"{part.format(paragraphs(REST))}</div>"
    )
    body = body_of(page(story))
    assert body.startswith("The opposition leader was found guilty")  # the dateline left out
    assert OPENING[1] in body
    assert body.index(OPENING[1]) < body.index(REST[0])
    assert REST[-1] in body
    assert "refugees" not in body and "cracks down" not in body


def test_a_block_of_the_same_class_under_another_parent_is_not_joined() -> None:
    # Another story's excerpt, in a block of the article's class, in the page's footer.
    excerpt = (
        "Another story of the site begins here with a paragraph long enough to be running text,"
        " and it goes on about something else entirely, a concert in the park on Sunday."
    )
    story = f'<div id="main"><div class="entry">{paragraphs(OPENING + REST)}</div></div>'
    end = f'<footer><div class="entry"><p>{excerpt}</p></div></footer>'
    body = body_of(page(story, end))
    assert REST[-1] in body
    assert "concert" not in body


def test_sibling_teasers_of_one_class_are_not_joined_to_the_story() -> None:
    # Teasers of related stories in blocks of one class beside the story: none of them is in
    # the extracted text, so nothing says the story is split among them.
    teasers = "".join(
        f'<div class="teaser"><h2><a href="/s{n}">Story {n}</a></h2><p>A summary of related story'
        f" number {n}, long enough to read as a sentence of running text about its subject.</p>"
        "</div>"
        for n in range(3)
    )
    story = f'<div id="main"><div class="story">{paragraphs(OPENING + REST)}</div>{teasers}</div>'
    body = body_of(page(story))
    assert REST[-1] in body
    assert "related story" not in body


def test_the_block_read_may_miss_a_paragraph_its_clean_up_dropped() -> None:
    import lxml.html

    from recommender.ingest.html.body import _joined_parts

    part = '<div class="article_body">{}</div>'
    tree = lxml.html.document_fromstring(
        f"<html><body><div>{part.format(paragraphs(OPENING))}{RAIL}"
        f"{part.format(paragraphs(REST))}</div></body></html>"
    )
    text = "\n".join(REST[:4] + REST[5:])  # one of the ten left out
    assert _joined_parts(tree, text) == "\n".join([*OPENING, text])
    # Half of them left out: that block is not the one the text holds.
    assert _joined_parts(tree, "\n".join(REST[::2])) is None


def test_a_block_with_a_headline_of_its_own_is_not_joined() -> None:
    # Blocks of one class listing stories: the one before the text's is another story.
    import lxml.html

    from recommender.ingest.html.body import _joined_parts

    for headline in (
        "<h1>An earlier story</h1>",
        '<h2><a href="/earlier">An earlier story</a></h2>',
    ):
        tree = lxml.html.document_fromstring(
            f'<html><body><div><article class="post">{headline}{paragraphs(OPENING)}</article>'
            f'<article class="post">{paragraphs(REST)}</article></div></body></html>'
        )
        assert _joined_parts(tree, "\n".join(REST)) is None
    # The same blocks without headlines are one story's parts.
    tree = lxml.html.document_fromstring(
        f'<html><body><div><article class="post">{paragraphs(OPENING)}</article>'
        f'<article class="post">{paragraphs(REST)}</article></div></body></html>'
    )
    assert _joined_parts(tree, "\n".join(REST)) == "\n".join([*OPENING, *REST])


def test_at_most_three_blocks_are_joined_before_the_one_held() -> None:
    import lxml.html

    from recommender.ingest.html.body import MAX_PARTS_BEFORE, _joined_parts

    texts = [f"{n}. {REST[0]}" for n in range(10)]
    tree = lxml.html.document_fromstring(
        "<html><body><div>"
        + "".join(f'<div class="entry"><p>{t}</p></div>' for t in texts)
        + "</div></body></html>"
    )
    joined = _joined_parts(tree, texts[-1])
    assert joined == "\n".join(texts[-1 - MAX_PARTS_BEFORE :])
