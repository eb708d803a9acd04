"""The lexical signal: an Indonesian/English analyser and BM25 weights for item bodies and titles.

Every item is a BM25 document twice: its whole text (title, lead, cleaned body) and its title
alone (a separate field, because a headline names the story). bm25s computes the weights
(Lucene's variant, k1=1.5, b=0.75). Relatedness is "more like this" done with BM25: the anchor's
terms, each weighted by its BM25 weight in the anchor, score every other item by
`sum(w_anchor(t) * w_item(t))`, divided by the anchor's score against itself so that values fall
in [0, 1] whatever the corpus or the length of the anchor.

Scoring every pair is O(N^2), so neighbours are *found* with a cheaper query and only the pairs
kept are scored exactly: the anchor's `QUERY_TERMS` best terms (by BM25 weight in the anchor, as
Lucene's MoreLikeThis does) looked up in each term's `POSTINGS` best items (a "champion list",
Manning et al., Introduction to IR 7.1.3). A query then touches at most QUERY_TERMS x POSTINGS
items, whatever the corpus size; a common term reaches only the items it weighs most in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import bm25s
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from bm25s.stopwords import STOPWORDS_EN

from recommender.ingest.text import clean_body

QUERY_TERMS = 32  # an anchor's terms used to find its lexical neighbours (MoreLikeThis)
POSTINGS = 1000  # items per term searched when finding neighbours (a champion list)
TOKEN = re.compile(r"(?u)\b\w\w+\b")
HAS_LETTER = re.compile(r"[^\W\d_]")
Floats = npt.NDArray[np.float32]


@lru_cache(maxsize=1)
def indonesian_stopwords() -> frozenset[str]:
    """Sastrawi's Indonesian stop-word list (about 800 words)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


@lru_cache(maxsize=1)
def default_stopwords() -> frozenset[str]:
    """Indonesian and English stop words: Indonesian news quotes English and vice versa."""
    return indonesian_stopwords() | frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def indonesian_stemmer() -> Callable[[str], str]:
    """Sastrawi's rule-based Indonesian stemmer, memoised per word (it is slow uncached)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    stem: Callable[[str], str] = lru_cache(maxsize=500_000)(stemmer.stem)
    return stem


class Analyser:
    """Text to index terms: lower-case words with a letter, minus stop words, optionally stemmed.

    Stemming applies to Indonesian items only (Sastrawi's rules would mangle English words).
    """

    def __init__(self, stopwords: frozenset[str], *, stem: bool) -> None:
        self.stopwords = stopwords
        self._stem = indonesian_stemmer() if stem else None

    def tokens(self, text: str, language: str = "id") -> list[str]:
        words = [
            w
            for w in TOKEN.findall(text.lower())
            if w not in self.stopwords and HAS_LETTER.search(w)
        ]
        if self._stem is not None and language.lower().startswith("id"):
            return [s for s in map(self._stem, words) if len(s) > 1]
        return words


def body_text(record: Mapping[str, Any]) -> str:
    """Title, lead and cleaned body of an item record: what the item is about."""
    title = str(record.get("title") or "").strip()
    parts = [title, clean_body(record.get("lead") or ""), clean_body(record.get("body") or "")]
    return "\n".join(p for p in parts if p)


def bm25_matrix(token_lists: Sequence[list[str]]) -> sp.csr_matrix:
    """Items x terms BM25 weights (Lucene variant, k1=1.5, b=0.75) as a CSR matrix."""
    n = len(token_lists)
    if not any(token_lists):
        return sp.csr_matrix((n, 1), dtype=np.float32)
    # Term ids in order of first appearance. Given token strings, bm25s numbers its vocabulary in
    # set order, which changes with PYTHONHASHSEED; the term order decides which of equal weights
    # `top_terms` keeps, so two builds of one corpus gave different related lists.
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in tokens] for tokens in token_lists]
    model = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    model.index((ids, vocab), show_progress=False)
    s = model.scores
    terms = len(s["indptr"]) - 1  # bm25s may add an empty token to its vocabulary
    matrix = sp.csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(n, terms))
    return sp.csr_matrix(matrix, dtype=np.float32)


def self_scores(weights: sp.csr_matrix) -> Floats:
    """Each item's score against itself (the normaliser); 1 for empty items to avoid 0/0."""
    out = np.asarray(weights.multiply(weights).sum(axis=1), dtype=np.float32).ravel()
    out[out <= 0] = 1.0
    return out


def top_terms(weights: sp.csr_matrix, limit: int) -> sp.csr_matrix:
    """Each row's `limit` largest weights; the rest dropped (ties at the cut: any of them)."""
    weights = sp.csr_matrix(weights, dtype=np.float32)
    counts = np.diff(weights.indptr)
    keep = np.ones(weights.nnz, dtype=bool)
    for row in np.flatnonzero(counts > limit):
        start, stop = weights.indptr[row], weights.indptr[row + 1]
        drop = np.argpartition(-weights.data[start:stop], limit - 1)[limit:]
        keep[start + drop] = False
    rows = np.repeat(np.arange(weights.shape[0]), counts)[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=weights.shape[0]))])
    return sp.csr_matrix(
        (weights.data[keep], weights.indices[keep], indptr), shape=weights.shape, dtype=np.float32
    )


@dataclass
class LexicalIndex:
    """BM25 weights of every item row, for the whole text and for the title."""

    body: sp.csr_matrix
    title: sp.csr_matrix
    body_self: Floats
    title_self: Floats

    @classmethod
    def build(cls, records: Sequence[Mapping[str, Any]], analyser: Analyser) -> LexicalIndex:
        """Weights for item records (dicts with title, lead, body, language), in row order."""
        languages = [str(r.get("language") or "id") for r in records]
        body = bm25_matrix(
            [
                analyser.tokens(body_text(r), lang)
                for r, lang in zip(records, languages, strict=True)
            ]
        )
        title = bm25_matrix(
            [
                analyser.tokens(str(r.get("title") or ""), lang)
                for r, lang in zip(records, languages, strict=True)
            ]
        )
        return cls(body, title, self_scores(body), self_scores(title))


@lru_cache(maxsize=4)
def make_analyser(stem: bool) -> Analyser:
    return Analyser(default_stopwords(), stem=stem)
