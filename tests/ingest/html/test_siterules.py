"""A publisher's site rules (#12): where its templates keep the body, title and time, their zone
and language, and what to drop; checked whole when loaded, applied to the pages of their hosts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.ingest.html import siterules
from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from recommender.ingest.sources import ReadOptions, read_sources
from tests.conftest import tiny_env
from tests.ingest.html.test_page import PARAGRAPHS

runner = CliRunner()

HEADLINE = "Banjir Rendam Ribuan Rumah di Dayeuhkolot"
SEO_TITLE = "Ribuan Rumah Terendam, Ini Kata BPBD Soal Pengungsi"
URL = "https://www.kabar.example/read/123/banjir-rendam-ribuan-rumah"
RELATED = "Baca juga: Harga Cabai Naik Jelang Akhir Tahun di Pasar Induk Caringin"
AD = "Informasi pemasangan iklan hubungi tim pemasaran Kabar Media Grup"
# Text after the story's element, outside it: not the story's.
TAIL = (
    "Sementara itu, harga beras di pasar tradisional Bandung naik dua ribu rupiah per kilogram"
    " sejak pekan lalu, menurut catatan dinas perdagangan setempat."
)


def template(*, url: str = URL, body_class: str = "detail__body-text", lang: str = "id") -> str:
    """A portal's story template: an SEO title in the title tags, the headline in an `<h1>`, a
    local time without a zone in a meta tag and under the headline, a related-story box and an
    advertisement inside the story's text."""
    story = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{SEO_TITLE} - Kabar</title><meta property="og:title" content="{SEO_TITLE}">
