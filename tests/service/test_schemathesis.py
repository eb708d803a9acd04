"""Fuzz the app against its own OpenAPI schema: no 5xx, every answer conforms to the schema.

Schemathesis generates valid and invalid requests for every documented operation (bounded
examples per operation, so the default suite stays fast); the admin API is mounted (a token is
configured) and fuzzed both with the right token and without one. The schema is read from an app
built at import (schemathesis parametrizes at collection); a fixture then gives that app a real
snapshot of the fixture corpus before the first request.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from tests.conftest import make_settings

TOKEN = "schemathesis-admin-token-0123456789"
DATA_DIR = Path(tempfile.mkdtemp(prefix="schemathesis-"))
APP = create_app(make_settings(DATA_DIR, admin_token=TOKEN, reload_interval_seconds=0))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
FUZZ = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture(scope="module", autouse=True)
def loaded(built_dir: Path) -> Iterator[None]:
    shutil.copytree(built_dir, DATA_DIR, dirs_exist_ok=True)
    assert APP.state.runtime.reload()  # schemathesis' ASGI client does not run the lifespan
    yield
    shutil.rmtree(DATA_DIR, ignore_errors=True)


# Rules a JSON schema cannot state (the body's id equals the path's id, URLs are http(s), ...):
# there a schema-valid request may rightly get 422, so "valid data is accepted" is not checked.
SEMANTIC_BODIES = {("PUT", "/v1/admin/items/{item_id}"), ("POST", "/v1/events")}


@schema.parametrize()
@settings(FUZZ, max_examples=25)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    operation = (case.operation.method.upper(), case.operation.path)
    excluded = [positive_data_acceptance] if operation in SEMANTIC_BODIES else []
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=excluded)


@schema.parametrize()
@settings(FUZZ, max_examples=5)
def test_without_a_token_the_admin_api_refuses_and_nothing_fails(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500
    if case.path.startswith("/v1/admin/"):
        assert response.status_code == 401, response.text  # whatever the method, body or id
        assert response.json()["error"]["code"] == "unauthorized"
