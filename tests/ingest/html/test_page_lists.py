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
