"""The headline: the page's own title tags without the site's name, as the visible `<h1>` has it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from recommender.ingest.html.cjk import CJK_CHAR, words
from recommender.ingest.html.metadata import PageMeta, in_other_story, unescaped

# " - Kompas.com", " | Republika Online", "KapanLagi.com: ", " :: ", " « Site", " ‹ Site".
# Full-width separators ("：日本経済新聞", "｜") need no spaces around them.
# A colon right after a host name ("KapanLagi.com: ", "Tempo.co: ") separates too; lookbehinds
# are fixed-width, hence one per top-level domain seen on news sites.
HOST_COLON = "|".join(
    f"(?<=\\.{tld}):\\s+" for tld in ("com", "co", "id", "net", "org", "tv", "news")
)
# Chinese sites join headline, section and site with "_" ("标题_智能_好奇心日报").
SEPARATOR = re.compile(
    rf"\s+[|\-–—:»«·•/‹›]{{1,2}}\s+|\s*::\s*|{HOST_COLON}|\s*[：｜]\s*|(?<=[\u3000-\u9fff])_(?=[\u3000-\u9fff])"
)
HOST_LIKE = re.compile(r"\b[\w-]+\.(?:com|co\.id|id|net|org|co\.uk|co|news|tv)\b", re.IGNORECASE)
MIN_TITLE_WORDS = 3
# A title tag whose headline part the template left empty: "| What's Cooking" (the site's name).
EMPTY_HEADLINE = re.compile(r"^\s*[|\-–—:»«·•/‹›]{1,2}\s")
SHORT_TITLE_WORDS = 2  # a headline this short only beside the site's name


# "Judul Halaman all", "Judul - Halaman 2", "Title - Page 2": which page of a paginated article.
PAGE_SUFFIX = re.compile(r"(?:\s+[-|]\s+|\s+)(?:halaman|hal\.|page)\s+(?:all|semua|\d+)\s*$", re.I)


def squash(text: str) -> str:
    """`text` without punctuation, spaces or case: how headlines and headings are compared."""
    return re.sub(r"\W+", "", text).casefold()


def site_words(meta: PageMeta, url: str | None) -> list[str]:
    """The site's names, squashed: og:site_name, the publisher, the host's labels."""
    names = [meta.first("og:site_name", "application-name", "twitter:site") or ""]
    publisher = meta.article("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        names.append(publisher["name"])
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [p for p in host.lower().split(".") if p not in {"www", "m", "com", "co", "id", "net"}]
    names.extend(labels)
    # "kabar-daerah.example" titled "... ‹ Kabar Berita Daerah": a hyphenated host's first word
    # names the site too.
    names.extend(label.split("-")[0] for label in labels if "-" in label)
    return [squash(n.lstrip("@")) for n in names if len(squash(n)) >= MIN_SHORT_SITE_CHARS]


def headline_h1(tree: HtmlElement, title: str, *, whole: bool = False) -> HtmlElement | None:
    """The first `<h1>` whose text (squashed) is the headline `title`, or starts with it unless
    `whole` (an `<h1>` that adds a label after the headline)."""
    wanted = squash(title)
    if not wanted:
        return None
    for h1 in tree.iter("h1"):
        text = squash(h1.text_content() or "")
        if text == wanted or (not whole and text.startswith(wanted)):
            return h1
    return None


def only_site_name(title: str, url: str | None) -> bool:
    """`title` is the site's host name and nothing else: a label of it ("Kompas" on kompas.com,
    "Cultura Japonesa" on culturajaponesa.com.br) or the whole ("F-1.LT" on www.f-1.lt). Not
    og:site_name, which templates fill with the page's own name ("Guacamole" on a recipe)."""
    squashed = squash(title)
    host = WWW.sub("", (urlsplit(url).hostname or "") if url else "")
    labels = {squash(label) for label in host.split(".") if len(label) >= MIN_SITE_CHARS}
    return bool(squashed) and (squashed in labels or squashed == squash(host))


WWW = re.compile(r"^(?:www\d?|m)\.")


