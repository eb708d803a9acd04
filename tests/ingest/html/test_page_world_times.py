"""Publication times written the way news sites in other languages print them (#12): month names of
Malay, Polish, Czech, Turkish, Romanian, Catalan, Filipino, Swedish and Ukrainian pages, the word
for "at" between a date and its clock, dates without spaces ("10.nov.2026"), clocks in CJK
characters, the Malay and Indonesian words for the part of the day, and zone words such as MEZ,
МСК, MYT and PHT."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import PARAGRAPHS, article, record

# An article whose URL and text hold no date: its time comes from what the test puts in.
PAGE_WITHOUT_DATE = (
    '<html lang="en"><head><meta charset="utf-8"><title>Roads repaired next week</title>'
    '<link rel="canonical" href="https://news.example/read/roads-repaired">{head}</head><body>'
    "<article><h1>Roads repaired next week</h1>{before}"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article></body></html>"
)


def published_in(written: str, zone: str | None) -> str:
    html = article(before=f"<div class='date'>{written}</div>")
    options = {"assume_timezone": ZoneInfo(zone)} if zone else {}
    return record(html, **options)["published_at"].isoformat()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        # The word for "at" before the clock: the date alone (midnight) was read before.
        (
            "Publicado el 10 de noviembre de 2026 a las 09:15",
            "Europe/Madrid",
            "2026-11-10T09:15:00+01:00",
        ),
        ("Publicado em 10/11/2026 às 09:15", "America/Sao_Paulo", "2026-11-10T09:15:00-03:00"),
        ("10 novembre 2026 alle 09:15", "Europe/Rome", "2026-11-10T09:15:00+01:00"),
        ("10 novembre 2026 ore 09:15", "Europe/Rome", "2026-11-10T09:15:00+01:00"),
        ("dinsdag 10 november 2026 om 09:15", "Europe/Amsterdam", "2026-11-10T09:15:00+01:00"),
        ("Publicerad 10 november 2026 kl. 09.15", "Europe/Stockholm", "2026-11-10T09:15:00+01:00"),
        ("Publisert 10.11.2026 kl. 09:15", "Europe/Oslo", "2026-11-10T09:15:00+01:00"),
        ("10.11.2026 klo 9.15", "Europe/Helsinki", "2026-11-10T09:15:00+02:00"),
        ("10 ноября 2026 в 09:15", "Europe/Moscow", "2026-11-10T09:15:00+03:00"),
        # Month names that were no month: the page was refused as no article.
        (
            "Opublikowano: 10 listopada 2026 r., godz. 09:15",
            "Europe/Warsaw",
            "2026-11-10T09:15:00+01:00",
        ),
        ("10 października 2026, 09:15", "Europe/Warsaw", "2026-10-10T09:15:00+02:00"),
        ("10. listopadu 2026 v 9:15", "Europe/Prague", "2026-11-10T09:15:00+01:00"),
        ("10 Kasım 2026 09:15", "Europe/Istanbul", "2026-11-10T09:15:00+03:00"),
        ("10 noiembrie 2026, 09:15", "Europe/Bucharest", "2026-11-10T09:15:00+02:00"),
        ("10 de novembre de 2026, 09:15", "Europe/Madrid", "2026-11-10T09:15:00+01:00"),
        ("Nobyembre 10, 2026 9:15 AM", "Asia/Manila", "2026-11-10T09:15:00+08:00"),
        ("10 листопада 2026, 09:15", "Europe/Kyiv", "2026-11-10T09:15:00+02:00"),
        ("Disember 10, 2026 @ 9:15am", "Asia/Kuala_Lumpur", "2026-12-10T09:15:00+08:00"),
        ("10 Mac 2026, 21:15", "Asia/Kuala_Lumpur", "2026-03-10T21:15:00+08:00"),
        # A date without spaces, as Folha prints it, and with hyphens.
        ("10.nov.2026 às 9h15", "America/Sao_Paulo", "2026-11-10T09:15:00-03:00"),
        ("10-Nov-2026 09:15", "Asia/Kolkata", "2026-11-10T09:15:00+05:30"),
        # The part of the day after a 12-hour clock, in Malay and Indonesian.
        ("10 Disember 2026, 9:15 pagi", "Asia/Kuala_Lumpur", "2026-12-10T09:15:00+08:00"),
        ("10 Julai 2026, 4:30 petang", "Asia/Kuala_Lumpur", "2026-07-10T16:30:00+08:00"),
        ("Selasa, 10 November 2026 pukul 7.30 malam", "Asia/Jakarta", "2026-11-10T19:30:00+07:00"),
        ("Selasa, 10 November 2026 pukul 19.30 malam", "Asia/Jakarta", "2026-11-10T19:30:00+07:00"),
        # A clock written in CJK characters: the date alone was read before.
        ("2026年11月10日 9時15分", "Asia/Tokyo", "2026-11-10T09:15:00+09:00"),
        ("2026年11月10日 9时5分", "Asia/Shanghai", "2026-11-10T09:05:00+08:00"),
        ("2026.11.10 오전 9시 15분", "Asia/Seoul", "2026-11-10T09:15:00+09:00"),
        ("2026年11月10日 午後3時15分", "Asia/Tokyo", "2026-11-10T15:15:00+09:00"),
        ("2026年11月10日 下午3:15", "Asia/Shanghai", "2026-11-10T15:15:00+08:00"),
        # A clock written first, after a publication label of more languages (without a label
        # the clock may be an event's, and only the date is read: tested below)
        ("Julkaistu 09:15 10.11.2026", "Europe/Helsinki", "2026-11-10T09:15:00+02:00"),
        ("Objavljeno 09:15 10.11.2026.", "Europe/Zagreb", "2026-11-10T09:15:00+01:00"),
        ("Опубліковано 09:15 10.11.2026", "Europe/Kyiv", "2026-11-10T09:15:00+02:00"),
    ],
)
def test_local_dates_and_clocks_of_other_languages_are_read(
    written: str, zone: str, expected: str
) -> None:
    assert published_in(written, zone) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Zone words, "Uhr" between clock and zone: refused before as a time with no offset.
        ("10.11.2026 | 09:15 Uhr MEZ", "2026-11-10T09:15:00+01:00"),
        ("10.07.2026 | 09:15 Uhr MESZ", "2026-07-10T09:15:00+02:00"),
        ("10.11.2026, 09:15 МСК", "2026-11-10T09:15:00+03:00"),
        ("10 Ogos 2026 09:15 MYT", "2026-08-10T09:15:00+08:00"),
        ("November 10, 2026 | 9:15am PHT", "2026-11-10T09:15:00+08:00"),
        ("10 Nov 2026 9:15am AWST", "2026-11-10T09:15:00+08:00"),
        ("10/11/2026 09:15 ICT", "2026-11-10T09:15:00+07:00"),
    ],
)
def test_zone_words_of_other_regions_give_the_offset(written: str, expected: str) -> None:
    assert published_in(written, None) == expected


def test_a_clock_first_before_a_date_without_a_label_is_still_no_publication_time() -> None:
    # "09:15 10.11.2026" may be an event's time as well as the story's: only the date is read.
    assert published_in("09:15 10.11.2026", "Europe/Moscow") == "2026-11-10T00:00:00+03:00"
    # ... and with a label stating its role, it is the story's.
    assert published_in("Опубликовано 09:15 10.11.2026", "Europe/Moscow") == (
        "2026-11-10T09:15:00+03:00"
    )


def test_a_local_time_in_another_language_still_needs_a_zone() -> None:
    with pytest.raises(ExtractionError) as caught:
        published_in("Publicado el 10 de noviembre de 2026 a las 09:15", None)
    assert caught.value.field == "published_at"
    assert "2026-11-10T09:15:00" in caught.value.reason
    assert "--assume-timezone" in caught.value.reason


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        # Korean pages: a dot after the day, and the afternoon written before the clock.
        ("입력 2026.06.22. 09:31", "Asia/Seoul", "2026-06-22T09:31:00+09:00"),
        ("기사입력 2026.09.11. 오후 02:31", "Asia/Seoul", "2026-09-11T14:31:00+09:00"),
        # Abbreviated Russian months (RBC), Egyptian Arabic months with Arabic's AM and PM.
        ("10 ноя 2026, 09:15", "Europe/Moscow", "2026-11-10T09:15:00+03:00"),
        ("10 نوفمبر 2026 - 09:15 م", "Africa/Cairo", "2026-11-10T21:15:00+02:00"),
        ("١٠ نوفمبر ٢٠٢٦ - ٠٩:١٥ ص", "Africa/Cairo", "2026-11-10T09:15:00+02:00"),
    ],
)
def test_korean_russian_and_arabic_datelines_are_read(
    written: str, zone: str, expected: str
) -> None:
    assert published_in(written, zone) == expected


def test_a_date_in_a_most_read_box_after_the_headline_is_not_the_articles() -> None:
    # A Turkish recipe page (held-out batch 23): once "Haziran" was read as June, the date of a
    # "most read" item beside the story was taken for the page's, six years off.
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"""<html lang="tr"><head><meta charset="utf-8"><title>Patates Topları Tarifi</title>
<link rel="canonical" href="https://yemek.example/tarif/patates-toplari/"></head><body>
<div class="breadcrumb"><a href="/tarif/">Tarifler</a><div class="date">02 Haziran 2020</div></div>
<h1>Patates Topları Tarifi</h1>
<div class="mostRead"><div class="item"><a href="/tarif/baska">Başka tarif</a>
<span>Haziran 16, 2014</span></div></div>
<div class="content">{paragraphs}</div></body></html>"""
    got = record(html, assume_timezone=ZoneInfo("Europe/Istanbul"))["published_at"]
    assert got.isoformat() == "2020-06-02T00:00:00+03:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # The New York Times: `property` and `itemprop` on one tag; its `<time>` is the update.
        (
            '<meta property="article:published" itemprop="datePublished"'
            ' content="2016-07-29T16:42:34-04:00">',
            "2016-07-29T16:42:34-04:00",
        ),
        ('<meta name="cXenseParse:recs:publishtime" content="2026-11-10T09:15:00-05:00">', None),
        ('<meta name="published_date" content="2026-11-10T09:15:00-05:00">', None),
        ('<meta property="og:pubdate" content="2026-11-10T09:15:00-05:00">', None),
        # Chinese portals' names (GeneralNewsExtractor's list)
        ('<meta name="pubtime" content="2026-11-10 09:15:00+08:00">', "2026-11-10T09:15:00+08:00"),
    ],
)
def test_publication_metas_htmldate_knows_give_the_time(meta: str, expected: str | None) -> None:
    update = (
        '<time itemprop="dateModified" datetime="2016-08-01T01:30:24-04:00">Aug. 1, 2016</time>'
    )
    page = PAGE_WITHOUT_DATE.format(head=meta, before=update)
    got = record(page)["published_at"].isoformat()  # type: ignore[union-attr]
    assert got == (expected or "2026-11-10T09:15:00-05:00")


@pytest.mark.parametrize(
    "ld",
    [
        # a list of one time, and a live blog that states only when its coverage started
        '{"@type": "NewsArticle", "datePublished": ["2026-11-10T09:15:00-05:00"]}',
        '{"@type": "LiveBlogPosting", "coverageStartTime": "2026-11-10T09:15:00-05:00"}',
    ],
)
def test_json_ld_times_in_a_list_or_as_a_live_blogs_start_are_read(ld: str) -> None:
    head = f'<script type="application/ld+json">{ld}</script>'
    got = record(PAGE_WITHOUT_DATE.format(head=head, before=""))["published_at"]
    assert got.isoformat() == "2026-11-10T09:15:00-05:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        # Month names of languages the hand-written table leaves out, from Unicode's CLDR (as
        # Babel ships it), with their words for "at": before, these pages were dated by a guess
        # or refused.
        ("Objavljeno: 10. studenoga 2026. u 09:15", "Europe/Zagreb", "2026-11-10T09:15:00+01:00"),
        ("10. siječnja 2026. u 21:04", "Europe/Zagreb", "2026-01-10T21:04:00+01:00"),
        ("10. novembar 2026. u 09:15", "Europe/Belgrade", "2026-11-10T09:15:00+01:00"),
        ("10. новембар 2026. у 09:15", "Europe/Belgrade", "2026-11-10T09:15:00+01:00"),
        ("10. marec 2026 ob 9.15", "Europe/Ljubljana", "2026-03-10T09:15:00+01:00"),
        ("10. februára 2026 o 9:15", "Europe/Bratislava", "2026-02-10T09:15:00+01:00"),
        ("10. marraskuuta 2026 klo 9.15", "Europe/Helsinki", "2026-11-10T09:15:00+02:00"),
        ("10. veebruar 2026 kell 9:15", "Europe/Tallinn", "2026-02-10T09:15:00+02:00"),
        ("10 Νοεμβρίου 2026, 09:15", "Europe/Athens", "2026-11-10T09:15:00+02:00"),
        ("10 ΝΟΕΜΒΡΙΟΥ 2026 στις 09:15", "Europe/Athens", "2026-11-10T09:15:00+02:00"),
        ("10. nóvember 2026 kl. 09:15", "Atlantic/Reykjavik", "2026-11-10T09:15:00+00:00"),
        ("10 nëntor 2026, 09:15", "Europe/Tirane", "2026-11-10T09:15:00+01:00"),
        ("10 лістапада 2026, 09:15", "Europe/Minsk", "2026-11-10T09:15:00+03:00"),
        ("10 ნოემბერი 2026, 09:15", "Asia/Tbilisi", "2026-11-10T09:15:00+04:00"),
        ("10 նոյեմբերի 2026, 09:15", "Asia/Yerevan", "2026-11-10T09:15:00+04:00"),
        ("10 de novembro de 2026 ás 09:15", "Europe/Madrid", "2026-11-10T09:15:00+01:00"),
        # Hebrew, its "in" written on the month's name
        ("10 בנובמבר 2026, 09:15", "Asia/Jerusalem", "2026-11-10T09:15:00+02:00"),
        # Indian languages and Urdu, whose vowel signs are no letters to a regular expression's
        # \w, and Bengali digits
        ("10 नवंबर 2026, 09:15", "Asia/Kolkata", "2026-11-10T09:15:00+05:30"),
        ("১০ নভেম্বর ২০২৬, ০৯:১৫", "Asia/Dhaka", "2026-11-10T09:15:00+06:00"),
        ("10 நவம்பர் 2026, 09:15", "Asia/Kolkata", "2026-11-10T09:15:00+05:30"),
        ("10 నవంబర్ 2026, 09:15", "Asia/Kolkata", "2026-11-10T09:15:00+05:30"),
        ("10 नोव्हेंबर 2026, 09:15", "Asia/Kolkata", "2026-11-10T09:15:00+05:30"),
        ("10 نومبر 2026، 09:15", "Asia/Karachi", "2026-11-10T09:15:00+05:00"),
        # Arabic months as the Levant and the Maghreb name them
        ("10 شباط 2026، 09:15", "Asia/Beirut", "2026-02-10T09:15:00+02:00"),
        ("10 جانفي 2026 - 09:15", "Africa/Algiers", "2026-01-10T09:15:00+01:00"),
        ("10 شتنبر 2026 - 09:15", "Africa/Casablanca", "2026-09-10T09:15:00+01:00"),
        # Year first, the Baltic way: the year's "m." and the day's "d." (Lithuanian), the year's
        # "gada" and the day before the month, in the nominative or the locative (Latvian); no
        # date before, as none of the Korean and Thai ones below
        ("2026 m. lapkričio 10 d. 09:15", "Europe/Vilnius", "2026-11-10T09:15:00+02:00"),
        ("Publikuota: 2026 m. vasario 3 d. 21:04", "Europe/Vilnius", "2026-02-03T21:04:00+02:00"),
        ("2026. gada 10. novembris 09:15", "Europe/Riga", "2026-11-10T09:15:00+02:00"),
        ("2026. gada 10. novembrī, plkst. 09:15", "Europe/Riga", "2026-11-10T09:15:00+02:00"),
        # Korean year, month and day characters, with spaces between them
        ("2026년 11월 10일 09:15", "Asia/Seoul", "2026-11-10T09:15:00+09:00"),
        ("입력 2026년 11월 10일 오후 3시 15분", "Asia/Seoul", "2026-11-10T15:15:00+09:00"),
        # Thai months, whole or abbreviated, and Buddhist-era years (2569 is 2026)
        ("10 พ.ย. 2569 09:15 น.", "Asia/Bangkok", "2026-11-10T09:15:00+07:00"),
        ("10 พฤศจิกายน 2569 เวลา 09:15 น.", "Asia/Bangkok", "2026-11-10T09:15:00+07:00"),
        ("วันอังคารที่ 3 ก.พ. พ.ศ. 2569 21:04 น.", "Asia/Bangkok", "2026-02-03T21:04:00+07:00"),
        ("10 พฤศจิกายน ค.ศ. 2026 09:15", "Asia/Bangkok", "2026-11-10T09:15:00+07:00"),
        ("10 พ.ย. 69 09:15 น.", "Asia/Bangkok", "2026-11-10T09:15:00+07:00"),  # the year's end
        # Persian months of the Solar Hijri calendar, Persian digits, "ساعت" before the clock
        ("سه‌شنبه ۱۹ آبان ۱۴۰۵ ساعت ۰۹:۱۵", "Asia/Tehran", "2026-11-10T09:15:00+03:30"),
        ("۱ فروردین ۱۴۰۵، ۲۱:۰۴", "Asia/Tehran", "2026-03-21T21:04:00+03:30"),
        ("19 امرداد 1405 - 09:15", "Asia/Tehran", "2026-08-10T09:15:00+03:30"),
    ],
)
def test_month_names_of_more_languages_are_read(written: str, zone: str, expected: str) -> None:
    assert published_in(written, zone) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Names two languages give different months stay as the hand-written table reads them:
        # Polish and Czech "listopad" is November (Croatian's October is left out).
        ("10 listopada 2026 r., godz. 09:15", "2026-11-10T09:15:00+01:00"),
        ("10. listopadu 2026 v 9:15", "2026-11-10T09:15:00+01:00"),
    ],
)
def test_month_names_that_languages_disagree_on_keep_their_reading(
    written: str, expected: str
) -> None:
    assert published_in(written, "Europe/Warsaw") == expected


def test_a_word_that_is_a_month_only_abbreviated_elsewhere_dates_nothing() -> None:
    # Abbreviations of three letters from CLDR ("pro", "here", "och") are no month here: an
    # English or Swedish sentence between two numbers would date the page.
    from recommender.ingest.html.dates import month_number

    for word in ("pro", "here", "och", "pay", "dis"):
        assert month_number(word) is None, word
    assert month_number("Studenoga") == 11
    assert month_number("ΙΑΝΟΥΑΡΙΟΥ") == 1
    assert month_number("listopad") == 11


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        # The update written before the publication, labelled in languages the update label did
        # not know: the update's time was taken for the story's.
        (
            "Päivitetty 11.11.2026 klo 14.30 | Julkaistu 10.11.2026 klo 9.15",
            "Europe/Helsinki",
            "2026-11-10T09:15:00+02:00",
        ),
        (
            "Ažurirano 11.11.2026. u 14:30 | Objavljeno 10.11.2026. u 09:15",
            "Europe/Zagreb",
            "2026-11-10T09:15:00+01:00",
        ),
        (
            "Ενημερώθηκε 11.11.2026 14:30 | Δημοσιεύθηκε 10.11.2026 09:15",
            "Europe/Athens",
            "2026-11-10T09:15:00+02:00",
        ),
        (
            "Actualizat 11.11.2026, 14:30 | Publicat 10.11.2026, 09:15",
            "Europe/Bucharest",
            "2026-11-10T09:15:00+02:00",
        ),
        (
            "Frissítve: 2026.11.11. 14:30 | Megjelent: 2026.11.10. 09:15",
            "Europe/Budapest",
            "2026-11-10T09:15:00+01:00",
        ),
        (
            "Оновлено 11.11.2026, 14:30 | Опубліковано 10.11.2026, 09:15",
            "Europe/Kyiv",
            "2026-11-10T09:15:00+02:00",
        ),
        (
            "آخر تحديث 11.11.2026 14:30 | نشر 10.11.2026 09:15",
            "Africa/Cairo",
            "2026-11-10T09:15:00+02:00",
        ),
    ],
)
def test_update_labels_of_more_languages_leave_the_update_out(
    written: str, zone: str, expected: str
) -> None:
    assert published_in(written, zone) == expected
