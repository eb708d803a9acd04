"""The publication time of a page: explicit metadata first, then times written in the text.

Order of trust: JSON-LD `datePublished`, `article:published_time` and the other publication meta
tags, `<time datetime>`, then a time written in the text with its zone ("21:04 WIB"), and only
last a date guessed by htmldate (which reads dates in URLs, so it never overrides the page). A
value without a UTC offset borrows one from a candidate with the same wall-clock time, or from a
date-time with an offset that the page writes for machines in an attribute (`content`, `title`...)
for the same wall-clock time; otherwise it is refused with the value in the message, unless an
`assume_timezone` was configured. A date and
clock written without a zone ("2023-11-17 15:13", "December 27, 2014 at 12:06 PM") is such a value:
read in the assumed zone, and never silently replaced by midnight.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from datetime import date as date_type
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from recommender.articles import EARLIEST_YEAR, LATEST_YEAR
from recommender.ingest.html.clutter import flat_text
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
    "firstpublishedtime",  # Chinese public offices' CMS (gov.cn): "2007-08-20-23:59:59"
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "content_publisheddate",
    # Names htmldate (a dependency) reads for a page's publication date, which CMSs print with the
    # time: read after the common ones above, before the bare "date" (the New York Times's
    # `article:published`, which its `itemprop="datePublished"` shares). Not News Corp Australia's
    # `article:publicationdate` ("Fri Mar 13 21:30:09 EST 2015": Australia's EST, read as New
    # York's), nor a share plugin's `shareaholic:article_published_time`, which WordPress sites
    # print on every page, listings included.
    "article:published",
    "article:published_date",
    "article:post_date",
    "article_date_original",
    "og:pubdate",
    "og:publish_date",
    "og:datepublished",
    "date_published",
    "published_date",
    "published-date",
    "publisheddate",
    "publication_date",
    "publish_time",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "twt-published-at",
    "vr:published_time",
    "mediator_published_time",
    "dcsext.articlefirstpublished",
    "dc.date.publication",
    "analyticsattributes.articledate",
    # Chinese portals' (GeneralNewsExtractor's list): "pubtime", "_pubtime", "og:release_date"
    "pubtime",
    "_pubtime",
    "og:release_date",
    "date",
)
# The same names behind a CMS's own prefix: detik's `dtk:publishdate` ("2026/06/05 20:30:23"),
# read after the unprefixed ones.
PREFIXED_PUBLISHED = frozenset(
    {"pubdate", "publishdate", "publish-date", "publish_date", "published_time", "datepublished"}
)


def prefixed_published(meta: PageMeta) -> list[str]:
    """The meta names of `meta` that are a publication time's under some prefix (`dtk:publishdate`),
    other than PUBLISHED_META's own, in document order."""
    return [
        name
        for name in meta.meta
        if ":" in name
        and name not in PUBLISHED_META
        and name.rsplit(":", 1)[1] in PREFIXED_PUBLISHED
    ]


# Indonesian zones (WIB +07, WITA +08, WIT +09) and a few other abbreviations seen on news pages.
ZONES: dict[str, float] = {
    "wib": 7,
    "wita": 8,
    "wit": 9,
    "utc": 0,
    "gmt": 0,
    "z": 0,
}
# Abbreviations that name one offset wherever they are written (CST, IST and the like name several,
# so they are left out): "2021-01-03T17:40:00EET" (LSM), "12:06 PM EST".
ABBREVIATED_ZONES: dict[str, float] = {
    **ZONES,
    "wet": 0,
    "west": 1,
    "bst": 1,
    "cet": 1,
    "cest": 2,
    "eet": 2,
    "eest": 3,
    "msk": 3,
    "sgt": 8,
    "myt": 8,
    "pht": 8,
    "awst": 8,
    "ict": 7,
    "mez": 1,  # German: MEZ, MESZ
    "mesz": 2,
    "мск": 3,  # Russian for MSK
    "acst": 9.5,
    "acdt": 10.5,
    "hst": -10,
    "akst": -9,
    "akdt": -8,
    "hkt": 8,
    "jst": 9,
    "kst": 9,
    "aest": 10,
    "aedt": 11,
    "nzst": 12,
    "nzdt": 13,
    "est": -5,
    "edt": -4,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}
# Month names and abbreviations in Indonesian, Malay, English, German, Dutch, the Scandinavian
# languages, French, Spanish, Catalan, Portuguese, Italian, Romanian, Filipino, Hungarian, Polish,
# Czech, Turkish, Egyptian Arabic, and (as dates write them) Russian, Ukrainian and Bulgarian (no
# name means two months across these languages; Croatian, whose "listopad" is October, is left
# out).
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan januari january januar jänner janvier janv enero ene janeiro gennaio gen január"
            " ianuarie ian gener stycznia styczeń sty ledna leden ocak янв يناير"
            " января январь януари січня",
            "feb peb februari february pebruari februar février fevrier févr fév febrero fevereiro fev"
            " febbraio február febr февраля февраль февруари februarie febrer pebrero lutego luty lut"
            " února únor şubat лютого фев فبراير",
            "mar maret mac march märz maerz mrz maart mars marzo março marco március márc марта март"
            " martie març marso marca marzec března březen mart березня мар مارس",
            "apr april avril avr abril abr aprile április ápr апреля апрель април aprilie"
            " kwietnia kwiecień kwi dubna duben nisan квітня апр أبريل ابريل إبريل",
            "mei may mai mayo maio maggio mag május máj мая май maj maig maja května květen mayıs"
            " травня مايو",
            "jun juni june juin junio junho giugno giu június jún июня июнь юни iunie iun juny hunyo"
            " czerwca czerwiec cze června červen haziran червня июн يونيو",
            "jul juli julai july juillet juil julio julho luglio lug július júl июля июль юли iulie"
            " iul juliol hulyo lipca lipiec lip července červenec temmuz липня июл يوليو",
            "agu agt ags agus agustus aug august augustus août aout agosto ago augusztus августа"
            " август ogos augusti agost sierpnia sierpień sie srpna srpen ağustos серпня авг"
            " أغسطس اغسطس",
            "sep sept september septembre septiembre setiembre setembro set settembre szeptember"
            " szept сентября сентябрь септември septembrie setembre setyembre września"
            " wrzesień wrz září eylül вересня сен سبتمبر",
            "okt oktober oct october octobre octubre outubro out ottobre ott október октября"
            " октябрь октомври octombrie oktubre października październik paź října říjen"
            " ekim жовтня окт أكتوبر اكتوبر",
            "nov nop nopember november novembre noviembre novembro ноября ноябрь ноември noiembrie"
            " nobyembre listopada listopad lis listopadu kasım листопада ноя نوفمبر",
            "des desember dec december dezember dez décembre decembre déc diciembre dic dezembro"
            " dicembre декабря декабрь декември disember decembrie desembre disyembre grudnia"
            " grudzień gru prosince prosinec aralık грудня дек ديسمبر",
        ),
        start=1,
    )
    for name in names.split()
}
# Latvian dates say "on" the day, the month in the locative ("2026. gada 10. novembrī"), which
# CLDR does not list.
LATVIAN_LOCATIVES = (
    "janvārī februārī martā aprīlī maijā jūnijā jūlijā augustā septembrī oktobrī novembrī decembrī"
)
MONTHS.update({name: n for n, name in enumerate(LATVIAN_LOCATIVES.split(), start=1)})
# Languages whose month names come from Unicode's CLDR (Babel's locale data) beyond the table
# above: Croatian, Serbian (both scripts), Bosnian, Slovenian, Slovak, Macedonian, Belarusian,
# Finnish, Estonian, Latvian, Lithuanian, Greek, Icelandic, Faroese, Irish, Welsh, Basque,
# Galician, Asturian, Albanian, Maltese, Luxembourgish, Romansh, Frisian, Afrikaans, Swahili,
# Georgian, Armenian, Azerbaijani, Kazakh, Uzbek, Kyrgyz, Hebrew and Persian (their Gregorian
# months), the Levantine and Maghrebi Arabic names ("شباط", "جانفي"), Urdu, Hindi, Marathi,
# Nepali, Bengali, Punjabi, Gujarati, Tamil, Telugu, Kannada and Malayalam; and the table's own
# languages again, for spellings it lacks. (Breton is left out: its
# "Here", October, is an English word.)
WORLD_LOCALES = (
    "hr sr sr_Latn bs sl sk mk be fi et lv lt el is fo ga cy eu gl ast sq mt lb rm fy af sw"
    " ka hy az kk uz ky he fa ar ar_SY ar_MA ar_DZ ur hi mr ne bn pa gu ta te kn ml"
    " id ms en de nl da sv nb nn fr es ca pt it ro fil hu pl cs tr ru uk bg"
)
# CLDR's abbreviations shorter than this are words of other languages ("pro", "here", "och",
# "pay", "dis"): only full names and longer abbreviations are read.
MIN_WORLD_ABBREVIATION = 4
HEBREW_IN = "ב"


