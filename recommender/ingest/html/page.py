"""One article page to one import record, or an ExtractionError saying why not.

Stages, each its own module: decode (`charset`), read what the page says about itself
(`metadata`), decide whether it is an article (`pagekind`), then headline (`titles`), time
(`dates`), text (`body`, `clutter`), bylines (`authors`) and language (`language`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import tzinfo
from functools import cache
from typing import Any, Literal, NoReturn
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from recommender.ingest.html import authors, body, cjk, clutter, dates, language, pagekind, titles
from recommender.ingest.html.charset import binary_kind, decode_html
from recommender.ingest.html.cjk import WORD
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.metadata import (
    COMMENT_ELEMENT,
    PageMeta,
    in_comment,
    in_listing_widget,
    in_other_story,
    ld_types_of,
    read_meta,
    unescaped,
)
from recommender.ingest.html.siterules import SiteRule, SiteRules, formatted_time
from recommender.ingest.links import (
    absolute,
    site_host,
    strip_tracking,
    unarchived,
    url_item_id,
)

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# An HTML tag or doctype: a file without one is no page (plain text saved as .html).
MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s/>]|!doctype\s)", re.IGNORECASE)
# Control characters a page's text may hold (a parse error in HTML, shown as nothing) but an lxml
# tree cannot be given back: one written by a CMS (`\x10`) made setting any text of that element
# fail. Form feed is HTML whitespace; the rest are dropped, as nothing a reader sees.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
# A script or style tag written self-closing (`<script type="text/javascript"/>`): HTML ignores the
# slash, so what follows up to `</script>` is the script's code, as a browser reads it; the parser
# closes the element there and left the code as text at the top of the page.
SELF_CLOSED_RAW_TEXT = re.compile(r"<(script|style)\b([^<>]*?)\s*/>", re.IGNORECASE)
TEXT_AFTER_HEADLINE = 4000
TEXT_BEFORE_HEADLINE = 300
# Where a saved page that names no canonical URL gets one (`--url-from`): its path under the
# folder named on the command line joined to `--base-url`, or a sidecar file `NAME.url` beside it.
UrlFrom = Literal["path", "sidecar"]
SIDECAR_SUFFIX = ".url"


# How long reading one page may take before it is given up (`extraction.extract`): the slowest
# of 1,216 real saved pages takes under 2 s on one core; a malformed one (thousands of unclosed
# `<div>`s nested in each other) can take minutes, and must not hold a batch job up.
PAGE_TIME_LIMIT_SECONDS = 60.0


@dataclass(frozen=True)
class PageOptions:
    """How pages are read: the zone for local times, where pages without a URL live, the
    publisher's site rules (`siterules`), and how long one page may take to read (`time_limit`,
    seconds; None: no limit)."""

    assume_timezone: tzinfo | None = None
    base_url: str | None = None
    url_from: UrlFrom = "path"
    site_rules: SiteRules | None = None
    time_limit: float | None = PAGE_TIME_LIMIT_SECONDS


# Text a reader could see (a `<noscript>` may hold the article: it counts).
SHOWN_TEXT = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::template)]"
)


def empty_page() -> ExtractionError:
    return ExtractionError(
        "page",
        "an empty page (no text in its body: a redirect, or a shell a script fills), not an article",
    )


def check_shown(tree: HtmlElement) -> None:
    """Raise the empty-page error for a page whose body shows a reader nothing (scripts only)."""
    if not "".join(tree.xpath(SHOWN_TEXT)).strip():
        raise empty_page()


def parse(data: bytes, charset: str | None = None) -> HtmlElement:
    import lxml.html

    if (kind := binary_kind(data)) is not None:
        raise ExtractionError("page", f"not an HTML page: the file holds {kind}")
    text = XML_DECLARATION.sub("", decode_html(data, charset), count=1)
    text = CONTROL.sub("", text.replace("\x0c", " "))
    text = SELF_CLOSED_RAW_TEXT.sub(r"<\1\2>", text)
    if not text.strip():
        raise ExtractionError("body", "no article text found in the page (the file is empty)")
    if not MARKUP.search(text):
        raise ExtractionError("page", "not an HTML page: the file holds no HTML tag (plain text?)")
    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:  # lxml raises several types on documents it cannot read
        raise ExtractionError("page", f"not readable as HTML ({exc})") from None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            # libxml2 stops reading there, even without its default limits (elements nested
            # 2,048 deep): the rest of the page would be lost, the article with it
            message = error.message.split(",")[0].strip()
            raise ExtractionError(
                "page", f"not readable as HTML: {message}, the parser's limit (line {error.line})"
            )
    body = tree.find(".//body")
    if body is not None:
        adopt_trailing(tree, body)
    if body is None or not (body.text_content() or "").strip():
        raise empty_page()
    meta_values_as_content(tree)
    return tree


def _parser() -> Any:
    """libxml2's HTML parser without its depth limit (`huge_tree`): by default it drops every
    element nested deeper than 256, so a page built of deep wrappers (or unclosed ones) came out
    empty. A new parser per page: one parser is not to be used by two threads at once."""
    import lxml.html

    return lxml.html.HTMLParser(huge_tree=True)


def meta_values_as_content(tree: HtmlElement) -> None:
    """`<meta name=... value=...>` read as `content`: pages saved through Mercury/Postlight
    Parser (read-it-later apps, archivers built on it) have every meta tag's `content` renamed
    to `value`, and would otherwise lose their times, titles and URLs."""
    for tag in tree.iter("meta"):
        if tag.get("content") is None and tag.get("value") is not None:
            tag.set("content", tag.get("value") or "")


def adopt_trailing(tree: HtmlElement, body: HtmlElement) -> None:
    """Content after `</html>` (a CMS closing the page early: gov.cn's gazette writes its whole
    article after it) into the body, where a browser shows it. The parser leaves it in a second
    top-level element beside the document's."""
    for sibling in list(tree.itersiblings()):
        if not isinstance(sibling.tag, str):
            continue
        inner = sibling.find("body")
        source = inner if inner is not None else sibling
        children = [c for c in source if not (isinstance(c.tag, str) and c.tag.lower() == "head")]
        if source.tag.lower() not in ("html", "body"):
            children = [source]
        for child in children:
            body.append(child)


def page_url(
    meta: PageMeta,
    fetched: str | None,
    relative: str | None,
    options: PageOptions,
    tree: HtmlElement | None = None,
) -> str:
    """The canonical URL: `<link rel=canonical>`, og:url, then the URL it was fetched from (or the
    address its browser noted when saving it: `saved_from`), then
    the article's own microdata `url` (or Baidu's page description's `@id`), then the one JSON-LD
    article's `url` or `mainEntityOfPage`, then an absolute
    `<meta name="url">`, then the hreflang alternate in the page's own language, then
    --base-url joined with the file's path; tracking parameters removed; a web archive's copy
    (`web.archive.org/web/<time>/<url>`) names the original. A canonical URL that is the site's
    front page, where a second canonical link or og:url names a page of the same site, is a
    template's mistake: that page wins (not the URL it was fetched from: a fetch redirected to
    the front page saves that page)."""
    base = meta.base_href or fetched or options.base_url
    declared = (meta.canonical, meta.first("og:url", "twitter:url"))
    candidates = (*declared, fetched, meta.item_url, meta.article_url, meta_url(meta))

    def schemed(candidate: str | None) -> str | None:
        return own_scheme(host_first(candidate), tree) if base is None else host_first(candidate)

    found = [_resolved(schemed(c), base) for c in candidates]
    canonical = found[0]
    if canonical and pagekind.front_page(canonical):
        others = [_resolved(schemed(c), base) for c in meta.canonicals[1:]]
        found[0] = next(
            (
                u
                for u in (*others, found[1])
                if u and not pagekind.front_page(u) and site_host(u) == site_host(canonical)
            ),
            canonical,
        )
    url = next((u for u in found if u), None)
    if url:
        return strip_tracking(url)
    alternate = _resolved(schemed(own_alternate(meta, tree)), base)
    if alternate:
        return strip_tracking(alternate)
    if url := path_url(relative, options):
        return url
    partial = next((c.strip() for c in declared if c and c.strip()), None)
    raise ExtractionError("url", missing_url_reason(relative, options, partial))


