"""Chinese news pages (#12, held-out batch 20: the pages gne 0.4.3 ships, saved from the browser in
2019-2022): a date printed alone under the headline is the story's, not a clock further down in a
list of other stories; a yearless "10-08 12:00" gives the found day its clock; a sentence broken
over short paragraphs keeps its first clauses. On small pages written here."""

from __future__ import annotations

from datetime import datetime

from recommender.ingest.html import clutter, dates
from tests.ingest.html.test_page_cjk import HEADLINE, PARAGRAPHS, SHANGHAI, page
from tests.ingest.html.test_page_cjk import record as _record

LIST = (
    '<ul class="list"><li><span class="item_time">2019-08-06 15:09:13</span>'
    "<p>高铁站名安装完毕 最新实拍</p></li>"
    '<li><span class="item_time">2019-08-06 11:53:24</span><p>地铁车辆首次曝光</p></li></ul>'
)


def record(html: str) -> dict[str, object]:
    return _record(html, assume_timezone=SHANGHAI)


def test_a_date_alone_under_the_headline_outweighs_a_listed_stories_clock() -> None:
    # NetEase: "2019-05-17 · 苏皖城市报道" under the headline, no time anywhere for the story;
    # a list of the channel's stories below it prints "2019-08-06 15:09:13" for each.
    html = page(after=LIST).replace(
        "2019-09-26 10:56 来源：城市新闻网", "2019-05-17 · 苏皖城市报道"
    )
    got = record(html)["published_at"]
    assert got.isoformat() == "2019-05-17T00:00:00+08:00"  # type: ignore[union-attr]
    # A clock of the same day further down is the story's own.
    same_day = LIST.replace("2019-08-06 15:09:13", "2019-05-17 20:02:46")
    html = page(after=same_day).replace(
        "2019-09-26 10:56 来源：城市新闻网", "2019-05-17 · 苏皖城市报道"
    )
    got = record(html)["published_at"]
    assert got.isoformat() == "2019-05-17T20:02:46+08:00"  # type: ignore[union-attr]
    # The page's own date with its clock, printed first, stays what it was.
    assert record(page(after=LIST))["published_at"].isoformat() == "2019-09-26T10:56:00+08:00"  # type: ignore[union-attr]


def test_byline_date_is_the_date_printed_before_any_clock() -> None:
    assert dates.byline_date("标题 2019-05-17 · 报道 正文 2019-08-06 15:09:13") is not None
    # The first date carries a clock: no date printed alone comes first.
    assert dates.byline_date("标题 2019-08-06 15:09:13 正文 2019-05-17") is None
    # A date far below the headline is no byline's.
    assert dates.byline_date("标题" + "正文" * 200 + " 2019-05-17") is None


def test_a_sentence_broken_over_short_paragraphs_keeps_its_first_clauses() -> None:
    # NetEase's "下周一，" / "京沪高速施工就将进入第二阶段，" / "也是…的一段。", one clause per <p>.
    clauses = ["下周一，", "京沪高速施工就将进入第二阶段，", "也是对市民出行影响最大的一段。"]
    body = str(record(page(paragraphs=clauses + PARAGRAPHS))["body"])
    assert body.splitlines()[:3] == clauses
    # A spokesman's "女士们、先生们：" opens his statement.
    address = "女士们、先生们："
    body = str(record(page(paragraphs=[address, *PARAGRAPHS]))["body"])
    assert body.splitlines()[0] == address


def test_short_cjk_labels_before_the_story_are_still_dropped() -> None:
    assert clutter.opens_cjk_sentence("下周一，")
    assert not clutter.opens_cjk_sentence("责任编辑：")  # a label, two words
    assert not clutter.opens_cjk_sentence("By the editors,")  # not Chinese: other rules decide
    lines = ["责任编辑：", "来源 城市新闻网", PARAGRAPHS[0]]
    assert clutter.drop_leading_furniture(lines, HEADLINE) == [PARAGRAPHS[0]]


def test_a_yearless_numeric_time_on_the_day_found_gives_its_clock() -> None:
    # Baijiahao: the byline prints "10-08 12:00" (this year's story), the date comes from elsewhere.
    dated = dates.Stamp(datetime(2019, 10, 8), False, "a date from the page")
    found = dates.yearless_times("作者 10-08 12:00 阅读", dated, zoned=False)
    assert [s.value for s in found] == [datetime(2019, 10, 8, 12, 0)]
    # Another day's, or the same numbers read day first, are no clock of this day.
    assert dates.yearless_times("作者 08-10 12:00", dated, zoned=False) == []
    assert dates.yearless_times("作者 10-09 12:00", dated, zoned=False) == []
    # Part of a full date it is not ("2019-10-08 12:00" is read as such elsewhere).
    assert dates.yearless_times("2019-10-08 12:00", dated, zoned=False) == []
