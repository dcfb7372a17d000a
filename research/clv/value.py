"""Customer lifetime value from the two models, per customer and per segment.

* :func:`customer_lifetime_value` combines both into the expected discounted value of each
  customer over a horizon; :func:`clv_by_segment` sums it by segment;
  :func:`value_concentration` says how much of the total the best customers hold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._results import Result
from research._validation import (
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.clv.bgnbd import _bgnbd_params, _expected_purchases_at, probability_alive
from research.clv.fitting import ModelFit, _rfm_arrays
from research.clv.gamma_gamma import _check_gamma_gamma, expected_average_spend

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


def customer_lifetime_value(
    bgnbd: ModelFit,
    gamma_gamma: ModelFit,
    summary: pd.DataFrame,
    *,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    unit_days: float = 1.0,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Expected discounted value of each customer over the next ``horizon_months`` months.

    ``CLV = sum over months m of (E[purchases in month m]) * E[spend per purchase] / (1 + d)^m``,
    with the purchases from the BG/NBD model (conditional on each customer's history) and the
    spend from the Gamma-Gamma model; a month is 30.4375 days.

    Parameters
    ----------
    bgnbd, gamma_gamma : ModelFit
        Results of :func:`fit_bgnbd` and :func:`fit_gamma_gamma`.
    summary : pandas.DataFrame
        The customers to value, with the columns the models were fitted on.
    horizon_months : int, default 12
        Horizon in months.
    monthly_discount_rate : float, default 0.01
        Discount rate per month (0.01 is about 12.7% a year).
    unit_days : float, default 1.0
        Length of the summary's time unit in days: 1 for ``rfm_summary(time_unit="D")``, 7 for
        weeks (``time_scale=7``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_average_spend`` and ``clv``.
    """
    if isinstance(horizon_months, bool) or not isinstance(horizon_months, int | np.integer):
        raise ValueError(f"horizon_months must be a positive integer, got {horizon_months!r}")
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be a positive integer, got {horizon_months!r}")
    if not (0 <= monthly_discount_rate < 1):
        raise ValueError(
            f"monthly_discount_rate must be in [0, 1), got {monthly_discount_rate!r} "
            "(a rate per month, e.g. 0.01)"
        )
    if not (unit_days > 0 and math.isfinite(unit_days)):
        raise ValueError(f"unit_days must be a positive number of days, got {unit_days!r}")
    params = _bgnbd_params(bgnbd, "bgnbd")
    _check_gamma_gamma(gamma_gamma, "gamma_gamma")
    cols = dict(frequency_col=frequency_col, recency_col=recency_col, T_col=T_col)
    month = 30.4375 / unit_days
    spend = expected_average_spend(gamma_gamma, summary, frequency_col, monetary_col)
    # the summary is checked once; the months reuse the same arrays (and the parts of the
    # expectation that do not depend on the horizon)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col)
    months = [m * month for m in range(1, horizon_months + 1)]
    previous = np.zeros(len(summary))
    value = np.zeros(len(summary))
    cumulatives = _expected_purchases_at(params, bgnbd.limits, x, t_x, T, months)
    for m, cumulative in enumerate(cumulatives, start=1):
        value += (cumulative - previous) / (1 + monthly_discount_rate) ** m
        previous = cumulative
    return pd.DataFrame(
        {
            "p_alive": probability_alive(bgnbd, summary, **cols).to_numpy(),
            "expected_purchases": previous,
            "expected_average_spend": spend.to_numpy(),
            "clv": value * spend.to_numpy(),
        },
        index=summary.index,
    )