def given_url(fetched: str | None, relative: str | None, options: PageOptions) -> str | None:
    """The URL the page was fetched from (a crawl's, a sidecar's) or that --base-url gives its
    file, where the site rules for its host say the template's canonical URLs are wrong
    (`canonical = false`): the page's URL, whatever it declares. None otherwise."""
    if options.site_rules is None:
        return None
    url = (absolute(fetched, None) if fetched else None) or path_url(relative, options)
    rule = options.site_rules.for_url(url) if url else None
    if url is None or rule is None or rule.canonical:
        return None
    return strip_tracking(unarchived(url))


def path_url(relative: str | None, options: PageOptions) -> str | None:
    """--base-url joined with the file's path (`--url-from path`), where both are given."""
    if options.base_url and relative and options.url_from == "path":
        return absolute(relative, options.base_url.rstrip("/") + "/")
    return None


# A template's placeholder left in a URL (`http://site/free/@@pubcode@@/`, `{{ url }}`): no
# address of any page.
URL_PLACEHOLDER = re.compile(r"@@\w+@@|\{\{.*?\}\}|\$\{\w+\}|%%\w+%%|\[\[\w+\]\]")


def _resolved(candidate: str | None, base: str | None) -> str | None:
    """`candidate` made absolute against `base`; in a web archive's copy of a page, the
    publisher's URL (the archive's rewritten `/web/<time>/<url>`, or a path the archive left
    alone, read against the original page's URL). None for a template's placeholder."""
    if candidate and URL_PLACEHOLDER.search(candidate):
        return None
    url = absolute(candidate, base)
    if url is None:
        return None
    original = unarchived(url)
    if original != url:
        return original
    page = unarchived(base) if base else base
    return absolute(candidate, page) if page != base else url


# `<meta name="url" content="http://site/art/2016/11/22/art_1.html">` (content management systems
# of Chinese public offices): the page's address where nothing else names it; an absolute one
# with a path only (a relative one, or the site's root, says nothing of this page).
META_URL = re.compile(r"^https?://[^/\s]+/\S+$", re.IGNORECASE)


def meta_url(meta: PageMeta) -> str | None:
    value = (meta.first("url") or "").strip()
    return value if META_URL.match(value) else None


def declared_language(meta: PageMeta) -> str | None:
    """The language the page declares: `<html lang>`, else its content-language, og:locale or
    language meta tag."""
    return meta.html_lang or meta.first("http-equiv:content-language", "og:locale", "language")


def _tag(value: str) -> str:
    return value.strip().replace("_", "-").lower()


def own_alternate(meta: PageMeta, tree: HtmlElement | None) -> str | None:
    """The page's own address among its `<link rel=alternate hreflang>` versions: the one in the
    page's language. Every language version lists itself among them (as search engines ask), so
    a page that names no canonical URL still names its own there. The language is the declared
    one (`de`, or `en-GB` before any `en`), else one detected with confidence from the page's
    text; None unless exactly one address is in that language (`en-US` and `en-GB`
    versions of an undeclared English page say nothing)."""
    if not meta.alternates:
        return None
    declared = declared_language(meta)
    wanted = _tag(declared) if declared and language.primary(declared) else None
    if wanted is None and tree is not None:
        text = pagekind.visible_text(tree)  # read once per page, shared with the page checks
        if len(text) >= language.MIN_CHARS:
            code, confidence = language.detect(text)
            wanted = code if confidence >= language.MIN_CONFIDENCE else None
    if wanted is None:
        return None
    exact = {href for tag, href in meta.alternates if _tag(tag) == wanted}
    same = {
        href for tag, href in meta.alternates if language.primary(tag) == language.primary(wanted)
    }
    found = exact or same
    return found.pop() if len(found) == 1 else None


def host_first(url: str | None) -> str | None:
    """A declared URL written without its scheme ("www.elmundo.es/...", in og:url) as a
    protocol-relative one: joined to a base it would read as a path below the base."""
    if url and url.strip().lower().startswith("www."):
        return "//" + url.strip()
    return url


# The attributes that hold a page's links to itself and its assets.
LINK_ATTRIBUTES = ("href", "src", "content", "action")


def own_scheme(url: str | None, tree: HtmlElement | None) -> str | None:
    """A URL written without its scheme (`//www.elmundo.es/...`), read where nothing gives it one
    (no base: the page was not fetched), in the scheme the page's own absolute links to that
    host use most (El Mundo's 2012 page links to its host over `http` 86 times): a saved page
    of a site that served plain HTTP keeps its address. Ties and pages without such links leave
    it to `absolute` (`https`)."""
    if not url or not url.startswith("//") or tree is None:
        return url
    try:
        host = urlsplit("http:" + url).netloc.lower()
    except ValueError:  # a bracketed host that is no IP address: `absolute` refuses it
        return url
    counts = {"http": 0, "https": 0}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in LINK_ATTRIBUTES:
            value = (element.get(attribute) or "").strip()
            scheme, _, rest = value.partition("://")
            scheme = scheme.lower()
            if scheme in counts and rest.split("/", 1)[0].lower() == host:
                counts[scheme] += 1
    return "http:" + url if counts["http"] > counts["https"] else url


def missing_url_reason(
    relative: str | None, options: PageOptions, partial: str | None = None
) -> str:
    """Why a page has no URL, and exactly which option gives it one; `partial` is a canonical
    URL the page gives without its site (`/it/contatti`)."""
    found = "the page names no canonical URL (<link rel=canonical>, og:url or microdata url)"
    if partial and URL_PLACEHOLDER.search(partial):
        found = (
            f"the page's canonical URL {partial[:200]!r} is a template's placeholder, no page's"
            " address"
        )
        partial = None
    elif partial:
        found = (
            f"the page's canonical URL {partial[:200]!r} names no site (a relative URL, and no"
            " <base href> or URL the page was fetched from to read it against)"
        )
    sidecar = sidecar_name(relative or "PAGE.html")
    if options.url_from == "sidecar":
        return (
            f"{found} and no sidecar file {sidecar} beside it holds its URL (--url-from sidecar);"
            " write the URL there, or give --url-from path --base-url SITE"
        )
    target = partial.lstrip("/") if partial else relative or "PATH"
    return (
        f"{found}; give --base-url SITE to make it SITE/{target} (--url-from path),"
        f" or --url-from sidecar with its URL in {sidecar} beside it"
    )


def sidecar_name(relative: str) -> str:
    """`banjir.html` -> `banjir.url`: the file that holds a saved page's URL (`--url-from sidecar`)."""
    name = relative.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem + SIDECAR_SUFFIX


def text_pieces(root: HtmlElement, outside: str, texts: str = ".//text()") -> list[Any]:
    """The text nodes under `root` (XPath's smart strings; `texts`: "//text()" for the whole
    document's), in document order, none inside an element that the XPath predicate `outside`
    holds for (anywhere up to the document's root). Each element is asked once:
    `text()[not(ancestor::*[…])]` asks every text node's every ancestor, which took minutes on a
    page nested two thousand elements deep."""
    skipped: set[HtmlElement] = set()
    for element in root.xpath(f"//*[{outside}]"):  # document order: an ancestor comes first
        if element not in skipped:
            skipped.update(element.iter())
    return [piece for piece in root.xpath(texts) if _holder(piece) not in skipped]


# Where text near the headline is not read: a script, a style, a quotation, a reader's comment.
NOT_NEAR_HEADLINE = f"self::script or self::style or self::blockquote or ({COMMENT_ELEMENT})"


def text_near_headline(tree: HtmlElement, title: str) -> str:
    root = tree.find(".//body")
    # Text nodes joined with spaces: adjacent elements' text must not run together
    # ("...Dayeuhkolot" + "Nov 10, 2026" is no date).
    pieces = text_pieces(root if root is not None else tree, NOT_NEAR_HEADLINE)
    # not a sidebar widget's list of events or posts with their dates
    pieces = [p for p in pieces if not in_listing_widget(_holder(p))]
    text = re.sub(r"\s+", " ", " ".join(str(p) for p in pieces))
    at = text.find(title, _headline_offset(tree, title, pieces)) if title else -1
    if at < 0 and title:
        at = text.find(title)
    if at < 0:
        return text[: TEXT_AFTER_HEADLINE * 2]
    # What follows the headline first; then what just precedes it, where some templates print
    # the time (later candidates count only when earlier ones give none).
    after = text[at : at + TEXT_AFTER_HEADLINE]
    return f"{after} \n {text[max(0, at - TEXT_BEFORE_HEADLINE) : at]}"


