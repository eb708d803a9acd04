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


NEWSLETTER_CARD = (
    '<div class="nhsuk-card nhsuk-card--clickable"><img src="/cook.jpg" alt=""><div'
    ' class="nhsuk-card__content"><h2 class="nhsuk-card__heading"><a class="nhsuk-card__link"'
    ' href="https://cook.example/">Sign up for Cook Together emails</a></h2><p>Get the family'
    " involved and make tasty meals from scratch!</p><p>Every week for 4 weeks you will get 2"
    " healthy recipes straight to your inbox.</p></div></div>"
)


def test_a_card_headed_sign_up_for_emails_is_a_signup_box() -> None:
    # NHS: after a recipe, a card promoting a newsletter whose form is on another site (a linked
    # heading, a pitch, no e-mail field) closed the body ("Get the family involved …").
    import lxml.html

    from recommender.ingest.html import clutter

    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    tree = lxml.html.document_fromstring(
        f"<html><body><main><section><h1>Resep</h1>{story}</section><section>{NEWSLETTER_CARD}"
        "</section></main></body></html>"
    )
    clutter.drop_signup_boxes(tree)
    text = tree.text_content()
    assert "Get the family involved" not in text and "Cook Together" not in text
    assert all(p in text for p in PARAGRAPHS)


def test_a_section_headed_sign_up_with_running_text_stays() -> None:
    # A heading about signing up heads the story's own section: its paragraphs outweigh a card.
    section = f"<h2>Sign up for flood alerts</h2>{''.join(f'<p>{TIP}</p>' for _ in range(2))}"
    body = str(record(article(head=PUBLISHED, after=section))["body"])
    assert TIP in body


NEWSLETTER_NOTE = (
    "This is The Marshall Project’s Closing Argument newsletter, a weekly deep dive into a key"
    " criminal justice issue. Want this delivered to your inbox? Sign up for future newsletters."
)


def test_a_newsletters_note_opening_the_story_leaves_the_body() -> None:
    # a story a newsletter went out as, published on the site with the newsletter's note on top
    html = article(head=PUBLISHED, paragraphs=[NEWSLETTER_NOTE, *PARAGRAPHS])
    assert str(record(html)["body"]).split("\n") == PARAGRAPHS
