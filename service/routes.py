"""Thin routes: parse the request, ask the recommender, return JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from recommender.articles import ID_PATTERN
from recommender.errors import InvalidInput
from recommender.selection import MAX_EXCLUDE, MAX_HISTORY, Filters, parse_id_list
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


def id_list_pattern(limit: int) -> str:
    """The documented form of an id list (the route also forgives spaces and empty parts)."""
    one = ID_PATTERN.strip("^$")
    return f"^{one}(,{one}){{0,{limit - 1}}}$"


@router.get(
    "/v1/recommendations",
    response_model=RecommendationsOut,
    responses=ERRORS,
    summary="Ranked sections for an article",
)
async def recommendations(
    recommender: RecommenderDep,
    article_id: Annotated[str, Query(pattern=ID_PATTERN, max_length=128)],
    articles: Count = None,
    videos: Count = None,
    sponsored: Count = None,
    history: Annotated[
        str | None,
        Query(
            description="Recently read ids, most recent first, comma-separated (max 50).",
            json_schema_extra={"pattern": id_list_pattern(MAX_HISTORY)},
        ),
    ] = None,
    exclude: Annotated[
        str | None,
        Query(
            description="Ids never to show, comma-separated.",
            json_schema_extra={"pattern": id_list_pattern(MAX_EXCLUDE)},
        ),
    ] = None,
    section: Annotated[str | None, Query(max_length=200)] = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    max_age_days: Annotated[float | None, Query(gt=0, le=36500)] = None,
    explain: bool = False,
) -> JSONBytes:
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
