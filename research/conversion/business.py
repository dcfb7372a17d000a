"""Business views of a scorer: deciles, calibration, profit, tiers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from research._stats import percentile_interval, wilson
from research.conversion._inputs import _check_ci, _check_positive_int, _check_scores
from research.conversion.metrics import cumulative_gains

__all__ = [
    "lift_table",
    "calibration_table",
    "profit_curve",
    "ProfitCurve",
    "lead_tiers",
    "tier_outcomes",
]

# --------------------------------------------------------------------------------------------
# business views: deciles, calibration, profit, tiers
# --------------------------------------------------------------------------------------------


def lift_table(
    y_true: object, scores: object, *, n_bins: int = 10, ci: float = 0.95
) -> pd.DataFrame:
    """Leads split into equal groups by score (deciles by default), best group first.

    Parameters
    ----------
    y_true : array-like
        Whether each lead converted.
    scores : array-like
        Score per lead.
    n_bins : int, default 10
        Number of groups. Leads are ranked by score, highest first (equal scores in row
        order), and cut into groups of (nearly) equal size, so each group has
        ``n // n_bins`` or one more lead.
    ci : float, default 0.95
        Level of the Wilson intervals of the rates.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group`` (1 = highest scores), ``leads``, ``conversions``,
        ``rate`` with ``low`` and ``high`` (Wilson), ``lift`` (rate / overall rate),
        ``score_min`` and ``score_max``, ``cum_leads``, ``cum_conversions``,
        ``cum_share_called``, ``cumulative_gain`` (share of all converters in this group and
        the ones above) and ``cum_lift``.

    Examples
    --------
    >>> t = lift_table([1, 1, 0, 1, 0, 0, 0, 0, 0, 0], [.9, .8, .7, .6, .5, .4, .3, .2, .1, 0],
    ...                n_bins=5)
    >>> t["conversions"].tolist(), t["lift"].tolist()[:2]
    ([2, 1, 0, 0, 0], [3.3333333333333335, 1.6666666666666667])
    """
    y, s = _check_scores(y_true, scores)
    n_bins = _check_positive_int(n_bins, "n_bins", 1)
    _check_ci(ci)
    if n_bins > len(s):
        raise ValueError(f"n_bins={n_bins} is more than the {len(s):,} leads: lower n_bins")
    order = np.argsort(-s, kind="stable")
    group = np.empty(len(s), dtype=np.int64)
    group[order] = np.arange(len(s)) * n_bins // len(s) + 1
    frame = pd.DataFrame({"group": group, "y": y, "s": s})
    out = (
        frame.groupby("group")
        .agg(
            leads=("y", "size"),
            conversions=("y", "sum"),
            score_min=("s", "min"),
            score_max=("s", "max"),
        )
        .reset_index()
    )
    out["conversions"] = out["conversions"].astype(np.int64)
    overall = y.mean()
    out.insert(3, "rate", out["conversions"] / out["leads"])
    low, high = wilson(out["conversions"], out["leads"], ci)
    out.insert(4, "low", low)
    out.insert(5, "high", high)
    out.insert(6, "lift", out["rate"] / overall)
    out["cum_leads"] = out["leads"].cumsum()
    out["cum_conversions"] = out["conversions"].cumsum()
    out["cum_share_called"] = out["cum_leads"] / len(s)
    out["cumulative_gain"] = out["cum_conversions"] / y.sum()
    out["cum_lift"] = out["cumulative_gain"] / out["cum_share_called"]
    return out


def calibration_table(
    y_true: object,
    scores: object,
    *,
    n_bins: int = 10,
    strategy: Literal["quantile", "uniform"] = "quantile",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Predicted against observed conversion per score bin, with Wilson intervals.

    Parameters
    ----------
    y_true, scores : array-like
        Outcomes and predicted probabilities.
    n_bins : int, default 10
        Number of bins.
    strategy : {"quantile", "uniform"}, default "quantile"
        Bins of equal size (ranked by score, as in :func:`lift_table`, lowest scores first),
        or of equal width on [0, 1] (empty bins are left out).
    ci : float, default 0.95
        Level of the intervals of the observed rate.

    Returns
    -------
    pandas.DataFrame
        One row per bin, lowest scores first: ``bin``, ``leads``, ``conversions``,
        ``predicted`` (mean score), ``observed`` (conversion rate) with ``low`` and
        ``high``, ``score_min`` and ``score_max``. A calibrated scorer has ``predicted``
        inside the interval in most bins.
    """
    y, s = _check_scores(y_true, scores)
    n_bins = _check_positive_int(n_bins, "n_bins", 1)
    _check_ci(ci)
    if strategy == "quantile":
        if n_bins > len(s):
            raise ValueError(f"n_bins={n_bins} is more than the {len(s):,} leads")
        order = np.argsort(s, kind="stable")
        bins = np.empty(len(s), dtype=np.int64)
        bins[order] = np.arange(len(s)) * n_bins // len(s) + 1
    elif strategy == "uniform":
        bins = np.minimum((s * n_bins).astype(np.int64), n_bins - 1) + 1
    else:
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    frame = pd.DataFrame({"bin": bins, "y": y, "s": s})
    out = (
        frame.groupby("bin")
        .agg(
            leads=("y", "size"),
            conversions=("y", "sum"),
            predicted=("s", "mean"),
            score_min=("s", "min"),
            score_max=("s", "max"),
        )
        .reset_index()
    )
    out["conversions"] = out["conversions"].astype(np.int64)
    out.insert(4, "observed", out["conversions"] / out["leads"])
    low, high = wilson(out["conversions"], out["leads"], ci)
    out.insert(5, "low", low)
    out.insert(6, "high", high)
    return out


