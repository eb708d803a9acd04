"""Signals from event counts: popularity, position-debiased CTR with a Beta prior, co-reading.

Pure functions of the counts (no files, no database): the job (recommender.signals.job) reads the
event log and the snapshot, these turn what it read into a `Signals`. Formulas and scales:
docs/ranking.md#signals.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from recommender.events.store import Click, HourCount, Placement
from recommender.signals.file import ItemSignals, Signals
from recommender.signals.propensity import fit_position_model

Floats = npt.NDArray[np.float64]
COREAD_SHRINKAGE = 5.0  # page views: a pair seen n times keeps n / (n + 5) of its score
COREAD_NEIGHBOURS = 20  # co-read items kept per item
MIN_MOVED_IMPRESSIONS = 500  # impressions of moved (article, item) pairs to fit propensities on
MAX_ENGAGED = 20  # items of one page view paired at most (a runaway clicker adds no pairs beyond)
HOUR_FORMAT = "%Y-%m-%dT%H"


@dataclass(frozen=True)
class SignalParams:
    """What shapes a signals computation (from the ranking settings)."""

    half_life_hours: float = 6.0
    popular_window_hours: float = 24.0
    window_hours: float = 168.0
    prior_strength: float = 50.0


def hour_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def hour_age(hour: str, now: datetime) -> float:
    """Hours from the middle of `hour` to `now` (never negative)."""
    start = datetime.strptime(hour, HOUR_FORMAT).replace(tzinfo=UTC)
    middle = start + timedelta(minutes=30)
    return max(0.0, (now - middle).total_seconds() / 3600)


def decayed(counts: Sequence[HourCount], now: datetime, half_life: float) -> dict[str, Floats]:
    """Per item: [clicks, impressions], each weighted 0.5 ** (age / half_life)."""
    out: dict[str, Floats] = {}
    weight_of: dict[str, float] = {}
    for c in counts:
        weight = weight_of.get(c.hour)
        if weight is None:
            weight = weight_of[c.hour] = 0.5 ** (hour_age(c.hour, now) / half_life)
        total = out.get(c.item_id)
        if total is None:
            total = out[c.item_id] = np.zeros(2)
        total[0] += weight * c.clicks
        total[1] += weight * c.impressions
    return out


def popularity_scores(
    clicks: Mapping[str, float], groups: Mapping[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Site-wide and within-section popularity, both 0..1: log(1 + clicks) / log(1 + most)."""
    top = max(clicks.values(), default=0.0)
    site = {i: _log_share(c, top) for i, c in clicks.items()}
    tops: dict[str, float] = defaultdict(float)
    for i, c in clicks.items():
        tops[groups.get(i, "")] = max(tops[groups.get(i, "")], c)
    section = {i: _log_share(c, tops[groups.get(i, "")]) for i, c in clicks.items()}
    return site, section


def _log_share(value: float, top: float) -> float:
    return math.log1p(value) / math.log1p(top) if top > 0 else 0.0


@dataclass(frozen=True)
class Debiased:
    """Examination-weighted impressions and clicks per item, and the propensities used."""

    examined: dict[str, float]
    clicks: dict[str, float]
    propensity: dict[str, list[float]]  # widget section -> relative to its first position


def debias(counts: Sequence[HourCount], placements: Sequence[Placement] = ()) -> Debiased:
    """Propensity per (widget section, position), then each item's impressions weighted by the
    propensity of the slot they were in.

    The propensities are harvested from the (article, item) pairs that readers saw at two or more
    positions of the same article's list (history personalisation, experiments and ranking
    changes move them): the pair holds relevance fixed and only the position changes, which is
    what identifies position bias (`harvested_propensity`). With too few such impressions
    (`MIN_MOVED_IMPRESSIONS`), or for slots no moved pair reached, they come from the per-item
    regression-EM over the hourly counts, which mixes an item's relevance to different articles
    into its positions and so overstates the fall-off."""
    items = sorted({c.item_id for c in counts})
    slots = sorted({(c.section, c.position) for c in counts})
    item_at = {i: n for n, i in enumerate(items)}
    slot_at = {s: n for n, s in enumerate(slots)}
    n = np.zeros((len(items), len(slots)))
    k = np.zeros((len(items), len(slots)))
    for c in counts:
        at = item_at[c.item_id], slot_at[(c.section, c.position)]
        n[at] += c.impressions
        k[at] += c.clicks
    k = np.minimum(k, n)  # clicks without a counted impression (flagged) carry no position data
    theta, _ = fit_position_model(n, k)
    per_item = relative_to_first(slots, theta)
    per_pair = pair_propensity(placements)
    top = max(float(theta.max()), 1e-12) if len(theta) else 1.0
    relative = {
        slot: per_pair.get(slot, per_item.get(slot, float(theta[n_]) / top))
        for n_, slot in enumerate(slots)
    }
    weights = np.array([relative[slot] for slot in slots])
    examined = n @ weights if len(slots) else np.zeros(len(items))
    clicked = k.sum(axis=1)
    propensity: dict[str, list[float]] = {}
    for section, group in itertools.groupby(slots, key=lambda slot: slot[0]):
        positions = [position for _, position in group]
        curve = [0.0] * (positions[-1] + 1)
        for position in positions:
            curve[position] = round(relative[(section, position)], 4)
        propensity[section] = curve
    return Debiased(
        {i: float(examined[n_]) for i, n_ in item_at.items()},
        {i: float(clicked[n_]) for i, n_ in item_at.items()},
        propensity,
    )