def clv_by_segment(
    clv: pd.DataFrame | pd.Series,
    segments: pd.Series,
    *,
    value_col: str = "clv",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Lifetime value per segment: customers, mean (with interval), total and share of total.

    Parameters
    ----------
    clv : pandas.DataFrame or Series
        Output of :func:`customer_lifetime_value` (or a Series of values), indexed by customer.
    segments : pandas.Series
        Segment of each customer, indexed like ``clv`` (e.g. ``rfm_segments(...)["segment"]``
        or ``CustomerSegmenter.labels_``).
    value_col : str, default "clv"
        Column of ``clv`` to sum.
    ci : float, default 0.95
        Level of the t-interval of the mean.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment: ``customers``, ``share``, ``value_total``, ``value_share``,
        ``value_mean``, ``value_mean_low``, ``value_mean_high``.
    """
    from research.segmentation import segment_value_table

    values = clv if isinstance(clv, pd.Series) else require_frame(clv, "clv")[value_col]
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series, got {type(segments).__name__}")
    missing = values.index.difference(segments.index)
    if len(missing):
        raise ValueError(
            f"{len(missing):,} customers of clv have no segment (e.g. {rows_repr(missing)})"
        )
    frame = pd.DataFrame({"segment": segments.reindex(values.index), "clv": values})
    return segment_value_table(frame, value_col="clv", ci=ci)


#: What :func:`segment_actions` says each kind of segment calls for.
SEGMENT_ACTIONS = {
    "grow": "marketing: invest to grow",
    "save": "sales: call first",
    "automate": "automation only",
}


def segment_actions(
    by_segment: pd.DataFrame,
    *,
    share_col: str = "value_share",
    alive_col: str = "p_alive",
    customers_col: str = "customers",
    alive_threshold: float = 0.5,
) -> pd.Series:
    """Which team acts on each segment, from its share of the future value and P(alive).

    A segment is *valuable* when it holds more than an equal share of the value (more than
    1 / the number of segments with customers) and *active* when its customers' mean P(alive)
    is at least ``alive_threshold``. Valuable and active: marketing invests to grow it;
    valuable but slipping away: sales calls first; the rest: automation only (the texts are
    :data:`SEGMENT_ACTIONS`). Segments without customers get no action (missing).

    Parameters
    ----------
    by_segment : pandas.DataFrame
        One row per segment, e.g. :func:`clv_by_segment` with a ``p_alive`` column of the
        segment's mean probability of being alive. Not modified.
    share_col, alive_col, customers_col : str
        Columns of the share of value, the mean P(alive) and the number of customers.
    alive_threshold : float, default 0.5
        The mean P(alive) from which a segment counts as active, in (0, 1).

    Returns
    -------
    pandas.Series
        The action per segment, indexed like ``by_segment``, named ``"who acts"``.

    Raises
    ------
    TypeError
        ``by_segment`` is not a DataFrame or a column is not numeric.
    ValueError
        A column is missing, the table is empty, a value is missing where there are customers,
        or ``alive_threshold`` is outside (0, 1).

    Examples
    --------
    >>> table = pd.DataFrame({"customers": [10, 30, 60], "value_share": [0.6, 0.3, 0.1],
    ...                       "p_alive": [0.8, 0.3, 0.9]}, index=["top", "fading", "rest"])
    >>> segment_actions(table).tolist()
    ['marketing: invest to grow', 'automation only', 'automation only']
    """
    frame = require_frame(by_segment, "by_segment")
    require_columns(frame, [share_col, alive_col, customers_col], "by_segment")
    require_rows(frame, "by_segment")
    if not 0 < alive_threshold < 1:
        raise ValueError(f"alive_threshold must be between 0 and 1, got {alive_threshold!r}")
    customers = numeric_values(frame, customers_col, "by_segment")
    present = frame[customers > 0]
    share = numeric_values(present, share_col, "by_segment")
    alive = numeric_values(present, alive_col, "by_segment")
    valuable = share > 1 / len(present) if len(present) else share > 1
    active = alive >= alive_threshold
    actions = np.select(
        [valuable & active, valuable & ~active],
        [SEGMENT_ACTIONS["grow"], SEGMENT_ACTIONS["save"]],
        default=SEGMENT_ACTIONS["automate"],
    )
    out = pd.Series(pd.NA, index=frame.index, dtype="string", name="who acts")
    out[customers > 0] = actions
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


@dataclass(frozen=True, eq=False)
class ValueConcentration(Result):
    """How a value is spread over customers: the result of :func:`value_concentration`.

    The figures describe the customers given, all of them (no sample is drawn), so they carry
    no interval.

    Attributes
    ----------
    value_col : str
        The column the values came from.
    values : numpy.ndarray
        Every customer's value, highest first.
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
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], got {share!r}")
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
    value_col: str = "clv",
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
    shares = [float(s) for s in shares]
    bad = [s for s in shares if not 0 < s <= 1]
    if bad or not shares:
        raise ValueError(f"shares must be one or more numbers in (0, 1], got {shares!r}")
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
