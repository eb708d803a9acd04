"""Pages extracted in worker processes (`extraction.PagePool`, RECOMMENDER_EXTRACT_WORKERS): the
same items and the same errors, in the same order, as one page after the other; a worker that
dies loses no page."""

from __future__ import annotations

import os
from pathlib import Path

from recommender.ingest.extraction import Outcome, PageJob, PagePool
from recommender.ingest.html.page import PageOptions
from recommender.ingest.importer import ImportReport
from recommender.ingest.sources import ReadOptions, read_sources
from tests.ingest.test_saved_pages import mhtml, without_canonical
from tests.ingest.test_warc import BANJIR, BERAS, SITE, STORIES, Crawl, page


def saved_site(folder: Path) -> None:
    """Fourteen saved pages: articles, a copy of one under another name (the same id: the later
    file wins), a front page (refused), a page without a URL (refused), a feed saved as a page
    (read as a feed, in this process) and a page saved as MHTML."""
    folder.mkdir()
    for n in range(8):
        path = list(STORIES)[n % 2]
        html = page(path, canonical=True).replace(
            f'href="{SITE}{path}"', f'href="{SITE}{path}-{n}"'
        )
        (folder / f"{n:02d}-story.html").write_text(html, encoding="utf-8")
    (folder / "08-copy.html").write_text(page(BANJIR, canonical=True), encoding="utf-8")
    (folder / "09-front.html").write_text(
        page(BERAS, canonical=True).replace(f'href="{SITE}{BERAS}"', f'href="{SITE}/"'),
        encoding="utf-8",
    )
    (folder / "10-nourl.html").write_text(page(BANJIR), encoding="utf-8")
    (folder / "11-copy.html").write_text(
        page(BANJIR, canonical=True).replace("Hujan deras", "Hujan lebat"), encoding="utf-8"
    )
    saved = mhtml(without_canonical().encode("utf-8"), location=f"{SITE}/read/2026/11/12/125/arsip")
    (folder / "13-saved.mhtml").write_bytes(saved)
    (folder / "12-feed.html").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kabar</title><item>'
        f"<title>Banjir</title><link>{SITE}/feed-item</link>"
        "<pubDate>Mon, 10 Nov 2026 02:15:00 GMT</pubDate><description>Hujan deras merendam"
        " rumah warga.</description></item></channel></rss>",
        encoding="utf-8",
    )


def landed(report: ImportReport) -> tuple[list[tuple[str, str]], list[str]]:
    """A report's items (id and body) and errors, in the order they landed."""
    return [(i, item.body) for i, item in report.items.items()], [str(e) for e in report.errors]


def read(source: Path, workers: int) -> tuple[list[tuple[str, str]], list[str]]:
    return landed(
        read_sources([source], options=ReadOptions(extract_workers=workers, extract_inline=2))
    )


def test_pages_extracted_by_workers_land_as_one_after_the_other(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    saved_site(folder)
    crawl = Crawl()
    for n in range(6):
        crawl.response(f"{SITE}{BANJIR}-{n}", page(BANJIR).encode("utf-8"))
    crawl.response(f"{SITE}/", b"<html><body><p>x</p></body></html>")
    crawl.response(SITE + BERAS, page(BERAS).encode("utf-8"))
    archive = crawl.save(tmp_path / "crawl.warc.gz")
    for source in (folder, archive):
        alone = read(source, workers=1)
        assert read(source, workers=2) == alone
        items, errors = alone
        assert len(items) >= 7 and errors  # pages read and pages refused, the order kept
    items, errors = read(folder, workers=2)
    # the later copy of the story wins; the feed's entry is read
    assert dict(items)["kabar.example:read:2026:11:10:123:banjir-rendam"].startswith("Hujan lebat")
    assert any(i.endswith("feed-item") for i, _ in items)
    assert "kabar.example:read:2026:11:12:125:arsip" in dict(items)  # the MHTML page
    assert [Path(e.split(":")[0]).name for e in errors] == ["09-front.html", "10-nourl.html"]


def test_a_worker_that_dies_loses_no_page(tmp_path: Path) -> None:
    landed: list[Outcome] = []
    jobs = [PageJob(page(path, canonical=True).encode("utf-8")) for path in STORIES]
    with PagePool(PageOptions(), workers=2, inline_pages=0) as pages:
        pages.submit(jobs[0], landed.append)
        pages.flush()  # the pool is up
        pool = pages._pool
        assert pool is not None
        for process in list(pool._processes.values()):  # killed, as for memory
            process.kill()
            process.join()
        for job in jobs * 3:
            pages.submit(job, landed.append)
    titles = [outcome.record["title"] for outcome in landed if outcome.record]
    assert titles == [STORIES[BANJIR][0]] + [title for title, _ in STORIES.values()] * 3


def test_the_setting_gives_one_worker_per_usable_core_by_default() -> None:
    from recommender.settings import Settings

    cores = len(os.sched_getaffinity(0))
    assert ReadOptions.from_settings(Settings()).extract_workers == min(cores, 8)
    jobs = {"jobs": {"extract_workers": 3}}
    assert ReadOptions.from_settings(Settings.model_validate(jobs)).extract_workers == 3


def test_a_jobs_sources_share_one_pool_and_land_as_one_after_the_other(tmp_path: Path) -> None:
    from recommender.jobs import import_sources
    from recommender.progress import Progress

    folder = tmp_path / "saved"
    saved_site(folder)
    crawl = Crawl()
    for n in range(4):
        crawl.response(f"{SITE}{BERAS}-{n}", page(BERAS).encode("utf-8"))
    archive = crawl.save(tmp_path / "crawl.warc.gz")

    def imported(workers: int) -> tuple[list[tuple[str, str]], list[str]]:
        options = ReadOptions(extract_workers=workers, extract_inline=2)
        return landed(import_sources([archive, folder], options, Progress("off")))

    alone = imported(1)
    items, errors = alone
    assert len(items) == 13 and len(errors) == 2  # two of the crawl's ids are in the folder too
    assert imported(2) == alone
