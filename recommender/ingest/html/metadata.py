"""What a page says about itself: JSON-LD, `<meta>` and `<link>` tags, `<time datetime>`.

Tags are looked up anywhere in the document, not only in `<head>`: HTML parsers move `<meta>` and
`<link>` into the body when something body-like (a tracking pixel, a stray text node) comes first.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from lxml.html import HtmlElement

# schema.org types that are one article (NewsArticle, ReportageNewsArticle, BlogPosting, ...);
# a job offer is a "JobPosting", no article.
ARTICLE_TYPE_SUFFIXES = ("article", "posting", "report")
NOT_ARTICLE_TYPES = frozenset({"jobposting"})


def is_article_type(kind: str) -> bool:
    """A schema.org type (lower case) of one article."""
    return kind.endswith(ARTICLE_TYPE_SUFFIXES) and kind not in NOT_ARTICLE_TYPES


# CMSs wrap JSON-LD in CDATA sections or HTML comments, which JSON does not allow.
WRAPPERS = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$")
HATOM_PUBLISHED = (
    "//*[@title and contains(concat(' ', normalize-space(@class), ' '), ' published ')]"
)
# microformats2 `dt-published` (h-entry) and hAtom `published` on any element: read by
# `microformat_times`, with the value-class pattern.
MF_PUBLISHED = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' dt-published ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' published ')]"
)
VALUE_PARTS = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' value ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' value-title ')]"
)
DATE_PART = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_PART = re.compile(
    r"^(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s*([ap])?\.?m?\.?\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
ZONE_PART = re.compile(r"^(?:Z|[+-]\d{2}:?\d{2})$")
ISO_VALUE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "website"})
# schema.org types of one work a page can be about instead of an article: a recipe, a how-to.
WORK_TYPES = frozenset({"recipe", "howto"})
# Microdata publication times on any element (`<time itemprop="datePublished" content=...>`,
# `<span itemprop="datePublished" content=...>`); `<meta itemprop>` is read with the meta tags.
MICRODATA_PUBLISHED = (
    "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' datePublished ')]"
)
# Attributes that name the publication time: data-published, data-published-date,
# data-publish-date, data-pubdate, data-date-published.
PUBLISHED_ATTRIBUTE = re.compile(
    r"^data-(?:date-?)?pub(?:lish(?:ed)?)?(?:-?(?:date|time|at|on))?(?:-?date)?$", re.IGNORECASE
)
# RDFa publication times on any element but `<meta>` (read with the meta tags).
RDFA_PUBLISHED = "//*[@property and @content and not(self::meta)]"
RDFA_PUBLISHED_NAMES = frozenset(
    {"dc:created", "dc:date", "dc:issued", "dcterms:created", "dcterms:issued", "dcterms:date"}
    | {"schema:datepublished", "article:published_time"}
)
# The same in a script's string literal.
SCRIPT_ZONED_VALUE = re.compile(
    r"[\"'](\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))[\"']"
)
# A full date and time with a UTC offset, as attributes write them for machines.
ZONED_VALUE = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"
)


@dataclass
class PageMeta:
    """Metadata found in one page; every list is in order of appearance."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    # Every `<link rel=canonical>`'s href, in order (`canonical`: the first).
    canonicals: list[str] = field(default_factory=list)
    # `<link rel=alternate hreflang=... href=...>`: (language tag as written, href), in order.
    alternates: list[tuple[str, str]] = field(default_factory=list)
    item_url: str | None = None
    base_href: str | None = None
    html_lang: str | None = None
    articles: list[dict[str, Any]] = field(default_factory=list)
    webpages: list[dict[str, Any]] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)  # other JSON-LD things (Recipe...)
    ld_types: set[str] = field(default_factory=set)
    times: list[str] = field(default_factory=list)
    microformat_times: list[str] = field(default_factory=list)  # h-entry / hAtom published
    zoned: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    # The schema.org types of the page's outermost microdata items, lower case ("recipe"), and of
    # those among them that hold a publication date.
    item_types: list[str] = field(default_factory=list)
    dated_item_types: list[str] = field(default_factory=list)

    @property
    def canonical(self) -> str | None:
        """The page's first `<link rel=canonical>` href."""
        return self.canonicals[0] if self.canonicals else None

    def first(self, *names: str) -> str | None:
        """The first non-empty value of the first of `names` present (meta name or property)."""
        for name in names:
            for value in self.meta.get(name, []):
                if value.strip():
                    return value.strip()
        return None

    def all(self, name: str) -> list[str]:
        return [v.strip() for v in self.meta.get(name, []) if v.strip()]

    @cached_property
    def works(self) -> list[dict[str, Any]]:
        """The recipes and how-tos the page's JSON-LD describes, each once (templates print the
        same block twice), also one typed an article too (Dotdash Meredith's `["Recipe",
        "NewsArticle"]`). Read once: `read_meta` has filled `others` before anything asks."""
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for obj in [*self.articles, *self.others]:
            if not ld_types_of(obj) & WORK_TYPES:
                continue
            key = json.dumps(obj, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                out.append(obj)
        return out

    @property
    def work(self) -> dict[str, Any] | None:
        """The one recipe or how-to the page's JSON-LD describes, where it describes exactly one
        (a list of them is an index's)."""
        works = self.works
        return works[0] if len(works) == 1 else None

    @property
    def video(self) -> dict[str, Any] | None:
        """The one JSON-LD `VideoObject` a page without an article, recipe or how-to describes:
        the page is a video's (a news site's video section)."""
        if self.articles or self.work:
            return None
        videos = [o for o in self.others if "videoobject" in ld_types_of(o)]
        return videos[0] if len(videos) == 1 else None

    @property
    def og_video(self) -> bool:
        """`og:type` says the page is a video's (`video.other`, `video.episode`...) and no JSON-LD
        article says otherwise."""
        kind = (self.first("og:type") or "").strip().lower()
        return kind.startswith("video") and not self.articles

    def article(self, key: str) -> Any:
        """A field of the first JSON-LD article object that has it (else of a WebPage object:
        some CMSs describe the article only as the page; else of the one recipe or how-to the
        page is about)."""
        work = self.work
        for obj in [*self.articles, *self.webpages, *([work] if work else [])]:
            if obj.get(key):
                return obj[key]
        return None

    @property
    def article_url(self) -> str | None:
        """The address the page's one JSON-LD article gives for itself (its `url`, or the
        `mainEntityOfPage` it is the main thing of); None where it describes several (a page
        describes related stories too) or none."""
        if len(self.articles) != 1:
            return None
        obj = self.articles[0]
        main = obj.get("mainEntityOfPage")
        for value in (obj.get("url"), main.get("@id") if isinstance(main, dict) else main):
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def prefer(self, url: str) -> None:
        """Put the JSON-LD article about `url` first (pages also describe related stories)."""
        self.articles.sort(key=lambda obj: not describes(obj, url))

    def articles_about(self, url: str) -> int:
        """How many JSON-LD articles say they are the one at `url`."""
        return sum(1 for obj in self.articles if describes(obj, url))

    @property
    def microdata_article(self) -> bool:
        """The page's microdata describes one article, recipe or how-to as an outermost item
        holding its publication date (older templates mark the story up so, with no JSON-LD:
        `<div itemscope itemtype="http://schema.org/Recipe">`); several are a listing's, and
        one without a date may be a template's (Blogger marks its contact pages as a
        `BlogPosting`)."""
        stories = sum(1 for kind in self.item_types if is_story_type(kind))
        return stories == 1 and any(is_story_type(kind) for kind in self.dated_item_types)

    @property
    def is_article(self) -> bool:
        """JSON-LD describes an article (or the one recipe the page is about), or og:type says so
        and JSON-LD does not say "listing" (front pages reuse their template's
        `og:type=article`)."""
        if self.articles or self.work or self.microdata_article:
            return True
        og_article = (self.first("og:type") or "").lower() == "article"
        return og_article and not self.ld_types & LISTING_TYPES


def is_story_type(kind: str) -> bool:
    """A schema.org type of an article ("newsarticle", "blogposting") or of a recipe or how-to."""
    return is_article_type(kind) or kind in WORK_TYPES


def describes(obj: dict[str, Any], url: str) -> bool:
    """A JSON-LD object whose `url`, `@id` or `mainEntityOfPage` is `url` (scheme, `www.`, query,
    fragment and a trailing slash aside: pages write their own address either way)."""
    main = obj.get("mainEntityOfPage")
    ids = [obj.get("url"), obj.get("@id"), main.get("@id") if isinstance(main, dict) else main]
    return any(isinstance(i, str) and same_page(i, url) for i in ids)


def same_page(a: str, b: str) -> bool:
    def key(url: str) -> tuple[str, str]:
        try:
            parts = urlsplit(url.strip())
            return (parts.hostname or "").removeprefix("www."), parts.path.rstrip("/")
        except ValueError:  # "http://[" and other addresses urlsplit refuses
            return "", url

    return bool(key(a)[0]) and key(a) == key(b)


MICRODATA_TIMES = frozenset({"datepublished", "datecreated", "datemodified"})
# `_item_type` of a value that belongs to the page itself: no item, or the page's WebPage item.
PAGE_ITEM_TYPES = frozenset(
    {"", "http://schema.org/webpage", "https://schema.org/webpage", "schema.org/webpage"}
)


def _item_type(element: HtmlElement) -> str:
    """The lower-cased `itemtype` of the microdata item an element belongs to: "" in none,
    "untyped" in an item without a type."""
    scope = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
    if scope is None:
        return ""
    return (scope.get("itemtype") or "untyped").strip().lower().rstrip("/")


def read_meta(tree: HtmlElement) -> PageMeta:
    found = PageMeta(html_lang=tree.get("lang") or tree.get("xml:lang"))
    microdata: dict[str, dict[str, str]] = {}
    for tag in tree.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        equiv = (tag.get("http-equiv") or "").strip().lower()
        content = tag.get("content")
        if content is None:
            continue
        if key:
            found.meta.setdefault(key, []).append(content)
            if key in MICRODATA_TIMES and not (tag.get("property") or tag.get("name")):
                microdata.setdefault(key, {})[content.strip()] = _item_type(tag)
        if equiv:
            found.meta.setdefault(f"http-equiv:{equiv}", []).append(content)
    # Microdata `<meta itemprop>` with several values describes several items (a list of related
    # stories, a video beside the story, each with its `datePublished`): the values of items of
    # other types are not the page's, nor are those of several article items (a list of
    # stories); a value in no item, or in the page's `WebPage` item, is.
    for key, items in microdata.items():
        if len(items) < 2:
            continue
        articles = {v for v, kind in items.items() if is_article_type(kind)}
        page = {v for v, kind in items.items() if kind in PAGE_ITEM_TYPES}
        foreign = set(items) - page - (articles if len(articles) == 1 else set())
        kept = [v for v in found.meta[key] if v.strip() not in foreign]
        if kept:
            found.meta[key] = kept
        else:
            del found.meta[key]
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href"):
            found.canonicals.append(link.get("href", "").strip())
        elif "alternate" in rels and link.get("hreflang") and link.get("href"):
            found.alternates.append(
                (link.get("hreflang", "").strip(), link.get("href", "").strip())
            )
    found.item_url = _article_item_url(tree)
    for scope in tree.xpath("//*[@itemscope and @itemtype][not(ancestor::*[@itemscope])]"):
        kinds = _scope_types(scope)
        found.item_types.extend(kinds)
        if scope.xpath(".//*[@itemprop='datePublished' or @itemprop='dateCreated']"):
            found.dated_item_types.extend(kinds)
    for base in tree.iter("base"):
        if base.get("href"):
            found.base_href = base.get("href", "").strip()
            break
    baidu_times: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            for obj in _json_ld_objects(script.text or ""):
                if _is_cambrian(obj):
                    baidu_times.extend(_cambrian(obj, found))
                    continue
                types = ld_types_of(obj)
                found.ld_types.update(types)
                if any(is_article_type(t) for t in types):
                    found.articles.append(obj)
                elif "webpage" in types:
                    found.webpages.append(obj)
                else:
                    found.others.append(obj)
    # Marked publication times first, each group in document order: comment templates mark
    # their own times `pubdate` too, after the article's.
    # A time inside a link is a linked story's (a teaser list), whatever it is marked: last; one
    # in a link that holds a picture or a heading too (another story's card): none. One inside a
    # quotation is an embedded post's (a tweet, an Instagram post): none.
    marked: list[str] = []
    linked: list[str] = []
    updated: list[str] = []  # marked as the update (`itemprop="dateModified"`): after all others
    for time in tree.iter("time"):
        value = time.get("datetime") or ""
        if not value.strip():
            continue
        priority = time.get("itemprop") == "datePublished" or time.get("pubdate") is not None
        if any(a.tag == "blockquote" for a in time.iterancestors()) or in_comment(time):
            continue
        link = next(time.iterancestors("a"), None)
        if (link is not None and _is_card(link)) or in_listing_widget(time):
            continue
        if link is not None:
            linked.append(value.strip())
        elif time.get("itemprop") == "dateModified":
            updated.append(value.strip())
        else:
            (marked if priority else found.times).append(value.strip())
    # hAtom (Blogger, older WordPress themes): <abbr class="published" title="2016-12-23T05:11:00-05:00">.
    for element in tree.xpath(HATOM_PUBLISHED):
        marked.append(hatom_value(element))
    found.microformat_times = microformat_times(tree)
    marked.extend(t for t in found.microformat_times if t not in marked)
    # Microdata on the page's elements; not a teaser's (a related story's card is a link).
    for element in tree.xpath(MICRODATA_PUBLISHED):
        value = element.get("content") or element.get("datetime") or ""
        if element.tag == "meta" or not value.strip() or value.strip() in marked:
            continue
        if not in_other_story(element) and not in_comment(element):
            marked.append(value.strip())
    # RDFa on the page's elements (Drupal writes `<span property="dc:date dc:created"
    # content="2013-06-05T11:12:00-06:00">` beside the byline); not a comment's or a teaser's.
    for element in tree.xpath(RDFA_PUBLISHED):
        value = (element.get("content") or "").strip()
        if not value or value in marked or in_other_story(element) or in_comment(element):
            continue
        if RDFA_PUBLISHED_NAMES.intersection((element.get("property") or "").lower().split()):
            marked.append(value)
    # Attributes named for the publication time (`<time data-published="...">`, `<div
    # data-published-date="...">`) and Parse.ly's page description (`pub_date`).
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if not PUBLISHED_ATTRIBUTE.match(name) or not value.strip() or value.strip() in marked:
                continue
            if not in_other_story(element) and not names_other_page(element):
                marked.append(value.strip())
    for raw in found.meta.get("parsely-page", []):
        stamp = _parsely_pub_date(raw)
        if stamp and stamp not in marked:
            marked.append(stamp)
    marked.extend(t for t in baidu_times if t not in marked)
    found.times[:0] = marked
    found.times.extend(linked)
    found.times.extend(updated)
    found.zoned = zoned_values(tree)
    found.bylines = marked_bylines(tree)
    return found


# Bylines marked in the page's own markup: microdata `itemprop="author"` (its `name`, else its
# text) and `<a rel="author">`; never in navigation or an aside (other stories' bylines), nor in
# a nested item that is no article (a related story, a comment).
BYLINE_MARKUP = "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' author ')]|//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
NOT_THE_ARTICLES = frozenset({"nav", "aside", "footer"})
MAX_BYLINES = 4


def marked_bylines(tree: HtmlElement) -> list[str]:
    """Names from the article's byline markup, in document order: the first byline, and those
    in the same `<article>` as it (else under the same grandparent: one byline's co-authors);
    bylines of other stories further down are left out."""
    names: list[str] = []
    region: HtmlElement | None = None
    for element in tree.xpath(BYLINE_MARKUP):
        if any(a.tag in NOT_THE_ARTICLES for a in element.iterancestors()):
            continue
        scope = element.xpath("ancestor::*[@itemscope][1]")
        if scope and not _is_article_scope(scope[0]):
            continue
        if region is None:
            region = _byline_region(element)
        elif not any(a is region for a in element.iterancestors()):
            continue
        name = _byline_name(element)
        if name and name not in names:
            names.append(name)
        if len(names) >= MAX_BYLINES:
            break
    return names


def _byline_region(element: HtmlElement) -> HtmlElement | None:
    article = next(element.iterancestors("article"), None)
    if article is not None:
        return article
    parent = element.getparent()
    return parent.getparent() if parent is not None else None


def _is_article_scope(scope: HtmlElement) -> bool:
    kinds = {
        t.rstrip("/").rsplit("/", 1)[-1].lower() for t in (scope.get("itemtype") or "").split()
    }
    return not kinds or any(is_article_type(k) for k in kinds)


def _byline_name(element: HtmlElement) -> str | None:
    named = element.xpath(".//*[@itemprop='name']")
    raw = (named[0].get("content") or named[0].text_content()) if named else None
    raw = raw or element.get("content") or element.text_content() or ""
    text = " ".join(raw.split())
    return text if 0 < len(text) <= 80 and not text.startswith("http") else None


# Readers' comments (`class="comment-date"`, `id="comments"`) and quotations (an embedded tweet
# or Instagram post): their times are never the article's. A comment is an element whose class
# or id starts with "comment" ("commentary" is an opinion piece), or with a class word ending in
# "_comment" or "-comment" (`forum_comment`, `user-comment`: one comment; "-comments" also names
# switches such as `has-comments` on a story's wrapper), or whose id names a readers' forum or a
# Disqus thread, and that holds no headline (a wrapper of the article may).
# Words that name readers' comments in other languages (the plural only: the singular names an
# opinion piece in some, "Kommentar", "commento"): what opens a comment box's name here, and
# the clutter words and readers' sections of `clutter` (one list for all of them).
COMMENT_WORDS = ("komentar", "comentarios", "commentaires", "kommentare", "commenti", "komentarze")
OPENS_WITH_COMMENT_WORD = "".join(
    f" or starts-with(@id, '{word}') or starts-with(@class, '{word}')" for word in COMMENT_WORDS
)
COMMENT_ELEMENT = (
    f"(starts-with(@id, 'comment') or starts-with(@class, 'comment'){OPENS_WITH_COMMENT_WORD}"
    " or contains(concat(' ', normalize-space(@class), ' '), '_comment ')"
    " or contains(concat(' ', normalize-space(@class), ' '), '-comment ')"
    # a readers' forum or a Disqus thread under the story (The Register's `in_article_forums`)
    " or contains(@id, 'forums') or contains(@id, 'disqus'))"
    " and not(starts-with(@class, 'commentary')) and not(.//h1)"
)


def in_listing_widget(element: HtmlElement) -> bool:
    """Inside a sidebar's widget that lists things with their times (`<div class="widget
    widget_events">`: coming events, the latest posts), whose times are never the article's; a
    widget with one date may be the article's own box ("widget_article_info")."""
    root = element.getroottree().getroot()
    if root not in _WIDGETS:
        _WIDGETS[root] = _listing_widget_elements(root)
    return element in _WIDGETS[root]


# The elements inside listing widgets, per parsed document (asked of every text near a headline;
# the importer never changes a tree it reads, and each copy it prunes is a document of its own).
_WIDGETS: WeakKeyDictionary[HtmlElement, frozenset[HtmlElement]] = WeakKeyDictionary()
WIDGET_CLASS = "contains(@class, 'widget') or contains(@class, 'Widget')"


def _listing_widget_elements(root: HtmlElement) -> frozenset[HtmlElement]:
    inside: set[HtmlElement] = set()
    for widget in root.xpath(f"//*[{WIDGET_CLASS}]"):
        if widget in inside or not _is_widget(widget):
            continue
        # the innermost widget decides for what it holds (a sidebar of widgets is one too)
        inner = widget.xpath(f".//*[{WIDGET_CLASS}]")
        if any(_is_widget(w) for w in inner):
            continue
        if len(widget.xpath(".//time")) >= 2 or len(widget.xpath(".//li")) >= 2:
            inside.update(e for e in widget.iter() if e is not widget)
    return frozenset(inside)


def _is_widget(element: HtmlElement) -> bool:
    words = (element.get("class") or "").lower().split()
    return any(w == "widget" or w.startswith(("widget_", "widget-")) for w in words)


# A UTC offset closing a written time ("…T05:11:00-05:00", "…Z"), a clock ("2:27", "T05:11")
# and a year in text.
CLOSING_OFFSET = re.compile(r"(?:[zZ]|[+-]\d\d:?\d\d)$")
CLOCK = re.compile(r"(?<![\d.])\d{1,2}[:.]\d\d(?![\d.])")  # not a date's "16.12.2012"
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def hatom_value(element: HtmlElement) -> str:
    """An hAtom `published` element's time: its `title`; or, where the title states no UTC offset
    and the element prints a date and another clock time, what it prints. Both are then local times, and
    the one a reader sees is in the site's zone (`--assume-timezone`), while a title that differs
    from it is in another (Tulsa World's `title="11/18/2011 8:27:07 AM"` over "11/18/2011 2:27
    AM": UTC, six hours ahead of Tulsa)."""
    title = (element.get("title") or "").strip()
    shown = " ".join(element.text_content().split())
    if CLOSING_OFFSET.search(title) or not (CLOCK.search(shown) and YEAR.search(shown)):
        return title
    clocks = {c.replace(".", ":").lstrip("0") for c in CLOCK.findall(title)}
    printed = {c.replace(".", ":").lstrip("0") for c in CLOCK.findall(shown)}
    return title if printed <= clocks else shown


def microformat_times(tree: HtmlElement) -> list[str]:
    """The publication times a page marks with microformats (h-entry `dt-published`, hAtom
    `published`), in document order, readers' comments and other stories left out. A value is the
    element's `datetime` or `title`, or its text when that is an ISO date-time, or else its parts
    marked `value` joined by the microformats value-class pattern (`<span class="dt-published">
    <time class="value">21:36</time> on <time class="value">2013-11-18</time></span>`: a date, a
    time, a zone, in any order, a 12-hour clock turned into 24)."""
    found: list[str] = []
    for element in tree.xpath(MF_PUBLISHED):
        if in_comment(element) or in_other_story(element):
            continue
        parts = [_part_value(p) for p in element.xpath(VALUE_PARTS)]
        value = _value_class(parts) if parts else _part_value(element)
        if value and ISO_VALUE.match(value) and value not in found:
            found.append(value)
    return found


def _part_value(element: HtmlElement) -> str:
    classes = (element.get("class") or "").split()
    if "value-title" in classes:
        return (element.get("title") or "").strip()
    for name in ("datetime", "title", "value"):
        if (element.get(name) or "").strip():
            return str(element.get(name)).strip()
    return " ".join(element.text_content().split())


def _value_class(parts: list[str]) -> str | None:
    """A date-time from its marked parts; None without a date."""
    date = clock = zone = ""
    for part in parts:
        if ISO_VALUE.match(part) and not DATE_PART.match(part):
            return part  # a whole date-time in one part
        if DATE_PART.match(part) and not date:
            date = part
        elif ZONE_PART.match(part) and not zone:
            zone = part
        elif (m := TIME_PART.match(part)) and not clock:
            hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3] or 0)
            if m[4] and hour <= 12:
                hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
            if hour > 23 or minute > 59 or second > 59:
                continue
            clock = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if m[3] else "")
            zone = zone or (m[5] or "")
    if not date:
        return None
    return f"{date}T{clock}{zone}" if clock else date


