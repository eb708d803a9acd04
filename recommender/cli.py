"""The `recommender` command: build, serve, query and inspect snapshots."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import click
import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from index.snapshots import MANIFEST, InvalidPointer, SnapshotStore
from recommender.errors import InvalidInput, RecommenderError
from recommender.settings import Settings


def guarded(func: Callable[..., None]) -> Callable[..., None]:
    """A command that never ends in a traceback: a domain error is its message and exit 2, any
    other exception a one-line "unexpected error" and exit 2 (exit 1 means only "published, rows
    rejected with --strict"). Click's own exits and aborts pass through."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.ClickException):
            raise
        except RecommenderError as exc:
            fail(exc)
        except Exception as exc:
            from recommender.jobs import EXIT_FAILED

            err.print(
                f"[red]error:[/red] unexpected {type(exc).__name__}: {escape(str(exc))}",
                highlight=False,
            )
            raise typer.Exit(EXIT_FAILED) from None

    return command


class GuardedTyper(typer.Typer):
    """A Typer whose every command is `guarded`, its help printed as click prints it: each
    paragraph of a docstring wrapped to the terminal's width, its text as written (rich's
    layout kept the docstring's line breaks, then wrapped again: ragged at 80 columns)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rich_markup_mode", None)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., None]], Any]:
        register = super().command(*args, **kwargs)
        return lambda func: register(guarded(func))


app = GuardedTyper(
    help="Related-article recommendations for news publishers.",
    no_args_is_help=True,
    add_completion=False,
)
snapshots_app = GuardedTyper(
    help="Inspect, verify and manage published snapshots.", no_args_is_help=True
)
app.add_typer(snapshots_app, name="snapshots")
events_app = GuardedTyper(
    help="The widget's event log: statistics, export, pruning, signing keys.", no_args_is_help=True
)
app.add_typer(events_app, name="events")
experiments_app = GuardedTyper(
    help="Interleaving experiments (RECOMMENDER_EXPERIMENTS_FILE): the report.",
    no_args_is_help=True,
)
app.add_typer(experiments_app, name="experiments")
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data folder (default: $RECOMMENDER_DATA_DIR or ./data).",
        show_default=False,
    ),
]
Strict = Annotated[bool, typer.Option(help="Exit 1 if any row was rejected.")]
Wait = Annotated[
    float | None, typer.Option(help="Seconds to wait for another job's lock (default: fail).")
]
DEMO_CORPUS = Path(__file__).parent / "demo_corpus"
SOURCE_KINDS = (
    "JSONL/CSV file, RSS/Atom feed, sitemap, HTML page (or .mhtml), web archive (.warc.gz),"
    " URL list (.txt), folder or http(s) URL"
)
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="For saved pages that name no canonical URL: the site URL their files' paths are"
        " relative to (https://site.example/ + news/a.html); the item id is made from that URL.",
    ),
]
UrlFrom = Annotated[
    Literal["path", "sidecar"],
    typer.Option(
        "--url-from",
        help="Where a saved page without a canonical URL gets one: 'path' (its path under the"
        " input folder, joined to --base-url) or 'sidecar' (the URL written in NAME.url beside"
        " NAME.html).",
    ),
]
AssumeTimezone = Annotated[
    str | None,
    typer.Option(
        "--assume-timezone",
        help="IANA zone (e.g. Asia/Jakarta) for page and feed times without a UTC offset and"
        " date-only pages and entries (default: $RECOMMENDER_ASSUME_TIMEZONE; unset: they are"
        " rejected).",
        show_default=False,
    ),
]

SiteRulesFile = Annotated[
    Path | None,
    typer.Option(
        "--site-rules",
        help="A TOML file of site rules: where a publisher's templates keep the body, title and"
        " time, their zone and language, what to drop (default: $RECOMMENDER_SITE_RULES;"
        " docs/importing.md).",
        show_default=False,
    ),
]


class ExecutorName(StrEnum):
    local = "local"
    ray = "ray"


Executor = Annotated[
    ExecutorName | None,
    typer.Option(
        "--executor",
        help="Where new texts are embedded: local (this process) or ray (actors on a Ray"
        " cluster; needs pip install 'recommender[ray]'). Default:"
        " $RECOMMENDER_EMBEDDING_EXECUTOR or local.",
        show_default=False,
    ),
]
RayAddress = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="With --executor ray: the cluster's head (host:port, or ray://host:10001). Default:"
        " $RECOMMENDER_RAY_ADDRESS; unset, a local Ray is started for the job.",
        show_default=False,
    ),
]


def executor_settings(
    data_dir: Path | None,
    executor: ExecutorName | None,
    ray_address: str | None,
    **overrides: Any,
) -> Settings:
    """Settings of a job that embeds (build, update): `--executor` and `--ray-address` on top of
    the environment; an address for the local executor is refused, not silently ignored."""
    settings = make_settings(
        data_dir,
        embedding_executor=executor.value if executor else None,
        ray_address=ray_address,
        **overrides,
    )
    if ray_address is not None and settings.jobs.embedding_executor != "ray":
        raise InvalidInput("--ray-address needs --executor ray")
    return settings


def make_settings(data_dir: Path | None, **overrides: Any) -> Settings:
    """Build the one Settings object from the environment plus command-line overrides."""
    from pydantic import ValidationError

    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    try:
        return Settings(**values)
    except ValidationError as exc:
        reasons = "; ".join(
            ": ".join(
                part
                for part in (".".join(map(str, e["loc"])), e["msg"].removeprefix("Value error, "))
                if part
            )
            for e in exc.errors()
        )
        raise InvalidInput(f"invalid setting: {reasons}") from None


def detail_line(detail: Any) -> str:
    """An error detail as `file:line: field: reason`, without the parts it lacks (a setting's
    `field: reason`, a replay's ready-made row line); never a Python dict."""
    if not isinstance(detail, dict):
        return str(detail)
    if "reason" not in detail:
        return "; ".join(str(value) for value in detail.values())
    where = ":".join(str(detail[k]) for k in ("file", "line") if detail.get(k) is not None)
    parts = [where, str(detail.get("field") or ""), str(detail["reason"])]
    return ": ".join(part for part in parts if part)


def emit(payload: Any) -> None:
    sys.stdout.write(orjson.dumps(payload).decode() + "\n")
    sys.stdout.flush()


def fail(exc: RecommenderError) -> None:
    err.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False)
    for detail in exc.details[:20]:
        err.print(f"  {escape(detail_line(detail))}", highlight=False, soft_wrap=True)
    from recommender.jobs import EXIT_FAILED

    raise typer.Exit(EXIT_FAILED)


