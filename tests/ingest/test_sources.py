"""Feeds and article pages as sources: local files and a local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from index.snapshots import SnapshotStore
from recommender.cli import app
from recommender.ingest.sources import ReadOptions, read_sources, url_item_id
from recommender.jobs import import_sources
from recommender.progress import Progress
from recommender.serving.catalog import Catalog
from tests.conftest import tiny_env

CLUTTER = (
    "iklan",
    "scroll untuk melanjutkan",
    "baca juga",
    "masuk atau daftar",
    "berita terkait",
    "gempa magnitudo 5 guncang garut",  # a related-article headline
    "harga emas antam",  # a "most read" headline
    "hak cipta",
    "bagikan",
)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Kabar Nusantara</title><link>https://kabar.example/</link><language>id-ID</language>
<item>
  <title>Banjir Rendam Ribuan Rumah di Dayeuhkolot</title>
  <link>https://kabar.example/nasional/banjir-dayeuhkolot</link>
  <guid isPermaLink="false">kn-77001</guid>
  <description>&lt;p&gt;Sungai Citarum meluap setelah hujan deras semalaman.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Hujan deras membuat Sungai Citarum meluap.</p><p>Iklan</p>
    <p>SCROLL UNTUK MELANJUTKAN</p><p>Warga mengungsi ke masjid dan sekolah.</p>
    <p>Baca juga: Harga Cabai Melonjak</p>]]></content:encoded>
  <pubDate>Tue, 10 Nov 2026 09:15:00 +0700</pubDate>
  <category>Nasional</category><category>banjir</category>
  <media:content url="https://kabar.example/img/banjir.jpg" medium="image"/>
</item>
<item>
  <title>Timnas Indonesia Tekuk Vietnam 2-0</title>
  <link>https://kabar.example/sport/timnas-vietnam</link>
  <description>Dua gol babak kedua memastikan kemenangan Garuda.</description>
  <pubDate>Wed, 11 Nov 2026 21:00:00 +0700</pubDate>
  <category>Sport</category>
</item>
<item>
  <title>Tanpa Zona Waktu</title>
  <link>https://kabar.example/nasional/tanpa-zona</link>
  <pubDate>Wed, 11 Nov 2026 21:00:00</pubDate>
</item>
<item>
  <title>Tanpa Tautan</title>
  <pubDate>Wed, 11 Nov 2026 21:00:00 +0700</pubDate>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">
  <title>Kabar Video</title><id>tag:kabar.example,2026:video</id><updated>2026-11-12T10:00:00Z</updated>
  <entry>
    <title>Video: Evakuasi Warga Korban Banjir Bandung</title>
    <link rel="alternate" href="https://kabar.example/video/evakuasi-banjir"/>
    <link rel="enclosure" type="video/mp4" href="https://kabar.example/v/evakuasi.mp4"/>
    <id>tag:kabar.example,2026:v-1</id>
    <published>2026-11-10T12:00:00+07:00</published>
    <updated>2026-11-10T13:00:00+07:00</updated>
    <summary>Petugas BPBD mengevakuasi lansia dengan perahu karet.</summary>
    <author><name>Tim Video</name></author>
  </entry>
</feed>
"""


