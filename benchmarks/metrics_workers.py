"""What the workers' shared metric files cost (#15): a request and a scrape in prometheus-client's
multiprocess mode (`serve --workers N`, N > 1) against the same app with in-process metrics (one
worker), in the same run.

Usage: ``python benchmarks/metrics_workers.py [--items 10000] [--requests 3000] [--rounds 5]``.

Both apps serve one synthetic snapshot in this process (the ASGI app called directly, as
request_path.py does); the multiprocess one is switched on as prometheus-client does at import
(its value class) with a fresh folder. Cases: what the middleware records per request (a counter and a histogram), a widget answer
from the response cache (the
cheapest request, so the metrics' share of it is the largest), one computed answer (cache off),
and a `/metrics` scrape (the multiprocess one copies its scrape-time values, then reads every
file). One JSON line per case: µs per request in each mode (best of `--rounds`) and
`multiprocess_ratio`, multiprocess over one process.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from prometheus_client import values  # noqa: E402
from request_path import asgi_case  # noqa: E402
from synthetic import build_synthetic_snapshot  # noqa: E402

from recommender.settings import Settings  # noqa: E402
from service.app import create_app  # noqa: E402
from service.metrics import Metrics  # noqa: E402
from service.multiprocess import ENV, enabled, metrics_folder  # noqa: E402


def app_for(data_dir: Path, cache: bool) -> Any:
    size = 4096 if cache else 0
    app = create_app(Settings(data_dir=data_dir, response_cache_size=size, log_level="warning"))
    assert app.state.runtime.reload(), f"no snapshot under {data_dir}"
    return app


def cases(data_dir: Path, ids: list[str], requests: int) -> dict[str, Callable[[], float]]:
    route = "/v1/recommendations"
    rng = random.Random(5)
    hot = [f"article_id={rng.choice(ids[:20])}".encode() for _ in range(requests)]
    spread = [f"article_id={rng.choice(ids)}".encode() for _ in range(requests)]
    cached, computed = app_for(data_dir, cache=True), app_for(data_dir, cache=False)
    return {
        "record_request": record_case(cached.state.metrics, requests),
        "cached_answer": asgi_case(cached, route, hot),
        "computed_answer": asgi_case(computed, route, spread),
        "scrape": asgi_case(cached, "/metrics", [b""] * max(10, requests // 50)),
    }


def record_case(metrics: Metrics, requests: int) -> Callable[[], float]:
    """What the middleware records per request: a counter and a histogram."""

    def run() -> float:
        started = time.perf_counter()
        for _ in range(requests):
            metrics.observe_request("/v1/recommendations", "GET", 200, 0.0004)
        return (time.perf_counter() - started) / requests

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000, help="requests per round and case")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    emit({"bench": "metrics_workers", "case": "machine", **machine()})
    with tempfile.TemporaryDirectory(prefix="bench-metrics-workers-") as tmp:
        data_dir = Path(tmp) / "data"
        note(f"metrics_workers: a synthetic snapshot of {args.items} items")
        build_synthetic_snapshot(data_dir, args.items)
        probe = app_for(data_dir, cache=False)
        ids = [r["id"] for r in probe.state.runtime.recommender.catalog.records][: args.items]
        assert not enabled()
        one = cases(data_dir, ids, args.requests)
        with metrics_folder(None):
            values.ValueClass = values.MultiProcessValue()  # as prometheus-client at import
            assert enabled() and os.environ.get(ENV)
            shared = cases(data_dir, ids, args.requests)
            best: dict[str, dict[str, float]] = {name: {} for name in one}
            for _ in range(args.rounds):  # interleaved: both modes see the same machine noise
                for name in one:
                    for mode, run in (("one_process", one[name]), ("multiprocess", shared[name])):
                        seconds = run()
                        best[name][mode] = min(best[name].get(mode, seconds), seconds)
    for name, modes in best.items():
        emit(
            {
                "bench": "metrics_workers",
                "case": name,
                "items": args.items,
                "us_one_process": round(modes["one_process"] * 1e6, 1),
                "us_multiprocess": round(modes["multiprocess"] * 1e6, 1),
                "multiprocess_ratio": round(modes["multiprocess"] / modes["one_process"], 3),
            }
        )


if __name__ == "__main__":
    main()
