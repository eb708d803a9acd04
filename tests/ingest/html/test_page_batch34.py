"""Layouts of held-out batches 34 and 35 (#12): German, Austrian, Swiss, French and English sites
from trafilatura's and htmldate's saved test pages, none of which the importer had read. Each
test writes the layout anew, with text of its own: title tags written for search engines over
the headline the page shows, a short headline beside the site's name, a section's list of stories
read as a body, WordPress's own pages, dates with two-digit years and dates a label names, a
sidebar's list of coming events, a footer's paragraphs, the site describing itself under the
story, a story the page only teases, and a topic link inside a sentence."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html import body, pagekind
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import parse
from tests.ingest.html.test_page import record

URL = "https://gazette.example/2019/05/14/stadtrat-beschliesst-neue-radwege"
BERLIN = ZoneInfo("Europe/Berlin")
STORY = [
    "Der Stadtrat hat am Dienstagabend mit großer Mehrheit beschlossen, in der Innenstadt vier neue"
    " Radwege zu bauen, nachdem Anwohner monatelang dafür geworben hatten.",
    "Die Verwaltung soll bis zum Herbst einen Plan vorlegen, wie die Wege an den Kreuzungen sicher"
    " geführt werden können, ohne den Busverkehr zu behindern.",
    "Die Händler in der Altstadt sehen den Beschluss gelassen, wollen aber bei der Planung der"
    " Lieferzonen mitreden, wie ihr Sprecher am Mittwoch sagte.",
    "Baubeginn soll im kommenden Frühjahr sein, die Kosten schätzt die Stadt auf rund zwei"
    " Millionen Euro, die zum Teil vom Land getragen werden.",
]
PUBLISHED = '<meta property="article:published_time" content="2019-05-14T10:31:00+02:00">'


def page(
    body: str,
    *,
    head: str = PUBLISHED,
    title: str = "Stadtrat beschließt neue Radwege",
    tag: str = "Stadtrat beschließt neue Radwege - Gazette",
    body_attrs: str = "",
    url: str = URL,
) -> str:
    return (
        f'<html lang="de"><head><meta charset="utf-8"><title>{tag}</title>'
        f'<link rel="canonical" href="{url}">{head}</head><body{body_attrs}>'
        f'<div class="site"><a href="/">Gazette</a></div>{body}</body></html>'
    ).replace("{title}", title)


def story(lines: list[str] = STORY) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def test_the_only_h1_over_title_tags_written_for_search_engines_is_the_headline() -> None:
    # ADAC: <title> "ADAC Kindersitz-Test 2018 | ADAC", og:title a slug, and the page shows its
    # headline only in its <h1>, dated under it: the title was the tag's, and without the
    # headline no date under it was found (htmldate's guess, a year later, dated the page).
    html = page(
        "<h1>Vier neue Radwege für die Innenstadt beschlossen</h1><p>14.05.2019</p>" + story(),
        head="",
        tag="Radwege Stadtrat 2019 | Gazette",
    )
    got = record(html, assume_timezone=BERLIN)
    assert got["title"] == "Vier neue Radwege für die Innenstadt beschlossen"
    assert got["published_at"].isoformat() == "2019-05-14T00:00:00+02:00"  # type: ignore[attr-defined]


def test_the_only_h1_heading_the_story_is_the_headline() -> None:
    # A blog's post: the title tag is written for search engines, the post's own headline heads
    # its first paragraph.
    html = page(
        f"<h1>Das Radwege-Missgeschick</h1>{story()}",
        head=f'{PUBLISHED}<meta property="og:type" content="article">',
        tag="Radwege in der Innenstadt: Was der Stadtrat plant – Blog aus Köln",
    )
    assert record(html)["title"] == "Das Radwege-Missgeschick"


@pytest.mark.parametrize(
    ("h1", "tag", "title"),
    [
        # A kicker run into the headline in the <h1>: the title tags give the headline itself.
        (
            '<span class="kicker">Endlich!</span>Stadtrat beschließt neue Radwege',
            "Stadtrat beschließt neue Radwege",
            "Stadtrat beschließt neue Radwege",
        ),
        # The <h1> is the blog's name and the page shows the title tag's headline elsewhere.
        (
            "Notizen aus der Stadt",
            "Stadtrat beschließt neue Radwege « Notizen",
            "Stadtrat beschließt neue Radwege",
        ),
    ],
)
def test_the_title_tags_headline_stays_where_the_page_shows_it(
    h1: str, tag: str, title: str
) -> None:
    shown = "" if "kicker" in h1 else "<h2>Stadtrat beschließt neue Radwege</h2>"
    html = page(f"<h1>{h1}</h1>{shown}{story()}", tag=tag)
    assert record(html)["title"] == title


def test_an_h1_holding_og_title_after_a_label_is_no_other_headline() -> None:
    # Rezeptwelt: <h1>THERMOMIX ® REZEPT 1 Nudelsalat</h1> beside og:title "Nudelsalat" and a
    # title tag of a sentence: the <h1> is no headline of its own.
    html = page(
        f"<h1><span>REZEPT</span> <span>1</span> Radwegesalat</h1>{story()}",
        head=f'{PUBLISHED}<meta property="og:title" content="Radwegesalat">',
        tag="Radwegesalat von der Redaktion. Ein Rezept aus der Kategorie Salate auf gazette.example",
    )
    assert "Radwege" in str(record(html)["title"])
    assert "REZEPT 1" not in str(record(html)["title"])


def test_a_short_headline_beside_the_site_s_own_name_is_the_headline() -> None:
    # "Ear Candy! | Novalanalove": two words, under the three a headline beside a site's name
    # needed, so the site's name stayed; the post's subheadings are no headline either.
    html = page(
        f"<h2>Ohrringe</h2>{story()}<h1>Gold oder Silber im Sommer?</h1>{story(STORY[:2])}"
        f"<h1>Kleine Kreolen für jeden Tag</h1>{story(STORY[2:])}",
        tag="Goldene Ohrringe! | Gazette",
        url="https://gazette.example/ohrringe-gold-oder-silber/",
    )
    assert record(html)["title"] == "Goldene Ohrringe!"


def test_a_body_that_is_a_list_of_links_to_the_site_s_stories_is_an_index() -> None:
    # CHIP's test section, page 5: each teaser one link around its kicker, date, headline and
    # summary; the body read was the list of the headlines alone.
    teasers = "".join(
        f'<li><a href="/news/geraet-{n}_{n}.html"><span>News</span><span>11.11.2018</span>'
        f"<span>Akkuschrauber Nummer {n} im Angebot beim Discounter diese Woche</span>"
        f"<span>Ein Gerät für Heimwerker zum kleinen Preis im Test, ab Montag {n}.</span></a></li>"
        for n in range(8)
    )
    tree = parse(page(f"<h1>Werkzeug im Test</h1><ul>{teasers}</ul>").encode(), None)
    headlines = [
        f"- Akkuschrauber Nummer {n} im Angebot beim Discounter diese Woche" for n in range(8)
    ]
    assert pagekind.linked_headlines(tree, "\n".join(headlines), URL) == 8
    # A story whose lines are its own sentences, a link among them, is none.
    assert pagekind.linked_headlines(tree, "\n".join([*STORY, headlines[0]]), URL) == 0


@pytest.mark.parametrize(
    ("head", "why"),
    [
        ('<meta property="og:type" content="article">', "it states no publication date"),
        (
            '<meta property="og:type" content="article"><script type="application/ld+json">'
            '{"@context":"https://schema.org","@graph":[{"@type":"WebPage","name":"Projekte",'
            '"datePublished":"2018-02-28T15:07:03+00:00"},{"@type":"WebSite","name":"Verein"}]}'
            "</script>",
            "its JSON-LD describes a WebPage, not an article",
        ),
    ],
)
def test_a_wordpress_page_not_a_post_is_the_site_s_own(head: str, why: str) -> None:
    html = page(
        f"<h1>Unsere Projekte</h1>{story()}",
        head=head,
        tag="Unsere Projekte | Verein",
        body_attrs=' class="page-template-default page page-id-353"',
        url="https://verein.example/unsere-projekte/",
    )
    with pytest.raises(ExtractionError, match=f"^page: a site's own page .*{why}"):
        record(html)


def test_a_wordpress_post_without_a_date_is_still_an_undated_article() -> None:
    html = page(
        f"<h1>Unsere Projekte</h1>{story()}",
        head='<meta property="og:type" content="article">',
        body_attrs=' class="post-template-default single single-post postid-353"',
        url="https://verein.example/unsere-projekte/",
    )
    with pytest.raises(ExtractionError, match=r"^published_at: no publication date"):
        record(html)


@pytest.mark.parametrize(
    ("before", "after", "day"),
    [
        ("", '<p class="byline">von Anna Muster, 8.5.12</p>', "2012-05-08"),  # a byline's
        ('<div class="kicker">02.12.19</div>', "", "2019-12-02"),  # alone above the headline
        ("", "<div>Gazette | 17.7.11</div>", "2011-07-17"),
    ],
)
def test_a_dotted_date_with_a_two_digit_year_on_a_line_of_its_own(
    before: str, after: str, day: str
) -> None:
    html = page(f"{before}<h1>{{title}}</h1>{after}{story()}", head="")
    got = record(html, assume_timezone=BERLIN)["published_at"]
    assert got.date().isoformat() == day  # type: ignore[attr-defined]


def test_a_version_number_in_a_sentence_is_no_two_digit_year() -> None:
    first = "Die Stadt nutzt für die Planung die App 4.4.12 des Landes, sagte ein Sprecher."
    html = page(
        f"<h1>{{title}}</h1><p>{first}</p>{story()}",
        head='<meta property="og:type" content="article">',
        url="https://gazette.example/stadtrat-beschliesst-neue-radwege",
    )
    with pytest.raises(ExtractionError, match=r"^published_at: no publication date"):
        record(html, assume_timezone=BERLIN)


EVENTS = "".join(
    f'<li><span><time datetime="2019-12-{d}T00:00:00+01:00">{d}.12.2019</time></span>,'
    f" <span><time>14.00</time></span> Konzert in der Kirche</li>"
    for d in (9, 11)
)
OTHER_STORY = "<ul><li><a href='/x'>Andere Meldung</a> 01.08.2019</li></ul>"


@pytest.mark.parametrize(
    ("before", "after", "published"),
    [
        # DW's info box after the story, a church weekly's source box: the only dates the page
        # states for its story; htmldate guessed another (a teaser's, six years on).
        (
            "",
            "<dl><dt>Date</dt><dd>10.06.2013</dd><dt>Author</dt><dd>Anna Muster</dd></dl>"
            + OTHER_STORY,
            "2013-06-10T00:00:00+02:00",
        ),
        (
            "",
            '<div class="widget_article_info"><strong>Quelle</strong><br>VERÖFFENTLICHT AM'
            " 10.06.2013</div>" + OTHER_STORY,
            "2013-06-10T00:00:00+02:00",
        ),
        # A sidebar widget's coming events, under the headline, date no story.
        (
            f'<div class="widget widget_events"><ul>{EVENTS}</ul></div>',
            '<div class="widget_article_info">VERÖFFENTLICHT AM 07.06.2019</div>',
            "2019-06-07T00:00:00+02:00",
        ),
    ],
)
def test_a_date_labelled_as_the_publication_s_dates_the_story(
    before: str, after: str, published: str
) -> None:
    html = page(f"<h1>{{title}}</h1>{before}{story()}{after}", head="")
    got = record(html, assume_timezone=BERLIN)["published_at"]
    assert got.isoformat() == published  # type: ignore[attr-defined]


def test_a_footer_s_paragraphs_are_never_the_story() -> None:
    # Boing Boing: a one-paragraph post beside a footer of five paragraphs of terms and policies,
    # which outweighed it and were read as the body.
    terms = "".join(
        f"<p>Read the rules number {n} that you agree to by using this website in our Terms of"
        " Service, and what we do with the data we gather in our Privacy Policy.</p>"
        for n in range(5)
    )
    html = page(
        f'<h1>{{title}}</h1><div id="story"><p>{STORY[0]}</p></div>'
        f'<div id="footer"><div id="footer-left">{terms}</div></div>'
    )
    assert record(html)["body"] == STORY[0]


def test_the_site_describing_itself_under_the_story_leaves_the_body() -> None:
    blurb = (
        "Gazette ist das erste gemeinnützige Recherchezentrum der Region. Unser Ziel ist eine"
        " aufgeklärte Gesellschaft."
    )
    html = page(f"<h1>{{title}}</h1>{story()}<p>Gazette ist spendenfinanziert!</p><p>{blurb}</p>")
    assert str(record(html)["body"]).split("\n") == STORY


def test_a_sentence_about_the_site_inside_the_story_stays() -> None:
    said = "Gazette ist nach eigenen Angaben die einzige Zeitung, die den Rat live überträgt."
    lines = [*STORY[:2], said, *STORY[2:]]
    assert str(record(page(f"<h1>{{title}}</h1>{story(lines)}"))["body"]).split("\n") == lines


def test_a_story_the_page_only_teases_is_read_from_its_json_ld() -> None:
    # SCMP: the page shows the standfirst, "READ FULL ARTICLE" and the author's biography; the
    # story is in its JSON-LD `articleBody` only.
    whole = " ".join(STORY * 2)
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
        f'"NewsArticle","headline":"Stadtrat beschließt neue Radwege","articleBody":"{whole}",'
        '"datePublished":"2019-05-14T10:31:00+02:00"}</script>'
    )
    bio = (
        "Anna Muster schreibt seit zwanzig Jahren über Verkehr und Stadtplanung und lebt mit ihrer"
        " Familie in der Altstadt, wo sie jeden Tag mit dem Rad zur Arbeit fährt."
    )
    html = page(f'<h1>{{title}}</h1><a href="#">READ FULL ARTICLE</a><p>{bio}</p>', head=ld)
    assert str(record(html)["body"]).startswith(STORY[0])


def test_a_topic_link_inside_a_sentence_stays_whatever_its_class() -> None:
    linked = (
        'Seit dem Tod von <a class="taxonomy-entity js-article-topic-teaser" href="/themen/anna">'
        "Anna Muster</a> (1950-2019) fragen sich viele, wer den Verein künftig leiten wird."
    )
    body = str(record(page(f"<h1>{{title}}</h1><p>{linked}</p>{story()}"))["body"])
    assert body.startswith("Seit dem Tod von Anna Muster (1950-2019) fragen sich viele")


@pytest.mark.parametrize(
    "between",
    [
        "Warga diminta waspada. {link} Petugas terus memantau ketinggian air.",  # between sentences
        "Warga diminta waspada, {link} Petugas terus memantau ketinggian air.",  # its own words
    ],
)
def test_a_read_also_link_inside_a_paragraph_still_leaves(between: str) -> None:
    # Indonesian portals put "Baca juga" links among a paragraph's sentences: marked by their
    # class, they leave, as they did before links inside sentences were kept.
    link = '<a class="baca-juga" href="/read/9/banjir-lain">Baca juga: Banjir Rendam Bandung</a>'
    line = between.format(link=link)
    html = page(f"<h1>{{title}}</h1>{story(STORY[:2])}<p>{line}</p>{story(STORY[2:])}")
    assert "Baca juga" not in str(record(html)["body"])


@pytest.mark.parametrize("layout", ["has-sidebar", "page-with-sidebar", "with-sidebar-right"])
def test_a_layout_that_has_a_sidebar_is_no_sidebar(layout: str) -> None:
    # Martha Stewart's recipe sits in `container-full-width with-sidebar-right`: a class saying
    # what the layout has, not that the element is a sidebar; its paragraphs are the story's.
    terms = "".join(f"<p>{STORY[0]} Nutzungsbedingungen {n}.</p>" for n in range(6))
    html = page(
        f'<div class="main {layout}"><h1>{{title}}</h1>{story()}</div><footer>{terms}</footer>'
    )
    container, paragraphs = body.densest_container(parse(html.encode(), None))
    assert container is not None
    assert paragraphs == STORY


def test_a_bare_div_of_prose_after_br_lines_is_a_paragraph_of_the_post() -> None:
    # blog.python.org (Blogger): the post's text as lines between `<br>`s, then its closing
    # lines in `<div>`s of their own; once the loose lines were paragraphs, the extractor kept
    # paragraphs only and dropped the `<div>`s (lines of the post, not boxes).
    loose = "<br />\n<br />\n".join(STORY[:3])
    closing = (
        "P.S. Als ehrenamtlich getragenes Projekt danken wir allen, die Fehler gemeldet, Texte"
        " geprüft und Pläne gezeichnet haben; bitte unterstützen Sie unseren Verein weiterhin."
    )
    post = (
        "<div class='post hentry'><h3 class='post-title entry-title'>{title}</h3>"
        f"<div class='post-body entry-content'>{loose}<br />\n<div>\n<br /></div>\n"
        f"<div>\nBis bald!</div>\n<div>\n<div>\n<br /></div>\n<div>\n{closing}</div>\n</div>\n"
        "<div style='clear: both;'></div></div>"
        "<div class='post-footer'>Posted by <span class='fn'>Anna Weber</span></div></div>"
    )
    lines = str(record(page(post))["body"]).split("\n")
    assert lines == [*STORY[:3], "Bis bald!", closing]


PETITION = "https://petisi.example/petition/online/gegen-die-tarifreform-2013"


def test_an_address_written_out_under_the_sentence_introducing_it_stays() -> None:
    # Die PARTEI Lübeck: "… unterschreibt bitte alle diese Petition:" and, in a paragraph of its
    # own, a link whose words are its address; the extractor dropped it as a list of links.
    lines = [*STORY[:-1], "Wer die Radwege unterstützen will, unterschreibt bitte diese Petition:"]
    html = page(f"<h1>{{title}}</h1>{story(lines)}<p><a href='{PETITION}'>{PETITION}</a></p>")
    assert str(record(html)["body"]).split("\n")[-1] == PETITION


def test_a_link_to_an_address_after_a_story_stays_out() -> None:
    # The same link under a story's last sentence (no colon introducing it) is the site's.
    html = page(f"<h1>{{title}}</h1>{story()}<p><a href='{PETITION}'>{PETITION}</a></p>")
    assert str(record(html)["body"]).split("\n")[-1] == STORY[-1]
