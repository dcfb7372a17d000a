"""Calibration / holdout check of the purchase model.

* :func:`holdout_purchases` counts each customer's purchase occasions in the holdout period,
  from cleaned purchase lines;
* :func:`holdout_check` compares the model's expected repeat purchases in a holdout period with
  what customers really did, per number of calibration-period purchases
  (:class:`HoldoutCheck`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import CUSTOMER_COL, DATE_COL, FREQUENCY_COL, RECENCY_COL, T_COL
from research._format import ci_label
from research._results import Result
from research._stats import t_interval
from research._validation import (
    check_ci,
    check_int,
    check_number,
    check_option,
    nonnegative_values,
    require_columns,
    require_frame,
)
from research.clv.fitting import ModelFit, _purchase_model, _rfm_arrays
from research.segmentation.cleaning import _TIME_UNITS, _period_codes

__all__ = [
    "holdout_purchases",
    "HoldoutCheck",
    "holdout_check",
    "RANK_CORRELATION",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def holdout_purchases(
    purchases: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    customer_col: str = CUSTOMER_COL,
    date_col: str = DATE_COL,
    time_unit: str = "D",
) -> pd.Series:
    """Purchase occasions of each customer after ``calibration_end``, up to ``holdout_end``.

    Purchases on the same day (week, month with ``time_unit``) count once, as in
    :func:`research.segmentation.rfm_summary`. Nothing is filtered here: pass the cleaned
    purchase lines (``clean_transactions(...).purchases``), so that returns and cancellations
    do not count as purchases.

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase line, e.g. ``clean_transactions(tx, observation_end=...)
        .purchases``. Not modified.
    calibration_end, holdout_end : str or Timestamp
        The holdout period is after ``calibration_end``, up to ``holdout_end`` included.
    customer_col, date_col : str
        Columns of the customer id and the purchase timestamp.
    time_unit : {"D", "W", "M"}, default "D"
        The occasions' clock, as in ``rfm_summary``.

    Returns
    -------
    pandas.Series
        ``holdout_purchases`` per customer with at least one (customers without one are
        absent: count 0).

    Examples
    --------
    >>> lines = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                       "date": pd.to_datetime(["2024-01-02", "2024-02-01",
    ...                                               "2024-02-01", "2024-02-03"])})
    >>> holdout_purchases(lines, "2024-01-31", "2024-02-29").to_dict()
    {'a': 1, 'b': 1}
    """
    frame = require_frame(purchases, "purchases")
    time_unit = str(check_option(time_unit, "time_unit", _TIME_UNITS))
    require_columns(frame, [customer_col, date_col], "purchases")
    start, end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if end <= start:
        raise ValueError(
            f"holdout_end ({end:%Y-%m-%d}) must be after calibration_end ({start:%Y-%m-%d})"
        )
    dates = pd.to_datetime(frame[date_col])
    inside = ((dates > start) & (dates <= end)).to_numpy()
    period = _period_codes(dates[inside], time_unit)
    occasions = pd.DataFrame({"c": frame[customer_col].to_numpy()[inside], "p": period})
    return occasions.drop_duplicates().groupby("c").size().rename("holdout_purchases")


#: :attr:`HoldoutCheck.ranks_right`: the Spearman correlation of the groups' actual and
#: expected means must be above this (strictly) for the model to rank the groups right.
RANK_CORRELATION = 0.9


@dataclass(frozen=True, eq=False, repr=False)
class HoldoutCheck(Result):
    """Expected against actual repeat purchases in a holdout period: the result of
    :func:`holdout_check`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per calibration frequency (index ``calibration_frequency``: ``"0"``, ``"1"``,
        …, ``"7+"``): ``customers``, ``actual`` (mean holdout purchases) with its t-interval
        (``actual_low``, ``actual_high``; NaN for a group of one customer), ``expected`` (the
        model's mean expectation) and ``difference`` (expected - actual).
        ``to_frame()`` adds a last row ``"all"``.
    ci : float
        Level of the intervals.
    n_customers : int
        Customers of the calibration period.
    holdout_length : float
        Length of the holdout period, in the summary's time unit.
    actual, actual_low, actual_high : float
        Mean holdout purchases per customer, over all customers, and its t-interval.
    expected : float
        The model's mean expected purchases per customer.
    model : str
        The purchase model checked (``"BG/NBD"``, ``"MBG/NBD"``, ``"Pareto/NBD"``,
        ``"BG/BB"``).
    """

    table: pd.DataFrame
    ci: float
    n_customers: int
    holdout_length: float
    actual: float
    actual_low: float
    actual_high: float
    expected: float
    model: str = "BG/NBD"

    @property
    def actual_purchases(self) -> float:
        """Purchases the customers made in the holdout period."""
        return self.actual * self.n_customers

    @property
    def expected_purchases(self) -> float:
        """Purchases the model expected of them."""
        return self.expected * self.n_customers

    @property
    def gap(self) -> float:
        """Expected / actual - 1: below 0 the model expected fewer purchases than were made
        (NaN when none was made)."""
        return self.expected / self.actual - 1 if self.actual else float("nan")

    @property
    def ranks_right(self) -> bool:
        """Whether the model ranks the groups as observed: its expectation rises with the
        calibration frequency, and the groups' actual and expected means have a Spearman
        correlation above :data:`RANK_CORRELATION` (what targeting and prioritising need)."""
        groups = self.table
        rising = groups["expected"].is_monotonic_increasing
        corr = groups["actual"].corr(groups["expected"], method="spearman")
        return bool(rising and corr > RANK_CORRELATION)

    def to_frame(self) -> pd.DataFrame:
        """The groups, and a last row ``"all"`` with the figures over all customers."""
        total = pd.DataFrame(
            {
                "customers": [self.n_customers],
                "actual": [self.actual],
                "actual_low": [self.actual_low],
                "actual_high": [self.actual_high],
                "expected": [self.expected],
                "difference": [self.expected - self.actual],
            },
            index=pd.Index(["all"], name=self.table.index.name),
        )
        return pd.concat([self.table, total])

    def _caption(self) -> str:
        return (
            f"Holdout check of {self.model}: {self.n_customers:,} customers over "
            f"{self.holdout_length:g} time units; actual means with {ci_label(self.ci)} "
            "t-intervals"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_holdout_check` of this result."""
        from research.clv.plotting import plot_holdout_check

        return plot_holdout_check(self, ax=ax, **kwargs)


def _group_rows(frame: pd.DataFrame, ci: float) -> pd.DataFrame:
    """Per group of ``frame["group"]``: customers, actual mean and t-interval, expected mean."""
    rows = []
    for name, part in frame.groupby("group", observed=True):
        mean, low, high = t_interval(part["actual"].to_numpy(dtype=np.float64), ci)
        rows.append(
            {
                "calibration_frequency": name,
                "customers": len(part),
                "actual": mean,
                "actual_low": low,
                "actual_high": high,
                "expected": part["expected"].mean(),
            }
        )
    table = pd.DataFrame(rows).set_index("calibration_frequency")
    table["difference"] = table["expected"] - table["actual"]
    return table


def _holdout_length(holdout_length: object) -> float:
    """The holdout period's length, checked: a positive number."""
    length = check_number(holdout_length, "holdout_length")
    if length <= 0:
        raise ValueError(f"holdout_length must be a positive duration, got {holdout_length!r}")
    return length


def _holdout_counts(holdout_purchases: object, customers: pd.Index) -> np.ndarray:
    """Each calibration customer's holdout purchases (0 for those missing), checked."""
    if not isinstance(holdout_purchases, pd.Series):
        raise TypeError("holdout_purchases must be a pandas Series indexed by customer")
    counts = holdout_purchases.reindex(customers).fillna(0).to_frame("holdout_purchases")
    return nonnegative_values(counts, "holdout_purchases", "holdout_purchases")


def holdout_check(
    fit: ModelFit,
    calibration: pd.DataFrame,
    holdout_purchases: pd.Series,
    holdout_length: float,
    *,
    max_frequency: int = 7,
    ci: float = 0.95,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
) -> HoldoutCheck:
    """Expected against actual repeat purchases in a holdout period, per calibration frequency.

    The usual check of a BG/NBD model (Fader, Hardie & Lee 2005, figure 3): customers are
    grouped by their number of repeat purchases in the calibration period; for each group,
    the mean number of purchases they really made in the holdout period (with its t-interval)
    and the mean the model expected.

    Parameters
    ----------
    fit : ModelFit
        A purchase model fitted on ``calibration`` (:func:`fit_bgnbd`, :func:`fit_mbgnbd`,
        :func:`fit_pareto_nbd`, :func:`fit_bgbb`).
    calibration : pandas.DataFrame
        The calibration-period RFM summary.
    holdout_purchases : pandas.Series
        Purchases of each calibration customer in the holdout period (same index; customers
        missing from it made none), e.g. from :func:`holdout_purchases`.
    holdout_length : float
        Length of the holdout period in the summary's time unit (> 0).
    max_frequency : int, default 7
        Calibration frequencies from this on are pooled into one ``"7+"`` group.
    ci : float, default 0.95
        Level of the t-intervals of the actual means.
    frequency_col, recency_col, T_col : str
        Column names of ``calibration``.

    Returns
    -------
    HoldoutCheck
        The groups (``table``), the figures over all customers (``actual``, its interval,
        ``expected``, ``gap``, ``actual_purchases``, ``expected_purchases``) and
        ``ranks_right``; ``plot()`` draws them.

    Raises
    ------
    TypeError
        ``fit`` is not a BG/NBD fit, or ``holdout_purchases`` is not a Series.
    ValueError
        The calibration summary or the holdout counts are invalid, or a parameter is out of
        range.

    Examples
    --------
    >>> check = holdout_check(fit, calibration, holdout_purchases(lines, cal_end, end), 39)
    ... # doctest: +SKIP
    >>> check.gap, check.ranks_right  # doctest: +SKIP
    """
    ci = check_ci(ci)
    max_frequency = check_int(max_frequency, "max_frequency", minimum=1)
    length = _holdout_length(holdout_length)
    model, params = _purchase_model(fit)
    x, t_x, T = _rfm_arrays(calibration, frequency_col, recency_col, T_col, discrete=model.discrete)
    actual = _holdout_counts(holdout_purchases, calibration.index)
    (expected,) = model.expected_at(params, fit.limits, x, t_x, T, [length])
    freq = np.minimum(x.astype(np.int64), max_frequency)
    labels = np.where(freq < max_frequency, freq.astype(str), f"{max_frequency}+")
    order = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    groups = pd.Categorical(labels, categories=order, ordered=True)
    frame = pd.DataFrame({"group": groups, "actual": actual, "expected": expected})
    mean, low, high = t_interval(actual, ci)
    return HoldoutCheck(
        table=_group_rows(frame, ci),
        ci=ci,
        n_customers=len(frame),
        holdout_length=length,
        actual=mean,
        actual_low=low,
        actual_high=high,
        expected=float(frame["expected"].mean()),
        model=fit.model,
    )
