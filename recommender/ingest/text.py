"""Item text for embedding and matching: title + lead + body, cleaned of page clutter."""

from __future__ import annotations

import re

from recommender.articles import Article

# Whole lines that are page furniture, not article text (Indonesian and English news sites).
CLUTTER_LINE = re.compile(
    r"^\s*(?:"
    r"scroll (?:to continue with content|untuk melanjutkan(?: membaca)?)"
    r"|advertisement|iklan|advertorial"
    r"|(?:simak|lihat|tonton|saksikan) (?:juga|pula)\b.*"
    r"|baca (?:juga|pula|selengkapnya)\s*:?.*"
    r"|read (?:more|also)\s*:.*"
    r"|\[gambas:.*\]"
    r")\s*$",
    re.IGNORECASE,
)
WHITESPACE = re.compile(r"\s+")


def clean_body(text: str) -> str:
    """Drop clutter lines and fold whitespace."""
    kept = [line for line in text.splitlines() if line.strip() and not CLUTTER_LINE.match(line)]
    return WHITESPACE.sub(" ", " ".join(kept)).strip()


def item_text(article: Article, *, max_chars: int = 4000) -> str:
    """The text that represents an item: title, lead and cleaned body, bounded in length.

    The character bound keeps tokenisation cheap; the model truncates to its token limit anyway.
    """
    parts = [article.title.strip(), clean_body(article.lead), clean_body(article.body)]
    text = ". ".join(p.rstrip(". ") for p in parts if p)
    return text[:max_chars]
