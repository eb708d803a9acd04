"""Several `recommender serve` replicas on one shared data folder (#15), for the tests and the
benchmark (tests/e2e/test_replicas.py, benchmarks/replicas.py).

A replica is a real `recommender serve` process on a loopback port (tests/e2e/tiny_cli.py: the
command with the tests' tiny encoder registered, so neither it nor `recommender update` loads the
real model); every replica reads the same DATA_DIR, as replicas on several machines read one
shared filesystem path. `publish` runs a real `recommender update` that adds articles to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from index.snapshots import SnapshotStore
from tests.embedder import HashingEncoder
from tests.processes import free_port, stop

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "tests.e2e.tiny_cli"]
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Replica:
    name: str
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upstream(self) -> str:
        """How nginx names it in $upstream_addr."""
        return f"127.0.0.1:{self.port}"

    def ready(self) -> dict[str, Any]:
        """Its /readyz answer (the loaded snapshot, the rejected one)."""
        answer: dict[str, Any] = httpx.get(self.base + "/readyz", timeout=10).json()
        return answer

    def metrics(self) -> str:
        return httpx.get(self.base + "/metrics", timeout=10).text


def replica_env(data_dir: Path, **settings: object) -> dict[str, str]:
    """The environment of a replica or job on `data_dir` (tiny encoder), plus RECOMMENDER_*
    `settings` (`events_url="..."` is RECOMMENDER_EVENTS_URL)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env["RECOMMENDER_DATA_DIR"] = str(data_dir)
    env["RECOMMENDER_MODEL"] = HashingEncoder.name
    env.update({f"RECOMMENDER_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def start_replica(
    name: str, env: Mapping[str, str], logs: Path, workers: int
) -> tuple[Replica, subprocess.Popen[bytes]]:
    """`recommender serve` on a free loopback port (not waited for)."""
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    command = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    with log.open("wb") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(command, stdout=out, stderr=out, env=dict(env), cwd=REPO)
    return Replica(name, port, log), process


def wait_ready(replica: Replica, process: subprocess.Popen[bytes]) -> None:
    """Until the replica's /readyz answers 200; raises with its log if it exits or takes long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(replica.base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    said = replica.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"replica {replica.name} did not start (exit {process.poll()}):\n{said}")


@contextmanager
def running_replicas(
    count: int, env: Mapping[str, str], logs: Path, workers: int = 1
) -> Iterator[list[Replica]]:
    """`count` replicas on the same environment (the same DATA_DIR), started together (as
    replicas on several machines would be), each ready before this yields; stopped after."""
    started: list[tuple[Replica, subprocess.Popen[bytes]]] = []
    try:
        for n in range(count):
            started.append(start_replica(f"replica-{n + 1}", env, logs, workers))
        for replica, process in started:
            wait_ready(replica, process)
        yield [replica for replica, _ in started]
    finally:
        for _, process in started:
            stop(process)


def current_version(data_dir: Path) -> str:
    version = SnapshotStore(data_dir / "snapshots").current_version()
    assert version is not None, f"no snapshot under {data_dir}"
    return version


def new_articles(corpus: Path, tag: str, count: int = 1) -> list[dict[str, Any]]:
    """`count` new articles (ids `{tag}-N`), each a re-headlined copy of a corpus article."""
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    articles = [r for r in rows if r.get("type", "article") == "article"]
    made = []
    for n in range(count):
        base = articles[n % len(articles)]
        item_id = f"{tag}-{n + 1}"
        made.append(
            {
                **base,
                "id": item_id,
                "title": f"Terbaru ({tag} {n + 1}): {base['title']}",
                "url": f"https://kabar.example/terbaru/{item_id}",
            }
        )
    return made


def publish(env: Mapping[str, str], records: Sequence[dict[str, Any]], folder: Path) -> str:
    """`recommender update --input` of `records` (a real process); the version it published."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"update-{time.monotonic_ns()}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = subprocess.run(
        [*CLI, "update", "--input", str(source)],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"recommender update failed ({done.returncode}): {done.stderr[-2000:]}")
    return current_version(Path(env["RECOMMENDER_DATA_DIR"]))
