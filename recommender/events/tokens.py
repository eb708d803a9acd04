"""Event tokens: every widget answer is signed, and an event is accepted only for what was served.

A token is `<payload>.<signature>`, both base64url without padding. The payload is compact JSON:

    {"v": 1, "k": key id, "t": issued (epoch seconds), "s": snapshot, "a": article id,
     "i": [[section key, [item ids in served order]], ...]}

and, only in an answer interleaved by an experiment (recommender.experiments), the team of each
shown item, `"x": [experiment, [[section key, [arm name or null (pinned), ...]], ...]]`: signed
with the rest, so a click's attribution to an arm cannot be forged by the client; and only in an
answer personalised with `history=` (issue #13), `"h": [history ids]`, the known history ids it
used (at most `HISTORY_IN_TOKEN`, most recent first): clicks keep them (the event log's `history`
column), so co-reading learns "a reader of H clicked B" too. Such answers are personal and never
shared by the caches. Tokens without `x` or `h` verify as before.

and the signature is HMAC-SHA256 over the payload's base64 text with the key named by `k`
(truncated to 128 bits). The token describes the answer, not the reader, so it survives the
response cache, ETags and CDNs. An event `{kind, section, item_id, position}` is accepted only if
the token verifies, is at most `max_age` old, names the same article, and lists `item_id` at
`position` of `section`. Whether an item is sponsored, and by whom, is never taken from the client.

Keys (`EventKeys`): `RECOMMENDER_EVENT_SECRET` (and `RECOMMENDER_EVENT_SECRET_PREVIOUS` while a
rotation's grace period runs), or else a key generated once into `DATA_DIR/event-keys.json`
(mode 0600) and reused by every worker; `recommender events rotate-key` adds a new key and keeps
the old ones valid for one token lifetime.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from recommender.errors import RecommenderError

TOKEN_VERSION = 1
SIGNATURE_BYTES = 16
KEYS_FILE = "event-keys.json"
CLOCK_SKEW_SECONDS = 60  # a token "issued" this far in the future is still accepted
HISTORY_IN_TOKEN = 10  # history ids a token carries at most (the most recent)


class EventRejected(RecommenderError):
    """An event (or its whole batch) that cannot be trusted; `reason` names why (for metrics)."""

    code = "event_rejected"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, details=[{"field": "event_token", "reason": reason}])
        self.reason = reason


# An interleaved answer's experiment and, per section key, the arm of each shown item.
Teams = tuple[str, dict[str, Sequence[str | None]]]


@dataclass(frozen=True)
class Served:
    """What a verified token says was served."""

    snapshot: str
    article_id: str
    issued: int
    sections: dict[str, tuple[str, ...]]
    history: tuple[str, ...] = ()  # the reader history the answer was personalised with
    experiment: str | None = None
    teams: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

    def item_at(self, section: str, position: int) -> str | None:
        items = self.sections.get(section, ())
        return items[position] if 0 <= position < len(items) else None

    def arm_at(self, section: str, position: int) -> str | None:
        """The arm whose list the item at `position` of `section` came from (None: none)."""
        arms = self.teams.get(section, ())
        return arms[position] if 0 <= position < len(arms) else None


def key_id(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:8]


def compact_json(payload: dict[str, Any] | list[Any]) -> bytes:
    """`json.dumps(payload, separators=(",", ":")).encode()`, byte for byte (tokens signed
    before keep their form): orjson writes the same bytes for ASCII text at a fifth of the cost
    (a token is signed per answer, issue #15); text beyond printable ASCII, which json escapes
    as \\uXXXX and orjson writes as it is, goes through json."""
    raw = orjson.dumps(payload)
    if raw.isascii() and b"\x7f" not in raw:  # json escapes DEL too, orjson does not
        return raw
    return json.dumps(payload, separators=(",", ":")).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class EventKeys:
    """The signing key and every key still accepted, by key id."""

    def __init__(self, current: bytes, accepted: Sequence[bytes] = ()) -> None:
        self.current = current
        self.current_id = key_id(current)
        self.by_id = {key_id(k): k for k in (*accepted, current)}
        # Each key's HMAC with its pads already hashed: a signature copies it (a third less
        # than `hmac.digest`, which sets the key up again at every call; a token per answer).
        self._macs = {k: hmac.new(k, digestmod="sha256") for k in self.by_id.values()}

    def sign(
        self,
        snapshot: str,
        article_id: str,
        sections: Sequence[tuple[str, Sequence[str]]],
        issued: int,
        teams: Teams | None = None,
        history: Sequence[str] = (),
    ) -> str:
        payload: dict[str, Any] = {
            "v": TOKEN_VERSION,
            "k": self.current_id,
            "t": issued,
            "s": snapshot,
            "a": article_id,
            "i": [[key, list(ids)] for key, ids in sections],
        }
        if history:
            payload["h"] = list(history[:HISTORY_IN_TOKEN])
        if teams is not None:
            payload["x"] = [teams[0], [[key, list(arms)] for key, arms in teams[1].items()]]
        body = _b64(compact_json(payload))
        return f"{body}.{self._signature(self.current, body)}"

    def sign_served_json(
        self,
        snapshot: str,
        article_id: str,
        served_json: bytes,
        issued: int,
        history: Sequence[str] = (),
    ) -> str:
        """`sign(snapshot, article_id, sections, issued, None, history)` where `served_json` is
        already the compact JSON of `sections` as the standard library writes it
        (`recommender.serving.rendering.served_json`): the same token."""
        head = compact_json(
            {"v": TOKEN_VERSION, "k": self.current_id, "t": issued, "s": snapshot, "a": article_id}
        )
        used = b',"h":' + compact_json(list(history[:HISTORY_IN_TOKEN])) if history else b""
        body = _b64(head[:-1] + b',"i":' + served_json + used + b"}")
        return f"{body}.{self._signature(self.current, body)}"

    def verify(self, token: str, now: float, max_age: float) -> Served:
        """The answer a token describes; raises `EventRejected` (reason) when it cannot be trusted."""
        body, dot, signature = token.partition(".")
        if not dot or not body or not signature:
            raise EventRejected("token_malformed", "the event token is malformed")
        try:
            payload = json.loads(_unb64(body))
            key = self.by_id.get(str(payload["k"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise EventRejected("token_malformed", "the event token is malformed") from exc
        if key is None or not hmac.compare_digest(self._signature(key, body), signature):
            raise EventRejected("token_signature", "the event token's signature is not valid")
        try:
            served = Served(
                snapshot=str(payload["s"]),
                article_id=str(payload["a"]),
                issued=int(payload["t"]),
                sections={str(k): tuple(str(i) for i in ids) for k, ids in payload["i"]},
                history=tuple(str(i) for i in payload.get("h", ())[:HISTORY_IN_TOKEN]),
                **_teams(payload.get("x")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EventRejected("token_malformed", "the event token is malformed") from exc
        if payload.get("v") != TOKEN_VERSION:
            raise EventRejected("token_malformed", "unknown event token version")
        if served.issued > now + CLOCK_SKEW_SECONDS:
            raise EventRejected("token_future", "the event token was issued in the future")
        if now - served.issued > max_age:
            raise EventRejected("token_expired", "the event token has expired")
        return served

    def _signature(self, key: bytes, body: str) -> str:
        mac = self._macs[key].copy()
        mac.update(body.encode("ascii"))
        return _b64(mac.digest()[:SIGNATURE_BYTES])


def _teams(raw: Any) -> dict[str, Any]:
    """`Served`'s experiment fields from a verified payload's "x" (nothing when absent)."""
    if raw is None:
        return {}
    name, sections = raw
    return {
        "experiment": str(name),
        "teams": {
            str(k): tuple(None if a is None else str(a) for a in arms) for k, arms in sections
        },
    }


# --- the generated key file -----------------------------------------------------------------


def _read_key_file(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValueError(f"{path} holds no keys")
    return keys


def _write_key_file(path: Path, keys: list[dict[str, Any]], *, exclusive: bool) -> None:
    """Write with mode 0600 to a temporary file, then link (first creation: only one process
    wins) or rename (rotation) it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"keys": keys}, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if exclusive:
            # Another process may have created it first: then theirs is used.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _new_key(now: float) -> dict[str, Any]:
    return {"secret": secrets.token_hex(32), "created": int(now), "retired": None}


