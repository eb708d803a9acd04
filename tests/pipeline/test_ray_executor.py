"""`--executor ray` (#14): embedding batches on a real two-node Ray cluster give the snapshot a
local build gives, and both nodes do work; without Ray the option says how to install it.

The cluster tests start Ray nodes (tests/pipeline/ray_cluster.py), about a minute on a busy
2-core machine before the first test runs, so they are marked slow:
`pytest -m slow tests/pipeline/test_ray_executor.py`.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from recommender.articles import EDITORIAL_POOLS
from recommender.cli import app
from recommender.jobs import EXIT_FAILED, run_build, run_update
from recommender.pipeline.ray_embed import RAY_MISSING, ActorPlan, RayEncoder, actor_plan
from recommender.serving.catalog import Catalog
from recommender.settings import JobSettings, Settings
from tests.conftest import CORPUS, REPO, current_catalog, make_settings, real_env, real_settings
from tests.embedder import HashingEncoder, load_hashing_encoder
from tests.pipeline.ray_cluster import Cluster, running_cluster

BATCH = 4  # texts per Ray batch: the fixture corpus makes several, so both actors get some
ACTORS = 2  # per job: the cluster's four CPUs hold the module's encoder and one job's actors
runner = CliRunner()
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed: pip install -e '.[dev,ray]' (make setup does)",
)


# --- sizing: how many actors a cluster gets --------------------------------------------------


def jobs(**values: Any) -> JobSettings:
    return Settings(**values).jobs


def test_one_actor_per_cpu_unless_told_otherwise() -> None:
    assert actor_plan({"CPU": 8.0}, jobs()) == ActorPlan(8, 1, 0.0)
    assert actor_plan({"CPU": 8.0}, jobs(ray_cpus_per_actor=2)) == ActorPlan(4, 2, 0.0)
    assert actor_plan({"CPU": 3.0}, jobs(ray_cpus_per_actor=2)) == ActorPlan(1, 2, 0.0)
    assert actor_plan({"CPU": 8.0}, jobs(ray_actors=3)) == ActorPlan(3, 1, 0.0)
    assert actor_plan({}, jobs()) == ActorPlan(1, 1, 0.0)  # queued until a node joins


def test_gpu_actors_count_the_gpus() -> None:
    resources = {"CPU": 32.0, "GPU": 2.0}
    assert actor_plan(resources, jobs(ray_gpus_per_actor=1)) == ActorPlan(2, 1, 1.0)
    assert actor_plan(resources, jobs(ray_gpus_per_actor=0.5)) == ActorPlan(4, 1, 0.5)
    assert actor_plan(resources, jobs()) == ActorPlan(32, 1, 0.0)  # GPUs unused unless asked


# --- the command line, with and without Ray ----------------------------------------------------


@pytest.mark.parametrize("job", ["build", "update"])
def test_without_ray_the_option_says_how_to_install_it(tmp_path: Path, job: str) -> None:
    """A Python where `import ray` fails (as without the extra): exit 2, one line, no traceback."""
    script = (
        "import sys; sys.modules['ray'] = None\n"  # makes `import ray` raise ImportError
        "from recommender.cli import main\n"
        f"sys.argv = ['recommender', {job!r}, '--executor', 'ray', '--data-dir', sys.argv[1]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == EXIT_FAILED, done.stderr
    assert done.stderr.strip() == f"error: {RAY_MISSING}"
    assert "pip install 'recommender[ray]'" in done.stderr
    assert not (tmp_path / "data" / "snapshots").exists()  # failed before any work


def test_ray_address_needs_the_ray_executor(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["build", "--ray-address", "127.0.0.1:6379"],
        env={"RECOMMENDER_DATA_DIR": str(tmp_path), "RECOMMENDER_EMBEDDING_EXECUTOR": "local"},
    )
    assert result.exit_code == EXIT_FAILED
    assert "--ray-address needs --executor ray" in result.output
    assert not (tmp_path / "snapshots").exists()


def test_build_help_names_the_executor_and_the_extra() -> None:
    for job in ("build", "update"):
        text = runner.invoke(app, [job, "--help"], env={"COLUMNS": "250"}).output
        assert "--executor" in text and "--ray-address" in text, job
        assert "recommender[ray]" in text, job


# --- a real two-node cluster on loopback -------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """The cluster, and its token in this process's environment (the driver's, for Ray)."""
    with running_cluster(REPO) as running, pytest.MonkeyPatch.context() as patch:
        for name, value in running.auth.items():
            patch.setenv(name, value)
        yield running


@pytest.fixture(scope="module")
def ray_encoder(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayEncoder]:
    """The tiny encoder on one actor per node (SPREAD), which loads it with `load_hashing_encoder`."""
    settings = ray_settings(tmp_path_factory.mktemp("ray-settings"), cluster)
    with RayEncoder(settings, load=load_hashing_encoder) as encoder:
        yield encoder


def ray_settings(data_dir: Path, cluster: Cluster) -> Settings:
    return make_settings(
        data_dir,
        embedding_executor="ray",
        ray_address=cluster.address,
        ray_batch_size=BATCH,
        ray_actors=ACTORS,
    )


def snapshot_of(data_dir: Path) -> Catalog:
    return current_catalog(make_settings(data_dir))


def assert_same_snapshot(local: Catalog, remote: Catalog) -> None:
    """Same items in the same rows, vectors at cosine ≥ 0.9999, identical related lists."""
    assert [r["id"] for r in local.records] == [r["id"] for r in remote.records]
    a, b = np.asarray(local.vectors), np.asarray(remote.vectors)
    cosines = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert cosines.min() >= 0.9999, cosines.min()
    for pool in EDITORIAL_POOLS:
        np.testing.assert_array_equal(local.related[pool].rows, remote.related[pool].rows)


@needs_ray
@pytest.mark.slow
def test_build_on_ray_is_the_local_build_and_both_nodes_work(
    tmp_path: Path, ray_encoder: RayEncoder, encoder: HashingEncoder
) -> None:
    assert len(set(ray_encoder.actor_nodes)) == 2  # one actor on each node
    assert ray_encoder.key == encoder.key and ray_encoder.dimension == encoder.dimension
    local, _ = run_build([CORPUS], make_settings(tmp_path / "local"), embedder=encoder)
    before = len(ray_encoder.batch_nodes)
    remote, _ = run_build([CORPUS], make_settings(tmp_path / "ray"), embedder=ray_encoder)
    assert_same_snapshot(snapshot_of(tmp_path / "local"), snapshot_of(tmp_path / "ray"))
    batches = ray_encoder.batch_nodes[before:]
    assert len(batches) == math.ceil(remote.embedded / BATCH)
    assert set(batches) == set(ray_encoder.actor_nodes)  # both nodes embedded batches
    assert (remote.executor, local.executor) == ("ray", "local")
    assert sum(remote.embedding_batches.values()) >= len(batches)
    assert local.embedding_batches == {}


@needs_ray
@pytest.mark.slow
def test_update_on_ray_sends_only_cache_misses(
    tmp_path: Path, ray_encoder: RayEncoder, encoder: HashingEncoder
) -> None:
    for name in ("local", "ray"):
        run_build([CORPUS], make_settings(tmp_path / name), embedder=encoder)
    first = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    changed = {**first, "lead": first["lead"] + " Ribuan warga mengungsi."}
    new = [
        {**first, "id": f"baru-{i}", "title": f"Banjir Susulan {i} di Bandung"} for i in range(5)
    ]
    source = tmp_path / "changes.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in [changed, *new]), encoding="utf-8")
    local, _ = run_update([source], make_settings(tmp_path / "local"), embedder=encoder)
    before = len(ray_encoder.batch_nodes)
    remote, _ = run_update([source], make_settings(tmp_path / "ray"), embedder=ray_encoder)
    assert (local.embedded, remote.embedded) == (6, 6)  # the changed item and five new ones
    assert len(ray_encoder.batch_nodes) - before == math.ceil(6 / BATCH)
    assert_same_snapshot(snapshot_of(tmp_path / "local"), snapshot_of(tmp_path / "ray"))


@needs_ray
@pytest.mark.slow
def test_an_actor_that_cannot_load_the_model_fails_the_job(
    tmp_path: Path, cluster: Cluster
) -> None:
    """The actors load the configured model themselves: a folder that holds none is exit 2."""
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    env = {
        "RECOMMENDER_DATA_DIR": str(tmp_path),
        "RECOMMENDER_MODEL": str(empty),
        "RECOMMENDER_RAY_ACTORS": str(ACTORS),
        "RECOMMENDER_RAY_START_TIMEOUT_SECONDS": "120",
    }
    result = runner.invoke(
        app, ["build", "--executor", "ray", "--ray-address", cluster.address], env=env
    )
    assert result.exit_code == EXIT_FAILED, result.output
    assert "a Ray actor could not load the model" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "snapshots" / "CURRENT").exists()


@needs_ray
@pytest.mark.slow
def test_cli_build_on_ray_with_the_real_model_is_the_local_build(
    tmp_path: Path, cluster: Cluster, real_built_dir: Path
) -> None:
    """The shipped default model, loaded by one actor per node, against the same model loaded
    here (`real_built_dir`)."""
    env = {
        **real_env(tmp_path),
        "RECOMMENDER_RAY_BATCH_SIZE": str(BATCH),
        "RECOMMENDER_RAY_ACTORS": str(ACTORS),
    }
    args = ["build", "-i", str(CORPUS), "--executor", "ray", "--ray-address", cluster.address]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["executor"] == "ray"
    assert len(summary["embedding_batches"]) == 2  # both nodes embedded batches
    assert sum(summary["embedding_batches"].values()) == math.ceil(summary["embedded"] / BATCH)
    local = current_catalog(real_settings(real_built_dir))
    assert_same_snapshot(local, current_catalog(real_settings(tmp_path)))


@needs_ray
@pytest.mark.slow
def test_without_an_address_the_job_starts_and_stops_a_local_ray(
    tmp_path: Path, real_built_dir: Path
) -> None:
    """`--executor ray` alone: a Ray started inside the job's process (a `recommender` process
    of its own, HOME here so Ray's token file is this test's), one node, then shut down."""
    ray_tmp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # short: AF_UNIX socket paths
    env = {
        **real_env(tmp_path / "data"),
        "PYTHONPATH": str(REPO),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RAY_TMPDIR": str(ray_tmp),  # its session files, not /tmp/ray
        "RAY_USAGE_STATS_ENABLED": "0",
        "RECOMMENDER_RAY_BATCH_SIZE": str(BATCH),
    }
    args = ["-m", "recommender.cli", "build", "-i", str(CORPUS), "--executor", "ray"]
    try:
        done = subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, env=env, timeout=600
        )
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["executor"] == "ray"
    assert len(summary["embedding_batches"]) == 1  # the one local node
    local = current_catalog(real_settings(real_built_dir))
    assert_same_snapshot(local, current_catalog(real_settings(tmp_path / "data")))