def in_comment(element: HtmlElement) -> bool:
    """Inside a reader's comment (`<li id="comment-968147850">`, `<div class="comment-body">`):
    an ancestor that is a COMMENT_ELEMENT."""
    return bool(element.xpath(f"ancestor::*[{COMMENT_ELEMENT}]"))


# What a link holds beside a time when it is another story's card (a "you may also like" teaser),
# not a permalink around the byline's date.
CARD_PARTS = "descendant::img|descendant::picture|descendant::h2|descendant::h3|descendant::h4"


def _is_card(link: HtmlElement) -> bool:
    return bool(link.xpath(CARD_PARTS))


# Attributes with which a widget names the page an embedded item is (a gallery's, a video's).
EMBED_URL_ATTRIBUTES = ("data-permalink", "data-url", "data-href", "data-link")


def names_other_page(element: HtmlElement) -> bool:
    """An element describing an embedded item of its own, by the address it gives it
    (`<div data-permalink="..." data-published="1426713600">`, a gallery's): its times are that
    item's."""
    return any((element.get(name) or "").strip() for name in EMBED_URL_ATTRIBUTES)


def in_other_story(element: HtmlElement) -> bool:
    """Inside a link (a teaser), an aside or a quotation (an embedded post): another story's."""
    return any(a.tag in ("a", "aside", "blockquote") for a in element.iterancestors())


