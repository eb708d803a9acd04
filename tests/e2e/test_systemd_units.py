"""The shipped systemd units (deploy/systemd): hardened, and valid for `systemd-analyze verify`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

UNITS = REPO / "deploy" / "systemd"
EXECUTABLE = "/srv/recommender/.venv/bin/recommender"
HARDENING = (
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ReadWritePaths=/srv/recommender/data",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "CapabilityBoundingSet=",
    "EnvironmentFile=/etc/recommender/recommender.env",
    "User=recommender",
)


def directives(name: str) -> list[str]:
    text = (UNITS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] not in "#;"]


@pytest.mark.parametrize("name", ["recommender.service", "recommender-update.service"])
def test_services_are_hardened(name: str) -> None:
    lines = directives(name)
    missing = [option for option in HARDENING if option not in lines]
    assert not missing, f"{name} lacks {missing}"


def test_the_service_serves_and_the_timer_updates() -> None:
    assert f"ExecStart={EXECUTABLE} serve" in directives("recommender.service")
    env = directives("recommender.env.example")
    assert "RECOMMENDER_WORKERS=4" in env and "RECOMMENDER_TRUSTED_PROXIES=127.0.0.1,::1" in env
    update = [line for line in directives("recommender-update.service") if "ExecStart" in line]
    assert len(update) == 1 and update[0].startswith(f"ExecStart={EXECUTABLE} update ")
    timer = directives("recommender-update.timer")
    assert "OnCalendar=*:0/5" in timer and "WantedBy=timers.target" in timer


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is absent")
    names = ["recommender.service", "recommender-update.service", "recommender-update.timer"]
    for name in names:  # the executable must exist for verify: any will do
        text = (UNITS / name).read_text(encoding="utf-8").replace(EXECUTABLE, "/bin/true")
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", *(f"./{name}" for name in names)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
