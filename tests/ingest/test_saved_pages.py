"""Pages as browsers save them (#12): one MHTML file ("Webpage, Single File") read as its page at
the address the archive names, and the address a browser notes in a page it saves as HTML (the
Mark of the Web, SingleFile's header) taken as the URL the page was fetched from."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.ingest.html.page import PageOptions, page_record
from recommender.ingest.sources import ReadOptions, read_sources
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article

SAVED_AT = "https://kabar.example/read/2026/11/10/123/banjir-rendam"


def without_canonical(text: str = "") -> str:
    html = article(head=PUBLISHED, canonical=False)
    return html.replace("<!doctype html>", f"<!doctype html>{text}") if text else html


def mhtml(html: bytes, *, location: str | None = SAVED_AT, charset: str | None = None) -> bytes:
    """An MHTML archive as Chrome writes one: the page quoted-printable, then an image."""
    archive = EmailMessage()
    archive["From"] = "<Saved by Blink>"
    if location:
        archive["Snapshot-Content-Location"] = location + "?utm_source=whatsapp"
    archive["Subject"] = TITLE
    archive.set_content("placeholder")
    archive.make_related()
    archive.get_payload().clear()  # type: ignore[union-attr]
    page = EmailMessage()
    params = {"charset": charset} if charset else {}
    page.set_content(html, maintype="text", subtype="html", cte="quoted-printable", params=params)
    if location:
        page["Content-Location"] = location + "?utm_source=whatsapp"
    image = EmailMessage()
    image.set_content(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png")
    image["Content-Location"] = "https://kabar.example/logo.png"
    archive.attach(page)
    archive.attach(image)
    return archive.as_bytes()


def read(path: Path, **options: object) -> tuple[list[dict[str, object]], list[str]]:
    report = read_sources([path], options=ReadOptions(page=PageOptions(**options)))  # type: ignore[arg-type]
    items = [item.model_dump(mode="json") for item in report.items.values()]
    return items, [str(e) for e in report.errors]


def test_an_mhtml_file_is_read_as_its_page_at_the_address_it_names(tmp_path: Path) -> None:
    path = tmp_path / "banjir.mhtml"
    path.write_bytes(mhtml(without_canonical().encode("utf-8")))
    items, errors = read(path)
    assert errors == []
    [item] = items
    assert item["url"] == SAVED_AT  # the tracking parameter removed, as for any page
    assert item["title"] == TITLE
    assert str(item["body"]).split("\n") == PARAGRAPHS


def test_an_mhtml_pages_charset_comes_from_its_part(tmp_path: Path) -> None:
    html = without_canonical().replace('<meta charset="utf-8">', "").replace("Sungai", "Sungaí")
    path = tmp_path / "banjir.mht"
    path.write_bytes(mhtml(html.encode("cp1252"), charset="windows-1252"))
    [item], _ = read(path)
    assert "Sungaí Citarum" in str(item["body"])


def test_a_canonical_link_in_an_mhtml_page_still_wins(tmp_path: Path) -> None:
    path = tmp_path / "banjir.mhtml"
    path.write_bytes(mhtml(article(head=PUBLISHED).encode("utf-8")))
    [item], _ = read(path)
    assert item["url"] == URL


def test_a_folder_reads_mhtml_files_and_a_broken_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.mhtml").write_bytes(mhtml(without_canonical().encode("utf-8")))
    (tmp_path / "b.mhtml").write_bytes(b"<html><body>not an archive</body></html>")
    result = CliRunner().invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 1  # records printed, one file rejected
    assert SAVED_AT in result.stdout
    assert f"{tmp_path / 'b.mhtml'}:1: page: not an MHTML archive" in result.stderr


def test_an_mhtml_file_without_an_address_asks_for_one(tmp_path: Path) -> None:
    path = tmp_path / "banjir.mhtml"
    path.write_bytes(mhtml(without_canonical().encode("utf-8"), location=None))
    items, errors = read(path)
    assert items == [] and "url: the page names no canonical URL" in errors[0]


@pytest.mark.parametrize(
    "note",
    [
        f"\n<!-- saved from url=({len(SAVED_AT):04d}){SAVED_AT} -->",
        f"\n<!--\n Page saved with SingleFile \n url: {SAVED_AT} \n saved date: Tue Nov 10 2026"
        " 09:15:00 GMT+0700 (Western Indonesia Time)\n-->",
    ],
)
def test_the_address_a_browser_noted_in_a_saved_page_is_its_url(note: str) -> None:
    record = page_record(without_canonical(note).encode("utf-8"))
    assert record["url"] == SAVED_AT


def test_a_local_mark_of_the_web_is_no_address() -> None:
    note = "\n<!-- saved from url=(0014)about:internet -->"
    with pytest.raises(Exception, match="names no canonical URL"):
        page_record(without_canonical(note).encode("utf-8"))


def test_the_pages_canonical_link_wins_over_the_noted_address() -> None:
    note = f"\n<!-- saved from url=({len(SAVED_AT):04d}){SAVED_AT} -->"
    html = article(head=PUBLISHED).replace("<!doctype html>", f"<!doctype html>{note}")
    assert page_record(html.encode("utf-8"))["url"] == URL


def test_the_parts_a_browser_saved_beside_a_page_are_no_pages(tmp_path: Path) -> None:
    # "Webpage, Complete": banjir.html and banjir_files/ with the page's frames (an ad, a player).
    (tmp_path / "banjir.html").write_text(article(head=PUBLISHED), encoding="utf-8")
    parts = tmp_path / "banjir_files"
    parts.mkdir()
    (parts / "ads.html").write_text("<html><body><a href='/x'>Iklan</a></body></html>")
    (parts / "player.htm").write_text("<html><body><video></video></body></html>")
    # A folder merely named so, with no page beside it, is read.
    (tmp_path / "lama_files").mkdir()
    (tmp_path / "lama_files" / "opini.html").write_text(
        article(head=PUBLISHED).replace(URL, URL + "-opini"), encoding="utf-8"
    )
    items, errors = read(tmp_path)
    assert errors == []
    assert sorted(str(item["url"]) for item in items) == [URL, URL + "-opini"]


@pytest.mark.parametrize("name", ["empty.mhtml", "blank.mht", "empty.html"])
def test_an_empty_saved_page_is_called_empty(tmp_path: Path, name: str) -> None:
    # A save that wrote nothing (a full disk, a cancelled download) is empty, not "no MHTML
    # archive": the same reason for an .mhtml as for an .html.
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b"\r\n  \n")
    items, errors = read(path)
    assert items == []
    assert errors == [f"{path}:1: body: no article text found in the page (the file is empty)"]
