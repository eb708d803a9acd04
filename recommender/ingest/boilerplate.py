"""Lines a site repeats on its pages: template text, not article text.

A folder of saved pages from one site shows its template's furniture ("Kanal Warta hadir di
WhatsApp...", a newsletter prompt, a legal notice) in every article body the extractor could not
tell from the text. No phrase list knows every site's wording; a line found verbatim in the
bodies of at least `MIN_PAGES` pages of one host, and in at least `MIN_SHARE` of that host's pages
read together, is the site's, and leaves every body it is in. A body made only of such lines is
left as it was (a site's pages that say nothing else are better kept than emptied).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from recommender.articles import Article

# Three pages: two articles of one site may share a quotation or a background paragraph; a line
# in three or more of them, and in half of those read, is the template's.
MIN_PAGES = 3
MIN_SHARE = 0.5
WHITESPACE = re.compile(r"\s+")


def folded(line: str) -> str:
    return WHITESPACE.sub(" ", line).strip().casefold()


def host(article: Article) -> str:
    name = (urlsplit(str(article.url)).hostname or "").lower()
    return name.removeprefix("www.")


def repeated_lines(bodies: Iterable[str]) -> set[str]:
    """The folded lines that are a site's boilerplate among these bodies (one site's pages)."""
    texts = list(bodies)
    pages_with: Counter[str] = Counter()
    for body in texts:
        pages_with.update({folded(line) for line in body.splitlines() if line.strip()})
    needed = max(MIN_PAGES, MIN_SHARE * len(texts))
    return {line for line, count in pages_with.items() if count >= needed}


def without_lines(body: str, boilerplate: set[str]) -> str:
    kept = [line for line in body.splitlines() if folded(line) not in boilerplate]
    return "\n".join(kept) if any(line.strip() for line in kept) else body


def drop_site_boilerplate(articles: Iterable[Article]) -> dict[str, Article]:
    """Each article (by id) with its site's repeated lines removed from its body; only the
    articles that changed are returned."""
    by_host: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_host[host(article)].append(article)
    changed: dict[str, Article] = {}
    for pages in by_host.values():
        if len(pages) < MIN_PAGES:
            continue
        boilerplate = repeated_lines(page.body for page in pages)
        if not boilerplate:
            continue
        for page in pages:
            body = without_lines(page.body, boilerplate)
            if body != page.body:
                changed[page.id] = page.model_copy(update={"body": body})
    return changed
