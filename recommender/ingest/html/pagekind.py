"""Article pages versus index, front, tag and search pages (which list articles, and are none)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from urllib.parse import parse_qs, urlsplit
from weakref import WeakKeyDictionary

from lxml import etree
from lxml.html import HtmlElement

from recommender.ingest.html import cjk, titles
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.metadata import LISTING_TYPES, PageMeta, describes, ld_types_of
from recommender.ingest.links import absolute, site_host, strip_tracking

LISTING_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "topik",
        "category",
        "categories",
        "kategori",
        "indeks",
        "index",
        "search",
        "cari",
        "archive",
        "archives",
        "arsip",
        "author",
        "authors",
        "penulis",
        "terkini",
        "terpopuler",
        "latest",
        "label",
        "kanal",
        "rubrik",
        "channel",
        "section",
        "sections",
        "profil",
        "profile",
        "reporter",
        # directories of people: a faculty's or a newsroom's (`/people/faculty/weld`, `/staff/…`)
        "people",
        "faculty",
        "staff",
        "team",
        # sections and categories in other languages (`/sektion/svoemning`), events calendars
        "sektion",
        "kategorie",
        "categoria",
        "categorie",
        "kategoria",
        "rubrique",
        "calendar",
        # tags, topics, authors, archives and searches in the languages of news sites elsewhere
        # (`/thema/klimawandel`, `/etiqueta/elecciones`, `/autore/mario-rossi`, `/suche`)
        "thema",
        "themen",
        "schlagwort",
        "stichwort",
        "ressort",
        "archiv",
        "autor",
        "autoren",
        "suche",
        "tema",
        "temas",
        "etiqueta",
        "etiquetas",
        "autores",
        "buscar",
        "busca",
        "pesquisa",
        "argomento",
        "argomenti",
        "autore",
        "autori",
        "cerca",
        "rubrica",
        "auteur",
        "auteurs",
        "sujet",
        "sujets",
        "mot-cle",
        "mots-cles",
        "recherche",
        "onderwerp",
        "onderwerpen",
        "zoeken",
        "temat",
        "tematy",
        "szukaj",
        "etiket",
        "yazar",
        "arama",
        "chu-de",
        "tac-gia",
        "tim-kiem",
        "carian",
        # ... and in Nordic, Finnish, Czech, Slovak, Croatian, Serbian, Slovenian, Romanian,
        # Hungarian and Baltic ones (`/emne/klima`, `/aihe/ilmasto`, `/stitek/volby`, `/haku`)
        "emne",
        "emner",
        "tagg",
        "taggar",
        "amne",
        "forfatter",
        "skribent",
        "aihe",
        "aiheet",
        "kirjoittaja",
        "haku",
        "sok",
        "soeg",
        "stitek",
        "hledat",
        "hladat",
        "oznaka",
        "pretraga",
        "iskanje",
        "eticheta",
        "cautare",
        "cimke",
        "szerzo",
        "kereses",
        "otsing",
        "paieska",
        "meklet",
    }
)
# Words that start a listing's title but also headlines ("Indeks Harga Saham Gabungan Menguat",
# "Category 5 Hurricane Nears Coast", "Tag Heuer ..."): a listing only when the word (with "berita",
# "news"...) stands alone before the site name or a colon: "Indeks Berita - Kabar", "Tag: banjir".
LISTING_WORD_TITLE = (
    r"(?:indeks|index|arsip|archives?|tags?|topik|topics?|kategori|category|categories)"
    r"(?:\s+(?:berita|news|artikel|articles?|terbaru|terkini))?\s*(?:$|[-|:–—»·•]|\s[-|:–—»·•])"
)
# Phrases no headline starts with: search results, "latest news", "home page" in the languages
# publishers write titles in.
LISTING_PHRASE_TITLE = (
    r"(?:hasil pencarian|search results?|berita terkini|berita terbaru|latest news|home ?page"
    r"|beranda|halaman utama|startseite|accueil|inicio|p[aá]gina inicial|pagina iniziale"
    r"|suchergebnisse|résultats? (?:de (?:la )?recherche|pour)|resultados de (?:la )?b[uú]squeda"
    r"|resultados da (?:pesquisa|busca)|risultati (?:della )?ricerca|zoekresultaten"
    r"|wyniki wyszukiwania|результаты поиска|arama sonuçları|kết quả tìm kiếm|hasil carian"
    r"|strona główna|главная страница|anasayfa|trang chủ|laman utama)(?!\w)"
)
# Search results and front pages in more languages (Nordic, Finnish, Czech, Slovak, the languages of
# former Yugoslavia, Greek, Hungarian, Romanian, Ukrainian, Bulgarian, Arabic, Thai, Japanese,
# Korean), read only alone or before the site's name ("Startsida - Kabar"): a headline may open
# with the same words ("Forside af avisen skabte debat …").
LISTING_NAMED_TITLE = (
    r"(?:(?:sökresultat|søgeresultater|søkeresultater|hakutulokset|výsledky vyhledávání"
    r"|výsledky vyhľadávania|rezultati (?:pretrage|iskanja)|αποτελέσματα αναζήτησης"
    r"|keresési eredmények|rezultatele căutării|результати пошуку|резултати от търсенето"
    r"|نتائج البحث|ผลการค้นหา|検索結果|검색\s?결과)"
    r"(?:\s+(?:för|for|pro|pre|za|για|pentru|для|за|عن|สำหรับ)\s+[^|–—·:｜\-]{1,60})?"
    r"|startsida|forside|etusivu|úvodní stránka|hlavná stránka|naslovnica|početna(?: stranica)?"
    r"|αρχική(?: σελίδα)?|főoldal|pagina principală|головна(?: сторінка)?|начална страница"
    r"|الصفحة الرئيسية|หน้าแรก|ホーム|홈)"
    r"(?=\s*(?:$|[-|–—·:｜]))"
)
LISTING_TITLE = re.compile(
    rf"^\s*(?:{LISTING_WORD_TITLE}|{LISTING_PHRASE_TITLE}|{LISTING_NAMED_TITLE})", re.IGNORECASE
)
# An error page's title or heading, from its start: "404 Errors", "Page Not Found: Details", "Error
# 404 - Halaman tidak ditemukan", "Maaf, halaman tidak ditemukan" (not a headline that mentions a
# missing thing, "Why 'Page Not Found' costs shops", nor one starting with a count, "404 Warga …").
ERROR_TITLE = re.compile(
    r"^\s*(?:(?:error|erreur|fehler)\s*)?404\s*(?:$|[-:|–—]|errors?\b|not found|page)"
    r"|^\s*(?:403\s*)?forbidden\s*$"
    r"|^\s*(?:(?:sorry|oops|maaf)\W*)?(?:the\s+)?(?:page|halaman|seite|página|pagina)\s+"
    r"(?:not found|tidak ditemukan|nicht gefunden|no encontrada|introuvable|non trovata"
    r"|niet gevonden|não encontrada|tidak dijumpai)\b"
    # the same in word orders of their own (Polish, Russian, Turkish, Vietnamese, Japanese,
    # Chinese, Korean ...),
    r"|^\s*(?:(?:nie znaleziono strony|strona nie (?:istnieje|została znaleziona)"
    r"|страница не найдена|sayfa bulunamad[ıi]|không tìm thấy trang|ページが見つかりません"
    r"|页面不存在|页面未找到|找不到页面|페이지를 찾을 수 없습니다"
    # ... Swedish, Danish, Norwegian, Finnish, Czech, Slovak, Croatian, Serbian, Greek,
    # Hungarian, Romanian, Ukrainian, Bulgarian, Arabic, Thai and Hindi
    r"|sidan (?:kunde inte hittas|hittades inte)|siden (?:blev ikke fundet|findes ikke|finnes ikke"
    r"|ble ikke funnet)|sivua ei löytynyt|stránka (?:nenalezena|nebyla nalezena|nenájdená"
    r"|sa nenašla|neexistuje)|stranica nije pronađena|страница није пронађена"
    r"|η σελίδα δεν βρέθηκε|az oldal nem található|pagina nu a fost găsită"
    r"|сторінку не знайдено|сторінка не знайдена|страницата не е намерена|الصفحة غير موجودة"
    r"|ไม่พบหน้า(?:ที่คุณต้องการ|นี้)?|पेज नहीं मिला|पृष्ठ नहीं मिला)"
    r"(?=\s*(?:$|[-|–—·:｜]\s*[^:]{0,40}$)))"  # alone or before a site's name, not a headline
    r"|^\s*not found\s*$",
    re.IGNORECASE,
)
# A site's own pages in a crawl of it: legal texts, about, contact and masthead pages, titled
# just so (perhaps after the company's name: "Intel Terms of Use"); not a headline about them
# ("Twitter changes its terms of service").
SITE_PAGE_TITLE = re.compile(
    r"^\s*(?:(?:[\w&.'’-]+\s+)?(?:terms of (?:service|use)|terms and conditions|privacy (?:policy|notice)"
    r"|cookie policy|legal notice|allgemeine geschäftsbedingungen|politique de confidentialité"
    r"|conditions générales(?: d'utilisation)?|mentions légales|syarat (?:dan|&) ketentuan"
    r"|kebijakan privasi|pedoman media siber)"
    r"|imprint|impressum|datenschutz(?:erklärung)?|nutzungsbedingungen|agb|cgu|disclaimer"
    r"|about us|über uns|tentang kami|contact(?: us)?|kontakt|kontak(?: kami)?|hubungi kami"
    r"|redaksi|susunan redaksi|karir|careers|info iklan|advertise(?: with us)?|site ?map"
    # account pages: "Mot de passe oublié", "Forgot your password?", "Sign in"
    r"|(?:forgot(?:ten)?|lost|reset)(?: your)? password|mot de passe oublié|passwort vergessen"
    r"|contraseña olvidada|lupa (?:kata sandi|password)|sign in|log ?in|sign up|register"
    r"|create (?:an )?account|my account|mon compte|mein konto|connexion|anmelden|masuk|daftar"
    # in Japanese, Chinese and Korean: password reissue, log-in, sign-up
    r"|パスワード(?:再発行|を忘れ\w*)|ログイン|新規登録|会員登録|忘记密码|找回密码|(?:会员|用户)?(?:登录|注册)"
    r"|비밀번호 찾기|로그인|회원가입)"
    r"(?:\s*[(（][^()（）]{1,12}[)）])?\W*$",
    re.IGNORECASE,
)
# `/news/`, `/es/`, `/nasional`: one word, no slug or number, is a section's front page.
SECTION_SEGMENT = re.compile(r"^[a-z]{2,20}$")
MIN_LISTED_ARTICLES = 3
PARAGRAPH_CHARS = 150
MIN_ARTICLE_PARAGRAPHS = 2
MIN_INDEX_HEADLINES = 10
# Share of a page's text inside links above which it is a list of links, not an article.
MAX_LINK_DENSITY = 0.55
# ...unless, navigation left out, few links remain around MIN_ARTICLE_PARAGRAPHS paragraphs of
# running text: a ministry's press release under a large site menu (78 % links, 3 paragraphs), a
# blog post beside its sidebar (64 %, 2); a product page has 1.
NAVIGATION = (
    ".//nav|.//header|.//footer|.//aside"
    "|.//*[contains(@class, 'menu') or contains(@id, 'menu')"
    " or contains(@class, 'nav') or contains(@id, 'nav')"
    " or contains(@class, 'sidebar') or contains(@id, 'sidebar')]"
)


# Open Graph types of pages about a thing rather than a story: a person's or company's profile, a
# product, a book, a song or album, a code repository ("object", GitHub's). Video types are not
# among them: a video page is a video item.
THING_TYPES = frozenset({"profile", "product", "book", "object", "place", "business.business"})
THING_NAMESPACES = frozenset({"music", "books", "product", "fitness", "restaurant", "game"})
MAX_SITE_PAGE_SEGMENTS = 1  # "/" or "/recipes": where a WebSite object alone marks a listing


# JSON-LD types of things a page is about instead of a story, where it describes no article: an
# event (a concert, a match: any `…Event` but a broadcast's or a publication's), a job offer, a
# question and its answers, a dataset, a film, a book, an app, a course, a product, a listing
# for sale. (A business or a place is left out: small sites describe themselves so on every
# page.)
LD_THING_TYPES = frozenset(
    {
        "jobposting",
        "qapage",
        "dataset",
        "datacatalog",
        "movie",
        "tvseries",
        "book",
        "course",
        "softwareapplication",
        "mobileapplication",
        "webapplication",
        "videogame",
        "musicalbum",
        "musicrecording",
        "musicplaylist",
        "product",
        "productgroup",
        "realestatelisting",
        "vehicle",
        "car",
    }
)
NOT_THING_EVENTS = frozenset({"broadcastevent", "publicationevent"})


def ld_things(meta: PageMeta) -> list[str]:
    """The JSON-LD types of things other than stories the page describes (LD_THING_TYPES)."""
    events = {t for t in meta.ld_types if t.endswith("event") and t not in NOT_THING_EVENTS}
    return sorted((meta.ld_types & LD_THING_TYPES) | events)


# JSON-LD types of posts that are no story (an issue tracker's or a forum's thread, a tweet).
THREAD_TYPES = frozenset({"discussionforumposting", "socialmediaposting"})


# The site's root page by its file name (`/index.php`, `/default.aspx`).
FRONT_FILE = re.compile(
    r"^(?:index|default|home|homepage)\.(?:php\d?|html?|shtml|aspx?|jsp|cfm)$", re.IGNORECASE
)


def date_archive(segments: list[str], path: str) -> bool:
    """`/2011/`, `/2011/03`, `/2011/03/30/`: a blog's or a site's archive of those days' posts
    (a post's own URL goes on with its slug). A year alone only as a folder: `/1927` is a post's
    number on some sites."""
    if not 1 <= len(segments) <= 3 or not re.fullmatch(r"(?:199\d|20\d\d)", segments[0]):
        return False
    if len(segments) == 1 and not path.endswith("/"):
        return False
    return all(re.fullmatch(r"\d{1,2}", s) for s in segments[1:])


# One post of a social network's, by its URL: `/USER/status/ID` (Twitter, X, StatusNet and their
# clones), `/@USER/ID` (Mastodon and the fediverse).
STATUS_SEGMENTS = frozenset({"status", "statuses"})
# Wiki engines: a page they make is a reference entry, not a story.
WIKI_GENERATOR = re.compile(r"^(?:MediaWiki|DokuWiki|MoinMoin|TiddlyWiki|XWiki)\b", re.IGNORECASE)
# Forum engines: a page they make is a thread or a board of readers' posts, not a story. Named in
# the `generator`, in the footer's "Powered by", or by their own markup (vBulletin's stylesheet,
# XenForo's root element).
FORUM_SOFTWARE = (
    r"vBulletin|phpBB|XenForo|Invision Power Board|IP\.Board|MyBB|Simple Machines Forum"
    r"|punBB|FluxBB|Burning Board|Discourse"
)
FORUM_GENERATOR = re.compile(rf"^(?:{FORUM_SOFTWARE})\b", re.IGNORECASE)
FORUM_POWERED = re.compile(rf"\bpowered by\W{{0,3}}({FORUM_SOFTWARE})\b", re.IGNORECASE)
FOOT_CHARS = 300


# The script of an account form, whatever folder it is in: `/ticketing/forgot-password.asp`,
# `/forgotpassword.php`, `/wp-login.php`, `/us/client-login/`.
ACCOUNT_FILE = re.compile(
    r"^(?:(?:forgot|forgotten|lost|reset|recover)[-_]?password|password[-_]?(?:reset|recovery|forgot)"
    r"|(?:(?:client|member|members|user|customer|account|my)[-_]?)?"
    r"(?:log[-_]?in|sign[-_]?in|log[-_]?on|sign[-_]?up|register|registration)|wp-login)"
    r"(?:\.(?:php|aspx?|jsp|cfm|cgi|html?))?$",
    re.IGNORECASE,
)


# Query parameters that name the page a script shows.
ACCOUNT_QUERY_KEYS = ("page", "action", "mode", "do", "act", "view")


def account_file(segments: list[str], query: str = "") -> bool:
    """The URL's last part is an account form's script (see ACCOUNT_FILE), or its query asks a
    script for one (`index.php?page=Register`, `ucp.php?mode=register`, `?action=login`)."""
    if segments and ACCOUNT_FILE.match(segments[-1]):
        return True
    asked = parse_qs(query)
    return any(
        ACCOUNT_FILE.match(value) for key in ACCOUNT_QUERY_KEYS for value in asked.get(key, [])
    )


def site_page_title(title: str, sites: list[str]) -> bool:
    """A title of two parts, one the site's name and the other a site's own page's ("Sign in -
    Kabar.com", "Routard.com : Mot de passe oublié")."""
    parts = titles.SEPARATOR.split(title)
    if len(parts) != 2:
        return False
    first, last = parts
    return bool(
        (SITE_PAGE_TITLE.match(first) and titles.is_site_name(last, sites))
        or (SITE_PAGE_TITLE.match(last) and titles.is_site_name(first, sites))
    )


def forum_engine(tree: HtmlElement, generator: str) -> str | None:
    """The forum software that made the page ("phpBB"), where it says so, else None."""
    if FORUM_GENERATOR.match(generator):
        return generator.split()[0]
    if tree.xpath("//style[@id='vbulletin_css']"):
        return "vBulletin"
    if tree.getroottree().getroot().get("id") == "XenForo":  # XenForo 1's `<html id="XenForo">`
        return "XenForo"
    # The page's foot: its footer and copyright lines, and the end of its text (an article about
    # forum software may name one in its own sentences).
    foot = tree.xpath("//footer//text()|//*[contains(@class,'copyright')]//text()")
    text = " ".join([*foot, visible_text(tree)[-FOOT_CHARS:]])
    match = FORUM_POWERED.search(" ".join(text.split()))
    return match.group(1) if match else None


def social_post_path(segments: list[str]) -> bool:
    if len(segments) == 3 and segments[1] in STATUS_SEGMENTS and segments[2].isdigit():
        return True
    return len(segments) == 2 and segments[0].startswith("@") and segments[1].isdigit()


def listing_path(segments: list[str], words: frozenset[str] = LISTING_SEGMENTS) -> bool:
    """`/tag/banjir`, `/indeks`, `/topic/123/banjir`: a listing word in a short path whose last
    part is no article slug (an article may live under `/arsip/2019/.../slug.html`)."""
    if not segments or len(segments) > 3 or not words.intersection(segments[:2]):
        return False
    last = segments[-1]
    return not (last.endswith((".html", ".htm")) or len(re.split(r"[-_]+", last)) >= 4)


def filed_story(segments: list[str], meta: PageMeta) -> bool:
    """`/themen/artenvielfalt/loechrige-lebensversicherung`: a story filed under a topic, where
    the topic word opens a three-part path ending in a slug of words (no page number) and the
    page's metadata calls it an article and states when it was published (a topic's page is
    `/themen/artenvielfalt`, its second page `/themen/artenvielfalt/seite-2`)."""
    if len(segments) != 3 or LISTING_SEGMENTS.intersection(segments[1:]):
        return False
    words = [w for w in re.split(r"[-_]+", segments[2]) if w]
    if len(words) < 2 or any(w.isdigit() for w in words):
        return False
    return meta.is_article and bool(meta.times or meta.first("article:published_time"))


# Path words of a site's own pages: forms and searches (`/footer/subscribe`, `/us/people-search`,
# `/about/contact-us/`).
SITE_PAGE_SEGMENTS = frozenset(
    {
        "subscribe",
        "subscription",
        "subscriptions",
        "newsletter-signup",
        "login",
        "signin",
        "sign-in",
        "register",
        "signup",
        "sign-up",
        "account",
        "people-search",
        "langganan",
        "masuk",
        "daftar",
        # contact forms
        "contact",
        "contacts",
        "contact-us",
        "contactus",
        "kontakt",
        "contacto",
        "contato",
        "contatti",
        "kontak",
        "kontak-kami",
        "hubungi-kami",
        # a business's request forms
        "hire-us",
        "work-with-us",
        "request-a-quote",
        "get-a-quote",
    }
)


BLOCKS = frozenset(
    {"p", "div", "br", "li", "td", "th", "section", "article", "blockquote", "dd", "figcaption"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main", "aside", "nav", "ul", "ol"}
)


BOUNDARY = "\u2029"


def long_paragraphs(tree: HtmlElement) -> int:
    """Paragraphs of running text: long runs of text outside links, whether each is a `<p>` or
    they are separated by `<br>` in one element (as older CMSs write articles)."""
    import copy

    root = tree.find(".//body")
    pruned = copy.deepcopy(root if root is not None else tree)
    for element in pruned.xpath(".//script|.//style|.//noscript|.//a"):
        element.drop_tree()
    # Block boundaries are marked with a character no page uses for layout (pages wrap the text of
    # one paragraph over several source lines, so newlines are no boundaries).
    for element in pruned.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCKS:
            element.tail = BOUNDARY + (element.tail or "")
            element.text = BOUNDARY + (element.text or "")
    runs = (pruned.text_content() or "").split(BOUNDARY)
    # Chinese paragraphs are short in characters for what they say (cjk.weight).
    return sum(1 for run in runs if cjk.weight(" ".join(run.split())) >= PARAGRAPH_CHARS)


def headline_links(tree: HtmlElement) -> int:
    """Links whose text reads like a headline (five words or more; cjk.phrase_words)."""
    return sum(1 for a in tree.iter("a") if cjk.phrase_words(a.text_content() or "") >= 5)


# How far up from a summary its listing item may begin: `<article><a><h2>…</h2></a><p>…</p>`, or a
# summary wrapped once or twice more than its headline.
TEASER_LEVELS = 3


def own_weights(tree: HtmlElement) -> dict[HtmlElement, int]:
    """Each element's weight (cjk.weight, whitespace collapsed) of its text outside links and
    scripts, in one pass from the leaves up."""
    weights: dict[HtmlElement, int] = {}
    for _, element in etree.iterwalk(tree, events=("end",)):
        if not isinstance(element.tag, str):
            continue
        weight = _weight(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED_TEXT:
                weight += weights.get(child, 0)
            weight += _weight(child.tail)
        weights[element] = weight
    return weights


def _weight(text: str | None) -> int:
    return cjk.weight(" ".join(text.split())) if text else 0


SKIPPED_TEXT = frozenset({"a", "script", "style", "noscript"})


def summaries(tree: HtmlElement, weights: dict[HtmlElement, int], chars: int) -> list[HtmlElement]:
    """The innermost blocks holding a paragraph of `chars` or more outside links (`weights`:
    own_weights)."""
    long = [e for e in tree.iter(*SUMMARY_TAGS) if weights.get(e, 0) >= chars]
    outer = {a for e in long for a in e.iterancestors()}
    return [e for e in long if e not in outer]


SUMMARY_TAGS = ("p", "div", "li", "span", "dd", "td", "section", "article", "blockquote")
# A paragraph of an article written in short paragraphs (a sentence each).
SHORT_PARAGRAPH_CHARS = 60


def teaser_items(tree: HtmlElement) -> list[HtmlElement]:
    """A listing's items that describe the story they link: each holds one paragraph of running
    text, its only one, after a headline link (headline, date, summary), the paragraph at most
    TEASER_LEVELS below the item: a tag or section page describing every story it lists, or a
    box of related stories doing the same. A link after the paragraph ("Baca juga: …") is no
    item's headline."""
    return _teaser_items(tree, own_weights(tree))


def _teaser_items(tree: HtmlElement, weights: dict[HtmlElement, int]) -> list[HtmlElement]:
    blocks = summaries(tree, weights, PARAGRAPH_CHARS)
    inside = set(blocks)
    items: list[HtmlElement] = []
    for block in blocks:
        item = block
        for _ in range(TEASER_LEVELS):
            item = item.getparent()
            if item is None or any(b in inside for b in item.iterdescendants() if b is not block):
                break
            if _headline_before(item, block):
                items.append(item)
                break
    return items


def _headline_before(item: HtmlElement, block: HtmlElement) -> bool:
    """A headline link (five words or more) in `item` before `block` in document order."""
    for element in item.iter():
        if element is block:
            return False
        if element.tag == "a" and cjk.phrase_words(element.text_content() or "") >= 5:
            return True
    return False


def text_outside(
    tree: HtmlElement, items: list[HtmlElement], weights: dict[HtmlElement, int]
) -> int:
    """The running text (paragraphs of SHORT_PARAGRAPH_CHARS or more) outside `items`."""
    within = set(items)
    return sum(
        weights[block]
        for block in summaries(tree, weights, SHORT_PARAGRAPH_CHARS)
        if block not in within and not any(a in within for a in block.iterancestors())
    )


HEADING_TAGS = ("h1", "h2", "h3", "h4")
# Where a page's own furniture is, not its content: the site's menus, header, footer, sidebars.
FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})


def story_shown_elsewhere(tree: HtmlElement, url: str | None) -> str | None:
    """The URL of the first story a listing page shows (a blog's front, tag or category page:
    each post's headline linking to the post, then the post whole or its opening paragraphs):
    the page's first paragraph of running text (sentence-long ones counted: an article may be
    written so) comes under a headline that links to another page of the site;
    MIN_LISTED_ARTICLES or more headlines of that element and class, each linking to another
    page, have running text under them; and they hold LISTED_SHARE of the page's running text. None for an article: its headline links nowhere or to itself, and a
    box of teasers before or after it holds little of the page's text."""
    if not url:
        return None
    order = [e for e in tree.iter(*HEADING_TAGS, "p") if not _in_furniture(e)]
    heading: HtmlElement | None = None
    kind: tuple[str, str | None] | None = None
    story: str | None = None
    items: set[HtmlElement] = set()  # the headlines of that kind with running text under them
    listed = total = 0
    for element in order:
        if element.tag != "p":
            heading = element
            continue
        if _weight(element.text_content()) < SHORT_PARAGRAPH_CHARS:
            continue
        if kind is None:  # the page's first paragraph of running text
            story = _other_page(heading, url) if heading is not None else None
            if heading is None or story is None:
                return None
            kind = (heading.tag, heading.get("class"))
        total += 1
        if heading is not None and _item_of(heading, kind, items, url):
            items.add(heading)
            listed += 1
    if len(items) < MIN_LISTED_ARTICLES or listed < LISTED_SHARE * total:
        return None
    return story


# The share of a page's running text a listing's items hold (the rest: an author's box, a
# sidebar's blurb written as paragraphs).
LISTED_SHARE = 0.8


def _item_of(
    heading: HtmlElement, kind: tuple[str, str | None], items: set[HtmlElement], url: str
) -> bool:
    """Whether `heading` is one of a listing's headlines: of `kind`, linking to another page."""
    if (heading.tag, heading.get("class")) != kind:
        return False
    return heading in items or _other_page(heading, url) is not None


def _in_furniture(element: HtmlElement) -> bool:
    return any(a.tag in FURNITURE_TAGS for a in element.iterancestors())


def _other_page(heading: HtmlElement, url: str) -> str | None:
    """The page of the site other than `url` (and its front page) that a headline links to:
    by a link inside it, or one wrapped around it."""
    links = [*heading.iter("a"), *(a for a in heading.iterancestors() if a.tag == "a")]
    here = _page_key(url)
    for link in links:
        target = absolute(link.get("href"), url)
        if target is None:
            continue
        target = strip_tracking(target)  # its fragment gone too: `#comments` is this page
        elsewhere = _page_key(target) != here and not front_page(target)
        if elsewhere and site_host(target) == site_host(url):
            return target
    return None


# The fewest lines of a body that is nothing but headlines linking to other stories; the share of
# its lines that must be such links (the rest: a heading, a "more" line).
MIN_LISTED_LINES = 5
LISTED_LINE_SHARE = 0.8
MAX_LISTED_LINE_CHARS = 200  # a headline's length, at most


def linked_headlines(tree: HtmlElement, text: str, url: str | None) -> int:
    """How many lines of the body `text` are the words of a link to another page of the site,
    when all but a few of its lines are (a section's list of stories read as the body); else 0."""
    lines = [line.removeprefix("- ").strip() for line in text.splitlines() if line.strip()]
    if len(lines) < MIN_LISTED_LINES or not url:
        return 0
    headline_sized = sum(1 for line in lines if len(line) <= MAX_LISTED_LINE_CHARS)
    if headline_sized < LISTED_LINE_SHARE * len(lines):  # a story's paragraphs: no list
        return 0
    here = _page_key(url)
    linked: set[str] = set()  # the words of each link to another page, and of each part of it
    for link in tree.iter("a"):
        target = absolute(link.get("href"), url)
        if not target or _page_key(strip_tracking(target)) == here:
            continue
        if site_host(target) == site_host(url):
            parts = (e for e in link.iter() if isinstance(e.tag, str))  # not a comment in it
            linked.update(" ".join((e.text_content() or "").split()) for e in parts)
    count = sum(1 for line in lines if line in linked)
    return count if count >= LISTED_LINE_SHARE * len(lines) else 0


def _page_key(url: str) -> str:
    """A URL's path and query, without a closing slash: what tells one page of a site from
    another (`http://` or `https://`, `www.` or not)."""
    parts = urlsplit(url)
    return parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def link_density(tree: HtmlElement) -> float:
    body = tree.find(".//body")
    root = body if body is not None else tree
    total = len(re.sub(r"\s+", "", root.text_content() or ""))
    linked = sum(len(re.sub(r"\s+", "", a.text_content() or "")) for a in root.iter("a"))
    return linked / total if total else 1.0


# The share of a page's link text an element must hold to be named as where its links are.
LINKS_HOLDER_SHARE = 0.6


def links_holder(tree: HtmlElement) -> str | None:
    """The innermost element holding most of the page's link text (`LINKS_HOLDER_SHARE`) that has
    a name, as a CSS selector (`div#navcontainer`, `nav`), for an onboarding engineer who meets a
    refusal as "a page of links": a site menu that a site rule's `drop` can take out. None where
    no element below the body holds that much, or none of those has a name."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    linked: dict[HtmlElement, int] = {}
    for link in root.iter("a"):
        size = len("".join((link.text_content() or "").split()))
        for element in link.iterancestors():
            linked[element] = linked.get(element, 0) + size
            if element is root:
                break
    total = linked.get(root, 0)
    if not total:
        return None
    holders = [
        e for e, size in linked.items() if e is not root and size >= LINKS_HOLDER_SHARE * total
    ]
    if not holders:
        return None
    # They nest (no two disjoint elements hold most of the links): the innermost one with a name
    # names the box.
    for holder in sorted(holders, key=lambda e: sum(1 for _ in e.iter())):
        if name := css_name(holder):
            return name
    return None


# Elements whose tag alone names them on most pages.
NAMED_TAGS = frozenset({"nav", "aside", "header", "footer"})
CSS_IDENT = re.compile(r"[A-Za-z][\w-]*")


def css_name(element: HtmlElement) -> str | None:
    """A CSS selector naming `element` by its id, its first two classes, or a tag that names it
    (`nav`); None for an element with none of them."""
    ident = (element.get("id") or "").strip()
    if CSS_IDENT.fullmatch(ident):
        return f"{element.tag}#{ident}"
    classes = [c for c in (element.get("class") or "").split() if CSS_IDENT.fullmatch(c)]
    if classes:
        return f"{element.tag}.{'.'.join(classes[:2])}"
    return element.tag if element.tag in NAMED_TAGS else None


def article_amid_menus(tree: HtmlElement, paragraphs: int) -> bool:
    """Paragraphs of running text, and few links and headline links once navigation (`<nav>`,
    `<header>`, `<footer>`, `<aside>`, menus, sidebars) is left out: an article inside a large
    site menu."""
    import copy

    if paragraphs < MIN_ARTICLE_PARAGRAPHS:
        return False
    pruned = copy.deepcopy(tree)
    for element in pruned.xpath(NAVIGATION):
        if element.getparent() is not None:
            element.drop_tree()
    # A portal's front page keeps its teaser headlines outside the menus (16 on one held-out page).
    return link_density(pruned) <= MAX_LINK_DENSITY and headline_links(pruned) < MIN_INDEX_HEADLINES


# A script template's placeholder left unrendered in the page's text: "{{content.title}}".
PLACEHOLDER = re.compile(r"\{\{[^{}]{1,300}\}\}")
MIN_PLACEHOLDERS = 3
MIN_PLACEHOLDER_SHARE = 0.3
VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
    " and not(ancestor::template) and not(ancestor::pre) and not(ancestor::code)]"
)


# The visible text per parsed page: asked by several checks of one page (a rendered page, a
# forum's foot, a shop's controls, a recipe's headnote); the importer never changes a tree it
# reads (the body is taken from a copy).
_VISIBLE: WeakKeyDictionary[HtmlElement, str] = WeakKeyDictionary()


def visible_text(tree: HtmlElement) -> str:
    """The text a reader sees in the page's body (VISIBLE_TEXT), whitespace collapsed."""
    if tree not in _VISIBLE:
        _VISIBLE[tree] = " ".join(" ".join(str(t) for t in tree.xpath(VISIBLE_TEXT)).split())
    return _VISIBLE[tree]


def check_rendered(tree: HtmlElement) -> None:
    """Raise ExtractionError(`page`) for a page saved before its scripts rendered it: its text is
    a template's placeholders (`{{content.title}}`), the article is not in it."""
    text = visible_text(tree)
    placeholders = PLACEHOLDER.findall(text)
    share = sum(len(p) for p in placeholders) / max(len(text), 1)
    if len(placeholders) >= MIN_PLACEHOLDERS and share >= MIN_PLACEHOLDER_SHARE:
        raise ExtractionError(
            "page",
            f"a script template, not a rendered article ({len(placeholders)} placeholders such"
            f" as {placeholders[0][:60]!r} in its text): save the page as the browser shows it",
        )


def front_page(url: str) -> bool:
    """The site's root: no path, however many slashes a template writes ("https://site.example//"),
    or a root file name (`/index.php`), and no query (`/?p=959` is a WordPress post's plain
    permalink; `index.php?...` a script's page)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    root = not segments or (len(segments) == 1 and bool(FRONT_FILE.match(segments[0])))
    return root and not parts.query


def check_article(
    tree: HtmlElement,
    meta: PageMeta,
    url: str | None,
    title: str,
    dated_headline: Callable[[], bool] = lambda: False,
) -> None:
    """Raise ExtractionError(`page`) when the page lists articles instead of being one;
    `dated_headline` says whether a date is printed right under the headline (asked only of a
    page with many headline links and little text)."""
    dated_headline = cache(dated_headline)  # asked by two checks below, answered once
    parts = urlsplit(url) if url else None
    path = parts.path if parts else None
    segments = [s.lower() for s in (path or "").split("/") if s]
    if url and front_page(url):
        raise ExtractionError("page", f"a front page ({url}), not an article")
    page_title = " ".join((tree.findtext(".//title") or "").split())
    headings = [" ".join(h.text_content().split()) for h in tree.iter("h1")]
    if any(ERROR_TITLE.search(t) for t in (title, page_title, *headings)):
        raise ExtractionError("page", f"an error page ({page_title or title!r}), not an article")
    if social_post_path(segments):
        raise ExtractionError(
            "page", f"a social network's post (URL path /{'/'.join(segments)}), not an article"
        )
    generator = (meta.first("generator") or "").strip()
    if WIKI_GENERATOR.match(generator):
        raise ExtractionError(
            "page", f"a wiki's entry (made by {generator.split()[0]}), not a news article"
        )
    if (engine := forum_engine(tree, generator)) is not None:
        raise ExtractionError("page", f"a forum's page (made by {engine}), not a news article")
    if date_archive(segments, path or "") and not (parts and parts.query):
        raise ExtractionError(
            "page", f"a date archive (URL path /{'/'.join(segments)}/), not an article"
        )
    # Index pages may describe each story they list as a JSON-LD article; a page that is one
    # article says which (its URL), or describes one or two (itself, a related story).
    if url and len(meta.articles) >= MIN_LISTED_ARTICLES and not meta.articles_about(url):
        raise ExtractionError(
            "page",
            f"a listing page ({len(meta.articles)} JSON-LD articles, none of them this page's"
            " URL), not an article",
        )
    works = meta.works
    listed_works = len(works) >= MIN_LISTED_ARTICLES and not meta.articles
    if url and listed_works and not any(describes(obj, url) for obj in works):
        raise ExtractionError(
            "page",
            f"a listing page ({len(works)} JSON-LD recipes or how-tos, none of them this page's"
            " URL), not an article",
        )
    # A forum thread or a social network's post is a schema.org "Article" too, but no story.
    posts = {t for obj in meta.articles for t in ld_types_of(obj)}
    if posts and posts <= THREAD_TYPES:
        kinds = ", ".join(sorted(posts))
        raise ExtractionError(
            "page", f"a discussion or social post (JSON-LD {kinds}), not an article"
        )
    # A JSON-LD article is the strongest sign; templates put og:type=article on every page, so
    # that alone does not outweigh a listing URL.
    if meta.articles:
        return
    if SITE_PAGE_TITLE.match(title) or site_page_title(title, titles.site_words(meta, url)):
        raise ExtractionError("page", f"a page about the site ({title!r}), not an article")
    # No headline of its own: titled with the site's name alone, the page is its front or one of
    # its own pages (a form's, a login's), however it is dated (a clock in its header).
    if titles.only_site_name(title, url):
        raise ExtractionError(
            "page", f"a page titled with the site's name alone ({title!r}), not an article"
        )
    kind = (meta.first("og:type") or "").strip().lower()
    # A shop's recipe page is typed as its product (a rice seller's, a meal kit's) and says in
    # JSON-LD or microdata that it is about one recipe: that outweighs the og:type.
    thing = kind in THING_TYPES or kind.split(".")[0] in THING_NAMESPACES
    if thing and meta.work is None and not meta.microdata_article:
        raise ExtractionError("page", f"og:type {kind!r} is a page about a thing, not an article")
    if listing_path(segments) and not filed_story(segments, meta):
        raise ExtractionError(
            "page", f"an index or profile page (URL path /{'/'.join(segments)}), not an article"
        )
    if listing_path(segments, SITE_PAGE_SEGMENTS) or account_file(
        segments, parts.query if parts else ""
    ):
        raise ExtractionError(
            "page",
            f"a form or search of the site's own (URL path /{'/'.join(segments)}), not an article",
        )
    # A one-word path is a section's (`/sport`), or a blog post's short slug (`/sangria/`) where
    # the page describes one recipe or how-to (JSON-LD) or one dated story (microdata).
    one_story = meta.work is not None or meta.microdata_article
    one_word = len(segments) == 1 and SECTION_SEGMENT.match(segments[0])
    if one_word and not one_story and not (parts and parts.query):
        raise ExtractionError("page", f"a section front page ({url}), not an article")
    if meta.is_article:
        return
    if (things := ld_things(meta)) and meta.video is None:
        raise ExtractionError(
            "page", f"a page about a thing: JSON-LD {', '.join(things)}, no article; not an article"
        )
    if LISTING_TITLE.match(title):
        raise ExtractionError("page", f"an index page (title {title!r}), not an article")
    # The site's own `WebSite` object (its name, its search box) is on every page of many
    # sites: alone, it makes a listing of the front page or a section's, not of a deeper page.
    listed = meta.ld_types & LISTING_TYPES
    site_only = listed == {"website"} and len(segments) > MAX_SITE_PAGE_SEGMENTS
    if listed and not site_only and not meta.is_article and "webpage" not in meta.ld_types:
        kinds = ", ".join(sorted(listed))
        raise ExtractionError("page", f"a listing page (JSON-LD {kinds}), not an article")
    paragraphs, headlines = long_paragraphs(tree), headline_links(tree)
    # A short story amid a site's menus of headlines is dated under its own headline ("27 juin
    # 2019" under a post of one paragraph, a song's lyrics "January 29th, 2013"); a listing's
    # dates are its teasers'.
    few = paragraphs < MIN_ARTICLE_PARAGRAPHS and headlines >= MIN_INDEX_HEADLINES
    if few and not dated_headline():
        raise ExtractionError(
            "page",
            f"an index page ({headlines} headline links, {paragraphs}"
            f" paragraph{'' if paragraphs == 1 else 's'} of text), not an article",
        )
    # A listing whose items each describe their story: its paragraphs are those descriptions,
    # and outside them is less running text than one paragraph (sentence-long paragraphs
    # counted: a brief beside a box of described stories is an article).
    if headlines >= MIN_INDEX_HEADLINES:
        weights = own_weights(tree)
        items = _teaser_items(tree, weights)
        teasers = len(items)
        if (
            teasers >= MIN_LISTED_ARTICLES
            and paragraphs - teasers < MIN_ARTICLE_PARAGRAPHS
            and text_outside(tree, items, weights) < PARAGRAPH_CHARS
        ):
            raise ExtractionError(
                "page",
                f"an index page ({headlines} headline links, {teasers} of its {paragraphs}"
                " paragraphs of text each a summary under one of them), not an article",
            )
    if (story := story_shown_elsewhere(tree, url)) is not None:
        raise ExtractionError(
            "page",
            f"a listing of stories, each under a headline linking to its own page (the first:"
            f" {story}), not an article",
        )
    density = link_density(tree)
    # A story of one paragraph dated under its headline counts as one of two paragraphs here.
    if density > MAX_LINK_DENSITY and paragraphs < MIN_ARTICLE_PARAGRAPHS and dated_headline():
        paragraphs = MIN_ARTICLE_PARAGRAPHS
    if density > MAX_LINK_DENSITY and not article_amid_menus(tree, paragraphs):
        holder = links_holder(tree)
        where = (
            f"; most in {holder}: if that is a menu around an article, a site rule's `drop`"
            " takes it out"
            if holder
            else ""
        )
        raise ExtractionError(
            "page",
            f"a page of links ({density:.0%} of its text is links: an index or front page{where})",
        )


# A shop's controls in the languages publishers write ("Add to cart", "In den Warenkorb"...).
ADD_TO_CART = re.compile(
    r"add to (?:cart|bag|basket)|in den warenkorb|ajouter au panier|añadir al carrito"
    r"|aggiungi al carrello|metti nel carrello|l[äa]gg i varukorgen|læg i kurv|legg i handlekurven|do koszyka"
    r"|в корзину|カートに入れる|장바구니|tambah(?:kan)? ke keranjang|masukkan keranjang",
    re.IGNORECASE,
)
CART_CLASS = (
    "//*[contains(@class, 'add-to-cart') or contains(@class, 'addtocart')"
    " or contains(@id, 'add-to-cart') or contains(@id, 'addtocart')]"
)
PRODUCT_ITEM = (
    "//*[@itemtype and (contains(@itemtype, 'schema.org/Product')"
    " or contains(@itemtype, 'schema.org/Offer'))]"
)


# What a link or a button says without text of its own: its title, its image's `alt`, an
# input's value ("Acquista - compra - metti nel carrello" on an image button).
CONTROL_LABELS = (
    "//a/@title|//a//img/@alt|//button/@title|//button//img/@alt|//input/@value|//input/@alt"
    "|//a/@aria-label|//button/@aria-label"
)


WORDPRESS_PAGE_ID = re.compile(r"^page-id-\d+$")


def wordpress_page(tree: HtmlElement) -> bool:
    """A WordPress "page" (the site's static pages: about, services, contact), not a post: its
    theme marks `<body class="page page-id-42 ...">`, a post `single single-post postid-42`."""
    body = tree.find(".//body")
    classes = (body.get("class") or "").split() if body is not None else []
    return "page" in classes and any(WORDPRESS_PAGE_ID.match(c) for c in classes)


def cart_control(tree: HtmlElement) -> bool:
    """An "Add to cart" button or link (its words, its label or its class)."""
    if ADD_TO_CART.search(visible_text(tree)) or tree.xpath(CART_CLASS):
        return True
    labels = " | ".join(str(label) for label in tree.xpath(CONTROL_LABELS))
    return bool(ADD_TO_CART.search(labels))


def shop_or_account_page(tree: HtmlElement) -> str:
    """What shows a page to be a shop's or a user account's rather than a story's (a product
    described in microdata, an "Add to cart" control, a password field), in words; "" for none.
    Only asked of pages that show no sign of an article: news sites put a login box on their
    stories too."""
    if tree.xpath(PRODUCT_ITEM):
        return "a product described in microdata"
    if cart_control(tree):
        return "an 'add to cart' control"
    if tree.xpath("//input[@type='password']"):
        return "a password field"
    return ""