def _headline_offset(tree: HtmlElement, title: str, pieces: list[Any]) -> int:
    """Where the headline's `<h1>` starts in the text that `pieces` join to (0 without one): the
    same words may come first in a list of the section's stories above it."""
    h1 = titles.headline_h1(tree, title)
    if h1 is None:
        return 0
    for i, piece in enumerate(pieces):
        element = _holder(piece)
        if element is h1 or h1 in element.iterancestors():
            before = " ".join(str(p) for p in pieces[:i])
            return max(0, len(re.sub(r"\s+", " ", before)) - 1)
    return 0


def _is_marked(time: HtmlElement) -> bool:
    return time.get("itemprop") == "datePublished" or time.get("pubdate") is not None


def _own(time: HtmlElement) -> bool:
    """Not a linked or aside story's time, nor an embedded post's (in a quotation), nor a
    reader's comment's, nor one of a sidebar widget's list."""
    dated = bool((time.get("datetime") or "").strip())
    return (
        dated and not in_other_story(time) and not in_comment(time) and not in_listing_widget(time)
    )


def headline_times(tree: HtmlElement, title: str) -> list[str]:
    """The `<time datetime>` values that belong to the headline: inside the `<article>` that holds
    its `<h1>` (marked ones first), or else after the `<h1>` where the page marks none."""
    h1 = titles.headline_h1(tree, title)
    if h1 is None:
        return []
    container = next(h1.iterancestors("article"), None)
    if container is not None:
        own = [t for t in container.iter("time") if _own(t)]
        ordered = [t for t in own if _is_marked(t)] + [t for t in own if not _is_marked(t)]
        return [t.get("datetime", "").strip() for t in _updates_last(ordered)]
    times = list(tree.iter("time"))
    if any(_is_marked(t) for t in times):
        return []
    after = False
    found: list[HtmlElement] = []
    for element in tree.iter("h1", "time"):
        after = after or element is h1
        if after and element.tag == "time" and _own(element):
            found.append(element)
    return [t.get("datetime", "").strip() for t in _updates_last(found)]


def _updates_last(times: list[HtmlElement]) -> list[HtmlElement]:
    """`<time>` elements with those marked as the update (`itemprop="dateModified"`) last."""
    return sorted(times, key=lambda t: t.get("itemprop") == "dateModified")


def headline_times_first(tree: HtmlElement, meta: PageMeta, title: str) -> PageMeta:
    """The headline's own `<time>` elements first: lists of other stories with their times (a
    sidebar, a "latest" strip, marked `pubdate` as often as not) may come first in the document."""
    own = headline_times(tree, title)
    if not own:
        return meta
    # A time the page marks as its publication time with microformats comes first still.
    marked = [t for t in meta.microformat_times if t not in own]
    placed = {*own, *marked}
    return replace(meta, times=marked + own + [t for t in meta.times if t not in placed])


def inline_scripts(tree: HtmlElement) -> list[str]:
    """The text of the page's inline scripts, JSON-LD left out (it is read as metadata)."""
    return [
        str(text)
        for text in tree.xpath("//script[not(@src) and not(contains(@type, 'ld+json'))]/text()")
    ]


# Paragraphs of running text (pagekind.long_paragraphs) below which a page with an "Add to cart"
# control and no article metadata is its shop's whatever it dates, and an undated one is said to
# be a form, a product or a listing page (which htmldate dates from its scripts, images or
# copyright line).
MIN_UNDATED_PARAGRAPHS = 5


PRODUCT_TYPES = frozenset({"product", "offer", "individualproduct", "productmodel"})


def check_dated_or_written(tree: HtmlElement, meta: PageMeta, title: str, url: str | None) -> None:
    """Raise ExtractionError(`page`) for a page without article metadata (JSON-LD, og:type,
    microdata) that is a shop's product page (its outermost microdata item a product, or an "Add
    to cart" control beside less running text than a story, whatever it dates), or that shows no
    sign of being an article: no date stated anywhere the importer reads one (only htmldate's
    guess would date it), however much running text it holds; the reason names its shop's or
    account's controls (pagekind.shop_or_account_page) or its paragraphs."""
    # asked at most once: a WordPress page's check and this one both need it
    stated = cache(lambda: states_date(tree, meta, title, url))
    check_site_page(tree, meta, stated)
    if meta.is_article or meta.video is not None:
        return
    # A page whose outermost microdata item is a product, with no article metadata, is its
    # shop's page whatever dates it prints (the product's listing date, its reviews').
    products = PRODUCT_TYPES.intersection(meta.item_types)
    if products:
        kind = sorted(products)[0]
        raise ExtractionError(
            "page", f"a shop's page (a schema.org {kind.title()} item, no article metadata)"
        )
    # A page with an "Add to cart" control and less running text than a story, without article
    # metadata, is a shop's whatever it dates (a sale's closing time, "12/16/2015 23:59:59").
    paragraphs = pagekind.long_paragraphs(tree)
    if paragraphs < MIN_UNDATED_PARAGRAPHS and pagekind.cart_control(tree):
        plural = "" if paragraphs == 1 else "s"
        raise ExtractionError(
            "page",
            f"a shop's page (an 'add to cart' control, {paragraphs} paragraph{plural} of running"
            " text, no article metadata)",
        )
    if stated():
        return
    controls = pagekind.shop_or_account_page(tree)
    check_shown(tree)  # a page a script fills says so first
    plural = "" if paragraphs == 1 else "s"
    if controls:
        shown = f"{controls} (a shop's or an account's page)"
    elif paragraphs < MIN_UNDATED_PARAGRAPHS:
        shown = (
            f"{paragraphs} paragraph{plural} of running text (a form, product or listing page; an"
            " undated article needs its date in the page)"
        )
    else:
        # However long its text: a site's page about itself, a product's, a profile, or an
        # article that states no date, which htmldate's guess (a script's comment, an image's
        # path) would date wrongly.
        shown = (
            f"{paragraphs} paragraph{plural} of running text (a page about the site, a product"
            " or a person, or an article that needs its date in the page)"
        )
    raise ExtractionError(
        "page",
        "no sign of an article: no article metadata (JSON-LD, og:type), no publication date"
        f" stated on the page or in its URL, and {shown}",
    )


def check_site_page(tree: HtmlElement, meta: PageMeta, stated: Callable[[], bool]) -> None:
    """Raise ExtractionError(`page`) for a WordPress "page" (the site's own pages: its services,
    its projects) that no metadata calls an article (og:type may: site builders mark every page
    so): when its JSON-LD calls it a WebPage and no article (as SEO plugins describe a page, where
    a post gets an Article), or when it states no date (`stated`: states_date's answer)."""
    if not pagekind.wordpress_page(tree) or meta.video is not None:
        return
    if meta.articles or meta.work or meta.microdata_article:
        return
    if "webpage" in meta.ld_types:
        why = "its JSON-LD describes a WebPage, not an article"
    elif not stated():
        why = "it states no publication date"
    else:
        return
    raise ExtractionError(
        "page", f"a site's own page (a WordPress page, not a post), and {why}: not an article"
    )


def states_date(tree: HtmlElement, meta: PageMeta, title: str, url: str | None) -> bool:
    """The page states a date where the importer reads one (its metadata, near its headline,
    its URL), or htmldate's guess is printed on the page or in its URL ("February 8th, 2013"), or
    its day printed without the year beside a time ("09-30 22:46")."""
    near = text_near_headline(tree, title)
    if dates.candidates(meta, near, url) or date_under_headline(tree, title):
        return True
    if labelled_dates(tree) or bookmarked_date(tree, title):
        return True
    return bool(shown_guesses(tree, url, near, updates=False))


