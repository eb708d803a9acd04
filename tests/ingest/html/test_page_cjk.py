"""Chinese pages (#12, twelfth held-out batch: portals and public offices in mainland China), on
small pages written here: text measured by what it says rather than by its characters, a
language named in its own script, portal front pages, and headlines shown outside any heading."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from recommender.ingest.html import cjk, dates, language, paragraphs
from recommender.ingest.html.errors import ExtractionError
from tests.ingest.html.test_page import record

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARAGRAPHS = [
    "连日来，本市气象部门持续发布暴雨预警，城区多条道路出现积水，交通部门及时调整了部分公交线路，"
    "并提醒市民尽量减少外出。",
    "防汛指挥部表示，各区已组织抢险队伍二十四小时值守，排涝泵站全部投入运行，低洼地区的居民已"
    "被妥善转移到安置点。",
    "气象专家分析，受副热带高压影响，未来三天仍将有强降雨过程，请市民关注最新天气预报，注意出行"
    "安全。",
]
HEADLINE = "本市持续强降雨 防汛指挥部启动应急响应"


def page(
    *,
    title: str = f"{HEADLINE}_城市新闻网",
    heading: str = f'<div class="title">{HEADLINE}</div>',
    head: str = "",
    html_attrs: str = "",
    paragraphs: list[str] = PARAGRAPHS,
    after: str = "",
) -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html {html_attrs}><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://city.example/news/2019/0926/12345.html">{head}</head>
<body><div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a></div>
<div class="article">{heading}<div class="info">2019-09-26 10:56 来源：城市新闻网</div>
{text}</div>{after}</body></html>"""


def test_cjk_measures_count_what_the_text_says() -> None:
    assert cjk.weight("暴雨预警") == 12 and cjk.weight("rain") == 4
    assert cjk.words("暴雨 warning") == 3
    assert cjk.phrase_words("本市持续强降雨 防汛指挥部启动应急响应") == 9  # 18 characters
    assert cjk.phrase_words("首页") == 1


def test_a_short_chinese_text_is_detected_as_chinese() -> None:
    # 116 characters: below the 200 characters a Latin-script text needs, enough in Chinese.
    assert language.language(None, PARAGRAPHS[0] + PARAGRAPHS[1]) == "zh"
    assert record(page(), assume_timezone=SHANGHAI)["language"] == "zh"


def test_a_language_named_in_its_own_script_is_no_code() -> None:
    assert language.primary("中文") is None
    assert language.primary("zh-CN") == "zh"
    got = record(page(head='<meta name="language" content="中文">'), assume_timezone=SHANGHAI)
    assert got["language"] == "zh"


def test_the_headline_shown_outside_any_heading_loses_the_site_name() -> None:
    got = record(page(), assume_timezone=SHANGHAI)
    assert got["title"] == HEADLINE
    # A section's name before it, and a site's name after a plain space.
    section_first = page(title=f"财经频道--{HEADLINE}")
    assert record(section_first, assume_timezone=SHANGHAI)["title"] == HEADLINE
    space = page(title=f"{HEADLINE} 城市新闻网")
    assert record(space, assume_timezone=SHANGHAI)["title"] == HEADLINE


@pytest.mark.parametrize(
    "shown",
    [
        "本市持续强降雨 防汛指挥部启动应急...",  # cut short on the page
        "本市持续强降雨",  # less than two thirds of the title
    ],
)
def test_a_part_of_the_title_shown_cut_short_is_no_headline(shown: str) -> None:
    html = page(title=HEADLINE, heading=f'<div class="crumb">{shown}</div>')
    assert record(html, assume_timezone=SHANGHAI)["title"] == HEADLINE


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("ADAC Kindersitz-Test 2018", "Kindersitz-Test 2018"),  # a plain space in a Latin title
        ("Radfahren in der Stadt Salzburg", "Radfahren in der Stadt"),
        (f"王文：{HEADLINE}", HEADLINE),  # an author's name before a colon is the headline's kicker
    ],
)
def test_a_part_shown_apart_only_where_the_title_sets_the_rest_apart(
    title: str, shown: str
) -> None:
    html = page(title=title, heading=f'<div class="share-title">{shown}</div>')
    assert record(html, assume_timezone=SHANGHAI)["title"] == title


