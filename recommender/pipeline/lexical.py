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
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from recommender.ingest.text import clean_body


@contextmanager
def _numba_hidden() -> Iterator[None]:
    """While bm25s is first imported: it imports numba whenever numba is installed, for a
    retrieval backend this module never uses (its BM25 indexes with numpy; `BM25`'s default
    backend is numpy too). numba is installed for the update's kernels, which `make setup` builds
    ahead of time so that a job need not import numba: through bm25s it cost every `build` and
    `update` ~0.3 s at its start. Only at this module's import, before any job starts a thread;
    an earlier import of numba is left as it is."""
    if "numba" in sys.modules:
        yield
        return
    sys.modules["numba"] = None  # type: ignore[assignment]  # import fails: bm25s goes without
    try:
        yield
    finally:
        if sys.modules.get("numba", 0) is None:
            del sys.modules["numba"]


with _numba_hidden():
    import bm25s
    from bm25s.stopwords import STOPWORDS_EN

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


K1, B = 1.5, 0.75  # bm25s' Lucene variant, as Lucene's defaults


@dataclass
class FieldStats:
    """A field's collection statistics as of the last full refresh: what the BM25 weight of a
    document added later is computed with (bounded-stale; see recommender.pipeline.rerank)."""

    terms: list[str]  # column order of the weight matrix
    df: npt.NDArray[np.int64]  # documents per term (per column)
    docs: int  # documents in the collection
    avgdl: float  # mean document length in terms

    def idf(self) -> Floats:
        """Lucene's idf of every column: log(1 + (N - df + 0.5) / (df + 0.5))."""
        df = self.df.astype(np.float64)
        return np.log1p((self.docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def bm25_field(token_lists: Sequence[list[str]]) -> tuple[sp.csr_matrix, FieldStats]:
    """Items x terms BM25 weights (Lucene variant, k1=1.5, b=0.75) as a CSR matrix, and the
    statistics they were computed with."""
    n = len(token_lists)
    if not any(token_lists):
        return sp.csr_matrix((n, 1), dtype=np.float32), FieldStats(
            [""], np.zeros(1, np.int64), n, 0.0
        )
    # Term ids in order of first appearance. Given token strings, bm25s numbers its vocabulary in
    # set order, which changes with PYTHONHASHSEED; the term order decides which of equal weights
    # `top_terms` keeps, so two builds of one corpus gave different related lists.
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in tokens] for tokens in token_lists]
    model = bm25s.BM25(method="lucene", k1=K1, b=B)
    model.index((ids, vocab), show_progress=False)
    s = model.scores
    terms = len(s["indptr"]) - 1  # bm25s may add an empty token to its vocabulary
    matrix = sp.csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(n, terms))
    # Columns are term ids; bm25s may keep one column more (its empty token) or one fewer.
    names = (list(vocab) + [""] * terms)[:terms]
    distinct = [i for doc in ids for i in set(doc)]
    df = np.bincount(np.asarray(distinct, dtype=np.int64), minlength=terms)[:terms]
    avgdl = float(np.mean([len(doc) for doc in ids]))
    return sp.csr_matrix(matrix, dtype=np.float32), FieldStats(names, df, n, avgdl)


def bm25_matrix(token_lists: Sequence[list[str]]) -> sp.csr_matrix:
    """Items x terms BM25 weights (Lucene variant, k1=1.5, b=0.75) as a CSR matrix."""
    return bm25_field(token_lists)[0]


