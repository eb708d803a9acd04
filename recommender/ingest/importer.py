"""Read items from JSONL and CSV files (or folders of them), row by row, never losing good rows."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from recommender.articles import Article
from recommender.ingest.fetchlog import Known

SUPPORTED_SUFFIXES = (".jsonl", ".ndjson", ".csv")
SPONSOR_PREFIX = "sponsor_"


@dataclass(frozen=True)
class RowError:
    """One rejected row: where it is and why."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """What an import produced. Items keep the last occurrence of each id."""

    items: dict[str, Article] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    # Ids of the items read from HTML pages (their bodies get the site-boilerplate pass).
    pages: set[str] = field(default_factory=set)
    # Pages a sitemap or URL list named: those imported or found unchanged (URL -> their
    # import), for the fetch log, and how many were unchanged (recommender.ingest.fetchlog).
    fetched: dict[str, Known] = field(default_factory=dict)
    pages_unchanged: int = 0
    # Sources that held nothing to read, each with why ("a.csv: a header line and no rows").
    empty: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.items)

    @property
    def rejected(self) -> int:
        return len({(e.file, e.line) for e in self.errors})

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "rejected": self.rejected,
            "duplicates": sum(self.duplicates.values()),
        }

    def add(self, article: Article) -> None:
        if article.id in self.items:
            self.duplicates[article.id] = self.duplicates.get(article.id, 0) + 1
            del self.items[article.id]  # re-insert so order follows the last occurrence
        self.items[article.id] = article


def import_record(article: Article) -> dict[str, Any]:
    """An item as one record of the import format (JSONL): its fields, unset ones left out."""
    return article.model_dump(mode="json", exclude_none=True)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files inside named folders (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(path)
    return out


def import_paths(paths: Iterable[Path]) -> ImportReport:
    """Import every row of every file; bad rows become `RowError`s, good rows land."""
    report = ImportReport()
    for path in expand_paths(paths):
        for line, raw in read_rows(path, report):
            report.rows += 1
            article = validate_row(raw, str(path), line, report)
            if article is not None:
                report.add(article)
    return report


def read_rows(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, raw record) for a file; unreadable files and rows are reported."""
    if not path.exists():
        report.errors.append(RowError(str(path), 0, "file", "no such file or folder"))
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, report)
    elif suffix == ".csv":
        yield from _read_csv(path, report)
    else:
        report.errors.append(
            RowError(str(path), 0, "file", f"unsupported file type {suffix!r} (use .jsonl or .csv)")
        )


SAVE_AS_UTF8 = "save the file as UTF-8"
# Where a spreadsheet's export is not UTF-8 (Excel's plain "CSV" is the Windows code page).
SAVE_CSV_AS_UTF8 = f"{SAVE_AS_UTF8} (in Excel: Save As, 'CSV UTF-8')"


def not_utf8(raw: bytes | str, where: str = "", fix: str = SAVE_AS_UTF8) -> str:
    """The reason for a row with bytes that are no UTF-8: the first such byte and the text
    around it, and `fix`. `raw` is the line's bytes, or its text decoded with
    `surrogateescape`."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", errors="surrogateescape")
    try:
        data.decode("utf-8")
        return ""
    except UnicodeDecodeError as exc:
        context = data[max(0, exc.start - 20) : exc.end + 20].decode("utf-8", errors="replace")
        return f"not UTF-8 text: byte 0x{data[exc.start]:02x}{where} (…{context.strip()}…); {fix}"


def utf8_lines(path: Path, report: ImportReport, field: str) -> Iterator[tuple[int, str]]:
    """Each line of a UTF-8 text file with its number, a byte order mark skipped. A line with
    bytes that are no UTF-8 is reported (under `field`) and left out, never read with
    replacement characters; the other lines are still read."""
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            if number == 1:
                data = data.removeprefix(codecs.BOM_UTF8)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                report.rows += 1
                report.errors.append(RowError(str(path), number, field, not_utf8(data)))
                continue
            yield number, text


# A row nested deeper than Python's JSON parser goes (it would stop the whole import).
TOO_DEEP = "invalid JSON: nested too deep"


def _read_jsonl(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in utf8_lines(path, report, "row"):  # JSON is UTF-8
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            report.rows += 1
            report.errors.append(RowError(str(path), number, "row", f"invalid JSON: {exc.msg}"))
            continue
        except RecursionError:
            report.rows += 1
            report.errors.append(RowError(str(path), number, "row", TOO_DEEP))
            continue
        if not isinstance(record, dict):
            report.rows += 1
            report.errors.append(RowError(str(path), number, "row", "not a JSON object"))
            continue
        yield number, record


# Byte order marks a spreadsheet writes before its text ("Unicode text" is UTF-16).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Delimiters a CSV export uses: Excel writes `;` where the decimal separator is a comma (the
# Indonesian and most European locales) and tabs for its "Unicode text".
DELIMITERS = (",", ";", "\t", "|")


def csv_encoding(head: bytes) -> str:
    """The file's encoding by its byte order mark; UTF-8 without one."""
    for mark, codec in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return codec
    return "utf-8"


def known_column(name: str) -> bool:
    return name in Article.model_fields or name.startswith(SPONSOR_PREFIX)


def column_name(header: str) -> str:
    """A CSV header as the import column it names, in whatever case it is written ("Title",
    "PUBLISHED_AT"); an unknown one as written."""
    name = header.strip().lower()
    return name if known_column(name) else header


