"""Bytes to text as a browser decodes them (#12, cause 5)."""

from __future__ import annotations

import codecs

from recommender.ingest.html.charset import binary_kind, decode_html, sniff

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


def test_legacy_labels_decode_as_the_encoding_standard_says() -> None:
    # Each text has a character only the larger code page has (NEC circled digit, a cp949-only
    # syllable, a GBK-only hanzi, a Big5-HKSCS one); each page labels the smaller one.
    cases = [
        ("shift_jis", "cp932", "第①回 記者会見"),
        ("euc-kr", "cp949", "똠방각하 기자회견"),
        ("gb2312", "gbk", "記者們的報道"),
        ("big5", "big5hkscs", "香港記者㗎報道"),
        ("iso-8859-9", "cp1254", "Türkiye’de seçim"),
    ]
    for label, written_in, text in cases:
        data = page(f'<meta charset="{label}">', text).encode(written_in)
        assert text in decode_html(data), label


def test_a_plain_shift_jis_page_keeps_its_wave_dash() -> None:
    # cp932 would read 0x8160 as a fullwidth tilde; the page is plain Shift_JIS.
    data = page('<meta charset="shift_jis">', "10時〜12時").encode("shift_jis")
    assert "10時\u301c12時" in decode_html(data)


def test_binary_files_are_told_apart_from_text() -> None:
    """The MIME Sniffing Standard's test: control bytes no text uses mean binary data, except
    after a UTF-16 byte order mark (a UTF-16 page's ASCII holds NUL bytes); here they must be
    more than a stray one."""
    utf16 = codecs.BOM_UTF16_LE + page().encode("utf-16-le")
    assert binary_kind(utf16) is None and TEXT in decode_html(utf16)
    assert binary_kind(page().encode("utf-8")) is None
    long = page(body=TEXT * 60).encode("utf-8")
    assert binary_kind(long + b"\x00") is None  # past the sniffed header
    assert binary_kind(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") == "a PDF document"
    assert binary_kind(b"<html>\x00\x01") == "binary data"
    # A stray control byte in a page's text (a CMS's) leaves it a page.
    assert binary_kind(page(body=f"Ma\x10ori {TEXT}").encode("utf-8")) is None
