"""Which event store the settings choose, in one place: PostgreSQL where EVENTS_URL is set (#15),
else the embedded SQLite file EVENT_LOG_PATH. Every caller (the service, `events`, `signals`,
`eval --events`, `experiments report`, the prune after `update`) opens its store here."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from recommender.errors import InvalidInput
from recommender.events.store import EventStore, SQLiteEventStore
from recommender.settings import Settings


def open_event_store(settings: Settings) -> EventStore:
    """The configured store (nothing is opened or created before its first use)."""
    events = settings.events
    if events.events_url is not None:
        try:
            from recommender.events.postgres import PostgresEventStore
        except ImportError as exc:  # psycopg is the optional `postgres` extra
            raise InvalidInput(
                "RECOMMENDER_EVENTS_URL needs psycopg: pip install 'recommender[postgres]'"
            ) from exc
        return PostgresEventStore(
            events.events_url.get_secret_value(),
            pool_size=events.events_pool_size,
            timeout_s=events.events_timeout_seconds,
            audit_retention_days=events.audit_retention_days,
        )
    return SQLiteEventStore(
        settings.resolved_event_log_path, audit_retention_days=events.audit_retention_days
    )


def event_log_exists(settings: Settings) -> bool:
    """Whether there is a log to read: a server store always is (its tables are made on first
    use); the SQLite file only once the service has written to it."""
    return settings.events.events_url is not None or settings.resolved_event_log_path.exists()


def event_log_name(settings: Settings) -> str:
    """Where the events are, for messages and reports (a URL without its password)."""
    url = settings.events.events_url
    if url is not None:
        return redacted(url.get_secret_value())
    return str(settings.resolved_event_log_path)


def redacted(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