def csv_delimiter(header: str) -> str:
    """The delimiter that splits the header line into the most import columns (`id`, `title`,
    `sponsor_name`..., in any case); a comma where none names one."""

    def columns(delimiter: str) -> int:
        names = (n.strip().strip('"').strip().lower() for n in header.split(delimiter))
        return sum(known_column(n) for n in names)

    best = max(DELIMITERS, key=columns)  # the first of equals: a comma
    return best if columns(best) else ","


# The longest CSV field read: a page's worth (a fetched page may hold 20 MB).
MAX_CSV_FIELD = 20 * 1024 * 1024


def _read_csv(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a CSV file in UTF-8 (or UTF-16/32 with a byte order mark), delimited by commas,
    semicolons, tabs or bars (whichever the header line is split by). A row with bytes that are
    no UTF-8 is reported with its line number, never read with replacement characters."""
    with path.open("rb") as raw:
        encoding = csv_encoding(raw.read(4))
    errors = "surrogateescape" if encoding == "utf-8" else "strict"
    with path.open("r", encoding=encoding, errors=errors, newline="") as handle:
        try:
            header = handle.readline()
        except UnicodeDecodeError as exc:  # UTF-16 or UTF-32 that is not (read in chunks)
            report.rows += 1
            reason = f"not {encoding.upper()} text ({exc.reason}); {SAVE_CSV_AS_UTF8}"
            report.errors.append(RowError(str(path), 1, "file", reason))
            return
        handle.seek(0)
        csv.field_size_limit(MAX_CSV_FIELD)  # the module's 128 KiB: a long story's body is more
        reader = csv.DictReader(handle, delimiter=csv_delimiter(header))
        try:
            names = reader.fieldnames or []
        except csv.Error as exc:
            report.rows += 1
            report.errors.append(RowError(str(path), 1, "file", f"not readable as CSV ({exc})"))
            return
        if not all(_encodable(name) for name in names):  # binary data, or another encoding
            report.rows += 1
            reason = not_utf8("".join(names), " in the header line", SAVE_CSV_AS_UTF8)
            report.errors.append(RowError(str(path), 1, "file", reason))
            return
        reader.fieldnames = [column_name(name) for name in names]
        start = reader.line_num + 1
        for row in _rows(reader, path, encoding, report):
            line = start if start > 1 else 2
            start = reader.line_num + 1
            if None in row:
                report.rows += 1
                report.errors.append(RowError(str(path), line, "row", "more values than columns"))
                continue
            bad = next((k for k, v in row.items() if v and not _encodable(v)), None)
            if bad is not None:
                report.rows += 1
                reason = not_utf8(row[bad] or "", f" in {bad!r}", SAVE_CSV_AS_UTF8)
                report.errors.append(RowError(str(path), line, bad or "row", reason))
                continue
            yield line, csv_record(row)


def _rows(
    reader: csv.DictReader[str], path: Path, encoding: str, report: ImportReport
) -> Iterator[dict[str, str | None]]:
    """The reader's rows, until a UTF-16 or UTF-32 file turns out not to be (the rest of the
    file cannot be read in step, and is reported from the line it fails on)."""
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        report.rows += 1
        reason = f"not {encoding.upper()} text ({exc.reason}) from here on; {SAVE_CSV_AS_UTF8}"
        report.errors.append(RowError(str(path), reader.line_num + 1, "row", reason))
    except csv.Error as exc:  # a field past MAX_CSV_FIELD: the rows after it are not in step
        report.rows += 1
        reason = f"not readable as CSV from here on ({exc})"
        report.errors.append(RowError(str(path), reader.line_num + 1, "row", reason))


def _encodable(text: str) -> bool:
    """No byte that was no UTF-8 (kept as a lone surrogate by `surrogateescape`)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def csv_record(row: dict[str, str | None]) -> dict[str, Any]:
    """Turn a flat CSV row into the JSON shape (empty cells are absent, sponsor_* nested)."""
    record: dict[str, Any] = {}
    sponsor: dict[str, str] = {}
    for key, value in row.items():
        if key is None or value is None or value.strip() == "":
            continue
        key = key.strip()
        if key.startswith(SPONSOR_PREFIX):
            sponsor[key[len(SPONSOR_PREFIX) :]] = value
        else:
            record[key] = value
    if sponsor:
        record["sponsor"] = sponsor
    return record


def validate_row(raw: dict[str, Any], file: str, line: int, report: ImportReport) -> Article | None:
    """Validate one record; on failure record every field error and return None."""
    try:
        return Article.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "row"
            report.errors.append(RowError(file, line, where, row_reason(err)))
        return None


# pydantic's error types for a value that is not a date or date-time it can read.
DATE_ERRORS = frozenset(
    {"datetime_parsing", "datetime_from_date_parsing", "datetime_type", "date_parsing"}
)
SHOWN_CHARS = 60  # of a rejected value quoted in its error


def row_reason(err: Mapping[str, Any]) -> str:
    """One field error in words a publisher can act on: our validators' messages as written;
    pydantic's own type errors with the value they refused (a date-time's also with the format
    to write), e.g. `'kemarin' is not a date-time (input is too short); write ISO 8601 with a
    UTC offset, e.g. 2024-05-01T10:00:00+07:00`."""
    kind = err["type"]
    message = str(err["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    value = err.get("input")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return message
    shown = repr(value if len(str(value)) <= SHOWN_CHARS else f"{str(value)[:SHOWN_CHARS]}…")
    if kind in DATE_ERRORS:
        detail = message.partition(", ")[2] or "not a date"
        return (
            f"{shown} is not a date-time ({detail}); write ISO 8601 with a UTC offset, "
            "e.g. 2024-05-01T10:00:00+07:00"
        )
    return f"{message} (got {shown})"
