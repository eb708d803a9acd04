"""Where items come from: JSONL/CSV files, RSS/Atom feeds and HTML article pages, local or by URL.

Every source lands in one `ImportReport` with the same row-level errors as the file import:
`file:line` for JSONL/CSV, `feed:entry` for feeds (entry number, 1-based), `page:1` for a page, and
`list:line` when a URL named in a URL list cannot be fetched.

- `*.jsonl`, `*.ndjson`, `*.csv`: the import format (recommender.ingest.importer);
- `*.xml`, `*.rss`, `*.atom`, or a URL that serves a feed: each entry is an item (feedparser);
- `*.html`, `*.htm`, or a URL that serves a page: the article is extracted and page furniture
  removed (trafilatura, plus the clutter lines of recommender.ingest.text);
- `*.txt`, `*.urls`: a URL list, one URL a line (`#` starts a comment);
- a folder: every file of the kinds above inside it (URL lists excepted), recursively.

Items from feeds and pages get an id made from their URL (`url_item_id`), so the same article
found in a feed and as a page is one item.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from recommender import __version__
from recommender.ingest.importer import (
    SUPPORTED_SUFFIXES as TABLE_SUFFIXES,
)
from recommender.ingest.importer import (
    ImportReport,
    RowError,
    read_rows,
    validate_row,
)
from recommender.ingest.text import CLUTTER_LINE

FEED_SUFFIXES = (".xml", ".rss", ".atom")
PAGE_SUFFIXES = (".html", ".htm")
URL_LIST_SUFFIXES = (".txt", ".urls")
FOLDER_SUFFIXES = (*TABLE_SUFFIXES, *FEED_SUFFIXES, *PAGE_SUFFIXES)
FEED_TYPES = ("rss", "atom", "rdf", "application/xml", "text/xml")
MAX_FETCH_BYTES = 20 * 1024 * 1024
USER_AGENT = f"recommender/{__version__} (+batch re-index job)"

# Page furniture that survives boilerplate removal as whole short lines: login and subscription
# prompts, the headings of related-article and share blocks.
PAGE_CLUTTER_LINE = re.compile(
    r"^\s*(?:"
    r"(?=.{0,120}$)(?:silakan |silahkan |please )?"
    r"(?:masuk|login|log in|daftar|sign in|sign up|subscribe|berlangganan)\b.*"
    r"\b(?:baca|membaca|artikel|lanjut|melanjutkan|akses|komentar|berkomentar|read|continue|access)\b.*"
    r"|(?:berita|artikel|baca) (?:terkait|lainnya|terpopuler|pilihan)\s*:?"
    r"|related (?:articles?|stories|news|posts)\s*:?"
    r"|(?:bagikan|share)(?: (?:artikel|berita|this|this article))?\s*:?"
    r")\s*$",
    re.IGNORECASE,
)
# Elements removed before extraction, by class or id token ("baca-juga" matches "baca juga").
CLUTTER_TOKENS = (
    "related",
    "terkait",
    "baca juga",
    "login",
    "paywall",
    "subscribe",
    "newsletter",
    "iklan",
    "ads",
    "advert",
    "advertisement",
    "share",
    "social",
    "comments",
    "komentar",
)
BLOCK_TAGS = frozenset(
    {"p", "div", "li", "br", "blockquote", "tr", "section", "article", "ul", "ol", "figure"}
    | {"figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}
)
WHITESPACE = re.compile(r"[ \t\r\f\v\xa0]+")
ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def _token_xpath(attribute: str, token: str) -> str:
    folded = (
        f"concat(' ', translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_',"
        f" 'abcdefghijklmnopqrstuvwxyz  '), ' ')"
    )
    return f"contains({folded}, ' {token} ')"


PRUNE_XPATH = [
    "//*[" + " or ".join(_token_xpath(a, t) for a in ("class", "id") for t in CLUTTER_TOKENS) + "]"
]


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def url_item_id(url: str) -> str:
    """A readable, stable id for an item known by its URL: host and path joined by ':'.

    `https://www.kabar.example/nasional/banjir-1?utm=x` -> `kabar.example:nasional:banjir-1`.
    Ids longer than 128 characters keep their start and end in a hash.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [ID_UNSAFE.sub("-", s).strip("-") for s in parts.path.split("/")]
    ident = ":".join([host, *(s for s in segments if s)])
    if len(ident) > 128:
        digest = hashlib.sha256(url.encode()).hexdigest()[:20]
        ident = f"{ident[:107]}-{digest}"
    return ident


