"""Real saved pages and feeds of ../shared/data/pages (#12), skipped cleanly where it is absent.

Hand-checked pages (`*.expected.json`, the importer's schema) are held to their expectations
exactly; Readability's test pages (`*.expected-metadata.json`, Readability's own output, not
ground truth) with tolerance: a title may be Readability's or the page's visible `<h1>`, times are
compared as instants (wall clock when Readability has no offset), languages by primary subtag.
Readability's copies name no time zone for many pages and no canonical URL for some, so they are
read with `--assume-timezone UTC --base-url https://saved.example/`, as a publisher would.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recommender.articles import Article
from recommender.ingest.html.page import PageOptions
from recommender.ingest.sources import ReadOptions, read_sources
from tests.conftest import SHARED_DATA

PAGES = SHARED_DATA / "pages"
INDEX_PAGES = frozenset({"nytimes-5", "yahoo-2"})
READABILITY_OPTIONS = ReadOptions(
    page=PageOptions(assume_timezone=UTC, base_url="https://saved.example/")
)
BODY_START_WINDOW = 200


def cases(pattern: str) -> list[Any]:
    found = sorted(PAGES.glob(pattern)) if PAGES.is_dir() else []
    return [pytest.param(p, id=p.name.split(".")[0]) for p in found] or [
        pytest.param(None, id="absent")
    ]


def corpus(expected: Path | None) -> Path:
    if expected is None:
        pytest.skip(f"{PAGES} is absent: the real-pages corpus is not on this machine")
    return expected


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def loose(text: str) -> str:
    quotes = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    return fold(text.translate(quotes)).casefold()


def one(path: Path, options: ReadOptions | None = None) -> Article:
    report = read_sources([path], options=options)
    assert not report.errors, [str(e) for e in report.errors]
    [item] = report.items.values()
    return item


@pytest.mark.parametrize("expected_path", cases("mediaindonesia/*.expected.json"))
def test_hand_checked_pages(expected_path: Path | None) -> None:
    path = corpus(expected_path)
    expected = json.loads(path.read_text(encoding="utf-8"))
    item = one(path.with_name(path.name.replace(".expected.json", ".html")))
    extra = expected.get("extra", {})
    assert fold(item.title) in [
        fold(t) for t in [expected["title"], *extra.get("title_alternatives", [])]
    ]
    times = [expected["published_at"], *extra.get("published_at_alternatives", [])]
    assert item.published_at.isoformat() in times
    assert item.url == expected["canonical_url"]
    assert item.language == expected["language"]
    body = fold(item.body)
    assert fold(expected["body_starts_with"]) in body[:BODY_START_WINDOW]
    for sentence in expected["body_contains"]:
        assert fold(sentence) in body
    text = fold(f"{item.lead}\n{item.body}")
    for clutter in expected["must_not_contain"]:
        assert fold(clutter) not in text


def same_instant(got: datetime, expected: str) -> bool:
    want = datetime.fromisoformat(expected.strip().replace(" ", "T"))
    if want.tzinfo is None:
        return got.replace(tzinfo=None, microsecond=0) == want.replace(microsecond=0)
    return got.replace(microsecond=0) == want.replace(microsecond=0)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", loose(text))


def page_headlines(html: Path) -> list[str]:
    """The page's own statements of its headline: every <h1>, and <title>."""
    import lxml.html

    tree = lxml.html.document_fromstring(html.read_bytes())
    return [squash(h.text_content()) for h in [*tree.iter("h1"), *tree.iter("title")]]


@pytest.mark.parametrize("expected_path", cases("*/*.expected-metadata.json"))
def test_readability_pages(expected_path: Path | None) -> None:
    path = corpus(expected_path)
    expected = json.loads(path.read_text(encoding="utf-8"))
    html = path.with_name(path.name.replace(".expected-metadata.json", ".html"))
    if html.stem in INDEX_PAGES:
        report = read_sources([html], options=READABILITY_OPTIONS)
        assert not report.items
        [error] = report.errors
        assert error.field == "page" and "not an article" in error.reason
        return
    item = one(html, READABILITY_OPTIONS)
    title = squash(item.title)
    # Readability's title, or one the page itself states (an <h1>, or <title> less a site name).
    stated = [squash(expected["title"]), *page_headlines(html)]
    assert any(s == title or s.startswith(title) for s in stated), (item.title, expected["title"])
    if expected.get("publishedTime"):
        assert same_instant(item.published_at, expected["publishedTime"])
    if expected.get("lang"):
        assert item.language == expected["lang"].split("-")[0].lower()
    assert len(item.body) > 200 and "\n\n" not in item.body


@pytest.mark.parametrize("expected_path", cases("feeds/*.expected.json"))
def test_feeds(expected_path: Path | None) -> None:
    path = corpus(expected_path)
    expected = json.loads(path.read_text(encoding="utf-8"))
    report = read_sources([path.with_name(path.name.replace(".expected.json", ".xml"))])
    assert not report.errors
    items = {item.url: item for item in report.items.values()}
    assert len(items) == expected["entry_count"]
    for entry in expected["first_entries"]:
        item = items[entry["link"]]
        assert fold(item.title) == fold(entry["title"])
        assert item.published_at.isoformat() == entry["published_at"]
        assert item.language == expected["language"]
        assert "?" not in item.url or "utm_" not in item.url
