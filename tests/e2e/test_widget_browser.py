"""The widget in a real browser: Debian's Chromium driven by Playwright, against a real uvicorn server.

A publisher's pages come from a second real server (another origin, as on a publisher's site);
`localhost` instead of `127.0.0.1` makes a third origin, one not in CORS_ORIGINS. Skips when
Chromium or Playwright is missing (`make test` installs both).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from service.app import create_app
from tests.beacons import token_payload
from tests.conftest import real_settings
from tests.server import running_server

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ANCHOR = "banjir-1"
WIDGET = "[data-recommender]"

# Reads the rendered widget out of its shadow root: one object per section, in page order.
READ_WIDGET = """(host) => [...host.shadowRoot.querySelectorAll('section, aside')].map((s) => ({
  tag: s.tagName.toLowerCase(),
  cls: s.className,
  title: s.querySelector('h2').textContent,
  disclosure: s.querySelector('.x') ? s.querySelector('.x').textContent : null,
  border: getComputedStyle(s).borderTopWidth + ' ' + getComputedStyle(s).borderTopStyle,
  background: getComputedStyle(s).backgroundColor,
  items: [...s.querySelectorAll('a')].map((a) => ({
    href: a.getAttribute('href'),
    rel: a.getAttribute('rel'),
    title: a.querySelector('.t').textContent,
    time: a.querySelector('time') ? a.querySelector('time').textContent : null,
    label: a.querySelector('.k') ? a.querySelector('.k').textContent : null,
    labelBeforeTitle: a.querySelector('.k')
      ? !!(a.querySelector('.k').compareDocumentPosition(a.querySelector('.t')) & 4) : null,
    sponsor: a.querySelector('.o') ? a.querySelector('.o').textContent : null,
    caption: a.querySelector('.c') ? a.querySelector('.c').textContent : null,
    play: !!a.querySelector('.p'),
    img: a.querySelector('img') ? {
      src: a.querySelector('img').src, alt: a.querySelector('img').alt,
      loading: a.querySelector('img').loading } : null,
  })),
}))"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`make browser`)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Site:
    """A running server and what the browser saw."""

    base: str
    event_log: Path
    requests: list[str] = field(default_factory=list)

    def api(self, **params: Any) -> dict[str, Any]:
        with httpx.Client(base_url=self.base) as http:
            r = http.get("/v1/recommendations", params={"article_id": ANCHOR, **params})
            r.raise_for_status()
            return dict(r.json())

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if not self.event_log.exists():
            return []
        with sqlite3.connect(self.event_log) as db:
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # the file exists, its tables not yet
                return []

    def wait_rows(self, page: Any, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Poll the log while letting Playwright run (a plain sleep would stall its event loop)."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            rows = self.rows(sql, *args)
            if rows:
                return rows
            page.wait_for_timeout(100)
        raise AssertionError(f"the event log never had rows for {sql} {args}")


class Publisher:
    """A publisher's site: a real server answering each registered page at its own path."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.base = ""
        self.app = FastAPI()

        @self.app.get("/{name}")
        def page(name: str) -> HTMLResponse:
            return HTMLResponse(self.pages[name])

    @property
    def other_origin(self) -> str:
        """The same server under another name: an origin that is not in CORS_ORIGINS."""
        return self.base.replace("127.0.0.1", "localhost")

    def serve(self, html: str, origin: str | None = None) -> str:
        name = f"artikel-{len(self.pages)}"
        self.pages[name] = html
        return f"{origin or self.base}/{name}"


@pytest.fixture(scope="module")
def publisher() -> Iterator[Publisher]:
    site = Publisher()
    with running_server(site.app) as base:
        site.base = base
        yield site


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, real_built_dir: Path, publisher: Publisher
) -> Iterator[Site]:
    """One server for the module, on a private copy of the fixture snapshot (real model)."""
    data_dir = tmp_path_factory.mktemp("widget") / "data"
    shutil.copytree(real_built_dir, data_dir)
    settings = real_settings(data_dir, cors_origins=[publisher.base], log_level="warning")
    with running_server(create_app(settings)) as base:
        yield Site(base, settings.resolved_event_log_path)


@dataclass
class Watch:
    """Errors the page produced: uncaught exceptions, console.* calls, browser console lines."""

    exceptions: list[str] = field(default_factory=list)
    console_calls: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def context(browser: Any, site: Site) -> Iterator[Any]:
    ctx = browser.new_context()

    def outside(route: Any) -> None:  # nothing may leave the machine; a click lands here
        route.fulfill(status=200, content_type="text/html", body="<p>situs luar</p>")

    # A pattern, not a Python predicate: requests to our servers then never wait on this process.
    ctx.route(re.compile(r"^(?!http://(127\.0\.0\.1|localhost)[:/])"), outside)
    yield ctx
    ctx.close()


def open_page(
    context: Any, site: Site, viewport: dict[str, int] | None = None
) -> tuple[Any, Watch]:
    page = context.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    watch = Watch()
    page.on("pageerror", lambda exc: watch.exceptions.append(str(exc)))
    page.on("request", lambda req: site.requests.append(req.url))
    page.on(
        "console",
        lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    cdp = context.new_cdp_session(page)
    cdp.on("Runtime.consoleAPICalled", lambda e: watch.console_calls.append(json.dumps(e["args"])))
    cdp.on("Runtime.exceptionThrown", lambda e: watch.exceptions.append(json.dumps(e)))
    cdp.send("Runtime.enable")
    return page, watch


@dataclass
class Beacons:
    """The widget's posts to /v1/events seen by the browser: bodies and answers' statuses."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def check(self, api: dict[str, Any], article: str = ANCHOR) -> str:
        """Every post is the new body: the answer's event token, and each event at the place
        the token says its item was served. Returns the page view."""
        assert self.bodies, "the widget posted no events"
        page_views = {body["page_view"] for body in self.bodies}
        assert len(page_views) == 1, page_views
        for body in self.bodies:
            assert set(body) == {"page_view", "article_id", "event_token", "events"}
            assert body["article_id"] == article
            payload = token_payload(body["event_token"])
            assert (payload["a"], payload["s"]) == (article, api["snapshot"])
            served = {key: ids for key, ids in payload["i"]}
            assert served == {s["key"]: [i["id"] for i in s["items"]] for s in api["sections"]}
            for e in body["events"]:
                assert set(e) == {"kind", "section", "item_id", "position"}, e
                assert served[e["section"]][e["position"]] == e["item_id"], e
        assert set(self.statuses) <= {204}, self.statuses
        return page_views.pop()


def watch_beacons(page: Any) -> Beacons:
    seen = Beacons()

    def is_beacon(r: Any) -> bool:
        return bool(r.method == "POST" and r.url.endswith("/v1/events"))

    page.on(
        "request", lambda r: seen.bodies.append(json.loads(r.post_data)) if is_beacon(r) else None
    )
    page.on("response", lambda r: seen.statuses.append(r.status) if is_beacon(r.request) else None)
    return seen


def publisher_html(script_src: str, attrs: str = "", article: str = ANCHOR) -> str:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{{margin:0;padding:16px;font-family:serif;color:rgb(0,128,0)}} p{{margin:0 0 12px}}
h2,a,span{{color:rgb(255,0,0)!important;font-size:40px!important}}</style></head><body>
<h1 id="headline">Judul artikel penerbit</h1><p id="body">Isi artikel tetap utuh.</p>
<div data-recommender data-article-id="{article}" {attrs}></div>
<script src="{script_src}" async></script>
<footer id="footer">Kaki halaman penerbit</footer></body></html>"""


def read_widget(page: Any, state: str = "ready") -> list[dict[str, Any]]:
    page.wait_for_selector(f"{WIDGET}[data-recommender-state={state}]", state="attached")
    return list(page.eval_on_selector(WIDGET, READ_WIDGET))


def by_key(api: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in api["sections"]}


def test_sections_render_the_api_items_and_nothing_else_is_fetched(
    context: Any, site: Site
) -> None:
    api = by_key(site.api())
    site.requests.clear()
    page, watch = open_page(context, site)
    page.goto(f"{site.base}/demo/{ANCHOR}")
    sections = read_widget(page)

    assert [s["title"] for s in sections] == [
        "Rekomendasi Artikel",
        "Video Pilihan",
        "Konten Sponsor",
    ]
    articles, videos, sponsored = sections
    expected = api["rekomendasi_artikel"]["items"]
    assert [i["title"] for i in articles["items"]] == [i["title"] for i in expected]
    assert [i["href"] for i in articles["items"]] == [
        f"{site.base}/demo/{i['id']}" for i in expected
    ]
    for shown, item in zip(articles["items"], expected, strict=True):
        assert shown["img"]["src"] == f"{site.base}{item['image_url']}"
        assert shown["img"]["loading"] == "lazy" and shown["img"]["alt"]
    expected_videos = api["video_pilihan"]["items"]
    assert [i["title"] for i in videos["items"]] == [i["title"] for i in expected_videos]
    assert all(i["play"] for i in videos["items"])
    assert [i["caption"] for i in videos["items"]] == [i["image_caption"] for i in expected_videos]
    assert [i["href"] for i in sponsored["items"]] == [
        i["url"] for i in api["konten_sponsor"]["items"]
    ]
    # Only the page's own host was contacted: the widget makes no third-party requests.
    assert all(url.startswith(site.base) for url in site.requests), site.requests
    assert any("/v1/recommendations?article_id=banjir-1" in url for url in site.requests)
    assert not watch.exceptions and not watch.console_calls and not watch.console_errors


def test_sponsored_box_is_separate_labelled_and_disclosed(context: Any, site: Site) -> None:
    api = by_key(site.api())["konten_sponsor"]
    page, _ = open_page(context, site)
    page.goto(f"{site.base}/demo/{ANCHOR}")
    sections = read_widget(page)

    box = sections[-1]  # after every editorial section
    assert box["tag"] == "aside" and all(s["tag"] == "section" for s in sections[:-1])
    assert box["border"] == "1px solid" and box["background"] not in ("rgba(0, 0, 0, 0)", "")
    assert all(s["border"].startswith("0px") for s in sections[:-1])
    assert box["disclosure"] == api["disclosure"] and "bukan oleh redaksi" in box["disclosure"]
    assert len(box["items"]) == len(api["items"]) > 0
    for shown, item in zip(box["items"], api["items"], strict=True):
        assert shown["rel"] == "sponsored nofollow noopener"
        # The item's own label (the campaign's), else the section's.
        assert shown["label"] == (item["sponsor"].get("label") or api["label"])
        assert shown["labelBeforeTitle"] is True
        assert shown["sponsor"] == f"Iklan dari {item['sponsor']['name']}"
    editorial = [i for s in sections[:-1] for i in s["items"]]
    assert editorial and not any(i["rel"] or i["label"] for i in editorial)
    sponsored_titles = {i["title"] for i in api["items"]}
    assert not sponsored_titles & {i["title"] for i in editorial}


def indonesian_ago(published: datetime, now: datetime) -> str:
    seconds = (now - published).total_seconds()
    if seconds < 60:
        return "baru saja"
    for size, limit, unit in ((60, 60, "menit"), (3600, 24, "jam"), (86400, 30, "hari")):
        if seconds < size * limit:
            return f"{int(seconds // size)} {unit} lalu"
    return f"{int(seconds // 2592000)} bulan lalu"


def test_relative_times_are_indonesian(context: Any, site: Site) -> None:
    api = by_key(site.api())
    editorial = api["rekomendasi_artikel"]["items"] + api["video_pilihan"]["items"]
    newest = max(datetime.fromisoformat(i["published_at"]) for i in editorial)
    now = newest + timedelta(hours=5, minutes=10)
    page, _ = open_page(context, site)
    page.clock.set_fixed_time(now)
    page.goto(f"{site.base}/demo/{ANCHOR}")
    articles, videos, _ = read_widget(page)

    shown = [i["time"] for i in articles["items"] + videos["items"]]
    expected = [indonesian_ago(datetime.fromisoformat(i["published_at"]), now) for i in editorial]
    assert shown == expected
    assert "5 jam lalu" in shown and any(t.endswith(" hari lalu") for t in shown)


def test_impressions_and_clicks_reach_the_event_log(context: Any, site: Site) -> None:
    page, watch = open_page(context, site, {"width": 1000, "height": 700})
    beacons = watch_beacons(page)
    page.goto(f"{site.base}/demo/{ANCHOR}")
    sections = read_widget(page)
    api = site.api()
    box = by_key(api)["konten_sponsor"]
    labels = {i["id"]: i["sponsor"].get("label") or box["label"] for i in box["items"]}
    sponsors = {i["id"]: i["sponsor"]["name"] for i in box["items"]}

    # Nothing is counted before it is on screen.
    assert site.rows("SELECT * FROM events WHERE section = 'konten_sponsor'") == []
    page.locator("aside").scroll_into_view_if_needed()
    audit = site.wait_rows(
        page,
        "SELECT kind, item_id, label, sponsor, article_id, snapshot, page_view, at"
        " FROM sponsored_audit",
    )
    page_view = audit[0][6]
    assert {row[1] for row in audit} <= set(labels)
    for kind, item_id, label, sponsor, article_id, snapshot, _, at in audit:
        assert kind == "impression"
        assert (label, sponsor) == (labels[item_id], sponsors[item_id])
        assert (article_id, snapshot) == (ANCHOR, api["snapshot"])
        assert datetime.fromisoformat(at).tzinfo is not None

    page.locator("aside a").first.click(button="middle")  # opens a new tab; this page stays
    sponsored_clicks = site.wait_rows(
        page, "SELECT item_id, label, position FROM sponsored_audit WHERE kind = 'click'"
    )
    first_sponsored = box["items"][0]["id"]
    assert sponsored_clicks == [(first_sponsored, labels[first_sponsored], 0)]

    page.locator("section").first.scroll_into_view_if_needed()
    site.wait_rows(
        page,
        "SELECT 1 FROM events WHERE section = 'rekomendasi_artikel' AND kind = 'impression'"
        " AND page_view = ?",
        page_view,
    )
    target = sections[0]["items"][1]["href"].rsplit("/", 1)[1]
    with page.expect_navigation():
        page.locator("section a").nth(1).click()
    clicks = site.wait_rows(
        page,
        "SELECT section, item_id, position, sponsored, label FROM events"
        " WHERE kind = 'click' AND sponsored = 0 AND page_view = ?",
        page_view,
    )
    assert clicks == [("rekomendasi_artikel", target, 1, 0, None)]
    assert page.url == f"{site.base}/demo/{target}"
    assert not watch.exceptions and not watch.console_calls
    # What went out: the new body (event token, positions), each event stored once.
    assert beacons.check(api) == page_view
    sent = {(e["kind"], e["item_id"]) for body in beacons.bodies for e in body["events"]}
    stored = site.rows("SELECT kind, item_id FROM events WHERE page_view = ?", page_view)
    assert len(stored) == len(set(stored)) and set(stored) <= sent
    assert ("click", target) in set(stored) and ("click", first_sponsored) in set(stored)


def test_history_is_remembered_sent_and_can_be_switched_off(
    context: Any, site: Site, publisher: Publisher
) -> None:
    page, _ = open_page(context, site)
    api_calls: list[str] = []
    page.on(
        "request", lambda r: api_calls.append(r.url) if "/v1/recommendations" in r.url else None
    )
    for article in ("banjir-2", "timnas-1", ANCHOR):
        page.goto(f"{site.base}/demo/{article}")
        sections = read_widget(page)
    assert "history" not in api_calls[0]
    assert api_calls[-1].endswith("&history=timnas-1%2Cbanjir-2")
    stored = page.evaluate("JSON.parse(localStorage.getItem('recommender:history'))")
    assert stored == [ANCHOR, "timnas-1", "banjir-2"]
    # What was read is not recommended again (without history banjir-2 leads the list).
    assert "banjir-2" in [i["id"] for i in by_key(site.api())["rekomendasi_artikel"]["items"]]
    shown = [i["href"].rsplit("/", 1)[1] for s in sections[:2] for i in s["items"]]
    assert shown and not {"banjir-2", "timnas-1"} & set(shown)

    # Switched off: the history stored on this origin is neither sent nor extended.
    page.goto(publisher.serve(publisher_html(f"{site.base}/widget.js", article="data-1")))
    read_widget(page)
    off = publisher_html(f"{site.base}/widget.js", 'data-history="off"')
    page.goto(publisher.serve(off))
    read_widget(page)
    assert "history" not in api_calls[-1]
    assert page.evaluate("localStorage.getItem('recommender:history')") == '["data-1"]'


def test_data_attributes_set_titles_counts_labels_and_colours(
    context: Any, site: Site, publisher: Publisher
) -> None:
    attrs = (
        'data-articles="2" data-videos="0" data-title-articles="Baca Juga" '
        'data-sponsored-label="Iklan" data-accent="rgb(0, 85, 170)" data-timeout="5000" '
        'data-impression-ms="0"'
    )
    url = publisher.serve(publisher_html(f"{site.base}/widget.js", attrs))
    page, watch = open_page(context, site)
    beacons = watch_beacons(page)
    page.goto(url)
    sections = read_widget(page)
    assert [s["title"] for s in sections] == ["Baca Juga", "Konten Sponsor"]
    assert len(sections[0]["items"]) == 2
    assert {i["label"] for i in sections[1]["items"]} == {"Iklan"}
    # A beacon from the publisher's origin (in CORS_ORIGINS) is stored; the audit names each
    # advert's label as the catalogue has it (the page's own wording is not the client's to say).
    page.locator("aside").scroll_into_view_if_needed()
    for _ in range(150):  # 15 s at most
        if beacons.bodies:
            break
        page.wait_for_timeout(100)
    page_view = beacons.bodies[0]["page_view"]
    audit = site.wait_rows(
        page, "SELECT item_id, label FROM sponsored_audit WHERE page_view = ?", page_view
    )
    api = site.api(articles=2, videos=0)
    box = by_key(api)["konten_sponsor"]
    labels = {i["id"]: i["sponsor"].get("label") or box["label"] for i in box["items"]}
    assert audit and all(label == labels[item] != "Iklan" for item, label in audit), audit
    assert beacons.check(api) == page_view
    accent = page.eval_on_selector(
        WIDGET,
        "(h) => getComputedStyle(h.shadowRoot.querySelector('h2'), '::before').backgroundColor",
    )
    assert accent == "rgb(0, 85, 170)"
    # The publisher's own styles do not reach inside, and the widget's do not leak out.
    assert page.eval_on_selector("#body", "(p) => getComputedStyle(p).fontFamily") == "serif"
    inside = page.eval_on_selector(
        WIDGET,
        """(h) => [...h.shadowRoot.querySelectorAll('h2, a, span')].map((n) => {
             const css = getComputedStyle(n); return [css.color, css.fontSize, css.fontFamily] })""",
    )
    assert inside and not any(
        c == "rgb(255, 0, 0)" or c == "rgb(0, 128, 0)" or size == "40px" or family == "serif"
        for c, size, family in inside
    )
    assert not watch.exceptions and not watch.console_calls and not watch.console_errors


@pytest.fixture
def limited_site(tmp_path: Path, real_built_dir: Path, publisher: Publisher) -> Iterator[Site]:
    """A server of its own allowing 120 events a minute per address (2 a second)."""
    data_dir = tmp_path / "data"
    shutil.copytree(real_built_dir, data_dir)
    settings = real_settings(
        data_dir, cors_origins=[publisher.base], log_level="warning", events_rate_per_minute=120
    )
    with running_server(create_app(settings)) as base:
        yield Site(base, settings.resolved_event_log_path)


def test_after_a_429_the_widget_waits_retry_after_then_sends_again(
    context: Any, limited_site: Site, publisher: Publisher
) -> None:
    """On a publisher's page (another origin: the server must expose Retry-After to it), the
    widget pauses for as long as a 429 says, not the minute it assumes without the header."""
    site = limited_site
    url = publisher.serve(publisher_html(f"{site.base}/widget.js", 'data-impression-ms="0"'))
    page, watch = open_page(context, site, {"width": 1000, "height": 4000})  # every card seen
    beacons = watch_beacons(page)
    sent: list[float] = []
    answered: list[tuple[float, int, str | None]] = []
    page.on("request", lambda r: sent.append(time.monotonic()) if "/v1/events" in r.url else None)
    page.on(
        "response",
        lambda r: (
            answered.append((time.monotonic(), r.status, r.headers.get("retry-after")))
            if "/v1/events" in r.url
            else None
        ),
    )
    # Another client at this address (127.0.0.1) has just spent the bucket.
    spend = httpx.post(f"{site.base}/v1/events", content=json.dumps({"events": [0] * 120}))
    assert spend.status_code == 422
    page.goto(url)
    read_widget(page)
    stored = site.wait_rows(page, "SELECT kind, item_id FROM events")
    assert answered[0][1] == 429 and answered[0][2] is not None
    retry_after = int(answered[0][2])
    assert 2 <= retry_after <= 10, answered
    assert len(sent) >= 2
    waited = sent[1] - answered[0][0]
    assert retry_after - 1 <= waited < retry_after + 5, (waited, answered)
    assert [status for _, status, _ in answered[1:]] == [204] * (len(answered) - 1)
    refused = {(e["kind"], e["item_id"]) for e in beacons.bodies[0]["events"]}
    deadline = time.monotonic() + 10
    while not refused <= set(stored) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        stored = site.rows("SELECT kind, item_id FROM events")
    assert refused <= set(stored) and len(stored) == len(set(stored))
    assert not watch.exceptions and not watch.console_calls


def test_an_origin_outside_cors_origins_gets_nothing(
    context: Any, site: Site, publisher: Publisher
) -> None:
    url = publisher.serve(publisher_html(f"{site.base}/widget.js"), publisher.other_origin)
    page, watch = open_page(context, site)
    page.goto(url)
    read_widget(page, "empty")
    assert page.eval_on_selector(WIDGET, "(h) => h.shadowRoot.childElementCount") == 0
    assert not watch.exceptions and not watch.console_calls


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def never_answer(route: Any) -> None:
    """A stalled API: the request is left hanging (the widget must give up on its own)."""


@pytest.fixture(scope="module")
def missing_snapshot_site(
    tmp_path_factory: pytest.TempPathFactory, publisher: Publisher
) -> Iterator[str]:
    empty = tmp_path_factory.mktemp("no-snapshot")
    settings = real_settings(empty, cors_origins=[publisher.base], log_level="warning")
    with running_server(create_app(settings)) as base:
        yield base


Failure = Callable[[Any, Site, str], tuple[str, str]]


def snapshot_missing(context: Any, site: Site, other: str) -> tuple[str, str]:
    return f"{other}/widget.js", ""


def bad_json(context: Any, site: Site, other: str) -> tuple[str, str]:
    context.route(
        "**/v1/recommendations?*",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body='{"sections": ['
        ),
    )
    return f"{site.base}/widget.js", ""


def wrong_shape(context: Any, site: Site, other: str) -> tuple[str, str]:
    context.route(
        "**/v1/recommendations?*",
        lambda route: route.fulfill(status=200, content_type="application/json", body='{"x": 1}'),
    )
    return f"{site.base}/widget.js", ""


def closed(context: Any, site: Site, other: str) -> tuple[str, str]:
    return f"{site.base}/widget.js", f'data-api="http://127.0.0.1:{closed_port()}/"'


def too_slow(context: Any, site: Site, other: str) -> tuple[str, str]:
    context.route("**/v1/recommendations?*", never_answer)
    return f"{site.base}/widget.js", 'data-timeout="400"'


@pytest.mark.parametrize("failure", [snapshot_missing, bad_json, wrong_shape, closed, too_slow])
def test_a_failing_api_leaves_the_page_intact_and_silent(
    context: Any, site: Site, publisher: Publisher, missing_snapshot_site: str, failure: Failure
) -> None:
    src, attrs = failure(context, site, missing_snapshot_site)
    url = publisher.serve(publisher_html(src, attrs))
    page, watch = open_page(context, site)
    page.goto(url)
    read_widget(page, "empty")

    assert page.eval_on_selector(WIDGET, "(h) => h.shadowRoot.childElementCount") == 0
    assert page.eval_on_selector(WIDGET, "(h) => h.getBoundingClientRect().height") == 0
    assert page.inner_text("#headline") == "Judul artikel penerbit"
    assert page.is_visible("#footer")
    assert watch.exceptions == [] and watch.console_calls == []
    # The only console lines allowed are Chromium's own reports of the failed request.
    assert all(line.startswith("Failed to load resource") for line in watch.console_errors), watch


def test_a_320px_phone_renders_without_horizontal_overflow(context: Any, site: Site) -> None:
    page, _ = open_page(context, site, {"width": 320, "height": 640})
    page.goto(f"{site.base}/demo/{ANCHOR}")
    sections = read_widget(page)
    assert len(sections) == 3
    page.evaluate("(h) => h.scrollIntoView()", page.query_selector(WIDGET))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    overflow = page.eval_on_selector(
        WIDGET,
        """(h) => { const box = h.getBoundingClientRect();
          return [...h.shadowRoot.querySelectorAll('a, h2, p')]
            .map((n) => n.getBoundingClientRect())
            .filter((r) => r.left < box.left - 0.5 || r.right > box.right + 0.5).length }""",
    )
    assert overflow == 0


def test_links_are_reachable_by_keyboard(context: Any, site: Site, publisher: Publisher) -> None:
    url = publisher.serve(publisher_html(f"{site.base}/widget.js"))
    page, _ = open_page(context, site)
    page.goto(url)
    sections = read_widget(page)
    page.keyboard.press("Tab")
    focused = page.eval_on_selector(
        WIDGET, "(h) => h.shadowRoot.activeElement && h.shadowRoot.activeElement.textContent"
    )
    assert focused is not None and sections[0]["items"][0]["title"] in focused
    outline = page.eval_on_selector(
        WIDGET, "(h) => getComputedStyle(h.shadowRoot.activeElement).outlineStyle"
    )
    assert outline == "solid"


def test_space_is_reserved_while_loading(context: Any, site: Site, publisher: Publisher) -> None:
    held: list[Any] = []
    context.route("**/v1/recommendations?*", lambda route: held.append(route))
    url = publisher.serve(publisher_html(f"{site.base}/widget.js"))
    page, _ = open_page(context, site, {"width": 1000, "height": 800})
    page.goto(url)
    page.wait_for_selector(f"{WIDGET}[data-recommender-state=loading]", state="attached")
    reserved = page.eval_on_selector(WIDGET, "(h) => h.getBoundingClientRect().height")
    footer_before = page.eval_on_selector("#footer", "(f) => f.getBoundingClientRect().top")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    held[0].continue_()
    read_widget(page)
    final = page.eval_on_selector(WIDGET, "(h) => h.getBoundingClientRect().height")
    footer_after = page.eval_on_selector("#footer", "(f) => f.getBoundingClientRect().top")
    assert reserved > 600
    # The skeleton has the final layout: what follows the widget moves by less than a tenth.
    assert abs(footer_after - footer_before) < 0.1 * final, (reserved, final)


def test_data_experiments_sends_the_page_view_with_the_request(
    context: Any, site: Site, publisher: Publisher
) -> None:
    """Opt-in (docs/experiments.md): the request carries the page view id its events carry."""
    page, watch = open_page(context, site)
    api_calls: list[str] = []
    page.on(
        "request", lambda r: api_calls.append(r.url) if "/v1/recommendations" in r.url else None
    )
    beacons = watch_beacons(page)
    page.goto(publisher.serve(publisher_html(f"{site.base}/widget.js", 'data-history="off"')))
    read_widget(page)
    assert "page_view" not in api_calls[-1]  # off unless asked for: URLs stay cacheable
    attrs = 'data-experiments="on" data-history="off" data-impression-ms="0"'
    page.goto(publisher.serve(publisher_html(f"{site.base}/widget.js", attrs)))
    read_widget(page)
    sent = dict(parse_qsl(urlsplit(api_calls[-1]).query))["page_view"]
    page.locator("section").first.scroll_into_view_if_needed()
    for _ in range(150):  # 15 s at most
        if beacons.bodies:
            break
        page.wait_for_timeout(100)
    assert beacons.bodies and {b["page_view"] for b in beacons.bodies} == {sent}
    assert not watch.exceptions


def test_terpopuler_is_shown_with_the_same_look_when_asked_for(
    context: Any, site: Site, publisher: Publisher
) -> None:
    """Signed clicks for one item, `recommender signals`, then a page asking for `data-popular`:
    the "terpopuler" section is drawn as an editorial one, titled as the page says, and a click
    in it is logged under its own section key (issue #13)."""
    from recommender.signals.job import run_signals
    from tests.beacons import batch, beacon, event, events_of

    data_dir = site.event_log.parent
    with httpx.Client(base_url=site.base) as http:
        shown = site.api()
        articles = by_key(shown)["rekomendasi_artikel"]["items"]
        favourite = articles[-1]["id"]
        for n in range(5):
            page_view = f"popular-{n:03d}-0123456789abcdef"
            body = batch(shown, events_of(shown, "impression", "rekomendasi_artikel"), page_view)
            assert beacon(http, body).status_code == 204
            click = event("click", "rekomendasi_artikel", favourite, len(articles) - 1)
            assert beacon(http, batch(shown, [click], page_view)).status_code == 204
    run_signals(real_settings(data_dir))
    article = "data-1" if favourite != "data-1" else "data-2"
    deadline = time.monotonic() + 15  # the service follows the signals file at each reload
    while not by_key(site.api(article_id=article, popular=3)).get("terpopuler", {}).get("items"):
        assert time.monotonic() < deadline, "the service never loaded the signals"
        time.sleep(0.2)

    attrs = 'data-popular="3" data-title-popular="Paling Dibaca" data-impression-ms="0"'
    url = publisher.serve(publisher_html(f"{site.base}/widget.js", attrs, article=article))
    page, watch = open_page(context, site)
    page.goto(url)
    sections = read_widget(page)
    titles = [s["title"] for s in sections]
    assert "Paling Dibaca" in titles and titles[-1] == "Konten Sponsor"  # sponsored stays last
    popular = sections[titles.index("Paling Dibaca")]
    articles_box = sections[titles.index("Rekomendasi Artikel")]
    assert popular["items"][0]["title"] == next(
        i["title"] for i in articles if i["id"] == favourite
    )
    assert (popular["tag"], popular["cls"]) == (
        articles_box["tag"],
        articles_box["cls"],
    )  # same look
    assert popular["border"] == articles_box["border"]

    page.locator("section").nth(titles.index("Paling Dibaca")).scroll_into_view_if_needed()
    with page.expect_navigation():
        page.locator("section").nth(titles.index("Paling Dibaca")).locator("a").first.click()
    clicks = site.wait_rows(
        page,
        "SELECT item_id, position FROM events WHERE kind = 'click' AND section = 'terpopuler'",
    )
    assert clicks == [(favourite, 0)]
    assert not watch.exceptions and not watch.console_calls