@app.command()
def build(
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--input", "-i", help=f"{SOURCE_KINDS}; repeatable. Default: the demo corpus."
        ),
    ] = None,
    data_dir: DataDir = None,
    strict: Strict = False,
    wait: Wait = None,
    base_url: BaseUrl = None,
    url_from: UrlFrom = "path",
    assume_timezone: AssumeTimezone = None,
    site_rules: SiteRulesFile = None,
    executor: Executor = None,
    ray_address: RayAddress = None,
) -> None:
    """Full build: import items, embed them, publish a new snapshot atomically.

    Bad rows are reported (file:line: field: reason) and skipped; good rows land. Prints a
    one-line JSON summary on stdout; progress of long steps goes to stderr (a bar on a terminal,
    else a JSON line every RECOMMENDER_PROGRESS_INTERVAL_SECONDS). With --executor ray the texts
    not in the embedding cache are embedded by actors on a Ray cluster (docs/ray.md); the rest of
    the build runs here.
    Exit codes: 0 published, 1 published but rows were rejected and --strict was given, 2 failed
    (nothing published).
    """
    from recommender.jobs import EXIT_OK, EXIT_REJECTED, run_build

    settings = executor_settings(
        data_dir, executor, ray_address, assume_timezone=assume_timezone, site_rules=site_rules
    )
    paths: list[str | Path] = [*inputs] if inputs else [DEMO_CORPUS]
    try:
        summary, report = run_build(
            paths, settings, wait=wait, base_url=base_url, url_from=url_from
        )
    except RecommenderError as exc:
        fail(exc)
        return
    for error in report.errors:
        err.print("[yellow]rejected[/yellow]", escape(str(error)), highlight=False, soft_wrap=True)
    for item_id, count in report.duplicates.items():
        err.print(f"duplicate id {item_id!r}: {count} earlier row(s) replaced by the last one")
    emit(summary.as_dict())
    raise typer.Exit(EXIT_REJECTED if strict and summary.rejected else EXIT_OK)