def page(
    slug: str,
    title: str,
    paragraphs: list[str],
    *,
    published: str = "2026-11-10T09:15:00+07:00",
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>{title} - Kabar Nusantara</title>
<link rel="canonical" href="https://kabar.example/nasional/{slug}">
<meta property="og:title" content="{title}">
<meta name="description" content="Ringkasan: {title}.">
<meta property="og:image" content="https://kabar.example/img/{slug}.jpg">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="Nasional">
<meta name="author" content="Rina Wulandari">
</head><body>
<header><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/login">Masuk</a></nav></header>
<div class="login-prompt">Masuk atau daftar untuk membaca artikel lengkap tanpa batas.</div>
<main><article>
<h1>{title}</h1>
{body}
<div class="ads-slot">Iklan</div>
<p>Iklan</p>
<p>SCROLL UNTUK MELANJUTKAN</p>
<div class="scroll-cta">Scroll Untuk Melanjutkan</div>
<p>Masuk atau daftar untuk membaca artikel lengkap.</p>
<p>Baca juga: Harga Cabai Melonjak Jelang Akhir Tahun</p>
<div class="share">Bagikan: Facebook Twitter WhatsApp</div>
<div class="related-articles"><h3>Berita Terkait</h3><ul>
<li><a href="/a">Gempa Magnitudo 5 Guncang Garut</a></li>
<li><a href="/b">Timnas Indonesia Menang atas Vietnam</a></li></ul></div>
<h3>Berita Terkait</h3>
<ul><li><a href="/c">Gempa Magnitudo 5 Guncang Garut Selatan</a></li></ul>
</article></main>
<aside><h3>Terpopuler</h3><ol><li><a href="/d">Harga Emas Antam Naik Lagi</a></li></ol></aside>
<footer>Hak cipta Kabar Nusantara 2026. Masuk untuk berkomentar.</footer>
</body></html>
"""


BANJIR = [
    "Hujan deras yang mengguyur Kabupaten Bandung sejak Senin malam membuat Sungai Citarum meluap"
    " dan merendam ribuan rumah warga di Kecamatan Dayeuhkolot dan Baleendah.",
    "Ketinggian air di permukiman warga mencapai satu setengah meter pada Selasa pagi. Petugas"
    " BPBD mengerahkan perahu karet untuk mengevakuasi lansia dan anak-anak.",
    "Kepala BPBD Kabupaten Bandung mengatakan posko pengungsian telah disiapkan di masjid dan"
    " sekolah terdekat, lengkap dengan dapur umum dan layanan kesehatan.",
]
JALAN = [
    "Pemerintah Provinsi Jawa Barat memperbaiki jalan rusak di jalur selatan menjelang libur akhir"
    " tahun agar arus mudik berjalan lancar.",
    "Perbaikan dilakukan di ruas Garut hingga Tasikmalaya sepanjang empat puluh kilometer dan"
    " ditargetkan rampung dua pekan sebelum Natal.",
]


def assert_clean(text: str) -> None:
    lowered = text.lower()
    leftovers = [c for c in CLUTTER if c in lowered]
    assert not leftovers, f"clutter left in the text: {leftovers}\n{text}"


def test_a_feed_saved_under_a_pages_name_is_read_as_a_feed(tmp_path: Path) -> None:
    (tmp_path / "terkini.html").write_text(RSS, encoding="utf-8")
    report = read_sources([tmp_path / "terkini.html"])
    assert "kabar.example:nasional:banjir-dayeuhkolot" in report.items
    assert {("terkini.html", 3, "published_at")} <= {
        (Path(e.file).name, e.line, e.field) for e in report.errors
    }


def test_rss_and_atom_feeds_become_items_with_entry_level_errors(tmp_path: Path) -> None:
    (tmp_path / "kabar.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "video.atom").write_text(ATOM, encoding="utf-8")
    report = read_sources([tmp_path])
    items = report.items
    banjir = items["kabar.example:nasional:banjir-dayeuhkolot"]
    assert banjir.title == "Banjir Rendam Ribuan Rumah di Dayeuhkolot"
    assert banjir.lead == "Sungai Citarum meluap setelah hujan deras semalaman."
    assert "Warga mengungsi ke masjid dan sekolah." in banjir.body
    assert_clean(banjir.body)
    assert banjir.published_at.isoformat() == "2026-11-10T09:15:00+07:00"
    assert banjir.section == "Nasional" and banjir.tags == ["Nasional", "banjir"]
    assert banjir.image_url == "https://kabar.example/img/banjir.jpg"
    assert banjir.language == "id"
    video = items["kabar.example:video:evakuasi-banjir"]
    assert video.type == "video" and video.authors == ["Tim Video"]
    assert video.updated_at is not None
    assert set(items) == {
        "kabar.example:nasional:banjir-dayeuhkolot",
        "kabar.example:sport:timnas-vietnam",
        "kabar.example:video:evakuasi-banjir",
    }
    errors = {(Path(e.file).name, e.line, e.field) for e in report.errors}
    assert ("kabar.rss", 3, "published_at") in errors  # no zone: rejected, not guessed
    assert {("kabar.rss", 4, "id"), ("kabar.rss", 4, "url")} <= errors  # no link at all
    assert report.rejected == 2


def test_html_pages_lose_their_clutter(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    (folder / "2026").mkdir(parents=True)
    (folder / "2026" / "banjir.html").write_text(
        page("banjir-dayeuhkolot", "Banjir Rendam Ribuan Rumah di Dayeuhkolot", BANJIR),
        encoding="utf-8",
    )
    (folder / "jalan.htm").write_text(
        page("jalan-selatan", "Jalur Selatan Jawa Barat Diperbaiki", JALAN), encoding="utf-8"
    )
    (folder / "no-zone.html").write_text(
        page("tanpa-zona", "Tanggal Tanpa Zona", JALAN, published="2026-11-10"), encoding="utf-8"
    )
    (folder / "empty.html").write_text("<html><head></head><body></body></html>")
    report = read_sources([folder])
    banjir = report.items["kabar.example:nasional:banjir-dayeuhkolot"]
    assert banjir.body == "\n".join(BANJIR)  # exactly the article's paragraphs
    assert banjir.title == "Banjir Rendam Ribuan Rumah di Dayeuhkolot"
    assert banjir.lead == "Ringkasan: Banjir Rendam Ribuan Rumah di Dayeuhkolot."
    assert banjir.url == "https://kabar.example/nasional/banjir-dayeuhkolot"
    assert banjir.published_at.isoformat() == "2026-11-10T09:15:00+07:00"
    assert banjir.section == "Nasional" and banjir.authors == ["Rina Wulandari"]
    assert banjir.image_url == "https://kabar.example/img/banjir-dayeuhkolot.jpg"
    assert_clean(banjir.body + "\n" + banjir.lead)
    assert report.items["kabar.example:nasional:jalan-selatan"].body == "\n".join(JALAN)
    errors = {(Path(e.file).name, e.line, e.field) for e in report.errors}
    assert errors == {("no-zone.html", 1, "published_at"), ("empty.html", 1, "page")}


def test_a_page_file_too_large_for_an_article_is_refused_unread(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "banjir.html").write_text(
        page("banjir-dayeuhkolot", "Banjir Rendam Ribuan Rumah di Dayeuhkolot", BANJIR),
        encoding="utf-8",
    )
    with (folder / "dump.html").open("wb") as big:  # 21 MB, sparse: nothing written
        big.truncate(21 * 1024 * 1024)
    report = read_sources([folder])
    assert list(report.items) == ["kabar.example:nasional:banjir-dayeuhkolot"]
    assert [str(e) for e in report.errors] == [
        f"{folder / 'dump.html'}:1: page: larger than 20 MB: not read as a page"
    ]


def test_url_item_ids_are_readable_and_valid() -> None:
    assert url_item_id("https://www.Kabar.example/nasional/banjir-1?utm=x#top") == (
        "kabar.example:nasional:banjir-1"
    )
    assert url_item_id("https://kabar.example/a b/ç/") == "kabar.example:a-b"
    long = url_item_id("https://kabar.example/" + "x" * 300)
    assert len(long) == 128 and long.startswith("kabar.example:xxx")


class Site:
    """A folder served over HTTP on 127.0.0.1 (a thread of the test process)."""

    def __init__(self, root: Path, handler_class: type[Quiet] | None = None) -> None:
        handler = functools.partial(handler_class or Quiet, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/rss+xml",
        "": "text/html",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(root: Path, handler_class: type[Quiet] | None = None) -> Iterator[str]:
    """`root` served over HTTP on loopback while the block runs: its base URL."""
    site = Site(root, handler_class)
    site.thread.start()
    try:
        yield site.base
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "site"
    (root / "nasional").mkdir(parents=True)
    (root / "feed.xml").write_text(RSS, encoding="utf-8")
    (root / "nasional" / "banjir").write_text(
        page("banjir-dayeuhkolot", "Banjir Rendam Ribuan Rumah di Dayeuhkolot", BANJIR),
        encoding="utf-8",
    )
    (root / "nasional" / "jalan").write_text(
        page("jalan-selatan", "Jalur Selatan Jawa Barat Diperbaiki", JALAN), encoding="utf-8"
    )
    with served(root) as base:
        yield root, base


def test_feed_and_pages_by_url_and_url_list(site: tuple[Path, str], tmp_path: Path) -> None:
    _, base = site
    urls = tmp_path / "pages.txt"
    urls.write_text(
        f"# pages to index\n{base}/nasional/banjir\n\n{base}/nasional/hilang\nftp://x/y\n"
        f"{base}/nasional/jalan  # trailing comment\n",
        encoding="utf-8",
    )
    report = read_sources([f"{base}/feed.xml", urls], timeout=5)
    assert "kabar.example:sport:timnas-vietnam" in report.items  # from the feed
    assert report.items["kabar.example:nasional:jalan-selatan"].body == "\n".join(JALAN)
    banjir = report.items["kabar.example:nasional:banjir-dayeuhkolot"]
    assert banjir.body == "\n".join(BANJIR)  # the page replaced the feed's shorter entry
    assert report.duplicates == {"kabar.example:nasional:banjir-dayeuhkolot": 1}
    listed = {(e.line, e.field): e.reason for e in report.errors if e.file == str(urls)}
    assert "404" in listed[(4, "url")] and "/nasional/hilang" in listed[(4, "url")]
    assert listed[(5, "url")] == "not an http(s) URL"
    down = read_sources(["http://127.0.0.1:9/feed.xml"], timeout=2)
    assert [(e.file, e.line, e.field) for e in down.errors] == [
        ("http://127.0.0.1:9/feed.xml", 0, "url")
    ]


def test_a_url_list_with_a_byte_order_mark_and_a_line_not_in_utf8(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    # Saved by a Windows editor: a byte order mark before the first URL (which was then "not an
    # http(s) URL"), and a line in the code page, which failed the whole command.
    _, base = site
    urls = tmp_path / "pages.txt"
    urls.write_bytes(
        b"\xef\xbb\xbf" + f"{base}/nasional/banjir\r\n".encode()
        + f"{base}/nasional/caf\u00e9\r\n".encode("cp1252") + f"{base}/nasional/jalan\n".encode()
    )  # fmt: skip
    report = read_sources([urls], timeout=5)
    assert sorted(report.items) == [
        "kabar.example:nasional:banjir-dayeuhkolot", "kabar.example:nasional:jalan-selatan"
    ]  # fmt: skip
    [error] = report.errors
    assert (error.line, error.field) == (2, "url")
    assert (
        error.reason.startswith("not UTF-8 text: byte 0xe9 (") and "/nasional/caf" in error.reason
    )


SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(*locs: str) -> str:
    urls = "".join(f"<url><loc>{loc}</loc><lastmod>2026-11-10</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAPS}">{urls}</urlset>'


def sitemap_index(*locs: str) -> str:
    maps = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAPS}">{maps}</sitemapindex>'


def test_sitemaps_and_sitemap_indexes_are_read_as_lists_of_pages(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    # A publisher's archive is listed in its sitemaps: an index (here a local file) naming one
    # sitemap per month, the older ones gzip-compressed; each page is fetched and read.
    root, base = site
    (root / "sitemap-2026-11.xml").write_text(
        urlset(f"{base}/nasional/banjir", f"{base}/nasional/hilang", "/nasional/relatif"),
        encoding="utf-8",
    )
    (root / "sitemap-2026-10.xml.gz").write_bytes(
        gzip.compress(urlset(f"{base}/nasional/jalan").encode())
    )
    (root / "nested.xml").write_text(sitemap_index(f"{base}/sitemap-2026-10.xml.gz"))
    (root / "loop.xml").write_text(urlset(f"{base}/loop.xml"))
    index = tmp_path / "sitemap.xml"
    index.write_text(
        sitemap_index(
            f"{base}/sitemap-2026-11.xml", f"{base}/sitemap-2026-10.xml.gz",
            f"{base}/nested.xml", f"{base}/loop.xml",
        )
    )  # fmt: skip
    report = read_sources([index], timeout=5)
    assert sorted(report.items) == [
        "kabar.example:nasional:banjir-dayeuhkolot", "kabar.example:nasional:jalan-selatan"
    ]  # fmt: skip
    assert report.items["kabar.example:nasional:jalan-selatan"].body == "\n".join(JALAN)
    errors = {(e.file, e.line, e.field): e.reason for e in report.errors}
    november = f"{base}/sitemap-2026-11.xml"
    assert "404" in errors[(november, 2, "url")]  # entry 2 of that sitemap
    assert errors[(november, 3, "url")] == "'/nasional/relatif': not an http(s) URL"
    assert errors[(f"{base}/nested.xml", 0, "sitemap")].startswith("a sitemap index inside")
    assert errors[(f"{base}/loop.xml", 1, "url")].startswith(
        f"{base}/loop.xml: a sitemap where a page was expected"
    )
    assert len(report.errors) == 4
    # a sitemap by URL, and a compressed one saved beside the command
    (tmp_path / "saved.xml.gz").write_bytes(
        gzip.compress(urlset(f"{base}/nasional/jalan").encode())
    )
    listing = tmp_path / "sitemaps.txt"  # a URL list may name a sitemap
    listing.write_text(f"{base}/sitemap-2026-10.xml.gz\n", encoding="utf-8")
    for source in (f"{base}/sitemap-2026-10.xml.gz", tmp_path / "saved.xml.gz", listing):
        again = read_sources([source], timeout=5)
        assert (sorted(again.items), again.errors) == (["kabar.example:nasional:jalan-selatan"], [])


def test_the_import_step_counts_the_pages_a_sitemap_or_url_list_names(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    # A job's progress (a JSON line a minute for cron) counted the sitemap as one source, done
    # only when its thousands of pages were: the pages it lists now join the step's total.
    _, base = site
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(urlset(f"{base}/nasional/banjir", f"{base}/nasional/jalan", "relatif"))
    urls = tmp_path / "pages.txt"
    urls.write_text(f"{base}/nasional/banjir\n{base}/feed.xml\n", encoding="utf-8")
    stream = io.StringIO()
    ticks = iter(range(1000))
    reporter = Progress("lines", stream=stream, interval=0, clock=lambda: float(next(ticks)))
    report = import_sources([sitemap, urls], ReadOptions(timeout=5), reporter)
    assert "kabar.example:nasional:jalan-selatan" in report.items
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["done"], line["total"]) for line in lines] == [
        (0, 5),  # the sitemap names 3 pages
        (1, 5), (2, 5), (3, 5),  # read (the relative one counts as done, refused)
        (4, 5),  # the sitemap itself
        (4, 7),  # the URL list names 2
        (5, 7), (6, 7), (7, 7),
        (7, 7),  # finished
    ]  # fmt: skip
    assert lines[-1]["finished"] and {line["unit"] for line in lines} == {"sources"}


def test_a_sitemap_that_lists_nothing_or_inflates_too_far_is_refused_clearly(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text(urlset())
    bomb = tmp_path / "bomb.xml.gz"
    bomb.write_bytes(gzip.compress(b" " * (51 * 1024 * 1024)))
    report = read_sources([empty, bomb])
    assert [(e.file, e.line, e.field, e.reason) for e in report.errors] == [
        (str(empty), 0, "sitemap", "a urlset with no <loc>"),
        (
            str(bomb),
            0,
            "file",
            "inflates to more than 52428800 bytes, the sitemap protocol's limit",
        ),
    ]


def test_cli_update_from_a_feed_url(site: tuple[Path, str], data_dir: Path) -> None:
    root, base = site
    env = tiny_env(data_dir)
    result = CliRunner().invoke(app, ["update", "-i", f"{base}/feed.xml"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["added"], summary["rejected"], summary["unchanged"]) == (2, 2, 31)
    store = SnapshotStore(data_dir / "snapshots")
    catalog = Catalog.load(store.path(summary["snapshot"]))
    assert {"kabar.example:nasional:banjir-dayeuhkolot", "banjir-1"} <= set(catalog.row_of)
    # the page of an item already in the snapshot replaces the feed's version of it
    urls = tmp = root / "list.txt"
    tmp.write_text(f"{base}/nasional/banjir\n", encoding="utf-8")
    again = CliRunner().invoke(app, ["update", "-i", str(urls)], env=env)
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout.strip().splitlines()[-1])
    assert (second["added"], second["updated"], second["embedded"]) == (0, 1, 1)


class Counted(Quiet):
    """Quiet, and each GET's path noted in `paths`, with its status and whether it was
    conditional in `answers` (shared by the test that sets them)."""

    paths: ClassVar[list[str]] = []
    answers: ClassVar[list[tuple[str, int, bool]]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        super().do_GET()

    def send_response(self, code: int, message: str | None = None) -> None:
        conditional = "If-Modified-Since" in self.headers
        self.answers.append((self.path, code, conditional))
        super().send_response(code, message)


def dated_urlset(*entries: tuple[str, str | None]) -> str:
    urls = "".join(
        f"<url><loc>{loc}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</url>" for loc, m in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAPS}">{urls}</urlset>'


def test_an_update_fetches_again_only_the_sitemap_pages_that_changed(
    site: tuple[Path, str], data_dir: Path
) -> None:
    # cron runs `update -i sitemap-news.xml` every few minutes: a page whose <lastmod> is
    # older than the fetch that imported it is left alone while its item is in the snapshot.
    root, _ = site
    with served(root, Counted) as base:
        check_fetches(root, base, Counted.paths, tiny_env(data_dir))


def check_fetches(root: Path, base: str, paths: list[str], env: dict[str, str]) -> None:
    banjir, jalan, hilang = (f"{base}/nasional/{p}" for p in ("banjir", "jalan", "hilang"))
    sitemap = root / "sitemap-news.xml"

    def update(*entries: tuple[str, str | None]) -> dict[str, Any]:
        sitemap.write_text(dated_urlset(*entries), encoding="utf-8")
        paths.clear()
        result = CliRunner().invoke(app, ["update", "-i", f"{base}/sitemap-news.xml"], env=env)
        assert result.exit_code == 0, result.output
        summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return summary

    old = "2026-11-10T08:00:00+07:00"
    first = update((banjir, old), (jalan, old), (hilang, old))
    assert sorted(paths) == [
        "/nasional/banjir",
        "/nasional/hilang",
        "/nasional/jalan",
        "/sitemap-news.xml",
    ]
    assert (first["added"], first["pages_unchanged"]) == (2, 0)
    again = update((banjir, old), (jalan, old), (hilang, old))
    # the two imported pages are not fetched; the missing one is tried (and reported) again
    assert sorted(paths) == ["/nasional/hilang", "/sitemap-news.xml"]
    assert (again["pages_unchanged"], again["rejected"], again["removed"]) == (2, 1, 0)
    # edited after its fetch, or less than an hour before it (a CDN's copy, a clock behind):
    # fetched; as are a lastmod without a time of day, without an offset, or none
    later = "2999-01-01T00:00:00+00:00"
    update((banjir, later), (jalan, old))
    assert sorted(paths) == ["/nasional/banjir", "/sitemap-news.xml"]
    recent = (datetime.now(UTC) - timedelta(minutes=50)).isoformat()
    update((banjir, recent), (jalan, old))
    assert sorted(paths) == ["/nasional/banjir", "/sitemap-news.xml"]
    for undated in ("2026-11-10", "2026-11-10T08:00:00", None):
        update((jalan, undated))
        assert sorted(paths) == ["/nasional/jalan", "/sitemap-news.xml"]
    # an item no longer in the snapshot (removed by a delete list) is fetched again
    ids = root / "delete.txt"
    ids.write_text("kabar.example:nasional:jalan-selatan\n", encoding="utf-8")
    removed = CliRunner().invoke(app, ["update", "--delete", str(ids)], env=env)
    assert removed.exit_code == 0, removed.output
    update((jalan, old))
    assert sorted(paths) == ["/nasional/jalan", "/sitemap-news.xml"]
    # switched off, every listed page is fetched
    env["RECOMMENDER_SKIP_UNCHANGED_PAGES"] = "false"
    off = update((banjir, old), (jalan, old))
    assert sorted(paths) == ["/nasional/banjir", "/nasional/jalan", "/sitemap-news.xml"]
    assert off["pages_unchanged"] == 0


class Slow(Quiet):
    """Quiet, each GET taking 0.2 s, and the most GETs seen under way at once."""

    lock: ClassVar[threading.Lock] = threading.Lock()
    under_way: ClassVar[list[int]] = [0, 0]  # now, most

    def do_GET(self) -> None:
        with self.lock:
            self.under_way[0] += 1
            self.under_way[1] = max(self.under_way)
        time.sleep(0.2)
        with self.lock:  # before the answer: a client that has it may ask again at once
            self.under_way[0] -= 1
        super().do_GET()


def test_listed_pages_are_fetched_several_at_once_and_read_in_their_order(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    root, _ = site
    with served(root, Slow) as base:
        check_concurrent_reads(root, base, tmp_path)


def check_concurrent_reads(root: Path, base: str, tmp_path: Path) -> None:
    pages = ["banjir", "hilang", "jalan", "banjir", "jalan", "hilang"]
    (root / "sitemap.xml").write_text(urlset(*(f"{base}/nasional/{p}" for p in pages)))
    listing = tmp_path / "pages.txt"
    listing.write_text("".join(f"{base}/nasional/{p}\n" for p in pages), encoding="utf-8")
    seen = {}
    for workers in (1, 3):
        Slow.under_way[1] = 0
        options = ReadOptions(timeout=5, fetch_workers=workers)
        report = read_sources([f"{base}/sitemap.xml", listing], options=options)
        seen[workers] = (
            {i: a.model_dump() for i, a in report.items.items()},
            report.duplicates,
            report.errors,
            report.rows,
        )
        # one at a time, or several at once but never more than asked
        assert Slow.under_way[1] == 1 if workers == 1 else 1 < Slow.under_way[1] <= workers
    assert seen[1] == seen[3]  # the same items, duplicates and errors, in the same order
    errors = seen[3][2]
    assert [(e.file, e.line) for e in errors] == [
        (f"{base}/sitemap.xml", 2), (f"{base}/sitemap.xml", 6),
        (str(listing), 2), (str(listing), 6),
    ]  # fmt: skip


def test_an_update_asks_for_listed_pages_conditionally(
    site: tuple[Path, str], data_dir: Path, tmp_path: Path
) -> None:
    # A URL list (or a sitemap without lastmod) has nothing to vouch for its pages: an update
    # asks for those it imported with their validators, and a 304 keeps the item as it is.
    root, _ = site
    with served(root, Counted) as base:
        listing = tmp_path / "pages.txt"
        listing.write_text(f"{base}/nasional/banjir\n{base}/nasional/jalan\n", encoding="utf-8")
        env = tiny_env(data_dir)

        def update() -> tuple[dict[str, Any], list[tuple[str, int, bool]]]:
            Counted.answers.clear()
            result = CliRunner().invoke(app, ["update", "-i", str(listing)], env=env)
            assert result.exit_code == 0, result.output
            return json.loads(result.stdout.strip().splitlines()[-1]), sorted(Counted.answers)

        first, answers = update()
        assert answers == [("/nasional/banjir", 200, False), ("/nasional/jalan", 200, False)]
        assert first["added"] == 2
        again, answers = update()
        assert answers == [("/nasional/banjir", 304, True), ("/nasional/jalan", 304, True)]
        assert (again["pages_unchanged"], again["imported"], again["published"]) == (2, 0, False)
        # the site edits one page: its answer is a 200 again, and its item is updated
        banjir = root / "nasional" / "banjir"
        banjir.write_text(
            banjir.read_text(encoding="utf-8").replace("Ribuan Rumah", "Ratusan Rumah"),
            encoding="utf-8",
        )
        later = time.time() + 5
        os.utime(banjir, (later, later))
        edited, answers = update()
        assert answers == [("/nasional/banjir", 200, True), ("/nasional/jalan", 304, True)]
        assert (edited["updated"], edited["pages_unchanged"]) == (1, 1)


@contextmanager
def answering_once(answer: bytes) -> Iterator[str]:
    """A server on loopback that answers one request with `answer`, bytes as they are: its base
    URL while the block runs."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_once() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(answer)

    thread = threading.Thread(target=answer_once, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(5)
        listener.close()


def test_a_page_cut_short_by_the_connection_is_refused_not_read(tmp_path: Path) -> None:
    # A site that closes the connection before the Content-Length it stated: the first bytes
    # of an article must not be imported as the article.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
    cut = page("banjir", "Banjir Rendam Ribuan Rumah", BANJIR).encode()[:300]
    with answering_once(head + cut) as server:
        url = f"{server}/nasional/banjir"
        report = read_sources([url], timeout=5)
    assert report.items == {}
    assert [(e.field, e.reason) for e in report.errors] == [
        ("url", f"cannot fetch {url}: cut short: {len(cut)} of 5000 bytes came")
    ]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (b"garbage\r\n\r\n", "BadStatusLine: garbage"),
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", "LineTooLong: "),
        (b"", "RemoteDisconnected: "),
        # A redirect to an address urllib cannot write: the reason was "ordinal not in range(256)".
        (b"HTTP/1.1 302 Found\r\nLocation: //\xff\xfe/x\r\n\r\n", "UnicodeEncodeError: 'latin-1'"),
    ],
)
def test_a_server_whose_answer_cannot_be_read_costs_its_url_not_the_import(
    site: tuple[Path, str], tmp_path: Path, answer: bytes, why: str
) -> None:
    """A status line that is no HTTP, a header line past http.client's limit: the import
    failed whole with BadStatusLine or LineTooLong, the other pages lost with it. Each reason
    names what went wrong."""
    _, base = site
    with answering_once(answer) as server:
        broken = f"{server}/nasional/banjir"
        urls = tmp_path / "pages.txt"
        urls.write_text(f"{broken}\n{base}/nasional/jalan\n", encoding="utf-8")
        report = read_sources([urls], timeout=5)
    assert sorted(report.items) == ["kabar.example:nasional:jalan-selatan"]
    [error] = report.errors
    assert (error.line, error.field) == (1, "url")
    assert error.reason.startswith(f"cannot fetch {broken}: ")
    assert why in error.reason


