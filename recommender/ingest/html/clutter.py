"""Page furniture: elements pruned before extraction, and whole lines dropped after it.

Pruning by class or id ("share", "related", "paywall"...) is only safe on small elements: themes
put those words on `<body>` and `<main>` too (`<main class="js-social-anchor-start">`,
`<body class="paywall">`), and deleting such an element deletes the article. So structural
elements are never pruned, nor any element holding the headline or a large share of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable

from lxml.html import HtmlElement

from recommender.ingest.html import cjk, pagekind
from recommender.ingest.html.metadata import COMMENT_WORDS
from recommender.ingest.html.titles import headline_h1, squash

CLUTTER_TOKENS = frozenset(
    {
        "related",
        "terkait",
        "login",
        "regist",  # a sign-up box: "m-articleRegist" (Nikkei)
        "register",
        "registration",
        "signup",
        "paywall",
        "subscribe",
        "newsletter",
        "iklan",
        "ads",
        "advert",
        "advertisement",
        "share",
        "sharing",
        "social",
        "comments",
        "comment",  # one reader's comment, a comment box ("visitors_comment_block")
        *COMMENT_WORDS,  # in other languages: "komentar", "comentarios", "kommentare", ...
        "reviews",  # readers' reviews under a recipe or product ("recipes-reviews-container")
        "ugc",  # user-generated content: readers' photos and reviews ("ugc-item")
        "breadcrumb",
        "breadcrumbs",
        "popular",
        "terpopuler",
        "recommended",
        "rekomendasi",
        "pagination",
        "copyright",
        # the standfirst above the story (the lead keeps it) and captions; not "intro", which
        # marks a story's own first paragraph too (Herald Sun's `story-intro`)
        "teaser",
        "standfirst",
        "vorspann",
        "chapo",
        "chapeau",
        "dek",
        "caption",
        "abstract",  # channelpartner's `div.abstract` above the story
        "disclosure",  # "This post may contain affiliate links" (`p.disclosure`)
        "trademark",  # "Trademarks referred to herein are..." (`ul.rdpTrademarks`)
        "trademarks",
        "udostepnij",  # Polish "share" (`group-udostepnij`)
        "fivestar",  # Drupal's rating widget ("Oceń przepis...", "(40 głosów)")
        "bio",  # the writer's profile closing a post (`div.bio`: "Über mich" / "Mein Name ist …")
    }
)
# Words that begin class words of furniture: "infoboxinline", "infobox_author".
CLUTTER_PREFIXES = ("infobox",)
CLUTTER_PAIRS = (
    ("baca", "juga"),
    ("read", "more"),
    ("load", "more"),
    ("most", "read"),
    ("image", "description"),  # a photo's caption: "atc-ImageDescriptionText" (FAZ)
    ("info", "box"),  # a box beside the story: an author's profile in "InfoBox"
    ("photo", "credit"),  # a photo's credit and caption: "photo_credit_container" (NBC News)
    ("video", "player"),  # an inline player and its description: "mod-inline video-player" (ESPN)
    # the writer's profile under or beside the story: "author-block", "author-box", "author-bio"
    ("author", "block"),
    ("author", "box"),
    ("auth", "box"),  # "auth-box1" (a GeneratePress block)
    ("author", "bio"),
    ("about", "author"),
    # a banner the whole site shows above every page: "w-header__global-alert", "site-alert"
    ("global", "alert"),
    ("site", "alert"),
    ("sitewide", "alert"),
    ("alert", "banner"),
    ("alert", "bar"),
)
NEVER_PRUNED = frozenset({"html", "body", "main", "article", "head"})
MAX_SHARE_OF_TEXT = 0.3
MAX_BEFORE_HEADLINE = 0.6
TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")

DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MONTH = r"(?:[a-z]{3,9}\.?)"
DATE_ONLY_LINE = (
    rf"[-–•·|]?\s*(?:{DAY},?\s*)?(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}"
    rf"|{MONTH}\s+\d{{1,2}},?\s+\d{{4}})[,\s|\-–]*(?:(?:pukul\s+)?\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:wib|wita|wit|[ap]m|utc|gmt)?)?"
)
# What readers write under a story or a recipe, in a heading's words.
READERS_WORD = r"(?:comments?|kommentare?|commentaires?|reviews?|bewertungen|ratings?|avis|ulasan)"
# A photo's credit in brackets, Taiwanese, Chinese, Korean and Japanese sites' way: "（圖／記者林悅
# 翻攝）", "(图/视觉中国)", "(사진=연합뉴스)", "（写真：共同）".
PHOTO_CREDIT = (
    r"[（(]\s*(?:圖|图|照片|圖片|图片|攝影|摄影|翻攝|翻摄|資料照|资料照|사진|写真)\s*[／/：:=]"
    r"[^（）()]{0,40}[）)]"
)
# Whole lines that are never article text.
CLUTTER_LINE = re.compile(
    r"^\s*(?:"
    rf"{DATE_ONLY_LINE}"  # dates of related stories, the byline's date on its own
    # the site's name before the byline's date: "Kompas.com - 10/11/2026, 09:15 WIB"
    rf"|[\w-]+\.(?:com|co\.id|id|net|tv)\s*[-–|]\s*{DATE_ONLY_LINE}"
    r"|(?:dibaca|dilihat|views?)\s*:?\s*[\d.,]+\s*(?:kali|x|times)?"  # view counters
    r"|[\d.,]+[kmrb]?\s*(?:kali dibaca|views?|dilihat|x dibaca|reads?|shares?|komentar|comments?)"
    r"|(?:load|show|view) more\b.*|muat (?:lebih banyak|lainnya)\b.*|lihat (?:semua|lainnya)\b.*"
    # the heading of readers' reviews or comments: "Comments (12)", "Bewertungen & Kommentare"
    rf"|(?:(?:leave|post|add|write) an? )?{READERS_WORD}(?:\s*(?:&|and|und|et|\+)\s*{READERS_WORD})?"
    r"\s*(?:\(\d+\))?\W*"
    # page numbers: "Halaman 2 dari 3", a pager's "Halaman: 1 2 3"
    r"|(?:halaman|hal\.?|page)\s*:?\s*\d+(?:\s*(?:dari|of|/)\s*\d+|(?:\s+\d+){1,12})?"
    # "Halaman: 1 2 3 Selanjutnya", "Halaman Selanjutnya"
    r"|(?:halaman|hal\.?)\s*:?\s*(?:\d+\s*){0,12}(?:selanjutnya|berikutnya|sebelumnya)\W*"
    r"|(?:[«‹<]\s*)?(?:\d+\s*){1,12}(?:[»›>]|selanjutnya|next|berikutnya)?"
    r"|(?:selanjutnya|sebelumnya|berikutnya|next|previous|prev)\s*[»›>]?"
    r"|(?:informasi )?pemasangan iklan\b.*|pasang iklan\b.*|(?:informasi|info) iklan\b.*"
    # labels: "Editor: …", "- Blog : Petits papiers, grandes histoires..", "Quelle: dpa"
    r"|(?:[-–•(]\s*)?(?:editor|redaktur|penyunting|pewarta|penulis|reporter|wartawan|kontributor|laporan|"
    r"(?:judul|link|tautan) (?:artikel|berita)|"  # a syndicated copy's "Judul Artikel : …"
    r"author|autor|autorin|auteur|autora|autore|"
    r"sumber(?: foto)?|fotos?|fotografer|video|ilustrasi|uploader|writer|edited by|sources?|duration|"
    r"images?|"
    r"photos?|blog|quellen?|bild(?:er)?|(?:photo )?credits?|crédits?|"
    # ... photo, source and editor labels of Nordic, Finnish, Czech, Croatian, Romanian,
    # Hungarian and Greek pages: "Kuva: Lehtikuva", "Kilde: NTB", "Zdroj: ČTK"
    r"kuvat?|lähde|toimittaja|kilde|källa|redaktør|redaktör|zdroj|izvor|sursa|sursă|forrás"
    r"|φωτογραφία|φωτό|πηγή)\s*[:：].{0,120}"
    # Chinese pages' labels, perhaps in brackets: "（责任编辑：龙慧）", "责编：Demi Xia",
    # "图片来源：视觉中国", "文/记者 张三"
    r"|[（(\[【]?\s*(?:责任编辑|责编|编辑|实习编辑|校对|审核|审校|监制|作者|记者|来源|稿源"
    r"|图片来源|摄影|图|文)\s*[:：/|丨｜].{0,60}?[)）\]】]?"
    r"|▲?\s*图(?:为|片来自|片由).{0,100}"  # a photo's caption: "图为…的近影。", "▲图片来自视频截图。"
    # a photo's caption marked with a triangle and closed by its credit, as Taiwanese and Korean
    # sites print it ("▲台南市永康分局…。（圖／記者林悅翻攝）"), or the credit alone
    rf"|[▲▼△▽]+.{{0,300}}{PHOTO_CREDIT}|{PHOTO_CREDIT}"
    # a caption of a sentence or two closed by its photo credit, as Indonesian pages print it
    # between paragraphs: "Warga mengungsi di masjid, Selasa (10/11/2026). (ANTARA FOTO/Adi)"
    r"|.{0,250}[.!?]\s*\((?:antara foto|foto|photo)\s*[:/][^()]{1,60}\)"
    # invitations to download the site's app or to join its fan page: "還想看更多新聞嗎？歡迎下載自由
    # 時報APP…", ">>加入蘋果日報粉絲團94即時94狂！", "Download the fitmencook app"
    r"|.{0,40}(?:下載|下载).{0,20}(?:app|應用程式|应用程序|客戶端|客户端).{0,80}"
    r"|(?:>>|》|►)?\s*(?:加入|追蹤|追踪|按讚|關注|订阅|訂閱).{0,20}(?:粉絲團|粉丝团|粉專|粉絲頁|粉丝页"
    r"|臉書|脸书|官方帳號|官方账号|頻道|频道).{0,60}"
    r"|(?:download|get) (?:the|our) (?:free )?[\w'’-]{2,30} app(?: (?:now|today|here|for free))?[.!:]?"
    r"|(?:题图|头图|封面图)\s*(?:来自|来源|由).{0,60}"  # the header image's credit: "题图来自 Hater"
    r"|(?:喜欢|喜歡)(?:这篇|這篇|本篇|本)文章.{0,80}"  # "喜欢这篇文章？去 App 商店搜 …": an app's promotion
    # a WeChat account's keyword replies: "1、回复【社保】查询广州社保缴纳记录"
    r"|(?:\d{1,2}\s*[、.]\s*)?回复\s*【.{1,20}】.{0,60}"
    # Chinese notices: reprint terms, disclaimers, QR codes, "back to" and "click to" links
    r"|.{0,20}(?:(?:转载|转发)请注明(?:出处|来源|本文链接)|未经(?:授权|许可).{0,12}转载|版权(?:所有|声明)"
    r"|声明\s*[:：]).{0,300}"
    r"|本文(?:仅)?代表作者(?:本人|个人)?(?:的)?(?:观点|立场).{0,200}"
    r"|【?\s*免责声明\s*】?.{0,300}"
    r"|.{0,30}(?:扫描|扫一扫|长按|识别).{0,20}二维码.{0,60}"
    r"|.{0,20}关注.{0,20}(?:微信|公众号|微博|客户端).{0,40}"
    r"|返回.{0,20}(?:首页|查看更多|顶部).{0,20}|点击(?:进入|查看|阅读|这里).{0,40}"
    # a credit, names only: "Photography by Dan Seifert."
    r"|(?:photography|photos?|illustrations?|graphics|images|video) by (?-i:[A-Z][\w.'’-]*"
    r"(?:(?:\s+|,\s*|\s+(?:and|und|et|&)\s+)[A-Z][\w.'’-]*){0,7})\.?"
    r"|(?:go )?back to top\b.{0,80}|skip to\b.{0,80}"  # "Go Back to Top. Skip To: Start of Article."
    # A cookie notice, which addresses the reader about this site: "Durch die weitere Nutzung
    # der Webseite stimmen Sie … Cookies zu.", "We use cookies. By continuing to use this site …"
    # (not a story's sentence about cookie banners).
    r"|(?=.{0,250}\bcookies?\b)(?=.{0,250}\b(?:weitere nutzung|stimmen sie|zustimm|akzeptier|"
    r"einverstanden|accept|agree|consent|continu(?:e|ing) to use|en poursuivant|acceptez|"
    r"utilisation|menyetujui|setuju|dengan melanjutkan))(?=.{0,250}\b(?:you|your|sie|ihre?|"
    r"vous|votre|anda|kamu|we|wir|nous|kami|this (?:site|website)|(?:diese|der) (?:web)?seite|"
    r"ce site|situs ini)\b).{0,300}"
    # Legal notes under financial commentary: "Alle Angaben ohne Gewähr.", "Disclaimer: …"
    r"|(?:disclaimer|haftungsausschluss|risikohinweis|offenlegung gemäß)\b.{0,500}"
    r"|alle angaben ohne gewähr\W*"
    # "RELATED: Pat Benatar is moving on", "Lihat Juga : …" (CNN Indonesia), "(Baca: …)",
    # "Selanjutnya: …" (Liputan6's next part), "Also read: …"
    r"|\(?\s*(?:related|terkait|baca(?: juga| selengkapnya)?|lihat juga|see also|also read|read also"
    r"|selanjutnya)\s*:.{0,150}"
    # the same label in Hungarian, Polish and Russian: "Kapcsolódó írások:", "Czytaj także:"
    r"|(?:kapcsolódó (?:írások|cikkek|hírek)|czytaj (?:także|też|również)|читайте также)\s*:.{0,150}"
    # "Read also" in other languages, the story it names after it: "Lire aussi Martine Bulard,
    # « En Corée… », Le Monde diplomatique", "Lesen Sie auch: …", "Mehr zum Thema".
    r"|(?:à )?lire aussi\b.{0,200}|lesen sie (?:auch|mehr)\b.{0,200}|mehr zum thema\b.{0,200}"
    r"|leer (?:también|más)\b.{0,200}|leia (?:também|mais)\b.{0,200}"
    # a notice, not a sentence about copyright ("Copyright law in the union has changed …")
    r"|(?:copyright|hak cipta)\b(?!\s+(?:laws?|holders?|owners?|infringements?|protection|claims?"
    r"|office|act|directive|reform|rules|terms?|lawsuits?|cases?|disputes?|violations?|is|was"
    r"|has|can|may|will|would|and)\b).{0,120}"
    r"|(?:©|\(c\)).{0,120}|.{0,80}\ball rights reserved\b.*"
    # a site's footer after its copyright year: "Copyright 2013 DailyTech LLC. - RSS Feed | ..."
    r"|copyright\s*(?:©\s*)?(?:19|20)\d\d\b.{0,250}"
    r"|like us on facebook\W*"
    # a comment policy under the story: "Bloomberg moderates all comments. Comments that are
    # abusive or off-topic will not be posted to the site. ..."
    r"|(?:[\w.'’-]+\s+){0,2}moderates? all (?:reader )?comments\.(?:\s.{0,400})?"
    r"|.{0,100}\bcomments (?:that|which) (?:are|contain)\b.{0,80}\bwill not be (?:posted|published)\b.{0,300}"
    # a newsletter's invitation, ending on its call: "Kick off your day with ZDNet's daily email
    # newsletter. ... Get it."; a newsletter's note opening the story as its site publishes it:
    # "This is The Marshall Project's Closing Argument newsletter, … Want this delivered to your
    # inbox? Sign up for future newsletters."
    r"|(?=.{0,200}\byour\b)(?=.{0,200}\bnewsletter\b)"
    r".{0,200}\b(?:get it|sign up|subscribe)"
    r"(?: now| today| here| (?:for|to) (?:[\w’'-]+ ){0,3}newsletters?)?\W*"
    r"|(?:home|beranda|index|indeks)\s*(?:[>»›/]|&gt;).{0,150}"  # breadcrumbs
    r"|(?:tags?|tagged|topik|topics?|kata kunci|keywords?)\s*:.{0,200}"
    r"|laporan (?:wartawan|reporter|koresponden)\b.{0,80}"
    # invitations to watch or follow, perhaps with a channel's instructions (Kompas.com's "Simak
    # breaking news … WhatsApp Channel : https://… Pastikan kamu sudah install aplikasi …")
    r"|(?:simak|saksikan|tonton)(?: juga)? (?:breaking news|berita|info|update|video|live|siaran"
    r"|tayangan)\b.{0,300}"
    # a player's notes and prompts: "Untuk menampilkan video ini, aktifkan JavaScript", "Jangan
    # lewatkan video terbaru kami"
    r"|untuk menampilkan video ini\b.{0,100}|jangan lewatkan (?:video|berita|artikel|info)\b.{0,100}"
    # a long story's next page, or the rest of it elsewhere: "Selengkapnya di halaman
    # selanjutnya.", "Simak selengkapnya di sini.", "Baca info lengkapnya di sini."
    r"|(?:simak |baca |lihat )?(?:info )?(?:selengkapnya|lengkapnya)\s*(?:(?:di|pada)\s*(?:sini"
    r"|halaman (?:selanjutnya|berikutnya))|disini)\W*"
    # a prompt to scroll past an ad: "Scroll ke bawah untuk melanjutkan membaca", "GULIR UNTUK
    # LANJUT BACA", "- Scroll untuk melanjutkan -"
    r"|[-–]?\s*(?:scroll|gulir)\b.{0,30}?\b(?:melanjutkan|lanjut|continue|resume)"
    r"(?:\s+(?:membaca|baca|reading|(?:with )?content|konten))?\W*"
    r"|ikuti perkembangan berita\b.{0,150}"
    r"|klik (?:di ?sini|link)\b.{0,150}"
    # an invitation to a mailing list: "Join our mailing list", "Join our newsletter for …"
    r"|join (?:our|the) (?:mailing list|e-?mail list|newsletter)\b.{0,100}"
    r"|(?:(?:ayo|yuk|mari)\s+)?(?:gabung|bergabung|join)\b.{0,40}\b(?:whatsapp|telegram|channel"
    r"|saluran)\b.{0,100}"
    r"|(?:cek berita dan artikel|(?:terus )?ikuti (?:kami|berita|terus)|follow us|follow berita)"
    r".{0,150}"
    # an appeal to subscribe, perhaps with the channel's instructions (Kompas.com's "Dapatkan
    # update berita pilihan … Mari bergabung di Grup Telegram …, caranya klik link …")
    r"|(?:bergabung(?: dan)? )?dapatkan (?:update|berita)\b.{0,300}"
    # the same for a messenger or an app: "Dapatkan informasi lain dari Tribunnews via saluran
    # WhatsApp: di sini" (not a service story's "Dapatkan informasi di kantor kelurahan")
    r"|dapatkan (?:informasi|info)\b.{0,100}\b(?:whatsapp|telegram|google news|saluran|channel)"
    r"\b.{0,100}"
    # Google News prompts: "Baca berita dan artikel lainnya di Google News", "Silakan baca konten
    # menarik lainnya dari JPNN.com di Google News", and Google's "Add … as a preferred source"
    r"|(?:(?:silakan|yuk|ayo|terus),?\s+)?(?:baca|simak|cek|ikuti|follow|dapatkan)\b.{0,100}"
    r"\bdi google news\b.{0,150}"
    r"|.{0,60}\bpreferred source on google\W*"
    # a reader's account: "Belum punya akun? Klik di sini. Lupa password", and a metered
    # paywall's "Agar bisa lanjut membaca sampai tuntas artikel ini, pastikan Anda ..."
    r"|(?:belum|sudah) punya akun\s*\?\s*(?:klik|daftar|masuk|login|sign)\b.{0,150}"
    r"|lupa (?:kata sandi|password)\W*"
    r"|agar (?:bisa|dapat) (?:lanjut|melanjutkan) membaca\b.{0,250}"
    r"|kirim(?:kan)? komentar\b.{0,150}"  # "Kirimkan komentar anda melalui kolom di bawah ini"
    # invitations to read on: "Yuk, baca artikel kesehatan lainnya", "Klik untuk membaca berita
    # lainnya"
    r"|(?:(?:yuk|ayo|mari),?\s+baca|klik untuk (?:membaca|baca))\b.{0,100}"
    # "Follow IDN Times untuk mendapatkan berita terbaru, klik untuk follow"
    r"|(?:follow|ikuti)\s+\S+(?:\s+\S+){0,2}\s+untuk (?:mendapatkan|dapatkan|mendapat)"
    r" (?:berita|update|info(?:rmasi)?) (?:terbaru|terkini)\b.{0,100}"
    # Indonesian portals' syndication notes and footers: "Artikel ini telah tayang di Kompas.com
    # dengan judul ...", "Baca artikel detiknews, "..." selengkapnya https://...", "Download Apps
    # Detikcom Sekarang https://...", a CNN Indonesia player's marker "(Gambas:Video CNN)"
    r"|artikel ini (?:telah |sudah )?(?:tayang|ditayangkan|terbit|dimuat|diterbitkan|ditulis oleh)\b"
    r".{0,250}"
    # a print edition's note, and a contributor's credit: "Versi cetak artikel ini terbit di
    # harian Kompas …", "Rani Wijaya berkontribusi dalam penulisan artikel ini."
    r"|versi cetak (?:artikel|berita|tulisan) ini\b.{0,250}"
    r"|.{0,80}\bberkontribusi dalam (?:penulisan|pembuatan|peliputan) (?:artikel|berita|laporan"
    r"|tulisan) ini\W*"
    r"|baca artikel \S+.{0,200}\bselengkapnya\b.{0,200}|download apps? \S+.{0,120}"
    r"|(?:download|unduh|get) (?:the |our )?(?:aplikasi|apps?)\b.{0,150}"  # "Download the app now …"
    r"|\(\s*gambas\s*:.{0,60}\)"
    # a widget's heading on its own line: "Pilihan Untuk Anda", "Topik Terkait:", "Komentar"
    r"|(?:pilihan untuk(?:mu| anda)|rekomendasi(?: untuk anda)?|topik terkait"
    r"|video (?:pilihan|terkait)"
    # "Pilihan Redaksi", "Berita Terkini", "Tampilkan Ringkasan Artikel", a share bar's "Bagikan
    # artikel ini", a pager's "Halaman", "TERKAIT LAINNYA DI DETIKNETWORK", "Tulis Komentar",
    # kumparan's "Konten dari Pengguna"
    r"|pilihan(?: redaksi)?|berita terkini|(?:berita|artikel) (?:terkait|lainnya)|halaman"
    r"|bagikan(?: (?:artikel|berita) ini)?|tulis komentar(?: anda)?|konten dari pengguna"
    r"|konten bersponsor|(?:tampilkan|sembunyikan) ringkasan(?: artikel)?|terkait lainnya\b.{0,40}"
    r"|terpopuler|berita populer|komentar|lanjutkan membaca|berita lainnya|selengkapnya|tags?"
    r"|tim redaksi|tutup|loading|memuat|lihat foto|editor'?s pick|sponsored content|most popular"
    r"|trending(?: now)?|(?:artikel|berita) (?:selanjutnya|sebelumnya)"
    r"|dengarkan(?: artikel(?: ini)?| berita(?: ini)?)?)\s*[:.…]*"
    # players' and readers' prompts: "SCROLL TO RESUME CONTENT", "Tonton Video Pilihan di Bawah
    # Ini:", "Baca berita dengan sedikit iklan, klik di sini", "Pilihan Editor: …", detik's notice
    # under comments, "* Follow Official WhatsApp Channel …"
    r"|scroll to (?:resume|continue)(?: with)? content|tonton (?:juga )?video\b.{0,80}"
    r"|(?:loading|memuat)\b.{0,30}?(?:\.\.\.|…)"  # a widget still loading: "Loading weather data ..."
    r"|baca berita dengan sedikit iklan\b.{0,60}|pilihan editor\s*:.{0,150}"
    r"|isi komentar sepenuhnya\b.{0,150}"
    r"|[*•]?\s*(?:follow|ikuti)\b.{0,40}\b(?:whatsapp|telegram|google news|instagram|channel)\b.{0,150}"
    # the same in other languages: a messenger channel and a call to join it ("… Присоединяйтесь к
    # подписчикам telegram-канала URA.RU … Подписаться на URA.RU.")
    r"|(?=.{0,300}(?:telegram|телеграм|whatsapp))"
    r"(?=.{0,300}(?:подпи[сш]|присоедин|suscr[ií]b|[úu]nete|assine|inscreva|abonn))\S.{0,500}"
    # a feature for subscribers only: "Esta funcionalidad es exclusiva para registrados."
    r"|.{0,60}\bexclusiv[oa]s? (?:para|pour les) (?:usuarios |utilisateurs )?"
    r"(?:registrados|suscriptores|assinantes|abonados|abonnés|inscrits)\b.{0,100}"
    # Sign-up prompts: "Sign up now for the Us Weekly newsletter", "Daftar buletin harian kami".
    r"|(?:[^.?!]{0,60}[?!.]\s+)?(?:click here to\s+)?(?:sign up|subscribe|get|daftar|berlangganan)\b.{0,100}"
    r"\b(?:newsletters?|brief|alerts|e-?mails?"
    r"|inbox|buletin)\b.{0,60}"
    r"|advertisement|iklan|advertorial|sponsored"
    # an affiliate disclosure: "This post may contain affiliate links. See my privacy policy.",
    # "As an Amazon Associate I earn from qualifying purchases."
    r"|this (?:post|article|page|recipe|site) (?:may )?(?:contains?|includes?|has) affiliate"
    r" links\b.{0,200}|as an amazon associate\b.{0,150}"
    # an invitation to a channel elsewhere: "Subscribe to The Kitchen Magpie on YouTube"
    r"|(?:subscribe to|follow)\b.{0,60}\bon (?:youtube|instagram|facebook|pinterest|tiktok)\b\W*"
    r"|latest videos(?: from\b.{0,60})?"
    r"|\[.{0,200}\]|【.{0,200}】"  # bracketed promotions: "[Get New York Today in your inbox.]"
    r"|continue reading(?: the main story)?\W*|reuse content|loading comments\W*"
    r"|this (?:story|article) (?:appears|appeared) in the\b.{0,300}"  # a magazine's issue line
    # a syndicated story's note: "This article originally appeared on VICE US."
    r"|this (?:story|article|post|piece) (?:was )?(?:originally|first) (?:appeared|published|"
    r"ran)\b.{0,150}"
    # an update stamp on its own: "Updated on September 19 at 3:15 p.m."
    r"|(?:last )?(?:updated|published|posted|aktualisiert|mis à jour|actualizado|diperbarui"
    r"|diterbitkan)\b(?: (?:on|at|am|le|el))?"
    r".{0,40}?(?:\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?\s?m\.?)?|\d{4})(?:\s+(?:uhr|[a-z]{2,4}))?\W*"
    r"|(?:last )?(?:updated|published|posted)\s+\d{1,2}\s+(?:minutes?|mins?|hours?|hrs?|days?) ago\W*"
    r"|\d{1,2}\s*(?:-\s*)?min(?:ute)?s?\.?\s+read"  # a reading time: "3 min read"
    r"|(?:estimated )?(?:reading|read) time\s*:?\s*\d{1,2}\s*(?:min(?:ute)?s?)?\.?"
    # a metered paywall's count: "This is your last article that you can read this month before
    # you need to register a free LeadDev.com account."
    r"|(?:this is )?(?:your )?(?:last|\d{1,2}|one|two|three)(?: free)? (?:articles?|stories)"
    r" (?:that )?you (?:can )?(?:read|have)(?: left)?(?: (?:this|per) month)\b.{0,150}"
    # a newsletter's pitch addressing the reader: "Receive weekly engineering insights to level
    # up your leadership approach."
    r"|(?=.{0,120}\byour?\b)(?:receive|get)\s+(?:our\s+)?(?:weekly|daily|monthly)\b.{0,100}"
    # lines an article's player, ads and share bar leave between its paragraphs
    r"|(?:story|article) continues (?:below|after)(?: (?:this|the))?(?: ad(?:vertisement)?)?\W*"
    r"|continue reading (?:below|after the ad(?:vertisement)?)\W*"
    # "ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT" (detik, CNN Indonesia) as one line
    r"|advertisement\s*[-–:]?\s*scroll to (?:continue|resume)(?: with)?(?: content)?|skip advertisement"
    r"|(?:recommended|related) (?:coverage|content|reading|videos?|stories|articles)\s*:?"
    r"|recommended for you"
    r"|listen to this (?:article|story)\b.{0,40}|listen\s*[·:]\s*\d{1,2}:\d{2}.{0,20}"
    r"|copy link|link copied|print|email|most read|read next|up next|click here to read more"
    # BBC's image and media credits: "Image source, Getty Images", "Image caption, ..."
    r"|(?:image|media) (?:source|caption)\s*,.{0,250}"
    r"|watch\s*:.{0,150}"  # a video teaser: "WATCH: Floods in Jakarta"
    # wire and desk credits: "Reporting by Ananda Teresia in Jakarta; Editing by Kanupriya
    # Kapoor", "Contributing: John Smith, USA TODAY", "The Associated Press contributed to this
    # report.", "Our Standards: The Thomson Reuters Trust Principles."
    r"|\(?(?:(?:additional )?reporting|writing|editing|compiled) by (?-i:[A-Z][\w.'’-]*)"
    r"(?:[\s,;&]+(?:and|in|from|at|(?-i:[A-Z][\w.'’-]*)|(?:(?:additional )?reporting|writing|editing)"
    r" by))*\.?\)?"
    r"|contributing\s*:.{0,150}|.{0,200}\bcontributed to this (?:report|story|article)\.?"
    # how to reach the author: "Jemele Hill can be reached at jemeleespn@gmail.com."
    r"|(?:[\w.'’-]+\s+){1,4}(?:can|may) be reached at\s+(?:\S+@\S+|@\w+|\+?\d[\d() .-]{6,}\d)"
    r"(?:\s+or\s+.{0,80})?\.?"
    r"|follow (?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3} on (?:twitter|x|instagram|facebook)\b.{0,100}"
    r"|our standards\s*:.{0,100}"
    r"|(?:[\w.'’-]+\s+){0,4}via getty images|getty images|afp|ap photo|reuters|epa(?:-efe)?"
    r"|\([^()/]{2,60}/[^()/]{2,40}\)"  # a photo credit on its own line: "(Scott Heins/Gothamist)"
    r"|(?:recent|more) (?:slide ?shows|videos|stories|news)\b.{0,40}"
    # English sites' furniture, as web-text extractors leave it: the AP's syndication notice;
    # WordPress's share and like bars ("Share this: Email Twitter Facebook", "Like this: Like
    # Loading...", "Click to share on Facebook (Opens in new window)"); post navigation
    # ("Posted in World", "Filed under: …", "Next post: …"); widget headings; donation,
    # newsletter, tip and correction prompts; a republisher's note (The Conversation's)
    r"|this material may not be published, broadcast, rewritten or redistributed\b.{0,100}"
    r"|like this:?\s*like loading\W*"
    r"|click to (?:share|email|print)\b.{0,80}\(opens in new window\).{0,40}"
    r"|share this:?(?:\s*(?:email|twitter|facebook|reddit|linkedin|tumblr|pinterest|whatsapp"
    r"|telegram|print|more|x)\b\W*)*"
    r"|share (?:this (?:story|article|post)|on (?:facebook|twitter|x|linkedin|whatsapp|reddit"
    r"|pinterest|email))\W*"
    r"|(?:posted in|filed under)\s*:?\s*[^.!?]{0,80}"
    r"|(?:previous|next|older|newer) (?:article|post|story)(?:\s*[:»›>-]\s*.{0,150})?\W*"
    r"|you may also like|watch next|top stories|breaking news|don'?t miss|show comments"
    r"|open in app|ad feedback|related posts"
    r"|support (?:our|independent|local) journalism\b.{0,200}|thanks? (?:you )?for reading\W*"
    r"|(?:have|got) an? (?:news )?tip\?.{0,150}"
    r"|read the full (?:story|article) (?:here|at|on)\b.{0,60}"
    r"|(?:click|tap) here to (?:subscribe|sign up|register|join|download|add|read|watch|listen)"
    r"\b.{0,100}"
    r"|(?:report an? (?:error|typo|correction)|send us a correction|submit a correction)\W*"
    r"|this (?:article|story) (?:is|was) republished from\b.{0,250}"
    # an archive's banner over an old story: "This article is more than 5 years old"
    r"|this (?:article|story|post) is (?:more than|over) \d+ (?:years?|months?) old\W*"
    r"|want more (?:stories|news|articles)\b.{0,100}"
    r"|.{0,40}\busing an ad ?blocker\b.{0,150}"
    r"|subscribe to our (?:youtube|newsletter|podcast|channel)\b.{0,100}"
    r"|already (?:a subscriber|have an account|registered)\?.{0,100}"
    r"|\(\s*[a-z]{2,6}(?:\s*/\s*[a-z]{2,6}){0,3}\s*\)"  # desk initials closing a story: "(suc/up)", "(bsc)"
    r"|\(\*\)"  # the asterisk regional papers close a story with
    r"|(?:follow|find) (?:him|her|them|me|us) on (?:twitter|facebook|instagram|x)\b.{0,150}"
    r"|.{0,60}\bis on (?:twitter|x|instagram) at\b.{0,60}"  # an author's handle under the story
    # a call to the reader after a question about the post itself: "Like this recipe? Pin it to
    # your … pinboard!", "Like what you’re reading? Click here to get Smoke Signals, our free …"
    r"|(?:like|love|enjoy(?:ed)?|liked|loved)\s+(?:this|what you['’]re reading)\b[^?]{0,40}\?\s*"
    r"(?:pin|click|tap|share|save|sign up|subscribe|rate|tag|follow|get|join)\b.{0,250}"
    # a blogger's shop: "Find and shop my favorite products in my Amazon storefront here!"
    r"|(?:find|shop|visit|check out|see)\b.{0,60}\b(?:my|our) amazon (?:storefront|shop)\b.{0,40}"
    # the notice above a comment form ("Before you comment please read our community
    # guidelines.") and a recipe's rating prompts ("Rate this recipe", "Did you make this
    # recipe? Tag …", "What did you think of this recipe?")
    r"|(?:before (?:you )?(?:comment|post)(?:ing)?,?\s+)?please read our (?:community guidelines"
    r"|comment(?:ing)? (?:policy|guidelines)|house rules)\b.{0,100}"
    r"|(?:rate|review) this recipe\W*|what did you think (?:of|about) this recipe\?.{0,100}"
    r"|did you (?:make|try) this recipe\?.{0,150}"
    # more of a recipe card's and a recipe blog's prompts: "Made this recipe?", "Share a photo of
    # what you made on Instagram …", "Please rate this recipe in the comments below …", "Looking
    # for more tasty Fish recipes? Try these out:", "Pin this to your Dinner Ideas Boards …", "One
    # click and you'll get notified of new videos …", "Thanks to ads on this website, …"
    r"|made this recipe\?.{0,150}|share a (?:photo|picture|pic) of (?:what|your)\b.{0,150}"
    r"|please (?:rate|review) this recipe\b.{0,150}"
    r"|(?:looking for|want|craving|need) (?:some )?more\b[^?]{0,40}\b(?:recipes|ideas)\?.{0,60}"
    r"|pin (?:this|it)\b.{0,60}\b(?:boards?|pinterest)\b.{0,100}"
    r"|one click and you['’]ll get notified\b.{0,100}"
    r"|thanks to (?:the )?(?:ads|advertising|advertisements) on this (?:website|site|blog)\b.{0,250}"
    # the label over a list of links to more of the site's recipes or stories, its list gone:
    # "Noch mehr Lieblingsrezepte:", "More chili recipes you’ll love:", "Plus de recettes :"
    r"|(?:(?:noch )?mehr|more|plus de|más|mais|altre|meer)\b[^.!?:]{0,40}"
    r"(?:rezepte|recipes|recettes|recetas|receitas|ricette|recepten|stories|articles|artikel)"
    r"[^.!?:]{0,30}:"
    # a rating widget's own lines: "Leave your rating:", "So far this is rated 5/5 from 730
    # votes", "Be the first to rate this."
    r"|(?:leave|give|add) (?:your|a) rating\W*|be the first to rate this\b.{0,40}"
    r"|(?:so far )?this (?:is|was|has been) rated [\d.,]+\s*(?:/|out of)\s*\d+\s*(?:from|by|based on)"
    r" [\d.,]+ (?:votes?|ratings?|reviews?|people)\W*"
    r")\s*$",
    re.IGNORECASE,
)
# Whole lines of news sites' furniture in other languages (German, French, Spanish, Portuguese,
# Italian, Dutch, Polish, Russian, Turkish, Vietnamese), as public scrapers of those sites strip
# them (fundus's publishers, fivefilters' site configs, per-site cleaners): "read also" labels, ad
# markers, share and copy-link buttons, players' notes, paywall and subscription prompts, consent
# placeholders of embedded content, error-report prompts, AI-summary notes. Labels that stand
# alone are matched alone ("Partager", "Werbung"); a label that introduces a story or a prompt
# ends the line it opens ("Lire aussi : …", "Подписывайтесь на наш канал …"). After a label
# that introduces a story (INTRODUCED): a colon or a dash and anything, or a headline (no full
# stop: "Leggi anche Il governo approva la manovra"), or nothing. A sentence that opens with the
# same words ends with a full stop ("Leggi anche le norme sul lavoro agile, ha detto il ministro.").
INTRODUCED = r"(?:\s*[:：\-–—|»›>]\s*.{0,150}|\s+[^.]{1,150}|\W*)"
# "Read also" and "related stories" in Arabic, Hindi, Japanese, Korean, Chinese, Thai and
# Filipino (WORLD_CLUTTER_LINE reads them only alone or before a colon, a dash or the headline
# in brackets).
READ_ALSO_LABEL = (
    r"(?:(?:اقرأ|إقرأ) (?:أيضا|أيضاً|ايضا)|(?:यह|ये) भी पढ़ें|関連記事|関連ニュース|あわせて読みたい"
    r"|관련\s?기사|관련\s?뉴스|相关阅读|延伸阅读|相关新闻|推荐阅读|相關閱讀|延伸閱讀|相關新聞|推薦閱讀"
    r"|อ่านเพิ่มเติม|ข่าวที่เกี่ยวข้อง|basahin(?: din| rin)?)"
)
WORLD_CLUTTER_LINE = re.compile(
    r"^\s*(?:"
    # ad markers and single-word buttons
    r"(?:anzeige|werbung|publicit[ée]|publicidad|publicidade|pubblicit[àa]|advertentie|reklama"
    r"|реклама|reklam|quảng cáo|anuncio|\[publicidad\]|partager|compartir|teilen|condividi"
    r"|delen|udostępnij|поделиться|paylaş|commentaires|comentarios|comentários|commenti|reacties"
    r"|komentarze|комментарии|yorumlar|polecamy|рекомендуем|подробнее|mais lidas|más leídas"
    r"|najczęściej czytane|сейчас читают|i più letti|meistgelesen|annons|annonce|annonse|mainos"
    r"|διαφήμιση|reklāma|reklaam|publicitate|del|dela|jaa|sdílet|zdieľať|podijeli|podeli"
    r"|distribuie|κοινοποίηση|megosztás|поділитися|сподели|(?:del|dela|jaa) (?:artikel|artikeln"
    r"|artiklen|artikkelen|artikkeli)|kopier(?:a)? (?:link|länk|lenke)(?:en)?|kopioi linkki"
    r"|zkopírovat odkaz|kopiraj poveznicu)\s*[:.]?"
    # German
    rf"|lesen sie (?:hier|dazu|weiter){INTRODUCED}|das könnte sie (?:auch )?interessieren\W*"
    r"|meistgeklickte nachrichten\b.{0,60}|keine wichtigen (?:news|nachrichten) mehr verpassen\W*"
    r"|jetzt angebot und vorteile checken\W*|mehr (?:wichtige )?nachrichten aus\b.{0,60}"
    r"|alle artikel (?:der serie|zum thema)\b.{0,60}|weitere (?:news|meldungen|nachrichten|artikel"
    r"|videos)\W*|auch interessant\W*|link kopieren\W*|weitere optionen zum teilen\W*"
    r"|bild vergrößern\W*|jetzt (?:abonnieren|registrieren|weiterlesen|testen)\b.{0,60}"
    r"|artikel (?:freischalten|anhören|teilen|merken|drucken|verschenken)\W*"
    r"|(?:haben sie )?(?:einen )?fehler (?:im text )?gefunden\s*\?.{0,150}"
    r"|helfen sie uns,? besser zu werden\W*|zum inhalt springen\W*"
    r"|.{0,80}\bmit hilfe von künstlicher intelligenz erstellt\b.{0,100}"
    r"|fanden sie die zusammenfassung hilfreich\W*"
    r"|weiter mit\b.{0,30}\b(?:abo|werbung)\W*|bereits abonnent\b.{0,80}"
    r"|rechte am artikel\b.{0,80}|ohne abo weiterlesen\b.{0,60}|zugang zu allen\b.{0,60}"
    r"|[-–]?\s*mit einem klick online kündbar\W*"
    r"|empfohlener (?:externer|redaktioneller) inhalt\b.{0,300}|externer inhalt von\b.{0,80}"
    r"|an dieser stelle\b.{0,100}\bexterne[nr]? inhalt\b.{0,300}"
    r"|ich bin damit einverstanden, dass mir\b.{0,200}"
    r"|dieser artikel ist teil (?:von|der|des)\b.{0,150}"
    r"|zur (?:startseite|homepage)\b.{0,40}|zum (?:seitenanfang|artikel)\W*"
    r"|dieses (?:audio|video) ist (?:derzeit )?nicht verfügbar\W*"
    r"|laden sie sich\b.{0,80}\bapp\b.{0,80}"
    # French
    r"|s'abonner\W*|abonnez-vous(?:\s+(?:à|au|aux|dès)\b.{0,120})?\W*|lire plus tard\W*"
    r"|(?:(?:cet )?article )?réservé (?:à nos|aux) abonnés\W*"
    r"|cet article (?:vous est offert|est réservé aux abonnés)\b.{0,100}"
    r"|pour lire gratuitement\b.{0,120}|il vous reste \d+\s?% de cet article à lire\b.{0,200}"
    r"|vous pouvez lire (?:le|la|l')\b.{0,200}\bappareil\b.{0,100}|réutiliser ce contenu\W*"
    r"|offrir cet article\W*|(?:[\w.'’-]+\s+){1,3}avec (?:afp|reuters|ap|l'afp|agences)\W*"
    rf"|voir aussi{INTRODUCED}|passer la publicité\W*|copier le lien\W*|lien copié\W*"
    r"|partager (?:via|cet article|l'article|sur (?:facebook|twitter|x|linkedin|whatsapp))\b.{0,40}"
    r"|écouter (?:cet |l')article\W*|déjà abonné\s*\?.{0,80}"
    r"|vous avez envie de lire la suite\s*\?.{0,150}|regarder la vidéo\b.{0,100}"
    r"|ajouter à (?:mes|vos) favoris\W*|suivez-nous sur\b.{0,100}"
    r"|retrouvez l'article original sur\b.{0,100}|sur le même sujet\W*"
    r"|imprimer (?:cet |l')article\W*"
    # Spanish
    r"|ir a(?:l contenido| los comentarios)\W*|copiar enlace\W*"
    r"|compartir en (?:facebook|twitter|x|whatsapp|linkedin|telegram)\W*"
    r"|tu suscripción se está usando\b.{0,150}|¿?quieres añadir otro usuario a tu suscripción\W*"
    r"|archivado en\W*|se adhiere a los criterios de\b.{0,100}"
    r"|si está interesado en licenciar este contenido\b.{0,100}|seguir leyendo\W*"
    r"|síguenos en\b.{0,100}|suscr[íi]bete(?:\s+(?:a|al|aquí|ahora|gratis|para)\b.{0,120})?\W*"
    r"|inicia sesión (?:para|o)\b.{0,100}"
    rf"|más información\W*|(?:también )?te (?:puede|podría) interesar{INTRODUCED}"
    r"|contenido exclusivo para\b.{0,100}|art[íi]culo (?:solo|exclusivo) para suscriptores\W*"
    r"|si ya est[áa](?:s|is)? suscrit[oa]s?\b.{0,80}|sobre la firma\W*"
    rf"|mir[aá] también{INTRODUCED}"
    r"|lea también\s*:.{0,150}|\(?\s*sig(?:a|ue) leyendo\s*:.{0,150}"
    r"|este contenido fue (?:reescrito|creado|generado)\b.{0,40}\binteligencia artificial\b.{0,100}"
    r"|únete a nuestro canal\b.{0,100}|fuente de la imagen\s*,.{0,100}|pie de foto\s*,.{0,250}"
    # Portuguese
    r"|continuar a ler\W*|continuar lendo\W*|assine já\b.{0,100}"
    r"|partilhar (?:notícia|artigo)\b.{0,100}|deixe (?:o )?seu comentário\W*|comunicar erro\W*"
    rf"|ouça agora\W*|powered by trinity audio\W*|veja também{INTRODUCED}"
    r"|recurso exclusivo para assinantes\b.{0,100}|assine ou faça login\W*|salvar artigos?\W*"
    r"|saiba mais(?:\s*:.{0,150}|\W*)|sem tempo\?.{0,100}"
    r"|quer receber\b.{0,100}\b(?:inscreva-se|assine|cadastre-se)\b.{0,40}"
    r"|os comentários não representam a opinião\b.{0,200}"
    # a recipe's rating prompt and its notice ("A sua avaliação desta receita poderá demorar …")
    r"|o que (?:achou|achaste) d(?:esta|essa) receita\?.{0,100}|avalie (?:esta|essa) receita\W*"
    r"|a sua avaliação d(?:esta|essa) receita\b.{0,150}"
    # Italian
    r"|riproduzione riservata\b.{0,100}|salva questo articolo\b.{0,200}"
    rf"|per ricevere\b.{{0,60}}\bnewsletter\b.{{0,60}}|leggi anche{INTRODUCED}"
    r"|iscriviti alla newsletter\b.{0,100}|seguici su\b.{0,100}|punti chiave\W*"
    r"|passa a premium\W*|quest'?articolo è riservato agli abbonati\b.{0,100}"
    r"|visualizza questo post su instagram\W*|continua a leggere(?: questo articolo)?\W*"
    r"|sei già abbonato\s*\??.{0,80}|articoli correlati\W*|tutti i diritti riservati\W*"
    # Dutch
    rf"|lees (?:ook|meer){INTRODUCED}|sluit je aan als abonnee\b.{{0,100}}|luister hier\W*"
    r"|kijk hier\W*|deel dit artikel\W*|eindredactie\s*:.{0,100}"
    # Polish
    rf"|(?:prze)?czytaj (?:także|też|również|więcej){INTRODUCED}"
    rf"|zobacz (?:także|też|również|galerię){INTRODUCED}"
    r"|dalsz[aey] (?:część|ciąg) artykułu pod\b.{0,60}"
    r"|korzystanie z portalu oznacza akceptację\b.{0,100}|skopiuj link\W*"
    r"|podziel się na\b.{0,40}|napisz do autora\W*"
    r"|nie przegap (?:ważnej|żadnej|najważniejszych)\b.{0,80}"
    r"|źródło\s*:.{0,80}|dziękujemy, że przeczytał\w*\b.{0,150}|polecany artykuł\s*:?.{0,150}"
    # Russian
    # an archive's notice: "Публикации, размещенные на сайте … и датированные до 19.02.2020г.,
    # являются архивными и были выпущены другим средством массовой информации. …"
    r"|.{0,150}\bявляются архивными\b.{0,400}"
    r"|ошибка в тексте\s*\?.{0,120}"
    rf"|также по теме{INTRODUCED}|читайте (?:по теме|еще|ещё){INTRODUCED}"
    r"|подпи(?:сывайтесь|шитесь)\s+(?:на|в)\s.{0,150}|материалы по теме\W*"
    rf"|смотрите также{INTRODUCED}"
    r"|продолжение после рекламы\W*|оставить комментарий\W*|новости по теме\W*"
    r"|главные новости\W*|(?:фото|источник)\s*:.{0,120}|читать (?:далее|полностью)\W*"
    r"|е[щё]е? по теме\W*"
    # "Read also" in the Nordic languages, Czech, Slovak, the languages of former Yugoslavia,
    # Romanian, Bulgarian, Ukrainian, Greek, the Baltic languages, Albanian and Vietnamese
    rf"|(?:läs|læs|les) (?:också|även|mer|mere|også){INTRODUCED}|lue (?:myös|lisää){INTRODUCED}"
    rf"|(?:pře)?čtěte (?:si )?(?:také|též|více){INTRODUCED}"
    rf"|(?:pre)?čítajte (?:si )?(?:aj|tiež|viac){INTRODUCED}"
    r"|související (?:články|zprávy)\W*|súvisiace (?:články|správy)\W*"
    rf"|pročitajte (?:i|još|više){INTRODUCED}|прочитајте (?:и|још){INTRODUCED}"
    rf"|preberite (?:še|tudi|več){INTRODUCED}|cite[șşs]te (?:[șşs]i|mai mult){INTRODUCED}"
    rf"|прочетете (?:още|също){INTRODUCED}|читайте (?:також|більше){INTRODUCED}"
    rf"|διαβ[άα]στε (?:επ[ίι]σης|ακ[όο]μα|ακ[όο]μη){INTRODUCED}"
    rf"|loe ka{INTRODUCED}|lasi (?:arī|vēl){INTRODUCED}|taip pat skaitykite{INTRODUCED}"
    rf"|lexo (?:edhe|më shumë){INTRODUCED}|(?:xem|đọc) thêm{INTRODUCED}"
    # ... and in scripts whose sentences end without a full stop (Hindi's "।", CJK's "。", Thai
    # none), and Filipino: alone, in brackets before the headline, or before a colon or a dash
    rf"|【\s*{READ_ALSO_LABEL}\s*】.{{0,150}}|{READ_ALSO_LABEL}(?:\s*[:：\-–—]\s*.{{0,150}}|\W*)"
    # a news agency credited in brackets on its own line: "(Avec AFP)", "(Bernama)", "(ИА …)"
    r"|\(\s*(?:(?:avec|with|con|com|mit|dengan)\s+)?(?:l')?(?:afp|ap|reuters|dpa|efe|ansa|pap"
    r"|bernama|antara|anadolu|xinhua|kyodo|yonhap|tass|agencias|agências|agences|иа [^()]{2,30})"
    r"\s*\)"
    # a reading time: "Lesezeit: 3 Min.", "Temps de lecture : 3 min", "Время чтения: 3 мин"
    r"|(?:lesezeit|temps de lecture|tiempo de lectura|tempo de leitura|tempo di lettura|leestijd"
    r"|czas czytania|время чтения|okuma süresi|waktu baca|thời gian đọc)\s*:?\s*(?:ca\.\s*)?"
    r"\d{1,3}\s*\w{0,8}\.?"
    # an update stamp alone: "Aggiornato alle 10:20", "Atualizado em 10/11/2026 às 09h15"
    r"|(?:aggiornato|atualizado|bijgewerkt|zaktualizowano|обновлено|güncellenme)\b.{0,40}?"
    r"\d{1,2}[:.h]\d{2}\W*"
    # Turkish and Vietnamese
    rf"|haberin devamı{INTRODUCED}|bültenimize abone ol\w*\W*|ilgili haberler\W*"
    r"|nguồn hình ảnh\s*,.{0,100}|chụp lại (?:hình ảnh|video)\b.{0,100}|tin liên quan\W*"
    # a note that a summary or the text was made by AI: "Ringkasan ini dibuat dengan bantuan AI.",
    # "This summary was generated by AI.", "Résumé généré par l'IA", "AI-generated summary"
    r"|(?:(?:this|the) summary|this (?:article|text|story)) (?:was |is )?(?:generated|created"
    r"|produced|written|made) (?:by|with|using) (?:the help of )?(?:an? )?(?:ai|artificial"
    r" intelligence)(?: tools?)?(?:\W*|[,;]? (?:and |then )?(?:reviewed|edited|checked|verified"
    r"|fact-checked)\b.{0,80})"
    r"|(?:an? )?ai[- ]generated summary\W*|summari[sz]ed by (?:ai|artificial intelligence)"
    r"\W*|(?:ringkasan|artikel|berita|konten|teks) ini (?:dibuat|dihasilkan|disusun|ditulis)"
    r" (?:dengan bantuan|oleh|menggunakan|dengan) (?:ai|kecerdasan buatan)\b.{0,100}"
    r"|(?:résumé|resumen|resumo|riassunto) (?:généré|generado|gerado|generato|creado|criado)"
    r" (?:par|por|pelo|pela|da|dall'|con|com) ?(?:l'|la |a )?(?:ia|inteligencia artificial"
    r"|inteligência artificial|intelligenza artificiale)\b.{0,100}"
    # a feedback or reaction widget's question, alone: "Was this article helpful?", "Apakah
    # artikel ini bermanfaat?", "Bagaimana reaksi Anda tentang artikel ini?", "What's your
    # reaction?", "War dieser Artikel hilfreich?", "Cet article vous a-t-il été utile ?"
    r"|(?:was|is|did you find) (?:this|the) (?:article|story|post|page|information)\b.{0,20}"
    r"\b(?:helpful|useful|informative)\s*\?|was this helpful\s*\?"
    r"|(?:what(?:'s| is) your reaction|how (?:do|did) you feel about this (?:article|story))\s*\??"
    r"|apakah (?:artikel|berita|informasi|konten) ini (?:bermanfaat|membantu|berguna)\s*\?"
    r"|bagaimana (?:reaksi|perasaan) (?:anda|kamu)(?: (?:tentang|terhadap|setelah membaca)"
    r" (?:artikel|berita|konten) ini)?\s*\?|apa reaksi(?:mu| anda| kamu)\s*\?"
    r"|(?:war|ist) (?:dieser|der) artikel (?:hilfreich|lesenswert)\s*\?"
    r"|cet article (?:vous )?a-t-il été utile\s*\?"
    r"|¿\s*(?:te|le) (?:ha resultado|resultó|fue|ha sido) útil (?:este artículo|esta nota)\s*\?"
    r"|este (?:artigo|conteúdo) (?:foi|é) útil\s*\?|questo articolo ti è stato utile\s*\?"
    r"|was dit artikel (?:nuttig|nuttig voor je|behulpzaam)\s*\?"
    r")\s*$",
    re.IGNORECASE,
)
# "JAKARTA, KOMPAS.com - ", "Jakarta (ANTARA) - ", "Liputan6.com, Jakarta - ", "LONDON — ".
# "Frankfurt/Main (dpa) - ", "NEW YORK--Verizon"; an agency alone: "(CNN)Winning the presidency".
# Capitals of other scripts and accents ("İSTANBUL (AA) - ", "МОСКВА, 10 ноября"), a day and month
# in lower case ("BOGOTÁ, 10 nov (Reuters) - "), Spanish agencies' ".-" ("MADRID (EFE).- "), and
# Russian agencies' endings ("— РИА Новости.", "/ТАСС/."); Greek capitals ("ΑΘΗΝΑ (ΑΠΕ) - ").
CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁΑ-ΩΆΈΉΊΌΎΏ"
# A site's name, lower case or in capitals, hyphens too ("TRIBUN-MEDAN.COM", "POS-KUPANG.COM").
DATELINE_SITE = r"[A-Za-z][\w-]*\.(?i:com|co\.id|id|net|tv)\b"
# A brand written in camel case: detik's regional desks ("Bandung, detikJabar - ").
CAMEL_BRAND = r"[a-z]{2,10}[A-Z][A-Za-z]+"
DATELINE_WORD = (
    rf"(?:[{CAPITAL}0-9][\w.'’/]*|{DATELINE_SITE}|{CAMEL_BRAND}"
    r"|\d{1,2}\s+(?:de\s+)?[a-zà-ÿа-яёα-ωάέήίόύώ]{3,10}\.?)"
)
DATELINE = re.compile(
    rf"^(?:(?:(?:[{CAPITAL}][\w.'’/]*|{DATELINE_SITE})(?:[ ,]+{DATELINE_WORD}){{0,3}})"
    r"(?:\s*\([^)]{2,30}\))?"
    r"(?:\s*[—–-]\s*(?:РИА Новости|Интерфакс|ПРАЙМ|РБК)\.\s+|[.,]?\s*/(?:ТАСС|TASS)/\.?\s+"
    r"|\s*(?:-{1,2}|–|—)\s+|--(?=[A-Z])|\s*\.[-–]\s*)"
    r"|\((?:CNN|AP|AFP|Reuters|dpa|Bloomberg|ANTARA|ANSA|EFE|PAP|AA|Bernama)\)\s*"
    r"(?:(?:-{1,2}|–|—)\s*)?)"
    rf"(?=[\"“'‘«{CAPITAL}0-9])"
)
# A place in capitals before a colon, as Malaysian and Indian papers write it ("KUALA LUMPUR: ",
# "NEW DELHI: "); not a label ("UPDATE: ", "EDITOR'S NOTE: ", "NEWS ANALYSIS: ").
COLON_DATELINE = re.compile(
    r"^(?![^:]{0,40}\b(?:NEWS|ANALYSIS|UPDATED?|BREAKING|WATCH|NOTE|EXCLUSIVE|OPINION|LIVE|VIDEO"
    r"|PHOTOS?|READ|RELATED|CORRECTION|WARNING|SPOILERS?|FACT|CHECK|REVIEW|INTERVIEW|COMMENTARY"
    r"|EDITORIAL|SPECIAL|REPORT|FEATURE|PREVIEW|RECAP|LETTER|ALERT|URGENT|TIPS?|Q|A)\b[^:]*:)"
    r"[A-Z][A-Z.'’]+(?:[ ,]+[A-Z][A-Z.'’]+){0,3}:\s+(?=[\"“'‘A-Z])"
)
# Arabic and Persian script has no capitals: a place of up to three words and the agency in
# brackets before a dash or a colon ("القاهرة (رويترز) - ", "(إرنا) - "), or the agency alone.
ARABIC_LETTER = "\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff"
ARABIC_DATELINE = re.compile(
    rf"^(?:[{ARABIC_LETTER}]{{2,}}(?:\s+[{ARABIC_LETTER}]{{2,}}){{0,2}}\s*)?"
    rf"\([{ARABIC_LETTER}\s.]{{2,30}}\)\s*[-–—:]\s*(?=[\"«“\w])"
)
DATELINE_MAX = 45
# A date in brackets before the first sentence: "(10.11.2026) Hujan deras ...".
LEADING_DATE = re.compile(r"^\(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\)\s+")
# Full stops of Chinese and Japanese (。！？」) end sentences too, and closing quotes: French » and
# German « and “ ("« Faites votre boulot ! »", "»Wir bleiben.«").
SENTENCE_END = re.compile(r"[.!?\"”’)…:。！？」』）»«“]\s*$")
# A first paragraph ends like a sentence; a caption "(Foto: Antara)" or a label "Oleh:" does not.
FIRST_SENTENCE_END = re.compile(r"[.!?\"”’…。！？」』»«“]\s*$")
LEADING_SHORT = 70
# A quantity whose unit is abbreviated ends on a dot but is no sentence: a recipe's "20 Min.",
# "4 Std.", "1 hr." above its text.
QUANTITY_LINE = re.compile(r"^\d+(?:[.,/]\d+)?\s*[^\W\d_]{1,5}\.$")
# Another story's teaser, cut short: "…His mom was about 4'10\" and a..." above the headline again.
TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*$")
# A photo caption's credit: "(ANTARA FOTO/Hafidz Mubarak A)", "(Foto: Istimewa)", "(Getty Images)".
CAPTION_CREDIT = re.compile(
    r"\((?:[^()]*\b(?:foto|photo|dok|dokumentasi|istimewa|ilustrasi|getty|reuters|afp|ap photo|"
    r"shutterstock|antara)\b[^()]*|[^()]*/[^()]*)\)\s*$",
    re.IGNORECASE,
)
# A caption's credit after a label, closing it: "... between 20 and 30 grams. Photo: Supplied by
# Xijun Ni", "... in Sydney. Picture: AP".
CAPTION_LABEL = re.compile(
    r"[.!?”\"]\s+(?:photo|picture|image|foto)s?\s*:\s*[^.:!?]{2,60}$", re.IGNORECASE
)
# A byline, which may go on with its agency and times past the short lines' limit: "By MATTHEW
# LEE, Associated Press | July 19, 2013 | Updated: July 19, 2013 5:46am".
BYLINE = re.compile(r"^By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},?\s")
LEADING_MAX_DROPPED = 8
# A leading line ending with a colon is a label ("Oleh:", "Editor: Budi") unless it has this many
# words: then it is the article's first sentence, introducing a quote or a list.
INTRO_WORDS = 6
TRAILING_SHORT = 40


def tokens(element: HtmlElement) -> set[str]:
    """The words of an element's class and id, camelCase split too ("m-articleRegist_text":
    m, article, regist, text)."""
    return word_tokens(f"{element.get('class') or ''} {element.get('id') or ''}")


def word_tokens(raw: str) -> set[str]:
    return {t for t in TOKEN_SPLIT.split(CAMEL_HUMP.sub(" ", raw).lower()) if t}


# Classes that hide an element from every reader (whole class names: Bootstrap's `hidden-xs` hides
# it on phones only), and inline styles that do.
HIDDEN_CLASS_NAMES = frozenset({"hidden", "hide", "d-none", "is-hidden", "u-hidden"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def is_hidden(element: HtmlElement) -> bool:
    """Hidden from readers: the `hidden` attribute, a hiding class or style (a modal's text, "At
    work? With your gran?", shown only when a reader opens it)."""
    if element.get("hidden") is not None or HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    return bool(HIDDEN_CLASS_NAMES.intersection((element.get("class") or "").lower().split()))


def is_clutter(element: HtmlElement) -> bool:
    return bool(clutter_marks(element))


# A class that says what the layout has, not what the element is: "has-sidebar",
# "page-with-sidebar", "no-sidebar".
LAYOUT_MODIFIER = re.compile(r"^(?:has|with|no|is|show|hide)[-_]|[-_]with[-_]")


def names_furniture(element: HtmlElement, furniture: Collection[str]) -> bool:
    """A word of the element's class or id names one of `furniture` ("sidebar",
    "more-news-sidebar", "site_footer"), not as a layout's modifier ("has-sidebar") nor as a word
    it only opens ("sidebar-layout", "content-sidebar-wrap")."""
    words = f"{element.get('id') or ''} {element.get('class') or ''}".lower().split()
    return any(_names_one_of(word, furniture) for word in words)


def _names_one_of(word: str, furniture: Collection[str]) -> bool:
    named = any(word == f or word.endswith((f"-{f}", f"_{f}")) for f in furniture)
    return named and not LAYOUT_MODIFIER.search(word)


def clutter_marks(element: HtmlElement) -> frozenset[str]:
    """What marks an element as furniture: its clutter words ("comments", "share", "author
    box"), or "hidden"; empty for none. A hidden link ("Continue reading the main story", a skip
    link) is not marked: a block's links are what tells the extractor it is a box beside the
    story."""
    if element.tag != "a" and is_hidden(element):
        return frozenset({"hidden"})
    found = tokens(element)
    marks = {t for t in found if t in CLUTTER_TOKENS or t.startswith(CLUTTER_PREFIXES)}
    numbered = found | {t.rstrip("0123456789") for t in found}  # "auth-box1", "author-box2"
    marks.update(f"{a} {b}" for a, b in CLUTTER_PAIRS if a in numbered and b in numbered)
    if PERSON_ITEM.search(element.get("itemtype") or "") and element.find(".//p") is not None:
        marks.add("person")
    return frozenset(marks)


def drop_sidebars(tree: HtmlElement) -> None:
    """Remove the columns named the sidebar (`<div id="primary" class="sidebar">`: the extractor
    took the id for the story's column and read a recipe blog's book promotion and category
    lists), however much of the page they hold, when one holds neither the headline nor running
    text and the story outside it has running text of its own."""
    for element in tree.xpath(
        "//*[contains(translate(@class, 'SIDEBAR', 'sidebar'), 'sidebar')"
        " or contains(translate(@id, 'SIDEBAR', 'sidebar'), 'sidebar')]"
    ):
        if element.getparent() is None or element.tag in NEVER_PRUNED:
            continue
        if not names_furniture(element, ("sidebar",)):
            continue
        if element.find(".//h1") is not None or holds_running_text(element):
            continue
        if long_paragraphs(tree) - long_paragraphs(element) < RUNNING_PARAGRAPHS:
            continue
        element.drop_tree()


# Marks of a box of other stories or of readers' posts: a date in one is not the article's.
OTHER_STORIES_MARKS = frozenset(
    {"related", "terkait", "popular", "terpopuler", "recommended", "rekomendasi", "most read"}
    | {"comments", "comment", *COMMENT_WORDS}
)


def in_other_stories(element: HtmlElement) -> bool:
    """`element` or an element around it is a box of other stories ("mostRead", "related") or
    of readers' comments."""
    return any(
        OTHER_STORIES_MARKS.intersection(clutter_marks(e))
        for e in (element, *element.iterancestors())
        if isinstance(e.tag, str) and e.tag not in NEVER_PRUNED
    )


# Microdata describing a person (`itemscope itemtype="http://schema.org/Person"`) that holds a
# paragraph: a writer's profile box ("Lena Abraham is the Senior Food Editor at Delish..."), never
# the story. A byline marked so (a name in a `<span>`) is left to the byline rules.
PERSON_ITEM = re.compile(r"schema\.org/Person\s*$", re.IGNORECASE)


# An element with this many paragraphs of running text holds the article, whatever its class says
# (`<div class="entry-content entry-content-read-more">` on a page whose sign-up forms outweigh
# the article): teaser boxes and share bars hold headlines and labels, not paragraphs.
RUNNING_PARAGRAPHS = 3
RUNNING_PARAGRAPH_CHARS = 100


def long_paragraphs(element: HtmlElement) -> int:
    """`<p>`s of running text (RUNNING_PARAGRAPH_CHARS or more) in `element`."""
    return sum(1 for p in element.iter("p") if len(flat_text(p)) >= RUNNING_PARAGRAPH_CHARS)


def holds_running_text(element: HtmlElement) -> bool:
    return long_paragraphs(element) >= RUNNING_PARAGRAPHS


def unmark_story_blocks(tree: HtmlElement) -> None:
    """Take the furniture words off the class and id of the story's containers, which pruning
    keeps: an element that holds the headline, or most of the page's paragraphs of running text
    (`<div class="share-simple post-1374 post">` around a whole post). The extractor drops any
    element so named, with the story. Only the words of share buttons and paywalls go
    (CONTAINER_WORDS: "share-simple"); the rest ("post") still tell the extractor where the story
    is."""
    total = long_paragraphs(tree)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        words = f"{element.get('class') or ''} {element.get('id') or ''}".split()
        if not any(_furniture_word(w) for w in words):
            continue
        long = long_paragraphs(element)
        story = long >= RUNNING_PARAGRAPHS and 2 * long > total
        if story or next(element.iter("h1"), None) is not None:
            _strip_words(element, _furniture_word)


def _strip_words(element: HtmlElement, unwanted: Callable[[str], bool]) -> None:
    """Take the `unwanted` words off the element's class and id."""
    for attribute in ("class", "id"):
        words = (element.get(attribute) or "").split()
        kept = [word for word in words if not unwanted(word)]
        if kept != words:
            element.set(attribute, " ".join(kept))


# The furniture words themes put on the story's own containers, for the share buttons' or the
# paywall's script and style (`js-social-anchor-start`, `share-simple`, `paywall`).
CONTAINER_WORDS = frozenset({"share", "sharing", "social", "paywall"})


def _furniture_word(word: str) -> bool:
    return bool(word_tokens(word) & CONTAINER_WORDS)


# A class or id word the extractor's precision pass reads as the page's bottom chrome ("bottom",
# "bottom-bar", "article-bottom"; it drops the element): a word opening or closing with "bottom".
BOTTOM_WORD = re.compile(r"^bottom|bottom$", re.IGNORECASE)
BOTTOM_ZONE_SHARE = 0.5


def unmark_bottom_zones(tree: HtmlElement) -> None:
    """Take the "bottom" words off the lower zone of the story's layout: an element beside the
    headline's block, in the same parent, that holds most of that parent's text (a recipe page's
    `div.bottom-zone` with its ingredients and steps under `div.upper-zone` with the `<h1>`),
    which the extractor's precision pass drops as the page's bottom bar. A bottom bar under the
    story (its tags and share buttons: a small part) keeps its words."""
    for element in tree.xpath(
        "//*[contains(translate(@class, 'BOTOM', 'botom'), 'bottom')"
        " or contains(translate(@id, 'BOTOM', 'botom'), 'bottom')]"
    ):
        parent = element.getparent()
        if parent is None or element.tag in NEVER_PRUNED or element.find(".//h1") is not None:
            continue
        if parent.find(".//h1") is None:
            continue
        share = len(flat_text(element)) / (len(flat_text(parent)) or 1)
        if share <= BOTTOM_ZONE_SHARE:
            continue
        _strip_words(element, lambda word: bool(BOTTOM_WORD.search(word)))


def prune(tree: HtmlElement) -> None:
    """Remove furniture elements in place, never the article itself (see the module doc)."""
    drop_readers_sections(tree)
    drop_marked(tree, clutter_marks)


# The words that open the name of a section of readers' comments: "comentarios",
# "comentarios_lectores", "komentar-list", "comments-area" (the plural only where the singular
# names an opinion piece too: "Kommentar", "commento").
READERS_SECTION_WORDS = frozenset({"comments", *COMMENT_WORDS})


def readers_section(element: HtmlElement) -> bool:
    """A section of readers' comments by its name: its id or one of its class names opens with a
    word of READERS_SECTION_WORDS (camelCase split: "komentarList")."""
    names = [element.get("id") or "", *(element.get("class") or "").split()]
    for name in names:
        words = TOKEN_SPLIT.split(CAMEL_HUMP.sub(" ", name).lower().strip())
        if words and words[0] in READERS_SECTION_WORDS:
            return True
    return False


def drop_readers_sections(tree: HtmlElement) -> None:
    """Remove the sections of readers' comments (`readers_section`), however much running text
    their comments hold (readers write paragraphs, and `drop_marked` spares a box with running
    text); never a structural element, nor one holding the headline."""
    found = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag.lower() not in NEVER_PRUNED
        and readers_section(element)
        and element.find(".//h1") is None
    ]
    for element in found:
        if element.getparent() is not None:
            element.drop_tree()


