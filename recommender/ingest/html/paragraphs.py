"""Loose text beside paragraphs becomes a paragraph of its own, before extraction.

Some CMSs write the article's first paragraph straight into the container and only the later ones
in `<p>` or `<div>` (`<div class="news"><b>Site</b> - First sentence... <p>Second...</p></div>`).
The extractor keeps the blocks and drops the loose run, so the body started at the second
paragraph.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from recommender.ingest.html import cjk

# Elements that end a run of inline content (a `<br>` stays inside the run it breaks).
BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "table", "tr", "td"}
    | {"section", "article", "main", "header", "footer", "nav", "aside", "form", "center"}
    | {"figure", "figcaption", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
)
# A run is wrapped only when its own text reads like prose: short runs ("Baca juga:", "Foto:")
# and text held in one inline element (a standfirst `<span>`) stay as they were, so what the
# extractor dropped before still drops.
MIN_PROSE_CHARS = 80
WORDS = re.compile(r"\w+")
Run = tuple[str | None, list[HtmlElement], HtmlElement | None]


def wrap_loose_text(tree: HtmlElement) -> None:
    """In every element that has `<p>` or `<div>` children, put each prose-long run of text and
    inline elements between its blocks into a new `<p>`."""
    for parent in tree.xpath("//*[p or div]"):
        _wrap_runs(parent)


# Inline elements a page may wrap its story's paragraphs in, and the paragraphs of prose one must
# hold to be taken for such a wrapper.
INLINE_CONTAINERS = frozenset({"span", "font"})
CONTAINER_PARAGRAPHS = 2


def _holds_paragraphs(element: HtmlElement) -> bool:
    """An inline element holding paragraphs of prose (Reuters' `<span id="article-text">` around
    the story's `<p>`s): a block, as a browser lays it out, never wrapped into a new `<p>` as a
    run of inline text (its paragraphs became one line). One holding a single `<p>` is inline
    still (a photo credit's `<span><p>Getty Images</p></span>` in a caption, a recipe step's
    `<span>` around its heading and text), and so is one after inline prose beside it (an
    ASP.NET story's opening in one `<span>`, an ad slot, the rest in the next: wrapped whole, the
    rest stays with the opening, which the extractor otherwise dropped)."""
    if element.tag not in INLINE_CONTAINERS:
        return False
    prose = sum(1 for p in element.iterchildren("p") if _reads_as_prose(p.text_content() or ""))
    return prose >= CONTAINER_PARAGRAPHS and not _inline_prose_before(element)


def _inline_prose_before(element: HtmlElement) -> bool:
    """Text outside blocks before `element` in its parent reads as prose."""
    parent = element.getparent()
    texts = [parent.text or ""] if parent is not None else []
    for sibling in element.itersiblings(preceding=True):
        texts.append(sibling.tail or "")
        if isinstance(sibling.tag, str) and sibling.tag.lower() not in BLOCKS:
            texts.append(sibling.text_content() or "")
    return _reads_as_prose(" ".join(texts))


def _is_block(element: HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return True
    return element.tag.lower() in BLOCKS or _holds_paragraphs(element)


def _runs(parent: HtmlElement) -> list[Run]:
    """(leading text, inline elements, the block that ends the run) in order; the last run has no
    block. A block's tail is the next run's leading text."""
    runs: list[Run] = []
    text: str | None = parent.text
    inline: list[HtmlElement] = []
    for child in parent:
        if _is_block(child):
            runs.append((text, inline, child))
            text, inline = child.tail, []
        else:
            inline.append(child)
    runs.append((text, inline, None))
    return runs


def _reads_as_prose(text: str) -> bool:
    """80 characters and 8 words of text, a Chinese character weighing as a word (cjk)."""
    words = " ".join(WORDS.findall(text))
    return cjk.weight(words) >= MIN_PROSE_CHARS and cjk.words(words) >= 8


def _is_container(element: HtmlElement) -> bool:
    return any(_is_block(child) for child in element) and _reads_as_prose(element.text_content())


def _is_prose(text: str | None, inline: list[HtmlElement], parts: frozenset[str]) -> bool:
    """The run's own text reads like prose, or the run holds an inline element used as a
    container (`<span itemprop="articleBody">` around `<div>`s), or prose in an element of the
    tag that holds the story's other parts beside it (`parts`: an ASP.NET page writes the story's
    first paragraphs into one `<span>` and the rest, as `<p>`s, into the next). Other prose held
    in one inline element (a standfirst `<span>`, a byline `<b>`) is no loose paragraph."""
    own = (text or "") + "".join(e.tail or "" for e in inline)
    if _reads_as_prose(own):
        return True
    return any(
        _is_container(e) or (e.tag in parts and _reads_as_prose(e.text_content())) for e in inline
    )


def _wrap_runs(parent: HtmlElement) -> None:
    runs = _runs(parent)
    # Tags of the inline containers among the parent's children (see _is_prose).
    parts = frozenset(e.tag for _, inline, _ in runs for e in inline if _is_container(e))
    if not any(_is_prose(text, inline, parts) for text, inline, _ in runs):
        return
    del parent[:]
    parent.text = None
    last: HtmlElement | None = None
    for text, inline, block in runs:
        if _is_prose(text, inline, parts):
            paragraph = parent.makeelement("p", {})
            paragraph.text = text
            for element in inline:
                paragraph.append(element)
            parent.append(paragraph)
            last = paragraph
        else:
            if last is None:
                parent.text = text
            else:
                last.tail = text
            for element in inline:
                parent.append(element)
                last = element
        if block is not None:
            block.tail = None
            parent.append(block)
            last = block
    _paragraph_divs(parent)


def _paragraph_divs(parent: HtmlElement) -> None:
    """Beside paragraphs of loose text, a bare `<div>` of inline text is a paragraph too (Blogger
    writes a post's closing lines as `<div>We hope you enjoy …</div>` after its `<br>` lines):
    once the loose text is in paragraphs, the extractor keeps paragraphs only. A bare `<div>`
    holding such `<div>`s is looked into; one with attributes is a box of its own."""
    for child in parent.iterchildren("div"):
        if child.attrib:  # a class, an id, a style: a box of its own (a centred caption)
            continue
        if not any(_is_block(grandchild) for grandchild in child):
            if (child.text_content() or "").strip():
                child.tag = "p"
        elif all(not isinstance(g.tag, str) or g.tag in ("div", "br") for g in child):
            _paragraph_divs(child)
