"""Lists that end a story (#12): the items a story's own last sentence introduces stay in its
body, bulleted or numbered in their text; short lines after the last sentence that are no such
list still go as furniture."""

from __future__ import annotations

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, record

ITEMS = [
    "Wrap blouse, Net-A-Porter, $167",
    "Feline festive socks, Modcloth, $8",
    "Wedgie fit jeans, Levi’s, $89.50",
    "Holiday earrings, Kohl’s, $7",
]


def body_lines(after: str) -> list[str]:
    return str(record(article(head=PUBLISHED, after=after))["body"]).split("\n")


def test_a_numbered_list_the_story_introduces_at_its_end_stays() -> None:
    items = "".join(f"<p>{n}. {item}</p>" for n, item in enumerate(ITEMS, start=1))
    lines = body_lines(f"<p>Shop the illustration here:</p>{items}")
    assert lines[: len(PARAGRAPHS)] == PARAGRAPHS
    assert lines[len(PARAGRAPHS) :] == [
        "Shop the illustration here:",
        *(f"{n}. {item}" for n, item in enumerate(ITEMS, start=1)),
    ]


def test_lines_numbered_out_of_order_after_the_story_are_still_furniture() -> None:
    items = "".join(f"<p>{n}. {item}</p>" for n, item in zip((2, 5, 9, 4), ITEMS, strict=True))
    assert body_lines(f"<p>Shop the illustration here:</p>{items}") == PARAGRAPHS


def test_a_numbered_list_no_sentence_introduces_is_still_furniture() -> None:
    items = "".join(f"<p>{n}. {item}</p>" for n, item in enumerate(ITEMS, start=1))
    assert body_lines(items) == PARAGRAPHS


def test_a_bulleted_list_the_story_introduces_stays_as_before() -> None:
    items = "".join(f"<li>{item}</li>" for item in ITEMS)
    lines = body_lines(f"<p>Shop the illustration here:</p><ul>{items}</ul>")
    assert lines[len(PARAGRAPHS) :] == ["Shop the illustration here:", *(f"- {i}" for i in ITEMS)]


INGREDIENTS = [
    "250 g dada ayam",
    "1 sdt garam",
    "2 butir telur",
    "100 g tepung terigu",
    "150 g keju parut",
    "300 g krim asam",
    "50 ml air",
    "1 ikat daun dill",
    "2 siung bawang putih",
    "100 g beras",
]


def test_a_list_opening_the_story_is_never_cut_apart() -> None:
    # Street Kitchen, Owen Han, Innit: a recipe whose text opens with its ingredients under a
    # heading, short lines and no JSON-LD naming them. The short lines before the first sentence
    # go as furniture, at most eight of them: the cut fell inside the list and the body began with
    # its last items. The list stays whole, with its heading.
    items = "".join(f"<li>{item}</li>" for item in INGREDIENTS)
    bulleted = [f"- {item}" for item in INGREDIENTS]
    html = article(head=PUBLISHED, before=f"<h2>Bahan</h2><ul>{items}</ul>")
    assert str(record(html)["body"]).split("\n") == ["Bahan", *bulleted, *PARAGRAPHS]
    # Lists with short headings between them stay whole together.
    first = "".join(f"<li>{item}</li>" for item in INGREDIENTS[:6])
    second = "".join(f"<li>{item}</li>" for item in INGREDIENTS[6:])
    before = f"<h2>Bahan</h2><ul>{first}</ul><h3>Saus</h3><ul>{second}</ul>"
    lines = str(record(article(head=PUBLISHED, before=before))["body"]).split("\n")
    assert lines == ["Bahan", *bulleted[:6], "Saus", *bulleted[6:], *PARAGRAPHS]
    # A list under no heading right before the story's first paragraph goes whole, as before: a
    # summary's bullets or a menu ("- News Home", "- Hot Topics"), however long.
    html = article(head=PUBLISHED, before=f"<ul>{items}</ul>")
    assert str(record(html)["body"]).split("\n") == PARAGRAPHS
    short = "".join(f"<li>{item}</li>" for item in INGREDIENTS[:3])
    html = article(head=PUBLISHED, before=f"<p>Oleh Rina</p><ul>{short}</ul>")
    assert str(record(html)["body"]).split("\n") == PARAGRAPHS
