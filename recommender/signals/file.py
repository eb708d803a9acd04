"""The ONE owner of the signals file's format: its name, schema version, writer and loader.

`DATA_DIR/signals.json` sits beside the snapshots. The job writes a new file under a temporary
name, fsyncs it and renames it over the old one (`os.replace`): a reader sees the old file or the
new one, never half of one. The service loads it like a snapshot (service.runtime) and treats a
missing, stale, corrupt or newer-format file as "no signals" (text-only ranking), never as an
error. The file names the snapshot and the event window it was computed from.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from index.snapshots import fsync_dir
from recommender.errors import RecommenderError
from recommender.faults import crash_point

SIGNALS_FILE = "signals.json"
SCHEMA_VERSION = 1


class SignalsUnusable(RecommenderError):
    """A signals file that cannot be used (missing, corrupt, newer format); `reason` says which."""

    code = "signals_unusable"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def signals_path(data_dir: Path) -> Path:
    return data_dir / SIGNALS_FILE


@dataclass(frozen=True)
class ItemSignals:
    """What the log says about one item (scales: docs/ranking.md#signals)."""

    section: str
    clicks: float  # time-decayed, over the popular window
    impressions: float  # time-decayed, over the popular window
    popularity: float  # 0..1, site-wide
    section_popularity: float  # 0..1, within its section
    ctr: float  # position-debiased CTR with the section's Beta prior
    ctr_score: float  # -0.5..0.5: ctr / (ctr + section prior) - 0.5; 0 for an unseen item


ITEM_FIELDS = tuple(ItemSignals.__dataclass_fields__)  # items are stored as lists in this order


@dataclass(frozen=True)
class Signals:
    """The content of a signals file."""

    version: str
    created_at: str
    snapshot: str | None
    window: dict[str, str]  # popular_since, since, until (UTC hours, 'YYYY-MM-DDTHH')
    half_life_hours: float
    totals: dict[str, int]  # impressions, clicks, page_views (with a click) read
    propensity: dict[str, list[float]]  # widget section key -> relative examination per position
    prior_ctr: dict[str, float]  # item section -> prior mean CTR (debiased)
    items: dict[str, ItemSignals]
    coread: dict[str, list[tuple[str, float]]]  # item -> [(item, 0..1)], best first
    popular: list[str]  # item ids by decayed clicks over the popular window, most first

    def created(self) -> float:
        return datetime.fromisoformat(self.created_at).timestamp()

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "version": self.version,
            "created_at": self.created_at,
            "snapshot": self.snapshot,
            "window": self.window,
            "half_life_hours": self.half_life_hours,
            "totals": self.totals,
            "propensity": self.propensity,
            "prior_ctr": self.prior_ctr,
            "items": {k: [getattr(v, name) for name in ITEM_FIELDS] for k, v in self.items.items()},
            "item_fields": list(ITEM_FIELDS),
            "coread": {k: [[i, s] for i, s in v] for k, v in self.coread.items()},
            "popular": self.popular,
        }


def write_signals(path: Path, signals: Signals) -> None:
    """Write-new-then-flip: a temporary file, fsynced, renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with tmp.open("wb") as handle:
            handle.write(orjson.dumps(signals.to_json(), option=orjson.OPT_SERIALIZE_NUMPY))
            handle.flush()
            os.fsync(handle.fileno())
        crash_point("signals")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def load_signals(path: Path) -> Signals:
    """The signals in `path`; `SignalsUnusable` when missing, unreadable or of a newer format."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SignalsUnusable("missing", f"no signals file at {path}") from None
    except OSError as exc:
        raise SignalsUnusable("unreadable", f"{path}: {exc}") from None
    try:
        data = orjson.loads(raw)
        schema = data["schema_version"]
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise SignalsUnusable(
                "incompatible", f"{path}: format {schema!r}, this version reads {SCHEMA_VERSION}"
            )
        fields = data["item_fields"]
        items = {
            str(k): ItemSignals(
                **dict(zip(fields, [str(v[0]), *(float(x) for x in v[1:])], strict=True))
            )
            for k, v in data["items"].items()
        }
        return Signals(
            version=str(data["version"]),
            created_at=str(data["created_at"]),
            snapshot=data["snapshot"],
            window={str(k): str(v) for k, v in data["window"].items()},
            half_life_hours=float(data["half_life_hours"]),
            totals={str(k): int(v) for k, v in data["totals"].items()},
            propensity={str(k): [float(x) for x in v] for k, v in data["propensity"].items()},
            prior_ctr={str(k): float(v) for k, v in data["prior_ctr"].items()},
            items=items,
            coread={str(k): [(str(i), float(s)) for i, s in v] for k, v in data["coread"].items()},
            popular=[str(i) for i in data["popular"]],
        )
    except SignalsUnusable:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        message = f"{path}: corrupt signals file ({type(exc).__name__}: {exc})"
        raise SignalsUnusable("corrupt", message) from None