@app.command()
def update(
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            "-i",
            help=f"{SOURCE_KINDS}; repeatable.",
        ),
    ] = None,
    delete: Annotated[
        list[Path] | None,
        typer.Option("--delete", help="File of item ids to remove, one a line; repeatable."),
    ] = None,
    data_dir: DataDir = None,
    strict: Strict = False,
    wait: Wait = None,
    base_url: BaseUrl = None,
    url_from: UrlFrom = "path",
    assume_timezone: AssumeTimezone = None,
    site_rules: SiteRulesFile = None,
    executor: Executor = None,
    ray_address: RayAddress = None,
) -> None:
    """Incremental update of the current snapshot; publishes a new one atomically.

    New and changed items (by content hash) are embedded, unchanged ones reused; items with
    status "unpublished" or listed in --delete are removed; pending files in DATA_DIR/inbox/ are
    applied too. Pages a sitemap or URL list names that an earlier job imported are not fetched
    when the sitemap's <lastmod> vouches for them, else asked for conditionally (a 304 keeps the
    item; the summary's "pages_unchanged"; RECOMMENDER_SKIP_UNCHANGED_PAGES). The ranking layer
    is updated in place, recomputed in full once the changes since its last full computation
    pass RECOMMENDER_RANKING_REFRESH_DRIFT (or after RECOMMENDER_RANKING_REFRESH_UPDATES
    updates). Then the event log is pruned and the signals rewritten (`recommender signals`; the
    summary's "signals" says whether, and a failure there never fails the update). Prints a
    one-line JSON summary on stdout; progress goes to stderr, as for build; --executor ray
    embeds on a Ray cluster, as for build.
    Exit codes: 0 done (published, or nothing to change), 1 done but rows were rejected and
    --strict was given, 2 failed (nothing published: no, incompatible or corrupt snapshot,
    nothing readable, lock held, model unavailable).
    """
    from recommender.jobs import EXIT_OK, EXIT_REJECTED, run_update

    settings = executor_settings(
        data_dir, executor, ray_address, assume_timezone=assume_timezone, site_rules=site_rules
    )
    try:
        summary, report = run_update(
            inputs or [],
            settings,
            delete_lists=delete or [],
            wait=wait,
            note=progress_note,
            base_url=base_url,
            url_from=url_from,
        )
    except RecommenderError as exc:
        fail(exc)
        return
    for error in report.errors:
        err.print("[yellow]rejected[/yellow]", escape(str(error)), highlight=False, soft_wrap=True)
    emit(summary.as_dict())
    raise typer.Exit(EXIT_REJECTED if strict and summary.rejected else EXIT_OK)


@app.command()
def extract(
    inputs: Annotated[
        list[str], typer.Argument(help=f"{SOURCE_KINDS}.", metavar="SOURCE...", show_default=False)
    ],
    base_url: BaseUrl = None,
    url_from: UrlFrom = "path",
    assume_timezone: AssumeTimezone = None,
    site_rules: SiteRulesFile = None,
) -> None:
    """Print the import records that build/update would read from INPUT, one JSON line each.

    A publisher's first step: check what is read from their pages, feeds and crawls before
    building. Rejected rows go to stderr as file:line: field: reason. Touches no snapshot.
    Exit codes: 0 every row read, 1 records printed but some rows rejected, 2 nothing could be
    read.
    """
    from recommender.ingest.importer import import_record
    from recommender.ingest.sources import ReadOptions, read_sources
    from recommender.jobs import EXIT_FAILED, EXIT_OK, EXIT_REJECTED

    settings = make_settings(None, assume_timezone=assume_timezone, site_rules=site_rules)
    options = ReadOptions.from_settings(settings, base_url=base_url, url_from=url_from)
    report = read_sources(inputs, options=options)
    for article in report.items.values():
        sys.stdout.write(orjson.dumps(import_record(article)).decode() + "\n")
    sys.stdout.flush()
    for error in report.errors:
        err.print(escape(str(error)), highlight=False, soft_wrap=True)
    for empty in report.empty:
        err.print(escape(f"nothing imported from {empty}"), highlight=False, soft_wrap=True)
    if not report.items:
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_REJECTED if report.errors else EXIT_OK)


@app.command()
def export(
    data_dir: DataDir = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (default: stdout).", show_default=False
        ),
    ] = None,
) -> None:
    """Write the current snapshot's items in the import format (JSONL), one item a line.

    `recommender build --input` that file publishes the same items again (a round trip). Exit
    codes: 0 written, 2 no readable snapshot.
    """
    from recommender.jobs import export_records

    records = export_records(make_settings(data_dir))
    lines = b"".join(orjson.dumps(record) + b"\n" for record in records)
    if output is None:
        sys.stdout.buffer.write(lines)
        sys.stdout.flush()
        return
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(lines)
    tmp.replace(output)  # a reader never sees half an export


