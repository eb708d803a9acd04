"""Bytes to text the way a browser decodes a page (the HTML spec's encoding sniffing, in order).

1. a byte order mark; 2. the charset the server sent (`Content-Type`); 3. a `<meta charset>` or
`<meta http-equiv=content-type>` in the head (the spec's prescan reads 1024 bytes, then lets the
parser "change the encoding" when it meets a later one, so the whole head is scanned: pages that
put `<meta charset>` after a long `<title>` decode as the browser shows them); 4. with no
declaration, strict UTF-8 if the bytes are valid UTF-8, else charset-normalizer's guess, else
windows-1252 (the spec's default for most locales). Labels name the encodings the Encoding
Standard decodes them as (`LABEL_ALIASES`: a "shift_jis" page is windows-31J). One departure for
saved pages: a legacy encoding declared in a meta tag yields to UTF-8 when the bytes are valid,
non-ASCII UTF-8 (browsers save pages as UTF-8 and keep the original meta tag).
"""

from __future__ import annotations

import codecs
import re

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
HEAD_END = re.compile(rb"<body[\s>]|</head\s*>", re.IGNORECASE)
META = re.compile(rb"<meta\s[^>]*>", re.IGNORECASE)
META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
SCAN_LIMIT = 64 * 1024
# The spec's rule: a page that claims UTF-16 in a meta tag is really ASCII-compatible (UTF-8);
# x-user-defined is windows-1252.
META_OVERRIDES = {"utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8"}
# The Encoding Standard decodes several legacy labels as the larger Windows or national code
# page that pages labelled so were really written in (Python's codec of the same name is the
# strict subset): a "shift_jis" page's NEC circled digits, an "euc-kr" page's cp949-only
# syllables, a "gb2312" page's GBK characters would otherwise become U+FFFD.
LABEL_ALIASES = {
    "x-user-defined": "windows-1252",
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "iso-8859-9": "windows-1254",
    "latin5": "windows-1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
}
# Where the larger code page maps some shared bytes differently (cp932's 0x8160 is a fullwidth
# tilde, the spec's and Shift_JIS's a wave dash), the page is first read strictly in the smaller.
NARROWER = {"cp932": "shift_jis"}
# The MIME Sniffing Standard's test for binary data: "binary data bytes" (control bytes no text
# uses) in a resource's first 1,445 bytes, unless a byte order mark says it is UTF-16 (whose
# ASCII characters hold NUL bytes). Saved pages hold a stray one now and then (a CMS left a \x10
# in a Gothamist paragraph), so here they must be a twentieth of those bytes. The signatures
# name the usual suspects.
SNIFF_BYTES = 1445
BINARY_SHARE = 0.05
BINARY_BYTES = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
SIGNATURES = (
    (b"\x1f\x8b\x08", "a gzip archive (decompress it first)"),
    (b"PK\x03\x04", "a ZIP archive (an .epub, .docx or .zip: unpack it first)"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image, WAV or AVI)"),
    (b"\x7fELF", "a program (ELF)"),
)


def known(label: str | None) -> str | None:
    """A codec name for an encoding label, or None when Python knows no such encoding."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = LABEL_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_in_meta(data: bytes) -> str | None:
    """The first encoding declared by a meta tag before the body starts."""
    head = data[:SCAN_LIMIT]
    end = HEAD_END.search(head)
    head = head[: end.start()] if end else head
    for tag in META.finditer(head):
        match = META_CHARSET.search(tag.group(0))
        if match:
            label = match.group(1).decode("ascii", "replace").lower()
            codec = known(META_OVERRIDES.get(label, label))
            if codec:
                return codec
    return None


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes, transport: str | None = None) -> str:
    """The encoding a browser would use for these bytes (a Python codec name)."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    if known(transport):
        return str(known(transport))
    declared = declared_in_meta(data)
    if declared and declared != "utf-8" and _is_utf8(data):
        # A browser's "Save page as" writes UTF-8 but keeps the original <meta charset>: bytes
        # that are valid UTF-8 with non-ASCII in them are almost never text in a legacy encoding.
        return "utf-8"
    if declared:
        return declared
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SCAN_LIMIT]).best()
    return known(best.encoding if best else None) or "cp1252"


def binary_kind(data: bytes) -> str | None:
    """What a file that is no text at all holds ("a PDF document", "binary data"), else None."""
    if any(data.startswith(bom) for bom, _ in BOMS):
        return None
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    header = data[:SNIFF_BYTES]
    if sum(byte in BINARY_BYTES for byte in header) > BINARY_SHARE * len(header):
        return "binary data"
    return None


def decode_html(data: bytes, transport: str | None = None) -> str:
    """The page's text (undecodable bytes become U+FFFD, as in a browser)."""
    encoding = sniff(data, transport)
    for bom, _ in BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    return decode_as(data, encoding)


def decode_as(data: bytes, encoding: str) -> str:
    """Bytes in a codec `sniff` or `known` named (undecodable bytes become U+FFFD)."""
    if encoding in NARROWER:
        try:
            return data.decode(NARROWER[encoding])
        except UnicodeDecodeError:
            pass
    return data.decode(encoding, errors="replace")
