"""HTML of the demo pages (an Indonesian news site in miniature) and the placeholder SVG images.

Plain f-strings: every value from the snapshot goes through `html.escape` (`e`).

The pages run under a strict Content-Security-Policy (`PAGE_CSP`): no inline script at all (the
widget is the one script, from this origin), and styles only the page's own `<style>` and the
widget's (each allowed by its SHA-256, not by 'unsafe-inline').
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from html import escape
from importlib import resources
from typing import Any

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}
NAV = ("Nasional", "Internasional", "Ekonomi", "Olahraga", "Teknologi", "Otomotif", "Kesehatan")
SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z\"“])")

PAGE_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f3f3f3;color:#1c1c1c;font:17px/1.7 Georgia,"Times New Roman",serif}
a{color:inherit}
.top{background:#fff;border-bottom:3px solid #c8102e}
.bar{max-width:820px;margin:auto;padding:12px 20px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 28px}
.logo{font:900 26px/1 system-ui,Arial,sans-serif;letter-spacing:-.03em;text-decoration:none;color:#c8102e}
.logo span{color:#1c1c1c}
nav{display:flex;flex-wrap:wrap;gap:4px 16px;font:600 14px/1.4 system-ui,Arial,sans-serif}
nav a{text-decoration:none;color:#333}nav a:hover{color:#c8102e}
.page{max-width:820px;margin:0 auto;background:#fff;padding:24px 30px 40px}
.crumb{font:13px system-ui,Arial,sans-serif;color:#c8102e;font-weight:700;text-transform:uppercase;letter-spacing:.04em}
h1{font:800 clamp(26px,4.5vw,36px)/1.22 system-ui,Arial,sans-serif;letter-spacing:-.02em;margin:10px 0 14px}
.meta{font:14px/1.5 system-ui,Arial,sans-serif;color:#555;margin-bottom:18px}.meta b{color:#1c1c1c}
figure{margin:0 0 22px}figure img{width:100%;height:auto;display:block;border-radius:4px;background:#ddd}
figcaption{font:13px/1.5 system-ui,Arial,sans-serif;color:#666;margin-top:6px}
.text{max-width:none}.text p{margin:0 0 1.1em}.text .lead{font-weight:700}
.tags{font:13px system-ui,Arial,sans-serif;margin:24px 0 36px;display:flex;flex-wrap:wrap;gap:8px}
.tags span{background:#f1f1f1;border-radius:14px;padding:3px 12px}
.list{list-style:none;padding:0;margin:0;display:grid;gap:0}
.list li{padding:14px 0;border-bottom:1px solid #eee;font-family:system-ui,Arial,sans-serif}
.list a{font-weight:700;font-size:18px;line-height:1.35;text-decoration:none}.list a:hover{color:#c8102e}
.list small{display:block;color:#777;font-size:13px;margin-top:2px}
@media (max-width:600px){.page{padding:16px}.bar{padding:10px 16px}}
footer{max-width:820px;margin:0 auto;padding:18px 20px;font:13px system-ui,Arial,sans-serif;color:#777}
"""


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def widget_styles() -> str:
    """The stylesheet widget.js puts into its shadow root (its `STYLES` template literal)."""
    script = resources.files("service").joinpath("static", "widget.js").read_text("utf-8")
    found = re.search(r"const STYLES = `([^`$\\]*)`;", script)
    if found is None:  # the demo pages' CSP would block the widget's look: fail loudly
        raise RuntimeError("widget.js: STYLES is no longer a plain template literal")
    return found.group(1)


PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        f"style-src {csp_hash(PAGE_CSS)} {csp_hash(widget_styles())}",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def indonesian_datetime(value: str) -> str:
    """'Senin, 02 Nov 2026 07:15 WIB' in the item's own offset."""
    moment = datetime.fromisoformat(value)
    offset = moment.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else 0.0
    zone = ZONES.get(int(hours), f"UTC{hours:+g}") if hours.is_integer() else f"UTC{hours:+g}"
    day, month = DAYS[moment.weekday()], MONTHS[moment.month - 1]
    return f"{day}, {moment.day:02d} {month} {moment.year} {moment:%H:%M} {zone}"