# A site's name this short ("iG", "DR") names it only when a part of the title is that name alone;
# from MIN_SITE_CHARS on, a part that starts with it or that it starts does ("Kompas" for
# "Kompas.com").
MIN_SHORT_SITE_CHARS = 2
MIN_SITE_CHARS = 3


def names_site(squashed: str, site: str) -> bool:
    """`squashed` (a title's part or a byline, squashed) names the site `site`."""
    if len(site) < MIN_SITE_CHARS:
        return squashed == site
    return squashed.startswith(site) or site.startswith(squashed) or site in squashed


def is_site_name(part: str, sites: list[str]) -> bool:
    squashed = squash(part)
    if not squashed:
        return True
    if HOST_LIKE.search(part) and len(part.split()) <= 4:
        return True
    return any(names_site(squashed, s) for s in sites) and len(part.split()) <= 4


def strip_site_name(title: str, sites: list[str]) -> str:
    """Drop a leading or trailing segment that names the site ("Berita X - Kompas.com"), and a
    page-number suffix ("Halaman all")."""
    stripped = _strip_site_segment(title, sites)
    return PAGE_SUFFIX.sub("", stripped).strip() or stripped


def _strip_site_segment(title: str, sites: list[str]) -> str:
    parts = SEPARATOR.split(title)
    if len(parts) < 2:
        return title.strip()
    seps = SEPARATOR.findall(title)
    if is_site_name(parts[-1], sites) and words(" ".join(parts[:-1])) >= MIN_TITLE_WORDS:
        return title[: title.rfind(seps[-1])].strip()
    # A short headline ("Ear Candy! | Novalanalove"): only when the part after it is exactly the
    # site's name.
    if squash(parts[-1]) in sites and words(" ".join(parts[:-1])) >= SHORT_TITLE_WORDS:
        return title[: title.rfind(seps[-1])].strip()
    # The site's name and then its tagline ("Headline - InformeCorrientes.com - Corrientes
    # Capital"): both go.
    if (
        len(parts) >= 3
        and is_site_name(parts[-2], sites)
        and words(" ".join(parts[:-2])) >= MIN_TITLE_WORDS
    ):
        cut = title.rfind(seps[-1])
        return title[: title.rfind(seps[-2], 0, cut)].strip()
    if is_site_name(parts[0], sites) and words(" ".join(parts[1:])) >= MIN_TITLE_WORDS:
        return title[title.find(seps[0]) + len(seps[0]) :].strip()
    return title.strip()


# Where one sentence ends and another begins: a word of three letters or more, its full stop and
# a capital ("Rezeptentwicklung. Ein"; not "U.S. Senate").
SENTENCE_BREAK = re.compile(r"\w{3,}[.!?]\s+[A-ZÀ-Ý]")


