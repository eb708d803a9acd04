"""The page importer against npm `article` 1.1.2's own hand labels, on all 258 of its saved pages.

Usage: .venv/bin/python benchmarks/heldout/labels.py [--details] [--code DIR]
       [--site-rules FILE | --hosts-of FILE]

`article`'s test suite labelled each saved page with its headline and its text by hand (in
2013, for its own extractor). This reads every page with the importer (in the zone UTC, each
page's saved URL as its base) and counts, page by page: imported; title equal to the label's
(folded: case, quotes, dashes and punctuation); the body starting with the label's first
paragraph; the body holding the label's first and last paragraphs. A disagreement is a place to
look, not a miss: the labels keep datelines ("CAIRO (Reuters) - ") and standfirsts, which the
importer leaves out of the body by design, and they take the `<h1>` where the importer may take
the `og:title`. A within-publisher check: batches 13 and 14 (`batch13.json`, `batch14.json`) drew
their pages from the same package. The package comes from the npm registry, as in `fetch.py`.

Prints one JSON line with the counts, and with `--details` one line per page that disagrees.
`starts_after_dateline` counts the bodies that start a short way into the label's first
paragraph (at most `DATELINE_CHARS` folded characters): the labels' datelines, so that
`starts_with_first + starts_after_dateline` is the bodies starting where the story starts.
`--code DIR` reads with the importer of another checkout (a clone at an older commit).
`--site-rules FILE` reads only the pages of the hosts a site rules file names, with those rules:
whether rules written from one page of a site hold on its other pages; `--hosts-of FILE` reads the
same pages without the rules, the figures to compare with.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from common import checkout  # noqa: E402
from fetch import tarball  # noqa: E402

PACKAGE = "article@1.1.2"
ROOT = "package/test/reallife"
PREFIX = 40  # characters of a folded paragraph compared
DATELINE_CHARS = 60  # folded characters before the body's start in the label: a dateline


def fold(text: str) -> str:
    """Text compared loosely: NFKC, case, curly quotes and dashes, punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[‘’´`]", "'", re.sub(r"[“”]", '"', re.sub(r"[–—]", "-", text)))
    return re.sub(r"\W+", " ", text).strip()


def unpack(archive: tarfile.TarFile, into: Path) -> list[dict[str, Any]]:
    """The package's pages with their URL and labels, the pages written under `into`."""

    def member(path: str) -> bytes:
        handle = archive.extractfile(f"{ROOT}/{path}")
        if handle is None:
            raise SystemExit(f"{PACKAGE} has no file {ROOT}/{path}")
        return handle.read()

    pages = []
    for entry in json.loads(member("datamap.json")):
        key = entry["key"]
        target = into / f"{key}.html"
        target.write_bytes(member(f"source/{key}.html"))
        label = json.loads(member(f"expected/{key}.json"))
        pages.append({"file": target, "url": entry["href"], "label": label})
    return pages


def check(page: dict[str, Any], rules: Any = None) -> dict[str, Any]:
    """One page read by the importer (with the site rules given) and compared with its labels."""
    from recommender.ingest.html.page import PageOptions
    from recommender.ingest.sources import ReadOptions, read_sources

    extra = {"site_rules": rules} if rules is not None else {}
    options = ReadOptions(
        page=PageOptions(assume_timezone=ZoneInfo("UTC"), base_url=page["url"], **extra)
    )
    result = read_sources([page["file"]], options=options)
    host = page["url"].split("/")[2]
    items = list(result.items.values())
    if not items:
        reason = str(result.errors[0]) if result.errors else "nothing imported"
        return {"url": page["url"], "host": host, "imported": False, "error": reason}
    item = items[0]
    paragraphs = [p for p in (page["label"].get("text") or "").split("\n") if p.strip()]
    body = fold(item.body)
    first = fold(paragraphs[0])[:PREFIX] if paragraphs else ""
    last = fold(paragraphs[-1])[-PREFIX:] if paragraphs else ""
    # The label's first paragraph goes on where the body starts, after a short prefix: its
    # dateline ("WASHINGTON (Reuters) - "), which the importer leaves out by design.
    opening = fold(paragraphs[0]) if paragraphs else ""
    after = opening.find(body[:PREFIX]) if body else -1
    return {
        "url": page["url"],
        "host": host,
        "imported": True,
        "title": fold(item.title) == fold(page["label"].get("title") or ""),
        "starts_with_first": body.startswith(first),
        "starts_after_dateline": 0 < after <= DATELINE_CHARS,
        "has_first": first in body,
        "has_last": last in body,
        "got": {"title": item.title, "body_start": item.body[:120], "body_end": item.body[-120:]},
        "label": {
            "title": page["label"].get("title"),
            "first": paragraphs[0][:120] if paragraphs else "",
            "last": paragraphs[-1][-120:] if paragraphs else "",
        },
    }


FIELDS = ("imported", "title", "starts_with_first", "has_first", "has_last")
COUNTED = (*FIELDS, "starts_after_dateline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="one line per disagreeing page")
    parser.add_argument("--code", type=checkout, help="read with the importer of this checkout")
    ruled = parser.add_mutually_exclusive_group()
    ruled.add_argument(
        "--site-rules", type=Path, help="only the pages of its hosts, with its rules"
    )
    ruled.add_argument("--hosts-of", type=Path, help="only the pages of its hosts, without rules")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code or HERE.parents[1]))
    rules = None
    if args.site_rules or args.hosts_of:
        from recommender.ingest.html import siterules

        try:
            loaded = siterules.load(args.site_rules or args.hosts_of)
        except siterules.SiteRulesError as exc:
            raise SystemExit(str(exc)) from None
        rules = loaded if args.site_rules else None
    with tempfile.TemporaryDirectory(prefix="labels-") as scratch:
        pages = unpack(tarball(PACKAGE), Path(scratch))
        if args.site_rules or args.hosts_of:
            pages = [p for p in pages if loaded.for_url(p["url"]) is not None]
        rows = [check(page, rules) for page in pages]
    counts = {field: sum(1 for row in rows if row.get(field)) for field in COUNTED}
    print(json.dumps({"benchmark": "labels", "package": PACKAGE, "pages": len(rows), **counts}))
    if args.details:
        for row in rows:
            if not all(row.get(field) for field in FIELDS):
                print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
