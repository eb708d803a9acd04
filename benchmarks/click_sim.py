"""Click simulator: synthetic readers drive the real service over HTTP, and the engine learns.

Usage: ``python benchmarks/click_sim.py [--data ../shared/data/detik-dev] [--page-views 6000]``.

The corpus is `detik-dev` (419 real Indonesian articles in 25 stories; "same story" = the labels
share a keyword, and is the ground truth of relevance). Each item also gets a hidden
attractiveness (how tempting its headline is), and readers examine the widget's positions with a
known position-bias curve. A reader lands on an article (popular stories more often), asks the
real service (`recommender serve`, its own process, on loopback) for the widget's answer, sees the
"Rekomendasi Artikel" list, examines position p with probability theta(p) and clicks an examined
item with probability attractiveness x (1 if same story else `--irrelevant-click`). The widget's
beacon (impressions and clicks, with the answer's signed `event_token`) is posted as the widget
posts it.

One run checks the four claims of the "learn from readers" issue:

1. *Propensities*: after a simulated day of text-only traffic, `recommender signals` estimates the
   examination propensity of each position from the log; each must be within 10 % of the
   simulator's true theta(p) / theta(0).
2. *Clicks*: the next day's readers (the same draws for both) click relevant items at least 10 %
   more often under the blend (`POPULARITY_WEIGHT`, `CTR_WEIGHT`, `COREAD_WEIGHT`) than under
   text only.
3. *Relevance kept*: same-story P@5 over every detik-dev article, answered by the blend server,
   stays within 0.01 of text only.
4. *Interleaving*: with both configurations as arms of an experiment, team-draft interleaving
   picks the blend with p < 0.05 (two-sided sign test of `recommender experiments report`) within
   the number of page views printed.

Prints one JSON line per claim (with `ok`), and a last summary line. Skips (exit 0, a message on
stderr) when `../shared/data/detik-dev` is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from common import emit, machine, note  # noqa: E402

DETIK = REPO.parent / "shared" / "data" / "detik-dev"
SECTION = "rekomendasi_artikel"
TEXT_PLAIN = {"content-type": "text/plain;charset=UTF-8"}


# --- the simulated world -----------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Ground truth the engine never sees: stories, attractiveness, position bias, traffic."""

    ids: list[str]
    stories: dict[str, frozenset[str]]
    attractiveness: dict[str, float]
    theta: np.ndarray  # examination probability of each position
    landing: np.ndarray  # probability that a page view lands on ids[i]
    irrelevant_click: float

    def relevant(self, a: str, b: str) -> bool:
        return bool(self.stories[a] & self.stories[b])

    def click_probability(self, article: str, item: str) -> float:
        relevance = 1.0 if self.relevant(article, item) else self.irrelevant_click
        return self.attractiveness[item] * relevance


def make_world(data: Path, positions: int, eta: float, irrelevant: float, seed: int) -> World:
    labels = json.loads((data / "labels.json").read_text())
    ids = [json.loads(line)["id"] for line in (data / "articles.jsonl").open() if line.strip()]
    rng = np.random.default_rng(seed)
    stories = {i: frozenset(labels[i]["keywords"]) for i in ids}
    # Headlines differ a lot in how tempting they are: most are dull, a few are irresistible.
    attractiveness = {i: float(v) for i, v in zip(ids, rng.beta(1.5, 3.0, len(ids)), strict=True)}
    theta = 1.0 / (1.0 + np.arange(positions)) ** eta
    # Zipf-like landing: some articles are read far more than others.
    weights = 1.0 / (1.0 + rng.permutation(len(ids))) ** 0.8
    return World(
        ids=ids,
        stories=stories,
        attractiveness=attractiveness,
        theta=theta,
        landing=weights / weights.sum(),
        irrelevant_click=irrelevant,
    )