def progress_note(message: str) -> None:
    """Stage messages for a person watching a terminal; cron logs get only the summary."""
    if err.is_terminal:
        err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {escape(message)}")


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (default 1; one per core). With several, /metrics answers"
            " with the sum over the workers (RECOMMENDER_METRICS_DIR)."
        ),
    ] = None,
) -> None:
    """Serve the current snapshot over HTTP (uvicorn).

    Every worker follows CURRENT and loads a new snapshot only once it is verified; replicas on
    other machines may share the data folder (docs/deploy.md, several workers and replicas).
    """
    import os

    from recommender.experiments.config import load_experiments
    from service.app import create_app
    from service.multiprocess import metrics_folder
    from service.server import run

    settings = make_settings(data_dir, host=host, port=port, workers=workers)
    load_experiments(settings.ranking)  # a bad EXPERIMENTS_FILE stops here, before any worker
    base = f"http://{settings.service.host}:{settings.service.port}"
    err.print(f"serving {settings.snapshots_dir} on {base}  (API docs: {base}/docs)")
    options: dict[str, Any] = {
        "host": settings.service.host,
        "port": settings.service.port,
        "log_level": settings.service.log_level,
        "access_log": False,  # the app logs one JSON line per request itself
    }
    # service.server.run: uvicorn with the limits of settings.service (keep-alive, concurrency,
    # header size) and the header-read timeout uvicorn lacks, in every worker.
    if settings.service.workers == 1:
        run(create_app(settings), settings.service, **options)
        return
    # Each worker process builds its own app (and Settings) at startup from the environment.
    os.environ["RECOMMENDER_DATA_DIR"] = str(settings.data_dir)
    # The workers' metrics go to files of one folder, summed by whichever worker is scraped
    # (service/multiprocess.py); exported before the workers start and import prometheus-client.
    with metrics_folder(settings.service.metrics_dir):
        run(
            "service.app:app_from_env",
            settings.service,
            factory=True,
            workers=settings.service.workers,
            **options,
        )


@app.command()
def query(
    article_id: Annotated[str, typer.Option("--article-id", help="Anchor article id.")],
    data_dir: DataDir = None,
    articles: Annotated[int | None, typer.Option(help="Related articles to return.")] = None,
    videos: Annotated[int | None, typer.Option(help="Videos to return.")] = None,
    sponsored: Annotated[int | None, typer.Option(help="Sponsored items to return.")] = None,
) -> None:
    """Print the JSON the HTTP API returns for an article."""
    from recommender.errors import SnapshotMissing
    from recommender.serving.catalog import Catalog
    from recommender.serving.engine import Recommender

    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    try:
        if version is None:
            raise SnapshotMissing(f"no snapshot under {store.root}; run `recommender build`")
        engine = Recommender(Catalog.load(store.path(version)), settings)
        req = engine.request(article_id, articles=articles, videos=videos, sponsored=sponsored)
        emit(engine.recommend(req))
    except RecommenderError as exc:
        fail(exc)


