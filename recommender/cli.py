"""The `recommender` command: build, serve, query and inspect snapshots."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from index.snapshots import SnapshotStore
from recommender.errors import RecommenderError
from recommender.settings import Settings

app = typer.Typer(
    help="Related-article recommendations for news publishers.",
    no_args_is_help=True,
    add_completion=False,
)
snapshots_app = typer.Typer(help="Inspect and manage published snapshots.", no_args_is_help=True)
app.add_typer(snapshots_app, name="snapshots")
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data folder (default: $RECOMMENDER_DATA_DIR or ./data).",
        show_default=False,
    ),
]
DEMO_CORPUS = Path(__file__).parent / "demo_corpus"


def make_settings(data_dir: Path | None, **overrides: Any) -> Settings:
    """Build the one Settings object from the environment plus command-line overrides."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def emit(payload: Any) -> None:
    sys.stdout.write(orjson.dumps(payload).decode() + "\n")
    sys.stdout.flush()


def fail(exc: RecommenderError) -> None:
    err.print(f"[red]error:[/red] {exc.message}")
    for detail in exc.details[:20]:
        err.print(f"  {detail}")
    raise typer.Exit(2)


@app.command()
def build(
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input", "-i", help="JSONL/CSV file or folder; repeatable. Default: the demo corpus."
        ),
    ] = None,
    data_dir: DataDir = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any row was rejected.")] = False,
    wait: Annotated[
        float | None, typer.Option(help="Seconds to wait for another job's lock (default: fail).")
    ] = None,
) -> None:
    """Full build: import items, embed them, publish a new snapshot atomically.

    Bad rows are reported (file:line: field: reason) and skipped; good rows land. Prints a
    one-line JSON summary on stdout. Exit codes: 0 published, 1 published but rows were
    rejected and --strict was given, 2 failed (nothing published).
    """
    from recommender.jobs import EXIT_OK, EXIT_REJECTED, run_build

    settings = make_settings(data_dir)
    paths = inputs or [DEMO_CORPUS]
    try:
        summary, report = run_build(paths, settings, wait=wait)
    except RecommenderError as exc:
        fail(exc)
        return
    for error in report.errors:
        err.print("[yellow]rejected[/yellow]", escape(str(error)), highlight=False)
    for item_id, count in report.duplicates.items():
        err.print(f"duplicate id {item_id!r}: {count} earlier row(s) replaced by the last one")
    emit(summary.as_dict())
    raise typer.Exit(EXIT_REJECTED if strict and summary.rejected else EXIT_OK)


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
) -> None:
    """Serve the current snapshot over HTTP (uvicorn)."""
    import uvicorn

    from service.app import create_app

    settings = make_settings(data_dir, host=host, port=port)
    base = f"http://{settings.host}:{settings.port}"
    err.print(f"serving {settings.snapshots_dir} on {base}  (API docs: {base}/docs)")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
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
    from recommender.catalog import Catalog
    from recommender.engine import Recommender
    from recommender.errors import SnapshotMissing

    settings = make_settings(data_dir)
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    try:
        if version is None:
            raise SnapshotMissing(f"no snapshot under {store.root}; run `recommender build`")
        engine = Recommender(Catalog.load(store.path(version)), settings)
        counts = {"articles": articles, "videos": videos, "sponsored": sponsored}
        req = engine.request(article_id, **{k: v for k, v in counts.items() if v is not None})
        emit(engine.recommend(req))
    except RecommenderError as exc:
        fail(exc)


@snapshots_app.command("list")
def snapshots_list(
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List published snapshots, newest first (* marks the one being served)."""
    settings = make_settings(data_dir)
    infos = SnapshotStore(settings.snapshots_dir).snapshots()
    if as_json or not sys.stdout.isatty():
        for info in infos:
            emit({"version": info.version, "current": info.current, **info.manifest})
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
