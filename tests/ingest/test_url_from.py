"""Saved pages without a canonical URL (#12): `--url-from path` (the file's path joined to
`--base-url`) or `--url-from sidecar` (the URL in `NAME.url` beside `NAME.html`), and errors that
name the option that fixes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.ingest.html.page import PageOptions, UrlFrom
from recommender.ingest.html.siterules import load as load_site_rules
from recommender.ingest.sources import ReadOptions, read_sources
from tests.conftest import tiny_env
from tests.ingest.html.test_page import PUBLISHED, article

runner = CliRunner()
SIDECAR_URL = "https://kabar.example/read/2026/11/10/777/banjir-dayeuhkolot"


def saved(tmp_path: Path, *, canonical: bool = False) -> Path:
    folder = tmp_path / "saved"
    (folder / "nasional").mkdir(parents=True)
    page = folder / "nasional" / "banjir.html"
    page.write_text(article(head=PUBLISHED, canonical=canonical), encoding="utf-8")
    return page


def read(
    folder: Path, url_from: UrlFrom, base_url: str | None = None
) -> tuple[list[str], list[str]]:
    options = ReadOptions(page=PageOptions(base_url=base_url, url_from=url_from))
    report = read_sources([folder], options=options)
    return [item.url for item in report.items.values()], [str(e) for e in report.errors]


@pytest.mark.parametrize(
    "sidecar",
    [
        f"{SIDECAR_URL}\n",
        f"# saved 2026-11-10\n\n{SIDECAR_URL}?utm_source=wa\n",
        f"[InternetShortcut]\r\nIconIndex=0\r\nURL={SIDECAR_URL}\r\n",  # Windows' .url files
    ],
)
def test_a_sidecar_names_the_pages_url(tmp_path: Path, sidecar: str) -> None:
    page = saved(tmp_path)
    page.with_suffix(".url").write_text(sidecar, encoding="utf-8")
    urls, errors = read(tmp_path / "saved", "sidecar")
    assert (urls, errors) == ([SIDECAR_URL], [])


def test_a_relative_sidecar_url_is_joined_to_the_base_url(tmp_path: Path) -> None:
    saved(tmp_path).with_suffix(".url").write_text("/nasional/banjir-1", encoding="utf-8")
    urls, _ = read(tmp_path / "saved", "sidecar", base_url="https://kabar.example/")
    assert urls == ["https://kabar.example/nasional/banjir-1"]


def test_the_pages_own_canonical_url_wins_over_its_sidecar(tmp_path: Path) -> None:
    page = saved(tmp_path, canonical=True)
    page.with_suffix(".url").write_text(SIDECAR_URL, encoding="utf-8")
    urls, _ = read(tmp_path / "saved", "sidecar")
    assert urls == ["https://kabar.example/read/2026/11/10/123/banjir-rendam-ribuan-rumah"]


def test_the_sidecar_is_read_only_when_asked_for(tmp_path: Path) -> None:
    saved(tmp_path).with_suffix(".url").write_text(SIDECAR_URL, encoding="utf-8")
    urls, errors = read(tmp_path / "saved", "path", base_url="https://kabar.example/")
    assert urls == ["https://kabar.example/nasional/banjir.html"] and errors == []
    urls, [error] = read(tmp_path / "saved", "path")
    assert urls == [] and "--base-url SITE to make it SITE/nasional/banjir.html" in error


def test_a_missing_sidecar_names_the_file_and_a_bad_one_its_value(tmp_path: Path) -> None:
    page = saved(tmp_path)
    _, [error] = read(tmp_path / "saved", "sidecar", base_url="https://kabar.example/")
    assert error.startswith(f"{page}:1: url: ")
    assert "no sidecar file banjir.url beside it" in error and "--url-from path" in error
    page.with_suffix(".url").write_text("ftp://kabar.example/x", encoding="utf-8")
    _, [error] = read(tmp_path / "saved", "sidecar")
    assert (
        error == f"{page}:1: url: sidecar banjir.url: 'ftp://kabar.example/x' is not an http(s) URL"
    )


@pytest.mark.parametrize("rules", [False, True])
def test_a_sidecar_url_whose_host_no_browser_reads_is_its_pages_error(
    tmp_path: Path, rules: bool
) -> None:
    """`http://[object Object]/…` (a script's object written as a link) failed the page as our
    own error, with site rules; without them the error said no sidecar held a URL."""
    page = saved(tmp_path)
    page.with_suffix(".url").write_text("http://[object Object]/banjir\n", encoding="utf-8")
    site_rules = None
    if rules:
        path = tmp_path / "rules.toml"
        path.write_text('[[site]]\nhosts = ["kabar.example"]\ncanonical = false\n')
        site_rules = load_site_rules(path)
    options = ReadOptions(page=PageOptions(url_from="sidecar", site_rules=site_rules))
    report = read_sources([tmp_path / "saved"], options=options)
    assert not report.items
    assert [str(e) for e in report.errors] == [
        f"{page}:1: url: sidecar banjir.url: 'http://[object Object]/banjir' is not an http(s) URL"
    ]


def test_the_cli_error_names_both_options_and_url_from_sidecar_fixes_it(tmp_path: Path) -> None:
    page = saved(tmp_path)
    folder = str(tmp_path / "saved")
    result = runner.invoke(app, ["extract", folder])
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"{page}:1: url: the page names no canonical URL")
    assert "--base-url SITE" in line and "--url-from sidecar" in line and "banjir.url" in line
    page.with_suffix(".url").write_text(SIDECAR_URL, encoding="utf-8")
    result = runner.invoke(app, ["extract", folder, "--url-from", "sidecar"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["url"] == SIDECAR_URL
    assert record["id"] == "kabar.example:read:2026:11:10:777:banjir-dayeuhkolot"
    bad = runner.invoke(app, ["extract", folder, "--url-from", "guess"])
    assert bad.exit_code == 2 and "--url-from" in bad.output


def test_build_and_update_take_url_from_too(tmp_path: Path) -> None:
    page = saved(tmp_path)
    page.with_suffix(".url").write_text(SIDECAR_URL, encoding="utf-8")
    env = tiny_env(tmp_path / "data")
    folder = str(tmp_path / "saved")
    assert runner.invoke(app, ["build", "-i", folder], env=env).exit_code == 2  # no URL: nothing
    built = runner.invoke(app, ["build", "-i", folder, "--url-from", "sidecar"], env=env)
    assert built.exit_code == 0, built.output
    page.with_suffix(".url").write_text(SIDECAR_URL + "-2", encoding="utf-8")
    updated = runner.invoke(app, ["update", "-i", folder, "--url-from", "sidecar"], env=env)
    assert updated.exit_code == 0, updated.output
    exported = runner.invoke(app, ["export"], env=env)
    urls = sorted(json.loads(line)["url"] for line in exported.stdout.splitlines())
    assert urls == [SIDECAR_URL, SIDECAR_URL + "-2"]