def load_key_file(path: Path, grace: float, now: float | None = None) -> EventKeys:
    """The keys of `path`, created (mode 0600) if absent; retired keys stay accepted for `grace`
    seconds after their retirement."""
    moment = time.time() if now is None else now
    if not path.exists():
        _write_key_file(path, [_new_key(moment)], exclusive=True)
    keys = _read_key_file(path)
    current = [k for k in keys if k.get("retired") is None]
    if not current:
        raise ValueError(f"{path} has no current key")
    accepted = [
        bytes.fromhex(k["secret"])
        for k in keys
        if k.get("retired") is not None and moment - float(k["retired"]) <= grace
    ]
    return EventKeys(bytes.fromhex(current[-1]["secret"]), accepted)


def rotate_key_file(path: Path, grace: float, now: float | None = None) -> str:
    """Retire the current key, add a new one, drop keys retired longer than `grace` ago; returns
    the new key's id."""
    moment = time.time() if now is None else now
    keys = _read_key_file(path) if path.exists() else []
    for key in keys:
        if key.get("retired") is None:
            key["retired"] = int(moment)
    keys = [k for k in keys if moment - float(k["retired"]) <= grace]
    fresh = _new_key(moment)
    _write_key_file(path, [*keys, fresh], exclusive=False)
    return key_id(bytes.fromhex(fresh["secret"]))


def keys_from_secrets(current: str, previous: Sequence[str]) -> EventKeys:
    return EventKeys(current.encode(), [p.encode() for p in previous])


def issue_time(now: float, max_age: int) -> int:
    """The `issued` stamp of a token signed at `now`: rounded down to a quarter of the token
    lifetime, so that one answer keeps one token (and one ETag) for hours instead of changing at
    every render; a token is then accepted for at least three quarters of `max_age`."""
    window = max(1, max_age // 4)
    return int(now) - int(now) % window


class KeySource:
    """The keys in force: the configured secrets, or the key file (re-read when it changes, so
    `recommender events rotate-key` reaches running workers)."""

    RECHECK_SECONDS = 5.0

    def __init__(
        self,
        secret: str | None,
        previous: str | None,
        key_file: Path,
        grace: float,
    ) -> None:
        self.key_file = key_file
        self.grace = grace
        self._fixed = keys_from_secrets(secret, [previous] if previous else []) if secret else None
        self._keys: EventKeys | None = None
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0

    def keys(self, now: float | None = None) -> EventKeys:
        if self._fixed is not None:
            return self._fixed
        moment = time.monotonic() if now is None else now
        if self._keys is None or moment - self._checked >= self.RECHECK_SECONDS:
            self._checked = moment
            try:
                stat = self.key_file.stat()
                stamp: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
            except FileNotFoundError:
                stamp = None
            if self._keys is None or stamp != self._stamp:
                self._keys = load_key_file(self.key_file, self.grace)
                stat = self.key_file.stat()
                self._stamp = (stat.st_mtime, stat.st_size)
        return self._keys
