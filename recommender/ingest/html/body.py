"""The article's text: furniture pruned, the main text extracted (trafilatura), lines cleaned."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection

from lxml.html import HtmlElement

from recommender.ingest.html import cjk, clutter, pagekind, paragraphs
from recommender.ingest.text import CLUTTER_LINE as EMBED_CLUTTER_LINE

WHITESPACE = re.compile(r"[ \t\r\f\v\xa0\u200b]+")
# Furniture lines known before this package (login prompts, related/share headings).
PROMPT_LINE = re.compile(
    r"^\s*(?:"
    r"(?=.{0,120}$)(?:silakan |silahkan |please )?"
    r"(?:masuk|login|log in|daftar|sign in|sign up|subscribe|berlangganan)\b.*"
    r"\b(?:baca|membaca|artikel|lanjut|melanjutkan|akses|komentar|berkomentar|read|continue|access)\b.*"
    r"|(?:berita|artikel|baca) (?:terkait|lainnya|terpopuler|pilihan)\s*:?"
    r"|related (?:articles?|stories|news|posts)\s*:?"
    r"|(?:bagikan|share)(?: (?:artikel|berita|this|this article))?\s*:?"
    r")\s*$",
    re.IGNORECASE,
)


BLOCK_TAGS = frozenset(
    {"p", "div", "li", "br", "blockquote", "tr", "section", "article", "ul", "ol", "figure"}
    | {"figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed's summary), one line per block, clutter dropped."""
    if "<" not in fragment:
        return clean_lines(fragment)
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on broken markup
        return clean_lines(re.sub(r"<[^>]+>", " ", fragment))
    return clean_lines(block_lines(root))


def element_text(element: HtmlElement, *, bullets: bool = False) -> str:
    """An element's text as a browser shows it, a line per block (`block_lines`), source line
    breaks folded; its tail left out and the page untouched; nothing else dropped."""
    shown = copy.deepcopy(element)
    shown.tail = None
    fold_source_newlines(shown)
    return block_lines(shown, bullets=bullets)


def block_lines(root: HtmlElement, *, bullets: bool = False) -> str:
    """An element's text, one line per block, scripts and styles left out, nothing else dropped
    (marks the blocks' ends in `root`'s text and tails); with `bullets`, a list item's line
    opens with "- ", as the extractor writes it."""
    if isinstance(root.tag, str) and root.tag.lower() in ("script", "style"):
        return ""  # a script's template (`<script type="text/template">`) shows nothing
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for element in root.iter():
        if bullets and isinstance(element.tag, str) and element.tag.lower() == "li":
            element.text = "- " + (element.text or "").lstrip()
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            # A block starts a line as well as ending one (`<b>Tips</b><li>Sauerbraten…`).
            previous, parent = element.getprevious(), element.getparent()
            if previous is not None:
                previous.tail = (previous.tail or "") + "\n"
            elif parent is not None:
                parent.text = (parent.text or "") + "\n"
            element.tail = "\n" + (element.tail or "")
    text = str(root.text_content())
    # an item whose text is in a block of its own (`<li><p>…</p></li>`): its bullet opens that
    return BARE_BULLET.sub("- ", text) if bullets else text


BARE_BULLET = re.compile(r"^[ \t]*-[ \t]*\n(?:[ \t]*\n)*[ \t]*", re.MULTILINE)


def plain_text(fragment: str) -> str:
    """A one-line text (a title) with markup removed and whitespace folded; nothing dropped."""
    if "<" in fragment:
        import lxml.html

        try:
            fragment = lxml.html.fragment_fromstring(fragment, create_parent="div").text_content()
        except Exception:  # lxml raises several types on broken markup
            fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", fragment).strip()


def has_running_text(text: str) -> bool:
    """Some line of `text` is a sentence's worth of running text, not only menu items."""
    return any(cjk.weight(line) >= PARAGRAPH_WEIGHT for line in text.splitlines())


def is_furniture(line: str) -> bool:
    return bool(
        EMBED_CLUTTER_LINE.match(line) or PROMPT_LINE.match(line) or clutter.is_clutter_line(line)
    )


