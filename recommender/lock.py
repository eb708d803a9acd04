"""One job at a time per data dir: an OS file lock plus a note saying who holds it."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from recommender.errors import JobLocked

LOCK_FILE = ".job.lock"
HOLDER_FILE = ".job.holder"


class JobLock:
    """`with JobLock(data_dir, "build"):` — raises `JobLocked` naming the holder, or waits."""

    def __init__(self, data_dir: Path, job: str, *, wait: float | None = None) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.holder_path = data_dir / HOLDER_FILE
        self.job = job
        self.wait = wait
        self._lock = FileLock(str(data_dir / LOCK_FILE))

    def holder(self) -> str:
        try:
            info = json.loads(self.holder_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return "another process"
        return f"{info.get('job')} (pid {info.get('pid')} on {info.get('host')}, since {info.get('since')})"

    def __enter__(self) -> JobLock:
        try:
            self._lock.acquire(timeout=self.wait if self.wait is not None else 0)
        except Timeout as exc:
            raise JobLocked(f"another job holds the lock: {self.holder()}") from exc
        note = {
            "job": self.job,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        self.holder_path.write_text(json.dumps(note), encoding="utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.holder_path.unlink(missing_ok=True)
        self._lock.release()
