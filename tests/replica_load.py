"""The multi-replica load run (#15, point 4), shared by benchmarks/replicas.py (JSON result) and
tests/e2e/test_replicas.py (the same run, shorter, asserted).

nginx (Debian, the shipped deploy/nginx configuration) on loopback in front of `replicas`
`recommender serve` processes sharing one data folder, events to a throw-away PostgreSQL
(tests/postgres.py) through RECOMMENDER_EVENTS_URL. Client threads ask for widget answers (half
of them as a returning reader with a history, which nginx never caches) and post the widget's
beacons for a share of them (impressions of every item, a click now and then; some beacons sent
twice, as a retrying widget would); meanwhile `recommender update` publishes `updates` new
snapshots, each adding articles. Afterwards:

- every answer was 200 and every beacon 204 (`errors`: anything else, connection errors included,
  and requests nginx had to retry on another replica: `nginx_retries`, from `$upstream_addr`);
  nginx's error log names no failed replica (`nginx_upstream_errors`);
- every answer's `snapshot` is a version that was published, passes `verify_snapshot`, and holds
  every item the answer showed (`unpublished_snapshots_served`, `answers_with_unknown_items`: a
  half-loaded or unverified snapshot would show up here);
- each replica served each published snapshot (`snapshots_seen_per_replica`, from nginx's
  `$upstream_addr` in an `X-Upstream` header added to the test configuration);
- PostgreSQL holds every event sent exactly once, by (page_view, item_id, kind), the event log's
  identity (`events_missing`, `events_extra`, `events_stored_twice`);
- throughput while publishing against throughput before the first publish (same run; the first
  second of load left out).

nginx's rate limits are raised for the run (all clients share one address); its cache is kept,
with the replicas' max-age lowered to 2 s so that anonymous answers do reach the replicas.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from recommender.serving.catalog import Catalog
from recommender.snapshot import verify_snapshot
from tests.beacons import TEXT_PLAIN, URL, events_of
from tests.nginx import running_nginx
from tests.postgres import running_postgres
from tests.replicas import (
    Replica,
    current_version,
    new_articles,
    publish,
    replica_env,
    running_replicas,
)

RECOMMENDATIONS = "/v1/recommendations"
CACHE_MAX_AGE_S = 2
WARM_UP_S = 1.0  # the first second of load (connections opening) is left out of quiet_rps
# nginx's limits are per client address; every client thread here is 127.0.0.1.
UNLIMITED_SITE = (
    ("rate=20r/s", "rate=100000r/s"),
    ("rate=2r/s", "rate=100000r/s"),
)
UNLIMITED_LOCATIONS = (
    ("limit_conn recommender_conn 50;", "limit_conn recommender_conn 10000;"),
    (
        "location = /v1/events {",
        "location = /v1/events {\n    add_header X-Upstream $upstream_addr always;",
    ),
    (
        "add_header X-Cache-Status $upstream_cache_status always;",
        "add_header X-Cache-Status $upstream_cache_status always;\n"
        "    add_header X-Upstream $upstream_addr always;",
    ),
)


@dataclass(frozen=True)
class Plan:
    replicas: int = 2
    workers: int = 1  # per replica
    clients: int = 8
    quiet_seconds: float = 4.0  # load before the first publish: the baseline throughput
    updates: int = 3
    gap_seconds: float = 3.0  # load between a publish being served everywhere and the next
    tail_seconds: float = 2.0  # load after the last publish is served everywhere
    beacon_share: float = 0.5  # answers followed by a beacon
    resend_share: float = 0.1  # beacons posted a second time
    reload_interval_seconds: float = 0.5
    pause_seconds: float = 0.0  # a reader's pause between page views (0: as fast as answered)
    seed: int = 7


@dataclass
class Tally:
    """What the clients saw (each thread its own, merged afterwards)."""

    answers: int = 0
    beacons: int = 0
    resent: int = 0
    cache_hits: int = 0
    retried: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    sent: set[tuple[str, str, str]] = field(default_factory=set)
    items: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    served_by: Counter[str] = field(default_factory=Counter)
    timeline: list[float] = field(default_factory=list)  # when each request completed

    def upstream(self, addresses: str) -> None:
        """nginx's $upstream_addr: several addresses when it retried another replica after one
        failed (an error the client never saw)."""
        if "," in addresses:
            self.retried += 1
            self.error(f"nginx retried the request on another replica: {addresses}")

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what[:300])

    def merge(self, other: Tally) -> None:
        self.answers += other.answers
        self.beacons += other.beacons
        self.resent += other.resent
        self.cache_hits += other.cache_hits
        self.retried += other.retried
        self.errors += other.errors
        self.error_samples = (self.error_samples + other.error_samples)[:5]
        self.sent |= other.sent
        for version, items in other.items.items():
            self.items[version] |= items
        for upstream, versions in other.seen.items():
            self.seen[upstream] |= versions
        self.served_by.update(other.served_by)
        self.timeline += other.timeline


def client(base: str, ids: list[str], plan: Plan, n: int, stop: threading.Event) -> Tally:
    """One reader after another on one keep-alive connection, until `stop`."""
    rng = random.Random(plan.seed * 1000 + n)
    tally = Tally()
    with httpx.Client(base_url=base, timeout=15) as http:
        while not stop.is_set():
            try:
                page_view(http, ids, plan, rng, tally)
            except Exception as exc:  # an answer we cannot read is an error, not a lost thread
                tally.error(f"{exc!r}")
            if plan.pause_seconds:
                stop.wait(plan.pause_seconds)
    return tally


def page_view(
    http: httpx.Client, ids: list[str], plan: Plan, rng: random.Random, tally: Tally
) -> None:
    """A widget answer for a random article (as a returning reader half the time), and the
    widget's beacon for a share of them."""
    query: dict[str, Any] = {"article_id": rng.choice(ids)}
    if rng.random() < 0.5:
        query["history"] = ",".join(rng.sample(ids, 2))
    try:
        r = http.get(RECOMMENDATIONS, params=query)
    except httpx.HTTPError as exc:
        tally.error(f"GET {query}: {exc!r}")
        return
    tally.timeline.append(time.monotonic())
    if r.status_code != 200:
        tally.error(f"GET {query}: {r.status_code} {r.text}")
        return
    answer = r.json()
    tally.answers += 1
    shown = {item["id"] for s in answer["sections"] for item in s["items"]}
    tally.items[answer["snapshot"]] |= shown
    upstream = r.headers.get("x-upstream")  # absent: nginx answered from its cache
    if upstream:
        tally.upstream(upstream)
        tally.seen[upstream].add(answer["snapshot"])
        tally.served_by[upstream] += 1
    else:
        tally.cache_hits += 1
    if rng.random() < plan.beacon_share:
        send_beacon(http, answer, rng, plan, tally)


