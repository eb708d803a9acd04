"""Reading a crawl as one web archive against reading the same pages as a folder of HTML files.

The demo corpus's articles are written as article pages (canonical link, publication time,
paragraphs), `--pages` of them, once as `*.html` files in a folder (the baseline) and once as a
gzipped WARC file of request and response records, as a crawler writes it (warcio). Both are read
as `recommender extract` reads them (`read_sources`: pages extracted, then the site's repeated
lines dropped), in this process, and the archive again by `--workers` extraction processes
(RECOMMENDER_EXTRACT_WORKERS; the first 200 pages in this process, as always), alternately,
`--rounds` times each; the items must be the same. Prints one JSON line: seconds per round, pages
per second, the ratio archive / folder (the cost of reading the archive's records, gzip members
and codings on top of the pages' extraction, which dominates) and the workers' speed-up.

    .venv/bin/python benchmarks/archive_read.py [--pages 2000] [--rounds 2] [--workers N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import emit, machine, note  # noqa: E402
from recommender.ingest.extraction import default_workers  # noqa: E402
from recommender.ingest.sources import ReadOptions, read_sources  # noqa: E402

CORPUS = REPO / "recommender" / "demo_corpus"
SITE = "https://kabar.example"


def pages(count: int) -> list[tuple[str, bytes]]:
    """`count` article pages (URL, HTML) made from the demo corpus's articles, over and over
    under new URLs."""
    articles = [
        orjson.loads(line)
        for path in sorted(CORPUS.glob("articles-*.jsonl"))
        for line in path.read_bytes().splitlines()
        if line.strip()
    ]
    out = []
    for n in range(count):
        a = articles[n % len(articles)]
        url = f"{SITE}/read/2026/11/{n % 28 + 1:02d}/{n}/{a['id']}"
        text = "".join(f"<p>{s.strip()}.</p>" for s in a["body"].split(". ") if s.strip())
        html = (
            f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{a["title"]} -'
            f' Kabar</title><link rel="canonical" href="{url}"><meta property="og:type"'
            f' content="article"><meta property="article:published_time"'
            f' content="{a["published_at"]}"></head><body><nav><a href="/">Kabar</a></nav><main>'
            f"<article><h1>{a['title']}</h1><p>{a['lead']}</p>{text}</article></main>"
            "<footer>© Kabar</footer></body></html>"
        )
        out.append((url, html.encode("utf-8")))
    return out


def write_folder(folder: Path, made: list[tuple[str, bytes]]) -> None:
    folder.mkdir()
    for n, (_, html) in enumerate(made):
        (folder / f"{n:05d}.html").write_bytes(html)


def write_archive(path: Path, made: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in made:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(url, "request", io.BytesIO(b""), http_headers=request)
            )
            headers = [("Content-Type", "text/html; charset=utf-8")]
            answer = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", io.BytesIO(html), http_headers=answer)
            )


def timed(source: Path, workers: int = 1) -> tuple[float, dict[str, str]]:
    started = time.perf_counter()
    report = read_sources([source], options=ReadOptions(extract_workers=workers))
    seconds = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"{source}: {report.errors[0]}")
    return seconds, {i: a.body for i, a in report.items.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="extraction processes (default: as a job's, one per usable core, at most 8)",
    )
    args = parser.parse_args()
    made = pages(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        folder, archive = Path(tmp) / "pages", Path(tmp) / "crawl.warc.gz"
        write_folder(folder, made)
        write_archive(archive, made)
        runs = (("folder", folder, 1), ("archive", archive, 1), ("workers", archive, args.workers))
        times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        items: dict[str, dict[str, str]] = {}
        for round_ in range(args.rounds):
            for name, source, workers in runs:
                seconds, items[name] = timed(source, workers)
                times[name].append(seconds)
                note(f"round {round_ + 1}: {name} {seconds:.2f} s")
        if not items["folder"] == items["archive"] == items["workers"]:
            raise SystemExit("the archive, the folder and the workers gave different items")
        median = {name: statistics.median(values) for name, values in times.items()}
        emit(
            {
                "benchmark": "archive_read",
                "pages": args.pages,
                "items": len(items["archive"]),
                "archive_mb": round(archive.stat().st_size / 1e6, 2),
                "seconds": {k: [round(v, 3) for v in vs] for k, vs in times.items()},
                "pages_per_s": {k: round(args.pages / v, 1) for k, v in median.items()},
                "ratio_archive_to_folder": round(median["archive"] / median["folder"], 3),
                "workers": args.workers,
                "speedup_workers": round(median["archive"] / median["workers"], 3),
                "machine": machine(),
            }
        )


if __name__ == "__main__":
    main()
