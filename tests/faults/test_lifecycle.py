"""A Hypothesis state machine over snapshot lifecycles (#11): random sequences of full builds,
updates (added, changed and unpublished articles), rollbacks, verifications and corrupted files,
on the fixture corpus with the tiny encoder, checked against a model of what each snapshot holds.

Invariants: CURRENT names the model's current snapshot, which verifies unless a file of it was
corrupted; the loaded catalog and its FAISS indexes answer for exactly the published items of
the model's snapshot (so a rollback serves the previous snapshot's items); `snapshots verify`
fails iff a file of that snapshot was corrupted; a corrupt snapshot is never extended or rolled
back to. The default run is short; the slow one explores longer sequences.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from typer.testing import CliRunner

from index.snapshots import MANIFEST, SnapshotStore
from recommender.articles import EDITORIAL_POOLS, pool_of
from recommender.cli import app as cli
from recommender.errors import SnapshotCorrupt, SnapshotMissing
from recommender.jobs import run_build, run_rollback, run_update
from recommender.serving.catalog import Catalog
from recommender.snapshot import load_index, verify_snapshot
from tests.conftest import CORPUS, make_settings, tiny_env
from tests.embedder import HashingEncoder
from tests.snapshot_faults import delete, flip_byte, truncate_half

RECORDS: list[dict[str, Any]] = [
    json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()
]
IDS = [r["id"] for r in RECORDS]
DAMAGE = {"truncated": truncate_half, "bit-flipped": flip_byte, "missing": delete}
runner = CliRunner()
Items = dict[str, dict[str, Any]]  # a snapshot's published items by id


def published(records: list[dict[str, Any]]) -> Items:
    return {r["id"]: r for r in records if r.get("status", "published") == "published"}


def titles(items: Items) -> dict[str, str]:
    return {i: r["title"] for i, r in items.items()}


class SnapshotLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="lifecycle-"))
        self.settings = make_settings(
            self.tmp / "data", keep_snapshots=1000, neighbours_k=10, flat_index_max_items=8
        )
        self.store = SnapshotStore(self.settings.snapshots_dir)
        self.encoder = HashingEncoder()
        self.snapshots: dict[str, Items] = {}  # the model: what each snapshot holds
        self.current: str | None = None
        self.corrupted: set[str] = set()
        self.steps = 0

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, records: list[dict[str, Any]]) -> Path:
        self.steps += 1
        path = self.tmp / f"input-{self.steps}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    def published_new(self, expected: Items) -> None:
        version = self.store.current_version()
        assert version is not None and version not in self.snapshots
        self.snapshots[version] = expected
        self.current = version

    # --- rules ----------------------------------------------------------------------------

    @initialize(left_out=st.sets(st.sampled_from(IDS), max_size=8))
    def first_build(self, left_out: set[str]) -> None:
        self.build(left_out)

    @rule(left_out=st.sets(st.sampled_from(IDS), max_size=8))
    def build(self, left_out: set[str]) -> None:
        records = [r for r in RECORDS if r["id"] not in left_out]
        run_build([self.write(records)], self.settings, embedder=self.encoder, progress=False)
        self.published_new(published(records))

    @precondition(lambda self: self.current is not None)
    @rule(
        added=st.integers(0, 2),
        changed=st.sets(st.sampled_from(IDS), max_size=3),
        unpublished=st.sets(st.sampled_from(IDS), max_size=3),
    )
    def update(self, added: int, changed: set[str], unpublished: set[str]) -> None:
        assert self.current is not None
        items = self.snapshots[self.current]
        source = {r["id"]: r for r in RECORDS}
        self.steps += 1
        records = [
            {**RECORDS[n], "id": f"baru-{self.steps}-{n}", "title": f"Berita baru {self.steps} {n}"}
            for n in range(added)
        ]
        records += [
            {**items.get(i, source[i]), "title": f"{source[i]['title']} (revisi {self.steps})"}
            for i in sorted(changed - unpublished)
        ]
        records += [{**source[i], "status": "unpublished"} for i in sorted(unpublished)]
        expected = {i: r for i, r in items.items() if i not in unpublished}
        expected.update(published(records))
        before = self.store.read_pointer()
        if self.current in self.corrupted:
            with pytest.raises(SnapshotCorrupt):
                run_update([self.write(records)], self.settings, embedder=self.encoder)
            assert self.store.read_pointer() == before
            return
        summary, _ = run_update([self.write(records)], self.settings, embedder=self.encoder)
        changes = titles(expected) != titles(items)  # every change is a new title
        assert summary.published == changes, (summary.as_dict(), records)
        if changes:
            self.published_new(expected)
        else:
            assert self.store.read_pointer() == before

    @precondition(lambda self: self.current is not None)
    @rule()
    def rollback(self) -> None:
        assert self.current is not None
        older = sorted(v for v in self.snapshots if v < self.current)
        if not older:
            with pytest.raises(SnapshotMissing):
                run_rollback(self.settings)
        elif older[-1] in self.corrupted:
            with pytest.raises(SnapshotCorrupt):
                run_rollback(self.settings)
        else:
            assert run_rollback(self.settings)["snapshot"] == older[-1]
            self.current = older[-1]

    @precondition(lambda self: bool(self.snapshots))
    @rule(data=st.data())
    def verify(self, data: st.DataObject) -> None:
        version = data.draw(st.sampled_from(sorted(self.snapshots)))
        result = runner.invoke(cli, ["snapshots", "verify", version], env=self.env)
        assert result.exit_code == (2 if version in self.corrupted else 0), result.output

    @precondition(lambda self: bool(self.snapshots.keys() - self.corrupted))
    @rule(data=st.data(), damage=st.sampled_from(sorted(DAMAGE)))
    def corrupt_then_verify(self, data: st.DataObject, damage: str) -> None:
        # A good snapshot only: a second flip of the same byte would repair the first.
        version = data.draw(st.sampled_from(sorted(self.snapshots.keys() - self.corrupted)))
        folder = self.store.path(version)
        names = sorted(p.name for p in folder.iterdir() if p.name != MANIFEST and p.is_file())
        name = data.draw(st.sampled_from(names))
        DAMAGE[damage](folder, name)
        self.corrupted.add(version)
        result = runner.invoke(cli, ["snapshots", "verify", version], env=self.env)
        assert result.exit_code == 2 and name in "".join(result.stderr.split()), result.output

    @property
    def env(self) -> dict[str, str]:
        return tiny_env(self.settings.data_dir)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def current_names_the_model_snapshot(self) -> None:
        assert self.store.current_version() == self.current

    @invariant()
    def current_verifies_unless_corrupted(self) -> None:
        if self.current is None:
            return
        folder = self.store.path(self.current)
        if self.current in self.corrupted:
            with pytest.raises(SnapshotCorrupt):
                verify_snapshot(folder)
        else:
            assert verify_snapshot(folder) is True

    @invariant()
    def the_loaded_snapshot_answers_for_exactly_its_published_items(self) -> None:
        if self.current is None or self.current in self.corrupted:
            return
        folder = self.store.path(self.current)
        catalog = Catalog.load(folder)
        expected = self.snapshots[self.current]
        assert set(catalog.row_of) == set(expected)
        for item_id, row in catalog.row_of.items():
            assert catalog.records[row]["title"] == expected[item_id]["title"]
        vectors = np.asarray(catalog.vectors)
        for pool in EDITORIAL_POOLS:
            members = {i for i, r in expected.items() if pool_of(r) == pool}
            index = load_index(folder, pool)
            if catalog.manifest["index"][pool] != "hnsw":  # a flat index is not kept
                assert index is None
                continue
            # an update keeps a graph's removed members as tombstones (ids -1)
            assert index is not None and index.size - index.tombstones == len(members)
            if members:
                _, rows = index.search(vectors[[catalog.row_of[i] for i in sorted(members)]], 5)
                found = {catalog.records[r]["id"] for r in rows.ravel() if r >= 0}
                assert found <= members


def run_machine(max_examples: int, steps: int) -> None:
    machine = SnapshotLifecycle.TestCase
    machine.settings = settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine().runTest()


def test_snapshot_lifecycles() -> None:
    run_machine(max_examples=15, steps=6)


@pytest.mark.slow
def test_long_snapshot_lifecycles() -> None:
    run_machine(max_examples=100, steps=15)
