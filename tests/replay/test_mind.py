"""Replay of a MIND-format click log (a fixture written for these tests, never the real MIND):
the figures against a plain re-computation with MIND's reference metrics, bad rows, the CLI."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from recommender.cli import app
from recommender.replay.mind import replay_mind
from recommender.replay.replay import Weights
from tests.conftest import FIXTURES, tiny_env
from tests.embedder import HashingEncoder
from tests.replay.test_ctr import plain as plain_ctr
from tests.replay.test_popularity import plain

MIND = FIXTURES / "mind"
runner = CliRunner()


def reference_metrics(labels: np.ndarray, scores: np.ndarray) -> list[float]:
    """MIND's evaluate.py, as published (the oracle)."""

    def dcg(y_true: np.ndarray, y_score: np.ndarray, k: int) -> float:
        order = np.argsort(y_score)[::-1]
        y_true = np.take(y_true, order[:k])
        gains = 2**y_true - 1
        discounts = np.log2(np.arange(len(y_true)) + 2)
        return float(np.sum(gains / discounts))

    order = np.argsort(scores)[::-1]
    ranked = np.take(labels, order)
    mrr = float(np.sum(ranked / (np.arange(len(ranked)) + 1)) / np.sum(ranked))
    ndcg = [dcg(labels, scores, k) / dcg(labels, labels, k) for k in (5, 10)]
    return [float(roc_auc_score(labels, scores)), mrr, *ndcg]


