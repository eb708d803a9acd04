"""Progress of a job's long steps on stderr: a bar on a terminal, a JSON line a minute otherwise.

Steps (import, embedding, indexing, ranking layer, publish) report how many of their units are
done. On a terminal each gets a rich progress bar with the rate (units/s) and the time left; when
stderr is not a terminal (cron, systemd), one JSON line per `PROGRESS_INTERVAL_SECONDS` at most:

    {"progress": "embedding", "done": 4096, "total": 10000, "unit": "items",
     "per_second": 68.2, "eta_seconds": 86.6, "elapsed_seconds": 60.1}

and a last line with `"finished": true` for a step that wrote any. Nothing goes to stdout, where
the job's JSON summary is.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import orjson

Clock = Callable[[], float]


class Step:
    """One step's counter; `advance` after each chunk of work."""

    def __init__(self, name: str, total: int, unit: str, report: Callable[[Step, bool], None]):
        self.name, self.total, self.unit = name, total, unit
        self.done = 0
        self._report = report

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        self._report(self, False)

    def grow(self, count: int) -> None:
        """`count` more units to do, found on the way (the pages a sitemap names)."""
        self.total += count
        self._report(self, False)


class Progress:
    """Reports the steps of one job: `mode` is "bar" (a terminal), "lines" (JSON lines) or "off"."""

    def __init__(
        self,
        mode: str = "off",
        *,
        stream: TextIO | None = None,
        interval: float = 60.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.clock = clock

    @classmethod
    def for_job(cls, progress: bool | None, interval: float) -> Progress:
        """False: none; True: bars; None: bars on a terminal, JSON lines otherwise."""
        if progress is False:
            return cls("off")
        terminal = sys.stderr.isatty()
        return cls("bar" if progress or terminal else "lines", interval=interval)

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    @contextmanager
    def step(self, name: str, total: int, unit: str = "items") -> Iterator[Step]:
        """A step of `total` units; finished when the block ends."""
        if self.mode == "bar":
            with self._bar(name, total, unit) as step:
                yield step
            return
        started = last = self.clock()
        wrote = False

        def report(step: Step, final: bool) -> None:
            nonlocal last, wrote
            now = self.clock()
            if not final and now - last < self.interval:
                return
            if final and not wrote:
                return
            last, wrote = now, True
            self._line(step, now - started, final)

        step = Step(name, total, unit, report if self.mode == "lines" else lambda *_: None)
        yield step
        report(step, True)

    def _line(self, step: Step, elapsed: float, final: bool) -> None:
        rate = step.done / elapsed if elapsed > 0 else 0.0
        line: dict[str, Any] = {
            "progress": step.name,
            "done": step.done,
            "total": step.total,
            "unit": step.unit,
            "per_second": round(rate, 1),
            "eta_seconds": round((step.total - step.done) / rate, 1) if rate > 0 else None,
            "elapsed_seconds": round(elapsed, 1),
        }
        if final:
            line["finished"] = True
        self.stream.write(orjson.dumps(line).decode() + "\n")
        self.stream.flush()

    @contextmanager
    def _bar(self, name: str, total: int, unit: str) -> Iterator[Step]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bars

        bars = Bars(
            TextColumn("{task.description:<13}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
        )
        with bars:
            task = bars.add_task(name, total=total or None, rate="")
            started = self.clock()

            def report(step: Step, final: bool) -> None:
                elapsed = self.clock() - started
                rate = f"{step.done / elapsed:,.0f} {unit}/s" if elapsed > 0 else ""
                bars.update(task, completed=step.done, total=step.total or None, rate=rate)

            step = Step(name, total, unit, report)
            yield step
            bars.update(task, completed=step.total or step.done)


NO_PROGRESS = Progress("off")
