"""Page extraction in worker processes: a folder of saved pages or a crawl read on every core.

Extracting a page (parsing, pruning, reading its metadata and time) is CPU-bound Python, about
150 pages a second on one core; the import of an archive of 100,000 pages is bound by it. A
`PagePool` runs `page_record` in `workers` processes (started with `spawn`: the job's process may
hold threads) and hands each outcome back in the order the pages were submitted, so that every
report reads as it would one page after the other (the last occurrence of an id wins, errors in
file order). The first `inline_pages` pages are extracted in the caller's process: a read of a
few pages pays no process start-up (about a second each). At most `workers * WINDOW_PER_WORKER`
pages are in flight, so an archive of any size holds that many pages in memory at most. A page
whose reading runs past `PageOptions.time_limit` is given up and reported (`time_limit`), so no
page holds a job up.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record

log = logging.getLogger("recommender.ingest")

WINDOW_PER_WORKER = 8
INLINE_PAGES = 200
MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """One worker per CPU core this process may run on (its affinity: a container's cpuset, not
    the host's cores), at most MAX_DEFAULT_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


@dataclass(frozen=True)
class PageJob:
    """One page to extract: its bytes, the URL it was fetched from, its path under the folder
    read, the charset its source declares."""

    data: bytes
    url: str | None = None
    relative: str | None = None
    charset: str | None = None


@dataclass(frozen=True)
class Outcome:
    """A page's import record, or why there is none (an ExtractionError's field and reason;
    `trace`: the traceback where the importer itself failed)."""

    record: dict[str, Any] | None = None
    field: str = ""
    reason: str = ""
    trace: str = ""


Land = Callable[[Outcome], object]


def extract(job: PageJob, options: PageOptions) -> Outcome:
    """`page_record` that never raises (its errors and our own failures are outcomes), given up
    once it has taken `options.time_limit` seconds (the process warmed first: not counted)."""
    if options.time_limit:
        warm()
    try:
        with time_limit(options.time_limit):
            record = page_record(
                job.data, url=job.url, relative=job.relative, charset=job.charset, options=options
            )
        return Outcome(record)
    except PageTimeout:
        return Outcome(field="page", reason=too_slow(options.time_limit or 0))
    except ExtractionError as exc:
        return Outcome(field=exc.field, reason=exc.reason)
    except Exception as exc:  # a bug of ours on one page must not stop the other sources
        return Outcome(field="page", reason=internal_error(exc), trace=traceback.format_exc())


class PageTimeout(BaseException):
    """A page's reading ran past its time limit (raised by `time_limit`'s timer). Not an
    Exception, as KeyboardInterrupt is not: the `except Exception` of a step it interrupts (the
    extractor's own fallbacks catch everything they raise) must not swallow it, or the page is
    read on with no limit left."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise PageTimeout in the block once `seconds` have passed: a timer signal, taken whenever
    Python code runs (a single step of the parser's or XPath's C code finishes first; a regular
    expression's match is interrupted). Only a process's main thread takes signals: elsewhere,
    with no limit, or where a timer of someone else's is already running, the block runs
    unlimited."""
    timed = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not timed:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_slow(seconds: float) -> str:
    """Why a page whose reading ran past its time limit was not imported."""
    return (
        f"reading it took longer than {seconds:g} s, the limit for one page"
        " (RECOMMENDER_PAGE_TIME_LIMIT_SECONDS): not imported (a page nested thousands of"
        " elements deep, or one the importer reads too slowly: please report it)"
    )


def internal_error(exc: Exception) -> str:
    """The reason given for a source the importer itself failed on (logged with its traceback)."""
    return (
        f"the importer failed on it ({type(exc).__name__}: {exc}); the other sources are"
        " imported; please report this file"
    )


# A page of ours read once in a process before its first page is timed: what the first reading of
# a page loads (the extractor's modules, the language detector's model, over a second in all)
# counts against no page's time limit.
WARM_PAGE = (
    b'<html lang="id"><head><title>Hujan deras di Bandung</title>'
    b'<meta property="og:type" content="article">'
    b'<meta property="article:published_time" content="2026-11-10T09:15:00+07:00">'
    b'<link rel="canonical" href="https://kabar.example/read/2026/11/10/1/hujan-deras"></head>'
    b"<body><article><h1>Hujan deras di Bandung</h1><p>Hujan deras yang mengguyur Bandung sejak"
    b" sore membuat sejumlah jalan tergenang. Petugas dinas perhubungan mengatur lalu lintas di"
    b" persimpangan yang macet, sementara warga di bantaran sungai diminta waspada karena debit"
    b" air terus naik hingga malam hari.</p><p>Menurut warga, genangan setinggi lutut orang dewasa"
    b" baru surut menjelang tengah malam.</p></article></body></html>"
)


@functools.cache
def warm() -> None:
    """Read `WARM_PAGE` once in this process (a worker's start, or the first page timed here)."""
    try:
        page_record(WARM_PAGE, options=PageOptions(time_limit=None))
    except ExtractionError as exc:  # never, but warming must not stop a job
        log.warning("warming the page extractor: %s", exc)


class PagePool:
    """Pages extracted in order-preserving worker processes (`workers` <= 1: in this process)."""

    def __init__(
        self, options: PageOptions, workers: int = 1, inline_pages: int = INLINE_PAGES
    ) -> None:
        self.options = options
        self.workers = workers
        self.inline_pages = inline_pages
        self.submitted = 0
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: deque[tuple[Future[Outcome], PageJob, Land]] = deque()

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.flush()
        finally:
            self.close()

    def submit(self, job: PageJob, land: Land) -> None:
        """Extract `job`; `land` is called with its outcome after every page submitted before
        it has landed (here, or at a later `submit` or `flush`)."""
        self.submitted += 1
        if self.workers > 1 and self.submitted > self.inline_pages:
            try:
                future = self._started().submit(extract, job, self.options)
            except BrokenProcessPool:  # a worker died since the last page
                self._give_up()
            else:
                self._waiting.append((future, job, land))
                while len(self._waiting) > self.workers * WINDOW_PER_WORKER:
                    self._land_first()
                return
        self.flush()
        land(extract(job, self.options))

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=warm,
            )
        return self._pool

    def flush(self) -> None:
        """Land every page submitted (before anything else is written to the report)."""
        while self._waiting:
            self._land_first()

    def _land_first(self) -> None:
        future, job, land = self._waiting.popleft()
        try:
            outcome = future.result()
        except BrokenProcessPool:  # a worker died (killed for memory): this page read here
            self._give_up()
            outcome = extract(job, self.options)
        land(outcome)

    def _give_up(self) -> None:
        """A worker died: the pages in flight, and the rest of the read, are extracted in this
        process (a pool that broke once may break again: the cause is likely to stay)."""
        if self.workers > 1:
            log.warning(
                "a page extraction worker stopped; the other pages are read in the job's process"
            )
        self.workers = 1
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Every worker is killed, not only those the pool terminates itself: one it started
        # while it was breaking waits forever on a queue lock the dead worker held, and the
        # job would hang at exit joining it.
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.kill()

    def close(self) -> None:
        if self._pool is not None and getattr(self._pool, "_broken", False):
            self._give_up()  # a broken pool's workers killed, never joined while they wait
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._waiting.clear()