def _parsely_pub_date(raw: str) -> str | None:
    """`pub_date` of a `<meta name="parsely-page" content="{...}">` description, if any."""
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    date = value.get("pub_date") if isinstance(value, dict) else None
    return date.strip() if isinstance(date, str) and date.strip() else None


def zoned_values(tree: HtmlElement) -> list[str]:
    """Every date-time with a UTC offset written in an attribute for machines (`content`,
    `datetime`, `title`, `data-origindate`...), in document order: where the publication time
    is stated without an offset, the same wall-clock time stated with one names its zone."""
    found: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for value in element.attrib.values():
            if value and len(value) < 40 and ZONED_VALUE.match(value):
                found.append(value.strip())
    # Then those of the scripts' data (a framework's state: `publishedAt:"2019-07-30T20:36:00Z"`).
    for script in tree.iter("script"):
        found.extend(m[1] for m in SCRIPT_ZONED_VALUE.finditer(script.text or ""))
    return found


def _scope_types(scope: HtmlElement) -> set[str]:
    """A microdata item's schema.org type names, lower case, without the vocabulary's URL."""
    return {t.rstrip("/").rsplit("/", 1)[-1].lower() for t in (scope.get("itemtype") or "").split()}


def _article_item_url(tree: HtmlElement) -> str | None:
    """The `url` property of the first schema.org article marked up as microdata
    (`<div itemscope itemtype="http://schema.org/NewsArticle"><a itemprop="url" href=...>`):
    some portals name their address only there, with no canonical link or og:url."""
    for scope in tree.xpath("//*[@itemscope and @itemtype]"):
        if not any(is_article_type(k) for k in _scope_types(scope)):
            continue
        for prop in scope.xpath(".//*[@itemprop]"):
            # A nested item (a related story) has its own url.
            nested = prop.xpath("ancestor::*[@itemscope][1]")
            if nested and nested[0] is not scope:
                continue
            if "url" in (prop.get("itemprop") or "").split():
                value = prop.get("href") or prop.get("content") or ""
                if value.strip():
                    return value.strip()
    return None