def headline(tree: HtmlElement, meta: PageMeta, url: str | None) -> str:
    """og:title, JSON-LD headline or <title>, site name removed; the <h1>'s wording if it is the
    same headline (titles tags often drop the colon or question mark the visible headline has)."""
    sites = site_words(meta, url)
    ld = meta.article("headline")
    ld = unescaped(ld) if isinstance(ld, str) else ld  # JSON-LD holds text: "guerra&#58; la"
    # og:title is often a social-media rewrite of the headline, so it comes last.
    raw = [
        c
        for c in (
            ld if isinstance(ld, str) else None,
            _entry_title(tree),
            _text(tree.find(".//title")),
            meta.first("og:title", "twitter:title", "dc.title"),
        )
        if c and c.strip() and not EMPTY_HEADLINE.match(c)
    ]
    candidates = [strip_site_name(c, sites) for c in raw]
    # Headlines a title tag gave beside the site's name ("Ear Candy! | Novalanalove"): however
    # short, they name the story, not the site or its owner.
    beside_site = {c for c, r in zip(candidates, raw, strict=True) if c != r.strip()}
    # A title tag that is the site's host name alone ("Warta" on warta.example) names no story,
    # where another one does (og:title "Headline | Warta").
    candidates = [c for c in candidates if not only_site_name(c, url)] or candidates
    banners = [h for h in tree.iter("h1") if _is_banner(h, url)]
    h1s = [t for h in tree.iter("h1") if h not in banners and (t := heading_text(h))]
    h2s = [] if h1s else [t for h in tree.iter("h2") if (t := heading_text(h))]
    if banners:
        # The only <h1> is the site's banner or logo: the story's headline is a lower heading.
        h1s = h1s or h2s
    # A page without any <h1> (older templates head the story with an <h2>): its <h2>s are the
    # visible headings the title tags are compared with, not headlines of their own.
    visible = h1s or h2s
    # A heading that links to the page itself is its headline ("Permanent Link to ..."), where the
    # title tags say more around it ("Blog » Blog Archive » Headline").
    for text in _self_linked_headings(tree, url):
        if any(text in SEPARATOR.split(candidate) for candidate in candidates):
            return text
    for candidate in candidates:
        for text in visible:
            if squash(text) == squash(candidate):
                return text
    # A title tag's headline of two parts whole as an `<h2>`: the story's heading under a site's
    # tagline in the `<h1>` ("Headline <span>Subtitle</span>" for "Headline - Subtitle | Site").
    lower = [] if h2s else [t for h in tree.iter("h2") if (t := heading_text(h))]
    for candidate in candidates:
        if len(SEPARATOR.split(candidate)) > 1:
            for text in lower:
                if squash(text) == squash(candidate):
                    return text
    # A title tag that starts with the visible headline and goes on with section or author names.
    for candidate in candidates:
        for text in visible:
            if words(text) >= MIN_TITLE_WORDS and squash(candidate).startswith(squash(text)):
                return text
    # "Headline | Section" (the site already gone) over an <h1> that adds a label after the
    # headline ("Headline Premium"): the title's first segment is the headline.
    for candidate in candidates:
        first = SEPARATOR.split(candidate)[0].strip()
        if words(first) >= MIN_TITLE_WORDS and any(
            squash(text).startswith(squash(first)) for text in h1s
        ):
            return first
    # A short headline ("Millionaires' Shortbread", a dish's or a film's name) that both the title
    # tags' first part and an <h1> give: what follows it there is the section's and the site's.
    for candidate in candidates:
        first = SEPARATOR.split(candidate)[0].strip()
        if first != candidate.strip() and words(first) >= SHORT_TITLE_WORDS:
            for text in h1s:
                if squash(text) == squash(first):
                    return text
    # No heading names the story, but the page shows the title tag's headline part on its own
    # ("标题_网站名" over `<div class="title">标题</div>`).
    for candidate in candidates:
        shown = _shown_part(tree, candidate)
        if shown:
            return shown
    base = candidates[0] if candidates else ""
    # A title tag written for search engines as sentences ("Nudelsalat von Thermomix
    # Rezeptentwicklung. Ein Thermomix ® Rezept aus der Kategorie …") that opens with another
    # title tag's headline (og:title "Nudelsalat"): that headline.
    if SENTENCE_BREAK.search(base):
        for other in candidates[1:]:
            if other != base and squash(base).startswith(squash(other)):
                return other
    # "Catatan Warga: Banjir Rendam Dayeuhkolot" beside og:title "Banjir Rendam Dayeuhkolot": the
    # blog's name is the segment the other title tag leaves out.
    for other in candidates[1:]:
        if other != base and _is_side(other, base, sites):
            return other
    if not base:
        return h1s[0] if h1s else ""
    if words(base) >= MIN_TITLE_WORDS or base in beside_site:
        return base
    return _headline_h1(h1s) or base


def sole_h1(tree: HtmlElement, meta: PageMeta, title: str, url: str | None) -> str | None:
    """The text of the page's one `<h1>` (the site's banner left out) when it is a headline of
    its own, other than `title` and the other title tags: no part of them, nor holding one (a
    kicker run into the headline: "Wow, wow, wow!Manuela Reimann: …", "THERMOMIX ® REZEPT 1
    Nudelsalat" beside og:title "Nudelsalat")."""
    h1s = [
        (h, text) for h in tree.iter("h1") if not _is_banner(h, url) and (text := heading_text(h))
    ]
    if len(h1s) != 1 or words(h1s[0][1]) < MIN_TITLE_WORDS:
        return None
    h1, text = h1s[0]
    shown = squash(h1.text_content() or "")
    ld = meta.article("headline")
    named = [
        title,
        meta.first("og:title", "twitter:title") or "",
        ld if isinstance(ld, str) else "",
    ]
    wanted = [squash(n) for n in named if squash(n)]
    return None if any(w in shown or shown in w for w in wanted) else text


