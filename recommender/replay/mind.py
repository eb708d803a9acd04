"""Replay of a public click log in MIND's format (msnews.github.io): `behaviors.tsv` and
`news.tsv`, read with file:line errors for bad rows (the good ones are kept).

- news.tsv: `news id, category, subcategory, title, abstract, url, title entities, abstract
  entities`, tab-separated (only the first five are read);
- behaviors.tsv: `impression id, user id, time ("11/11/2019 9:05:58 AM"), history (news ids,
  oldest first, space-separated), impressions ("N1-1 N2-0": news id - clicked)`.

Content relevance is the cosine between a candidate and the reader's history (the mean of the
history's vectors), each news embedded by the configured model from its title and abstract; with
no history, every candidate scores 0. Popularity counts the clicks of earlier impressions of the
same file (recommender.replay.popularity); the CTR score counts every candidate of earlier
impressions as shown, its prior per news category (recommender.replay.ctr).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from recommender.errors import InvalidInput
from recommender.ingest.importer import RowError
from recommender.pipeline.embed import Encoder
from recommender.replay.replay import Click, Exposure, Impression, Weights, replay

Floats = npt.NDArray[np.float64]
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"
NEWS_COLUMNS = 5  # id, category, subcategory, title, abstract (more are allowed)
BEHAVIOUR_COLUMNS = 5


@dataclass(frozen=True)
class Behaviour:
    """One row of behaviors.tsv."""

    at: float
    history: tuple[str, ...]
    candidates: tuple[str, ...]
    labels: tuple[int, ...]


def lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                text = line.rstrip("\r\n")
                if text.strip():
                    yield number, text
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc


def read_news(path: Path) -> tuple[dict[str, str], dict[str, str], list[RowError]]:
    """Each news id's text (title, then abstract) and category, and the rejected rows."""
    texts: dict[str, str] = {}
    categories: dict[str, str] = {}
    errors: list[RowError] = []
    for number, line in lines(path):
        columns = line.split("\t")
        if len(columns) < NEWS_COLUMNS:
            errors.append(
                RowError(str(path), number, "row", f"{len(columns)} columns, expected at least 5")
            )
            continue
        news_id, title, abstract = columns[0].strip(), columns[3].strip(), columns[4].strip()
        if not news_id:
            errors.append(RowError(str(path), number, "news_id", "empty"))
            continue
        if not title and not abstract:
            errors.append(RowError(str(path), number, "title", "no title and no abstract"))
            continue
        texts[news_id] = f"{title}\n{abstract}".strip()
        categories[news_id] = columns[1].strip().casefold()
    return texts, categories, errors


def parse_behaviour(
    path: Path, number: int, line: str, news: dict[str, str]
) -> Behaviour | RowError:
    """One behaviors.tsv row, or why it is rejected."""
    columns = line.split("\t")
    if len(columns) != BEHAVIOUR_COLUMNS:
        return RowError(str(path), number, "row", f"{len(columns)} columns, expected 5")
    try:
        moment = datetime.strptime(columns[2].strip(), TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return RowError(
            str(path), number, "time", f"{columns[2][:40]!r} is not like 11/11/2019 9:05:58 AM"
        )
    candidates: list[str] = []
    labels: list[int] = []
    for token in columns[4].split():
        news_id, dash, label = token.rpartition("-")
        if not dash or label not in ("0", "1") or not news_id:
            return RowError(
                str(path), number, "impressions", f"{token[:40]!r} is not NEWSID-0 or NEWSID-1"
            )
        if news_id not in news:
            return RowError(str(path), number, "impressions", f"unknown news id {news_id!r}")
        candidates.append(news_id)
        labels.append(int(label))
    if not candidates:
        return RowError(str(path), number, "impressions", "empty")
    history = tuple(i for i in columns[3].split() if i in news)  # older news may be gone
    return Behaviour(moment.timestamp(), history, tuple(candidates), tuple(labels))


def read_behaviours(path: Path, news: dict[str, str]) -> tuple[list[Behaviour], list[RowError]]:
    rows: list[Behaviour] = []
    errors: list[RowError] = []
    for number, line in lines(path):
        parsed = parse_behaviour(path, number, line, news)
        if isinstance(parsed, RowError):
            errors.append(parsed)
        else:
            rows.append(parsed)
    return rows, errors


def embed_news(
    behaviours: list[Behaviour], news: dict[str, str], encoder: Encoder
) -> dict[str, npt.NDArray[np.float32]]:
    """Vectors of the news the behaviours mention (unit length, as the encoder gives them)."""
    needed = sorted({i for b in behaviours for i in (*b.history, *b.candidates)})
    vectors = encoder.encode([news[i] for i in needed], progress=False)
    return {news_id: vectors[row] for row, news_id in enumerate(needed)}


def history_relevance(behaviour: Behaviour, vectors: dict[str, npt.NDArray[np.float32]]) -> Floats:
    """Cosine of each candidate to the mean of the reader's history (0 without a history)."""
    if not behaviour.history:
        return np.zeros(len(behaviour.candidates))
    profile = np.mean([vectors[i] for i in behaviour.history], axis=0, dtype=np.float64)
    norm = np.linalg.norm(profile)
    if norm == 0:
        return np.zeros(len(behaviour.candidates))
    candidates = np.array([vectors[i] for i in behaviour.candidates], dtype=np.float64)
    return np.asarray(candidates @ (profile / norm), dtype=np.float64)


def replay_mind(
    behaviors_path: Path,
    news_path: Path,
    encoder: Encoder,
    weights: Weights,
) -> dict[str, Any]:
    """Replay a MIND-format click log (see the module doc)."""
    news, categories, news_errors = read_news(news_path)
    behaviours, behaviour_errors = read_behaviours(behaviors_path, news)
    if not behaviours:
        raise InvalidInput(
            f"no usable impression in {behaviors_path}",
            details=[{"row": str(e)} for e in (*news_errors, *behaviour_errors)[:20]],
        )
    vectors = embed_news(behaviours, news, encoder)
    impressions: list[Impression] = []
    clicks: list[Click] = []
    exposures: list[Exposure] = []
    for b in behaviours:
        labels = np.array(b.labels, dtype=np.float64)
        impressions.append(Impression(b.at, b.candidates, labels, history_relevance(b, vectors)))
        clicks.extend(
            Click(b.at, i) for i, label in zip(b.candidates, b.labels, strict=True) if label
        )
        exposures.extend(Exposure(b.at, i) for i in b.candidates)
    result = replay(impressions, clicks, weights, exposures=exposures, sections=categories)
    return {
        "source": "mind",
        "behaviors": str(behaviors_path),
        "news": str(news_path),
        "model": getattr(encoder, "name", type(encoder).__name__),
        **result.as_dict(),
        "rejected_rows": [str(e) for e in (*news_errors, *behaviour_errors)],
    }
