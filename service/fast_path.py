"""The widget's answer: one function from a query string to JSON bytes, and its fast path.

`GET /v1/recommendations` is the request a publisher's every page view makes. FastAPI's routing,
request object and exception plumbing cost about as much as the whole ranking of an answer
(profiled for issue #6), so `RecommendationsFastPath` answers a well-formed request with a known
article itself, through `recommendations_json`, the function the FastAPI route calls too; the
response cache's middleware asks it on every miss and sends its bytes (service.middleware).
Anything else (an error of any kind, a missing snapshot) goes on to the FastAPI route, which
computes the same thing again and renders its error through the app's handlers: one error shape,
one schema, and the fast path never answers differently from the route.
"""

from __future__ import annotations

from recommender.errors import InvalidInput
from recommender.serving.engine import Recommender, Signer
from recommender.serving.selection import MAX_EXCLUDE, MAX_HISTORY, NO_FILTERS, Filters
from service.query import (
    RecommendationQuery,
    parse_id_list,
    validate_params,
    validate_query_string,
)

ROUTE_KEY = "recommender.route"  # scope key naming the route of answers the router never saw
JSON_TYPE = b"application/json"


def recommendations_json(
    recommender: Recommender,
    query_string: bytes,
    sign: Signer | None = None,
    params: dict[str, str] | None = None,
) -> bytes:
    """The body of a 200 answer to `GET /v1/recommendations?<query_string>`; raises the
    validation or domain error the route turns into a 4xx. `params`: the query string's
    `decode_query`, when the caller has it (not decoded twice).

    KEEP IN STEP: the fast path answers before the route runs, so every query parameter is
    parsed here, through `RecommendationQuery` (a parameter declared only on the FastAPI route
    would be ignored by the fast path). The route calls this same function.
    """
    if params is None:
        q = validate_query_string(query_string, RecommendationQuery)
    else:
        q = validate_params(params, RecommendationQuery)
    limit = recommender.settings.widget.max_items_per_section
    for name, value in (
        ("articles", q.articles),
        ("videos", q.videos),
        ("sponsored", q.sponsored),
        ("popular", q.popular),
    ):
        if value is not None and value > limit:
            raise InvalidInput(
                f"{name} must be at most {limit}",
                details=[{"field": name, "reason": "above the maximum"}],
            )
    req = recommender.request(
        q.article_id,
        articles=q.articles,
        videos=q.videos,
        sponsored=q.sponsored,
        history=parse_id_list("history", q.history, MAX_HISTORY),
        exclude=parse_id_list("exclude", q.exclude, MAX_EXCLUDE),
        filters=filters_of(q),
        explain=q.explain,
        popular=q.popular or 0,
        popular_scope=q.popular_scope,
        page_view=q.page_view,
    )
    return recommender.recommend_json(req, sign=sign)


def filters_of(q: RecommendationQuery) -> Filters:
    """The query's filters (the shared `NO_FILTERS` for the usual query, which has none)."""
    if q.section is None and q.language is None and q.max_age_days is None:
        return NO_FILTERS
    return Filters(q.section, q.language, q.max_age_days)


class RecommendationsFastPath:
    """Answers `GET /v1/recommendations` without the framework when it can (see module doc).

    Not a middleware layer of its own: the response cache (service.middleware) asks it first on
    a miss and sends its body itself, one layer and two ASGI messages less per uncached answer
    (issue #15). A request it cannot answer goes on to the router as before."""

    def __init__(self, sign: Signer | None = None) -> None:
        self.sign = sign

    def body(
        self, recommender: Recommender | None, query: bytes, params: dict[str, str] | None
    ) -> bytes | None:
        """The 200 answer's body, or None: the route is to answer (every error is the route's
        to render; it raises the same again)."""
        if recommender is None:
            return None
        try:
            return recommendations_json(recommender, query, self.sign, params)
        except Exception:
            return None