def clean_lines(text: str, *, title: str = "", content: Collection[str] = ()) -> str:
    """Fold whitespace per line; drop furniture lines, what precedes the first sentence, and the
    dateline before it ("JAKARTA, KOMPAS.com - "). Lines the page's metadata names as its content
    (`content`, squashed: a recipe's ingredients) are never taken for what precedes it."""
    kept = clutter.drop_leading_furniture(_furnitureless(text), title, content)
    return _joined(clutter.drop_trailing_furniture(kept), title)


def _furnitureless(text: str) -> list[str]:
    """The lines of `text`, whitespace folded, without empty ones, lists of other stories, a
    legal foot or furniture lines."""
    lines = [WHITESPACE.sub(" ", line).strip() for line in text.splitlines()]
    lines = clutter.drop_legal_foot(clutter.drop_story_lists([line for line in lines if line]))
    lines = clutter.drop_from_comment_notice(clutter.drop_after_end_mark(lines))
    lines = clutter.drop_comment_threads(lines)
    return [line for line in lines if not is_furniture(line)]


def _joined(lines: list[str], title: str) -> str:
    """The lines as text, the dateline before the first sentence stripped."""
    if lines:
        lines[0] = clutter.strip_dateline(lines[0], title)
    return "\n".join(line for line in lines if line)


def clean_named_lines(text: str, *, title: str = "", opening: bool = False) -> str:
    """`clean_lines` for text a site rule names as the story: furniture lines, lists of other
    stories, a legal foot and the dateline go, and short lines before the first sentence (a
    section's label, a byline), but not a list there and the short heading above it (a recipe's
    "Bahan" and its ingredients), nor any with `opening` (the rule's `keep_opening`: lyrics, an
    agenda); short lines closing it stay (the publisher named the element)."""
    kept = _furnitureless(text)
    start = 0 if opening else clutter.leading_end(kept, title)
    listed = next((at for at, line in enumerate(kept) if clutter.LIST_ITEM.match(line)), len(kept))
    if listed < start:
        heading = listed > 0 and len(kept[listed - 1]) < clutter.LEADING_SHORT
        start = listed - 1 if heading else listed
    return _joined(kept[start:] if start < len(kept) else kept, title)


def main_text(
    tree: HtmlElement,
    url: str | None,
    title: str = "",
    description: str = "",
    *,
    headnote: bool = False,
) -> str:
    """The article's text as lines (one per paragraph), before line cleaning; a standfirst that
    repeats the page's `description` is left to the lead, except with `headnote` (a recipe's or
    how-to's page: the text under its headline is the headnote, the prose of a card)."""
    from lxml import etree

    pruned = copy.deepcopy(tree)
    # A comment before a paragraph's text (`<p><!--StartFragment-->Text`) leaves the text as the
    # comment's tail, which the extractor skips: strip comments, keeping their tails.
    etree.strip_tags(pruned, etree.Comment)
    keep_noscript_article(pruned)
    for bad in pruned.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    fold_source_newlines(pruned)
    drop_empty_inline(pruned)
    unwrap_story_forms(pruned)
    keep_times_in_sentences(pruned)
    join_drop_caps(pruned)
    clutter.drop_alt_captions(pruned)
    clutter.drop_figure_captions(pruned)
    if not headnote:
        clutter.drop_intro_standfirst(pruned)
    clutter.drop_embedded_media(pruned)
    clutter.drop_social_embeds(pruned)
    clutter.drop_signup_boxes(pruned)
    clutter.drop_about_boxes(pruned, title)
    clutter.drop_link_paragraphs(pruned)
    clutter.drop_teaser_cards(pruned)
    clutter.drop_before_headline(pruned, title)
    clutter.drop_following_stories(pruned, title)
    clutter.drop_standfirst(pruned, description, keep_prose=headnote)
    clutter.drop_headline_decks(pruned)
    close_open_headings(pruned)
    demote_prose_headings(pruned)
    clutter.prune(pruned)
    clutter.drop_sidebars(pruned)
    clutter.unmark_story_blocks(pruned)
    clutter.unmark_bottom_zones(pruned)
    paragraphs.wrap_loose_text(pruned)
    unlink_words_in_sentences(pruned)
    unlink_written_addresses(pruned)
    unbox_bordered(pruned)
    text = _extract(copy.deepcopy(pruned), url, precision=True)
    # Precision first; on pages it finds nothing in (unusual markup), recall; and last the same
    # tree as markup, parsed again by the extractor: on some pages (one of the held-out batch 7)
    # it finds nothing in a tree handed over and all of the article in its own parse of it.
    import lxml.html

    text = (
        text
        or _extract(copy.deepcopy(pruned), url, precision=False)
        or _extract(lxml.html.tostring(pruned, encoding="unicode"), url, precision=False)
    )
    text = _container_text(pruned, url, text) or text
    text = _joined_parts(pruned, text) or text
    return _restored_ledes(pruned, text)


