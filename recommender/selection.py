"""Request-time selection of an editorial section: read related lists, personalise, filter, apply
freshness and editorial rules, collapse near-duplicates, diversify, pin.

Everything here is numpy over a few hundred candidates taken from precomputed lists; only a
filter that leaves too few candidates makes it score (by cosine) the pool members that match it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from recommender.articles import ID_RE
from recommender.catalog import EDITORIAL_POOLS, Catalog
from recommender.diversity import collapse_duplicates, duplicate_groups, isin, mmr
from recommender.errors import InvalidInput
from recommender.hybrid import PARTS
from recommender.ranking import Freshness
from recommender.rules import Rules, load_rules
from recommender.settings import Settings

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
SECONDS_PER_DAY = 86400.0
MAX_HISTORY = 50
MAX_EXCLUDE = 100


@dataclass(frozen=True)
class Filters:
    """Optional constraints on the editorial items of a request."""

    section: str | None = None
    language: str | None = None
    max_age_days: float | None = None

    @property
    def active(self) -> bool:
        return (
            self.section is not None or self.language is not None or self.max_age_days is not None
        )


@dataclass
class Ranked:
    """The chosen items of one section, best first, with the parts of their scores."""

    rows: Ints
    scores: Floats
    parts: Floats  # (len, len(PARTS)) relevance parts
    freshness: Floats
    rule: Floats
    pinned: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def explain(self, i: int) -> dict[str, float | bool]:
        out: dict[str, float | bool] = {
            name: round(float(self.parts[i, j]), 4) for j, name in enumerate(PARTS)
        }
        out["freshness"] = round(float(self.freshness[i]), 4)
        out["rule"] = round(float(self.rule[i]), 4)
        out["pinned"] = bool(self.pinned[i])
        return out


def history_weights(count: int, weight: float, decay: float) -> Floats:
    """Weights of history items, most recent first: geometric decay, summing to `weight`."""
    if count == 0:
        return np.zeros(0)
    raw = decay ** np.arange(count, dtype=np.float64)
    return np.asarray(weight * raw / raw.sum(), dtype=np.float64)


def _codes(values: list[str]) -> tuple[dict[str, int], Ints]:
    table: dict[str, int] = {}
    codes = np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)
    return table, codes


class Selector:
    """Per-snapshot state for editorial selection (built once when a snapshot is loaded)."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.freshness = Freshness(settings.freshness_half_life_hours, settings.freshness_weight)
        records = catalog.records
        self.section_of = [str(r.get("section") or "").casefold() for r in records]
        self.section_table, self.section_codes = _codes(self.section_of)
        self.language_table, self.language_codes = _codes(
            [str(r.get("language") or "").casefold() for r in records]
        )
        self.members = {
            pool: np.flatnonzero(catalog.pools == catalog.pool_code(pool)).astype(np.int64)
            for pool in EDITORIAL_POOLS
        }
        lists = [catalog.neighbours[p] for p in EDITORIAL_POOLS if p in catalog.neighbours]
        threshold = settings.duplicate_threshold if settings.dedupe else math.inf
        self.groups = duplicate_groups(
            [str(r.get("url") or r["id"]) for r in records],
            np.concatenate([np.asarray(n.rows) for n in lists], axis=1),
            np.concatenate([np.asarray(n.scores) for n in lists], axis=1),
            threshold,
        )
        editorial = catalog.pools != catalog.pool_code("sponsored")
        self.rules = Rules.compile(
            load_rules(settings.rules_file), catalog.row_of, self.section_of, editorial
        )

    def filter_mask(self, rows: Ints, filters: Filters, now: float) -> npt.NDArray[np.bool_]:
        keep = np.ones(len(rows), dtype=bool)
        if filters.section is not None:
            code = self.section_table.get(filters.section.casefold(), -1)
            keep &= self.section_codes[rows] == code
        if filters.language is not None:
            code = self.language_table.get(filters.language.casefold(), -1)
            keep &= self.language_codes[rows] == code
        if filters.max_age_days is not None:
            oldest = now - filters.max_age_days * SECONDS_PER_DAY
            keep &= self.catalog.published[rows] >= oldest
        return keep

    def candidates(self, pool: str, anchors: Ints, weights: Floats) -> tuple[Ints, Floats]:
        """Union of the anchors' related lists; relevance parts are weighted means (an item
        missing from one anchor's list counts 0 there)."""
        related = self.catalog.related[pool]
        if len(anchors) == 1:
            rows = np.asarray(related.rows[anchors[0]], dtype=np.int64)
            parts = np.asarray(related.parts[anchors[0]], dtype=np.float64)
            valid = rows >= 0
            return rows[valid], parts[valid]
        all_rows = np.asarray(related.rows[anchors], dtype=np.int64)
        all_parts = np.asarray(related.parts[anchors], dtype=np.float64) * weights[:, None, None]
        valid = all_rows >= 0
        rows, inverse = np.unique(all_rows[valid], return_inverse=True)
        flat = all_parts[valid]
        parts = np.stack(
            [np.bincount(inverse, flat[:, j], len(rows)) for j in range(flat.shape[1])], axis=1
        )
        return rows, parts / weights.sum()

    def fill_up(
        self, pool: str, anchor: int, have: Ints, banned: Ints, filters: Filters, now: float
    ) -> tuple[Ints, Floats]:
        """Pool members matching the filters that no list offered, scored by cosine alone."""
        members = self.members[pool]
        members = members[self.filter_mask(members, filters, now)]
        members = members[~np.isin(members, have) & ~np.isin(members, banned)]
        members = members[self.servable(members, now)]
        parts = np.zeros((len(members), len(PARTS)))
        if len(members):
            cat = self.catalog
            cosine = np.asarray(cat.vectors[members] @ cat.vectors[anchor], dtype=np.float64)
            parts[:, 0] = self.settings.dense_weight * cosine
        return members, parts

    def servable(self, rows: Ints, now: float) -> npt.NDArray[np.bool_]:
        return np.asarray(self.catalog.expires[rows] > now) & ~self.rules.blocked[rows]

    def select(
        self,
        pool: str,
        anchor: int,
        history: Ints,
        banned: Ints,
        n: int,
        filters: Filters,
        now: float,
    ) -> Ranked:
        """The `n` items of `pool` for an anchor row, the reader's history rows (most recent
        first) and rows that must not appear (`banned`: anchor, history, exclude)."""
        s = self.settings
        if n <= 0:
            empty = np.zeros(0)
            return Ranked(
                np.zeros(0, dtype=np.int64), empty, np.zeros((0, len(PARTS))), empty, empty
            )
        anchors = np.concatenate([[anchor], history]).astype(np.int64)
        weights = np.concatenate(
            [[1.0], history_weights(len(history), s.history_weight, s.history_decay)]
        )
        rows, parts = self.candidates(pool, anchors, weights)
        keep = self.servable(rows, now) & ~isin(rows, banned)
        if filters.active:
            keep &= self.filter_mask(rows, filters, now)
        rows, parts = rows[keep], parts[keep]
        if filters.active and len(rows) < n:
            extra_rows, extra_parts = self.fill_up(pool, anchor, rows, banned, filters, now)
            rows = np.concatenate([rows, extra_rows])
            parts = np.concatenate([parts, extra_parts])
        fresh = self.freshness.boost(self.catalog.published[rows], now)
        rule = self.rules.boost[rows]
        scores = parts.sum(axis=1) + fresh + rule
        order = np.argsort(-scores, kind="stable").astype(np.int64)
        if s.dedupe:
            seen = {int(g) for g in self.groups[anchors]}
            order = collapse_duplicates(
                order, self.groups[rows], self.catalog.published[rows], seen
            )
        if s.mmr_lambda < 1.0:  # MMR reads every candidate's vector; off, it keeps the order
            order = mmr(order, scores, np.asarray(self.catalog.vectors[rows]), n, s.mmr_lambda)
        else:
            order = order[:n]
        chosen = order[:n]
        ranked = Ranked(
            rows[chosen], scores[chosen], parts[chosen], fresh[chosen], rule[chosen],
            np.zeros(len(chosen), dtype=bool),
        )  # fmt: skip
        return self.pin(ranked, pool, anchor, banned, n, filters, now)

    def pin(
        self,
        ranked: Ranked,
        pool: str,
        anchor: int,
        banned: Ints,
        n: int,
        filters: Filters,
        now: float,
    ) -> Ranked:
        """Put the rules' pinned items at their places (when they may appear at all)."""
        pins = self.rules.pins_for(anchor, self.section_of[anchor])
        code = self.catalog.pool_code(pool)
        pins = [
            p
            for p in pins
            if self.catalog.pools[p.row] == code
            and p.row not in banned
            and self.servable(np.array([p.row]), now)[0]
            and self.filter_mask(np.array([p.row]), filters, now)[0]
        ]
        if not pins or n <= 0:
            return ranked
        rows = list(ranked.rows)
        fields = [
            list(ranked.scores),
            list(ranked.parts),
            list(ranked.freshness),
            list(ranked.rule),
        ]
        pinned = list(ranked.pinned)
        for p in sorted(pins, key=lambda p: p.position):
            if p.row in rows:
                at = rows.index(p.row)
                values = [f.pop(at) for f in fields]
                rows.pop(at)
                pinned.pop(at)
            else:
                values = self.pinned_values(p.row, anchor, now)
            place = min(p.position - 1, len(rows))
            rows.insert(place, p.row)
            pinned.insert(place, True)
            for f, v in zip(fields, values, strict=True):
                f.insert(place, v)
        return Ranked(
            np.asarray(rows[:n], dtype=np.int64),
            np.asarray(fields[0][:n], dtype=np.float64),
            np.asarray(fields[1][:n], dtype=np.float64).reshape(-1, len(PARTS)),
            np.asarray(fields[2][:n], dtype=np.float64),
            np.asarray(fields[3][:n], dtype=np.float64),
            np.asarray(pinned[:n], dtype=bool),
        )

    def pinned_values(self, row: int, anchor: int, now: float) -> list[object]:
        """Score parts of a pinned item that was not among the candidates (cosine only)."""
        cat = self.catalog
        parts = np.zeros(len(PARTS))
        parts[0] = self.settings.dense_weight * float(cat.vectors[row] @ cat.vectors[anchor])
        fresh = float(self.freshness.boost(cat.published[[row]], now)[0])
        rule = float(self.rules.boost[row])
        return [float(parts.sum()) + fresh + rule, parts, fresh, rule]


def parse_id_list(name: str, raw: str | None, limit: int) -> tuple[str, ...]:
    """Comma-separated item ids from a query parameter; a malformed id or too many is an error."""
    if not raw:
        return ()
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if len(ids) > limit:
        raise InvalidInput(
            f"{name} may list at most {limit} ids",
            details=[{"field": name, "reason": f"{len(ids)} ids, above the maximum of {limit}"}],
        )
    bad = [i for i in ids if not ID_RE.match(i)]
    if bad:
        raise InvalidInput(
            f"{name} holds malformed ids",
            details=[{"field": name, "reason": f"not an item id: {i[:40]!r}"} for i in bad[:10]],
        )
    return tuple(ids)
