"""The metric files of `serve --workers N` (#15): prometheus-client's multiprocess mode.

Each worker is its own process with its own counters; a scrape reaches one of them. In
multiprocess mode every worker's instruments write to memory-mapped files in one folder
(`PROMETHEUS_MULTIPROC_DIR`, read by prometheus-client when it is imported, so it is exported
before the workers start), and whichever worker answers `/metrics` reads all of them: counters and
histograms are summed over the workers, gauges combined by each gauge's mode
(`service.metrics.GAUGE_MODES`).

The folder belongs to one server: `prepare` empties it of old files when the server starts (a
previous server's counts would otherwise be added to the new one's), and a folder it made itself
is removed when the server stops. `forget_dead_workers` drops the gauge files of workers that have
exited (uvicorn replaces a dead worker with a new process), as prometheus-client's
`mark_process_dead` would from a supervisor hook, which uvicorn does not have.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import values
from prometheus_client.multiprocess import mark_process_dead

from recommender.errors import InvalidInput

ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own variable
FILES = "*.db"  # prometheus-client names every file it maps <kind>_<pid>.db
LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def enabled() -> bool:
    """Whether this process's instruments write to the shared files (prometheus-client chose
    its value class from ENV when it was imported)."""
    return values.ValueClass is not values.MutexValue


@contextmanager
def metrics_folder(configured: Path | None) -> Iterator[Path]:
    """The folder of one server's metric files, exported as ENV for its workers: `configured`
    emptied of old metric files, else a new temporary folder removed afterwards."""
    if configured is None:
        folder = Path(tempfile.mkdtemp(prefix="recommender-metrics-"))
    else:
        folder = configured
        try:
            folder.mkdir(parents=True, exist_ok=True)
            clear(folder)
        except OSError as exc:
            raise InvalidInput(f"metrics_dir {folder}: cannot use it: {exc.strerror}") from None
    previous = os.environ.get(ENV)
    os.environ[ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        if configured is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            clear(folder)


def clear(folder: Path) -> None:
    """Remove prometheus-client's files (and nothing else) from `folder`."""
    for path in folder.glob(FILES):
        path.unlink(missing_ok=True)


def forget_dead_workers(folder: Path) -> None:
    """Drop the live-gauge files of processes that no longer run (their counters stay: a count
    is not undone by the process that made it exiting)."""
    pids = {
        int(match.group(1))
        for path in folder.glob("gauge_live*.db")
        if (match := LIVE_GAUGE_FILE.match(path.name))
    }
    for pid in pids:
        if not alive(pid):
            mark_process_dead(pid, str(folder))  # type: ignore[no-untyped-call]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge, keep its files
    return True


def current_folder() -> Path:
    """The folder prometheus-client writes to in this process (ENV, set by `metrics_folder`)."""
    return Path(os.environ[ENV])