# Baidu's page description (its "cambrian" JSON-LD context, on most Chinese news pages): the
# page's own address in `@id` and its publication time in `pubDate`, without schema.org types.
CAMBRIAN_CONTEXT = "cambrian"


def _is_cambrian(obj: dict[str, Any]) -> bool:
    context = obj.get("@context")
    return isinstance(context, str) and CAMBRIAN_CONTEXT in context.lower()


def _cambrian(obj: dict[str, Any], found: PageMeta) -> list[str]:
    """Take a Baidu page description's address as the article's item URL (where no microdata
    names one); its publication time, if any."""
    page = obj.get("@id")
    if isinstance(page, str) and page.strip().startswith(("http://", "https://")):
        found.item_url = found.item_url or page.strip()
    published = obj.get("pubDate")
    return [published.strip()] if isinstance(published, str) and published.strip() else []


# An entity left in an attribute's value once the parser decoded it: escaped twice by the CMS
# (`content="...Keach.&amp;nbsp; Some..."` reads "Keach.&nbsp; Some").
LEFT_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-f]{2,5}|[a-z]{2,8});", re.IGNORECASE)


# An entity still inside a word once decoded ("Sk&ouml;lj", "den &auml;r"): escaped once more
# (ICA's JSON-LD, whose script text the parser does not decode, writes "Sk&amp;ouml;lj"). An
# entity written on purpose ("write &nbsp; for a space") stands apart from the words.
ENTITY_IN_WORD = re.compile(
    rf"(?<=\w){LEFT_ENTITY.pattern}|{LEFT_ENTITY.pattern}(?=\w)", re.IGNORECASE
)