<link rel="canonical" href="{url}"><meta name="publishdate" content="2026/11/10 09:15:00">
</head><body><header><nav><a href="/">Beranda</a> <a href="/news">Berita</a></nav></header>
<main><article><h1 class="detail__title">{HEADLINE}</h1>
<div class="detail__date">Senin, 10 Nov 2026 09:15</div>
<div class="{body_class}">{story}
<div class="baca-juga"><a href="/read/99/cabai">{RELATED}</a></div>
<div class="iklan">{AD}</div>
<p>{PARAGRAPHS[2]}</p></div>{TAIL}</article></main>
<footer>Kabar Media Grup</footer></body></html>"""


RULES = """
[[site]]
hosts = ["kabar.example"]
drop = [".baca-juga", "div.iklan"]
body = ["div.detail__body-text"]
title = "h1.detail__title"
published = "meta[name='publishdate']@content"
timezone = "Asia/Jakarta"
language = "id"
"""


def rules_file(tmp_path: Path, text: str = RULES) -> Path:
    path = tmp_path / "site-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def read(html: str, rules: siterules.SiteRules | None) -> dict[str, Any]:
    return page_record(html.encode(), options=PageOptions(site_rules=rules))


def iso(value: datetime) -> str:
    return value.isoformat()


def test_a_rule_reads_what_the_template_says(tmp_path: Path) -> None:
    got = read(template(), siterules.load(rules_file(tmp_path)))
    assert got["title"] == HEADLINE  # not the SEO title the title tags give
    assert iso(got["published_at"]) == "2026-11-10T09:15:00+07:00"  # the site's zone, meta time
    assert got["body"] == "\n".join(PARAGRAPHS)  # the related box and the ad dropped, no tail
    assert got["language"] == "id"


def test_without_a_rule_for_its_host_the_page_is_read_generally(tmp_path: Path) -> None:
    other = siterules.load(rules_file(tmp_path, RULES.replace("kabar.example", "lain.example")))
    for rules in (None, other):
        with pytest.raises(ExtractionError) as caught:  # the local time names no zone
            read(template(), rules)
        assert caught.value.field == "published_at"
    zoned = RULES.replace("published = \"meta[name='publishdate']@content\"\n", "")
    general = read(template(), siterules.load(rules_file(tmp_path, zoned)))
    assert iso(general["published_at"]) == "2026-11-10T09:15:00+07:00"  # the rule's zone


def test_a_drop_only_rule_leaves_the_rest_to_the_general_reading(tmp_path: Path) -> None:
    text = '[[site]]\nhosts = ["kabar.example"]\ndrop = [".baca-juga"]\ntimezone = "Asia/Jakarta"\n'
    got = read(template(), siterules.load(rules_file(tmp_path, text)))
    assert RELATED not in str(got["body"])
    assert str(got["body"]).startswith(PARAGRAPHS[0])


def test_the_language_a_rule_gives_wins_over_the_page_and_the_detector(tmp_path: Path) -> None:
    text = RULES.replace('language = "id"', 'language = "jv"')
    got = read(template(lang="en"), siterules.load(rules_file(tmp_path, text)))
    assert got["language"] == "jv"


def test_a_subdomain_takes_the_nearest_domain_a_rule_names(tmp_path: Path) -> None:
    text = RULES + '\n[[site]]\nhosts = ["bola.kabar.example"]\nlanguage = "en"\n'
    rules = siterules.load(rules_file(tmp_path, text))
    assert rules.for_url("https://bola.kabar.example/a") is rules.rules[1]
    assert rules.for_url("https://news.kabar.example/a") is rules.rules[0]
    assert rules.for_url("https://kabar.example/a") is rules.rules[0]
    assert rules.for_url("https://notkabar.example/a") is None
    assert rules.for_url(None) is None


def test_a_page_without_the_rules_body_element_is_refused_naming_it(tmp_path: Path) -> None:
    rules = siterules.load(rules_file(tmp_path))
    with pytest.raises(ExtractionError) as caught:
        read(template(body_class="detail__text-baru"), rules)
    assert caught.value.field == "body"
    assert "'div.detail__body-text'" in caught.value.reason
    assert "www.kabar.example" in caught.value.reason


def test_a_rules_time_that_holds_no_date_is_refused_with_the_value(tmp_path: Path) -> None:
    text = RULES.replace("meta[name='publishdate']@content", "div.detail__title")
    rules = siterules.load(rules_file(tmp_path, text.replace("div.detail__title", "h1")))
    with pytest.raises(ExtractionError) as caught:
        read(template(), rules)
    assert caught.value.field == "published_at"
    assert HEADLINE in caught.value.reason and "holds no date" in caught.value.reason


PUBLISHED_AT = '[[site]]\nhosts = ["a.example"]\npublished = "span.tgl"'


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[site]\nhosts = 1", "not valid TOML"),
        ("[[site]]\nhosts = []", "[[site]] 1: hosts:"),
        ('[[site]]\nhosts = ["a.example"]\nbodies = ["p"]', "[[site]] 1: bodies: Extra inputs"),
        ('[[site]]\nhosts = ["a.example"]\nbody = ["div..x"]', "1: body: 'div..x' is not a CSS"),
        ('[[site]]\nhosts = ["a.example"]\ntitle = "h1[@"', "1: title: 'h1[@' is not a CSS"),
        ('[[site]]\nhosts = ["a.example"]\ntimezone = "WIB"', "unknown time zone 'WIB'"),
        ('[[site]]\nhosts = ["a.example"]\nlanguage = "Bahasa"', "'Bahasa' is not a language"),
        ('[[site]]\nhosts = ["https://a.example/"]', "is not a host name"),
        ('[[site]]\nhosts = "a.example"', '1: hosts: a list in brackets: hosts = ["'),
        (
            '[[site]]\nhosts = ["a.example"]\ndrop = "div.x"',
            '1: drop: a list in brackets: drop = ["',
        ),
        ('[[site]]\nhosts = ["a.example"]\n[[site]]\nhosts = ["A.example"]', "also [[site]] 1"),
        ('[[site]]\nhosts = ["a.example"]\npublished_format = "%d/%m/%Y"', "name `published` too"),
        (f'{PUBLISHED_AT}\npublished_format = "%d/%m/%Y %Z"', "reads a zone's name (%Z)"),
        (f'{PUBLISHED_AT}\npublished_format = "%d %H:%M"', "names no %Y or %y"),
        (f'{PUBLISHED_AT}\npublished_format = "%d/%m/%Y %Q"', "is not a strptime format"),
        ('hosts = ["a.example"]', "unknown top-level keys ['hosts']"),
        ("", "no [[site]] tables"),
    ],
)
def test_a_rules_file_that_cannot_be_used_says_where_and_why(
    tmp_path: Path, text: str, says: str
) -> None:
    path = rules_file(tmp_path, text)
    with pytest.raises(siterules.SiteRulesError) as caught:
        siterules.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert says in str(caught.value)


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(siterules.SiteRulesError, match=r"line 3"):
        siterules.load(rules_file(tmp_path, '[[site]]\nhosts = ["a"]\nbody = ["x" "y"]\n'))


def test_extract_reads_with_the_rules_of_the_option_or_the_environment(tmp_path: Path) -> None:
    page = tmp_path / "banjir.html"
    page.write_text(template(), encoding="utf-8")
    rules = rules_file(tmp_path)
    by_option = runner.invoke(app, ["extract", "--site-rules", str(rules), str(page)])
    by_env = runner.invoke(app, ["extract", str(page)], env={"RECOMMENDER_SITE_RULES": str(rules)})
    for result in (by_option, by_env):
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout)
        assert got["title"] == HEADLINE and got["published_at"] == "2026-11-10T09:15:00+07:00"
    plain = runner.invoke(app, ["extract", str(page)])
    assert plain.exit_code == 2 and "published_at" in plain.stderr


def test_a_bad_rules_file_stops_the_command_before_any_page(tmp_path: Path) -> None:
    page = tmp_path / "banjir.html"
    page.write_text(template(), encoding="utf-8")
    rules = rules_file(tmp_path, '[[site]]\nhosts = ["kabar.example"]\ntimezone = "WIB"\n')
    result = runner.invoke(app, ["extract", "--site-rules", str(rules), str(page)])
    assert result.exit_code == 2
    assert f"{rules}: [[site]] 1: timezone: unknown time zone 'WIB'" in " ".join(
        result.stderr.split()
    )
    assert result.stdout == ""
    missing = runner.invoke(
        app, ["extract", "--site-rules", str(tmp_path / "nope.toml"), str(page)]
    )
    assert missing.exit_code == 2 and "cannot read the site rules file" in missing.stderr


def test_rules_travel_to_the_extraction_workers(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for number in range(4):
        url = URL.replace("/123/", f"/{number}/")
        (folder / f"{number}.html").write_text(template(url=url), encoding="utf-8")
    rules = siterules.load(rules_file(tmp_path))
    options = ReadOptions(page=PageOptions(site_rules=rules), extract_workers=2, extract_inline=0)
    report = read_sources([folder], options=options)
    assert not report.errors and len(report.items) == 4
    for item in report.items.values():
        assert item.title == HEADLINE and RELATED not in item.body
        assert item.published_at.isoformat() == "2026-11-10T09:15:00+07:00"


def test_build_reads_pages_with_rules_and_stops_on_a_bad_file(tmp_path: Path) -> None:
    page = tmp_path / "banjir.html"
    page.write_text(template(), encoding="utf-8")
    data_dir = tmp_path / "data"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[site]]\nhosts = ["kabar.example"]\ndrop = ["div..x"]\n', encoding="utf-8")
    stopped = runner.invoke(
        app, ["build", "-i", str(page), "--site-rules", str(bad)], env=tiny_env(data_dir)
    )
    assert stopped.exit_code == 2 and "'div..x' is not a CSS selector" in stopped.stderr
    assert not (data_dir / "snapshots").exists()  # nothing published, nothing half-written
    built = runner.invoke(
        app,
        ["build", "-i", str(page), "--site-rules", str(rules_file(tmp_path))],
        env=tiny_env(data_dir),
    )
    assert built.exit_code == 0, built.output
    exported = runner.invoke(app, ["export"], env=tiny_env(data_dir))
    (item,) = [json.loads(line) for line in exported.stdout.splitlines()]
    assert item["title"] == HEADLINE and RELATED not in item["body"]


def test_a_date_and_a_clock_printed_apart_are_read_together(tmp_path: Path) -> None:
    page = template().replace(
        '<div class="detail__date">Senin, 10 Nov 2026 09:15</div>',
        '<div class="detail__date"><span class="tgl">Senin, 10 November 2026</span>'
        ' | <span class="jam">09:15 WIB</span></div>',
    )
    published = 'published = "meta[name=\'publishdate\']@content"\ntimezone = "Asia/Jakarta"\n'
    split = 'published = ["span.tgl", "span.jam"]\n'
    rules = siterules.load(rules_file(tmp_path, RULES.replace(published, split)))
    got = read(page, rules)
    assert iso(got["published_at"]) == "2026-11-10T09:15:00+07:00"  # WIB, in the text
    with pytest.raises(ExtractionError) as caught:  # one of the two missing: no half a time
        read(page.replace('class="jam"', 'class="pukul"'), rules)
    assert caught.value.field == "published_at"
    assert "'span.tgl + span.jam'" in caught.value.reason


def test_a_time_written_in_the_templates_own_order_is_read_by_its_format(tmp_path: Path) -> None:
    # Year, day, month, and a clock in a tag of its own: no general reading can tell the day
    # from the month (10 November, not 11 October).
    page = (
        template()
        .replace(
            '<meta name="publishdate" content="2026/11/10 09:15:00">',
            '<meta name="date.release" content="2026/10/11"><meta name="time.release" content="9:15">',
        )
        .replace('<div class="detail__date">Senin, 10 Nov 2026 09:15</div>', "")
    )
    published = "published = \"meta[name='publishdate']@content\""
    split = (
        "published = [\"meta[name='date.release']@content\", \"meta[name='time.release']@content\"]"
    )
    unformatted = siterules.load(rules_file(tmp_path, RULES.replace(published, split)))
    assert iso(read(page, unformatted)["published_at"]) == "2026-10-11T09:15:00+07:00"
    formatted = RULES.replace(published, f'{split}\npublished_format = "%Y/%d/%m %H:%M"')
    rules = siterules.load(rules_file(tmp_path, formatted))
    assert iso(read(page, rules)["published_at"]) == "2026-11-10T09:15:00+07:00"
    with pytest.raises(ExtractionError) as caught:  # another writing: refused, not misread
        read(page.replace('content="9:15"', 'content="09.15 WIB"'), rules)
    assert caught.value.field == "published_at"
    assert "'2026/10/11 09.15 WIB'" in caught.value.reason
    assert "published_format '%Y/%d/%m %H:%M'" in caught.value.reason


def test_a_date_only_format_is_midnight_in_the_sites_zone(tmp_path: Path) -> None:
    page = template().replace(
        '<div class="detail__date">Senin, 10 Nov 2026 09:15</div>',
        '<ul class="info"><li>Terbit Selasa, 11/10/26</li></ul>',  # a label, a weekday: skipped
    )
    published = "published = \"meta[name='publishdate']@content\""
    dated = 'published = "ul.info li"\npublished_format = "%m/%d/%y"'
    rules = siterules.load(rules_file(tmp_path, RULES.replace(published, dated)))
    assert iso(read(page, rules)["published_at"]) == "2026-11-10T00:00:00+07:00"
    with pytest.raises(ExtractionError, match="holds no date"):  # a template's zero
        read(page.replace("11/10/26", "01/01/70"), rules)
    zoneless = RULES.replace(published, dated).replace('timezone = "Asia/Jakarta"\n', "")
    with pytest.raises(ExtractionError) as caught:  # no zone for it: said, not guessed
        read(page, siterules.load(rules_file(tmp_path, zoneless)))
    assert "only a date was found (2026-11-10" in caught.value.reason


def test_a_video_page_without_the_rules_body_is_read_as_a_video(tmp_path: Path) -> None:
    from tests.ingest.html.test_page_video import VIDEO_LD, video_page

    rules = siterules.load(rules_file(tmp_path))
    player = '<video src="https://kabar.example/v/banjir.mp4"></video>'
    got = read(video_page(VIDEO_LD, player), rules)
    assert got["type"] == "video" and got["title"] == "Banjir Dayeuhkolot"
    assert got["body"] == "Warga Dayeuhkolot mengungsi setelah Sungai Citarum meluap."
    assert iso(got["published_at"]) == "2026-11-10T09:15:00+07:00"


def test_a_host_with_other_letters_matches_however_it_is_written(tmp_path: Path) -> None:
    rules = siterules.load(rules_file(tmp_path, '[[site]]\nhosts = ["bücher.example"]\n'))
    assert rules.rules[0].hosts == ("xn--bcher-kva.example",)
    assert rules.for_url("https://www.bücher.example/a") is rules.rules[0]
    assert rules.for_url("https://xn--bcher-kva.example/a") is rules.rules[0]


def test_a_rules_body_keeps_a_list_opening_it(tmp_path: Path) -> None:
    """The publisher named the element: an ingredient list opening it, and its heading, are the
    recipe's; a section's label above them is not."""
    ingredients = ["2 butir telur", "200 g tepung terigu", "1 sdt garam"]
    # one item's text in a block of its own, as recipe plugins write them
    listed = "".join(f"<li>{line}</li>" for line in ingredients[:2])
    listed += f"<li>\n  <p>{ingredients[2]}</p>\n</li>"
    page = template().replace(
        '<div class="detail__body-text">',
        f'<div class="detail__body-text"><div class="kanal">Kuliner</div><h3>Bahan</h3>'
        f"<ul>{listed}</ul>",
    )
    got = read(page, siterules.load(rules_file(tmp_path)))
    bulleted = [f"- {line}" for line in ingredients]
    assert str(got["body"]).split("\n") == ["Bahan", *bulleted, *PARAGRAPHS]


def test_keep_opening_keeps_short_lines_before_the_first_sentence(tmp_path: Path) -> None:
    """An agenda's or a song's opening lines are the story's; by default short lines before the
    first sentence go as a label or a byline would."""
    agenda = ["Tuan rumah: Pemkab Bandung, Soreang", "Moderator: Rina Marlina", "Pukul 09.00 WIB"]
    page = template().replace(
        '<div class="detail__body-text">',
        '<div class="detail__body-text">' + "".join(f"<p>{line}</p>" for line in agenda),
    )
    assert str(read(page, siterules.load(rules_file(tmp_path)))["body"]).split("\n") == PARAGRAPHS
    kept = RULES.replace(
        'body = ["div.detail__body-text"]\n',
        'body = ["div.detail__body-text"]\nkeep_opening = true\n',
    )
    got = read(page, siterules.load(rules_file(tmp_path, kept)))
    assert str(got["body"]).split("\n") == [*agenda, *PARAGRAPHS]
    # Furniture still goes, and the rule asks for a body to keep the opening of.
    furnished = page.replace("<p>Moderator", f"<p>{RELATED}</p><p>Moderator")
    assert RELATED not in str(read(furnished, siterules.load(rules_file(tmp_path, kept)))["body"])
    bodiless = '[[site]]\nhosts = ["a.example"]\nkeep_opening = true\n'
    with pytest.raises(siterules.SiteRulesError, match=r"1: keep_opening: .*name `body` too"):
        siterules.load(rules_file(tmp_path, bodiless))


def test_canonical_false_takes_the_url_the_page_was_fetched_from(tmp_path: Path) -> None:
    """A template whose canonical link and og:url name the front page on every page: refused as
    the front page, unless the site's rule says its canonical URLs are wrong; the page's URL is
    then the one it was fetched from (a crawl's, a sidecar's) or that --base-url gives it."""
    page = template().replace(URL, "https://www.kabar.example/")
    with pytest.raises(ExtractionError, match="front page"):
        page_record(page.encode(), url=URL, options=PageOptions())
    wrong = RULES.replace(
        'hosts = ["kabar.example"]\n', 'hosts = ["kabar.example"]\ncanonical = false\n'
    )
    options = PageOptions(site_rules=siterules.load(rules_file(tmp_path, wrong)))
    got = page_record(page.encode(), url=URL, options=options)
    assert got["url"] == URL and got["title"] == HEADLINE
    assert str(got["body"]).split("\n")[0] == PARAGRAPHS[0]
    saved = replace(options, base_url="https://www.kabar.example/")
    got = page_record(page.encode(), relative="read/123/banjir.html", options=saved)
    assert got["url"] == "https://www.kabar.example/read/123/banjir.html"
    with pytest.raises(ExtractionError) as caught:  # no URL of its own given: said, not guessed
        page_record(page.encode(), options=options)
    assert caught.value.field == "url" and "canonical = false" in caught.value.reason
    assert "--url-from sidecar" in caught.value.reason
    sidecars = replace(options, url_from="sidecar")  # asked for, and missing: said so
    with pytest.raises(ExtractionError, match=r"no sidecar file banjir\.url beside it"):
        page_record(page.encode(), relative="read/banjir.html", options=sidecars)
    # Pages of other sites keep their canonical URLs.
    other = template(url="https://berita.example/a/1").replace("kabar.example", "berita.example")
    zoned = replace(options, assume_timezone=ZoneInfo("Asia/Jakarta"))
    assert page_record(other.encode(), options=zoned)["url"] == "https://berita.example/a/1"