def folded(name: str) -> str:
    """A month's name for comparison: lower case, accents dropped ("ΝΟΕΜΒΡΙΟΥ" and "Νοεμβρίου"
    alike)."""
    decomposed = unicodedata.normalize("NFD", name.lower())
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@functools.cache
def world_months() -> dict[str, int]:
    """Month names of WORLD_LOCALES (folded), each naming one month in every language that has
    it and no other month in MONTHS (Croatian "listopad", October, is November in Polish and
    Czech: the table's reading stands, Croatian's is left out)."""
    from babel import Locale

    found: dict[str, set[int]] = {}
    for code in WORLD_LOCALES.split():
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    key = folded(name.strip().rstrip("."))
                    short = width == "abbreviated" and len(key) < MIN_WORLD_ABBREVIATION
                    if short or not _is_word(key) or len(key) < 3:
                        continue
                    found.setdefault(key, set()).add(number)
                    if code == "he":  # Hebrew writes "in" on the month: "10 בנובמבר 2026"
                        found.setdefault(HEBREW_IN + key, set()).add(number)
    table: dict[str, set[int]] = {}
    for name, number in MONTHS.items():
        table.setdefault(folded(name), set()).add(number)
    return {
        key: next(iter(numbers))
        for key, numbers in found.items()
        if len(numbers) == 1 and table.get(key, numbers) == numbers
    }


def _is_word(name: str) -> bool:
    """Letters and marks only (a Hindi vowel sign is a mark): no space, digit or full stop."""
    return all(c.isalpha() or unicodedata.category(c).startswith("M") for c in name)


def month_number(name: str) -> int | None:
    """The month a written name means (1-12): MONTHS first, then CLDR's names of more languages
    (world_months); None when it is no month's name."""
    return MONTHS.get(name.lower()) or world_months().get(folded(name))


# North American zones written without their season ("4:35 PM ET"): the offset is the region's
# on that date. Upper case only, and only after a clock: "10:30 et 11:00" is French.
REGIONAL_ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
# Written in capitals or in lower case, not as a capitalised word: "7:36 PM West Africa ..." is a
# headline after a bare time, not Western European Summer Time.
ZONE_NAMES = "(?-i:{})".format(
    "|".join(
        f"{z.upper()}|{z}"
        for z in sorted((z for z in ABBREVIATED_ZONES if len(z) > 1), key=len, reverse=True)
    )
)
# An offset written after GMT or UTC ("09:15 GMT+7", "(UTC+07:00)"), read before the bare word
# (which was GMT's +00:00 alone).
WRITTEN_OFFSET = r"(?:GMT|UTC)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?"
# Not a zone with an offset of its own after it ("8.00 a.m. (CEST+1)": no zone this reads).
# German writes "Uhr" between them: "09:15 Uhr MEZ".
ZONE_WORD = (
    rf"(?:uhr\s+)?\(?(?P<zone>{WRITTEN_OFFSET}|{ZONE_NAMES}|(?-i:{'|'.join(REGIONAL_ZONES)}))\b"
    r"(?!\s?[+\-−]\s?\d)\)?"
)
OFFSET_PARTS = re.compile(r"(?:gmt|utc)\s?([+\-−])\s?(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
# "21:04", "21.04", French "21h04", and Japanese, Chinese and Korean "9時15分", "9时5分", "9시 15분".
CLOCK = (
    r"(?P<hour>\d{1,2})(?:[:.]|h(?=\d{2})|\s?[時时시]\s?(?=\d{1,2}\s?[分분]))"
    r"(?P<minute>\d{2}|\d(?=\s?[分분]))(?:\s?[分분])?(?::(?P<second>\d{2}))?"
)
# Day first ("05/11/2015", as Indonesian and European pages write it), or month first where the
# day-first reading is no date ("11/18/2011"); a two-digit year only before a clock ("8/17/13
# 11:04am"), which every pattern below requires.
NUMERIC_DATE = r"(?P<day>\d{1,2})[/\-.](?P<month>\d{1,2})[/\-.](?P<year>\d{4}|\d{2}(?!\d))"
# Year first: "2015-08-15", "2015/08/15", and "2015.08.15" (Hungarian, Chinese and Korean pages).
ISO_DATE = r"(?P<iyear>\d{4})(?P<isep>[-/.])(?P<imonth>\d{2})(?P=isep)(?P<iday>\d{2})"
# "10 November 2026", "14. Dezember 2015", "1er juin 2019", "3 de marzo de 2019"; "November 10, 2026".
# Letters, and the vowel signs and other marks of the Indic scripts (Devanagari to Malayalam),
# which are no letters to `\w` ("नवंबर", "நவம்பர்"), their digits left out.
INDIC_MARKS = (
    "\u0900-\u0965\u0970-\u09e5\u09f0-\u0a65\u0a70-\u0ae5\u0af0-\u0b65\u0b70-\u0be5"
    "\u0bf0-\u0c65\u0c70-\u0ce5\u0cf0-\u0d65\u0d70-\u0d7f"
)
MONTH_NAME = rf"(?![\d_])[\w{INDIC_MARKS}]{{3,12}}"
# Hungarian writes the year first: "2015. augusztus 20.", "2015. aug. 20.".
YEAR_FIRST_WORD_DATE = (
    rf"(?P<hyear>\d{{4}})\.\s+(?P<hmonth>{MONTH_NAME})\.?\s+(?P<hday>\d{{1,2}})\.?(?!\d)"
)
# English ordinals too: "4th March 2026", "March 4th, 2026"; and without spaces, "10.nov.2026"
# (Folha), "10-Nov-2026".
WORD_DATE = (
    rf"(?P<wday>\d{{1,2}})(?:(?:\.|er|º|st|nd|rd|th)?\s+(?:de\s+)?|[.\-](?=[^\W\d_]))"
    rf"(?P<wmonth>{MONTH_NAME})(?:\.?,?\s+(?:de\s+)?|[.\-](?=\d{{4}}))"
    r"(?P<wyear>\d{4})"
)
MONTH_FIRST = (
    rf"(?P<fmonth>{MONTH_NAME})\.?\s+(?P<fday>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<fyear>\d{{4}})"
)
# "2018年6月18日" (Japanese and Chinese pages), "2026년 11월 10일" (Korean ones).
CJK_DATE = r"(?P<cyear>\d{4})\s?[年년]\s*(?P<cmonth>\d{1,2})\s?[月월]\s*(?P<cday>\d{1,2})\s?[日일]"
# Lithuanian and Latvian write the year first too: "2026 m. lapkričio 10 d." (the year, its "m.",
# the month, the day and its "d."), "2026. gada 10. novembris" (the year's "gada", the day).
BALTIC_DATE = (
    rf"(?P<byear>\d{{4}})\s?(?:m\.\s+(?P<bmonth>{MONTH_NAME})\s+(?P<bday>\d{{1,2}})\s?d\."
    rf"|\.\s+gada\s+(?P<bday2>\d{{1,2}})\.\s+(?P<bmonth2>{MONTH_NAME}))"
)
# Thai month names, whole and abbreviated ("10 พฤศจิกายน 2569", "10 พ.ย. 2569"): their vowel
# signs are no letters to `\w` and the abbreviations hold full stops, so they are listed.
THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "มกราคม ม.ค.",
            "กุมภาพันธ์ ก.พ.",
            "มีนาคม มี.ค.",
            "เมษายน เม.ย.",
            "พฤษภาคม พ.ค.",
            "มิถุนายน มิ.ย.",
            "กรกฎาคม ก.ค.",
            "สิงหาคม ส.ค.",
            "กันยายน ก.ย.",
            "ตุลาคม ต.ค.",
            "พฤศจิกายน พ.ย.",
            "ธันวาคม ธ.ค.",
        ),
        start=1,
    )
    for name in names.split()
}
# Thai pages count years in the Buddhist era (2569 is 2026), perhaps after its "พ.ศ." ("B.E."),
# or by its last two digits ("10 พ.ย. 69"); a year from this one on is read so.
BUDDHIST_ERA_YEARS = 543
BUDDHIST_ERA_FROM = 2400
BUDDHIST_CENTURY = 2500
THAI_DATE = (
    r"(?P<tday>\d{1,2})\s*(?P<tmonth>"
    + "|".join(re.escape(name) for name in sorted(THAI_MONTHS, key=len, reverse=True))
    + r")\s*(?:(?:พ\.ศ\.|ค\.ศ\.)\s*)?(?P<tyear>\d{4}|\d{2}(?![\d:.]))"
)
# Persian pages date by the Solar Hijri calendar, its months by name ("۱۹ آبان ۱۴۰۵" is 10
# November 2026, "امرداد" the older spelling of "مرداد"), converted with jdatetime.
SOLAR_HIJRI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "فروردین",
            "اردیبهشت",
            "خرداد",
            "تیر",
            "مرداد|امرداد",
            "شهریور",
            "مهر",
            "آبان",
            "آذر",
            "دی",
            "بهمن",
            "اسفند",
        ],
        start=1,
    )
    for name in names.split("|")
}
PERSIAN_DATE = (
    r"(?P<pday>\d{1,2})\s+(?P<pmonth>"
    + "|".join(sorted(SOLAR_HIJRI_MONTHS, key=len, reverse=True))
    + r")\s+(?:ماه\s+)?(?P<pyear>\d{4})(?!\d)"
)
# Chinese, Japanese and Korean write dates year first, a two-digit year too: "发布时间：18-03-08"
# is 8 March 2018 (not 18 March 2008, as a European page would mean it). Read so after a
# full-width colon, CJK punctuation, or a CJK word and a space.
SHORT_YMD = (
    r"(?:(?<=[\uff1a\u3000-\u303f])|(?<=[\u3040-\u9fff\uff1a]\s))"
    r"(?P<syear>\d{2})-(?P<smonth>\d{2})-(?P<sday>\d{2})(?!\d)"
)
# (Persian dates before WORD_DATE, which would take their months for unknown names.)
ANY_DATE = (
    f"(?:{SHORT_YMD}|{YEAR_FIRST_WORD_DATE}|{NUMERIC_DATE}|{ISO_DATE}|{PERSIAN_DATE}|{WORD_DATE}"
    f"|{MONTH_FIRST}|{CJK_DATE}|{BALTIC_DATE}|{THAI_DATE})"
)
# Between a date and its clock: punctuation (Korean pages' dot after the day: "2026.06.22. 09:31"),
# the word for "at" ("um", "à", "a las", "às", "alle", "ore", "om", "kl.", "klo", "в", "godz.",
# "saat", "lúc", Latvian "plkst.", Thai "เวลา", Persian "ساعت"), a year's abbreviation ("2026 r., godz. 09:15",
# "2026 г., 09:15"), a label ("Date: 05 June 2013 Time: 12:45"), and the AM or PM that Korean,
# Japanese and Chinese write before the clock ("오후 3시 15분", "午後3時15分", "下午3:15").
BEFORE_CLOCK = (
    r"\.?[\s,،|/\-–—·•@]*(?:(?:r|г)\.[\s,]*)?(?:(?:pukul|jam|at|um|à|a\s+las?|às|as|alle|ore|om"
    r"|kl\.?|klo|klukkan|kell|plkst\.?|в|v|u|у|ob|o(?:\s+godz\.)?|godz\.|στις|ás|saat|lúc|เวลา|ساعت"
    r"|time:|waktu:|zeit:|heure\s*:)\s*)?"
    r"(?:(?P<premeridiem>오전|오후|午前|午後|上午|下午)\s*)?"
)
AFTERNOON_BEFORE = frozenset({"오후", "午後", "下午"})
# AM and PM, and the Malay and Indonesian words for the part of the day after a 12-hour clock:
# "9:15 pagi" (morning), "4.30 petang", "4.30 sore" (afternoon), "9.15 malam" (evening); Arabic
# "ص" and "م" (AM and PM).
MERIDIEM = (
    r"(?:\s*(?P<meridiem>[ap])\.?\s?m\b\.?|\s+(?P<daypart>pagi|petang|sore|malam|ص|م)(?!\w))?"
)
# A clock as written, the 12-hour clock's AM/PM included (no longer number or decimal after it).
WRITTEN_CLOCK = rf"{CLOCK}(?![\d:]|\.\d){MERIDIEM}"
# After a clock written without a zone (a local time).
NO_ZONE = rf"(?!\s*(?:[ap]\.?\s?m\b\.?\s*)?(?:uhr\s+)?(?:{ZONE_NAMES})\b)"
# "November 10, 2026 9:04 PM EST" as well as "10/11/2026 21:04 WIB": the 12-hour clock's AM/PM
# comes before the zone.
TEXT_TIME = re.compile(
    rf"(?<![\w/.-]){ANY_DATE}{BEFORE_CLOCK}{WRITTEN_CLOCK}\s*{ZONE_WORD}", re.IGNORECASE
)
# The same without a zone: a local time, read only in an assumed zone (or named in the error).
NAIVE_TEXT_TIME = re.compile(
    rf"(?<![\w/.-]){ANY_DATE}{BEFORE_CLOCK}{WRITTEN_CLOCK}{NO_ZONE}", re.IGNORECASE
)
# The clock first: "4:58 p.m. CDT, July 17, 2013", "Posted: 12:49 AM, June 7, 2013", "00:37
# IST(16/5/2013)"; with a zone word (CLOCK_FIRST_TIME) or without one (NAIVE_CLOCK_FIRST_TIME, a
# local time; "IST" names several zones, so it is no zone word).
# ... and a weekday, perhaps abbreviated ("3:04 PM EST, Tue November 10, 2026", as CNN writes).
AFTER_CLOCK = (
    r"[\s,(|\-–·]*(?:on\s+)?"
    r"(?:(?:[^\W\d_]{3,9}day|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
)
CLOCK_FIRST_TIME = re.compile(
    rf"(?<![\w/.:-]){WRITTEN_CLOCK}\s*{ZONE_WORD}{AFTER_CLOCK}{ANY_DATE}", re.IGNORECASE
)
NAIVE_CLOCK_FIRST_TIME = re.compile(
    rf"(?<![\w/.:-]){WRITTEN_CLOCK}(?:\s*(?P<local_zone>IST|CST|AST))?{AFTER_CLOCK}{ANY_DATE}",
    re.IGNORECASE,
)
# A month and day without the year, then a clock with its zone ("Jun 13, 4:03 PM EDT"): read only
# on a day another source dates in full (`yearless_times`).
YEARLESS_DATE = (
    r"(?<![\w/.-])(?:(?P<ymonth>[A-Za-z]{3,9})\.?\s+(?P<yday>\d{1,2})"
    r"|(?P<yday2>\d{1,2})\s+(?P<ymonth2>[A-Za-z]{3,9})\.?)(?!\d)(?!,?\s+\d{4})"
    rf"{BEFORE_CLOCK}{WRITTEN_CLOCK}"
)
YEARLESS_TIME = re.compile(rf"{YEARLESS_DATE}\s*{ZONE_WORD}", re.IGNORECASE)
# The same without a zone ("Published: Jun 6 10:40 AM"): a local time, for an assumed zone.
NAIVE_YEARLESS_TIME = re.compile(rf"{YEARLESS_DATE}{NO_ZONE}", re.IGNORECASE)
# A month and day in numbers with a 24-hour clock and no year ("10-08 12:00", as Chinese portals
# print this year's stories): read month first, and only on the day found elsewhere.
NUMERIC_YEARLESS_TIME = re.compile(
    rf"(?<![\w/.:-])(?P<nmonth>\d{{1,2}})-(?P<nday>\d{{1,2}})\s+{CLOCK}(?![\d:])"
)
# A clock time with its zone and no date ("Update 21:04 WIB"), paired with a date found elsewhere.
CLOCK_ONLY = re.compile(rf"(?<![\d/.:-]){CLOCK}\s*{ZONE_WORD}", re.IGNORECASE)
# How far a naive meta time may be from a written time with a zone and still be the same moment
# (pages round to the minute in text and keep seconds in metadata).
SAME_MOMENT_SECONDS = 120
ISO_VALUE = re.compile(
    r"^(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:(?:[T ]|-(?=\d{2}:))(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{3,4})?)?$",
    re.IGNORECASE,
)


