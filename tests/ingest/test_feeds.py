"""Feeds as real publishers write them (#12): captions are never the lead, tracking parameters
leave links, images in non-standard tags count, languages are checked per entry, numeric
categories are no section."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.feeds import feed_records
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.sources import read_sources

ID_SUMMARY = (
    "Sungai Citarum meluap setelah hujan deras semalaman dan merendam ribuan rumah warga di"
    " Kecamatan Dayeuhkolot, Kabupaten Bandung."
)
EN_SUMMARY = (
    "The central bank kept its benchmark rate unchanged on Thursday, saying inflation was"
    " easing but the currency remained under pressure from abroad."
)
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Kabar</title><link>https://kabar.example/</link><language>en-us</language>
<item>
  <title>Banjir Rendam Ribuan Rumah di Dayeuhkolot</title>
  <link>https://kabar.example/nasional/banjir?partner=rss&amp;emc=rss&amp;utm_source=feed&amp;page=2</link>
  <description>{ID_SUMMARY}</description>
  <media:content url="https://kabar.example/img/banjir.jpg" medium="image">
    <media:description>Warga menyeberangi banjir dengan perahu karet. (Foto: Antara)</media:description>
  </media:content>
  <category>1234</category><category>Nasional</category>
  <pubDate>Tue, 10 Nov 2026 09:15:00 +0700</pubDate>
</item>
<item>
  <title>Rupiah Melemah terhadap Dolar AS</title>
  <link>https://kabar.example/ekonomi/rupiah</link>
  <image>https://kabar.example/img/rupiah.jpg</image>
  <media:content url="https://kabar.example/v/x.mp4" medium="video">
    <media:description>Caption only: a video still.</media:description>
  </media:content>
  <pubDate>Tue, 10 Nov 2026 10:00:00 +0700</pubDate>
</item>
<item>
  <title>Central bank holds rates</title>
  <link>https://kabar.example/en/rates</link>
  <description>{EN_SUMMARY}</description>
  <pubDate>Tue, 10 Nov 2026 11:00:00 +0700</pubDate>
</item>
</channel></rss>
"""


def records() -> list[dict[str, object]]:
    found, why = feed_records(RSS.encode())
    assert why is None
    dicts = [r for r in found if isinstance(r, dict)]
    assert len(dicts) == len(found)
    return dicts


def test_the_lead_is_the_summary_never_a_media_caption() -> None:
    banjir, rupiah, _ = records()
    assert banjir["lead"] == ID_SUMMARY
    assert "Foto" not in str(banjir["body"]) and "perahu karet" not in str(banjir["lead"])
    assert rupiah["lead"] == "" and "Caption" not in str(rupiah.get("body", ""))


def test_tracking_parameters_leave_links_and_others_stay() -> None:
    banjir = records()[0]
    assert banjir["url"] == "https://kabar.example/nasional/banjir?page=2"
    assert banjir["id"] == "kabar.example:nasional:banjir"


def test_images_in_non_standard_tags_and_numeric_categories() -> None:
    banjir, rupiah, _ = records()
    assert rupiah["image_url"] == "https://kabar.example/img/rupiah.jpg"
    assert banjir["image_url"] == "https://kabar.example/img/banjir.jpg"
    assert banjir["section"] == "Nasional" and "1234" not in banjir["tags"]  # type: ignore[operator]


def image_item(n: int, media: str) -> str:
    return f"""<item><title>Banjir Rendam Ribuan Rumah {n}</title>
<link>https://kabar.example/nasional/banjir-{n}</link>{media}
<description>{ID_SUMMARY}</description><pubDate>Tue, 10 Nov 2026 09:15:00 +0700</pubDate></item>"""


IMAGES = {
    # an image written without its scheme, as CDNs are: the entry's own scheme's site reads it
    '<enclosure url="//cdn.kabar.example/img/1.jpg" type="image/jpeg" length="1"/>': (
        "https://cdn.kabar.example/img/1.jpg"
    ),
    # a script's placeholder before the real thumbnail
    '<media:content url="javascript:void(0)" medium="image"/>'
    '<media:thumbnail url="https://kabar.example/img/2.jpg"/>': "https://kabar.example/img/2.jpg",
    '<enclosure url="http://[object Object]/3.jpg" type="image/jpeg" length="1"/>': None,
    '<enclosure url="https://kabar.example:99999/4.jpg" type="image/jpeg" length="1"/>': None,
    "<image>/img/5.jpg</image>": "https://kabar.example/img/5.jpg",  # the entry's site's path
    "<content:encoded><![CDATA[<p><img src='//cdn.kabar.example/6.jpg'> Banjir.</p>]]>"
    "</content:encoded>": "https://cdn.kabar.example/6.jpg",
}