def relative_to_first(
    slots: Sequence[tuple[str, int]], theta: Floats
) -> dict[tuple[str, int], float]:
    """Each slot's examination relative to position 0 of its section (sections without a
    position 0 get none)."""
    first = {s: float(theta[n]) for n, s in enumerate(slots) if s[1] == 0}
    out: dict[tuple[str, int], float] = {}
    for n, (section, position) in enumerate(slots):
        top = first.get((section, 0), 0.0)
        if top > 0:
            out[(section, position)] = float(theta[n]) / top
    return out


def pair_propensity(placements: Sequence[Placement]) -> dict[tuple[str, int], float]:
    """Relative examination per (section, position) fitted on the (article, item) pairs shown at
    two or more positions; empty below `MIN_MOVED_IMPRESSIONS` such impressions."""
    pairs: dict[tuple[str, str, str], dict[int, tuple[int, int]]] = defaultdict(dict)
    for p in placements:
        pairs[(p.article_id, p.section, p.item_id)][p.position] = (
            p.impressions,
            min(p.clicks, p.impressions),
        )
    moved = [(key, shown) for key, shown in pairs.items() if len(shown) >= 2]
    if sum(i for _, shown in moved for i, _ in shown.values()) < MIN_MOVED_IMPRESSIONS:
        return {}
    slots = sorted({(key[1], position) for key, shown in moved for position in shown})
    slot_at = {s: n for n, s in enumerate(slots)}
    n = np.zeros((len(moved), len(slots)))
    k = np.zeros((len(moved), len(slots)))
    for row, (key, shown) in enumerate(moved):
        for position, (impressions, clicks) in shown.items():
            n[row, slot_at[(key[1], position)]] = impressions
            k[row, slot_at[(key[1], position)]] = clicks
    return relative_to_first(slots, harvested_propensity(n, k))


def harvested_propensity(
    impressions: Floats, clicks: Floats, iterations: int = 2000, tolerance: float = 1e-10
) -> Floats:
    """Examination per slot (columns) from pairs (rows) shown in several slots, by the
    conditional likelihood of intervention harvesting (Agarwal et al., WSDM 2019): given a pair's
    total clicks, they fall into its slots in proportion to impressions x examination, whatever
    the pair's relevance. Relevance is never estimated, so thousands of pairs with a handful of
    impressions each do not bias the curve (the per-pair EM's incidental-parameter problem).
    Exact for rare clicks; with frequent ones it flattens the curve slightly. Solved by the
    minorise-maximise update theta_k = clicks_k / sum_pairs(clicks_pair n_pk / sum_j n_pj theta_j)."""
    total = clicks.sum(axis=1)
    used = total > 0
    n, c, t = impressions[used], clicks[used], total[used]
    theta = np.ones(impressions.shape[1])
    clicked = c.sum(axis=0)
    for _ in range(iterations):
        expected = n * (t / np.maximum(n @ theta, 1e-12))[:, None]
        weight = expected.sum(axis=0)
        new = np.where(weight > 0, clicked / np.maximum(weight, 1e-12), theta)
        new = new / max(float(new.max()), 1e-12)
        if np.abs(new - theta).max() < tolerance:
            return new
        theta = new
    return theta