def shown_guesses(
    tree: HtmlElement, url: str | None, near: str, *, updates: bool
) -> list[dates.Stamp]:
    """htmldate's guesses whose day the page shows: printed in its text or title (a date a label
    calls an update too, with `updates`), written in its URL, or printed without its year beside
    a time in `near` (the text near the headline: "09-30 22:46")."""
    return [
        guess
        for guess in dates.guessed(tree)
        if dates.stated(guess, tree, url, updates=updates)
        or dates.yearless_times(near, guess, zoned=False)
    ]


def published_at(
    tree: HtmlElement, meta: PageMeta, title: str, options: PageOptions, url: str | None = None
) -> Any:
    meta = headline_times_first(tree, meta, title)
    near = text_near_headline(tree, title)
    stamps = dates.candidates(meta, near, url)
    if not any(s.has_time for s in stamps):
        stamps = _under_headline_first(stamps, tree, title) + labelled_dates(tree)
        stamps += bookmarked_date(tree, title)
        stamps += printed_guesses(tree, url, near, stamps)
        # A time written without its year on the day found ("Jun 13, 4:03 PM EDT"), or without
        # its zone too ("Jun 6 10:40 AM"), a local time.
        stamps += (
            [t for s in stamps[:1] for t in dates.yearless_times(near, s)]
            or [t for s in stamps[:1] for t in dates.yearless_times(near, s, zoned=False)]
        )[:1]
    if stamps and not any(s.has_time for s in stamps):
        # Only a date is printed: the clock may be in a tag's configuration of the same day.
        stamps += dates.script_times(inline_scripts(tree), stamps[0], options.assume_timezone)[:1]
    if stamps and not any(s.has_time for s in stamps):
        # Or in a meta tag of its own beside the date's (`time.release` by `date.release`).
        stamps += dates.split_meta_times(meta.meta, stamps[0])[:1]
    if stamps and not any(s.has_time for s in stamps):
        # Or written out further down, below the story ("December 19, 2016 - 12:29pm").
        stamps += same_day_times(tree, stamps[0])[:1]
    return dates.choose(stamps, options.assume_timezone, meta.zoned)


def printed_guesses(
    tree: HtmlElement, url: str | None, near: str, stamps: list[dates.Stamp]
) -> list[dates.Stamp]:
    """htmldate's guess of the date, where the page prints that day in its text (an update's
    date too, or the day without its year beside a time near the headline: "10-08 12:00") or
    its URL; where nothing else dates the page and the guess is printed nowhere (a script's
    build stamp, a linked story's URL, an image's path), an ExtractionError that says so, rather
    than a publication date made up."""
    guesses = dates.guessed(tree)
    printed = shown_guesses(tree, url, near, updates=True)
    if guesses and not printed and not stamps:
        day = guesses[0].value.date().isoformat()
        raise ExtractionError(
            "published_at",
            "no publication date found in the page's metadata or text (htmldate guessed"
            f" {day} from its markup, a day the page prints nowhere of its own: a script's, a"
            " link's, an image's, another story's or a listed entry's date)",
        )
    return printed


# The least `articleBody` taken for a story: a few sentences (a teaser's summary is shorter).
MIN_LD_BODY_CHARS = 300


def ld_article_body(meta: PageMeta, title: str) -> str:
    """The page's JSON-LD article's `articleBody` as body lines (HTML in it read as text), when
    it holds a story's worth of text."""
    return ld_story_lines(meta.article("articleBody"), title)


def ld_story_lines(raw: Any, title: str) -> str:
    """A JSON-LD text field (HTML in it read as text) as body lines, when it holds a story's worth
    of text; "" otherwise."""
    if not isinstance(raw, str) or len(raw.strip()) < MIN_LD_BODY_CHARS:
        return ""
    text = LD_PLACEHOLDER.sub("", body.fragment_text(unescaped(raw)))
    return body.clean_lines(text, title=title)


# A CMS's placeholder for an embed, left in the text it writes to JSON-LD: "%Slideshow-803271%".
LD_PLACEHOLDER = re.compile(r"\s*%[A-Za-z]+-\d+%")


# JSON-LD things that describe something else than the page's content: its publisher, an author,
# the site, its navigation, a picture.
NOT_CONTENT_TYPES = frozenset(
    {"organization", "newsmediaorganization", "person", "website", "breadcrumblist"}
    | {"imageobject", "videoobject", "sitenavigationelement", "searchaction", "itemlist"}
)


# An `articleBody` this many times what the page's markup shows is the story the page only
# teases; and says at least this much (cjk.weight): several paragraphs.
TEASER_SHARE = 3
MIN_LD_STORY_WEIGHT = 400


def ld_main_text(meta: PageMeta, title: str) -> str:
    """The text the page's JSON-LD holds for its content where the page's markup holds none (a
    shell a script renders): the article's `articleBody`, or else the `description` of the one
    thing the page is about (a Recipe, a HowTo), when either holds a story's worth of text."""
    text = ld_article_body(meta, title)
    if text:
        return text
    things = [o for o in meta.others if not ld_types_of(o) & NOT_CONTENT_TYPES]
    return ld_story_lines(things[0].get("description") if len(things) == 1 else None, title)


# A step this long is told apart from the page's other text; shorter ones ("Serve.") are not.
DISTINCT_STEP_CHARS = 30


def work_steps(meta: PageMeta) -> list[str]:
    """The steps of the one recipe or how-to the page is about, from its JSON-LD
    (`recipeInstructions` or `step`: a string, strings, `HowToStep`s, `HowToSection`s of them)."""
    work = meta.work
    if work is None:
        return []
    steps: list[str] = []
    stack: list[Any] = [work.get("recipeInstructions") or work.get("step")]
    while stack and len(steps) < MAX_WORK_STEPS:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict):
            inner = node.get("itemListElement")
            if inner:
                stack.insert(0, inner)
            else:
                stack.insert(0, node.get("text") or node.get("name"))
        elif isinstance(node, str) and node.strip():
            steps.extend(body.fragment_text(unescaped(node)).splitlines())
    return [step for step in steps if step.strip()]


MAX_WORK_STEPS = 100


def work_ingredients(meta: PageMeta) -> frozenset[str]:
    """The ingredients of the recipe the page is about (JSON-LD `recipeIngredient`), squashed:
    lines of the page's own content however short."""
    work = meta.work
    raw = work.get("recipeIngredient") if work is not None else None
    values = raw if isinstance(raw, list) else [raw]
    squashed = (
        titles.squash(body.fragment_text(unescaped(v))) for v in values if isinstance(v, str)
    )
    return frozenset(s for s in squashed if s)


def with_work_steps(text: str, meta: PageMeta) -> str:
    """`text` with the steps of the recipe or how-to the page is about after it, from its
    JSON-LD, where the extractor left the page's recipe card out (recipe plugins mark it up in
    ways it takes for widgets): none of the steps is in `text`."""
    steps = work_steps(meta)
    if not text or not steps:
        return text
    folded = " ".join(text.split()).casefold()
    distinct = [s for s in steps if len(s) >= DISTINCT_STEP_CHARS] or steps
    if any(" ".join(step.split()).casefold() in folded for step in distinct):
        return text
    return "\n".join([text, *steps])


# The least description that is a recipe's headnote: a sentence, not a few words of a label.
MIN_INTRO_CHARS = 60
# A description with a comma for every few words is a list of its ingredients ("aubergine,
# courgette, poivron…", "Here's what you need: bone in beef short ribs, kosher salt…").
MAX_INTRO_COMMAS_PER_WORD = 0.2


def work_intro(meta: PageMeta) -> str:
    """The description of the recipe or how-to the page is about, from its JSON-LD, where it is
    prose (a headnote); "" otherwise."""
    work = meta.work
    raw = work.get("description") if work is not None else None
    if not isinstance(raw, str):
        return ""
    intro = " ".join(body.fragment_text(unescaped(raw)).split())
    words = len(intro.split())
    if len(intro) < MIN_INTRO_CHARS or intro.count(",") > MAX_INTRO_COMMAS_PER_WORD * words:
        return ""
    return intro