# Marks of readers' contributions: however much of a page's running text they hold (a recipe's
# hundred comments outweigh its few paragraphs), they are never the article's own parts.
READERS_MARKS = frozenset({"comment", "comments"})


def readers_mark(mark: Hashable) -> bool:
    return isinstance(mark, frozenset) and bool(mark & READERS_MARKS)


def drop_marked(tree: HtmlElement, marker: Callable[[HtmlElement], Hashable]) -> None:
    """Remove, in place, the elements `marker` marks as furniture (a true value: what marks
    them), never the article itself: no structural element, none holding the headline, a large
    share of the page's text or paragraphs of running text (see the module doc). The mark also
    serves the guard below: elements marked alike that hold most of the page's running text."""
    total = len(tree.text_content() or "") or 1
    longs: dict[HtmlElement, int] = {}  # each doomed element's long paragraphs, in tree order
    marks: dict[HtmlElement, Hashable] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag.lower() in NEVER_PRUNED:
            continue
        mark = marker(element)
        if not mark or in_sentence(element):
            continue
        if any(h is not None for h in element.iter("h1")):
            continue
        if len(element.text_content() or "") > MAX_SHARE_OF_TEXT * total:
            continue
        long = long_paragraphs(element)
        if long >= RUNNING_PARAGRAPHS:  # holds_running_text
            continue
        longs[element] = long
        marks[element] = mark
    doomed = list(longs)
    # Marked elements that together hold most of the page's running text are the article's own
    # parts under a shared marker ("TestReport__Section--Ads" on every section of a review): the
    # ones with running text stay.
    # Marked alike: readers' comments and an author's profile together outweighing a recipe's
    # few paragraphs are no shared marker of the article's parts.
    outermost = {e: marks[e] for e in doomed if not any(a in longs for a in e.iterancestors())}
    marked_long: dict[Hashable, int] = {}
    for element, mark in outermost.items():
        marked_long[mark] = marked_long.get(mark, 0) + longs[element]
    total_long = long_paragraphs(tree)
    spared = {
        mark
        for mark, count in marked_long.items()
        if count >= RUNNING_PARAGRAPHS and 2 * count > total_long and not readers_mark(mark)
    }
    if spared:

        def mark_of(element: HtmlElement) -> Hashable:
            top = next((a for a in element.iterancestors() if a in outermost), element)
            return outermost.get(top)

        doomed = [e for e in doomed if longs[e] == 0 or mark_of(e) not in spared]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