# The extractor's text counts as having missed the article when it holds less than this share
# of the paragraphs of the page's densest block (see _container_text).
MISSED_SHARE = 0.3
PARAGRAPH_WEIGHT = 60  # cjk.weight of a paragraph of running text (a sentence or more)
MIN_CONTAINER_WEIGHT = 300  # a story's worth: three sentences
OUTWEIGHED = 4  # a block saying four times what the extractor found is the article it missed
WRAPPER_SHARE = 1.3  # an element holding little text besides one paragraph only wraps it


def _chars(text: str | None) -> int:
    """The characters of `text` that are not white space."""
    return len("".join(text.split())) if text else 0


def char_counts(root: HtmlElement) -> dict[HtmlElement, int]:
    """Every element's text (`text_content()`: its own and its descendants' text, scripts'
    included, comments' not) counted without white space, in one pass from the leaves up:
    asking each element its `text_content()` reads a page nested thousands deep in quadratic
    time."""
    counts: dict[HtmlElement, int] = {}
    for element in reversed(list(root.iter())):  # an element's children before it
        if not isinstance(element.tag, str):  # a comment's or an instruction's text is none
            continue
        count = _chars(element.text)
        for child in element:
            count += counts.get(child, 0) + _chars(child.tail)
        counts[element] = count
    return counts


def densest_container(tree: HtmlElement) -> tuple[HtmlElement | None, list[str]]:
    """The element whose own paragraphs (`<p>`, WeChat's `<section>`s) say the most (cjk.weight,
    link text left out), with those paragraphs: where the article's text is."""
    found: dict[HtmlElement, list[str]] = {}
    scores: dict[HtmlElement, int] = {}
    top = next(reversed(list(tree.iterancestors())), tree)  # where the blocks' wrappers end
    sizes = char_counts(top)
    furniture: dict[HtmlElement, bool] = {}  # each element asked once, however many blocks
    for block in tree.xpath(".//p|.//section[not(.//p) and not(.//section)]"):
        text, weight = _unlinked_weight(block)
        if weight < PARAGRAPH_WEIGHT or _in_footer_or_sidebar(block, furniture):
            continue
        # A paragraph wrapped in a `<div>` of its own (NetEase) counts for the wrappers' parent.
        inner, parent = block, block.getparent()
        while parent is not None and sizes[parent] <= WRAPPER_SHARE * sizes[inner]:
            inner, parent = parent, parent.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + weight
            found.setdefault(parent, []).append(text)
    if not scores:
        return None, []
    best = max(scores, key=lambda e: scores[e])
    return best, found[best]


# Where a page keeps what is never its article, however much text it holds: its footer's terms,
# policies and credits, a sidebar's list of the latest news written as one long paragraph.
FURNITURE_HOLDERS = frozenset({"footer", "aside"})
FURNITURE_NAMES = ("footer", "sidebar")


def _in_footer_or_sidebar(block: HtmlElement, known: dict[HtmlElement, bool]) -> bool:
    """Inside the page's footer or a sidebar (`<footer>`, `<div id="footer">`,
    `class="site-footer"`, `class="more-news-sidebar"`; not a layout's `with-sidebar-right` or
    `has-sidebar`). `known`: whether an element is furniture or inside it, for the ancestors
    asked already (kept across a page's blocks, so that each element is asked once)."""
    unknown: list[HtmlElement] = []
    inside = False
    for element in block.iterancestors():
        if element in known:
            inside = known[element]
            break
        unknown.append(element)
    for element in reversed(unknown):  # from the outermost down
        inside = (
            inside
            or element.tag in FURNITURE_HOLDERS
            or clutter.names_furniture(element, FURNITURE_NAMES)
        )
        known[element] = inside
    return inside


