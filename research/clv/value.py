"""Customer lifetime value from the two models, per customer and per segment.

* :func:`customer_lifetime_value` combines both into the expected discounted value of each
  customer over a horizon; :func:`clv_by_segment` sums it by segment.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from research._validation import require_frame, rows_repr
from research.clv.bgnbd import _bgnbd_params, expected_purchases, probability_alive
from research.clv.fitting import ModelFit
from research.clv.gamma_gamma import _check_gamma_gamma, expected_average_spend

__all__ = [
    "customer_lifetime_value",
    "clv_by_segment",
]

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
    _bgnbd_params(bgnbd, "bgnbd")
    _check_gamma_gamma(gamma_gamma, "gamma_gamma")
    cols = dict(frequency_col=frequency_col, recency_col=recency_col, T_col=T_col)
    month = 30.4375 / unit_days
    spend = expected_average_spend(gamma_gamma, summary, frequency_col, monetary_col)
    previous = np.zeros(len(summary))
    value = np.zeros(len(summary))
    for m in range(1, horizon_months + 1):
        cumulative = expected_purchases(bgnbd, summary, m * month, **cols).to_numpy()
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
