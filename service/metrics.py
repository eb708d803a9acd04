"""Prometheus metrics of one app: requests by route and status, the snapshot, the cache, events.

Each app owns its registry (tests build many apps in one process). `GET /metrics` renders it.
Request metrics are recorded by `service.middleware.ObservabilityMiddleware`; the labelled
children are cached so recording a request costs two dict look-ups and two increments.

With several workers (`serve --workers N`, service/multiprocess.py) the instruments write to
files shared by the workers, and `/metrics` answers with a `MultiProcessCollector` over them: the
sum over the workers whichever worker answers. The values read when scraped (`_StateCollector`:
the snapshot, the cache, the signals) exist in one process only, so each worker copies them into
instruments of the same names every `MIRROR_SECONDS` and before it answers a scrape
(`StateMirror`); gauges are combined by `GAUGE_MODES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from service import multiprocess
from service.background import running
from service.caching import ResponseCache
from service.paths import METRICS
from service.runtime import Runtime

log = logging.getLogger("recommender.service.metrics")

# Widget answers take well under a millisecond; the fine low buckets make p50/p99 estimable.
LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.00075,
    0.001,
    0.0015,
    0.002,
    0.003,
    0.005,
    0.0075,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)
UNMATCHED = "unmatched"  # requests no route matched share one label (paths are unbounded)
# Labels of the per-slot event counters stay bounded: the answer's section keys, else "other";
# positions 0..9, then "10+" (a widget shows a handful; positions are < 50 anyway).
SLOT_SECTIONS = frozenset({"rekomendasi_artikel", "video_pilihan", "terpopuler", "konten_sponsor"})
SLOT_POSITIONS = 10

# Several workers: how often each copies its scrape-time values into the shared files (a scrape
# answered by another worker sees them at most this old).
MIRROR_SECONDS = 1.0
GaugeMode = Literal["liveall", "livesum", "livemax", "livemin"]
# How the workers' values of a gauge combine (prometheus-client's multiprocess modes; "live":
# exited workers' values are dropped). Unlisted gauges: "liveall", one series per worker with a
# `pid` label (the loaded snapshot: which worker serves which version).
GAUGE_MODES: dict[str, GaugeMode] = {
    "recommender_snapshot_age_seconds": "livemax",  # the oldest snapshot any worker serves
    "recommender_snapshot_rejected": "livemax",  # 1 when any worker rejects it
    "recommender_response_cache_entries": "livesum",
    "recommender_signals_used": "livemin",  # 0 when any worker ranks without signals
    "recommender_signals_age_seconds": "livemax",
}


def slot_labels(section: str, position: int) -> tuple[str, str]:
    key = section if section in SLOT_SECTIONS else "other"
    return key, str(position) if position < SLOT_POSITIONS else f"{SLOT_POSITIONS}+"


class Metrics:
    """The registry and the instruments of one app."""

    def __init__(self, runtime: Runtime, cache: ResponseCache) -> None:
        # The instruments' registry; what /metrics renders is `exposition` (the same registry in
        # one process, the files of every worker with several).
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "recommender_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "recommender_http_request_duration_seconds",
            "Time from the request reaching the app to the last response byte.",
            ("route", "method", "status"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.events = Counter(
            "recommender_events",
            "Widget events received by POST /v1/events, by outcome (accepted, rejected).",
            ("outcome",),
            registry=self.registry,
        )
        self.event_outcomes = Counter(
            "recommender_event_outcomes",
            "Widget events neither accepted nor refused: duplicates (dropped) and bots (counted).",
            ("outcome",),
            registry=self.registry,
        )
        self.event_rejects = Counter(
            "recommender_events_rejected_by_reason",
            "Refused widget events, by reason (token_signature, token_expired, not_served,"
            " rate_limited, invalid, ...).",
            ("reason",),
            registry=self.registry,
        )
        self.slot_events = Counter(
            "recommender_widget_events",
            "Accepted widget impressions and clicks by answer section and position (CTR per"
            " slot: rate of kind=click over rate of kind=impression).",
            ("kind", "section", "position"),
            registry=self.registry,
        )
        state = _StateCollector(runtime, cache)
        self.mirror: StateMirror | None = None
        if multiprocess.enabled():
            self.mirror = StateMirror(state)
            self.exposition = CollectorRegistry()
            folder = str(multiprocess.current_folder())
            MultiProcessCollector(self.exposition, path=folder)  # type: ignore[no-untyped-call]
        else:
            self.registry.register(state)
            self.exposition = self.registry
        self._children: dict[tuple[str, str, int], tuple[Callable[[], None], Histogram]] = {}

    def render(self) -> bytes:
        """The Prometheus text of this process, or with several workers of all of them."""
        if self.mirror is not None:
            self.mirror.sync()  # this worker's scrape-time values as of now
            multiprocess.forget_dead_workers(multiprocess.current_folder())
        return generate_latest(self.exposition)

    @contextlib.asynccontextmanager
    async def mirroring(self) -> AsyncIterator[None]:
        """With several workers: copy the scrape-time values every MIRROR_SECONDS while the app
        runs (nothing to do in one process)."""
        work = None if self.mirror is None else self.mirror.follow(MIRROR_SECONDS)
        async with running(work, "metrics-mirror"):
            yield

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        child = self._children.get(key)
        if child is None:
            labels = (route, method, str(status))
            counter = self.requests.labels(*labels)
            child = (counter.inc, self.latency.labels(*labels))
            self._children[key] = child
        child[0]()
        child[1].observe(seconds)

    def record_outcome(self, outcome: str, events: int) -> None:
        if events:
            self.event_outcomes.labels(outcome).inc(events)

    def record_reject(self, reason: str, events: int) -> None:
        if events:
            self.event_rejects.labels(reason).inc(events)

    def record_slots(self, slots: Iterable[tuple[str, str, int]]) -> None:
        """Accepted events by (kind, section, position), for CTR per section and position."""
        for kind, section, position in slots:
            self.slot_events.labels(kind, *slot_labels(section, position)).inc()

    def record_events(self, accepted: int = 0, rejected: int = 0) -> None:
        """For the events endpoint: count accepted and rejected events."""
        if accepted:
            self.events.labels("accepted").inc(accepted)
        if rejected:
            self.events.labels("rejected").inc(rejected)


class _StateCollector(Collector):
    """Values read when scraped: the loaded snapshot and the response cache."""

    def __init__(self, runtime: Runtime, cache: ResponseCache) -> None:
        self.runtime = runtime
        self.cache = cache

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        info = GaugeMetricFamily(
            "recommender_snapshot_info", "The loaded snapshot (value 1).", labels=["version"]
        )
        items = GaugeMetricFamily("recommender_snapshot_items", "Items in the loaded snapshot.")
        age = GaugeMetricFamily(
            "recommender_snapshot_age_seconds", "Seconds since the loaded snapshot was built."
        )
        current = self.runtime.current
        if current is not None:
            catalog = current.catalog
            info.add_metric([catalog.version], 1)
            items.add_metric([], catalog.size)
            created = _epoch(catalog.manifest.get("created_at"))
            if created is not None:
                age.add_metric([], max(0.0, time.time() - created))
        yield info
        yield items
        yield age
        failures = CounterMetricFamily(
            "recommender_snapshot_load_failures",
            "Snapshots rejected instead of loaded, by reason (missing, size, checksum, unlisted,"
            " manifest, invariant, unreadable, incompatible, pointer, loaded_size, ...).",
            labels=["reason"],
        )
        for reason, count in sorted(self.runtime.load_failures.items()):
            failures.add_metric([reason], count)
        yield failures
        rejected = GaugeMetricFamily(
            "recommender_snapshot_rejected",
            "1 while the snapshot CURRENT names is rejected (label: its version, '' when CURRENT"
            " is not a version name, and the reason); absent otherwise.",
            labels=["version", "reason"],
        )
        if self.runtime.rejected is not None:
            rejected.add_metric(
                [self.runtime.rejected.version or "", self.runtime.rejected.reason], 1
            )
        yield rejected
        errors = CounterMetricFamily(
            "recommender_reload_errors",
            "Unexpected errors of the background reloader (it logs them and retries with back-off).",
        )
        errors.add_metric([], self.runtime.reload_errors)
        yield errors
        hits = CounterMetricFamily(
            "recommender_response_cache_hits", "Answers served from the response cache."
        )
        hits.add_metric([], self.cache.hits)
        yield hits
        misses = CounterMetricFamily(
            "recommender_response_cache_misses", "Cacheable answers that had to be rendered."
        )
        misses.add_metric([], self.cache.misses)
        yield misses
        ratio = GaugeMetricFamily(
            "recommender_response_cache_hit_ratio", "Hits / (hits + misses) since start."
        )
        ratio.add_metric([], self.cache.hit_ratio)
        yield ratio
        entries = GaugeMetricFamily(
            "recommender_response_cache_entries", "Rendered answers held now."
        )
        entries.add_metric([], len(self.cache))
        yield entries
        yield from _signals_metrics(self.runtime)


class StateMirror:
    """Copies a collector's values into multiprocess instruments of the same names: gauges set
    (a series that went away reads 0: multiprocess files cannot drop a series), counters
    increased by what they grew since the last copy."""

    def __init__(self, source: Collector) -> None:
        self.source = source
        self.gauges: dict[str, Gauge] = {}
        self.counters: dict[str, Counter] = {}
        self.counted: dict[tuple[str, tuple[str, ...]], float] = {}
        self.shown: dict[str, set[tuple[str, ...]]] = {}
        # The timer task and a scrape (a thread of the pool) may copy at once: a counter's growth
        # must be added once.
        self._lock = threading.Lock()

    def sync(self) -> None:
        with self._lock:
            for family in self.source.collect():
                if family.type == "counter":
                    self._count(family)
                else:
                    self._show(family)

    async def follow(self, interval: float) -> None:
        """Copy every `interval` seconds until cancelled; a failed copy is logged, not fatal."""
        while True:
            try:
                self.sync()
            except Exception:
                log.exception("copying the scrape-time metrics to the workers' files failed")
            await asyncio.sleep(interval)

    def _show(self, family: Metric) -> None:
        gauge = self.gauges.get(family.name)
        labels = _label_names(family)
        if gauge is None:
            mode = GAUGE_MODES.get(family.name, "liveall")
            gauge = Gauge(
                family.name, family.documentation, labels, registry=None, multiprocess_mode=mode
            )
            self.gauges[family.name] = gauge
        now = {
            tuple(sample.labels[name] for name in labels): sample.value for sample in family.samples
        }
        for key in self.shown.get(family.name, set()) - now.keys():
            (gauge.labels(*key) if labels else gauge).set(0)
        for key, value in now.items():
            (gauge.labels(*key) if labels else gauge).set(value)
        self.shown[family.name] = set(now)

    def _count(self, family: Metric) -> None:
        counter = self.counters.get(family.name)
        labels = _label_names(family)
        if counter is None:
            counter = Counter(family.name, family.documentation, labels, registry=None)
            self.counters[family.name] = counter
        for sample in family.samples:
            if not sample.name.endswith("_total"):
                continue
            key = tuple(sample.labels[name] for name in labels)
            grown = sample.value - self.counted.get((family.name, key), 0.0)
            if grown > 0:
                (counter.labels(*key) if labels else counter).inc(grown)
                self.counted[(family.name, key)] = sample.value


def _label_names(family: Metric) -> tuple[str, ...]:
    """A family's label names as declared (`labels=`), even while it has no sample."""
    return tuple(getattr(family, "_labelnames", ()))


