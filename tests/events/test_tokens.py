"""Event tokens (recommender.events.tokens): signing and verifying, keys, the key file, rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.events.tokens import (
    CLOCK_SKEW_SECONDS,
    EventKeys,
    EventRejected,
    KeySource,
    Served,
    compact_json,
    issue_time,
    key_id,
    keys_from_secrets,
    load_key_file,
    rotate_key_file,
)

KEY = b"k" * 32
T0 = 1_780_000_000  # some moment (2026)
DAY = 86400
SECTIONS = [
    ("rekomendasi_artikel", ["banjir-2", "banjir-3", "timnas-1"]),
    ("video_pilihan", ["vid-banjir-1"]),
    ("konten_sponsor", []),
]


def sign(keys: EventKeys, issued: int = T0, article_id: str = "banjir-1") -> str:
    return keys.sign("20261201T000000000000Z", article_id, SECTIONS, issued)


def reason(keys: EventKeys, token: str, now: float = T0, max_age: float = DAY) -> str:
    with pytest.raises(EventRejected) as caught:
        keys.verify(token, now, max_age)
    assert caught.value.code == "event_rejected"
    assert caught.value.details == [{"field": "event_token", "reason": caught.value.reason}]
    return caught.value.reason


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_token_describes_the_answer_it_was_signed_for() -> None:
    keys = EventKeys(KEY)
    token = sign(keys)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    served = keys.verify(token, now=T0 + 10, max_age=DAY)
    assert served == Served(
        snapshot="20261201T000000000000Z",
        article_id="banjir-1",
        issued=T0,
        sections={k: tuple(ids) for k, ids in SECTIONS},
    )
    assert served.item_at("rekomendasi_artikel", 0) == "banjir-2"
    assert served.item_at("rekomendasi_artikel", 2) == "timnas-1"
    assert served.item_at("rekomendasi_artikel", 3) is None
    assert served.item_at("rekomendasi_artikel", -1) is None  # no counting from the end
    assert served.item_at("konten_sponsor", 0) is None
    assert served.item_at("no_such_section", 0) is None
    # Signing is deterministic: one answer, one token (and one ETag).
    assert sign(keys) == token and sign(keys, T0 + 1) != token
    assert sign(EventKeys(b"another key, 32 bytes long......")) != token


def test_any_change_to_a_token_is_refused() -> None:
    keys = EventKeys(KEY)
    token = sign(keys)
    alphabet = "AZaz09-_"
    for i, char in enumerate(token):
        if char == ".":
            continue
        for other in alphabet:
            if other == char:
                continue
            changed = token[:i] + other + token[i + 1 :]
            # (the signature covers the base64 text: even a spare bit of its last character)
            assert reason(keys, changed) in ("token_signature", "token_malformed"), (i, other)


@pytest.mark.parametrize(
    "token",
    ["", ".", "abc", "abc.", ".abc", "a.b.c", "!!!!.AAAA", "AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"],
)
def test_malformed_tokens(token: str) -> None:
    assert reason(EventKeys(KEY), token) in ("token_malformed", "token_signature")


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[1, 2]", b'"text"', b"{}", b'{"v": 1}', b"\xff\xfe"],
    ids=["not json", "a list", "a string", "empty", "no key id", "not utf-8"],
)
def test_payloads_that_are_not_tokens(payload: bytes) -> None:
    keys = EventKeys(KEY)
    body = b64(payload)
    assert reason(keys, f"{body}.{keys._signature(KEY, body)}") == "token_malformed"


def test_a_signed_payload_of_another_shape_or_version_is_refused() -> None:
    keys = EventKeys(KEY)

    def signed(payload: dict[str, object]) -> str:
        body = b64(json.dumps(payload).encode())
        return f"{body}.{keys._signature(KEY, body)}"

    good = {"v": 1, "k": keys.current_id, "t": T0, "s": "x", "a": "banjir-1", "i": []}
    assert keys.verify(signed(good), T0, DAY).article_id == "banjir-1"
    assert reason(keys, signed({**good, "v": 2})) == "token_malformed"
    assert reason(keys, signed({**good, "t": "yesterday"})) == "token_malformed"
    assert reason(keys, signed({**good, "i": [["only a key"]]})) == "token_malformed"
    assert reason(keys, signed({k: v for k, v in good.items() if k != "s"})) == "token_malformed"


def test_a_token_of_another_key_is_refused() -> None:
    mine, theirs = EventKeys(KEY), EventKeys(b"t" * 32)
    assert reason(mine, sign(theirs)) == "token_signature"
    # Naming my key id does not help either.
    body, _, signature = sign(theirs).partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged = b64(json.dumps({**payload, "k": mine.current_id}).encode())
    assert reason(mine, f"{forged}.{signature}") == "token_signature"


def test_tokens_expire_and_are_never_from_the_future() -> None:
    keys = EventKeys(KEY)
    token = sign(keys)
    assert keys.verify(token, now=T0 + DAY, max_age=DAY).issued == T0
    assert reason(keys, token, now=T0 + DAY + 1) == "token_expired"
    assert reason(keys, token, now=T0 + 7200, max_age=3600) == "token_expired"
    # Clocks differ a little between hosts, not more.
    assert keys.verify(token, now=T0 - CLOCK_SKEW_SECONDS, max_age=DAY).issued == T0
    assert reason(keys, token, now=T0 - CLOCK_SKEW_SECONDS - 1) == "token_future"


def test_issue_time_is_quantised_to_a_quarter_of_the_lifetime() -> None:
    quarter = DAY // 4
    start = T0 - T0 % quarter
    stamps = {issue_time(start + s, DAY) for s in (0, 1, 60, 3600, quarter - 1)}
    assert stamps == {start}
    assert issue_time(start + quarter, DAY) == start + quarter
    assert issue_time(start + 0.9, DAY) == start  # fractions of a second too
    # Whenever it was signed, a token stays valid for three quarters of its lifetime at least.
    keys = EventKeys(KEY)
    for now in range(start, start + quarter + 1, 997):
        token = sign(keys, issue_time(now, DAY))
        assert keys.verify(token, now + 3 * quarter, DAY).issued <= now
    assert issue_time(T0, 60) == T0 - T0 % 15
    assert issue_time(T0 + 0.5, 3) == T0  # a lifetime under 4 s: whole seconds


def test_secrets_from_settings() -> None:
    current, previous = "c" * 32, "p" * 32
    keys = keys_from_secrets(current, [previous])
    assert keys.current_id == key_id(current.encode())
    old = sign(keys_from_secrets(previous, []))
    assert keys.verify(old, T0, DAY).issued == T0  # the previous secret is still accepted
    assert EventKeys(current.encode()).verify(sign(keys), T0, DAY).issued == T0  # signs: current
    assert reason(keys_from_secrets(current, []), old) == "token_signature"


# --- the key file -------------------------------------------------------------------------------


def test_the_key_file_is_created_once_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "event-keys.json"
    keys = load_key_file(path, grace=DAY, now=T0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    stored = json.loads(content)["keys"]
    assert len(stored) == 1 and stored[0]["retired"] is None and stored[0]["created"] == T0
    assert len(bytes.fromhex(stored[0]["secret"])) == 32
    assert keys.current_id == key_id(bytes.fromhex(stored[0]["secret"]))
    again = load_key_file(path, grace=DAY, now=T0 + 5)
    assert again.current_id == keys.current_id and path.read_bytes() == content
    assert list(path.parent.iterdir()) == [path]  # no temporary files left


def test_workers_starting_together_share_one_key(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    start = threading.Barrier(8)
    ids: list[str] = []

    def worker() -> None:
        start.wait()
        ids.append(load_key_file(path, grace=DAY).current_id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 8 and len(set(ids)) == 1
    assert len(json.loads(path.read_text())["keys"]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["event-keys.json"]


def test_two_key_sources_agree(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    one = KeySource(None, None, path, grace=DAY)
    two = KeySource(None, None, path, grace=DAY)
    token = sign(one.keys(), T0)
    assert two.keys().current_id == one.keys().current_id
    assert two.keys().verify(token, T0, DAY).article_id == "banjir-1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rotation_keeps_old_tokens_valid_for_the_grace_period(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    first = load_key_file(path, grace=DAY, now=T0)
    old_token = sign(first, T0)
    new_id = rotate_key_file(path, grace=DAY, now=T0 + 100)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert new_id != first.current_id

    during = load_key_file(path, grace=DAY, now=T0 + 200)
    assert during.current_id == new_id  # the new key signs
    assert during.verify(old_token, T0 + 200, DAY).issued == T0  # the old one is accepted
    new_token = sign(during, T0 + 200)
    assert reason(first, new_token, now=T0 + 200) == "token_signature"  # (a worker not reloaded)

    after = load_key_file(path, grace=DAY, now=T0 + 100 + DAY + 1)
    assert after.current_id == new_id
    assert reason(after, old_token, now=T0 + 100 + DAY + 1, max_age=10 * DAY) == "token_signature"
    assert after.verify(new_token, T0 + 100 + DAY + 1, DAY).issued == T0 + 200

    # Rotating again drops keys retired longer than the grace period ago.
    third = rotate_key_file(path, grace=DAY, now=T0 + 100 + DAY + 2)
    stored = json.loads(path.read_text())["keys"]
    assert [key_id(bytes.fromhex(k["secret"])) for k in stored] == [new_id, third]
    assert [k["retired"] is None for k in stored] == [False, True]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event-keys.json"]


def test_rotation_without_a_key_file_creates_one(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    new_id = rotate_key_file(path, grace=DAY, now=T0)
    assert load_key_file(path, grace=DAY, now=T0).current_id == new_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_key_source_sees_a_rotation_within_seconds(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    source = KeySource(None, None, path, grace=DAY)
    before = source.keys(now=100.0).current_id
    new_id = rotate_key_file(path, grace=DAY)
    assert source.keys(now=101.0).current_id == before  # not re-read at every request
    assert source.keys(now=100.0 + KeySource.RECHECK_SECONDS).current_id == new_id
    assert before in source.keys(now=200.0).by_id  # still accepted


def test_configured_secrets_leave_the_key_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "event-keys.json"
    source = KeySource("c" * 32, "p" * 32, path, grace=DAY)
    keys = source.keys()
    assert keys.current_id == key_id(b"c" * 32)
    assert set(keys.by_id) == {key_id(b"c" * 32), key_id(b"p" * 32)}
    assert KeySource("c" * 32, None, path, grace=DAY).keys().by_id.keys() == {key_id(b"c" * 32)}
    assert not path.exists()


@pytest.mark.parametrize(
    "content",
    ['{"keys": []}', "[]", '{"keys": [{"secret": "00", "created": 0, "retired": 5}]}'],
    ids=["no keys", "not an object", "no current key"],
)
def test_a_broken_key_file_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "event-keys.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="key"):
        load_key_file(path, grace=DAY, now=T0)


texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["banjir-1", "a\x7fb", 'q"\\/', "\x00\x1f\n\t", "berita’", "😀"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        texts,
        st.integers(-(2**53), 2**53)
        | texts
        | st.none()
        | st.lists(st.lists(texts | st.none(), max_size=4) | texts, max_size=4),
        max_size=6,
    )
)
def test_compact_json_is_json_dumps_byte_for_byte(payload: dict[str, object]) -> None:
    """The token payload's serialisation (orjson where it writes the same bytes) is exactly the
    standard library's compact JSON, whatever the text: old and new tokens have one form."""
    assert compact_json(payload) == json.dumps(payload, separators=(",", ":")).encode()


