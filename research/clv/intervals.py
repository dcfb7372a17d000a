"""Lifetime value with intervals that carry the uncertainty of the fitted parameters, per
customer, per segment and month by month.

:func:`customer_lifetime_value` gives each customer's expected value at the fitted
parameters. Those parameters are estimates: on a few thousand customers their intervals are
wide (CDNOW's BG/NBD ``b`` runs from 1.3 to 4.4), and a forecast that ignores this claims more
than the data know. :func:`clv_intervals` draws parameter sets from each fit's sampling
distribution (:meth:`ModelFit.draw_params`: normal on the log scale of the parameters with the
fit's covariance), values every customer under each draw, and reports the middle ``ci`` of the
draws (:class:`CLVIntervals`): per customer, per segment, for the whole base, and for the
expected purchases and value of each month of the horizon.

These are intervals on the *expected* value (what the model would forecast if it knew its
parameters exactly), the uncertainty a decision based on the model carries; a single
customer's realised purchases vary much more around it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from research._columns import (
    CLV_COL,
    FREQUENCY_COL,
    MONETARY_COL,
    P_ALIVE_COL,
    RECENCY_COL,
    T_COL,
)
from research._format import ci_label
from research._results import Result
from research._validation import (
    check_ci,
    check_int,
    nonnegative_values,
    require_columns,
)
from research.clv.fitting import ModelFit, _compress, _purchase_model, _rfm_arrays
from research.clv.gamma_gamma import _average_spend, _check_gamma_gamma
from research.clv.value import _MONTH_DAYS, _check_value_settings, _segments_of

__all__ = ["CLVIntervals", "clv_intervals"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False, repr=False)
class CLVIntervals(Result):
    """Lifetime value with parameter-uncertainty intervals: the result of
    :func:`clv_intervals`.

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed like the summary: ``clv`` (at the fitted parameters), ``clv_low``,
        ``clv_high``; ``expected_purchases`` over the horizon with ``_low``/``_high``;
        ``p_alive`` with ``_low``/``_high``.
    monthly : pandas.DataFrame
        One row per month of the horizon (index ``month``, 1 …): the base's
        ``expected_purchases`` and discounted ``value`` in that month, and
        ``cumulative_value``, each with ``_low``/``_high``.
    total : pandas.Series
        The base's value over the horizon: ``clv``, ``clv_low``, ``clv_high``.
    by_segment : pandas.DataFrame or None
        With ``segments``: per segment, ``customers``, ``value_total`` with
        ``value_total_low``/``value_total_high``, and ``value_share`` with its interval.
    ci : float
        Level of the intervals.
    n_draws : int
        Parameter draws behind them.
    horizon_months : int
        The horizon.
    model : str
        The purchase model (``"BG/NBD"``, …).
    """

    customers: pd.DataFrame
    monthly: pd.DataFrame
    total: pd.Series
    by_segment: pd.DataFrame | None
    ci: float
    n_draws: int
    horizon_months: int
    model: str

    def to_frame(self) -> pd.DataFrame:
        """The customers' table, as a new DataFrame."""
        return self.customers.copy()

    def _caption(self) -> str:
        total = self.total
        return (
            f"{self.model} + Gamma-Gamma lifetime value of {len(self.customers):,} customers "
            f"over {self.horizon_months} months: {total['clv']:,.0f} "
            f"({ci_label(self.ci)} interval {total['clv_low']:,.0f} to {total['clv_high']:,.0f}, "
            f"parameter uncertainty from {self.n_draws:,} draws)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_monthly_value` of this result."""
        from research.clv.plotting import plot_monthly_value

        return plot_monthly_value(self, ax=ax, **kwargs)


@dataclass(frozen=True)
class _Valuer:
    """Values the distinct customers under one pair of fits: each customer's discounted value,
    expected purchases over the horizon and P(alive), and the base's purchases and discounted
    value in each month (``weights`` counts the customers behind each distinct row)."""

    rows: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    weights: np.ndarray
    months: list[float]
    discount: np.ndarray

    def __call__(self, purchase_fit: ModelFit, spend_fit: ModelFit) -> tuple[np.ndarray, ...]:
        x, t_x, T, m = self.rows
        kernels, params = _purchase_model(purchase_fit)
        limits = purchase_fit.limits
        cumulative = np.array(kernels.expected_at(params, limits, x, t_x, T, self.months))
        monthly = np.diff(np.vstack([np.zeros(len(x)), cumulative]), axis=0)
        spend = _average_spend(spend_fit, x, m)
        alive = kernels.p_alive(params, limits, x, t_x, T)
        clv = (monthly * self.discount[:, None]).sum(axis=0) * spend
        month_buys = (monthly * self.weights[None, :]).sum(axis=1)
        month_value = (monthly * (spend * self.weights)[None, :]).sum(axis=1) * self.discount
        return clv, monthly.sum(axis=0), alive, month_buys, month_value


def _quantiles(draws: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """The ``tail`` and ``1 - tail`` quantiles over the draws (axis 0)."""
    low, high = np.quantile(draws, [tail, 1 - tail], axis=0)
    return low, high


def clv_intervals(
    bgnbd: ModelFit,
    gamma_gamma: ModelFit,
    summary: pd.DataFrame,
    *,
    segments: pd.Series | None = None,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    unit_days: float = 1.0,
    ci: float = 0.9,
    n_draws: int = 300,
    seed: int | None = 0,
    progress: bool = True,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
    monetary_col: str = MONETARY_COL,
) -> CLVIntervals:
    """Lifetime value per customer, per segment, in total and month by month, with intervals
    that carry the uncertainty of both fits' parameters.

    The value is :func:`customer_lifetime_value`'s (the same horizon, discounting and time
    unit); each of ``n_draws`` parameter sets drawn from the fits' sampling distributions
    (:meth:`ModelFit.draw_params`) values every customer again, and the intervals are the
    middle ``ci`` of those values. Customers with the same frequency, recency, T and spend are
    valued once.

    Parameters
    ----------
    bgnbd, gamma_gamma : ModelFit
        The purchase model's fit (:func:`fit_bgnbd`, :func:`fit_mbgnbd`,
        :func:`fit_pareto_nbd`, :func:`fit_bgbb`) and :func:`fit_gamma_gamma`'s.
    summary : pandas.DataFrame
        The customers to value, with the columns the models were fitted on.
    segments : pandas.Series, optional
        Segment of each customer, indexed like ``summary``: adds ``by_segment``, the segments'
        totals and shares with their intervals.
    horizon_months, monthly_discount_rate, unit_days
        As in :func:`customer_lifetime_value`.
    ci : float, default 0.9
        Level of the intervals.
    n_draws : int, default 300
        Parameter draws (>= 50); the interval bounds move by about 1 / sqrt(n_draws) of
        their width from one seed to another.
    seed : int or None, default 0
        Seed of the draws.
    progress : bool, default True
        Show a progress bar over the draws.
    frequency_col, recency_col, T_col, monetary_col : str
        Column names.

    Returns
    -------
    CLVIntervals
        ``customers``, ``monthly``, ``total``, ``by_segment``; ``plot()`` draws the monthly
        value with its band.

    Raises
    ------
    TypeError
        A fit of the wrong kind, or ``segments`` not a Series.
    ValueError
        Invalid summary, a fit without a covariance, a customer without a segment, or
        settings out of range.

    Examples
    --------
    >>> value = clv_intervals(fit_bgnbd(s), fit_gamma_gamma(s), s, unit_days=7)
    ... # doctest: +SKIP
    >>> value.total  # doctest: +SKIP
    """
    horizon, rate, days = _check_value_settings(horizon_months, monthly_discount_rate, unit_days)
    ci = check_ci(ci)
    n_draws = check_int(n_draws, "n_draws", minimum=50)
    model, params = _purchase_model(bgnbd, "bgnbd")
    _check_gamma_gamma(gamma_gamma, "gamma_gamma")
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col, discrete=model.discrete)
    require_columns(summary, [monetary_col], "summary")
    m = nonnegative_values(summary, monetary_col, "summary", "spend cannot be negative")
    groups = None if segments is None else _segments_of(segments, summary.index, "summary")
    # distinct customers, valued once
    (ux, ut, uT, um), _ = _compress(x, t_x, T, m)
    keys = pd.MultiIndex.from_arrays([ux, ut, uT, um])
    at = keys.get_indexer(pd.MultiIndex.from_arrays([x, t_x, T, m]))
    weights = np.bincount(at, minlength=len(ux)).astype(float)
    months = [k * _MONTH_DAYS / days for k in range(1, horizon + 1)]
    discount = (1 + rate) ** -np.arange(1, horizon + 1)
    valuer = _Valuer((ux, ut, uT, um), weights, months, discount)
    point = valuer(bgnbd, gamma_gamma)
    purchase_draws = bgnbd.draw_params(n_draws, seed=seed)
    spend_draws = gamma_gamma.draw_params(n_draws, seed=None if seed is None else seed + 1)
    per_draw = []
    with np.errstate(all="ignore"):
        for d in tqdm(range(n_draws), desc="CLV intervals", disable=not progress, leave=False):
            purchase_fit = dataclasses.replace(
                bgnbd, params=pd.Series(purchase_draws.iloc[d].to_numpy(), index=bgnbd.params.index)
            )
            spend_fit = dataclasses.replace(
                gamma_gamma,
                params=pd.Series(spend_draws.iloc[d].to_numpy(), index=gamma_gamma.params.index),
            )
            per_draw.append(valuer(purchase_fit, spend_fit))
    clv_d, buys_d, alive_d, month_buys_d, month_value_d = (
        np.array([draw[i] for draw in per_draw]) for i in range(5)
    )
    clv0, buys0, alive0, month_buys0, month_value0 = point
    tail = (1 - ci) / 2
    columns = {}
    for name, now, draws in (
        (CLV_COL, clv0, clv_d),
        ("expected_purchases", buys0, buys_d),
        (P_ALIVE_COL, alive0, alive_d),
    ):
        low, high = _quantiles(draws, tail)
        columns[name] = now[at]
        columns[f"{name}_low"] = low[at]
        columns[f"{name}_high"] = high[at]
    customers = pd.DataFrame(columns, index=summary.index)
    monthly_table = pd.DataFrame(index=pd.Index(np.arange(1, horizon + 1), name="month"))
    for name, now, draws in (
        ("expected_purchases", month_buys0, month_buys_d),
        ("value", month_value0, month_value_d),
        ("cumulative_value", np.cumsum(month_value0), np.cumsum(month_value_d, axis=1)),
    ):
        low, high = _quantiles(draws, tail)
        monthly_table[name] = now
        monthly_table[f"{name}_low"] = low
        monthly_table[f"{name}_high"] = high
    total_d = (clv_d * weights[None, :]).sum(axis=1)  # no BLAS: the same sum on every machine
    t_low, t_high = _quantiles(total_d, tail)
    total = pd.Series(
        {CLV_COL: float((clv0 * weights).sum()), "clv_low": float(t_low), "clv_high": float(t_high)}
    )
    by_segment = None
    if groups is not None:
        by_segment = _segment_intervals(
            groups, at, clv0, clv_d, total_d, (clv0 * weights).sum(), tail
        )
    return CLVIntervals(
        customers=customers,
        monthly=monthly_table,
        total=total,
        by_segment=by_segment,
        ci=ci,
        n_draws=n_draws,
        horizon_months=horizon,
        model=bgnbd.model,
    )


def _segment_intervals(
    groups: pd.Series,
    at: np.ndarray,
    clv0: np.ndarray,
    clv_d: np.ndarray,
    total_d: np.ndarray,
    total0: float,
    tail: float,
) -> pd.DataFrame:
    """Each segment's total value and share of the base's, with intervals over the draws."""
    codes, names = pd.factorize(groups, sort=True)
    rows = []
    for k, name in enumerate(names):
        members = at[codes == k]
        counts = np.bincount(members, minlength=clv_d.shape[1]).astype(float)
        seg_d = (clv_d * counts[None, :]).sum(axis=1)
        seg0 = float((clv0 * counts).sum())
        share_d = seg_d / total_d
        low, high = _quantiles(seg_d, tail)
        s_low, s_high = _quantiles(share_d, tail)
        rows.append(
            {
                "segment": name,
                "customers": int((codes == k).sum()),
                "value_total": seg0,
                "value_total_low": float(low),
                "value_total_high": float(high),
                "value_share": seg0 / total0 if total0 else np.nan,
                "value_share_low": float(s_low),
                "value_share_high": float(s_high),
            }
        )
    return pd.DataFrame(rows).set_index("segment")
