"""No page holds a job up: reading one is given up after the page time limit
(RECOMMENDER_PAGE_TIME_LIMIT_SECONDS), reported as that page's error, the others imported, in this
process and in extraction workers alike."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from recommender.ingest.extraction import PageJob, PageTimeout, extract, time_limit
from recommender.ingest.html.page import PAGE_TIME_LIMIT_SECONDS, PageOptions
from recommender.ingest.sources import ReadOptions, read_sources
from tests.ingest.test_warc import BANJIR, page

# A malformed page: two thousand `<div>`s never closed, each holding paragraphs, so that every
# paragraph sits deeper than the last (a template that opens a box per comment and closes none).
# Reading it takes tens of seconds to minutes; the limits below are a small part of that.
DEEP_LEVELS = 2000
STORY = (
    "<p>Warga di tepi sungai kembali mengungsi setelah hujan deras semalam, dan petugas"
    " membuka posko di balai desa untuk keluarga yang rumahnya terendam.</p>"
)


def deep_page() -> str:
    head = (
        '<html lang="id"><head><title>Banjir lagi</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-11-10T09:15:00+07:00">'
        '<link rel="canonical" href="https://kabar.example/read/2026/11/10/9/banjir-lagi">'
        "</head><body><h1>Banjir lagi</h1>"
    )
    return head + ('<div class="isi">' + STORY * 3) * DEEP_LEVELS + "</body></html>"


def story_page() -> bytes:
    return page(BANJIR, canonical=True).encode("utf-8")


def test_a_page_past_the_limit_is_given_up_with_its_reason() -> None:
    extract(PageJob(story_page()), PageOptions())  # models loaded: not timed below
    outcome = extract(PageJob(deep_page().encode("utf-8")), PageOptions(time_limit=0.5))
    assert outcome.record is None
    assert outcome.field == "page"
    assert outcome.reason.startswith("reading it took longer than 0.5 s, the limit for one page")
    assert "RECOMMENDER_PAGE_TIME_LIMIT_SECONDS" in outcome.reason
    # the timer is put away: no signal left to go off later, the handler as it was
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    # a page read within the limit is imported as before
    assert extract(PageJob(story_page()), PageOptions(time_limit=30)).record is not None


def test_the_limit_is_not_swallowed_by_a_step_that_catches_every_exception() -> None:
    """trafilatura's readability fallback, where a deep page spends most of its time, catches
    every Exception it raises: a timeout that is one was swallowed there, and the page then read
    on for as long as it took (a flaky CLI test showed it)."""
    started = time.monotonic()
    with pytest.raises(PageTimeout), time_limit(0.2):
        while time.monotonic() - started < 5:
            try:
                sum(range(10_000))
            except Exception:  # as a third-party step's own fallback does
                continue
    assert time.monotonic() - started < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_limit_defaults_to_a_minute_and_zero_turns_it_off() -> None:
    from recommender.settings import Settings

    assert PageOptions().time_limit == PAGE_TIME_LIMIT_SECONDS == 60
    assert ReadOptions.from_settings(Settings()).page.time_limit == 60
    off = Settings.model_validate({"jobs": {"page_time_limit_seconds": 0}})
    assert ReadOptions.from_settings(off).page.time_limit is None


def test_no_timer_outside_the_main_thread_nor_over_someone_elses() -> None:
    import threading

    seen: list[tuple[float, float]] = []

    def inside() -> None:
        with time_limit(5):
            seen.append(signal.getitimer(signal.ITIMER_REAL))

    thread = threading.Thread(target=inside)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]  # a thread takes no signal: nothing was set
    signal.setitimer(signal.ITIMER_REAL, 100)  # a caller's own timer
    try:
        with time_limit(5):
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 50  # left as it was
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def saved_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "1-banjir.html").write_bytes(story_page())
    (folder / "2-deep.html").write_text(deep_page(), encoding="utf-8")
    (folder / "3-beras.html").write_bytes(
        story_page().replace(b"/banjir", b"/banjir-susulan").replace(b"Hujan", b"Hujan lebat")
    )
    return folder


def test_the_other_pages_are_imported_in_this_process_and_by_workers(tmp_path: Path) -> None:
    folder = saved_folder(tmp_path)
    extract(PageJob(story_page()), PageOptions())  # models loaded: not timed below
    for workers, inline in ((1, 200), (2, 0)):
        options = ReadOptions(
            page=PageOptions(time_limit=1.0), extract_workers=workers, extract_inline=inline
        )
        report = read_sources([folder], options=options)
        assert len(report.items) == 2, (workers, report.errors)
        assert [str(e) for e in report.errors] == [
            f"{folder / '2-deep.html'}:1: page: reading it took longer than 1 s, the limit for"
            " one page (RECOMMENDER_PAGE_TIME_LIMIT_SECONDS): not imported (a page nested"
            " thousands of elements deep, or one the importer reads too slowly: please report it)"
        ]


def test_extract_reports_the_slow_page_and_prints_the_others(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recommender.cli import app

    folder = saved_folder(tmp_path)
    env = {"RECOMMENDER_PAGE_TIME_LIMIT_SECONDS": "2", "RECOMMENDER_EXTRACT_WORKERS": "1"}
    result = CliRunner().invoke(app, ["extract", str(folder)], env=env)
    assert result.exit_code == 1, result.output  # records printed, a page reported
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.startswith(
        f"{folder / '2-deep.html'}:1: page: reading it took longer than 2 s"
    )