def send_beacon(
    http: httpx.Client, answer: dict[str, Any], rng: random.Random, plan: Plan, tally: Tally
) -> None:
    events = events_of(answer)
    if events and rng.random() < 0.3:
        events.append({**rng.choice(events), "kind": "click"})
    page_view = uuid.uuid4().hex
    body = json.dumps(
        {
            "page_view": page_view,
            "article_id": answer["article_id"],
            "event_token": answer["event_token"],
            "events": events,
        }
    )
    times = 2 if rng.random() < plan.resend_share else 1
    for _ in range(times):
        try:
            r = http.post(URL, content=body, headers=TEXT_PLAIN)
        except httpx.HTTPError as exc:
            tally.error(f"POST events: {exc!r}")
            return
        tally.timeline.append(time.monotonic())
        if r.status_code != 204:
            tally.error(f"POST events: {r.status_code} {r.text}")
            return
        tally.upstream(r.headers.get("x-upstream", ""))
        tally.beacons += 1
    tally.resent += times - 1
    tally.sent |= {(page_view, e["item_id"], e["kind"]) for e in events}


def wait_served(replicas: list[Replica], version: str, timeout: float = 60) -> list[float]:
    """Seconds until each replica's /readyz names `version`."""
    start = time.monotonic()
    lags: list[float] = []
    for replica in replicas:
        while replica.ready().get("snapshot") != version:
            if time.monotonic() - start > timeout:
                raise RuntimeError(f"{replica.name} did not load {version}: {replica.ready()}")
            time.sleep(0.02)
        lags.append(round(time.monotonic() - start, 3))
    return lags


