"""Query strings parsed by one pydantic model instead of FastAPI's per-parameter machinery.

FastAPI validates each declared query parameter separately (type inspection, alias look-ups, one
validation per field): with the widget's ten parameters that was ~40% of the CPU of an uncached
recommendation. `parse_query` validates the whole query string with one `model_validate` and
raises FastAPI's own `RequestValidationError` (same 422, same error shape, same field names);
`query_parameters` documents the model's fields as OpenAPI query parameters, so the schema (and
schemathesis) see exactly what FastAPI would have declared.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from recommender.articles import ID_PATTERN, ID_RE
from recommender.errors import InvalidInput
from recommender.serving.selection import MAX_EXCLUDE, MAX_HISTORY


def id_list_pattern(limit: int) -> str:
    """The documented form of an id list (the route also forgives spaces and empty parts)."""
    one = ID_PATTERN.strip("^$")
    return f"^{one}(,{one}){{0,{limit - 1}}}$"


Count = Annotated[int | None, Field(ge=0, le=50)]
PAGE_VIEW_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"  # as the events' `page_view` (service.events)


class RecommendationQuery(BaseModel):
    """The query parameters of `GET /v1/recommendations`.

    Every parameter of that route is declared here and nowhere else: the fast path
    (service.fast_path) answers before the route runs and sees only what this model parses.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    article_id: str = Field(pattern=ID_PATTERN, max_length=128)
    articles: Count = None
    videos: Count = None
    sponsored: Count = None
    history: str | None = Field(
        None,
        description="Recently read ids, most recent first, comma-separated (max 50).",
        json_schema_extra={"pattern": id_list_pattern(MAX_HISTORY)},
    )
    exclude: str | None = Field(
        None,
        description="Ids never to show, comma-separated.",
        json_schema_extra={"pattern": id_list_pattern(MAX_EXCLUDE)},
    )
    section: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=16)
    max_age_days: float | None = Field(None, gt=0, le=36500)
    explain: bool = False
    popular: Count = Field(
        None, description="Items of the 'terpopuler' section (most read, from the event log)."
    )
    popular_scope: Literal["site", "section"] = Field(
        "site", description="'section': only the most read of the article's own section."
    )
    page_view: str | None = Field(
        None,
        pattern=PAGE_VIEW_PATTERN,
        description="The page view's id (as its events carry it): decides the interleaving of"
        " a configured experiment; without experiments it changes nothing.",
    )


M = TypeVar("M", bound=BaseModel)


def parse_query(request: Request, model: type[M]) -> M:
    """The request's query string validated by `model` (the last of repeated keys wins)."""
    return validate_query_string(request.scope["query_string"], model)


def decode_query(query_string: bytes) -> dict[str, str]:
    """A raw query string's parameters, percent-decoded, the last of repeated names kept:
    `dict(parse_qsl(..., keep_blank_values=True))`. A query with nothing to decode (no `%`,
    no `+`, the widget's usual) is split here, the same way, at a third of parse_qsl's cost."""
    text = query_string.decode("latin-1")
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    params: dict[str, str] = {}
    for part in text.split("&"):
        if part:  # parse_qsl skips empty parts; "name" alone is ("name", "")
            name, _, value = part.partition("=")
            params[name] = value
    return params


def validate_query_string(query_string: bytes, model: type[M]) -> M:
    """A raw query string validated by `model`; errors are FastAPI's `RequestValidationError`."""
    return validate_params(decode_query(query_string), model)


def validate_params(values: dict[str, str], model: type[M]) -> M:
    """Decoded parameters (`decode_query`) validated by `model`, as `validate_query_string`."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def query_parameters(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` declaring the model's fields as query parameters."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    parameters = []
    for name, field in schema["properties"].items():
        field = dict(field)
        description = field.pop("description", None)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": field,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return {"parameters": parameters}


def parse_id_list(name: str, raw: str | None, limit: int) -> tuple[str, ...]:
    """Comma-separated item ids from a query parameter; a malformed id or too many is an error."""
    if not raw:
        return ()
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if len(ids) > limit:
        raise InvalidInput(
            f"{name} may list at most {limit} ids",
            details=[{"field": name, "reason": f"{len(ids)} ids, above the maximum of {limit}"}],
        )
    bad = [i for i in ids if not ID_RE.match(i)]
    if bad:
        raise InvalidInput(
            f"{name} holds malformed ids",
            details=[{"field": name, "reason": f"not an item id: {i[:40]!r}"} for i in bad[:10]],
        )
    return tuple(ids)
