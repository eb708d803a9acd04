"""Furniture that Indonesian portals put between and after an article's paragraphs, as their
readers' scrapers strip it (#12): the wording comes from those scrapers' strip lists and
selectors (CNN Indonesia, detik, Kompas, Tempo, Tribun, Liputan6, IDN Times, JPNN, Kontan, VIVA,
Katadata, tvOne), and the dates from the date formats they parse. General rules, no site's
markup: each line below is one a reader never needs, and the sentences near them stay."""

from __future__ import annotations

import pytest

from recommender.ingest.html import clutter
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, record
from tests.ingest.html.test_page_body import body_of


@pytest.mark.parametrize(
    "line",
    [
        "Lihat Juga : Banjir Rendam Ribuan Rumah di Bekasi",
        "(Baca: Harga Cabai Naik Jelang Natal)",
        "Selanjutnya: Harga Cabai Naik Jelang Natal",
        "Baca selengkapnya: Harga Cabai Naik Jelang Natal",
        "Also read: Floods hit Jakarta again",
        "See also: Floods hit Jakarta again",
        "Selengkapnya di halaman selanjutnya.",
        "Simak selengkapnya di sini.",
        "Baca info lengkapnya di sini.",
        "Selengkapnya disini.",
        "Halaman",
        "Scroll ke bawah untuk melanjutkan membaca",
        "GULIR UNTUK LANJUT BACA",
        "- Scroll untuk melanjutkan -",
        "ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT",
        "Saksikan Live DetikPagi: Kupas Tuntas Banjir Bandung",
        "Saksikan tayangan video menarik berikut ini:",
        "Untuk menampilkan video ini, aktifkan JavaScript",
        "Jangan lewatkan video terbaru kami",
        "TERKAIT LAINNYA DI DETIKNETWORK",
        "Pilihan Redaksi",
        "Berita Terkini",
        "Artikel Lainnya",
        "Bagikan",
        "Konten bersponsor",
        "Tampilkan Ringkasan Artikel",
        "Baca berita dan artikel lainnya di Google News",
        "Silakan baca konten menarik lainnya dari JPNN.com di Google News",
        "Terus ikuti berita terbaru seputar banjir di Kompas.com",
        "Follow IDN Times untuk mendapatkan berita terbaru, klik untuk follow",
        "Add Kabar as a preferred source on Google",
        "Download the app now for the latest news",
        "Bergabung dan dapatkan berita terbaru setiap hari",
        "Dapatkan informasi lain dari Kabar via saluran WhatsApp: di sini",
        "Belum punya akun? Klik di sini. Lupa password",
        "Agar bisa lanjut membaca sampai tuntas artikel ini, pastikan Anda sudah berlangganan.",
        "Kirimkan komentar anda melalui kolom di bawah ini",
        "Yuk, baca artikel kesehatan lainnya",
        "Klik untuk membaca berita lainnya",
        'Artikel ini telah ditayangkan di Kabar.com dengan judul "Banjir Rendam Dayeuhkolot"',
        "Artikel ini ditulis oleh Rina Wulandari",
        "Versi cetak artikel ini terbit di harian Kabar edisi 11 November 2026 di halaman 3.",
        "Rina Wulandari berkontribusi dalam penulisan artikel ini.",
        "Judul Artikel : Banjir Rendam Ribuan Rumah di Dayeuhkolot",
        "Link Artikel : https://kabar.example/read/banjir",
        # a pager, share and comment buttons, a widget's heading, a user-content label
        "Halaman: 1 2 3",
        "Berikutnya",
        "Bagikan artikel ini",
        "Tulis Komentar",
        "Pilihan Untukmu",
        "Konten dari Pengguna",
        # a photo's caption between paragraphs, closed by its credit
        "Warga mengungsi di Masjid Al-Ikhlas, Dayeuhkolot, Selasa (10/11/2026). (ANTARA FOTO/Adi"
        " Nugroho)",
        "Perahu karet mengevakuasi warga lanjut usia. (Foto: Humas BPBD Jawa Barat)",
    ],
)
def test_portal_furniture_between_paragraphs_leaves_the_body(line: str) -> None:
    middle = [PARAGRAPHS[0], line, *PARAGRAPHS[1:]]
    body = body_of(article(head=PUBLISHED, paragraphs=middle))
    assert body.split("\n") == PARAGRAPHS


