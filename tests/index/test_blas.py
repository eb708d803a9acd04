"""faiss's bundled OpenBLAS runs the kernels the CPU's flags allow (index.blas), not the generic
ones it falls back to on a CPU model newer than it knows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.blas import VARIABLE, core_type, cpu_flags, prefer_cpu_kernels

REPO = Path(__file__).resolve().parents[2]
AVX512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["sse2", "avx", "avx2", "fma", *AVX512, "amx_bf16"], "SkylakeX"),
        (["sse2", "avx", "avx2", "fma", "avx512f"], "Haswell"),  # AVX-512 F alone: not enough
        (["sse2", "avx", "avx2", "fma"], "Haswell"),
        (["sse2", "avx", "avx2"], None),  # no FMA: left to OpenBLAS
        ([], None),
    ],
)
def test_the_kernels_follow_the_cpus_flags(flags: list[str], expected: str | None) -> None:
    assert core_type(flags) == expected


def test_a_value_already_set_is_kept_and_unreadable_flags_set_nothing(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n\n", encoding="utf-8")
    environ: dict[str, str] = {}
    assert prefer_cpu_kernels(environ, cpuinfo) == "Haswell"
    assert environ == {VARIABLE: "Haswell"}
    preset = {VARIABLE: "Prescott"}
    assert prefer_cpu_kernels(preset, cpuinfo) == "Prescott"
    assert preset == {VARIABLE: "Prescott"}
    nothing: dict[str, str] = {}
    assert prefer_cpu_kernels(nothing, tmp_path / "absent") is None
    assert nothing == {}


def test_faiss_loads_its_blas_with_the_chosen_kernels() -> None:
    """A real process: importing the index module names the kernels before faiss loads, and
    faiss's OpenBLAS reports them (OPENBLAS_VERBOSE=2 prints each OpenBLAS's core as it loads)."""
    chosen = core_type(cpu_flags())
    if chosen is None:
        pytest.skip("this CPU has neither AVX2 with FMA nor AVX-512: left to OpenBLAS's detection")
    environ = {k: v for k, v in os.environ.items() if k != VARIABLE}
    environ.update(OPENBLAS_VERBOSE="2", PYTHONPATH=str(REPO))
    script = (
        "import numpy as np\n"
        "from index.vector_index import VectorIndex\n"
        "v = np.eye(32, dtype=np.float32)\n"
        "found = VectorIndex.build(v, np.arange(32)).search(v, 1)[1]\n"
        "assert found.ravel().tolist() == list(range(32)), found\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    cores = [line.split(":", 1)[1].strip() for line in run.stderr.splitlines() if "Core:" in line]
    # numpy's OpenBLAS loads first (with its own detection, or the same value); faiss's last
    assert cores and cores[-1] == chosen, run.stderr