def test_a_token_is_the_same_bytes_as_the_plain_construction() -> None:
    """A signed token against its construction written out with json and hmac.new."""
    keys = EventKeys(KEY)
    token = keys.sign("v1", "banjir-1", SECTIONS, T0, ("exp", {"rekomendasi_artikel": ["a", None]}),
                      ["timnas-1"])  # fmt: skip
    payload = {"v": 1, "k": key_id(KEY), "t": T0, "s": "v1", "a": "banjir-1",
               "i": [[k, ids] for k, ids in SECTIONS], "h": ["timnas-1"],
               "x": ["exp", [["rekomendasi_artikel", ["a", None]]]]}  # fmt: skip
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    text = body.rstrip(b"=").decode()
    mac = hmac.new(KEY, text.encode(), hashlib.sha256).digest()[:16]
    assert token == f"{text}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_every_signature_is_hmac_sha256_of_its_own_body() -> None:
    """Signatures come from a copy of each key's prepared HMAC: one after the other, and with
    an accepted older key, each is the HMAC of its own body alone (no state carried over)."""
    old = b"o" * 32
    keys = EventKeys(KEY, [old])
    for key in (KEY, old, KEY):
        for body in ("eyJ2IjoxfQ", "eyJ2IjoyfQ", ""):
            mac = hmac.new(key, body.encode(), hashlib.sha256).digest()[:16]
            want = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
            assert keys._signature(key, body) == want
