"""Reading malformed pages nested thousands of elements deep, against the same text laid flat.

A template that opens a box per paragraph or comment and never closes it (`<div>` after `<div>`)
nests every paragraph deeper than the last; the HTML parser allows 2,048 levels. Each round reads,
with `page_record` in this process, a page of `--levels` such unclosed `<div>`s each holding
`--paragraphs` paragraphs (the deep page; with `--linked`, a link opening each level), and the
same paragraphs in one `<article>` (the flat page, the baseline of the same run): the ratio deep / flat is what nesting costs, and grows with
depth where a step of reading is quadratic in it. `--code` measures another checkout's importer
(e.g. the commit before a change). Prints one JSON line per depth.

    .venv/bin/python benchmarks/deep_pages.py [--levels 250 500 1000 2000] [--paragraphs 3]
        [--linked] [--rounds 3] [--code OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import checkout, emit, machine  # noqa: E402

HEAD = (
    '<html lang="id"><head><title>Banjir lagi</title>'
    '<meta property="og:type" content="article">'
    '<meta property="article:published_time" content="2026-11-10T09:15:00+07:00">'
    '<link rel="canonical" href="https://kabar.example/read/2026/11/10/9/banjir-lagi">'
    "</head><body><h1>Banjir lagi</h1>"
)
PARAGRAPH = (
    "<p>Warga di tepi sungai kembali mengungsi setelah hujan deras semalam, dan petugas membuka"
    " posko di balai desa untuk keluarga yang rumahnya terendam air setinggi lutut.</p>"
)


LINK = '<a href="/read/2026/11/09/8/hujan">Hujan kemarin</a>'


def deep_page(levels: int, paragraphs: int, linked: bool = False) -> bytes:
    level = '<div class="isi">' + (LINK if linked else "") + PARAGRAPH * paragraphs
    return (HEAD + level * levels + "</body></html>").encode()


def flat_page(levels: int, paragraphs: int) -> bytes:
    body = PARAGRAPH * paragraphs * levels
    return (HEAD + "<article>" + body + "</article></body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument("--paragraphs", type=int, default=3, help="paragraphs at each level")
    parser.add_argument("--linked", action="store_true", help="a link opening each level")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=checkout, help="measure another checkout's importer")
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, str(args.code))
    from recommender.ingest.html.page import PageOptions, page_record

    options = PageOptions()  # page_record times nothing itself

    def seconds(page: bytes) -> tuple[float, bool]:
        start = time.perf_counter()
        try:
            page_record(page, options=options)
            imported = True
        except Exception:  # an ExtractionError, of either checkout
            imported = False
        return time.perf_counter() - start, imported

    seconds(flat_page(10, 1))  # modules and the language model loaded before any timing
    for levels in args.levels:
        deep = deep_page(levels, args.paragraphs, args.linked)
        flat = flat_page(levels, args.paragraphs)
        deep_s, flat_s, imported = [], [], []
        for _ in range(args.rounds):  # alternately, so that a noisy moment hits both
            took, ok = seconds(deep)
            deep_s.append(took)
            imported.append(ok)
            flat_s.append(seconds(flat)[0])
        d, f = statistics.median(deep_s), statistics.median(flat_s)
        emit(
            {
                "benchmark": "deep_pages",
                "code": str(args.code or REPO),
                "levels": levels,
                "paragraphs_per_level": args.paragraphs,
                "linked": args.linked,
                "bytes": len(deep),
                "deep_s": round(d, 3),
                "flat_s": round(f, 3),
                "deep_over_flat": round(d / f, 1),
                "deep_imported": all(imported),
                "rounds": args.rounds,
                "machine": machine(),
            }
        )


if __name__ == "__main__":
    main()
