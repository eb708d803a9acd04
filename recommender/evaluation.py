"""Offline evaluation: the engine against a TF-IDF "more like this" baseline on labelled articles.

Two items are relevant to each other when they share a label: a keyword (same story) or the
category. The engine is asked exactly as the API asks it (`Recommender.recommend`) on a
throw-away snapshot; the baseline ranks the same candidates by TF-IDF cosine of the same texts.
Metrics are P@k, nDCG@k (binary gains) and MRR over the top k (0 when nothing relevant is there).
"""

from __future__ import annotations

import math
import operator
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from recommender.articles import Article, pool_of
from recommender.errors import InvalidInput
from recommender.ingest.text import item_text
from recommender.pipeline.build import build_snapshot
from recommender.pipeline.embed import Embedder, EmbeddingCache, Encoder
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.settings import Settings

METRICS = ("p_at_k", "ndcg_at_k", "mrr")
FILTER = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|=|>|<)\s*(.+?)\s*$")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    "!=": operator.ne,
}
FILTER_FIELDS = ("published_at", "section", "language", "type", "id")
RANKING_PREFIXES = (
    "dense_", "lexical_", "title_weight", "neighbourhood_", "freshness_", "dedupe",
    "duplicate_", "mmr_",
)  # fmt: skip


def load_labels(path: Path) -> dict[str, frozenset[str]]:
    """Labels by item id: `keywords` (a list) and/or `category`, as in shared/data/*/labels.json."""
    try:
        raw = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read labels {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise InvalidInput(f"labels {path}: expected an object keyed by item id")
    labels: dict[str, frozenset[str]] = {}
    for item_id, value in raw.items():
        if not isinstance(value, dict):
            raise InvalidInput(f"labels {path}: {item_id!r} is not an object")
        found = {f"keyword:{k}" for k in value.get("keywords") or []}
        if value.get("category"):
            found.add(f"category:{value['category']}")
        if found:
            labels[item_id] = frozenset(found)
    return labels


def parse_filter(expression: str | None) -> Callable[[Article], bool]:
    """`published_at>=2022-06-01`, `section=Nasional`, `language!=en`... (one condition)."""
    if not expression:
        return lambda _article: True
    match = FILTER.match(expression)
    if not match or match.group(1) not in FILTER_FIELDS:
        raise InvalidInput(
            f"bad --queries filter {expression!r}: use FIELD OP VALUE with FIELD one of "
            f"{', '.join(FILTER_FIELDS)} and OP one of >= <= > < = !="
        )
    name, op, value = match.groups()
    compare = OPERATORS[op]
    if name == "published_at":
        try:
            bound = datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidInput(f"bad date in --queries filter: {value!r}") from exc

        def by_date(article: Article) -> bool:
            moment = article.published_at
            limit = bound if bound.tzinfo else bound.replace(tzinfo=moment.tzinfo)
            return compare(moment, limit)

        return by_date
    return lambda article: compare(str(getattr(article, name) or ""), value)


def precision_at_k(hits: Sequence[bool], k: int) -> float:
    return sum(hits[:k]) / k


def ndcg_at_k(hits: Sequence[bool], k: int, relevant: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits[:k]) if hit)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, relevant)))
    return dcg / ideal if ideal else 0.0


def reciprocal_rank(hits: Sequence[bool], k: int) -> float:
    for i, hit in enumerate(hits[:k]):
        if hit:
            return 1.0 / (i + 1)
    return 0.0


@dataclass
class Scores:
    """Running sums of the metrics over queries."""

    p_at_k: float = 0.0
    ndcg_at_k: float = 0.0
    mrr: float = 0.0
    queries: int = 0

    def add(self, hits: Sequence[bool], relevant: int, k: int) -> None:
        self.p_at_k += precision_at_k(hits, k)
        self.ndcg_at_k += ndcg_at_k(hits, k, relevant)
        self.mrr += reciprocal_rank(hits, k)
        self.queries += 1

    def means(self) -> dict[str, float]:
        q = max(self.queries, 1)
        return {m: round(getattr(self, m) / q, 4) for m in METRICS}


class TfidfBaseline:
    """ "More like this": TF-IDF (scikit-learn defaults) cosine over the candidate texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.matrix = TfidfVectorizer().fit_transform(texts).tocsr()

    def ranked(self, position: int, k: int) -> list[int]:
        scores = (self.matrix @ self.matrix[position].T).toarray().ravel()
        scores[position] = -np.inf
        top = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in top]


def eval_settings(settings: Settings, data_dir: Path, *, freshness: bool) -> Settings:
    """The run's settings: a throw-away data dir; freshness off unless asked for."""
    update: dict[str, Any] = {"data_dir": data_dir, "keep_snapshots": 1}
    if not freshness:
        update["freshness_half_life_hours"] = 0.0
    return settings.replace(**update)


