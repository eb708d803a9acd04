"""The `recommender` command through typer's CliRunner."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from index.snapshots import SnapshotStore
from recommender.cli import app
from recommender.lock import JobLock
from tests.conftest import CORPUS, FIXTURES, TINY_MODEL, tiny_env

runner = CliRunner()


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    return tiny_env(data_dir)


def corpus_records() -> list[dict[str, Any]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_build_reports_bad_rows_and_publishes_good_ones(
    env: dict[str, str], data_dir: Path
) -> None:
    result = runner.invoke(
        app, ["build", "-i", str(CORPUS), "-i", str(FIXTURES / "bad_rows.csv")], env=env
    )
    assert result.exit_code == 0, result.output
    assert "bad_rows.csv:3: published_at" in result.stderr
    summary = last_json(result.stdout)
    assert summary["imported"] == 35 and summary["rejected"] == 4 and summary["duplicates"] == 1
    assert summary["reused"] >= 31  # the corpus was embedded before: cache hits
    strict = runner.invoke(
        app, ["build", "--strict", "-i", str(FIXTURES / "bad_rows.csv")], env=env
    )
    assert strict.exit_code == 1
    listed = runner.invoke(app, ["snapshots", "list", "--json"], env=env)
    versions = [json.loads(line) for line in listed.stdout.splitlines()]
    assert versions[0]["current"] and versions[0]["counts"]["items"] == 3


def test_build_with_nothing_importable_fails_and_keeps_snapshot(
    env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    before = (data_dir / "snapshots" / "CURRENT").read_text()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["build", "-i", str(bad)], env=env)
    assert result.exit_code == 2
    assert "nothing could be imported" in result.stderr
    assert (data_dir / "snapshots" / "CURRENT").read_text() == before


def test_query_prints_the_api_json(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["query", "--article-id", "timnas-1", "--videos", "2"], env=env)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    keys = [s["key"] for s in body["sections"]]
    assert keys == ["rekomendasi_artikel", "video_pilihan", "konten_sponsor"]
    videos = [i["id"] for i in body["sections"][1]["items"]]
    assert set(videos) == {"vid-timnas-1", "vid-timnas-2"}
    unknown = runner.invoke(app, ["query", "--article-id", "nope"], env=env)
    assert unknown.exit_code == 2 and "nope" in unknown.stderr


def test_build_and_update_help_state_the_exit_codes() -> None:
    """(Every command's help works: tests/test_docs.py.)"""
    for command in ("build", "update"):
        assert "Exit codes" in runner.invoke(app, [command, "--help"]).output, command


def test_cli_update_rollback_list_and_exit_codes(
    env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    first = SnapshotStore(data_dir / "snapshots").current_version()
    record = {**corpus_records()[0], "section": "Jawa Barat"}
    source = write_jsonl(tmp_path / "rows.jsonl", [record, {"id": "bad row"}])
    result = runner.invoke(app, ["update", "-i", str(source), "--strict"], env=env)
    assert result.exit_code == 1, result.output
    assert "rows.jsonl:2: id" in result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("added", "updated", "removed", "rejected")} == {
        "added": 0, "updated": 1, "removed": 0, "rejected": 1,
    }  # fmt: skip
    assert summary["unchanged"] == 30 and summary["snapshot"] != first
    assert isinstance(summary["seconds"], float)
    assert summary["events_pruned"] == 0  # no event log yet (tests/events/test_events_cli.py)
    listed = runner.invoke(app, ["snapshots", "list", "--json"], env=env)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["current"] for r in rows] == [True, False]
    assert rows[0]["model"]["name"] == TINY_MODEL and rows[0]["counts"]["items"] == 31
    assert rows[0]["created_at"] and rows[0]["update"]["base"] == first
    back = runner.invoke(app, ["snapshots", "rollback"], env=env)
    assert back.exit_code == 0, back.output
    assert json.loads(back.stdout)["snapshot"] == first
    assert SnapshotStore(data_dir / "snapshots").current_version() == first
    missing = runner.invoke(app, ["snapshots", "rollback", "20000101T000000000000Z"], env=env)
    assert missing.exit_code == 2 and "snapshots list" in missing.stderr
    with JobLock(data_dir, "build"):
        locked = runner.invoke(app, ["update"], env=env)
    assert locked.exit_code == 2
    assert "another job holds the lock: build (pid" in locked.stderr


# --- corrupt snapshots and a garbage CURRENT (#11) --------------------------------------------


def test_snapshots_verify(env: dict[str, str], data_dir: Path) -> None:
    ok = runner.invoke(app, ["snapshots", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True
    store = SnapshotStore(data_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    os.truncate(store.path(version) / "vectors.npy", 1000)
    bad = runner.invoke(app, ["snapshots", "verify", version], env=env)
    assert bad.exit_code == 2 and "vectors.npy" in bad.stderr
    assert runner.invoke(app, ["snapshots", "verify", "nope"], env=env).exit_code == 2


def test_an_unexpected_error_exits_2_not_1(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import recommender.jobs

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(recommender.jobs, "run_update", broken)
    result = runner.invoke(app, ["update"], env=env)
    assert result.exit_code == 2
    assert "unexpected RuntimeError: disk on fire" in result.stderr


def test_error_details_print_as_lines_never_as_dicts() -> None:
    from recommender.cli import detail_line

    row = {"file": "a.jsonl", "line": 3, "field": "url", "reason": "must be an http(s) URL"}
    assert detail_line(row) == "a.jsonl:3: url: must be an http(s) URL"
    assert detail_line({"field": "exp.b.x", "reason": "unknown"}) == "exp.b.x: unknown"
    assert detail_line({"row": "b.tsv:2: row: 1 columns"}) == "b.tsv:2: row: 1 columns"
    assert detail_line("plain") == "plain"