@app.command("eval")
def evaluate(
    articles: Annotated[
        Path | None, typer.Option("--articles", help="Labelled articles (JSONL/CSV).")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="labels.json: {id: {keywords: [...]} or {category}}."),
    ] = None,
    k: Annotated[int, typer.Option("--k", help="List length the metrics look at.")] = 5,
    queries: Annotated[
        str | None,
        typer.Option(help="Only these articles ask (e.g. 'published_at>=2022-06-01'); all answer."),
    ] = None,
    freshness: Annotated[bool, typer.Option(help="Keep freshness weighting on.")] = False,
    events: Annotated[
        bool,
        typer.Option(
            "--events",
            help="Replay the event log's clicked impressions against the current snapshot.",
        ),
    ] = False,
    behaviors: Annotated[
        Path | None, typer.Option("--behaviors", help="Replay a MIND-format behaviors.tsv.")
    ] = None,
    news: Annotated[
        Path | None, typer.Option("--news", help="The MIND-format news.tsv of --behaviors.")
    ] = None,
    popularity_weight: Annotated[
        float | None,
        typer.Option(
            "--popularity-weight",
            min=0,
            help="Weight of popularity in the replayed blend (default: POPULARITY_WEIGHT).",
        ),
    ] = None,
    ctr_weight: Annotated[
        float | None,
        typer.Option(
            "--ctr-weight",
            min=0,
            help="Weight of the CTR score in the replayed blend (default: CTR_WEIGHT).",
        ),
    ] = None,
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON even on a terminal.")] = False,
) -> None:
    """Offline evaluation: labelled articles against TF-IDF, or a replay of logged clicks.

    With --articles and --labels: the engine against TF-IDF "more like this" (P@k, nDCG@k, MRR)
    on a throw-away snapshot; items sharing a keyword or the category count as relevant;
    vectors are cached in DATA_DIR/cache.

    With --events, or --behaviors and --news (MIND format): replay of logged impressions that
    received a click, scored by content only, popularity only (time-decayed clicks strictly
    before each impression, half-life POPULARITY_HALF_LIFE_HOURS) and their blend with the CTR
    score (from impressions and clicks strictly before each impression), with MIND's
    AUC, MRR, nDCG@5 and nDCG@10 per impression, averaged. Bad rows are reported
    (file:line: field: reason) and skipped.

    JSON on stdout (a table on a terminal).
    """
    settings = make_settings(data_dir)
    try:
        if (events or behaviors or news) and (articles or labels):
            raise InvalidInput("a replay (--events, --behaviors) takes no --articles or --labels")
        if events or behaviors or news:
            result = _replay(settings, events, behaviors, news, popularity_weight, ctr_weight)
        elif articles and labels:
            from recommender.evaluation import evaluate_files

            result = evaluate_files(
                articles, labels, settings, k=k, queries=queries, freshness=freshness
            )
        else:
            raise InvalidInput("give --articles and --labels, --events, or --behaviors and --news")
    except RecommenderError as exc:
        fail(exc)
        return
    if result.get("source") == "mind":
        for row in result["rejected_rows"]:
            err.print("[yellow]rejected[/yellow]", escape(row), highlight=False)
    if as_json or not sys.stdout.isatty():
        emit(result)
    elif "source" in result:
        Console().print(_replay_table(result))
    else:
        Console().print(_eval_table(result, k))


def _replay(
    settings: Settings,
    events: bool,
    behaviors: Path | None,
    news: Path | None,
    popularity_weight: float | None,
    ctr_weight: float | None,
) -> dict[str, Any]:
    """`eval --events` or `eval --behaviors --news`: the replay's report."""
    ranking = settings.ranking
    weight = ranking.popularity_weight if popularity_weight is None else popularity_weight
    ctr = ranking.ctr_weight if ctr_weight is None else ctr_weight
    if events:
        if behaviors or news:
            raise InvalidInput("--events replays the event log: leave out --behaviors and --news")
        from recommender.errors import SnapshotMissing
        from recommender.replay.eventlog import replay_event_log
        from recommender.serving.catalog import Catalog

        store = SnapshotStore(settings.snapshots_dir)
        version = store.current_version()
        if version is None:
            raise SnapshotMissing(f"no snapshot under {store.root}; run `recommender build`")
        catalog = Catalog.load(store.path(version))
        return replay_event_log(settings, catalog, popularity_weight=weight, ctr_weight=ctr)
    if not (behaviors and news):
        raise InvalidInput("a MIND replay needs both --behaviors and --news")
    from recommender.pipeline.embed import Embedder
    from recommender.replay.mind import replay_mind
    from recommender.replay.replay import Weights

    weights = Weights(weight, ranking.popularity_half_life_hours, ctr, ranking.ctr_prior_strength)
    return replay_mind(behaviors, news, Embedder.from_settings(settings), weights)


def _replay_table(result: dict[str, Any]) -> Table:
    from recommender.replay.metrics import METRICS

    title = (
        f"{result['impressions']} impressions replayed"
        f" ({result['skipped_impressions']} without both a click and a non-click),"
        f" popularity weight {result['popularity_weight']}, CTR weight {result['ctr_weight']}"
    )
    table = Table("configuration", *(m.upper() if m != "mrr" else "MRR" for m in METRICS))
    table.title = title
    for name, means in result["configurations"].items():
        cells = ["-" if means[m] is None else f"{means[m]:.4f}" for m in METRICS]
        table.add_row(name, *cells)
    return table


