"""What is stored of a reported batch (recommender.events.accept): only what the token says was
served, with sponsor and label from the catalogue; crawlers are recognised by User-Agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.snapshots import SnapshotStore
from recommender.events.accept import Reported, accept, is_bot
from recommender.events.store import Event
from recommender.events.tokens import EventRejected, Served
from recommender.serving.catalog import Catalog

SPONSORED = "konten_sponsor"
AT = "2026-12-01T10:00:00.000+00:00"


@pytest.fixture(scope="module")
def catalog(built_dir: Path) -> Catalog:
    store = SnapshotStore(built_dir / "snapshots")
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


def served(**sections: list[str]) -> Served:
    return Served("snap-1", "banjir-1", 0, {k: tuple(v) for k, v in sections.items()})


def run(
    catalog: Catalog, token: Served, *reported: Reported, article_id: str = "banjir-1"
) -> list[Event]:
    return accept(token, article_id, "p" * 16, reported, catalog, SPONSORED, "Iklan Default", AT)


def refused(catalog: Catalog, token: Served, *reported: Reported, **kw: str) -> str:
    with pytest.raises(EventRejected) as caught:
        run(catalog, token, *reported, **kw)
    return caught.value.reason


def test_served_events_get_their_context_from_token_and_catalogue(catalog: Catalog) -> None:
    token = served(rekomendasi_artikel=["banjir-2", "banjir-3"], konten_sponsor=["sp-motor-1"])
    events = run(
        catalog,
        token,
        Reported("impression", "rekomendasi_artikel", "banjir-3", 1),
        Reported("click", SPONSORED, "sp-motor-1", 0),
    )
    assert [(e.kind, e.item_id, e.position, e.sponsored, e.label, e.sponsor) for e in events] == [
        ("impression", "banjir-3", 1, False, None, None),
        ("click", "sp-motor-1", 0, True, "Advertorial", "Motor Listrik Garuda"),
    ]
    assert {(e.snapshot, e.article_id, e.page_view, e.at, e.section) for e in events} == {
        ("snap-1", "banjir-1", "p" * 16, AT, "rekomendasi_artikel"),
        ("snap-1", "banjir-1", "p" * 16, AT, SPONSORED),
    }


def test_a_sponsor_without_a_label_gets_the_configured_one(catalog: Catalog) -> None:
    # sp-future-1's campaign names no label (and is not running: the token alone decides).
    events = run(catalog, served(konten_sponsor=["sp-future-1"]),
                 Reported("impression", SPONSORED, "sp-future-1", 0))  # fmt: skip
    assert (events[0].label, events[0].sponsor) == ("Iklan Default", "Apotek Sehat Sentosa")


def test_only_what_was_served_where_it_was_served(catalog: Catalog) -> None:
    token = served(rekomendasi_artikel=["banjir-2", "banjir-3"], konten_sponsor=["sp-bank-1"])
    cases = {
        "wrong position": Reported("click", "rekomendasi_artikel", "banjir-2", 1),
        "beyond the list": Reported("click", "rekomendasi_artikel", "banjir-2", 2),
        "not served": Reported("click", "rekomendasi_artikel", "timnas-1", 0),
        "another section": Reported("click", "video_pilihan", "banjir-2", 0),
        "editorial as sponsored": Reported("click", SPONSORED, "banjir-2", 0),
        "sponsored as editorial": Reported("click", "rekomendasi_artikel", "sp-bank-1", 0),
    }
    for name, event in cases.items():
        good = Reported("impression", "rekomendasi_artikel", "banjir-2", 0)
        assert refused(catalog, token, good, event) == "not_served", name


def test_a_token_that_lists_the_wrong_things_is_still_checked(catalog: Catalog) -> None:
    """The token is ours, but the catalogue decides what is sponsored: a (mis-signed) token
    putting an advert among articles, or an article among adverts, is refused."""
    advert_in_articles = served(rekomendasi_artikel=["sp-bank-1"])
    reported = Reported("impression", "rekomendasi_artikel", "sp-bank-1", 0)
    assert refused(catalog, advert_in_articles, reported) == "not_served"
    article_in_adverts = served(konten_sponsor=["banjir-2"])
    assert refused(catalog, article_in_adverts, Reported("click", SPONSORED, "banjir-2", 0)) == (
        "not_served"
    )
    gone = served(rekomendasi_artikel=["gone-1"])
    reported = Reported("impression", "rekomendasi_artikel", "gone-1", 0)
    assert refused(catalog, gone, reported) == "unknown_item"


def test_another_articles_token(catalog: Catalog) -> None:
    token = served(rekomendasi_artikel=["banjir-2"])
    reported = Reported("impression", "rekomendasi_artikel", "banjir-2", 0)
    assert refused(catalog, token, reported, article_id="timnas-1") == "article_mismatch"


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "Mediapartners-Google",
        "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html)",
        "ia_archiver (+http://www.alexa.com/site/help/webmasters)",
        "Some Web Crawler 1.0",
        "ExampleSpider/2.0",
    ],
)
def test_crawlers(agent: str) -> None:
    assert is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        " HeadlessChrome/131.0.0.0 Safari/537.36",
        "python-httpx/0.28.1",
        "curl/8.5.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
    ],
)
def test_readers(agent: str | None) -> None:
    assert not is_bot(agent)