def unescaped(text: str) -> str:
    """`text` with entities an extra escaping left in it decoded (`&nbsp;`, `&rsquo;`), and
    those still inside a word after that (escaped twice) decoded once more."""
    if not LEFT_ENTITY.search(text):
        return text
    once = html.unescape(text)
    return ENTITY_IN_WORD.sub(lambda entity: html.unescape(entity[0]), once)


def ld_types_of(obj: dict[str, Any]) -> set[str]:
    """A JSON-LD object's `@type` names, lower case, without a vocabulary's URL."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _json_ld_objects(text: str) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD block, `@graph` members and list items included."""
    cleaned = WRAPPERS.sub("", text).strip().removesuffix(";")
    if cleaned.startswith(("{&quot;", "[&quot;", "[{&quot;")):
        # A template that escaped the block as if it were an attribute's value.
        cleaned = html.unescape(cleaned)
    try:
        data = json.loads(cleaned, strict=False)
    except ValueError:
        # Templates print values without quotes (`"datePublished": 2023-01-12T06:18:10-03:00,`,
        # `"url": https://...`), drop commas or leave one before a bracket: json-repair reads
        # what they meant.
        import json_repair

        try:
            data = json_repair.loads(cleaned)
        except (RecursionError, ValueError):  # json-repair's own limit on nesting
            return
    except RecursionError:
        return  # nested deeper than the parser goes: no metadata any page means
    stack: list[Any] = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            if isinstance(node.get("@graph"), list):
                stack.extend(node["@graph"])
            main = node.get("mainEntity")
            if isinstance(main, dict):
                stack.append(main)


def ld_names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (a string, an object, or a list)."""
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names


def ld_is_organisation(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, dict) and "organization" in ld_types_of(v) for v in values)
