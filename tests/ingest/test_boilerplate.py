"""A site's repeated lines leave the bodies of its pages read together (#12: boilerplate by a
repeated-line rule rather than by site strings)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from recommender.articles import Article
from recommender.cli import app
from recommender.ingest.boilerplate import drop_site_boilerplate
from recommender.ingest.sources import read_sources
from tests.conftest import tiny_env
from tests.ingest.html.test_page import PUBLISHED, article

runner = CliRunner()
TEMPLATE = (
    "Kanal Warta hadir di aplikasi pesan Anda dengan kabar terbaru setiap pagi dan sore hari."
)
STORIES = [
    [
        f"Cerita nomor {n} dimulai dengan kalimat pembuka yang panjang tentang peristiwa di kota {n}.",
        f"Paragraf kedua cerita nomor {n} menjelaskan dampaknya bagi ribuan warga di sekitar sungai.",
        f"Paragraf ketiga cerita nomor {n} memuat keterangan petugas tentang langkah berikutnya.",
    ]
    for n in range(1, 6)
]


def item(n: int, body: str, host: str = "warta.example") -> Article:
    return Article(
        id=f"{host}:{n}",
        title=f"Berita {n}",
        body=body,
        url=f"https://{host}/read/{n}",
        published_at=datetime(2026, 11, 10, tzinfo=UTC),
    )


def test_a_line_on_most_of_a_sites_pages_leaves_them() -> None:
    items = [item(n, "\n".join([*STORIES[n], TEMPLATE])) for n in range(4)]
    changed = drop_site_boilerplate(items)
    assert sorted(changed) == [i.id for i in items]
    for n, got in enumerate(changed[i.id] for i in items):
        assert got.body == "\n".join(STORIES[n]) and got.title == f"Berita {n}"


def test_lines_shared_by_few_pages_or_sites_stay() -> None:
    # Two pages of six share a quotation: no template. Two pages only: too few to tell.
    quote = "“Kami sudah menyiapkan perahu karet dan dapur umum,” kata kepala BPBD kepada wartawan."
    six = [
        item(n, "\n".join([*STORIES[n % 5], quote] if n < 2 else STORIES[n % 5])) for n in range(6)
    ]
    assert drop_site_boilerplate(six) == {}
    two = [item(n, "\n".join([*STORIES[n], TEMPLATE])) for n in range(2)]
    assert drop_site_boilerplate(two) == {}
    # The same line on three pages of three different sites is no one site's template.
    hosts = [item(n, "\n".join([*STORIES[n], TEMPLATE]), host=f"s{n}.example") for n in range(3)]
    assert drop_site_boilerplate(hosts) == {}


def test_a_body_made_only_of_repeated_lines_is_kept() -> None:
    items = [item(n, TEMPLATE) for n in range(3)]
    assert drop_site_boilerplate(items) == {}


def saved_site(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "warta"
    folder.mkdir()
    paths = []
    for n in range(4):
        html = article(head=PUBLISHED, paragraphs=[*STORIES[n], TEMPLATE])
        html = html.replace("/123/banjir-rendam", f"/{n}/cerita")
        path = folder / f"cerita-{n}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def test_pages_read_together_lose_the_template_line_in_extract_and_build(tmp_path: Path) -> None:
    paths = saved_site(tmp_path)
    for item_ in read_sources([tmp_path / "warta"]).items.values():
        assert TEMPLATE not in item_.body and item_.body.startswith("Cerita nomor")
    # One page alone keeps it: nothing to compare with.
    [alone] = read_sources([paths[0]]).items.values()
    assert alone.body.endswith(TEMPLATE)
    # Pages named one by one are read together too, by extract and by build alike.
    extracted = runner.invoke(app, ["extract", *map(str, paths)])
    assert extracted.exit_code == 0, extracted.output
    assert all(TEMPLATE not in json.loads(line)["body"] for line in extracted.stdout.splitlines())
    env = tiny_env(tmp_path / "data")
    inputs = [arg for path in paths for arg in ("--input", str(path))]
    assert runner.invoke(app, ["build", *inputs], env=env).exit_code == 0
    exported = runner.invoke(app, ["export"], env=env)
    bodies = [json.loads(line)["body"] for line in exported.stdout.splitlines()]
    assert len(bodies) == 4 and all(TEMPLATE not in body for body in bodies)