@dataclass
class ProfitCurve:
    """Result of :func:`profit_curve`.

    Attributes
    ----------
    curve : pandas.DataFrame
        One row per possible cut-off (call every lead scoring at least ``threshold``), from
        calling nobody to calling everyone: ``threshold``, ``leads_called``,
        ``conversions``, ``share_called``, ``share_reached``, ``revenue``, ``cost``,
        ``profit`` (on the outcomes) and ``expected_profit`` (what the scores promise: the
        sum of the called leads' probabilities times the value, minus the cost; close to
        ``profit`` when the scores are calibrated).
    best : dict
        The cut-off with the highest profit: ``threshold``, ``leads_called``,
        ``share_called``, ``share_reached``, ``conversions``, ``profit``, and, when
        bootstrapped, ``profit_low``/``profit_high`` (profit of the chosen cut-off on
        resampled leads) and ``threshold_low``/``threshold_high`` (where the best cut-off
        falls on resampled leads).
    breakeven : float
        ``cost_per_contact / value_per_conversion``: with calibrated scores, calling pays for
        every lead whose probability is above it.
    value_per_conversion, cost_per_contact : float
        The inputs.
    ci : float
        Level of the bootstrap intervals in ``best`` (the chart says it).
    """

    curve: pd.DataFrame
    best: dict[str, float]
    breakeven: float
    value_per_conversion: float
    cost_per_contact: float
    ci: float = 0.95