def ctr_with_prior(
    debiased: Debiased, groups: Mapping[str, str], strength: float
) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Per item (debiased CTR, score -0.5..0.5) and per section the prior mean CTR.

    Beta prior per section with mean mu_s (the section's clicks / examinations, itself shrunk to
    the site's mean) and `strength` pseudo-examinations: ctr = (clicks + m mu_s) / (examined + m).
    The score is ctr / (ctr + mu_s) - 0.5: 0 for an item at its section's average (and for a new
    item, which has only the prior), towards +0.5 for far better, -0.5 for never clicked.
    """
    total_clicks = sum(debiased.clicks.values())
    total_examined = sum(debiased.examined.values())
    site = total_clicks / total_examined if total_examined > 0 else 0.0
    by_section: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for i, e in debiased.examined.items():
        acc = by_section[groups.get(i, "")]
        acc[0] += debiased.clicks[i]
        acc[1] += e
    prior = {s: (c + strength * site) / (e + strength) for s, (c, e) in by_section.items()}
    out = {}
    for i, e in debiased.examined.items():
        mu = prior[groups.get(i, "")]
        ctr = (debiased.clicks[i] + strength * mu) / (e + strength)
        out[i] = (ctr, ctr / (ctr + mu) - 0.5 if ctr + mu > 0 else 0.0)
    return out, prior


def coread(
    engaged: Iterable[Sequence[str]], neighbours: int = COREAD_NEIGHBOURS
) -> dict[str, list[tuple[str, float]]]:
    """Item-to-item co-reading from the items each page view engaged with (its article, what
    was clicked there): normalised PMI, clipped at 0 and shrunk by n / (n + COREAD_SHRINKAGE).

    NPMI = log(p(a, b) / (p(a) p(b))) / -log p(a, b), the probabilities over page views with a
    click: a blockbuster clicked everywhere is no more likely with any one article than without
    it, so its PMI with each is about 0 and it becomes nobody's neighbour.
    """
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    views = 0
    for items in engaged:
        unique = sorted(set(items))[:MAX_ENGAGED]
        if len(unique) < 2:
            continue
        views += 1
        singles.update(unique)
        pairs.update(itertools.combinations(unique, 2))
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), both in pairs.items():
        p_ab = both / views
        pmi = math.log(p_ab / ((singles[a] / views) * (singles[b] / views)))
        npmi = 1.0 if p_ab >= 1.0 else pmi / -math.log(p_ab)
        score = max(0.0, min(1.0, npmi)) * both / (both + COREAD_SHRINKAGE)
        if score > 0:
            out[a].append((b, round(score, 6)))
            out[b].append((a, round(score, 6)))
    return {i: sorted(v, key=lambda x: (-x[1], x[0]))[:neighbours] for i, v in out.items()}


def engagements(clicks: Iterable[Click]) -> list[list[str]]:
    """Per page view: its article, the items clicked on it, and the reader history the answer
    was personalised with (read before: co-read with both)."""
    views: dict[str, list[str]] = {}
    for c in clicks:
        views.setdefault(c.page_view, [c.article_id, *c.history]).append(c.item_id)
    return list(views.values())


def compute_signals(
    counts: Sequence[HourCount],
    clicks: Sequence[Click],
    sections: Mapping[str, str],
    now: datetime,
    params: SignalParams,
    *,
    snapshot: str | None,
    version: str,
    placements: Sequence[Placement] = (),
) -> Signals:
    """Signals at `now` from hourly counts (at least `params.window_hours` back), raw clicks for
    co-reading, and each item's section (items of no known section share the section '')."""
    popular_since = hour_of(now - timedelta(hours=params.popular_window_hours))
    since = hour_of(now - timedelta(hours=params.window_hours))
    window = [c for c in counts if c.hour >= since]
    recent = [c for c in window if c.hour >= popular_since]
    totals = decayed(recent, now, params.half_life_hours)
    site, section = popularity_scores({i: float(t[0]) for i, t in totals.items()}, sections)
    debiased = debias(window, placements)
    ctr, prior = ctr_with_prior(debiased, sections, params.prior_strength)
    items = {}
    for i in sorted(set(totals) | set(ctr)):
        t = totals.get(i, np.zeros(2))
        group = sections.get(i, "")
        mu = prior.get(group, 0.0)
        rate, score = ctr.get(i, (mu, 0.0))
        items[i] = ItemSignals(
            section=group,
            clicks=round(float(t[0]), 6),
            impressions=round(float(t[1]), 6),
            popularity=round(site.get(i, 0.0), 6),
            section_popularity=round(section.get(i, 0.0), 6),
            ctr=round(rate, 6),
            ctr_score=round(score, 6),
        )
    popular = sorted(
        (i for i, s in items.items() if s.clicks > 0),
        key=lambda i: (-items[i].clicks, -items[i].impressions, i),
    )
    return Signals(
        version=version,
        created_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        snapshot=snapshot,
        window={"since": since, "popular_since": popular_since, "until": hour_of(now)},
        half_life_hours=params.half_life_hours,
        totals={
            "impressions": sum(c.impressions for c in window),
            "clicks": sum(c.clicks for c in window),
            "page_views_with_clicks": len({c.page_view for c in clicks}),
        },
        propensity=debiased.propensity,
        prior_ctr={k: round(v, 6) for k, v in sorted(prior.items())},
        items=items,
        coread=coread(engagements(clicks)),
        popular=popular,
    )
