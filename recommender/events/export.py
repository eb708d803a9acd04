"""`recommender events export`: raw events as JSON lines, or Parquet for analysts' tools.

Parquet needs pyarrow (an optional extra, `pip install recommender[analytics]`): it is the one
library that writes Parquet without a dataframe framework around it, and it is imported only here.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import orjson

from recommender.errors import InvalidInput
from recommender.events.backend import event_log_exists, event_log_name, open_event_store
from recommender.events.store import iso
from recommender.settings import Settings

FORMATS = ("jsonl", "parquet")


def export_events(settings: Settings, since: datetime, fmt: str, output: Path | None) -> int:
    """Write the events at or after `since`; returns how many."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise InvalidInput("--format parquet needs --output FILE")
    if not event_log_exists(settings):
        raise InvalidInput(f"no event log at {event_log_name(settings)}")
    store = open_event_store(settings)
    try:
        rows = list(store.export(iso(since)))
    finally:
        store.close()
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise InvalidInput(
                "Parquet export needs pyarrow: pip install 'recommender[analytics]'"
            ) from exc
        assert output is not None
        pq.write_table(pa.Table.from_pylist(rows), output)
        return len(rows)
    handle = output.open("wb") if output else sys.stdout.buffer
    try:
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")
    finally:
        if output:
            handle.close()
        else:
            handle.flush()
    return len(rows)