def evaluate(
    articles: Sequence[Article],
    labels: dict[str, frozenset[str]],
    settings: Settings,
    *,
    k: int = 5,
    queries: str | None = None,
    freshness: bool = False,
    cache_path: Path | None = None,
    embedder: Encoder | None = None,
) -> dict[str, Any]:
    """Build a temporary snapshot, rank every query with the engine and the baseline, compare."""
    if not 1 <= k <= settings.widget.max_items_per_section:
        raise InvalidInput(f"k must be between 1 and {settings.widget.max_items_per_section}")
    started = time.perf_counter()
    keep = parse_filter(queries)
    live = sorted((a for a in articles if a.published), key=lambda a: a.id)
    candidates = [
        a for a in live if pool_of(a.model_dump(include={"type", "sponsor"})) == "article"
    ]
    judge = Judge([a.id for a in candidates], labels)
    labelled = [a for a in candidates if keep(a) and a.id in labels]
    # A query with nothing relevant among the candidates measures nothing: it is left out.
    query_items = [a for a in labelled if judge.relevant(a.id)]
    if not query_items:
        raise InvalidInput("no labelled article with a relevant candidate matches --queries")
    with tempfile.TemporaryDirectory(prefix="recommender-eval-") as tmp:
        run_settings = eval_settings(settings, Path(tmp), freshness=freshness)
        model = embedder or Embedder.from_settings(run_settings)
        cache = EmbeddingCache(cache_path) if cache_path else None
        try:
            result = build_snapshot(live, run_settings, model, cache=cache, progress=False)
        finally:
            if cache:
                cache.close()
        catalog = Catalog.load(run_settings.snapshots_dir / result.version)
        engine = Recommender(catalog, run_settings)
        built = time.perf_counter()
        engine_scores = Scores()
        for article in query_items:
            req = engine.request(article.id, articles=k, videos=0, sponsored=0)
            items = engine.recommend(req)["sections"][0]["items"]
            engine_scores.add(*judge(article.id, [item["id"] for item in items]), k)
    baseline = TfidfBaseline([item_text(a) for a in candidates])
    position = {a.id: i for i, a in enumerate(candidates)}
    baseline_scores = Scores()
    for article in query_items:
        ranked = [candidates[i].id for i in baseline.ranked(position[article.id], k)]
        baseline_scores.add(*judge(article.id, ranked), k)
    eng, base = engine_scores.means(), baseline_scores.means()
    return {
        "k": k,
        "articles": len(candidates),
        "queries": len(query_items),
        "skipped_queries": len(labelled) - len(query_items),
        "query_filter": queries,
        "engine": eng,
        "baseline": base,
        "ratio": {m: round(eng[m] / base[m], 3) if base[m] else None for m in METRICS},
        "model": result.manifest["model"]["name"],
        "embedded": result.embedded,
        "seconds": {
            "build": round(built - started, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "ranking": ranking_settings(run_settings),
    }


class Judge:
    """Relevance against the labels: two items are relevant when they share a label."""

    def __init__(self, candidate_ids: Sequence[str], labels: dict[str, frozenset[str]]) -> None:
        self.labels = labels
        self.holders: dict[str, set[str]] = {}
        for item_id in candidate_ids:
            for label in labels.get(item_id, frozenset()):
                self.holders.setdefault(label, set()).add(item_id)

    def relevant(self, query_id: str) -> int:
        """How many candidates (the query itself aside) share a label with the query."""
        found: set[str] = set()
        for label in self.labels.get(query_id, frozenset()):
            found |= self.holders.get(label, set())
        return len(found - {query_id})

    def __call__(self, query_id: str, ranked: Sequence[str]) -> tuple[list[bool], int]:
        """Hits of a ranked list, and how many relevant candidates exist (for the ideal DCG)."""
        mine = self.labels.get(query_id, frozenset())
        hits = [bool(mine & self.labels.get(i, frozenset())) for i in ranked]
        return hits, self.relevant(query_id)


def ranking_settings(settings: Settings) -> dict[str, Any]:
    """The settings that shape ranking, echoed with the figures they produced."""
    values = settings.flat()
    names = [name for name in values if name.startswith(RANKING_PREFIXES)]
    return {name: values[name] for name in sorted(names)}


def evaluate_files(
    articles_path: Path,
    labels_path: Path,
    settings: Settings,
    *,
    k: int = 5,
    queries: str | None = None,
    freshness: bool = False,
) -> dict[str, Any]:
    """`evaluate` on an import file and a labels file; vectors are cached under
    DATA_DIR/cache/embeddings.sqlite so repeated runs do not embed again."""
    from recommender.ingest.importer import import_paths
    from recommender.jobs import embedding_cache

    report = import_paths([articles_path])
    if not report.items:
        raise InvalidInput(f"nothing could be imported from {articles_path}")
    labels = load_labels(labels_path)
    cache = embedding_cache(settings)
    cache.close()
    result = evaluate(
        list(report.items.values()),
        labels,
        settings,
        k=k,
        queries=queries,
        freshness=freshness,
        cache_path=cache.path,
    )
    result["rejected_rows"] = report.rejected
    return result
