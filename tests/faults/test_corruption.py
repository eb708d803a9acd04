"""Every corruption of #11, end to end: each case of `tests.snapshot_faults.CORRUPTIONS` (each part
truncated, bit-flipped, missing; manifest garbage, newer, lying; forged lists and records) and of
`BAD_POINTERS` (CURRENT naming no snapshot) is shown to `snapshots verify` (exit 2, the file
named), to `update` (exit 2, nothing published, the live snapshot untouched) and to a running
service (the old snapshot served, never a 500, the rejection in /readyz and /metrics, and the
repaired CURRENT followed). A representative case of each kind runs by default; `-m slow` runs
them all, and a real uvicorn server for a few."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from index.snapshots import POINTER, SnapshotStore
from recommender.cli import app as cli
from recommender.snapshot import ITEMS_FILE, ROWS_FILE, file_digest
from service.app import create_app
from tests.conftest import CORPUS, make_settings, tiny_env
from tests.server import running_server
from tests.service.test_reload import served_version, wait_for
from tests.snapshot_faults import (
    CORRUPTIONS,
    FORGED_ROW_TABLES,
    BadPointer,
    Corruption,
    clone_current,
    corruption_params,
    current_folder,
    forge_row_table,
    pointer_params,
)

TOKEN = "a-very-long-admin-token-0123"
URL = "/v1/recommendations"
REQUESTS = (
    {"article_id": "timnas-1", "history": "banjir-1"},
    {"article_id": "banjir-1"},
    {"article_id": "timnas-1"},
)
runner = CliRunner()


def state(root: Path) -> dict[str, object]:
    """What a failed job must leave as it was: CURRENT's bytes and every file of every folder."""
    files = {
        str(p.relative_to(root)): file_digest(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != POINTER
    }
    pointer = root / POINTER
    return {"CURRENT": pointer.read_bytes() if pointer.is_file() else None, "files": files}


def assert_clean_failure(result: object, *names: str) -> None:
    """Exit 2, one of `names` in the message, no traceback."""
    code, stderr, output = result.exit_code, result.stderr, result.output  # type: ignore[attr-defined]
    assert code == 2, output
    assert "Traceback" not in output
    flat = "".join(stderr.split())  # rich wraps long lines
    assert any("".join(n.split()) in flat for n in names), (names, stderr)


# --- the CLI: verify and update -------------------------------------------------------------


@pytest.mark.parametrize("case", corruption_params())
def test_verify_and_update_refuse_a_corrupt_live_snapshot(case: Corruption, data_dir: Path) -> None:
    env = tiny_env(data_dir)
    store = SnapshotStore(data_dir / "snapshots")
    folder = current_folder(store)
    case.apply(folder)
    assert_clean_failure(runner.invoke(cli, ["snapshots", "verify"], env=env), case.file)
    assert runner.invoke(cli, ["snapshots", "list", "--json"], env=env).exit_code == 0
    before = state(store.root)
    update = runner.invoke(cli, ["update", "-i", str(CORPUS)], env=env)
    assert_clean_failure(update, case.file)
    assert state(store.root) == before  # nothing published, nothing repaired in place
    rebuilt = runner.invoke(cli, ["build", "-i", str(CORPUS)], env=env)  # the repair
    assert rebuilt.exit_code == 0, rebuilt.output
    assert runner.invoke(cli, ["snapshots", "verify"], env=env).exit_code == 0


@pytest.mark.parametrize("forge", sorted(FORGED_ROW_TABLES))
def test_verify_and_update_refuse_a_forged_row_table(forge: str, data_dir: Path) -> None:
    """rows.json (which line of items.jsonl holds which item) forged with matching checksums:
    `snapshots verify` names it, and an update refuses to extend the snapshot (it would drop or
    replace the wrong lines) with nothing published."""
    env = tiny_env(data_dir)
    store = SnapshotStore(data_dir / "snapshots")
    FORGED_ROW_TABLES[forge](current_folder(store))
    assert_clean_failure(runner.invoke(cli, ["snapshots", "verify"], env=env), ROWS_FILE)
    before = state(store.root)
    update = runner.invoke(cli, ["update", "-i", str(CORPUS)], env=env)
    # the ids and the offsets name rows.json or items.jsonl; a pool moved, the lists it breaks
    assert_clean_failure(update, ROWS_FILE, ITEMS_FILE, "neighbours-", "related-", "lexical-")
    assert state(store.root) == before
    rebuilt = runner.invoke(cli, ["build", "-i", str(CORPUS)], env=env)  # the repair
    assert rebuilt.exit_code == 0, rebuilt.output
    assert runner.invoke(cli, ["snapshots", "verify"], env=env).exit_code == 0


def test_verify_names_forged_sections_in_the_row_table(data_dir: Path) -> None:
    """rows.json's sections (what the signals job reads instead of every record) forged with
    matching checksums: `snapshots verify` names rows.json."""
    forge_row_table(current_folder(SnapshotStore(data_dir / "snapshots")), _other_section)
    verified = runner.invoke(cli, ["snapshots", "verify"], env=tiny_env(data_dir))
    assert_clean_failure(verified, ROWS_FILE)
    assert "sections" in verified.stderr


def _other_section(table: dict[str, object]) -> None:
    sections = table["sections"]
    assert isinstance(sections, list)
    sections[0] = "Forged"


@pytest.mark.parametrize("pointer", pointer_params())
def test_verify_and_update_refuse_a_bad_current(pointer: BadPointer, data_dir: Path) -> None:
    env = tiny_env(data_dir)
    store = SnapshotStore(data_dir / "snapshots")
    good = current_folder(store).name
    pointer.apply(store.root)
    assert_clean_failure(runner.invoke(cli, ["snapshots", "verify"], env=env), POINTER)
    before = state(store.root)
    assert_clean_failure(runner.invoke(cli, ["update", "-i", str(CORPUS)], env=env), POINTER)
    if not pointer.names_a_version:  # garbage: listed anyway, and a rollback needs a VERSION
        listed = runner.invoke(cli, ["snapshots", "list", "--json"], env=env)
        assert_clean_failure(listed, POINTER)
        assert good in listed.stdout
        assert_clean_failure(runner.invoke(cli, ["snapshots", "rollback"], env=env), POINTER)
    assert state(store.root) == before
    if (store.root / POINTER).is_dir():  # a folder in its place is removed by hand first
        (store.root / POINTER).rmdir()
    repaired = runner.invoke(cli, ["snapshots", "rollback", good], env=env)
    assert repaired.exit_code == 0, repaired.output
    assert store.current_version() == good
    assert runner.invoke(cli, ["snapshots", "verify"], env=env).exit_code == 0


# --- a running service (TestClient) ---------------------------------------------------------


def client_for(data_dir: Path, interval: float = 0) -> TestClient:
    settings = make_settings(data_dir, admin_token=TOKEN, reload_interval_seconds=interval)
    return TestClient(create_app(settings))


def admin(client: TestClient | httpx.Client, method: str, path: str) -> httpx.Response:
    return client.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})


