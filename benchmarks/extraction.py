"""Extraction accuracy per field over the developer corpus of real saved pages and feeds.

Usage: .venv/bin/python benchmarks/extraction.py [--corpus ../shared/data/pages] [--details]
       [--holdout] [--assume-timezone ZONE] [--base-url URL] [--code OTHER_CHECKOUT]
       [--hashed-names]
       .venv/bin/python benchmarks/extraction.py --expected MY_PAGES/expected.json [--details]

Every page and feed is read as `recommender update --input FILE` reads it (`read_sources`), and the
result is compared with what is known about the page:

- `mediaindonesia/*.expected.json` (hand-checked, the importer's schema): title, published_at with
  its offset (to the second), canonical URL, language, body start (within the first 200
  characters), body contents, absence of clutter;
- `*/*.expected-metadata.json` (Readability's own output, not ground truth, so compared with
  tolerance): title (case, quotes and dashes folded), published time as an instant (wall clock
  when Readability gives no offset), language (primary subtag); the two index pages
  (`nytimes-5`, `yahoo-2`) must be rejected;
- `feeds/*.expected.json`: entry count, and title, link and published_at of the first entries.

With `--expected FILE`, it measures a publisher's own pages instead: one JSON file listing pages and
feeds (paths relative to the file) with the facts read from each page by hand; see
`expected_file_check` for the schema and docs/importing.md ("Checking your own pages").

Prints one JSON line: per field `correct`, `total` and `accuracy`, plus the machine. With
`--details`, one more line per page with the fields it got wrong. `page.all_correct` counts article
pages right in every field measured for them (hand-checked pages: title, time with offset, URL,
language, body start and contents, no clutter; Readability's: imported, title, time, language) —
the headline figure of the held-out checks. `page.authors` (Readability's pages with a byline) is
informational and outside `page.all_correct`, as are `page.published_at_instant` (the time is the
key's instant, whatever its offset: keys may write an instant in any offset) and
`page.all_correct_same_instant` (every field right, counting the time so).

With `--holdout`, the figures are given per publisher (the corpus's top-level folders), so the
spread shows: one summary line (`articles`, `all_correct`, their share, and over publishers the
lowest, median and highest share of articles right in every field, and how many publishers had
all right), then one line per publisher with its fields and misses. The rules are general, so
each publisher is in effect measured as one the code was not written for; a publisher far below
the others is where a rule overfits or is missing. With `--expected FILE --holdout`, the listed pages
are grouped the same way: by an entry's `publisher`, else the folder its file is in, else its
canonical URL's host. Runs on the importer of
`--code` (default: this checkout), so the same script measures a branch before and after a change:
`--code ../main` gives the figures of main's importer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import checkout, emit, machine  # noqa: E402

INDEX_PAGES = frozenset({"nytimes-5", "yahoo-2"})
BODY_START_WINDOW = 200
FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\xa0": " "})


def starts_body(body: str, start: str) -> bool:
    """`start` lies within the body's first BODY_START_WINDOW characters; one longer than that
    (a long first sentence written out whole) must open the body."""
    wanted = fold(start)
    return body[:BODY_START_WINDOW].find(wanted) >= 0 or (
        len(wanted) > BODY_START_WINDOW and body.startswith(wanted)
    )


LIST_MARK = re.compile(r"^- ", re.MULTILINE)


def fold(text: str) -> str:
    """Whitespace-normalised text for case-sensitive matching."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def loose(text: str) -> str:
    """Tolerant form for Readability's titles: quotes, dashes and case folded."""
    return fold(text.translate(FOLD)).casefold()


def same_title(got: str, expected: str) -> bool:
    """Equal once folded, or equal but for a site or author name one of them appends."""
    a, b = loose(got), loose(expected)
    if not a:
        return False
    short, long = sorted((a, b), key=len)
    # "_" as Chinese sites write it: "标题 _栏目 _网站" (gmw, qq).
    return a == b or (
        long.startswith(short) and long[len(short) :].lstrip()[:1] in ("|", "-", ":", "_")
    )


def same_time(got: datetime, expected: str) -> bool:
    """The key's time with its offset, to the second: the importer keeps published times to the
    second, so a key's `.845` (copied from metadata that writes milliseconds) is no other time;
    an offset written `Z` or `+00:00` is the same offset."""
    try:
        want = datetime.fromisoformat(expected.strip())
    except ValueError:
        return False
    return (
        want.tzinfo is not None
        and got.utcoffset() == want.utcoffset()
        and got.replace(microsecond=0) == want.replace(microsecond=0)
    )


