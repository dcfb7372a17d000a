"""Small statistics helpers shared by the modules."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.proportion import proportion_confint


def wilson(
    k: np.ndarray | int, n: np.ndarray | int, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval of the rate k / n (statsmodels), NaN where n is 0."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(k, np.where(n > 0, n, 1), alpha=1 - ci, method="wilson")
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)
