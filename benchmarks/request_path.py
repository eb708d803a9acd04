"""The widget's request path in-process: the ASGI app called directly, no network, no load generator.

Usage: ``python benchmarks/request_path.py [--sizes 100000] [--requests 3000] [--work-dir DIR]``.

`serve.py` measures the real server under `wrk`; this measures the same cases inside one process,
so the cost of the app itself is read with little noise and in seconds: `GET /healthz` (the
framework's floor, in the same run), a known article with the response cache off (every request
computes its answer), with `history=` of 10 ids, with `section=`; and the engine alone
(`Recommender.recommend_json`) for the article and history cases. One JSON line per case: µs per
request (the best of `--rounds` rounds) and the ratio to the floor's µs.
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


def asgi_case(app: Any, path: str, queries: list[bytes]) -> Callable[[], float]:
    """Seconds per request of the app answering `path?query` for each query (all must be 200)."""

    async def run() -> float:
        statuses: list[int] = []

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        started = time.perf_counter()
        for query in queries:
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                "query_string": query, "root_path": "", "headers": [(b"host", b"bench")],
                "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "app": app,
            }  # fmt: skip
            await app(scope, _receive, send)
        seconds = (time.perf_counter() - started) / len(queries)
        assert set(statuses) == {200}, f"{path}: statuses {sorted(set(statuses))}"
        return seconds

    return lambda: asyncio.run(run())


def engine_case(rec: Recommender, history: list[list[str]], ids: list[str]) -> Callable[[], float]:
    requests = [rec.request(a, history=h) for a, h in zip(ids, history, strict=True)]

    def run() -> float:
        started = time.perf_counter()
        for req in requests:
            rec.recommend_json(req)
        return (time.perf_counter() - started) / len(requests)

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
    cases: dict[str, Callable[[], float]] = {
        "healthz": asgi_case(app, "/healthz", [b""] * args.requests),
        "article": asgi_case(app, route, [f"article_id={a}".encode() for a in articles]),
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
        "engine_history": engine_case(rec, history, articles),
    }
    best = {name: min(case() for _ in range(args.rounds)) for name, case in cases.items()}
    floor = best["healthz"]
    for name, seconds in best.items():
        emit(
            {
                "bench": "request_path",
                "case": name,
                "items": rec.catalog.size,
                "us_per_request": round(seconds * 1e6, 1),
                "ratio_to_floor": round(seconds / floor, 2),
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
