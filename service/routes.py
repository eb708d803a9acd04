"""Thin routes: parse the request, ask the recommender, return JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from service.deps import RuntimeDep, current_recommender
from service.fast_path import recommendations_json
from service.paths import HEALTHZ, READYZ, RECOMMENDATIONS
from service.query import RecommendationQuery, query_parameters
from service.responses import RenderedJSON
from service.schemas import ErrorOut, Health, Ready, RecommendationsOut, RejectedSnapshot

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown article"},
    422: {"model": ErrorOut, "description": "Invalid parameters"},
    503: {"model": ErrorOut, "description": "No snapshot loaded"},
}


@router.get(
    RECOMMENDATIONS,
    response_model=RecommendationsOut,
    responses=ERRORS,
    summary="Ranked sections for an article",
    openapi_extra=query_parameters(RecommendationQuery),
)
async def recommendations(request: Request) -> Response:
    # One model validates the whole query (see service.query: FastAPI's per-parameter
    # validation was ~40% of an uncached answer); add parameters to RecommendationQuery.
    # No dependencies on this route: solving them cost a third of the framework's share of an
    # answer (#6). Well-formed requests are mostly answered before the router
    # (service.fast_path.RecommendationsFastPath), with this same function.
    recommender = current_recommender(request)
    sign = request.app.state.sign
    return RenderedJSON(recommendations_json(recommender, request.scope["query_string"], sign))


@router.get(HEALTHZ, response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(READYZ, response_model=Ready, responses=ERRORS, summary="A snapshot is loaded")
def readyz(runtime: RuntimeDep) -> Ready:
    catalog = runtime.recommender.catalog  # 503 when none is loaded (details: the rejection)
    rejected = runtime.rejected
    return Ready(
        status="ready",
        snapshot=catalog.version,
        items=catalog.size,
        rejected=RejectedSnapshot(**rejected.as_dict()) if rejected else None,
    )
