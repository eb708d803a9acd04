"""Bylines: people only, each once, without "Pewarta:"-style labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

from recommender.ingest.html.metadata import PageMeta, ld_is_organisation, ld_names
from recommender.ingest.html.titles import MIN_SITE_CHARS

LABEL = re.compile(
    r"^\s*(?:oleh|by|pewarta|penulis|reporter|wartawan|kontributor|editor|author|redaktur)\s*[:：]?\s+",
    re.IGNORECASE,
)
# "and"/"dan" join two names only between them: "Dan Goodin" is one person.
SPLIT = re.compile(
    r"\s*(?:;|\||&|(?<=\S)\s+(?:and|dan)\s+(?=\S)|,(?=\s*\S+\s+\S+))\s*", re.IGNORECASE
)
# Companies, desks and CMS placeholders that pages put where a person's name belongs.
NOT_A_PERSON = re.compile(
    r"\b(?:pt|tbk|inc|ltd|llc|corp|media|cyber|network|group|redaksi|newsroom|desk|team|admin"
    r"|administrator|developer|web ?design|username|user|staff|editorial|news|online|digital"
    r"|wires?|agency|kantor berita)\b|\.(?:com|co|id|net|org)\b|^https?://|@",
    re.IGNORECASE,
)
MAX_NAME_WORDS = 6


def clean_name(raw: str) -> str | None:
    name = re.sub(r"\s+", " ", LABEL.sub("", raw)).strip(" ,;-–")
    if not name or len(name.split()) > MAX_NAME_WORDS or NOT_A_PERSON.search(name):
        return None
    if not any(c.isalpha() for c in name):
        return None
    return name


def is_site(name: str, sites: Sequence[str]) -> bool:
    squashed = re.sub(r"\W+", "", name).casefold()
    return any(
        squashed == site
        if len(site) < MIN_SITE_CHARS
        else site.startswith(squashed) or squashed.startswith(site)
        for site in sites
    )


def authors(meta: PageMeta, sites: Sequence[str] = ()) -> list[str]:
    """People named by JSON-LD (organisations skipped) and the author meta tags (else the byline
    marked up in the page, `itemprop="author"` or `rel="author"`), deduplicated
    without regard to case (the first spelling wins); the site's own name ("ANTARA", "Okezone"
    for antaranews.com, okezone.com) is no person."""
    raw: list[str] = []
    ld = meta.article("author")
    if ld is not None and not ld_is_organisation(ld):
        raw.extend(ld_names(ld))
    for name in (
        "author",
        "article:author",
        "parsely-author",
        "dc.creator",
        "byl",
        "sailthru.author",
    ):
        raw.extend(meta.all(name))
    if not raw:
        # No metadata names anyone: the byline marked in the page's markup (microdata author,
        # `rel="author"`).
        raw.extend(meta.bylines)
    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for part in SPLIT.split(value):
            person = clean_name(part)
            if person and is_site(person, sites):
                continue
            if person and person.casefold() not in seen:
                seen.add(person.casefold())
                out.append(person)
    return out