def test_an_entrys_image_is_read_as_browsers_read_it_and_a_broken_one_costs_only_the_image(
    tmp_path: Path,
) -> None:
    """Each of these entries was refused whole (`image_url: must be an absolute http(s) URL`),
    or its image left out, for a picture's address."""
    items = "".join(image_item(n, media) for n, media in enumerate(IMAGES, start=1))
    feed = tmp_path / "kabar.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Kabar</title>'
        f"<link>https://kabar.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )
    report = read_sources([feed])
    assert [str(e) for e in report.errors] == []
    images = {item.url: item.image_url for item in report.items.values()}
    expected = {
        f"https://kabar.example/nasional/banjir-{n}": image
        for n, image in enumerate(IMAGES.values(), start=1)
    }
    assert images == expected


def test_language_is_per_entry_not_the_channels_copied() -> None:
    banjir, _, rates = records()
    assert banjir["language"] == "id"  # the channel says en-us; the text is Indonesian
    assert rates["language"] == "en"


# Held-out check: a caption written beside the item's description, not inside media:content (the
# New York Times' layout), and an empty one.
CAPTION_BESIDE = f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Kabar</title>
<item><title>Banjir Rendam Ribuan Rumah</title><link>https://kabar.example/a?partner=rss</link>
  <media:content url="https://kabar.example/a.jpg" medium="image"/>
  <media:description>Warga menyeberangi banjir dengan perahu karet di Dayeuhkolot.</media:description>
  <media:credit>Antara</media:credit>
  <description>{ID_SUMMARY}</description>
  <pubDate>Tue, 10 Nov 2026 09:15:00 +0700</pubDate></item>
<item><title>Rupiah Melemah</title><link>https://kabar.example/b</link>
  <media:description/><media:credit/>
  <description>{EN_SUMMARY}</description>
  <pubDate>Tue, 10 Nov 2026 10:00:00 +0700</pubDate></item>
