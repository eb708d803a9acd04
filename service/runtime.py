"""The live state of one service process: settings and the recommender for the current snapshot.

A snapshot is verified (`recommender.snapshot.verify_snapshot`) and its invariants checked
(`Catalog.check`) before the runtime switches to it. One that fails is never loaded: the runtime
keeps the recommender it has, logs an error once, counts the failure by reason and remembers the
rejection (`rejected`, shown by /readyz and /metrics); the next reload tries again (re-hashing
only when a file of the rejected snapshot changed).

Each reload also follows the signals file (recommender.signals.file): a new one is loaded and
aligned to the catalogue (`Blend`), and the recommender is swapped for one carrying it. A missing,
corrupt, newer-format or stale (older than SIGNALS_MAX_AGE_HOURS) file means no signals: the
text-only ranking and an empty "terpopuler", logged once, counted by reason; never an error.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.snapshots import MANIFEST, InvalidPointer, SnapshotStore
from recommender.errors import (
    RecommenderError,
    SnapshotCorrupt,
    SnapshotIncompatible,
    SnapshotMissing,
)
from recommender.experiments.config import load_experiments
from recommender.serving.blend import Blend
from recommender.serving.catalog import Catalog
from recommender.serving.engine import Recommender
from recommender.serving.selection import Selector
from recommender.settings import Settings
from recommender.signals.file import Signals, SignalsUnusable, load_signals, signals_path
from recommender.snapshot import verify_snapshot

log = logging.getLogger("recommender.service.reload")


@dataclass(frozen=True)
class Rejection:
    """Why the snapshot CURRENT names is not the one being served."""

    version: str | None  # None: CURRENT itself is not a version name
    reason: str  # missing, size, checksum, unlisted, manifest, invariant, unreadable, pointer, ...
    message: str
    file: str | None
    at: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of a folder's files: a rejected snapshot is verified
    again only when this changes."""
    try:
        return tuple(
            sorted((p.name, (st := p.stat()).st_size, st.st_mtime_ns) for p in folder.iterdir())
        )
    except OSError:
        return ()