def bm25_more(
    token_lists: Sequence[list[str]], stats: FieldStats
) -> tuple[sp.csr_matrix, FieldStats]:
    """Weights of documents added to a collection, with its stored statistics (not refreshed:
    the weights of the documents already there stay as they are). A term the collection has
    not seen becomes a new column, its document frequency counted among the added documents.
    Returns the rows (columns: the extended vocabulary) and the extended statistics."""
    column = {term: i for i, term in enumerate(stats.terms) if term}
    terms, df = list(stats.terms), [int(x) for x in stats.df]
    for tokens in token_lists:
        for token in dict.fromkeys(tokens):
            if token not in column:
                column[token] = len(terms)
                terms.append(token)
                df.append(0)
            if column[token] >= len(stats.terms):
                df[column[token]] += 1
    grown = FieldStats(terms, np.asarray(df, dtype=np.int64), stats.docs, stats.avgdl)
    idf = grown.idf()
    avgdl = stats.avgdl if stats.avgdl > 0 else 1.0
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for tokens in token_lists:
        counts: dict[int, int] = {}
        for token in tokens:
            counts[column[token]] = counts.get(column[token], 0) + 1
        norm = K1 * ((1 - B) + B * len(tokens) / avgdl)
        for col, tf in sorted(counts.items()):
            cols.append(col)
            data.append(float(idf[col]) * tf / (tf + norm))
        indptr.append(len(cols))
    rows = sp.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(cols, dtype=np.int32), indptr),
        shape=(len(token_lists), len(terms)),
    )
    return rows, grown


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
    body_stats: FieldStats | None = None
    title_stats: FieldStats | None = None

    @classmethod
    def build(cls, records: Sequence[Mapping[str, Any]], analyser: Analyser) -> LexicalIndex:
        """Weights for item records (dicts with title, lead, body, language), in row order."""
        body_tokens, title_tokens = field_tokens(records, analyser)
        body, body_stats = bm25_field(body_tokens)
        title, title_stats = bm25_field(title_tokens)
        return cls(body, title, self_scores(body), self_scores(title), body_stats, title_stats)

    @classmethod
    def from_weights(
        cls, body: sp.csr_matrix, title: sp.csr_matrix, stats: tuple[FieldStats, FieldStats]
    ) -> LexicalIndex:
        return cls(body, title, self_scores(body), self_scores(title), *stats)

    def extend(
        self,
        kept: npt.NDArray[np.int64],
        added: npt.NDArray[np.int64],
        records: Sequence[Mapping[str, Any]],
        analyser: Analyser,
    ) -> LexicalIndex:
        """The index of a changed collection without re-reading it: new row `r` keeps old row
        `kept[r]`'s weights (-1: none), rows `added` get weights computed with the stored
        statistics (`records` are the new rows' records, all of them)."""
        assert self.body_stats is not None and self.title_stats is not None
        body_tokens, title_tokens = field_tokens([records[i] for i in added], analyser)
        body_new, body_stats = bm25_more(body_tokens, self.body_stats)
        title_new, title_stats = bm25_more(title_tokens, self.title_stats)
        body = _assemble(self.body, body_new, kept, added)
        title = _assemble(self.title, title_new, kept, added)
        return LexicalIndex.from_weights(body, title, (body_stats, title_stats))


def field_tokens(
    records: Sequence[Mapping[str, Any]], analyser: Analyser
) -> tuple[list[list[str]], list[list[str]]]:
    """Each record's terms of its whole text and of its title."""
    languages = [str(r.get("language") or "id") for r in records]
    pairs = list(zip(records, languages, strict=True))
    body = [analyser.tokens(body_text(r), lang) for r, lang in pairs]
    title = [analyser.tokens(str(r.get("title") or ""), lang) for r, lang in pairs]
    return body, title


def _assemble(
    old: sp.csr_matrix,
    new: sp.csr_matrix,
    kept: npt.NDArray[np.int64],
    added: npt.NDArray[np.int64],
) -> sp.csr_matrix:
    """Rows of `old` (by `kept`) and of `new` (at `added`) in new row order; columns widened."""
    width = max(old.shape[1], new.shape[1])
    old = sp.csr_matrix(old, dtype=np.float32)
    old.resize((old.shape[0], width))
    new = sp.csr_matrix(new, dtype=np.float32)
    new.resize((new.shape[0], width))
    stacked = sp.csr_matrix(sp.vstack([old, new, sp.csr_matrix((1, width), dtype=np.float32)]))
    source = np.where(kept >= 0, kept, old.shape[0] + new.shape[0]).astype(np.int64)
    source[added] = old.shape[0] + np.arange(len(added))
    return sp.csr_matrix(stacked[source], dtype=np.float32)


@lru_cache(maxsize=4)
def make_analyser(stem: bool) -> Analyser:
    return Analyser(default_stopwords(), stem=stem)
