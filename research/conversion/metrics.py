"""Metrics of a ranking: gains, ALIFT, AUC, Brier, log-loss."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm import tqdm  # plain text bars: tqdm.auto warns in a kernel without ipywidgets

from research._stats import percentile_interval
from research._validation import check_share
from research.conversion._inputs import _check_scores
from research.conversion.leakage import _rank_auc

__all__ = [
    "alift",
    "cumulative_gains",
    "gains_at",
]

# --------------------------------------------------------------------------------------------
# metrics of a ranking: gains, ALIFT, AUC, Brier, log-loss
# --------------------------------------------------------------------------------------------


def cumulative_gains(y_true: object, scores: object) -> pd.DataFrame:
    """The cumulative gains curve: share of the buyers reached against share of leads called.

    Leads are called from the highest score down; leads with equal scores are called
    together, so the curve runs straight through a group of ties (the expected curve of a
    random order within the group).

    Parameters
    ----------
    y_true : array-like
        Whether each lead converted.
    scores : array-like
        Score per lead (probability to convert).

    Returns
    -------
    pandas.DataFrame
        One row per distinct score from the highest, after a first row at (0, 0):
        ``threshold`` (call every lead scoring at least this), ``leads_called``,
        ``conversions``, ``share_called`` and ``share_reached`` (of all converters).

    Examples
    --------
    >>> cumulative_gains([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])["share_reached"].tolist()
    [0.0, 0.5, 0.5, 1.0, 1.0]
    """
    return _gains(*_check_scores(y_true, scores))


def _gains(y: np.ndarray, s: np.ndarray) -> pd.DataFrame:
    """:func:`cumulative_gains` of bool outcomes and scores (prior validation is assumed)."""
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[s_sorted[1:] != s_sorted[:-1], True]  # last lead of each tie group
    called = np.arange(1, len(s) + 1)[last]
    conversions = np.cumsum(y_sorted)[last]
    return pd.DataFrame(
        {
            "threshold": np.r_[np.inf, s_sorted[last]],
            "leads_called": np.r_[0, called],
            "conversions": np.r_[0, conversions],
            "share_called": np.r_[0.0, called / len(s)],
            "share_reached": np.r_[0.0, conversions / y.sum()],
        }
    )


def alift(y_true: object, scores: object) -> float:
    """Area under the cumulative gains (lift) curve, ALIFT of Moro, Cortez & Rita (2014).

    x: share of the leads called, from the highest score down; y: share of the converters
    reached. A random order gives 0.5, a perfect one ``1 - p / 2`` for a conversion rate
    ``p``. It equals ``p / 2 + (1 - p) * AUC``.

    Parameters
    ----------
    y_true : array-like
        Whether each lead converted.
    scores : array-like
        Score per lead.

    Returns
    -------
    float
        The area, in [0, 1].

    Examples
    --------
    >>> alift([1, 0, 0, 0], [0.9, 0.1, 0.1, 0.1])  # perfect: 1 - 0.25 / 2
    0.875
    """
    curve = _gains(*_check_scores(y_true, scores))
    return float(np.trapezoid(curve["share_reached"], curve["share_called"]))


def gains_at(y_true: object, scores: object, share: float = 0.5) -> float:
    """Share of the converters reached by calling the top ``share`` of the leads.

    Linear between the points of :func:`cumulative_gains` (ties are called as a group).
    Moro et al. (2014) report 79% for the top 50% of their rolling-window test contacts.

    Examples
    --------
    >>> gains_at([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1], share=0.5)
    1.0
    """
    share = check_share(share, "share", low_open=False, high_open=False)
    return _reach_at(_gains(*_check_scores(y_true, scores)), share)


def _reach_at(curve: pd.DataFrame, share: float) -> float:
    """Share of the converters reached at ``share`` of the leads called, on a gains curve
    (linear between its points); what :func:`gains_at` returns and the gains chart marks."""
    return float(np.interp(share, curve["share_called"], curve["share_reached"]))


def _metric_values(y: np.ndarray, s: np.ndarray, gain_share: float) -> dict[str, float]:
    """The metrics of bool outcomes and scores (prior validation is assumed)."""
    p = y.mean()
    auc = _rank_auc(y, s)
    clipped = np.clip(s, 1e-15, 1 - 1e-15)
    return {
        "auc": auc,
        "alift": p / 2 + (1 - p) * auc,
        "brier": float(np.mean((s - y) ** 2)),
        "log_loss": float(-np.mean(np.where(y, np.log(clipped), np.log1p(-clipped)))),
        f"gain_at_{round(100 * gain_share):d}": _reach_at(_gains(y, s), gain_share),
    }


def _bootstrap_metrics(
    y: np.ndarray,
    s: np.ndarray,
    *,
    n_boot: int,
    ci: float,
    gain_share: float,
    rng: np.random.Generator,
    progress: bool,
    label: str,
) -> pd.DataFrame:
    """Each metric of bool outcomes and scores with its percentile interval over ``n_boot``
    resamples of the leads (a resample of one class is skipped; prior validation is
    assumed)."""
    point = _metric_values(y, s, gain_share)
    draws = []
    for _ in tqdm(range(n_boot), desc=f"bootstrap ({label})", leave=False, disable=not progress):
        idx = rng.integers(0, len(y), len(y))
        yb = y[idx]
        if yb.all() or not yb.any():
            continue
        draws.append(_metric_values(yb, s[idx], gain_share))
    table = pd.DataFrame(draws, columns=list(point))
    bounds = [percentile_interval(table[m].to_numpy(), ci) for m in point]
    return pd.DataFrame(
        {
            "metric": list(point),
            "estimate": list(point.values()),
            "low": [low for low, _ in bounds],
            "high": [high for _, high in bounds],
        }
    )
