"""The request path's compiled history merge (`recommender.serving.kernels`, issue #15): `make
setup` builds it ahead of time, the service loads it without numba, and it chooses exactly what
the numpy path chooses: same rows, same float scores, bit for bit."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.serving import kernels
from recommender.serving.catalog import Catalog
from recommender.serving.selection import Selector
from tests.conftest import fresh_python, make_settings
from tests.serving.test_precomputed import long_lists
from tests.serving.test_select_pools import NOW, RULES, catalogues, selector_of

needs_module = pytest.mark.skipif(
    shutil.which("cc") is None, reason="no C compiler: answers with a history take numpy's path"
)


@pytest.fixture(scope="module")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


@needs_module
def test_setup_built_them_and_the_service_loads_them_without_numba() -> None:
    assert kernels.built() is not None, "run `make setup`: recommender/pipeline/ahead.py"
    code = (
        "import sys\n"
        "from recommender.serving import kernels\n"
        "assert kernels.built() is not None\n"
        "import service.app\n"
        "print('numba' in sys.modules)\n"
    )
    assert fresh_python(code).strip() == "False"


@needs_module
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    catalogues(),
    st.sampled_from([{}, {"dedupe": False}, {"freshness_half_life_hours": 0}, {"rules": True}]),
    st.integers(0, 2**32 - 1),
)
def test_compiled_merge_is_the_numpy_merge(
    rules_file: Path, catalog: Catalog, overrides: dict[str, Any], seed: int
) -> None:
    sel = selector_of(catalog, overrides, rules_file)
    module = kernels.built()
    rng = np.random.default_rng(seed)
    editorial = np.flatnonzero(catalog.pools != catalog.pool_code("sponsored"))
    for _ in range(8):
        anchor = int(rng.choice(editorial))
        history = [int(r) for r in rng.choice(editorial, rng.integers(1, 6))]
        history = [r for r in dict.fromkeys(history) if r != anchor] or [int(editorial[0])]
        if history == [anchor]:
            continue
        excluded = [int(r) for r in rng.choice(editorial, rng.integers(0, 3))]
        banned = np.array([anchor, *history, *excluded], dtype=np.int64)
        hist = np.array(history, dtype=np.int64)
        asked = [(0, "article", int(rng.integers(1, 9))), (1, "video", int(rng.integers(1, 6)))]
        asked = asked[: int(rng.integers(1, 3))]
        got = sel.compiled_pools(module, asked, anchor, hist, banned, NOW)
        want = sel.scored_pools(asked, anchor, hist, banned, NOW)
        assert got is not None
        assert [rows for rows, _ in got] == [rows for rows, _ in want], (anchor, history)
        assert [[s.hex() for s in scores] for _, scores in got] == [
            [s.hex() for s in scores] for _, scores in want
        ]
        assert (sel.slots == -1).all()  # the scratch is left as it was found


@needs_module
def test_a_nan_score_is_left_to_numpy() -> None:
    catalog = _nan_catalog()
    sel = Selector(catalog, make_settings(Path("unused")).ranking, 1.0)
    asked = [(0, "article", 3)]
    history = np.array([1], dtype=np.int64)
    banned = np.array([0, 1], dtype=np.int64)
    assert sel.compiled_pools(kernels.built(), asked, 0, history, banned, NOW) is None
    rows, _ = sel.select_pools([("article", 3)], 0, history, banned, NOW)[0]
    assert len(rows) == 3


def _nan_catalog() -> Catalog:
    catalog = long_lists(40, 10, False, seed=1)
    catalog.related["article"].parts[1, 0, 0] = np.nan
    return catalog
