"""Examination propensity per position, estimated from the log itself (regression-EM).

The position-based click model says a shown item is clicked when it is examined and relevant,
independently: P(click | item i, position k) = theta_k * gamma_i. From counts of impressions
`n[i, k]` and clicks `c[i, k]` the EM of Wang et al. (WSDM 2018, "Position Bias Estimation for
Unbiased Learning to Rank in Personal Search") alternates:

- E-step: an impression without a click was unexamined-but-relevant with probability
  (1 - theta) gamma / (1 - theta gamma) and examined-but-irrelevant with
  theta (1 - gamma) / (1 - theta gamma); a click was examined and relevant;
- M-step: theta_k = expected examinations at k / impressions at k, and gamma_i = expected
  relevance of i / impressions of i. The paper's "regression" step fits gamma with a model over
  features; our items have no features beyond their identity, so it is the per-item mean.

theta is identified only up to a factor (theta*s, gamma/s give the same clicks): the result is
divided by theta at position 0, so propensities are relative to the first slot (1.0 there).
Positions and items that were never shown keep their starting values and carry no weight.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
EPSILON = 1e-9  # keeps 1 - theta * gamma away from 0 (a slot where every impression clicked)


def estimate_propensities(
    impressions: npt.ArrayLike,
    clicks: npt.ArrayLike,
    *,
    iterations: int = 200,
    tolerance: float = 1e-7,
) -> Floats:
    """Relative examination propensity of each position (columns) from per-item (rows) counts;
    1.0 at position 0. Counts are `(items, positions)`; clicks never exceed impressions."""
    n = np.asarray(impressions, dtype=np.float64)
    c = np.asarray(clicks, dtype=np.float64)
    if n.shape != c.shape or n.ndim != 2:
        raise ValueError("impressions and clicks must be (items, positions) arrays of one shape")
    if np.any(c > n) or np.any(c < 0):
        raise ValueError("clicks must be between 0 and impressions")
    if n.size == 0 or n.sum() == 0:
        return np.ones(n.shape[1] if n.ndim == 2 else 0)
    theta, _ = fit_position_model(n, c, iterations=iterations, tolerance=tolerance)
    if theta[0] <= 0:
        return np.ones(n.shape[1])
    return np.asarray(np.clip(theta / theta[0], 0.0, None), dtype=np.float64)


def fit_position_model(
    impressions: npt.ArrayLike,
    clicks: npt.ArrayLike,
    *,
    iterations: int = 200,
    tolerance: float = 1e-7,
) -> tuple[Floats, Floats]:
    """(theta per position, gamma per item) of the position-based model, unnormalised."""
    n = np.asarray(impressions, dtype=np.float64)
    c = np.asarray(clicks, dtype=np.float64)
    if n.size == 0:
        return np.ones(n.shape[1] if n.ndim == 2 else 0), np.zeros(n.shape[0])
    per_position = n.sum(axis=0)
    per_item = n.sum(axis=1)
    shown_k = per_position > 0
    shown_i = per_item > 0
    theta = np.full(n.shape[1], 0.5)
    # Start relevance at each item's raw CTR (bounded), a better start than a constant.
    gamma = np.clip(
        np.divide(c.sum(axis=1), per_item, out=np.full(n.shape[0], 0.5), where=shown_i), 0.01, 0.99
    )
    unclicked = n - c
    for _ in range(iterations):
        tg = theta[None, :] * gamma[:, None]
        denominator = np.maximum(1.0 - tg, EPSILON)
        examined = c + unclicked * (theta[None, :] * (1.0 - gamma[:, None])) / denominator
        relevant = c + unclicked * ((1.0 - theta[None, :]) * gamma[:, None]) / denominator
        new_theta = np.where(
            shown_k, examined.sum(axis=0) / np.where(shown_k, per_position, 1.0), theta
        )
        new_gamma = np.where(
            shown_i, relevant.sum(axis=1) / np.where(shown_i, per_item, 1.0), gamma
        )
        new_theta = np.clip(new_theta, EPSILON, 1.0)
        new_gamma = np.clip(new_gamma, EPSILON, 1.0)
        change = max(np.abs(new_theta - theta).max(), np.abs(new_gamma - gamma).max())
        theta, gamma = new_theta, new_gamma
        if change < tolerance:
            break
    return theta, gamma