def same_instant(got: datetime, expected: str) -> bool:
    try:
        want = datetime.fromisoformat(expected.strip().replace(" ", "T"))
    except ValueError:
        return False
    if want.tzinfo is None:
        return got.replace(tzinfo=None, microsecond=0) == want.replace(microsecond=0)
    return got.replace(microsecond=0) == want.replace(microsecond=0)


class Tally:
    """Correct/total counts per field, and what each page got wrong."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.misses: dict[str, list[str]] = defaultdict(list)

    def check(self, page: str, field: str, ok: bool, note: str = "") -> None:
        self.counts[field][1] += 1
        if ok:
            self.counts[field][0] += 1
        else:
            self.misses[page].append(f"{field}{': ' + note if note else ''}")

    def table(self) -> dict[str, dict[str, float]]:
        return {
            field: {"correct": c, "total": t, "accuracy": round(c / t, 3) if t else 0.0}
            for field, (c, t) in sorted(self.counts.items())
        }


OPTIONS: dict[str, Any] = {}


def read_one(path: Path, options: Any = None) -> tuple[list[Any], list[str]]:
    from recommender.ingest.sources import read_sources

    kwargs = {"options": options} if options is not None else OPTIONS
    if HASHED_NAMES and path.suffix.lower() in (".html", ".htm"):
        return read_hashed(path, kwargs)
    report = read_sources([path], **kwargs)
    return list(report.items.values()), [str(e) for e in report.errors]


# `--hashed-names`: every page read with its class names and ids renamed to hashes of themselves.
HASHED_NAMES: list[bool] = []
CLASS_OR_ID = re.compile(rb"""(\s(?:class|id)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def hashed_names(html: bytes) -> bytes:
    """The page with every class name and id replaced by a hash of itself (`c8963fb`), as a site
    whose CSS tooling names its elements (CSS modules, styled-components) writes them: the same
    name gives the same hash, so the page's structure and repeated parts stay, their words go."""

    def renamed(match: re.Match[bytes]) -> bytes:
        value = next(group for group in match.groups()[1:] if group is not None)
        names = (b"c" + hashlib.sha1(name).hexdigest()[:6].encode() for name in value.split())
        return match.group(1) + b'"' + b" ".join(names) + b'"'

    return CLASS_OR_ID.sub(renamed, html)


def read_hashed(path: Path, kwargs: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """`read_one` of the page with `hashed_names`, under its own file name (and beside its
    sidecar), so that its URL, id and errors are as the page's own."""
    from recommender.ingest.html.page import sidecar_name
    from recommender.ingest.sources import read_sources

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(hashed_names(path.read_bytes()))
        sidecar = path.with_name(sidecar_name(path.name))
        if sidecar.is_file():
            shutil.copy(sidecar, Path(folder) / sidecar.name)
        report = read_sources([copy], **kwargs)
        errors = [str(e).replace(str(copy), str(path)) for e in report.errors]
    return list(report.items.values()), errors


def page_options(
    assume_timezone: str | None, base_url: str | None, url_from: str | None = None
) -> Any:
    """ReadOptions as `recommender extract --assume-timezone ZONE --base-url URL --url-from
    path|sidecar` builds them."""
    from zoneinfo import ZoneInfo

    from recommender.ingest.html.page import PageOptions
    from recommender.ingest.sources import ReadOptions

    zone = ZoneInfo(assume_timezone) if assume_timezone else None
    if url_from not in (None, "path", "sidecar"):
        raise SystemExit(f"url_from must be 'path' or 'sidecar' (got {url_from!r})")
    page = PageOptions(
        assume_timezone=zone, base_url=base_url, url_from=url_from or "path", **SITE_RULES
    )
    return ReadOptions(page=page)


# `--site-rules FILE`, loaded once: every page is read with the publisher's rules.
SITE_RULES: dict[str, Any] = {}


def set_options(
    assume_timezone: str | None, base_url: str | None, site_rules: Path | None = None
) -> None:
    """--assume-timezone / --base-url / --site-rules as `recommender extract` takes them."""
    if site_rules is not None:
        from recommender.ingest.html import siterules

        try:
            SITE_RULES["site_rules"] = siterules.load(site_rules)
        except siterules.SiteRulesError as exc:
            raise SystemExit(str(exc)) from None
    if assume_timezone or base_url or site_rules:
        OPTIONS["options"] = page_options(assume_timezone, base_url)


def check_hand_checked(
    path: Path,
    expected: dict[str, Any],
    tally: Tally,
    *,
    options: Any = None,
    urls: list[str] | None = None,
) -> None:
    before = len(tally.misses.get(path.stem, []))
    check_hand_checked_fields(path, expected, tally, options=options, urls=urls)
    misses = tally.misses.get(path.stem, [])[before:]
    tally.check(path.stem, "page.all_correct", not misses)
    # The same, a time counted right when it is the key's instant written in another offset.
    timeless = [m for m in misses if m.split(":", 1)[0] != "page.published_at"]
    tally.check(path.stem, "page.all_correct_same_instant", not timeless)


def check_hand_checked_fields(
    path: Path,
    expected: dict[str, Any],
    tally: Tally,
    *,
    options: Any = None,
    urls: list[str] | None = None,
) -> None:
    page = path.stem
    items, errors = read_one(path, options)
    tally.check(page, "page.imported", bool(items), "; ".join(errors)[:300])
    if not items:
        for field in ("title", "published_at", "canonical_url", "language", "body_start"):
            tally.check(page, f"page.{field}", False, "not imported")
        tally.check(page, "page.published_at_instant", False, "not imported")
        tally.check(page, "page.body_contains", False, "not imported")
        tally.check(page, "page.no_clutter", False, "not imported")
        return
    item = items[0]
    extra = expected.get("extra", {})
    titles = [expected["title"], *extra.get("title_alternatives", [])]
    tally.check(page, "page.title", fold(item.title) in map(fold, titles), item.title)
    times = [expected["published_at"], *extra.get("published_at_alternatives", [])]
    got_time = item.published_at.isoformat()
    right_time = any(same_time(item.published_at, t) for t in times if t)
    tally.check(page, "page.published_at", right_time, got_time)
    # Informational: the keys may write an instant in any offset; the time above must be the one
    # the importer gives (the page's own offset, where it states one).
    instant = any(same_instant(item.published_at, t) for t in times if t)
    tally.check(page, "page.published_at_instant", instant, got_time)
    wanted_urls = urls or [expected["canonical_url"]]
    tally.check(page, "page.canonical_url", item.url in wanted_urls, item.url)
    tally.check(page, "page.language", item.language == expected["language"], item.language)
    body = fold(item.body)
    # A list item's mark ("- ") is the import format's; keys written from the page leave it out.
    unmarked = fold(LIST_MARK.sub("", item.body))
    starts = [expected["body_starts_with"], *extra.get("body_starts_with_alternatives", [])]
    started = any(starts_body(body, s) or starts_body(unmarked, s) for s in starts)
    tally.check(page, "page.body_start", started, body[:120])
    missing = [
        s
        for s in expected.get("body_contains", [])
        if fold(s) not in body and fold(s) not in unmarked
    ]
    tally.check(page, "page.body_contains", not missing, "; ".join(missing))
    text = fold(f"{item.lead}\n{item.body}")
    clutter = [s for s in expected.get("must_not_contain", []) if fold(s) in text]
    # A standfirst the record may keep as its lead (the page's description), but not in the body.
    clutter += [s for s in expected.get("body_must_not_contain", []) if fold(s) in body]
    tally.check(page, "page.no_clutter", not clutter, "; ".join(clutter))


def check_readability(path: Path, expected: dict[str, Any], tally: Tally) -> None:
    page = path.stem
    items, errors = read_one(path)
    if page in INDEX_PAGES:
        clear = bool(errors) and all(": page: " in e and "not an article" in e for e in errors)
        tally.check(page, "page.index_rejected", not items and clear, "; ".join(errors)[:200])
        return
    before = len(tally.misses.get(page, []))
    check_readability_fields(page, items, errors, expected, tally)
    tally.check(page, "page.all_correct", len(tally.misses.get(page, [])) == before)
    if items and expected.get("byline"):
        check_authors(page, items[0].authors, expected["byline"], tally)


def check_authors(page: str, authors: list[str], byline: str, tally: Tally) -> None:
    """Informational, not part of `page.all_correct` (the issue's targets leave authors out), and
    against Readability's byline, which is noisy ("by Lucas Nolan22 Dec 2016651", dates, "BBC
    News"): right when at least one author is found and each one is named in the byline."""
    named = loose(byline)
    ok = bool(authors) and all(loose(a) in named for a in authors)
    tally.check(page, "page.authors", ok, f"{authors} vs {byline[:60]!r}")


def check_readability_fields(
    page: str, items: list[Any], errors: list[str], expected: dict[str, Any], tally: Tally
) -> None:
    tally.check(page, "page.imported", bool(items), "; ".join(errors)[:300])
    item = items[0] if items else None
    got_title = item.title if item else ""
    tally.check(page, "page.title", same_title(got_title, expected["title"]), got_title)
    if expected.get("publishedTime"):
        ok = item is not None and same_instant(item.published_at, expected["publishedTime"])
        got = item.published_at.isoformat() if item else "not imported"
        tally.check(page, "page.published_at", ok, got)
    if expected.get("lang"):
        want = expected["lang"].split("-")[0].lower()
        got_lang = item.language if item else "not imported"
        tally.check(page, "page.language", got_lang == want, got_lang)


def check_feed(path: Path, expected: dict[str, Any], tally: Tally) -> None:
    name = path.stem
    items, _errors = read_one(path)
    tally.check(name, "feed.entries", len(items) == expected["entry_count"], str(len(items)))
    by_link = {item.url: item for item in items}
    for entry in expected["first_entries"]:
        item = by_link.get(entry["link"])
        tally.check(name, "feed.link", item is not None, entry["link"])
        tally.check(
            name, "feed.title", item is not None and fold(item.title) == fold(entry["title"])
        )
        got = item.published_at.isoformat() if item else ""
        tally.check(name, "feed.published_at", got == entry["published_at"], got)
        tally.check(
            name, "feed.language", item is not None and item.language == expected["language"]
        )


def expected_file_check(path: Path, tally: Tally) -> None:
    """Pages and feeds listed in one expected file (paths relative to it):

    `{"pages": [{"file": ..., "kind": "article" | "index" | "feed", ...}]}`. An article has the
    fields of a hand-checked page (`title`, `published_at` with offset, `canonical_url`,
    `language`, `body_starts_with`, `must_not_contain` (not in the lead or body),
    `body_must_not_contain` (a standfirst the lead keeps), `*_alternatives`, also
    `body_starts_with_alternatives` where a lead paragraph may be read either way) and
    optionally the `assume_timezone`/`base_url`/`url_from` ("path" or "sidecar": the URL in
    NAME.url beside the page) the publisher would give; or `expect_error: FIELD` where the page
    lacks the fact (then a rejection on that field is right). An index page must be rejected as no
    article. A feed has `entry_count`, `language` and `first_entries` (`link`, `title`,
    `published_at`, `lead`, optionally `not_in_text` (a caption) and `image_url`).
    """
    listed = json.loads(path.read_text(encoding="utf-8"))
    for entry in listed["pages"]:
        check_entry(path.parent, entry, tally)


def check_entry(folder: Path, entry: dict[str, Any], tally: Tally) -> None:
    """One page or feed of an expected file (its path relative to `folder`)."""
    file = folder / entry["file"]
    name = Path(entry["file"]).stem
    options = page_options(
        entry.get("assume_timezone"), entry.get("base_url"), entry.get("url_from")
    )
    kind = entry.get("kind", "article")
    if kind == "feed":
        check_listed_feed(file, entry, tally, options)
    elif kind == "index":
        items, errors = read_one(file, options)
        clear = bool(errors) and all(": page: " in e for e in errors)
        tally.check(name, "page.index_rejected", not items and clear, "; ".join(errors)[:200])
    elif entry.get("expect_error"):
        items, errors = read_one(file, options)
        field = f": {entry['expect_error']}:"
        ok = not items and any(field in e for e in errors)
        tally.check(name, "page.clear_rejection", ok, "; ".join(errors)[:200])
    else:
        check_listed_article(file, entry, tally, options)


def entry_publisher(entry: dict[str, Any]) -> str:
    """Whose page an expected file's entry is: its `publisher`, else the folder its file is in,
    else its canonical URL's host."""
    if entry.get("publisher"):
        return str(entry["publisher"])
    parts = Path(entry["file"]).parts
    if len(parts) > 1:
        return parts[-2]
    host = urlsplit(entry.get("canonical_url") or "").hostname or ""
    return host.removeprefix("www.") or Path(entry["file"]).stem


def expected_holdout(path: Path) -> tuple[Tally, list[dict[str, Any]]]:
    """An expected file's pages publisher by publisher (`entry_publisher`)."""
    listed = json.loads(path.read_text(encoding="utf-8"))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in listed["pages"]:
        groups[entry_publisher(entry)].append(entry)

    def checker(entries: list[dict[str, Any]]) -> Callable[[Tally], None]:
        def check(tally: Tally) -> None:
            for entry in entries:
                check_entry(path.parent, entry, tally)

        return check

    return by_publisher((name, checker(groups[name])) for name in sorted(groups))


def check_listed_article(path: Path, expected: dict[str, Any], tally: Tally, options: Any) -> None:
    """A hand-checked page, plus `page.all_correct`: every field right (the issue's target)."""
    extra = {
        "title_alternatives": expected.get("title_alternatives", []),
        "published_at_alternatives": expected.get("published_at_alternatives", []),
        "body_starts_with_alternatives": expected.get("body_starts_with_alternatives", []),
    }
    urls = [expected["canonical_url"], *expected.get("canonical_url_alternatives", [])]
    check_hand_checked(path, {**expected, "extra": extra}, tally, options=options, urls=urls)


def check_listed_feed(path: Path, expected: dict[str, Any], tally: Tally, options: Any) -> None:
    name = path.stem
    items, _errors = read_one(path, options)
    tally.check(name, "feed.entries", len(items) == expected["entry_count"], str(len(items)))
    tracked = [i.url for i in items if TRACKING.search(i.url)]
    tally.check(name, "feed.links_untracked", not tracked, "; ".join(tracked[:2]))
    by_link = {item.url: item for item in items}
    for entry in expected["first_entries"]:
        item = by_link.get(entry["link"])
        tally.check(name, "feed.link", item is not None, entry["link"])
        if item is None:
            continue
        tally.check(name, "feed.title", fold(item.title) == fold(entry["title"]), item.title)
        got = item.published_at.isoformat()
        tally.check(name, "feed.published_at", got == entry["published_at"], got)
        tally.check(name, "feed.language", item.language == expected["language"], item.language)
        tally.check(name, "feed.lead", fold(item.lead) == fold(entry["lead"]), item.lead[:80])
        if entry.get("not_in_text"):
            text = fold(f"{item.lead} {item.body}")
            tally.check(name, "feed.no_caption", fold(entry["not_in_text"]) not in text)
        if entry.get("image_url"):
            tally.check(name, "feed.image", item.image_url == entry["image_url"], item.image_url)


TRACKING = re.compile(r"[?&](?:utm_[a-z]+|partner|emc|fbclid|gclid)=", re.IGNORECASE)


def run(corpus: Path) -> Tally:
    tally = Tally()
    for publisher in sorted(p for p in corpus.iterdir() if p.is_dir()):
        run_publisher(publisher, tally)
    return tally


def run_publisher(folder: Path, tally: Tally) -> None:
    """Every page and feed of one publisher's folder, checked against what is known of it."""
    for expected_path in sorted(folder.glob("*.expected.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        stem = expected_path.name.removesuffix(".expected.json")
        if expected.get("kind") == "feed":
            check_feed(expected_path.with_name(stem + ".xml"), expected, tally)
        else:
            check_hand_checked(expected_path.with_name(stem + ".html"), expected, tally)
    for expected_path in sorted(folder.glob("*.expected-metadata.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        stem = expected_path.name.removesuffix(".expected-metadata.json")
        check_readability(expected_path.with_name(stem + ".html"), expected, tally)


def holdout(corpus: Path) -> tuple[Tally, list[dict[str, Any]]]:
    """The corpus publisher by publisher: the overall tally and one row per publisher."""
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())

    def checker(folder: Path) -> Callable[[Tally], None]:
        return lambda tally: run_publisher(folder, tally)

    return by_publisher((folder.name, checker(folder)) for folder in folders)


def by_publisher(
    groups: Iterable[tuple[str, Callable[[Tally], None]]],
) -> tuple[Tally, list[dict[str, Any]]]:
    """Each publisher's checks in a tally of its own: the overall tally and one row each."""
    overall = Tally()
    rows: list[dict[str, Any]] = []
    for name, check in groups:
        tally = Tally()
        check(tally)
        for field, (correct, total) in tally.counts.items():
            overall.counts[field][0] += correct
            overall.counts[field][1] += total
        overall.misses.update(tally.misses)
        right, articles = tally.counts.get("page.all_correct", [0, 0])
        rows.append(
            {
                "publisher": name,
                "articles": articles,
                "all_correct": right,
                "fields": {f: f"{c}/{t}" for f, (c, t) in sorted(tally.counts.items())},
                "misses": {page: misses for page, misses in sorted(tally.misses.items())},
            }
        )
    return overall, rows


def spread(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Articles right in every field, overall and as the spread of per-publisher shares."""
    with_articles = [r for r in rows if r["articles"]]
    shares = sorted(r["all_correct"] / r["articles"] for r in with_articles)
    articles = sum(r["articles"] for r in with_articles)
    right = sum(r["all_correct"] for r in with_articles)
    return {
        "articles": articles,
        "all_correct": right,
        "all_correct_share": round(right / articles, 3) if articles else 0.0,
        "publishers": len(with_articles),
        "publishers_all_right": sum(1 for s in shares if s == 1.0),
        "publisher_share_min": round(shares[0], 3) if shares else None,
        "publisher_share_median": round(shares[len(shares) // 2], 3) if shares else None,
        "publisher_share_max": round(shares[-1], 3) if shares else None,
        "worst": [r["publisher"] for r in with_articles if r["all_correct"] < r["articles"]],
        # Refused with an error that names the option a publisher gives for pages that state no
        # UTC offset or no URL: right by design without that option, so counted apart.
        "refused_needing_option": sum(
            1
            for r in with_articles
            for misses in r["misses"].values()
            if any(m.startswith("page.imported") and OPTION_HINT.search(m) for m in misses)
        ),
    }


OPTION_HINT = re.compile(r"--assume-timezone|--base-url|--url-from")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "pages")
    parser.add_argument("--details", action="store_true", help="one line per page with misses")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="figures per publisher folder and the spread of articles right in every field",
    )
    parser.add_argument(
        "--expected",
        type=Path,
        help="measure your own pages: a JSON file listing them with their facts (see the doc)",
    )
    parser.add_argument("--assume-timezone", help="as `recommender extract --assume-timezone`")
    parser.add_argument("--base-url", help="as `recommender extract --base-url`")
    parser.add_argument(
        "--site-rules", type=Path, help="as `recommender extract --site-rules` (every page)"
    )
    parser.add_argument(
        "--code", type=checkout, help="measure the importer of another checkout (e.g. main's)"
    )
    parser.add_argument(
        "--hashed-names",
        action="store_true",
        help="read every page with its class names and ids renamed to hashes of themselves: how"
        " the importer does on sites whose CSS tooling names elements so",
    )
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, str(args.code))
    if args.hashed_names:
        HASHED_NAMES.append(True)
    set_options(args.assume_timezone, args.base_url, args.site_rules)
    rows: list[dict[str, Any]] = []
    if args.expected:
        if not args.expected.is_file():
            sys.exit(f"no expected file at {args.expected}")
        if args.holdout:
            tally, rows = expected_holdout(args.expected)
        else:
            tally = Tally()
            expected_file_check(args.expected, tally)
    elif not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus} (see ../shared/data/pages/README.md)")
    elif args.holdout:
        tally, rows = holdout(args.corpus)
    else:
        tally = run(args.corpus)
    import recommender

    code = str(Path(recommender.__file__).resolve().parents[1])
    options = {
        "assume_timezone": args.assume_timezone,
        "base_url": args.base_url,
        "site_rules": str(args.site_rules) if args.site_rules else None,
        "code": code,
        "expected": str(args.expected) if args.expected else None,
        "hashed_names": args.hashed_names,
    }
    summary: dict[str, Any] = {"benchmark": "extraction", "options": options}
    if args.holdout:
        summary["mode"] = "holdout"
        summary["summary"] = spread(rows)
    emit({**summary, "fields": tally.table(), "machine": machine()})
    for row in rows:
        emit(row)
    if args.details and not args.holdout:
        for page, misses in sorted(tally.misses.items()):
            emit({"page": page, "misses": misses})


if __name__ == "__main__":
    main()
