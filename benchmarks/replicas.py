"""Several replicas behind nginx while snapshots are published and events stream in (#15, point 4).

Usage: ``python benchmarks/replicas.py [--replicas 2] [--workers 1] [--clients 8] [--updates 3]
[--quiet-seconds 8] [--gap-seconds 5] [--tail-seconds 3] [--output result.json]``.

Debian's nginx with the shipped configuration (deploy/nginx; rate limits raised, every client
being 127.0.0.1) on loopback in front of `--replicas` `recommender serve` processes that share one
data folder (the fixture corpus, built with the tests' tiny encoder: the run measures serving,
reloading and the event log, not the model), events to a throw-away PostgreSQL server through
RECOMMENDER_EVENTS_URL. Client threads ask for widget answers and post the widget's beacons
while `recommender update` publishes `--updates` new snapshots; tests/replica_load.py describes
the run and every field of the result. Throughput while publishing is reported against the
throughput before the first publish, measured in the same run (`publishing_to_quiet_ratio`).

Prints one JSON line (`"bench": "replicas"`, with `"passed"`: zero errors, only published and
verified snapshots served, each replica serving each of them, every event stored exactly once)
and writes it to `--output` when given; exits 1 when the run did not pass. Needs nginx and
PostgreSQL (`make nginx postgres`) and psycopg.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402

from recommender.jobs import run_build  # noqa: E402
from tests.conftest import CORPUS, make_settings  # noqa: E402
from tests.embedder import HashingEncoder, register_encoder  # noqa: E402
from tests.nginx import MISSING, NGINX  # noqa: E402
from tests.postgres import missing  # noqa: E402
from tests.replica_load import Plan, passed, run  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="workers per replica")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--updates", type=int, default=3, help="snapshots published")
    parser.add_argument("--quiet-seconds", type=float, default=8.0)
    parser.add_argument("--gap-seconds", type=float, default=5.0)
    parser.add_argument("--tail-seconds", type=float, default=3.0)
    parser.add_argument("--output", type=Path, help="also write the JSON result here")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    reason = missing() or (None if NGINX.exists() else MISSING)
    if reason:
        note(f"replicas: cannot run: {reason}")
        sys.exit(2)
    plan = Plan(
        replicas=args.replicas,
        workers=args.workers,
        clients=args.clients,
        updates=args.updates,
        quiet_seconds=args.quiet_seconds,
        gap_seconds=args.gap_seconds,
        tail_seconds=args.tail_seconds,
    )
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        with register_encoder():
            run_build([CORPUS], make_settings(data_dir), embedder=HashingEncoder(), progress=False)
        note(
            f"replicas: {plan.replicas} replicas x {plan.workers} worker(s), {plan.updates} publishes"
        )
        result = run(plan, data_dir, CORPUS, work)
    line = {"bench": "replicas", "passed": passed(result), **result, "machine": machine()}
    emit(line)
    if args.output is not None:
        import orjson

        args.output.write_bytes(orjson.dumps(line, option=orjson.OPT_INDENT_2) + b"\n")
    if not line["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
