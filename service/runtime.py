"""The live state of one service process: settings and the recommender for the current snapshot."""

from __future__ import annotations

import gc
import threading

from index.snapshots import SnapshotStore
from recommender.errors import SnapshotMissing
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.settings import Settings


class Runtime:
    """Holds the current `Recommender`; swapping it is one reference assignment (atomic in CPython)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = SnapshotStore(settings.snapshots_dir)
        self._recommender: Recommender | None = None
        self._lock = threading.Lock()

    @property
    def recommender(self) -> Recommender:
        current = self._recommender
        if current is None:
            raise SnapshotMissing(
                f"no snapshot loaded from {self.store.root}; run `recommender build` first"
            )
        return current

    @property
    def current(self) -> Recommender | None:
        """The loaded recommender, or None before the first snapshot (never raises)."""
        return self._recommender

    @property
    def loaded_version(self) -> str | None:
        current = self._recommender
        return current.catalog.version if current else None

    def reload(self) -> bool:
        """Load the snapshot CURRENT points to, if it differs from the loaded one."""
        with self._lock:
            version = self.store.current_version()
            if version is None or version == self.loaded_version:
                return False
            catalog = Catalog.load(self.store.path(version))
            self._recommender = Recommender(catalog, self.settings)
            # A snapshot is millions of long-lived objects; left to the cyclic GC, each full
            # collection would scan them all (~0.4 s per 100k items) in the middle of requests.
            # Frozen, the GC skips them; refcounting still frees them after the next swap.
            gc.freeze()
            return True
