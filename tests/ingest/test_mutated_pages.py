"""Real pages with what broken templates and hostile sites write into them (#12): links to hosts
no parser reads, times past the calendar or at offsets no clock has, pages cut short, stray bytes,
another encoding. Each page is imported or refused with its reason; none fails as the importer's
own error (an `Outcome` with a traceback) or runs into the time limit. The mutations are the ones
that found such failures in the saved pages (`http://[object Object]/`, `9999-12-31T23:59:59-14:00`,
`+25:00`); every page of the shared corpus is read by the slow run, eight by the default one.
The shared feeds, with such values written into their entries, are read entry by entry."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.extraction import PageJob, extract
from recommender.ingest.html.page import PageOptions
from recommender.ingest.sources import read_sources
from tests.conftest import shared_data

Mutation = Callable[[str, random.Random], str]

BROKEN_URLS = ["http://[object Object]/", "//[::zz]/x", "https://kabar.example:99999/", "http://"]
ODD_TIMES = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2026-11-10T09:15:00+25:00",
    "2026-11-10T09:15:00+07:75",
    "2026-02-30T10:00:00+07:00",
    "NaN",
]


def _links(html: str, rnd: random.Random) -> str:
    return re.sub(r'(<a\s[^>]*href=")[^"]*', lambda m: m.group(1) + rnd.choice(BROKEN_URLS), html)


def _canonical(html: str, rnd: random.Random) -> str:
    url = rnd.choice(BROKEN_URLS)
    html = re.sub(r'(rel="canonical"[^>]*href=")[^"]*', lambda m: m.group(1) + url, html)
    return re.sub(r'(property="og:url"\s+content=")[^"]*', lambda m: m.group(1) + url, html)


def _meta_time(html: str, rnd: random.Random) -> str:
    value = rnd.choice(ODD_TIMES)
    html = re.sub(
        r'(property="article:published_time"\s+content=")[^"]*', lambda m: m.group(1) + value, html
    )
    return re.sub(r'("datePublished"\s*:\s*)"[^"]*"', lambda m: f'{m.group(1)}"{value}"', html)


def _shown_time(html: str, rnd: random.Random) -> str:
    value = rnd.choice(ODD_TIMES)
    return re.sub(r"(<body[^>]*>)", rf'\1<time datetime="{value}">{value}</time>', html, count=1)


def _cut(html: str, rnd: random.Random) -> str:
    return html[: rnd.randint(len(html) // 10, len(html) - 1)]


def _stray_bytes(html: str, rnd: random.Random) -> str:
    at = rnd.randint(0, len(html))
    return html[:at] + "".join(chr(rnd.randrange(1, 0x3000)) for _ in range(200)) + html[at:]


def _no_head(html: str, rnd: random.Random) -> str:
    return html.replace("</head>", "").replace("<body", "<bod").replace("</html>", "")


MUTATIONS: dict[str, Mutation] = {
    "links": _links,
    "canonical": _canonical,
    "meta_time": _meta_time,
    "shown_time": _shown_time,
    "cut": _cut,
    "stray_bytes": _stray_bytes,
    "no_head": _no_head,
}
ENCODINGS = ["utf-8", "utf-16"]
OPTIONS = PageOptions(
    assume_timezone=ZoneInfo("Asia/Jakarta"), base_url="https://saved.example/", time_limit=30
)


def pages() -> list[Path]:
    return sorted(shared_data("pages").glob("*/*.html"))


def mutated(page: Path) -> Iterator[tuple[str, bytes]]:
    html = page.read_bytes().decode("utf-8", "replace")
    for name, mutation in MUTATIONS.items():
        rnd = random.Random(f"{page.name}:{name}")
        changed = mutation(html, rnd)
        yield name, changed.encode(rnd.choice(ENCODINGS), "replace")


def check(pages: list[Path]) -> None:
    failures = []
    for page in pages:
        for name, data in mutated(page):
            outcome = extract(PageJob(data, relative=page.name), OPTIONS)
            if outcome.trace or "longer than" in outcome.reason:
                failures.append(f"{page.name} ({name}): {outcome.reason}")
    assert failures == []


def test_eight_mutated_real_pages_are_read_or_refused_never_failed() -> None:
    check(random.Random(12).sample(pages(), 8))


@pytest.mark.slow
def test_every_mutated_real_page_is_read_or_refused_never_failed() -> None:
    check(pages())


ODD_VALUES = [
    *BROKEN_URLS,
    *ODD_TIMES,
    "javascript:void(0)",
    "//cdn.kabar.example/a.jpg",
    "",
    "x" * 3000,
]
FEED_TAGS = ["pubDate", "link", "guid", "title", "description", "category", "dc:creator"]


def mutated_feed(text: str, rnd: random.Random) -> str:
    for tag in rnd.sample(FEED_TAGS, 3):
        text = re.sub(
            rf"(<{tag}[^>]*>)[^<]*(</{tag}>)",
            lambda m: m.group(1) + rnd.choice(ODD_VALUES) + m.group(2),
            text,
            count=rnd.randint(1, 5),
        )
    return re.sub(r'(url=")[^"]*', lambda m: m.group(1) + rnd.choice(ODD_VALUES), text, count=3)


def test_feeds_with_odd_values_are_read_entry_by_entry_never_failed(tmp_path: Path) -> None:
    """Each entry of the shared feeds with odd dates, links and image addresses written into it
    is a record or that entry's own error (`file:N: field: reason`), never the whole feed's."""
    feeds = sorted(shared_data("pages").glob("feeds/*.xml"))
    assert feeds
    for feed in feeds:
        for n in range(6):
            rnd = random.Random(f"{feed.name}:{n}")
            path = tmp_path / f"{feed.stem}-{n}.xml"
            path.write_text(mutated_feed(feed.read_text(encoding="utf-8"), rnd), encoding="utf-8")
    report = read_sources([tmp_path])
    assert report.items
    failed = [str(e) for e in report.errors if e.line == 0 or "importer failed" in e.reason]
    assert failed == []