YearMonth = tuple[int, int]
URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/")


@dataclass(frozen=True)
class Stamp:
    """One candidate time: its value, whether it has a clock time and an offset, where from, and
    whether the page labels it an update ("Diperbarui 24 Juli 2026, 09:00 WIB")."""

    value: datetime
    has_time: bool
    source: str
    update: bool = False

    @property
    def aware(self) -> bool:
        return self.value.tzinfo is not None


# No page was published before EARLIEST_YEAR (a template's zero, Go's and .NET's
# "0001-01-01T00:00:00Z", or a year of another calendar read as Gregorian: the Solar Hijri
# "1405/08/19", the Islamic "1448") nor after LATEST_YEAR (a database's "never", `9999-12-31`,
# where no arithmetic, twelve hours on or the same moment in UTC, may leave the calendar): the
# import format's bounds (`articles`). Other zeros written where a date belongs: the Unix epoch
# and SQL Server's default day.
ZERO_DAYS = frozenset({date_type(1970, 1, 1), date_type(1900, 1, 1)})


def parse_value(raw: str, source: str) -> Stamp | None:
    """An ISO 8601 value as pages write it (`.000Z`, `+0700`, a space for `T`, date only, and
    the loose `2013-06-7T03:37:27GMT+05:30`: a one-digit day, month or hour, "GMT" before the
    offset); None for no date, or a zero (`is_zero`)."""
    stamp = read_value(raw, source)
    return None if stamp is None or is_zero(stamp.value) else stamp


def is_zero(value: datetime) -> bool:
    """A template's or a database's zero, not a date: before EARLIEST_YEAR or after LATEST_YEAR,
    or midnight (in its own offset or in UTC) of one of ZERO_DAYS."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return True
    instants = [value] if value.tzinfo is None else [value, value.astimezone(UTC)]
    return any(v.date() in ZERO_DAYS and v.time() == time() for v in instants)


def read_value(raw: str, source: str) -> Stamp | None:
    """parse_value's reading, zeros included."""
    if UNIX_TIME.match(raw.strip()):
        return _unix_time(raw.strip(), source)
    match = ISO_VALUE.match(_padded(raw.strip()))
    if not match:
        return _parse_loose(raw, source)
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        value = value.replace(second=int(second or 0))
    except ValueError:
        return None
    if zone and hour is not None:
        offset = _offset(zone)
        if offset is None and zone[0] in "+-":
            return None  # no clock is that far from UTC (`+25:00`): no time
        if offset is None:  # an abbreviation that names no single offset: a local time
            return Stamp(value, True, source)
        value = value.replace(tzinfo=offset)
    return Stamp(value, hour is not None, source)