def opens_with_card(text: str, meta: PageMeta) -> bool:
    """`text` starts with the recipe card: a list line (an ingredient), perhaps under its short
    heading ("Ingredients"), or one of the JSON-LD recipe's steps, no prose before it."""
    first, second, *_ = [*text.lstrip().split("\n", 2), "", ""]
    first = first.strip()
    if first.startswith("- "):
        return True
    heading = len(first) < clutter.LEADING_SHORT and not clutter.FIRST_SENTENCE_END.search(first)
    if heading and second.startswith("- "):
        return True
    steps = work_steps(meta)
    folded = " ".join(first.split()).casefold()
    opening = " ".join(steps[0].split()).casefold()[:DISTINCT_STEP_CHARS] if steps else ""
    return bool(folded and opening and folded.startswith(opening))


def with_work_intro(text: str, meta: PageMeta, tree: HtmlElement, title: str = "") -> str:
    """`text` with the recipe's own description first, where the extractor kept the recipe card
    but left out the prose before it: the description is printed on the page (a headnote, not a
    description for search engines alone) and nowhere in `text`; else the headnote the page
    prints under its headline (`headnote_under`), where it is nowhere in `text`."""
    if not text or meta.work is None or not opens_with_card(text, meta):
        return text
    squashed = " ".join(text.split()).casefold()
    intro = work_intro(meta)
    start = intro[:MIN_INTRO_CHARS].casefold()
    if intro and start in squashed:
        return text
    if intro and start in pagekind.visible_text(tree).casefold():
        return f"{intro}\n{text}"
    printed = headnote_under(tree, title)
    if printed and printed[:MIN_INTRO_CHARS].casefold() not in squashed:
        return f"{printed}\n{text}"
    return text


# How many elements after the headline a headnote is looked for in (a byline, a rating, a photo
# and its caption come between).
HEADNOTE_REACH = 60
HEADNOTE_TAGS = frozenset({"p", "h2", "h3", "h4", "div", "span"})
MAX_HEADNOTE_LINK_SHARE = 0.2


def headnote_under(tree: HtmlElement, title: str) -> str:
    """The prose a recipe's page prints first under its headline (Food & Wine's
    `h2.article-subheading`): the first element after the `<h1>` whose own text is a sentence or
    more (`clutter.is_prose`), little of it linked, outside forms, navigation, asides, footers
    and captions, and before any list; "" where there is none."""
    h1 = titles.headline_h1(tree, title)
    if h1 is None:
        return ""
    for element in h1.xpath(f"following::*[position() <= {HEADNOTE_REACH}]"):
        if element.tag in ("ul", "ol", "li", "table"):
            return ""
        if element.tag not in HEADNOTE_TAGS or any(
            isinstance(c.tag, str) and c.tag not in clutter.INLINE_TAGS for c in element
        ):
            continue
        if not clutter.is_prose(element):
            continue
        text = clutter.flat_text(element)
        chain = [element, *element.iterancestors()]
        if any(a.tag in (*OUTSIDE_STORY, "figure", "figcaption", "a") for a in chain):
            continue
        if clutter.is_hidden(element) or any(clutter.is_clutter(a) for a in chain):
            continue
        linked = sum(len(clutter.flat_text(a)) for a in element.iter("a"))
        if linked > MAX_HEADNOTE_LINK_SHARE * len(text):
            continue
        return text
    return ""


# A recipe card's notes and tips ("Cook's Notes", "Tips from our Bakers", WP Recipe Maker's
# `wprm-recipe-notes`): a block whose class or id names notes or tips as a word. Not a comment
# form's "Your email address will not be published" (`comment-notes`, `email-notes`): READERS,
# below, looks for comments on every ancestor.
NOTES_BLOCK = re.compile(r"(?:^|[\s_-])(?:notes?|tips?)(?:$|[\s_-])", re.IGNORECASE)
# Nor a star rating's, a share button's tooltip, an ingredient's ("divided", "optional") or a
# nutrition label's ("Percent Daily Values are based on a 2,000 calorie diet"); nor a block the
# page hides from its printed recipe (`hide-on-print`, `no-print`: a widget's "tip").
NOT_NOTES = re.compile(
    r"e-?mail|newsletter|subscri|footnote|rating|share|social|ingredient|nutri"
    r"|(?:no|hide|hidden)[-_]?(?:on[-_]?)?print|print[-_]?(?:none|hide|hidden)",
    re.IGNORECASE,
)
OUTSIDE_STORY = frozenset({"form", "nav", "footer", "aside", "header"})
READERS = re.compile(r"comment", re.IGNORECASE)  # anywhere above: readers' comments
NEAR_NOTES = 4  # the block and its three nearest ancestors (a page-wide share bar's wrapper aside)


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def notes_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """The page's outermost notes-or-tips blocks outside forms, navigation and comments."""
    found: list[HtmlElement] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or not NOTES_BLOCK.search(_names(element)):
            continue
        chain = [element, *element.iterancestors()]
        if any(a.tag in OUTSIDE_STORY or READERS.search(_names(a)) for a in chain):
            continue
        if any(NOT_NOTES.search(_names(a)) for a in chain[:NEAR_NOTES]):
            continue
        if any(NOTES_BLOCK.search(_names(a)) for a in chain[1:]):
            continue
        found.append(element)
    return found


def work_notes(tree: HtmlElement) -> list[str]:
    """The sentences of the page's recipe notes and tips, one per line: lines of running text
    (a sentence's worth) that are not one link's text."""
    lines: list[str] = []
    for block in notes_blocks(tree):
        links = {" ".join((a.text_content() or "").split()) for a in block.iter("a")}
        # a sentence over several source lines is one line
        text = body.clean_lines(body.element_text(block))
        for line in text.splitlines():
            if line not in links and body.has_running_text(line) and line not in lines:
                lines.append(line)
    return lines


def with_work_notes(text: str, meta: PageMeta, tree: HtmlElement) -> str:
    """`text` with the notes and tips of the recipe or how-to the page is about after it, where
    the extractor left them out (they sit beside the card, in boxes it takes for widgets)."""
    if not text or meta.work is None:
        return text
    folded = " ".join(text.split()).casefold()
    missing = [line for line in work_notes(tree) if line.casefold() not in folded]
    return "\n".join([text, *missing]) if missing else text


# A JavaScript or JSON string literal long enough to hold a story, and HTML paragraphs in one
# (escaped as JSON writes them, `\u003Cp\u003E`, or not).
STRING_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.){300,})"')
HTML_PARAGRAPH = re.compile(r"<p[\s>]", re.IGNORECASE)
# Tags a CMS's state writes in braces (Sinclair's `<p>…{/p}`).
BRACED_TAG = re.compile(r"\{(/?(?:p|br|em|strong|b|i))\}", re.IGNORECASE)


def script_state_text(tree: HtmlElement, title: str, description: str) -> str:
    """The story of a page a framework renders in the browser (Nuxt, Next.js, a CMS's own state)
    where neither the markup nor JSON-LD holds it: the string in the page's scripts that is
    HTML paragraphs of a story's worth of text (300 characters) sharing the most words with the
    headline and description (a state holds other stories' and alerts' texts too); "" without
    one that shares at least two."""
    wanted = {w.lower() for w in WORD.findall(f"{title} {description}") if len(w) > 3}
    best, best_shared = "", 1
    for script in inline_scripts(tree):
        for literal in STRING_LITERAL.findall(script):
            try:
                value = json.loads(f'"{literal}"')
            except ValueError:
                continue
            if not HTML_PARAGRAPH.search(value):
                continue
            value = BRACED_TAG.sub(r"<\1>", value)
            text = body.fragment_text(value)
            if len(text) < MIN_LD_BODY_CHARS:
                continue
            shared = len(wanted & {w.lower() for w in WORD.findall(text)})
            if shared > best_shared or (shared == best_shared and len(text) > len(best)):
                best, best_shared = text, shared
    return body.clean_lines(best, title=title) if best else ""


# Where the page's own text is not: a script, a style, a link, an aside, a quotation, a reader's
# comment.
NOT_OWN_TEXT = (
    "self::script or self::style or self::a or self::aside or self::blockquote"
    f" or ({COMMENT_ELEMENT})"
)
XPATH_SPACE = " \t\r\n"  # what XPath's normalize-space() takes for white space