INLINE_TAGS = frozenset({"a", "span", "em", "strong", "b", "i", "abbr", "cite", "mark", "q"})
WORDED = re.compile(r"\w")
# A sentence goes on past this: its text before an element ends with a word or a comma, not
# with the end of a sentence (where a "Baca juga: …" link between two sentences begins).
MID_SENTENCE = re.compile(r"[\w,]\s*$")


def in_sentence(element: HtmlElement) -> bool:
    """An inline element inside a sentence, its words going on after it (a topic link "… Tods von
    <a class="js-article-topic-teaser">Luke Perry</a> (1966-2019) Anfang März …"): part of the
    text, whatever its class says. Not one between two sentences, nor one that is furniture in
    its own words ("Baca juga: …")."""
    if element.tag not in INLINE_TAGS:
        return False
    parent = element.getparent()
    if parent is None:
        return False
    before = element.getprevious()
    text_before = (before.tail if before is not None else parent.text) or ""
    if not MID_SENTENCE.search(text_before) or not WORDED.search((element.tail or "")[:20]):
        return False
    return not is_clutter_line(" ".join((element.text_content() or "").split()))


def drop_before_headline(tree: HtmlElement, title: str) -> None:
    """Remove what precedes the headline's `<h1>` in document order (site header, teasers of
    other stories), unless that is most of the page's text (then the layout is unusual)."""
    h1 = headline_h1(tree, title, whole=True)
    if h1 is None:
        return
    doomed: list[HtmlElement] = []
    node = h1
    while node.getparent() is not None:
        doomed.extend(
            s
            for s in node.itersiblings(preceding=True)
            if isinstance(s.tag, str) and s.tag != "head"
        )
        node = node.getparent()
    total = len(tree.text_content() or "") or 1
    if sum(len(e.text_content() or "") for e in doomed) > MAX_BEFORE_HEADLINE * total:
        return
    for element in doomed:
        element.drop_tree()


