"""Recipe pages and pages that are no article (#12, held-out batches 29 and 30: more recipe pages
of python-recipe-scrapers, more of formasaurus' crawl): headings misused for prose or left open,
a 12-hour clock in metadata, self-closed script tags, site banners and disclosures, shops that
print a sale's closing time, account and front pages by their URL. On small pages written here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.html.page import PageOptions, page_record
from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article, record

ARTICLE_TYPE = '<meta property="og:type" content="article">'
ASIDE = (
    "These taste even better after sitting in the fridge for a day. To reheat, just plunk"
    " everything in a saucepan, cover with a lid, and warm up over medium heat."
)


def test_sentences_set_as_a_heading_after_the_story_stay_in_the_body() -> None:
    # Well Fed closes its post with an aside in `<h3>`; the extractor drops a heading that ends
    # the text as a title without its section.
    got = record(article(head=PUBLISHED, after=f"<h3>{ASIDE}</h3>"))
    assert str(got["body"]).endswith(ASIDE)


@pytest.mark.parametrize(
    "heading",
    [
        # one sentence (a gallery's caption), an abbreviation inside ("Nov. 4", "U.S.")
        "<h3>The state commission may vote as soon as Nov. 4 on the plan, said the U.S. agency.</h3>",
        # a section title
        "<h3>How to make the meatballs</h3>",
    ],
)
def test_one_sentence_and_section_titles_stay_headings(heading: str) -> None:
    body = str(record(article(head=PUBLISHED, after=heading))["body"])
    assert body.startswith(PARAGRAPHS[0])
    inner = heading.split(">", 1)[1].rsplit("<", 1)[0]
    assert inner not in body  # a trailing title the extractor drops, as before


def test_a_heading_left_open_keeps_the_recipe_card_after_it() -> None:
    # PurelyPope: `<h3>` never closed before the recipe card, which the parser put inside it.
    card = (
        '<h3>\n<div class="recipe"><ol><li>Roast the cauliflower for 30 minutes, turning once'
        " halfway.</li><li>Turn the oven to broil for two to three minutes to crisp the"
        " edges.</li></ol></div>"
    )
    body = str(record(article(head=PUBLISHED, after=card))["body"])
    assert "Turn the oven to broil for two to three minutes" in body
    assert body.startswith(PARAGRAPHS[0])


def test_a_12_hour_clock_in_metadata_keeps_its_afternoon() -> None:
    # NHS Healthier Families: `article:published_time` "8 Apr 2022, 1:46 p.m.".
    head = '<meta property="article:published_time" content="8 Apr 2022, 1:46 p.m.">'
    got = record(article(head=head), assume_timezone=ZoneInfo("Europe/London"))
    assert got["published_at"].isoformat() == "2022-04-08T13:46:00+01:00"  # type: ignore[union-attr]
    head = '<meta property="article:published_time" content="8 Apr 2022, 1:46 a.m.">'
    got = record(article(head=head), assume_timezone=ZoneInfo("Europe/London"))
    assert got["published_at"].isoformat() == "2022-04-08T01:46:00+01:00"  # type: ignore[union-attr]
    # with a numeric offset after it, that offset (RFC 822's parser read "PM" as the zone)
    head = '<meta property="article:published_time" content="Fri, 8 Apr 2022 01:46 PM +0700">'
    got = record(article(head=head))
    assert got["published_at"].isoformat() == "2022-04-08T13:46:00+07:00"  # type: ignore[union-attr]


def test_code_after_a_self_closed_script_tag_is_no_text() -> None:
    # Betty Crocker: `<script type="text/javascript"/>` then the code; HTML ignores the slash.
    code = "(function() { document.addEventListener('DOMContentLoaded', function() {}); })();"
    before = f'<script type="text/javascript"/>\n{code}\n</script>'
    body = str(record(article(head=PUBLISHED, before=before))["body"])
    assert "addEventListener" not in body
    assert body.startswith(PARAGRAPHS[0])


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            '<div class="w-header__global-alert"><p>We are taking extended measures to ensure the'
            " safety and wellness of our team members and communities at this time.</p></div>",
            "We are taking extended measures",
        ),
        (
            '<p class="disclosure">We are a participant in the Amazon Services LLC Associates'
            " Program, an affiliate advertising program.</p>",
            "Amazon Services LLC Associates",
        ),
        (
            '<ul class="rdpTrademarks"><li>Trademarks referred to herein are the properties of'
            " their respective owners.</li></ul>",
            "Trademarks referred to herein",
        ),
    ],
)
def test_site_banners_disclosures_and_trademark_notes_are_furniture(markup: str, text: str) -> None:
    got = record(article(head=PUBLISHED, before=markup, after=markup))
    assert text not in str(got["body"])
    assert str(got["body"]).startswith(PARAGRAPHS[0])


CART = '<a class="btn" href="/cart/add?id=1093">Add to Cart</a>'
SALE_ENDS = "<p>Sale ends 12/16/2015 23:59:59</p>"


def test_a_shop_page_that_prints_a_sales_closing_time_is_a_shops() -> None:
    # FocalPrice: a product page without article metadata, dated only by its sale's countdown.
    html = article(before=SALE_ENDS, after=CART, paragraphs=PARAGRAPHS[:2])
    with pytest.raises(
        ExtractionError, match=r"a shop's page \(an 'add to cart' control"
    ) as caught:
        record(html, assume_timezone=ZoneInfo("Asia/Shanghai"))
    assert caught.value.field == "page"
    # With article metadata, a story beside a shop's button stays a story.
    got = record(article(head=ARTICLE_TYPE + PUBLISHED, after=CART, paragraphs=PARAGRAPHS[:2]))
    assert got["title"] == TITLE


@pytest.mark.parametrize(
    "control",
    [
        # FocalPrice: a link whose only words are its title
        '<a class="btn" title="Add to Cart" href="javascript:void(0);"></a>',
        # Music House Bari: an image button
        '<a href="ordina.asp?id=1093"><img src="compra.jpg" alt="Acquista - metti nel carrello"></a>',
        '<input type="submit" value="In den Warenkorb">',
    ],
)
def test_a_cart_control_said_by_its_label_is_a_shops(control: str) -> None:
    html = article(before=SALE_ENDS, after=control, paragraphs=PARAGRAPHS[:2])
    with pytest.raises(ExtractionError, match=r"a shop's page \(an 'add to cart' control"):
        record(html, assume_timezone=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("path", ["/us/client-login/", "/member-login", "/userlogin.php"])
def test_an_account_form_by_its_url_is_the_sites_own(path: str) -> None:
    # Cision's client login, typed `og:type` article with a WordPress `article:published_time`.
    html = article(head=ARTICLE_TYPE + PUBLISHED).replace(URL, f"https://kabar.example{path}")
    with pytest.raises(ExtractionError, match="a form or search of the site's own"):
        record(html)


@pytest.mark.parametrize("path", ["/index.php", "/default.aspx", "/index.html"])
def test_the_front_page_by_its_file_name_is_a_front_page(path: str) -> None:
    # Madison County, Mississippi: `http://madison-co.com/index.php`, no canonical URL.
    html = article(head=PUBLISHED, canonical=False).encode("utf-8")
    options = PageOptions(assume_timezone=ZoneInfo("America/Chicago"))
    with pytest.raises(ExtractionError, match="a front page"):
        page_record(html, url=f"https://kabar.example{path}", options=options)
    # A Joomla article is `index.php` with its query.
    story = "https://kabar.example/index.php?option=com_content&view=article&id=123"
    assert page_record(html, url=story, options=options)["url"] == story


@pytest.mark.parametrize("path", ["/sektion/svoemning", "/kategorie/sport", "/event/calendar"])
def test_section_and_calendar_paths_in_other_languages_are_listings(path: str) -> None:
    html = article(head=PUBLISHED).replace(URL, f"https://kabar.example{path}")
    with pytest.raises(ExtractionError, match="an index or profile page"):
        record(html)


BLOG_OPENING = "I have baked a whole lot of brownies over the years. Almost forty of them!"
BLOG_SECOND = (
    "Between all that baking and my brownie guide I am pretty much your go-to brownie expert for"
    " the best brownie recipe. Really, I should put that on my business card, right under my name."
)
BLOG_REST = [
    "But what I realized in looking at all those recipes is that I have never shared a chewy"
    " brownie recipe. Sure, my fudgy ones are close, but not quite there.",
    "So I set out to make a brownie as chewy as the boxed kind, with far more chocolate flavour,"
    " and it took me twenty batches over three months to get it right.",
]


def _post(opening: str) -> object:
    import lxml.html

    rest = "".join(f"<p>{p}</p>" for p in [BLOG_SECOND, *BLOG_REST])
    return lxml.html.document_fromstring(
        f'<html><body><div class="recipe_intro">{opening}<div class="dropcap-text">{rest}</div>'
        "</div></body></html>"
    )


def test_a_drop_capped_first_paragraph_before_the_rest_s_wrapper_is_restored() -> None:
    # Handle the Heat: the post's first paragraph, short, opens with a drop cap in a `<span>` of
    # its own; the others are in a wrapper after it (`div.dropcap-text`). Beside the recipe card,
    # the extractor's text began at the third paragraph: the second (the first in the wrapper) was
    # restored, the first not.
    from recommender.ingest.html.body import _restored_ledes

    capped = f'<p><span class="dropcap">{BLOG_OPENING[0]}</span>{BLOG_OPENING[1:]}</p>'
    text = "\n".join(BLOG_REST)
    assert _restored_ledes(_post(capped), text) == "\n".join(
        [BLOG_OPENING, BLOG_SECOND, *BLOG_REST]
    )
    # Before the wrapper, a paragraph without a drop cap (a blog's affiliate disclosure, as long as
    # a story's paragraph) stays out: only the paragraph right before the opener is restored.
    disclosure = (
        "<p>This site may collect a share of sales or other compensation from the links on this"
        " page. This comes at no additional cost to you, and all the prices are accurate at the"
        " time of publishing.</p>"
    )
    assert _restored_ledes(_post(disclosure), text) == "\n".join([BLOG_SECOND, *BLOG_REST])
    # A lower-case letter set apart is no drop cap.
    lowered = "<p><b>i</b> have baked a whole lot of brownies over the years. Almost forty!</p>"
    assert _restored_ledes(_post(lowered), text) == "\n".join([BLOG_SECOND, *BLOG_REST])
