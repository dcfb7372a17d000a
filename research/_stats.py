"""Interval statistics shared by the analyses, written once: Wilson, t, percentile bootstrap,
Poisson rate, group means, logistic odds ratios. Each takes the interval level ``ci`` (0.95
for a 95% interval)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW


def wilson(
    k: np.ndarray | int, n: np.ndarray | int, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval of the rate k / n (statsmodels), NaN where n is 0."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(k, np.where(n > 0, n, 1), alpha=1 - ci, method="wilson")
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def t_interval(values: np.ndarray, ci: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` and the t-interval of the mean (n - 1 degrees of freedom).

    The bounds are NaN with fewer than two values (no spread to measure); the mean is NaN with
    none.
    """
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    if n < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf((1 + ci) / 2, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def percentile_interval(draws: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap ``draws``, the non-finite draws left out (NaN if none
    is finite)."""
    draws = np.asarray(draws, dtype=np.float64)
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return math.nan, math.nan
    low, high = np.quantile(draws, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return float(low), float(high)


def poisson_rate_interval(events: int, exposure: float, ci: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson rate: ``events`` over ``exposure`` units of time.

    The lower bound is 0 when there is no event; both bounds are NaN without exposure.
    """
    if not exposure > 0:
        return math.nan, math.nan
    alpha = 1 - ci
    low = float(stats.chi2.ppf(alpha / 2, 2 * events)) / 2 / exposure if events else 0.0
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * events + 2)) / 2 / exposure
    return low, high


def group_means(values: pd.Series, groups: pd.Series, ci: float = 0.95) -> pd.DataFrame:
    """Per group of ``groups``: ``n``, ``total``, ``mean`` and the t-interval of the mean
    (``low``, ``high``: statsmodels' ``DescrStatsW.tconfint_mean``; NaN below 2 values).

    Prior validation is assumed: ``values`` numeric and finite, ``groups`` without missing
    values, both on the same index. A categorical keeps its category order and its empty
    categories (n 0, total 0, mean NaN); other groups are sorted.
    """
    grouped = values.groupby(groups, observed=False, sort=True)
    out = pd.DataFrame({"n": grouped.size().astype(np.int64), "total": grouped.sum()})
    out["total"] = out["total"].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean"] = out["total"] / out["n"].where(out["n"] > 0)
    low = pd.Series(np.nan, index=out.index)
    high = pd.Series(np.nan, index=out.index)
    for label, vals in values.groupby(groups, observed=True, sort=False):
        if len(vals) >= 2:
            low[label], high[label] = DescrStatsW(vals.to_numpy()).tconfint_mean(alpha=1 - ci)
    out["low"] = low
    out["high"] = high
    return out


def logit_odds_ratios(
    formula: str, data: pd.DataFrame, ci: float = 0.95
) -> tuple[pd.DataFrame, int]:
    """Odds ratios of a logistic model (statsmodels' ``logit`` of ``formula`` on ``data``) and
    the number of rows it was fitted on.

    The table has one row per term but the intercept: ``odds_ratio``, its Wald interval
    ``low``, ``high`` at level ``ci`` and ``p_value``. Prior validation is assumed (a 0/1
    outcome with both values, complete rows).
    """
    fit = smf.logit(formula, data).fit(disp=False)
    conf = fit.conf_int(1 - ci)
    table = pd.DataFrame(
        {
            "odds_ratio": np.exp(fit.params),
            "low": np.exp(conf[0]),
            "high": np.exp(conf[1]),
            "p_value": fit.pvalues,
        }
    ).drop(index="Intercept")
    return table, int(fit.nobs)
