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
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import warnings
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
    "carry": "Tuple((i4[:,::1], f4[:,:,::1]))(i4[:,::1], i8[::1], i8[::1], f4[:,:,::1], i8)",
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


def source_stamp() -> dict[str, str | int]:
    """What a built module must have been built from: the kernels' source, numba's version and
    the way it was built (`BUILD`)."""
    return {
        "source_sha256": hashlib.sha256(SOURCE.read_bytes()).hexdigest(),
        "numba": version("numba"),
        "build": BUILD,
    }


def build(folder: Path = FOLDER) -> Path:
    """Compile the kernels into `_kernels_ahead*.so` in `folder` and write its stamp beside it.
    Raises whatever the compiler raises (the caller falls back to just in time)."""
    # Imported only here: building is `make setup`'s work, and a job that loads the module
    # never imports numba (numba.pycc by name: it has no type hints).
    from llvmlite.binding import get_host_cpu_name

    from recommender.pipeline import kernels

    with warnings.catch_warnings():  # numba.pycc is marked "pending deprecation"
        warnings.simplefilter("ignore")
        pycc: Any = import_module("numba.pycc")
        cc = pycc.CC(MODULE)
    cc.output_dir = str(folder)
    cc.target_cpu = get_host_cpu_name()  # the machine that runs `make setup` runs the jobs
    for name, signature in SIGNATURES.items():
        cc.export(name, signature)(getattr(kernels, f"_{name}"))
    stamp = folder / STAMP
    stamp.unlink(missing_ok=True)  # no stamp while the module is being replaced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc.compile()  # in a temporary build folder of its own, removed afterwards
    stamp.write_text(json.dumps(source_stamp()) + "\n")
    return folder / str(cc.output_file)


def load(folder: Path = FOLDER) -> ModuleType | None:
    """The module built in `folder` when it was built from the kernels' current source, else
    None (not built, built from other source, or unloadable: the kernels run just in time)."""
    try:
        stamp = json.loads((folder / STAMP).read_text())
    except OSError:  # not built: nothing to say
        return None
    except ValueError as error:
        log.warning(
            "the stamp of the update's kernels in %s is unreadable (%s; run `make setup` to "
            "rebuild them); they are compiled just in time instead",
            folder,
            error,
        )
        return None
    if stamp != source_stamp():
        log.warning(
            "the update's kernels in %s were built from other source or numba (run `make "
            "setup` to rebuild them); they are compiled just in time instead",
            folder,
        )
        return None
    path = folder / f"{MODULE}{EXTENSION_SUFFIXES[0]}"
    spec = spec_from_file_location(f"{__package__}.{MODULE}", path)
    try:
        if spec is None or spec.loader is None:
            raise ImportError(f"no module at {path}")
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError as error:
        log.warning("the update's kernels in %s could not be loaded (%s)", folder, error)
        return None
    return module


def main() -> int:
    """Build the module beside the kernels and run each once (`kernels.warm_up`); where the
    build fails, that warms numba's cache for the just-in-time kernels instead. Exit status 0
    either way: a job runs without the module, only slower to start."""
    from recommender.pipeline import kernels

    try:
        built = build()
    except Exception as error:  # any compiler failure: say so, keep just in time
        print(f"kernels: not built ahead of time ({error}); just in time", file=sys.stderr)
    else:
        print(f"kernels: built {built.name}")
    kernels.warm_up()
    return 0


if __name__ == "__main__":
    sys.exit(main())