@dataclass
class Readers:
    """The page views of one simulated day, drawn once so configurations meet the same readers."""

    articles: list[str]
    histories: list[tuple[str, ...]]  # what the reader read before (the widget's `history`)
    examine: np.ndarray  # uniform draws, page view x position
    click: np.ndarray

    @classmethod
    def draw(
        cls, world: World, page_views: int, positions: int, seed: int, history_share: float
    ) -> Readers:
        rng = np.random.default_rng(seed)
        picks = rng.choice(len(world.ids), size=page_views, p=world.landing)
        histories: list[tuple[str, ...]] = []
        for n in range(page_views):
            if rng.random() >= history_share:
                histories.append(())
                continue
            read = rng.choice(len(world.ids), size=int(rng.integers(1, 3)), p=world.landing)
            histories.append(tuple(world.ids[i] for i in read if i != picks[n]))
        return cls(
            articles=[world.ids[i] for i in picks],
            histories=histories,
            examine=rng.random((page_views, positions)),
            click=rng.random((page_views, positions)),
        )

    def params(self, n: int) -> dict[str, str]:
        return {"history": ",".join(self.histories[n])} if self.histories[n] else {}


def clicks_of(world: World, readers: Readers, n: int, shown: Sequence[str]) -> list[int]:
    """Positions the reader of page view n clicks among the items `shown`."""
    article = readers.articles[n]
    return [
        p
        for p, item in enumerate(shown)
        if readers.examine[n, p] < world.theta[p]
        and readers.click[n, p] < world.click_probability(article, item)
    ]


# --- the real service --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    command = [sys.executable, "-m", "recommender.cli", *args, "--data-dir", str(data_dir)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def base_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "RECOMMENDER_LOG_LEVEL": "warning",
        "RECOMMENDER_EVENTS_RATE_PER_MINUTE": "0",
        "RECOMMENDER_EVENT_SECRET": "s" * 40,
        # detik-dev is from 2025: no freshness boost, so only text and readers decide.
        "RECOMMENDER_FRESHNESS_HALF_LIFE_HOURS": "0",
        "RECOMMENDER_RESPONSE_CACHE_SIZE": "0",
        **extra,
    }


