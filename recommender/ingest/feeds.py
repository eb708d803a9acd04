"""RSS/Atom feeds: each entry becomes an import record (feedparser, plus the raw XML for what it
misreads).

feedparser files a `media:description` (usually a photo caption) as the entry's summary or
content, and drops per-item images written in non-standard tags (`<image>`, `<thumbnail>`), so
each item's raw XML is read too: captions are never the lead or the body, and those images count.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime, tzinfo
from typing import Any

from recommender.ingest.html import charset, dates, language
from recommender.ingest.html.body import clean_lines, plain_text
from recommender.ingest.html.body import fragment_text as html_text
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.links import ID_UNSAFE, absolute, strip_tracking, url_item_id

WHITESPACE = re.compile(r"\s+")
# An entry is short (a title and a summary): enough to tell a template's wrong `en-us` apart.
FEED_MIN_CHARS = 60
CAPTION_TAGS = frozenset({"description", "caption", "credit", "title", "text"})
MEDIA_NS = ("http://search.yahoo.com/mrss", "http://search.yahoo.com/mrss/")
IMAGE_TAGS = frozenset({"image", "thumbnail", "thumb", "imageurl", "image_url", "picture", "foto"})
# The elements a feed's items sit in (RSS 2.0, Atom, RSS 1.0).
FEED_CONTAINERS = frozenset({"rss", "channel", "feed", "rdf"})
IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def namespace(tag: Any) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def raw_items(data: bytes) -> list[Any]:
    """The `<item>`/`<entry>` elements of the feed, in order (recovering from broken XML)."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data.lstrip(), parser=parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    return [el for el in root.iter() if local(el.tag) in ("item", "entry")]


def captions(item: Any) -> set[str]:
    """Texts of the item's media captions (`media:description`, `media:title`, credits)."""
    if item is None:
        return set()
    return {
        fold(el.text)
        for el in item.iter()
        if namespace(el.tag) in MEDIA_NS and local(el.tag) in CAPTION_TAGS and el.text
    }


def raw_summary(item: Any) -> str | None:
    """The item's own `<description>` (RSS) or `<summary>` (Atom), not a media caption."""
    if item is None:
        return None
    for el in item:
        own = local(el.tag) in ("description", "summary") and namespace(el.tag) not in MEDIA_NS
        if own and el.text and el.text.strip():
            return str(el.text)
    return None


def raw_image(item: Any, base: str | None = None) -> str | None:
    """An image in a non-standard tag: `<image>URL</image>`, `<image><url>URL</url></image>`,
    made absolute against `base` (the entry's link) as a browser would."""
    if item is None:
        return None
    for el in item:
        if local(el.tag) in IMAGE_TAGS and namespace(el.tag) not in MEDIA_NS:
            text = (el.text or "").strip() or next(
                ((c.text or "").strip() for c in el if local(c.tag) in ("url", "src")), ""
            )
            text = text or (el.get("url") or el.get("href") or el.get("src") or "").strip()
            if found := absolute(text, base):
                return found
    return None


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip().casefold()


# The XML declaration's encoding, when no byte order mark comes before it.
XML_ENCODING = re.compile(rb"""^(\s*<\?xml\s[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:\-]+)(["'])""")
DATE_TAGS = "pubDate, dc:date, published or updated"

Entry = dict[str, Any] | ExtractionError


def as_browsers_read(data: bytes) -> bytes:
    """The feed in UTF-8 where its declared encoding is one that browsers read as a larger code
    page (`charset.LABEL_ALIASES`: "iso-8859-1" as windows-1252, "euc-kr" as windows-949...);
    feedparser would take the label at its word and fall back to another guess."""
    match = XML_ENCODING.match(data)
    if not match:
        return data
    label = match.group(2).decode("ascii").lower()
    wider = charset.known(label)
    try:
        own = codecs.lookup(label).name
    except LookupError:
        return data
    if wider is None or wider == own:
        return data
    text = charset.decode_as(data[match.end() :], wider)
    return match.group(1) + b"utf-8" + match.group(3) + text.encode("utf-8")


def feed_records(data: bytes, assume: tzinfo | None = None) -> tuple[list[Entry], str | None]:
    """Records of every entry (or why an entry cannot be one), or ([], why the feed is
    unreadable). `assume`: the zone of times the feed writes without an offset."""
    data = as_browsers_read(data)
    entries, declared, why = parse(data)
    if why is not None:
        return [], why
    # The channel's declaration is checked against all its entries' text at once (templates copy
    # `en-us` onto Indonesian feeds), then each entry against that.
    readable = [e for e in entries if not isinstance(e, ExtractionError)]
    sample = "\n".join(f"{e.get('title', '')} {e.get('summary', '')}" for e in readable[:50])
    declared = language.language(declared, html_text(sample))
    items = raw_items(data)
    if len(items) != len(entries):
        items = []
    records: list[Entry] = []
    for n, entry in enumerate(entries):
        if isinstance(entry, ExtractionError):  # an item feedparser could not read
            records.append(entry)
            continue
        try:
            records.append(feed_record(entry, declared, items[n] if items else None, assume))
        except ExtractionError as exc:
            records.append(exc)
    return records, None


