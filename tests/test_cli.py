"""The `recommender` command through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from tests.conftest import CORPUS, FIXTURES, model_cache_dir, model_name

runner = CliRunner()


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    return {
        "RECOMMENDER_DATA_DIR": str(data_dir),
        "RECOMMENDER_MODEL": model_name(),
        "RECOMMENDER_MODEL_CACHE_DIR": str(model_cache_dir()),
    }


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_help_on_every_command() -> None:
    for args in (
        ["--help"],
        ["build", "--help"],
        ["serve", "--help"],
        ["query", "--help"],
        ["snapshots", "--help"],
        ["snapshots", "list", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, args
        assert "Usage" in result.output


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
