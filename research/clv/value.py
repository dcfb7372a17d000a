"""Customer lifetime value from the two models, per customer and per segment.

* :func:`customer_lifetime_value` combines both into the expected discounted value of each
  customer over a horizon; :func:`clv_by_segment` sums it by segment;
  :func:`value_concentration` says how much of the total the best customers hold.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import (
    CLV_COL,
    FREQUENCY_COL,
    MONETARY_COL,
    P_ALIVE_COL,
    RECENCY_COL,
    SEGMENT_COL,
    T_COL,
)
from research._results import Result, read_only_array
from research._validation import (
    check_ci,
    check_int,
    check_number,
    check_share,
    nonnegative_values,
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.clv.fitting import ModelFit, _purchase_model, _rfm_arrays
from research.clv.gamma_gamma import _average_spend, _check_gamma_gamma
from research.segmentation.value import SegmentValue, _check_segments, _segment_value

__all__ = [
    "customer_lifetime_value",
    "clv_by_segment",
    "SEGMENT_ACTIONS",
    "segment_actions",
    "TOP_SHARES",
    "ValueConcentration",
    "value_concentration",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# --------------------------------------------------------------------------------------------
# lifetime value
# --------------------------------------------------------------------------------------------

#: Days in a month (365.25 / 12).
_MONTH_DAYS = 30.4375


def _check_value_settings(
    horizon_months: object, monthly_discount_rate: object, unit_days: object
) -> tuple[int, float, float]:
    """The horizon, discount rate and time unit of :func:`customer_lifetime_value`, checked."""
    horizon = check_int(horizon_months, "horizon_months", minimum=1)
    rate = check_share(
        monthly_discount_rate,
        "monthly_discount_rate (a rate per month, e.g. 0.01)",
        low_open=False,
    )
    days = check_number(unit_days, "unit_days")
    if days <= 0:
        raise ValueError(f"unit_days must be a positive number of days, got {unit_days!r}")
    return horizon, rate, days


def customer_lifetime_value(
    bgnbd: ModelFit,
    gamma_gamma: ModelFit,
    summary: pd.DataFrame,
    *,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    unit_days: float = 1.0,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
    monetary_col: str = MONETARY_COL,
) -> pd.DataFrame:
    """Expected discounted value of each customer over the next ``horizon_months`` months.

    ``CLV = sum over months m of (E[purchases in month m]) * E[spend per purchase] / (1 + d)^m``,
    with the purchases from the BG/NBD model (conditional on each customer's history) and the
    spend from the Gamma-Gamma model; a month is 30.4375 days. The summary is validated once,
    whatever the horizon, and the parts of the expectation that do not depend on the month are
    computed once.

    Parameters
    ----------
    bgnbd, gamma_gamma : ModelFit
        The purchase model's fit (:func:`fit_bgnbd`, or :func:`fit_mbgnbd`,
        :func:`fit_pareto_nbd`, :func:`fit_bgbb`) and :func:`fit_gamma_gamma`'s.
    summary : pandas.DataFrame
        The customers to value, with the columns the models were fitted on.
    horizon_months : int, default 12
        Horizon in months (>= 1).
    monthly_discount_rate : float, default 0.01
        Discount rate per month, in [0, 1) (0.01 is about 12.7% a year).
    unit_days : float, default 1.0
        Length of the summary's time unit in days: 1 for ``rfm_summary(time_unit="D")``, 7 for
        weeks (``time_scale=7``).
    frequency_col, recency_col, T_col, monetary_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_average_spend`` and ``clv``.

    Examples
    --------
    >>> clv = customer_lifetime_value(fit_bgnbd(s), fit_gamma_gamma(s), s, unit_days=7)
    ... # doctest: +SKIP
    """
    horizon, rate, days = _check_value_settings(horizon_months, monthly_discount_rate, unit_days)
    model, params = _purchase_model(bgnbd, "bgnbd")
    _check_gamma_gamma(gamma_gamma, "gamma_gamma")
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col, discrete=model.discrete)
    require_columns(summary, [monetary_col], "summary")
    m = nonnegative_values(summary, monetary_col, "summary", "spend cannot be negative")
    spend = _average_spend(gamma_gamma, x, m)
    month = _MONTH_DAYS / days
    months = [k * month for k in range(1, horizon + 1)]
    previous = np.zeros(len(summary))
    value = np.zeros(len(summary))
    cumulatives = model.expected_at(params, bgnbd.limits, x, t_x, T, months)
    for k, cumulative in enumerate(cumulatives, start=1):
        value += (cumulative - previous) / (1 + rate) ** k
        previous = cumulative
    return pd.DataFrame(
        {
            P_ALIVE_COL: model.p_alive(params, bgnbd.limits, x, t_x, T),
            "expected_purchases": previous,
            "expected_average_spend": spend,
            CLV_COL: value * spend,
        },
        index=summary.index,
    )


def _segments_of(segments: object, customers: pd.Index, what: str) -> pd.Series:
    """Each customer's segment, in the customers' order: a Series with every customer of
    ``what`` and no missing segment, else a TypeError or a ValueError naming the rows."""
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series, got {type(segments).__name__}")
    missing = customers.difference(segments.index)
    if len(missing):
        raise ValueError(
            f"{len(missing):,} customers of {what} have no segment (e.g. {rows_repr(missing)})"
        )
    groups = segments.reindex(customers)
    _check_segments(groups, "segments")
    return groups


def clv_by_segment(
    clv: pd.DataFrame | pd.Series,
    segments: pd.Series,
    *,
    value_col: str = CLV_COL,
    alive_col: str | None = P_ALIVE_COL,
    ci: float = 0.95,
) -> SegmentValue:
    """Lifetime value per segment: customers, mean (with interval), total and share of total.

    Parameters
    ----------
    clv : pandas.DataFrame or Series
        Output of :func:`customer_lifetime_value` (or a Series of values), indexed by customer.
        Not modified.
    segments : pandas.Series
        Segment of each customer, indexed like ``clv`` (e.g. ``rfm_segments(...)["segment"]``
        or ``CustomerSegmenter.labels_``).
    value_col : str, default "clv"
        Column of ``clv`` to sum (ignored for a Series).
    alive_col : str or None, default "p_alive"
        Column of ``clv`` with each customer's probability of being active: when ``clv`` has
        it, the table gets ``p_alive``, the segment's mean (what :func:`segment_actions`
        reads). None leaves it out.
    ci : float, default 0.95
        Level of the t-interval of the mean.

    Returns
    -------
    SegmentValue
        Its ``table`` is indexed by segment: ``customers``, ``share``, ``value_total``,
        ``value_share``, ``value_mean``, ``value_mean_low``, ``value_mean_high`` (and
        ``p_alive``); ``plot()`` draws the shares of customers and of value.

    Raises
    ------
    TypeError
        ``clv`` is not a DataFrame or Series, ``segments`` not a Series, or a value is not
        numeric.
    ValueError
        A column is missing, there are no rows, a customer has no segment, or a value is
        missing.

    Examples
    --------
    >>> by_segment = clv_by_segment(clv, rfm_segments(summary)["segment"])  # doctest: +SKIP
    >>> by_segment.plot()  # doctest: +SKIP
    """
    ci = check_ci(ci)
    frame = (
        clv.to_frame(name=value_col) if isinstance(clv, pd.Series) else require_frame(clv, "clv")
    )
    require_columns(frame, [value_col], "clv")
    require_rows(frame, "clv")
    groups = _segments_of(segments, frame.index, "clv")
    values = pd.Series(numeric_values(frame, value_col, "clv"), index=frame.index)
    value = _segment_value(values, groups, ci=ci, value_col=value_col, segment_col=SEGMENT_COL)
    if alive_col is not None and alive_col in frame.columns:
        alive = pd.Series(numeric_values(frame, alive_col, "clv"), index=frame.index)
        mean_alive = alive.groupby(groups, observed=False).mean().reindex(value.table.index)
        value = dataclasses.replace(value, table=value.table.assign(**{P_ALIVE_COL: mean_alive}))
    return value


#: What :func:`segment_actions` says each kind of segment calls for.
SEGMENT_ACTIONS = {
    "grow": "marketing: invest to grow",
    "save": "sales: call first",
    "automate": "automation only",
}


def segment_actions(by_segment: SegmentValue, *, alive_threshold: float = 0.5) -> pd.Series:
    """Which team acts on each segment, from its share of the future value and P(alive).

    A segment is *valuable* when it holds more than an equal share of the value (more than
    ``by_segment.equal_share``: 1 / the number of segments with customers, see
    :attr:`~research.segmentation.SegmentValue.equal_share`) and *active* when its
    customers' mean P(alive) is at least ``alive_threshold``. Valuable and active: marketing
    invests to grow it; valuable but slipping away: sales calls first; the rest: automation
    only (the texts are :data:`SEGMENT_ACTIONS`). Segments without customers get no action
    (missing).

    Parameters
    ----------
    by_segment : SegmentValue
        The result of :func:`clv_by_segment` on the output of :func:`customer_lifetime_value`,
        whose table has the segments' mean P(alive) (``p_alive``) beside their
        ``value_share``.
    alive_threshold : float, default 0.5
        The mean P(alive) from which a segment counts as active, in (0, 1).

    Returns
    -------
    pandas.Series
        The action per segment, indexed like ``by_segment.table``, named ``"who acts"``.

    Raises
    ------
    TypeError
        ``by_segment`` is not a SegmentValue.
    ValueError
        Its table has no ``p_alive`` (the values were not the output of
        :func:`customer_lifetime_value`), a mean P(alive) is missing where there are
        customers, or ``alive_threshold`` is outside (0, 1).

    Examples
    --------
    >>> clv = pd.DataFrame({"clv": [50.0, 40.0, 5.0, 3.0, 2.0],
    ...                     "p_alive": [0.9, 0.7, 0.2, 0.9, 0.8]})
    >>> segments = pd.Series(["top", "top", "fading", "rest", "rest"])
    >>> segment_actions(clv_by_segment(clv, segments)).to_dict()
    {'fading': 'automation only', 'rest': 'automation only', 'top': 'marketing: invest to grow'}
    """
    if not isinstance(by_segment, SegmentValue):
        raise TypeError(
            "by_segment must be a SegmentValue (the result of clv_by_segment), got "
            f"{type(by_segment).__name__}"
        )
    threshold = check_share(alive_threshold, "alive_threshold")
    frame = by_segment.table
    require_columns(
        frame,
        [P_ALIVE_COL],
        "by_segment.table",
        "Pass clv_by_segment the output of customer_lifetime_value, which has p_alive.",
    )
    present = frame[frame["customers"] > 0]
    share = present["value_share"].to_numpy(dtype=np.float64)
    alive = numeric_values(present, P_ALIVE_COL, "by_segment.table")
    valuable = share > by_segment.equal_share
    active = alive >= threshold
    actions = np.select(
        [valuable & active, valuable & ~active],
        [SEGMENT_ACTIONS["grow"], SEGMENT_ACTIONS["save"]],
        default=SEGMENT_ACTIONS["automate"],
    )
    out = pd.Series(pd.NA, index=frame.index, dtype="string", name="who acts")
    out[frame["customers"].to_numpy() > 0] = actions
    return out


# --------------------------------------------------------------------------------------------
# concentration of the value
# --------------------------------------------------------------------------------------------

#: Shares of the best customers whose share of the total value :func:`value_concentration`
#: reports by default (and the CLV chart writes on its curve).
TOP_SHARES = (0.10, 0.20)


def _top_count(share: float, n: int) -> int:
    """Number of customers in the top ``share`` of ``n``: ceil(share * n), at least 1."""
    # round first so that 0.1 * 30 = 3.0000000000000004 counts 3 customers, not 4
    return max(1, math.ceil(round(share * n, 9)))


@dataclass(frozen=True, eq=False, repr=False)
class ValueConcentration(Result):
    """How a value is spread over customers: the result of :func:`value_concentration`.

    The figures describe the customers given, all of them (no sample is drawn), so they carry
    no interval.

    Attributes
    ----------
    value_col : str
        The column the values came from.
    values : numpy.ndarray
        Every customer's value, highest first (a read-only copy).
    total, median, mean : float
        Sum, median and mean of the values (values of 0 or less included).
    n_nonpositive : int
        Customers whose value is 0 or less.
    top : pandas.DataFrame
        One row per requested share of the best customers: ``share``, ``customers`` (the
        ``ceil(share * n)`` with the highest value), ``value`` (what they hold) and
        ``value_share`` (``value / total``).
    """

    value_col: str
    values: np.ndarray
    total: float
    median: float
    mean: float
    n_nonpositive: int
    top: pd.DataFrame

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", read_only_array(self.values))

    @property
    def n_customers(self) -> int:
        """Number of customers."""
        return len(self.values)

    @property
    def curve(self) -> np.ndarray:
        """Share of the total held by the best ``k`` customers, for ``k = 0 … n`` (n + 1 values)."""
        return np.concatenate([[0.0], np.cumsum(self.values) / self.total])

    def share_held(self, share: float) -> float:
        """Share of the total held by the top ``share`` of customers (``ceil(share * n)``)."""
        share = check_share(share, "share", high_open=False)
        k = _top_count(share, self.n_customers)
        return float(self.values[:k].sum() / self.total)

    def to_frame(self) -> pd.DataFrame:
        """The ``top`` table (a copy)."""
        return self.top.copy()

    def _caption(self) -> str:
        return (
            f"Concentration of {self.value_col!r} over {self.n_customers:,} customers "
            f"(total {self.total:,.2f})"
        )

    def plot(self, ax: Axes | Sequence[Axes] | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_clv_distribution` of this result."""
        from research.clv.plotting import plot_clv_distribution

        return plot_clv_distribution(self, ax=ax, **kwargs)


