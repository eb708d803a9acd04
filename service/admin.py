"""Admin API under /v1/admin/: queue item upserts and removals, reload, list snapshots.

Only mounted when `admin_token` is set (otherwise every /v1/admin/ path is a plain 404: the API is
off, not open). Every call needs `Authorization: Bearer <token>`; the token is compared by SHA-256
digest with `hmac.compare_digest` (constant time, independent of length) and never logged. The
check runs twice: in `GuardMiddleware`, before the body is read or the route matched (so an
unauthenticated caller learns nothing, not even that its JSON is malformed), and as the routes'
dependency (which also documents the scheme in OpenAPI).
Item changes are not applied to the served snapshot: they are queued in `DATA_DIR/inbox/`
(`recommender.ingest.inbox`) and take effect in the next published snapshot (`recommender update`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from recommender.articles import ID_PATTERN, Article
from recommender.errors import InvalidInput
from recommender.ingest.inbox import write_deletes, write_upserts
from recommender.settings import Settings
from service.deps import RuntimeDep
from service.paths import ADMIN_PREFIX
from service.schemas import ErrorOut

log = logging.getLogger("recommender.service.admin")
bearer = HTTPBearer(auto_error=False, description="The admin token (setting `admin_token`).")
ItemId = Annotated[str, Path(pattern=ID_PATTERN, max_length=128)]
ADMIN_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong bearer token"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Invalid item or id"},
}


class Queued(BaseModel):
    id: str
    action: Literal["upsert", "delete"]
    queued_as: str
    applies: str = "next published snapshot"


class Reloaded(BaseModel):
    reloaded: bool
    snapshot: str | None


class SnapshotOut(BaseModel):
    version: str
    current: bool
    loaded: bool
    created_at: str | None
    items: int | None
    model: str | None


class Snapshots(BaseModel):
    snapshots: list[SnapshotOut]


PREFIX = ADMIN_PREFIX
UNAUTHORIZED = "a valid admin bearer token is required"


class TokenCheck:
    """Constant-time check of a bearer token against the configured one (kept only as a hash)."""

    def __init__(self, token: str) -> None:
        self._wanted = _digest(token)

    def allows(self, authorization: str | None) -> bool:
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return False
        return hmac.compare_digest(_digest(given.strip()), self._wanted)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def token_check(settings: Settings) -> TokenCheck | None:
    """The admin token check, or None when no token is configured (the admin API is off)."""
    if settings.service.admin_token is None:
        return None
    return TokenCheck(settings.service.admin_token.get_secret_value())


def bearer_dependency(check: TokenCheck) -> Callable[..., None]:
    """The same check as a dependency (it also documents the bearer scheme in OpenAPI)."""

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        value = f"Bearer {credentials.credentials}" if credentials is not None else None
        if not check.allows(value):
            raise StarletteHTTPException(401, UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})

    return require_token


def admin_router(settings: Settings) -> APIRouter | None:
    """The admin routes, or None when no token is configured (the API is off)."""
    check = token_check(settings)
    if check is None:
        return None
    router = APIRouter(
        prefix=PREFIX,
        tags=["admin"],
        dependencies=[Depends(bearer_dependency(check))],
        responses=ADMIN_ERRORS,
    )

    @router.put(
        "/items/{item_id}",
        status_code=202,
        response_model=Queued,
        summary="Add or replace an item in the next snapshot",
    )
    def put_item(item_id: ItemId, item: Article, runtime: RuntimeDep) -> Queued:
        if item.id != item_id:
            raise InvalidInput(
                "the body's id must match the id in the path",
                details=[{"field": "id", "reason": "differs from the path"}],
            )
        path = write_upserts(runtime.settings.data_dir, [item])
        log.info("queued upsert", extra={"fields": {"item_id": item_id, "file": path.name}})
        return Queued(id=item_id, action="upsert", queued_as=path.name)

    @router.delete(
        "/items/{item_id}",
        status_code=202,
        response_model=Queued,
        summary="Remove an item from the next snapshot",
    )
    def delete_item(item_id: ItemId, runtime: RuntimeDep) -> Queued:
        path = write_deletes(runtime.settings.data_dir, [item_id])
        log.info("queued delete", extra={"fields": {"item_id": item_id, "file": path.name}})
        return Queued(id=item_id, action="delete", queued_as=path.name)

    @router.post("/reload", response_model=Reloaded, summary="Load the current snapshot now")
    def reload(request: Request, runtime: RuntimeDep) -> Reloaded:
        changed = runtime.reload()
        if changed:
            request.app.state.response_cache.clear()
            log.info("reloaded", extra={"fields": {"snapshot": runtime.loaded_version}})
        return Reloaded(reloaded=changed, snapshot=runtime.loaded_version)

    @router.get("/snapshots", response_model=Snapshots, summary="Published snapshots, newest first")
    def snapshots(runtime: RuntimeDep) -> Snapshots:
        loaded = runtime.loaded_version
        out = []
        for info in runtime.store.snapshots():
            manifest = info.manifest
            counts = manifest.get("counts") or {}
            model = manifest.get("model") or {}
            out.append(
                SnapshotOut(
                    version=info.version,
                    current=info.current,
                    loaded=info.version == loaded,
                    created_at=manifest.get("created_at"),
                    items=counts.get("items"),
                    model=model.get("name"),
                )
            )
        return Snapshots(snapshots=out)

    return router