</channel></rss>
"""


def test_a_caption_beside_the_description_is_never_the_lead() -> None:
    found, why = feed_records(CAPTION_BESIDE.encode())
    assert why is None
    banjir, rupiah = found
    assert isinstance(banjir, dict) and isinstance(rupiah, dict)
    assert banjir["lead"] == ID_SUMMARY and banjir["url"] == "https://kabar.example/a"
    assert "perahu karet" not in f"{banjir['lead']} {banjir['body']}"
    assert rupiah["lead"] == EN_SUMMARY and rupiah["body"] == ""


def test_an_entry_whose_link_no_browser_reads_costs_that_entry_not_the_feed() -> None:
    """`http://[object Object]/…` (a script's object written as a link) failed the whole feed."""
    feed = CAPTION_BESIDE.replace("https://kabar.example/a", "http://[object Object]/a", 1)
    assert "[object Object]" in feed
    (broken, rupiah), why = feed_records(feed.encode())
    assert why is None and isinstance(rupiah, dict) and rupiah["lead"] == EN_SUMMARY
    assert isinstance(broken, ExtractionError) and broken.field == "url"
    assert broken.reason.startswith(
        "the entry's link 'http://[object Object]/a?partner=rss' is not"
    )


def one_item_feed(
    date_tag: str, *, encoding: str = "utf-8", title: str = "Banjir di Dayeuhkolot"
) -> bytes:
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>Kabar</title><link>https://kabar.example/</link>
<item><title>{title}</title><link>https://kabar.example/banjir</link>
<description>{ID_SUMMARY}</description>{date_tag}</item>
</channel></rss>
""".encode(encoding)


def entry(data: bytes, assume: tzinfo | None = None) -> dict[str, object] | ExtractionError:
    found, why = feed_records(data, assume)
    assert why is None and len(found) == 1
    return found[0]


def test_a_time_without_offset_names_its_value_and_the_setting() -> None:
    naive = one_item_feed("<pubDate>2026-11-10 9:15:00</pubDate>")  # as some CMS write it
    problem = entry(naive)
    assert isinstance(problem, ExtractionError) and problem.field == "published_at"
    assert "'2026-11-10 9:15:00' has no UTC offset" in problem.reason
    assert "--assume-timezone" in problem.reason
    record = entry(naive, ZoneInfo("Asia/Jakarta"))
    assert isinstance(record, dict)
    assert str(record["published_at"]) == "2026-11-10 09:15:00+07:00"


def test_a_date_alone_a_zone_abbreviation_and_no_date_at_all() -> None:
    dated = entry(
        one_item_feed("<dc:date>2026-11-10</dc:date>").replace(
            b"<rss ", b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        )
    )
    assert isinstance(dated, ExtractionError)
    assert dated.reason.startswith("only a date was found (2026-11-10), no time")
    wib = entry(one_item_feed("<pubDate>Tue, 10 Nov 2026 09:15:00 WIB</pubDate>"))
    assert isinstance(wib, dict) and str(wib["published_at"]) == "2026-11-10 09:15:00+07:00"
    undated = entry(one_item_feed(""))
    assert isinstance(undated, ExtractionError)
    assert undated.reason == "the entry gives no date (pubDate, dc:date, published or updated)"
    garbled = entry(one_item_feed("<pubDate>kemarin sore</pubDate>"))
    assert (
        isinstance(garbled, ExtractionError) and garbled.reason == "unreadable date 'kemarin sore'"
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # the offset written after GMT as one word: refused as "has no UTC offset" before
        ("Tue, 10 Nov 2026 09:15:00 GMT+7", "2026-11-10 09:15:00+07:00"),
        ("Tue, 10 Nov 2026 09:15:00 UTC+05:30", "2026-11-10 09:15:00+05:30"),
        # a weekday and month of another language, the numeric offset ending the value: the
        # offset was dropped and the time refused the same way
        ("mar., 10 nov. 2026 09:15:00 +0100", "2026-11-10 09:15:00+01:00"),
        ("Selasa, 10 November 2026 09:15:00 +0700", "2026-11-10 09:15:00+07:00"),
    ],
)
def test_a_feeds_offset_written_after_gmt_or_after_a_localised_date_is_read(
    written: str, expected: str
) -> None:
    record = entry(one_item_feed(f"<pubDate>{written}</pubDate>"))
    assert isinstance(record, dict) and str(record["published_at"]) == expected


@pytest.mark.parametrize(
    "zero", ["0001-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000", "1970-01-01T07:00:00+07:00"]
)
def test_a_feeds_zero_date_is_refused_as_such(zero: str) -> None:
    # Taken as the entry's time before (year 1, the Unix epoch).
    problem = entry(one_item_feed(f"<pubDate>{zero}</pubDate>"))
    assert isinstance(problem, ExtractionError) and problem.field == "published_at"
    assert problem.reason == f"{zero!r} is a template's zero or never, not a date"


def test_legacy_encodings_are_read_as_browsers_read_them() -> None:
    # An "iso-8859-1" feed written by Windows software (0x93/0x94 are its curly quotes), and an
    # "euc-kr" one with a syllable only windows-949 has.
    date = "<pubDate>Tue, 10 Nov 2026 09:15:00 +0900</pubDate>"
    quoted = entry(one_item_feed(date, encoding="cp1252", title="“Banjir” di Dayeuhkolot"))
    assert isinstance(quoted, dict) and quoted["title"] == "“Banjir” di Dayeuhkolot"
    quoted_feed = one_item_feed(date, encoding="cp1252", title="“Banjir” di Dayeuhkolot")
    latin1 = entry(quoted_feed.replace(b'encoding="cp1252"', b'encoding="iso-8859-1"'))
    assert isinstance(latin1, dict) and latin1["title"] == "“Banjir” di Dayeuhkolot"
    korean = one_item_feed(date, encoding="cp949", title="똠방각하 기자회견")
    hangul = entry(korean.replace(b'encoding="cp949"', b'encoding="euc-kr"'))
    assert isinstance(hangul, dict) and hangul["title"] == "똠방각하 기자회견"


def test_a_feed_feedparser_itself_cannot_read_loses_only_the_broken_entry(tmp_path: Path) -> None:
    """feedparser 6.0.14 raises a TypeError (in both its parsers) on an `<image><width>` inside
    a `<title>` left open; the whole feed used to be lost as "the importer failed on it"."""
    item = (
        "<item><title>{title}</title><link>https://kabar.example/{slug}?utm_source=rss</link>"
        "<description>{lead}</description><pubDate>Tue, 10 Nov 2026 09:15:00 +0700</pubDate></item>"
    )
    feed = tmp_path / "kabar.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kabar<image><width>88</width>'
        "</image><language>en-us</language>"
        + item.format(title="Banjir Rendam Dayeuhkolot", slug="banjir", lead=ID_SUMMARY)
        + item.format(title="Rupiah<image><width>3</width></image>", slug="rupiah", lead="")
        + item.format(title="Central bank holds rates", slug="rates", lead=EN_SUMMARY)
        + "</channel></rss>",
        encoding="utf-8",
    )
    report = read_sources([feed])
    landed = {item.url: (item.title, item.lead, item.language) for item in report.items.values()}
    assert landed == {
        "https://kabar.example/banjir": ("Banjir Rendam Dayeuhkolot", ID_SUMMARY, "id"),
        "https://kabar.example/rates": ("Central bank holds rates", EN_SUMMARY, "en"),
    }
    [error] = report.errors
    assert (error.line, error.field) == (2, "feed")
    assert error.reason.startswith("feedparser cannot read this entry (TypeError")
