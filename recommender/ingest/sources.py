"""Where items come from: JSONL/CSV files, RSS/Atom feeds and HTML article pages, local or by URL.

Every source lands in one `ImportReport` with the same row-level errors as the file import:
`file:line` for JSONL/CSV, `feed:entry` for feeds (entry number, 1-based), `page:1` for a page, and
`list:line` when a URL named in a URL list cannot be fetched.

- `*.jsonl`, `*.ndjson`, `*.csv`: the import format (recommender.ingest.importer);
- `*.xml`, `*.rss`, `*.atom`, or a URL that serves a feed: each entry is an item (`feeds`);
- `*.html`, `*.htm`, or a URL that serves a page: the article is extracted and page furniture
  removed (`html.page`);
- `*.mhtml`, `*.mht`: a page saved as one file by a browser, read as that page (`mhtml`);
- `*.warc`, `*.warc.gz`, `*.arc`, `*.arc.gz`: a web archive (a crawl), each HTML page it holds
  read as a page at the URL it was fetched from (`warc`); errors at `archive:record`;
- a sitemap (`<urlset>` or `<sitemapindex>`, in an `*.xml` or `*.xml.gz` file or by URL): a URL
  list, an index's sitemaps read in turn (`sitemaps`);
- `*.txt`, `*.urls`: a URL list, one URL a line (`#` starts a comment);
- a folder: every file of the kinds above inside it (URL lists and `*.xml.gz` excepted),
  recursively.

The pages of files and archives are extracted by worker processes (`extraction.PagePool`,
`ReadOptions.extract_workers`), landing in the report in the order they were read.

Lines that a site repeats on many of the pages read together (its template's text) leave their
bodies afterwards (`recommender.ingest.boilerplate`).

A saved page that names no canonical URL gets one from `--url-from`: `path` (the default) joins its
path under the folder named on the command line to `--base-url`; `sidecar` reads the URL from the
file `NAME.url` beside `NAME.html` (one line, the URL; a Windows `[InternetShortcut]` file's
`URL=` line works too).

Items from feeds and pages get an id made from their URL (`url_item_id`), so the same article
found in a feed and as a page is one item.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from itertools import islice
from pathlib import Path
from typing import Any

from recommender import __version__
from recommender.ingest import mhtml, warc
from recommender.ingest.boilerplate import drop_site_boilerplate
from recommender.ingest.extraction import (
    INLINE_PAGES,
    Outcome,
    PageJob,
    PagePool,
    default_workers,
    extract,
    internal_error,
)
from recommender.ingest.feeds import feed_records
from recommender.ingest.fetchlog import Known, vouches
from recommender.ingest.html.body import fragment_text as html_text
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, UrlFrom, sidecar_name
from recommender.ingest.importer import (
    SUPPORTED_SUFFIXES as TABLE_SUFFIXES,
)
from recommender.ingest.importer import (
    ImportReport,
    RowError,
    read_rows,
    utf8_lines,
    validate_row,
)
from recommender.ingest.links import has_host, is_url, request_url, url_item_id
from recommender.ingest.sitemaps import (
    MAX_SITEMAP_BYTES,
    gunzipped,
    lastmod_time,
    looks_like_sitemap,
    read_sitemap,
)
from recommender.settings import Settings

log = logging.getLogger("recommender.ingest")

__all__ = [
    "ReadOptions",
    "drop_page_boilerplate",
    "html_text",
    "is_url",
    "read_each",
    "read_sources",
    "url_item_id",
]

FEED_SUFFIXES = (".xml", ".rss", ".atom")
PAGE_SUFFIXES = (".html", ".htm")
URL_LIST_SUFFIXES = (".txt", ".urls")
SITEMAP_GZ_SUFFIX = ".xml.gz"  # a compressed sitemap (or feed)
# Sitemap levels a source may open: an index, then the sitemaps it lists (the protocol's two).
SITEMAP_LEVELS = 2
FOLDER_SUFFIXES = (
    *TABLE_SUFFIXES,
    *FEED_SUFFIXES,
    *PAGE_SUFFIXES,
    *mhtml.SUFFIXES,
    *warc.SUFFIXES,  # `.warc.gz` and `.arc.gz` found by `warc.is_archive`: their suffix is `.gz`
)
FEED_TYPES = ("rss", "atom", "rdf", "application/xml", "text/xml")
MAX_FETCH_BYTES = warc.MAX_PAGE_BYTES  # 20 MB: a page fetched by URL, or read from an archive
USER_AGENT = f"recommender/{__version__} (+batch re-index job)"


def _no_count(count: int = 1) -> None:
    return None


def _nothing_known(url: str) -> Known | None:
    return None


@dataclass(frozen=True)
class ReadOptions:
    """How sources are read: fetch timeout, and the page options (zone, base URL). `listed` is
    told how many URLs a sitemap or URL list names, `read` each time one of them has been read
    (a job's progress: `Step.grow`, `Step.advance`). `known(url)`: the last import of a page a
    sitemap or URL list names, while its item is in the snapshot (an update's `FetchLog.known`):
    a `<lastmod>` that `vouches` for it spares its fetch, else it is fetched conditionally.
    `fetch_workers`: how many of those pages are fetched at once (read in order all the same).
    `extract_workers`: how many processes extract the pages of files, folders and archives
    (`extraction.PagePool`; 1: this process)."""

    timeout: float = 20.0
    page: PageOptions = field(default_factory=PageOptions)
    listed: Callable[[int], None] = field(default=_no_count, compare=False)
    read: Callable[[], None] = field(default=_no_count, compare=False)
    known: Callable[[str], Known | None] = field(default=_nothing_known, compare=False)
    fetch_workers: int = 1  # pages of a sitemap or URL list fetched at once (`fetched_in_order`)
    extract_workers: int = 1  # processes extracting the pages of files and archives (`PagePool`)
    extract_inline: int = INLINE_PAGES  # the first pages of a read, extracted in this process

    @classmethod
    def from_settings(
        cls, settings: Settings, *, base_url: str | None = None, url_from: UrlFrom = "path"
    ) -> ReadOptions:
        """The jobs' fetch timeout, assumed zone and site rules, plus a command's
        --base-url/--url-from; InvalidInput for a site rules file that cannot be used."""
        from zoneinfo import ZoneInfo

        from recommender.errors import InvalidInput
        from recommender.ingest.html import siterules

        if base_url is not None and not (is_url(base_url.strip()) and has_host(base_url.strip())):
            raise InvalidInput(
                f"--base-url {base_url[:200]!r} is not a site's address (write it as"
                " https://site.example/)"
            )
        zone = settings.jobs.assume_timezone
        try:
            rules = siterules.load(settings.jobs.site_rules) if settings.jobs.site_rules else None
        except siterules.SiteRulesError as exc:
            raise InvalidInput(str(exc)) from None
        page = PageOptions(
            assume_timezone=ZoneInfo(zone) if zone else None,
            base_url=base_url,
            url_from=url_from,
            site_rules=rules,
            time_limit=settings.jobs.page_time_limit_seconds or None,
        )
        jobs = settings.jobs
        return cls(
            timeout=jobs.fetch_timeout_seconds,
            page=page,
            fetch_workers=jobs.fetch_concurrency,
            extract_workers=jobs.extract_workers or default_workers(),
        )


def read_sources(
    sources: Iterable[str | Path],
    *,
    timeout: float = 20.0,
    report: ImportReport | None = None,
    options: ReadOptions | None = None,
) -> ImportReport:
    """Read every source into one report (the last occurrence of an id wins), then drop the lines
    a site repeats on many of the pages read (`drop_page_boilerplate`)."""
    out = report if report is not None else ImportReport()
    read_each(sources, report=out, options=options or ReadOptions(timeout=timeout))
    drop_page_boilerplate(out)
    return out


def read_each(
    sources: Iterable[str | Path],
    *,
    report: ImportReport,
    options: ReadOptions,
    pages: PagePool | None = None,
) -> ImportReport:
    """Read every source into `report`, each on its own (no pass over the pages together); the
    pages of files and archives extracted by `options.extract_workers` processes, landing in the
    report in order, all of them by the time it returns. `pages`: a pool a job keeps across its
    sources (its workers started once), left open; without one, a pool of this read's own."""
    if pages is None:
        with PagePool(options.page, options.extract_workers, options.extract_inline) as own:
            return read_each(sources, report=report, options=options, pages=own)
    for source in sources:
        if is_url(source):
            pages.flush()
            read_url(str(source), report, options)
            continue
        root = Path(source)
        paths = expand(root)
        if not paths:
            pages.flush()
            kinds = ", ".join(FOLDER_SUFFIXES)
            report.empty.append(f"{root}: no file to import in this folder (none of {kinds})")
        folder = root.is_dir()
        if folder:  # a folder's files join a job's progress, as a sitemap's pages do
            options.listed(len(paths))
        for path in paths:
            before, noted = _progress(report), len(report.empty)
            try:
                deferred = read_file(
                    path, report, options, relative=_relative(path, root), pages=pages
                )
            except OSError as exc:  # unreadable (permissions, a failing disk): the others land
                pages.flush()
                report.rows += 1
                why = f"cannot be read ({exc.strerror or exc})"
                report.errors.append(RowError(str(path), 0, "file", why))
                deferred = True  # said why
            if not deferred and _progress(report) == before and len(report.empty) == noted:
                report.empty.append(f"{path}: {_nothing_in(path)}")  # unless it said why
            if folder:
                options.read()
    pages.flush()
    return report


def _progress(report: ImportReport) -> tuple[int, int, int, int]:
    """What reading a source adds to `report`: rows, errors, items and unchanged pages."""
    return report.rows, len(report.errors), len(report.items), report.pages_unchanged


def _nothing_in(path: Path) -> str:
    """Why a file that exists gave neither a row nor an error."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        return "the file is empty"
    if suffix == ".csv":
        return "a header line and no rows"
    if suffix in TABLE_SUFFIXES:
        return "no records (blank lines only)"
    if suffix in URL_LIST_SUFFIXES:
        return "no URLs (blank and comment lines only)"
    return "nothing to import in it"


def _kinds() -> str:
    return ", ".join(
        (
            *TABLE_SUFFIXES,
            *FEED_SUFFIXES,
            SITEMAP_GZ_SUFFIX,
            *PAGE_SUFFIXES,
            *mhtml.SUFFIXES,
            *warc.SUFFIXES,
            *URL_LIST_SUFFIXES,
        )
    )


def drop_page_boilerplate(report: ImportReport) -> None:
    """Lines a site repeats on many of the pages read together are its template's: out of every
    page item's body (`recommender.ingest.boilerplate`)."""
    read = [report.items[i] for i in sorted(report.pages) if i in report.items]
    report.items.update(drop_site_boilerplate(read))


def _relative(path: Path, root: Path) -> str:
    """The file's path under the folder named on the command line (its name for a file)."""
    return path.relative_to(root).as_posix() if root.is_dir() else path.name


def expand(path: Path) -> list[Path]:
    """A file as is; a folder's supported files, recursively and sorted, less what a browser
    saved beside a page (`resource_folder`)."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if (p.suffix.lower() in FOLDER_SUFFIXES or warc.is_archive(p.name))
            and not p.is_dir()  # a folder named like a page (wget's `story.html/` of a path)
            and not resource_folder(p.relative_to(path), path)
        )
    return [path]


# What browsers name the folder of a page's parts when they save it "complete" (`banjir.html` and
# `banjir_files/`): Chrome, Firefox, Edge and Internet Explorer write `_files`.
RESOURCE_FOLDER_SUFFIX = "_files"


def resource_folder(relative: Path, root: Path) -> bool:
    """`relative` (under `root`) lies in the folder of parts a browser saved beside a page
    (`banjir_files/` beside `banjir.html`): its frames (ads, players, social embeds) and styles,
    no articles of the folder's own."""
    at = root
    for part in relative.parts[:-1]:
        if part.endswith(RESOURCE_FOLDER_SUFFIX):
            stem = part.removesuffix(RESOURCE_FOLDER_SUFFIX)
            if any((at / f"{stem}{suffix}").is_file() for suffix in PAGE_SUFFIXES):
                return True
        at = at / part
    return False


def read_file(
    path: Path,
    report: ImportReport,
    options: ReadOptions,
    *,
    relative: str,
    pages: PagePool | None = None,
) -> bool:
    """One file read into `report`; its pages (an HTML file's, an archive's) extracted by `pages`
    (in this process without one). True when some are still in `pages`, to land later."""
    pool = pages if pages is not None else PagePool(options.page)
    suffix = path.suffix.lower()
    if path.exists() and not path.is_file() and not path.is_dir():
        pool.flush()  # what the pages before this file gave lands first
        report.rows += 1
        why = "not a regular file (a named pipe, a socket or a device): not read"
        report.errors.append(RowError(str(path), 0, "file", why))
        return False
    if path.exists() and warc.is_archive(path.name):
        return read_archive(path, report, options, pool) and pages is not None
    if path.exists() and suffix in PAGE_SUFFIXES:
        return read_page_file(path, report, options.page, relative, pool) and pages is not None
    if path.exists() and suffix in mhtml.SUFFIXES:
        return read_saved_page(path, report, options.page, relative, pool) and pages is not None
    pool.flush()  # what the pages before this file gave lands first
    if not path.exists() or suffix in TABLE_SUFFIXES:
        for line, raw in read_rows(path, report):  # reports a missing file itself
            _add(raw, str(path), line, report)
    elif suffix in FEED_SUFFIXES or path.name.lower().endswith(SITEMAP_GZ_SUFFIX):
        if path.stat().st_size > MAX_SITEMAP_BYTES:  # read no further: the protocol's limit
            report.rows += 1
            why = f"larger than {MAX_SITEMAP_BYTES // 2**20} MB, a sitemap's limit: not read"
            report.errors.append(RowError(str(path), 0, "file", why))
            return False
        try:
            data = gunzipped(path.read_bytes())
        except ValueError as exc:
            report.rows += 1
            report.errors.append(RowError(str(path), 0, "file", str(exc)))
            return False
        if looks_like_sitemap(data):
            read_sitemap_source(data, str(path), report, options, SITEMAP_LEVELS)
        else:
            read_feed(data, str(path), report, options.page.assume_timezone)
    elif suffix in URL_LIST_SUFFIXES:
        listed = list(_url_lines(path, report))
        options.listed(len(listed))
        urls = [(url, options.known(url)) for _, url in listed]
        fetched = fetched_in_order(urls, options.timeout, options.fetch_workers)
        for (line, url), (_, known), got in zip(listed, urls, fetched, strict=True):
            at = (str(path), line)  # a URL list may name sitemaps too (`SITEMAP_LEVELS`)
            read_listed(
                url, got, known, report, options, listed_at=at, sitemap_levels=SITEMAP_LEVELS
            )
            options.read()
    else:
        report.errors.append(
            RowError(str(path), 0, "file", f"unsupported file type {suffix!r} (use {_kinds()})")
        )
    return False


def read_page_file(
    path: Path, report: ImportReport, options: PageOptions, relative: str, pages: PagePool
) -> bool:
    """A saved `.html` page, extracted by `pages`; True when it was handed to them (its record
    or error lands in order), False when it was refused or read here (a feed saved under a
    page's name)."""
    source = str(path)
    try:
        url = sidecar_url(path, options) if options.url_from == "sidecar" else None
        if path.stat().st_size > MAX_FETCH_BYTES:  # read no further: no article is that large
            raise too_large_page()
    except ExtractionError as exc:
        pages.flush()
        page_rejected(report, source, exc)
        return False
    data = path.read_bytes()
    if looks_like_feed("", data):  # a feed saved under a page's name ("sample_rss.html")
        pages.flush()
        read_feed(data, source, report, options.assume_timezone)
        return False
    pages.submit(PageJob(data, url=url, relative=relative), _lands_at(source, report))
    return True


def too_large_page() -> ExtractionError:
    """Why a page over MAX_FETCH_BYTES is not read: no article is that large."""
    return ExtractionError("page", f"larger than {MAX_FETCH_BYTES // 2**20} MB: not read as a page")


def read_saved_page(
    path: Path, report: ImportReport, options: PageOptions, relative: str, pages: PagePool
) -> bool:
    """A page a browser saved as one MHTML file: its HTML document read as a page (by `pages`),
    at the address the archive names (a sidecar's, with `--url-from sidecar`, comes first); an
    HTML document larger than a fetched page may be is refused unread. True when the page was
    handed to `pages`."""
    source = str(path)
    try:
        url = sidecar_url(path, options) if options.url_from == "sidecar" else None
        saved = mhtml.saved_page(path.read_bytes())
        if len(saved.html) > MAX_FETCH_BYTES:
            raise too_large_page()
    except ExtractionError as exc:
        pages.flush()
        page_rejected(report, source, exc)
        return False
    job = PageJob(saved.html, url=url or saved.url, relative=relative, charset=saved.charset)
    pages.submit(job, _lands_at(source, report))
    return True


def read_archive(path: Path, report: ImportReport, options: ReadOptions, pages: PagePool) -> bool:
    """Each HTML page a WARC file holds, read as a page at the URL the crawl fetched it from
    (errors at `archive:record`, the page's URL in the reason), and counted in a job's progress
    as it is found (`options.listed`, `options.read`). An archive without one is noted in
    `report.empty` with what it held instead; a damaged one is an error after the pages read
    before the damage. Its pages are extracted by `pages`: True when some were handed to them."""
    source = str(path)
    tally = warc.Tally()
    try:
        with warc.open_archive(path) as stream:
            for found in warc.archived_pages(stream, tally):
                options.listed(1)
                if isinstance(found, warc.BadRecord):
                    pages.flush()
                    report.rows += 1
                    error = found.error
                    reason = f"{error.reason} ({found.url})"
                    report.errors.append(RowError(source, found.number, error.field, reason))
                else:
                    job = PageJob(found.html, url=found.url, charset=found.charset)
                    pages.submit(job, _lands_at(source, report, found.number, found.url))
                options.read()
    except ExtractionError as exc:
        pages.flush()
        report.rows += 1
        report.errors.append(RowError(source, tally.records, exc.field, exc.reason))
        return tally.pages > 0
    if tally.pages == 0 and tally.records:
        pages.flush()
        report.empty.append(f"{source}: {tally.summary()}")
    return tally.pages > 0


def _lands_at(
    source: str, report: ImportReport, line: int = 1, about: str | None = None
) -> Callable[[Outcome], object]:
    """What lands a page in `report` (`land_page`): an archive's at its record, its URL after
    an error."""
    return lambda outcome: land_page(outcome, source, report, line=line, about=about)


def sidecar_url(page: Path, options: PageOptions) -> str | None:
    """The URL in `NAME.url` beside `NAME.html` (`--url-from sidecar`): the first line that is
    not blank or a comment, or a Windows Internet Shortcut's `URL=` line; a relative one is joined
    to --base-url. None when there is no such file."""
    from recommender.ingest.links import absolute

    sidecar = page.with_name(sidecar_name(page.name))
    if not sidecar.is_file():
        return None
    for text in sidecar.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        line = text.strip()
        if line.lower().startswith("url="):
            line = line[4:].strip()
        elif not line or line.startswith(("#", "[")) or "=" in line.split("/", 1)[0]:
            continue  # a comment, an [InternetShortcut] section or one of its other keys
        url = absolute(line, options.base_url)  # None for no URL (`http://[object Object]/`)
        if url and is_url(url):
            return url
        raise ExtractionError("url", f"sidecar {sidecar.name}: {line!r} is not an http(s) URL")
    raise ExtractionError("url", f"sidecar {sidecar.name} holds no URL")


def _url_lines(path: Path, report: ImportReport) -> Iterator[tuple[int, str]]:
    """The URLs of a list (UTF-8, `importer.utf8_lines`), each with its line."""
    for number, text in utf8_lines(path, report, "url"):
        url = text.split("#", 1)[0].strip()
        if not url:
            continue
        if not is_url(url):
            report.rows += 1
            report.errors.append(RowError(str(path), number, "url", "not an http(s) URL"))
            continue
        yield number, url


@dataclass(frozen=True)
class Fetched:
    body: bytes
    content_type: str
    charset: str | None
    url: str
    etag: str | None = None  # the answer's validators (`FetchLog`)
    last_modified: str | None = None


class WebRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed as browsers follow them: to http(s) addresses only. urllib's own
    handler also follows one to `ftp://`, which a page's server could point at any host."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_url(newurl):
            why = f"a redirect to {newurl[:200]!r}, not an http(s) address"
            raise urllib.error.HTTPError(req.full_url, code, why, headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.build_opener(WebRedirects)


def fetch(url: str, timeout: float, known: Known | None = None) -> Fetched:
    """GET `url`: body, content type and charset, the final URL after redirects and the
    answer's validators; conditional on `known`'s validators where it has them (a `304 Not
    Modified` raises urllib's HTTPError, as any answer but a 2xx does)."""
    headers = {"User-Agent": USER_AGENT}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    request = urllib.request.Request(request_url(url), headers=headers)
    with OPENER.open(request, timeout=timeout) as response:
        body = _read_within(response, timeout * FETCH_DEADLINE_TIMEOUTS)
        missing = response.length  # what its Content-Length still owes (None: not stated)
        if missing:  # the connection closed early: a page cut short is not read as a page
            raise ValueError(f"cut short: {len(body)} of {len(body) + missing} bytes came")
        answer = response.headers
        return Fetched(
            body,
            answer.get_content_type(),
            answer.get_content_charset(),
            response.geturl(),
            answer.get("ETag"),
            answer.get("Last-Modified"),
        )


# A fetch gives up once it has taken this many times the timeout in all: the timeout bounds each
# wait for bytes, and a server sending a few bytes at a time would hold the job for hours.
FETCH_DEADLINE_TIMEOUTS = 3
READ_CHUNK = 64 * 1024


def _read_within(response: Any, seconds: float) -> bytes:
    """The answer's body, read as it comes, refused past MAX_FETCH_BYTES or `seconds`."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(READ_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_FETCH_BYTES:
            raise ValueError(f"larger than {MAX_FETCH_BYTES // 2**20} MB: not read")
        if time.monotonic() > deadline:
            raise ValueError(f"slower than {seconds:g} s in all: not read")
    return b"".join(chunks)


@dataclass(frozen=True)
class Got:
    """A URL fetched: its answer and body (gzip inflated), or why there is none; when the
    fetch began; whether it answered `304 Not Modified` to a conditional request."""

    started: datetime
    answer: Fetched | None = None
    body: bytes = b""
    reason: object = None
    not_modified: bool = False


def fetch_one(url: str, timeout: float, known: Known | None = None) -> Got:
    """`fetch` (conditional on `known`) that never raises: a failure is the `Got`'s reason."""
    started = datetime.now(UTC)
    try:
        answer = fetch(url, timeout, known)
        return Got(started, answer, gunzipped(answer.body, MAX_SITEMAP_BYTES))
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and known is not None:
            return Got(started, not_modified=True)
        return Got(started, reason=f"HTTP {exc.code} {exc.reason}")
    except http.client.InvalidURL as exc:
        return Got(started, reason=f"no address a browser could open ({exc})")
    except http.client.HTTPException as exc:  # a malformed status line or header, a body cut
        why = f"{type(exc).__name__}: {str(exc).strip()[:200] or 'nothing'}"
        return Got(started, reason=f"the server's answer is no readable HTTP ({why})")
    except urllib.error.URLError as exc:
        return Got(started, reason=exc.reason)
    except UnicodeError as exc:  # its `reason` alone ("ordinal not in range(256)") says nothing
        return Got(started, reason=f"{type(exc).__name__}: {exc}")
    except (OSError, ValueError) as exc:
        return Got(started, reason=exc)


def fetched_in_order(
    urls: Sequence[tuple[str, Known | None]], timeout: float, workers: int = 1
) -> Iterator[Got]:
    """Each URL fetched (`fetch_one`, conditional on its `Known`), in order, with up to
    `workers` fetches under way at once (threads: a fetch waits on the network) and as many
    answers held at most. A site's pages listed by the thousand are fetched `workers` times
    faster, and read one after the other."""
    if workers <= 1 or len(urls) <= 1:
        for url, known in urls:
            yield fetch_one(url, timeout, known)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch")
    try:
        ahead = iter(urls)
        window = deque(pool.submit(fetch_one, u, timeout, k) for u, k in islice(ahead, workers))
        while window:
            got = window.popleft().result()
            following = next(ahead, None)
            if following is not None:
                window.append(pool.submit(fetch_one, following[0], timeout, following[1]))
            yield got
    finally:  # also when the reader stops early: fetches not begun are dropped
        pool.shutdown(wait=True, cancel_futures=True)


def read_listed(
    url: str,
    got: Got,
    known: Known | None,
    report: ImportReport,
    options: ReadOptions,
    *,
    listed_at: tuple[str, int],
    sitemap_levels: int = 0,
) -> None:
    """A page a sitemap or URL list names, its fetch `got` (conditional on `known`): read, or
    kept as it is on `304 Not Modified`; either way noted in `report.fetched` for the fetch log
    where it gave an item."""
    if got.not_modified and known is not None:
        report.pages_unchanged += 1
        report.fetched[url] = known._replace(fetched_at=got.started.timestamp())
        return
    added = read_url(
        url, report, options, listed_at=listed_at, sitemap_levels=sitemap_levels, got=got
    )
    if added is not None and got.answer is not None:
        answer = got.answer
        started = got.started.timestamp()
        report.fetched[url] = Known(added, started, answer.etag, answer.last_modified)


def read_url(
    url: str,
    report: ImportReport,
    options: ReadOptions,
    *,
    listed_at: tuple[str, int] | None = None,
    sitemap_levels: int = SITEMAP_LEVELS,
    got: Got | None = None,
) -> str | None:
    """Fetch a URL (or take `got`, its fetch already done) and read it as a sitemap, a feed or
    a page, whichever it serves (a gzip body inflated first); `sitemap_levels`: how many
    sitemap levels it may still open (none for the pages a sitemap lists). Returns the item id
    where it was a page and gave an item."""
    file, line = listed_at or (url, 0)
    if got is None:
        got = fetch_one(url, options.timeout)
    answer, body = got.answer, got.body
    if answer is None:
        report.rows += 1
        report.errors.append(RowError(file, line, "url", f"cannot fetch {url}: {got.reason}"))
        return None
    if looks_like_sitemap(body):
        if sitemap_levels:
            read_sitemap_source(body, url, report, options, sitemap_levels)
            return None
        reason = "a sitemap where a page was expected (sitemaps are read two levels deep)"
    elif looks_like_feed(answer.content_type, body):
        read_feed(body, url, report, options.page.assume_timezone)
        return None
    else:
        return read_page(body, url, report, options.page, url=answer.url, charset=answer.charset)
    report.rows += 1
    report.errors.append(RowError(file, line, "url", f"{url}: {reason}"))
    return None


def read_sitemap_source(
    data: bytes, source: str, report: ImportReport, options: ReadOptions, levels: int
) -> None:
    """Every page a sitemap lists, fetched and read (errors at `source:entry`), but for those
    whose `<lastmod>` `vouches` for their last import (`options.known`; counted in
    `report.pages_unchanged`, as those answering `304 Not Modified` are); an index's sitemaps
    each read the same way, one level down (`read_listed`)."""
    sitemap = read_sitemap(data)
    if sitemap is None or not sitemap.locations:
        why = "not a readable sitemap" if sitemap is None else f"a {sitemap.kind} with no <loc>"
        report.rows += 1
        report.errors.append(RowError(source, 0, "sitemap", why))
        return
    index = sitemap.kind == "sitemapindex"
    if index and levels < SITEMAP_LEVELS:
        report.rows += 1
        reason = "a sitemap index inside a sitemap index (the protocol allows one level)"
        report.errors.append(RowError(source, 0, "sitemap", reason))
        return
    options.listed(len(sitemap.locations))
    # Each entry's fate first (no fetch: not a URL, unchanged), so that the pages to fetch are
    # fetched ahead, several at once; the sitemaps of an index are fetched one at a time.
    plan: list[tuple[int, str, Known | None, str]] = []
    for number, loc in sitemap.locations:
        if not is_url(loc):
            plan.append((number, loc, None, "not a URL"))
            continue
        known = None if index else options.known(loc)
        modified = None if known is None else lastmod_time(sitemap.modified.get(number, ""))
        unchanged = known is not None and modified is not None and vouches(known, modified)
        plan.append((number, loc, known, "unchanged" if unchanged else "fetch"))
    urls = [(loc, known) for _, loc, known, fate in plan if fate == "fetch"]
    fetched = fetched_in_order(urls, options.timeout, 1 if index else options.fetch_workers)
    for number, loc, known, fate in plan:
        if fate == "not a URL":
            report.rows += 1
            report.errors.append(
                RowError(source, number, "url", f"{loc[:200]!r}: not an http(s) URL")
            )
        elif fate == "unchanged":
            report.pages_unchanged += 1
        else:  # a page, or one of an index's sitemaps (those are never looked up: always fetched)
            at, deeper = (source, number), levels - 1 if index else 0
            read_listed(
                loc, next(fetched), known, report, options, listed_at=at, sitemap_levels=deeper
            )
        options.read()


def looks_like_feed(content_type: str, body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    if b"<html" in head:
        return False
    return any(t in content_type for t in FEED_TYPES) or any(
        tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")
    )


def read_feed(data: bytes, source: str, report: ImportReport, assume: tzinfo | None = None) -> None:
    """Each entry of an RSS/Atom feed becomes an item (entry numbers are 1-based); `assume`:
    the zone of times written without an offset (`--assume-timezone`)."""
    try:
        records, why = feed_records(data, assume)
    except Exception as exc:  # a bug of ours on one feed must not stop the other sources
        log.exception("the feed importer failed on %s", source)
        records, why = [], internal_error(exc)
    if why is not None:
        report.rows += 1
        report.errors.append(RowError(source, 0, "feed", why))
        return
    for number, record in enumerate(records, start=1):
        if isinstance(record, ExtractionError):
            report.rows += 1
            report.errors.append(RowError(source, number, record.field, record.reason))
        else:
            _add(record, source, number, report)


def read_page(
    data: bytes,
    source: str,
    report: ImportReport,
    options: PageOptions,
    *,
    url: str | None = None,
    relative: str | None = None,
    charset: str | None = None,
) -> str | None:
    """One article page, here and now: main text and metadata extracted, furniture removed.
    Returns the id of the item added (None when the page was rejected)."""
    job = PageJob(data, url=url, relative=relative, charset=charset)
    return land_page(extract(job, options), source, report)


def land_page(
    outcome: Outcome,
    source: str,
    report: ImportReport,
    *,
    line: int = 1,
    about: str | None = None,
) -> str | None:
    """A page's extraction in `report`: its item, or its error at `source:line` (`about` after
    the reason: an archived page's URL). Returns the id of the item added."""
    if outcome.record is None:
        if outcome.trace:  # our own failure: its traceback in the log
            log.error("the page importer failed on %s:%d\n%s", source, line, outcome.trace)
        failed = ExtractionError(outcome.field, outcome.reason)
        page_rejected(report, source, failed, line=line, about=about)
        return None
    added = _add(outcome.record, source, line, report)
    if added is not None:
        report.pages.add(added)
    return added


def page_rejected(
    report: ImportReport,
    source: str,
    exc: ExtractionError,
    *,
    line: int = 1,
    about: str | None = None,
) -> None:
    """A page (or the file it was saved in) counted and reported as `source:1: field: reason`
    (`source:line: field: reason (about)` for a page inside an archive)."""
    report.rows += 1
    reason = f"{exc.reason} ({about})" if about else exc.reason
    report.errors.append(RowError(source, line, exc.field, reason))


def _add(raw: dict[str, Any], source: str, line: int, report: ImportReport) -> str | None:
    report.rows += 1
    article = validate_row(raw, source, line, report)
    if article is None:
        return None
    report.add(article)
    report.pages.discard(article.id)  # the last occurrence wins, and it may be no page
    return article.id
