"""Hybrid relevance, computed once per build: the related list of every item in each pool.

For an anchor `a` and a candidate `c` of one pool:

1. Candidates are the union of `a`'s dense top-K (FAISS) and lexical top-K (BM25), so a named
   entity the embedding model misses still connects two stories.
2. Pair relevance blends three signals, each about 0..1 (score blending, weights in settings):
   `h = DENSE_WEIGHT * cos(a, c) + LEXICAL_WEIGHT * bm25(a, c) + TITLE_WEIGHT * bm25_title(a, c)`.
3. Shared neighbours: items of one story are each other's neighbours, so the overlap of the two
   items' top-`NEIGHBOURHOOD_K` lists (by `h`, each list including the item itself) is a strong,
   model-free signal. `snn(a, c) = |N(a) & N(c)| / sqrt(|N(a)| |N(c)|)`.
4. `relevance = h + NEIGHBOURHOOD_WEIGHT * snn`; the top `NEIGHBOURS_K` are stored with their
   parts, so a request only reads a list (and `explain=true` can show why an item is there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from recommender.lexical import LexicalIndex, make_analyser
from recommender.settings import Settings

BLOCK = 256  # anchors per batch: bounds the dense score blocks to BLOCK x pool size
PARTS = ("dense", "lexical", "neighbourhood")
Floats = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int32]


@dataclass
class Related:
    """Top-K related rows of one pool per item row (-1 pads), their relevance and its parts.

    `parts[..., i]` is the weighted contribution of PARTS[i]; they add up to `scores`.
    """

    rows: Rows
    scores: Floats
    parts: Floats

    @classmethod
    def from_dense(cls, rows: Rows, scores: Floats) -> Related:
        """Lists of a snapshot built without hybrid ranking: relevance is the cosine alone."""
        parts = np.zeros((*rows.shape, len(PARTS)), dtype=np.float32)
        parts[..., 0] = scores
        return cls(np.asarray(rows), np.asarray(scores), parts)

    @classmethod
    def empty(cls, n: int, k: int) -> Related:
        return cls(
            np.full((n, k), -1, dtype=np.int32),
            np.zeros((n, k), dtype=np.float32),
            np.zeros((n, k, len(PARTS)), dtype=np.float32),
        )


@dataclass
class Candidates:
    """Stage one: every anchor's candidates with their blended score and its parts."""

    rows: Rows  # (n, width), -1 pads
    blended: Floats
    dense: Floats
    lexical: Floats
    lexical_rows: Rows  # (n, k): the lexical top-k (stored in the snapshot)
    lexical_scores: Floats


