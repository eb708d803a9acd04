"""Thin routes: parse the request, ask the recommender, return JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request

from recommender.errors import InvalidInput
from recommender.selection import MAX_EXCLUDE, MAX_HISTORY, Filters, parse_id_list
from service.deps import RecommenderDep, RuntimeDep
from service.query import RecommendationQuery, parse_query, query_parameters
from service.responses import JSONBytes
from service.schemas import ErrorOut, Health, RecommendationsOut

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown article"},
    422: {"model": ErrorOut, "description": "Invalid parameters"},
    503: {"model": ErrorOut, "description": "No snapshot loaded"},
}


@router.get(
    "/v1/recommendations",
    response_model=RecommendationsOut,
    responses=ERRORS,
    summary="Ranked sections for an article",
    openapi_extra=query_parameters(RecommendationQuery),
)
async def recommendations(recommender: RecommenderDep, request: Request) -> JSONBytes:
    # One model validates the whole query (see service.query: FastAPI's per-parameter
    # validation was ~40% of an uncached answer); add parameters to RecommendationQuery.
    q = parse_query(request, RecommendationQuery)
    article_id, articles, videos, sponsored = q.article_id, q.articles, q.videos, q.sponsored
    history, exclude, explain = q.history, q.exclude, q.explain
    section, language, max_age_days = q.section, q.language, q.max_age_days
    settings = recommender.settings
    counts = {"articles": articles, "videos": videos, "sponsored": sponsored}
    for name, value in counts.items():
        if value is not None and value > settings.max_items_per_section:
            raise InvalidInput(
                f"{name} must be at most {settings.max_items_per_section}",
                details=[{"field": name, "reason": "above the maximum"}],
            )
    req = recommender.request(
        article_id, **{k: v for k, v in counts.items() if v is not None}
    ).personalised(
        history=parse_id_list("history", history, MAX_HISTORY),
        exclude=parse_id_list("exclude", exclude, MAX_EXCLUDE),
        filters=Filters(section, language, max_age_days),
        explain=explain,
    )
    return JSONBytes(recommender.recommend(req))


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=ERRORS, summary="A snapshot is loaded")
def readyz(runtime: RuntimeDep) -> Health:
    catalog = runtime.recommender.catalog
    return Health(status="ready", snapshot=catalog.version, items=catalog.size)
