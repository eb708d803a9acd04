"""The signals job as operators run it: `recommender signals` and the end of `update` through the
CLI runner, the file written new-then-flipped (SIGKILL before the flip keeps the old file), and the
service runtime degrading to text-only on a missing, stale, corrupt or newer file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.events.store import Event, SQLiteEventStore, iso
from recommender.faults import CRASH_ENV
from recommender.signals.file import (
    SCHEMA_VERSION,
    SignalsUnusable,
    load_signals,
    signals_path,
)
from service.runtime import Runtime
from tests.conftest import CORPUS, REPO, make_settings, tiny_env

runner = CliRunner()


def log_clicks(
    data_dir: Path, item: str = "banjir-2", views: int = 4, hours_ago: float = 0
) -> None:
    store = SQLiteEventStore(make_settings(data_dir).resolved_event_log_path)
    at = iso(datetime.now(UTC) - timedelta(hours=hours_ago))
    for n in range(views):
        pv = f"job-test-{n:04d}-{hours_ago:.0f}-0123456789"
        store.append(
            [
                Event(
                    at, kind, pv, "banjir-1", "s", "rekomendasi_artikel", item, 0, False, None, None
                )
                for kind in ("impression", "click")
            ]
        )
    store.close()


def summary_of(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = orjson.loads(result.stdout.strip().splitlines()[-1])
    return out


def test_signals_command(data_dir: Path) -> None:
    env = tiny_env(data_dir)
    missing = runner.invoke(app, ["signals"], env=env)
    assert missing.exit_code == 2 and "no event log" in missing.stderr
    assert not signals_path(data_dir).exists()
    log_clicks(data_dir)
    summary = summary_of(runner.invoke(app, ["signals"], env=env))
    assert summary["job"] == "signals" and summary["clicks"] == 4 and summary["popular"] == 1
    data = json.loads(signals_path(data_dir).read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["snapshot"] == summary["snapshot"] and data["version"] == summary["signals"]
    assert set(data["window"]) == {"since", "popular_since", "until"}


def test_update_writes_signals_and_never_fails_for_them(data_dir: Path, tmp_path: Path) -> None:
    env = tiny_env(data_dir)
    record = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps({**record, "title": "Banjir lagi"}) + "\n", encoding="utf-8")
    first = summary_of(runner.invoke(app, ["update", "-i", str(source)], env=env))
    assert first["signals"].startswith("not written: no event log at")
    log_clicks(data_dir)
    source.write_text(json.dumps({**record, "title": "Banjir lagi dan lagi"}) + "\n", "utf-8")
    second = summary_of(runner.invoke(app, ["update", "-i", str(source)], env=env))
    assert second["signals"].startswith("written ")
    assert load_signals(signals_path(data_dir)).snapshot == second["snapshot"]


CRASH_SCRIPT = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from recommender.signals.job import run_signals
from tests.conftest import make_settings
run_signals(make_settings(Path(sys.argv[1])))
"""


def test_a_job_killed_before_the_flip_leaves_the_old_file(data_dir: Path) -> None:
    log_clicks(data_dir)
    summary_of(runner.invoke(app, ["signals"], env=tiny_env(data_dir)))
    before = signals_path(data_dir).read_bytes()
    log_clicks(data_dir, item="banjir-3", views=9, hours_ago=1)
    env = {**os.environ, "PYTHONPATH": str(REPO), CRASH_ENV: "signals"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(data_dir)], env=env, cwd=REPO, timeout=120
    )
    assert done.returncode == -9  # SIGKILL at the crash point
    assert signals_path(data_dir).read_bytes() == before  # the old file, whole
    assert load_signals(signals_path(data_dir)).popular == ["banjir-2"]
    summary_of(runner.invoke(app, ["signals"], env=tiny_env(data_dir)))  # the next run flips
    assert load_signals(signals_path(data_dir)).popular[0] == "banjir-3"


def rewrite(path: Path, **changes: Any) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_text("{"), "corrupt"),
        (lambda p: p.write_bytes(b"\x00" * 10), "corrupt"),
        (lambda p: rewrite(p, items={"banjir-2": ["x"]}), "corrupt"),
        (lambda p: rewrite(p, schema_version=SCHEMA_VERSION + 1), "incompatible"),
        (lambda p: rewrite(p, created_at="2020-01-01T00:00:00+00:00"), "stale"),
    ],
)
def test_the_runtime_degrades_to_text_only(data_dir: Path, damage: Any, reason: str) -> None:
    settings = make_settings(data_dir, popularity_weight=1.0)
    runtime = Runtime(settings)
    assert runtime.reload()
    text_only = runtime.recommender
    assert text_only.blend is None  # no signals file: nothing logged, nothing counted
    assert runtime.signals_failures == {}
    log_clicks(data_dir)
    summary_of(runner.invoke(app, ["signals"], env=tiny_env(data_dir)))
    runtime.reload()
    blend = runtime.recommender.blend
    assert blend is not None
    path = signals_path(data_dir)
    if reason != "stale":
        with pytest.raises(SignalsUnusable):
            damage(path)
            load_signals(path)
    else:
        damage(path)
    time.sleep(0.01)
    runtime.reload()
    assert runtime.recommender.blend is None
    assert runtime.signals_failures == {reason: 1}
    req = runtime.recommender.request("banjir-1", popular=3)
    answer = runtime.recommender.recommend(req)
    plain = text_only.recommend(text_only.request("banjir-1"))
    assert answer["sections"][0] == plain["sections"][0]
    assert next(s for s in answer["sections"] if s["key"] == "terpopuler")["items"] == []
    runtime.reload()
    assert runtime.signals_failures == {reason: 1}  # counted once


def test_signals_go_stale_while_loaded(data_dir: Path) -> None:
    runtime = Runtime(make_settings(data_dir, signals_max_age_hours=1))
    log_clicks(data_dir)
    summary_of(runner.invoke(app, ["signals"], env=tiny_env(data_dir)))
    runtime.reload()
    assert runtime.recommender.blend is not None
    version = runtime.recommender.cache_version
    runtime.refresh_signals(now=time.time() + 2 * 3600)  # two hours later, no new file
    assert runtime.recommender.blend is None
    assert runtime.recommender.cache_version != version  # cached answers are not reused
    assert runtime.signals_failures == {"stale": 1}