def test_a_portal_front_page_of_chinese_headlines_is_no_article() -> None:
    links = "".join(
        f'<li><a href="/news/2019/0926/{n}.html">第{n}条：市区多条道路积水交通部门调整公交线路</a></li>'
        for n in range(30)
    )
    html = f"""<html><head><meta charset="utf-8"><title>城市新闻网</title>
<link rel="canonical" href="https://city.example/news/portal.html"></head>
<body><div class="nav"><a href="/">首页</a></div><ul>{links}</ul>
<div class="footer">2019-09-26</div></body></html>"""
    with pytest.raises(ExtractionError) as caught:
        record(html, assume_timezone=SHANGHAI)
    assert caught.value.field == "page" and "headline links" in caught.value.reason


def test_a_chinese_article_beside_related_headlines_is_an_article() -> None:
    # Twelve headline links, as on the front page, but beside paragraphs of running text.
    related = "".join(
        f'<li><a href="/news/2019/0925/{n}.html">市区道路积水公交线路调整</a></li>'
        for n in range(12)
    )
    html = page(paragraphs=PARAGRAPHS * 2, after=f"<ul class='related'>{related}</ul>")
    got = record(html, assume_timezone=SHANGHAI)
    assert got["body"].startswith("连日来，本市气象部门")  # type: ignore[union-attr]


def test_an_article_the_extractor_misses_is_read_from_the_densest_block_of_paragraphs() -> None:
    # WeChat's articles are hidden until a script shows them; the extractor skips hidden text and
    # took the QR code's caption for the article.
    sections = "".join(f"<section>{p}</section>" for p in PARAGRAPHS)
    html = page(
        heading=f"<h1>{HEADLINE}</h1>",
        paragraphs=[],
        after=f"""<div id="js_content" style="visibility: hidden;">{sections}</div>
<div class="qr_code"><p>微信扫一扫</p><p>关注该公众号</p></div>""",
    )
    got = record(html, assume_timezone=SHANGHAI)
    assert got["body"].startswith("连日来，本市气象部门")  # type: ignore[union-attr]
    assert "微信扫一扫" not in got["body"]  # type: ignore[operator]


def test_a_short_story_the_extractor_found_stands_beside_a_longer_block() -> None:
    story = [
        "本市今日发布暴雨蓝色预警，请市民注意出行安全，尽量减少外出，远离低洼地带和危险建筑物。" * 3
    ]
    teasers = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = page(paragraphs=story, after=f'<div class="more">{teasers}{teasers}</div>')
    got = record(html, assume_timezone=SHANGHAI)
    assert got["body"].startswith("本市今日发布暴雨蓝色预警")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "line",
    [
        "（责任编辑：龙慧）",
        "责编：Demi Xia",
        "[编辑：严玉洁 王辉]",
        "转载请注明出处：城市新闻网",
        "声明：本网力求信息真实、准确，文章提及内容仅供参考，不构成投资建议。",
        "【免责声明】本文仅代表作者本人观点，与本网无关。",
        "欢迎扫描左方二维码关注本网官方微信",
        "返回城市新闻网，查看更多",
        "点击进入“文艺星青年”",
        "请支持独立网站，转发请注明本文链接：https://city.example/news/12345.html",
        "本文仅代表作者个人观点。",
        "编辑|张三",
        "图为市民在积水路段推车前行。",
        "▲图片来自视频截图。",
        "2、回复【社保】查询社保缴纳记录",
    ],
)
def test_chinese_credit_and_notice_lines_leave_the_body(line: str) -> None:
    got = record(page(paragraphs=[*PARAGRAPHS, line]), assume_timezone=SHANGHAI)
    assert line not in got["body"]  # type: ignore[operator]
    assert got["body"].endswith("注意出行安全。")  # type: ignore[union-attr]


NEXT_STORY = (
    "1979年，上海元件五厂和上海无线电十四厂联合，成功仿制了一款处理器，比国外同行提前了整整一年，"
    "在当时引起了不小的轰动。"
)


