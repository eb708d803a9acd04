"""Layouts of held-out batch 38 (#12): pages no stop had read (security vendors' blogs and
newsrooms of 2023-2026, a data-science magazine, and pages that are no article), keyed before the
importer ran on them; then a miss of an earlier batch that one general cause explains (a
platform's disclaimer closing a contributor's post). Each test writes the layout anew, with text
of its own."""

from __future__ import annotations

import pytest

from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import record
from tests.ingest.html.test_page_batch34 import BERLIN, STORY, page, story


def test_a_time_a_script_wrote_as_javascript_writes_dates_keeps_its_offset() -> None:
    # SafeDep: `<time datetime="Thu Apr 16 2026 00:00:00 GMT+0000 (Coordinated Universal
    # Time)">`, a JavaScript Date's toString(). The zone's name in brackets hid the offset, and
    # the page was refused for a time without one.
    for written, instant in [
        (
            "Tue May 14 2019 10:31:00 GMT+0200 (Central European Summer Time)",
            "2019-05-14T10:31:00+02:00",
        ),
        (
            "Tue May 14 2019 08:31:00 GMT+0000 (Coordinated Universal Time)",
            "2019-05-14T08:31:00+00:00",
        ),
    ]:
        html = page(
            f'<h1>{{title}}</h1><time datetime="{written}">14. Mai 2019</time>{story()}', head=""
        )
        got = record(html)
        assert got["published_at"].isoformat() == instant  # type: ignore[attr-defined]
        assert str(got["body"]).startswith(STORY[0])


UNDATED_URL = "https://gazette.example/stadt/stadtrat-beschliesst-neue-radwege"
CV_ENTRIES = [
    "September 24, 1999 Fall workshop: streaming lectures to the lecture halls of the campus",
    "March 3, 2004 Spring seminar: building course pages that students can read on phones",
    "October 22, 2008 Introduction to the library's new catalogue for the faculty's staff",
    "May 12, 2010 Keynote: what a decade of web services taught the university's teachers",
]


def test_a_page_dated_only_by_the_entries_of_its_lists_is_no_article() -> None:
    # Robert Doiel's CV: no metadata, a name for a headline, and lists of talks and workshops,
    # each with its day. htmldate took one talk's day for the page's date, and the CV was
    # imported as an article of 1999.
    entries = "".join(f"<li>{line}</li>" for line in CV_ENTRIES)
    html = page(
        "<h1>Rina Hartono, Software Engineer</h1><h2>Talks and workshops</h2>"
        f"<ul>{entries}</ul><h2>Education</h2><p>{STORY[0]}</p>",
        head="",
        title="Rina Hartono, Software Engineer",
        tag="Rina Hartono, Software Engineer",
        url="https://rina.example/cv.html",
    )
    with pytest.raises(ExtractionError, match="no sign of an article"):
        record(html)


def test_a_comment_s_day_does_not_date_the_story_above_it() -> None:
    # How-To Geek, Taste of Home: a story that states no date of its own above readers'
    # comments, each with its day ("December 9, 2016 Jason …"): htmldate's guess, a comment's
    # day, dated the story. Now the story is refused for its time, as one that states none.
    comments = "".join(
        f"<li>{day} {name}: Wir haben das ausprobiert und sind mit dem Ergebnis sehr zufrieden.</li>"
        for day, name in [
            ("9. Dezember 2016", "Jan"),
            ("10. Dezember 2016", "Tim"),
            ("12. Dezember 2016", "Ute"),
        ]
    )
    html = page(
        f"<article><h1>{{title}}</h1>{story()}</article><ol class='comments'>{comments}</ol>",
        head='<meta property="og:type" content="article">',
        url=UNDATED_URL,
    )
    with pytest.raises(ExtractionError, match="published_at: no publication date found"):
        record(html, assume_timezone=BERLIN)