NOT_SHOWN = frozenset({"title", "script", "style", "noscript", "template", "option", "head"})
ELLIPSIS = ("...", "…")


def _shown_part(tree: HtmlElement, title: str) -> str | None:
    """The text of an element in the page's body that is the start or the end of `title`, cut
    where the title separates parts (a separator or a space), when the part left out is at most
    half as long as the part shown: "Headline_Site", "Headline Site Name", "Section--Headline"
    over a `<div class="title">` of the headline. A headline cut short on the page ("...") is
    not one."""
    whole = squash(title)
    body = tree.find(".//body")
    if body is None or not whole:
        return None
    best: str | None = None
    best_length = 0
    for element in body.iter():
        # A headline's element holds its text and perhaps a link or a line break, no more.
        if not isinstance(element.tag, str) or element.tag.lower() in NOT_SHOWN or len(element) > 3:
            continue
        text = _text(element)
        part = squash(text)
        if not part or part == whole or text.endswith(ELLIPSIS) or words(text) < MIN_TITLE_WORDS:
            continue
        if 2 * (len(whole) - len(part)) > len(part):
            continue
        if not (whole.startswith(part) or whole.endswith(part)) or not _cut_at_boundary(
            title, text
        ):
            continue
        if len(part) > best_length:
            best, best_length = text, len(part)
    return best


# Chinese titles join their parts without spaces ("标题-网站名", "栏目--标题") or with a space alone.
CJK_GAP = re.compile(r"\s*(?:[-_|–—·•]{1,2}|\s)\s*")
BEFORE_GAP = re.compile(r"(?:\s*[-_|–—·•»/]{1,2}\s*|\s+)$")


def _cut_at_boundary(title: str, part: str) -> bool:
    """`part` begins or ends `title`, and what the title says besides it is set apart by a
    separator (" - ", " | ", "_" in Chinese); a plain space or an unspaced hyphen only in a CJK
    title ("Kindersitz-Test 2018" is one headline). A name before a colon is the headline's
    kicker ("王文：..."), not set apart."""
    plain = " ".join(title.split())
    cjk_title = bool(CJK_CHAR.search(plain))
    if plain.startswith(part):
        at = len(part)
        return bool(SEPARATOR.match(plain, at)) or (cjk_title and bool(CJK_GAP.match(plain, at)))
    if plain.endswith(part):
        gap = BEFORE_GAP.search(plain[: len(plain) - len(part)])
        if gap is None:
            return False
        spaced = gap.group().startswith(" ") and gap.group().endswith(" ") and gap.group().strip()
        return bool(spaced) or cjk_title
    return False


def _link_key(href: str, base: str) -> tuple[str, str] | None:
    """(host, path) of a link for comparison: scheme, `www.`, query and trailing slash ignored;
    None for an address no browser could follow (`http://[not an address]/`)."""
    try:
        parts = urlsplit(urljoin(base, href.strip()))
        host = parts.hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www."), parts.path.rstrip("/")


HIDDEN_CLASSES = frozenset({"hidden", "hide", "sr-only", "visually-hidden", "screen-reader-text"})


def _is_banner(heading: HtmlElement, url: str | None) -> bool:
    """A heading that names the site: a link home, or hidden from readers (a logo's text kept
    for search engines, `<h1 class="hidden">Site</h1>`)."""
    hidden = HIDDEN_CLASSES.intersection((heading.get("class") or "").lower().split())
    display = (heading.get("style") or "").replace(" ", "").lower()
    return bool(hidden) or "display:none" in display or _links_home(heading, url)