# A Unix time in seconds or milliseconds (`data-publishtime="1376751840652"`, Kinja), as a
# publication attribute or tag may hold it; read only from 1995 to 2100.
UNIX_TIME = re.compile(r"^\d{10}(?:\d{3})?$")
UNIX_TIME_RANGE = (datetime(1995, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _unix_time(raw: str, source: str) -> Stamp | None:
    seconds = int(raw) / (1000 if len(raw) == 13 else 1)
    value = datetime.fromtimestamp(int(seconds), tz=UTC)
    if not UNIX_TIME_RANGE[0] <= value < UNIX_TIME_RANGE[1]:
        return None
    return Stamp(value, True, source)


ONE_DIGIT_PARTS = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?=[T\s]|$)")
ONE_DIGIT_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ])(\d)(?=:\d{2})")
NAMED_OFFSET = re.compile(r"(?<=\d)\s*(?:GMT|UTC)(?=[+-]\d{2})", re.IGNORECASE)
# A template that adds its own "Z" to a value ending in one: "2017-11-16T15:15:57.723210ZZ".
DOUBLED_Z = re.compile(r"(?<=\d)Z{2,}$")


def _padded(raw: str) -> str:
    raw = ONE_DIGIT_PARTS.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", raw)
    raw = ONE_DIGIT_HOUR.sub(lambda m: f"{m[1]}0{m[2]}", raw)
    raw = DOUBLED_Z.sub("Z", raw)
    return NAMED_OFFSET.sub("", raw)


# A 12-hour clock's AM/PM after the minutes, which RFC 822's parser reads as an unknown zone and
# drops ("8 Apr 2022, 1:46 p.m." would be 01:46).
MERIDIEM_CLOCK = re.compile(r"\d:\d{2}(?::\d{2})?\s*[ap]\.?\s?m\b", re.IGNORECASE)
TRAILING_OFFSET = re.compile(r"(?:GMT|UTC)?\s*([+-]\d{2}):?(\d{2})\s*$", re.IGNORECASE)


# A JavaScript Date written out as its `toString()` writes it, the zone's name in brackets after
# the offset ("Thu Apr 16 2026 00:00:00 GMT+0000 (Coordinated Universal Time)", a `<time
# datetime>` a script filled): the name is left out, and the offset read.
SCRIPT_ZONE_NAME = re.compile(r"(?<=GMT[+-]\d{4})\s*\([^()]{1,64}\)\s*$", re.IGNORECASE)


def _parse_loose(raw: str, source: str) -> Stamp | None:
    """RFC 822 and other forms dateutil-style parsers accept (`Tue, 10 Nov 2026 09:15 +0700`);
    a 12-hour clock is read as written text (the parser drops its AM/PM)."""
    from email.utils import parsedate_to_datetime

    raw = SCRIPT_ZONE_NAME.sub("", raw.strip())
    if MERIDIEM_CLOCK.search(raw):
        return _with_trailing_offset(_parse_written(raw, source), raw)
    try:
        value = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        # written out, perhaps in another language, the numeric offset ending it ("mar., 10 nov.
        # 2026 09:15:00 +0100")
        return _with_trailing_offset(_parse_written(raw, source), raw)
    if value.tzinfo is None:  # a zone the email module does not know: "09:15:00 WIB", "GMT+7"
        last = raw.split()[-1]
        offset = _offset(last) if last.isalpha() else _gmt_offset(last)
        value = value if offset is None else value.replace(tzinfo=offset)
    return Stamp(value, True, source)


def _with_trailing_offset(written: Stamp | None, raw: str) -> Stamp | None:
    """`written` (a naive reading of `raw`) in the numeric offset that ends `raw` ("09:15 PM
    +0700"), if one does."""
    ending = TRAILING_OFFSET.search(raw)
    if written is None or written.value.tzinfo is not None or not ending:
        return written
    zone = _offset(f"{ending[1]}:{ending[2]}")
    return replace(written, value=written.value.replace(tzinfo=zone))


def _gmt_offset(word: str) -> tzinfo | None:
    """The offset written after GMT or UTC as one word: "GMT+7", "UTC+05:30"."""
    match = OFFSET_PARTS.fullmatch(word)
    if match is None:
        return None
    sign = -1 if match[1] in "-−" else 1
    return fixed_offset(sign, int(match[2]), int(match[3] or 0))


def fixed_offset(sign: int, hours: int, minutes: int) -> tzinfo | None:
    """The offset `sign` hours:minutes from UTC; None for one no clock has (`+25:00`, `+07:75`)."""
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# A metadata value longer than this is no date written out but text that holds one.
MAX_WRITTEN_VALUE = 48
# A date alone written with dots, day first, as central and northern European CMSs write it into
# a `datePublished` ("11.06.2019"): no other order uses dots.
DOTTED_DATE = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)")


def _parse_written(raw: str, source: str) -> Stamp | None:
    """A date-time written out as in text where a machine-readable value belongs (a JSON-LD
    `datePublished` of "December 31, 2009 at 7:00pm"), with its zone or without (a local time):
    the one written time the value holds. A date written out without a clock ("Mar 30, 2026")
    is left to the text, where the page prints it too; a numeric one with dots ("11.06.2019"), a
    CMS's own format, is read as a date."""
    value = " ".join(raw.split())
    if len(value) > MAX_WRITTEN_VALUE:
        return None
    dotted = DOTTED_DATE.fullmatch(value)
    if dotted:  # a CMS's own numeric date, day first (the page need not print it)
        try:
            day = datetime(int(dotted["year"]), int(dotted["month"]), int(dotted["day"]))
        except ValueError:
            return None
        return Stamp(day, False, source)
    for read in (text_times, local_text_times):
        found = read(value)
        if len(found) == 1:
            return replace(found[0], source=source)
        if found:
            return None
    return None


def _offset(zone: str) -> tzinfo | None:
    if zone.upper() == "Z":
        return UTC
    if zone[0] not in "+-":
        hours = ABBREVIATED_ZONES.get(zone.lower())
        return None if hours is None else timezone(timedelta(hours=hours))
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return fixed_offset(sign, int(digits[:2]), int(digits[2:4] or 0))


# A label before a written time that makes it the time of a later change, not the publication.
UPDATED_LABEL = re.compile(
    r"(?:updated?|last modified|modified|diperbarui|dikemaskini|aktualisiert|mis à jour"
    r"|actualizado|atualizado|aggiornato|bijgewerkt|zaktualizowano|aktualizováno|uppdaterad"
    r"|opdateret|oppdatert|обновлено|güncelleme|cập nhật|更新|수정"
    # ... in Finnish, Slovak, Croatian and Serbian, Slovenian, Romanian, Hungarian, Greek,
    # Ukrainian, Bulgarian, the Baltic languages, Arabic, Thai and Hindi
    r"|päivitetty|aktualizované|ažurirano|ажурирано|posodobljeno|actualizat|frissítve"
    r"|ενημερώθηκε|ενημέρωση|оновлено|актуализирана|обновена|uuendatud|atjaunināts|atnaujinta"
    r"|آخر تحديث|تم التحديث|อัปเดต|อัพเดท|अपडेट(?:ेड)?"
    # German "as of" ("[Stand: 08.05.2019, 05:02 Uhr]" at the foot of a city's page), and the
    # version-control stamp of a file's last change ("$Date: 2016/11/18 06:31:41 $")
    r"|(?-i:Stand)|\$date)"
    r"\s*(?:on|at|:)?\s*:?\s*(?:(?:[^\W\d_]{3,9}day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s*)?$",
    re.IGNORECASE,
)


def _labelled_update(text: str, start: int) -> bool:
    """The text just before `start` labels what follows as an update (UPDATED_LABEL)."""
    return bool(UPDATED_LABEL.search(text[max(0, start - 30) : start]))


