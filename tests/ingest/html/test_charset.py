"""Bytes to text as a browser decodes them (#12, cause 5)."""

from __future__ import annotations

import codecs

from recommender.ingest.html.charset import decode_html, sniff

TEXT = "Māori tribes — whale strandings, café"


def page(meta: str = "", body: str = TEXT) -> str:
    return f"<html><head><title>{'x' * 1200}</title>{meta}</head><body><p>{body}</p></body></html>"


def test_a_byte_order_mark_wins() -> None:
    data = codecs.BOM_UTF8 + page('<meta charset="windows-1252">').encode("utf-8")
    assert sniff(data) == "utf-8" and TEXT in decode_html(data)


def test_the_servers_charset_comes_before_meta() -> None:
    data = page('<meta charset="utf-8">', "café").encode("cp1252")
    assert "café" in decode_html(data, "windows-1252")


def test_a_meta_charset_after_a_long_title_is_found() -> None:
    data = page('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "café")
    assert "café" in decode_html(data.encode("cp1252"))


def test_undeclared_utf8_is_utf8() -> None:
    assert TEXT in decode_html(page().encode("utf-8"))


def test_a_saved_utf8_page_keeps_utf8_despite_its_legacy_meta() -> None:
    data = page('<meta charset="gb2312">', "人工智能迈上新台阶").encode("utf-8")
    assert "人工智能迈上新台阶" in decode_html(data)


def test_undeclared_legacy_bytes_are_guessed_not_mangled() -> None:
    body = "Le député a déclaré que la sécurité était très importante pour les élèves. " * 5
    data = page(body=body).encode("cp1252")
    assert "député" in decode_html(data) and "\ufffd" not in decode_html(data)
