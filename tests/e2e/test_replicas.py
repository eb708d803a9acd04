"""Several `recommender serve` replicas on one shared data folder (#15, points 2 and 4).

Real processes throughout: replicas are `recommender serve` (tests/replicas.py), snapshots are
published by `recommender update`, events go to a real PostgreSQL, the proxy is Debian's nginx
with the shipped configuration. The single-process side of verification (every corruption of the
catalogue rejected, the old snapshot served, the repair loaded) is tests/faults; here it is the
multi-replica angle: each replica loads and verifies on its own, and a corrupted snapshot is
rejected by every replica, each of which keeps serving what it had and says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.snapshots import SnapshotStore
from recommender.snapshot import ITEMS_FILE
from tests.beacons import batch, beacon, count, events_of
from tests.conftest import CORPUS
from tests.nginx import MISSING, NGINX
from tests.postgres import missing as postgres_missing
from tests.replica_load import Plan, passed, run
from tests.replicas import (
    Replica,
    current_version,
    new_articles,
    publish,
    replica_env,
    running_replicas,
)
from tests.snapshot_faults import clone, flip_byte

TOKEN = "replicas-test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def answer(replica: Replica, article_id: str = "banjir-1") -> dict[str, Any]:
    r = httpx.get(replica.base + "/v1/recommendations", params={"article_id": article_id})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def ids(body: dict[str, Any]) -> set[str]:
    return {item["id"] for section in body["sections"] for item in section["items"]}


def reload(replica: Replica) -> httpx.Response:
    return httpx.post(replica.base + "/v1/admin/reload", headers=AUTH, timeout=30)


def test_replicas_reload_on_their_own_and_each_rejects_a_corrupted_snapshot(
    tmp_path: Path, built_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built_dir, data_dir)
    first = current_version(data_dir)
    # Reloads only when asked (admin API), so that the test decides when each replica looks.
    env = replica_env(data_dir, reload_interval_seconds=0, admin_token=TOKEN)
    with running_replicas(2, env, tmp_path / "logs") as (one, two):
        second = publish(env, new_articles(CORPUS, "replika-a"), tmp_path / "updates")
        # One replica loads the new snapshot; the other still serves the previous one.
        assert reload(one).json() == {"reloaded": True, "snapshot": second}
        assert answer(one)["snapshot"] == second
        assert answer(two)["snapshot"] == first
        assert answer(one, "replika-a-1")["snapshot"] == second
        missing = httpx.get(two.base + "/v1/recommendations", params={"article_id": "replika-a-1"})
        assert missing.status_code == 404  # not in the snapshot replica two serves

        # The beacon of an answer of replica one reaches replica two (a proxy spreads them):
        # replica two catches up with the snapshot the answer names, instead of refusing the
        # events of the item new in it.
        shown = answer(one, "banjir-1")
        assert "replika-a-1" in ids(shown)
        events = events_of(shown)
        with httpx.Client(base_url=two.base, timeout=30) as http:
            posted = beacon(http, batch(shown, events))
        assert posted.status_code == 204, posted.text
        assert count(data_dir / "events.sqlite3") == len(events)
        assert answer(two)["snapshot"] == second
        assert reload(two).json() == {"reloaded": False, "snapshot": second}

        # A snapshot damaged after it was published (a byte of its items flipped on the shared
        # folder): every replica verifies it, rejects it and keeps serving the one it has.
        store = SnapshotStore(data_dir / "snapshots")
        folder = clone(store, second)  # a sealed snapshot, published as a job does: flip CURRENT
        third = folder.name
        store.point_to(third)
        good = (folder / ITEMS_FILE).read_bytes()
        flip_byte(folder, ITEMS_FILE)
        for replica in (one, two):
            refused = reload(replica)
            assert refused.status_code >= 500 or refused.status_code == 409, refused.text
            assert ITEMS_FILE in refused.text
            assert answer(replica)["snapshot"] == second
            ready = replica.ready()
            assert ready["snapshot"] == second
            assert ready["rejected"]["version"] == third
            assert ready["rejected"]["reason"] == "checksum"
            assert ready["rejected"]["file"] == ITEMS_FILE
            text = replica.metrics()
            assert (
                f'recommender_snapshot_rejected{{reason="checksum",version="{third}"}} 1.0' in text
            )
            assert 'recommender_snapshot_load_failures_total{reason="checksum"}' in text

        # Repaired in place: each replica loads it when it next looks.
        (folder / ITEMS_FILE).write_bytes(good)
        for replica in (one, two):
            assert reload(replica).json() == {"reloaded": True, "snapshot": third}
            assert replica.ready()["rejected"] is None
            assert answer(replica, "replika-a-1")["snapshot"] == third


needs_servers = pytest.mark.skipif(
    postgres_missing() is not None or not NGINX.exists(),
    reason=f"needs PostgreSQL ({postgres_missing()}) and nginx ({MISSING})",
)


@pytest.mark.slow  # 51-54 s on the shared 2-core box (load average 10-16)
@needs_servers
def test_two_replicas_behind_nginx_through_three_publishes(tmp_path: Path, built_dir: Path) -> None:
    """benchmarks/replicas.py's run, shorter: zero errors, only published and verified snapshots
    served (each by both replicas), every event stored in PostgreSQL exactly once."""
    pytest.importorskip("psycopg")
    data_dir = tmp_path / "data"
    shutil.copytree(built_dir, data_dir)
    # Readers pausing between page views leave the two cores of a small machine to the replicas
    # and `recommender update` (the benchmark runs without pauses).
    plan = Plan(clients=4, quiet_seconds=1.5, gap_seconds=1.0, tail_seconds=1.0, pause_seconds=0.02)
    result = run(plan, data_dir, CORPUS, tmp_path)
    assert result["errors"] == 0, result["error_samples"]
    assert result["nginx_retries"] == result["nginx_upstream_errors"] == 0
    assert len(result["snapshots_published"]) == 4
    assert result["snapshots_verified"] == 4
    assert result["unpublished_snapshots_served"] == []
    assert result["answers_with_unknown_items"] == 0
    assert sorted(result["snapshots_seen_per_replica"]) == ["replica-1", "replica-2"]
    for versions in result["snapshots_seen_per_replica"].values():
        assert versions == sorted(result["snapshots_published"])
    assert result["beacons_resent"] > 0  # duplicates were sent ...
    assert result["events_sent"] > 0
    assert result["events_stored"] == result["events_stored_distinct"] == result["events_sent"]
    assert result["events_missing"] == result["events_extra"] == 0  # ... and stored once
    assert passed(result)
