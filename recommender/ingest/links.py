"""URLs of items: what counts as one, tracking parameters removed, and the id made from one."""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote_plus,
    urljoin,
    urlsplit,
    urlunsplit,
)

ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")
# Query parameters that say how a reader arrived, not which page it is (feeds add them to every
# link: `?partner=rss&emc=rss`, `utm_source=...`).
TRACKING = frozenset(
    {
        "partner",
        "emc",
        "smid",
        "smtyp",
        "cmpid",
        "ncid",
        "ref",
        "ref_src",
        "rss",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "ito",
        "at_medium",
        "at_campaign",
        "src",
        # Publishers' and platforms' own, as tracking-parameter lists (ClearURLs') name them:
        # AT Internet's `xtor` (Le Monde's and Le Figaro's feeds: `?xtor=RSS-3208`), the BBC's
        # `ns_*`, the Guardian's `CMP`, MSN's `ocid`, Webtrends, HubSpot, Marketo, Facebook,
        # TikTok, Twitter, LinkedIn, Yahoo, Google's click ids
        "xtor",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "cmp",
        "ocid",
        "icid",
        "ftag",
        "wt.mc_id",
        "wt_mc",
        "wt_zmc",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "_openstat",
        "fb_action_ids",
        "fb_action_types",
        "fb_source",
        "fb_ref",
        "twclid",
        "ttclid",
        "li_fat_id",
        "gbraid",
        "wbraid",
        "srsltid",
        "soc_src",
        "soc_trk",
        "guccounter",
        "s_cid",
        "vero_id",
        "vero_conv",
        "oly_enc_id",
        "oly_anon_id",
        "rb_clickid",
        "sr_share",
    }
)
# Campaign parameters of Google Analytics, Matomo (Piwik's) and Hubspot's older ones.
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "piwik_", "hmb_")
# Which page of an article, not which article.
PAGE_PARAMETERS = frozenset({"page", "hal", "halaman", "amp", "single", "view"})


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


# What a browser does with a URL written in a page (the WHATWG URL standard): tabs and newlines
# anywhere are removed, and spaces and other control characters left inside are percent-encoded
# (`href="https://x.example/News-Feed/Jammu Sec/Article1.aspx"` is `.../Jammu%20Sec/...`).
URL_REMOVED = re.compile(r"[\t\n\r]")
URL_ENCODED = re.compile(r"[\x00-\x20\x7f]")
C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def as_browsers_read(url: str) -> str:
    """`url` trimmed, without tabs and newlines, and with the spaces and control characters left
    inside it percent-encoded."""
    url = URL_REMOVED.sub("", url).strip(C0_AND_SPACE)
    return URL_ENCODED.sub(lambda m: f"%{ord(m.group()):02X}", url)


# The characters a URL's path, query and fragment keep as they are when it is sent: the reserved
# ones, and "%" (what is already percent-encoded stays so).
URL_SAFE = "/?#[]@!$&'()*+,;=:%~-._"


def request_url(url: str) -> str:
    """`url` as a browser sends it (`as_browsers_read`, then a host in IDNA and the rest's
    non-ASCII characters percent-encoded as UTF-8): sitemaps and URL lists name pages as people
    write them (`https://kabar.example/berita/kopi susu`, `/статья`), and an HTTP request line
    is ASCII. A host IDNA cannot write is left for the fetch to refuse."""
    url = as_browsers_read(url)
    if url.isascii():
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        with contextlib.suppress(UnicodeError):  # left for the fetch to refuse
            netloc = netloc.encode("idna").decode("ascii")
    path, query, fragment = (quote(part, safe=URL_SAFE) for part in parts[2:])
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters (and without a fragment); other parameters kept; its
    scheme and host in lower case and without the scheme's default port, as browsers and
    servers read them (`https://KABAR.example:443/read` is `https://kabar.example/read`)."""
    url = as_browsers_read(url)
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    parts = parts._replace(scheme=parts.scheme.lower(), netloc=_normal_netloc(parts))
    # The kept parameters as the page writes them: decoding and encoding them again would change
    # the URL (`?AID=/20130606/LIFE07/...` is not `?AID=%2F20130606%2FLIFE07%2F...` to a server).
    # A query without tracking parameters stays whole, empty parts too (`9015.html?&L=1`).
    pieces = parts.query.split("&")
    kept = [p for p in pieces if not _is_tracking(unquote_plus(p.split("=", 1)[0]).lower())]
    query = parts.query if kept == pieces else "&".join(p for p in kept if p)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _normal_netloc(parts: SplitResult) -> str:
    """The URL's authority with its host in lower case and without the default port (user
    information, rare in a page's address, is left as written)."""
    userinfo, at, hostport = parts.netloc.rpartition("@")
    hostport = hostport.lower()
    default = DEFAULT_PORTS.get(parts.scheme.lower())
    if default and hostport.endswith(default):
        hostport = hostport[: -len(default)]
    return f"{userinfo}{at}{hostport}"


