"""Import: bad rows are reported with file, line, field and reason; good rows land."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from recommender.articles import STORED, Article
from recommender.ingest.importer import import_paths
from tests.conftest import CORPUS, FIXTURES


def test_jsonl_bad_rows_reported_with_line_numbers_and_good_rows_kept() -> None:
    report = import_paths([FIXTURES / "bad_rows.jsonl"])
    assert sorted(report.items) == ["j-1", "j-4"]
    by_line = {(e.line, e.field) for e in report.errors}
    assert (2, "row") in by_line  # invalid JSON
    assert (4, "row") in by_line  # not an object
    assert (5, "title") in by_line  # empty title
    assert (6, "sponsor.name") in by_line  # sponsor without a name
    assert report.rejected == 4
    assert report.items["j-4"].tags == ["a", "b"]
    assert all(e.file.endswith("bad_rows.jsonl") for e in report.errors)


def test_a_row_nested_deeper_than_the_json_parser_goes_is_one_bad_row(tmp_path: Path) -> None:
    # Python's parser raises RecursionError past ~1,000 levels: it stopped the whole import.
    good = CORPUS.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "deep.jsonl"
    deep = '{"id": "deep", "tags": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text("\n".join([good[0], deep, good[1]]) + "\n", encoding="utf-8")
    report = import_paths([path])
    assert len(report.items) == 2
    assert [(e.line, e.field, e.reason) for e in report.errors] == [
        (2, "row", "invalid JSON: nested too deep")
    ]


def test_csv_rows_line_numbers_sponsor_columns_and_duplicates() -> None:
    report = import_paths([FIXTURES / "bad_rows.csv"])
    reasons = {(e.line, e.field): e.reason for e in report.errors}
    assert "offset" in reasons[(3, "published_at")]
    assert (4, "type") in reasons
    assert (5, "url") in reasons
    assert (10, "id") in reasons  # row after the multi-line record, counted by physical line
    assert set(report.items) == {"csv-1", "csv-5", "csv-6"}
    assert report.items["csv-1"].title == "Harga Cabai Rawit Turun Lagi"  # last occurrence wins
    assert report.duplicates == {"csv-1": 1}
    assert report.items["csv-5"].title.startswith("Judul dengan koma")
    sponsor = report.items["csv-6"].sponsor
    assert sponsor is not None and sponsor.name == "Sponsor Satu" and sponsor.label == "Iklan"
    assert report.items["csv-1"].sponsor is None
    assert report.items["csv-1"].tags == ["cabai"]


def test_folder_import_and_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    report = import_paths([folder, tmp_path / "missing.jsonl"])
    assert report.imported == 32
    assert [e.field for e in report.errors] == ["file"]
    assert report.summary() == {"rows": 32, "imported": 32, "rejected": 1, "duplicates": 0}


def test_only_a_sponsor_makes_an_item_sponsored() -> None:
    items = import_paths([CORPUS]).items
    sponsored = {i for i, a in items.items() if a.sponsored}
    assert sponsored == {"sp-bank-1", "sp-bank-2", "sp-motor-1", "sp-future-1"}


def test_a_value_pydantic_refuses_is_quoted_with_what_to_write(tmp_path: Path) -> None:
    good = {"title": "Judul", "url": "https://ex.id/a", "body": "Isi artikel."}
    rows = [
        {**good, "id": "a-1", "published_at": "kemarin"},
        {**good, "id": "a-2", "published_at": "2024-13-45T10:00:00+07:00"},
        {**good, "id": "a-3", "published_at": "2024-05-01T10:00:00+07:00", "tags": 7},
        {**good, "id": "a-4", "published_at": "2024-05-01T10:00:00+07:00", "title": ["x"]},
        {**good, "id": "a-5", "published_at": "2024-05-01T10:00:00+07:00", "title": ""},
        {**good, "id": "a-6", "published_at": "2024-05-01T10:00:00+07:00"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_paths([path])
    reasons = {e.line: f"{e.field}: {e.reason}" for e in report.errors}
    assert reasons[1] == (
        "published_at: 'kemarin' is not a date-time (input is too short); write ISO 8601 "
        "with a UTC offset, e.g. 2024-05-01T10:00:00+07:00"
    )
    assert reasons[2].startswith(
        "published_at: '2024-13-45T10:00:00+07:00' is not a date-time (month"
    )
    assert reasons[3] == "tags: Input should be a valid list (got 7)"
    assert reasons[4] == "title: Input should be a valid string"  # a list is not quoted
    assert reasons[5] == "title: String should have at least 1 character (got '')"
    assert sorted(report.items) == ["a-6"]


def test_urls_with_whitespace_or_control_characters_are_refused(tmp_path: Path) -> None:
    good = {"title": "Judul", "body": "Isi.", "published_at": "2024-05-01T10:00:00+07:00"}
    urls = [
        "https://ex.id/berita/kopi-gayo",  # kept
        "https://ex.id/berita/kopi%20gayo",  # kept: percent-encoded
        "https://ex.id/berita/kopi-é",  # kept: a printable non-ASCII letter
        "https://ex.id/berita/kopi gayo",
        "https://ex.id/berita/kopi\tgayo",
        "https://ex.id/berita/kopi\u00a0gayo",  # no-break space
        "https://ex.id/berita/kopi\u2028gayo",  # line separator
        "https://ex.id/berita/kopi\x1fgayo",  # unit separator (also whitespace to Python)
        "https://ex.id/berita/kopi\u200bgayo",  # zero-width space (a format character)
        "https://ex.id/berita\\kopi",
    ]
    rows = [{**good, "id": f"u-{i}", "url": url} for i, url in enumerate(urls)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_paths([path])
    assert sorted(report.items) == ["u-0", "u-1", "u-2"]
    reasons = {e.line: (e.field, e.reason) for e in report.errors}
    assert sorted(reasons) == list(range(4, 11))
    for line in range(4, 10):
        assert reasons[line] == ("url", "must not contain whitespace or control characters")
    assert reasons[10] == ("url", "must not contain a backslash")


def test_urls_whose_host_or_port_no_browser_could_read_are_refused(tmp_path: Path) -> None:
    """`http://[zz]/x` passed the pattern once, and the snapshot it landed in could not be
    served: grouping duplicates by URL raised on it."""
    good = {"title": "Judul", "body": "Isi.", "published_at": "2024-05-01T10:00:00+07:00"}
    urls = [
        "https://ex.id/berita/kopi",  # kept
        "http://[2001:db8::1]/berita",  # kept: an IPv6 address
        "https://ex.id:8443/berita",  # kept: a port
        "http://[zz]/berita",
        "https://ex.id]/berita",
        "https://ex.id:99999/berita",
        "https://ex.id:port/berita",
    ]
    rows = [{**good, "id": f"h-{i}", "url": url} for i, url in enumerate(urls)]
    rows.append({**good, "id": "h-7", "url": urls[0] + "/gambar", "image_url": "http://[zz]/a.jpg"})
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_paths([path])
    assert sorted(report.items) == ["h-0", "h-1", "h-2"]
    reasons = {e.line: (e.field, e.reason) for e in report.errors}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    for line in (4, 5):
        assert reasons[line][0] == "url" and "host" in reasons[line][1]
    for line in (6, 7):
        assert reasons[line][0] == "url" and "port" in reasons[line][1]
    assert reasons[8][0] == "image_url" and "host" in reasons[8][1]


def test_publication_times_a_template_or_database_writes_for_none_are_refused(
    tmp_path: Path,
) -> None:
    """`9999-12-31` (a database's "never") landed and never aged (the freshness of an item published this minute, for ever);
    `0001-01-01T00:00:00Z` (Go's zero) landed as a publication time. An end of never is kept."""
    good = {"title": "Judul", "body": "Isi.", "url": "https://ex.id/berita"}
    times = [
        {"published_at": "2024-05-01T10:00:00+07:00", "expires_at": "9999-12-31T23:59:59Z"},
        {"published_at": "1800-01-01T00:00:00+07:00"},  # kept: the bounds are years read
        {"published_at": "2100-12-31T23:59:59-14:00"},
        {"published_at": "9999-12-31T23:59:59-14:00"},
        {"published_at": "0001-01-01T00:00:00Z"},
        {"published_at": "1799-12-31T23:59:59+07:00"},
        {"published_at": "2024-05-01T10:00:00+07:00", "updated_at": "9999-12-31T00:00:00Z"},
    ]
    rows = [{**good, **time, "id": f"t-{i}"} for i, time in enumerate(times)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_paths([path])
    assert sorted(report.items) == ["t-0", "t-1", "t-2"]
    reasons = {e.line: (e.field, e.reason) for e in report.errors}
    assert sorted(reasons) == [4, 5, 6, 7]
    for line, (field, year) in {
        4: ("published_at", 9999),
        5: ("published_at", 1),
        6: ("published_at", 1799),
        7: ("updated_at", 9999),
    }.items():
        assert reasons[line][0] == field
        assert reasons[line][1].startswith(f"the year {year} is a template's zero"), reasons[line]
        assert "1800 to 2100" in reasons[line][1]


def test_a_stored_record_is_read_back_as_stored() -> None:
    """An item a snapshot took before the bounds were checked is still exported as it was."""
    record = {
        "id": "t",
        "title": "T",
        "url": "https://ex.id/t",
        "published_at": "9999-12-31T00:00:00Z",
    }
    with pytest.raises(ValidationError):
        Article.model_validate(record)
    assert Article.model_validate(record, context={STORED: True}).published_at.year == 9999


SHEET = [
    ["id", "title", "url", "body", "published_at"],
    ["s-1", "Café di Jakarta Selatan", "https://ex.id/s-1", "Kopi, kata mereka.", "2024-05-01T10:00:00+07:00"],
    ["s-2", "Harga cabai naik", "https://ex.id/s-2", "Naik; pembeli mengeluh.", "2024-05-01T11:00:00+07:00"],
]  # fmt: skip


def sheet(delimiter: str, header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header or SHEET[0], *SHEET[1:]])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("semicolons.csv", ("\ufeff" + sheet(";")).encode("utf-8")),  # Excel, Indonesian locale
        ("tabs.csv", sheet("\t").encode("utf-8")),
        ("bars.csv", sheet("|").encode("utf-8")),
        ("unicode-text.csv", sheet("\t").encode("utf-16")),  # Excel's "Unicode text": a BOM
        ("utf-16-be.csv", codecs.BOM_UTF16_BE + sheet(",").encode("utf-16-be")),
        ("capitals.csv", sheet(";", ["ID", " Title", "URL", "Body", "Published_At"]).encode()),
    ],
)
def test_spreadsheet_exports_are_read_whatever_their_delimiter_and_unicode_form(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = import_paths([path])
    assert report.errors == []
    assert [(a.id, a.title, a.body) for a in report.items.values()] == [
        ("s-1", "Café di Jakarta Selatan", "Kopi, kata mereka."),
        ("s-2", "Harga cabai naik", "Naik; pembeli mengeluh."),
    ]


def test_rows_that_are_not_utf8_are_reported_and_never_read_with_replacements(
    tmp_path: Path,
) -> None:
    # Excel's plain "CSV" is the Windows code page: "é" is the byte 0xE9, which a lenient read
    # turned into "Caf\ufffd" silently.
    windows = tmp_path / "windows.csv"
    windows.write_bytes(sheet(",").encode("cp1252"))
    report = import_paths([windows])
    assert sorted(report.items) == ["s-2"]
    [error] = report.errors
    assert (error.line, error.field) == (2, "title")
    assert error.reason.startswith("not UTF-8 text: byte 0xe9 in 'title' (")
    assert "save the file as UTF-8" in error.reason
    lines = [
        json.dumps(dict(zip(SHEET[0], row, strict=True)), ensure_ascii=False).encode()
        for row in SHEET[1:]
    ]
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_bytes(
        codecs.BOM_UTF8 + lines[1] + b"\n" + lines[0].replace("é".encode(), b"\xe9") + b"\n"
    )
    report = import_paths([jsonl])
    assert sorted(report.items) == ["s-2"]  # the first line, after a byte order mark
    [error] = report.errors
    assert (error.line, error.field) == (2, "row") and "byte 0xe9" in error.reason
    assert report.rejected == 1 and report.rows == 2


def test_a_long_body_in_a_csv_row_is_read(tmp_path: Path) -> None:
    # csv's default field limit is 128 KiB: a live blog's body is longer, and stopped the read.
    long_body = "Kopi, kata mereka. " * 10_000  # 190,000 characters
    rows = [SHEET[0], [*SHEET[1][:3], long_body, SHEET[1][4]], SHEET[2]]
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    report = import_paths([path])
    assert report.errors == []
    assert report.items["s-1"].body == long_body.strip()


def test_a_field_past_the_csv_limit_and_a_binary_file_are_one_error(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    huge.write_text(
        sheet(",") + '"s-3","' + "x" * (21 * 1024 * 1024) + '"\n' + sheet(",").split("\n", 1)[1],
        encoding="utf-8",
    )
    report = import_paths([huge])
    assert sorted(report.items) == ["s-1", "s-2"]  # the rows before it
    [error] = report.errors
    assert (error.line, error.field) == (4, "row")
    assert error.reason.startswith("not readable as CSV from here on (field larger than field")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(128, 256)) * 20 + bytes(range(128)))  # no text at all
    report = import_paths([binary])
    assert report.items == {}
    [error] = report.errors
    assert (error.line, error.field) == (1, "file")
    assert error.reason.startswith("not UTF-8 text: byte 0x80 in the header line")
