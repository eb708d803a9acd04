"""A process SIGKILLed in the middle of an event store's write (RECOMMENDER_CRASH_AT, exact points
in the shared SQL) leaves nothing half-written, in either store (#15): a batch is all or nothing,
a roll-up counts each event once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from recommender.events.store import Appended
from recommender.faults import CRASH_ENV
from tests.conftest import REPO
from tests.event_stores import Backend
from tests.events.test_store import NOW, ago, ev

SCRIPT = """
import sys
from datetime import datetime
from pathlib import Path
from tests.event_stores import Backend
from tests.events.test_store import ev
name, path, url, point, now = sys.argv[1:6]
store = Backend(name, Path(path), url or None).open()
if point == "event-append":
    store.append([ev(), ev(item="sp-bank-1", sponsor="Bank Maju Bersama"), ev("click")])
else:
    store.roll_up(datetime.fromisoformat(now))
"""


def killed_at(backend: Backend, point: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), CRASH_ENV: point}
    args = [backend.name, str(backend.path), backend.url or "", point, NOW.isoformat()]
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], env=env, cwd=REPO, timeout=120)
    assert done.returncode == -9  # SIGKILL at the crash point


@pytest.mark.parametrize("point", ["event-append", "roll-up"])
def test_a_write_killed_midway_leaves_nothing_half_done(backend: Backend, point: str) -> None:
    store = backend.open()
    store.append([ev(page_view="f" * 16, at=ago(hours=2))])  # the log exists, one event in it
    store.close()
    killed_at(backend, point)
    after = backend.open()
    if point == "event-append":
        assert backend.raw("SELECT page_view FROM events") == [("f" * 16,)]
        assert backend.raw("SELECT COUNT(*) FROM sponsored_audit") == [(0,)]
        batch = [ev(), ev(item="sp-bank-1", sponsor="Bank Maju Bersama"), ev("click")]
        assert after.append(batch) == Appended(stored=3, duplicates=0, flagged=0)
    else:
        assert after.hours("0000") == []  # nothing of the killed roll-up was kept
    assert after.roll_up(NOW) == 1 and after.roll_up(NOW) == 0
    assert sum(h.impressions for h in after.hours("0000")) == 1
    after.close()
