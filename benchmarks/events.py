"""Cost of `POST /v1/events` (one widget beacon) against the framework's floor, `GET /healthz`.

Usage: ``python benchmarks/events.py [--requests 2000] [--events 6]``.

Starts the real server (`recommender serve`, its own process, on a small synthetic snapshot, with
the events rate limit off: this measures the cost, not the limit) on loopback, asks it for one
answer, then sends, one at a time over one keep-alive connection, beacons of `--events`
impressions of that answer's items, with its `event_token`, as `text/plain` (what the widget
sends), each of a new page view, interleaved with `GET /healthz`. One JSON line per case (mean, p50, p99 in ms, requests/s) with the ratio of its
mean to the floor's, measured in the same run; a last line checks that every event was stored.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402
from synthetic import build_synthetic_snapshot  # noqa: E402

from recommender.snapshot import read_records  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def beacon(answer: dict[str, Any], events: int, n: int) -> str:
    """`events` impressions of the answer's related articles, for page view `n`."""
    section = next(s for s in answer["sections"] if s["key"] == "rekomendasi_artikel")
    served = section["items"][:events]
    return json.dumps(
        {
            "page_view": f"{n:032x}",
            "article_id": answer["article_id"],
            "event_token": answer["event_token"],
            "events": [
                {"kind": "impression", "section": section["key"], "item_id": item["id"],
                 "position": i}
                for i, item in enumerate(served)
            ],
        }
    )  # fmt: skip


def first_article(data_dir: Path, version: str) -> str:
    """An editorial article of the snapshot (its answer has related articles to report)."""
    for record in read_records(data_dir / "snapshots" / version):
        if record.get("type") == "article" and not record.get("sponsor"):
            return str(record["id"])
    raise SystemExit("the synthetic snapshot has no article")


def summary(case: str, seconds: list[float], floor: float | None) -> dict[str, object]:
    ordered = sorted(seconds)
    mean = statistics.fmean(ordered)
    return {
        "bench": "events",
        "case": case,
        "requests": len(ordered),
        "mean_ms": round(mean * 1000, 3),
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 3),
        "requests_per_s": round(1 / mean, 1),
        "ratio_to_healthz": round(mean / floor, 2) if floor else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--events", type=int, default=6, help="impressions per beacon")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-events-"))
    manifest = build_synthetic_snapshot(data_dir, 2000)
    port = free_port()
    env = {
        **os.environ,
        "RECOMMENDER_LOG_LEVEL": "warning",
        "RECOMMENDER_EVENTS_RATE_PER_MINUTE": "0",
    }
    command = [sys.executable, "-m", "recommender.cli", "serve", "--data-dir", str(data_dir)]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            article = first_article(data_dir, manifest["version"])
            answer = http.get(
                "/v1/recommendations", params={"article_id": article, "articles": args.events}
            ).json()
            events = min(args.events, len(answer["sections"][0]["items"]))
            headers = {"content-type": "text/plain;charset=UTF-8"}
            for n in range(50):  # warm up both routes
                http.get("/healthz")
                http.post("/v1/events", content=beacon(answer, events, n), headers=headers)
            note(f"events: {args.requests} beacons of {args.events} events against {base}")
            floor: list[float] = []
            posts: list[float] = []
            for n in range(args.requests):
                started = time.perf_counter()
                http.get("/healthz")
                floor.append(time.perf_counter() - started)
                body = beacon(answer, events, 1000 + n)
                started = time.perf_counter()
                r = http.post("/v1/events", content=body, headers=headers)
                posts.append(time.perf_counter() - started)
                if r.status_code != 204:
                    raise SystemExit(f"beacon answered {r.status_code}: {r.text}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    base_line = summary("healthz", floor, None)
    emit({**base_line, "machine": machine()})
    emit(summary("beacon", posts, statistics.fmean(floor)))
    with sqlite3.connect(data_dir / "events.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM events").fetchone()[0]
    expected = (50 + args.requests) * events
    emit({"bench": "events", "case": "stored", "events": stored, "expected": expected,
          "ok": stored == expected})  # fmt: skip


if __name__ == "__main__":
    main()
