"""The widget's request path in-process: the ASGI app called directly, no network, no load generator.

Usage: ``python benchmarks/request_path.py [--sizes 100000] [--requests 3000] [--work-dir DIR]``.

`serve.py` measures the real server under `wrk`; this measures the same cases inside one process,
so the cost of the app itself is read with little noise and in seconds: `GET /healthz` (the
framework's floor, in the same run), a known article with the response cache off (every request
computes its answer), with `history=` of 2 ids (`history2`) and of 10 ids, with `section=`; and
the engine alone (`Recommender.recommend_json`) for the article and history cases, and for the
article without the precomputed candidates of plain answers (`engine_article_lists`: the whole
related lists, as with `RECOMMENDER_PRECOMPUTE_WINDOW_HOURS=0`). One JSON line
per case: µs per request, wall clock and the process's CPU time (the best of `--rounds` rounds
each; on a shared machine CPU time is the steadier), and the ratio to the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import emit, machine, note
from synthetic import SECTIONS, build_synthetic_snapshot

from index.snapshots import SnapshotStore
from recommender.serving.engine import Recommender
from recommender.settings import Settings
from service.app import create_app

Message = dict[str, Any]


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


Timing = tuple[float, float]  # (wall, CPU) seconds per request


def asgi_case(app: Any, path: str, queries: list[bytes]) -> Callable[[], Timing]:
    """Seconds per request of the app answering `path?query` for each query (all must be 200)."""

    async def run() -> Timing:
        statuses: list[int] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        started, cpu = time.perf_counter(), time.process_time()
        for query in queries:
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                "query_string": query, "root_path": "", "headers": [(b"host", b"bench")],
                "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "app": app,
            }  # fmt: skip
            await app(scope, _receive, send)
        seconds = (time.perf_counter() - started) / len(queries)
        cpu = (time.process_time() - cpu) / len(queries)
        assert set(statuses) == {200}, f"{path}: statuses {sorted(set(statuses))}"
        return seconds, cpu

    return lambda: asyncio.run(run())


def engine_case(
    rec: Recommender, history: list[list[str]], ids: list[str], lists: bool = False
) -> Callable[[], Timing]:
    """The engine alone; `lists`: without the precomputed candidates of plain answers (every
    answer reads the whole related lists, as with RECOMMENDER_PRECOMPUTE_WINDOW_HOURS=0)."""
    requests = [rec.request(a, history=h) for a, h in zip(ids, history, strict=True)]

    def run() -> Timing:
        kept = rec.selector.precomputed
        if lists:
            rec.selector.precomputed = None
        try:
            started, cpu = time.perf_counter(), time.process_time()
            for req in requests:
                rec.recommend_json(req)
            count = len(requests)
            return (time.perf_counter() - started) / count, (time.process_time() - cpu) / count
        finally:
            rec.selector.precomputed = kept

    return run


def measure(data_dir: Path, args: argparse.Namespace) -> None:
    # Production settings but for the response cache (off: every answer is computed) and the
    # access log (its lines would go to this benchmark's stderr).
    settings = Settings(data_dir=data_dir, response_cache_size=0, log_level="warning")
    app = create_app(settings)
    runtime = app.state.runtime
    assert runtime.reload(), f"no snapshot under {data_dir}"
    rec: Recommender = runtime.recommender
    ids = [r["id"] for r in rec.catalog.records if not r.get("sponsor")]
    rng = random.Random(11)
    articles = [rng.choice(ids) for _ in range(args.requests)]
    history = [[rng.choice(ids) for _ in range(10)] for _ in articles]
    sections = [rng.choice(SECTIONS) for _ in articles]
    route = "/v1/recommendations"
    cases: dict[str, Callable[[], Timing]] = {
        "healthz": asgi_case(app, "/healthz", [b""] * args.requests),
        "article": asgi_case(app, route, [f"article_id={a}".encode() for a in articles]),
        "history2": asgi_case(
            app,
            route,
            [
                f"article_id={a}&history={','.join(h[:2])}".encode()
                for a, h in zip(articles, history, strict=True)
            ],
        ),
        "history": asgi_case(
            app,
            route,
            [
                f"article_id={a}&history={','.join(h)}".encode()
                for a, h in zip(articles, history, strict=True)
            ],
        ),
        "filters": asgi_case(
            app,
            route,
            [
                f"article_id={a}&section={s}".encode()
                for a, s in zip(articles, sections, strict=True)
            ],
        ),
        "engine_article": engine_case(rec, [[] for _ in articles], articles),
        "engine_article_lists": engine_case(rec, [[] for _ in articles], articles, lists=True),
        "engine_history": engine_case(rec, history, articles),
    }
    timings = {name: [case() for _ in range(args.rounds)] for name, case in cases.items()}
    wall = {name: min(t[0] for t in runs) for name, runs in timings.items()}
    cpu = {name: min(t[1] for t in runs) for name, runs in timings.items()}
    for name in cases:
        emit(
            {
                "bench": "request_path",
                "case": name,
                "items": rec.catalog.size,
                "us_per_request": round(wall[name] * 1e6, 1),
                "ratio_to_floor": round(wall[name] / wall["healthz"], 2),
                "cpu_us_per_request": round(cpu[name] * 1e6, 1),
                "cpu_ratio_to_floor": round(cpu[name] / cpu["healthz"], 2),
                "requests": args.requests,
            }
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="synthetic snapshot sizes")
    parser.add_argument("--requests", type=int, default=3000, help="requests per round and case")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work-dir", type=Path, help="keep synthetic snapshots here (reused)")
    args = parser.parse_args()
    emit({"bench": "request_path", "machine": machine(), "note": "in-process, no network"})
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="bench-request-path-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            data_dir = work / f"synthetic-{n}"
            if SnapshotStore(data_dir / "snapshots").current_version() is None:
                note(f"building a synthetic snapshot of {n} items")
                build_synthetic_snapshot(data_dir, n)
            measure(data_dir, args)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