@contextmanager
def server(data_dir: Path, env: dict[str, str]) -> Iterator[httpx.Client]:
    port = free_port()
    command = [sys.executable, "-m", "recommender.cli", "serve", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise SystemExit(f"the server did not start:\n{err[-3000:]}")
                time.sleep(0.2)
            yield http
    finally:
        process.terminate()
        process.wait(timeout=30)


def answer(http: httpx.Client, article: str, k: int, **params: Any) -> dict[str, Any]:
    r = http.get(
        "/v1/recommendations",
        params={"article_id": article, "articles": k, "videos": 0, "sponsored": 0, **params},
    )
    r.raise_for_status()
    return dict(r.json())


def shown_items(body: dict[str, Any]) -> list[str]:
    for section in body["sections"]:
        if section["key"] == SECTION:
            return [item["id"] for item in section["items"]]
    return []


def post_beacon(
    http: httpx.Client, body: dict[str, Any], page_view: str, shown: list[str], clicked: list[int]
) -> None:
    events = [
        {"kind": "impression", "section": SECTION, "item_id": item, "position": p}
        for p, item in enumerate(shown)
    ] + [{"kind": "click", "section": SECTION, "item_id": shown[p], "position": p} for p in clicked]
    beacon = {
        "page_view": page_view,
        "article_id": body["article_id"],
        "event_token": body["event_token"],
        "events": events,
    }
    r = http.post("/v1/events", content=json.dumps(beacon), headers=TEXT_PLAIN)
    if r.status_code not in (200, 202, 204):
        raise SystemExit(f"beacon answered {r.status_code}: {r.text[:500]}")


@dataclass
class DayResult:
    page_views: int = 0
    clicks: int = 0
    relevant_clicks: int = 0
    per_position: list[int] = field(default_factory=list)


def run_day(
    http: httpx.Client,
    world: World,
    readers: Readers,
    k: int,
    *,
    tag: str,
    post: bool,
) -> DayResult:
    """Serve every page view of `readers`, let the simulated readers click, optionally log it."""
    result = DayResult(per_position=[0] * k)
    for n, article in enumerate(readers.articles):
        page_view = f"{tag}{n:x}".rjust(32, "0")[-32:]
        body = answer(http, article, k, page_view=page_view, **readers.params(n))
        shown = shown_items(body)[:k]
        clicked = clicks_of(world, readers, n, shown)
        result.page_views += 1
        result.clicks += len(clicked)
        result.relevant_clicks += sum(world.relevant(article, shown[p]) for p in clicked)
        for p in clicked:
            result.per_position[p] += 1
        if post and shown:
            post_beacon(http, body, page_view, shown, clicked)
    return result


def same_story_p_at_5(http: httpx.Client, world: World) -> float:
    total = 0.0
    for article in world.ids:
        shown = shown_items(answer(http, article, 5))[:5]
        total += sum(world.relevant(article, item) for item in shown) / 5
    return total / len(world.ids)


def true_propensity(world: World) -> list[float]:
    return [float(t / world.theta[0]) for t in world.theta]


def estimated_propensity(data_dir: Path) -> list[float]:
    signals = json.loads((data_dir / "signals.json").read_text())
    return [float(x) for x in signals["propensity"].get(SECTION, [])]


def weights_env(weights: dict[str, float]) -> dict[str, str]:
    return {f"RECOMMENDER_{name.upper()}": str(value) for name, value in weights.items()}


def experiments_file(path: Path, weights: dict[str, float]) -> Path:
    lines = ["[learned]", "[learned.text]", "[learned.blend]"]
    lines += [f"{name} = {value}" for name, value in weights.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def interleave(
    data_dir: Path,
    world: World,
    readers: Readers,
    k: int,
    weights: dict[str, float],
    check_every: int,
) -> dict[str, Any]:
    """Team-draft interleaving of text against blend until the sign test says p < 0.05."""
    path = experiments_file(data_dir / "experiments.toml", weights)
    env = base_env(RECOMMENDER_EXPERIMENTS_FILE=str(path))
    report: dict[str, Any] = {}
    served = 0
    with server(data_dir, env) as http:
        for n, article in enumerate(readers.articles):
            page_view = f"c{n:031x}"
            body = answer(http, article, k, page_view=page_view, **readers.params(n))
            shown = shown_items(body)[:k]
            if shown:
                post_beacon(http, body, page_view, shown, clicks_of(world, readers, n, shown))
            served = n + 1
            if served % check_every == 0:
                report = experiment_pair(data_dir, env)
                if report.get("p_value") is not None and report["p_value"] < 0.05:
                    break
    return {"page_views": served, **report}


def experiment_pair(data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    out = json.loads(cli(data_dir, "experiments", "report", "--json", env=env))
    experiment = next(e for e in out["experiments"] if e["experiment"] == "learned")
    pair = experiment["pairs"][0]
    blend_wins = pair["losses"] if pair["a"] == "text" else pair["wins"]
    text_wins = pair["wins"] if pair["a"] == "text" else pair["losses"]
    return {
        "blend_wins": blend_wins,
        "text_wins": text_wins,
        "ties": pair["ties"],
        "p_value": pair["p_value"],
        "clicks": experiment["clicks"],
    }


def fresh_copy(built: Path, target: Path) -> Path:
    """The built snapshot without any event log or signals (each run starts from no readers)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(built, target, ignore=shutil.ignore_patterns("events*", "signals*"))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DETIK)
    parser.add_argument("--page-views", type=int, default=30000,
                        help="page views of the logged day the signals learn from")  # fmt: skip
    parser.add_argument("--compare-page-views", type=int, default=6000,
                        help="page views of the next day, met by both configurations")  # fmt: skip
    parser.add_argument("--positions", type=int, default=6, help="items in the widget's list")
    parser.add_argument("--eta", type=float, default=1.0, help="theta(p) = 1/(1+p)^eta")
    parser.add_argument("--irrelevant-click", type=float, default=0.1)
    parser.add_argument("--history-share", type=float, default=0.8,
                        help="share of page views whose reader has a history")  # fmt: skip
    parser.add_argument("--popularity-weight", type=float, default=0.05)
    parser.add_argument("--ctr-weight", type=float, default=0.1)
    parser.add_argument("--coread-weight", type=float, default=0.0)
    parser.add_argument("--interleave-max", type=int, default=6000, help="page views at most")
    parser.add_argument("--check-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="work folder (default: a temp dir); a build"
                        " already there is reused")  # fmt: skip
    args = parser.parse_args()
    if not (args.data / "articles.jsonl").exists():
        note(f"click_sim: skipped, {args.data} is absent (the shared evaluation data)")
        return

    k = args.positions
    world = make_world(args.data, k, args.eta, args.irrelevant_click, args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-clicks-"))
    built = work / "built"
    started = time.perf_counter()
    if not (built / "snapshots" / "CURRENT").exists():
        cli(built, "build", "--input", str(args.data / "articles.jsonl"), env=base_env())
    emit({"bench": "click_sim", "case": "setup", "build_s": round(time.perf_counter() - started, 1),
          "machine": machine(), **vars_of(args)})  # fmt: skip
    weights = {
        "popularity_weight": args.popularity_weight,
        "ctr_weight": args.ctr_weight,
        "coread_weight": args.coread_weight,
    }

    # Day 1: text only, every page view logged; then the signals job learns from it.
    data_dir = fresh_copy(built, work / "day")
    day1 = Readers.draw(world, args.page_views, k, args.seed + 1, args.history_share)
    with server(data_dir, base_env()) as http:
        logged = run_day(http, world, day1, k, tag="a", post=True)
    cli(data_dir, "signals", env=base_env())
    truth, estimate = true_propensity(world), estimated_propensity(data_dir)
    errors = [abs(e - t) / t for e, t in zip(estimate, truth, strict=False)]
    emit({"bench": "click_sim", "claim": "propensity", "true": [round(t, 3) for t in truth],
          "estimated": [round(e, 3) for e in estimate], "max_relative_error": round(max(errors), 3),
          "clicks_logged": logged.clicks, "ok": len(estimate) >= k and max(errors) <= 0.10})  # fmt: skip

    # Day 2: the same readers meet text only and the blend (nothing logged: a paired comparison).
    day2 = Readers.draw(world, args.compare_page_views, k, args.seed + 2, args.history_share)
    with server(data_dir, base_env()) as http:
        text = run_day(http, world, day2, k, tag="b", post=False)
        text_p5 = same_story_p_at_5(http, world)
    with server(data_dir, base_env(**weights_env(weights))) as http:
        blend = run_day(http, world, day2, k, tag="b", post=False)
        blend_p5 = same_story_p_at_5(http, world)
    gain = blend.relevant_clicks / max(text.relevant_clicks, 1)
    emit({"bench": "click_sim", "claim": "relevant_clicks", "weights": weights,
          "text": text.relevant_clicks, "blend": blend.relevant_clicks,
          "text_all_clicks": text.clicks, "blend_all_clicks": blend.clicks,
          "page_views": args.compare_page_views, "ratio": round(gain, 3), "ok": gain >= 1.10})  # fmt: skip
    emit({"bench": "click_sim", "claim": "same_story_p_at_5", "text": round(text_p5, 4),
          "blend": round(blend_p5, 4), "difference": round(blend_p5 - text_p5, 4),
          "ok": blend_p5 >= text_p5 - 0.01})  # fmt: skip

    # Interleaving: both as arms, until the sign test decides.
    day3 = Readers.draw(world, args.interleave_max, k, args.seed + 3, args.history_share)
    result = interleave(data_dir, world, day3, k, weights, args.check_every)
    ok = result.get("p_value") is not None and result["p_value"] < 0.05
    ok = ok and result["blend_wins"] > result["text_wins"]
    emit({"bench": "click_sim", "claim": "interleaving", **result, "ok": ok})
    note(f"click_sim: done in {time.perf_counter() - started:.0f} s")


def vars_of(args: argparse.Namespace) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}


if __name__ == "__main__":
    main()