@pytest.mark.parametrize(
    "sentence",
    [
        "Dapatkan informasi jadwal KRL melalui aplikasi KAI Access di ponsel Anda.",
        "Lupa password akun media sosial? Berikut cara memulihkannya dengan mudah.",
        "Belum punya akun BPJS Kesehatan? Daftar di kantor cabang terdekat, kata dia.",
        "Ikuti langkah berikut untuk mendapatkan informasi saldo BPJS Ketenagakerjaan Anda.",
        "Scroll ke bawah untuk melanjutkan proses pendaftaran dan klik tombol kirim.",
        "Simak cara mengaktifkan fitur baru WhatsApp berikut ini.",
        "Selengkapnya, berikut daftar harga bahan pokok di Pasar Induk hari ini.",
        "Pilihan warga jatuh pada calon nomor urut dua dalam pemilihan kepala desa.",
        "Halaman rumah warga terendam hingga setinggi lutut orang dewasa sejak pagi.",
        "Bagikan pengalamanmu di kolom komentar, ujar penyelenggara lomba foto itu.",
        "Berikutnya, petugas membagikan selimut dan makanan siap saji kepada para pengungsi.",
        "Foto udara (photo drone) memperlihatkan luasnya genangan di Dayeuhkolot, kata petugas.",
    ],
)
def test_sentences_near_the_portal_furniture_rules_stay(sentence: str) -> None:
    assert not clutter.is_clutter_line(sentence)
    body = body_of(article(head=PUBLISHED, paragraphs=[PARAGRAPHS[0], sentence, *PARAGRAPHS[1:]]))
    assert sentence in body


@pytest.mark.parametrize(
    "first",
    [
        f"KONTAN.CO.ID - BANDUNG. {PARAGRAPHS[0]}",  # the site, then the place and a full stop
        f"Kabar.com–{PARAGRAPHS[0]}",  # the site joined to the first word by a dash
        f"Kabar.com - {PARAGRAPHS[0]}",
        # a hyphenated site in capitals, a place then a dash without spaces or a colon, a desk
        # written in camel case
        f"KABAR-DAERAH.COM, MEDAN - {PARAGRAPHS[0]}",
        f"Kabardaerah.com, JOGJA—{PARAGRAPHS[0]}",
        f"Kabar.id, Jakarta: {PARAGRAPHS[0]}",
        f"KBRN, Bandung: {PARAGRAPHS[0]}",
        f"Bandung, kabarJabar - {PARAGRAPHS[0]}",
    ],
)
def test_a_sites_dateline_with_its_place_or_a_bare_dash_leaves_the_first_sentence(
    first: str,
) -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert body.split("\n") == PARAGRAPHS


def test_a_first_sentence_opening_with_capitals_after_the_sites_name_keeps_them() -> None:
    # Only a place in capitals closed by a full stop is the dateline's: an acronym the sentence
    # opens with stays.
    first = "KONTAN.CO.ID - BPBD Jawa Barat mencatat empat ribu warga mengungsi sejak Senin malam."
    body = body_of(article(head=PUBLISHED, paragraphs=[first, *PARAGRAPHS[1:]]))
    assert body.startswith("BPBD Jawa Barat mencatat")


def test_a_regional_papers_closing_asterisk_leaves_the_body() -> None:
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, "(*)"]))
    assert body.split("\n") == PARAGRAPHS


@pytest.mark.parametrize("initials", ["(mnf/ugo)", "(wah)", "(tim/DAL)"])
def test_desk_initials_closing_the_last_paragraph_leave_it(initials: str) -> None:
    last = f"{PARAGRAPHS[-1]} {initials}"
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS[:-1], last]))
    assert body.endswith(PARAGRAPHS[-1])


def test_a_closing_parenthesis_of_the_sentence_itself_stays() -> None:
    last = "Pengungsi menerima bantuan dari Badan Penanggulangan Bencana Daerah (BPBD)."
    body = body_of(article(head=PUBLISHED, paragraphs=[*PARAGRAPHS, last]))
    assert body.endswith(last)


def dated(line: str, head: str = "") -> str:
    html = article(head=head, before=f"<div>{line}</div>")
    return record(html)["published_at"].isoformat()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Minggu, 17 Ags 2025, 15:40 WIB", "2025-08-17T15:40:00+07:00"),  # Ags: August
        ("Rabu, 5 Peb 2020 21:47 WIB", "2020-02-05T21:47:00+07:00"),  # Peb: February, old spelling
        ("Kamis, 5 Nop 2020 21:47 WITA", "2020-11-05T21:47:00+08:00"),  # Nop: November
    ],
)
def test_indonesian_month_abbreviations_are_read(line: str, expected: str) -> None:
    assert dated(line) == expected


def test_a_cms_prefixed_publish_date_gives_the_seconds_the_written_time_lacks() -> None:
    # detik's `dtk:publishdate` states the seconds; the byline's "20:30 WIB" gives the zone.
    head = '<meta name="dtk:publishdate" content="2026/06/05 20:30:23">'
    assert dated("Jumat, 05 Jun 2026 20:30 WIB", head) == "2026-06-05T20:30:23+07:00"


def test_an_update_written_with_its_zone_names_the_zone_of_a_bare_publication_time() -> None:
    # jawapos-like: JSON-LD `datePublished` without an offset, the page's only zone word in an
    # update line. The update is a later moment: its clock is not the publication's.
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2026-07-24 08:10:08"}</script>'
    )
    assert dated("Diperbarui: 24 Juli 2026, 09:00 WIB", head) == "2026-07-24T08:10:08+07:00"
    # A time written with its zone and no such label is the byline's, as before.
    assert dated("Jumat, 24 Juli 2026 08:10 WIB", head) == "2026-07-24T08:10:08+07:00"
    assert dated("Jumat, 24 Juli 2026 08:40 WIB", head) == "2026-07-24T08:40:00+07:00"