def labelled_dates(tree: HtmlElement) -> list[dates.Stamp]:
    """The first date the page's own text labels as its publication's, anywhere (an info box after
    the story: "Date" / "10.06.2013", "VERÖFFENTLICHT AM 07.06.2019"); not in a link, an aside, a
    quotation or a reader's comment."""
    bodies = tree.xpath("//body")
    own = text_pieces(bodies[0], NOT_OWN_TEXT) if bodies else []
    pieces = [piece for piece in own if piece.strip(XPATH_SPACE)]  # [normalize-space()]
    before = ""
    for piece in pieces:
        line = " ".join(str(piece).split())
        if found := dates.labelled_date(line, before):
            return found
        before = line
    return []


# A link to the post itself (`rel="bookmark"`, hAtom's permalink) whose text is a date: the post's
# date, printed under it ("Mai 03, 2017" in a Blogger theme's links after the post).
BOOKMARKS = "//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]"
BOOKMARK_CHARS = 40


def bookmarked_date(tree: HtmlElement, title: str) -> list[dates.Stamp]:
    """The date of the one permalink (BOOKMARKS) written as a date in the headline's box: the
    nearest element holding both the headline and such a link holds no other (a sidebar's list of
    posts, each dated by its permalink, shares only the page with the headline)."""
    heading = _heading_of(tree, title)
    if heading is None:
        return []
    dated = []
    for link in tree.xpath(BOOKMARKS):
        text = " ".join(link.text_content().split())
        if len(text) <= BOOKMARK_CHARS and (found := dates.written_dates(text, line=True)):
            dated.append((link, found[:1]))
    box = heading.getparent()
    while box is not None and box.tag != "body":
        inside = [found for link, found in dated if _contains(box, link)]
        if inside:
            return inside[0] if len(inside) == 1 else []
        box = box.getparent()
    return []


def _contains(element: HtmlElement, other: HtmlElement) -> bool:
    return any(a is element for a in other.iterancestors())


def same_day_times(tree: HtmlElement, dated: dates.Stamp) -> list[dates.Stamp]:
    """Date-times written anywhere in the page's own text (not in a link, an aside, a quotation
    or a reader's comment) on the day of `dated`, zoned ones first."""
    pieces = text_pieces(tree, NOT_OWN_TEXT, "//text()")
    pieces = [p for p in pieces if not in_listing_widget(_holder(p))]
    text = " ".join(" ".join(str(p) for p in pieces).split())  # a space between texts
    day = dated.value.date()
    written = dates.text_times(text) + dates.local_text_times(text)
    return [s for s in written if s.value.date() == day and not s.update]


# How far below the headline (characters of text) a date printed on its own is the article's, and
# how long the text around it may be: a date element or a byline, not a sentence of the story
# ("On August 14, 1935, ..."), a caption or a list of other stories.
DATE_UNDER_HEADLINE = 250
DATE_LINE_CHARS = 60
# A date as the dateline opening the story's text, the AP's way, perhaps after its place: "Feb. 23,
# 2015 -- Life-threatening ...", "WASHINGTON, Feb. 23, 2015 -- ...".
DATELINE_DATE = re.compile(
    r"^(?:[A-Z][A-Z .'’/-]{1,30},\s+)?(?P<date>[^-—–]{6,30}?)\s(?:--|—|–|-)\s+\S"
)
TEXT_AFTER = "following::text()[not(ancestor::script) and not(ancestor::style)][position() <= 80]"


def _dated_under(tree: HtmlElement, title: str) -> Callable[[], bool]:
    return lambda: bool(date_under_headline(tree, title))


def date_under_headline(tree: HtmlElement, title: str) -> list[dates.Stamp]:
    """A date printed without a time right under the headline, in an element of its own ("<li>27
    juin 2019</li>"), or as the dateline opening the story ("Feb. 23, 2015 -- Life-threatening
    ..."), else alone on a line just above it ("02.12.19"): at most one date-only stamp."""
    heading = _heading_of(tree, title)
    if heading is None:
        return []
    seen = 0
    for piece in heading.xpath(TEXT_AFTER):
        text = " ".join(str(piece).split())
        dateline = DATELINE_DATE.match(text)
        line = text if len(text) <= DATE_LINE_CHARS else dateline["date"] if dateline else ""
        if (found := dates.written_dates(line, line=True)) and not _in_listing(_holder(piece)):
            return found[:1]
        seen += len(text)
        if seen > DATE_UNDER_HEADLINE:
            break
    # Else a date alone just above it; not first: a site's header prints today's date there.
    return _date_above(heading)


TEXT_BEFORE = "preceding::text()[not(ancestor::script) and not(ancestor::style)][normalize-space()]"
LINES_ABOVE = 2


def _date_above(heading: HtmlElement) -> list[dates.Stamp]:
    """A date printed alone on one of the lines just above the headline ("02.12.19" over it, as a
    kicker): that line's text is the date and nothing else."""
    for piece in list(reversed(heading.xpath(TEXT_BEFORE)))[:LINES_ABOVE]:
        text = " ".join(str(piece).split())
        if not dates.WRITTEN_DATE.fullmatch(text) or _in_listing(_holder(piece)):
            continue
        if found := dates.written_dates(text, line=True):
            return found[:1]
    return []


def _in_listing(element: HtmlElement) -> bool:
    """In a box of other stories beside the story ("Most read") or a sidebar widget's list
    (coming events): a date there is not the story's."""
    return clutter.in_other_stories(element) or in_listing_widget(element)


def _holder(piece: Any) -> HtmlElement:
    """The element a text node of an XPath result is in (a tail's is its element's parent)."""
    element: HtmlElement = piece.getparent()
    parent = element.getparent() if piece.is_tail else None
    return parent if parent is not None else element


HEADLINE_CHARS = 400  # a text longer than this is more than a headline


def _heading_of(tree: HtmlElement, title: str) -> HtmlElement | None:
    """The heading (`<h1>`-`<h3>`) whose text is the headline, else the one `<h1>` that holds it
    with a few more words ("California Woman Sues..." for the shorter `og:title`), else the one
    element of the body whose text is the headline (a page without heading tags)."""
    wanted = titles.squash(title)
    if not wanted:
        return None
    for heading in tree.xpath(".//h1|.//h2|.//h3"):
        if titles.squash(heading.text_content() or "") == wanted:
            return heading
    longer = [h for h in tree.iter("h1") if wanted in titles.squash(h.text_content() or "")]
    if len(longer) == 1:
        return longer[0]
    # No heading tag: the one element of the page's body whose text is the headline, written as
    # one text node (`<div class="titulo">Headline</div>`).
    same = [
        piece.getparent()
        for piece in tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
        if len(piece) <= HEADLINE_CHARS and titles.squash(str(piece)) == wanted
    ]
    holders = [
        e
        for e in same
        # a comment's tail text has the comment for its parent
        if isinstance(getattr(e, "tag", None), str)
        and e.tag != "title"
        and titles.squash(e.text_content() or "") == wanted
    ]
    return holders[0] if len(holders) == 1 else None


def _under_headline_first(
    stamps: list[dates.Stamp], tree: HtmlElement, title: str
) -> list[dates.Stamp]:
    """Date-only candidates with a date printed right under the headline before `<time>`
    elements, which may be other stories' (a list of the blog's posts after the article); the
    page's metadata still comes first, the day printed first where its dates disagree
    (`DC.date.issued` 2013-06-06 and `Date` 2013-06-05 over "June 5, 2013")."""
    under = date_under_headline(tree, title)
    if not under:
        return stamps
    meta = [s for s in stamps if s.source != dates.TIME_ELEMENT]
    if len({s.value.date() for s in meta}) > 1:
        meta.sort(key=lambda s: s.value.date() != under[0].value.date())
    return meta + under + [s for s in stamps if s.source == dates.TIME_ELEMENT]


def first_string(value: Any) -> str | None:
    """A JSON-LD value that may be a string, an object with `url`/`name`, or a list of them."""
    if isinstance(value, list):
        return next((s for v in value if (s := first_string(v))), None)
    if isinstance(value, dict):
        return first_string(value.get("url") or value.get("name"))
    return value.strip() if isinstance(value, str) and value.strip() else None


# Longer than a section's name: a list of the site's categories joined in one string.
MAX_SECTION_CHARS = 80