def top_k_rows(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    """Column positions of each row's k best scores, best first."""
    k = min(k, scores.shape[1])
    if k <= 0:
        return np.zeros((scores.shape[0], 0), dtype=np.intp)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def gather_candidates(
    vectors: Floats,
    dense_rows: Rows,
    lexical: LexicalIndex,
    members: npt.NDArray[np.int64],
    settings: Settings,
) -> Candidates:
    """Union of dense and lexical top-K per anchor, scored by the blended relevance."""
    n, k = len(vectors), settings.neighbours_k
    width = 2 * k
    out = Candidates(
        np.full((n, width), -1, dtype=np.int32),
        np.full((n, width), -np.inf, dtype=np.float32),
        np.zeros((n, width), dtype=np.float32),
        np.zeros((n, width), dtype=np.float32),
        np.full((n, k), -1, dtype=np.int32),
        np.zeros((n, k), dtype=np.float32),
    )
    if len(members) == 0:
        return out
    position = np.full(n, -1, dtype=np.int64)
    position[members] = np.arange(len(members))
    body_t = lexical.body[members].T.tocsc()
    title_t = lexical.title[members].T.tocsc()
    lex_total = settings.lexical_weight + settings.title_weight
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        body = (lexical.body[start:stop] @ body_t).toarray() / lexical.body_self[start:stop, None]
        title = (lexical.title[start:stop] @ title_t).toarray() / lexical.title_self[
            start:stop, None
        ]
        lex = settings.lexical_weight * body + settings.title_weight * title
        own = np.flatnonzero((members >= start) & (members < stop))
        lex[members[own] - start, own] = -np.inf  # an item is never its own neighbour
        top = top_k_rows(lex.astype(np.float32), k)
        for i in range(stop - start):
            row = start + i
            lex_top = top[i][np.isfinite(lex[i, top[i]]) & (lex[i, top[i]] > 0)]
            lex_n = len(lex_top)
            out.lexical_rows[row, :lex_n] = members[lex_top]
            out.lexical_scores[row, :lex_n] = lex[i, lex_top] / (lex_total or 1.0)
            dense_pos = position[dense_rows[row][dense_rows[row] >= 0]]
            cand = np.unique(np.concatenate([dense_pos[dense_pos >= 0], lex_top]))
            cand = cand[members[cand] != row]
            rows = members[cand]
            dense = vectors[rows] @ vectors[row]
            lex_part = np.maximum(lex[i, cand], 0.0)
            width_i = len(cand)
            out.rows[row, :width_i] = rows
            out.dense[row, :width_i] = settings.dense_weight * dense
            out.lexical[row, :width_i] = lex_part
            out.blended[row, :width_i] = settings.dense_weight * dense + lex_part
    return out


def shared_neighbours(cands: Candidates, size: int, n_items: int) -> sp.csr_matrix:
    """Binary items x items matrix: each row marks the item itself and its `size` best candidates."""
    n = cands.rows.shape[0]
    best = top_k_rows(cands.blended, size)
    picked = np.take_along_axis(cands.rows, best, axis=1)
    valid = picked >= 0
    src = np.concatenate([np.repeat(np.arange(n), valid.sum(axis=1)), np.arange(n)])
    dst = np.concatenate([picked[valid].astype(np.int64), np.arange(n)])
    data = np.ones(len(src), dtype=np.float32)
    return sp.csr_matrix((data, (src, dst)), shape=(n, n_items))


def related_lists(
    vectors: Floats,
    dense_rows: Rows,
    lexical: LexicalIndex,
    members: npt.NDArray[np.int64],
    settings: Settings,
) -> tuple[Related, Rows, Floats]:
    """The stored related lists of one pool, plus its lexical top-K (rows, scores)."""
    n, k = len(vectors), settings.neighbours_k
    cands = gather_candidates(vectors, dense_rows, lexical, members, settings)
    snn = np.zeros_like(cands.blended)
    if settings.neighbourhood_k > 0 and settings.neighbourhood_weight > 0 and len(members):
        marks = shared_neighbours(cands, settings.neighbourhood_k, n)
        sizes = np.asarray(marks.sum(axis=1), dtype=np.float32).ravel()
        marks_t = marks.T.tocsc()
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            overlap = (marks[start:stop] @ marks_t).toarray()
            rows = cands.rows[start:stop]
            safe = np.where(rows >= 0, rows, 0)
            common = np.take_along_axis(overlap, safe, axis=1)
            norm = np.sqrt(sizes[start:stop, None] * sizes[safe])
            snn[start:stop] = np.where(rows >= 0, common / np.maximum(norm, 1.0), 0.0)
    neighbourhood = settings.neighbourhood_weight * snn
    final = np.where(cands.rows >= 0, cands.blended + neighbourhood, -np.inf).astype(np.float32)
    best = top_k_rows(final, k)
    out = Related.empty(n, k)
    take = best.shape[1]
    rows = np.take_along_axis(cands.rows, best, axis=1)
    valid = rows >= 0
    out.rows[:, :take] = np.where(valid, rows, -1)
    out.scores[:, :take] = np.where(valid, np.take_along_axis(final, best, axis=1), 0.0)
    for i, part in enumerate((cands.dense, cands.lexical, neighbourhood)):
        values = np.take_along_axis(part, best, axis=1)
        out.parts[:, :take, i] = np.where(valid, values, 0.0)
    return out, cands.lexical_rows, cands.lexical_scores


def related_file(pool: str, part: str) -> str:
    """Snapshot file of a pool's hybrid related lists; part is rows, scores or parts."""
    return f"related-{part}-{pool}.npy"


def lexical_file(pool: str, part: str) -> str:
    """Snapshot file of a pool's lexical (BM25) neighbour lists; part is rows or scores."""
    return f"lexical-{part}-{pool}.npy"


def ranking_arrays(
    records: Sequence[Mapping[str, Any]],
    vectors: Floats,
    dense_rows: Mapping[str, Rows],
    pools: Sequence[str],
    settings: Settings,
) -> dict[str, npt.NDArray[Any]]:
    """Everything the ranking adds to a snapshot, by file name: for each editorial pool in
    `dense_rows`, its related lists and lexical neighbours. `records` are the items in row order
    (dicts with title, lead, body, language), `pools` their pool names.
    """
    lexical = LexicalIndex.build(records, make_analyser(settings.lexical_stemming))
    names = np.asarray(pools)
    out: dict[str, npt.NDArray[Any]] = {}
    for pool, rows in dense_rows.items():
        members = np.flatnonzero(names == pool).astype(np.int64)
        related, lex_rows, lex_scores = related_lists(vectors, rows, lexical, members, settings)
        out[related_file(pool, "rows")] = related.rows
        out[related_file(pool, "scores")] = related.scores
        out[related_file(pool, "parts")] = related.parts
        out[lexical_file(pool, "rows")] = lex_rows
        out[lexical_file(pool, "scores")] = lex_scores
    return out


def load_related(folder: Path) -> dict[str, Related]:
    """The related lists of a snapshot folder (memory-mapped); pools without them are left out."""
    found: dict[str, Related] = {}
    for path in folder.glob(related_file("*", "rows")):
        pool = path.name.removeprefix("related-rows-").removesuffix(".npy")
        # Plain ndarray views of the maps: indexing an np.memmap costs ~1.5 us of Python per row.
        found[pool] = Related(
            np.asarray(np.load(path, mmap_mode="r")),
            np.asarray(np.load(folder / related_file(pool, "scores"), mmap_mode="r")),
            np.asarray(np.load(folder / related_file(pool, "parts"), mmap_mode="r")),
        )
    return found
