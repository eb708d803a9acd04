"""Sign-up boxes in and after a story (#12): a newsletter's heading and pitch around an e-mail
field ("Stay connected / Get the latest updates from … / Discover special offers …"), a comment
form's, leave the body; the story's own container and a box with running text stay."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article, body_with, record

NEWSLETTER = (
    '<div class="stayConnected"><h3>Stay connected</h3><h2>Get the latest updates from<br>'
    "Kabar Harian</h2><p>Discover special offers, top stories, upcoming events, and more.</p>"
    '<form><label for="email">Enter your email</label><input id="email" type="email">'
    "<button>Sign up</button></form></div>"
)
BOXES = {
    "newsletter": NEWSLETTER,
    "indonesian newsletter": (
        '<section class="nl"><h4>Dapatkan berita pilihan setiap pagi</h4><p>Daftarkan surel Anda'
        ' untuk menerima ringkasan berita terbaru.</p><input name="newsletter_email"'
        ' placeholder="Alamat email"><a href="#">Berlangganan</a></section>'
    ),
    "comment form": (
        '<div id="respond"><h3>Leave a Reply</h3><p>Your email address will not be published.'
        ' Required fields are marked *</p><form><textarea name="comment"></textarea><input'
        ' name="author"><input name="email"><input type="submit" value="Post Comment"></form></div>'
    ),
}


@pytest.mark.parametrize("box", BOXES)
def test_a_signup_box_between_paragraphs_leaves_the_body(box: str) -> None:
    assert body_with(BOXES[box]) == PARAGRAPHS


def test_a_signup_box_closing_the_story_leaves_the_body() -> None:
    html = article(head=PUBLISHED, after=NEWSLETTER)
    assert str(record(html)["body"]).split("\n") == PARAGRAPHS


TIP = (
    "Warga yang melihat genangan baru, tanggul yang retak atau saluran yang tersumbat di sekitar"
    " rumahnya diminta melapor kepada posko terdekat, menyertakan foto dan lokasi yang jelas,"
    " agar petugas dapat segera memeriksa dan memperbaikinya sebelum hujan berikutnya datang,"
    " karena menurut perkiraan cuaca hujan lebat masih akan turun hingga akhir pekan ini di"
    " sebagian besar wilayah Kabupaten Bandung, terutama pada sore dan malam hari."
)


def test_an_email_field_in_the_story_or_beside_its_text_leaves_the_text() -> None:
    # a field in the story's own container (with its headline): the story stays whole
    inside = article(head=PUBLISHED, after='<form><input type="email" placeholder="Email"></form>')
    assert str(record(inside)["body"]).split("\n") == PARAGRAPHS
    # a box whose text is a paragraph of the story, not a pitch: it stays
    tip = f'<div class="tip"><p>{TIP}</p><input type="email"></div>'
    assert str(record(article(head=PUBLISHED, after=tip))["body"]).split("\n") == [*PARAGRAPHS, TIP]