def _container_text(pruned: HtmlElement, url: str | None, text: str) -> str | None:
    """The densest block's text where the extractor's holds less than `MISSED_SHARE` of its
    paragraphs and says less than it: on portal pages (NetEase, Hexun, WeChat) it took a comment box's notice, a
    disclaimer or a QR code's caption for the article, beside a story of 600 to 1,900
    characters."""
    # Only where the extractor found no story at all: less than a story's worth of running text
    # (a disclaimer) beside a block of several paragraphs; a short story it found stands.
    # Or where what it found says a small part of what that block says (a reader's comment beside
    # a 3,000-character story).
    container, blocks = densest_container(pruned)
    weight = sum(cjk.weight(b) for b in blocks)
    if container is None or weight < MIN_CONTAINER_WEIGHT:
        return None
    said = cjk.weight(text)
    if said >= weight:
        return None
    lines = (cjk.weight(line.strip()) for line in text.splitlines())
    running = sum(w for w in lines if w >= pagekind.PARAGRAPH_CHARS)
    if running >= MIN_CONTAINER_WEIGHT and weight < OUTWEIGHED * said:
        return None
    folded = "".join(text.split())
    kept = sum(cjk.weight(b) for b in blocks if "".join(b.split()) in folded)
    if kept >= MISSED_SHARE * weight:
        return None
    import lxml.html

    document = lxml.html.document_fromstring("<html><body></body></html>")
    document.find("body").append(copy.deepcopy(container))
    return _extract(document, url, precision=False) or None


def _unlinked_weight(block: HtmlElement) -> tuple[str, int]:
    """A paragraph's text (white space collapsed) and what it says besides its links' text
    (cjk.weight): at PARAGRAPH_WEIGHT or more, running text."""
    # Link text weighed as the paragraph is (a CJK character thrice): counted in characters, a
    # Chinese box of linked headlines kept two thirds of its weight as "running text".
    linked = sum(cjk.weight(" ".join((a.text_content() or "").split())) for a in block.iter("a"))
    text = clutter.flat_text(block)
    return text, cjk.weight(text) - linked


def _running_paragraphs(element: HtmlElement) -> list[str]:
    """The element's paragraphs of running text (a sentence or more, links left out), each with
    its white space removed."""
    found = []
    for block in element.iter("p"):
        text, weight = _unlinked_weight(block)
        if weight >= PARAGRAPH_WEIGHT:
            found.append(text.replace(" ", ""))
    return found


HELD_SHARE = 0.8  # of a block's paragraphs in the extractor's text: it holds that block
MAX_PARTS_BEFORE = 3  # blocks of a split story joined before the one the text holds


def _share_in(paragraphs: list[str], folded: str) -> float:
    return sum(1 for p in paragraphs if p in folded) / len(paragraphs)


def _headed(element: HtmlElement) -> bool:
    """Whether a block carries a headline of its own (an `<h1>`, or a heading that links
    elsewhere): another story's, on a page listing several in blocks of one class."""
    return element.find(".//h1") is not None or bool(
        element.xpath(".//h2[.//a]|.//h3[.//a]|.//h4[.//a]")
    )


def _joined_parts(pruned: HtmlElement, text: str) -> str | None:
    """The whole article where the page splits its text into sibling blocks of one kind (the
    same parent, tag and class: The Washington Post's `div.article_body` before and after an
    inline rail of graphics and related stories) and the extractor's text holds the running
    paragraphs of one of them (most: `HELD_SHARE`, as the text's clean-up may drop one) but none
    of the block just before it: that block's paragraphs, then the text. Only the blocks right
    before the first one held (a story's beginning): the extractor's choice of where the story
    ends stands, and blocks of the same class elsewhere (another story's excerpt, a footer's
    notices, a comment policy) are never joined, nor a block with a headline of its own."""
    folded = "".join(text.split())
    kinds: dict[tuple[HtmlElement | None, str, str], list[HtmlElement]] = {}
    for element in pruned.xpath("//div[@class]|//section[@class]|//article[@class]"):
        key = (element.getparent(), element.tag, " ".join(element.get("class", "").split()))
        kinds.setdefault(key, []).append(element)
    for (_, _, name), members in kinds.items():
        if len(members) < 2 or not name:
            continue
        parts = [_running_paragraphs(member) for member in members]
        held = [bool(ps) and _share_in(ps, folded) >= HELD_SHARE for ps in parts]
        if not any(held):
            continue
        first = start = held.index(True)
        while (
            start > max(0, first - MAX_PARTS_BEFORE)
            and parts[start - 1]
            and not any(p in folded for p in parts[start - 1])
            and not _headed(members[start - 1])
        ):
            start -= 1
        if start == first:
            continue
        lines = [
            clutter.flat_text(block)
            for member in members[start:first]
            for block in member.iter("p")
        ]
        return "\n".join([line for line in lines if line] + [text])
    return None