def _signals_metrics(runtime: Runtime) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    """The signals file the runtime read: whether it is blended in, its age and size."""
    current = runtime.current
    blend = current.blend if current is not None else None
    used = GaugeMetricFamily(
        "recommender_signals_used",
        "1 while the event log's signals are blended in; 0 without (missing, stale, corrupt).",
    )
    used.add_metric([], 1 if blend is not None else 0)
    yield used
    age = GaugeMetricFamily(
        "recommender_signals_age_seconds", "Seconds since the signals file read was computed."
    )
    items = GaugeMetricFamily("recommender_signals_items", "Items the signals file read knows.")
    clicks = GaugeMetricFamily(
        "recommender_signals_window_clicks", "Clicks in the event window the signals learned from."
    )
    signals = runtime.signals
    if signals is not None:
        age.add_metric([], max(0.0, time.time() - signals.created()))
        items.add_metric([], len(signals.items))
        clicks.add_metric([], signals.totals.get("clicks", 0))
    yield age
    yield items
    yield clicks
    propensity = GaugeMetricFamily(
        "recommender_signals_propensity",
        "Examination propensity per answer section and position, relative to position 0,"
        " as the signals job estimated it.",
        labels=["section", "position"],
    )
    if signals is not None:
        for section, curve in sorted(signals.propensity.items()):
            if section not in SLOT_SECTIONS:
                continue
            for position, value in enumerate(curve[:SLOT_POSITIONS]):
                propensity.add_metric(list(slot_labels(section, position)), value)
    yield propensity
    failures = CounterMetricFamily(
        "recommender_signals_unusable",
        "Signals files not blended in, by reason (stale, corrupt, incompatible, unreadable).",
        labels=["reason"],
    )
    for reason, count in sorted(runtime.signals_failures.items()):
        failures.add_metric([reason], count)
    yield failures


def _epoch(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


metrics_router = APIRouter()


@metrics_router.get(
    METRICS,
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
    summary="Prometheus metrics of this process (summed over the workers with several)",
)
def metrics(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