def _eval_table(result: dict[str, Any], k: int) -> Table:
    from recommender.evaluation import METRICS

    table = Table(f"{result['queries']} queries, k={k}", "engine", "TF-IDF", "engine / TF-IDF")
    for metric in METRICS:
        table.add_row(
            metric.replace("_at_k", f"@{k}"),
            f"{result['engine'][metric]:.3f}",
            f"{result['baseline'][metric]:.3f}",
            f"{result['ratio'][metric]}",
        )
    return table


@app.command()
def signals(data_dir: DataDir = None) -> None:
    """Learn from the event log: popularity, position-debiased CTR and co-reading per item.

    Reads the event log's hourly counts (and the hour not rolled up yet) and its raw clicks,
    and writes DATA_DIR/signals.json atomically (the service reloads it; also run at the end of
    `update`). Prints a one-line JSON summary. Exit codes: 0 written, 2 failed (no snapshot or
    no event log: nothing written).
    """
    from recommender.signals.job import run_signals

    emit(run_signals(make_settings(data_dir)))


@snapshots_app.command("list")
def snapshots_list(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List published snapshots, newest first (* marks the one being served)."""
    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    infos = store.snapshots()
    try:
        store.read_pointer()
        pointer_error = None
    except InvalidPointer as exc:  # listed anyway (the versions to roll back to), then exit 2
        pointer_error = InvalidInput(str(exc))
    if as_json or not sys.stdout.isatty():
        for info in infos:
            emit({"version": info.version, "current": info.current, **info.manifest})
        if pointer_error is not None:
            fail(pointer_error)
        return
    table = Table("", "version", "model", "items", "articles", "videos", "sponsored", "age")
    now = time.time()
    for info in infos:
        m = info.manifest
        counts = m.get("counts", {})
        created = m.get("created_at", "")
        age = _age(now, created)
        table.add_row(
            "*" if info.current else "",
            info.version,
            f"{m.get('model', {}).get('name')} ({m.get('model', {}).get('dimension')}d)",
            *(str(counts.get(k, "")) for k in ("items", "article", "video", "sponsored")),
            age,
        )
    Console().print(table)
    if pointer_error is not None:
        fail(pointer_error)


@snapshots_app.command("verify")
def snapshots_verify(
    version: Annotated[
        str | None, typer.Argument(help="Version to verify (default: the one CURRENT names).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Check every file of a snapshot against the sizes and checksums in its manifest, the
    invariants the service checks at load, and that rows.json indexes items.jsonl line by line
    (what an update reads). Exit 0: verified; 2: corrupt (the file is named), missing, or
    CURRENT unreadable. Version-1 snapshots have no checksums: only their invariants are checked
    ("checksums": false)."""
    from recommender.serving.catalog import Catalog
    from recommender.snapshot import check_rows, verify_snapshot

    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    pointed = version is None
    if version is None:
        try:
            version = store.read_pointer()
        except InvalidPointer as exc:
            fail(InvalidInput(str(exc)))
            return
        if version is None:
            fail(InvalidInput(f"no CURRENT under {store.root}; name a VERSION"))
            return
    if version not in {info.version for info in store.snapshots()}:
        unsealed = f"not a sealed snapshot (no {MANIFEST}) under {store.root}"
        named = f"CURRENT names {version!r}" if pointed else f"{version!r} is"
        fail(InvalidInput(f"{named}, {unsealed}"))
    folder = store.path(version)
    checked = verify_snapshot(folder)
    catalog = Catalog.load(folder, in_memory_max_bytes=0)  # invariants (mapped: no copies)
    if catalog.offsets is not None:
        check_rows(folder, catalog.records, catalog.offsets)
    emit({"snapshot": version, "ok": True, "checksums": checked})


@snapshots_app.command("rollback")
def snapshots_rollback(
    version: Annotated[
        str | None, typer.Argument(help="Version to serve (default: the one before the current).")
    ] = None,
    data_dir: DataDir = None,
    wait: Annotated[
        float | None, typer.Option(help="Seconds to wait for another job's lock (default: fail).")
    ] = None,
) -> None:
    """Point CURRENT at an earlier snapshot; a running service follows within its reload interval."""
    from recommender.jobs import run_rollback

    try:
        emit(run_rollback(make_settings(data_dir), version, wait=wait))
    except RecommenderError as exc:
        fail(exc)


@events_app.command("stats")
def events_stats(data_dir: DataDir = None) -> None:
    """Counts (impressions, clicks, flagged clicks), refusals by reason, roll-ups, audit rows and
    the log's size on disk, as one JSON line."""
    from recommender.events.backend import event_log_exists, event_log_name, open_event_store

    settings = make_settings(data_dir)
    where = event_log_name(settings)
    if not event_log_exists(settings):
        fail(InvalidInput(f"no event log at {where}"))
    store = open_event_store(settings)
    try:
        key = "path" if settings.events.events_url is None else "url"
        emit({key: where, **store.stats()})
    finally:
        store.close()


@events_app.command("export")
def events_export(
    since: Annotated[
        str, typer.Option(help="Raw events at or after this time (ISO 8601, e.g. 2026-12-01).")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout, jsonl).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl, or parquet (needs --output and pyarrow).")
    ] = "jsonl",
    data_dir: DataDir = None,
) -> None:
    """Export raw events for analysts, oldest first."""
    from datetime import UTC, datetime

    from recommender.errors import InvalidInput
    from recommender.events.export import export_events

    settings = make_settings(data_dir)
    try:
        start = datetime.fromisoformat(since)
    except ValueError:
        fail(InvalidInput(f"--since {since!r} is not an ISO 8601 date or time"))
        return
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    try:
        count = export_events(settings, start, fmt, output)
    except RecommenderError as exc:
        fail(exc)
        return
    err.print(f"exported {count} event(s)")