def _matches(text: str, *patterns: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of several patterns in text order, none overlapping an earlier one; times that a
    label calls an update ("Updated: ... 4:25 PM EDT") after the others."""
    found: list[re.Match[str]] = []
    for match in sorted(
        (m for pattern in patterns for m in pattern.finditer(text)), key=lambda m: m.start()
    ):
        if not found or match.start() >= found[-1].end():
            found.append(match)
    fresh = [m for m in found if not _labelled_update(text, m.start())]
    return fresh + [m for m in found if m not in fresh]


def text_times(text: str, filed: YearMonth | None = None) -> list[Stamp]:
    """Times written with a zone word in running text ("Kamis, 05/11/2015 09:25 WIB", "4:58 p.m.
    CDT, July 17, 2013")."""
    found: list[Stamp] = []
    for match in _matches(text, TEXT_TIME, CLOCK_FIRST_TIME):
        value = _written(match.groupdict(), filed)
        zone = zone_of(match.group("zone"), value) if value is not None else None
        if value is not None and zone is not None:
            source = f"text {match.group(0).strip()!r}"
            update = _labelled_update(text, match.start())
            found.append(Stamp(value.replace(tzinfo=zone), True, source, update))
    return found


def zone_of(word: str, local: datetime) -> tzinfo | None:
    """The UTC offset a zone word names at the local time `local` ("ET" is -04:00 in summer);
    None for an offset no clock has ("GMT+25")."""
    if OFFSET_PARTS.fullmatch(word.strip()):
        return _gmt_offset(word.strip())
    region = REGIONAL_ZONES.get(word)
    if region is not None:
        offset = ZoneInfo(region).utcoffset(local)
        return timezone(offset if offset is not None else timedelta(0))
    return timezone(timedelta(hours=ABBREVIATED_ZONES[word.lower()]))


# Words that say "published" (the labels below share them).
PUBLICATION_WORDS = (
    "posted|published|first published|dipublikasikan|diterbitkan|veröffentlicht|publié|publicado"
    "|publicada|pubblicato|gepubliceerd|opublikowano|publikováno|publicerad|publisert|publiceret"
    "|опубликовано|yayınlanma|julkaistu|publikované|objavljeno|publicat|közzétéve|megjelent"
)
# A label stating a time's role before it ("Posted: 12:49 AM, June 7, 2013").
TIME_LABEL = re.compile(
    rf"(?:{PUBLICATION_WORDS}|updated?|diperbarui|објављено|δημοσιεύθηκε|δημοσίευση|опубліковано"
    r"|публикувано|avaldatud|publicēts|paskelbta|نشر|نُشر|เผยแพร่|प्रकाशित)\s*(?:on|at|el|em|il"
    r"|op)?\s*:?\s*$",
    re.IGNORECASE,
)


# A label naming the date after it the publication's ("Veröffentlicht am 07.06.2019", "Published:
# June 7, 2013"), or a bare "Date" label before the date's own element (`<dt>Date</dt><dd>…</dd>`).
PUBLISHED_LABEL = rf"(?:{PUBLICATION_WORDS})(?:\s+(?:on|am|le|el|em|il|op|at))?"
LABELLED_DATE = re.compile(rf"^{PUBLISHED_LABEL}\s*:?\s*(?P<date>.{{6,40}})$", re.IGNORECASE)
DATE_LABEL = re.compile(
    rf"^(?:{PUBLISHED_LABEL}|date|datum|fecha|data|tanggal|dato|date de publication)\s*:?$",
    re.IGNORECASE,
)


def labelled_date(line: str, before: str = "") -> list[Stamp]:
    """The date of a line that a publication label opens ("VERÖFFENTLICHT AM 07.06.2019"), or of a
    line that is a date alone after a label line `before` ("Date" and then "10.06.2013")."""
    labelled = LABELLED_DATE.match(line)
    if labelled and WRITTEN_DATE.fullmatch(labelled["date"]):
        return written_dates(labelled["date"])[:1]
    if DATE_LABEL.match(before) and WRITTEN_DATE.fullmatch(line):
        return written_dates(line)[:1]
    return []


def _stated_clock_first(text: str, match: re.Match[str]) -> bool:
    """A local time written clock first counts as a time the page states with an AM/PM or a
    zone-like word after its clock, or a label before it: a clock alone before a date is as
    often an event's or a race's ("Kick-off is at 7.30, Friday, June 7, 2013")."""
    if match.group("meridiem") or match.group("daypart") or match.group("local_zone"):
        return True
    return bool(TIME_LABEL.search(text[max(0, match.start() - 40) : match.start()]))


def local_text_times(text: str, filed: YearMonth | None = None) -> list[Stamp]:
    """Dates with a clock time written without a zone ("2023-11-17 15:13", "December 27, 2014
    at 12:06 PM"): local times, so naive stamps."""
    found: list[Stamp] = []
    for match in _matches(text, NAIVE_TEXT_TIME, NAIVE_CLOCK_FIRST_TIME):
        if match.re is NAIVE_CLOCK_FIRST_TIME and not _stated_clock_first(text, match):
            continue
        value = _written(match.groupdict(), filed)
        if value is not None:
            update = _labelled_update(text, match.start())
            found.append(Stamp(value, True, f"text {match.group(0).strip()!r}", update))
    return found


# A date written without a clock ("27 juin 2019", "03.12.2011"), four-digit years only.
WRITTEN_DATE = re.compile(rf"(?<![\w/.-]){ANY_DATE}(?![\w/-])", re.IGNORECASE)


# A date with its year in two digits, written with dots ("17.7.11", "02.12.19", as German pages
# print one in a byline or above the headline), ending a line this short: not a version number
# or a score in a sentence ("Android 4.4.2").
SHORT_YEAR_LINE_CHARS = 40


def written_dates(text: str, *, updates: bool = False, line: bool = False) -> list[Stamp]:
    """Dates written in running text without a time: date-only stamps. Not one a label calls an
    update ("Update 2011-04-18: Rewrote this post"), unless `updates`. A dotted date with a
    two-digit year only where `text` is one short `line` that it ends ("von K. Schöppner, 8.5.12")."""
    found: list[Stamp] = []
    for match in WRITTEN_DATE.finditer(text):
        if not updates and _labelled_update(text, match.start()):
            continue
        parts = match.groupdict()
        date = _date_of(parts)
        if date is None or (
            len(parts.get("year") or "0000") != 4 and not _short_year_line(text, match, line)
        ):
            continue
        try:
            value = datetime(*date)
        except ValueError:
            continue
        found.append(Stamp(value, False, f"text {match.group(0).strip()!r}"))
    return found


def _short_year_line(text: str, match: re.Match[str], line: bool) -> bool:
    """A two-digit year's dotted date that ends the short line `text` (see written_dates)."""
    written = match.group(0).strip()
    return (
        line
        and len(text.strip()) <= SHORT_YEAR_LINE_CHARS
        and text.rstrip().endswith(written)
        and bool(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", written))
    )


def _date_of(
    parts: dict[str, str | None], filed: YearMonth | None = None
) -> tuple[int, int, int] | None:
    """(year, month, day) of whichever date form matched, None for no date (one before
    EARLIEST_YEAR: another calendar's year). A numeric date is read day first unless that is no
    date, or `filed` (the year and month in the page's URL) is the month-first reading's and not
    the day-first one's ("06.05.13" under `/2013/06/`)."""
    found = _date_parts(parts, filed)
    return None if found is None or found[0] < EARLIEST_YEAR else found


def _date_parts(
    parts: dict[str, str | None], filed: YearMonth | None = None
) -> tuple[int, int, int] | None:
    if parts.get("year"):
        y, m, d = int(parts["year"] or 0), int(parts["month"] or 0), int(parts["day"] or 0)
        y = y + 2000 if y < 100 else y
        no_day_first = m > 12 >= d  # month first, as US pages write it
        filed_month_first = filed is not None and d <= 12 and (y, d) == filed != (y, m)
        if no_day_first or filed_month_first:
            m, d = d, m
        return y, m, d
    if parts.get("syear"):
        return 2000 + int(parts["syear"] or 0), int(parts["smonth"] or 0), int(parts["sday"] or 0)
    for year, month, day in (("iyear", "imonth", "iday"), ("cyear", "cmonth", "cday")):
        if parts.get(year):
            return int(parts[year] or 0), int(parts[month] or 0), int(parts[day] or 0)
    if parts.get("pyear"):
        return _solar_hijri(
            int(parts["pyear"] or 0),
            SOLAR_HIJRI_MONTHS[parts["pmonth"] or ""],
            int(parts["pday"] or 0),
        )
    if parts.get("tyear"):
        era_year = int(parts["tyear"] or 0)
        era_year += BUDDHIST_CENTURY if era_year < 100 else 0  # "69": 2569
        era_year -= BUDDHIST_ERA_YEARS if era_year >= BUDDHIST_ERA_FROM else 0
        return era_year, THAI_MONTHS[parts["tmonth"] or ""], int(parts["tday"] or 0)
    for year, month, day in (
        ("wyear", "wmonth", "wday"),
        ("fyear", "fmonth", "fday"),
        ("hyear", "hmonth", "hday"),
        ("byear", "bmonth", "bday"),
        ("byear", "bmonth2", "bday2"),
    ):
        if parts.get(year) and not parts.get(month):
            continue  # the other Baltic form
        if parts.get(year):
            number = month_number(parts[month] or "")
            return None if number is None else (int(parts[year] or 0), number, int(parts[day] or 0))
    return None


def _solar_hijri(year: int, month: int, day: int) -> tuple[int, int, int] | None:
    """The Gregorian (year, month, day) of a Solar Hijri date; None for no such day."""
    import jdatetime

    try:
        day_of = jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None
    return day_of.year, day_of.month, day_of.day


def _written(parts: dict[str, str | None], filed: YearMonth | None = None) -> datetime | None:
    """The naive date and time of a written-time match; None when it is no real date."""
    date = _date_of(parts, filed)
    if date is None:
        return None
    hour = int(parts["hour"] or 0)
    meridiem = (parts.get("meridiem") or "").lower()
    if parts.get("premeridiem"):
        meridiem = "p" if parts["premeridiem"] in AFTERNOON_BEFORE else "a"
    if meridiem and not 1 <= hour <= 12:
        return None
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    hour = _daypart_hour(hour, (parts.get("daypart") or "").lower())
    try:
        return datetime(*date, hour, int(parts["minute"] or 0), int(parts["second"] or 0))
    except ValueError:
        return None


def _daypart_hour(hour: int, daypart: str) -> int:
    """The 24-hour hour of a 12-hour clock followed by the part of the day ("4.30 petang" is
    16:30, "12.00 malam" midnight); a 24-hour clock ("21.15 malam") as written."""
    if not daypart or not 1 <= hour <= 12:
        return hour
    if daypart in ("pagi", "ص"):
        return hour % 12
    if daypart == "malam" and hour == 12:
        return 0
    return hour % 12 + 12


def yearless_times(text: str, dated: Stamp, *, zoned: bool = True) -> list[Stamp]:
    """Times written with a month and day but no year, and a zone ("Jun 13, 4:03 PM EDT"), on the
    day `dated` (a date without a time from another source) names: that day's year. With
    `zoned=False`, those written without a zone ("Jun 6 10:40 AM"), and in numbers ("10-08
    12:00", month first: a day-first reading of another day is never taken for it): naive, local
    times."""
    found: list[Stamp] = []
    day = dated.value
    patterns = (YEARLESS_TIME,) if zoned else (NAIVE_YEARLESS_TIME, NUMERIC_YEARLESS_TIME)
    for match in (m for pattern in patterns for m in pattern.finditer(text)):
        parts = match.groupdict()
        if parts.get("nmonth"):
            month: int | None = int(parts["nmonth"] or 0)
            written_day = int(parts["nday"] or 0)
        else:
            month = month_number(parts["ymonth"] or parts["ymonth2"] or "")
            written_day = int(parts["yday"] or parts["yday2"] or 0)
        if month != day.month or written_day != day.day:
            continue
        value = _written(
            {**parts, "iyear": str(day.year), "imonth": str(month), "iday": str(day.day)}
        )
        if value is not None:
            source = f"{dated.source} + text {match.group(0).strip()!r}"
            zone = zone_of(match.group("zone"), value) if zoned else None
            if zoned and zone is None:
                continue
            found.append(Stamp(value.replace(tzinfo=zone), True, source))
    return found


def clock_times(text: str) -> list[tuple[int, int, str]]:
    """(hour, minute, zone word) of each zone-marked clock time in the text."""
    found = []
    for match in CLOCK_ONLY.finditer(text):
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        if hour < 24 and minute < 60:
            found.append((hour, minute, match.group("zone")))
    return found


TIME_ELEMENT = "<time datetime>"


MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)


def modified_times(meta: PageMeta) -> list[datetime]:
    """Wall-clock times the page's metadata gives as its last change (`dateModified`...)."""
    raw = [value for name in MODIFIED_META for value in meta.all(name)]
    changed = meta.article("dateModified")
    if isinstance(changed, str):
        raw.append(changed)
    stamps = [s for value in raw if (s := parse_value(value, "modified")) is not None]
    return [s.value.replace(tzinfo=None) for s in stamps if s.has_time]


def _is_change(written: Stamp, changed: list[datetime]) -> bool:
    """A written time whose wall clock is the metadata's time of the last change: the page prints
    when it was updated ("12:21 p.m. EDT July 18, 2013" beside `dateModified` 12:21:27)."""
    wall = written.value.replace(tzinfo=None)
    return any(abs((wall - c).total_seconds()) <= SAME_MOMENT_SECONDS for c in changed)


def url_month(url: str | None) -> YearMonth | None:
    """The year and month a page's URL path is filed under (`/2013/06/...`), if any."""
    from urllib.parse import urlsplit

    found = URL_MONTH.search(urlsplit(url).path) if url else None
    return (int(found[1]), int(found[2])) if found else None


def candidates(meta: PageMeta, text: str, url: str | None = None) -> list[Stamp]:
    """Every publication-time candidate, most trusted first; `url` (the page's) settles numeric
    dates that read both ways."""
    filed = url_month(url)
    raw: list[tuple[str, str]] = []
    if (published := _ld_text(meta.article("datePublished"))) is not None:
        raw.append((published, "JSON-LD datePublished"))
    for name in (*PUBLISHED_META, *prefixed_published(meta)):
        raw.extend((value, f"meta {name}") for value in meta.all(name))
    # A video page's upload time, after the page's own publication metadata: a story with a
    # video embedded describes the video in JSON-LD (CNN), uploaded hours before the story.
    if meta.video is not None and (uploaded := _ld_text(meta.video.get("uploadDate"))):
        raw.append((uploaded, "JSON-LD uploadDate"))
    # a live blog's start, where it states no publication time
    for key in ("dateCreated", "coverageStartTime"):
        if (created := _ld_text(meta.article(key))) is not None:
            raw.append((created, f"JSON-LD {key}"))
    raw.extend((value, TIME_ELEMENT) for value in meta.times)
    stamps = [s for value, source in raw if (s := parse_value(value, source)) is not None]
    # Metadata that dates the page without a clock bounds the written times to that day, give or
    # take one (a print edition's date is the next day's): a time further away is a comment's or
    # another story's.
    day = stamps[0].value if stamps and not any(s.has_time for s in stamps) else None
    # Update times count only beside a publication time of the metadata's that differs from them
    # (a page never changed states the same time twice; one stating only its update, prints it).
    stated = [s.value.replace(tzinfo=None) for s in stamps if s.has_time]
    changed = [
        c
        for c in modified_times(meta)
        if stated and all(abs((c - p).total_seconds()) > SAME_MOMENT_SECONDS for p in stated)
    ]
    stamps += [
        t
        for t in text_times(text, filed)
        if (day is None or abs((t.value.date() - day.date()).days) <= 1)
        and not _is_change(t, changed)
    ]
    dated = next((s for s in stamps if not s.has_time), None)
    if dated is not None and not any(s.has_time for s in stamps):
        # A clock of a written date-time (one dropped above as another day's) is not this day's.
        loose = TEXT_TIME.sub(" ", CLOCK_FIRST_TIME.sub(" ", text))
        for hour, minute, word in clock_times(loose)[:1]:
            wall = dated.value.replace(hour=hour, minute=minute)
            zone = zone_of(word, wall)
            if zone is None:
                continue
            value = wall.replace(tzinfo=zone)
            stamps.append(Stamp(value, True, f"{dated.source} + text {hour:02d}:{minute:02d}"))
    if not any(s.has_time for s in stamps):
        # A local time written on the page, on the metadata's date where the metadata gives one
        # (times further down may be other stories'); not the time of an update the page labels
        # ("July 19, 2013 | Updated: July 19, 2013 3:55am") beside a date printed for the
        # publication.
        on = dated.value.date() if dated is not None else byline_date(text)
        local = [
            s
            for s in local_text_times(text, filed)
            if on is None or (s.value.date() == on and not s.update)
        ]
        stamps += local[:1]
    return filed_first(stamps, filed)


# Months between a time and the month its page's URL is filed under beyond which the time is no
# date of that story (a story published at midnight may be filed under the month before).
FILED_MONTHS = 1


def filed_first(stamps: list[Stamp], filed: YearMonth | None) -> list[Stamp]:
    """`stamps` with those in the month the URL is filed under first, where the most trusted one
    is years or months away from it: a template's stale metadata (`article:published_time`
    2009-09-02 on a post filed under `/2014/05/` and dated "May 23, 2014" by its `<time>`)."""
    if filed is None or not stamps:
        return stamps

    def months_off(stamp: Stamp) -> int:
        return abs(stamp.value.year * 12 + stamp.value.month - (filed[0] * 12 + filed[1]))

    if months_off(stamps[0]) <= FILED_MONTHS:
        return stamps
    agreeing = [s for s in stamps if months_off(s) == 0]
    return agreeing + [s for s in stamps if s not in agreeing] if agreeing else stamps


def _ld_text(value: object) -> str | None:
    """A JSON-LD time: a string, or the first string of a list (`"datePublished": ["…"]`); a
    number is a Unix time (`epoch_text`)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float)), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch_text(value)
    return value if isinstance(value, str) else None


# Unix times a template writes where schema.org asks for ISO 8601 (`"datePublished": 1762765200`,
# or in milliseconds): seconds from 2001-09-09 to 2096-10-02, milliseconds over the same span.
EPOCH_SECONDS = (1_000_000_000, 4_000_000_000)


def epoch_text(value: float) -> str | None:
    """A Unix time in seconds or milliseconds as an ISO 8601 time in UTC; None for another number
    (a year, an id)."""
    low, high = EPOCH_SECONDS
    seconds = value / 1000 if low * 1000 <= value < high * 1000 else value
    if not low <= seconds < high:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


# How far after the headline a date printed alone is the byline's (the text handed to
# `candidates` starts with the headline).
BYLINE_CHARS = 300


def byline_date(text: str) -> date_type | None:
    """The date printed alone just after the headline ("2019-05-17 · 苏皖城市报道"), where
    it comes before any date with a clock: the clocks further down are other stories' (a list's
    "2019-08-06 15:09:13"). None where there is no such date."""
    first = next(
        (
            m
            for m in WRITTEN_DATE.finditer(text, 0, BYLINE_CHARS)
            if not _labelled_update(text, m.start())
        ),
        None,
    )
    if first is None:
        return None
    clocks = _matches(text, NAIVE_TEXT_TIME, NAIVE_CLOCK_FIRST_TIME)
    if any(clock.start() <= first.start() for clock in clocks):
        return None
    stamps = written_dates(first.group(0))
    return stamps[0].value.date() if stamps else None


def afternoon(first: Stamp, others: list[Stamp]) -> Stamp:
    """`first`, or the time twelve hours later that another source gives for the same moment:
    a CMS that writes a 12-hour clock without AM/PM into JSON-LD (`02:39:54` for 14:39:54, which
    its meta tags and `<time>` state) is wrong by exactly that."""
    later = first.value + timedelta(hours=12)
    for other in others:
        same_day = other.aware and other.value.date() == first.value.date() == later.date()
        if same_day and abs((other.value - later).total_seconds()) <= SAME_MOMENT_SECONDS:
            return Stamp(later, True, f"{first.source} (12-hour clock, as {other.source})")
    return first


def mislabelled(first: Stamp, others: list[Stamp]) -> Stamp:
    """`first` (a machine-readable time), or the time the page prints with its zone on the same
    day where `first` is a placeholder or a local clock labelled UTC:
    `<time datetime="2013-07-17T13:04:17+00:00">` beside "July 17, 2013 at 1:04pm EDT" (the
    same wall clock under another offset), `2013-06-06T12:00:00+00:00` beside "Jun 6, 2013
    08:59 AM ET" (noon or midnight exactly: a date given a clock by its template)."""
    clock = first.value.timetz().replace(tzinfo=None)
    utc = first.value.utcoffset() == timedelta(0)
    round_clock = clock in (time(0, 0), time(12, 0))
    for other in others:
        if not (other.aware and other.source.startswith("text ")):
            continue
        if other.value.date() != first.value.date() or other.value.utcoffset() == timedelta(0):
            continue
        wall = abs(other.value.replace(tzinfo=None) - first.value.replace(tzinfo=None))
        if utc and wall.total_seconds() < 60:
            value = other.value.replace(second=first.value.second)
            return Stamp(value, True, f"{other.source} (as {first.source}, labelled UTC)")
        if round_clock:
            return other
    return first


def local_offset(first: Stamp, others: list[Stamp]) -> Stamp:
    """`first`, or where it is written in UTC, the same moment (to the second) under the offset
    another machine-readable source gives it: the publisher's own zone
    (`article:published_time` "2020-08-04T13:13:04+00:00" beside `<time
    datetime="2020-08-04T21:13:04+08:00">`). A clock printed in the text is left alone: it
    rounds to the minute."""
    if first.value.utcoffset() != timedelta(0):
        return first
    for other in others:
        offset = other.value.utcoffset() if other.has_time and other.aware else None
        if offset is None or offset == timedelta(0) or other.source.startswith("text "):
            continue
        if other.value == first.value:
            moment = first.value.astimezone(other.value.tzinfo)
            return Stamp(moment, True, f"{first.source} (in the offset of {other.source})")
    return first


def same_wall_clock(naive: Stamp, zoned: Sequence[str]) -> tzinfo | None:
    """The offset of a date-time written for machines elsewhere on the page (an attribute) with
    the same wall-clock time as `naive`: the page states the zone of that moment, just not where
    it states the publication time (`<meta name="published_at" content="...T03:01:00-04:00">`
    beside a JSON-LD `03:01:00`; `title="2015-03-13T21:00:00+11:00"` on "March 13, 2015 9:00PM")."""
    for raw in zoned:
        stamp = parse_value(raw, "an attribute")
        if stamp is None or not stamp.aware:
            continue
        gap = abs((stamp.value.replace(tzinfo=None) - naive.value).total_seconds())
        if gap <= SAME_MOMENT_SECONDS:
            return stamp.value.tzinfo
    return None


def _utc_label_on_local_clock(naive: Stamp, borrowed: tzinfo, assume: tzinfo | None) -> bool:
    """The offset an attribute gives a printed clock is UTC's, where the publisher's zone
    (`assume`) is not UTC then: the attribute labels the local clock UTC (`title="2013-05-13T00:
    02:25Z"` on "12:02 am, Monday, May 13, 2013" in San Francisco), as `mislabelled` finds for a
    machine time beside a zoned one."""
    if assume is None or borrowed.utcoffset(None) != timedelta(0):
        return False
    return naive.value.replace(tzinfo=assume).utcoffset() != timedelta(0)


def choose(stamps: list[Stamp], assume: tzinfo | None, zoned: Sequence[str] = ()) -> datetime:
    """The publication time with its offset, or an ExtractionError that names what was found.
    `zoned` are the page's other date-times with offsets, which can name a naive time's zone."""
    timed = [s for s in stamps if s.has_time]
    if timed and timed[0].aware:
        first = afternoon(mislabelled(timed[0], timed[1:]), timed[1:])
        return local_offset(first, timed[1:]).value
    if timed:
        naive = timed[0]
        borrowed = same_wall_clock(naive, zoned)
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
        if borrowed is not None and not _utc_label_on_local_clock(naive, borrowed, assume):
            return naive.value.replace(tzinfo=borrowed)
        # A moment stated elsewhere in UTC (a `<time>`'s epoch) that is the bare time read in the
        # assumed zone: the bare time was the publisher's clock, and keeps that zone's offset
        # (modepilot.de: 14:42:53 in its meta tag, 12:42:53Z in its `<time>`: 14:42:53+02:00).
        if assume is not None:
            local = naive.value.replace(tzinfo=assume)
            for other in timed[1:]:
                in_utc = other.aware and other.value.utcoffset() == timedelta(0)
                if in_utc and abs((other.value - local).total_seconds()) <= SAME_MOMENT_SECONDS:
                    return local
        # Another source states the zone for the same day: a written "09:25 WIB" beats a bare time.
        # One the page labels an update ("Diperbarui … 09:00 WIB") is a later moment: it names
        # the zone of the bare publication time (which comes before it), not its clock.
        for other in timed[1:]:
            if other.aware and other.value.date() == naive.value.date():
                if not other.update:
                    return other.value
                if naive.value <= other.value.replace(tzinfo=None):
                    return naive.value.replace(tzinfo=other.value.tzinfo)
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


# A publication date and its clock in two meta tags of one name's pair (Hearst's newspapers:
# `date.release` "2013/19/07", year/day/month, beside `time.release` "2:58").
SPLIT_META_DATE = re.compile(r"^(?P<year>\d{4})[/.-](?P<a>\d{1,2})[/.-](?P<b>\d{1,2})$")
SPLIT_META_CLOCK = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def split_meta_times(metas: Mapping[str, Sequence[str]], dated: Stamp) -> list[Stamp]:
    """The clock of a `time.NAME` meta tag whose `date.NAME` is the day of `dated` (the date the
    page prints without a clock), read year/month/day or year/day/month, whichever is that day:
    naive stamps."""
    found: list[Stamp] = []
    day = dated.value.date()
    for name, values in metas.items():
        if not name.startswith("time.") or not values:
            continue
        clock = SPLIT_META_CLOCK.match(values[0].strip())
        dates_of = metas.get("date." + name.removeprefix("time."), [])
        written = SPLIT_META_DATE.match(dates_of[0].strip()) if dates_of else None
        if clock is None or written is None:
            continue
        year, a, b = (int(written.group(k)) for k in ("year", "a", "b"))
        if day not in {_day(year, a, b), _day(year, b, a)}:
            continue
        hour, minute = int(clock.group("hour")), int(clock.group("minute"))
        if hour < 24 and minute < 60:
            value = datetime(day.year, day.month, day.day, hour, minute)
            found.append(Stamp(value, True, f"meta {name} {values[0].strip()!r}"))
    return found


def _day(year: int, month: int, day: int) -> date_type | None:
    try:
        return date_type(year, month, day)
    except ValueError:
        return None


# A publication time in a page's own script, written with its offset under a date key: the
# configuration of an analytics or recommendation tag (`date: '2013-07-18 5:45:10 -0400'`,
# `date: '2013-07-19 02:35:00 UTC'`, `date: "2013-05-15T13:15-0700"`). Not a member of another
# object (`_i.date.moddate`) and not another key ending in "date" (`serverDate`).
SCRIPT_TIME = re.compile(
    r"""(?<![\w.$])(?:date|pub_?date|publish(?:ed)?_?(?:date|time|at)|date_?published)["']?"""
    r"""\s*[:=]\s*["'](?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ](?P<hour>\d{1,2}):"""
    r"""(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<zone>[+-]\d{2}:?\d{2}|UTC|GMT|Z)["']""",
    re.IGNORECASE,
)


def script_times(scripts: Sequence[str], dated: Stamp, assume: tzinfo | None) -> list[Stamp]:
    """Times with an offset that the page's scripts give under a date key (SCRIPT_TIME), in
    document order, on the day `dated` (the date the page states without a clock) in the
    publisher's zone (`assume`), else at their own offset: a local time labelled UTC
    (`'2013-07-18 05:00:00 UTC'` beside "Jul. 18, 2013" in Montana) falls on the day before."""
    found: list[Stamp] = []
    for script in scripts:
        for match in SCRIPT_TIME.finditer(script):
            parts = match.groupdict()
            offset = _offset(parts["zone"])
            try:
                value = datetime(
                    int(parts["year"]), int(parts["month"]), int(parts["day"]),
                    int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0),
                    tzinfo=offset,
                )  # fmt: skip
            except ValueError:
                continue
            local = value.astimezone(assume) if assume is not None else value
            if local.date() == dated.value.date():
                found.append(Stamp(value, True, f"script {match.group(0).strip()!r}"))
    return found