def profit_curve(
    y_true: object,
    scores: object,
    *,
    value_per_conversion: float,
    cost_per_contact: float,
    n_boot: int = 200,
    ci: float = 0.95,
    random_state: int = 0,
) -> ProfitCurve:
    """Profit of calling the leads above each score cut-off, and the best cut-off.

    Calling the leads that score at least ``t`` earns ``value_per_conversion`` per converter
    among them and costs ``cost_per_contact`` per call; the profit is counted on the
    outcomes given (use out-of-sample scores from :func:`evaluate` so it is not flattered).
    Leads with equal scores are called together.

    Parameters
    ----------
    y_true, scores : array-like
        Outcomes and scores.
    value_per_conversion : float
        Value of one conversion (e.g. margin of a term deposit), > 0.
    cost_per_contact : float
        Cost of one call, >= 0.
    n_boot : int, default 200
        Bootstrap resamples of the leads for the intervals of the best cut-off (0: none).
    ci : float, default 0.95
        Interval level.
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    ProfitCurve

    Examples
    --------
    >>> pc = profit_curve([1, 1, 0, 1, 0], [.9, .8, .7, .6, .5], value_per_conversion=10,
    ...                   cost_per_contact=3, n_boot=0)
    >>> pc.best["threshold"], pc.best["profit"], pc.best["share_called"]
    (0.6, 18.0, 0.8)
    """
    y, s = _check_scores(y_true, scores)
    for name, value, low in (
        ("value_per_conversion", value_per_conversion, False),
        ("cost_per_contact", cost_per_contact, True),
    ):
        if not np.isfinite(value) or value < 0 or (value == 0 and not low):
            raise ValueError(
                f"{name} must be a {'non-negative' if low else 'positive'} number, got {value!r}"
            )
    n_boot = _check_positive_int(n_boot, "n_boot", 0)
    _check_ci(ci)

    def curve_of(yy: np.ndarray, ss: np.ndarray) -> pd.DataFrame:
        gains = cumulative_gains(yy, ss)
        revenue = value_per_conversion * gains["conversions"].to_numpy(dtype=np.float64)
        cost = cost_per_contact * gains["leads_called"].to_numpy(dtype=np.float64)
        return gains.assign(revenue=revenue, cost=cost, profit=revenue - cost)

    curve = curve_of(y, s)
    # what the scores themselves promise: the expected conversions of the leads called
    ranked = np.sort(s)[::-1]
    expected = np.r_[0.0, np.cumsum(ranked)][curve["leads_called"].to_numpy()]
    curve["expected_profit"] = (
        value_per_conversion * expected - cost_per_contact * curve["leads_called"]
    )
    i = int(np.argmax(curve["profit"].to_numpy()))
    row = curve.iloc[i]
    best = {
        "threshold": float(row["threshold"]),
        "leads_called": int(row["leads_called"]),
        "share_called": float(row["share_called"]),
        "share_reached": float(row["share_reached"]),
        "conversions": int(row["conversions"]),
        "profit": float(row["profit"]),
    }
    if n_boot:
        rng = np.random.default_rng(random_state)
        profits, thresholds = [], []
        for _ in range(n_boot):
            idx = rng.integers(0, len(y), len(y))
            yb, sb = y[idx], s[idx]
            if yb.all() or not yb.any():
                continue
            called = sb >= best["threshold"]
            profits.append(
                value_per_conversion * yb[called].sum() - cost_per_contact * called.sum()
            )
            cb = curve_of(yb, sb)
            thresholds.append(float(cb["threshold"].iloc[int(np.argmax(cb["profit"]))]))
        best["profit_low"], best["profit_high"] = percentile_interval(np.asarray(profits), ci)
        best["threshold_low"], best["threshold_high"] = percentile_interval(
            np.minimum(thresholds, 1.0), ci
        )
        best = {k: float(v) if isinstance(v, np.floating) else v for k, v in best.items()}
    return ProfitCurve(
        curve=curve,
        best=best,
        breakeven=cost_per_contact / value_per_conversion,
        value_per_conversion=float(value_per_conversion),
        cost_per_contact=float(cost_per_contact),
        ci=float(ci),
    )


