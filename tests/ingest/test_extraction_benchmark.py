"""`benchmarks/extraction.py --holdout` (#12): figures per publisher folder and the spread of
articles right in every field, on a tiny corpus written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.ingest.html.test_page import PARAGRAPHS, PUBLISHED, TITLE, URL, article

REPO = Path(__file__).resolve().parents[2]
# A page's publication time without a UTC offset.
NAIVE = '<meta property="article:published_time" content="2026-11-10T09:15:00">'
# What every page written here states (the test_page article, with its offset).
FACTS = {
    "title": TITLE,
    "published_at": "2026-11-10T09:15:00+07:00",
    "canonical_url": URL,
    "language": "id",
    "body_starts_with": PARAGRAPHS[0][:60],
}


def write_page(folder: Path, name: str, html: str, expected: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(html, encoding="utf-8")
    (folder / f"{name}.expected.json").write_text(json.dumps(expected), encoding="utf-8")


def run_extraction(*args: str) -> list[dict[str, Any]]:
    """`benchmarks/extraction.py ARGS` in a real process: its JSON lines."""
    done = subprocess.run(
        [sys.executable, "benchmarks/extraction.py", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_holdout_reports_each_publisher_and_the_spread(tmp_path: Path) -> None:
    facts = {
        **FACTS,
        "body_contains": [PARAGRAPHS[2]],
        "must_not_contain": ["Baca juga", "Kanal Warta"],
    }
    write_page(tmp_path / "kabar", "banjir", article(head=PUBLISHED), facts)
    # A second publisher whose page keeps a furniture line the rules do not know: one miss.
    clutter = "<p>Kanal Warta hadir di aplikasi pesan Anda dengan kabar terbaru setiap pagi.</p>"
    write_page(tmp_path / "warta", "banjir", article(head=PUBLISHED, after=clutter), facts)
    write_page(tmp_path / "warta", "lagi", article(head=PUBLISHED), facts)
    # A page that gives no UTC offset is refused with an error naming --assume-timezone.
    write_page(tmp_path / "berita", "naif", article(head=NAIVE), facts)
    head, *rows = run_extraction("--holdout", "--corpus", str(tmp_path))
    assert head["mode"] == "holdout"
    assert head["summary"] == {
        "articles": 4,
        "all_correct": 2,
        "all_correct_share": 0.5,
        "publishers": 3,
        "publishers_all_right": 1,
        "publisher_share_min": 0.0,
        "publisher_share_median": 0.5,
        "publisher_share_max": 1.0,
        "worst": ["berita", "warta"],
        "refused_needing_option": 1,
    }
    # The refused page counts as a miss in every field, clutter included.
    assert head["fields"]["page.no_clutter"] == {"correct": 2, "total": 4, "accuracy": 0.5}
    by_name = {row["publisher"]: row for row in rows}
    assert set(by_name) == {"berita", "kabar", "warta"}
    assert by_name["warta"]["fields"]["page.all_correct"] == "1/2"
    assert by_name["warta"]["misses"]["banjir"][0].startswith("page.no_clutter: Kanal Warta")
    assert "--assume-timezone" in by_name["berita"]["misses"]["naif"][0]


def test_an_expected_file_is_grouped_by_publisher_with_holdout(tmp_path: Path) -> None:
    """A publisher's (or the held-out check's) expected file: entries grouped by `publisher`,
    else their file's folder, else their canonical URL's host."""
    for folder, head in (("kabar", PUBLISHED), ("warta", NAIVE)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "banjir.html").write_text(article(head=head), encoding="utf-8")
    (tmp_path / "lepas.html").write_text(article(head=PUBLISHED), encoding="utf-8")
    facts = FACTS
    listed = {
        "pages": [
            {"file": "kabar/banjir.html", **facts},
            {"file": "warta/banjir.html", **facts},  # no offset on the page, none assumed: a miss
            {
                "file": "warta/banjir.html",
                "publisher": "warta-wib",
                "assume_timezone": "Asia/Jakarta",
                **facts,
            },
            {"file": "lepas.html", **facts},  # no folder: grouped by its URL's host
        ]
    }
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps(listed), encoding="utf-8")
    head, *rows = run_extraction("--expected", str(expected), "--holdout")
    by_name = {row["publisher"]: (row["all_correct"], row["articles"]) for row in rows}
    assert by_name == {
        "kabar": (1, 1),
        "kabar.example": (1, 1),
        "warta": (0, 1),
        "warta-wib": (1, 1),
    }
    assert head["summary"]["all_correct"] == 3 and head["summary"]["worst"] == ["warta"]


def test_a_time_in_another_offset_counts_apart_as_the_same_instant(tmp_path: Path) -> None:
    """Keys may write an instant in any offset: `page.published_at` wants the page's own time as
    written, `page.published_at_instant` and `page.all_correct_same_instant` count the instant."""
    (tmp_path / "banjir.html").write_text(article(head=PUBLISHED), encoding="utf-8")
    pages = [
        {"file": "banjir.html", "publisher": "same", **FACTS},
        {
            "file": "banjir.html",
            "publisher": "utc",
            **FACTS,
            "published_at": "2026-11-10T02:15:00Z",
        },
        {"file": "banjir.html", "publisher": "wrong", **FACTS, "published_at": "2026-11-10T09:15Z"},
    ]
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    head, *rows = run_extraction("--expected", str(expected), "--holdout")
    fields = head["fields"]
    assert fields["page.all_correct"]["correct"] == 1
    assert fields["page.published_at"]["correct"] == 1
    assert fields["page.published_at_instant"]["correct"] == 2
    assert fields["page.all_correct_same_instant"]["correct"] == 2
    by_name = {row["publisher"]: row["fields"] for row in rows}
    assert by_name["utc"]["page.all_correct_same_instant"] == "1/1"
    assert by_name["wrong"]["page.all_correct_same_instant"] == "0/1"


def test_a_first_sentence_longer_than_the_window_counts_when_it_opens_the_body(
    tmp_path: Path,
) -> None:
    """A key may write out a first sentence longer than the 200 characters the start is looked
    for in: it counts where it opens the body, not where it comes later."""
    long = PARAGRAPHS[0] + " " + PARAGRAPHS[1]
    (tmp_path / "banjir.html").write_text(
        article(head=PUBLISHED, paragraphs=[long, PARAGRAPHS[2]]), encoding="utf-8"
    )
    (tmp_path / "lagi.html").write_text(
        article(head=PUBLISHED, paragraphs=[PARAGRAPHS[2], long]), encoding="utf-8"
    )
    facts = {**FACTS, "body_starts_with": long}
    pages = [{"file": "banjir.html", **facts}, {"file": "lagi.html", **facts}]
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    head, *_ = run_extraction("--expected", str(expected))
    assert len(long) > 200
    assert head["fields"]["page.body_start"]["correct"] == 1


def test_list_marks_are_left_out_where_a_key_is_compared_with_the_body(tmp_path: Path) -> None:
    """A key written from the page lists a recipe's ingredients without the "- " the import
    format opens a list item's line with: it counts, as the same text; other text does not."""
    ingredients = ["2 butir telur ayam kampung", "200 gram tepung terigu protein sedang"]
    listed = "<h3>Bahan</h3><ul>" + "".join(f"<li>{i}</li>" for i in ingredients) + "</ul>"
    (tmp_path / "resep.html").write_text(article(head=PUBLISHED, before=listed), encoding="utf-8")
    # The site's rule names the story's element: a list opening it stays (docs: Site rules).
    rules = tmp_path / "rules.toml"
    rules.write_text('[[site]]\nhosts = ["kabar.example"]\nbody = ["article"]\n', encoding="utf-8")
    run_on = " ".join(ingredients)
    pages = [
        {
            "file": "resep.html",
            "publisher": "plain",
            **FACTS,
            "body_starts_with": f"Bahan {run_on}",
        },
        {"file": "resep.html", "publisher": "marked", **FACTS, "body_starts_with": "- 2 butir"},
        {"file": "resep.html", "publisher": "other", **FACTS, "body_starts_with": "3 butir telur"},
        {"file": "resep.html", "publisher": "contains", **FACTS, "body_contains": [run_on]},
    ]
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    _, *rows = run_extraction("--expected", str(expected), "--holdout", "--site-rules", str(rules))
    by_name = {row["publisher"]: row["fields"] for row in rows}
    assert by_name["plain"]["page.body_start"] == "1/1"
    assert by_name["marked"]["page.body_start"] == "1/1"
    assert by_name["other"]["page.body_start"] == "0/1"
    assert by_name["contains"]["page.body_contains"] == "1/1"


def test_hashed_names_read_pages_whose_class_names_say_nothing(tmp_path: Path) -> None:
    """`--hashed-names`: a box of furniture known only by its class name ("share") stays in the
    body once every class name and id is a hash; the page's facts are read as before."""
    boxed = (
        '<div class="share-box"><p>Kanal Warta hadir di aplikasi pesan Anda setiap pagi.</p></div>'
    )
    facts = {**FACTS, "must_not_contain": ["Kanal Warta"]}
    write_page(tmp_path / "kabar", "banjir", article(head=PUBLISHED, after=boxed), facts)
    [plain, *_] = run_extraction("--holdout", "--corpus", str(tmp_path))
    [hashed, *_] = run_extraction("--holdout", "--corpus", str(tmp_path), "--hashed-names")
    assert plain["options"]["hashed_names"] is False and hashed["options"]["hashed_names"] is True
    assert plain["fields"]["page.all_correct"]["correct"] == 1
    assert hashed["fields"]["page.title"]["correct"] == 1
    assert hashed["fields"]["page.no_clutter"]["correct"] == 0
    page = (tmp_path / "kabar" / "banjir.html").read_text(encoding="utf-8")
    assert 'class="share-box"' in page  # the corpus is left as it was