# The least a first line must say to be found again in the page (a sentence, not a label).
MIN_OPENER_CHARS = 40
LEDE_BLOCKS = frozenset({"p", "div"})


# The most opening paragraphs restored before the extractor's text: the first paragraph, and one
# before it in a wrapper of its own (a drop-capped paragraph before the rest's wrapper).
MAX_RESTORED_LEDES = 2


def _restored_ledes(pruned: HtmlElement, text: str) -> str:
    """The text with the story's opening paragraphs the extractor left out restored
    (`_restored_lede`, once per paragraph, from the extractor's first line up)."""
    for _ in range(MAX_RESTORED_LEDES):
        restored = _restored_lede(pruned, text)
        if restored is None:
            break
        text = restored
    return text


def _restored_lede(pruned: HtmlElement, text: str) -> str | None:
    """The story's first paragraph where the extractor left it out: the one paragraph of running
    text, ending like a sentence, in the block right before the block whose text opens the
    extractor's (CNN's first paragraph, in a wrapper of its own with a source credit, before
    paragraphs written as `div`s), that the text holds nowhere. Furniture before the story
    (standfirsts, captions, teasers) was pruned before the extractor ran."""
    lines = text.splitlines()
    first = " ".join(lines[0].split()) if lines else ""
    if len(first) < MIN_OPENER_CHARS:
        return None
    opener = next((e for e in pruned.iter(*LEDE_BLOCKS) if clutter.flat_text(e) == first), None)
    if opener is None:
        return None
    before, climbed = _block_before(opener)
    if before is None or before.tag not in LEDE_BLOCKS:
        return None
    paragraphs = [before] if before.tag == "p" else list(before.iter("p"))
    if len(paragraphs) != 1 or clutter.flat_text(paragraphs[0]) != clutter.flat_text(before):
        return None
    lede, weight = _unlinked_weight(paragraphs[0])
    # A paragraph that opens with a drop cap is the story's first, however short, and also where
    # it stands before the wrapper of the rest; another only right before the opener.
    capped = _drop_capped(paragraphs[0])
    least = MIN_OPENER_CHARS if capped else pagekind.PARAGRAPH_CHARS
    if (climbed and not capped) or weight < least or not clutter.FIRST_SENTENCE_END.search(lede):
        return None
    if "".join(lede.split()) in "".join(text.split()):
        return None
    return f"{lede}\n{text}"


# How many wrappers the block before the opener is looked for above it: the story's paragraphs
# after the first wrapped in a `<div>` of their own (a drop cap's "dropcap-text" wrapper).
LEDE_WRAPPERS = 2


def _block_before(opener: HtmlElement) -> tuple[HtmlElement | None, bool]:
    """The block with text right before `opener`, or, where the opener is the first such in its
    wrapper (a `<div>`), right before that wrapper (and True: climbed out of a wrapper)."""
    element = opener
    for climbs in range(LEDE_WRAPPERS + 1):
        before = element.getprevious()
        while before is not None and (
            not isinstance(before.tag, str) or not clutter.flat_text(before)
        ):
            before = before.getprevious()
        if before is not None:
            return before, climbs > 0
        parent = element.getparent()
        if parent is None or parent.tag != "div":
            return None, False
        element = parent
    return None, False


DROP_CAP_TAGS = frozenset({"span", "b", "strong", "big", "font", "em", "i"})


def _drop_capped(paragraph: HtmlElement) -> bool:
    """The paragraph opens with a drop cap: its first letter alone in an inline element of its
    own (`<p><span class="dropcap">I</span> have shared ...`)."""
    if (paragraph.text or "").strip() or not len(paragraph):
        return False
    first = paragraph[0]
    letter = (first.text or "").strip()
    return (
        isinstance(first.tag, str)
        and first.tag in DROP_CAP_TAGS
        and not len(first)
        and len(letter) == 1
        and letter.isupper()
    )