def paragraphs(body: str, per_paragraph: int = 3) -> list[str]:
    sentences = [s for s in SENTENCE_END.split(body.strip()) if s]
    return [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    ]


def page(title: str, publisher: str, main: str) -> str:
    nav = "".join(f'<a href="/demo?section={e(s)}">{e(s)}</a>' for s in NAV)
    return f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{e(title)} - {e(publisher)}</title>
<style>{PAGE_CSS}</style>
</head>
<body>
<header class="top"><div class="bar"><a class="logo" href="/demo">Kabar<span>Nusantara</span></a>
<nav aria-label="Kanal">{nav}</nav></div></header>
<main class="page">
{main}
</main>
<footer>&copy; {e(publisher)} &middot; halaman demo <i>recommender</i>: artikel fiktif, widget asli</footer>
</body>
</html>
"""


def article_page(record: dict[str, Any], publisher: str, widget_src: str) -> str:
    authors = ", ".join(record.get("authors") or []) or "Redaksi"
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs(record.get("body") or ""))
    tags = "".join(f"<span>{e(t)}</span>" for t in record.get("tags") or [])
    image = record.get("image_url")
    figure = (
        f'<figure><img src="{e(image)}" alt="{e(record.get("image_caption") or record["title"])}"'
        f' width="1200" height="675"><figcaption>{e(record.get("image_caption"))}</figcaption>'
        "</figure>"
        if image
        else ""
    )
    sponsor = record.get("sponsor")
    if sponsor:  # an advertiser's page, live or ended, says so above its title
        label = sponsor.get("label") or "Konten Bersponsor"
        crumb = (
            f'<div class="crumb" data-sponsored>{e(label)}</div>'
            f'<p class="meta">Iklan dari <b>{e(sponsor.get("name"))}</b></p>'
        )
    else:
        crumb = f'<div class="crumb">{e(record.get("section") or "Berita")}</div>'
    main = f"""<article>
{crumb}
<h1>{e(record["title"])}</h1>
<div class="meta"><b>{e(authors)}</b> &middot; {e(publisher)}<br>
<time datetime="{e(record["published_at"])}">{e(indonesian_datetime(record["published_at"]))}</time></div>
{figure}
<div class="text"><p class="lead">{e(record.get("lead"))}</p>{body}</div>
<div class="tags">{tags}</div>
</article>
<!-- The widget, embedded exactly as a publisher does it. -->
<div data-recommender data-article-id="{e(record["id"])}" data-link-template="/demo/{{id}}"></div>
<script src="{e(widget_src)}" async></script>"""
    return page(record["title"], publisher, main)


def index_page(records: Sequence[dict[str, Any]], publisher: str, section: str | None) -> str:
    items = "".join(
        f'<li><a href="/demo/{e(r["id"])}">{e(r["title"])}</a>'
        f"<small>{e(r.get('section'))} &middot; {e(indonesian_datetime(r['published_at']))}</small></li>"
        for r in records
    )
    heading = f"Berita {section}" if section else "Berita Terbaru"
    main = f"""<div class="crumb">Demo</div>
<h1>{e(heading)}</h1>
<p class="meta">Buka artikel mana pun: widget rekomendasi tampil di bawahnya.</p>
<ul class="list">{items}</ul>"""
    return page(heading, publisher, main)


def placeholder_svg(item_id: str, brand: str, caption: str) -> str:
    """A 16:9 placeholder: a colour fixed by the id, a small brand line and a caption."""
    hue = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:2], "big") % 360
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" width="1200" height="675">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl({hue},52%,42%)"/><stop offset="1" stop-color="hsl({(hue + 35) % 360},58%,24%)"/>
</linearGradient></defs>
<rect width="1200" height="675" fill="url(#g)"/>
<circle cx="1040" cy="120" r="260" fill="#fff" fill-opacity=".07"/>
<circle cx="140" cy="640" r="200" fill="#fff" fill-opacity=".06"/>
<text x="64" y="600" fill="#fff" font-family="system-ui,Arial,sans-serif" font-size="64" font-weight="800" letter-spacing="2">{e(caption.upper())}</text>
<text x="66" y="92" fill="#fff" fill-opacity=".75" font-family="system-ui,Arial,sans-serif" font-size="30" font-weight="600">{e(brand)}</text>
</svg>
"""