def parse(data: bytes) -> tuple[list[Any], str | None, str | None]:
    """feedparser's entries, the channel's declared language, and why no entry could be read
    (None when some could). feedparser itself raises on some broken feeds (6.0.14: a TypeError
    on an `<image><width>` inside a `<title>` left open, in both its parsers); then each item is
    read alone, so one broken element costs what it breaks, not the whole feed."""
    import feedparser

    try:
        feed = feedparser.parse(data)
    except Exception as exc:  # feedparser's own failure on broken XML, not the caller's
        return one_by_one(data, exc)
    if not feed.entries:
        why = f"not a readable feed: {feed.get('bozo_exception')}" if feed.bozo else "no entries"
        return [], None, why
    return list(feed.entries), str(feed.feed.get("language") or "") or None, None


def one_by_one(data: bytes, failure: Exception) -> tuple[list[Any], str | None, str | None]:
    """Each `<item>`/`<entry>` read by feedparser in a feed of its own (`alone_in_feed`), and the
    channel's declared language read from around the items (`feed_language`). An item
    feedparser cannot read either is that entry's error."""
    import feedparser

    why = f"feedparser cannot read this feed ({type(failure).__name__}: {failure})"
    items = raw_items(data)
    if not items:
        return [], None, why
    entries: list[Any] = []
    declared: str | None = None
    for item in items:
        alone = alone_in_feed(item)
        try:
            found = feedparser.parse(alone).entries
        except Exception as exc:  # the same failure inside the item itself
            found = []
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "no entry in it"
        if len(found) == 1:
            entries.append(found[0])
            declared = declared or feed_language(item)
        else:
            entries.append(ExtractionError("feed", f"feedparser cannot read this entry ({reason})"))
    return entries, declared, None


def alone_in_feed(item: Any) -> bytes:
    """The item inside bare copies of its feed's containers (`<rss>`, `<channel>`, `<feed>`,
    `<rdf:RDF>`, with their attributes and namespaces: RSS's `version`, Atom's `xml:lang`); a
    recovering parser may also have nested it in an element left open, which is not copied."""
    from copy import deepcopy

    from lxml import etree

    shells = [a for a in item.iterancestors() if local(a.tag) in FEED_CONTAINERS]
    inner: Any = deepcopy(item)
    if not shells:
        inner = etree.Element("channel")
        inner.append(deepcopy(item))
        shells = [etree.Element("rss", version="2.0")]
    for parent in shells:
        shell = etree.Element(parent.tag, attrib=dict(parent.attrib), nsmap=parent.nsmap)
        shell.append(inner)
        inner = shell
    return bytes(etree.tostring(inner, encoding="utf-8", xml_declaration=True))


def feed_language(item: Any) -> str | None:
    """The channel's declared language (`<language>`, `dc:language`): beside the item (RSS 2.0)
    or in the `<channel>` beside it (RSS 1.0)."""
    for ancestor in item.iterancestors():
        for el in ancestor:
            for candidate in el if local(el.tag) == "channel" and el is not ancestor else [el]:
                text = (candidate.text or "").strip() if local(candidate.tag) == "language" else ""
                if text:
                    return text
    return None


