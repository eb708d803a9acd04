"""The publication time of a page: explicit metadata first, then times written in the text.

Order of trust: JSON-LD `datePublished`, `article:published_time` and the other publication meta
tags, `<time datetime>`, then a time written in the text with its zone ("21:04 WIB"), and only
last a date guessed by htmldate (which reads dates in URLs, so it never overrides the page). A
value without a UTC offset borrows one from a candidate with the same wall-clock time; otherwise it
is refused with the value in the message, unless an `assume_timezone` was configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from lxml.html import HtmlElement

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.metadata import PageMeta

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "content_publisheddate",
    "date",
)
# Indonesian zones (WIB +07, WITA +08, WIT +09) and a few other abbreviations seen on news pages.
ZONES = {
    "wib": 7,
    "wita": 8,
    "wit": 9,
    "utc": 0,
    "gmt": 0,
    "z": 0,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "januari", "january"),
            ("feb", "februari", "february", "pebruari"),
            ("mar", "maret", "march"),
            ("apr", "april"),
            ("mei", "may"),
            ("jun", "juni", "june"),
            ("jul", "juli", "july"),
            ("agu", "agt", "agus", "agustus", "aug", "august"),
            ("sep", "sept", "september"),
            ("okt", "oktober", "oct", "october"),
            ("nov", "nopember", "november"),
            ("des", "desember", "dec", "december"),
        ),
        start=1,
    )
    for name in names
}
ZONE_WORD = r"(?P<zone>WIB|WITA|WIT|UTC|GMT)\b"
CLOCK = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
NUMERIC_DATE = r"(?P<day>\d{1,2})[/\-.](?P<month>\d{1,2})[/\-.](?P<year>\d{4})"
ISO_DATE = r"(?P<iyear>\d{4})-(?P<imonth>\d{2})-(?P<iday>\d{2})"
WORD_DATE = r"(?P<wday>\d{1,2})\s+(?P<wmonth>[A-Za-z]{3,9})\.?\s+(?P<wyear>\d{4})"
MONTH_FIRST = r"(?P<fmonth>[A-Za-z]{3,9})\.?\s+(?P<fday>\d{1,2}),?\s+(?P<fyear>\d{4})"
TEXT_TIME = re.compile(
    rf"(?<![\w/.-])(?:{NUMERIC_DATE}|{ISO_DATE}|{WORD_DATE}|{MONTH_FIRST})[\s,|\-–·]*(?:pukul\s+|jam\s+)?{CLOCK}\s*{ZONE_WORD}",
    re.IGNORECASE,
)
# A clock time with its zone and no date ("Update 21:04 WIB"), paired with a date found elsewhere.
CLOCK_ONLY = re.compile(rf"(?<![\d/.:-]){CLOCK}\s*{ZONE_WORD}", re.IGNORECASE)
# How far a naive meta time may be from a written time with a zone and still be the same moment
# (pages round to the minute in text and keep seconds in metadata).
SAME_MOMENT_SECONDS = 120
ISO_VALUE = re.compile(
    r"^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stamp:
    """One candidate time: its value, whether it has a clock time and an offset, where from."""

    value: datetime
    has_time: bool
    source: str

    @property
    def aware(self) -> bool:
        return self.value.tzinfo is not None


def parse_value(raw: str, source: str) -> Stamp | None:
    """An ISO 8601 value as pages write it (`.000Z`, `+0700`, a space for `T`, date only)."""
    match = ISO_VALUE.match(raw.strip())
    if not match:
        return _parse_loose(raw, source)
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        value = value.replace(second=int(second or 0))
    except ValueError:
        return None
    if zone and hour is not None:
        value = value.replace(tzinfo=_offset(zone))
    return Stamp(value, hour is not None, source)


def _parse_loose(raw: str, source: str) -> Stamp | None:
    """RFC 822 and other forms dateutil-style parsers accept (`Tue, 10 Nov 2026 09:15 +0700`)."""
    from email.utils import parsedate_to_datetime

    try:
        value = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return Stamp(value, True, source)


def _offset(zone: str) -> tzinfo:
    if zone.upper() == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def text_times(text: str) -> list[Stamp]:
    """Times written with a zone word in running text ("Kamis, 05/11/2015 09:25 WIB")."""
    found: list[Stamp] = []
    for match in TEXT_TIME.finditer(text):
        parts = match.groupdict()
        try:
            if parts["day"]:
                year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
            elif parts["iyear"]:
                year, month, day = int(parts["iyear"]), int(parts["imonth"]), int(parts["iday"])
            elif parts["wmonth"]:
                month_number = MONTHS.get(parts["wmonth"].lower())
                if month_number is None:
                    continue
                year, month, day = int(parts["wyear"]), month_number, int(parts["wday"])
            else:
                month_number = MONTHS.get(parts["fmonth"].lower())
                if month_number is None:
                    continue
                year, month, day = int(parts["fyear"]), month_number, int(parts["fday"])
            zone = timezone(timedelta(hours=ZONES[parts["zone"].lower()]))
            value = datetime(year, month, day, int(parts["hour"]), int(parts["minute"]))
            value = value.replace(second=int(parts["second"] or 0), tzinfo=zone)
        except ValueError:
            continue
        found.append(Stamp(value, True, f"text {match.group(0).strip()!r}"))
    return found


def clock_times(text: str) -> list[tuple[int, int, int]]:
    """(hour, minute, UTC offset in hours) of each zone-marked clock time in the text."""
    found = []
    for match in CLOCK_ONLY.finditer(text):
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        if hour < 24 and minute < 60:
            found.append((hour, minute, ZONES[match.group("zone").lower()]))
    return found


def candidates(meta: PageMeta, text: str) -> list[Stamp]:
    """Every publication-time candidate, most trusted first."""
    raw: list[tuple[str, str]] = []
    published = meta.article("datePublished")
    if isinstance(published, str):
        raw.append((published, "JSON-LD datePublished"))
    for name in PUBLISHED_META:
        raw.extend((value, f"meta {name}") for value in meta.all(name))
    created = meta.article("dateCreated")
    if isinstance(created, str):
        raw.append((created, "JSON-LD dateCreated"))
    raw.extend((value, "<time datetime>") for value in meta.times)
    stamps = [s for value, source in raw if (s := parse_value(value, source)) is not None]
    stamps += text_times(text)
    dated = next((s for s in stamps if not s.has_time), None)
    if dated is not None and not any(s.has_time for s in stamps):
        for hour, minute, offset in clock_times(text)[:1]:
            zone = timezone(timedelta(hours=offset))
            value = dated.value.replace(hour=hour, minute=minute, tzinfo=zone)
            stamps.append(Stamp(value, True, f"{dated.source} + text {hour:02d}:{minute:02d}"))
    return stamps


def choose(stamps: list[Stamp], assume: tzinfo | None) -> datetime:
    """The publication time with its offset, or an ExtractionError that names what was found."""
    timed = [s for s in stamps if s.has_time]
    if timed and timed[0].aware:
        return timed[0].value
    if timed:
        naive = timed[0]
        for other in timed[1:]:
            if not other.aware:
                continue
            gap = abs((other.value.replace(tzinfo=None) - naive.value).total_seconds())
            if gap <= SAME_MOMENT_SECONDS:  # the same wall clock: the zone is the other's
                return naive.value.replace(tzinfo=other.value.tzinfo)
            if (
                abs(
                    (other.value.astimezone(UTC).replace(tzinfo=None) - naive.value).total_seconds()
                )
                <= SAME_MOMENT_SECONDS
            ):
                return naive.value.replace(tzinfo=UTC)  # metadata in UTC, text in local time
        # Another source states the zone for the same day: a written "09:25 WIB" beats a bare time.
        for other in timed[1:]:
            if other.aware and other.value.date() == naive.value.date():
                return other.value
        if assume is not None:
            return naive.value.replace(tzinfo=assume)
        raise ExtractionError(
            "published_at",
            f"{naive.value.isoformat()} (from {naive.source}) has no UTC offset; set"
            " --assume-timezone (e.g. Asia/Jakarta) to read local times in that zone",
        )
    if stamps:
        dated = stamps[0]
        if assume is not None:
            return dated.value.replace(tzinfo=assume)
        raise ExtractionError(
            "published_at",
            f"only a date was found ({dated.value.date().isoformat()}, from {dated.source}), no"
            " time; set --assume-timezone (e.g. Asia/Jakarta) to import it as midnight there",
        )
    raise ExtractionError(
        "published_at", "no publication date found in the page's metadata or text"
    )


def guessed(tree: HtmlElement) -> list[Stamp]:
    """htmldate's guess (it reads URLs and free text): the last resort, date only."""
    from htmldate import find_date

    try:
        found = find_date(tree, original_date=True, extensive_search=True)
    except Exception:  # htmldate raises on odd documents; a guess that fails is no guess
        return []
    if not found:
        return []
    stamp = parse_value(found, "a date guessed from the page (htmldate)")
    return [Stamp(stamp.value, False, stamp.source)] if stamp else []