# The body's text per parsed page: read by the copyright, the stated-date and the whole-date
# checks of one page's htmldate guess (the importer never changes a tree it reads).
_BODY_TEXTS: WeakKeyDictionary[HtmlElement, str] = WeakKeyDictionary()


def body_text(tree: HtmlElement) -> str:
    """The text of the page's body, scripts and styles left out, and boxes of other stories
    under a heading that says so and lists of dated entries (their dates are those stories' and
    entries')."""
    if tree not in _BODY_TEXTS:
        boxes = other_stories_boxes(tree) | dated_lists(tree)
        pieces = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
        _BODY_TEXTS[tree] = " ".join(
            str(p) for p in pieces if not boxes or not _in_any(p.getparent(), boxes)
        )
    return _BODY_TEXTS[tree]


def _in_any(element: HtmlElement, boxes: set[HtmlElement]) -> bool:
    return element in boxes or any(a in boxes for a in element.iterancestors())


# The heading of a box of other stories: "SUGGESTED READS" over McSweeney's list of other pieces
# with their dates ("by Nick Pyle (5/4/2005)"), "Related stories", "Baca juga".
OTHER_STORIES_HEADING = re.compile(
    r"^(?:suggested|recommended|related|popular|trending|latest|more)\s+(?:reads?|stories|articles"
    r"|posts|news|reading)|^(?:you (?:may|might) also like|read next|also read|baca juga"
    r"|berita terkait|artikel terkait|berita lainnya|terpopuler|lesen sie auch|weitere artikel"
    r"|à lire aussi|lire aussi)\b",
    re.IGNORECASE,
)
BOX_EDGES = frozenset({"body", "html", "main", "article"})