def drop_following_stories(tree: HtmlElement, title: str) -> None:
    """Remove the stories a page appends after its own, as infinite scrolling loads them (a page
    saved from the browser): each in an `<article>` of its own after the one holding the
    headline's `<h1>` (beside it, or in wrappers beside its wrapper), under an `<h1>` of another
    headline and with running text of its own."""
    h1 = headline_h1(tree, title, whole=True)
    own = next((a for a in h1.iterancestors("article")), None) if h1 is not None else None
    node = own
    while node is not None and node.tag not in ("body", "html"):
        following = [a for sibling in node.itersiblings() for a in _outer_articles(sibling)]
        if following:
            for other in following:
                headlines = [h for h in other.iter("h1") if (h.text_content() or "").split()]
                if (
                    headlines
                    and headline_h1(other, title, whole=True) is None
                    and holds_running_text(other)
                ):
                    other.drop_tree()
            return
        node = node.getparent()


def _outer_articles(element: HtmlElement) -> list[HtmlElement]:
    """`element` if an `<article>`, else the `<article>`s in it that no other one in it holds."""
    if not isinstance(element.tag, str):
        return []
    if element.tag == "article":
        return [element]
    found = []
    for article in element.iter("article"):
        inner = article.iterancestors("article")
        if not any(a is element or element in a.iterancestors() for a in inner):
            found.append(article)
    return found