class Runtime:
    """Holds the current `Recommender`; swapping it is one reference assignment (atomic in CPython)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Checked here, at start-up: a bad experiments file stops the service with its reason.
        self.experiments = load_experiments(settings.ranking)
        self.store = SnapshotStore(settings.snapshots_dir)
        self._recommender: Recommender | None = None
        self._lock = threading.Lock()
        self.rejected: Rejection | None = None
        self._rejected_key: object = None
        self.load_failures: dict[str, int] = {}  # by reason
        self.reload_errors = 0  # unexpected exceptions of the reload loop (service.reloader)
        self.signals: Signals | None = None  # the last signals file read (stale or not)
        self.signals_problem: str | None = None  # why no signals are blended in, if none are
        self.signals_failures: dict[str, int] = {}  # unusable signals files, by reason
        self._signals_stamp: object = None
        self._precompute_failed: Selector | None = None  # not tried again for this selector

    @property
    def recommender(self) -> Recommender:
        current = self._recommender
        if current is None:
            raise SnapshotMissing(
                f"no snapshot loaded from {self.store.root}; run `recommender build` first",
                details=[self.rejected.as_dict()] if self.rejected else None,
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

    def catch_up(self, version: str) -> None:
        """A request names snapshot `version` (an event token's), newer than the loaded one:
        another replica or worker loaded it first. Follow CURRENT now rather than at the next
        reload tick, so that events of items new in it are not refused in between (#15: with
        replicas behind one proxy, a beacon often reaches another replica than its answer).
        Version names sort by time; a rejected snapshot stays rejected (nothing raised)."""
        loaded = self.loaded_version
        if loaded is not None and version <= loaded:
            return
        # Rejected: logged and counted by reload_snapshot; the loaded one keeps serving.
        with contextlib.suppress(RecommenderError):
            self.reload()

    def reload(self) -> bool:
        """Load the snapshot CURRENT points to (True if it did; see `reload_snapshot`), then
        the signals file if it changed (`refresh_signals`)."""
        try:
            return self.reload_snapshot()
        finally:
            self.refresh_signals()
            self.renew_precomputed()

    def reload_snapshot(self) -> bool:
        """Load the snapshot CURRENT points to, if it differs from the loaded one; True if it did.

        A CURRENT that is not a version name, or names no sealed snapshot, is "no change"
        (remembered as a rejection). A
        snapshot that fails verification or its invariants raises `SnapshotCorrupt` (or
        `SnapshotIncompatible`) and is not loaded.
        """
        with self._lock:
            try:
                version = self.store.read_pointer()
            except InvalidPointer as exc:
                self._reject(None, "pointer", str(exc), None, key=("pointer", str(exc)))
                return False
            if version is None:
                return False
            if not (self.store.path(version) / MANIFEST).is_file():
                message = f"CURRENT names {version}, not a sealed snapshot (no {MANIFEST})"
                self._reject(version, "missing", message, MANIFEST, key=("missing", version))
                return False
            if version == self.loaded_version:
                self._check_loaded(version)
                return False
            folder = self.store.path(version)
            key = (version, _fingerprint(folder))
            if key == self._rejected_key and self.rejected is not None:
                raise SnapshotCorrupt(
                    self.rejected.message, reason=self.rejected.reason, file=self.rejected.file
                )
            try:
                verify_snapshot(folder)
                jobs = self.settings.jobs
                catalog = Catalog.load(
                    folder,
                    in_memory_max_bytes=jobs.snapshot_in_memory_max_bytes,
                    prefault=jobs.snapshot_prefault,
                )
            except SnapshotCorrupt as exc:
                self._reject(version, exc.reason, exc.message, exc.file, key=key)
                raise
            except SnapshotIncompatible as exc:
                self._reject(version, "incompatible", exc.message, MANIFEST, key=key)
                raise
            except Exception as exc:  # garbage a parser trips on: KeyError, orjson, ...
                message = f"snapshot {version} cannot be loaded: {type(exc).__name__}: {exc}"
                self._reject(version, "unreadable", message, None, key=key)
                raise SnapshotCorrupt(message, reason="unreadable") from exc
            recommender = Recommender(catalog, self.settings, self.experiments)
            self._precompute(recommender)
            self._recommender = recommender.with_blend(self._blend_for(recommender, time.time()))
            self.rejected = None
            self._rejected_key = None
            # A snapshot is millions of long-lived objects; left to the cyclic GC, each full
            # collection would scan them all (~0.4 s per 100k items) in the middle of requests.
            # Frozen, the GC skips them; refcounting still frees them after the next swap.
            gc.freeze()
            return True

    def renew_precomputed(self) -> None:
        """Precompute the plain answers' candidates again once half their window has passed
        (recommender.serving.precomputed); never raises."""
        if self.settings.service.precompute_window_hours <= 0:
            return
        with self._lock:
            current = self._recommender
            if current is None:
                return
            if current.selector is self._precompute_failed:
                return  # logged once; the next snapshot tries again
            plain = current.selector.precomputed
            if plain is None or time.time() >= (plain.start + plain.end) / 2:
                self._precompute(current)

    def _precompute(self, recommender: Recommender) -> None:
        """Set the recommender's precomputed candidates for the configured window (off: none).
        A failure (memory, say) is logged and leaves every answer to the whole lists."""
        hours = self.settings.service.precompute_window_hours
        if hours <= 0:
            return
        widget = self.settings.widget
        covers = {"article": widget.articles_default, "video": widget.videos_default}
        started = time.perf_counter()
        try:
            plain = recommender.selector.precompute(covers, time.time(), hours)
            recommender.selector.precomputed = plain
        except Exception:
            self._precompute_failed = recommender.selector
            log.exception(
                "precomputing the plain answers' candidates failed; answers read the lists"
            )
            return
        log.info(
            "precomputed the plain answers' candidates of %d items in %.1f s (%.0f MB, %.1f%% of"
            " lists kept, for %g h)",
            recommender.catalog.size,
            time.perf_counter() - started,
            plain.nbytes / 1e6,
            100 * plain.kept(),
            hours,
        )

    def refresh_signals(self, now: float | None = None) -> None:
        """Read the signals file when it changed, and blend it in while it is fresh (see the
        module doc); never raises."""
        moment = time.time() if now is None else now
        with self._lock:
            path = signals_path(self.settings.data_dir)
            try:
                st = path.stat()
                stamp: object = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                stamp = None
            if stamp != self._signals_stamp:
                self._signals_stamp = stamp
                try:
                    self.signals = load_signals(path)
                except SignalsUnusable as exc:
                    self.signals = None
                    self._signals_unusable(exc.reason, exc.message)
            current = self._recommender
            if current is None:
                return
            blend = self._blend_for(current, moment)
            if (blend.version if blend else None) != (
                current.blend.version if current.blend else None
            ):
                self._recommender = current.with_blend(blend)

    def _blend_for(self, recommender: Recommender, now: float) -> Blend | None:
        """The blend of the signals read for this recommender's catalogue (kept when it has
        them already); None without fresh signals (`signals_problem` says why)."""
        signals = self.signals
        if signals is None:
            return None
        max_age = self.settings.ranking.signals_max_age_hours * 3600
        age = now - signals.created()
        if age > max_age:
            self._signals_unusable(
                "stale", f"signals {signals.version} are {age / 3600:.1f} h old (stale)"
            )
            return None
        self.signals_problem = None
        current = recommender.blend
        if current is not None and current.version == signals.version:
            return current
        return Blend.of(signals, recommender.catalog)

    def _signals_unusable(self, reason: str, message: str) -> None:
        if self.signals_problem == message:
            return  # counted and logged once
        if reason != "missing" or self.signals_problem is not None:
            self.signals_failures[reason] = self.signals_failures.get(reason, 0) + 1
            log.warning("signals not used (%s): %s; ranking by text only", reason, message)
        self.signals_problem = message

    def _check_loaded(self, version: str) -> None:
        """CURRENT names the loaded snapshot: forget an older rejection, but check (a stat per
        file) that the loaded snapshot's files still have their sizes."""
        folder = self.store.path(version)
        try:
            verify_snapshot(folder, checksums=False)
        except SnapshotCorrupt as exc:
            message = f"{exc.message} (the loaded snapshot was modified on disk; rebuild)"
            self._reject(
                version, f"loaded_{exc.reason}", message, exc.file, key=("loaded", message)
            )
            return
        if self.rejected is not None:
            log.info("CURRENT names the loaded snapshot %s again", version)
        self.rejected = None
        self._rejected_key = None

    def _reject(
        self, version: str | None, reason: str, message: str, file: str | None, *, key: object
    ) -> None:
        if key == self._rejected_key:
            return  # the same failure as last time: counted and logged once
        self._rejected_key = key
        self.rejected = Rejection(version, reason, message, file, time.time())
        self.load_failures[reason] = self.load_failures.get(reason, 0) + 1
        log.error(
            "snapshot rejected (%s): %s; still serving %s",
            reason,
            message,
            self.loaded_version,
            extra={"fields": {"reason": reason, "rejected": version, "file": file}},
        )