def _is_tracking(key: str) -> bool:
    return key in TRACKING or key.startswith(TRACKING_PREFIXES)


# A page saved from the Wayback Machine names itself, and has its links rewritten, as
# `https://web.archive.org/web/20220721144042/https://site/story` (a timestamp, perhaps with a
# modifier such as `id_`, or none at all).
ARCHIVED = re.compile(
    r"^https?://web\.archive\.org/web/(?:\d{1,14}(?:[a-z]{2}_)?/)?(?P<url>https?:/.*)$",
    re.IGNORECASE,
)


def unarchived(url: str) -> str:
    """The publisher's own URL of a web archive's copy of a page; any other URL unchanged."""
    match = ARCHIVED.match(url)
    if not match:
        return url
    original = match.group("url")
    # An archive's path may fold the original's "//" into one ("https:/site/story").
    return re.sub(r"^(https?):/(?!/)", r"\1://", original, flags=re.IGNORECASE)


def absolute(url: str | None, base: str | None) -> str | None:
    """`url` made absolute against `base`; None unless the result is an http(s) URL."""
    if not url or not url.strip():
        return None
    url = as_browsers_read(url)
    if _no_host(url):
        return None  # read against a base, `https://` would be that site's front page
    if url.startswith("//") and not base:
        url = "https:" + url  # protocol-relative, and nothing to take the scheme from
    try:
        joined = urljoin(base or "", url)
    except ValueError:  # a bracketed host that is no IP address: `http://[object Object]/`
        return None
    return joined if is_url(joined) and has_host(joined) else None


def _no_host(url: str) -> bool:
    """A scheme and an authority that is empty (`https://`, a CMS's canonical with the whole
    address left blank)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False  # left to the join and `has_host`
    return bool(parts.scheme) and not parts.netloc and url[len(parts.scheme) + 1 :].startswith("//")


def has_host(url: str) -> bool:
    """The URL names a host: no empty label (a CMS's canonical `https://.tramino.de`, its site's
    name left blank, names no page), and a port if any that is one (not `:99999`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - read for its check
    except ValueError:  # an unbalanced bracket in the host, a port past 65535
        return False
    return bool(host) and all(host.split("."))


def site_host(url: str) -> str:
    """The host a URL is on, in lower case and without `www.`: the site."""
    return (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")


def url_item_id(url: str) -> str:
    """A readable, stable id for an item known by its URL: host and path joined by ':'.

    `https://www.kabar.example/nasional/banjir-1?utm=x` -> `kabar.example:nasional:banjir-1`.
    The query is left out, except where it is what names the article: a path without digits and
    query values with digits (`/read.php?id=123` -> `...:read.php:123`). Ids longer than 128
    characters keep their start and end in a hash.
    """
    parts = urlsplit(url.strip())
    host = site_host(url)
    segments = [ID_UNSAFE.sub("-", s).strip("-") for s in parts.path.split("/")]
    if not any(c.isdigit() for c in parts.path):
        segments += [
            ID_UNSAFE.sub("-", value).strip("-")
            for key, value in parse_qsl(parts.query)
            if any(c.isdigit() for c in value)
            and key.lower() not in PAGE_PARAMETERS | TRACKING
            and not key.lower().startswith(TRACKING_PREFIXES)
        ]
    ident = ":".join([host, *(s for s in segments if s)])
    if len(ident) > 128:
        digest = hashlib.sha256(url.encode()).hexdigest()[:20]
        ident = f"{ident[:107]}-{digest}"
    return ident