def other_stories_boxes(tree: HtmlElement) -> set[HtmlElement]:
    """The elements a heading of other stories (OTHER_STORIES_HEADING) opens as their first
    child: the boxes of other stories' teasers."""
    boxes = set()
    for heading in tree.xpath("//h2|//h3|//h4|//h5"):
        words = flat_text(heading)
        parent = heading.getparent()
        if parent is None or parent.tag in BOX_EDGES or not OTHER_STORIES_HEADING.match(words):
            continue
        first = next((c for c in parent if isinstance(c.tag, str)), None)
        if first is heading:
            boxes.add(parent)
    return boxes


# A year as lists of dated entries print one in each item: "September 24, 1999", "Fall 2004".
ITEM_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# Items of one list that each print a year, from which the list is one of dated entries.
MIN_DATED_ITEMS = 3


def dated_lists(tree: HtmlElement) -> set[HtmlElement]:
    """The lists at least MIN_DATED_ITEMS of whose items print a year in text of their own, not
    a link's: a CV's, a talks' or an events list's, comments' (a day in one is an entry's, not
    the page's). A list of linked headlines with their dates is left: it may date the story
    among them (the site's latest stories)."""
    found = set()
    for listing in tree.xpath("//body//ul|//body//ol|//body//dl"):
        items = [c for c in listing if c.tag in ("li", "dd", "dt")]
        if sum(1 for item in items if _dated_entry(item)) >= MIN_DATED_ITEMS:
            found.add(listing)
    return found


