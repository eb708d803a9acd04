"""Thin routes: parse the request, ask the recommender, return JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from recommender.articles import ID_PATTERN
from recommender.errors import InvalidInput
from service.deps import RecommenderDep, RuntimeDep
from service.responses import JSONBytes
from service.schemas import ErrorOut, Health, RecommendationsOut

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown article"},
    422: {"model": ErrorOut, "description": "Invalid parameters"},
    503: {"model": ErrorOut, "description": "No snapshot loaded"},
}
Count = Annotated[int | None, Query(ge=0, le=50)]


@router.get(
    "/v1/recommendations",
    response_model=RecommendationsOut,
    responses=ERRORS,
    summary="Ranked sections for an article",
)
def recommendations(
    recommender: RecommenderDep,
    article_id: Annotated[str, Query(pattern=ID_PATTERN, max_length=128)],
    articles: Count = None,
    videos: Count = None,
    sponsored: Count = None,
) -> JSONBytes:
    settings = recommender.settings
    counts = {"articles": articles, "videos": videos, "sponsored": sponsored}
    for name, value in counts.items():
        if value is not None and value > settings.max_items_per_section:
            raise InvalidInput(
                f"{name} must be at most {settings.max_items_per_section}",
                details=[{"field": name, "reason": "above the maximum"}],
            )
    req = recommender.request(article_id, **{k: v for k, v in counts.items() if v is not None})
    return JSONBytes(recommender.recommend(req))


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=ERRORS, summary="A snapshot is loaded")
def readyz(runtime: RuntimeDep) -> Health:
    catalog = runtime.recommender.catalog
    return Health(status="ready", snapshot=catalog.version, items=catalog.size)
