"""Demo pages: /demo (the demo articles), /demo/{article_id} (an article with the widget under it)
and /demo/images/{id}.svg (generated placeholders, so the demo never requests an outside image)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse

from recommender.articles import ID_PATTERN, ID_RE
from recommender.errors import ArticleNotFound
from recommender.serving.catalog import Catalog
from service.demo_html import PAGE_CSP, article_page, index_page, placeholder_svg
from service.deps import RuntimeDep
from service.paths import DEMO_PREFIX, WIDGET_JS
from service.runtime import Runtime

router = APIRouter(prefix=DEMO_PREFIX, include_in_schema=False)
INDEX_LIMIT = 60
HEADERS = {"Content-Security-Policy": PAGE_CSP}  # service.demo_html: no inline script


def editorial_articles(catalog: Catalog, section: str | None) -> list[dict[str, Any]]:
    """Published editorial articles of the snapshot, newest first."""
    records = [
        r
        for r in catalog.records
        if r.get("type", "article") == "article"
        and not r.get("sponsor")
        and r.get("status", "published") == "published"
        and (section is None or r.get("section") == section)
    ]
    return sorted(records, key=lambda r: str(r["published_at"]), reverse=True)[:INDEX_LIMIT]


def record_of(catalog: Catalog, item_id: str) -> dict[str, Any] | None:
    row = catalog.row_of.get(item_id)
    return catalog.full_record(row) if row is not None else None  # with the body (read from disk)


def loaded_record(runtime: Runtime, item_id: str) -> dict[str, Any] | None:
    """The item in the loaded snapshot; None also when nothing is loaded (images still render)."""
    current = runtime.current
    return record_of(current.catalog, item_id) if current is not None else None


@router.get("", response_class=HTMLResponse)
def demo_index(
    runtime: RuntimeDep, section: Annotated[str | None, Query(max_length=200)] = None
) -> HTMLResponse:
    records = editorial_articles(runtime.recommender.catalog, section)
    publisher = runtime.settings.widget.publisher_name
    return HTMLResponse(index_page(records, publisher, section), headers=HEADERS)


@router.get("/images/{item_id}.svg")
def demo_image(runtime: RuntimeDep, item_id: str) -> Response:
    if not ID_RE.match(item_id):
        raise ArticleNotFound(item_id)
    record = loaded_record(runtime, item_id) or {}
    publisher = runtime.settings.widget.publisher_name
    sponsor = record.get("sponsor")
    if sponsor:  # an advertiser's picture never carries the newsroom's name
        brand, caption = "Konten Bersponsor", str(sponsor.get("name") or "Sponsor")
    else:
        brand, caption = publisher, str(record.get("section") or publisher)
        caption = f"Video · {caption}" if record.get("type") == "video" else caption
    svg = placeholder_svg(item_id, brand, caption)
    headers = {
        "Cache-Control": "public, max-age=86400",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    }
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/{article_id}", response_class=HTMLResponse)
def demo_article(
    runtime: RuntimeDep,
    article_id: Annotated[str, Path(pattern=ID_PATTERN, max_length=128)],
) -> HTMLResponse:
    record = record_of(runtime.recommender.catalog, article_id)
    if record is None:
        raise ArticleNotFound(article_id)
    # Root-relative: never built from the request's Host header (a forged Host would make the
    # page load the widget from another site); the widget derives the API from its own src.
    page = article_page(record, runtime.settings.widget.publisher_name, WIDGET_JS)
    return HTMLResponse(page, headers=HEADERS)
