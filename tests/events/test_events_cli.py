"""`recommender events stats|export|prune|rotate-key`, and `update` pruning the log, through typer's
CliRunner (as tests/test_cli.py); those that read a log, against both stores (`backend`, #15)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from recommender.cli import app
from recommender.events.backend import open_event_store
from recommender.events.store import Event, iso
from recommender.events.tokens import KEYS_FILE, key_id
from tests.conftest import CORPUS, make_settings, tiny_env
from tests.event_stores import Backend

runner = CliRunner()
NOW = datetime.now(UTC)


def ev(kind: str, item: str, at: datetime, page_view: str = "0123456789abcdef") -> Event:
    sponsor = "Bank Maju Bersama" if item.startswith("sp-") else None
    return Event(
        at=iso(at),
        kind=kind,
        page_view=page_view,
        article_id="banjir-1",
        snapshot="20261201T000000000000Z",
        section="konten_sponsor" if sponsor else "rekomendasi_artikel",
        item_id=item,
        position=0,
        sponsored=sponsor is not None,
        label="Konten Bersponsor" if sponsor else None,
        sponsor=sponsor,
    )


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    return tiny_env(data_dir)


@pytest.fixture
def store_env(data_dir: Path, backend: Backend) -> dict[str, str]:
    """`env`, with the event store of `backend` (SQLite: the default file in the data dir)."""
    return {
        **tiny_env(data_dir),
        **({"RECOMMENDER_EVENTS_URL": backend.url} if backend.url else {}),
    }


@pytest.fixture
def logged(data_dir: Path, backend: Backend) -> list[Event]:
    """An event log in the data dir (or PostgreSQL): 3 old events (40 days), 3 recent ones, one
    refusal."""
    events = [
        ev("impression", "banjir-2", NOW - timedelta(days=40)),
        ev("click", "banjir-2", NOW - timedelta(days=40)),
        ev("impression", "sp-bank-1", NOW - timedelta(days=40)),
        ev("impression", "banjir-3", NOW - timedelta(days=2), "f" * 16),
        ev("click", "timnas-1", NOW - timedelta(days=1), "f" * 16),  # never shown: flagged
        ev("impression", "sp-bank-1", NOW - timedelta(hours=3), "f" * 16),
    ]
    store = open_event_store(make_settings(data_dir, **backend.overrides()))
    for e in events:
        store.append([e])
    store.record_rejects({"token_signature": 4}, NOW.date().isoformat())
    store.close()
    return events


def output(result: Result) -> dict[str, Any]:
    """The JSON line a command printed last."""
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_stats(
    store_env: dict[str, str], data_dir: Path, logged: list[Event], backend: Backend
) -> None:
    result = runner.invoke(app, ["events", "stats"], env=store_env)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1  # one JSON line
    stats = output(result)
    if backend.url is None:
        assert stats["path"] == str(data_dir / "events.sqlite3")
    else:
        assert stats["url"] == backend.url  # (no password to hide in the tests' URL)
    assert stats["events"] == {"impression": 4, "click": 2}
    assert stats["flagged_clicks"] == 1 and stats["sponsored_audit_rows"] == 2
    assert stats["oldest_event"] == logged[0].at
    assert stats["rejected"] == {"token_signature": 4}
    assert stats["hourly_rows"] == 0 and stats["audit_prunes"] == 0
    assert stats["bytes"] > 0


def test_stats_without_a_log(env: dict[str, str], data_dir: Path) -> None:
    result = runner.invoke(app, ["events", "stats"], env=env)
    assert result.exit_code == 2 and "no event log" in result.stderr
    assert not (data_dir / "events.sqlite3").exists()  # not created by looking


def test_export_jsonl(store_env: dict[str, str], tmp_path: Path, logged: list[Event]) -> None:
    env = store_env
    since = (NOW - timedelta(days=3)).date().isoformat()  # a date: midnight UTC
    result = runner.invoke(
        app, ["events", "export", "--since", since, "--format", "jsonl"], env=env
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["item_id"]) for r in lines] == [
        ("impression", "banjir-3"), ("click", "timnas-1"), ("impression", "sp-bank-1"),
    ]  # fmt: skip
    assert lines[1]["flag"] == "no_impression" and lines[0]["flag"] is None
    assert lines[2]["sponsored"] is True and lines[2]["sponsor"] == "Bank Maju Bersama"
    assert set(lines[0]) == {"at", "kind", "page_view", "article_id", "snapshot", "section",
                             "item_id", "position", "sponsored", "label", "sponsor", "flag"}  # fmt: skip
    assert "exported 3 event(s)" in result.stderr
    # To a file; the default format is jsonl; a time with its zone works too.
    out = tmp_path / "events.jsonl"
    since = (NOW - timedelta(days=50)).isoformat()
    result = runner.invoke(app, ["events", "export", "--since", since, "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 6 and result.stdout == ""


def test_export_parquet(store_env: dict[str, str], tmp_path: Path, logged: list[Event]) -> None:
    env = store_env
    out = tmp_path / "f.parquet"
    since = (NOW - timedelta(days=50)).date().isoformat()
    args = ["events", "export", "--since", since, "--format", "parquet", "--output", str(out)]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 6
    assert table.column_names == ["at", "kind", "page_view", "article_id", "snapshot", "section",
                                  "item_id", "position", "sponsored", "label", "sponsor", "flag"]  # fmt: skip
    assert str(table.schema.field("sponsored").type) == "bool"
    assert str(table.schema.field("position").type) == "int64"
    records = table.to_pylist()
    assert [r["at"] for r in records] == [e.at for e in logged]
    assert [r["sponsor"] for r in records].count("Bank Maju Bersama") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "ISO 8601"),
        (["--since", "2026-01-01", "--format", "csv"], "jsonl, parquet"),
        (["--since", "2026-01-01", "--format", "parquet"], "--output"),
    ],
)
def test_export_refuses_bad_arguments(
    store_env: dict[str, str], logged: list[Event], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["events", "export", *args], env=store_env)
    assert result.exit_code == 2 and message in result.stderr, result.output


def test_prune(store_env: dict[str, str], logged: list[Event]) -> None:
    env = store_env
    result = runner.invoke(app, ["events", "prune"], env=env)
    assert result.exit_code == 0, result.output
    assert output(result) == {"job": "events-prune", "rolled_up": 6, "events": 3, "audit": 0}
    again = runner.invoke(app, ["events", "prune"], env=env)
    assert output(again) == {"job": "events-prune", "rolled_up": 0, "events": 0, "audit": 0}
    stats = output(runner.invoke(app, ["events", "stats"], env=env))
    assert stats["events"] == {"impression": 2, "click": 1}
    assert stats["sponsored_audit_rows"] == 2  # the audit keeps its rows for 400 days
    shorter = {**env, "RECOMMENDER_EVENTS_RETENTION_DAYS": "1"}
    assert output(runner.invoke(app, ["events", "prune"], env=shorter))["events"] == 2


def test_prune_without_a_log(env: dict[str, str], data_dir: Path) -> None:
    result = runner.invoke(app, ["events", "prune"], env=env)
    assert result.exit_code == 0, result.output
    assert output(result) == {"job": "events-prune", "rolled_up": 0, "events": 0, "audit": 0}
    assert not (data_dir / "events.sqlite3").exists()


def test_rotate_key(env: dict[str, str], data_dir: Path) -> None:
    path = data_dir / KEYS_FILE
    first = runner.invoke(app, ["events", "rotate-key"], env=env)
    assert first.exit_code == 0, first.output
    one = output(first)
    assert one["job"] == "rotate-key" and stat.S_IMODE(path.stat().st_mode) == 0o600
    two = output(runner.invoke(app, ["events", "rotate-key"], env=env))
    assert two["key_id"] != one["key_id"]
    keys = json.loads(path.read_text())["keys"]
    assert [key_id(bytes.fromhex(k["secret"])) for k in keys] == [one["key_id"], two["key_id"]]
    assert [k["retired"] is None for k in keys] == [False, True]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_update_prunes_the_event_log(
    store_env: dict[str, str], tmp_path: Path, logged: list[Event]
) -> None:
    env = store_env
    record = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps({**record, "section": "Jawa Barat"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["update", "-i", str(source)], env=env)
    assert result.exit_code == 0, result.output
    summary = output(result)
    assert summary["updated"] == 1 and summary["events_pruned"] == 3
    stats = output(runner.invoke(app, ["events", "stats"], env=env))
    assert stats["events"] == {"impression": 2, "click": 1} and stats["hourly_rows"] > 0