# A standfirst (dek) printed under the headline as a heading, or marked as the description.
STANDFIRST = ".//h2|.//h3|.//h4|.//h5|.//h6|.//*[@itemprop='description']"
STANDFIRST_MIN_CHARS = 40
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A heading followed by this many paragraphs of its own container is the article's first
# paragraph styled as a heading (a bold lede among the `<p>`s), not a standfirst above them.
PARAGRAPHS_AFTER_LEDE = 2
PARAGRAPH_MIN_CHARS = 80


def drop_standfirst(tree: HtmlElement, description: str, *, keep_prose: bool = False) -> None:
    """Remove a heading (or an element marked `itemprop=description`) whose text is the page's
    description and that stands apart from the article's paragraphs: a standfirst ("dek") under
    the headline, which the record keeps as its lead, so the body starts with the article's first
    sentence. A paragraph that repeats the description stays (many sites make their description
    from the first paragraph), but in the article's header, and so does a heading among the
    paragraphs. With `keep_prose` (a recipe's page), one written as prose stays wherever it is:
    a recipe's headnote is the prose of its card; a heading naming the dish still goes."""
    wanted = _folded(description).rstrip(".… ")
    if len(wanted) < STANDFIRST_MIN_CHARS:
        return
    drop_reworded_decks(tree, wanted, keep_prose=keep_prose)
    for element in tree.xpath(STANDFIRST):
        if not _says(element, wanted):
            continue
        if keep_prose and is_prose(element):
            return
        if _paragraphs_after(element) < PARAGRAPHS_AFTER_LEDE and element.getparent() is not None:
            element.drop_tree()
        return
    total = len(tree.text_content() or "") or 1
    for paragraph in tree.iter("p"):
        if _says(paragraph, wanted) and (
            _in_header(paragraph, total) or _out_of_heading(paragraph)
        ):
            if not (keep_prose and is_prose(paragraph)):
                paragraph.drop_tree()
            return


# A headnote's least length: a sentence about the dish, not its name.
HEADNOTE_MIN_CHARS = 60


def is_prose(element: HtmlElement) -> bool:
    """The element's text is a sentence or more: long enough and ending like one (a headnote, not
    a dish's name)."""
    text = flat_text(element)
    return len(text) >= HEADNOTE_MIN_CHARS and bool(FIRST_SENTENCE_END.search(text))


# A deck the description words a little differently ("que aguardan" for "que esperan"): most of
# a heading's words, and at least this many, in the description.
DECK_MIN_WORDS = 6
DECK_SHARED_WORDS = 0.85
WORD_RUN = re.compile(r"\w+")


def drop_reworded_decks(tree: HtmlElement, wanted: str, *, keep_prose: bool = False) -> None:
    """Remove the headings above the article's first paragraph that say what the description
    says in nearly the same words, each a deck of a standfirst the description joins into one
    text (El País: two `<h2>` decks, the description both in one, one word changed); the lead
    keeps the description. A heading followed by paragraphs of its own stays (a bold lede), and
    with `keep_prose` one written as prose (a recipe's headnote)."""
    described = set(WORD_RUN.findall(wanted))
    headings: list[HtmlElement] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "p" and len(flat_text(element)) >= PARAGRAPH_MIN_CHARS:
            break  # the article has begun
        if element.tag in SUBHEADINGS:
            headings.append(element)
    for element in headings:
        words = WORD_RUN.findall(_folded(element.text_content() or ""))
        if len(words) < DECK_MIN_WORDS:
            continue
        shared = sum(1 for word in words if word in described) / len(words)
        if keep_prose and is_prose(element):
            continue
        if shared >= DECK_SHARED_WORDS and _paragraphs_after(element) < PARAGRAPHS_AFTER_LEDE:
            element.drop_tree()


def _paragraphs_after(heading: HtmlElement) -> int:
    """The paragraphs that follow `heading` in its own container: a bold lede's, not a deck's."""
    return sum(
        1
        for sibling in heading.itersiblings("p")
        if len((sibling.text_content() or "").strip()) >= PARAGRAPH_MIN_CHARS
    )


def _out_of_heading(paragraph: HtmlElement) -> bool:
    """Right after an empty heading: a standfirst written as `<h2><p>…</p></h2>`, which the
    HTML parser splits into an empty `<h2>` and the `<p>` after it (a `<p>` closes a heading)."""
    before = paragraph.getprevious()
    return (
        before is not None
        and isinstance(before.tag, str)
        and before.tag in HEADINGS
        and not (before.text_content() or "").strip()
    )


def _says(element: HtmlElement, wanted: str) -> bool:
    """The element's text is `wanted` (folded, a closing full stop or ellipsis aside)."""
    return _folded(element.text_content() or "").rstrip(".… ") == wanted


def _in_header(element: HtmlElement, total: int) -> bool:
    """Inside the article's header: a `<header>` or an element whose class says so
    (`div.header-articulo`), where a paragraph repeating the description is its standfirst. A
    header holds a small share of the page's text (not `div.after-header` around the page)."""
    return any(
        (a.tag == "header" or "header" in tokens(a))
        and len(a.text_content() or "") <= MAX_SHARE_OF_TEXT * total
        for a in element.iterancestors()
        if isinstance(a.tag, str) and a.tag not in NEVER_PRUNED
    )


SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def drop_headline_decks(tree: HtmlElement) -> None:
    """Remove the headings set right under the headline in its header block: a deck (MLB's
    `h2.article-subhead` in `div.article-header`, Computerworld's `h2` in `div#article_header`),
    which opened the body as its first line. Only in a header (a `<header>` or an element whose
    class or id says so) holding no paragraphs of running text, and only after the headline: a
    heading among the story's paragraphs stays."""
    for headline in list(tree.iter("h1")):
        header = headline.getparent()
        if header is None or not (header.tag == "header" or "header" in tokens(header)):
            continue
        if holds_running_text(header):
            continue
        for sibling in list(headline.itersiblings()):
            if sibling.tag in SUBHEADINGS:
                sibling.drop_tree()


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


ALT_SENTENCE_WORDS = 6  # an `alt` this long is a caption, not a name
CREDIT_WORDS = 6  # a caption's credit after it: "/ AP Photo/Gregory Bull"


def drop_alt_captions(tree: HtmlElement) -> None:
    """Remove an element beside an image that says only what the image's `alt` or `title` says:
    that image's caption (`<img alt="Izaskun Lesaka."><p>Izaskun Lesaka.</p>`), which would
    otherwise open the body as its first line."""
    for image in list(tree.iter("img")):
        label = _folded(image.get("alt") or image.get("title") or "")
        if not label:
            continue
        parent = image.getparent()
        near = list(image.itersiblings()) + (
            list(parent.itersiblings()) if parent is not None else []
        )
        for element in near:
            if not isinstance(element.tag, str) or element.tag == "img":
                continue
            text = _folded(element.text_content() or "")
            # The caption, perhaps with its credit after it ("... habits. / AP Photo/Gregory
            # Bull", CBS News), where the `alt` says a sentence or more.
            credited = (
                len(label.split()) >= ALT_SENTENCE_WORDS
                and text.startswith(label)
                and len(text[len(label) :].split()) <= CREDIT_WORDS
            )
            if text == label or credited:
                element.drop_tree()
                break


# schema.org media objects. Inside an article they are an embedded player or picture, whose
# description, transcript and credits are no article text; a page that is a video is left alone.
EMBEDDED_MEDIA = (
    "//*[@itemscope][ancestor::article or ancestor::*[@itemscope and"
    " contains(@itemtype, 'Article')]][contains(@itemtype, 'VideoObject') or"
    " contains(@itemtype, 'AudioObject') or contains(@itemtype, 'ImageObject')]"
)


def drop_intro_standfirst(tree: HtmlElement) -> None:
    """Remove an element marked `intro` that stands apart from the story's paragraphs: a
    standfirst (`<p class="intro">` under DW's headline, FAZ's `atc-Intro`), which the record
    keeps as its lead. One followed by a paragraph of running text, or by running text set
    inline, is the story's own first paragraph set apart (Herald Sun's `story-intro`), and
    stays."""
    drop_marked(tree, is_standfirst_intro)


# Class words of an element that introduces the story: `intro`, `lead` (Weltwoche's
# `article-detail-lead`, Bootstrap's `.lead`).
INTRO_TOKENS = frozenset({"intro", "lead"})


def is_standfirst_intro(element: HtmlElement) -> bool:
    if not INTRO_TOKENS & tokens(element):
        return False
    if any(INTRO_TOKENS & tokens(a) for a in element.iterancestors()):
        return False  # the outermost intro decides
    after = element.getnext()
    while after is not None and not isinstance(after.tag, str):
        after = after.getnext()
    # The story runs on in a paragraph, or in text set inline after it (`<span class="cuerpo">`
    # of <br>-separated paragraphs); a block of its own (`<div class="longText">`) is the story
    # under a standfirst.
    return not (after is not None and after.tag in RUNS_ON and _running(after))


RUNS_ON = frozenset({"p", "span", "font"})


def _running(paragraph: HtmlElement) -> bool:
    return len(flat_text(paragraph)) >= PARAGRAPH_MIN_CHARS


def flat_text(element: HtmlElement) -> str:
    """An element's text with its whitespace folded to single spaces."""
    return " ".join((element.text_content() or "").split())


def drop_figure_captions(tree: HtmlElement) -> None:
    """Remove `<figcaption>`s: a caption (or an affiliate notice set under a product photo)
    is no article text, and opened two bodies as their first line."""
    for caption in list(tree.iter("figcaption")):
        if caption.getparent() is None or caption.find(".//h1") is not None:
            continue
        if not holds_running_text(caption):
            caption.drop_tree()


def drop_embedded_media(tree: HtmlElement) -> None:
    """Remove media objects embedded in the article (a video player's description, which opened
    one body as its first line), never one that holds the headline."""
    for element in tree.xpath(EMBEDDED_MEDIA):
        if element.getparent() is not None and element.find(".//h1") is None:
            element.drop_tree()


# An e-mail field: a newsletter's or an account's sign-up, or a comment form's address.
EMAIL_FIELD = (
    "//input[@type='email' or contains(translate(@name, 'EMAIL', 'email'), 'email')"
    " or contains(translate(@placeholder, 'EMAIL', 'email'), 'email')]"
)
SIGNUP_BOX_CHARS = 400  # a box's text besides its form: a heading and a line's pitch