def assert_serving(client: TestClient | httpx.Client, version: str) -> None:
    """Every request answers from `version`, and no sponsored item is in an editorial section."""
    for params in REQUESTS:
        answer = client.get(URL, params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["snapshot"] == version
        for section in body["sections"]:
            if section["title"] != "Konten Sponsor":
                assert not any(item.get("sponsor") for item in section["items"]), section


def rejection(client: TestClient | httpx.Client) -> dict[str, object]:
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    rejected: dict[str, object] = ready.json()["rejected"] or {}
    return rejected


@pytest.mark.parametrize("case", corruption_params())
def test_a_service_never_loads_a_corrupt_snapshot(case: Corruption, data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    with client_for(data_dir) as client:
        old = served_version(client)
        bad = clone_current(store)
        backup = shutil.copytree(bad, data_dir / "backup")
        store.point_to(bad.name)
        case.apply(bad)
        reloaded = admin(client, "POST", "/v1/admin/reload")
        assert reloaded.status_code in (200, 409), reloaded.text
        if reloaded.status_code == 409:
            assert case.file in reloaded.json()["error"]["message"]
        assert_serving(client, old)
        rejected = rejection(client)
        assert (rejected["version"], rejected["reason"]) == (bad.name, case.reason)
        assert rejected["file"] == case.file
        assert case.file in str(rejected["message"])
        metrics = client.get("/metrics").text
        assert (
            f'recommender_snapshot_rejected{{reason="{case.reason}",version="{bad.name}"}} 1.0'
            in metrics
        )
        assert admin(client, "GET", "/v1/admin/snapshots").status_code == 200
        # Asked again, the same rejection: no 500, still serving, counted once.
        assert admin(client, "POST", "/v1/admin/reload").status_code in (200, 409)
        assert f'load_failures_total{{reason="{case.reason}"}} 1.0' in client.get("/metrics").text
        # Repaired in place (its files restored), the next reload verifies it again and loads it.
        shutil.rmtree(bad)
        shutil.copytree(backup, bad)
        assert admin(client, "POST", "/v1/admin/reload").json()["snapshot"] == bad.name
        assert rejection(client) == {}
        assert_serving(client, bad.name)


@pytest.mark.parametrize("pointer", pointer_params())
def test_a_service_keeps_serving_through_a_bad_current(pointer: BadPointer, data_dir: Path) -> None:
    store = SnapshotStore(data_dir / "snapshots")
    with client_for(data_dir) as client:
        old = served_version(client)
        spare = clone_current(store)
        pointer.apply(store.root)
        assert admin(client, "POST", "/v1/admin/reload").status_code == 200
        assert_serving(client, old)
        assert rejection(client)["reason"] in ("pointer", "missing")
        assert admin(client, "GET", "/v1/admin/snapshots").status_code == 200
        if (store.root / POINTER).is_dir():
            (store.root / POINTER).rmdir()
        store.point_to(spare.name)
        assert admin(client, "POST", "/v1/admin/reload").json()["snapshot"] == spare.name
        assert rejection(client) == {}


# --- a real uvicorn server, its reloader ticking ----------------------------------------------

# Served by a real server: the first in the default run, the others with the slow suite.
SERVED = ("truncated-vectors.npy", "bitflip-related-rows-article.npy", "manifest-newer-schema")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.name, marks=() if c.name == SERVED[0] else pytest.mark.slow)
        for c in CORRUPTIONS
        if c.name in SERVED
    ],
)
def test_a_real_server_survives_a_corrupt_snapshot_and_follows_the_repair(
    case: Corruption, data_dir: Path
) -> None:
    """The live snapshot truncated under the server, then CURRENT flipped to a corrupt snapshot,
    then to garbage, then repaired: the reloader outlives all of it and follows the repair."""
    store = SnapshotStore(data_dir / "snapshots")
    app = create_app(make_settings(data_dir, admin_token=TOKEN, reload_interval_seconds=0.05))
    with running_server(app) as base, httpx.Client(base_url=base) as http:
        old = served_version(http)
        spare = clone_current(store)
        bad = clone_current(store)
        case.apply(bad)
        store.point_to(bad.name)
        wait_for(lambda: rejection(http).get("version") == bad.name)
        assert rejection(http)["reason"] == case.reason
        assert_serving(http, old)
        if case.reason == "size":
            case.apply(store.path(old))  # the live snapshot too, under the running server
        (store.root / POINTER).write_bytes(bytes(range(256))[:64])  # head -c64 /dev/urandom
        wait_for(lambda: rejection(http).get("reason") == "pointer")
        assert_serving(http, old)
        store.point_to(spare.name)  # repaired: the reloader is alive and follows
        wait_for(lambda: served_version(http) == spare.name)
        assert rejection(http) == {}
        assert_serving(http, spare.name)
        assert json.loads(http.get("/readyz").text)["snapshot"] == spare.name