def _dated_entry(item: HtmlElement) -> bool:
    """A list item that prints a year, most of its text its own rather than links'."""
    text = flat_text(item)
    if not ITEM_YEAR.search(text):
        return False
    linked = sum(len(flat_text(a)) for a in item.iter("a"))
    return 2 * linked < len(text)


# htmldate's guess per parsed page: the importer asks it twice of a page without stated dates
# (is it an article at all, then its time), and it reads the whole document (tens of ms on a
# large page). The importer never changes a tree it reads (the body is taken from a copy).
_GUESSES: WeakKeyDictionary[HtmlElement, list[Stamp]] = WeakKeyDictionary()


def guessed(tree: HtmlElement) -> list[Stamp]:
    """htmldate's guess (it reads URLs and free text): the last resort, date only."""
    if tree not in _GUESSES:
        _GUESSES[tree] = _guess(tree)
    return list(_GUESSES[tree])


def _guess(tree: HtmlElement) -> list[Stamp]:
    from htmldate import find_date

    try:
        found = find_date(tree, original_date=True, extensive_search=True)
    except Exception:  # htmldate raises on odd documents; a guess that fails is no guess
        return []
    if not found:
        return []
    stamp = parse_value(found, "a date guessed from the page (htmldate)")
    if stamp is None or is_copyright_year(stamp, tree) or not written_whole(stamp, tree):
        return []
    return [Stamp(stamp.value, False, stamp.source)]


def written_whole(stamp: Stamp, tree: HtmlElement) -> bool:
    """The guessed day is written somewhere in the page as a whole date: in its text (an update's
    date too), or in its markup as digits (`2019-06-10`, `/2014/11/29/`, `29.11.2014`) not run on
    into a longer number.
    htmldate also builds days out of a year and a month ("2021.12.0" in a script's version:
    December 1st) and out of digits glued to others (an image's `/2014/11/29034_turkey.jpg`)."""
    day = stamp.value.date()
    # An update's date counts: htmldate's guess of it ("Updated August 02, 2014.") is a date.
    if printed(day, body_text(tree), updates=True):
        return True
    import lxml.html

    y, m, d = day.year, f"0?{day.month}", f"0?{day.day}"
    sep = r"[-/._]?"
    numeric = re.compile(
        rf"(?<!\d){y}{sep}{m}{sep}{d}(?!\d)|(?<!\d){d}[-/.]{m}[-/.]{y}(?!\d)"
        rf"|(?<!\d){m}/{d}/{y}(?!\d)"
    )
    markup = lxml.html.tostring(tree, encoding="unicode")
    # Looked for around each of the year's places only: one search of a 4 MB page's markup took
    # 80 ms. A date runs at most seven characters before its year and eleven from its start.
    year = str(day.year)
    at = markup.find(year)
    while at >= 0:
        if numeric.search(markup, max(0, at - 7), at + 11):
            return True
        at = markup.find(year, at + 1)
    return False


def stated(stamp: Stamp, tree: HtmlElement, url: str | None, *, updates: bool = False) -> bool:
    """The day of `stamp` (htmldate's guess) is printed in the page's text or title or written in
    its URL (`/2013/02/08/`, `?a=20130208-…`), not only found in its scripts, images' addresses
    or markup; a date a label calls an update counts only with `updates`."""
    day = stamp.value.date()
    parts = urlsplit(url) if url else None
    path = parts.path if parts else ""
    numbers = [int(n) for n in re.findall(r"\d+", path)]
    for i in range(len(numbers) - 2):
        if (numbers[i], numbers[i + 1], numbers[i + 2]) == (day.year, day.month, day.day):
            return True
    # Or run together, in its path or query: Yahoo! Japan's `/hl?a=20170309-35097838-cnetj-sci`.
    compact = re.compile(rf"(?<!\d){day:%Y%m%d}(?!\d)")
    if parts and (compact.search(path) or compact.search(parts.query)):
        return True
    # Its title is the page's text too: La Nación's "… - 07.12.2017 - LA NACION".
    title = " ".join((tree.findtext(".//title") or "").split())
    return printed(day, f"{title}\n{body_text(tree)}", updates=updates)


def printed(day: date_type, text: str, *, updates: bool = False) -> bool:
    """`day` is written in `text`, with its year or without it ("THURSDAY, June 6 (HealthDay
    News)"); a date a label calls an update counts only with `updates`."""
    if any(w.value.date() == day for w in written_dates(text, updates=updates)):
        return True
    for match in MONTH_DAY.finditer(text):
        month = month_number(match["month"] or match["month2"])
        if month == day.month and int(match["day"] or match["day2"]) == day.day:
            return True
    return False


# A month's name and a day, either way round ("June 6", "Jun. 6", "6 June"), without a year.
MONTH_DAY = re.compile(
    r"\b(?:(?P<month>[^\W\d_]{3,9})\.?\s+(?P<day>\d{1,2})(?!\d)(?!,?\s*\d{4})"
    r"|(?P<day2>\d{1,2})\.?\s+(?P<month2>[^\W\d_]{3,9})\b(?!\s*,?\s*\d{4}))"
)


# A copyright notice's year ("© 2015 About.com", "Copyright 2009-2015"): htmldate's last resort
# makes it January 1st of that year.
COPYRIGHT_YEAR = re.compile(
    r"(?:©|\(c\)|copyright)\D{0,99}?(?:(?:19|20)\d{2}\s*[-–]\s*)?((?:19|20)\d{2})\b",
    re.IGNORECASE,
)


def is_copyright_year(stamp: Stamp, tree: HtmlElement) -> bool:
    """A guess of January 1st of a year the page's copyright notice names, where the page prints
    no such date: no date, the year the site's footer was written (an undated page was imported
    as published on New Year's Day)."""
    value = stamp.value
    if (value.month, value.day) != (1, 1):
        return False
    text = body_text(tree)
    if not any(int(year) == value.year for year in COPYRIGHT_YEAR.findall(text)):
        return False
    return not any(w.value.date() == value.date() for w in written_dates(text))  # printed: a date