def stored_events(url: str) -> list[tuple[str, str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT page_view, item_id, kind FROM events").fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def nginx_upstream_errors(logs: Path) -> int:
    """Lines of nginx's error log about a replica failing it (refused, reset, timed out)."""
    log = logs / "error.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if "upstream" in line and "[error]" in line)


def rate(timeline: list[float], start: float, end: float) -> float:
    done = sum(1 for t in timeline if start <= t < end)
    return round(done / (end - start), 1) if end > start else 0.0


def run(plan: Plan, data_dir: Path, corpus: Path, work: Path) -> dict[str, Any]:
    """The run described in the module doc, on a built `data_dir`; its result."""
    ids = sorted(Catalog.load(data_dir / "snapshots" / current_version(data_dir)).row_of)
    with running_postgres("synchronous_commit=off") as postgres:
        events_url = postgres.create_database("replicas")
        env = replica_env(
            data_dir,
            events_url=events_url,
            trusted_proxies="127.0.0.1",
            events_rate_per_minute=0,
            reload_interval_seconds=plan.reload_interval_seconds,
            cache_max_age_seconds=CACHE_MAX_AGE_S,
            log_level="warning",
        )
        with (
            running_replicas(plan.replicas, env, work / "logs", plan.workers) as replicas,
            running_nginx(
                work / "nginx", [r.port for r in replicas], UNLIMITED_LOCATIONS, UNLIMITED_SITE
            ) as proxy,
        ):
            tally, published, lags, clock = drive(
                plan, proxy.public, replicas, env, ids, corpus, work
            )
        stored = stored_events(events_url)
    return result_of(plan, data_dir, replicas, published, tally, stored, lags, clock, proxy.logs)


def drive(
    plan: Plan,
    base: str,
    replicas: list[Replica],
    env: dict[str, str],
    ids: list[str],
    corpus: Path,
    work: Path,
) -> tuple[Tally, list[str], list[list[float]], tuple[float, float, float, float]]:
    """Readers on `base` while `plan.updates` snapshots are published: what they saw, the
    versions published (the first: the one served at the start), each replica's reload lag per
    publish, and the clock (start, first publish, last publish served everywhere, end)."""
    published = [current_version(Path(env["RECOMMENDER_DATA_DIR"]))]
    stop = threading.Event()
    results: list[Tally] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(client(base, ids, plan, n, stop)))
        for n in range(plan.clients)
    ]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(plan.quiet_seconds)
    first_publish = time.monotonic()
    lags: list[list[float]] = []
    try:
        for n in range(plan.updates):
            records = new_articles(corpus, f"replika-{n + 1}", count=2)
            published.append(publish(env, records, work / "updates"))
            lags.append(wait_served(replicas, published[-1]))
            time.sleep(plan.gap_seconds if n + 1 < plan.updates else 0)
        last_served = time.monotonic()
        time.sleep(plan.tail_seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    end = time.monotonic()
    if len(results) != plan.clients:
        raise RuntimeError(f"{plan.clients - len(results)} client threads did not finish")
    tally = Tally()
    for result in results:
        tally.merge(result)
    return tally, published, lags, (begin, first_publish, last_served, end)


def result_of(
    plan: Plan,
    data_dir: Path,
    replicas: list[Replica],
    published: list[str],
    tally: Tally,
    stored: list[tuple[str, str, str]],
    lags: list[list[float]],
    clock: tuple[float, float, float, float],
    logs: Path,
) -> dict[str, Any]:
    begin, first_publish, last_served, end = clock
    upstream_errors = nginx_upstream_errors(logs)
    snapshots = data_dir / "snapshots"
    verified = [v for v in published if verify_snapshot(snapshots / v)]
    unknown = 0
    for version, items in tally.items.items():
        if version in published:
            unknown += len(items - set(Catalog.load(snapshots / version).row_of))
    names = {r.upstream: r.name for r in replicas}
    stored_set = set(stored)
    counts = Counter(stored)
    quiet = rate(tally.timeline, min(begin + WARM_UP_S, first_publish), first_publish)
    updating = rate(tally.timeline, first_publish, last_served)
    requests = tally.answers + tally.beacons + tally.errors
    return {
        "plan": asdict(plan),
        "seconds": round(end - begin, 1),
        "requests": requests,
        "answers": tally.answers,
        "beacons": tally.beacons,
        "errors": tally.errors,
        "error_samples": tally.error_samples,
        "nginx_retries": tally.retried,
        "nginx_upstream_errors": upstream_errors,
        "throughput_rps": round(requests / (end - begin), 1),
        "quiet_rps": quiet,
        "publishing_rps": updating,
        "publishing_to_quiet_ratio": round(updating / quiet, 3) if quiet else None,
        "answers_from_nginx_cache": tally.cache_hits,
        "snapshots_published": published,
        "snapshots_verified": len(verified),
        "reload_seconds_per_publish": lags,
        "snapshots_seen_per_replica": {
            names.get(upstream, upstream): sorted(versions)
            for upstream, versions in sorted(tally.seen.items())
        },
        "answers_per_replica": {
            names.get(upstream, upstream): count
            for upstream, count in sorted(tally.served_by.items())
        },
        "snapshots_served": sorted(tally.items),
        "unpublished_snapshots_served": sorted(set(tally.items) - set(published)),
        "answers_with_unknown_items": unknown,
        "events_sent": len(tally.sent),
        "beacons_resent": tally.resent,
        "events_stored": len(stored),
        "events_stored_distinct": len(stored_set),
        "events_stored_twice": sum(1 for c in counts.values() if c > 1),
        "events_missing": len(tally.sent - stored_set),
        "events_extra": len(stored_set - tally.sent),
    }


def passed(result: dict[str, Any]) -> bool:
    """The run's targets: no error, only published and verified snapshots served, every replica
    serving every published snapshot, every event stored exactly once."""
    published = result["snapshots_published"]
    per_replica = result["snapshots_seen_per_replica"]
    return (
        result["errors"] == 0
        and result["snapshots_verified"] == len(published)
        and not result["unpublished_snapshots_served"]
        and result["answers_with_unknown_items"] == 0
        and len(per_replica) == result["plan"]["replicas"]
        and all(set(v) == set(published) for v in per_replica.values())
        and result["events_stored"] == result["events_sent"]
        and result["events_stored_twice"] == result["events_missing"] == 0
        and result["events_extra"] == 0
        and result["nginx_upstream_errors"] == 0
    )