def test_a_redirect_is_followed_to_http_addresses_only(tmp_path: Path) -> None:
    """urllib follows a redirect to `ftp://`, so a page's server could send the importer to any
    host and port over FTP; browsers follow none."""
    trap = socket.create_server(("127.0.0.1", 0))
    trap.settimeout(1)
    target = f"ftp://127.0.0.1:{trap.getsockname()[1]}/berita"
    moved = f"HTTP/1.1 301 Moved Permanently\r\nLocation: {target}\r\n\r\n".encode()
    with answering_once(moved) as server:
        url = f"{server}/nasional/banjir"
        report = read_sources([url], timeout=5)
    with pytest.raises(TimeoutError):
        trap.accept()  # nothing connected to the FTP address
    trap.close()
    [error] = report.errors
    assert error.reason == (
        f"cannot fetch {url}: HTTP 301 a redirect to {target!r}, not an http(s) address"
    )


def test_listed_addresses_are_sent_as_a_browser_sends_them(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    """A space and non-ASCII letters in a listed page's path (as people write them, in URL
    lists and sitemaps alike): urllib refused the first ("can't contain control characters")
    and failed to encode the second as ASCII; a browser percent-encodes both as UTF-8."""
    root, base = site
    for name in ("banjir susulan", "jalan-ö"):
        (root / "nasional" / name).write_bytes((root / "nasional" / "banjir").read_bytes())
    listed = [f"{base}/nasional/banjir susulan", f"{base}/nasional/jalan-ö"]
    urls = tmp_path / "pages.txt"
    urls.write_text("".join(f"{url}\n" for url in listed), encoding="utf-8")
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(urlset(*listed), encoding="utf-8")
    for source in (urls, sitemap):
        report = read_sources([source], timeout=5)
        assert [str(e) for e in report.errors] == []
        assert report.rows == 2 and len(report.items) == 1  # the same page twice: a duplicate


def test_a_page_sent_a_few_bytes_at_a_time_is_given_up_after_its_deadline() -> None:
    # Each byte came within the timeout, so the fetch waited for the whole page however long it
    # took: a server trickling bytes held the job. The server stops by itself (120 bytes at most).
    listener = socket.create_server(("127.0.0.1", 0))
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"

    def trickle_once() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(head)
            for _ in range(120):
                try:
                    conn.sendall(b"<")
                except OSError:  # the client gave up
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=trickle_once, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/nasional/banjir"
    try:
        report = read_sources([url], timeout=1)  # given up after 3 s, the timeout three times
    finally:
        thread.join(15)
        listener.close()
    assert [(e.field, e.reason) for e in report.errors] == [
        ("url", f"cannot fetch {url}: slower than 3 s in all: not read")
    ]


def test_a_folder_named_like_a_page_and_an_unreadable_file_stop_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "mirror"
    (folder / "nasional" / "banjir.html").mkdir(parents=True)  # wget's folder of a page's path
    (folder / "jalan.html").write_text(
        page("jalan-selatan", "Jalur Selatan Jawa Barat Diperbaiki", JALAN), encoding="utf-8"
    )
    (folder / "rusak.html").symlink_to("/proc/self/mem")  # read() fails: Input/output error
    report = read_sources([folder])
    assert list(report.items) == ["kabar.example:nasional:jalan-selatan"]
    assert [str(e) for e in report.errors] == [
        f"{folder / 'rusak.html'}:0: file: cannot be read (Input/output error)"
    ]


def test_a_feed_or_sitemap_file_past_the_sitemap_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "feed.xml"
    with big.open("wb") as out:  # 51 MB, sparse: nothing written
        out.truncate(51 * 1024 * 1024)
    report = read_sources([big])
    assert [str(e) for e in report.errors] == [
        f"{big}:0: file: larger than 50 MB, a sitemap's limit: not read"
    ]