def feed_record(
    entry: Any, declared: str | None, item: Any = None, assume: tzinfo | None = None
) -> dict[str, Any]:
    """The import-format record of one feed entry (validated by the caller); an
    ExtractionError when its publication time cannot be read with an offset."""
    skip = captions(item)
    link = entry_link(entry)
    summary = html_text(entry.get("summary") or "")
    if not summary or fold(summary) in skip:
        # feedparser files an item-level `media:description` (even an empty one) as the summary,
        # and the item's own `<description>` as content: the item's own is the lead.
        summary = html_text(raw_summary(item) or "")
        summary = "" if fold(summary) in skip else summary
    contents = [html_text(c.get("value", "")) for c in entry.get("content") or []]
    content = next((c for c in contents if c and fold(c) not in skip), "")
    title = plain_text(entry.get("title") or "")
    tags = [
        str(t["term"]).strip()
        for t in entry.get("tags") or []
        if t.get("term") and not str(t["term"]).strip().isdigit()
    ]
    authors = [a["name"] for a in entry.get("authors") or [] if a.get("name")]
    entry_language = (entry.get("title_detail") or {}).get("language") or declared
    if language.primary(entry_language) != language.primary(declared) and declared:
        entry_language = declared  # feedparser copies the channel's raw declaration onto entries
    text = f"{title}\n{summary}\n{content}"
    record: dict[str, Any] = {
        "title": title,
        "lead": summary,
        "body": clean_lines(content, title=title)
        if content and fold(content) != fold(summary)
        else "",
        "url": link,
        "type": "video" if _media(entry, "video", link) else "article",
        "image_url": _media(entry, "image", link) or raw_image(item, link) or _img_in(entry, link),
        "section": tags[0] if tags else None,
        "tags": tags,
        "authors": authors or ([entry["author"]] if entry.get("author") else []),
        "published_at": entry_time(_raw(entry, "published") or _raw(entry, "updated"), assume),
        "updated_at": _update_time(_raw(entry, "updated"), assume)
        if _raw(entry, "published")
        else None,
        "language": language.language(entry_language, text, min_chars=FEED_MIN_CHARS),
    }
    if link or entry.get("id"):
        record["id"] = url_item_id(link) if link else ID_UNSAFE.sub("-", entry["id"])[:128]
    return {k: v for k, v in record.items() if v is not None}


def entry_link(entry: Any) -> str:
    """The entry's link without tracking parameters ("" where it has none); an ExtractionError
    for one no browser could open (`http://[object Object]/story`: a host in brackets that is no
    IP address), which costs that entry, not the feed."""
    raw = str(entry.get("link") or "")
    if not raw:
        return ""
    try:
        return strip_tracking(raw)
    except ValueError as exc:
        raise ExtractionError("url", f"the entry's link {raw!r} is not a URL ({exc})") from None


def _raw(entry: Any, key: str) -> Any:
    """A field as the feed gave it (feedparser's own `get` maps `updated` to `published`)."""
    return dict.get(entry, key)


def entry_time(raw: str | None, assume: tzinfo | None) -> datetime:
    """ISO 8601 (Atom) or RFC 822 (RSS), keeping the feed's own offset (a zone abbreviation
    such as WIB counts); a time without one is read in `assume`, else an ExtractionError names
    the value and the setting, as for pages."""
    if not raw or not raw.strip():
        raise ExtractionError("published_at", f"the entry gives no date ({DATE_TAGS})")
    value = raw.strip()
    try:
        stamp: dates.Stamp | None = dates.Stamp(
            datetime.fromisoformat(value), len(value) > len("2026-11-10"), "iso"
        )
    except ValueError:
        stamp = dates.read_value(value, "text")
    if stamp is None:
        raise ExtractionError("published_at", f"unreadable date {value!r}")
    if dates.is_zero(stamp.value):
        raise ExtractionError(
            "published_at", f"{value!r} is a template's zero or never, not a date"
        )
    if stamp.aware:
        return stamp.value
    if assume is not None:
        return stamp.value.replace(tzinfo=assume)
    if stamp.has_time:
        raise ExtractionError(
            "published_at",
            f"{value!r} has no UTC offset; set --assume-timezone (e.g. Asia/Jakarta) to read"
            " the feed's local times in that zone",
        )
    raise ExtractionError(
        "published_at",
        f"only a date was found ({stamp.value.date().isoformat()}), no time; set"
        " --assume-timezone (e.g. Asia/Jakarta) to import it as midnight there",
    )


def _update_time(raw: str | None, assume: tzinfo | None) -> datetime | None:
    """The entry's update time, when it can be read (an unreadable one is left out)."""
    try:
        return entry_time(raw, assume) if raw else None
    except ExtractionError:
        return None


def _media(entry: Any, kind: str, base: str | None = None) -> str | None:
    """The first enclosure or media:content/thumbnail URL of a kind (image or video) that is an
    address a browser could open, made absolute against `base` (`//cdn.example/a.jpg`, a
    path); a placeholder (`javascript:void(0)`, `http://[object Object]/`) is passed over."""
    candidates = [
        *(entry.get("media_content") or []),
        *(entry.get("enclosures") or []),
        *((entry.get("media_thumbnail") or []) if kind == "image" else []),
    ]
    for media in candidates:
        url = absolute(str(media.get("url") or media.get("href") or ""), base)
        medium = media.get("medium") or str(media.get("type", "")).split("/")[0] or "image"
        if url and medium == kind:
            return url
    return None


def _img_in(entry: Any, base: str | None = None) -> str | None:
    """The first `<img src>` of the entry's HTML summary or content that a browser could open,
    made absolute against `base`."""
    for value in [
        entry.get("summary") or "",
        *(c.get("value", "") for c in entry.get("content") or []),
    ]:
        for match in IMG_SRC.finditer(value):
            if found := absolute(match.group(1), base):
                return found
    return None
