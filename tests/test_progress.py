"""Progress of long job steps: JSON lines on stderr when it is not a terminal, never on stdout."""

from __future__ import annotations

import io
import json
from pathlib import Path

from typer.testing import CliRunner

from recommender.cli import app
from recommender.progress import Progress
from tests.conftest import CORPUS, tiny_env

runner = CliRunner()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"progress"')]


def test_one_line_per_interval_with_rate_and_time_left() -> None:
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress("lines", stream=stream, interval=60.0, clock=clock)
    with progress.step("embedding", 1000) as step:
        for _ in range(10):  # 100 items every 15 s: a line every 4 chunks
            clock.now += 15.0
            step.advance(100)
    got = lines(stream.getvalue())
    assert [line["done"] for line in got] == [400, 800, 1000]
    first = got[0]
    assert first["progress"] == "embedding" and first["total"] == 1000
    assert first["unit"] == "items"
    assert first["per_second"] == round(400 / 60, 1)
    assert first["eta_seconds"] == round(600 / (400 / 60), 1)
    assert first["elapsed_seconds"] == 60.0
    assert got[-1]["finished"] is True and got[-1]["elapsed_seconds"] == 150.0
    assert all("finished" not in line for line in got[:-1])


def test_a_step_shorter_than_the_interval_writes_nothing() -> None:
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress("lines", stream=stream, interval=60.0, clock=clock)
    with progress.step("publish", 10) as step:
        clock.now += 59.0
        step.advance(10)
    assert stream.getvalue() == ""


def test_off_writes_nothing() -> None:
    stream, clock = io.StringIO(), FakeClock()
    with Progress("off", stream=stream, clock=clock).step("import", 3) as step:
        clock.now += 600
        step.advance(3)
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_bar_with_rate_and_time_left() -> None:
    stream = io.StringIO()
    progress = Progress("bar", stream=stream)
    with progress.step("indexing", 50) as step:
        step.advance(50)
    shown = stream.getvalue()
    assert "indexing" in shown and "50/50" in shown and "items/s" in shown
    assert "ETA" in shown


def test_build_and_update_write_progress_lines_on_stderr_only(tmp_path: Path) -> None:
    env = {**tiny_env(tmp_path / "data"), "RECOMMENDER_PROGRESS_INTERVAL_SECONDS": "0.000001"}
    built = runner.invoke(app, ["build", "-i", str(CORPUS)], env=env)
    assert built.exit_code == 0, built.output
    steps = {line["progress"] for line in lines(built.stderr)}
    assert steps == {"import", "embedding", "indexing", "ranking layer", "publish"}
    for line in lines(built.stderr):
        assert isinstance(line["done"], int) and isinstance(line["total"], int)
    # stdout is the one-line JSON summary, nothing else
    assert len(built.stdout.strip().splitlines()) == 1
    assert json.loads(built.stdout)["job"] == "build"
    change = tmp_path / "change.jsonl"
    record = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    change.write_text(
        json.dumps({**record, "id": "new-1", "lead": "Sebuah kabar baru."}) + "\n", encoding="utf-8"
    )
    updated = runner.invoke(app, ["update", "-i", str(change)], env=env)
    assert updated.exit_code == 0, updated.output
    steps = {line["progress"] for line in lines(updated.stderr)}
    assert {"import", "embedding", "indexing", "ranking layer", "publish"} <= steps
    assert json.loads(updated.stdout)["job"] == "update"