def _links_home(heading: HtmlElement, url: str | None) -> bool:
    """A heading that is only a link to the site's front page or to a folder above this page (a
    blog's `<h1><a href="/filmgang/">The Film Gang</a></h1>`, or the link around the heading):
    the site's name, no headline."""
    inner = list(heading.iter("a"))
    if len(inner) == 1 and _text(inner[0]) == _text(heading):
        link: HtmlElement | None = inner[0]
    else:
        link = None if inner else next(heading.iterancestors("a"), None)
    if not url or link is None:
        return False
    linked, page = _link_key(link.get("href") or "", url), _link_key(url, url)
    if linked is None or page is None:
        return False
    (host, path), (page_host, page_path) = linked, page
    return host == page_host and path != page_path and (page_path + "/").startswith(path + "/")


def _self_linked_headings(tree: HtmlElement, url: str | None) -> list[str]:
    """Texts of the `<h1>`-`<h3>` whose link points to the page's own URL."""
    if not url:
        return []
    own = _link_key(url, url)
    if own is None:
        return []
    found = []
    for heading in tree.xpath(".//h1|.//h2|.//h3"):
        links = list(heading.iter("a"))
        own_link = len(links) == 1 and _link_key(links[0].get("href") or "", url) == own
        if own_link and (text := _text(heading)):
            found.append(text)
    return found


SIDE_MARKS = ":|-–—‹›»«·•/：｜"


def _is_side(part: str, title: str, sites: list[str]) -> bool:
    """`part` is what `title` says on one side of a separator ("Blog: Part", "Part | Blog"). A
    headline shorter than usual counts where the other side is the site's name ("Come Together"
    beside "Come Together - Wiener Badminton Verband", the site's og:site_name)."""
    if words(part) < SHORT_TITLE_WORDS:
        return False
    if title.endswith(part):
        rest = title[: -len(part)].rstrip()
        mark, other = rest[-1:], rest.rstrip(SIDE_MARKS + " ")
    elif title.startswith(part):
        rest = title[len(part) :].lstrip()
        mark, other = rest[:1], rest.lstrip(SIDE_MARKS + " ")
    else:
        return False
    if not mark or mark not in SIDE_MARKS:
        return False
    return words(part) >= MIN_TITLE_WORDS or is_site_name(other, sites)


# The hAtom microformat's entry title (`<span class="headline entry-title">`, Blogger and
# WordPress themes' `<h3 class="post-title entry-title">`), as its `published` marks the time.
ENTRY_TITLE = "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]"


def _entry_title(tree: HtmlElement) -> str | None:
    """The page's one hAtom entry title (a page listing several entries has no one headline)."""
    found = [e for e in tree.xpath(ENTRY_TITLE) if not in_other_story(e)]
    return heading_text(found[0]) if len(found) == 1 else None


# A heading's text without the controls a template puts in it (The Globe and Mail's `<a href="#"
# class="addtowatchlist">Add to ...</a>` inside its `<h1>`).
HEADING_TEXT = (
    ".//text()[not(ancestor::button) and not(ancestor::*[@role='button'])"
    " and not(ancestor::a[@href='#' or starts-with(@href, 'javascript:')])]"
)


# Elements that part a heading's words where the source writes no space: a line break in a
# two-line headline ("Ribuan<br>Rumah"), a block inside the heading.
WORD_PARTING = frozenset({"br", "div", "p", "li"})


def heading_text(element: HtmlElement) -> str:
    return _joined(element, element.xpath(HEADING_TEXT))


def _joined(element: HtmlElement, texts: list[Any]) -> str:
    """`element`'s text nodes `texts` as one line, a space where WORD_PARTING parts them."""
    pieces = []
    for text in texts:
        around = text.getparent()
        if around is not None and around.tag in WORD_PARTING and around is not element:
            pieces.append(" ")  # after a line break, or before a block's text
        pieces.append(str(text))
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _headline_h1(h1s: list[str]) -> str | None:
    """The first <h1> long enough to be a headline, where the title tags name only the site or
    its owner (<title>KABAR</title>, <title>Budi Santoso</title>)."""
    return next((text for text in h1s if words(text) >= MIN_TITLE_WORDS), None)


def _text(element: HtmlElement | None) -> str:
    return "" if element is None else _joined(element, element.xpath(".//text()"))
