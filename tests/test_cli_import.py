"""`recommender extract` and `export`, and `build` reading every format `update` reads (#12)."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from index.snapshots import SnapshotStore
from recommender.articles import Article
from recommender.cli import app
from tests.conftest import CORPUS, tiny_env
from tests.ingest.html.test_page import PUBLISHED, article
from tests.ingest.test_feeds import RSS

runner = CliRunner()
ROW_ERROR = re.compile(r"^\S+:\d+: [\w.]+: \S.*$")


def onboarding_folder(tmp_path: Path) -> Path:
    """What a new publisher hands over: a feed, a good page, a page without any time, an index."""
    folder = tmp_path / "publisher"
    folder.mkdir()
    (folder / "feed.xml").write_text(RSS, encoding="utf-8")
    (folder / "good.html").write_text(article(head=PUBLISHED), encoding="utf-8")
    (folder / "no-time.html").write_text(
        article().replace("/123/banjir-rendam", "/124/lain"), encoding="utf-8"
    )
    return folder


def test_extract_prints_import_records_and_row_errors_and_touches_no_snapshot(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    result = runner.invoke(
        app, ["extract", str(onboarding_folder(tmp_path))], env=tiny_env(data_dir)
    )
    assert result.exit_code == 1, result.output  # records printed, a row rejected
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4  # three feed entries and the good page
    for record in records:
        Article.model_validate(record)  # exactly the import format
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and ROW_ERROR.match(errors[0]), errors
    assert errors[0].startswith(str(tmp_path / "publisher" / "no-time.html") + ":1: published_at:")
    assert not data_dir.exists()


def test_extract_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(article(head=PUBLISHED), encoding="utf-8")
    assert runner.invoke(app, ["extract", str(good)]).exit_code == 0
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(empty)])
    assert result.exit_code == 2 and result.stdout == ""
    assert ROW_ERROR.match(result.stderr.strip())


def test_extract_base_url_and_assumed_zone(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    naive = '<meta property="article:published_time" content="2026-11-10T09:15:00">'
    (folder / "banjir.html").write_text(article(head=naive, canonical=False), encoding="utf-8")
    args = ["extract", str(folder), "--base-url", "https://kabar.example/berita/"]
    assert runner.invoke(app, args).exit_code == 2
    result = runner.invoke(app, [*args, "--assume-timezone", "Asia/Jakarta"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["url"] == "https://kabar.example/berita/banjir.html"
    assert record["id"] == "kabar.example:berita:banjir.html"
    assert record["published_at"] == "2026-11-10T09:15:00+07:00"


@pytest.mark.parametrize("base", ["kabar.example/berita/", "http://[object Object]/", "berita"])
def test_a_base_url_that_is_no_sites_address_stops_the_command(tmp_path: Path, base: str) -> None:
    """`--base-url http://[object Object]/` was taken, and every page's canonical URL then
    "named no site"; `kabar.example/berita/` (no scheme) was taken and named nothing."""
    page = tmp_path / "banjir.html"
    page.write_text(article(head=PUBLISHED), encoding="utf-8")
    data_dir = tmp_path / "data"
    for command in (["extract", str(page)], ["build", "-i", str(page)]):
        result = runner.invoke(app, [*command, "--base-url", base], env=tiny_env(data_dir))
        assert result.exit_code == 2, result.output
        assert f"--base-url {base!r} is not a site's address" in " ".join(result.stderr.split())
    assert [p.name for p in data_dir.iterdir()] == [".job.lock"]  # no snapshot, nothing read


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and SIGALRM are POSIX")
def test_a_named_pipe_among_the_pages_is_named_not_waited_on(tmp_path: Path) -> None:
    """Reading a named pipe waits for a writer: `extract` of a folder holding one hung for ever."""
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "banjir.html").write_text(article(head=PUBLISHED), encoding="utf-8")
    os.mkfifo(folder / "pipe.html")

    def waited(signum: int, frame: object) -> None:
        raise TimeoutError("extract waited on the named pipe")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(60)  # a hang fails the test instead of the run
    try:
        result = runner.invoke(app, ["extract", str(folder)], catch_exceptions=False)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.exit_code == 1, result.output
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.strip() == (
        f"{folder / 'pipe.html'}:0: file: not a regular file (a named pipe, a socket or a"
        " device): not read"
    )


def test_build_reads_feeds_and_pages_and_prints_row_errors_not_dicts(tmp_path: Path) -> None:
    env = tiny_env(tmp_path / "data")
    result = runner.invoke(app, ["build", "-i", str(onboarding_folder(tmp_path))], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["imported"] == 4
    assert "no-time.html:1: published_at:" in result.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    # a dated page without its URL (undated, so little text would be refused as no article)
    page = "<html><body><h1>Banjir</h1><p>Selasa, 10 Nov 2026 09:15 WIB</p><p>x</p></body></html>"
    (bad / "index.html").write_text(page, encoding="utf-8")
    failed = runner.invoke(app, ["build", "-i", str(bad)], env=env)
    assert failed.exit_code == 2
    assert "nothing could be imported" in failed.stderr
    assert "index.html:1: url:" in failed.stderr and "{" not in failed.stderr


def test_export_then_build_gives_the_same_items(data_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.jsonl"
    result = runner.invoke(app, ["export", "-o", str(exported)], env=tiny_env(data_dir))
    assert result.exit_code == 0, result.output
    other = tmp_path / "other"
    built = runner.invoke(app, ["build", "-i", str(exported)], env=tiny_env(other))
    assert built.exit_code == 0, built.output
    again = runner.invoke(app, ["export"], env=tiny_env(other))
    assert again.exit_code == 0
    assert again.stdout == exported.read_text(encoding="utf-8")
    source = {a["id"] for a in map(json.loads, CORPUS.read_text().splitlines()) if a}
    assert {json.loads(line)["id"] for line in again.stdout.splitlines()} <= source
    assert SnapshotStore(other / "snapshots").current_version() is not None


def test_export_without_a_snapshot_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export"], env=tiny_env(tmp_path / "none"))
    assert result.exit_code == 2 and "recommender build" in result.stderr


def test_an_unknown_time_zone_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path), "--assume-timezone", "Mars/Base"])
    assert result.exit_code == 2
    assert "assume_timezone: unknown time zone 'Mars/Base'" in " ".join(result.stderr.split())


def test_extract_says_a_file_is_no_html_page_and_imports_the_rest(tmp_path: Path) -> None:
    """A binary or plain-text file among saved pages is named for what it holds, not for the
    canonical URL it lacks; the good page beside it still lands."""
    folder = tmp_path / "saved"
    folder.mkdir()
    page = article(head=PUBLISHED)
    (folder / "good.html").write_text(page, encoding="utf-8")
    (folder / "zipped.html").write_bytes(gzip.compress(page.encode("utf-8")))
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "notes.html").write_text("Banjir rendam Jakarta, tulis besok.\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(folder)])
    assert result.exit_code == 1, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert "/123/banjir-rendam" in record["url"]
    errors = dict(line.split(": page: ", 1) for line in result.stderr.strip().splitlines())
    assert errors == {
        f"{folder / 'notes.html'}:1": "not an HTML page: the file holds no HTML tag (plain text?)",
        f"{folder / 'photo.html'}:1": "not an HTML page: the file holds a PNG image",
        f"{folder / 'zipped.html'}:1": (
            "not an HTML page: the file holds a gzip archive (decompress it first)"
        ),
    }


def test_a_source_with_nothing_to_import_is_named_with_why(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An empty export, a CSV with its header only, blank lines, an empty folder, a URL list of
    comments: `extract` and `build` say which and why (they had exited 2 without a word, or
    with a bare "nothing could be imported"); `update` warns and goes on (cron may have
    nothing new)."""
    (tmp_path / "header.csv").write_text("id,title,url,published_at\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n \n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "urls.txt").write_text("# none yet\n", encoding="utf-8")
    why = {
        "header.csv": "a header line and no rows",
        "empty.jsonl": "the file is empty",
        "blank.jsonl": "no records (blank lines only)",
        "folder": "no file to import in this folder",
        "urls.txt": "no URLs (blank and comment lines only)",
    }
    sources = [str(tmp_path / name) for name in why]
    result = runner.invoke(app, ["extract", *sources])
    assert result.exit_code == 2 and result.stdout == ""
    said = " ".join(result.stderr.split())
    for name, reason in why.items():
        assert f"nothing imported from {tmp_path / name}: {reason}" in said, said
    built = runner.invoke(app, ["build", "-i", sources[0]], env=tiny_env(tmp_path / "new"))
    assert built.exit_code == 2
    assert "nothing could be imported; " + f"{sources[0]}: a header line and no rows" in " ".join(
        built.stderr.split()
    )
    before = SnapshotStore(data_dir / "snapshots").current_version()
    updated = runner.invoke(app, ["update", "-i", sources[0]], env=tiny_env(data_dir))
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.stdout.splitlines()[-1])["published"] is False
    assert f"nothing imported from {sources[0]}: a header line and no rows" in caplog.messages
    assert SnapshotStore(data_dir / "snapshots").current_version() == before