def lead_tiers(
    scores: object,
    *,
    shares: Sequence[float] = (0.1, 0.2, 0.3, 0.4),
    cutoffs: Sequence[float] | None = None,
    labels: Sequence[str] = ("A", "B", "C", "D"),
) -> pd.Categorical:
    """A-D tiers: by share of leads (default: top 10% A, next 20% B, 30% C, 40% D) or by
    probability cut-offs.

    Parameters
    ----------
    scores : array-like
        Score per lead.
    shares : sequence of float, default (0.1, 0.2, 0.3, 0.4)
        Share of the leads in each tier, best first; they must add up to 1. Ties at a tier
        edge are split by row order.
    cutoffs : sequence of float, optional
        Instead of shares: decreasing probability cut-offs, one fewer than the labels, e.g.
        ``(0.5, 0.2, 0.1)``: A at 0.5 or more, B from 0.2, C from 0.1, D below.
    labels : sequence of str, default ("A", "B", "C", "D")
        Tier names, best first.

    Returns
    -------
    pandas.Categorical
        Ordered ``D < C < B < A``, one tier per lead.

    Examples
    --------
    >>> list(lead_tiers([0.9, 0.1, 0.5, 0.3], cutoffs=(0.8, 0.4, 0.2)))
    ['A', 'D', 'B', 'C']
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    if s.size == 0 or not np.isfinite(s).all():
        raise ValueError("scores must be a non-empty array without missing values")
    labels = list(labels)
    if cutoffs is not None:
        cuts = np.asarray(cutoffs, dtype=np.float64)
        if len(cuts) != len(labels) - 1 or np.any(np.diff(cuts) >= 0):
            raise ValueError(
                f"cutoffs must be {len(labels) - 1} decreasing values for the labels {labels}, "
                f"got {list(cutoffs)}"
            )
        tier = (s[:, None] < cuts[None, :]).sum(axis=1)
    else:
        share = np.asarray(shares, dtype=np.float64)
        if len(share) != len(labels) or np.any(share <= 0) or not np.isclose(share.sum(), 1):
            raise ValueError(
                f"shares must be {len(labels)} positive values adding up to 1, got {list(shares)}"
            )
        order = np.argsort(-s, kind="stable")
        rank = np.empty(len(s))
        rank[order] = (np.arange(len(s)) + 0.5) / len(s)
        tier = np.searchsorted(np.cumsum(share), rank)
    return pd.Categorical.from_codes(len(labels) - 1 - tier, categories=labels[::-1], ordered=True)


def _outcomes(y_true: object, n: int) -> np.ndarray:
    """Binary outcomes as bool, one per tier label; unlike a score, a tier table may have no
    conversion at all (or only conversions)."""
    values = (
        pd.Series(y_true).reset_index(drop=True) if not isinstance(y_true, pd.Series) else y_true
    )
    if len(values) != n:
        raise ValueError(
            f"the target y_true has {len(values):,} values but tiers has {n:,} rows: one "
            "outcome per lead is expected"
        )
    if values.isna().any():
        raise ValueError(f"the target y_true has {int(values.isna().sum()):,} missing values")
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=bool)
    levels = set(pd.unique(values.to_numpy(dtype=object)).tolist())
    if not levels <= {0, 1}:
        raise ValueError(
            "the target y_true must be binary (bool or 0/1), got values "
            f"{sorted(map(str, levels))[:5]}"
        )
    return values.to_numpy(dtype=np.float64) == 1


def tier_outcomes(tiers: object, y_true: object, *, ci: float = 0.95) -> pd.DataFrame:
    """How the leads of each tier converted: counts, rate with its Wilson interval, and lift.

    Parameters
    ----------
    tiers : array-like
        Tier of each lead, e.g. the output of :func:`lead_tiers` (an ordered Categorical, whose
        best tier comes first here); other labels are listed in sorted order.
    y_true : array-like
        Outcome of each lead (bool or 0/1), matched by position.
    ci : float, default 0.95
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by tier, best first (every tier of a Categorical, with 0 leads if empty):
        ``leads``, ``conversions``, ``rate`` with ``low`` and ``high``, ``share_of_leads``,
        ``share_of_conversions`` and ``lift`` (the tier's rate over the overall rate).

    Raises
    ------
    ValueError
        The lengths differ, a tier or an outcome is missing, an outcome is not binary (bool
        or 0/1), or ``ci`` is outside (0, 1). No conversion at all is not an error: the rates
        are then 0 and the lift undefined.

    Examples
    --------
    >>> tiers = lead_tiers([0.9, 0.8, 0.2, 0.1], cutoffs=(0.5,), labels=("A", "B"))
    >>> table = tier_outcomes(tiers, [1, 0, 0, 0])
    >>> table.index.tolist(), table["conversions"].tolist(), table["rate"].tolist()
    (['A', 'B'], [1, 0], [0.5, 0.0])
    """
    ci = _check_ci(ci)
    if isinstance(tiers, pd.Categorical | pd.Series) and isinstance(
        getattr(tiers, "dtype", None), pd.CategoricalDtype
    ):
        cat = pd.Categorical(tiers)
        order = list(cat.categories[::-1]) if cat.ordered else list(cat.categories)
        labels = pd.Series(cat)
    else:
        labels = pd.Series(np.asarray(tiers).ravel())  # numbers stay numbers, sorted as such
        order = sorted(labels.dropna().unique().tolist())
    if labels.isna().any():
        raise ValueError(f"tiers has {int(labels.isna().sum()):,} missing values")
    y = _outcomes(y_true, len(labels))
    frame = pd.DataFrame({"tier": labels.astype(object).to_numpy(), "y": y})
    grouped = frame.groupby("tier")["y"]
    leads = grouped.size().reindex(order, fill_value=0).astype(np.int64)
    conversions = grouped.sum().reindex(order, fill_value=0).astype(np.int64)
    low, high = wilson(conversions.to_numpy(), leads.to_numpy(), ci)
    overall = y.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(leads > 0, conversions / leads.where(leads > 0, 1), np.nan)
        total_conv = conversions.sum()
        out = pd.DataFrame(
            {
                "leads": leads,
                "conversions": conversions,
                "rate": rate,
                "low": low,
                "high": high,
                "share_of_leads": leads / leads.sum(),
                "share_of_conversions": conversions / total_conv if total_conv else np.nan,
                "lift": rate / overall if overall > 0 else np.nan,
            }
        )
    out.index = pd.Index(order, name="tier")
    return out
