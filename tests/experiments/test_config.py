"""RECOMMENDER_EXPERIMENTS_FILE: arms as ranking overrides, and clear refusals at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from recommender.errors import InvalidInput
from recommender.experiments.config import load_experiments
from recommender.settings import Settings
from service.app import create_app
from tests.conftest import make_settings, tiny_env

GOOD = """
[diversity]
[diversity.relevance]
[diversity.diverse]
mmr_lambda = 0.3

[fresher]
control = {}
fresh = { freshness_weight = 0.4, freshness_half_life_hours = 12 }
"""


def settings_with(tmp_path: Path, text: str, **overrides: object) -> Settings:
    path = tmp_path / "experiments.toml"
    path.write_text(text, encoding="utf-8")
    return make_settings(tmp_path / "data", experiments_file=path, **overrides)


def test_arms_are_the_configured_ranking_with_their_overrides(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, GOOD, freshness_weight=0.2)
    experiments = load_experiments(settings.ranking)
    assert [e.name for e in experiments.experiments] == ["diversity", "fresher"]
    diversity = experiments.by_name("diversity")
    assert diversity is not None and diversity.arm_names == ("relevance", "diverse")
    relevance, diverse = (a.ranking for a in diversity.arms)
    assert relevance == settings.ranking
    assert diverse.mmr_lambda == 0.3 and diverse.freshness_weight == 0.2  # the rest as configured
    fresh = experiments.by_name("fresher").arms[1].ranking  # type: ignore[union-attr]
    assert (fresh.freshness_weight, fresh.freshness_half_life_hours) == (0.4, 12.0)


def test_page_views_are_split_between_experiments_the_same_way_every_time(tmp_path: Path) -> None:
    experiments = load_experiments(settings_with(tmp_path, GOOD).ranking)
    views = [f"pageview{n:012d}" for n in range(400)]
    first = [experiments.for_page_view(v) for v in views]
    assert first == [experiments.for_page_view(v) for v in views]
    share = sum(e is not None and e.name == "diversity" for e in first) / len(views)
    assert 0.4 < share < 0.6


def test_no_file_no_experiment() -> None:
    experiments = load_experiments(Settings().ranking)
    assert not experiments and experiments.for_page_view("x" * 16) is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[a]\n[a.one]\n[a.two]\nmmr_lamda = 0.5\n", "a.two.mmr_lamda: unknown ranking setting"),
        ("[a]\n[a.one]\n[a.two]\nmmr_lambda = 7\n", "a.two.mmr_lambda: Input should be less"),
        ("[a]\n[a.one]\n[a.two]\ndedupe = 'sometimes'\n", "a.two.dedupe: Input should be"),
        ("[a]\n[a.one]\n", "a: an experiment is a table of 2 to 8 arms"),
        ("[Big]\n[Big.one]\n[Big.two]\n", "Big: an experiment name is lowercase"),
        ("[a]\none = 1\ntwo = {}\n", "a.one: an arm is a table of ranking settings"),
        ("[a]\n[a.one]\n[a.two]\nexperiments_file = 'x'\n", "unknown ranking setting"),
        ("[a\n", "not valid TOML"),
        ("", "no experiment"),
    ],
)
def test_a_bad_file_is_refused_with_its_place_and_reason(
    tmp_path: Path, text: str, said: str
) -> None:
    settings = settings_with(tmp_path, text)
    with pytest.raises(InvalidInput, match=r"experiments\.toml") as caught:
        load_experiments(settings.ranking)
    assert said in caught.value.message
    with pytest.raises(InvalidInput):  # the service does not start with it
        create_app(settings)


def test_serve_refuses_a_bad_file_before_starting(tmp_path: Path) -> None:
    path = tmp_path / "experiments.toml"
    path.write_text("[a]\n[a.one]\n[a.two]\nnope = 1\n", encoding="utf-8")
    env = {**tiny_env(tmp_path / "data"), "RECOMMENDER_EXPERIMENTS_FILE": str(path)}
    result = CliRunner().invoke(app, ["serve"], env=env)
    assert result.exit_code == 2
    assert "a.two.nope: unknown ranking setting" in result.output.replace("\n", "")
    missing = {**env, "RECOMMENDER_EXPERIMENTS_FILE": str(tmp_path / "absent.toml")}
    result = CliRunner().invoke(app, ["serve"], env=missing)
    assert result.exit_code == 2 and "cannot read experiments file" in result.output
