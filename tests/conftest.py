"""Shared fixtures: the real embedding model (loaded once), a real snapshot of the fixture corpus."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender.jobs import run_build
from recommender.pipeline.embed import Embedder
from recommender.settings import DEFAULT_MODEL, Settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"
SHARED_DATA = REPO.parent / "shared" / "data"


def model_cache_dir() -> Path:
    return Path(os.environ.get("RECOMMENDER_TEST_MODEL_CACHE", REPO / ".cache" / "models"))


def model_name() -> str:
    """The model the suite uses: the shipped default unless RECOMMENDER_TEST_MODEL says otherwise."""
    return os.environ.get("RECOMMENDER_TEST_MODEL", DEFAULT_MODEL)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "model": model_name(),
        "model_cache_dir": model_cache_dir(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real model, loaded once per session (as sentence-transformers' own tests do)."""
    return Embedder.from_settings(make_settings(tmp_path_factory.mktemp("model-settings")))


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data dir holding one real snapshot of the fixture corpus (read-only for tests)."""
    data_dir = tmp_path_factory.mktemp("built")
    run_build([CORPUS], make_settings(data_dir), embedder=embedder, progress=False)
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, built_dir: Path) -> Iterator[Path]:
    """A private, writable copy of the built data dir."""
    target = tmp_path / "data"
    shutil.copytree(built_dir, target)
    yield target


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


def shared_data(name: str) -> Path:
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared evaluation data is not on this machine")
    return folder
