"""Helpers shared by the benchmarks: machine description, JSON lines, Prometheus scrapes."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


# CPU features that change the embedding's speed several-fold: OpenVINO computes in bfloat16
# where the CPU has AMX or AVX-512 BF16, in float32 elsewhere (docs/embedding.md).
SIMD_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_bf16", "amx_int8")


def machine() -> dict[str, Any]:
    """Where the figures were measured (they mean little without it): CPU model and count,
    memory, and which of SIMD_FLAGS the CPU has."""
    model = ""
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not model:
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "simd": [flag for flag in SIMD_FLAGS if flag in flags],
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "system": platform.system(),
    }


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(payload).decode() + "\n")
    sys.stdout.flush()


def note(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def proc_memory(pid: int) -> dict[str, float]:
    """Resident memory of a process in MiB: total, anonymous, file-backed (mmap), peak."""
    out: dict[str, float] = {}
    wanted = {"VmRSS": "rss_mb", "RssAnon": "rss_anon_mb", "RssFile": "rss_file_mb"}
    wanted["VmHWM"] = "rss_peak_mb"
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in wanted:
            out[wanted[key]] = round(int(rest.split()[0]) / 1024, 1)
    return out


def histogram(text: str, name: str, labels: dict[str, str]) -> dict[float, float]:
    """Cumulative bucket counts {le: count} of one labelled Prometheus histogram."""
    from prometheus_client.parser import text_string_to_metric_families

    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if not sample.name.endswith("_bucket"):
                continue
            if all(sample.labels.get(k) == v for k, v in labels.items()):
                le = float(sample.labels["le"])
                buckets[le] = buckets.get(le, 0.0) + sample.value
    return buckets


def counter(text: str, name: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in (name, f"{name}_total"):
                return float(sample.value)
    return 0.0


def quantile(q: float, before: dict[float, float], after: dict[float, float]) -> float | None:
    """`histogram_quantile` over the difference of two scrapes (linear within a bucket)."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    if not counts or counts[-1] <= 0:
        return None
    rank = q * counts[-1]
    lower, below = 0.0, 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = bound, cumulative
    return lower


def checkout(path: str) -> Path:
    """An argparse `type` for `--code`: a folder holding the project's `recommender` package (a
    clone at another commit), resolved; anything else is refused, rather than silently measuring
    the `recommender` that happens to be importable."""
    import argparse

    folder = Path(path).resolve()
    if not (folder / "recommender" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(f"{path} is no checkout of the project (no recommender/)")
    return folder
