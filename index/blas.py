"""Name the matrix kernels of faiss's own OpenBLAS by what the CPU can run, before faiss loads.

The faiss-cpu wheel bundles an OpenBLAS of its own (0.3.15 in faiss-cpu 1.15.1), which picks its
kernels by CPU model when it loads. A model newer than it knows falls back to the generic
`Prescott` kernels (SSE3): on this project's Sapphire Rapids machines an exact (flat) search ran
its matrix products 3x slower than numpy's OpenBLAS on the same core (95 queries against 10,000
vectors: 20.6 ms on one thread, 7.2 ms with the AVX-512 kernels; `docs/performance.md`). numpy's
newer OpenBLAS recognises the CPU; only faiss's is affected.

`prefer_cpu_kernels` sets `OPENBLAS_CORETYPE` from the CPU's flags (Linux's /proc/cpuinfo):
`SkylakeX` where it has AVX-512 F, CD, BW, DQ and VL; `Haswell` with AVX2 and FMA; nothing
otherwise (OpenBLAS detects as before). A value already set is left as it is: it is how an
operator names other kernels, or the generic ones (`OPENBLAS_CORETYPE=Prescott`). It must run
before faiss is imported (`index.vector_index` calls it first); it changes no result beyond the
last bits of float32 sums, which any BLAS may order differently.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, MutableMapping
from pathlib import Path

VARIABLE = "OPENBLAS_CORETYPE"
AVX512 = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})
AVX2 = frozenset({"avx2", "fma"})
CPUINFO = Path("/proc/cpuinfo")


def core_type(flags: Iterable[str]) -> str | None:
    """The OpenBLAS kernels a CPU with these flags runs best, of those every OpenBLAS since
    0.3.x knows; None where only detection can tell."""
    have = set(flags)
    if have >= AVX512:
        return "SkylakeX"
    if have >= AVX2:
        return "Haswell"
    return None


def cpu_flags(cpuinfo: Path = CPUINFO) -> set[str]:
    """The first processor's flags (empty where /proc/cpuinfo cannot be read)."""
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def prefer_cpu_kernels(
    environ: MutableMapping[str, str] = os.environ, cpuinfo: Path = CPUINFO
) -> str | None:
    """Set `OPENBLAS_CORETYPE` by the CPU's flags unless it is set; returns the value in force
    (None: left to OpenBLAS's detection)."""
    if environ.get(VARIABLE):
        return environ[VARIABLE]
    chosen = core_type(cpu_flags(cpuinfo))
    if chosen is not None:
        environ[VARIABLE] = chosen
    return chosen