EMPTY_INLINE = "//span|//a|//b|//i|//em|//strong|//font|//small"
# Line breaks in the page's source text, each read as the space a browser renders.
SOURCE_BREAKS = str.maketrans("\r\n", "  ")
PREFORMATTED = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})


def keep_noscript_article(tree: HtmlElement) -> None:
    """A `<noscript>` holding the article's paragraphs (a page that draws its story with a script
    and gives script-less readers the text, as a saved page shows it) keeps its content; other
    `<noscript>`s (tracking pixels, "enable JavaScript" notices, lazy images) are dropped after.
    Only when the page's other text lacks those paragraphs: a story that is also outside the
    `<noscript>` is read from there, once."""
    # The page's text without its `<noscript>`s, taken when first needed and again after one is
    # unwrapped (its story is then outside, and a second copy of it stays dropped).
    outside: str | None = None
    for element in tree.xpath("//noscript"):
        texts = (clutter.flat_text(p) for p in element.iter("p"))
        prose = [text for text in texts if cjk.weight(text) >= pagekind.PARAGRAPH_CHARS]
        if len(prose) < pagekind.MIN_ARTICLE_PARAGRAPHS:
            continue
        if outside is None:
            bare = copy.deepcopy(tree)
            for other in bare.xpath("//noscript"):
                other.drop_tree()
            outside = clutter.flat_text(bare)
        if not any(paragraph in outside for paragraph in prose):
            element.drop_tag()
            outside = None


