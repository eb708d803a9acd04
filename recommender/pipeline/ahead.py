"""The update's compiled kernels built ahead of time, as an ordinary extension module.

`recommender.pipeline.kernels` runs its loops through numba. Compiled just in time, they cost a
job about 0.7 s before their first call even when numba's on-disk cache holds them (numba's
import, then LLVM loading each cached kernel): more than a small update's whole ranking layer.
`make setup` therefore also builds them once into `_kernels_ahead*.so` beside this file, with
numba's own ahead-of-time compiler (`numba.pycc`: the same kernels, the same types, compiled for
this machine's CPU) and a stamp naming the source it was built from. A job imports that module
in under a millisecond, without importing numba at all.

`python -m recommender.pipeline.ahead` builds it (needs a C compiler: gcc is on every machine
of ours); where the build fails, it says why and the kernels stay just in time (numba's cache,
compiled by the same command), with the same results. A module built from other source (the
kernels changed since `make setup`) is ignored: `kernels` checks the stamp.

The request path's loops (`recommender.serving.kernels`: the history merge, the plain answers'
choice) are built the same way, as a second module beside their own source (`SERVING`); without
it the service answers through numpy (it never imports numba).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import warnings
from dataclasses import dataclass
from importlib import import_module
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.metadata import version
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

MODULE = "_kernels_ahead"
STAMP = f"{MODULE}.json"  # beside the module: what it was built from (`source_stamp`)
FOLDER = Path(__file__).resolve().parent  # where `make setup` builds it, beside the kernels
SOURCE = FOLDER / "kernels.py"


# Each kernel with the one signature `kernels` calls it with (its arrays C-contiguous).
SIGNATURES = {
    "pair_dots": "f4[::1](i8[::1], i4[::1], f4[::1], i8, i8[::1], i8[::1])",
    "carry": (
        "Tuple((i4[:,::1], f4[:,:,::1], f4[:,:,::1]))"
        "(i4[:,::1], i8[::1], i8[::1], f4[:,:,::1], f4[:,:,::1], i8)"
    ),
    "lengths": "i8[::1](i4[:,::1], b1[::1], b1)",
    "pairs": "i8[::1](i4[:,::1], i4[:,::1], i8[::1], b1[::1], i8)",
    "column_top": "void(f4[:,::1], i8, b1[::1], i4[:,::1], f4[:,::1], i8[::1], f4[::1])",
    "merge": "void(i4[:,::1], f4[:,::1], f4[:,:,::1], i8[::1], i8[::1], f4[::1], f4[:,::1])",
    "reverse": (
        "Tuple((i8[::1], i8[::1]))(i8[::1], i4[::1], f4[::1], i8[::1], i4[::1], f4[::1], "
        "i8[::1], i4[::1], f4[::1], i8, f4[::1], f4[::1], f4, f4[::1], b1[::1], i8[::1])"
    ),
}


# How the module is built, in its stamp: a module built another way is rebuilt by `make setup`
# and ignored until then. Build 2 released the GIL around each call (numba's `release_gil` flag
# forced onto pycc's exports) and crashed (SIGSEGV in `carry`, while other threads of the update
# ran: tests/faults/test_lifecycle.py); build 3 holds the GIL again, as pycc's exports do.
BUILD = 3


@dataclass(frozen=True)
class KernelSet:
    """One module of kernels built ahead of time: its name, the source file of its kernels (the
    functions `_<name>` of module `kernels`, built beside that file) and their signatures."""

    module: str
    source: Path
    kernels: str
    signatures: dict[str, str]
    what: str  # in messages
    fallback: str  # what runs without the module

    @property
    def folder(self) -> Path:
        return self.source.parent

    @property
    def stamp(self) -> str:
        return f"{self.module}.json"


# The update's list surgery (`recommender.pipeline.kernels`).
UPDATE = KernelSet(
    MODULE,
    SOURCE,
    "recommender.pipeline.kernels",
    SIGNATURES,
    "the update's kernels",
    "they are compiled just in time instead",
)
# The request path's history merge and plain answers' choice (`recommender.serving.kernels`).
SERVING = KernelSet(
    "_serving_kernels_ahead",
    FOLDER.parent / "serving" / "kernels.py",
    "recommender.serving.kernels",
    {
        "merge_pool": (
            "i8(i4[:,::1], f4[:,:,::1], i8[::1], f8[::1], f8, f8[::1], f8, f8, i4[::1], i8, "
            "i8[::1], f8[:,::1], f8[::1])"
        ),
        "best": (
            "i8(i8[::1], f8[:,::1], f8[::1], i8[::1], i8[::1], i8[::1], f8[::1], b1[::1], "
            "f8[::1], f8, f8[::1], i8[::1], i8[::1])"
        ),
        "plain_ages": "void(f8[:,::1], i8, f8, f8, f8[::1])",
        "plain_choose": (
            "i8(i2[:,::1], i4[:,::1], f8[:,::1], i8, i8[::1], i8[::1], i8, i8[::1], f8[::1], "
            "f8[::1], f8, f8[::1], f8, i8, i8[::1], f8[::1], i8[::1])"
        ),
        "sponsored_choose": "i8(f4[::1], f8[::1], i8[::1], i8, i8[::1], f8[::1])",
    },
    "the request path's kernels",
    "answers with a history take the numpy path instead",
)


def source_stamp(kernels: KernelSet = UPDATE) -> dict[str, str | int]:
    """What a built module must have been built from: the kernels' source, numba's version and
    the way it was built (`BUILD`)."""
    return {
        "source_sha256": hashlib.sha256(kernels.source.read_bytes()).hexdigest(),
        "numba": version("numba"),
        "build": BUILD,
    }


def build(folder: Path | None = None, kernels: KernelSet = UPDATE) -> Path:
    """Compile the kernels into `<module>*.so` in `folder` (by default beside their source) and
    write its stamp beside it. Raises whatever the compiler raises (the caller falls back)."""
    # Imported only here: building is `make setup`'s work, and a job that loads the module
    # never imports numba (numba.pycc by name: it has no type hints).
    from llvmlite.binding import get_host_cpu_name

    folder = kernels.folder if folder is None else folder
    source = import_module(kernels.kernels)
    with warnings.catch_warnings():  # numba.pycc is marked "pending deprecation"
        warnings.simplefilter("ignore")
        pycc: Any = import_module("numba.pycc")
        cc = pycc.CC(kernels.module)
    cc.output_dir = str(folder)
    cc.target_cpu = get_host_cpu_name()  # the machine that runs `make setup` runs the jobs
    for name, signature in kernels.signatures.items():
        cc.export(name, signature)(getattr(source, f"_{name}"))
    stamp = folder / kernels.stamp
    stamp.unlink(missing_ok=True)  # no stamp while the module is being replaced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc.compile()  # in a temporary build folder of its own, removed afterwards
    stamp.write_text(json.dumps(source_stamp(kernels)) + "\n")
    return folder / str(cc.output_file)


def load(folder: Path | None = None, kernels: KernelSet = UPDATE) -> ModuleType | None:
    """The module built in `folder` (by default beside the kernels' source) when it was built
    from the kernels' current source, else None (not built, built from other source, or
    unloadable: `kernels.fallback` says what runs instead)."""
    folder = kernels.folder if folder is None else folder
    try:
        stamp = json.loads((folder / kernels.stamp).read_text())
    except OSError:  # not built: nothing to say
        return None
    except ValueError as error:
        log.warning(
            "the stamp of %s in %s is unreadable (%s; run `make setup` to rebuild them); %s",
            kernels.what,
            folder,
            error,
            kernels.fallback,
        )
        return None
    if stamp != source_stamp(kernels):
        log.warning(
            "%s in %s were built from other source or numba (run `make setup` to rebuild them); %s",
            kernels.what,
            folder,
            kernels.fallback,
        )
        return None
    path = folder / f"{kernels.module}{EXTENSION_SUFFIXES[0]}"
    package = kernels.kernels.rpartition(".")[0]
    spec = spec_from_file_location(f"{package}.{kernels.module}", path)
    try:
        if spec is None or spec.loader is None:
            raise ImportError(f"no module at {path}")
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError as error:
        log.warning("%s in %s could not be loaded (%s)", kernels.what, folder, error)
        return None
    return module


def main() -> int:
    """Build each module beside its kernels and run the update's once (`kernels.warm_up`);
    where the update's build fails, that warms numba's cache for the just-in-time kernels
    instead, and without the request path's module the service answers through numpy. Exit
    status 0 either way: a job runs without the modules, only slower."""
    from recommender.pipeline import kernels

    for kernel_set in (UPDATE, SERVING):
        try:
            built = build(kernels=kernel_set)
        except Exception as error:  # any compiler failure: say so, keep the fallback
            print(f"kernels: not built ahead of time ({error}); {kernel_set.fallback}",
                  file=sys.stderr)  # fmt: skip
        else:
            print(f"kernels: built {built.name}")
    kernels.warm_up()
    return 0


if __name__ == "__main__":
    sys.exit(main())
