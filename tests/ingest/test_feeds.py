"""Feeds as real publishers write them (#12): captions are never the lead, tracking parameters
leave links, images in non-standard tags count, languages are checked per entry, numeric
categories are no section."""

from __future__ import annotations

from recommender.ingest.feeds import feed_records

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
    return found


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
    assert banjir["lead"] == ID_SUMMARY and banjir["url"] == "https://kabar.example/a"
    assert "perahu karet" not in f"{banjir['lead']} {banjir['body']}"
    assert rupiah["lead"] == EN_SUMMARY and rupiah["body"] == ""
