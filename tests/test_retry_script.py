"""scripts/retry, which `make setup` runs pip through: bad usage is refused with a clear message,
and a command's own exit status comes back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

RETRY = Path(__file__).resolve().parents[1] / "scripts" / "retry"


def retry(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RETRY), *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("args", [(), ("3",), ("x", "true"), ("0", "true"), ("-1", "true")])
def test_bad_usage_is_refused_with_a_message(args: tuple[str, ...]) -> None:
    result = retry(*args)
    assert result.returncode == 2
    assert "usage: retry N COMMAND..." in result.stderr


def test_a_command_that_succeeds_runs_once(tmp_path: Path) -> None:
    log = tmp_path / "runs"
    result = retry("3", "sh", "-c", f"echo run >> {log}")
    assert result.returncode == 0
    assert log.read_text() == "run\n"


def test_the_last_attempts_exit_status_comes_back() -> None:
    result = retry("1", "sh", "-c", "exit 7")
    assert result.returncode == 7
    assert "gave up after 1 attempts" in result.stderr