def section(meta: PageMeta) -> str | None:
    """The page's section, by name (not a numeric id); of a long comma-joined list of categories
    ("10 ingredients or less,Appetizer,Dairy-Free,..."), the first."""
    value = meta.first("article:section") or first_string(meta.article("articleSection"))
    value = unescaped(value) if value else value  # "Bars &amp; Brownies"
    if value and len(value) > MAX_SECTION_CHARS:
        value = value.split(",")[0].strip()[:MAX_SECTION_CHARS] or None
    return value if value and not value.isdigit() else None


def tags(meta: PageMeta) -> list[str]:
    raw = meta.all("article:tag") or meta.all("news_keywords") or meta.all("keywords")
    seen: dict[str, str] = {}
    for value in raw:
        for tag in value.split(","):
            if tag.strip() and tag.strip().casefold() not in seen:
                seen[tag.strip().casefold()] = tag.strip()
    return list(seen.values())[:30]


def page_record(
    data: bytes,
    *,
    url: str | None = None,
    relative: str | None = None,
    charset: str | None = None,
    options: PageOptions | None = None,
) -> dict[str, Any]:
    """The import record of an article page (raises ExtractionError for anything else; a page
    refused as no article names the site's feed where it links one: what to read instead)."""
    opts = options or PageOptions()
    tree = parse(data, charset)
    url = url or saved_from(data)
    try:
        return _record(tree, url, relative, opts)
    except ExtractionError as exc:
        feed = feed_link(tree, url) if exc.field == "page" else None
        if feed is None:
            raise
        raise ExtractionError("page", f"{exc.reason}; the site's feed: {feed}") from None


# The address a browser noted in the page it saved, near its top: Chrome's and Internet
# Explorer's Mark of the Web (`<!-- saved from url=(0051)https://… -->`, the number the URL's
# length) and the SingleFile extension's header (`<!-- Page saved with SingleFile url: https://…
# saved date: … -->`).
SAVED_FROM = re.compile(
    rb"<!--\s*(?:saved from url=\(\d{1,5}\)|Page saved with SingleFile\s+url:\s*)"
    rb"(https?://(?:(?!-->)[^\s<>\"])+)",
    re.IGNORECASE,
)
SAVED_FROM_BYTES = 16384


def saved_from(data: bytes) -> str | None:
    """The address the browser saved the page from (SAVED_FROM), read as the URL a page was
    fetched from; None when the page notes none (or an `about:` address)."""
    found = SAVED_FROM.search(data[:SAVED_FROM_BYTES])
    return found[1].decode("ascii", "replace") if found else None


# Feed types a page links in `<link rel="alternate">` (feed discovery).
FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})


def feed_link(tree: HtmlElement, url: str | None) -> str | None:
    """The site's feed a page links (`<link rel="alternate" type="application/rss+xml">`), made
    absolute against the page's address or `<base href>` (a web archive's copy: the original
    feed's); a comments feed (WordPress links one per post) is passed over. None when the page
    links none."""
    base = next((b.get("href") for b in tree.iter("base") if b.get("href")), None) or url
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rels or kind not in FEED_LINK_TYPES or not href:
            continue
        if "comment" in (link.get("title") or "").lower() or "comments" in href.lower():
            continue
        found = absolute(href, base)
        if found:
            return unarchived(found)  # a web archive's copy names the publisher's feed
    return None


# The query keys that number the parts of an article paged across several pages ("?page=2",
# Indonesian "?hal=3"); not WordPress's "?p=123", a post's number.
PART_KEYS = frozenset({"page", "hal", "halaman", "pg", "pagina", "seite"})


def check_later_part(url: str | None, canonical: str) -> None:
    """Raise ExtractionError(`page`) when `url` (where the page was fetched or archived) is a
    later part of an article paged across several pages whose canonical URL names its first
    part: read under the first part's id, the second part's text would replace the first's
    (the last page of an id wins). A part that holds the whole article ("?page=all") is read."""
    if not url:
        return
    parts, first = urlsplit(url), urlsplit(canonical)
    number = _part_number(parts.query)
    same_page = (parts.netloc.lower(), parts.path.rstrip("/")) == (
        first.netloc.lower(),
        first.path.rstrip("/"),
    )
    if number >= 2 and same_page and _part_number(first.query) < 2:
        raise ExtractionError(
            "page",
            f"part {number} of an article paged across several pages (its first part:"
            f" {canonical}): read the first part, or the whole article where the site offers it"
            " (?page=all)",
        )


def _part_number(query: str) -> int:
    """The part a URL's query names ("page=2": 2), 1 where it names none or the whole."""
    found = (v for k, v in parse_qsl(query) if k.lower() in PART_KEYS and v.isdigit())
    return int(next(found, "1"))


def shown_headline(tree: HtmlElement, meta: PageMeta, title: str, url: str | None) -> str:
    """`title`, or the headline the page shows instead in its only `<h1>`, dated under it or (on
    a page its metadata calls an article, or whose URL is dated) heading the story's first
    paragraph, where the page shows `title` nowhere: title tags written for search engines ("ADAC Kindersitz-Test
    2018") over the reader's headline ("18 Kindersitze im Test: Vier Modelle fallen durch",
    23.10.2018 under it)."""
    if not title or _heading_of(tree, title) is not None:
        return title
    h1 = titles.sole_h1(tree, meta, title, url)
    story_page = meta.is_article or dates.url_month(url) is not None
    if h1 and (date_under_headline(tree, h1) or (story_page and _story_under(tree, h1))):
        return h1
    return title


# The text nodes right under a headline among which its story's first paragraph starts.
STORY_START_PIECES = 2


def _story_under(tree: HtmlElement, headline: str) -> bool:
    """The story starts right under the headline: one of the first texts after it is a paragraph
    of running text."""
    heading = _heading_of(tree, headline)
    if heading is None:
        return False
    pieces = [p for p in heading.xpath(TEXT_AFTER) if str(p).strip()][:STORY_START_PIECES]
    return any(cjk.weight(" ".join(str(p).split())) >= pagekind.PARAGRAPH_CHARS for p in pieces)