def read_sources(
    sources: Iterable[str | Path], *, timeout: float = 20.0, report: ImportReport | None = None
) -> ImportReport:
    """Read every source into one report (the last occurrence of an id wins)."""
    out = report if report is not None else ImportReport()
    for source in sources:
        if is_url(source):
            read_url(str(source), out, timeout=timeout)
        else:
            for path in expand(Path(source)):
                read_file(path, out, timeout=timeout)
    return out


def expand(path: Path) -> list[Path]:
    """A file as is; a folder's supported files, recursively and sorted."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in FOLDER_SUFFIXES)
    return [path]


def read_file(path: Path, report: ImportReport, *, timeout: float) -> None:
    suffix = path.suffix.lower()
    if not path.exists() or suffix in TABLE_SUFFIXES:
        for line, raw in read_rows(path, report):  # reports a missing file itself
            _add(raw, str(path), line, report)
    elif suffix in FEED_SUFFIXES:
        read_feed(path.read_bytes(), str(path), report)
    elif suffix in PAGE_SUFFIXES:
        read_page(path.read_bytes(), str(path), None, report)
    elif suffix in URL_LIST_SUFFIXES:
        for line, url in _url_lines(path, report):
            read_url(url, report, timeout=timeout, listed_at=(str(path), line))
    else:
        kinds = ", ".join((*TABLE_SUFFIXES, *FEED_SUFFIXES, *PAGE_SUFFIXES, *URL_LIST_SUFFIXES))
        report.errors.append(
            RowError(str(path), 0, "file", f"unsupported file type {suffix!r} (use {kinds})")
        )


def _url_lines(path: Path, report: ImportReport) -> Iterator[tuple[int, str]]:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        url = text.split("#", 1)[0].strip()
        if not url:
            continue
        if not is_url(url):
            report.rows += 1
            report.errors.append(RowError(str(path), number, "url", "not an http(s) URL"))
            continue
        yield number, url


def fetch(url: str, timeout: float) -> tuple[bytes, str, str]:
    """GET `url`: (body, content type, final URL after redirects)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(MAX_FETCH_BYTES + 1)
        if len(body) > MAX_FETCH_BYTES:
            raise ValueError(f"larger than {MAX_FETCH_BYTES} bytes")
        return body, response.headers.get_content_type(), response.geturl()


def read_url(
    url: str,
    report: ImportReport,
    *,
    timeout: float,
    listed_at: tuple[str, int] | None = None,
) -> None:
    """Fetch a URL and read it as a feed or a page, whichever it serves."""
    try:
        body, content_type, final_url = fetch(url, timeout)
    except urllib.error.HTTPError as exc:
        reason: object = f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
    else:
        if looks_like_feed(content_type, body):
            read_feed(body, url, report)
        else:
            read_page(body, url, final_url, report)
        return
    file, line = listed_at or (url, 0)
    report.rows += 1
    report.errors.append(RowError(file, line, "url", f"cannot fetch {url}: {reason}"))