# A heading that invites the reader to sign up for e-mails: the card of a newsletter's promotion,
# its sign-up form on another page ("Sign up for Cook Together emails", a link, then its pitch).
SIGNUP_HEADING = re.compile(
    r"^\W*(?:sign ?up|subscribe|register)\b.{0,60}\b(?:newsletters?|e-?mails?|e-?mail updates"
    r"|updates|alerts)\W*$",
    re.IGNORECASE,
)


def drop_signup_boxes(tree: HtmlElement) -> None:
    """Remove the box around an e-mail field: the field's form with the short heading and pitch
    beside it ("Stay connected / Get the latest updates from … / Discover special offers, top
    stories, upcoming events, and more."), which closed bodies; and the card under a heading that
    invites to sign up for e-mails (SIGNUP_HEADING) with its pitch. The box is the outermost
    ancestor of the field (or heading) whose text besides the field's form stays under
    SIGNUP_BOX_CHARS and holds no headline: a page wrapped whole in one form (ASP.NET's) keeps
    its story."""
    headings = [h for h in tree.xpath("//h2|//h3|//h4|//h5") if SIGNUP_HEADING.match(flat_text(h))]
    for field in [*tree.xpath(EMAIL_FIELD), *headings]:
        form = next(field.iterancestors("form"), None)
        # The form's own labels and buttons count apart, unless it wraps more than a box would.
        own = len(flat_text(form)) if form is not None else 0
        if own > SIGNUP_BOX_CHARS:
            form, own = None, 0
        box = None
        for ancestor in field.iterancestors():
            if ancestor.tag in ("body", "html") or ancestor.find(".//h1") is not None:
                break
            holds_form = form is not None and (
                ancestor is form or form in ancestor.iterdescendants()
            )
            if len(flat_text(ancestor)) - (own if holds_form else 0) > SIGNUP_BOX_CHARS:
                break
            box = ancestor
        if box is not None and box.getparent() is not None:
            box.drop_tree()


# A social network's post embedded in the story, in the markup its embed code writes (the text a
# script turns into the post's card): X/Twitter's, TikTok's, Threads', Bluesky's, Reddit's,
# Mastodon's, Instagram's and Facebook's blockquotes and AMP's elements for them.
SOCIAL_EMBED_CLASSES = (
    "twitter-tweet",
    "twitter-video",
    "tiktok-embed",
    "text-post-media",
    "bluesky-embed",
    "reddit-embed-bq",
    "mastodon-embed",
    "instagram-media",
    "fb-post",
    "fb-video",
)
SOCIAL_EMBED_TAGS = ("amp-twitter", "amp-instagram", "amp-tiktok", "amp-facebook", "amp-reddit")
HAS_CLASS = "//*[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"
SOCIAL_EMBEDS = " | ".join(
    [HAS_CLASS.format(c) for c in SOCIAL_EMBED_CLASSES] + [f"//{t}" for t in SOCIAL_EMBED_TAGS]
)


def drop_social_embeds(tree: HtmlElement) -> None:
    """Remove social networks' posts embedded in the story (see SOCIAL_EMBEDS): the post's text,
    its author's handle and date, "View on Threads", are someone else's words set in the page,
    and opened or closed bodies with a handle and a date line. The story quotes what it needs;
    a plain `<blockquote>` stays. Never one that holds the headline."""
    for element in tree.xpath(SOCIAL_EMBEDS):
        if element.getparent() is not None and element.find(".//h1") is None:
            element.drop_tree()


# A paragraph that is only a link whose text reads as a headline, perhaps after a short label: a
# teaser of another story set among the paragraphs ("<p><b>IN TEXAS: </b><a href=...>Family of
# Ebola patient quarantined</a></p>").
TEASER_WORDS = (3, 20)
TEASER_LABEL_WORDS = 4


# A link wrapping whole paragraphs is a teaser card (`<a href><p>Updated models … 2017.</p></a>` in
# a sidebar of upcoming products) when it holds no more text than this; an unclosed `<a>` that
# swallowed the article in the parse holds far more.
LINKED_BLOCK_CHARS = 400


def drop_link_paragraphs(tree: HtmlElement) -> None:
    """Remove teaser paragraphs (see above); a link inside a sentence, or one that ends like a
    sentence, stays."""
    for link in tree.xpath("//a[@href][.//p]"):
        if len(flat_text(link)) <= LINKED_BLOCK_CHARS:
            for paragraph in link.xpath(".//p"):
                paragraph.drop_tree()
    for paragraph in tree.xpath("//p[count(.//a) = 1]"):
        link = next(paragraph.iter("a"))
        text = flat_text(paragraph)
        linked = flat_text(link)
        words = len(linked.split())
        if not linked or not text.endswith(linked) or linked.endswith((".", "!", "?")):
            continue
        label = text[: -len(linked)].strip()
        labelled = not label or (label.endswith(":") and len(label.split()) <= TEASER_LABEL_WORDS)
        if labelled and TEASER_WORDS[0] <= words <= TEASER_WORDS[1]:
            paragraph.drop_tree()
    for paragraph in tree.xpath("//p[count(.//a) > 1]"):
        if is_link_list(paragraph):
            paragraph.drop_tree()
    for listing in tree.xpath("//ul[count(li) >= 2]|//ol[count(li) >= 2]"):
        if all(_is_teaser_item(item) for item in listing.iterchildren("li")):
            listing.drop_tree()


def drop_teaser_cards(tree: HtmlElement) -> None:
    """Remove boxes of related stories whose items each describe their story (headline link, then
    a summary paragraph: pagekind.teaser_items), three or more under one parent; the article's
    paragraphs have no headline link of their own above them. An item holding the page's `<h1>`
    stays."""
    by_parent: dict[HtmlElement, list[HtmlElement]] = {}
    for item in pagekind.teaser_items(tree):
        card = _card(item)
        parent = card.getparent()
        if parent is not None:
            by_parent.setdefault(parent, []).append(card)
    for items in by_parent.values():
        if len(items) < MIN_TEASER_CARDS:
            continue
        for item in items:
            if next(item.iter("h1"), None) is None and item.getparent() is not None:
                item.drop_tree()


MIN_TEASER_CARDS = 3
WRAPPER_SKIPPED = frozenset({"script", "style", "noscript"})


def _card(item: HtmlElement) -> HtmlElement:
    """A teaser item with the wrappers that hold nothing else (Reuters' `div.story` around
    `div.story-content`): the cards of one box then share a parent, whatever ads stand between
    them."""
    parent = item.getparent()
    while parent is not None and parent.getparent() is not None:
        children = [c for c in parent if isinstance(c.tag, str) and c.tag not in WRAPPER_SKIPPED]
        if children != [item] or (parent.text or "").strip():
            break
        item, parent = parent, parent.getparent()
    return item


# The date a related-stories box prints under a linked headline.
TEASER_DATE = re.compile(rf"(?:published|posted|updated)?:?\s*{DATE_ONLY_LINE}", re.IGNORECASE)


def _is_teaser_item(item: HtmlElement) -> bool:
    """A list item that is one linked headline, perhaps with its date after it ("<li><a>900 East
    under construction four years after rebuild</a><br>Published Jul 19, 2013 01:01:04AM</li>"):
    a box of related stories inside the article. An item with a sentence of its own, or a link
    that ends like one, is the article's list."""
    links = list(item.iter("a"))
    if len(links) != 1:
        return False
    linked = flat_text(links[0])
    words = len(linked.split())
    if not TEASER_WORDS[0] <= words <= TEASER_WORDS[1] or linked.endswith((".", "!", "?", ":")):
        return False
    text = flat_text(item)
    at = text.find(linked)
    rest = f"{text[:at]} {text[at + len(linked) :]}".strip() if at >= 0 else text
    return not rest or bool(TEASER_DATE.fullmatch(rest))


# Between the links of a list: nothing but separators.
LINK_SEPARATORS = re.compile(r"[\s|•·,;/–—-]*")
LINK_HEADLINE_CHARS = 15  # a linked headline, in any script ("Tags: <a>Pemilu</a>" is shorter)


def is_link_list(paragraph: HtmlElement) -> bool:
    """A paragraph of links to other stories, one after another, perhaps after a short label
    ("<p><strong>Related stories</strong><br><a>…</a><br><a>…</a></p>"): nothing but separators
    between and after the links, and at least one link that reads as a headline."""
    links = list(paragraph.iter("a"))
    pieces: list[str] = []  # the text outside the links, in order: label, gaps, end
    texts = [flat_text(link) for link in links]
    rest = flat_text(paragraph)
    for linked in texts:
        at = rest.find(linked) if linked else -1
        if at < 0:
            return False
        pieces.append(rest[:at])
        rest = rest[at + len(linked) :]
    pieces.append(rest)
    label = pieces[0].strip()
    if label and (len(label.split()) > TEASER_LABEL_WORDS or len(label) > 40):
        return False
    if not all(LINK_SEPARATORS.fullmatch(gap) for gap in pieces[1:]):
        return False
    return max(len(t) for t in texts) >= LINK_HEADLINE_CHARS


# The place as a label before the dateline that repeats it: "CAIRO | CAIRO (Reuters) - ".
PLACE_LABEL = re.compile(
    r"^(?P<place>[A-Z][A-Z .,'’]{1,40}?(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?)\s*\|\s*"
    r"(?=(?P=place)\b)"
)
# A place in capitals joined to the first word by a dash: "SAN FRANCISCO—Emirates Team ...".
DASHED_DATELINE = re.compile(r"^[A-Z][A-Z.'’]+(?:[ ,]+[A-Z][A-Z.'’]+){0,3}\s*[—–](?=[A-Z][a-z])")
# The site's name, its place perhaps, joined to the first word by a dash ("JawaPos.com–Ketua
# ...", "Harianjogja.com, JOGJA—Warga ..."), or before a colon after its place, as a site or a
# broadcaster in capitals writes it ("Medcom.id, Jakarta: ", "KBRN, Bandung: ").
DATELINE_PLACE = r"[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*){0,2}"
SITE_DASHED_DATELINE = re.compile(
    rf"^(?:{DATELINE_SITE}(?:,\s*{DATELINE_PLACE})?\s*[—–-]+\s*"
    rf"|(?:{DATELINE_SITE}|[A-Z]{{3,}}),\s*{DATELINE_PLACE}\s*:\s+)(?=[\"“A-Z])"
)
# The place in capitals and a full stop after the site's dateline: "KONTAN.CO.ID - JAKARTA. ".
SITE_DATELINE = re.compile(r"\.(?:com|co\.id|id|net|tv)\b", re.IGNORECASE)
PLACE_STOP = re.compile(r"^[A-Z][A-Z'’]+(?:[ ,]+[A-Z][A-Z'’]+){0,3}\.\s+(?=[\"“A-Z])")


def strip_dateline(line: str, title: str = "") -> str:
    """The first line without its dateline ("JAKARTA, KOMPAS.com - "). Words that begin the
    headline before a dash are the sentence's own ("Vegan Jambalaya – Loaded with veggies...",
    a recipe blog's opening line), no dateline."""
    line = LEADING_DATE.sub("", line, count=1)
    line = PLACE_LABEL.sub("", line, count=1)
    if (site := SITE_DASHED_DATELINE.match(line)) and len(site.group(0)) <= DATELINE_MAX:
        line = line[site.end() :]
        place = PLACE_STOP.match(line)
        return line[place.end() :] if place else line
    dashed = DASHED_DATELINE.match(line)
    if dashed and len(dashed.group(0)) <= DATELINE_MAX:
        return line[dashed.end() :]
    for _ in range(2):  # an agency, then its place: "(ANSA) - ROMA, 10 NOV - "
        match = DATELINE.match(line) or COLON_DATELINE.match(line) or ARABIC_DATELINE.match(line)
        if not match or len(match.group(0)) > DATELINE_MAX or _titles(match.group(0), title):
            break
        line = line[match.end() :]
        if SITE_DATELINE.search(match.group(0)) and (place := PLACE_STOP.match(line)):
            return line[place.end() :]
        if not match.group(0).startswith("("):
            break
    return line


# The share of the headline's words a run of words before a dash must hold to be the headline
# restated, not a place the headline names ("LOS ANGELES --" over a Los Angeles story).
TITLE_WORDS_SHARE = 0.6


def _titles(words: str, title: str) -> bool:
    """`words` (two or more, not in capitals as datelines are) are the headline's words, most of
    them ("Balsamic Watermelon Cucumber Salad" under "Balsamic Watermelon and Cucumber Salad")."""
    said = {w.casefold() for w in re.findall(r"\w+", words)}
    headline = {w.casefold() for w in re.findall(r"\w+", title)}
    if len(said) < 2 or words.isupper() or not said <= headline:
        return False
    return len(said) >= TITLE_WORDS_SHARE * len(headline)


LIST_BULLET = re.compile(r"^\s*[-•*]\s+")


def is_clutter_line(line: str) -> bool:
    """A whole line that is never article text; a list item's bullet changes nothing ("- 本文仅代表
    作者个人观点。")."""
    bare = LIST_BULLET.sub("", line, count=1)
    return bool(
        CLUTTER_LINE.match(line)
        or CLUTTER_LINE.match(bare)
        or WORLD_CLUTTER_LINE.match(bare)
        or is_nutrition_line(bare)
        or is_comment_policy(bare)
    )


# A comment section's rules and notices, a sentence or two over or under readers' comments: the
# comments named (COMMENTS_NAMED) with a rule for them or the state of the section
# (COMMENTS_RULE), or the rules alone (CIVIL_AND_ON_TOPIC): "Join the conversation in our
# comments section below.", "Comments are closed.", "Kommentarfunktion ist geschlossen.", "Du
# musst eingeloggt sein, um einen Kommentar posten zu können.", "Please stay on topic, be civil,
# and be brief." Never a line reporting what someone said (REPORTED).
# Readers' comments named, in the languages the importer reads.
COMMENT_NOUNS = (
    r"comments?|kommentar\w*|komentar\w*|commentaires?|comentarios?|comentários?|commenti"
    r"|reacties?"
)
COMMENTS_NAMED = re.compile(
    rf"\b(?:{COMMENT_NOUNS}|commenting|commenters?|commento)\b", re.IGNORECASE
)
COMMENTS_RULE = re.compile(
    r"\b(?:civil|on[- ]topic|off[- ]topic|be (?:brief|respectful|kind|nice)"
    r"|(?:are|is|will be|may be) (?:pre-?)?moderated|moderation policy"
    r"|user agreement|community (?:guidelines|standards)|terms of (?:use|service)"
    r"|comment(?:ing)? policy|vote on comments|never displayed|join the (?:conversation|discussion)"
    r"|(?:^|[.!?]\s+|please\s+|be sure to\s+|(?:don['’]t )?forget to\s+)(?:leave|post|add|write) a comment"
    r"|(?:leave|post|add|write) a comment below|(?:log ?in|sign in|register) to (?:comment|post|reply)"
    r"|be the first to comment|no comments yet|eingeloggt|angemeldet|noch keine)\b",
    re.IGNORECASE,
)
# The section's state, said of the comments themselves: "Comments are closed.", "Kommentarfunktion
# ist geschlossen.", "Komentar ditutup." ("Public comments are closed after the hearing" is news).
COMMENTS_STATE = re.compile(
    rf"^\W*(?:{COMMENT_NOUNS})\b.{{0,30}}\b(?:closed|encouraged|disabled|geschlossen|deaktiviert"
    r"|ditutup|dinonaktifkan|fermés|cerrados|fechados|chiusi|gesloten)\b",
    re.IGNORECASE,
)
CIVIL_AND_ON_TOPIC = re.compile(
    r"\bcivil\b.{0,60}\bon[- ]topic\b|\bon[- ]topic\b.{0,60}\bcivil\b", re.IGNORECASE
)
COMMENT_POLICY_CHARS = 300  # a notice, not a reader's paragraph about the rules


def is_comment_policy(line: str) -> bool:
    """A comment section's rule or state (see above), not a sentence of the story."""
    if len(line) > COMMENT_POLICY_CHARS or REPORTED.search(line):
        return False
    named = COMMENTS_NAMED.search(line) is not None and COMMENTS_RULE.search(line) is not None
    return named or bool(COMMENTS_STATE.match(line) or CIVIL_AND_ON_TOPIC.search(line))


# A recipe card's nutrition label: lines of nutrients and amounts ("351 calories; fat 23g;
# cholesterol 86mg", "protein: 0.2g 1 %", "Kalorien 420 kcal") and the label's standard notes
# ("% Daily Value*", "*Percent Daily Values are based on a 2,000 calorie diet").
NUTRIENT = (
    r"(?:calories(?: from fat)?|calorie|kcal|kalorien|brennwert|energi[ea]?|proteins?|protéines?"
    r"|eiwei(?:ß|ss)|(?:saturated |trans |unsaturated )?fat|fett|lipides|grassi|carbohydrates?"
    r"|carbs|kohlenhydrate|glucides|carboidrati|sugars?|zucker|sucres|zuccheri|(?:dietary )?fib(?:er|re)"
    r"|ballaststoffe|fibres|sodium|salt|salz|cholesterol|potassium|calcium|iron|magnesium|folate"
    r"|niacin(?: equivalents)?|thiamin|riboflavin|vitamin [a-z]\d?(?: iu)?)"
)
NUTRIENT_AMOUNT = r"\d[\d.,]*\s*(?:g|mg|mcg|µg|kcal|kj|iu|%)?"
NUTRIENT_ITEM = re.compile(
    rf"{NUTRIENT}\s*:?\s*{NUTRIENT_AMOUNT}(?:\s+\d[\d.,]*\s*%)?|{NUTRIENT_AMOUNT}\s*{NUTRIENT}",
    re.IGNORECASE,
)
NUTRITION_NOTE = re.compile(
    r"^\s*(?:%\s*daily values?\s*\*?|\*+\s*percent daily values? are based on"
    r"|\*+\s*nutrient information is not available|\(-\)\s*information is not currently available)",
    re.IGNORECASE,
)
MAX_NUTRITION_LINE = 400
# What may be left of a nutrition line besides its items: separators, a label ("Per serving:").
MAX_NUTRITION_REST = 0.2