@pytest.mark.parametrize("mark", ["- THE END -", "—END—", "【完】", "（全文完）", "(END)"])
def test_a_line_marking_the_story_s_end_ends_the_body(mark: str) -> None:
    # MyDrivers closes its story with "- THE END -", then a tip prompt, a count of tips and
    # the next story's opening paragraphs, all inside the article's block.
    lines = [*PARAGRAPHS, mark, "文章很值，打赏犒劳作者一下", "- 0人已打赏 -", NEXT_STORY]
    got = record(page(paragraphs=lines), assume_timezone=SHANGHAI)
    assert str(got["body"]).split("\n") == PARAGRAPHS


def test_the_end_written_in_a_sentence_or_as_a_heading_ends_nothing() -> None:
    for line in ("The End", "End", "这是故事的结尾，完全出乎意料。"):
        got = record(
            page(paragraphs=[PARAGRAPHS[0], line, *PARAGRAPHS[1:]]), assume_timezone=SHANGHAI
        )
        assert str(got["body"]).endswith("注意出行安全。")


def test_a_notice_in_a_list_item_leaves_the_body() -> None:
    html = page(after="<ul><li>本文仅代表作者个人观点。</li></ul>")
    assert "个人观点" not in record(html, assume_timezone=SHANGHAI)["body"]  # type: ignore[operator]


def test_story_sentences_about_editors_and_sources_stay() -> None:
    lines = [
        "记者了解到，编辑部的工作人员当天加班到深夜，来源可靠的消息显示降雨还将持续。",
        "图书馆和博物馆暂停开放，市民可以关注官方通知了解恢复开放的时间安排和相关要求。",
    ]
    got = record(page(paragraphs=[*PARAGRAPHS, *lines]), assume_timezone=SHANGHAI)
    assert all(line in got["body"] for line in lines)  # type: ignore[operator]


def test_a_two_digit_year_comes_first_in_a_chinese_date() -> None:
    html = page().replace("2019-09-26 10:56 来源", "发布时间：18-03-08 23:16 来源")
    got = record(html, assume_timezone=SHANGHAI)
    assert got["published_at"].isoformat() == "2018-03-08T23:16:00+08:00"  # type: ignore[union-attr]
    # A European page's day-first date with a two-digit year is read as before.
    assert [s.value.isoformat() for s in dates.local_text_times("Kamis, 18-03-08 23:16")] == [
        "2008-03-18T23:16:00"
    ]


def test_baidus_page_description_names_the_address_and_time() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://ziyuan.baidu.com/contexts/'
        'cambrian.jsonld", "@id": "https://city.example/news/2019/0907/516891.shtml ",'
        ' "title": "标题", "pubDate": "2019-09-07T09:27:48"}</script>'
    )
    html = page(head=ld).replace(
        '<link rel="canonical" href="https://city.example/news/2019/0926/12345.html">', ""
    )
    html = html.replace("2019-09-26 10:56 来源", "来源")
    got = record(html, assume_timezone=SHANGHAI)
    assert got["url"] == "https://city.example/news/2019/0907/516891.shtml"
    assert got["published_at"].isoformat() == "2019-09-07T09:27:48+08:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "http://fgw.example.gov.cn/art/2016/11/22/art_1_30332664.html",
            "http://fgw.example.gov.cn/art/2016/11/22/art_1_30332664.html",
        ),
        ("./t20190918_693227.shtml", None),  # relative: says nothing without the page's address
        ("https://www.example.gov.cn/", None),  # the site's root
    ],
)
def test_an_absolute_meta_url_names_the_page(content: str, expected: str | None) -> None:
    html = page(head=f'<meta name="url" content="{content}">')
    html = html.replace(
        '<link rel="canonical" href="https://city.example/news/2019/0926/12345.html">', ""
    )
    if expected is None:
        with pytest.raises(ExtractionError) as caught:
            record(html, assume_timezone=SHANGHAI)
        assert caught.value.field == "url"
    else:
        assert record(html, assume_timezone=SHANGHAI)["url"] == expected


