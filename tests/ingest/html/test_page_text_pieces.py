"""The page's text read without asking every text node's every ancestor (`page.text_pieces`,
`body.char_counts`): the same text as the XPath ancestor tests and `text_content()` they replace,
so that a page nested thousands of elements deep is read in time linear in its depth."""

from __future__ import annotations

import lxml.html

from recommender.ingest.html import body
from recommender.ingest.html.page import NOT_NEAR_HEADLINE, NOT_OWN_TEXT, text_pieces

PAGE = (
    "<html><body><div>Pembuka<p>Alinea <a href='/x'>tautan</a> satu</p>"
    "<script>var x = 1;</script>sesudah skrip<blockquote>kutipan</blockquote>sesudah kutipan"
    "<div class='comment-list'>komentar<p>balasan <div class='comment'>bersarang</div></p></div>"
    "sesudah komentar<aside>samping</aside><!-- catatan -->sesudah catatan</div>"
    "<div class='comment'><h1>Judul di kotak bernama komentar</h1></div></body></html>"
)


def texts(pieces: list[object]) -> list[str]:
    return [str(p).strip() for p in pieces if str(p).strip()]


def test_text_outside_the_elements_left_out_tails_kept() -> None:
    root = lxml.html.document_fromstring(PAGE).find("body")
    assert texts(text_pieces(root, NOT_NEAR_HEADLINE)) == [
        "Pembuka",
        "Alinea",
        "tautan",
        "satu",
        "sesudah skrip",  # a script's tail is outside it
        "sesudah kutipan",
        "sesudah komentar",  # nested comments left out once, their tail kept
        "samping",
        "sesudah catatan",
        "Judul di kotak bernama komentar",  # a box holding the headline is no comment
    ]
    own = texts(text_pieces(root, NOT_OWN_TEXT))
    assert "tautan" not in own and "samping" not in own and "Alinea" in own


def test_an_excluded_element_above_the_body_leaves_out_all_its_text() -> None:
    headless = PAGE.replace("<h1>Judul di kotak bernama komentar</h1>", "")
    tree = lxml.html.document_fromstring(headless.replace("<html>", "<html class='comments'>"))
    assert texts(text_pieces(tree.find("body"), NOT_NEAR_HEADLINE)) == []


def test_the_same_text_as_an_ancestor_test_of_every_text_node() -> None:
    for page in (PAGE, PAGE.replace("<html>", "<html class='comments'>")):
        tree = lxml.html.document_fromstring(page)
        for outside in (NOT_NEAR_HEADLINE, NOT_OWN_TEXT):
            asked = tree.xpath(f"//text()[not(ancestor::*[{outside}])]")
            assert text_pieces(tree, outside, "//text()") == asked


def test_char_counts_are_text_content_without_white_space() -> None:
    tree = lxml.html.document_fromstring(PAGE)
    counts = body.char_counts(tree)
    for element in tree.iter():
        if isinstance(element.tag, str):
            assert counts[element] == len("".join(element.text_content().split())), element.tag


LINKED = (
    "<html><body><div><p>Kata <a href='/a'>satu</a> dan <a href='/b'>dua</a>.</p>"
    "<div><a href='/c'>x</a><a href='/d'>y</a><ul><li><a href='/e'>e</a> <a href='/f'>f</a></li>"
    "</ul></div><td><a href='/g'>g</a><dd><a href='/h'>h</a><a href='/i'>i</a></dd></td>"
    "<li><span><a href='/j'>j</a></span><b><a href='/k'>k</a></b></li><p><a href='/l'>l</a></p>"
    "</div></body></html>"
)


def test_linked_leaf_blocks_are_what_the_xpath_selects() -> None:
    xpath = (
        "//*[self::p or self::div or self::li or self::td or self::dd][count(.//a) >= 2]"
        "[not(.//p|.//div|.//li|.//ul|.//ol|.//table|.//section|.//article"
        "|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//blockquote)]"
    )
    tree = lxml.html.document_fromstring(LINKED)
    found = body.linked_leaf_blocks(tree)
    assert found == tree.xpath(xpath)
    # a div holding a list is no leaf; a leaf may hold another (a `<dd>` in a `<td>`)
    assert [e.tag for e in found] == ["p", "li", "td", "dd", "li"]