def is_nutrition_line(line: str) -> bool:
    if NUTRITION_NOTE.match(line):
        return True
    text = line.strip()
    if not text or len(text) > MAX_NUTRITION_LINE or not NUTRIENT_ITEM.search(text):
        return False
    rest = re.sub(r"[\s;,.|·/:()*-]+", "", NUTRIENT_ITEM.sub("", text))
    if len(rest) > MAX_NUTRITION_REST * len(re.sub(r"\s+", "", text)):
        return False
    # One item alone is a label's only where it reads like one ("protein: 0.2g 1 %", "420 kcal"):
    # an ingredient names an amount of salt or sugar too ("10 g salt", "Zucker 50 g").
    items = NUTRIENT_ITEM.findall(text)
    return len(items) >= 2 or bool(LABEL_ITEM.search(text))


LABEL_ITEM = re.compile(r":\s*\d|\d\s*(?:kcal|kj)\b|\d\s*%|calorie", re.IGNORECASE)


# A heading that introduces a list of other stories; the headlines after it go with it.
LIST_HEADING = re.compile(
    r"^\s*(?:baca (?:juga|pula)|lihat (?:juga|pula)|simak (?:juga|pula)"
    r"|(?:berita|artikel|video|foto) (?:terkait|lainnya|terpopuler|pilihan|terbaru|populer)"
    r"|terpopuler|populer|pilihan redaksi|rekomendasi(?: untuk anda)?|related(?: \w+)?"
    r"|(?:most|more) (?:read|popular|from \w+)|read (?:more|next|also)|recommended(?: for you)?"
    r"|latest (?:headlines|news|stories|posts|blog posts)|(?:the )?latest from(?: \S+){1,4}"
    r"|you (?:may|might) also like)\s*:?\s*$",
    re.IGNORECASE,
)
HEADLINE_MAX = 150
# A teaser's summary cut short ("… 100+ sensitive files (SSH keys,..."): another story's, never a
# sentence of the story's own, when it stands in a list of stories. Wider than CLIPPED_BLURB (a
# word before the ellipsis, 200 characters), which judges a last line with no heading above it.
CUT_SHORT = re.compile(r"(?:\.{3}|…)\s*$")


def drop_story_lists(lines: list[str]) -> list[str]:
    """Drop "Baca juga:" / "Berita Terkait" headings and the headlines listed under them (short
    lines that do not end like a sentence, and teasers' summaries cut short), up to the next
    paragraph of text."""
    kept: list[str] = []
    in_list = False
    for line in lines:
        if LIST_HEADING.match(line):
            in_list = True
            continue
        headline = len(line) < HEADLINE_MAX and not FIRST_SENTENCE_END.search(line)
        if in_list and (headline or CUT_SHORT.search(line)):
            continue
        in_list = False
        kept.append(line)
    return kept


# A list of other stories closing the text: a heading such as "More Must-Reads From TIME" (short,
# no colon or full stop: an article's own list is introduced by a sentence or "...:") and at least
# three items of headline length.
LIST_ITEM = re.compile(r"^[-•*]\s+\S")
MIN_LIST_ITEMS = 3
HEADLINE_WORDS = (3, 20)


def drop_closing_story_list(lines: list[str]) -> list[str]:
    """Drop a trailing list of headlines and the short heading above it."""
    start = len(lines)
    while start > 0 and LIST_ITEM.match(lines[start - 1]) and len(lines[start - 1]) < HEADLINE_MAX:
        words = len(lines[start - 1].split()) - 1
        if not HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1]:
            break
        start -= 1
    if len(lines) - start < MIN_LIST_ITEMS or start < 2:
        return lines
    heading = lines[start - 1]
    if len(heading) < LEADING_SHORT and not re.search(r"[.:;!?。：]\s*$", heading):
        return lines[: start - 1]
    return lines


def introduced_list_at_end(lines: list[str]) -> bool:
    """The text ends with a list its own sentence introduces ("Posko pengungsian:" then items,
    bulleted or numbered in order: "1. Wrap blouse, Net-A-Porter, $167", "2. …")."""
    start = len(lines) - max(_bulleted_run(lines), _numbered_run(lines))
    return start < len(lines) and start > 0 and lines[start - 1].rstrip().endswith((":", "："))


def _bulleted_run(lines: list[str]) -> int:
    count = 0
    while count < len(lines) and LIST_ITEM.match(lines[-1 - count]):
        count += 1
    return count


# A list item numbered in its text ("1. Wrap blouse", "2) Heels"): a run counts only numbered
# from 1 in order, as a story's own list is (a date or a score opening a line is not one).
NUMBERED_ITEM = re.compile(r"^(\d{1,2})[.)]\s+\S")


def _numbered_run(lines: list[str]) -> int:
    """How many of the last lines are items numbered 1, 2, 3, … in order (0 for none)."""
    numbers = []
    for line in reversed(lines):
        match = NUMBERED_ITEM.match(line)
        if not match:
            break
        numbers.append(int(match[1]))
    numbers.reverse()
    while numbers and numbers[0] != 1:
        numbers.pop(0)
    return len(numbers) if numbers == list(range(1, len(numbers) + 1)) else 0


# What closes a text after its last sentence, and everything after it: a press office's contact
# box ("Rückfragehinweis" and its address), an appeal for support ("You read this long post all
# the way down. … please support us").
CLOSING_HEADING = re.compile(
    r"^\s*(?:rückfragehinweis|rückfragen(?: an)?|pressekontakt|medienkontakt|kontakt für medien|"
    r"press contacts?|media contacts?|media enquiries|contact presse|contacts? presse|"
    r"contacto de prensa|kontak media)\s*:?\s*$",
    re.IGNORECASE,
)
APPEAL = re.compile(
    r"\b(?:please support us|support (?:us|our (?:work|journalism))|donate (?:now|today)|"
    r"become a (?:member|supporter)|unterstützen sie (?:uns|unsere arbeit)|jetzt spenden|"
    r"soutenez[- ](?:nous|notre)|faites un don|dukung (?:kami|jurnalisme))\b",
    re.IGNORECASE,
)
# An appeal addresses the reader (a story's last quote asking for support does not).
READER = re.compile(r"\b(?:you|your|sie|ihre?|vous|votre|anda|kamu)\b", re.IGNORECASE)
CLOSING_LINES = 3


def drop_closing_boxes(lines: list[str]) -> list[str]:
    """Drop a contact box (its heading, then only short lines: an address, numbers) or an appeal
    for support among the last lines, and what follows it."""
    for at in range(max(1, len(lines) - LEADING_MAX_DROPPED), len(lines)):
        line = lines[at]
        box = CLOSING_HEADING.match(line) and all(len(x) < HEADLINE_MAX for x in lines[at:])
        appeal = at >= len(lines) - CLOSING_LINES and len(line) < HEADLINE_MAX * 3
        if box or (appeal and _unquoted(APPEAL, line) and _unquoted(READER, line)):
            return lines[:at]
    return lines


def _unquoted(pattern: re.Pattern[str], line: str) -> bool:
    """`pattern` matches `line` outside a quotation: a player's "he will support us in the
    offseason", quoted in the story's last paragraph, is no appeal of the site's."""
    for match in pattern.finditer(line):
        before = line[: match.start()]
        straight = before.count('"') % 2 == 1
        curly = before.rfind("“") > before.rfind("”")
        if not (straight or curly):
            return True
    return False


# An author's note closing a story, however long: "Lucas Nolan is a reporter for … Follow him on
# Twitter @LucasNolan_ or email him at …", "-- By Michael Russell Follow @tdmrussell".
AUTHOR_NOTE = re.compile(
    r"\b(?:follow|find) (?:him|her|them|me|us)\b.{0,20}?(?:\bon (?:twitter|x|instagram|facebook)\b|@\w)"
    r"|\bemail (?:him|her|them|me) at\b|\b(?:can|may) be reached at\s+\S+@|\bfollow @\w+",
    re.IGNORECASE,
)
AUTHOR_NOTE_MAX = 400
AUTHOR_NOTES_DROPPED = 2


def drop_author_notes(lines: list[str]) -> list[str]:
    """Drop the last lines while they are an author's note (AUTHOR_NOTE): contact handles and
    addresses are no story's closing sentence; then the authors' biographies closing the story
    (AUTHOR_BIO)."""
    end = _end_without(lines, len(lines), AUTHOR_NOTE, AUTHOR_NOTES_DROPPED, AUTHOR_NOTE_MAX)
    return lines[: _end_without(lines, end, AUTHOR_BIO, AUTHOR_BIOS_DROPPED, AUTHOR_BIO_MAX)]


def _end_without(lines: list[str], end: int, kind: re.Pattern[str], most: int, longest: int) -> int:
    """Where `lines[:end]` ends once up to `most` closing lines of `kind` (at most `longest`
    characters each) are left out; the first line always stays."""
    dropped = 0
    while (
        end > 1
        and dropped < most
        and len(lines[end - 1]) <= longest
        and kind.search(lines[end - 1])
    ):
        end -= 1
        dropped += 1
    return end


# An author's biography under the story, a person's name then what they do: "Catherine Herridge
# is an award-winning Chief Intelligence correspondent for FOX News Channel …", "Max Blumenthal
# is an award-winning journalist …", "Cyd Upson is a Senior Producer at Fox News …".
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*\s+(?:is|was|has been|serves as)\s+(?:(?:an?|the)\s+)?"
    r"(?:[\w,'’&-]+\s+){0,8}?(?:(?i:correspondent|reporter|producer|writer|editor|journalist"
    r"|columnist|contributor|author|anchor|host|photographer|analyst)s?)\b"
)
AUTHOR_BIO_MAX = 700
AUTHOR_BIOS_DROPPED = 4


# A widget's heading in capitals, left below a story with the teasers it lists, or none where a
# script fills it: "SPONSORED HEADLINES", "MOST SENT STORIES ON ESPN.COM", "EDITORS' PICKS".
WIDGET_HEADING = re.compile(
    r"^(?=[^a-z]*$)(?=.*\b(?:HEADLINES|STORIES|PICKS|NEWS|VIDEOS?|POPULAR|SPONSORED|TRENDING)\b)"
    r"[A-Z0-9][A-Z0-9 '’&.,:-]{3,60}$"
)


def drop_widget_block(lines: list[str]) -> list[str]:
    """Drop the lines from a widget heading (WIDGET_HEADING) on, when only short lines (headlines,
    teasers, names) follow it to the end."""
    for at in range(1, len(lines)):
        if WIDGET_HEADING.match(lines[at]) and all(len(x) < HEADLINE_MAX for x in lines[at:]):
            return lines[:at]
    return lines


# A blurb cut short by its box after the story: a company's profile ending "... thus providing..."
# (a word, then the ellipsis: a quote trailing off closes its quotation mark after it).
CLIPPED_BLURB = re.compile(r"[^\W\d_]{2,}(?:\.\.\.|…)$")
CLIPPED_BLURB_MIN = 200


def drop_clipped_blurb(lines: list[str]) -> list[str]:
    """Drop the last line when it is a long blurb cut short (CLIPPED_BLURB)."""
    if len(lines) > 1 and len(lines[-1]) >= CLIPPED_BLURB_MIN and CLIPPED_BLURB.search(lines[-1]):
        return lines[:-1]
    return lines


# A box about the writer or the company closing the page, its heading kept as a line: "About
# Swasthi" / "I’m Swasthi Shreekanth, the recipe developer …", "About Blue Apron" / "Blue Apron
# delivers original, step-by-step recipes …", "Über mich" / "Ich bin …".
ABOUT_HEADING = re.compile(
    r"^(?:about|über|à propos de|a propos de|sobre|acerca de|tentang)\s+"
    r"(?P<name>[^\W\d_][\w'’&.-]*(?:\s+[\w'’&.-]+){0,2})$",
    re.IGNORECASE,
)
# ... introducing themselves by name ("I’m Swasthi", "Ich bin Anna"; not "I’m so glad you're here",
# a recipe's section "About this recipe" in the blogger's own words).
FIRST_PERSON_INTRO = re.compile(
    r"^(?:(?:hi|hello|hallo|hey)\b\W*)?(?:i['’]m|i am|my name is|ich bin|ich heiße|je suis"
    r"|je m['’]appelle|me llamo|soy|saya)\s+(?-i:[A-ZÀ-Ý])",
    re.IGNORECASE,
)
ABOUT_BOX_CHARS = 1500
# A box's label naming its contents the writer's profile: "AUTOR" over "Dr. Thomas Schulte" and
# "ist Gründungspartner …" (cnet.de), "About the author", "Tentang penulis".
AUTHOR_LABEL = re.compile(
    r"^(?:about the author|the author|author|autor|autorin|über (?:den|die) autor(?:in)?"
    r"|zum autor|zur autorin|tentang penulis|penulis|l['’]auteur|à propos de l['’]auteur"
    r"|el autor|sobre (?:el|o) autor|o autor|l['’]autore|de auteur|over de auteur)\W*$",
    re.IGNORECASE,
)


def drop_about_boxes(tree: HtmlElement, title: str) -> None:
    """Remove boxes about the writer or the company (ABOUT_HEADING): a heading and what follows
    it in its box, when that is short and opens by introducing the one it is about (by their
    name, in capitals, or in the first person). A heading about what the headline names ("About
    Banana Cake" in a banana cake recipe) opens a section of the story. Boxes labelled as the
    writer's profile go first (`drop_author_boxes`)."""
    drop_author_boxes(tree)
    for heading in tree.xpath("//h2|//h3|//h4|//h5|//h6"):
        found = ABOUT_HEADING.match(flat_text(heading))
        if found is None or heading.getparent() is None:
            continue
        box, text = _box_after(heading)
        if not text or len(text) > ABOUT_BOX_CHARS:
            continue
        name = found.group("name")
        if name.casefold() in title.casefold():
            continue
        # a name, in capitals ("About the study" heads a story's last section)
        named = all(word[0].isupper() for word in name.split())
        if (named and text.startswith(name)) or FIRST_PERSON_INTRO.match(text):
            for element in [heading, *box]:
                element.drop_tree()


def _box_after(label: HtmlElement) -> tuple[list[HtmlElement], str]:
    """The elements after a box's heading or label in its box, and their text."""
    box = [s for s in label.itersiblings() if isinstance(s.tag, str)]
    return box, " ".join(" ".join(flat_text(s) for s in box).split())


MAX_AUTHOR_BOX_BLOCKS = 4  # the label's siblings: a name, a photo, a paragraph or two


def drop_author_boxes(tree: HtmlElement) -> None:
    """Remove a box labelled as the writer's profile (AUTHOR_LABEL, a heading or a block of its
    own) with what follows the label in it: a few short blocks, no headline, and the story's
    running text outside it."""
    for label in tree.xpath("//h2|//h3|//h4|//h5|//h6|//div[not(*)]|//p[not(*)]"):
        if label.getparent() is None or not AUTHOR_LABEL.match(flat_text(label)):
            continue
        profile, text = _box_after(label)
        if not text or len(text) > ABOUT_BOX_CHARS or len(profile) > MAX_AUTHOR_BOX_BLOCKS:
            continue
        if any(s.find(".//h1") is not None or s.tag == "h1" for s in profile):
            continue
        outside = long_paragraphs(tree) - sum(long_paragraphs(s) for s in profile)
        if outside < RUNNING_PARAGRAPHS:
            continue
        for element in [label, *profile]:
            element.drop_tree()


# A site's copyright notice opening a line in the second half of the text, among its last lines:
# the page's legal foot begins, and what follows it is terms and disclaimers ("Copyright ©
# 2010/2012 Tagesausblick.de - Alle Rechte vorbehalten; …" then four lines on price data and the
# reader's own risk). A photo's credit ("© AFP") reserves no rights, a stamp closing a story ("©
# RIPRODUZIONE RISERVATA") states no terms, and "Copyright law …" opening a paragraph is no notice.
LEGAL_FOOT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\))|^copyright\s+(?:19|20)\d\d\b", re.IGNORECASE
)
RIGHTS_RESERVED = re.compile(
    r"\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos"
    r" reservados|todos os direitos reservados|tutti i diritti riservati|riproduzione riservata"
    r"|alle rechten voorbehouden|wszelkie prawa zastrzeżone|все права защищены|hak cipta dilindungi)",
    re.IGNORECASE,
)
LEGAL_FOOT_LINES = 10
LEGAL_NOTICE_CHARS = 100  # a notice with its terms; "© RIPRODUZIONE RISERVATA" closes a story