def looks_like_feed(content_type: str, body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    if b"<html" in head:
        return False
    return any(t in content_type for t in FEED_TYPES) or any(
        tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")
    )


def read_feed(data: bytes, source: str, report: ImportReport) -> None:
    """Each entry of an RSS/Atom feed becomes an item (entry numbers are 1-based)."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        report.rows += 1
        why = f"not a readable feed: {feed.get('bozo_exception')}" if feed.bozo else "no entries"
        report.errors.append(RowError(source, 0, "feed", why))
        return
    language = str(feed.feed.get("language") or "").split("-")[0].lower() or None
    for number, entry in enumerate(feed.entries, start=1):
        _add(feed_record(entry, language), source, number, report)


def feed_record(entry: Any, language: str | None) -> dict[str, Any]:
    """The import-format record of one feed entry (validated by the caller)."""
    link = entry.get("link") or ""
    summary = html_text(entry.get("summary") or "")
    content = html_text(entry["content"][0].get("value", "")) if entry.get("content") else ""
    tags = [t["term"] for t in entry.get("tags") or [] if t.get("term")]
    authors = [a["name"] for a in entry.get("authors") or [] if a.get("name")]
    record: dict[str, Any] = {
        "title": html_text(entry.get("title") or ""),
        "lead": summary,
        "body": content if content != summary else "",
        "url": link,
        "type": "video" if _media(entry, "video") else "article",
        "image_url": _media(entry, "image"),
        "section": tags[0] if tags else None,
        "tags": tags,
        "authors": authors or ([entry["author"]] if entry.get("author") else []),
        "published_at": _feed_date(_raw(entry, "published") or _raw(entry, "updated")),
        "updated_at": _feed_date(_raw(entry, "updated")) if _raw(entry, "published") else None,
    }
    if link or entry.get("id"):
        record["id"] = url_item_id(link) if link else ID_UNSAFE.sub("-", entry["id"])[:128]
    if language:
        record["language"] = language
    return {k: v for k, v in record.items() if v is not None}


def _raw(entry: Any, key: str) -> Any:
    """A field as the feed gave it (feedparser's own `get` maps `updated` to `published`)."""
    return dict.get(entry, key)


def _feed_date(raw: str | None) -> datetime | str | None:
    """ISO 8601 (Atom) or RFC 822 (RSS), keeping the feed's own offset; unreadable stays raw."""
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw)  # naive when the feed gave no zone: rejected later
    except (TypeError, ValueError):
        return raw


def _media(entry: Any, kind: str) -> str | None:
    """The first enclosure or media:content/thumbnail URL of a kind (image or video)."""
    candidates = [
        *(entry.get("media_content") or []),
        *(entry.get("enclosures") or []),
        *((entry.get("media_thumbnail") or []) if kind == "image" else []),
    ]
    for media in candidates:
        url = media.get("url") or media.get("href")
        medium = media.get("medium") or str(media.get("type", "")).split("/")[0] or "image"
        if url and medium == kind:
            return str(url)
    return None


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block, clutter lines dropped."""
    if "<" not in fragment:
        return clean_lines(fragment)
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on broken markup
        return clean_lines(re.sub(r"<[^>]+>", " ", fragment))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return clean_lines(root.text_content())


def clean_lines(text: str, *, drop_first: str | None = None) -> str:
    """Fold whitespace per line and drop empty and clutter lines (and a repeated headline)."""
    lines = [WHITESPACE.sub(" ", line).strip() for line in text.splitlines()]
    kept = [
        line
        for line in lines
        if line and not CLUTTER_LINE.match(line) and not PAGE_CLUTTER_LINE.match(line)
    ]
    if drop_first and kept and kept[0].casefold() == drop_first.strip().casefold():
        kept = kept[1:]
    return "\n".join(kept)


def read_page(data: bytes, source: str, url: str | None, report: ImportReport) -> None:
    """One article page: main text and metadata extracted, furniture removed."""
    record = page_record(data, url)
    if record is None:
        report.rows += 1
        report.errors.append(RowError(source, 1, "body", "no article text found in the page"))
        return
    _add(record, source, 1, report)


def page_record(data: bytes, url: str | None) -> dict[str, Any] | None:
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(data)
    except Exception:  # empty or undecodable documents
        return None
    language = (tree.get("lang") or "").split("-")[0].lower() or None
    extracted = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        prune_xpath=PRUNE_XPATH,
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    if extracted is None:
        return None
    doc = extracted if isinstance(extracted, dict) else extracted.as_dict()
    if not (doc.get("text") or "").strip():
        return None
    canonical = doc.get("url") or url or ""
    title = (doc.get("title") or "").strip()
    tags = [t.strip() for raw in doc.get("tags") or [] for t in raw.split(",") if t.strip()]
    record: dict[str, Any] = {
        "title": title,
        "lead": clean_lines(doc.get("description") or ""),
        "body": clean_lines(doc.get("text") or "", drop_first=title),
        "url": canonical,
        "image_url": doc.get("image"),
        "section": (doc.get("categories") or [None])[0],
        "tags": tags,
        "authors": [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()],
        "published_at": doc.get("date"),
        "language": language,
    }
    if canonical:
        record["id"] = url_item_id(canonical)
    return {k: v for k, v in record.items() if v is not None}


def _add(raw: dict[str, Any], source: str, line: int, report: ImportReport) -> None:
    report.rows += 1
    article = validate_row(raw, source, line, report)
    if article is not None:
        report.add(article)
