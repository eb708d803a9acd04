"""A real two-node Ray cluster on loopback for the tests of the Ray executor (#14).

`running_cluster` starts a head node (`ray start --head --block`) and a second node joined to it
(`ray start --address ... --block`), two CPUs each, in a new process session of their own, and
waits until the cluster counts both. On exit it stops exactly those processes: SIGTERM to the two
`ray start --block` commands (which stop what they started), then SIGKILL to what is left of
their process groups. Never `ray stop`: it kills every Ray process of the machine's user, other
test runs' and other people's clusters included.

Both nodes run with PYTHONPATH set to this checkout, so their workers import this `recommender`
(and `tests.embedder`, whose loader the tiny-encoder tests hand to the actors).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

RAY = Path(sys.executable).parent / "ray"
START_TIMEOUT = 240.0  # seconds; starting two nodes takes ~10 s on an idle 2-core machine


@dataclass(frozen=True)
class Cluster:
    address: str  # host:port of the head's GCS, what `--ray-address` takes
    logs: Path
    auth: dict[str, str]  # what a driver's environment needs to be let in (Ray's token auth)


def start_node(
    args: list[str], cpus: int, log: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(RAY),
                "start",
                "--block",
                f"--num-cpus={cpus}",
                "--node-ip-address=127.0.0.1",
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: stopped by id, never by name
        )


def stop_node(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `ray start --block` (it stops its node), then SIGKILL to its group's rest."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def alive_nodes(address: str, env: dict[str, str]) -> int:
    """Nodes the cluster counts as alive, asked from a throw-away driver process."""
    probe = (
        "import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False,"
        " logging_level='ERROR'); print(sum(n['Alive'] for n in ray.nodes()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, address],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    lines = done.stdout.strip().splitlines()
    return int(lines[-1]) if done.returncode == 0 and lines else 0


def logs_tail(folder: Path) -> str:
    return "\n".join(
        f"{p.name}: {p.read_text(errors='replace')[-800:]}" for p in folder.glob("*.log")
    )


@contextlib.contextmanager
def running_cluster(repo: Path, cpus: int = 2) -> Iterator[Cluster]:
    """A head and a second node on 127.0.0.1, `cpus` (logical) CPUs each; stopped on exit, even
    on failure. The tests' two each leave room for the module's encoder and one more job's
    actors; the benchmark gives each one, so the cluster has the machine's two cores."""
    # A short folder: Ray's socket paths under it must stay within the 107 bytes of AF_UNIX.
    temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    logs = temp / "logs"
    logs.mkdir()
    port = free_port()
    address = f"127.0.0.1:{port}"
    # Ray's token authentication with a token of this cluster's own, so that neither the user's
    # ~/.ray/auth_token nor another cluster's decides whether the nodes and drivers are let in.
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    env = {**os.environ, **auth, "PYTHONPATH": str(repo), "RAY_USAGE_STATS_ENABLED": "0"}
    nodes = [
        start_node(
            [
                "--head",
                f"--port={port}",
                "--include-dashboard=false",
                f"--temp-dir={temp}",
                "--disable-usage-stats",
            ],
            cpus,
            logs / "head.log",
            env,
        )
    ]
    try:
        nodes.append(start_node([f"--address={address}"], cpus, logs / "node.log", env))
        deadline = time.monotonic() + START_TIMEOUT
        while alive_nodes(address, env) < 2:
            if time.monotonic() > deadline or any(n.poll() is not None for n in nodes):
                raise RuntimeError(f"the Ray test cluster did not start:\n{logs_tail(logs)}")
            time.sleep(1)
        yield Cluster(address, logs, auth)
    finally:
        for node in reversed(nodes):
            stop_node(node)
        shutil.rmtree(temp, ignore_errors=True)
