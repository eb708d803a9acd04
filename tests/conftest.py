"""Shared fixtures.

Most tests run on snapshots made with the tiny deterministic encoder of tests/embedder.py
(`built_dir`, `data_dir`, `settings`, `make_settings`): builds take milliseconds and the real model
is never loaded for them. Where the model itself is the subject (embedding, evaluation of ranking
quality, the golden answers, the browser and real-server end-to-end tests) the real model is loaded
once per session (`embedder`) and `real_built_dir` / `real_data_dir` / `real_settings` hold a
snapshot made with it.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.snapshots import SnapshotStore
from recommender.jobs import run_build
from recommender.pipeline.embed import Embedder
from recommender.serving.catalog import Catalog
from recommender.settings import DEFAULT_MODEL, Settings
from tests.embedder import HashingEncoder, register_encoder
from tests.event_stores import Backend
from tests.postgres import Server, running_postgres
from tests.postgres import missing as postgres_missing

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"
SHARED_DATA = REPO.parent / "shared" / "data"
TINY_MODEL = HashingEncoder.name


def fresh_python(code: str) -> str:
    """What `code` prints when run by a new interpreter in the repository (imports as a job's)."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def model_cache_dir() -> Path:
    return Path(os.environ.get("RECOMMENDER_TEST_MODEL_CACHE", REPO / ".cache" / "models"))


def model_name() -> str:
    """The real model the suite uses: the shipped default unless RECOMMENDER_TEST_MODEL says otherwise."""
    return os.environ.get("RECOMMENDER_TEST_MODEL", DEFAULT_MODEL)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for snapshots of the tiny encoder (what `built_dir` holds)."""
    values: dict[str, object] = {"data_dir": data_dir, "model": TINY_MODEL}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def current_catalog(settings: Settings) -> Catalog:
    """The catalog of the snapshot `CURRENT` names under the settings' data dir."""
    store = SnapshotStore(settings.snapshots_dir)
    version = store.current_version()
    assert version is not None
    return Catalog.load(store.path(version))


def real_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for snapshots of the real model (what `real_built_dir` holds)."""
    values: dict[str, object] = {"model": model_name(), "model_cache_dir": model_cache_dir()}
    values.update(overrides)
    return make_settings(data_dir, **values)


def tiny_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `recommender` command working on a tiny-encoder data dir."""
    return {"RECOMMENDER_DATA_DIR": str(data_dir), "RECOMMENDER_MODEL": TINY_MODEL}


def real_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `recommender` command working with the real model."""
    return {
        "RECOMMENDER_DATA_DIR": str(data_dir),
        "RECOMMENDER_MODEL": model_name(),
        "RECOMMENDER_MODEL_CACHE_DIR": str(model_cache_dir()),
    }


@pytest.fixture(scope="session", autouse=True)
def _tiny_encoder_registered() -> Iterator[None]:
    """Code that loads the configured model (the CLI, jobs without an `embedder=`) gets the tiny
    encoder when the settings name it."""
    with register_encoder():
        yield


@pytest.fixture(scope="session")
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory, encoder: HashingEncoder) -> Path:
    """A data dir holding one snapshot of the fixture corpus, tiny encoder (read-only for tests)."""
    data_dir = tmp_path_factory.mktemp("built")
    run_build([CORPUS], make_settings(data_dir), embedder=encoder, progress=False)
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, built_dir: Path) -> Iterator[Path]:
    """A private, writable copy of `built_dir`."""
    target = tmp_path / "data"
    shutil.copytree(built_dir, target)
    yield target


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real model, loaded once per session (as sentence-transformers' own tests do)."""
    return Embedder.from_settings(real_settings(tmp_path_factory.mktemp("model-settings")))


@pytest.fixture(scope="session")
def real_built_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data dir holding one snapshot of the fixture corpus made with the real model."""
    data_dir = tmp_path_factory.mktemp("real-built")
    run_build([CORPUS], real_settings(data_dir), embedder=embedder, progress=False)
    return data_dir


@pytest.fixture
def real_data_dir(tmp_path: Path, real_built_dir: Path) -> Iterator[Path]:
    """A private, writable copy of `real_built_dir`."""
    target = tmp_path / "real-data"
    shutil.copytree(real_built_dir, target)
    yield target


def shared_data(name: str) -> Path:
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared evaluation data is not on this machine")
    return folder


# --- #15: a real PostgreSQL server (tests/postgres.py), for the server event store -------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """One throw-away server for the session; skipped (saying why) where none can be started.
    Durability settings off: these tests never crash the server, and they run faster."""
    reason = postgres_missing()
    if reason is None and importlib.util.find_spec("psycopg") is None:
        reason = "psycopg is not installed: pip install -e '.[dev]'"
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    with running_postgres("fsync=off", "synchronous_commit=off", "full_page_writes=off") as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """The URL of a new, empty database on the session's server (one per test)."""
    return postgres_server.create_database(f"t{next(DATABASES)}")


DATABASES = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each event store in turn: the embedded SQLite file, then a PostgreSQL database (#15)."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    return Backend(request.param, tmp_path / "events.sqlite3", url)
