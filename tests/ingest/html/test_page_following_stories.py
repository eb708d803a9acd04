"""Pages saved from a browser after infinite scrolling loaded the next stories (#12): each story
in an `<article>` of its own under its own `<h1>`, after the page's own. The extractor read them
all as one body; the page's own story is its text, whatever follows it."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, record

NEXT_TITLE = "Harga Beras Naik Jelang Akhir Tahun di Pasar Induk"
NEXT = [
    "Harga beras di Pasar Induk Cipinang naik hingga dua ribu rupiah per kilogram menjelang akhir"
    " tahun, menurut para pedagang yang ditemui pada Selasa pagi.",
    "Kenaikan itu dipicu berkurangnya pasokan dari sentra produksi di Jawa Tengah akibat musim"
    " tanam yang mundur karena hujan yang datang terlambat.",
    "Pemerintah berjanji menggelar operasi pasar di sejumlah titik untuk menahan laju kenaikan"
    " harga hingga pertengahan bulan depan.",
    "Pedagang berharap pasokan kembali normal setelah panen raya yang diperkirakan berlangsung"
    " pada bulan Maret tahun depan.",
]


def story(title: str, paragraphs: list[str], heading: str = "h1") -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<article class="detail"><{heading}>{title}</{heading}>'
        f'<div class="date">Selasa, 10 Nov 2026 09:15 WIB</div>{text}</article>'
    )


def page(body: str) -> str:
    return (
        f'<html lang="id"><head><meta charset="utf-8"><title>{TITLE}</title>'
        f'<link rel="canonical" href="{URL}">{PUBLISHED}</head><body>{body}</body></html>'
    )


def body_lines(body: str) -> list[str]:
    return str(record(page(body))["body"]).split("\n")


@pytest.mark.parametrize(
    "layout",
    [
        # the next story right after the page's own, a label between them
        "{own}<div class='next'>Artikel Selanjutnya</div>{next}",
        # the next story longer than the page's own (it outweighed it)
        "{own}{next}{next}",
        # each story in a wrapper of its own, the wrappers in a list
        "<div class='feed'><div class='item'>{own}</div><div class='ad'></div>"
        "<div class='item'>{next}</div></div>",
    ],
)
def test_stories_loaded_after_the_pages_own_leave_its_body(layout: str) -> None:
    own, following = story(TITLE, PARAGRAPHS), story(NEXT_TITLE, NEXT)
    assert body_lines(layout.format(own=own, next=following)) == PARAGRAPHS


def test_the_story_going_on_in_an_article_under_a_subheading_stays() -> None:
    # A later <article> without a headline of its own is no other story.
    more = story("Warga Bertahan di Lantai Dua", NEXT, heading="h2")
    lines = body_lines(story(TITLE, PARAGRAPHS) + more)
    assert lines[: len(PARAGRAPHS)] == PARAGRAPHS and NEXT[0] in lines


def test_an_article_holding_the_headline_again_is_the_pages_own() -> None:
    # The same story twice (an AMP copy, a print version): the second is no other story, and the
    # body is read as before.
    lines = body_lines(story(TITLE, PARAGRAPHS) + story(TITLE, PARAGRAPHS))
    assert lines[: len(PARAGRAPHS)] == PARAGRAPHS
