"""Readers' comments under a story leave its body however long they are (#12, batch 40: El
Mundo's `div#comentarios` held paragraphs of readers' posts): a section whose id or class name
opens with a word naming readers' comments, in the languages the importer reads; a story's own
container whose class only mentions comments, or an opinion piece named in the singular, stays."""

from __future__ import annotations

import pytest

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, article
from tests.ingest.html.test_page_body import body_of

POSTS = [
    "Su cara lo dice todo: la cara es el espejo del alma, y espero que el de la T4 se pudra en la"
    " cárcel, si es que hay justicia en este país, claro, porque a veces lo dudo mucho.",
    "En unas horas saldrán los amiguetes de siempre diciendo que las detenciones no son la"
    " solución, que prolongan el conflicto y que el Estado no da pasos, como cada vez que pasa.",
    "Que le hagan un buen chequeo médico porque seguro que tiene alguna enfermedad y habrá que"
    " mandarla a su casa antes de tiempo, como ya ha pasado otras veces con otros presos.",
    "Es bueno que hayan detenido a alguien que tiene que responder ante la ley de sus crímenes,"
    " pero de aquí a decir que es la primera noticia de portada hay un buen trecho, la verdad.",
]


def comments_box(attributes: str) -> str:
    posts = "".join(
        f"<li><strong>Lector {n}</strong><p>{post}</p></li>" for n, post in enumerate(POSTS)
    )
    return f"<div {attributes}><h3>Comentarios</h3><ol>{posts}</ol></div>"


@pytest.mark.parametrize(
    "attributes",
    [
        'id="comentarios"',
        'id="comentarios_lectores" class="bloque"',
        'class="komentar-list"',
        'class="box commentaires"',
        'id="kommentare"',
        'class="commentiArea"',
        'class="comments-area"',
    ],
)
def test_readers_comments_after_the_story_leave_the_body(attributes: str) -> None:
    body = body_of(article(head=PUBLISHED, after=comments_box(attributes)))
    assert body.split("\n") == PARAGRAPHS


@pytest.mark.parametrize("attributes", ['class="kommentar"', 'class="commentary-piece"'])
def test_an_opinion_piece_named_in_the_singular_stays(attributes: str) -> None:
    # "Kommentar", "commentary": an opinion piece, the story itself; its paragraphs stay
    html = article(head=PUBLISHED, paragraphs=[], after=comments_box(attributes))
    body = body_of(html)
    assert POSTS[0] in body and POSTS[3] in body


def test_a_story_container_that_mentions_comments_stays() -> None:
    html = article(head=PUBLISHED, main_attrs='class="post has-comments"')
    assert body_of(html).split("\n") == PARAGRAPHS