def value_concentration(
    clv: pd.DataFrame | pd.Series,
    *,
    value_col: str = CLV_COL,
    shares: Sequence[float] = TOP_SHARES,
) -> ValueConcentration:
    """Share of the total value held by the best customers (the concentration of value).

    Parameters
    ----------
    clv : pandas.DataFrame or Series
        One row per customer, e.g. the output of :func:`customer_lifetime_value`, or a Series
        of values. Not modified.
    value_col : str, default "clv"
        Column holding each customer's value (ignored for a Series).
    shares : sequence of float, default :data:`TOP_SHARES`
        Shares of the best customers to report, each in (0, 1].

    Returns
    -------
    ValueConcentration
        Its ``top`` table has one row per share; ``share_held(s)`` gives any other share.

    Raises
    ------
    TypeError
        ``clv`` is neither a DataFrame nor a Series, or the values are not numeric.
    ValueError
        The column is missing, there are no rows, a value is missing or infinite, a share is
        outside (0, 1], or no value (or the total) is positive.

    Examples
    --------
    >>> conc = value_concentration(pd.Series([50.0, 30.0, 10.0, 5.0, 5.0]), shares=[0.2])
    >>> float(conc.share_held(0.2))
    0.5
    """
    if isinstance(clv, pd.Series):
        frame = clv.to_frame(name=value_col)
    else:
        frame = require_frame(clv, "clv")
        require_columns(frame, [value_col], "clv")
    require_rows(frame, "clv")
    if isinstance(shares, str) or not isinstance(shares, Sequence | np.ndarray) or not len(shares):
        raise ValueError(f"shares must be one or more numbers in (0, 1], got {shares!r}")
    shares = [check_share(s, "each of shares", high_open=False) for s in shares]
    values = numeric_values(frame, value_col, "clv")
    n = len(values)
    n_positive = int((values > 0).sum())
    total = float(values.sum())
    if n_positive == 0 or total <= 0:
        raise ValueError(
            f"column {value_col!r} of clv ({n:,} rows) has {n_positive:,} positive values "
            f"and a total of {total:,g}: shares of the total need a positive total"
        )
    ordered = np.sort(values)[::-1]
    cumulative = np.cumsum(ordered)
    counts = [_top_count(s, n) for s in shares]
    held = [float(cumulative[k - 1]) for k in counts]
    top = pd.DataFrame(
        {
            "share": shares,
            "customers": np.array(counts, dtype=np.int64),
            "value": held,
            "value_share": [h / total for h in held],
        }
    )
    return ValueConcentration(
        value_col=value_col,
        values=ordered,
        total=total,
        median=float(np.median(values)),
        mean=float(np.mean(values)),
        n_nonpositive=n - n_positive,
        top=top,
    )