def oracle(weight: float, half_life: float, ctr_weight: float = 0.0) -> dict[str, list[float]]:
    """Every configuration's mean metrics, computed the plain way from the fixture files (the
    CTR score with the default prior strength, 50, sections being news categories)."""
    encoder = HashingEncoder()
    news = {}
    categories = {}
    for line in (MIND / "news.tsv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        news[cols[0]] = encoder.encode([f"{cols[3]}\n{cols[4]}"])[0].astype(np.float64)
        categories[cols[0]] = cols[1]
    rows = []
    for line in (MIND / "behaviors.tsv").read_text(encoding="utf-8").splitlines():
        _, _, moment, history, shown = line.split("\t")
        at = datetime.strptime(moment + " +0000", "%m/%d/%Y %I:%M:%S %p %z").timestamp()
        pairs = [token.rsplit("-", 1) for token in shown.split()]
        rows.append((at, history.split(), [p[0] for p in pairs], [int(p[1]) for p in pairs]))
    clicks = [
        (at, c) for at, _, cands, labels in rows for c, y in zip(cands, labels, strict=True) if y
    ]
    sums: dict[str, list[np.ndarray]] = {"content": [], "popularity": [], "blend": []}
    for at, history, cands, labels in rows:
        if history:
            profile = np.mean([news[h] for h in history], axis=0)
            profile /= np.linalg.norm(profile)
            content = np.array([news[c] @ profile for c in cands])
        else:
            content = np.zeros(len(cands))
        popularity = plain(clicks, cands, at, half_life)
        before = [("show", c) for t, _, shown, _ in rows if t < at for c in shown]
        before += [("click", c) for t, c in clicks if t < at]
        ctr = np.array([plain_ctr(before, c, 50.0, categories) for c in cands])
        y = np.array(labels, dtype=np.float64)
        for name, scores in (
            ("content", content),
            ("popularity", popularity),
            ("blend", content + weight * popularity + ctr_weight * ctr),
        ):
            sums[name].append(np.array(reference_metrics(y, scores)))
    return {name: np.mean(values, axis=0).tolist() for name, values in sums.items()}


@pytest.mark.parametrize(
    ("weight", "ctr_weight"), [(0.0, 0.0), (0.4, 0.0), (3.0, 0.0), (0.4, 5.0), (0.0, 50.0)]
)
def test_the_replay_is_mind_metrics_on_leakage_free_scores(
    weight: float, ctr_weight: float
) -> None:
    result = replay_mind(
        MIND / "behaviors.tsv",
        MIND / "news.tsv",
        HashingEncoder(),
        Weights(popularity=weight, half_life_hours=6.0, ctr=ctr_weight, ctr_prior_strength=50.0),
    )
    assert result["impressions"] == 6 and result["skipped_impressions"] == 0
    assert result["rejected_rows"] == []
    assert result["ctr_weight"] == ctr_weight and result["popularity_weight"] == weight
    expected = oracle(weight, 6.0, ctr_weight)
    for name, means in result["configurations"].items():
        got = [means["auc"], means["mrr"], means["ndcg@5"], means["ndcg@10"]]
        assert got == pytest.approx(expected[name], abs=1e-4), name
    # The first impression knows no click: popularity cannot rank it (AUC one half there), so
    # it cannot be perfect over the file.
    assert result["configurations"]["popularity"]["auc"] < 1.0


def test_bad_rows_are_reported_by_line_and_the_good_ones_kept(tmp_path: Path) -> None:
    behaviours = (MIND / "behaviors.tsv").read_text(encoding="utf-8").splitlines()
    bad = [
        "7\tU7\t2019-11-11 10:00\tN101\tN102-1 N103-0",  # not MIND's time format
        "8\tU8\t11/11/2019 9:05:58 AM\tN101\tN102-1 N999-0",  # unknown news id
        "9\tU9\t11/11/2019 9:05:58 AM\tN101",  # a column missing
        "10\tU10\t11/11/2019 9:05:58 AM\tN101\tN102-yes N103-0",
    ]
    path = tmp_path / "behaviors.tsv"
    path.write_text("\n".join([*behaviours[:3], *bad, *behaviours[3:]]) + "\n", encoding="utf-8")
    news = tmp_path / "news.tsv"
    news.write_text(
        (MIND / "news.tsv").read_text(encoding="utf-8") + "N200\tolahraga\n", encoding="utf-8"
    )
    result = replay_mind(path, news, HashingEncoder(), Weights(0, 6))
    assert result["impressions"] == 6  # every good row kept
    assert result["rejected_rows"] == [
        f"{news}:8: row: 2 columns, expected at least 5",
        f"{path}:4: time: '2019-11-11 10:00' is not like 11/11/2019 9:05:58 AM",
        f"{path}:5: impressions: unknown news id 'N999'",
        f"{path}:6: row: 4 columns, expected 5",
        f"{path}:7: impressions: 'N102-yes' is not NEWSID-0 or NEWSID-1",
    ]


def test_eval_command_replays_mind_files(tmp_path: Path) -> None:
    args = ["eval", "--behaviors", str(MIND / "behaviors.tsv"), "--news", str(MIND / "news.tsv")]
    result = runner.invoke(
        app, [*args, "--popularity-weight", "0.4", "--json"], env=tiny_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["model"] == HashingEncoder.name  # the configured model
    assert report["popularity_weight"] == 0.4
    expected = oracle(0.4, 6.0)
    assert report["configurations"]["blend"]["auc"] == pytest.approx(expected["blend"][0], abs=1e-4)


def test_eval_command_says_what_it_needs(tmp_path: Path) -> None:
    env = tiny_env(tmp_path)
    only_behaviours = runner.invoke(
        app, ["eval", "--behaviors", str(MIND / "behaviors.tsv")], env=env
    )
    assert only_behaviours.exit_code == 2
    assert "needs both --behaviors and --news" in only_behaviours.output
    both = runner.invoke(app, ["eval", "--events", "--articles", str(MIND / "news.tsv")], env=env)
    assert both.exit_code == 2 and "takes no --articles or --labels" in both.output
    nothing = runner.invoke(app, ["eval"], env=env)
    assert nothing.exit_code == 2
    assert "--articles and --labels, --events, or --behaviors and --news" in nothing.output
    empty = tmp_path / "empty.tsv"
    empty.write_text("1\tU1\tyesterday\tN101\tN102-1\n", encoding="utf-8")
    none = runner.invoke(
        app, ["eval", "--behaviors", str(empty), "--news", str(MIND / "news.tsv")], env=env
    )
    assert none.exit_code == 2
    said = none.output.replace("\n", "")  # rich wraps long lines
    assert f"no usable impression in {empty}" in said
    assert f"{empty}:1: time" in said
