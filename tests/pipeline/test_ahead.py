"""The update's kernels built ahead of time (recommender.pipeline.ahead): `make setup` builds
them, a job loads them without numba, a module built from other source is ignored, and a fresh
build computes what numba's just-in-time kernels compute."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.pipeline import ahead, kernels
from tests.conftest import fresh_python

needs_compiler = pytest.mark.skipif(
    shutil.which("cc") is None, reason="no C compiler: the kernels stay just in time"
)


def built_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{ahead.MODULE}*"))


@needs_compiler
def test_setup_built_the_kernels_and_a_job_loads_them_without_numba() -> None:
    """`make setup` (which this suite runs after) left a module matching the current source;
    a fresh process loads it and computes with it, and numba is never imported."""
    assert ahead.load() is not None, "run `make setup`: recommender/pipeline/ahead.py"
    code = (
        "import sys, numpy as np\n"
        "from recommender.pipeline import kernels\n"
        "rows = np.array([[1, -1], [0, -1]], dtype=np.int32)\n"
        "out = kernels.carry_lists(rows, [], np.array([0, 1]), np.zeros(2, bool), 2)[0]\n"
        "assert out.tolist() == [[1, -1], [0, -1]], out\n"
        "assert kernels.use_compiled(1) and kernels._ahead() is not None\n"
        "print('numba' in sys.modules)\n"
    )
    assert fresh_python(code).strip() == "False"


def test_no_module_or_one_from_other_source_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a stamp, or with a stamp but no module, nothing is loaded; with a stamp naming
    other source (the kernels edited since the build) or another numba, or one cut short, the
    module is ignored, with a warning that says how to rebuild it."""
    assert ahead.load(tmp_path) is None
    (tmp_path / ahead.STAMP).write_text(json.dumps(ahead.source_stamp()))
    with caplog.at_level(logging.WARNING, logger=ahead.__name__):
        assert ahead.load(tmp_path) is None  # a stamp without its module: not loadable
    assert "could not be loaded" in caplog.text
    for path in built_files(ahead.FOLDER):  # the real module, if setup built one
        shutil.copy(path, tmp_path / path.name)
    stamp = {**ahead.source_stamp(), "source_sha256": "0" * 64}
    (tmp_path / ahead.STAMP).write_text(json.dumps(stamp))
    with caplog.at_level(logging.WARNING, logger=ahead.__name__):
        assert ahead.load(tmp_path) is None
    assert "make setup" in caplog.text
    (tmp_path / ahead.STAMP).write_text('{"source_sha256": ')  # cut short
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=ahead.__name__):
        assert ahead.load(tmp_path) is None
    assert "unreadable" in caplog.text and "make setup" in caplog.text
    stamp = {**ahead.source_stamp(), "numba": "0.0.0"}
    (tmp_path / ahead.STAMP).write_text(json.dumps(stamp))
    assert ahead.load(tmp_path) is None


def kernel_inputs(rng: np.random.Generator) -> dict[str, tuple[Any, ...]]:
    """One call's arguments for each kernel, with the types `kernels` passes."""
    n, width, parts = 40, 6, 3
    rows = np.full((n, width), -1, dtype=np.int32)
    for r in range(n):
        length = int(rng.integers(0, width + 1))
        rows[r, :length] = rng.permutation(np.delete(np.arange(n), r))[:length]
    lookup = np.where(rng.random(n) < 0.2, -1, np.arange(n)).astype(np.int64)
    owners = np.where(rng.random(n) < 0.1, -1, np.arange(n)).astype(np.int64)
    values = rng.random((n, width, parts)).astype(np.float32)
    scores = np.sort(rng.random((n, width)).astype(np.float32), axis=1)[:, ::-1].copy()
    pairs = int(rng.integers(1, 60))
    anchors = rng.integers(0, n, pairs).astype(np.int64)
    items = rng.integers(0, n, pairs).astype(np.int64)
    matrix = sp.random(n, 50, density=0.2, format="csr", dtype=np.float32, random_state=rng)
    query = sp.random(5, 30, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    title = sp.random(5, 20, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    postings = sp.random(50, n, density=0.2, format="csr", dtype=np.float32, random_state=rng)
    c = np.ascontiguousarray
    return {
        "pair_dots": (
            c(matrix.indptr, np.int64), c(matrix.indices, np.int32), c(matrix.data),
            50, anchors, items,
        ),
        "carry": (rows, owners, lookup, values, c(values[:, :, :1]), n),
        "lengths": (rows, rng.random(n) < 0.3, True),
        "pairs": (rows, c(rows[::-1]), np.where(rng.random(n) < 0.2, 0, -1).astype(np.int64),
                  rng.random(n) < 0.2, 1),
        "column_top": (
            rng.random((n, 5)).astype(np.float32), 7, rng.random(n) < 0.8,
            np.full((5, 4), -1, np.int32), np.full((5, 4), -np.inf, np.float32),
            np.zeros(5, np.int64), np.full(5, -np.inf, np.float32),
        ),
        "merge": (
            rows.copy(), scores, values.copy(), anchors, items,
            rng.random(pairs).astype(np.float32), rng.random((pairs, parts)).astype(np.float32),
        ),
        "reverse": (
            c(query.indptr, np.int64), c(query.indices, np.int32), c(query.data),
            c(title.indptr, np.int64), c(title.indices, np.int32), c(title.data),
            c(postings.indptr, np.int64), c(postings.indices, np.int32), c(postings.data),
            30, rng.random(n).astype(np.float32), rng.random(n).astype(np.float32),
            np.float32(2.0), rng.random(n).astype(np.float32) * 0.01,
            rng.random(n) < 0.1, np.arange(5, dtype=np.int64),
        ),
    }  # fmt: skip


def outputs(function: Any, args: tuple[Any, ...]) -> list[bytes]:
    """What a call gives: its results' bytes, or (merge and column_top work in place) its
    arrays' bytes."""
    copied = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    result = function(*copied)
    if result is None:
        return [a.tobytes() for a in copied if isinstance(a, np.ndarray)]
    results = result if isinstance(result, tuple) else (result,)
    return [np.ascontiguousarray(r).tobytes() for r in results]


@pytest.mark.slow
@needs_compiler
def test_a_fresh_build_computes_what_the_just_in_time_kernels_compute(tmp_path: Path) -> None:
    """Built into another folder from the current source, loaded from there: every kernel
    gives the bytes numba's just-in-time version gives, on random inputs."""
    built = ahead.build(tmp_path)
    assert built.exists() and (tmp_path / ahead.STAMP).exists()
    module = ahead.load(tmp_path)
    assert module is not None
    jit = kernels.just_in_time()
    for seed in range(20):
        for name, args in kernel_inputs(np.random.default_rng(seed)).items():
            expected = outputs(getattr(jit, name), args)
            assert outputs(getattr(module, name), args) == expected, (name, seed)