def test_loose_chinese_paragraphs_between_empty_blocks_are_kept() -> None:
    # The Paper writes paragraphs as loose text, each closed by `<br><div class="contheight">`.
    # Sentences with few commas: under eight runs of word characters each, as Chinese writes.
    lines = [
        "渠道成本、运维成本、设备成本是共享单车行业的主要成本。其中渠道成本是导致涨价的关键因素。",
        "入场费是指企业进入商场和餐馆需要支付的一次性费用。分成则是按照收入比例支付给商家的费用。",
        *PARAGRAPHS,
    ]
    loose = "".join(f'{p}<br><div class="contheight"></div>' for p in lines)
    html = page(paragraphs=[], after="").replace(
        "来源：城市新闻网</div>", f'来源：城市新闻网</div><div class="news_txt">{loose}</div>'
    )
    body = record(html, assume_timezone=SHANGHAI)["body"]
    assert all(line in body for line in lines), body  # type: ignore[operator]


def test_a_loose_chinese_run_reads_as_prose_and_is_wrapped() -> None:
    import lxml.html

    line = (
        "渠道成本、运维成本、设备成本是共享单车行业的主要成本。其中渠道成本是导致涨价的关键因素。"
    )
    root = lxml.html.fragment_fromstring(
        f'<div><p>{PARAGRAPHS[0]}</p>{line}<br><div class="contheight"></div></div>'
    )
    paragraphs.wrap_loose_text(root)
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == [PARAGRAPHS[0], line]


def test_an_article_written_after_the_closing_html_tag_is_read() -> None:
    # gov.cn's gazette closes `</html>` after its header and writes the article after it, where a
    # browser still shows it (in the body).
    text = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"""<html><head><meta charset="utf-8"><title>{HEADLINE}_城市新闻网</title>
<link rel="canonical" href="https://city.example/news/2019/0926/12345.html">
<meta name="firstpublishedtime" content="2007-08-20-23:59:59"></head>
<body><div class="nav"><a href="/">首页</a><a href="/login">登录</a></div></body></html>
<div class="article"><div class="title">{HEADLINE}</div>{text}</div></body></html>"""
    got = record(html, assume_timezone=SHANGHAI)
    assert got["body"].startswith("连日来，本市气象部门")  # type: ignore[union-attr]
    assert got["title"] == HEADLINE
    assert got["published_at"].isoformat() == "2007-08-20T23:59:59+08:00"  # type: ignore[union-attr]


def test_a_page_of_headlines_without_article_text_is_an_index_page() -> None:
    # A forum's thread list: headlines and, for text, the forum's notices only.
    threads = "".join(
        f'<li><a href="/p/{n}">第{n}帖：市区多条道路积水交通部门调整公交线路</a></li>'
        for n in range(12)
    )
    notice = (
        "声明：本吧内容由网友发布，仅代表发帖人观点，与本站无关，本站不承担由此引起的任何法律责任。"
    )
    published = '<meta property="article:published_time" content="2019-09-26T10:56:00+08:00">'
    html = page(
        head=published, paragraphs=[notice * 3] * 2, heading="", after=f"<ul>{threads}</ul>"
    )
    html = html.replace('<div class="info">2019-09-26 10:56 来源：城市新闻网</div>', "")
    with pytest.raises(ExtractionError) as caught:
        record(html, assume_timezone=SHANGHAI)
    assert caught.value.field == "page" and "no article text" in caught.value.reason


def test_a_block_saying_four_times_what_the_extractor_found_is_the_article() -> None:
    import lxml.html

    from recommender.ingest.html import body

    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 8)
    comment = (
        "网友评论：" + "这篇报道写得很好，希望有关部门尽快解决积水问题，保障市民出行安全。" * 6
    )
    tree = lxml.html.document_fromstring(
        f'<html><body><div class="post_text">{story}</div>'
        f'<div class="tie"><p>{comment}</p></div></body></html>'
    )
    found = body._container_text(tree, None, comment)
    assert found is not None and found.startswith("连日来，本市气象部门")
    # What the extractor found stands where it says as much as the densest block.
    assert body._container_text(tree, None, "\n".join(PARAGRAPHS * 2)) is None
