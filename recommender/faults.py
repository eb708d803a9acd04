"""Test-only fault injection: `RECOMMENDER_CRASH_AT=embedding|index|flip|signals|event-append|roll-up`
SIGKILLs a job there.

The crash-safety tests (tests/test_crash.py) need to kill a build or update at an exact point,
which timing cannot hit reliably. The variable is read at the crash point itself, on purpose
outside `Settings`: it is not a setting anyone should run with, and unset it costs one dict lookup.

- `embedding`: after the new items were embedded, before the vectors reach the cache or a snapshot;
- `index`: in the middle of writing the staging folder (items and vectors written, indexes not);
- `flip`: the new snapshot folder is sealed and in place, CURRENT not yet switched to it;
- `signals`: the new signals file is written and fsynced, not yet renamed into place;
- `event-append`: in the middle of storing a batch of events (its first event written, not the
  rest, nothing committed), in either event store (#15);
- `roll-up`: hourly counts added, the roll-up's high-water mark not yet moved, nothing committed.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "RECOMMENDER_CRASH_AT"
CRASH_POINTS = ("embedding", "index", "flip", "signals", "event-append", "roll-up")


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL (no cleanup, like a power cut) if the test asked for `name`."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