def _record(
    tree: HtmlElement, url: str | None, relative: str | None, opts: PageOptions
) -> dict[str, Any]:
    pagekind.check_rendered(tree)  # a script template says so before it lacks a URL or title
    meta = read_meta(tree)
    given = given_url(url, relative, opts)
    try:
        canonical = given or page_url(meta, url, relative, opts, tree)
    except ExtractionError:
        # A front or index page saved without its URL is first of all no article: say that.
        check_shown(tree)
        headline = titles.headline(tree, meta, None)
        pagekind.check_article(tree, meta, None, headline)
        check_dated_or_written(tree, meta, headline, None)
        raise
    meta.prefer(canonical)
    rule = opts.site_rules.for_url(canonical) if opts.site_rules else None
    if rule is not None and not rule.canonical and canonical != given:
        missing = (
            f"no sidecar file {sidecar_name(relative or 'PAGE.html')} beside it holds its URL"
            if opts.url_from == "sidecar"
            else "no URL the page was fetched from is given: give --url-from sidecar (its URL in"
            " NAME.url beside it) or --base-url SITE"
        )
        raise ExtractionError(
            "url",
            f"{rules_for(rule, canonical)} say its pages' canonical URLs are wrong"
            f" (canonical = false), and {missing}",
        )
    if rule is not None:
        rule.drop_from(tree)
        if rule.timezone:
            opts = replace(opts, assume_timezone=ZoneInfo(rule.timezone))
    title = titles.headline(tree, meta, canonical)
    if not title:
        check_shown(tree)
        # A page with no headline, no date and little text is first of all no article: say that.
        check_dated_or_written(tree, meta, "", canonical)
        raise ExtractionError("title", "the page has no title (og:title, <title> or <h1>)")
    # the title tags say what the page is
    pagekind.check_article(tree, meta, canonical, title, _dated_under(tree, title))
    if (shown := shown_headline(tree, meta, title, canonical)) != title:
        pagekind.check_article(tree, meta, canonical, shown, _dated_under(tree, shown))
        title = shown
    # What the rule names, read once ("" or none where it names nothing or the page lacks it).
    ruled_time = rule.published_of(tree) if rule is not None else ""
    ruled_title = rule.title_of(tree) if rule is not None else ""
    ruled_body = rule.body_elements(tree) if rule is not None else []
    if not ruled_time:  # a rule's time is the sign of an article
        check_dated_or_written(tree, meta, title, canonical)
    video = is_video_page(tree, meta)  # before extraction prunes the players
    # (a video's page of another template is read as any video's page: the widget's videos)
    if rule is not None and rule.title and (not video or ruled_title):
        title = ruled_title or _rule_lacks(rule, "title", rule.title, canonical)
    check_later_part(url, canonical)  # a listing's later page is refused as a listing above
    description = meta.first("og:description", "description", "twitter:description")
    description = unescaped(description or first_string(meta.article("description")) or "")
    headline = titles.squash(title)
    if rule is not None and rule.body and (not video or ruled_body):
        text = rule_text(rule, ruled_body, title, canonical)
    else:
        text = general_text(tree, meta, title, description, canonical)
    text = clutter.drop_site_blurbs(text, titles.site_words(meta, canonical))
    if video and (not text or titles.squash(text) == headline or not body.has_running_text(text)):
        # A video's page holds a player and a caption (or only its menus' and footer's lines):
        # the video's description is its text.
        text = body.clean_lines(video_description(meta) or description, title=title)
    if text and titles.squash(text) == headline:  # the headline alone: a stub
        raise ExtractionError("body", "no article text found in the page (only its headline)")
    if text and (listed := pagekind.linked_headlines(tree, text, canonical)):
        raise ExtractionError(
            "page",
            f"an index page: its text is a list of {listed} links to other pages of the site,"
            " no article",
        )
    if not text:
        check_shown(tree)  # scripts only, none of which holds a story
        # A page of headlines whose text is all furniture (a forum's thread list) is an index.
        headlines = pagekind.headline_links(tree)
        if headlines >= pagekind.MIN_INDEX_HEADLINES:
            raise ExtractionError(
                "page",
                f"an index page ({headlines} headline links, no article text), not an article",
            )
        raise ExtractionError("body", "no article text found in the page")
    lead = body.clean_lines(description)
    declared = declared_language(meta)
    image = (
        first_string(meta.article("image"))
        or meta.first("og:image", "twitter:image")
        or first_string((meta.video or {}).get("thumbnailUrl"))
    )
    record: dict[str, Any] = {
        "id": url_item_id(canonical),
        "title": title,
        "lead": lead,
        "body": text,
        "url": canonical,
        "image_url": absolute(image, canonical),
        "section": section(meta),
        "tags": tags(meta),
        "authors": authors.authors(meta, titles.site_words(meta, canonical)),
        "published_at": (
            rule_published_at(rule, ruled_time, opts, canonical)
            if rule is not None and rule.published and (not video or ruled_time)
            else published_at(tree, meta, title, opts, canonical)
        ),
        "language": (rule.language if rule is not None else None)
        or language.language(declared, f"{title}\n{text}"),
        # a video's page is a video item (the widget's video section), whatever its length
        "type": "video" if video else None,
    }
    return {k: v for k, v in record.items() if v is not None}


def general_text(
    tree: HtmlElement, meta: PageMeta, title: str, description: str, canonical: str
) -> str:
    """The story's text as the general reading finds it: the extractor's main text, or the
    page's JSON-LD where its markup holds none (or a teaser), with a recipe's or how-to's parts
    the extractor left out."""
    text = body.clean_lines(
        body.main_text(tree, canonical, title, description, headnote=meta.work is not None),
        title=title,
        content=work_ingredients(meta),
    )
    headline = titles.squash(title)
    if not text or titles.squash(text) == headline or not body.has_running_text(text):
        # A page a script renders holds its story in its JSON-LD only (the article's
        # `articleBody`, or the description of the thing it is about); its markup holds the
        # headline and navigation.
        text = ld_main_text(meta, title) or script_state_text(tree, title, description) or text
    elif (whole := ld_article_body(meta, title)) and cjk.weight(whole) >= TEASER_SHARE * max(
        cjk.weight(text), MIN_LD_STORY_WEIGHT
    ):
        # A page that shows a teaser of its story ("READ FULL ARTICLE") beside an author's box,
        # its whole text in its JSON-LD `articleBody`: the story is that.
        text = whole
    text = with_work_intro(with_work_steps(text, meta), meta, tree, title)
    return with_work_notes(text, meta, tree)


def rule_text(rule: SiteRule, elements: list[HtmlElement], title: str, url: str) -> str:
    """The body a site rule names (`elements`, SiteRule.body_elements): the blocks of its
    elements (without their tails), list items bulleted, furniture lines dropped
    (`body.clean_named_lines`)."""
    if not elements:
        _rule_lacks(rule, "body", ", ".join(rule.body), url)
    parts = [body.element_text(element, bullets=True) for element in elements]
    return body.clean_named_lines("\n".join(parts), title=title, opening=rule.keep_opening)


def rules_for(rule: SiteRule, url: str) -> str:
    """The words naming the rule in a message about a page of `url`: "the site rules for
    www.kabar.example (kabar.example)"."""
    return f"the site rules for {urlsplit(url).hostname} ({', '.join(rule.hosts)})"


def _rule_lacks(rule: SiteRule, field: str, selector: str, url: str) -> NoReturn:
    raise ExtractionError(
        field,
        f"{rules_for(rule, url)} name its {field} {selector!r}, which this page does not have"
        " (another template, or the rule is out of date)",
    )


def rule_published_at(rule: SiteRule, raw: str, opts: PageOptions, url: str) -> Any:
    """The time the site rule's `published` element states (`raw`, SiteRule.published_of), read
    as the page's times are."""
    if not raw:
        _rule_lacks(rule, "published_at", rule.published_selector, url)
    source = f"the site rule's {rule.published_selector!r}"
    if rule.published_format is not None:
        try:
            value, clock = formatted_time(raw, rule.published_format)
        except ValueError:
            raise ExtractionError(
                "published_at",
                f"{raw[:80]!r} ({source}) is not written as its published_format"
                f" {rule.published_format!r}",
            ) from None
        if dates.is_zero(value):  # a template's zero ("01/01/1970"): no date
            raise ExtractionError("published_at", f"{raw[:80]!r} ({source}) holds no date")
        return dates.choose([dates.Stamp(value, clock, source)], opts.assume_timezone)
    stamp = dates.parse_value(raw, source)
    stamps = (
        [stamp]
        if stamp is not None
        else dates.text_times(raw)
        or dates.local_text_times(raw)
        or dates.written_dates(raw, updates=True, line=True)
    )
    if not stamps:
        raise ExtractionError("published_at", f"{raw[:80]!r} ({source}) holds no date")
    return dates.choose(stamps, opts.assume_timezone)


# A video player in the page: `<video>`, or a frame or embed whose address names one (YouTube's
# `/embed/…`, `player.vimeo.com`, a site's `video` player), not a share or follow button's frame.
PLAYER = (
    "//video | //iframe[contains(@src, '/embed') or contains(@src, 'player')"
    " or contains(@src, 'video')] | //embed[contains(@src, 'video') or contains(@src, 'player')]"
)


def is_video_page(tree: HtmlElement, meta: PageMeta) -> bool:
    """A video's page: its JSON-LD describes one video and no article, or its `og:type` says
    `video.*` and it shows a player or marks itself up as a video (its outermost microdata item
    a `VideoObject`: YouTube's watch page, whose player a script draws); a podcast's episode
    typed `video.episode` shows neither. An article with a video in it stays an article: a page
    whose `og:type` says article and that holds a story's paragraphs (CNN describes only the
    video it embeds in JSON-LD)."""
    if meta.video is not None:
        kind = (meta.first("og:type") or "").strip().lower()
        return kind != "article" or pagekind.long_paragraphs(tree) < VIDEO_STORY_PARAGRAPHS
    return meta.og_video and ("videoobject" in meta.item_types or bool(tree.xpath(PLAYER)))


# Paragraphs of running text (pagekind.long_paragraphs) beyond any video's description.
VIDEO_STORY_PARAGRAPHS = 5


def video_description(meta: PageMeta) -> str:
    """The description of the one video a page's JSON-LD describes ("" for none)."""
    video = meta.video
    found = first_string(video.get("description")) if video is not None else None
    return unescaped(found or "")