def test_a_list_of_the_site_s_latest_headlines_still_dates_the_story_among_them() -> None:
    # Salt Lake Tribune: the story prints its day only in the list of the site's latest
    # stories, itself among them ("NASA asks Earthlings to wave … Published Jul 19, 2013"): a
    # list of linked headlines, not of entries, and its day still dates the story.
    latest = "".join(
        f"<li><a href='/news/{n}'>{headline}</a> Published Jul {day}, 2013</li>"
        for n, (headline, day) in enumerate(
            [
                ("Stadtrat beschließt neue Radwege", 19),
                ("Neue Buslinie fährt ab Montag durch die Altstadt", 19),
                ("Bibliothek verlängert ihre Öffnungszeiten", 18),
                ("Freibad öffnet nach Sanierung wieder", 18),
            ]
        )
    )
    html = page(f"<h1>{{title}}</h1>{story()}<ul>{latest}</ul>", head="", url=UNDATED_URL)
    got = record(html, assume_timezone=BERLIN)
    assert got["published_at"].isoformat() == "2013-07-19T00:00:00+02:00"  # type: ignore[attr-defined]


def test_the_latest_from_the_site_and_its_cut_short_teasers_close_no_story() -> None:
    # SafeDep: "The Latest from SafeDep blogs", its tagline, then other posts' summaries cut
    # short ("… 100+ sensitive files (SSH keys,..."), which ran on as the story's last lines.
    teasers = [
        "Eine Analyse der neuen Baustellen in der Altstadt zeigt, dass viele Anwohner mit den"
        " Umleitungen der Buslinien unzufrieden sind und sich mehr Informationen wünschen, die...",
        "Der Haushalt der Stadt für das kommende Jahr sieht höhere Ausgaben für Schulen und"
        " Kitas vor, während bei der Kultur gespart werden soll, wie der Kämmerer am…",
    ]
    cards = "".join(
        f"<article><header><h2><a href='/b/{n}'>Neues aus dem Rathaus, Teil {n}</a></h2></header>"
        f"<p>{t}</p><footer><span>Redaktion</span></footer></article>"
        for n, t in enumerate(teasers)
    )
    tags = "<ul><li><a href='/t/radwege'>radwege</a></li><li><a href='/t/rat'>rat</a></li></ul>"
    html = page(
        f"<main><section><h1>{{title}}</h1>{story()}{tags}</section><section><div><h2><span>The"
        " Latest from</span> <span>Gazette blogs</span></h2></div><div><p>Follow for the latest"
        f" updates on the city</p></div></section><section><div>{cards}</div></section></main>"
    )
    lines = str(record(html)["body"]).split("\n")
    assert lines[-1] == STORY[-1]


def test_a_story_s_own_line_trailing_off_stays() -> None:
    # A line of the story's own that trails off ("…") is no teaser where no list heads it.
    trailing = "Und dann, sagte der Bürgermeister, werde man weitersehen, ob das Geld reicht..."
    html = page(f"<article><h1>{{title}}</h1>{story([*STORY, trailing])}</article>")
    assert str(record(html)["body"]).split("\n")[-1] == trailing


# A miss of an earlier batch, in a layout written anew.


def test_a_platform_s_disclaimer_closing_a_contributor_s_post_is_no_story() -> None:
    # Mediapart's Club: "Le Club est l'espace de libre expression des abonnés de Mediapart. Ses
    # contenus n'engagent pas la rédaction." closed a subscriber's post as its last line; an
    # Indonesian portal's readers' section closes so too ("Isi tulisan di luar tanggung jawab
    # redaksi").
    for notice in [
        "Le Club est l'espace de libre expression des abonnés. Ses contenus n'engagent pas la"
        " rédaction.",
        "Tulisan ini kiriman pembaca. Isi tulisan di luar tanggung jawab redaksi.",
        "The views expressed in this post are the author's own and do not necessarily reflect"
        " those of the Gazette.",
    ]:
        html = page(f"<article><h1>{{title}}</h1>{story()}<p>{notice}</p></article>")
        assert str(record(html)["body"]).split("\n")[-1] == STORY[-1], notice


def test_a_story_s_last_line_reporting_such_words_stays() -> None:
    said = (
        "Die Beiträge im Forum geben nicht die Meinung der Redaktion wieder, sagte der Sprecher"
        " des Verlags am Mittwoch."
    )
    html = page(f"<article><h1>{{title}}</h1>{story([*STORY, said])}</article>")
    assert str(record(html)["body"]).split("\n")[-1] == said