def fold_source_newlines(tree: HtmlElement) -> None:
    """Line breaks in the source's text are spaces, as a browser renders them: the extractor
    keeps them as line breaks, and a paragraph written over several source lines
    (`Photos\n which were released online…`) became lines that the line cleaning took for
    furniture before the first sentence. Paragraphs still end at their blocks and `<br>`s;
    preformatted text keeps its lines. One space per character, so every text keeps its
    length: the extractor weighs elements by it (folding the indentation as well cut two
    developer-corpus articles short)."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if _broken(element.text) and not _preformatted(element):
            element.text = (element.text or "").translate(SOURCE_BREAKS)
        parent = element.getparent()
        if _broken(element.tail) and (parent is None or not _preformatted(parent)):
            element.tail = (element.tail or "").translate(SOURCE_BREAKS)


def _broken(text: str | None) -> bool:
    return text is not None and ("\n" in text or "\r" in text)


def _preformatted(element: HtmlElement) -> bool:
    return any(
        isinstance(e.tag, str) and e.tag.lower() in PREFORMATTED
        for e in (element, *element.iterancestors())
    )


def drop_empty_inline(tree: HtmlElement) -> None:
    """Remove inline elements with no content, keeping the text after them: the extractor drops
    an element it takes for furniture together with that text, so a paragraph opening with an
    empty `<span id="byLine"></span>` lost its first words. One holding only a space leaves the
    space (`INDEKS<b>&nbsp;</b>Harga`)."""
    for element in tree.xpath(EMPTY_INLINE):
        if len(element) or (element.text or "").strip() or element.getparent() is None:
            continue
        if element.text:
            element.tail = " " + (element.tail or "")
        element.drop_tree()


def unwrap_story_forms(tree: HtmlElement) -> None:
    """A `<form>` holding paragraphs of the story keeps them: the extractor drops every form, and
    pages put text inside one (ASP.NET wraps the whole page in `<form id="aspnetForm">`; a blog
    post pasted a press release with its form, and lost the paragraphs after the quotation). Only a
    form with two paragraphs of running text or more; a comment or search form has none or one."""
    for form in list(tree.iter("form")):
        running = sum(
            1 for p in form.iter("p") if cjk.weight(clutter.flat_text(p)) >= PARAGRAPH_WEIGHT
        )
        if running >= 2 and form.getparent() is not None:
            form.drop_tag()


# Blocks of running text, and the words a block holds besides its `<time>` elements for those
# to be part of its sentences (a byline, "Posted by Jane Doe on <time>", holds fewer).
SENTENCE_BLOCKS = frozenset({"p", "li", "blockquote", "dd"})
MIN_SENTENCE_WORDS = 8


def keep_times_in_sentences(tree: HtmlElement) -> None:
    """A `<time>` inside a paragraph's sentence ("<time datetime=...>Last Monday night</time> I
    attended...") becomes its plain text: the extractor drops every `<time>` element with its
    words, which cut them out of the sentence. A time standing in a byline or a dateline stays
    an element (the extractor drops it, as before)."""
    for time in list(tree.iter("time")):
        block = next((a for a in time.iterancestors() if a.tag in SENTENCE_BLOCKS), None)
        if block is None:
            continue
        words = len(block.text_content().split())
        own = sum(len(t.text_content().split()) for t in block.iter("time"))
        if words - own >= MIN_SENTENCE_WORDS:
            time.drop_tag()


# A block of text (no other block inside it) with two links or more in it (`linked_leaf_blocks`).
LEAF_BLOCK_TAGS = frozenset({"p", "div", "li", "td", "dd"})
INNER_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "table", "section", "article", "blockquote"}
    | {f"h{n}" for n in range(1, 7)}
)


def linked_leaf_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """The document's `<p>`, `<div>`, `<li>`, `<td>` and `<dd>` elements holding two links or
    more and no block (INNER_BLOCK_TAGS), in document order: what
    `//*[self::p or …][count(.//a) >= 2][not(.//p|.//div|…)]` selects, counted in one pass from
    the leaves up (that XPath reads every element's whole subtree, quadratic in a page's depth)."""
    elements = tree.xpath("//*")
    links: dict[HtmlElement, int] = {}
    holds_block: set[HtmlElement] = set()
    for element in reversed(elements):  # an element's descendants before it
        parent = element.getparent()
        if parent is None:
            continue
        below = links.get(element, 0) + (element.tag == "a")
        if below:
            links[parent] = links.get(parent, 0) + below
        if element.tag in INNER_BLOCK_TAGS or element in holds_block:
            holds_block.add(parent)
    return [
        e
        for e in elements
        if e.tag in LEAF_BLOCK_TAGS and links.get(e, 0) >= 2 and e not in holds_block
    ]


MAX_KEYWORD_LINK_WORDS = 4
MAX_KEYWORD_LINK_SHARE = 0.5


def unlink_words_in_sentences(tree: HtmlElement) -> None:
    """Links on single words of a sentence (a site linking its keywords: "<a>Beat </a>the eggs in
    a bowl and add to the treacle mixture. Finally <a>stir </a>in...") become plain text: the
    extractor takes a short block whose links are all short for a list of links and drops it.
    Only in a block of running text that ends as a sentence, where links hold at most half of
    the text and none more than a few words (a list of headlines has long links)."""
    for block in linked_leaf_blocks(tree):
        text = " ".join(block.text_content().split())
        if len(text.split()) < MIN_SENTENCE_WORDS or not text.endswith((".", "!", "?", "…")):
            continue
        links = list(block.iter("a"))
        linked = [" ".join(a.text_content().split()) for a in links]
        if any(len(words.split()) > MAX_KEYWORD_LINK_WORDS for words in linked):
            continue
        if sum(len(words) for words in linked) > MAX_KEYWORD_LINK_SHARE * len(text):
            continue
        for link in links:
            link.drop_tag()


# A link whose words are its own address written out ("http://www.openpetition.de/petition/…").
WRITTEN_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


def unlink_written_addresses(tree: HtmlElement) -> None:
    """A paragraph that is only a written-out address, after a paragraph that introduces it
    (ending with a colon: "… unterschreibt bitte alle diese Petition:"), becomes plain text: the
    writer typed the address for readers to see, and the extractor drops a paragraph that is all
    link as a list of links."""
    for block in tree.xpath("//p[count(a) = 1]"):
        link = block.find("a")
        text = clutter.flat_text(block)
        if link is None or text != clutter.flat_text(link) or not WRITTEN_ADDRESS.match(text):
            continue
        before = block.getprevious()
        if before is None or not clutter.flat_text(before).endswith(":"):
            continue
        link.drop_tag()


def unbox_bordered(tree: HtmlElement) -> None:
    """Inline styles that draw a box round a block are taken off: the extractor's precision pass
    drops every block whose `style` mentions a border, a boxed aside to it, but pages draw their
    recipe cards, fact boxes and funding notes in boxes too (the last of three recipe cards lost
    from a blog post). What is boxed furniture was judged by the clutter rules before this. A
    border on some sides only is a rule between the items of a list (a sidebar's events), left."""
    for element in tree.xpath("//*[contains(@style, 'border')]"):
        properties = [
            part.split(":", 1)[0].strip().lower() for part in element.get("style", "").split(";")
        ]
        borders = [name for name in properties if name.startswith("border")]
        if all(name.startswith(ONE_SIDE_BORDER) for name in borders):
            continue
        del element.attrib["style"]


ONE_SIDE_BORDER = ("border-top", "border-bottom", "border-left", "border-right")


# What a heading cannot hold: a heading with one of these inside was left open by the page's
# markup (`<h3>` never closed before the recipe card), and the parser put the rest in it.
HEADING_BREAKERS = frozenset(
    {"p", "div", "ul", "ol", "dl", "table", "section", "article", "blockquote", "form", "figure"}
)


def close_open_headings(tree: HtmlElement) -> None:
    """A heading holding blocks (a `<h3>` left open, so the parser put the recipe card after it
    inside it) keeps only its own words: the blocks from its first one on move out after it. The
    extractor takes a heading for a title and drops a title that ends the text, and with it the
    whole card."""
    for heading in list(tree.iter(*clutter.HEADINGS)):
        children = list(heading)
        first = next(
            (
                i
                for i, c in enumerate(children)
                if isinstance(c.tag, str) and c.tag in HEADING_BREAKERS
            ),
            None,
        )
        if first is None or heading.getparent() is None:
            continue
        tail, heading.tail = heading.tail, None
        anchor = heading
        for child in children[first:]:
            anchor.addnext(child)
            anchor = child
        anchor.tail = (anchor.tail or "") + (tail or "")


# A subheading that reads as sentences of the story: two sentences or more (a lower-case word
# ending with a full stop, then more words: not "Nov. 4" or "U.S.") and this many words in all. A
# headline, a deck or a gallery's caption set as a heading is one sentence, and a section title
# none.
PROSE_HEADING_WORDS = 16
SENTENCE_BREAK = re.compile(r"([^\W\d_]+)[.!?…][\"'”’»)]*\s+\S")


def _sentences(text: str) -> int:
    breaks = sum(1 for m in SENTENCE_BREAK.finditer(text) if len(m[1]) >= 2 and m[1].islower())
    return breaks + 1


def demote_prose_headings(tree: HtmlElement) -> None:
    """A subheading after the story's first paragraph whose text is sentences of the story ("These
    taste even better after sitting in the fridge for a day. To reheat, ...", a blog setting its
    asides in `<h3>`) becomes a paragraph: the extractor drops a heading that ends the text as a
    title without its section. The `<h1>`, a deck above the first paragraph and any heading holding
    another block stay headings."""
    began = False
    for element in list(tree.iter("p", *clutter.SUBHEADINGS)):
        if element.tag == "p":
            began = began or cjk.weight(clutter.flat_text(element)) >= PARAGRAPH_WEIGHT
            continue
        if not began or any(
            isinstance(c.tag, str) and c.tag in HEADING_BREAKERS for c in element.iter()
        ):
            continue
        text = " ".join(element.text_content().split())
        if len(text.split()) >= PROSE_HEADING_WORDS and _sentences(text) >= 2:
            element.tag = "p"


DROP_CAP_FOLLOWERS = frozenset({"p", "div", "span"})


def join_drop_caps(tree: HtmlElement) -> None:
    """A drop cap written as an element of its own before its paragraph (`<div class="initial">A
    </div><p>nother day, ...`) goes back to the paragraph's first word: the extractor kept the
    paragraph without it ("nother day"). Only a lone capital letter directly before an element
    whose text goes on in lower case with no space between."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or len(element) or (element.tail or "").strip():
            continue
        letter = (element.text or "").strip()
        following = element.getnext()
        if len(letter) != 1 or not letter.isupper() or following is None:
            continue
        rest = following.text or ""
        if following.tag not in DROP_CAP_FOLLOWERS or not rest[:1].islower():
            continue
        following.text = letter + rest
        element.drop_tree()


def _extract(tree: HtmlElement | str, url: str | None, *, precision: bool) -> str:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=False,
        favor_precision=precision,
        favor_recall=not precision,
    )
    if extracted is None:
        return ""
    doc = extracted if isinstance(extracted, dict) else extracted.as_dict()
    return str(doc.get("text") or "")
