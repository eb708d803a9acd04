"""Pages in a web archive (`*.warc`, `*.warc.gz`: ISO 28500, WARC 1.0 and 1.1, as Heritrix,
`wget --warc-file`, Browsertrix, pywb and Common Crawl write them; and `*.arc`, `*.arc.gz`, the
Internet Archive's format before it, in older crawls of a newspaper's archive): a crawl of a
publisher's own site, or an extract of a public one, read as the pages it holds.

Each `response` record for an http(s) URL that answered `200` with an HTML document (its
`Content-Type` `text/html` or `application/xhtml+xml`, or none and a body that starts like HTML)
is one page: its body freed of the chunked transfer coding and a gzip or deflate content coding,
read in the charset its answer declares, at the record's `WARC-Target-URI` as the URL it was
fetched from. A `resource` record of an HTML document (an archived file, no HTTP answer) is read the
same way. Everything else a crawl holds (requests, redirects, errors, images, scripts, styles,
`revisit` records of unchanged pages, metadata) is passed over and counted.

Read with warcio (Webrecorder's WARC library: streaming, so an archive of any size is read one
record at a time; a file gzipped whole is inflated on the way by the standard library). A
record's number, 1-based in the file, is where its errors point.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.links import is_url

# WARC files, and ARC files (the Internet Archive's format until 2009, read as WARC by warcio).
SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# The most of a page's body read (decoded): as much as a page fetched by URL may hold.
MAX_PAGE_BYTES = 20 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
# What an HTML document without a Content-Type starts with (the MIME Sniffing Standard's tags).
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")


def is_archive(name: str) -> bool:
    """Whether a file's name is a web archive's (`crawl.warc`, `crawl.warc.gz`, `old.arc.gz`)."""
    return name.lower().endswith(SUFFIXES)


def open_archive(path: Path) -> IO[bytes]:
    """The archive as a stream warcio reads: the file itself, records gzipped one by one as
    crawlers write them (warcio inflates each and says where a member is cut), or, for a file
    gzipped whole afterwards (`gzip crawl.warc`, which warcio refuses), the file inflated on
    the way (`Inflated`)."""
    if not _one_gzip_member(path):
        return path.open("rb")
    return cast(IO[bytes], Inflated(path))


GZIP_MAGIC = b"\x1f\x8b"
# How much of a gzipped archive is read to find where its first member ends: a record gzipped on
# its own (the first is the crawl's `warcinfo`) ends well before; a file gzipped whole does not.
FIRST_MEMBER_PROBE = 4 * 1024 * 1024


def _one_gzip_member(path: Path) -> bool:
    """Whether `path` is gzipped as one member that goes on past its first records."""
    with path.open("rb") as stream:
        if stream.read(2) != GZIP_MAGIC:
            return False
        stream.seek(0)
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        read = 0
        while read < FIRST_MEMBER_PROBE and not inflate.eof:
            chunk = stream.read(65536)
            if not chunk:
                return True  # the first member runs to the end (or is cut): one member
            read += len(chunk)
            try:
                inflate.decompress(chunk, 1)  # the output is not wanted: where the member ends
                while inflate.unconsumed_tail and not inflate.eof:
                    inflate.decompress(inflate.unconsumed_tail, 65536)
            except zlib.error:
                return False  # warcio says what is wrong with it
        return not inflate.eof or not (inflate.unused_data or stream.read(1))


class Inflated(io.RawIOBase):
    """A file gzipped whole, inflated as it is read; a cut or corrupt one raises OSError, not
    the EOFError warcio takes for the archive's end (it would stop without a word). Each read
    hands out what one read of the file inflates (warcio buffers on its own), so every byte
    inflated before a cut reaches warcio before the error: a buffered reader over it dropped the
    block the cut fell in, up to 16 KB of whole records."""

    def __init__(self, path: Path) -> None:
        self._file = gzip.open(path, "rb")  # noqa: SIM115 (closed by `close`)
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._file.read1(len(buffer))
        except EOFError as exc:
            raise OSError(f"the gzip stream is cut: {exc}") from None
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        """The inflated bytes handed out so far (warcio's record offsets)."""
        return self._position

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass(frozen=True)
class ArchivedPage:
    """An HTML page a crawl fetched: its record's number, the URL, the body and its charset."""

    number: int
    url: str
    html: bytes
    charset: str | None


@dataclass(frozen=True)
class BadRecord:
    """A page's record that cannot be read as one (cut short by the crawler, a content coding
    that cannot be undone): its number, its URL, and why (an ExtractionError's field and
    reason)."""

    number: int
    url: str
    error: ExtractionError


@dataclass
class Tally:
    """What an archive held besides its pages: records passed over, by kind."""

    records: int = 0
    pages: int = 0
    passed_over: dict[str, int] = field(default_factory=dict)

    def pass_over(self, kind: str) -> None:
        self.passed_over[kind] = self.passed_over.get(kind, 0) + 1

    def summary(self) -> str:
        """`N records, no HTML page answered 200 (12 images, 3 redirects, ...)`."""
        kinds = ", ".join(
            f"{count} {kind}" for kind, count in sorted(self.passed_over.items(), key=_most)
        )
        return f"{self.records} records, no HTML page that answered 200" + (
            f" ({kinds})" if kinds else ""
        )


def _most(pair: tuple[str, int]) -> tuple[int, str]:
    return -pair[1], pair[0]


def archived_pages(
    stream: IO[bytes], tally: Tally | None = None
) -> Iterator[ArchivedPage | BadRecord]:
    """The HTML pages of a WARC file, in the order the crawl wrote them (a page fetched twice is
    there twice: the later read wins, as for any source). Raises ExtractionError(`file`) where
    the file is no WARC file or is damaged; the pages before the damage have been yielded."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    counted = tally if tally is not None else Tally()
    records = ArchiveIterator(stream, arc2warc=True)
    number = 0
    try:
        for record in records:
            number += 1
            counted.records = number
            found = _page(record, number, counted)
            if found is not None:
                counted.pages += isinstance(found, ArchivedPage)
                yield found
    except ArchiveLoadFailed as exc:
        where = "the file" if number == 0 else f"after record {number}"
        raise ExtractionError("file", f"not a readable WARC file ({where}: {_why(exc)})") from None
    except DAMAGE as exc:  # a gzip member cut or corrupt, a record's header cut
        raise ExtractionError("file", f"damaged after record {number}: {_why(exc)}") from None


# What warcio raises on an archive cut or corrupted inside a record (zlib's, the readers').
DAMAGE = (OSError, EOFError, ValueError, zlib.error, AttributeError, IndexError, KeyError)


def _why(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _page(record: Any, number: int, tally: Tally) -> ArchivedPage | BadRecord | None:
    """The record's page, a page record that cannot be read, or None (passed over, counted)."""
    kind = record.rec_type
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if kind not in ("response", "resource"):
        tally.pass_over(f"{kind} records" if kind != "revisit" else "revisits")
        return None
    if not is_url(url):
        tally.pass_over("records of other schemes (dns:, whois:)")
        return None
    http = record.http_headers
    if kind == "response":
        if http is None:
            tally.pass_over("answers not over HTTP")
            return None
        status = http.get_statuscode()
        if status != "200":
            tally.pass_over("redirects" if status.startswith("3") else "answers other than 200")
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media_type, charset = _media_type(content_type)
    if media_type and media_type not in HTML_TYPES:
        tally.pass_over(_kind_of(media_type))
        return None
    cut = record.rec_headers.get_header("WARC-Truncated")
    if cut:
        why = f"cut short by the crawler (WARC-Truncated: {cut}): fetch the page again"
        return BadRecord(number, url, ExtractionError("page", why))
    coding = (http.get_header("Content-Encoding") or "").strip().lower() if http else ""
    if coding and coding != "identity" and coding not in _decoders():
        why = f"its body is compressed as {coding!r}, which this importer cannot undo"
        return BadRecord(number, url, ExtractionError("page", why))
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if not _read_whole(record):
        why = f"the file ends inside record {number} ({url}): copy the archive again"
        raise ExtractionError("file", why)
    if len(body) > MAX_PAGE_BYTES:  # a page that large is no article (or a decompression bomb)
        why = f"larger than {MAX_PAGE_BYTES // 2**20} MB once decoded: not read as a page"
        return BadRecord(number, url, ExtractionError("page", why))
    if not media_type and not body[:512].lstrip().lower().startswith(HTML_STARTS):
        tally.pass_over("answers of no stated type")
        return None
    return ArchivedPage(number, url, body, charset)


def _read_whole(record: Any) -> bool:
    """Whether the record's block was all there (warcio stops quietly where the file does)."""
    raw = record.raw_stream
    while raw.read(65536):  # what the decoders left (a chunked body's trailer)
        pass
    return getattr(raw, "limit", 0) <= 0


def _media_type(content_type: str) -> tuple[str, str | None]:
    """`text/html; charset=UTF-8` → (`text/html`, `UTF-8`)."""
    media, *params = content_type.split(";")
    charset = next(
        (
            value.strip().strip("\"'")
            for name, _, value in (p.partition("=") for p in params)
            if name.strip().lower() == "charset" and value.strip()
        ),
        None,
    )
    return media.strip().lower(), charset


def _kind_of(media_type: str) -> str:
    major = media_type.split("/", 1)[0]
    if major in ("image", "video", "audio", "font"):
        return f"{major}s"
    if "javascript" in media_type or media_type.endswith("/css"):
        return "scripts and styles"
    return "other documents"


def _decoders() -> set[str]:
    from warcio.bufferedreaders import BufferedReader

    return set(BufferedReader.get_supported_decompressors())