def drop_legal_foot(lines: list[str]) -> list[str]:
    """Drop the lines from a site's copyright notice (LEGAL_FOOT, RIGHTS_RESERVED) on, when it is
    among the last LEGAL_FOOT_LINES and in the text's second half; asked before furniture lines go
    (a short notice is one, and the terms after it would stay)."""
    for at in range(max(1, len(lines) - LEGAL_FOOT_LINES, len(lines) // 2), len(lines)):
        line = lines[at].strip()
        if (
            len(line) >= LEGAL_NOTICE_CHARS
            and LEGAL_FOOT.match(line)
            and RIGHTS_RESERVED.search(line)
        ):
            return lines[:at]
    return lines


# The notice over a comment section that readers' comments are their own, not the publisher's
# views ("Figyelem! A cikkhez hozzáfűzött hozzászólások nem a ma.hu network nézeteit tükrözik.",
# "Comments do not reflect the views of …", "Komentar … tidak mencerminkan pandangan redaksi"):
# the readers' part of the page begins, and what follows is comments or the forum's threads.
COMMENT_NOTICE = re.compile(
    r"^.{0,40}\b(?:comments?|hozzászólások|kommentek|kommentare?|komentar|commentaires?|comentarios?"
    r"|comentários|commenti|reacties|komentarze)\b.{0,80}"
    r"(?:(?:do not|don['’]t|does not|doesn['’]t|not necessarily) (?:reflect|represent)"
    r"|nem .{0,40}tükrözik|(?:geben|spiegeln) nicht|tidak (?:mencerminkan|mewakili)"
    r"|ne (?:reflètent|représentent|sont pas)|no (?:reflejan|representan)|não (?:refletem|representam)"
    r"|non (?:riflettono|rappresentano)|niet (?:de mening|het standpunt)|nie (?:odzwierciedlają|są))",
    re.IGNORECASE,
)


def drop_from_comment_notice(lines: list[str]) -> list[str]:
    """Drop the lines from a comment section's notice (COMMENT_NOTICE, the comments named at the
    line's start), or from a contributor's disclaimer among the last lines (CONTENT_DISCLAIMER),
    on, when what follows it says less than what comes before it: the notice closes the story.
    A story reporting such words ("… the comments do not reflect its views, the spokesman
    said.") or quoting a notice, its paragraphs going on after it, keeps them."""
    for at in range(1, len(lines)):
        line = lines[at]
        closing = at >= len(lines) - CLOSING_LINES and CONTENT_DISCLAIMER.search(line)
        if len(line) > COMMENT_NOTICE_CHARS or not (COMMENT_NOTICE.search(line) or closing):
            continue
        if REPORTED.search(line):
            continue
        before = sum(len(kept) for kept in lines[:at])
        if sum(len(rest) for rest in lines[at + 1 :]) < before:
            return lines[:at]
    return lines


# A reader's comment's header line, where readers' comments follow a story: "Comment by Mirko
# Lange — 17.07, 2011 @ 13:04" (a word for comment, by whom, when), "Mirko says: July 17, 2011 at
# 1:04 pm" (WordPress: a name, a verb of saying and a colon, then nothing or the time).
COMMENT_HEADER = re.compile(
    r"^(?:comment|kommentar|komentar|commentaire|comentario|comentário|commento|reactie|reply"
    r"|antwort|balasan|tanggapan) (?:by|von|dari|oleh|de|par|di|door) \S.{0,80}\b\d{1,4}\b.{0,40}$"
    r"|^\S.{0,60}?\s(?:says|said|sagt|schrieb|schreibt|dit|dice|disse|scrive|zegt|berkata|menulis)\s?:"
    r"(?:\s*$|\s+(?:\w+,?\s)?(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}\.?\s\w+\.?,?\s(?:19|20)\d\d"
    r"|\w+\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s(?:19|20)\d\d)\b.{0,30}$)",
    re.IGNORECASE,
)
# The heading over readers' comments: "12 Comments", "3 thoughts on “…”", "Leave a Reply",
# "Kommentare (4)", "Tinggalkan Balasan".
COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reactions|kommentare?|komentar|commentaires?"
    r"|comentarios?|comentários|commenti|reacties|komentarze|tanggapan)\b.{0,80}$"
    r"|^\d+\s+(?:thoughts?|responses?|replies) (?:on|to)\b.{0,200}$"
    r"|^(?:leave|post|add|write) a (?:comment|reply)\b.{0,60}$|^tinggalkan (?:balasan|komentar)\b.{0,60}$",
    re.IGNORECASE,
)
MIN_COMMENT_HEADERS = 2  # one such line may be the story's; two are a thread
COMMENTS_HEADING_CHARS = 120  # a heading, not a paragraph


def drop_comment_threads(lines: list[str]) -> list[str]:
    """Drop readers' comments the page names by no class the importer knows: from the first of
    MIN_COMMENT_HEADERS or more comment header lines (COMMENT_HEADER) after the story's first
    line on, and the comments' heading right before it (COMMENTS_HEADING)."""
    headers = [at for at in range(1, len(lines)) if COMMENT_HEADER.match(lines[at])]
    if len(headers) < MIN_COMMENT_HEADERS:
        return lines
    at = headers[0]
    while (
        at > 1
        and len(lines[at - 1]) <= COMMENTS_HEADING_CHARS
        and COMMENTS_HEADING.match(lines[at - 1])
    ):
        at -= 1
    return lines[:at]


COMMENT_NOTICE_CHARS = 400  # a notice of a few sentences, not a paragraph of the story
# A platform's or an op-ed page's disclaimer that a contributor's text is the contributor's, not
# the newsroom's ("Le Club est l'espace de libre expression des abonnés de Mediapart. Ses contenus
# n'engagent pas la rédaction.", "Isi tulisan di luar tanggung jawab redaksi", "The views
# expressed are the author's own and do not necessarily reflect …").
CONTENT_DISCLAIMER = re.compile(
    r"n['’]engage(?:nt)? (?:pas|que) (?:la rédaction|(?:son|leurs?) auteurs?)"
    r"|(?:views|opinions) expressed\b.{0,100}\b(?:(?:are|is) (?:solely )?(?:those of the|the"
    r" author['’]s|their own|his own|her own)|do(?:es)? not (?:necessarily )?(?:reflect|represent))"
    r"|(?:isi|seluruh isi) (?:tulisan|artikel|konten)\b.{0,40}\btanggung ?jawab"
    r" (?:penulis|pengirim)|(?:di luar|bukan) tanggung ?jawab redaksi"
    r"|tidak (?:mencerminkan|mewakili) (?:pandangan|sikap|kebijakan) (?:dari )?redaksi"
    r"|(?:gibt|geben) nicht (?:unbedingt |zwingend )?die Meinung der Redaktion wieder"
    r"|(?:es|son) (?:de )?(?:la )?(?:exclusiva )?responsabilidad (?:exclusiva )?de (?:su|sus) autor"
    r"|(?:é|são) de (?:inteira |exclusiva )?responsabilidade d[eo]s? (?:seus? )?autor",
    re.IGNORECASE,
)
# Words that report what someone said: a story's sentence, not the site's notice.
REPORTED = re.compile(
    r"\b(?:said|says|told|according to|kata|ujar|ungkap|sagte|sagt|a déclaré|dijo|disse|ha detto)\b"
    r"|[\"“”„«»]",
    re.IGNORECASE,
)


# A line that only marks the story's end: "- THE END -", "—END—", "(END)", "【完】", "（全文完）".
# Chinese portals and wire services close a story so; what follows is a tip prompt, a share bar or
# the next story. A bare "End" (a heading) and "The End" in sentence case are not such marks.
END_MARK = re.compile(
    r"^[-—–_=*~·•\s]*(?:(?:THE\s+)?END|[\[(（【〔]\s*(?:(?i:the\s+)?(?i:end)|全文完|完)\s*[\])）】〕])"
    r"[-—–_=*~·•\s]*$|^[-—–_=*~·•]+\s*(?:(?i:the\s+)?(?i:end)|全文完|完)\s*[-—–_=*~·•]+$"
)


def drop_after_end_mark(lines: list[str]) -> list[str]:
    """Drop the lines from a line that marks the story's end (END_MARK) on, where the story came
    before it (not the first line)."""
    for at in range(1, len(lines)):
        if END_MARK.match(lines[at].strip()):
            return lines[:at]
    return lines


def drop_trailing_furniture(lines: list[str]) -> list[str]:
    """Drop short lines after the last sentence: list headings ("More games news:"), tag lists,
    section links, and an author's closing note. A line ending like a sentence (or with an
    author's initials) stops it."""
    lines = drop_closing_boxes(drop_widget_block(lines))
    lines = drop_author_notes(drop_closing_story_list(drop_clipped_blurb(lines)))
    if introduced_list_at_end(lines):
        return lines
    end = len(lines)
    while end > 1 and len(lines) - end < LEADING_MAX_DROPPED:
        line = lines[end - 1]
        if (len(line) < TRAILING_SHORT and not SENTENCE_END.search(line)) or (
            len(line) < LEADING_SHORT and line.endswith(":")
        ):
            end -= 1
            continue
        if end > 2 and _orphan_question(lines[end - 2], line):
            end -= 2
            continue
        break
    return drop_closing_initials(lines[:end])


def _orphan_question(heading: str, line: str) -> bool:
    """A short question under a short heading closing the text: the introduction of a list that
    went as links ("Summer Canning Recipes" / "Putting up more than pickles this season?")."""
    return (
        len(line) < LEADING_SHORT
        and line.rstrip().endswith("?")
        and len(heading) < TRAILING_SHORT
        and not SENTENCE_END.search(heading)
    )


# A site describing itself at the end of its stories: "CORRECTIV ist das erste gemeinnützige
# Recherchezentrum …", "The Texas Tribune is a nonprofit, nonpartisan media organization …".
SITE_BLURB_VERBS = frozenset(
    {"is", "was", "ist", "est", "es", "è", "é", "är", "er", "jest", "adalah", "merupakan", "ialah"}
)
MAX_SITE_BLURB_LINES = 3
SITE_NAME_WORDS = 4


def drop_site_blurbs(text: str, sites: list[str]) -> str:
    """`text` without its last lines where they open with the site's name (squashed, as
    titles.site_words gives them) and a verb saying what the site is."""
    lines = text.split("\n")
    end = len(lines)
    while (
        end > 1 and len(lines) - end < MAX_SITE_BLURB_LINES and _site_blurb(lines[end - 1], sites)
    ):
        end -= 1
    return "\n".join(lines[:end])


def _site_blurb(line: str, sites: list[str]) -> bool:
    words = line.split()
    for n in range(1, min(SITE_NAME_WORDS, len(words) - 1) + 1):
        name = squash(" ".join(words[:n]))
        if name in sites and words[n].casefold() in SITE_BLURB_VERBS:
            return True
    return False


# Desk initials closing the last paragraph after its last sentence, in lower case (the first
# pair at least): "… kata dia. (mnf/ugo)", "… tuturnya. (wah)", "… (tim/DAL)".
CLOSING_INITIALS = re.compile(
    r"(?<=[.!?\"”’])\s+\((?-i:[a-z]{2,6})(?:\s*/\s*[A-Za-z]{2,6}){0,3}\)\s*$"
)


def drop_closing_initials(lines: list[str]) -> list[str]:
    """The body without the desk initials its last line ends with (CLOSING_INITIALS)."""
    if not lines:
        return lines
    last = CLOSING_INITIALS.sub("", lines[-1])
    return [*lines[:-1], last] if last.strip() and last != lines[-1] else lines


# A salutation on its own line: two to six words ending with a comma, no byline ("By …,").
SALUTATION = re.compile(
    r"^(?!(?:by|von|par|por|oleh|di)\s)(?:[^\W\d]+[\s'’-]+){1,5}[^\W\d]+,$", re.I
)


# Letters a label may add to the headline repeated at the body's start ("Gadgets" + headline).
HEADLINE_LABEL_CHARS = 20


def _is_headline_again(folded: str, folded_title: str) -> bool:
    """The headline (both folded to letters and digits), alone or after or before a short label:
    a section's name, "Photos"."""
    if not folded_title or len(folded) - len(folded_title) > HEADLINE_LABEL_CHARS:
        return False
    return folded.startswith(folded_title) or folded.endswith(folded_title)


# A CJK clause that the next line goes on with: it ends with a comma ("下周一，"), an
# enumeration comma, or a colon after a few words ("女士们、先生们：", not a label such as "责任编辑：").
CJK_CLAUSE_END = ("，", "、")
CJK_INTRO_WORDS = 4


def opens_cjk_sentence(line: str) -> bool:
    """A short line of Chinese text that starts a sentence continued on the next line (pages
    that put every clause in its own paragraph), not a byline or a label."""
    if not cjk.CJK_CHAR.search(line):
        return False
    if line.endswith(CJK_CLAUSE_END):
        return True
    return line.endswith("：") and cjk.phrase_words(line) >= CJK_INTRO_WORDS


def drop_leading_furniture(
    lines: list[str], title: str, content: Collection[str] = ()
) -> list[str]:
    """Drop what comes before the first sentence: the headline again, bylines, captions, labels.

    A leading line is furniture when it is short and does not end like a sentence; an article's
    first paragraph does (the limit keeps a body that is only short lines intact). Lines the page's
    metadata names as its content (`content`, squashed: a recipe's ingredients) are never cut
    apart: where the cut falls inside a run of them, the run stays whole.
    """
    start = leading_end(lines, title)
    if start >= len(lines):
        return lines
    # The cut never splits a run of named lines: a recipe's ingredients go or stay together.
    while start > 0 and is_named(lines[start], content) and is_named(lines[start - 1], content):
        start -= 1
    return lines[start:]


def is_named(line: str, content: Collection[str]) -> bool:
    """`line` (a list item's bullet aside) is one of `content`'s lines (squashed)."""
    return bool(content) and squash(LIST_BULLET.sub("", line, count=1)) in content


def _unsplit_list(lines: list[str], start: int, again: list[bool]) -> int:
    """A cut at `start` that the limit on short lines let fall inside a list, or inside lists
    with short headings between them (a recipe's "Bahan", "Untuk saus" and their ingredients),
    moved back to keep them whole, with the short heading above the first (not the headline)."""
    if not (0 < start < len(lines) and _in_lists(lines, start) and _in_lists(lines, start - 1)):
        return start
    while start > 0 and _in_lists(lines, start - 1):
        start -= 1
    above = start - 1
    heading = above >= 0 and len(lines[above]) < LEADING_SHORT
    return above if heading and not (above < len(again) and again[above]) else start


def _in_lists(lines: list[str], at: int) -> bool:
    """`lines[at]` is a list's item, or a short heading between two lists' items."""
    if LIST_ITEM.match(lines[at]):
        return True
    between = 0 < at < len(lines) - 1 and len(lines[at]) < LEADING_SHORT
    return between and bool(LIST_ITEM.match(lines[at - 1]) and LIST_ITEM.match(lines[at + 1]))


def leading_end(lines: list[str], title: str) -> int:
    """Where the text starts after its leading furniture (see drop_leading_furniture)."""
    folded_title = squash(title)
    again = [_is_headline_again(squash(line), folded_title) for line in lines[:LEADING_MAX_DROPPED]]
    start = 0
    # The headline again a few lines down, after lines none of which ends like a sentence: they
    # are the page's furniture above the story, however long (Medical News Today's "Also
    # Included In: Flu / Cold / SARS; Infectious Diseases / Bacteria / Viruses").
    at = again.index(True, 1) if True in again[1:] else 0
    ended = [FIRST_SENTENCE_END.search(line) and not TRUNCATED.search(line) for line in lines[:at]]
    if at and not any(ended):
        start = at
    while start < min(len(lines), LEADING_MAX_DROPPED):
        line = lines[start]
        if again[start]:
            start += 1
            continue
        short = len(line) < LEADING_SHORT or (BYLINE.match(line) and len(line) < HEADLINE_MAX)
        if short and (not FIRST_SENTENCE_END.search(line) or QUANTITY_LINE.match(line)):
            if line.endswith((":", "：")) and len(line.split()) >= INTRO_WORDS:
                break  # a sentence introducing what follows: "From Goldman on the decision:"
            if SALUTATION.match(line):
                break  # a letter's or a column's salutation opens the text: "Ami abonné,"
            if opens_cjk_sentence(line):
                break  # a Chinese sentence broken over short lines: "下周一，" / "女士们、先生们："
            start += 1
            continue
        caption = CAPTION_CREDIT.search(line) or CAPTION_LABEL.search(line)
        if caption and len(line) < HEADLINE_MAX * 2:
            start += 1
            continue
        break
    start = _unsplit_list(lines, start, again)
    # Bullet points before the first paragraph: the story's summary, kept as its lead
    # ("- Bahn-Konkurrenten wie Flixbus fürchten …" above Süddeutsche's text), when a paragraph
    # of running text follows them; where the bullets are of headline length, perhaps after the
    # byline's short lines (Daily Mail's bold bullets under the headline, then "By Associated
    # Press", then its time stamps).
    bullets = start
    while bullets < len(lines) and LIST_ITEM.match(lines[bullets]):
        bullets += 1
    after = bullets
    summary = all(len(line) < HEADLINE_MAX for line in lines[start:bullets])
    while (
        summary
        and after < len(lines)
        and after - bullets < LEADING_MAX_DROPPED
        and len(lines[after]) < LEADING_SHORT
        and not FIRST_SENTENCE_END.search(lines[after])
    ):
        after += 1
    if start < bullets and after < len(lines) and len(lines[after]) >= LEADING_SHORT:
        start = after
    return start
