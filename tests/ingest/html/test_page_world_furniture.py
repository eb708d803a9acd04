"""News sites' furniture in other languages between an article's paragraphs (#12): "read also"
labels, ad markers, share and copy-link buttons, players' notes, paywall and subscription prompts,
consent placeholders of embedded content, error-report prompts and AI-summary notes of German,
French, Spanish, Portuguese, Italian, Dutch, Polish, Russian, Turkish and Vietnamese sites, as
public scrapers of those sites strip them. Sentences that open with the same words stay. Also
agencies' and papers' datelines elsewhere, and tag, author and search paths in other languages."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import (
    PARAGRAPHS,
    PUBLISHED,
    TITLE,
    URL,
    article,
    body_with,
    record,
)
from tests.ingest.html.test_page_body import body_of


@pytest.mark.parametrize(
    "line",
    [
        # German
        "Mehr zum Thema",
        "Lesen Sie auch: Regierung plant neue Steuer",
        "Lesen Sie hier: Was das neue Gesetz bedeutet",
        "Lesen Sie dazu: Die wichtigsten Fragen und Antworten",
        "Das könnte Sie auch interessieren",
        "Meistgeklickte Nachrichten aus der Region",
        "Keine wichtigen News mehr verpassen",
        "Jetzt Angebot und Vorteile checken",
        "Mehr wichtige Nachrichten aus Braunschweig",
        "Alle Artikel der Serie",
        "Weitere News",
        "Auch interessant",
        "Link kopieren",
        "Weitere Optionen zum Teilen",
        "Foto: dpa",
        "Bild vergrößern",
        "Jetzt abonnieren",
        "Artikel freischalten",
        "Haben Sie einen Fehler im Text gefunden? Dann melden Sie ihn uns.",
        "Helfen Sie uns, besser zu werden",
        "Eine Zusammenfassung dieses Artikels wurde mit Hilfe von künstlicher Intelligenz erstellt.",
        "Artikel anhören",
        "Zum Inhalt springen",
        "Weiter mit SZ Plus-Abo",
        "Bereits Abonnent der digitalen SZ?",
        "Rechte am Artikel können Sie hier erwerben.",
        "Weiter mit Werbung",
        "© dpa-infocom, dpa:261110-930-123456/1",
        "Empfohlener externer Inhalt",
        "An dieser Stelle ist ein externer Inhalt eingebunden. Zum Anschauen benötigen wir Ihre Zustimmung.",
        "Ich bin damit einverstanden, dass mir Inhalte von Drittanbietern angezeigt werden.",
        "Dieser Artikel ist Teil von ZEIT am Wochenende, Ausgabe 46/2026.",
        "Fanden Sie die Zusammenfassung hilfreich?",
        "Externer Inhalt von YouTube",
        "Ohne Abo weiterlesen",
        "Zugang zu allen FAZ+ Beiträgen",
        "Mit einem Klick online kündbar",
        "Anzeige",
        "Werbung",
        "Zur Startseite",
        "Zum Seitenanfang",
        "Weitere Meldungen",
        "Zum Artikel",
        "Dieses Audio ist derzeit nicht verfügbar.",
        "Laden Sie sich jetzt hier kostenfrei unsere App herunter",
        # French
        "S'abonner",
        "Lire plus tard",
        "Article réservé à nos abonnés",
        "Cet article vous est offert",
        "Pour lire gratuitement cet article, abonnez-vous",
        "Il vous reste 72% de cet article à lire. La suite est réservée aux abonnés.",
        "Vous pouvez lire Le Monde sur un seul appareil à la fois",
        "Réutiliser ce contenu",
        "Offrir cet article",
        "Le Monde avec AFP",
        "À lire aussi",
        "Lire aussi : La réforme des retraites adoptée",
        "Publicité",
        "Passer la publicité",
        "Copier le lien",
        "Lien copié",
        "Partager via",
        "Écouter cet article",
        "Réservé aux abonnés",
        "Déjà abonné ? Connectez-vous",
        "Vous avez envie de lire la suite ? Débloquez tous les articles immédiatement.",
        "Regarder la vidéo",
        "Voir aussi : les images de la manifestation",
        "Temps de lecture : 3 min",
        "Lesezeit: 3 Min.",
        "(Avec AFP)",
        "(Bernama)",
        "(ИА Красная Весна)",
        "Tiempo de lectura: 4 minutos",
        "Время чтения: 3 мин",
        "Partager",
        "Commentaires",
        "Ajouter à mes favoris",
        "Suivez-nous sur Facebook",
        "Abonnez-vous à notre newsletter",
        "Retrouvez l'article original sur Le Point",
        "Sur le même sujet",
        "Imprimer cet article",
        "Partager cet article",
        # Spanish
        "Ir al contenido",
        "Ir a los comentarios",
        "Copiar enlace",
        "Compartir en Facebook",
        "Tu suscripción se está usando en otro dispositivo",
        "¿Quieres añadir otro usuario a tu suscripción?",
        "Archivado En",
        "Se adhiere a los criterios de The Trust Project",
        "Si está interesado en licenciar este contenido, pinche aquí",
        "Seguir leyendo",
        "Síguenos en Twitter",
        "Suscríbete a nuestra newsletter",
        "Inicia sesión para seguir leyendo",
        "Más información",
        "Te puede interesar",
        "Contenido exclusivo para suscriptores",
        "Artículo solo para suscriptores",
        "Si ya estás suscrito, inicia sesión",
        "Mirá también",
        "Sobre la firma",
        "Lea también: El Gobierno anuncia nuevas medidas",
        "También te puede interesar: Las claves del acuerdo",
        "(Siga leyendo: Así avanza la investigación)",
        "Este contenido fue reescrito con el apoyo de la inteligencia artificial",
        "[Publicidad]",
        "Únete a nuestro canal de WhatsApp",
        "Sigue leyendo: El debate sobre la reforma",
        "Publicidad",
        "Anuncio",
        "Fuente de la imagen, Getty Images",
        "Pie de foto, Manifestantes en la capital",
        # Portuguese
        "Continuar a ler",
        "Assine já",
        "Partilhar notícia",
        "Deixe seu comentário",
        "Comunicar erro",
        "Ouça agora",
        "Powered by Trinity Audio",
        "Continuar lendo",
        "Mais lidas",
        "Leia também",
        "Veja também",
        "Leia mais: Governo anuncia novo pacote",
        "Recurso exclusivo para assinantes",
        "O que achou desta receita?",
        "A sua avaliação desta receita poderá demorar até 24 horas a ficar visível",
        "assine ou faça login",
        "Salvar artigos",
        "Saiba mais: Entenda a proposta",
        "Sem tempo? Ferramenta de IA resume para você",
        "Quer receber as notícias no seu e-mail? Inscreva-se.",
        "Os comentários não representam a opinião do jornal; a responsabilidade é do autor da mensagem.",
        "Publicidade",
        # Italian
        "Riproduzione riservata © Copyright ANSA",
        "© RIPRODUZIONE RISERVATA",
        "Salva questo articolo e leggilo quando vuoi. Il servizio è dedicato agli utenti registrati.",
        "Per ricevere la newsletter iscriviti qui",
        "LEGGI ANCHE",
        "Leggi anche: Il governo approva la manovra",
        "Iscriviti alla newsletter",
        "Seguici su Instagram",
        "Aggiornato alle 10:20",
        "Punti chiave",
        "Passa a Premium",
        "Quest'articolo è riservato agli abbonati",
        "Visualizza questo post su Instagram",
        "Continua a leggere questo articolo",
        "Sei già abbonato?",
        "Articoli correlati",
        "Tutti i diritti riservati",
        "Pubblicità",
        # Dutch
        "Lees ook: Kabinet presenteert nieuwe plannen",
        "Sluit je aan als abonnee",
        "Luister hier",
        "Kijk hier",
        "Eindredactie: Jan de Vries",
        "Advertentie",
        "Lees meer",
        "Deel dit artikel",
        # Polish
        "Czytaj także: Rząd przyjął projekt ustawy",
        "Przeczytaj także: Nowe przepisy od stycznia",
        "Zobacz także: Najważniejsze zmiany",
        "Czytaj więcej",
        "Dalsza część artykułu pod materiałem wideo",
        "Korzystanie z portalu oznacza akceptację Regulaminu.",
        "Skopiuj link",
        "Podziel się na Facebooku",
        "Napisz do autora",
        "Zobacz galerię",
        "Nie przegap ważnej informacji",
        "Źródło: WP",
        "Dziękujemy, że przeczytałaś/eś nasz artykuł do końca.",
        "Polecany artykuł:",
        "Reklama",
        "Najczęściej czytane",
        # Russian
        "Ошибка в тексте? Выделите её и нажмите Ctrl + Enter",
        "Также по теме",
        "Читайте также: Правительство утвердило бюджет",
        "Подписывайтесь на наш канал в Telegram",
        "Читайте по теме",
        "Материалы по теме",
        "Смотрите также",
        "Поделиться",
        "Реклама",
        "Продолжение после рекламы",
        "Комментарии",
        "Оставить комментарий",
        "Новости по теме",
        "Главные новости",
        "Фото: РИА Новости",
        "Источник: ТАСС",
        "Подробнее",
        "Читать далее",
        "Сейчас читают",
        "Еще по теме",
        "Рекомендуем",
        # Turkish
        "Haberin devamı için tıklayın",
        "Bültenimize abone olun",
        "Reklam",
        "İlgili Haberler",
        # Vietnamese
        "Nguồn hình ảnh, Getty Images",
        "Quảng cáo",
        "Tin liên quan",
        "Xem thêm: Giá vàng hôm nay tăng mạnh",
        "Đọc thêm: Hà Nội mở thêm tuyến buýt điện",
        # "Read also" and "related" labels of languages the rules above did not know, with the
        # headline they introduce (after a colon or a dash, or alone on its line without a full
        # stop), and ad markers.
        "Läs också: Regeringen höjer skatten på bensin",
        "LÄS MER: Så påverkas du av räntehöjningen",
        "Læs også: Regeringen vil hæve skatten på benzin",
        "LES OGSÅ: Regjeringen vil øke bensinavgiften",
        "Les også Regjeringen vil øke bensinavgiften",
        "Lue myös: Hallitus nostaa bensiinin veroa",
        "Přečtěte si také: Vláda zvýší daň z benzínu",
        "Čtěte také: Vláda zvýší daň z benzínu",
        "Súvisiace články",
        "Čítajte aj: Vláda zvýši daň z benzínu",
        "Pročitajte i: Vlada podiže porez na benzin",
        "Pročitajte još: Vlada podiže porez na benzin",
        "Прочитајте и: Влада подиже порез на бензин",
        "Preberite še: Vlada bo zvišala davek na bencin",
        "Citește și: Guvernul crește taxa pe benzină",
        "Citeşte şi Guvernul creşte taxa pe benzină",
        "Прочетете още: Правителството вдига данъка върху бензина",
        "Читайте також: Уряд підвищить податок на бензин",
        "Διαβάστε επίσης: Η κυβέρνηση αυξάνει τον φόρο στη βενζίνη",
        "ΔΙΑΒΑΣΤΕ ΑΚΟΜΑ: Η κυβέρνηση αυξάνει τον φόρο στη βενζίνη",
        "Loe ka: Valitsus tõstab bensiiniaktsiisi",
        "Lasi arī: Valdība palielinās akcīzes nodokli benzīnam",
        "Taip pat skaitykite: Vyriausybė didina benzino akcizą",
        "Lexo edhe: Qeveria rrit taksën e benzinës",
        "اقرأ أيضا: الحكومة ترفع ضريبة البنزين",
        "اقرأ أيضاً",
        "यह भी पढ़ें: सरकार ने पेट्रोल पर टैक्स बढ़ाया",
        "ये भी पढ़ें-  सरकार ने पेट्रोल पर टैक्स बढ़ाया",
        "関連記事",
        "【関連記事】ガソリン税を引き上げへ",
        "관련기사",
        "관련 기사: 정부, 휘발유세 인상",
        "相关阅读",
        "延伸阅读：政府上调汽油税",
        "相關新聞",
        "อ่านเพิ่มเติม: รัฐบาลขึ้นภาษีน้ำมัน",
        "ข่าวที่เกี่ยวข้อง",
        "BASAHIN: Gobyerno, magtataas ng buwis sa gasolina",
        "Annons",
        "Annonse",
        "Mainos",
        "Διαφήμιση",
        # share and copy-link buttons, and photo, source and editor labels
        "Del artikel",
        "Dela artikeln",
        "Jaa",
        "Sdílet",
        "Κοινοποίηση",
        "Kopier link",
        "Kopiera länk",
        "Kopioi linkki",
        "Kuva: Lehtikuva / Markku Ulander",
        "Kilde: NTB",
        "Källa: TT",
        "Zdroj: ČTK",
        "Izvor: Hina",
        "Sursa: Agerpres",
        "Forrás: MTI",
        "Πηγή: ΑΠΕ-ΜΠΕ",
        "Toimittaja: Anna Virtanen",
    ],
)
def test_furniture_of_other_languages_leaves_the_body(line: str) -> None:
    assert body_with(line) == PARAGRAPHS


@pytest.mark.parametrize(
    "sentence",
    [
        "Werbung für Zigaretten ist in Deutschland seit Jahren weitgehend verboten, sagte die Ministerin.",
        "Lesen Sie hier nicht zwischen den Zeilen, sagte der Sprecher der Regierung am Montag in Berlin.",
        "Weitere Meldungen über Schäden gingen am Abend bei der Feuerwehr ein, teilte die Polizei mit.",
        "Jetzt abonnieren immer mehr Menschen Streamingdienste statt Zeitungen, zeigt eine neue Studie.",
        "Zur Startseite der Messe kamen am Wochenende mehr als zwanzigtausend Besucher aus ganz Europa.",
        "Partager les richesses est l'objectif affiché du gouvernement, a déclaré le ministre lundi soir.",
        "Voir aussi loin que possible, c'est le rôle d'un gouvernement responsable, selon le député.",
        "Abonnez-vous, disait la publicité des années 1980, que les historiens étudient aujourd'hui encore.",
        "Temps de lecture des élèves en baisse : les enseignants s'inquiètent de la chute des résultats.",
        "Compartir datos médicos entre hospitales será obligatorio desde enero, anunció el ministerio.",
        "Más información sobre el proyecto será publicada por el ayuntamiento en las próximas semanas.",
        "Suscríbete, pedía el cartel del periódico, pero los lectores prefirieron las redes sociales.",
        "Seguir leyendo libros en papel sigue siendo la preferencia de la mayoría, según la encuesta.",
        "Veja também como a inflação afetou os preços dos alimentos nas capitais brasileiras este ano.",
        "Saiba mais sobre os riscos da dengue e como se proteger foi o tema da campanha do governo.",
        "Continua a leggere il bilancio del comune: i consiglieri chiedono più trasparenza sulle spese.",
        "Leggi anche le norme sul lavoro agile, ha detto il ministro durante la conferenza stampa di ieri.",
        "Lees meer boeken, adviseert de minister van Onderwijs de ouders van jonge kinderen in een brief.",
        "Zobacz także, jak zmieniły się ceny mieszkań w największych miastach w ciągu ostatniego roku.",
        "Reklama w internecie rośnie szybciej niż telewizyjna, wynika z raportu agencji mediowej.",
        "Подробнее о реформе рассказал министр финансов на пресс-конференции в понедельник в Москве.",
        "Подписывайтесь осторожно: мошенники рассылают поддельные договоры от имени банков, предупреждает ЦБ.",
        "Источник в правительстве сообщил, что решение будет принято до конца недели, передает агентство.",
        "Reklam gelirleri geçen yıl yüzde yirmi arttı, dedi şirketin genel müdürü basın toplantısında.",
        "Haberin devamında bakan, yeni düzenlemenin ocak ayında yürürlüğe gireceğini açıkladı ve destek istedi.",
        # Nordic, Finnish, Romanian and Greek sentences opening with the same words as the "read
        # also" labels, and words of the ad and source labels
        "Läs också gärna rapporten som myndigheten publicerade i går om bensinpriserna i landet.",
        "Les også merknadene i budsjettet, sa finansministeren til journalistene på mandag kveld.",
        "Lue myös ohjeet huolellisesti ennen kuin täytät hakemuksen, neuvoo virasto tiedotteessaan.",
        "Citește și tu raportul publicat ieri de minister despre prețul benzinei în toată țara.",
        "Διαβάστε επίσης τις οδηγίες του υπουργείου πριν υποβάλετε την αίτησή σας μέχρι την Παρασκευή.",
        "Annonsen i tidningen väckte stor uppmärksamhet bland läsarna under hela förra veckan.",
        "Del af pengene går til nye cykelstier i hele kommunen, oplyser borgmesteren mandag.",
        "Jaa, sanoi ministeri, kun häneltä kysyttiin uudesta laista tiistaina eduskunnassa.",
        "Kilden i ministeriet siger, at beslutningen træffes inden udgangen af ugen i Folketinget.",
    ],
)
def test_sentences_near_the_rules_stay(sentence: str) -> None:
    assert sentence in body_with(sentence)


def first_line_after(dateline: str) -> str:
    paragraphs = [dateline + PARAGRAPHS[0], *PARAGRAPHS[1:]]
    return str(record(article(head=PUBLISHED, paragraphs=paragraphs))["body"]).split("\n")[0]


@pytest.mark.parametrize(
    "dateline",
    [
        "MADRID (EFE).- ",
        "MÉXICO, D.F. (apro).- ",
        "BOGOTÁ, 10 nov (Reuters) - ",
        "(ANSA) - ROMA, 10 NOV - ",
        "İSTANBUL (AA) - ",
        "МОСКВА, 10 ноя — РИА Новости. ",
        "МОСКВА, 10 ноября. /ТАСС/. ",
        "Москва. 10 ноября. INTERFAX.RU - ",
        "KUALA LUMPUR: ",
        "NEW DELHI: ",
        "okezone.com, JAKARTA - ",
        "ΑΘΗΝΑ (ΑΠΕ) - ",
        "ΑΘΗΝΑ, 10 Νοεμβρίου – ",
        "القاهرة (رويترز) - ",
        "(أ ف ب) - ",
        "تهران (ایرنا) - ",
    ],
)
def test_datelines_of_agencies_and_papers_elsewhere_leave_the_first_sentence(
    dateline: str,
) -> None:
    assert first_line_after(dateline) == PARAGRAPHS[0]


@pytest.mark.parametrize("label", ["NEWS ANALYSIS: ", "UPDATE: ", "EXCLUSIVE: ", "EDITOR'S NOTE: "])
def test_a_label_in_capitals_before_a_colon_is_no_dateline(label: str) -> None:
    assert first_line_after(label) == label + PARAGRAPHS[0]


@pytest.mark.parametrize(
    "path",
    [
        "/thema/klimawandel",
        "/schlagwort/bundestag",
        "/autor/max-mustermann",
        "/suche",
        "/etiqueta/elecciones",
        "/autore/mario-rossi",
        "/mots-cles/retraites",
        "/recherche",
        "/onderwerp/klimaat",
        "/temat/wybory",
        "/etiket/secim",
        "/chu-de/bau-cu",
        # Topic, tag, author and search pages of Nordic, Finnish, Czech, Slovak, Croatian,
        # Slovenian, Romanian, Hungarian and Baltic sites.
        "/emne/klima",
        "/tagg/val",
        "/amne/klimat",
        "/forfatter/ole-hansen",
        "/skribent/anna-svensson",
        "/aihe/ilmasto",
        "/kirjoittaja/matti-virtanen",
        "/haku",
        "/sok",
        "/stitek/volby",
        "/hledat",
        "/oznaka/izbori",
        "/pretraga",
        "/iskanje",
        "/eticheta/alegeri",
        "/cautare",
        "/cimke/valasztas",
        "/szerzo/kovacs-janos",
        "/kereses",
        "/otsing",
        "/paieska",
    ],
)
def test_tag_author_and_search_paths_in_other_languages_are_listings(path: str) -> None:
    html = article(head=PUBLISHED).replace(URL, f"https://kabar.example{path}")
    with pytest.raises(ExtractionError, match="an index or profile page"):
        record(html)


def test_an_article_under_such_a_word_stays_an_article() -> None:
    slug = "https://kabar.example/thema/klimawandel/regierung-beschliesst-neues-klimagesetz"
    html = article(head=PUBLISHED).replace(URL, slug)
    assert record(html)["url"] == slug


@pytest.mark.parametrize(
    "title",
    [
        "Suchergebnisse für Klimawandel - Kabar",
        "Résultats de recherche - Kabar",
        "Resultados de búsqueda | Kabar",
        "Risultati della ricerca - Kabar",
        "Wyniki wyszukiwania | Kabar",
        "Результаты поиска - Кабар",
        "Strona główna - Kabar",
        "Trang chủ - Kabar",
        # Search results and front pages of languages the rules above did not know.
        "Sökresultat för klimat - Kabar",
        "Søgeresultater | Kabar",
        "Søkeresultater - Kabar",
        "Hakutulokset - Kabar",
        "Výsledky vyhledávání | Kabar",
        "Výsledky vyhľadávania - Kabar",
        "Rezultati pretrage - Kabar",
        "Αποτελέσματα αναζήτησης - Kabar",
        "Keresési eredmények - Kabar",
        "Rezultatele căutării - Kabar",
        "Результати пошуку - Кабар",
        "نتائج البحث - Kabar",
        "ผลการค้นหา - Kabar",
        "検索結果 - Kabar",
        "검색 결과 - Kabar",
        "Startsida - Kabar",
        "Forside | Kabar",
        "Etusivu - Kabar",
        "Naslovnica - Kabar",
        "Αρχική σελίδα - Kabar",
        "Főoldal - Kabar",
        "Головна сторінка - Кабар",
        "الصفحة الرئيسية - Kabar",
        "หน้าแรก - Kabar",
    ],
)
def test_search_result_and_home_page_titles_in_other_languages_are_listings(title: str) -> None:
    html = article(head=PUBLISHED, title_tag=title).replace(f"<h1>{TITLE}</h1>", "")
    with pytest.raises(ExtractionError, match="an index page"):
        record(html)


@pytest.mark.parametrize(
    "heading",
    [
        "Pagina niet gevonden",
        "Página não encontrada",
        "Nie znaleziono strony",
        "Страница не найдена",
        "Sayfa bulunamadı",
        "Không tìm thấy trang",
        "ページが見つかりません",
        "页面不存在",
        "Halaman tidak dijumpai",
        # "Page not found" in languages the rules above did not know.
        "Sidan kunde inte hittas",
        "Siden blev ikke fundet",
        "Siden finnes ikke",
        "Sivua ei löytynyt",
        "Stránka nenalezena",
        "Stránka sa nenašla",
        "Stranica nije pronađena",
        "Η σελίδα δεν βρέθηκε",
        "Az oldal nem található",
        "Pagina nu a fost găsită",
        "Сторінку не знайдено",
        "Страницата не е намерена",
        "الصفحة غير موجودة",
        "ไม่พบหน้าที่คุณต้องการ",
        "पेज नहीं मिला",
    ],
)
def test_error_pages_in_other_languages_are_no_articles(heading: str) -> None:
    html = article(head=PUBLISHED, title_tag="Kabar").replace(
        f"<h1>{TITLE}</h1>", f"<h1>{heading}</h1>"
    )
    with pytest.raises(ExtractionError, match="an error page"):
        record(html)


@pytest.mark.parametrize(
    "headline",
    [
        "Страница не найдена: почему сайты министерств недоступны третий день",
        "Sidan kunde inte hittas: därför ligger myndighetens webbplats nere för tredje dagen",
        "Forside af avisen skabte debat i hele landet efter valget i weekenden",
        "Hakutulokset paljastivat, että hakukone suosii omia palveluitaan yhä enemmän",
    ],
)
def test_a_headline_that_opens_with_such_words_is_an_article(headline: str) -> None:
    html = article(head=PUBLISHED, title_tag=headline).replace(
        f"<h1>{TITLE}</h1>", f"<h1>{headline}</h1>"
    )
    assert record(html)["title"] == headline


def test_an_article_under_a_danish_topic_word_stays_an_article() -> None:
    slug = "https://kabar.example/emne/klima/regeringen-vil-haeve-afgiften-paa-benzin"
    html = article(head=PUBLISHED).replace(URL, slug)
    assert record(html)["url"] == slug


@pytest.mark.parametrize(
    "notice",
    [
        # ma.hu
        "Figyelem! A cikkhez hozzáfűzött hozzászólások nem a Kabar network nézeteit tükrözik.",
        "Comments do not reflect the views of Kabar.com or its editors.",
        "Isi komentar tidak mencerminkan pandangan redaksi Kabar.com.",
        "Die Kommentare geben nicht die Meinung der Redaktion wieder.",
    ],
)
def test_a_comment_sections_notice_and_what_follows_leave_the_body(notice: str) -> None:
    # ma.hu: the notice over the comment section, a plea for civil comments and the forum's
    # latest threads closed the body.
    threads = "".join(
        f"<li><a href='/forum/{n}'>Topik pembaca {n}</a> 2016.04.0{n} 15:01</li>" for n in (1, 2)
    )
    after = f"<p>{notice}</p><p>Kérjük, kulturáltan kommenteljenek!</p><ul>{threads}</ul>"
    body = body_of(article(head=PUBLISHED, after=after))
    assert body.split("\n")[-1] == PARAGRAPHS[-1]


def test_a_story_quoting_a_comment_notice_keeps_it() -> None:
    quoted = "Situs itu menulis bahwa komentar tidak mencerminkan pandangan redaksi, kata Budi."
    lines = [PARAGRAPHS[0], quoted, *PARAGRAPHS[1:]]
    body = str(record(article(head=PUBLISHED, paragraphs=lines))["body"])
    assert quoted in body


@pytest.mark.parametrize(
    "line",
    [
        # ura.news, under every story of its predecessor's archive
        "Публикации, размещенные на сайте www.kabar.example и датированные до 19.02.2020г.,"
        " являются архивными и были выпущены другим средством массовой информации.",
        "This article is more than 5 years old",
    ],
)
def test_an_archives_notice_leaves_the_body(line: str) -> None:
    assert line not in body_with(line)


def test_a_sentence_about_an_old_story_stays() -> None:
    line = "This story is more than 100 years old, said the historian, and still told today."
    assert line in body_with(line, lang="en")


def test_a_story_reporting_that_comments_do_not_reflect_views_keeps_its_end() -> None:
    # The words of a notice in a story's own sentence, near its end: no comment section begins.
    reported = "The comments do not reflect the views of the company, its spokesman said."
    lines = [*PARAGRAPHS, reported, "Budi Santoso, the councillor, apologised on Tuesday evening."]
    body = str(record(article(head=PUBLISHED, paragraphs=lines))["body"]).split("\n")
    assert body[-2:] == lines[-2:]