@events_app.command("prune")
def events_prune(data_dir: DataDir = None) -> None:
    """Roll raw events up into hourly counts and drop what is past its retention (also run by
    `update`); safe while the service runs."""
    from recommender.jobs import prune_events

    emit(prune_events(make_settings(data_dir)))


@events_app.command("rotate-key")
def events_rotate_key(data_dir: DataDir = None) -> None:
    """Start signing answers with a new generated key; tokens of the old one stay valid for
    EVENT_TOKEN_MAX_AGE_SECONDS. (With RECOMMENDER_EVENT_SECRET set, rotate that instead: move
    it to RECOMMENDER_EVENT_SECRET_PREVIOUS.)"""
    from recommender.events.tokens import KEYS_FILE, rotate_key_file

    settings = make_settings(data_dir)
    if settings.events.event_secret is not None:
        fail(
            InvalidInput(
                "RECOMMENDER_EVENT_SECRET is set: rotate it by moving it to"
                " RECOMMENDER_EVENT_SECRET_PREVIOUS and setting a new one"
            )
        )
    key = rotate_key_file(
        settings.data_dir / KEYS_FILE, settings.events.event_token_max_age_seconds
    )
    emit({"job": "rotate-key", "key_id": key})


@experiments_app.command("report")
def experiments_report(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON even on a terminal.")] = False,
) -> None:
    """Per experiment and pair of arms: page views won, tied and lost on clicks, and the
    two-sided sign-test p-value of wins against losses (from the event log's raw events).

    A page view is a win for the arm whose interleaved items got more clicks, a tie when both
    got as many; page views without clicks are left out. JSON on stdout (a table on a terminal).
    """
    from recommender.events.backend import event_log_exists, event_log_name, open_event_store
    from recommender.experiments.config import load_experiments
    from recommender.experiments.report import experiments_report as report_of

    settings = make_settings(data_dir)
    configured = load_experiments(settings.ranking)
    if not event_log_exists(settings):
        raise InvalidInput(f"no event log at {event_log_name(settings)}")
    store = open_event_store(settings)
    try:
        result = report_of(store.arm_clicks(), configured)
    finally:
        store.close()
    if as_json or not sys.stdout.isatty():
        emit(result)
        return
    console = Console()
    for experiment in result["experiments"]:
        table = Table("a", "b", "wins", "ties", "losses", "p-value (sign test)")
        table.title = (
            f"{experiment['experiment']}: {experiment['page_views']} page views,"
            f" {experiment['clicked_page_views']} with clicks"
        )
        for pair in experiment["pairs"]:
            p = pair["p_value"]
            table.add_row(
                pair["a"],
                pair["b"],
                str(pair["wins"]),
                str(pair["ties"]),
                str(pair["losses"]),
                "-" if p is None else f"{p:.4g}",
            )
        console.print(table)


def _age(now: float, created: str) -> str:
    from datetime import datetime

    try:
        seconds = now - datetime.fromisoformat(created).timestamp()
    except ValueError:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
